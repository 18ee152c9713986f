//! The incremental engine that `build`, `serve` and `check` share.
//!
//! - `load` is the one start-up: configuration, documents (through the documents cache),
//!   the assembled site and the renderer, and the search-template check.
//! - `Engine` keeps a loaded site and the manifest of its output folder. `write` renders the
//!   outputs a plan names, keeps the ones whose quick key or fingerprint did not change,
//!   writes through a staging folder and commits; `apply` (in `changes`) turns a batch of
//!   changed source files into such a plan. A build is `open` + `write_all`; `serve` is
//!   `open` + `write_all` and then `apply` for every batch the watcher reports.
//!
//! There is no list of "fields that matter": a change is judged by the same keys the build
//! cache uses (front matter and summary hashes, the renderer's key, quick keys and
//! fingerprints), so any new front-matter field is covered as soon as it is parsed.

mod changes;
mod commit;
mod documents;
mod install;
mod search;
pub mod write;

pub use changes::{Applied, SOURCE_FILES, SOURCE_ROOTS};
pub use search::SearchJob;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::build::{load_site_config, BuildOptions};
use crate::config::Config;
use crate::content::{load_stamped, Document};
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::{Lang, Locales};
use crate::output::cache::{BuildCache, Saved};
use crate::output::{copy_static, discover_static, static_sources, Staging, StaticFiles};
use crate::progress::Progress;
use crate::render::Renderer;
use crate::site::{assemble_site, Publish, Site};
use commit::lang_of_search_file;

/// A document shared by the engine and the site's page, with its file's stamp.
pub type Held = (Arc<Document>, Option<crate::content::cache::Stamp>);

/// What the start-up loads: everything up to rendering.
pub struct Loaded {
    pub site: Site,
    pub renderer: Renderer,
    /// Every content document (drafts too), in load order, with its file's stamp; empty
    /// unless asked for.
    pub docs: Vec<Held>,
    /// The static files, found once for assembling (no output may take their place) and
    /// copying.
    pub static_files: StaticFiles,
}

/// The start-up that `build`, `serve` and `check` share: the configuration (with the
/// `--base-url` override), the documents (through the documents cache when given), the
/// assembled site and the renderer — content and templates in parallel, reporting the
/// errors of both — and a site without search when the theme has no search page.
pub fn load(
    root: &Path,
    config: Config,
    publish: &Publish,
    locales: &Arc<Locales>,
    documents_cache: Option<&Path>,
    keep_docs: bool,
    progress: &dyn Progress,
) -> Result<Loaded, Diagnostics> {
    let (site, renderer) = rayon::join(
        || {
            let static_files = discover_static(root, &config.theme);
            let stamped = load_stamped(root, &config, documents_cache);
            let (static_files, stamped) = match (static_files, stamped) {
                (Ok(f), Ok(s)) => (f, s),
                (f, s) => {
                    let mut diags = f.err().unwrap_or_default();
                    diags.extend(s.err().unwrap_or_default());
                    return Err(diags);
                }
            };
            progress.stage("assembling", 0);
            let held: Vec<Held> = stamped.into_iter().map(|(d, s)| (Arc::new(d), s)).collect();
            let docs: Vec<Arc<Document>> = held.iter().map(|(d, _)| Arc::clone(d)).collect();
            let kept = if keep_docs { held } else { Vec::new() };
            let sources = static_sources(root, &static_files);
            assemble_site(config.clone(), docs, &sources, locales, publish)
                .map(|s| (s, kept, static_files))
        },
        || Renderer::new(root, &config, Arc::clone(locales)),
    );
    match (site, renderer) {
        (Ok((mut site, docs, static_files)), Ok(renderer)) => {
            crate::build::drop_search_without_template(&mut site, &renderer);
            site.photos = Arc::new(crate::images::prepare(root, &site, progress)?);
            Ok(Loaded {
                site,
                renderer,
                docs,
                static_files,
            })
        }
        (s, r) => {
            let mut diags = Diagnostics::new();
            diags.extend(s.err().unwrap_or_default());
            diags.extend(r.err().unwrap_or_default());
            diags.sort();
            Err(diags)
        }
    }
}

/// A loaded site and what its output folder holds.
pub struct Engine {
    options: BuildOptions,
    /// The output folder, absolute.
    target: PathBuf,
    locales: Arc<Locales>,
    pub site: Site,
    renderer: Renderer,
    /// A hash of the configuration the site was assembled with.
    config_key: u64,
    /// Every content document, in load order, with its stamp (for `apply`); empty for a
    /// one-off build.
    docs: Vec<Held>,
    /// The manifest and keys of every file in the output that qostil wrote.
    manifest: BuildCache,
    /// The site's static files (see `Loaded::static_files`).
    static_files: StaticFiles,
    /// The static files in the output, and each language's search index files.
    statics: Vec<String>,
    /// Of `statics`, the files of page bundles and the photos' variants, and the
    /// `Photos::key` they were written for (`None`: not written yet).
    photo_files: Vec<String>,
    photos_key: Option<u64>,
    search: BTreeMap<Lang, Vec<String>>,
    /// Whether the output folder is qostil's own (serve's, under `.qostil/`): its manifest
    /// is saved when `save_manifest` is called instead of on every write.
    private_output: bool,
    /// Source files whose change has not been applied yet (the last attempt failed).
    pending: BTreeSet<PathBuf>,
    /// Outputs (indexes into `site.outputs`) that the second write of an edit should have
    /// brought up to date but failed to (see `apply_showing`): written with the next batch.
    unfinished: BTreeSet<usize>,
    /// For `serve`: per output (by index), the pages its context read when it was last
    /// prepared (`None`: not known), valid while the site keeps its `structure`.
    reads: Vec<Option<Vec<crate::site::PageId>>>,
    structure: u64,
    track_reads: bool,
    /// Whether a write looked at only some of the outputs since the manifest's quick keys
    /// were last brought up to date (see `refresh_quick_keys`).
    quick_keys_behind: bool,
    /// The output folder's lock (`output::lock`) for a build; serve holds its own.
    _lock: Option<crate::output::lock::OutputLock>,
}

/// What one `write` did.
#[derive(Debug, Default, Clone)]
pub struct WriteReport {
    /// Output files whose bytes changed or that were removed (`kk/news/x/index.html`).
    pub changed: Vec<String>,
    /// Outputs looked at (quick key or fingerprint) and re-rendered.
    pub checked: usize,
    pub rendered: usize,
    /// Of `checked`, the templated outputs whose context was prepared (to compare its
    /// fingerprint or to render): the others were vouched for by their quick key.
    pub prepared: usize,
    /// Files in the output.
    pub files: usize,
    /// Languages whose search index was kept out of date, to be refreshed (`start_all`).
    pub search_stale: Vec<Lang>,
}

/// Which parts of the output a write makes again.
#[derive(Debug, Clone)]
struct Plan {
    /// Outputs (indexes into `site.outputs`) to look at; `None`: all of them.
    outputs: Option<Vec<usize>>,
    statics: bool,
    /// Languages whose search index is made again.
    search: Vec<Lang>,
    /// Whether a language of `search` whose documents changed keeps its previous index for
    /// now (see `Engine::start_all`).
    defer_search: bool,
}

/// A usage error (exit 2): the command asks for something qostil refuses to do.
pub fn usage_error(message: String) -> Diagnostics {
    Diagnostic::global(message).with_code("usage").into()
}

fn config_key(config: &Config) -> u64 {
    xxhash_rust::xxh3::xxh3_64(format!("{config:?}").as_bytes())
}

/// `serve`'s folder (under `.qostil/`, where only qostil writes) is brought back to what
/// its manifest lists. Serve saves its manifest when it stops and while the editor pauses,
/// not at every write (that would cost each edit the whole list); a serve killed in between
/// leaves files the manifest does not list. They may be pages the site no longer has, which
/// would be served as if they were current, and the writer would take the others for a
/// user's files and refuse to start.
fn remove_unsaved_outputs(target: &Path, manifest: &BuildCache) {
    let listed = |rel: &str| manifest.entries.contains_key(rel);
    for rel in crate::output::foreign_files(target, &listed, usize::MAX) {
        let _ = std::fs::remove_file(target.join(rel));
    }
}

/// The site root (canonical) and the output folder (absolute, normalised) of `options`.
fn output_target(options: &BuildOptions) -> Result<(PathBuf, PathBuf), Diagnostics> {
    let root = std::fs::canonicalize(&options.root).map_err(|e| {
        usage_error(format!(
            "--root {}: cannot open the site folder: {e}",
            options.root.display()
        ))
    })?;
    let target = match &options.output {
        Some(out) => std::path::absolute(out).unwrap_or_else(|_| out.clone()),
        None => root.join("public"),
    };
    let target = crate::build::normalize_lexically(&target);
    Ok((root, target))
}

impl Engine {
    /// Loads the site for a build into `options.output` (default `public/`): checks that the
    /// output folder is one qostil may write, then runs the start-up. `keep_docs` keeps the
    /// documents for `apply`; `private_output` marks an output under `.qostil/`.
    pub fn open(
        options: &BuildOptions,
        locales: &Arc<Locales>,
        keep_docs: bool,
        private_output: bool,
        progress: &dyn Progress,
    ) -> Result<Engine, Diagnostics> {
        progress.stage("loading", 0);
        let (root, target) = output_target(options)?;
        if !private_output {
            let shown = options.output.as_deref().unwrap_or(&target);
            crate::build::check_output_folder(&root, &target, shown)?;
        }
        crate::output::cache::remove_stale_temporaries(&root);
        let config = load_site_config(&root, options.base_url.as_deref())?;
        // Taken before the manifest is read: a second build into the same folder waits for
        // the first to have written its files and its manifest.
        let lock = if private_output {
            None
        } else {
            let say = |text: &str| progress.note(text);
            let wait = crate::output::lock::IfHeld::Wait(&say);
            Some(crate::output::lock::lock_output(
                &root,
                &target,
                "qostil build",
                wait,
            )?)
        };
        let mut manifest = BuildCache::load(&root, &target);
        if options.clean {
            manifest.remove(&root, &config.languages).map_err(|e| {
                Diagnostic::global(format!(
                    "cannot remove the caches in {}/: {e}",
                    crate::output::cache::CACHE_DIR
                ))
            })?;
        }
        if private_output {
            remove_unsaved_outputs(&target, &manifest);
        } else {
            refuse_foreign_folder(&root, &target, &manifest)?;
        }
        let documents_cache = crate::output::cache::documents_path(&root);
        let key = config_key(&config);
        let loaded = load(
            &root,
            config,
            &Publish::at_build_moment(options.drafts, options.future)?,
            locales,
            Some(&documents_cache),
            keep_docs,
            progress,
        )?;
        let (reads, structure) = if keep_docs {
            (
                vec![None; loaded.site.outputs.len()],
                loaded.site.structure_key(),
            )
        } else {
            (Vec::new(), 0)
        };
        Ok(Engine {
            options: BuildOptions {
                root,
                output: Some(target.clone()),
                ..options.clone()
            },
            target,
            locales: Arc::clone(locales),
            site: loaded.site,
            renderer: loaded.renderer,
            config_key: key,
            docs: loaded.docs,
            static_files: loaded.static_files,
            manifest,
            // The first write is `write_all`, which makes both.
            statics: Vec::new(),
            photo_files: Vec::new(),
            photos_key: None,
            search: BTreeMap::new(),
            private_output,
            pending: BTreeSet::new(),
            unfinished: BTreeSet::new(),
            reads,
            structure,
            track_reads: keep_docs,
            quick_keys_behind: false,
            _lock: lock,
        })
    }

    pub fn root(&self) -> &Path {
        &self.options.root
    }

    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Learns what up to `max` outputs read (see `reads`) by preparing their contexts, for
    /// outputs that were kept from an earlier run without being prepared; writes nothing.
    /// `serve` calls it while the editor pauses, so that the first title edit after a warm
    /// start looks only at the outputs that show the page. Returns whether any remain.
    pub fn learn_reads(&mut self, max: usize) -> bool {
        use rayon::prelude::*;
        let unknown: Vec<usize> = (0..self.reads.len())
            .filter(|&i| {
                self.reads[i].is_none()
                    && crate::render::template_name(&self.site.outputs[i].kind).is_some()
            })
            .take(max)
            .collect();
        let (site, renderer) = (&self.site, &self.renderer);
        let learned: Vec<(usize, Option<Vec<crate::site::PageId>>)> = unknown
            .par_iter()
            .map(|&i| {
                let (prepared, read) =
                    crate::site::reading(|| renderer.prepare(site, &site.outputs[i]).is_ok());
                (i, prepared.then_some(read))
            })
            .collect();
        let mut progress = false;
        for (i, read) in learned {
            progress |= read.is_some();
            self.reads[i] = read;
        }
        progress && unknown.len() == max
    }

    /// The search index files of the output once `langs` have the new `files`.
    fn search_files_with(&self, langs: &[Lang], files: &[Saved]) -> BTreeMap<Lang, Vec<String>> {
        let mut search = self.search.clone();
        for lang in langs {
            search.insert(*lang, Vec::new());
        }
        for file in files {
            if let Some(list) = lang_of_search_file(&file.path).and_then(|l| search.get_mut(&l)) {
                list.push(file.path.clone());
            }
        }
        search
    }

    /// Static files in the output.
    pub fn static_count(&self) -> usize {
        self.statics.len()
    }

    pub fn renderer(&self) -> &Renderer {
        &self.renderer
    }

    /// Writes the whole output: every output, the static files and the search indexes.
    pub fn write_all(&mut self, progress: &dyn Progress) -> Result<WriteReport, Diagnostics> {
        self.write_everything(false, progress)
    }

    /// `serve`'s start: `write_all`, except that a language whose documents changed since
    /// the last serve keeps the search index that serve left (when it is whole) instead of
    /// waiting for a new one; those languages are in the report's `search_stale`, for serve
    /// to refresh in the background as it does after an edit.
    pub fn start_all(&mut self, progress: &dyn Progress) -> Result<WriteReport, Diagnostics> {
        self.write_everything(true, progress)
    }

    fn write_everything(
        &mut self,
        defer_search: bool,
        progress: &dyn Progress,
    ) -> Result<WriteReport, Diagnostics> {
        let search = if self.renderer.has_template("search.html") {
            self.site.config.languages.clone()
        } else {
            Vec::new()
        };
        self.write(
            Plan {
                outputs: None,
                statics: true,
                search,
                defer_search,
            },
            progress,
        )
    }

    /// Renders and writes what `plan` names through a staging folder, keeps everything else
    /// of the output as it is, removes the files qostil wrote that the site no longer has,
    /// and records the new manifest. On any error the output folder is as it was.
    fn write(&mut self, plan: Plan, progress: &dyn Progress) -> Result<WriteReport, Diagnostics> {
        let staging = Staging::begin(&self.target).map_err(|e| {
            Diagnostic::global(format!(
                "cannot create a staging folder beside {}: {e}",
                self.target.display()
            ))
        })?;
        let root = self.options.root.clone();
        progress.stage("static files", 0);
        let statics = if plan.statics {
            copy_static(&root, &self.static_files, &staging)?
        } else {
            let photo_files: BTreeSet<&String> = self.photo_files.iter().collect();
            let statics = self.statics.iter().filter(|p| !photo_files.contains(p));
            statics.cloned().collect()
        };
        // Bundle files and photo variants: copied when they may have changed (the photos'
        // key names every file and size), else kept where they are.
        let photos = Arc::clone(&self.site.photos);
        let photo_files = if plan.statics || self.photos_key != Some(photos.key) {
            copy_static(&root, &photos.files, &staging)?
        } else {
            self.photo_files.clone()
        };
        let mut statics = statics;
        statics.extend(photo_files.iter().cloned());
        statics.sort();
        statics.dedup();
        let all: Vec<usize>;
        let outputs = match &plan.outputs {
            Some(list) => list.as_slice(),
            None => {
                all = (0..self.site.outputs.len()).collect();
                &all
            }
        };
        let written = write::render_outputs(
            &self.site,
            &self.renderer,
            &staging,
            &self.manifest,
            outputs,
            self.track_reads,
            progress,
        )?;
        let reads = written.reads;
        let mut search = self.search.clone();
        let mut saved = written.saved;
        let mut search_stale = Vec::new();
        if !plan.search.is_empty() {
            progress.stage("search index", plan.search.len() as u64);
            let (files, deferred) = write::write_search_indexes_or_defer(
                &self.site,
                &root,
                &staging,
                &self.manifest,
                &plan.search,
                plan.defer_search,
                progress,
            )?;
            search = self.search_files_with(&plan.search, &files);
            saved.extend(files);
            search_stale = deferred;
        }
        saved.extend(statics.iter().map(|path| Saved {
            path: path.clone(),
            fingerprint: 0,
            quick: 0,
            stamp: None,
        }));
        progress.stage("writing", 0);
        let outputs_changed = plan.outputs.is_none();
        let counts = (written.rendered, written.prepared, outputs.len());
        let mut report = self.commit(staging, saved, statics, search, outputs_changed, counts)?;
        report.search_stale = search_stale;
        self.quick_keys_behind |= plan.outputs.is_some();
        self.photo_files = photo_files;
        self.photos_key = Some(photos.key);
        for (i, read) in reads {
            if let Some(slot) = self.reads.get_mut(i) {
                *slot = Some(read);
            }
        }
        Ok(report)
    }
}

/// An existing output folder with files qostil has no record of writing is refused: a build
/// would mix its files with the user's (and, before this rule, removed them).
fn refuse_foreign_folder(
    root: &Path,
    target: &Path,
    manifest: &BuildCache,
) -> Result<(), Diagnostics> {
    if !target.is_dir() || manifest.found {
        return Ok(());
    }
    let foreign = crate::output::foreign_files(target, &|_| false, 5);
    if foreign.is_empty() {
        return Ok(());
    }
    let shown = crate::content::site_relative(root, target);
    Err(usage_error(format!(
        "{shown}: the output folder holds files qostil did not write ({}); \
         remove them, or choose another folder with --output",
        foreign.join(", ")
    )))
}
