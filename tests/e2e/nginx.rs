//! docs/deploy.md's nginx config, run by Debian's nginx (test.sh's setup installs it) over a
//! `compress: true` build: pretty URLs, the 404 page, `Content-Encoding: gzip` for a client
//! that accepts it, and the cache headers. nginx runs in the foreground on 127.0.0.1 and a
//! free port, with a temporary prefix, and is killed when the test ends (also on panic).

use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{repo_dir, SiteTest};

struct Nginx {
    child: Child,
    port: u16,
    _prefix: tempfile::TempDir,
}

impl Drop for Nginx {
    /// SIGTERM lets the master stop its workers (SIGKILL would leave them running); SIGKILL
    /// only if it has not stopped within 10 s.
    fn drop(&mut self) {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(10) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn nginx_binary() -> PathBuf {
    ["/usr/sbin/nginx", "/usr/bin/nginx"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!("nginx is not installed: apt-get install nginx (./test.sh setup does it)")
        })
}

/// The `server { … }` block of docs/deploy.md, the first ```nginx block.
fn documented_server_block() -> String {
    let doc = std::fs::read_to_string(repo_dir().join("docs/deploy.md")).unwrap();
    let start = doc
        .find("```nginx\n")
        .expect("docs/deploy.md has an nginx block")
        + 9;
    let end = start + doc[start..].find("```").unwrap();
    doc[start..end].to_string()
}

impl Nginx {
    fn serve(site_dir: &Path) -> Nginx {
        let prefix = tempfile::tempdir().unwrap();
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let server = documented_server_block()
            .replace("listen 80;", &format!("listen 127.0.0.1:{port};"))
            .replace(
                "root /srv/www/portal;",
                &format!("root {};", site_dir.display()),
            );
        assert!(
            server.contains(&format!("127.0.0.1:{port}"))
                && server.contains(&site_dir.display().to_string())
        );
        let p = prefix.path().display();
        // As root, nginx's workers would run as `nobody`, who cannot read the temp folders.
        let user = if is_root() { "user root;" } else { "" };
        let conf = format!(
            "{user}\nworker_processes 1;\npid {p}/nginx.pid;\nerror_log {p}/error.log;\n\
             events {{ worker_connections 64; }}\n\
             http {{\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n\
             access_log off;\n  client_body_temp_path {p}/body;\n  proxy_temp_path {p}/proxy;\n\
             fastcgi_temp_path {p}/fastcgi;\n  uwsgi_temp_path {p}/uwsgi;\n  scgi_temp_path {p}/scgi;\n\
             {server}\n}}\n"
        );
        std::fs::write(prefix.path().join("nginx.conf"), conf).unwrap();
        let child = Command::new(nginx_binary())
            .arg("-p")
            .arg(prefix.path())
            .arg("-c")
            .arg(prefix.path().join("nginx.conf"))
            .args(["-g", "daemon off;"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("start nginx: {e}"));
        let mut nginx = Nginx {
            child,
            port,
            _prefix: prefix,
        };
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = nginx.child.try_wait() {
                let mut err = String::new();
                if let Some(mut e) = nginx.child.stderr.take() {
                    let _ = e.read_to_string(&mut err);
                }
                panic!("nginx exited ({status}): {err}");
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "nginx did not listen"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        nginx
    }

    /// GET `path` (with `Accept-Encoding: gzip` when `gzip`): status, headers, body.
    fn get(&self, path: &str, gzip: bool) -> (u16, Vec<(String, String)>, Vec<u8>) {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .build()
            .into();
        let mut request = agent.get(format!("http://127.0.0.1:{}{path}", self.port));
        if gzip {
            request = request.header("accept-encoding", "gzip");
        }
        let response = request.call().unwrap();
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
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

#[test]
fn the_documented_nginx_config_serves_a_compressed_build() {
    let site = SiteTest::new("basic");
    site.append("site.yaml", "compress: true\n");
    site.build_ok(&[]);
    let nginx = Nginx::serve(&site.public());

    // Pretty URLs, both editions and the chooser.
    for (path, file) in [
        ("/", "index.html"),
        ("/kk/", "kk/index.html"),
        ("/ru/", "ru/index.html"),
        ("/kk/news/festival/", "kk/news/festival/index.html"),
    ] {
        let (status, headers, body) = nginx.get(path, false);
        assert_eq!(status, 200, "{path}");
        assert_eq!(body, std::fs::read(site.out_path(file)).unwrap(), "{path}");
        assert_eq!(
            header(&headers, "content-type"),
            Some("text/html; charset=utf-8"),
            "{path}"
        );
        assert_eq!(header(&headers, "content-encoding"), None, "{path}");
        assert_eq!(
            header(&headers, "cache-control"),
            Some("public, max-age=300"),
            "{path}"
        );
    }
    let (status, headers, _) = nginx.get("/kk/news/festival", false);
    assert_eq!(status, 301);
    assert_eq!(header(&headers, "location"), Some("/kk/news/festival/"));

    // The site's own 404 page.
    let (status, _, body) = nginx.get("/kk/no-such-page/", false);
    assert_eq!(status, 404);
    assert_eq!(body, std::fs::read(site.out_path("404.html")).unwrap());

    // The precompressed file, for a client that accepts gzip.
    let (status, headers, body) = nginx.get("/kk/news/festival/", true);
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "content-encoding"), Some("gzip"));
    assert_eq!(
        body,
        std::fs::read(site.out_path("kk/news/festival/index.html.gz")).unwrap()
    );
    assert_eq!(
        gunzip(&body),
        std::fs::read(site.out_path("kk/news/festival/index.html")).unwrap()
    );

    // Cache headers: fingerprinted assets forever, other files an hour.
    let css = site.asset("style.css");
    let (status, headers, _) = nginx.get(&format!("/{css}"), true);
    assert_eq!(status, 200);
    assert_eq!(
        header(&headers, "cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(header(&headers, "content-encoding"), Some("gzip"));
    assert_eq!(
        header(&headers, "content-type"),
        Some("text/css; charset=utf-8")
    );
    let (_, headers, _) = nginx.get("/favicon.svg", false);
    assert_eq!(
        header(&headers, "cache-control"),
        Some("public, max-age=3600")
    );
    let (_, headers, _) = nginx.get("/kk/atom.xml", false);
    assert_eq!(
        header(&headers, "cache-control"),
        Some("public, max-age=300")
    );
}
