//! `SiteTest`: a fixture site copied into its own temporary folder, the real `qostil` binary
//! run on it, and helpers to read, check and snapshot what the build produced.
//!
//! Every test gets its own temporary folder, so tests run in parallel safely. The layout is
//!
//! ```text
//! <tmp>/site/      the site root (fixture + the repository's themes/portal)
//! <tmp>/<name>/    scratch folders (`SiteTest::scratch`), e.g. extra output folders
//! ```

#![allow(dead_code)] // shared helpers: not every test module uses every one

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

/// The binary under test, built once by Cargo for the whole test run.
pub const BIN: &str = env!("CARGO_BIN_EXE_qostil");

/// The repository root (where Cargo.toml is).
pub fn repo_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The repository's default theme; copied into every test site whose fixture has no
/// `themes/portal` of its own, so the tests always exercise the real, current theme.
pub const THEME: &str = "portal";

pub struct SiteTest {
    tmp: TempDir,
    root: PathBuf,
}

impl SiteTest {
    /// Copies `tests/fixtures/<fixture>/` (and the repository's `themes/portal/`, unless the
    /// fixture brings its own) into a fresh temporary folder.
    pub fn new(fixture: &str) -> SiteTest {
        let tmp = tempfile::Builder::new()
            .prefix("qostil-e2e-")
            .tempdir()
            .expect("create a temporary folder");
        let root = tmp.path().join("site");
        let source = repo_dir().join("tests/fixtures").join(fixture);
        assert!(source.is_dir(), "no fixture at {}", source.display());
        copy_tree(&source, &root);
        // A fixture never ships build output or a build cache; stale ones from a manual run
        // in the fixture folder must not leak in.
        let _ = fs::remove_dir_all(root.join("public"));
        let _ = fs::remove_dir_all(root.join(".qostil"));
        let theme = root.join("themes").join(THEME);
        if !theme.exists() {
            copy_tree(&repo_dir().join("themes").join(THEME), &theme);
        }
        SiteTest { tmp, root }
    }

    /// The site root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `<root>/<rel>`.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// A folder beside the site root (not created): for extra output folders.
    pub fn scratch(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    /// Writes (creates or replaces) a site file, creating its folders.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> &Self {
        let path = self.path(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("create folders");
        }
        fs::write(&path, contents).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        self
    }

    /// Replaces the first occurrence of `from` in a site file; panics when it is absent, so a
    /// fixture change cannot silently turn a test into a no-op.
    pub fn replace(&self, rel: &str, from: &str, to: &str) -> &Self {
        let text = self.read(rel);
        assert!(
            text.contains(from),
            "{rel} does not contain {from:?}:\n{text}"
        );
        self.write(rel, text.replacen(from, to, 1))
    }

    /// Appends text to a site file.
    pub fn append(&self, rel: &str, more: &str) -> &Self {
        let mut text = self.read(rel);
        text.push_str(more);
        self.write(rel, text)
    }

    /// Removes a site file or folder (which must exist).
    pub fn remove(&self, rel: &str) -> &Self {
        let path = self.path(rel);
        let meta = fs::symlink_metadata(&path)
            .unwrap_or_else(|e| panic!("remove {}: {e}", path.display()));
        if meta.is_dir() {
            fs::remove_dir_all(&path)
        } else {
            fs::remove_file(&path)
        }
        .unwrap_or_else(|e| panic!("remove {}: {e}", path.display()));
        self
    }

    /// Reads a site file (not an output file) as UTF-8.
    pub fn read(&self, rel: &str) -> String {
        let path = self.path(rel);
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
    }

    /// Runs `qostil <args>` with the site root as the current folder.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with(args, &[])
    }

    /// Like `run`, with extra environment variables.
    pub fn run_with(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        self.run_in(&self.root, args, env)
    }

    /// Runs `qostil <args>` in `cwd` (e.g. `scratch("")`, the folder above the site root),
    /// with extra environment variables.
    pub fn run_in(&self, cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = Command::new(BIN);
        cmd.args(args).current_dir(cwd).env_remove("RUST_LOG");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let output = cmd.output().expect("run the qostil binary");
        Run::new(args, output)
    }

    /// `qostil <args>` in the site folder while the test holds the lock of `public/`
    /// (`qostil::output::lock`), as a build still writing it would. Returns the first line
    /// the command printed on standard error, whether it was still running (waiting) 300 ms
    /// after that, then `while_held` has run and the lock is released, and the whole run.
    pub fn run_behind_a_build(&self, args: &[&str], while_held: impl FnOnce()) -> Waited {
        use qostil::output::lock::{lock_output, IfHeld};
        use std::io::{BufRead, Read};
        use std::process::Stdio;
        let root = fs::canonicalize(&self.root).unwrap();
        let held = lock_output(
            &root,
            &root.join("public"),
            "a build of the test",
            IfHeld::Refuse,
        )
        .unwrap();
        let mut child = Command::new(BIN)
            .args(args)
            .current_dir(&self.root)
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run the qostil binary");
        let mut stdout = child.stdout.take().unwrap();
        let stdout = std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = stdout.read_to_end(&mut bytes);
            bytes
        });
        // A command that does not wait prints and ends: the line is read at its exit.
        let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
        let mut first_line = String::new();
        stderr.read_line(&mut first_line).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(300));
        let waited = child.try_wait().unwrap().is_none();
        while_held();
        drop(held);
        let mut rest = Vec::new();
        stderr.read_to_end(&mut rest).unwrap();
        let status = child.wait().unwrap();
        let mut all_stderr = first_line.clone().into_bytes();
        all_stderr.extend(rest);
        let output = Output {
            status,
            stdout: stdout.join().unwrap(),
            stderr: all_stderr,
        };
        Waited {
            first_line,
            waited,
            run: Run::new(args, output),
        }
    }

    /// `qostil build --root <root> <args>`.
    pub fn build(&self, args: &[&str]) -> Run {
        let root = self.root.to_str().expect("UTF-8 temp path").to_string();
        let mut all = vec!["build", "--root", root.as_str()];
        all.extend_from_slice(args);
        self.run(&all)
    }

    /// `build`, asserting that it succeeded.
    pub fn build_ok(&self, args: &[&str]) -> Run {
        let run = self.build(args);
        run.assert_success();
        run
    }

    /// The default output folder, `<root>/public`.
    pub fn public(&self) -> PathBuf {
        self.path("public")
    }

    /// Path of an output file: `rel` is a path inside public/ (`kk/index.html`) or a URL
    /// (`/kk/news/`, which maps to `kk/news/index.html`).
    pub fn out_path(&self, rel: &str) -> PathBuf {
        self.public().join(url_to_file(rel))
    }

    /// Reads an output file as UTF-8.
    pub fn out(&self, rel: &str) -> String {
        let path = self.out_path(rel);
        fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "read output {}: {e}\noutput files:\n{}",
                path.display(),
                self.snapshot_public().listing()
            )
        })
    }

    /// The published path of a fingerprinted static file (`style.css` →
    /// `style.3f2a9c1e.css`): the one file of the output named like that.
    pub fn asset(&self, logical: &str) -> String {
        let (dir, name) = logical.rsplit_once('/').unwrap_or(("", logical));
        let (stem, ext) = name.rsplit_once('.').unwrap();
        let found: Vec<String> = fs::read_dir(self.public().join(dir))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| {
                let hash = n
                    .strip_prefix(&format!("{stem}."))
                    .and_then(|r| r.strip_suffix(&format!(".{ext}")));
                hash.is_some_and(|h| h.len() == 8 && h.bytes().all(|b| b.is_ascii_hexdigit()))
            })
            .collect();
        assert_eq!(found.len(), 1, "{logical}: published as {found:?}");
        match dir {
            "" => found[0].clone(),
            dir => format!("{dir}/{}", found[0]),
        }
    }

    /// Reads an output HTML file into an `Html` for attribute-level assertions.
    pub fn html(&self, rel: &str) -> Html {
        Html {
            name: rel.to_string(),
            text: self.out(rel),
        }
    }

    pub fn assert_exists(&self, rel: &str) {
        let path = self.out_path(rel);
        assert!(
            path.is_file(),
            "expected output file {} ({rel}); output files:\n{}",
            path.display(),
            self.snapshot_public().listing()
        );
    }

    pub fn assert_missing(&self, rel: &str) {
        let path = self.out_path(rel);
        assert!(
            !path.exists(),
            "expected no output at {} ({rel})",
            path.display()
        );
    }

    /// Every file and folder under public/ (empty when it does not exist).
    pub fn snapshot_public(&self) -> Snapshot {
        Snapshot::of(&self.public())
    }

    /// Names of entries beside `public/` (and in the root) left over by the staging swap.
    pub fn stray_staging_dirs(&self) -> Vec<String> {
        let mut found = Vec::new();
        for dir in [self.root.as_path(), self.tmp.path()] {
            for entry in fs::read_dir(dir).expect("list folder").flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.contains(".qostil-") {
                    found.push(name);
                }
            }
        }
        found
    }
}

/// `/kk/news/` → `kk/news/index.html`; `kk/x.html` stays.
pub fn url_to_file(rel: &str) -> String {
    let trimmed = rel.trim_start_matches('/');
    if trimmed.is_empty() || trimmed.ends_with('/') {
        format!("{trimmed}index.html")
    } else {
        trimmed.to_string()
    }
}

/// Recursively copies a folder (files and folders; symlinks are copied as the files they
/// point to).
pub fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap_or_else(|e| panic!("create {}: {e}", to.display()));
    for entry in fs::read_dir(from).unwrap_or_else(|e| panic!("list {}: {e}", from.display())) {
        let entry = entry.expect("folder entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target)
                .unwrap_or_else(|e| panic!("copy {}: {e}", entry.path().display()));
        }
    }
}

/// The outcome of one run of the binary.
#[derive(Debug)]
pub struct Run {
    pub args: Vec<String>,
    /// The exit code; `None` when killed by a signal.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// What `SiteTest::run_behind_a_build` saw.
pub struct Waited {
    pub first_line: String,
    pub waited: bool,
    pub run: Run,
}

impl Waited {
    /// The command said it waits for the holder of `public/`, did, and then succeeded.
    pub fn assert_waited_then_succeeded(&self) {
        assert!(
            self.first_line.contains("another qostil is writing")
                && self.first_line.contains("a build of the test, process")
                && self.first_line.contains("waiting for it to finish"),
            "{}",
            self.run.describe()
        );
        assert!(self.waited, "it did not wait: {}", self.run.describe());
        self.run.assert_success();
    }
}

impl Run {
    fn new(args: &[&str], output: Output) -> Run {
        Run {
            args: args.iter().map(|s| s.to_string()).collect(),
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    pub fn describe(&self) -> String {
        format!(
            "qostil {}\nexit code: {:?}\n--- stdout ---\n{}--- stderr ---\n{}",
            self.args.join(" "),
            self.code,
            self.stdout,
            self.stderr
        )
    }

    pub fn assert_success(&self) -> &Self {
        assert_eq!(self.code, Some(0), "expected success\n{}", self.describe());
        self
    }

    pub fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code,
            Some(code),
            "expected exit code {code}\n{}",
            self.describe()
        );
        self
    }

    /// Checks the shape of a site-error report — exit code 1, one `error: …` line per
    /// diagnostic, then a count line that starts with the number of errors — and returns
    /// the error lines.
    pub fn site_errors(&self) -> Vec<String> {
        // 1 for site errors, 2 for a refused request (a usage error); same report shape.
        if self.code != Some(2) {
            self.assert_code(1);
        }
        let lines: Vec<&str> = self
            .stderr
            .lines()
            .filter(|l| !l.trim().is_empty())
            .collect();
        let (count_line, diagnostics) = lines
            .split_last()
            .unwrap_or_else(|| panic!("no diagnostics on stderr\n{}", self.describe()));
        let errors: Vec<String> = diagnostics
            .iter()
            .filter(|l| l.starts_with("error: "))
            .map(|l| l.to_string())
            .collect();
        for line in diagnostics {
            assert!(
                line.starts_with("error: ") || line.starts_with("warning: "),
                "stderr line is not a diagnostic: {line:?}\n{}",
                self.describe()
            );
        }
        assert!(!errors.is_empty(), "no error lines\n{}", self.describe());
        let expected = format!("{} error", errors.len());
        assert!(
            count_line.starts_with(&expected),
            "count line {count_line:?} should start with {expected:?}\n{}",
            self.describe()
        );
        errors
    }

    /// The one error line containing every needle; panics (showing stderr) when none does.
    pub fn error_with(&self, needles: &[&str]) -> String {
        self.site_errors()
            .into_iter()
            .find(|l| needles.iter().all(|n| l.contains(n)))
            .unwrap_or_else(|| {
                panic!(
                    "no error line contains all of {needles:?}\n{}",
                    self.describe()
                )
            })
    }
}

/// A folder's content: relative path (with `/`) → bytes; folders are recorded as
/// `path/` → empty, so an added empty folder is a difference too.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Snapshot(pub BTreeMap<String, Vec<u8>>);

impl Snapshot {
    /// Everything under `dir`; empty when `dir` does not exist.
    pub fn of(dir: &Path) -> Snapshot {
        let mut map = BTreeMap::new();
        if dir.exists() {
            walk(dir, dir, &mut map);
        }
        Snapshot(map)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Relative paths of the files (not folders).
    pub fn files(&self) -> Vec<&str> {
        self.0
            .keys()
            .filter(|k| !k.ends_with('/'))
            .map(String::as_str)
            .collect()
    }

    pub fn listing(&self) -> String {
        self.0.keys().fold(String::new(), |mut s, k| {
            let _ = writeln!(s, "  {k}");
            s
        })
    }

    /// Panics with the added, removed and changed paths when the two differ.
    pub fn assert_same(&self, other: &Snapshot, what: &str) {
        if self == other {
            return;
        }
        let mut report = String::new();
        for (k, v) in &self.0 {
            match other.0.get(k) {
                None => {
                    let _ = writeln!(report, "  only in the first: {k}");
                }
                Some(w) if w != v => {
                    let _ = writeln!(report, "  differs: {k}{}", first_difference(v, w));
                }
                Some(_) => {}
            }
        }
        for k in other.0.keys().filter(|k| !self.0.contains_key(*k)) {
            let _ = writeln!(report, "  only in the second: {k}");
        }
        panic!("{what}: the two trees differ\n{report}");
    }
}

fn first_difference(a: &[u8], b: &[u8]) -> String {
    let at = a
        .iter()
        .zip(b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    let context = |s: &[u8]| {
        let start = at.saturating_sub(40);
        let end = (at + 40).min(s.len());
        String::from_utf8_lossy(&s[start.min(end)..end]).into_owned()
    };
    format!(
        " (sizes {} / {}, first difference at byte {at}: {:?} vs {:?})",
        a.len(),
        b.len(),
        context(a),
        context(b)
    )
}

fn walk(base: &Path, dir: &Path, map: &mut BTreeMap<String, Vec<u8>>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("list {}: {e}", dir.display()))
        .map(|e| e.expect("folder entry").path())
        .collect();
    entries.sort();
    for path in entries {
        let rel = path
            .strip_prefix(base)
            .expect("inside the base")
            .to_string_lossy()
            .replace('\\', "/");
        if path.is_dir() {
            map.insert(format!("{rel}/"), Vec::new());
            walk(base, &path, map);
        } else {
            let bytes = fs::read(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
            map.insert(rel, bytes);
        }
    }
}

/// An output HTML document with just enough parsing for the tests: start tags and their
/// attributes. (The theme's output is well-formed and quotes every attribute value.)
pub struct Html {
    pub name: String,
    pub text: String,
}

/// One start tag.
#[derive(Debug, Clone)]
pub struct Tag {
    pub name: String,
    pub attrs: Vec<(String, String)>,
}

impl Tag {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn has_class(&self, class: &str) -> bool {
        self.attr("class")
            .is_some_and(|c| c.split_whitespace().any(|x| x == class))
    }
}

impl Html {
    pub fn assert_has(&self, needle: &str) -> &Self {
        assert!(
            self.text.contains(needle),
            "{} should contain {needle:?}\n--- {} ---\n{}",
            self.name,
            self.name,
            self.text
        );
        self
    }

    pub fn assert_lacks(&self, needle: &str) -> &Self {
        assert!(
            !self.text.contains(needle),
            "{} should not contain {needle:?}\n--- {} ---\n{}",
            self.name,
            self.name,
            self.text
        );
        self
    }

    /// Every start tag named `name` (lower-case), in document order.
    pub fn tags(&self, name: &str) -> Vec<Tag> {
        start_tags(&self.text)
            .into_iter()
            .filter(|t| t.name == name)
            .collect()
    }

    /// `lang` of `<html>`.
    pub fn lang(&self) -> String {
        self.tags("html")
            .first()
            .and_then(|t| t.attr("lang"))
            .unwrap_or_else(|| panic!("{}: no <html lang>", self.name))
            .to_string()
    }

    pub fn canonical(&self) -> String {
        self.tags("link")
            .into_iter()
            .find(|t| t.attr("rel") == Some("canonical"))
            .and_then(|t| t.attr("href").map(str::to_string))
            .unwrap_or_else(|| panic!("{}: no canonical link", self.name))
    }

    /// `<link rel="alternate" hreflang=… href=…>` as (hreflang, href), in document order.
    pub fn hreflangs(&self) -> Vec<(String, String)> {
        self.tags("link")
            .into_iter()
            .filter(|t| t.attr("rel") == Some("alternate"))
            .filter_map(|t| Some((t.attr("hreflang")?.to_string(), t.attr("href")?.to_string())))
            .collect()
    }

    /// The href of the `hreflang` alternate for `lang`, if any.
    pub fn hreflang(&self, lang: &str) -> Option<String> {
        self.hreflangs()
            .into_iter()
            .find(|(l, _)| l == lang)
            .map(|(_, h)| h)
    }

    /// The language switcher's links: (hreflang, href, leads to the nearest page).
    pub fn switcher(&self) -> Vec<(String, String, bool)> {
        self.tags("a")
            .into_iter()
            .filter(|t| t.has_class("lang-switch__link"))
            .map(|t| {
                (
                    t.attr("hreflang").unwrap_or_default().to_string(),
                    t.attr("href").unwrap_or_default().to_string(),
                    t.has_class("lang-switch__link--nearest"),
                )
            })
            .collect()
    }

    /// Every `href` and `src` value, in document order.
    pub fn links(&self) -> Vec<String> {
        start_tags(&self.text)
            .into_iter()
            .flat_map(|t| {
                t.attrs
                    .into_iter()
                    .filter(|(k, _)| k == "href" || k == "src")
                    .map(|(_, v)| v)
            })
            .collect()
    }
}

/// Start tags with their attributes; comments, end tags and the doctype are skipped.
/// Attribute values are returned raw (entities are not decoded).
pub fn start_tags(html: &str) -> Vec<Tag> {
    let mut tags = Vec::new();
    let bytes = html.as_bytes();
    let mut i = 0;
    while let Some(off) = html[i..].find('<') {
        i += off + 1;
        if html[i..].starts_with("!--") {
            i = html[i..].find("-->").map_or(html.len(), |e| i + e + 3);
            continue;
        }
        if i >= bytes.len() || !bytes[i].is_ascii_alphabetic() {
            continue;
        }
        let name_end = html[i..]
            .find(|c: char| !c.is_ascii_alphanumeric())
            .map_or(html.len(), |e| i + e);
        let name = html[i..name_end].to_ascii_lowercase();
        let mut attrs = Vec::new();
        let mut j = name_end;
        loop {
            while j < bytes.len() && (bytes[j].is_ascii_whitespace() || bytes[j] == b'/') {
                j += 1;
            }
            if j >= bytes.len() || bytes[j] == b'>' {
                break;
            }
            let key_end = html[j..]
                .find(|c: char| c == '=' || c == '>' || c == '/' || c.is_whitespace())
                .map_or(html.len(), |e| j + e);
            let key = html[j..key_end].to_ascii_lowercase();
            j = key_end;
            let mut value = String::new();
            if j < bytes.len() && bytes[j] == b'=' {
                j += 1;
                if j < bytes.len() && (bytes[j] == b'"' || bytes[j] == b'\'') {
                    let quote = bytes[j] as char;
                    let end = html[j + 1..].find(quote).map_or(html.len(), |e| j + 1 + e);
                    value = html[j + 1..end].to_string();
                    j = (end + 1).min(html.len());
                } else {
                    let end = html[j..]
                        .find(|c: char| c == '>' || c.is_whitespace())
                        .map_or(html.len(), |e| j + e);
                    value = html[j..end].to_string();
                    j = end;
                }
            }
            if key.is_empty() {
                j += 1;
                continue;
            }
            attrs.push((key, value));
        }
        tags.push(Tag { name, attrs });
        i = j.min(html.len());
    }
    tags
}

/// Whether this process can read a file with mode 000 (true as root): then permission
/// tests cannot make a file unreadable.
#[cfg(unix)]
pub fn can_read_mode_000(dir: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let probe = dir.join(".e2e-permission-probe");
    fs::write(&probe, b"x").expect("write probe");
    fs::set_permissions(&probe, fs::Permissions::from_mode(0o000)).expect("chmod probe");
    let readable = fs::read(&probe).is_ok();
    let _ = fs::set_permissions(&probe, fs::Permissions::from_mode(0o644));
    let _ = fs::remove_file(&probe);
    readable
}
