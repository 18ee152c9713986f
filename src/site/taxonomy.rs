//! Taxonomies: per language, the terms used in front matter (tags, regions), each with its
//! slug, URL and pages.

use std::collections::{BTreeMap, HashMap};

use crate::config::Vocabulary;
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::{slugify, Lang, Locale, Slugger};

use super::{Page, PageId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TermId(pub usize);

#[derive(Debug, Clone)]
pub struct Term {
    pub name: String,
    pub slug: String,
    pub url: String,
    /// Pages with this term, newest first.
    pub pages: Vec<PageId>,
}

#[derive(Debug, Clone)]
pub struct Taxonomy {
    pub lang: Lang,
    /// The front-matter field and URL segment (`tags`).
    pub name: String,
    pub url: String,
    /// Terms in the language's alphabetical order.
    pub terms: Vec<Term>,
}

/// Case-insensitive identity of a free-text term: «Астана» and «астана» are one term.
fn term_key(name: &str) -> String {
    name.to_lowercase()
}

/// How front-matter spellings map to terms: declared keys, or free text.
enum Identity<'a> {
    Declared(&'a Vocabulary),
    Free,
}

impl Identity<'_> {
    /// The term identity of a written term, `None` when a vocabulary does not declare it.
    fn key(&self, written: &str) -> Option<String> {
        match self {
            Identity::Declared(v) => v.resolve(written).map(|t| t.key.clone()),
            Identity::Free => Some(term_key(written)),
        }
    }
}

/// Which taxonomy of which language to build, and with what.
#[derive(Clone, Copy)]
pub(super) struct TaxonomySpec<'a> {
    pub lang: Lang,
    pub name: &'a str,
    pub locale: &'a Locale,
    pub vocabulary: Option<&'a Vocabulary>,
    /// For the script of a derived edition's term names (`Config::in_script`).
    pub config: &'a crate::config::Config,
}

/// Builds one taxonomy of one language from its pages (`ordered` newest first), with each
/// page's term ids. With a declared vocabulary, terms resolve to their keys (one slug in
/// every language) and an undeclared term is an error naming the page.
pub(super) fn build_taxonomy(
    spec: &TaxonomySpec<'_>,
    pages: &[Page],
    ordered: &[PageId],
) -> BuiltTaxonomy {
    let mut diags = Diagnostics::new();
    let TaxonomySpec {
        lang,
        name,
        locale,
        vocabulary,
        config,
    } = *spec;
    let identity = vocabulary.map_or(Identity::Free, Identity::Declared);
    // Spellings repeat on page after page: each is resolved once, to the index of its term
    // identity (`None`: not declared), and each page keeps the indexes of its terms.
    let mut spellings: HashMap<&str, Option<usize>> = HashMap::new();
    let mut identities = Identities::default();
    let mut page_identities: Vec<(PageId, Vec<usize>)> = Vec::with_capacity(ordered.len());
    for id in ordered {
        let meta = &pages[id.0].doc.meta;
        let mut mine: Vec<usize> = Vec::new();
        for written in meta.taxonomies.get(name).into_iter().flatten() {
            let resolved = *spellings.entry(written.as_str()).or_insert_with(|| {
                identity
                    .key(written)
                    .map(|key| identities.add(key, shown_name(vocabulary, lang, written)))
            });
            match resolved {
                Some(i) if !mine.contains(&i) => mine.push(i),
                Some(_) => {}
                None => {
                    let file = vocabulary.map_or("", |v| v.file.as_str());
                    diags.push(
                        Diagnostic::error(
                            &pages[id.0].doc.source,
                            format!("{name}: `{written}` is not declared in {file}"),
                        )
                        .at_opt(meta.position(name)),
                    );
                }
            }
        }
        page_identities.push((*id, mine));
    }
    // identity → shown name
    let found: BTreeMap<String, String> = identities.found();
    let slugs: BTreeMap<String, String> = match vocabulary {
        Some(_) => found.keys().map(|k| (k.clone(), slugify(k))).collect(),
        None => {
            let mut slugger = Slugger::default();
            for shown in found.values() {
                slugger.add(shown);
            }
            let by_name = slugger.assign();
            found
                .iter()
                .map(|(k, shown)| (k.clone(), by_name.get(shown).cloned().unwrap_or_default()))
                .collect()
        }
    };
    let url = format!("/{lang}/{name}/");
    let mut terms: Vec<(String, Term)> = found
        .iter()
        .map(|(key, shown)| {
            let slug = slugs.get(key).cloned().unwrap_or_default();
            // Slugs come from the name as written, so the Latin edition's terms have the
            // Kazakh edition's URLs; the name is shown in the edition's script.
            let term = Term {
                name: config.in_script(lang, shown).into_owned(),
                url: format!("{url}{slug}/"),
                slug,
                pages: Vec::new(),
            };
            (key.clone(), term)
        })
        .collect();
    terms.sort_by(|a, b| locale.compare(&a.1.name, &b.1.name));
    let index: BTreeMap<String, TermId> = terms
        .iter()
        .enumerate()
        .map(|(i, (key, _))| (key.clone(), TermId(i)))
        .collect();
    let mut terms: Vec<Term> = terms.into_iter().map(|(_, t)| t).collect();
    let term_of: Vec<TermId> = identities
        .keys
        .iter()
        .map(|key| index.get(key).copied().unwrap_or(TermId(0)))
        .collect();
    let mut page_terms = Vec::with_capacity(page_identities.len());
    for (id, mine) in page_identities {
        let ids: Vec<TermId> = mine.iter().map(|&i| term_of[i]).collect();
        for tid in &ids {
            terms[tid.0].pages.push(id);
        }
        page_terms.push((id, ids));
    }
    BuiltTaxonomy {
        taxonomy: Taxonomy {
            lang,
            name: name.to_string(),
            url,
            terms,
        },
        page_terms,
        diags,
    }
}

/// The name a written term is shown with in `lang`: the vocabulary's name for it, else as
/// written.
fn shown_name(vocabulary: Option<&Vocabulary>, lang: Lang, written: &str) -> String {
    match vocabulary.and_then(|v| v.resolve(written)) {
        Some(term) => term
            .names
            .get(&lang)
            .cloned()
            .unwrap_or_else(|| term.key.clone()),
        None => written.to_string(),
    }
}

/// The term identities met so far, each with the name it is shown with: of all the
/// spellings of one identity, the first in code-point order, so «Астана» beats «астана».
#[derive(Default)]
struct Identities {
    keys: Vec<String>,
    shown: Vec<String>,
    index: HashMap<String, usize>,
}

impl Identities {
    /// Adds a spelling of the identity `key`, returning the identity's index.
    fn add(&mut self, key: String, shown: String) -> usize {
        match self.index.get(&key) {
            Some(&i) => {
                if shown < self.shown[i] {
                    self.shown[i] = shown;
                }
                i
            }
            None => {
                let i = self.keys.len();
                self.index.insert(key.clone(), i);
                self.keys.push(key);
                self.shown.push(shown);
                i
            }
        }
    }

    fn found(&self) -> BTreeMap<String, String> {
        self.keys
            .iter()
            .cloned()
            .zip(self.shown.iter().cloned())
            .collect()
    }
}

/// A taxonomy, each page's terms in it (for `Page::terms`), and the problems found.
pub(super) struct BuiltTaxonomy {
    pub taxonomy: Taxonomy,
    pub page_terms: Vec<(PageId, Vec<TermId>)>,
    pub diags: Diagnostics,
}
