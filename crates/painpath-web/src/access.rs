//! Access classes of the route table, and the guard that enforces them before any handler runs.
//!
//! The guard answers who is calling and whether their role may use the route at all. Whether they
//! may see *this* patient is decided again by the store, from the care-team links, so a handler
//! that forgot a check still could not leak a record.

use axum::extract::Request;
use axum::http::header::{HOST, ORIGIN};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use painpath_core::person::Role;

use crate::AppState;
use crate::auth::{self, Caller};
use crate::error::{ApiError, PageError};

/// Who may use a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in account.
    SignedIn,
    /// Patients only (their own diary, treatments and details).
    Patient,
    /// Clinicians only.
    Clinician,
    /// Admins only: running the installation, never health data.
    Admin,
    /// Admins and clinicians.
    Staff,
    /// One patient's record, named in the path: the patient, or a clinician on their care team
    /// (the store checks the link). Admins never.
    PatientRecord,
}

impl Access {
    pub fn allows(self, role: Role) -> bool {
        match self {
            Access::Public | Access::SignedIn => true,
            Access::Patient => role == Role::Patient,
            Access::Clinician => role == Role::Clinician,
            Access::Admin => role == Role::Admin,
            Access::Staff => role.is_staff(),
            Access::PatientRecord => matches!(role, Role::Patient | Role::Clinician),
        }
    }
}

/// Whether a route answers JSON or HTML; it decides how a refusal looks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Api,
    Page,
}

/// The caller, if any, for public routes that look different when signed in.
#[derive(Clone, Debug)]
pub struct MaybeCaller(pub Option<Caller>);

pub async fn guard(
    state: AppState,
    access: Access,
    kind: Kind,
    mut req: Request,
    next: Next,
) -> Response {
    let mut caller = match auth::caller(&state, req.headers()).await {
        Ok(c) => c,
        Err(e) => {
            return match kind {
                Kind::Api => ApiError::from(e).into_response(),
                Kind::Page => PageError::from(e).into_response(),
            };
        }
    };
    if access != Access::Public {
        match &caller {
            None => {
                return match kind {
                    Kind::Api => ApiError::Unauthorised.into_response(),
                    Kind::Page => PageError::SignIn {
                        next: req
                            .uri()
                            .path_and_query()
                            .map(|p| p.as_str().to_owned())
                            .unwrap_or_else(|| "/".into()),
                    }
                    .into_response(),
                };
            }
            Some(c) if !access.allows(c.account.role) => {
                return match kind {
                    Kind::Api => ApiError::Forbidden.into_response(),
                    Kind::Page => PageError::Forbidden.into_response(),
                };
            }
            Some(_) => {}
        }
    }
    // The caller is checked first (contracts/server.md). Then, for changes made with a browser
    // session or by someone not signed in (the sign-in form), the origin must be this site's:
    // defence in depth beside SameSite=Strict cookies and form tokens. A bearer token carries no
    // cookie a forger could ride on, so it needs no origin check.
    let browser = !matches!(
        caller,
        Some(Caller {
            via: auth::Via::ApiToken,
            ..
        })
    );
    if !req.method().is_safe() && browser && !same_origin(&state, req.headers()) {
        return refuse(
            kind,
            StatusCode::FORBIDDEN,
            "This form came from another site, so it was not accepted.",
        );
    }
    let address = req
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| {
            crate::proxy::client_address(c.0.ip(), req.headers(), &state.config.trusted_proxies)
                .to_string()
        })
        .unwrap_or_else(|| "unknown".into());
    req.extensions_mut().insert(auth::ClientAddress(address));
    // A clinician's menu shows how many alerts are on the duty list, on every page they see, so
    // that an alert nobody has picked up is never more than a glance away.
    if kind == Kind::Page
        && req.method() == axum::http::Method::GET
        && let Some(c) = caller
            .as_mut()
            .filter(|c| c.account.role == Role::Clinician)
    {
        c.duty_count = state
            .store
            .duty_count(&c.actor(), state.clock.now())
            .await
            .ok();
    }
    req.extensions_mut().insert(MaybeCaller(caller.clone()));
    if let Some(c) = caller {
        req.extensions_mut().insert(c);
    }
    next.run(req).await
}

fn refuse(kind: Kind, status: StatusCode, message: &str) -> Response {
    match kind {
        Kind::Api => (
            status,
            axum::Json(painpath_wire::ErrorBody::message(message)),
        )
            .into_response(),
        Kind::Page => PageError::Message(status, message.to_owned()).into_response(),
    }
}

/// Defence in depth beside SameSite=Strict cookies and form tokens: a state-changing request
/// that says it came from another origin is refused. Programs that send no `Origin` (API clients
/// with a bearer token) are let through; they carry no cookie a forger could ride on.
fn same_origin(state: &AppState, headers: &HeaderMap) -> bool {
    if headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == "cross-site")
    {
        return false;
    }
    let Some(origin) = headers.get(ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    if let Some(public) = state.config.public_url.as_deref() {
        // An origin is scheme and host only: `https://example.org/painpath` has the origin
        // `https://example.org`.
        let after_scheme = public.find("://").map_or(0, |i| i + 3);
        let end = public[after_scheme..]
            .find('/')
            .map_or(public.len(), |i| after_scheme + i);
        return origin == &public[..end];
    }
    let Some(host) = headers.get(HOST).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    origin == format!("http://{host}") || origin == format!("https://{host}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admins_are_kept_out_of_patient_records_and_patients_out_of_staff_routes() {
        assert!(!Access::PatientRecord.allows(Role::Admin));
        assert!(Access::PatientRecord.allows(Role::Patient));
        assert!(Access::PatientRecord.allows(Role::Clinician));
        assert!(!Access::Staff.allows(Role::Patient));
        assert!(!Access::Admin.allows(Role::Clinician));
        assert!(!Access::Patient.allows(Role::Clinician));
    }
}
