//! The server-rendered pages: the check-in and its day choice, the headers every page carries,
//! the help-now page by nation, invitation links, and the audit of a clinician's reads.

use painpath_core::person::Role;
use painpath_web::access::{Access, Kind};
use painpath_web::router::table;
use serde_json::json;

use crate::helpers::{Cred, Resp, Session, TODAY, TestApp, User, path_of, spawn, spawn_at};

async fn patient_session(app: &TestApp) -> (User, Session) {
    let p = app.user(Role::Patient, "pat", "Pat Patient").await;
    let s = app.sign_in(&p).await;
    (p, s)
}

/// The services of the help-now component, in the order shown.
fn crisis_services(html: &str) -> Vec<String> {
    let start = html
        .find(r#"<section class="crisis""#)
        .expect("the crisis component");
    let end = html[start..]
        .find("</section>")
        .expect("the end of the crisis component")
        + start;
    html[start..end]
        .split("<h3>")
        .skip(1)
        .map(|s| {
            let name = s.split("</h3>").next().unwrap_or("");
            name.replace("&#38;", "&").replace("&amp;", "&")
        })
        .collect()
}

#[tokio::test]
async fn just_after_midnight_the_check_in_offers_yesterday_and_today_and_says_which_is_which() {
    // 00:20 in London on Wednesday 25/11/2026 (GMT, so the same instant in UTC).
    let app = spawn_at("2026-11-25T00:20:00Z").await;
    let (_, s) = patient_session(&app).await;
    let r = app.get("/check-in").cookie(&s).send().await;
    assert_eq!(r.status, 200, "{r:?}");
    let html = r.text();
    assert!(html.contains("Which day are you logging?"), "{html}");
    assert!(
        html.contains(r#"name="date" value="2026-11-24" checked>"#),
        "yesterday is offered first and chosen: {html}"
    );
    assert!(
        html.contains(r#"name="date" value="2026-11-25">"#),
        "{html}"
    );
    let yesterday = html
        .find("Yesterday, Tuesday 24/11/2026")
        .expect("yesterday is named");
    let today = html
        .find("Today, Wednesday 25/11/2026")
        .expect("today is named");
    assert!(yesterday < today, "yesterday comes first");
    assert!(
        !html.contains(r#"type="hidden" name="date""#),
        "the day is not chosen silently"
    );
}

#[tokio::test]
async fn just_after_midnight_neither_days_entry_is_filled_in_until_the_person_chooses() {
    let app = spawn_at("2026-11-25T00:20:00Z").await;
    let (p, s) = patient_session(&app).await;
    let token = app.bearer(&p).await;
    let saved = app
        .put(&format!("/api/patients/{}/check-ins/2026-11-24", p.id))
        .cred(&token)
        .json(&json!({"pain": 7, "fatigue": 6, "flare": true, "note": "yesterday's note"}))
        .send()
        .await;
    assert_eq!(saved.status, 201, "{saved:?}");
    let html = app.get("/check-in").cookie(&s).send().await.text();
    assert!(html.contains("Which day are you logging?"), "{html}");
    // Saving with "Today" chosen must not copy yesterday's pain, flare or note into today.
    assert!(
        !html.contains("checked autofocus"),
        "no pain is pre-chosen: {html}"
    );
    assert!(
        !html.contains(r#"id="flare-yes" name="flare" value="yes" checked"#),
        "{html}"
    );
    assert!(
        !html.contains("yesterday&#39;s note") && !html.contains("yesterday's note"),
        "{html}"
    );
    // Once the person opens a day themselves, that day's entry is shown for editing.
    let html = app
        .get("/check-in?date=2026-11-24")
        .cookie(&s)
        .send()
        .await
        .text();
    assert!(html.contains("already checked in"), "{html}");
}

#[tokio::test]
async fn in_british_summer_time_just_after_midnight_is_london_time_not_utc() {
    // 23:30 UTC on 1 July is 00:30 on 2 July in London.
    let app = spawn_at("2026-07-01T23:30:00Z").await;
    let (_, s) = patient_session(&app).await;
    let html = app.get("/check-in").cookie(&s).send().await.text();
    assert!(html.contains("Yesterday, Wednesday 01/07/2026"), "{html}");
    assert!(html.contains("Today, Thursday 02/07/2026"), "{html}");
}

#[tokio::test]
async fn in_the_morning_the_check_in_is_for_today_without_asking() {
    let app = spawn_at("2026-11-25T09:00:00Z").await;
    let (_, s) = patient_session(&app).await;
    let r = app.get("/check-in").cookie(&s).send().await;
    assert_eq!(r.status, 200, "{r:?}");
    let html = r.text();
    assert!(!html.contains("Which day are you logging?"), "{html}");
    assert!(!html.contains("Yesterday, "), "{html}");
    assert!(
        html.contains(r#"<input type="hidden" name="date" value="2026-11-25">"#),
        "{html}"
    );
    assert!(html.contains("Check-in for Wednesday 25/11/2026"), "{html}");
}

#[tokio::test]
async fn a_check_in_form_with_its_csrf_token_saves_and_goes_home() {
    let app = spawn().await;
    let (p, s) = patient_session(&app).await;
    let r = app
        .post("/check-in")
        .cookie(&s)
        .form(&[
            ("csrf", s.csrf.as_str()),
            ("date", "24/11/2026"),
            ("pain", "6"),
            ("fatigue", "7"),
            ("pain_regions", "neck"),
            ("pain_regions", "lower_back"),
            ("flare", "yes"),
            ("sleep_hours", "5.5"),
            ("note", "a long day"),
            ("save", "full"),
        ])
        .send()
        .await;
    assert_eq!(r.status, 303, "{r:?}");
    assert_eq!(r.location(), "/?saved=2026-11-24");
    let saved = app
        .store
        .check_in(&p.actor(), p.uid(), "2026-11-24".parse().unwrap())
        .await
        .unwrap()
        .expect("the check-in is stored");
    assert_eq!(saved.pain.map(|n| n.get()), Some(6));
    assert_eq!(saved.pain_regions.len(), 2);
    assert_eq!(saved.sleep_tenths, Some(55));
    assert_eq!(saved.note.as_deref(), Some("a long day"));
    let home = app.get(r.location()).cookie(&s).send().await;
    assert_eq!(home.status, 200);
    assert!(home.text().contains("Tuesday 24/11/2026"), "{home:?}");

    // Saving the same day again replaces it.
    let r = app
        .post("/check-in")
        .cookie(&s)
        .form(&[
            ("csrf", s.csrf.as_str()),
            ("date", "2026-11-24"),
            ("pain", "2"),
        ])
        .send()
        .await;
    assert_eq!(r.status, 303, "{r:?}");
    let saved = app
        .store
        .check_in(&p.actor(), p.uid(), "2026-11-24".parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(saved.pain.map(|n| n.get()), Some(2));
    assert_eq!(saved.note, None);
}

#[tokio::test]
async fn a_check_in_form_with_pain_11_is_422_and_stores_nothing() {
    let app = spawn().await;
    let (p, s) = patient_session(&app).await;
    for (field, value) in [
        ("pain", "11"),
        ("pain", "six"),
        ("date", "26/11/2026"),
        ("sleep_hours", "25"),
    ] {
        let mut fields = vec![
            ("csrf", s.csrf.as_str()),
            ("date", TODAY),
            ("note", "kept for correction"),
        ];
        fields.retain(|(k, _)| *k != field);
        fields.push((field, value));
        if field != "pain" {
            fields.push(("pain", "5"));
        }
        let r = app.post("/check-in").cookie(&s).form(&fields).send().await;
        assert_eq!(r.status, 422, "{field}={value}: {r:?}");
        assert!(r.is_html());
        let html = r.text();
        assert!(
            html.contains(&format!(r##"href="#{field}""##)),
            "the summary links to {field}: {html}"
        );
        assert!(
            html.contains("kept for correction"),
            "what was typed is kept: {html}"
        );
    }
    let diary = app
        .store
        .diary(
            &p.actor(),
            p.uid(),
            "2026-01-01".parse().unwrap(),
            TODAY.parse().unwrap(),
        )
        .await
        .unwrap();
    assert!(diary.is_empty(), "nothing was stored: {diary:?}");
}

/// Every kind of page, asked by someone who may see it, and a few error pages.
async fn every_page(app: &TestApp) -> Vec<(String, Resp)> {
    let admin = app.user(Role::Admin, "admin", "Ada Admin").await;
    let clinician = app.user(Role::Clinician, "dr-kaur", "Dr Kaur").await;
    let (patient, ps) = patient_session(app).await;
    app.link(&admin, &patient, &clinician).await;
    let cs = app.sign_in(&clinician).await;
    let ads = app.sign_in(&admin).await;
    let invitation = app
        .post("/api/invitations")
        .cred(&Cred::Session(cs.clone()))
        .send()
        .await;
    assert_eq!(invitation.status, 201, "{invitation:?}");
    let link = path_of(
        invitation.json()["url"]
            .as_str()
            .expect("an invitation link"),
    );

    let done = app
        .post(&format!("/api/patients/{}/questionnaires/phq9", patient.id))
        .cred(&Cred::Session(ps.clone()))
        .json(&serde_json::json!({"items": [1, 1, 1, 0, 0, 0, 0, 0, 0]}))
        .send()
        .await;
    assert_eq!(done.status, 201, "{done:?}");
    let response = done.json()["id"].as_i64().expect("a questionnaire id");

    let mut seen = Vec::new();
    for row in table()
        .into_iter()
        .filter(|r| r.kind == Kind::Page && r.method == "GET")
    {
        let path = match row.path {
            "/link/{token}" => link.clone(),
            "/patients/{patient}" => format!("/patients/{}", patient.id),
            "/static/{file}" => continue,
            "/questionnaires/{instrument}" => "/questionnaires/phq9".to_owned(),
            "/questionnaires/{instrument}/history" => "/questionnaires/phq9/history".to_owned(),
            "/questionnaires/{instrument}/result/{response}" => {
                format!("/questionnaires/phq9/result/{response}")
            }
            "/patients/{patient}/questionnaires/{instrument}" => {
                format!("/patients/{}/questionnaires/phq9", patient.id)
            }
            p if p.contains('{') => panic!("no sample path for the page {p}; add one"),
            p => p.to_owned(),
        };
        let who: Vec<(&str, Option<&Session>)> = match row.access {
            Access::Public => vec![("nobody", None), ("a patient", Some(&ps))],
            Access::SignedIn => vec![
                ("a patient", Some(&ps)),
                ("a clinician", Some(&cs)),
                ("an admin", Some(&ads)),
            ],
            Access::Patient => vec![("a patient", Some(&ps))],
            Access::Clinician => vec![("a clinician", Some(&cs))],
            Access::Admin => vec![("an admin", Some(&ads))],
            Access::Staff => vec![("a clinician", Some(&cs)), ("an admin", Some(&ads))],
            Access::PatientRecord => vec![("a patient", Some(&ps))],
        };
        for (name, session) in who {
            let mut req = app.get(&path);
            if let Some(s) = session {
                req = req.cookie(s);
            }
            let r = req.send().await;
            // Someone already signed in is sent on from the sign-in and recovery pages.
            let expected = if (path == "/sign-in" || path == "/recover") && session.is_some() {
                303
            } else {
                200
            };
            assert_eq!(r.status, expected, "{name} on {path}: {r:?}");
            seen.push((format!("{name} on {path}"), r));
        }
    }
    // Error pages and answers to forms are pages too.
    let extra = [
        ("a missing page", app.get("/no-such-page").send().await),
        (
            "a refused page",
            app.get(&format!("/patients/{}", patient.id))
                .cookie(&ads)
                .send()
                .await,
        ),
        (
            "an unknown link",
            app.get(&format!("/link/{}", "a".repeat(64))).send().await,
        ),
        (
            "a failed sign-in",
            app.post("/sign-in")
                .form(&[("username", "x"), ("password", "y")])
                .send()
                .await,
        ),
        (
            "a check-in with problems",
            app.post("/check-in")
                .cookie(&ps)
                .form(&[("csrf", ps.csrf.as_str()), ("pain", "11")])
                .send()
                .await,
        ),
        (
            "an expired form",
            app.post("/check-in")
                .cookie(&ps)
                .form(&[("pain", "1")])
                .send()
                .await,
        ),
        ("a redirect to sign in", app.get("/diary").send().await),
    ];
    seen.extend(extra.into_iter().map(|(n, r)| (n.to_owned(), r)));
    seen
}

#[tokio::test]
async fn every_page_has_a_strict_content_security_policy_no_store_and_a_help_link() {
    let app = spawn().await;
    let pages = every_page(&app).await;
    assert!(pages.len() >= 25, "only {} pages?", pages.len());
    for (what, r) in &pages {
        let csp = r
            .header("content-security-policy")
            .unwrap_or_else(|| panic!("{what}: no Content-Security-Policy: {r:?}"));
        assert!(!csp.contains("unsafe-inline"), "{what}: {csp}");
        assert!(!csp.contains("unsafe-eval"), "{what}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
        assert_eq!(r.header("cache-control"), Some("no-store"), "{what}: {r:?}");
        assert_eq!(
            r.header("x-content-type-options"),
            Some("nosniff"),
            "{what}"
        );
        if r.status == 303 {
            continue;
        }
        assert!(r.is_html(), "{what}: {r:?}");
        let html = r.text();
        assert!(
            html.contains(r#"<a class="help-now" href="/help">Need help now?</a>"#),
            "{what} has no link to help: {html}"
        );
        assert!(
            !html.contains("<script>") && !html.contains(" style=\""),
            "{what} has inline code"
        );
    }
    // The stylesheet is no page: it holds no personal data and may be cached.
    let marker = r#"<link rel="stylesheet" href=""#;
    let href = pages
        .iter()
        .find_map(|(_, r)| {
            let html = r.text();
            let start = html.find(marker)? + marker.len();
            Some(html[start..start + html[start..].find('"')?].to_owned())
        })
        .expect("the pages link their stylesheet");
    let css = app.get(&href).send().await;
    assert_eq!(css.status, 200);
    assert!(css.header("content-security-policy").is_some());
    assert!(css.header("content-type").unwrap().starts_with("text/css"));
}

#[tokio::test]
async fn help_for_a_patient_in_england_lists_999_first_then_samaritans_shout_and_nhs_111() {
    let app = spawn().await;
    let (p, s) = patient_session(&app).await;
    let r = app
        .put(&format!("/api/patients/{}/details", p.id))
        .cookie(&s)
        .json(&json!({"nation": "england"}))
        .send()
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let r = app.get("/help").cookie(&s).send().await;
    assert_eq!(r.status, 200);
    let html = r.text();
    let services = crisis_services(&html);
    assert_eq!(
        services,
        [
            "999 or A&E",
            "Samaritans",
            "Shout",
            "NHS 111 mental health option"
        ],
        "{html}"
    );
    assert!(html.contains("116 123"), "{html}");
    assert!(html.contains("85258"), "{html}");
    assert!(
        html.contains(r#"href="tel:999""#) || html.contains("Call 999"),
        "{html}"
    );
    assert!(!html.contains("Lifeline"), "{html}");
    assert!(
        html.contains("These are the services for England"),
        "{html}"
    );
}

#[tokio::test]
async fn help_for_a_patient_in_northern_ireland_lists_lifeline_not_nhs_111() {
    let app = spawn().await;
    let (p, s) = patient_session(&app).await;
    let r = app
        .put(&format!("/api/patients/{}/details", p.id))
        .cookie(&s)
        .json(&json!({"nation": "northern_ireland"}))
        .send()
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let html = app.get("/help").cookie(&s).send().await.text();
    let services = crisis_services(&html);
    assert_eq!(
        services.first().map(String::as_str),
        Some("999 or A&E"),
        "{html}"
    );
    assert!(services.iter().any(|s| s == "Lifeline"), "{services:?}");
    assert!(services.iter().any(|s| s == "Samaritans"), "{services:?}");
    assert!(services.iter().any(|s| s == "Shout"), "{services:?}");
    assert!(!html.contains("NHS 111 mental health"), "{html}");
    assert!(html.contains("0808 808 8000"), "{html}");
}

#[tokio::test]
async fn help_for_someone_not_signed_in_lists_every_nations_line_after_999() {
    let app = spawn().await;
    let html = app.get("/help").send().await.text();
    let services = crisis_services(&html);
    assert_eq!(
        services.first().map(String::as_str),
        Some("999 or A&E"),
        "{html}"
    );
    for name in [
        "Samaritans",
        "Shout",
        "England: NHS 111 mental health option",
        "Northern Ireland: Lifeline",
    ] {
        assert!(
            services.iter().any(|s| s == name),
            "{name} missing: {services:?}"
        );
    }
}

#[tokio::test]
async fn help_for_a_patient_who_has_not_said_where_they_live_lists_every_nations_line() {
    // A new patient has no details yet: that must not be read as England, which would leave
    // someone in Northern Ireland with a 111 service they do not have.
    let app = spawn().await;
    let (_, s) = patient_session(&app).await;
    let html = app.get("/help").cookie(&s).send().await.text();
    let services = crisis_services(&html);
    assert_eq!(
        services.first().map(String::as_str),
        Some("999 or A&E"),
        "{html}"
    );
    assert!(
        services.iter().any(|s| s == "Northern Ireland: Lifeline"),
        "{services:?}"
    );
    assert!(
        services
            .iter()
            .any(|s| s == "England: NHS 111 mental health option"),
        "{services:?}"
    );
    assert!(
        !html.contains("These are the services for England"),
        "{html}"
    );
    let details = app.get("/details").cookie(&s).send().await.text();
    assert!(
        !details.contains("checked"),
        "no nation is ticked for them: {details}"
    );
}

#[tokio::test]
async fn an_admin_cannot_open_a_patients_page() {
    let app = spawn().await;
    let admin = app.user(Role::Admin, "admin", "Ada Admin").await;
    let clinician = app.user(Role::Clinician, "dr-kaur", "Dr Kaur").await;
    let patient = app.user(Role::Patient, "pat", "Perpetua Patient").await;
    app.link(&admin, &patient, &clinician).await;
    let s = app.sign_in(&admin).await;
    let r = app
        .get(&format!("/patients/{}", patient.id))
        .cookie(&s)
        .send()
        .await;
    assert_eq!(r.status, 403, "{r:?}");
    assert!(r.is_html());
    assert!(!r.text().contains("Perpetua"), "{r:?}");
    // Nor any patient page: the check-in is the patient's own.
    let r = app.get("/check-in").cookie(&s).send().await;
    assert_eq!(r.status, 403, "{r:?}");
}

#[tokio::test]
async fn an_invitation_link_makes_a_linked_patient_once_and_is_gone_after() {
    let app = spawn().await;
    let clinician = app.user(Role::Clinician, "dr-kaur", "Dr Kaur").await;
    let c = app.bearer(&clinician).await;
    let r = app.post("/api/invitations").cred(&c).send().await;
    assert_eq!(r.status, 201, "{r:?}");
    let url = r.json()["url"].as_str().unwrap().to_owned();
    assert!(url.starts_with(&format!("{}/link/", app.base())), "{url}");
    let link = path_of(&url);

    let form = app.get(&link).send().await;
    assert_eq!(form.status, 200, "{form:?}");
    assert!(form.text().contains("Create your account"));

    let fields = [
        ("display_name", "Nia Newcomer"),
        ("username", "nia"),
        ("password", "three random words"),
        ("confirm", "three random words"),
    ];
    // A form with a problem keeps the link usable.
    let mismatch = [
        fields[0],
        fields[1],
        fields[2],
        ("confirm", "something else entirely"),
    ];
    let r = app.post(&link).form(&mismatch).send().await;
    assert_eq!(r.status, 422, "{r:?}");

    let r = app.post(&link).form(&fields).send().await;
    // The new account's recovery codes are shown once, straight away, with the way on.
    assert_eq!(r.status, 200, "{r:?}");
    let page = r.text();
    assert!(page.contains("Your recovery codes"), "{page}");
    assert!(page.contains(r#"href="/details?welcome=1""#), "{page}");
    assert_eq!(
        page.matches(r#"<li><code class="token">"#).count(),
        8,
        "{page}"
    );
    assert_eq!(r.header("cache-control"), Some("no-store"));
    let cookie = r.session_cookie().expect("the new patient is signed in");
    let me = app
        .get("/api/me")
        .header("Cookie", &cookie)
        .send()
        .await
        .json();
    assert_eq!(me["role"], "patient");
    assert_eq!(me["display_name"], "Nia Newcomer");
    let id = me["id"].as_i64().unwrap();

    let mine = app.get("/api/patients").cred(&c).send().await;
    assert_eq!(mine.status, 200);
    let mine = mine.json();
    assert!(
        mine.as_array()
            .unwrap()
            .iter()
            .any(|p| p["id"] == id && p["display_name"] == "Nia Newcomer"),
        "the new patient is on the inviting clinician's list: {mine}"
    );
    let team = app
        .get(&format!("/api/patients/{id}/care-team"))
        .header("Cookie", &cookie)
        .send()
        .await
        .json();
    assert_eq!(team[0]["clinician"], clinician.id, "{team}");

    for again in [
        app.post(&link).form(&fields).send().await,
        app.get(&link).send().await,
    ] {
        assert_eq!(again.status, 410, "{again:?}");
        assert!(again.is_html());
        assert!(again.text().contains("already been used"), "{again:?}");
    }
    let accounts = app.store.count_accounts().await.unwrap();
    assert_eq!(accounts, 2, "the second use made no account");
}

#[tokio::test]
async fn the_audit_lists_a_clinicians_reads_of_a_patients_diary() {
    let app = spawn().await;
    let admin = app.user(Role::Admin, "admin", "Ada Admin").await;
    let clinician = app.user(Role::Clinician, "dr-kaur", "Dr Kaur").await;
    let c = app.bearer(&clinician).await;
    let link = path_of(
        app.post("/api/invitations").cred(&c).send().await.json()["url"]
            .as_str()
            .unwrap(),
    );
    let r = app
        .post(&link)
        .form(&[
            ("display_name", "Nia Newcomer"),
            ("username", "nia"),
            ("password", "three random words"),
            ("confirm", "three random words"),
        ])
        .send()
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let cookie = r.session_cookie().unwrap();
    let id = app
        .get("/api/me")
        .header("Cookie", &cookie)
        .send()
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    let r = app
        .put(&format!("/api/patients/{id}/check-ins/2026-11-24"))
        .header("Cookie", &cookie)
        .json(&json!({"pain": 6}))
        .send()
        .await;
    assert_eq!(r.status, 201, "{r:?}");

    let read = app
        .get(&format!("/api/patients/{id}/check-ins"))
        .cred(&c)
        .send()
        .await;
    assert_eq!(read.status, 200, "{read:?}");
    assert_eq!(read.json().as_array().map(Vec::len), Some(1));
    let page = app
        .get(&format!("/patients/{id}"))
        .cred(&Cred::Session(app.sign_in(&clinician).await))
        .send()
        .await;
    assert_eq!(page.status, 200, "{page:?}");

    let a = app.bearer(&admin).await;
    let audit = app.get("/api/admin/audit").cred(&a).send().await;
    assert_eq!(audit.status, 200, "{audit:?}");
    let audit = audit.json();
    let reads: Vec<&serde_json::Value> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            e["actor"] == clinician.id
                && e["action"] == "record.read"
                && e["patients"] == json!([id])
        })
        .collect();
    // Admins are shown a read of the record, not which part was read (an action's name can be
    // health data); the API read and the page's reads each left entries.
    assert!(
        reads.len() >= 2,
        "entries for the reads through the API and the page: {audit}"
    );
    assert!(
        audit.as_array().unwrap().iter().all(|e| {
            let action = e["action"].as_str().unwrap_or("");
            !action.contains("diary")
                && !action.contains("alert")
                && !action.contains("questionnaire")
        }),
        "no action shown to an admin names a part of the health record: {audit}"
    );
    assert_eq!(reads[0]["actor_role"], "clinician");
    assert_eq!(reads[0]["actor_name"], clinician.name.as_str());
    // The patient's own writes are not staff actions.
    assert!(
        !audit.as_array().unwrap().iter().any(|e| e["actor"] == id),
        "{audit}"
    );
    // The admin reads the audit, never the diary.
    let diary = app
        .get(&format!("/api/patients/{id}/check-ins"))
        .cred(&a)
        .send()
        .await;
    assert_eq!(diary.status, 403);
}
