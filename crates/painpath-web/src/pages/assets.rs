//! Static files, embedded in the binary so nothing is fetched from anywhere else.
//!
//! The stylesheet's address carries a hash of its content (`/static/app.0123456789abcdef.css`),
//! so a browser may keep it for a year without asking again: a new stylesheet is a new address,
//! and every page links the one this server holds. An address with any other hash (a page
//! rendered by an older server, a bookmark, `/static/app.css`) is sent on to the current one
//! with a redirect that is never cached, so nothing is ever kept under a name it does not match.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use sha2::{Digest, Sha256};

use crate::error::PageError;

const APP_CSS: &str = include_str!("../../static/app.css");

/// Hex digits of the SHA-256 of the stylesheet kept in its name: 64 bits, far more than enough
/// to tell one version of one file from the next.
const HASH_DIGITS: usize = 16;

/// How long a browser may keep the stylesheet: a year, the longest RFC 9111 caches are asked to
/// honour, and `immutable`, so it is not even revalidated on reload.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The stylesheet's current address, computed once from its content.
static STYLESHEET: LazyLock<String> = LazyLock::new(|| {
    let digest = Sha256::digest(APP_CSS.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("/static/app.{}.css", &hex[..HASH_DIGITS])
});

/// The address every page links for the stylesheet.
pub fn stylesheet_href() -> &'static str {
    &STYLESHEET
}

pub async fn file(Path(name): Path<String>) -> Result<Response, PageError> {
    let current = &stylesheet_href()["/static/".len()..];
    if name == current {
        let mut r = APP_CSS.into_response();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/css; charset=utf-8"),
        );
        // Stylesheets hold no personal data, so they may be cached, unlike every page.
        r.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE));
        return Ok(r);
    }
    // Another version's name, or the name before names carried a hash: the current stylesheet is
    // the one to use. The redirect keeps the router's `no-store`, so only the current name is
    // ever kept.
    if name.starts_with("app.") && name.ends_with(".css") {
        return Ok(Redirect::temporary(stylesheet_href()).into_response());
    }
    Err(PageError::NotFound)
}
