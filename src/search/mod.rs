//! The static search index, one per language under `/<lang>/search/`: postings sharded by
//! the first letters of each stem (two, more where a shard would be too big; a query
//! downloads only its shards, see `shards`), precomputed BM25
//! weights with title and term matches counting more than body text, document metadata and
//! snippet text in small chunks. `search.js` in the theme reads it; the format is in
//! docs/search.md.

pub mod kazakh;
pub mod normalize;
pub mod shards;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

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
const DOCS_PER_CHUNK: usize = 25;
const TEXTS_PER_CHUNK: usize = 5;
/// `meta.json`'s `version`: 2 since shards split (a client of version 1 would look for a
/// split word in its two-letter shard and not find it).
const INDEX_VERSION: u32 = 2;
/// Snippet text kept per document, in characters.
const SNIPPET_TEXT: usize = 1200;

/// One indexed document, after tokenizing.
struct Indexed {
    /// Stem → weighted term frequency.
    tf: HashMap<Arc<str>, u32>,
    length: u32,
    text: String,
}

/// A worker's memory of the stems it computed: a language has far fewer distinct words than
/// words, and stemming is the costly part of indexing.
#[derive(Default)]
struct StemMemo {
    stems: HashMap<String, Arc<str>>,
}

impl StemMemo {
    fn stem(&mut self, token: &str, normalizer: &Normalizer) -> Arc<str> {
        if let Some(stem) = self.stems.get(token) {
            return Arc::clone(stem);
        }
        let stem: Arc<str> = normalizer.stem(token).into();
        self.stems.insert(token.to_string(), Arc::clone(&stem));
        stem
    }
}

/// Doc and weight pairs with each document number replaced by its difference to the previous
/// one (the first stays absolute).
fn delta_encode(flat: &[u32]) -> Vec<u32> {
    let mut encoded = Vec::with_capacity(flat.len());
    let mut previous = 0;
    for pair in flat.chunks(2) {
        if let [doc, weight] = pair {
            encoded.push(doc - previous);
            encoded.push(*weight);
            previous = *doc;
        }
    }
    encoded
}

fn index_document(
    site: &Site,
    root: &Path,
    id: PageId,
    normalizer: &Normalizer,
    memo: &mut StemMemo,
) -> Result<Indexed, Diagnostic> {
    let page = site.page(id);
    let body = read_body(root, &page.doc)?;
    let text = markdown::plain_text(&body);
    let mut tf: HashMap<Arc<str>, u32> = HashMap::new();
    let mut length = 0;
    let mut add = |text: &str, weight: u32| {
        for token in tokens(text) {
            *tf.entry(memo.stem(&token, normalizer)).or_insert(0) += weight;
            length += weight;
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
        length: length.max(1),
        text,
    })
}

/// Hands a worker's stem memo back when rayon drops the worker's state.
struct MemoGuard<'a> {
    memo: StemMemo,
    into: &'a std::sync::Mutex<Vec<StemMemo>>,
}

impl Drop for MemoGuard<'_> {
    fn drop(&mut self) {
        if let Ok(mut all) = self.into.lock() {
            all.push(std::mem::take(&mut self.memo));
        }
    }
}

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
    // Each worker keeps its stem memo; the memos together list every form the documents
    // use, which the index ships so the browser can look complete words up.
    let memos: std::sync::Mutex<Vec<StemMemo>> = std::sync::Mutex::new(Vec::new());
    let indexed: Vec<Indexed> = ids
        .par_iter()
        .map_init(
            || MemoGuard {
                memo: StemMemo::default(),
                into: &memos,
            },
            |guard, id| index_document(site, root, *id, &normalizer, &mut guard.memo),
        )
        .collect::<Result<_, _>>()?;
    let memos = memos.into_inner().unwrap_or_default();
    let count = indexed.len().max(1) as f64;
    let average = indexed.iter().map(|d| f64::from(d.length)).sum::<f64>() / count;

    // stem → flat [doc, weight, …], documents in order, so the ids ascend.
    let mut postings: HashMap<Arc<str>, Vec<u32>> = HashMap::new();
    for (doc, d) in indexed.iter().enumerate() {
        let norm = 1.0 - B + B * f64::from(d.length) / average.max(1.0);
        for (stem, &tf) in &d.tf {
            let tf = f64::from(tf);
            let weight = (tf * (K1 + 1.0) / (tf + K1 * norm) * 100.0).round() as u32;
            postings
                .entry(Arc::clone(stem))
                .or_default()
                .extend([doc as u32, weight.max(1)]);
        }
    }
    // Delta-encode each posting list; lay_out groups them (and the forms) into shards,
    // BTreeMaps keeping the files deterministic.
    let encoded = postings
        .iter()
        .map(|(stem, flat)| (&**stem, delta_encode(flat)));
    let forms = memos.iter().flat_map(|memo| {
        memo.stems
            .iter()
            .filter(|(form, stem)| form.as_str() != &***stem)
            .map(|(form, stem)| (form.as_str(), &**stem))
    });
    let shard_files = shards::lay_out(encoded, forms, shards::SPLIT_BYTES);
    let base = format!("{lang}/search/");
    let mut files = Vec::new();
    let mut keys = Vec::with_capacity(shard_files.len());
    let mut sizes = Vec::with_capacity(shard_files.len());
    for (key, json) in shard_files {
        sizes.push(json.len());
        files.push((format!("{base}s/{key}.json"), json));
        keys.push(key);
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
        "version": INDEX_VERSION,
        "lang": lang.code(),
        "stemmer": match lang { Lang::Kk => "kk", Lang::Ru => "snowball-ru" },
        "docs": ids.len(),
        "docs_per_chunk": DOCS_PER_CHUNK,
        "texts_per_chunk": TEXTS_PER_CHUNK,
        "shards": keys,
        "shard_bytes": sizes,
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
