//! `/settings`: display settings for a bad day, password, care-team links and API tokens.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use painpath_core::person::{Role, check_new_password};
use painpath_core::problems::Problems;
use painpath_store::{CareLink, Preferences};

use super::{Layout, problem_for, render, render_status, see_other};
use crate::AppState;
use crate::auth::{self, Caller, ClientAddress, Via};
use crate::clock::uk_instant;
use crate::error::PageError;
use crate::forms::SignedForm;

pub struct LinkRow {
    pub id: i64,
    pub clinician: String,
    pub granted: String,
    pub revoked: String,
    /// The clinician's account is deactivated: they see nothing and are not told of alerts.
    pub inactive: bool,
}

pub struct TokenRow {
    pub id: i64,
    pub name: String,
    pub created: String,
    pub expires: String,
    pub live: bool,
}

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    layout: Layout,
    is_patient: bool,
    low_glare: bool,
    large_text: bool,
    links: Vec<LinkRow>,
    tokens: Vec<TokenRow>,
    new_token: String,
    message: String,
    problems: Problems,
    /// The patient has an alert no clinician has acknowledged yet.
    open_alert: bool,
    /// A patient's unused recovery codes, and when they were made.
    codes_left: u32,
    codes_made: String,
}

impl SettingsPage {
    fn problem(&self, field: &str) -> &str {
        problem_for(&self.problems, field)
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct SettingsQuery {
    done: String,
}

fn link_row(l: &CareLink) -> LinkRow {
    LinkRow {
        id: l.id,
        clinician: l.clinician_name.clone(),
        granted: uk_instant(l.granted_at),
        revoked: l.revoked_at.map(uk_instant).unwrap_or_default(),
        inactive: !l.clinician_active,
    }
}

async fn page(
    state: &AppState,
    caller: &Caller,
    new_token: String,
    message: String,
    problems: Problems,
) -> Result<SettingsPage, PageError> {
    let actor = caller.actor();
    let links = if caller.account.role == Role::Patient {
        state
            .store
            .care_links(&actor, caller.account.id)
            .await?
            .iter()
            .map(link_row)
            .collect()
    } else {
        Vec::new()
    };
    let (codes_left, codes_made) = if caller.account.role == Role::Patient {
        state.store.recovery_codes_left(&actor).await?
    } else {
        (0, None)
    };
    let open_alert = caller.account.role == Role::Patient
        && state
            .store
            .patient_alerts(&actor, caller.account.id)
            .await?
            .iter()
            .any(|a| a.acknowledged_at.is_none());
    let now = state.clock.now();
    let tokens = state
        .store
        .api_tokens(&actor)
        .await?
        .into_iter()
        .map(|t| TokenRow {
            id: t.id,
            name: t.name,
            created: uk_instant(t.created_at),
            expires: t
                .expires_at
                .map(uk_instant)
                .unwrap_or_else(|| "never".into()),
            live: t.revoked_at.is_none() && t.expires_at.is_none_or(|e| e > now),
        })
        .collect();
    Ok(SettingsPage {
        layout: Layout::new(state, Some(caller), "Settings", "/settings"),
        is_patient: caller.account.role == Role::Patient,
        low_glare: caller.preferences.low_glare,
        large_text: caller.preferences.large_text,
        links,
        tokens,
        new_token,
        message,
        problems,
        open_alert,
        codes_left,
        // Shown so that codes made by someone else (who had the password) do not go unnoticed.
        codes_made: codes_made.map(uk_instant).unwrap_or_default(),
    })
}

pub async fn show(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<SettingsQuery>,
) -> Result<Response, PageError> {
    let message = match q.done.as_str() {
        "display" => "Display settings saved.",
        "password" => {
            "Your password is changed. Other devices have been signed out and your API tokens ended."
        }
        "revoked" => "Done. That clinician can no longer see your record.",
        "revoked-duty" => {
            "Done. That clinician can no longer see your record. You have no active clinician linked now, so your open alert has gone to the clinic's duty list, which the clinic's other clinicians can see (not the one you removed)."
        }
        "revoked-nobody" => {
            "Done. That clinician can no longer see your record. Nobody at the clinic can now see your open alert in painpath. If you are in danger or cannot keep yourself safe, use the services on the Need help now? page straight away."
        }
        "token" => "The token is revoked.",
        _ => "",
    };
    render(
        &page(
            &state,
            &caller,
            String::new(),
            message.to_owned(),
            Problems::new(),
        )
        .await?,
    )
}

pub async fn display(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    SignedForm(f): SignedForm,
) -> Result<Response, PageError> {
    let prefs = Preferences {
        low_glare: f.has("low_glare"),
        large_text: f.has("large_text"),
    };
    state.store.save_preferences(&caller.actor(), prefs).await?;
    Ok(see_other("/settings?done=display"))
}

/// Checks the signed-in person's current password, counted against the same sign-in limits as
/// the sign-in form, so that a session left open cannot be used to guess it. `Ok(false)`: wrong
/// (the attempt stays counted).
async fn current_password_ok(
    state: &AppState,
    caller: &Caller,
    address: &ClientAddress,
    typed: &str,
) -> Result<bool, PageError> {
    let username = caller.account.username.as_str();
    let Some(reservation) = auth::reserve_attempt(state, username, &address.0).await? else {
        return Err(PageError::Message(
            StatusCode::TOO_MANY_REQUESTS,
            auth::TOO_MANY_ATTEMPTS.into(),
        ));
    };
    let hash = match state.store.credentials(&caller.account.username).await? {
        Some(c) => c.password_hash,
        None => return Ok(false),
    };
    match auth::verify_password(typed.to_owned(), hash).await {
        Ok(true) => {
            reservation.succeeded(state).await?;
            Ok(true)
        }
        Ok(false) => Ok(false),
        Err(e) => {
            reservation.not_judged(state).await?;
            Err(e.into())
        }
    }
}

pub async fn password(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Extension(address): Extension<ClientAddress>,
    SignedForm(f): SignedForm,
) -> Result<Response, PageError> {
    let mut problems = Problems::new();
    if !current_password_ok(&state, &caller, &address, f.get("current")).await? {
        problems.add("current", "your current password is not right");
    }
    let new = f.get("new_password").to_owned();
    if let Err(m) = check_new_password(&new) {
        problems.add("new_password", m);
    } else if new != f.get("confirm") {
        problems.add("confirm", "the two new passwords differ");
    }
    if !problems.is_empty() {
        let p = page(&state, &caller, String::new(), String::new(), problems).await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &p);
    }
    let hash = auth::hash_password(new).await?;
    let keep = match &caller.via {
        Via::Session { token_hash, .. } => Some(token_hash.as_str()),
        Via::ApiToken => None,
    };
    state
        .store
        .change_own_password(&caller.actor(), &hash, keep)
        .await?;
    Ok(see_other("/settings?done=password"))
}

/// New recovery codes for a patient, after their password: replaces the unused ones, and shows
/// the new ones once.
pub async fn recovery_codes(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Extension(address): Extension<ClientAddress>,
    SignedForm(f): SignedForm,
) -> Result<Response, PageError> {
    if !current_password_ok(&state, &caller, &address, f.get("codes_password")).await? {
        let p = page(
            &state,
            &caller,
            String::new(),
            String::new(),
            Problems::single("codes_password", "your password is not right"),
        )
        .await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &p);
    }
    let (codes, hashes) = auth::recovery_codes();
    state
        .store
        .replace_recovery_codes(&caller.actor(), &hashes)
        .await?;
    render(&super::links::CodesPage {
        layout: Layout::new(&state, Some(&caller), "Your recovery codes", "/settings"),
        codes,
        next: "/settings",
        fresh: false,
    })
}

pub async fn revoke_link(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(link): Path<i64>,
    _form: SignedForm,
) -> Result<Response, PageError> {
    let links = state
        .store
        .care_links(&caller.actor(), caller.account.id)
        .await?;
    if !links.iter().any(|l| l.id == link) {
        return Err(PageError::NotFound);
    }
    let revoked = state
        .store
        .revoke_care_link(&caller.actor(), link, state.clock.now())
        .await?;
    Ok(see_other(if revoked.alert_seen_by_nobody {
        "/settings?done=revoked-nobody"
    } else if revoked.alert_to_duty_list {
        "/settings?done=revoked-duty"
    } else {
        "/settings?done=revoked"
    }))
}

pub async fn create_token(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    SignedForm(f): SignedForm,
) -> Result<Response, PageError> {
    let name = f.get("token_name");
    if name.is_empty()
        || name.chars().count() > 100
        || painpath_core::problems::has_stray_control(name, false)
    {
        let p = Problems::single("token_name", "give the token a name of 1 to 100 characters");
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(&state, &caller, String::new(), String::new(), p).await?,
        );
    }
    let token = auth::new_token();
    let expires = auth::expires_in(state.clock.now(), auth::API_TOKEN_LIFETIME);
    state
        .store
        .create_api_token(
            &caller.actor(),
            &auth::token_hash(&token),
            name,
            Some(expires),
        )
        .await?;
    // Shown once, on this page, and never again: it is not in any address or log.
    render(&page(&state, &caller, token, String::new(), Problems::new()).await?)
}

pub async fn revoke_token(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(token): Path<i64>,
    _form: SignedForm,
) -> Result<Response, PageError> {
    state
        .store
        .revoke_api_token(&caller.actor(), token, state.clock.now())
        .await?;
    Ok(see_other("/settings?done=token"))
}
