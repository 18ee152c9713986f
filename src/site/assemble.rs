//! Assembling the site model from loaded documents: sections, pages and their URLs,
//! translation groups, taxonomies, navigation and the list of outputs.

use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::config::Config;
use crate::content::{Document, SortBy};
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::{slugify, Lang, Locales};

use super::collisions::{check_output_paths, AliasNote, MAX_SEGMENT_BYTES};
use super::taxonomy::{build_taxonomy, TaxonomySpec};
use super::{
    GroupId, NavItem, NavTitle, Output, OutputKind, Page, PageId, PageKind, Section, SectionId,
    Site, SITEMAP_LIMIT, TAXONOMY_NAV_WEIGHT,
};

/// Assembles the site from its documents. `statics` are the static files (output path →
/// site-relative source), which no page, list or alias may take the place of.
pub fn assemble_site(
    config: Config,
    docs: Vec<Arc<Document>>,
    statics: &BTreeMap<String, String>,
    locales: &Locales,
    drafts: bool,
) -> Result<Site, Diagnostics> {
    let mut diags = Diagnostics::new();
    let mut warnings = Diagnostics::new();
    for doc in &docs {
        warnings.0.extend(doc.warnings());
    }
    let docs: Vec<Arc<Document>> = docs
        .into_iter()
        .filter(|d| drafts || !d.meta.draft)
        .collect();
    let (indexes, page_docs): (Vec<Arc<Document>>, Vec<Arc<Document>>) =
        docs.into_iter().partition(|d| d.is_index);
    let indexes: Vec<Document> = indexes.into_iter().map(Arc::unwrap_or_clone).collect();

    let (mut sections, sections_by_dir) = assemble_sections(&config, indexes, &page_docs);
    let mut pages = assemble_pages(page_docs, &sections, &sections_by_dir, &mut diags);
    for (i, page) in pages.iter().enumerate() {
        sections[page.section.0].pages.push(PageId(i));
    }
    for section in &mut sections {
        let locale = locales.get(section.lang);
        let sort_by = section.sort_by;
        section
            .pages
            .sort_by(|a, b| compare_pages(&pages[a.0], &pages[b.0], sort_by, locale));
    }
    let groups = assemble_groups(&mut pages, &mut diags);
    let latest = latest_articles(&config, &pages);
    let config_ref = &config;
    let specs: Vec<TaxonomySpec<'_>> = config
        .languages
        .iter()
        .flat_map(|&lang| {
            config_ref.taxonomies.iter().map(move |name| TaxonomySpec {
                lang,
                name,
                locale: locales.get(lang),
                vocabulary: config_ref.vocabularies.get(name),
            })
        })
        .collect();
    // Each (language, taxonomy) pair reads the pages on its own: build them in parallel.
    let built: Vec<_> = specs
        .par_iter()
        .map(|spec| build_taxonomy(spec, &pages, &latest[&spec.lang]))
        .collect();
    let mut taxonomies = Vec::with_capacity(built.len());
    for (spec, built) in specs.iter().zip(built) {
        for (id, ids) in built.page_terms {
            pages[id.0].terms.insert(spec.name.to_string(), ids);
        }
        diags.extend(built.diags);
        taxonomies.push(built.taxonomy);
    }
    let homes = config
        .languages
        .iter()
        .filter_map(|l| {
            sections_by_dir
                .get(&(*l, String::new()))
                .map(|id| (*l, *id))
        })
        .collect();
    let nav = assemble_nav(&config, &sections, &pages, locales);
    let mut site = Site {
        config,
        pages,
        sections,
        homes,
        groups,
        sections_by_dir,
        taxonomies,
        nav,
        latest,
        outputs: Vec::new(),
        warnings,
    };
    site.outputs = assemble_outputs(&site, statics, &mut diags);
    diags.into_result(site)
}

/// One section per folder that holds content, plus its parents and every language's home.
fn assemble_sections(
    config: &Config,
    indexes: Vec<Document>,
    pages: &[Arc<Document>],
) -> (Vec<Section>, BTreeMap<(Lang, String), SectionId>) {
    let mut dirs: BTreeSet<(Lang, String)> = BTreeSet::new();
    for &lang in &config.languages {
        dirs.insert((lang, String::new()));
    }
    for doc in indexes.iter().chain(pages.iter().map(|d| &**d)) {
        let mut dir = doc.dir.clone();
        loop {
            dirs.insert((doc.lang, dir.clone()));
            match dir.rfind('/') {
                Some(i) => dir.truncate(i),
                None => break,
            }
        }
    }
    let mut index_by_dir: BTreeMap<(Lang, String), Document> = indexes
        .into_iter()
        .map(|d| ((d.lang, d.dir.clone()), d))
        .collect();
    let mut sections: Vec<Section> = Vec::new();
    let mut by_dir = BTreeMap::new();
    for (lang, dir) in dirs {
        let index = index_by_dir.remove(&(lang, dir.clone()));
        let meta = index.as_ref().map(|d| &d.meta);
        let title = meta
            .and_then(|m| m.title.clone())
            .unwrap_or_else(|| default_section_title(config, lang, &dir));
        let id = SectionId(sections.len());
        let parent = parent_dir(&dir).and_then(|p| by_dir.get(&(lang, p)).copied());
        if let Some(p) = parent {
            let p: SectionId = p;
            sections[p.0].subsections.push(id);
        }
        sections.push(Section {
            lang,
            url: section_url(lang, &dir),
            dir: dir.clone(),
            title,
            parent,
            subsections: Vec::new(),
            pages: Vec::new(),
            sort_by: meta.and_then(|m| m.sort_by).unwrap_or_default(),
            paginate_by: meta
                .and_then(|m| m.paginate_by)
                .unwrap_or(config.paginate_by),
            weight: meta.and_then(|m| m.weight).unwrap_or(0),
            index,
        });
        by_dir.insert((lang, dir), id);
    }
    (sections, by_dir)
}

fn parent_dir(dir: &str) -> Option<String> {
    if dir.is_empty() {
        None
    } else {
        Some(
            dir.rfind('/')
                .map_or(String::new(), |i| dir[..i].to_string()),
        )
    }
}

fn default_section_title(config: &Config, lang: Lang, dir: &str) -> String {
    if dir.is_empty() {
        return config.title(lang).to_string();
    }
    let last = dir.rsplit('/').next().unwrap_or(dir);
    let mut chars = last.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `/kk/news/2025/`: each folder name slugged.
fn section_url(lang: Lang, dir: &str) -> String {
    let mut url = format!("/{lang}/");
    for part in dir.split('/').filter(|p| !p.is_empty()) {
        url.push_str(&slugify(part));
        url.push('/');
    }
    url
}

fn assemble_pages(
    docs: Vec<Arc<Document>>,
    sections: &[Section],
    by_dir: &BTreeMap<(Lang, String), SectionId>,
    diags: &mut Diagnostics,
) -> Vec<Page> {
    let mut pages = Vec::with_capacity(docs.len());
    for doc in docs {
        let Some(&section_id) = by_dir.get(&(doc.lang, doc.dir.clone())) else {
            continue;
        };
        let section = &sections[section_id.0];
        let kind = if section.is_home() {
            PageKind::Page
        } else {
            PageKind::Article
        };
        let slug = slugify(doc.meta.slug.as_deref().unwrap_or(&doc.stem));
        if slug.is_empty() {
            diags.push(
                Diagnostic::error(
                    &doc.source,
                    "slug: the file name gives no URL; set `slug:` to letters or digits",
                )
                .at(1, 1),
            );
            continue;
        }
        if slug.len() > MAX_SEGMENT_BYTES {
            diags.push(
                Diagnostic::error(
                    &doc.source,
                    format!(
                        "slug: `{}…` makes a URL segment of {} bytes; file systems allow {MAX_SEGMENT_BYTES}: set a shorter `slug:`",
                        &slug[..slug.floor_char_boundary(40)],
                        slug.len()
                    ),
                )
                .at_opt(doc.meta.position("slug").or(Some((1, 1)))),
            );
            continue;
        }
        if kind == PageKind::Article
            && section.sort_by == SortBy::Date
            && doc.meta.date.is_none()
            && !doc.meta.draft
        {
            diags.push(
                Diagnostic::error(
                    &doc.source,
                    "date: missing; pages of a section sorted by date need `date: YYYY-MM-DD` (or `draft: true`)",
                )
                .at(1, 1),
            );
        }
        pages.push(Page {
            url: format!("{}{slug}/", section.url),
            kind,
            section: section_id,
            group: GroupId(0),
            terms: BTreeMap::new(),
            doc,
        });
    }
    pages
}

fn compare_pages(
    a: &Page,
    b: &Page,
    sort_by: SortBy,
    locale: &crate::lang::Locale,
) -> std::cmp::Ordering {
    let by_date = || {
        let ta = a.doc.meta.date.as_ref().map(|d| d.timestamp());
        let tb = b.doc.meta.date.as_ref().map(|d| d.timestamp());
        tb.cmp(&ta)
    };
    let by_weight = || {
        a.doc
            .meta
            .weight
            .unwrap_or(0)
            .cmp(&b.doc.meta.weight.unwrap_or(0))
    };
    let by_title = || locale.compare(a.title(), b.title());
    let primary = match sort_by {
        SortBy::Date => by_date().then_with(by_weight).then_with(by_title),
        SortBy::Weight => by_weight().then_with(by_title),
        SortBy::Title => by_title().then_with(by_date),
    };
    primary.then_with(|| a.url.cmp(&b.url))
}

/// Pairs pages across languages by `translation_key`, else by path inside the language root.
fn assemble_groups(pages: &mut [Page], diags: &mut Diagnostics) -> Vec<BTreeMap<Lang, PageId>> {
    let mut by_key: BTreeMap<String, BTreeMap<Lang, PageId>> = BTreeMap::new();
    for (i, page) in pages.iter().enumerate() {
        let key = page
            .doc
            .meta
            .translation_key
            .clone()
            .unwrap_or_else(|| page.doc.rel_key());
        let slot = by_key.entry(key.clone()).or_default();
        match slot.get(&page.lang()) {
            Some(other) => diags.push(Diagnostic::error(
                &page.doc.source,
                format!(
                    "translation_key: `{key}` is also used by {} in the same language",
                    pages[other.0].doc.source
                ),
            )),
            None => {
                slot.insert(page.lang(), PageId(i));
            }
        }
    }
    let groups: Vec<BTreeMap<Lang, PageId>> = by_key.into_values().collect();
    for (g, members) in groups.iter().enumerate() {
        for id in members.values() {
            pages[id.0].group = GroupId(g);
        }
    }
    groups
}

/// Each language's articles, newest first.
fn latest_articles(config: &Config, pages: &[Page]) -> BTreeMap<Lang, Vec<PageId>> {
    let mut latest: BTreeMap<Lang, Vec<PageId>> =
        config.languages.iter().map(|l| (*l, Vec::new())).collect();
    for (i, page) in pages.iter().enumerate() {
        if page.kind == PageKind::Article {
            if let Some(list) = latest.get_mut(&page.lang()) {
                list.push(PageId(i));
            }
        }
    }
    for list in latest.values_mut() {
        list.sort_by(|a, b| {
            let (pa, pb) = (&pages[a.0], &pages[b.0]);
            let ta = pa.doc.meta.date.as_ref().map(|d| d.timestamp());
            let tb = pb.doc.meta.date.as_ref().map(|d| d.timestamp());
            tb.cmp(&ta).then_with(|| pa.url.cmp(&pb.url))
        });
    }
    latest
}

/// Top-level sections, taxonomy indexes and standalone pages, by weight, then title.
fn assemble_nav(
    config: &Config,
    sections: &[Section],
    pages: &[Page],
    locales: &Locales,
) -> BTreeMap<Lang, Vec<NavItem>> {
    let mut nav = BTreeMap::new();
    for &lang in &config.languages {
        let sections = sections
            .iter()
            .filter(|s| s.lang == lang && !s.is_home() && !s.dir.contains('/'))
            .map(|s| NavItem {
                title: NavTitle::Text(s.title.clone()),
                url: s.url.clone(),
                weight: s.weight,
            });
        let pages = pages
            .iter()
            .filter(|p| p.lang() == lang && p.kind == PageKind::Page)
            .map(|p| NavItem {
                title: NavTitle::Text(p.title().to_string()),
                url: p.url.clone(),
                weight: p.doc.meta.weight.unwrap_or(0),
            });
        let mut items: Vec<NavItem> = sections.chain(pages).collect();
        let locale = locales.get(lang);
        items.sort_by(|a, b| {
            let text = |t: &NavTitle| match t {
                NavTitle::Text(s) | NavTitle::UiString(s) => s.clone(),
            };
            a.weight
                .cmp(&b.weight)
                .then_with(|| locale.compare(&text(&a.title), &text(&b.title)))
                .then_with(|| a.url.cmp(&b.url))
        });
        // Taxonomies keep site.yaml's order among themselves.
        let at = items.partition_point(|i| i.weight <= TAXONOMY_NAV_WEIGHT);
        let taxonomies = config.taxonomies.iter().map(|name| NavItem {
            title: NavTitle::UiString(name.clone()),
            url: format!("/{lang}/{name}/"),
            weight: TAXONOMY_NAV_WEIGHT,
        });
        items.splice(at..at, taxonomies);
        nav.insert(lang, items);
    }
    nav
}

/// Every templated output of the site; two outputs with one URL are an error naming both
/// sources.
fn assemble_outputs(
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

fn section_source(section: &Section) -> String {
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
