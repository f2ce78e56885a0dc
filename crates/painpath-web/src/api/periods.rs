//! `/api/patients/{patient}/treatment-periods`: what a person takes or does (design.md 8).

use axum::response::Response;
use axum::{Extension, Json, extract::State, http::StatusCode};
use painpath_core::kb::Kb;
use painpath_core::person::Role;
use painpath_core::problems::Problems;
use painpath_core::treatment::{
    MedicationClass, NewPeriod, PeriodId, PeriodOutcome, PeriodSource, Therapy,
};
use painpath_wire::diary::parse_date;
use painpath_wire::treatment::{EndPeriodBody, NewPeriodBody, PeriodView};

use super::{JsonBody, RawPath, id_param, path_params, patient_param};
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;

/// Every treatment period of the patient, open ones first.
#[utoipa::path(get, path = "/api/patients/{patient}/treatment-periods", tag = "treatments",
    params(("patient" = i64, Path, description = "The patient's account id")),
    responses((status = 200, body = Vec<PeriodView>), (status = 401, body = painpath_wire::ErrorBody),
              (status = 404, body = painpath_wire::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    raw_path: RawPath,
) -> Result<Json<Vec<PeriodView>>, ApiError> {
    let patient = patient_param(&path_params(raw_path)?)?;
    let periods = state
        .store
        .treatment_periods(&caller.actor(), patient)
        .await?;
    Ok(Json(periods.iter().map(PeriodView::from).collect()))
}

/// Starts a treatment period (or records a past one).
#[utoipa::path(post, path = "/api/patients/{patient}/treatment-periods", tag = "treatments",
    params(("patient" = i64, Path, description = "The patient's account id")),
    request_body = NewPeriodBody,
    responses((status = 201, body = PeriodView), (status = 400, body = painpath_wire::ErrorBody),
              (status = 401, body = painpath_wire::ErrorBody), (status = 404, body = painpath_wire::ErrorBody),
              (status = 422, body = painpath_wire::ErrorBody)))]
pub async fn add(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    raw_path: RawPath,
    JsonBody(body): JsonBody<NewPeriodBody>,
) -> Result<Response, ApiError> {
    let patient = patient_param(&path_params(raw_path)?)?;
    let period =
        parse_new_period(&state.kb, body, state.clock.today()).map_err(ApiError::Invalid)?;
    let source = if caller.account.role == Role::Clinician {
        PeriodSource::Clinician
    } else {
        PeriodSource::SelfReported
    };
    let id = state
        .store
        .add_treatment_period(&caller.actor(), patient, &period, source)
        .await?;
    let stored = state
        .store
        .treatment_periods(&caller.actor(), patient)
        .await?;
    let view = stored
        .iter()
        .find(|p| p.id == id)
        .map(PeriodView::from)
        .ok_or(ApiError::NotFound)?;
    Ok(super::created(view))
}

/// Ends an open period with its outcome.
#[utoipa::path(post, path = "/api/patients/{patient}/treatment-periods/{period}/end", tag = "treatments",
    params(("patient" = i64, Path, description = "The patient's account id"),
           ("period" = i64, Path, description = "The period's id")),
    request_body = EndPeriodBody,
    responses((status = 204), (status = 400, body = painpath_wire::ErrorBody),
              (status = 401, body = painpath_wire::ErrorBody), (status = 404, body = painpath_wire::ErrorBody),
              (status = 409, body = painpath_wire::ErrorBody), (status = 422, body = painpath_wire::ErrorBody)))]
pub async fn end(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    raw_path: RawPath,
    JsonBody(body): JsonBody<EndPeriodBody>,
) -> Result<StatusCode, ApiError> {
    let params = path_params(raw_path)?;
    let patient = patient_param(&params)?;
    let period = PeriodId(id_param(&params, "period")?);
    let (end, outcome) =
        parse_end(&body.end, &body.outcome, state.clock.today()).map_err(ApiError::Invalid)?;
    let periods = state
        .store
        .treatment_periods(&caller.actor(), patient)
        .await?;
    if let Some(p) = periods.iter().find(|p| p.id == period)
        && end < p.start
    {
        return Err(ApiError::Invalid(Problems::single(
            "end",
            "the end is before the start",
        )));
    }
    state
        .store
        .end_treatment_period(&caller.actor(), patient, period, end, outcome)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Checks a new period against the knowledge base and the calendar.
pub fn parse_new_period(
    kb: &Kb,
    body: NewPeriodBody,
    today: painpath_core::Date,
) -> Result<NewPeriod, Problems> {
    let mut problems = Problems::new();
    let therapy = match (body.treatment.as_deref(), body.medication_class.as_deref()) {
        (Some(code), None) => {
            match kb.treatment(code) {
                Some(t) => Some(Therapy::Treatment(t.code.clone())),
                None => {
                    problems.add("treatment", "expected a treatment code of the knowledge base, such as walking or pacing");
                    None
                }
            }
        }
        (None, Some(class)) => problems
            .check("medication_class", class.parse::<MedicationClass>())
            .map(Therapy::Medication),
        (Some(_), Some(_)) => {
            problems.add(
                "medication_class",
                "give a treatment or a medication class, not both",
            );
            None
        }
        (None, None) => {
            problems.add(
                "treatment",
                "expected a treatment code or a medication class",
            );
            None
        }
    };
    let start = parse_date("start", &body.start, &mut problems);
    let end = body
        .end
        .as_deref()
        .and_then(|e| parse_date("end", e, &mut problems));
    let outcome = body
        .outcome
        .as_deref()
        .and_then(|o| problems.check("outcome", o.parse::<PeriodOutcome>()));
    let (Some(therapy), Some(start)) = (therapy, start) else {
        return Err(problems);
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    let default_name = match &therapy {
        Therapy::Treatment(code) => kb
            .treatment(code.as_str())
            .map(|t| t.name.clone())
            .unwrap_or_default(),
        Therapy::Medication(class) => class.label().to_owned(),
    };
    let name = body
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .unwrap_or(default_name);
    NewPeriod::parse(therapy, &name, start, end, outcome, today)
}

/// Checks the end of a period.
pub fn parse_end(
    end: &str,
    outcome: &str,
    today: painpath_core::Date,
) -> Result<(painpath_core::Date, PeriodOutcome), Problems> {
    let mut problems = Problems::new();
    let end = parse_date("end", end, &mut problems);
    let outcome = problems.check("outcome", outcome.parse::<PeriodOutcome>());
    if let Some(e) = end
        && e > today
    {
        problems.add("end", "the end is in the future");
    }
    match (end, outcome) {
        (Some(e), Some(o)) if problems.is_empty() => Ok((e, o)),
        _ => Err(problems),
    }
}
