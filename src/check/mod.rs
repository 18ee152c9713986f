//! `qostil check`: everything `build` rejects, plus what only a look at the whole built site
//! shows — broken links and anchors, missing images, duplicate titles — and the translation
//! desk's warnings: missing and stale translations, typos in front matter, long default
//! summaries, terms used in one language only. Nothing is written.

pub mod desk;
mod links;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use crate::build::load_site_config;
use crate::content::read_body;
use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::lang::Locales;
use crate::render::Renderer;
use crate::site::{PageKind, Site};
use links::{html_links_and_ids, markdown_links, resolve, Target};

/// A card shows this many characters of a summary (the portal theme's `truncate`); a
/// default summary longer than that is cut mid-sentence.
pub const SUMMARY_CUT: usize = 220;

/// Front-matter fields, for spotting typos such as `tittle`.
const KNOWN_FIELDS: &[&str] = &[
    "title",
    "date",
    "updated",
    "summary",
    "author",
    "source",
    "image",
    "slug",
    "translation_key",
    "translated_from",
    "draft",
    "aliases",
    "weight",
    "description",
    "sort_by",
    "paginate_by",
];

#[derive(Debug, Default)]
pub struct CheckReport {
    pub pages: usize,
    pub diagnostics: Diagnostics,
    pub desk: desk::Desk,
}

impl CheckReport {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }
}

/// Runs every check on the site at `root`. Problems that stop the pipeline come back as the
/// report's errors, like any other finding.
pub fn check_site(root: &Path) -> CheckReport {
    let locales = match Locales::new() {
        Ok(l) => Arc::new(l),
        Err(e) => {
            return CheckReport {
                diagnostics: Diagnostic::global(e).into(),
                ..CheckReport::default()
            }
        }
    };
    let config = match load_site_config(root, None) {
        Ok(c) => c,
        Err(diagnostics) => {
            return CheckReport {
                diagnostics,
                ..CheckReport::default()
            }
        }
    };
    let (site, renderer) = match crate::engine::load(
        root,
        config,
        false,
        &locales,
        None,
        false,
        &crate::progress::Silent,
    ) {
        Ok(loaded) => (loaded.site, loaded.renderer),
        Err(diagnostics) => {
            return CheckReport {
                diagnostics,
                ..CheckReport::default()
            }
        }
    };
    let mut diags = Diagnostics::new();
    diags.extend(check_links(root, &site, &renderer));
    diags.extend(check_images(root, &site));
    diags.extend(check_titles(&site));
    diags.extend(check_translations(&site));
    diags.extend(check_front_matter(&site));
    diags.extend(check_terms(&site));
    diags.extend(crate::content::input_warnings(root, &site.config));
    diags.extend(site.warnings.clone());
    diags.sort();
    CheckReport {
        pages: site.pages.len(),
        desk: desk::translation_desk(&site),
        diagnostics: diags,
    }
}

/// Every path the built site has: outputs (`/kk/news/x/`, `/kk/atom.xml`) and static files.
fn known_paths(root: &Path, site: &Site) -> Result<BTreeSet<String>, Diagnostics> {
    let mut known: BTreeSet<String> = site.outputs.iter().map(|o| o.url.clone()).collect();
    for output in &site.outputs {
        known.insert(format!("/{}", output.file_path()));
    }
    for rel in crate::output::discover_static(root, &site.config.theme)?.keys() {
        known.insert(format!("/{rel}"));
    }
    Ok(known)
}

/// Links of one rendered output, and the ids its page has.
struct Rendered {
    links: Vec<String>,
    ids: BTreeSet<String>,
}

fn check_links(root: &Path, site: &Site, renderer: &Renderer) -> Diagnostics {
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
                let Some(target) = resolve(&link.dest, &page.url, base_url, base_path) else {
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
                let template = renderer.template_file(&output.kind).unwrap_or_default();
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

/// `image.src` must exist: a static file or an output of the site (external URLs are not
/// fetched).
fn check_images(root: &Path, site: &Site) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let Ok(known) = known_paths(root, site) else {
        return diags;
    };
    for page in &site.pages {
        let Some(image) = &page.doc.meta.image else {
            continue;
        };
        let target = resolve(
            &image.src,
            &page.url,
            &site.config.base_url,
            &site.config.base_path,
        );
        if let Some(t) = target.filter(|t| !known.contains(&t.path)) {
            diags.push(
                Diagnostic::error(
                    &page.doc.source,
                    format!("image: {} does not exist (put it in static/)", t.path),
                )
                .at_opt(page.doc.meta.position("image"))
                .with_code("missing-image"),
            );
        }
    }
    diags
}

/// Two pages of one language with the same title in the same section confuse readers.
fn check_titles(site: &Site) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let mut seen: BTreeMap<(crate::lang::Lang, &str, String), &str> = BTreeMap::new();
    for page in &site.pages {
        let key = (
            page.lang(),
            page.doc.dir.as_str(),
            page.title().trim().to_lowercase(),
        );
        match seen.get(&key) {
            Some(other) => diags.push(
                Diagnostic::error(
                    &page.doc.source,
                    format!("title: the same as {other} in this section"),
                )
                .at_opt(page.doc.meta.position("title"))
                .with_code("duplicate-title"),
            ),
            None => {
                seen.insert(key, &page.doc.source);
            }
        }
    }
    diags
}

fn check_translations(site: &Site) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for members in &site.groups {
        for &lang in &site.config.languages {
            if members.contains_key(&lang) {
                continue;
            }
            if let Some((_, id)) = members.iter().next() {
                let page = site.page(*id);
                diags.push(
                    Diagnostic::warning(
                        &page.doc.source,
                        format!(
                            "no {lang} translation (expected content/{lang}/{}.md or a matching translation_key)",
                            page.doc.rel_key()
                        ),
                    )
                    .with_code("missing-translation"),
                );
            }
        }
        if let Some((translation, original)) = desk::stale_translation(site, members) {
            let t = site.page(translation);
            diags.push(
                Diagnostic::warning(
                    &t.doc.source,
                    format!(
                        "stale translation: {} changed after it; update the text and its `updated`",
                        site.page(original).doc.source
                    ),
                )
                .at_opt(t.doc.meta.position("translated_from"))
                .with_code("stale-translation"),
            );
        }
    }
    diags
}

fn check_front_matter(site: &Site) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let known: Vec<&str> = KNOWN_FIELDS
        .iter()
        .copied()
        .chain(site.config.taxonomies.iter().map(String::as_str))
        .collect();
    let docs = site
        .pages
        .iter()
        .map(|p| &*p.doc)
        .chain(site.sections.iter().filter_map(|s| s.index.as_ref()));
    for doc in docs {
        for key in doc.meta.extra.keys() {
            let closest = known
                .iter()
                .map(|k| (strsim::levenshtein(key, k), *k))
                .filter(|(d, _)| (1..=2).contains(d))
                .min();
            if let Some((_, field)) = closest {
                diags.push(
                    Diagnostic::warning(
                        &doc.source,
                        format!("{key}: unknown key that looks like `{field}`; it is kept as page.extra.{key}"),
                    )
                    .at_opt(doc.meta.position(key).map(|(l, _)| (l, 1)))
                    .with_code("typo"),
                );
            }
        }
    }
    for page in site.pages.iter().filter(|p| p.kind == PageKind::Article) {
        let length = page.doc.summary.chars().count();
        if page.doc.meta.summary.is_none() && length > SUMMARY_CUT {
            diags.push(
                Diagnostic::warning(
                    &page.doc.source,
                    format!(
                        "summary: not set, and the first paragraph ({length} characters) is longer than the {SUMMARY_CUT} a card shows; write a `summary`"
                    ),
                )
                .at(1, 1)
                .with_code("long-summary"),
            );
        }
    }
    diags
}

/// A term that exists in one language only has no counterpart page to switch to.
fn check_terms(site: &Site) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for taxonomy in &site.taxonomies {
        for term in &taxonomy.terms {
            for &lang in &site.config.languages {
                let Some(other) = site.taxonomy(lang, &taxonomy.name) else {
                    continue;
                };
                if lang == taxonomy.lang || other.terms.iter().any(|t| t.slug == term.slug) {
                    continue;
                }
                if let Some(first) = term.pages.first() {
                    let page = site.page(*first);
                    diags.push(
                        Diagnostic::warning(
                            &page.doc.source,
                            format!(
                                "{}: «{}» is used in {} only; no {lang} page uses it",
                                taxonomy.name, term.name, taxonomy.lang
                            ),
                        )
                        .at_opt(page.doc.meta.position(&taxonomy.name))
                        .with_code("one-language-term"),
                    );
                }
            }
        }
    }
    diags
}

/// The JSON report (`--format json`); its schema is documented in README.md.
#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    summary: JsonSummary,
    files: Vec<JsonFile<'a>>,
}

#[derive(Serialize)]
struct JsonSummary {
    pages: usize,
    errors: usize,
    warnings: usize,
    strict: bool,
}

#[derive(Serialize)]
struct JsonFile<'a> {
    file: Option<&'a str>,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    severity: Severity,
    code: &'a str,
    line: Option<usize>,
    col: Option<usize>,
    message: &'a str,
}

pub fn report_json(report: &CheckReport, strict: bool) -> String {
    let mut files: Vec<JsonFile<'_>> = Vec::new();
    for d in report.diagnostics.iter() {
        let severity = if strict { Severity::Error } else { d.severity };
        let entry = JsonDiagnostic {
            severity,
            code: d.code,
            line: d.line,
            col: d.col,
            message: &d.message,
        };
        match files.last_mut() {
            Some(f) if f.file == d.file.as_deref() => f.diagnostics.push(entry),
            _ => files.push(JsonFile {
                file: d.file.as_deref(),
                diagnostics: vec![entry],
            }),
        }
    }
    let (errors, warnings) = if strict {
        (report.diagnostics.len(), 0)
    } else {
        (report.errors(), report.warnings())
    };
    let json = JsonReport {
        version: 1,
        summary: JsonSummary {
            pages: report.pages,
            errors,
            warnings,
            strict,
        },
        files,
    };
    serde_json::to_string_pretty(&json).unwrap_or_default()
}

/// The text report: diagnostics grouped by file, then `N pages, E errors, W warnings`.
pub fn report_text(report: &CheckReport, strict: bool) -> String {
    let mut out = String::new();
    let mut last_file: Option<&str> = None;
    for d in report.diagnostics.iter() {
        if last_file.is_some() && last_file != d.file.as_deref() {
            out.push('\n');
        }
        last_file = d.file.as_deref();
        let mut d = d.clone();
        if strict {
            d.severity = Severity::Error;
        }
        out.push_str(&format!("{d} [{}]\n", d.code));
    }
    let (errors, warnings) = if strict {
        (report.diagnostics.len(), 0)
    } else {
        (report.errors(), report.warnings())
    };
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str(&format!(
        "{} pages, {errors} error{}, {warnings} warning{}\n",
        report.pages,
        if errors == 1 { "" } else { "s" },
        if warnings == 1 { "" } else { "s" },
    ));
    out
}
