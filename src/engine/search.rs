//! `serve`'s search index refresh: made on a thread of its own while the editor pauses, then
//! moved into the output through the engine's commit like any other write.

use super::{write, Engine, WriteReport};
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::Lang;
use crate::output::cache::Saved;
use crate::output::Staging;

impl Engine {
    /// Starts making the search indexes of `langs` again on a thread of its own, at idle
    /// priority and on one core, from a copy of the site: `serve` keeps previewing edits
    /// meanwhile. `finish_search` moves the result in. `None` when the theme has no search.
    pub fn start_search(&self, langs: Vec<Lang>) -> Option<SearchJob> {
        if !self.renderer.has_template("search.html") || langs.is_empty() {
            return None;
        }
        let site = self.site.clone();
        let root = self.options.root.clone();
        let manifest = self.manifest.clone();
        let target = self.target.clone();
        let job_langs = langs.clone();
        let handle = std::thread::spawn(move || {
            run_in_background();
            let work = || -> Result<(Staging, Vec<Saved>), Diagnostics> {
                let staging = Staging::begin_tagged(&target, "search").map_err(|e| {
                    Diagnostic::global(format!("cannot stage the search index: {e}"))
                })?;
                let files = write::write_search_indexes(
                    &site,
                    &root,
                    &staging,
                    &manifest,
                    &job_langs,
                    &crate::progress::Silent,
                )?;
                Ok((staging, files))
            };
            match rayon::ThreadPoolBuilder::new()
                .num_threads(1)
                .start_handler(|_| run_in_background())
                .build()
            {
                Ok(pool) => pool.install(work),
                Err(_) => work(),
            }
        });
        Some(SearchJob { handle, langs })
    }

    /// Moves a finished search index into the output (see `start_search`).
    pub fn finish_search(&mut self, job: SearchJob) -> Result<WriteReport, Diagnostics> {
        let (staging, files) = job
            .handle
            .join()
            .map_err(|_| Diagnostic::global("the search index refresh stopped"))??;
        let search = self.search_files_with(&job.langs, &files);
        let statics = self.statics.clone();
        self.commit(staging, files, statics, search, false, (0, 0, 0))
    }
}

/// A search index being made on a thread of its own (see `Engine::start_search`).
pub struct SearchJob {
    handle: std::thread::JoinHandle<Result<(Staging, Vec<Saved>), Diagnostics>>,
    langs: Vec<Lang>,
}

impl SearchJob {
    pub fn is_finished(&self) -> bool {
        self.handle.is_finished()
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
