//! `painpath serve`: the fixed points of contracts/server.md, checked against the built binary.

use crate::http::Request;
use crate::support::{PASSWORD, Scratch, Server, redeem_account_link, token};

#[test]
fn serve_prints_the_real_address_first_then_a_first_admin_link_on_that_address() {
    let scratch = Scratch::new();
    let mut server = Server::start(&scratch, &[]);
    // Server::start checked the first line: `listening on http://127.0.0.1:PORT`, PORT not 0.
    assert!(server.stdout[0].starts_with("listening on http://127.0.0.1:"));
    let link = server.first_admin_link();
    assert!(link.len() > "/link/".len(), "the link has no token: {link}");
    // The link works: its page answers before it is used.
    let page = Request::get(&link).expect(&server.addr).assert_status(200);
    assert!(page.text().contains("<form"), "the link's page has no form");
}

#[test]
fn serve_answers_healthz_with_status_ok() {
    let scratch = Scratch::new();
    let server = Server::start(&scratch, &[]);
    let answer = Request::get("/healthz")
        .expect(&server.addr)
        .assert_status(200);
    assert_eq!(answer.json(), serde_json::json!({"status": "ok"}));
}

#[test]
fn serve_answers_the_home_page_with_html() {
    let scratch = Scratch::new();
    let server = Server::start(&scratch, &[]);
    let page = Request::get("/").expect(&server.addr).assert_status(200);
    let content_type = page.header("content-type").unwrap_or_default();
    assert!(
        content_type.starts_with("text/html"),
        "content-type {content_type}"
    );
    assert!(
        page.text().to_lowercase().contains("<html"),
        "not an HTML page"
    );
}

#[test]
fn serve_describes_its_api_in_an_openapi_3_document_with_full_paths() {
    let scratch = Scratch::new();
    let server = Server::start(&scratch, &[]);
    let doc = Request::get("/api/openapi.json")
        .expect(&server.addr)
        .assert_status(200)
        .json();
    let version = doc["openapi"].as_str().unwrap_or_default();
    assert!(version.starts_with("3."), "openapi is {version:?}");
    let paths = doc["paths"].as_object().expect("a paths object");
    assert!(!paths.is_empty(), "no paths");
    for path in paths.keys() {
        assert!(path.starts_with("/api/"), "{path} does not begin /api/");
    }
    assert!(
        paths.contains_key("/api/tokens"),
        "POST /api/tokens is not described"
    );
}

#[test]
fn serve_logs_plain_text_to_standard_error_and_exits_0_on_sigterm() {
    let scratch = Scratch::new();
    let mut server = Server::start(&scratch, &[]);
    let _ = server.first_admin_link();
    Request::get("/healthz")
        .expect(&server.addr)
        .assert_status(200);
    let ended = server.terminate();
    assert_eq!(ended.status.code(), Some(0), "stderr:\n{}", ended.stderr);
    assert!(
        !ended.stderr.trim().is_empty(),
        "nothing was logged to stderr"
    );
    assert!(
        !ended.stderr.contains('\u{1b}'),
        "the log written to a file has terminal colour codes:\n{}",
        ended.stderr
    );
    for line in &ended.stdout {
        for level in ["TRACE", "DEBUG", "INFO", "WARN", "ERROR"] {
            assert!(!line.contains(level), "a log line reached stdout: {line}");
        }
    }
}

#[test]
fn serve_keeps_the_data_when_restarted_on_the_same_folder() {
    let scratch = Scratch::new();
    let mut server = Server::start(&scratch, &[]);
    let link = server.first_admin_link();
    redeem_account_link(&server, &link, "admin", "Avery Admin");
    let before = token(&server, "admin", PASSWORD);
    let ended = server.terminate();
    assert_eq!(ended.status.code(), Some(0), "stderr:\n{}", ended.stderr);

    let server = Server::start(&scratch, &[]);
    // The account, and the token issued before the restart, are both still there.
    let me = Request::get("/api/me")
        .bearer(&before)
        .expect(&server.addr)
        .assert_status(200)
        .json();
    assert_eq!(me["username"], "admin");
    assert_eq!(me["role"], "admin");
    token(&server, "admin", PASSWORD);
    // The used first-admin link does not come back to life.
    let again = Request::post(&link)
        .header("Origin", &server.base())
        .form(&[
            ("display_name", "Second"),
            ("username", "second"),
            ("password", PASSWORD),
            ("confirm", PASSWORD),
        ])
        .expect(&server.addr);
    assert_ne!(
        again.status, 303,
        "a used first-admin link made another account"
    );
    let ended = server.terminate();
    assert_eq!(ended.status.code(), Some(0), "stderr:\n{}", ended.stderr);
    assert!(
        !ended.stdout.iter().any(|l| l.contains("/link/")),
        "a second first-admin link was printed once an admin existed: {:?}",
        ended.stdout
    );
}
