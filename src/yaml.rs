//! The only user of serde_yaml: YAML text → typed value or JSON value, or a positioned error.
//! Swapping serde_yaml for a maintained fork touches this file alone.

use serde::de::DeserializeOwned;

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
    serde_yaml::from_str(text).map_err(|e| YamlError::from_serde(&e))
}

/// Parses a YAML mapping into a JSON object. Duplicate keys are an error. An empty document
/// gives an empty object.
pub fn parse_mapping(text: &str) -> Result<serde_json::Map<String, serde_json::Value>, YamlError> {
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

    #[test]
    fn empty_text_is_an_empty_mapping() {
        assert!(parse_mapping("").unwrap().is_empty());
        assert!(parse_mapping("- a\n").is_err());
    }
}
