//! What an article links to besides itself: related articles and its neighbours in its
//! section. Both read other pages only through `Site::page`, and only the pages whose
//! front matter can change the answer, so that `serve` (which re-renders an output when a
//! page it read changed, see `engine::changes`) stays exact:
//! - which pages share a term with an article, and the order of a section's pages, are the
//!   site's shape (`Site::structure_key`, `Site::moved_pages`), not any page's front matter;
//! - recency is a page's `date`: it is read for every candidate that could be chosen.

use std::cmp::Reverse;
use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::site::{PageId, PageKind, Site};

/// The most related articles the engine lists; a theme shows the first N it wants
/// (`page.related | slice(end=4)`).
pub const RELATED_MAX: usize = 8;

/// Each article's related pages (at `RELATED_MAX`), kept while a build renders: a derived
/// edition's article shows its source article's, which is computed once for both. Filled
/// and read only outside `site::reading` (a build; `serve` records what each output reads,
/// so it computes them every time), and sized to the pages at assembly (an index past the
/// end is simply not kept).
#[derive(Debug, Clone, Default)]
pub struct RelatedMemo(Vec<OnceLock<Vec<PageId>>>);

impl RelatedMemo {
    pub fn new(pages: usize) -> RelatedMemo {
        RelatedMemo((0..pages).map(|_| OnceLock::new()).collect())
    }
}

/// Articles of the same language sharing the most regions and tags with `id`, the newest
/// first among those sharing as many, at most `limit`. None for a standalone page.
///
/// A derived edition's article (the Latin edition) has its source article's related pages,
/// in the edition: the two share terms, dates and kinds, and their URLs differ only in the
/// language prefix, so the answer is the same (and is computed once).
pub fn related_pages(site: &Site, id: PageId, limit: usize) -> Vec<PageId> {
    let page = site.page(id);
    if page.kind != PageKind::Article {
        return Vec::new();
    }
    let lang = page.lang();
    let twin = |p: PageId, in_lang| site.groups[site.pages[p.0].group.0].get(&in_lang).copied();
    if let Some(source) = twin(id, lang.source()).filter(|_| lang.is_derived()) {
        return related_of_source(site, source, limit)
            .into_iter()
            .filter_map(|p| twin(p, lang))
            .collect();
    }
    related_of_source(site, id, limit)
}

/// `related_pages` of a page of a language with its own files, from the memo when it has it.
fn related_of_source(site: &Site, id: PageId, limit: usize) -> Vec<PageId> {
    let memo = (limit == RELATED_MAX && !crate::site::is_reading())
        .then(|| site.related_memo.0.get(id.0))
        .flatten();
    match memo {
        Some(slot) => slot
            .get_or_init(|| compute_related(site, id, limit))
            .clone(),
        None => compute_related(site, id, limit),
    }
}

thread_local! {
    /// Per rendering thread: the shared-term count of each page (by index; 0: not met yet,
    /// `EXCLUDED`: not a candidate), all 0 between calls. An array, not a hash map: an
    /// article of a large site meets thousands of candidates through its terms.
    static SHARED: std::cell::RefCell<Vec<u32>> = const { std::cell::RefCell::new(Vec::new()) };
}

const EXCLUDED: u32 = u32::MAX;

fn compute_related(site: &Site, id: PageId, limit: usize) -> Vec<PageId> {
    let page = site.page(id);
    if page.kind != PageKind::Article {
        return Vec::new();
    }
    SHARED.with(|shared| {
        let mut shared = shared.borrow_mut();
        if shared.len() < site.pages.len() {
            shared.resize(site.pages.len(), 0);
        }
        // Shared term count by candidate, from the terms' page lists (the site's shape).
        let mut met: Vec<PageId> = Vec::new();
        for (name, terms) in &page.terms {
            let Some(taxonomy) = site.taxonomy(page.lang(), name) else {
                continue;
            };
            for term in terms.iter().filter_map(|t| taxonomy.terms.get(t.0)) {
                for &other in &term.pages {
                    let Some(count) = shared.get_mut(other.0) else {
                        continue;
                    };
                    if *count == 0 {
                        met.push(other);
                        // A page's kind is part of the site's shape too: no read needed.
                        if other == id || site.pages[other.0].kind != PageKind::Article {
                            *count = EXCLUDED;
                        }
                    }
                    if *count != EXCLUDED {
                        *count += 1;
                    }
                }
            }
        }
        let mut tiers: BTreeMap<Reverse<u32>, Vec<PageId>> = BTreeMap::new();
        for other in met {
            let count = std::mem::take(&mut shared[other.0]);
            if count != EXCLUDED {
                tiers.entry(Reverse(count)).or_default().push(other);
            }
        }
        let mut chosen = Vec::with_capacity(limit);
        // Tiers of fewer shared terms are looked at only while places are left: their dates
        // cannot change the answer otherwise, so they are not read.
        for (_, tier) in tiers {
            let wanted = limit - chosen.len();
            if wanted == 0 {
                break;
            }
            chosen.extend(newest(site, &tier, wanted));
        }
        chosen
    })
}

/// The `n` newest of `pages` (then by URL), newest first. Every one is read (its date can
/// change the answer), but only the `n` chosen are sorted: a tier of a large site holds
/// thousands of pages.
fn newest(site: &Site, pages: &[PageId], n: usize) -> Vec<PageId> {
    let mut keyed: Vec<(Reverse<Option<i64>>, &str, PageId)> = pages
        .iter()
        .map(|&p| {
            let other = site.page(p);
            (Reverse(other.timestamp), other.url.as_str(), p)
        })
        .collect();
    if keyed.len() > n {
        keyed.select_nth_unstable(n);
        keyed.truncate(n);
    }
    keyed.sort_unstable();
    keyed.into_iter().map(|(_, _, p)| p).collect()
}

/// The pages listed just before and just after `id` in its section's order (for a section
/// sorted by date, newest first: the newer and the older article).
pub fn section_neighbours(site: &Site, id: PageId) -> (Option<PageId>, Option<PageId>) {
    let page = site.page(id);
    if page.kind != PageKind::Article {
        return (None, None);
    }
    let pages = &site.section(page.section).pages;
    let Some(at) = pages.iter().position(|p| *p == id) else {
        return (None, None);
    };
    let before = at.checked_sub(1).and_then(|i| pages.get(i)).copied();
    let after = pages.get(at + 1).copied();
    (before, after)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;

    /// The Latin edition's related articles are taken from the Kazakh article's; they must be
    /// what the edition's own taxonomies give, in a build (memo) and in `serve` (reading).
    #[test]
    fn a_latin_article_has_what_its_own_terms_give_and_its_kazakh_twins_related() {
        let (_dir, _root, site) = crate::site::test_sites::basic_with("kazakh_latin: true\n");
        let latin: Vec<PageId> = (0..site.pages.len())
            .map(PageId)
            .filter(|&p| site.pages[p.0].lang() == Lang::KkLatn)
            .filter(|&p| site.pages[p.0].kind == PageKind::Article)
            .collect();
        assert!(latin.len() >= 4, "{} Latin articles", latin.len());
        let mut shown = 0;
        for id in latin {
            let own = compute_related(&site, id, RELATED_MAX);
            assert!(own.iter().all(|p| site.pages[p.0].lang() == Lang::KkLatn));
            assert_eq!(
                related_pages(&site, id, RELATED_MAX),
                own,
                "{}",
                site.pages[id.0].url
            );
            let (read, _) = crate::site::reading(|| related_pages(&site, id, RELATED_MAX));
            assert_eq!(read, own);
            assert_eq!(related_pages(&site, id, 2), own[..own.len().min(2)]);
            shown += own.len();
        }
        assert!(shown > 0);
    }
}
