//! A tiny blocking HTTP/1.1 client over `std::net::TcpStream`, enough to talk to `painpath serve`
//! without a client crate: one request per connection (`Connection: close`), read to the end.
//!
//! A response counts only when it arrived whole (status line, headers, and as many body bytes as
//! `Content-Length` or the chunked encoding promised); anything less is an error. The crash test
//! depends on that: a check-in is "acknowledged" only when its whole answer was read.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// How long to wait on one read or write before calling the server stuck.
const IO_LIMIT: Duration = Duration::from_secs(60);

/// A request to build and send.
pub struct Request {
    method: &'static str,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// A whole response.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn get(path: impl Into<String>) -> Request {
        Request::new("GET", path)
    }

    pub fn post(path: impl Into<String>) -> Request {
        Request::new("POST", path)
    }

    pub fn put(path: impl Into<String>) -> Request {
        Request::new("PUT", path)
    }

    fn new(method: &'static str, path: impl Into<String>) -> Request {
        Request {
            method,
            path: path.into(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Request {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// `Authorization: Bearer TOKEN`, as API clients sign in.
    pub fn bearer(self, token: &str) -> Request {
        self.header("Authorization", &format!("Bearer {token}"))
    }

    pub fn json(mut self, value: &serde_json::Value) -> Request {
        self.body = value.to_string().into_bytes();
        self.header("Content-Type", "application/json")
    }

    /// An `application/x-www-form-urlencoded` body, as a browser posts a form.
    pub fn form(mut self, fields: &[(&str, &str)]) -> Request {
        self.body = fields
            .iter()
            .map(|(k, v)| format!("{}={}", url_encode(k), url_encode(v)))
            .collect::<Vec<_>>()
            .join("&")
            .into_bytes();
        self.header("Content-Type", "application/x-www-form-urlencoded")
    }

    /// Sends the request to `addr` (`127.0.0.1:PORT`) and reads the whole response.
    pub fn send(&self, addr: &str) -> io::Result<Response> {
        let mut stream = TcpStream::connect(addr)?;
        stream.set_read_timeout(Some(IO_LIMIT))?;
        stream.set_write_timeout(Some(IO_LIMIT))?;
        let mut head = format!(
            "{} {} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.method,
            self.path,
            self.body.len()
        );
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes())?;
        stream.write_all(&self.body)?;
        stream.flush()?;
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw)?;
        parse(&raw)
    }

    /// Sends the request and panics if no whole response came back: for the steps of a test
    /// that are not themselves under test.
    pub fn expect(&self, addr: &str) -> Response {
        self.send(addr)
            .unwrap_or_else(|e| panic!("{} {} to {addr} failed: {e}", self.method, self.path))
    }
}

impl Response {
    /// The first header of that name, compared without regard to case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as JSON; panics with the body if it is not.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("expected a JSON body ({e}); got {}", self.text()))
    }

    /// Panics, showing the body, unless the status is `expected`.
    pub fn assert_status(self, expected: u16) -> Response {
        assert_eq!(
            self.status,
            expected,
            "expected status {expected}; body: {}",
            self.text()
        );
        self
    }
}

fn bad(message: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.into())
}

fn parse(raw: &[u8]) -> io::Result<Response> {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| bad(format!("no end of headers in {} bytes", raw.len())))?;
    let head = std::str::from_utf8(&raw[..end]).map_err(|_| bad("headers are not UTF-8"))?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let mut parts = status_line.splitn(3, ' ');
    let version = parts.next().unwrap_or_default();
    if !version.starts_with("HTTP/1.") {
        return Err(bad(format!("not an HTTP/1 status line: {status_line}")));
    }
    let status = parts
        .next()
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| bad(format!("no status in: {status_line}")))?;
    let headers = lines
        .map(|line| {
            let (k, v) = line
                .split_once(':')
                .ok_or_else(|| bad(format!("not a header: {line}")))?;
            Ok((k.trim().to_owned(), v.trim().to_owned()))
        })
        .collect::<io::Result<Vec<_>>>()?;
    let rest = &raw[end + 4..];
    let find = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let body = if find("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        dechunk(rest)?
    } else if let Some(length) = find("content-length") {
        let length: usize = length.parse().map_err(|_| bad("bad Content-Length"))?;
        if rest.len() < length {
            return Err(bad(format!(
                "body cut short: {} of {length} bytes",
                rest.len()
            )));
        }
        rest[..length].to_vec()
    } else {
        rest.to_vec()
    };
    Ok(Response {
        status,
        headers,
        body,
    })
}

fn dechunk(mut rest: &[u8]) -> io::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line_end = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or_else(|| bad("chunked body cut short"))?;
        let size_text =
            std::str::from_utf8(&rest[..line_end]).map_err(|_| bad("bad chunk size"))?;
        let size_text = size_text.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_text, 16).map_err(|_| bad("bad chunk size"))?;
        rest = &rest[line_end + 2..];
        if size == 0 {
            return Ok(body);
        }
        if rest.len() < size + 2 {
            return Err(bad("chunked body cut short"));
        }
        body.extend_from_slice(&rest[..size]);
        rest = &rest[size + 2..];
    }
}

fn url_encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b));
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
