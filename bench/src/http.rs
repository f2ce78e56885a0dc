//! A deliberately small HTTP/1.1 client for the load: one keep-alive connection per writer, over a
//! plain tokio `TcpStream`, to loopback addresses only.
//!
//! Why hand-written: the bench needs exactly one request shape (a method, a path, a few headers,
//! an optional body) and exactly two response framings (`Content-Length` and `chunked`). hyper's
//! client would bring hyper-util's connection pool and its own task per connection; keeping the
//! client this thin means the figures measure the server, and the client's cost is the same for
//! painpath and for its bare-axum ceiling.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context, bail, ensure};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// No single request may take longer than this; a stuck server fails the run instead of hanging it.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The largest response head or body the client accepts (a diary page is well under 1 MB).
const MAX_BODY: usize = 16 * 1024 * 1024;

/// One response, read whole.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    headers: Vec<(String, String)>,
    /// The body as sent: still compressed when the server compressed it.
    pub body: Vec<u8>,
    /// Every byte of this response read from the socket: status line, headers, the blank line,
    /// the body and any chunked framing. What a slow line has to carry.
    pub wire_bytes: usize,
}

impl Response {
    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a header (`Set-Cookie` may come several times).
    pub fn headers(&self, name: &str) -> impl Iterator<Item = &str> {
        self.headers
            .iter()
            .filter(move |(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as text, for error messages and JSON.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body parsed as JSON.
    pub fn json(&self) -> anyhow::Result<serde_json::Value> {
        serde_json::from_slice(&self.body)
            .with_context(|| format!("expected JSON, got {} {}", self.status, short(&self.text())))
    }

    /// Fails unless the status is the one expected, quoting the start of the body.
    pub fn expect(self, status: u16, what: &str) -> anyhow::Result<Response> {
        ensure!(
            self.status == status,
            "{what}: expected HTTP {status}, got {} {}",
            self.status,
            short(&self.text())
        );
        Ok(self)
    }
}

fn short(text: &str) -> String {
    text.chars().take(300).collect()
}

/// A request body with its media type.
pub struct Body<'a> {
    pub content_type: &'a str,
    pub bytes: &'a [u8],
}

/// One keep-alive connection to a server on this machine.
pub struct Conn {
    addr: SocketAddr,
    host: String,
    stream: Option<BufReader<TcpStream>>,
}

impl Conn {
    /// A connection to `addr`, which must be a loopback address: the load never leaves the machine.
    pub async fn connect(addr: SocketAddr) -> anyhow::Result<Conn> {
        ensure!(
            addr.ip().is_loopback(),
            "the load client only talks to loopback addresses, not {addr}"
        );
        let mut conn = Conn {
            addr,
            host: addr.to_string(),
            stream: None,
        };
        conn.reconnect().await?;
        Ok(conn)
    }

    async fn reconnect(&mut self) -> anyhow::Result<()> {
        let stream = TcpStream::connect(self.addr)
            .await
            .with_context(|| format!("connecting to {}", self.addr))?;
        // One write per request, but a late ACK must never hold a small request back.
        stream.set_nodelay(true).context("setting TCP_NODELAY")?;
        self.stream = Some(BufReader::new(stream));
        Ok(())
    }

    /// The `Host` value the server sees, for an `Origin` header that matches it.
    pub fn origin(&self) -> String {
        format!("http://{}", self.host)
    }

    /// Sends one request and reads its whole response, reconnecting first if the server closed
    /// the connection after the previous one.
    pub async fn send(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<Body<'_>>,
    ) -> anyhow::Result<Response> {
        tokio::time::timeout(
            REQUEST_TIMEOUT,
            self.send_inner(method, path, headers, body),
        )
        .await
        .with_context(|| format!("{method} {path} took over {REQUEST_TIMEOUT:?}"))?
    }

    async fn send_inner(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<Body<'_>>,
    ) -> anyhow::Result<Response> {
        if self.stream.is_none() {
            self.reconnect().await?;
        }
        let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {}\r\n", self.host);
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        let bytes: &[u8] = match &body {
            Some(b) => {
                head.push_str(&format!(
                    "Content-Type: {}\r\nContent-Length: {}\r\n",
                    b.content_type,
                    b.bytes.len()
                ));
                b.bytes
            }
            None if method == "GET" => &[],
            None => {
                head.push_str("Content-Length: 0\r\n");
                &[]
            }
        };
        head.push_str("\r\n");
        let mut request = head.into_bytes();
        request.extend_from_slice(bytes);
        let stream = self.stream.as_mut().context("the connection is not open")?;
        stream
            .get_mut()
            .write_all(&request)
            .await
            .with_context(|| format!("sending {method} {path}"))?;
        let (response, keep_alive) = read_response(stream)
            .await
            .with_context(|| format!("reading the answer to {method} {path}"))?;
        if !keep_alive {
            self.stream = None;
        }
        Ok(response)
    }
}

/// Reads one line, adding the bytes it took (line end included) to `wire`.
async fn read_line(stream: &mut BufReader<TcpStream>, wire: &mut usize) -> anyhow::Result<String> {
    let mut line = String::new();
    let n = stream.read_line(&mut line).await?;
    if n == 0 {
        bail!("the server closed the connection");
    }
    *wire += n;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// Reads a status line, headers and a body framed by `Content-Length` or `chunked`; says whether
/// the connection stays open.
async fn read_response(stream: &mut BufReader<TcpStream>) -> anyhow::Result<(Response, bool)> {
    let mut wire = 0;
    let status_line = read_line(stream, &mut wire).await?;
    let mut parts = status_line.splitn(3, ' ');
    let version = parts.next().unwrap_or_default();
    let status: u16 = parts
        .next()
        .and_then(|s| s.parse().ok())
        .with_context(|| format!("a malformed status line: {status_line:?}"))?;
    let mut headers = Vec::new();
    loop {
        let line = read_line(stream, &mut wire).await?;
        if line.is_empty() {
            break;
        }
        let (name, value) = line
            .split_once(':')
            .with_context(|| format!("a malformed header: {line:?}"))?;
        headers.push((name.trim().to_owned(), value.trim().to_owned()));
    }
    let mut response = Response {
        status,
        headers,
        body: Vec::new(),
        wire_bytes: 0,
    };
    let chunked = response
        .header("transfer-encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case("chunked"));
    if chunked {
        loop {
            let size_line = read_line(stream, &mut wire).await?;
            let size_hex = size_line.split(';').next().unwrap_or_default().trim();
            let size = usize::from_str_radix(size_hex, 16)
                .with_context(|| format!("a malformed chunk size: {size_line:?}"))?;
            if size == 0 {
                // Trailers, if any, end with an empty line.
                while !read_line(stream, &mut wire).await?.is_empty() {}
                break;
            }
            ensure!(
                response.body.len() + size <= MAX_BODY,
                "the body is too large"
            );
            let start = response.body.len();
            response.body.resize(start + size, 0);
            stream.read_exact(&mut response.body[start..]).await?;
            wire += size;
            read_line(stream, &mut wire).await?;
        }
    } else if let Some(length) = response.header("content-length") {
        let length: usize = length
            .parse()
            .with_context(|| format!("a malformed Content-Length: {length:?}"))?;
        ensure!(length <= MAX_BODY, "the body is too large");
        response.body.resize(length, 0);
        stream.read_exact(&mut response.body).await?;
        wire += length;
    } else if status != 204 && status != 304 && !(100..200).contains(&status) {
        bail!("a response without Content-Length or chunked framing (HTTP {status})");
    }
    response.wire_bytes = wire;
    let close = response
        .header("connection")
        .is_some_and(|v| v.eq_ignore_ascii_case("close"))
        || version == "HTTP/1.0";
    Ok((response, !close))
}

/// `application/x-www-form-urlencoded` for a list of fields.
pub fn form(fields: &[(&str, &str)]) -> Vec<u8> {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
        .into_bytes()
}

fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(byte));
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// The path (and query) of an absolute URL the server printed or returned
/// (`http://127.0.0.1:4000/link/abc` → `/link/abc`).
pub fn path_of(url: &str) -> anyhow::Result<String> {
    let rest = url
        .split_once("://")
        .map(|(_, rest)| rest)
        .with_context(|| format!("expected an absolute URL, got {url:?}"))?;
    let slash = rest
        .find('/')
        .with_context(|| format!("expected a path in {url:?}"))?;
    Ok(rest[slash..].to_owned())
}
