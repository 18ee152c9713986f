//! Characters XML 1.0 forbids: the C0 controls other than tab, line feed and carriage
//! return, and the noncharacters U+FFFE and U+FFFF (lone surrogates cannot occur in a Rust
//! string). Content loses them on loading, with a warning; the XML and HTML escapers drop
//! them too, so none reaches a feed, a sitemap or a page.

use std::borrow::Cow;

/// Whether XML 1.0 forbids `c` in a document.
pub fn is_forbidden(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
}

/// `text` without the forbidden characters, and how many there were; borrowed when none.
pub fn strip_forbidden(text: &str) -> (Cow<'_, str>, usize) {
    let count = text.chars().filter(|c| is_forbidden(*c)).count();
    if count == 0 {
        return (Cow::Borrowed(text), 0);
    }
    (
        Cow::Owned(text.chars().filter(|c| !is_forbidden(*c)).collect()),
        count,
    )
}

/// Removes the forbidden characters from every string (and key) inside a JSON value;
/// returns how many there were.
pub fn strip_forbidden_json(value: &mut serde_json::Value) -> usize {
    use serde_json::Value;
    match value {
        Value::String(s) => strip_in_place(s),
        Value::Array(items) => items.iter_mut().map(strip_forbidden_json).sum(),
        Value::Object(map) => {
            let mut removed = 0;
            let entries = std::mem::take(map);
            for (mut key, mut item) in entries {
                removed += strip_in_place(&mut key) + strip_forbidden_json(&mut item);
                map.insert(key, item);
            }
            removed
        }
        _ => 0,
    }
}

fn strip_in_place(s: &mut String) -> usize {
    let (clean, removed) = strip_forbidden(s);
    if removed > 0 {
        *s = clean.into_owned();
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_only_what_xml_forbids() {
        let (clean, n) = strip_forbidden("a\u{0}b\u{1F}c\td\ne\rf\u{FFFE}g\u{FFFF}h\u{7F}ә");
        assert_eq!(clean, "abc\td\ne\rfgh\u{7F}ә");
        assert_eq!(n, 4);
        assert!(matches!(strip_forbidden("клean").0, Cow::Borrowed(_)));
    }

    #[test]
    fn strips_inside_json_values() {
        let mut v = serde_json::json!({"t\u{1}": ["a\u{0}", {"b": "c\u{8}"}], "n": 1});
        assert_eq!(strip_forbidden_json(&mut v), 3);
        assert_eq!(v, serde_json::json!({"t": ["a", {"b": "c"}], "n": 1}));
    }
}
