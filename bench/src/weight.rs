//! Page weight: the bytes a signed-in patient's phone receives for `GET /check-in`, counted as
//! they come off the socket (status line, headers and body), brotli and gzip beside the page
//! uncompressed, and the stylesheet that only a cold cache fetches.
//!
//! Why 14 336 bytes (14 KiB): a new TCP connection may send ten segments before the first
//! acknowledgement comes back (RFC 6928); at a typical 1 460-byte payload that is 14 600 bytes, and
//! 14 KiB is the usual round figure under it. A page within it arrives in one round trip after the
//! request, which on a poor mobile line is the difference between one wait and several. TLS adds
//! its record headers (about 22 bytes per 16 KiB record) on top; this bench runs plain HTTP on
//! loopback, so those are not counted.

use std::io::Read;
use std::net::SocketAddr;

use anyhow::{Context, bail, ensure};

use crate::http::{Conn, Response};
use crate::seed;

/// The page a bad-day check-in starts from.
pub const PAGE: &str = "/check-in";

/// The goal: 14 KiB, in bytes.
pub const GOAL_BYTES: usize = 14 * 1024;

/// What Chromium sends in `Accept-Encoding` on every request over HTTPS.
pub const BROWSER_ENCODINGS: &str = "gzip, deflate, br, zstd";

/// One way of asking for a response, and what it cost on the wire.
pub struct Weight {
    /// What was asked for, as the table names it ("brotli", "gzip", "uncompressed").
    pub name: &'static str,
    /// Every byte of the response read from the socket.
    pub wire: usize,
    /// The body alone, as sent.
    pub body: usize,
}

/// The check-in page (warm cache: the stylesheet is not fetched) and the stylesheet (cold cache),
/// each brotli, gzip and uncompressed.
pub struct PageWeights {
    pub page: Vec<Weight>,
    pub stylesheet: Vec<Weight>,
    pub stylesheet_href: String,
}

/// Signs the first patient in and fetches the check-in page and its stylesheet each way.
pub async fn measure(addr: SocketAddr) -> anyhow::Result<PageWeights> {
    let mut conn = Conn::connect(addr).await?;
    let cookie = seed::sign_in(&mut conn).await?;
    let mut page = Vec::new();
    let mut plain_page = String::new();
    let mut stylesheet_href = String::new();
    for (name, accept) in ways() {
        let r = fetch(&mut conn, PAGE, &cookie, accept).await?;
        let html = decoded(&r, name)?;
        if accept.is_none() {
            stylesheet_href = stylesheet_in(&html)?;
            plain_page = html.clone();
        }
        // The only difference between two renderings is the masked CSRF token, of equal length.
        ensure!(
            without_csrf(&html) == without_csrf(&plain_page),
            "the {name} check-in page does not decode to the uncompressed page"
        );
        page.push(Weight {
            name,
            wire: r.wire_bytes,
            body: r.body.len(),
        });
    }
    let mut stylesheet = Vec::new();
    let mut plain_css = String::new();
    for (name, accept) in ways() {
        let r = fetch(&mut conn, &stylesheet_href, "", accept).await?;
        let css = decoded(&r, name)?;
        if accept.is_none() {
            plain_css = css.clone();
        }
        ensure!(
            css == plain_css,
            "the {name} stylesheet does not decode to the uncompressed one"
        );
        ensure!(
            r.header("cache-control")
                .is_some_and(|c| c.contains("immutable")),
            "the stylesheet {stylesheet_href} is not cached as immutable"
        );
        stylesheet.push(Weight {
            name,
            wire: r.wire_bytes,
            body: r.body.len(),
        });
    }
    Ok(PageWeights {
        page,
        stylesheet,
        stylesheet_href,
    })
}

/// Uncompressed first, so that the compressed answers can be checked against it.
fn ways() -> [(&'static str, Option<&'static str>); 3] {
    [
        ("uncompressed", None),
        ("brotli", Some(BROWSER_ENCODINGS)),
        ("gzip", Some("gzip")),
    ]
}

async fn fetch(
    conn: &mut Conn,
    path: &str,
    cookie: &str,
    accept: Option<&str>,
) -> anyhow::Result<Response> {
    let mut headers = Vec::new();
    if !cookie.is_empty() {
        headers.push(("Cookie", cookie));
    }
    if let Some(a) = accept {
        headers.push(("Accept-Encoding", a));
    }
    conn.send("GET", path, &headers, None)
        .await?
        .expect(200, path)
}

/// The body as text, decoded as its `Content-Encoding` says, which must be what was asked for.
fn decoded(r: &Response, name: &str) -> anyhow::Result<String> {
    let encoding = r.header("content-encoding");
    let mut out = String::new();
    match (name, encoding) {
        ("uncompressed", None) => out = r.text(),
        ("brotli", Some("br")) => {
            brotli::Decompressor::new(r.body.as_slice(), 4096)
                .read_to_string(&mut out)
                .context("decoding the brotli body")?;
        }
        ("gzip", Some("gzip")) => {
            flate2::read::GzDecoder::new(r.body.as_slice())
                .read_to_string(&mut out)
                .context("decoding the gzip body")?;
        }
        (name, encoding) => bail!("asked for {name}, the server sent {encoding:?}"),
    }
    Ok(out)
}

fn stylesheet_in(html: &str) -> anyhow::Result<String> {
    let marker = r#"<link rel="stylesheet" href=""#;
    let start = html
        .find(marker)
        .context("the check-in page links no stylesheet")?
        + marker.len();
    let len = html[start..]
        .find('"')
        .context("the stylesheet link does not end")?;
    Ok(html[start..start + len].to_owned())
}

fn without_csrf(html: &str) -> String {
    let marker = r#"name="csrf" value=""#;
    let mut out = String::new();
    let mut rest = html;
    while let Some(i) = rest.find(marker) {
        out.push_str(&rest[..i + marker.len()]);
        rest = &rest[i + marker.len()..];
        rest = &rest[rest.find('"').unwrap_or(0)..];
    }
    out.push_str(rest);
    out
}
