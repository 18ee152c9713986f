//! The only user of serde_yaml: YAML text → typed value or JSON value, or a positioned error.
//! Swapping serde_yaml for a maintained fork touches this file alone.
//!
//! Every document is measured before it is parsed, with aliases counted as what they expand
//! to: a few kilobytes of anchors and aliases (`b: [*a, *a, …]`) must not become gigabytes.
//! serde_yaml alone limits nesting depth and the number of alias jumps, but not the width
//! of what one alias repeats.

use std::cell::Cell;
use std::fmt;

use serde::de::{DeserializeOwned, DeserializeSeed, EnumAccess, MapAccess, SeqAccess, Visitor};

use crate::diag::Diagnostic;

/// Most nodes (scalars, lists, mappings) one YAML document may hold, aliases expanded.
pub const MAX_NODES: usize = 1_000_000;
/// Most bytes of scalar text one YAML document may hold, aliases expanded.
pub const MAX_TEXT_BYTES: usize = 64 * 1024 * 1024;

/// A YAML problem with its 1-based position inside the parsed text, when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub line: Option<usize>,
    pub col: Option<usize>,
    pub message: String,
}

impl YamlError {
    fn from_serde(err: &serde_yaml::Error) -> Self {
        let location = err.location();
        YamlError {
            line: location.as_ref().map(|l| l.line()),
            col: location.as_ref().map(|l| l.column()),
            message: clean_message(&err.to_string()),
        }
    }

    /// Moves the position from the YAML block into the file that holds it.
    pub fn shifted(mut self, first_line: usize) -> Self {
        self.line = self.line.map(|l| l + first_line - 1);
        self
    }

    /// Puts what was being read in front of the message: `front matter: …`.
    pub fn in_context(mut self, what: &str) -> Self {
        self.message = format!("{what}: {}", self.message);
        self
    }

    /// The error as a diagnostic of `file` (site-relative), at the error's position.
    pub fn into_diagnostic(self, file: &str) -> Diagnostic {
        let mut d = Diagnostic::error(file, self.message);
        d.line = self.line;
        d.col = self.col;
        d
    }
}

/// `parse_mapping` for the whole of a site file: errors name `file`.
pub fn parse_file_mapping(
    file: &str,
    text: &str,
) -> Result<serde_json::Map<String, serde_json::Value>, Diagnostic> {
    parse_mapping(text).map_err(|e| e.into_diagnostic(file))
}

/// Checks that `text` stays within `MAX_NODES` and `MAX_TEXT_BYTES` once its aliases are
/// expanded. Walks serde_yaml's events without building anything; a syntax error found on
/// the way is returned as the parse would return it.
fn check_size(text: &str) -> Result<(), YamlError> {
    let budget = Budget {
        nodes: &Cell::new(0),
        bytes: &Cell::new(0),
    };
    budget
        .deserialize(serde_yaml::Deserializer::from_str(text))
        .map_err(|e| at_top_level_key(text, YamlError::from_serde(&e)))
}

/// serde_yaml places an over-the-limit error at the repeated value, inside the anchor, and
/// prefixes its path (`b[98][9894]: …`); the reader wants the key whose aliases did it.
fn at_top_level_key(text: &str, mut err: YamlError) -> YamlError {
    let Some((path, rest)) = err.message.split_once(": ") else {
        return err;
    };
    if !rest.starts_with(TOO_LARGE) {
        return err;
    }
    let key = path.split(['[', '.']).next().unwrap_or(path);
    if let Some((line, col)) = locate_key(text, key) {
        (err.line, err.col) = (Some(line), Some(col));
    }
    err.message = format!("{key}: {rest}");
    err
}

const TOO_LARGE: &str = "the YAML is too large once its aliases are expanded";

/// Counts what a document expands to, failing as soon as it is over the limits.
#[derive(Clone, Copy)]
struct Budget<'a> {
    nodes: &'a Cell<usize>,
    bytes: &'a Cell<usize>,
}

impl Budget<'_> {
    fn spend<E: serde::de::Error>(&self, bytes: usize) -> Result<(), E> {
        self.nodes.set(self.nodes.get() + 1);
        self.bytes.set(self.bytes.get().saturating_add(bytes));
        if self.nodes.get() > MAX_NODES || self.bytes.get() > MAX_TEXT_BYTES {
            return Err(E::custom(format!(
                "{TOO_LARGE} (more than {MAX_NODES} values or {} MiB of text)",
                MAX_TEXT_BYTES / (1024 * 1024)
            )));
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for Budget<'_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Budget<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<(), E> {
        self.spend(0)
    }

    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<(), E> {
        self.spend(0)
    }

    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<(), E> {
        self.spend(0)
    }

    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<(), E> {
        self.spend(0)
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<(), E> {
        self.spend(v.len())
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        self.spend(0)
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<(), E> {
        self.spend(0)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.spend(0)?;
        while seq.next_element_seed(self)?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.spend(0)?;
        while map.next_key_seed(self)?.is_some() {
            map.next_value_seed(self)?;
        }
        Ok(())
    }

    /// A tagged value (`!tag value`).
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
        use serde::de::VariantAccess;
        let ((), variant) = data.variant_seed(self)?;
        variant.newtype_variant_seed(self)
    }
}

/// serde_yaml appends " at line L column C" to messages; the position is reported separately.
fn clean_message(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// Parses YAML text straight into a typed struct (used where serde's `deny_unknown_fields`
/// should report the offending key with its position).
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    check_size(text)?;
    serde_yaml::from_str(text).map_err(|e| YamlError::from_serde(&e))
}

/// Parses a YAML mapping into a JSON object. Duplicate keys are an error. An empty document
/// gives an empty object.
pub fn parse_mapping(text: &str) -> Result<serde_json::Map<String, serde_json::Value>, YamlError> {
    check_size(text)?;
    let value: serde_yaml::Value =
        serde_yaml::from_str(text).map_err(|e| YamlError::from_serde(&e))?;
    let json = match value {
        serde_yaml::Value::Null => return Ok(serde_json::Map::new()),
        serde_yaml::Value::Mapping(_) => serde_json::to_value(&value).map_err(|e| YamlError {
            line: None,
            col: None,
            message: e.to_string(),
        })?,
        _ => {
            return Err(YamlError {
                line: Some(1),
                col: Some(1),
                message: "expected a mapping of `key: value` lines".to_string(),
            })
        }
    };
    match json {
        serde_json::Value::Object(map) => Ok(map),
        _ => Err(YamlError {
            line: Some(1),
            col: Some(1),
            message: "expected a mapping of `key: value` lines".to_string(),
        }),
    }
}

/// 1-based (line, column) of the value of a top-level `key:` in YAML text: where a reader's
/// eye should go when that field is wrong. Falls back to the key when the value is on the
/// next lines.
pub fn locate_key(text: &str, key: &str) -> Option<(usize, usize)> {
    for (index, line) in text.lines().enumerate() {
        let Some(rest) = line.strip_prefix(key) else {
            continue;
        };
        let rest_trimmed = rest.trim_start();
        if !rest_trimmed.starts_with(':') {
            continue;
        }
        let after_colon = &rest_trimmed[1..];
        let value = after_colon.trim_start();
        let col = if value.is_empty() || value.starts_with('#') {
            1
        } else {
            line.chars().count() - value.chars().count() + 1
        };
        return Some((index + 1, col));
    }
    None
}

/// Serializes a value as YAML (front matter written by `import` and `new`).
pub fn to_string<T: serde::Serialize>(value: &T) -> Result<String, String> {
    serde_yaml::to_string(value).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_the_value_of_a_key() {
        let text = "title: x\ndate: \"2025-13-01\"\ntags:\n  - a\n";
        assert_eq!(locate_key(text, "date"), Some((2, 7)));
        assert_eq!(locate_key(text, "tags"), Some((3, 1)));
        assert_eq!(locate_key(text, "dat"), None);
    }

    #[test]
    fn syntax_errors_carry_a_position() {
        let err = parse_mapping("title: x\ndate: [1\n").unwrap_err();
        assert!(err.line.is_some());
        assert!(!err.message.contains(" at line "));
    }

    #[test]
    fn duplicate_keys_are_errors() {
        assert!(parse_mapping("a: 1\na: 2\n").is_err());
    }

    /// 23 KB that would expand to ten million strings.
    fn wide_alias_bomb() -> String {
        let items = vec!["x"; 10_000].join(",");
        let aliases = vec!["*a"; 1000].join(",");
        format!("title: T\na: &a [{items}]\nb: [{aliases}]\n")
    }

    #[test]
    fn a_wide_alias_bomb_fails_fast_at_its_line() {
        let text = wide_alias_bomb();
        assert!(text.len() < 30_000);
        let started = std::time::Instant::now();
        let err = parse_mapping(&text).unwrap_err();
        assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
        assert!(err.message.contains("too large"), "{err:?}");
        assert_eq!(err.line, Some(3), "{err:?}");
        assert!(
            err.message.starts_with("b: the YAML is too large"),
            "{err:?}"
        );
        assert!(from_str::<serde_json::Value>(&text).is_err());
    }

    #[test]
    fn long_text_repeated_by_aliases_is_too_large() {
        let long = "y".repeat(1024 * 1024);
        let aliases = vec!["*a"; 100].join(", ");
        let text = format!("a: &a \"{long}\"\nb: [{aliases}]\n");
        let err = parse_mapping(&text).unwrap_err();
        assert!(err.message.contains("too large"), "{err:?}");
    }

    #[test]
    fn ordinary_aliases_and_tags_are_fine() {
        let map = parse_mapping("a: &a [x, y]\nb: *a\nc: !tag z\nd: { e: 1.5, f: ~, g: true }\n")
            .unwrap();
        assert_eq!(map["b"], serde_json::json!(["x", "y"]));
    }

    #[test]
    fn a_yaml_error_becomes_a_diagnostic_of_its_file() {
        let err = parse_mapping("a: [1\n").unwrap_err().shifted(2);
        let d = err
            .in_context("front matter")
            .into_diagnostic("content/kk/x.md");
        assert!(d.to_string().starts_with("error: content/kk/x.md:"), "{d}");
        assert!(d.message.starts_with("front matter: "), "{d}");
        assert!(d.line.is_some_and(|l| l >= 2), "{d}");
    }

    #[test]
    fn empty_text_is_an_empty_mapping() {
        assert!(parse_mapping("").unwrap().is_empty());
        assert!(parse_mapping("- a\n").is_err());
    }
}
