//! How an index's postings (stem → documents) and forms (word → stem) are cut into shard
//! files. A shard holds the words that start with its key's letters; a shard whose JSON is
//! bigger than `SPLIT_BYTES` is split by one more letter, again and again up to keys of
//! `MAX_KEY_CHARS` letters. A word lives in the shard of the longest key that is a prefix of
//! it; `search.js` finds it with the same rule over the keys `meta.json` lists. See
//! docs/search.md ("Shards").

use std::collections::BTreeMap;

use serde::Serialize;

/// A shard whose JSON (rows included) is bigger than this (about 20 KB gzipped) is split by
/// one more letter. A first query downloads one or two shards besides a few snippet-text
/// chunks (at most 48 KB gzipped in all at 10,000 articles, bench/README.md), so shards of
/// this size keep it well under issue #8's 300 KB; smaller ones would mostly make
/// `meta.json` longer and a typed prefix expand over more files.
pub const SPLIT_BYTES: usize = 64 * 1024;

/// Keys have at most this many letters. A shard still too big there is the postings of one
/// word or a few, which further splitting would not make smaller.
pub const MAX_KEY_CHARS: usize = 6;

/// Letters of the keys before any split.
const BASE_KEY_CHARS: usize = 2;

/// The key of the first `chars` letters of `word`: each letter's code point as (at least)
/// four lower-case hex digits, joined by `-` (`мамандық`, 2 → `043c-0430`). ASCII whatever
/// the script.
pub fn shard_key(word: &str, chars: usize) -> String {
    word.chars()
        .take(chars)
        .map(|c| format!("{:04x}", u32::from(c)))
        .collect::<Vec<_>>()
        .join("-")
}

/// One shard: stem → delta-encoded [doc, weight, …] postings, and form → stem.
#[derive(Serialize, Default)]
pub struct Shard<'a> {
    pub stems: BTreeMap<&'a str, Vec<u32>>,
    pub forms: BTreeMap<&'a str, &'a str>,
}

/// A document's result row: url, title, date (`YYYY-MM-DD` or RFC 3339, or null).
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct Row(pub String, pub String, pub Option<String>);

/// A shard's file: its words, and the rows of the documents that are among the
/// `ROWS_PER_STEM` best of one of its stems (doc → row).
#[derive(Serialize)]
struct ShardFile<'s, 'a> {
    stems: &'s BTreeMap<&'a str, Vec<u32>>,
    forms: &'s BTreeMap<&'a str, &'a str>,
    rows: BTreeMap<u32, &'s Row>,
}

/// Rows a shard carries per stem: the stem's best documents by weight (ties: the lower
/// number), as many as the search page shows. A query of one word ranks a document by the
/// weight of its best-matching stem (times that stem's idf and factor, the same for all its
/// documents), so each of its 20 results is among the 20 best of that stem: the shards a
/// query of one word loads hold the rows of every result, and it needs no other file for
/// them. (Proof: a result's documents above it in its stem's list score above it too.)
pub const ROWS_PER_STEM: usize = 20;

/// The `n` best documents of a delta-encoded posting list [doc, weight, …]: weight
/// descending, then document ascending, as `search.js` ranks them.
pub fn best_docs(postings: &[u32], n: usize) -> Vec<u32> {
    let mut doc = 0u32;
    let mut all: Vec<(u32, u32)> = postings
        .chunks_exact(2)
        .map(|pair| {
            doc = doc.wrapping_add(pair[0]);
            (pair[1], doc)
        })
        .collect();
    let n = n.min(all.len());
    if n == 0 {
        return Vec::new();
    }
    let by_rank = |a: &(u32, u32), b: &(u32, u32)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
    all.select_nth_unstable_by(n - 1, by_rank);
    all.truncate(n);
    all.sort_unstable_by(by_rank);
    all.into_iter().map(|(_, doc)| doc).collect()
}

/// A shard's JSON, with the rows (from `rows`, indexed by document) of its stems' best
/// documents.
fn shard_json(shard: &Shard<'_>, rows: &[Row]) -> Vec<u8> {
    let mut picked = BTreeMap::new();
    for postings in shard.stems.values() {
        for doc in best_docs(postings, ROWS_PER_STEM) {
            if let Some(row) = rows.get(doc as usize) {
                picked.insert(doc, row);
            }
        }
    }
    let file = ShardFile {
        stems: &shard.stems,
        forms: &shard.forms,
        rows: picked,
    };
    serde_json::to_vec(&file).unwrap_or_default()
}

impl<'a> Shard<'a> {
    fn is_empty(&self) -> bool {
        self.stems.is_empty() && self.forms.is_empty()
    }

    /// Splits the shard of words sharing their first `chars` letters into the words that
    /// are no longer than that (they stay under this key) and groups by `chars + 1` letters.
    fn split(self, chars: usize) -> (Shard<'a>, BTreeMap<&'a str, Shard<'a>>) {
        let mut rest = Shard::default();
        let mut parts: BTreeMap<&'a str, Shard<'a>> = BTreeMap::new();
        for (stem, postings) in self.stems {
            match longer_prefix(stem, chars) {
                Some(p) => parts.entry(p).or_default().stems.insert(stem, postings),
                None => rest.stems.insert(stem, postings),
            };
        }
        for (form, stem) in self.forms {
            match longer_prefix(form, chars) {
                Some(p) => parts.entry(p).or_default().forms.insert(form, stem),
                None => rest.forms.insert(form, stem),
            };
        }
        (rest, parts)
    }
}

/// The first `chars + 1` letters of `word`, if it has that many.
fn longer_prefix(word: &str, chars: usize) -> Option<&str> {
    let mut ends = word.char_indices().map(|(i, c)| i + c.len_utf8());
    ends.nth(chars).map(|end| &word[..end])
}

/// The letters a word's shard starts from before any split: its first two (all of a
/// one-letter word). Words of one group never share a shard with another group's.
pub fn group_of(word: &str) -> &str {
    match word.char_indices().nth(BASE_KEY_CHARS) {
        Some((end, _)) => &word[..end],
        None => word,
    }
}

/// Writes `shard`, whose words all start with `letters` (a group, or a part of one), as one
/// shard file under that key, or splits it when its JSON (rows included) is bigger than
/// `split_bytes` and a longer key is allowed. `rows`: every document's row, by number.
/// `write` gets each shard's key and JSON.
pub fn place<'a, E>(
    shard: Shard<'a>,
    letters: &'a str,
    split_bytes: usize,
    rows: &[Row],
    write: &mut impl FnMut(String, Vec<u8>) -> Result<(), E>,
) -> Result<(), E> {
    let chars = letters.chars().count();
    let json = shard_json(&shard, rows);
    if json.len() <= split_bytes || chars >= MAX_KEY_CHARS {
        return write(shard_key(letters, chars), json);
    }
    drop(json);
    let (rest, parts) = shard.split(chars);
    if !rest.is_empty() {
        write(shard_key(letters, chars), shard_json(&rest, rows))?;
    }
    for (longer, part) in parts {
        place(part, longer, split_bytes, rows, write)?;
    }
    Ok(())
}

/// Every stem's postings and every form, laid out in shards: (key, JSON) in key order. What
/// `build_index` does group by group, here at once for the tests.
#[cfg(test)]
pub fn lay_out<'a>(
    stems: impl IntoIterator<Item = (&'a str, Vec<u32>)>,
    forms: impl IntoIterator<Item = (&'a str, &'a str)>,
    split_bytes: usize,
) -> Vec<(String, Vec<u8>)> {
    let mut groups: BTreeMap<&'a str, Shard<'a>> = BTreeMap::new();
    for (stem, postings) in stems {
        groups
            .entry(group_of(stem))
            .or_default()
            .stems
            .insert(stem, postings);
    }
    for (form, stem) in forms {
        groups
            .entry(group_of(form))
            .or_default()
            .forms
            .insert(form, stem);
    }
    let mut out = Vec::new();
    for (letters, group) in groups {
        let _ = place(group, letters, split_bytes, &[], &mut |key, json| {
            out.push((key, json));
            Ok::<(), ()>(())
        });
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// The shard that holds `word` among `keys` (sorted): the longest key that is a prefix of
/// the word's key. What `search.js` computes too (`shardFor`).
#[cfg(test)]
pub fn key_for<'k>(word: &str, keys: &'k std::collections::BTreeSet<String>) -> Option<&'k str> {
    let letters = word.chars().count().min(MAX_KEY_CHARS);
    (1..=letters)
        .rev()
        .find_map(|n| keys.get(&shard_key(word, n)).map(String::as_str))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn keys_are_ascii_hex_of_the_first_letters() {
        assert_eq!(shard_key("мамандық", 2), "043c-0430");
        assert_eq!(shard_key("мамандық", 3), "043c-0430-043c");
        assert_eq!(shard_key("a", 2), "0061");
        assert_eq!(shard_key("𝔸b", 2), "1d538-0062");
    }

    type Files = Vec<(String, Vec<u8>)>;
    type Forms = Vec<(String, String)>;

    /// Words: `пр` and `про` themselves, many `про…`, `пре…`, `при…` words and a few other
    /// shards' words, each with postings long enough to force splits at a small threshold.
    fn vocabulary() -> (Vec<String>, Forms) {
        let mut stems: Vec<String> = vec!["пр".into(), "про".into(), "е".into(), "аб".into()];
        for (head, n) in [("про", 40), ("пре", 12), ("при", 3), ("мам", 2)] {
            for i in 0..n {
                stems.push(format!(
                    "{head}{}",
                    char::from_u32(0x430 + i % 32).unwrap_or('а')
                ));
                stems.push(format!("{head}ф{i}"));
            }
        }
        stems.sort();
        stems.dedup();
        let forms = stems
            .iter()
            .filter(|s| s.chars().count() > 2)
            .map(|s| (format!("{s}ы"), s.clone()))
            .chain([("ее".to_string(), "е".to_string())])
            .collect();
        (stems, forms)
    }

    fn laid_out(split_bytes: usize) -> (Vec<String>, Forms, Files) {
        let (stems, forms) = vocabulary();
        let files = lay_out(
            stems
                .iter()
                .map(|s| (s.as_str(), vec![1, 50, 2, 60, 3, 70, 4, 80])),
            forms.iter().map(|(f, s)| (f.as_str(), s.as_str())),
            split_bytes,
        );
        (stems, forms, files)
    }

    #[derive(serde::Deserialize)]
    struct Parsed {
        stems: BTreeMap<String, Vec<u32>>,
        forms: BTreeMap<String, String>,
    }

    #[test]
    fn big_shards_split_and_every_word_is_where_the_client_looks() {
        let (stems, forms, files) = laid_out(600);
        let keys: BTreeSet<String> = files.iter().map(|(k, _)| k.clone()).collect();
        // The test would prove nothing without splits: the пр shard must split, twice.
        assert!(
            keys.contains("043f-0440"),
            "пр itself stays under the two-letter key"
        );
        assert!(keys.contains("043f-0440-043e"), "про…: {keys:?}");
        assert!(
            keys.iter().any(|k| k.starts_with("043f-0440-043e-")),
            "про… split again"
        );
        assert!(
            keys.contains("0435"),
            "a one-letter stem has a one-letter key"
        );
        let mut found_stems = Vec::new();
        let mut found_forms = Vec::new();
        for (key, json) in &files {
            let shard: Parsed =
                serde_json::from_slice(json).unwrap_or_else(|e| panic!("{key}: {e}"));
            assert!(
                !shard.stems.is_empty() || !shard.forms.is_empty(),
                "{key} is empty"
            );
            let over = json.len() > 600;
            let longest = shard
                .stems
                .keys()
                .chain(shard.forms.keys())
                .map(|w| w.chars().count())
                .max();
            assert!(
                !over
                    || key.split('-').count() == MAX_KEY_CHARS
                    || longest == Some(key.split('-').count()),
                "{key} is too big"
            );
            for word in shard.stems.keys().chain(shard.forms.keys()) {
                assert_eq!(key_for(word, &keys), Some(key.as_str()), "{word}");
            }
            found_stems.extend(shard.stems.into_keys());
            found_forms.extend(shard.forms);
        }
        found_stems.sort();
        found_forms.sort();
        let mut want_forms = forms.clone();
        want_forms.sort();
        assert_eq!(found_stems, stems, "every stem once");
        assert_eq!(found_forms, want_forms, "every form once");
    }

    #[test]
    fn small_shards_are_not_split_and_layout_is_deterministic() {
        let (_, _, files) = laid_out(1 << 20);
        assert!(files.iter().all(|(k, _)| k.split('-').count() <= 2));
        assert_eq!(files, laid_out(1 << 20).2);
        assert_eq!(laid_out(600).2, laid_out(600).2);
    }

    #[test]
    fn best_docs_rank_by_weight_then_document() {
        // Documents 3, 5, 6, 10 (deltas 3, 2, 1, 4) with weights 50, 80, 50, 90.
        let postings = [3, 50, 2, 80, 1, 50, 4, 90];
        assert_eq!(best_docs(&postings, 10), vec![10, 5, 3, 6]);
        assert_eq!(
            best_docs(&postings, 3),
            vec![10, 5, 3],
            "ties: the lower number"
        );
        assert_eq!(best_docs(&postings, 0), Vec::<u32>::new());
        assert_eq!(best_docs(&[], 5), Vec::<u32>::new());
    }

    #[derive(serde::Deserialize)]
    struct WithRows {
        stems: BTreeMap<String, Vec<u32>>,
        rows: BTreeMap<u32, (String, String, Option<String>)>,
    }

    #[test]
    fn a_shard_carries_the_rows_of_its_stems_best_documents_also_when_split() {
        let table: Vec<Row> = (0..60)
            .map(|d| Row(format!("/kk/{d}/"), format!("т{d}"), None))
            .collect();
        // Stem «пра»: documents 0..40 with weight 100 - doc (the 20 best: 0..20); stem
        // «про»: documents 0..60 with weight doc + 1 (the 20 best: 59 down to 40).
        let pra: Vec<u32> = (0..40).flat_map(|d| [u32::from(d > 0), 100 - d]).collect();
        let pro: Vec<u32> = (0..60).flat_map(|d| [u32::from(d > 0), d + 1]).collect();
        let best = |postings: &[u32]| -> BTreeSet<u32> {
            best_docs(postings, ROWS_PER_STEM).into_iter().collect()
        };
        assert_eq!(best(&pra), (0..20).collect());
        assert_eq!(best(&pro), (40..60).collect());
        for split_bytes in [1 << 20, 100] {
            let mut shard = Shard::default();
            shard.stems.insert("пра", pra.clone());
            shard.stems.insert("про", pro.clone());
            let mut files = Vec::new();
            place(shard, "пр", split_bytes, &table, &mut |key, json| {
                files.push((key, json));
                Ok::<(), ()>(())
            })
            .unwrap();
            assert_eq!(files.len(), if split_bytes == 100 { 2 } else { 1 });
            for (key, json) in files {
                let parsed: WithRows = serde_json::from_slice(&json).unwrap();
                let mut want = BTreeSet::new();
                for postings in parsed.stems.values() {
                    want.extend(best(postings));
                }
                let docs: BTreeSet<u32> = parsed.rows.keys().copied().collect();
                assert_eq!(docs, want, "{key}: the rows of its stems' best, no other");
                for (doc, row) in parsed.rows {
                    assert_eq!(row.0, format!("/kk/{doc}/"));
                    assert_eq!(row.1, format!("т{doc}"));
                }
            }
        }
    }

    #[test]
    fn words_of_unknown_prefixes_have_no_shard() {
        let (_, _, files) = laid_out(600);
        let keys: BTreeSet<String> = files.into_iter().map(|(k, _)| k).collect();
        assert_eq!(key_for("жыл", &keys), None);
        // A word under a split key without a sub-shard of its own falls back to the
        // shorter key's shard, which does not hold it: a miss, as it should be.
        assert_eq!(key_for("прж", &keys), Some("043f-0440"));
    }
}
