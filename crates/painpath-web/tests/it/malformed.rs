//! Addresses that cannot be read: a page answers with its HTML error page (404 for a path
//! parameter that names nothing that can exist, 400 for a query it cannot read), never axum's
//! plain-text rejection and never a 5xx; the API keeps its JSON errors.

use painpath_core::person::Role;
use painpath_web::access::{Access, Kind};
use painpath_web::router::{RouteInfo, table};

use crate::helpers::{Cred, Resp, TestApp, spawn};

/// A query that no page's query can read: each field any page reads, twice (serde refuses a
/// repeated field), and a number that is not one.
const JUNK_QUERY: &str = "part=two&part=three&to=a&to=b&date=a&date=b&saved=a&saved=b&next=a&next=b\
                          &nation=a&nation=b&done=a&done=b&welcome=a&welcome=b&copy=a&copy=b\
                          &kept=a&kept=b";

struct People {
    patient: Cred,
    clinician: Cred,
    admin: Cred,
}

async fn people(app: &TestApp) -> People {
    let p = app.user(Role::Patient, "pat", "Pat Patient").await;
    let c = app.user(Role::Clinician, "cli", "Cleo Clinician").await;
    let a = app.user(Role::Admin, "adm", "Ada Admin").await;
    People {
        patient: app.session(&p).await,
        clinician: app.session(&c).await,
        admin: app.session(&a).await,
    }
}

impl People {
    /// Someone the route's guard lets through, so that the address itself is what is judged.
    fn for_route(&self, row: &RouteInfo) -> &Cred {
        match row.access {
            Access::Public => &Cred::Anonymous,
            Access::SignedIn | Access::Patient | Access::PatientRecord => &self.patient,
            Access::Clinician | Access::Staff => &self.clinician,
            Access::Admin => &self.admin,
        }
    }
}

fn fill(path: &str, value: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}').expect("a closing brace") + open;
        out.push_str(value);
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

async fn ask(app: &TestApp, method: &str, cred: &Cred, path: &str) -> Resp {
    let mut req = app.request(method, path).cred(cred);
    if method != "GET" {
        // A form that would pass its CSRF check, so that only the address can be at fault.
        let csrf = match cred {
            Cred::Session(s) => s.csrf.clone(),
            _ => String::new(),
        };
        req = req.form(&[("csrf", csrf.as_str())]);
    }
    req.send().await
}

fn assert_html_not_5xx(r: &Resp, context: &str) {
    assert!(r.status < 500, "{context}: {r:?}");
    let kind = r.header("content-type").unwrap_or("");
    assert!(!kind.starts_with("text/plain"), "{context}: {r:?}");
    // A redirect (to sign in, or on after a form) has no page; anything else is the HTML page.
    if !(300..400).contains(&r.status) {
        assert!(r.is_html(), "{context}: {r:?}");
    }
}

#[tokio::test]
async fn every_page_route_answers_a_malformed_path_parameter_with_the_html_error_page() {
    let app = spawn().await;
    let who = people(&app).await;
    let rows: Vec<RouteInfo> = table()
        .into_iter()
        .filter(|r| r.kind == Kind::Page && r.path.contains('{'))
        .collect();
    assert!(
        rows.len() >= 15,
        "only {} page routes with parameters?",
        rows.len()
    );
    let mut rewritten = 0;
    for row in &rows {
        // Not a number, and not even text (a percent-encoded byte that is no UTF-8).
        for value in ["not-an-id", "%FF"] {
            let path = fill(row.path, value);
            let r = ask(&app, row.method.as_str(), who.for_route(row), &path).await;
            let context = format!("{} {path} (route {})", row.method, row.path);
            assert_html_not_5xx(&r, &context);
            if r.status == 404 && r.text().contains("Page not found") {
                rewritten += 1;
            }
        }
    }
    assert!(
        rewritten >= 10,
        "only {rewritten} answers were the not-found page"
    );
    // The examples from the issue, each the not-found page.
    for (method, cred, path) in [
        ("GET", &who.clinician, "/patients/abc"),
        ("GET", &who.patient, "/questionnaires/phq9/result/xyz"),
        ("POST", &who.admin, "/admin/accounts/abc/active"),
    ] {
        let r = ask(&app, method, cred, path).await;
        assert_eq!(r.status, 404, "{path}: {r:?}");
        assert!(
            r.is_html() && r.text().contains("Page not found"),
            "{path}: {r:?}"
        );
    }
}

#[tokio::test]
async fn a_page_whose_query_cannot_be_read_answers_400_with_the_html_error_page() {
    let app = spawn().await;
    let who = people(&app).await;
    let mut refused = 0;
    for row in table()
        .into_iter()
        .filter(|r| r.kind == Kind::Page && r.method == "GET")
    {
        let path = format!("{}?{JUNK_QUERY}", fill(row.path, "phq9"));
        let r = ask(&app, "GET", who.for_route(&row), &path).await;
        let context = format!("GET {path}");
        assert_html_not_5xx(&r, &context);
        if r.status == 400 {
            assert!(r.text().contains("could not be read"), "{context}: {r:?}");
            refused += 1;
        }
    }
    assert!(
        refused >= 8,
        "only {refused} pages refused a query they read"
    );
    let r = app
        .get("/questionnaires/phq9?part=two")
        .cred(&who.patient)
        .send()
        .await;
    assert_eq!(r.status, 400, "{r:?}");
    assert!(r.is_html(), "{r:?}");
    let r = app.get("/diary?to=a&to=b").cred(&who.patient).send().await;
    assert_eq!(r.status, 400, "{r:?}");
    assert!(r.is_html(), "{r:?}");
}

#[tokio::test]
async fn a_well_formed_address_and_a_page_s_own_error_are_left_as_they_are() {
    let app = spawn().await;
    let who = people(&app).await;
    // The same pages with addresses they can read.
    let r = app
        .get("/questionnaires/phq9?part=1")
        .cred(&who.patient)
        .send()
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let r = app
        .get("/diary?to=notadate")
        .cred(&who.patient)
        .send()
        .await;
    assert_eq!(
        r.status, 200,
        "a date it cannot read is today's diary: {r:?}"
    );
    // A form with problems keeps its own 422 page with the field's message.
    let Cred::Session(s) = &who.patient else {
        panic!("a session")
    };
    let r = app
        .post("/check-in")
        .cookie(s)
        .form(&[("csrf", s.csrf.as_str()), ("pain", "11")])
        .send()
        .await;
    assert_eq!(r.status, 422, "{r:?}");
    assert!(r.is_html() && r.text().contains("<form"), "{r:?}");
}

#[tokio::test]
async fn the_api_answers_a_malformed_path_or_query_in_json() {
    let app = spawn().await;
    let p = app.user(Role::Patient, "pat", "Pat Patient").await;
    let bearer = app.bearer(&p).await;
    for path in [
        "/api/patients/abc/check-ins".to_owned(),
        format!("/api/patients/{}/check-ins/notadate", p.id),
        format!("/api/patients/{}/check-ins?from=notadate", p.id),
    ] {
        let r = app.get(&path).cred(&bearer).send().await;
        assert!((400..500).contains(&r.status), "{path}: {r:?}");
        assert!(
            r.header("content-type")
                .is_some_and(|t| t.starts_with("application/json")),
            "{path}: {r:?}"
        );
        assert!(r.json()["error"].is_string(), "{path}: {r:?}");
    }
}
