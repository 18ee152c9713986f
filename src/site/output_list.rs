//! The list of outputs: every templated file the site produces (chooser, 404, homes, list
//! pages with their pagination, pages and their aliases, taxonomy pages, feeds, search,
//! sitemaps and robots.txt), checked for colliding paths.

use std::collections::BTreeMap;

use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::Lang;

use super::collisions::{check_output_paths, AliasNote};
use super::{Output, OutputKind, PageId, Section, SectionId, Site, SITEMAP_LIMIT};

/// Every templated output of the site; two outputs with one URL are an error naming both
/// sources.
pub(super) fn assemble_outputs(
    site: &Site,
    statics: &BTreeMap<String, String>,
    diags: &mut Diagnostics,
) -> Vec<Output> {
    let mut outputs = Vec::new();
    let mut aliases = BTreeMap::new();
    let mut push = |url: String, kind: OutputKind, source: &str| {
        outputs.push(Output {
            url,
            kind,
            source: source.to_string(),
        });
        outputs.len() - 1
    };
    push("/".into(), OutputKind::Chooser, crate::config::CONFIG_FILE);
    push(
        "/404.html".into(),
        OutputKind::NotFound,
        crate::config::CONFIG_FILE,
    );
    for (i, section) in site.sections.iter().enumerate() {
        let source = section_source(section);
        if section.is_home() {
            push(section.url.clone(), OutputKind::Home(section.lang), &source);
            continue;
        }
        let id = SectionId(i);
        paginated_outputs(
            section.page_count(),
            &section.url,
            section.lang,
            &source,
            &mut push,
            |n| OutputKind::SectionList {
                section: id,
                page_no: n,
            },
        );
    }
    for (i, page) in site.pages.iter().enumerate() {
        push(
            page.url.clone(),
            OutputKind::Page(PageId(i)),
            &page.doc.source,
        );
        for alias in &page.doc.meta.aliases {
            let position = page.doc.meta.position("aliases");
            let url = match normalize_alias(alias) {
                Ok(url) => url,
                Err(message) => {
                    diags.push(
                        Diagnostic::error(&page.doc.source, format!("aliases: {message}"))
                            .at_opt(position),
                    );
                    continue;
                }
            };
            let index = push(
                url,
                OutputKind::Redirect {
                    lang: page.lang(),
                    to: page.url.clone(),
                    target: Box::new(OutputKind::Page(PageId(i))),
                },
                &page.doc.source,
            );
            aliases.insert(
                index,
                AliasNote {
                    written: alias.clone(),
                    position,
                },
            );
        }
    }
    for (t, taxonomy) in site.taxonomies.iter().enumerate() {
        let source = crate::config::CONFIG_FILE;
        push(
            taxonomy.url.clone(),
            OutputKind::TaxonomyIndex { taxonomy: t },
            source,
        );
        for (i, term) in taxonomy.terms.iter().enumerate() {
            let source = term
                .pages
                .first()
                .map_or(source.to_string(), |p| site.page(*p).doc.source.clone());
            let count = term.pages.len().div_ceil(site.config.paginate_by).max(1);
            paginated_outputs(count, &term.url, taxonomy.lang, &source, &mut push, |n| {
                OutputKind::TermList {
                    taxonomy: t,
                    term: super::TermId(i),
                    page_no: n,
                }
            });
        }
    }
    push_feeds_and_sitemaps(site, &mut outputs);
    check_output_paths(site, &outputs, &aliases, statics, diags);
    outputs
}

/// Atom feeds per language and per term, the sitemap (split above `SITEMAP_LIMIT` URLs) and
/// robots.txt.
fn push_feeds_and_sitemaps(site: &Site, outputs: &mut Vec<Output>) {
    let config_file = crate::config::CONFIG_FILE.to_string();
    let mut feeds = Vec::new();
    for &lang in &site.config.languages {
        feeds.push(Output {
            url: format!("/{lang}/atom.xml"),
            kind: OutputKind::Feed { lang, term: None },
            source: config_file.clone(),
        });
    }
    for (t, taxonomy) in site.taxonomies.iter().enumerate() {
        for (i, term) in taxonomy.terms.iter().enumerate() {
            feeds.push(Output {
                url: format!("{}atom.xml", term.url),
                kind: OutputKind::Feed {
                    lang: taxonomy.lang,
                    term: Some((t, super::TermId(i))),
                },
                source: config_file.clone(),
            });
        }
    }
    outputs.extend(feeds);
    for &lang in &site.config.languages {
        outputs.push(Output {
            url: format!("/{lang}/search/"),
            kind: OutputKind::SearchPage(lang),
            source: config_file.clone(),
        });
    }
    let listed = outputs.iter().filter(|o| o.kind.is_listed_page()).count();
    if listed > SITEMAP_LIMIT {
        for n in 1..=listed.div_ceil(SITEMAP_LIMIT) {
            outputs.push(Output {
                url: format!("/sitemap-{n}.xml"),
                kind: OutputKind::SitemapPart(n),
                source: config_file.clone(),
            });
        }
    }
    outputs.push(Output {
        url: "/sitemap.xml".into(),
        kind: OutputKind::Sitemap,
        source: config_file.clone(),
    });
    outputs.push(Output {
        url: "/robots.txt".into(),
        kind: OutputKind::Robots,
        source: config_file,
    });
}

/// List pages 1..=count, plus a `page/1/` redirect to page 1 when there is more than one.
fn paginated_outputs(
    count: usize,
    base: &str,
    lang: Lang,
    source: &str,
    push: &mut impl FnMut(String, OutputKind, &str) -> usize,
    kind: impl Fn(usize) -> OutputKind,
) {
    for n in 1..=count {
        push(Site::paginated_url(base, n), kind(n), source);
    }
    if count > 1 {
        push(
            format!("{base}page/1/"),
            OutputKind::Redirect {
                lang,
                to: base.to_string(),
                target: Box::new(kind(1)),
            },
            source,
        );
    }
}

pub(super) fn section_source(section: &Section) -> String {
    match &section.index {
        Some(doc) => doc.source.clone(),
        None if section.dir.is_empty() => format!("content/{}", section.lang),
        None => format!("content/{}/{}", section.lang, section.dir),
    }
}

/// `old/path` → `/old/path/`; a path ending in `.html` stays a file, and a final
/// `index.html` is the folder's own page (`/a/index.html` → `/a/`). Percent-escapes are
/// decoded and empty segments dropped, so every spelling of one path gives one URL.
/// An alias must stay inside the site: no `..` or `.` segments, no backslashes, no URL.
fn normalize_alias(alias: &str) -> Result<String, String> {
    let outside = || {
        format!("`{alias}` is not a path inside the site; write an old URL such as /kk/old-path/")
    };
    let decoded = percent_encoding::percent_decode_str(alias.trim())
        .decode_utf8()
        .map_err(|_| format!("`{alias}` has percent-escapes that are not UTF-8"))?;
    if decoded.contains("://")
        || decoded.contains(|c: char| c == '\\' || c == '?' || c == '#' || c.is_control())
    {
        return Err(outside());
    }
    let mut segments: Vec<&str> = decoded.split('/').filter(|s| !s.is_empty()).collect();
    if segments.iter().any(|s| *s == ".." || *s == ".") {
        return Err(outside());
    }
    let file = match segments.last() {
        Some(&"index.html") => {
            segments.pop();
            false
        }
        Some(last) => last.ends_with(".html"),
        None => false,
    };
    let path = segments.join("/");
    Ok(match (path.is_empty(), file) {
        (true, _) => "/".to_string(),
        (false, true) => format!("/{path}"),
        (false, false) => format!("/{path}/"),
    })
}

#[cfg(test)]
mod tests {
    use super::normalize_alias;

    #[test]
    fn every_spelling_of_a_path_gives_one_url() {
        for spelling in [
            "/kk/news/festival/",
            "kk/news/festival",
            "//kk//news/festival/",
            "/kk/news/festival/index.html",
            "/kk/%6Eews/festival/",
            "/kk/news/festival%2Findex.html",
        ] {
            assert_eq!(
                normalize_alias(spelling).as_deref(),
                Ok("/kk/news/festival/"),
                "{spelling}"
            );
        }
        assert_eq!(normalize_alias("/index.html").as_deref(), Ok("/"));
        assert_eq!(
            normalize_alias("/kk/old.html").as_deref(),
            Ok("/kk/old.html")
        );
        assert_eq!(
            normalize_alias("/robots.txt").as_deref(),
            Ok("/robots.txt/")
        );
    }

    #[test]
    fn paths_out_of_the_site_are_refused() {
        for bad in [
            "../x.html",
            "/kk/%2e%2e/%2e%2e/x/",
            "https://example.kz/x/",
            "/a\\b/",
            "/a?b",
            "/a%00b/",
            "/%ff/",
        ] {
            assert!(normalize_alias(bad).is_err(), "{bad}");
        }
    }
}
