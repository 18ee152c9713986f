//! Query and document normalisation, the same on both sides: drop stress marks and soft
//! hyphens, lower-case, `ё` → `е`, split on anything that is not a letter or digit, Latin
//! look-alikes inside a Cyrillic word made Cyrillic, then stem
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
    text.split(|c: char| !is_word_char(c) && !INVISIBLE.contains(&c))
        .map(|t| {
            if t.contains(INVISIBLE) {
                lower_folded(&t.replace(INVISIBLE, ""))
            } else {
                lower_folded(t)
            }
        })
        .map(cyrillic_lookalikes)
        .filter(|t| !t.is_empty())
        .filter(|t| t.chars().count() > 1 || t.chars().all(|c| c.is_ascii_digit()))
}

/// Latin letters that look like Cyrillic ones, lower case, → the Cyrillic letter (`i` →
/// Kazakh `і`). `h` and `b` are left alone: they look like н/һ and в/ь alike.
const LOOKALIKES: [(char, char); 11] = [
    ('a', 'а'),
    ('c', 'с'),
    ('e', 'е'),
    ('i', 'і'),
    ('k', 'к'),
    ('m', 'м'),
    ('o', 'о'),
    ('p', 'р'),
    ('t', 'т'),
    ('x', 'х'),
    ('y', 'у'),
];

/// A word with Cyrillic letters and Latin look-alikes among them (`үйлестiру` typed with a
/// Latin i) is the Cyrillic word: the look-alikes become Cyrillic. Words without a Cyrillic
/// letter (`expo`) stay as they are.
fn cyrillic_lookalikes(token: String) -> String {
    let has_latin = token.bytes().any(|b| b.is_ascii_alphabetic());
    if !has_latin || !token.chars().any(|c| ('\u{400}'..='\u{4ff}').contains(&c)) {
        return token;
    }
    token
        .chars()
        .map(|c| {
            LOOKALIKES
                .iter()
                .find(|(latin, _)| *latin == c)
                .map_or(c, |(_, cyrillic)| *cyrillic)
        })
        .collect()
}

/// `char::is_alphanumeric`, answered at once for ASCII and the basic Cyrillic letters, which
/// are nearly all of the portal's text: the Unicode table lookup was the costliest part of
/// indexing.
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else if matches!(c, '\u{0400}'..='\u{0481}' | '\u{048A}'..='\u{04FF}') {
        // Cyrillic letters with Kazakh's, not the combining marks and signs between.
        true
    } else {
        c.is_alphanumeric()
    }
}

/// `token.to_lowercase()` with `ё` → `е`, with fast paths for ASCII and basic Cyrillic.
fn lower_folded(token: &str) -> String {
    // Greek capital sigma lower-cases by its position in the word; leave that to std.
    if token.contains('Σ') {
        return token.to_lowercase().replace('ё', "е");
    }
    let mut out = String::with_capacity(token.len());
    for c in token.chars() {
        match c {
            'A'..='Z' => out.push(c.to_ascii_lowercase()),
            'ё' | 'Ё' => out.push('е'),
            'А'..='Я' => out.push(char::from_u32(u32::from(c) + 0x20).unwrap_or(c)),
            c if c.is_ascii() || ('а'..='я').contains(&c) => out.push(c),
            // Kazakh's own letters, lower-case already.
            'ә' | 'ғ' | 'қ' | 'ң' | 'ө' | 'ұ' | 'ү' | 'һ' | 'і' => out.push(c),
            c => out.extend(c.to_lowercase()),
        }
    }
    out
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
            Lang::Kk | Lang::KkLatn => kazakh::stem(token),
            Lang::Ru => self.russian.stem(token).into_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn latin_lookalikes_inside_cyrillic_words_become_cyrillic() {
        let got: Vec<String> =
            tokens("үйлест\u{69}ру әлеуметт\u{69}к ТEХНИКА Expo IT-маман").collect();
        assert_eq!(
            got,
            ["үйлестіру", "әлеуметтік", "техника", "expo", "it", "маман"]
        );
    }

    use super::*;

    #[test]
    fn tokenizes_cyrillic_and_folds_yo() {
        let t: Vec<String> = tokens("Ёлка, «Жұмысшы» — 2025 ж. EXPO!").collect();
        assert_eq!(t, ["елка", "жұмысшы", "2025", "expo"]);
    }

    /// The fast paths give what the plain standard-library definition gives.
    #[test]
    fn fast_tokenizing_equals_the_unicode_definition() {
        let reference = |text: &str| -> Vec<String> {
            text.split(|c: char| !c.is_alphanumeric() && !INVISIBLE.contains(&c))
                .map(|t| t.replace(INVISIBLE, "").to_lowercase().replace('ё', "е"))
                .map(cyrillic_lookalikes)
                .filter(|t| !t.is_empty())
                .filter(|t| t.chars().count() > 1 || t.chars().all(|c| c.is_ascii_digit()))
                .collect()
        };
        let mut samples = vec![
            "ЁЛКА ёлка Ёж ΣΟΦΟΣ Σ İstanbul ǅemal ẞ Қазақстан ӘҒҚҢӨҰҮҺІ".to_string(),
            "Мамандықтарының — жұмысшы_кәсіп 2025ж. x1 Ǉ".to_string(),
        ];
        // Every character of the first planes, alone, inside a word and between words.
        for code in (0..0x3000u32).chain(0x1_0400..0x1_0450) {
            if let Some(c) = char::from_u32(code) {
                samples.push(format!("{c} а{c}б {c}{c}Я"));
            }
        }
        for sample in &samples {
            assert_eq!(
                tokens(sample).collect::<Vec<_>>(),
                reference(sample),
                "{sample}"
            );
        }
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
