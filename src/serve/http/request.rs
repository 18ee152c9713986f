//! Reading a request: the head (request line and headers) read into a buffer of at most
//! [`MAX_HEAD`] bytes within [`HEAD_TIMEOUT`], and parsed into the method and the target
//! the server answers, or the status it answers with instead.

use std::io::{ErrorKind, Read};
use std::net::TcpStream;
use std::time::Instant;

use super::{HEAD_TIMEOUT, MAX_HEAD};

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
pub(super) enum HeadError {
    /// The client went away or never sent anything: nothing to answer.
    Closed,
    /// Answer with this status and close.
    Status(u16),
}

/// Reads one request head, never more than [`MAX_HEAD`] bytes and never for longer than
/// [`HEAD_TIMEOUT`] in all.
pub(super) fn read_head(mut stream: &TcpStream) -> Result<Request, HeadError> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::net::TcpListener;
    use std::time::Duration;

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
