//! `qostil build`: the whole pipeline, from `site.yaml` to a swapped-in output folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::{load_config, Config};
use crate::content::{load_documents, load_documents_cached};
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::{Lang, Locales};
use crate::output::cache::{BuildCache, Saved};
use crate::output::{copy_static, Staging};
use crate::progress::{Progress, Silent};
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

/// A finished build: its report, and the site, renderer and outputs' keys that `serve`
/// keeps to rebuild incrementally.
pub struct Built {
    pub report: BuildReport,
    pub site: Site,
    pub renderer: Renderer,
    /// What the cache recorded of each output this build rendered or kept.
    pub saved: Vec<Saved>,
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
    build(options, &locales, progress).map(|b| b.report)
}

/// `build_site`, keeping what an incremental rebuild needs.
pub fn build(
    options: &BuildOptions,
    locales: &Arc<Locales>,
    progress: &dyn Progress,
) -> Result<Built, Diagnostics> {
    let started = Instant::now();
    progress.stage("loading", 0);
    let root = options.root.as_path();
    let target = options
        .output
        .clone()
        .unwrap_or_else(|| root.join("public"));
    check_output_folder(root, &target)?;
    let config = load_site_config(root, options.base_url.as_deref())?;
    if options.clean {
        BuildCache::remove(root, &target, &config.languages).map_err(|e| {
            Diagnostic::global(format!(
                "cannot remove {}/: {e}",
                crate::output::cache::CACHE_DIR
            ))
        })?;
    }
    let documents_cache = crate::output::cache::documents_path(root);
    // Content and templates are independent: load both, and report the errors of both.
    let (site, renderer) = rayon::join(
        || {
            let docs = load_documents_cached(root, &config, Some(&documents_cache))?;
            progress.stage("assembling", 0);
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

    progress.stage("cache", 0);
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

    progress.stage("static files", 0);
    let static_files = copy_static(root, &site.config.theme, &staging)?;
    progress.stage("folders", 0);
    let written = render_all(&site, &renderer, &staging, &cache, progress)?;
    let search_files = if renderer.has_template("search.html") {
        progress.stage("search index", site.config.languages.len() as u64);
        write_search_indexes(&site, root, &staging, &cache, progress)?
    } else {
        Vec::new()
    };
    let expected: std::collections::BTreeSet<String> = site
        .outputs
        .iter()
        .map(|o| o.file_path())
        .chain(static_files.iter().cloned())
        .chain(search_files.iter().map(|s| s.path.clone()))
        .collect();
    progress.stage("writing", 0);
    staging
        .commit(&expected)
        .map_err(|e| Diagnostic::global(format!("cannot replace {}: {e}", target.display())))?;
    // The output is complete without the cache; a failure here only costs the next build time.
    progress.stage("saving cache", 0);
    let mut saved = written.saved;
    let outputs = saved.len();
    saved.extend(search_files);
    let _ = BuildCache::save(root, &target, &saved);
    saved.truncate(outputs);

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
        saved,
    })
}

/// Search is optional for a theme: without `search.html` there is no search page or index.
pub fn drop_search_without_template(site: &mut Site, renderer: &Renderer) {
    if !renderer.has_template("search.html") {
        site.outputs
            .retain(|o| !matches!(o.kind, crate::site::OutputKind::SearchPage(_)));
    }
}

/// Writes every language's search index into the output, or keeps the previous build's
/// when that language's documents did not change; returns the files, keyed for the cache.
pub fn write_search_indexes(
    site: &Site,
    root: &Path,
    staging: &Staging,
    cache: &BuildCache,
    progress: &dyn Progress,
) -> Result<Vec<Saved>, Diagnostics> {
    // One language at a time: an index holds its postings while it is built.
    let mut diags = Diagnostics::new();
    let mut saved = Vec::new();
    for &lang in &site.config.languages {
        let key = search_input_key(site, lang);
        match reuse_search_index(cache, staging, lang, key) {
            Some(files) => saved.extend(files),
            None => match write_search_index(site, root, staging, cache, lang, key) {
                Ok(files) => saved.extend(files),
                Err(d) => diags.extend(d),
            },
        }
        progress.advance(1);
    }
    diags.into_result(saved)
}

/// Builds one language's index, writing each file as soon as the index makes it, with the
/// terms cache of the last build; returns the files.
fn write_search_index(
    site: &Site,
    root: &Path,
    staging: &Staging,
    cache: &BuildCache,
    lang: Lang,
    key: u64,
) -> Result<Vec<Saved>, Diagnostics> {
    let terms_path = crate::output::cache::terms_path(root, lang);
    let previous =
        crate::search::terms::CachedTerms::load(&terms_path, crate::search::terms_key(site, lang));
    let terms = crate::search::TermsCache {
        previous: previous.as_ref(),
        save_to: Some(&terms_path),
    };
    let mut out = StagedIndex {
        staging,
        cache,
        key,
        saved: Vec::new(),
        diags: Diagnostics::new(),
    };
    if let Err(d) = crate::search::write_index(site, root, lang, terms, &mut out) {
        out.diags.push(d);
    }
    out.diags.into_result(out.saved)
}

/// A language's index files as the build writes them: staged, keyed for the cache (`quick`
/// is the whole index's key, `fingerprint` a text chunk's own), and text chunks kept from the
/// previous output when their documents did not change.
struct StagedIndex<'a> {
    staging: &'a Staging,
    cache: &'a BuildCache,
    key: u64,
    saved: Vec<Saved>,
    diags: Diagnostics,
}

impl crate::search::IndexOutput for StagedIndex<'_> {
    fn write(&mut self, path: &str, bytes: &[u8], key: u64) -> Result<(), Diagnostic> {
        // A file made from the whole index is keyed by its bytes: most of them come out the
        // same after an edit, and a hash is cheaper than reading the old file to compare.
        let fingerprint = if key == 0 {
            xxhash_rust::xxh3::xxh3_64(bytes)
        } else {
            key
        };
        if self.keep(path, fingerprint) {
            return Ok(());
        }
        if let Err(e) = self.staging.write(path, bytes) {
            self.diags
                .push(Diagnostic::global(format!("cannot write {path}: {e}")));
        }
        self.saved.push(Saved {
            path: path.to_string(),
            fingerprint,
            quick: self.key,
            stamp: None,
        });
        Ok(())
    }

    fn keep(&mut self, path: &str, key: u64) -> bool {
        let Some(entry) = self.cache.entries.get(path) else {
            return false;
        };
        let kept = entry.fingerprint == key && self.staging.reuse(path, entry.stamp);
        if kept {
            self.saved.push(Saved {
                path: path.to_string(),
                fingerprint: key,
                quick: self.key,
                stamp: Some(entry.stamp),
            });
        }
        kept
    }
}

/// A hash of everything a language's search index is made of: qostil's version (the index
/// format and the stemmers), the site's URLs, and the indexed documents' files in order.
fn search_input_key(site: &Site, lang: Lang) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    hasher.update(crate::search::kazakh::RULES_JSON.as_bytes());
    for part in [&site.config.base_url, &site.config.base_path] {
        hasher.update(part.as_bytes());
        hasher.update(b"\n");
    }
    hasher.update(lang.code().as_bytes());
    for page in site.pages.iter().filter(|p| p.lang() == lang) {
        hasher.update(page.url.as_bytes());
        hasher.update(&page.doc.content_hash.to_le_bytes());
        hasher.update(&[u8::from(page.doc.meta.draft)]);
    }
    hasher.digest()
}

/// The previous build's index files of `lang`, when they were made from the same inputs
/// and every one is still as that build left it.
fn reuse_search_index(
    cache: &BuildCache,
    staging: &Staging,
    lang: Lang,
    key: u64,
) -> Option<Vec<Saved>> {
    let prefix = format!("{lang}/search/");
    // The search page beside the index is an output of its own, rendered with the others.
    let page = format!("{prefix}index.html");
    let files: Vec<(&String, &crate::output::cache::Entry)> = cache
        .entries
        .iter()
        .filter(|(path, _)| path.starts_with(&prefix) && **path != page)
        .collect();
    let same_inputs = !files.is_empty() && files.iter().all(|(_, e)| e.quick == key);
    let intact = same_inputs && files.iter().all(|(p, e)| staging.reuse(p, e.stamp));
    intact.then(|| {
        files
            .into_iter()
            .map(|(path, e)| Saved {
                path: path.clone(),
                fingerprint: e.fingerprint,
                quick: key,
                stamp: Some(e.stamp),
            })
            .collect()
    })
}

/// One output's result: its file, keys, and whether it was rendered (or reused).
struct OutputResult {
    saved: Option<Saved>,
    rendered: bool,
}

/// What `render_all` did.
struct Written {
    rendered: usize,
    /// Outputs with a fingerprint, for the build cache.
    saved: Vec<Saved>,
}

/// Renders every output in parallel and writes each to the staging folder as soon as it is
/// rendered, so no more than one page per thread is held in memory. Outputs whose inputs
/// did not change (same quick key, else same fingerprint) are reused from the previous build.
fn render_all(
    site: &Site,
    renderer: &Renderer,
    staging: &Staging,
    cache: &BuildCache,
    progress: &dyn Progress,
) -> Result<Written, Diagnostics> {
    let paths: Vec<String> = site.outputs.iter().map(|o| o.file_path()).collect();
    staging
        .prepare_folders(paths.iter().map(String::as_str))
        .map_err(|e| Diagnostic::global(format!("cannot create the output folders: {e}")))?;
    progress.stage("rendering", site.outputs.len() as u64);
    let site_key = crate::render::site_key(site);
    let results: Vec<Result<OutputResult, Diagnostic>> = site
        .outputs
        .par_iter()
        .map(|output| {
            progress.advance(1);
            render_one(site, renderer, staging, cache, site_key, output)
        })
        .collect();
    let mut errors = Vec::new();
    let mut written = Written {
        rendered: 0,
        saved: Vec::with_capacity(results.len()),
    };
    for result in results {
        match result {
            Ok(r) => {
                written.rendered += usize::from(r.rendered);
                written.saved.extend(r.saved);
            }
            Err(d) => errors.push(d),
        }
    }
    let mut diags = Diagnostics(errors);
    // A template bug fails every page that uses it: report it once per template and message.
    diags.sort();
    Diagnostics(dedup_by_template(diags.0)).into_result(written)
}

/// One output: reused when its quick key or its fingerprint matches the previous build's and
/// the file is as that build left it; otherwise rendered and written.
fn render_one(
    site: &Site,
    renderer: &Renderer,
    staging: &Staging,
    cache: &BuildCache,
    site_key: u64,
    output: &crate::site::Output,
) -> Result<OutputResult, Diagnostic> {
    let path = output.file_path();
    let previous = cache.entries.get(&path).copied();
    let quick = renderer.quick_key(site, site_key, output);
    let reused = |fingerprint: u64, path: String, stamp| OutputResult {
        saved: Some(Saved {
            path,
            fingerprint,
            quick: quick.unwrap_or(0),
            stamp: Some(stamp),
        }),
        rendered: false,
    };
    if let (Some(q), Some(entry)) = (quick, previous) {
        if entry.quick == q && staging.reuse(&path, entry.stamp) {
            return Ok(reused(entry.fingerprint, path, entry.stamp));
        }
    }
    let (fingerprint, text) =
        renderer.render_changed(site, output, previous.map(|e| e.fingerprint))?;
    let text = match (text, previous, fingerprint) {
        (None, Some(entry), Some(f)) if staging.reuse(&path, entry.stamp) => {
            return Ok(reused(f, path, entry.stamp))
        }
        (None, _, _) => renderer.render_bytes(site, output)?,
        (Some(text), _, _) => text,
    };
    staging
        .write_if_changed(&path, &text)
        .map_err(|e| Diagnostic::global(format!("cannot write {path}: {e}")))?;
    // Sitemaps and robots.txt have no fingerprint, only a quick key.
    let keyed = fingerprint.is_some() || quick.is_some();
    Ok(OutputResult {
        saved: keyed.then(|| Saved {
            path,
            fingerprint: fingerprint.unwrap_or(0),
            quick: quick.unwrap_or(0),
            stamp: None,
        }),
        rendered: true,
    })
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
