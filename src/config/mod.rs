//! `site.yaml` → raw struct (unknown keys rejected) → validated `Config`.

mod menus;
mod vocabulary;

pub use menus::{MenuEntry, MenuTarget};

pub use vocabulary::{DeclaredTerm, Vocabulary};

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::Lang;
use crate::yaml;

pub const CONFIG_FILE: &str = "site.yaml";

/// The keys site.yaml may have; any other is reported (a typo must not pass silently).
const KNOWN_KEYS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "default_language",
    "languages",
    "theme",
    "paginate_by",
    "feed_limit",
    "taxonomies",
    "timezone",
    "markdown",
    "menus",
    "extra",
    "compress",
    "deploy",
    "images",
    "kazakh_latin",
];

/// Unknown keys are checked separately (all of them reported), then ignored here.
#[derive(Debug, Deserialize)]
struct RawConfig {
    title: BTreeMap<String, String>,
    #[serde(default)]
    description: BTreeMap<String, String>,
    base_url: String,
    default_language: String,
    languages: Vec<String>,
    theme: String,
    #[serde(default)]
    paginate_by: Option<usize>,
    #[serde(default)]
    feed_limit: Option<usize>,
    #[serde(default)]
    taxonomies: Vec<String>,
    #[serde(default)]
    timezone: Option<String>,
    #[serde(default)]
    markdown: MarkdownConfig,
    #[serde(default)]
    menus: menus::RawMenus,
    #[serde(default)]
    extra: serde_json::Map<String, serde_json::Value>,
    #[serde(default)]
    compress: bool,
    #[serde(default)]
    deploy: crate::deploy::Targets,
    #[serde(default)]
    images: RawImages,
    #[serde(default)]
    kazakh_latin: bool,
}

/// `images:` in site.yaml, as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawImages {
    #[serde(default)]
    widths: Option<Vec<u32>>,
    #[serde(default)]
    formats: Option<Vec<ImageFormat>>,
    #[serde(default)]
    quality: Option<u8>,
}

/// A format photos are published in (`images.formats`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ImageFormat {
    Webp,
    Jpeg,
    Png,
    /// The format of the photo's own file (JPEG or PNG).
    Original,
}

/// `images:` in site.yaml: what every local photo is made into.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ImagesConfig {
    /// Widths in pixels, ascending, each once; a photo gets those not above its own width.
    pub widths: Vec<u32>,
    /// Formats, each once, in the order written (the last is the `<img>` fallback).
    pub formats: Vec<ImageFormat>,
    /// Lossy quality, 1–100 (WebP and JPEG).
    pub quality: u8,
}

impl Default for ImagesConfig {
    fn default() -> Self {
        ImagesConfig {
            widths: vec![480, 960, 1600],
            formats: vec![ImageFormat::Webp, ImageFormat::Original],
            quality: 80,
        }
    }
}

/// The largest width an encoder takes (WebP's limit).
pub const MAX_IMAGE_WIDTH: u32 = 16383;

fn resolve_images(
    raw: RawImages,
    err: &dyn Fn(&str, String) -> Diagnostic,
) -> Result<ImagesConfig, Diagnostic> {
    let default = ImagesConfig::default();
    let mut widths = raw.widths.unwrap_or(default.widths);
    if widths.is_empty() || widths.iter().any(|&w| w == 0 || w > MAX_IMAGE_WIDTH) {
        return Err(err(
            "images",
            format!("`widths` must list widths from 1 to {MAX_IMAGE_WIDTH} pixels"),
        ));
    }
    widths.sort_unstable();
    widths.dedup();
    let mut formats: Vec<ImageFormat> = Vec::new();
    for f in raw.formats.unwrap_or(default.formats) {
        if !formats.contains(&f) {
            formats.push(f);
        }
    }
    if formats.is_empty() {
        return Err(err(
            "images",
            "`formats` must name at least one of webp, jpeg, png, original".into(),
        ));
    }
    let quality = raw.quality.unwrap_or(default.quality);
    if !(1..=100).contains(&quality) {
        return Err(err("images", "`quality` must be from 1 to 100".into()));
    }
    Ok(ImagesConfig {
        widths,
        formats,
        quality,
    })
}

/// `markdown:` in site.yaml.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    #[serde(default)]
    pub raw_html: RawHtml,
}

/// What happens to HTML written in Markdown (`markdown: { raw_html: … }`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RawHtml {
    /// Passed through as written (CommonMark's rule).
    #[default]
    Allow,
    /// Shown as text: only Markdown and shortcodes make markup.
    Escape,
}

/// The validated site configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub title: BTreeMap<Lang, String>,
    pub description: BTreeMap<Lang, String>,
    /// Without a trailing slash: `https://example.kz` or `https://host/sub`.
    pub base_url: String,
    /// The path part of `base_url` (`""` or `/sub`), prefixed to every root-relative URL.
    pub base_path: String,
    pub default_language: Lang,
    pub languages: Vec<Lang>,
    pub theme: String,
    pub paginate_by: usize,
    pub feed_limit: usize,
    pub taxonomies: Vec<String>,
    /// The IANA zone of dates written without an offset (`timezone`, default UTC): a bare
    /// date is midnight there, and a page is published at that moment.
    pub timezone: chrono_tz::Tz,
    /// What happens to raw HTML in Markdown bodies.
    pub raw_html: RawHtml,
    /// Anything a site's templates want (`site.extra`).
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// Menu name (`main`) → its entries, in the order written.
    pub menus: BTreeMap<String, Vec<MenuEntry>>,
    /// `compress: true`: a `.gz` and a `.br` beside every text file of the output.
    pub compress: bool,
    /// `deploy:` targets for `qostil deploy`.
    pub deploy: crate::deploy::Targets,
    /// Declared vocabularies (`taxonomies/<name>.yaml`) by taxonomy name.
    pub vocabularies: BTreeMap<String, Vocabulary>,
    /// `images:`: the widths, formats and quality of published photos.
    pub images: ImagesConfig,
    /// `kazakh_latin: true`: the transliteration of the Latin edition, with the editor's
    /// words (`kk-latn.yaml`).
    pub latin: Option<std::sync::Arc<crate::lang::latin::Transliterator>>,
}

impl Config {
    pub fn title(&self, lang: Lang) -> &str {
        self.title.get(&lang).map_or("", String::as_str)
    }

    pub fn description(&self, lang: Lang) -> &str {
        self.description.get(&lang).map_or("", String::as_str)
    }

    /// The languages with files of their own under `content/` (not the Latin edition).
    pub fn source_languages(&self) -> impl Iterator<Item = Lang> + '_ {
        self.languages.iter().copied().filter(|l| !l.is_derived())
    }

    /// The text in `lang`'s script: Kazakh text transliterated for the Latin edition.
    pub fn in_script<'a>(&self, lang: Lang, text: &'a str) -> std::borrow::Cow<'a, str> {
        match (&self.latin, lang) {
            (Some(latin), Lang::KkLatn) => latin.to_latin(text),
            _ => std::borrow::Cow::Borrowed(text),
        }
    }

    /// What `in_script` depends on for `lang` (the transliteration's words for the Latin
    /// edition, nothing for the others), for keys of outputs made of text that `in_script`
    /// converted without the documents changing.
    pub fn script_key(&self, lang: Lang) -> u64 {
        match (&self.latin, lang) {
            (Some(latin), Lang::KkLatn) => latin.fingerprint(),
            _ => 0,
        }
    }

    /// Gives the Latin edition the Kazakh names of everything site.yaml and the
    /// vocabularies name per language, transliterated, where the site does not name it in
    /// `kk-latn` itself.
    fn derive_latin_names(&mut self) {
        let Some(latin) = self.latin.clone() else {
            return;
        };
        let derive = |names: &mut BTreeMap<Lang, String>| {
            if let (None, Some(kk)) = (names.get(&Lang::KkLatn), names.get(&Lang::Kk)) {
                let latn = latin.to_latin(kk).into_owned();
                names.insert(Lang::KkLatn, latn);
            }
        };
        derive(&mut self.title);
        derive(&mut self.description);
        self.menus
            .values_mut()
            .flatten()
            .for_each(|entry| derive(&mut entry.name));
        self.vocabularies
            .values_mut()
            .flat_map(|v| v.terms.iter_mut())
            .for_each(|term| derive(&mut term.names));
    }

    /// Replaces the base URL (the `--base-url` flag).
    pub fn set_base_url(&mut self, url: &str) -> Result<(), String> {
        let (base_url, base_path) = split_base_url(url)?;
        self.base_url = base_url;
        self.base_path = base_path;
        Ok(())
    }
}

/// Reads and validates `<root>/site.yaml`.
pub fn load_config(root: &Path) -> Result<Config, Diagnostics> {
    let path = root.join(CONFIG_FILE);
    let text = crate::paths::read_utf8(&path, CONFIG_FILE)?;
    let mut config = parse_config(&text)?;
    config.vocabularies =
        vocabulary::load_vocabularies(root, &config.taxonomies, &config.languages)?;
    if config.languages.contains(&Lang::KkLatn) {
        let latin = crate::lang::latin::Transliterator::load(root)?;
        config.latin = Some(std::sync::Arc::new(latin));
        config.derive_latin_names();
    }
    Ok(config)
}

pub fn parse_config(text: &str) -> Result<Config, Diagnostics> {
    let map = yaml::parse_file_mapping(CONFIG_FILE, text)?;
    let mut diags = Diagnostics::new();
    for key in map.keys().filter(|k| !KNOWN_KEYS.contains(&k.as_str())) {
        diags.push(
            Diagnostic::error(
                CONFIG_FILE,
                format!(
                    "unknown key `{key}`; site.yaml knows {}",
                    KNOWN_KEYS.join(", ")
                ),
            )
            // Point at the key itself: top-level keys start in column 1.
            .at_opt(yaml::locate_key(text, key).map(|(line, _)| (line, 1))),
        );
    }
    match yaml::from_str::<RawConfig>(text) {
        Ok(raw) => match resolve_config(raw, text) {
            Ok(config) if !diags.has_errors() => Ok(config),
            Ok(_) => Err(diags),
            Err(more) => {
                diags.extend(more);
                diags.sort();
                Err(diags)
            }
        },
        Err(e) => {
            diags.push(e.into_diagnostic(CONFIG_FILE));
            diags.sort();
            Err(diags)
        }
    }
}

fn resolve_config(raw: RawConfig, text: &str) -> Result<Config, Diagnostics> {
    let RawConfig {
        title,
        description,
        base_url,
        default_language,
        languages,
        theme,
        paginate_by,
        feed_limit,
        taxonomies,
        timezone,
        markdown,
        menus,
        extra,
        compress,
        deploy,
        images,
        kazakh_latin,
    } = raw;
    let mut diags = Diagnostics::new();
    let err = |key: &str, message: String| {
        Diagnostic::error(CONFIG_FILE, format!("{key}: {message}"))
            .at_opt(yaml::locate_key(text, key))
    };

    let mut langs = Vec::new();
    for code in &languages {
        match code.parse::<Lang>() {
            Ok(lang) if langs.contains(&lang) => {
                diags.push(err("languages", format!("`{code}` is listed twice")))
            }
            Ok(lang) if lang.is_derived() => diags.push(err(
                "languages",
                format!("`{code}` is made from the `kk` text: set `kazakh_latin: true` instead"),
            )),
            Ok(lang) => langs.push(lang),
            Err(e) => diags.push(err("languages", e)),
        }
    }
    if kazakh_latin {
        match langs.iter().position(|&l| l == Lang::Kk) {
            Some(at) => langs.insert(at + 1, Lang::KkLatn),
            None => diags.push(err(
                "kazakh_latin",
                "the Latin edition is made from the Kazakh text: `languages` needs `kk`".into(),
            )),
        }
    }
    if languages.is_empty() {
        diags.push(err("languages", "at least one language is required".into()));
    }
    let default_language = match default_language.parse::<Lang>() {
        Ok(lang) if langs.contains(&lang) => Some(lang),
        Ok(_) => {
            diags.push(err(
                "default_language",
                format!("`{default_language}` is not one of `languages`"),
            ));
            None
        }
        Err(e) => {
            diags.push(err("default_language", e));
            None
        }
    };
    let title = localized_map("title", title, &langs, text, &mut diags, true);
    let description = localized_map("description", description, &langs, text, &mut diags, false);
    let (base_url, base_path) = split_base_url(&base_url).unwrap_or_else(|e| {
        diags.push(err("base_url", e));
        (String::new(), String::new())
    });
    if theme.trim().is_empty() || theme.contains(['/', '\\']) || theme.starts_with('.') {
        diags.push(err(
            "theme",
            format!("`{theme}` is not a theme folder name"),
        ));
    }
    if paginate_by == Some(0) {
        diags.push(err("paginate_by", "must be at least 1".into()));
    }
    for name in &taxonomies {
        if crate::lang::slugify(name) != *name {
            diags.push(err(
                "taxonomies",
                format!("`{name}` must be a lower-case ASCII name such as `tags`"),
            ));
        }
    }
    let timezone = match timezone.as_deref().map(str::trim) {
        None => chrono_tz::UTC,
        Some(name) => name.parse::<chrono_tz::Tz>().unwrap_or_else(|_| {
            diags.push(err(
                "timezone",
                format!("unknown time zone \"{name}\"; use an IANA name such as Asia/Almaty"),
            ));
            chrono_tz::UTC
        }),
    };
    let menus = menus::resolve_menus(menus, &langs, text, &mut diags);
    let images = resolve_images(images, &err).unwrap_or_else(|d| {
        diags.push(d);
        ImagesConfig::default()
    });
    let default_language = match default_language {
        Some(lang) if !diags.has_errors() => lang,
        _ => return Err(diags),
    };
    diags.into_result(Config {
        title,
        description,
        base_url,
        base_path,
        default_language,
        languages: langs,
        theme,
        paginate_by: paginate_by.unwrap_or(10),
        feed_limit: feed_limit.unwrap_or(20),
        taxonomies,
        timezone,
        raw_html: markdown.raw_html,
        extra,
        menus,
        compress,
        deploy,
        vocabularies: BTreeMap::new(),
        images,
        latin: None,
    })
}

/// A per-language map such as `title: { kk: …, ru: … }`: every language must be present when
/// `required`, and no unknown language may appear.
fn localized_map(
    key: &str,
    raw: BTreeMap<String, String>,
    langs: &[Lang],
    text: &str,
    diags: &mut Diagnostics,
    required: bool,
) -> BTreeMap<Lang, String> {
    let mut map = BTreeMap::new();
    let pos = yaml::locate_key(text, key);
    for (code, value) in raw {
        match code.parse::<Lang>() {
            Ok(lang) if langs.contains(&lang) => {
                map.insert(lang, value);
            }
            _ => diags.push(
                Diagnostic::error(
                    CONFIG_FILE,
                    format!("{key}.{code}: `{code}` is not one of `languages`"),
                )
                .at_opt(pos),
            ),
        }
    }
    if required {
        for lang in langs.iter().filter(|l| !l.is_derived()) {
            if map.get(lang).is_none_or(|v| v.trim().is_empty()) {
                diags.push(
                    Diagnostic::error(
                        CONFIG_FILE,
                        format!("{key}.{lang}: missing the {lang} {key}"),
                    )
                    .at_opt(pos),
                );
            }
        }
    }
    map
}

/// Checks a `--base-url` value the way site.yaml's `base_url` is checked.
pub fn validate_base_url(url: &str) -> Result<String, String> {
    split_base_url(url).map(|(base, _)| base)
}

/// `https://example.kz/sub/` → (`https://example.kz/sub`, `/sub`).
fn split_base_url(url: &str) -> Result<(String, String), String> {
    let trimmed = url.trim().trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"))
        .ok_or_else(|| format!("`{url}` must start with https:// or http://"))?;
    if rest.is_empty() || rest.starts_with('/') {
        return Err(format!("`{url}` has no host"));
    }
    let path = rest.find('/').map_or("", |i| &rest[i..]);
    Ok((trimmed.to_string(), path.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "title: { kk: \"Қ\", ru: \"Р\" }\nbase_url: \"https://example.kz/\"\ndefault_language: kk\nlanguages: [kk, ru]\ntheme: portal\n";

    #[test]
    fn reads_a_valid_config() {
        let c = parse_config(GOOD).unwrap();
        assert_eq!(c.base_url, "https://example.kz");
        assert_eq!(c.base_path, "");
        assert_eq!(c.paginate_by, 10);
        assert_eq!(c.feed_limit, 20);
        assert_eq!(c.languages, vec![Lang::Kk, Lang::Ru]);
        assert_eq!(c.timezone, chrono_tz::UTC);
    }

    #[test]
    fn timezone_is_an_iana_name() {
        let c = parse_config(&format!("{GOOD}timezone: Asia/Almaty\n")).unwrap();
        assert_eq!(c.timezone, chrono_tz::Asia::Almaty);
        let msg = parse_config(&format!("{GOOD}timezone: Asia/Almati\n"))
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("site.yaml:6:11: timezone: unknown time zone \"Asia/Almati\""),
            "{msg}"
        );
    }

    #[test]
    fn unknown_key_is_named_with_its_line() {
        let text = format!("{GOOD}paginte_by: 5\n");
        let e = parse_config(&text).unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("site.yaml:6:1:"), "{msg}");
        assert!(msg.contains("paginte_by"), "{msg}");
    }

    #[test]
    fn missing_title_and_bad_default_language() {
        let text = GOOD
            .replace("ru: \"Р\" ", "")
            .replace("default_language: kk", "default_language: en");
        let msg = parse_config(&text).unwrap_err().to_string();
        assert!(msg.contains("title.ru"), "{msg}");
        assert!(msg.contains("site.yaml:3:19: default_language"), "{msg}");
    }

    #[test]
    fn raw_html_policy() {
        assert_eq!(parse_config(GOOD).unwrap().raw_html, RawHtml::Allow);
        let c = parse_config(&format!("{GOOD}markdown: {{ raw_html: escape }}\n")).unwrap();
        assert_eq!(c.raw_html, RawHtml::Escape);
        let msg = parse_config(&format!("{GOOD}markdown: {{ raw_html: strip }}\n"))
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("site.yaml:6:") && msg.contains("allow"),
            "{msg}"
        );
    }

    #[test]
    fn base_url_keeps_its_path() {
        assert_eq!(
            split_base_url("https://h.kz/portal/").unwrap(),
            ("https://h.kz/portal".to_string(), "/portal".to_string())
        );
        assert!(split_base_url("example.kz").is_err());
    }
}
