//! The build cache in `<root>/.qostil/`: every file the last successful build into an output
//! folder wrote there, with its fingerprint and its stamp. It is two things:
//! - the manifest of that output folder: qostil removes or replaces only files listed here
//!   (see `output`), so a user's own files in the folder survive every build;
//! - a cache: a file whose fingerprint is unchanged is kept (or hard-linked) from the previous
//!   output instead of being rendered again; the result is the same bytes.
//!
//! A cache written by another version of qostil still serves as the manifest, never as a
//! cache. A file whose stamp changed since it was written (edited behind qostil's back) is
//! never kept.

use std::collections::HashMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The folder the cache lives in, at the site root.
pub const CACHE_DIR: &str = ".qostil";
const HEADER: &str = "qostil build cache 5";

/// What the cache knows of one output file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub fingerprint: u64,
    /// The output's quick key (`Renderer::quick_key`), 0 if it has none.
    pub quick: u64,
    /// The file as the build left it: a file edited since then is not reused.
    pub stamp: FileStamp,
}

/// The output files' stamps are the same as the sources' (see `paths::Stamp`).
pub use crate::paths::Stamp as FileStamp;

/// What a build records of one file it left in the output.
#[derive(Debug, Clone)]
pub struct Saved {
    pub path: String,
    pub fingerprint: u64,
    pub quick: u64,
    /// The file's stamp when the build knows it (a reused file), else it is read at saving.
    pub stamp: Option<FileStamp>,
}

#[derive(Debug, Default, Clone)]
pub struct BuildCache {
    /// Output file path (relative, `/`-separated) → what the last build wrote there.
    pub entries: HashMap<String, Entry>,
    /// Whether the entries' keys may be trusted (the same version of qostil wrote them);
    /// otherwise they are only the manifest.
    pub reusable: bool,
    /// Whether a manifest was found: the output folder is qostil's last output.
    pub found: bool,
}

/// One cache file per output folder, so `build` and `serve` do not evict each other.
fn cache_path(root: &Path, target: &Path) -> PathBuf {
    let id = xxhash_rust::xxh3::xxh3_64(absolute(target).as_bytes());
    root.join(CACHE_DIR).join(format!("build-cache-{id:016x}"))
}

/// Where a language's search terms cache lives (see `search::terms`): one per site, as it
/// depends on the sources alone.
pub fn terms_path(root: &Path, lang: crate::lang::Lang) -> PathBuf {
    root.join(CACHE_DIR).join(format!("search-terms-{lang}"))
}

/// Where the documents cache lives (see `content::cache`).
pub fn documents_path(root: &Path) -> PathBuf {
    root.join(CACHE_DIR).join("documents")
}

fn absolute(path: &Path) -> String {
    std::path::absolute(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .to_string_lossy()
        .into_owned()
}

/// Removes the temporary files (`<cache>.tmp-<pid>`) that killed builds left in `.qostil/`.
pub fn remove_stale_temporaries(root: &Path) {
    for entry in fs::read_dir(root.join(CACHE_DIR))
        .into_iter()
        .flatten()
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some((_, pid)) = name.rsplit_once(".tmp-") else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if pid != std::process::id() && !crate::output::process_alive(pid) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// `<checksum> <fingerprint> <quick> <len> <modified> <changed> <inode> <path>`, the
/// checksum (xxh3) over the rest of the line. A line whose checksum does not match still
/// names a file qostil wrote, but its keys and stamp are not trusted: it is never reused.
fn parse_line(line: &str) -> Option<(String, Entry)> {
    let (checksum, rest) = line.split_once(' ')?;
    let intact = u64::from_str_radix(checksum, 16)
        .is_ok_and(|c| c == xxhash_rust::xxh3::xxh3_64(rest.as_bytes()));
    if !intact {
        let path = rest.splitn(7, ' ').nth(6)?.to_string();
        let entry = Entry {
            fingerprint: 0,
            quick: 0,
            stamp: FileStamp::unknown(),
        };
        return Some((path, entry));
    }
    let mut parts = rest.splitn(7, ' ');
    let fingerprint = u64::from_str_radix(parts.next()?, 16).ok()?;
    let quick = u64::from_str_radix(parts.next()?, 16).ok()?;
    let stamp_text = [parts.next()?, parts.next()?, parts.next()?, parts.next()?].join(" ");
    let stamp = FileStamp::parse(&stamp_text)?;
    let path = parts.next()?.to_string();
    Some((
        path,
        Entry {
            fingerprint,
            quick,
            stamp,
        },
    ))
}

impl BuildCache {
    /// The cache of the last build into `target`, if there is one. A cache of another version
    /// of qostil is only a manifest; so is a damaged line.
    pub fn load(root: &Path, target: &Path) -> BuildCache {
        let Ok(text) = fs::read_to_string(cache_path(root, target)) else {
            return BuildCache::default();
        };
        let mut lines = text.lines();
        let header_ok = lines.next() == Some(HEADER);
        let same_version = lines.next() == Some(env!("CARGO_PKG_VERSION"));
        let same_target = lines.next() == Some(absolute(target).as_str());
        if !header_ok || !same_target {
            return BuildCache::default();
        }
        let mut entries = HashMap::new();
        // A line that does not parse at all is left out; the rest still tell which files
        // qostil wrote.
        for (path, entry) in lines.filter_map(parse_line) {
            entries.insert(path, entry);
        }
        BuildCache {
            entries,
            reusable: same_version && target.is_dir(),
            found: true,
        }
    }

    /// Every entry as a build records it (for saving the manifest again).
    pub fn to_saved(&self) -> Vec<Saved> {
        self.entries
            .iter()
            .map(|(path, e)| Saved {
                path: path.clone(),
                fingerprint: e.fingerprint,
                quick: e.quick,
                stamp: Some(e.stamp),
            })
            .collect()
    }

    /// The entry of `path` when its keys can be trusted.
    pub fn reusable(&self, path: &str) -> Option<Entry> {
        if self.reusable {
            self.entries.get(path).copied()
        } else {
            None
        }
    }

    /// Writes the manifest and keys of a build, with each file's stamp as it is now in
    /// `target` unless the build knows it. Every path is listed, even one whose file is missing
    /// (it is then never reused). Written beside, then renamed, so a crash leaves the old
    /// manifest or the new one; a failed write leaves no temporary file.
    pub fn save(root: &Path, target: &Path, entries: &[Saved]) -> io::Result<()> {
        let dir = root.join(CACHE_DIR);
        fs::create_dir_all(&dir)?;
        let path = cache_path(root, target);
        let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
        let result = write_lines(&tmp, target, entries).and_then(|()| fs::rename(&tmp, &path));
        if result.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        result
    }

    /// Forgets the documents and the languages' search terms caches, and makes the build
    /// cache a manifest only (`--clean`): the record of what qostil wrote is kept, since it
    /// decides which files of the output qostil may remove.
    pub fn remove(&mut self, root: &Path, languages: &[crate::lang::Lang]) -> io::Result<()> {
        self.reusable = false;
        let terms = languages.iter().map(|&lang| terms_path(root, lang));
        for path in std::iter::once(documents_path(root)).chain(terms) {
            match fs::remove_file(path) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
        Ok(())
    }
}

fn write_lines(tmp: &Path, target: &Path, entries: &[Saved]) -> io::Result<()> {
    let mut out = io::BufWriter::new(fs::File::create(tmp)?);
    writeln!(
        out,
        "{HEADER}\n{}\n{}",
        env!("CARGO_PKG_VERSION"),
        absolute(target)
    )?;
    let unknown = FileStamp::unknown();
    for saved in entries {
        if saved.path.contains(['\n', '\r']) {
            continue;
        }
        let stamp = saved
            .stamp
            .or_else(|| FileStamp::of_file(&target.join(&saved.path)))
            .unwrap_or(unknown);
        let rest = format!(
            "{:016x} {:016x} {stamp} {}",
            saved.fingerprint, saved.quick, saved.path
        );
        let checksum = xxhash_rust::xxh3::xxh3_64(rest.as_bytes());
        writeln!(out, "{checksum:016x} {rest}")?;
    }
    out.into_inner().map_err(|e| e.into_error())?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_changed_by_hand_is_owned_but_never_reused() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("public");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("a.html"), "x").unwrap();
        let entries = vec![Saved {
            path: "a.html".to_string(),
            fingerprint: 42,
            quick: 7,
            stamp: None,
        }];
        BuildCache::save(root.path(), &target, &entries).unwrap();
        let path = cache_path(root.path(), &target);
        let text = fs::read_to_string(&path).unwrap();
        // The quick key changed (still well-formed): the checksum no longer matches.
        let tampered = text.replace(" 0000000000000007 ", " 0000000000000008 ");
        assert_ne!(tampered, text);
        fs::write(&path, tampered).unwrap();
        let loaded = BuildCache::load(root.path(), &target);
        assert!(loaded.found);
        assert_eq!(loaded.entries["a.html"].stamp, FileStamp::unknown());
        assert_eq!(loaded.entries["a.html"].quick, 0);
    }

    #[test]
    fn round_trips_and_rejects_another_output() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("public");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("kk.html"), "x").unwrap();
        let entries = vec![Saved {
            path: "kk.html".to_string(),
            fingerprint: 42,
            quick: 7,
            stamp: None,
        }];
        BuildCache::save(root.path(), &target, &entries).unwrap();
        let loaded = BuildCache::load(root.path(), &target);
        assert_eq!(loaded.entries["kk.html"].fingerprint, 42);
        assert_eq!(loaded.entries["kk.html"].quick, 7);
        assert_eq!(loaded.entries["kk.html"].stamp.len, 1);
        let other = root.path().join("other");
        fs::create_dir(&other).unwrap();
        assert!(BuildCache::load(root.path(), &other).entries.is_empty());
        let mut loaded = loaded;
        loaded.remove(root.path(), &[]).unwrap();
        assert!(loaded.reusable("kk.html").is_none());
        assert!(BuildCache::load(root.path(), &target).found);
    }
}
