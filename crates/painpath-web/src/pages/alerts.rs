//! `/alerts`: the clinician's list of open alerts (a PHQ-9 item 9 answered above 0), each open
//! until a clinician acknowledges it; who acknowledged it and when are recorded.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, State};
use axum::response::Response;

use super::{Layout, render, see_other};
use crate::AppState;
use crate::auth::Caller;
use crate::clock::uk_instant;
use crate::error::PageError;
use crate::forms::SignedForm;

pub struct AlertRow {
    pub id: i64,
    pub patient: i64,
    pub patient_name: String,
    pub what: &'static str,
    pub raised: String,
}

#[derive(Template)]
#[template(path = "alerts.html")]
struct AlertsPage {
    layout: Layout,
    rows: Vec<AlertRow>,
}

pub async fn list(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<Response, PageError> {
    let open = state.store.open_alerts(&caller.actor()).await?;
    let rows = open
        .into_iter()
        .map(|a| AlertRow {
            id: a.id,
            patient: a.patient.0,
            patient_name: a.patient_name,
            what: "PHQ-9: thoughts of being better off dead or of self-harm (item 9 above 0)",
            raised: uk_instant(a.raised_at),
        })
        .collect();
    render(&AlertsPage {
        layout: Layout::new(&state, Some(&caller), "Alerts", "/alerts"),
        rows,
    })
}

pub async fn acknowledge(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(alert): Path<i64>,
    _form: SignedForm,
) -> Result<Response, PageError> {
    state
        .store
        .acknowledge_alert(&caller.actor(), alert, state.clock.now())
        .await?;
    Ok(see_other("/alerts"))
}
