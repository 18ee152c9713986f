//! The incremental engine behind `serve`: the last good site, its renderer and the
//! fingerprint of every output. A change set is mapped to the outputs it can affect; those
//! are fingerprinted again and only the ones whose inputs really changed are re-rendered and
//! rewritten. A failed rebuild changes nothing, so the last good output keeps being served.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::build::{build, load_site, BuildOptions};
use crate::content::{load_file, Document};
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::{Lang, Locales};
use crate::render::{xml, Renderer};
use crate::site::{OutputKind, PageId, PageKind, Site};

/// What a rebuild did, for the terminal line and the reload event.
#[derive(Debug, Default, Clone)]
pub struct Rebuild {
    /// Output files whose bytes changed (`kk/news/x/index.html`).
    pub changed: Vec<String>,
    /// Outputs that were fingerprinted again.
    pub checked: usize,
    /// Outputs re-rendered.
    pub rendered: usize,
    /// Only stylesheets changed: the browser can swap them without reloading.
    pub css_only: bool,
    /// Static files changed (served from disk, nothing to render).
    pub static_changed: bool,
    /// Outputs no open page shows (feeds): refreshed after the browser was told to reload,
    /// by `refresh_deferred`.
    pub deferred: Vec<usize>,
    /// Languages whose search index no longer matches the content.
    pub search_stale: BTreeSet<Lang>,
}

/// How a changed file relates to the site.
#[derive(Debug, PartialEq, Eq)]
enum FileKind {
    /// site.yaml, a vocabulary, UI strings: everything may change.
    Config,
    /// A template: outputs using it (by fingerprint) change.
    Template,
    Static,
    Content,
    Other,
}

pub struct State {
    options: BuildOptions,
    locales: Arc<Locales>,
    pub site: Site,
    renderer: Renderer,
    fingerprints: HashMap<String, u64>,
    /// Page → outputs that show its card or its content (lists, terms, home, feeds).
    dependents: Vec<Vec<usize>>,
    /// Page → its own output.
    page_output: Vec<usize>,
    /// Files whose change has not been applied yet (the last attempt failed).
    pending: BTreeSet<PathBuf>,
}

fn dependents_of(site: &Site) -> (Vec<Vec<usize>>, Vec<usize>) {
    let mut dependents = vec![Vec::new(); site.pages.len()];
    let mut page_output = vec![usize::MAX; site.pages.len()];
    for (i, output) in site.outputs.iter().enumerate() {
        let shown: Vec<PageId> = match &output.kind {
            OutputKind::Page(id) => {
                page_output[id.0] = i;
                continue;
            }
            OutputKind::Home(lang) => site.latest.get(lang).map_or_else(Vec::new, |l| {
                l.iter().take(site.config.paginate_by).copied().collect()
            }),
            OutputKind::SectionList { section, page_no } => {
                let s = site.section(*section);
                crate::render::views::page_slice(&s.pages, *page_no, s.paginate_by).to_vec()
            }
            OutputKind::TermList {
                taxonomy,
                term,
                page_no,
            } => {
                let pages = &site.taxonomies[*taxonomy].terms[term.0].pages;
                crate::render::views::page_slice(pages, *page_no, site.config.paginate_by).to_vec()
            }
            OutputKind::Feed { .. } => xml::feed_pages(site, &output.kind),
            _ => continue,
        };
        for id in shown {
            dependents[id.0].push(i);
        }
    }
    (dependents, page_output)
}

/// Fields that decide where a page is listed and what links to it: a change here
/// re-assembles the site.
fn structure_key(doc: &Document) -> String {
    let m = &doc.meta;
    format!(
        "{:?}|{}|{}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}",
        doc.lang,
        doc.dir,
        doc.stem,
        m.date,
        m.draft,
        m.slug,
        m.taxonomies,
        m.weight,
        m.translation_key,
        m.translated_from,
        m.aliases,
        (&m.sort_by, &m.paginate_by, &m.description),
        doc.is_index,
    )
}

/// Fields a card shows: a change here re-renders the lists that show the page.
fn card_key(doc: &Document) -> String {
    let m = &doc.meta;
    format!(
        "{:?}|{}|{:?}|{:?}|{:?}|{:?}",
        m.title, doc.summary, m.updated, m.author, m.image, m.source
    )
}

impl State {
    /// Builds the site into the serve folder and keeps what incremental rebuilds need.
    pub fn new(options: BuildOptions) -> Result<State, Diagnostics> {
        let locales = Arc::new(Locales::new().map_err(Diagnostic::global)?);
        let built = build(&options, &locales, &crate::progress::Silent)?;
        let (dependents, page_output) = dependents_of(&built.site);
        Ok(State {
            options,
            locales,
            site: built.site,
            renderer: built.renderer,
            fingerprints: built
                .saved
                .into_iter()
                .map(|s| (s.path, s.fingerprint))
                .collect(),
            dependents,
            page_output,
            pending: BTreeSet::new(),
        })
    }

    pub fn output_dir(&self) -> PathBuf {
        self.options
            .output
            .clone()
            .unwrap_or_else(|| self.options.root.join("public"))
    }

    fn classify(&self, path: &Path) -> FileKind {
        let Ok(rel) = path.strip_prefix(&self.options.root) else {
            return FileKind::Other;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        let theme = format!("themes/{}/", self.site.config.theme);
        if rel == crate::config::CONFIG_FILE
            || rel.starts_with("taxonomies/")
            || rel.starts_with(&format!("{theme}i18n/"))
        {
            FileKind::Config
        } else if rel.starts_with("templates/") || rel.starts_with(&format!("{theme}templates/")) {
            FileKind::Template
        } else if rel.starts_with("static/") || rel.starts_with(&format!("{theme}static/")) {
            FileKind::Static
        } else if rel.starts_with("content/") {
            FileKind::Content
        } else {
            FileKind::Other
        }
    }

    /// Applies a batch of changed paths. On error nothing changes and the paths are kept
    /// to be applied with the next batch.
    pub fn apply(&mut self, changed: &[PathBuf]) -> Result<Rebuild, Diagnostics> {
        self.pending.extend(changed.iter().cloned());
        let paths: Vec<PathBuf> = self.pending.iter().cloned().collect();
        let kinds: Vec<FileKind> = paths.iter().map(|p| self.classify(p)).collect();
        let mut rebuild = Rebuild::default();
        if kinds.contains(&FileKind::Config) {
            rebuild = self.rebuild_everything()?;
        } else if kinds.contains(&FileKind::Template) {
            rebuild = self.apply_templates()?;
        } else {
            let content: Vec<&PathBuf> = paths
                .iter()
                .zip(&kinds)
                .filter(|(_, k)| **k == FileKind::Content)
                .map(|(p, _)| p)
                .collect();
            if !content.is_empty() {
                rebuild = self.apply_content(&content)?;
            }
        }
        let statics: Vec<&PathBuf> = paths
            .iter()
            .zip(&kinds)
            .filter(|(_, k)| **k == FileKind::Static)
            .map(|(p, _)| p)
            .collect();
        rebuild.static_changed = !statics.is_empty();
        for path in &statics {
            self.update_static(path)?;
        }
        rebuild.css_only = rebuild.changed.is_empty()
            && !statics.is_empty()
            && statics
                .iter()
                .all(|p| p.extension().is_some_and(|x| x == "css"));
        self.pending.clear();
        Ok(rebuild)
    }

    /// Copies a changed static file into the output (the site's `static/` wins over the
    /// theme's), or removes it when it is gone from both.
    fn update_static(&self, path: &Path) -> Result<(), Diagnostics> {
        let root = &self.options.root;
        let site_static = root.join("static");
        let theme_static = root
            .join("themes")
            .join(&self.site.config.theme)
            .join("static");
        let rel = match (
            path.strip_prefix(&site_static),
            path.strip_prefix(&theme_static),
        ) {
            (Ok(rel), _) | (_, Ok(rel)) => rel.to_path_buf(),
            _ => return Ok(()),
        };
        let target = self.output_dir().join(&rel);
        let source = [site_static.join(&rel), theme_static.join(&rel)]
            .into_iter()
            .find(|p| p.is_file());
        let result = match source {
            Some(src) => std::fs::read(&src).and_then(|bytes| write_replacing(&target, &bytes)),
            None => match std::fs::remove_file(&target) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
                _ => Ok(()),
            },
        };
        result.map_err(|e| {
            Diagnostic::error(
                crate::content::site_relative(root, path),
                format!("cannot copy: {e}"),
            )
            .into()
        })
    }

    /// Templates changed: every output is fingerprinted again with the new templates' hashes,
    /// so only the outputs whose template (or one it uses) changed are re-rendered.
    fn apply_templates(&mut self) -> Result<Rebuild, Diagnostics> {
        let renderer = Renderer::new(
            &self.options.root,
            &self.site.config,
            Arc::clone(&self.locales),
        )?;
        if renderer.has_template("search.html") != self.renderer.has_template("search.html") {
            return self.rebuild_everything();
        }
        // Only outputs whose template, or a template it uses, changed can change.
        let affected: Vec<usize> = self
            .site
            .outputs
            .iter()
            .enumerate()
            .filter(|(_, o)| {
                crate::render::template_name(&o.kind)
                    .is_some_and(|t| self.renderer.template_hash(t) != renderer.template_hash(t))
            })
            .map(|(i, _)| i)
            .collect();
        let old = std::mem::replace(&mut self.renderer, renderer);
        self.refresh(&affected).inspect_err(|_| self.renderer = old)
    }

    /// site.yaml, vocabularies or UI strings changed: load and assemble again, then
    /// re-render what the fingerprints say changed.
    fn rebuild_everything(&mut self) -> Result<Rebuild, Diagnostics> {
        let site = load_site(
            &self.options.root,
            self.options.base_url.as_deref(),
            self.options.drafts,
            &self.locales,
        )?;
        let renderer = Renderer::new(&self.options.root, &site.config, Arc::clone(&self.locales))?;
        self.replace_site(site, Some(renderer))
    }

    fn replace_site(
        &mut self,
        mut site: Site,
        renderer: Option<Renderer>,
    ) -> Result<Rebuild, Diagnostics> {
        crate::build::drop_search_without_template(
            &mut site,
            renderer.as_ref().unwrap_or(&self.renderer),
        );
        let old_files: BTreeSet<String> = self.site.outputs.iter().map(|o| o.file_path()).collect();
        let old_site = std::mem::replace(&mut self.site, site);
        let old_renderer = renderer.map(|r| std::mem::replace(&mut self.renderer, r));
        let all: Vec<usize> = (0..self.site.outputs.len()).collect();
        match self.refresh(&all) {
            Ok(mut rebuild) => {
                rebuild.search_stale = self.site.config.languages.iter().copied().collect();
                let new_files: BTreeSet<String> =
                    self.site.outputs.iter().map(|o| o.file_path()).collect();
                let out = self.output_dir();
                for gone in old_files.difference(&new_files) {
                    let _ = std::fs::remove_file(out.join(gone));
                    self.fingerprints.remove(gone);
                    rebuild.changed.push(gone.clone());
                }
                let (dependents, page_output) = dependents_of(&self.site);
                self.dependents = dependents;
                self.page_output = page_output;
                Ok(rebuild)
            }
            Err(e) => {
                self.site = old_site;
                if let Some(r) = old_renderer {
                    self.renderer = r;
                }
                Err(e)
            }
        }
    }

    /// Content files changed. Edits that leave every page where it was are applied in
    /// place and touch only the page and the outputs that show it; anything else
    /// re-assembles the site.
    fn apply_content(&mut self, paths: &[&PathBuf]) -> Result<Rebuild, Diagnostics> {
        let root = self.options.root.clone();
        let mut diags = Diagnostics::new();
        let mut updates: Vec<(PageId, Document)> = Vec::new();
        let mut structural = false;
        for path in paths {
            let source = crate::content::site_relative(&root, path);
            let current = self.site.pages.iter().position(|p| p.doc.source == source);
            let loaded = if path.exists() {
                load_file(&root, path, &self.site.config)
            } else {
                None
            };
            let is_index = path.file_stem().is_some_and(|s| s == "_index");
            match (current, loaded) {
                (_, Some(Err(d))) => diags.extend(d),
                // Not a page and not one now: an editor's temporary file, or no Markdown.
                (None, None) if !is_index && !self.was_page_source(&source) => {}
                (Some(id), Some(Ok(doc))) => {
                    let old = &self.site.pages[id].doc;
                    let page = &self.site.pages[id];
                    if page.kind != PageKind::Article
                        || structure_key(old) != structure_key(&doc)
                        || (doc.meta.draft && !self.options.drafts)
                    {
                        structural = true;
                    } else {
                        updates.push((PageId(id), doc));
                    }
                }
                // Added, removed, an `_index.md`, or a draft: the structure changes.
                _ => structural = true,
            }
        }
        if diags.has_errors() {
            return Err(diags);
        }
        if structural {
            let site = load_site(
                &root,
                self.options.base_url.as_deref(),
                self.options.drafts,
                &self.locales,
            )?;
            return self.replace_site(site, None);
        }
        let mut affected: BTreeSet<usize> = BTreeSet::new();
        for (id, doc) in &updates {
            affected.insert(self.page_output[id.0]);
            let card_changed = card_key(&self.site.pages[id.0].doc) != card_key(doc);
            for &output in &self.dependents[id.0] {
                let is_feed = matches!(self.site.outputs[output].kind, OutputKind::Feed { .. });
                if card_changed || is_feed {
                    affected.insert(output);
                }
            }
        }
        let previous: Vec<(PageId, Document)> = updates
            .into_iter()
            .map(|(id, doc)| (id, std::mem::replace(&mut self.site.pages[id.0].doc, doc)))
            .collect();
        let (feeds, pages): (Vec<usize>, Vec<usize>) = affected
            .into_iter()
            .filter(|i| *i != usize::MAX)
            .partition(|i| matches!(self.site.outputs[*i].kind, OutputKind::Feed { .. }));
        let langs = previous.iter().map(|(id, _)| self.site.page(*id).lang());
        let search_stale = langs.collect();
        match self.refresh(&pages) {
            Ok(mut r) => {
                r.deferred = feeds;
                r.search_stale = search_stale;
                Ok(r)
            }
            Err(e) => {
                for (id, doc) in previous {
                    self.site.pages[id.0].doc = doc;
                }
                Err(e)
            }
        }
    }

    /// Refreshes outputs a rebuild deferred (see `Rebuild::deferred`).
    pub fn refresh_deferred(&mut self, outputs: &[usize]) -> Result<Rebuild, Diagnostics> {
        let outputs: Vec<usize> = outputs
            .iter()
            .copied()
            .filter(|i| *i < self.site.outputs.len())
            .collect();
        self.refresh(&outputs)
    }

    /// Whether a document with this source took part in the site (a page, or a section's
    /// `_index.md`), so that its removal changes the structure.
    fn was_page_source(&self, source: &str) -> bool {
        self.site
            .sections
            .iter()
            .any(|s| s.index.as_ref().is_some_and(|d| d.source == source))
    }

    /// Fingerprints the given outputs and re-renders those that changed; writes each
    /// changed file beside its target and renames it into place.
    fn refresh(&mut self, outputs: &[usize]) -> Result<Rebuild, Diagnostics> {
        let out = self.output_dir();
        let site = &self.site;
        let renderer = &self.renderer;
        let fingerprints = &self.fingerprints;
        let results: Vec<Result<Option<Rendered>, Diagnostic>> = outputs
            .par_iter()
            .map(|&i| {
                let output = &site.outputs[i];
                let path = output.file_path();
                let previous = fingerprints.get(&path).copied();
                match renderer.render_changed(site, output, previous)? {
                    (_, None) => Ok(None),
                    (fingerprint, Some(text)) => Ok(Some((path, fingerprint, text))),
                }
            })
            .collect();
        let mut diags = Diagnostics::new();
        let mut rendered: Vec<Rendered> = Vec::new();
        for r in results {
            match r {
                Ok(Some(x)) => rendered.push(x),
                Ok(None) => {}
                Err(d) => diags.push(d),
            }
        }
        if diags.has_errors() {
            diags.sort();
            return Err(diags);
        }
        let mut rebuild = Rebuild {
            checked: outputs.len(),
            rendered: rendered.len(),
            ..Rebuild::default()
        };
        for (path, fingerprint, text) in rendered {
            let target = out.join(&path);
            let unchanged = std::fs::read(&target).is_ok_and(|old| old == text);
            if !unchanged {
                write_replacing(&target, &text)
                    .map_err(|e| Diagnostic::global(format!("cannot write {path}: {e}")))?;
                rebuild.changed.push(path.clone());
            }
            if let Some(f) = fingerprint {
                self.fingerprints.insert(path, f);
            }
        }
        rebuild.changed.sort();
        Ok(rebuild)
    }

    /// Starts writing the search indexes of `langs` again (after their content changed) on
    /// a thread of its own, from a copy of the site, so that edits keep being previewed
    /// meanwhile. `None` when the theme has no search.
    pub fn refresh_search(
        &self,
        langs: BTreeSet<Lang>,
    ) -> Option<std::thread::JoinHandle<Result<usize, Diagnostics>>> {
        if !self.renderer.has_template("search.html") || langs.is_empty() {
            return None;
        }
        let site = self.site.clone();
        let root = self.options.root.clone();
        let out = self.output_dir();
        Some(std::thread::spawn(move || {
            run_in_background();
            // One core at most, and only when the preview does not need it.
            match rayon::ThreadPoolBuilder::new()
                .num_threads(1)
                .start_handler(|_| run_in_background())
                .build()
            {
                Ok(pool) => pool.install(|| write_search(&site, &root, &out, &langs)),
                Err(_) => write_search(&site, &root, &out, &langs),
            }
        }))
    }

    /// Every output file of the site (for tests and the translation desk).
    pub fn output_files(&self) -> BTreeMap<String, usize> {
        self.site
            .outputs
            .iter()
            .enumerate()
            .map(|(i, o)| (o.file_path(), i))
            .collect()
    }
}

/// Lowers the calling thread's priority so that it runs only on a core nothing else wants:
/// the search index is rebuilt while the editor works, and a save must be previewed at once
/// even on a two-core machine. Best effort: where the scheduler refuses, it runs as before.
fn run_in_background() {
    #[cfg(target_os = "linux")]
    // SAFETY: plain system calls on the calling thread (pid 0 = this thread on Linux), with a
    // valid, initialised parameter; they touch no memory of ours beyond reading `param`.
    unsafe {
        let param = libc::sched_param { sched_priority: 0 };
        if libc::sched_setscheduler(0, libc::SCHED_IDLE, &param) != 0 {
            libc::setpriority(libc::PRIO_PROCESS, 0, 19);
        }
    }
}

/// Writes the search indexes of `langs` into `out`; files of the old index that the new one
/// lacks are removed.
fn write_search(
    site: &Site,
    root: &Path,
    out: &Path,
    langs: &BTreeSet<Lang>,
) -> Result<usize, Diagnostics> {
    let mut written = 0;
    for &lang in langs {
        let files = crate::search::build_index(site, root, lang)?;
        let keep: BTreeSet<PathBuf> = files.iter().map(|(p, _)| out.join(p)).collect();
        for (path, bytes) in &files {
            let target = out.join(path);
            if std::fs::read(&target).is_ok_and(|old| old == *bytes) {
                continue;
            }
            write_replacing(&target, bytes)
                .map_err(|e| Diagnostic::global(format!("cannot write {path}: {e}")))?;
            written += 1;
        }
        for part in ["s", "d", "t"] {
            let dir = out.join(lang.code()).join("search").join(part);
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                if !keep.contains(&entry.path()) {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        }
    }
    Ok(written)
}

/// A re-rendered output: its file, fingerprint and text.
type Rendered = (String, Option<u64>, Vec<u8>);

/// Writes beside the target and renames, so a reader never sees half a file.
fn write_replacing(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let tmp = target.with_extension(format!("qostil-tmp-{}", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, target)
}
