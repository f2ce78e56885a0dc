//! `painpath user add`: a staff account from the command line, with a one-time link to set its
//! password; wrong input exits 2 with one line per problem naming the flag.

use std::process::Output;

use crate::http::Request;
use crate::support::{PASSWORD, Scratch, Server, painpath, run, set_password, token};

fn user_add(scratch: &Scratch, role: &str, username: &str, name: &str) -> Output {
    let mut cmd = painpath();
    cmd.args([
        "user",
        "add",
        "--role",
        role,
        "--username",
        username,
        "--name",
        name,
    ])
    .arg("--data")
    .arg(scratch.data());
    run(cmd)
}

/// Checks an exit-2 answer: status 2, nothing on stdout, and a line on stderr naming `flag`.
fn assert_refused_naming(out: &Output, flag: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr:\n{stderr}");
    assert!(
        out.stdout.is_empty(),
        "stdout is not empty: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        stderr.lines().any(|l| l.starts_with(&format!("{flag}:"))),
        "no line names {flag}:\n{stderr}"
    );
}

#[test]
fn user_add_prints_a_one_time_link_that_sets_the_new_clinicians_password() {
    let scratch = Scratch::new();
    let out = user_add(&scratch, "clinician", "sam", "Sam Smith");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let url = stdout
        .split_whitespace()
        .find(|w| w.contains("/link/"))
        .unwrap_or_else(|| panic!("no link in {stdout:?}"));
    let path = &url[url.find("/link/").expect("a link")..];

    // The link works once, on a server started on the same folder.
    let server = Server::start(&scratch, &[]);
    Request::get(path).expect(&server.addr).assert_status(200);
    set_password(&server, path);
    token(&server, "sam", PASSWORD);
    let again = Request::get(path).expect(&server.addr);
    assert_ne!(again.status, 200, "the link still works after use");
}

#[test]
fn user_add_with_a_taken_username_exits_2_naming_username() {
    let scratch = Scratch::new();
    let first = user_add(&scratch, "clinician", "sam", "Sam Smith");
    assert_eq!(first.status.code(), Some(0), "{first:?}");
    let second = user_add(&scratch, "clinician", "sam", "Sam Smith");
    assert_refused_naming(&second, "--username");
}

#[test]
fn user_add_for_a_patient_exits_2_naming_role() {
    let scratch = Scratch::new();
    let out = user_add(&scratch, "patient", "pat", "Pat Patient");
    assert_refused_naming(&out, "--role");
}

#[test]
fn user_add_with_an_empty_name_exits_2_naming_name() {
    let scratch = Scratch::new();
    let out = user_add(&scratch, "clinician", "sam", "");
    assert_refused_naming(&out, "--name");
}
