//! The preview server: serves the output folder over HTTP on loopback, injects the
//! live-reload script into pages, and streams rebuild events (Server-Sent Events).
//!
//! A small HTTP/1.1 server of its own, on `std::net`: GET and HEAD only, one request per
//! connection (`Connection: close`). The request head is read into a fixed buffer of
//! [`MAX_HEAD`] bytes within [`HEAD_TIMEOUT`], so a client can neither make the server buffer
//! a huge head (431) nor hold a connection by sending slowly (408); a response must be taken
//! within [`WRITE_TIMEOUT`], and at most [`MAX_CONNECTIONS`] are served at once.

mod request;
mod response;
mod route;

pub use response::Broadcaster;
pub use route::{origin_rewrites, safe_relative_path};

use std::io::Read;
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use request::{read_head, HeadError, Method};
use response::{stream_events, Response, Timed};
use route::{route, Reply};

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

pub struct HttpContext {
    /// The folder served: the last good output.
    pub dir: PathBuf,
    pub events: Arc<Broadcaster>,
    /// The translation desk page of the last good site.
    pub desk: Arc<Mutex<String>>,
    /// What text responses have replaced (see `route::origin_rewrites`).
    pub origins: Vec<(String, String)>,
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
