//! `qostil deploy`: publishes the output folder to a `deploy:` target of site.yaml, moving
//! only what changed. The target keeps a manifest (`.qostil-deploy.json`) of every object
//! qostil put there, with a signature of its content and headers: a file whose signature is
//! the one listed is not sent again, and only objects the manifest lists are ever deleted.
//!
//! Order, so that a reader never gets a page that links to something missing: assets
//! (stylesheets, scripts, photos) first, then pages, then feeds, the sitemap, robots.txt and
//! the search index, and deletions last. The manifest is saved before the deletions and at
//! the end, and after a failure with what was done: a deploy run again finishes the job.

mod config;
mod credentials;
mod store;

pub use config::{parse_location, CacheControl, Location, TargetConfig, Targets};
pub use store::{Folder, Headers, Store, StoreError, S3};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use walkdir::WalkDir;

use crate::diag::{Diagnostic, Diagnostics};
use crate::output::{assets, compress};

/// The manifest object's name, at the target's prefix.
pub const MANIFEST: &str = ".qostil-deploy.json";

/// Requests sent at once.
const PARALLEL: usize = 8;

pub struct DeployOptions {
    pub root: PathBuf,
    pub target: Option<String>,
    pub dry_run: bool,
}

/// What one object becomes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Object {
    /// xxh3 of the file and its headers, hex.
    pub signature: String,
    pub content_type: String,
    pub cache_control: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_encoding: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Manifest {
    version: u32,
    /// Output path → the object qostil put there.
    objects: BTreeMap<String, Object>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    New,
    Replace,
    Delete,
}

/// What a deploy did (or, with `--dry-run`, would do).
#[derive(Debug, Default)]
pub struct DeployReport {
    pub target: String,
    pub url: String,
    pub dry_run: bool,
    /// In the order they were (or would be) made.
    pub changes: Vec<(Change, String)>,
    pub unchanged: usize,
    /// HTTP requests (or file operations) made, the manifest's included.
    pub requests: usize,
}

impl DeployReport {
    pub fn count(&self, change: Change) -> usize {
        self.changes.iter().filter(|(c, _)| *c == change).count()
    }
}

/// The phase a file is sent in: 0 assets, 1 pages, 2 feeds, sitemaps, robots.txt, search.
fn phase(path: &str) -> u8 {
    // A compressed companion goes with its file.
    let path = compress::companion_source(path).unwrap_or(path);
    let is_search = path.split('/').nth(1) == Some("search") && !path.ends_with(".html");
    if path.ends_with(".html") {
        1
    } else if is_search || path.ends_with(".xml") || path == "robots.txt" {
        2
    } else {
        0
    }
}

/// `Content-Type`, with `charset=utf-8` for text.
fn content_type(path: &str) -> String {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let text = mime.type_() == "text"
        || matches!(
            mime.essence_str(),
            "application/json"
                | "application/xml"
                | "application/javascript"
                | "application/atom+xml"
                | "image/svg+xml"
        );
    if text {
        format!("{}; charset=utf-8", mime.essence_str())
    } else {
        mime.essence_str().to_string()
    }
}

fn cache_control(path: &str, cache: &CacheControl) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    if assets::logical_name(name).is_some() {
        cache.immutable.clone()
    } else if phase(path) > 0 || path.ends_with(".json") || path.ends_with(".txt") {
        cache.pages.clone()
    } else {
        cache.files.clone()
    }
}

/// The files of the output folder to publish: every file but dot-named ones, and, for a
/// store that takes gzip-encoded bodies, but the `.gz`/`.br` companions (the text file
/// itself is sent gzip-encoded instead).
fn local_files(output: &Path, skip_companions: bool) -> Result<Vec<String>, Diagnostic> {
    let mut files = Vec::new();
    let walker = WalkDir::new(output)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry =
            entry.map_err(|e| Diagnostic::global(format!("cannot read the output: {e}")))?;
        if entry.file_type().is_dir() {
            continue;
        }
        let rel = crate::content::site_relative(output, entry.path());
        let companion = compress::companion_source(&rel).is_some_and(|s| output.join(s).is_file());
        if !(skip_companions && companion) {
            files.push(rel);
        }
    }
    Ok(files)
}

/// The object a file becomes: headers and signature (of the file's bytes and the headers).
fn describe(path: &str, bytes: &[u8], gzip: bool, cache: &CacheControl) -> Object {
    let content_type = content_type(path);
    let cache_control = cache_control(path, cache);
    let content_encoding = (gzip && compress::is_text(path)).then(|| "gzip".to_string());
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(bytes);
    for part in [&content_type, &cache_control] {
        hasher.update(b"\n");
        hasher.update(part.as_bytes());
    }
    hasher.update(content_encoding.as_deref().unwrap_or("").as_bytes());
    Object {
        signature: format!("{:016x}", hasher.digest()),
        content_type,
        cache_control,
        content_encoding,
    }
}

fn usage(message: String) -> Diagnostics {
    Diagnostic::global(message).with_code("usage").into()
}

/// Runs `qostil deploy`; `say` gets a message for the user while it waits for a build.
pub fn deploy(options: &DeployOptions, say: &dyn Fn(&str)) -> Result<DeployReport, Diagnostics> {
    let config = crate::config::load_config(&options.root)?;
    let targets = &config.deploy.0;
    let site_yaml = crate::config::CONFIG_FILE;
    let target = match &options.target {
        Some(name) => targets.iter().find(|t| t.name == *name).ok_or_else(|| {
            let names: Vec<&str> = targets.iter().map(|t| t.name.as_str()).collect();
            usage(format!(
                "--target {name}: {site_yaml} has no such deploy target (it has: {})",
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join(", ")
                }
            ))
        })?,
        None => match targets.as_slice() {
            [only] => only,
            [] => {
                return Err(usage(format!(
                    "{site_yaml} has no `deploy:` targets; add one (see docs/deploy.md)"
                )))
            }
            [first, ..] => first,
        },
    };
    let location = parse_location(&target.url).map_err(|e| {
        Diagnostics::from(Diagnostic::error(
            site_yaml,
            format!("deploy: target `{}`: url: {e}", target.name),
        ))
    })?;
    let output = options.root.join("public");
    if !output.is_dir() {
        return Err(Diagnostic::error(
            "public",
            "no output folder to deploy: run `qostil build` first",
        )
        .into());
    }
    // The output as one build left it: a build into it running now finishes first, and one
    // started while the files go up waits (see `output::lock`).
    let _lock = match std::fs::canonicalize(&options.root) {
        Ok(root) => Some(crate::output::lock::lock_output(
            &root,
            &root.join("public"),
            "qostil deploy",
            crate::output::lock::IfHeld::Wait(say),
        )?),
        Err(_) => None,
    };
    let (store, prefix): (Box<dyn Store>, String) = match &location {
        Location::Folder(dir) => (Box::new(Folder(dir.clone())), String::new()),
        Location::S3 { bucket, prefix } => {
            let keys = credentials::load().map_err(|e| Diagnostics::from(Diagnostic::global(e)))?;
            let s3 = S3::new(
                bucket,
                target.endpoint.as_deref(),
                target.region.as_deref(),
                target.virtual_hosted,
                keys,
            )
            .map_err(|e| {
                Diagnostics::from(Diagnostic::error(
                    site_yaml,
                    format!("deploy: target `{}`: {e}", target.name),
                ))
            })?;
            (Box::new(s3), prefix.clone())
        }
    };
    let mut report = DeployReport {
        target: target.name.clone(),
        url: target.url.clone(),
        dry_run: options.dry_run,
        ..Default::default()
    };
    run(
        store.as_ref(),
        &prefix,
        &output,
        target,
        config.compress,
        &mut report,
    )?;
    Ok(report)
}

fn failed(e: StoreError) -> Diagnostics {
    Diagnostic::global(e.0).into()
}

/// Plans and (unless a dry run) makes the changes.
fn run(
    store: &dyn Store,
    prefix: &str,
    output: &Path,
    target: &TargetConfig,
    compress_on: bool,
    report: &mut DeployReport,
) -> Result<(), Diagnostics> {
    let manifest_key = format!("{prefix}{MANIFEST}");
    report.requests += 1;
    let previous: Manifest = match store.get(&manifest_key).map_err(failed)? {
        Some(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
            Diagnostics::from(Diagnostic::global(format!(
                "{manifest_key} on target `{}` is not a qostil deploy manifest: {e}",
                target.name
            )))
        })?,
        None => Manifest {
            version: 1,
            ..Default::default()
        },
    };
    let gzip = compress_on && store.takes_encoded_bodies();
    let files = local_files(output, store.takes_encoded_bodies()).map_err(Diagnostics::from)?;

    // Describe every file (in parallel: this reads the whole output).
    let described: Vec<Result<(String, Object), Diagnostic>> = {
        use rayon::prelude::*;
        files
            .par_iter()
            .map(|path| {
                let bytes = std::fs::read(output.join(path)).map_err(|e| {
                    Diagnostic::error(format!("public/{path}"), format!("cannot read: {e}"))
                })?;
                Ok((
                    path.clone(),
                    describe(path, &bytes, gzip, &target.cache_control),
                ))
            })
            .collect()
    };
    let mut local = BTreeMap::new();
    let mut diags = Diagnostics::new();
    for d in described {
        match d {
            Ok((path, object)) => {
                local.insert(path, object);
            }
            Err(e) => diags.push(e),
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }

    let mut uploads: Vec<(u8, Change, String)> = Vec::new();
    for (path, object) in &local {
        match previous.objects.get(path) {
            Some(old) if old == object => report.unchanged += 1,
            Some(_) => uploads.push((phase(path), Change::Replace, path.clone())),
            None => uploads.push((phase(path), Change::New, path.clone())),
        }
    }
    uploads.sort();
    let deletions: Vec<String> = previous
        .objects
        .keys()
        .filter(|p| !local.contains_key(*p))
        .cloned()
        .collect();
    if report.dry_run {
        report.changes = uploads.into_iter().map(|(_, c, p)| (c, p)).collect();
        report
            .changes
            .extend(deletions.into_iter().map(|p| (Change::Delete, p)));
        return Ok(());
    }

    // What the target holds, kept up to date as objects go up and away.
    let state = Mutex::new(previous);
    let save = |report: &mut DeployReport| -> Result<(), Diagnostics> {
        report.requests += 1;
        let manifest = state
            .lock()
            .map_err(|_| Diagnostic::global("deploy stopped"))?;
        let json = serde_json::to_vec_pretty(&*manifest).unwrap_or_default();
        let headers = Headers {
            content_type: "application/json; charset=utf-8".into(),
            cache_control: "no-store".into(),
            content_encoding: None,
        };
        store.put(&manifest_key, &json, &headers).map_err(failed)
    };
    for phase_no in 0..=2u8 {
        let batch: Vec<&(u8, Change, String)> =
            uploads.iter().filter(|(p, _, _)| *p == phase_no).collect();
        let outcome = in_parallel(&batch, |(_, change, path)| {
            let object = &local[path];
            let bytes = std::fs::read(output.join(path))
                .map_err(|e| StoreError(format!("public/{path}: cannot read: {e}")))?;
            let body = if object.content_encoding.is_some() {
                compress::gzip(&bytes)
            } else {
                bytes
            };
            let headers = Headers {
                content_type: object.content_type.clone(),
                cache_control: object.cache_control.clone(),
                content_encoding: object.content_encoding.clone(),
            };
            store.put(&format!("{prefix}{path}"), &body, &headers)?;
            if let Ok(mut m) = state.lock() {
                m.objects.insert(path.clone(), object.clone());
            }
            Ok((*change, path.clone()))
        });
        report.requests += outcome.done.len() + outcome.errors.len();
        report.changes.extend(outcome.done);
        if !outcome.errors.is_empty() {
            let _ = save(report);
            return Err(outcome.errors);
        }
    }
    if !deletions.is_empty() {
        // The uploads are recorded before anything goes: a deploy stopped now leaves a
        // manifest that owns every object qostil put there.
        save(report)?;
        let batch: Vec<&String> = deletions.iter().collect();
        let outcome = in_parallel(&batch, |path| {
            store.delete(&format!("{prefix}{path}"))?;
            if let Ok(mut m) = state.lock() {
                m.objects.remove(*path);
            }
            Ok((Change::Delete, (*path).clone()))
        });
        report.requests += outcome.done.len() + outcome.errors.len();
        report.changes.extend(outcome.done);
        if !outcome.errors.is_empty() {
            let _ = save(report);
            return Err(outcome.errors);
        }
    }
    if !report.changes.is_empty() {
        save(report)?;
    }
    Ok(())
}

struct Outcome {
    done: Vec<(Change, String)>,
    errors: Diagnostics,
}

/// Runs `job` over `items` on `PARALLEL` threads; every item is tried.
fn in_parallel<T: Sync>(
    items: &[T],
    job: impl Fn(&T) -> Result<(Change, String), StoreError> + Sync,
) -> Outcome {
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..PARALLEL.min(items.len()) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                let result = job(item);
                if let Ok(mut r) = results.lock() {
                    r.push((i, result));
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_default();
    results.sort_by_key(|(i, _)| *i);
    let mut outcome = Outcome {
        done: Vec::new(),
        errors: Diagnostics::new(),
    };
    for (_, result) in results {
        match result {
            Ok(done) => outcome.done.push(done),
            Err(e) => outcome.errors.push(Diagnostic::global(e.0)),
        }
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_put_assets_first_and_metadata_last() {
        assert_eq!(phase("style.3f2a9c1e.css"), 0);
        assert_eq!(phase("kk/news/x/photo.jpg"), 0);
        assert_eq!(phase("kk/news/x/index.html"), 1);
        assert_eq!(phase("404.html"), 1);
        assert_eq!(phase("kk/atom.xml"), 2);
        assert_eq!(phase("sitemap.xml"), 2);
        assert_eq!(phase("robots.txt"), 2);
        assert_eq!(phase("kk/search/meta.json"), 2);
        assert_eq!(phase("kk/search/index.html"), 1);
        assert_eq!(phase("kk/index.html.gz"), 1);
    }

    #[test]
    fn headers_by_kind() {
        let cache = CacheControl::default();
        assert_eq!(content_type("kk/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("a.svg"), "image/svg+xml; charset=utf-8");
        assert_eq!(content_type("a.jpg"), "image/jpeg");
        assert!(cache_control("style.3f2a9c1e.css", &cache).contains("immutable"));
        assert_eq!(cache_control("kk/index.html", &cache), cache.pages);
        assert_eq!(cache_control("kk/atom.xml", &cache), cache.pages);
        assert_eq!(cache_control("favicon.svg", &cache), cache.files);
        let a = describe("kk/index.html", b"x", true, &cache);
        assert_eq!(a.content_encoding.as_deref(), Some("gzip"));
        assert_ne!(
            a.signature,
            describe("kk/index.html", b"x", false, &cache).signature
        );
        assert_eq!(describe("a.jpg", b"x", true, &cache).content_encoding, None);
    }
}
