//! `/details`: the patient's own details (design.md 4): date of birth, nation, NHS number, GP,
//! and how the clinic can reach them and their emergency contact (issue 6).

use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use painpath_core::person::Nation;
use painpath_core::problems::Problems;
use painpath_wire::account::DetailsBody;

use super::{Layout, problem_for, render, render_status, see_other};
use crate::AppState;
use crate::api::patients::parse_details;
use crate::auth::Caller;
use crate::clock::{parse_uk_or_iso, uk_date};
use crate::error::PageError;
use crate::forms::{Fields, SignedForm};

#[derive(Template)]
#[template(path = "details.html")]
struct DetailsPage {
    layout: Layout,
    welcome: bool,
    saved: bool,
    fields: Fields,
    problems: Problems,
    nations: Vec<(&'static str, &'static str)>,
}

impl DetailsPage {
    fn problem(&self, field: &str) -> &str {
        problem_for(&self.problems, field)
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct DetailsQuery {
    welcome: String,
    saved: String,
}

fn nations() -> Vec<(&'static str, &'static str)> {
    Nation::ALL.iter().map(|n| (n.code(), n.label())).collect()
}

pub async fn form(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<DetailsQuery>,
) -> Result<Response, PageError> {
    let d = state
        .store
        .patient_details(&caller.actor(), caller.account.id)
        .await?;
    // No nation is ticked until the patient has said where they live.
    let mut f: Vec<(String, String)> = d
        .nation
        .map(|n| ("nation".to_owned(), n.code().to_owned()))
        .into_iter()
        .collect();
    if let Some(dob) = d.date_of_birth {
        f.push(("date_of_birth".into(), uk_date(dob)));
    }
    if let Some(n) = d.health_number {
        f.push(("health_number".into(), n.to_string()));
    }
    if let Some(n) = d.gp_practice_name {
        f.push(("gp_practice_name".into(), n));
    }
    if let Some(a) = d.gp_practice_address {
        f.push(("gp_practice_address".into(), a));
    }
    if let Some(p) = d.contact_phone {
        f.push(("contact_phone".into(), p.to_string()));
    }
    if let Some(e) = d.emergency_contact {
        f.push(("emergency_contact_name".into(), e.name));
        f.push(("emergency_contact_phone".into(), e.phone.to_string()));
    }
    render(&DetailsPage {
        layout: Layout::new(&state, Some(&caller), "Your details", "/details"),
        welcome: !q.welcome.is_empty(),
        saved: !q.saved.is_empty(),
        fields: Fields(f),
        problems: Problems::new(),
        nations: nations(),
    })
}

pub async fn save(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    SignedForm(f): SignedForm,
) -> Result<Response, PageError> {
    let mut problems = Problems::new();
    let dob = match f.opt("date_of_birth") {
        None => None,
        Some(t) => match parse_uk_or_iso(t) {
            Some(d) => Some(d.to_string()),
            None => {
                problems.add("date_of_birth", "expected a date such as 02/03/1979");
                None
            }
        },
    };
    let body = DetailsBody {
        date_of_birth: dob,
        nation: f.opt("nation").map(str::to_owned),
        health_number: f.opt("health_number").map(str::to_owned),
        gp_practice_name: f.opt("gp_practice_name").map(str::to_owned),
        gp_practice_address: f.opt("gp_practice_address").map(str::to_owned),
        contact_phone: f.opt("contact_phone").map(str::to_owned),
        emergency_contact_name: f.opt("emergency_contact_name").map(str::to_owned),
        emergency_contact_phone: f.opt("emergency_contact_phone").map(str::to_owned),
    };
    let parsed = parse_details(&body, state.clock.today());
    match parsed {
        Ok(details) if problems.is_empty() => {
            state
                .store
                .save_patient_details(&caller.actor(), caller.account.id, &details)
                .await?;
            Ok(see_other("/details?saved=1"))
        }
        other => {
            if let Err(more) = other {
                for p in more {
                    if problems.for_field(&p.field).is_none() {
                        problems.add(p.field, p.message);
                    }
                }
            }
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &DetailsPage {
                    layout: Layout::new(&state, Some(&caller), "Your details", "/details"),
                    welcome: false,
                    saved: false,
                    fields: f,
                    problems,
                    nations: nations(),
                },
            )
        }
    }
}
