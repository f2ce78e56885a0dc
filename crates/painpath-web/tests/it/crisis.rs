//! Issue 6, section 2, through HTTP: the help page labels every national line when the nation is
//! not known and shows the overdose advice and the routes without a voice call inside 999; its
//! "Not an emergency?" routes and every checked-on date come from the knowledge base; a stale
//! entry is still shown, with a notice; the API's self-harm signposts put 999 first; a severe
//! PHQ-9 or GAD-7 says to contact the GP soon and a moderate one signposts NHS Talking
//! Therapies where the nation has it; stopping a medicine warns against stopping suddenly.

use painpath_core::person::Role;
use serde_json::{Value, json};

use crate::helpers::{Cred, Resp, TestApp, User, spawn, spawn_at};

/// The headings of the help-now component's entries (h3), in order.
fn crisis_headings(html: &str) -> Vec<String> {
    let start = html
        .find(r#"<section class="crisis""#)
        .expect("the crisis component");
    let end = html[start..].find("</section>").expect("its end") + start;
    headings(&html[start..end])
}

fn headings(html: &str) -> Vec<String> {
    html.split("<h3>")
        .skip(1)
        .map(|s| {
            s.split("</h3>")
                .next()
                .unwrap_or("")
                .replace("&#38;", "&")
                .replace("&amp;", "&")
        })
        .collect()
}

/// The help page's "Not an emergency?" list, as headings.
fn not_an_emergency(html: &str) -> Vec<String> {
    match html.find(r#"id="not-an-emergency""#) {
        Some(start) => headings(&html[start..]),
        None => Vec::new(),
    }
}

async fn patient_in(app: &TestApp, nation: Option<&str>) -> (User, Cred) {
    let p = app.user(Role::Patient, "pat", "Pat Patient").await;
    let cred = app.session(&p).await;
    if let Some(nation) = nation {
        let r = app
            .put(&format!("/api/patients/{}/details", p.id))
            .cred(&cred)
            .json(&json!({ "nation": nation }))
            .send()
            .await;
        assert_eq!(r.status, 200, "{r:?}");
    }
    (p, cred)
}

fn unescape(html: &str) -> String {
    html.replace("&#38;", "&")
        .replace("&amp;", "&")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
}

#[tokio::test]
async fn with_no_nation_known_the_help_page_labels_every_national_line_with_its_nation() {
    let app = spawn().await;
    let html = app.get("/help").send().await.text();
    assert_eq!(
        crisis_headings(&html),
        [
            "999 or A&E",
            "Samaritans",
            "Shout",
            "England: NHS 111 mental health option",
            "Scotland: NHS 24 Mental Health Hub",
            "Wales: NHS 111 Wales mental health support",
            "Northern Ireland: Lifeline",
        ],
        "{html}"
    );
    assert_eq!(
        not_an_emergency(&html),
        [
            "Your GP practice",
            "England: NHS 111",
            "Scotland: NHS 24 on 111",
            "Wales: NHS 111 Wales",
            "Northern Ireland: GP Out-of-Hours",
        ]
    );
}

#[tokio::test]
async fn with_the_nation_known_the_help_page_needs_no_labels_and_shows_that_nations_routes() {
    let app = spawn().await;
    let (_, cred) = patient_in(&app, Some("northern_ireland")).await;
    let html = app.get("/help").cred(&cred).send().await.text();
    assert_eq!(
        crisis_headings(&html),
        ["999 or A&E", "Samaritans", "Shout", "Lifeline"],
        "{html}"
    );
    assert_eq!(
        not_an_emergency(&html),
        ["Your GP practice", "GP Out-of-Hours"],
        "Northern Ireland has no 111: {html}"
    );
    let app = spawn().await;
    let (_, cred) = patient_in(&app, Some("england")).await;
    let html = app.get("/help").cred(&cred).send().await.text();
    assert_eq!(not_an_emergency(&html), ["Your GP practice", "NHS 111"]);
}

#[tokio::test]
async fn the_999_entry_gives_the_overdose_advice_and_the_routes_for_people_who_cannot_use_a_voice_call()
 {
    let app = spawn().await;
    let html = unescape(&app.get("/help").send().await.text());
    let start = html.find(r#"class="service emergency""#).expect("999");
    // The entry ends where the next line, Samaritans, begins.
    let end = html[start..]
        .find("<h3>Samaritans</h3>")
        .expect("the next entry")
        + start;
    let entry = &html[start..end];
    assert!(
        entry.contains(
            "If you have taken an overdose, even if you feel well, call 999 or go to A&E."
        ),
        "{entry}"
    );
    assert!(entry.contains("If you cannot use a voice call"), "{entry}");
    assert!(entry.contains("999 BSL"), "{entry}");
    assert!(entry.contains("999bsl.co.uk"), "{entry}");
    assert!(entry.contains(r#"href="tel:18000""#), "{entry}");
    assert!(entry.contains(r#"href="sms:999""#), "{entry}");
    assert!(entry.contains("text the word register to 999"), "{entry}");
}

#[tokio::test]
async fn the_checked_dates_come_from_the_knowledge_base_not_the_template() {
    let app = spawn_at("2026-12-03T12:00:00Z").await;
    let html = app.get("/help").send().await.text();
    assert!(!html.contains("November 2026"), "{html}");
    let kb = painpath_kb::load().expect("the knowledge base loads");
    let dates: Vec<_> = kb.services().iter().map(|s| s.checked).collect();
    let uk = |d: painpath_core::Date| format!("{:02}/{:02}/{:04}", d.day(), d.month(), d.year());
    let oldest = dates.iter().min().copied().expect("services");
    assert!(html.contains(&uk(oldest)), "the oldest check date: {html}");
    // Each "Not an emergency?" route shows its own date.
    for s in kb.services().iter().filter(|s| s.code == "gp") {
        assert!(
            html.contains(&format!("Checked {}.", uk(s.checked))),
            "{html}"
        );
    }
    assert!(!html.contains("more than six months ago"), "{html}");
}

#[tokio::test]
async fn a_help_page_whose_entries_are_overdue_for_a_recheck_still_shows_them_and_says_so() {
    // Years after every entry was checked: a number that may have changed is better than none.
    let app = spawn_at("2030-06-01T12:00:00Z").await;
    let r = app.get("/help").send().await;
    assert_eq!(r.status, 200, "{r:?}");
    let html = r.text();
    let headings = crisis_headings(&html);
    assert_eq!(headings.first().map(String::as_str), Some("999 or A&E"));
    assert!(headings.iter().any(|h| h == "Samaritans"), "{headings:?}");
    assert!(
        html.contains("last checked more than six months ago"),
        "{html}"
    );
}

async fn submit(
    app: &TestApp,
    patient: &User,
    cred: &Cred,
    instrument: &str,
    body: &Value,
) -> Resp {
    app.post(&format!(
        "/api/patients/{}/questionnaires/{instrument}",
        patient.id
    ))
    .cred(cred)
    .json(body)
    .send()
    .await
}

#[tokio::test]
async fn the_apis_self_harm_signposts_put_999_first_and_label_each_nations_line_when_unknown() {
    let app = spawn().await;
    let (p, cred) = patient_in(&app, None).await;
    let r = submit(
        &app,
        &p,
        &cred,
        "phq9",
        &json!({"items": [0, 0, 0, 0, 0, 0, 0, 0, 2]}),
    )
    .await;
    assert_eq!(r.status, 201, "{r:?}");
    let signposts = r.json()["result"]["signposts"].clone();
    let field = |name: &str| -> Vec<String> {
        signposts
            .as_array()
            .expect("signposts")
            .iter()
            .map(|s| s[name].as_str().unwrap_or("").to_owned())
            .collect()
    };
    assert_eq!(
        field("service"),
        [
            "999",
            "samaritans",
            "nhs_111",
            "nhs_111",
            "nhs_111",
            "lifeline"
        ]
    );
    assert_eq!(
        field("name"),
        [
            "999 or A&E",
            "Samaritans",
            "England: NHS 111 mental health option",
            "Scotland: NHS 24 Mental Health Hub",
            "Wales: NHS 111 Wales mental health support",
            "Northern Ireland: Lifeline",
        ]
    );
    assert!(field("contact")[0].contains("Call 999"));
    assert_eq!(signposts[5]["nations"], json!(["northern_ireland"]));
    // With the nation given, no label is needed, and Northern Ireland keeps Lifeline, not 111.
    let r = submit(
        &app,
        &p,
        &cred,
        "phq9",
        &json!({"items": [0, 0, 0, 0, 0, 0, 0, 0, 2], "nation": "northern_ireland"}),
    )
    .await;
    let names: Vec<String> = r.json()["result"]["signposts"]
        .as_array()
        .expect("signposts")
        .iter()
        .map(|s| s["name"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(names, ["999 or A&E", "Samaritans", "Lifeline"]);
}

/// The patient's result page for a questionnaire sent with `items`.
async fn result_page(
    app: &TestApp,
    patient: &User,
    cred: &Cred,
    instrument: &str,
    items: &[u8],
) -> String {
    let r = submit(app, patient, cred, instrument, &json!({ "items": items })).await;
    assert_eq!(r.status, 201, "{r:?}");
    let id = r.json()["id"].as_i64().expect("an id");
    let page = app
        .get(&format!("/questionnaires/{instrument}/result/{id}"))
        .cred(cred)
        .send()
        .await;
    assert_eq!(page.status, 200, "{page:?}");
    page.text()
}

const GP_SOON: &str = "contact your GP in the next few days";

#[tokio::test]
async fn a_severe_phq9_with_item_9_at_0_says_contact_your_gp_soon_with_the_help_link_and_19_does_not()
 {
    let app = spawn().await;
    let (p, cred) = patient_in(&app, Some("england")).await;
    let severe = result_page(&app, &p, &cred, "phq9", &[3, 3, 3, 3, 3, 3, 1, 1, 0]).await;
    assert!(severe.contains(GP_SOON), "20: {severe}");
    assert!(severe.contains(r#"<a href="/help">"#), "{severe}");
    let below = result_page(&app, &p, &cred, "phq9", &[3, 3, 3, 3, 3, 3, 1, 0, 0]).await;
    assert!(!below.contains(GP_SOON), "19 is moderately severe");
    // Severe with item 9 above 0: the crisis support leads instead.
    let at_risk = result_page(&app, &p, &cred, "phq9", &[3, 3, 3, 3, 3, 3, 1, 0, 1]).await;
    assert!(!at_risk.contains(GP_SOON), "{at_risk}");
    assert!(at_risk.contains("If you need help now"), "{at_risk}");
}

#[tokio::test]
async fn a_severe_gad7_says_contact_your_gp_soon_from_15_and_not_at_14() {
    let app = spawn().await;
    let (p, cred) = patient_in(&app, Some("wales")).await;
    let severe = result_page(&app, &p, &cred, "gad7", &[3, 3, 3, 3, 3, 0, 0]).await;
    assert!(severe.contains(GP_SOON), "15: {severe}");
    let moderate = result_page(&app, &p, &cred, "gad7", &[3, 3, 3, 3, 2, 0, 0]).await;
    assert!(!moderate.contains(GP_SOON), "14");
}

const TALKING: &str = "NHS Talking Therapies, for anxiety and depression";

#[tokio::test]
async fn a_moderate_score_signposts_nhs_talking_therapies_in_england_from_10_and_not_at_9() {
    let app = spawn().await;
    let (p, cred) = patient_in(&app, Some("england")).await;
    let ten = result_page(&app, &p, &cred, "phq9", &[3, 3, 3, 1, 0, 0, 0, 0, 0]).await;
    assert!(
        ten.contains(&format!("<h3>{TALKING}</h3>")),
        "PHQ-9 10: {ten}"
    );
    assert!(
        !ten.contains("This service is for people in"),
        "England known"
    );
    let nine = result_page(&app, &p, &cred, "phq9", &[3, 3, 3, 0, 0, 0, 0, 0, 0]).await;
    assert!(!nine.contains(TALKING), "PHQ-9 9");
    let g10 = result_page(&app, &p, &cred, "gad7", &[3, 3, 3, 1, 0, 0, 0]).await;
    assert!(g10.contains(TALKING), "GAD-7 10");
    let g9 = result_page(&app, &p, &cred, "gad7", &[3, 3, 3, 0, 0, 0, 0]).await;
    assert!(!g9.contains(TALKING), "GAD-7 9");
}

#[tokio::test]
async fn talking_therapies_is_not_offered_outside_england_and_says_it_is_for_england_when_the_nation_is_unknown()
 {
    let app = spawn().await;
    let (p, cred) = patient_in(&app, Some("scotland")).await;
    let scotland = result_page(&app, &p, &cred, "phq9", &[3, 3, 3, 3, 3, 0, 0, 0, 0]).await;
    assert!(!scotland.contains(TALKING), "{scotland}");

    let app = spawn().await;
    let (p, cred) = patient_in(&app, None).await;
    let unknown = result_page(&app, &p, &cred, "phq9", &[3, 3, 3, 3, 3, 0, 0, 0, 0]).await;
    assert!(
        unknown.contains(&format!("<h3>England: {TALKING}</h3>")),
        "{unknown}"
    );
    assert!(
        unknown.contains("This service is for people in England."),
        "{unknown}"
    );
}

#[tokio::test]
async fn stopping_a_medicine_warns_not_to_stop_suddenly_and_stopping_anything_else_does_not() {
    let app = spawn().await;
    let (p, cred) = patient_in(&app, Some("england")).await;
    for body in [
        json!({"treatment": "duloxetine", "start": "2026-10-01"}),
        json!({"medication_class": "ssri", "name": "sertraline", "start": "2026-10-01"}),
        json!({"treatment": "walking", "start": "2026-10-01"}),
    ] {
        let r = app
            .post(&format!("/api/patients/{}/treatment-periods", p.id))
            .cred(&cred)
            .json(&body)
            .send()
            .await;
        assert_eq!(r.status, 201, "{r:?}");
    }
    let html = unescape(&app.get("/treatments").cred(&cred).send().await.text());
    let warning =
        "If you still take this, do not stop suddenly: talk to your prescriber or pharmacist.";
    // One warning for each medicine's "Stopped …?" form, none for walking.
    assert_eq!(html.matches(warning).count(), 2, "{html}");
    let walking = html
        .find("<summary>Stopped Walking")
        .or_else(|| html.find("Stopped walking"));
    let walking = walking.expect("walking's form");
    let its_form = &html[walking..html[walking..].find("</details>").expect("its end") + walking];
    assert!(!its_form.contains(warning), "{its_form}");
}
