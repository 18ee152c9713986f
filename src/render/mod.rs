//! Rendering: Tera templates (site → theme), one small view per output, rendered to memory.
//! The renderer never writes files and never looks the site up from a template.

mod context;
mod feed;
mod fingerprint;
mod functions;
mod metadata;
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
use crate::content::{markdown, read_body, Document};
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
        let text = match crate::paths::read_utf8(&root.join(&file), &file) {
            Ok(t) => t,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        let parsed = yaml::parse_file_mapping(&file, &text);
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
            assets: crate::output::discover_assets(root, &config.theme),
        });
        let mut teras = BTreeMap::new();
        for &lang in &config.languages {
            let mut tera = set.tera.clone();
            functions::register(&mut tera, lang, &env);
            teras.insert(lang, tera);
        }
        let global = format!(
            "{}\n{:?}\n{:?}\n{:?}",
            env!("CARGO_PKG_VERSION"),
            config,
            env.strings,
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

    /// The site-relative file of the template an output is rendered with.
    pub fn template_file(&self, kind: &OutputKind) -> Option<String> {
        self.template_files.get(template_name(kind)?).cloned()
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

    /// A document's body as HTML, its `@/` links replaced by the URLs in `links`.
    fn body_html(&self, doc: &Document, links: &ContentUrls) -> Result<String, Diagnostic> {
        let body = read_body(&self.root, doc)?;
        let html =
            markdown::render_html(&body, &|path| links.get(path).cloned()).map_err(|dest| {
                Diagnostic::error(
                    &doc.source,
                    format!("link {dest}: the file changed while the site was being built"),
                )
            })?;
        Ok(self.urls().prefix_root_links(html))
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
        if let Some(slot) = body {
            let html = self.body_html(slot.doc, &slot.links)?;
            if let Some(serde_json::Value::Object(view)) = map.0.get_mut(slot.key) {
                view.insert("content".into(), serde_json::Value::String(html));
            }
        }
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
