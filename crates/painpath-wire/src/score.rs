//! `painpath score INSTRUMENT` and `POST /api/score/{instrument}`: the shapes of
//! shared/contracts/score.md, and their conversion to and from core values.

use painpath_core::crisis::Line;
use painpath_core::instruments::acr2016::{Acr2016, Acr2016Draft, Acr2016Score};
use painpath_core::instruments::fiqr::{Fiqr, FiqrScore};
use painpath_core::instruments::gad7::{Gad7, Gad7Score};
use painpath_core::instruments::phq9::{Phq9, Phq9Score};
use painpath_core::person::Nation;
use painpath_core::problems::Problems;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The ACR 2016 survey's answers.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Acr2016Input {
    /// Where the person had pain in the past week: codes of the 19 areas, each at most once.
    pub pain_regions: Vec<String>,
    /// 0 no problem, 1 slight or mild, 2 moderate, 3 severe, over the past week.
    pub fatigue: i64,
    pub waking_unrefreshed: i64,
    pub cognitive_symptoms: i64,
    /// In the previous six months.
    pub headaches: bool,
    pub lower_abdominal_pain_or_cramps: bool,
    pub depression: bool,
    pub symptoms_at_least_3_months: bool,
}

impl Acr2016Input {
    pub fn parse(&self) -> Result<Acr2016, Problems> {
        Acr2016::parse(&Acr2016Draft {
            pain_regions: self.pain_regions.clone(),
            fatigue: self.fatigue,
            waking_unrefreshed: self.waking_unrefreshed,
            cognitive_symptoms: self.cognitive_symptoms,
            headaches: self.headaches,
            lower_abdominal_pain_or_cramps: self.lower_abdominal_pain_or_cramps,
            depression: self.depression,
            symptoms_at_least_3_months: self.symptoms_at_least_3_months,
        })
    }

    pub fn from_survey(s: &Acr2016) -> Acr2016Input {
        Acr2016Input {
            pain_regions: s.pain_regions.iter().map(|r| r.code().to_owned()).collect(),
            fatigue: s.fatigue.into(),
            waking_unrefreshed: s.waking_unrefreshed.into(),
            cognitive_symptoms: s.cognitive_symptoms.into(),
            headaches: s.headaches,
            lower_abdominal_pain_or_cramps: s.lower_abdominal_pain_or_cramps,
            depression: s.depression,
            symptoms_at_least_3_months: s.symptoms_at_least_3_months,
        }
    }
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Acr2016Output {
    pub instrument: &'static str,
    pub wpi: u8,
    pub sss: u8,
    pub fs: u8,
    /// `none`, `mild`, `moderate`, `severe`, `very_severe`.
    pub fs_category: &'static str,
    pub regions_with_pain: Vec<&'static str>,
    pub generalised_pain: bool,
    pub meets_criteria: bool,
    pub unmet: Vec<&'static str>,
}

impl From<&Acr2016Score> for Acr2016Output {
    fn from(s: &Acr2016Score) -> Acr2016Output {
        Acr2016Output {
            instrument: "acr2016",
            wpi: s.wpi,
            sss: s.sss,
            fs: s.fs,
            fs_category: s.fs_category.code(),
            regions_with_pain: s.regions_with_pain.iter().map(|g| g.code()).collect(),
            generalised_pain: s.generalised_pain,
            meets_criteria: s.meets_criteria,
            unmet: s.unmet.iter().map(|u| u.code()).collect(),
        }
    }
}

/// PHQ-9 answers: nine, each 0–3, in questionnaire order.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Phq9Input {
    pub items: Vec<i64>,
    /// The tenth, unscored question (0–3); echoed back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub difficulty: Option<i64>,
    /// `england` (default), `scotland`, `wales`, `northern_ireland`: chooses the services signposted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nation: Option<String>,
}

impl Phq9Input {
    pub fn parse(&self) -> Result<(Phq9, Option<Nation>), Problems> {
        let mut problems = Problems::new();
        let nation = self
            .nation
            .as_deref()
            .and_then(|n| problems.check("nation", n.parse::<Nation>()));
        match Phq9::parse(&self.items, self.difficulty) {
            Ok(p) if problems.is_empty() => Ok((p, nation)),
            Ok(_) => Err(problems),
            Err(more) => {
                for p in more {
                    problems.add(p.field, p.message);
                }
                Err(problems)
            }
        }
    }
}

/// A service to contact: the shape of plan.md's `triage.signposts`, with the service's name and
/// nations added (the contract allows added fields).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Signpost {
    /// The plan contract's service code (`999`, `samaritans`, `nhs_111`, `lifeline`).
    pub service: String,
    /// How to reach it, in plain English.
    pub contact: String,
    /// The service's name; when the caller's nation is not known, a national line's name starts
    /// with its nation ("Northern Ireland: Lifeline"), so every line says whose it is.
    pub name: String,
    /// The nations it serves (`england`, `scotland`, `wales`, `northern_ireland`); empty for the
    /// whole UK.
    pub nations: Vec<&'static str>,
}

impl From<&Line<'_>> for Signpost {
    fn from(line: &Line<'_>) -> Signpost {
        Signpost {
            service: line.service.code.clone(),
            contact: line.service.contact.clone(),
            name: line.heading(),
            nations: line.service.nations.iter().map(|n| n.code()).collect(),
        }
    }
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Phq9Output {
    pub instrument: &'static str,
    pub total: u8,
    /// `minimal`, `mild`, `moderate`, `moderately_severe`, `severe`.
    pub severity: &'static str,
    /// Item 9 above 0, whatever the total.
    pub self_harm_risk: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub difficulty: Option<u8>,
    /// Present when `self_harm_risk` is true: 999 first, then Samaritans and the nation's NHS
    /// line (every nation's, each named with its nation, when the nation is not known).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signposts: Option<Vec<Signpost>>,
}

impl Phq9Output {
    pub fn new(p: &Phq9, s: &Phq9Score, signposts: Vec<Line<'_>>) -> Phq9Output {
        Phq9Output {
            instrument: "phq9",
            total: s.total,
            severity: s.severity.code(),
            self_harm_risk: s.self_harm_risk,
            difficulty: p.difficulty,
            signposts: s
                .self_harm_risk
                .then(|| signposts.iter().map(Signpost::from).collect()),
        }
    }
}

/// GAD-7 answers: seven, each 0–3.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Gad7Input {
    pub items: Vec<i64>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Gad7Output {
    pub instrument: &'static str,
    pub total: u8,
    /// `minimal`, `mild`, `moderate`, `severe`.
    pub severity: &'static str,
}

impl From<&Gad7Score> for Gad7Output {
    fn from(s: &Gad7Score) -> Gad7Output {
        Gad7Output {
            instrument: "gad7",
            total: s.total,
            severity: s.severity.code(),
        }
    }
}

impl Gad7Input {
    pub fn parse(&self) -> Result<Gad7, Problems> {
        Gad7::parse(&self.items)
    }
}

/// FIQR answers, each a whole number 0–10; all 21 required.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FiqrInput {
    pub function: Vec<i64>,
    pub overall: Vec<i64>,
    pub symptoms: Vec<i64>,
}

impl FiqrInput {
    pub fn parse(&self) -> Result<Fiqr, Problems> {
        Fiqr::parse(&self.function, &self.overall, &self.symptoms)
    }
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct FiqrOutput {
    pub instrument: &'static str,
    pub function: f64,
    pub overall: f64,
    pub symptoms: f64,
    pub total: f64,
}

impl From<&FiqrScore> for FiqrOutput {
    fn from(s: &FiqrScore) -> FiqrOutput {
        let one_decimal = |tenths: u32| f64::from(tenths) / 10.0;
        FiqrOutput {
            instrument: "fiqr",
            function: one_decimal(s.function_tenths()),
            overall: one_decimal(s.overall_tenths()),
            symptoms: one_decimal(s.symptoms_tenths()),
            total: one_decimal(s.total_tenths()),
        }
    }
}
