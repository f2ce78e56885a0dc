//! Sign-in under a flood and getting an account back (issue 6, sections 3 and 4), over HTTP: a
//! burst gets at most the limit judged, the per-address limit sees a client's address only
//! behind a trusted proxy, recovery codes set a new password once, staff-issued resets are told
//! to the patient, and every new password ends the account's other sessions and API tokens.

use painpath_core::person::Role;
use painpath_web::Config;
use serde_json::json;

use crate::helpers::{Cred, PASSWORD, Resp, TestApp, csrf_in, path_of, spawn, spawn_with};

async fn sign_in(app: &TestApp, username: &str, password: &str, xff: Option<&str>) -> Resp {
    let mut req = app.post("/sign-in").form(&[
        ("username", username),
        ("password", password),
        ("next", "/"),
    ]);
    if let Some(x) = xff {
        req = req.header("X-Forwarded-For", x);
    }
    req.send().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_wrong_passwords_gets_at_most_the_limit_judged_and_other_accounts_still_sign_in()
{
    let app = spawn().await;
    let victim = app.user(Role::Patient, "victim", "Vic Tim").await;
    let bystander = app.user(Role::Patient, "bystander", "By Stander").await;
    // Twenty wrong passwords at once for one account.
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let req = app.post("/sign-in").form(&[
            ("username", "victim"),
            ("password", "not the password at all"),
            ("next", "/"),
        ]);
        tasks.push(tokio::spawn(req.send()));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.expect("the request ran").status);
    }
    let judged = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429 || **s == 503).count();
    assert!(
        judged <= 5,
        "no more than the limit of 5 judged: {statuses:?}"
    );
    assert_eq!(judged + refused, 20, "{statuses:?}");
    assert!(judged >= 1, "the first attempts are judged: {statuses:?}");
    // The right password is refused now too, until the window passes: that is the limit.
    let r = sign_in(&app, &victim.username, PASSWORD, None).await;
    assert_eq!(r.status, 429, "{r:?}");
    // Another account is not locked out by the burst.
    let r = sign_in(&app, &bystander.username, PASSWORD, None).await;
    assert_eq!(r.status, 303, "{r:?}");
    // The API's token exchange is held to the same count.
    let r = app
        .post("/api/tokens")
        .json(&json!({"username": "victim", "password": PASSWORD, "name": "x"}))
        .send()
        .await;
    assert_eq!(r.status, 429, "{r:?}");
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_address_limit_counts_the_clients_address_and_only_then() {
    // Trusted: 127.0.0.1 (the tests' own address) is the proxy.
    let config = Config {
        trusted_proxies: painpath_web::proxy::parse_list("127.0.0.1").expect("a list"),
        ..Config::default()
    };
    let app = spawn_with(config, crate::helpers::NOW).await;
    for n in 0..30 {
        let r = sign_in(
            &app,
            &format!("ghost{n}"),
            "wrong password",
            Some("203.0.113.1"),
        )
        .await;
        assert_eq!(r.status, 401, "attempt {n}: {r:?}");
    }
    let r = sign_in(&app, "ghost99", "wrong password", Some("203.0.113.1")).await;
    assert_eq!(r.status, 429, "that client has had its 30: {r:?}");
    // Another client behind the same proxy is counted on its own.
    let r = sign_in(&app, "ghost99", "wrong password", Some("203.0.113.2")).await;
    assert_eq!(r.status, 401, "{r:?}");
    // A forged address on the left is never believed: the proxy appended the real one.
    let r = sign_in(
        &app,
        "ghost98",
        "wrong password",
        Some("203.0.113.2, 203.0.113.1"),
    )
    .await;
    assert_eq!(r.status, 429, "{r:?}");

    // Not trusted (the default): the header is ignored, so changing it escapes nothing.
    let app = spawn().await;
    for n in 0..30 {
        let xff = format!("198.51.100.{n}");
        let r = sign_in(&app, &format!("ghost{n}"), "wrong password", Some(&xff)).await;
        assert_eq!(r.status, 401, "attempt {n}: {r:?}");
    }
    let r = sign_in(&app, "ghost99", "wrong password", Some("198.51.100.200")).await;
    assert_eq!(
        r.status, 429,
        "every attempt counted against the real address: {r:?}"
    );
}

/// Redeems a clinician's invitation through its form; gives the session and the codes shown.
async fn join(
    app: &TestApp,
    clinician: &Cred,
    username: &str,
) -> (crate::helpers::Session, Vec<String>) {
    let link = path_of(
        app.post("/api/invitations")
            .cred(clinician)
            .send()
            .await
            .json()["url"]
            .as_str()
            .expect("an invitation url"),
    );
    let r = app
        .post(&link)
        .form(&[
            ("display_name", "Robin Recover"),
            ("username", username),
            ("password", PASSWORD),
            ("confirm", PASSWORD),
        ])
        .send()
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let page = r.text();
    let codes: Vec<String> = page
        .split(r#"<li><code class="token">"#)
        .skip(1)
        .filter_map(|s| s.split('<').next())
        .map(str::to_owned)
        .collect();
    let cookie = r.session_cookie().expect("signed in");
    let home = app.get("/").header("Cookie", &cookie).send().await.text();
    let csrf = csrf_in(&home).expect("a csrf token");
    (crate::helpers::Session { cookie, csrf }, codes)
}

async fn recover(app: &TestApp, username: &str, code: &str, password: &str) -> Resp {
    app.post("/recover")
        .form(&[
            ("username", username),
            ("code", code),
            ("password", password),
            ("confirm", password),
        ])
        .send()
        .await
}

#[tokio::test]
async fn a_recovery_code_sets_a_new_password_once_and_signs_out_everywhere_else() {
    let app = spawn().await;
    let admin = app.user(Role::Admin, "admin", "Ada Admin").await;
    let clinician = app.user(Role::Clinician, "dr-kaur", "Dr Kaur").await;
    let c = app.bearer(&clinician).await;
    let (session, codes) = join(&app, &c, "robin").await;
    assert_eq!(codes.len(), 8, "{codes:?}");
    let token = app
        .post("/api/tokens")
        .json(&json!({"username": "robin", "password": PASSWORD, "name": "script"}))
        .send()
        .await
        .json()["token"]
        .as_str()
        .expect("a token")
        .to_owned();

    // Bad input names its field and changes nothing.
    let r = app
        .post("/recover")
        .form(&[
            ("username", "robin"),
            ("code", ""),
            ("password", "short"),
            ("confirm", "short"),
        ])
        .send()
        .await;
    assert_eq!(r.status, 422, "{r:?}");
    assert!(r.text().contains(r#"id="code-error""#) && r.text().contains(r#"id="password-error""#));
    // A wrong code, or another person's name, is refused without saying which.
    let r = recover(
        &app,
        "robin",
        "AAAA-AAAA-AAAA-AAAA",
        "a brand new passphrase",
    )
    .await;
    assert_eq!(r.status, 401, "{r:?}");
    let r = recover(&app, "admin", &codes[0], "a brand new passphrase").await;
    assert_eq!(r.status, 401, "{r:?}");
    assert_eq!(
        app.get("/api/me").cookie(&session).send().await.status,
        200,
        "nothing changed yet"
    );

    // The right code, typed in lower case with spaces: the new password, everything else ended.
    let typed = codes[0].to_lowercase().replace('-', " ");
    let r = recover(&app, "robin", &typed, "a brand new passphrase").await;
    assert_eq!(r.status, 303, "{r:?}");
    assert_eq!(r.location(), "/sign-in?recovered=1");
    assert_eq!(app.get("/api/me").cookie(&session).send().await.status, 401);
    assert_eq!(
        app.get("/api/me")
            .cred(&Cred::Bearer(token))
            .send()
            .await
            .status,
        401,
        "the API token ended"
    );
    let r = sign_in(&app, "robin", "a brand new passphrase", None).await;
    assert_eq!(r.status, 303, "{r:?}");
    // The same code never works twice.
    let r = recover(&app, "robin", &codes[0], "another new passphrase").await;
    assert_eq!(r.status, 401, "{r:?}");
    // Settings says how many are left.
    let s = crate::helpers::Session {
        cookie: r_cookie(&app, "robin", "a brand new passphrase").await,
        csrf: String::new(),
    };
    let settings = app.get("/settings").cookie(&s).send().await.text();
    assert!(
        settings.contains("<strong>7</strong> unused codes"),
        "{settings}"
    );
    let _ = admin;
}

async fn r_cookie(app: &TestApp, username: &str, password: &str) -> String {
    sign_in(app, username, password, None)
        .await
        .session_cookie()
        .expect("signed in")
}

#[tokio::test]
async fn wrong_recovery_codes_are_limited_on_their_own_count() {
    let app = spawn().await;
    app.user(Role::Patient, "robin", "Robin").await;
    for n in 0..5 {
        let r = recover(
            &app,
            "robin",
            "AAAA-AAAA-AAAA-AAAA",
            "a brand new passphrase",
        )
        .await;
        assert_eq!(r.status, 401, "attempt {n}: {r:?}");
    }
    let r = recover(
        &app,
        "robin",
        "AAAA-AAAA-AAAA-AAAA",
        "a brand new passphrase",
    )
    .await;
    assert_eq!(r.status, 429, "{r:?}");
    // Counted apart from signing in, so guessing codes does not lock the person out of the
    // password they know (and guessing passwords does not lock them out of their codes).
    let r = sign_in(&app, "robin", PASSWORD, None).await;
    assert_eq!(r.status, 303, "{r:?}");
}

#[tokio::test]
async fn a_clinicians_reset_is_told_to_the_patient_at_sign_in_and_in_their_access_history() {
    let app = spawn().await;
    let admin = app.user(Role::Admin, "admin", "Ada Admin").await;
    let patient = app.user(Role::Patient, "pat", "Pat Patient").await;
    let clinician = app.user(Role::Clinician, "dr-kaur", "Dr Kaur").await;
    app.link(&admin, &patient, &clinician).await;
    let cs = app.sign_in(&clinician).await;
    // Without a reason the form is refused beside the field, and no link is made.
    let r = app
        .post(&format!("/patients/{}/password-reset", patient.id))
        .cookie(&cs)
        .form(&[("csrf", cs.csrf.as_str()), ("reason", "")])
        .send()
        .await;
    assert_eq!(r.status, 422, "{r:?}");
    assert!(r.text().contains(r#"id="reason-error""#), "{r:?}");
    assert!(!r.text().contains("/link/"), "no link was made: {r:?}");
    let r = app
        .post(&format!("/patients/{}/password-reset", patient.id))
        .cookie(&cs)
        .form(&[
            ("csrf", cs.csrf.as_str()),
            ("reason", "Phoned the clinic, lost their codes"),
        ])
        .send()
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let html = r.text();
    let url = html
        .split(r#"<code class="token">"#)
        .nth(1)
        .and_then(|s| s.split('<').next())
        .expect("the link is shown");
    let link = path_of(url);
    // The patient uses it, then signs in: the home page says who reset it, when and why.
    let r = app
        .post(&link)
        .form(&[
            ("password", "a brand new passphrase"),
            ("confirm", "a brand new passphrase"),
        ])
        .send()
        .await;
    assert_eq!(r.status, 303, "{r:?}");
    let cookie = r_cookie(&app, "pat", "a brand new passphrase").await;
    let home = app
        .get("/")
        .header("Cookie", &cookie)
        .send()
        .await
        .text()
        .replace("&#39;", "'");
    assert!(home.contains("Your password was reset on"), "{home}");
    assert!(home.contains("Dr Kaur (clinician)"), "{home}");
    assert!(
        home.contains("Phoned the clinic, lost their codes"),
        "{home}"
    );
    assert!(
        home.contains("If this was not you, tell the clinic"),
        "{home}"
    );
    // The access history lists the reset as an access by the clinician.
    let history = app
        .get("/settings/access")
        .header("Cookie", &cookie)
        .send()
        .await;
    assert_eq!(history.status, 200, "{history:?}");
    assert!(
        history
            .text()
            .contains("made a password reset link for your account")
    );
    assert!(history.text().contains("Dr Kaur (clinician)"));
    // A patient with no staff reset sees no such notice.
    let other = app.user(Role::Patient, "other", "Other").await;
    let os = app.sign_in(&other).await;
    let home = app.get("/").cookie(&os).send().await.text();
    assert!(!home.contains("Your password was reset"), "{home}");
    // Only patients have an access history page.
    assert_eq!(
        app.get("/settings/access").cookie(&cs).send().await.status,
        403
    );
}

#[tokio::test]
async fn an_admin_is_offered_no_reset_for_a_patient_and_is_refused_one() {
    let app = spawn().await;
    let admin = app.user(Role::Admin, "admin", "Ada Admin").await;
    let patient = app.user(Role::Patient, "pat", "Pat Patient").await;
    let clinician = app.user(Role::Clinician, "dr-kaur", "Dr Kaur").await;
    let s = app.sign_in(&admin).await;
    let page = app.get("/admin").cookie(&s).send().await.text();
    assert!(
        !page.contains(&format!("/admin/accounts/{}/reset", patient.id)),
        "{page}"
    );
    assert!(
        page.contains(&format!("/admin/accounts/{}/reset", clinician.id)),
        "{page}"
    );
    let r = app
        .post(&format!("/admin/accounts/{}/reset", patient.id))
        .cookie(&s)
        .form(&[("csrf", s.csrf.as_str())])
        .send()
        .await;
    assert_eq!(r.status, 403, "{r:?}");
    assert!(r.text().contains("recovery codes"), "{r:?}");
    assert!(!r.text().contains("/link/"), "{r:?}");
}

#[tokio::test]
async fn changing_a_password_ends_every_other_session_and_every_api_token() {
    let app = spawn().await;
    let patient = app.user(Role::Patient, "pat", "Pat Patient").await;
    let here = app.sign_in(&patient).await;
    let phone = app.sign_in(&patient).await;
    let token = app.bearer(&patient).await;
    // A wrong current password changes nothing.
    let r = app
        .post("/settings/password")
        .cookie(&here)
        .form(&[
            ("csrf", here.csrf.as_str()),
            ("current", "not it"),
            ("new_password", "a brand new passphrase"),
            ("confirm", "a brand new passphrase"),
        ])
        .send()
        .await;
    assert_eq!(r.status, 422, "{r:?}");
    assert_eq!(app.get("/api/me").cred(&token).send().await.status, 200);
    let r = app
        .post("/settings/password")
        .cookie(&here)
        .form(&[
            ("csrf", here.csrf.as_str()),
            ("current", PASSWORD),
            ("new_password", "a brand new passphrase"),
            ("confirm", "a brand new passphrase"),
        ])
        .send()
        .await;
    assert_eq!(r.status, 303, "{r:?}");
    assert_eq!(
        app.get("/api/me").cookie(&here).send().await.status,
        200,
        "this one stays"
    );
    assert_eq!(app.get("/api/me").cookie(&phone).send().await.status, 401);
    assert_eq!(app.get("/api/me").cred(&token).send().await.status, 401);
}

#[tokio::test]
async fn new_recovery_codes_need_the_password_and_replace_the_old_ones() {
    let app = spawn().await;
    let clinician = app.user(Role::Clinician, "dr-kaur", "Dr Kaur").await;
    let c = app.bearer(&clinician).await;
    let (s, old) = join(&app, &c, "robin").await;
    let r = app
        .post("/settings/recovery-codes")
        .cookie(&s)
        .form(&[("csrf", s.csrf.as_str()), ("codes_password", "wrong")])
        .send()
        .await;
    assert_eq!(r.status, 422, "{r:?}");
    assert!(r.text().contains(r#"id="codes_password-error""#), "{r:?}");
    let r = app
        .post("/settings/recovery-codes")
        .cookie(&s)
        .form(&[("csrf", s.csrf.as_str()), ("codes_password", PASSWORD)])
        .send()
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let fresh: Vec<String> = r
        .text()
        .split(r#"<li><code class="token">"#)
        .skip(1)
        .filter_map(|s| s.split('<').next())
        .map(str::to_owned)
        .collect();
    assert_eq!(fresh.len(), 8);
    assert!(fresh.iter().all(|c| !old.contains(c)));
    let r = recover(&app, "robin", &old[0], "a brand new passphrase").await;
    assert_eq!(r.status, 401, "an old code no longer works: {r:?}");
    let r = recover(&app, "robin", &fresh[0], "a brand new passphrase").await;
    assert_eq!(r.status, 303, "{r:?}");
}

#[tokio::test]
async fn a_patient_locked_out_by_someone_elses_guesses_still_gets_back_in_with_a_recovery_code() {
    let app = spawn().await;
    let clinician = app.user(Role::Clinician, "dr-kaur", "Dr Kaur").await;
    let c = app.bearer(&clinician).await;
    let (_, codes) = join(&app, &c, "robin").await;
    // Someone sends five wrong passwords: signing in is now refused.
    for _ in 0..5 {
        sign_in(&app, "robin", "a guess that is wrong", None).await;
    }
    assert_eq!(sign_in(&app, "robin", PASSWORD, None).await.status, 429);
    // The recovery codes are counted apart, so they still work, and the new password at once.
    let r = recover(&app, "robin", &codes[1], "a brand new passphrase").await;
    assert_eq!(r.status, 303, "{r:?}");
    let r = sign_in(&app, "robin", "a brand new passphrase", None).await;
    assert_eq!(
        r.status, 303,
        "the failures were forgotten with the new password: {r:?}"
    );
}
