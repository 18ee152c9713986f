//! Query and document normalisation, the same on both sides: drop stress marks and soft
//! hyphens, lower-case, `ё` → `е`, split on anything that is not a letter or digit, then stem
//! (Snowball for Russian, qostil's light stemmer for Kazakh).

use rust_stemmers::{Algorithm, Stemmer};

use crate::lang::Lang;

use super::kazakh;

/// Characters that are not there for search: U+0301 (combining acute, the stress mark of
/// dictionaries and textbooks: `а́кция`) and U+00AD (soft hyphen, a hyphenation hint:
/// `про\u{ad}фессия`). Neither splits a word; both are removed from it.
const INVISIBLE: [char; 2] = ['\u{301}', '\u{ad}'];

/// Lower-cased tokens of a text. Single letters are dropped; numbers are kept.
pub fn tokens(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric() && !INVISIBLE.contains(&c))
        .map(|t| t.replace(INVISIBLE, "").to_lowercase().replace('ё', "е"))
        .filter(|t| !t.is_empty())
        .filter(|t| t.chars().count() > 1 || t.chars().all(|c| c.is_ascii_digit()))
}

pub struct Normalizer {
    lang: Lang,
    russian: Stemmer,
}

impl Normalizer {
    pub fn new(lang: Lang) -> Self {
        Normalizer {
            lang,
            russian: Stemmer::create(Algorithm::Russian),
        }
    }

    /// The stem of one token from `tokens`.
    pub fn stem(&self, token: &str) -> String {
        match self.lang {
            Lang::Kk => kazakh::stem(token),
            Lang::Ru => self.russian.stem(token).into_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokenizes_cyrillic_and_folds_yo() {
        let t: Vec<String> = tokens("Ёлка, «Жұмысшы» — 2025 ж. EXPO!").collect();
        assert_eq!(t, ["елка", "жұмысшы", "2025", "expo"]);
    }

    #[test]
    fn stress_marks_and_soft_hyphens_do_not_split_words() {
        let t: Vec<String> =
            tokens("А\u{301}кция про\u{ad}фес\u{ad}сия \u{ad} \u{301}а\u{301}").collect();
        assert_eq!(t, ["акция", "профессия"]);
    }

    #[test]
    fn russian_uses_snowball() {
        let n = Normalizer::new(Lang::Ru);
        assert_eq!(n.stem("профессий"), n.stem("профессия"));
        assert_eq!(n.stem("профессиями"), n.stem("профессия"));
    }
}
