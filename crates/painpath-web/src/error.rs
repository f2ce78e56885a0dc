//! Errors at the edge: [`ApiError`] becomes a JSON answer, [`PageError`] an HTML page.
//!
//! Internals (database messages) go to the log once, here, where they become a response; the
//! person sees a plain sentence. Another person's record answers 404, never 403, so its existence
//! is not confirmed.

use askama::Template;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use painpath_core::problems::Problems;
use painpath_store::StoreError;
use painpath_wire::ErrorBody;

/// An error answer of the JSON API.
#[derive(Debug)]
pub enum ApiError {
    /// 401: no session or token, or one that has ended.
    Unauthorised,
    /// 403: the caller's role may never do this.
    Forbidden,
    /// 403, with why and what to do instead.
    ForbiddenBecause(String),
    /// 404: nothing there, or nothing the caller may see.
    NotFound,
    /// 409: the change conflicts with what is stored.
    Conflict(String),
    /// 400: the body is not JSON at all.
    Malformed(Problems),
    /// 422: the body is JSON but a field is wrong.
    Invalid(Problems),
    /// 429: too many sign-in attempts.
    TooMany(String),
    /// 503 with `Retry-After`: too many passwords are being checked at once.
    Busy,
    /// 500: logged, never shown.
    Internal(String),
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        match e {
            StoreError::NotFound => ApiError::NotFound,
            StoreError::Forbidden => ApiError::Forbidden,
            StoreError::Conflict(what) => ApiError::Conflict(conflict_message(what)),
            StoreError::LinkUsed => {
                ApiError::Conflict("the link has expired or has been used".into())
            }
            StoreError::Unavailable(detail) => ApiError::Internal(detail),
        }
    }
}

/// A plain sentence for each uniqueness rule the store names.
pub fn conflict_message(what: &str) -> String {
    match what {
        "username" => "that username is taken; choose another".into(),
        "care_link" => "they are already on this care team".into(),
        "period_ended" => "that treatment period has already ended".into(),
        "alert_acknowledged" => "that alert has already been acknowledged".into(),
        "alert_changed" => {
            "a newer answer has arrived since you looked: read the alert again, then acknowledge it"
                .into()
        }
        "check_in" => "there is already a check-in for that day; use PUT to replace it".into(),
        other => format!("that conflicts with what is stored ({other})"),
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = match self {
            ApiError::Unauthorised => (
                StatusCode::UNAUTHORIZED,
                ErrorBody::message("sign in first, or send an API token"),
            ),
            ApiError::Forbidden => (
                StatusCode::FORBIDDEN,
                ErrorBody::message("your account may not do this"),
            ),
            ApiError::ForbiddenBecause(m) => (StatusCode::FORBIDDEN, ErrorBody::message(m)),
            ApiError::NotFound => (StatusCode::NOT_FOUND, ErrorBody::message("not found")),
            ApiError::Conflict(m) => (StatusCode::CONFLICT, ErrorBody::message(m)),
            ApiError::Malformed(p) => (StatusCode::BAD_REQUEST, ErrorBody::from_problems(p)),
            ApiError::Invalid(p) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorBody::from_problems(p),
            ),
            ApiError::TooMany(m) => (StatusCode::TOO_MANY_REQUESTS, ErrorBody::message(m)),
            ApiError::Busy => {
                return busy(
                    (
                        StatusCode::SERVICE_UNAVAILABLE,
                        Json(ErrorBody::message(crate::auth::BUSY)),
                    )
                        .into_response(),
                );
            }
            ApiError::Internal(detail) => {
                tracing::error!(error = %detail, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ErrorBody::message("something went wrong on our side; nothing was saved"),
                )
            }
        };
        (status, Json(body)).into_response()
    }
}

/// An error while serving a page.
#[derive(Debug)]
pub enum PageError {
    /// Not signed in: go to the sign-in page, then come back.
    SignIn {
        next: String,
    },
    Forbidden,
    NotFound,
    /// A plain message for the person, with its status (a used link, a form that expired).
    Message(StatusCode, String),
    /// 503 with `Retry-After`: too many passwords are being checked at once.
    Busy,
    Internal(String),
}

/// Adds `Retry-After` to a "busy" answer, so that browsers and programs know when to try again.
pub fn busy(mut response: Response) -> Response {
    response.headers_mut().insert(
        axum::http::header::RETRY_AFTER,
        axum::http::HeaderValue::from(crate::auth::BUSY_RETRY_AFTER_SECONDS),
    );
    response
}

impl From<crate::auth::AuthError> for PageError {
    fn from(e: crate::auth::AuthError) -> PageError {
        match e {
            crate::auth::AuthError::Busy => PageError::Busy,
            crate::auth::AuthError::Hash => PageError::Internal(e.to_string()),
        }
    }
}

impl From<crate::auth::AuthError> for ApiError {
    fn from(e: crate::auth::AuthError) -> ApiError {
        match e {
            crate::auth::AuthError::Busy => ApiError::Busy,
            crate::auth::AuthError::Hash => ApiError::Internal(e.to_string()),
        }
    }
}

impl From<StoreError> for PageError {
    fn from(e: StoreError) -> PageError {
        match e {
            StoreError::NotFound => PageError::NotFound,
            StoreError::Forbidden => PageError::Forbidden,
            StoreError::Conflict(what) => {
                PageError::Message(StatusCode::CONFLICT, conflict_message(what))
            }
            StoreError::LinkUsed => PageError::Message(
                StatusCode::GONE,
                "This link has expired or has already been used. Ask your clinic for a new one."
                    .into(),
            ),
            StoreError::Unavailable(detail) => PageError::Internal(detail),
        }
    }
}

impl From<askama::Error> for PageError {
    fn from(e: askama::Error) -> PageError {
        PageError::Internal(format!("template: {e}"))
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: crate::pages::Layout,
    heading: &'static str,
    message: String,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, heading, message) = match self {
            PageError::SignIn { next } => {
                let to = format!("/sign-in?next={}", crate::pages::url_encode(&next));
                return Redirect::to(&to).into_response();
            }
            PageError::Forbidden => (
                StatusCode::FORBIDDEN,
                "Not available",
                "Your account cannot open this page.".to_owned(),
            ),
            PageError::NotFound => (
                StatusCode::NOT_FOUND,
                "Page not found",
                "There is nothing here, or nothing you can see. Check the address, or go back to your home page.".to_owned(),
            ),
            PageError::Message(status, m) => (status, "Something needs your attention", m),
            PageError::Busy => (
                StatusCode::SERVICE_UNAVAILABLE,
                "Busy just now",
                crate::auth::BUSY.to_owned(),
            ),
            PageError::Internal(detail) => {
                tracing::error!(error = %detail, "page failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong",
                    "Something went wrong on our side and nothing was saved. Please try again in a moment.".to_owned(),
                )
            }
        };
        let page = ErrorPage {
            layout: crate::pages::Layout::bare(heading),
            heading,
            message,
        };
        let response = match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, heading).into_response(),
        };
        if status == StatusCode::SERVICE_UNAVAILABLE {
            busy(response)
        } else {
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_answers_are_503_with_retry_after_for_pages_and_the_api() {
        for response in [
            PageError::Busy.into_response(),
            ApiError::Busy.into_response(),
            PageError::from(crate::auth::AuthError::Busy).into_response(),
        ] {
            assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
            assert_eq!(
                response
                    .headers()
                    .get(axum::http::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok()),
                Some("2")
            );
        }
        // Other errors carry no Retry-After.
        let other = PageError::NotFound.into_response();
        assert!(
            other
                .headers()
                .get(axum::http::header::RETRY_AFTER)
                .is_none()
        );
    }
}
