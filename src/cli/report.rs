//! What the command line prints: diagnostics, the import report, serve's lines, and the
//! exit code a set of diagnostics means.

use std::process::ExitCode;

use qostil::import::ImportReport;
use qostil::Diagnostics;

/// Most errors printed for one build; the rest are counted.
const MAX_PRINTED_ERRORS: usize = 50;

pub fn print_diagnostics(diags: &Diagnostics) {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    for d in diags.iter().take(MAX_PRINTED_ERRORS) {
        eprintln!("{d}");
    }
    if diags.len() > MAX_PRINTED_ERRORS {
        eprintln!("… and {} more", diags.len() - MAX_PRINTED_ERRORS);
    }
    if errors > 0 {
        eprintln!(
            "{errors} error{}; nothing was written",
            if errors == 1 { "" } else { "s" }
        );
    }
}

pub fn print_import_report(report: &ImportReport, dry_run: bool) {
    for doc in &report.docs {
        let c = &doc.converted;
        let date = match &c.date {
            Some((d, how)) => format!("date {d} ({})", format!("{how:?}").to_lowercase()),
            None => "no date: draft until an editor sets `date`".to_string(),
        };
        let stripped = if c.stripped.is_empty() {
            "nothing stripped".to_string()
        } else {
            format!("stripped: {}", c.stripped.join(", "))
        };
        let verb = if dry_run { "would write" } else { "→" };
        println!(
            "{} {verb} {}: {}, «{}», {date}; {stripped}",
            doc.source, doc.target, c.lang, c.title
        );
    }
}

/// Prints the server's lines as they come.
pub struct Terminal;

impl qostil::serve::Reporter for Terminal {
    fn line(&self, text: &str) {
        println!("{text}");
        if text.starts_with("serving ") {
            let _ = std::io::Write::flush(&mut std::io::stdout());
        }
    }
}

/// 2 when the command asked for something qostil refuses (a usage error), else 1.
pub fn exit_code(diags: &Diagnostics) -> ExitCode {
    if diags.iter().any(|d| d.code == "usage") {
        ExitCode::from(2)
    } else {
        ExitCode::from(1)
    }
}

/// `qostil deploy`'s report: one line of counts, then (for a dry run) every change.
pub fn print_deploy_report(report: &qostil::deploy::DeployReport) {
    use qostil::deploy::Change;
    let counts = format!(
        "{} new, {} replaced, {} deleted, {} unchanged",
        report.count(Change::New),
        report.count(Change::Replace),
        report.count(Change::Delete),
        report.unchanged
    );
    if report.dry_run {
        println!(
            "deploy {} ({}), dry run: would upload {counts}; nothing was changed",
            report.target, report.url
        );
        for (change, path) in &report.changes {
            let verb = match change {
                Change::New => "upload",
                Change::Replace => "replace",
                Change::Delete => "delete",
            };
            println!("  {verb:<8} {path}");
        }
    } else {
        println!(
            "deployed to {} ({}): {counts} ({} request{})",
            report.target,
            report.url,
            report.requests,
            if report.requests == 1 { "" } else { "s" }
        );
    }
}

/// A deploy's errors; what went up before them stays, and is recorded in the target's
/// manifest, so running the deploy again finishes the job.
pub fn print_deploy_errors(diags: &Diagnostics) {
    for d in diags.iter().take(MAX_PRINTED_ERRORS) {
        eprintln!("{d}");
    }
    if diags.len() > MAX_PRINTED_ERRORS {
        eprintln!("… and {} more", diags.len() - MAX_PRINTED_ERRORS);
    }
    let errors = diags.iter().filter(|d| d.is_error()).count();
    eprintln!(
        "{errors} error{}; the deploy stopped (what it sent is recorded: run it again to finish)",
        if errors == 1 { "" } else { "s" }
    );
}
