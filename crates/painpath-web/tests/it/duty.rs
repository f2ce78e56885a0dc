//! The duty list over HTTP (issue 6): what the patient is told, what the admin is told, who may
//! read it, and the bad input of its forms: the acknowledgement note, the clinic's escalation
//! delay and the patient's phone numbers.

use painpath_core::person::Role;
use serde_json::{Value, json};

use crate::helpers::{Cred, TestApp, User, spawn};

struct World {
    app: TestApp,
    admin: User,
    patient: User,
    clinician: User,
    other: User,
    link: i64,
}

async fn world() -> World {
    let app = spawn().await;
    let admin = app.user(Role::Admin, "admin", "Ada Admin").await;
    let patient = app.user(Role::Patient, "pat", "Pat Patient").await;
    let clinician = app.user(Role::Clinician, "dr-kaur", "Dr Kaur").await;
    let other = app.user(Role::Clinician, "dr-other", "Dr Other").await;
    let link = app.link(&admin, &patient, &clinician).await;
    World {
        app,
        admin,
        patient,
        clinician,
        other,
        link,
    }
}

impl World {
    async fn phq9_item9(&self, value: u8) -> Value {
        let me = self.app.bearer(&self.patient).await;
        let r = self
            .app
            .post(&format!(
                "/api/patients/{}/questionnaires/phq9",
                self.patient.id
            ))
            .cred(&me)
            .json(&json!({"items": [1, 1, 1, 1, 1, 1, 1, 1, value]}))
            .send()
            .await;
        assert_eq!(r.status, 201, "{r:?}");
        r.json()
    }

    async fn duty(&self, cred: &Cred) -> crate::helpers::Resp {
        self.app.get("/api/duty").cred(cred).send().await
    }
}

#[tokio::test]
async fn after_deactivation_the_patient_is_told_the_duty_list_and_the_admin_how_many_lost_a_clinician()
 {
    let w = world().await;
    let admin = w.app.sign_in(&w.admin).await;
    let r = w
        .app
        .post(&format!("/admin/accounts/{}/active", w.clinician.id))
        .cookie(&admin)
        .form(&[("csrf", admin.csrf.as_str()), ("active", "no")])
        .send()
        .await;
    assert_eq!(r.status, 303, "{r:?}");
    let page = w.app.get(r.location()).cookie(&admin).send().await.text();
    assert!(page.contains("Dr Kaur is deactivated"), "{page}");
    assert!(
        page.contains("1 patient now has no active clinician"),
        "{page}"
    );
    assert!(page.contains("Pat Patient"), "listed for linking: {page}");

    // The patient answers item 9 on the form; the next page says where the answer went.
    let s = w.app.sign_in(&w.patient).await;
    let mut fields: Vec<(String, String)> = (1..=8)
        .map(|i| (format!("phq9_{i}"), "1".to_owned()))
        .collect();
    fields.push(("phq9_9".into(), "3".into()));
    fields.push(("part".into(), "1".into()));
    fields.push(("action".into(), "next".into()));
    fields.push(("csrf".into(), s.csrf.clone()));
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = w
        .app
        .post("/questionnaires/phq9")
        .cookie(&s)
        .form(&pairs)
        .send()
        .await;
    assert_eq!(r.status, 303, "{r:?}");
    let next = w
        .app
        .get(r.location())
        .cookie(&s)
        .send()
        .await
        .text()
        .replace("&#39;", "'");
    assert!(next.contains("flagged to the clinic's duty list"), "{next}");
    assert!(!next.contains("care team has been told"), "{next}");

    // The other clinician sees it on the duty list, with its value; the menu counts it.
    let other = w.app.session(&w.other).await;
    let duty = w.duty(&other).await;
    assert_eq!(duty.status, 200, "{duty:?}");
    let list = duty.json();
    assert_eq!(list[0]["alert"]["patient"], w.patient.id, "{list}");
    assert_eq!(list[0]["alert"]["item9_worst"]["value"], 3);
    assert_eq!(list[0]["reasons"], json!(["no_active_clinician"]));
    let os = w.app.sign_in(&w.other).await;
    let home = w
        .app
        .get("/")
        .cookie(&os)
        .send()
        .await
        .text()
        .replace("&#39;", "'");
    assert!(home.contains(r#"<span class="count">1"#), "{home}");
    assert!(home.contains("1 alert on the clinic's duty list"), "{home}");
}

#[tokio::test]
async fn a_patient_who_removes_the_clinician_of_an_open_alert_is_told_it_goes_to_the_duty_list() {
    let w = world().await;
    w.phq9_item9(2).await;
    let s = w.app.sign_in(&w.patient).await;
    let settings = w.app.get("/settings").cookie(&s).send().await.text();
    assert!(settings.contains("You have an open alert"), "{settings}");
    let r = w
        .app
        .post(&format!("/settings/care-team/{}/revoke", w.link))
        .cookie(&s)
        .form(&[("csrf", s.csrf.as_str())])
        .send()
        .await;
    assert_eq!(r.status, 303, "{r:?}");
    assert_eq!(r.location(), "/settings?done=revoked-duty");
    let page = w
        .app
        .get(r.location())
        .cookie(&s)
        .send()
        .await
        .text()
        .replace("&#39;", "'");
    assert!(
        page.contains("your open alert has gone to the clinic's duty list"),
        "{page}"
    );
    // The removed clinician does not see the patient there; the other clinician does.
    let kaur = w.app.bearer(&w.clinician).await;
    assert_eq!(w.duty(&kaur).await.json(), json!([]));
    let other = w.app.bearer(&w.other).await;
    assert_eq!(
        w.duty(&other).await.json().as_array().map(Vec::len),
        Some(1)
    );
}

#[tokio::test]
async fn only_clinicians_read_the_duty_list_and_admins_and_patients_get_403() {
    let w = world().await;
    w.phq9_item9(1).await;
    for (who, user) in [("an admin", &w.admin), ("a patient", &w.patient)] {
        for cred in [w.app.bearer(user).await, w.app.session(user).await] {
            let r = w.duty(&cred).await;
            assert_eq!(r.status, 403, "{who}: {r:?}");
            assert!(!r.text().contains("Pat Patient"), "{who}: {r:?}");
            let page = w.app.get("/duty").cred(&cred).send().await;
            assert_eq!(page.status, 403, "{who}: {page:?}");
        }
    }
    let r = w.duty(&Cred::Anonymous).await;
    assert_eq!(r.status, 401, "{r:?}");
    // With a live clinician and within the working day, nothing is on it.
    let other = w.app.bearer(&w.other).await;
    assert_eq!(w.duty(&other).await.json(), json!([]));
}

#[tokio::test]
async fn a_bad_escalation_delay_is_422_naming_it_and_changes_nothing() {
    let w = world().await;
    let admin = w.app.sign_in(&w.admin).await;
    for bad in ["0", "11", "two", "", "1.5"] {
        let r = w
            .app
            .post("/admin/clinic")
            .cookie(&admin)
            .form(&[("csrf", admin.csrf.as_str()), ("escalation_days", bad)])
            .send()
            .await;
        assert_eq!(r.status, 422, "{bad:?}: {r:?}");
        assert!(
            r.text().contains(r#"id="escalation_days-error""#),
            "{bad:?}"
        );
    }
    let settings = w.app.store.clinic_settings().await.expect("settings");
    assert_eq!(settings.escalation_delay.days(), 1, "unchanged");
    let r = w
        .app
        .post("/admin/clinic")
        .cookie(&admin)
        .form(&[("csrf", admin.csrf.as_str()), ("escalation_days", "3")])
        .send()
        .await;
    assert_eq!(r.status, 303, "{r:?}");
    let settings = w.app.store.clinic_settings().await.expect("settings");
    assert_eq!(settings.escalation_delay.days(), 3);
    // A clinician may not change it.
    let c = w.app.sign_in(&w.clinician).await;
    let r = w
        .app
        .post("/admin/clinic")
        .cookie(&c)
        .form(&[("csrf", c.csrf.as_str()), ("escalation_days", "5")])
        .send()
        .await;
    assert_eq!(r.status, 403, "{r:?}");
}

#[tokio::test]
async fn phone_numbers_are_checked_naming_the_field_and_nothing_is_half_stored() {
    let w = world().await;
    let me = w.app.bearer(&w.patient).await;
    let details = format!("/api/patients/{}/details", w.patient.id);
    let good = json!({
        "nation": "england",
        "contact_phone": "07700 900123",
        "emergency_contact_name": "Sam Jones (partner)",
        "emergency_contact_phone": "07700 900124",
    });
    let r = w.app.put(&details).cred(&me).json(&good).send().await;
    assert_eq!(r.status, 200, "{r:?}");
    for (body, field) in [
        (
            json!({"nation": "england", "contact_phone": "999"}),
            "contact_phone",
        ),
        (
            json!({"nation": "england", "contact_phone": "07700 9OO123"}),
            "contact_phone",
        ),
        (
            json!({"nation": "england", "emergency_contact_name": "Sam"}),
            "emergency_contact_phone",
        ),
        (
            json!({"nation": "england", "emergency_contact_phone": "07700 900124"}),
            "emergency_contact_name",
        ),
        (
            json!({"nation": "england", "emergency_contact_phone": "12"}),
            "emergency_contact_phone",
        ),
    ] {
        let r = w.app.put(&details).cred(&me).json(&body).send().await;
        assert_eq!(r.status, 422, "{body}: {r:?}");
        assert!(
            r.problem_fields().iter().any(|f| f == field),
            "{body}: {r:?}"
        );
    }
    let kept = w.app.get(&details).cred(&me).send().await.json();
    assert_eq!(kept["contact_phone"], "07700 900123", "{kept}");
    assert_eq!(kept["emergency_contact_phone"], "07700 900124", "{kept}");
    // The clinician's page shows both.
    let c = w.app.sign_in(&w.clinician).await;
    let page = w
        .app
        .get(&format!("/patients/{}", w.patient.id))
        .cookie(&c)
        .send()
        .await
        .text();
    assert!(page.contains("07700 900123"), "{page}");
    assert!(page.contains("Sam Jones (partner), 07700 900124"), "{page}");
    // The form names the field too, and keeps what was typed.
    let s = w.app.sign_in(&w.patient).await;
    let r = w
        .app
        .post("/details")
        .cookie(&s)
        .form(&[
            ("csrf", s.csrf.as_str()),
            ("nation", "england"),
            ("contact_phone", "12345"),
        ])
        .send()
        .await;
    assert_eq!(r.status, 422, "{r:?}");
    assert!(r.text().contains(r#"id="contact_phone-error""#), "{r:?}");
    assert!(r.text().contains(r#"value="12345""#), "{r:?}");
}

#[tokio::test]
async fn with_no_other_clinician_the_patient_and_the_admin_are_told_nobody_will_see_the_alert() {
    let app = spawn().await;
    let admin = app.user(Role::Admin, "admin", "Ada Admin").await;
    let patient = app.user(Role::Patient, "pat", "Pat Patient").await;
    let only = app.user(Role::Clinician, "dr-only", "Dr Only").await;
    let link = app.link(&admin, &patient, &only).await;
    let me = app.bearer(&patient).await;
    let r = app
        .post(&format!("/api/patients/{}/questionnaires/phq9", patient.id))
        .cred(&me)
        .json(&json!({"items": [1, 1, 1, 1, 1, 1, 1, 1, 2]}))
        .send()
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    // Removing the clinic's only clinician: nobody will see it, and the patient is told so.
    let s = app.sign_in(&patient).await;
    let r = app
        .post(&format!("/settings/care-team/{link}/revoke"))
        .cookie(&s)
        .form(&[("csrf", s.csrf.as_str())])
        .send()
        .await;
    assert_eq!(r.location(), "/settings?done=revoked-nobody", "{r:?}");
    let page = app.get(r.location()).cookie(&s).send().await.text();
    assert!(
        page.contains("Nobody at the clinic can now see your open alert"),
        "{page}"
    );
    assert!(!page.contains("gone to the clinic"), "{page}");
    // Deactivating the only clinician: the admin is told nobody sees alerts now.
    let other = app.user(Role::Patient, "other", "Other Patient").await;
    app.link(&admin, &other, &only).await;
    let a = app.sign_in(&admin).await;
    let r = app
        .post(&format!("/admin/accounts/{}/active", only.id))
        .cookie(&a)
        .form(&[("csrf", a.csrf.as_str()), ("active", "no")])
        .send()
        .await;
    let page = app
        .get(r.location())
        .cookie(&a)
        .send()
        .await
        .text()
        .replace("&#39;", "'");
    assert!(
        page.contains("No active clinician is left at the clinic"),
        "{page}"
    );
    assert!(
        !page.contains("has gone to the clinic's duty list"),
        "{page}"
    );
}
