//! Building each output's template context: a small JSON map of precomputed views. The body
//! HTML is left out and inserted at render time, so that an output's fingerprint can be taken
//! from the map and the body's source hash without rendering Markdown.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::content::Document;
use crate::diag::Diagnostic;
use crate::lang::Lang;
use crate::site::{NavTitle, Output, OutputKind, PageId, Site, Term};

use super::views::*;
use super::{metadata, ContentUrls};
use super::{output_lang, Renderer};

/// A template context under construction: top-level name → JSON value.
#[derive(Default)]
pub struct ContextMap(pub Map<String, Value>);

impl ContextMap {
    pub fn insert<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) {
        // Views are plain structs of strings, numbers and lists: serializing cannot fail.
        let value = serde_json::to_value(value).unwrap_or(Value::Null);
        self.0.insert(key.to_string(), value);
    }
}

/// Where a document's rendered body goes: `<key>.content`, with the URL of every content
/// file its `@/` links name (found through the site, so they are part of what the output
/// reads and of its fingerprint).
pub struct BodySlot<'s> {
    pub key: &'static str,
    pub doc: &'s Document,
    pub links: ContentUrls,
    /// The site's bundles and photos: the body's relative images and links.
    pub photos: &'s crate::images::Photos,
}

impl<'s> BodySlot<'s> {
    fn new(site: &'s Site, key: &'static str, doc: &'s Document) -> Result<Self, Diagnostic> {
        Ok(BodySlot {
            key,
            doc,
            links: super::content_urls(site, doc)?,
            photos: &site.photos,
        })
    }
}

/// A context ready to hash or render.
pub struct Prepared<'s> {
    pub template: &'s str,
    pub lang: Lang,
    pub map: ContextMap,
    pub body: Option<BodySlot<'s>>,
}

impl Renderer {
    /// Every language of the site with its own name, home, title and description.
    fn language_views<'c>(
        &self,
        config: &'c crate::config::Config,
        urls: &Urls<'_>,
    ) -> Vec<LanguageView<'c>> {
        config
            .languages
            .iter()
            .map(|&l| LanguageView {
                code: l,
                name: self.ui(l, "language_name"),
                home_url: urls.link(&format!("/{l}/")),
                title: config.title(l),
                description: config.description(l),
            })
            .collect()
    }

    /// Builds the context of a templated output.
    pub fn prepare<'s>(&self, site: &'s Site, output: &Output) -> Result<Prepared<'s>, Diagnostic> {
        let lang = output_lang(site, &output.kind);
        let Some(template) = super::chosen_template(site, &output.kind) else {
            return Err(Diagnostic::global(format!(
                "{} has no template",
                output.url
            )));
        };
        self.check_template_choice(site, &output.kind)?;
        let mut map = self.base_context(site, output, lang);
        let body = self.fill_context(site, output, lang, &mut map)?;
        Ok(Prepared {
            template,
            lang,
            map,
            body,
        })
    }

    fn base_context(&self, site: &Site, output: &Output, lang: Lang) -> ContextMap {
        let config = &site.config;
        let urls = Urls {
            base_url: &config.base_url,
            base_path: &config.base_path,
        };
        let mut ctx = ContextMap::default();
        ctx.insert("lang", &lang);
        let languages = self.language_views(config, &urls);
        ctx.insert(
            "site",
            &SiteView {
                title: config.title(lang),
                description: config.description(lang),
                base_url: &config.base_url,
                base_path: &config.base_path,
                home_url: urls.link(&format!("/{lang}/")),
                feed_url: urls.link(&format!("/{lang}/atom.xml")),
                languages,
                extra: &config.extra,
            },
        );
        let nav: Vec<NavView> = site
            .nav
            .get(&lang)
            .into_iter()
            .flatten()
            .map(|item| NavView {
                title: match &item.title {
                    NavTitle::Text(t) => t.clone(),
                    NavTitle::UiString(name) => self.taxonomy_title(lang, name),
                },
                url: urls.link(&item.url),
                active: output.url.starts_with(&item.url),
            })
            .collect();
        ctx.insert("nav", &nav);
        ctx.insert("menus", &menu_views(site, lang, &output.url, &urls));
        ctx.insert("url", &urls.link(&output.url));
        ctx.insert("permalink", &urls.permalink(&output.url));
        let alternates = site.alternates(&output.kind);
        let x_default = match output.kind {
            // The chooser is every language's x-default: the homes say so too, as `/` does.
            OutputKind::Chooser | OutputKind::NotFound | OutputKind::Home(_) => "/".to_string(),
            _ => alternates
                .iter()
                .find(|a| a.lang == config.default_language && a.exists)
                .map_or_else(|| output.url.clone(), |a| a.url.clone()),
        };
        ctx.insert("x_default", &urls.permalink(&x_default));
        let switcher: Vec<SwitchView> = alternates
            .iter()
            .filter(|a| a.lang != lang)
            .map(|a| SwitchView {
                lang: a.lang,
                name: self.ui(a.lang, "language_name"),
                url: urls.link(&a.url),
                exists: a.exists,
            })
            .collect();
        ctx.insert("switcher", &switcher);
        ctx.insert("alternates", &alternate_views(&alternates, &urls));
        ctx
    }

    /// The values specific to the kind of output; returns the document whose body HTML goes
    /// into the context at render time, if any.
    fn fill_context<'s>(
        &self,
        site: &'s Site,
        output: &Output,
        lang: Lang,
        ctx: &mut ContextMap,
    ) -> Result<Option<BodySlot<'s>>, Diagnostic> {
        let mut body = None;
        let config = &site.config;
        let urls = Urls {
            base_url: &config.base_url,
            base_path: &config.base_path,
        };
        let site_title = config.title(lang);
        let with_site = |t: &str| format!("{t} — {site_title}");
        let (title, description) = match &output.kind {
            OutputKind::Chooser | OutputKind::NotFound => {
                ctx.insert("chooser", &self.language_views(config, &urls));
                let titles: Vec<&str> = config.languages.iter().map(|l| config.title(*l)).collect();
                (titles.join(" · "), config.description(lang).to_string())
            }
            OutputKind::Home(l) => {
                let Some(home) = site.home(*l) else {
                    return Err(Diagnostic::global(format!("no home for {l}")));
                };
                body = (home.index.as_ref())
                    .map(|doc| BodySlot::new(site, "section", doc))
                    .transpose()?;
                ctx.insert("section", &section_view(home, String::new(), &urls));
                let latest: Vec<CardView<'_>> = site.latest[l]
                    .iter()
                    .take(config.paginate_by)
                    .map(|id| card_view(site, *id, &urls))
                    .collect();
                ctx.insert("latest", &latest);
                let mut terms = BTreeMap::new();
                for name in &config.taxonomies {
                    if let Some(t) = site.taxonomy(*l, name) {
                        let list: Vec<TermView<'_>> =
                            t.terms.iter().map(|term| term_view(term, &urls)).collect();
                        terms.insert(name.as_str(), list);
                    }
                }
                ctx.insert("terms", &terms);
                (site_title.to_string(), config.description(lang).to_string())
            }
            OutputKind::SectionList { section, page_no } => {
                let section = site.section(*section);
                body = (section.index.as_ref())
                    .map(|doc| BodySlot::new(site, "section", doc))
                    .transpose()?;
                insert_list_page(
                    ctx,
                    site,
                    &ListPage {
                        pages: &section.pages,
                        url: &section.url,
                        page_no: *page_no,
                        per_page: section.paginate_by,
                    },
                    &urls,
                );
                let view = section_view(section, String::new(), &urls);
                let description = if view.description.is_empty() {
                    config.description(lang)
                } else {
                    view.description
                };
                let description = description.to_string();
                ctx.insert("section", &view);
                (with_site(&section.title), description)
            }
            OutputKind::Page(id) => {
                let view = self.page_view(site, *id, &urls);
                body = Some(BodySlot::new(site, "page", &site.page(*id).doc)?);
                let meta = (with_site(view.card.title), view.card.summary.to_string());
                ctx.insert("page", &view);
                meta
            }
            OutputKind::TaxonomyIndex { taxonomy } => {
                let t = &site.taxonomies[*taxonomy];
                let view = TaxonomyView {
                    name: &t.name,
                    title: self.taxonomy_title(lang, &t.name),
                    url: urls.link(&t.url),
                    terms: t.terms.iter().map(|term| term_view(term, &urls)).collect(),
                };
                let title = with_site(&view.title);
                ctx.insert("taxonomy", &view);
                (title, config.description(lang).to_string())
            }
            OutputKind::TermList {
                taxonomy,
                term,
                page_no,
            } => {
                let t = &site.taxonomies[*taxonomy];
                let term = &t.terms[term.0];
                insert_list_page(
                    ctx,
                    site,
                    &ListPage {
                        pages: &term.pages,
                        url: &term.url,
                        page_no: *page_no,
                        per_page: config.paginate_by,
                    },
                    &urls,
                );
                ctx.insert(
                    "taxonomy",
                    &TaxonomyView {
                        name: &t.name,
                        title: self.taxonomy_title(lang, &t.name),
                        url: urls.link(&t.url),
                        terms: Vec::new(),
                    },
                );
                ctx.insert("term", &term_view(term, &urls));
                let title = crate::lang::capitalized(&term.name);
                (with_site(&title), config.description(lang).to_string())
            }
            OutputKind::Redirect { to, .. } => {
                ctx.insert(
                    "redirect",
                    &RedirectView {
                        to: urls.link(to),
                        permalink: urls.permalink(to),
                    },
                );
                (with_site(to), String::new())
            }
            OutputKind::SearchPage(_) => {
                ctx.insert(
                    "search",
                    &serde_json::json!({
                        "index_url": urls.link(&format!("/{lang}/search/")),
                        "stemmer_url": (lang.source() == Lang::Kk)
                            .then(|| urls.link(&format!("/{lang}/search/kk-stemmer.json"))),
                    }),
                );
                (
                    with_site(&self.ui(lang, "search")),
                    config.description(lang).to_string(),
                )
            }
            OutputKind::Feed { .. }
            | OutputKind::Sitemap
            | OutputKind::SitemapPart(_)
            | OutputKind::Robots => (String::new(), String::new()),
        };
        ctx.insert("meta", &MetaView { title, description });
        let (image, json_ld) = match &output.kind {
            OutputKind::Page(id) => {
                let page = site.page(*id);
                let image = metadata::shared_image(site, page, &urls);
                (image, metadata::article_json_ld(site, page, &urls))
            }
            OutputKind::Home(l) => (None, Some(metadata::website_json_ld(site, *l, &urls))),
            _ => (None, None),
        };
        ctx.insert("og", &metadata::og_view(site, lang, image));
        ctx.insert("json_ld", &json_ld);
        Ok(body)
    }

    fn page_view<'a>(&self, site: &'a Site, id: PageId, urls: &Urls<'_>) -> PageView<'a> {
        let page = site.page(id);
        let meta = &page.doc.meta;
        let translated_from = meta.translated_from.map(|orig| TranslatedFromView {
            lang: orig,
            name: self.language_name_in(page.lang(), orig),
            url: site.groups[page.group.0]
                .get(&orig)
                .map(|o| urls.link(&site.page(*o).url)),
        });
        let (previous, next) = super::related::section_neighbours(site, id);
        let card = |p: PageId| card_view(site, p, urls);
        PageView {
            card: card(id),
            standfirst: standfirst(page),
            words: page.doc.words,
            reading_time: reading_minutes(page.lang(), page.doc.words),
            toc: toc_view(&page.doc.headings),
            related: super::related::related_pages(site, id, super::related::RELATED_MAX)
                .into_iter()
                .map(card)
                .collect(),
            previous: previous.map(card),
            next: next.map(card),
            kind: page.kind,
            permalink: urls.permalink(&page.url),
            // Filled in at render time, so that fingerprints need not render Markdown.
            content: String::new(),
            source: meta.source.as_ref().map(source_view),
            translated_from,
        }
    }
}

/// Every menu of site.yaml in `lang`; `main` is always there (empty without `menus.main`),
/// so that a theme can fall back to `nav`.
fn menu_views<'s>(
    site: &'s Site,
    lang: Lang,
    output_url: &str,
    urls: &Urls<'_>,
) -> BTreeMap<&'s str, Vec<MenuItemView<'s>>> {
    let mut views: BTreeMap<&str, Vec<MenuItemView<'_>>> = BTreeMap::new();
    views.insert("main", Vec::new());
    let home = format!("/{lang}/");
    for (name, items) in site.menus.get(&lang).into_iter().flatten() {
        let list = items
            .iter()
            .map(|item| MenuItemView {
                title: &item.title,
                url: if item.external {
                    item.url.clone()
                } else {
                    urls.link(&item.url)
                },
                external: item.external,
                // The home is active on itself only, a section on its pages too.
                active: !item.external
                    && (output_url == item.url
                        || (item.url != home && output_url.starts_with(&item.url))),
            })
            .collect();
        views.insert(name.as_str(), list);
    }
    views
}

/// One page of a paginated list (a section's or a term's).
struct ListPage<'a> {
    pages: &'a [PageId],
    url: &'a str,
    page_no: usize,
    per_page: usize,
}

/// The cards of one list page and its pagination.
fn insert_list_page(ctx: &mut ContextMap, site: &Site, list: &ListPage<'_>, urls: &Urls<'_>) {
    let cards: Vec<CardView<'_>> = page_slice(list.pages, list.page_no, list.per_page)
        .iter()
        .map(|id| card_view(site, *id, urls))
        .collect();
    ctx.insert("pages", &cards);
    let pagination = pagination_view(
        list.url,
        list.page_no,
        list.pages.len(),
        list.per_page,
        urls,
    );
    ctx.insert("pagination", &pagination);
}

pub(super) fn term_view<'a>(term: &'a Term, urls: &Urls<'_>) -> TermView<'a> {
    TermView {
        name: &term.name,
        title: crate::lang::capitalized(&term.name),
        slug: &term.slug,
        url: urls.link(&term.url),
        count: term.pages.len(),
        feed_url: urls.link(&format!("{}atom.xml", term.url)),
    }
}
