//! Applying a batch of changed source files to a loaded site (`serve`). The batch is turned
//! into a write plan by the same keys a build uses:
//! - set-up files (site.yaml, vocabularies, templates, UI strings, data) load the
//!   configuration and renderer again; a renderer with the same key changes nothing;
//! - content files are loaded again; when the set of files is the same and every changed
//!   document keeps its front matter and summary (the only parts of a document other pages
//!   show, see `render::fingerprint::site_key`), the documents are replaced in place and
//!   only their own pages and the feeds are looked at; other content edits assemble the
//!   site again: when its shape (`Site::structure_key`) stays the same, only the outputs
//!   that read an edited page, or a page that moved in a list, are looked at (what each
//!   output read is recorded while it is prepared); otherwise every output is looked at by
//!   its quick key;
//! - static files are copied again.
//!
//! A batch that fails leaves the site and the output as they were and is tried again with
//! the next one.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use std::sync::Arc;

use super::documents::{held, Docs};
use super::{config_key, Engine, Plan, WriteReport};
use crate::config::Config;
use crate::content::{load_known, Document};
use crate::diag::Diagnostics;
use crate::lang::Lang;
use crate::render::Renderer;
use crate::site::{assemble_site, OutputKind, PageId, Publish, SectionId, Site};

/// What `apply` did, for the terminal line and the browser's reload event.
#[derive(Debug, Default, Clone)]
pub struct Applied {
    pub write: WriteReport,
    /// Only stylesheets changed: the browser can swap them without reloading (the pages
    /// changed only in their URLs, `assets`).
    pub css_only: bool,
    /// Fingerprinted static files after the batch: logical path → published path.
    pub assets: crate::output::assets::AssetMap,
    /// Languages whose search index no longer matches the content.
    pub search_stale: BTreeSet<Lang>,
}

/// How a changed path relates to the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// site.yaml, a vocabulary, a template, UI strings, data: the renderer's inputs.
    SetUp,
    Static,
    Content,
}

/// Files at the site's root that configure the whole site (set-up files); `serve` watches
/// them.
pub const SOURCE_FILES: &[&str] = &[
    crate::config::CONFIG_FILE,
    crate::lang::latin::Transliterator::FILE,
];

/// Top-level folders (and `SOURCE_FILES`) whose files are sources; `serve` watches them.
pub const SOURCE_ROOTS: &[&str] = &[
    "content",
    "themes",
    "templates",
    "static",
    "taxonomies",
    "i18n",
    "data",
];

fn classify(root: &Path, theme: &str, path: &Path) -> Option<Kind> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    match parts.first()?.as_str() {
        file if parts.len() == 1 && SOURCE_FILES.contains(&file) => Some(Kind::SetUp),
        "content" => Some(Kind::Content),
        "static" => Some(Kind::Static),
        "themes" => match (parts.get(1), parts.get(2)) {
            (Some(name), Some(part)) if name == theme && part == "static" => Some(Kind::Static),
            (Some(name), _) if name == theme => Some(Kind::SetUp),
            // Another theme, or the themes folder itself (a theme renamed): set-up.
            (None, _) => Some(Kind::SetUp),
            _ => None,
        },
        "templates" | "taxonomies" | "i18n" | "data" => Some(Kind::SetUp),
        _ => None,
    }
}

impl Engine {
    /// Whether a page's publication or expiry moment has passed since the site was
    /// assembled: then `apply` (an empty batch will do) assembles it again.
    pub fn is_due(&self) -> Result<bool, Diagnostics> {
        let now = crate::site::schedule::build_moment()?;
        Ok(self.site.schedule.is_due(now))
    }

    /// Applies a batch of changed paths (absolute, under the site root). On error nothing
    /// changes and the paths are kept to be applied with the next batch.
    pub fn apply(&mut self, batch: &[PathBuf]) -> Result<Applied, Diagnostics> {
        self.apply_showing(batch, &mut |_| {})
    }

    /// `apply`, in two writes when an edit reaches other articles' pages (a title shown in
    /// their related lists): first the edited pages and every list, feed and home page that
    /// shows them, and `shown` is called with that write (`serve` tells the browser at
    /// once), then the other pages. The returned `Applied` covers both.
    pub fn apply_showing(
        &mut self,
        batch: &[PathBuf],
        shown: &mut dyn FnMut(&Applied),
    ) -> Result<Applied, Diagnostics> {
        self.pending.extend(batch.iter().cloned());
        let paths: Vec<PathBuf> = self.pending.iter().cloned().collect();
        let applied = self.apply_paths(&paths, shown)?;
        self.pending.clear();
        Ok(applied)
    }

    fn apply_paths(
        &mut self,
        paths: &[PathBuf],
        shown: &mut dyn FnMut(&Applied),
    ) -> Result<Applied, Diagnostics> {
        let root = self.options.root.clone();
        let theme = self.site.config.theme.clone();
        let kinds: Vec<(Kind, &PathBuf)> = paths
            .iter()
            .filter_map(|p| Some((classify(&root, &theme, p)?, p)))
            .collect();
        let has = |k: Kind| kinds.iter().any(|(kind, _)| *kind == k);
        let content: Vec<&PathBuf> = kinds
            .iter()
            .filter(|(k, _)| *k == Kind::Content)
            .map(|(_, p)| *p)
            .collect();
        let statics: Vec<&PathBuf> = kinds
            .iter()
            .filter(|(k, _)| *k == Kind::Static)
            .map(|(_, p)| *p)
            .collect();

        // A stylesheet or script is published under a name made from its content, which
        // the pages link to: a new one means new pages.
        let assets_changed = statics
            .iter()
            .any(|p| crate::output::assets::is_fingerprinted(&p.to_string_lossy()));
        let (config, renderer) = if has(Kind::SetUp) || assets_changed {
            let config = crate::build::load_site_config(&root, self.options.base_url.as_deref())?;
            let renderer = Renderer::new(&root, &config, std::sync::Arc::clone(&self.locales))?;
            (Some(config), Some(renderer))
        } else {
            (None, None)
        };
        let config_changed = config
            .as_ref()
            .is_some_and(|c| config_key(c) != self.config_key);
        let renderer = renderer.filter(|r| r.key() != self.renderer.key());
        let docs = if config_changed {
            // The configuration decides how documents are read (languages, taxonomies).
            let config = config.as_ref().unwrap_or(&self.site.config);
            let docs = load_known(&root, config, |_, _| None)?;
            Docs::Reloaded(held(crate::content::edition::with_derived_editions(
                docs, config,
            )))
        } else {
            self.reload_documents(&content)?
        };
        // A page whose moment came (published or expired) changes the site as an edit would.
        let due = self.is_due()?;
        let search_stale = self.stale_languages(&docs, config_changed || due);
        // Static files are found again when one changed or the theme may have: a new or
        // removed one can collide with an output, which assembling checks.
        let static_files = if !statics.is_empty() || config_changed {
            let theme = config
                .as_ref()
                .map_or(&self.site.config.theme, |c| &c.theme);
            Some(crate::output::discover_static(&root, theme)?)
        } else {
            None
        };
        // A file of a page bundle (a photo added, replaced or deleted): the bundles are
        // resolved and the photos prepared again.
        let bundle_changed = content
            .iter()
            .any(|p| p.extension().is_none_or(|x| x != "md"))
            || statics.iter().any(|p| crate::images::is_photo_path(p));
        let statics_moved = static_files
            .as_ref()
            .is_some_and(|f| !f.keys().eq(self.static_files.keys()));
        let next = self.next_site(
            config,
            config_changed || statics_moved || due || bundle_changed,
            &docs,
            static_files.as_ref().unwrap_or(&self.static_files),
        )?;
        // With the same site structure and renderer, only the edited pages' quick keys can
        // change (see `render::fingerprint::quick_key`), and the feeds have none.
        // With the same shape (a title or summary edited), only the outputs that read an
        // edited page can change: those pages were recorded when each output was last
        // prepared, and an output never prepared counts as reading them all.
        let plan_outputs = match (&next, &renderer) {
            (Next::Patched(ids), None) => Some(self.outputs_of_pages(ids)),
            // A title or summary edit: the outputs that read an edited page, or a page that
            // moved in its section's list.
            (Next::Retitled { ids, orders }, None) if self.track_reads => {
                let mut pages = ids.clone();
                for (section, order) in orders {
                    let before = &self.site.section(*section).pages;
                    for (a, b) in before.iter().zip(order) {
                        if a != b {
                            pages.extend([*a, *b]);
                        }
                    }
                }
                pages.sort_unstable();
                pages.dedup();
                Some(self.outputs_reading(&self.site, &pages))
            }
            (Next::Unchanged, None) => Some(Vec::new()),
            (
                Next::Assembled {
                    site,
                    structure,
                    edited,
                },
                None,
            ) if self.track_reads && *structure == self.structure && !edited.is_empty() => {
                // A page that moved in a list changes what the lists around it show.
                let mut pages = edited.clone();
                pages.extend(self.site.moved_pages(site));
                pages.sort_unstable();
                pages.dedup();
                Some(self.outputs_reading(site, &pages))
            }
            _ => None,
        };
        // Outputs a failed second write left behind are looked at with this batch.
        let plan_outputs = plan_outputs.map(|mut list| {
            list.extend(self.unfinished.iter().copied());
            list.sort_unstable();
            list.dedup();
            list
        });
        let (first, rest) = match plan_outputs {
            Some(list) => {
                let (first, rest) = self.shown_first(&next, list);
                (Some(first), rest)
            }
            None => (None, Vec::new()),
        };
        let plan = Plan {
            outputs: first,
            statics: !statics.is_empty() || config_changed,
            search: Vec::new(),
            defer_search: false,
        };
        // Only stylesheets in the batch: the pages changed at most in their URLs.
        let css_only = !statics.is_empty()
            && kinds.iter().all(|(k, _)| *k == Kind::Static)
            && statics
                .iter()
                .all(|p| p.extension().is_some_and(|x| x == "css"));
        let write = self.write_next(next, renderer, docs, static_files, plan)?;
        self.unfinished.clear();
        let mut applied = Applied {
            css_only,
            write,
            search_stale,
            assets: self.renderer.assets().clone(),
        };
        if !rest.is_empty() {
            shown(&applied);
            let second = Plan {
                outputs: Some(rest.clone()),
                statics: false,
                search: Vec::new(),
                defer_search: false,
            };
            // The site is already the new one: a second write that fails leaves its outputs
            // for the next batch (and out of the manifest's quick keys, `save_manifest`).
            let more = self
                .write(second, &crate::progress::Silent)
                .inspect_err(|_| {
                    self.unfinished.extend(rest);
                })?;
            let write = &mut applied.write;
            write.changed.extend(more.changed);
            write.changed.sort();
            write.changed.dedup();
            write.checked += more.checked;
            write.rendered += more.rendered;
            write.prepared += more.prepared;
            write.files = more.files;
        }
        Ok(applied)
    }

    /// Splits the outputs a content edit can change into those that show the edited pages
    /// first-hand (the pages themselves, and every list and home page: where an editor looks
    /// for a new title) and the rest (other articles' pages, which show it among their
    /// related articles or neighbours, and the feeds and sitemaps).
    fn shown_first(&self, next: &Next, outputs: Vec<usize>) -> (Vec<usize>, Vec<usize>) {
        let edited: &[PageId] = match next {
            Next::Patched(ids) | Next::Retitled { ids, .. } => ids,
            Next::Assembled { edited, .. } => edited,
            Next::Unchanged => &[],
        };
        let site = match next {
            Next::Assembled { site, .. } => site.as_ref(),
            _ => &self.site,
        };
        let shows_first = |i: &usize| match &site.outputs[*i].kind {
            OutputKind::Page(id) => edited.contains(id),
            // A feed carries its articles' bodies, each rendered again: a feed reader is
            // not where an editor checks a preview.
            OutputKind::Feed { .. }
            | OutputKind::Sitemap
            | OutputKind::SitemapPart(_)
            | OutputKind::Robots => false,
            _ => true,
        };
        outputs
            .into_iter()
            .filter(|&i| i < site.outputs.len())
            .partition(shows_first)
    }
}

/// The site after a batch.
pub(super) enum Next {
    Unchanged,
    /// Pages whose documents were replaced in place (same front matter and summary).
    Patched(Vec<PageId>),
    /// Pages whose documents were replaced in place with another title or summary
    /// (`site::differs_only_in_shown_text`), and the new order of their sections' lists.
    Retitled {
        ids: Vec<PageId>,
        orders: Vec<(SectionId, Vec<PageId>)>,
    },
    /// The site assembled again, with its structure key (`Site::structure_key`) and the
    /// pages of the documents replaced in place (none when documents came or went).
    Assembled {
        site: Box<Site>,
        structure: u64,
        edited: Vec<PageId>,
    },
}

/// Whether replacing `old` by `new` leaves everything but the document's own page and the
/// feeds as it was: the same front matter and summary, and not a section's own text. The
/// same `@/` links too: assembling checks that each names a file the site has.
fn shows_the_same(old: &Document, new: &Document) -> bool {
    let link_paths = |d: &Document| d.links.iter().map(|l| l.path.clone()).collect::<Vec<_>>();
    !old.is_index
        && old.meta_hash == new.meta_hash
        && old.summary == new.summary
        && link_paths(old) == link_paths(new)
        && old.files == new.files
}

impl Engine {
    /// The site after a batch: the same site, its pages patched in place, or the site
    /// assembled again (`restructure`: the configuration or the set of static files changed).
    fn next_site(
        &self,
        config: Option<Config>,
        restructure: bool,
        docs: &Docs,
        static_files: &crate::output::StaticFiles,
    ) -> Result<Next, Diagnostics> {
        let in_place_ok = !restructure
            && match docs {
                Docs::Same => true,
                Docs::InPlace(list) => list
                    .iter()
                    .all(|(i, (new, _))| shows_the_same(&self.docs[*i].0, new)),
                Docs::Reloaded(_) => false,
            };
        if in_place_ok {
            let ids = match docs {
                Docs::InPlace(list) => list
                    .iter()
                    .filter_map(|(i, _)| {
                        let doc = &self.docs[*i].0;
                        self.site
                            .pages
                            .iter()
                            .position(|p| p.doc.is_same_file_and_edition(doc))
                            .map(PageId)
                    })
                    .collect(),
                _ => Vec::new(),
            };
            return Ok(if ids.is_empty() && matches!(docs, Docs::Same) {
                Next::Unchanged
            } else {
                Next::Patched(ids)
            });
        }
        if let (false, Docs::InPlace(list)) = (restructure, docs) {
            if let Some(next) = self.retitled(list) {
                return Ok(next);
            }
        }
        let config = config.unwrap_or_else(|| self.site.config.clone());
        // Documents are shared, not copied: assembling again costs no copy of the site's text.
        let all: Vec<Arc<Document>> = match docs {
            Docs::Reloaded(list) => list.iter().map(|(d, _)| Arc::clone(d)).collect(),
            Docs::InPlace(list) => {
                let mut all: Vec<Arc<Document>> =
                    self.docs.iter().map(|(d, _)| Arc::clone(d)).collect();
                for (i, (doc, _)) in list {
                    all[*i] = Arc::clone(doc);
                }
                all
            }
            Docs::Same => self.docs.iter().map(|(d, _)| Arc::clone(d)).collect(),
        };
        let sources = crate::output::static_sources(&self.options.root, static_files);
        let publish = Publish::at_build_moment(self.options.drafts, self.options.future)?;
        let mut site = assemble_site(config, all, &sources, &self.locales, &publish)?;
        // Variants of photos that did not change come from the cache: only an added or
        // replaced photo is decoded.
        site.photos = Arc::new(crate::images::prepare(
            &self.options.root,
            &site,
            &crate::progress::Silent,
        )?);
        let edited = match docs {
            Docs::InPlace(list) => list
                .iter()
                .filter_map(|(_, (doc, _))| {
                    let at = site
                        .pages
                        .iter()
                        .position(|p| p.doc.is_same_file_and_edition(doc));
                    at.map(PageId)
                })
                .collect(),
            _ => Vec::new(),
        };
        Ok(Next::Assembled {
            structure: if self.track_reads {
                site.structure_key()
            } else {
                0
            },
            site: Box::new(site),
            edited,
        })
    }

    /// `Next::Retitled` when every changed document is a page's and differs from its old
    /// one only in its title or summary, and no navigation or menu names it.
    fn retitled(&self, list: &[(usize, super::Held)]) -> Option<Next> {
        let mut edited = std::collections::BTreeMap::new();
        for (i, (new, _)) in list {
            let old = &self.docs[*i].0;
            if !crate::site::differs_only_in_shown_text(old, new) {
                return None;
            }
            let at = self
                .site
                .pages
                .iter()
                .position(|p| p.doc.is_same_file_and_edition(old))?;
            edited.insert(PageId(at), Arc::clone(new));
        }
        let orders = self.site.retitled_orders(&edited, &self.locales)?;
        #[cfg(debug_assertions)]
        self.check_retitled(list, &orders);
        Some(Next::Retitled {
            ids: edited.into_keys().collect(),
            orders,
        })
    }

    /// Debug builds (every test): a retitled site equals the site assembled again, in
    /// every list, the navigation, the menus and its shape.
    #[cfg(debug_assertions)]
    fn check_retitled(&self, list: &[(usize, super::Held)], orders: &[(SectionId, Vec<PageId>)]) {
        let mut all: Vec<Arc<Document>> = self.docs.iter().map(|(d, _)| Arc::clone(d)).collect();
        for (i, (doc, _)) in list {
            all[*i] = Arc::clone(doc);
        }
        let sources = crate::output::static_sources(&self.options.root, &self.static_files);
        let Ok(publish) = Publish::at_build_moment(self.options.drafts, self.options.future) else {
            return;
        };
        let Ok(full) = assemble_site(
            self.site.config.clone(),
            all,
            &sources,
            &self.locales,
            &publish,
        ) else {
            panic!("a retitled site fails to assemble");
        };
        let mut site = self.site.clone();
        for (_, (doc, _)) in list {
            if let Some(page) = site
                .pages
                .iter_mut()
                .find(|p| p.doc.is_same_file_and_edition(doc))
            {
                page.doc = Arc::clone(doc);
            }
        }
        for (section, order) in orders {
            site.sections[section.0].pages.clone_from(order);
        }
        let lists = |s: &Site| {
            let sections: Vec<Vec<PageId>> = s.sections.iter().map(|x| x.pages.clone()).collect();
            let terms: Vec<Vec<PageId>> = s
                .taxonomies
                .iter()
                .flat_map(|t| t.terms.iter().map(|term| term.pages.clone()))
                .collect();
            (sections, terms, s.latest.clone(), s.structure_key())
        };
        assert!(
            lists(&site) == lists(&full),
            "a retitled site's lists differ from a full assembly"
        );
        assert!(
            site.nav == full.nav && site.menus == full.menus,
            "a retitled site's navigation differs"
        );
    }

    /// The outputs a document edit that shows the same elsewhere can change: its own pages
    /// and the feeds that carry it (feeds carry bodies; a feed not known to read none of
    /// the pages counts as carrying them).
    fn outputs_of_pages(&self, ids: &[PageId]) -> Vec<usize> {
        let wanted: BTreeSet<usize> = ids.iter().map(|id| id.0).collect();
        let reads_one = |i: usize| match self.reads.get(i) {
            Some(Some(read)) => ids.iter().any(|id| read.binary_search(id).is_ok()),
            _ => true,
        };
        self.site
            .outputs
            .iter()
            .enumerate()
            .filter(|(i, o)| match &o.kind {
                OutputKind::Page(id) => wanted.contains(&id.0),
                OutputKind::Feed { .. } => !ids.is_empty() && reads_one(*i),
                _ => false,
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// The outputs of `site` (of the same shape as the current one) that can change when
    /// the `edited` pages' front matter, summary or place in a list changed: their own pages,
    /// the feeds, every output whose context read one of them, and every output not known to
    /// read none.
    fn outputs_reading(&self, site: &Site, edited: &[PageId]) -> Vec<usize> {
        let mut outputs: BTreeSet<usize> = self.outputs_of_pages(edited).into_iter().collect();
        for (i, read) in self.reads.iter().enumerate().take(site.outputs.len()) {
            let reads_edited = read
                .as_ref()
                .is_none_or(|r| edited.iter().any(|id| r.binary_search(id).is_ok()));
            if reads_edited {
                outputs.insert(i);
            }
        }
        outputs.into_iter().collect()
    }
}
