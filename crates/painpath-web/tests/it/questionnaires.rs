//! Questionnaires and the care team's alerts: bad answers refused naming the field and never kept,
//! answers stored item by item with their LOINC codes, a PHQ-9 item 9 above 0 alerting the linked
//! clinician until they acknowledge it, the form's drafts and crisis support, the FIQR behind its
//! clinic setting, what is due, and the clinician's history table.

use painpath_core::instruments::Instrument;
use painpath_core::instruments::response::{GAD7_ITEMS, PHQ9_ITEMS};
use painpath_core::person::Role;
use painpath_store::{NewQuestionnaire, StoredAnswer};
use painpath_web::Config;
use serde_json::{Value, json};

use crate::helpers::{Cred, NOW, Resp, Session, TODAY, TestApp, User, spawn_at, spawn_with};

const PHQ9_TITLE: &str = "Patient Health Questionnaire (PHQ-9)";
const GAD7_TITLE: &str = "Generalised Anxiety Disorder scale (GAD-7)";
const FIQR_TITLE: &str = "Revised Fibromyalgia Impact Questionnaire (FIQR)";

/// A patient linked to one clinician, another clinician who is not linked, and an admin.
struct Clinic {
    app: TestApp,
    admin: User,
    patient: User,
    clinician: User,
    stranger: User,
    /// The patient's API token.
    me: Cred,
    /// The linked clinician's API token.
    doctor: Cred,
}

async fn clinic() -> Clinic {
    clinic_with(Config::default(), NOW).await
}

async fn clinic_with(config: Config, at: &str) -> Clinic {
    let app = spawn_with(config, at).await;
    let admin = app.user(Role::Admin, "admin", "Ada Admin").await;
    let patient = app.user(Role::Patient, "pat", "Pat Patient").await;
    let clinician = app.user(Role::Clinician, "dr-kaur", "Dr Kaur").await;
    let stranger = app.user(Role::Clinician, "dr-other", "Dr Other").await;
    app.link(&admin, &patient, &clinician).await;
    let me = app.bearer(&patient).await;
    let doctor = app.bearer(&clinician).await;
    Clinic {
        app,
        admin,
        patient,
        clinician,
        stranger,
        me,
        doctor,
    }
}

impl Clinic {
    fn list_path(&self) -> String {
        format!("/api/patients/{}/questionnaires", self.patient.id)
    }

    fn add_path(&self, instrument: &str) -> String {
        format!("{}/{instrument}", self.list_path())
    }

    /// The patient sends a completed questionnaire through the API.
    async fn submit(&self, instrument: &str, body: &Value) -> Resp {
        self.app
            .post(&self.add_path(instrument))
            .cred(&self.me)
            .json(body)
            .send()
            .await
    }

    /// The patient's stored questionnaires, as the patient reads them through the API.
    async fn stored(&self) -> Vec<Value> {
        let r = self.app.get(&self.list_path()).cred(&self.me).send().await;
        assert_eq!(r.status, 200, "{r:?}");
        r.json().as_array().cloned().expect("a list")
    }

    /// `GET /api/alerts` as `cred`.
    async fn alerts_as(&self, cred: &Cred) -> Resp {
        self.app.get("/api/alerts").cred(cred).send().await
    }

    /// The open alerts the linked clinician sees.
    async fn open_alerts(&self) -> Vec<Value> {
        let r = self.alerts_as(&self.doctor).await;
        assert_eq!(r.status, 200, "{r:?}");
        r.json().as_array().cloned().expect("a list")
    }

    async fn acknowledge(&self, alert: i64, cred: &Cred) -> Resp {
        self.app
            .post(&format!("/api/alerts/{alert}/acknowledge"))
            .cred(cred)
            .json(&json!({"note": "Phoned; safe; plan agreed"}))
            .send()
            .await
    }

    /// Nothing completed, no draft of any instrument, and no alert, open or not.
    async fn assert_nothing_kept(&self, context: &str) {
        assert_eq!(self.stored().await, Vec::<Value>::new(), "{context}");
        assert_eq!(self.open_alerts().await, Vec::<Value>::new(), "{context}");
        let every_alert = self
            .app
            .store
            .patient_alerts(&self.patient.actor(), self.patient.uid())
            .await
            .expect("the patient reads their alerts");
        assert!(every_alert.is_empty(), "{context}: {every_alert:?}");
        for instrument in Instrument::ALL {
            let draft = self
                .app
                .store
                .questionnaire_draft(&self.patient.actor(), self.patient.uid(), instrument)
                .await
                .expect("the patient reads their draft");
            assert_eq!(draft, None, "{context}: a {instrument} draft was kept");
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

/// A whole, valid ACR 2016 survey.
fn acr2016_body() -> Value {
    json!({
        "pain_regions": ["neck", "lower_back", "left_hip"],
        "fatigue": 2,
        "waking_unrefreshed": 2,
        "cognitive_symptoms": 1,
        "headaches": true,
        "lower_abdominal_pain_or_cramps": false,
        "depression": false,
        "symptoms_at_least_3_months": true,
    })
}

/// A whole, valid FIQR: the example of shared/contracts/score.md (total 45.5).
fn fiqr_body() -> Value {
    json!({
        "function": [3, 3, 3, 3, 3, 3, 3, 3, 6],
        "overall": [4, 4],
        "symptoms": [5, 5, 5, 5, 5, 6, 6, 6, 6, 6],
    })
}

/// Stores a PHQ-9 or GAD-7 straight through the store, dated `date`, as if it had been done then.
async fn store_dated(
    app: &TestApp,
    patient: &User,
    instrument: Instrument,
    date: &str,
    items: &[i64],
) -> i64 {
    let ids: &[&str] = match instrument {
        Instrument::Phq9 => &PHQ9_ITEMS,
        Instrument::Gad7 => &GAD7_ITEMS,
        other => panic!("store_dated stores PHQ-9s and GAD-7s, not {other}"),
    };
    assert_eq!(ids.len(), items.len(), "one answer per item");
    let answers = ids
        .iter()
        .zip(items)
        .map(|(item, value)| StoredAnswer {
            item: (*item).to_owned(),
            value: Some(*value),
            code: None,
            loinc: None,
            answer_loinc: None,
        })
        .collect();
    app.store
        .save_questionnaire(
            &patient.actor(),
            patient.uid(),
            &NewQuestionnaire {
                instrument,
                date: date.parse().expect("a date"),
                answers,
                item9: None,
            },
        )
        .await
        .expect("the questionnaire is stored")
}

/// The entry of `/questionnaires` for the questionnaire titled `title`.
fn list_entry<'a>(html: &'a str, title: &str) -> &'a str {
    html.split(r#"<li class="period">"#)
        .skip(1)
        .find(|entry| entry.contains(&format!("<h2>{title}</h2>")))
        .unwrap_or_else(|| panic!("{title} is not listed: {html}"))
}

/// Whether the form shows `value` chosen for `item`.
fn is_checked(html: &str, item: &str, value: u8) -> bool {
    html.contains(&format!(
        r#"id="{item}-{value}" name="{item}" value="{value}" checked>"#
    ))
}

/// The fields of a PHQ-9's first part: the CSRF token, the part, the action, and `items`
/// (`None` leaves that item unanswered).
fn phq9_part1(session: &Session, action: &str, items: [Option<&str>; 9]) -> Vec<(String, String)> {
    let mut fields = vec![
        ("csrf".to_owned(), session.csrf.clone()),
        ("part".to_owned(), "1".to_owned()),
        ("action".to_owned(), action.to_owned()),
    ];
    for (id, value) in PHQ9_ITEMS.iter().zip(items) {
        if let Some(v) = value {
            fields.push(((*id).to_owned(), v.to_owned()));
        }
    }
    fields
}

async fn post_form(
    app: &TestApp,
    path: &str,
    session: &Session,
    fields: &[(String, String)],
) -> Resp {
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    app.post(path).cookie(session).form(&borrowed).send().await
}

// ----- Bad input through the API -------------------------------------------------------------

#[tokio::test]
async fn a_phq9_with_wrong_answers_is_422_naming_each_item_and_stores_nothing_and_opens_no_alert() {
    let c = clinic().await;
    // Every body answers item 9 above 0 where it can, so a half-stored one would also alert.
    let cases: [(&str, Value, &str); 12] = [
        (
            "8 items",
            json!({"items": [1, 1, 1, 1, 1, 1, 1, 3]}),
            "items",
        ),
        (
            "10 items",
            json!({"items": [1, 1, 1, 1, 1, 1, 1, 1, 3, 0]}),
            "items",
        ),
        ("no items", json!({"items": []}), "items"),
        (
            "4 on item 4",
            json!({"items": [0, 0, 0, 4, 0, 0, 0, 0, 3]}),
            "items[3]",
        ),
        (
            "-1 on item 1",
            json!({"items": [-1, 0, 0, 0, 0, 0, 0, 0, 2]}),
            "items[0]",
        ),
        (
            "1.5 on item 5",
            json!({"items": [0, 0, 0, 0, 1.5, 0, 0, 0, 1]}),
            "items[4]",
        ),
        (
            "null on item 9",
            json!({"items": [0, 0, 0, 0, 0, 0, 0, 0, null]}),
            "items[8]",
        ),
        (
            "items as text",
            json!({"items": "0 0 0 0 0 0 0 0 1"}),
            "items",
        ),
        ("items missing", json!({"difficulty": 1}), "items"),
        (
            "difficulty 4",
            json!({"items": [0, 0, 0, 0, 0, 0, 0, 0, 1], "difficulty": 4}),
            "difficulty",
        ),
        (
            "an unknown nation",
            json!({"items": [0, 0, 0, 0, 0, 0, 0, 0, 1], "nation": "france"}),
            "nation",
        ),
        (
            "an unknown field",
            json!({"items": [0, 0, 0, 0, 0, 0, 0, 0, 1], "item_10": 2}),
            "item_10",
        ),
    ];
    for (what, body, field) in &cases {
        let r = c.submit("phq9", body).await;
        assert_refused(&r, 422, field, &format!("PHQ-9 with {what}"));
    }
    // Every wrong answer is named, not only the first.
    let r = c
        .submit("phq9", &json!({"items": [4, 0, 0, 0, 0, 0, 0, 0, 7]}))
        .await;
    assert_refused(&r, 422, "items[0]", "two wrong answers");
    assert_refused(&r, 422, "items[8]", "two wrong answers");
    // A clinician recording one in clinic is refused the same way.
    let r = c
        .app
        .post(&c.add_path("phq9"))
        .cred(&c.doctor)
        .json(&json!({"items": [0, 0, 0, 4, 0, 0, 0, 0, 3]}))
        .send()
        .await;
    assert_refused(
        &r,
        422,
        "items[3]",
        "the clinician's PHQ-9 with 4 on item 4",
    );
    c.assert_nothing_kept("after every refused PHQ-9").await;
}

#[tokio::test]
async fn a_gad7_or_fiqr_with_wrong_answers_is_422_naming_the_field_and_stores_nothing() {
    let c = clinic().await;
    let gad7: [(&str, Value, &str); 6] = [
        ("6 items", json!({"items": [1, 1, 1, 1, 1, 1]}), "items"),
        (
            "8 items",
            json!({"items": [1, 1, 1, 1, 1, 1, 1, 1]}),
            "items",
        ),
        (
            "4 on item 7",
            json!({"items": [0, 0, 0, 0, 0, 0, 4]}),
            "items[6]",
        ),
        (
            "-1 on item 3",
            json!({"items": [0, 0, -1, 0, 0, 0, 0]}),
            "items[2]",
        ),
        (
            "1.5 on item 2",
            json!({"items": [0, 1.5, 0, 0, 0, 0, 0]}),
            "items[1]",
        ),
        // The GAD-7 has no difficulty question here (docs/instruments.md).
        (
            "a difficulty answer",
            json!({"items": [0, 0, 0, 0, 0, 0, 0], "difficulty": 1}),
            "difficulty",
        ),
    ];
    for (what, body, field) in &gad7 {
        let r = c.submit("gad7", body).await;
        assert_refused(&r, 422, field, &format!("GAD-7 with {what}"));
    }

    let good = || json!({"function": vec![3; 9], "overall": [4, 4], "symptoms": vec![5; 10]});
    let with = |key: &str, value: Value| {
        let mut body = good();
        body[key] = value;
        body
    };
    let without = |key: &str| {
        let mut body = good();
        body.as_object_mut().expect("an object").remove(key);
        body
    };
    let fiqr: [(&str, Value, &str); 9] = [
        (
            "function with 8",
            with("function", json!(vec![3; 8])),
            "function",
        ),
        (
            "function with 10",
            with("function", json!(vec![3; 10])),
            "function",
        ),
        (
            "overall with 3",
            with("overall", json!([4, 4, 4])),
            "overall",
        ),
        (
            "11 on symptom 3",
            with("symptoms", json!([5, 5, 11, 5, 5, 5, 5, 5, 5, 5])),
            "symptoms[2]",
        ),
        (
            "-1 on overall 1",
            with("overall", json!([-1, 4])),
            "overall[0]",
        ),
        (
            "1.5 on function 1",
            with("function", json!([1.5, 3, 3, 3, 3, 3, 3, 3, 3])),
            "function[0]",
        ),
        ("overall missing", without("overall"), "overall"),
        ("symptoms missing", without("symptoms"), "symptoms"),
        ("an unknown field", with("total", json!(45.5)), "total"),
    ];
    for (what, body, field) in &fiqr {
        let r = c.submit("fiqr", body).await;
        assert_refused(&r, 422, field, &format!("FIQR with {what}"));
    }
    c.assert_nothing_kept("after every refused GAD-7 and FIQR")
        .await;
    // The same FIQR, whole, is stored: the refusals were about the faults.
    assert_eq!(c.submit("fiqr", &good()).await.status, 201);
}

#[tokio::test]
async fn an_acr2016_survey_with_a_bad_region_or_a_missing_field_is_422_naming_it_and_stores_nothing()
 {
    let c = clinic().await;
    let good = acr2016_body;
    let with = |key: &str, value: Value| {
        let mut body = good();
        body[key] = value;
        body
    };
    let without = |key: &str| {
        let mut body = good();
        body.as_object_mut().expect("an object").remove(key);
        body
    };
    let cases: [(&str, Value, &str); 11] = [
        (
            "an unknown body region",
            with("pain_regions", json!(["neck", "left_knee"])),
            "pain_regions[1]",
        ),
        (
            "a region listed twice",
            with("pain_regions", json!(["neck", "neck"])),
            "pain_regions[1]",
        ),
        (
            "a region as a number",
            with("pain_regions", json!(["neck", 3])),
            "pain_regions[1]",
        ),
        (
            "regions as one string",
            with("pain_regions", json!("neck")),
            "pain_regions",
        ),
        ("fatigue 4", with("fatigue", json!(4)), "fatigue"),
        (
            "cognitive symptoms -1",
            with("cognitive_symptoms", json!(-1)),
            "cognitive_symptoms",
        ),
        (
            "waking unrefreshed 1.5",
            with("waking_unrefreshed", json!(1.5)),
            "waking_unrefreshed",
        ),
        (
            "headaches as text",
            with("headaches", json!("yes")),
            "headaches",
        ),
        ("depression missing", without("depression"), "depression"),
        ("regions missing", without("pain_regions"), "pain_regions"),
        ("an unknown field", with("wpi", json!(3)), "wpi"),
    ];
    for (what, body, field) in &cases {
        let r = c.submit("acr2016", body).await;
        assert_refused(&r, 422, field, &format!("ACR 2016 with {what}"));
    }
    c.assert_nothing_kept("after every refused ACR 2016 survey")
        .await;
    let r = c.submit("acr2016", &good()).await;
    assert_eq!(r.status, 201, "{r:?}");
    let mut codes: Vec<String> = r.json()["answers"]
        .as_array()
        .expect("answers")
        .iter()
        .filter(|a| a["item"] == "acr_pain_map")
        .filter_map(|a| a["code"].as_str().map(str::to_owned))
        .collect();
    codes.sort();
    assert_eq!(
        codes,
        ["left_hip", "lower_back", "neck"],
        "one answer per area ticked"
    );
}

#[tokio::test]
async fn malformed_or_non_json_questionnaire_bodies_are_400_naming_the_body_and_store_nothing() {
    let c = clinic().await;
    for instrument in ["acr2016", "phq9", "gad7", "fiqr"] {
        let good = match instrument {
            "acr2016" => acr2016_body(),
            "phq9" => json!({"items": [0, 0, 0, 0, 0, 0, 0, 0, 1]}),
            "gad7" => json!({"items": [0, 0, 0, 0, 0, 0, 0]}),
            _ => fiqr_body(),
        };
        let good = good.to_string();
        let bodies = [
            "{not json".to_owned(),
            "{,}".to_owned(),
            "{\"".to_owned(),
            "".to_owned(),
            // A good body, cut short or with more after it.
            good[..good.len() - 1].to_owned(),
            format!("{good} trailing"),
            format!("{good}{good}"),
        ];
        for body in bodies {
            let r = c
                .app
                .post(&c.add_path(instrument))
                .cred(&c.me)
                .body("application/json", body.clone())
                .send()
                .await;
            assert_refused(&r, 400, "body", &format!("{instrument} with {body:?}"));
        }
        let r = c
            .app
            .post(&c.add_path(instrument))
            .cred(&c.me)
            .body("text/plain", "{\"items\": [0, 0, 0, 0, 0, 0, 0, 0, 1]}")
            .send()
            .await;
        assert_refused(&r, 400, "content-type", &format!("{instrument} as text"));
        // JSON of the wrong shape altogether is a 422, never a server error.
        for body in ["null", "[]", "7", "{}"] {
            let r = c
                .app
                .post(&c.add_path(instrument))
                .cred(&c.me)
                .body("application/json", body)
                .send()
                .await;
            assert_eq!(r.status, 422, "{instrument} with {body}: {r:?}");
            assert!(!r.problem_fields().is_empty(), "{instrument} {body}: {r:?}");
        }
    }
    c.assert_nothing_kept("after malformed bodies").await;
}

// ----- Stored answers ------------------------------------------------------------------------

#[tokio::test]
async fn a_stored_phq9_comes_back_item_by_item_with_its_loinc_codes_and_the_contract_result() {
    let c = clinic().await;
    let items = [0, 1, 2, 3, 0, 1, 2, 3, 0];
    let r = c
        .submit("phq9", &json!({"items": items, "difficulty": 2}))
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let created = r.json();
    let listed = c.stored().await;
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0], created, "the list holds what the POST answered");

    let q = &listed[0];
    assert_eq!(q["instrument"], "phq9");
    assert_eq!(q["date"], TODAY, "dated by the app's clock");
    assert_eq!(q["recorded_by"], c.patient.id);
    assert!(
        q["completed_at"]
            .as_str()
            .is_some_and(|t| t.parse::<jiff::Timestamp>().is_ok()),
        "{q}"
    );
    // The contract's output for these answers (shared/contracts/score.md).
    assert_eq!(
        q["result"],
        json!({"instrument": "phq9", "total": 12, "severity": "moderate",
               "self_harm_risk": false, "difficulty": 2})
    );
    assert_eq!(q["score"]["value"], 12.0);
    assert_eq!(q["score"]["text"], "12");
    assert_eq!(q["score"]["band"], "moderate");
    assert_eq!(q["score"]["band_label"], "Moderate");
    assert_eq!(q["score"]["self_harm_risk"], false);

    let item_loinc = [
        "44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3",
        "44260-8",
    ];
    let answer_loinc = ["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"];
    let answers = q["answers"].as_array().expect("answers");
    assert_eq!(
        answers.len(),
        10,
        "nine items and the difficulty question: {q}"
    );
    for (i, a) in answers.iter().take(9).enumerate() {
        let value = items[i];
        assert_eq!(
            *a,
            json!({
                "item": format!("phq9_{}", i + 1),
                "value": value,
                "code": null,
                "loinc": item_loinc[i],
                "answer_loinc": answer_loinc[value as usize],
            }),
            "item {}",
            i + 1
        );
    }
    // LOINC gives "Very difficult" LA6575-0, out of numeric order.
    assert_eq!(
        answers[9],
        json!({"item": "phq9_difficulty", "value": 2, "code": null,
               "loinc": "69722-7", "answer_loinc": "LA6575-0"})
    );

    // Filtering by instrument, and a bad filter named.
    let path = format!("{}?instrument=phq9", c.list_path());
    let only = c.app.get(&path).cred(&c.me).send().await.json();
    assert_eq!(only.as_array().map(Vec::len), Some(1));
    let path = format!("{}?instrument=gad7", c.list_path());
    let none = c.app.get(&path).cred(&c.me).send().await.json();
    assert_eq!(none, json!([]));
    let path = format!("{}?instrument=bdi", c.list_path());
    let bad = c.app.get(&path).cred(&c.me).send().await;
    assert_refused(&bad, 422, "instrument", "an unknown instrument");

    // The linked clinician reads the same, answer for answer.
    let theirs = c.app.get(&c.list_path()).cred(&c.doctor).send().await;
    assert_eq!(theirs.status, 200, "{theirs:?}");
    assert_eq!(theirs.json(), json!(listed));
}

#[tokio::test]
async fn a_stored_gad7_carries_loinc_69689_8_on_item_6_and_the_contract_result() {
    let c = clinic().await;
    let r = c
        .submit("gad7", &json!({"items": [3, 2, 1, 0, 1, 2, 3]}))
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let q = r.json();
    assert_eq!(
        q["result"],
        json!({"instrument": "gad7", "total": 12, "severity": "moderate"})
    );
    let answers = q["answers"].as_array().expect("answers");
    assert_eq!(answers.len(), 7, "{q}");
    assert_eq!(
        answers[5],
        json!({"item": "gad7_6", "value": 2, "code": null,
               "loinc": "69689-8", "answer_loinc": "LA6570-1"})
    );
    for (i, a) in answers.iter().enumerate() {
        assert_eq!(a["item"], format!("gad7_{}", i + 1));
        assert!(
            a["loinc"].is_string(),
            "every GAD-7 item has a LOINC code: {a}"
        );
    }
    assert_eq!(c.stored().await, vec![q]);
}

#[tokio::test]
async fn a_questionnaire_sent_after_midnight_in_summer_is_dated_by_the_london_day() {
    // 23:30 UTC on 1 July is 00:30 on 2 July in London.
    let c = clinic_with(Config::default(), "2026-07-01T23:30:00Z").await;
    let r = c
        .submit("gad7", &json!({"items": [0, 0, 0, 0, 0, 0, 0]}))
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!(r.json()["date"], "2026-07-02");
}

// ----- Alerts ----------------------------------------------------------------------------------

#[tokio::test]
async fn a_phq9_with_item_9_above_0_opens_one_alert_for_the_linked_clinician_until_acknowledged() {
    let c = clinic().await;
    let r = c
        .submit("phq9", &json!({"items": [0, 0, 0, 0, 0, 0, 0, 0, 1]}))
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let first = r.json();
    assert_eq!(first["result"]["total"], 1);
    assert_eq!(first["result"]["severity"], "minimal");
    assert_eq!(
        first["result"]["self_harm_risk"], true,
        "whatever the total"
    );
    assert_eq!(first["score"]["self_harm_risk"], true);
    let services: Vec<&str> = first["result"]["signposts"]
        .as_array()
        .expect("signposts with a self-harm risk")
        .iter()
        .filter_map(|s| s["service"].as_str())
        .collect();
    assert_eq!(services.first(), Some(&"999"), "999 first: {services:?}");
    assert!(
        services.contains(&"samaritans") && services.contains(&"nhs_111"),
        "{services:?}"
    );

    let open = c.open_alerts().await;
    assert_eq!(open.len(), 1, "{open:?}");
    let alert = &open[0];
    assert_eq!(alert["patient"], c.patient.id);
    assert_eq!(alert["patient_name"], c.patient.name);
    assert_eq!(alert["kind"], "self_harm");
    assert_eq!(alert["response"], first["id"]);
    assert_eq!(alert["acknowledged_by"], Value::Null);
    assert_eq!(alert["acknowledged_at"], Value::Null);
    let id = alert["id"].as_i64().expect("an alert id");

    assert_eq!(alert["item9_latest"]["value"], 1, "{alert:?}");
    assert_eq!(
        alert["item9_worst"]["value"],
        alert["item9_latest"]["value"]
    );
    assert_eq!(alert["answers_so_far"].as_array().map(Vec::len), Some(9));
    let worst_before = alert["item9_worst"]["value"].as_i64().expect("a value");

    // A second, worse PHQ-9 while the first alert is open opens no second alert: it updates
    // the open one, whose worst and latest answers are now 3 and whose answers are the new ones.
    let r = c
        .submit("phq9", &json!({"items": [2, 2, 2, 2, 2, 2, 2, 2, 3]}))
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let open = c.open_alerts().await;
    assert_eq!(open.len(), 1, "{open:?}");
    assert_eq!(open[0]["id"], id);
    assert_eq!(
        open[0]["response"], first["id"],
        "still the first response's"
    );
    assert!(worst_before < 3, "the test needs a worse second answer");
    assert_eq!(open[0]["item9_worst"]["value"], 3, "{open:?}");
    assert_eq!(open[0]["item9_latest"]["value"], 3, "{open:?}");
    assert_eq!(
        open[0]["answers_so_far"][0],
        json!({"item": "phq9_1", "value": 2})
    );
    assert_eq!(c.stored().await.len(), 2, "both were stored");

    // The clinician's alerts page shows it too.
    let cs = c.app.sign_in(&c.clinician).await;
    let page = c.app.get("/alerts").cookie(&cs).send().await;
    assert_eq!(page.status, 200, "{page:?}");
    assert!(page.text().contains(&c.patient.name), "{page:?}");
    assert!(
        page.text()
            .contains(&format!(r#"action="/alerts/{id}/acknowledge""#)),
        "{page:?}"
    );

    let ack = c.acknowledge(id, &c.doctor).await;
    assert_eq!(ack.status, 204, "{ack:?}");
    assert!(ack.body.is_empty(), "{ack:?}");
    assert_eq!(
        c.open_alerts().await,
        Vec::<Value>::new(),
        "gone once acknowledged"
    );
    // Who acknowledged it and when are recorded: the clinician, at the app's clock.
    let all = c
        .app
        .store
        .patient_alerts(&c.patient.actor(), c.patient.uid())
        .await
        .expect("the patient reads their alerts");
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(all[0].acknowledged_by, Some(c.clinician.uid()));
    assert_eq!(all[0].acknowledged_by_name.as_deref(), Some("Dr Kaur"));
    assert_eq!(
        all[0].acknowledged_at,
        Some(NOW.parse().expect("an instant"))
    );

    let again = c.acknowledge(id, &c.doctor).await;
    assert_eq!(again.status, 409, "{again:?}");
    assert!(
        again.json()["error"]
            .as_str()
            .is_some_and(|e| e.contains("already been acknowledged")),
        "{again:?}"
    );

    // Once the first is acknowledged, a new risk opens a new alert.
    let r = c
        .submit("phq9", &json!({"items": [0, 0, 0, 0, 0, 0, 0, 0, 2]}))
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let open = c.open_alerts().await;
    assert_eq!(open.len(), 1, "{open:?}");
    assert_ne!(open[0]["id"], id, "a new alert");
    assert_eq!(open[0]["response"], r.json()["id"]);
}

#[tokio::test]
async fn only_the_linked_clinician_sees_or_acknowledges_an_alert_and_patients_and_admins_get_403() {
    let c = clinic().await;
    let r = c
        .submit("phq9", &json!({"items": [0, 0, 0, 0, 0, 0, 0, 0, 3]}))
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let id = c.open_alerts().await[0]["id"]
        .as_i64()
        .expect("an alert id");

    let stranger = c.app.bearer(&c.stranger).await;
    let theirs = c.alerts_as(&stranger).await;
    assert_eq!(theirs.status, 200, "{theirs:?}");
    assert_eq!(theirs.json(), json!([]), "an unlinked clinician sees none");
    let ack = c.acknowledge(id, &stranger).await;
    assert_eq!(ack.status, 404, "{ack:?}");
    assert!(!ack.text().contains(&c.patient.name), "{ack:?}");

    let admin = c.app.bearer(&c.admin).await;
    for (who, cred) in [("the patient", &c.me), ("an admin", &admin)] {
        let list = c.alerts_as(cred).await;
        assert_eq!(list.status, 403, "{who} listing alerts: {list:?}");
        assert!(!list.text().contains(&c.patient.name), "{who}: {list:?}");
        let ack = c.acknowledge(id, cred).await;
        assert_eq!(ack.status, 403, "{who} acknowledging: {ack:?}");
    }
    // Sessions are refused the same way as tokens.
    let ps = c.app.session(&c.patient).await;
    assert_eq!(c.alerts_as(&ps).await.status, 403);

    let open = c.open_alerts().await;
    assert_eq!(open.len(), 1, "still open after every refusal: {open:?}");
    assert_eq!(open[0]["acknowledged_by"], Value::Null);

    // An alert that does not exist, and one that is not a number.
    assert_eq!(c.acknowledge(id + 1000, &c.doctor).await.status, 404);
    let r = c
        .app
        .post("/api/alerts/first/acknowledge")
        .cred(&c.doctor)
        .json(&json!({"note": "Phoned"}))
        .send()
        .await;
    assert_refused(&r, 422, "alert", "an alert id that is not a number");

    // Acknowledging needs a note of what was done: missing, blank, too long or mistyped is 422
    // naming `note`, and the alert stays open.
    for (body, what) in [
        (json!({}), "no note"),
        (json!({"note": "   "}), "a blank note"),
        (
            json!({"note": "x".repeat(501)}),
            "a note over 500 characters",
        ),
        (json!({"note": 5}), "a note that is not text"),
    ] {
        let r = c
            .app
            .post(&format!("/api/alerts/{id}/acknowledge"))
            .cred(&c.doctor)
            .json(&body)
            .send()
            .await;
        assert_refused(&r, 422, "note", what);
    }
    let r = c
        .app
        .post(&format!("/api/alerts/{id}/acknowledge"))
        .cred(&c.doctor)
        .json(&json!({"note": "Phoned", "urgent": true}))
        .send()
        .await;
    assert_refused(&r, 422, "urgent", "an unknown field");
    // A client written before notes were needed sends no body at all: 422 naming the note.
    let r = c
        .app
        .post(&format!("/api/alerts/{id}/acknowledge"))
        .cred(&c.doctor)
        .send()
        .await;
    assert_refused(&r, 422, "note", "no body");
    // Acknowledging an answer older than the alert's latest is refused: a newer one arrived.
    let r = c
        .app
        .post(&format!("/api/alerts/{id}/acknowledge"))
        .cred(&c.doctor)
        .json(&json!({"note": "Phoned", "seen_latest_at": "2000-01-01T00:00:00Z"}))
        .send()
        .await;
    assert_eq!(r.status, 409, "{r:?}");
    let r = c
        .app
        .post(&format!("/api/alerts/{id}/acknowledge"))
        .cred(&c.doctor)
        .json(&json!({"note": "Phoned", "seen_latest_at": "yesterday"}))
        .send()
        .await;
    assert_refused(&r, 422, "seen_latest_at", "not an instant");
    assert_eq!(c.open_alerts().await.len(), 1, "still open after bad notes");

    // A revoked link hides the alert again.
    let link = c
        .app
        .get(&format!("/api/patients/{}/care-team", c.patient.id))
        .cred(&c.me)
        .send()
        .await
        .json()[0]["id"]
        .as_i64()
        .expect("a link id");
    let revoke = c
        .app
        .post(&format!(
            "/api/patients/{}/care-team/{link}/revoke",
            c.patient.id
        ))
        .cred(&c.me)
        .send()
        .await;
    assert!(revoke.status < 300, "{revoke:?}");
    assert_eq!(c.open_alerts().await, Vec::<Value>::new());
    assert_eq!(c.acknowledge(id, &c.doctor).await.status, 404);
}

#[tokio::test]
async fn a_phq9_with_item_9_at_0_opens_no_alert_however_high_the_total() {
    let c = clinic().await;
    let r = c
        .submit("phq9", &json!({"items": [3, 3, 3, 3, 3, 3, 3, 3, 0]}))
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let q = r.json();
    assert_eq!(
        q["result"],
        json!({"instrument": "phq9", "total": 24, "severity": "severe", "self_harm_risk": false}),
        "no signposts without a self-harm risk"
    );
    assert_eq!(c.open_alerts().await, Vec::<Value>::new());
    let all = c
        .app
        .store
        .patient_alerts(&c.patient.actor(), c.patient.uid())
        .await
        .expect("the patient reads their alerts");
    assert!(all.is_empty(), "{all:?}");
}

// ----- The form, part by part ----------------------------------------------------------------

#[tokio::test]
async fn answering_phq9_item_9_on_the_form_shows_crisis_support_first_and_alerts_before_it_is_finished()
 {
    let c = clinic().await;
    let s = c.app.sign_in(&c.patient).await;
    let one = Some("1");
    let fields = phq9_part1(
        &s,
        "next",
        [one, one, one, one, one, one, one, one, Some("2")],
    );
    let r = post_form(&c.app, "/questionnaires/phq9", &s, &fields).await;
    assert_eq!(r.status, 303, "{r:?}");
    assert_eq!(r.location(), "/questionnaires/phq9?part=2");

    let page = c.app.get(r.location()).cookie(&s).send().await;
    assert_eq!(page.status, 200, "{page:?}");
    let html = page.text();
    let main = html
        .split(r#"<main id="main" tabindex="-1">"#)
        .nth(1)
        .expect("the main element");
    assert!(
        main.trim_start()
            .starts_with(r#"<div class="crisis-first""#),
        "crisis support is the first thing on the page: {main}"
    );
    let crisis_end = main.find("</div>").expect("the end of the crisis block");
    let crisis = &main[..crisis_end];
    assert!(crisis.contains("116 123"), "Samaritans: {crisis}");
    assert!(crisis.contains("999"), "{crisis}");
    assert!(
        crisis.find("999") < crisis.find("116 123"),
        "999 before Samaritans: {crisis}"
    );
    let heading = main
        .find(&format!(r#"<h2 class="after-crisis">{PHQ9_TITLE}</h2>"#))
        .expect("the questionnaire's heading, after the crisis support");
    assert!(crisis_end < heading);
    assert!(main.contains("Part 2 of 2"), "{main}");
    assert!(main.contains(r#"name="phq9_difficulty""#), "{main}");

    // The care team is alerted now, though the questionnaire is not finished.
    let open = c.open_alerts().await;
    assert_eq!(open.len(), 1, "{open:?}");
    assert_eq!(open[0]["patient"], c.patient.id);
    assert_eq!(open[0]["response"], Value::Null, "no response yet");
    assert_eq!(
        c.stored().await,
        Vec::<Value>::new(),
        "nothing completed yet"
    );

    // Finishing links the alert to the response, and the result starts with crisis support too.
    let r = c
        .app
        .post("/questionnaires/phq9")
        .cookie(&s)
        .form(&[
            ("csrf", s.csrf.as_str()),
            ("part", "2"),
            ("action", "next"),
            ("phq9_difficulty", "1"),
        ])
        .send()
        .await;
    assert_eq!(r.status, 303, "{r:?}");
    let stored = c.stored().await;
    assert_eq!(stored.len(), 1, "{stored:?}");
    let id = stored[0]["id"].as_i64().expect("an id");
    assert_eq!(r.location(), format!("/questionnaires/phq9/result/{id}"));
    assert_eq!(stored[0]["result"]["total"], 10);
    assert_eq!(stored[0]["result"]["self_harm_risk"], true);
    let result = c.app.get(r.location()).cookie(&s).send().await;
    assert_eq!(result.status, 200, "{result:?}");
    let html = result.text();
    let main = html
        .split(r#"<main id="main" tabindex="-1">"#)
        .nth(1)
        .expect("the main element");
    assert!(
        main.trim_start()
            .starts_with(r#"<div class="crisis-first""#),
        "{main}"
    );
    let open = c.open_alerts().await;
    assert_eq!(open.len(), 1, "still one alert: {open:?}");
    assert_eq!(open[0]["response"], id, "now naming the response");
    let draft = c
        .app
        .store
        .questionnaire_draft(&c.patient.actor(), c.patient.uid(), Instrument::Phq9)
        .await
        .expect("the patient reads their draft");
    assert_eq!(draft, None, "completing deletes the draft");

    // The clinician acknowledges it on the alerts page.
    let cs = c.app.sign_in(&c.clinician).await;
    let alert = open[0]["id"].as_i64().expect("an alert id");
    // Without a note of what was done it is refused, beside the note, and stays open.
    let r = c
        .app
        .post(&format!("/alerts/{alert}/acknowledge"))
        .cookie(&cs)
        .form(&[("csrf", cs.csrf.as_str()), ("note", "  ")])
        .send()
        .await;
    assert_eq!(r.status, 422, "{r:?}");
    assert!(
        r.text().contains(&format!(r#"id="note-{alert}-error""#)),
        "{r:?}"
    );
    assert_eq!(c.open_alerts().await.len(), 1, "still open");
    let r = c
        .app
        .post(&format!("/alerts/{alert}/acknowledge"))
        .cookie(&cs)
        .form(&[
            ("csrf", cs.csrf.as_str()),
            ("note", "Phoned; safe; GP told"),
        ])
        .send()
        .await;
    assert_eq!(r.status, 303, "{r:?}");
    assert_eq!(r.location(), "/alerts?acknowledged=1");
    assert_eq!(c.open_alerts().await, Vec::<Value>::new());
    let page = c.app.get("/alerts").cookie(&cs).send().await.text();
    assert!(page.contains("No open alerts."), "{page}");
}

#[tokio::test]
async fn a_form_part_with_a_missing_answer_is_422_naming_the_item_and_stores_nothing() {
    let c = clinic().await;
    let s = c.app.sign_in(&c.patient).await;
    let one = Some("1");
    let fields = phq9_part1(
        &s,
        "next",
        [one, one, one, None, one, one, one, one, Some("0")],
    );
    let r = post_form(&c.app, "/questionnaires/phq9", &s, &fields).await;
    assert_eq!(r.status, 422, "{r:?}");
    assert!(r.is_html(), "{r:?}");
    let html = r.text();
    assert!(
        html.contains(r##"<a href="#phq9_4">choose an answer to this question</a>"##),
        "the error summary names item 4: {html}"
    );
    assert!(html.contains(r#"id="phq9_4-error""#), "{html}");
    assert!(!html.contains(r#"id="phq9_3-error""#), "{html}");
    // The answers given are shown again, to correct rather than retype.
    assert!(is_checked(&html, "phq9_1", 1), "{html}");
    assert!(is_checked(&html, "phq9_9", 0), "{html}");
    assert!(html.contains("Part 1 of 2"), "{html}");

    // An answer that is not one of those shown is named the same way.
    let fields = phq9_part1(
        &s,
        "next",
        [one, one, one, Some("4"), one, one, one, one, Some("0")],
    );
    let r = post_form(&c.app, "/questionnaires/phq9", &s, &fields).await;
    assert_eq!(r.status, 422, "{r:?}");
    assert!(
        r.text()
            .contains(r##"<a href="#phq9_4">choose one of the answers shown</a>"##),
        "{r:?}"
    );
    c.assert_nothing_kept("after refused parts").await;
    let form = c.app.get("/questionnaires/phq9").cookie(&s).send().await;
    assert_eq!(form.status, 200, "{form:?}");
    assert!(
        !form.text().contains(" checked>"),
        "no answer was kept: {form:?}"
    );
}

#[tokio::test]
async fn a_refused_form_part_with_item_9_above_0_still_alerts_the_care_team_it_says_were_told() {
    let c = clinic().await;
    let s = c.app.sign_in(&c.patient).await;
    let one = Some("1");
    let fields = phq9_part1(
        &s,
        "next",
        [one, one, None, one, one, one, one, one, Some("3")],
    );
    let r = post_form(&c.app, "/questionnaires/phq9", &s, &fields).await;
    assert_eq!(r.status, 422, "{r:?}");
    let html = r.text();
    assert!(html.contains(r##"<a href="#phq9_3">"##), "{html}");
    // The crisis support comes first even on the refused part, and says the care team was told;
    // so they must have been.
    let main = html
        .split(r#"<main id="main" tabindex="-1">"#)
        .nth(1)
        .expect("the main element");
    assert!(
        main.trim_start()
            .starts_with(r#"<div class="crisis-first""#),
        "{main}"
    );
    assert!(
        main.contains("flagged to your care team in painpath"),
        "{main}"
    );
    // It promises nothing painpath does not do: nobody watches it round the clock.
    assert!(main.contains("may not see it today"), "{main}");
    assert!(!main.contains("will follow this up"), "{main}");
    let open = c.open_alerts().await;
    assert_eq!(open.len(), 1, "the care team is alerted: {open:?}");
    assert_eq!(open[0]["patient"], c.patient.id);
    assert_eq!(open[0]["response"], Value::Null);
    assert_eq!(c.stored().await, Vec::<Value>::new(), "nothing completed");
    // The answers so far are the draft that carries the alert, shown again to finish.
    let form = c
        .app
        .get("/questionnaires/phq9")
        .cookie(&s)
        .send()
        .await
        .text();
    assert!(is_checked(&form, "phq9_9", 3), "{form}");
    assert!(!(0..=3).any(|v| is_checked(&form, "phq9_3", v)), "{form}");
}

#[tokio::test]
async fn save_and_finish_later_keeps_the_answers_and_the_form_shows_them_checked_again() {
    let c = clinic().await;
    let s = c.app.sign_in(&c.patient).await;
    let fields = phq9_part1(
        &s,
        "later",
        [
            Some("2"),
            Some("1"),
            Some("3"),
            None,
            None,
            None,
            None,
            None,
            None,
        ],
    );
    let r = post_form(&c.app, "/questionnaires/phq9", &s, &fields).await;
    assert_eq!(r.status, 303, "{r:?}");
    assert_eq!(r.location(), "/questionnaires?saved=later");
    let list = c.app.get(r.location()).cookie(&s).send().await;
    assert_eq!(list.status, 200, "{list:?}");
    let html = list.text();
    assert!(html.contains("Your answers so far are kept"), "{html}");
    assert!(
        list_entry(&html, PHQ9_TITLE).contains("Continue"),
        "the PHQ-9 offers to continue: {html}"
    );
    assert!(
        !list_entry(&html, GAD7_TITLE).contains("Continue"),
        "{html}"
    );

    let form = c.app.get("/questionnaires/phq9").cookie(&s).send().await;
    assert_eq!(form.status, 200, "{form:?}");
    let html = form.text();
    assert!(
        html.contains("Welcome back: your answers so far are filled in."),
        "{html}"
    );
    assert!(is_checked(&html, "phq9_1", 2), "{html}");
    assert!(is_checked(&html, "phq9_2", 1), "{html}");
    assert!(is_checked(&html, "phq9_3", 3), "{html}");
    assert!(!is_checked(&html, "phq9_1", 1), "{html}");
    for item in ["phq9_4", "phq9_9"] {
        assert!(
            !(0..=3).any(|v| is_checked(&html, item, v)),
            "{item} was not answered: {html}"
        );
    }
    // Nothing is completed, and no alert: item 9 is not answered.
    assert_eq!(c.stored().await, Vec::<Value>::new());
    assert_eq!(c.open_alerts().await, Vec::<Value>::new());

    // Finishing later completes it with the kept answers and the new ones.
    let zero = Some("0");
    let fields = phq9_part1(
        &s,
        "next",
        [
            Some("2"),
            Some("1"),
            Some("3"),
            zero,
            zero,
            zero,
            zero,
            zero,
            zero,
        ],
    );
    let r = post_form(&c.app, "/questionnaires/phq9", &s, &fields).await;
    assert_eq!(r.status, 303, "{r:?}");
    let r = c
        .app
        .post("/questionnaires/phq9")
        .cookie(&s)
        .form(&[("csrf", s.csrf.as_str()), ("part", "2"), ("action", "next")])
        .send()
        .await;
    assert_eq!(r.status, 303, "the difficulty question is optional: {r:?}");
    let stored = c.stored().await;
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert_eq!(stored[0]["result"]["total"], 6);
    assert_eq!(stored[0]["answers"].as_array().map(Vec::len), Some(9));
    assert_eq!(c.open_alerts().await, Vec::<Value>::new());
}

// ----- The FIQR's clinic setting -------------------------------------------------------------

#[tokio::test]
async fn by_default_the_fiqr_form_is_404_and_unlisted_yet_the_api_scores_and_stores_it() {
    let c = clinic().await;
    let s = c.app.sign_in(&c.patient).await;
    for path in ["/questionnaires/fiqr", "/questionnaires/fiqr?part=2"] {
        let r = c.app.get(path).cookie(&s).send().await;
        assert_eq!(r.status, 404, "{path}: {r:?}");
        assert!(
            !r.text().contains("Brush or comb your hair"),
            "{path}: {r:?}"
        );
    }
    let list = c.app.get("/questionnaires").cookie(&s).send().await;
    assert_eq!(list.status, 200, "{list:?}");
    let html = list.text();
    assert!(!html.contains("FIQR"), "{html}");
    assert!(!html.contains("/questionnaires/fiqr"), "{html}");
    assert!(
        html.contains(PHQ9_TITLE) && html.contains(GAD7_TITLE),
        "{html}"
    );
    // The form cannot be posted either.
    let r = c
        .app
        .post("/questionnaires/fiqr")
        .cookie(&s)
        .form(&[
            ("csrf", s.csrf.as_str()),
            ("part", "1"),
            ("action", "later"),
            ("fiqr_f1", "3"),
        ])
        .send()
        .await;
    assert_eq!(r.status, 404, "{r:?}");
    c.assert_nothing_kept("after the hidden FIQR form").await;

    // Scoring needs no item wording, so the API stores it.
    let r = c.submit("fiqr", &fiqr_body()).await;
    assert_eq!(r.status, 201, "{r:?}");
    let q = r.json();
    assert_eq!(
        q["result"],
        json!({"instrument": "fiqr", "function": 10.0, "overall": 8.0,
               "symptoms": 27.5, "total": 45.5})
    );
    assert_eq!(q["score"]["text"], "45.5");
    let answers = q["answers"].as_array().expect("answers");
    assert_eq!(answers.len(), 21);
    assert_eq!(answers[0]["item"], "fiqr_f1");
    assert_eq!(answers[20]["item"], "fiqr_s10");
    assert!(
        answers.iter().all(|a| a["loinc"].is_null()),
        "no LOINC code is confirmed for the FIQR: {q}"
    );
    assert_eq!(c.stored().await, vec![q]);
    // Its history is there to read, without a link to a form that is not offered.
    let history = c
        .app
        .get("/questionnaires/fiqr/history")
        .cookie(&s)
        .send()
        .await;
    assert_eq!(history.status, 200, "{history:?}");
    assert!(history.text().contains("<td>45.5</td>"), "{history:?}");
    assert!(!history.text().contains("Fill it in again"), "{history:?}");
    assert!(
        !history.text().contains("Brush or comb your hair"),
        "{history:?}"
    );
}

#[tokio::test]
async fn with_the_fiqr_form_turned_on_its_page_is_listed_and_shows_the_fiqr_items() {
    let c = clinic_with(
        Config {
            fiqr_form_enabled: true,
            ..Default::default()
        },
        NOW,
    )
    .await;
    let s = c.app.sign_in(&c.patient).await;
    let list = c.app.get("/questionnaires").cookie(&s).send().await.text();
    assert!(
        list_entry(&list, FIQR_TITLE).contains(r#"href="/questionnaires/fiqr""#),
        "{list}"
    );

    let r = c.app.get("/questionnaires/fiqr").cookie(&s).send().await;
    assert_eq!(r.status, 200, "{r:?}");
    let html = r.text();
    assert!(html.contains(&format!("<h1>{FIQR_TITLE}</h1>")), "{html}");
    assert!(html.contains("Part 1 of 3"), "{html}");
    assert!(html.contains("Brush or comb your hair"), "{html}");
    for i in 1..=9 {
        let item = format!("fiqr_f{i}");
        assert!(
            html.contains(&format!(r#"name="{item}" value="0""#)),
            "{item}: {html}"
        );
        assert!(
            html.contains(&format!(r#"name="{item}" value="10""#)),
            "{item}: {html}"
        );
    }
    assert!(!html.contains(r#"name="fiqr_f1" value="11""#), "{html}");
    assert!(
        !html.contains(r#"name="fiqr_s1""#),
        "symptoms come later: {html}"
    );
    let symptoms = c
        .app
        .get("/questionnaires/fiqr?part=3")
        .cookie(&s)
        .send()
        .await;
    assert_eq!(symptoms.status, 200, "{symptoms:?}");
    for i in 1..=10 {
        assert!(
            symptoms.text().contains(&format!(r#"name="fiqr_s{i}""#)),
            "fiqr_s{i}: {symptoms:?}"
        );
    }
}

// ----- What is due -----------------------------------------------------------------------------

#[tokio::test]
async fn phq9_and_gad7_older_than_28_days_show_as_due_and_10_days_old_do_not() {
    let c = clinic().await;
    let other = c.app.user(Role::Patient, "sam", "Sam Second").await;
    // NOW is 25/11/2026. Pat: PHQ-9 29 days ago, GAD-7 10 days ago. Sam: the other way round,
    // and a PHQ-9 exactly 28 days ago, which is not yet due.
    store_dated(&c.app, &c.patient, Instrument::Phq9, "2026-10-27", &[1; 9]).await;
    store_dated(&c.app, &c.patient, Instrument::Gad7, "2026-11-15", &[1; 7]).await;
    store_dated(&c.app, &other, Instrument::Phq9, "2026-10-28", &[2; 9]).await;
    store_dated(&c.app, &other, Instrument::Gad7, "2026-10-27", &[2; 7]).await;

    let s = c.app.sign_in(&c.patient).await;
    let html = c.app.get("/questionnaires").cookie(&s).send().await.text();
    let phq9 = list_entry(&html, PHQ9_TITLE);
    assert!(phq9.contains("Last done 27/10/2026: 9 (Mild)."), "{phq9}");
    assert!(
        phq9.contains("<strong>Due:</strong> more than 4 weeks ago."),
        "29 days old is due: {phq9}"
    );
    let gad7 = list_entry(&html, GAD7_TITLE);
    assert!(gad7.contains("Last done 15/11/2026: 7 (Mild)."), "{gad7}");
    assert!(!gad7.contains("Due:"), "10 days old is not due: {gad7}");

    let s2 = c.app.sign_in(&other).await;
    let html = c.app.get("/questionnaires").cookie(&s2).send().await.text();
    let phq9 = list_entry(&html, PHQ9_TITLE);
    assert!(phq9.contains("Last done 28/10/2026"), "{phq9}");
    assert!(!phq9.contains("Due:"), "28 days old is not yet due: {phq9}");
    assert!(
        list_entry(&html, GAD7_TITLE).contains("<strong>Due:</strong> more than 4 weeks ago."),
        "{html}"
    );

    // Doing it today (by the app's clock) makes it no longer due.
    let r = c
        .submit("phq9", &json!({"items": [0, 0, 0, 0, 0, 0, 0, 0, 0]}))
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!(r.json()["date"], TODAY);
    let html = c.app.get("/questionnaires").cookie(&s).send().await.text();
    let phq9 = list_entry(&html, PHQ9_TITLE);
    assert!(
        phq9.contains("Last done 25/11/2026: 0 (None or minimal)."),
        "{phq9}"
    );
    assert!(!phq9.contains("Due:"), "{phq9}");
}

#[tokio::test]
async fn a_phq9_done_on_one_day_is_due_when_the_clock_is_29_days_later() {
    // The same questionnaires, dated 26/10/2026, seen by apps whose clocks are 10 and 29 days on.
    for (at, due) in [
        ("2026-11-05T12:00:00Z", false),
        ("2026-11-24T12:00:00Z", true),
    ] {
        let app = spawn_at(at).await;
        let patient = app.user(Role::Patient, "pat", "Pat Patient").await;
        store_dated(&app, &patient, Instrument::Phq9, "2026-10-26", &[0; 9]).await;
        store_dated(&app, &patient, Instrument::Gad7, "2026-10-26", &[0; 7]).await;
        let s = app.sign_in(&patient).await;
        let html = app.get("/questionnaires").cookie(&s).send().await.text();
        for title in [PHQ9_TITLE, GAD7_TITLE] {
            let entry = list_entry(&html, title);
            assert_eq!(
                entry.contains("<strong>Due:</strong>"),
                due,
                "{title} at {at}: {entry}"
            );
        }
    }
}

// ----- The clinician's history table --------------------------------------------------------

#[tokio::test]
async fn a_linked_clinician_sees_a_patients_phq9_history_table_and_an_unlinked_one_gets_404() {
    let c = clinic().await;
    store_dated(&c.app, &c.patient, Instrument::Phq9, "2026-09-30", &[2; 9]).await;
    store_dated(
        &c.app,
        &c.patient,
        Instrument::Phq9,
        "2026-10-28",
        &[1, 1, 1, 1, 1, 1, 1, 1, 0],
    )
    .await;
    let r = c
        .submit("phq9", &json!({"items": [0, 0, 0, 0, 1, 0, 0, 0, 0]}))
        .await;
    assert_eq!(r.status, 201, "{r:?}");

    let path = format!("/patients/{}/questionnaires/phq9", c.patient.id);
    let cs = c.app.sign_in(&c.clinician).await;
    let r = c.app.get(&path).cookie(&cs).send().await;
    assert_eq!(r.status, 200, "{r:?}");
    let html = r.text();
    assert!(
        html.contains(&format!("<h1>Pat Patient: {PHQ9_TITLE}</h1>")),
        "{html}"
    );
    assert!(
        html.contains(r#"<table aria-labelledby="scores-heading">"#),
        "{html}"
    );
    let rows: Vec<&str> = html
        .split(r#"<tr><th scope="row">"#)
        .skip(1)
        .map(|r| r.split("</tr>").next().unwrap_or(""))
        .collect();
    assert_eq!(
        rows,
        [
            "25/11/2026</th><td>1</td><td>None or minimal</td>",
            "28/10/2026</th><td>8</td><td>Mild</td>",
            "30/09/2026</th><td>18</td><td>Moderately severe</td>",
        ],
        "newest first: {html}"
    );
    assert!(html.contains(r#"<svg"#), "the chart: {html}");
    assert!(
        !html.contains("Fill it in again"),
        "the clinician cannot fill it in: {html}"
    );
    // An instrument the patient has not done.
    let gad7 = c
        .app
        .get(&format!("/patients/{}/questionnaires/gad7", c.patient.id))
        .cookie(&cs)
        .send()
        .await;
    assert_eq!(gad7.status, 200, "{gad7:?}");
    assert!(gad7.text().contains("No scores yet."), "{gad7:?}");

    let stranger = c.app.sign_in(&c.stranger).await;
    let r = c.app.get(&path).cookie(&stranger).send().await;
    assert_eq!(r.status, 404, "{r:?}");
    let text = r.text();
    assert!(
        !text.contains("Pat Patient") && !text.contains("Moderately severe"),
        "nothing of the record: {text}"
    );
    // Patients and admins are not clinicians.
    for who in [&c.patient, &c.admin] {
        let session = c.app.sign_in(who).await;
        let r = c.app.get(&path).cookie(&session).send().await;
        assert_eq!(r.status, 403, "{}: {r:?}", who.username);
    }
    // An unknown instrument, and a patient who does not exist.
    let r = c
        .app
        .get(&format!("/patients/{}/questionnaires/bdi", c.patient.id))
        .cookie(&cs)
        .send()
        .await;
    assert_eq!(r.status, 404, "{r:?}");
    let r = c
        .app
        .get("/patients/99999/questionnaires/phq9")
        .cookie(&cs)
        .send()
        .await;
    assert_eq!(r.status, 404, "{r:?}");
}

#[tokio::test]
async fn a_phq9_sent_with_nation_northern_ireland_signposts_lifeline_not_nhs_111() {
    let c = clinic().await;
    let r = c
        .submit(
            "phq9",
            &json!({"items": [0, 0, 0, 0, 0, 0, 0, 0, 1], "nation": "northern_ireland"}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let services: Vec<String> = r.json()["result"]["signposts"]
        .as_array()
        .expect("signposts with a self-harm risk")
        .iter()
        .filter_map(|s| s["service"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(services, ["999", "samaritans", "lifeline"], "{r:?}");
}
