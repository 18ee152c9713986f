//! `qostil init DIR`: a new bilingual site that builds and passes `check --strict` at once:
//! site.yaml, a home, a news section with a first article and an About page in Kazakh and
//! Russian, and the default theme (compiled into qostil) in `themes/portal/`. It refuses a
//! folder that holds anything, so it never overwrites a file.

use std::path::Path;

use crate::diag::{Diagnostic, Diagnostics};

/// The default theme's files, compiled in (a test checks the list against themes/portal/).
pub const THEME_FILES: &[(&str, &[u8])] = &[
    ("README.md", include_bytes!("../themes/portal/README.md")),
    (
        "i18n/kk.yaml",
        include_bytes!("../themes/portal/i18n/kk.yaml"),
    ),
    (
        "i18n/ru.yaml",
        include_bytes!("../themes/portal/i18n/ru.yaml"),
    ),
    (
        "static/article.css",
        include_bytes!("../themes/portal/static/article.css"),
    ),
    (
        "static/chooser.css",
        include_bytes!("../themes/portal/static/chooser.css"),
    ),
    (
        "static/favicon.svg",
        include_bytes!("../themes/portal/static/favicon.svg"),
    ),
    (
        "static/latin.js",
        include_bytes!("../themes/portal/static/latin.js"),
    ),
    (
        "static/search.css",
        include_bytes!("../themes/portal/static/search.css"),
    ),
    (
        "static/search.js",
        include_bytes!("../themes/portal/static/search.js"),
    ),
    (
        "static/style.css",
        include_bytes!("../themes/portal/static/style.css"),
    ),
    (
        "static/video.js",
        include_bytes!("../themes/portal/static/video.js"),
    ),
    (
        "templates/404.html",
        include_bytes!("../themes/portal/templates/404.html"),
    ),
    (
        "templates/base.html",
        include_bytes!("../themes/portal/templates/base.html"),
    ),
    (
        "templates/chooser.html",
        include_bytes!("../themes/portal/templates/chooser.html"),
    ),
    (
        "templates/index.html",
        include_bytes!("../themes/portal/templates/index.html"),
    ),
    (
        "templates/macros.html",
        include_bytes!("../themes/portal/templates/macros.html"),
    ),
    (
        "templates/page.html",
        include_bytes!("../themes/portal/templates/page.html"),
    ),
    (
        "templates/photo.html",
        include_bytes!("../themes/portal/templates/photo.html"),
    ),
    (
        "templates/redirect.html",
        include_bytes!("../themes/portal/templates/redirect.html"),
    ),
    (
        "templates/search.html",
        include_bytes!("../themes/portal/templates/search.html"),
    ),
    (
        "templates/section.html",
        include_bytes!("../themes/portal/templates/section.html"),
    ),
    (
        "templates/shortcodes/figure.html",
        include_bytes!("../themes/portal/templates/shortcodes/figure.html"),
    ),
    (
        "templates/shortcodes/telegram.html",
        include_bytes!("../themes/portal/templates/shortcodes/telegram.html"),
    ),
    (
        "templates/shortcodes/video.html",
        include_bytes!("../themes/portal/templates/shortcodes/video.html"),
    ),
    (
        "templates/taxonomy.html",
        include_bytes!("../themes/portal/templates/taxonomy.html"),
    ),
    (
        "templates/term.html",
        include_bytes!("../themes/portal/templates/term.html"),
    ),
];

/// The site's own files.
const SITE_FILES: &[(&str, &str)] = &[
    ("site.yaml", SITE_YAML),
    (
        "content/kk/_index.md",
        "---\ntitle: \"Басты бет\"\n---\n\nСайтқа қош келдіңіз.\n",
    ),
    (
        "content/ru/_index.md",
        "---\ntitle: \"Главная\"\n---\n\nДобро пожаловать на сайт.\n",
    ),
    (
        "content/kk/news/_index.md",
        "---\ntitle: \"Жаңалықтар\"\nweight: 1\n---\n",
    ),
    (
        "content/ru/news/_index.md",
        "---\ntitle: \"Новости\"\nweight: 1\n---\n",
    ),
    (
        "content/kk/news/first.md",
        "---\ntitle: \"Алғашқы жаңалық\"\ndate: 2025-01-01\nslug: \"alghashqy-zhanalyq\"\n---\n\nСайт ашылды. Бұл мақаланы өзгертіңіз немесе өшіріңіз.\n",
    ),
    (
        "content/ru/news/first.md",
        "---\ntitle: \"Первая новость\"\ndate: 2025-01-01\nslug: \"pervaya-novost\"\n---\n\nСайт открыт. Измените или удалите эту статью.\n",
    ),
    (
        "content/kk/about.md",
        "---\ntitle: \"Сайт туралы\"\nweight: 10\n---\n\nБұл бетте сайт туралы жазыңыз.\n",
    ),
    (
        "content/ru/about.md",
        "---\ntitle: \"О сайте\"\nweight: 10\n---\n\nНапишите здесь о сайте.\n",
    ),
    (".gitignore", "public/\n.qostil/\n"),
];

const SITE_YAML: &str = "\
title:
  kk: \"Жаңа сайт\"
  ru: \"Новый сайт\"
description:
  kk: \"Екі тілдегі сайт.\"
  ru: \"Двуязычный сайт.\"
base_url: \"https://example.kz\"
default_language: kk
languages: [kk, ru]
kazakh_latin: false   # true: also publish /kk-latn/, the Kazakh text in the 2021 Latin alphabet
theme: portal
paginate_by: 10
feed_limit: 20
taxonomies: [tags]
timezone: Asia/Almaty
";

/// Creates the site in `dir` (made when missing) and returns the files written. A `dir`
/// that is a file, or a folder that holds anything, is refused as a usage error before
/// anything is written.
pub fn init_site(dir: &Path) -> Result<Vec<String>, Diagnostics> {
    let shown = dir.display().to_string();
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir)
            .map_err(|e| usage(format!("{shown}: cannot read the folder: {e}")))?;
        if entries.next().is_some() {
            return Err(usage(format!(
                "{shown} is not empty: `qostil init` makes a site in a new or empty folder and never overwrites a file"
            )));
        }
    }
    let files = SITE_FILES
        .iter()
        .map(|(path, text)| ((*path).to_string(), text.as_bytes()))
        .chain(
            THEME_FILES
                .iter()
                .map(|(path, bytes)| (format!("themes/portal/{path}"), *bytes)),
        );
    let mut written = Vec::new();
    for (path, bytes) in files {
        write_new(&dir.join(&path), bytes).map_err(|e| {
            Diagnostics::from(Diagnostic::error(
                format!("{shown}/{path}"),
                format!("cannot create: {e}"),
            ))
        })?;
        written.push(path);
    }
    Ok(written)
}

fn usage(message: String) -> Diagnostics {
    Diagnostic::global(message).with_code("usage").into()
}

/// Writes a file that must not exist yet (`create_new`): nothing is ever overwritten, even
/// when a file appears in the folder while `init` runs.
fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The compiled-in theme is the repository's, file for file: a file added to
    /// themes/portal/ must be added to `THEME_FILES`.
    #[test]
    fn the_compiled_theme_is_the_repositorys() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/portal");
        let mut on_disk: Vec<String> = walkdir::WalkDir::new(&root)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                e.path()
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        on_disk.sort();
        let compiled: Vec<String> = THEME_FILES.iter().map(|(p, _)| p.to_string()).collect();
        assert_eq!(compiled, on_disk);
    }
}
