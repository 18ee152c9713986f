//! Installing the next state of a batch (site, renderer, documents, static files, what each
//! output read) and writing it; everything goes back as it was when the write fails, so the
//! last good site keeps being served.

use std::sync::Arc;

use super::changes::Next;
use super::documents::Docs;
use super::{config_key, Engine, Held, Plan, WriteReport};
use crate::content::Document;
use crate::diag::Diagnostics;
use crate::progress::Silent;
use crate::render::Renderer;
use crate::site::{PageId, Site};

impl Engine {
    /// Installs the next site, renderer and documents, writes the plan, and puts everything
    /// back when the write fails.
    pub(super) fn write_next(
        &mut self,
        next: Next,
        renderer: Option<Renderer>,
        docs: Docs,
        static_files: Option<crate::output::StaticFiles>,
        plan: Plan,
    ) -> Result<WriteReport, Diagnostics> {
        let mut undo = Undo {
            renderer: renderer.map(|r| std::mem::replace(&mut self.renderer, r)),
            static_files: static_files.map(|f| std::mem::replace(&mut self.static_files, f)),
            reads: None,
            structure: None,
            site: None,
            docs: None,
            replaced: Vec::new(),
            orders: Vec::new(),
            config_key: self.config_key,
        };
        if let Next::Retitled { orders, .. } = &next {
            for (section, order) in orders {
                let pages = &mut self.site.sections[section.0].pages;
                undo.orders
                    .push((*section, std::mem::replace(pages, order.clone())));
            }
        }
        if let Next::Assembled {
            mut site,
            structure,
            ..
        } = next
        {
            crate::build::drop_search_without_template(&mut site, &self.renderer);
            if structure != self.structure || site.outputs.len() != self.reads.len() {
                // Another shape: what each output read no longer holds.
                undo.reads = Some(std::mem::replace(
                    &mut self.reads,
                    vec![None; site.outputs.len()],
                ));
                undo.structure = Some(std::mem::replace(&mut self.structure, structure));
            }
            undo.site = Some(std::mem::replace(&mut self.site, *site));
        }
        self.config_key = config_key(&self.site.config);
        match docs {
            Docs::Same => {}
            Docs::InPlace(list) => {
                for (i, stamped) in list {
                    if undo.site.is_none() {
                        set_page_doc(&mut self.site, &stamped.0);
                    }
                    undo.replaced
                        .push((i, std::mem::replace(&mut self.docs[i], stamped)));
                }
            }
            Docs::Reloaded(list) => undo.docs = Some(std::mem::replace(&mut self.docs, list)),
        }
        let result = self.write(plan, &Silent);
        if result.is_err() {
            self.undo(undo);
        } else {
            // The replaced site can hold every page of a large site: freeing it takes
            // milliseconds the preview need not wait for.
            std::thread::spawn(move || drop(undo));
        }
        result
    }

    fn undo(&mut self, undo: Undo) {
        self.config_key = undo.config_key;
        if let Some(r) = undo.renderer {
            self.renderer = r;
        }
        if let Some(f) = undo.static_files {
            self.static_files = f;
        }
        if let Some(reads) = undo.reads {
            self.reads = reads;
        }
        if let Some(structure) = undo.structure {
            self.structure = structure;
        }
        for (section, order) in undo.orders {
            self.site.sections[section.0].pages = order;
        }
        let patched_in_place = undo.site.is_none();
        if let Some(site) = undo.site {
            self.site = site;
        }
        if let Some(docs) = undo.docs {
            self.docs = docs;
        }
        for (i, stamped) in undo.replaced {
            if patched_in_place {
                set_page_doc(&mut self.site, &stamped.0);
            }
            self.docs[i] = stamped;
        }
    }
}

/// What `write_next` replaced, to put back when the write fails.
struct Undo {
    renderer: Option<Renderer>,
    static_files: Option<crate::output::StaticFiles>,
    reads: Option<Vec<Option<Vec<PageId>>>>,
    structure: Option<u64>,
    site: Option<Site>,
    docs: Option<Vec<Held>>,
    replaced: Vec<(usize, Held)>,
    /// Section lists put in another order (`Next::Retitled`), as they were.
    orders: Vec<(crate::site::SectionId, Vec<PageId>)>,
    config_key: u64,
}

/// Replaces the document of the page made from `doc`'s file (a draft is no page).
fn set_page_doc(site: &mut Site, doc: &Arc<Document>) {
    if let Some(page) = site
        .pages
        .iter_mut()
        .find(|p| p.doc.is_same_file_and_edition(doc))
    {
        page.doc = Arc::clone(doc);
    }
}
