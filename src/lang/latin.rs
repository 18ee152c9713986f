//! Kazakh Cyrillic → the Latin alphabet of 2021 (the version presented by the Government of
//! Kazakhstan on 28 January 2021, 31 letters: A Ä B D E F G Ğ H I İ J K L M N Ñ O Ö P Q R S Ş
//! T U Ū Ü V Y Z, with Ç for Ч in borrowed words). The `/kk-latn/` edition is this text.
//!
//! The table, Cyrillic → Latin (lower case; upper case in `upper`):
//! а a · ә ä · б b · в v · г g · ғ ğ · д d · е e · ё io · ж j · з z · и i · й i · к k · қ q ·
//! л l · м m · н n · ң ñ · о o · ө ö · п p · р r · с s · т t · у u · ұ ū · ү ü · ф f · х h ·
//! һ h · ц ts · ч ç · ш ş · щ şş · ъ – · ы y · і ı · ь – · э e · ю iu · я ia
//!
//! Upper case follows the alphabet, not Unicode's default: И/Й → İ (dotted), І → I (dotless
//! ı in lower case).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

use crate::diag::Diagnostics;

/// The transliteration of one site: the rules plus the editor's own words (`kk-latn.yaml`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Transliterator {
    /// Lower-case Cyrillic word → its Latin spelling.
    words: BTreeMap<String, String>,
}

/// A word the rules may get wrong, for `qostil check`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ambiguity {
    pub word: String,
    pub reason: String,
}

impl Transliterator {
    pub const FILE: &'static str = "kk-latn.yaml";

    /// The rules alone.
    pub fn plain() -> Transliterator {
        Transliterator::default()
    }

    /// The rules plus the words of `kk-latn.yaml` at the site's root, if there is one.
    pub fn load(root: &Path) -> Result<Transliterator, Diagnostics> {
        let path = root.join(Self::FILE);
        if !path.exists() {
            return Ok(Transliterator::plain());
        }
        let text = crate::paths::read_utf8(&path, Self::FILE)?;
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Raw {
            #[serde(default)]
            words: BTreeMap<String, String>,
        }
        let raw: Raw = crate::yaml::from_str(&text)
            .map_err(|e| Diagnostics::from(e.into_diagnostic(Self::FILE)))?;
        let words = raw
            .words
            .into_iter()
            .map(|(k, v)| (k.to_lowercase(), v))
            .collect();
        Ok(Transliterator { words })
    }

    /// Words of `text` the rules may get wrong, each once (here: ъ/ь, which are dropped).
    pub fn ambiguous_words(&self, text: &str) -> Vec<Ambiguity> {
        let mut found: Vec<Ambiguity> = Vec::new();
        for word in text.split(|c: char| !c.is_alphabetic()) {
            if word.contains(['ъ', 'ь']) && !found.iter().any(|a| a.word == word) {
                found.push(Ambiguity {
                    word: word.to_string(),
                    reason: "ъ/ь is dropped".to_string(),
                });
            }
        }
        found
    }

    /// The text in Latin letters, with the editor's words where they occur whole.
    pub fn to_latin<'a>(&self, text: &'a str) -> Cow<'a, str> {
        if self.words.is_empty() {
            return transliterate(text);
        }
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find(char::is_alphabetic) {
            out.push_str(&transliterate(&rest[..start]));
            let word_len = rest[start..]
                .find(|c: char| !c.is_alphabetic())
                .unwrap_or(rest.len() - start);
            let word = &rest[start..start + word_len];
            match self.words.get(&word.to_lowercase()) {
                Some(latin) => out.push_str(latin),
                None => out.push_str(&transliterate(word)),
            }
            rest = &rest[start + word_len..];
        }
        out.push_str(&transliterate(rest));
        Cow::Owned(out)
    }
}

/// The Latin letters of one lower-case Cyrillic letter; `None` for a character that is not
/// Kazakh or Russian Cyrillic (kept as it is).
fn lower(c: char) -> Option<&'static str> {
    Some(match c {
        'а' => "a",
        'ә' => "ä",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'ғ' => "ğ",
        'д' => "d",
        'е' => "e",
        'ё' => "io",
        'ж' => "j",
        'з' => "z",
        'и' | 'й' => "i",
        'к' => "k",
        'қ' => "q",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'ң' => "ñ",
        'о' => "o",
        'ө' => "ö",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' => "u",
        'ұ' => "ū",
        'ү' => "ü",
        'ф' => "f",
        'х' | 'һ' => "h",
        'ц' => "ts",
        'ч' => "ç",
        'ш' => "ş",
        'щ' => "şş",
        'ъ' | 'ь' => "",
        'ы' => "y",
        'і' => "ı",
        'э' => "e",
        'ю' => "iu",
        'я' => "ia",
        _ => return None,
    })
}

/// The Latin letters of one upper-case Cyrillic letter, as the first letter of a word
/// («Ювелир» → «İuvelir»); an all-capitals word upper-cases the rest too (`transliterate`).
fn upper(c: char) -> Option<&'static str> {
    Some(match c {
        'А' => "A",
        'Ә' => "Ä",
        'Б' => "B",
        'В' => "V",
        'Г' => "G",
        'Ғ' => "Ğ",
        'Д' => "D",
        'Е' => "E",
        'Ё' => "İo",
        'Ж' => "J",
        'З' => "Z",
        'И' | 'Й' => "İ",
        'К' => "K",
        'Қ' => "Q",
        'Л' => "L",
        'М' => "M",
        'Н' => "N",
        'Ң' => "Ñ",
        'О' => "O",
        'Ө' => "Ö",
        'П' => "P",
        'Р' => "R",
        'С' => "S",
        'Т' => "T",
        'У' => "U",
        'Ұ' => "Ū",
        'Ү' => "Ü",
        'Ф' => "F",
        'Х' | 'Һ' => "H",
        'Ц' => "Ts",
        'Ч' => "Ç",
        'Ш' => "Ş",
        'Щ' => "Şş",
        'Ъ' | 'Ь' => "",
        'Ы' => "Y",
        'І' => "I",
        'Э' => "E",
        'Ю' => "İu",
        'Я' => "İa",
        _ => return None,
    })
}

/// Upper case of Latin text by the alphabet's rules (`i` → `İ`, `ı` → `I`).
fn latin_upper(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'i' => 'İ',
            'ı' => 'I',
            other => other.to_uppercase().next().unwrap_or(other),
        })
        .collect()
}

fn is_upper_cyrillic(c: char) -> bool {
    upper(c).is_some()
}

/// The text in the Latin alphabet: Cyrillic letters by the table, everything else (Latin
/// words, digits, punctuation) as it is. A letter that becomes two (ю → iu) is all capitals
/// when the letter after or before it is a capital too («ЮНЕСКО» → «İUNESKO»).
pub fn transliterate(text: &str) -> Cow<'_, str> {
    if !text
        .chars()
        .any(|c| lower(c).is_some() || upper(c).is_some())
    {
        return Cow::Borrowed(text);
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        if let Some(latin) = lower(c) {
            out.push_str(latin);
        } else if let Some(latin) = upper(c) {
            let capital_next = chars.get(i + 1).is_some_and(|&n| is_upper_cyrillic(n));
            let capital_before = i > 0 && is_upper_cyrillic(chars[i - 1]);
            let word_goes_on = chars.get(i + 1).is_some_and(|n| n.is_alphabetic());
            if latin.chars().count() > 1 && (capital_next || (capital_before && !word_goes_on)) {
                out.push_str(&latin_upper(latin));
            } else {
                out.push_str(latin);
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_of_the_2021_table() {
        assert_eq!(transliterate("Қазақстан"), "Qazaqstan");
        assert_eq!(transliterate("үйіне"), "üiıne");
        assert_eq!(
            transliterate("Бұрыңғы өткен заманда"),
            "Būryñğy ötken zamanda"
        );
        assert_eq!(transliterate("шаһарының"), "şaharynyñ");
    }

    #[test]
    fn capitals_follow_the_alphabet() {
        assert_eq!(transliterate("Ит"), "İt");
        assert_eq!(transliterate("Іле"), "Ile");
        assert_eq!(transliterate("ЮНЕСКО"), "İUNESKO");
        assert_eq!(transliterate("Ювелир"), "İuvelir");
        assert_eq!(transliterate("ҚР"), "QR");
    }

    #[test]
    fn other_text_is_kept() {
        assert!(matches!(
            transliterate("https://gov.kz 2025"),
            Cow::Borrowed(_)
        ));
        assert_eq!(transliterate("IT-маман"), "IT-maman");
    }
}
