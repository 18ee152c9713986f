//! The build cache in `<root>/.qostil/`: the fingerprint of every file of the last successful
//! build. A file whose fingerprint is unchanged is hard-linked from the previous output
//! instead of being rendered again; the result is the same bytes.

use std::collections::HashMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The folder the cache lives in, at the site root.
pub const CACHE_DIR: &str = ".qostil";
const HEADER: &str = "qostil build cache 1";

#[derive(Debug, Default)]
pub struct BuildCache {
    /// Output file path (relative, `/`-separated) → fingerprint.
    pub entries: HashMap<String, u64>,
}

/// One cache file per output folder, so `build` and `serve` do not evict each other.
fn cache_path(root: &Path, target: &Path) -> PathBuf {
    let id = xxhash_rust::xxh3::xxh3_64(absolute(target).as_bytes());
    root.join(CACHE_DIR).join(format!("build-cache-{id:016x}"))
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
            let Some((hex, path)) = line.split_once(' ') else {
                return BuildCache::default();
            };
            let Ok(fingerprint) = u64::from_str_radix(hex, 16) else {
                return BuildCache::default();
            };
            entries.insert(path.to_string(), fingerprint);
        }
        BuildCache { entries }
    }

    /// Writes the fingerprints of a successful build (written beside, then renamed, so a
    /// crash leaves the old cache or none, never half of one).
    pub fn save(root: &Path, target: &Path, entries: &[(String, u64)]) -> io::Result<()> {
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
        for (path, fingerprint) in entries {
            writeln!(out, "{fingerprint:016x} {path}")?;
        }
        out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        fs::rename(&tmp, path)
    }

    /// Forgets the cache of builds into `target` (`--clean`).
    pub fn remove(root: &Path, target: &Path) -> io::Result<()> {
        match fs::remove_file(cache_path(root, target)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
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
        let entries = vec![("kk/index.html".to_string(), 42u64)];
        BuildCache::save(root.path(), &target, &entries).unwrap();
        assert_eq!(
            BuildCache::load(root.path(), &target).entries["kk/index.html"],
            42
        );
        let other = root.path().join("other");
        fs::create_dir(&other).unwrap();
        assert!(BuildCache::load(root.path(), &other).entries.is_empty());
        BuildCache::remove(root.path(), &target).unwrap();
        assert!(BuildCache::load(root.path(), &target).entries.is_empty());
    }
}
