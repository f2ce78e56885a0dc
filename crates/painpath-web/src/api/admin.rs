//! `/api/admin`: running the installation. Admins see accounts and the audit of staff actions,
//! never health data.

use axum::http::HeaderMap;
use axum::response::Response;
use axum::{Extension, Json, extract::State};
use painpath_core::person::{DisplayName, Role, UserId, Username, check_reset_reason};
use painpath_core::problems::Problems;
use painpath_store::{LinkPurpose, NewAccount};
use painpath_wire::account::{
    AccountView, AuditView, CareLinkBody, LinkView, NewStaffBody, NewStaffView, ResetBody,
};

use super::{JsonBody, RawPath, account_view, id_param, path_params};
use crate::AppState;
use crate::auth::{self, Caller};
use crate::error::ApiError;

/// Every account.
#[utoipa::path(get, path = "/api/admin/accounts", tag = "admin",
    responses((status = 200, body = Vec<AccountView>), (status = 401, body = painpath_wire::ErrorBody),
              (status = 403, body = painpath_wire::ErrorBody)))]
pub async fn accounts(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<Json<Vec<AccountView>>, ApiError> {
    let all = state.store.accounts(&caller.actor()).await?;
    Ok(Json(all.iter().map(account_view).collect()))
}

/// Creates a staff account (admin or clinician) and a one-time link to set its password.
#[utoipa::path(post, path = "/api/admin/accounts", tag = "admin", request_body = NewStaffBody,
    responses((status = 201, body = NewStaffView), (status = 400, body = painpath_wire::ErrorBody),
              (status = 401, body = painpath_wire::ErrorBody), (status = 403, body = painpath_wire::ErrorBody),
              (status = 409, body = painpath_wire::ErrorBody), (status = 422, body = painpath_wire::ErrorBody)))]
pub async fn create_staff(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<NewStaffBody>,
) -> Result<Response, ApiError> {
    let (username, display_name, role) =
        parse_staff(&body.username, &body.display_name, &body.role).map_err(ApiError::Invalid)?;
    let (account, url, expires) =
        create_staff_account(&state, &caller, &headers, username, display_name, role).await?;
    Ok(super::created(NewStaffView {
        account: account_view(&account),
        password_link: LinkView {
            url,
            expires_at: expires.to_string(),
        },
    }))
}

pub fn parse_staff(
    username: &str,
    display_name: &str,
    role: &str,
) -> Result<(Username, DisplayName, Role), Problems> {
    let mut problems = Problems::new();
    let username = problems.check("username", Username::parse(username));
    let display_name = problems.check("display_name", DisplayName::parse(display_name));
    let role = match role.parse::<Role>() {
        Ok(r) if r.is_staff() => Some(r),
        _ => {
            problems.add(
                "role",
                "expected admin or clinician (patients join by invitation)",
            );
            None
        }
    };
    match (username, display_name, role) {
        (Some(u), Some(d), Some(r)) => Ok((u, d, r)),
        _ => Err(problems),
    }
}

/// Creates a staff account with an unusable password and a link to set one, so that no admin
/// ever knows another person's password.
pub async fn create_staff_account(
    state: &AppState,
    caller: &Caller,
    headers: &HeaderMap,
    username: Username,
    display_name: DisplayName,
    role: Role,
) -> Result<(painpath_store::Account, String, jiff::Timestamp), ApiError> {
    let unusable = auth::hash_password(auth::new_token()).await?;
    let actor = caller.actor();
    let id = state
        .store
        .create_account(
            Some(&actor),
            &NewAccount {
                username,
                display_name: display_name.as_str().to_owned(),
                role,
                password_hash: unusable,
                recovery_codes: Vec::new(),
            },
        )
        .await?;
    let (url, expires) = auth::make_link(
        state,
        headers,
        Some(&actor),
        LinkPurpose::PasswordReset { user: id },
        auth::INVITATION_LIFETIME,
        None,
    )
    .await?;
    let account = state.store.account(&actor, id).await?;
    Ok((account, url, expires))
}

/// Issues a one-time password-reset link: an admin for a staff account; a clinician for a
/// patient on their care team, with a reason the patient is shown. An admin never resets a
/// patient's password (403): the patient uses a recovery code, or asks their clinician.
#[utoipa::path(post, path = "/api/admin/accounts/{account}/password-reset", tag = "admin",
    params(("account" = i64, Path, description = "The account's id")), request_body = ResetBody,
    responses((status = 201, body = LinkView), (status = 400, body = painpath_wire::ErrorBody),
              (status = 401, body = painpath_wire::ErrorBody),
              (status = 403, body = painpath_wire::ErrorBody), (status = 404, body = painpath_wire::ErrorBody),
              (status = 422, body = painpath_wire::ErrorBody)))]
pub async fn password_reset(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    raw_path: RawPath,
    JsonBody(body): JsonBody<ResetBody>,
) -> Result<Response, ApiError> {
    let user = UserId(id_param(&path_params(raw_path)?, "account")?);
    let actor = caller.actor();
    // A clinician's reset is always of a patient, and always needs a reason.
    let reason = match (&body.reason, actor.role) {
        (Some(r), _) => Some(
            check_reset_reason(r).map_err(|m| ApiError::Invalid(Problems::single("reason", m)))?,
        ),
        (None, Role::Clinician) => {
            return Err(ApiError::Invalid(Problems::single(
                "reason",
                "say briefly why; the patient will see it",
            )));
        }
        (None, _) => None,
    };
    let made = auth::make_link(
        &state,
        &headers,
        Some(&actor),
        LinkPurpose::PasswordReset { user },
        auth::RESET_LIFETIME,
        reason.as_deref(),
    )
    .await;
    let (url, expires) = match made {
        Err(painpath_store::StoreError::Forbidden) if actor.role == Role::Admin => {
            return Err(ApiError::ForbiddenBecause(ADMIN_PATIENT_RESET.into()));
        }
        other => other?,
    };
    Ok(super::created(LinkView {
        url,
        expires_at: expires.to_string(),
    }))
}

/// Why an admin cannot reset a patient's password, and what the patient can do instead.
pub const ADMIN_PATIENT_RESET: &str = "An administrator cannot reset a patient's password: otherwise staff could sign in as the patient. The patient can use one of their recovery codes (\"Forgotten your password?\" on the sign-in page), or their clinician can make a reset link.";

/// Links a patient to a clinician's care team.
#[utoipa::path(post, path = "/api/admin/care-links", tag = "admin", request_body = CareLinkBody,
    responses((status = 201, body = inline(serde_json::Value)), (status = 400, body = painpath_wire::ErrorBody),
              (status = 401, body = painpath_wire::ErrorBody), (status = 403, body = painpath_wire::ErrorBody),
              (status = 404, body = painpath_wire::ErrorBody), (status = 409, body = painpath_wire::ErrorBody),
              (status = 422, body = painpath_wire::ErrorBody)))]
pub async fn link_care_team(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    JsonBody(body): JsonBody<CareLinkBody>,
) -> Result<Response, ApiError> {
    let id = state
        .store
        .link_care_team(
            &caller.actor(),
            UserId(body.patient),
            UserId(body.clinician),
        )
        .await?;
    Ok(super::created(serde_json::json!({ "id": id })))
}

/// The newest audit entries of staff actions.
#[utoipa::path(get, path = "/api/admin/audit", tag = "admin",
    responses((status = 200, body = Vec<AuditView>), (status = 401, body = painpath_wire::ErrorBody),
              (status = 403, body = painpath_wire::ErrorBody)))]
pub async fn audit(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<Json<Vec<AuditView>>, ApiError> {
    let entries = state.store.staff_audit(&caller.actor(), 500).await?;
    Ok(Json(entries.iter().map(audit_view).collect()))
}

/// What an admin is told an action was. Admins see no health data (design.md 1), and even an
/// action's name can be health data ("alert.acknowledge" says a patient reported thoughts of
/// self-harm), so actions on a patient's record are shown only as a read or a change of it.
pub fn action_for_admins(action: &str) -> String {
    let about_accounts = [
        "account.",
        "link.",
        "care_link.",
        "api_token.",
        "clinic_settings.",
    ]
    .iter()
    .any(|p| action.starts_with(p));
    if about_accounts {
        action.to_owned()
    } else if action.ends_with(".read") || action.ends_with(".list") {
        "record.read".to_owned()
    } else {
        "record.change".to_owned()
    }
}

pub fn audit_view(e: &painpath_store::AuditEntry) -> AuditView {
    AuditView {
        id: e.id,
        at: e.at.to_string(),
        actor: e.actor.0,
        actor_name: e.actor_name.clone(),
        actor_role: e.actor_role.code().to_owned(),
        action: action_for_admins(&e.action),
        patients: e.patients.iter().map(|p| p.0).collect(),
        subject: e.subject.map(|s| s.0),
    }
}

#[cfg(test)]
mod tests {
    use super::action_for_admins;

    #[test]
    fn admins_see_record_actions_only_as_reads_and_changes() {
        assert_eq!(action_for_admins("alert.acknowledge"), "record.change");
        assert_eq!(action_for_admins("alerts.read"), "record.read");
        assert_eq!(action_for_admins("questionnaire.save"), "record.change");
        assert_eq!(action_for_admins("diary.read"), "record.read");
        assert_eq!(action_for_admins("account.create"), "account.create");
        assert_eq!(action_for_admins("care_link.revoke"), "care_link.revoke");
    }
}
