//! Title and summary edits without assembling the site again. Assembling reads a page's
//! title only to order its section's list (`compare_pages`), to name standalone pages in the
//! navigation and pages in menus; it never reads the summary. So when an edit changes
//! nothing else of an article that no menu names, the site keeps its shape and only the
//! section lists of the edited pages can change order: `retitled_orders` gives their new
//! order. In debug builds (every test), `engine` checks each use against a full assembly.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::content::Document;
use crate::lang::Locales;

use super::{Page, PageId, PageKind, SectionId, Site};

/// Whether `new` differs from `old`, a page's document, at most in its title and summary:
/// the same front matter otherwise (positions included), the same `@/` links, the same
/// warnings.
pub fn differs_only_in_shown_text(old: &Document, new: &Document) -> bool {
    !old.is_index
        && !new.is_index
        && old.source == new.source
        && old.links == new.links
        && old.warnings == new.warnings
        && layout_of(old) == layout_of(new)
}

/// The front matter without the title and the summary (and their positions).
fn layout_of(doc: &Document) -> Option<serde_json::Value> {
    let mut value = serde_json::to_value(&doc.meta).ok()?;
    let map = value.as_object_mut()?;
    map.remove("title");
    map.remove("summary");
    if let Some(positions) = map.get_mut("positions").and_then(|p| p.as_object_mut()) {
        positions.remove("title");
        positions.remove("summary");
    }
    Some(value)
}

impl Site {
    /// The new order of every section list that holds one of the `edited` pages (page →
    /// its new document, which `differs_only_in_shown_text` from the old), when that is all
    /// that changes: `None` when an edited page is a standalone page (named in the
    /// navigation) or a menu names it, which the caller assembles again.
    pub fn retitled_orders(
        &self,
        edited: &BTreeMap<PageId, Arc<Document>>,
        locales: &Locales,
    ) -> Option<Vec<(SectionId, Vec<PageId>)>> {
        let in_menu = |page: &Page| {
            self.menus
                .values()
                .flat_map(|menus| menus.values().flatten())
                .any(|item| !item.external && item.url == page.url)
        };
        let mut patched: BTreeMap<PageId, Page> = BTreeMap::new();
        for (&id, doc) in edited {
            let page = self.pages.get(id.0)?;
            if page.kind != PageKind::Article || in_menu(page) {
                return None;
            }
            patched.insert(
                id,
                Page {
                    doc: Arc::clone(doc),
                    ..page.clone()
                },
            );
        }
        let mut sections: Vec<SectionId> = patched.values().map(|p| p.section).collect();
        sections.sort_unstable();
        sections.dedup();
        let page = |id: PageId| patched.get(&id).unwrap_or(&self.pages[id.0]);
        let orders = sections
            .into_iter()
            .map(|id| {
                let section = &self.sections[id.0];
                let locale = locales.get(section.lang);
                let mut order = section.pages.clone();
                order.sort_by(|a, b| {
                    super::assemble::compare_pages(page(*a), page(*b), section.sort_by, locale)
                });
                (id, order)
            })
            .collect();
        Some(orders)
    }
}
