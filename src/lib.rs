//! qostil: a static site generator for a bilingual Kazakh/Russian portal.
//!
//! The pipeline, one module per stage, data flowing one way:
//! `config` → `content` (load, front matter, Markdown) → `site` (sections, translations,
//! taxonomies, pagination, outputs) → `render` (Tera views) → `output` (atomic write).
//! The library never prints or exits; the binary does.
#![deny(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::unwrap_used,
    clippy::expect_used
)]

pub mod build;
pub mod chars;
pub mod check;
pub mod config;
pub mod content;
pub mod deploy;
pub mod diag;
pub mod engine;
pub mod images;
pub mod import;
pub mod init;
pub mod lang;
pub mod new;
pub mod output;
pub mod paths;
pub mod progress;
pub mod render;
pub mod search;
pub mod serve;
pub mod site;
pub mod yaml;

pub use build::{build_site, build_site_with_progress, BuildOptions, BuildReport};
pub use diag::{Diagnostic, Diagnostics, Severity};
