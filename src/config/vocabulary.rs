//! Declared taxonomy vocabularies: `taxonomies/<name>.yaml`, a key per term with its name in
//! each language. A declared term can be written by key or by either name; all spellings
//! resolve to the key, which gives the term one slug in every language.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::Lang;
use crate::yaml;

#[derive(Debug, Clone)]
pub struct DeclaredTerm {
    pub key: String,
    pub names: BTreeMap<Lang, String>,
}

#[derive(Debug, Clone)]
pub struct Vocabulary {
    /// Site-relative file, for messages.
    pub file: String,
    pub terms: Vec<DeclaredTerm>,
    /// Lower-cased key or name → index into `terms`.
    lookup: BTreeMap<String, usize>,
}

impl Vocabulary {
    /// The declared term a front-matter value stands for (by key or by a name in any
    /// language, ignoring case).
    pub fn resolve(&self, written: &str) -> Option<&DeclaredTerm> {
        self.lookup
            .get(&written.trim().to_lowercase())
            .map(|i| &self.terms[*i])
    }
}

/// Reads `taxonomies/<name>.yaml` for each taxonomy that has one.
pub fn load_vocabularies(
    root: &Path,
    taxonomies: &[String],
    langs: &[Lang],
) -> Result<BTreeMap<String, Vocabulary>, Diagnostics> {
    let mut diags = Diagnostics::new();
    let mut vocabularies = BTreeMap::new();
    for name in taxonomies {
        let file = format!("taxonomies/{name}.yaml");
        let path = root.join(&file);
        if !path.exists() {
            continue;
        }
        let text = match crate::paths::read_utf8(&path, &file) {
            Ok(t) => t,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        match parse_vocabulary(&file, &text, langs) {
            Ok(v) => {
                vocabularies.insert(name.clone(), v);
            }
            Err(d) => diags.extend(d),
        }
    }
    diags.into_result(vocabularies)
}

pub fn parse_vocabulary(file: &str, text: &str, langs: &[Lang]) -> Result<Vocabulary, Diagnostics> {
    let map = yaml::parse_file_mapping(file, text)?;
    let mut diags = Diagnostics::new();
    let mut terms = Vec::new();
    let mut lookup = BTreeMap::new();
    for (key, value) in map {
        let pos = yaml::locate_key(text, &key);
        let err = |m: String| Diagnostic::error(file, format!("{key}: {m}")).at_opt(pos);
        if crate::lang::slugify(&key) != key {
            diags.push(err(
                "a term key must be lower-case ASCII letters, digits and `-`".into(),
            ));
            continue;
        }
        let Value::Object(names_raw) = value else {
            diags.push(err(
                "expected a name per language, e.g. `{ kk: …, ru: … }`".into()
            ));
            continue;
        };
        let mut names = BTreeMap::new();
        for (code, name) in names_raw {
            match (code.parse::<Lang>(), name) {
                (Ok(lang), Value::String(n)) if !n.trim().is_empty() => {
                    names.insert(lang, n.trim().to_string());
                }
                (Ok(_), _) => {
                    diags.push(err(format!("the {code} name must be a non-empty string")))
                }
                (Err(e), _) => diags.push(err(e)),
            }
        }
        // The Latin edition's names are the Kazakh ones transliterated, unless given.
        for lang in langs.iter().filter(|l| !l.is_derived()) {
            if !names.contains_key(lang) {
                diags.push(err(format!("missing the {lang} name")));
            }
        }
        let index = terms.len();
        for spelling in std::iter::once(&key).chain(names.values()) {
            if let Some(other) = lookup.insert(spelling.to_lowercase(), index) {
                if other != index {
                    diags.push(err(format!("`{spelling}` also names another term")));
                }
            }
        }
        terms.push(DeclaredTerm { key, names });
    }
    diags.into_result(Vocabulary {
        file: file.to_string(),
        terms,
        lookup,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_keys_and_names_in_any_language() {
        let text = "abai: { kk: \"Абай облысы\", ru: \"область Абай\" }\nastana: { kk: Астана, ru: Астана }\n";
        let v = parse_vocabulary("taxonomies/regions.yaml", text, &[Lang::Kk, Lang::Ru]).unwrap();
        assert_eq!(v.resolve("abai").unwrap().key, "abai");
        assert_eq!(v.resolve("Абай облысы").unwrap().key, "abai");
        assert_eq!(v.resolve("ОБЛАСТЬ АБАЙ").unwrap().key, "abai");
        assert!(v.resolve("Абайская").is_none());
    }

    #[test]
    fn reports_missing_names_and_bad_keys() {
        let text = "abai: { kk: \"Абай облысы\" }\nBad Key: { kk: a, ru: b }\n";
        let msg = parse_vocabulary("taxonomies/regions.yaml", text, &[Lang::Kk, Lang::Ru])
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("taxonomies/regions.yaml:1:7: abai: missing the ru name"),
            "{msg}"
        );
        assert!(
            msg.contains("taxonomies/regions.yaml:2:10: Bad Key"),
            "{msg}"
        );
    }
}
