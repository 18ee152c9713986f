//! `qostil serve` the way the README tells a user to run it: `qostil serve --port 0` inside
//! the site folder, no `--root`. A temp copy of the portal is edited the way an author works
//! (body, title, new, renamed and deleted articles, UI strings, a template, `site.yaml`, a new
//! `static/` folder, a renamed section), each change is waited for over HTTP, and at the end
//! `.qostil/serve/` must be byte-identical to a clean `qostil build` of the final sources.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

mod support;
use support::files;

const ARTICLE: &str = "content/kk/news/abay-oblysynyn-akimi-berik-ualidin-toragalygymen.md";
const SLUG: &str = "abay-oblysynyn-akimi-berik-ualidin-toragalygymen";
/// The same article's Russian URL, in Russian words (its `slug`).
const RU_SLUG: &str = "v-oblasti-abay-obsudili-khod-realizatsii-plana-goda";
const ARTICLE_URL: &str = "/kk/news/abay-oblysynyn-akimi-berik-ualidin-toragalygymen/";

/// How long one change may take to be served.
const CHANGE: Duration = Duration::from_secs(15);

/// A temp folder holding a copy of the portal in `<tmp>/portal`.
fn portal_copy() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("portal");
    support::copy_portal(&site);
    (tmp, site)
}

/// A running `qostil serve`; killed when dropped.
struct Server {
    child: Child,
    port: u16,
    lines: Receiver<String>,
    /// Every line printed so far (stdout and stderr), for failure messages.
    seen: Vec<String>,
}

impl Server {
    /// `qostil serve --port 0 <extra>` with the given working directory.
    fn start(cwd: &Path, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_qostil"))
            .args(["serve", "--port", "0"])
            .args(extra)
            .current_dir(cwd)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, lines) = channel();
        support::forward_lines(child.stderr.take().unwrap(), tx.clone(), "stderr: ");
        support::forward_lines(child.stdout.take().unwrap(), tx, "");
        let mut server = Server {
            child,
            port: 0,
            lines,
            seen: Vec::new(),
        };
        let line = server.wait_line("serving http://127.0.0.1:", Duration::from_secs(60));
        let rest = line.strip_prefix("serving http://127.0.0.1:").unwrap();
        server.port = rest.split('/').next().unwrap().parse().unwrap();
        server
    }

    fn take_lines(&mut self) {
        self.seen.extend(self.lines.try_iter());
    }

    /// Waits until the server has printed nothing for 3 s (at most 60 s).
    fn settle(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            match self.lines.recv_timeout(Duration::from_secs(3)) {
                Ok(line) => self.seen.push(line),
                Err(_) => return,
            }
        }
        panic!("the server never went quiet:\n{}", self.seen.join("\n"));
    }

    fn wait_line(&mut self, prefix: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.starts_with(prefix) {
                        return line;
                    }
                }
                Err(_) => panic!(
                    "no line starting with {prefix:?} within {timeout:?}; the server printed:\n{}",
                    self.seen.join("\n")
                ),
            }
        }
    }

    /// Raw HTTP/1.1 GET: (status, body); `None` when the connection fails.
    fn try_get(&self, path: &str) -> Option<(u16, String)> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).ok()?;
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .ok()?;
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        )
        .ok()?;
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).ok()?;
        let text = String::from_utf8_lossy(&raw).into_owned();
        let (head, body) = text.split_once("\r\n\r\n")?;
        let status = head.split(' ').nth(1)?.parse().ok()?;
        Some((status, body.to_string()))
    }

    fn get(&self, path: &str) -> (u16, String) {
        self.try_get(path)
            .unwrap_or_else(|| panic!("GET {path}: no HTTP answer"))
    }

    /// Polls `path` until `ok(status, body)` holds; panics after `CHANGE` with what was
    /// served last and what the server printed.
    fn wait_for(&mut self, what: &str, path: &str, ok: impl Fn(u16, &str) -> bool) {
        let started = Instant::now();
        let mut last = None;
        while started.elapsed() < CHANGE {
            if let Some((status, body)) = self.try_get(path) {
                if ok(status, &body) {
                    return;
                }
                last = Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.take_lines();
        panic!(
            "{what}: GET {path} did not show it within {CHANGE:?} (last status {last:?}); \
             the server printed:\n{}",
            self.seen.join("\n")
        );
    }

    fn wait_text(&mut self, what: &str, path: &str, text: &str) {
        self.wait_for(what, path, |s, b| s == 200 && b.contains(text));
    }

    fn wait_status(&mut self, what: &str, path: &str, status: u16) {
        self.wait_for(what, path, |s, _| s == status);
    }

    /// Ctrl-C, as a user stops it: the server finishes a running search-index refresh and
    /// saves its manifest before it prints `stopped`.
    fn stop(&mut self) {
        support::ctrl_c(&self.child);
        self.wait_line("stopped", Duration::from_secs(120));
        let status = self.child.wait().unwrap();
        assert!(status.success(), "serve exited with {status}");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn edit(path: &Path, f: impl FnOnce(String) -> String) {
    let text = std::fs::read_to_string(path).unwrap();
    let new = f(text.clone());
    assert_ne!(new, text, "the edit of {} changes nothing", path.display());
    std::fs::write(path, new).unwrap();
}

/// The files that differ between two trees: only in one of them, or different bytes.
fn differences(served: &Path, built: &Path) -> Vec<String> {
    let (a, b) = (files(served), files(built));
    let mut diffs = Vec::new();
    for (path, bytes) in &a {
        match b.get(path) {
            None => diffs.push(format!("only in serve: {path}")),
            Some(other) if other != bytes => diffs.push(format!("differs: {path}")),
            Some(_) => {}
        }
    }
    for path in b.keys().filter(|p| !a.contains_key(*p)) {
        diffs.push(format!("only in build: {path}"));
    }
    diffs
}

const NEW_KK: &str = "---\ntitle: Пайдаланушы қосқан жаңа мақала\ndate: 2025-12-20\n\
regions: [\"Астана\"]\n---\nЖаңа мақаланың мәтіні: user-new-kk.\n";
const NEW_RU: &str = "---\ntitle: Новая статья пользователя\ndate: 2025-12-20\n\
regions: [\"Астана\"]\n---\nТекст новой статьи: user-new-ru.\n";

#[test]
fn a_users_editing_session_ends_with_the_same_site_as_a_clean_build() {
    let (_tmp, site) = portal_copy();
    let mut server = Server::start(&site, &[]);
    // No --root: the site is the working directory.
    assert!(site.join(".qostil/serve/kk/index.html").is_file());
    assert_eq!(server.get("/kk/").0, 200);
    let p = |rel: &str| site.join(rel);

    // 1. A body edit.
    edit(&p(ARTICLE), |t| {
        format!("{t}\nДенеге қосылған сөйлем user-body.\n")
    });
    server.wait_text("body edit", ARTICLE_URL, "user-body");

    // 2. A title edit: the card on the section list shows it.
    edit(&p(ARTICLE), |t| {
        t.replacen(
            "title: Абай облысының",
            "title: user-title Абай облысының",
            1,
        )
    });
    server.wait_text("title edit", "/kk/news/", "user-title Абай облысының");

    // 3. A new article, kk and ru: both pages, and each links to the other.
    std::fs::write(p("content/kk/news/user-jana.md"), NEW_KK).unwrap();
    std::fs::write(p("content/ru/news/user-jana.md"), NEW_RU).unwrap();
    server.wait_text("new kk article", "/kk/news/user-jana/", "user-new-kk");
    server.wait_text("new ru article", "/ru/news/user-jana/", "user-new-ru");
    server.wait_text(
        "new kk article links to its translation",
        "/kk/news/user-jana/",
        "/ru/news/user-jana/",
    );
    server.wait_text(
        "new article on the list",
        "/kk/news/",
        "Пайдаланушы қосқан жаңа мақала",
    );

    // 4. Renaming an article file (both languages, one after the other).
    for lang in ["kk", "ru"] {
        std::fs::rename(
            p(&format!("content/{lang}/news/user-jana.md")),
            p(&format!("content/{lang}/news/user-qayta.md")),
        )
        .unwrap();
        let text = format!("user-new-{lang}");
        server.wait_text(
            "renamed article",
            &format!("/{lang}/news/user-qayta/"),
            &text,
        );
        server.wait_status(
            "old name of a renamed article",
            &format!("/{lang}/news/user-jana/"),
            404,
        );
    }

    // 5. Deleting one: the Russian translation; the Kazakh page no longer links to it.
    std::fs::remove_file(p("content/ru/news/user-qayta.md")).unwrap();
    server.wait_status("deleted article", "/ru/news/user-qayta/", 404);
    server.wait_for(
        "the translation link of a deleted article",
        "/kk/news/user-qayta/",
        |s, b| s == 200 && !b.contains("/ru/news/user-qayta/"),
    );

    // 6. A UI string.
    edit(&p("themes/portal/i18n/kk.yaml"), |t| {
        t.replacen(
            "latest_news: \"Соңғы жаңалықтар\"",
            "latest_news: \"Соңғы жаңалықтар user-ui\"",
            1,
        )
    });
    server.wait_text("UI string edit", "/kk/", "Соңғы жаңалықтар user-ui");

    // 7. A template.
    edit(&p("themes/portal/templates/page.html"), |t| {
        t.replacen(
            "{% block main %}",
            "{% block main %}<!-- user-template -->",
            1,
        )
    });
    server.wait_text("template edit", ARTICLE_URL, "<!-- user-template -->");

    // 8. site.yaml: the Kazakh title.
    edit(&p("site.yaml"), |t| {
        t.replacen(
            "kk: \"Жұмысшы мамандықтары жылы\"",
            "kk: \"Жұмысшы мамандықтары жылы user-site\"",
            1,
        )
    });
    server.wait_text(
        "site.yaml edit",
        "/kk/",
        "Жұмысшы мамандықтары жылы user-site",
    );

    // 9. A site static/ folder that did not exist at start, made with a file in it at once.
    assert_eq!(server.get("/user-file.txt").0, 404);
    std::fs::create_dir(p("static")).unwrap();
    std::fs::write(p("static/user-file.txt"), "user-static\n").unwrap();
    server.wait_text("new static folder", "/user-file.txt", "user-static");

    // 10. Renaming a section folder, kk then ru. site.yaml's menu names the section: once
    // one language has the new folder the menu can follow, before the last `news` goes.
    for (lang, slug) in [("kk", SLUG), ("ru", RU_SLUG)] {
        if lang == "ru" {
            edit(&p("site.yaml"), |t| {
                t.replacen("{ section: news }", "{ section: zhanalyqtar }", 1)
            });
            server.wait_text(
                "menu follows the section",
                "/kk/",
                "href=\"/kk/zhanalyqtar/\"",
            );
        }
        std::fs::rename(
            p(&format!("content/{lang}/news")),
            p(&format!("content/{lang}/zhanalyqtar")),
        )
        .unwrap();
        server.wait_status("renamed section", &format!("/{lang}/zhanalyqtar/"), 200);
        server.wait_status("old section URL", &format!("/{lang}/news/"), 404);
        server.wait_status(
            "article of a renamed section",
            &format!("/{lang}/zhanalyqtar/{slug}/"),
            200,
        );
        server.wait_status("old article URL", &format!("/{lang}/news/{slug}/"), 404);
    }

    // Idle: the search index follows once edits pause (no terminal line for it); Ctrl-C
    // waits for a refresh that is running.
    server.settle();
    server.stop();
    let lines = server.seen.join("\n");
    assert!(
        !lines.contains("does not build"),
        "a step did not build:\n{lines}"
    );

    let built = site.parent().unwrap().join("clean-build");
    let output = Command::new(env!("CARGO_BIN_EXE_qostil"))
        // Serve renders with its preview origin, and puts its own in the responses.
        .args([
            "build",
            "--clean",
            "--base-url",
            qostil::serve::PREVIEW_ORIGIN,
        ])
        .arg("--output")
        .arg(&built)
        .current_dir(&site)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "clean build failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    // Both trees hold the final sources, search index included.
    let article = format!("kk/zhanalyqtar/{SLUG}/index.html");
    for dir in [site.join(".qostil/serve"), built.clone()] {
        let page = std::fs::read_to_string(dir.join(&article)).unwrap();
        assert!(page.contains("user-body") && page.contains("<!-- user-template -->"));
        assert!(dir.join("kk/search/meta.json").is_file());
        assert!(dir.join("user-file.txt").is_file());
    }
    let diffs = differences(&site.join(".qostil/serve"), &built);
    assert!(
        diffs.is_empty(),
        "{} files of .qostil/serve/ differ from a clean build:\n{}\nthe server printed:\n{lines}",
        diffs.len(),
        diffs.join("\n")
    );
}

/// A body edit is served when the site is named by `--root` relative to the working
/// directory: `.` inside the site, or `../portal` from a folder beside it (the working
/// directory's parent is the site's parent).
fn body_edit_with_root(beside: bool) {
    let (tmp, site) = portal_copy();
    let (cwd, root) = if beside {
        let cwd = tmp.path().join("elsewhere");
        std::fs::create_dir(&cwd).unwrap();
        (cwd, "../portal")
    } else {
        (site.clone(), ".")
    };
    let mut server = Server::start(&cwd, &["--root", root]);
    assert!(site.join(".qostil/serve/kk/index.html").is_file());
    assert!(!cwd.join(".qostil").exists() || !beside);
    edit(&site.join(ARTICLE), |t| {
        format!("{t}\nДенеге қосылған сөйлем user-root.\n")
    });
    server.wait_text("body edit", ARTICLE_URL, "user-root");
}

#[test]
fn serve_with_root_dot_follows_a_body_edit() {
    body_edit_with_root(false);
}

#[test]
fn serve_with_a_relative_root_follows_a_body_edit() {
    body_edit_with_root(true);
}

#[test]
fn a_second_serve_of_the_site_names_the_first_and_a_build_beside_it_goes_on() {
    let (_tmp, site) = portal_copy();
    let first = Server::start(&site, &[]);
    let mut second = Command::new(env!("CARGO_BIN_EXE_qostil"))
        .args(["serve", "--port", "0"])
        .current_dir(&site)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while second.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = second.kill();
            panic!("a second serve of the same site kept running");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = second.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let address = format!("qostil serve at http://127.0.0.1:{}/", first.port);
    assert!(
        stderr.contains("another qostil is writing") && stderr.contains(&address),
        "{stderr}"
    );
    assert!(!stderr.contains("did not write"), "{stderr}");
    // The first one goes on serving, and a build into public/ does not wait for it.
    assert_eq!(first.get(ARTICLE_URL).0, 200);
    let build = Command::new(env!("CARGO_BIN_EXE_qostil"))
        .args(["--quiet", "build"])
        .current_dir(&site)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    // Killed, the first leaves no lock behind: a new serve starts.
    drop(first);
    let again = Server::start(&site, &[]);
    assert_eq!(again.get(ARTICLE_URL).0, 200);
}

/// Serve saves its manifest when it stops and while the editor pauses, not at every write. A
/// serve killed in between (a closed terminal, `kill -9`) leaves files its manifest does not
/// list: the next one starts all the same, and serves none of them as current.
#[test]
fn a_serve_killed_before_saving_its_manifest_leaves_nothing_stale_for_the_next() {
    let (_tmp, site) = portal_copy();
    let first = Server::start(&site, &[]);
    // The start's search index is written in the background after the pages.
    let meta = site.join(".qostil/serve/ru/search/meta.json");
    let deadline = Instant::now() + Duration::from_secs(60);
    while !meta.is_file() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(meta.is_file(), "the search index was never written");
    drop(first); // SIGKILL
                 // What it could also have left: the page of an article deleted since, and a new
                 // article's page written before its manifest was saved.
    let serve = site.join(".qostil/serve");
    std::fs::create_dir_all(serve.join("kk/news/zhoiylgan")).unwrap();
    std::fs::write(serve.join("kk/news/zhoiylgan/index.html"), "old page").unwrap();
    std::fs::write(site.join("content/kk/news/user-jana.md"), NEW_KK).unwrap();
    std::fs::create_dir_all(serve.join("kk/news/user-jana")).unwrap();
    std::fs::write(serve.join("kk/news/user-jana/index.html"), "half").unwrap();

    let mut second = Server::start(&site, &[]);
    second.take_lines();
    assert!(
        !second.seen.iter().any(|l| l.contains("error")),
        "{}",
        second.seen.join("\n")
    );
    assert_eq!(second.get("/kk/").0, 200);
    assert_eq!(second.get("/kk/news/zhoiylgan/").0, 404);
    let (status, body) = second.get("/kk/news/user-jana/");
    assert_eq!(status, 200);
    assert!(body.contains("user-new-kk"), "{body}");
}
