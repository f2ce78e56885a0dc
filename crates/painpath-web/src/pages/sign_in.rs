//! `/sign-in` and `/sign-out`.

use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;

use super::{Layout, render, render_status, see_other};
use crate::AppState;
use crate::access::MaybeCaller;
use crate::auth::{self, Caller, ClientAddress, SignInError, Via};
use crate::error::PageError;
use crate::forms::PublicForm;

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    layout: Layout,
    next: String,
    username: String,
    error: String,
    keep: bool,
    /// Just set a new password with a recovery code.
    recovered: bool,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct NextQuery {
    next: String,
    recovered: String,
}

/// Only a path on this site may follow sign-in, never another site (an open redirect).
fn safe_next(next: &str) -> String {
    // Browsers drop tabs and newlines from addresses, so `/\t/evil.example` would become
    // `//evil.example`: refuse any whitespace or control character as well as `//` and `\`.
    let plain = next.chars().all(|c| !c.is_whitespace() && !c.is_control());
    if plain && next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next.to_owned()
    } else {
        "/".to_owned()
    }
}

pub async fn form(
    State(state): State<AppState>,
    Extension(MaybeCaller(caller)): Extension<MaybeCaller>,
    Query(q): Query<NextQuery>,
) -> Result<Response, PageError> {
    if caller.is_some() {
        return Ok(see_other(&safe_next(&q.next)));
    }
    render(&SignInPage {
        layout: Layout::new(&state, None, "Sign in", "/sign-in"),
        next: safe_next(&q.next),
        username: String::new(),
        error: String::new(),
        keep: false,
        recovered: !q.recovered.is_empty(),
    })
}

pub async fn submit(
    State(state): State<AppState>,
    Extension(address): Extension<ClientAddress>,
    PublicForm(f): PublicForm,
) -> Result<Response, PageError> {
    let next = safe_next(f.get("next"));
    let keep = f.has("keep_signed_in");
    let again = |error: &str, status: StatusCode| {
        render_status(
            status,
            &SignInPage {
                layout: Layout::new(&state, None, "Sign in", "/sign-in"),
                next: next.clone(),
                username: f.get("username").to_owned(),
                error: error.to_owned(),
                keep,
                recovered: false,
            },
        )
    };
    let account =
        match auth::check_credentials(&state, f.get("username"), f.get("password"), &address.0)
            .await
        {
            Ok(a) => a,
            Err(SignInError::Wrong) => {
                return again(auth::WRONG_CREDENTIALS, StatusCode::UNAUTHORIZED);
            }
            Err(SignInError::TooMany) => {
                return again(auth::TOO_MANY_ATTEMPTS, StatusCode::TOO_MANY_REQUESTS);
            }
            Err(SignInError::Busy) => {
                return again(auth::BUSY, StatusCode::SERVICE_UNAVAILABLE).map(crate::error::busy);
            }
            Err(SignInError::Store(e)) => return Err(e.into()),
        };
    let cookie = auth::start_session(&state, &account, keep).await?;
    let mut response = see_other(&next);
    response.headers_mut().insert(
        SET_COOKIE,
        HeaderValue::from_str(&cookie).map_err(|e| PageError::Internal(e.to_string()))?,
    );
    Ok(response)
}

pub async fn sign_out(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    _form: crate::forms::SignedForm,
) -> Result<Response, PageError> {
    if let Via::Session { token_hash, .. } = &caller.via {
        state.store.end_session(token_hash).await?;
    }
    let mut response = see_other("/sign-in");
    response.headers_mut().insert(
        SET_COOKIE,
        HeaderValue::from_str(&auth::clear_session_cookie(&state))
            .map_err(|e| PageError::Internal(e.to_string()))?,
    );
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_follow_sign_in() {
        assert_eq!(safe_next("/diary"), "/diary");
        assert_eq!(safe_next("//evil.example"), "/");
        assert_eq!(safe_next("https://evil.example"), "/");
        assert_eq!(safe_next("/\\evil.example"), "/");
        assert_eq!(safe_next("/\t/evil.example"), "/");
        assert_eq!(safe_next("/\n/evil.example"), "/");
        assert_eq!(safe_next("/ /evil.example"), "/");
    }
}
