//! `/alerts` and `/duty`: a clinician's open alerts (a PHQ-9 item 9 answered above 0) and the
//! clinic's duty list, each open until a clinician acknowledges it with a note of what was done.
//!
//! The duty list holds every open alert whose patient has no active clinician, or that nobody
//! acknowledged within the clinic's escalation delay (issue 6): every clinician of the clinic
//! sees it, so that a self-harm signal never lands with nobody.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use painpath_core::duty::AcknowledgementNote;
use painpath_core::instruments::Instrument;
use painpath_core::kb::Answers;
use painpath_core::person::{Nation, PatientDetails};
use painpath_store::{Alert, DutyAlert, StoreError};

use super::{Layout, render, render_status, see_other};
use crate::AppState;
use crate::auth::Caller;
use crate::clock::{uk_date, uk_instant};
use crate::error::PageError;
use crate::forms::SignedForm;

/// What the alert lists say of one alert.
pub struct AlertCard {
    pub id: i64,
    pub patient: i64,
    pub patient_name: String,
    /// Whether the clinician may open the patient's record (a live care-team link).
    pub linked: bool,
    pub raised: String,
    /// "3 (nearly every day), 01/12/2026 14:05", or "not recorded".
    pub worst: String,
    pub latest: String,
    /// Each PHQ-9 answer so far: the question and the answer's words.
    pub answers: Vec<(String, String)>,
    pub escalations: Vec<String>,
    /// On the duty list: why, when it was due, and how to reach the patient.
    pub duty: Option<DutyFacts>,
    /// The note field's id (`note-7`).
    pub note_id: String,
    /// When the latest answer shown was given (RFC 3339), sent back with the acknowledgement so
    /// that an alert updated since is not closed unseen.
    pub seen: String,
    /// A problem with the note sent to acknowledge this alert.
    pub problem: String,
    pub note: String,
}

pub struct DutyFacts {
    pub reasons: Vec<&'static str>,
    pub due: String,
    pub born: String,
    pub nation: &'static str,
    pub health_number: String,
    pub phone: String,
    pub phone_dial: String,
    pub emergency: String,
    pub emergency_dial: String,
    pub gp: String,
    pub clinicians: String,
}

/// PHQ-9 item words from the knowledge base, so no wording is written here.
fn answer_words(state: &AppState, item: &str, value: i64) -> (String, String) {
    let text = state.kb.instrument(Instrument::Phq9);
    let found = text.and_then(|t| t.item(item));
    let question = found.map_or_else(|| item.to_owned(), |i| i.text.clone());
    let answer = found
        .and_then(|i| match &i.answers {
            Answers::Choice(options) => options
                .iter()
                .find(|o| i64::from(o.value) == value)
                .map(|o| format!("{value} ({})", o.label.to_lowercase())),
            _ => None,
        })
        .unwrap_or_else(|| value.to_string());
    (question, answer)
}

fn item9_text(state: &AppState, value: Option<(u8, jiff::Timestamp)>) -> String {
    match value {
        Some((v, at)) => {
            let (_, words) = answer_words(state, "phq9_9", i64::from(v));
            format!("{words}, {}", uk_instant(at))
        }
        None => "not recorded (raised before painpath kept it)".into(),
    }
}

pub fn alert_card(state: &AppState, a: &Alert, linked: bool) -> AlertCard {
    AlertCard {
        id: a.id,
        patient: a.patient.0,
        patient_name: a.patient_name.clone(),
        linked,
        raised: uk_instant(a.raised_at),
        worst: item9_text(state, a.item9_worst),
        latest: item9_text(state, a.item9_latest),
        answers: a
            .answers
            .iter()
            .map(|(item, v)| answer_words(state, item, *v))
            .collect(),
        escalations: a
            .escalations
            .iter()
            .map(|e| format!("{}: {}", uk_instant(e.at), e.reason.label()))
            .collect(),
        duty: None,
        note_id: format!("note-{}", a.id),
        seen: a
            .item9_latest
            .map(|(_, at)| at.to_string())
            .unwrap_or_default(),
        problem: String::new(),
        note: String::new(),
    }
}

/// The patient's phone as the clinician's pages show it.
pub fn phone_text(details: &PatientDetails) -> String {
    details
        .contact_phone
        .as_ref()
        .map(|p| p.to_string())
        .unwrap_or_else(|| "not recorded".into())
}

/// The patient's emergency contact as the clinician's pages show it: "Sam Jones (partner),
/// 07700 900124".
pub fn emergency_text(details: &PatientDetails) -> String {
    details
        .emergency_contact
        .as_ref()
        .map(|e| format!("{}, {}", e.name, e.phone))
        .unwrap_or_else(|| "not recorded".into())
}

fn duty_card(state: &AppState, d: &DutyAlert, linked: bool) -> AlertCard {
    let mut card = alert_card(state, &d.alert, linked);
    let details = &d.details;
    card.duty = Some(DutyFacts {
        reasons: d.reasons.iter().map(|r| r.label()).collect(),
        due: uk_instant(d.due_at),
        born: details
            .date_of_birth
            .map(uk_date)
            .unwrap_or_else(|| "not recorded".into()),
        nation: details.nation.map(Nation::label).unwrap_or("not recorded"),
        health_number: details
            .health_number
            .map(|n| n.to_string())
            .unwrap_or_else(|| "not recorded".into()),
        phone: phone_text(details),
        phone_dial: details
            .contact_phone
            .as_ref()
            .map(|p| p.dial())
            .unwrap_or_default(),
        emergency: emergency_text(details),
        emergency_dial: details
            .emergency_contact
            .as_ref()
            .map(|e| e.phone.dial())
            .unwrap_or_default(),
        gp: match (&details.gp_practice_name, &details.gp_practice_address) {
            (Some(n), Some(a)) => format!("{n}, {a}"),
            (Some(n), None) => n.clone(),
            (None, Some(a)) => a.clone(),
            (None, None) => "not recorded".into(),
        },
        clinicians: if d.clinicians.is_empty() {
            "none".into()
        } else {
            d.clinicians
                .iter()
                .map(|(name, active)| {
                    if *active {
                        name.clone()
                    } else {
                        format!("{name} (no longer active)")
                    }
                })
                .collect::<Vec<_>>()
                .join(", ")
        },
    });
    card
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    acknowledged: String,
}

#[derive(Template)]
#[template(path = "alerts.html")]
struct AlertsPage {
    layout: Layout,
    cards: Vec<AlertCard>,
    from: &'static str,
    duty_count: u32,
    acknowledged: bool,
}

#[derive(Template)]
#[template(path = "duty.html")]
struct DutyPage {
    layout: Layout,
    cards: Vec<AlertCard>,
    from: &'static str,
    delay: String,
    acknowledged: bool,
}

async fn alerts_page(
    state: &AppState,
    caller: &Caller,
    problem: Option<(i64, String, String)>,
    acknowledged: bool,
) -> Result<AlertsPage, PageError> {
    let open = state.store.open_alerts(&caller.actor()).await?;
    let mut cards: Vec<AlertCard> = open.iter().map(|a| alert_card(state, a, true)).collect();
    set_problem(&mut cards, problem);
    let duty_count = state
        .store
        .duty_count(&caller.actor(), state.clock.now())
        .await?;
    Ok(AlertsPage {
        layout: Layout::new(state, Some(caller), "Alerts", "/alerts"),
        cards,
        from: "alerts",
        duty_count,
        acknowledged,
    })
}

async fn duty_page(
    state: &AppState,
    caller: &Caller,
    problem: Option<(i64, String, String)>,
    acknowledged: bool,
) -> Result<DutyPage, PageError> {
    let actor = caller.actor();
    let list = state.store.duty_list(&actor, state.clock.now()).await?;
    let mut cards: Vec<AlertCard> = list
        .iter()
        .map(|d| duty_card(state, d, d.viewer_linked))
        .collect();
    set_problem(&mut cards, problem);
    let delay = state
        .store
        .clinic_settings()
        .await?
        .escalation_delay
        .label();
    Ok(DutyPage {
        layout: Layout::new(state, Some(caller), "Duty list", "/duty"),
        cards,
        from: "duty",
        delay,
        acknowledged,
    })
}

fn set_problem(cards: &mut [AlertCard], problem: Option<(i64, String, String)>) {
    if let Some((id, message, note)) = problem
        && let Some(card) = cards.iter_mut().find(|c| c.id == id)
    {
        card.problem = message;
        card.note = note;
    }
}

pub async fn list(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    render(&alerts_page(&state, &caller, None, !q.acknowledged.is_empty()).await?)
}

pub async fn duty(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    render(&duty_page(&state, &caller, None, !q.acknowledged.is_empty()).await?)
}

pub async fn acknowledge(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(alert): Path<i64>,
    SignedForm(f): SignedForm,
) -> Result<Response, PageError> {
    let from_duty = f.get("from") == "duty";
    let note = match AcknowledgementNote::parse(f.get("note")) {
        Ok(note) => note,
        Err(e) => {
            // The note stays as typed, beside its error, and nothing is recorded.
            let problem = Some((alert, e.to_string(), f.get("note").to_owned()));
            return if from_duty {
                let page = duty_page(&state, &caller, problem, false).await?;
                render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
            } else {
                let page = alerts_page(&state, &caller, problem, false).await?;
                render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
            };
        }
    };
    let seen = f
        .opt("seen")
        .and_then(|t| t.parse::<jiff::Timestamp>().ok());
    match state
        .store
        .acknowledge_alert(&caller.actor(), alert, state.clock.now(), &note, seen)
        .await
    {
        Ok(()) => {}
        Err(StoreError::Conflict("alert_changed")) => {
            // A newer answer arrived while the clinician was reading: show it, keep the note.
            let problem = Some((
                alert,
                "A newer answer has arrived since this page was opened; it is shown above. Read it, then acknowledge again.".to_owned(),
                f.get("note").to_owned(),
            ));
            return if from_duty {
                let page = duty_page(&state, &caller, problem, false).await?;
                render_status(StatusCode::CONFLICT, &page)
            } else {
                let page = alerts_page(&state, &caller, problem, false).await?;
                render_status(StatusCode::CONFLICT, &page)
            };
        }
        Err(e) => return Err(e.into()),
    }
    Ok(see_other(if from_duty {
        "/duty?acknowledged=1"
    } else {
        "/alerts?acknowledged=1"
    }))
}
