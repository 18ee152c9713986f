//! The files made from the whole index once every document is in: the shards (postings
//! expanded to weights, a group of words at a time) and `meta.json` that lists them.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use serde_json::json;

use crate::diag::Diagnostic;
use crate::lang::Lang;

use super::index::Index;
use super::{
    kazakh, postings, shards, IndexOutput, DOCS_PER_CHUNK, INDEX_VERSION, SHARD_BATCH,
    TEXTS_PER_CHUNK,
};

/// Writes the shards, one group of words (first two letters) at a time, so that only that
/// group's postings are expanded to weights and JSON at once. Returns (key, bytes) of every
/// shard written, in key order.
pub(super) fn write_shards(
    index: &mut Index,
    rows: &[shards::Row],
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
                let _ = shards::place(shard, group, shards::SPLIT_BYTES, rows, &mut |key, json| {
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

/// Writes `meta.json` (what `search.js` needs to find the other files: the shard keys and
/// sizes, the chunk sizes, the number of documents) and, for Kazakh, the stemmer's rules.
pub(super) fn write_meta(
    lang: Lang,
    docs: usize,
    shard_list: Vec<(String, usize)>,
    base: &str,
    out: &mut dyn IndexOutput,
) -> Result<(), Diagnostic> {
    let (keys, sizes): (Vec<String>, Vec<usize>) = shard_list.into_iter().unzip();
    let meta = json!({
        "version": INDEX_VERSION,
        "lang": lang.code(),
        "stemmer": match lang { Lang::Kk | Lang::KkLatn => "kk", Lang::Ru => "snowball-ru" },
        "docs": docs,
        "docs_per_chunk": DOCS_PER_CHUNK,
        "texts_per_chunk": TEXTS_PER_CHUNK,
        "rows_per_stem": shards::ROWS_PER_STEM,
        "shards": keys,
        "shard_bytes": sizes,
    });
    out.write(&format!("{base}meta.json"), meta.to_string().as_bytes(), 0)?;
    if lang.source() == Lang::Kk {
        out.write(
            &format!("{base}kk-stemmer.json"),
            kazakh::RULES_JSON.as_bytes(),
            0,
        )?;
    }
    Ok(())
}
