//! Sentence pools taken from the portal's real articles, and the small helpers that turn
//! sentences into titles, headings and list items.

use std::fs;
use std::path::Path;

/// Sentences shorter or longer than this (in bytes) are not used: too short reads as
/// noise, too long makes article sizes hard to keep between 2 and 6 KB.
const MIN_SENTENCE: usize = 40;
const MAX_SENTENCE: usize = 600;

/// Reads `content/<lang>/news/*.md` (not `_index.md`) below `repo`, in file-name order,
/// and returns the de-duplicated sentences of their bodies.
pub fn load_sentences(repo: &Path, lang: &str) -> Result<Vec<String>, String> {
    let dir = repo.join("content").join(lang).join("news");
    let mut files: Vec<_> = fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().is_some_and(|x| x == "md")
                && p.file_name().is_some_and(|n| n != "_index.md")
        })
        .collect();
    files.sort();
    let mut out: Vec<String> = Vec::new();
    for file in &files {
        let text = fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
        for paragraph in body(&text).split("\n\n") {
            let Some(plain) = plain_paragraph(paragraph) else {
                continue;
            };
            for sentence in split_sentences(&plain) {
                let words = sentence.split_whitespace().count();
                if (MIN_SENTENCE..=MAX_SENTENCE).contains(&sentence.len())
                    && words >= 5
                    && !out.contains(&sentence)
                {
                    out.push(sentence);
                }
            }
        }
    }
    if out.len() < 20 {
        return Err(format!(
            "{}: only {} usable sentences; the generator needs real articles to recombine",
            dir.display(),
            out.len()
        ));
    }
    Ok(out)
}

/// The text after the YAML front matter.
fn body(text: &str) -> &str {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Some(rest) = text.strip_prefix("---\n") {
        if let Some(end) = rest.find("\n---\n") {
            return &rest[end + 5..];
        }
    }
    text
}

/// A Markdown block as plain prose, or `None` for headings, tables, rules, images, code.
fn plain_paragraph(block: &str) -> Option<String> {
    let block = block.trim();
    if block.is_empty()
        || block.starts_with('#')
        || block.starts_with('|')
        || block.starts_with("---")
        || block.starts_with("```")
        || block.starts_with("![")
        || block.starts_with('<')
    {
        return None;
    }
    let mut joined = String::new();
    for line in block.lines() {
        let line = line.trim();
        let line = line
            .strip_prefix("- ")
            .or_else(|| line.strip_prefix("* "))
            .or_else(|| line.strip_prefix("> "))
            .unwrap_or(line);
        if !joined.is_empty() {
            joined.push(' ');
        }
        joined.push_str(line);
    }
    Some(clean_inline(&joined))
}

/// Drops Markdown link targets and characters with a Markdown meaning, so that recombined
/// sentences never open an emphasis, a link or a table cell by accident.
fn clean_inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ']' if chars.peek() == Some(&'(') => {
                // skip "(target)"
                for t in chars.by_ref() {
                    if t == ')' {
                        break;
                    }
                }
            }
            '*' | '_' | '`' | '|' | '<' | '>' | '[' | ']' | '\\' | '#' => {}
            _ => out.push(c),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Splits prose at `.`, `!`, `?`, `…` followed by a space and an upper-case letter or `«`;
/// a full stop after a word of one or two letters (initials, `г.`, `ж.`) does not split.
fn split_sentences(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if matches!(c, '.' | '!' | '?' | '…')
            && chars.get(i + 1) == Some(&' ')
            && chars
                .get(i + 2)
                .is_some_and(|n| n.is_uppercase() || *n == '«')
            && !(c == '.' && short_word_before(&chars, i))
        {
            push_sentence(&mut out, &chars[start..=i]);
            start = i + 2;
            i += 2;
            continue;
        }
        i += 1;
    }
    if start < chars.len() {
        push_sentence(&mut out, &chars[start..]);
    }
    out
}

fn short_word_before(chars: &[char], dot: usize) -> bool {
    let mut letters = 0;
    let mut j = dot;
    while j > 0 {
        j -= 1;
        let c = chars[j];
        if c.is_alphabetic() {
            letters += 1;
        } else {
            break;
        }
    }
    letters <= 2
}

fn push_sentence(out: &mut Vec<String>, chars: &[char]) {
    let s: String = chars.iter().collect();
    let s = s.trim();
    // A sentence must end like one.
    if s.ends_with(['.', '!', '?', '…', '»']) {
        out.push(s.to_string());
    }
}

/// The words of `s` without quotation marks and brackets (titles, headings, list items
/// must not open a quote they never close).
pub fn words(s: &str) -> Vec<String> {
    s.split_whitespace()
        .map(|w| {
            w.chars()
                .filter(|c| !matches!(c, '«' | '»' | '"' | '„' | '“' | '”' | '(' | ')'))
                .collect::<String>()
        })
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .collect()
}

/// Joins words into a phrase: no trailing punctuation, first letter upper-case.
pub fn phrase(words: &[String]) -> String {
    let mut s = words.join(" ");
    while s.ends_with(|c: char| !c.is_alphanumeric()) {
        s.pop();
    }
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => s,
    }
}
