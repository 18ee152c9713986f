//! Warnings about how a page is written: words that mix Cyrillic and Latin letters
//! («үйлестiру» with a Latin i: search and spell checkers see another word), a summary that
//! only repeats the title, and a hyphen typed where a dash is meant («қажет, - деді»).
//! With the Latin edition (`kazakh_latin: true`), the Kazakh words its rules find ambiguous
//! too («объект»: ъ is dropped), each once per file, for the editor to confirm or to spell
//! in `kk-latn.yaml`. Each names the file, line and column of what it found.

use std::path::Path;

use crate::content::{markdown, read_utf8, Document};
use crate::diag::{line_col, Diagnostic, Diagnostics};
use crate::lang::latin::Transliterator;
use crate::lang::Lang;
use crate::site::Site;

/// Front-matter keys whose text readers see.
const SHOWN_KEYS: [&str; 3] = ["title", "summary", "description"];

pub(super) fn check_language(root: &Path, site: &Site) -> Diagnostics {
    let mut diags = Diagnostics::new();
    // A derived edition's documents are their source files': each file is checked once.
    let docs = site
        .pages
        .iter()
        .map(|p| &*p.doc)
        .chain(site.sections.iter().filter_map(|s| s.index.as_ref()))
        .filter(|d| !d.lang.is_derived());
    for doc in docs {
        let latin = site
            .config
            .latin
            .as_deref()
            .filter(|_| doc.lang == Lang::KkLatn.source());
        diags.extend(check_document(root, doc, latin));
    }
    diags
}

fn check_document(root: &Path, doc: &Document, latin: Option<&Transliterator>) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let text = match read_utf8(&root.join(&doc.source), &doc.source) {
        Ok(raw) => crate::chars::strip_forbidden(&raw).0.into_owned(),
        Err(d) => return d.into(),
    };
    let Some((front, body)) = text.split_at_checked(doc.body_offset) else {
        return diags;
    };
    let text_of_file = &text;
    let mut latin_diags = Diagnostics::new();
    let mut report = |offset: usize, problem: Problem| {
        let (line, col) = line_col(&text, offset);
        diags.push(
            Diagnostic::warning(&doc.source, problem.message())
                .at(line, col)
                .with_code(problem.code()),
        );
    };
    let mut ambiguous = std::collections::BTreeSet::new();
    let mut report_ambiguous = |offset: usize, text: &str, latin: &Transliterator| {
        for found in latin.ambiguous_words(text) {
            if !ambiguous.insert(found.word.to_lowercase()) {
                continue;
            }
            let at = text.find(&found.word).unwrap_or(0);
            let (line, col) = line_col(text_of_file, offset + at);
            latin_diags.push(
                Diagnostic::warning(
                    &doc.source,
                    format!(
                        "«{}» in the Latin edition: {}; if the rules get it wrong, spell it in {}",
                        found.word,
                        found.reason,
                        Transliterator::FILE
                    ),
                )
                .at(line, col)
                .with_code("latin-ambiguous"),
            );
        }
    };
    for (start, value) in shown_values(front) {
        for (at, problem) in problems(value) {
            report(start + at, problem);
        }
        if let Some(latin) = latin {
            report_ambiguous(start, value, latin);
        }
    }
    for (range, piece) in markdown::prose(body) {
        let source = &body[range.clone()];
        for (at, problem) in problems(&piece) {
            // Escapes and entities make the text differ from the source: point at its start.
            let at = if source == piece { at } else { 0 };
            report(doc.body_offset + range.start + at, problem);
        }
        if let Some(latin) = latin {
            let start = doc.body_offset + range.start;
            report_ambiguous(start, if source == piece { &piece } else { source }, latin);
        }
    }
    if let Some(summary_at) = summary_repeating_title(doc, front) {
        report(summary_at, Problem::SummaryIsTitle);
    }
    diags.extend(latin_diags);
    diags
}

/// The values of `title:`, `summary:` and `description:` written on one line, with their
/// byte offsets in the file.
fn shown_values(front: &str) -> Vec<(usize, &str)> {
    let mut values = Vec::new();
    let mut offset = 0;
    for line in front.split_inclusive('\n') {
        for key in SHOWN_KEYS {
            if let Some(rest) = line.strip_prefix(key).and_then(|r| r.strip_prefix(':')) {
                let value = rest.trim_start();
                values.push((offset + line.len() - value.len(), value.trim_end()));
            }
        }
        offset += line.len();
    }
    values
}

/// The offset of `summary:` when it says just what the title says.
fn summary_repeating_title(doc: &Document, front: &str) -> Option<usize> {
    let summary = doc.meta.summary.as_deref()?.trim();
    // The loaded title is typeset: compare the summary as it would be shown.
    let shown = crate::content::typography::typeset(summary, doc.lang);
    let same = doc
        .meta
        .title
        .as_deref()
        .is_some_and(|t| t.trim().to_lowercase() == shown.trim().to_lowercase());
    if !same {
        return None;
    }
    let line = front
        .split_inclusive('\n')
        .scan(0, |offset, line| {
            let start = *offset;
            *offset += line.len();
            Some((start, line))
        })
        .find(|(_, line)| line.starts_with("summary:"))?;
    Some(line.0)
}

enum Problem {
    MixedAlphabets { word: String, latin: char },
    HyphenAsDash,
    SummaryIsTitle,
}

impl Problem {
    fn code(&self) -> &'static str {
        match self {
            Problem::MixedAlphabets { .. } => "mixed-alphabets",
            Problem::HyphenAsDash => "hyphen-as-dash",
            Problem::SummaryIsTitle => "summary-is-title",
        }
    }

    fn message(&self) -> String {
        match self {
            Problem::MixedAlphabets { word, latin } => format!(
                "«{word}» mixes alphabets: Latin {latin:?} (U+{:04X}) among Cyrillic letters; search finds it as another word",
                u32::from(*latin)
            ),
            Problem::HyphenAsDash => {
                "a hyphen between spaces used as a dash; write «—» (the page shows one)".to_string()
            }
            Problem::SummaryIsTitle => {
                "summary: the same as the title; say what the article adds, or leave it out to use the first paragraph".to_string()
            }
        }
    }
}

/// Mixed-alphabet words and spaced hyphens in a piece of text, at their byte offsets.
fn problems(text: &str) -> Vec<(usize, Problem)> {
    let mut found = Vec::new();
    for (at, word) in words(text) {
        let cyrillic = word.chars().any(is_cyrillic);
        if let Some(latin) = word.chars().find(char::is_ascii_alphabetic) {
            if cyrillic {
                let word = word.to_string();
                found.push((at, Problem::MixedAlphabets { word, latin }));
            }
        }
    }
    for (at, _) in text.match_indices(" - ").chain(text.match_indices(" -- ")) {
        if text[..at]
            .chars()
            .next_back()
            .is_some_and(|c| !c.is_whitespace())
        {
            found.push((at + 1, Problem::HyphenAsDash));
        }
    }
    found.sort_by_key(|(at, _)| *at);
    found
}

fn is_cyrillic(c: char) -> bool {
    matches!(c, '\u{400}'..='\u{4ff}' | '\u{500}'..='\u{52f}')
}

/// Runs of letters, with their byte offsets.
fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut rest = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let (start, _) = rest.find(|(_, c)| c.is_alphabetic())?;
        let mut end = text.len();
        while let Some(&(i, c)) = rest.peek() {
            if !c.is_alphabetic() {
                end = i;
                break;
            }
            rest.next();
        }
        Some((start, &text[start..end]))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(text: &str) -> Vec<(usize, &'static str)> {
        problems(text)
            .into_iter()
            .map(|(at, p)| (at, p.code()))
            .collect()
    }

    #[test]
    fn finds_latin_letters_inside_cyrillic_words() {
        assert_eq!(
            codes("мәслихат үйлест\u{69}ру мен әлеуметт\u{69}к"),
            [(17, "mixed-alphabets"), (42, "mixed-alphabets")]
        );
        assert_eq!(codes("IT-маман Astana Hub"), []);
    }

    #[test]
    fn finds_spaced_hyphens_but_not_word_hyphens() {
        assert_eq!(codes("қажет, - деді"), [(12, "hyphen-as-dash")]);
        assert_eq!(codes("2-ші орын, IT-маман"), []);
        assert_eq!(codes("- тізім"), []);
    }
}
