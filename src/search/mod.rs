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
pub mod terms;

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
use terms::{CachedTerms, DocForms, TermsWriter};

/// BM25 parameters.
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// A title word counts as this many body words; a tag or region as `TERM_WEIGHT`.
const TITLE_WEIGHT: u32 = 3;
const TERM_WEIGHT: u32 = 2;
/// Documents indexed in parallel at a time; only their term lists are held at once. A whole
/// number of text chunks, so that a batch knows which of its chunks it writes.
const INDEX_BATCH: usize = 250;
/// Documents per metadata chunk, and per snippet-text chunk.
const DOCS_PER_CHUNK: usize = 25;
const TEXTS_PER_CHUNK: usize = 5;
/// `meta.json`'s `version`: 2 since shards split (a client of version 1 would look for a
/// split word in its two-letter shard and not find it).
const INDEX_VERSION: u32 = 2;
/// Snippet text kept per document, in characters.
const SNIPPET_TEXT: usize = 1200;
const _: () = assert!(INDEX_BATCH.is_multiple_of(TEXTS_PER_CHUNK));
/// Shard groups (first two letters) made at a time; only their JSON is held at once.
const SHARD_BATCH: usize = 32;

/// What one document gave the indexer.
struct Indexed<'c> {
    terms: Terms<'c>,
    /// Its snippet text, when its text chunk is written (not kept from the last build).
    text: Option<String>,
}

enum Terms<'c> {
    /// From the terms cache, numbered as the cache numbers its forms.
    Cached(DocForms, &'c CachedTerms),
    /// Tokenized now: (form, stem, weighted count) and the weighted length.
    Fresh(Vec<(Arc<str>, Arc<str>, u32)>, u32),
}

/// A worker's memory of the stems it computed: a language has far fewer distinct words than
/// words, and stemming is the costly part of indexing. Form → (form, stem), shared pointers
/// so that a document's terms cost no new strings.
#[derive(Default)]
struct StemMemo {
    stems: HashMap<String, (Arc<str>, Arc<str>)>,
}

impl StemMemo {
    fn stem(&mut self, token: String, normalizer: &Normalizer) -> &(Arc<str>, Arc<str>) {
        self.stems.entry(token).or_insert_with_key(|form| {
            let stem = normalizer.stem(form);
            let stem: Arc<str> = if stem == *form {
                Arc::from(form.as_str())
            } else {
                stem.into()
            };
            (Arc::from(form.as_str()), stem)
        })
    }
}

/// A rayon worker's state: a stem memo borrowed from a shared pool (and handed back when
/// rayon drops the state, so the next batch reuses it), and a form counter reused for every
/// document.
struct Worker<'p> {
    memo: StemMemo,
    counts: HashMap<Arc<str>, (Arc<str>, u32)>,
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

    /// The forms of a page's title, terms and text, with their stems and weighted counts.
    fn tokenize(
        &mut self,
        page: &crate::site::Page,
        text: &str,
        normalizer: &Normalizer,
    ) -> Terms<'static> {
        let Worker { memo, counts, .. } = self;
        counts.clear();
        let mut length = 0;
        let mut add = |text: &str, weight: u32| {
            for token in tokens(text) {
                let (form, stem) = memo.stem(token, normalizer);
                counts
                    .entry(Arc::clone(form))
                    .or_insert_with(|| (Arc::clone(stem), 0))
                    .1 += weight;
                length += weight;
            }
        };
        add(page.title(), TITLE_WEIGHT);
        for terms in page.doc.meta.taxonomies.values() {
            for term in terms {
                add(term, TERM_WEIGHT);
            }
        }
        add(text, 1);
        let forms = counts
            .drain()
            .map(|(form, (stem, count))| (form, stem, count))
            .collect();
        Terms::Fresh(forms, length)
    }
}

impl Drop for Worker<'_> {
    fn drop(&mut self) {
        if let Ok(mut pool) = self.pool.lock() {
            pool.push(std::mem::take(&mut self.memo));
        }
    }
}

/// Indexes one document: its terms from the cache when the cache has its file, else from
/// its text; its snippet text when `needs_text`. The file is read only when needed.
fn index_document<'c>(
    site: &Site,
    root: &Path,
    id: PageId,
    needs_text: bool,
    cache: Option<&'c CachedTerms>,
    normalizer: &Normalizer,
    worker: &mut Worker<'_>,
) -> Result<Indexed<'c>, Diagnostic> {
    let page = site.page(id);
    let cached = cache.and_then(|c| Some((c.get(page.doc.content_hash)?, c)));
    if !needs_text {
        if let Some((doc, cache)) = cached {
            return Ok(Indexed {
                terms: Terms::Cached(doc, cache),
                text: None,
            });
        }
    }
    let body = read_body(root, &page.doc)?;
    let text = markdown::plain_text(&body);
    let snippet = needs_text.then(|| text.chars().take(SNIPPET_TEXT).collect());
    let terms = match cached {
        Some((doc, cache)) => Terms::Cached(doc, cache),
        None => worker.tokenize(page, &text, normalizer),
    };
    Ok(Indexed {
        terms,
        text: snippet,
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

/// Where a language's index files go.
pub trait IndexOutput {
    /// Writes the file at `path` inside the output. `key` names what a text chunk was made
    /// from; it is 0 for files made from the whole index.
    fn write(&mut self, path: &str, bytes: &[u8], key: u64) -> Result<(), Diagnostic>;

    /// Keeps the previous build's file at `path` when it was made from inputs with `key`;
    /// `false` when it cannot, and the indexer writes the file.
    fn keep(&mut self, _path: &str, _key: u64) -> bool {
        false
    }
}

/// What the indexer may take from, and leave for, other builds.
#[derive(Default, Clone, Copy)]
pub struct TermsCache<'a> {
    /// The terms cache a previous build left (see `terms_key`).
    pub previous: Option<&'a CachedTerms>,
    /// Where to write this build's terms cache; none is written without it.
    pub save_to: Option<&'a Path>,
}

/// The key a language's terms cache must have: what decides a document's terms besides its
/// own file (qostil's version, the stemmer's rules, the weights, the site's taxonomies).
pub fn terms_key(site: &Site, lang: Lang) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    hasher.update(kazakh::RULES_JSON.as_bytes());
    hasher.update(lang.code().as_bytes());
    hasher.update(&[TITLE_WEIGHT as u8, TERM_WEIGHT as u8]);
    for taxonomy in &site.config.taxonomies {
        hasher.update(taxonomy.as_bytes());
        hasher.update(b"\n");
    }
    hasher.digest()
}

/// What a text chunk is made of: the snippet rules and its documents' files, in order.
fn text_chunk_key(site: &Site, ids: &[PageId]) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    hasher.update(&(SNIPPET_TEXT as u64).to_le_bytes());
    for id in ids {
        hasher.update(&site.page(*id).doc.content_hash.to_le_bytes());
    }
    hasher.digest()
}

/// Collects the files in memory, for `build_index`.
struct Collect(Vec<(String, Vec<u8>)>);

impl IndexOutput for Collect {
    fn write(&mut self, path: &str, bytes: &[u8], _key: u64) -> Result<(), Diagnostic> {
        self.0.push((path.to_string(), bytes.to_vec()));
        Ok(())
    }
}

/// Every file of one language's index, in memory: (path inside the output, bytes). The
/// build streams them with `write_index`; this is for callers that want them all.
pub fn build_index(
    site: &Site,
    root: &Path,
    lang: Lang,
) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
    let mut files = Collect(Vec::new());
    write_index(site, root, lang, TermsCache::default(), &mut files)?;
    Ok(files.0)
}

/// Writes one language's index through `out`, each file as soon as it is made. Memory
/// holds the postings (a few bytes each, see `postings`), the distinct words and one batch
/// of documents' terms; no file is kept once written. With a terms cache, only documents
/// whose files changed are tokenized, and text chunks whose documents did not change are
/// kept from the last build (`out.keep`).
pub fn write_index(
    site: &Site,
    root: &Path,
    lang: Lang,
    cache: TermsCache<'_>,
    out: &mut dyn IndexOutput,
) -> Result<(), Diagnostic> {
    let ids: Vec<PageId> = (0..site.pages.len())
        .map(PageId)
        .filter(|id| {
            let p = site.page(*id);
            p.lang() == lang && !p.doc.meta.draft
        })
        .collect();
    let base = format!("{lang}/search/");
    write_doc_rows(site, &ids, &base, out)?;
    let normalizer = Normalizer::new(lang);
    let pool: Mutex<Vec<StemMemo>> = Mutex::new(Vec::new());
    let mut index = Index::default();
    // A terms cache that cannot be written only costs the next build time.
    let mut saver = cache
        .save_to
        .and_then(|path| TermsWriter::create(path, terms_key(site, lang)).ok());
    for (n, batch) in ids.chunks(INDEX_BATCH).enumerate() {
        let chunks = text_chunks(site, &base, n * INDEX_BATCH / TEXTS_PER_CHUNK, batch);
        let kept: Vec<bool> = chunks.iter().map(|(p, key)| out.keep(p, *key)).collect();
        let docs: Vec<Indexed<'_>> = batch
            .par_iter()
            .enumerate()
            .map_init(
                || Worker::new(&pool),
                |worker, (i, id)| {
                    let needs_text = !kept[i / TEXTS_PER_CHUNK];
                    index_document(
                        site,
                        root,
                        *id,
                        needs_text,
                        cache.previous,
                        &normalizer,
                        worker,
                    )
                },
            )
            .collect::<Result<_, _>>()?;
        let mut texts = Vec::with_capacity(docs.len());
        for (id, doc) in batch.iter().zip(docs) {
            let forms = index.vocabulary.number(doc.terms);
            if let Some(w) = saver.as_mut() {
                if w.doc(site.page(*id).doc.content_hash, &forms).is_err() {
                    saver = None;
                }
            }
            index.add(&forms);
            texts.push(doc.text);
        }
        for ((path, key), texts) in chunks.iter().zip(texts.chunks(TEXTS_PER_CHUNK)) {
            let texts: Vec<&str> = texts.iter().flatten().map(String::as_str).collect();
            if !texts.is_empty() {
                out.write(path, &serde_json::to_vec(&texts).unwrap_or_default(), *key)?;
            }
        }
    }
    if let Some(w) = saver {
        let v = &index.vocabulary;
        let _ = w.finish(&v.forms, &v.stem_of, &v.stems);
    }
    let shard_list = write_shards(&mut index, &base, out)?;

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
    out.write(&format!("{base}meta.json"), meta.to_string().as_bytes(), 0)?;
    if lang == Lang::Kk {
        out.write(
            &format!("{base}kk-stemmer.json"),
            kazakh::RULES_JSON.as_bytes(),
            0,
        )?;
    }
    Ok(())
}

/// The text chunks of a batch of documents, the first numbered `first`: (path, key).
fn text_chunks(site: &Site, base: &str, first: usize, batch: &[PageId]) -> Vec<(String, u64)> {
    batch
        .chunks(TEXTS_PER_CHUNK)
        .enumerate()
        .map(|(i, docs)| {
            let path = format!("{base}t/{}.json", first + i);
            (path, text_chunk_key(site, docs))
        })
        .collect()
}

/// The `d/` chunks: url, title, date and summary of `DOCS_PER_CHUNK` documents each.
fn write_doc_rows(
    site: &Site,
    ids: &[PageId],
    base: &str,
    out: &mut dyn IndexOutput,
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
        out.write(&format!("{base}d/{n}.json"), &json, 0)?;
    }
    Ok(())
}

/// Every form the language's documents use, numbered as first met, with its stem's number;
/// and the stems.
#[derive(Default)]
struct Vocabulary {
    form_ids: HashMap<Arc<str>, u32>,
    forms: Vec<Arc<str>>,
    stem_of: Vec<u32>,
    stem_ids: HashMap<Arc<str>, u32>,
    stems: Vec<Arc<str>>,
    /// The terms cache's form numbers → this vocabulary's (`u32::MAX`: not met yet).
    from_cache: Vec<u32>,
}

impl Vocabulary {
    fn form(&mut self, form: &Arc<str>, stem: &Arc<str>) -> u32 {
        if let Some(&id) = self.form_ids.get(form) {
            return id;
        }
        let stem = match self.stem_ids.get(stem) {
            Some(&id) => id,
            None => {
                let id = self.stems.len() as u32;
                self.stem_ids.insert(Arc::clone(stem), id);
                self.stems.push(Arc::clone(stem));
                id
            }
        };
        let id = self.forms.len() as u32;
        self.form_ids.insert(Arc::clone(form), id);
        self.forms.push(Arc::clone(form));
        self.stem_of.push(stem);
        id
    }

    /// A document's terms with this vocabulary's form numbers.
    fn number(&mut self, terms: Terms<'_>) -> DocForms {
        match terms {
            Terms::Fresh(forms, length) => DocForms {
                forms: forms
                    .iter()
                    .map(|(form, stem, count)| (self.form(form, stem), *count))
                    .collect(),
                length,
            },
            Terms::Cached(mut doc, cache) => {
                if self.from_cache.len() < cache.forms.len() {
                    self.from_cache.resize(cache.forms.len(), u32::MAX);
                }
                for (number, _) in &mut doc.forms {
                    let old = *number as usize;
                    if self.from_cache[old] == u32::MAX {
                        // `CachedTerms::get` checked both numbers.
                        let (form, stem) = &cache.forms[old];
                        self.from_cache[old] = self.form(form, &cache.stems[*stem as usize]);
                    }
                    *number = self.from_cache[old];
                }
                doc
            }
        }
    }
}

/// The postings of a language as documents are added: each stem's compact posting list,
/// and every document's length (for BM25's normalisation, which needs the average, so
/// weights are computed once all documents are in).
#[derive(Default)]
struct Index {
    vocabulary: Vocabulary,
    postings: Vec<postings::Postings>,
    lengths: Vec<u32>,
    /// Per stem, the term frequency in the document being added; and the stems it has.
    frequency: Vec<u32>,
    touched: Vec<u32>,
}

impl Index {
    /// Adds the next document (numbered in the order added).
    fn add(&mut self, doc: &DocForms) {
        let number = self.lengths.len() as u32;
        self.lengths.push(doc.length.max(1));
        let stems = self.vocabulary.stems.len();
        self.postings.resize_with(stems, Default::default);
        self.frequency.resize(stems, 0);
        for &(form, count) in &doc.forms {
            let stem = self.vocabulary.stem_of[form as usize] as usize;
            if self.frequency[stem] == 0 {
                self.touched.push(stem as u32);
            }
            self.frequency[stem] += count;
        }
        for stem in self.touched.drain(..) {
            let stem = stem as usize;
            self.postings[stem].push(number, self.frequency[stem]);
            self.frequency[stem] = 0;
        }
    }

    fn average_length(&self) -> f64 {
        let count = self.lengths.len().max(1) as f64;
        self.lengths.iter().map(|&l| f64::from(l)).sum::<f64>() / count
    }

    /// A stem's postings as the shard stores them: [doc difference, BM25 weight × 100, …].
    fn weighted(&self, id: usize, average: f64) -> Vec<u32> {
        let list = &self.postings[id];
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
    base: &str,
    out: &mut dyn IndexOutput,
) -> Result<Vec<(String, usize)>, Diagnostic> {
    let average = index.average_length();
    let vocabulary = std::mem::take(&mut index.vocabulary);
    // BTreeMaps keep groups and words in order, so the files are deterministic. The index
    // ships every form that is not its own stem, so the browser can look complete words up.
    let mut forms: BTreeMap<&str, BTreeMap<&str, &str>> = BTreeMap::new();
    for (form, &stem) in vocabulary.forms.iter().zip(&vocabulary.stem_of) {
        let stem = &vocabulary.stems[stem as usize];
        if form != stem {
            forms
                .entry(shards::group_of(form))
                .or_default()
                .insert(form, stem);
        }
    }
    let mut stem_groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (id, stem) in vocabulary.stems.iter().enumerate() {
        stem_groups
            .entry(shards::group_of(stem))
            .or_default()
            .push(id);
    }
    let groups: BTreeSet<&str> = stem_groups.keys().chain(forms.keys()).copied().collect();
    let groups: Vec<&str> = groups.into_iter().collect();
    let mut written = Vec::new();
    // Groups are made into JSON in parallel, a batch at a time, and written in order.
    for batch in groups.chunks(SHARD_BATCH) {
        let work: Vec<(&str, &[usize], BTreeMap<&str, &str>)> = batch
            .iter()
            .map(|&group| {
                let ids = stem_groups.get(group).map_or(&[][..], Vec::as_slice);
                (group, ids, forms.remove(group).unwrap_or_default())
            })
            .collect();
        let files: Vec<Vec<(String, Vec<u8>)>> = work
            .into_par_iter()
            .map(|(group, ids, forms)| {
                let mut shard = shards::Shard::default();
                for &id in ids {
                    shard
                        .stems
                        .insert(&vocabulary.stems[id], index.weighted(id, average));
                }
                shard.forms = forms;
                let mut files = Vec::new();
                let _ = shards::place(shard, group, shards::SPLIT_BYTES, &mut |key, json| {
                    files.push((key, json));
                    Ok::<(), ()>(())
                });
                files
            })
            .collect();
        for (key, json) in files.into_iter().flatten() {
            out.write(&format!("{base}s/{key}.json"), &json, 0)?;
            written.push((key, json.len()));
        }
        // The batch's postings are done with.
        for group in batch {
            for &id in stem_groups.get(group).into_iter().flatten() {
                index.postings[id] = postings::Postings::default();
            }
        }
    }
    written.sort();
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Locales;

    fn fixture_site() -> (std::path::PathBuf, Site) {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic");
        let locales = std::sync::Arc::new(Locales::new().unwrap());
        let site = crate::build::load_site(&root, None, false, &locales).unwrap();
        (root, site)
    }

    fn index_with(site: &Site, root: &Path, cache: TermsCache<'_>) -> Vec<(String, Vec<u8>)> {
        let mut files = Collect(Vec::new());
        write_index(site, root, Lang::Kk, cache, &mut files).unwrap();
        files.0
    }

    /// Indexes the fixture's Kazakh pages, saving a terms cache in `dir`: (files, cache path).
    fn index_saving_terms(
        site: &Site,
        root: &Path,
        dir: &Path,
    ) -> (Vec<(String, Vec<u8>)>, std::path::PathBuf) {
        let path = dir.join("terms");
        let saving = TermsCache {
            previous: None,
            save_to: Some(&path),
        };
        (index_with(site, root, saving), path)
    }

    #[test]
    fn an_index_from_cached_terms_equals_one_from_the_sources() {
        let (root, site) = fixture_site();
        let dir = tempfile::tempdir().unwrap();
        let (fresh, path) = index_saving_terms(&site, &root, dir.path());
        assert_eq!(fresh, build_index(&site, &root, Lang::Kk).unwrap());
        let cache = CachedTerms::load(&path, terms_key(&site, Lang::Kk)).unwrap();
        let reusing = TermsCache {
            previous: Some(&cache),
            save_to: None,
        };
        assert_eq!(index_with(&site, &root, reusing), fresh);
        // Another language, or other taxonomies, would not find this cache.
        assert!(CachedTerms::load(&path, terms_key(&site, Lang::Ru)).is_none());
    }

    #[test]
    fn cached_terms_stand_in_for_the_documents_text() {
        let (root, site) = fixture_site();
        let dir = tempfile::tempdir().unwrap();
        let (_, path) = index_saving_terms(&site, &root, dir.path());
        let mut cache = CachedTerms::load(&path, terms_key(&site, Lang::Kk)).unwrap();
        // Rename one stem in the cache: an index that used the cache shows the new name,
        // one made from the sources again would not.
        assert!(!cache.stems.is_empty());
        cache.stems[0] = Arc::from("qostilzzz");
        let reusing = TermsCache {
            previous: Some(&cache),
            save_to: None,
        };
        let files = index_with(&site, &root, reusing);
        assert!(files.iter().any(|(p, b)| p.starts_with("kk/search/s/")
            && String::from_utf8_lossy(b).contains("\"qostilzzz\"")));
    }
}
