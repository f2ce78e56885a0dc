//! What a person takes or does: treatment codes, medication classes and treatment periods
//! (design.md 8 and 9).

use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;

use crate::person::UserId;
use crate::problems::Problems;

/// A treatment code of the knowledge base (`rtms`, `pacing`). Lower-case snake_case; whether the
/// knowledge base holds it is checked against [`crate::kb::Kb`].
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TreatmentCode(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("expected a lower-case snake_case code")]
pub struct BadCode;

impl TreatmentCode {
    pub fn parse(s: &str) -> Result<TreatmentCode, BadCode> {
        let ok = !s.is_empty()
            && s.len() <= 64
            && s.starts_with(|c: char| c.is_ascii_lowercase())
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if ok {
            Ok(TreatmentCode(s.to_owned()))
        } else {
            Err(BadCode)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TreatmentCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

macro_rules! classes {
    ($( $variant:ident => $code:literal, $label:literal; )*) => {
        /// A medication class of the plan contract, so that medicines outside the treatment codes
        /// (sertraline, warfarin) are still seen by every interaction rule (design.md 9).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum MedicationClass { $($variant),* }

        impl MedicationClass {
            pub const ALL: &[MedicationClass] = &[$(MedicationClass::$variant),*];
            pub fn code(self) -> &'static str { match self { $(MedicationClass::$variant => $code),* } }
            pub fn label(self) -> &'static str { match self { $(MedicationClass::$variant => $label),* } }
        }

        impl FromStr for MedicationClass {
            type Err = UnknownMedicationClass;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s { $($code => Ok(MedicationClass::$variant),)* _ => Err(UnknownMedicationClass) }
            }
        }
    };
}

classes! {
    Maoi => "maoi", "MAOI antidepressant";
    Ssri => "ssri", "SSRI antidepressant";
    Snri => "snri", "SNRI antidepressant";
    Tricyclic => "tricyclic", "Tricyclic antidepressant";
    Triptan => "triptan", "Triptan (for migraine)";
    Tramadol => "tramadol", "Tramadol";
    Opioid => "opioid", "Opioid painkiller";
    Benzodiazepine => "benzodiazepine", "Benzodiazepine";
    Gabapentinoid => "gabapentinoid", "Gabapentinoid";
    Anticoagulant => "anticoagulant", "Anticoagulant (blood thinner)";
    Antiplatelet => "antiplatelet", "Antiplatelet";
    Lithium => "lithium", "Lithium";
    StJohnsWort => "st_johns_wort", "St John's wort";
    Cyp1a2StrongInhibitor => "cyp1a2_strong_inhibitor", "Strong CYP1A2 inhibitor";
    Nsaid => "nsaid", "Anti-inflammatory painkiller (NSAID)";
    Methotrexate => "methotrexate", "Methotrexate";
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("expected a medication class code such as ssri, anticoagulant or maoi")]
pub struct UnknownMedicationClass;

/// What a period is of: a treatment of the knowledge base, or a medicine known by its class.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Therapy {
    Treatment(TreatmentCode),
    Medication(MedicationClass),
}

/// How a period turned out, recorded when it ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PeriodOutcome {
    Helped,
    NoBenefit,
    NotTolerated,
}

impl PeriodOutcome {
    pub const ALL: [PeriodOutcome; 3] = [
        PeriodOutcome::Helped,
        PeriodOutcome::NoBenefit,
        PeriodOutcome::NotTolerated,
    ];
    pub fn code(self) -> &'static str {
        match self {
            PeriodOutcome::Helped => "helped",
            PeriodOutcome::NoBenefit => "no_benefit",
            PeriodOutcome::NotTolerated => "not_tolerated",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            PeriodOutcome::Helped => "Helped",
            PeriodOutcome::NoBenefit => "No benefit",
            PeriodOutcome::NotTolerated => "Not tolerated",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("expected helped, no_benefit or not_tolerated")]
pub struct UnknownOutcome;

impl FromStr for PeriodOutcome {
    type Err = UnknownOutcome;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PeriodOutcome::ALL
            .into_iter()
            .find(|o| o.code() == s)
            .ok_or(UnknownOutcome)
    }
}

/// Who put a period on record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PeriodSource {
    /// The person themselves.
    SelfReported,
    /// A clinician on their care team.
    Clinician,
    /// A clinic treatment course (which owns exactly one period).
    Course,
}

impl PeriodSource {
    pub fn code(self) -> &'static str {
        match self {
            PeriodSource::SelfReported => "self",
            PeriodSource::Clinician => "clinician",
            PeriodSource::Course => "course",
        }
    }
    pub fn from_code(s: &str) -> Option<PeriodSource> {
        [
            PeriodSource::SelfReported,
            PeriodSource::Clinician,
            PeriodSource::Course,
        ]
        .into_iter()
        .find(|p| p.code() == s)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PeriodId(pub i64);

/// A stretch of time during which a person took or did something.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TreatmentPeriod {
    pub id: PeriodId,
    pub patient: UserId,
    pub therapy: Therapy,
    /// The name as the person calls it ("sertraline", "my walking group").
    pub name: String,
    pub start: Date,
    pub end: Option<Date>,
    pub outcome: Option<PeriodOutcome>,
    pub recorded_by: UserId,
    pub source: PeriodSource,
}

impl TreatmentPeriod {
    /// Whether the period covers `date` (open periods run on for ever).
    pub fn is_open_on(&self, date: Date) -> bool {
        self.start <= date && self.end.is_none_or(|end| date <= end)
    }

    pub fn is_open(&self) -> bool {
        self.end.is_none()
    }
}

/// A new period, checked. Its id, patient and recorder come from the store and the session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewPeriod {
    pub therapy: Therapy,
    pub name: String,
    pub start: Date,
    pub end: Option<Date>,
    pub outcome: Option<PeriodOutcome>,
}

impl NewPeriod {
    /// Checks the parts of a period that hang together: the name, and an end no earlier than the
    /// start and no later than today; an outcome only once it has ended.
    pub fn parse(
        therapy: Therapy,
        name: &str,
        start: Date,
        end: Option<Date>,
        outcome: Option<PeriodOutcome>,
        today: Date,
    ) -> Result<NewPeriod, Problems> {
        let mut problems = Problems::new();
        let name = name.trim();
        if name.chars().count() > 100 {
            problems.add("name", "expected at most 100 characters");
        }
        if crate::problems::has_stray_control(name, false) {
            problems.add("name", crate::problems::STRAY_CONTROL);
        }
        if start > today {
            problems.add("start", "the start is in the future");
        }
        if let Some(end) = end {
            if end < start {
                problems.add("end", "the end is before the start");
            }
            if end > today {
                problems.add("end", "the end is in the future");
            }
        }
        if outcome.is_some() && end.is_none() {
            problems.add(
                "outcome",
                "an outcome is recorded only once the period has ended",
            );
        }
        problems.into_result(NewPeriod {
            therapy,
            name: name.to_owned(),
            start,
            end,
            outcome,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i16, m: i8, day: i8) -> Date {
        Date::constant(y, m, day)
    }

    #[test]
    fn treatment_codes_must_be_snake_case() {
        assert!(TreatmentCode::parse("cbt_insomnia").is_ok());
        assert!(TreatmentCode::parse("CBT").is_err());
        assert!(TreatmentCode::parse("").is_err());
        assert!(TreatmentCode::parse("1cbt").is_err());
    }

    #[test]
    fn every_medication_class_round_trips() {
        assert_eq!(MedicationClass::ALL.len(), 16);
        for c in MedicationClass::ALL {
            assert_eq!(c.code().parse::<MedicationClass>(), Ok(*c));
        }
        assert!("warfarin".parse::<MedicationClass>().is_err());
    }

    #[test]
    fn an_open_period_covers_every_day_from_its_start() {
        let p = TreatmentPeriod {
            id: PeriodId(1),
            patient: UserId(1),
            therapy: Therapy::Medication(MedicationClass::Ssri),
            name: "sertraline".into(),
            start: d(2026, 1, 10),
            end: None,
            outcome: None,
            recorded_by: UserId(1),
            source: PeriodSource::SelfReported,
        };
        assert!(!p.is_open_on(d(2026, 1, 9)));
        assert!(p.is_open_on(d(2026, 1, 10)));
        assert!(p.is_open_on(d(2030, 1, 1)));
        let ended = TreatmentPeriod {
            end: Some(d(2026, 2, 1)),
            ..p
        };
        assert!(ended.is_open_on(d(2026, 2, 1)));
        assert!(!ended.is_open_on(d(2026, 2, 2)));
    }

    #[test]
    fn a_period_cannot_end_before_it_starts_or_have_an_outcome_while_open() {
        let today = d(2026, 11, 25);
        let therapy = Therapy::Treatment(TreatmentCode::parse("pacing").unwrap());
        let err = NewPeriod::parse(
            therapy.clone(),
            "pacing",
            d(2026, 5, 1),
            Some(d(2026, 4, 1)),
            None,
            today,
        )
        .unwrap_err();
        assert_eq!(err.iter().next().unwrap().field, "end");
        let err = NewPeriod::parse(
            therapy.clone(),
            "pacing",
            d(2026, 5, 1),
            None,
            Some(PeriodOutcome::Helped),
            today,
        )
        .unwrap_err();
        assert_eq!(err.iter().next().unwrap().field, "outcome");
        assert!(
            NewPeriod::parse(
                therapy,
                "pacing",
                d(2026, 5, 1),
                Some(d(2026, 6, 1)),
                Some(PeriodOutcome::Helped),
                today
            )
            .is_ok()
        );
    }
}
