//! The site's input files on disk: one directory walker for content, templates and static
//! files, reading a file as UTF-8, and naming a path relative to the site root.
//!
//! The walker is sorted and skips hidden files, editor backups and swap files. It never
//! drops a file silently: a symbolic link that leads out of the site, a file name that is
//! not valid UTF-8 or holds a backslash, and an unreadable entry are errors; a FIFO, socket
//! or device is skipped with a warning.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diag::{line_col, Diagnostic, Diagnostics};

/// What identifies a version of a file without reading it: size, modification and change
/// times, inode. Writing a file, or replacing it by a rename, changes its change time, which
/// no tool can set back (`touch -r` restores only the modification time). The documents
/// cache and the build cache both compare files by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub len: u64,
    pub modified_ns: u128,
    pub changed_ns: u128,
    pub inode: u64,
}

impl Stamp {
    pub fn of(meta: &std::fs::Metadata) -> Stamp {
        let modified_ns = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        #[cfg(unix)]
        let (changed_ns, inode) = {
            use std::os::unix::fs::MetadataExt;
            let changed = i128::from(meta.ctime()) * 1_000_000_000 + i128::from(meta.ctime_nsec());
            (u128::try_from(changed).unwrap_or(0), meta.ino())
        };
        #[cfg(not(unix))]
        let (changed_ns, inode) = (0, 0);
        Stamp {
            len: meta.len(),
            modified_ns,
            changed_ns,
            inode,
        }
    }

    /// The stamp of the regular file at `path` (a link is not followed); `None` for
    /// anything else or a missing file.
    pub fn of_file(path: &Path) -> Option<Stamp> {
        let meta = std::fs::symlink_metadata(path).ok()?;
        meta.is_file().then(|| Stamp::of(&meta))
    }

    /// A stamp no file has: an entry with it is never reused.
    pub fn unknown() -> Stamp {
        Stamp {
            len: 0,
            modified_ns: 0,
            changed_ns: 0,
            inode: 0,
        }
    }

    /// Reads the `Display` form back: `<len> <modified> <changed> <inode>`.
    pub fn parse(text: &str) -> Option<Stamp> {
        let mut parts = text.split(' ');
        let stamp = Stamp {
            len: parts.next()?.parse().ok()?,
            modified_ns: parts.next()?.parse().ok()?,
            changed_ns: parts.next()?.parse().ok()?,
            inode: parts.next()?.parse().ok()?,
        };
        parts.next().is_none().then_some(stamp)
    }
}

impl std::fmt::Display for Stamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} {} {}",
            self.len, self.modified_ns, self.changed_ns, self.inode
        )
    }
}

/// One regular file found by `walk_files`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkedFile {
    /// The path to open (under the walked folder, links not resolved).
    pub path: PathBuf,
    /// Path inside the walked folder with `/` separators: `news/x.md`.
    pub rel: String,
    /// Path inside the site root with `/` separators: `content/kk/news/x.md`.
    pub source: String,
}

/// Hidden files, editor backups and swap files are not site files.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913"
}

/// The regular files under `dir` (a folder inside the site `root`), sorted by name, ignored
/// names left out. Problems go to `diags`: errors for what the site cannot use as it is,
/// warnings for special files, which are skipped. A missing `dir` has no files.
pub fn walk_files(root: &Path, dir: &Path, diags: &mut Diagnostics) -> Vec<WalkedFile> {
    walk(root, dir, None, diags)
}

/// `walk_files` for `content/<lang>/`: a file named just `.md` would be hidden, but it is
/// surely meant as content (an import or a rename gone wrong), so it is an error instead.
pub fn walk_content(root: &Path, dir: &Path, diags: &mut Diagnostics) -> Vec<WalkedFile> {
    walk(root, dir, Some(".md"), diags)
}

fn walk(
    root: &Path,
    dir: &Path,
    reported: Option<&str>,
    diags: &mut Diagnostics,
) -> Vec<WalkedFile> {
    if !dir.is_dir() {
        return Vec::new();
    }
    let site = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut walker = WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            e.depth() == 0 || !is_ignored_name(&name) || reported == Some(&*name)
        });
    let mut files = Vec::new();
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let file = e.path().unwrap_or(dir);
                diags.push(Diagnostic::error(
                    display_relative(root, file),
                    format!("cannot read: {e}"),
                ));
                continue;
            }
        };
        if entry.depth() == 0 {
            continue;
        }
        if reported.is_some_and(|r| entry.file_name() == r) {
            diags.push(Diagnostic::error(
                site_relative(root, entry.path()),
                "a file named just `.md` is hidden and not built; give it a name (`x.md`)",
            ));
            continue;
        }
        if let Some(d) = check_entry(root, &site, &entry) {
            let error = d.is_error();
            diags.push(d);
            if error && entry.file_type().is_dir() {
                walker.skip_current_dir();
            }
            continue;
        }
        if entry.file_type().is_file() {
            files.push(WalkedFile {
                path: entry.path().to_path_buf(),
                rel: site_relative(dir, entry.path()),
                source: site_relative(root, entry.path()),
            });
        }
    }
    files
}

/// What is wrong with one walked entry, if anything: a bad name, a link out of the site,
/// or a file that is neither a regular file nor a folder.
fn check_entry(root: &Path, site: &Path, entry: &walkdir::DirEntry) -> Option<Diagnostic> {
    let path = entry.path();
    let name = entry.file_name();
    let Some(text) = name.to_str() else {
        return Some(Diagnostic::error(
            display_relative(root, path),
            "the file name is not valid UTF-8 (bad bytes shown as \\xNN); rename it",
        ));
    };
    if text.contains('\\') {
        return Some(Diagnostic::error(
            display_relative(root, path),
            "the file name holds a backslash, which URLs cannot carry; rename it",
        ));
    }
    if entry.path_is_symlink() {
        let target = path.canonicalize().ok()?;
        if !target.starts_with(site) {
            return Some(Diagnostic::error(
                site_relative(root, path),
                format!(
                    "a symbolic link to {}, outside the site: copy the file into the site instead",
                    target.display()
                ),
            ));
        }
    }
    let kind = entry.file_type();
    if kind.is_file() || kind.is_dir() {
        return None;
    }
    Some(Diagnostic::warning(
        site_relative(root, path),
        format!(
            "not a regular file ({}); skipped",
            special_kind(entry.file_type())
        ),
    ))
}

#[cfg(unix)]
fn special_kind(kind: std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_block_device() || kind.is_char_device() {
        "a device"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn special_kind(_kind: std::fs::FileType) -> &'static str {
    "a special file"
}

/// Static files by their path in the output (`style.css`), the site's `static/` replacing
/// the theme's file of the same name, with the file each comes from.
pub fn static_files(root: &Path, theme: &str) -> Result<BTreeMap<String, PathBuf>, Diagnostics> {
    let mut diags = Diagnostics::new();
    let mut files = BTreeMap::new();
    for dir in [
        root.join("themes").join(theme).join("static"),
        root.join("static"),
    ] {
        for file in walk_files(root, &dir, &mut diags) {
            files.insert(file.rel, file.path);
        }
    }
    diags.into_result(files)
}

/// `root/content/kk/x.md` → `content/kk/x.md` (with `/` separators).
pub fn site_relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// `site_relative` for a path that may not be valid UTF-8: bad bytes are shown as `\xNN`,
/// so the name cannot be mistaken for another file's (a valid site file name never holds
/// a backslash).
pub fn display_relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    escape_bytes(rel.as_os_str())
}

#[cfg(unix)]
fn escape_bytes(name: &std::ffi::OsStr) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut out = String::new();
    for chunk in name.as_bytes().utf8_chunks() {
        out.push_str(chunk.valid());
        for byte in chunk.invalid() {
            out.push_str(&format!("\\x{byte:02X}"));
        }
    }
    out
}

#[cfg(not(unix))]
fn escape_bytes(name: &std::ffi::OsStr) -> String {
    name.to_string_lossy().replace('\\', "/")
}

/// Reads a file as UTF-8, naming the file and the position of the first bad byte on failure.
pub fn read_utf8(path: &Path, source: &str) -> Result<String, Diagnostic> {
    let bytes =
        std::fs::read(path).map_err(|e| Diagnostic::error(source, format!("cannot read: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let prefix = String::from_utf8_lossy(&e.as_bytes()[..valid]).into_owned();
        let (line, col) = line_col(&prefix, prefix.len());
        Diagnostic::error(
            source,
            format!("not valid UTF-8 (byte {valid}); save the file as UTF-8"),
        )
        .at(line, col)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn site() -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        fs::create_dir_all(tmp.path().join("static/css")).unwrap();
        fs::write(tmp.path().join("static/css/b.css"), "b").unwrap();
        fs::write(tmp.path().join("static/a.js"), "a").unwrap();
        fs::write(tmp.path().join("static/.hidden"), "h").unwrap();
        fs::write(tmp.path().join("static/x.swp"), "s").unwrap();
        tmp
    }

    fn walk(root: &Path, dir: &str) -> (Vec<String>, Diagnostics) {
        let mut diags = Diagnostics::new();
        let files = walk_files(root, &root.join(dir), &mut diags);
        (files.into_iter().map(|f| f.source).collect(), diags)
    }

    #[test]
    fn walks_sorted_and_skips_ignored_names() {
        let tmp = site();
        let (files, diags) = walk(tmp.path(), "static");
        assert_eq!(files, ["static/a.js", "static/css/b.css"]);
        assert!(diags.is_empty(), "{diags}");
        assert!(walk(tmp.path(), "nothing").0.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn a_link_inside_the_site_is_followed_one_outside_is_an_error() {
        let tmp = site();
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("secret.txt"), "s").unwrap();
        std::os::unix::fs::symlink("a.js", tmp.path().join("static/link.js")).unwrap();
        std::os::unix::fs::symlink(
            outside.path().join("secret.txt"),
            tmp.path().join("static/secret.txt"),
        )
        .unwrap();
        let (files, diags) = walk(tmp.path(), "static");
        assert_eq!(files, ["static/a.js", "static/css/b.css", "static/link.js"]);
        let text = diags.to_string();
        assert!(
            text.starts_with("error: static/secret.txt: a symbolic link to"),
            "{text}"
        );
        assert_eq!(diags.len(), 1, "{text}");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_fifo_is_skipped_with_a_warning() {
        let tmp = site();
        let fifo = tmp.path().join("static/pipe");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        let (files, diags) = walk(tmp.path(), "static");
        assert_eq!(files, ["static/a.js", "static/css/b.css"]);
        assert_eq!(
            diags.to_string().trim(),
            "warning: static/pipe: not a regular file (a FIFO); skipped"
        );
    }

    #[cfg(unix)]
    #[test]
    fn bad_names_are_errors_that_name_the_file() {
        use std::os::unix::ffi::OsStrExt;
        let tmp = site();
        let bad = std::ffi::OsStr::from_bytes(b"caf\xe9.css");
        fs::write(tmp.path().join("static").join(bad), "x").unwrap();
        fs::write(tmp.path().join("static/a\\b.css"), "x").unwrap();
        let (files, diags) = walk(tmp.path(), "static");
        assert_eq!(files, ["static/a.js", "static/css/b.css"]);
        let text = diags.to_string();
        assert!(text.contains("error: static/caf\\xE9.css: the file name is not valid UTF-8"));
        assert!(text.contains("error: static/a\\b.css: the file name holds a backslash"));
    }

    #[test]
    fn read_utf8_names_the_line_of_a_bad_byte() {
        let tmp = site();
        let path = tmp.path().join("bad.md");
        fs::write(&path, b"ok\nbad \xff\n").unwrap();
        let d = read_utf8(&path, "bad.md").unwrap_err();
        assert_eq!((d.line, d.col), (Some(2), Some(5)));
    }
}
