//! `/api/patients/{patient}/check-ins`: the diary through the JSON API, its happy path, and every
//! kind of bad input, which is answered 400 or 422 naming the field, never 5xx, and never kept.

use painpath_core::person::Role;
use serde_json::{Value, json};

use crate::helpers::{Cred, Resp, TestApp, User, spawn};

struct Diary {
    app: TestApp,
    patient: User,
    cred: Cred,
}

async fn diary() -> Diary {
    let app = spawn().await;
    let patient = app.user(Role::Patient, "dee", "Dee Diarist").await;
    let cred = app.bearer(&patient).await;
    Diary { app, patient, cred }
}

impl Diary {
    fn base(&self) -> String {
        format!("/api/patients/{}/check-ins", self.patient.id)
    }

    async fn post(&self, body: &Value) -> Resp {
        self.app
            .post(&self.base())
            .cred(&self.cred)
            .json(body)
            .send()
            .await
    }

    async fn put(&self, date: &str, body: &Value) -> Resp {
        let path = format!("{}/{date}", self.base());
        self.app.put(&path).cred(&self.cred).json(body).send().await
    }

    async fn get(&self, date: &str) -> Resp {
        let path = format!("{}/{date}", self.base());
        self.app.get(&path).cred(&self.cred).send().await
    }

    async fn list(&self, query: &str) -> Resp {
        let path = format!("{}{query}", self.base());
        self.app.get(&path).cred(&self.cred).send().await
    }

    /// Nothing at all is stored for this patient.
    async fn assert_empty(&self, context: &str) {
        let r = self.list("?from=2026-01-01&to=2026-11-25").await;
        assert_eq!(r.status, 200, "{context}: {r:?}");
        assert_eq!(r.json(), json!([]), "{context}: something was stored");
        for day in ["2026-11-20", "2026-11-21", "2026-11-24", "2026-11-25"] {
            assert_eq!(
                self.get(day).await.status,
                404,
                "{context}: {day} was stored"
            );
        }
    }
}

/// A 400 or 422 with a JSON error body whose problems name `field`.
fn assert_refused(r: &Resp, status: u16, field: &str, context: &str) {
    assert_eq!(r.status, status, "{context}: {r:?}");
    assert!(
        r.header("content-type")
            .is_some_and(|t| t.starts_with("application/json")),
        "{context}: {r:?}"
    );
    assert!(r.json()["error"].is_string(), "{context}: {r:?}");
    let fields = r.problem_fields();
    assert!(
        fields.iter().any(|f| f == field),
        "{context}: expected a problem naming {field:?}, got {fields:?}: {r:?}"
    );
}

#[tokio::test]
async fn malformed_json_is_400_naming_the_body_and_stores_nothing() {
    let d = diary().await;
    for body in [
        "{not json",
        "{\"date\": \"2026-11-24\", \"pain\": 5,,}",
        "{\"pain\": 5} trailing",
        "",
    ] {
        let post = d
            .app
            .post(&d.base())
            .cred(&d.cred)
            .body("application/json", body)
            .send()
            .await;
        assert_refused(&post, 400, "body", &format!("POST {body:?}"));
        let put = d
            .app
            .put(&format!("{}/2026-11-24", d.base()))
            .cred(&d.cred)
            .body("application/json", body)
            .send()
            .await;
        assert_refused(&put, 400, "body", &format!("PUT {body:?}"));
    }
    d.assert_empty("after malformed JSON").await;
}

#[tokio::test]
async fn a_body_sent_as_anything_but_json_is_400_and_stores_nothing() {
    let d = diary().await;
    let good = json!({"date": "2026-11-24", "pain": 5}).to_string();
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/jsonx",
    ] {
        let r = d
            .app
            .post(&d.base())
            .cred(&d.cred)
            .body(content_type, good.clone())
            .send()
            .await;
        assert_refused(&r, 400, "content-type", content_type);
    }
    // No content type at all.
    let r = d
        .app
        .post(&d.base())
        .cred(&d.cred)
        .bytes(good.clone())
        .send()
        .await;
    assert_refused(&r, 400, "content-type", "no content type");
    d.assert_empty("after bodies that were not JSON").await;
    // A charset parameter is still JSON.
    let r = d
        .app
        .post(&d.base())
        .cred(&d.cred)
        .body("application/json; charset=utf-8", good)
        .send()
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!(d.get("2026-11-24").await.status, 200);
}

#[tokio::test]
async fn an_unknown_field_is_422_naming_it() {
    let d = diary().await;
    let r = d.post(&json!({"date": "2026-11-24", "pian": 5})).await;
    assert_refused(&r, 422, "pian", "a misspelt field");
    let r = d
        .put(
            "2026-11-24",
            &json!({"pain": 5, "done_today": [{"period": 1, "dose": "x"}]}),
        )
        .await;
    assert_refused(
        &r,
        422,
        "done_today[0].dose",
        "an unknown field inside a list",
    );
    let r = d
        .put(
            "2026-11-24",
            &json!({"pain": 5, "done_today": [{"amount": "x"}]}),
        )
        .await;
    assert_refused(
        &r,
        422,
        "done_today[0].period",
        "a missing field inside a list",
    );
    d.assert_empty("after unknown fields").await;
}

#[tokio::test]
async fn values_out_of_range_or_of_the_wrong_kind_are_422_naming_their_field_and_store_nothing() {
    let d = diary().await;
    let cases: [(&str, Value, &str); 13] = [
        ("pain 11", json!({"date": "2026-11-24", "pain": 11}), "pain"),
        ("pain -1", json!({"date": "2026-11-24", "pain": -1}), "pain"),
        (
            "fractional pain",
            json!({"date": "2026-11-24", "pain": 6.5}),
            "pain",
        ),
        (
            "pain as text",
            json!({"date": "2026-11-24", "pain": "bad"}),
            "pain",
        ),
        ("mood 12", json!({"date": "2026-11-24", "mood": 12}), "mood"),
        (
            "unknown body region",
            json!({"date": "2026-11-24", "pain": 5, "pain_regions": ["neck", "left_knee"]}),
            "pain_regions[1]",
        ),
        (
            "duplicate body region",
            json!({"date": "2026-11-24", "pain": 5, "pain_regions": ["neck", "neck"]}),
            "pain_regions[1]",
        ),
        ("bad date", json!({"date": "2026-13-01", "pain": 5}), "date"),
        ("no date", json!({"pain": 5}), "date"),
        (
            "future date",
            json!({"date": "2026-11-26", "pain": 5}),
            "date",
        ),
        (
            "sleep_hours 25",
            json!({"date": "2026-11-24", "sleep_hours": 25}),
            "sleep_hours",
        ),
        (
            "sleep_hours 6.55",
            json!({"date": "2026-11-24", "sleep_hours": 6.55}),
            "sleep_hours",
        ),
        (
            "bed time 11pm",
            json!({"date": "2026-11-24", "pain": 5, "bed_time": "11pm"}),
            "bed_time",
        ),
    ];
    for (what, body, field) in &cases {
        let r = d.post(body).await;
        assert_refused(&r, 422, field, &format!("POST with {what}"));
        // The same on PUT, with the date in the path (or a path date that is itself wrong).
        let date = body["date"].as_str().unwrap_or("2026-11-24");
        let mut put_body = body.clone();
        if let Some(o) = put_body.as_object_mut() {
            o.remove("date");
        }
        if *what == "no date" {
            continue;
        }
        let r = d.put(date, &put_body).await;
        assert_refused(&r, 422, field, &format!("PUT with {what}"));
    }
    let r = d
        .put("2026-11-20", &json!({"date": "2026-11-21", "pain": 5}))
        .await;
    assert_refused(&r, 422, "date", "a body date that differs from the path");
    let r = d.put("2026-02-30", &json!({"pain": 5})).await;
    assert_refused(&r, 422, "date", "30 February in the path");
    let r = d.put("yesterday", &json!({"pain": 5})).await;
    assert_refused(&r, 422, "date", "a word in the path");
    let r = d.post(&json!({"date": "2026-11-24"})).await;
    assert_refused(&r, 422, "check_in", "a check-in that records nothing");
    d.assert_empty("after every refused check-in").await;
}

#[tokio::test]
async fn odd_bodies_are_refused_with_400_or_422_never_a_server_error() {
    let d = diary().await;
    let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    let bodies: Vec<Vec<u8>> = vec![
        b"null".to_vec(),
        b"[]".to_vec(),
        b"\"2026-11-24\"".to_vec(),
        b"{}".to_vec(),
        b"{\"date\": null, \"pain\": null}".to_vec(),
        b"{\"date\": \"2026-11-24\", \"pain\": 1e400}".to_vec(),
        b"{\"date\": \"2026-11-24\", \"pain\": 99999999999999999999999}".to_vec(),
        b"{\"date\": \"2026-11-24\", \"sleep_hours\": -0.0001}".to_vec(),
        b"{\"date\": \"2026-11-24\", \"activity_minutes\": 1441}".to_vec(),
        b"{\"date\": \"2026-11-24\", \"pain\": 5, \"note\": \"\xff\xfe\"}".to_vec(),
        b"{\"date\": \"2026-11-24\", \"pain\": 5, \"done_today\": [{\"period\": \"one\"}]}"
            .to_vec(),
        b"{\"date\": \"0000-01-01\", \"pain\": 5}".to_vec(),
        b"{\"date\": \"1989-12-31\", \"pain\": 5}".to_vec(),
        b"{\"date\": \"2026-11-24\", \"pain\": 5, \"note\": \""
            .iter()
            .copied()
            .chain(std::iter::repeat_n(b'x', 20_000))
            .chain(b"\"}".iter().copied())
            .collect(),
        deep.into_bytes(),
    ];
    for body in bodies {
        let shown: String = String::from_utf8_lossy(&body).chars().take(80).collect();
        let r = d
            .app
            .post(&d.base())
            .cred(&d.cred)
            .body("application/json", body)
            .send()
            .await;
        assert!(matches!(r.status, 400 | 422), "{shown}: {r:?}");
        assert!(!r.problem_fields().is_empty(), "{shown}: {r:?}");
    }
    // Far too large is refused before it is read; still not a server error.
    let huge = format!("{{\"note\": \"{}\"}}", "x".repeat(2 * 1024 * 1024));
    let r = d
        .app
        .post(&d.base())
        .cred(&d.cred)
        .body("application/json", huge)
        .send()
        .await;
    assert!((400..500).contains(&r.status), "{r:?}");
    // Bad queries on the listing too.
    for q in [
        "?from=yesterday",
        "?to=2026-02-30",
        "?from=2026-11-25&to=2026-11-01",
        "?from=1990-01-01&to=2026-11-25",
        "?colour=red",
    ] {
        let r = d.list(q).await;
        assert_eq!(r.status, 422, "{q}: {r:?}");
        assert!(!r.problem_fields().is_empty(), "{q}: {r:?}");
    }
    d.assert_empty("after odd bodies").await;
}

#[tokio::test]
async fn a_check_in_is_created_replaced_read_listed_and_deleted() {
    let d = diary().await;
    let first = json!({
        "date": "2026-11-24", "pain": 6, "fatigue": 5, "sleep_hours": 6.5,
        "bed_time": "23:15", "wake_time": "06:40", "flare": true,
        "pain_regions": ["neck", "lower_back"], "sensitivities": ["noise"],
        "factors": ["poor sleep"], "note": "rough night",
    });
    let r = d.post(&first).await;
    assert_eq!(r.status, 201, "{r:?}");
    let created = r.json();
    assert_eq!(created["date"], "2026-11-24");
    assert_eq!(created["pain"], 6);
    assert_eq!(created["sleep_hours"], 6.5);
    assert_eq!(created["bed_time"], "23:15");
    assert_eq!(created["pain_regions"], json!(["neck", "lower_back"]));

    let again = d.post(&json!({"date": "2026-11-24", "pain": 2})).await;
    assert_eq!(again.status, 409, "{again:?}");
    assert!(
        again.json()["error"].as_str().unwrap().contains("PUT"),
        "{again:?}"
    );
    assert_eq!(
        d.get("2026-11-24").await.json()["pain"],
        6,
        "the conflict changed nothing"
    );

    let replaced = d
        .put("2026-11-24", &json!({"pain": 3, "date": "2026-11-24"}))
        .await;
    assert_eq!(replaced.status, 200, "{replaced:?}");
    let read = d.get("2026-11-24").await;
    assert_eq!(read.status, 200);
    let read = read.json();
    assert_eq!(read["pain"], 3);
    // Replaced whole, not merged: nothing of the first version is left.
    assert_eq!(read["fatigue"], Value::Null);
    assert_eq!(read["note"], Value::Null);
    assert_eq!(read["pain_regions"], json!([]));

    let new_day = d.put("2026-11-23", &json!({"mood": 4})).await;
    assert_eq!(new_day.status, 201, "{new_day:?}");
    let today = d
        .put("2026-11-25", &json!({"note": "only a note today"}))
        .await;
    assert_eq!(today.status, 201, "{today:?}");

    let listed = d.list("?from=2026-11-23&to=2026-11-24").await;
    assert_eq!(listed.status, 200);
    let dates: Vec<Value> = listed
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["date"].clone())
        .collect();
    assert_eq!(
        dates,
        [json!("2026-11-23"), json!("2026-11-24")],
        "oldest first, inside the range"
    );
    let one = d.list("?from=2026-11-24&to=2026-11-24").await;
    assert_eq!(one.json().as_array().map(Vec::len), Some(1));
    let default = d.list("").await;
    assert_eq!(
        default.json().as_array().map(Vec::len),
        Some(3),
        "the last 30 days by default"
    );

    let path = format!("{}/2026-11-24", d.base());
    let deleted = d.app.delete(&path).cred(&d.cred).send().await;
    assert_eq!(deleted.status, 204, "{deleted:?}");
    assert!(deleted.body.is_empty());
    assert_eq!(d.get("2026-11-24").await.status, 404);
    let again = d.app.delete(&path).cred(&d.cred).send().await;
    assert_eq!(again.status, 404, "{again:?}");
    let after = d.list("?from=2026-11-01&to=2026-11-25").await;
    assert_eq!(after.json().as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn a_range_that_ends_before_it_starts_is_422() {
    let d = diary().await;
    let r = d.list("?from=2026-11-25&to=2026-11-20").await;
    assert_refused(&r, 422, "from", "from after to");
    let r = d.list("?from=2026-11-20&to=20-11-2026").await;
    assert_refused(&r, 422, "to", "an unreadable to");
}

#[tokio::test]
async fn only_the_patient_may_write_their_diary_not_their_linked_clinician() {
    let d = diary().await;
    let admin = d.app.user(Role::Admin, "admin", "Admin").await;
    let clinician = d.app.user(Role::Clinician, "dr-who", "Dr Who").await;
    d.app.link(&admin, &d.patient, &clinician).await;
    let c = d.app.bearer(&clinician).await;

    let put = d
        .app
        .put(&format!("{}/2026-11-24", d.base()))
        .cred(&c)
        .json(&json!({"pain": 9, "note": "written by the clinician"}))
        .send()
        .await;
    assert_eq!(put.status, 404, "{put:?}");
    let post = d
        .app
        .post(&d.base())
        .cred(&c)
        .json(&json!({"date": "2026-11-24", "pain": 9}))
        .send()
        .await;
    assert_eq!(post.status, 404, "{post:?}");
    d.assert_empty("after the clinician's writes").await;

    // The clinician may read, and may not delete.
    assert_eq!(d.put("2026-11-24", &json!({"pain": 4})).await.status, 201);
    let read = d
        .app
        .get(&format!("{}/2026-11-24", d.base()))
        .cred(&c)
        .send()
        .await;
    assert_eq!(read.status, 200, "{read:?}");
    let delete = d
        .app
        .delete(&format!("{}/2026-11-24", d.base()))
        .cred(&c)
        .send()
        .await;
    assert_eq!(delete.status, 404, "{delete:?}");
    assert_eq!(d.get("2026-11-24").await.json()["pain"], 4);
}

#[tokio::test]
async fn done_today_naming_another_patients_treatment_is_422_and_stores_nothing() {
    let d = diary().await;
    let other = d.app.user(Role::Patient, "olive", "Olive Other").await;
    let other_cred = d.app.bearer(&other).await;
    let r = d
        .app
        .post(&format!("/api/patients/{}/treatment-periods", other.id))
        .cred(&other_cred)
        .json(&json!({"treatment": "pacing", "start": "2026-11-01"}))
        .send()
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let theirs = r.json()["id"].as_i64().unwrap();

    let body = json!({"date": "2026-11-24", "pain": 5, "done_today": [{"period": theirs, "amount": "20 minutes"}]});
    let r = d.post(&body).await;
    assert_refused(
        &r,
        422,
        "done_today[0].period",
        "POST naming another patient's period",
    );
    let r = d.put("2026-11-24", &body).await;
    assert_refused(
        &r,
        422,
        "done_today[0].period",
        "PUT naming another patient's period",
    );
    assert!(
        !r.text().contains("Pacing") && !r.text().contains("pacing"),
        "{r:?}"
    );
    d.assert_empty("after naming another patient's period")
        .await;

    // Their own period is accepted, which shows the refusal was about whose period it was.
    let r = d
        .app
        .post(&format!("/api/patients/{}/treatment-periods", d.patient.id))
        .cred(&d.cred)
        .json(&json!({"treatment": "walking", "start": "2026-11-01"}))
        .send()
        .await;
    let mine = r.json()["id"].as_i64().unwrap();
    let r = d
        .post(&json!({"date": "2026-11-24", "pain": 5, "done_today": [{"period": mine, "amount": "20 minutes"}]}))
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!(r.json()["done_today"][0]["period"], mine);
}
