//! Taxonomies: per language, the terms used in front matter (tags, regions), each with its
//! slug, URL and pages.

use std::collections::BTreeMap;

use crate::lang::{Lang, Locale, Slugger};

use super::{Page, PageId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TermId(pub usize);

#[derive(Debug, Clone)]
pub struct Term {
    pub name: String,
    pub slug: String,
    pub url: String,
    /// Pages with this term, newest first.
    pub pages: Vec<PageId>,
}

#[derive(Debug, Clone)]
pub struct Taxonomy {
    pub lang: Lang,
    /// The front-matter field and URL segment (`tags`).
    pub name: String,
    pub url: String,
    /// Terms in the language's alphabetical order.
    pub terms: Vec<Term>,
}

/// Case-insensitive identity of a term: «Астана» and «астана» are one term.
fn term_key(name: &str) -> String {
    name.to_lowercase()
}

/// Builds one taxonomy of one language from its pages (`pages` newest first) and records
/// each page's term ids.
pub(super) fn build_taxonomy(
    lang: Lang,
    name: &str,
    pages: &mut [Page],
    ordered: &[PageId],
    locale: &Locale,
) -> Taxonomy {
    // key → the spelling shown (the first in code-point order, so «Астана» beats «астана»).
    let mut spellings: BTreeMap<String, String> = BTreeMap::new();
    for id in ordered {
        for term in pages[id.0]
            .doc
            .meta
            .taxonomies
            .get(name)
            .into_iter()
            .flatten()
        {
            let entry = spellings
                .entry(term_key(term))
                .or_insert_with(|| term.clone());
            if term < entry {
                *entry = term.clone();
            }
        }
    }
    let mut slugger = Slugger::default();
    for shown in spellings.values() {
        slugger.add(shown);
    }
    let slugs = slugger.assign();
    let url = format!("/{lang}/{name}/");
    let mut terms: Vec<Term> = spellings
        .values()
        .map(|shown| {
            let slug = slugs.get(shown).cloned().unwrap_or_default();
            Term {
                name: shown.clone(),
                url: format!("{url}{slug}/"),
                slug,
                pages: Vec::new(),
            }
        })
        .collect();
    terms.sort_by(|a, b| locale.compare(&a.name, &b.name));
    let index: BTreeMap<String, TermId> = terms
        .iter()
        .enumerate()
        .map(|(i, t)| (term_key(&t.name), TermId(i)))
        .collect();
    for id in ordered {
        let mut ids: Vec<TermId> = Vec::new();
        for term in pages[id.0]
            .doc
            .meta
            .taxonomies
            .get(name)
            .into_iter()
            .flatten()
        {
            if let Some(tid) = index.get(&term_key(term)) {
                if !ids.contains(tid) {
                    ids.push(*tid);
                    terms[tid.0].pages.push(*id);
                }
            }
        }
        pages[id.0].terms.insert(name.to_string(), ids);
    }
    Taxonomy {
        lang,
        name: name.to_string(),
        url,
        terms,
    }
}
