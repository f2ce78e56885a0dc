//! Sessions, sign-in, sign-out, form tokens, the origin check, sign-in limits and API tokens.

use painpath_core::person::Role;
use painpath_store::Preferences;
use painpath_web::Config;
use serde_json::json;

use crate::helpers::{Cred, PASSWORD, Session, TODAY, TestApp, User, spawn, spawn_with};

async fn with_patient() -> (TestApp, User) {
    let app = spawn().await;
    let p = app.user(Role::Patient, "sam", "Sam Sleepless").await;
    (app, p)
}

async fn sign_in_form(
    app: &TestApp,
    username: &str,
    password: &str,
    keep: bool,
) -> crate::helpers::Resp {
    let mut fields = vec![
        ("username", username),
        ("password", password),
        ("next", "/diary"),
    ];
    if keep {
        fields.push(("keep_signed_in", "yes"));
    }
    app.post("/sign-in").form(&fields).send().await
}

fn attributes(set_cookie: &str) -> Vec<String> {
    set_cookie
        .split(';')
        .skip(1)
        .map(|a| a.trim().to_ascii_lowercase())
        .collect()
}

async fn stored_check_in(app: &TestApp, p: &User) -> bool {
    app.store
        .check_in(&p.actor(), p.uid(), TODAY.parse().expect("a date"))
        .await
        .expect("the store answers")
        .is_some()
}

#[tokio::test]
async fn signing_in_sets_an_http_only_strict_cookie_for_the_whole_site() {
    let (app, p) = with_patient().await;
    let r = sign_in_form(&app, &p.username, PASSWORD, false).await;
    assert_eq!(r.status, 303, "{r:?}");
    assert_eq!(r.location(), "/diary", "back to where the person was going");
    let cookie = r.session_set_cookie().expect("a session cookie");
    let attrs = attributes(cookie);
    assert!(attrs.contains(&"httponly".to_owned()), "{cookie}");
    assert!(attrs.contains(&"samesite=strict".to_owned()), "{cookie}");
    assert!(attrs.contains(&"path=/".to_owned()), "{cookie}");
    assert!(
        !attrs.contains(&"secure".to_owned()),
        "no Secure without an https address: {cookie}"
    );
    assert!(
        !attrs
            .iter()
            .any(|a| a.starts_with("max-age") || a.starts_with("expires")),
        "a session cookie unless the person asks to stay signed in: {cookie}"
    );
    let me = app
        .get("/api/me")
        .header("Cookie", &r.session_cookie().unwrap())
        .send()
        .await;
    assert_eq!(me.status, 200);
    assert_eq!(me.json()["username"], "sam");
}

#[tokio::test]
async fn behind_an_https_public_url_the_session_cookie_is_secure() {
    let config = Config {
        public_url: Some("https://pain.example.nhs.uk".into()),
        ..Config::default()
    };
    let app = spawn_with(config, crate::helpers::NOW).await;
    let p = app.user(Role::Patient, "sam", "Sam Sleepless").await;
    let r = sign_in_form(&app, &p.username, PASSWORD, false).await;
    assert_eq!(r.status, 303, "{r:?}");
    let cookie = r.session_set_cookie().expect("a session cookie");
    let attrs = attributes(cookie);
    assert!(attrs.contains(&"secure".to_owned()), "{cookie}");
    assert!(attrs.contains(&"httponly".to_owned()), "{cookie}");
    assert!(attrs.contains(&"samesite=strict".to_owned()), "{cookie}");
    // Behind the proxy, a form must come from the public address, not the one it reached.
    let session = Session {
        cookie: r.session_cookie().unwrap(),
        csrf: crate::helpers::csrf_in(
            &app.get("/")
                .header("Cookie", &r.session_cookie().unwrap())
                .send()
                .await
                .text(),
        )
        .unwrap(),
    };
    let fields = [
        ("csrf", session.csrf.as_str()),
        ("date", TODAY),
        ("pain", "5"),
    ];
    let inner = app
        .post("/check-in")
        .cookie(&session)
        .header("Origin", &app.base())
        .form(&fields)
        .send()
        .await;
    assert_eq!(inner.status, 403, "{inner:?}");
    assert!(!stored_check_in(&app, &p).await);
    let public = app
        .post("/check-in")
        .cookie(&session)
        .header("Origin", "https://pain.example.nhs.uk")
        .form(&fields)
        .send()
        .await;
    assert_eq!(public.status, 303, "{public:?}");
    assert!(stored_check_in(&app, &p).await);
}

#[tokio::test]
async fn keep_me_signed_in_makes_the_cookie_last_thirty_days() {
    let (app, p) = with_patient().await;
    let r = sign_in_form(&app, &p.username, PASSWORD, true).await;
    assert_eq!(r.status, 303, "{r:?}");
    let cookie = r.session_set_cookie().unwrap();
    assert!(
        attributes(cookie).contains(&"max-age=2592000".to_owned()),
        "thirty days: {cookie}"
    );
}

#[tokio::test]
async fn a_wrong_password_is_refused_without_saying_whether_the_account_exists() {
    let (app, p) = with_patient().await;
    let wrong = sign_in_form(&app, &p.username, "not the password", false).await;
    let nobody = sign_in_form(&app, "nobody-here", "not the password", false).await;
    for r in [&wrong, &nobody] {
        assert_eq!(r.status, 401, "{r:?}");
        assert!(r.session_set_cookie().is_none());
        assert!(
            r.text().contains("The username or password is not right"),
            "{r:?}"
        );
    }
}

#[tokio::test]
async fn signing_in_from_a_private_page_returns_to_it() {
    let (app, p) = with_patient().await;
    let r = app.get("/diary?to=2026-11-01").send().await;
    assert_eq!(r.status, 303, "{r:?}");
    assert_eq!(r.location(), "/sign-in?next=/diary%3Fto%3D2026-11-01");
    let form = app.get(r.location()).send().await;
    assert_eq!(form.status, 200, "{form:?}");
    assert!(
        form.text()
            .contains(r#"name="next" value="/diary?to=2026-11-01""#),
        "{form:?}"
    );
    let r = app
        .post("/sign-in")
        .form(&[
            ("username", p.username.as_str()),
            ("password", PASSWORD),
            ("next", "/diary?to=2026-11-01"),
        ])
        .send()
        .await;
    assert_eq!(r.status, 303, "{r:?}");
    assert_eq!(r.location(), "/diary?to=2026-11-01");
}

#[tokio::test]
async fn sign_in_returns_only_to_a_path_on_this_site() {
    let (app, p) = with_patient().await;
    for next in [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
    ] {
        let r = app
            .post("/sign-in")
            .form(&[
                ("username", p.username.as_str()),
                ("password", PASSWORD),
                ("next", next),
            ])
            .send()
            .await;
        assert_eq!(r.status, 303, "{r:?}");
        assert_eq!(r.location(), "/", "next={next}");
    }
}

#[tokio::test]
async fn a_form_post_without_or_with_a_wrong_csrf_token_is_403_and_changes_nothing() {
    let (app, p) = with_patient().await;
    let s = app.sign_in(&p).await;
    for csrf in [None, Some("wrong"), Some(""), Some(&s.csrf[..10])] {
        let mut fields = vec![("date", TODAY), ("pain", "5")];
        if let Some(t) = csrf {
            fields.push(("csrf", t));
        }
        let r = app.post("/check-in").cookie(&s).form(&fields).send().await;
        assert_eq!(r.status, 403, "check-in with csrf {csrf:?}: {r:?}");
        assert!(r.is_html());
        let mut fields = vec![("low_glare", "yes"), ("large_text", "yes")];
        if let Some(t) = csrf {
            fields.push(("csrf", t));
        }
        let r = app
            .post("/settings/display")
            .cookie(&s)
            .form(&fields)
            .send()
            .await;
        assert_eq!(r.status, 403, "display settings with csrf {csrf:?}: {r:?}");
        let r = app
            .post("/sign-out")
            .cookie(&s)
            .form(&csrf.map(|t| vec![("csrf", t)]).unwrap_or_default())
            .send()
            .await;
        assert_eq!(r.status, 403, "sign-out with csrf {csrf:?}: {r:?}");
    }
    assert!(!stored_check_in(&app, &p).await, "no check-in was saved");
    let prefs = app.store.preferences(&p.actor()).await.unwrap();
    assert_eq!(
        prefs,
        Preferences::default(),
        "the display settings did not change"
    );
    assert_eq!(
        app.get("/api/me").cookie(&s).send().await.status,
        200,
        "still signed in"
    );

    // Another session's token is no better than a made-up one.
    let other = app.sign_in(&p).await;
    assert_ne!(other.csrf, s.csrf);
    let fields = [
        ("csrf", other.csrf.as_str()),
        ("date", TODAY),
        ("pain", "5"),
    ];
    let r = app.post("/check-in").cookie(&s).form(&fields).send().await;
    assert_eq!(r.status, 403, "{r:?}");
    assert!(!stored_check_in(&app, &p).await);

    // And the right one works, which shows the refusals were about the token.
    let fields = [("csrf", s.csrf.as_str()), ("date", TODAY), ("pain", "5")];
    let r = app.post("/check-in").cookie(&s).form(&fields).send().await;
    assert_eq!(r.status, 303, "{r:?}");
    assert!(stored_check_in(&app, &p).await);
}

#[tokio::test]
async fn a_post_from_another_site_is_403_and_changes_nothing() {
    let (app, p) = with_patient().await;
    let s = app.sign_in(&p).await;
    let fields = [("csrf", s.csrf.as_str()), ("date", TODAY), ("pain", "5")];
    for (header, value) in [
        ("Origin", "http://evil.example"),
        ("Origin", "null"),
        ("Origin", "http://127.0.0.1.evil.example"),
        ("Sec-Fetch-Site", "cross-site"),
    ] {
        let r = app
            .post("/check-in")
            .cookie(&s)
            .header(header, value)
            .form(&fields)
            .send()
            .await;
        assert_eq!(r.status, 403, "{header}: {value}: {r:?}");
        // The same for the API with the session cookie.
        let r = app
            .put(&format!("/api/patients/{}/check-ins/{TODAY}", p.id))
            .cookie(&s)
            .header(header, value)
            .json(&json!({"pain": 5}))
            .send()
            .await;
        assert_eq!(r.status, 403, "API, {header}: {value}: {r:?}");
    }
    // A sign-in form posted from elsewhere is refused too (login CSRF).
    let r = app
        .post("/sign-in")
        .header("Origin", "http://evil.example")
        .form(&[("username", p.username.as_str()), ("password", PASSWORD)])
        .send()
        .await;
    assert_eq!(r.status, 403, "{r:?}");
    assert!(r.session_set_cookie().is_none());
    assert!(!stored_check_in(&app, &p).await);

    let r = app
        .post("/check-in")
        .cookie(&s)
        .header("Origin", &app.base())
        .header("Sec-Fetch-Site", "same-origin")
        .form(&fields)
        .send()
        .await;
    assert_eq!(r.status, 303, "from this site: {r:?}");
    assert!(stored_check_in(&app, &p).await);
}

#[tokio::test]
async fn signing_out_ends_the_session_on_the_server() {
    let (app, p) = with_patient().await;
    let s = app.sign_in(&p).await;
    let kept = app.sign_in(&p).await;
    let r = app
        .post("/sign-out")
        .cookie(&s)
        .form(&[("csrf", s.csrf.as_str())])
        .send()
        .await;
    assert_eq!(r.status, 303, "{r:?}");
    assert_eq!(r.location(), "/sign-in");
    let cleared = r.session_set_cookie().expect("the cookie is cleared");
    assert!(
        attributes(cleared).contains(&"max-age=0".to_owned()),
        "{cleared}"
    );

    // The old cookie, kept by someone who copied it, no longer works.
    let me = app.get("/api/me").cookie(&s).send().await;
    assert_eq!(me.status, 401, "{me:?}");
    let page = app.get("/check-in").cookie(&s).send().await;
    assert_eq!(page.status, 303, "{page:?}");
    assert!(page.location().starts_with("/sign-in?next="));
    // Only that session ended.
    assert_eq!(app.get("/api/me").cookie(&kept).send().await.status, 200);
}

#[tokio::test]
async fn after_five_failures_even_the_right_password_is_refused_but_other_accounts_are_not() {
    let (app, p) = with_patient().await;
    let other = app.user(Role::Patient, "olive", "Olive Other").await;
    let token_request =
        |password: &str| json!({"username": p.username, "password": password, "name": "phone"});
    // Failures through both doors count together.
    for _ in 0..3 {
        let r = app
            .post("/api/tokens")
            .json(&token_request("wrong password"))
            .send()
            .await;
        assert_eq!(r.status, 401, "{r:?}");
    }
    for _ in 0..2 {
        let r = sign_in_form(&app, "SAM", "wrong password", false).await;
        assert_eq!(r.status, 401, "{r:?}");
    }
    let r = app
        .post("/api/tokens")
        .json(&token_request(PASSWORD))
        .send()
        .await;
    assert_eq!(r.status, 429, "{r:?}");
    assert!(
        r.json()["error"]
            .as_str()
            .unwrap()
            .contains("Too many attempts"),
        "{r:?}"
    );
    assert!(!r.text().contains("\"token\""));
    let r = sign_in_form(&app, &p.username, PASSWORD, false).await;
    assert_eq!(r.status, 429, "{r:?}");
    assert!(r.text().contains("Too many attempts to sign in"), "{r:?}");
    assert!(r.session_set_cookie().is_none());

    // Someone else signing in meanwhile is not locked out.
    let r = sign_in_form(&app, &other.username, PASSWORD, false).await;
    assert_eq!(r.status, 303, "{r:?}");
    assert!(r.session_set_cookie().is_some());
    let r = app
        .post("/api/tokens")
        .json(&json!({"username": other.username, "password": PASSWORD, "name": "phone"}))
        .send()
        .await;
    assert_eq!(r.status, 201, "{r:?}");
}

#[tokio::test]
async fn an_api_token_works_as_a_bearer_until_it_is_revoked() {
    let (app, p) = with_patient().await;
    let r = app
        .post("/api/tokens")
        .json(&json!({"username": p.username, "password": PASSWORD, "name": "my phone"}))
        .send()
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let created = r.json();
    let token = created["token"].as_str().unwrap().to_owned();
    let id = created["id"].as_i64().unwrap();
    assert_eq!(token.len(), 64);
    let bearer = Cred::Bearer(token.clone());

    let me = app.get("/api/me").cred(&bearer).send().await;
    assert_eq!(me.status, 200, "{me:?}");
    assert_eq!(me.json()["id"], p.id);
    let listed = app.get("/api/tokens").cred(&bearer).send().await;
    assert_eq!(listed.status, 200);
    assert_eq!(listed.json()[0]["name"], "my phone");
    assert!(
        !listed.text().contains(&token),
        "a token is shown once, never listed"
    );

    // Bearer requests carry no cookie, so they need no form token, and may come from anywhere.
    let r = app
        .put(&format!("/api/patients/{}/check-ins/{TODAY}", p.id))
        .cred(&bearer)
        .json(&json!({"pain": 4}))
        .send()
        .await;
    assert_eq!(r.status, 201, "{r:?}");

    let revoked = app
        .delete(&format!("/api/tokens/{id}"))
        .cred(&bearer)
        .send()
        .await;
    assert_eq!(revoked.status, 204, "{revoked:?}");
    let after = app.get("/api/me").cred(&bearer).send().await;
    assert_eq!(after.status, 401, "{after:?}");
}

#[tokio::test]
async fn a_token_is_not_handed_out_for_a_wrong_password_or_a_bad_request() {
    let (app, p) = with_patient().await;
    let r = app
        .post("/api/tokens")
        .json(&json!({"username": p.username, "password": "nope", "name": "x"}))
        .send()
        .await;
    assert_eq!(r.status, 401, "{r:?}");
    let r = app
        .post("/api/tokens")
        .json(&json!({"username": p.username, "password": PASSWORD, "name": ""}))
        .send()
        .await;
    assert_eq!(r.status, 422, "{r:?}");
    assert_eq!(r.problem_fields(), ["name"]);
    let r = app
        .post("/api/tokens")
        .json(&json!({"username": p.username, "password": PASSWORD}))
        .send()
        .await;
    assert_eq!(r.status, 422, "{r:?}");
    assert_eq!(
        r.problem_fields(),
        ["name"],
        "a missing field is named: {r:?}"
    );
}

#[tokio::test]
async fn a_wrong_bearer_token_is_401_even_with_a_valid_cookie() {
    let (app, p) = with_patient().await;
    let s = app.sign_in(&p).await;
    for authorization in [
        format!("Bearer {}", "0".repeat(64)),
        "Bearer ".to_owned(),
        "Basic c2FtOnB3".to_owned(),
    ] {
        let r = app
            .get("/api/me")
            .cookie(&s)
            .header("Authorization", &authorization)
            .send()
            .await;
        assert_eq!(r.status, 401, "{authorization}: {r:?}");
        let page = app
            .get("/diary")
            .cookie(&s)
            .header("Authorization", &authorization)
            .send()
            .await;
        assert_eq!(page.status, 303, "{authorization}: {page:?}");
    }
    assert_eq!(app.get("/api/me").cookie(&s).send().await.status, 200);
}
