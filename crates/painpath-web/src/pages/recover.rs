//! `/recover`: a patient sets a new password with one of their own recovery codes, so that a
//! forgotten password rarely needs anyone at the clinic (issue 6). Attempts are counted like
//! sign-ins (five per account, thirty per address, in 15 minutes) but under their own account
//! key, so that wrong passwords sent by someone else do not also lock the patient out of their
//! codes; a used code never works again; and a new password ends every other session and API
//! token of the account and clears its failed sign-ins.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use painpath_core::person::{Username, check_new_password};
use painpath_core::problems::Problems;
use painpath_store::StoreError;

use super::{Layout, problem_for, render, render_status, see_other};
use crate::AppState;
use crate::access::MaybeCaller;
use crate::auth::{self, ClientAddress};
use crate::error::PageError;
use crate::forms::{Fields, PublicForm};

#[derive(Template)]
#[template(path = "recover.html")]
struct RecoverPage {
    layout: Layout,
    fields: Fields,
    problems: Problems,
    error: String,
}

impl RecoverPage {
    fn problem(&self, field: &str) -> &str {
        problem_for(&self.problems, field)
    }
}

/// The same words whether the username or the code is wrong, so a refusal says neither exists.
const NO_MATCH: &str = "That username and recovery code do not match an unused code. Check them and try again, or ask your clinician for a reset link.";

fn page(state: &AppState, fields: Fields, problems: Problems, error: &str) -> RecoverPage {
    RecoverPage {
        layout: Layout::new(state, None, "Forgotten your password?", "/recover"),
        fields,
        problems,
        error: error.to_owned(),
    }
}

pub async fn form(
    State(state): State<AppState>,
    Extension(MaybeCaller(caller)): Extension<MaybeCaller>,
) -> Result<Response, PageError> {
    if caller.is_some() {
        return Ok(see_other("/settings"));
    }
    render(&page(&state, Fields::default(), Problems::new(), ""))
}

pub async fn submit(
    State(state): State<AppState>,
    Extension(address): Extension<ClientAddress>,
    PublicForm(f): PublicForm,
) -> Result<Response, PageError> {
    let mut problems = Problems::new();
    let username = problems.check("username", Username::parse(f.get("username")));
    if auth::normalise_recovery_code(f.get("code")).is_empty() {
        problems.add(
            "code",
            "enter one of your recovery codes, such as 7KQ2-M9XD-4HPA-RT3W",
        );
    }
    let password = f.get("password").to_owned();
    if let Err(m) = check_new_password(&password) {
        problems.add("password", m);
    } else if password != f.get("confirm") {
        problems.add("confirm", "the two passwords differ");
    }
    let again = |status: StatusCode, problems: Problems, error: &str| {
        // Never send a code or password back into the page.
        let kept = Fields(
            f.0.iter()
                .filter(|(k, _)| k == "username")
                .cloned()
                .collect(),
        );
        render_status(status, &page(&state, kept, problems, error))
    };
    let Some(username) = username.filter(|_| problems.is_empty()) else {
        return again(StatusCode::UNPROCESSABLE_ENTITY, problems, "");
    };
    let Some(reservation) =
        auth::reserve_recovery_attempt(&state, username.as_str(), &address.0).await?
    else {
        return again(
            StatusCode::TOO_MANY_REQUESTS,
            Problems::new(),
            auth::TOO_MANY_RECOVERY_ATTEMPTS,
        );
    };
    let hash = match auth::hash_password(password).await {
        Ok(h) => h,
        Err(e) => {
            reservation.not_judged(&state).await?;
            return Err(e.into());
        }
    };
    match state
        .store
        .redeem_recovery_code(
            &username,
            &auth::recovery_code_hash(f.get("code")),
            state.clock.now(),
            &hash,
        )
        .await
    {
        Ok(_) => {
            // The store has forgotten the account's failed sign-ins too: the new password works
            // at once, whatever someone else tried before.
            reservation.succeeded(&state).await?;
            Ok(see_other("/sign-in?recovered=1"))
        }
        Err(StoreError::NotFound) => again(StatusCode::UNAUTHORIZED, Problems::new(), NO_MATCH),
        Err(e) => Err(e.into()),
    }
}
