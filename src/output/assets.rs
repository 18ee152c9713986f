//! Fingerprinted assets: every `.css` and `.js` static file is published under a name that
//! holds a hash of its content (`style.css` → `style.3f2a9c1e.css`), so a changed stylesheet
//! or script is a new URL and a CDN or browser can keep the old one forever. Templates find
//! the published name with `asset(path="style.css")`; the plain name is not published.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::content::site_relative;
use crate::diag::Diagnostic;

/// Logical path (`style.css`) → published path (`style.3f2a9c1e.css`), for fingerprinted
/// files only.
pub type AssetMap = BTreeMap<String, String>;

/// Extensions of the static files published under a content-hashed name.
const FINGERPRINTED: &[&str] = &["css", "js"];

/// Whether a static file at `rel` is published under a content-hashed name.
pub fn is_fingerprinted(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    match name.rsplit_once('.') {
        Some((stem, ext)) => !stem.is_empty() && FINGERPRINTED.contains(&ext),
        None => false,
    }
}

/// `css/style.css` with `bytes` → `css/style.3f2a9c1e.css` (8 hex digits of xxh3).
pub fn fingerprinted_name(rel: &str, bytes: &[u8]) -> String {
    let hash = format!("{:016x}", xxhash_rust::xxh3::xxh3_64(bytes));
    match rel.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{}.{ext}", &hash[..8]),
        None => format!("{rel}.{}", &hash[..8]),
    }
}

/// Whether `published` is a fingerprinted name (`style.3f2a9c1e.css`), and its logical name.
pub fn logical_name(published: &str) -> Option<String> {
    let (rest, ext) = published.rsplit_once('.')?;
    let (stem, hash) = rest.rsplit_once('.')?;
    let is_hash = hash.len() == 8 && hash.bytes().all(|b| b.is_ascii_hexdigit());
    (is_hash && FINGERPRINTED.contains(&ext)).then(|| format!("{stem}.{ext}"))
}

/// Renames the fingerprinted files of `files` (output path → source) to their published
/// names. Returns the renamed files, the asset map and an error per file that cannot be read.
pub fn fingerprint(
    root: &std::path::Path,
    files: BTreeMap<String, PathBuf>,
) -> (BTreeMap<String, PathBuf>, AssetMap, Vec<Diagnostic>) {
    let mut out = BTreeMap::new();
    let mut assets = AssetMap::new();
    let mut errors = Vec::new();
    for (rel, source) in files {
        if !is_fingerprinted(&rel) {
            out.insert(rel, source);
            continue;
        }
        match std::fs::read(&source) {
            Ok(bytes) => {
                let published = fingerprinted_name(&rel, &bytes);
                assets.insert(rel, published.clone());
                out.insert(published, source);
            }
            Err(e) => errors.push(Diagnostic::error(
                site_relative(root, &source),
                format!("cannot read: {e}"),
            )),
        }
    }
    (out, assets, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_css_and_js_are_fingerprinted() {
        assert!(is_fingerprinted("style.css"));
        assert!(is_fingerprinted("js/search.js"));
        assert!(!is_fingerprinted("favicon.svg"));
        assert!(!is_fingerprinted("robots"));
        assert!(!is_fingerprinted(".css"));
        assert!(!is_fingerprinted("dir.css/readme"));
    }

    #[test]
    fn the_name_follows_the_content() {
        let a = fingerprinted_name("css/style.css", b"body{}");
        assert!(a.starts_with("css/style.") && a.ends_with(".css"), "{a}");
        assert_eq!(a.len(), "css/style.12345678.css".len());
        assert_eq!(a, fingerprinted_name("css/style.css", b"body{}"));
        assert_ne!(a, fingerprinted_name("css/style.css", b"body{ }"));
        assert_eq!(logical_name(&a).as_deref(), Some("css/style.css"));
        assert_eq!(logical_name("style.css"), None);
        assert_eq!(logical_name("x.min.css"), None);
    }
}
