//! Front matter: split the `---` block from the body, parse it as YAML, and resolve every
//! known field into a typed `FrontMatter`; unknown keys are kept as `extra`.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::date::PageDate;
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::Lang;
use crate::yaml;

/// Where the parts of a content file are.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    pub yaml: &'a str,
    /// 1-based line of the file where the YAML starts.
    pub yaml_line: usize,
    pub body: &'a str,
    /// Byte offset of the body in the file.
    pub body_offset: usize,
}

/// Splits `---\n<yaml>\n---\n<body>`. A leading byte-order mark is skipped.
pub fn split_front_matter(text: &str) -> Result<Split<'_>, String> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &text[start..];
    let first_line_end = rest.find('\n').map_or(rest.len(), |i| i + 1);
    if rest[..first_line_end].trim_end() != "---" {
        return Err("missing front matter: the file must start with a `---` line".to_string());
    }
    let yaml_start = start + first_line_end;
    let mut offset = yaml_start;
    for line in text[yaml_start..].split_inclusive('\n') {
        if line.trim_end() == "---" {
            let body_offset = offset + line.len();
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_line: 2,
                body: &text[body_offset..],
                body_offset,
            });
        }
        offset += line.len();
    }
    Err("front matter is not closed: add a `---` line after it".to_string())
}

#[derive(Debug, Clone, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub name: String,
    #[serde(default)]
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Image {
    pub src: String,
    #[serde(default)]
    pub alt: Option<String>,
    /// What the photo shows, in the page's language (shown under it).
    #[serde(default)]
    pub caption: Option<String>,
    /// Who took it or owns it (shown with the caption).
    #[serde(default)]
    pub credit: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize, serde::Serialize)]
pub enum SortBy {
    #[default]
    Date,
    Weight,
    Title,
}

/// The resolved front matter of a page or a section's `_index.md`.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
// Empty fields are left out of the documents cache (content::cache) and default back.
#[serde(default)]
pub struct FrontMatter {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<PageDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated: Option<PageDate>,
    /// From this moment on the page is no longer published.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<PageDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Taxonomy name → terms, for every taxonomy in site.yaml.
    #[serde(skip_serializing_if = "is_empty")]
    pub taxonomies: BTreeMap<String, Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub translation_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub translated_from: Option<Lang>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub draft: bool,
    #[serde(skip_serializing_if = "is_empty")]
    pub aliases: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<i64>,
    // Section (`_index.md`) fields.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort_by: Option<SortBy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paginate_by: Option<usize>,
    /// `template: name.html`: the template this page or section is rendered with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// Unknown keys (a page's `page.extra`).
    #[serde(skip_serializing_if = "is_empty")]
    pub extra: Map<String, Value>,
    /// The `extra:` map, for pages and sections alike (`page.extra`, `section.extra`).
    #[serde(skip_serializing_if = "is_empty")]
    pub extra_map: Map<String, Value>,
    /// (line, column) in the file of each top-level key's value, for later stages' messages.
    #[serde(skip_serializing_if = "is_empty")]
    pub positions: BTreeMap<String, (usize, usize)>,
}

/// For serde: an empty collection is left out.
fn is_empty<T>(collection: &T) -> bool
where
    for<'a> &'a T: IntoIterator,
{
    collection.into_iter().next().is_none()
}

impl FrontMatter {
    pub fn position(&self, key: &str) -> Option<(usize, usize)> {
        self.positions.get(key).copied()
    }

    /// What templates get as `extra`: the `extra:` map, and a page's other unknown keys
    /// (a key in both: the `extra:` map's value).
    pub fn template_extra(&self) -> Map<String, Value> {
        let mut all = self.extra.clone();
        all.extend(self.extra_map.clone());
        all
    }
}

/// Reads known keys out of the parsed mapping, reporting each bad one at its position.
struct FieldReader<'a> {
    map: Map<String, Value>,
    yaml: &'a str,
    yaml_line: usize,
    file: &'a str,
    diags: &'a mut Diagnostics,
}

impl FieldReader<'_> {
    fn position(&self, key: &str) -> Option<(usize, usize)> {
        yaml::locate_key(self.yaml, key).map(|(l, c)| (l + self.yaml_line - 1, c))
    }

    fn error(&mut self, key: &str, message: String) {
        let d =
            Diagnostic::error(self.file, format!("{key}: {message}")).at_opt(self.position(key));
        self.diags.push(d);
    }

    /// Removes `key` and deserializes it; `null` counts as absent.
    fn take<T: DeserializeOwned>(&mut self, key: &str, expected: &str) -> Option<T> {
        let value = self.map.remove(key)?;
        if value.is_null() {
            return None;
        }
        match serde_json::from_value::<T>(value.clone()) {
            Ok(v) => Some(v),
            Err(e) => {
                let found = short_json(&value);
                let detail = if e.to_string().starts_with("unknown field")
                    || e.to_string().starts_with("missing field")
                {
                    format!("{e}")
                } else {
                    format!("expected {expected}, found {found}")
                };
                self.error(key, detail);
                None
            }
        }
    }

    fn take_date(&mut self, key: &str) -> Option<PageDate> {
        let value = self.map.get(key)?.clone();
        let text = match value {
            Value::String(s) => s,
            Value::Null => {
                self.map.remove(key);
                return None;
            }
            other => short_json(&other),
        };
        self.map.remove(key);
        match PageDate::parse(&text) {
            Ok(d) => Some(d),
            Err(message) => {
                self.error(key, message);
                None
            }
        }
    }

    fn take_non_empty_string(&mut self, key: &str) -> Option<String> {
        let s: String = self.take(key, "a string")?;
        if s.trim().is_empty() {
            self.error(key, "must not be empty".to_string());
            return None;
        }
        Some(s)
    }
}

/// The keys a section's `_index.md` may set. Any other is an error: a page's field there
/// (`date`, `tags`, `slug` …) or a typo would otherwise be ignored without a word.
pub const SECTION_KEYS: &[&str] = &[
    "title",
    "description",
    "sort_by",
    "paginate_by",
    "weight",
    "translation_key",
    "draft",
    "template",
    "extra",
];

/// Reports the keys of a section's `_index.md` that sections do not use, at their line;
/// `home`: the language's own `_index.md`, whose home always pairs with the other homes.
pub fn check_section_keys(meta: &FrontMatter, file: &str, home: bool, diags: &mut Diagnostics) {
    let mut keys: Vec<(Option<(usize, usize)>, &str)> = meta
        .positions
        .keys()
        .chain(meta.extra.keys())
        .map(|k| (meta.position(k).map(|(line, _)| (line, 1)), k.as_str()))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    for (position, key) in keys {
        let message = if home && key == "translation_key" {
            "a language's home always pairs with the other languages' homes; \
             `translation_key` is for sections in folders"
                .to_string()
        } else if SECTION_KEYS.contains(&key) {
            continue;
        } else {
            let hint = SECTION_KEYS
                .iter()
                .map(|k| (strsim::levenshtein(key, k), *k))
                .filter(|(d, _)| *d <= 2)
                .min()
                .map(|(_, k)| format!(" (did you mean `{k}`?)"))
                .unwrap_or_default();
            format!(
                "unknown key in a section's _index.md{hint}; it knows {}",
                SECTION_KEYS.join(", ")
            )
        };
        diags.push(Diagnostic::error(file, format!("{key}: {message}")).at_opt(position));
    }
}

fn short_json(value: &Value) -> String {
    let s = value.to_string();
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s
    }
}

/// Parses and resolves the YAML of one file. Errors go to `diags`; the returned value holds
/// whatever could be read, so one file can report several problems at once.
pub fn parse_front_matter(
    split: &Split<'_>,
    file: &str,
    taxonomies: &[String],
    diags: &mut Diagnostics,
) -> Option<FrontMatter> {
    let mut map = match yaml::parse_mapping(split.yaml) {
        Ok(map) => map,
        Err(e) => {
            let e = e.shifted(split.yaml_line).in_context("front matter");
            diags.push(e.into_diagnostic(file));
            return None;
        }
    };
    strip_escaped_controls(&mut map, split, file, diags);
    let positions = map
        .keys()
        .filter_map(|k| {
            yaml::locate_key(split.yaml, k).map(|(l, c)| (k.clone(), (l + split.yaml_line - 1, c)))
        })
        .collect();
    let mut r = FieldReader {
        map,
        yaml: split.yaml,
        yaml_line: split.yaml_line,
        file,
        diags,
    };
    let mut fm = resolve_front_matter(&mut r, taxonomies);
    fm.positions = positions;
    Some(fm)
}

/// Control characters written as YAML escapes (`"\0"`): removed like those in the text,
/// with a warning at the key that held them.
fn strip_escaped_controls(
    map: &mut Map<String, Value>,
    split: &Split<'_>,
    file: &str,
    diags: &mut Diagnostics,
) {
    for (key, value) in map.iter_mut() {
        let removed = crate::chars::strip_forbidden_json(value);
        if removed > 0 {
            let pos = yaml::locate_key(split.yaml, key).map(|(l, c)| (l + split.yaml_line - 1, c));
            diags.push(
                Diagnostic::warning(
                    file,
                    format!(
                        "{key}: removed {removed} escaped control character{} that XML and HTML forbid",
                        if removed == 1 { "" } else { "s" }
                    ),
                )
                .at_opt(pos),
            );
        }
    }
}

fn resolve_front_matter(r: &mut FieldReader<'_>, taxonomies: &[String]) -> FrontMatter {
    let title = r.take_non_empty_string("title");
    let date = r.take_date("date");
    let updated = r.take_date("updated");
    let expires = r.take_date("expires");
    let summary = r.take("summary", "a string");
    let mut terms = BTreeMap::new();
    for name in taxonomies {
        let list: Vec<String> = r.take(name, "a list of strings").unwrap_or_default();
        let list: Vec<String> = list.into_iter().map(|t| t.trim().to_string()).collect();
        if list.iter().any(String::is_empty) {
            r.error(name, "terms must not be empty".to_string());
        }
        terms.insert(name.clone(), list);
    }
    let author = r.take("author", "a string");
    let source: Option<Source> = r.take("source", "`{ name, url }`");
    let image: Option<Image> = r.take("image", "`{ src, alt, caption, credit }`");
    if let Some(img) = &image {
        if img.alt.as_deref().is_none_or(|a| a.trim().is_empty()) {
            r.error("image", "`alt` is required when `src` is given".to_string());
        }
    }
    let slug = r.take_non_empty_string("slug");
    let translation_key = r.take_non_empty_string("translation_key");
    let translated_from = r
        .take::<String>("translated_from", "`kk` or `ru`")
        .and_then(|code| {
            code.parse::<Lang>()
                .map_err(|e| r.error("translated_from", e))
                .ok()
        });
    let draft = r.take("draft", "true or false").unwrap_or(false);
    let aliases = r.take("aliases", "a list of paths").unwrap_or_default();
    let weight = r.take("weight", "an integer");
    let description = r.take("description", "a string");
    let sort_by = r
        .take::<String>("sort_by", "`date`, `weight` or `title`")
        .and_then(|s| match s.as_str() {
            "date" => Some(SortBy::Date),
            "weight" => Some(SortBy::Weight),
            "title" => Some(SortBy::Title),
            other => {
                r.error(
                    "sort_by",
                    format!("expected `date`, `weight` or `title`, found \"{other}\""),
                );
                None
            }
        });
    let template = r.take_non_empty_string("template");
    let extra_map: Map<String, Value> =
        r.take("extra", "a map of `key: value`").unwrap_or_default();
    let paginate_by = r.take::<usize>("paginate_by", "a positive integer");
    if paginate_by == Some(0) {
        r.error("paginate_by", "must be at least 1".to_string());
    }
    FrontMatter {
        title,
        date,
        updated,
        expires,
        summary,
        taxonomies: terms,
        author,
        source,
        image,
        slug,
        translation_key,
        translated_from,
        draft,
        aliases,
        weight,
        description,
        sort_by,
        paginate_by: paginate_by.filter(|n| *n > 0),
        template,
        extra: std::mem::take(&mut r.map),
        extra_map,
        positions: BTreeMap::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Option<FrontMatter>, Diagnostics) {
        let split = split_front_matter(text).unwrap();
        let mut diags = Diagnostics::new();
        let fm = parse_front_matter(&split, "content/kk/x.md", &["tags".to_string()], &mut diags);
        (fm, diags)
    }

    #[test]
    fn splits_front_matter_and_body() {
        let s = split_front_matter("---\ntitle: A\n---\nBody\n").unwrap();
        assert_eq!(s.yaml, "title: A\n");
        assert_eq!(s.body, "Body\n");
        assert_eq!(s.body_offset, 17);
        assert!(split_front_matter("title: A\n").is_err());
        assert!(split_front_matter("---\ntitle: A\n").is_err());
        assert!(split_front_matter("\u{feff}---\r\ntitle: A\r\n---\r\nB").is_ok());
    }

    #[test]
    fn resolves_fields_and_keeps_extra() {
        let (fm, d) = parse("---\ntitle: T\ndate: 2025-11-03\ntags: [a, b]\nmood: happy\n---\n");
        assert!(d.is_empty(), "{d}");
        let fm = fm.unwrap();
        assert_eq!(fm.title.as_deref(), Some("T"));
        assert_eq!(fm.taxonomies["tags"], vec!["a", "b"]);
        assert_eq!(fm.extra["mood"], "happy");
    }

    #[test]
    fn bad_date_is_reported_at_the_value_in_file_coordinates() {
        let (_, d) = parse("---\ntitle: T\ndate: \"2025-13-01\"\n---\n");
        assert_eq!(
            d.to_string().trim(),
            "error: content/kk/x.md:3:7: date: expected YYYY-MM-DD, YYYY-MM-DD HH:MM or RFC 3339, found \"2025-13-01\""
        );
    }

    #[test]
    fn several_bad_fields_are_all_reported() {
        let (_, d) =
            parse("---\ntitle: \"\"\ndraft: maybe\nweight: heavy\nimage: { src: a.png }\n---\n");
        let text = d.to_string();
        assert_eq!(d.len(), 4, "{text}");
        assert!(text.contains(":2:8: title: must not be empty"), "{text}");
        assert!(
            text.contains(":3:8: draft: expected true or false, found \"maybe\""),
            "{text}"
        );
        assert!(text.contains("image: `alt` is required"), "{text}");
    }

    fn section_errors(text: &str, home: bool) -> String {
        let (fm, d) = parse(text);
        assert!(d.is_empty(), "{d}");
        let mut diags = Diagnostics::new();
        check_section_keys(&fm.unwrap(), "content/kk/a/_index.md", home, &mut diags);
        diags.to_string()
    }

    #[test]
    fn a_section_knows_only_section_keys() {
        let fine = "---\ntitle: T\ndescription: D\nsort_by: title\npaginate_by: 3\nweight: 2\ntranslation_key: a\ndraft: false\n---\n";
        assert_eq!(section_errors(fine, false), "");
        let text = section_errors(
            "---\ntitle: T\ntranslaton_key: a\ndate: 2025-01-01\ntags: [x]\n---\n",
            false,
        );
        assert!(
            text.contains("error: content/kk/a/_index.md:3:1: translaton_key: unknown key in a section's _index.md (did you mean `translation_key`?); it knows title, description"),
            "{text}"
        );
        assert!(text.contains("_index.md:4:1: date: unknown key"), "{text}");
        assert!(text.contains("_index.md:5:1: tags: unknown key"), "{text}");
        assert_eq!(text.lines().count(), 3, "{text}");
    }

    #[test]
    fn a_home_takes_no_translation_key() {
        let text = section_errors("---\ntitle: T\ntranslation_key: home\n---\n", true);
        assert!(
            text.contains("_index.md:3:1: translation_key: a language's home always pairs"),
            "{text}"
        );
        assert_eq!(
            section_errors("---\ntitle: T\ntranslation_key: a\n---\n", false),
            ""
        );
    }

    #[test]
    fn yaml_syntax_errors_point_into_the_file() {
        let (fm, d) = parse("---\ntitle: T\ntags: [a\n---\n");
        assert!(fm.is_none());
        let msg = d.to_string();
        assert!(msg.starts_with("error: content/kk/x.md:"), "{msg}");
        let line: usize = msg.split(':').nth(2).unwrap().parse().unwrap();
        assert!(line >= 3, "{msg}");
    }
}
