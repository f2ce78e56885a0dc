//! `/admin`: accounts, care-team links and the audit of staff actions. No health data.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use painpath_core::duty::{EscalationDelay, EscalationDelayError};
use painpath_core::person::{Role, UserId};
use painpath_core::problems::Problems;
use painpath_store::{Account, ClinicSettings, LinkPurpose, StoreError};

use super::{Layout, problem_for, render, render_status, see_other};
use crate::AppState;
use crate::api::admin::{create_staff_account, parse_staff};
use crate::auth::{self, Caller};
use crate::clock::uk_instant;
use crate::error::{ApiError, PageError};
use crate::forms::{Fields, SignedForm};

#[derive(Template)]
#[template(path = "admin/accounts.html")]
struct AccountsPage {
    layout: Layout,
    accounts: Vec<Account>,
    link: String,
    link_for: String,
    fields: Fields,
    problems: Problems,
    /// Just deactivated: whom, and how many patients that left with no active clinician.
    deactivated: Option<(String, u32)>,
    /// Patients with no active clinician (names only), for linking to someone.
    unlinked: Vec<(UserId, String)>,
    /// After how many working days an unacknowledged alert goes to the duty list.
    escalation_days: u8,
    settings_saved: bool,
}

impl AccountsPage {
    fn problem(&self, field: &str) -> &str {
        problem_for(&self.problems, field)
    }
    fn clinicians(&self) -> Vec<&Account> {
        self.accounts
            .iter()
            .filter(|a| a.role == Role::Clinician && a.active)
            .collect()
    }
    fn patients(&self) -> Vec<&Account> {
        self.accounts
            .iter()
            .filter(|a| a.role == Role::Patient && a.active)
            .collect()
    }
}

async fn accounts_page(
    state: &AppState,
    caller: &Caller,
    link: String,
    link_for: String,
    fields: Fields,
    problems: Problems,
) -> Result<AccountsPage, PageError> {
    let actor = caller.actor();
    Ok(AccountsPage {
        layout: Layout::new(state, Some(caller), "Accounts", "/admin"),
        accounts: state.store.accounts(&actor).await?,
        link,
        link_for,
        fields,
        problems,
        deactivated: None,
        unlinked: state.store.patients_without_clinician(&actor).await?,
        escalation_days: state.store.clinic_settings().await?.escalation_delay.days(),
        settings_saved: false,
    })
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct AdminQuery {
    deactivated: Option<i64>,
    orphaned: u32,
    saved: String,
}

pub async fn show(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<AdminQuery>,
) -> Result<Response, PageError> {
    let mut page = accounts_page(
        &state,
        &caller,
        String::new(),
        String::new(),
        Fields::default(),
        Problems::new(),
    )
    .await?;
    page.deactivated = q.deactivated.and_then(|id| {
        page.accounts
            .iter()
            .find(|a| a.id == UserId(id) && !a.active)
            .map(|a| (a.display_name.clone(), q.orphaned))
    });
    page.settings_saved = !q.saved.is_empty();
    render(&page)
}

/// The clinic's settings: after how many working days an alert nobody has acknowledged goes to
/// the duty list.
pub async fn clinic_settings(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    SignedForm(f): SignedForm,
) -> Result<Response, PageError> {
    let parsed = f
        .get("escalation_days")
        .parse::<i64>()
        .map_err(|_| EscalationDelayError)
        .and_then(EscalationDelay::working_days);
    match parsed {
        Ok(delay) => {
            state
                .store
                .save_clinic_settings(
                    &caller.actor(),
                    ClinicSettings {
                        escalation_delay: delay,
                    },
                )
                .await?;
            Ok(see_other("/admin?saved=1"))
        }
        Err(e) => {
            let p = Problems::single("escalation_days", e.to_string());
            let mut page =
                accounts_page(&state, &caller, String::new(), String::new(), f, p).await?;
            page.escalation_days = 0;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

pub async fn create_staff(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    SignedForm(f): SignedForm,
) -> Result<Response, PageError> {
    let parsed = parse_staff(f.get("username"), f.get("display_name"), f.get("role"));
    let (username, name, role) = match parsed {
        Ok(v) => v,
        Err(p) => {
            return render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &accounts_page(&state, &caller, String::new(), String::new(), f, p).await?,
            );
        }
    };
    match create_staff_account(&state, &caller, &headers, username, name, role).await {
        Ok((account, url, _)) => render(
            &accounts_page(
                &state,
                &caller,
                url,
                account.display_name,
                Fields::default(),
                Problems::new(),
            )
            .await?,
        ),
        Err(ApiError::Conflict(m)) => {
            let p = Problems::single("username", m);
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &accounts_page(&state, &caller, String::new(), String::new(), f, p).await?,
            )
        }
        Err(e) => Err(PageError::Internal(format!("{e:?}"))),
    }
}

pub async fn password_reset(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(account): Path<i64>,
    _form: SignedForm,
) -> Result<Response, PageError> {
    let actor = caller.actor();
    let target = state.store.account(&actor, UserId(account)).await?;
    if target.role == Role::Patient {
        return Err(PageError::Message(
            StatusCode::FORBIDDEN,
            crate::api::admin::ADMIN_PATIENT_RESET.into(),
        ));
    }
    let (url, _) = auth::make_link(
        &state,
        &headers,
        Some(&actor),
        LinkPurpose::PasswordReset { user: target.id },
        auth::RESET_LIFETIME,
        None,
    )
    .await?;
    render(
        &accounts_page(
            &state,
            &caller,
            url,
            target.display_name,
            Fields::default(),
            Problems::new(),
        )
        .await?,
    )
}

pub async fn set_active(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(account): Path<i64>,
    SignedForm(f): SignedForm,
) -> Result<Response, PageError> {
    if UserId(account) == caller.account.id {
        return Err(PageError::Message(
            StatusCode::CONFLICT,
            "You cannot deactivate your own account.".into(),
        ));
    }
    let active = f.get("active") == "yes";
    let orphaned = state
        .store
        .set_account_active(&caller.actor(), UserId(account), active)
        .await?;
    if active {
        return Ok(see_other("/admin"));
    }
    // The admin is told how many patients lost their clinician, never anything about their health.
    Ok(see_other(&format!(
        "/admin?deactivated={account}&orphaned={orphaned}"
    )))
}

pub async fn link_care_team(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    SignedForm(f): SignedForm,
) -> Result<Response, PageError> {
    let mut problems = Problems::new();
    let patient = problems.check(
        "patient",
        f.get("patient")
            .parse::<i64>()
            .map_err(|_| "choose a patient"),
    );
    let clinician = problems.check(
        "clinician",
        f.get("clinician")
            .parse::<i64>()
            .map_err(|_| "choose a clinician"),
    );
    let (Some(patient), Some(clinician)) = (patient, clinician) else {
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &accounts_page(&state, &caller, String::new(), String::new(), f, problems).await?,
        );
    };
    match state
        .store
        .link_care_team(&caller.actor(), UserId(patient), UserId(clinician))
        .await
    {
        Ok(_) => Ok(see_other("/admin")),
        Err(StoreError::Conflict(_)) => {
            let p = Problems::single("patient", "they are already on this clinician's care team");
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &accounts_page(&state, &caller, String::new(), String::new(), f, p).await?,
            )
        }
        Err(e) => Err(e.into()),
    }
}

pub struct AuditRow {
    pub at: String,
    pub who: String,
    pub role: &'static str,
    pub action: String,
    pub patients: String,
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    layout: Layout,
    rows: Vec<AuditRow>,
}

pub async fn audit(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<Response, PageError> {
    let entries = state.store.staff_audit(&caller.actor(), 500).await?;
    let rows = entries
        .into_iter()
        .map(|e| AuditRow {
            at: uk_instant(e.at),
            who: e.actor_name,
            role: e.actor_role.label(),
            action: crate::api::admin::action_for_admins(&e.action),
            patients: if e.patients.is_empty() {
                e.subject
                    .map(|s| format!("account {s}"))
                    .unwrap_or_default()
            } else {
                e.patients
                    .iter()
                    .map(|p| format!("patient {p}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        })
        .collect();
    render(&AuditPage {
        layout: Layout::new(
            &state,
            Some(&caller),
            "Audit of staff actions",
            "/admin/audit",
        ),
        rows,
    })
}
