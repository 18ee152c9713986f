//! Atom feeds: the newest articles of a language or a term, with full content.

use crate::diag::Diagnostic;
use crate::site::{Output, OutputKind, Site};

use super::views::{term_links, Urls};
use super::{xml, Renderer};

impl Renderer {
    pub(super) fn render_feed(
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
                content: xml::absolutize_links(
                    &self.body_html(&page.doc, &super::content_urls(site, &page.doc)?)?,
                    origin,
                ),
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
}
