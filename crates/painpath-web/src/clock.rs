//! The one place the web layer reads the time, and turns it into the UK's local date.
//!
//! Core never reads the clock: "today" is worked out here, in Europe/London, and passed in. Tests
//! set a fixed instant, for example just after midnight, to prove what the pages do then.

use std::sync::Arc;

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ZonedDateTime};

/// A source of the current instant.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> Timestamp + Send + Sync>);

impl Clock {
    /// The system clock.
    pub fn system() -> Clock {
        Clock(Arc::new(Timestamp::now))
    }

    /// A clock stopped at `at`, for tests.
    pub fn fixed(at: Timestamp) -> Clock {
        Clock(Arc::new(move || at))
    }

    pub fn now(&self) -> Timestamp {
        (self.0)()
    }

    /// The local date and time in the UK.
    pub fn local_now(&self) -> DateTime {
        self.zoned(self.now()).datetime()
    }

    pub fn today(&self) -> Date {
        self.local_now().date()
    }

    pub fn zoned(&self, at: Timestamp) -> ZonedDateTime {
        at.to_zoned_datetime(london())
    }
}

/// Europe/London, from the time-zone database bundled into the binary (so a bare container
/// still knows when the clocks change).
pub fn london() -> TimeZone {
    // The bundled database always holds Europe/London; UTC is only a fallback that keeps the
    // server answering if that ever changed, and would be off by one hour in summer.
    TimeZone::get("Europe/London").unwrap_or(TimeZone::UTC)
}

/// A date as people in the UK write it: 24/11/2026.
pub fn uk_date(date: Date) -> String {
    format!("{:02}/{:02}/{:04}", date.day(), date.month(), date.year())
}

/// A date with its weekday, for headings: Tuesday 24/11/2026.
pub fn uk_day(date: Date) -> String {
    format!("{} {}", weekday(date), uk_date(date))
}

pub fn weekday(date: Date) -> &'static str {
    use jiff::civil::Weekday::*;
    match date.weekday() {
        Monday => "Monday",
        Tuesday => "Tuesday",
        Wednesday => "Wednesday",
        Thursday => "Thursday",
        Friday => "Friday",
        Saturday => "Saturday",
        Sunday => "Sunday",
    }
}

/// An instant in UK local time: 24/11/2026 14:05.
pub fn uk_instant(at: Timestamp) -> String {
    let dt = at.to_zoned_datetime(london()).datetime();
    format!("{} {:02}:{:02}", uk_date(dt.date()), dt.hour(), dt.minute())
}

/// Parses a date as a person types it (24/11/2026, 24/11/26 is refused as ambiguous) or as ISO.
pub fn parse_uk_or_iso(text: &str) -> Option<Date> {
    let text = text.trim();
    if let Ok(d) = text.parse::<Date>() {
        return Some(d);
    }
    let parts: Vec<&str> = text.split('/').collect();
    if let [d, m, y] = parts[..]
        && y.len() == 4
    {
        let (d, m, y) = (d.parse().ok()?, m.parse().ok()?, y.parse().ok()?);
        return Date::new(y, m, d).ok();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn london_is_an_hour_ahead_in_summer() {
        let c = Clock::fixed("2026-07-01T23:30:00Z".parse().unwrap());
        assert_eq!(c.today(), Date::constant(2026, 7, 2));
        let c = Clock::fixed("2026-12-01T23:30:00Z".parse().unwrap());
        assert_eq!(c.today(), Date::constant(2026, 12, 1));
    }

    #[test]
    fn dates_are_written_day_first() {
        assert_eq!(uk_date(Date::constant(2026, 3, 4)), "04/03/2026");
        assert_eq!(uk_day(Date::constant(2026, 11, 24)), "Tuesday 24/11/2026");
    }

    #[test]
    fn typed_dates_parse_day_first_or_iso() {
        assert_eq!(
            parse_uk_or_iso("4/3/2026"),
            Some(Date::constant(2026, 3, 4))
        );
        assert_eq!(
            parse_uk_or_iso("2026-03-04"),
            Some(Date::constant(2026, 3, 4))
        );
        assert_eq!(parse_uk_or_iso("31/02/2026"), None);
        assert_eq!(parse_uk_or_iso("04/03/26"), None);
    }
}
