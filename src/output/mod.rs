//! Writing the site: every file goes into a staging folder beside the target, which replaces
//! the target only when the whole build succeeded. A failed build leaves the target as it was.

pub mod assets;
pub mod cache;
pub mod compress;
pub mod lock;

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::content::site_relative;
use crate::diag::{Diagnostic, Diagnostics};

/// A staging folder that is removed unless `commit` moves it in.
pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    committed: bool,
    /// Patch mode (the target exists): the staging folder holds only the files that changed,
    /// and `commit` moves them into the target and removes the files the site no longer has
    /// among those qostil wrote. Otherwise the staging folder becomes the target.
    patch: bool,
}

fn sibling(target: &Path, tag: &str) -> PathBuf {
    let name = target
        .file_name()
        .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    target.with_file_name(format!(".{name}.qostil-{tag}-{}", std::process::id()))
}

/// Whether a process with this id is running (a staging folder of a live build is not
/// removed). Where this cannot be known, every process counts as gone.
pub fn process_alive(pid: u32) -> bool {
    cfg!(target_os = "linux") && Path::new("/proc").join(pid.to_string()).exists()
}

/// Removes the staging and swap folders that killed builds into `target` left beside it
/// (`.public.qostil-new-<pid>`, `.public.qostil-old-<pid>` of a process that is gone).
fn remove_leftovers(target: &Path) {
    let (Some(parent), Some(name)) = (target.parent(), target.file_name()) else {
        return;
    };
    let prefix = format!(".{}.qostil-", name.to_string_lossy());
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    for entry in fs::read_dir(parent).into_iter().flatten().flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file_name.strip_prefix(&prefix) else {
            continue;
        };
        let pid = ["new-", "old-", "search-"]
            .iter()
            .find_map(|tag| rest.strip_prefix(tag)?.parse::<u32>().ok());
        if let Some(pid) = pid {
            if pid != std::process::id() && !process_alive(pid) {
                let _ = fs::remove_dir_all(entry.path());
            }
        }
    }
}

impl Staging {
    /// Starts writing an output into `target`: a whole new tree when there is no target yet,
    /// else a patch of the existing folder (which keeps every file qostil did not write).
    pub fn begin(target: &Path) -> io::Result<Staging> {
        Staging::begin_tagged(target, "new")
    }

    /// `begin` with a staging folder of its own name, for a second write that runs beside
    /// the first (serve's search index refresh).
    pub fn begin_tagged(target: &Path, tag: &str) -> io::Result<Staging> {
        remove_leftovers(target);
        let dir = sibling(target, tag);
        if dir.exists() {
            fs::remove_dir_all(&dir)?;
        }
        if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent)?;
        }
        fs::create_dir(&dir)?;
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
            committed: false,
            patch: target.is_dir(),
        })
    }

    /// Whether this output patches an existing folder (files kept stay where they are).
    pub fn is_patch(&self) -> bool {
        self.patch
    }

    /// Writes `bytes` at `rel` unless, in patch mode, the previous output already has them.
    pub fn write_if_changed(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        if self.patch && fs::read(self.target.join(rel)).is_ok_and(|old| old == bytes) {
            return Ok(());
        }
        self.write(rel, bytes)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes `bytes` at `rel` (a `/`-separated path inside the output).
    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.dir.join(rel);
        match fs::write(&path, bytes) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                // The folder is missing: make it (once; `prepare_folders` made most).
                if let Some(parent) = path.parent() {
                    fs::create_dir_all(parent)?;
                }
                fs::write(path, bytes)
            }
            other => other,
        }
    }

    /// Creates the folders of the given files up front, each once, so that writing a file
    /// costs one system call instead of a folder check per file.
    pub fn prepare_folders<'a>(&self, files: impl Iterator<Item = &'a str>) -> io::Result<()> {
        if self.patch {
            // A patch holds few files; their folders are made as they are written.
            return Ok(());
        }
        let mut folders: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
        for file in files {
            let mut rest = file;
            while let Some(i) = rest.rfind('/') {
                rest = &rest[..i];
                if !folders.insert(rest) {
                    break;
                }
            }
        }
        // Sorted order creates every parent before its children.
        for folder in folders {
            match fs::create_dir(self.dir.join(folder)) {
                Err(e) if e.kind() != io::ErrorKind::AlreadyExists => return Err(e),
                _ => {}
            }
        }
        Ok(())
    }

    /// Keeps `rel` from the previous output (an unchanged file): in patch mode it stays where
    /// it is, else it is hard-linked into the new tree. `None` when that file is missing or is
    /// not as the last build left it, so the caller renders it instead; otherwise the file's
    /// stamp when it is known without reading it again.
    pub fn reuse(&self, rel: &str, expected: cache::FileStamp) -> Option<Option<cache::FileStamp>> {
        let from = self.target.join(rel);
        if cache::FileStamp::of_file(&from) != Some(expected) {
            return None;
        }
        if self.patch {
            return Some(Some(expected));
        }
        let to = self.dir.join(rel);
        let parent_ok = to.parent().is_none_or(|p| fs::create_dir_all(p).is_ok());
        // A new link changes the file's change time: its stamp is read again when saved.
        let linked =
            parent_ok && (fs::hard_link(&from, &to).is_ok() || fs::copy(&from, &to).is_ok());
        linked.then_some(None)
    }

    /// Makes the staged output the target. In patch mode, `remove` lists the files of the
    /// previous output (qostil's own, from its manifest) that the site no longer has, and
    /// `owned` every file qostil wrote there: a staged file that would replace a file qostil
    /// did not write is refused before anything moves.
    pub fn commit(
        self,
        remove: &[String],
        owned: &dyn Fn(&str) -> bool,
    ) -> Result<(), CommitError> {
        if self.patch {
            self.commit_patch(remove, owned)
        } else {
            self.commit_swap().map_err(CommitError::Io)
        }
    }

    /// Moves the changed files into the target, then removes the files the site no longer
    /// has and the folders that leaves empty.
    fn commit_patch(
        mut self,
        remove: &[String],
        owned: &dyn Fn(&str) -> bool,
    ) -> Result<(), CommitError> {
        let staged: Vec<(PathBuf, String)> = WalkDir::new(&self.dir)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| (e.path().to_path_buf(), site_relative(&self.dir, e.path())))
            .collect();
        let foreign: Vec<String> = staged
            .iter()
            .filter(|(_, rel)| !owned(rel) && fs::symlink_metadata(self.target.join(rel)).is_ok())
            .map(|(_, rel)| rel.clone())
            .collect();
        if !foreign.is_empty() {
            return Err(CommitError::Foreign(foreign));
        }
        for (from, rel) in &staged {
            let to = self.target.join(rel);
            if let Some(parent) = to.parent() {
                fs::create_dir_all(parent).map_err(CommitError::Io)?;
            }
            fs::rename(from, &to).map_err(CommitError::Io)?;
        }
        let mut emptied = std::collections::BTreeSet::new();
        for rel in remove {
            let path = self.target.join(rel);
            let is_file = fs::symlink_metadata(&path).is_ok_and(|m| !m.is_dir());
            if !is_file {
                continue;
            }
            match fs::remove_file(&path) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(CommitError::Io(e)),
                _ => {}
            }
            if let Some(parent) = path.parent() {
                emptied.insert(parent.to_path_buf());
            }
        }
        // Deepest first; a folder that still has files (a user's too) stays.
        for dir in emptied.iter().rev() {
            let mut dir = dir.clone();
            while dir != self.target && fs::remove_dir(&dir).is_ok() {
                if !dir.pop() {
                    break;
                }
            }
        }
        self.committed = true;
        fs::remove_dir_all(&self.dir).map_err(CommitError::Io)
    }

    /// Moves the staged tree into place as the target (which does not exist).
    fn commit_swap(mut self) -> io::Result<()> {
        fs::rename(&self.dir, &self.target)?;
        self.committed = true;
        Ok(())
    }
}

/// Why an output could not be moved into place.
#[derive(Debug)]
pub enum CommitError {
    Io(io::Error),
    /// Files the build would replace that qostil did not write.
    Foreign(Vec<String>),
}

impl std::fmt::Display for CommitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CommitError::Io(e) => write!(f, "{e}"),
            CommitError::Foreign(files) => write!(
                f,
                "would replace files qostil did not write: {}; move them away",
                files.iter().take(5).cloned().collect::<Vec<_>>().join(", ")
            ),
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// Files in an output folder that qostil has no record of writing: every file (and
/// symlink) whose path has no dot-named part (`.git/`, `.well-known/`, `.nojekyll` are the
/// user's and always kept) and that `owned` does not claim. At most `limit` of them.
pub fn foreign_files(target: &Path, owned: &dyn Fn(&str) -> bool, limit: usize) -> Vec<String> {
    let walker = WalkDir::new(target)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    walker
        .filter_map(Result::ok)
        .filter(|e| !e.file_type().is_dir())
        .map(|e| site_relative(target, e.path()))
        .filter(|rel| !owned(rel))
        .take(limit)
        .collect()
}

/// Static files by their path in the output (`style.css`), the site's `static/` replacing
/// the theme's file of the same name, with the file each comes from.
pub type StaticFiles = BTreeMap<String, PathBuf>;

/// The static files of a site (see `paths::static_files`), `.css` and `.js` files under
/// their fingerprinted names (see `assets`).
pub fn discover_static(root: &Path, theme: &str) -> Result<StaticFiles, Diagnostics> {
    let (files, _, errors) = assets::fingerprint(root, crate::paths::static_files(root, theme)?);
    let mut diags = Diagnostics::new();
    for e in errors {
        diags.push(e);
    }
    diags.into_result(files)
}

/// The fingerprinted static files of a site: logical path → published path. A file that
/// cannot be read is left out (`discover_static` reports it).
pub fn discover_assets(root: &Path, theme: &str) -> assets::AssetMap {
    crate::paths::static_files(root, theme)
        .map(|files| assets::fingerprint(root, files).1)
        .unwrap_or_default()
}

/// Static files by output path → their source relative to the site root (for messages).
pub fn static_sources(root: &Path, files: &StaticFiles) -> BTreeMap<String, String> {
    files
        .iter()
        .map(|(rel, path)| (rel.clone(), site_relative(root, path)))
        .collect()
}

/// Copies the static files into the output root (in patch mode, those that changed).
/// Returns their paths in the output.
pub fn copy_static(
    root: &Path,
    files: &StaticFiles,
    staging: &Staging,
) -> Result<Vec<String>, Diagnostics> {
    let mut diags = Diagnostics::new();
    for (rel, source) in files {
        let result = fs::read(source).and_then(|bytes| staging.write_if_changed(rel, &bytes));
        if let Err(e) = result {
            diags.push(Diagnostic::error(
                site_relative(root, source),
                format!("cannot copy to the output: {e}"),
            ));
        }
    }
    diags.into_result(files.keys().cloned().collect())
}
