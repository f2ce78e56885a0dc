//! Which diary day a person is logging.
//!
//! A person with insomnia may fill in their diary at half past midnight; the day they mean is
//! usually the one they have just lived. So in the small hours painpath does not guess silently:
//! it offers both days and says which is which. The edge works out the local time in
//! Europe/London and passes it in; this module never reads the clock.

use jiff::civil::{Date, DateTime};

/// Until this hour (local time) the page asks whether the person means yesterday.
pub const SMALL_HOURS_END: i8 = 4;

/// The day a check-in would be for, and whether to ask.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DayChoice {
    /// The calendar date now.
    pub today: Date,
    /// In the small hours: yesterday's date, offered first because it is most likely meant.
    pub yesterday_likely: Option<Date>,
}

impl DayChoice {
    /// The date to log when the person has not chosen one.
    pub fn suggested(&self) -> Date {
        self.yesterday_likely.unwrap_or(self.today)
    }
}

pub fn day_choice(now: DateTime) -> DayChoice {
    let today = now.date();
    let small_hours = now.hour() < SMALL_HOURS_END;
    DayChoice {
        today,
        yesterday_likely: if small_hours {
            today.yesterday().ok()
        } else {
            None
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn just_after_midnight_yesterday_is_offered() {
        let c = day_choice(date(2026, 11, 25).at(0, 20, 0, 0));
        assert_eq!(c.today, date(2026, 11, 25));
        assert_eq!(c.yesterday_likely, Some(date(2026, 11, 24)));
        assert_eq!(c.suggested(), date(2026, 11, 24));
    }

    #[test]
    fn in_the_morning_today_is_logged_without_asking() {
        let c = day_choice(date(2026, 11, 25).at(4, 0, 0, 0));
        assert_eq!(c.yesterday_likely, None);
        assert_eq!(c.suggested(), date(2026, 11, 25));
    }
}
