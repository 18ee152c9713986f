//! Watching the site's sources with notify, debounced into batches: an editor's save (a
//! temporary file renamed over the original, backup and swap files, many events at once)
//! becomes one batch of the real files that changed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};

use crate::content::is_ignored_name;
use crate::engine::SOURCE_ROOTS;

/// A batch ends after this long without events…
const QUIET: Duration = Duration::from_millis(12);
/// …or this long after it began, so a never-ending stream of events still rebuilds.
const MAX_BATCH: Duration = Duration::from_millis(400);

pub struct SourceWatcher {
    watcher: RecommendedWatcher,
    events: Receiver<notify::Result<notify::Event>>,
    /// Canonical: notify reports paths under the path it was given, and every path is
    /// compared with this one.
    root: PathBuf,
    /// Source folders watched now, with their inode; one created, removed or replaced
    /// later is watched again.
    watched: BTreeMap<String, u64>,
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
    if crate::engine::SOURCE_FILES.contains(&first.as_str()) {
        return true;
    }
    SOURCE_ROOTS.contains(&first.as_str())
        && !rel
            .components()
            .any(|c| is_ignored_name(&c.as_os_str().to_string_lossy()))
}

impl SourceWatcher {
    /// Watches the site root (for `site.yaml` and source folders that appear later) and
    /// every source folder in it. `root` must be canonical.
    pub fn new(root: &Path) -> notify::Result<SourceWatcher> {
        let (tx, events) = channel();
        let mut watcher = notify::recommended_watcher(move |event| {
            let _ = tx.send(event);
        })?;
        watcher.watch(root, RecursiveMode::NonRecursive)?;
        let mut this = SourceWatcher {
            watcher,
            events,
            root: root.to_path_buf(),
            watched: BTreeMap::new(),
        };
        this.rewatch();
        Ok(this)
    }

    /// Brings the recursive watches in line with the source folders that exist now. A
    /// folder that is still the one watched keeps its watch: dropping and adding it again
    /// (a walk of the whole tree) would lose the edits made meanwhile (`content/` edited
    /// just after `static/` was created).
    fn rewatch(&mut self) {
        for dir in SOURCE_ROOTS {
            let path = self.root.join(dir);
            let now = std::fs::metadata(&path)
                .ok()
                .filter(std::fs::Metadata::is_dir)
                .map(|m| crate::paths::Stamp::of(&m).inode);
            let was = self.watched.get(*dir).copied();
            if now.is_some() && now == was {
                continue;
            }
            if was.is_some() {
                // Gone, or replaced by another folder of the same name.
                let _ = self.watcher.unwatch(&path);
                self.watched.remove(*dir);
            }
            if let Some(id) = now {
                if self.watcher.watch(&path, RecursiveMode::Recursive).is_ok() {
                    self.watched.insert((*dir).to_string(), id);
                }
            }
        }
    }

    /// The paths of an event that concern the sources; whether it created, removed or
    /// renamed a source folder itself.
    fn paths_of(&self, event: notify::Result<notify::Event>, into: &mut BTreeSet<PathBuf>) -> bool {
        let Ok(event) = event else {
            return false;
        };
        if matches!(event.kind, EventKind::Access(_)) {
            return false;
        }
        let mut top_level = false;
        for path in event.paths {
            if path.parent() == Some(self.root.as_path()) {
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
                top_level |= name.is_some_and(|n| SOURCE_ROOTS.contains(&n.as_str()));
            }
            if relevant(&self.root, &path) {
                into.insert(path);
            }
        }
        top_level
    }

    /// Waits up to `timeout` for a change; then gathers the rest of the burst. `None` when
    /// nothing relevant changed in time.
    pub fn next_batch(&mut self, timeout: Duration) -> Option<Vec<PathBuf>> {
        let mut batch = BTreeSet::new();
        let first = match self.events.recv_timeout(timeout) {
            Ok(event) => event,
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return None,
        };
        let mut top_level = self.paths_of(first, &mut batch);
        let started = Instant::now();
        loop {
            let left = MAX_BATCH.saturating_sub(started.elapsed());
            if left.is_zero() {
                break;
            }
            match self.events.recv_timeout(QUIET.min(left)) {
                Ok(event) => top_level |= self.paths_of(event, &mut batch),
                Err(_) => break,
            }
        }
        if top_level {
            self.rewatch();
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
