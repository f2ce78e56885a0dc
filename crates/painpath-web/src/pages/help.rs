//! `/help`: the crisis component on a page of its own, reachable from every page.

use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::response::Response;
use painpath_core::crisis::{HelpNow, Line};
use painpath_core::person::{Nation, Role};

use super::{Layout, render};
use crate::AppState;
use crate::access::MaybeCaller;
use crate::error::PageError;

#[derive(Template)]
#[template(path = "help.html")]
struct HelpPage<'a> {
    layout: Layout,
    services: HelpNow<'a>,
    /// The GP, 111 and GP out-of-hours routes, from the knowledge base.
    not_an_emergency: Vec<Line<'a>>,
    /// Whether any help-now entry is overdue for a re-check: it is still shown (a number that
    /// may have changed is better than none), and the page says so.
    stale: bool,
    nation_known: bool,
    nation_label: &'static str,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct HelpQuery {
    nation: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    Extension(MaybeCaller(caller)): Extension<MaybeCaller>,
    Query(query): Query<HelpQuery>,
) -> Result<Response, PageError> {
    let show_all = query.nation.as_deref() == Some("all");
    // The patient's own nation picks their NHS line; anyone else, or "all", sees every nation's.
    let nation = match &caller {
        Some(c) if c.account.role == Role::Patient && !show_all => state
            .store
            .patient_details(&c.actor(), c.account.id)
            .await
            .ok()
            .and_then(|d| d.nation),
        _ => None,
    };
    let services = painpath_core::crisis::help_now(&state.kb, nation);
    let page = HelpPage {
        layout: Layout::new(&state, caller.as_ref(), "Need help now?", "/help"),
        stale: services.any_stale(state.clock.today()),
        services,
        not_an_emergency: painpath_core::crisis::not_an_emergency(&state.kb, nation),
        nation_known: nation.is_some(),
        nation_label: nation.map(Nation::label).unwrap_or(""),
    };
    render(&page)
}
