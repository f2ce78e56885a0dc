//! `/questionnaires`: the ACR 2016 survey (with the body map), PHQ-9, GAD-7 and, when the clinic
//! has permission, the FIQR, one part at a time.
//!
//! Each part is its own page with "Part 2 of 4" shown, so someone with fibro fog sees a few
//! questions at once; every "Next" keeps the answers so far in a draft, so a person who leaves
//! half-way finds them again. A PHQ-9 item 9 answered above 0 shows crisis support at once, on
//! the very next page, before anything else, and opens an alert for the care team.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use painpath_core::crisis::{AfterScore, HelpNow};
use painpath_core::instruments::Instrument;
use painpath_core::instruments::response::{self, Response as Completed};
use painpath_core::kb::{Answers, InstrumentText, ItemText};
use painpath_core::problems::Problems;
use painpath_store::NewQuestionnaire;

use super::body_map::BodyMap;
use super::{Layout, problem_for, render, render_status, see_other};
use crate::AppState;
use crate::auth::Caller;
use crate::clock::uk_date;
use crate::error::PageError;
use crate::forms::{Fields, SignedForm};
use crate::questionnaires::{
    answers_to_store, band_label, fields_from_json, fields_to_json, from_fields,
    item9_of_completed, item9_of_fields, nation_of, summary_of,
};

/// The field the body map's checkboxes submit in the ACR survey.
pub const PAIN_MAP_FIELD: &str = "pain_regions";

/// Which questionnaires a person may fill in here.
pub fn offered(state: &AppState) -> Vec<Instrument> {
    Instrument::ALL
        .into_iter()
        .filter(|i| *i != Instrument::Fiqr || state.config.fiqr_form_enabled)
        .collect()
}

fn instrument_param(state: &AppState, code: &str) -> Result<Instrument, PageError> {
    let instrument: Instrument = code.parse().map_err(|_| PageError::NotFound)?;
    if !offered(state).contains(&instrument) {
        return Err(PageError::Message(
            StatusCode::NOT_FOUND,
            "Your clinic has not turned on this questionnaire's form. Your clinician can still record its scores."
                .into(),
        ));
    }
    Ok(instrument)
}

fn text_of(state: &AppState, instrument: Instrument) -> Result<&InstrumentText, PageError> {
    state.kb.instrument(instrument).ok_or_else(|| {
        PageError::Internal(format!("the knowledge base has no text for {instrument}"))
    })
}

// ----- The list ------------------------------------------------------------------------------

pub struct Row {
    pub code: &'static str,
    pub title: String,
    pub last: String,
    pub score: String,
    pub due: bool,
    pub draft: bool,
}

#[derive(Template)]
#[template(path = "questionnaires/list.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<Row>,
    notice: String,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    saved: String,
}

pub async fn list(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let actor = caller.actor();
    let me = caller.account.id;
    let all = state.store.questionnaires(&actor, me, None).await?;
    let today = state.clock.today();
    let mut rows = Vec::new();
    for instrument in offered(&state) {
        let text = text_of(&state, instrument)?;
        let last = all.iter().rev().find(|r| r.instrument == instrument);
        let draft = state
            .store
            .questionnaire_draft(&actor, me, instrument)
            .await?
            .is_some();
        let score = match last.and_then(|r| summary_of(r).ok()) {
            Some(s) => format!("{} ({})", s.text, band_label(text, &s)),
            None => String::new(),
        };
        rows.push(Row {
            code: instrument.code(),
            title: text.title.clone(),
            last: last.map(|r| uk_date(r.date)).unwrap_or_default(),
            score,
            due: response::is_due(instrument, last.map(|r| r.date), today),
            draft,
        });
    }
    render(&ListPage {
        layout: Layout::new(&state, Some(&caller), "Questionnaires", "/questionnaires"),
        rows,
        notice: if q.saved == "later" {
            "Your answers so far are kept. Come back to finish whenever you are ready.".into()
        } else {
            String::new()
        },
    })
}

// ----- One part of a form --------------------------------------------------------------------

pub struct Question {
    pub id: String,
    pub text: String,
    pub options: Vec<(u8, String)>,
    pub scale: bool,
    pub min_label: String,
    pub max_label: String,
    pub chosen: Option<u8>,
    pub problem: String,
    pub optional: bool,
}

#[derive(Template)]
#[template(path = "questionnaires/step.html")]
struct StepPage<'a> {
    layout: Layout,
    code: &'static str,
    title: String,
    part: usize,
    parts: usize,
    section_title: String,
    instructions: String,
    recall: String,
    questions: Vec<Question>,
    map: Option<BodyMap>,
    problems: Problems,
    crisis: HelpNow<'a>,
    /// Who has been told of the alert, as the person is told it.
    told: &'static str,
    notice: String,
    licence: String,
    paraphrased: bool,
    /// Whether any wording on this part is not yet confirmed against the published form; the
    /// page says so rather than presenting it as the instrument's own words (design.md 13).
    unconfirmed: bool,
}

/// The parts of a form: its sections, in order, each with its questions.
fn parts(text: &InstrumentText) -> Vec<(&str, Vec<&ItemText>)> {
    text.sections
        .iter()
        .map(|s| {
            (
                s.id.as_str(),
                text.items
                    .iter()
                    .filter(|i| i.section == s.id)
                    .collect::<Vec<_>>(),
            )
        })
        .filter(|(_, items)| !items.is_empty())
        .collect()
}

fn optional(item: &ItemText) -> bool {
    item.id == response::PHQ9_DIFFICULTY
}

fn question(item: &ItemText, fields: &Fields, problems: &Problems) -> Question {
    let (options, scale, min_label, max_label) = match &item.answers {
        Answers::Choice(options) => (
            options.iter().map(|o| (o.value, o.label.clone())).collect(),
            false,
            String::new(),
            String::new(),
        ),
        Answers::Scale(s) => (
            (s.min..=s.max).map(|v| (v, v.to_string())).collect(),
            true,
            s.min_label.clone(),
            s.max_label.clone(),
        ),
        Answers::BodyMap => (Vec::new(), false, String::new(), String::new()),
    };
    Question {
        id: item.id.clone(),
        text: item.text.clone(),
        options,
        scale,
        min_label,
        max_label,
        chosen: fields.get(&item.id).parse().ok(),
        problem: problem_for(problems, &item.id).to_owned(),
        optional: optional(item),
    }
}

/// Whether the answers so far show a PHQ-9 self-harm risk.
fn self_harm_so_far(instrument: Instrument, fields: &Fields) -> bool {
    item9_of_fields(instrument, fields).is_some_and(|s| s.is_risk())
}

#[allow(clippy::too_many_arguments)]
async fn step_page<'a>(
    state: &'a AppState,
    caller: &Caller,
    instrument: Instrument,
    part: usize,
    fields: &Fields,
    problems: Problems,
    notice: String,
) -> Result<StepPage<'a>, PageError> {
    let text = text_of(state, instrument)?;
    let all = parts(text);
    let part = part.min(all.len().saturating_sub(1));
    let (section_id, items) = &all[part];
    let section = text.section(section_id);
    let mut questions = Vec::new();
    let mut map = None;
    for item in items {
        if matches!(item.answers, Answers::BodyMap) {
            let mut m = BodyMap::new(PAIN_MAP_FIELD, "area", &fields.all(PAIN_MAP_FIELD))
                .with_problem(problem_for(&problems, PAIN_MAP_FIELD));
            m.legend = "In the past 7 days, where have you had pain or tenderness? Choose every area that applies";
            map = Some(m);
        } else {
            questions.push(question(item, fields, &problems));
        }
    }
    let (crisis, told) = if self_harm_so_far(instrument, fields) {
        let nation = nation_of(state, caller).await;
        (
            painpath_core::crisis::help_now(&state.kb, nation),
            told_to(state, caller).await?,
        )
    } else {
        (HelpNow::default(), "")
    };
    Ok(StepPage {
        layout: Layout::new(state, Some(caller), text.title.clone(), "/questionnaires"),
        code: instrument.code(),
        title: text.title.clone(),
        part: part + 1,
        parts: all.len(),
        section_title: section.and_then(|s| s.title.clone()).unwrap_or_default(),
        instructions: section
            .and_then(|s| s.instructions.clone())
            .unwrap_or_else(|| {
                if part == 0 {
                    text.stem.clone()
                } else {
                    String::new()
                }
            }),
        recall: section
            .and_then(|s| s.recall.clone())
            .unwrap_or_else(|| text.recall.clone()),
        questions,
        map,
        problems,
        crisis,
        told,
        notice,
        licence: text.licence.notice.clone(),
        paraphrased: text.wording == painpath_core::kb::Wording::Paraphrased,
        unconfirmed: section.is_some_and(|s| s.unconfirmed.is_some())
            || items.iter().any(|i| {
                i.unconfirmed.is_some()
                    || matches!(&i.answers, Answers::Scale(sc) if sc.unconfirmed.is_some())
            }),
    })
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct StepQuery {
    part: usize,
    kept: String,
}

pub async fn form(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(code): Path<String>,
    Query(q): Query<StepQuery>,
) -> Result<Response, PageError> {
    let instrument = instrument_param(&state, &code)?;
    let draft = state
        .store
        .questionnaire_draft(&caller.actor(), caller.account.id, instrument)
        .await?;
    let fields = draft.as_deref().map(fields_from_json).unwrap_or_default();
    let part = if q.part == 0 { 1 } else { q.part };
    let notice = if !q.kept.is_empty() {
        "Your answers so far are kept. Come back to finish whenever you are ready.".to_owned()
    } else if draft.is_some() && q.part == 0 {
        "Welcome back: your answers so far are filled in.".to_owned()
    } else {
        String::new()
    };
    let page = step_page(
        &state,
        &caller,
        instrument,
        part - 1,
        &fields,
        Problems::new(),
        notice,
    )
    .await?;
    render(&page)
}

/// Checks the answers of one part: every question answered (but the optional ones), each with
/// one of its allowed values.
fn check_part(items: &[&ItemText], fields: &Fields) -> Problems {
    let mut problems = Problems::new();
    for item in items {
        match &item.answers {
            Answers::BodyMap => {
                for code in fields.all(PAIN_MAP_FIELD) {
                    if code.parse::<painpath_core::body::BodyRegion>().is_err() {
                        problems.add(PAIN_MAP_FIELD, "choose areas from the map");
                    }
                }
            }
            Answers::Choice(_) | Answers::Scale(_) => {
                let allowed: Vec<u8> = match &item.answers {
                    Answers::Choice(o) => o.iter().map(|o| o.value).collect(),
                    Answers::Scale(s) => (s.min..=s.max).collect(),
                    Answers::BodyMap => Vec::new(),
                };
                match fields.opt(&item.id) {
                    None if optional(item) => {}
                    None => problems.add(item.id.clone(), "choose an answer to this question"),
                    Some(v) => {
                        if !v.parse::<u8>().is_ok_and(|v| allowed.contains(&v)) {
                            problems.add(item.id.clone(), "choose one of the answers shown");
                        }
                    }
                }
            }
        }
    }
    problems
}

/// Merges one part's answers into the draft: the part's fields replace what was there.
fn merge(draft: &Fields, items: &[&ItemText], submitted: &Fields) -> Fields {
    let ids: Vec<&str> = items
        .iter()
        .map(|i| {
            if matches!(i.answers, Answers::BodyMap) {
                PAIN_MAP_FIELD
            } else {
                i.id.as_str()
            }
        })
        .collect();
    let mut out: Vec<(String, String)> = draft
        .0
        .iter()
        .filter(|(k, _)| !ids.contains(&k.as_str()))
        .cloned()
        .collect();
    out.extend(
        submitted
            .0
            .iter()
            .filter(|(k, v)| ids.contains(&k.as_str()) && !v.trim().is_empty())
            .cloned(),
    );
    Fields(out)
}

pub async fn save(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(code): Path<String>,
    SignedForm(f): SignedForm,
) -> Result<Response, PageError> {
    let instrument = instrument_param(&state, &code)?;
    let text = text_of(&state, instrument)?;
    let all = parts(text);
    let part: usize = f
        .get("part")
        .parse::<usize>()
        .unwrap_or(1)
        .clamp(1, all.len())
        - 1;
    let actor = caller.actor();
    let me = caller.account.id;
    let draft = state
        .store
        .questionnaire_draft(&actor, me, instrument)
        .await?
        .as_deref()
        .map(fields_from_json)
        .unwrap_or_default();
    let items = &all[part].1;
    let fields = merge(&draft, items, &f);
    let action = f.get("action");
    let risk = self_harm_so_far(instrument, &fields);
    let item9 = item9_of_fields(instrument, &fields);

    if action == "back" {
        state
            .store
            .save_questionnaire_draft(
                &actor,
                me,
                instrument,
                &fields_to_json(&fields),
                item9.as_ref(),
            )
            .await?;
        return Ok(see_other(&format!(
            "/questionnaires/{}?part={}",
            instrument.code(),
            part.max(1)
        )));
    }
    if action == "later" {
        state
            .store
            .save_questionnaire_draft(
                &actor,
                me,
                instrument,
                &fields_to_json(&fields),
                item9.as_ref(),
            )
            .await?;
        // Someone who has just said they have thoughts of self-harm is shown the help first,
        // even when they stop here; the list page would not show it.
        if risk {
            return Ok(see_other(&format!(
                "/questionnaires/{}?part={}&kept=1",
                instrument.code(),
                part + 1
            )));
        }
        return Ok(see_other("/questionnaires?saved=later"));
    }
    let problems = check_part(items, &fields);
    if !problems.is_empty() {
        // The refused part still shows crisis support, which says the care team has been told:
        // keep the answers as a draft so that the alert is opened, as "later" and "back" do.
        if risk {
            state
                .store
                .save_questionnaire_draft(
                    &actor,
                    me,
                    instrument,
                    &fields_to_json(&fields),
                    item9.as_ref(),
                )
                .await?;
        }
        let page = step_page(
            &state,
            &caller,
            instrument,
            part,
            &fields,
            problems,
            String::new(),
        )
        .await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    if part + 1 < all.len() {
        state
            .store
            .save_questionnaire_draft(
                &actor,
                me,
                instrument,
                &fields_to_json(&fields),
                item9.as_ref(),
            )
            .await?;
        return Ok(see_other(&format!(
            "/questionnaires/{}?part={}",
            instrument.code(),
            part + 2
        )));
    }
    // The last part: the whole form is checked again by the core, then stored with its answers.
    let completed = match from_fields(instrument, &fields) {
        Ok(c) => c,
        Err(problems) => {
            let page = step_page(
                &state,
                &caller,
                instrument,
                part,
                &fields,
                problems,
                String::new(),
            )
            .await?;
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let id = state
        .store
        .save_questionnaire(
            &actor,
            me,
            &NewQuestionnaire {
                instrument,
                date: state.clock.today(),
                answers: answers_to_store(text, &completed),
                item9: item9_of_completed(&completed),
            },
        )
        .await?;
    Ok(see_other(&format!(
        "/questionnaires/{}/result/{id}",
        instrument.code()
    )))
}

// ----- The result ----------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "questionnaires/result.html")]
struct ResultPage<'a> {
    layout: Layout,
    code: &'static str,
    title: String,
    date: String,
    crisis: HelpNow<'a>,
    told: &'static str,
    after: AfterScore<'a>,
    score: String,
    band: String,
    explanation: Vec<String>,
    source: String,
}

/// What a result means, in plain words, without presenting a band as a diagnosis.
fn explain(text: &InstrumentText, completed: &Completed) -> Vec<String> {
    let mut out = Vec::new();
    match completed {
        Completed::Acr2016(a) => {
            let s = a.score();
            out.push(format!(
                "Widespread pain index {} of 19; symptom severity {} of 12; together {} of 31.",
                s.wpi, s.sss, s.fs
            ));
            if s.meets_criteria {
                out.push("Your answers are consistent with the 2016 criteria for fibromyalgia. This is not a diagnosis: a clinician needs to confirm it, because the self-report survey is meant for research and screening, not for diagnosing one person.".into());
            } else {
                out.push("Your answers do not meet the 2016 criteria as a whole. That does not rule anything out; talk to your clinician about your symptoms.".into());
            }
        }
        Completed::Phq9(_) | Completed::Gad7(_) => {
            out.push("These bands describe how much the symptoms have bothered you in the last 2 weeks. They are not a diagnosis; talk to your GP or clinician about them.".into());
        }
        Completed::Fiqr(f) => {
            let s = f.score();
            out.push(format!(
                "Function {} of 30, overall impact {} of 20, symptoms {} of 50.",
                painpath_core::instruments::fiqr::tenths_text(s.function_tenths()),
                painpath_core::instruments::fiqr::tenths_text(s.overall_tenths()),
                painpath_core::instruments::fiqr::tenths_text(s.symptoms_tenths())
            ));
        }
    }
    if let Some(note) = &text.bands.note {
        out.push(note.clone());
    }
    out
}

pub async fn result(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path((code, id)): Path<(String, i64)>,
) -> Result<Response, PageError> {
    let instrument: Instrument = code.parse().map_err(|_| PageError::NotFound)?;
    let text = text_of(&state, instrument)?;
    let all = state
        .store
        .questionnaires(&caller.actor(), caller.account.id, Some(instrument))
        .await?;
    let stored = all.iter().find(|r| r.id == id).ok_or(PageError::NotFound)?;
    let completed = crate::questionnaires::completed_of(stored)
        .map_err(|p| PageError::Internal(p.to_string()))?;
    let summary = completed.summary();
    let nation = nation_of(&state, &caller).await;
    // What to do next (the GP soon, NHS Talking Therapies), from core's bands: the template
    // `questionnaires/after_score.html` shows it below the score.
    let after = painpath_core::crisis::after_score(&state.kb, &completed, nation);
    let (crisis, told) = if summary.self_harm_risk {
        (
            painpath_core::crisis::help_now(&state.kb, nation),
            told_to(&state, &caller).await?,
        )
    } else {
        (HelpNow::default(), "")
    };
    render(&ResultPage {
        layout: Layout::new(
            &state,
            Some(&caller),
            format!("{} result", text.title),
            "/questionnaires",
        ),
        code: instrument.code(),
        title: text.title.clone(),
        date: uk_date(stored.date),
        crisis,
        told,
        after,
        score: summary.text.clone(),
        band: band_label(text, &summary),
        explanation: explain(text, &completed),
        source: state
            .kb
            .source(&text.bands.source)
            .map(|s| s.title.clone())
            .unwrap_or_else(|| text.bands.source.clone()),
    })
}

// ----- History -------------------------------------------------------------------------------

pub struct HistoryRow {
    pub date: String,
    pub score: String,
    pub band: String,
}

#[derive(Template)]
#[template(path = "questionnaires/history.html")]
struct HistoryPage {
    layout: Layout,
    heading: String,
    chart: String,
    rows: Vec<HistoryRow>,
    change_note: String,
    band_source: String,
    band_note: String,
    start_link: String,
}

/// The history of one instrument for one patient: a chart with the bands shaded and, where the
/// reference confirms one, the minimal clinically important difference marked.
pub async fn history_page(
    state: &AppState,
    caller: &Caller,
    patient: painpath_core::person::UserId,
    instrument: Instrument,
    heading: String,
    current: &str,
) -> Result<Response, PageError> {
    let text = text_of(state, instrument)?;
    let stored = state
        .store
        .questionnaires(&caller.actor(), patient, Some(instrument))
        .await?;
    let mut points = Vec::new();
    let mut rows = Vec::new();
    for r in &stored {
        let summary = summary_of(r).map_err(|p| PageError::Internal(p.to_string()))?;
        points.push((r.date, summary.value));
        rows.push(HistoryRow {
            date: uk_date(r.date),
            score: summary.text.clone(),
            band: band_label(text, &summary),
        });
    }
    rows.reverse();
    let today = state.clock.today();
    let first_day = stored
        .first()
        .map(|r| r.date)
        .filter(|d| *d < today)
        .unwrap_or_else(|| {
            today
                .checked_sub(jiff::Span::new().days(90))
                .unwrap_or(today)
        });
    let classes = ["band-1", "band-2", "band-3", "band-4", "band-5", "band-6"];
    let bands: Vec<painpath_chart::ShadedBand<'_>> = text
        .bands
        .bands
        .iter()
        .enumerate()
        .map(|(i, b)| painpath_chart::ShadedBand {
            from: f64::from(b.from),
            to: f64::from(b.to),
            label: &b.label,
            class: classes[i % classes.len()],
        })
        .collect();
    let y_max = text
        .bands
        .bands
        .last()
        .map(|b| f64::from(b.to))
        .unwrap_or(10.0);
    let mcid_label = text
        .mcid
        .as_ref()
        .map(|m| format!("{}-point change", m.points));
    let description = format!(
        "{} scores from {} to {}, with the published severity bands shaded. The same scores are in the table below.",
        text.title,
        uk_date(first_day),
        uk_date(today)
    );
    let chart = painpath_chart::score_chart(&painpath_chart::ScoreChart {
        id: "score-chart",
        title: &format!("{} over time", text.title),
        description: &description,
        name: &text.bands.scale,
        points: &points,
        first_day,
        last_day: today,
        y_max,
        y_label: "Score",
        bands: &bands,
        mcid: text
            .mcid
            .as_ref()
            .zip(mcid_label.as_deref())
            .map(|(m, label)| painpath_chart::Mcid {
                points: f64::from(m.points),
                label,
            }),
    });
    // The knowledge base words the change note itself, with its source; without one, a plain
    // sentence from the confirmed figure.
    let change_note = match (&text.mcid, &text.mcid_note) {
        (_, Some(note)) => note.clone(),
        (Some(m), None) => format!(
            "A change of {} points or more is the smallest change that usually matters to one person.",
            m.points
        ),
        (None, None) => String::new(),
    };
    render(&HistoryPage {
        layout: Layout::new(state, Some(caller), heading.clone(), current),
        heading,
        chart,
        rows,
        change_note,
        band_source: state
            .kb
            .source(&text.bands.source)
            .map(|s| s.title.clone())
            .unwrap_or_else(|| text.bands.source.clone()),
        band_note: text.bands.note.clone().unwrap_or_default(),
        start_link: if caller.account.id == patient && offered(state).contains(&instrument) {
            format!("/questionnaires/{}", instrument.code())
        } else {
            String::new()
        },
    })
}

pub async fn history(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let instrument: Instrument = code.parse().map_err(|_| PageError::NotFound)?;
    let title = text_of(&state, instrument)?.title.clone();
    history_page(
        &state,
        &caller,
        caller.account.id,
        instrument,
        format!("{title}: your scores"),
        "/questionnaires",
    )
    .await
}

/// A clinician's view of one patient's scores on one instrument.
pub async fn patient_history(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path((patient, code)): Path<(i64, String)>,
) -> Result<Response, PageError> {
    let instrument: Instrument = code.parse().map_err(|_| PageError::NotFound)?;
    let patient = painpath_core::person::UserId(patient);
    let account = state.store.account(&caller.actor(), patient).await?;
    let title = text_of(&state, instrument)?.title.clone();
    history_page(
        &state,
        &caller,
        patient,
        instrument,
        format!("{}: {title}", account.display_name),
        "/patients",
    )
    .await
}

/// What the patient is told about who sees their alert now: only active clinicians count, and
/// nothing promises follow-up (issue 6).
async fn told_to(state: &AppState, caller: &Caller) -> Result<&'static str, PageError> {
    let status = state
        .store
        .care_team_status(&caller.actor(), caller.account.id)
        .await?;
    Ok(crate::questionnaires::who_is_told(status.audience()))
}
