//! `painpath serve` with wrong flags: exit 2, nothing on stdout, a line naming the flag.

use std::process::Output;

use crate::support::{Scratch, painpath, run};

fn serve(scratch: &Scratch, flags: &[&str]) -> Output {
    let mut cmd = painpath();
    cmd.arg("serve")
        .arg("--data")
        .arg(scratch.data())
        .args(flags);
    run(cmd)
}

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
fn serve_with_a_mysql_database_exits_2_naming_database() {
    let scratch = Scratch::new();
    let out = serve(
        &scratch,
        &["--addr", "127.0.0.1:0", "--database", "mysql://x"],
    );
    assert_refused_naming(&out, "--database");
}

#[test]
fn serve_with_a_nonsense_address_exits_2_naming_addr() {
    let scratch = Scratch::new();
    let out = serve(&scratch, &["--addr", "nonsense"]);
    assert_refused_naming(&out, "--addr");
}

#[test]
fn serve_with_a_trusted_proxy_that_is_not_an_address_exits_2_naming_it() {
    let scratch = Scratch::new();
    let mut cmd = painpath();
    cmd.arg("serve")
        .arg("--data")
        .arg(scratch.data())
        .args(["--addr", "127.0.0.1:0"])
        .env("PAINPATH_TRUSTED_PROXIES", "127.0.0.1, proxy.internal");
    let out = run(cmd);
    assert_refused_naming(&out, "PAINPATH_TRUSTED_PROXIES");
    assert!(String::from_utf8_lossy(&out.stderr).contains("proxy.internal"));
}
