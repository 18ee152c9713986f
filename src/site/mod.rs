//! The site model: an immutable arena of pages and sections with their URLs, translation
//! groups, taxonomies and the full list of outputs. Assembled once from the loaded documents;
//! reads no files and knows nothing of templates.

mod assemble;
mod collisions;
mod outputs;
mod taxonomy;
mod translations;

pub use assemble::assemble_site;
pub use outputs::{url_to_file_path, Output, OutputKind, SITEMAP_LIMIT};
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PageKind {
    /// A page inside a section (news): dated, listed, in feeds.
    Article,
    /// A page at the language root (About): not listed.
    Page,
}

#[derive(Debug, Clone)]
pub struct Page {
    pub doc: Document,
    pub kind: PageKind,
    pub section: SectionId,
    /// Root-relative URL without the base path: `/kk/news/x/`.
    pub url: String,
    /// The translation group: the same article in every language.
    pub group: GroupId,
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NavTitle {
    Text(String),
    /// A UI string key, resolved by the renderer (taxonomy names such as `regions`).
    UiString(String),
}

/// An entry of the language's navigation.
#[derive(Debug, Clone)]
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
    /// (language, folder) → section, for pairing sections across languages.
    pub sections_by_dir: BTreeMap<(Lang, String), SectionId>,
    pub taxonomies: Vec<Taxonomy>,
    pub nav: BTreeMap<Lang, Vec<NavItem>>,
    /// Language → its articles, newest first (home page, feeds).
    pub latest: BTreeMap<Lang, Vec<PageId>>,
    pub outputs: Vec<Output>,
    /// The documents' warnings (problems that did not stop the build), for the report.
    pub warnings: Diagnostics,
}

impl Site {
    pub fn page(&self, id: PageId) -> &Page {
        &self.pages[id.0]
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
