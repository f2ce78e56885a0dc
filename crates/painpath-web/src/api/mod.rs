//! The JSON API under `/api/`, grouped by area. Each handler parses, calls the store, and
//! answers; access is checked by the route guard and again by the store.

pub mod admin;
pub mod diary;
pub mod patients;
pub mod periods;
pub mod questionnaires;
pub mod tokens;

use axum::Extension;
use axum::Json;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{FromRequest, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use painpath_core::Date;
use painpath_core::person::UserId;
use painpath_core::problems::Problems;
use painpath_wire::account::AccountView;
use painpath_wire::json::{JsonFailure, parse};
use serde::de::DeserializeOwned;

use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;

/// `GET /healthz`: 200 once the database answers.
pub async fn health(State(state): State<AppState>) -> Result<Json<serde_json::Value>, ApiError> {
    state.store.ping().await?;
    Ok(Json(serde_json::json!({"status": "ok"})))
}

/// The signed-in account.
#[utoipa::path(get, path = "/api/me", tag = "accounts",
    responses((status = 200, body = AccountView), (status = 401, body = painpath_wire::ErrorBody)))]
pub async fn me(Extension(caller): Extension<Caller>) -> Json<AccountView> {
    Json(account_view(&caller.account))
}

pub fn account_view(a: &painpath_store::Account) -> AccountView {
    AccountView {
        id: a.id.0,
        username: a.username.as_str().to_owned(),
        display_name: a.display_name.clone(),
        role: a.role.code().to_owned(),
        active: a.active,
    }
}

/// A JSON body, parsed with the path of any problem: 400 when it is not JSON, 422 when a field
/// is wrong or unknown.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let is_json = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.split(';')
                    .next()
                    .is_some_and(|t| t.trim() == "application/json")
            });
        if !is_json {
            return Err(ApiError::Malformed(Problems::single(
                "content-type",
                "expected application/json",
            )));
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|_| {
                ApiError::Malformed(Problems::single(
                    "body",
                    "the body could not be read, or is too large",
                ))
            })?;
        match parse::<T>(&bytes) {
            Ok(v) => Ok(JsonBody(v)),
            Err(JsonFailure::Syntax(p)) => Err(ApiError::Malformed(p)),
            Err(JsonFailure::Shape(p)) => Err(ApiError::Invalid(p)),
        }
    }
}

/// A body already read, parsed as [`JsonBody`] parses it: 400 for JSON that cannot be read, 422
/// naming a wrong or unknown field. For handlers that must first look at the body (an empty one
/// is told which field it lacks, rather than that it is not JSON).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    match parse::<T>(bytes) {
        Ok(v) => Ok(v),
        Err(JsonFailure::Syntax(p)) => Err(ApiError::Malformed(p)),
        Err(JsonFailure::Shape(p)) => Err(ApiError::Invalid(p)),
    }
}

/// Path parameters as text, parsed by the handler so that a bad one is a 422 naming it.
pub type RawPath = Result<axum::extract::Path<Vec<(String, String)>>, PathRejection>;

pub fn path_params(raw: RawPath) -> Result<Vec<(String, String)>, ApiError> {
    raw.map(|p| p.0)
        .map_err(|e| ApiError::Invalid(Problems::single("path", e.body_text())))
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> &'a str {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

pub fn id_param(params: &[(String, String)], name: &str) -> Result<i64, ApiError> {
    param(params, name)
        .parse::<i64>()
        .map_err(|_| ApiError::Invalid(Problems::single(name, "expected a whole-number id")))
}

pub fn patient_param(params: &[(String, String)]) -> Result<UserId, ApiError> {
    id_param(params, "patient").map(UserId)
}

pub fn date_param(params: &[(String, String)], name: &str) -> Result<Date, ApiError> {
    param(params, name).parse::<Date>().map_err(|_| {
        ApiError::Invalid(Problems::single(
            name,
            "expected a date as YYYY-MM-DD, such as 2026-11-24",
        ))
    })
}

/// Query parameters, with a bad one answered as 422 naming the query.
pub type RawQuery<T> = Result<axum::extract::Query<T>, QueryRejection>;

pub fn query<T>(raw: RawQuery<T>) -> Result<T, ApiError> {
    raw.map(|q| q.0)
        .map_err(|e| ApiError::Invalid(Problems::single("query", e.body_text())))
}

/// 201 Created with a JSON body.
pub fn created<T: serde::Serialize>(body: T) -> axum::response::Response {
    (axum::http::StatusCode::CREATED, Json(body)).into_response()
}
