//! Treatment periods on the wire (design.md 8).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A new treatment period: a treatment code of the knowledge base, or a medication class.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPeriodBody {
    /// A treatment code (`walking`, `duloxetine`). Give this or `medication_class`, not both.
    pub treatment: Option<String>,
    /// A medication class (`ssri`, `anticoagulant`) for a medicine outside the treatment codes.
    pub medication_class: Option<String>,
    /// What the person calls it (`sertraline`); defaults to the knowledge base's name.
    pub name: Option<String>,
    #[schema(value_type = String, format = Date)]
    pub start: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub end: Option<String>,
    /// `helped`, `no_benefit` or `not_tolerated`; only with `end`.
    pub outcome: Option<String>,
}

/// Ends an open period.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndPeriodBody {
    #[schema(value_type = String, format = Date)]
    pub end: String,
    /// `helped`, `no_benefit` or `not_tolerated`.
    pub outcome: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PeriodView {
    pub id: i64,
    pub treatment: Option<String>,
    pub medication_class: Option<String>,
    pub name: String,
    #[schema(value_type = String, format = Date)]
    pub start: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub end: Option<String>,
    pub outcome: Option<String>,
    /// `self`, `clinician` or `course`.
    pub source: String,
    pub recorded_by: i64,
}

impl From<&painpath_core::treatment::TreatmentPeriod> for PeriodView {
    fn from(p: &painpath_core::treatment::TreatmentPeriod) -> PeriodView {
        use painpath_core::treatment::Therapy;
        let (treatment, medication_class) = match &p.therapy {
            Therapy::Treatment(code) => (Some(code.as_str().to_owned()), None),
            Therapy::Medication(class) => (None, Some(class.code().to_owned())),
        };
        PeriodView {
            id: p.id.0,
            treatment,
            medication_class,
            name: p.name.clone(),
            start: p.start.to_string(),
            end: p.end.map(|d| d.to_string()),
            outcome: p.outcome.map(|o| o.code().to_owned()),
            source: p.source.code().to_owned(),
            recorded_by: p.recorded_by.0,
        }
    }
}
