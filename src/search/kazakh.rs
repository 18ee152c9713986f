//! A light Kazakh stemmer: strips a case ending, then a possessive, then a plural suffix,
//! and undoes the voicing of the stem's last consonant (мамандығы → мамандық). Its tables
//! live in `kk-stemmer.json`, which the browser's search code reads too.

use std::sync::OnceLock;

use serde::Deserialize;

/// The stemmer's data, as shipped to the browser.
pub const RULES_JSON: &str = include_str!("kk-stemmer.json");

#[derive(Debug, Deserialize)]
struct Layer {
    name: String,
    suffixes: Vec<String>,
    /// Suffixes that only follow a vowel (possessive -сы after ая-).
    #[serde(default)]
    after_vowel: Vec<String>,
    /// Suffixes that only follow a consonant (possessive -ы after жұмыс-).
    #[serde(default)]
    after_consonant: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct Rules {
    min_stem: usize,
    vowels: String,
    protected: Vec<String>,
    layers: Vec<Layer>,
    alternations: std::collections::BTreeMap<char, char>,
}

fn rules() -> Option<&'static Rules> {
    static RULES: OnceLock<Option<Rules>> = OnceLock::new();
    RULES
        .get_or_init(|| serde_json::from_str(RULES_JSON).ok())
        .as_ref()
}

fn has_vowel(rules: &Rules, chars: &[char]) -> bool {
    chars.iter().any(|c| rules.vowels.contains(*c))
}

/// The longest suffix of `layer` that leaves a stem of at least `min_stem` letters with a
/// vowel in it.
fn strip_layer(rules: &Rules, word: &[char], layer: &Layer) -> Option<usize> {
    layer
        .suffixes
        .iter()
        .map(|s| s.chars().count())
        .zip(layer.suffixes.iter())
        .filter(|(len, suffix)| {
            if *len == 0
                || word.len() < rules.min_stem + len
                || !word[word.len() - len..].iter().copied().eq(suffix.chars())
            {
                return false;
            }
            let stem = &word[..word.len() - len];
            let before_is_vowel = stem.last().is_some_and(|c| rules.vowels.contains(*c));
            let vowel_ok = before_is_vowel || !layer.after_vowel.contains(suffix);
            let consonant_ok = !before_is_vowel || !layer.after_consonant.contains(suffix);
            has_vowel(rules, stem) && vowel_ok && consonant_ok
        })
        .map(|(len, _)| len)
        .max()
}

/// Stems one lower-case word. Words the rules cannot load for are returned unchanged.
pub fn stem(word: &str) -> String {
    let Some(rules) = rules() else {
        return word.to_string();
    };
    let mut chars: Vec<char> = word.chars().collect();
    let mut case_stripped = false;
    let mut last_stripped: Option<char> = None;
    for layer in &rules.layers {
        if rules
            .protected
            .iter()
            .any(|p| p.chars().eq(chars.iter().copied()))
        {
            return chars.into_iter().collect();
        }
        let Some(len) = strip_layer(rules, &chars, layer) else {
            continue;
        };
        let stem_end = chars.len() - len;
        // A possessive that is a bare vowel (ы, і) is only a suffix when a case ending
        // followed it, a plural precedes it (мамандықтар-ы), or the stem shows the voicing a
        // suffix causes (мамандығ-ы); otherwise it belongs to the word (жұмысшы).
        if layer.name == "possessive" && len == 1 && !case_stripped {
            let stem = &chars[..stem_end];
            let voiced = stem
                .last()
                .is_some_and(|c| rules.alternations.contains_key(c));
            let plural = rules
                .layers
                .iter()
                .filter(|l| l.name == "plural")
                .any(|l| strip_layer(rules, stem, l).is_some());
            if !voiced && !plural {
                continue;
            }
        }
        last_stripped = Some(chars[stem_end]);
        chars.truncate(stem_end);
        if layer.name == "case" {
            case_stripped = true;
        }
    }
    let after_vowel = last_stripped.is_some_and(|c| rules.vowels.contains(c));
    if after_vowel {
        if let Some(last) = chars.last_mut() {
            if let Some(hard) = rules.alternations.get(last) {
                *last = *hard;
            }
        }
    }
    chars.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_load() {
        assert!(rules().is_some());
    }

    #[test]
    fn inflected_forms_meet_at_one_stem() {
        for form in [
            "мамандық",
            "мамандығы",
            "мамандықтары",
            "мамандықтарының",
            "мамандықты",
            "мамандықтар",
        ] {
            assert_eq!(stem(form), "мамандық", "{form}");
        }
    }

    #[test]
    fn consonant_alternation_is_undone() {
        assert_eq!(stem("кітабы"), "кітап");
        assert_eq!(stem("жүрегі"), "жүрек");
        assert_eq!(stem("мамандығына"), "мамандық");
    }

    #[test]
    fn words_are_not_over_stemmed() {
        assert_eq!(stem("жұмысшы"), "жұмысшы");
        assert_eq!(stem("ана"), "ана");
        assert_eq!(stem("орта"), "орта");
        assert_eq!(stem("астана"), "астана");
        assert_eq!(stem("астанада"), "астана");
        assert_eq!(stem("алматы"), "алматы");
    }
}
