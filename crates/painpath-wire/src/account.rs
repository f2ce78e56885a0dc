//! Accounts, tokens, care teams and patient details on the wire.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The signed-in account (`GET /api/me`).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AccountView {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    /// `admin`, `clinician` or `patient`.
    pub role: String,
    pub active: bool,
}

/// Exchanges a username and password for an API token (`POST /api/tokens`).
#[derive(Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    pub username: String,
    pub password: String,
    /// A name to recognise the token by later (`my phone app`).
    pub name: String,
}

// Debug by hand so that a password can never reach a log through `{:?}`.
impl std::fmt::Debug for TokenRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenRequest")
            .field("username", &self.username)
            .field("password", &"[redacted]")
            .field("name", &self.name)
            .finish()
    }
}

/// A new API token. `token` is shown once and never again; send it as `Authorization: Bearer`.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct NewTokenView {
    pub id: i64,
    pub token: String,
    /// When it stops working (RFC 3339).
    pub expires_at: Option<String>,
}

/// An API token as listed to its owner (never the token itself).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TokenView {
    pub id: i64,
    pub name: String,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub revoked_at: Option<String>,
    pub last_used_at: Option<String>,
}

/// A care-team link (design.md 3).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CareLinkView {
    pub id: i64,
    pub patient: i64,
    pub patient_name: String,
    pub clinician: i64,
    pub clinician_name: String,
    pub granted_by: i64,
    pub granted_at: String,
    pub revoked_at: Option<String>,
    /// Whether the clinician's account is active; a deactivated clinician sees nothing.
    pub clinician_active: bool,
}

/// One of a clinician's patients.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PatientSummaryView {
    pub id: i64,
    pub display_name: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub date_of_birth: Option<String>,
    #[schema(value_type = Option<String>, format = Date)]
    pub last_check_in: Option<String>,
    /// This patient's care-team alerts not yet acknowledged.
    pub open_alerts: u32,
}

/// Patient details (design.md 4), as sent and as answered.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DetailsBody {
    #[schema(value_type = Option<String>, format = Date)]
    pub date_of_birth: Option<String>,
    /// `england`, `scotland`, `wales` or `northern_ireland`; required when saving, and left out
    /// when answered if the patient has not said yet.
    pub nation: Option<String>,
    /// NHS number (CHI in Scotland, H&C in Northern Ireland): ten digits with a valid check digit.
    pub health_number: Option<String>,
    pub gp_practice_name: Option<String>,
    pub gp_practice_address: Option<String>,
    /// A phone number the clinic can reach the patient on (UK starting 0, or international +).
    pub contact_phone: Option<String>,
    /// Someone to contact in an emergency: their name (and relation, if wished)…
    pub emergency_contact_name: Option<String>,
    /// …and their phone number; both or neither.
    pub emergency_contact_phone: Option<String>,
}

/// A password-reset link to make.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetBody {
    /// Why: required from a clinician (for a patient), who is shown it; 3 to 200 characters.
    pub reason: Option<String>,
}

/// What revoking a care-team link changed.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct RevokedView {
    /// The patient had an open alert and now has no active clinician: it went to the clinic's
    /// duty list, which the clinic's other clinicians see.
    pub alert_to_duty_list: bool,
    /// The patient had an open alert and no active clinician is left who may see it (only ones
    /// the patient removed): nobody sees it in painpath.
    pub alert_seen_by_nobody: bool,
}

/// A one-time link made for someone (an invitation or a password reset).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct LinkView {
    /// The full address to give the person; it works once.
    pub url: String,
    pub expires_at: String,
}

/// A new staff account (admins only).
#[derive(Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStaffBody {
    pub username: String,
    pub display_name: String,
    /// `admin` or `clinician`.
    pub role: String,
}

impl std::fmt::Debug for NewStaffBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewStaffBody")
            .field("username", &self.username)
            .field("role", &self.role)
            .finish()
    }
}

/// A new staff account and the one-time link for its first password.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct NewStaffView {
    pub account: AccountView,
    pub password_link: LinkView,
}

/// Links a patient to a clinician (admins only).
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CareLinkBody {
    pub patient: i64,
    pub clinician: i64,
}

/// One audit entry (admins).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AuditView {
    pub id: i64,
    pub at: String,
    pub actor: i64,
    pub actor_name: String,
    pub actor_role: String,
    pub action: String,
    pub patients: Vec<i64>,
    pub subject: Option<i64>,
}
