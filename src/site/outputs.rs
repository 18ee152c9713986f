//! Every file the build produces from templates, with its URL and the source file that is
//! responsible for it (named in duplicate-URL errors).

use crate::lang::Lang;

use super::{PageId, SectionId, TermId};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum OutputKind {
    /// `/`: the bilingual language chooser.
    Chooser,
    /// `/404.html`: the bilingual not-found page.
    NotFound,
    /// `/kk/`: a language home.
    Home(Lang),
    /// A section's list page, 1-based.
    SectionList { section: SectionId, page_no: usize },
    /// An article or standalone page.
    Page(PageId),
    /// `/kk/tags/`: index of a taxonomy (index into `Site::taxonomies`).
    TaxonomyIndex { taxonomy: usize },
    /// `/kk/tags/<slug>/`: a term's list page, 1-based.
    TermList {
        taxonomy: usize,
        term: TermId,
        page_no: usize,
    },
    /// A redirect page (an alias, or `page/1/`) to the output `target` stands for.
    Redirect {
        lang: Lang,
        to: String,
        target: Box<OutputKind>,
    },
    /// `/kk/atom.xml`, or a term's `/kk/regions/abai/atom.xml`.
    Feed {
        lang: Lang,
        term: Option<(usize, TermId)>,
    },
    /// `/sitemap.xml` listing every page, or, above `SITEMAP_LIMIT` URLs, the sitemap index.
    Sitemap,
    /// `/sitemap-N.xml`: the Nth (1-based) part of a large sitemap.
    SitemapPart(usize),
    /// `/robots.txt`.
    Robots,
    /// `/kk/search/`: the search page; its index files are written beside it.
    SearchPage(Lang),
}

/// Most URLs one sitemap file may list (the sitemaps protocol's limit).
pub const SITEMAP_LIMIT: usize = 50_000;

impl OutputKind {
    /// Whether this output is an HTML page a reader or a crawler should find (sitemap).
    pub fn is_listed_page(&self) -> bool {
        matches!(
            self,
            OutputKind::Chooser
                | OutputKind::Home(_)
                | OutputKind::SectionList { .. }
                | OutputKind::Page(_)
                | OutputKind::TaxonomyIndex { .. }
                | OutputKind::TermList { .. }
        )
    }
}

#[derive(Debug, Clone)]
pub struct Output {
    /// Root-relative URL without the base path: `/kk/news/`, `/404.html`.
    pub url: String,
    pub kind: OutputKind,
    /// Site-relative file responsible for this output (for messages).
    pub source: String,
}

impl Output {
    /// Path of the file inside the output folder: `/kk/news/` → `kk/news/index.html`.
    pub fn file_path(&self) -> String {
        url_to_file_path(&self.url)
    }
}

pub fn url_to_file_path(url: &str) -> String {
    let trimmed = url.trim_start_matches('/');
    if trimmed.is_empty() || trimmed.ends_with('/') {
        format!("{trimmed}index.html")
    } else {
        trimmed.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_urls_map_to_index_files() {
        assert_eq!(url_to_file_path("/"), "index.html");
        assert_eq!(url_to_file_path("/kk/news/"), "kk/news/index.html");
        assert_eq!(url_to_file_path("/404.html"), "404.html");
    }
}
