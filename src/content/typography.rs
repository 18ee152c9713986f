//! Typography a Kazakh or Russian reader expects, applied to text when the site is rendered
//! (the source files are never changed):
//!
//! - a non-breaking space after an initial («М.\u{a0}Ашимбаев»), between a number and its
//!   unit, scale word or currency («6\u{a0}млрд теңге», «15\u{a0}%», «№\u{a0}5») and inside a
//!   day-month date («3\u{a0}ноября», «3\u{a0}қараша»);
//! - an en dash in a number range («2–6», «2024–2029») when the range goes up and is not part
//!   of a longer chain of hyphens (a phone number, an ISBN, a date such as 2025-11-03);
//! - an em dash for a hyphen (or en dash, or `--`) between spaces, with a non-breaking space
//!   before it so that a line never starts with the dash: both the Russian and the Kazakh
//!   press set «сөз — сөз» this way.
//!
//! Words holding `://`, `www.` or `@` (addresses, e-mails) are left as they are. The Markdown
//! renderer calls this on text only, never on code, raw HTML or attributes.

use std::borrow::Cow;

use crate::lang::Lang;

pub const NBSP: char = '\u{a0}';
const EM_DASH: char = '—';
const EN_DASH: char = '–';

/// Units, scale words and currencies written after a number, as whole words (lower case).
const UNITS_RU: &[&str] = &[
    "млн", "млрд", "трлн", "тыс", "тг", "руб", "долл", "км", "м", "см", "мм", "кг", "г", "т", "га",
    "ч", "мин", "сек", "л", "мл", "кв", "куб", "год", "года", "году", "лет", "гг",
];
/// Units and currencies whose inflected forms follow a number too (word beginnings).
const UNIT_STEMS_RU: &[&str] = &["тенге", "теңге", "рубл", "доллар", "евро", "процент"];
const UNITS_KK: &[&str] = &[
    "млн", "млрд", "трлн", "мың", "тг", "км", "м", "см", "мм", "кг", "т", "га", "сағ", "мин", "л",
    "жж",
];
const UNIT_STEMS_KK: &[&str] = &["теңге", "тенге", "доллар", "еуро", "евро", "пайыз", "жыл"];

const MONTHS_RU: &[&str] = &[
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
];
/// Kazakh month names; their case forms (қарашада, қазанның) start with them.
const MONTHS_KK: &[&str] = &[
    "қаңтар",
    "ақпан",
    "наурыз",
    "сәуір",
    "мамыр",
    "маусым",
    "шілде",
    "тамыз",
    "қыркүйек",
    "қазан",
    "қараша",
    "желтоқсан",
];

/// The text with the language's typography; borrowed when nothing changed.
pub fn typeset(text: &str, lang: Lang) -> Cow<'_, str> {
    if !text.contains([' ', '-', '–']) {
        return Cow::Borrowed(text);
    }
    let chars: Vec<char> = text.chars().collect();
    let protected = protected_words(&chars);
    let mut out = String::with_capacity(text.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        if protected[i] {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        if let Some(skip) = spaced_dash_len(&chars, i) {
            out.push(NBSP);
            out.push(EM_DASH);
            out.push(' ');
            i += skip;
            continue;
        }
        let c = chars[i];
        if c == ' ' && binds(&chars, i, lang) {
            out.push(NBSP);
        } else if c == '-' && is_range_hyphen(&chars, i) {
            out.push(EN_DASH);
        } else {
            out.push(c);
        }
        i += 1;
    }
    if out == text {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(out)
    }
}

/// Marks the characters of words that are addresses or e-mails.
fn protected_words(chars: &[char]) -> Vec<bool> {
    let mut marks = vec![false; chars.len()];
    let mut start = 0;
    while start < chars.len() {
        let end = chars[start..]
            .iter()
            .position(|c| c.is_whitespace())
            .map_or(chars.len(), |n| start + n);
        let word: String = chars[start..end].iter().collect();
        if word.contains("://") || word.contains("www.") || word.contains('@') {
            marks[start..end].iter_mut().for_each(|m| *m = true);
        }
        start = end + 1;
    }
    marks
}

/// At a space followed by `-`, `--` or `–` and a space (or the text's end after a word):
/// how many characters the spaced dash takes, its spaces included.
fn spaced_dash_len(chars: &[char], i: usize) -> Option<usize> {
    if chars[i] != ' ' || i == 0 || chars[i - 1].is_whitespace() {
        return None;
    }
    let rest = &chars[i + 1..];
    let dash = match rest {
        ['-', '-', ' ', ..] => 2,
        ['-' | '–', ' ', ..] => 1,
        _ => return None,
    };
    Some(1 + dash + 1)
}

/// Whether the space at `i` should not break: after an initial or `№`, before a unit or
/// `%`, inside a day-month date.
fn binds(chars: &[char], i: usize, lang: Lang) -> bool {
    let before = &chars[..i];
    let after = &chars[i + 1..];
    let Some(&next) = after.first() else {
        return false;
    };
    if before.last() == Some(&'№') {
        return true;
    }
    if is_initial_before(before) && next.is_uppercase() {
        return true;
    }
    let number = number_before(before);
    if number.is_empty() {
        return false;
    }
    if matches!(next, '%' | '‰' | '°') {
        return true;
    }
    let word: String = after
        .iter()
        .take_while(|c| c.is_alphabetic())
        .flat_map(|c| c.to_lowercase())
        .collect();
    if word.is_empty() {
        return false;
    }
    // The Latin edition is typeset in Cyrillic, before it is transliterated.
    let lang = lang.source();
    let (units, stems, months) = match lang {
        Lang::Ru => (UNITS_RU, UNIT_STEMS_RU, MONTHS_RU),
        Lang::Kk | Lang::KkLatn => (UNITS_KK, UNIT_STEMS_KK, MONTHS_KK),
    };
    let is_day = number.len() <= 2
        && number.iter().all(char::is_ascii_digit)
        && number
            .iter()
            .collect::<String>()
            .parse::<u8>()
            .is_ok_and(|d| (1..=31).contains(&d));
    let is_month = match lang {
        Lang::Ru => months.contains(&word.as_str()),
        Lang::Kk | Lang::KkLatn => months.iter().any(|m| word.starts_with(m)),
    };
    units.contains(&word.as_str())
        || stems.iter().any(|s| word.starts_with(s))
        || (is_day && is_month)
}

/// `X.` where X is one capital letter standing alone: an initial.
fn is_initial_before(before: &[char]) -> bool {
    match before {
        [.., prev, letter, '.'] => letter.is_uppercase() && !prev.is_alphanumeric(),
        [letter, '.'] => letter.is_uppercase(),
        _ => false,
    }
}

/// The number that ends right before a space (digits, with `,` or `.` inside), or nothing
/// when the word before is not a number.
fn number_before(before: &[char]) -> &[char] {
    let start = before
        .iter()
        .rposition(|c| !(c.is_ascii_digit() || matches!(c, ',' | '.')))
        .map_or(0, |p| p + 1);
    let word = &before[start..];
    let starts_clean = start == 0 || !before[start - 1].is_alphabetic() && before[start - 1] != '-';
    if starts_clean
        && word.first().is_some_and(char::is_ascii_digit)
        && word.last().is_some_and(char::is_ascii_digit)
    {
        word
    } else {
        &[]
    }
}

/// A hyphen between two numbers that form a rising range («2-6», «2024-2029»), not part of
/// a chain (8-701-123-45-67, 978-5-17, 2025-11-03), a decimal or a word («Т-34»).
fn is_range_hyphen(chars: &[char], i: usize) -> bool {
    let left_start = chars[..i]
        .iter()
        .rposition(|c| !c.is_ascii_digit())
        .map_or(0, |p| p + 1);
    let right_end = chars[i + 1..]
        .iter()
        .position(|c| !c.is_ascii_digit())
        .map_or(chars.len(), |p| i + 1 + p);
    let (left, right) = (&chars[left_start..i], &chars[i + 1..right_end]);
    if left.is_empty() || right.is_empty() {
        return false;
    }
    let joined = |c: Option<&char>| {
        c.is_some_and(|c| c.is_alphanumeric() || matches!(c, '-' | '–' | '.' | ',' | '/' | '+'))
    };
    let before = left_start.checked_sub(1).and_then(|p| chars.get(p));
    let after = chars.get(right_end);
    // A full stop or comma after the range ends a sentence or a clause, unless a digit follows.
    let after_joined = match after {
        Some('.' | ',') => chars.get(right_end + 1).is_some_and(char::is_ascii_digit),
        other => joined(other),
    };
    if joined(before) || after_joined {
        return false;
    }
    let value = |digits: &[char]| digits.iter().collect::<String>().parse::<u64>().ok();
    matches!((value(left), value(right)), (Some(a), Some(b)) if a < b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kk(text: &str) -> String {
        typeset(text, Lang::Kk).into_owned()
    }

    fn ru(text: &str) -> String {
        typeset(text, Lang::Ru).into_owned()
    }

    #[test]
    fn initials_keep_to_the_surname() {
        assert_eq!(ru("сказал М. Ашимбаев"), "сказал М.\u{a0}Ашимбаев");
        assert_eq!(kk("Қ. Ж. Тоқаев"), "Қ.\u{a0}Ж.\u{a0}Тоқаев");
        assert_eq!(
            ru("в г. Астане"),
            "в г. Астане",
            "a lower-case abbreviation"
        );
        assert_eq!(ru("сказал он. Потом"), "сказал он. Потом");
    }

    #[test]
    fn numbers_keep_their_units_and_currency() {
        assert_eq!(kk("6 млрд теңге"), "6\u{a0}млрд теңге");
        assert_eq!(kk("500 теңгеден"), "500\u{a0}теңгеден");
        assert_eq!(ru("рост 15 %"), "рост 15\u{a0}%");
        assert_eq!(ru("1,5 млн рублей"), "1,5\u{a0}млн рублей");
        assert_eq!(ru("в 2025 году"), "в 2025\u{a0}году");
        assert_eq!(kk("2025 жылы"), "2025\u{a0}жылы");
        assert_eq!(ru("№ 5"), "№\u{a0}5");
        assert_eq!(ru("5 мастеров"), "5 мастеров");
        assert_eq!(
            kk("Т-34 млн"),
            "Т-34 млн",
            "a number inside a word is not a number"
        );
    }

    #[test]
    fn day_month_dates_stay_together() {
        assert_eq!(ru("3 ноября 2025"), "3\u{a0}ноября 2025");
        assert_eq!(kk("3 қараша"), "3\u{a0}қараша");
        assert_eq!(kk("15 қарашада"), "15\u{a0}қарашада");
        assert_eq!(ru("45 ноября"), "45 ноября", "not a day");
        assert_eq!(ru("3 қараша"), "3 қараша", "Kazakh months in Kazakh only");
    }

    #[test]
    fn rising_number_ranges_get_an_en_dash() {
        assert_eq!(ru("2-6 класс"), "2–6 класс");
        assert_eq!(kk("2024-2029 жылдар."), "2024–2029 жылдар.");
        assert_eq!(ru("(10-12)"), "(10–12)");
        assert_eq!(ru("счёт 3-1"), "счёт 3-1", "not a rising range");
        assert_eq!(ru("8-701-123-45-67"), "8-701-123-45-67");
        assert_eq!(ru("ISBN 978-5-17-0"), "ISBN 978-5-17-0");
        assert_eq!(ru("2025-11-03"), "2025-11-03");
        assert_eq!(ru("1.5-2"), "1.5-2");
        assert_eq!(kk("5-сынып"), "5-сынып");
    }

    #[test]
    fn a_spaced_hyphen_becomes_an_em_dash() {
        assert_eq!(kk("қажет, - деді"), "қажет,\u{a0}— деді");
        assert_eq!(ru("Астана - столица"), "Астана\u{a0}— столица");
        assert_eq!(ru("это -- то"), "это\u{a0}— то");
        assert_eq!(ru("это – то"), "это\u{a0}— то");
        assert_eq!(ru("минус -5"), "минус -5");
    }

    #[test]
    fn addresses_are_left_alone() {
        assert_eq!(
            ru("см. https://e.kz/2-6 и www.gov.kz/2-6 или a-2@b.kz"),
            "см. https://e.kz/2-6 и www.gov.kz/2-6 или a-2@b.kz"
        );
    }

    #[test]
    fn nothing_to_do_borrows() {
        assert!(matches!(typeset("жұмыс", Lang::Kk), Cow::Borrowed(_)));
        assert!(matches!(typeset("бір екі", Lang::Kk), Cow::Borrowed(_)));
    }
}
