//! The translation desk: every article and page, per section, with its state in each
//! language — in both, in one only, or a translation older than its original.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;

use crate::lang::Lang;
use crate::site::{PageId, Site};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PairState {
    Both,
    OnlyIn(Lang),
    /// A translation whose original was updated after it.
    Stale {
        translation: Lang,
    },
}

#[derive(Debug, Clone, Serialize)]
pub struct DeskVersion {
    pub lang: Lang,
    pub title: String,
    pub url: String,
    pub file: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct DeskRow {
    pub versions: Vec<DeskVersion>,
    pub state: PairState,
}

/// Section folder (`news`, `""` for standalone pages) → rows, in a stable order.
pub type Desk = BTreeMap<String, Vec<DeskRow>>;

/// When a page was last changed: `updated`, else `date`.
fn changed_at(site: &Site, id: PageId) -> Option<i64> {
    let meta = &site.page(id).doc.meta;
    meta.updated
        .as_ref()
        .or(meta.date.as_ref())
        .map(|d| d.timestamp(site.config.timezone))
}

/// The translation of a group whose original changed after it, if any.
pub fn stale_translation(
    site: &Site,
    members: &BTreeMap<Lang, PageId>,
) -> Option<(PageId, PageId)> {
    members.values().find_map(|&id| {
        let from = site.page(id).doc.meta.translated_from?;
        let original = *members.get(&from)?;
        (changed_at(site, original)? > changed_at(site, id)?).then_some((id, original))
    })
}

pub fn translation_desk(site: &Site) -> Desk {
    let mut desk: Desk = BTreeMap::new();
    for members in &site.groups {
        let Some(first) = members.values().next() else {
            continue;
        };
        let versions: Vec<DeskVersion> = members
            .iter()
            .map(|(lang, id)| {
                let page = site.page(*id);
                DeskVersion {
                    lang: *lang,
                    title: page.title().to_string(),
                    url: format!("{}{}", site.config.base_path, page.url),
                    file: page.doc.source.clone(),
                }
            })
            .collect();
        let missing = site
            .config
            .languages
            .iter()
            .find(|l| !members.contains_key(l));
        let state = match (missing, stale_translation(site, members)) {
            (Some(_), _) => PairState::OnlyIn(
                *members
                    .keys()
                    .next()
                    .unwrap_or(&site.config.default_language),
            ),
            (None, Some((translation, _))) => PairState::Stale {
                translation: site.page(translation).lang(),
            },
            (None, None) => PairState::Both,
        };
        desk.entry(site.page(*first).doc.dir.clone())
            .or_default()
            .push(DeskRow { versions, state });
    }
    for rows in desk.values_mut() {
        rows.sort_by(|a, b| {
            let key = |r: &DeskRow| {
                r.versions
                    .first()
                    .map(|v| v.file.clone())
                    .unwrap_or_default()
            };
            key(a).cmp(&key(b))
        });
    }
    desk
}

fn state_label(state: PairState) -> String {
    match state {
        PairState::Both => "both".to_string(),
        PairState::OnlyIn(lang) => format!("{lang} only"),
        PairState::Stale { translation } => format!("stale {translation}"),
    }
}

/// The desk as text, for `qostil check --translations`.
pub fn desk_text(desk: &Desk) -> String {
    let mut out = String::new();
    for (section, rows) in desk {
        let name = if section.is_empty() {
            "(pages)"
        } else {
            section
        };
        let _ = writeln!(out, "{name}");
        for row in rows {
            let files: Vec<&str> = row.versions.iter().map(|v| v.file.as_str()).collect();
            let _ = writeln!(out, "  {:<10} {}", state_label(row.state), files.join("  "));
        }
    }
    out
}

fn escape(text: &str) -> String {
    crate::render::xml::escape(text)
}

/// The desk as a page, served by `qostil serve` at `/_qostil/translations/` only.
pub fn desk_html(desk: &Desk) -> String {
    let mut rows = String::new();
    for (section, entries) in desk {
        let name = if section.is_empty() {
            "(pages)"
        } else {
            section
        };
        let _ = write!(
            rows,
            "<tr><th colspan=\"2\" scope=\"colgroup\">{}</th></tr>",
            escape(name)
        );
        for row in entries {
            let versions: Vec<String> = row
                .versions
                .iter()
                .map(|v| {
                    format!(
                        "<a href=\"{}\" hreflang=\"{lang}\" lang=\"{lang}\">{}</a> <code>{}</code>",
                        escape(&v.url),
                        escape(&v.title),
                        escape(&v.file),
                        lang = v.lang
                    )
                })
                .collect();
            let class = match row.state {
                PairState::Both => "both",
                PairState::OnlyIn(_) => "missing",
                PairState::Stale { .. } => "stale",
            };
            let _ = write!(
                rows,
                "<tr class=\"{class}\"><td>{}</td><td>{}</td></tr>",
                escape(&state_label(row.state)),
                versions.join("<br>")
            );
        }
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Translation desk — qostil</title>\n<style>body{{font:15px/1.5 system-ui,sans-serif;margin:2rem;color:#1a1a1a}}table{{border-collapse:collapse;width:100%}}th,td{{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #ddd;vertical-align:top}}th[scope=colgroup]{{background:#f1f4f8;font-size:1.05rem}}tr.missing td:first-child{{color:#a01b00;font-weight:600}}tr.stale td:first-child{{color:#8a5a00;font-weight:600}}code{{color:#555;font-size:.85em}}</style>\n</head>\n<body>\n<h1>Translation desk</h1>\n<p>Every article and page, by section: in both languages, in one only, or a translation older than its original. Served by <code>qostil serve</code> only.</p>\n<table>\n<thead><tr><th>state</th><th>versions</th></tr></thead>\n<tbody>{rows}</tbody>\n</table>\n</body>\n</html>\n"
    )
}
