//! `/api/patients`: a clinician's caseload, invitations, patient details and care teams.

use axum::http::HeaderMap;
use axum::response::Response;
use axum::{Extension, Json, extract::State};
use painpath_core::person::{PatientDetails, PatientDetailsInput};
use painpath_core::problems::Problems;
use painpath_store::CareLink;
use painpath_wire::account::{
    CareLinkView, DetailsBody, LinkView, PatientSummaryView, RevokedView,
};
use painpath_wire::diary::parse_date;

use super::{JsonBody, RawPath, id_param, path_params, patient_param};
use crate::AppState;
use crate::auth::{self, Caller};
use crate::error::ApiError;

/// The clinician's patients: those with a live care-team link to them.
#[utoipa::path(get, path = "/api/patients", tag = "care team",
    responses((status = 200, body = Vec<PatientSummaryView>), (status = 401, body = painpath_wire::ErrorBody),
              (status = 403, body = painpath_wire::ErrorBody)))]
pub async fn mine(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<Json<Vec<PatientSummaryView>>, ApiError> {
    let patients = state.store.my_patients(&caller.actor()).await?;
    Ok(Json(
        patients
            .into_iter()
            .map(|p| PatientSummaryView {
                id: p.id.0,
                display_name: p.display_name,
                date_of_birth: p.date_of_birth.map(|d| d.to_string()),
                last_check_in: p.last_check_in.map(|d| d.to_string()),
                open_alerts: p.open_alerts,
            })
            .collect(),
    ))
}

/// Makes a one-time invitation link for a new patient, who joins this clinician's care team.
#[utoipa::path(post, path = "/api/invitations", tag = "care team",
    responses((status = 201, body = LinkView), (status = 401, body = painpath_wire::ErrorBody),
              (status = 403, body = painpath_wire::ErrorBody)))]
pub async fn invite(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let actor = caller.actor();
    let (url, expires) = auth::make_invitation(&state, &headers, &actor).await?;
    Ok(super::created(LinkView {
        url,
        expires_at: expires.to_string(),
    }))
}

/// A patient's details: date of birth, nation, NHS number, GP practice.
#[utoipa::path(get, path = "/api/patients/{patient}/details", tag = "patients",
    params(("patient" = i64, Path, description = "The patient's account id")),
    responses((status = 200, body = DetailsBody), (status = 401, body = painpath_wire::ErrorBody),
              (status = 404, body = painpath_wire::ErrorBody)))]
pub async fn details(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    raw_path: RawPath,
) -> Result<Json<DetailsBody>, ApiError> {
    let patient = patient_param(&path_params(raw_path)?)?;
    let d = state
        .store
        .patient_details(&caller.actor(), patient)
        .await?;
    Ok(Json(details_view(&d)))
}

/// Replaces a patient's details.
#[utoipa::path(put, path = "/api/patients/{patient}/details", tag = "patients",
    params(("patient" = i64, Path, description = "The patient's account id")),
    request_body = DetailsBody,
    responses((status = 200, body = DetailsBody), (status = 400, body = painpath_wire::ErrorBody),
              (status = 401, body = painpath_wire::ErrorBody), (status = 404, body = painpath_wire::ErrorBody),
              (status = 422, body = painpath_wire::ErrorBody)))]
pub async fn save_details(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    raw_path: RawPath,
    JsonBody(body): JsonBody<DetailsBody>,
) -> Result<Json<DetailsBody>, ApiError> {
    let patient = patient_param(&path_params(raw_path)?)?;
    let details = parse_details(&body, state.clock.today()).map_err(ApiError::Invalid)?;
    state
        .store
        .save_patient_details(&caller.actor(), patient, &details)
        .await?;
    Ok(Json(details_view(&details)))
}

pub fn parse_details(
    body: &DetailsBody,
    today: painpath_core::Date,
) -> Result<PatientDetails, Problems> {
    let mut problems = Problems::new();
    let dob = body
        .date_of_birth
        .as_deref()
        .filter(|d| !d.trim().is_empty())
        .and_then(|d| parse_date("date_of_birth", d, &mut problems));
    let parsed = PatientDetails::parse(
        PatientDetailsInput {
            date_of_birth: dob,
            nation: body.nation.as_deref().unwrap_or(""),
            health_number: body.health_number.as_deref().unwrap_or(""),
            gp_practice_name: body.gp_practice_name.as_deref().unwrap_or(""),
            gp_practice_address: body.gp_practice_address.as_deref().unwrap_or(""),
            contact_phone: body.contact_phone.as_deref().unwrap_or(""),
            emergency_contact_name: body.emergency_contact_name.as_deref().unwrap_or(""),
            emergency_contact_phone: body.emergency_contact_phone.as_deref().unwrap_or(""),
        },
        today,
    );
    match parsed {
        Ok(d) if problems.is_empty() => Ok(d),
        Ok(_) => Err(problems),
        Err(more) => {
            for p in more {
                problems.add(p.field, p.message);
            }
            Err(problems)
        }
    }
}

pub fn details_view(d: &PatientDetails) -> DetailsBody {
    DetailsBody {
        date_of_birth: d.date_of_birth.map(|x| x.to_string()),
        nation: d.nation.map(|n| n.code().to_owned()),
        health_number: d.health_number.map(|n| n.digits()),
        gp_practice_name: d.gp_practice_name.clone(),
        gp_practice_address: d.gp_practice_address.clone(),
        contact_phone: d.contact_phone.as_ref().map(|p| p.as_str().to_owned()),
        emergency_contact_name: d.emergency_contact.as_ref().map(|e| e.name.clone()),
        emergency_contact_phone: d
            .emergency_contact
            .as_ref()
            .map(|e| e.phone.as_str().to_owned()),
    }
}

/// Every care-team link of the patient, live and revoked.
#[utoipa::path(get, path = "/api/patients/{patient}/care-team", tag = "care team",
    params(("patient" = i64, Path, description = "The patient's account id")),
    responses((status = 200, body = Vec<CareLinkView>), (status = 401, body = painpath_wire::ErrorBody),
              (status = 404, body = painpath_wire::ErrorBody)))]
pub async fn care_team(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    raw_path: RawPath,
) -> Result<Json<Vec<CareLinkView>>, ApiError> {
    let patient = patient_param(&path_params(raw_path)?)?;
    let links = state.store.care_links(&caller.actor(), patient).await?;
    Ok(Json(links.iter().map(care_link_view).collect()))
}

/// Revokes a care-team link: that clinician sees nothing more of the patient's record.
#[utoipa::path(post, path = "/api/patients/{patient}/care-team/{link}/revoke", tag = "care team",
    params(("patient" = i64, Path, description = "The patient's account id"),
           ("link" = i64, Path, description = "The link's id")),
    responses((status = 200, body = RevokedView), (status = 401, body = painpath_wire::ErrorBody),
              (status = 404, body = painpath_wire::ErrorBody), (status = 422, body = painpath_wire::ErrorBody)))]
pub async fn revoke_link(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    raw_path: RawPath,
) -> Result<Json<RevokedView>, ApiError> {
    let params = path_params(raw_path)?;
    let patient = patient_param(&params)?;
    let link = id_param(&params, "link")?;
    // The link must be one of this patient's, seen through the caller's own access.
    let links = state.store.care_links(&caller.actor(), patient).await?;
    if !links.iter().any(|l| l.id == link) {
        return Err(ApiError::NotFound);
    }
    let revoked = state
        .store
        .revoke_care_link(&caller.actor(), link, state.clock.now())
        .await?;
    Ok(Json(RevokedView {
        alert_to_duty_list: revoked.alert_to_duty_list,
        alert_seen_by_nobody: revoked.alert_seen_by_nobody,
    }))
}

pub fn care_link_view(l: &CareLink) -> CareLinkView {
    CareLinkView {
        id: l.id,
        patient: l.patient.0,
        patient_name: l.patient_name.clone(),
        clinician: l.clinician.0,
        clinician_name: l.clinician_name.clone(),
        granted_by: l.granted_by.0,
        granted_at: l.granted_at.to_string(),
        revoked_at: l.revoked_at.map(|x| x.to_string()),
        clinician_active: l.clinician_active,
    }
}
