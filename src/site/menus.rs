//! site.yaml's `menus`, resolved in every language: a section's or page's title and URL, or
//! the address and name written there. A section or page that no language has is an error
//! naming site.yaml's line; one that a language lacks (or has not published yet: a draft, a
//! scheduled page) is left out of that language's menu.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::config::{Config, MenuEntry, MenuTarget, CONFIG_FILE};
use crate::content::Document;
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::Lang;

use super::{Page, Section, SectionId};

/// One link of a menu in one language.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MenuItem {
    pub title: String,
    /// A root-relative URL of the site (`/kk/news/`, without the base path), or an
    /// external address.
    pub url: String,
    pub external: bool,
}

/// Language → menu name → its items.
pub type Menus = BTreeMap<Lang, BTreeMap<String, Vec<MenuItem>>>;

pub(super) struct MenuSources<'a> {
    pub sections: &'a [Section],
    pub sections_by_dir: &'a BTreeMap<(Lang, String), SectionId>,
    pub pages: &'a [Page],
    /// Every loaded document, published or not.
    pub loaded: &'a [Arc<Document>],
}

pub(super) fn assemble_menus(
    config: &Config,
    from: &MenuSources<'_>,
    diags: &mut Diagnostics,
) -> Menus {
    let mut menus = Menus::new();
    for (name, entries) in &config.menus {
        for entry in entries {
            if let Some(message) = unknown_target(config, from, &entry.target) {
                diags.push(
                    Diagnostic::error(CONFIG_FILE, format!("menus.{name}: {message}"))
                        .at_opt(entry.line.map(|l| (l, 1))),
                );
                continue;
            }
            for &lang in &config.languages {
                let items = menus
                    .entry(lang)
                    .or_default()
                    .entry(name.clone())
                    .or_default();
                items.extend(item(from, entry, lang));
            }
        }
        for &lang in &config.languages {
            menus
                .entry(lang)
                .or_default()
                .entry(name.clone())
                .or_default();
        }
    }
    menus
}

/// Why no language has the section or page an entry names, if none has it.
fn unknown_target(config: &Config, from: &MenuSources<'_>, target: &MenuTarget) -> Option<String> {
    let langs = config
        .languages
        .iter()
        .map(|l| format!("content/{l}/"))
        .collect::<Vec<_>>()
        .join(" or ");
    match target {
        MenuTarget::Section(dir) => {
            let known = from.sections.iter().any(|s| s.dir == *dir && !s.is_home());
            (!known).then(|| {
                let mut dirs: Vec<&str> = from
                    .sections
                    .iter()
                    .filter(|s| !s.is_home())
                    .map(|s| s.dir.as_str())
                    .collect();
                dirs.sort_unstable();
                dirs.dedup();
                format!(
                    "no section `{dir}`: no folder {langs} has it (sections: {})",
                    dirs.join(", ")
                )
            })
        }
        MenuTarget::Page(path) => {
            let known = from
                .loaded
                .iter()
                .any(|d| !d.is_index && d.rel_key() == *path);
            (!known).then(|| format!("no page `{path}`: there is no {path}.md in {langs}"))
        }
        MenuTarget::Url(_) => None,
    }
}

/// The entry in `lang`, when that language has what it names.
fn item(from: &MenuSources<'_>, entry: &MenuEntry, lang: Lang) -> Option<MenuItem> {
    let name = entry.name.get(&lang).cloned();
    let (title, url, external) = match &entry.target {
        MenuTarget::Section(dir) => {
            let id = from.sections_by_dir.get(&(lang, dir.clone()))?;
            let section = &from.sections[id.0];
            (section.title.clone(), section.url.clone(), false)
        }
        MenuTarget::Page(path) => {
            let page = from
                .pages
                .iter()
                .find(|p| p.lang() == lang && p.doc.rel_key() == *path)?;
            (page.title().to_string(), page.url.clone(), false)
        }
        // A site path is inside each language, as `url(path=…)` in templates.
        MenuTarget::Url(url) if url.starts_with('/') => {
            (String::new(), format!("/{lang}{url}"), false)
        }
        MenuTarget::Url(url) => (String::new(), url.clone(), true),
    };
    Some(MenuItem {
        title: name.unwrap_or(title),
        url,
        external,
    })
}
