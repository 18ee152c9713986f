//! Writing answers: whole responses (status line, headers and body in one write, taken by
//! the client within [`WRITE_TIMEOUT`]), and the event stream that tells browsers about
//! rebuilds.

use std::io::{self, ErrorKind, Write};
use std::net::TcpStream;
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::WRITE_TIMEOUT;

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
    pub(super) fn new(status: u16, content_type: &str, body: Vec<u8>) -> Response {
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

    pub(super) fn text(status: u16, body: &str) -> Response {
        Response::new(
            status,
            "text/plain; charset=utf-8",
            body.as_bytes().to_vec(),
        )
    }

    /// The answer to a request that cannot be served (its head is too large, malformed...).
    pub(super) fn error(status: u16) -> Response {
        let response = Response::text(status, &format!("{status} {}\n", reason(status)));
        if status == 405 {
            response.header("Allow", "GET, HEAD")
        } else {
            response
        }
    }

    pub(super) fn header(mut self, name: &'static str, value: &str) -> Response {
        self.headers.push((name, value.to_string()));
        self
    }

    /// Status line, headers and (unless `head_only`) the body, in one write.
    pub(super) fn write_to(&self, out: &mut impl Write, head_only: bool) -> io::Result<()> {
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

/// Writes to a connection that must take the whole response by a deadline, so a client
/// that reads slowly (or not at all) cannot hold its thread.
pub(super) struct Timed<'a> {
    stream: &'a TcpStream,
    deadline: Instant,
}

impl<'a> Timed<'a> {
    pub(super) fn new(stream: &'a TcpStream) -> Timed<'a> {
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

/// Streams events to one browser until it disconnects or the server stops.
pub(super) fn stream_events(mut stream: &TcpStream, events: &Broadcaster, head_only: bool) {
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
