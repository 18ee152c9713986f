//! How an index's postings (stem → documents) and forms (word → stem) are cut into shard
//! files. A shard holds the words that start with its key's letters; a shard whose JSON is
//! bigger than `SPLIT_BYTES` is split by one more letter, again and again up to keys of
//! `MAX_KEY_CHARS` letters. A word lives in the shard of the longest key that is a prefix of
//! it; `search.js` finds it with the same rule over the keys `meta.json` lists. See
//! docs/search.md ("Shards").

use std::collections::BTreeMap;

use serde::Serialize;

/// A shard whose JSON is bigger than this (about 20 KB gzipped) is split by one more letter.
/// A first query downloads one or two shards besides the 20 results' document and text
/// chunks (about 140 KB gzipped at 10,000 articles), so shards of this size keep it well
/// under issue #8's 300 KB; smaller ones would mostly make `meta.json` longer.
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
/// shard file under that key, or splits it when its JSON is bigger than `split_bytes` and a
/// longer key is allowed. `write` gets each shard's key and JSON.
pub fn place<'a, E>(
    shard: Shard<'a>,
    letters: &'a str,
    split_bytes: usize,
    write: &mut impl FnMut(String, Vec<u8>) -> Result<(), E>,
) -> Result<(), E> {
    let chars = letters.chars().count();
    let json = serde_json::to_vec(&shard).unwrap_or_default();
    if json.len() <= split_bytes || chars >= MAX_KEY_CHARS {
        return write(shard_key(letters, chars), json);
    }
    drop(json);
    let (rest, parts) = shard.split(chars);
    if !rest.is_empty() {
        let json = serde_json::to_vec(&rest).unwrap_or_default();
        write(shard_key(letters, chars), json)?;
    }
    for (longer, part) in parts {
        place(part, longer, split_bytes, write)?;
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
        let _ = place(group, letters, split_bytes, &mut |key, json| {
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
    fn words_of_unknown_prefixes_have_no_shard() {
        let (_, _, files) = laid_out(600);
        let keys: BTreeSet<String> = files.into_iter().map(|(k, _)| k).collect();
        assert_eq!(key_for("жыл", &keys), None);
        // A word under a split key without a sub-shard of its own falls back to the
        // shorter key's shard, which does not hold it: a miss, as it should be.
        assert_eq!(key_for("прж", &keys), Some("043f-0440"));
    }
}
