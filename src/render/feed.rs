//! Atom feeds: the newest articles of a language or a term, with full content.

use crate::content::date::rfc3339;
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
        let zone = config.timezone;
        let mut entries = Vec::new();
        // The feed's own `updated`: its newest entry's, compared as moments (the entries'
        // offsets may differ).
        let mut newest: Option<chrono::DateTime<chrono::FixedOffset>> = None;
        for id in xml::feed_pages(site, &output.kind) {
            let page = site.page(id);
            let meta = &page.doc.meta;
            let published_at = meta
                .date
                .as_ref()
                .or(meta.updated.as_ref())
                .map(|d| d.instant(zone));
            let updated_at = meta
                .updated
                .as_ref()
                .map(|d| d.instant(zone))
                .or(published_at);
            if updated_at > newest {
                newest = updated_at;
            }
            let published = published_at.as_ref().map(rfc3339).unwrap_or_default();
            let updated = updated_at.as_ref().map(rfc3339).unwrap_or_default();
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
                    &self.body_html(
                        &page.doc,
                        &super::content_urls(site, &page.doc)?,
                        &serde_json::json!({
                            "title": page.title(),
                            "url": urls.link(&page.url),
                            "permalink": urls.permalink(&page.url),
                        }),
                        &site.photos,
                    )?,
                    origin,
                ),
                categories,
                image: super::metadata::shared_image(site, page, urls).map(|i| (i.url, i.mime)),
            });
        }
        let updated = newest
            .as_ref()
            .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), rfc3339);
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
            lang: lang.tag(),
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
