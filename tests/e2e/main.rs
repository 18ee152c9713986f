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
//! - `publish`   — fingerprinted assets (`asset()`), `compress: true`
//! - `deploy`    — `qostil deploy` to a real S3 server (`s3_server`: s3s-fs) and to file://
//! - `nginx`     — docs/deploy.md's nginx config over a `compress: true` build
//! - `photos`    — page bundles, photo variants and their cache, `<picture>`, og:image
//! - `latin`     — the Latin edition `/kk-latn/`: paths, hreflang triples, feed, words, errors

mod harness;

mod cache;
mod check;
mod cli;
mod content;
mod custom;
mod deploy;
mod errors;
mod inputs;
mod language;
mod languages;
mod latin;
mod links;
mod nginx;
mod own_language_urls;
mod photos;
mod publish;
mod s3_server;
mod safety;
mod schedule;
mod structure;
