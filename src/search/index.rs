//! The postings of a language in memory as documents are added: the vocabulary (forms
//! and stems, numbered as first met), each stem's compact posting list and every
//! document's length, and the BM25 weights computed from them once all documents are in.

use std::collections::HashMap;
use std::sync::Arc;

use super::document::Terms;
use super::postings;
use super::terms::DocForms;

/// BM25 parameters.
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// Every form the language's documents use, numbered as first met, with its stem's number;
/// and the stems.
#[derive(Default)]
pub(super) struct Vocabulary {
    form_ids: HashMap<Arc<str>, u32>,
    pub(super) forms: Vec<Arc<str>>,
    pub(super) stem_of: Vec<u32>,
    stem_ids: HashMap<Arc<str>, u32>,
    pub(super) stems: Vec<Arc<str>>,
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
    pub(super) fn number(&mut self, terms: Terms<'_>) -> DocForms {
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
pub(super) struct Index {
    pub(super) vocabulary: Vocabulary,
    pub(super) postings: Vec<postings::Postings>,
    lengths: Vec<u32>,
    /// Per stem, the term frequency in the document being added; and the stems it has.
    frequency: Vec<u32>,
    touched: Vec<u32>,
}

impl Index {
    /// Adds the next document (numbered in the order added).
    pub(super) fn add(&mut self, doc: &DocForms) {
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

    pub(super) fn average_length(&self) -> f64 {
        let count = self.lengths.len().max(1) as f64;
        self.lengths.iter().map(|&l| f64::from(l)).sum::<f64>() / count
    }

    /// A stem's postings as the shard stores them: [doc difference, BM25 weight × 100, …].
    pub(super) fn weighted(&self, id: usize, average: f64) -> Vec<u32> {
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
