//! `/settings/access`: who has looked at or changed the patient's record, from the audit
//! (design.md 5), newest first: every access by someone other than the patient, including a
//! password reset someone at the clinic made for them (issue 6).

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::response::Response;

use super::{Layout, render};
use crate::AppState;
use crate::auth::Caller;
use crate::clock::uk_instant;
use crate::error::PageError;

pub struct AccessRow {
    pub at: String,
    pub who: String,
    pub what: String,
}

#[derive(Template)]
#[template(path = "access_history.html")]
struct HistoryPage {
    layout: Layout,
    rows: Vec<AccessRow>,
}

/// What an audited action was, in the patient's words.
pub fn in_plain_words(action: &str) -> String {
    match action {
        "account.read" => "looked up your account",
        "account.create" => "made your account",
        "account.deactivate" => "deactivated your account",
        "account.reactivate" => "reactivated your account",
        "alert.acknowledge" => "acknowledged an alert from your questionnaire answers",
        "alerts.read" => "saw your questionnaire alerts",
        "audit.read" => "read this access history",
        "care_link.create" => "added a clinician to your care team",
        "care_link.revoke" => "removed a clinician from your care team",
        "care_links.read" => "looked at your care team",
        "check_in.delete" => "deleted a day of your diary",
        "check_in.read" => "read a day of your diary",
        "check_in.save" => "saved a day of your diary",
        "details.read" => "read your details",
        "details.save" => "changed your details",
        "diary.read" => "read your diary",
        "duty_list.read" => "saw your alert on the clinic's duty list",
        "link.create" => "made a password reset link for your account",
        "patients.list" => "saw you in their list of patients",
        "period.add" => "recorded a treatment",
        "period.end" => "recorded the end of a treatment",
        "periods.read" => "read your treatments",
        "questionnaire.save" => "recorded a questionnaire",
        "questionnaires.read" => "read your questionnaires",
        other => return format!("did something recorded as \"{other}\""),
    }
    .to_owned()
}

pub async fn show(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<Response, PageError> {
    let entries = state
        .store
        .audit_for_patient(&caller.actor(), caller.account.id)
        .await?;
    let rows = entries
        .into_iter()
        .map(|e| AccessRow {
            at: uk_instant(e.at),
            who: format!("{} ({})", e.actor_name, e.actor_role.label().to_lowercase()),
            what: in_plain_words(&e.action),
        })
        .collect();
    render(&HistoryPage {
        layout: Layout::new(
            &state,
            Some(&caller),
            "Who has looked at your record",
            "/settings",
        ),
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::in_plain_words;

    /// Every action the store writes to the audit (as `"area.verb"` strings in its source).
    const STORE_ACTIONS: &[&str] = &[
        "account.create",
        "account.deactivate",
        "account.reactivate",
        "account.read",
        "alert.acknowledge",
        "alerts.read",
        "audit.read",
        "care_link.create",
        "care_link.revoke",
        "care_links.read",
        "check_in.delete",
        "check_in.read",
        "check_in.save",
        "details.read",
        "details.save",
        "diary.read",
        "duty_list.read",
        "link.create",
        "patients.list",
        "period.add",
        "period.end",
        "periods.read",
        "questionnaire.save",
        "questionnaires.read",
    ];

    #[test]
    fn every_action_the_store_audits_about_a_patient_has_plain_words() {
        for action in STORE_ACTIONS {
            assert!(!in_plain_words(action).contains("recorded as"), "{action}");
        }
        // And the list above is the store's: every audited action string in its source is in it.
        let sources = [
            include_str!("../../../painpath-store/src/sqlite.rs"),
            include_str!("../../../painpath-store/src/postgres.rs"),
            include_str!("../../../painpath-store/src/rules.rs"),
        ];
        for source in sources {
            for (i, _) in source.match_indices("Audit::of_patient(\"") {
                let rest = &source[i + "Audit::of_patient(\"".len()..];
                let action = &rest[..rest.find('"').unwrap_or(0)];
                assert!(
                    STORE_ACTIONS.contains(&action),
                    "{action} has no plain words"
                );
            }
        }
        assert_eq!(
            in_plain_words("something.new"),
            "did something recorded as \"something.new\""
        );
    }
}
