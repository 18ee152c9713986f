//! Writing the site: every file goes into a staging folder beside the target, which replaces
//! the target only when the whole build succeeded. A failed build leaves the target as it was.

pub mod cache;

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::content::site_relative;
use crate::diag::{Diagnostic, Diagnostics};

/// A staging folder that is removed unless `commit` swaps it in.
pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    committed: bool,
    /// Patch mode: the staging folder holds only the files that changed, and `commit`
    /// moves them into the target and removes what the site no longer has.
    patch: bool,
}

fn sibling(target: &Path, tag: &str) -> PathBuf {
    let name = target
        .file_name()
        .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    target.with_file_name(format!(".{name}.qostil-{tag}-{}", std::process::id()))
}

impl Staging {
    pub fn begin(target: &Path) -> io::Result<Staging> {
        let dir = sibling(target, "new");
        if dir.exists() {
            fs::remove_dir_all(&dir)?;
        }
        if let Some(parent) = dir.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::create_dir(&dir)?;
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
            committed: false,
            patch: false,
        })
    }

    /// A staging folder for a build that changes the previous output in place once it has
    /// succeeded: a rebuild after a small edit then costs little more than the edit.
    pub fn begin_patch(target: &Path) -> io::Result<Staging> {
        let mut staging = Staging::begin(target)?;
        staging.patch = target.is_dir();
        Ok(staging)
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

    /// Hard-links `rel` from the previous output (an unchanged file). `false` when that file
    /// is missing or is not as the last build left it, so the caller renders it instead.
    pub fn reuse(&self, rel: &str, expected: cache::FileStamp) -> bool {
        let from = self.target.join(rel);
        let to = self.dir.join(rel);
        if cache::FileStamp::of(&from) != Some(expected) {
            return false;
        }
        if self.patch {
            // The file stays where it is.
            return true;
        }
        let parent_ok = to.parent().is_none_or(|p| fs::create_dir_all(p).is_ok());
        parent_ok && (fs::hard_link(&from, &to).is_ok() || fs::copy(&from, &to).is_ok())
    }

    /// Makes the staged output the target. `expected` lists every file of the new output
    /// (patch mode removes the others).
    pub fn commit(self, expected: &std::collections::BTreeSet<String>) -> io::Result<()> {
        if self.patch {
            self.commit_patch(expected)
        } else {
            self.commit_swap()
        }
    }

    /// Moves the changed files into the target, then removes the files the site no longer
    /// has and the folders that leaves empty.
    fn commit_patch(mut self, expected: &std::collections::BTreeSet<String>) -> io::Result<()> {
        for entry in WalkDir::new(&self.dir).into_iter().filter_map(Result::ok) {
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = site_relative(&self.dir, entry.path());
            let to = self.target.join(&rel);
            if let Some(parent) = to.parent() {
                fs::create_dir_all(parent)?;
            }
            fs::rename(entry.path(), &to)?;
        }
        let mut emptied = std::collections::BTreeSet::new();
        for rel in files_in(&self.target, "") {
            if !expected.contains(&rel) {
                let path = self.target.join(&rel);
                fs::remove_file(&path)?;
                if let Some(parent) = path.parent() {
                    emptied.insert(parent.to_path_buf());
                }
            }
        }
        // Deepest first; a folder that still has files stays.
        for dir in emptied.iter().rev() {
            let mut dir = dir.clone();
            while dir != self.target && fs::remove_dir(&dir).is_ok() {
                if !dir.pop() {
                    break;
                }
            }
        }
        self.committed = true;
        fs::remove_dir_all(&self.dir)
    }

    /// Replaces the target with the staged output: the old target is moved aside, the new
    /// one renamed into place, the old one removed.
    fn commit_swap(mut self) -> io::Result<()> {
        let old = sibling(&self.target, "old");
        if old.exists() {
            fs::remove_dir_all(&old)?;
        }
        let had_target = self.target.exists();
        if had_target {
            fs::rename(&self.target, &old)?;
        }
        if let Err(e) = fs::rename(&self.dir, &self.target) {
            if had_target {
                // Put the previous output back so the target is never left missing.
                let _ = fs::rename(&old, &self.target);
            }
            return Err(e);
        }
        self.committed = true;
        if had_target {
            remove_tree_in_parallel(&old)?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// Every file (anything but a folder) under `dir`, as `/`-separated paths inside it prefixed
/// with `prefix`. Folders are read in parallel: an output has one per page, and reading them
/// is system-call bound.
fn files_in(dir: &Path, prefix: &str) -> Vec<String> {
    use rayon::prelude::*;
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files = Vec::new();
    let mut folders = Vec::new();
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel = format!("{prefix}{name}");
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            folders.push((entry.path(), rel + "/"));
        } else {
            files.push(rel);
        }
    }
    let nested: Vec<Vec<String>> = folders
        .par_iter()
        .map(|(path, rel)| files_in(path, rel))
        .collect();
    files.extend(nested.into_iter().flatten());
    files
}

/// Removes a folder tree, its top-level entries in parallel: deleting tens of thousands of
/// files is system-call bound, and the cores are otherwise idle at this point.
fn remove_tree_in_parallel(dir: &Path) -> io::Result<()> {
    use rayon::prelude::*;
    let entries: Vec<PathBuf> = fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.par_iter().try_for_each(|path| {
        if path.is_dir() && !path.is_symlink() {
            fs::remove_dir_all(path)
        } else {
            fs::remove_file(path)
        }
    })?;
    fs::remove_dir(dir)
}

/// Static files by their path in the output (`style.css`), the site's `static/` replacing
/// the theme's file of the same name, with the file each comes from.
pub fn discover_static(root: &Path, theme: &str) -> Result<BTreeMap<String, PathBuf>, Diagnostics> {
    crate::paths::static_files(root, theme)
}

/// Copies the static files into the output root (in patch mode, those that changed).
/// Returns their paths in the output.
pub fn copy_static(
    root: &Path,
    theme: &str,
    staging: &Staging,
) -> Result<Vec<String>, Diagnostics> {
    let files = discover_static(root, theme)?;
    let mut diags = Diagnostics::new();
    for (rel, source) in &files {
        let result = fs::read(source).and_then(|bytes| staging.write_if_changed(rel, &bytes));
        if let Err(e) = result {
            diags.push(Diagnostic::error(
                site_relative(root, source),
                format!("cannot copy to the output: {e}"),
            ));
        }
    }
    diags.into_result(files.into_keys().collect())
}
