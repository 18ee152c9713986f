//! The build cache in `<root>/.qostil/`: the fingerprint of every file of the last successful
//! build. A file whose fingerprint is unchanged is hard-linked from the previous output
//! instead of being rendered again; the result is the same bytes.

use std::collections::HashMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The folder the cache lives in, at the site root.
pub const CACHE_DIR: &str = ".qostil";
const HEADER: &str = "qostil build cache 3";

/// What the cache knows of one output file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub fingerprint: u64,
    /// The output's quick key (`Renderer::quick_key`), 0 if it has none.
    pub quick: u64,
    /// The file as the build left it: a file edited since then is not reused.
    pub stamp: FileStamp,
}

/// Size and modification time of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStamp {
    pub len: u64,
    pub modified_ns: u128,
}

impl FileStamp {
    pub fn of(path: &Path) -> Option<FileStamp> {
        let meta = fs::metadata(path).ok()?;
        let modified = meta.modified().ok()?;
        let modified_ns = modified
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?
            .as_nanos();
        Some(FileStamp {
            len: meta.len(),
            modified_ns,
        })
    }
}

/// What a build records of one file it left in the output.
#[derive(Debug, Clone)]
pub struct Saved {
    pub path: String,
    pub fingerprint: u64,
    pub quick: u64,
    /// The file's stamp when the build knows it (a reused file), else it is read at saving.
    pub stamp: Option<FileStamp>,
}

#[derive(Debug, Default)]
pub struct BuildCache {
    /// Output file path (relative, `/`-separated) → what the last build wrote there.
    pub entries: HashMap<String, Entry>,
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

impl BuildCache {
    /// The cache of the last build into `target`, if there is one for this version of qostil
    /// and that output folder still exists. Anything unexpected means no cache.
    pub fn load(root: &Path, target: &Path) -> BuildCache {
        let Ok(text) = fs::read_to_string(cache_path(root, target)) else {
            return BuildCache::default();
        };
        let mut lines = text.lines();
        let header_ok = lines.next() == Some(HEADER)
            && lines.next() == Some(env!("CARGO_PKG_VERSION"))
            && lines.next() == Some(absolute(target).as_str());
        if !header_ok || !target.is_dir() {
            return BuildCache::default();
        }
        let mut entries = HashMap::new();
        for line in lines {
            let mut parts = line.splitn(5, ' ');
            let parsed = (|| {
                let fingerprint = u64::from_str_radix(parts.next()?, 16).ok()?;
                let quick = u64::from_str_radix(parts.next()?, 16).ok()?;
                let len = parts.next()?.parse().ok()?;
                let modified_ns = parts.next()?.parse().ok()?;
                let path = parts.next()?.to_string();
                Some((
                    path,
                    Entry {
                        fingerprint,
                        quick,
                        stamp: FileStamp { len, modified_ns },
                    },
                ))
            })();
            let Some((path, entry)) = parsed else {
                return BuildCache::default();
            };
            entries.insert(path, entry);
        }
        BuildCache { entries }
    }

    /// Writes the fingerprints of a successful build, with each file's stamp as it is now in
    /// `target` (written beside, then renamed, so a crash leaves the old cache or none).
    pub fn save(root: &Path, target: &Path, entries: &[Saved]) -> io::Result<()> {
        let dir = root.join(CACHE_DIR);
        fs::create_dir_all(&dir)?;
        let path = cache_path(root, target);
        let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
        let mut out = io::BufWriter::new(fs::File::create(&tmp)?);
        writeln!(
            out,
            "{HEADER}\n{}\n{}",
            env!("CARGO_PKG_VERSION"),
            absolute(target)
        )?;
        for saved in entries {
            let stamp = saved
                .stamp
                .or_else(|| FileStamp::of(&target.join(&saved.path)));
            if let Some(stamp) = stamp {
                writeln!(
                    out,
                    "{:016x} {:016x} {} {} {}",
                    saved.fingerprint, saved.quick, stamp.len, stamp.modified_ns, saved.path
                )?;
            }
        }
        out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        fs::rename(&tmp, path)
    }

    /// Forgets the cache of builds into `target`, the documents and the languages' search
    /// terms (`--clean`).
    pub fn remove(root: &Path, target: &Path, languages: &[crate::lang::Lang]) -> io::Result<()> {
        let terms = languages.iter().map(|&lang| terms_path(root, lang));
        let caches = [cache_path(root, target), documents_path(root)];
        for path in caches.into_iter().chain(terms) {
            match fs::remove_file(path) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        BuildCache::remove(root.path(), &target, &[]).unwrap();
        assert!(BuildCache::load(root.path(), &target).entries.is_empty());
    }
}
