//! The static search index, one per language under `/<lang>/search/`: postings sharded by
//! the first letters of each stem (two, more where a shard would be too big; a query
//! downloads only its shards, see `shards`), precomputed BM25
//! weights with title and term matches counting more than body text, document metadata and
//! snippet text in small chunks. `search.js` in the theme reads it; the format is in
//! docs/search.md.

pub mod kazakh;
pub mod normalize;
mod postings;
pub mod shards;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex};

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
/// Documents indexed in parallel at a time; only their term lists are held at once.
const INDEX_BATCH: usize = 256;
/// Documents per metadata chunk, and per snippet-text chunk.
const DOCS_PER_CHUNK: usize = 25;
const TEXTS_PER_CHUNK: usize = 5;
/// `meta.json`'s `version`: 2 since shards split (a client of version 1 would look for a
/// split word in its two-letter shard and not find it).
const INDEX_VERSION: u32 = 2;
/// Snippet text kept per document, in characters.
const SNIPPET_TEXT: usize = 1200;

/// One indexed document, after tokenizing: the stems it uses with their weighted term
/// frequencies (no map: the indexer only walks them once), its weighted length and its
/// snippet text.
struct DocTerms {
    terms: Vec<(Arc<str>, u32)>,
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

/// A rayon worker's state: a stem memo borrowed from a shared pool (and handed back when
/// rayon drops the state, so the next batch reuses it), and a term counter reused for every
/// document.
struct Worker<'p> {
    memo: StemMemo,
    counts: HashMap<Arc<str>, u32>,
    pool: &'p Mutex<Vec<StemMemo>>,
}

impl<'p> Worker<'p> {
    fn new(pool: &'p Mutex<Vec<StemMemo>>) -> Self {
        let memo = pool
            .lock()
            .ok()
            .and_then(|mut p| p.pop())
            .unwrap_or_default();
        Worker {
            memo,
            counts: HashMap::new(),
            pool,
        }
    }
}

impl Drop for Worker<'_> {
    fn drop(&mut self) {
        if let Ok(mut pool) = self.pool.lock() {
            pool.push(std::mem::take(&mut self.memo));
        }
    }
}

fn index_document(
    site: &Site,
    root: &Path,
    id: PageId,
    normalizer: &Normalizer,
    worker: &mut Worker<'_>,
) -> Result<DocTerms, Diagnostic> {
    let page = site.page(id);
    let body = read_body(root, &page.doc)?;
    let text = markdown::plain_text(&body);
    let Worker { memo, counts, .. } = worker;
    counts.clear();
    let mut length = 0;
    let mut add = |text: &str, weight: u32| {
        for token in tokens(text) {
            *counts.entry(memo.stem(&token, normalizer)).or_insert(0) += weight;
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
    Ok(DocTerms {
        terms: counts.drain().collect(),
        length: length.max(1),
        text: text.chars().take(SNIPPET_TEXT).collect(),
    })
}

/// A document's row in the metadata chunks.
#[derive(Serialize)]
struct DocRow<'a> {
    url: String,
    title: &'a str,
    date: Option<String>,
    summary: &'a str,
}

/// Where a language's index files go: `write(path inside the output, bytes)`.
pub type IndexWriter<'w> = dyn FnMut(&str, &[u8]) -> Result<(), Diagnostic> + 'w;

/// Every file of one language's index, in memory: (path inside the output, bytes). The
/// build streams them with `write_index`; this is for callers that want them all.
pub fn build_index(
    site: &Site,
    root: &Path,
    lang: Lang,
) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
    let mut files = Vec::new();
    write_index(site, root, lang, &mut |path, bytes| {
        files.push((path.to_string(), bytes.to_vec()));
        Ok(())
    })?;
    Ok(files)
}

/// Writes one language's index through `write`, each file as soon as it is made. Memory
/// holds the postings (a few bytes each, see `postings`), the distinct words and one batch
/// of documents' terms; no file is kept once written.
pub fn write_index(
    site: &Site,
    root: &Path,
    lang: Lang,
    write: &mut IndexWriter<'_>,
) -> Result<(), Diagnostic> {
    let ids: Vec<PageId> = (0..site.pages.len())
        .map(PageId)
        .filter(|id| {
            let p = site.page(*id);
            p.lang() == lang && !p.doc.meta.draft
        })
        .collect();
    let base = format!("{lang}/search/");
    write_doc_rows(site, &ids, &base, write)?;
    let normalizer = Normalizer::new(lang);
    let pool: Mutex<Vec<StemMemo>> = Mutex::new(Vec::new());
    let mut index = Index::default();
    let mut texts = TextChunks::new(&base);
    for batch in ids.chunks(INDEX_BATCH) {
        let docs: Vec<DocTerms> = batch
            .par_iter()
            .map_init(
                || Worker::new(&pool),
                |worker, id| index_document(site, root, *id, &normalizer, worker),
            )
            .collect::<Result<_, _>>()?;
        for doc in docs {
            index.add(doc.terms, doc.length);
            texts.push(doc.text, write)?;
        }
    }
    texts.finish(write)?;
    // The memos together hold every form the documents use, which the index ships so the
    // browser can look complete words up.
    let memos = pool.into_inner().unwrap_or_default();
    let shard_list = write_shards(&mut index, &memos, &base, write)?;

    let (keys, sizes): (Vec<String>, Vec<usize>) = shard_list.into_iter().unzip();
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
    write(&format!("{base}meta.json"), meta.to_string().as_bytes())?;
    if lang == Lang::Kk {
        write(
            &format!("{base}kk-stemmer.json"),
            kazakh::RULES_JSON.as_bytes(),
        )?;
    }
    Ok(())
}

/// The `d/` chunks: url, title, date and summary of `DOCS_PER_CHUNK` documents each.
fn write_doc_rows(
    site: &Site,
    ids: &[PageId],
    base: &str,
    write: &mut IndexWriter<'_>,
) -> Result<(), Diagnostic> {
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
        let json = serde_json::to_vec(&rows).unwrap_or_default();
        write(&format!("{base}d/{n}.json"), &json)?;
    }
    Ok(())
}

/// The `t/` chunks, written as soon as `TEXTS_PER_CHUNK` documents' snippet texts are in.
struct TextChunks<'b> {
    base: &'b str,
    pending: Vec<String>,
    written: usize,
}

impl<'b> TextChunks<'b> {
    fn new(base: &'b str) -> Self {
        TextChunks {
            base,
            pending: Vec::with_capacity(TEXTS_PER_CHUNK),
            written: 0,
        }
    }

    fn push(&mut self, text: String, write: &mut IndexWriter<'_>) -> Result<(), Diagnostic> {
        self.pending.push(text);
        if self.pending.len() == TEXTS_PER_CHUNK {
            self.flush(write)?;
        }
        Ok(())
    }

    fn finish(mut self, write: &mut IndexWriter<'_>) -> Result<(), Diagnostic> {
        if self.pending.is_empty() {
            return Ok(());
        }
        self.flush(write)
    }

    fn flush(&mut self, write: &mut IndexWriter<'_>) -> Result<(), Diagnostic> {
        let json = serde_json::to_vec(&self.pending).unwrap_or_default();
        write(&format!("{}t/{}.json", self.base, self.written), &json)?;
        self.pending.clear();
        self.written += 1;
        Ok(())
    }
}

/// The postings of a language as documents are added: stems interned as numbers, each
/// with its compact posting list, and every document's length (for BM25's normalisation,
/// which needs the average, so weights are computed once all documents are in).
#[derive(Default)]
struct Index {
    ids: HashMap<Arc<str>, u32>,
    stems: Vec<Arc<str>>,
    postings: Vec<postings::Postings>,
    lengths: Vec<u32>,
}

impl Index {
    /// Adds the next document (numbered in the order added).
    fn add(&mut self, terms: Vec<(Arc<str>, u32)>, length: u32) {
        let doc = self.lengths.len() as u32;
        self.lengths.push(length);
        for (stem, tf) in terms {
            let id = self.intern(stem);
            self.postings[id].push(doc, tf);
        }
    }

    fn intern(&mut self, stem: Arc<str>) -> usize {
        if let Some(&id) = self.ids.get(&stem) {
            return id as usize;
        }
        let id = self.stems.len();
        self.ids.insert(Arc::clone(&stem), id as u32);
        self.stems.push(stem);
        self.postings.push(postings::Postings::default());
        id
    }

    fn average_length(&self) -> f64 {
        let count = self.lengths.len().max(1) as f64;
        self.lengths.iter().map(|&l| f64::from(l)).sum::<f64>() / count
    }

    /// A stem's postings as the shard stores them, taking them out of the index:
    /// [doc difference, BM25 weight × 100, …].
    fn take_weighted(&mut self, id: usize, average: f64) -> Vec<u32> {
        let list = std::mem::take(&mut self.postings[id]);
        let mut out = Vec::with_capacity(list.len() * 2);
        let mut doc = 0usize;
        for (delta, tf) in list.iter() {
            doc += delta as usize;
            let length = self.lengths.get(doc).copied().unwrap_or(1);
            out.extend([delta, bm25_weight(tf, length, average)]);
        }
        out
    }
}

/// A term's BM25 weight in a document, times 100, rounded, at least 1.
fn bm25_weight(tf: u32, length: u32, average: f64) -> u32 {
    let norm = 1.0 - B + B * f64::from(length) / average.max(1.0);
    let tf = f64::from(tf);
    let weight = (tf * (K1 + 1.0) / (tf + K1 * norm) * 100.0).round() as u32;
    weight.max(1)
}

/// Writes the shards, one group of words (first two letters) at a time, so that only that
/// group's postings are expanded to weights and JSON at once. Returns (key, bytes) of every
/// shard written, in key order.
fn write_shards(
    index: &mut Index,
    memos: &[StemMemo],
    base: &str,
    write: &mut IndexWriter<'_>,
) -> Result<Vec<(String, usize)>, Diagnostic> {
    let average = index.average_length();
    // BTreeMaps keep groups and words in order, so the files are deterministic.
    let mut forms: BTreeMap<&str, BTreeMap<&str, &str>> = BTreeMap::new();
    for memo in memos {
        for (form, stem) in &memo.stems {
            if form.as_str() != &**stem {
                forms
                    .entry(shards::group_of(form))
                    .or_default()
                    .insert(form, stem);
            }
        }
    }
    let names: Vec<Arc<str>> = index.stems.clone();
    let mut stem_groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (id, stem) in names.iter().enumerate() {
        stem_groups
            .entry(shards::group_of(stem))
            .or_default()
            .push(id);
    }
    let groups: BTreeSet<&str> = stem_groups.keys().chain(forms.keys()).copied().collect();
    let mut written = Vec::new();
    for group in groups {
        let mut shard = shards::Shard::default();
        for &id in stem_groups.get(group).into_iter().flatten() {
            shard
                .stems
                .insert(&names[id], index.take_weighted(id, average));
        }
        shard.forms = forms.remove(group).unwrap_or_default();
        shards::place(shard, group, shards::SPLIT_BYTES, &mut |key, json| {
            write(&format!("{base}s/{key}.json"), &json)?;
            written.push((key, json.len()));
            Ok(())
        })?;
    }
    written.sort();
    Ok(written)
}
