//! The extraction rules of `qostil import`, as pure functions over the lines of a scraped
//! document: language, date, source, author, boilerplate, title, summary, body.

use crate::lang::Lang;

/// Comment-form and share-widget leftovers that scraped pages carry (compared lower-cased,
/// without surrounding punctuation).
const BOILERPLATE: &[&str] = &[
    "жауап қалдыру",
    "пікіріңізді енгізіңіз",
    "мұнда сіздің атыңызды енгізіңіз",
    "мұнда сіздің email-іңізді енгізіңіз",
    "пікір қалдыру",
    "пікірлер",
    "бөлісу",
    "оставьте ответ",
    "оставить комментарий",
    "введите ваш комментарий",
    "введите здесь ваше имя",
    "введите здесь ваш e-mail",
    "комментарии",
    "поделиться",
];

/// Letters found in Kazakh but not in Russian.
const KAZAKH_LETTERS: &str = "әғқңөұүһіӘҒҚҢӨҰҮҺІ";

pub fn is_boilerplate(line: &str) -> bool {
    let normalized = line
        .trim()
        .trim_matches(|c: char| c.is_ascii_punctuation() || c == '…')
        .trim()
        .to_lowercase();
    BOILERPLATE.contains(&normalized.as_str())
}

/// A line that is only a number: a scraped view or comment counter.
pub fn is_counter(line: &str) -> bool {
    let t = line.trim();
    !t.is_empty() && t.len() <= 9 && t.chars().all(|c| c.is_ascii_digit())
}

/// Kazakh when Kazakh-specific letters make up at least 1% of the Cyrillic letters; Russian
/// when the text is Cyrillic without them; `None` when it is neither.
pub fn detect_language(text: &str) -> Option<Lang> {
    let mut letters = 0usize;
    let mut cyrillic = 0usize;
    let mut kazakh = 0usize;
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        letters += 1;
        if ('\u{0400}'..='\u{04FF}').contains(&c) {
            cyrillic += 1;
            if KAZAKH_LETTERS.contains(c) {
                kazakh += 1;
            }
        }
    }
    if cyrillic < 20 || cyrillic * 2 < letters {
        return None;
    }
    if kazakh * 100 >= cyrillic {
        Some(Lang::Kk)
    } else {
        Some(Lang::Ru)
    }
}

/// An explicit `date YYYY-MM-DD` marker at the start of a line: the date, and the line
/// without it.
pub fn take_date_marker(line: &str) -> Option<(String, String)> {
    let t = line.trim_start();
    let rest = t.strip_prefix("date")?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let rest = rest.trim_start();
    let date = rest.get(..10)?;
    let valid = crate::content::PageDate::parse(date).is_ok();
    valid.then(|| (date.to_string(), rest[10..].trim_start().to_string()))
}

/// `YYYY-MM-01` from the first `/YYYY/MM/` found in a URL in the text (upload folders of
/// news sites are dated).
pub fn url_date(text: &str) -> Option<String> {
    for (i, _) in text.match_indices("http") {
        let url: &str = text[i..]
            .split(|c: char| c.is_whitespace() || c == ')' || c == '"')
            .next()
            .unwrap_or_default();
        let parts: Vec<&str> = url.split('/').collect();
        for pair in parts.windows(2) {
            let (y, m) = (pair[0], pair[1]);
            let year_ok =
                y.len() == 4 && y.starts_with("20") && y.chars().all(|c| c.is_ascii_digit());
            let month_ok = m.len() == 2 && matches!(m.parse::<u8>(), Ok(1..=12));
            if year_ok && month_ok {
                return Some(format!("{y}-{m}-01"));
            }
        }
    }
    None
}

/// `Источник: X` / `Дереккөз: X`: the source's name.
pub fn source_line(line: &str) -> Option<String> {
    let t = line.trim();
    for label in ["Источник", "Дереккөз", "Дерек көзі", "Source"] {
        if let Some(rest) = t.strip_prefix(label) {
            if let Some(name) = rest.trim_start().strip_prefix(':') {
                let name = name.trim().trim_end_matches('.');
                if !name.is_empty() {
                    return Some(name.to_string());
                }
            }
        }
    }
    None
}

/// Attribution phrases inside a sentence: `…өтті, деп хабарлайды BAQ.KZ.` and
/// `…, сообщает Kazinform.`: the source name and the line with the phrase removed.
pub fn source_phrase(line: &str) -> Option<(String, String)> {
    for marker in [
        ", деп хабарлайды ",
        ", – деп хабарлайды ",
        ", - деп хабарлайды ",
        ", сообщает ",
        ", – сообщает ",
        ", передает ",
        ", передаёт ",
    ] {
        let Some(start) = line.find(marker) else {
            continue;
        };
        let after = &line[start + marker.len()..];
        // The name runs to the end of the sentence: a full stop followed by a space or the
        // end of the line (dots inside names such as BAQ.KZ are kept).
        let end = after
            .char_indices()
            .find(|(i, c)| {
                *c == '.'
                    && after[i + 1..]
                        .chars()
                        .next()
                        .is_none_or(char::is_whitespace)
            })
            .map_or(after.len(), |(i, _)| i);
        let name = after[..end].trim();
        if name.is_empty() || name.chars().count() > 60 {
            continue;
        }
        let rest = after[end..].trim_start_matches('.');
        let cleaned = format!("{}.{}", &line[..start], rest);
        return Some((name.to_string(), cleaned.trim().to_string()));
    }
    None
}

/// A closing signature: `Материалды әзірлеген Аида РАХЫМҚҰЛОВА`, `Автор: …`, or a bare name
/// in capitals (`Айжарық КӨПТІЛЕУОВ`). Returns the name in normal case.
pub fn signature(line: &str) -> Option<String> {
    let t = line.trim();
    for prefix in [
        "Материалды әзірлеген",
        "Материал дайындаған",
        "Материал подготовила",
        "Материал подготовил",
        "Автор:",
        "Авторы:",
    ] {
        if let Some(rest) = t.strip_prefix(prefix) {
            let name = rest.trim().trim_end_matches('.');
            if looks_like_name(name) {
                return Some(normalize_name(name));
            }
        }
    }
    let has_capitals_word = t
        .split_whitespace()
        .any(|w| w.chars().count() >= 3 && w.chars().all(|c| c.is_uppercase() || c == '-'));
    (has_capitals_word && looks_like_name(t)).then(|| normalize_name(t))
}

fn looks_like_name(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    (1..=4).contains(&words.len())
        && text.chars().count() <= 60
        && words.iter().all(|w| {
            w.chars().next().is_some_and(char::is_uppercase)
                && w.chars().all(|c| c.is_alphabetic() || c == '-' || c == '.')
        })
}

/// `Айжарық КӨПТІЛЕУОВ` → `Айжарық Көптілеуов`.
fn normalize_name(name: &str) -> String {
    name.split_whitespace()
        .map(|w| {
            if w.chars().count() > 1 && w.chars().all(|c| !c.is_lowercase()) {
                let mut chars = w.chars();
                let first = chars.next().map(|c| c.to_string()).unwrap_or_default();
                first + &chars.as_str().to_lowercase()
            } else {
                w.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Ends like a sentence (so it is not a headline).
fn ends_sentence(text: &str) -> bool {
    text.trim_end()
        .ends_with(['.', '!', '?', '…', ':', ';', ','])
}

/// Most characters a first line may have to count as a headline.
pub const MAX_HEADLINE: usize = 200;
/// Longest title derived from a lead sentence.
pub const MAX_DERIVED_TITLE: usize = 100;
/// Longest summary taken from a lead sentence; a longer one is cut at a word and gets `…`.
pub const MAX_SUMMARY: usize = 300;

/// A first line that is a headline: short and without a final full stop.
pub fn is_headline(line: &str) -> bool {
    let t = line.trim();
    !t.is_empty() && !ends_sentence(t) && t.chars().count() <= MAX_HEADLINE && !t.starts_with("![")
}

/// The first sentence of a paragraph: up to the first `.`, `!`, `?` or `…` that is followed
/// by a space (so initials like `М.Әшімбаев` and names like `BAQ.KZ` do not end it).
pub fn lead_sentence(paragraph: &str) -> String {
    let mut end = paragraph.len();
    for (i, c) in paragraph.char_indices() {
        if matches!(c, '.' | '!' | '?' | '…') {
            let next = paragraph[i + c.len_utf8()..].chars().next();
            if next.is_none_or(char::is_whitespace) {
                end = i + c.len_utf8();
                break;
            }
        }
    }
    paragraph[..end].trim().to_string()
}

/// A title from a lead sentence: the sentence without its final punctuation, cut at a word
/// boundary to at most `MAX_DERIVED_TITLE` characters, with no trailing punctuation.
pub fn title_from_sentence(sentence: &str) -> String {
    let trim = |s: &str| {
        s.trim_end_matches(|c: char| {
            c.is_whitespace()
                || (c.is_ascii_punctuation() && c != ')' && c != '"')
                || matches!(c, '…' | '–' | '—' | '«')
        })
        .to_string()
    };
    trim(&cut_at_word(&trim(sentence), MAX_DERIVED_TITLE))
}

/// `text` cut to at most `max` characters at a word boundary; a first word longer than
/// that is cut inside the word, so the result is never longer than `max`.
pub fn cut_at_word(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut cut = String::new();
    let mut len = 0;
    for word in text.split_whitespace() {
        let words = word.chars().count();
        let next_len = if cut.is_empty() {
            words
        } else {
            len + 1 + words
        };
        if next_len > max {
            break;
        }
        if !cut.is_empty() {
            cut.push(' ');
        }
        cut.push_str(word);
        len = next_len;
    }
    if cut.is_empty() {
        return text.chars().take(max).collect();
    }
    cut
}

/// The summary from a lead sentence: cut at a word with `…` when longer than `MAX_SUMMARY`.
pub fn summary_from_sentence(sentence: &str) -> String {
    if sentence.chars().count() <= MAX_SUMMARY {
        return sentence.to_string();
    }
    format!("{}…", cut_at_word(sentence, MAX_SUMMARY - 1))
}

/// A Markdown image line `![alt](url)`: (alt, url).
pub fn image_line(line: &str) -> Option<(String, String)> {
    let t = line.trim();
    let rest = t.strip_prefix("![")?;
    let close = rest.find("](")?;
    let alt = &rest[..close];
    let url = rest[close + 2..].strip_suffix(')')?;
    (!url.is_empty() && !url.contains(char::is_whitespace))
        .then(|| (alt.to_string(), url.to_string()))
}

/// Escapes text so Markdown shows it as written: no raw HTML, no accidental emphasis, links,
/// headings, lists or quotes.
pub fn escape_markdown(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    for c in line.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|') {
            out.push('\\');
        }
        out.push(c);
    }
    // Block markers only matter at the start of a line.
    let starts_block = out.starts_with(['#', '-', '+', '='])
        || out.split_once(['.', ')']).is_some_and(|(head, _)| {
            !head.is_empty() && head.len() <= 9 && head.chars().all(|c| c.is_ascii_digit())
        });
    if starts_block {
        if let Some(pos) = out.find(['#', '-', '+', '=', '.', ')']) {
            out.insert(pos, '\\');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_detection() {
        assert_eq!(
            detect_language("Сенат спикері Мәулен Әшімбаевтың төрағалығымен жиын өтті."),
            Some(Lang::Kk)
        );
        assert_eq!(
            detect_language(
                "Премьер-министр на заседании Правительства подчеркнул, что кадры важны."
            ),
            Some(Lang::Ru)
        );
        assert_eq!(
            detect_language("The quick brown fox jumps over the lazy dog again and again."),
            None
        );
        assert_eq!(detect_language("12345"), None);
    }

    #[test]
    fn date_marker_and_url_date() {
        let (date, rest) = take_date_marker(" date 2025-11-03 Абай облысының әкімі").unwrap();
        assert_eq!(date, "2025-11-03");
        assert_eq!(rest, "Абай облысының әкімі");
        assert!(take_date_marker("date 2025-13-03 x").is_none());
        assert!(take_date_marker("dates 2025-11-03").is_none());
        assert_eq!(
            url_date("![](http://ortalyq.kz/wp-content/uploads/2025/02/IMG_6637-1024x720.jpeg)")
                .as_deref(),
            Some("2025-02-01")
        );
        assert_eq!(url_date("see http://x.kz/2025/13/a.jpg"), None);
    }

    #[test]
    fn source_line_and_phrase() {
        assert_eq!(
            source_line("Источник: Сайт Правительства РК").as_deref(),
            Some("Сайт Правительства РК")
        );
        assert_eq!(source_line("Источники информации разные"), None);
        let (name, line) = source_phrase("Кеңес өтті, деп хабарлайды BAQ.KZ.").unwrap();
        assert_eq!(name, "BAQ.KZ");
        assert_eq!(line, "Кеңес өтті.");
        let (name, line) =
            source_phrase("Совещание прошло, сообщает Kazinform. Далее текст.").unwrap();
        assert_eq!(name, "Kazinform");
        assert_eq!(line, "Совещание прошло. Далее текст.");
    }

    #[test]
    fn signatures() {
        assert_eq!(
            signature("Айжарық КӨПТІЛЕУОВ").as_deref(),
            Some("Айжарық Көптілеуов")
        );
        assert_eq!(
            signature("Материалды әзірлеген Аида РАХЫМҚҰЛОВА").as_deref(),
            Some("Аида Рахымқұлова")
        );
        assert_eq!(signature("Бұл – жақсы үрдіс."), None);
        assert_eq!(signature("Сенат Президент тапсырмасын орындайды"), None);
    }

    #[test]
    fn boilerplate_and_counters() {
        assert!(is_boilerplate("ЖАУАП ҚАЛДЫРУ"));
        assert!(is_boilerplate("Пікіріңізді енгізіңіз!"));
        assert!(is_boilerplate("мұнда сіздің атыңызды енгізіңіз"));
        assert!(!is_boilerplate("Жауап қалдыру туралы шешім қабылданды"));
        assert!(is_counter("18"));
        assert!(!is_counter("18 студент"));
    }

    #[test]
    fn long_words_and_sentences_are_cut() {
        let word = "ә".repeat(1_000_000);
        assert_eq!(
            title_from_sentence(&word).chars().count(),
            MAX_DERIVED_TITLE
        );
        assert_eq!(cut_at_word("ab cd ef", 5), "ab cd");
        assert_eq!(cut_at_word("abcdef", 3), "abc");
        let long = "сөз ".repeat(1000);
        let summary = summary_from_sentence(&long);
        assert!(summary.chars().count() <= MAX_SUMMARY, "{}", summary.len());
        assert!(summary.ends_with("сөз…"), "{summary}");
    }

    #[test]
    fn titles() {
        assert!(is_headline(
            "Президент «Жұмысшы мамандықтарының қаласы» фестиваліне барды"
        ));
        assert!(!is_headline(
            "Облыстық мәслихаттың кезекті ХХХІІ сессия отырысы өтті."
        ));
        let lead = lead_sentence(
            "Облыстық мәслихаттың кезекті ХХХІІ сессия отырысы өтті. Жиынға облыс әкімі қатысты.",
        );
        assert_eq!(
            lead,
            "Облыстық мәслихаттың кезекті ХХХІІ сессия отырысы өтті."
        );
        assert_eq!(
            title_from_sentence(&lead),
            "Облыстық мәслихаттың кезекті ХХХІІ сессия отырысы өтті"
        );
        let long = "Сенат спикері Мәулен Әшімбаевтың төрағалығымен Жұмысшы мамандықтары жылын өткізуге арналған Іс-шаралар жоспары аясында жиын өтті.";
        let title = title_from_sentence(long);
        assert!(title.chars().count() <= MAX_DERIVED_TITLE);
        assert!(long.starts_with(&title));
        assert!(
            long[title.len()..].starts_with(' '),
            "cut inside a word: {title}"
        );
        assert_eq!(lead_sentence("деді М.Әшімбаев. Келесі"), "деді М.Әшімбаев.");
    }

    #[test]
    fn images_and_escaping() {
        assert_eq!(
            image_line("![](http://a.kz/x.jpg)"),
            Some((String::new(), "http://a.kz/x.jpg".into()))
        );
        assert_eq!(image_line("text ![](x)"), None);
        assert_eq!(escape_markdown("<b>x</b> *y*"), "\\<b\\>x\\</b\\> \\*y\\*");
        assert_eq!(escape_markdown("- деді"), "\\- деді");
        assert_eq!(escape_markdown("2025. жыл"), "2025\\. жыл");
        assert_eq!(escape_markdown("– Біз"), "– Біз");
    }
}
