//! `qostil serve` end to end: a real server on a free loopback port against a temp copy of
//! the portal; files are edited, added, renamed and deleted, and the tests read HTTP
//! responses and the reload events a browser would get.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::Child;
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

mod support;
use support::edit;

const ARTICLE: &str = "content/kk/news/abay-oblysynyn-akimi-berik-ualidin-toragalygymen.md";
const ARTICLE_URL: &str = "/kk/news/abay-oblysynyn-akimi-berik-ualidin-toragalygymen/";

/// A running `qostil serve` on a temp copy of the portal; killed when dropped.
struct Server {
    child: Child,
    port: u16,
    root: tempfile::TempDir,
    lines: Receiver<String>,
    /// The line that reports the start's build (`built … pages in … ms (…)`).
    built: String,
}

impl Server {
    fn start() -> Server {
        let root = tempfile::tempdir().unwrap();
        support::copy_portal(root.path());
        Server::start_in(root)
    }

    /// Serves the site in `root` as it is (with what an earlier server left in `.qostil/`).
    fn start_in(root: tempfile::TempDir) -> Server {
        let (child, port, lines, built) =
            support::start_serve(root.path(), Duration::from_secs(30), false);
        Server {
            child,
            port,
            root,
            lines,
            built,
        }
    }

    /// Stops the server with Ctrl-C, as a user does, and hands back its site.
    fn stop(mut self) -> tempfile::TempDir {
        support::ctrl_c(&self.child);
        let status = self.child.wait().unwrap();
        assert!(status.success(), "{status}");
        std::mem::replace(&mut self.root, tempfile::tempdir().unwrap())
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root.path().join(rel)
    }

    /// Raw HTTP/1.1 request: (status, headers lower-cased, body).
    fn request(&self, method: &str, path: &str) -> (u16, String, String) {
        support::http(self.port, method, path, Duration::from_secs(10))
    }

    fn get(&self, path: &str) -> (u16, String, String) {
        self.request("GET", path)
    }

    /// Subscribes to reload events; the first event (`hello`) is already read.
    fn events(&self) -> Events {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(
            stream,
            "GET /_qostil/events HTTP/1.1\r\nHost: localhost\r\n\r\n"
        )
        .unwrap();
        let (tx, rx) = channel();
        let reader = BufReader::new(stream.try_clone().unwrap());
        std::thread::spawn(move || {
            let mut event = String::new();
            for line in reader.lines().map_while(Result::ok) {
                if let Some(name) = line.strip_prefix("event: ") {
                    event = name.to_string();
                } else if let Some(data) = line.strip_prefix("data: ") {
                    if tx.send((event.clone(), data.to_string())).is_err() {
                        break;
                    }
                }
            }
        });
        let events = Events {
            rx,
            _stream: stream,
        };
        let (name, _) = events
            .next(Duration::from_secs(10))
            .expect("no hello event");
        assert_eq!(name, "hello");
        events
    }

    /// Lines the server printed since the last call.
    fn drain_lines(&self) -> Vec<String> {
        self.lines.try_iter().collect()
    }

    fn wait_line(&self, contains: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line.contains(contains) => return line,
                Ok(_) => {}
                Err(_) => panic!("no line containing {contains:?}"),
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Events {
    rx: Receiver<(String, String)>,
    _stream: TcpStream,
}

impl Events {
    fn next(&self, timeout: Duration) -> Option<(String, String)> {
        self.rx.recv_timeout(timeout).ok()
    }

    /// The next event other than keep-alive pings.
    fn expect(&self, name: &str) -> String {
        let (got, data) = self
            .next(Duration::from_secs(15))
            .unwrap_or_else(|| panic!("no {name} event"));
        assert_eq!(got, name, "data: {data}");
        data
    }
}

#[test]
fn serves_pages_with_the_reload_script_and_the_right_statuses() {
    let server = Server::start();
    let (status, head, body) = server.get("/kk/");
    assert_eq!(status, 200);
    assert!(
        head.contains("content-type: text/html; charset=utf-8"),
        "{head}"
    );
    assert!(body.contains("/_qostil/livereload.js"));
    let (status, head, _) = server.get("/kk/news");
    assert_eq!(status, 301);
    assert!(head.contains("location: /kk/news/"), "{head}");
    let (status, _, body) = server.get("/kk/no-such-page/");
    assert_eq!(status, 404);
    assert!(
        body.contains("<html lang=\"kk\">"),
        "the site's own 404 page"
    );
    let css = stylesheet_of(&body_of(&server, "/kk/"));
    let (status, head, _) = server.get(&css);
    assert_eq!(status, 200);
    assert!(head.contains("text/css; charset=utf-8"));
    let (status, head, body) = server.request("HEAD", "/kk/");
    assert_eq!(status, 200);
    assert!(head.contains("content-length:"));
    assert!(body.is_empty());
    let (status, _, _) = server.request("POST", "/kk/");
    assert_eq!(status, 405);
    // The build output never has the script: only serve injects it.
    assert!(
        !std::fs::read_to_string(server.path(".qostil/serve/kk/index.html"))
            .unwrap()
            .contains("livereload")
    );
}

#[test]
fn refuses_paths_outside_the_output() {
    let server = Server::start();
    for path in [
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/kk/..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/kk/%2E%2E/%2E%2E/site.yaml",
        "/..\\..\\etc\\passwd",
    ] {
        let (status, _, body) = server.get(path);
        assert_eq!(status, 404, "{path}");
        assert!(!body.contains("root:"), "{path}");
    }
    std::os::unix::fs::symlink("/etc", server.path(".qostil/serve/leak")).unwrap();
    let (status, _, body) = server.get("/leak/passwd");
    assert_eq!(status, 404);
    assert!(!body.contains("root:"));
}

#[test]
fn a_body_edit_reloads_the_page_with_the_new_text() {
    let server = Server::start();
    let events = server.events();
    server.drain_lines();
    edit(&server.path(ARTICLE), |t| {
        format!("{t}\nЖаңа сөйлем қосылды.\n")
    });
    let data = events.expect("reload");
    assert!(data.contains(ARTICLE_URL), "{data}");
    let (_, _, body) = server.get(ARTICLE_URL);
    assert!(body.contains("Жаңа сөйлем қосылды."));
    let line = server.wait_line("re-rendered", Duration::from_secs(10));
    // The page and the feeds that carry its full text; no list shows the body.
    assert!(!data.contains("\"/kk/news/\""), "{data}");
    assert!(line.contains(ARTICLE), "{line}");
}

#[test]
fn a_title_edit_updates_the_lists() {
    let server = Server::start();
    let events = server.events();
    edit(&server.path(ARTICLE), |t| {
        t.replacen("title: Абай облысының", "title: ЖАҢА Абай облысының", 1)
    });
    let data = events.expect("reload");
    assert!(data.contains("\"/kk/news/\""), "{data}");
    let (_, _, list) = server.get("/kk/news/");
    assert!(list.contains("ЖАҢА Абай облысының"));
}

/// A start after edits made through serve, on another port: every output the last server
/// left is kept by its quick key (none is prepared again, none rendered), and the pages name
/// the new server's origin.
#[test]
fn a_restart_after_edits_on_another_port_keeps_every_output() {
    let server = Server::start();
    let first_port = server.port;
    let events = server.events();
    // A title edit changes the key of the whole site that every quick key holds.
    edit(&server.path(ARTICLE), |t| {
        t.replacen("title: Абай облысының", "title: ЖАҢА Абай облысының", 1)
    });
    events.expect("reload");
    edit(&server.path(ARTICLE), |t| {
        format!("{t}\nЖаңа сөйлем қосылды.\n")
    });
    events.expect("reload");
    drop(events);
    let root = server.stop();

    let server = Server::start_in(root);
    assert!(
        server.built.ends_with("(0 rendered, 0 prepared)"),
        "{}",
        server.built
    );
    let origin = format!("http://127.0.0.1:{}/", server.port);
    let (_, _, article) = server.get(ARTICLE_URL);
    assert!(article.contains("Жаңа сөйлем қосылды."));
    assert!(
        article.contains(&format!("href=\"{origin}kk/")),
        "no link to {origin} (first server: {first_port}):\n{article}"
    );
    let (_, _, feed) = server.get("/kk/atom.xml");
    assert!(feed.contains(&origin), "{feed}");
    for text in [&article, &feed] {
        assert!(!text.contains("qostil-preview"), "{text}");
    }
}

/// Concatenated text of the files in one language's search-index folder (`d`, `t` or `s`).
fn search_files_text(server: &Server, lang: &str, part: &str) -> String {
    let dir = server.path(&format!(".qostil/serve/{lang}/search/{part}"));
    let mut text = String::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        text.push_str(&std::fs::read_to_string(entry.path()).unwrap_or_default());
    }
    text
}

#[test]
fn the_search_index_follows_an_edit_once_the_editor_pauses() {
    let server = Server::start();
    let events = server.events();
    assert!(!search_files_text(&server, "kk", "d").contains("Іздеуге жаңа"));
    edit(&server.path(ARTICLE), |t| {
        t.replacen(
            "title: Абай облысының",
            "title: Іздеуге жаңа Абай облысының",
            1,
        )
    });
    events.expect("reload");
    // The index is refreshed in the background after the rebuild; give it time.
    let deadline = Instant::now() + Duration::from_secs(30);
    while !search_files_text(&server, "kk", "d").contains("Іздеуге жаңа") {
        assert!(
            Instant::now() < deadline,
            "the Kazakh search index never showed the new title"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_broken_edit_shows_the_error_and_keeps_the_last_good_site() {
    let server = Server::start();
    let events = server.events();
    let original = std::fs::read_to_string(server.path(ARTICLE)).unwrap();
    edit(&server.path(ARTICLE), |t| {
        t.replacen("title:", "title: [broken", 1)
    });
    let data = events.expect("build-error");
    assert!(data.contains(ARTICLE), "{data}");
    assert!(data.contains(".md:3:"), "line of the error: {data}");
    let (status, _, body) = server.get(ARTICLE_URL);
    assert_eq!(status, 200, "the last good page is still served");
    assert!(body.contains("Абай облысының"));
    // A browser that connects now learns about the error at once.
    let late = server.events();
    drop(late);
    std::fs::write(
        server.path(ARTICLE),
        original.replacen("Абай облысының әкімі", "Абай облысының жаңа әкімі", 1),
    )
    .unwrap();
    let data = events.expect("reload");
    assert!(data.contains(ARTICLE_URL), "{data}");
}

#[test]
fn added_renamed_and_deleted_pages() {
    let server = Server::start();
    let events = server.events();
    let new = server.path("content/kk/news/zhana-maqala.md");
    std::fs::write(
        &new,
        "---\ntitle: Жаңа мақала\ndate: 2025-12-01\nregions: [astana]\n---\nМәтін.\n",
    )
    .unwrap();
    events.expect("reload");
    assert_eq!(server.get("/kk/news/zhana-maqala/").0, 200);
    assert!(server.get("/kk/news/").2.contains("Жаңа мақала"));
    std::fs::rename(&new, server.path("content/kk/news/basqa-maqala.md")).unwrap();
    events.expect("reload");
    assert_eq!(server.get("/kk/news/zhana-maqala/").0, 404);
    assert_eq!(server.get("/kk/news/basqa-maqala/").0, 200);
    std::fs::remove_file(server.path("content/kk/news/basqa-maqala.md")).unwrap();
    events.expect("reload");
    assert_eq!(server.get("/kk/news/basqa-maqala/").0, 404);
    assert!(
        !server.get("/kk/news/").2.contains("basqa-maqala"),
        "links to it are gone"
    );
    assert!(!server.get("/kk/regions/astana/").2.contains("basqa-maqala"));
}

#[test]
fn a_burst_of_events_makes_one_rebuild() {
    let server = Server::start();
    let events = server.events();
    server.drain_lines();
    let path = server.path(ARTICLE);
    let original = std::fs::read_to_string(&path).unwrap();
    for i in 0..200 {
        std::fs::write(&path, format!("{original}\nСөйлем {i}.\n")).unwrap();
    }
    events.expect("reload");
    // Nothing else follows the one rebuild.
    assert!(events.next(Duration::from_millis(800)).is_none());
    let rebuilds = server
        .drain_lines()
        .iter()
        .filter(|l| l.contains("re-rendered"))
        .count();
    assert_eq!(rebuilds, 1);
    assert!(server.get(ARTICLE_URL).2.contains("Сөйлем 199."));
}

#[test]
fn a_file_emptied_mid_save_is_waited_for() {
    let server = Server::start();
    let events = server.events();
    server.drain_lines();
    let path = server.path(ARTICLE);
    let original = std::fs::read_to_string(&path).unwrap();
    // An editor truncates the file, then writes its text late (a busy machine): the empty
    // file is a save in progress, not an error to show.
    std::fs::write(&path, "").unwrap();
    std::thread::sleep(Duration::from_millis(300));
    std::fs::write(&path, format!("{original}\nКеш жазылған сөйлем.\n")).unwrap();
    let data = events.expect("reload");
    assert!(data.contains(ARTICLE_URL), "{data}");
    let lines = server.drain_lines();
    assert!(
        !lines.iter().any(|l| l.contains("error")),
        "an error was reported for a save in progress: {lines:?}"
    );
    assert!(server.get(ARTICLE_URL).2.contains("Кеш жазылған сөйлем."));
}

#[test]
fn editors_save_patterns_are_one_change() {
    let server = Server::start();
    let events = server.events();
    let path = server.path(ARTICLE);
    let text = std::fs::read_to_string(&path).unwrap();
    // Vim-style: a backup and a swap file, then the new text written to a temp file that is
    // renamed over the original.
    let dir = path.parent().unwrap();
    std::fs::write(dir.join(".abay.md.swp"), "swap").unwrap();
    std::fs::write(dir.join("4913"), "").unwrap();
    std::fs::remove_file(dir.join("4913")).unwrap();
    std::fs::copy(&path, dir.join("abay.md~")).unwrap();
    let tmp = dir.join(".abay.md.tmp");
    std::fs::write(&tmp, format!("{text}\nАтомдық сақтау.\n")).unwrap();
    std::fs::rename(&tmp, &path).unwrap();
    std::fs::remove_file(dir.join(".abay.md.swp")).unwrap();
    let data = events.expect("reload");
    assert!(data.contains(ARTICLE_URL), "{data}");
    assert!(events.next(Duration::from_millis(500)).is_none());
    assert!(server.get(ARTICLE_URL).2.contains("Атомдық сақтау."));
}

#[test]
fn css_and_template_edits() {
    let server = Server::start();
    let events = server.events();
    edit(&server.path("themes/portal/static/style.css"), |t| {
        format!("{t}\n/* edited */\n")
    });
    let old_css = stylesheet_of(&body_of(&server, ARTICLE_URL));
    let data = events.expect("css");
    // The stylesheet has a new fingerprinted name, which the event and the pages carry.
    let assets: serde_json::Value = serde_json::from_str(&data).unwrap();
    let new_css = format!("/{}", assets["assets"]["style.css"].as_str().unwrap());
    assert_ne!(new_css, old_css);
    assert_eq!(stylesheet_of(&body_of(&server, ARTICLE_URL)), new_css);
    assert!(server.get(&new_css).2.contains("/* edited */"));
    assert_eq!(
        server.get(&old_css).0,
        404,
        "the old name is no longer published"
    );
    server.drain_lines();
    edit(&server.path("themes/portal/templates/taxonomy.html"), |t| {
        t.replacen("{% block main %}", "{% block main %}<!-- edited -->", 1)
    });
    let data = events.expect("reload");
    assert!(data.contains("/kk/regions/"), "{data}");
    assert!(
        !data.contains(ARTICLE_URL),
        "pages without that template stay: {data}"
    );
    assert!(server.get("/ru/tags/").2.contains("<!-- edited -->"));
}

#[test]
fn ctrl_c_stops_the_server() {
    let mut server = Server::start();
    support::ctrl_c(&server.child);
    let status = server.child.wait().unwrap();
    assert!(status.success(), "{status}");
    assert!(server.drain_lines().iter().any(|l| l == "stopped"));
}

/// Peak resident memory of a process, in KiB (Linux).
fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

#[test]
fn a_huge_header_gets_431_unbuffered_and_the_server_goes_on() {
    let server = Server::start();
    let peak_before = peak_rss_kib(server.child.id());
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream
        .set_write_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    // The answer is read while the header is still being sent.
    let answered = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let mut stream = stream.try_clone().unwrap();
        let answered = std::sync::Arc::clone(&answered);
        std::thread::spawn(move || {
            let mut raw = Vec::new();
            let mut buf = [0u8; 4096];
            while let Ok(n) = stream.read(&mut buf) {
                if n == 0 {
                    break;
                }
                raw.extend_from_slice(&buf[..n]);
                answered.store(true, std::sync::atomic::Ordering::SeqCst);
            }
            String::from_utf8_lossy(&raw).into_owned()
        })
    };
    let started = Instant::now();
    write!(stream, "GET /kk/ HTTP/1.1\r\nHost: localhost\r\nX-Big: ").unwrap();
    let chunk = vec![b'a'; 64 * 1024];
    let mut sent = 0usize;
    while sent < 100 * 1024 * 1024 && !answered.load(std::sync::atomic::Ordering::SeqCst) {
        match stream.write(&chunk) {
            Ok(n) => sent += n,
            Err(_) => break,
        }
        assert!(started.elapsed() < Duration::from_secs(20), "no answer");
    }
    let answer = reader.join().unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"),
        "{answer}"
    );
    assert!(
        sent < 20 * 1024 * 1024,
        "the server took {sent} bytes before answering"
    );
    let grown = peak_rss_kib(server.child.id()).saturating_sub(peak_before);
    assert!(grown < 20 * 1024, "peak memory grew by {grown} KiB");
    let (status, _, body) = server.get("/kk/");
    assert_eq!(status, 200);
    assert!(body.contains("/_qostil/livereload.js"));
}

#[test]
fn a_slow_head_is_cut_off() {
    let server = Server::start();
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let started = Instant::now();
    write!(stream, "GET /kk/ HTTP/1.1\r\n").unwrap();
    // Never ends its head: the server answers 408 once the head time is up.
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let answer = String::from_utf8_lossy(&raw);
    assert!(answer.starts_with("HTTP/1.1 408 "), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(server.get("/kk/").0, 200);
}

#[test]
fn double_slashes_never_redirect_to_another_host() {
    let server = Server::start();
    for path in ["//kk", "//kk/news", "///kk", "/kk//news"] {
        let (status, head, _) = server.get(path);
        assert_eq!(status, 301, "{path}");
        let location = head
            .lines()
            .find_map(|l| l.strip_prefix("location: "))
            .unwrap_or_else(|| panic!("no location for {path}: {head}"));
        assert!(location.starts_with('/'), "{path} → {location}");
        assert!(!location.starts_with("//"), "{path} → {location}");
        assert!(!location.contains("//"), "{path} → {location}");
    }
    let (_, head, _) = server.get("//kk");
    assert!(head.contains("location: /kk/\r\n"), "{head}");
}

#[test]
fn absolute_form_requests_are_answered_like_paths() {
    let server = Server::start();
    let absolute = |path: &str| format!("http://127.0.0.1:{}{path}", server.port);
    for path in ["/kk/", "/style.css", "/kk/no-such-page/", "/kk/news"] {
        let (status, head, body) = server.get(path);
        let (abs_status, abs_head, abs_body) = server.get(&absolute(path));
        assert_eq!(abs_status, status, "{path}");
        assert_eq!(abs_body, body, "{path}");
        let location = |h: &str| {
            h.lines()
                .find(|l| l.starts_with("location:"))
                .map(str::to_string)
        };
        assert_eq!(location(&abs_head), location(&head), "{path}");
    }
    assert_eq!(server.request("HEAD", &absolute("/kk/")).0, 200);
}

fn body_of(server: &Server, url: &str) -> String {
    server.get(url).2
}

/// The URL of a page's stylesheet (`/style.3f2a9c1e.css`).
fn stylesheet_of(html: &str) -> String {
    let start = html.find("<link rel=\"stylesheet\" href=\"").unwrap() + 29;
    let end = start + html[start..].find('"').unwrap();
    html[start..end].to_string()
}
