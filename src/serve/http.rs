//! The preview server: serves the output folder over HTTP on loopback, injects the
//! live-reload script into pages, and streams rebuild events (Server-Sent Events).
//!
//! A small HTTP/1.1 server of its own, on `std::net`: GET and HEAD only, one request per
//! connection (`Connection: close`). The request head is read into a fixed buffer of
//! [`MAX_HEAD`] bytes within [`HEAD_TIMEOUT`], so a client can neither make the server buffer
//! a huge head (431) nor hold a connection by sending slowly (408); a response must be taken
//! within [`WRITE_TIMEOUT`], and at most [`MAX_CONNECTIONS`] are served at once.

use std::io::{self, ErrorKind, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const EVENTS_PATH: &str = "/_qostil/events";
pub const SCRIPT_PATH: &str = "/_qostil/livereload.js";
pub const DESK_PATH: &str = "/_qostil/translations/";
const SCRIPT: &str = include_str!("livereload.js");

/// The request line and headers together, at most; a longer head is answered 431.
pub const MAX_HEAD: usize = 64 * 1024;
/// The whole head must arrive within this time, however slowly it trickles in.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// A client must take a whole response (or one event) within this time.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// Connections served at once (event streams stay open); more are answered 503.
pub const MAX_CONNECTIONS: usize = 512;
/// After answering, what the client still sends is read and dropped for at most this long
/// (and this much), so that closing does not reset the connection before the client has
/// read the answer.
const LINGER_TIME: Duration = Duration::from_secs(1);
const LINGER_BYTES: usize = 1024 * 1024;

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

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}

/// A whole response, written at once.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl Response {
    fn new(status: u16, content_type: &str, body: Vec<u8>) -> Response {
        Response {
            status,
            headers: vec![
                ("Content-Type", content_type.to_string()),
                ("Cache-Control", "no-cache".to_string()),
                ("X-Content-Type-Options", "nosniff".to_string()),
            ],
            body,
        }
    }

    fn text(status: u16, body: &str) -> Response {
        Response::new(
            status,
            "text/plain; charset=utf-8",
            body.as_bytes().to_vec(),
        )
    }

    /// The answer to a request that cannot be served (its head is too large, malformed...).
    fn error(status: u16) -> Response {
        let response = Response::text(status, &format!("{status} {}\n", reason(status)));
        if status == 405 {
            response.header("Allow", "GET, HEAD")
        } else {
            response
        }
    }

    fn header(mut self, name: &'static str, value: &str) -> Response {
        self.headers.push((name, value.to_string()));
        self
    }

    /// Status line, headers and (unless `head_only`) the body, in one write.
    fn write_to(&self, out: &mut impl Write, head_only: bool) -> io::Result<()> {
        let mut head = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!(
            "Content-Length: {}\r\nConnection: close\r\n\r\n",
            self.body.len()
        ));
        let mut bytes = head.into_bytes();
        if !head_only {
            bytes.extend_from_slice(&self.body);
        }
        out.write_all(&bytes)?;
        out.flush()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Head,
}

/// A request the server answers: its method and its target in origin form (`/path?query`).
#[derive(Debug, PartialEq, Eq)]
pub struct Request {
    pub method: Method,
    pub target: String,
}

/// Where the head (request line and headers) ends in `buf`: just after its empty line.
/// Only line ends at or after `from` are looked at (the bytes before were searched already).
fn head_end(buf: &[u8], from: usize) -> Option<usize> {
    (from..buf.len()).find_map(|i| {
        let blank_line = buf[i] == b'\n'
            && (i >= 1 && buf[i - 1] == b'\n'
                || i >= 2 && buf[i - 1] == b'\r' && buf[i - 2] == b'\n');
        blank_line.then_some(i + 1)
    })
}

/// `tchar` of RFC 9110: the characters of methods and header names.
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// The origin form (`/path?query`) of a request target; an absolute-form target
/// (`http://host:port/path?query`) is answered like its path.
fn origin_form(target: &str) -> Option<String> {
    if target.starts_with('/') {
        return Some(target.to_string());
    }
    let rest = ["http://", "https://"].iter().find_map(|scheme| {
        let prefix = target.get(..scheme.len())?;
        prefix
            .eq_ignore_ascii_case(scheme)
            .then(|| target.get(scheme.len()..))
            .flatten()
    })?;
    let at = rest.find(['/', '?']).unwrap_or(rest.len());
    if at == 0 {
        return None;
    }
    let tail = rest.get(at..)?;
    Some(if tail.starts_with('/') {
        tail.to_string()
    } else {
        format!("/{tail}")
    })
}

/// Reads a request head (everything up to the empty line); `Err` is the status to answer
/// with: 400 malformed, 405 not GET or HEAD, 505 not HTTP/1.x.
fn parse_head(head: &[u8]) -> Result<Request, u16> {
    let mut lines = head
        .split(|&b| b == b'\n')
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line));
    let request_line = lines.next().unwrap_or_default();
    let request_line = std::str::from_utf8(request_line).map_err(|_| 400u16)?;
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(400);
    };
    if method.is_empty() || !method.bytes().all(is_token_byte) {
        return Err(400);
    }
    // Visible ASCII only: nothing a Location header could carry into another line, and no
    // tab or newline a browser would drop from a URL.
    if target.is_empty() || !target.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(400);
    }
    match version.as_bytes() {
        [b'H', b'T', b'T', b'P', b'/', b'1', b'.', minor] if minor.is_ascii_digit() => {}
        [b'H', b'T', b'T', b'P', b'/', major, b'.', minor]
            if major.is_ascii_digit() && minor.is_ascii_digit() =>
        {
            return Err(505)
        }
        _ => return Err(400),
    }
    for line in lines.filter(|l| !l.is_empty()) {
        // A header line is `name: value`; folded lines (leading space) are obsolete.
        let name = line.split(|&b| b == b':').next().unwrap_or_default();
        if name.is_empty() || name.len() == line.len() || !name.iter().all(|&b| is_token_byte(b)) {
            return Err(400);
        }
    }
    let method = match method {
        "GET" => Method::Get,
        "HEAD" => Method::Head,
        _ => return Err(405),
    };
    let target = origin_form(target).ok_or(400u16)?;
    Ok(Request { method, target })
}

/// Why no request was read from a connection.
#[derive(Debug, PartialEq, Eq)]
enum HeadError {
    /// The client went away or never sent anything: nothing to answer.
    Closed,
    /// Answer with this status and close.
    Status(u16),
}

/// Reads one request head, never more than [`MAX_HEAD`] bytes and never for longer than
/// [`HEAD_TIMEOUT`] in all.
fn read_head(mut stream: &TcpStream) -> Result<Request, HeadError> {
    let deadline = Instant::now() + HEAD_TIMEOUT;
    let mut buf = vec![0u8; MAX_HEAD];
    let mut len = 0;
    loop {
        if len >= MAX_HEAD {
            return Err(HeadError::Status(431));
        }
        let left = deadline.saturating_duration_since(Instant::now());
        let timed_out = if len == 0 {
            HeadError::Closed
        } else {
            HeadError::Status(408)
        };
        if left.is_zero() {
            return Err(timed_out);
        }
        stream
            .set_read_timeout(Some(left))
            .map_err(|_| HeadError::Closed)?;
        let Some(free) = buf.get_mut(len..) else {
            return Err(HeadError::Status(431));
        };
        match stream.read(free) {
            Ok(0) => return Err(HeadError::Closed),
            Ok(n) => {
                let from = len;
                len += n;
                let filled = buf.get(..len).unwrap_or_default();
                if let Some(end) = head_end(filled, from) {
                    return parse_head(filled.get(..end).unwrap_or_default())
                        .map_err(HeadError::Status);
                }
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return Err(timed_out)
            }
            Err(_) => return Err(HeadError::Closed),
        }
    }
}

/// Writes to a connection that must take the whole response by a deadline, so a client
/// that reads slowly (or not at all) cannot hold its thread.
struct Timed<'a> {
    stream: &'a TcpStream,
    deadline: Instant,
}

impl<'a> Timed<'a> {
    fn new(stream: &'a TcpStream) -> Timed<'a> {
        Timed {
            stream,
            deadline: Instant::now() + WRITE_TIMEOUT,
        }
    }
}

impl Write for Timed<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(ErrorKind::TimedOut.into());
        }
        self.stream.set_write_timeout(Some(left))?;
        let mut stream = self.stream;
        stream.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
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

/// Streams events to one browser until it disconnects or the server stops.
fn stream_events(mut stream: &TcpStream, events: &Broadcaster, head_only: bool) {
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n";
    if stream.set_write_timeout(Some(WRITE_TIMEOUT)).is_err() {
        return;
    }
    if head_only {
        let _ = stream.write_all(head.as_bytes());
        return;
    }
    let (rx, hello) = events.subscribe();
    let first = format!("{head}retry: 500\nevent: hello\ndata: {hello}\n\n");
    if stream.write_all(first.as_bytes()).is_err() {
        return;
    }
    loop {
        let message = match rx.recv_timeout(Duration::from_secs(15)) {
            Ok(m) => m,
            // A comment line keeps proxies from closing the stream and finds dead clients.
            Err(RecvTimeoutError::Timeout) => ": ping\n\n".to_string(),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if stream.write_all(message.as_bytes()).is_err() {
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
    Reply::Send(page(path, query, ctx))
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

/// Serves one connection: reads one request, answers it, closes. Event streams run until
/// the browser leaves, so call this on a thread of its own.
pub fn serve_connection(stream: TcpStream, ctx: &HttpContext) {
    // Responses go out in one write; no waiting for the client's delayed ACK.
    let _ = stream.set_nodelay(true);
    match read_head(&stream) {
        Ok(request) => {
            let head_only = request.method == Method::Head;
            match route(&request.target, ctx) {
                Reply::Send(response) => {
                    let _ = response.write_to(&mut Timed::new(&stream), head_only);
                }
                Reply::Events => stream_events(&stream, &ctx.events, head_only),
            }
        }
        Err(HeadError::Closed) => return,
        Err(HeadError::Status(status)) => {
            let _ = Response::error(status).write_to(&mut Timed::new(&stream), false);
        }
    }
    linger(&stream);
}

/// Closes gracefully: ends the response, then reads and drops what the client still sends
/// for a short while (bounded), so the close does not reset the connection under an answer
/// the client has not read yet (a 431 to a client still sending its head).
fn linger(mut stream: &TcpStream) {
    if stream.shutdown(Shutdown::Write).is_err() {
        return;
    }
    let deadline = Instant::now() + LINGER_TIME;
    let mut sink = [0u8; 8192];
    let mut dropped = 0;
    while dropped < LINGER_BYTES {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return;
        }
        match stream.read(&mut sink) {
            Ok(0) | Err(_) => return,
            Ok(n) => dropped += n,
        }
    }
}

/// Counts a connection as open while it lives.
struct Open(Arc<AtomicUsize>);

impl Drop for Open {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Accepts connections until `stop` is set (and one more connection wakes the loop), one
/// thread per connection: event streams stay open, pages are quick.
pub fn accept_loop(listener: &TcpListener, ctx: HttpContext, stop: &AtomicBool) {
    let ctx = Arc::new(ctx);
    let open = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let stream = match stream {
            Ok(s) => s,
            Err(_) => {
                // Out of file descriptors and the like: do not spin.
                std::thread::sleep(Duration::from_millis(10));
                continue;
            }
        };
        if open.load(Ordering::SeqCst) >= MAX_CONNECTIONS {
            // A fresh socket takes a short answer at once; never wait for it here.
            let _ = stream.set_write_timeout(Some(Duration::from_millis(100)));
            let _ = Response::error(503).write_to(&mut &stream, false);
            continue;
        }
        open.fetch_add(1, Ordering::SeqCst);
        let guard = Open(Arc::clone(&open));
        let ctx = Arc::clone(&ctx);
        // If the thread cannot start, the closure is dropped: the connection is closed and
        // no longer counted.
        let _ = std::thread::Builder::new()
            .name("qostil-http".to_string())
            .spawn(move || {
                let _guard = guard;
                serve_connection(stream, &ctx);
            });
    }
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

    fn get(target: &str) -> Result<Request, u16> {
        parse_head(format!("GET {target} HTTP/1.1\r\nHost: localhost\r\n\r\n").as_bytes())
    }

    #[test]
    fn heads_end_at_the_first_empty_line() {
        assert_eq!(head_end(b"GET / HTTP/1.1\r\nA: b\r\n\r\nrest", 0), Some(24));
        assert_eq!(head_end(b"GET / HTTP/1.1\nA: b\n\n", 0), Some(21));
        assert_eq!(head_end(b"GET / HTTP/1.1\r\nA: b\r\n", 0), None);
        // Searching on from where the last read ended still sees a line end split by it.
        assert_eq!(head_end(b"GET / HTTP/1.1\r\n\r\n", 17), Some(18));
    }

    #[test]
    fn request_heads() {
        assert_eq!(
            get("/kk/?q=1"),
            Ok(Request {
                method: Method::Get,
                target: "/kk/?q=1".to_string()
            })
        );
        assert_eq!(
            parse_head(b"HEAD / HTTP/1.0\r\n\r\n").map(|r| r.method),
            Ok(Method::Head)
        );
        assert_eq!(parse_head(b"POST / HTTP/1.1\r\n\r\n"), Err(405));
        assert_eq!(parse_head(b"GET / HTTP/2.0\r\n\r\n"), Err(505));
        for bad in [
            &b"GET /\r\n\r\n"[..],
            b"GET  / HTTP/1.1\r\n\r\n",
            b"GET / HTTP/1.1 x\r\n\r\n",
            b"GET / HTTX/1.1\r\n\r\n",
            b"\r\n\r\n",
            b"GET /\xd0\xb0 HTTP/1.1\r\n\r\n",
            b"GET /a\tb HTTP/1.1\r\n\r\n",
            b"GET / HTTP/1.1\r\nno colon\r\n\r\n",
            b"GET / HTTP/1.1\r\n: empty name\r\n\r\n",
            b"GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n",
            b"GET * HTTP/1.1\r\n\r\n",
        ] {
            assert_eq!(
                parse_head(bad),
                Err(400),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn absolute_form_targets_are_their_paths() {
        let target = |t: &str| get(t).map(|r| r.target);
        assert_eq!(target("http://127.0.0.1:1111/kk/"), Ok("/kk/".to_string()));
        assert_eq!(target("HTTP://localhost/kk?x=1"), Ok("/kk?x=1".to_string()));
        assert_eq!(target("https://localhost"), Ok("/".to_string()));
        assert_eq!(target("http://localhost?x"), Ok("/?x".to_string()));
        assert_eq!(target("http:///kk/"), Err(400));
        assert_eq!(target("ftp://localhost/kk/"), Err(400));
        assert_eq!(target("kk/"), Err(400));
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

    /// A loopback connection: (client, server side).
    fn pair() -> (TcpStream, TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server, _) = listener.accept().unwrap();
        (client, server)
    }

    #[test]
    fn a_head_in_pieces_is_read_whole() {
        let (mut client, server) = pair();
        let reader = std::thread::spawn(move || read_head(&server));
        for piece in ["GET /kk/ HT", "TP/1.1\r\nHost: x\r", "\n\r", "\n"] {
            client.write_all(piece.as_bytes()).unwrap();
            std::thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(
            reader.join().unwrap(),
            Ok(Request {
                method: Method::Get,
                target: "/kk/".to_string()
            })
        );
    }

    #[test]
    fn a_head_over_the_limit_is_refused_unread() {
        let (mut client, server) = pair();
        let reader = std::thread::spawn(move || read_head(&server));
        client.write_all(b"GET / HTTP/1.1\r\nX: ").unwrap();
        // Up to the limit and a little over; the rest would never be read.
        let _ = client.write_all(&vec![b'a'; MAX_HEAD + 100]);
        assert_eq!(reader.join().unwrap(), Err(HeadError::Status(431)));
    }

    #[test]
    fn a_client_that_leaves_gets_no_answer() {
        let (client, server) = pair();
        drop(client);
        assert_eq!(read_head(&server), Err(HeadError::Closed));
    }
}
