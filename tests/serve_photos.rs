//! `qostil serve` with photos: adding, replacing and deleting a bundle photo updates the
//! preview, and a replaced photo is the only one encoded again (the others' variants stay
//! in `.qostil/images/` untouched).

use std::path::{Path, PathBuf};
use std::process::Child;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant, SystemTime};

mod support;

#[path = "support/photos.rs"]
mod photos;

const BUNDLE: &str = "content/kk/news/festival";
const PAGE: &str = "/kk/news/festival/";

struct Server {
    child: Child,
    port: u16,
    root: tempfile::TempDir,
    lines: Receiver<String>,
}

impl Server {
    /// Serves a copy of tests/fixtures/photos with its photos made.
    fn start() -> Server {
        let root = tempfile::tempdir().unwrap();
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        support::copy_dir(&repo.join("tests/fixtures/photos"), root.path());
        support::copy_dir(
            &repo.join("themes/portal"),
            &root.path().join("themes/portal"),
        );
        photos::write_fixture_photos(root.path());
        // Debug builds encode slowly: the first build of the fixture takes a while.
        let (child, port, lines, _) =
            support::start_serve(root.path(), Duration::from_secs(300), true);
        Server {
            child,
            port,
            root,
            lines,
        }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root.path().join(rel)
    }

    fn get(&self, path: &str) -> (u16, String) {
        let (status, _, body) = support::http(self.port, "GET", path, Duration::from_secs(30));
        (status, body)
    }

    /// Waits until the page at `path` satisfies `ok` (the preview caught up with an edit).
    fn wait_for(&self, path: &str, what: &str, ok: impl Fn(u16, &str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let (status, body) = self.get(path);
            if ok(status, &body) {
                return body;
            }
            let printed: Vec<String> = self.lines.try_iter().collect();
            assert!(
                Instant::now() < deadline,
                "{path}: never {what}; serve printed:\n{}\nlast body:\n{body}",
                printed.join("\n")
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// The variants cache: file name → modification time.
    fn cache(&self) -> std::collections::BTreeMap<String, SystemTime> {
        std::fs::read_dir(self.path(".qostil/images"))
            .unwrap()
            .map(|e| e.unwrap())
            .map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                (name, e.metadata().unwrap().modified().unwrap())
            })
            .collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn adding_replacing_and_deleting_a_photo_updates_the_preview_and_encodes_only_that_photo() {
    let server = Server::start();
    let page = server.get(PAGE).1;
    assert!(page.contains("tiny-64.png 64w"), "{page}");
    let before = server.cache();

    // Replaced: another size, published under new names; only its variants are made.
    std::fs::write(
        server.path(&format!("{BUNDLE}/tiny.png")),
        photos::png_with_alpha(100, 50),
    )
    .unwrap();
    server.wait_for(PAGE, "showed the new tiny.png", |s, b| {
        s == 200 && b.contains("tiny-100.png 100w")
    });
    assert_eq!(server.get("/kk/news/festival/tiny-100.webp").0, 200);
    assert_eq!(server.get("/kk/news/festival/tiny-64.webp").0, 404);
    let after = server.cache();
    let new: Vec<&String> = after.keys().filter(|k| !before.contains_key(*k)).collect();
    // Two variants and the photo's size record; nothing else was made or rewritten.
    assert_eq!(new.len(), 3, "{new:?}");
    for (name, modified) in &before {
        assert_eq!(after.get(name), Some(modified), "{name} was written again");
    }

    // Added and shown: a new photo in the bundle and a Markdown image of it.
    std::fs::write(
        server.path(&format!("{BUNDLE}/new.jpg")),
        photos::jpeg(600, 400, 1, true, 80),
    )
    .unwrap();
    let index = server.path(&format!("{BUNDLE}/index.md"));
    support::edit(&index, |t| format!("{t}\n![Жаңа](new.jpg)\n"));
    server.wait_for(PAGE, "showed new.jpg", |s, b| {
        s == 200 && b.contains("new-480.jpg 480w")
    });

    // Deleted while a page shows it: the error is printed and the last good preview stays.
    std::fs::remove_file(server.path(&format!("{BUNDLE}/new.jpg"))).unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let line = server
            .lines
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .expect("no error line about new.jpg");
        if line.contains("content/kk/news/festival/index.md:") && line.contains("new.jpg") {
            break;
        }
    }
    assert!(server.get(PAGE).1.contains("new-480.jpg 480w"));
    // The reference removed too: the page no longer shows it, its variants are gone.
    support::edit(&index, |t| t.replace("\n![Жаңа](new.jpg)\n", ""));
    server.wait_for(PAGE, "dropped new.jpg", |s, b| {
        s == 200 && !b.contains("new-480")
    });
    assert_eq!(server.get("/kk/news/festival/new-480.jpg").0, 404);
}

#[test]
fn replacing_a_static_photo_a_page_shows_updates_its_variants() {
    let server = Server::start();
    std::fs::create_dir_all(server.path("static/img")).unwrap();
    std::fs::write(
        server.path("static/img/square.jpg"),
        photos::jpeg(600, 400, 1, false, 80),
    )
    .unwrap();
    let index = server.path(&format!("{BUNDLE}/index.md"));
    support::edit(&index, |t| format!("{t}\n![Алаң](/img/square.jpg)\n"));
    server.wait_for(PAGE, "showed /img/square.jpg", |s, b| {
        s == 200 && b.contains("/img/square-480.webp 480w\"")
    });
    assert_eq!(server.get("/img/square-480.jpg").0, 200);

    // Replaced by a wider photo under the same name: the page and the variants follow.
    let wider = photos::jpeg(1000, 600, 1, false, 80);
    std::fs::write(server.path("static/img/square.jpg"), &wider).unwrap();
    server.wait_for(PAGE, "showed the wider /img/square.jpg", |s, b| {
        s == 200 && b.contains("/img/square-480.webp 480w, /img/square-960.webp 960w")
    });
    assert_eq!(server.get("/img/square-960.jpg").0, 200);
    let (status, original) = server.get("/img/square.jpg");
    assert_eq!(
        (status, original.len()),
        (200, String::from_utf8_lossy(&wider).len())
    );
}
