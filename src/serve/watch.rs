//! Watching the site's sources with notify, debounced into batches: an editor's save (a
//! temporary file renamed over the original, backup and swap files, many events at once)
//! becomes one batch of the real files that changed.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};

use crate::content::is_ignored_name;

/// A batch ends after this long without events…
const QUIET: Duration = Duration::from_millis(12);
/// …or this long after it began, so a never-ending stream of events still rebuilds.
const MAX_BATCH: Duration = Duration::from_millis(400);

/// Folders watched recursively (when they exist), and `site.yaml` at the root.
pub const WATCHED: &[&str] = &["content", "themes", "templates", "static", "taxonomies"];

pub struct SourceWatcher {
    _watcher: RecommendedWatcher,
    events: Receiver<notify::Result<notify::Event>>,
    root: PathBuf,
}

fn relevant(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let mut components = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    let Some(first) = components.next() else {
        return false;
    };
    if first == crate::config::CONFIG_FILE {
        return true;
    }
    WATCHED.contains(&first.as_str())
        && !rel
            .components()
            .any(|c| is_ignored_name(&c.as_os_str().to_string_lossy()))
}

impl SourceWatcher {
    pub fn new(root: &Path) -> notify::Result<SourceWatcher> {
        let (tx, events) = channel();
        let mut watcher = notify::recommended_watcher(move |event| {
            let _ = tx.send(event);
        })?;
        watcher.watch(root, RecursiveMode::NonRecursive)?;
        for dir in WATCHED {
            let path = root.join(dir);
            if path.is_dir() {
                watcher.watch(&path, RecursiveMode::Recursive)?;
            }
        }
        Ok(SourceWatcher {
            _watcher: watcher,
            events,
            root: root.to_path_buf(),
        })
    }

    fn paths_of(&self, event: notify::Result<notify::Event>, into: &mut BTreeSet<PathBuf>) {
        let Ok(event) = event else {
            return;
        };
        if matches!(event.kind, EventKind::Access(_)) {
            return;
        }
        for path in event.paths {
            if relevant(&self.root, &path) {
                into.insert(path);
            }
        }
    }

    /// Waits up to `timeout` for a change; then gathers the rest of the burst. `None` when
    /// nothing relevant changed in time.
    pub fn next_batch(&self, timeout: Duration) -> Option<Vec<PathBuf>> {
        let mut batch = BTreeSet::new();
        let first = match self.events.recv_timeout(timeout) {
            Ok(event) => event,
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return None,
        };
        self.paths_of(first, &mut batch);
        let started = Instant::now();
        loop {
            let left = MAX_BATCH.saturating_sub(started.elapsed());
            if left.is_zero() {
                break;
            }
            match self.events.recv_timeout(QUIET.min(left)) {
                Ok(event) => self.paths_of(event, &mut batch),
                Err(_) => break,
            }
        }
        (!batch.is_empty()).then(|| batch.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sources_count() {
        let root = Path::new("/site");
        assert!(relevant(root, Path::new("/site/content/kk/x.md")));
        assert!(relevant(root, Path::new("/site/site.yaml")));
        assert!(relevant(
            root,
            Path::new("/site/themes/portal/static/style.css")
        ));
        assert!(!relevant(root, Path::new("/site/content/kk/.x.md.swp")));
        assert!(!relevant(root, Path::new("/site/content/kk/x.md~")));
        assert!(!relevant(root, Path::new("/site/public/index.html")));
        assert!(!relevant(root, Path::new("/site/.qostil/serve/index.html")));
    }
}
