//! The check-in on the wire: `POST /api/patients/{patient}/check-ins` and friends.

use painpath_core::Date;
use painpath_core::diary::{CheckIn, CheckInDraft};
use painpath_core::problems::Problems;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A check-in as sent by a client. Every rating is optional; leave out what was not recorded.
/// Ratings are whole numbers 0–10: pain, fatigue, fog, stress and sensitivity 0 none to 10
/// worst; mood and sleep quality 0 very poor to 10 very good.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckInBody {
    /// The day (ISO 8601, `2026-11-24`). Required when creating; on `PUT .../{date}` it may be
    /// left out, and must match the path when given.
    #[schema(value_type = Option<String>, format = Date, example = "2026-11-24")]
    pub date: Option<String>,
    #[schema(minimum = 0, maximum = 10)]
    pub pain: Option<i64>,
    #[schema(minimum = 0, maximum = 10)]
    pub fatigue: Option<i64>,
    /// Concentration and memory ("fibro fog").
    #[schema(minimum = 0, maximum = 10)]
    pub fog: Option<i64>,
    /// Quality of the night that ended this morning.
    #[schema(minimum = 0, maximum = 10)]
    pub sleep_quality: Option<i64>,
    /// Hours slept last night, 0 to 24, at most one decimal place.
    #[schema(minimum = 0, maximum = 24)]
    pub sleep_hours: Option<f64>,
    /// When the person went to bed (`23:15`).
    #[schema(example = "23:15")]
    pub bed_time: Option<String>,
    /// When they woke (`07:00`).
    #[schema(example = "07:00")]
    pub wake_time: Option<String>,
    #[schema(minimum = 0, maximum = 10)]
    pub mood: Option<i64>,
    #[schema(minimum = 0, maximum = 10)]
    pub stress: Option<i64>,
    /// How sensitive to light, noise or temperature, 0 none to 10 worst.
    #[schema(minimum = 0, maximum = 10)]
    pub sensitivity: Option<i64>,
    /// What the person was sensitive to: `light`, `noise`, `temperature`.
    #[serde(default)]
    pub sensitivities: Vec<String>,
    #[schema(minimum = 0, maximum = 1440)]
    pub activity_minutes: Option<i64>,
    pub flare: Option<bool>,
    /// Where it hurt: codes of the 19 ACR 2016 body regions (`left_shoulder_girdle`).
    #[serde(default)]
    pub pain_regions: Vec<String>,
    /// Factors the person thinks went with the day, in their own words.
    #[serde(default)]
    pub factors: Vec<String>,
    /// Open treatment periods done or taken today.
    #[serde(default)]
    pub done_today: Vec<DoneTodayBody>,
    pub note: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DoneTodayBody {
    /// The id of one of the person's open treatment periods.
    pub period: i64,
    /// Minutes or dose, in the person's words (`20 minutes`, `10 mg`).
    pub amount: Option<String>,
}

/// Parses an ISO date, naming the field when it is wrong.
pub fn parse_date(field: &str, text: &str, problems: &mut Problems) -> Option<Date> {
    problems.check(
        field,
        text.parse::<Date>()
            .map_err(|_| "expected a date as YYYY-MM-DD, such as 2026-11-24"),
    )
}

fn parse_time(
    field: &str,
    text: &Option<String>,
    problems: &mut Problems,
) -> Option<painpath_core::Time> {
    let text = text.as_deref()?;
    let ok = text.len() == 5 && text.as_bytes()[2] == b':';
    let parsed = if ok {
        text.parse::<painpath_core::Time>().ok()
    } else {
        None
    };
    if parsed.is_none() {
        problems.add(field, "expected a time as HH:MM, such as 23:15");
    }
    parsed
}

impl CheckInBody {
    /// Turns the body into a draft for [`CheckIn::parse`]. `path_date` is the date in the URL,
    /// if any; problems found here (dates and times that do not parse) are returned alongside, so
    /// the caller can report them together with the core's.
    pub fn into_draft(self, path_date: Option<Date>) -> (CheckInDraft, Problems) {
        let mut problems = Problems::new();
        let body_date = self
            .date
            .as_deref()
            .and_then(|d| parse_date("date", d, &mut problems));
        let date = match (path_date, body_date) {
            (Some(p), Some(b)) if p != b => {
                problems.add(
                    "date",
                    "the date in the body differs from the date in the path",
                );
                None
            }
            (Some(p), _) => Some(p),
            (None, b) => b,
        };
        let bed_time = parse_time("bed_time", &self.bed_time, &mut problems);
        let wake_time = parse_time("wake_time", &self.wake_time, &mut problems);
        let draft = CheckInDraft {
            date,
            pain: self.pain,
            fatigue: self.fatigue,
            fog: self.fog,
            sleep_quality: self.sleep_quality,
            sleep_hours: self.sleep_hours,
            bed_time,
            wake_time,
            mood: self.mood,
            stress: self.stress,
            sensitivity: self.sensitivity,
            sensitivities: self.sensitivities,
            activity_minutes: self.activity_minutes,
            flare: self.flare,
            pain_regions: self.pain_regions,
            factors: self.factors,
            done_today: self
                .done_today
                .into_iter()
                .map(|d| (d.period, d.amount))
                .collect(),
            note: self.note,
        };
        (draft, problems)
    }
}

/// A stored check-in, as answered.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CheckInView {
    #[schema(value_type = String, format = Date)]
    pub date: String,
    pub pain: Option<u8>,
    pub fatigue: Option<u8>,
    pub fog: Option<u8>,
    pub sleep_quality: Option<u8>,
    pub sleep_hours: Option<f64>,
    pub bed_time: Option<String>,
    pub wake_time: Option<String>,
    pub mood: Option<u8>,
    pub stress: Option<u8>,
    pub sensitivity: Option<u8>,
    pub sensitivities: Vec<String>,
    pub activity_minutes: Option<u16>,
    pub flare: Option<bool>,
    pub pain_regions: Vec<String>,
    pub factors: Vec<String>,
    pub done_today: Vec<DoneTodayBody>,
    pub note: Option<String>,
}

fn hhmm(t: painpath_core::Time) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

impl From<&CheckIn> for CheckInView {
    fn from(c: &CheckIn) -> CheckInView {
        CheckInView {
            date: c.date.to_string(),
            pain: c.pain.map(|v| v.get()),
            fatigue: c.fatigue.map(|v| v.get()),
            fog: c.fog.map(|v| v.get()),
            sleep_quality: c.sleep_quality.map(|v| v.get()),
            sleep_hours: c.sleep_tenths.map(|t| f64::from(t) / 10.0),
            bed_time: c.bed_time.map(hhmm),
            wake_time: c.wake_time.map(hhmm),
            mood: c.mood.map(|v| v.get()),
            stress: c.stress.map(|v| v.get()),
            sensitivity: c.sensitivity.map(|v| v.get()),
            sensitivities: c
                .sensitivities
                .iter()
                .map(|s| s.code().to_owned())
                .collect(),
            activity_minutes: c.activity_minutes,
            flare: c.flare,
            pain_regions: c.pain_regions.iter().map(|r| r.code().to_owned()).collect(),
            factors: c.factors.iter().map(|f| f.as_str().to_owned()).collect(),
            done_today: c
                .done_today
                .iter()
                .map(|d| DoneTodayBody {
                    period: d.period.0,
                    amount: d.amount.clone(),
                })
                .collect(),
            note: c.note.clone(),
        }
    }
}

/// The query of a diary listing.
#[derive(Clone, Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DiaryRange {
    /// First day (ISO 8601), inclusive. Defaults to 30 days before `to`.
    pub from: Option<String>,
    /// Last day (ISO 8601), inclusive. Defaults to today.
    pub to: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_in_the_body_must_match_the_path() {
        let body = CheckInBody {
            date: Some("2026-11-20".into()),
            pain: Some(3),
            ..CheckInBody::default()
        };
        let (_, problems) = body.into_draft(Some(Date::constant(2026, 11, 21)));
        assert_eq!(problems.iter().next().unwrap().field, "date");
    }

    #[test]
    fn times_must_be_hours_and_minutes() {
        let body = CheckInBody {
            bed_time: Some("11pm".into()),
            wake_time: Some("07:05".into()),
            ..CheckInBody::default()
        };
        let (draft, problems) = body.into_draft(None);
        assert_eq!(problems.iter().next().unwrap().field, "bed_time");
        assert_eq!(
            draft.wake_time,
            Some(painpath_core::Time::constant(7, 5, 0, 0))
        );
    }
}
