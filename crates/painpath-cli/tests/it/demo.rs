//! `painpath serve --demo`: demonstration accounts with months of diary, printed sign-in details,
//! a second run that adds nothing, and a refusal to mix invented data with real accounts.

use jiff::ToSpan;

use crate::http::Request;
use crate::support::{Scratch, Server, my_id, painpath, run, today, token};

/// One printed demonstration account.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Login {
    role: String,
    username: String,
    password: String,
}

/// Reads the demonstration sign-in details the server prints after its first line: one line per
/// account, `ROLE USERNAME password PASSWORD NAME`, up to the closing sentence.
fn printed_logins(server: &mut Server) -> Vec<Login> {
    let heading = server.line_where(|l| l.contains("Demonstration accounts"));
    assert!(
        heading.contains(&format!("{}/sign-in", server.base())),
        "the sign-in details do not use the printed address {}: {heading}",
        server.base()
    );
    let mut logins = Vec::new();
    loop {
        let line = server.next_line();
        if !line.starts_with(' ') {
            break;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        let [role, username, "password", password, ..] = words[..] else {
            panic!("not a sign-in line: {line:?}");
        };
        logins.push(Login {
            role: role.to_owned(),
            username: username.to_owned(),
            password: password.to_owned(),
        });
    }
    logins
}

fn first_with_role<'a>(logins: &'a [Login], role: &str) -> &'a Login {
    logins
        .iter()
        .find(|l| l.role == role)
        .unwrap_or_else(|| panic!("no {role} among {logins:?}"))
}

fn check_ins(server: &Server, token: &str, patient: i64) -> Vec<serde_json::Value> {
    let today = today();
    let from = today.checked_sub(200.days()).expect("a date 200 days ago");
    let answer = Request::get(format!(
        "/api/patients/{patient}/check-ins?from={from}&to={today}"
    ))
    .bearer(token)
    .expect(&server.addr)
    .assert_status(200)
    .json();
    answer.as_array().expect("a list of check-ins").clone()
}

fn treatment_periods(server: &Server, token: &str, patient: i64) -> Vec<serde_json::Value> {
    let answer = Request::get(format!("/api/patients/{patient}/treatment-periods"))
        .bearer(token)
        .expect(&server.addr)
        .assert_status(200)
        .json();
    answer
        .as_array()
        .expect("a list of treatment periods")
        .clone()
}

#[test]
fn demo_fills_an_empty_folder_with_every_role_and_months_of_diary() {
    let scratch = Scratch::new();
    // Server::start waits at most 60 seconds for the first line, as the contract allows.
    let mut server = Server::start(&scratch, &["--demo"]);
    let logins = printed_logins(&mut server);
    for role in ["admin", "clinician"] {
        let login = first_with_role(&logins, role);
        token(&server, &login.username, &login.password);
    }
    let patients: Vec<&Login> = logins.iter().filter(|l| l.role == "patient").collect();
    assert!(patients.len() >= 3, "fewer than three patients: {logins:?}");

    let patient = patients[0];
    let token = token(&server, &patient.username, &patient.password);
    let me = Request::get("/api/me")
        .bearer(&token)
        .expect(&server.addr)
        .assert_status(200)
        .json();
    assert_eq!(me["role"], "patient");
    let id = me["id"].as_i64().expect("an id");

    let days = check_ins(&server, &token, id);
    assert!(days.len() >= 150, "only {} days of diary", days.len());
    // 200 past days and today: fewer check-ins than past days means the diary has gaps.
    assert!(
        days.len() < 200,
        "{} check-ins in 200 past days; a real diary has gaps",
        days.len()
    );
    assert!(
        days.iter().any(|d| d["flare"] == true),
        "no flare in 200 days"
    );
    assert!(
        days.iter().any(|d| d["flare"] == false),
        "every day is a flare"
    );
    let periods = treatment_periods(&server, &token, id);
    assert!(!periods.is_empty(), "no treatment period");

    let ended = server.terminate();
    assert_eq!(ended.status.code(), Some(0), "stderr:\n{}", ended.stderr);
}

#[test]
fn demo_run_again_on_the_same_folder_adds_nothing_twice() {
    let scratch = Scratch::new();
    let count = |server: &Server, logins: &[Login]| {
        let admin = first_with_role(logins, "admin");
        let admin = token(server, &admin.username, &admin.password);
        let accounts = Request::get("/api/admin/accounts")
            .bearer(&admin)
            .expect(&server.addr)
            .assert_status(200)
            .json();
        let patient = first_with_role(logins, "patient");
        let patient = token(server, &patient.username, &patient.password);
        let id = my_id(server, &patient);
        (
            accounts.as_array().expect("a list of accounts").len(),
            check_ins(server, &patient, id).len(),
            treatment_periods(server, &patient, id).len(),
        )
    };

    let mut first = Server::start(&scratch, &["--demo"]);
    let logins = printed_logins(&mut first);
    let before = count(&first, &logins);
    let ended = first.terminate();
    assert_eq!(ended.status.code(), Some(0), "stderr:\n{}", ended.stderr);

    let mut second = Server::start(&scratch, &["--demo"]);
    assert_eq!(printed_logins(&mut second), logins);
    assert_eq!(
        count(&second, &logins),
        before,
        "(accounts, check-ins, treatment periods) changed on the second run"
    );
    let ended = second.terminate();
    assert_eq!(ended.status.code(), Some(0), "stderr:\n{}", ended.stderr);
}

#[test]
fn demo_refuses_a_folder_that_holds_other_accounts_with_exit_1() {
    let scratch = Scratch::new();
    let mut add = painpath();
    add.args([
        "user",
        "add",
        "--role",
        "clinician",
        "--username",
        "sam",
        "--name",
        "Sam Smith",
    ])
    .arg("--data")
    .arg(scratch.data());
    let added = run(add);
    assert_eq!(added.status.code(), Some(0), "{added:?}");

    let mut demo = painpath();
    demo.arg("serve")
        .arg("--data")
        .arg(scratch.data())
        .args(["--addr", "127.0.0.1:0", "--demo"]);
    let refused = run(demo);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "stderr:\n{stderr}");
    assert!(
        refused.stdout.is_empty(),
        "stdout: {}",
        String::from_utf8_lossy(&refused.stdout)
    );
    assert!(
        stderr.contains("--demo") && stderr.contains("accounts"),
        "the refusal does not say why: {stderr}"
    );

    // Nothing invented was added: the demonstration admin cannot sign in.
    let server = Server::start(&scratch, &[]);
    let answer = Request::post("/api/tokens")
        .json(&serde_json::json!({"username": "admin", "password": "demo-admin-password", "name": "t"}))
        .expect(&server.addr);
    assert_eq!(answer.status, 401, "{}", answer.text());
}
