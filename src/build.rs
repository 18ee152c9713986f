//! `qostil build`: the whole pipeline, from `site.yaml` to a swapped-in output folder.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::{load_config, Config};
use crate::content::load_documents;
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::{Lang, Locales};
use crate::output::cache::BuildCache;
use crate::output::{copy_static, Staging};
use crate::render::Renderer;
use crate::site::{assemble_site, OutputKind, Site};

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site root (holds `site.yaml`).
    pub root: PathBuf,
    /// Output folder; default `<root>/public`.
    pub output: Option<PathBuf>,
    /// Replaces `base_url` from site.yaml.
    pub base_url: Option<String>,
    /// Include pages with `draft: true`.
    pub drafts: bool,
    /// Ignore and remove the build cache: render every file.
    pub clean: bool,
}

#[derive(Debug, Clone)]
pub struct BuildReport {
    /// Articles and standalone pages per language.
    pub pages: BTreeMap<Lang, usize>,
    /// Files in the output folder.
    pub files: usize,
    /// Files rendered by this build.
    pub rendered: usize,
    /// Files reused (hard-linked) from the previous build because their inputs did not change.
    pub reused: usize,
    /// Static files copied from the theme and the site.
    pub static_files: usize,
    /// Problems that did not stop the build.
    pub warnings: Diagnostics,
    pub output: PathBuf,
    pub elapsed: Duration,
}

/// Loads the configuration with the `--base-url` override applied.
pub fn load_site_config(root: &Path, base_url: Option<&str>) -> Result<Config, Diagnostics> {
    let mut config = load_config(root)?;
    if let Some(url) = base_url {
        config
            .set_base_url(url)
            .map_err(|e| Diagnostic::global(format!("--base-url: {e}")))?;
    }
    Ok(config)
}

/// Loads and assembles the site: everything up to rendering.
pub fn load_site(
    root: &Path,
    base_url: Option<&str>,
    drafts: bool,
    locales: &Locales,
) -> Result<Site, Diagnostics> {
    let config = load_site_config(root, base_url)?;
    let docs = load_documents(root, &config)?;
    assemble_site(config, docs, locales, drafts)
}

/// A finished build: its report, and the site, renderer and fingerprints that `serve` keeps
/// to rebuild incrementally.
pub struct Built {
    pub report: BuildReport,
    pub site: Site,
    pub renderer: Renderer,
    /// Output file path → fingerprint.
    pub fingerprints: HashMap<String, u64>,
}

/// Builds the site into the output folder. On any error nothing in the output folder changes
/// and every error found is returned.
pub fn build_site(options: &BuildOptions) -> Result<BuildReport, Diagnostics> {
    build(
        options,
        &Arc::new(Locales::new().map_err(Diagnostic::global)?),
    )
    .map(|b| b.report)
}

/// `build_site`, keeping what an incremental rebuild needs.
pub fn build(options: &BuildOptions, locales: &Arc<Locales>) -> Result<Built, Diagnostics> {
    let started = Instant::now();
    let root = options.root.as_path();
    let target = options
        .output
        .clone()
        .unwrap_or_else(|| root.join("public"));
    check_output_folder(root, &target)?;
    let config = load_site_config(root, options.base_url.as_deref())?;
    // Content and templates are independent: load both, and report the errors of both.
    let (site, renderer) = rayon::join(
        || {
            let docs = load_documents(root, &config)?;
            assemble_site(config.clone(), docs, locales, options.drafts)
        },
        || Renderer::new(root, &config, Arc::clone(locales)),
    );
    let (mut site, renderer) = match (site, renderer) {
        (Ok(s), Ok(r)) => (s, r),
        (s, r) => {
            let mut diags = Diagnostics::new();
            diags.extend(s.err().unwrap_or_default());
            diags.extend(r.err().unwrap_or_default());
            diags.sort();
            return Err(diags);
        }
    };
    drop_search_without_template(&mut site, &renderer);

    if options.clean {
        BuildCache::remove(root, &target).map_err(|e| {
            Diagnostic::global(format!(
                "cannot remove {}/: {e}",
                crate::output::cache::CACHE_DIR
            ))
        })?;
    }
    let cache = BuildCache::load(root, &target);
    // With a cache of the last build into this folder, change that output in place once
    // the build succeeded; otherwise build a whole new tree and swap it in.
    let begin = if cache.entries.is_empty() {
        Staging::begin(&target)
    } else {
        Staging::begin_patch(&target)
    };
    let staging = begin.map_err(|e| {
        Diagnostic::global(format!(
            "cannot create a staging folder beside {}: {e}",
            target.display()
        ))
    })?;

    let static_files = copy_static(root, &site.config.theme, &staging)?;
    let written = render_all(&site, &renderer, &staging, &cache)?;
    let search_files = if renderer.has_template("search.html") {
        write_search_indexes(&site, root, &staging)?
    } else {
        Vec::new()
    };
    let expected: std::collections::BTreeSet<String> = site
        .outputs
        .iter()
        .map(|o| o.file_path())
        .chain(static_files.iter().cloned())
        .chain(search_files.iter().cloned())
        .collect();
    staging
        .commit(&expected)
        .map_err(|e| Diagnostic::global(format!("cannot replace {}: {e}", target.display())))?;
    // The output is complete without the cache; a failure here only costs the next build time.
    let _ = BuildCache::save(root, &target, &written.fingerprints);

    let mut pages = BTreeMap::new();
    for page in &site.pages {
        *pages.entry(page.lang()).or_insert(0) += 1;
    }
    let report = BuildReport {
        pages,
        files: expected.len(),
        rendered: written.rendered,
        reused: site.outputs.len() - written.rendered,
        static_files: static_files.len(),
        warnings: crate::content::unconfigured_languages(root, &site.config),
        output: target,
        elapsed: started.elapsed(),
    };
    Ok(Built {
        report,
        site,
        renderer,
        fingerprints: written.fingerprints.into_iter().collect(),
    })
}

/// Search is optional for a theme: without `search.html` there is no search page or index.
pub fn drop_search_without_template(site: &mut Site, renderer: &Renderer) {
    if !renderer.has_template("search.html") {
        site.outputs
            .retain(|o| !matches!(o.kind, crate::site::OutputKind::SearchPage(_)));
    }
}

/// Writes every language's search index into the output, each file as soon as the index
/// makes it; returns the files' paths.
pub fn write_search_indexes(
    site: &Site,
    root: &Path,
    staging: &Staging,
) -> Result<Vec<String>, Diagnostics> {
    // One language at a time: an index holds its postings while it is built.
    let mut diags = Diagnostics::new();
    let mut paths = Vec::new();
    for lang in &site.config.languages {
        let mut write = |path: &str, bytes: &[u8]| {
            if let Err(e) = staging.write_if_changed(path, bytes) {
                diags.push(Diagnostic::global(format!("cannot write {path}: {e}")));
            }
            paths.push(path.to_string());
            Ok(())
        };
        if let Err(d) = crate::search::write_index(site, root, *lang, &mut write) {
            diags.push(d);
        }
    }
    diags.into_result(paths)
}

/// One output's result: its file, fingerprint, and whether it was rendered (or reused).
struct OutputResult {
    path: String,
    fingerprint: Option<u64>,
    rendered: bool,
}

/// What `render_all` did.
struct Written {
    rendered: usize,
    fingerprints: Vec<(String, u64)>,
}

/// Renders every output in parallel and writes each to the staging folder as soon as it is
/// rendered, so no more than one page per thread is held in memory. Outputs whose
/// fingerprint matches the cache are hard-linked from the previous build instead.
fn render_all(
    site: &Site,
    renderer: &Renderer,
    staging: &Staging,
    cache: &BuildCache,
) -> Result<Written, Diagnostics> {
    let paths: Vec<String> = site.outputs.iter().map(|o| o.file_path()).collect();
    staging
        .prepare_folders(paths.iter().map(String::as_str))
        .map_err(|e| Diagnostic::global(format!("cannot create the output folders: {e}")))?;
    let results: Vec<Result<OutputResult, Diagnostic>> = site
        .outputs
        .par_iter()
        .map(|output| {
            let path = output.file_path();
            let previous = cache.entries.get(&path).copied();
            let (fingerprint, text) =
                renderer.render_changed(site, output, previous.map(|e| e.fingerprint))?;
            let text = match (text, previous) {
                (None, Some(entry)) if staging.reuse(&path, entry.stamp) => {
                    return Ok(OutputResult {
                        path,
                        fingerprint,
                        rendered: false,
                    })
                }
                (None, _) => renderer.render(site, output)?,
                (Some(text), _) => text,
            };
            staging
                .write_if_changed(&path, text.as_bytes())
                .map_err(|e| Diagnostic::global(format!("cannot write {path}: {e}")))?;
            Ok(OutputResult {
                path,
                fingerprint,
                rendered: true,
            })
        })
        .collect();
    let mut errors = Vec::new();
    let mut written = Written {
        rendered: 0,
        fingerprints: Vec::with_capacity(results.len()),
    };
    for result in results {
        match result {
            Ok(r) => {
                written.rendered += usize::from(r.rendered);
                if let Some(f) = r.fingerprint {
                    written.fingerprints.push((r.path, f));
                }
            }
            Err(d) => errors.push(d),
        }
    }
    let mut diags = Diagnostics(errors);
    // A template bug fails every page that uses it: report it once per template and message.
    diags.sort();
    Diagnostics(dedup_by_template(diags.0)).into_result(written)
}

/// Keeps the first error of each (file, cause) pair: a broken template would otherwise be
/// reported once per page.
fn dedup_by_template(diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut seen = std::collections::BTreeSet::new();
    diags
        .into_iter()
        .filter(|d| {
            let cause = d
                .message
                .split_once("): ")
                .map_or(d.message.as_str(), |(_, c)| c);
            seen.insert((d.file.clone(), cause.to_string()))
        })
        .collect()
}

/// Folders of the site's sources; the output folder may be neither one of them nor inside
/// one, since a build replaces the output folder whole.
const SOURCE_FOLDERS: &[&str] = &[
    "content",
    "themes",
    "templates",
    "static",
    "taxonomies",
    "seeds",
];

/// The output folder must not be the site root, contain it, or lie inside its sources:
/// swapping it in would remove them.
fn check_output_folder(root: &Path, target: &Path) -> Result<(), Diagnostics> {
    let abs = |p: &Path| {
        std::path::absolute(p)
            .map(|a| normalize_lexically(&a))
            .unwrap_or_else(|_| p.to_path_buf())
    };
    let (root_abs, target_abs) = (abs(root), abs(target));
    let inside_sources = SOURCE_FOLDERS
        .iter()
        .find(|f| target_abs.starts_with(root_abs.join(f)));
    let problem = if root_abs.starts_with(&target_abs) {
        Some("the output folder must not be or contain the site root".to_string())
    } else {
        inside_sources.map(|f| format!("the output folder must not be inside {f}/"))
    };
    match problem {
        Some(p) => Err(Diagnostic::global(format!("--output {}: {p}", target.display())).into()),
        None => Ok(()),
    }
}

/// Removes `.` and resolves `..` without touching the file system.
fn normalize_lexically(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

/// Whether an output is listed in a language's page count (used by reports).
pub fn is_page(kind: &OutputKind) -> bool {
    matches!(kind, OutputKind::Page(_))
}
