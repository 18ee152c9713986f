//! Rendering: Tera templates (site → theme), one small view per output, rendered to memory.
//! The renderer never writes files and never looks the site up from a template.

mod functions;
mod metadata;
mod templates;
pub mod views;
pub mod xml;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tera::{Context, Tera};

pub use functions::TemplateEnv;
pub use templates::error_chain;

use crate::content::{markdown, read_body, Document};
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::{Lang, Locales, UiStrings};
use crate::site::{NavTitle, Output, OutputKind, PageId, PageKind, Site};
use crate::yaml;
use views::*;

/// The template each kind of HTML output is rendered with; `None` for the XML and text
/// outputs, which are written without templates.
fn template_name(kind: &OutputKind) -> Option<&'static str> {
    Some(match kind {
        OutputKind::Chooser => "chooser.html",
        OutputKind::NotFound => "404.html",
        OutputKind::Home(_) => "index.html",
        OutputKind::SectionList { .. } => "section.html",
        OutputKind::Page(_) => "page.html",
        OutputKind::TaxonomyIndex { .. } => "taxonomy.html",
        OutputKind::TermList { .. } => "term.html",
        OutputKind::Redirect { .. } => "redirect.html",
        OutputKind::Feed { .. }
        | OutputKind::Sitemap
        | OutputKind::SitemapPart(_)
        | OutputKind::Robots => return None,
    })
}

pub struct Renderer {
    root: PathBuf,
    teras: BTreeMap<Lang, Tera>,
    template_files: BTreeMap<String, String>,
    env: Arc<TemplateEnv>,
}

/// Reads `themes/<theme>/i18n/<lang>.yaml` for every language; each file must have every key
/// the others have, and `language_name`.
pub fn load_ui_strings(
    root: &Path,
    theme: &str,
    langs: &[Lang],
) -> Result<BTreeMap<Lang, UiStrings>, Diagnostics> {
    let mut diags = Diagnostics::new();
    let mut all = BTreeMap::new();
    for &lang in langs {
        let file = format!("themes/{theme}/i18n/{lang}.yaml");
        let text = match crate::content::read_utf8(&root.join(&file), &file) {
            Ok(t) => t,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        let parsed = yaml::parse_mapping(&text).map_err(|e| {
            let mut d = Diagnostic::error(&file, e.message);
            d.line = e.line;
            d.col = e.col;
            d
        });
        match parsed.map(|map| UiStrings::from_mapping(&file, map)) {
            Ok(Ok(strings)) => {
                all.insert(lang, strings);
            }
            Ok(Err((key, message))) => diags.push(
                Diagnostic::error(&file, format!("{key}: {message}"))
                    .at_opt(yaml::locate_key(&text, &key)),
            ),
            Err(d) => diags.push(d),
        }
    }
    let mut keys = std::collections::BTreeSet::new();
    for strings in all.values() {
        keys.extend(strings.keys().cloned());
    }
    keys.insert("language_name".to_string());
    for strings in all.values() {
        let have: std::collections::BTreeSet<&String> = strings.keys().collect();
        for key in keys.iter().filter(|k| !have.contains(k)) {
            diags.push(Diagnostic::error(
                &strings.file,
                format!("missing UI string `{key}` (other languages have it)"),
            ));
        }
    }
    diags.into_result(all)
}

impl Renderer {
    pub fn new(root: &Path, site: &Site, locales: Arc<Locales>) -> Result<Renderer, Diagnostics> {
        let config = &site.config;
        let mut required: Vec<&str> = site
            .outputs
            .iter()
            .filter_map(|o| template_name(&o.kind))
            .collect();
        required.sort_unstable();
        required.dedup();
        let strings = load_ui_strings(root, &config.theme, &config.languages);
        let templates = templates::load_templates(root, &config.theme, &required);
        let (strings, set) = match (strings, templates) {
            (Ok(s), Ok(t)) => (s, t),
            (s, t) => {
                let mut diags = Diagnostics::new();
                if let Err(d) = s {
                    diags.extend(d);
                }
                if let Err(d) = t {
                    diags.extend(d);
                }
                return Err(diags);
            }
        };
        let env = Arc::new(TemplateEnv {
            locales,
            strings,
            base_path: config.base_path.clone(),
        });
        let mut teras = BTreeMap::new();
        for &lang in &config.languages {
            let mut tera = set.tera.clone();
            functions::register(&mut tera, lang, &env);
            teras.insert(lang, tera);
        }
        Ok(Renderer {
            root: root.to_path_buf(),
            teras,
            template_files: set.files,
            env,
        })
    }

    fn ui(&self, lang: Lang, key: &str) -> String {
        self.env
            .strings
            .get(&lang)
            .and_then(|s| s.lookup(key, None, self.env.locales.get(lang)))
            .unwrap_or_else(|| key.to_string())
    }

    /// The name of language `of` as written in `lang` (`казахский`): UI string
    /// `language_<code>`, else that language's own name.
    fn language_name_in(&self, lang: Lang, of: Lang) -> String {
        let key = format!("language_{of}");
        let strings = self.env.strings.get(&lang);
        strings
            .and_then(|s| s.lookup(&key, None, self.env.locales.get(lang)))
            .unwrap_or_else(|| self.ui(of, "language_name"))
    }

    fn body_html(&self, doc: &Document) -> Result<String, Diagnostic> {
        let body = read_body(&self.root, doc)?;
        Ok(markdown::render_html(&body))
    }

    /// Renders one output to a string.
    pub fn render(&self, site: &Site, output: &Output) -> Result<String, Diagnostic> {
        let urls = Urls {
            base_url: &site.config.base_url,
            base_path: &site.config.base_path,
        };
        match &output.kind {
            OutputKind::Feed { .. } => self.render_feed(site, output, &urls),
            OutputKind::Sitemap => Ok(xml::sitemap(site, &urls)),
            OutputKind::SitemapPart(n) => Ok(xml::sitemap_part(site, &urls, *n)),
            OutputKind::Robots => Ok(xml::robots(&urls)),
            _ => self.render_template(site, output),
        }
    }

    fn render_feed(
        &self,
        site: &Site,
        output: &Output,
        urls: &Urls<'_>,
    ) -> Result<String, Diagnostic> {
        let OutputKind::Feed { lang, term } = &output.kind else {
            return Err(Diagnostic::global("not a feed"));
        };
        let config = &site.config;
        let origin = urls.origin();
        let mut entries = Vec::new();
        for id in xml::feed_pages(site, &output.kind) {
            let page = site.page(id);
            let meta = &page.doc.meta;
            let published = meta
                .date
                .as_ref()
                .or(meta.updated.as_ref())
                .map(|d| d.rfc3339())
                .unwrap_or_default();
            let updated = meta
                .updated
                .as_ref()
                .map_or_else(|| published.clone(), |d| d.rfc3339());
            let categories = term_links(site, page, urls)
                .into_values()
                .flatten()
                .map(|t| (t.name.to_string(), t.name.to_string()))
                .collect();
            entries.push(xml::FeedEntry {
                title: page.title().to_string(),
                permalink: urls.permalink(&page.url),
                published,
                updated,
                author: meta
                    .author
                    .clone()
                    .unwrap_or_else(|| config.title(*lang).to_string()),
                summary: page.doc.summary.clone(),
                content: xml::absolutize_links(&self.body_html(&page.doc)?, origin),
                categories,
            });
        }
        let updated = entries
            .iter()
            .map(|e| e.updated.as_str())
            .max()
            .unwrap_or("1970-01-01T00:00:00Z")
            .to_string();
        let (title, alternate) = match term {
            Some((t, term)) => {
                let term = &site.taxonomies[*t].terms[term.0];
                (
                    format!("{} — {}", config.title(*lang), term.name),
                    term.url.clone(),
                )
            }
            None => (config.title(*lang).to_string(), format!("/{lang}/")),
        };
        let head = xml::FeedHead {
            lang: lang.code(),
            title: &title,
            subtitle: config.description(*lang),
            self_url: &urls.permalink(&output.url),
            alternate: &urls.permalink(&alternate),
            updated: &updated,
            author: config.title(*lang),
        };
        Ok(xml::atom_feed(&head, &entries))
    }

    fn render_template(&self, site: &Site, output: &Output) -> Result<String, Diagnostic> {
        let lang = output_lang(site, &output.kind);
        let Some(template) = template_name(&output.kind) else {
            return Err(Diagnostic::global(format!(
                "{} has no template",
                output.url
            )));
        };
        let mut ctx = self.base_context(site, output, lang);
        self.fill_context(site, output, lang, &mut ctx)?;
        let tera = self
            .teras
            .get(&lang)
            .ok_or_else(|| Diagnostic::global(format!("language {lang} is not configured")))?;
        tera.render(template, &ctx).map_err(|e| {
            let file = self
                .template_files
                .get(template)
                .cloned()
                .unwrap_or_else(|| template.to_string());
            Diagnostic::error(
                file,
                format!(
                    "rendering {} (from {}): {}",
                    output.url,
                    output.source,
                    error_chain(&e)
                ),
            )
        })
    }

    fn base_context(&self, site: &Site, output: &Output, lang: Lang) -> Context {
        let config = &site.config;
        let urls = Urls {
            base_url: &config.base_url,
            base_path: &config.base_path,
        };
        let mut ctx = Context::new();
        ctx.insert("lang", &lang);
        let languages: Vec<LanguageView<'_>> = config
            .languages
            .iter()
            .map(|&l| LanguageView {
                code: l,
                name: self.ui(l, "language_name"),
                home_url: urls.link(&format!("/{l}/")),
                title: config.title(l),
                description: config.description(l),
            })
            .collect();
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
                    NavTitle::UiString(key) => self.ui(lang, key),
                },
                url: urls.link(&item.url),
                active: output.url.starts_with(&item.url),
            })
            .collect();
        ctx.insert("nav", &nav);
        ctx.insert("url", &urls.link(&output.url));
        ctx.insert("permalink", &urls.permalink(&output.url));
        let alternates = site.alternates(&output.kind);
        let x_default = match output.kind {
            OutputKind::Chooser | OutputKind::NotFound => "/".to_string(),
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

    fn fill_context(
        &self,
        site: &Site,
        output: &Output,
        lang: Lang,
        ctx: &mut Context,
    ) -> Result<(), Diagnostic> {
        let config = &site.config;
        let urls = Urls {
            base_url: &config.base_url,
            base_path: &config.base_path,
        };
        let site_title = config.title(lang);
        let with_site = |t: &str| format!("{t} — {site_title}");
        let (title, description) = match &output.kind {
            OutputKind::Chooser | OutputKind::NotFound => {
                let chooser: Vec<LanguageView<'_>> = config
                    .languages
                    .iter()
                    .map(|&l| LanguageView {
                        code: l,
                        name: self.ui(l, "language_name"),
                        home_url: urls.link(&format!("/{l}/")),
                        title: config.title(l),
                        description: config.description(l),
                    })
                    .collect();
                ctx.insert("chooser", &chooser);
                let titles: Vec<&str> = config.languages.iter().map(|l| config.title(*l)).collect();
                (titles.join(" · "), config.description(lang).to_string())
            }
            OutputKind::Home(l) => {
                let Some(home) = site.home(*l) else {
                    return Err(Diagnostic::global(format!("no home for {l}")));
                };
                let content = match &home.index {
                    Some(doc) => self.body_html(doc)?,
                    None => String::new(),
                };
                ctx.insert("section", &section_view(home, content, &urls));
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
                let content = match &section.index {
                    Some(doc) => self.body_html(doc)?,
                    None => String::new(),
                };
                let cards: Vec<CardView<'_>> =
                    page_slice(&section.pages, *page_no, section.paginate_by)
                        .iter()
                        .map(|id| card_view(site, *id, &urls))
                        .collect();
                ctx.insert("pages", &cards);
                ctx.insert(
                    "pagination",
                    &pagination_view(
                        &section.url,
                        *page_no,
                        section.pages.len(),
                        section.paginate_by,
                        &urls,
                    ),
                );
                let view = section_view(section, content, &urls);
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
                let view = self.page_view(site, *id, &urls)?;
                let meta = (with_site(view.card.title), view.card.summary.to_string());
                ctx.insert("page", &view);
                meta
            }
            OutputKind::TaxonomyIndex { taxonomy } => {
                let t = &site.taxonomies[*taxonomy];
                let view = TaxonomyView {
                    name: &t.name,
                    title: self.ui(lang, &t.name),
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
                let per_page = config.paginate_by;
                let cards: Vec<CardView<'_>> = page_slice(&term.pages, *page_no, per_page)
                    .iter()
                    .map(|id| card_view(site, *id, &urls))
                    .collect();
                ctx.insert("pages", &cards);
                ctx.insert(
                    "pagination",
                    &pagination_view(&term.url, *page_no, term.pages.len(), per_page, &urls),
                );
                ctx.insert(
                    "taxonomy",
                    &TaxonomyView {
                        name: &t.name,
                        title: self.ui(lang, &t.name),
                        url: urls.link(&t.url),
                        terms: Vec::new(),
                    },
                );
                ctx.insert("term", &term_view(term, &urls));
                (with_site(&term.name), config.description(lang).to_string())
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
            OutputKind::Feed { .. }
            | OutputKind::Sitemap
            | OutputKind::SitemapPart(_)
            | OutputKind::Robots => (String::new(), String::new()),
        };
        ctx.insert("meta", &MetaView { title, description });
        let (image, json_ld) = match &output.kind {
            OutputKind::Page(id) => {
                let page = site.page(*id);
                let permalink = urls.permalink(&page.url);
                let image = page
                    .doc
                    .meta
                    .image
                    .as_ref()
                    .map(|i| metadata::absolute_image(&i.src, &permalink, &urls));
                (image, metadata::article_json_ld(site, page, &urls))
            }
            OutputKind::Home(l) => (None, Some(metadata::website_json_ld(site, *l, &urls))),
            _ => (None, None),
        };
        ctx.insert("og", &metadata::og_view(site, lang, image));
        ctx.insert("json_ld", &json_ld);
        Ok(())
    }

    fn page_view<'a>(
        &self,
        site: &'a Site,
        id: PageId,
        urls: &Urls<'_>,
    ) -> Result<PageView<'a>, Diagnostic> {
        let page = site.page(id);
        let meta = &page.doc.meta;
        let translated_from = meta.translated_from.map(|orig| TranslatedFromView {
            lang: orig,
            name: self.language_name_in(page.lang(), orig),
            url: site.groups[page.group.0]
                .get(&orig)
                .map(|o| urls.link(&site.page(*o).url)),
        });
        let section = (page.kind == PageKind::Article).then(|| {
            let s = site.section(page.section);
            SectionRefView {
                title: &s.title,
                url: urls.link(&s.url),
            }
        });
        Ok(PageView {
            card: card_view(site, id, urls),
            kind: page.kind,
            permalink: urls.permalink(&page.url),
            content: self.body_html(&page.doc)?,
            source: meta.source.as_ref().map(source_view),
            translated_from,
            section,
            extra: &meta.extra,
        })
    }
}

fn term_view<'a>(term: &'a crate::site::Term, urls: &Urls<'_>) -> TermView<'a> {
    TermView {
        name: &term.name,
        slug: &term.slug,
        url: urls.link(&term.url),
        count: term.pages.len(),
        feed_url: urls.link(&format!("{}atom.xml", term.url)),
    }
}

/// The language an output is in: the chooser and the 404 page use the default language.
pub fn output_lang(site: &Site, kind: &OutputKind) -> Lang {
    match kind {
        OutputKind::Chooser | OutputKind::NotFound => site.config.default_language,
        OutputKind::Home(l) => *l,
        OutputKind::SectionList { section, .. } => site.section(*section).lang,
        OutputKind::Page(id) => site.page(*id).lang(),
        OutputKind::TaxonomyIndex { taxonomy } | OutputKind::TermList { taxonomy, .. } => {
            site.taxonomies[*taxonomy].lang
        }
        OutputKind::Redirect { lang, .. } | OutputKind::Feed { lang, .. } => *lang,
        OutputKind::Sitemap | OutputKind::SitemapPart(_) | OutputKind::Robots => {
            site.config.default_language
        }
    }
}
