//! `qostil new <section> <name>`: a paired kk/ru article skeleton, a draft dated today, never
//! overwriting a file. Both files are named after `<name>` (the same path, so they pair); each
//! gets a `slug` from its own title, so a Russian URL is Russian words and a Kazakh URL
//! Kazakh words.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::config::load_config;
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::{slug_from_title, slugify, Lang};

pub struct NewOptions {
    pub root: PathBuf,
    pub section: String,
    pub name: String,
    pub title_kk: Option<String>,
    pub title_ru: Option<String>,
}

#[derive(Serialize)]
struct Skeleton<'a> {
    title: &'a str,
    slug: &'a str,
    date: &'a str,
    draft: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    translated_from: Option<Lang>,
}

/// Today's date in UTC, `YYYY-MM-DD`.
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    chrono::DateTime::from_timestamp(i64::try_from(secs).unwrap_or(0), 0).map_or_else(
        || "1970-01-01".to_string(),
        |d| d.format("%Y-%m-%d").to_string(),
    )
}

/// The URL slug for a page titled `title`: from the title, or the file's name when the title
/// has no letters or digits to make one.
fn slug_for(title: &str, file_stem: &str) -> String {
    let slug = slug_from_title(title);
    if slug.is_empty() {
        file_stem.to_string()
    } else {
        slug
    }
}

/// The page of `section_dir` (site-relative) that already has the URL `slug` there: by its
/// `slug`, its file or folder name, or one of its `aliases`. A file that cannot be read or
/// parsed counts by its name; `check` and `build` report it.
fn url_owner(root: &Path, section_dir: &str, slug: &str) -> Option<String> {
    let url = format!("/{}/{slug}/", section_dir.trim_start_matches("content/"));
    let mut entries: Vec<PathBuf> = std::fs::read_dir(root.join(section_dir))
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    entries.into_iter().find_map(|path| {
        let name = path.file_name()?.to_str()?.to_string();
        if crate::content::is_ignored_name(&name) {
            return None;
        }
        let (file, default_slug) = if path.is_dir() {
            (path.join("index.md"), name)
        } else {
            (path.clone(), name.strip_suffix(".md")?.to_string())
        };
        if default_slug == "_index" || !file.is_file() {
            return None;
        }
        let (own, aliases) = slug_and_aliases(&file);
        let taken = own.as_deref().unwrap_or(&default_slug) == slug
            || aliases.iter().any(|alias| {
                alias.trim_end_matches("index.html").trim_end_matches('/')
                    == url.trim_end_matches('/')
            });
        let rel = file.strip_prefix(root).unwrap_or(&file);
        taken.then(|| rel.to_string_lossy().replace('\\', "/"))
    })
}

/// A content file's `slug` and `aliases`, when its front matter says them.
fn slug_and_aliases(file: &Path) -> (Option<String>, Vec<String>) {
    let Ok(text) = std::fs::read_to_string(file) else {
        return (None, Vec::new());
    };
    let Some(front) = crate::content::frontmatter::split_front_matter(&text)
        .ok()
        .and_then(|split| crate::yaml::parse_mapping(split.yaml).ok())
    else {
        return (None, Vec::new());
    };
    let slug = front
        .get("slug")
        .and_then(|v| v.as_str())
        .map(str::to_string);
    let aliases = front
        .get("aliases")
        .and_then(|v| v.as_array())
        .map(|list| {
            list.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    (slug, aliases)
}

/// Creates both files, or none: every problem is found before anything is written.
pub fn new_article(options: &NewOptions) -> Result<Vec<String>, Diagnostics> {
    let config = load_config(&options.root)?;
    let slug = slugify(&options.name);
    let section: Vec<String> = options
        .section
        .split('/')
        .filter(|p| !p.is_empty())
        .map(slugify)
        .collect();
    if slug.is_empty() || section.iter().any(String::is_empty) || section.is_empty() {
        return Err(Diagnostic::global(format!(
            "`{}` `{}`: a section and a name with letters or digits are needed",
            options.section, options.name
        ))
        .into());
    }
    let date = today();
    let mut planned = Vec::new();
    let mut diags = Diagnostics::new();
    for lang in config.source_languages() {
        let rel = format!("content/{lang}/{}/{slug}.md", section.join("/"));
        let path = options.root.join(&rel);
        if path.exists() {
            diags.push(Diagnostic::error(
                &rel,
                "already exists; qostil new never overwrites",
            ));
            continue;
        }
        let title = match lang {
            Lang::Kk => options.title_kk.as_deref(),
            Lang::Ru => options.title_ru.as_deref(),
            Lang::KkLatn => None,
        }
        .unwrap_or(&options.name);
        let own_slug = slug_for(title, &slug);
        let section_dir = format!("content/{lang}/{}", section.join("/"));
        if let Some(owner) = url_owner(&options.root, &section_dir, &own_slug) {
            diags.push(Diagnostic::error(
                &rel,
                format!(
                    "slug: `{own_slug}` (from the title «{title}») is already the URL of {owner}; \
                     give this language another title (--title-{lang})"
                ),
            ));
            continue;
        }
        let skeleton = Skeleton {
            title,
            slug: &own_slug,
            date: &date,
            draft: true,
            translated_from: (lang != config.default_language).then_some(config.default_language),
        };
        let yaml = crate::yaml::to_string(&skeleton).map_err(Diagnostic::global)?;
        planned.push((rel, path, format!("---\n{yaml}---\n\n")));
    }
    if diags.has_errors() {
        return Err(diags);
    }
    let mut created = Vec::new();
    for (rel, path, text) in planned {
        let result = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&path, text));
        result.map_err(|e| Diagnostic::error(&rel, format!("cannot write: {e}")))?;
        created.push(rel);
    }
    Ok(created)
}
