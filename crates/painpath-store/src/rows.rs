//! How painpath's values are written to columns and read back, shared by both backends.
//!
//! The schema keeps only portable column types (design.md 7), so the conversions are the same for
//! SQLite and PostgreSQL: instants are Unix milliseconds, civil dates ISO text (`2026-11-24`),
//! clock times `HH:MM` text, codes their `code()` text, whole numbers `i64`. Only the SQL differs
//! between the backends; the rows they fetch are these structs, decoded the same way, so a value
//! read from one backend is exactly the value read from the other.

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use painpath_core::body::BodyRegion;
use painpath_core::diary::{CheckIn, DoneToday, Factor, Sensitivity};
use painpath_core::duty::{EscalationDelay, EscalationReason};
use painpath_core::instruments::Instrument;
use painpath_core::person::{
    EmergencyContact, HealthNumber, Nation, PatientDetails, PhoneNumber, Role, UserId, Username,
};
use painpath_core::scale::Nrs;
use painpath_core::treatment::{
    MedicationClass, PeriodId, PeriodOutcome, PeriodSource, Therapy, TreatmentCode, TreatmentPeriod,
};

use crate::failure::corrupt;
use crate::{
    Account, ApiToken, AuditEntry, CareLink, LinkPurpose, OneTimeLink, PatientSummary, StaffReset,
    StoreResult,
};
use crate::{
    Alert, AlertKind, CareTeamStatus, ClinicSettings, Escalation, QuestionnaireResponse,
    StoredAnswer,
};

// ----- Scalars --------------------------------------------------------------------------------

/// An instant as stored. Anything finer than a millisecond is dropped.
pub(crate) fn millis(at: Timestamp) -> i64 {
    at.as_millisecond()
}

pub(crate) fn instant(ms: i64) -> StoreResult<Timestamp> {
    Timestamp::from_millisecond(ms).map_err(|_| corrupt("instant"))
}

pub(crate) fn instant_opt(ms: Option<i64>) -> StoreResult<Option<Timestamp>> {
    ms.map(instant).transpose()
}

/// The store's own clock, for the instants no caller supplies (audit entries, creation times).
/// Cut to the millisecond so that what is returned equals what is read back later.
pub(crate) fn now() -> Timestamp {
    // Now is always within jiff's range, and a millisecond count of it is too.
    Timestamp::from_millisecond(Timestamp::now().as_millisecond())
        .expect("the current time in milliseconds is a valid timestamp")
}

/// A civil date as ISO text. Years 1000 to 9999 sort as text in date order, which the diary's
/// range queries rely on; the domain refuses check-ins before 1990.
pub(crate) fn date_text(date: Date) -> String {
    date.to_string()
}

pub(crate) fn date(text: &str) -> StoreResult<Date> {
    text.parse().map_err(|_| corrupt("date"))
}

pub(crate) fn date_opt(text: Option<&str>) -> StoreResult<Option<Date>> {
    text.map(date).transpose()
}

/// A clock time as `HH:MM`, or with seconds when it has them, so that nothing is lost.
pub(crate) fn time_text(time: Time) -> String {
    if time.second() == 0 && time.subsec_nanosecond() == 0 {
        format!("{:02}:{:02}", time.hour(), time.minute())
    } else {
        time.to_string()
    }
}

pub(crate) fn time(text: &str) -> StoreResult<Time> {
    text.parse().map_err(|_| corrupt("time"))
}

pub(crate) fn role(code: &str) -> StoreResult<Role> {
    code.parse().map_err(|_| corrupt("role"))
}

fn nrs(value: Option<i64>) -> StoreResult<Option<Nrs>> {
    value
        .map(|v| Nrs::new(v).map_err(|_| corrupt("rating")))
        .transpose()
}

fn small(value: Option<i64>, column: &str) -> StoreResult<Option<u16>> {
    value
        .map(|v| u16::try_from(v).map_err(|_| corrupt(column)))
        .transpose()
}

// ----- Accounts -------------------------------------------------------------------------------

/// `SELECT id, username, display_name, role, active, created_at FROM accounts`
#[derive(sqlx::FromRow)]
pub(crate) struct AccountRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub active: bool,
    pub created_at: i64,
}

impl AccountRow {
    pub fn into_account(self) -> StoreResult<Account> {
        Ok(Account {
            id: UserId(self.id),
            username: Username::parse(&self.username).map_err(|_| corrupt("username"))?,
            display_name: self.display_name,
            role: role(&self.role)?,
            active: self.active,
            created_at: instant(self.created_at)?,
        })
    }
}

/// An account with its password hash, for signing in.
#[derive(sqlx::FromRow)]
pub(crate) struct CredentialsRow {
    #[sqlx(flatten)]
    pub account: AccountRow,
    pub password_hash: String,
}

// ----- One-time links -------------------------------------------------------------------------

/// A link's purpose as its two columns: the kind and the account it names, if any.
pub(crate) fn purpose_columns(purpose: LinkPurpose) -> (&'static str, Option<i64>) {
    match purpose {
        LinkPurpose::FirstAdmin => ("first_admin", None),
        LinkPurpose::PatientInvitation { clinician } => ("patient_invitation", Some(clinician.0)),
        LinkPurpose::PasswordReset { user } => ("password_reset", Some(user.0)),
    }
}

/// `SELECT purpose, subject_id, created_by, created_at, expires_at, used_at FROM one_time_links`
#[derive(sqlx::FromRow)]
pub(crate) struct LinkRow {
    pub purpose: String,
    pub subject_id: Option<i64>,
    pub created_by: Option<i64>,
    pub created_at: i64,
    pub expires_at: i64,
    pub used_at: Option<i64>,
    pub reason: Option<String>,
    /// The role of the account a password reset is for.
    pub subject_role: Option<String>,
}

impl LinkRow {
    pub fn subject_role(&self) -> StoreResult<Option<Role>> {
        self.subject_role.as_deref().map(role).transpose()
    }

    pub fn purpose(&self) -> StoreResult<LinkPurpose> {
        match (self.purpose.as_str(), self.subject_id) {
            ("first_admin", None) => Ok(LinkPurpose::FirstAdmin),
            ("patient_invitation", Some(id)) => Ok(LinkPurpose::PatientInvitation {
                clinician: UserId(id),
            }),
            ("password_reset", Some(id)) => Ok(LinkPurpose::PasswordReset { user: UserId(id) }),
            _ => Err(corrupt("link purpose")),
        }
    }

    /// Whether the link can still be redeemed at `now`.
    pub fn is_live(&self, now: Timestamp) -> bool {
        self.used_at.is_none() && millis(now) < self.expires_at
    }

    pub fn into_link(self) -> StoreResult<OneTimeLink> {
        Ok(OneTimeLink {
            purpose: self.purpose()?,
            created_by: self.created_by.map(UserId),
            created_at: instant(self.created_at)?,
            expires_at: instant(self.expires_at)?,
            used_at: instant_opt(self.used_at)?,
            subject_role: self.subject_role()?,
            reason: self.reason,
        })
    }
}

/// A used, staff-issued password reset, with who issued it.
#[derive(sqlx::FromRow)]
pub(crate) struct StaffResetRow {
    pub issued_by_name: String,
    pub issued_by_role: String,
    pub issued_at: i64,
    pub used_at: i64,
    pub reason: Option<String>,
}

impl StaffResetRow {
    pub fn into_reset(self) -> StoreResult<StaffReset> {
        Ok(StaffReset {
            issued_by_name: self.issued_by_name,
            issued_by_role: role(&self.issued_by_role)?,
            issued_at: instant(self.issued_at)?,
            used_at: instant(self.used_at)?,
            reason: self.reason,
        })
    }
}

// ----- Sessions and API tokens ----------------------------------------------------------------

/// A session joined with its account.
#[derive(sqlx::FromRow)]
pub(crate) struct SessionRow {
    pub expires_at: i64,
    pub idle_seconds: i64,
    pub last_seen_at: i64,
    pub csrf_token: String,
    #[sqlx(flatten)]
    pub account: AccountRow,
}

impl SessionRow {
    /// Whether the session is still good at `now`: not past its end, not idle for longer than
    /// allowed, and its account still active.
    pub fn is_live(&self, now: Timestamp) -> bool {
        let now = millis(now);
        let idle_limit = self.idle_seconds.saturating_mul(1000);
        now < self.expires_at
            && now.saturating_sub(self.last_seen_at) <= idle_limit
            && self.account.active
    }
}

/// An API token joined with the account it acts for.
#[derive(sqlx::FromRow)]
pub(crate) struct ApiTokenAccountRow {
    pub token_expires_at: Option<i64>,
    pub token_revoked_at: Option<i64>,
    pub token_last_used_at: Option<i64>,
    #[sqlx(flatten)]
    pub account: AccountRow,
}

impl ApiTokenAccountRow {
    /// Whether the token can be used at `now`: not revoked, not past its end, account active.
    pub fn is_live(&self, now: Timestamp) -> bool {
        let now = millis(now);
        self.token_revoked_at.is_none()
            && self.token_expires_at.is_none_or(|end| now < end)
            && self.account.active
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ApiTokenRow {
    pub id: i64,
    pub name: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub last_used_at: Option<i64>,
}

impl ApiTokenRow {
    pub fn into_token(self) -> StoreResult<ApiToken> {
        Ok(ApiToken {
            id: self.id,
            name: self.name,
            created_at: instant(self.created_at)?,
            expires_at: instant_opt(self.expires_at)?,
            revoked_at: instant_opt(self.revoked_at)?,
            last_used_at: instant_opt(self.last_used_at)?,
        })
    }
}

// ----- Care team ------------------------------------------------------------------------------

#[derive(sqlx::FromRow)]
pub(crate) struct CareLinkRow {
    pub id: i64,
    pub patient_id: i64,
    pub patient_name: String,
    pub clinician_id: i64,
    pub clinician_name: String,
    pub granted_by: i64,
    pub granted_at: i64,
    pub revoked_at: Option<i64>,
    pub clinician_active: bool,
}

impl CareLinkRow {
    pub fn into_link(self) -> StoreResult<CareLink> {
        Ok(CareLink {
            id: self.id,
            patient: UserId(self.patient_id),
            patient_name: self.patient_name,
            clinician: UserId(self.clinician_id),
            clinician_name: self.clinician_name,
            granted_by: UserId(self.granted_by),
            granted_at: instant(self.granted_at)?,
            revoked_at: instant_opt(self.revoked_at)?,
            clinician_active: self.clinician_active,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct PatientSummaryRow {
    pub id: i64,
    pub display_name: String,
    pub date_of_birth: Option<String>,
    pub last_check_in: Option<String>,
    pub open_alerts: i64,
}

impl PatientSummaryRow {
    pub fn into_summary(self) -> StoreResult<PatientSummary> {
        Ok(PatientSummary {
            id: UserId(self.id),
            display_name: self.display_name,
            date_of_birth: date_opt(self.date_of_birth.as_deref())?,
            last_check_in: date_opt(self.last_check_in.as_deref())?,
            open_alerts: u32::try_from(self.open_alerts).map_err(|_| corrupt("alert count"))?,
        })
    }
}

// ----- Patient details ------------------------------------------------------------------------

/// Patient details as their columns, ready to bind.
pub(crate) struct DetailsColumns {
    pub date_of_birth: Option<String>,
    /// `None` when nobody has said where the patient lives.
    pub nation: Option<&'static str>,
    pub health_number: Option<String>,
    pub gp_practice_name: Option<String>,
    pub gp_practice_address: Option<String>,
    pub contact_phone: Option<String>,
    pub emergency_contact_name: Option<String>,
    pub emergency_contact_phone: Option<String>,
}

impl DetailsColumns {
    pub fn of(details: &PatientDetails) -> DetailsColumns {
        DetailsColumns {
            date_of_birth: details.date_of_birth.map(date_text),
            nation: details.nation.map(Nation::code),
            // The ten digits without spaces, as `HealthNumber::digits` documents.
            health_number: details.health_number.as_ref().map(HealthNumber::digits),
            gp_practice_name: details.gp_practice_name.clone(),
            gp_practice_address: details.gp_practice_address.clone(),
            contact_phone: details
                .contact_phone
                .as_ref()
                .map(|p| p.as_str().to_owned()),
            emergency_contact_name: details.emergency_contact.as_ref().map(|e| e.name.clone()),
            emergency_contact_phone: details
                .emergency_contact
                .as_ref()
                .map(|e| e.phone.as_str().to_owned()),
        }
    }
}

/// Every read of patient details selects these columns.
#[derive(sqlx::FromRow)]
pub(crate) struct DetailsRow {
    pub date_of_birth: Option<String>,
    pub nation: Option<String>,
    pub health_number: Option<String>,
    pub gp_practice_name: Option<String>,
    pub gp_practice_address: Option<String>,
    pub contact_phone: Option<String>,
    pub emergency_contact_name: Option<String>,
    pub emergency_contact_phone: Option<String>,
}

fn phone(text: Option<&str>) -> StoreResult<Option<PhoneNumber>> {
    text.map(|t| PhoneNumber::parse(t).map_err(|_| corrupt("phone number")))
        .transpose()
}

impl DetailsRow {
    pub fn into_details(self) -> StoreResult<PatientDetails> {
        Ok(PatientDetails {
            date_of_birth: date_opt(self.date_of_birth.as_deref())?,
            nation: self
                .nation
                .as_deref()
                .map(|n| n.parse::<Nation>().map_err(|_| corrupt("nation")))
                .transpose()?,
            health_number: self
                .health_number
                .as_deref()
                .map(|n| HealthNumber::parse(n).map_err(|_| corrupt("health number")))
                .transpose()?,
            gp_practice_name: self.gp_practice_name,
            gp_practice_address: self.gp_practice_address,
            contact_phone: phone(self.contact_phone.as_deref())?,
            emergency_contact: match (
                self.emergency_contact_name,
                phone(self.emergency_contact_phone.as_deref())?,
            ) {
                (Some(name), Some(phone)) => Some(EmergencyContact { name, phone }),
                (None, None) => None,
                _ => return Err(corrupt("emergency contact")),
            },
        })
    }
}

// ----- Treatment periods ----------------------------------------------------------------------

/// A therapy as its two columns, exactly one of which is set.
pub(crate) fn therapy_columns(therapy: &Therapy) -> (Option<String>, Option<&'static str>) {
    match therapy {
        Therapy::Treatment(code) => (Some(code.as_str().to_owned()), None),
        Therapy::Medication(class) => (None, Some(class.code())),
    }
}

/// `SELECT id, patient_id, treatment_code, medication_class, name, start_date, end_date,
/// outcome, recorded_by, source FROM treatment_periods`
#[derive(sqlx::FromRow)]
pub(crate) struct PeriodRow {
    pub id: i64,
    pub patient_id: i64,
    pub treatment_code: Option<String>,
    pub medication_class: Option<String>,
    pub name: String,
    pub start_date: String,
    pub end_date: Option<String>,
    pub outcome: Option<String>,
    pub recorded_by: i64,
    pub source: String,
}

impl PeriodRow {
    pub fn into_period(self) -> StoreResult<TreatmentPeriod> {
        let therapy = match (self.treatment_code, self.medication_class) {
            (Some(code), None) => Therapy::Treatment(
                TreatmentCode::parse(&code).map_err(|_| corrupt("treatment code"))?,
            ),
            (None, Some(class)) => Therapy::Medication(
                class
                    .parse::<MedicationClass>()
                    .map_err(|_| corrupt("medication class"))?,
            ),
            _ => return Err(corrupt("therapy")),
        };
        Ok(TreatmentPeriod {
            id: PeriodId(self.id),
            patient: UserId(self.patient_id),
            therapy,
            name: self.name,
            start: date(&self.start_date)?,
            end: date_opt(self.end_date.as_deref())?,
            outcome: self
                .outcome
                .as_deref()
                .map(|o| o.parse::<PeriodOutcome>().map_err(|_| corrupt("outcome")))
                .transpose()?,
            recorded_by: UserId(self.recorded_by),
            source: PeriodSource::from_code(&self.source).ok_or_else(|| corrupt("source"))?,
        })
    }
}

// ----- Check-ins ------------------------------------------------------------------------------

/// A check-in's day row as columns, ready to bind in the order the SQL lists them.
pub(crate) struct CheckInColumns {
    pub day: String,
    pub pain: Option<i64>,
    pub fatigue: Option<i64>,
    pub fog: Option<i64>,
    pub sleep_quality: Option<i64>,
    pub sleep_tenths: Option<i64>,
    pub bed_time: Option<String>,
    pub wake_time: Option<String>,
    pub mood: Option<i64>,
    pub stress: Option<i64>,
    pub sensitivity: Option<i64>,
    pub activity_minutes: Option<i64>,
    pub flare: Option<bool>,
    pub note: Option<String>,
}

impl CheckInColumns {
    pub fn of(c: &CheckIn) -> CheckInColumns {
        let rating = |r: Option<Nrs>| r.map(|r| i64::from(r.get()));
        CheckInColumns {
            day: date_text(c.date),
            pain: rating(c.pain),
            fatigue: rating(c.fatigue),
            fog: rating(c.fog),
            sleep_quality: rating(c.sleep_quality),
            sleep_tenths: c.sleep_tenths.map(i64::from),
            bed_time: c.bed_time.map(time_text),
            wake_time: c.wake_time.map(time_text),
            mood: rating(c.mood),
            stress: rating(c.stress),
            sensitivity: rating(c.sensitivity),
            activity_minutes: c.activity_minutes.map(i64::from),
            flare: c.flare,
            note: c.note.clone(),
        }
    }
}

/// A check-in's lists as arrays, for the PostgreSQL backend to write each list with one
/// `unnest`; `done_periods[i]` goes with `done_amounts[i]`, in the order given.
pub(crate) struct CheckInLists<'a> {
    pub regions: Vec<&'static str>,
    pub sensitivities: Vec<&'static str>,
    pub factors: Vec<&'a str>,
    pub done_periods: Vec<i64>,
    pub done_amounts: Vec<Option<&'a str>>,
}

impl<'a> CheckInLists<'a> {
    pub fn of(c: &'a CheckIn) -> CheckInLists<'a> {
        CheckInLists {
            regions: c.pain_regions.iter().map(|r| r.code()).collect(),
            sensitivities: c.sensitivities.iter().map(|s| s.code()).collect(),
            factors: c.factors.iter().map(|f| f.as_str()).collect(),
            done_periods: c.done_today.iter().map(|d| d.period.0).collect(),
            done_amounts: c.done_today.iter().map(|d| d.amount.as_deref()).collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.regions.is_empty()
            && self.sensitivities.is_empty()
            && self.factors.is_empty()
            && self.done_periods.is_empty()
    }
}

/// The columns every check-in read selects, in this order.
#[derive(sqlx::FromRow)]
pub(crate) struct CheckInRow {
    pub id: i64,
    pub day: String,
    pub pain: Option<i64>,
    pub fatigue: Option<i64>,
    pub fog: Option<i64>,
    pub sleep_quality: Option<i64>,
    pub sleep_tenths: Option<i64>,
    pub bed_time: Option<String>,
    pub wake_time: Option<String>,
    pub mood: Option<i64>,
    pub stress: Option<i64>,
    pub sensitivity: Option<i64>,
    pub activity_minutes: Option<i64>,
    pub flare: Option<bool>,
    pub note: Option<String>,
}

/// A check-in's child rows, each with the id of its day row.
#[derive(Default)]
pub(crate) struct CheckInChildren {
    pub regions: Vec<(i64, String)>,
    pub sensitivities: Vec<(i64, String)>,
    pub factors: Vec<(i64, String)>,
    /// (check-in, period, amount), in the order the person gave them.
    pub done: Vec<(i64, i64, Option<String>)>,
}

/// Puts day rows and their children back together, keeping the order of `rows`.
pub(crate) fn assemble(
    rows: Vec<CheckInRow>,
    children: CheckInChildren,
) -> StoreResult<Vec<CheckIn>> {
    let mut regions: BTreeMap<i64, BTreeSet<BodyRegion>> = BTreeMap::new();
    for (id, code) in children.regions {
        let region = code.parse().map_err(|_| corrupt("body region"))?;
        regions.entry(id).or_default().insert(region);
    }
    let mut sensitivities: BTreeMap<i64, BTreeSet<Sensitivity>> = BTreeMap::new();
    for (id, code) in children.sensitivities {
        let s = code.parse().map_err(|_| corrupt("sensitivity"))?;
        sensitivities.entry(id).or_default().insert(s);
    }
    let mut factors: BTreeMap<i64, BTreeSet<Factor>> = BTreeMap::new();
    for (id, text) in children.factors {
        let f = Factor::parse(&text).map_err(|_| corrupt("factor"))?;
        factors.entry(id).or_default().insert(f);
    }
    let mut done: BTreeMap<i64, Vec<DoneToday>> = BTreeMap::new();
    for (id, period, amount) in children.done {
        done.entry(id).or_default().push(DoneToday {
            period: PeriodId(period),
            amount,
        });
    }
    rows.into_iter()
        .map(|r| {
            Ok(CheckIn {
                date: date(&r.day)?,
                pain: nrs(r.pain)?,
                fatigue: nrs(r.fatigue)?,
                fog: nrs(r.fog)?,
                sleep_quality: nrs(r.sleep_quality)?,
                sleep_tenths: small(r.sleep_tenths, "sleep")?,
                bed_time: r.bed_time.as_deref().map(time).transpose()?,
                wake_time: r.wake_time.as_deref().map(time).transpose()?,
                mood: nrs(r.mood)?,
                stress: nrs(r.stress)?,
                sensitivity: nrs(r.sensitivity)?,
                sensitivities: sensitivities.remove(&r.id).unwrap_or_default(),
                activity_minutes: small(r.activity_minutes, "activity")?,
                flare: r.flare,
                pain_regions: regions.remove(&r.id).unwrap_or_default(),
                factors: factors.remove(&r.id).unwrap_or_default(),
                done_today: done.remove(&r.id).unwrap_or_default(),
                note: r.note,
            })
        })
        .collect()
}

// ----- Questionnaires and alerts --------------------------------------------------------------

/// `SELECT id, patient_id, instrument, day, completed_at, recorded_by FROM questionnaire_responses`
#[derive(sqlx::FromRow)]
pub(crate) struct QuestionnaireRow {
    pub id: i64,
    pub patient_id: i64,
    pub instrument: String,
    pub day: String,
    pub completed_at: i64,
    pub recorded_by: i64,
}

/// `SELECT response_id, item, value, code, loinc, answer_loinc FROM questionnaire_answers`,
/// ordered by response and position.
#[derive(sqlx::FromRow)]
pub(crate) struct AnswerRow {
    pub response_id: i64,
    pub item: String,
    pub value: Option<i64>,
    pub code: Option<String>,
    pub loinc: Option<String>,
    pub answer_loinc: Option<String>,
}

pub(crate) fn instrument(code: &str) -> StoreResult<Instrument> {
    code.parse().map_err(|_| corrupt("instrument"))
}

/// Puts responses and their answers back together, keeping the order of both.
pub(crate) fn assemble_questionnaires(
    rows: Vec<QuestionnaireRow>,
    answers: Vec<AnswerRow>,
) -> StoreResult<Vec<QuestionnaireResponse>> {
    let mut by_response: BTreeMap<i64, Vec<StoredAnswer>> = BTreeMap::new();
    for a in answers {
        by_response
            .entry(a.response_id)
            .or_default()
            .push(StoredAnswer {
                item: a.item,
                value: a.value,
                code: a.code,
                loinc: a.loinc,
                answer_loinc: a.answer_loinc,
            });
    }
    rows.into_iter()
        .map(|r| {
            Ok(QuestionnaireResponse {
                id: r.id,
                patient: UserId(r.patient_id),
                instrument: instrument(&r.instrument)?,
                date: date(&r.day)?,
                completed_at: instant(r.completed_at)?,
                recorded_by: UserId(r.recorded_by),
                answers: by_response.remove(&r.id).unwrap_or_default(),
            })
        })
        .collect()
}

/// The columns every alert read selects, joined with the patient's and acknowledger's names.
#[derive(sqlx::FromRow)]
pub(crate) struct AlertRow {
    pub id: i64,
    pub patient_id: i64,
    pub patient_name: String,
    pub kind: String,
    pub raised_at: i64,
    pub response_id: Option<i64>,
    pub item9_latest: Option<i64>,
    pub item9_latest_at: Option<i64>,
    pub item9_worst: Option<i64>,
    pub item9_worst_at: Option<i64>,
    pub acknowledged_by: Option<i64>,
    pub acknowledged_by_name: Option<String>,
    pub acknowledged_at: Option<i64>,
    pub acknowledgement_note: Option<String>,
}

/// `SELECT alert_id, item, value FROM alert_answers`, ordered by alert and position.
#[derive(sqlx::FromRow)]
pub(crate) struct AlertAnswerRow {
    pub alert_id: i64,
    pub item: String,
    pub value: i64,
}

/// `SELECT alert_id, reason, at FROM alert_escalations`, ordered by alert and time.
#[derive(sqlx::FromRow)]
pub(crate) struct EscalationRow {
    pub alert_id: i64,
    pub reason: String,
    pub at: i64,
}

fn item9(value: Option<i64>, at: Option<i64>) -> StoreResult<Option<(u8, Timestamp)>> {
    match (value, at) {
        (Some(v), Some(at)) => {
            let v = u8::try_from(v)
                .ok()
                .filter(|v| *v <= 3)
                .ok_or_else(|| corrupt("item 9 value"))?;
            Ok(Some((v, instant(at)?)))
        }
        (None, _) => Ok(None),
        (Some(_), None) => Err(corrupt("item 9 time")),
    }
}

/// Puts alerts together with their answers and escalations, keeping the alerts' order.
pub(crate) fn assemble_alerts(
    rows: Vec<AlertRow>,
    answers: Vec<AlertAnswerRow>,
    escalations: Vec<EscalationRow>,
) -> StoreResult<Vec<Alert>> {
    let mut answers_of: BTreeMap<i64, Vec<(String, i64)>> = BTreeMap::new();
    for a in answers {
        answers_of
            .entry(a.alert_id)
            .or_default()
            .push((a.item, a.value));
    }
    let mut escalations_of: BTreeMap<i64, Vec<Escalation>> = BTreeMap::new();
    for e in escalations {
        escalations_of
            .entry(e.alert_id)
            .or_default()
            .push(Escalation {
                reason: EscalationReason::from_code(&e.reason)
                    .ok_or_else(|| corrupt("escalation reason"))?,
                at: instant(e.at)?,
            });
    }
    rows.into_iter()
        .map(|r| {
            let id = r.id;
            let mut alert = r.into_alert()?;
            alert.answers = answers_of.remove(&id).unwrap_or_default();
            alert.escalations = escalations_of.remove(&id).unwrap_or_default();
            Ok(alert)
        })
        .collect()
}

fn alert_kind(code: &str) -> StoreResult<AlertKind> {
    [AlertKind::SelfHarm]
        .into_iter()
        .find(|k| k.code() == code)
        .ok_or_else(|| corrupt("alert kind"))
}

impl AlertRow {
    fn into_alert(self) -> StoreResult<Alert> {
        Ok(Alert {
            id: self.id,
            patient: UserId(self.patient_id),
            patient_name: self.patient_name,
            kind: alert_kind(&self.kind)?,
            raised_at: instant(self.raised_at)?,
            response: self.response_id,
            item9_latest: item9(self.item9_latest, self.item9_latest_at)?,
            item9_worst: item9(self.item9_worst, self.item9_worst_at)?,
            answers: Vec::new(),
            escalations: Vec::new(),
            acknowledged_by: self.acknowledged_by.map(UserId),
            acknowledged_by_name: self.acknowledged_by_name,
            acknowledged_at: instant_opt(self.acknowledged_at)?,
            acknowledgement_note: self.acknowledgement_note,
        })
    }
}

/// What the patient is told about who sees their alert, from two counts.
pub(crate) fn care_team_status(active: i64, clinic: i64) -> CareTeamStatus {
    CareTeamStatus {
        active_clinicians: u32::try_from(active).unwrap_or(0),
        clinic_clinicians: u32::try_from(clinic).unwrap_or(0),
    }
}

/// The clinic's settings from their row (the migration always writes one; a missing row reads as
/// the defaults).
pub(crate) fn clinic_settings(escalation_days: Option<i64>) -> StoreResult<ClinicSettings> {
    Ok(ClinicSettings {
        escalation_delay: match escalation_days {
            None => EscalationDelay::DEFAULT,
            Some(d) => EscalationDelay::working_days(d).map_err(|_| corrupt("escalation delay"))?,
        },
    })
}

// ----- Audit ----------------------------------------------------------------------------------

/// One audit entry joined with one of the patients it names (or none): entries come back once
/// for each patient, newest first, and are folded together by [`fold_audit`].
#[derive(sqlx::FromRow)]
pub(crate) struct AuditRow {
    pub id: i64,
    pub at: i64,
    pub actor_id: i64,
    pub actor_name: String,
    pub actor_role: String,
    pub action: String,
    pub subject_id: Option<i64>,
    pub patient_id: Option<i64>,
}

/// Folds the joined rows (ordered by entry) into entries, keeping their order.
pub(crate) fn fold_audit(rows: Vec<AuditRow>) -> StoreResult<Vec<AuditEntry>> {
    let mut entries: Vec<AuditEntry> = Vec::new();
    for row in rows {
        if let Some(last) = entries.last_mut()
            && last.id == row.id
        {
            last.patients.extend(row.patient_id.map(UserId));
            continue;
        }
        entries.push(AuditEntry {
            id: row.id,
            at: instant(row.at)?,
            actor: UserId(row.actor_id),
            actor_name: row.actor_name,
            actor_role: role(&row.actor_role)?,
            action: row.action,
            patients: row.patient_id.map(UserId).into_iter().collect(),
            subject: row.subject_id.map(UserId),
        });
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_times_are_kept_as_hours_and_minutes_unless_they_have_seconds() {
        assert_eq!(time_text(Time::constant(7, 5, 0, 0)), "07:05");
        assert_eq!(
            time(&time_text(Time::constant(7, 5, 0, 0))).unwrap(),
            Time::constant(7, 5, 0, 0)
        );
        let odd = Time::constant(23, 59, 30, 500_000_000);
        assert_eq!(time(&time_text(odd)).unwrap(), odd);
    }

    #[test]
    fn dates_are_iso_text() {
        let d = Date::constant(2026, 11, 24);
        assert_eq!(date_text(d), "2026-11-24");
        assert_eq!(date("2026-11-24").unwrap(), d);
    }
}
