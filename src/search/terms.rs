//! The search terms cache: every indexed document's word forms with their weighted counts,
//! kept between builds (in `.qostil/`) so that a rebuild after an edit tokenizes and stems
//! only the documents that changed. Entries are found by the hash of the document's file,
//! which covers everything indexed of it (title, terms, body).
//!
//! The file is only ever a shortcut: anything unexpected in it (another version or key, a
//! bad checksum, a form number out of range) makes the indexer read the sources instead.
//!
//! Layout: a header (magic, key), the documents as they were indexed (content hash, then as
//! varints: weighted length, number of forms, (form number, weighted count) pairs), the
//! vocabulary (forms with their stem's number, then the stems), and a trailer of three
//! little-endian u64: where the vocabulary starts, the number of documents, and the xxh3 of
//! everything before the trailer.

use std::collections::HashMap;
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::postings::{push_varint, read_varint};

const MAGIC: &[u8] = b"qostil search terms 1\n";
const TRAILER: usize = 24;

/// One document's terms as the cache stores them: (form number, weighted count) and the
/// weighted length (the sum of the counts).
pub struct DocForms {
    pub forms: Vec<(u32, u32)>,
    pub length: u32,
}

/// A terms cache read back from disk.
pub struct CachedTerms {
    bytes: Vec<u8>,
    /// Content hash → where its entry's varints start.
    docs: HashMap<u64, usize>,
    /// Form number → (form, stem number).
    pub forms: Vec<(Arc<str>, u32)>,
    pub stems: Vec<Arc<str>>,
}

impl CachedTerms {
    /// The cache at `path` if it was written with `key` and is intact.
    pub fn load(path: &Path, key: u64) -> Option<CachedTerms> {
        let bytes = fs::read(path).ok()?;
        Self::parse(bytes, key)
    }

    fn parse(bytes: Vec<u8>, key: u64) -> Option<CachedTerms> {
        let body_end = bytes.len().checked_sub(TRAILER)?;
        let trailer = &bytes[body_end..];
        let word = |i: usize| -> Option<u64> {
            Some(u64::from_le_bytes(
                trailer.get(i * 8..i * 8 + 8)?.try_into().ok()?,
            ))
        };
        let (vocabulary_at, doc_count, checksum) = (word(0)?, word(1)?, word(2)?);
        if xxhash_rust::xxh3::xxh3_64(&bytes[..body_end]) != checksum {
            return None;
        }
        let header = bytes.get(..MAGIC.len() + 8)?;
        if &header[..MAGIC.len()] != MAGIC
            || u64::from_le_bytes(header[MAGIC.len()..].try_into().ok()?) != key
        {
            return None;
        }
        let vocabulary_at = usize::try_from(vocabulary_at).ok()?;
        let (forms, stems) = parse_vocabulary(bytes.get(vocabulary_at..body_end)?)?;
        let mut docs = HashMap::new();
        let mut at = MAGIC.len() + 8;
        for _ in 0..doc_count {
            let hash = u64::from_le_bytes(bytes.get(at..at + 8)?.try_into().ok()?);
            at += 8;
            docs.insert(hash, at);
            let _length = read_varint(&bytes, &mut at)?;
            let count = read_varint(&bytes, &mut at)?;
            for _ in 0..u64::from(count) * 2 {
                read_varint(&bytes, &mut at)?;
            }
        }
        (at == vocabulary_at).then_some(CachedTerms {
            bytes,
            docs,
            forms,
            stems,
        })
    }

    /// The terms of the document whose file hashes to `hash`, if the cache has them and
    /// they make sense (forms it knows, counts adding up to the length).
    pub fn get(&self, hash: u64) -> Option<DocForms> {
        let mut at = *self.docs.get(&hash)?;
        let length = read_varint(&self.bytes, &mut at)?;
        let count = read_varint(&self.bytes, &mut at)?;
        let mut forms = Vec::with_capacity(count.min(4096) as usize);
        let mut sum: u64 = 0;
        for _ in 0..count {
            let form = read_varint(&self.bytes, &mut at)?;
            let weight = read_varint(&self.bytes, &mut at)?;
            if form as usize >= self.forms.len() {
                return None;
            }
            sum += u64::from(weight);
            forms.push((form, weight));
        }
        (sum == u64::from(length)).then_some(DocForms { forms, length })
    }
}

/// Form number → (form, stem number); and the stems.
type Vocabulary = (Vec<(Arc<str>, u32)>, Vec<Arc<str>>);

fn parse_vocabulary(bytes: &[u8]) -> Option<Vocabulary> {
    let mut at = 0;
    let text = |at: &mut usize| -> Option<Arc<str>> {
        let len = read_varint(bytes, at)? as usize;
        let s = std::str::from_utf8(bytes.get(*at..at.checked_add(len)?)?).ok()?;
        *at += len;
        Some(Arc::from(s))
    };
    let form_count = read_varint(bytes, &mut at)?;
    let mut forms = Vec::new();
    for _ in 0..form_count {
        let form = text(&mut at)?;
        forms.push((form, read_varint(bytes, &mut at)?));
    }
    let stem_count = read_varint(bytes, &mut at)?;
    let mut stems = Vec::new();
    for _ in 0..stem_count {
        stems.push(text(&mut at)?);
    }
    let stems_known = forms.iter().all(|(_, s)| (*s as usize) < stems.len());
    (stems_known && at == bytes.len()).then_some((forms, stems))
}

/// Writes a new terms cache as documents are indexed, beside its final place; `finish`
/// renames it into place, so a build that stops halfway leaves the old file.
pub struct TermsWriter {
    out: BufWriter<fs::File>,
    tmp: PathBuf,
    path: PathBuf,
    hasher: xxhash_rust::xxh3::Xxh3,
    written: u64,
    docs: u64,
    scratch: Vec<u8>,
}

impl TermsWriter {
    pub fn create(path: &Path, key: u64) -> io::Result<TermsWriter> {
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)?;
        }
        let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
        let mut writer = TermsWriter {
            out: BufWriter::new(fs::File::create(&tmp)?),
            tmp,
            path: path.to_path_buf(),
            hasher: xxhash_rust::xxh3::Xxh3::new(),
            written: 0,
            docs: 0,
            scratch: Vec::new(),
        };
        writer.put(MAGIC)?;
        writer.put(&key.to_le_bytes())?;
        Ok(writer)
    }

    fn put(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.hasher.update(bytes);
        self.written += bytes.len() as u64;
        self.out.write_all(bytes)
    }

    /// Appends a document's entry (form numbers as in the vocabulary given to `finish`).
    pub fn doc(&mut self, hash: u64, terms: &DocForms) -> io::Result<()> {
        let mut entry = std::mem::take(&mut self.scratch);
        entry.clear();
        entry.extend_from_slice(&hash.to_le_bytes());
        push_varint(&mut entry, terms.length);
        push_varint(&mut entry, terms.forms.len() as u32);
        for &(form, weight) in &terms.forms {
            push_varint(&mut entry, form);
            push_varint(&mut entry, weight);
        }
        let result = self.put(&entry);
        self.scratch = entry;
        self.docs += 1;
        result
    }

    /// Writes the vocabulary and the trailer, and puts the file in place.
    pub fn finish(
        mut self,
        forms: &[Arc<str>],
        stem_of: &[u32],
        stems: &[Arc<str>],
    ) -> io::Result<()> {
        let vocabulary_at = self.written;
        let mut bytes = Vec::new();
        push_varint(&mut bytes, forms.len() as u32);
        for (form, stem) in forms.iter().zip(stem_of) {
            push_text(&mut bytes, form);
            push_varint(&mut bytes, *stem);
        }
        push_varint(&mut bytes, stems.len() as u32);
        for stem in stems {
            push_text(&mut bytes, stem);
        }
        self.put(&bytes)?;
        let checksum = self.hasher.digest();
        for word in [vocabulary_at, self.docs, checksum] {
            self.out.write_all(&word.to_le_bytes())?;
        }
        self.out.flush()?;
        fs::rename(&self.tmp, &self.path)
    }
}

impl Drop for TermsWriter {
    fn drop(&mut self) {
        // After `finish` the file was renamed and this fails quietly.
        let _ = fs::remove_file(&self.tmp);
    }
}

fn push_text(out: &mut Vec<u8>, text: &str) {
    push_varint(out, text.len() as u32);
    out.extend_from_slice(text.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arcs(words: &[&str]) -> Vec<Arc<str>> {
        words.iter().map(|w| Arc::from(*w)).collect()
    }

    fn write_sample(path: &Path, key: u64) {
        let mut w = TermsWriter::create(path, key).unwrap();
        let doc = DocForms {
            forms: vec![(0, 3), (1, 2)],
            length: 5,
        };
        w.doc(11, &doc).unwrap();
        w.doc(
            22,
            &DocForms {
                forms: vec![(2, 1)],
                length: 1,
            },
        )
        .unwrap();
        w.finish(
            &arcs(&["жұмысшы", "жұмысшылар", "мамандық"]),
            &[0, 0, 1],
            &arcs(&["жұмысшы", "мамандық"]),
        )
        .unwrap();
    }

    #[test]
    fn round_trips_documents_and_vocabulary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("terms-kk.bin");
        write_sample(&path, 7);
        let cache = CachedTerms::load(&path, 7).unwrap();
        let doc = cache.get(11).unwrap();
        assert_eq!(doc.forms, vec![(0, 3), (1, 2)]);
        assert_eq!(doc.length, 5);
        assert_eq!(cache.get(22).unwrap().forms, vec![(2, 1)]);
        assert!(cache.get(33).is_none());
        assert_eq!(&*cache.forms[1].0, "жұмысшылар");
        assert_eq!(&*cache.stems[cache.forms[1].1 as usize], "жұмысшы");
        // No temporary file is left beside it.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn another_key_or_any_damage_means_no_cache() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("terms-kk.bin");
        write_sample(&path, 7);
        assert!(CachedTerms::load(&path, 8).is_none());
        let good = fs::read(&path).unwrap();
        for at in [0, MAGIC.len() + 3, good.len() / 2, good.len() - 1] {
            let mut bad = good.clone();
            bad[at] ^= 0x40;
            assert!(CachedTerms::parse(bad, 7).is_none(), "byte {at}");
        }
        for len in [0, 10, good.len() - TRAILER, good.len() - 1] {
            assert!(
                CachedTerms::parse(good[..len].to_vec(), 7).is_none(),
                "{len}"
            );
        }
        assert!(CachedTerms::load(&dir.path().join("missing"), 7).is_none());
    }

    #[test]
    fn a_writer_dropped_before_finishing_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("terms-kk.bin");
        let mut w = TermsWriter::create(&path, 1).unwrap();
        w.doc(
            1,
            &DocForms {
                forms: vec![],
                length: 0,
            },
        )
        .unwrap();
        drop(w);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
