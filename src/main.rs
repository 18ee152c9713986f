//! The `qostil` command line: parse arguments, run a command, print diagnostics, exit
//! 0 (ok), 1 (site errors) or 2 (usage errors).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use qostil::{build_site, BuildOptions, Diagnostics};

/// Most errors printed for one build; the rest are counted.
const MAX_PRINTED_ERRORS: usize = 50;

#[derive(Parser)]
#[command(
    name = "qostil",
    version,
    about = "Static site generator for a bilingual Kazakh/Russian portal"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (public/ by default).
    Build {
        /// Site root (the folder with site.yaml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Override base_url from site.yaml.
        #[arg(long)]
        base_url: Option<String>,
        /// Include pages with `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Output folder (default: <root>/public).
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

fn print_diagnostics(diags: &Diagnostics) {
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

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match cli.command {
        Command::Build {
            root,
            base_url,
            drafts,
            output,
        } => {
            let options = BuildOptions {
                root,
                output,
                base_url,
                drafts,
            };
            match build_site(&options) {
                Ok(report) => {
                    let per_lang: Vec<String> = report
                        .pages
                        .iter()
                        .map(|(lang, n)| format!("{lang}: {n}"))
                        .collect();
                    println!(
                        "built {} ({} pages), {} files in {} ms → {}",
                        if per_lang.is_empty() {
                            "no pages".to_string()
                        } else {
                            per_lang.join(", ")
                        },
                        report.pages.values().sum::<usize>(),
                        report.files,
                        report.elapsed.as_millis(),
                        report.output.display()
                    );
                    ExitCode::SUCCESS
                }
                Err(diags) => {
                    print_diagnostics(&diags);
                    ExitCode::from(1)
                }
            }
        }
    }
}
