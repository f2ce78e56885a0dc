//! `/api/patients/{patient}/questionnaires` and `/api/alerts`: stored questionnaires, item by
//! item with codes, and the care team's alerts.

use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Json, extract::State};
use painpath_core::duty::AcknowledgementNote;
use painpath_core::instruments::Instrument;
use painpath_core::instruments::response::Response as Completed;
use painpath_core::person::{Nation, UserId};
use painpath_core::problems::Problems;
use painpath_store::{Alert, DutyAlert, NewQuestionnaire, QuestionnaireResponse};
use painpath_wire::questionnaire::{
    AcknowledgeBody, AlertView, AnswerView, DutyAlertView, EscalationView, Item9View,
    ItemValueView, LinkedClinicianView, QuestionnaireFilter, QuestionnaireView, ScoreView,
};
use painpath_wire::score::{
    Acr2016Input, Acr2016Output, FiqrInput, FiqrOutput, Gad7Input, Gad7Output, Phq9Input,
    Phq9Output,
};

use super::{JsonBody, RawPath, RawQuery, id_param, path_params, patient_param, query};
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::questionnaires::{answers_to_store, band_label, completed_of, item9_of_completed};

/// The contract's output for a completed questionnaire (shared/contracts/score.md). `nation`
/// chooses the PHQ-9's signposts, as the contract's input field does (England's when `None`).
fn result_json(
    state: &AppState,
    completed: &Completed,
    nation: Option<Nation>,
) -> serde_json::Value {
    let value = match completed {
        Completed::Acr2016(a) => serde_json::to_value(Acr2016Output::from(&a.score())),
        Completed::Phq9(p) => serde_json::to_value(Phq9Output::new(
            p,
            &p.score(),
            painpath_core::crisis::self_harm_signposts(&state.kb, nation),
        )),
        Completed::Gad7(g) => serde_json::to_value(Gad7Output::from(&g.score())),
        Completed::Fiqr(f) => serde_json::to_value(FiqrOutput::from(&f.score())),
    };
    value.unwrap_or(serde_json::Value::Null)
}

fn view(
    state: &AppState,
    r: &QuestionnaireResponse,
    nation: Option<Nation>,
) -> Result<QuestionnaireView, ApiError> {
    let completed = completed_of(r).map_err(|p| {
        ApiError::Internal(format!("stored questionnaire {} does not score: {p}", r.id))
    })?;
    let summary = completed.summary();
    let label = state
        .kb
        .instrument(r.instrument)
        .map(|t| band_label(t, &summary))
        .filter(|l| !l.is_empty());
    Ok(QuestionnaireView {
        id: r.id,
        instrument: r.instrument.code().to_owned(),
        date: r.date.to_string(),
        completed_at: r.completed_at.to_string(),
        recorded_by: r.recorded_by.0,
        score: ScoreView {
            value: summary.value,
            text: summary.text.clone(),
            band: summary.band.map(str::to_owned),
            band_label: label,
            self_harm_risk: summary.self_harm_risk,
        },
        result: result_json(state, &completed, nation),
        answers: r
            .answers
            .iter()
            .map(|a| AnswerView {
                item: a.item.clone(),
                value: a.value,
                code: a.code.clone(),
                loinc: a.loinc.clone(),
                answer_loinc: a.answer_loinc.clone(),
            })
            .collect(),
    })
}

/// The patient's completed questionnaires, oldest first.
#[utoipa::path(get, path = "/api/patients/{patient}/questionnaires", tag = "questionnaires",
    params(("patient" = i64, Path, description = "The patient's account id"), QuestionnaireFilter),
    responses((status = 200, body = Vec<QuestionnaireView>), (status = 401, body = painpath_wire::ErrorBody),
              (status = 404, body = painpath_wire::ErrorBody), (status = 422, body = painpath_wire::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    raw_path: RawPath,
    raw_query: RawQuery<QuestionnaireFilter>,
) -> Result<Json<Vec<QuestionnaireView>>, ApiError> {
    let patient = patient_param(&path_params(raw_path)?)?;
    let filter = query(raw_query)?;
    let instrument = match filter.instrument.as_deref() {
        None => None,
        Some(code) => Some(
            code.parse::<Instrument>()
                .map_err(|e| ApiError::Invalid(Problems::single("instrument", e.to_string())))?,
        ),
    };
    let stored = state
        .store
        .questionnaires(&caller.actor(), patient, instrument)
        .await?;
    Ok(Json(
        stored
            .iter()
            .map(|r| view(&state, r, None))
            .collect::<Result<_, _>>()?,
    ))
}

async fn store(
    state: &AppState,
    caller: &Caller,
    patient: UserId,
    completed: Completed,
    nation: Option<Nation>,
) -> Result<Response, ApiError> {
    let instrument = completed.instrument();
    let text = state.kb.instrument(instrument).ok_or_else(|| {
        ApiError::Internal(format!("the knowledge base has no text for {instrument}"))
    })?;
    let id = state
        .store
        .save_questionnaire(
            &caller.actor(),
            patient,
            &NewQuestionnaire {
                instrument,
                date: state.clock.today(),
                answers: answers_to_store(text, &completed),
                item9: item9_of_completed(&completed),
            },
        )
        .await?;
    let stored = state
        .store
        .questionnaires(&caller.actor(), patient, Some(instrument))
        .await?;
    let r = stored
        .iter()
        .find(|r| r.id == id)
        .ok_or(ApiError::NotFound)?;
    Ok(super::created(view(state, r, nation)?))
}

/// Stores a completed ACR 2016 survey (the body of `painpath score acr2016`).
#[utoipa::path(post, path = "/api/patients/{patient}/questionnaires/acr2016", tag = "questionnaires",
    params(("patient" = i64, Path, description = "The patient's account id")), request_body = Acr2016Input,
    responses((status = 201, body = QuestionnaireView), (status = 400, body = painpath_wire::ErrorBody),
              (status = 401, body = painpath_wire::ErrorBody), (status = 404, body = painpath_wire::ErrorBody),
              (status = 422, body = painpath_wire::ErrorBody)))]
pub async fn add_acr2016(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    raw_path: RawPath,
    JsonBody(body): JsonBody<Acr2016Input>,
) -> Result<Response, ApiError> {
    let patient = patient_param(&path_params(raw_path)?)?;
    let survey = body.parse().map_err(ApiError::Invalid)?;
    store(&state, &caller, patient, Completed::Acr2016(survey), None).await
}

/// Stores a completed PHQ-9. Item 9 above 0 opens an alert for the care team.
#[utoipa::path(post, path = "/api/patients/{patient}/questionnaires/phq9", tag = "questionnaires",
    params(("patient" = i64, Path, description = "The patient's account id")), request_body = Phq9Input,
    responses((status = 201, body = QuestionnaireView), (status = 400, body = painpath_wire::ErrorBody),
              (status = 401, body = painpath_wire::ErrorBody), (status = 404, body = painpath_wire::ErrorBody),
              (status = 422, body = painpath_wire::ErrorBody)))]
pub async fn add_phq9(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    raw_path: RawPath,
    JsonBody(body): JsonBody<Phq9Input>,
) -> Result<Response, ApiError> {
    let patient = patient_param(&path_params(raw_path)?)?;
    let (phq9, nation) = body.parse().map_err(ApiError::Invalid)?;
    store(&state, &caller, patient, Completed::Phq9(phq9), nation).await
}

/// Stores a completed GAD-7.
#[utoipa::path(post, path = "/api/patients/{patient}/questionnaires/gad7", tag = "questionnaires",
    params(("patient" = i64, Path, description = "The patient's account id")), request_body = Gad7Input,
    responses((status = 201, body = QuestionnaireView), (status = 400, body = painpath_wire::ErrorBody),
              (status = 401, body = painpath_wire::ErrorBody), (status = 404, body = painpath_wire::ErrorBody),
              (status = 422, body = painpath_wire::ErrorBody)))]
pub async fn add_gad7(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    raw_path: RawPath,
    JsonBody(body): JsonBody<Gad7Input>,
) -> Result<Response, ApiError> {
    let patient = patient_param(&path_params(raw_path)?)?;
    let gad7 = body.parse().map_err(ApiError::Invalid)?;
    store(&state, &caller, patient, Completed::Gad7(gad7), None).await
}

/// Stores a completed FIQR. Scoring needs no item wording, so this works whether or not the
/// clinic has turned on the FIQR form.
#[utoipa::path(post, path = "/api/patients/{patient}/questionnaires/fiqr", tag = "questionnaires",
    params(("patient" = i64, Path, description = "The patient's account id")), request_body = FiqrInput,
    responses((status = 201, body = QuestionnaireView), (status = 400, body = painpath_wire::ErrorBody),
              (status = 401, body = painpath_wire::ErrorBody), (status = 404, body = painpath_wire::ErrorBody),
              (status = 422, body = painpath_wire::ErrorBody)))]
pub async fn add_fiqr(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    raw_path: RawPath,
    JsonBody(body): JsonBody<FiqrInput>,
) -> Result<Response, ApiError> {
    let patient = patient_param(&path_params(raw_path)?)?;
    let fiqr = body.parse().map_err(ApiError::Invalid)?;
    store(&state, &caller, patient, Completed::Fiqr(fiqr), None).await
}

pub fn alert_view(a: &Alert) -> AlertView {
    AlertView {
        id: a.id,
        patient: a.patient.0,
        patient_name: a.patient_name.clone(),
        kind: a.kind.code().to_owned(),
        raised_at: a.raised_at.to_string(),
        response: a.response,
        item9_latest: a.item9_latest.map(|(value, at)| Item9View {
            value,
            at: at.to_string(),
        }),
        item9_worst: a.item9_worst.map(|(value, at)| Item9View {
            value,
            at: at.to_string(),
        }),
        answers_so_far: a
            .answers
            .iter()
            .map(|(item, value)| ItemValueView {
                item: item.clone(),
                value: *value,
            })
            .collect(),
        escalations: a
            .escalations
            .iter()
            .map(|e| EscalationView {
                reason: e.reason.code().to_owned(),
                at: e.at.to_string(),
            })
            .collect(),
        acknowledged_by: a.acknowledged_by.map(|u| u.0),
        acknowledged_by_name: a.acknowledged_by_name.clone(),
        acknowledged_at: a.acknowledged_at.map(|t| t.to_string()),
        acknowledgement_note: a.acknowledgement_note.clone(),
    }
}

fn duty_view(d: &DutyAlert) -> DutyAlertView {
    DutyAlertView {
        alert: alert_view(&d.alert),
        reasons: d.reasons.iter().map(|r| r.code().to_owned()).collect(),
        due_at: d.due_at.to_string(),
        date_of_birth: d.details.date_of_birth.map(|x| x.to_string()),
        nation: d.details.nation.map(|n| n.code().to_owned()),
        health_number: d.details.health_number.map(|n| n.digits()),
        contact_phone: d
            .details
            .contact_phone
            .as_ref()
            .map(|p| p.as_str().to_owned()),
        emergency_contact_name: d.details.emergency_contact.as_ref().map(|e| e.name.clone()),
        emergency_contact_phone: d
            .details
            .emergency_contact
            .as_ref()
            .map(|e| e.phone.as_str().to_owned()),
        gp_practice_name: d.details.gp_practice_name.clone(),
        gp_practice_address: d.details.gp_practice_address.clone(),
        clinicians: d
            .clinicians
            .iter()
            .map(|(name, active)| LinkedClinicianView {
                name: name.clone(),
                active: *active,
            })
            .collect(),
    }
}

/// The clinic's duty list: open alerts of patients with no active clinician, and alerts nobody
/// acknowledged in time, oldest first. Every clinician of the clinic sees it.
#[utoipa::path(get, path = "/api/duty", tag = "questionnaires",
    responses((status = 200, body = Vec<DutyAlertView>), (status = 401, body = painpath_wire::ErrorBody),
              (status = 403, body = painpath_wire::ErrorBody)))]
pub async fn duty(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<Json<Vec<DutyAlertView>>, ApiError> {
    let list = state
        .store
        .duty_list(&caller.actor(), state.clock.now())
        .await?;
    Ok(Json(list.iter().map(duty_view).collect()))
}

/// Open alerts for the clinician's patients, newest first.
#[utoipa::path(get, path = "/api/alerts", tag = "questionnaires",
    responses((status = 200, body = Vec<AlertView>), (status = 401, body = painpath_wire::ErrorBody),
              (status = 403, body = painpath_wire::ErrorBody)))]
pub async fn alerts(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<Json<Vec<AlertView>>, ApiError> {
    let open = state.store.open_alerts(&caller.actor()).await?;
    Ok(Json(open.iter().map(alert_view).collect()))
}

/// Records that the clinician has acted on an alert, with a short note of what was done. The
/// patient's care team, or any clinician while the alert is on the duty list.
#[utoipa::path(post, path = "/api/alerts/{alert}/acknowledge", tag = "questionnaires",
    params(("alert" = i64, Path, description = "The alert's id")), request_body = AcknowledgeBody,
    responses((status = 204), (status = 401, body = painpath_wire::ErrorBody), (status = 403, body = painpath_wire::ErrorBody),
              (status = 404, body = painpath_wire::ErrorBody), (status = 409, body = painpath_wire::ErrorBody),
              (status = 422, body = painpath_wire::ErrorBody)))]
pub async fn acknowledge(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    raw_path: RawPath,
    body: axum::body::Bytes,
) -> Result<StatusCode, ApiError> {
    let alert = id_param(&path_params(raw_path)?, "alert")?;
    // A client written before notes were required sends no body: tell it which field it lacks.
    let body: AcknowledgeBody = if body.is_empty() {
        AcknowledgeBody {
            note: None,
            seen_latest_at: None,
        }
    } else {
        super::parse_json(&body)?
    };
    let mut problems = Problems::new();
    let note = problems.check(
        "note",
        AcknowledgementNote::parse(body.note.as_deref().unwrap_or("")),
    );
    let seen = match body.seen_latest_at.as_deref() {
        None => None,
        Some(text) => problems.check(
            "seen_latest_at",
            text.parse::<jiff::Timestamp>()
                .map_err(|_| "expected an RFC 3339 instant, as item9_latest.at gives it"),
        ),
    };
    let Some(note) = note.filter(|_| problems.is_empty()) else {
        return Err(ApiError::Invalid(problems));
    };
    state
        .store
        .acknowledge_alert(&caller.actor(), alert, state.clock.now(), &note, seen)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
