//! Checks of what pages say: duplicate titles, missing and stale translations, typos in
//! front matter, long default summaries, and terms used in one language only.

use std::collections::BTreeMap;

use crate::diag::{Diagnostic, Diagnostics};
use crate::site::{PageKind, Site};

use super::desk;

/// A card shows this many characters of a summary (the portal theme's `truncate`); a
/// default summary longer than that is cut mid-sentence.
pub const SUMMARY_CUT: usize = 220;

/// Front-matter fields, for spotting typos such as `tittle`.
const KNOWN_FIELDS: &[&str] = &[
    "title",
    "date",
    "updated",
    "expires",
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
    "template",
    "extra",
];

/// Two pages of one language with the same title in the same section confuse readers.
pub(super) fn check_titles(site: &Site) -> Diagnostics {
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

pub(super) fn check_translations(site: &Site) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for members in &site.groups {
        // A derived edition (the Latin one) exists exactly when its source does.
        for lang in site.config.source_languages() {
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

pub(super) fn check_front_matter(site: &Site) -> Diagnostics {
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
        .chain(site.sections.iter().filter_map(|s| s.index.as_ref()))
        .filter(|d| !d.lang.is_derived());
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
    for page in site
        .pages
        .iter()
        .filter(|p| p.kind == PageKind::Article && !p.lang().is_derived())
    {
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
pub(super) fn check_terms(site: &Site) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for taxonomy in site.taxonomies.iter().filter(|t| !t.lang.is_derived()) {
        for term in &taxonomy.terms {
            for lang in site.config.source_languages() {
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
