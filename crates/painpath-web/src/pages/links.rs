//! `/link/{token}`: one-time links: the first admin, a patient's invitation, a password reset.
//!
//! A new patient's account comes with recovery codes, shown once, so that a forgotten password
//! rarely needs the clinic; and nobody signed in as staff may open a patient's reset link, so that
//! staff cannot set a patient's password and sign in as them (issue 6).

use askama::Template;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use painpath_core::person::{DisplayName, Role, Username, check_new_password};
use painpath_core::problems::Problems;
use painpath_store::{LinkPurpose, NewAccount, OneTimeLink, StoreError};

use super::{Layout, problem_for, render, render_status, see_other};
use crate::AppState;
use crate::access::MaybeCaller;
use crate::auth::{self, token_hash};
use crate::error::PageError;
use crate::forms::{Fields, PublicForm};

/// A patient's recovery codes, shown once: when the account is made, and when they make new ones.
#[derive(Template)]
#[template(path = "recovery_codes.html")]
pub struct CodesPage {
    pub layout: Layout,
    pub codes: Vec<String>,
    /// Where "I have kept them" goes.
    pub next: &'static str,
    /// A new account (rather than codes made again in settings).
    pub fresh: bool,
}

#[derive(Template)]
#[template(path = "link.html")]
struct LinkPage {
    layout: Layout,
    token: String,
    heading: &'static str,
    intro: &'static str,
    new_account: bool,
    fields: Fields,
    problems: Problems,
}

impl LinkPage {
    fn problem(&self, field: &str) -> &str {
        problem_for(&self.problems, field)
    }
}

async fn live_link(state: &AppState, token: &str) -> Result<OneTimeLink, PageError> {
    let link = state
        .store
        .link(&token_hash(token))
        .await?
        .ok_or(PageError::NotFound)?;
    if link.used_at.is_some() || link.expires_at <= state.clock.now() {
        return Err(StoreError::LinkUsed.into());
    }
    Ok(link)
}

fn page(
    state: &AppState,
    token: String,
    purpose: LinkPurpose,
    fields: Fields,
    problems: Problems,
) -> LinkPage {
    let (heading, intro, new_account) = match purpose {
        LinkPurpose::FirstAdmin => (
            "Set up painpath",
            "Create the first administrator account. Administrators run the installation and create staff accounts; they do not see health records.",
            true,
        ),
        LinkPurpose::PatientInvitation { .. } => (
            "Create your account",
            "Your clinician has invited you to keep your diary in painpath. They will be able to see what you record; you can see and remove their access at any time in Settings.",
            true,
        ),
        LinkPurpose::PasswordReset { .. } => (
            "Choose a new password",
            "Choose a new password for your account. Any other signed-in devices will be signed out.",
            false,
        ),
    };
    LinkPage {
        layout: Layout::new(state, None, heading, ""),
        token,
        heading,
        intro,
        new_account,
        fields,
        problems,
    }
}

/// Why a member of staff may not open a patient's reset link.
const STAFF_ON_PATIENT_RESET: &str = "This is a patient's password-reset link, and you are signed in as staff. Only the patient may use it, on their own device: give it to them, and do not open it yourself. Nothing was changed.";

/// Refuses a patient's reset link to anyone signed in as staff (the store refuses it too).
fn refuse_staff(link: &OneTimeLink, caller: Option<&crate::auth::Caller>) -> Result<(), PageError> {
    let staff = caller.is_some_and(|c| c.account.role.is_staff());
    if staff
        && matches!(link.purpose, LinkPurpose::PasswordReset { .. })
        && link.subject_role == Some(Role::Patient)
    {
        return Err(PageError::Message(
            StatusCode::FORBIDDEN,
            STAFF_ON_PATIENT_RESET.into(),
        ));
    }
    Ok(())
}

pub async fn form(
    State(state): State<AppState>,
    Extension(MaybeCaller(caller)): Extension<MaybeCaller>,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let link = live_link(&state, &token).await?;
    refuse_staff(&link, caller.as_ref())?;
    render(&page(
        &state,
        token,
        link.purpose,
        Fields::default(),
        Problems::new(),
    ))
}

pub async fn submit(
    State(state): State<AppState>,
    Extension(MaybeCaller(caller)): Extension<MaybeCaller>,
    Path(token): Path<String>,
    PublicForm(f): PublicForm,
) -> Result<Response, PageError> {
    let link = live_link(&state, &token).await?;
    refuse_staff(&link, caller.as_ref())?;
    let mut problems = Problems::new();
    let password = f.get("password").to_owned();
    if let Err(m) = check_new_password(&password) {
        problems.add("password", m);
    } else if password != f.get("confirm") {
        problems.add("confirm", "the two passwords differ");
    }
    let now = state.clock.now();
    match link.purpose {
        LinkPurpose::PasswordReset { .. } => {
            if !problems.is_empty() {
                return render_status(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &page(&state, token, link.purpose, f, problems),
                );
            }
            let hash = auth::hash_password(password).await?;
            let by = caller.as_ref().map(crate::auth::Caller::actor);
            // The store also forgets the account's failed sign-ins, so the new password works
            // at once, whatever someone else tried before.
            state
                .store
                .redeem_password_reset(by.as_ref(), &token_hash(&token), now, &hash)
                .await?;
            Ok(see_other("/sign-in?next=/"))
        }
        LinkPurpose::FirstAdmin | LinkPurpose::PatientInvitation { .. } => {
            let username = problems.check("username", Username::parse(f.get("username")));
            let name = problems.check("display_name", DisplayName::parse(f.get("display_name")));
            let (Some(username), Some(name)) = (username, name) else {
                return render_status(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &page(&state, token, link.purpose, f, problems),
                );
            };
            if !problems.is_empty() {
                return render_status(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &page(&state, token, link.purpose, f, problems),
                );
            }
            let role = match link.purpose {
                LinkPurpose::FirstAdmin => Role::Admin,
                _ => Role::Patient,
            };
            let hash = auth::hash_password(password).await?;
            // A patient's recovery codes are made with the account, in the same transaction,
            // and shown once below; only their hashes are kept.
            let (codes, code_hashes) = if role == Role::Patient {
                auth::recovery_codes()
            } else {
                (Vec::new(), Vec::new())
            };
            let new = NewAccount {
                username: username.clone(),
                display_name: name.as_str().to_owned(),
                role,
                password_hash: hash,
                recovery_codes: code_hashes,
            };
            match state
                .store
                .redeem_account_link(&token_hash(&token), now, &new)
                .await
            {
                Ok(_) => {}
                Err(StoreError::Conflict("username")) => {
                    let mut p = Problems::new();
                    p.add("username", "that username is taken; choose another");
                    return render_status(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        &page(&state, token, link.purpose, f, p),
                    );
                }
                Err(e) => return Err(e.into()),
            }
            let account = state
                .store
                .credentials(&username)
                .await?
                .ok_or(PageError::NotFound)?
                .account;
            let cookie = auth::start_session(&state, &account, false).await?;
            let mut response = if role == Role::Patient {
                render(&CodesPage {
                    layout: Layout::new(&state, None, "Your recovery codes", ""),
                    codes,
                    next: "/details?welcome=1",
                    fresh: true,
                })?
            } else {
                see_other("/")
            };
            response.headers_mut().insert(
                SET_COOKIE,
                HeaderValue::from_str(&cookie).map_err(|e| PageError::Internal(e.to_string()))?,
            );
            Ok(response)
        }
    }
}
