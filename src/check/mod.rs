//! `qostil check`: everything `build` rejects, plus what only a look at the whole built site
//! shows — broken links and anchors, missing images, duplicate titles — and the translation
//! desk's warnings: missing and stale translations, typos in front matter, long default
//! summaries, terms used in one language only — and how pages are written: mixed alphabets,
//! a summary that repeats the title, a hyphen used as a dash. Nothing is written.

mod content;
pub mod desk;
mod images;
mod language;
mod links;
mod raw_html;

use std::path::Path;
use std::sync::Arc;

use serde::Serialize;

use crate::build::load_site_config;
use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::lang::Locales;
use crate::render::Renderer;
use crate::site::Site;
use crate::site::{Publish, Schedule};
use content::{check_front_matter, check_terms, check_titles, check_translations};
use images::{check_images, check_photos};
use links::check_links;

pub use content::SUMMARY_CUT;

#[derive(Debug, Default)]
pub struct CheckReport {
    pub pages: usize,
    pub diagnostics: Diagnostics,
    pub desk: desk::Desk,
    /// Scheduled, expiring and expired pages at the check's moment.
    pub schedule: Schedule,
}

impl CheckReport {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }
}

/// What to check.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// Check pages with `draft: true` too, as `build --drafts` would build them.
    pub drafts: bool,
    /// Check the site with its scheduled pages published (`--future`).
    pub future: bool,
}

/// Runs every check on the site at `root`. Problems that stop the pipeline come back as the
/// report's errors, like any other finding.
pub fn check_site(root: &Path, options: &CheckOptions) -> CheckReport {
    let locales = match Locales::new() {
        Ok(l) => Arc::new(l),
        Err(e) => {
            return CheckReport {
                diagnostics: Diagnostic::global(e).into(),
                ..CheckReport::default()
            }
        }
    };
    let config = match load_site_config(root, None) {
        Ok(c) => c,
        Err(diagnostics) => {
            return CheckReport {
                diagnostics,
                ..CheckReport::default()
            }
        }
    };
    let publish = match Publish::at_build_moment(options.drafts, options.future) {
        Ok(p) => p,
        Err(diagnostics) => {
            return CheckReport {
                diagnostics,
                ..CheckReport::default()
            }
        }
    };
    let (site, renderer) = match crate::engine::load(
        root,
        config,
        &publish,
        &locales,
        None,
        false,
        &crate::progress::Silent,
    ) {
        Ok(loaded) => (loaded.site, loaded.renderer),
        Err(diagnostics) => {
            return CheckReport {
                diagnostics,
                ..CheckReport::default()
            }
        }
    };
    let mut diags = site_errors(root, &site, &renderer);
    diags.extend(check_translations(&site));
    diags.extend(check_front_matter(&site));
    diags.extend(check_terms(&site));
    diags.extend(language::check_language(root, &site));
    diags.extend(raw_html::check_raw_html(root, &site));
    diags.extend(check_photos(root, &site));
    diags.extend(crate::content::input_warnings(root, &site.config));
    diags.extend(site.warnings.clone());
    diags.extend(renderer.warnings().clone());
    diags.sort();
    CheckReport {
        pages: site.pages.len(),
        desk: desk::translation_desk(&site),
        diagnostics: diags,
        schedule: site.schedule,
    }
}

/// The checks whose findings are errors — broken links and anchors, missing images,
/// duplicate titles — on a loaded site: what `build --strict` refuses to publish.
pub fn site_errors(root: &Path, site: &Site, renderer: &Renderer) -> Diagnostics {
    let mut diags = Diagnostics::new();
    diags.extend(check_links(root, site, renderer));
    diags.extend(check_images(root, site));
    diags.extend(check_titles(site));
    diags.sort();
    diags
}

/// The JSON report (`--format json`); its schema is documented in README.md.
#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    summary: JsonSummary,
    files: Vec<JsonFile<'a>>,
    schedule: Vec<JsonTimed<'a>>,
}

/// A scheduled, expiring or expired page.
#[derive(Serialize)]
struct JsonTimed<'a> {
    file: &'a str,
    state: crate::site::TimedState,
    /// RFC 3339, on the site zone's clock.
    at: String,
    /// Whether the site as checked has the page (a scheduled page with `--future`).
    built: bool,
}

#[derive(Serialize)]
struct JsonSummary {
    pages: usize,
    errors: usize,
    warnings: usize,
    strict: bool,
}

#[derive(Serialize)]
struct JsonFile<'a> {
    file: Option<&'a str>,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    severity: Severity,
    code: &'a str,
    line: Option<usize>,
    col: Option<usize>,
    message: &'a str,
}

pub fn report_json(report: &CheckReport, strict: bool) -> String {
    let mut files: Vec<JsonFile<'_>> = Vec::new();
    for d in report.diagnostics.iter() {
        let severity = if strict { Severity::Error } else { d.severity };
        let entry = JsonDiagnostic {
            severity,
            code: d.code,
            line: d.line,
            col: d.col,
            message: &d.message,
        };
        match files.last_mut() {
            Some(f) if f.file == d.file.as_deref() => f.diagnostics.push(entry),
            _ => files.push(JsonFile {
                file: d.file.as_deref(),
                diagnostics: vec![entry],
            }),
        }
    }
    let (errors, warnings) = if strict {
        (report.diagnostics.len(), 0)
    } else {
        (report.errors(), report.warnings())
    };
    let json = JsonReport {
        version: 1,
        summary: JsonSummary {
            pages: report.pages,
            errors,
            warnings,
            strict,
        },
        files,
        schedule: report
            .schedule
            .entries
            .iter()
            .map(|t| JsonTimed {
                file: &t.source,
                state: t.state,
                at: crate::content::date::rfc3339(&t.at),
                built: t.built,
            })
            .collect(),
    };
    serde_json::to_string_pretty(&json).unwrap_or_default()
}

/// The text report: diagnostics grouped by file, then `N pages, E errors, W warnings`.
pub fn report_text(report: &CheckReport, strict: bool) -> String {
    let mut out = String::new();
    let mut last_file: Option<&str> = None;
    for d in report.diagnostics.iter() {
        if last_file.is_some() && last_file != d.file.as_deref() {
            out.push('\n');
        }
        last_file = d.file.as_deref();
        let mut d = d.clone();
        if strict {
            d.severity = Severity::Error;
        }
        out.push_str(&format!("{d} [{}]\n", d.code));
    }
    let (errors, warnings) = if strict {
        (report.diagnostics.len(), 0)
    } else {
        (report.errors(), report.warnings())
    };
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str(&schedule_text(&report.schedule));
    out.push_str(&format!(
        "{} pages, {errors} error{}, {warnings} warning{}\n",
        report.pages,
        if errors == 1 { "" } else { "s" },
        if warnings == 1 { "" } else { "s" },
    ));
    out
}

/// The schedule block of the text report: one line per page with a moment, or nothing.
///
/// ```text
/// schedule:
///   2026-12-31 00:00:00 +05:00  expires    content/ru/news/y.md
///   2027-01-01 09:00:00 +05:00  scheduled  content/kk/news/x.md (built: --future)
/// ```
fn schedule_text(schedule: &Schedule) -> String {
    if schedule.entries.is_empty() {
        return String::new();
    }
    let mut out = String::from("schedule:\n");
    for t in &schedule.entries {
        let note = if t.built && t.state == crate::site::TimedState::Scheduled {
            " (built: --future)"
        } else {
            ""
        };
        out.push_str(&format!(
            "  {}  {:<9}  {}{note}\n",
            t.at.format("%Y-%m-%d %H:%M:%S %:z"),
            t.state.name(),
            t.source
        ));
    }
    out.push('\n');
    out
}
