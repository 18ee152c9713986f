//! Committing a staged write: the files move into the output, the files qostil wrote that
//! the site no longer has are removed, and the manifest (`output::cache`) is brought up to
//! date — saved before anything moves as well, listing old and new files, so that a build
//! killed at any point leaves a manifest that covers every file qostil wrote.

use std::collections::{BTreeMap, BTreeSet};

use super::{usage_error, Engine, WriteReport};
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::Lang;
use crate::output::cache::{BuildCache, Entry, FileStamp, Saved};
use crate::output::{compress, CommitError, Staging};

impl Engine {
    /// Moves a staged write into the output and brings the manifest up to date. Before
    /// anything moves, a manifest that lists the old and the new files is saved, so that a
    /// crash at any point leaves a manifest that covers every file qostil wrote.
    pub(super) fn commit(
        &mut self,
        staging: Staging,
        saved: Vec<Saved>,
        statics: Vec<String>,
        search: BTreeMap<Lang, Vec<String>>,
        outputs_changed: bool,
        counts: (usize, usize, usize),
    ) -> Result<WriteReport, Diagnostics> {
        let (rendered, prepared, checked) = counts;
        let remove = self.files_to_remove(outputs_changed, &statics, &search);
        let mut saved = saved;
        if self.site.config.compress {
            saved.extend(self.compress_output(&staging, &saved, &remove)?);
        }
        let staged = staged_files(&staging);
        if !self.private_output {
            let mut union = self.manifest.to_saved();
            union.extend(saved.iter().map(|s| Saved {
                stamp: Some(FileStamp::unknown()),
                ..s.clone()
            }));
            BuildCache::save(&self.options.root, &self.target, &union).map_err(|e| {
                Diagnostic::global(format!(
                    "cannot record the output in {}/: {e}; nothing was written",
                    crate::output::cache::CACHE_DIR
                ))
            })?;
        }
        let owned = |rel: &str| self.manifest.entries.contains_key(rel);
        staging.commit(&remove, &owned).map_err(|e| match e {
            CommitError::Foreign(_) => usage_error(format!("{}: {e}", self.target.display())),
            CommitError::Io(e) => {
                Diagnostic::global(format!("cannot write {}: {e}", self.target.display())).into()
            }
        })?;
        let entries = &mut self.manifest.entries;
        for path in &remove {
            entries.remove(path);
        }
        for s in saved {
            let stamp = s
                .stamp
                .or_else(|| FileStamp::of_file(&self.target.join(&s.path)))
                .unwrap_or_else(FileStamp::unknown);
            entries.insert(
                s.path,
                Entry {
                    fingerprint: s.fingerprint,
                    quick: s.quick,
                    stamp,
                },
            );
        }
        let files = entries.len();
        self.manifest.reusable = true;
        self.manifest.found = true;
        if !self.private_output {
            // The output is complete; a manifest that cannot be saved leaves the one saved
            // above, which still lists every file, so only the next build's time suffers.
            let _ = self.save_manifest();
        }
        self.statics = statics;
        self.search = search;
        let mut changed = staged;
        changed.extend(remove);
        changed.sort();
        Ok(WriteReport {
            changed,
            checked,
            rendered,
            prepared,
            files,
            search_stale: Vec::new(),
        })
    }

    /// The files of the output qostil wrote that the site no longer has. When the site's
    /// outputs are the ones it had (`outputs_changed` false), only static and search files
    /// can have gone, which spares a comparison of every output on each edit.
    fn files_to_remove(
        &self,
        outputs_changed: bool,
        statics: &[String],
        search: &BTreeMap<Lang, Vec<String>>,
    ) -> Vec<String> {
        let mut remove: Vec<String> = if outputs_changed {
            let output_paths: Vec<String> =
                self.site.outputs.iter().map(|o| o.file_path()).collect();
            let expected: BTreeSet<&str> = output_paths
                .iter()
                .map(String::as_str)
                .chain(statics.iter().map(String::as_str))
                .chain(search.values().flatten().map(String::as_str))
                .collect();
            // A compressed companion stays while its file does and `compress` is on.
            let kept_companion = |p: &str| {
                self.site.config.compress
                    && compress::companion_source(p).is_some_and(|s| expected.contains(s))
            };
            self.manifest
                .entries
                .keys()
                .filter(|p| !expected.contains(p.as_str()) && !kept_companion(p))
                .cloned()
                .collect()
        } else {
            let now: BTreeSet<&String> = statics.iter().chain(search.values().flatten()).collect();
            let gone: Vec<&String> = self
                .statics
                .iter()
                .chain(self.search.values().flatten())
                .filter(|p| !now.contains(p))
                .collect();
            let companions = gone.iter().flat_map(|p| compress::companions(p));
            let companions: Vec<String> = companions
                .filter(|c| self.manifest.entries.contains_key(c))
                .collect();
            gone.into_iter().cloned().chain(companions).collect()
        };
        remove.sort();
        remove
    }

    /// Writes the `.gz` and `.br` of every text file the output will hold whose file was
    /// written by this write, or whose companion is missing or not as qostil left it; the
    /// companions of unchanged files stay without being compressed again.
    fn compress_output(
        &self,
        staging: &Staging,
        saved: &[Saved],
        remove: &[String],
    ) -> Result<Vec<Saved>, Diagnostics> {
        use rayon::prelude::*;
        let removed: BTreeSet<&str> = remove.iter().map(String::as_str).collect();
        let mut files: BTreeSet<&str> = self
            .manifest
            .entries
            .keys()
            .map(String::as_str)
            .filter(|p| !removed.contains(p))
            .collect();
        files.extend(saved.iter().map(|s| s.path.as_str()));
        let mut jobs: Vec<(String, &str, bool)> = Vec::new();
        for file in files.into_iter().filter(|p| compress::is_text(p)) {
            let fresh = staging.dir().join(file).is_file();
            for companion in compress::companions(file) {
                let kept = !fresh
                    && self
                        .manifest
                        .entries
                        .get(&companion)
                        .is_some_and(|e| staging.reuse(&companion, e.stamp).is_some());
                if !kept {
                    jobs.push((companion, file, fresh));
                }
            }
        }
        let results: Vec<Result<Saved, Diagnostic>> = jobs
            .par_iter()
            .map(|(companion, file, fresh)| {
                let from = if *fresh { staging.dir() } else { &self.target };
                let ext = companion.rsplit('.').next().unwrap_or("gz");
                std::fs::read(from.join(file))
                    .and_then(|bytes| staging.write(companion, &compress::compress(ext, &bytes)))
                    .map(|()| Saved {
                        path: companion.clone(),
                        fingerprint: 0,
                        quick: 0,
                        stamp: None,
                    })
                    .map_err(|e| Diagnostic::global(format!("cannot write {companion}: {e}")))
            })
            .collect();
        let mut diags = Diagnostics::new();
        let mut written = Vec::new();
        for result in results {
            match result {
                Ok(s) => written.push(s),
                Err(d) => diags.push(d),
            }
        }
        diags.into_result(written)
    }

    /// Saves the manifest and keys of the output (`.qostil/build-cache-…`), its quick keys
    /// brought up to date first, so that the next start finds every output as a build of the
    /// same sources would have left it.
    pub fn save_manifest(&mut self) -> std::io::Result<()> {
        self.refresh_quick_keys();
        BuildCache::save(&self.options.root, &self.target, &self.manifest.to_saved())
    }

    /// After writes that looked at only some of the outputs (`serve`'s edits), the outputs
    /// left alone still carry the quick keys they were written with, and a quick key holds
    /// the whole site's key (`render::site_key`), which a title or summary edit changes: the
    /// next start would prepare and fingerprint every output to find them all unchanged.
    /// Every output is as a build of the current site makes it (the edits left alone only
    /// outputs whose inputs did not change; `tests/engine_edits.rs`), so each takes the
    /// quick key of its current inputs. The fingerprints need nothing: an output left alone
    /// has the same context, hence the same fingerprint.
    fn refresh_quick_keys(&mut self) {
        use rayon::prelude::*;
        if !std::mem::take(&mut self.quick_keys_behind) {
            return;
        }
        let (site, renderer) = (&self.site, &self.renderer);
        let site_key = crate::render::site_key(site);
        // An output still to be written (`unfinished`) keeps the key it was written with.
        let unfinished = &self.unfinished;
        let keys: Vec<(String, u64)> = site
            .outputs
            .par_iter()
            .enumerate()
            .filter(|(i, _)| !unfinished.contains(i))
            .map(|(_, o)| {
                let quick = renderer.quick_key(site, site_key, o).unwrap_or(0);
                (o.file_path(), quick)
            })
            .collect();
        for (path, quick) in keys {
            if let Some(entry) = self.manifest.entries.get_mut(&path) {
                entry.quick = quick;
            }
        }
    }
}

/// The files a staging folder holds (what a commit changes), as output paths.
pub(super) fn staged_files(staging: &Staging) -> Vec<String> {
    walkdir::WalkDir::new(staging.dir())
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| crate::content::site_relative(staging.dir(), e.path()))
        .collect()
}

/// `kk/search/s/ab.json` → kk; the search page itself (`kk/search/index.html`) is an output.
pub(super) fn lang_of_search_file(path: &str) -> Option<Lang> {
    let (lang, rest) = path.split_once('/')?;
    let rest = rest.strip_prefix("search/")?;
    if rest == "index.html" {
        return None;
    }
    lang.parse().ok()
}
