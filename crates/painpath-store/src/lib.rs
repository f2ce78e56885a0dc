//! Everything painpath keeps, behind one narrow, object-safe interface: [`Store`].
//!
//! Two backends implement it, SQLite (embedded, the default) and PostgreSQL, and both pass the
//! same contract suite in `tests/it/contract.rs`. Each method is one use case and is atomic: all
//! of it happens or none of it does, and the audit entry it writes is in the same transaction.
//!
//! Access is decided here as well as at the edge: every call about a patient's record takes the
//! acting person ([`Actor`]), looks up the facts (a live care-team link), asks
//! [`painpath_core::access`], and answers [`StoreError::NotFound`] when the actor may not see the
//! record, so that nothing above this line can leak another person's data by forgetting a check.

mod failure;
mod postgres;
mod rows;
mod rules;
mod sqlite;

use jiff::Timestamp;
use jiff::civil::Date;
use painpath_core::access::Actor;
use painpath_core::diary::CheckIn;
use painpath_core::duty::{AcknowledgementNote, EscalationDelay, EscalationReason};
use painpath_core::instruments::Instrument;
use painpath_core::person::{PatientDetails, Role, UserId, Username};
use painpath_core::treatment::{NewPeriod, PeriodId, PeriodOutcome, PeriodSource, TreatmentPeriod};

pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

/// What went wrong in the store, in terms the caller can act on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The thing does not exist, or the actor may not know that it does.
    #[error("not found")]
    NotFound,
    /// The actor's role may never do this (a patient listing staff, an admin reading a diary).
    #[error("not allowed")]
    Forbidden,
    /// A uniqueness rule would be broken; the name says which (`username`).
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// A one-time link that has expired or was used already.
    #[error("the link has expired or has been used")]
    LinkUsed,
    /// The database could not be reached or failed; the detail is for the log only.
    #[error("database unavailable: {0}")]
    Unavailable(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// How a sign-in attempt counter names an account: `account:` and the username. A new password
/// (a reset, a recovery code) forgets that account's failed attempts, so the person can sign in
/// with it at once, whatever someone else tried before.
pub const ACCOUNT_ATTEMPT_KEY: &str = "account:";

/// An account, without its secrets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub id: UserId,
    pub username: Username,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    pub created_at: Timestamp,
}

/// An account with its password hash, only for signing in.
#[derive(Clone, Debug)]
pub struct Credentials {
    pub account: Account,
    /// The argon2id PHC string.
    pub password_hash: String,
}

/// A new account. The password hash is already made (argon2id) by the caller.
#[derive(Clone, Debug)]
pub struct NewAccount {
    pub username: Username,
    pub display_name: String,
    pub role: Role,
    pub password_hash: String,
    /// The SHA-256 hashes of the account's first recovery codes (a patient's), shown to them once.
    pub recovery_codes: Vec<String>,
}

/// What a one-time link is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkPurpose {
    /// Printed at first start: makes the first admin.
    FirstAdmin,
    /// A clinician's invitation: makes a patient account linked to that clinician's care team.
    PatientInvitation { clinician: UserId },
    /// Issued by staff: lets the account set a new password.
    PasswordReset { user: UserId },
}

/// A one-time link as stored: only the SHA-256 of its token is kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OneTimeLink {
    pub purpose: LinkPurpose,
    pub created_by: Option<UserId>,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub used_at: Option<Timestamp>,
    /// The role of the account a password reset is for (`None` for other links).
    pub subject_role: Option<Role>,
    /// Why a clinician made a patient's reset link.
    pub reason: Option<String>,
}

/// A password reset that someone at the clinic made for this account and that was used: the
/// patient is told at their next sign-in (issue 6, "Staff cannot become the patient").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffReset {
    pub issued_by_name: String,
    pub issued_by_role: Role,
    pub issued_at: Timestamp,
    pub used_at: Timestamp,
    pub reason: Option<String>,
}

/// A signed-in session. Only the SHA-256 of the cookie's token is stored.
#[derive(Clone, Debug)]
pub struct NewSession {
    pub token_hash: String,
    pub user: UserId,
    pub created_at: Timestamp,
    /// The session ends at this instant whatever happens.
    pub expires_at: Timestamp,
    /// The session also ends after this many seconds without a request.
    pub idle_seconds: i64,
    /// The CSRF token of this session (random, sent in forms, compared on every post).
    pub csrf_token: String,
}

/// A live session, as found from its token.
#[derive(Clone, Debug)]
pub struct Session {
    pub account: Account,
    pub csrf_token: String,
    pub expires_at: Timestamp,
}

/// An API token for a programmatic client, as listed to its owner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub created_at: Timestamp,
    pub expires_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
    pub last_used_at: Option<Timestamp>,
}

/// A care-team link (design.md 3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CareLink {
    pub id: i64,
    pub patient: UserId,
    pub patient_name: String,
    pub clinician: UserId,
    pub clinician_name: String,
    pub granted_by: UserId,
    pub granted_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
    /// Whether the clinician's account is active: a deactivated clinician's live link shows
    /// nothing to anyone, and the patient is told so.
    pub clinician_active: bool,
}

/// One row of a clinician's "my patients" list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatientSummary {
    pub id: UserId,
    pub display_name: String,
    pub date_of_birth: Option<Date>,
    pub last_check_in: Option<Date>,
    /// Care-team alerts of this patient not yet acknowledged.
    pub open_alerts: u32,
}

/// One audit entry (design.md 5).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: i64,
    pub at: Timestamp,
    pub actor: UserId,
    pub actor_name: String,
    pub actor_role: Role,
    /// What was done, as a short code (`diary.read`, `check_in.save`, `account.create`).
    pub action: String,
    /// Which patients' records were touched; empty for an aggregate report or a staff action.
    pub patients: Vec<UserId>,
    /// Which account the action was about, for account actions (`account.create`).
    pub subject: Option<UserId>,
}

/// How the pages should look for one person (design.md 15).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Preferences {
    /// The low-glare (dark) theme.
    pub low_glare: bool,
    /// Larger text.
    pub large_text: bool,
}

/// Whether a check-in save made a new day or replaced one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Saved {
    Created,
    Replaced,
}

/// One stored answer of a questionnaire: a number, or a body area's code for each area ticked on
/// the ACR pain map; with the item's and answer's LOINC codes when LOINC has them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredAnswer {
    /// painpath's item id (`phq9_9`, `acr_pain_map`).
    pub item: String,
    pub value: Option<i64>,
    pub code: Option<String>,
    pub loinc: Option<String>,
    pub answer_loinc: Option<String>,
}

/// A completed questionnaire to store. The caller has checked and scored it with the core.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewQuestionnaire {
    pub instrument: Instrument,
    /// The day it was completed, in Europe/London.
    pub date: Date,
    pub answers: Vec<StoredAnswer>,
    /// PHQ-9 item 9 as answered, for a PHQ-9: above 0 opens (or updates) a self-harm alert.
    pub item9: Option<Item9Signal>,
}

/// PHQ-9 item 9 (thoughts of being better off dead or of self-harm) as just answered, with the
/// answers given so far: what a self-harm alert carries for the clinician who acts on it.
///
/// Above 0 opens a self-harm alert, or updates the open one (its latest value, and its worst
/// when this is worse); 0 only updates the latest value of an alert already open, so that the
/// clinician sees "worst 3, latest 0" rather than an alert that silently closed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item9Signal {
    /// The answer, 0 to 3.
    pub value: u8,
    /// The PHQ-9 answers given so far, in item order: (item id, value).
    pub answers: Vec<(String, i64)>,
}

impl Item9Signal {
    pub fn is_risk(&self) -> bool {
        self.value > 0
    }
}

/// A stored questionnaire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuestionnaireResponse {
    pub id: i64,
    pub patient: UserId,
    pub instrument: Instrument,
    pub date: Date,
    pub completed_at: Timestamp,
    pub recorded_by: UserId,
    /// In the order they were stored.
    pub answers: Vec<StoredAnswer>,
}

/// What an alert is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlertKind {
    /// PHQ-9 item 9 (thoughts of being better off dead or of self-harm) answered above 0.
    SelfHarm,
}

impl AlertKind {
    /// The stored code (`self_harm`).
    pub fn code(self) -> &'static str {
        match self {
            AlertKind::SelfHarm => "self_harm",
        }
    }
}

/// An alert for a patient's care team; it stays open until a clinician acknowledges it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alert {
    pub id: i64,
    pub patient: UserId,
    pub patient_name: String,
    pub kind: AlertKind,
    pub raised_at: Timestamp,
    /// The questionnaire that raised it, once one was completed (a draft can raise it first).
    pub response: Option<i64>,
    /// PHQ-9 item 9's latest answer while the alert was open, and when it was given. `None` only
    /// for alerts raised from a draft before painpath kept the value.
    pub item9_latest: Option<(u8, Timestamp)>,
    /// PHQ-9 item 9's worst answer while the alert was open, and when it was first given.
    pub item9_worst: Option<(u8, Timestamp)>,
    /// The PHQ-9 answers given so far when the alert was last updated: (item id, value).
    pub answers: Vec<(String, i64)>,
    /// When the alert went to the clinic's duty list, and why, oldest first.
    pub escalations: Vec<Escalation>,
    pub acknowledged_by: Option<UserId>,
    pub acknowledged_by_name: Option<String>,
    pub acknowledged_at: Option<Timestamp>,
    /// What the clinician who acknowledged it did.
    pub acknowledgement_note: Option<String>,
}

/// An alert's move to the duty list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Escalation {
    pub reason: EscalationReason,
    pub at: Timestamp,
}

/// An open alert on the clinic's duty list, with what a clinician who does not know the patient
/// needs to act on it (issue 6): the patient's details, including how to reach them and their
/// emergency contact, and who was on their care team.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DutyAlert {
    pub alert: Alert,
    /// Why it is on the duty list now.
    pub reasons: Vec<EscalationReason>,
    /// When the care team should have acknowledged it (the clinic's escalation delay).
    pub due_at: Timestamp,
    pub details: PatientDetails,
    /// The clinicians with a live link to the patient: (name, whether active).
    pub clinicians: Vec<(String, bool)>,
    /// Whether the clinician reading the list is on the patient's care team (and so may open
    /// the record).
    pub viewer_linked: bool,
}

/// The clinic's own settings (one clinic per installation, design.md 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct ClinicSettings {
    /// After how long an unacknowledged alert goes to the duty list.
    pub escalation_delay: EscalationDelay,
}

/// Who would see a patient's alert in painpath now, as the patient is told it truthfully.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CareTeamStatus {
    /// Active clinicians with a live link to the patient.
    pub active_clinicians: u32,
    /// Active clinicians in the clinic who see this patient on the duty list: all of them but
    /// those the patient withdrew (revoked, with no live link).
    pub clinic_clinicians: u32,
}

impl CareTeamStatus {
    /// Where an alert raised now would go.
    pub fn audience(self) -> AlertAudience {
        if self.active_clinicians > 0 {
            AlertAudience::CareTeam
        } else if self.clinic_clinicians > 0 {
            AlertAudience::DutyList
        } else {
            AlertAudience::Nobody
        }
    }
}

/// Where a patient's alert goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlertAudience {
    /// Their own care team (and, if nobody acknowledges it in time, the duty list).
    CareTeam,
    /// The clinic's duty list: they have no active clinician, but the clinic has some.
    DutyList,
    /// Nobody in painpath: the clinic has no active clinician at all.
    Nobody,
}

/// What revoking a care-team link changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Revoked {
    /// The patient had an open alert and now has no active clinician: it went to the duty list,
    /// which some clinician can see.
    pub alert_to_duty_list: bool,
    /// The patient had an open alert and now nobody in painpath can see it: no active clinician
    /// is left but ones the patient removed.
    pub alert_seen_by_nobody: bool,
}

/// Everything painpath keeps. Each method is atomic. Both backends pass `tests/it/contract.rs`.
///
/// Methods that read or change a patient's record take the acting person, check access with
/// [`painpath_core::access`], answer [`StoreError::NotFound`] when it is refused, and write one
/// audit entry when the actor is not the patient.
#[async_trait::async_trait]
pub trait Store: Send + Sync {
    /// Answers once the database can be reached (for `/healthz`).
    async fn ping(&self) -> StoreResult<()>;

    // ----- Accounts -------------------------------------------------------------------------

    /// How many accounts exist; zero means the first-admin link is needed.
    async fn count_accounts(&self) -> StoreResult<u64>;

    /// Creates an account. `by` is `None` only for the command line (`painpath user add`) and the
    /// demo; otherwise it must be an admin (staff) and the creation is audited.
    /// A taken username is `Conflict("username")`.
    async fn create_account(&self, by: Option<&Actor>, new: &NewAccount) -> StoreResult<UserId>;

    /// The account and password hash for a username, for signing in (active or not).
    async fn credentials(&self, username: &Username) -> StoreResult<Option<Credentials>>;

    /// One account. Anyone may see their own; admins any; clinicians their patients (audited).
    async fn account(&self, by: &Actor, id: UserId) -> StoreResult<Account>;

    /// Every account, for the admin pages. Admins only.
    async fn accounts(&self, by: &Actor) -> StoreResult<Vec<Account>>;

    /// Deactivates or reactivates an account and ends its sessions. Admins only; audited.
    /// Accounts are never deleted (design.md 2). Deactivating a clinician sends the open alerts of
    /// every patient left with no active clinician to the duty list (recording the escalation)
    /// and answers how many patients that left without one; otherwise the answer is 0.
    async fn set_account_active(&self, by: &Actor, id: UserId, active: bool) -> StoreResult<u32>;

    /// Changes the actor's own password (the caller has checked the old one), ends every other
    /// session of theirs except `keep_session` (a token hash), and revokes every API token.
    async fn change_own_password(
        &self,
        by: &Actor,
        password_hash: &str,
        keep_session: Option<&str>,
    ) -> StoreResult<()>;

    // ----- One-time links -------------------------------------------------------------------

    /// Stores a one-time link. `by` is `None` only for the command line: the first-admin link
    /// (which is never made by someone signed in) and `painpath user add`. A patient
    /// invitation may only be made by a clinician for themselves. A password reset is made by an
    /// admin for a staff account, or by a clinician with a live link for their patient with a
    /// `reason` (required); an admin never makes one for a patient, who resets with their own
    /// recovery codes or through their clinician (issue 6). Audited when `by` is someone, as an
    /// access to the patient's record for a patient's reset. Any other combination is
    /// `Forbidden`, except a reset for someone outside a clinician's care team, which is
    /// `NotFound`.
    async fn create_link(
        &self,
        by: Option<&Actor>,
        token_hash: &str,
        purpose: LinkPurpose,
        expires_at: Timestamp,
        reason: Option<&str>,
    ) -> StoreResult<()>;

    /// The link for a token hash, used or not; `None` when there is no such link.
    async fn link(&self, token_hash: &str) -> StoreResult<Option<OneTimeLink>>;

    /// Redeems a first-admin or invitation link: creates the account (admin or patient), the
    /// care-team link for an invitation (granted by the inviting clinician), and marks the link
    /// used, all at once. `LinkUsed` when it has expired or was used; a first-admin link is also
    /// refused once any admin exists, and an invitation once its clinician is deactivated. The
    /// link, not `new.role`, decides the role. An unknown or password-reset token is `NotFound`.
    async fn redeem_account_link(
        &self,
        token_hash: &str,
        now: Timestamp,
        new: &NewAccount,
    ) -> StoreResult<UserId>;

    /// Redeems a password-reset link: sets the password, ends every session and revokes every API
    /// token of that account, forgets its failed sign-ins, expires its other reset links, and
    /// marks the link used. `LinkUsed` when it has expired or was
    /// used. `by` is whoever is signed in while redeeming it: a member of staff may never redeem
    /// a patient's reset (`Forbidden`), so that staff cannot sign in as the patient.
    async fn redeem_password_reset(
        &self,
        by: Option<&Actor>,
        token_hash: &str,
        now: Timestamp,
        password_hash: &str,
    ) -> StoreResult<UserId>;

    /// Staff-issued password resets of the actor's own account used since `since`, newest first.
    async fn staff_resets(&self, by: &Actor, since: Timestamp) -> StoreResult<Vec<StaffReset>>;

    // ----- Recovery codes -------------------------------------------------------------------

    /// Replaces the actor's unused recovery codes with new ones (their SHA-256 hashes).
    async fn replace_recovery_codes(&self, by: &Actor, code_hashes: &[String]) -> StoreResult<()>;

    /// How many unused recovery codes the actor has, and when the newest were made.
    async fn recovery_codes_left(&self, by: &Actor) -> StoreResult<(u32, Option<Timestamp>)>;

    /// Uses one recovery code of the named account: sets the new password, marks the code used,
    /// ends every session, revokes every API token, expires outstanding reset links and forgets
    /// the account's failed sign-ins, all at once. `NotFound` when the account
    /// has no such unused code, or is deactivated.
    async fn redeem_recovery_code(
        &self,
        username: &Username,
        code_hash: &str,
        now: Timestamp,
        password_hash: &str,
    ) -> StoreResult<UserId>;

    // ----- Sessions, sign-in attempts, API tokens -------------------------------------------

    async fn create_session(&self, session: &NewSession) -> StoreResult<()>;

    /// The live session for a token hash, if it has neither expired nor idled out at `now`, and
    /// its account is active; it also records `now` as the session's last use when the recorded
    /// one is more than a minute older (so a session idles out up to a minute early, never late).
    async fn session(&self, token_hash: &str, now: Timestamp) -> StoreResult<Option<Session>>;

    /// Ends one session (sign-out). Ending a session that does not exist is not an error.
    async fn end_session(&self, token_hash: &str) -> StoreResult<()>;

    /// Reserves one sign-in attempt against each key (`account:NAME`, `address:IP`), before the
    /// password is checked, unless any key already has `limit` attempts since `since`: then
    /// nothing is recorded and the answer is `None`. Atomic across concurrent calls and servers,
    /// so that no burst of attempts gets more than the limit judged. The answer names the rows
    /// recorded, for [`Store::release_sign_in`].
    async fn reserve_sign_in(
        &self,
        keys: &[(&str, u32)],
        since: Timestamp,
        at: Timestamp,
    ) -> StoreResult<Option<Vec<i64>>>;

    /// Takes back reserved attempts: a sign-in that succeeded (for the address) or was never
    /// judged (the server was too busy).
    async fn release_sign_in(&self, reserved: &[i64]) -> StoreResult<()>;

    /// Forgets every attempt against a key after a successful sign-in.
    async fn clear_failed_sign_ins(&self, key: &str) -> StoreResult<()>;

    /// Creates an API token for the actor; returns its id.
    async fn create_api_token(
        &self,
        by: &Actor,
        token_hash: &str,
        name: &str,
        expires_at: Option<Timestamp>,
    ) -> StoreResult<i64>;

    /// The account an API token acts for, if it is live at `now`; records `now` as its last use
    /// when the recorded one is more than a minute older.
    async fn api_token_account(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> StoreResult<Option<Account>>;

    /// The actor's own API tokens.
    async fn api_tokens(&self, by: &Actor) -> StoreResult<Vec<ApiToken>>;

    /// Revokes one of the actor's own API tokens.
    async fn revoke_api_token(&self, by: &Actor, id: i64, at: Timestamp) -> StoreResult<()>;

    // ----- Care team ------------------------------------------------------------------------

    /// Links a patient to a clinician. Admins only; audited. A live link already there is
    /// `Conflict("care_link")`.
    async fn link_care_team(
        &self,
        by: &Actor,
        patient: UserId,
        clinician: UserId,
    ) -> StoreResult<i64>;

    /// Every care-team link of a patient, live and revoked, oldest first, for the patient
    /// themselves, or for an admin, who manages the links (audited).
    async fn care_links(&self, by: &Actor, patient: UserId) -> StoreResult<Vec<CareLink>>;

    /// Revokes a link. The patient of the link, or an admin. Revoking twice is not an error.
    /// When it leaves the patient with an open alert and no active clinician, the alert goes to
    /// the duty list (the escalation is recorded), and the answer says so.
    async fn revoke_care_link(&self, by: &Actor, link: i64, at: Timestamp) -> StoreResult<Revoked>;

    /// A clinician's patients: those with a live link to them. Audited as one entry naming them.
    async fn my_patients(&self, by: &Actor) -> StoreResult<Vec<PatientSummary>>;

    /// How many active clinicians are linked to the patient, and in the clinic: what the patient
    /// is told about who sees their alert. The patient themselves only.
    async fn care_team_status(&self, by: &Actor, patient: UserId) -> StoreResult<CareTeamStatus>;

    /// Patients with no active clinician linked (names only, no health data), for an admin to
    /// link them to someone. Admins only.
    async fn patients_without_clinician(&self, by: &Actor) -> StoreResult<Vec<(UserId, String)>>;

    // ----- Patient details and preferences --------------------------------------------------

    async fn patient_details(&self, by: &Actor, patient: UserId) -> StoreResult<PatientDetails>;

    /// The patient or their care team may change details; audited when not the patient.
    async fn save_patient_details(
        &self,
        by: &Actor,
        patient: UserId,
        details: &PatientDetails,
    ) -> StoreResult<()>;

    /// The actor's own display preferences.
    async fn preferences(&self, by: &Actor) -> StoreResult<Preferences>;

    async fn save_preferences(&self, by: &Actor, preferences: Preferences) -> StoreResult<()>;

    // ----- Diary ----------------------------------------------------------------------------

    /// Saves one day's check-in for the patient, replacing any earlier one for the same date.
    /// Only the patient may write their diary. Every `done_today` period must be the patient's.
    async fn save_check_in(
        &self,
        by: &Actor,
        patient: UserId,
        check_in: &CheckIn,
    ) -> StoreResult<Saved>;

    /// One day's check-in, if there is one.
    async fn check_in(
        &self,
        by: &Actor,
        patient: UserId,
        date: Date,
    ) -> StoreResult<Option<CheckIn>>;

    /// The check-ins from `from` to `to` inclusive, oldest first.
    async fn diary(
        &self,
        by: &Actor,
        patient: UserId,
        from: Date,
        to: Date,
    ) -> StoreResult<Vec<CheckIn>>;

    /// Deletes one day's check-in; `NotFound` if there was none. Only the patient.
    async fn delete_check_in(&self, by: &Actor, patient: UserId, date: Date) -> StoreResult<()>;

    // ----- Treatment periods ----------------------------------------------------------------

    /// Every period of the patient, open ones first, then by start, newest first.
    async fn treatment_periods(
        &self,
        by: &Actor,
        patient: UserId,
    ) -> StoreResult<Vec<TreatmentPeriod>>;

    /// Starts (or records a past) period. The patient (source `self`) or a clinician on their
    /// care team (source `clinician`).
    async fn add_treatment_period(
        &self,
        by: &Actor,
        patient: UserId,
        period: &NewPeriod,
        source: PeriodSource,
    ) -> StoreResult<PeriodId>;

    /// Ends an open period with its outcome. `NotFound` for someone else's period; ending an
    /// ended period is `Conflict("period_ended")`.
    async fn end_treatment_period(
        &self,
        by: &Actor,
        patient: UserId,
        period: PeriodId,
        end: Date,
        outcome: PeriodOutcome,
    ) -> StoreResult<()>;

    // ----- Questionnaires and alerts --------------------------------------------------------

    /// Stores a completed questionnaire and its answers. The patient (self-report) or a clinician
    /// on their care team (administered in clinic; `recorded_by` is the actor); audited when not
    /// the patient. In the same transaction: the patient's draft of that instrument is deleted,
    /// and `item9` opens or updates the self-harm alert as [`Item9Signal`] says (an open alert is
    /// linked to this response if it had none). An alert opened for a patient with no active
    /// clinician goes to the duty list at once. Returns the response's id.
    async fn save_questionnaire(
        &self,
        by: &Actor,
        patient: UserId,
        q: &NewQuestionnaire,
    ) -> StoreResult<i64>;

    /// The patient's questionnaires, oldest first, all instruments or one. The patient or their
    /// care team (audited).
    async fn questionnaires(
        &self,
        by: &Actor,
        patient: UserId,
        instrument: Option<Instrument>,
    ) -> StoreResult<Vec<QuestionnaireResponse>>;

    /// Keeps a half-finished questionnaire (opaque text: the web layer's form fields) so the
    /// patient can come back to it; replaces any earlier draft of that instrument. The patient
    /// only. `item9` opens or updates the self-harm alert as `save_questionnaire` does (the
    /// answer is a signal the moment it is given, finished or not).
    async fn save_questionnaire_draft(
        &self,
        by: &Actor,
        patient: UserId,
        instrument: Instrument,
        fields: &str,
        item9: Option<&Item9Signal>,
    ) -> StoreResult<()>;

    /// The patient's draft of an instrument, if any. The patient only.
    async fn questionnaire_draft(
        &self,
        by: &Actor,
        patient: UserId,
        instrument: Instrument,
    ) -> StoreResult<Option<String>>;

    /// Unacknowledged alerts of every patient with a live care-team link to the clinician, newest
    /// first. Clinicians only (others: Forbidden). One audit entry naming those patients, when
    /// there are any.
    async fn open_alerts(&self, by: &Actor) -> StoreResult<Vec<Alert>>;

    /// Every alert of one patient, newest first: the patient or their care team (audited).
    async fn patient_alerts(&self, by: &Actor, patient: UserId) -> StoreResult<Vec<Alert>>;

    /// Records who acknowledged an alert, when, and their note of what was done. A clinician
    /// with a live link to the alert's patient, or any clinician while the alert is on the duty
    /// list at `at`; anyone else gets NotFound. Already acknowledged:
    /// Conflict("alert_acknowledged"). `seen` is when the answer the clinician saw as the latest
    /// was given: if a newer answer has arrived since, nothing is recorded and the answer is
    /// Conflict("alert_changed"), so that nobody closes an alert on a worse answer they never
    /// saw. Audited.
    async fn acknowledge_alert(
        &self,
        by: &Actor,
        alert: i64,
        at: Timestamp,
        note: &AcknowledgementNote,
        seen: Option<Timestamp>,
    ) -> StoreResult<()>;

    /// How many open alerts the clinician's own patients have: a number, for their home page.
    async fn open_alert_count(&self, by: &Actor) -> StoreResult<u32>;

    /// The clinic's duty list at `now`: every open alert whose patient has no active clinician,
    /// that nobody acknowledged within the clinic's escalation delay, or that was escalated
    /// earlier; oldest first. Every clinician of the clinic, linked or not (others: Forbidden),
    /// except that a clinician the patient withdrew (a revoked link and no live one) does not see
    /// that patient's alert. One audit entry naming those patients, when there are any.
    async fn duty_list(&self, by: &Actor, now: Timestamp) -> StoreResult<Vec<DutyAlert>>;

    /// How many alerts are on the duty list at `now`: a number only, for the menu. Clinicians.
    async fn duty_count(&self, by: &Actor, now: Timestamp) -> StoreResult<u32>;

    /// Records the escalation of every open alert that became overdue by `now` and has not been
    /// recorded as overdue yet; answers how many were recorded. Run by the server every minute,
    /// so that the record says when an alert went to the duty list. (Whether an alert is on the
    /// duty list never waits for this: it is worked out when the list is read.)
    async fn record_overdue_escalations(&self, now: Timestamp) -> StoreResult<u32>;

    // ----- The clinic -----------------------------------------------------------------------

    /// The clinic's settings; anyone signed in may read them (they hold no personal data).
    async fn clinic_settings(&self) -> StoreResult<ClinicSettings>;

    /// Changes the clinic's settings. Admins only; audited.
    async fn save_clinic_settings(&self, by: &Actor, settings: ClinicSettings) -> StoreResult<()>;

    // ----- Audit ----------------------------------------------------------------------------

    /// The newest audit entries of staff actions (actor is an admin or clinician), newest first,
    /// at most `limit`. Admins only.
    async fn staff_audit(&self, by: &Actor, limit: u32) -> StoreResult<Vec<AuditEntry>>;

    /// Every audit entry naming a patient, newest first (for the contract suite and, later, the
    /// patient's "who looked at my record" page). The patient themselves, or an admin (whose
    /// read is itself audited, after the list is read).
    async fn audit_for_patient(&self, by: &Actor, patient: UserId) -> StoreResult<Vec<AuditEntry>>;
}
