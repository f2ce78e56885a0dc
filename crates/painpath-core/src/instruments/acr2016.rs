//! The 2016 revised fibromyalgia diagnostic criteria (Wolfe et al., Semin Arthritis Rheum
//! 2016;46(3):319–329), as the self-report survey and as contracts/score.md scores them.
//!
//! WPI: how many of the 19 areas hurt in the past week (0–19). SSS: fatigue, waking unrefreshed
//! and cognitive symptoms, each 0–3, plus one point for each of headaches, lower abdominal pain
//! or cramps and depression in the past six months (0–12). FS = WPI + SSS (0–31).
//! Criteria met: (WPI ≥ 7 and SSS ≥ 5, or WPI 4–6 and SSS ≥ 9), generalised pain (4 of 5
//! regions, jaw, chest and abdomen not counting), and symptoms for at least 3 months.
//! A self-reported result is consistent with the criteria, never a diagnosis: the self-report
//! version is valid for research, not for diagnosing an individual (reference/instruments.md 1.4).

use std::collections::BTreeSet;

use crate::body::{BodyRegion, BodyRegionGroup};
use crate::problems::Problems;

/// The fibromyalgia severity (FS) categories (Wolfe et al., J Rheumatol 2015;42(8):1494–501).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FsCategory {
    None,
    Mild,
    Moderate,
    Severe,
    VerySevere,
}

impl FsCategory {
    pub const ALL: [FsCategory; 5] = [
        FsCategory::None,
        FsCategory::Mild,
        FsCategory::Moderate,
        FsCategory::Severe,
        FsCategory::VerySevere,
    ];

    pub fn code(self) -> &'static str {
        match self {
            FsCategory::None => "none",
            FsCategory::Mild => "mild",
            FsCategory::Moderate => "moderate",
            FsCategory::Severe => "severe",
            FsCategory::VerySevere => "very_severe",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            FsCategory::None => "None",
            FsCategory::Mild => "Mild",
            FsCategory::Moderate => "Moderate",
            FsCategory::Severe => "Severe",
            FsCategory::VerySevere => "Very severe",
        }
    }

    pub fn from_total(self) -> u8 {
        match self {
            FsCategory::None => 0,
            FsCategory::Mild => 4,
            FsCategory::Moderate => 8,
            FsCategory::Severe => 12,
            FsCategory::VerySevere => 20,
        }
    }

    pub fn of(fs: u8) -> FsCategory {
        match fs {
            0..=3 => FsCategory::None,
            4..=7 => FsCategory::Mild,
            8..=11 => FsCategory::Moderate,
            12..=19 => FsCategory::Severe,
            _ => FsCategory::VerySevere,
        }
    }
}

/// Which part of the criteria is not met, in the contract's byte order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Unmet {
    Duration,
    GeneralisedPain,
    SeverityThreshold,
}

impl Unmet {
    pub fn code(self) -> &'static str {
        match self {
            Unmet::Duration => "duration",
            Unmet::GeneralisedPain => "generalised_pain",
            Unmet::SeverityThreshold => "severity_threshold",
        }
    }
}

/// A completed survey, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Acr2016 {
    pub pain_regions: BTreeSet<BodyRegion>,
    pub fatigue: u8,
    pub waking_unrefreshed: u8,
    pub cognitive_symptoms: u8,
    pub headaches: bool,
    pub lower_abdominal_pain_or_cramps: bool,
    pub depression: bool,
    pub symptoms_at_least_3_months: bool,
}

/// The survey's answers as given, before they are checked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Acr2016Draft {
    pub pain_regions: Vec<String>,
    pub fatigue: i64,
    pub waking_unrefreshed: i64,
    pub cognitive_symptoms: i64,
    pub headaches: bool,
    pub lower_abdominal_pain_or_cramps: bool,
    pub depression: bool,
    pub symptoms_at_least_3_months: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Acr2016Score {
    pub wpi: u8,
    pub sss: u8,
    pub fs: u8,
    pub fs_category: FsCategory,
    /// The regions holding at least one counted area, in byte order of their codes.
    pub regions_with_pain: Vec<BodyRegionGroup>,
    pub generalised_pain: bool,
    pub meets_criteria: bool,
    pub unmet: Vec<Unmet>,
}

fn symptom(field: &str, v: i64, problems: &mut Problems) -> u8 {
    match u8::try_from(v).ok().filter(|v| *v <= 3) {
        Some(v) => v,
        None => {
            problems.add(
                field,
                "expected a whole number from 0 (no problem) to 3 (severe)",
            );
            0
        }
    }
}

impl Acr2016 {
    pub fn parse(draft: &Acr2016Draft) -> Result<Acr2016, Problems> {
        let mut problems = Problems::new();
        let mut pain_regions = BTreeSet::new();
        for (i, code) in draft.pain_regions.iter().enumerate() {
            let field = format!("pain_regions[{i}]");
            if let Some(r) = problems.check(field.clone(), code.parse::<BodyRegion>())
                && !pain_regions.insert(r)
            {
                problems.add(field, "this body region is listed twice");
            }
        }
        let survey = Acr2016 {
            pain_regions,
            fatigue: symptom("fatigue", draft.fatigue, &mut problems),
            waking_unrefreshed: symptom(
                "waking_unrefreshed",
                draft.waking_unrefreshed,
                &mut problems,
            ),
            cognitive_symptoms: symptom(
                "cognitive_symptoms",
                draft.cognitive_symptoms,
                &mut problems,
            ),
            headaches: draft.headaches,
            lower_abdominal_pain_or_cramps: draft.lower_abdominal_pain_or_cramps,
            depression: draft.depression,
            symptoms_at_least_3_months: draft.symptoms_at_least_3_months,
        };
        problems.into_result(survey)
    }

    pub fn score(&self) -> Acr2016Score {
        let wpi = self.pain_regions.len() as u8;
        let sss = self.fatigue
            + self.waking_unrefreshed
            + self.cognitive_symptoms
            + u8::from(self.headaches)
            + u8::from(self.lower_abdominal_pain_or_cramps)
            + u8::from(self.depression);
        let fs = wpi + sss;
        let groups: BTreeSet<BodyRegionGroup> = self
            .pain_regions
            .iter()
            .filter(|r| r.counts_for_generalised_pain())
            .map(|r| r.group())
            .collect();
        let mut regions_with_pain: Vec<BodyRegionGroup> = groups.into_iter().collect();
        regions_with_pain.sort_by_key(|g| g.code());
        let generalised_pain = regions_with_pain.len() >= 4;
        let severity_met = (wpi >= 7 && sss >= 5) || ((4..=6).contains(&wpi) && sss >= 9);
        let mut unmet = Vec::new();
        if !self.symptoms_at_least_3_months {
            unmet.push(Unmet::Duration);
        }
        if !generalised_pain {
            unmet.push(Unmet::GeneralisedPain);
        }
        if !severity_met {
            unmet.push(Unmet::SeverityThreshold);
        }
        unmet.sort_by_key(|u| u.code());
        Acr2016Score {
            wpi,
            sss,
            fs,
            fs_category: FsCategory::of(fs),
            regions_with_pain,
            generalised_pain,
            meets_criteria: unmet.is_empty(),
            unmet,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn survey(regions: &[&str], a: [u8; 3], b: [bool; 3], months: bool) -> Acr2016 {
        Acr2016::parse(&Acr2016Draft {
            pain_regions: regions.iter().map(|s| s.to_string()).collect(),
            fatigue: a[0].into(),
            waking_unrefreshed: a[1].into(),
            cognitive_symptoms: a[2].into(),
            headaches: b[0],
            lower_abdominal_pain_or_cramps: b[1],
            depression: b[2],
            symptoms_at_least_3_months: months,
        })
        .unwrap()
    }

    #[test]
    fn the_contract_example_scores_as_published() {
        let s = survey(
            &[
                "left_shoulder_girdle",
                "right_shoulder_girdle",
                "neck",
                "lower_back",
            ],
            [2, 3, 1],
            [true, false, true],
            true,
        )
        .score();
        assert_eq!((s.wpi, s.sss, s.fs), (4, 8, 12));
        assert_eq!(s.fs_category, FsCategory::Severe);
        let regions: Vec<_> = s.regions_with_pain.iter().map(|g| g.code()).collect();
        assert_eq!(regions, ["axial", "left_upper", "right_upper"]);
        assert!(!s.generalised_pain);
        assert!(!s.meets_criteria);
        let unmet: Vec<_> = s.unmet.iter().map(|u| u.code()).collect();
        assert_eq!(unmet, ["generalised_pain", "severity_threshold"]);
    }

    const FIVE_REGIONS: [&str; 7] = [
        "left_shoulder_girdle",
        "right_shoulder_girdle",
        "left_hip",
        "right_hip",
        "neck",
        "upper_back",
        "lower_back",
    ];

    #[test]
    fn wpi_7_with_sss_5_meets_the_criteria_and_sss_4_does_not() {
        let met = survey(&FIVE_REGIONS, [2, 2, 1], [false; 3], true).score();
        assert_eq!((met.wpi, met.sss), (7, 5));
        assert!(met.meets_criteria);
        assert_eq!(met.fs, 12, "a positive result always has FS of at least 12");
        let not = survey(&FIVE_REGIONS, [2, 1, 1], [false; 3], true).score();
        assert_eq!(not.unmet, [Unmet::SeverityThreshold]);
    }

    #[test]
    fn wpi_4_to_6_needs_sss_9() {
        let regions = [
            "left_shoulder_girdle",
            "right_shoulder_girdle",
            "left_hip",
            "lower_back",
        ];
        let met = survey(&regions, [3, 3, 2], [true, false, false], true).score();
        assert_eq!((met.wpi, met.sss), (4, 9));
        assert!(met.meets_criteria);
        let not = survey(&regions, [3, 3, 2], [false; 3], true).score();
        assert_eq!(not.sss, 8);
        assert!(!not.meets_criteria);
        // WPI 3 with the highest SSS is never enough in 2016 (it was in 2010 and 2011).
        let three = survey(&regions[..3], [3, 3, 3], [true; 3], true).score();
        assert_eq!(
            three.unmet,
            [Unmet::GeneralisedPain, Unmet::SeverityThreshold]
        );
    }

    #[test]
    fn jaw_chest_and_abdomen_count_for_the_wpi_but_not_for_generalised_pain() {
        // Only jaws, chest and abdomen, plus the lower limbs: upper and axial regions stay empty.
        let s = survey(
            &[
                "left_jaw",
                "right_jaw",
                "chest",
                "abdomen",
                "left_hip",
                "right_hip",
                "left_lower_leg",
            ],
            [3, 3, 3],
            [true; 3],
            true,
        )
        .score();
        assert_eq!(s.wpi, 7);
        let regions: Vec<_> = s.regions_with_pain.iter().map(|g| g.code()).collect();
        assert_eq!(regions, ["left_lower", "right_lower"]);
        assert!(!s.generalised_pain);
        assert_eq!(s.unmet, [Unmet::GeneralisedPain]);
    }

    #[test]
    fn four_of_five_regions_is_generalised_pain() {
        let s = survey(
            &["left_upper_arm", "right_upper_arm", "left_hip", "right_hip"],
            [0; 3],
            [false; 3],
            true,
        )
        .score();
        assert!(s.generalised_pain);
        let s = survey(
            &["left_upper_arm", "right_upper_arm", "left_hip"],
            [0; 3],
            [false; 3],
            true,
        )
        .score();
        assert!(!s.generalised_pain);
    }

    #[test]
    fn symptoms_under_three_months_leave_duration_unmet() {
        let s = survey(&FIVE_REGIONS, [3, 3, 3], [true; 3], false).score();
        assert_eq!(s.unmet, [Unmet::Duration]);
        assert!(!s.meets_criteria);
    }

    #[test]
    fn every_fs_category_boundary_falls_where_wolfe_put_it() {
        for (fs, c) in [
            (0, FsCategory::None),
            (3, FsCategory::None),
            (4, FsCategory::Mild),
            (7, FsCategory::Mild),
            (8, FsCategory::Moderate),
            (11, FsCategory::Moderate),
            (12, FsCategory::Severe),
            (19, FsCategory::Severe),
            (20, FsCategory::VerySevere),
            (31, FsCategory::VerySevere),
        ] {
            assert_eq!(FsCategory::of(fs), c, "fs {fs}");
        }
    }

    #[test]
    fn unknown_duplicate_and_out_of_range_answers_are_named() {
        let err = Acr2016::parse(&Acr2016Draft {
            pain_regions: vec!["neck".into(), "elbow".into(), "neck".into()],
            fatigue: 4,
            waking_unrefreshed: -1,
            ..Acr2016Draft::default()
        })
        .unwrap_err();
        let fields: Vec<_> = err.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "pain_regions[1]",
                "pain_regions[2]",
                "fatigue",
                "waking_unrefreshed"
            ]
        );
    }
}
