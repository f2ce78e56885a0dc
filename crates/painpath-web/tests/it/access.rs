//! The access census (design.md 6): every row of the route table, not a sample, is asked by
//! every kind of caller, and every path of the OpenAPI document is asked without credentials.
//!
//! One patient's record (the "target") is seeded with data distinctive enough to search for in
//! any answer: if another patient, a clinician off their care team or an admin ever sees a byte
//! of it, a test here fails.

use painpath_core::person::Role;
use painpath_web::access::{Access, Kind};
use painpath_web::router::{RouteInfo, table};
use serde_json::{Value, json};

use crate::helpers::{Cred, Resp, TestApp, User, spawn};

/// The day of the target's seeded check-in.
const DAY: &str = "2026-11-20";

/// Strings found only in the target's record.
const TARGET_NAME: &str = "Ottoline Quarrington";
const TARGET_NOTE: &str = "Zephyrine flare after the Penwithick wedding";
const TARGET_PERIOD: &str = "Xanthe river walk";
const TARGET_GP: &str = "Quillfeather Surgery";
const TARGET_NHS: &str = "9434765919";

/// Everyone the census asks, signed in both ways.
struct World {
    app: TestApp,
    target: User,
    other_patient: User,
    period: i64,
    link: i64,
    /// An API token id of the target's, for `/api/tokens/{token}` and the settings page.
    token_id: i64,
    bearer: Creds,
    session: Creds,
}

/// One credential per person.
struct Creds {
    admin: Cred,
    target: Cred,
    other_patient: Cred,
    linked: Cred,
    unlinked: Cred,
}

impl Creds {
    fn of_role(&self, role: Role) -> &Cred {
        match role {
            Role::Admin => &self.admin,
            Role::Clinician => &self.linked,
            Role::Patient => &self.target,
        }
    }
}

async fn world() -> World {
    let app = spawn().await;
    let admin = app.user(Role::Admin, "census-admin", "Census Admin").await;
    let target = app.user(Role::Patient, "ottoline", TARGET_NAME).await;
    let other_patient = app.user(Role::Patient, "bystander", "Bea Bystander").await;
    let linked = app.user(Role::Clinician, "dr-linked", "Dr Linked").await;
    let unlinked = app
        .user(Role::Clinician, "dr-elsewhere", "Dr Elsewhere")
        .await;
    let link = app.link(&admin, &target, &linked).await;
    // The clinician off the target's team has patients of their own: links are per patient.
    app.link(&admin, &other_patient, &unlinked).await;

    let bearer = Creds {
        admin: app.bearer(&admin).await,
        target: app.bearer(&target).await,
        other_patient: app.bearer(&other_patient).await,
        linked: app.bearer(&linked).await,
        unlinked: app.bearer(&unlinked).await,
    };
    let session = Creds {
        admin: app.session(&admin).await,
        target: app.session(&target).await,
        other_patient: app.session(&other_patient).await,
        linked: app.session(&linked).await,
        unlinked: app.session(&unlinked).await,
    };

    let me = format!("/api/patients/{}", target.id);
    let r = app
        .put(&format!("{me}/check-ins/{DAY}"))
        .cred(&bearer.target)
        .json(&json!({"pain": 7, "fatigue": 6, "note": TARGET_NOTE}))
        .send()
        .await;
    assert_eq!(r.status, 201, "seeding the target's check-in: {r:?}");
    let r = app
        .post(&format!("{me}/treatment-periods"))
        .cred(&bearer.target)
        .json(&json!({"treatment": "walking", "name": TARGET_PERIOD, "start": "2026-11-01"}))
        .send()
        .await;
    assert_eq!(
        r.status, 201,
        "seeding the target's treatment period: {r:?}"
    );
    let period = r.json()["id"].as_i64().expect("a period id");
    let r = app
        .put(&format!("{me}/details"))
        .cred(&bearer.target)
        .json(&json!({
            "nation": "england",
            "date_of_birth": "1979-03-02",
            "health_number": TARGET_NHS,
            "gp_practice_name": TARGET_GP,
        }))
        .send()
        .await;
    assert_eq!(r.status, 200, "seeding the target's details: {r:?}");
    let r = app.get("/api/tokens").cred(&bearer.target).send().await;
    let token_id = r.json()[0]["id"]
        .as_i64()
        .expect("the target's token is listed");

    World {
        app,
        target,
        other_patient,
        period,
        link,
        token_id,
        bearer,
        session,
    }
}

impl World {
    /// The row's path with every parameter filled in with a real id of the target's record.
    fn fill(&self, row: &RouteInfo) -> String {
        fill_path(row.path, |name| match name {
            "patient" | "account" => self.target.id.to_string(),
            "date" => DAY.to_owned(),
            "period" => self.period.to_string(),
            "link" => self.link.to_string(),
            "token" if row.path.starts_with("/link/") => "0".repeat(64),
            "token" => self.token_id.to_string(),
            "file" => "app.css".to_owned(),
            "instrument" => "phq9".to_owned(),
            // Ids that exist in nobody's record: a refusal must come before any lookup.
            "response" | "alert" => "1".to_owned(),
            other => panic!(
                "the census does not know the path parameter {{{other}}} of {} {}; teach it",
                row.method, row.path
            ),
        })
    }

    /// Sends one row's request as `cred`, with a body that would be accepted from the right
    /// person, so that a refusal can only be about who is asking.
    async fn ask(&self, row: &RouteInfo, cred: &Cred) -> Resp {
        let path = self.fill(row);
        let mut req = self.app.request(row.method.as_str(), &path).cred(cred);
        if let Some(body) = good_body(row) {
            req = req.json(&body);
        }
        if let Cred::Session(s) = cred
            && row.kind == Kind::Page
            && row.method != "GET"
        {
            req = req.form(&[("csrf", s.csrf.as_str())]);
        }
        req.send().await
    }

    /// The target's record is exactly as seeded: nothing a refused caller sent was kept.
    async fn assert_target_untouched(&self) {
        let me = format!("/api/patients/{}", self.target.id);
        let cred = &self.bearer.target;
        let day = self
            .app
            .get(&format!("{me}/check-ins/{DAY}"))
            .cred(cred)
            .send()
            .await;
        assert_eq!(day.status, 200, "{day:?}");
        assert_eq!(day.json()["note"], TARGET_NOTE);
        assert_eq!(day.json()["pain"], 7);
        let list = self
            .app
            .get(&format!("{me}/check-ins?from=2026-10-01&to=2026-11-25"))
            .cred(cred)
            .send()
            .await;
        assert_eq!(list.json().as_array().map(Vec::len), Some(1), "{list:?}");
        let periods = self
            .app
            .get(&format!("{me}/treatment-periods"))
            .cred(cred)
            .send()
            .await;
        let periods = periods.json();
        assert_eq!(periods.as_array().map(Vec::len), Some(1), "{periods}");
        assert_eq!(periods[0]["name"], TARGET_PERIOD);
        assert_eq!(periods[0]["end"], Value::Null);
        let details = self
            .app
            .get(&format!("{me}/details"))
            .cred(cred)
            .send()
            .await
            .json();
        assert_eq!(details["gp_practice_name"], TARGET_GP);
        assert_eq!(details["nation"], "england");
        let team = self
            .app
            .get(&format!("{me}/care-team"))
            .cred(cred)
            .send()
            .await
            .json();
        assert_eq!(team.as_array().map(Vec::len), Some(1), "{team}");
        assert_eq!(team[0]["revoked_at"], Value::Null, "{team}");
        let done = self
            .app
            .get(&format!("{me}/questionnaires"))
            .cred(cred)
            .send()
            .await
            .json();
        assert_eq!(
            done.as_array().map(Vec::len),
            Some(0),
            "no questionnaire was stored: {done}"
        );
    }
}

/// Replaces each `{name}` in a route path.
fn fill_path(path: &str, mut value: impl FnMut(&str) -> String) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}').expect("a closing brace") + open;
        out.push_str(&value(&rest[open + 1..close]));
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// A body the target themselves could send to a patient-record route. A new route that takes a
/// body must be added here, so the census cannot silently send it nothing.
fn good_body(row: &RouteInfo) -> Option<Value> {
    if row.kind == Kind::Page || row.method == "GET" || row.method == "DELETE" {
        return None;
    }
    match (row.method.as_str(), row.path) {
        ("POST", "/api/patients/{patient}/check-ins") => {
            Some(json!({"date": "2026-11-21", "pain": 4, "note": "intruder"}))
        }
        ("PUT", "/api/patients/{patient}/check-ins/{date}") => {
            Some(json!({"pain": 1, "note": "intruder"}))
        }
        ("POST", "/api/patients/{patient}/treatment-periods") => {
            Some(json!({"treatment": "yoga", "name": "intruder yoga", "start": "2026-11-02"}))
        }
        ("POST", "/api/patients/{patient}/treatment-periods/{period}/end") => {
            Some(json!({"end": "2026-11-22", "outcome": "not_tolerated"}))
        }
        ("PUT", "/api/patients/{patient}/details") => {
            Some(json!({"nation": "wales", "gp_practice_name": "Intruder Surgery"}))
        }
        ("POST", "/api/patients/{patient}/care-team/{link}/revoke") => None,
        ("POST", "/api/patients/{patient}/questionnaires/acr2016") => Some(json!({
            "pain_regions": ["neck"], "fatigue": 1, "waking_unrefreshed": 1, "cognitive_symptoms": 1,
            "headaches": false, "lower_abdominal_pain_or_cramps": false, "depression": false,
            "symptoms_at_least_3_months": true
        })),
        ("POST", "/api/patients/{patient}/questionnaires/phq9") => {
            Some(json!({"items": [0, 0, 0, 0, 0, 0, 0, 0, 0]}))
        }
        ("POST", "/api/patients/{patient}/questionnaires/gad7") => {
            Some(json!({"items": [0, 0, 0, 0, 0, 0, 0]}))
        }
        ("POST", "/api/patients/{patient}/questionnaires/fiqr") => Some(json!({
            "function": [0, 0, 0, 0, 0, 0, 0, 0, 0], "overall": [0, 0],
            "symptoms": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        })),
        ("POST", "/api/alerts/{alert}/acknowledge") => None,
        ("POST", "/api/tokens") => Some(json!({"username": "x", "password": "y", "name": "z"})),
        ("POST", "/api/invitations") => None,
        ("POST", "/api/admin/accounts") => {
            Some(json!({"username": "new-admin", "display_name": "New Admin", "role": "admin"}))
        }
        ("POST", "/api/admin/accounts/{account}/password-reset") => None,
        ("POST", "/api/admin/care-links") => Some(json!({"patient": 1, "clinician": 2})),
        (method, path) => panic!("the census has no sample body for {method} {path}; add one"),
    }
}

fn assert_no_target_data(r: &Resp, context: &str) {
    let text = r.text();
    for secret in [
        TARGET_NAME,
        TARGET_NOTE,
        TARGET_PERIOD,
        TARGET_GP,
        TARGET_NHS,
        "ottoline",
    ] {
        assert!(
            !text.contains(secret),
            "{context}: the answer shows the target's {secret:?}: {r:?}"
        );
    }
}

fn patient_record_rows() -> Vec<RouteInfo> {
    let rows: Vec<RouteInfo> = table()
        .into_iter()
        .filter(|r| r.access == Access::PatientRecord)
        .collect();
    assert!(
        rows.len() >= 12,
        "the route table should have a dozen patient-record routes, found {}",
        rows.len()
    );
    rows
}

fn junk_body(req: crate::helpers::Req, kind: Kind) -> crate::helpers::Req {
    match kind {
        Kind::Api => req.body("application/json", "{\"pain\": 11, \"date\": [[[ not json"),
        Kind::Page => req.body("application/x-www-form-urlencoded", "pain=%ZZ&&=&date"),
    }
}

#[tokio::test]
async fn every_private_route_refuses_a_caller_without_credentials() {
    let w = world().await;
    let rows = table();
    let anonymous = [
        ("no credentials", Cred::Anonymous),
        ("an unknown bearer token", Cred::Bearer("0".repeat(64))),
        (
            "an unknown session cookie",
            Cred::Session(crate::helpers::Session {
                cookie: format!("painpath_session={}", "f".repeat(64)),
                csrf: String::new(),
            }),
        ),
    ];
    let mut asked = 0;
    for row in rows.iter().filter(|r| r.access != Access::Public) {
        // Real ids of a real record, and path parameters that are not ids at all: the caller is
        // checked before either is looked at.
        let paths = [w.fill(row), fill_path(row.path, |_| "not-an-id".to_owned())];
        for path in &paths {
            for (who, cred) in &anonymous {
                let mut req = w.app.request(row.method.as_str(), path).cred(cred);
                if row.method != "GET" {
                    req = junk_body(req, row.kind);
                }
                let r = req.send().await;
                let context = format!("{} {path} with {who}", row.method);
                match row.kind {
                    Kind::Api => {
                        assert_eq!(r.status, 401, "{context}: {r:?}");
                        assert!(r.json()["error"].is_string(), "{context}: {r:?}");
                    }
                    Kind::Page => {
                        assert_eq!(r.status, 303, "{context}: {r:?}");
                        assert!(
                            r.location().starts_with("/sign-in?next="),
                            "{context} should go to the sign-in page: {r:?}"
                        );
                    }
                }
                assert_no_target_data(&r, &context);
                asked += 1;
            }
        }
    }
    let private = rows.iter().filter(|r| r.access != Access::Public).count();
    assert!(private >= 40, "only {private} private routes?");
    assert_eq!(asked, private * 2 * anonymous.len());
}

#[tokio::test]
async fn another_patient_is_refused_every_patient_record_route_and_sees_none_of_it() {
    let w = world().await;
    for row in patient_record_rows() {
        for (how, cred) in [
            ("token", &w.bearer.other_patient),
            ("session", &w.session.other_patient),
        ] {
            let r = w.ask(&row, cred).await;
            let context = format!("another patient ({how}) on {} {}", row.method, row.path);
            assert!(matches!(r.status, 403 | 404), "{context}: {r:?}");
            assert_no_target_data(&r, &context);
        }
    }
    w.assert_target_untouched().await;
    // Their own record is still theirs to use: the refusals were about whose record it was.
    let own = format!("/api/patients/{}/check-ins", w.other_patient.id);
    let r = w.app.get(&own).cred(&w.bearer.other_patient).send().await;
    assert_eq!(r.status, 200, "{r:?}");
}

#[tokio::test]
async fn a_clinician_without_a_live_link_gets_not_found_on_every_patient_record_route() {
    let w = world().await;
    for row in patient_record_rows() {
        for (how, cred) in [
            ("token", &w.bearer.unlinked),
            ("session", &w.session.unlinked),
        ] {
            let r = w.ask(&row, cred).await;
            let context = format!(
                "an unlinked clinician ({how}) on {} {}",
                row.method, row.path
            );
            assert_eq!(r.status, 404, "{context}: {r:?}");
            assert_no_target_data(&r, &context);
        }
    }
    w.assert_target_untouched().await;
    let r = w
        .app
        .get("/api/patients")
        .cred(&w.bearer.unlinked)
        .send()
        .await;
    assert_eq!(r.status, 200);
    assert_no_target_data(&r, "an unlinked clinician's own patient list");
    assert!(r.text().contains("Bea Bystander"), "{r:?}");
}

#[tokio::test]
async fn an_admin_is_refused_every_patient_record_route() {
    let w = world().await;
    for row in patient_record_rows() {
        for (how, cred) in [("token", &w.bearer.admin), ("session", &w.session.admin)] {
            let r = w.ask(&row, cred).await;
            let context = format!("an admin ({how}) on {} {}", row.method, row.path);
            assert!(matches!(r.status, 403 | 404), "{context}: {r:?}");
            assert_no_target_data(&r, &context);
        }
    }
    w.assert_target_untouched().await;
}

#[tokio::test]
async fn the_patient_and_their_linked_clinician_may_read_every_patient_record_route() {
    let w = world().await;
    for row in patient_record_rows()
        .into_iter()
        .filter(|r| r.method == "GET")
    {
        for (who, cred) in [
            ("the patient's token", &w.bearer.target),
            ("the patient's session", &w.session.target),
            ("the linked clinician's token", &w.bearer.linked),
            ("the linked clinician's session", &w.session.linked),
        ] {
            let r = w.ask(&row, cred).await;
            let context = format!("{who} on GET {}", row.path);
            assert!(
                !matches!(r.status, 401 | 403) && r.status < 500,
                "{context}: {r:?}"
            );
        }
    }
    // And they do see it.
    let day = format!("/api/patients/{}/check-ins/{DAY}", w.target.id);
    for cred in [&w.bearer.target, &w.bearer.linked] {
        let r = w.app.get(&day).cred(cred).send().await;
        assert_eq!(r.status, 200, "{r:?}");
        assert_eq!(r.json()["note"], TARGET_NOTE);
    }
    let page = w
        .app
        .get(&format!("/patients/{}", w.target.id))
        .cred(&w.session.linked)
        .send()
        .await;
    assert_eq!(page.status, 200, "{page:?}");
    assert!(page.text().contains(TARGET_NAME));
}

#[tokio::test]
async fn every_role_route_refuses_the_wrong_roles() {
    let w = world().await;
    let mut asked = 0;
    for row in table() {
        let allowed: &[Role] = match row.access {
            Access::Admin => &[Role::Admin],
            Access::Clinician => &[Role::Clinician],
            Access::Patient => &[Role::Patient],
            Access::Staff => &[Role::Admin, Role::Clinician],
            // Checked by the tests above, per person rather than per role.
            Access::PatientRecord | Access::Public | Access::SignedIn => continue,
        };
        for role in [Role::Admin, Role::Clinician, Role::Patient] {
            if allowed.contains(&role) {
                continue;
            }
            let creds = match row.kind {
                Kind::Api => vec![w.bearer.of_role(role), w.session.of_role(role)],
                Kind::Page => vec![w.session.of_role(role)],
            };
            for cred in creds {
                let mut req = w.app.request(row.method.as_str(), &w.fill(&row)).cred(cred);
                if row.method != "GET" {
                    // A body that does not even parse: the role is checked first.
                    req = junk_body(req, row.kind);
                }
                let r = req.send().await;
                let context = format!("a {role:?} on {} {}", row.method, row.path);
                assert_eq!(r.status, 403, "{context}: {r:?}");
                assert_no_target_data(&r, &context);
                asked += 1;
            }
        }
    }
    assert!(asked >= 40, "only {asked} wrong-role requests?");
    w.assert_target_untouched().await;
    // An admin's page for a patient is refused as a page, not a blank.
    let r = w
        .app
        .get(&format!("/patients/{}", w.target.id))
        .cred(&w.session.admin)
        .send()
        .await;
    assert_eq!(r.status, 403);
    assert!(r.is_html());
}

#[tokio::test]
async fn clinician_pages_naming_a_patient_off_their_care_team_are_not_found() {
    let w = world().await;
    for row in table()
        .into_iter()
        .filter(|r| r.kind == Kind::Page && r.path.contains("{patient}"))
    {
        let r = w.ask(&row, &w.session.unlinked).await;
        let context = format!("an unlinked clinician on {} {}", row.method, row.path);
        assert_eq!(r.status, 404, "{context}: {r:?}");
        assert_no_target_data(&r, &context);
    }
}

#[tokio::test]
async fn a_clinician_whose_link_is_revoked_gets_not_found_again() {
    let w = world().await;
    let day = format!("/api/patients/{}/check-ins/{DAY}", w.target.id);
    let r = w.app.get(&day).cred(&w.bearer.linked).send().await;
    assert_eq!(r.status, 200, "before revoking: {r:?}");

    let revoke = format!("/api/patients/{}/care-team/{}/revoke", w.target.id, w.link);
    let r = w.app.post(&revoke).cred(&w.bearer.target).send().await;
    assert_eq!(r.status, 200, "the patient revokes the link: {r:?}");

    for row in patient_record_rows() {
        for (how, cred) in [("token", &w.bearer.linked), ("session", &w.session.linked)] {
            let r = w.ask(&row, cred).await;
            let context = format!(
                "a clinician after revocation ({how}) on {} {}",
                row.method, row.path
            );
            assert_eq!(r.status, 404, "{context}: {r:?}");
            assert_no_target_data(&r, &context);
        }
    }
    let page = w
        .app
        .get(&format!("/patients/{}", w.target.id))
        .cred(&w.session.linked)
        .send()
        .await;
    assert_eq!(page.status, 404, "{page:?}");
    assert_no_target_data(&page, "the clinician's patient page after revocation");
    let mine = w
        .app
        .get("/api/patients")
        .cred(&w.bearer.linked)
        .send()
        .await;
    assert_eq!(mine.status, 200);
    assert_eq!(mine.json(), json!([]));
    let team = w
        .app
        .get(&format!("/api/patients/{}/care-team", w.target.id))
        .cred(&w.bearer.target)
        .send()
        .await
        .json();
    assert!(team[0]["revoked_at"].is_string(), "{team}");
}

#[tokio::test]
async fn every_private_path_in_the_openapi_document_answers_401_without_credentials() {
    let w = world().await;
    let r = w.app.get("/api/openapi.json").send().await;
    assert_eq!(r.status, 200);
    let doc = r.json();
    let paths = doc["paths"].as_object().expect("the document has paths");
    let rows = table();
    let mut asked = 0;
    for (path, item) in paths {
        let item = item.as_object().expect("a path item");
        for method in item
            .keys()
            .filter(|m| crate::openapi::HTTP_METHODS.contains(&m.as_str()))
        {
            let method = method.to_uppercase();
            let row = rows
                .iter()
                .find(|r| r.path == path && r.method == method.as_str())
                .unwrap_or_else(|| panic!("{method} {path} is documented but not routed"));
            if row.access == Access::Public {
                continue;
            }
            for filled in [w.fill(row), fill_path(path, |_| "0".to_owned())] {
                let mut req = w.app.request(&method, &filled);
                if method != "GET" {
                    req = junk_body(req, Kind::Api);
                }
                let r = req.send().await;
                assert_eq!(r.status, 401, "{method} {filled}: {r:?}");
                assert_no_target_data(&r, &format!("{method} {filled}"));
                asked += 1;
            }
        }
    }
    assert!(asked >= 40, "only {asked} documented requests asked");
}
