//! Content loading: walk `content/<lang>/`, split and resolve front matter, extract the
//! summary; one `Document` per Markdown file. Bodies are not kept: the render stage reads
//! them again when it renders the page, so memory does not grow with the site's text.

pub mod cache;
pub mod date;
pub mod edition;
pub mod frontmatter;
pub mod markdown;
pub mod shortcodes;
pub mod typography;

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::Lang;
pub use date::PageDate;
pub use frontmatter::{FrontMatter, Image, SortBy, Source};
use rayon::prelude::*;
// Kept here for the modules that name them by their old home.
pub use crate::paths::{is_ignored_name, read_utf8, site_relative};

/// One Markdown file of `content/<lang>/`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Document {
    pub lang: Lang,
    /// Site-relative path, e.g. `content/kk/news/x.md`.
    pub source: String,
    /// Folder inside the language root (`news`, `news/2025`), `""` at the root.
    pub dir: String,
    /// File name without `.md`.
    pub stem: String,
    /// An `_index.md`: a section's own text rather than a page.
    pub is_index: bool,
    /// A page bundle's `index.md` (`news/x/index.md`: `dir` is `news`, `stem` is `x`): the
    /// other files of its folder are the page's own.
    #[serde(default)]
    pub bundle: bool,
    pub meta: FrontMatter,
    /// The front matter's `summary`, else the first paragraph as plain text.
    pub summary: String,
    /// Byte offset of the Markdown body inside the file.
    pub body_offset: usize,
    /// Hash of the whole file: outputs that show this document change when it changes.
    pub content_hash: u64,
    /// Hash of the front matter alone: with the summary, all that other pages can show of
    /// this document (see `render::fingerprint::site_key`).
    pub meta_hash: u64,
    /// 1-based line of the file where the body starts (for positions inside the body).
    pub body_line: usize,
    /// Problems that did not stop loading (kept in the documents cache, so that every build
    /// repeats them until the file is fixed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Note>,
    /// The body's `@/` links to content files, at their line and column in the file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<markdown::ContentLink>,
    /// The names of the shortcodes the body calls, sorted: its output changes with their
    /// templates (see `render::fingerprint`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shortcodes: Vec<String>,
    /// Whether the body opens with the summary (its first paragraph, or that paragraph's
    /// first words): a standfirst would repeat it.
    #[serde(default)]
    pub summary_opens_body: bool,
    /// Words of the body's text outside shortcode calls (for the reading time).
    #[serde(default)]
    pub words: usize,
    /// The body's headings with their ids (for a table of contents).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headings: Vec<markdown::Heading>,
    /// The body's relative references to files (Markdown images and links, `figure`
    /// sources): looked up in the page's bundle, then in its translations'.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<markdown::FileRef>,
    /// The body's images at site paths (`![…](/img/x.jpg)`, `figure(src="/img/x.jpg")`),
    /// with their leading `/`: a `static/` photo is resized like a bundle's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub site_images: Vec<markdown::FileRef>,
}

/// A warning about a document, at a position of its file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Note {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl Document {
    /// A document at `content/<lang>/<dir>/<stem>.md` with this front matter and nothing
    /// else (empty summary and body, no warnings): for code that builds a site in memory,
    /// like tests, so that a new field is added in one place.
    pub fn bare(lang: Lang, dir: &str, stem: &str, meta: FrontMatter) -> Document {
        let source = if dir.is_empty() {
            format!("content/{lang}/{stem}.md")
        } else {
            format!("content/{lang}/{dir}/{stem}.md")
        };
        Document {
            lang,
            source,
            dir: dir.to_string(),
            stem: stem.to_string(),
            is_index: stem == "_index",
            bundle: false,
            meta,
            summary: String::new(),
            body_offset: 0,
            content_hash: 0,
            meta_hash: 0,
            body_line: 1,
            warnings: Vec::new(),
            links: Vec::new(),
            shortcodes: Vec::new(),
            summary_opens_body: false,
            words: 0,
            headings: Vec::new(),
            files: Vec::new(),
            site_images: Vec::new(),
        }
    }

    /// The folder of a page bundle's files (`content/kk/news/x`), `None` for other pages.
    pub fn bundle_dir(&self) -> Option<&str> {
        self.bundle
            .then(|| self.source.strip_suffix("/index.md"))
            .flatten()
    }

    /// The document's warnings as diagnostics of its file.
    pub fn warnings(&self) -> impl Iterator<Item = Diagnostic> + '_ {
        self.warnings
            .iter()
            .map(|n| Diagnostic::warning(&self.source, &n.message).at(n.line, n.col))
    }

    /// Whether `other` is this document or its next version: the same file in the same
    /// edition (a Kazakh file is also the Latin edition's document).
    pub fn is_same_file_and_edition(&self, other: &Document) -> bool {
        self.source == other.source && self.lang == other.lang
    }

    /// Path inside the language root without `.md`: `news/x`; the default pairing key.
    pub fn rel_key(&self) -> String {
        if self.dir.is_empty() {
            self.stem.clone()
        } else {
            format!("{}/{}", self.dir, self.stem)
        }
    }
}

/// The front-matter text a page shows as it is (title, description) with the language's
/// typography, like its body; the source file keeps what the author wrote.
fn typeset_shown_fields(mut meta: FrontMatter, lang: Lang) -> FrontMatter {
    for text in [&mut meta.title, &mut meta.description]
        .into_iter()
        .flatten()
    {
        if let std::borrow::Cow::Owned(typeset) = typography::typeset(text, lang) {
            *text = typeset;
        }
    }
    meta
}

/// A file to load: absolute path, site-relative name, language.
struct ContentFile {
    path: PathBuf,
    source: String,
    lang: Lang,
    dir: String,
    stem: String,
    bundle: bool,
}

impl ContentFile {
    /// A file at `dir/name` of a language's folder: `news/x/index.md` is the bundle page
    /// `news/x` (an `index.md` at the language root is an ordinary page named `index`).
    fn new(path: PathBuf, source: String, lang: Lang, dir: &str, name: &str) -> ContentFile {
        let stem = name.strip_suffix(".md").unwrap_or(name);
        let (dir, stem, bundle) = match (stem, dir.rsplit_once('/')) {
            ("index", Some((parent, folder))) => (parent, folder, true),
            ("index", None) if !dir.is_empty() => ("", dir, true),
            _ => (dir, stem, false),
        };
        ContentFile {
            path,
            source,
            lang,
            dir: dir.to_string(),
            stem: stem.to_string(),
            bundle,
        }
    }
}

/// Loads every document of every configured language, in a deterministic order. All
/// problems are collected; `Err` carries them when any is an error.
pub fn load_documents(root: &Path, config: &Config) -> Result<Vec<Document>, Diagnostics> {
    load_documents_cached(root, config, None)
}

/// `load_documents`, taking the documents whose files did not change from the documents
/// cache at `cache_path` (see `cache`), and leaving it there for the next build.
pub fn load_documents_cached(
    root: &Path,
    config: &Config,
    cache_path: Option<&Path>,
) -> Result<Vec<Document>, Diagnostics> {
    load_stamped(root, config, cache_path).map(|docs| docs.into_iter().map(|(d, _)| d).collect())
}

/// A loaded document with its file's stamp as it was before the file was read (`None` when
/// the file could not be stat'ed).
pub type Stamped = (Document, Option<cache::Stamp>);

/// `load_documents_cached`, keeping each document's stamp (for `serve`'s engine, which keeps
/// the documents in memory and reloads only files whose stamp changed).
pub fn load_stamped(
    root: &Path,
    config: &Config,
    cache_path: Option<&Path>,
) -> Result<Vec<Stamped>, Diagnostics> {
    let started = std::time::SystemTime::now();
    let key = cache::key(&config.taxonomies);
    let previous = match cache_path {
        Some(path) => cache::DocumentCache::load(path, &key),
        None => cache::DocumentCache::default(),
    };
    let docs = load_known(root, config, |source, stamp| previous.get(source, stamp))?;
    if let Some(path) = cache_path {
        let stamped: Vec<(&Document, cache::Stamp)> =
            docs.iter().filter_map(|(d, s)| Some((d, (*s)?))).collect();
        if !previous.is_current(&stamped, started) {
            // A cache that cannot be written only costs the next build time.
            let _ = cache::save(path, &key, &stamped, &previous, started);
        }
    }
    // Derived editions are made from the documents, never cached: their text depends on
    // the transliteration's words, and the cache holds one document per file.
    Ok(edition::with_derived_editions(docs, config))
}

/// Walks every configured language and loads each Markdown file, unless `known` has its
/// document for the stamp the file has now. In a deterministic order; all problems are
/// collected, and `Err` carries them when any is an error. Only the files' own documents:
/// no derived edition (`edition`).
pub fn load_known(
    root: &Path,
    config: &Config,
    known: impl Fn(&str, cache::Stamp) -> Option<Document> + Sync,
) -> Result<Vec<Stamped>, Diagnostics> {
    let mut diags = Diagnostics::new();
    let mut files = Vec::new();
    for lang in config.source_languages() {
        files.extend(discover_language(root, lang, &mut diags));
    }
    let results: Vec<Result<Stamped, Diagnostics>> = files
        .par_iter()
        .map(|f| {
            // The stamp is taken before the file is read: a change after it makes another.
            let stamp = std::fs::metadata(&f.path)
                .ok()
                .map(|m| cache::Stamp::of(&m));
            if let Some(doc) = stamp.and_then(|s| known(&f.source, s)) {
                return Ok((doc, stamp));
            }
            load_document(f, &config.taxonomies).map(|doc| (doc, stamp))
        })
        .collect();
    let mut docs = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Ok(stamped) => docs.push(stamped),
            Err(d) => diags.extend(d),
        }
    }
    diags.into_result(docs)
}

/// Loads one content file given its path: `None` when the path is not a Markdown file of a
/// configured language (or is hidden, a backup, a swap file).
pub fn load_file(
    root: &Path,
    path: &Path,
    config: &Config,
) -> Option<Result<Document, Diagnostics>> {
    let rel = path.strip_prefix(root).ok()?;
    let mut parts = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    if parts.next()? != "content" {
        return None;
    }
    let lang: Lang = parts.next()?.parse().ok()?;
    if !config.source_languages().any(|l| l == lang) || rel.extension().is_none_or(|x| x != "md") {
        return None;
    }
    let inner = rel
        .strip_prefix(Path::new("content").join(lang.code()))
        .ok()?;
    if inner
        .components()
        .any(|c| is_ignored_name(&c.as_os_str().to_string_lossy()))
    {
        return None;
    }
    let dir = inner
        .parent()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default();
    let name = inner.file_name()?.to_string_lossy().into_owned();
    let file = ContentFile::new(
        path.to_path_buf(),
        site_relative(root, path),
        lang,
        &dir,
        &name,
    );
    Some(load_document(&file, &config.taxonomies))
}

/// Everything about the site's input files that does not stop a build but that an editor
/// should hear about: folders of `content/` that are not a configured language, and special
/// files (FIFOs, sockets, devices) skipped in `content/`, `templates/` and `static/`.
pub fn input_warnings(root: &Path, config: &Config) -> Diagnostics {
    let mut diags = unconfigured_language_folders(root, config);
    let theme = root.join("themes").join(&config.theme);
    let mut dirs = vec![
        theme.join("templates"),
        root.join("templates"),
        theme.join("static"),
        root.join("static"),
    ];
    dirs.extend(
        config
            .source_languages()
            .map(|l| root.join("content").join(l.code())),
    );
    let mut walked = Diagnostics::new();
    for dir in dirs {
        crate::paths::walk_files(root, &dir, &mut walked);
    }
    diags
        .0
        .extend(walked.0.into_iter().filter(|d| !d.is_error()));
    diags
}

/// Warnings for folders of `content/` that are not a configured language: their files are
/// not built, which an editor should hear about.
fn unconfigured_language_folders(root: &Path, config: &Config) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let Ok(entries) = std::fs::read_dir(root.join("content")) else {
        return diags;
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !is_ignored_name(n))
        .collect();
    names.sort();
    for name in names {
        let configured = name
            .parse::<Lang>()
            .is_ok_and(|l| config.source_languages().any(|s| s == l));
        if !configured {
            diags.push(Diagnostic::warning(
                format!("content/{name}"),
                "not a language in site.yaml's `languages`: its files are not built",
            ));
        }
    }
    diags
}

fn discover_language(root: &Path, lang: Lang, diags: &mut Diagnostics) -> Vec<ContentFile> {
    let lang_root = root.join("content").join(lang.code());
    crate::paths::walk_content(root, &lang_root, diags)
        .into_iter()
        .filter(|f| f.rel.ends_with(".md"))
        .map(|f| {
            let (dir, name) = f.rel.rsplit_once('/').unwrap_or(("", &f.rel));
            ContentFile::new(f.path.clone(), f.source.clone(), lang, dir, name)
        })
        .collect()
}

fn load_document(file: &ContentFile, taxonomies: &[String]) -> Result<Document, Diagnostics> {
    let raw = read_utf8(&file.path, &file.source)?;
    let mut warnings = Vec::new();
    let text = match crate::chars::strip_forbidden(&raw) {
        (clean, 0) => clean,
        (clean, removed) => {
            warnings.push(forbidden_characters_note(&raw, removed));
            clean
        }
    };
    let split = frontmatter::split_front_matter(&text)
        .map_err(|m| Diagnostic::error(&file.source, m).at(1, 1))?;
    let mut diags = Diagnostics::new();
    let meta = frontmatter::parse_front_matter(&split, &file.source, taxonomies, &mut diags);
    let is_index = file.stem == "_index";
    let Some(meta) = meta else {
        return Err(diags);
    };
    if is_index {
        frontmatter::check_section_keys(&meta, &file.source, file.dir.is_empty(), &mut diags);
    }
    if !is_index && meta.title.is_none() && !diags.iter().any(|d| d.message.starts_with("title:")) {
        diags.push(
            Diagnostic::error(&file.source, "title: missing; every page needs a title").at(1, 1),
        );
    }
    if diags.has_errors() {
        return Err(diags);
    }
    warnings.extend(diags.iter().map(|d| Note {
        line: d.line.unwrap_or(1),
        col: d.col.unwrap_or(1),
        message: d.message.clone(),
    }));
    let first_paragraph = markdown::first_paragraph_text(&shortcodes::strip_calls(split.body));
    let summary_opens_body = meta
        .summary
        .as_ref()
        .is_none_or(|s| opens_with(&first_paragraph, s));
    let summary = match &meta.summary {
        Some(s) => s.trim().to_string(),
        None => first_paragraph,
    };
    let summary = typography::typeset(&summary, file.lang).into_owned();
    let meta = typeset_shown_fields(meta, file.lang);
    let body_line = text[..split.body_offset].matches('\n').count() + 1;
    let shortcodes = shortcode_names(split.body, body_line, &file.source)?;
    let (words, headings) = words_and_headings(split.body, file.lang);
    let links = markdown::content_links(split.body)
        .into_iter()
        .map(|l| markdown::ContentLink {
            line: body_line + l.line - 1,
            ..l
        })
        .collect();
    let at_file_lines = |refs: Vec<markdown::FileRef>| -> Vec<markdown::FileRef> {
        refs.into_iter()
            .map(|r| markdown::FileRef {
                line: body_line + r.line - 1,
                ..r
            })
            .collect()
    };
    let files = at_file_lines(
        [
            markdown::file_refs(split.body),
            shortcodes::file_refs(split.body),
        ]
        .concat(),
    );
    let site_images = at_file_lines(
        [
            markdown::site_image_refs(split.body),
            shortcodes::site_image_refs(split.body),
        ]
        .concat(),
    );
    Ok(Document {
        lang: file.lang,
        source: file.source.clone(),
        dir: file.dir.clone(),
        stem: file.stem.clone(),
        is_index,
        bundle: file.bundle,
        meta,
        summary,
        body_offset: split.body_offset,
        content_hash: xxhash_rust::xxh3::xxh3_64(text.as_bytes()),
        meta_hash: xxhash_rust::xxh3::xxh3_64(&text.as_bytes()[..split.body_offset]),
        body_line,
        warnings,
        links,
        shortcodes,
        summary_opens_body,
        words,
        headings,
        files,
        site_images,
    })
}

/// Whether `text` starts with `opening` (spacing and a final full stop aside): a summary
/// that is the first sentence of the body, or all of its first paragraph.
fn opens_with(text: &str, opening: &str) -> bool {
    let norm = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
    let opening = norm(opening);
    let opening = opening.trim_end_matches('.');
    !opening.is_empty() && norm(text).starts_with(opening)
}

/// The body's word count and headings, its shortcode calls left out as rendering leaves
/// them out of the Markdown (a call's output is not the author's text).
fn words_and_headings(body: &str, lang: Lang) -> (usize, Vec<markdown::Heading>) {
    let spans: Vec<_> = shortcodes::find_calls(body)
        .unwrap_or_default()
        .into_iter()
        .map(|c| c.span)
        .collect();
    let words = markdown::word_count(&markdown::plain_text(&shortcodes::strip_calls(body)));
    let headings = markdown::headings(&markdown::mark_spans(body, &spans), lang);
    (words, headings)
}

/// The sorted names of the shortcodes a body calls; a malformed call is an error at its
/// line and column of the file.
fn shortcode_names(body: &str, body_line: usize, source: &str) -> Result<Vec<String>, Diagnostics> {
    match shortcodes::find_calls(body) {
        Ok(calls) => {
            let mut names: Vec<String> = calls.into_iter().map(|c| c.name).collect();
            names.sort();
            names.dedup();
            Ok(names)
        }
        Err(errors) => Err(Diagnostics(
            errors
                .into_iter()
                .map(|e| Diagnostic::error(source, e.message).at(body_line + e.line - 1, e.col))
                .collect(),
        )),
    }
}

/// The warning for characters XML forbids, at the first of them.
fn forbidden_characters_note(text: &str, removed: usize) -> Note {
    let first = text.find(crate::chars::is_forbidden).unwrap_or(0);
    let (line, col) = crate::diag::line_col(text, first);
    let code = text[first..].chars().next().map_or(0, u32::from);
    Note {
        line,
        col,
        message: format!(
            "removed {removed} control character{} that XML and HTML forbid (the first is U+{code:04X})",
            if removed == 1 { "" } else { "s" }
        ),
    }
}

/// The Markdown body of a loaded document, read again from disk.
pub fn read_body(root: &Path, doc: &Document) -> Result<String, Diagnostic> {
    let raw = read_utf8(&root.join(&doc.source), &doc.source)?;
    // As on loading, so that `body_offset` points at the same place.
    let mut text = match crate::chars::strip_forbidden(&raw) {
        (_, 0) => raw,
        (clean, _) => clean.into_owned(),
    };
    if doc.body_offset > text.len() || !text.is_char_boundary(doc.body_offset) {
        return Err(Diagnostic::error(
            &doc.source,
            "the file changed while the site was being built",
        ));
    }
    Ok(text.split_off(doc.body_offset))
}
