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
