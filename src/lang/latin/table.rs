//! The letter table of the 2021 alphabet and the case of Cyrillic letters. See the module
//! documentation of `lang::latin` for the table and its source.

/// The Latin of one Cyrillic letter in its three cases: lower (`ю` → `iu`), as the capital
/// that starts a word (`Ю` → `İu`) and inside an all-capitals word (`İU`).
pub type Latin = [&'static str; 3];

/// а … я (U+0430–U+044F) in the order of the code points.
static RUSSIAN: [Latin; 32] = [
    ["a", "A", "A"],    // а
    ["b", "B", "B"],    // б
    ["v", "V", "V"],    // в
    ["g", "G", "G"],    // г
    ["d", "D", "D"],    // д
    ["e", "E", "E"],    // е
    ["j", "J", "J"],    // ж
    ["z", "Z", "Z"],    // з
    ["i", "İ", "İ"],    // и
    ["i", "İ", "İ"],    // й
    ["k", "K", "K"],    // к
    ["l", "L", "L"],    // л
    ["m", "M", "M"],    // м
    ["n", "N", "N"],    // н
    ["o", "O", "O"],    // о
    ["p", "P", "P"],    // п
    ["r", "R", "R"],    // р
    ["s", "S", "S"],    // с
    ["t", "T", "T"],    // т
    ["u", "U", "U"],    // у
    ["f", "F", "F"],    // ф
    ["h", "H", "H"],    // х
    ["ts", "Ts", "TS"], // ц
    ["ç", "Ç", "Ç"],    // ч
    ["ş", "Ş", "Ş"],    // ш
    ["şş", "Şş", "ŞŞ"], // щ
    ["", "", ""],       // ъ
    ["y", "Y", "Y"],    // ы
    ["", "", ""],       // ь
    ["e", "E", "E"],    // э
    ["iu", "İu", "İU"], // ю
    ["ia", "İa", "İA"], // я
];

/// The Latin of a lower-case Cyrillic letter; `None` for a character that is not a Kazakh
/// or Russian Cyrillic letter.
pub fn latin(lower: char) -> Option<&'static Latin> {
    if let 'а'..='я' = lower {
        return RUSSIAN.get(lower as usize - 'а' as usize);
    }
    Some(match lower {
        'ә' => &["ä", "Ä", "Ä"],
        'ғ' => &["ğ", "Ğ", "Ğ"],
        'ё' => &["io", "İo", "İO"],
        'қ' => &["q", "Q", "Q"],
        'ң' => &["ñ", "Ñ", "Ñ"],
        'ө' => &["ö", "Ö", "Ö"],
        'ұ' => &["ū", "Ū", "Ū"],
        'ү' => &["ü", "Ü", "Ü"],
        'һ' => &["h", "H", "H"],
        'і' => &["ı", "I", "I"],
        _ => return None,
    })
}

/// A Cyrillic letter's Latin and whether it is a capital, in one step (the hot path).
pub fn latin_of(c: char) -> Option<(&'static Latin, bool)> {
    match c {
        'а'..='я' => Some((RUSSIAN.get(c as usize - 'а' as usize)?, false)),
        'А'..='Я' => Some((RUSSIAN.get(c as usize - 'А' as usize)?, true)),
        _ => {
            let (lower, upper) = cyrillic(c)?;
            Some((latin(lower)?, upper))
        }
    }
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
