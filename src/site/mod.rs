//! The site model: an immutable arena of pages and sections with their URLs, translation
//! groups, taxonomies and the full list of outputs. Assembled once from the loaded documents;
//! reads no files and knows nothing of templates.

mod assemble;
mod collisions;
mod links;
mod menus;
mod output_list;
mod outputs;
mod retitle;
pub mod schedule;
mod taxonomy;
mod translations;

pub use assemble::assemble_site;
pub use links::{content_path, ContentFile};
pub use menus::{MenuItem, Menus};
pub use outputs::{url_to_file_path, Output, OutputKind, SITEMAP_LIMIT};
pub use retitle::differs_only_in_shown_text;
pub use schedule::{Publish, Schedule, Timed, TimedState};
pub use taxonomy::{Taxonomy, Term, TermId};
pub use translations::Alternate;

use std::collections::BTreeMap;

use crate::config::Config;
use crate::content::{Document, SortBy};
use crate::diag::Diagnostics;
use crate::lang::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PageId(pub usize);

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SectionId(pub usize);

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GroupId(pub usize);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PageKind {
    /// A page inside a section (news): dated, listed, in feeds.
    Article,
    /// A page at the language root (About): not listed.
    Page,
}

#[derive(Debug, Clone)]
pub struct Page {
    /// Shared with `serve`'s engine, which keeps every document to assemble the site again.
    pub doc: std::sync::Arc<Document>,
    pub kind: PageKind,
    pub section: SectionId,
    /// Root-relative URL without the base path: `/kk/news/x/`.
    pub url: String,
    /// The translation group: the same article in every language.
    pub group: GroupId,
    /// The moment of its `date` in seconds since the epoch, for ordering (computed once:
    /// reading a date in the site's zone is not free, and sorting compares each many times).
    pub timestamp: Option<i64>,
    /// Terms by taxonomy name, resolved to this language's term ids.
    pub terms: BTreeMap<String, Vec<TermId>>,
}

impl Page {
    pub fn lang(&self) -> Lang {
        self.doc.lang
    }

    pub fn title(&self) -> &str {
        self.doc.meta.title.as_deref().unwrap_or_default()
    }
}

#[derive(Debug, Clone)]
pub struct Section {
    pub lang: Lang,
    /// Folder inside the language root, `""` for the language home.
    pub dir: String,
    pub url: String,
    pub title: String,
    pub index: Option<Document>,
    pub parent: Option<SectionId>,
    pub subsections: Vec<SectionId>,
    /// Direct pages, in the section's sort order.
    pub pages: Vec<PageId>,
    pub sort_by: SortBy,
    pub paginate_by: usize,
    pub weight: i64,
    /// The section in every language (`Site::section_groups`): by the `translation_key` of
    /// its `_index.md`, else by folder.
    pub group: GroupId,
}

impl Section {
    pub fn is_home(&self) -> bool {
        self.dir.is_empty()
    }

    /// Number of list pages (at least one, even when empty).
    pub fn page_count(&self) -> usize {
        self.pages.len().div_ceil(self.paginate_by).max(1)
    }
}

/// Weight of the taxonomy indexes in the navigation: after sections of weight up to 5
/// (News has 1), before pages such as About (10).
pub const TAXONOMY_NAV_WEIGHT: i64 = 5;

/// The label of a navigation entry.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum NavTitle {
    Text(String),
    /// A taxonomy's name (`regions`): the renderer gives its title (`taxonomy_title`).
    UiString(String),
}

/// An entry of the language's navigation.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NavItem {
    pub title: NavTitle,
    pub url: String,
    pub weight: i64,
}

#[derive(Debug, Clone)]
pub struct Site {
    pub config: Config,
    pub pages: Vec<Page>,
    pub sections: Vec<Section>,
    /// Language → its home section.
    pub homes: BTreeMap<Lang, SectionId>,
    /// Translation group → the page in each language.
    pub groups: Vec<BTreeMap<Lang, PageId>>,
    /// (language, folder) → section.
    pub sections_by_dir: BTreeMap<(Lang, String), SectionId>,
    /// Section translation group → the section in each language.
    pub section_groups: Vec<BTreeMap<Lang, SectionId>>,
    /// Every built content file by language and path inside the language's folder
    /// (`news/x.md`): what `@/news/x.md` links find.
    pub content_files: BTreeMap<(Lang, String), ContentFile>,
    pub taxonomies: Vec<Taxonomy>,
    pub nav: BTreeMap<Lang, Vec<NavItem>>,
    /// site.yaml's `menus`, resolved per language.
    pub menus: Menus,
    /// Language → its articles, newest first (home page, feeds).
    pub latest: BTreeMap<Lang, Vec<PageId>>,
    pub outputs: Vec<Output>,
    /// The documents' warnings (problems that did not stop the build), for the report.
    pub warnings: Diagnostics,
    /// Scheduled, expiring and expired pages, and when the next one changes the site.
    pub schedule: Schedule,
    /// Page bundles and their processed photos (`images::prepare`, after assembling).
    pub photos: std::sync::Arc<crate::images::Photos>,
    /// Related articles computed while rendering, shared by an article's editions.
    pub related_memo: crate::render::related::RelatedMemo,
}

thread_local! {
    /// The pages read through `Site::page` on this thread while `reading` runs.
    static READS: std::cell::RefCell<Option<Vec<PageId>>> = const { std::cell::RefCell::new(None) };
}

/// Runs `f` and returns, with its result, every page it read through `Site::page` (sorted,
/// each once). Rendering reads other pages only that way, so this is what an output shows of
/// other pages: `serve` re-renders an output after a page's title or summary changed only
/// when that output read the page.
pub fn reading<T>(f: impl FnOnce() -> T) -> (T, Vec<PageId>) {
    let outer = READS.with(|r| r.borrow_mut().replace(Vec::new()));
    let value = f();
    let mut read = READS
        .with(|r| std::mem::replace(&mut *r.borrow_mut(), outer))
        .unwrap_or_default();
    read.sort_unstable();
    read.dedup();
    (value, read)
}

/// Whether this thread is inside `reading` (then what is read must be recorded, and nothing
/// read may come from a memo filled elsewhere).
pub fn is_reading() -> bool {
    READS.with(|r| r.borrow().is_some())
}

impl Site {
    pub fn page(&self, id: PageId) -> &Page {
        READS.with(|r| {
            if let Some(read) = r.borrow_mut().as_mut() {
                read.push(id);
            }
        });
        &self.pages[id.0]
    }

    /// A hash of the site's shape: every output, section, taxonomy, translation group, the
    /// navigation, and where each page sits — everything assembled except the pages' own
    /// front matter and summaries and the order of the lists (sections' pages, terms' pages,
    /// the latest articles), which `moved_pages` compares. Two sites with the same key have
    /// the same outputs, and rendering either reads the same pages once the lists' order
    /// is accounted for.
    pub fn structure_key(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let sorted = |ids: &[PageId]| {
            let mut ids = ids.to_vec();
            ids.sort_unstable();
            ids
        };
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        // An output's `source` only names a file for messages (a list names its newest
        // page), so it is left out.
        for o in &self.outputs {
            (&o.url, &o.kind).hash(&mut h);
        }
        self.groups.hash(&mut h);
        self.nav.hash(&mut h);
        self.menus.hash(&mut h);
        self.homes.hash(&mut h);
        self.sections_by_dir.hash(&mut h);
        self.section_groups.hash(&mut h);
        for s in &self.sections {
            (s.lang, &s.dir, &s.url, &s.title).hash(&mut h);
            // A section's own text: the whole file, by its hash.
            s.index
                .as_ref()
                .map(|d| (&d.source, d.content_hash))
                .hash(&mut h);
            (s.parent, &s.subsections, sorted(&s.pages)).hash(&mut h);
            (s.sort_by, s.paginate_by, s.weight, s.group).hash(&mut h);
        }
        for t in &self.taxonomies {
            (t.lang, &t.name, &t.url).hash(&mut h);
            for term in &t.terms {
                (&term.name, &term.slug, &term.url, sorted(&term.pages)).hash(&mut h);
            }
        }
        for (lang, ids) in &self.latest {
            (lang, sorted(ids)).hash(&mut h);
        }
        for page in &self.pages {
            (
                &page.doc.source,
                &page.url,
                page.kind,
                page.section,
                page.group,
            )
                .hash(&mut h);
            page.terms.hash(&mut h);
        }
        h.finish()
    }

    /// The pages whose place in an ordered list (a section's pages, a term's pages, the latest
    /// articles) differs between this site and `other`, of the same structure key.
    pub fn moved_pages(&self, other: &Site) -> Vec<PageId> {
        let mut lists: Vec<(&[PageId], &[PageId])> = Vec::new();
        for (a, b) in self.sections.iter().zip(&other.sections) {
            lists.push((&a.pages, &b.pages));
        }
        for (a, b) in self.taxonomies.iter().zip(&other.taxonomies) {
            for (x, y) in a.terms.iter().zip(&b.terms) {
                lists.push((&x.pages, &y.pages));
            }
        }
        for (a, b) in self.latest.values().zip(other.latest.values()) {
            lists.push((a, b));
        }
        let mut moved = Vec::new();
        for (a, b) in lists {
            for (x, y) in a.iter().zip(b) {
                if x != y {
                    moved.extend([*x, *y]);
                }
            }
        }
        moved.sort_unstable();
        moved.dedup();
        moved
    }

    pub fn section(&self, id: SectionId) -> &Section {
        &self.sections[id.0]
    }

    pub fn home(&self, lang: Lang) -> Option<&Section> {
        self.homes.get(&lang).map(|id| self.section(*id))
    }

    pub fn taxonomy(&self, lang: Lang, name: &str) -> Option<&Taxonomy> {
        self.taxonomies
            .iter()
            .find(|t| t.lang == lang && t.name == name)
    }

    /// The URL of a section's `n`th list page (1-based).
    pub fn paginated_url(base: &str, n: usize) -> String {
        if n <= 1 {
            base.to_string()
        } else {
            format!("{base}page/{n}/")
        }
    }
}

/// Sites for the unit tests of the stages after assembling.
#[cfg(test)]
pub(crate) mod test_sites {
    use std::path::{Path, PathBuf};

    /// A copy of the `basic` fixture with `extra` appended to its site.yaml, loaded and
    /// assembled: (the copy, its root, the site).
    pub fn basic_with(extra: &str) -> (tempfile::TempDir, PathBuf, super::Site) {
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic");
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        for entry in walkdir::WalkDir::new(&from) {
            let entry = entry.unwrap();
            let to = root.join(entry.path().strip_prefix(&from).unwrap());
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&to).unwrap();
            } else {
                std::fs::copy(entry.path(), &to).unwrap();
            }
        }
        let config = root.join("site.yaml");
        let text = std::fs::read_to_string(&config).unwrap();
        std::fs::write(&config, format!("{text}\n{extra}")).unwrap();
        let locales = std::sync::Arc::new(crate::lang::Locales::new().unwrap());
        let site = crate::build::load_site(&root, None, false, &locales).unwrap();
        (dir, root, site)
    }
}
