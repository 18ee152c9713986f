//! Kazakh Cyrillic → the Latin alphabet of 2021 (the version presented by the Government of
//! Kazakhstan on 28 January 2021, 31 letters: A Ä B D E F G Ğ H I İ J K L M N Ñ O Ö P Q R S Ş
//! T U Ū Ü V Y Z, with Ç for Ч in borrowed words). The `/kk-latn/` edition is this text.
//!
//! The table, Cyrillic → Latin (lower case; the capitals in `table::latin`):
//! а a · ә ä · б b · в v · г g · ғ ğ · д d · е e · ё io · ж j · з z · и i · й i · к k · қ q ·
//! л l · м m · н n · ң ñ · о o · ө ö · п p · р r · с s · т t · у u · ұ ū · ү ü · ф f · х h ·
//! һ h · ц ts · ч ç · ш ş · щ şş · ъ – · ы y · і ı · ь – · э e · ю iu · я ia
//!
//! Source: en.wikipedia.org/wiki/Kazakh_alphabets, "Latin script" (the January 2021
//! column), checked through that page's sample text in both scripts («Бұрыңғы өткен
//! заманда … шаһарының … үйіне … сый … қалайын» → «Būryñğy ötken zamanda … şaharynyñ …
//! üiıne … syi … qalaiyn»), which the tests repeat: it confirms ә ғ қ ң ө ұ ү һ і ы ш й and
//! the plain letters. The stored copy of the page did not show the table's rows for ё ц ч щ
//! ъ ь э ю я; those follow issue #22's table. (A Spanish copy of the article writes Ŋ for ң
//! in the 2021 revision; the English sample writes ñ, kept here.)
//!
//! Upper case follows the alphabet, not Unicode's default: И/Й → İ (dotted), І → I (dotless
//! ı in lower case).
//!
//! The letters are one-to-one but for ё ц щ ю я (two Latin letters) and ъ ь (none); what
//! needs rules is the text around them:
//! - case: an all-capitals word stays all capitals (`ЮНЕСКО` → `İUNESKO`), a two-letter
//!   capital at the start of a word is capital-small (`Ювелир` → `İuvelir`), inside a
//!   mixed-case abbreviation capital-capital where a capital follows (`text::push_letters`);
//! - URLs, e-mail addresses, hashtags and @-mentions are kept as they are (`text`); Latin
//!   words, digits and punctuation have no Cyrillic and pass through;
//! - a Russian quotation, bracket or sentence inside Kazakh text stays Cyrillic (`russian`);
//! - a Roman numeral typed with Cyrillic Х and І is the Latin numeral (`ХХІ` → `XXI`);
//! - Latin look-alikes inside a Cyrillic word are read as the Cyrillic letters
//!   (`үйлестiру` with a Latin i → `üilestıru`);
//! - the editor's overrides, `kk-latn.yaml`, win over the rules (`overrides`).
//!
//! `to_cyrillic` is the way back, for search (`reverse`).

mod overrides;
mod reverse;
mod russian;
mod table;
mod text;

pub use reverse::to_cyrillic;

use std::borrow::Cow;
use std::path::Path;

use crate::diag::Diagnostics;

/// Bumped when the rules change what `to_latin` gives, so cached pages are rebuilt.
const RULES_VERSION: u64 = 1;

/// Kazakh Cyrillic → Latin, with the site's overrides from `kk-latn.yaml` (site root,
/// optional):
///
/// ```yaml
/// # Words the rules get wrong, Cyrillic → Latin (proper names, brands)
/// words:
///   Тоқаев: Toqaev
/// ```
///
/// Matched per whole word, case-insensitively; the replacement takes the word's case
/// (capitalised / all caps / lower). A key written with a capital and of 4 letters or more
/// is a name and also matches at the start of a word, the ending transliterated by the rules
/// (`Тоқаевтың` → `Toqaevtyñ`): Kazakh names take endings.
#[derive(Debug, Clone, Default)]
pub struct Transliterator {
    overrides: overrides::Overrides,
}

/// A word (or Russian span) the rules find ambiguous, for `qostil check`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ambiguity {
    pub word: String,
    pub reason: String,
}

impl Transliterator {
    pub const FILE: &'static str = "kk-latn.yaml";

    /// The rules alone, no overrides.
    pub fn plain() -> Transliterator {
        Transliterator::default()
    }

    /// The site's transliterator: `kk-latn.yaml` at `root` when there is one.
    pub fn load(root: &Path) -> Result<Transliterator, Diagnostics> {
        let path = root.join(Self::FILE);
        if !path.exists() {
            return Ok(Transliterator::plain());
        }
        let text = crate::paths::read_utf8(&path, Self::FILE).map_err(Diagnostics::from)?;
        Self::parse(&text)
    }

    /// The transliterator of the text of `kk-latn.yaml`.
    pub fn parse(text: &str) -> Result<Transliterator, Diagnostics> {
        Ok(Transliterator {
            overrides: overrides::parse(Self::FILE, text)?,
        })
    }

    /// The text in the Latin alphabet. Borrowed, without any work, when it has no Cyrillic.
    pub fn to_latin<'a>(&self, text: &'a str) -> Cow<'a, str> {
        if !table::has_cyrillic(text) {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len() + text.len() / 8);
        text::push_latin(&mut out, text, &self.overrides);
        Cow::Owned(out)
    }

    /// `to_latin` of the text runs of one block (a paragraph's Markdown text events, in
    /// order), with Russian recognised across them: in `«Рабочие *профессии* – основа»`
    /// each run alone is too short to be read as Russian, the whole is not.
    pub fn to_latin_runs<'a>(&self, runs: &[&'a str]) -> Vec<Cow<'a, str>> {
        if !runs.iter().any(|r| table::has_cyrillic(r)) {
            return runs.iter().map(|&r| Cow::Borrowed(r)).collect();
        }
        if runs.len() == 1 {
            return vec![self.to_latin(runs[0])];
        }
        let whole = runs.concat();
        let russian = text::russian_ranges(&whole);
        let mut lower_buf = String::new();
        let mut offset = 0;
        runs.iter()
            .map(|&run| {
                let start = offset;
                offset += run.len();
                if !table::has_cyrillic(run) {
                    return Cow::Borrowed(run);
                }
                let mut out = String::with_capacity(run.len() + run.len() / 8);
                // Cut the run where a Russian range starts or ends.
                let mut at = start;
                for range in russian.iter().filter(|r| r.start < offset && r.end > start) {
                    let from = range.start.max(start);
                    let to = range.end.min(offset);
                    let kazakh = &run[at - start..from - start];
                    text::push_kazakh(&mut out, kazakh, &self.overrides, &mut lower_buf);
                    out.push_str(&run[from - start..to - start]);
                    at = to;
                }
                let rest = &run[at - start..];
                text::push_kazakh(&mut out, rest, &self.overrides, &mut lower_buf);
                Cow::Owned(out)
            })
            .collect()
    }

    /// Changes when the overrides or the rules change (build cache keys).
    pub fn fingerprint(&self) -> u64 {
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        hasher.update(&RULES_VERSION.to_le_bytes());
        for (cyrillic, latin) in self.overrides.sorted() {
            hasher.update(cyrillic.as_bytes());
            hasher.update(&[0]);
            hasher.update(latin.as_bytes());
            hasher.update(&[0]);
        }
        hasher.digest()
    }

    /// The words of `text` the rules find ambiguous, each once, in the order they come:
    /// Russian spans kept in Cyrillic, words with a Latin letter among Cyrillic ones, words
    /// with ъ/ь before a vowel (dropped, the vowels meet: `объект` → `obekt`), and words that
    /// look Russian inside Kazakh text. None an override covers.
    pub fn ambiguous_words(&self, text: &str) -> Vec<Ambiguity> {
        let mut found = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut note = |word: &str, reason: &str| {
            if seen.insert(russian::lower_cyrillic(word)) {
                found.push(Ambiguity {
                    word: word.to_string(),
                    reason: reason.to_string(),
                });
            }
        };
        for (span, is_russian) in text::spans(text) {
            if !table::has_cyrillic(span) {
                continue;
            }
            if is_russian {
                let quoted = span.trim_matches(|c: char| !c.is_alphanumeric());
                note(quoted, "read as Russian and kept in Cyrillic");
                continue;
            }
            for (word, is_word) in text::pieces(span) {
                if !is_word || !table::has_cyrillic(word) || self.overrides.covers(word) {
                    continue;
                }
                if let Some(reason) = ambiguity_of(word) {
                    note(word, reason);
                }
            }
        }
        found
    }
}

/// Why the rules may get a Cyrillic word wrong, if they may.
fn ambiguity_of(word: &str) -> Option<&'static str> {
    if word.chars().any(|c| c.is_ascii_alphabetic()) {
        return Some("mixes Latin and Cyrillic letters");
    }
    let lower = russian::lower_cyrillic(word);
    let mut chars = lower.chars().peekable();
    while let Some(c) = chars.next() {
        if matches!(c, 'ъ' | 'ь') && chars.peek().is_some_and(|&n| "аеёиоуыэюяәөұүі".contains(n))
        {
            return Some("ъ/ь before a vowel is dropped and the sounds run together");
        }
    }
    let kazakh = lower.chars().any(table::is_kazakh_only);
    if !kazakh && russian::looks_russian(&lower) {
        return Some("looks Russian; transliterated as Kazakh");
    }
    None
}

/// `Transliterator::plain().to_latin(text)`.
pub fn transliterate(text: &str) -> Cow<'_, str> {
    Transliterator::plain().to_latin(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn latin(text: &str) -> String {
        Transliterator::plain().to_latin(text).into_owned()
    }

    /// The table of the module documentation, letter by letter, small and capital.
    #[test]
    fn every_letter_of_the_2021_table() {
        let table = [
            ("а", "a", "A"),
            ("ә", "ä", "Ä"),
            ("б", "b", "B"),
            ("в", "v", "V"),
            ("г", "g", "G"),
            ("ғ", "ğ", "Ğ"),
            ("д", "d", "D"),
            ("е", "e", "E"),
            ("ё", "io", "İo"),
            ("ж", "j", "J"),
            ("з", "z", "Z"),
            ("и", "i", "İ"),
            ("й", "i", "İ"),
            ("к", "k", "K"),
            ("қ", "q", "Q"),
            ("л", "l", "L"),
            ("м", "m", "M"),
            ("н", "n", "N"),
            ("ң", "ñ", "Ñ"),
            ("о", "o", "O"),
            ("ө", "ö", "Ö"),
            ("п", "p", "P"),
            ("р", "r", "R"),
            ("с", "s", "S"),
            ("т", "t", "T"),
            ("у", "u", "U"),
            ("ұ", "ū", "Ū"),
            ("ү", "ü", "Ü"),
            ("ф", "f", "F"),
            ("х", "h", "H"),
            ("һ", "h", "H"),
            ("ц", "ts", "Ts"),
            ("ч", "ç", "Ç"),
            ("ш", "ş", "Ş"),
            ("щ", "şş", "Şş"),
            ("ъ", "", ""),
            ("ы", "y", "Y"),
            ("і", "ı", "I"),
            ("ь", "", ""),
            ("э", "e", "E"),
            ("ю", "iu", "İu"),
            ("я", "ia", "İa"),
        ];
        assert_eq!(
            table.len(),
            42,
            "the 42 letters of the Kazakh Cyrillic alphabet"
        );
        for (cyrillic, small, capital) in table {
            assert_eq!(latin(cyrillic), small, "{cyrillic}");
            let upper: String = cyrillic.chars().flat_map(char::to_uppercase).collect();
            assert_eq!(latin(&upper), capital, "{upper}");
        }
    }

    /// The sample text of the reference (en.wikipedia, Kazakh alphabets), both scripts.
    #[test]
    fn the_reference_sample_text() {
        assert_eq!(
            latin("Бұрыңғы өткен заманда, бір данышпан кісі, Бағдат шаһарының бір үлкен қазысының үйіне келіп қоныпты."),
            "Būryñğy ötken zamanda, bır danyşpan kısı, Bağdat şaharynyñ bır ülken qazysynyñ üiıne kelıp qonypty."
        );
        assert_eq!(
            latin("Не де болса, бұған жалынып, сый беріп, орнымда қалайын!"),
            "Ne de bolsa, būğan jalynyp, syi berıp, ornymda qalaiyn!"
        );
    }

    #[test]
    fn month_names_and_dates() {
        let months = [
            ("қаңтар", "qañtar"),
            ("ақпан", "aqpan"),
            ("наурыз", "nauryz"),
            ("сәуір", "säuır"),
            ("мамыр", "mamyr"),
            ("маусым", "mausym"),
            ("шілде", "şılde"),
            ("тамыз", "tamyz"),
            ("қыркүйек", "qyrküiek"),
            ("қазан", "qazan"),
            ("қараша", "qaraşa"),
            ("желтоқсан", "jeltoqsan"),
        ];
        for (cyrillic, expected) in months {
            assert_eq!(
                latin(&format!("2025 жылғы 1 {cyrillic}")),
                format!("2025 jylğy 1 {expected}")
            );
            assert_eq!(
                latin(&format!("13 {cyrillic} 2025 ж.")),
                format!("13 {expected} 2025 j.")
            );
        }
        assert_eq!(latin("2025-жылы 200-ден астам"), "2025-jyly 200-den astam");
        // The CLDR long date of the Kazakh edition (DESIGN.md).
        assert_eq!(latin("2025 ж. 3 қараша"), "2025 j. 3 qaraşa");
    }

    #[test]
    fn capitals_follow_the_alphabet_and_the_word() {
        assert_eq!(latin("Ит Іле"), "İt Ile");
        assert_eq!(latin("ЮНЕСКО"), "İUNESKO");
        assert_eq!(latin("Ювелир Ясауи Ёлка"), "İuvelir İasaui İolka");
        assert_eq!(latin("ҚР ҚазҰУ ЖҰМЫСШЫ ЦЕХ"), "QR QazŪU JŪMYSŞY TSEH");
        assert_eq!(latin("Щучинск ЩЕБЕНЬ"), "Şşuçinsk ŞŞEBEN");
        assert_eq!(latin("ТМД-ЮНИСЕФ"), "TMD-İUNİSEF");
        assert_eq!(latin("Ю. Гагарин"), "İu. Gagarin");
    }

    #[test]
    fn roman_numerals_in_cyrillic_capitals_become_latin() {
        assert_eq!(
            latin("ХХХІІ сессия, ХХІ ғасыр, ХVІІ"),
            "XXXII sessiia, XXI ğasyr, XVII"
        );
        assert_eq!(latin("Х"), "H");
        assert_eq!(latin("ХАЛЫҚ Хан"), "HALYQ Han");
    }

    #[test]
    fn soft_and_hard_signs_are_dropped() {
        assert_eq!(
            latin("фестиваль объект съезд Ильин"),
            "festival obekt sezd İlin"
        );
    }

    #[test]
    fn text_without_cyrillic_is_borrowed_as_it_is() {
        let text = "https://gov.kz 2025 IT snake_case EXPO";
        assert!(matches!(Transliterator::plain().to_latin(text), Cow::Borrowed(t) if t == text));
        assert_eq!(latin("IT-маман EXPO көрмесі"), "IT-maman EXPO körmesı");
    }

    #[test]
    fn urls_addresses_and_tags_are_kept() {
        assert_eq!(
            latin("Сайт: https://сайт.қаз/жаңалық, хат: info@мысал.kz #Жұмысшы2025 @әкімдік www.еңбек.kz."),
            "Sait: https://сайт.қаз/жаңалық, hat: info@мысал.kz #Жұмысшы2025 @әкімдік www.еңбек.kz."
        );
        assert_eq!(latin("(https://a.kz/жол)"), "(https://a.kz/жол)");
    }

    #[test]
    fn russian_quotations_stay_cyrillic() {
        assert_eq!(
            latin("Ол «Рабочие профессии – основа экономики» деді."),
            "Ol «Рабочие профессии – основа экономики» dedı."
        );
        assert_eq!(
            latin("«Бастау Бизнес» жобасы (Министерство труда и социальной защиты)"),
            "«Bastau Biznes» jobasy (Министерство труда и социальной защиты)"
        );
    }

    #[test]
    fn latin_lookalikes_in_a_cyrillic_word_are_cyrillic() {
        assert_eq!(latin("үйлест\u{69}ру ТEХНИКА"), "üilestıru TEHNİKA");
        // A Latin letter that looks like no Cyrillic one: the word is left mixed.
        assert_eq!(latin("Qазақ"), "Qazaq");
    }

    fn with(yaml: &str) -> Transliterator {
        Transliterator::parse(yaml).unwrap()
    }

    #[test]
    fn overrides_take_the_case_of_the_word() {
        let t =
            with("# names\nwords:\n  Тоқаев: Toqaev\n  Қазақпарат: QazAqparat\n  жарма: jarma-x\n");
        assert_eq!(t.to_latin("Тоқаев ТОҚАЕВ тоқаев"), "Toqaev TOQAEV toqaev");
        assert_eq!(t.to_latin("Тоқаевтың"), "Toqaevtyñ");
        assert_eq!(t.to_latin("ТОҚАЕВТЫҢ"), "TOQAEVTYÑ");
        assert_eq!(t.to_latin("Қазақпарат"), "QazAqparat");
        assert_eq!(t.to_latin("Жарма жарманы"), "Jarma-x jarmany");
        assert_eq!(t.to_latin("Тоқа"), "Toqa");
    }

    #[test]
    fn the_fingerprint_follows_the_overrides() {
        let plain = Transliterator::plain().fingerprint();
        let a = with("words:\n  Тоқаев: Toqaev\n").fingerprint();
        let b = with("words:\n  Тоқаев: Tokayev\n").fingerprint();
        assert_ne!(plain, a);
        assert_ne!(a, b);
        assert_eq!(a, with("words:\n  Тоқаев: Toqaev\n").fingerprint());
        assert_eq!(plain, with("").fingerprint());
    }

    fn error_of(yaml: &str) -> String {
        Transliterator::parse(yaml).unwrap_err().to_string()
    }

    #[test]
    fn bad_overrides_name_the_file_and_line() {
        let msg = error_of("words:\n  Тоқаев: Toqaev\n  Toqaev: Тоқаев\n");
        assert!(
            msg.contains("kk-latn.yaml:3:3: words: Toqaev: a key is one word in Cyrillic"),
            "{msg}"
        );
        let msg = error_of("words:\n  Тоқаев: 12\n  Абай:\n");
        assert!(
            msg.contains("kk-latn.yaml:2:3: words: Тоқаев: expected its Latin"),
            "{msg}"
        );
        assert!(
            msg.contains("kk-latn.yaml:3:3: words: Абай: expected its Latin"),
            "{msg}"
        );
        let msg = error_of("words:\n  Абай: Абай\n");
        assert!(
            msg.contains("kk-latn.yaml:2:3: words: Абай: `Абай` has Cyrillic"),
            "{msg}"
        );
        let msg = error_of("words:\n  Абай: Abai\n  АБАЙ: ABAI\n");
        assert!(
            msg.contains("kk-latn.yaml:3:3: words: Абай: the same word as `АБАЙ`")
                || msg.contains("kk-latn.yaml:2:3: words: Абай: the same word as `АБАЙ`"),
            "{msg}"
        );
        let msg = error_of("word:\n  Абай: Abai\n");
        assert!(
            msg.contains("kk-latn.yaml:1:1: unknown key `word`"),
            "{msg}"
        );
        let msg = error_of("words: [Абай]\n");
        assert!(msg.contains("kk-latn.yaml:1:8: words: expected"), "{msg}");
        let msg = error_of("words:\n  Абай: [Abai\n");
        assert!(msg.starts_with("error: kk-latn.yaml:"), "{msg}");
        let msg = error_of("words:\n  Қасым-Жомарт: Qasym-Jomart\n");
        assert!(
            msg.contains("kk-latn.yaml:2:3: words: Қасым-Жомарт: a key is one word"),
            "{msg}"
        );
    }

    #[test]
    fn load_reads_the_site_file_or_nothing() {
        let dir = std::env::temp_dir().join(format!("qostil-latin-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let plain = Transliterator::load(&dir).unwrap();
        assert_eq!(plain.fingerprint(), Transliterator::plain().fingerprint());
        std::fs::write(dir.join(Transliterator::FILE), "words:\n  Абай: Abay\n").unwrap();
        assert_eq!(
            Transliterator::load(&dir).unwrap().to_latin("Абайдың"),
            "Abaydyñ"
        );
        std::fs::write(dir.join(Transliterator::FILE), "words:\n  Абай: 1\n").unwrap();
        let msg = Transliterator::load(&dir).unwrap_err().to_string();
        assert!(msg.contains("kk-latn.yaml:2:3:"), "{msg}");
        std::fs::write(dir.join(Transliterator::FILE), b"words:\n  \xff: a\n").unwrap();
        let msg = Transliterator::load(&dir).unwrap_err().to_string();
        assert!(msg.contains("kk-latn.yaml"), "{msg}");
        // Loading reads only: the file is as it was.
        assert_eq!(
            std::fs::read(dir.join(Transliterator::FILE)).unwrap(),
            b"words:\n  \xff: a\n"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn russian_is_recognised_across_the_runs_of_a_paragraph() {
        let t = Transliterator::plain();
        let runs = [
            "Ол «Рабочие ",
            "профессии",
            " – основа экономики» деді, ",
            "Тоқаев",
            ".",
        ];
        let got: Vec<String> = t
            .to_latin_runs(&runs)
            .into_iter()
            .map(Cow::into_owned)
            .collect();
        assert_eq!(
            got,
            [
                "Ol «Рабочие ",
                "профессии",
                " – основа экономики» dedı, ",
                "Toqaev",
                "."
            ]
        );
        // Each run alone is too short to be read as Russian.
        assert_eq!(t.to_latin("профессии"), "professii");
        let kazakh = ["Жұмысшы ", "мамандықтары", " жылы"];
        let got: Vec<String> = t
            .to_latin_runs(&kazakh)
            .into_iter()
            .map(Cow::into_owned)
            .collect();
        assert_eq!(got, ["Jūmysşy ", "mamandyqtary", " jyly"]);
        assert!(matches!(
            t.to_latin_runs(&["a", "b"])[0],
            Cow::Borrowed("a")
        ));
        assert!(t.to_latin_runs(&[]).is_empty());
    }

    /// Every pair and triple of awkward characters: no panic, and text without Cyrillic
    /// comes back as it was, both ways.
    #[test]
    fn no_input_panics() {
        let t = with("words:\n  Тоқаев: Toqaev\n");
        let chars: Vec<char> = "аЮяЁіІХ ҚьЪ#@:/.w«»\"(\n\u{301}\u{ad}\u{483}iIİıqşQ-1é😀\u{a0}"
            .chars()
            .collect();
        for &a in &chars {
            for &b in &chars {
                for &c in &chars {
                    let text: String = [a, b, c].iter().collect();
                    let latin = t.to_latin(&text);
                    if !table::has_cyrillic(&text) {
                        assert_eq!(latin, text);
                    }
                    t.ambiguous_words(&text);
                    let (first, rest) = text.split_at(a.len_utf8());
                    let runs: String = t.to_latin_runs(&[first, rest]).concat();
                    if a == ' ' {
                        assert_eq!(runs, latin, "{text:?} in two runs");
                    }
                    let back = to_cyrillic(&text);
                    if !text.chars().any(|c| c.is_alphabetic()) {
                        assert_eq!(back, text);
                    }
                }
            }
        }
    }

    #[test]
    fn ambiguous_words_are_listed_once() {
        let text = "Объект объект фестиваль үйлест\u{69}ру «Рабочие профессии и кадры» және социальной Тоқаев.";
        let found = Transliterator::plain().ambiguous_words(text);
        let words: Vec<&str> = found.iter().map(|a| a.word.as_str()).collect();
        assert_eq!(
            words,
            [
                "Объект",
                "үйлест\u{69}ру",
                "Рабочие профессии и кадры",
                "социальной"
            ]
        );
        let t = with("words:\n  Объект: Obyekt\n");
        let words: Vec<String> = t
            .ambiguous_words(text)
            .into_iter()
            .map(|a| a.word)
            .collect();
        assert!(!words.contains(&"Объект".to_string()), "{words:?}");
    }
}
