//! What the indexer takes from one document: its terms, from the terms cache when the
//! cache has its file or else tokenized and stemmed now (by a rayon worker that remembers
//! the stems it computed), and its snippet text when its text chunk is written.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use crate::content::{markdown, read_body};
use crate::diag::Diagnostic;
use crate::site::{PageId, Site};

use super::normalize::{tokens, Normalizer};
use super::terms::{CachedTerms, DocForms};
use super::{TermsCache, SNIPPET_TEXT, TERM_WEIGHT, TITLE_WEIGHT};

/// What one document gave the indexer.
pub(super) struct Indexed<'c> {
    pub(super) terms: Terms<'c>,
    /// Its snippet text, when its text chunk is written (not kept from the last build).
    pub(super) text: Option<String>,
}

pub(super) enum Terms<'c> {
    /// From the terms cache, numbered as the cache numbers its forms.
    Cached(DocForms, &'c CachedTerms),
    /// Tokenized now: (form, stem, weighted count) and the weighted length.
    Fresh(Vec<(Arc<str>, Arc<str>, u32)>, u32),
}

/// A worker's memory of the stems it computed: a language has far fewer distinct words than
/// words, and stemming is the costly part of indexing. Form → (form, stem), shared pointers
/// so that a document's terms cost no new strings.
#[derive(Default)]
pub(super) struct StemMemo {
    stems: HashMap<String, (Arc<str>, Arc<str>)>,
}

impl StemMemo {
    fn stem(&mut self, token: String, normalizer: &Normalizer) -> &(Arc<str>, Arc<str>) {
        self.stems.entry(token).or_insert_with_key(|form| {
            let stem = normalizer.stem(form);
            let stem: Arc<str> = if stem == *form {
                Arc::from(form.as_str())
            } else {
                stem.into()
            };
            (Arc::from(form.as_str()), stem)
        })
    }
}

/// A rayon worker's state: a stem memo borrowed from a shared pool (and handed back when
/// rayon drops the state, so the next batch reuses it), and a form counter reused for every
/// document.
pub(super) struct Worker<'p> {
    memo: StemMemo,
    counts: HashMap<Arc<str>, (Arc<str>, u32)>,
    pool: &'p Mutex<Vec<StemMemo>>,
}

impl<'p> Worker<'p> {
    pub(super) fn new(pool: &'p Mutex<Vec<StemMemo>>) -> Self {
        let memo = pool
            .lock()
            .ok()
            .and_then(|mut p| p.pop())
            .unwrap_or_default();
        Worker {
            memo,
            counts: HashMap::new(),
            pool,
        }
    }

    /// The forms of a page's title, terms and text, with their stems and weighted counts.
    fn tokenize(
        &mut self,
        page: &crate::site::Page,
        text: &str,
        normalizer: &Normalizer,
    ) -> Terms<'static> {
        let Worker { memo, counts, .. } = self;
        counts.clear();
        let mut length = 0;
        let mut add = |text: &str, weight: u32| {
            for token in tokens(text) {
                let (form, stem) = memo.stem(token, normalizer);
                counts
                    .entry(Arc::clone(form))
                    .or_insert_with(|| (Arc::clone(stem), 0))
                    .1 += weight;
                length += weight;
            }
        };
        add(page.title(), TITLE_WEIGHT);
        for terms in page.doc.meta.taxonomies.values() {
            for term in terms {
                add(term, TERM_WEIGHT);
            }
        }
        add(text, 1);
        let forms = counts
            .drain()
            .map(|(form, (stem, count))| (form, stem, count))
            .collect();
        Terms::Fresh(forms, length)
    }
}

impl Drop for Worker<'_> {
    fn drop(&mut self) {
        if let Ok(mut pool) = self.pool.lock() {
            pool.push(std::mem::take(&mut self.memo));
        }
    }
}

/// The page whose words index `page`: its source language's page for a derived edition.
fn source_page<'s>(site: &'s Site, page: &'s crate::site::Page) -> &'s crate::site::Page {
    let source = page.lang().source();
    if source == page.lang() {
        return page;
    }
    match site.groups[page.group.0].get(&source) {
        Some(&id) => site.page(id),
        None => page,
    }
}

/// Indexes one document: its terms from the cache when the cache has its file, else from
/// its text; its snippet text when `needs_text`. The file is read only when needed.
pub(super) fn index_document<'c>(
    site: &Site,
    root: &Path,
    id: PageId,
    needs_text: bool,
    cache: TermsCache<'c>,
    normalizer: &Normalizer,
    worker: &mut Worker<'_>,
) -> Result<Indexed<'c>, Diagnostic> {
    let page = site.page(id);
    // A derived edition's words are its source page's: the Latin edition is searched with
    // the Kazakh stems (`search.js` turns a Latin query into Cyrillic first), and shows
    // its own title, address and text.
    let words_of = source_page(site, page);
    let key = page.doc.content_hash;
    let cached = cache.previous.and_then(|c| Some((c.get(key)?, c)));
    let derived = page.lang().is_derived();
    // The source language's snippet, when its index kept it: a derived edition with cached
    // terms then needs nothing of the file.
    let source_text = match (derived && needs_text, cache.texts) {
        (true, Some(texts)) => texts.lock().ok().and_then(|t| t.get(&key).cloned()),
        _ => None,
    };
    let cached = match cached {
        Some((doc, terms_cache)) if !needs_text || source_text.is_some() => {
            return Ok(Indexed {
                terms: Terms::Cached(doc, terms_cache),
                text: source_text.map(|t| site.config.in_script(page.lang(), &t).into_owned()),
            });
        }
        other => other,
    };
    let body = read_body(root, &page.doc)?;
    let text = markdown::plain_text(&crate::content::shortcodes::strip_calls(&body));
    let snippet = needs_text.then(|| {
        let shown: String = text.chars().take(SNIPPET_TEXT).collect();
        if let (false, Some(texts)) = (derived, cache.texts) {
            if let Ok(mut texts) = texts.lock() {
                texts.insert(key, shown.clone());
            }
        }
        site.config.in_script(page.lang(), &shown).into_owned()
    });
    let terms = match cached {
        Some((doc, cache)) => Terms::Cached(doc, cache),
        None => worker.tokenize(words_of, &text, normalizer),
    };
    Ok(Indexed {
        terms,
        text: snippet,
    })
}
