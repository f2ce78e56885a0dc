//! Stored questionnaires and care-team alerts on the wire.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One answer, item by item, with codes: a FHIR QuestionnaireResponse item is a mapping of this.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AnswerView {
    /// painpath's item id (`phq9_9`), the FHIR `linkId`.
    pub item: String,
    /// The number chosen, for every question but the pain map.
    pub value: Option<i64>,
    /// The body area's code, for each area ticked on the pain map.
    pub code: Option<String>,
    /// The item's LOINC code, when LOINC has one.
    pub loinc: Option<String>,
    /// The answer's LOINC code (`LA6569-3`), when LOINC has one.
    pub answer_loinc: Option<String>,
}

/// The headline of a score.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ScoreView {
    /// PHQ-9 and GAD-7 totals, the ACR 2016 FS, the FIQR total (unrounded).
    pub value: f64,
    /// As people read it (`12`, `45.5`).
    pub text: String,
    /// The band's code (`moderate`), when the instrument has bands.
    pub band: Option<String>,
    pub band_label: Option<String>,
    pub self_harm_risk: bool,
}

/// A completed questionnaire.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct QuestionnaireView {
    pub id: i64,
    /// `acr2016`, `phq9`, `gad7` or `fiqr`.
    pub instrument: String,
    #[schema(value_type = String, format = Date)]
    pub date: String,
    /// RFC 3339.
    pub completed_at: String,
    pub recorded_by: i64,
    pub score: ScoreView,
    /// The full scoring output of shared/contracts/score.md for this instrument.
    #[schema(value_type = Object)]
    pub result: serde_json::Value,
    pub answers: Vec<AnswerView>,
}

/// The query of a questionnaire listing.
#[derive(Clone, Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct QuestionnaireFilter {
    /// Only this instrument (`phq9`); all when left out.
    pub instrument: Option<String>,
}

/// An alert for a patient's care team.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AlertView {
    pub id: i64,
    pub patient: i64,
    pub patient_name: String,
    /// `self_harm`: PHQ-9 item 9 answered above 0.
    pub kind: String,
    pub raised_at: String,
    /// The questionnaire that raised it, once completed.
    pub response: Option<i64>,
    /// PHQ-9 item 9's latest answer (0 to 3) while the alert was open, and when it was given.
    pub item9_latest: Option<Item9View>,
    /// PHQ-9 item 9's worst answer while the alert was open, and when it was first given.
    pub item9_worst: Option<Item9View>,
    /// The PHQ-9 answers given so far when the alert was last updated (also from a draft).
    pub answers_so_far: Vec<ItemValueView>,
    /// When the alert went to the clinic's duty list, and why.
    pub escalations: Vec<EscalationView>,
    pub acknowledged_by: Option<i64>,
    pub acknowledged_by_name: Option<String>,
    pub acknowledged_at: Option<String>,
    /// What the clinician who acknowledged it did.
    pub acknowledgement_note: Option<String>,
}

/// One value of PHQ-9 item 9 and when it was given (RFC 3339).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Item9View {
    pub value: u8,
    pub at: String,
}

/// One questionnaire item's answer.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ItemValueView {
    pub item: String,
    pub value: i64,
}

/// An alert's move to the duty list.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct EscalationView {
    /// `no_active_clinician` or `overdue`.
    pub reason: String,
    pub at: String,
}

/// An open alert on the clinic's duty list, with what a clinician needs to act on it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DutyAlertView {
    pub alert: AlertView,
    /// Why it is on the duty list now: `no_active_clinician`, `overdue`.
    pub reasons: Vec<String>,
    /// When the care team should have acknowledged it (RFC 3339).
    pub due_at: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub date_of_birth: Option<String>,
    pub nation: Option<String>,
    pub health_number: Option<String>,
    pub contact_phone: Option<String>,
    pub emergency_contact_name: Option<String>,
    pub emergency_contact_phone: Option<String>,
    pub gp_practice_name: Option<String>,
    pub gp_practice_address: Option<String>,
    /// The clinicians linked to the patient, and whether each is active.
    pub clinicians: Vec<LinkedClinicianView>,
}

/// A clinician linked to a patient.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct LinkedClinicianView {
    pub name: String,
    pub active: bool,
}

/// Acknowledging an alert: a short note of what was done is required.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcknowledgeBody {
    /// What was done, in a few words ("phoned; safe; plan agreed"); 1 to 500 characters.
    pub note: Option<String>,
    /// The `item9_latest.at` the clinician saw (RFC 3339). If a newer answer has arrived since,
    /// nothing is recorded and the answer is 409, so that nobody closes an alert on a worse
    /// answer they never saw. Leave it out to acknowledge whatever the alert now holds.
    pub seen_latest_at: Option<String>,
}
