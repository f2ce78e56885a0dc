//! `/treatments`: "my treatments", the open and past treatment periods (design.md 8).

use askama::Template;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use painpath_core::kb::TreatmentGroup;
use painpath_core::problems::Problems;
use painpath_core::treatment::{
    MedicationClass, PeriodId, PeriodOutcome, PeriodSource, Therapy, TreatmentPeriod,
};
use painpath_wire::treatment::NewPeriodBody;

use super::{Layout, problem_for, render, render_status, see_other};
use crate::AppState;
use crate::api::periods::{parse_end, parse_new_period};
use crate::auth::Caller;
use crate::clock::{parse_uk_or_iso, uk_date};
use crate::error::PageError;
use crate::forms::{Fields, SignedForm};

pub struct PeriodRow {
    pub id: i64,
    pub name: String,
    pub what: String,
    pub start: String,
    pub end: String,
    pub outcome: &'static str,
    pub source: &'static str,
    /// Whether it is a medicine (the knowledge base's medicines group, or a medicine recorded by
    /// its type): the form for recording that it stopped then warns against stopping suddenly.
    pub medicine: bool,
}

pub struct Group {
    pub label: &'static str,
    pub options: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "treatments.html")]
struct TreatmentsPage {
    layout: Layout,
    open: Vec<PeriodRow>,
    past: Vec<PeriodRow>,
    groups: Vec<Group>,
    classes: Vec<(&'static str, &'static str)>,
    outcomes: Vec<(&'static str, &'static str)>,
    fields: Fields,
    problems: Problems,
    today: String,
}

impl TreatmentsPage {
    fn problem(&self, field: &str) -> &str {
        problem_for(&self.problems, field)
    }
}

/// Whether a period is of a medicine: a treatment in the knowledge base's medicines group, or a
/// medicine recorded by its type ("Other medicines, by type").
fn is_medicine(state: &AppState, therapy: &Therapy) -> bool {
    match therapy {
        Therapy::Treatment(code) => state
            .kb
            .treatment(code.as_str())
            .is_some_and(|t| t.group == TreatmentGroup::Medicines),
        Therapy::Medication(_) => true,
    }
}

fn row(state: &AppState, p: &TreatmentPeriod) -> PeriodRow {
    let what = match &p.therapy {
        Therapy::Treatment(code) => state
            .kb
            .treatment(code.as_str())
            .map(|t| t.name.clone())
            .unwrap_or_else(|| code.to_string()),
        Therapy::Medication(class) => class.label().to_owned(),
    };
    PeriodRow {
        id: p.id.0,
        name: p.name.clone(),
        what,
        start: uk_date(p.start),
        end: p.end.map(uk_date).unwrap_or_default(),
        outcome: p.outcome.map(PeriodOutcome::label).unwrap_or(""),
        source: match p.source {
            PeriodSource::SelfReported => "You",
            PeriodSource::Clinician => "Your clinician",
            PeriodSource::Course => "A clinic course",
        },
        medicine: is_medicine(state, &p.therapy),
    }
}

async fn page(
    state: &AppState,
    caller: &Caller,
    fields: Fields,
    problems: Problems,
) -> Result<TreatmentsPage, PageError> {
    let periods = state
        .store
        .treatment_periods(&caller.actor(), caller.account.id)
        .await?;
    let groups = TreatmentGroup::ALL
        .iter()
        .map(|g| Group {
            label: g.label(),
            options: state
                .kb
                .treatments()
                .into_iter()
                .filter(|t| t.group == *g)
                .map(|t| (t.code.as_str().to_owned(), t.name.clone()))
                .collect(),
        })
        .collect();
    Ok(TreatmentsPage {
        layout: Layout::new(state, Some(caller), "My treatments", "/treatments"),
        open: periods
            .iter()
            .filter(|p| p.is_open())
            .map(|p| row(state, p))
            .collect(),
        past: periods
            .iter()
            .filter(|p| !p.is_open())
            .map(|p| row(state, p))
            .collect(),
        groups,
        classes: MedicationClass::ALL
            .iter()
            .map(|c| (c.code(), c.label()))
            .collect(),
        outcomes: PeriodOutcome::ALL
            .iter()
            .map(|o| (o.code(), o.label()))
            .collect(),
        fields,
        problems,
        today: uk_date(state.clock.today()),
    })
}

pub async fn show(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<Response, PageError> {
    render(&page(&state, &caller, Fields::default(), Problems::new()).await?)
}

/// A date typed on a page, as ISO for the shared parser; an unreadable one becomes a problem here,
/// worded for a person rather than a program.
fn page_date(f: &Fields, field: &str, problems: &mut Problems) -> Option<String> {
    let text = f.opt(field)?;
    match parse_uk_or_iso(text) {
        Some(d) => Some(d.to_string()),
        None => {
            problems.add(field, "expected a date such as 24/11/2026");
            None
        }
    }
}

pub async fn add(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    SignedForm(f): SignedForm,
) -> Result<Response, PageError> {
    let mut problems = Problems::new();
    let choice = f.get("what");
    let (treatment, medication_class) = match choice.split_once(':') {
        Some(("treatment", code)) => (Some(code.to_owned()), None),
        Some(("class", code)) => (None, Some(code.to_owned())),
        _ => {
            problems.add("what", "choose what you take or do");
            (None, None)
        }
    };
    let start = page_date(&f, "start", &mut problems);
    if start.is_none() && problems.for_field("start").is_none() {
        problems.add("start", "enter the day you started, such as 24/11/2026");
    }
    let end = page_date(&f, "end", &mut problems);
    let outcome = f.opt("outcome").map(str::to_owned);
    let parsed = match (problems.is_empty(), start) {
        (true, Some(start)) => parse_new_period(
            &state.kb,
            NewPeriodBody {
                treatment,
                medication_class,
                name: f.opt("name").map(str::to_owned),
                start,
                end,
                outcome,
            },
            state.clock.today(),
        ),
        _ => Err(problems),
    };
    match parsed {
        Ok(period) => {
            state
                .store
                .add_treatment_period(
                    &caller.actor(),
                    caller.account.id,
                    &period,
                    PeriodSource::SelfReported,
                )
                .await?;
            Ok(see_other("/treatments"))
        }
        Err(problems) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(&state, &caller, f, problems).await?,
        ),
    }
}

pub async fn end(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(period): Path<i64>,
    SignedForm(f): SignedForm,
) -> Result<Response, PageError> {
    let mut problems = Problems::new();
    let end = page_date(&f, "end", &mut problems).unwrap_or_default();
    let result = if problems.is_empty() {
        parse_end(&end, f.get("outcome"), state.clock.today())
    } else {
        Err(problems)
    };
    match result {
        Ok((end, outcome)) => {
            let actor = caller.actor();
            let periods = state
                .store
                .treatment_periods(&actor, caller.account.id)
                .await?;
            if periods.iter().any(|p| p.id.0 == period && end < p.start) {
                let p = Problems::single("end", "the end is before the start");
                return render_status(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &page(&state, &caller, f, p).await?,
                );
            }
            state
                .store
                .end_treatment_period(&actor, caller.account.id, PeriodId(period), end, outcome)
                .await?;
            Ok(see_other("/treatments"))
        }
        Err(p) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(&state, &caller, f, p).await?,
        ),
    }
}
