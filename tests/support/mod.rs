//! Helpers shared by the integration tests that run a site from a temp folder (`serve`,
//! `serve_user`, `engine_edits`). Each test crate uses some of them.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::Path;

/// Copies a folder tree.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Copies the portal's sources (content, theme, vocabularies, site.yaml) into `site`.
pub fn copy_portal(site: &Path) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for dir in ["content", "themes", "taxonomies"] {
        copy_dir(&repo.join(dir), &site.join(dir));
    }
    std::fs::copy(repo.join("site.yaml"), site.join("site.yaml")).unwrap();
}

/// Every file under `dir`: path inside it (`/`-separated) → bytes.
pub fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap();
            (
                rel.to_string_lossy().replace('\\', "/"),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// Rewrites a file through `f`.
pub fn edit(path: &Path, f: impl FnOnce(String) -> String) {
    let text = std::fs::read_to_string(path).unwrap();
    std::fs::write(path, f(text)).unwrap();
}

/// Sends every line `reader` gives to `tx` (prefixed), on a thread of its own, until either
/// side closes: a child process's output, read as it comes.
pub fn forward_lines(
    reader: impl std::io::Read + Send + 'static,
    tx: std::sync::mpsc::Sender<String>,
    prefix: &'static str,
) {
    use std::io::BufRead;
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(reader)
            .lines()
            .map_while(Result::ok)
        {
            if tx.send(format!("{prefix}{line}")).is_err() {
                break;
            }
        }
    });
}
