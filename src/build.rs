//! `qostil build`: the whole pipeline, from `site.yaml` to a swapped-in output folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::config::{load_config, Config};
use crate::diag::{Diagnostic, Diagnostics};
use crate::engine::Engine;
use crate::lang::{Lang, Locales};
use crate::progress::{Progress, Silent};
use crate::render::Renderer;
use crate::site::{OutputKind, Site};

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
    /// Include scheduled pages (a `date` after the build's moment).
    pub future: bool,
    /// Ignore and remove the build cache: render every file.
    pub clean: bool,
    /// Fail, writing nothing, on what `check` reports as errors (broken links and anchors,
    /// missing images, duplicate titles).
    pub strict: bool,
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
    /// Static files copied from the theme and the site (bundle files and photo variants too).
    pub static_files: usize,
    /// Photos shown on pages, and the variants of them this build encoded (the others came
    /// from the cache).
    pub photos: usize,
    pub encoded: usize,
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

/// Loads and assembles the site without templates or caches (for tests of the site model).
pub fn load_site(
    root: &Path,
    base_url: Option<&str>,
    drafts: bool,
    locales: &Arc<Locales>,
) -> Result<Site, Diagnostics> {
    let publish = crate::site::Publish::at_build_moment(drafts, false)?;
    let config = load_site_config(root, base_url)?;
    let docs = crate::content::load_documents(root, &config)?;
    let statics = crate::output::discover_static(root, &config.theme)?;
    let sources = crate::output::static_sources(root, &statics);
    let docs = docs.into_iter().map(Arc::new).collect();
    crate::site::assemble_site(config, docs, &sources, locales, &publish)
}

/// Builds the site into the output folder. On any error nothing in the output folder changes
/// and every error found is returned.
pub fn build_site(options: &BuildOptions) -> Result<BuildReport, Diagnostics> {
    build_site_with_progress(options, &Silent)
}

/// `build_site`, telling `progress` how far it got.
pub fn build_site_with_progress(
    options: &BuildOptions,
    progress: &dyn Progress,
) -> Result<BuildReport, Diagnostics> {
    let locales = Arc::new(Locales::new().map_err(Diagnostic::global)?);
    build(options, &locales, progress).map(|(report, _)| report)
}

/// Builds the site: the engine's start-up, then every output written; returns the report and
/// the engine (for callers that go on from there).
pub fn build(
    options: &BuildOptions,
    locales: &Arc<Locales>,
    progress: &dyn Progress,
) -> Result<(BuildReport, Engine), Diagnostics> {
    let started = Instant::now();
    let mut engine = Engine::open(options, locales, false, false, progress)?;
    if options.strict {
        progress.stage("checking", 0);
        crate::check::site_errors(engine.root(), &engine.site, engine.renderer()).into_result(())?;
    }
    let written = engine.write_all(progress)?;
    progress.stage("done", 0);
    let site = &engine.site;
    let mut pages = BTreeMap::new();
    for page in &site.pages {
        *pages.entry(page.lang()).or_insert(0) += 1;
    }
    let report = BuildReport {
        pages,
        files: written.files,
        rendered: written.rendered,
        reused: site.outputs.len().saturating_sub(written.rendered),
        static_files: engine.static_count(),
        photos: site.photos.photos.len(),
        encoded: site.photos.encoded,
        warnings: {
            let mut warnings = crate::content::input_warnings(engine.root(), &site.config);
            warnings.extend(site.warnings.clone());
            warnings.extend(engine.renderer().warnings().clone());
            warnings
        },
        output: engine.target().to_path_buf(),
        elapsed: started.elapsed(),
    };
    Ok((report, engine))
}

/// Search is optional for a theme: without `search.html` there is no search page or index.
pub fn drop_search_without_template(site: &mut Site, renderer: &Renderer) {
    if !renderer.has_template("search.html") {
        site.outputs
            .retain(|o| !matches!(o.kind, crate::site::OutputKind::SearchPage(_)));
    }
}

/// Folders beside the watched sources that the output folder may not be in either: the raw
/// documents and qostil's own cache.
const OTHER_FOLDERS: &[&str] = &["seeds", crate::output::cache::CACHE_DIR];

/// `path` with its longest existing beginning resolved (symbolic links followed), so that
/// two spellings of one folder compare equal.
fn resolve(path: &Path) -> PathBuf {
    let path =
        normalize_lexically(&std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()));
    let mut existing = path.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return path.clone(),
        }
    }
    let mut resolved = std::fs::canonicalize(existing).unwrap_or_else(|_| existing.to_path_buf());
    resolved.extend(rest.iter().rev());
    resolved
}

/// The output folder must be a folder (or not exist yet), must not be the site root or
/// contain it, and must not lie inside the site's sources or `.qostil/`: a build writes and
/// removes files there. A usage error (exit 2) names the problem.
pub fn check_output_folder(root: &Path, target: &Path, shown: &Path) -> Result<(), Diagnostics> {
    let (root_abs, target_abs) = (resolve(root), resolve(target));
    let inside_sources = crate::engine::SOURCE_ROOTS
        .iter()
        .chain(OTHER_FOLDERS)
        .find(|f| target_abs.starts_with(root_abs.join(f)));
    let problem = if target_abs.exists() && !target_abs.is_dir() {
        Some("not a folder; the output must be a folder".to_string())
    } else if root_abs.starts_with(&target_abs) {
        Some("the output folder must not be or contain the site root".to_string())
    } else {
        inside_sources.map(|f| format!("the output folder must not be inside {f}/"))
    };
    match problem {
        Some(p) => Err(crate::engine::usage_error(format!(
            "--output {}: {p}",
            shown.display()
        ))),
        None => Ok(()),
    }
}

/// Removes `.` and resolves `..` without touching the file system.
pub fn normalize_lexically(path: &Path) -> PathBuf {
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
