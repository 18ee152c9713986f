//! The editor's overrides, `kk-latn.yaml`: words the rules get wrong (proper names, brands),
//! Cyrillic → Latin.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use super::table;
use super::text::Case;
use crate::diag::{Diagnostic, Diagnostics};

/// Fewest letters of a name that is also matched at the start of a longer word: a Kazakh
/// name takes its endings (`Тоқаев` in `Тоқаевтың`); a shorter key would match the starts of
/// unrelated words.
pub const PREFIX_MIN_LETTERS: usize = 4;

#[derive(Debug, Clone)]
struct Entry {
    latin: String,
    /// The key was written with a capital: a name, also matched with endings after it.
    name: bool,
}

#[derive(Clone, Default)]
pub struct Overrides {
    /// Lower-case Cyrillic word → its Latin.
    words: HashMap<String, Entry>,
    /// Bytes of the longest key (prefixes longer than it need no look-up).
    longest: usize,
}

/// The words in sorted order: the renderer's fingerprint and the engine's configuration key
/// hash the configuration's `Debug` text, which must be the same in every run (a hash map's
/// order is not: every build of a site with two words or more re-rendered every page half
/// the time, and serve took a reloaded configuration for a changed one).
impl std::fmt::Debug for Overrides {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let words: BTreeMap<&String, &Entry> = self.words.iter().collect();
        f.debug_struct("Overrides")
            .field("words", &words)
            .field("longest", &self.longest)
            .finish()
    }
}

impl Overrides {
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The override of a word: the whole word, case-insensitively, or a name at its start
    /// (`Тоқаевтың` for `Тоқаев`). Returns the Latin and the bytes of the word it covers.
    /// `lower` is a buffer reused across calls.
    pub fn find<'a>(&'a self, word: &str, lower: &mut String) -> Option<(&'a str, usize)> {
        lower.clear();
        // Cyrillic capitals and small letters have the same UTF-8 length, so byte offsets
        // in `lower` are offsets in `word`.
        lower.extend(
            word.chars()
                .map(|c| table::cyrillic(c).map_or(c, |(l, _)| l)),
        );
        if let Some(entry) = self.words.get(lower.as_str()) {
            return Some((&entry.latin, word.len()));
        }
        for (end, _) in lower.char_indices().rev() {
            if end > self.longest {
                continue;
            }
            if lower[..end].chars().count() < PREFIX_MIN_LETTERS {
                break;
            }
            if let Some(entry) = self.words.get(&lower[..end]) {
                if entry.name {
                    return Some((&entry.latin, end));
                }
            }
        }
        None
    }

    /// Every override, sorted, for fingerprints and tests.
    pub fn sorted(&self) -> BTreeMap<&str, &str> {
        self.words
            .iter()
            .map(|(k, e)| (k.as_str(), e.latin.as_str()))
            .collect()
    }

    /// Whether an override covers a word (as `find` would use it).
    pub fn covers(&self, word: &str) -> bool {
        !self.is_empty() && self.find(word, &mut String::new()).is_some()
    }
}

/// Appends an override's Latin in the case of the word it replaces: all capitals, a first
/// capital (the rest as the editor wrote it: `QazAqparat`), or lower case.
pub fn push_cased(out: &mut String, latin: &str, case: Case) {
    match case {
        Case::AllCaps => table::push_latin_upper(out, latin),
        Case::Lower => table::push_latin_lower(out, latin),
        Case::Capitalised => {
            let mut chars = latin.chars();
            if let Some(first) = chars.next() {
                let mut one = [0u8; 4];
                table::push_latin_upper(out, first.encode_utf8(&mut one));
            }
            out.push_str(chars.as_str());
        }
    }
}

/// Reads the overrides from the text of `file` (`kk-latn.yaml`):
/// `words:` then `Cyrillic: Latin` lines.
pub fn parse(file: &str, text: &str) -> Result<Overrides, Diagnostics> {
    let map = crate::yaml::parse_file_mapping(file, text)?;
    let mut diags = Diagnostics::new();
    let mut overrides = Overrides::default();
    for (key, value) in map {
        let at = crate::yaml::locate_key(text, &key);
        if key != "words" {
            diags.push(
                Diagnostic::error(
                    file,
                    format!("unknown key `{key}`: this file holds `words:` (Cyrillic: Latin)"),
                )
                .at_opt(at),
            );
            continue;
        }
        let words = match value {
            Value::Null => continue,
            Value::Object(words) => words,
            _ => {
                diags.push(
                    Diagnostic::error(
                        file,
                        "words: expected `Cyrillic word: Latin` lines under `words:`",
                    )
                    .at_opt(at),
                );
                continue;
            }
        };
        let mut spelled: BTreeMap<String, String> = BTreeMap::new();
        for (word, latin) in words {
            let at = locate_nested_key(text, &word);
            let err = |m: String| Diagnostic::error(file, format!("words: {word}: {m}")).at_opt(at);
            if word.is_empty() || !word.chars().all(|c| table::cyrillic(c).is_some()) {
                diags.push(err(
                    "a key is one word in Cyrillic letters (write each word of a name on its own line)"
                        .into(),
                ));
                continue;
            }
            let latin = match latin {
                Value::String(s) if !s.trim().is_empty() => s.trim().to_string(),
                _ => {
                    diags.push(err("expected its Latin spelling as text".into()));
                    continue;
                }
            };
            if table::has_cyrillic(&latin) {
                diags.push(err(format!(
                    "`{latin}` has Cyrillic letters; write it in Latin"
                )));
                continue;
            }
            let lower = super::russian::lower_cyrillic(&word);
            if let Some(other) = spelled.insert(lower.clone(), word.clone()) {
                diags.push(err(format!(
                    "the same word as `{other}` (case does not matter)"
                )));
                continue;
            }
            let name = word
                .chars()
                .next()
                .and_then(table::cyrillic)
                .is_some_and(|(_, up)| up)
                && word.chars().count() >= PREFIX_MIN_LETTERS;
            overrides.longest = overrides.longest.max(lower.len());
            overrides.words.insert(lower, Entry { latin, name });
        }
    }
    diags.into_result(overrides)
}

/// 1-based (line, column) of a key indented under another (`  Тоқаев: Toqaev`), quoted or
/// not.
fn locate_nested_key(text: &str, key: &str) -> Option<(usize, usize)> {
    text.lines().enumerate().find_map(|(index, line)| {
        let body = line.trim_start();
        let indent = line.chars().count() - body.chars().count();
        let unquoted = body
            .strip_prefix('"')
            .or_else(|| body.strip_prefix('\''))
            .unwrap_or(body);
        let rest = unquoted.strip_prefix(key)?;
        let rest = rest.trim_start_matches(['"', '\'']).trim_start();
        (indent > 0 && rest.starts_with(':')).then_some((index + 1, indent + 1))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_words_read_twice_show_the_same_debug_text() {
        let words = [
            "Тоқаев",
            "Премьер",
            "субъектілері",
            "Алматы",
            "Ақтөбе",
            "Шымкент",
        ];
        let lines: String = words
            .iter()
            .enumerate()
            .map(|(i, w)| format!("  {w}: W{i}\n"))
            .collect();
        let text = format!("words:\n{lines}");
        let shown = |_| format!("{:?}", parse("kk-latn.yaml", &text).unwrap());
        let first = shown(0);
        assert!(first.contains("тоқаев"), "{first}");
        // Each parse is a new hash map with its own random order.
        for i in 1..20 {
            assert_eq!(shown(i), first);
        }
    }
}
