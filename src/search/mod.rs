//! The static search index, one per language under `/<lang>/search/`: postings sharded by
//! the first two letters of each stem (a query downloads only its shards), precomputed BM25
//! weights with title and term matches counting more than body text, document metadata and
//! snippet text in small chunks. `search.js` in the theme reads it; the format is in
//! docs/search.md.

pub mod kazakh;
pub mod normalize;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;
use serde_json::json;

use crate::content::{markdown, read_body};
use crate::diag::Diagnostic;
use crate::lang::Lang;
use crate::site::{PageId, Site};
use normalize::{tokens, Normalizer};

/// BM25 parameters.
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// A title word counts as this many body words; a tag or region as `TERM_WEIGHT`.
const TITLE_WEIGHT: u32 = 3;
const TERM_WEIGHT: u32 = 2;
/// Documents per metadata chunk, and per snippet-text chunk.
const DOCS_PER_CHUNK: usize = 100;
const TEXTS_PER_CHUNK: usize = 10;
/// Snippet text kept per document, in characters.
const SNIPPET_TEXT: usize = 2000;

/// One indexed document, after tokenizing.
struct Indexed {
    /// Stem → weighted term frequency.
    tf: HashMap<String, u32>,
    /// Form → stem, for forms that differ from their stem.
    forms: HashMap<String, String>,
    length: u32,
    text: String,
}

/// The file name of a shard: the stem's first two letters as hex code points (`043c-0430`),
/// ASCII whatever the script.
pub fn shard_key(stem: &str) -> String {
    stem.chars()
        .take(2)
        .map(|c| format!("{:04x}", u32::from(c)))
        .collect::<Vec<_>>()
        .join("-")
}

fn index_document(
    site: &Site,
    root: &Path,
    id: PageId,
    normalizer: &Normalizer,
) -> Result<Indexed, Diagnostic> {
    let page = site.page(id);
    let body = read_body(root, &page.doc)?;
    let text = markdown::plain_text(&body);
    let mut tf: HashMap<String, u32> = HashMap::new();
    let mut forms = HashMap::new();
    let mut length = 0;
    let mut add = |text: &str, weight: u32| {
        for token in tokens(text) {
            let stem = normalizer.stem(&token);
            *tf.entry(stem.clone()).or_insert(0) += weight;
            length += weight;
            if stem != token {
                forms.insert(token, stem);
            }
        }
    };
    add(page.title(), TITLE_WEIGHT);
    for terms in page.doc.meta.taxonomies.values() {
        for term in terms {
            add(term, TERM_WEIGHT);
        }
    }
    add(&text, 1);
    let text = text.chars().take(SNIPPET_TEXT).collect();
    Ok(Indexed {
        tf,
        forms,
        length: length.max(1),
        text,
    })
}

/// One shard under construction: stem → flat [doc, weight, …] postings, and form → stem.
type Shard = (BTreeMap<String, Vec<u32>>, BTreeMap<String, String>);

/// A document's row in the metadata chunks.
#[derive(Serialize)]
struct DocRow<'a> {
    url: String,
    title: &'a str,
    date: Option<String>,
    summary: &'a str,
}

/// Every file of one language's index: (path inside the output, bytes).
pub fn build_index(
    site: &Site,
    root: &Path,
    lang: Lang,
) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
    let ids: Vec<PageId> = (0..site.pages.len())
        .map(PageId)
        .filter(|id| {
            let p = site.page(*id);
            p.lang() == lang && !p.doc.meta.draft
        })
        .collect();
    let normalizer = Normalizer::new(lang);
    let indexed: Vec<Indexed> = ids
        .par_iter()
        .map(|id| index_document(site, root, *id, &normalizer))
        .collect::<Result<_, _>>()?;
    let count = indexed.len().max(1) as f64;
    let average = indexed.iter().map(|d| f64::from(d.length)).sum::<f64>() / count;

    // stem → (doc, weight); forms per shard. BTreeMaps keep the files deterministic.
    let mut shards: BTreeMap<String, Shard> = BTreeMap::new();
    for (doc, d) in indexed.iter().enumerate() {
        let norm = 1.0 - B + B * f64::from(d.length) / average.max(1.0);
        let mut stems: Vec<(&String, &u32)> = d.tf.iter().collect();
        stems.sort();
        for (stem, &tf) in stems {
            let tf = f64::from(tf);
            let weight = (tf * (K1 + 1.0) / (tf + K1 * norm) * 100.0).round() as u32;
            let (postings, _) = shards.entry(shard_key(stem)).or_default();
            postings
                .entry(stem.clone())
                .or_default()
                .extend([doc as u32, weight.max(1)]);
        }
        for (form, stem) in &d.forms {
            let (_, forms) = shards.entry(shard_key(form)).or_default();
            forms.insert(form.clone(), stem.clone());
        }
    }
    let base = format!("{lang}/search/");
    let mut files = Vec::new();
    for (key, (postings, forms)) in &shards {
        // Postings as flat [doc, weight, doc, weight…] with doc ids delta-encoded.
        let encoded: BTreeMap<&String, Vec<u32>> = postings
            .iter()
            .map(|(stem, flat)| {
                let mut out = Vec::with_capacity(flat.len());
                let mut previous = 0;
                for pair in flat.chunks(2) {
                    out.push(pair[0] - previous);
                    out.push(pair[1]);
                    previous = pair[0];
                }
                (stem, out)
            })
            .collect();
        let shard = json!({ "stems": encoded, "forms": forms });
        files.push((
            format!("{base}s/{key}.json"),
            shard.to_string().into_bytes(),
        ));
    }
    let urls = crate::render::views::Urls {
        base_url: &site.config.base_url,
        base_path: &site.config.base_path,
    };
    for (n, chunk) in ids.chunks(DOCS_PER_CHUNK).enumerate() {
        let rows: Vec<DocRow<'_>> = chunk
            .iter()
            .map(|id| {
                let page = site.page(*id);
                DocRow {
                    url: urls.link(&page.url),
                    title: page.title(),
                    date: page.doc.meta.date.as_ref().map(|d| d.iso()),
                    summary: &page.doc.summary,
                }
            })
            .collect();
        files.push((
            format!("{base}d/{n}.json"),
            serde_json::to_vec(&rows).unwrap_or_default(),
        ));
    }
    for (n, chunk) in indexed.chunks(TEXTS_PER_CHUNK).enumerate() {
        let texts: Vec<&str> = chunk.iter().map(|d| d.text.as_str()).collect();
        files.push((
            format!("{base}t/{n}.json"),
            serde_json::to_vec(&texts).unwrap_or_default(),
        ));
    }
    let meta = json!({
        "version": 1,
        "lang": lang.code(),
        "stemmer": match lang { Lang::Kk => "kk", Lang::Ru => "snowball-ru" },
        "docs": ids.len(),
        "docs_per_chunk": DOCS_PER_CHUNK,
        "texts_per_chunk": TEXTS_PER_CHUNK,
        "shards": shards.keys().collect::<Vec<_>>(),
    });
    files.push((format!("{base}meta.json"), meta.to_string().into_bytes()));
    if lang == Lang::Kk {
        files.push((
            format!("{base}kk-stemmer.json"),
            kazakh::RULES_JSON.as_bytes().to_vec(),
        ));
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_keys_are_ascii() {
        assert_eq!(shard_key("мамандық"), "043c-0430");
        assert_eq!(shard_key("a"), "0061");
    }
}
