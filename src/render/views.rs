//! Template views: the small, precomputed context of each output. Views borrow from the site
//! and hold only what the template shows; no template can reach the rest of the site.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::content::{Document, Source};
use crate::lang::Lang;
use crate::site::{Alternate, Page, PageId, Section, Site, TermId};

/// Turns a root-relative site URL into what a link needs (the base path prefixed) and an
/// absolute permalink.
pub struct Urls<'a> {
    pub base_url: &'a str,
    pub base_path: &'a str,
}

impl Urls<'_> {
    pub fn link(&self, url: &str) -> String {
        format!("{}{url}", self.base_path)
    }

    pub fn permalink(&self, url: &str) -> String {
        format!("{}{url}", self.base_url)
    }

    /// A link written in content: kept when absolute, given the base path when
    /// root-relative, resolved against the page's URL when relative.
    pub fn resolve(&self, src: &str, page_url: &str) -> String {
        if src.contains("://") || src.starts_with("//") || src.starts_with("data:") {
            src.to_string()
        } else if src.starts_with('/') {
            self.link(src)
        } else {
            self.link(&format!("{page_url}{src}"))
        }
    }

    /// Root-relative `href` and `src` attributes of rendered HTML with the base path, for
    /// sites that live below a domain's root.
    pub fn prefix_root_links(&self, html: String) -> String {
        if self.base_path.is_empty() {
            return html;
        }
        let mut out = String::with_capacity(html.len() + 64);
        let mut rest = html.as_str();
        while let Some(i) = rest.find(['h', 's']) {
            let (head, tail) = rest.split_at(i);
            out.push_str(head);
            let attr = ["href=\"/", "src=\"/"]
                .into_iter()
                .find(|a| tail.starts_with(a));
            match attr {
                Some(a) if !tail[a.len()..].starts_with('/') => {
                    out.push_str(&a[..a.len() - 1]);
                    out.push_str(self.base_path);
                    out.push('/');
                    rest = &tail[a.len()..];
                }
                _ => {
                    out.push_str(&tail[..1]);
                    rest = &tail[1..];
                }
            }
        }
        out.push_str(rest);
        out
    }

    /// `https://host` without the base path: what a root-relative URL is relative to.
    pub fn origin(&self) -> &str {
        let origin_len = self.base_url.len().saturating_sub(self.base_path.len());
        self.base_url.get(..origin_len).unwrap_or(self.base_url)
    }
}

#[derive(Serialize)]
pub struct LanguageView<'a> {
    pub code: Lang,
    pub name: String,
    pub home_url: String,
    pub title: &'a str,
    pub description: &'a str,
}

#[derive(Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub base_url: &'a str,
    pub base_path: &'a str,
    pub home_url: String,
    pub feed_url: String,
    pub languages: Vec<LanguageView<'a>>,
    /// site.yaml's `extra`.
    pub extra: &'a serde_json::Map<String, serde_json::Value>,
}

#[derive(Serialize)]
pub struct NavView {
    pub title: String,
    pub url: String,
    pub active: bool,
}

/// An entry of a site.yaml menu (`menus.main`).
#[derive(Serialize)]
pub struct MenuItemView<'a> {
    pub title: &'a str,
    pub url: String,
    pub external: bool,
    pub active: bool,
}

#[derive(Serialize)]
pub struct AlternateView {
    pub lang: Lang,
    pub permalink: String,
}

#[derive(Serialize)]
pub struct SwitchView {
    pub lang: Lang,
    pub name: String,
    pub url: String,
    pub exists: bool,
}

#[derive(Serialize)]
pub struct MetaView {
    pub title: String,
    pub description: String,
}

#[derive(Serialize, Clone)]
pub struct TermLinkView<'a> {
    pub name: &'a str,
    pub url: String,
}

/// A page's image as templates get it (see `images::ImageView`).
pub use crate::images::ImageView;

#[derive(Serialize)]
pub struct SourceView<'a> {
    pub name: &'a str,
    pub url: Option<&'a str>,
}

#[derive(Serialize)]
pub struct TranslatedFromView {
    pub lang: Lang,
    pub name: String,
    pub url: Option<String>,
}

#[derive(Serialize)]
pub struct SectionRefView<'a> {
    pub title: &'a str,
    pub url: String,
}

/// An item of a list: what a card shows.
#[derive(Serialize)]
pub struct CardView<'a> {
    pub title: &'a str,
    pub url: String,
    /// The date as written (`2025-11-03`, `2025-11-03 14:05` or RFC 3339).
    pub date: Option<String>,
    /// Whether `date` carries a time of day.
    pub has_time: bool,
    /// The moment of `date` on the site zone's clock, RFC 3339 with the zone's offset
    /// (a bare date: midnight there).
    pub datetime: Option<String>,
    /// The time of day of `datetime` (`14:05`), when `date` carries one.
    pub time: Option<String>,
    pub updated: Option<String>,
    pub summary: &'a str,
    pub image: Option<ImageView>,
    pub author: Option<&'a str>,
    /// The article's section (`{title, url}`); null for a standalone page.
    pub section: Option<SectionRefView<'a>>,
    /// The page's `extra:` map and its other unknown front-matter keys.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// `tags`, `regions`, …: one key per taxonomy.
    #[serde(flatten)]
    pub terms: BTreeMap<&'a str, Vec<TermLinkView<'a>>>,
}

/// A heading of the page's body, for a table of contents.
#[derive(Serialize)]
pub struct TocEntryView<'a> {
    pub level: u8,
    pub id: &'a str,
    pub text: &'a str,
    /// `#id`.
    pub url: String,
}

#[derive(Serialize)]
pub struct PageView<'a> {
    #[serde(flatten)]
    pub card: CardView<'a>,
    /// The front matter's `summary` when it says something neither the headline nor the
    /// body's first paragraph says (a final full stop aside).
    pub standfirst: Option<&'a str>,
    /// Words of the body and the minutes a reader of the page's language needs for them.
    pub words: usize,
    pub reading_time: usize,
    pub toc: Vec<TocEntryView<'a>>,
    /// Related articles, best first (`render::related`).
    pub related: Vec<CardView<'a>>,
    /// The articles listed just before and after this one in its section.
    pub previous: Option<CardView<'a>>,
    pub next: Option<CardView<'a>>,
    pub kind: crate::site::PageKind,
    pub permalink: String,
    pub content: String,
    pub source: Option<SourceView<'a>>,
    pub translated_from: Option<TranslatedFromView>,
}

#[derive(Serialize)]
pub struct SectionView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub content: String,
    pub url: String,
    pub permalink: String,
    pub page_count: usize,
    /// The `extra:` map of the section's `_index.md`.
    pub extra: serde_json::Map<String, serde_json::Value>,
}

#[derive(Serialize)]
pub struct PaginationView {
    pub current: usize,
    pub total: usize,
    pub prev_url: Option<String>,
    pub next_url: Option<String>,
    pub first_url: String,
    pub last_url: String,
    pub item_count: usize,
}

#[derive(Serialize)]
pub struct TermView<'a> {
    pub name: &'a str,
    /// The name as a title or heading shows it: starting with a capital («область Абай» →
    /// «Область Абай»).
    pub title: String,
    pub slug: &'a str,
    pub url: String,
    pub count: usize,
    pub feed_url: String,
}

#[derive(Serialize)]
pub struct TaxonomyView<'a> {
    pub name: &'a str,
    pub title: String,
    pub url: String,
    pub terms: Vec<TermView<'a>>,
}

#[derive(Serialize)]
pub struct RedirectView {
    pub to: String,
    pub permalink: String,
}

pub fn alternate_views(alts: &[Alternate], urls: &Urls<'_>) -> Vec<AlternateView> {
    alts.iter()
        .filter(|a| a.exists)
        .map(|a| AlternateView {
            lang: a.lang,
            permalink: urls.permalink(&a.url),
        })
        .collect()
}

pub fn term_links<'a>(
    site: &'a Site,
    page: &'a Page,
    urls: &Urls<'_>,
) -> BTreeMap<&'a str, Vec<TermLinkView<'a>>> {
    let mut map = BTreeMap::new();
    for name in &site.config.taxonomies {
        let Some(taxonomy) = site.taxonomy(page.lang(), name) else {
            continue;
        };
        let links = page
            .terms
            .get(name)
            .into_iter()
            .flatten()
            .map(|TermId(i)| {
                let term = &taxonomy.terms[*i];
                TermLinkView {
                    name: &term.name,
                    url: urls.link(&term.url),
                }
            })
            .collect();
        map.insert(name.as_str(), links);
    }
    map
}

pub fn card_view<'a>(site: &'a Site, id: PageId, urls: &Urls<'_>) -> CardView<'a> {
    let page = site.page(id);
    let meta = &page.doc.meta;
    let zone = site.config.timezone;
    CardView {
        title: page.title(),
        url: urls.link(&page.url),
        date: meta.date.as_ref().map(|d| d.iso()),
        has_time: meta.date.as_ref().is_some_and(|d| d.has_time()),
        datetime: meta
            .date
            .as_ref()
            .map(|d| crate::content::date::rfc3339(&d.in_zone(zone))),
        time: meta
            .date
            .as_ref()
            .filter(|d| d.has_time())
            .map(|d| d.in_zone(zone).format("%H:%M").to_string()),
        updated: meta.updated.as_ref().map(|d| d.iso()),
        summary: &page.doc.summary,
        image: meta.image.as_ref().map(|i| image_view(site, page, i, urls)),
        author: meta.author.as_deref(),
        section: (page.kind == crate::site::PageKind::Article).then(|| {
            let s = site.section(page.section);
            SectionRefView {
                title: &s.title,
                url: urls.link(&s.url),
            }
        }),
        extra: meta.template_extra(),
        terms: term_links(site, page, urls),
    }
}

/// Silent reading rates in words per minute. Russian: 184, the mean of adult readers of the
/// IReST texts in Trauzettle-Klosinski, Dietz et al., "Standardized Assessment of Reading
/// Performance: The New International Reading Speed Texts IReST", IOVS 53(9), 2012,
/// 5452–5461 (Table 3). Kazakh is not among the IReST languages; its words are long
/// (agglutinative), so the rate of the study's Turkic language, Turkish (166), stands in.
pub fn words_per_minute(lang: Lang) -> usize {
    match lang {
        Lang::Kk | Lang::KkLatn => 166,
        Lang::Ru => 184,
    }
}

/// Whole minutes to read `words` (at least one for any text, none for an empty body).
pub fn reading_minutes(lang: Lang, words: usize) -> usize {
    words.div_ceil(words_per_minute(lang))
}

pub fn standfirst(page: &crate::site::Page) -> Option<&str> {
    let same = |a: &str, b: &str| a.trim_end_matches('.') == b.trim_end_matches('.');
    let summary = page.doc.summary.as_str();
    let shown_elsewhere = page.doc.summary_opens_body || same(summary, page.title());
    (page.doc.meta.summary.is_some() && !summary.is_empty() && !shown_elsewhere).then_some(summary)
}

pub fn toc_view(headings: &[crate::content::markdown::Heading]) -> Vec<TocEntryView<'_>> {
    headings
        .iter()
        .map(|h| TocEntryView {
            level: h.level,
            id: &h.id,
            text: &h.text,
            url: format!("#{}", h.id),
        })
        .collect()
}

/// The view of a page's `image`: a bundle or `static/` photo with its variants, a bundle
/// file at its published URL, else `src` made to work from any page of the site.
pub fn image_view(
    site: &Site,
    page: &Page,
    image: &crate::content::Image,
    urls: &Urls<'_>,
) -> ImageView {
    let alt = image.alt.as_deref().unwrap_or_default();
    let (caption, credit) = (image.caption.as_deref(), image.credit.as_deref());
    let photos = &site.photos;
    if let Some(photo) = photos.shown(&page.doc.source, &image.src) {
        return photo.view(alt, caption, credit, &|out| urls.link(&format!("/{out}")));
    }
    let path = crate::content::markdown::relative_file(&image.src, true);
    let src = match path.and_then(|p| photos.file_url(&page.doc.source, &p)) {
        Some(url) => urls.link(&url),
        None => urls.resolve(&image.src, &page.url),
    };
    crate::images::plain_view(src, alt, caption, credit)
}

pub fn source_view(source: &Source) -> SourceView<'_> {
    SourceView {
        name: &source.name,
        url: source.url.as_deref(),
    }
}

pub fn section_view<'a>(section: &'a Section, content: String, urls: &Urls<'_>) -> SectionView<'a> {
    let index: Option<&Document> = section.index.as_ref();
    SectionView {
        title: &section.title,
        description: index
            .and_then(|d| d.meta.description.as_deref())
            .unwrap_or_default(),
        content,
        url: urls.link(&section.url),
        permalink: urls.permalink(&section.url),
        page_count: section.pages.len(),
        extra: index.map(|d| d.meta.extra_map.clone()).unwrap_or_default(),
    }
}

/// Pagination over `item_count` items, `per_page` a page, for list page `current` of `base`.
pub fn pagination_view(
    base: &str,
    current: usize,
    item_count: usize,
    per_page: usize,
    urls: &Urls<'_>,
) -> PaginationView {
    let total = item_count.div_ceil(per_page).max(1);
    let url = |n: usize| urls.link(&Site::paginated_url(base, n));
    PaginationView {
        current,
        total,
        prev_url: (current > 1).then(|| url(current - 1)),
        next_url: (current < total).then(|| url(current + 1)),
        first_url: url(1),
        last_url: url(total),
        item_count,
    }
}

/// The slice of `items` shown on list page `n` (1-based).
pub fn page_slice<T>(items: &[T], n: usize, per_page: usize) -> &[T] {
    let start = (n.saturating_sub(1)) * per_page;
    let end = (start + per_page).min(items.len());
    items.get(start..end).unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_get_the_base_path() {
        let urls = Urls {
            base_url: "https://h.kz/sub",
            base_path: "/sub",
        };
        let html = "<a href=\"/kk/x/\"><img src=\"/i.png\"></a><a href=\"//cdn/x\"></a><a href=\"http://a/\">";
        assert_eq!(
            urls.prefix_root_links(html.to_string()),
            "<a href=\"/sub/kk/x/\"><img src=\"/sub/i.png\"></a><a href=\"//cdn/x\"></a><a href=\"http://a/\">"
        );
        assert_eq!(urls.resolve("/i.png", "/kk/x/"), "/sub/i.png");
        assert_eq!(urls.resolve("i.png", "/kk/x/"), "/sub/kk/x/i.png");
        assert_eq!(urls.resolve("https://e/i.png", "/kk/x/"), "https://e/i.png");
        assert_eq!(urls.permalink("/kk/"), "https://h.kz/sub/kk/");
        assert_eq!(urls.origin(), "https://h.kz");
    }

    #[test]
    fn reading_time_by_language() {
        assert_eq!(reading_minutes(Lang::Ru, 0), 0);
        assert_eq!(reading_minutes(Lang::Ru, 1), 1);
        assert_eq!(reading_minutes(Lang::Ru, 184), 1);
        assert_eq!(reading_minutes(Lang::Ru, 185), 2);
        assert_eq!(reading_minutes(Lang::Kk, 332), 2);
        assert_eq!(reading_minutes(Lang::Kk, 333), 3);
    }
}
