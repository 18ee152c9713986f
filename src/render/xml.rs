//! The XML and text outputs: Atom feeds, the sitemap (with `xhtml:link` alternates, split
//! into an index above 50,000 URLs) and robots.txt. Written by hand with one escaping
//! function; validated against the Atom RELAX NG and sitemap XSD schemas in CI.

use std::fmt::Write;

use crate::site::{OutputKind, PageId, Site, SITEMAP_LIMIT};

use super::views::Urls;

/// Escapes text for XML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

/// `escape`, appended to `out`. Most text (every URL of a sitemap) needs no escaping: it is
/// copied at once.
pub fn escape_into(out: &mut String, text: &str) {
    // U+FFFE and U+FFFF start with 0xEF in UTF-8; control characters are below 0x20.
    let plain = !text
        .bytes()
        .any(|b| matches!(b, b'&' | b'<' | b'>' | b'"' | b'\'' | 0xEF) || b < 0x20);
    if plain {
        out.push_str(text);
        return;
    }
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters other than tab and newlines, U+FFFE and U+FFFF are not
            // allowed in XML 1.0.
            c if crate::chars::is_forbidden(c) => {}
            c => out.push(c),
        }
    }
}

/// Makes the root-relative links of rendered HTML absolute, as feed readers need.
pub fn absolutize_links(html: &str, origin: &str) -> String {
    let mut out = String::with_capacity(html.len() + 256);
    let mut rest = html;
    // One pass over `="/`: the attribute name before it decides.
    while let Some(i) = rest.find("=\"/") {
        let (head, tail) = rest.split_at(i + 2);
        out.push_str(head);
        if head.ends_with("href=\"") || head.ends_with("src=\"") {
            out.push_str(origin);
        }
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// One feed entry, prepared by the renderer.
pub struct FeedEntry {
    pub title: String,
    pub permalink: String,
    pub published: String,
    pub updated: String,
    pub author: String,
    pub summary: String,
    /// Rendered body HTML with absolute links.
    pub content: String,
    pub categories: Vec<(String, String)>,
    /// The lead image: absolute URL and, for a photo of the site, its MIME type (an
    /// `enclosure` link).
    pub image: Option<(String, Option<&'static str>)>,
}

/// The feed itself: `self_url` is the feed's own permalink, `alternate` the page it mirrors.
pub struct FeedHead<'a> {
    pub lang: &'a str,
    pub title: &'a str,
    pub subtitle: &'a str,
    pub self_url: &'a str,
    pub alternate: &'a str,
    pub updated: &'a str,
    pub author: &'a str,
}

pub fn atom_feed(head: &FeedHead<'_>, entries: &[FeedEntry]) -> String {
    let mut xml = String::with_capacity(2048 + entries.len() * 4096);
    let _ = write!(
        xml,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{lang}\">\n  <title>{title}</title>\n",
        lang = escape(head.lang),
        title = escape(head.title)
    );
    if !head.subtitle.is_empty() {
        let _ = writeln!(xml, "  <subtitle>{}</subtitle>", escape(head.subtitle));
    }
    let _ = write!(
        xml,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{self_url}\"/>\n  <link rel=\"alternate\" type=\"text/html\" href=\"{alt}\"/>\n  <id>{self_url}</id>\n  <updated>{updated}</updated>\n  <author><name>{author}</name></author>\n  <generator version=\"{version}\">qostil</generator>\n",
        self_url = escape(head.self_url),
        alt = escape(head.alternate),
        updated = escape(head.updated),
        author = escape(head.author),
        version = env!("CARGO_PKG_VERSION"),
    );
    for e in entries {
        let _ = write!(
            xml,
            "  <entry>\n    <title>{title}</title>\n    <link rel=\"alternate\" type=\"text/html\" href=\"{link}\"/>\n    <id>{link}</id>\n    <published>{published}</published>\n    <updated>{updated}</updated>\n    <author><name>{author}</name></author>\n",
            title = escape(&e.title),
            link = escape(&e.permalink),
            published = escape(&e.published),
            updated = escape(&e.updated),
            author = escape(&e.author),
        );
        if let Some((url, mime)) = &e.image {
            let kind = mime.map(|m| format!(" type=\"{m}\"")).unwrap_or_default();
            let _ = writeln!(
                xml,
                "    <link rel=\"enclosure\"{kind} href=\"{}\"/>",
                escape(url)
            );
        }
        for (term, label) in &e.categories {
            let _ = writeln!(
                xml,
                "    <category term=\"{}\" label=\"{}\"/>",
                escape(term),
                escape(label)
            );
        }
        let _ = write!(
            xml,
            "    <summary>{summary}</summary>\n    <content type=\"html\">{content}</content>\n  </entry>\n",
            summary = escape(&e.summary),
            content = escape(&e.content),
        );
    }
    xml.push_str("</feed>\n");
    xml
}

/// The pages a sitemap lists, in output order.
fn listed_outputs(site: &Site) -> impl Iterator<Item = &crate::site::Output> {
    site.outputs.iter().filter(|o| o.kind.is_listed_page())
}

/// `lastmod` of an output: a page's `updated` or `date`.
fn lastmod(site: &Site, kind: &OutputKind) -> Option<String> {
    match kind {
        OutputKind::Page(id) => {
            let meta = &site.page(*id).doc.meta;
            meta.updated
                .as_ref()
                .or(meta.date.as_ref())
                .map(|d| d.rfc3339(site.config.timezone))
        }
        _ => None,
    }
}

fn sitemap_urlset(site: &Site, urls: &Urls<'_>, skip: usize, take: usize) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    for output in listed_outputs(site).skip(skip).take(take) {
        xml.push_str("  <url>\n    <loc>");
        escape_into(&mut xml, &urls.permalink(&output.url));
        xml.push_str("</loc>\n");
        if let Some(date) = lastmod(site, &output.kind) {
            xml.push_str("    <lastmod>");
            escape_into(&mut xml, &date);
            xml.push_str("</lastmod>\n");
        }
        let alternates = site.alternates(&output.kind);
        let existing: Vec<_> = alternates.iter().filter(|a| a.exists).collect();
        if existing.len() > 1 || matches!(output.kind, OutputKind::Chooser) {
            let mut link = |hreflang: &str, url: &str| {
                xml.push_str("    <xhtml:link rel=\"alternate\" hreflang=\"");
                xml.push_str(hreflang);
                xml.push_str("\" href=\"");
                escape_into(&mut xml, &urls.permalink(url));
                xml.push_str("\"/>\n");
            };
            for alt in &existing {
                link(alt.lang.tag(), &alt.url);
            }
            // The homes name the chooser, as their pages do (`render::context`).
            let default = match output.kind {
                OutputKind::Chooser | OutputKind::Home(_) => "/",
                _ => existing
                    .iter()
                    .find(|a| a.lang == site.config.default_language)
                    .map_or(output.url.as_str(), |a| a.url.as_str()),
            };
            link("x-default", default);
        }
        xml.push_str("  </url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

/// `/sitemap.xml`: the URL set, or the index of the parts when there are too many URLs.
pub fn sitemap(site: &Site, urls: &Urls<'_>) -> String {
    let count = listed_outputs(site).count();
    if count <= SITEMAP_LIMIT {
        return sitemap_urlset(site, urls, 0, SITEMAP_LIMIT);
    }
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for n in 1..=count.div_ceil(SITEMAP_LIMIT) {
        let _ = write!(
            xml,
            "  <sitemap>\n    <loc>{}</loc>\n  </sitemap>\n",
            escape(&urls.permalink(&format!("/sitemap-{n}.xml")))
        );
    }
    xml.push_str("</sitemapindex>\n");
    xml
}

/// `/sitemap-N.xml`.
pub fn sitemap_part(site: &Site, urls: &Urls<'_>, n: usize) -> String {
    sitemap_urlset(site, urls, (n - 1) * SITEMAP_LIMIT, SITEMAP_LIMIT)
}

pub fn robots(urls: &Urls<'_>) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        urls.permalink("/sitemap.xml")
    )
}

/// The articles a feed lists: the language's newest, or a term's.
pub fn feed_pages(site: &Site, kind: &OutputKind) -> Vec<PageId> {
    let limit = site.config.feed_limit;
    match kind {
        OutputKind::Feed { lang, term: None } => site
            .latest
            .get(lang)
            .map_or_else(Vec::new, |l| l.iter().take(limit).copied().collect()),
        OutputKind::Feed {
            term: Some((t, term)),
            ..
        } => site.taxonomies[*t].terms[term.0]
            .pages
            .iter()
            .take(limit)
            .copied()
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolutizes_root_relative_href_and_src_only() {
        let html = r#"<a href="/kk/x/">a</a><img src="/i.png"><a href="https://e.kz/">b</a><p data-x="/y">"#;
        assert_eq!(
            absolutize_links(html, "https://site.kz"),
            r#"<a href="https://site.kz/kk/x/">a</a><img src="https://site.kz/i.png"><a href="https://e.kz/">b</a><p data-x="/y">"#
        );
        assert_eq!(absolutize_links("", "https://site.kz"), "");
    }

    #[test]
    fn escapes_markup_and_drops_control_characters() {
        assert_eq!(escape("a<b>&\"c'\u{1}"), "a&lt;b&gt;&amp;&quot;c&apos;");
        assert_eq!(escape("x\u{0}\u{FFFE}y\u{FFFF}\tz"), "xy\tz");
    }

    #[test]
    fn absolute_links() {
        assert_eq!(
            absolutize_links("<a href=\"/kk/x/\"><img src=\"/i.png\"></a><a href=\"http://a\">", "https://e.kz"),
            "<a href=\"https://e.kz/kk/x/\"><img src=\"https://e.kz/i.png\"></a><a href=\"http://a\">"
        );
    }
}
