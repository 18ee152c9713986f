//! Page bundles: the files beside a bundle's `index.md`, and what each page's relative
//! references name. A reference is looked up in the page's own bundle, then in its
//! translations' bundles (a Russian translation shows the Kazakh original's photo without a
//! copy). A reference from a bundle, or from a page whose translation is a bundle, that no
//! bundle has is an error at its line; a plain page without bundles around it keeps its
//! references as written (they are the site's `static/` paths relative to the page, which
//! `check` verifies).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::content::markdown::relative_file;
use crate::content::Document;
use crate::diag::{Diagnostic, Diagnostics};
use crate::site::{PageId, Site};

/// A file of a page bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleFile {
    /// Site-relative source: `content/kk/news/x/photo.jpg`.
    pub source: String,
    /// Its path inside the bundle: `photo.jpg`, `docs/report.pdf`.
    pub rel: String,
    /// The output folder of the bundle's page: `kk/news/x/`.
    pub out_dir: String,
}

impl BundleFile {
    /// Where the file is published as it is: `kk/news/x/photo.jpg`.
    pub fn out_path(&self) -> String {
        format!("{}{}", self.out_dir, self.rel)
    }

    /// Whether qostil makes the file into resized photos (JPEG and PNG).
    pub fn is_photo(&self) -> bool {
        is_photo_name(&self.rel)
    }
}

/// JPEG and PNG files are photos: the pipeline resizes them.
pub fn is_photo_name(name: &str) -> bool {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    matches!(ext.as_deref(), Some("jpg" | "jpeg" | "png"))
}

/// One reference of a page resolved to a bundle file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The bundle file's source.
    pub source: String,
    /// Shown as an image (a Markdown image, `image.src`, a shortcode's `src`), or linked.
    pub image: bool,
}

/// Every bundle file of the built pages and what each page's references name.
#[derive(Debug, Default)]
pub struct Bundles {
    /// Bundle file source → the file.
    pub files: BTreeMap<String, BundleFile>,
    /// (document source, path as written) → the reference resolved.
    pub refs: BTreeMap<(String, String), Reference>,
}

impl Bundles {
    /// The bundle file `path` names for the page of document `doc_source`.
    pub fn lookup(&self, doc_source: &str, path: &str) -> Option<(&BundleFile, bool)> {
        let r = self.refs.get(&(doc_source.to_string(), path.to_string()))?;
        Some((self.files.get(&r.source)?, r.image))
    }

    /// The bundle files no page refers to (for `check`).
    pub fn unreferenced(&self) -> Vec<&BundleFile> {
        let used: BTreeSet<&str> = self.refs.values().map(|r| r.source.as_str()).collect();
        self.files
            .values()
            .filter(|f| !used.contains(f.source.as_str()))
            .collect()
    }
}

/// Finds the files of every built bundle page and resolves every page's relative
/// references; every missing file is reported at its page and line.
pub fn collect(root: &Path, site: &Site) -> Result<Bundles, Diagnostics> {
    let mut diags = Diagnostics::new();
    let mut bundles = Bundles::default();
    // Page → its bundle's files by path inside the bundle.
    let mut by_page: BTreeMap<usize, BTreeMap<String, String>> = BTreeMap::new();
    for (i, page) in site.pages.iter().enumerate() {
        let Some(dir) = page.doc.bundle_dir() else {
            continue;
        };
        let out_dir = format!("{}/", page.url.trim_matches('/'));
        let mut own = BTreeMap::new();
        for file in crate::paths::walk_files(root, &root.join(dir), &mut diags) {
            if file.rel.ends_with(".md") {
                continue;
            }
            own.insert(file.rel.clone(), file.source.clone());
            bundles.files.insert(
                file.source.clone(),
                BundleFile {
                    source: file.source,
                    rel: file.rel,
                    out_dir: out_dir.clone(),
                },
            );
        }
        by_page.insert(i, own);
    }
    for (i, page) in site.pages.iter().enumerate() {
        // The page's own bundle first, then its translations' in the site's language order.
        let mut order = vec![i];
        if let Some(group) = site.groups.get(page.group.0) {
            order.extend(group.values().map(|PageId(p)| *p).filter(|&p| p != i));
        }
        let searched: Vec<&BTreeMap<String, String>> =
            order.iter().filter_map(|p| by_page.get(p)).collect();
        let doc = &page.doc;
        for (path, line, col, image) in references(doc) {
            let Some(normal) = normalize(&path) else {
                if !searched.is_empty() {
                    diags.push(
                        Diagnostic::error(
                            &doc.source,
                            format!("{path}: a bundle file cannot be outside its bundle's folder"),
                        )
                        .at_opt(line.zip(col)),
                    );
                }
                continue;
            };
            match searched.iter().find_map(|files| files.get(&normal)) {
                Some(source) => {
                    bundles.refs.insert(
                        (doc.source.clone(), path.clone()),
                        Reference {
                            source: source.clone(),
                            image,
                        },
                    );
                }
                None if !searched.is_empty() => {
                    diags.push(missing(site, &order, doc, &path, image).at_opt(line.zip(col)));
                }
                None => {}
            }
        }
    }
    // A reference that is only linked may make a photo public as it is; one that is shown
    // is published only as processed copies (see `Photos`).
    diags.into_result(bundles)
}

/// A document's relative references: `image.src`, then the body's (with their positions).
#[allow(clippy::type_complexity)]
fn references(doc: &Document) -> Vec<(String, Option<usize>, Option<usize>, bool)> {
    let mut refs = Vec::new();
    if let Some(src) = doc
        .meta
        .image
        .as_ref()
        .and_then(|i| relative_file(&i.src, true))
    {
        let pos = doc.meta.position("image");
        refs.push((src, pos.map(|p| p.0), pos.map(|p| p.1), true));
    }
    for r in &doc.files {
        refs.push((r.path.clone(), Some(r.line), Some(r.col), r.image));
    }
    refs
}

/// `./a/../b.jpg` → `b.jpg`; `None` for a path that leaves the bundle (`../x.jpg`).
fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

fn missing(site: &Site, order: &[usize], doc: &Document, path: &str, image: bool) -> Diagnostic {
    let folders: Vec<String> = order
        .iter()
        .filter_map(|&p| site.pages[p].doc.bundle_dir())
        .map(|d| format!("{d}/"))
        .collect();
    let what = if image { "image" } else { "link" };
    Diagnostic::error(
        &doc.source,
        format!(
            "{what} {path}: no such file in {}",
            if folders.len() == 1 {
                folders[0].clone()
            } else {
                format!(
                    "{} (the page's bundle and its translations')",
                    folders.join(", ")
                )
            }
        ),
    )
    .with_code("missing-image")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_bundle() {
        assert_eq!(normalize("./a/../b.jpg").as_deref(), Some("b.jpg"));
        assert_eq!(normalize("img/x.png").as_deref(), Some("img/x.png"));
        assert_eq!(normalize("../x.jpg"), None);
        assert_eq!(normalize("a/../../x.jpg"), None);
    }

    #[test]
    fn photos_are_jpeg_and_png() {
        assert!(is_photo_name("a.JPG") && is_photo_name("b.jpeg") && is_photo_name("c.png"));
        assert!(!is_photo_name("d.pdf") && !is_photo_name("e.svg") && !is_photo_name("jpg"));
    }
}
