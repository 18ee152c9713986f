//! `menus:` in site.yaml: named lists of links a theme shows (`menus.main` in the header), in
//! the order written. Entries name a section (`{section: news}`), a page (`{page: about}`, a
//! path inside a language's content folder, `.md` optional) or a URL with a name per
//! language (`{url: "https://…", name: {kk: …, ru: …}}`); sections and pages are found in
//! each language when the site is assembled.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::Lang;

/// What a menu entry points to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MenuTarget {
    /// A section by its folder (`news`, `news/2025`).
    Section(String),
    /// A page by its path inside the language's folder, without `.md` (`about`).
    Page(String),
    /// An address: `https://…` (external) or a path inside each language (`/regions/` is
    /// `/kk/regions/` in the Kazakh menu).
    Url(String),
}

/// One entry of a menu, as site.yaml writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MenuEntry {
    pub target: MenuTarget,
    /// The label per language; for sections and pages it replaces their title.
    pub name: BTreeMap<Lang, String>,
    /// 1-based line of the entry in site.yaml, for messages.
    pub line: Option<usize>,
}

/// A label: one text for every language, or one per language.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawName {
    Same(String),
    PerLanguage(BTreeMap<String, String>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawEntry {
    #[serde(default)]
    section: Option<String>,
    #[serde(default)]
    page: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    name: Option<RawName>,
}

pub(super) type RawMenus = BTreeMap<String, Vec<RawEntry>>;

/// Checks every entry: exactly one of `section`, `page`, `url`; a URL needs a `name` in
/// every language; names only in configured languages.
pub(super) fn resolve_menus(
    raw: RawMenus,
    langs: &[Lang],
    text: &str,
    diags: &mut Diagnostics,
) -> BTreeMap<String, Vec<MenuEntry>> {
    let mut menus = BTreeMap::new();
    let mut search_from = crate::yaml::locate_key(text, "menus").map_or(1, |(line, _)| line);
    for (menu, entries) in raw {
        let mut resolved = Vec::new();
        for entry in entries {
            let written = entry
                .section
                .as_deref()
                .or(entry.page.as_deref())
                .or(entry.url.as_deref())
                .unwrap_or("");
            let line = line_of(text, written, search_from);
            if let Some(l) = line {
                search_from = l + 1;
            }
            let err = |message: String| {
                Diagnostic::error(super::CONFIG_FILE, format!("menus.{menu}: {message}"))
                    .at_opt(line.map(|l| (l, 1)))
            };
            let target = match (entry.section, entry.page, entry.url) {
                (Some(s), None, None) => MenuTarget::Section(s.trim_matches('/').to_string()),
                (None, Some(p), None) => {
                    let p = p.trim_start_matches('/');
                    MenuTarget::Page(p.strip_suffix(".md").unwrap_or(p).to_string())
                }
                (None, None, Some(u)) => {
                    if !(u.starts_with("https://")
                        || u.starts_with("http://")
                        || u.starts_with('/'))
                    {
                        diags.push(err(format!(
                            "url `{u}` must start with https://, http:// or / (a path inside each language, such as /regions/)"
                        )));
                        continue;
                    }
                    MenuTarget::Url(u)
                }
                _ => {
                    diags.push(err(
                        "an entry takes exactly one of `section`, `page` or `url`".to_string(),
                    ));
                    continue;
                }
            };
            let name = match entry.name {
                None => BTreeMap::new(),
                Some(RawName::Same(n)) => langs.iter().map(|l| (*l, n.clone())).collect(),
                Some(RawName::PerLanguage(map)) => {
                    let mut names = BTreeMap::new();
                    for (code, n) in map {
                        match code.parse::<Lang>() {
                            Ok(l) if langs.contains(&l) => {
                                names.insert(l, n);
                            }
                            _ => diags.push(err(format!(
                                "name.{code}: `{code}` is not one of `languages`"
                            ))),
                        }
                    }
                    names
                }
            };
            if matches!(target, MenuTarget::Url(_)) {
                let missing: Vec<String> = langs
                    .iter()
                    .filter(|l| !l.is_derived() && !name.contains_key(l))
                    .map(|l| l.to_string())
                    .collect();
                if !missing.is_empty() {
                    diags.push(err(format!(
                        "a url entry needs a `name` in {} (`name: {{ kk: …, ru: … }}`)",
                        missing.join(", ")
                    )));
                    continue;
                }
            }
            resolved.push(MenuEntry { target, name, line });
        }
        menus.insert(menu, resolved);
    }
    menus
}

/// The first line at or after `from` that holds `value`: where an entry is written.
fn line_of(text: &str, value: &str, from: usize) -> Option<usize> {
    if value.is_empty() {
        return None;
    }
    text.lines()
        .enumerate()
        .skip(from.saturating_sub(1))
        .find(|(_, l)| l.contains(value))
        .map(|(i, _)| i + 1)
}
