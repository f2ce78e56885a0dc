//! `GET /api/openapi.json`: the OpenAPI 3 document, generated from the handlers' annotations.
//!
//! A test checks that its paths and methods are exactly the API rows of the route table, so the
//! document and the router cannot drift apart.

use axum::Json;
use utoipa::OpenApi;

use crate::api;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "painpath",
        description = "painpath's JSON API: the daily diary, treatment periods, patient details and care teams. \
                       Decision support and self-management; not a medical device. Dates are ISO 8601 (YYYY-MM-DD). \
                       Sign in with a session cookie (the web pages) or send `Authorization: Bearer TOKEN` \
                       with a token from `POST /api/tokens`."
    ),
    paths(
        document,
        api::me,
        api::tokens::create, api::tokens::list, api::tokens::revoke,
        api::patients::mine, api::patients::invite,
        api::diary::list, api::diary::create, api::diary::read, api::diary::replace, api::diary::delete,
        api::periods::list, api::periods::add, api::periods::end,
        api::patients::details, api::patients::save_details,
        api::patients::care_team, api::patients::revoke_link,
        api::questionnaires::list, api::questionnaires::add_acr2016, api::questionnaires::add_phq9,
        api::questionnaires::add_gad7, api::questionnaires::add_fiqr,
        api::questionnaires::alerts, api::questionnaires::acknowledge, api::questionnaires::duty,
        api::admin::accounts, api::admin::create_staff, api::admin::password_reset,
        api::admin::link_care_team, api::admin::audit,
    ),
    tags(
        (name = "diary", description = "The daily check-in"),
        (name = "treatments", description = "What a person takes or does"),
        (name = "questionnaires", description = "ACR 2016, PHQ-9, GAD-7 and FIQR, stored item by item with codes, and the care team's alerts"),
        (name = "patients", description = "Patient details"),
        (name = "care team", description = "Care-team links and a clinician's caseload"),
        (name = "accounts", description = "The signed-in account and API tokens"),
        (name = "admin", description = "Running the installation (no health data)"),
    )
)]
pub struct ApiDoc;

/// This document: every route under `/api/`.
#[utoipa::path(get, path = "/api/openapi.json", tag = "accounts",
    responses((status = 200, description = "The OpenAPI 3 document", body = inline(serde_json::Value))))]
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// The document, for tests and for `painpath` to print.
pub fn spec() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}
