//! Site data for templates: every `data/<stem>.yaml|yml|json` becomes `data.<stem>`.

use std::path::Path;

use serde_json::{Map, Value};

use crate::diag::{Diagnostic, Diagnostics};

pub const DATA_DIR: &str = "data";

/// Reads `data/` (a missing folder is no data). A file that does not parse is an error at
/// its line and column; two files with one stem (`x.yaml`, `x.json`) are an error too.
/// Files that are not data files are skipped with a warning in `warnings`.
pub fn load_data(
    root: &Path,
    warnings: &mut Diagnostics,
) -> Result<Map<String, Value>, Diagnostics> {
    let mut diags = Diagnostics::new();
    let mut data = Map::new();
    for file in crate::paths::walk_files(root, &root.join(DATA_DIR), &mut diags) {
        let Some((stem, ext)) = file.rel.rsplit_once('.') else {
            continue;
        };
        if !matches!(ext, "yaml" | "yml" | "json") || stem.contains('/') {
            warnings.push(Diagnostic::warning(
                &file.source,
                "not a data file: data/ takes <name>.yaml, .yml or .json at its top level",
            ));
            continue;
        }
        let text = match crate::paths::read_utf8(&file.path, &file.source) {
            Ok(t) => t,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        match parse(&text, ext) {
            Ok(_) if data.contains_key(stem) => diags.push(Diagnostic::error(
                &file.source,
                format!("another data file is named `{stem}` too: `data.{stem}` must be one file"),
            )),
            Ok(value) => {
                data.insert(stem.to_string(), value);
            }
            Err((message, position)) => {
                diags.push(Diagnostic::error(&file.source, message).at_opt(position))
            }
        }
    }
    diags.into_result(data)
}

type ParseError = (String, Option<(usize, usize)>);

fn parse(text: &str, ext: &str) -> Result<Value, ParseError> {
    if ext == "json" {
        return serde_json::from_str(text)
            .map_err(|e| (format!("invalid JSON: {e}"), Some((e.line(), e.column()))));
    }
    crate::yaml::from_str::<Value>(text).map_err(|e| {
        let position = e.line.zip(e.col);
        (format!("invalid YAML: {}", e.message), position)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_yaml_and_json_with_positions() {
        assert_eq!(parse("a: 1\nb: [x]\n", "yaml").unwrap()["b"][0], "x");
        assert_eq!(parse("{\"a\": 1}", "json").unwrap()["a"], 1);
        let (message, position) = parse("{\n\"a\": }", "json").unwrap_err();
        assert!(message.starts_with("invalid JSON"), "{message}");
        assert_eq!(position, Some((2, 6)));
        let (_, position) = parse("a: 1\nb: [x\n", "yaml").unwrap_err();
        assert!(position.is_some());
    }
}
