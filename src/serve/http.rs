//! The preview server: serves the output folder over HTTP on loopback, injects the
//! live-reload script into pages, and streams rebuild events (Server-Sent Events).

use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tiny_http::{Header, Method, Request, Response, StatusCode};

pub const EVENTS_PATH: &str = "/_qostil/events";
pub const SCRIPT_PATH: &str = "/_qostil/livereload.js";
pub const DESK_PATH: &str = "/_qostil/translations/";
const SCRIPT: &str = include_str!("livereload.js");

/// Delivers each rebuild event to every connected browser.
#[derive(Default)]
pub struct Broadcaster {
    clients: Mutex<Vec<Sender<String>>>,
    /// The current build error, shown to browsers that connect while it lasts.
    error: Mutex<Option<Vec<String>>>,
}

impl Broadcaster {
    pub fn send(&self, event: &str, data: &str) {
        let message = format!("event: {event}\ndata: {data}\n\n");
        if let Ok(mut clients) = self.clients.lock() {
            clients.retain(|c| c.send(message.clone()).is_ok());
        }
    }

    pub fn set_error(&self, error: Option<Vec<String>>) {
        if let Ok(mut e) = self.error.lock() {
            *e = error;
        }
    }

    fn subscribe(&self) -> (Receiver<String>, String) {
        let (tx, rx) = channel();
        if let Ok(mut clients) = self.clients.lock() {
            clients.push(tx);
        }
        let error = self.error.lock().ok().and_then(|e| e.clone());
        let hello = serde_json::json!({ "error": error }).to_string();
        (rx, hello)
    }
}

pub struct HttpContext {
    /// The folder served: the last good output.
    pub dir: PathBuf,
    pub events: Arc<Broadcaster>,
    /// The translation desk page of the last good site.
    pub desk: Arc<Mutex<String>>,
}

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

fn header(name: &str, value: &str) -> Option<Header> {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
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

fn respond_bytes(request: Request, status: u16, mime: &str, body: Vec<u8>) {
    let head_only = *request.method() == Method::Head;
    let length = body.len();
    let mut response = Response::from_data(if head_only { Vec::new() } else { body })
        .with_status_code(StatusCode(status));
    for h in [
        header("Content-Type", mime),
        header("Cache-Control", "no-cache"),
        header("X-Content-Type-Options", "nosniff"),
    ]
    .into_iter()
    .flatten()
    {
        response.add_header(h);
    }
    if head_only {
        if let Some(h) = header("Content-Length", &length.to_string()) {
            response.add_header(h);
        }
    }
    let _ = request.respond(response);
}

fn redirect(request: Request, location: &str) {
    let mut response =
        Response::from_string(format!("Moved to {location}\n")).with_status_code(StatusCode(301));
    if let Some(h) = header("Location", location) {
        response.add_header(h);
    }
    let _ = request.respond(response);
}

/// Streams events to one browser until it disconnects or the server stops.
fn stream_events(request: Request, events: &Broadcaster) {
    let (rx, hello) = events.subscribe();
    let mut writer = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n";
    if writer.write_all(head.as_bytes()).is_err()
        || writer
            .write_all(format!("retry: 500\nevent: hello\ndata: {hello}\n\n").as_bytes())
            .is_err()
        || writer.flush().is_err()
    {
        return;
    }
    loop {
        let message = match rx.recv_timeout(Duration::from_secs(15)) {
            Ok(m) => m,
            // A comment line keeps proxies from closing the stream and finds dead clients.
            Err(RecvTimeoutError::Timeout) => ": ping\n\n".to_string(),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if writer.write_all(message.as_bytes()).is_err() || writer.flush().is_err() {
            return;
        }
    }
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

fn not_found(request: Request, ctx: &HttpContext) {
    let page = read_file(&ctx.dir.join("404.html"))
        .unwrap_or_else(|| b"<!DOCTYPE html><title>404</title><h1>404</h1>".to_vec());
    respond_bytes(
        request,
        404,
        "text/html; charset=utf-8",
        inject(&page, true),
    );
}

/// Handles one request. Event streams run until the browser leaves, so call this on a thread
/// of its own for them.
pub fn handle(request: Request, ctx: &HttpContext) {
    if !matches!(request.method(), Method::Get | Method::Head) {
        respond_bytes(
            request,
            405,
            "text/plain; charset=utf-8",
            b"method not allowed\n".to_vec(),
        );
        return;
    }
    let url = request.url().to_string();
    let (path, query) = match url.split_once('?') {
        Some((p, q)) => (p.to_string(), Some(q.to_string())),
        None => (url.clone(), None),
    };
    if path == EVENTS_PATH {
        stream_events(request, &ctx.events);
        return;
    }
    if path == DESK_PATH || path == DESK_PATH.trim_end_matches('/') {
        let page = ctx.desk.lock().map(|d| d.clone()).unwrap_or_default();
        respond_bytes(
            request,
            200,
            "text/html; charset=utf-8",
            inject(page.as_bytes(), false),
        );
        return;
    }
    if path == SCRIPT_PATH {
        respond_bytes(
            request,
            200,
            "text/javascript; charset=utf-8",
            SCRIPT.as_bytes().to_vec(),
        );
        return;
    }
    let Some(rel) = safe_relative_path(&path) else {
        not_found(request, ctx);
        return;
    };
    let candidate = if path.ends_with('/') {
        rel.join("index.html")
    } else {
        rel.clone()
    };
    if let Some(file) = resolve(&ctx.dir, &candidate) {
        let Some(bytes) = read_file(&file) else {
            not_found(request, ctx);
            return;
        };
        let mime = content_type(&file);
        let body = if mime.starts_with("text/html") {
            inject(&bytes, false)
        } else {
            bytes
        };
        respond_bytes(request, 200, &mime, body);
        return;
    }
    // `/kk/news` → `/kk/news/` when that folder has a page.
    if !path.ends_with('/') && resolve(&ctx.dir, &rel.join("index.html")).is_some() {
        let location = match query {
            Some(q) => format!("{path}/?{q}"),
            None => format!("{path}/"),
        };
        redirect(request, &location);
        return;
    }
    not_found(request, ctx);
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
