//! The `qostil` command line: parse arguments, run a command, print diagnostics, exit
//! 0 (ok), 1 (site errors) or 2 (usage errors).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use clap::{Parser, Subcommand};

use qostil::import::{import_dir, ImportOptions};
use qostil::{BuildOptions, Diagnostics};

mod cli;

use cli::progress::TerminalProgress;
use cli::report::{exit_code, print_diagnostics, print_import_report, Terminal};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "qostil",
    version,
    about = "Static site generator for a bilingual Kazakh/Russian portal"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Site root (the folder with site.yaml); before or after the subcommand.
    #[arg(long, global = true, default_value = ".")]
    root: PathBuf,
    /// Print errors only: no progress, warnings or summary (build, new, import, init).
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Also print how long each stage of a build took.
    #[arg(long, short, global = true)]
    verbose: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (public/ by default).
    Build {
        /// Override base_url from site.yaml.
        #[arg(long, value_parser = qostil::config::validate_base_url)]
        base_url: Option<String>,
        /// Include pages with `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Include scheduled pages (a `date` after now).
        #[arg(long)]
        future: bool,
        /// Output folder (default: <root>/public).
        #[arg(long)]
        output: Option<PathBuf>,
        /// Ignore the build cache (.qostil/) and render every file.
        #[arg(long)]
        clean: bool,
        /// Also fail, writing nothing, on what `check` reports as errors (broken links and
        /// anchors, missing images, duplicate titles).
        #[arg(long)]
        strict: bool,
    },
    /// Build, serve on loopback, watch the sources, rebuild what changed, reload the browser.
    Serve {
        /// Port to listen on (0 picks a free one).
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Address to listen on; anything but loopback is reachable from other machines.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Include pages with `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Include scheduled pages (a `date` after now).
        #[arg(long)]
        future: bool,
        /// Open the site in a browser.
        #[arg(long)]
        open: bool,
    },
    /// Check front matter, links, anchors, images and translations; writes nothing.
    Check {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Treat warnings as errors.
        #[arg(long)]
        strict: bool,
        /// Print the translation desk: every article pair per section and its state.
        #[arg(long)]
        translations: bool,
        /// Check the site with its scheduled pages published.
        #[arg(long)]
        future: bool,
        /// Check pages with `draft: true` too.
        #[arg(long)]
        drafts: bool,
    },
    /// Create a paired kk/ru article skeleton (draft, dated today).
    New {
        /// Section folder, e.g. `news`.
        section: String,
        /// Name of the article; its slug becomes the file name.
        name: String,
        /// Kazakh title (default: the name).
        #[arg(long)]
        title_kk: Option<String>,
        /// Russian title (default: the name).
        #[arg(long)]
        title_ru: Option<String>,
    },
    /// Create a new bilingual site (kk, ru) with the default theme in DIR (new or empty).
    Init {
        /// The folder to create the site in (default: --root).
        dir: Option<PathBuf>,
    },
    /// Upload the output folder (public/) to a `deploy` target of site.yaml: only what
    /// changed, assets first, removed files last. Does not build.
    Deploy {
        /// The target's `name` in site.yaml (default: the first target).
        #[arg(long)]
        target: Option<String>,
        /// Print what would be uploaded and deleted; change nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Turn raw documents (like seeds/) into content files.
    Import {
        /// Folder of raw text documents.
        dir: PathBuf,
        /// Content folder to write into.
        #[arg(long, default_value = "content")]
        out: PathBuf,
        /// Overwrite existing content files.
        #[arg(long)]
        force: bool,
        /// Report what would be written, write nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

fn run_serve(options: qostil::serve::ServeOptions, open: bool) -> ExitCode {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    if let Err(e) = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst)) {
        eprintln!("error: cannot handle Ctrl-C: {e}");
        return ExitCode::from(1);
    }
    if open {
        let url = format!("http://{}:{}/", options.bind, options.port);
        // Best effort: a machine without a desktop has no browser to open.
        let _ = std::process::Command::new("xdg-open").arg(url).spawn();
    }
    match qostil::serve::serve(&options, stop, &Terminal) {
        Ok(()) => ExitCode::SUCCESS,
        Err(diags) => {
            print_diagnostics(&diags);
            exit_code(&diags)
        }
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
    let (root, quiet) = (cli.root, cli.quiet);
    match cli.command {
        Command::Build {
            base_url,
            drafts,
            future,
            output,
            clean,
            strict,
        } => {
            let options = BuildOptions {
                root,
                output,
                base_url,
                drafts,
                future,
                clean,
                strict,
            };
            let progress = TerminalProgress::new(quiet, cli.verbose);
            let result = qostil::lang::Locales::new()
                .map_err(|e| Diagnostics::from(qostil::Diagnostic::global(e)))
                .and_then(|locales| qostil::build::build(&options, &Arc::new(locales), &progress))
                .map(|(report, engine)| {
                    // The process ends here: freeing the site's memory piece by piece would
                    // only add to the build's time.
                    std::mem::forget(engine);
                    report
                });
            progress.clear();
            match result {
                Ok(_) if quiet => ExitCode::SUCCESS,
                Ok(report) => {
                    for warning in report.warnings.iter() {
                        eprintln!("{warning}");
                    }
                    let per_lang: Vec<String> = report
                        .pages
                        .iter()
                        .map(|(lang, n)| format!("{lang}: {n}"))
                        .collect();
                    println!(
                        "built {} pages ({}); {} files ({} rendered, {} reused, {} static) in {} ms → {}",
                        report.pages.values().sum::<usize>(),
                        if per_lang.is_empty() {
                            "none".to_string()
                        } else {
                            per_lang.join(", ")
                        },
                        report.files,
                        report.rendered,
                        report.reused,
                        report.static_files,
                        report.elapsed.as_millis(),
                        report.output.display()
                    );
                    if report.photos > 0 {
                        println!(
                            "photos: {} ({} variants encoded, the others from .qostil/images/)",
                            report.photos, report.encoded
                        );
                    }
                    ExitCode::SUCCESS
                }
                Err(diags) => {
                    print_diagnostics(&diags);
                    exit_code(&diags)
                }
            }
        }
        Command::Serve {
            port,
            bind,
            drafts,
            future,
            open,
        } => run_serve(
            qostil::serve::ServeOptions {
                root,
                bind,
                port,
                drafts,
                future,
            },
            open,
        ),
        Command::Check {
            format,
            strict,
            translations,
            future,
            drafts,
        } => {
            let options = qostil::check::CheckOptions { drafts, future };
            let report = qostil::check::check_site(&root, &options);
            match format {
                Format::Json => println!("{}", qostil::check::report_json(&report, strict)),
                Format::Text => {
                    if translations {
                        print!("{}", qostil::check::desk::desk_text(&report.desk));
                        println!();
                    }
                    print!("{}", qostil::check::report_text(&report, strict));
                }
            }
            let failed = report.errors() > 0 || (strict && report.warnings() > 0);
            if failed {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Command::New {
            section,
            name,
            title_kk,
            title_ru,
        } => {
            let options = qostil::new::NewOptions {
                root,
                section,
                name,
                title_kk,
                title_ru,
            };
            match qostil::new::new_article(&options) {
                Ok(files) => {
                    for file in files.iter().filter(|_| !quiet) {
                        println!("created {file}");
                    }
                    ExitCode::SUCCESS
                }
                Err(diags) => {
                    for d in diags.iter() {
                        eprintln!("{d}");
                    }
                    ExitCode::from(1)
                }
            }
        }
        Command::Init { dir } => {
            let dir = dir.unwrap_or(root);
            match qostil::init::init_site(&dir) {
                Ok(files) => {
                    if !quiet {
                        println!(
                            "created a bilingual site in {} ({} files); next: qostil build --root {}",
                            dir.display(),
                            files.len(),
                            dir.display()
                        );
                    }
                    ExitCode::SUCCESS
                }
                Err(diags) => {
                    print_diagnostics(&diags);
                    exit_code(&diags)
                }
            }
        }
        Command::Deploy { target, dry_run } => {
            let options = qostil::deploy::DeployOptions {
                root,
                target,
                dry_run,
            };
            match qostil::deploy::deploy(&options, &|message| eprintln!("{message}")) {
                Ok(report) => {
                    cli::report::print_deploy_report(&report);
                    ExitCode::SUCCESS
                }
                Err(diags) => {
                    cli::report::print_deploy_errors(&diags);
                    exit_code(&diags)
                }
            }
        }
        Command::Import {
            dir,
            out,
            force,
            dry_run,
        } => {
            let options = ImportOptions {
                input: dir,
                out: if out.is_absolute() {
                    out
                } else {
                    root.join(out)
                },
                root,
                force,
                dry_run,
            };
            let report = import_dir(&options);
            if !quiet {
                print_import_report(&report, dry_run);
            }
            let failed = report.errors.len();
            for d in report.errors.iter() {
                eprintln!("{d}");
            }
            if !quiet {
                println!(
                    "{} document{} imported, {failed} failed",
                    report.docs.len(),
                    if report.docs.len() == 1 { "" } else { "s" }
                );
            }
            if failed > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
    }
}
