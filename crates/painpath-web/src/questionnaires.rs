//! What the questionnaire pages and API share: turning form fields and stored answers into core
//! responses, attaching LOINC codes from the knowledge base, and naming bands.

use painpath_core::instruments::Instrument;
use painpath_core::instruments::response::{self, AnswerValue, Response as Completed, Summary};
use painpath_core::kb::{Answers, InstrumentText};
use painpath_core::person::{Nation, Role};
use painpath_core::problems::Problems;
use painpath_store::{AlertAudience, Item9Signal, QuestionnaireResponse, StoredAnswer};

use crate::AppState;
use crate::auth::Caller;
use crate::forms::Fields;
use crate::pages::questionnaires::PAIN_MAP_FIELD;

/// A draft's fields as JSON text, for the store, which keeps drafts as opaque text.
pub(crate) fn fields_to_json(fields: &Fields) -> String {
    serde_json::to_string(&fields.0).unwrap_or_else(|_| "[]".into())
}

/// A draft read back; anything unreadable is treated as an empty draft rather than an error,
/// because a draft is only a convenience.
pub(crate) fn fields_from_json(text: &str) -> Fields {
    Fields(serde_json::from_str(text).unwrap_or_default())
}

/// A whole form's fields as a completed response, checked by the core.
pub(crate) fn from_fields(instrument: Instrument, fields: &Fields) -> Result<Completed, Problems> {
    let mut rows: Vec<(String, Option<i64>, Option<String>)> = Vec::new();
    for (k, v) in &fields.0 {
        if k == PAIN_MAP_FIELD {
            rows.push((
                painpath_core::instruments::response::ACR_PAIN_MAP.to_owned(),
                None,
                Some(v.clone()),
            ));
        } else if let Ok(n) = v.trim().parse::<i64>() {
            rows.push((k.clone(), Some(n), None));
        }
    }
    Completed::from_answers(instrument, &rows)
}

/// The answers to store, item by item, with the item's and the answer's LOINC codes where the
/// knowledge base has them, so a FHIR QuestionnaireResponse export is a mapping, not a rewrite.
pub fn answers_to_store(text: &InstrumentText, completed: &Completed) -> Vec<StoredAnswer> {
    completed
        .answers()
        .into_iter()
        .map(|a| {
            let item = text.item(a.item);
            let loinc = item
                .and_then(|i| i.loinc.as_ref())
                .map(|c| c.as_str().to_owned());
            match a.value {
                AnswerValue::Number(n) => StoredAnswer {
                    item: a.item.to_owned(),
                    value: Some(i64::from(n)),
                    code: None,
                    loinc,
                    answer_loinc: item.and_then(|i| match &i.answers {
                        Answers::Choice(options) => options
                            .iter()
                            .find(|o| o.value == n)
                            .and_then(|o| o.loinc.as_ref())
                            .map(|c| c.as_str().to_owned()),
                        _ => None,
                    }),
                },
                AnswerValue::Region(r) => StoredAnswer {
                    item: a.item.to_owned(),
                    value: None,
                    code: Some(r.code().to_owned()),
                    loinc,
                    answer_loinc: None,
                },
            }
        })
        .collect()
}

/// PHQ-9 item 9 and the answers around it, from a completed PHQ-9: what its alert carries.
/// `None` for any other questionnaire.
pub fn item9_of_completed(completed: &Completed) -> Option<Item9Signal> {
    if completed.instrument() != Instrument::Phq9 {
        return None;
    }
    let answers: Vec<(String, i64)> = completed
        .answers()
        .into_iter()
        .filter_map(|a| match a.value {
            AnswerValue::Number(n) => Some((a.item.to_owned(), i64::from(n))),
            AnswerValue::Region(_) => None,
        })
        .collect();
    item9_of_answers(answers)
}

/// PHQ-9 item 9 and the answers so far, from a half-finished PHQ-9's fields (only answers that
/// are whole numbers in range are kept; the form checks the rest). `None` until item 9 has an
/// answer from 0 to 3.
pub(crate) fn item9_of_fields(instrument: Instrument, fields: &Fields) -> Option<Item9Signal> {
    if instrument != Instrument::Phq9 {
        return None;
    }
    let mut ids: Vec<&str> = response::PHQ9_ITEMS.to_vec();
    ids.push(response::PHQ9_DIFFICULTY);
    let answers: Vec<(String, i64)> = ids
        .into_iter()
        .filter_map(|id| {
            let v: i64 = fields.get(id).trim().parse().ok()?;
            (0..=3).contains(&v).then(|| (id.to_owned(), v))
        })
        .collect();
    item9_of_answers(answers)
}

fn item9_of_answers(answers: Vec<(String, i64)>) -> Option<Item9Signal> {
    let value = answers
        .iter()
        .find(|(item, _)| item == response::PHQ9_ITEMS[8])
        .and_then(|(_, v)| u8::try_from(*v).ok())
        .filter(|v| *v <= 3)?;
    Some(Item9Signal { value, answers })
}

/// What the person is told after a self-harm answer, below the crisis services, for where the
/// alert went. painpath is not watched round the clock, so nothing here promises that anyone
/// will see it today or follow it up.
pub fn who_is_told(audience: AlertAudience) -> &'static str {
    match audience {
        AlertAudience::CareTeam => {
            "Your answer has been flagged to your care team in painpath. painpath is not watched round the clock, so they may not see it today. If you are in danger or cannot keep yourself safe, use one of the services above now."
        }
        AlertAudience::DutyList => {
            "No clinician is linked to you in painpath at the moment, so your answer has been flagged to the clinic's duty list, which the clinic's clinicians can see. painpath is not watched round the clock, so nobody may see it today. If you are in danger or cannot keep yourself safe, use one of the services above now."
        }
        AlertAudience::Nobody => {
            "No clinician at your clinic is using painpath at the moment, so nobody has been told through painpath. Please contact one of the services above now, or your GP."
        }
    }
}

/// A stored response, rebuilt and checked by the core.
pub fn completed_of(r: &QuestionnaireResponse) -> Result<Completed, Problems> {
    let rows: Vec<(String, Option<i64>, Option<String>)> = r
        .answers
        .iter()
        .map(|a| (a.item.clone(), a.value, a.code.clone()))
        .collect();
    Completed::from_answers(r.instrument, &rows)
}

pub fn summary_of(r: &QuestionnaireResponse) -> Result<Summary, Problems> {
    completed_of(r).map(|c| c.summary())
}

/// The band's label from the knowledge base ("Moderate"); the FIQR's is found from its exact
/// total, in sixths of a point.
pub fn band_label(text: &InstrumentText, summary: &Summary) -> String {
    let band = match summary.band {
        Some(code) => text.bands.bands.iter().find(|b| b.code == code),
        None => text.bands.of_ratio((summary.value * 6.0).round() as u32, 6),
    };
    band.map(|b| b.label.clone()).unwrap_or_default()
}

/// The patient's nation, for choosing the help lines to show; `None` when not known.
pub(crate) async fn nation_of(state: &AppState, caller: &Caller) -> Option<Nation> {
    if caller.account.role != Role::Patient {
        return None;
    }
    state
        .store
        .patient_details(&caller.actor(), caller.account.id)
        .await
        .ok()
        .and_then(|d| d.nation)
}
