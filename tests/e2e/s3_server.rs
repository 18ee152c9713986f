//! A real S3-compatible server for the deploy tests: `s3s-fs` (crates.io; test.sh's setup
//! step installs it) started as its own process on 127.0.0.1 and a free port, storing its
//! buckets in a temporary folder, and killed when the handle is dropped (also when a test
//! panics). A missing `s3s-fs` fails the test: it never skips.

use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rusty_s3::{Bucket, Credentials, S3Action, UrlStyle};

pub const ACCESS_KEY: &str = "qostil-test-key";
pub const SECRET_KEY: &str = "qostil-test-secret-0123456789";
pub const BUCKET: &str = "portal";

pub struct S3Server {
    child: Child,
    pub port: u16,
    /// The server's storage: `<data>/<bucket>/<key>`.
    pub data: tempfile::TempDir,
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `s3s-fs` on PATH or in Cargo's bin folder.
fn binary() -> PathBuf {
    let cargo_bin = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .map(|c| c.join("bin/s3s-fs"));
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join("s3s-fs"))
            .find(|p| p.is_file())
    });
    on_path
        .or(cargo_bin.filter(|p| p.is_file()))
        .unwrap_or_else(|| {
            panic!(
                "s3s-fs is not installed (the deploy tests need a real S3 server): \
                 cargo install s3s-fs --version 0.14.1 --features binary --locked \
                 (./test.sh setup does it)"
            )
        })
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl S3Server {
    pub fn start() -> S3Server {
        let data = tempfile::tempdir().unwrap();
        std::fs::create_dir(data.path().join(BUCKET)).unwrap();
        let port = free_port();
        let child = Command::new(binary())
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .args(["--access-key", ACCESS_KEY, "--secret-key", SECRET_KEY])
            .arg(data.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("start s3s-fs: {e}"));
        let server = S3Server { child, port, data };
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "s3s-fs did not listen on port {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn bucket(&self) -> Bucket {
        let url = self.endpoint().parse().unwrap();
        Bucket::new(url, UrlStyle::Path, BUCKET, "us-east-1").unwrap()
    }

    /// GET `key`: status, headers (lower-case names) and body, as the server answers it.
    pub fn get(&self, key: &str) -> (u16, Vec<(String, String)>, Vec<u8>) {
        let bucket = self.bucket();
        let credentials = Credentials::new(ACCESS_KEY, SECRET_KEY);
        let url = bucket
            .get_object(Some(&credentials), key)
            .sign(Duration::from_secs(60));
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let response = agent.get(url.as_str()).call().unwrap();
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_lowercase(),
                    v.to_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        let mut body = Vec::new();
        response
            .into_body()
            .into_reader()
            .read_to_end(&mut body)
            .unwrap();
        (status, headers, body)
    }

    /// The keys the bucket holds, from the server's storage folder.
    pub fn keys(&self) -> Vec<String> {
        let root = self.data.path().join(BUCKET);
        let mut keys: Vec<String> = walkdir(&root)
            .into_iter()
            .map(|p| {
                p.strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .filter(|k| !k.starts_with(".s3s") && !k.contains("/.s3s"))
            .collect();
        keys.sort();
        keys
    }
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walkdir(&path));
        } else {
            out.push(path);
        }
    }
    out
}

pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}
