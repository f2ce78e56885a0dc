//! The rest of the JSON API: patient details, treatment periods, care teams, staff accounts,
//! password resets and API tokens, with their bad input and their refusals.

use painpath_core::person::Role;
use serde_json::{Value, json};

use crate::helpers::{Cred, Resp, TestApp, User, spawn};

struct Clinic {
    app: TestApp,
    admin: User,
    clinician: User,
    patient: User,
    stranger: User,
    a: Cred,
    c: Cred,
    p: Cred,
}

async fn clinic() -> Clinic {
    let app = spawn().await;
    let admin = app.user(Role::Admin, "admin", "Ada Admin").await;
    let clinician = app.user(Role::Clinician, "dr-kaur", "Dr Kaur").await;
    let patient = app.user(Role::Patient, "pat", "Pat Patient").await;
    let stranger = app.user(Role::Patient, "stranger", "Sol Stranger").await;
    app.link(&admin, &patient, &clinician).await;
    let a = app.bearer(&admin).await;
    let c = app.bearer(&clinician).await;
    let p = app.bearer(&patient).await;
    Clinic {
        app,
        admin,
        clinician,
        patient,
        stranger,
        a,
        c,
        p,
    }
}

fn assert_problem(r: &Resp, status: u16, field: &str) {
    assert_eq!(r.status, status, "{r:?}");
    let fields = r.problem_fields();
    assert!(
        fields.iter().any(|f| f == field),
        "expected {field:?} in {fields:?}: {r:?}"
    );
}

#[tokio::test]
async fn patient_details_with_a_bad_nhs_number_nation_or_birth_date_are_422_and_not_kept() {
    let k = clinic().await;
    let path = format!("/api/patients/{}/details", k.patient.id);
    let cases: [(Value, &str); 5] = [
        (
            json!({"nation": "england", "health_number": "9434765918"}),
            "health_number",
        ),
        (
            json!({"nation": "england", "health_number": "12345"}),
            "health_number",
        ),
        (json!({"nation": "cornwall"}), "nation"),
        (
            json!({"nation": "england", "date_of_birth": "2027-01-01"}),
            "date_of_birth",
        ),
        (
            json!({"nation": "england", "date_of_birth": "02/03/1979"}),
            "date_of_birth",
        ),
    ];
    for (body, field) in &cases {
        let r = k.app.put(&path).cred(&k.p).json(body).send().await;
        assert_problem(&r, 422, field);
    }
    let r = k
        .app
        .put(&path)
        .cred(&k.p)
        .json(&json!({"health_number": "9434765919"}))
        .send()
        .await;
    assert_problem(&r, 422, "nation");
    let stored = k.app.get(&path).cred(&k.p).send().await.json();
    assert_eq!(stored["health_number"], Value::Null, "{stored}");

    let good =
        json!({"nation": "wales", "health_number": "943 476 5919", "date_of_birth": "1979-03-02"});
    let r = k.app.put(&path).cred(&k.p).json(&good).send().await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.json()["health_number"], "9434765919");
    // The care team may keep them up to date too (design.md 4).
    let r = k
        .app
        .put(&path)
        .cred(&k.c)
        .json(&json!({"nation": "wales", "gp_practice_name": "Bryn Surgery"}))
        .send()
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(
        k.app.get(&path).cred(&k.p).send().await.json()["gp_practice_name"],
        "Bryn Surgery"
    );
}

#[tokio::test]
async fn treatment_periods_are_checked_against_the_knowledge_base_and_the_calendar() {
    let k = clinic().await;
    let path = format!("/api/patients/{}/treatment-periods", k.patient.id);
    let cases: [(Value, &str); 6] = [
        (
            json!({"treatment": "homeopathy", "start": "2026-11-01"}),
            "treatment",
        ),
        (
            json!({"medication_class": "potion", "start": "2026-11-01"}),
            "medication_class",
        ),
        (
            json!({"treatment": "walking", "medication_class": "ssri", "start": "2026-11-01"}),
            "medication_class",
        ),
        (json!({"start": "2026-11-01"}), "treatment"),
        (
            json!({"treatment": "walking", "start": "01/11/2026"}),
            "start",
        ),
        (
            json!({"treatment": "walking", "start": "2026-11-01", "outcome": "cured"}),
            "outcome",
        ),
    ];
    for (body, field) in &cases {
        let r = k.app.post(&path).cred(&k.p).json(body).send().await;
        assert_problem(&r, 422, field);
    }
    assert_eq!(k.app.get(&path).cred(&k.p).send().await.json(), json!([]));

    let r = k
        .app
        .post(&path)
        .cred(&k.p)
        .json(&json!({"medication_class": "ssri", "name": "sertraline", "start": "2026-10-01"}))
        .send()
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let made = r.json();
    assert_eq!(made["name"], "sertraline");
    assert_eq!(made["source"], "self");
    let id = made["id"].as_i64().unwrap();

    let end = format!("{path}/{id}/end");
    let r = k
        .app
        .post(&end)
        .cred(&k.p)
        .json(&json!({"end": "2026-09-01", "outcome": "helped"}))
        .send()
        .await;
    assert_problem(&r, 422, "end");
    let r = k
        .app
        .post(&end)
        .cred(&k.p)
        .json(&json!({"end": "2026-11-26", "outcome": "helped"}))
        .send()
        .await;
    assert_problem(&r, 422, "end");
    let r = k
        .app
        .post(&end)
        .cred(&k.p)
        .json(&json!({"end": "2026-11-20", "outcome": "meh"}))
        .send()
        .await;
    assert_problem(&r, 422, "outcome");
    let r = k
        .app
        .post(&end)
        .cred(&k.p)
        .json(&json!({"end": "2026-11-20", "outcome": "not_tolerated"}))
        .send()
        .await;
    assert_eq!(r.status, 204, "{r:?}");
    let r = k
        .app
        .post(&end)
        .cred(&k.p)
        .json(&json!({"end": "2026-11-21", "outcome": "helped"}))
        .send()
        .await;
    assert_eq!(r.status, 409, "ending twice: {r:?}");
    let listed = k.app.get(&path).cred(&k.p).send().await.json();
    assert_eq!(listed[0]["end"], "2026-11-20");
    assert_eq!(listed[0]["outcome"], "not_tolerated");

    let r = k
        .app
        .post(&format!("{path}/not-a-number/end"))
        .cred(&k.p)
        .json(&json!({"end": "2026-11-20", "outcome": "helped"}))
        .send()
        .await;
    assert_problem(&r, 422, "period");
}

#[tokio::test]
async fn a_linked_clinician_records_a_treatment_period_as_theirs() {
    let k = clinic().await;
    let path = format!("/api/patients/{}/treatment-periods", k.patient.id);
    let r = k
        .app
        .post(&path)
        .cred(&k.c)
        .json(&json!({"treatment": "pacing", "start": "2026-11-10"}))
        .send()
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!(r.json()["source"], "clinician");
    assert_eq!(r.json()["recorded_by"], k.clinician.id);
    let mine = k.app.get(&path).cred(&k.p).send().await.json();
    assert_eq!(mine.as_array().map(Vec::len), Some(1), "{mine}");
}

#[tokio::test]
async fn bad_ids_in_the_path_are_422_naming_the_parameter() {
    let k = clinic().await;
    let r = k
        .app
        .get("/api/patients/me/check-ins")
        .cred(&k.p)
        .send()
        .await;
    assert_problem(&r, 422, "patient");
    let r = k
        .app
        .get("/api/patients/99999999999999999999/details")
        .cred(&k.p)
        .send()
        .await;
    assert_problem(&r, 422, "patient");
    let r = k.app.delete("/api/tokens/first").cred(&k.p).send().await;
    assert_problem(&r, 422, "token");
    // A well-formed id of nobody is simply not found.
    let r = k
        .app
        .get("/api/patients/424242/check-ins")
        .cred(&k.p)
        .send()
        .await;
    assert_eq!(r.status, 404, "{r:?}");
    let r = k.app.get("/api/no-such-thing").cred(&k.p).send().await;
    assert_eq!(r.status, 404, "{r:?}");
    assert!(r.json()["error"].is_string());
}

#[tokio::test]
async fn a_patient_revokes_a_care_team_link_and_only_their_own() {
    let k = clinic().await;
    let team = format!("/api/patients/{}/care-team", k.patient.id);
    let links = k.app.get(&team).cred(&k.p).send().await.json();
    assert_eq!(links[0]["clinician_name"], "Dr Kaur");
    let link = links[0]["id"].as_i64().unwrap();

    // The stranger cannot revoke it through their own record either.
    let s = k.app.bearer(&k.stranger).await;
    let r = k
        .app
        .post(&format!(
            "/api/patients/{}/care-team/{link}/revoke",
            k.stranger.id
        ))
        .cred(&s)
        .send()
        .await;
    assert_eq!(r.status, 404, "{r:?}");
    assert_eq!(
        k.app.get(&team).cred(&k.p).send().await.json()[0]["revoked_at"],
        Value::Null
    );

    let r = k
        .app
        .post(&format!("{team}/{link}/revoke"))
        .cred(&k.p)
        .send()
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(
        r.json(),
        json!({"alert_to_duty_list": false, "alert_seen_by_nobody": false}),
        "no open alert: {r:?}"
    );
    assert!(k.app.get(&team).cred(&k.p).send().await.json()[0]["revoked_at"].is_string());
    assert_eq!(
        k.app.get("/api/patients").cred(&k.c).send().await.json(),
        json!([])
    );
}

#[tokio::test]
async fn an_admin_links_a_patient_to_a_clinician_once() {
    let k = clinic().await;
    let r = k
        .app
        .post("/api/admin/care-links")
        .cred(&k.a)
        .json(&json!({"patient": k.stranger.id, "clinician": k.clinician.id}))
        .send()
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let again = k
        .app
        .post("/api/admin/care-links")
        .cred(&k.a)
        .json(&json!({"patient": k.stranger.id, "clinician": k.clinician.id}))
        .send()
        .await;
    assert_eq!(again.status, 409, "{again:?}");
    let backwards = k
        .app
        .post("/api/admin/care-links")
        .cred(&k.a)
        .json(&json!({"patient": k.clinician.id, "clinician": k.stranger.id}))
        .send()
        .await;
    assert_eq!(backwards.status, 404, "{backwards:?}");
    let r = k
        .app
        .post("/api/admin/care-links")
        .cred(&k.a)
        .json(&json!({"patient": "x"}))
        .send()
        .await;
    assert_problem(&r, 422, "patient");
    let mine = k.app.get("/api/patients").cred(&k.c).send().await.json();
    assert_eq!(mine.as_array().map(Vec::len), Some(2), "{mine}");
}

#[tokio::test]
async fn an_admin_creates_staff_with_a_one_time_password_link() {
    let k = clinic().await;
    let r = k
        .app
        .post("/api/admin/accounts")
        .cred(&k.a)
        .json(&json!({"username": "dr-new", "display_name": "Dr New", "role": "clinician"}))
        .send()
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let made = r.json();
    assert_eq!(made["account"]["role"], "clinician");
    let url = made["password_link"]["url"].as_str().unwrap();
    assert!(url.starts_with(&format!("{}/link/", k.app.base())), "{url}");

    let r = k
        .app
        .post("/api/admin/accounts")
        .cred(&k.a)
        .json(&json!({"username": "dr-new", "display_name": "Dr New Again", "role": "clinician"}))
        .send()
        .await;
    assert_eq!(r.status, 409, "{r:?}");
    let r = k
        .app
        .post("/api/admin/accounts")
        .cred(&k.a)
        .json(&json!({"username": "p2", "display_name": "", "role": "patient"}))
        .send()
        .await;
    assert_problem(&r, 422, "role");
    assert!(r.problem_fields().contains(&"username".to_owned()), "{r:?}");
    assert!(
        r.problem_fields().contains(&"display_name".to_owned()),
        "{r:?}"
    );

    let accounts = k.app.get("/api/admin/accounts").cred(&k.a).send().await;
    assert_eq!(accounts.status, 200);
    assert_eq!(accounts.json().as_array().map(Vec::len), Some(5));
    assert!(
        !accounts.text().contains("argon2"),
        "no password hashes: {accounts:?}"
    );
}

#[tokio::test]
async fn a_clinician_issues_password_resets_only_for_their_own_patients() {
    let k = clinic().await;
    let reset = |id: i64| format!("/api/admin/accounts/{id}/password-reset");
    let why = json!({"reason": "Phoned the clinic: lost their recovery codes"});
    // A clinician's reset needs a reason the patient will see.
    for (body, what) in [
        (json!({}), "no reason"),
        (json!({"reason": " "}), "a blank reason"),
    ] {
        let r = k
            .app
            .post(&reset(k.patient.id))
            .cred(&k.c)
            .json(&body)
            .send()
            .await;
        assert_problem(&r, 422, "reason");
        assert!(!what.is_empty());
    }
    let r = k
        .app
        .post(&reset(k.patient.id))
        .cred(&k.c)
        .json(&why)
        .send()
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let link = crate::helpers::path_of(r.json()["url"].as_str().unwrap());
    let r = k
        .app
        .post(&reset(k.stranger.id))
        .cred(&k.c)
        .json(&why)
        .send()
        .await;
    assert_eq!(r.status, 404, "{r:?}");
    let r = k
        .app
        .post(&reset(k.admin.id))
        .cred(&k.c)
        .json(&why)
        .send()
        .await;
    assert!(matches!(r.status, 403 | 404), "{r:?}");
    // An admin resets staff accounts, never a patient's (they could then sign in as them).
    let r = k
        .app
        .post(&reset(k.stranger.id))
        .cred(&k.a)
        .json(&json!({}))
        .send()
        .await;
    assert_eq!(r.status, 403, "{r:?}");
    assert!(
        r.text().contains("recovery codes"),
        "says what to do instead: {r:?}"
    );
    let r = k
        .app
        .post(&reset(k.clinician.id))
        .cred(&k.a)
        .json(&json!({}))
        .send()
        .await;
    assert_eq!(r.status, 201, "an admin resets a clinician's: {r:?}");

    // Staff signed in cannot open or use the patient's link: only the patient can.
    let staff = k.app.sign_in(&k.clinician).await;
    let r = k.app.get(&link).cookie(&staff).send().await;
    assert_eq!(r.status, 403, "{r:?}");
    let r = k
        .app
        .post(&link)
        .cookie(&staff)
        .form(&[
            ("password", "a brand new passphrase"),
            ("confirm", "a brand new passphrase"),
        ])
        .send()
        .await;
    assert_eq!(r.status, 403, "{r:?}");

    // The patient uses it: a new password, every other session and API token ended.
    let s = k.app.sign_in(&k.patient).await;
    let r = k
        .app
        .post(&link)
        .form(&[
            ("password", "a brand new passphrase"),
            ("confirm", "a brand new passphrase"),
        ])
        .send()
        .await;
    assert_eq!(r.status, 303, "{r:?}");
    assert_eq!(k.app.get("/api/me").cookie(&s).send().await.status, 401);
    assert_eq!(
        k.app.get("/api/me").cred(&k.p).send().await.status,
        401,
        "the old token ended"
    );
    let r = k
        .app
        .post("/api/tokens")
        .json(&json!({"username": "pat", "password": "a brand new passphrase", "name": "n"}))
        .send()
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!(
        k.app
            .post(&link)
            .form(&[("password", "x")])
            .send()
            .await
            .status,
        410
    );
}

#[tokio::test]
async fn nobody_can_revoke_another_persons_api_token() {
    let k = clinic().await;
    let theirs = k.app.get("/api/tokens").cred(&k.c).send().await.json()[0]["id"]
        .as_i64()
        .unwrap();
    let r = k
        .app
        .delete(&format!("/api/tokens/{theirs}"))
        .cred(&k.p)
        .send()
        .await;
    assert_eq!(r.status, 404, "{r:?}");
    let r = k
        .app
        .delete(&format!("/api/tokens/{theirs}"))
        .cred(&k.a)
        .send()
        .await;
    assert_eq!(r.status, 404, "{r:?}");
    assert_eq!(
        k.app.get("/api/me").cred(&k.c).send().await.status,
        200,
        "the token still works"
    );
    let listed = k.app.get("/api/tokens").cred(&k.p).send().await.json();
    assert_eq!(
        listed.as_array().map(Vec::len),
        Some(1),
        "each person sees their own: {listed}"
    );
}

#[tokio::test]
async fn a_deactivated_account_is_signed_out_everywhere() {
    let k = clinic().await;
    let session = k.app.sign_in(&k.patient).await;
    let admin = k.app.sign_in(&k.admin).await;
    let r = k
        .app
        .post(&format!("/admin/accounts/{}/active", k.patient.id))
        .cookie(&admin)
        .form(&[("csrf", admin.csrf.as_str()), ("active", "no")])
        .send()
        .await;
    assert_eq!(r.status, 303, "{r:?}");
    assert_eq!(
        k.app.get("/api/me").cred(&k.p).send().await.status,
        401,
        "the token"
    );
    assert_eq!(
        k.app.get("/api/me").cookie(&session).send().await.status,
        401,
        "the session"
    );
    let r = k
        .app
        .post("/api/tokens")
        .json(&json!({"username": "pat", "password": crate::helpers::PASSWORD, "name": "n"}))
        .send()
        .await;
    assert_eq!(r.status, 401, "{r:?}");
    // An admin cannot lock themselves out.
    let r = k
        .app
        .post(&format!("/admin/accounts/{}/active", k.admin.id))
        .cookie(&admin)
        .form(&[("csrf", admin.csrf.as_str()), ("active", "no")])
        .send()
        .await;
    assert_eq!(r.status, 409, "{r:?}");
}
