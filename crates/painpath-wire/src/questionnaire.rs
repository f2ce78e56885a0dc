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
    pub acknowledged_by: Option<i64>,
    pub acknowledged_by_name: Option<String>,
    pub acknowledged_at: Option<String>,
}
