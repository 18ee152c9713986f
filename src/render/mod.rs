//! Rendering: Tera templates (site → theme), one small view per output, rendered to memory.
//! The renderer never writes files and never looks the site up from a template.

mod context;
pub mod data;
mod embed;
mod feed;
mod fingerprint;
mod functions;
mod metadata;
mod photo_html;
pub mod related;
mod templates;
pub mod views;
pub mod xml;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tera::{Context, Tera};

pub use fingerprint::site_key;
pub use functions::TemplateEnv;
pub use templates::error_chain;

use crate::config::Config;
use crate::content::{markdown, read_body, shortcodes, Document};
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::{Lang, Locales, UiStrings};
use crate::site::{Output, OutputKind, Site};
use crate::yaml;
use views::*;

/// The template each kind of HTML output is rendered with; `None` for the XML and text
/// outputs, which are written without templates.
pub fn template_name(kind: &OutputKind) -> Option<&'static str> {
    Some(match kind {
        OutputKind::Chooser => "chooser.html",
        OutputKind::NotFound => "404.html",
        OutputKind::Home(_) => "index.html",
        OutputKind::SectionList { .. } => "section.html",
        OutputKind::Page(_) => "page.html",
        OutputKind::TaxonomyIndex { .. } => "taxonomy.html",
        OutputKind::TermList { .. } => "term.html",
        OutputKind::Redirect { .. } => "redirect.html",
        OutputKind::SearchPage(_) => "search.html",
        OutputKind::Feed { .. }
        | OutputKind::Sitemap
        | OutputKind::SitemapPart(_)
        | OutputKind::Robots => return None,
    })
}

/// The page or section text whose `template:` picks the template of an output, if any.
fn template_override<'s>(site: &'s Site, kind: &OutputKind) -> Option<&'s Document> {
    let doc = match kind {
        OutputKind::Page(id) => &*site.page(*id).doc,
        OutputKind::Home(lang) => site.home(*lang)?.index.as_ref()?,
        OutputKind::SectionList { section, .. } => site.section(*section).index.as_ref()?,
        _ => return None,
    };
    doc.meta.template.is_some().then_some(doc)
}

/// The template an output is rendered with: its page's or section's `template:`, else the
/// one of its kind (`template_name`).
pub fn chosen_template<'s>(site: &'s Site, kind: &OutputKind) -> Option<&'s str> {
    match template_override(site, kind).and_then(|d| d.meta.template.as_deref()) {
        Some(name) => Some(name),
        None => template_name(kind),
    }
}

pub struct Renderer {
    root: PathBuf,
    teras: BTreeMap<Lang, Tera>,
    template_files: BTreeMap<String, String>,
    env: Arc<TemplateEnv>,
    /// Per template: its source and its dependencies', hashed (see `fingerprint`).
    template_hashes: BTreeMap<String, u64>,
    /// qostil's version, the configuration and the UI strings, hashed: what every output
    /// depends on beyond its context.
    global_hash: u64,
    base_url: String,
    base_path: String,
    /// Shortcode name → the arguments its template declares.
    shortcodes: BTreeMap<String, crate::content::shortcodes::Declared>,
    /// `data.<stem>` of every file in `data/`.
    data: serde_json::Value,
    /// site.yaml's `markdown.raw_html`.
    raw_html: crate::config::RawHtml,
    /// The Latin edition's transliteration (`kazakh_latin: true`).
    latin: Option<Arc<crate::lang::latin::Transliterator>>,
    /// What loading found that does not stop a build (site strings the theme lacks,
    /// taxonomies without a title string, files in data/ that are not data).
    warnings: Diagnostics,
}

/// Reads `themes/<theme>/i18n/<lang>.yaml` for every language, and the site's
/// `i18n/<lang>.yaml` over it key by key; each language must have every key the others have,
/// and `language_name`. A site key the theme lacks is kept (a site template may use it) with
/// a warning in `warnings`, naming a theme key it may be a typo of.
///
/// The Latin edition's strings are the theme's `kk-latn.yaml` when it has one, else the
/// Kazakh strings (with the site's) transliterated; a site `i18n/kk-latn.yaml` goes over
/// either.
pub fn load_ui_strings(
    root: &Path,
    config: &Config,
    warnings: &mut Diagnostics,
) -> Result<BTreeMap<Lang, UiStrings>, Diagnostics> {
    let theme = &config.theme;
    let mut diags = Diagnostics::new();
    let mut all = BTreeMap::new();
    let mut merged: BTreeMap<Lang, serde_json::Map<String, serde_json::Value>> = BTreeMap::new();
    // Keys only a site file has are for the site's own templates: not checked across
    // languages here (a template that uses one in a language without it fails, naming it).
    let mut theme_keys = std::collections::BTreeSet::new();
    // Sources first: a derived edition's strings may be made from its source's.
    let mut langs = config.languages.clone();
    langs.sort_by_key(|l| l.is_derived());
    for lang in langs {
        let theme_file = format!("themes/{theme}/i18n/{lang}.yaml");
        let derived = match merged.get(&lang.source()) {
            Some(source) if lang.is_derived() && !root.join(&theme_file).is_file() => {
                Some(in_script(config, lang, source))
            }
            _ => None,
        };
        let mut map = match derived {
            Some(map) => StringsFile {
                map,
                text: String::new(),
            },
            None => match read_strings(root, &theme_file, &mut diags) {
                Some(map) => map,
                None => continue,
            },
        };
        theme_keys.extend(map.map.keys().cloned());
        let site_file = format!("i18n/{lang}.yaml");
        let mut file = theme_file;
        if root.join(&site_file).is_file() {
            let Some(site) = read_strings(root, &site_file, &mut diags) else {
                continue;
            };
            for (key, value) in site.map {
                if !map.map.contains_key(&key) {
                    warnings.push(unknown_string_warning(
                        &site_file, &site.text, &key, &map.map,
                    ));
                }
                map.map.insert(key, value);
            }
            file = site_file;
        }
        merged.insert(lang, map.map.clone());
        match UiStrings::from_mapping(&file, map.map) {
            Ok(strings) => {
                all.insert(lang, strings);
            }
            // Each file's values were checked on their own (`read_strings`).
            Err((key, message)) => {
                diags.push(Diagnostic::error(&file, format!("{key}: {message}")))
            }
        }
    }
    let mut keys = theme_keys;
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
    /// Loads the templates and UI strings. Needs only the configuration, so that template
    /// errors are found alongside content errors.
    pub fn new(
        root: &Path,
        config: &Config,
        locales: Arc<Locales>,
    ) -> Result<Renderer, Diagnostics> {
        let mut required = vec![
            "chooser.html",
            "404.html",
            "index.html",
            "section.html",
            "page.html",
            "redirect.html",
        ];
        if !config.taxonomies.is_empty() {
            required.extend(["taxonomy.html", "term.html"]);
        }
        let mut warnings = Diagnostics::new();
        let strings = load_ui_strings(root, config, &mut warnings);
        let templates = templates::load_templates(root, &config.theme, &required);
        let data = data::load_data(root, &mut warnings);
        let (strings, set, data) = match (strings, templates, data) {
            (Ok(s), Ok(t), Ok(d)) => (s, t, d),
            (s, t, d) => {
                let mut diags = Diagnostics::new();
                for e in [s.err(), t.err(), d.err()].into_iter().flatten() {
                    diags.extend(e);
                }
                return Err(diags);
            }
        };
        let env = Arc::new(TemplateEnv {
            locales,
            strings,
            base_path: config.base_path.clone(),
            assets: crate::output::discover_assets(root, &config.theme),
        });
        let mut teras = BTreeMap::new();
        for &lang in &config.languages {
            let mut tera = set.tera.clone();
            functions::register(&mut tera, lang, &env);
            teras.insert(lang, tera);
        }
        let data = serde_json::Value::Object(data);
        let global = format!(
            "{}\n{:?}\n{:?}\n{}\n{:?}",
            env!("CARGO_PKG_VERSION"),
            config,
            env.strings,
            data,
            env.assets
        );
        Ok(Renderer {
            root: root.to_path_buf(),
            teras,
            template_files: set.files,
            template_hashes: set.hashes,
            global_hash: fingerprint::hash_bytes(global.as_bytes()),
            base_url: config.base_url.clone(),
            base_path: config.base_path.clone(),
            shortcodes: set.shortcodes,
            data,
            raw_html: config.raw_html,
            latin: config.latin.clone(),
            warnings: Diagnostics::new(),
            env,
        })
        .map(|mut renderer| {
            warnings.extend(renderer.taxonomy_title_warnings(&config.taxonomies));
            renderer.warnings = warnings;
            renderer
        })
    }

    fn ui(&self, lang: Lang, key: &str) -> String {
        self.env
            .strings
            .get(&lang)
            .and_then(|s| s.lookup(key, None, self.env.locales.get(lang)))
            .unwrap_or_else(|| key.to_string())
    }

    /// Warnings found while loading the templates, strings and data.
    pub fn warnings(&self) -> &Diagnostics {
        &self.warnings
    }

    /// A taxonomy's title: UI string `taxonomy_<name>`, else `<name>` (the portal theme's
    /// `tags`, `regions`), else the name with a capital letter (`topics` → `Topics`).
    pub fn taxonomy_title(&self, lang: Lang, name: &str) -> String {
        self.taxonomy_string(lang, name)
            .unwrap_or_else(|| title_case(name))
    }

    fn taxonomy_string(&self, lang: Lang, name: &str) -> Option<String> {
        let strings = self.env.strings.get(&lang)?;
        let locale = self.env.locales.get(lang);
        strings
            .lookup(&format!("taxonomy_{name}"), None, locale)
            .or_else(|| strings.lookup(name, None, locale))
    }

    fn taxonomy_title_warnings(&self, taxonomies: &[String]) -> Diagnostics {
        let mut diags = Diagnostics::new();
        for (lang, strings) in &self.env.strings {
            for name in taxonomies {
                if self.taxonomy_string(*lang, name).is_none() {
                    diags.push(
                        Diagnostic::warning(
                            &strings.file,
                            format!(
                                "no UI string `taxonomy_{name}` for the taxonomy `{name}`: its {lang} title is \"{}\"; add `taxonomy_{name}` to i18n/{lang}.yaml",
                                title_case(name)
                            ),
                        )
                        .with_code("missing-string"),
                    );
                }
            }
        }
        diags
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

    /// The site-relative file of the template an output is rendered with.
    pub fn template_file(&self, site: &Site, kind: &OutputKind) -> Option<String> {
        self.template_files
            .get(chosen_template(site, kind)?)
            .cloned()
    }

    /// An error when a page's or section's `template:` names a template that does not exist.
    fn check_template_choice(&self, site: &Site, kind: &OutputKind) -> Result<(), Diagnostic> {
        let Some(doc) = template_override(site, kind) else {
            return Ok(());
        };
        let name = doc.meta.template.as_deref().unwrap_or_default();
        if self.template_files.contains_key(name) {
            return Ok(());
        }
        let mut pages: Vec<&str> = self
            .template_files
            .keys()
            .map(String::as_str)
            .filter(|n| !n.starts_with(templates::SHORTCODE_DIR))
            .collect();
        pages.sort_unstable();
        Err(Diagnostic::error(
            &doc.source,
            format!(
                "template: `{name}` is neither in templates/ nor in the theme's templates/ (there are {})",
                pages.join(", ")
            ),
        )
        .at_opt(doc.meta.position("template")))
    }

    /// The hash of a template and the templates it uses (see `fingerprint`).
    pub fn template_hash(&self, name: &str) -> Option<u64> {
        self.template_hashes.get(name).copied()
    }

    /// A hash of everything the renderer brings to an output besides its context: qostil's
    /// version, the configuration, the UI strings and every template. Equal keys mean that
    /// swapping one renderer for the other changes no output.
    pub fn key(&self) -> u64 {
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        hasher.update(&self.global_hash.to_le_bytes());
        for (name, hash) in &self.template_hashes {
            hasher.update(name.as_bytes());
            hasher.update(&hash.to_le_bytes());
        }
        for (name, file) in &self.template_files {
            hasher.update(name.as_bytes());
            hasher.update(file.as_bytes());
        }
        hasher.digest()
    }

    /// Fingerprinted static files: logical path → published path.
    pub fn assets(&self) -> &crate::output::assets::AssetMap {
        &self.env.assets
    }

    /// Whether the templates include `name` (optional ones such as `search.html`).
    pub fn has_template(&self, name: &str) -> bool {
        self.template_files.contains_key(name)
    }

    fn urls(&self) -> Urls<'_> {
        Urls {
            base_url: &self.base_url,
            base_path: &self.base_path,
        }
    }

    /// A document's body as HTML, its `@/` links replaced by the URLs in `links` and its
    /// shortcodes by their templates' output (`page`: what a shortcode sees of the page).
    fn body_html(
        &self,
        doc: &Document,
        links: &ContentUrls,
        page: &serde_json::Value,
        photos: &crate::images::Photos,
    ) -> Result<String, Diagnostic> {
        self.body_html_all(doc, links, page, photos)
            .map_err(first_of)
    }

    fn body_html_all(
        &self,
        doc: &Document,
        links: &ContentUrls,
        page: &serde_json::Value,
        photos: &crate::images::Photos,
    ) -> Result<String, Diagnostics> {
        let body = read_body(&self.root, doc)?;
        let calls = shortcodes::find_calls(&body).map_err(|errors| {
            Diagnostics(
                errors
                    .into_iter()
                    .map(|e| {
                        Diagnostic::error(&doc.source, e.message)
                            .at(doc.body_line + e.line - 1, e.col)
                    })
                    .collect(),
            )
        })?;
        let pieces = self.render_shortcodes(doc, &calls, page, photos)?;
        let spans: Vec<_> = calls.iter().map(|c| c.span.clone()).collect();
        let marked = markdown::mark_spans(&body, &spans);
        let local = photo_html::BodyFiles {
            photos,
            doc,
            urls: self.urls(),
        };
        let html = markdown::render_html_local(
            &marked,
            doc.lang,
            &|path| links.get(path).cloned(),
            self.raw_html,
            &local,
            self.edition_of(doc.lang),
        )
        .map_err(|dest| {
            Diagnostic::error(
                &doc.source,
                format!("link {dest}: the file changed while the site was being built"),
            )
        })?;
        // Shortcodes' HTML goes in as their templates wrote it: like any template's, its
        // links carry the base path already (`url()`, `page.url`).
        let html = self.urls().prefix_root_links(html);
        Ok(markdown::fill_marks(&html, &pieces))
    }

    /// Each call's HTML; every unknown shortcode, unknown or missing argument and template
    /// error is reported at its call.
    fn render_shortcodes(
        &self,
        doc: &Document,
        calls: &[shortcodes::Call],
        page: &serde_json::Value,
        photos: &crate::images::Photos,
    ) -> Result<Vec<String>, Diagnostics> {
        let mut diags = Diagnostics::new();
        let mut pieces = Vec::with_capacity(calls.len());
        for call in calls {
            let call = &self.call_in_script(doc.lang, call);
            let at = |message: String| {
                Diagnostic::error(&doc.source, message).at(doc.body_line + call.line - 1, call.col)
            };
            let Some(declared) = self.shortcodes.get(&call.name) else {
                let known: Vec<&str> = self.shortcodes.keys().map(String::as_str).collect();
                diags.push(at(format!(
                    "unknown shortcode `{}`: there is no templates/{} (shortcodes: {})",
                    call.name,
                    templates::shortcode_template(&call.name),
                    known.join(", ")
                )));
                continue;
            };
            let problems = declared.problems(call);
            if !problems.is_empty() {
                diags.push(at(format!(
                    "shortcode `{}`: {}",
                    call.name,
                    problems.join("; ")
                )));
                continue;
            }
            let image = photo_html::shortcode_image(photos, doc, call, &self.urls());
            match self.render_shortcode(doc.lang, call, page, image) {
                Ok(html) => pieces.push(html),
                Err(message) => diags.push(at(message)),
            }
        }
        diags.into_result(pieces)
    }

    /// The transliteration of `lang`'s text: `Some` for the Latin edition.
    /// How a body in `lang` is rendered: a Kazakh one keeps its parsed text for its Latin
    /// twin when the site has the Latin edition (see `markdown::Edition`).
    fn edition_of(&self, lang: Lang) -> markdown::Edition<'_> {
        match (lang, self.latin.as_deref()) {
            (Lang::KkLatn, Some(latin)) => markdown::Edition::Latin(latin),
            (Lang::Kk, Some(_)) => markdown::Edition::KazakhWithTwin,
            _ => markdown::Edition::Own,
        }
    }

    fn latin_for(&self, lang: Lang) -> Option<&crate::lang::latin::Transliterator> {
        match lang {
            Lang::KkLatn => self.latin.as_deref(),
            _ => None,
        }
    }

    /// The call with its text arguments (a caption, an alt text, a title) in `lang`'s
    /// script; addresses (`src`, `url`, `href`) stay as written.
    fn call_in_script<'c>(
        &self,
        lang: Lang,
        call: &'c shortcodes::Call,
    ) -> std::borrow::Cow<'c, shortcodes::Call> {
        let Some(latin) = self.latin_for(lang) else {
            return std::borrow::Cow::Borrowed(call);
        };
        let mut call = call.clone();
        for (name, value) in &mut call.args {
            if let (false, serde_json::Value::String(text)) =
                (matches!(name.as_str(), "src" | "url" | "href"), &mut *value)
            {
                *text = latin.to_latin(text).into_owned();
            }
        }
        std::borrow::Cow::Owned(call)
    }

    fn render_shortcode(
        &self,
        lang: Lang,
        call: &shortcodes::Call,
        page: &serde_json::Value,
        image: Option<crate::images::ImageView>,
    ) -> Result<String, String> {
        let mut map = serde_json::Map::new();
        for (name, value) in &call.args {
            map.insert(name.clone(), value.clone());
        }
        // A `src` that names a photo: its view, as `image` (see `photo_html`).
        if let Some(image) = image {
            map.insert(
                "image".into(),
                serde_json::to_value(image).map_err(|e| e.to_string())?,
            );
        }
        map.insert("lang".into(), serde_json::Value::String(lang.tag().into()));
        map.insert("page".into(), page.clone());
        map.insert("data".into(), self.data.clone());
        let ctx = Context::from_value(serde_json::Value::Object(map)).map_err(|e| e.to_string())?;
        let template = templates::shortcode_template(&call.name);
        let tera = self
            .teras
            .get(&lang)
            .ok_or_else(|| format!("language {lang} is not configured"))?;
        tera.render(&template, &ctx).map_err(|e| {
            let file = self
                .template_files
                .get(&template)
                .cloned()
                .unwrap_or(template);
            format!("shortcode `{}` ({file}): {}", call.name, error_chain(&e))
        })
    }

    /// The whole context a templated output's template gets, as JSON: its prepared values,
    /// the body's HTML and `data` (for tools and for the test that docs/templates.md
    /// names every value).
    pub fn context_json(
        &self,
        site: &Site,
        output: &Output,
    ) -> Result<serde_json::Value, Diagnostic> {
        let context::Prepared { mut map, body, .. } = self.prepare(site, output)?;
        self.complete_context(&mut map, body)?;
        Ok(serde_json::Value::Object(map.0))
    }

    /// What goes into a prepared context at render time: the body's HTML and `data`.
    fn complete_context(
        &self,
        map: &mut context::ContextMap,
        body: Option<context::BodySlot<'_>>,
    ) -> Result<(), Diagnostic> {
        if let Some(slot) = body {
            let page = shortcode_page_view(map, slot.key);
            let html = self.body_html(slot.doc, &slot.links, &page, slot.photos)?;
            if let Some(serde_json::Value::Object(view)) = map.0.get_mut(slot.key) {
                view.insert("content".into(), serde_json::Value::String(html));
            }
        }
        map.0.insert("data".into(), self.data.clone());
        Ok(())
    }

    /// Renders one output to text (for `check`, which reads the HTML).
    pub fn render(&self, site: &Site, output: &Output) -> Result<String, Diagnostic> {
        let bytes = self.render_bytes(site, output)?;
        // Tera and the XML writers only produce UTF-8.
        Ok(String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
    }

    /// Renders one output to the bytes of its file.
    pub fn render_bytes(&self, site: &Site, output: &Output) -> Result<Vec<u8>, Diagnostic> {
        let urls = Urls {
            base_url: &site.config.base_url,
            base_path: &site.config.base_path,
        };
        match &output.kind {
            OutputKind::Feed { .. } => self
                .render_feed(site, output, &urls)
                .map(String::into_bytes),
            OutputKind::Sitemap => Ok(xml::sitemap(site, &urls).into_bytes()),
            OutputKind::SitemapPart(n) => Ok(xml::sitemap_part(site, &urls, *n).into_bytes()),
            OutputKind::Robots => Ok(xml::robots(&urls).into_bytes()),
            _ => self.render_template(site, output),
        }
    }

    fn render_template(&self, site: &Site, output: &Output) -> Result<Vec<u8>, Diagnostic> {
        let prepared = self.prepare(site, output)?;
        self.render_prepared(prepared, output)
    }

    /// Renders a prepared context: the body's HTML goes in, then Tera runs. The page goes
    /// straight into bytes: `Tera::render` would check the whole page is UTF-8 once more.
    pub fn render_prepared(
        &self,
        prepared: context::Prepared<'_>,
        output: &Output,
    ) -> Result<Vec<u8>, Diagnostic> {
        let context::Prepared {
            template,
            lang,
            mut map,
            body,
        } = prepared;
        self.complete_context(&mut map, body)?;
        let ctx = Context::from_value(serde_json::Value::Object(map.0))
            .map_err(|e| Diagnostic::global(format!("context of {}: {e}", output.url)))?;
        let tera = self
            .teras
            .get(&lang)
            .ok_or_else(|| Diagnostic::global(format!("language {lang} is not configured")))?;
        let mut html = Vec::with_capacity(32 * 1024);
        tera.render_to(template, &ctx, &mut html)
            .map(|()| {
                // Templates that start with `{% extends %}` leave a blank line before the
                // doctype.
                let blank = html.iter().take_while(|b| b.is_ascii_whitespace()).count();
                html.drain(..blank);
                html
            })
            .map_err(|e| {
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
}

/// What a shortcode sees of the page that calls it: `{title, url, permalink}` of the
/// page or section whose body it is in.
fn shortcode_page_view(map: &context::ContextMap, key: &str) -> serde_json::Value {
    let view = map.0.get(key);
    let field = |name: &str| {
        view.and_then(|v| v.get(name))
            .cloned()
            .unwrap_or(serde_json::Value::Null)
    };
    serde_json::json!({
        "title": field("title"),
        "url": field("url"),
        "permalink": map.0.get("permalink").cloned().unwrap_or(serde_json::Value::Null),
    })
}

/// `topics` → `Topics`, `job_fairs` → `Job fairs`: the title of a taxonomy without a string.
fn title_case(name: &str) -> String {
    let spaced = name.replace(['_', '-'], " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A strings file read and checked on its own: its mapping and its text (for positions).
struct StringsFile {
    map: serde_json::Map<String, serde_json::Value>,
    text: String,
}

/// UI strings with every text (plural forms too) in `lang`'s script.
fn in_script(
    config: &Config,
    lang: Lang,
    strings: &serde_json::Map<String, serde_json::Value>,
) -> serde_json::Map<String, serde_json::Value> {
    fn convert(config: &Config, lang: Lang, value: &serde_json::Value) -> serde_json::Value {
        match value {
            serde_json::Value::String(s) => {
                serde_json::Value::String(config.in_script(lang, s).into_owned())
            }
            serde_json::Value::Object(map) => serde_json::Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), convert(config, lang, v)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
    strings
        .iter()
        .map(|(key, value)| (key.clone(), convert(config, lang, value)))
        .collect()
}

fn read_strings(root: &Path, file: &str, diags: &mut Diagnostics) -> Option<StringsFile> {
    let text = match crate::paths::read_utf8(&root.join(file), file) {
        Ok(t) => t,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let map = match yaml::parse_file_mapping(file, &text) {
        Ok(map) => map,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    if let Err((key, message)) = UiStrings::from_mapping(file, map.clone()) {
        diags.push(
            Diagnostic::error(file, format!("{key}: {message}"))
                .at_opt(yaml::locate_key(&text, &key)),
        );
        return None;
    }
    Some(StringsFile { map, text })
}

/// A site string the theme does not have: a typo, or a string for the site's own templates.
fn unknown_string_warning(
    file: &str,
    text: &str,
    key: &str,
    theme: &serde_json::Map<String, serde_json::Value>,
) -> Diagnostic {
    let hint = theme
        .keys()
        .map(|k| (strsim::levenshtein(key, k), k))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, k)| format!("did you mean `{k}`? "))
        .unwrap_or_default();
    Diagnostic::warning(
        file,
        format!(
            "{key}: the theme has no such UI string; {hint}(only the site's own templates can use it)"
        ),
    )
    .at_opt(yaml::locate_key(text, key).map(|(line, _)| (line, 1)))
    .with_code("typo")
}

/// The first of several problems of one file, saying how many more there are (a page's
/// output fails on its first error; the others follow once it is fixed).
fn first_of(diags: Diagnostics) -> Diagnostic {
    let more = diags.0.len().saturating_sub(1);
    let mut iter = diags.0.into_iter();
    match iter.next() {
        Some(mut first) if more > 0 => {
            first.message = format!("{} (and {more} more in this file)", first.message);
            first
        }
        Some(first) => first,
        None => Diagnostic::global("rendering failed"),
    }
}

/// Content file (`news/x.md`) → URL, for the `@/` links of one document.
pub type ContentUrls = BTreeMap<String, String>;

/// The URL of every content file `doc`'s `@/` links name, found through the site (which
/// records the pages read, see `site::reading`). Assembling the site reports links to files
/// it lacks; this error is for a document replaced since (`serve`'s body edits).
fn content_urls(site: &Site, doc: &Document) -> Result<ContentUrls, Diagnostic> {
    doc.links
        .iter()
        .map(|link| match site.content_url(doc.lang, &link.path) {
            Some(url) => Ok((link.path.clone(), url)),
            None => Err(Diagnostic::error(
                &doc.source,
                format!(
                    "link @/{}: content/{}/{} does not exist",
                    link.path, doc.lang, link.path
                ),
            )
            .at(link.line, link.col)
            .with_code("broken-link")),
        })
        .collect()
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
        OutputKind::Redirect { lang, .. }
        | OutputKind::Feed { lang, .. }
        | OutputKind::SearchPage(lang) => *lang,
        OutputKind::Sitemap | OutputKind::SitemapPart(_) | OutputKind::Robots => {
            site.config.default_language
        }
    }
}
