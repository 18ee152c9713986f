//! Helpers shared by the integration tests that run a site from a temp folder (`serve`,
//! `serve_photos`, `serve_user`, `engine_edits`). Each test crate uses some of them.
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

/// Starts `qostil serve --port 0` on the site at `root` and waits up to `startup` for it to
/// say where it serves: the child, its port, every line it prints from then on
/// (stdout; stderr too, each line prefixed `stderr: `, when `stderr` is true) and the
/// line that reported the start's build.
pub fn start_serve(
    root: &Path,
    startup: std::time::Duration,
    stderr: bool,
) -> (
    std::process::Child,
    u16,
    std::sync::mpsc::Receiver<String>,
    String,
) {
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_qostil"))
        .args(["serve", "--port", "0", "--root"])
        .arg(root)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, lines) = std::sync::mpsc::channel();
    if stderr {
        forward_lines(child.stderr.take().unwrap(), tx.clone(), "stderr: ");
    }
    forward_lines(child.stdout.take().unwrap(), tx, "");
    let deadline = std::time::Instant::now() + startup;
    // The line that reports the start's build (`built … pages in … ms (…)`).
    let mut built = String::new();
    let port = loop {
        let line = lines
            .recv_timeout(deadline.saturating_duration_since(std::time::Instant::now()))
            .expect("serve did not start");
        if let Some(rest) = line.strip_prefix("serving http://127.0.0.1:") {
            break rest.split('/').next().unwrap().parse().unwrap();
        }
        if line.starts_with("built ") {
            built = line;
        }
    };
    (child, port, lines, built)
}

/// A raw HTTP/1.1 request to a local port: (status, headers lower-cased, body).
pub fn http(
    port: u16,
    method: &str,
    path: &str,
    timeout: std::time::Duration,
) -> (u16, String, String) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(timeout)).unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, head.to_lowercase(), body.to_string())
}

/// Sends Ctrl-C (SIGINT) to a child, as a user stops `qostil serve`.
pub fn ctrl_c(child: &std::process::Child) {
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success(), "kill -INT {}: {sent}", child.id());
}
