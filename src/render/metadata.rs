//! Machine-readable page metadata: OpenGraph values and JSON-LD (`NewsArticle` for
//! articles, `WebSite` for homes), serialized so it is safe inside `<script>`.

use serde::Serialize;
use serde_json::{json, Value};

use crate::lang::Lang;
use crate::site::{Page, PageKind, Site};

use super::views::Urls;

#[derive(Serialize)]
pub struct OgView {
    pub locale: &'static str,
    pub locale_alternates: Vec<&'static str>,
    /// Absolute URL of the page's image (for a photo, its variant for link previews).
    pub image: Option<String>,
    /// The image's size in pixels (a photo's), and its `alt`.
    pub image_width: Option<u32>,
    pub image_height: Option<u32>,
    pub image_alt: Option<String>,
}

/// The image a page shares (`og:image`, JSON-LD): absolute URL, size when known, `alt`.
pub struct SharedImage {
    pub url: String,
    /// The variant's type (`image/jpeg`); `None` for an image of another site.
    pub mime: Option<&'static str>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub alt: String,
}

/// The page's lead image for link previews: a bundle or `static/` photo's variant of at least 1200
/// pixels when it has one (see `Photo::share`), else its `src` made absolute.
pub fn shared_image(site: &Site, page: &Page, urls: &Urls<'_>) -> Option<SharedImage> {
    let image = page.doc.meta.image.as_ref()?;
    let alt = image.alt.clone().unwrap_or_default();
    let variant = site
        .photos
        .shown(&page.doc.source, &image.src)
        .and_then(|photo| photo.share());
    Some(match variant {
        Some(v) => SharedImage {
            url: urls.permalink(&format!("/{}", v.out)),
            mime: Some(v.encoding.mime()),
            width: Some(v.width),
            height: Some(v.height),
            alt,
        },
        None => SharedImage {
            url: absolute_image(&image.src, &page.url, urls),
            mime: None,
            width: None,
            height: None,
            alt,
        },
    })
}

pub fn og_view(site: &Site, lang: Lang, image: Option<SharedImage>) -> OgView {
    let (image, image_width, image_height, image_alt) = match image {
        Some(i) => (Some(i.url), i.width, i.height, Some(i.alt)),
        None => (None, None, None, None),
    };
    OgView {
        locale: lang.og_locale(),
        locale_alternates: site
            .config
            .languages
            .iter()
            .map(|l| l.og_locale())
            // Both Kazakh editions are `kk_KZ` (OpenGraph locales name no script).
            .filter(|l| *l != lang.og_locale())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect(),
        image,
        image_width,
        image_height,
        image_alt,
    }
}

/// An image `src` as an absolute URL (OpenGraph and JSON-LD need one).
pub fn absolute_image(src: &str, page_url: &str, urls: &Urls<'_>) -> String {
    let link = urls.resolve(src, page_url);
    if link.contains("://") {
        link
    } else {
        format!("{}{link}", urls.origin())
    }
}

/// JSON as it may appear inside `<script>`: `<`, `>` and `&` as `\u` escapes, so a title
/// with `</script>` cannot end the element; the result is still the same JSON.
pub fn script_safe_json(value: &Value) -> String {
    let text = value.to_string();
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c => out.push(c),
        }
    }
    out
}

fn publisher(site: &Site, lang: Lang, urls: &Urls<'_>) -> Value {
    json!({
        "@type": "Organization",
        "name": site.config.title(lang),
        "url": urls.permalink(&format!("/{lang}/")),
    })
}

/// `NewsArticle` for an article; `None` for standalone pages.
pub fn article_json_ld(site: &Site, page: &Page, urls: &Urls<'_>) -> Option<String> {
    if page.kind != PageKind::Article {
        return None;
    }
    let meta = &page.doc.meta;
    let lang = page.lang();
    let permalink = urls.permalink(&page.url);
    let zone = site.config.timezone;
    let published = meta.date.as_ref().map(|d| d.rfc3339(zone));
    let modified = meta
        .updated
        .as_ref()
        .map(|d| d.rfc3339(zone))
        .or_else(|| published.clone());
    let author = match &meta.author {
        Some(name) => json!({ "@type": "Person", "name": name }),
        None => publisher(site, lang, urls),
    };
    let mut value = json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": page.title(),
        "description": page.doc.summary,
        "inLanguage": lang.tag(),
        "url": permalink,
        "mainEntityOfPage": permalink,
        "author": author,
        "publisher": publisher(site, lang, urls),
    });
    if let Some(map) = value.as_object_mut() {
        if let Some(p) = published {
            map.insert("datePublished".into(), Value::String(p));
        }
        if let Some(m) = modified {
            map.insert("dateModified".into(), Value::String(m));
        }
        if let Some(img) = shared_image(site, page, urls) {
            map.insert("image".into(), json!([img.url]));
        }
    }
    Some(script_safe_json(&value))
}

/// `WebSite` for a language home.
pub fn website_json_ld(site: &Site, lang: Lang, urls: &Urls<'_>) -> String {
    let value = json!({
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": site.config.title(lang),
        "description": site.config.description(lang),
        "inLanguage": lang.tag(),
        "url": urls.permalink(&format!("/{lang}/")),
        "publisher": publisher(site, lang, urls),
    });
    script_safe_json(&value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_safe_json_round_trips() {
        let value = json!({ "headline": "«Ақ» \"quoted\" </script><!-- & more" });
        let text = script_safe_json(&value);
        assert!(!text.contains("</script>"));
        assert!(!text.contains('<'));
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
    }
}
