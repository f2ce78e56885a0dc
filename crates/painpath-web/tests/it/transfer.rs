//! What travels on the wire: answers compressed as the browser asks (brotli, gzip, or not at all),
//! never for tiny answers or for requests another site started (BREACH), the CSRF token masked
//! afresh on every page, and the stylesheet under a content-hashed address cached for a year
//! while pages stay `no-store`.

use std::io::Read;

use painpath_core::person::Role;
use sha2::{Digest, Sha256};

use crate::helpers::{Resp, Session, TODAY, TestApp, csrf_in, spawn};

/// What Chromium sends on every request over HTTPS.
const BROWSER: &str = "gzip, deflate, br, zstd";

async fn patient(app: &TestApp) -> Session {
    let p = app.user(Role::Patient, "pat", "Pat Patient").await;
    app.sign_in(&p).await
}

fn decoded(r: &Resp) -> String {
    let mut out = String::new();
    match r.header("content-encoding") {
        Some("br") => {
            brotli::Decompressor::new(r.body.as_slice(), 4096)
                .read_to_string(&mut out)
                .expect("the body is valid brotli");
        }
        Some("gzip") => {
            flate2::read::GzDecoder::new(r.body.as_slice())
                .read_to_string(&mut out)
                .expect("the body is valid gzip");
        }
        None => out = r.text(),
        Some(other) => panic!("an encoding nobody asked for: {other}"),
    }
    out
}

/// The page with each masked CSRF token blanked: the one part that differs between two
/// renderings of the same page.
fn without_csrf(html: &str) -> String {
    let marker = r#"name="csrf" value=""#;
    let mut out = String::new();
    let mut rest = html;
    while let Some(i) = rest.find(marker) {
        out.push_str(&rest[..i + marker.len()]);
        rest = &rest[i + marker.len()..];
        rest = &rest[rest.find('"').expect("the value ends")..];
    }
    out.push_str(rest);
    out
}

fn varies_by(r: &Resp, header: &str) -> bool {
    r.all_headers("vary")
        .iter()
        .flat_map(|v| v.split(','))
        .any(|v| v.trim().eq_ignore_ascii_case(header))
}

/// The stylesheet address a page links.
fn stylesheet_in(html: &str) -> String {
    let marker = r#"<link rel="stylesheet" href=""#;
    let start = html.find(marker).expect("the page links a stylesheet") + marker.len();
    let len = html[start..].find('"').expect("the address ends");
    html[start..start + len].to_owned()
}

#[tokio::test]
async fn the_check_in_page_is_brotli_when_offered_gzip_when_only_that_and_plain_when_not_asked() {
    let app = spawn().await;
    let s = patient(&app).await;
    let plain = app.get("/check-in").cookie(&s).send().await;
    assert_eq!(plain.status, 200, "{plain:?}");
    assert_eq!(plain.header("content-encoding"), None, "nobody asked");
    assert!(varies_by(&plain, "accept-encoding"), "{plain:?}");
    let page = plain.text();
    assert!(
        page.contains("How is today?") || page.contains("<form"),
        "{page}"
    );

    for (asked, expected) in [
        (BROWSER, Some("br")),
        ("br", Some("br")),
        ("gzip", Some("gzip")),
        ("gzip, br;q=0", Some("gzip")),
        ("identity", None),
        ("br;q=0, gzip;q=0", None),
    ] {
        let r = app
            .get("/check-in")
            .cookie(&s)
            .header("Accept-Encoding", asked)
            .send()
            .await;
        assert_eq!(r.status, 200, "{asked}: {r:?}");
        assert_eq!(r.header("content-encoding"), expected, "{asked}");
        assert!(varies_by(&r, "accept-encoding"), "{asked}: {r:?}");
        // Compressed or not, a page is health data: never kept, and the same strict policy.
        assert_eq!(r.header("cache-control"), Some("no-store"), "{asked}");
        let csp = r.header("content-security-policy").expect("a CSP");
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        let html = decoded(&r);
        assert_eq!(without_csrf(&html), without_csrf(&page), "{asked}");
        if expected.is_some() {
            assert!(
                r.body.len() * 3 < html.len(),
                "{asked}: {} bytes for a {}-byte page",
                r.body.len(),
                html.len()
            );
        }
    }
}

#[tokio::test]
async fn a_tiny_answer_goes_uncompressed_even_when_compression_is_offered() {
    let app = spawn().await;
    // A redirect (no body), the health check and one's own account (some dozens of bytes of
    // JSON, above the encoder's own floor of 32 bytes, below painpath's 1024).
    let p = app.user(Role::Patient, "pat", "Pat Patient").await;
    let bearer = app.bearer(&p).await;
    let r = app
        .get("/diary")
        .header("Accept-Encoding", BROWSER)
        .send()
        .await;
    assert_eq!(r.status, 303, "{r:?}");
    assert_eq!(r.header("content-encoding"), None, "{r:?}");
    for path in ["/healthz", "/api/me"] {
        let r = app
            .get(path)
            .cred(&bearer)
            .header("Accept-Encoding", BROWSER)
            .send()
            .await;
        assert_eq!(r.status, 200, "{r:?}");
        assert!(r.body.len() < 1024, "{r:?}");
        assert_eq!(r.header("content-encoding"), None, "{r:?}");
    }
    let me = app.get("/api/me").cred(&bearer).send().await;
    assert!(me.body.len() > 32, "{me:?}");
    // A page, by contrast, is compressed: the threshold is what kept the two above as they were.
    let r = app
        .get("/help")
        .header("Accept-Encoding", BROWSER)
        .send()
        .await;
    assert_eq!(r.header("content-encoding"), Some("br"), "{r:?}");
}

#[tokio::test]
async fn a_request_another_site_started_is_answered_uncompressed() {
    let app = spawn().await;
    let s = patient(&app).await;
    for (site, expected) in [
        ("cross-site", None),
        ("same-site", None),
        ("same-origin", Some("br")),
        ("none", Some("br")),
    ] {
        let r = app
            .get("/check-in")
            .cookie(&s)
            .header("Accept-Encoding", BROWSER)
            .header("Sec-Fetch-Site", site)
            .send()
            .await;
        assert_eq!(r.status, 200, "{site}: {r:?}");
        assert_eq!(r.header("content-encoding"), expected, "{site}");
        assert!(varies_by(&r, "accept-encoding"), "{site}: {r:?}");
        assert!(varies_by(&r, "sec-fetch-site"), "{site}: {r:?}");
    }
}

#[tokio::test]
async fn every_page_masks_the_csrf_token_afresh_and_any_page_s_mask_is_accepted() {
    let app = spawn().await;
    let s = patient(&app).await;
    let first = csrf_in(&app.get("/check-in").cookie(&s).send().await.text()).expect("a token");
    let second = csrf_in(&app.get("/check-in").cookie(&s).send().await.text()).expect("a token");
    assert_ne!(
        first, second,
        "the same token is never shown twice the same way"
    );
    assert_ne!(first, s.csrf);
    for (csrf, pain) in [(&first, "4"), (&second, "5")] {
        let r = app
            .post("/check-in")
            .cookie(&s)
            .form(&[("csrf", csrf.as_str()), ("date", TODAY), ("pain", pain)])
            .send()
            .await;
        assert_eq!(r.status, 303, "{r:?}");
    }
}

#[tokio::test]
async fn every_page_links_the_stylesheet_by_its_content_hash_and_it_is_kept_for_a_year() {
    let app = spawn().await;
    let s = patient(&app).await;
    let signed_out = app.get("/sign-in").send().await;
    let signed_in = app.get("/check-in").cookie(&s).send().await;
    let missing = app.get("/no-such-page").send().await;
    let href = stylesheet_in(&signed_out.text());
    assert_eq!(stylesheet_in(&signed_in.text()), href);
    assert_eq!(stylesheet_in(&missing.text()), href);
    let hash = href
        .strip_prefix("/static/app.")
        .and_then(|h| h.strip_suffix(".css"))
        .unwrap_or_else(|| panic!("not /static/app.HASH.css: {href}"));

    let css = app.get(&href).send().await;
    assert_eq!(css.status, 200, "{css:?}");
    assert!(
        css.header("content-type")
            .unwrap_or("")
            .starts_with("text/css")
    );
    assert_eq!(
        css.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    let csp = css.header("content-security-policy").expect("a CSP");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    let digest: String = Sha256::digest(&css.body)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert!(hash.len() >= 16, "{hash}");
    assert!(
        digest.starts_with(hash),
        "the address {href} does not name the content (SHA-256 {digest})"
    );
    // Compressed on the way, the same file.
    let br = app
        .get(&href)
        .header("Accept-Encoding", BROWSER)
        .send()
        .await;
    assert_eq!(br.header("content-encoding"), Some("br"));
    assert_eq!(decoded(&br).as_bytes(), css.body.as_slice());
    // The pages themselves are never kept.
    for r in [&signed_out, &signed_in] {
        assert_eq!(r.header("cache-control"), Some("no-store"), "{r:?}");
    }
}

#[tokio::test]
async fn an_old_or_wrong_stylesheet_address_is_sent_to_the_current_one_and_never_kept() {
    let app = spawn().await;
    let href = stylesheet_in(&app.get("/sign-in").send().await.text());
    let hash = &href["/static/app.".len()..href.len() - ".css".len()];
    let altered: String = hash
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if i == 0 {
                if c == '0' { '1' } else { '0' }
            } else {
                c
            }
        })
        .collect();
    for old in [
        "/static/app.css".to_owned(),
        format!("/static/app.{altered}.css"),
        format!("/static/app.{}.css", &hash[..8]),
        "/static/app.0000000000000000.css".to_owned(),
    ] {
        let r = app.get(&old).send().await;
        assert_eq!(r.status, 307, "{old}: {r:?}");
        assert_eq!(r.location(), href, "{old}");
        assert_eq!(r.header("cache-control"), Some("no-store"), "{old}: {r:?}");
    }
    for other in ["/static/app.js", "/static/other.css", "/static/app.css.map"] {
        let r = app.get(other).send().await;
        assert_eq!(r.status, 404, "{other}: {r:?}");
        assert!(r.is_html(), "{other}: {r:?}");
        assert_eq!(r.header("cache-control"), Some("no-store"), "{other}");
    }
}
