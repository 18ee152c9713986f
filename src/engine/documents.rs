//! The documents after a batch of changed files (`serve`): loaded again in place when the
//! same files changed, else the content folders walked again, reusing every document whose
//! file did not change.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;

use super::{Engine, Held};
use crate::content::edition::{derived_editions, with_derived_editions};
use crate::content::{load_file, load_known, Document, Stamped};
use crate::diag::Diagnostics;
use crate::lang::Lang;

/// The documents after a batch: the same files with some replaced in place, or a new list.
pub(super) enum Docs {
    Same,
    /// (index into `Engine::docs`, new document) for files that are still the same files.
    InPlace(Vec<(usize, Held)>),
    Reloaded(Vec<Held>),
}

impl Engine {
    /// Loads the changed content files again: in place when each is a Markdown file the
    /// site already had and still has; otherwise the content folders are walked again (an
    /// added, removed or renamed file or folder), reusing every document whose file did
    /// not change.
    pub(super) fn reload_documents(&self, paths: &[&PathBuf]) -> Result<Docs, Diagnostics> {
        if paths.is_empty() {
            return Ok(Docs::Same);
        }
        let root = &self.options.root;
        let config = &self.site.config;
        let mut in_place = Vec::new();
        let mut diags = Diagnostics::new();
        let mut rescan = false;
        for path in paths {
            let source = crate::content::site_relative(root, path);
            let index = self.position_of(&source, None);
            match (index, path.is_file()) {
                (Some(i), true) => match load_file(root, path, config) {
                    Some(Ok(doc)) => {
                        let stamp = std::fs::metadata(path)
                            .ok()
                            .map(|m| crate::content::cache::Stamp::of(&m));
                        // The derived editions of the file change with it, in place too.
                        for derived in derived_editions(&doc, config) {
                            match self.position_of(&source, Some(derived.lang)) {
                                Some(j) => in_place.push((j, (Arc::new(derived), stamp))),
                                None => rescan = true,
                            }
                        }
                        in_place.push((i, (Arc::new(doc), stamp)));
                    }
                    Some(Err(d)) => diags.extend(d),
                    None => rescan = true,
                },
                // Not a page now nor before: an ignored file, or not Markdown.
                (None, true) if load_file(root, path, config).is_none() => {}
                // Gone, and neither a document nor a folder of documents: an editor's
                // temporary file, already renamed over the real one (`sed -i`, atomic saves).
                (None, false) if !path.exists() && !self.held_documents(&source) => {}
                _ => rescan = true,
            }
        }
        if diags.has_errors() {
            diags.sort();
            return Err(diags);
        }
        if !rescan {
            return Ok(Docs::InPlace(in_place));
        }
        let changed: BTreeSet<String> = paths
            .iter()
            .map(|p| crate::content::site_relative(root, p))
            .collect();
        let by_source: std::collections::HashMap<&str, &Held> = self
            .docs
            .iter()
            .filter(|(d, _)| !d.lang.is_derived())
            .map(|s| (s.0.source.as_str(), s))
            .collect();
        load_known(root, config, |source, stamp| {
            if changed.contains(source) {
                return None;
            }
            let (doc, was) = by_source.get(source)?;
            (*was == Some(stamp)).then(|| Document::clone(doc))
        })
        .map(|docs| Docs::Reloaded(held(with_derived_editions(docs, config))))
    }

    /// The index of the document of the file `source` in `lang` (`None`: the file's own
    /// language, not a derived edition).
    fn position_of(&self, source: &str, lang: Option<Lang>) -> Option<usize> {
        self.docs.iter().position(|(d, _)| {
            d.source == source
                && match lang {
                    Some(lang) => d.lang == lang,
                    None => !d.lang.is_derived(),
                }
        })
    }

    /// Whether a folder at `source` (site-relative) held any of the documents.
    fn held_documents(&self, source: &str) -> bool {
        let folder = format!("{source}/");
        self.docs.iter().any(|(d, _)| d.source.starts_with(&folder))
    }

    /// The languages whose search index a change makes stale.
    pub(super) fn stale_languages(&self, docs: &Docs, config_changed: bool) -> BTreeSet<Lang> {
        match docs {
            _ if config_changed => self.site.config.languages.iter().copied().collect(),
            Docs::Same => BTreeSet::new(),
            Docs::InPlace(list) => list.iter().map(|(_, (d, _))| d.lang).collect(),
            Docs::Reloaded(_) => self.site.config.languages.iter().copied().collect(),
        }
    }
}

/// Freshly loaded documents, to be shared.
pub(super) fn held(docs: Vec<Stamped>) -> Vec<Held> {
    docs.into_iter().map(|(d, s)| (Arc::new(d), s)).collect()
}
