//! A completed questionnaire of any kind, and its answers item by item with painpath's item ids,
//! as they are stored and exported (the ids are the FHIR `linkId`s; `kb/instruments/` gives
//! each its wording and LOINC code).

use std::collections::BTreeSet;

use crate::body::BodyRegion;
use crate::problems::Problems;

use super::Instrument;
use super::acr2016::{Acr2016, Acr2016Draft};
use super::fiqr::Fiqr;
use super::gad7::Gad7;
use super::phq9::Phq9;

pub const PHQ9_ITEMS: [&str; 9] = [
    "phq9_1", "phq9_2", "phq9_3", "phq9_4", "phq9_5", "phq9_6", "phq9_7", "phq9_8", "phq9_9",
];
pub const PHQ9_DIFFICULTY: &str = "phq9_difficulty";
pub const GAD7_ITEMS: [&str; 7] = [
    "gad7_1", "gad7_2", "gad7_3", "gad7_4", "gad7_5", "gad7_6", "gad7_7",
];
pub const FIQR_FUNCTION: [&str; 9] = [
    "fiqr_f1", "fiqr_f2", "fiqr_f3", "fiqr_f4", "fiqr_f5", "fiqr_f6", "fiqr_f7", "fiqr_f8",
    "fiqr_f9",
];
pub const FIQR_OVERALL: [&str; 2] = ["fiqr_o1", "fiqr_o2"];
pub const FIQR_SYMPTOMS: [&str; 10] = [
    "fiqr_s1", "fiqr_s2", "fiqr_s3", "fiqr_s4", "fiqr_s5", "fiqr_s6", "fiqr_s7", "fiqr_s8",
    "fiqr_s9", "fiqr_s10",
];
pub const ACR_PAIN_MAP: &str = "acr_pain_map";
/// The ACR 2016 survey's other questions, in the order of [`Acr2016Draft`]'s fields.
pub const ACR_ITEMS: [&str; 7] = [
    "acr_fatigue",
    "acr_waking_unrefreshed",
    "acr_cognitive_symptoms",
    "acr_headaches",
    "acr_lower_abdominal_pain_or_cramps",
    "acr_depression",
    "acr_symptoms_at_least_3_months",
];

/// One stored answer: a number for most questions, a body area for each tick on the pain map.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AnswerValue {
    Number(u8),
    Region(BodyRegion),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub item: &'static str,
    pub value: AnswerValue,
}

/// A completed questionnaire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Response {
    Acr2016(Acr2016),
    Phq9(Phq9),
    Gad7(Gad7),
    Fiqr(Fiqr),
}

/// The headline of a score, the same shape for every questionnaire, for lists and charts.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    /// The charted number: PHQ-9 and GAD-7 totals, the ACR FS, the FIQR total (unrounded).
    pub value: f64,
    /// The same, as people read it (`12`, `45.5`).
    pub text: String,
    /// The band's code, from the scoring (`moderate`); the FIQR's comes from the knowledge base.
    pub band: Option<&'static str>,
    pub self_harm_risk: bool,
}

fn number(item: &'static str, v: u8) -> Answer {
    Answer {
        item,
        value: AnswerValue::Number(v),
    }
}

impl Response {
    pub fn instrument(&self) -> Instrument {
        match self {
            Response::Acr2016(_) => Instrument::Acr2016,
            Response::Phq9(_) => Instrument::Phq9,
            Response::Gad7(_) => Instrument::Gad7,
            Response::Fiqr(_) => Instrument::Fiqr,
        }
    }

    pub fn summary(&self) -> Summary {
        match self {
            Response::Acr2016(a) => {
                let s = a.score();
                Summary {
                    value: f64::from(s.fs),
                    text: s.fs.to_string(),
                    band: Some(s.fs_category.code()),
                    self_harm_risk: false,
                }
            }
            Response::Phq9(p) => {
                let s = p.score();
                Summary {
                    value: f64::from(s.total),
                    text: s.total.to_string(),
                    band: Some(s.severity.code()),
                    self_harm_risk: s.self_harm_risk,
                }
            }
            Response::Gad7(g) => {
                let s = g.score();
                Summary {
                    value: f64::from(s.total),
                    text: s.total.to_string(),
                    band: Some(s.severity.code()),
                    self_harm_risk: false,
                }
            }
            Response::Fiqr(f) => {
                let s = f.score();
                Summary {
                    value: s.total(),
                    text: super::fiqr::tenths_text(s.total_tenths()),
                    band: None,
                    self_harm_risk: false,
                }
            }
        }
    }

    /// Every answer, item by item, in form order.
    pub fn answers(&self) -> Vec<Answer> {
        match self {
            Response::Acr2016(a) => {
                let mut out: Vec<Answer> = a
                    .pain_regions
                    .iter()
                    .map(|r| Answer {
                        item: ACR_PAIN_MAP,
                        value: AnswerValue::Region(*r),
                    })
                    .collect();
                let values = [
                    a.fatigue,
                    a.waking_unrefreshed,
                    a.cognitive_symptoms,
                    u8::from(a.headaches),
                    u8::from(a.lower_abdominal_pain_or_cramps),
                    u8::from(a.depression),
                    u8::from(a.symptoms_at_least_3_months),
                ];
                out.extend(ACR_ITEMS.iter().zip(values).map(|(id, v)| number(id, v)));
                out
            }
            Response::Phq9(p) => {
                let mut out: Vec<Answer> = PHQ9_ITEMS
                    .iter()
                    .zip(p.items)
                    .map(|(id, v)| number(id, v))
                    .collect();
                if let Some(d) = p.difficulty {
                    out.push(number(PHQ9_DIFFICULTY, d));
                }
                out
            }
            Response::Gad7(g) => GAD7_ITEMS
                .iter()
                .zip(g.items)
                .map(|(id, v)| number(id, v))
                .collect(),
            Response::Fiqr(f) => FIQR_FUNCTION
                .iter()
                .zip(f.function)
                .chain(FIQR_OVERALL.iter().zip(f.overall))
                .chain(FIQR_SYMPTOMS.iter().zip(f.symptoms))
                .map(|(id, v)| number(id, v))
                .collect(),
        }
    }

    /// Rebuilds a response from stored answers (`item`, number or region code), checking it
    /// exactly as a new one is checked. Problems name the item ids.
    pub fn from_answers(
        instrument: Instrument,
        answers: &[(String, Option<i64>, Option<String>)],
    ) -> Result<Response, Problems> {
        let value = |id: &str| {
            answers
                .iter()
                .find(|(item, _, _)| item == id)
                .and_then(|(_, v, _)| *v)
        };
        let all = |ids: &[&str], problems: &mut Problems| -> Vec<i64> {
            ids.iter()
                .map(|id| {
                    value(id).unwrap_or_else(|| {
                        problems.add(*id, "this question has no answer");
                        -1
                    })
                })
                .collect()
        };
        let mut problems = Problems::new();
        let response = match instrument {
            Instrument::Phq9 => {
                let items = all(&PHQ9_ITEMS, &mut problems);
                Phq9::parse(&items, value(PHQ9_DIFFICULTY)).map(Response::Phq9)
            }
            Instrument::Gad7 => {
                let items = all(&GAD7_ITEMS, &mut problems);
                Gad7::parse(&items).map(Response::Gad7)
            }
            Instrument::Fiqr => {
                let f = all(&FIQR_FUNCTION, &mut problems);
                let o = all(&FIQR_OVERALL, &mut problems);
                let s = all(&FIQR_SYMPTOMS, &mut problems);
                Fiqr::parse(&f, &o, &s).map(Response::Fiqr)
            }
            Instrument::Acr2016 => {
                let v = all(&ACR_ITEMS, &mut problems);
                let flag = |x: i64| x == 1;
                let regions: Vec<String> = answers
                    .iter()
                    .filter(|(item, _, _)| item == ACR_PAIN_MAP)
                    .filter_map(|(_, _, code)| code.clone())
                    .collect();
                let bad_flag = v[3..].iter().any(|x| !(0..=1).contains(x));
                if bad_flag {
                    problems.add("acr_headaches", "expected 0 (no) or 1 (yes)");
                }
                Acr2016::parse(&Acr2016Draft {
                    pain_regions: regions,
                    fatigue: v[0],
                    waking_unrefreshed: v[1],
                    cognitive_symptoms: v[2],
                    headaches: flag(v[3]),
                    lower_abdominal_pain_or_cramps: flag(v[4]),
                    depression: flag(v[5]),
                    symptoms_at_least_3_months: flag(v[6]),
                })
                .map(Response::Acr2016)
            }
        };
        match response {
            Ok(r) if problems.is_empty() => Ok(r),
            Ok(_) => Err(problems),
            Err(more) => {
                for p in more {
                    if problems.for_field(&p.field).is_none() {
                        problems.add(p.field, p.message);
                    }
                }
                Err(problems)
            }
        }
    }
}

/// Whether PHQ-9 answers given so far (perhaps only part of the form) already show a self-harm
/// risk: item 9 answered above 0. Used to show help at once, before the form is finished.
pub fn phq9_item9_risk(item9: Option<i64>) -> bool {
    item9.is_some_and(|v| v > 0)
}

/// The regions of a set, for callers that hold codes.
pub fn regions_of(codes: &BTreeSet<BodyRegion>) -> Vec<&'static str> {
    codes.iter().map(|r| r.code()).collect()
}

/// PHQ-9 and GAD-7 older than this no longer drive triage and show as due (design.md 11).
pub const DUE_AFTER_DAYS: i32 = 28;

/// Whether a PHQ-9 or GAD-7 last completed on `last` is due again on `today`.
pub fn is_due(
    instrument: Instrument,
    last: Option<jiff::civil::Date>,
    today: jiff::civil::Date,
) -> bool {
    match instrument {
        Instrument::Phq9 | Instrument::Gad7 => match last {
            None => true,
            Some(d) => d
                .until(today)
                .map(|s| s.get_days() > DUE_AFTER_DAYS)
                .unwrap_or(true),
        },
        Instrument::Acr2016 | Instrument::Fiqr => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn rows(r: &Response) -> Vec<(String, Option<i64>, Option<String>)> {
        r.answers()
            .into_iter()
            .map(|a| match a.value {
                AnswerValue::Number(n) => (a.item.to_owned(), Some(i64::from(n)), None),
                AnswerValue::Region(reg) => (a.item.to_owned(), None, Some(reg.code().to_owned())),
            })
            .collect()
    }

    #[test]
    fn every_instrument_round_trips_through_its_stored_answers() {
        let acr = Acr2016::parse(&Acr2016Draft {
            pain_regions: vec!["neck".into(), "left_hip".into()],
            fatigue: 2,
            waking_unrefreshed: 1,
            cognitive_symptoms: 3,
            headaches: true,
            lower_abdominal_pain_or_cramps: false,
            depression: true,
            symptoms_at_least_3_months: true,
        })
        .unwrap();
        let all = [
            Response::Acr2016(acr),
            Response::Phq9(Phq9::parse(&[0, 1, 2, 3, 0, 1, 2, 3, 1], Some(2)).unwrap()),
            Response::Gad7(Gad7::parse(&[3, 2, 1, 0, 1, 2, 3]).unwrap()),
            Response::Fiqr(Fiqr::parse(&[1; 9], &[2; 2], &[3; 10]).unwrap()),
        ];
        for r in all {
            let back = Response::from_answers(r.instrument(), &rows(&r)).unwrap();
            assert_eq!(back, r);
        }
    }

    #[test]
    fn a_missing_stored_answer_is_named_by_its_item() {
        let r = Response::Gad7(Gad7::parse(&[1; 7]).unwrap());
        let mut stored = rows(&r);
        stored.remove(3);
        let err = Response::from_answers(Instrument::Gad7, &stored).unwrap_err();
        assert_eq!(err.iter().next().unwrap().field, "gad7_4");
    }

    #[test]
    fn the_summary_carries_the_self_harm_signal_only_for_phq9_item_9() {
        let r = Response::Phq9(Phq9::parse(&[0, 0, 0, 0, 0, 0, 0, 0, 1], None).unwrap());
        let s = r.summary();
        assert!(s.self_harm_risk);
        assert_eq!(s.band, Some(super::super::phq9::Severity::Minimal.code()));
        assert!(phq9_item9_risk(Some(2)));
        assert!(!phq9_item9_risk(Some(0)));
        assert!(!phq9_item9_risk(None));
    }

    #[test]
    fn phq9_and_gad7_are_due_after_28_days_and_the_others_never() {
        let today = date(2026, 11, 25);
        assert!(is_due(Instrument::Phq9, None, today));
        assert!(
            !is_due(Instrument::Phq9, Some(date(2026, 10, 28)), today),
            "28 days ago is not yet due"
        );
        assert!(
            is_due(Instrument::Gad7, Some(date(2026, 10, 27)), today),
            "29 days ago is due"
        );
        assert!(!is_due(Instrument::Fiqr, None, today));
    }
}
