//! Internal links: finding them in Markdown (with line numbers) and in rendered HTML,
//! resolving them to a path of the built site, and checking that the path and its anchor
//! exist.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use pulldown_cmark::{Event, Options, Parser, Tag};
use rayon::prelude::*;

use crate::content::markdown::split_content_link;
use crate::content::read_body;
use crate::diag::{line_col, Diagnostic, Diagnostics};
use crate::lang::Lang;
use crate::render::Renderer;
use crate::site::Site;

/// A link found in a Markdown body: destination and 1-based position in the body.
pub struct SourceLink {
    pub dest: String,
    pub line: usize,
    pub col: usize,
    pub is_image: bool,
}

pub fn markdown_links(body: &str) -> Vec<SourceLink> {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let mut links = Vec::new();
    for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
        let (dest, is_image) = match event {
            Event::Start(Tag::Link { dest_url, .. }) => (dest_url, false),
            Event::Start(Tag::Image { dest_url, .. }) => (dest_url, true),
            _ => continue,
        };
        let (line, col) = line_col(body, range.start);
        links.push(SourceLink {
            dest: dest.to_string(),
            line,
            col,
            is_image,
        });
    }
    links
}

/// `href` and `src` values and `id`s of an HTML page.
pub fn html_links_and_ids(html: &str) -> (Vec<String>, Vec<String>) {
    let values = |attr: &str| -> Vec<String> {
        let mut out = Vec::new();
        for (i, _) in html.match_indices(attr) {
            // Only whole attributes: preceded by whitespace.
            if !html[..i].ends_with(char::is_whitespace) {
                continue;
            }
            let rest = &html[i + attr.len()..];
            if let Some(end) = rest.find('"') {
                out.push(rest[..end].replace("&amp;", "&"));
            }
        }
        out
    };
    let mut links = values("href=\"");
    links.extend(values("src=\""));
    (links, values("id=\""))
}

/// Where an internal link points: a path of the built site (`/kk/news/x/`, `/style.css`)
/// and a fragment. `None` for external links, `mailto:` and the like.
#[derive(Debug, PartialEq, Eq)]
pub struct Target {
    pub path: String,
    pub fragment: Option<String>,
}

pub fn resolve(link: &str, page_url: &str, base_url: &str, base_path: &str) -> Option<Target> {
    let link = link.trim();
    let local = if let Some(rest) = link.strip_prefix(base_url) {
        format!("{base_path}{rest}")
    } else if link.contains(':') && !link.starts_with('/') && !link.starts_with('#') {
        // A scheme (https:, mailto:, data:): outside the site. A colon later in a relative
        // path is rare enough in a portal to treat the same.
        return None;
    } else if link.starts_with("//") {
        return None;
    } else {
        link.to_string()
    };
    let (without_fragment, fragment) = match local.split_once('#') {
        Some((p, f)) => (p.to_string(), Some(f.to_string()).filter(|f| !f.is_empty())),
        None => (local, None),
    };
    let without_query = without_fragment
        .split('?')
        .next()
        .unwrap_or_default()
        .to_string();
    let absolute = if without_query.is_empty() {
        page_url.to_string()
    } else if without_query.starts_with('/') {
        match without_query.strip_prefix(base_path) {
            Some(rest) if rest.starts_with('/') => rest.to_string(),
            _ if base_path.is_empty() => without_query,
            // A root-relative link that misses the base path leaves the site.
            _ => format!("/../{}", without_query.trim_start_matches('/')),
        }
    } else {
        let dir = &page_url[..page_url.rfind('/').map_or(0, |i| i + 1)];
        format!("{dir}{without_query}")
    };
    let decoded = percent_encoding::percent_decode_str(&absolute)
        .decode_utf8_lossy()
        .into_owned();
    Some(Target {
        path: normalize(&decoded),
        fragment,
    })
}

/// Where an `@/` link leads: the URL of the content file `path` of `lang`, with the
/// fragment of `suffix` (`#part`). `None` when the site lacks the file, which assembling
/// the site already reported.
fn content_target(site: &Site, lang: Lang, path: &str, suffix: &str) -> Option<Target> {
    let fragment = suffix
        .split_once('#')
        .map(|(_, f)| f.to_string())
        .filter(|f| !f.is_empty());
    Some(Target {
        path: site.content_url(lang, path)?,
        fragment,
    })
}

/// Resolves `.` and `..` segments; keeps a trailing slash.
fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return "/..".to_string();
                }
            }
            p => parts.push(p),
        }
    }
    let mut out = format!("/{}", parts.join("/"));
    if path.ends_with('/') && out != "/" {
        out.push('/');
    }
    out
}

/// Every path the built site has: outputs (`/kk/news/x/`, `/kk/atom.xml`) and static files.
pub(super) fn known_paths(root: &Path, site: &Site) -> Result<BTreeSet<String>, Diagnostics> {
    let mut known: BTreeSet<String> = site.outputs.iter().map(|o| o.url.clone()).collect();
    for output in &site.outputs {
        known.insert(format!("/{}", output.file_path()));
    }
    for rel in crate::output::discover_static(root, &site.config.theme)?.keys() {
        known.insert(format!("/{rel}"));
    }
    // Bundle files and photo variants.
    for rel in site.photos.files.keys() {
        known.insert(format!("/{rel}"));
    }
    Ok(known)
}

/// Links of one rendered output, and the ids its page has.
struct Rendered {
    links: Vec<String>,
    ids: BTreeSet<String>,
}

pub(super) fn check_links(root: &Path, site: &Site, renderer: &Renderer) -> Diagnostics {
    let known = match known_paths(root, site) {
        Ok(k) => k,
        Err(d) => return d,
    };
    let (base_url, base_path) = (&site.config.base_url, &site.config.base_path);
    // Render every HTML output in memory (nothing is written) for its links and anchors.
    let rendered: Vec<Result<Option<Rendered>, Diagnostic>> = site
        .outputs
        .par_iter()
        .map(|output| {
            if crate::render::template_name(&output.kind).is_none() {
                return Ok(None);
            }
            let html = renderer.render(site, output)?;
            let (links, ids) = html_links_and_ids(&html);
            Ok(Some(Rendered {
                links,
                ids: ids.into_iter().collect(),
            }))
        })
        .collect();
    let mut diags = Diagnostics::new();
    let mut pages: HashMap<&str, Rendered> = HashMap::new();
    for (output, r) in site.outputs.iter().zip(rendered) {
        match r {
            Ok(Some(r)) => {
                pages.insert(output.url.as_str(), r);
            }
            Ok(None) => {}
            Err(d) => diags.push(d),
        }
    }
    let exists = |t: &Target| -> Result<(), String> {
        let path_known =
            known.contains(&t.path) || known.contains(&format!("{}index.html", t.path));
        if !path_known {
            return Err(format!("{} does not exist in the built site", t.path));
        }
        if let Some(fragment) = &t.fragment {
            let has_anchor = pages
                .get(t.path.as_str())
                .is_none_or(|p| p.ids.contains(fragment));
            if !has_anchor {
                return Err(format!("{} has no anchor #{fragment}", t.path));
            }
        }
        Ok(())
    };
    // Links written in Markdown, reported at their line.
    let body_links: Vec<(usize, Vec<Diagnostic>, BTreeSet<String>)> = site
        .pages
        .par_iter()
        .enumerate()
        .map(|(i, page)| {
            let mut found = Vec::new();
            let mut targets = BTreeSet::new();
            let body = match read_body(root, &page.doc) {
                Ok(b) => b,
                Err(d) => return (i, vec![d], targets),
            };
            let first_body_line = page.doc.body_line;

            for link in markdown_links(&body) {
                // A bundle's file: resolved (or refused) when the site was loaded.
                if site
                    .photos
                    .is_bundled(&page.doc.source, &link.dest, link.is_image)
                {
                    continue;
                }
                let target = match split_content_link(&link.dest) {
                    Some((path, suffix)) => content_target(site, page.lang(), &path, suffix),
                    None => resolve(&link.dest, &page.url, base_url, base_path),
                };
                let Some(target) = target else {
                    continue;
                };
                targets.insert(target.path.clone());
                if let Err(problem) = exists(&target) {
                    let what = if link.is_image { "image" } else { "link" };
                    found.push(
                        Diagnostic::error(
                            &page.doc.source,
                            format!("{what} {}: {problem}", link.dest),
                        )
                        .at(first_body_line + link.line - 1, link.col)
                        .with_code("broken-link"),
                    );
                }
            }
            (i, found, targets)
        })
        .collect();
    let mut body_targets: HashMap<&str, BTreeSet<String>> = HashMap::new();
    for (i, found, targets) in body_links {
        diags.0.extend(found);
        body_targets.insert(site.pages[i].url.as_str(), targets);
    }
    // Front-matter images are reported with their page (`missing-image`), not again on
    // every list that shows the card.
    let images: BTreeSet<String> = site
        .pages
        .iter()
        .filter_map(|p| {
            let image = p.doc.meta.image.as_ref()?;
            resolve(&image.src, &p.url, base_url, base_path).map(|t| t.path)
        })
        .collect();
    // Links the templates produced, reported once per template and link.
    let mut reported: BTreeSet<(String, String)> = BTreeSet::new();
    for output in &site.outputs {
        let Some(page) = pages.get(output.url.as_str()) else {
            continue;
        };
        let from_body = body_targets.get(output.url.as_str());
        for link in &page.links {
            let Some(target) = resolve(link, &output.url, base_url, base_path) else {
                continue;
            };
            if from_body.is_some_and(|b| b.contains(&target.path)) || images.contains(&target.path)
            {
                continue;
            }
            if let Err(problem) = exists(&target) {
                let template = renderer
                    .template_file(site, &output.kind)
                    .unwrap_or_default();
                if reported.insert((template.clone(), link.clone())) {
                    diags.push(
                        Diagnostic::error(
                            template,
                            format!("link {link} on {}: {problem}", output.url),
                        )
                        .with_code("broken-link"),
                    );
                }
            }
        }
    }
    diags
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(link: &str) -> Option<Target> {
        resolve(link, "/kk/news/x/", "https://e.kz", "")
    }

    #[test]
    fn resolves_internal_links() {
        assert_eq!(r("/kk/news/").unwrap().path, "/kk/news/");
        assert_eq!(r("../y/").unwrap().path, "/kk/news/y/");
        assert_eq!(r("img.png").unwrap().path, "/kk/news/x/img.png");
        assert_eq!(
            r("https://e.kz/kk/#top").unwrap(),
            Target {
                path: "/kk/".into(),
                fragment: Some("top".into())
            }
        );
        assert_eq!(
            r("#part").unwrap(),
            Target {
                path: "/kk/news/x/".into(),
                fragment: Some("part".into())
            }
        );
        assert!(r("https://other.kz/").is_none());
        assert!(r("mailto:a@b.kz").is_none());
        assert!(r("//cdn.kz/x").is_none());
        let sub = resolve("/sub/kk/", "/kk/", "https://e.kz/sub", "/sub").unwrap();
        assert_eq!(sub.path, "/kk/");
    }

    #[test]
    fn finds_markdown_links_with_lines() {
        let links = markdown_links("Intro\n\nSee [this](/kk/x/) and ![a](i.png).\n");
        assert_eq!(links.len(), 2);
        assert_eq!(
            (links[0].dest.as_str(), links[0].line, links[0].col),
            ("/kk/x/", 3, 5)
        );
        assert!(links[1].is_image);
    }

    #[test]
    fn finds_attributes_in_html() {
        let (links, ids) = html_links_and_ids(
            "<a href=\"/a/\"><h2 id=\"x\">t</h2><img src=\"/i.png\"><div data-href=\"no\">",
        );
        assert_eq!(links, ["/a/", "/i.png"]);
        assert_eq!(ids, ["x"]);
    }
}
