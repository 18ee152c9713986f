//! End-to-end tests: build the fixture sites in `tests/fixtures/` with the real `qostil`
//! binary, each into its own temporary folder, and check the files it produces and what it
//! prints.
//!
//! Run with `cargo test --test e2e`. Cargo finds this binary by itself (`tests/<name>/main.rs`
//! is an integration test named `<name>`), so Cargo.toml needs no `[[test]]` entry. Modules:
//!
//! - `harness`   — `SiteTest` (fixture copy, run the binary, read/snapshot the output), `Html`
//! - `structure` — the output tree, base URLs, determinism, atomic output
//! - `languages` — `<html lang>`, hreflang alternates, the language switcher
//! - `content`   — dates, plurals, drafts, slugs, Markdown, overrides, front matter
//! - `errors`    — every error path: exit code 1, the named file, untouched output
//! - `cache`     — a rebuild that reuses the build cache equals a clean build
//! - `cli`       — usage errors, `--help`, `--version`
//! - `schedule`  — scheduled and expiring pages, times and time zones, `--future`
//! - `links`     — sections paired by key, `@/` links, `build --strict`, `check --drafts`
//! - `own_language_urls` — `new` and `import` slugs per language; the portal's old URLs redirect
//! - `language`  — typography on pages, `check`'s language warnings
//! - `custom`    — shortcodes, raw HTML, menus, site strings and data, `extra`, templates, `init`

mod harness;

mod cache;
mod check;
mod cli;
mod content;
mod custom;
mod errors;
mod inputs;
mod language;
mod languages;
mod links;
mod own_language_urls;
mod safety;
mod schedule;
mod structure;
