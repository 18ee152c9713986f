//! UI strings of a theme: `themes/<theme>/i18n/<lang>.yaml`, plain strings or plural maps keyed
//! by CLDR category.

use std::collections::BTreeMap;

use serde_json::Value;

use super::Locale;

/// One UI string: plain, or one text per CLDR plural category.
#[derive(Debug, Clone, PartialEq)]
pub enum PluralText {
    Plain(String),
    Plural(BTreeMap<String, String>),
}

/// The UI strings of one language, and the file they came from (for messages).
#[derive(Debug, Clone, Default)]
pub struct UiStrings {
    pub file: String,
    strings: BTreeMap<String, PluralText>,
}

impl UiStrings {
    /// Builds the table from a parsed YAML mapping; `Err` names the offending key.
    pub fn from_mapping(
        file: &str,
        map: serde_json::Map<String, Value>,
    ) -> Result<Self, (String, String)> {
        let mut strings = BTreeMap::new();
        for (key, value) in map {
            let text = match value {
                Value::String(s) => PluralText::Plain(s),
                Value::Object(forms) => {
                    let mut plural = BTreeMap::new();
                    for (category, form) in forms {
                        if !matches!(
                            category.as_str(),
                            "zero" | "one" | "two" | "few" | "many" | "other"
                        ) {
                            return Err((key, format!("unknown plural category `{category}`")));
                        }
                        let Value::String(form) = form else {
                            return Err((
                                key,
                                format!("plural form `{category}` must be a string"),
                            ));
                        };
                        plural.insert(category, form);
                    }
                    if !plural.contains_key("other") {
                        return Err((key, "a plural string needs an `other` form".to_string()));
                    }
                    PluralText::Plural(plural)
                }
                _ => {
                    return Err((
                        key,
                        "expected a string or a map of plural forms".to_string(),
                    ))
                }
            };
            strings.insert(key, text);
        }
        Ok(UiStrings {
            file: file.to_string(),
            strings,
        })
    }

    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.strings.keys()
    }

    /// The string for `key`, its plural form chosen for `count` by the locale's CLDR rules,
    /// with `{count}` replaced. `None` when the key is missing.
    pub fn lookup(&self, key: &str, count: Option<u64>, locale: &Locale) -> Option<String> {
        let text = self.strings.get(key)?;
        let chosen = match (text, count) {
            (PluralText::Plain(s), _) => s.as_str(),
            (PluralText::Plural(forms), Some(n)) => forms
                .get(locale.plural_category(n))
                .or_else(|| forms.get("other"))
                .map(String::as_str)?,
            (PluralText::Plural(forms), None) => forms.get("other").map(String::as_str)?,
        };
        Some(match count {
            Some(n) => chosen.replace("{count}", &n.to_string()),
            None => chosen.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;

    #[test]
    fn russian_plurals_pick_the_cldr_form() {
        let map = serde_json::json!({
            "articles": {"one": "{count} статья", "few": "{count} статьи", "many": "{count} статей", "other": "{count} статьи"},
            "hello": "Сәлем"
        });
        let Value::Object(map) = map else {
            unreachable!()
        };
        let ui = UiStrings::from_mapping("ru.yaml", map).unwrap();
        let ru = Locale::new(Lang::Ru).unwrap();
        let got: Vec<_> = [1, 2, 5, 21]
            .iter()
            .map(|n| ui.lookup("articles", Some(*n), &ru).unwrap())
            .collect();
        assert_eq!(got, ["1 статья", "2 статьи", "5 статей", "21 статья"]);
        assert_eq!(ui.lookup("hello", None, &ru).unwrap(), "Сәлем");
        assert!(ui.lookup("missing", None, &ru).is_none());
    }

    #[test]
    fn rejects_bad_plural_maps() {
        let Value::Object(map) = serde_json::json!({"x": {"one": "a"}}) else {
            unreachable!()
        };
        assert!(UiStrings::from_mapping("kk.yaml", map).is_err());
        let Value::Object(map) = serde_json::json!({"x": {"lots": "a", "other": "b"}}) else {
            unreachable!()
        };
        assert!(UiStrings::from_mapping("kk.yaml", map).is_err());
    }
}
