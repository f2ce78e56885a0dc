//! `/patients`: a clinician's caseload, invitations, and one patient's diary.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use jiff::ToSpan;
use painpath_core::person::{Nation, UserId, check_reset_reason};
use painpath_core::treatment::PeriodOutcome;
use painpath_store::LinkPurpose;

use super::home::DayRow;
use super::{Layout, render, render_status};
use crate::AppState;
use crate::auth::{self, Caller};
use crate::clock::{uk_date, uk_instant};
use crate::error::PageError;
use crate::forms::SignedForm;

pub struct PatientRow {
    pub id: i64,
    pub name: String,
    pub born: String,
    pub last: String,
    pub open_alerts: u32,
}

#[derive(Template)]
#[template(path = "patients/list.html")]
struct ListPage {
    layout: Layout,
    patients: Vec<PatientRow>,
    link: String,
    link_expires: String,
    duty_count: u32,
}

async fn list_page(
    state: &AppState,
    caller: &Caller,
    link: String,
    link_expires: String,
) -> Result<Response, PageError> {
    let patients = state
        .store
        .my_patients(&caller.actor())
        .await?
        .into_iter()
        .map(|p| PatientRow {
            id: p.id.0,
            name: p.display_name,
            born: p
                .date_of_birth
                .map(uk_date)
                .unwrap_or_else(|| "not recorded".into()),
            last: p
                .last_check_in
                .map(uk_date)
                .unwrap_or_else(|| "never".into()),
            open_alerts: p.open_alerts,
        })
        .collect();
    render(&ListPage {
        layout: Layout::new(state, Some(caller), "My patients", "/patients"),
        patients,
        link,
        link_expires,
        duty_count: caller.duty_count.unwrap_or(0),
    })
}

pub async fn list(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<Response, PageError> {
    list_page(&state, &caller, String::new(), String::new()).await
}

pub async fn invite(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    _form: SignedForm,
) -> Result<Response, PageError> {
    let actor = caller.actor();
    let (url, expires) = auth::make_invitation(&state, &headers, &actor).await?;
    list_page(&state, &caller, url, uk_instant(expires)).await
}

pub struct PeriodLine {
    pub name: String,
    pub span: String,
    pub outcome: &'static str,
}

#[derive(Template)]
#[template(path = "patients/show.html")]
struct PatientPage {
    layout: Layout,
    name: String,
    id: i64,
    born: String,
    nation: &'static str,
    health_number: String,
    gp: String,
    chart: String,
    rows: Vec<DayRow>,
    periods: Vec<PeriodLine>,
    reset_link: String,
    /// A problem with the reason given for a reset, and the reason as typed.
    reset_problem: String,
    reset_reason: String,
    health_label: &'static str,
    phone: String,
    emergency: String,
    cards: Vec<super::alerts::AlertCard>,
    from: &'static str,
    /// Alerts already acknowledged: when raised, by whom, when acknowledged, and their note.
    acknowledged: Vec<(String, String, String, String)>,
    questionnaires: Vec<(&'static str, String, String)>,
}

async fn patient_page(
    state: &AppState,
    caller: &Caller,
    patient: UserId,
    reset_link: String,
) -> Result<PatientPage, PageError> {
    let actor = caller.actor();
    // Each of these reads is checked against the care-team link and audited by the store.
    let account = state.store.account(&actor, patient).await?;
    let details = state.store.patient_details(&actor, patient).await?;
    let today = state.clock.today();
    let from = today.checked_sub(29.days()).unwrap_or(today);
    let entries = state.store.diary(&actor, patient, from, today).await?;
    let periods = state.store.treatment_periods(&actor, patient).await?;
    let (chart, rows) = super::diary::chart_and_rows(&entries, from, today);
    let all_alerts = state.store.patient_alerts(&actor, patient).await?;
    let cards = all_alerts
        .iter()
        .filter(|a| a.acknowledged_at.is_none())
        .map(|a| super::alerts::alert_card(state, a, true))
        .collect();
    let acknowledged = all_alerts
        .iter()
        .filter_map(|a| {
            let at = a.acknowledged_at?;
            Some((
                uk_instant(a.raised_at),
                a.acknowledged_by_name.clone().unwrap_or_default(),
                uk_instant(at),
                a.acknowledgement_note
                    .clone()
                    .unwrap_or_else(|| "no note (acknowledged before notes were asked for)".into()),
            ))
        })
        .collect();
    let done = state.store.questionnaires(&actor, patient, None).await?;
    let questionnaires = painpath_core::instruments::Instrument::ALL
        .into_iter()
        .filter_map(|i| {
            let title = state.kb.instrument(i)?.title.clone();
            let last = done.iter().rev().find(|r| r.instrument == i);
            let due = painpath_core::instruments::response::is_due(i, last.map(|r| r.date), today);
            let latest = match last.and_then(|r| {
                crate::questionnaires::summary_of(r)
                    .ok()
                    .map(|s| (r.date, s))
            }) {
                Some((date, s)) => format!("{} on {}", s.text, uk_date(date)),
                None => "not done".to_owned(),
            };
            let latest = if due {
                format!("{latest} (due)")
            } else {
                latest
            };
            Some((i.code(), title, latest))
        })
        .collect();
    let phone = super::alerts::phone_text(&details);
    let emergency = super::alerts::emergency_text(&details);
    Ok(PatientPage {
        layout: Layout::new(
            state,
            Some(caller),
            account.display_name.clone(),
            "/patients",
        ),
        reset_problem: String::new(),
        reset_reason: String::new(),
        name: account.display_name,
        id: patient.0,
        born: details
            .date_of_birth
            .map(uk_date)
            .unwrap_or_else(|| "not recorded".into()),
        nation: details.nation.map(Nation::label).unwrap_or("not recorded"),
        health_number: details
            .health_number
            .map(|n| n.to_string())
            .unwrap_or_else(|| "not recorded".into()),
        gp: details
            .gp_practice_name
            .unwrap_or_else(|| "not recorded".into()),
        chart,
        rows,
        periods: periods
            .iter()
            .map(|p| PeriodLine {
                name: p.name.clone(),
                span: match p.end {
                    Some(e) => format!("{} to {}", uk_date(p.start), uk_date(e)),
                    None => format!("since {}", uk_date(p.start)),
                },
                outcome: p.outcome.map(PeriodOutcome::label).unwrap_or("ongoing"),
            })
            .collect(),
        reset_link,
        health_label: details
            .nation
            .map(Nation::health_number_name)
            .unwrap_or("NHS, CHI or H&C number"),
        phone,
        emergency,
        cards,
        from: "alerts",
        acknowledged,
        questionnaires,
    })
}

pub async fn show(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(patient): Path<i64>,
) -> Result<Response, PageError> {
    render(&patient_page(&state, &caller, UserId(patient), String::new()).await?)
}

/// A password-reset link for a patient on the clinician's care team. The reason is required and
/// the patient is shown it at their next sign-in, with the clinician's name (issue 6): staff
/// resets are meant to be rare, because patients have their own recovery codes.
pub async fn password_reset(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(patient): Path<i64>,
    SignedForm(f): SignedForm,
) -> Result<Response, PageError> {
    let actor = caller.actor();
    let reason = match check_reset_reason(f.get("reason")) {
        Ok(r) => r,
        Err(m) => {
            let mut page = patient_page(&state, &caller, UserId(patient), String::new()).await?;
            page.reset_problem = m.to_owned();
            page.reset_reason = f.get("reason").to_owned();
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let (url, _) = auth::make_link(
        &state,
        &headers,
        Some(&actor),
        LinkPurpose::PasswordReset {
            user: UserId(patient),
        },
        auth::RESET_LIFETIME,
        Some(&reason),
    )
    .await?;
    render(&patient_page(&state, &caller, UserId(patient), url).await?)
}
