//! The clinic's duty list: when a care-team alert stops being one clinician's to pick up and
//! becomes every clinician's (issue 6, "A self-harm signal never lands with nobody").
//!
//! An open alert goes on the duty list when the patient has no active clinician linked to them,
//! or when nobody has acknowledged it within the clinic's escalation delay, counted in working
//! days. The rules are here, as functions of instants, so that both storage backends (which decide
//! who may see an alert) and the pages (which say when it is due) give the same answer.
//!
//! A working day is Monday to Friday in the UK (Europe/London). Bank holidays are counted as
//! working days: they differ between the four nations, and counting them can only make an alert
//! escalate sooner, never later.

use jiff::civil::{DateTime, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

/// How long an open alert may wait for its care team before it goes to the duty list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EscalationDelay(u8);

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("expected a whole number of working days from 1 to 10")]
pub struct EscalationDelayError;

impl EscalationDelay {
    /// One working day, unless the clinic chooses otherwise.
    pub const DEFAULT: EscalationDelay = EscalationDelay(1);
    pub const MAX_WORKING_DAYS: u8 = 10;

    pub fn working_days(n: i64) -> Result<EscalationDelay, EscalationDelayError> {
        u8::try_from(n)
            .ok()
            .filter(|d| (1..=Self::MAX_WORKING_DAYS).contains(d))
            .map(EscalationDelay)
            .ok_or(EscalationDelayError)
    }

    pub fn days(self) -> u8 {
        self.0
    }

    /// "1 working day", "3 working days".
    pub fn label(self) -> String {
        if self.0 == 1 {
            "1 working day".into()
        } else {
            format!("{} working days", self.0)
        }
    }
}

impl Default for EscalationDelay {
    fn default() -> EscalationDelay {
        EscalationDelay::DEFAULT
    }
}

/// Why an alert is on the duty list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EscalationReason {
    /// No active clinician is linked to the patient (none ever, all revoked, or deactivated).
    NoActiveClinician,
    /// Nobody acknowledged the alert within the clinic's escalation delay.
    Overdue,
}

impl EscalationReason {
    pub const ALL: [EscalationReason; 2] = [
        EscalationReason::NoActiveClinician,
        EscalationReason::Overdue,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            EscalationReason::NoActiveClinician => "no_active_clinician",
            EscalationReason::Overdue => "overdue",
        }
    }

    pub fn from_code(code: &str) -> Option<EscalationReason> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    /// What a clinician reading the duty list is told.
    pub fn label(self) -> &'static str {
        match self {
            EscalationReason::NoActiveClinician => "no active clinician is linked to this patient",
            EscalationReason::Overdue => "not acknowledged in time by the care team",
        }
    }
}

/// A clinician's short note of what was done about an alert, required to acknowledge it, so that
/// "acknowledged" always says what happened ("phoned; safe; GP told"), not just that someone
/// clicked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AcknowledgementNote(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AcknowledgementNoteError {
    #[error("say briefly what was done, for example \"phoned, safe, plan agreed\"")]
    Empty,
    #[error("expected at most 500 characters")]
    TooLong,
    #[error("contains a control character; remove it and try again")]
    Control,
}

impl AcknowledgementNote {
    pub const MAX_CHARS: usize = 500;

    pub fn parse(text: &str) -> Result<AcknowledgementNote, AcknowledgementNoteError> {
        let text = text.trim();
        if text.is_empty() {
            Err(AcknowledgementNoteError::Empty)
        } else if crate::problems::has_stray_control(text, true) {
            Err(AcknowledgementNoteError::Control)
        } else if text.chars().count() > Self::MAX_CHARS {
            Err(AcknowledgementNoteError::TooLong)
        } else {
            Ok(AcknowledgementNote(text.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn london() -> TimeZone {
    // The bundled database always holds Europe/London (jiff's `tzdb-bundle-always`); UTC is only
    // a fallback that keeps the answer defined, an hour out in summer at worst.
    TimeZone::get("Europe/London").unwrap_or(TimeZone::UTC)
}

fn is_working_day(day: Weekday) -> bool {
    !matches!(day, Weekday::Saturday | Weekday::Sunday)
}

/// When an alert raised at `raised` is due to be acknowledged: the same UK clock time `delay`
/// working days later. An alert raised at a weekend counts from the start of the Monday, so
/// one raised on Saturday morning is due at midnight at the end of Monday.
pub fn due_at(raised: Timestamp, delay: EscalationDelay) -> Timestamp {
    let tz = london();
    let mut local: DateTime = raised.to_zoned_datetime(tz.clone()).datetime();
    if !is_working_day(local.weekday()) {
        let mut day = local.date();
        while !is_working_day(day.weekday()) {
            day = day.tomorrow().unwrap_or(day);
        }
        local = day.to_datetime(jiff::civil::Time::midnight());
    }
    let mut day = local.date();
    let mut left = delay.days();
    while left > 0 {
        let next = day.checked_add(1.day()).unwrap_or(day);
        if next == day {
            break;
        }
        day = next;
        if is_working_day(day.weekday()) {
            left -= 1;
        }
    }
    let due = day.to_datetime(local.time());
    // A clock time that falls in the spring-forward gap is taken as the instant after it.
    tz.to_ambiguous_timestamp(due)
        .later()
        .unwrap_or(Timestamp::MAX)
}

/// Whether an alert raised at `raised` and still open at `now` is overdue.
pub fn is_overdue(raised: Timestamp, now: Timestamp, delay: EscalationDelay) -> bool {
    now >= due_at(raised, delay)
}

/// Why an open alert is on the duty list at `now`, if it is: its patient has no active
/// clinician, or it is overdue, or it was escalated earlier (an escalation is never undone
/// until someone acknowledges the alert, because the clinician who might pick it up now may not
/// know it exists).
pub fn duty_reasons(
    raised: Timestamp,
    now: Timestamp,
    delay: EscalationDelay,
    has_active_clinician: bool,
    escalated_earlier: &[EscalationReason],
) -> Vec<EscalationReason> {
    let mut out: Vec<EscalationReason> = escalated_earlier.to_vec();
    if !has_active_clinician {
        out.push(EscalationReason::NoActiveClinician);
    }
    if is_overdue(raised, now, delay) {
        out.push(EscalationReason::Overdue);
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn london_instant(y: i16, m: i8, d: i8, h: i8, min: i8) -> Timestamp {
        jiff::civil::date(y, m, d)
            .at(h, min, 0, 0)
            .to_zoned_datetime(london())
            .unwrap()
            .timestamp()
    }

    fn one() -> EscalationDelay {
        EscalationDelay::DEFAULT
    }

    #[test]
    fn a_weekday_alert_is_due_at_the_same_time_the_next_working_day() {
        // Tuesday 01/12/2026 14:00 -> Wednesday 14:00.
        let raised = london_instant(2026, 12, 1, 14, 0);
        assert_eq!(due_at(raised, one()), london_instant(2026, 12, 2, 14, 0));
    }

    #[test]
    fn a_friday_alert_is_due_on_monday_not_saturday() {
        let raised = london_instant(2026, 12, 4, 17, 0);
        assert_eq!(due_at(raised, one()), london_instant(2026, 12, 7, 17, 0));
        assert!(!is_overdue(
            raised,
            london_instant(2026, 12, 7, 16, 59),
            one()
        ));
        assert!(is_overdue(
            raised,
            london_instant(2026, 12, 7, 17, 0),
            one()
        ));
    }

    #[test]
    fn a_weekend_alert_counts_from_the_start_of_monday() {
        for raised in [
            london_instant(2026, 12, 5, 10, 0),
            london_instant(2026, 12, 6, 23, 59),
        ] {
            assert_eq!(due_at(raised, one()), london_instant(2026, 12, 8, 0, 0));
        }
    }

    #[test]
    fn several_working_days_skip_the_weekend() {
        // Thursday 09:00 + 2 working days -> Monday 09:00.
        let raised = london_instant(2026, 12, 3, 9, 0);
        let two = EscalationDelay::working_days(2).unwrap();
        assert_eq!(due_at(raised, two), london_instant(2026, 12, 7, 9, 0));
    }

    #[test]
    fn the_clocks_going_forward_keep_the_uk_clock_time() {
        // Friday 27/03/2026 09:00 GMT -> Monday 30/03/2026 09:00 BST, 71 hours later, not 72.
        let raised = london_instant(2026, 3, 27, 9, 0);
        let due = due_at(raised, one());
        assert_eq!(due, london_instant(2026, 3, 30, 9, 0));
        assert_eq!(due.duration_since(raised).as_hours(), 71);
    }

    #[test]
    fn an_alert_just_raised_is_not_overdue() {
        let raised = london_instant(2026, 12, 1, 14, 0);
        assert!(!is_overdue(raised, raised, one()));
    }

    #[test]
    fn the_delay_is_one_to_ten_working_days() {
        assert!(EscalationDelay::working_days(0).is_err());
        assert!(EscalationDelay::working_days(11).is_err());
        assert!(EscalationDelay::working_days(-1).is_err());
        assert_eq!(EscalationDelay::working_days(10).unwrap().days(), 10);
        assert_eq!(EscalationDelay::default().label(), "1 working day");
    }

    #[test]
    fn an_acknowledgement_needs_a_note_of_what_was_done() {
        assert_eq!(
            AcknowledgementNote::parse("  "),
            Err(AcknowledgementNoteError::Empty)
        );
        assert_eq!(
            AcknowledgementNote::parse(&"x".repeat(501)),
            Err(AcknowledgementNoteError::TooLong)
        );
        assert_eq!(
            AcknowledgementNote::parse("rang\u{0}"),
            Err(AcknowledgementNoteError::Control)
        );
        assert_eq!(
            AcknowledgementNote::parse(" Phoned; safe.\nGP told. ")
                .unwrap()
                .as_str(),
            "Phoned; safe.\nGP told."
        );
    }

    #[test]
    fn an_alert_is_on_the_duty_list_for_no_clinician_for_lateness_or_once_escalated() {
        let raised = london_instant(2026, 12, 1, 14, 0);
        let soon = london_instant(2026, 12, 1, 15, 0);
        let late = london_instant(2026, 12, 2, 15, 0);
        assert!(duty_reasons(raised, soon, one(), true, &[]).is_empty());
        assert_eq!(
            duty_reasons(raised, soon, one(), false, &[]),
            [EscalationReason::NoActiveClinician]
        );
        assert_eq!(
            duty_reasons(raised, late, one(), true, &[]),
            [EscalationReason::Overdue]
        );
        // Escalated when the clinician left; a new clinician linked since does not undo it.
        assert_eq!(
            duty_reasons(
                raised,
                soon,
                one(),
                true,
                &[EscalationReason::NoActiveClinician]
            ),
            [EscalationReason::NoActiveClinician]
        );
    }
}
