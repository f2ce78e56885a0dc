//! The daily check-in: one per person per day, built to take under a minute on a bad day.
//!
//! Every rating is optional, because a person with fibro fog may record only their pain; a
//! missing value is absent, never zero, because a gap in the diary is not a pain-free day.
//! A day's sleep is the night that ended that morning (design.md 12).

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use jiff::civil::{Date, Time};

use crate::body::BodyRegion;
use crate::problems::Problems;
use crate::scale::Nrs;
use crate::treatment::{PeriodId, TreatmentPeriod};

/// The six symptom domains of the seed article, plus the diary's mood and stress ratings, in the
/// order the check-in asks them. Each knows which end of its scale is good.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Domain {
    Pain,
    Fatigue,
    Fog,
    SleepQuality,
    Mood,
    Stress,
    Sensitivity,
}

impl Domain {
    pub const ALL: [Domain; 7] = [
        Domain::Pain,
        Domain::Fatigue,
        Domain::Fog,
        Domain::SleepQuality,
        Domain::Mood,
        Domain::Stress,
        Domain::Sensitivity,
    ];

    /// The field name used in forms and JSON.
    pub fn field(self) -> &'static str {
        match self {
            Domain::Pain => "pain",
            Domain::Fatigue => "fatigue",
            Domain::Fog => "fog",
            Domain::SleepQuality => "sleep_quality",
            Domain::Mood => "mood",
            Domain::Stress => "stress",
            Domain::Sensitivity => "sensitivity",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Domain::Pain => "Pain",
            Domain::Fatigue => "Fatigue",
            Domain::Fog => "Fog (concentration and memory)",
            Domain::SleepQuality => "Sleep quality last night",
            Domain::Mood => "Mood",
            Domain::Stress => "Stress",
            Domain::Sensitivity => "Sensitivity (light, noise, temperature)",
        }
    }

    /// Whether 10 is the good end (mood and sleep quality) rather than the worst.
    pub fn higher_is_better(self) -> bool {
        matches!(self, Domain::Mood | Domain::SleepQuality)
    }

    /// The words at each end of the scale, low first.
    pub fn anchors(self) -> (&'static str, &'static str) {
        if self.higher_is_better() {
            ("very poor", "very good")
        } else {
            ("none", "worst")
        }
    }
}

/// What a person was sensitive to today.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Sensitivity {
    Light,
    Noise,
    Temperature,
}

impl Sensitivity {
    pub const ALL: [Sensitivity; 3] = [
        Sensitivity::Light,
        Sensitivity::Noise,
        Sensitivity::Temperature,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Sensitivity::Light => "light",
            Sensitivity::Noise => "noise",
            Sensitivity::Temperature => "temperature",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Sensitivity::Light => "Light",
            Sensitivity::Noise => "Noise",
            Sensitivity::Temperature => "Temperature",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("expected light, noise or temperature")]
pub struct UnknownSensitivity;

impl FromStr for Sensitivity {
    type Err = UnknownSensitivity;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Sensitivity::ALL
            .into_iter()
            .find(|x| x.code() == s)
            .ok_or(UnknownSensitivity)
    }
}

/// A factor the person thinks went with today: a tag of their own words, lower-cased.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Factor(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("expected 1 to 40 letters, digits, spaces, hyphens or apostrophes")]
pub struct BadFactor;

impl Factor {
    pub fn parse(text: &str) -> Result<Factor, BadFactor> {
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let text = text.to_lowercase();
        let ok = (1..=40).contains(&text.chars().count())
            && text
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '\'' | ':'));
        if ok { Ok(Factor(text)) } else { Err(BadFactor) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Factor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Factors offered with one tap; anything else can be typed.
pub const FACTOR_SUGGESTIONS: [&str; 8] = [
    "poor sleep",
    "stress",
    "overdid it",
    "cold or damp weather",
    "illness",
    "period",
    "alcohol",
    "a food",
];

/// Something from the person's own list (an open treatment period) done or taken today, with the
/// minutes or dose if they want to say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DoneToday {
    pub period: PeriodId,
    pub amount: Option<String>,
}

/// One day's check-in, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckIn {
    pub date: Date,
    pub pain: Option<Nrs>,
    pub fatigue: Option<Nrs>,
    pub fog: Option<Nrs>,
    pub sleep_quality: Option<Nrs>,
    /// Hours slept, in tenths of an hour (7.5 hours is 75).
    pub sleep_tenths: Option<u16>,
    pub bed_time: Option<Time>,
    pub wake_time: Option<Time>,
    pub mood: Option<Nrs>,
    pub stress: Option<Nrs>,
    pub sensitivity: Option<Nrs>,
    pub sensitivities: BTreeSet<Sensitivity>,
    pub activity_minutes: Option<u16>,
    pub flare: Option<bool>,
    pub pain_regions: BTreeSet<BodyRegion>,
    pub factors: BTreeSet<Factor>,
    pub done_today: Vec<DoneToday>,
    pub note: Option<String>,
}

impl CheckIn {
    pub fn rating(&self, domain: Domain) -> Option<Nrs> {
        match domain {
            Domain::Pain => self.pain,
            Domain::Fatigue => self.fatigue,
            Domain::Fog => self.fog,
            Domain::SleepQuality => self.sleep_quality,
            Domain::Mood => self.mood,
            Domain::Stress => self.stress,
            Domain::Sensitivity => self.sensitivity,
        }
    }

    /// "Same as yesterday": an explicit action that copies how the body felt onto `date`
    /// (ratings, sleep, where it hurts, sensitivities, activity and whether it was a flare), but
    /// not the note, the factors or what was done, which belong to the day they happened.
    pub fn same_as(previous: &CheckIn, date: Date) -> CheckIn {
        CheckIn {
            date,
            factors: BTreeSet::new(),
            done_today: Vec::new(),
            note: None,
            ..previous.clone()
        }
    }
}

/// A check-in as it arrives, before it is checked: numbers and text as given by a form or JSON.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CheckInDraft {
    pub date: Option<Date>,
    pub pain: Option<i64>,
    pub fatigue: Option<i64>,
    pub fog: Option<i64>,
    pub sleep_quality: Option<i64>,
    pub sleep_hours: Option<f64>,
    pub bed_time: Option<Time>,
    pub wake_time: Option<Time>,
    pub mood: Option<i64>,
    pub stress: Option<i64>,
    pub sensitivity: Option<i64>,
    pub sensitivities: Vec<String>,
    pub activity_minutes: Option<i64>,
    pub flare: Option<bool>,
    pub pain_regions: Vec<String>,
    pub factors: Vec<String>,
    pub done_today: Vec<(i64, Option<String>)>,
    pub note: Option<String>,
}

pub const MAX_NOTE: usize = 2000;
pub const MAX_FACTORS: usize = 20;
pub const MAX_AMOUNT: usize = 50;

/// Everything parsing needs to know besides the draft.
pub struct CheckInContext<'a> {
    /// Today in the person's time zone: a check-in cannot be for a later day.
    pub today: Date,
    /// The person's treatment periods: "done today" may only tick one open on the day.
    pub periods: &'a [TreatmentPeriod],
}

impl CheckIn {
    /// Checks a draft, collecting every problem with its field name.
    pub fn parse(draft: CheckInDraft, cx: &CheckInContext<'_>) -> Result<CheckIn, Problems> {
        let mut problems = Problems::new();
        let date = match draft.date {
            None => {
                problems.add("date", "expected the day this check-in is for");
                None
            }
            Some(d) if d > cx.today => {
                problems.add("date", "the day is in the future");
                None
            }
            Some(d) if d < Date::constant(1990, 1, 1) => {
                problems.add("date", "the day is before 1990");
                None
            }
            Some(d) => Some(d),
        };
        let mut rating = |field: &str, v: Option<i64>| -> Option<Nrs> {
            v.and_then(|v| problems.check(field, Nrs::new(v)))
        };
        let pain = rating("pain", draft.pain);
        let fatigue = rating("fatigue", draft.fatigue);
        let fog = rating("fog", draft.fog);
        let sleep_quality = rating("sleep_quality", draft.sleep_quality);
        let mood = rating("mood", draft.mood);
        let stress = rating("stress", draft.stress);
        let sensitivity = rating("sensitivity", draft.sensitivity);

        let sleep_tenths = match draft.sleep_hours {
            None => None,
            Some(h) if !(0.0..=24.0).contains(&h) => {
                problems.add("sleep_hours", "expected hours from 0 to 24");
                None
            }
            Some(h) if ((h * 10.0).round() - h * 10.0).abs() > 1e-9 => {
                problems.add(
                    "sleep_hours",
                    "expected at most one decimal place, such as 6.5",
                );
                None
            }
            Some(h) => Some((h * 10.0).round() as u16),
        };

        let activity_minutes = match draft.activity_minutes {
            None => None,
            Some(m) if (0..=1440).contains(&m) => Some(m as u16),
            Some(_) => {
                problems.add(
                    "activity_minutes",
                    "expected whole minutes from 0 to 1440 (a day)",
                );
                None
            }
        };

        let mut sensitivities = BTreeSet::new();
        for (i, s) in draft.sensitivities.iter().enumerate() {
            let field = format!("sensitivities[{i}]");
            if let Some(s) = problems.check(field.clone(), s.parse::<Sensitivity>())
                && !sensitivities.insert(s)
            {
                problems.add(field, "this sensitivity is listed twice");
            }
        }

        let mut pain_regions = BTreeSet::new();
        for (i, r) in draft.pain_regions.iter().enumerate() {
            let field = format!("pain_regions[{i}]");
            if let Some(r) = problems.check(field.clone(), r.parse::<BodyRegion>())
                && !pain_regions.insert(r)
            {
                problems.add(field, "this body region is listed twice");
            }
        }

        let mut factors = BTreeSet::new();
        if draft.factors.len() > MAX_FACTORS {
            problems.add("factors", format!("expected at most {MAX_FACTORS} factors"));
        } else {
            for (i, f) in draft.factors.iter().enumerate() {
                // A repeated factor is harmless (a suggestion ticked and also typed), so it is merged.
                if let Some(f) = problems.check(format!("factors[{i}]"), Factor::parse(f)) {
                    factors.insert(f);
                }
            }
        }

        let mut done_today: Vec<DoneToday> = Vec::new();
        for (i, (period, amount)) in draft.done_today.iter().enumerate() {
            let field = format!("done_today[{i}]");
            let found = cx.periods.iter().find(|p| p.id.0 == *period);
            match (found, date) {
                (None, _) => problems.add(
                    format!("{field}.period"),
                    "expected one of your own treatments",
                ),
                (Some(p), Some(d)) if !p.is_open_on(d) => problems.add(
                    format!("{field}.period"),
                    "this treatment was not running on that day; start it again under My treatments first",
                ),
                (Some(p), _) => {
                    if done_today.iter().any(|d| d.period == p.id) {
                        problems.add(format!("{field}.period"), "this treatment is listed twice");
                    }
                    let amount = amount
                        .as_deref()
                        .map(str::trim)
                        .filter(|a| !a.is_empty())
                        .map(str::to_owned);
                    if amount.as_ref().is_some_and(|a| {
                        a.chars().count() > MAX_AMOUNT
                            || crate::problems::has_stray_control(a, false)
                    })
                    {
                        problems.add(
                            format!("{field}.amount"),
                            format!("expected at most {MAX_AMOUNT} characters"),
                        );
                    }
                    done_today.push(DoneToday {
                        period: p.id,
                        amount,
                    });
                }
            }
        }

        let note = draft
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_owned);
        if note.as_ref().is_some_and(|n| n.chars().count() > MAX_NOTE) {
            problems.add("note", format!("expected at most {MAX_NOTE} characters"));
        }
        if note
            .as_deref()
            .is_some_and(|n| crate::problems::has_stray_control(n, true))
        {
            problems.add("note", crate::problems::STRAY_CONTROL);
        }

        let Some(date) = date else {
            return Err(problems);
        };
        let check_in = CheckIn {
            date,
            pain,
            fatigue,
            fog,
            sleep_quality,
            sleep_tenths,
            bed_time: draft.bed_time,
            wake_time: draft.wake_time,
            mood,
            stress,
            sensitivity,
            sensitivities,
            activity_minutes,
            flare: draft.flare,
            pain_regions,
            factors,
            done_today,
            note,
        };
        if problems.is_empty() && check_in.is_empty() {
            problems.add(
                "check_in",
                "nothing was recorded: rate at least one thing, or add a note",
            );
        }
        problems.into_result(check_in)
    }

    /// True when nothing at all was recorded, which is never worth saving.
    pub fn is_empty(&self) -> bool {
        Domain::ALL.iter().all(|d| self.rating(*d).is_none())
            && self.sleep_tenths.is_none()
            && self.bed_time.is_none()
            && self.wake_time.is_none()
            && self.sensitivities.is_empty()
            && self.activity_minutes.is_none()
            && self.flare.is_none()
            && self.pain_regions.is_empty()
            && self.factors.is_empty()
            && self.done_today.is_empty()
            && self.note.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::person::UserId;
    use crate::treatment::{PeriodSource, Therapy, TreatmentCode};

    fn today() -> Date {
        Date::constant(2026, 11, 25)
    }

    fn cx<'a>(periods: &'a [TreatmentPeriod]) -> CheckInContext<'a> {
        CheckInContext {
            today: today(),
            periods,
        }
    }

    fn draft() -> CheckInDraft {
        CheckInDraft {
            date: Some(today()),
            pain: Some(6),
            ..CheckInDraft::default()
        }
    }

    fn period(id: i64, start: Date, end: Option<Date>) -> TreatmentPeriod {
        TreatmentPeriod {
            id: PeriodId(id),
            patient: UserId(1),
            therapy: Therapy::Treatment(TreatmentCode::parse("walking").unwrap()),
            name: "walking".into(),
            start,
            end,
            outcome: None,
            recorded_by: UserId(1),
            source: PeriodSource::SelfReported,
        }
    }

    fn fields(p: Problems) -> Vec<String> {
        p.into_iter().map(|p| p.field).collect()
    }

    #[test]
    fn a_check_in_with_only_pain_is_accepted() {
        let c = CheckIn::parse(draft(), &cx(&[])).unwrap();
        assert_eq!(c.pain.map(Nrs::get), Some(6));
        assert_eq!(c.fatigue, None);
    }

    #[test]
    fn an_empty_check_in_is_refused() {
        let d = CheckInDraft {
            date: Some(today()),
            ..CheckInDraft::default()
        };
        assert_eq!(
            fields(CheckIn::parse(d, &cx(&[])).unwrap_err()),
            ["check_in"]
        );
    }

    #[test]
    fn a_future_day_is_refused_but_past_days_can_be_filled_in() {
        let d = CheckInDraft {
            date: today().tomorrow().ok(),
            ..draft()
        };
        assert_eq!(fields(CheckIn::parse(d, &cx(&[])).unwrap_err()), ["date"]);
        let d = CheckInDraft {
            date: Some(Date::constant(2026, 10, 1)),
            ..draft()
        };
        assert!(CheckIn::parse(d, &cx(&[])).is_ok());
    }

    #[test]
    fn every_out_of_range_field_is_named() {
        let d = CheckInDraft {
            pain: Some(11),
            mood: Some(-1),
            sleep_hours: Some(25.0),
            activity_minutes: Some(2000),
            pain_regions: vec!["neck".into(), "elbow".into(), "neck".into()],
            sensitivities: vec!["smell".into()],
            ..draft()
        };
        assert_eq!(
            fields(CheckIn::parse(d, &cx(&[])).unwrap_err()),
            [
                "pain",
                "mood",
                "sleep_hours",
                "activity_minutes",
                "sensitivities[0]",
                "pain_regions[1]",
                "pain_regions[2]"
            ]
        );
    }

    #[test]
    fn sleep_hours_allow_one_decimal_place() {
        let ok = CheckInDraft {
            sleep_hours: Some(6.5),
            ..draft()
        };
        assert_eq!(CheckIn::parse(ok, &cx(&[])).unwrap().sleep_tenths, Some(65));
        let bad = CheckInDraft {
            sleep_hours: Some(6.25),
            ..draft()
        };
        assert_eq!(
            fields(CheckIn::parse(bad, &cx(&[])).unwrap_err()),
            ["sleep_hours"]
        );
    }

    #[test]
    fn done_today_must_be_an_own_period_open_on_the_day() {
        let periods = [
            period(1, Date::constant(2026, 1, 1), None),
            period(
                2,
                Date::constant(2026, 1, 1),
                Some(Date::constant(2026, 2, 1)),
            ),
        ];
        let ok = CheckInDraft {
            done_today: vec![(1, Some("20 minutes".into()))],
            ..draft()
        };
        assert_eq!(
            CheckIn::parse(ok, &cx(&periods)).unwrap().done_today.len(),
            1
        );
        let ended = CheckInDraft {
            done_today: vec![(2, None)],
            ..draft()
        };
        assert_eq!(
            fields(CheckIn::parse(ended, &cx(&periods)).unwrap_err()),
            ["done_today[0].period"]
        );
        let someone_elses = CheckInDraft {
            done_today: vec![(99, None)],
            ..draft()
        };
        assert_eq!(
            fields(CheckIn::parse(someone_elses, &cx(&periods)).unwrap_err()),
            ["done_today[0].period"]
        );
    }

    #[test]
    fn factors_are_normalised_and_merged() {
        let d = CheckInDraft {
            factors: vec![
                "Poor  sleep".into(),
                "poor sleep".into(),
                "food: dairy".into(),
            ],
            ..draft()
        };
        let c = CheckIn::parse(d, &cx(&[])).unwrap();
        let f: Vec<_> = c.factors.iter().map(Factor::as_str).collect();
        assert_eq!(f, ["food: dairy", "poor sleep"]);
        let bad = CheckInDraft {
            factors: vec!["<script>".into()],
            ..draft()
        };
        assert_eq!(
            fields(CheckIn::parse(bad, &cx(&[])).unwrap_err()),
            ["factors[0]"]
        );
    }

    #[test]
    fn same_as_yesterday_copies_the_body_but_not_the_note_or_factors() {
        let d = CheckInDraft {
            fatigue: Some(7),
            flare: Some(true),
            pain_regions: vec!["neck".into()],
            factors: vec!["stress".into()],
            note: Some("rough day".into()),
            date: Some(Date::constant(2026, 11, 24)),
            ..draft()
        };
        let yesterday = CheckIn::parse(d, &cx(&[])).unwrap();
        let copy = CheckIn::same_as(&yesterday, today());
        assert_eq!(copy.date, today());
        assert_eq!(copy.fatigue, yesterday.fatigue);
        assert_eq!(copy.flare, Some(true));
        assert_eq!(copy.pain_regions, yesterday.pain_regions);
        assert!(copy.factors.is_empty());
        assert_eq!(copy.note, None);
    }

    #[test]
    fn a_note_with_a_nul_is_refused_but_line_breaks_are_kept() {
        let d = CheckInDraft {
            note: Some("bad\0note".into()),
            ..draft()
        };
        assert_eq!(fields(CheckIn::parse(d, &cx(&[])).unwrap_err()), ["note"]);
        let d = CheckInDraft {
            note: Some("first line\nsecond line".into()),
            ..draft()
        };
        assert!(CheckIn::parse(d, &cx(&[])).is_ok());
    }

    #[test]
    fn a_long_note_is_refused() {
        let d = CheckInDraft {
            note: Some("x".repeat(MAX_NOTE + 1)),
            ..draft()
        };
        assert_eq!(fields(CheckIn::parse(d, &cx(&[])).unwrap_err()), ["note"]);
    }

    #[test]
    fn domains_know_which_end_is_good() {
        assert!(Domain::Mood.higher_is_better());
        assert!(Domain::SleepQuality.higher_is_better());
        assert!(!Domain::Pain.higher_is_better());
        assert_eq!(Domain::Pain.anchors(), ("none", "worst"));
    }
}
