//! Recognising Russian inside Kazakh text: a quotation, a bracketed name or a sentence in
//! Russian stays in Cyrillic in the Latin edition (the 2021 alphabet is for Kazakh).
//!
//! A span is Russian when it has no letter of Kazakh's own (ә ғ қ ң ө ұ ү һ і), has two
//! Cyrillic words or more, and has more Russian marks than Kazakh ones: Russian function
//! words (и, в, на, что …) and endings Kazakh words do not have (-ого, -ться, -ение …)
//! against Kazakh particles (мен, деп, осы …) and endings (-лар, -дар …). A Kazakh sentence
//! of a few words nearly always has one of Kazakh's own letters; one without any and
//! without a Russian mark (`Бастау Бизнес`, `Мемлекет басшысы`) is Kazakh.

use super::table;

/// Russian words Kazakh does not have (not `не`, `он`, `от`, `да`: Kazakh words too).
const RUSSIAN_WORDS: &[&str] = &[
    "и",
    "в",
    "во",
    "на",
    "с",
    "со",
    "по",
    "для",
    "что",
    "как",
    "это",
    "из",
    "за",
    "к",
    "о",
    "об",
    "при",
    "до",
    "или",
    "но",
    "же",
    "бы",
    "ли",
    "мы",
    "вы",
    "она",
    "они",
    "его",
    "ее",
    "её",
    "их",
    "все",
    "всё",
    "был",
    "была",
    "было",
    "были",
    "будет",
    "также",
    "этот",
    "эта",
    "эти",
    "того",
    "более",
    "очень",
    "можно",
    "нужно",
    "уже",
    "еще",
    "ещё",
    "только",
    "есть",
    "нет",
    "так",
    "то",
    "под",
    "над",
    "без",
    "через",
    "после",
    "между",
    "год",
    "года",
    "году",
];

/// Endings of Russian words that Kazakh words (and the loans Kazakh spells its own way) do
/// not end with. Not -ания/-ения: Kazakh writes компания, Германия, Армения so.
const RUSSIAN_ENDINGS: &[&str] = &[
    "ого", "его", "ому", "ему", "ыми", "ими", "ться", "тся", "ать", "ять", "ить", "еть", "уть",
    "ость", "ости", "ение", "ении", "ании", "ание", "ами", "ями", "ый", "ые", "ие", "ая", "яя",
    "ое", "ее", "ых", "ной", "ской", "ский", "ская", "ское", "ских",
];

/// Kazakh particles and conjunctions written without a letter of Kazakh's own.
const KAZAKH_WORDS: &[&str] = &[
    "мен",
    "бен",
    "пен",
    "деп",
    "осы",
    "сол",
    "ол",
    "бар",
    "де",
    "те",
    "та",
    "ма",
    "ме",
    "ба",
    "бе",
    "па",
    "пе",
    "бұл",
    "мына",
    "сондай",
    "деген",
];

/// Kazakh endings written without a letter of Kazakh's own that Russian words do not end
/// with: plurals, the first person plural (not -ды/-ты/-сы: `воды`, `работы`, `кассы`).
const KAZAKH_ENDINGS: &[&str] = &["лар", "лер", "дар", "дер", "тар", "тер", "мыз", "сыз"];

/// Whether `span` (a quotation, a bracket, a sentence) is Russian.
pub fn is_russian(span: &str) -> bool {
    if span
        .chars()
        .any(|c| table::cyrillic(c).is_some_and(|(l, _)| table::is_kazakh_only(l)))
    {
        return false;
    }
    let mut words = 0;
    let mut russian = 0;
    let mut kazakh = 0;
    for word in cyrillic_words(span) {
        words += 1;
        let lower = lower_cyrillic(word);
        if RUSSIAN_WORDS.contains(&lower.as_str()) || looks_russian(&lower) {
            russian += 1;
        } else if KAZAKH_WORDS.contains(&lower.as_str())
            || KAZAKH_ENDINGS.iter().any(|e| lower.ends_with(e))
        {
            kazakh += 1;
        }
    }
    words >= 2 && russian >= 1 && russian > kazakh
}

/// A word (lower case) of 4 letters or more with a Russian ending.
pub fn looks_russian(lower: &str) -> bool {
    let letters = lower.chars().count();
    letters >= 4 && RUSSIAN_ENDINGS.iter().any(|e| lower.ends_with(e))
}

/// The Cyrillic words of a text: runs of Cyrillic letters.
fn cyrillic_words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| table::cyrillic(c).is_none())
        .filter(|w| !w.is_empty())
}

/// A Cyrillic word in lower case.
pub fn lower_cyrillic(word: &str) -> String {
    word.chars()
        .map(|c| table::cyrillic(c).map_or(c, |(l, _)| l))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_quotations_are_recognised() {
        assert!(is_russian("Рабочие профессии – основа экономики"));
        assert!(is_russian("Олжас Бектенов о подготовке кадров"));
        assert!(is_russian("О подготовке кадров"));
    }

    #[test]
    fn kazakh_spans_without_kazakh_letters_stay_kazakh() {
        assert!(!is_russian("Бастау Бизнес"));
        assert!(!is_russian("Мемлекет басшысы"));
        assert!(!is_russian("Олжас Бектенов"));
        assert!(!is_russian("2025 жылғы 13 ақпан"));
        assert!(!is_russian("Президент"));
        assert!(!is_russian("Не де болса"));
        assert!(!is_russian("Жұмысшы мамандықтары және экономика"));
        assert!(!is_russian("Германия, Испания"));
    }
}
