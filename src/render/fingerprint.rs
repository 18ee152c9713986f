//! Fingerprints: a hash of everything an output's bytes depend on — its template and the
//! templates that one extends, imports or includes, the UI strings and configuration, its
//! context, and the source of any body it shows. Equal fingerprints mean equal output, which
//! lets a build reuse the previous file and `serve` re-render only what changed.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::Hasher;
use std::io;

use xxhash_rust::xxh3::Xxh3;

use crate::site::{Output, OutputKind, Site};

use super::context::Prepared;
use super::{xml, Renderer};

/// Feeds serde_json's writer straight into the hash, without building the JSON text.
struct HashWriter<'a>(&'a mut Xxh3);

impl io::Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

pub fn hash_bytes(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// Names of the templates a template pulls in with `extends`, `import` or `include`.
fn referenced_templates(source: &str) -> Vec<String> {
    let mut names = Vec::new();
    for keyword in ["extends", "import", "include"] {
        for (i, _) in source.match_indices(keyword) {
            let rest = source[i + keyword.len()..].trim_start();
            let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
                continue;
            };
            if let Some(end) = rest[1..].find(quote) {
                names.push(rest[1..1 + end].to_string());
            }
        }
    }
    names
}

/// Per template: a hash of its source and of every template it depends on, transitively.
pub fn template_hashes(sources: &BTreeMap<String, String>) -> BTreeMap<String, u64> {
    let direct: BTreeMap<&str, Vec<String>> = sources
        .iter()
        .map(|(name, text)| (name.as_str(), referenced_templates(text)))
        .collect();
    let mut hashes = BTreeMap::new();
    for name in sources.keys() {
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        let mut stack = vec![name.as_str()];
        while let Some(n) = stack.pop() {
            if !seen.insert(n) {
                continue;
            }
            for dep in direct.get(n).into_iter().flatten() {
                if let Some((key, _)) = sources.get_key_value(dep.as_str()) {
                    stack.push(key.as_str());
                }
            }
        }
        let mut hasher = Xxh3::new();
        for n in seen {
            hasher.update(n.as_bytes());
            hasher.update(sources[n].as_bytes());
        }
        hashes.insert(name.clone(), hasher.digest());
    }
    hashes
}

/// A hash of everything in the site that one page can show of another: every page's source,
/// front matter and summary, and every section's own `_index.md` whole. Only page bodies are
/// left out, and a page's body appears on its own page alone (feeds are fingerprinted from
/// their entries' files). So while this key stays the same, an output whose template and
/// configuration did not change can only change if it is the page of an edited body — which
/// lets a rebuild skip preparing and fingerprinting every other output (see `quick_key`).
pub fn site_key(site: &Site) -> u64 {
    let mut hasher = Xxh3::new();
    hasher.write_usize(site.pages.len());
    for page in &site.pages {
        hasher.update(page.doc.source.as_bytes());
        hasher.write_u64(page.doc.meta_hash);
        hasher.update(page.doc.summary.as_bytes());
        hasher.write_u8(0xff);
    }
    hasher.write_usize(site.sections.len());
    for section in &site.sections {
        if let Some(index) = &section.index {
            hasher.update(index.source.as_bytes());
            hasher.write_u64(index.content_hash);
        }
        hasher.write_u8(0xfe);
    }
    // Photos show on cards and pages (sizes, variants, bundle URLs).
    hasher.write_u64(site.photos.key);
    hasher.digest()
}

/// The URLs a body's `@/` links became: the body's HTML changes with them (a linked page's
/// slug), not only with its own file.
fn hash_content_urls(hasher: &mut Xxh3, links: &super::ContentUrls) {
    for (path, url) in links {
        hasher.update(path.as_bytes());
        hasher.write_u8(0);
        hasher.update(url.as_bytes());
        hasher.write_u8(0xff);
    }
}

impl Renderer {
    /// The templates of the shortcodes a body calls: its HTML changes with them. A shortcode
    /// without a template counts too (its name), so that adding the template changes it.
    fn hash_shortcodes(&self, hasher: &mut Xxh3, doc: &crate::content::Document) {
        for name in &doc.shortcodes {
            hasher.update(name.as_bytes());
            let template = super::templates::shortcode_template(name);
            hasher.write_u64(self.template_hashes.get(&template).copied().unwrap_or(0));
        }
    }

    /// A cheap stand-in for an output's fingerprint, computed without preparing its
    /// context: equal keys mean equal inputs (see `site_key`). `None` for feeds, which are
    /// checked by their fingerprint.
    pub fn quick_key(&self, site: &Site, site_key: u64, output: &Output) -> Option<u64> {
        let maker = match &output.kind {
            // Made by qostil's own code from the site's structure and configuration; the
            // list of outputs also depends on the theme (a search page needs its template).
            OutputKind::Sitemap | OutputKind::SitemapPart(_) | OutputKind::Robots => {
                let mut hasher = Xxh3::new();
                hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
                for output in &site.outputs {
                    hasher.update(output.url.as_bytes());
                    hasher.write_u8(0xff);
                }
                hasher.digest()
            }
            kind => {
                let template = super::chosen_template(site, kind)?;
                let hash = self.template_hashes.get(template).copied().unwrap_or(0);
                // A chosen template that does not exist yet: its name, so that adding it
                // changes the key.
                hash ^ hash_bytes(template.as_bytes())
            }
        };
        let mut hasher = Xxh3::new();
        hasher.write_u64(self.global_hash);
        hasher.write_u64(maker);
        hasher.write_u64(site_key);
        // The URL names the output as well as its file does, without building a path.
        hasher.update(output.url.as_bytes());
        match &output.kind {
            OutputKind::Page(id) => {
                let doc = &site.page(*id).doc;
                hasher.write_u64(doc.content_hash);
                self.hash_shortcodes(&mut hasher, doc);
            }
            // A section's text is in `site_key`; the shortcodes it calls are not.
            OutputKind::Home(lang) => {
                if let Some(doc) = site.home(*lang).and_then(|s| s.index.as_ref()) {
                    self.hash_shortcodes(&mut hasher, doc);
                }
            }
            OutputKind::SectionList { section, .. } => {
                if let Some(doc) = &site.section(*section).index {
                    self.hash_shortcodes(&mut hasher, doc);
                }
            }
            _ => {}
        }
        Some(hasher.digest())
    }

    /// The fingerprint of a templated output from its prepared context.
    pub fn fingerprint_prepared(&self, prepared: &Prepared<'_>) -> u64 {
        let mut hasher = Xxh3::new();
        hasher.write_u64(self.global_hash);
        hasher.write_u64(
            self.template_hashes
                .get(prepared.template)
                .copied()
                .unwrap_or(0),
        );
        let _ = serde_json::to_writer(HashWriter(&mut hasher), &prepared.map.0);
        if let Some(slot) = &prepared.body {
            hasher.write_u64(slot.doc.content_hash);
            hash_content_urls(&mut hasher, &slot.links);
            hasher.write_u64(slot.photos.key);
            self.hash_shortcodes(&mut hasher, slot.doc);
        }
        hasher.digest()
    }

    /// The fingerprint of a feed: its entries' source files decide everything it shows.
    pub fn fingerprint_feed(&self, site: &Site, output: &Output) -> u64 {
        let mut hasher = Xxh3::new();
        hasher.write_u64(self.global_hash);
        hasher.update(output.url.as_bytes());
        for id in xml::feed_pages(site, &output.kind) {
            let page = site.page(id);
            hasher.update(page.url.as_bytes());
            hasher.write_u64(page.doc.content_hash);
            hasher.write_u64(site.photos.key);
            self.hash_shortcodes(&mut hasher, &page.doc);
            // A link the site cannot resolve fails the feed's rendering, which follows.
            if let Ok(links) = super::content_urls(site, &page.doc) {
                hash_content_urls(&mut hasher, &links);
            }
        }
        hasher.digest()
    }

    /// Renders `output` unless its fingerprint equals `previous`. Returns the fingerprint
    /// (`None` for outputs that are always rendered) and the text when it was rendered.
    pub fn render_changed(
        &self,
        site: &Site,
        output: &Output,
        previous: Option<u64>,
    ) -> Result<(Option<u64>, Option<Vec<u8>>), crate::diag::Diagnostic> {
        match &output.kind {
            OutputKind::Sitemap | OutputKind::SitemapPart(_) | OutputKind::Robots => {
                Ok((None, Some(self.render_bytes(site, output)?)))
            }
            OutputKind::Feed { .. } => {
                let fingerprint = self.fingerprint_feed(site, output);
                if previous == Some(fingerprint) {
                    return Ok((Some(fingerprint), None));
                }
                Ok((Some(fingerprint), Some(self.render_bytes(site, output)?)))
            }
            _ => {
                let prepared = self.prepare(site, output)?;
                let fingerprint = self.fingerprint_prepared(&prepared);
                if previous == Some(fingerprint) {
                    return Ok((Some(fingerprint), None));
                }
                Ok((
                    Some(fingerprint),
                    Some(self.render_prepared(prepared, output)?),
                ))
            }
        }
    }

    /// `None` for outputs cheap enough to write every time (sitemap, robots.txt).
    pub fn fingerprint(&self, site: &Site, output: &Output) -> Option<u64> {
        match &output.kind {
            OutputKind::Feed { .. } => Some(self.fingerprint_feed(site, output)),
            OutputKind::Sitemap | OutputKind::SitemapPart(_) | OutputKind::Robots => None,
            _ => self
                .prepare(site, output)
                .ok()
                .map(|p| self.fingerprint_prepared(&p)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_extends_imports_and_includes() {
        let src = "{% extends \"base.html\" %}{% import 'macros.html' as m %}{%- include \"nav.html\" -%}";
        assert_eq!(
            referenced_templates(src),
            ["base.html", "macros.html", "nav.html"]
        );
    }

    #[test]
    fn a_parent_change_changes_the_child_hash_only_where_used() {
        let mut sources = BTreeMap::new();
        sources.insert("base.html".to_string(), "A".to_string());
        sources.insert(
            "page.html".to_string(),
            "{% extends \"base.html\" %}".to_string(),
        );
        sources.insert("alone.html".to_string(), "x".to_string());
        let before = template_hashes(&sources);
        sources.insert("base.html".to_string(), "B".to_string());
        let after = template_hashes(&sources);
        assert_ne!(before["page.html"], after["page.html"]);
        assert_eq!(before["alone.html"], after["alone.html"]);
    }
}
