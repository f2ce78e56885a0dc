//! `/api/patients/{patient}/check-ins`: the diary through the API.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json, extract::State};
use jiff::ToSpan;
use painpath_core::diary::{CheckIn, CheckInContext};
use painpath_core::person::UserId;
use painpath_core::problems::Problems;
use painpath_store::Saved;
use painpath_wire::diary::{CheckInBody, CheckInView, DiaryRange, parse_date};

use super::{JsonBody, RawPath, RawQuery, date_param, path_params, patient_param, query};
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;

/// The longest range one listing may ask for: ten years and a bit, enough for any chart.
const MAX_RANGE_DAYS: i32 = 3700;

/// Check-ins from `from` to `to` inclusive, oldest first.
#[utoipa::path(get, path = "/api/patients/{patient}/check-ins", tag = "diary",
    params(("patient" = i64, Path, description = "The patient's account id"), DiaryRange),
    responses((status = 200, body = Vec<CheckInView>), (status = 401, body = painpath_wire::ErrorBody),
              (status = 404, body = painpath_wire::ErrorBody), (status = 422, body = painpath_wire::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    raw_path: RawPath,
    raw_query: RawQuery<DiaryRange>,
) -> Result<Json<Vec<CheckInView>>, ApiError> {
    let patient = patient_param(&path_params(raw_path)?)?;
    let range = query(raw_query)?;
    let mut problems = Problems::new();
    let to = match range.to.as_deref() {
        Some(t) => parse_date("to", t, &mut problems),
        None => Some(state.clock.today()),
    };
    let from = match range.from.as_deref() {
        Some(f) => parse_date("from", f, &mut problems),
        None => to.and_then(|t| t.checked_sub(30.days()).ok()),
    };
    let (Some(from), Some(to)) = (from, to) else {
        return Err(ApiError::Invalid(problems));
    };
    if from > to {
        return Err(ApiError::Invalid(Problems::single(
            "from",
            "expected a day no later than `to`",
        )));
    }
    if from.until(to).map(|s| s.get_days()).unwrap_or(i32::MAX) > MAX_RANGE_DAYS {
        return Err(ApiError::Invalid(Problems::single(
            "from",
            format!("expected a range of at most {MAX_RANGE_DAYS} days"),
        )));
    }
    let days = state
        .store
        .diary(&caller.actor(), patient, from, to)
        .await?;
    Ok(Json(days.iter().map(CheckInView::from).collect()))
}

/// Creates a day's check-in; 409 if that day already has one (use PUT to replace it).
#[utoipa::path(post, path = "/api/patients/{patient}/check-ins", tag = "diary",
    params(("patient" = i64, Path, description = "The patient's account id")),
    request_body = CheckInBody,
    responses((status = 201, body = CheckInView), (status = 400, body = painpath_wire::ErrorBody),
              (status = 401, body = painpath_wire::ErrorBody), (status = 404, body = painpath_wire::ErrorBody),
              (status = 409, body = painpath_wire::ErrorBody), (status = 422, body = painpath_wire::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    raw_path: RawPath,
    JsonBody(body): JsonBody<CheckInBody>,
) -> Result<Response, ApiError> {
    let patient = patient_param(&path_params(raw_path)?)?;
    let check_in = parse_check_in(&state, &caller, patient, body, None).await?;
    if state
        .store
        .check_in(&caller.actor(), patient, check_in.date)
        .await?
        .is_some()
    {
        return Err(ApiError::Conflict(crate::error::conflict_message(
            "check_in",
        )));
    }
    state
        .store
        .save_check_in(&caller.actor(), patient, &check_in)
        .await?;
    Ok(super::created(CheckInView::from(&check_in)))
}

/// One day's check-in.
#[utoipa::path(get, path = "/api/patients/{patient}/check-ins/{date}", tag = "diary",
    params(("patient" = i64, Path, description = "The patient's account id"),
           ("date" = String, Path, description = "The day, YYYY-MM-DD")),
    responses((status = 200, body = CheckInView), (status = 401, body = painpath_wire::ErrorBody),
              (status = 404, body = painpath_wire::ErrorBody), (status = 422, body = painpath_wire::ErrorBody)))]
pub async fn read(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    raw_path: RawPath,
) -> Result<Json<CheckInView>, ApiError> {
    let params = path_params(raw_path)?;
    let patient = patient_param(&params)?;
    let date = date_param(&params, "date")?;
    match state.store.check_in(&caller.actor(), patient, date).await? {
        Some(c) => Ok(Json(CheckInView::from(&c))),
        None => Err(ApiError::NotFound),
    }
}

/// Saves a day's check-in, replacing any earlier one for that day: 201 if new, 200 if replaced.
#[utoipa::path(put, path = "/api/patients/{patient}/check-ins/{date}", tag = "diary",
    params(("patient" = i64, Path, description = "The patient's account id"),
           ("date" = String, Path, description = "The day, YYYY-MM-DD")),
    request_body = CheckInBody,
    responses((status = 200, body = CheckInView), (status = 201, body = CheckInView),
              (status = 400, body = painpath_wire::ErrorBody), (status = 401, body = painpath_wire::ErrorBody),
              (status = 404, body = painpath_wire::ErrorBody), (status = 422, body = painpath_wire::ErrorBody)))]
pub async fn replace(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    raw_path: RawPath,
    JsonBody(body): JsonBody<CheckInBody>,
) -> Result<Response, ApiError> {
    let params = path_params(raw_path)?;
    let patient = patient_param(&params)?;
    let date = date_param(&params, "date")?;
    let check_in = parse_check_in(&state, &caller, patient, body, Some(date)).await?;
    let saved = state
        .store
        .save_check_in(&caller.actor(), patient, &check_in)
        .await?;
    let status = match saved {
        Saved::Created => StatusCode::CREATED,
        Saved::Replaced => StatusCode::OK,
    };
    Ok((status, Json(CheckInView::from(&check_in))).into_response())
}

/// Deletes a day's check-in.
#[utoipa::path(delete, path = "/api/patients/{patient}/check-ins/{date}", tag = "diary",
    params(("patient" = i64, Path, description = "The patient's account id"),
           ("date" = String, Path, description = "The day, YYYY-MM-DD")),
    responses((status = 204), (status = 401, body = painpath_wire::ErrorBody),
              (status = 404, body = painpath_wire::ErrorBody), (status = 422, body = painpath_wire::ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    raw_path: RawPath,
) -> Result<StatusCode, ApiError> {
    let params = path_params(raw_path)?;
    let patient = patient_param(&params)?;
    let date = date_param(&params, "date")?;
    state
        .store
        .delete_check_in(&caller.actor(), patient, date)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Parses a body into a check-in. Only the patient writes their diary, so anyone else is told
/// "not found" before their input is even looked at; the store refuses them again.
async fn parse_check_in(
    state: &AppState,
    caller: &Caller,
    patient: UserId,
    body: CheckInBody,
    path_date: Option<painpath_core::Date>,
) -> Result<CheckIn, ApiError> {
    if caller.account.id != patient {
        return Err(ApiError::NotFound);
    }
    let periods = state
        .store
        .treatment_periods(&caller.actor(), patient)
        .await?;
    let (draft, mut problems) = body.into_draft(path_date);
    let cx = CheckInContext {
        today: state.clock.today(),
        periods: &periods,
    };
    match CheckIn::parse(draft, &cx) {
        Ok(c) if problems.is_empty() => Ok(c),
        Ok(_) => Err(ApiError::Invalid(problems)),
        Err(more) => {
            // Drop the core's "date is missing" when the wire layer already said what was wrong with it.
            for p in more {
                if problems.for_field(&p.field).is_none() {
                    problems.add(p.field, p.message);
                }
            }
            Err(ApiError::Invalid(problems))
        }
    }
}
