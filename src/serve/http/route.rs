//! What a request target gets: a file of the output folder (HTML pages with the
//! live-reload script added), the translation desk, the live-reload script, a redirect to a
//! folder's page, the 404 page, or the event stream.

use std::io::Read;
use std::path::{Component, Path, PathBuf};

use super::response::Response;
use super::HttpContext;

pub const EVENTS_PATH: &str = "/_qostil/events";
pub const SCRIPT_PATH: &str = "/_qostil/livereload.js";
pub const DESK_PATH: &str = "/_qostil/translations/";
const SCRIPT: &str = include_str!("../livereload.js");

/// Decodes and checks a request path: `None` for anything that could leave the output
/// folder (`..`, encoded or not, backslashes, NUL).
pub fn safe_relative_path(url_path: &str) -> Option<PathBuf> {
    let decoded = percent_encoding::percent_decode_str(url_path)
        .decode_utf8()
        .ok()?;
    if decoded.contains('\0') || decoded.contains('\\') {
        return None;
    }
    let mut rel = PathBuf::new();
    for part in decoded.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            p => rel.push(p),
        }
    }
    if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return None;
    }
    Some(rel)
}

fn content_type(path: &Path) -> String {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let essence = mime.essence_str();
    let text = mime.type_() == "text"
        || matches!(
            essence,
            "application/javascript" | "application/json" | "application/xml" | "image/svg+xml"
        )
        || essence.ends_with("+xml");
    if text {
        format!("{essence}; charset=utf-8")
    } else {
        essence.to_string()
    }
}

/// Adds the live-reload script to an HTML page.
fn inject(html: &[u8], not_found: bool) -> Vec<u8> {
    let flag = if not_found {
        "<script>window.__qostilNotFound=true</script>"
    } else {
        ""
    };
    let tag = format!("{flag}<script src=\"{SCRIPT_PATH}\" defer></script>");
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(i) => format!("{}{tag}{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{text}{tag}").into_bytes(),
    }
}

fn redirect(path: &str, query: Option<&str>) -> Response {
    // One slash at a time: `//kk/` in a Location header would name the host `kk`.
    let mut location = String::with_capacity(path.len() + 1);
    for c in path.chars() {
        if !(c == '/' && location.ends_with('/')) {
            location.push(c);
        }
    }
    if !location.ends_with('/') {
        location.push('/');
    }
    if let Some(q) = query {
        location.push('?');
        location.push_str(q);
    }
    Response::text(301, &format!("Moved to {location}\n")).header("Location", &location)
}

fn read_file(path: &Path) -> Option<Vec<u8>> {
    let mut file = std::fs::File::open(path).ok()?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).ok()?;
    Some(bytes)
}

/// The file a request maps to, if it exists inside the output folder (symlinks resolved).
fn resolve(dir: &Path, rel: &Path) -> Option<PathBuf> {
    let path = dir.join(rel);
    let canonical = path.canonicalize().ok()?;
    let root = dir.canonicalize().ok()?;
    (canonical.starts_with(&root) && canonical.is_file()).then_some(canonical)
}

fn not_found(ctx: &HttpContext) -> Response {
    let page = read_file(&ctx.dir.join("404.html"))
        .unwrap_or_else(|| b"<!DOCTYPE html><title>404</title><h1>404</h1>".to_vec());
    Response::new(404, "text/html; charset=utf-8", inject(&page, true))
}

/// What a request gets: a response, or the event stream.
#[derive(Debug)]
pub enum Reply {
    Send(Response),
    Events,
}

/// The answer to a GET (or HEAD) of `target`, in origin form.
pub fn route(target: &str, ctx: &HttpContext) -> Reply {
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (target, None),
    };
    if path == EVENTS_PATH {
        return Reply::Events;
    }
    Reply::Send(with_origin(page(path, query, ctx), &ctx.origins))
}

/// Serve renders the preview with one origin whatever its port (`serve::PREVIEW_ORIGIN`), so
/// that a start on another port keeps every output: each text response names the server's
/// own origin instead, as written and as the `urlencode` and `urlencode_strict` filters
/// write it (share links). Pairs of (what the files hold, what the browser gets).
pub fn origin_rewrites(preview: &str, origin: &str) -> Vec<(String, String)> {
    use percent_encoding::{percent_encode, NON_ALPHANUMERIC};
    // Tera's `urlencode` keeps what Python's `quote` keeps: `/` and `-._~`.
    const QUOTE: &percent_encoding::AsciiSet = &NON_ALPHANUMERIC
        .remove(b'/')
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    let mut pairs = vec![(preview.to_string(), origin.to_string())];
    for set in [QUOTE, NON_ALPHANUMERIC] {
        let encoded = |s: &str| percent_encode(s.as_bytes(), set).to_string();
        pairs.push((encoded(preview), encoded(origin)));
    }
    pairs.retain(|(from, to)| from != to);
    pairs.dedup();
    pairs
}

/// A text response with the preview origin replaced by the server's (see `origin_rewrites`).
fn with_origin(mut response: Response, origins: &[(String, String)]) -> Response {
    let text = response
        .headers
        .iter()
        .any(|(name, value)| *name == "Content-Type" && value.ends_with("charset=utf-8"));
    if !text || origins.is_empty() {
        return response;
    }
    let mut body = match String::from_utf8(std::mem::take(&mut response.body)) {
        Ok(body) => body,
        Err(e) => {
            // Not UTF-8 after all: served as it is.
            response.body = e.into_bytes();
            return response;
        }
    };
    for (from, to) in origins {
        if body.contains(from.as_str()) {
            body = body.replace(from.as_str(), to);
        }
    }
    response.body = body.into_bytes();
    response
}

fn page(path: &str, query: Option<&str>, ctx: &HttpContext) -> Response {
    if path == DESK_PATH || path == DESK_PATH.trim_end_matches('/') {
        let page = ctx.desk.lock().map(|d| d.clone()).unwrap_or_default();
        return Response::new(
            200,
            "text/html; charset=utf-8",
            inject(page.as_bytes(), false),
        );
    }
    if path == SCRIPT_PATH {
        return Response::new(
            200,
            "text/javascript; charset=utf-8",
            SCRIPT.as_bytes().to_vec(),
        );
    }
    let Some(rel) = safe_relative_path(path) else {
        return not_found(ctx);
    };
    let candidate = if path.ends_with('/') {
        rel.join("index.html")
    } else {
        rel.clone()
    };
    if let Some(file) = resolve(&ctx.dir, &candidate) {
        let Some(bytes) = read_file(&file) else {
            return not_found(ctx);
        };
        let mime = content_type(&file);
        let body = if mime.starts_with("text/html") {
            inject(&bytes, false)
        } else {
            bytes
        };
        return Response::new(200, &mime, body);
    }
    // `/kk/news` → `/kk/news/` when that folder has a page.
    if !path.ends_with('/') && resolve(&ctx.dir, &rel.join("index.html")).is_some() {
        return redirect(path, query);
    }
    not_found(ctx)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn traversal_is_refused() {
        assert_eq!(
            safe_relative_path("/kk/news/"),
            Some(PathBuf::from("kk/news"))
        );
        assert_eq!(safe_relative_path("/%D0%B0/"), Some(PathBuf::from("а")));
        assert_eq!(safe_relative_path("/../etc/passwd"), None);
        assert_eq!(safe_relative_path("/kk/%2e%2e/%2e%2e/x"), None);
        assert_eq!(safe_relative_path("/kk/..%2f..%2fx"), None);
        assert_eq!(safe_relative_path("/a\\..\\b"), None);
        assert_eq!(safe_relative_path("/a%00b"), None);
    }

    #[test]
    fn text_types_carry_utf8() {
        assert_eq!(
            content_type(Path::new("a.html")),
            "text/html; charset=utf-8"
        );
        assert_eq!(content_type(Path::new("a.css")), "text/css; charset=utf-8");
        assert_eq!(
            content_type(Path::new("atom.xml")),
            "text/xml; charset=utf-8"
        );
        assert_eq!(content_type(Path::new("a.png")), "image/png");
    }

    #[test]
    fn injects_before_body_end() {
        let out = String::from_utf8(inject(b"<html><body>x</body></html>", false)).unwrap();
        assert!(out.contains("x<script src=\"/_qostil/livereload.js\" defer></script></body>"));
    }

    fn site() -> (tempfile::TempDir, HttpContext) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("kk/news")).unwrap();
        std::fs::write(dir.path().join("kk/index.html"), "<body>kk</body>").unwrap();
        std::fs::write(dir.path().join("kk/news/index.html"), "<body>n</body>").unwrap();
        let ctx = HttpContext {
            dir: dir.path().to_path_buf(),
            events: Arc::default(),
            desk: Arc::default(),
            origins: origin_rewrites("http://preview.invalid", "http://127.0.0.1:1234"),
        };
        (dir, ctx)
    }

    fn location(target: &str, ctx: &HttpContext) -> Option<String> {
        let Reply::Send(response) = route(target, ctx) else {
            panic!("not a page: {target}");
        };
        assert_eq!(response.status, 301, "{target}");
        response
            .headers
            .iter()
            .find(|(name, _)| *name == "Location")
            .map(|(_, value)| value.clone())
    }

    #[test]
    fn redirects_have_one_leading_slash() {
        let (_dir, ctx) = site();
        assert_eq!(location("/kk", &ctx).as_deref(), Some("/kk/"));
        assert_eq!(location("//kk", &ctx).as_deref(), Some("/kk/"));
        assert_eq!(location("///kk?a=//b", &ctx).as_deref(), Some("/kk/?a=//b"));
        assert_eq!(location("//kk//news", &ctx).as_deref(), Some("/kk/news/"));
        let Reply::Send(page) = route("//kk/", &ctx) else {
            panic!("not a page");
        };
        assert_eq!(page.status, 200);
    }

    #[test]
    fn responses_carry_length_and_close() {
        let (_dir, ctx) = site();
        let Reply::Send(response) = route("/kk/", &ctx) else {
            panic!("not a page");
        };
        let mut get = Vec::new();
        response.write_to(&mut get, false).unwrap();
        let mut head = Vec::new();
        response.write_to(&mut head, true).unwrap();
        let get = String::from_utf8(get).unwrap();
        let head = String::from_utf8(head).unwrap();
        assert!(get.starts_with("HTTP/1.1 200 OK\r\n"), "{get}");
        assert!(get.contains(&format!("Content-Length: {}\r\n", response.body.len())));
        assert!(get.contains("Connection: close\r\n"));
        assert!(get.ends_with("</script></body>"), "{get}");
        assert_eq!(
            head,
            get.split_once("\r\n\r\n").unwrap().0.to_string() + "\r\n\r\n"
        );
        assert!(matches!(route("/_qostil/events?x", &ctx), Reply::Events));
    }

    #[test]
    fn text_responses_name_the_servers_origin() {
        let (dir, ctx) = site();
        let page = "<link rel=\"canonical\" href=\"http://preview.invalid/kk/\">\
            <a href=\"https://t.me/share/url?url=http%3A%2F%2Fpreview%2Einvalid%2Fkk%2F\">\
            <a href=\"?u=http%3A//preview.invalid/kk/\"><body></body>";
        std::fs::write(dir.path().join("kk/index.html"), page).unwrap();
        let feed = "<feed><id>http://preview.invalid/kk/</id></feed>";
        std::fs::write(dir.path().join("kk/atom.xml"), feed).unwrap();
        // Not text: served byte for byte.
        std::fs::write(dir.path().join("kk/x.png"), b"http://preview.invalid\xff").unwrap();
        let body = |target: &str| {
            let Reply::Send(response) = route(target, &ctx) else {
                panic!("not a page");
            };
            response.body
        };
        let html = String::from_utf8(body("/kk/")).unwrap();
        assert!(
            html.contains("href=\"http://127.0.0.1:1234/kk/\""),
            "{html}"
        );
        assert!(
            html.contains("url=http%3A%2F%2F127%2E0%2E0%2E1%3A1234%2Fkk%2F"),
            "{html}"
        );
        assert!(html.contains("?u=http%3A//127.0.0.1%3A1234/kk/"), "{html}");
        assert!(!html.contains("preview"), "{html}");
        let xml = String::from_utf8(body("/kk/atom.xml")).unwrap();
        assert_eq!(xml, "<feed><id>http://127.0.0.1:1234/kk/</id></feed>");
        assert_eq!(body("/kk/x.png"), b"http://preview.invalid\xff");
    }
}
