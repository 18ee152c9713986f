//! The static search index, one per language under `/<lang>/search/`: postings sharded by
//! the first letters of each stem (two, more where a shard would be too big; a query
//! downloads only its shards, see `shards`), precomputed BM25
//! weights with title and term matches counting more than body text, the result rows (url,
//! title, date) of each stem's 20 best documents in the stem's shard, document metadata and
//! snippet text in small chunks. `search.js` in the theme reads it; the format is in
//! docs/search.md.

mod chunks;
mod document;
mod index;
pub mod kazakh;
pub mod normalize;
mod postings;
pub mod shards;
pub mod terms;
mod write;

use std::path::Path;
use std::sync::Mutex;

use rayon::prelude::*;

use crate::diag::Diagnostic;
use crate::lang::Lang;
use crate::site::{PageId, Site};
use chunks::{text_chunks, write_doc_rows};
use document::{index_document, Indexed, StemMemo, Worker};
use index::Index;
use normalize::Normalizer;
use terms::{CachedTerms, TermsWriter};
use write::{write_meta, write_shards};

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
/// The index files' layout, for the keys that decide whether a previous build's index can be
/// kept: "rows" since shards carry the result rows of their stems' best documents.
pub const FORMAT: &str = "index-2 rows";
/// Snippet text kept per document, in characters.
const SNIPPET_TEXT: usize = 1200;
const _: () = assert!(INDEX_BATCH.is_multiple_of(TEXTS_PER_CHUNK));
/// Shard groups (first two letters) made at a time; only their JSON is held at once.
const SHARD_BATCH: usize = 32;

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

/// What the indexer may take from, and leave for, other builds and indexes.
#[derive(Default, Clone, Copy)]
pub struct TermsCache<'a> {
    /// The terms cache a previous build left (see `terms_key`).
    pub previous: Option<&'a CachedTerms>,
    /// Where to write this build's terms cache; none is written without it.
    pub save_to: Option<&'a Path>,
    /// Snippet texts shared between a language and its derived edition (see `SourceTexts`):
    /// the source language's index fills it, the edition's reads it.
    pub texts: Option<&'a SourceTexts>,
}

/// The snippet texts of a source language's documents, by content hash, which its index
/// keeps for its derived edition's: the Latin index shows them transliterated instead of
/// reading and parsing every Kazakh file again.
pub type SourceTexts = Mutex<std::collections::HashMap<u64, String>>;

/// The key a language's terms cache must have: what decides a document's terms besides its
/// own file (qostil's version, the stemmer's rules, the weights, the site's taxonomies).
pub fn terms_key(site: &Site, lang: Lang) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    hasher.update(kazakh::RULES_JSON.as_bytes());
    // The tokenizer's revision: 2 folds Latin look-alikes inside Cyrillic words.
    hasher.update(b"tokens-2\n");
    hasher.update(lang.code().as_bytes());
    hasher.update(&[TITLE_WEIGHT as u8, TERM_WEIGHT as u8]);
    for taxonomy in &site.config.taxonomies {
        hasher.update(taxonomy.as_bytes());
        hasher.update(b"\n");
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
    let rows = write_doc_rows(site, &ids, &base, out)?;
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
                    index_document(site, root, *id, needs_text, cache, &normalizer, worker)
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
    let shard_list = write_shards(&mut index, &rows, &base, out)?;
    drop(rows);
    write_meta(lang, ids.len(), shard_list, &base, out)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Locales;
    use std::sync::Arc;

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
            texts: None,
        };
        (index_with(site, root, saving), path)
    }

    /// The engine indexes the Latin edition with the Kazakh terms cache (the words are the
    /// Kazakh page's) and the snippets the Kazakh index kept: the files must be those made
    /// from the sources.
    #[test]
    fn a_latin_index_from_the_kazakh_terms_and_snippets_equals_one_from_the_sources() {
        let (dir, root, site) = crate::site::test_sites::basic_with("kazakh_latin: true\n");
        let path = dir.path().join("terms");
        let texts = SourceTexts::default();
        let kazakh = TermsCache {
            previous: None,
            save_to: Some(&path),
            texts: Some(&texts),
        };
        assert_eq!(
            index_with(&site, &root, kazakh),
            build_index(&site, &root, Lang::Kk).unwrap()
        );
        assert!(texts.lock().unwrap().len() >= 4);
        let cache = CachedTerms::load(&path, terms_key(&site, Lang::Kk)).unwrap();
        let fresh = build_index(&site, &root, Lang::KkLatn).unwrap();
        assert!(fresh
            .iter()
            .any(|(p, _)| p.starts_with("kk-latn/search/t/")));
        for texts in [Some(&texts), None] {
            let reusing = TermsCache {
                previous: Some(&cache),
                save_to: None,
                texts,
            };
            let mut files = Collect(Vec::new());
            write_index(&site, &root, Lang::KkLatn, reusing, &mut files).unwrap();
            assert!(files.0 == fresh, "with texts: {}", texts.is_some());
        }
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
            texts: None,
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
            texts: None,
        };
        let files = index_with(&site, &root, reusing);
        assert!(files.iter().any(|(p, b)| p.starts_with("kk/search/s/")
            && String::from_utf8_lossy(b).contains("\"qostilzzz\"")));
    }
}
