//! The codes the plan and score contracts (contracts/plan.md, contracts/score.md) fix, which the
//! knowledge base must match.
//!
//! They are kept here, as data beside the loader, because the contract is what the files are
//! checked against: a file cannot vouch for itself. When plan.md's tables change, change these
//! lists in the same pull request; when core's scoring of a questionnaire changes, change its
//! layout here.

use painpath_core::instruments::{Instrument, gad7, phq9};
use painpath_core::kb::TreatmentGroup;

/// Every treatment code of plan.md's "Treatment codes" table, with its group, in the table's
/// order. The knowledge base must hold one file for each; it may hold more.
pub const TREATMENT_CODES: [(&str, TreatmentGroup); 46] = {
    use TreatmentGroup::{
        BrainStimulationAndEmerging as Brain, Diet, HandsOn, Medicines, Physical,
        PsychologicalAndMindBody as Psych, SelfManagement, Supplements,
    };
    [
        ("rtms", Brain),
        ("ketamine_infusion", Brain),
        ("prp_injection", Brain),
        ("paracetamol", Medicines),
        ("nsaid", Medicines),
        ("amitriptyline", Medicines),
        ("duloxetine", Medicines),
        ("pregabalin", Medicines),
        ("gabapentin", Medicines),
        ("opioid", Medicines),
        ("physiotherapy", Physical),
        ("osteopathy", Physical),
        ("aerobic_exercise", Physical),
        ("strength_training", Physical),
        ("stretching", Physical),
        ("hydrotherapy", Physical),
        ("yoga", Physical),
        ("tai_chi", Physical),
        ("pilates", Physical),
        ("walking", Physical),
        ("cbt", Psych),
        ("act", Psych),
        ("cbt_insomnia", Psych),
        ("mindfulness", Psych),
        ("breathing_exercises", Psych),
        ("progressive_muscle_relaxation", Psych),
        ("journaling", Psych),
        ("nature_activity", Psych),
        ("acupuncture", HandsOn),
        ("massage_myofascial_release", HandsOn),
        ("massage_swedish", HandsOn),
        ("massage_lymphatic_drainage", HandsOn),
        ("massage_trigger_point", HandsOn),
        ("massage_deep_tissue", HandsOn),
        ("magnesium", Supplements),
        ("curcumin", Supplements),
        ("omega3", Supplements),
        ("coenzyme_q10", Supplements),
        ("vitamin_d", Supplements),
        ("anti_inflammatory_diet", Diet),
        ("elimination_diet", Diet),
        ("gluten_free_diet", Diet),
        ("education", SelfManagement),
        ("pacing", SelfManagement),
        ("sleep_hygiene", SelfManagement),
        ("pain_management_programme", SelfManagement),
    ]
};

/// The service codes of plan.md's `signposts[]`. A service file may use no other.
pub const SERVICE_CODES: [&str; 10] = [
    "999",
    "nhs_111",
    "samaritans",
    "shout",
    "lifeline",
    "breathing_space",
    "call_helpline",
    "gp",
    "nhs_talking_therapies",
    "physiotherapy_self_referral",
];

/// painpath's own service codes, beyond plan.md's: entries the pages show (with 999, and under
/// "Not an emergency?" on the help page) that no contract output ever names, so that
/// `signposts[]` keeps to plan.md's list. `overdose` is advice shown inside the 999 entry;
/// `999_bsl`, `relay_uk` and `emergency_sms` are ways to reach 999 without a voice call;
/// `nhs_111_medical` is 111 for urgent medical help (the `nhs_111` entries are its mental
/// health option); `gp_out_of_hours` is the GP out-of-hours service.
pub const PAGE_SERVICE_CODES: [&str; 6] = [
    "overdose",
    "999_bsl",
    "relay_uk",
    "emergency_sms",
    "nhs_111_medical",
    "gp_out_of_hours",
];

/// plan.md's group for a contract treatment code, or `None` for a code outside the table.
pub fn group_of(code: &str) -> Option<TreatmentGroup> {
    TREATMENT_CODES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, g)| *g)
}

/// How a question is answered, as the scoring expects it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// One answer from a list whose values are exactly `min..=max`, in that order.
    Choice { min: u8, max: u8 },
    /// A whole number from `min` to `max` with labelled ends.
    Scale { min: u8, max: u8 },
    /// Ticks on the 19 areas of the Widespread Pain Index.
    BodyMap,
}

impl Kind {
    pub(crate) fn code(self) -> &'static str {
        match self {
            Kind::Choice { .. } => "choice",
            Kind::Scale { .. } => "scale",
            Kind::BodyMap => "body_map",
        }
    }
}

/// One question the scoring reads (or, when `scored` is false, keeps without scoring).
#[derive(Clone, Copy, Debug)]
pub(crate) struct ItemRule {
    pub id: &'static str,
    pub section: &'static str,
    pub kind: Kind,
    pub scored: bool,
    /// Whether a file may leave the question out.
    pub optional: bool,
}

/// What core's scoring of one instrument expects of its file. The sections are those of the
/// items, in the items' order.
pub(crate) struct Layout {
    pub items: Vec<ItemRule>,
    /// The highest total the bands must reach.
    pub max_total: u32,
}

const fn item(id: &'static str, section: &'static str, kind: Kind) -> ItemRule {
    ItemRule {
        id,
        section,
        kind,
        scored: true,
        optional: false,
    }
}

/// The layout core's scoring gives each instrument (crates/painpath-core/src/instruments/).
pub(crate) fn layout(instrument: Instrument) -> Layout {
    const ZERO_TO_THREE: Kind = Kind::Choice { min: 0, max: 3 };
    const YES_NO: Kind = Kind::Choice { min: 0, max: 1 };
    const ZERO_TO_TEN: Kind = Kind::Scale { min: 0, max: 10 };
    match instrument {
        // `Acr2016`: the 19 areas are one pain-map question (not 19 items); then the fields of
        // `Acr2016Draft`, in its order.
        Instrument::Acr2016 => Layout {
            items: vec![
                item("acr_pain_map", "pain_map", Kind::BodyMap),
                item("acr_fatigue", "past_week", ZERO_TO_THREE),
                item("acr_waking_unrefreshed", "past_week", ZERO_TO_THREE),
                item("acr_cognitive_symptoms", "past_week", ZERO_TO_THREE),
                item("acr_headaches", "past_6_months", YES_NO),
                item(
                    "acr_lower_abdominal_pain_or_cramps",
                    "past_6_months",
                    YES_NO,
                ),
                item("acr_depression", "past_6_months", YES_NO),
                item("acr_symptoms_at_least_3_months", "duration", YES_NO),
            ],
            // FS = WPI (0–19) + SSS (0–12).
            max_total: 31,
        },
        // `Phq9`: nine items, then the optional, unscored difficulty question.
        Instrument::Phq9 => {
            const IDS: [&str; 9] = [
                "phq9_1", "phq9_2", "phq9_3", "phq9_4", "phq9_5", "phq9_6", "phq9_7", "phq9_8",
                "phq9_9",
            ];
            let mut items: Vec<ItemRule> = IDS
                .iter()
                .map(|id| item(id, "problems", ZERO_TO_THREE))
                .collect();
            items.push(ItemRule {
                id: "phq9_difficulty",
                section: "difficulty",
                kind: ZERO_TO_THREE,
                scored: false,
                optional: true,
            });
            Layout {
                items,
                max_total: u32::from(phq9::MAX_TOTAL),
            }
        }
        // `Gad7`: seven items; core takes no difficulty question.
        Instrument::Gad7 => {
            const IDS: [&str; 7] = [
                "gad7_1", "gad7_2", "gad7_3", "gad7_4", "gad7_5", "gad7_6", "gad7_7",
            ];
            Layout {
                items: IDS
                    .iter()
                    .map(|id| item(id, "problems", ZERO_TO_THREE))
                    .collect(),
                max_total: u32::from(gad7::MAX_TOTAL),
            }
        }
        // `Fiqr`: function (9), overall impact (2), symptoms (10), each 0–10.
        Instrument::Fiqr => {
            const FUNCTION: [&str; 9] = [
                "fiqr_f1", "fiqr_f2", "fiqr_f3", "fiqr_f4", "fiqr_f5", "fiqr_f6", "fiqr_f7",
                "fiqr_f8", "fiqr_f9",
            ];
            const OVERALL: [&str; 2] = ["fiqr_o1", "fiqr_o2"];
            const SYMPTOMS: [&str; 10] = [
                "fiqr_s1", "fiqr_s2", "fiqr_s3", "fiqr_s4", "fiqr_s5", "fiqr_s6", "fiqr_s7",
                "fiqr_s8", "fiqr_s9", "fiqr_s10",
            ];
            let domain = |ids: &'static [&'static str], section: &'static str| {
                ids.iter().map(move |id| item(id, section, ZERO_TO_TEN))
            };
            Layout {
                items: domain(&FUNCTION, "function")
                    .chain(domain(&OVERALL, "overall"))
                    .chain(domain(&SYMPTOMS, "symptoms"))
                    .collect(),
                // Function 0–30 + overall 0–20 + symptoms 0–50.
                max_total: 100,
            }
        }
    }
}

/// Core's band code for a whole-number total, for the instruments whose bands core scores
/// (the FIQR's total is reported without a band, so its bands have nothing to match).
pub(crate) fn core_band(instrument: Instrument, total: u32) -> Option<&'static str> {
    let total = u8::try_from(total).ok()?;
    match instrument {
        Instrument::Acr2016 => {
            Some(painpath_core::instruments::acr2016::FsCategory::of(total).code())
        }
        Instrument::Phq9 => Some(phq9::Severity::of(total).code()),
        Instrument::Gad7 => Some(gad7::Severity::of(total).code()),
        Instrument::Fiqr => None,
    }
}
