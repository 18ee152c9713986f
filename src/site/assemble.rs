//! Assembling the site model from loaded documents: sections, pages and their URLs,
//! translation groups, taxonomies, navigation and the list of outputs (built in
//! `output_list`).

use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::config::Config;
use crate::content::{Document, SortBy};
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::{slugify, Lang, Locales};

use super::collisions::MAX_SEGMENT_BYTES;
use super::links::{check_content_links, index_content_files};
use super::output_list::assemble_outputs;
use super::output_list::section_source;
use super::schedule::Publish;
use super::taxonomy::{build_taxonomy, TaxonomySpec};
use super::{
    GroupId, NavItem, NavTitle, Page, PageId, PageKind, Section, SectionId, Site,
    TAXONOMY_NAV_WEIGHT,
};

/// Assembles the site from its documents. `statics` are the static files (output path →
/// site-relative source), which no page, list or alias may take the place of. `publish`
/// says which documents the site has: drafts, scheduled and expired pages are left out
/// before anything is assembled (see `schedule`).
pub fn assemble_site(
    config: Config,
    docs: Vec<Arc<Document>>,
    statics: &BTreeMap<String, String>,
    locales: &Locales,
    publish: &Publish,
) -> Result<Site, Diagnostics> {
    let mut diags = Diagnostics::new();
    let mut warnings = Diagnostics::new();
    for doc in &docs {
        warnings.0.extend(doc.warnings());
    }
    // Every loaded document, built or not: a link to one that is not built says why.
    let loaded = docs.clone();
    let zone = config.timezone;
    let (docs, schedule) = super::schedule::published(docs, publish, zone);
    let (indexes, page_docs): (Vec<Arc<Document>>, Vec<Arc<Document>>) =
        docs.into_iter().partition(|d| d.is_index);
    let indexes: Vec<Document> = indexes.into_iter().map(Arc::unwrap_or_clone).collect();

    let (mut sections, sections_by_dir) = assemble_sections(&config, indexes, &page_docs);
    let mut pages = assemble_pages(page_docs, &sections, &sections_by_dir, zone, &mut diags);
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
    let section_groups = assemble_section_groups(&mut sections, &mut diags);
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
                config: config_ref,
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
    let menus = super::menus::assemble_menus(
        &config,
        &super::menus::MenuSources {
            sections: &sections,
            sections_by_dir: &sections_by_dir,
            pages: &pages,
            loaded: &loaded,
        },
        &mut diags,
    );
    let mut site = Site {
        config,
        pages,
        sections,
        homes,
        groups,
        sections_by_dir,
        section_groups,
        content_files: BTreeMap::new(),
        taxonomies,
        nav,
        menus,
        latest,
        outputs: Vec::new(),
        warnings,
        schedule,
        photos: Default::default(),
        related_memo: Default::default(),
    };
    site.related_memo = crate::render::related::RelatedMemo::new(site.pages.len());
    site.content_files = index_content_files(&site);
    check_content_links(&site, &loaded, &mut diags);
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
            group: GroupId(0),
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
    zone: chrono_tz::Tz,
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
            timestamp: doc.meta.date.as_ref().map(|d| d.timestamp(zone)),
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

pub(super) fn compare_pages(
    a: &Page,
    b: &Page,
    sort_by: SortBy,
    locale: &crate::lang::Locale,
) -> std::cmp::Ordering {
    let by_date = || b.timestamp.cmp(&a.timestamp);
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

/// Pairs sections across languages by the `translation_key` of their `_index.md`, else by
/// folder (the homes, folder `""`, always pair). Two sections of one language with one key
/// are an error naming both.
fn assemble_section_groups(
    sections: &mut [Section],
    diags: &mut Diagnostics,
) -> Vec<BTreeMap<Lang, SectionId>> {
    let key_of = |s: &Section| {
        s.index
            .as_ref()
            .and_then(|d| d.meta.translation_key.clone())
            .filter(|_| !s.is_home())
    };
    let mut by_key: BTreeMap<String, BTreeMap<Lang, SectionId>> = BTreeMap::new();
    for (i, section) in sections.iter().enumerate() {
        let key = key_of(section).unwrap_or_else(|| section.dir.clone());
        let slot = by_key.entry(key.clone()).or_default();
        let Some(other) = slot.get(&section.lang).map(|o| &sections[o.0]) else {
            slot.insert(section.lang, SectionId(i));
            continue;
        };
        // At least one of the two sets the key (two folders differ): report it there.
        let (at, named) = if key_of(section).is_some() {
            (section, other)
        } else {
            (other, section)
        };
        let position = at
            .index
            .as_ref()
            .and_then(|d| d.meta.position("translation_key"));
        diags.push(
            Diagnostic::error(
                section_source(at),
                format!(
                    "translation_key: `{key}` is also the key of {} in the same language; \
                     each section of a language needs its own",
                    section_source(named)
                ),
            )
            .at_opt(position),
        );
    }
    let groups: Vec<BTreeMap<Lang, SectionId>> = by_key.into_values().collect();
    for (g, members) in groups.iter().enumerate() {
        for id in members.values() {
            sections[id.0].group = GroupId(g);
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
            pb.timestamp
                .cmp(&pa.timestamp)
                .then_with(|| pa.url.cmp(&pb.url))
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
