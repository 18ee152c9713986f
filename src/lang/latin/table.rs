//! The letter table of the 2021 alphabet and the case of Cyrillic letters. See the module
//! documentation of `lang::latin` for the table and its source.

/// The Latin of one lower-case Cyrillic letter, in its three cases: lower (`ю` → `iu`), as
/// the capital that starts a word (`Ю` → `İu`) and inside an all-capitals word (`İU`).
/// `None` for a character that is not a Kazakh or Russian Cyrillic letter.
pub fn latin(lower: char) -> Option<(&'static str, &'static str, &'static str)> {
    Some(match lower {
        'а' => ("a", "A", "A"),
        'ә' => ("ä", "Ä", "Ä"),
        'б' => ("b", "B", "B"),
        'в' => ("v", "V", "V"),
        'г' => ("g", "G", "G"),
        'ғ' => ("ğ", "Ğ", "Ğ"),
        'д' => ("d", "D", "D"),
        'е' => ("e", "E", "E"),
        'ё' => ("io", "İo", "İO"),
        'ж' => ("j", "J", "J"),
        'з' => ("z", "Z", "Z"),
        'и' | 'й' => ("i", "İ", "İ"),
        'к' => ("k", "K", "K"),
        'қ' => ("q", "Q", "Q"),
        'л' => ("l", "L", "L"),
        'м' => ("m", "M", "M"),
        'н' => ("n", "N", "N"),
        'ң' => ("ñ", "Ñ", "Ñ"),
        'о' => ("o", "O", "O"),
        'ө' => ("ö", "Ö", "Ö"),
        'п' => ("p", "P", "P"),
        'р' => ("r", "R", "R"),
        'с' => ("s", "S", "S"),
        'т' => ("t", "T", "T"),
        'у' => ("u", "U", "U"),
        'ұ' => ("ū", "Ū", "Ū"),
        'ү' => ("ü", "Ü", "Ü"),
        'ф' => ("f", "F", "F"),
        'х' | 'һ' => ("h", "H", "H"),
        'ц' => ("ts", "Ts", "TS"),
        'ч' => ("ç", "Ç", "Ç"),
        'ш' => ("ş", "Ş", "Ş"),
        'щ' => ("şş", "Şş", "ŞŞ"),
        'ъ' | 'ь' => ("", "", ""),
        'ы' => ("y", "Y", "Y"),
        'і' => ("ı", "I", "I"),
        'э' => ("e", "E", "E"),
        'ю' => ("iu", "İu", "İU"),
        'я' => ("ia", "İa", "İA"),
        _ => return None,
    })
}

/// A Cyrillic letter of the table as (lower case, whether it was a capital); `None` for
/// anything else. Answers without Unicode tables: the letters are few and known.
pub fn cyrillic(c: char) -> Option<(char, bool)> {
    let lower = match c {
        'а'..='я' | 'ё' | 'ә' | 'ғ' | 'қ' | 'ң' | 'ө' | 'ұ' | 'ү' | 'һ' | 'і' => {
            return Some((c, false))
        }
        'А'..='Я' => char::from_u32(u32::from(c) + 0x20)?,
        'Ё' => 'ё',
        'Ә' => 'ә',
        'Ғ' => 'ғ',
        'Қ' => 'қ',
        'Ң' => 'ң',
        'Ө' => 'ө',
        'Ұ' => 'ұ',
        'Ү' => 'ү',
        'Һ' => 'һ',
        'І' => 'і',
        _ => return None,
    };
    Some((lower, true))
}

/// Kazakh's own letters, which Russian does not have: a text with one of them is not Russian.
pub fn is_kazakh_only(lower: char) -> bool {
    matches!(lower, 'ә' | 'ғ' | 'қ' | 'ң' | 'ө' | 'ұ' | 'ү' | 'һ' | 'і')
}

/// A Latin letter that looks like a Cyrillic one, as that letter (the look-alikes the search
/// normaliser folds, and the capitals that look the same): in `үйлестiру` typed with a Latin
/// `i` the `i` is the Kazakh `і`.
pub fn lookalike(c: char) -> Option<char> {
    Some(match c {
        'a' => 'а',
        'c' => 'с',
        'e' => 'е',
        'i' => 'і',
        'k' => 'к',
        'm' => 'м',
        'o' => 'о',
        'p' => 'р',
        't' => 'т',
        'x' => 'х',
        'y' => 'у',
        'A' => 'А',
        'B' => 'В',
        'C' => 'С',
        'E' => 'Е',
        'H' => 'Н',
        'I' => 'І',
        'K' => 'К',
        'M' => 'М',
        'O' => 'О',
        'P' => 'Р',
        'T' => 'Т',
        'X' => 'Х',
        'Y' => 'У',
        _ => return None,
    })
}

/// Whether a UTF-8 text has a Cyrillic character (U+0400–U+04FF): their lead bytes are
/// 0xD0–0xD3, which no other character's encoding contains.
pub fn has_cyrillic(text: &str) -> bool {
    text.bytes().any(|b| (0xD0..=0xD3).contains(&b))
}

/// Upper case of Latin text by the alphabet's rules (`i` → `İ`, `ı` → `I`), appended.
pub fn push_latin_upper(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            'i' => out.push('İ'),
            'ı' => out.push('I'),
            c if c.is_ascii() => out.push(c.to_ascii_uppercase()),
            c => out.extend(c.to_uppercase()),
        }
    }
}

/// Lower case of Latin text by the alphabet's rules (`İ` → `i`, `I` → `ı`), appended.
pub fn push_latin_lower(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            'İ' => out.push('i'),
            'I' => out.push('ı'),
            c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            c => out.extend(c.to_lowercase()),
        }
    }
}
