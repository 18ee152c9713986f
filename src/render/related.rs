//! What an article links to besides itself: related articles and its neighbours in its
//! section. Both read other pages only through `Site::page`, and only the pages whose
//! front matter can change the answer, so that `serve` (which re-renders an output when a
//! page it read changed, see `engine::changes`) stays exact:
//! - which pages share a term with an article, and the order of a section's pages, are the
//!   site's shape (`Site::structure_key`, `Site::moved_pages`), not any page's front matter;
//! - recency is a page's `date`: it is read for every candidate that could be chosen.

use std::cmp::Reverse;
use std::collections::{BTreeMap, HashMap};

use crate::site::{PageId, PageKind, Site};

/// The most related articles the engine lists; a theme shows the first N it wants
/// (`page.related | slice(end=4)`).
pub const RELATED_MAX: usize = 8;

/// Articles of the same language sharing the most regions and tags with `id`, the newest
/// first among those sharing as many, at most `limit`. None for a standalone page.
pub fn related_pages(site: &Site, id: PageId, limit: usize) -> Vec<PageId> {
    let page = site.page(id);
    if page.kind != PageKind::Article {
        return Vec::new();
    }
    // Shared term count by candidate: from the terms' page lists (the site's shape). A term
    // of a large site lists thousands of pages: a hash map, not an ordered one.
    let mut shared: HashMap<PageId, usize> = HashMap::new();
    for (name, terms) in &page.terms {
        let Some(taxonomy) = site.taxonomy(page.lang(), name) else {
            continue;
        };
        for term in terms {
            let Some(term) = taxonomy.terms.get(term.0) else {
                continue;
            };
            shared.reserve(term.pages.len());
            for other in &term.pages {
                // A page's kind is part of the site's shape too: no read needed.
                let is_article = site
                    .pages
                    .get(other.0)
                    .is_some_and(|p| p.kind == PageKind::Article);
                if *other != id && is_article {
                    *shared.entry(*other).or_default() += 1;
                }
            }
        }
    }
    let mut tiers: BTreeMap<Reverse<usize>, Vec<PageId>> = BTreeMap::new();
    for (other, count) in shared {
        tiers.entry(Reverse(count)).or_default().push(other);
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
