//! `/check-in`: the daily check-in, built to take under a minute on a bad day.
//!
//! The form is plain HTML (it works with JavaScript off). Pain comes first with a "Save now"
//! button straight after it, and the page puts the keyboard focus on pain, so a check-in that
//! records only pain is a few key presses. Everything else is optional and folded away.
//! "Same as yesterday" is a link the person chooses; nothing is ever filled in silently, because
//! a silently copied day would invent symptoms (design.md 12).

use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use painpath_core::Date;
use painpath_core::day::day_choice;
use painpath_core::diary::{
    CheckIn, CheckInContext, CheckInDraft, Domain, FACTOR_SUGGESTIONS, Sensitivity,
};
use painpath_core::problems::Problems;
use painpath_core::treatment::TreatmentPeriod;

use super::body_map::BodyMap;
use super::{Layout, problem_for, render, render_status, see_other};
use crate::AppState;
use crate::auth::Caller;
use crate::clock::{parse_uk_or_iso, uk_date, uk_day};
use crate::error::PageError;
use crate::forms::{Fields, SignedForm};

/// One 0–10 question.
pub struct Rating {
    pub field: &'static str,
    pub label: &'static str,
    pub low: &'static str,
    pub high: &'static str,
}

pub struct DayOption {
    pub iso: String,
    pub label: String,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "check_in.html")]
struct CheckInPage {
    layout: Layout,
    date: Date,
    day_label: String,
    /// In the small hours, both days to choose from.
    day_options: Vec<DayOption>,
    existing: bool,
    notice: String,
    fields: Fields,
    problems: Problems,
    pain: Rating,
    ratings: Vec<Rating>,
    body_map: BodyMap,
    sensitivities: Vec<(&'static str, &'static str)>,
    factor_suggestions: Vec<&'static str>,
    other_factors: String,
    periods: Vec<TreatmentPeriod>,
    yesterday_iso: String,
    scale: [u8; 11],
}

impl CheckInPage {
    fn problem(&self, field: &str) -> &str {
        problem_for(&self.problems, field)
    }
    fn is(&self, field: &str, value: &str) -> bool {
        self.fields.0.iter().any(|(k, v)| k == field && v == value)
    }
    fn checked_rating(&self, field: &str, n: &u8) -> bool {
        self.fields.get(field) == n.to_string()
    }
    /// The radio to focus on arrival: the chosen pain value, or 0.
    fn pain_focus(&self, n: &u8) -> bool {
        match self.fields.get("pain").parse::<u8>() {
            Ok(v) => v == *n,
            Err(_) => *n == 0,
        }
    }
    fn amount(&self, period: &TreatmentPeriod) -> &str {
        self.fields.get(&format!("amount_{}", period.id.0))
    }
    fn done(&self, period: &TreatmentPeriod) -> bool {
        self.is("done", &period.id.0.to_string())
    }
}

fn rating(domain: Domain) -> Rating {
    let (low, high) = domain.anchors();
    Rating {
        field: domain.field(),
        label: domain.label(),
        low,
        high,
    }
}

/// The first problem with any chosen body area (the core names them `pain_regions[1]`).
fn regions_problem(problems: &Problems) -> &str {
    problems
        .iter()
        .find(|p| p.base_field() == "pain_regions")
        .map_or("", |p| p.message.as_str())
}

/// A stored check-in as form fields, so one template shows both stored and submitted values.
pub fn to_fields(c: &CheckIn) -> Fields {
    let mut f: Vec<(String, String)> = Vec::new();
    let mut push = |k: &str, v: String| f.push((k.to_owned(), v));
    push("date", c.date.to_string());
    for d in Domain::ALL {
        if let Some(v) = c.rating(d) {
            push(d.field(), v.to_string());
        }
    }
    if let Some(t) = c.sleep_tenths {
        push("sleep_hours", format!("{}", f64::from(t) / 10.0));
    }
    if let Some(t) = c.bed_time {
        push("bed_time", format!("{:02}:{:02}", t.hour(), t.minute()));
    }
    if let Some(t) = c.wake_time {
        push("wake_time", format!("{:02}:{:02}", t.hour(), t.minute()));
    }
    for s in &c.sensitivities {
        push("sensitivities", s.code().to_owned());
    }
    if let Some(m) = c.activity_minutes {
        push("activity_minutes", m.to_string());
    }
    if let Some(flare) = c.flare {
        push("flare", if flare { "yes" } else { "no" }.to_owned());
    }
    for r in &c.pain_regions {
        push("pain_regions", r.code().to_owned());
    }
    for x in &c.factors {
        push("factors", x.as_str().to_owned());
    }
    for d in &c.done_today {
        push("done", d.period.0.to_string());
        if let Some(a) = &d.amount {
            push(&format!("amount_{}", d.period.0), a.clone());
        }
    }
    if let Some(n) = &c.note {
        push("note", n.clone());
    }
    Fields(f)
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct CheckInQuery {
    date: String,
    copy: String,
}

#[allow(clippy::too_many_arguments)]
fn page(
    state: &AppState,
    caller: &Caller,
    date: Date,
    day_options: Vec<DayOption>,
    existing: bool,
    notice: String,
    fields: Fields,
    problems: Problems,
    periods: Vec<TreatmentPeriod>,
) -> CheckInPage {
    let other_factors = fields
        .all("factors")
        .into_iter()
        .filter(|f| !FACTOR_SUGGESTIONS.contains(&f.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    let other_factors = if fields.has("other_factors") {
        fields.get("other_factors").to_owned()
    } else {
        other_factors
    };
    let body_map = BodyMap::new("pain_regions", "region", &fields.all("pain_regions"))
        .with_problem(regions_problem(&problems));
    CheckInPage {
        layout: Layout::new(
            state,
            Some(caller),
            format!("Check-in for {}", uk_date(date)),
            "/check-in",
        ),
        date,
        day_label: uk_day(date),
        day_options,
        existing,
        notice,
        fields,
        problems,
        pain: rating(Domain::Pain),
        ratings: Domain::ALL[1..].iter().map(|d| rating(*d)).collect(),
        body_map,
        sensitivities: Sensitivity::ALL
            .iter()
            .map(|s| (s.code(), s.label()))
            .collect(),
        factor_suggestions: FACTOR_SUGGESTIONS.to_vec(),
        other_factors,
        periods: periods.into_iter().filter(|p| p.is_open_on(date)).collect(),
        yesterday_iso: date.yesterday().map(uk_date).unwrap_or_default(),
        scale: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    }
}

pub async fn form(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<CheckInQuery>,
) -> Result<Response, PageError> {
    let choice = day_choice(state.clock.local_now());
    let today = choice.today;
    let asked = if q.date.is_empty() {
        None
    } else {
        Some(parse_uk_or_iso(&q.date))
    };
    let (date, mut notice) = match asked {
        None => (choice.suggested(), String::new()),
        // Days before 1990 cannot be saved (the core refuses them), so they are not offered.
        Some(Some(d)) if d <= today && d >= Date::constant(1990, 1, 1) => (d, String::new()),
        Some(Some(_)) => (
            today,
            "You can only fill in days from 1990 up to today.".to_owned(),
        ),
        Some(None) => (
            today,
            "That date was not understood. Write it as day/month/year, such as 24/11/2026."
                .to_owned(),
        ),
    };
    // Only when the person has not picked a day do we ask which one they mean.
    let day_options = match (asked, choice.yesterday_likely) {
        (None, Some(yesterday)) => vec![
            DayOption {
                iso: yesterday.to_string(),
                label: format!("Yesterday, {}", uk_day(yesterday)),
                checked: true,
            },
            DayOption {
                iso: today.to_string(),
                label: format!("Today, {}", uk_day(today)),
                checked: false,
            },
        ],
        _ => Vec::new(),
    };
    let actor = caller.actor();
    let me = caller.account.id;
    let existing = state.store.check_in(&actor, me, date).await?;
    let periods = state.store.treatment_periods(&actor, me).await?;
    // When the person has still to choose between two days, neither day's entry is filled in:
    // saving yesterday's values under today would invent a day (design.md 12).
    let mut fields = if day_options.is_empty() {
        existing.as_ref().map(to_fields).unwrap_or_default()
    } else {
        Fields::default()
    };
    if q.copy == "yesterday" {
        let previous_day = date.yesterday().ok();
        let previous = match previous_day {
            Some(d) => state.store.check_in(&actor, me, d).await?,
            None => None,
        };
        match previous_day.zip(previous) {
            Some((day, prev)) => {
                fields = to_fields(&CheckIn::same_as(&prev, date));
                notice = format!(
                    "Filled in from {}. Change anything that is different today, then save. Nothing is saved until you do.",
                    uk_day(day)
                );
            }
            None => {
                notice = match previous_day {
                    Some(day) => format!("There is no check-in for {} to copy.", uk_day(day)),
                    None => "There is no earlier day to copy.".to_owned(),
                }
            }
        }
    }
    render(&page(
        &state,
        &caller,
        date,
        day_options,
        existing.is_some(),
        notice,
        fields,
        Problems::new(),
        periods,
    ))
}

fn number(f: &Fields, field: &str, problems: &mut Problems) -> Option<i64> {
    let text = f.opt(field)?;
    match text.parse::<i64>() {
        Ok(v) => Some(v),
        Err(_) => {
            problems.add(field, "expected a whole number");
            None
        }
    }
}

/// Turns the submitted form into a draft for the core's checks.
fn draft(f: &Fields, problems: &mut Problems) -> CheckInDraft {
    let date = match f.opt("date") {
        Some(text) => match parse_uk_or_iso(text) {
            Some(d) => Some(d),
            None => {
                problems.add("date", "expected a date such as 24/11/2026");
                None
            }
        },
        None => None,
    };
    let sleep_hours = f.opt("sleep_hours").and_then(|t| match t.parse::<f64>() {
        Ok(v) if v.is_finite() => Some(v),
        _ => {
            problems.add("sleep_hours", "expected hours such as 6.5");
            None
        }
    });
    let time = |field: &str, problems: &mut Problems| {
        f.opt(field)
            .and_then(|t| match t.parse::<painpath_core::Time>() {
                Ok(v) => Some(v),
                Err(_) => {
                    problems.add(field, "expected a time such as 23:15");
                    None
                }
            })
    };
    let bed_time = time("bed_time", problems);
    let wake_time = time("wake_time", problems);
    let flare = match f.get("flare") {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    };
    let mut factors = f.all("factors");
    factors.extend(
        f.get("other_factors")
            .split([',', ';'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned),
    );
    let done_today = f
        .all("done")
        .into_iter()
        .filter_map(|id| match id.parse::<i64>() {
            Ok(id) => Some((id, f.opt(&format!("amount_{id}")).map(str::to_owned))),
            Err(_) => {
                problems.add("done_today", "expected one of your own treatments");
                None
            }
        })
        .collect();
    CheckInDraft {
        date,
        pain: number(f, "pain", problems),
        fatigue: number(f, "fatigue", problems),
        fog: number(f, "fog", problems),
        sleep_quality: number(f, "sleep_quality", problems),
        sleep_hours,
        bed_time,
        wake_time,
        mood: number(f, "mood", problems),
        stress: number(f, "stress", problems),
        sensitivity: number(f, "sensitivity", problems),
        sensitivities: f.all("sensitivities"),
        activity_minutes: number(f, "activity_minutes", problems),
        flare,
        pain_regions: f.all("pain_regions"),
        factors,
        done_today,
        note: f.opt("note").map(str::to_owned),
    }
}

pub async fn save(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    SignedForm(f): SignedForm,
) -> Result<Response, PageError> {
    let actor = caller.actor();
    let me = caller.account.id;
    let periods = state.store.treatment_periods(&actor, me).await?;
    let mut problems = Problems::new();
    let draft = draft(&f, &mut problems);
    let today = state.clock.today();
    let cx = CheckInContext {
        today,
        periods: &periods,
    };
    let parsed = CheckIn::parse(draft, &cx);
    let check_in = match parsed {
        Ok(c) if problems.is_empty() => c,
        other => {
            if let Err(more) = other {
                for p in more {
                    if problems.for_field(&p.field).is_none() {
                        problems.add(p.field, p.message);
                    }
                }
            }
            let date = f
                .opt("date")
                .and_then(parse_uk_or_iso)
                .filter(|d| *d <= today)
                .unwrap_or(today);
            let existing = state.store.check_in(&actor, me, date).await?.is_some();
            let page = page(
                &state,
                &caller,
                date,
                Vec::new(),
                existing,
                String::new(),
                f,
                problems,
                periods,
            );
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    state.store.save_check_in(&actor, me, &check_in).await?;
    Ok(see_other(&format!("/?saved={}", check_in.date)))
}
