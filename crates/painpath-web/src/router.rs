//! Every route painpath answers, in one table: path, method, access class, and handler.
//!
//! The table builds the router, and the access census test walks every row of it, so a route
//! cannot be added without an access class, and cannot escape the census (design.md 6).

use std::collections::BTreeMap;
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::handler::Handler;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter, on};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

use crate::access::{Access, Kind, guard};
use crate::error::PageError;
use crate::{AppState, api, openapi, pages};

/// Answers smaller than this go as they are: a redirect, a short JSON answer or an empty 204 would
/// gain a few bytes at best, and the first segment on the wire has room for them anyway.
pub const COMPRESS_FROM_BYTES: u64 = 1024;

/// One row of the route table, without its handler: what the census test reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteInfo {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
    pub kind: Kind,
}

struct Route {
    info: RouteInfo,
    handler: MethodRouter<AppState>,
}

fn route<H, T>(method: Method, path: &'static str, access: Access, kind: Kind, handler: H) -> Route
where
    H: Handler<T, AppState>,
    T: 'static,
{
    let filter = MethodFilter::try_from(method.clone()).expect("the table uses standard methods");
    Route {
        info: RouteInfo {
            method,
            path,
            access,
            kind,
        },
        handler: on(filter, handler),
    }
}

// One row per line, so the table reads (and is reviewed) as a table.
#[rustfmt::skip]
fn routes() -> Vec<Route> {
    use Access::*;
    use Kind::*;
    let (get, post, put, delete) = (Method::GET, Method::POST, Method::PUT, Method::DELETE);
    vec![
        // ----- Service points (contracts/server.md)
        route(get.clone(), "/healthz", Public, Api, api::health),
        route(get.clone(), "/api/openapi.json", Public, Api, openapi::document),
        // ----- API: accounts and tokens
        route(post.clone(), "/api/tokens", Public, Api, api::tokens::create),
        route(get.clone(), "/api/tokens", SignedIn, Api, api::tokens::list),
        route(delete.clone(), "/api/tokens/{token}", SignedIn, Api, api::tokens::revoke),
        route(get.clone(), "/api/me", SignedIn, Api, api::me),
        route(get.clone(), "/api/patients", Clinician, Api, api::patients::mine),
        route(post.clone(), "/api/invitations", Clinician, Api, api::patients::invite),
        // ----- API: one patient's record
        route(get.clone(), "/api/patients/{patient}/check-ins", PatientRecord, Api, api::diary::list),
        route(post.clone(), "/api/patients/{patient}/check-ins", PatientRecord, Api, api::diary::create),
        route(get.clone(), "/api/patients/{patient}/check-ins/{date}", PatientRecord, Api, api::diary::read),
        route(put.clone(), "/api/patients/{patient}/check-ins/{date}", PatientRecord, Api, api::diary::replace),
        route(delete.clone(), "/api/patients/{patient}/check-ins/{date}", PatientRecord, Api, api::diary::delete),
        route(get.clone(), "/api/patients/{patient}/treatment-periods", PatientRecord, Api, api::periods::list),
        route(post.clone(), "/api/patients/{patient}/treatment-periods", PatientRecord, Api, api::periods::add),
        route(post.clone(), "/api/patients/{patient}/treatment-periods/{period}/end", PatientRecord, Api, api::periods::end),
        route(get.clone(), "/api/patients/{patient}/details", PatientRecord, Api, api::patients::details),
        route(put.clone(), "/api/patients/{patient}/details", PatientRecord, Api, api::patients::save_details),
        route(get.clone(), "/api/patients/{patient}/care-team", PatientRecord, Api, api::patients::care_team),
        route(post.clone(), "/api/patients/{patient}/care-team/{link}/revoke", PatientRecord, Api, api::patients::revoke_link),
        route(get.clone(), "/api/patients/{patient}/questionnaires", PatientRecord, Api, api::questionnaires::list),
        route(post.clone(), "/api/patients/{patient}/questionnaires/acr2016", PatientRecord, Api, api::questionnaires::add_acr2016),
        route(post.clone(), "/api/patients/{patient}/questionnaires/phq9", PatientRecord, Api, api::questionnaires::add_phq9),
        route(post.clone(), "/api/patients/{patient}/questionnaires/gad7", PatientRecord, Api, api::questionnaires::add_gad7),
        route(post.clone(), "/api/patients/{patient}/questionnaires/fiqr", PatientRecord, Api, api::questionnaires::add_fiqr),
        route(get.clone(), "/api/alerts", Clinician, Api, api::questionnaires::alerts),
        route(post.clone(), "/api/alerts/{alert}/acknowledge", Clinician, Api, api::questionnaires::acknowledge),
        route(get.clone(), "/api/duty", Clinician, Api, api::questionnaires::duty),
        // ----- API: running the installation
        route(get.clone(), "/api/admin/accounts", Admin, Api, api::admin::accounts),
        route(post.clone(), "/api/admin/accounts", Admin, Api, api::admin::create_staff),
        route(post.clone(), "/api/admin/accounts/{account}/password-reset", Staff, Api, api::admin::password_reset),
        route(post.clone(), "/api/admin/care-links", Admin, Api, api::admin::link_care_team),
        route(get.clone(), "/api/admin/audit", Admin, Api, api::admin::audit),
        // ----- Pages
        route(get.clone(), "/", Public, Page, pages::home::show),
        route(get.clone(), "/help", Public, Page, pages::help::show),
        route(get.clone(), "/static/{file}", Public, Page, pages::assets::file),
        route(get.clone(), "/sign-in", Public, Page, pages::sign_in::form),
        route(post.clone(), "/sign-in", Public, Page, pages::sign_in::submit),
        route(post.clone(), "/sign-out", SignedIn, Page, pages::sign_in::sign_out),
        route(get.clone(), "/recover", Public, Page, pages::recover::form),
        route(post.clone(), "/recover", Public, Page, pages::recover::submit),
        route(get.clone(), "/link/{token}", Public, Page, pages::links::form),
        route(post.clone(), "/link/{token}", Public, Page, pages::links::submit),
        route(get.clone(), "/check-in", Patient, Page, pages::check_in::form),
        route(post.clone(), "/check-in", Patient, Page, pages::check_in::save),
        route(get.clone(), "/diary", Patient, Page, pages::diary::show),
        route(get.clone(), "/treatments", Patient, Page, pages::treatments::show),
        route(post.clone(), "/treatments", Patient, Page, pages::treatments::add),
        route(post.clone(), "/treatments/{period}/end", Patient, Page, pages::treatments::end),
        route(get.clone(), "/details", Patient, Page, pages::details::form),
        route(post.clone(), "/details", Patient, Page, pages::details::save),
        route(get.clone(), "/questionnaires", Patient, Page, pages::questionnaires::list),
        route(get.clone(), "/questionnaires/{instrument}", Patient, Page, pages::questionnaires::form),
        route(post.clone(), "/questionnaires/{instrument}", Patient, Page, pages::questionnaires::save),
        route(get.clone(), "/questionnaires/{instrument}/result/{response}", Patient, Page, pages::questionnaires::result),
        route(get.clone(), "/questionnaires/{instrument}/history", Patient, Page, pages::questionnaires::history),
        route(get.clone(), "/settings", SignedIn, Page, pages::settings::show),
        route(post.clone(), "/settings/display", SignedIn, Page, pages::settings::display),
        route(post.clone(), "/settings/password", SignedIn, Page, pages::settings::password),
        route(post.clone(), "/settings/recovery-codes", Patient, Page, pages::settings::recovery_codes),
        route(get.clone(), "/settings/access", Patient, Page, pages::history::show),
        route(post.clone(), "/settings/care-team/{link}/revoke", Patient, Page, pages::settings::revoke_link),
        route(post.clone(), "/settings/tokens", SignedIn, Page, pages::settings::create_token),
        route(post.clone(), "/settings/tokens/{token}/revoke", SignedIn, Page, pages::settings::revoke_token),
        route(get.clone(), "/patients", Clinician, Page, pages::patients::list),
        route(post.clone(), "/patients/invite", Clinician, Page, pages::patients::invite),
        route(get.clone(), "/patients/{patient}", Clinician, Page, pages::patients::show),
        route(post.clone(), "/patients/{patient}/password-reset", Clinician, Page, pages::patients::password_reset),
        route(get.clone(), "/patients/{patient}/questionnaires/{instrument}", Clinician, Page, pages::questionnaires::patient_history),
        route(get.clone(), "/alerts", Clinician, Page, pages::alerts::list),
        route(post.clone(), "/alerts/{alert}/acknowledge", Clinician, Page, pages::alerts::acknowledge),
        route(get.clone(), "/duty", Clinician, Page, pages::alerts::duty),
        route(get.clone(), "/admin", Admin, Page, pages::admin::show),
        route(post.clone(), "/admin/accounts", Admin, Page, pages::admin::create_staff),
        route(post.clone(), "/admin/accounts/{account}/reset", Admin, Page, pages::admin::password_reset),
        route(post.clone(), "/admin/accounts/{account}/active", Admin, Page, pages::admin::set_active),
        route(post.clone(), "/admin/care-links", Admin, Page, pages::admin::link_care_team),
        route(post.clone(), "/admin/clinic", Admin, Page, pages::admin::clinic_settings),
        route(get.clone(), "/admin/audit", Admin, Page, pages::admin::audit),
    ]
}

/// The route table without handlers, for the census test and the OpenAPI check.
pub fn table() -> Vec<RouteInfo> {
    routes().into_iter().map(|r| r.info).collect()
}

/// The whole application: every route behind its guard, plus the layers every answer passes.
pub fn app(state: AppState) -> Router {
    let mut by_path: BTreeMap<&'static str, MethodRouter<AppState>> = BTreeMap::new();
    for Route { info, handler } in routes() {
        let (access, kind) = (info.access, info.kind);
        let handler = match kind {
            Kind::Page => handler.route_layer(middleware::from_fn(html_rejections)),
            Kind::Api => handler,
        };
        let guarded = handler.route_layer(middleware::from_fn_with_state(
            state.clone(),
            move |State(s): State<AppState>, req: Request, next: Next| {
                guard(s, access, kind, req, next)
            },
        ));
        let merged = match by_path.remove(info.path) {
            Some(existing) => existing.merge(guarded),
            None => guarded,
        };
        by_path.insert(info.path, merged);
    }
    let mut router = Router::new();
    for (path, method_router) in by_path {
        router = router.route(path, method_router);
    }
    router
        .fallback(pages::not_found)
        .with_state(state)
        // A form or check-in is small; a megabyte is generous and keeps abuse cheap to refuse.
        .layer(RequestBodyLimitLayer::new(1024 * 1024))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        // No scripts or styles from anywhere but here, no inline ones, no framing.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                 font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; \
                 base-uri 'none'; object-src 'none'",
            ),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        // Not "no-referrer": with that, browsers send `Origin: null` on form posts, and the
        // origin check could no longer tell this site's forms from anyone else's.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        // Health data must not linger in shared caches or the back-forward cache of a shared computer.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        // Inside the headers above, so a compressed answer keeps them; brotli when the browser
        // offers it (every current one does over HTTPS), else gzip, else as it is.
        .layer(
            CompressionLayer::new().br(true).gzip(true).compress_when(
                SizeAbove::new(COMPRESS_FROM_BYTES)
                    .and(NotForContentType::IMAGES)
                    .and(NotForContentType::SSE),
            ),
        )
        .layer(middleware::from_fn(no_compression_for_other_sites))
        .layer(CatchPanicLayer::new())
}

/// BREACH (docs/architecture.md, "Compression and caching"): an attacker who can watch the size
/// of encrypted answers, and make the victim's browser send requests carrying text of their
/// choosing, can learn a secret that sits beside that text in a compressed page. Only requests
/// another site starts can carry the attacker's text, and browsers say so in `Sec-Fetch-Site`;
/// those answers go uncompressed. The session cookie is SameSite=Strict, so a cross-site request
/// carries no session and no secret anyway; this also covers a sibling subdomain (same-site, so
/// the cookie goes), and costs nothing to the pages people move between (same-origin).
async fn no_compression_for_other_sites(mut req: Request, next: Next) -> Response {
    let started_elsewhere = req
        .headers()
        .get("sec-fetch-site")
        .is_some_and(|v| v.as_bytes() == b"cross-site" || v.as_bytes() == b"same-site");
    if started_elsewhere {
        req.headers_mut().remove(header::ACCEPT_ENCODING);
    }
    let mut response = next.run(req).await;
    // A shared cache must not hand the uncompressed copy made for another site's request to
    // this site's pages (or the other way round): the answer depends on this header too.
    let varies_by_encoding = response
        .headers()
        .get_all(header::VARY)
        .iter()
        .any(|v| v.as_bytes().eq_ignore_ascii_case(b"accept-encoding"));
    if varies_by_encoding {
        response
            .headers_mut()
            .append(header::VARY, HeaderValue::from_static("sec-fetch-site"));
    }
    response
}

/// A page whose address cannot be read answers with the error page, not axum's plain-text
/// rejection: a path parameter that is not what the route takes (`/patients/abc`) names nothing
/// that can exist, so 404; a query that cannot be read (`?part=two`) is 400. Every page handler
/// is covered without changing it, and so is every page added later. Only the plain-text answers
/// of extractors are rewritten: pages themselves answer HTML, a redirect or the stylesheet.
async fn html_rejections(req: Request, next: Next) -> Response {
    let response = next.run(req).await;
    let plain_text = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|t| t.as_bytes().starts_with(b"text/plain"));
    if !response.status().is_client_error() || !plain_text {
        return response;
    }
    let status = response.status();
    // An extractor's rejection is one short sentence; anything longer is not one and is not read.
    let body = axum::body::to_bytes(response.into_body(), 4096)
        .await
        .unwrap_or_default();
    // axum's path rejection (`FailedToDeserializePathParams`) starts its text so.
    if body.starts_with(b"Invalid URL") {
        return PageError::NotFound.into_response();
    }
    let status = if status == StatusCode::NOT_FOUND {
        status
    } else {
        StatusCode::BAD_REQUEST
    };
    PageError::Message(
        status,
        "Part of this page's address could not be read. Go back and follow the link again, \
         or check the address."
            .into(),
    )
    .into_response()
}
