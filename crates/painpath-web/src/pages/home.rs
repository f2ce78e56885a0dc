//! `/`: the home page. A patient sees whether today's check-in is done and their last seven days.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::response::Response;
use jiff::ToSpan;
use painpath_core::Date;
use painpath_core::person::Role;

use super::{Layout, render};
use crate::AppState;
use crate::access::MaybeCaller;
use crate::clock::{uk_date, uk_instant, weekday};
use crate::error::PageError;

/// One row of the last-seven-days table.
pub struct DayRow {
    pub date: Date,
    pub label: String,
    pub pain: String,
    pub fatigue: String,
    pub sleep: String,
    pub flare: &'static str,
    pub logged: bool,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    role: Option<Role>,
    today_label: String,
    today_done: bool,
    week: Vec<DayRow>,
    set_up: bool,
    saved: String,
    /// A clinician's open alerts of their own patients, and the duty list's count (`None`: it
    /// could not be counted just now, which the page says rather than "nothing").
    my_alerts: u32,
    duty_count: Option<u32>,
    /// Password resets someone at the clinic made for this account, in the last 30 days.
    staff_resets: Vec<String>,
}

/// How long the home page says that someone at the clinic reset the password. It is not
/// dismissable: whoever used the reset could otherwise hide it from the patient, who will see it
/// when they next sign in (with a recovery code if the password no longer works).
pub const STAFF_RESET_NOTICE_DAYS: i64 = 30;

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct HomeQuery {
    saved: String,
}

pub async fn show(
    State(state): State<AppState>,
    Extension(MaybeCaller(caller)): Extension<MaybeCaller>,
    axum::extract::Query(q): axum::extract::Query<HomeQuery>,
) -> Result<Response, PageError> {
    let today = state.clock.today();
    let mut week = Vec::new();
    let mut today_done = false;
    if let Some(c) = caller.as_ref().filter(|c| c.account.role == Role::Patient) {
        let from = today.checked_sub(6.days()).unwrap_or(today);
        let days = state
            .store
            .diary(&c.actor(), c.account.id, from, today)
            .await?;
        today_done = days.iter().any(|d| d.date == today);
        let mut d = today;
        while d >= from {
            let entry = days.iter().find(|e| e.date == d);
            week.push(day_row(d, entry));
            match d.yesterday() {
                Ok(y) => d = y,
                Err(_) => break,
            }
        }
    }
    let (mut my_alerts, mut duty_count) = (0, None);
    if let Some(c) = caller
        .as_ref()
        .filter(|c| c.account.role == Role::Clinician)
    {
        // A count, not the list: reading the list would be an audited access to each patient.
        my_alerts = state.store.open_alert_count(&c.actor()).await?;
        duty_count = c.duty_count;
    }
    let mut staff_resets = Vec::new();
    if let Some(c) = caller.as_ref() {
        let now = state.clock.now();
        let since = now
            .saturating_sub(jiff::SignedDuration::from_hours(
                24 * STAFF_RESET_NOTICE_DAYS,
            ))
            .unwrap_or(now);
        for r in state.store.staff_resets(&c.actor(), since).await? {
            let why = r
                .reason
                .map(|w| format!(" The reason given: \u{201c}{w}\u{201d}."))
                .unwrap_or_default();
            staff_resets.push(format!(
                "Your password was reset on {} with a link that {} ({}) made on {}.{why} If this was not you, tell the clinic.",
                uk_instant(r.used_at),
                r.issued_by_name,
                r.issued_by_role.label().to_lowercase(),
                uk_instant(r.issued_at),
            ));
        }
    }
    let set_up = caller.is_some() || state.store.count_accounts().await? > 0;
    let page = HomePage {
        layout: Layout::new(&state, caller.as_ref(), "Home", "/"),
        role: caller.as_ref().map(|c| c.account.role),
        today_label: format!("{} {}", weekday(today), uk_date(today)),
        today_done,
        week,
        set_up,
        my_alerts,
        duty_count,
        staff_resets,
        saved: q
            .saved
            .parse::<Date>()
            .map(crate::clock::uk_day)
            .unwrap_or_default(),
    };
    render(&page)
}

pub fn day_row(date: Date, entry: Option<&painpath_core::diary::CheckIn>) -> DayRow {
    let rating = |v: Option<painpath_core::scale::Nrs>| {
        v.map(|n| n.to_string()).unwrap_or_else(|| "–".into())
    };
    DayRow {
        date,
        label: format!("{} {}", &weekday(date)[..3], uk_date(date)),
        pain: rating(entry.and_then(|e| e.pain)),
        fatigue: rating(entry.and_then(|e| e.fatigue)),
        sleep: entry
            .and_then(|e| e.sleep_tenths)
            .map(|t| format!("{} h", f64::from(t) / 10.0))
            .unwrap_or_else(|| "–".into()),
        flare: match entry.and_then(|e| e.flare) {
            Some(true) => "Yes",
            Some(false) => "No",
            None => "–",
        },
        logged: entry.is_some(),
    }
}
