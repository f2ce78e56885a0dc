//! `/diary`: the diary history with a 30-day chart of pain, fatigue and sleep.

use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::response::Response;
use jiff::ToSpan;
use painpath_chart::{LineChart, LineStyle, Series, line_chart};
use painpath_core::Date;
use painpath_core::diary::CheckIn;

use super::home::{DayRow, day_row};
use super::{Layout, render};
use crate::AppState;
use crate::auth::Caller;
use crate::clock::{parse_uk_or_iso, uk_date};
use crate::error::PageError;

#[derive(Template)]
#[template(path = "diary.html")]
struct DiaryPage {
    layout: Layout,
    heading: String,
    chart: String,
    rows: Vec<DayRow>,
    notes: Vec<(String, String)>,
    earlier: String,
    later: String,
    logged: usize,
    days: usize,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct DiaryQuery {
    to: String,
}

/// Draws the 30-day chart and table for days `from..=to` of a diary. Shared with the
/// clinician's view of a patient.
pub fn chart_and_rows(entries: &[CheckIn], from: Date, to: Date) -> (String, Vec<DayRow>) {
    let mut pain = Vec::new();
    let mut fatigue = Vec::new();
    let mut sleep = Vec::new();
    let mut rows = Vec::new();
    let mut d = from;
    while d <= to {
        let e = entries.iter().find(|e| e.date == d);
        pain.push(e.and_then(|e| e.pain).map(|v| f64::from(v.get())));
        fatigue.push(e.and_then(|e| e.fatigue).map(|v| f64::from(v.get())));
        sleep.push(e.and_then(|e| e.sleep_tenths).map(|t| f64::from(t) / 10.0));
        rows.push(day_row(d, e));
        match d.tomorrow() {
            Ok(n) => d = n,
            Err(_) => break,
        }
    }
    rows.reverse();
    let series = [
        Series {
            name: "Pain (0 none to 10 worst)",
            values: &pain,
            style: LineStyle::Solid,
            class: "series-pain",
        },
        Series {
            name: "Fatigue (0 none to 10 worst)",
            values: &fatigue,
            style: LineStyle::Dashed,
            class: "series-fatigue",
        },
        Series {
            name: "Hours slept",
            values: &sleep,
            style: LineStyle::Dotted,
            class: "series-sleep",
        },
    ];
    let description = format!(
        "Daily pain, fatigue and hours slept from {} to {}. Gaps are days with nothing recorded. The same figures are in the table below.",
        uk_date(from),
        uk_date(to)
    );
    let svg = line_chart(&LineChart {
        id: "diary-chart",
        title: "Pain, fatigue and sleep over 30 days",
        description: &description,
        first_day: from,
        y_max: 12.0,
        y_label: "Rating or hours",
        series: &series,
    });
    (svg, rows)
}

pub async fn show(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<DiaryQuery>,
) -> Result<Response, PageError> {
    let today = state.clock.today();
    let to = parse_uk_or_iso(&q.to)
        .filter(|d| *d <= today)
        .unwrap_or(today);
    let from = to.checked_sub(29.days()).unwrap_or(to);
    let entries = state
        .store
        .diary(&caller.actor(), caller.account.id, from, to)
        .await?;
    let (chart, rows) = chart_and_rows(&entries, from, to);
    let notes = entries
        .iter()
        .rev()
        .filter_map(|e| e.note.as_ref().map(|n| (uk_date(e.date), n.clone())))
        .collect();
    let later = to
        .checked_add(30.days())
        .ok()
        .filter(|d| *d <= today)
        .map(|d| d.to_string());
    let page = DiaryPage {
        layout: Layout::new(&state, Some(&caller), "Diary", "/diary"),
        heading: format!("Your diary, {} to {}", uk_date(from), uk_date(to)),
        chart,
        logged: entries.len(),
        days: rows.len(),
        rows,
        notes,
        earlier: from.yesterday().map(|d| d.to_string()).unwrap_or_default(),
        later: later.unwrap_or_default(),
    };
    render(&page)
}
