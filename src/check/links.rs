//! Internal links: finding them in Markdown (with line numbers) and in rendered HTML, and
//! resolving them to a path of the built site.

use pulldown_cmark::{Event, Options, Parser, Tag};

use crate::diag::line_col;

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
