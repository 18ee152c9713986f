//! A text run → Latin: spans (for recognising Russian), protected tokens (URLs, e-mail
//! addresses, hashtags, mentions), words (case, look-alikes, overrides).

use super::overrides::Overrides;
use super::{russian, table};

/// Characters that end a span, the stretch a Russian quotation is recognised in: quotation
/// marks, brackets, the ends of sentences and clauses, line breaks.
fn ends_span(c: char) -> bool {
    matches!(
        c,
        '«' | '»'
            | '„'
            | '“'
            | '”'
            | '"'
            | '('
            | ')'
            | '['
            | ']'
            | '.'
            | '!'
            | '?'
            | ';'
            | ':'
            | '\n'
            | '…'
    )
}

/// Whether a token may start after `prev`: at the start, after a space or an opening mark.
fn starts_token(prev: Option<char>) -> bool {
    match prev {
        None => true,
        Some(c) => c.is_whitespace() || matches!(c, '«' | '(' | '[' | '"' | '„' | '“' | '\''),
    }
}

/// The end of a URL, e-mail address, hashtag or @-mention that starts at `start`: the next
/// white space. Such a token is kept as it is: a link or an address must still work, and a
/// hashtag is searched for as it is written.
pub fn protected_end(text: &str, start: usize) -> Option<usize> {
    let rest = text.get(start..)?;
    let bytes = rest.as_bytes();
    // Each of them starts with an ASCII character; a Cyrillic word (nearly every token of
    // Kazakh text) is answered at once.
    if !bytes.first()?.is_ascii() {
        return None;
    }
    let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
    let token = &bytes[..end];
    let tagged = matches!(token.first(), Some(b'#' | b'@')) && token.len() > 1;
    let protected = tagged
        || token.starts_with(b"www.")
        || (token.contains(&b'@') && token.contains(&b'.'))
        || token.windows(3).any(|w| w == b"://");
    protected.then_some(start + end)
}

/// The end of the span that starts at `start` (after its closing mark).
fn span_end(text: &str, start: usize) -> usize {
    let bytes = text.as_bytes();
    let mut boundary = starts_token(text[..start].chars().next_back());
    let mut i = start;
    while i < bytes.len() {
        if is_cyrillic_lead(bytes[i]) {
            // A Cyrillic letter: it neither ends a span nor starts a URL.
            i += 2;
            boundary = false;
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        if boundary {
            if let Some(end) = protected_end(text, i) {
                i = end;
                boundary = starts_token(text[..i].chars().next_back());
                continue;
            }
        }
        i += c.len_utf8();
        if ends_span(c) {
            return i;
        }
        boundary = starts_token(Some(c));
    }
    text.len()
}

/// The first byte of a character of U+0400–U+04FF (Cyrillic, two bytes in UTF-8).
fn is_cyrillic_lead(b: u8) -> bool {
    (0xD0..=0xD3).contains(&b)
}

/// The spans of a text with whether each is Russian.
pub fn spans(text: &str) -> impl Iterator<Item = (&str, bool)> {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let end = span_end(text, start);
        let span = &text[start..end];
        start = end;
        Some((span, russian::is_russian(span)))
    })
}

/// A character of a word: a letter, or a mark inside one (U+0301 stress, U+00AD soft
/// hyphen, other combining marks).
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else {
        matches!(c, '\u{400}'..='\u{4ff}' | '\u{300}'..='\u{36f}' | '\u{ad}') || c.is_alphabetic()
    }
}

/// The pieces of a span: words (runs of letters) and what lies between them, protected
/// tokens as one piece that is not a word.
pub fn pieces(span: &str) -> impl Iterator<Item = (&str, bool)> {
    let bytes = span.as_bytes();
    let mut i = 0;
    // Whether a token may start at `i` (`starts_token` of the character before it).
    let mut boundary = true;
    std::iter::from_fn(move || {
        let start = i;
        let first = span[i..].chars().next()?;
        if boundary {
            if let Some(end) = protected_end(span, i) {
                i = end;
                boundary = starts_token(span[..i].chars().next_back());
                return Some((&span[start..i], false));
            }
        }
        let word = is_word_char(first);
        while i < bytes.len() {
            if word && is_cyrillic_lead(bytes[i]) {
                i += 2;
                continue;
            }
            let Some(c) = span[i..].chars().next() else {
                break;
            };
            if is_word_char(c) != word || (!word && i > start && boundary) {
                break;
            }
            i += c.len_utf8();
            boundary = starts_token(Some(c));
        }
        if word {
            boundary = false;
        }
        Some((&span[start..i], word))
    })
}

/// How a word is written: all capitals (two letters or more), a first capital, or neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    Lower,
    Capitalised,
    AllCaps,
}

/// What `push_letters` needs to know of a word, found in one pass over it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub case: Case,
    /// The word has a Cyrillic letter and Latin letters that all look like Cyrillic ones
    /// (`үйлестiру`, `ТEХНИКА`): they are read as the Cyrillic letters.
    pub lookalikes: bool,
}

pub fn shape_of(word: &str) -> Shape {
    let mut letters = 0;
    let mut capitals = 0;
    let mut first_capital = false;
    let mut cyrillic = false;
    let mut latin = false;
    let mut only_lookalikes = true;
    for c in word.chars() {
        // A look-alike has the case of the Latin letter, so the case is the same whether
        // the look-alikes are read as Cyrillic or not.
        let upper = if let Some((_, upper)) = table::cyrillic(c) {
            cyrillic = true;
            upper
        } else if c.is_ascii_alphabetic() {
            latin = true;
            only_lookalikes &= table::lookalike(c).is_some();
            c.is_ascii_uppercase()
        } else if c.is_alphabetic() {
            c.is_uppercase()
        } else {
            continue;
        };
        if letters == 0 {
            first_capital = upper;
        }
        letters += 1;
        capitals += usize::from(upper);
    }
    let case = if letters >= 2 && capitals == letters {
        Case::AllCaps
    } else if first_capital {
        Case::Capitalised
    } else {
        Case::Lower
    };
    Shape {
        case,
        lookalikes: cyrillic && latin && only_lookalikes,
    }
}

/// Appends the Latin of a word's letters. A capital that becomes two letters (Ю → İu) is
/// all capitals in an all-capitals word, and where the letter after it is a capital too or
/// it ends a run of capitals (`ҚазҰУ`-like abbreviations); otherwise only its first letter
/// is (`Ювелир` → `İuvelir`).
pub fn push_letters(out: &mut String, word: &str, case: Case, lookalikes: bool) {
    let mut prev_upper = false;
    let mut chars = word.chars().peekable();
    while let Some(c) = chars.next() {
        let found = match table::latin_of(c) {
            None if lookalikes => table::lookalike(c).and_then(table::latin_of),
            found => found,
        };
        let Some((&[small, title, caps], upper)) = found else {
            out.push(c);
            prev_upper = c.is_uppercase();
            continue;
        };
        let latin = if !upper {
            small
        } else if case == Case::AllCaps || title == caps {
            caps
        } else {
            let next = chars.peek().copied();
            let next_upper = next.is_some_and(char::is_uppercase);
            let next_lower = next.is_some_and(char::is_lowercase);
            if next_upper || (prev_upper && !next_lower) {
                caps
            } else {
                title
            }
        };
        out.push_str(latin);
        prev_upper = upper;
    }
}

/// Whether a word is a Roman numeral typed with the Cyrillic capitals that look like the
/// Latin ones (`ХХІІ сессия`, `ХХІ ғасыр`): Х and І, with Latin I V X L C D M, two letters
/// or more (a lone Х is the letter).
pub fn is_roman_numeral(word: &str) -> bool {
    word.chars().nth(1).is_some()
        && word
            .chars()
            .all(|c| matches!(c, 'Х' | 'І' | 'I' | 'V' | 'X' | 'L' | 'C' | 'D' | 'M'))
        && word.contains(['Х', 'І'])
}

/// Appends a Roman numeral (`is_roman_numeral`) in Latin capitals.
fn push_roman_numeral(out: &mut String, word: &str) {
    out.extend(word.chars().map(|c| match c {
        'Х' => 'X',
        'І' => 'I',
        c => c,
    }));
}

/// Appends a text run in Latin letters (see `Transliterator::to_latin`).
pub fn push_latin(out: &mut String, text: &str, overrides: &Overrides) {
    let mut lower_buf = String::new();
    for (span, russian) in spans(text) {
        if russian {
            out.push_str(span);
        } else {
            push_kazakh(out, span, overrides, &mut lower_buf);
        }
    }
}

/// Appends text known to be Kazakh (no Russian spans) in Latin letters, word by word.
pub fn push_kazakh(out: &mut String, text: &str, overrides: &Overrides, lower_buf: &mut String) {
    if !table::has_cyrillic(text) {
        out.push_str(text);
        return;
    }
    for (piece, word) in pieces(text) {
        if !word || !table::has_cyrillic(piece) {
            out.push_str(piece);
            continue;
        }
        if is_roman_numeral(piece) {
            push_roman_numeral(out, piece);
            continue;
        }
        let Shape { case, lookalikes } = shape_of(piece);
        if !overrides.is_empty() {
            if let Some((replacement, len)) = overrides.find(piece, lower_buf) {
                overrides::push_cased(out, replacement, case);
                push_letters(out, &piece[len..], case, lookalikes);
                continue;
            }
        }
        push_letters(out, piece, case, lookalikes);
    }
}

/// The byte ranges of the Russian spans of a text.
pub fn russian_ranges(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let mut start = 0;
    for (span, russian) in spans(text) {
        if russian {
            ranges.push(start..start + span.len());
        }
        start += span.len();
    }
    ranges
}

use super::overrides;

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces_of(text: &str) -> Vec<(&str, bool)> {
        pieces(text).collect()
    }

    #[test]
    fn urls_addresses_and_tags_are_single_pieces() {
        assert_eq!(
            pieces_of("сайт https://сайт.kz/жол, info@мысал.kz #Жұмысшы"),
            [
                ("сайт", true),
                (" ", false),
                ("https://сайт.kz/жол,", false),
                (" ", false),
                ("info@мысал.kz", false),
                (" ", false),
                ("#Жұмысшы", false),
            ]
        );
    }

    #[test]
    fn spans_end_at_quotes_and_sentences() {
        let got: Vec<&str> = spans("Ол: «Иә». Жоқ").map(|(s, _)| s).collect();
        assert_eq!(got, ["Ол:", " «", "Иә»", ".", " Жоқ"]);
    }

    #[test]
    fn a_url_does_not_end_a_span() {
        let got: Vec<&str> = spans("қараңыз https://a.kz/b.c?d=е:1 бұл")
            .map(|(s, _)| s)
            .collect();
        assert_eq!(got, ["қараңыз https://a.kz/b.c?d=е:1 бұл"]);
    }
}
