//! The server backend: PostgreSQL, for installations that run several painpath servers or want
//! the database on its own machine.
//!
//! Calls run in PostgreSQL's default READ COMMITTED transactions. Where two concurrent calls
//! could both act on the same row, the SQL is written so that the database decides: a one-time
//! link is claimed by `UPDATE … WHERE used_at IS NULL` (the second claimant waits for the first
//! to commit and then finds the row used), as is an alert's acknowledgement, a check-in by
//! `INSERT … ON CONFLICT`, as is a questionnaire draft and the one open alert of a kind, and a
//! second live care-team link is refused by a partial unique index.
//!
//! Most calls are a transaction on a connection from sqlx's pool. The few statements that nearly
//! every request makes (finding the caller, reading their treatment periods for the check-in
//! form, writing a new diary day) are single statements that commit on their own, and run on the
//! [`Lane`], connections that skip the pool's round trip per call; new days of concurrent calls
//! are written together, one statement for many ([`NewDays`]). Both were measured, and why they
//! are built as they are is in their comments.
//!
//! The SQL here has a SQLite twin in `sqlite.rs`. They are written twice on purpose rather than
//! abstracted over dialects; the contract suite keeps them in step. The decisions about access
//! and audit are not written twice: both backends ask [`crate::rules`].

use std::collections::{BTreeSet, HashSet};
use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use jiff::Timestamp;
use jiff::civil::Date;
use painpath_core::access::Actor;
use painpath_core::diary::CheckIn;
use painpath_core::duty::{self, AcknowledgementNote, EscalationReason};
use painpath_core::instruments::Instrument;
use painpath_core::person::{PatientDetails, Role, UserId, Username};
use painpath_core::treatment::{NewPeriod, PeriodId, PeriodOutcome, PeriodSource, TreatmentPeriod};
use sqlx::migrate::Migrator;
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnection, PgPool, PgPoolOptions};
use sqlx::{Connection, Postgres, Transaction};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc, oneshot};

use crate::failure::{self, Db};
use crate::rows::{
    self, AccountRow, AlertAnswerRow, AlertRow, AnswerRow, ApiTokenAccountRow, ApiTokenRow,
    AuditRow, CareLinkRow, CheckInChildren, CheckInColumns, CheckInLists, CheckInRow,
    CredentialsRow, DetailsColumns, DetailsRow, EscalationRow, LinkRow, PatientSummaryRow,
    PeriodRow, QuestionnaireRow, SessionRow, StaffResetRow, millis,
};
use crate::rules::{self, Audit};
use crate::{
    Account, Alert, AlertKind, ApiToken, AuditEntry, CareLink, CareTeamStatus, ClinicSettings,
    Credentials, DutyAlert, Item9Signal, LinkPurpose, NewAccount, NewQuestionnaire, NewSession,
    OneTimeLink, PatientSummary, Preferences, QuestionnaireResponse, Revoked, Saved, Session,
    StaffReset, Store, StoreError, StoreResult,
};

static MIGRATOR: Migrator = sqlx::migrate!("./migrations/postgres");

/// Connections per server; several servers may share one PostgreSQL (design.md 7), whose
/// default limit is 100 connections in all. The [`Lane`] takes its connections from these.
const MAX_CONNECTIONS: u32 = 10;

/// How many of the pool's connections the [`Lane`] may hold at once; the rest are always left to
/// the other calls (transactions, admin pages).
const LANE_CONNECTIONS: usize = 6;

/// A connection idle for this long is pinged before use: only a connection that has sat idle
/// for a while can have been cut off unnoticed (a restarted server, a dropped network link).
const PING_AFTER_IDLE: Duration = Duration::from_secs(1);

/// A connection goes back to sqlx's pool after this long in the [`Lane`], so that the pool's own
/// upkeep (its connection lifetime and idle limits) still reaches it.
const LANE_STAY: Duration = Duration::from_secs(300);

/// How long a call waits for a connection before giving up as `Unavailable` (sqlx's default).
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(30);

/// The advisory lock that lets only one first admin be made ("pain" in ASCII).
const FIRST_ADMIN_LOCK: i64 = 0x7061_696e;

/// The advisory lock taken by every change that decides whether an alert lands with nobody:
/// deactivating an account, revoking a care-team link, and opening or updating an alert ("care").
/// Under READ COMMITTED, two deactivations at once would each still see the other clinician as
/// active, and neither would send their shared patient's alert to the duty list; taking turns
/// makes each see what the other did. These changes are rare, so one lock for all costs nothing.
const CARE_TEAM_LOCK: i64 = 0x6361_7265;

async fn lock_care_teams(conn: &mut PgConnection) -> StoreResult<()> {
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(CARE_TEAM_LOCK)
        .execute(conn)
        .await
        .db()?;
    Ok(())
}

/// painpath's store in a PostgreSQL database. Cheap to clone: clones share one connection pool,
/// its [`Lane`] and the [`NewDays`] writers.
#[derive(Clone, Debug)]
pub struct PostgresStore {
    pool: PgPool,
    lane: Arc<Lane>,
    new_days: NewDays,
}

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://user:password@host:5432/painpath`) and
    /// brings its schema up to date. The database must exist; it is not created here, so that a
    /// mistyped name is an error rather than a new, empty clinic. Several servers starting at
    /// once is safe: sqlx takes an advisory lock while it migrates.
    pub async fn connect(url: &str) -> StoreResult<PostgresStore> {
        let pool = PgPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            // sqlx pings every connection it hands out, a round trip more per call; here only a
            // connection that has been idle a while is pinged (it still pings every connection
            // given back, which is what the `Lane` avoids).
            .test_before_acquire(false)
            .before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for >= PING_AFTER_IDLE {
                        conn.ping().await?;
                    }
                    Ok(true)
                })
            })
            .connect(url)
            .await
            .db()?;
        MIGRATOR.run(&pool).await.map_err(failure::migration)?;
        let lane = Arc::new(Lane {
            pool: pool.clone(),
            parked: Mutex::new(Vec::with_capacity(LANE_CONNECTIONS)),
            permits: Arc::new(Semaphore::new(LANE_CONNECTIONS)),
        });
        let new_days = NewDays::start(Arc::clone(&lane));
        Ok(PostgresStore {
            pool,
            lane,
            new_days,
        })
    }

    async fn begin(&self) -> StoreResult<Transaction<'static, Postgres>> {
        self.pool.begin().await.db()
    }
}

// ----- The lane: connections for the statements every request makes -------------------------

/// Connections kept out of sqlx's pool for the single statements that nearly every request makes:
/// finding the caller from their token or session, reading their own treatment periods (the
/// check-in form needs them), and writing new diary days ([`NewDays`]).
///
/// **Why.** sqlx's pool pings each connection as it is given back (and, by default, as it is
/// handed out), so every pooled statement cost two or three round trips to the server instead of
/// one. PostgreSQL on the bench machine is CPU-bound, and a round trip is two system calls and
/// two wake-ups on each side; painpath-bench measured check-ins at 31 % of raw inserts with every
/// statement pooled and 39 % with these statements on the lane (docs/performance.md).
///
/// **How.** A [`LaneConn`] is a connection taken from the pool and parked here again when the
/// statement has run to its end (`ReadyForQuery` read, so nothing is pending and no transaction is
/// open: these are single statements in autocommit). A connection whose statement failed, or
/// whose call was cancelled halfway, is never parked: it is dropped, and so goes back to sqlx's
/// pool, which pings it (finishing or discarding whatever was left half-done) as it always does.
/// A parked connection idle for [`PING_AFTER_IDLE`] is pinged before use, and one that has been
/// in the lane for [`LANE_STAY`] goes back to the pool. At most [`LANE_CONNECTIONS`] of the
/// pool's connections are in the lane, in use or parked.
struct Lane {
    pool: PgPool,
    parked: Mutex<Vec<Parked>>,
    permits: Arc<Semaphore>,
}

impl std::fmt::Debug for Lane {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lane").finish_non_exhaustive()
    }
}

/// A connection resting in the lane.
struct Parked {
    conn: PoolConnection<Postgres>,
    /// When it came into the lane.
    taken: Instant,
    /// When it was last parked.
    since: Instant,
}

/// A connection of the lane in use. [`LaneConn::park`] it when its statement has succeeded;
/// dropped any other way, it goes back to sqlx's pool.
struct LaneConn {
    conn: Option<PoolConnection<Postgres>>,
    taken: Instant,
    lane: Arc<Lane>,
    _permit: OwnedSemaphorePermit,
}

impl Lane {
    /// A connection for one statement: a parked one if there is one, else one from the pool.
    async fn conn(self: &Arc<Lane>) -> StoreResult<LaneConn> {
        let permit =
            tokio::time::timeout(ACQUIRE_TIMEOUT, Arc::clone(&self.permits).acquire_owned())
                .await
                .map_err(|_| StoreError::Unavailable("no PostgreSQL connection came free".into()))?
                .map_err(|_| StoreError::Unavailable("the connection lane is closed".into()))?;
        loop {
            let parked = self.lock().pop();
            let Some(mut parked) = parked else {
                let conn = self.pool.acquire().await.db()?;
                return Ok(self.lend(conn, Instant::now(), permit));
            };
            if parked.since.elapsed() < PING_AFTER_IDLE || parked.conn.ping().await.is_ok() {
                return Ok(self.lend(parked.conn, parked.taken, permit));
            }
            // A connection that does not answer is dropped (sqlx closes it); try the next.
        }
    }

    fn lend(
        self: &Arc<Lane>,
        conn: PoolConnection<Postgres>,
        taken: Instant,
        permit: OwnedSemaphorePermit,
    ) -> LaneConn {
        LaneConn {
            conn: Some(conn),
            taken,
            lane: Arc::clone(self),
            _permit: permit,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Parked>> {
        // The list stays sound whatever a panicking holder was doing: pushes and pops only.
        self.parked.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl LaneConn {
    /// Parks the connection for the next statement: only after a statement that ran to its end.
    fn park(mut self) {
        if let Some(conn) = self.conn.take()
            && self.taken.elapsed() < LANE_STAY
        {
            self.lane.lock().push(Parked {
                conn,
                taken: self.taken,
                since: Instant::now(),
            });
        }
        // Otherwise the connection drops here, back into sqlx's pool.
    }
}

impl Deref for LaneConn {
    type Target = PgConnection;

    fn deref(&self) -> &PgConnection {
        // Present from `Lane::lend` until `park` or drop, both of which end the `LaneConn`.
        self.conn
            .as_ref()
            .expect("a lane connection is present until parked")
    }
}

impl DerefMut for LaneConn {
    fn deref_mut(&mut self) -> &mut PgConnection {
        self.conn
            .as_mut()
            .expect("a lane connection is present until parked")
    }
}

/// Runs one statement on a lane connection and parks the connection if the statement succeeded.
macro_rules! on_lane {
    ($store:expr, |$conn:ident| $statement:expr) => {{
        let mut lane_conn = $store.lane.conn().await?;
        let $conn: &mut PgConnection = &mut lane_conn;
        let result = $statement;
        if result.is_ok() {
            lane_conn.park();
        }
        result
    }};
}

// ----- Facts and writes shared by several calls -----------------------------------------------

/// Whether a live care-team link joins the actor to the patient; only looked up when the actor's
/// standing can depend on it.
async fn live_link(conn: &mut PgConnection, by: &Actor, patient: UserId) -> StoreResult<bool> {
    if !rules::link_matters(by) {
        return Ok(false);
    }
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM care_links \
         WHERE patient_id = $1 AND clinician_id = $2 AND revoked_at IS NULL)",
    )
    .bind(patient.0)
    .bind(by.user.0)
    .fetch_one(conn)
    .await
    .db()
}

async fn write_audit(conn: &mut PgConnection, by: &Actor, audit: Option<Audit>) -> StoreResult<()> {
    let Some(audit) = audit else {
        return Ok(());
    };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO audit (at, actor_id, actor_role, action, subject_id) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(millis(rows::now()))
    .bind(by.user.0)
    .bind(by.role.code())
    .bind(audit.action)
    .bind(audit.subject.map(|s| s.0))
    .fetch_one(&mut *conn)
    .await
    .db()?;
    let patients: BTreeSet<UserId> = audit.patients.into_iter().collect();
    for patient in patients {
        sqlx::query("INSERT INTO audit_patients (audit_id, patient_id) VALUES ($1, $2)")
            .bind(id)
            .bind(patient.0)
            .execute(&mut *conn)
            .await
            .db()?;
    }
    Ok(())
}

async fn account_row(conn: &mut PgConnection, id: UserId) -> StoreResult<Option<AccountRow>> {
    sqlx::query_as(
        "SELECT id, username, display_name, role, active, created_at FROM accounts WHERE id = $1",
    )
    .bind(id.0)
    .fetch_optional(conn)
    .await
    .db()
}

/// An account's role, or `NotFound` when there is no such account.
async fn role_of(conn: &mut PgConnection, id: UserId) -> StoreResult<Role> {
    let row = account_row(conn, id).await?.ok_or(StoreError::NotFound)?;
    rows::role(&row.role)
}

async fn insert_account(
    conn: &mut PgConnection,
    new: &NewAccount,
    role: Role,
) -> StoreResult<UserId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO accounts (username, display_name, role, password_hash, active, created_at) \
         VALUES ($1, $2, $3, $4, TRUE, $5) RETURNING id",
    )
    .bind(new.username.as_str())
    .bind(&new.display_name)
    .bind(role.code())
    .bind(&new.password_hash)
    .bind(millis(rows::now()))
    .fetch_one(&mut *conn)
    .await
    .conflict("username")?;
    let id = UserId(id);
    insert_recovery_codes(&mut *conn, id, &new.recovery_codes).await?;
    Ok(id)
}

/// Stores an account's recovery codes (their hashes).
async fn insert_recovery_codes(
    conn: &mut PgConnection,
    user: UserId,
    code_hashes: &[String],
) -> StoreResult<()> {
    for hash in code_hashes {
        sqlx::query(
            "INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES ($1, $2, $3)",
        )
        .bind(user.0)
        .bind(hash)
        .bind(millis(rows::now()))
        .execute(&mut *conn)
        .await
        .conflict("recovery_code")?;
    }
    Ok(())
}

/// Ends every API token of an account: a new password is how someone takes their account
/// back, and tokens made before it, perhaps by whoever had the password, stop working too.
async fn revoke_tokens_of(conn: &mut PgConnection, user: UserId, at: Timestamp) -> StoreResult<()> {
    sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
        .bind(millis(at))
        .bind(user.0)
        .execute(&mut *conn)
        .await
        .db()?;
    // Any other reset link for the account stops working too: whoever holds one cannot undo
    // the new password. It is expired, not marked used, so it is never reported as a reset.
    sqlx::query(
        "UPDATE one_time_links SET expires_at = $1 WHERE purpose = 'password_reset' \
         AND subject_id = $2 AND used_at IS NULL AND expires_at > $1",
    )
    .bind(millis(at))
    .bind(user.0)
    .execute(conn)
    .await
    .db()?;
    Ok(())
}

/// Forgets an account's failed sign-ins (`account:USERNAME`, [`crate::ACCOUNT_ATTEMPT_KEY`]):
/// its password has just been set anew.
async fn clear_failures_of(conn: &mut PgConnection, user: UserId) -> StoreResult<()> {
    sqlx::query(
        "DELETE FROM sign_in_failures WHERE attempt_key = \
         (SELECT $1 || username FROM accounts WHERE id = $2)",
    )
    .bind(crate::ACCOUNT_ATTEMPT_KEY)
    .bind(user.0)
    .execute(conn)
    .await
    .db()?;
    Ok(())
}

async fn end_sessions_of(conn: &mut PgConnection, user: UserId) -> StoreResult<()> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user.0)
        .execute(conn)
        .await
        .db()?;
    Ok(())
}

async fn link_row(conn: &mut PgConnection, token_hash: &str) -> StoreResult<Option<LinkRow>> {
    sqlx::query_as(
        "SELECT l.purpose, l.subject_id, l.created_by, l.created_at, l.expires_at, l.used_at, \
         l.reason, s.role AS subject_role \
         FROM one_time_links l LEFT JOIN accounts s ON s.id = l.subject_id \
         AND l.purpose = 'password_reset' \
         WHERE l.token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(conn)
    .await
    .db()
}

/// Marks a link used, unless another call got there first; `LinkUsed` then.
async fn claim_link(conn: &mut PgConnection, token_hash: &str, now: Timestamp) -> StoreResult<()> {
    let done = sqlx::query(
        "UPDATE one_time_links SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL",
    )
    .bind(millis(now))
    .bind(token_hash)
    .execute(conn)
    .await
    .db()?;
    if done.rows_affected() == 1 {
        Ok(())
    } else {
        Err(StoreError::LinkUsed)
    }
}

/// One patient's check-ins from `from` to `to` inclusive, oldest first, with their children.
async fn load_check_ins(
    conn: &mut PgConnection,
    patient: UserId,
    from: Date,
    to: Date,
) -> StoreResult<Vec<CheckIn>> {
    let (from, to) = (rows::date_text(from), rows::date_text(to));
    let days: Vec<CheckInRow> = sqlx::query_as(
        "SELECT id, day, pain, fatigue, fog, sleep_quality, sleep_tenths, bed_time, wake_time, \
         mood, stress, sensitivity, activity_minutes, flare, note \
         FROM check_ins WHERE patient_id = $1 AND day BETWEEN $2 AND $3 ORDER BY day",
    )
    .bind(patient.0)
    .bind(&from)
    .bind(&to)
    .fetch_all(&mut *conn)
    .await
    .db()?;
    if days.is_empty() {
        return Ok(Vec::new());
    }
    let regions = sqlx::query_as(
        "SELECT x.check_in_id, x.region FROM check_in_regions x \
         JOIN check_ins c ON c.id = x.check_in_id \
         WHERE c.patient_id = $1 AND c.day BETWEEN $2 AND $3",
    )
    .bind(patient.0)
    .bind(&from)
    .bind(&to)
    .fetch_all(&mut *conn)
    .await
    .db()?;
    let sensitivities = sqlx::query_as(
        "SELECT x.check_in_id, x.sensitivity FROM check_in_sensitivities x \
         JOIN check_ins c ON c.id = x.check_in_id \
         WHERE c.patient_id = $1 AND c.day BETWEEN $2 AND $3",
    )
    .bind(patient.0)
    .bind(&from)
    .bind(&to)
    .fetch_all(&mut *conn)
    .await
    .db()?;
    let factors = sqlx::query_as(
        "SELECT x.check_in_id, x.factor FROM check_in_factors x \
         JOIN check_ins c ON c.id = x.check_in_id \
         WHERE c.patient_id = $1 AND c.day BETWEEN $2 AND $3",
    )
    .bind(patient.0)
    .bind(&from)
    .bind(&to)
    .fetch_all(&mut *conn)
    .await
    .db()?;
    let done = sqlx::query_as(
        "SELECT x.check_in_id, x.period_id, x.amount FROM check_in_done x \
         JOIN check_ins c ON c.id = x.check_in_id \
         WHERE c.patient_id = $1 AND c.day BETWEEN $2 AND $3 \
         ORDER BY x.check_in_id, x.position",
    )
    .bind(patient.0)
    .bind(&from)
    .bind(&to)
    .fetch_all(&mut *conn)
    .await
    .db()?;
    rows::assemble(
        days,
        CheckInChildren {
            regions,
            sensitivities,
            factors,
            done,
        },
    )
}

/// Whether reading the patient's record needs neither a care-team link looked up nor an audit
/// entry written (a patient reading their own), so that one statement can serve it with no
/// transaction around it: a single statement reads one consistent snapshot on its own. A read
/// refused whatever the link says is refused here.
fn unaudited_read(by: &Actor, patient: UserId, action: &'static str) -> StoreResult<bool> {
    Ok(!rules::link_matters(by) && rules::read_record(by, patient, false, action)?.is_none())
}

// ----- Check-ins --------------------------------------------------------------------------------
//
// Saving a check-in was a transaction of about ten statements: the existence check, the upsert,
// four deletions of the day's lists and an insert per list item, each a round trip, with `BEGIN`
// and `COMMIT` around them. Now a new day is one statement (below), and replacing a day is a
// transaction of three or four. painpath-bench measured the difference (docs/performance.md).

/// `owned`: whether every period ticked in `done_today` ($17) is one of the patient's ($1) own;
/// someone else's period is answered as missing, so that its existence is not confirmed.
macro_rules! owned_periods {
    () => {
        "owned AS (SELECT NOT EXISTS (\
         SELECT 1 FROM unnest($17::BIGINT[]) AS d (period_id) WHERE NOT EXISTS (\
         SELECT 1 FROM treatment_periods p WHERE p.id = d.period_id AND p.patient_id = $1)) AS ok) "
    };
}

/// The day row ($1 to $16), inserted only when `owned` says the periods are the patient's.
macro_rules! insert_check_in {
    () => {
        "INSERT INTO check_ins (patient_id, day, pain, fatigue, fog, sleep_quality, \
         sleep_tenths, bed_time, wake_time, mood, stress, sensitivity, activity_minutes, \
         flare, note, saved_at) \
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16 \
         FROM owned WHERE owned.ok "
    };
}

/// Binds a check-in's day row (`CheckInColumns`) as $1 to $16.
macro_rules! bind_day {
    ($query:expr, $patient:expr, $c:expr) => {
        $query
            .bind($patient.0)
            .bind(&$c.day)
            .bind($c.pain)
            .bind($c.fatigue)
            .bind($c.fog)
            .bind($c.sleep_quality)
            .bind($c.sleep_tenths)
            .bind($c.bed_time.as_deref())
            .bind($c.wake_time.as_deref())
            .bind($c.mood)
            .bind($c.stress)
            .bind($c.sensitivity)
            .bind($c.activity_minutes)
            .bind($c.flare)
            .bind($c.note.as_deref())
            .bind(millis(rows::now()))
    };
}

/// The rule a failed check-in write broke, for its `Conflict`: a uniqueness rule broken by the
/// lists can only be the same period ticked twice; any other rule is the day row's.
fn check_in_rule<T>(result: &Result<T, sqlx::Error>) -> &'static str {
    match result {
        Err(sqlx::Error::Database(db)) if db.kind() == sqlx::error::ErrorKind::UniqueViolation => {
            "done_today"
        }
        _ => "check_in",
    }
}

/// Writes a day that has no check-in yet, with its lists, in one statement (so it is whole on its
/// own, inside or outside a transaction): `Some(Saved::Created)`. `None`, having written nothing,
/// when the day already has a check-in; `NotFound` when a ticked period is not the patient's.
async fn insert_day(
    conn: &mut PgConnection,
    patient: UserId,
    c: &CheckInColumns,
    lists: &CheckInLists<'_>,
) -> StoreResult<Option<Saved>> {
    let query = sqlx::query_as(concat!(
        "WITH ",
        owned_periods!(),
        ", saved AS (",
        insert_check_in!(),
        "ON CONFLICT (patient_id, day) DO NOTHING RETURNING id), \
         regions AS (INSERT INTO check_in_regions (check_in_id, region) \
         SELECT saved.id, x FROM saved, unnest($18::TEXT[]) AS x), \
         sensitivities AS (INSERT INTO check_in_sensitivities (check_in_id, sensitivity) \
         SELECT saved.id, x FROM saved, unnest($19::TEXT[]) AS x), \
         factors AS (INSERT INTO check_in_factors (check_in_id, factor) \
         SELECT saved.id, x FROM saved, unnest($20::TEXT[]) AS x), \
         done AS (INSERT INTO check_in_done (check_in_id, position, period_id, amount) \
         SELECT saved.id, x.n - 1, x.period_id, x.amount FROM saved, \
         unnest($17::BIGINT[], $21::TEXT[]) WITH ORDINALITY AS x (period_id, amount, n)) \
         SELECT owned.ok, (SELECT id FROM saved) AS id FROM owned"
    ));
    let result = bind_day!(query, patient, c)
        .bind(&lists.done_periods)
        .bind(&lists.regions)
        .bind(&lists.sensitivities)
        .bind(&lists.factors)
        .bind(&lists.done_amounts)
        .fetch_one(conn)
        .await;
    let rule = check_in_rule(&result);
    let (owned, id): (bool, Option<i64>) = result.conflict(rule)?;
    if !owned {
        return Err(StoreError::NotFound);
    }
    Ok(id.map(|_| Saved::Created))
}

/// Replaces a day's check-in and its lists, inside the caller's transaction. The day row is
/// written (and so locked) first; the lists are replaced by later statements, whose snapshots see
/// every earlier save of the day, however concurrent.
async fn replace_day(
    conn: &mut PgConnection,
    patient: UserId,
    c: &CheckInColumns,
    lists: &CheckInLists<'_>,
) -> StoreResult<()> {
    let query = sqlx::query_scalar(concat!(
        "WITH ",
        owned_periods!(),
        insert_check_in!(),
        "ON CONFLICT (patient_id, day) DO UPDATE SET \
         pain = excluded.pain, fatigue = excluded.fatigue, fog = excluded.fog, \
         sleep_quality = excluded.sleep_quality, sleep_tenths = excluded.sleep_tenths, \
         bed_time = excluded.bed_time, wake_time = excluded.wake_time, \
         mood = excluded.mood, stress = excluded.stress, sensitivity = excluded.sensitivity, \
         activity_minutes = excluded.activity_minutes, flare = excluded.flare, \
         note = excluded.note, saved_at = excluded.saved_at \
         RETURNING id"
    ));
    let result = bind_day!(query, patient, c)
        .bind(&lists.done_periods)
        .fetch_optional(&mut *conn)
        .await;
    let rule = check_in_rule(&result);
    let id: Option<i64> = result.conflict(rule)?;
    // No row: a ticked period is not the patient's, and nothing was written.
    let id = id.ok_or(StoreError::NotFound)?;
    // The day's lists are replaced whole, together with the day row.
    sqlx::query(
        "WITH regions AS (DELETE FROM check_in_regions WHERE check_in_id = $1), \
         sensitivities AS (DELETE FROM check_in_sensitivities WHERE check_in_id = $1), \
         factors AS (DELETE FROM check_in_factors WHERE check_in_id = $1) \
         DELETE FROM check_in_done WHERE check_in_id = $1",
    )
    .bind(id)
    .execute(&mut *conn)
    .await
    .db()?;
    if lists.is_empty() {
        return Ok(());
    }
    // A statement of its own: in the deleting statement, the new rows could meet the old ones.
    sqlx::query(
        "WITH regions AS (INSERT INTO check_in_regions (check_in_id, region) \
         SELECT $1, x FROM unnest($2::TEXT[]) AS x), \
         sensitivities AS (INSERT INTO check_in_sensitivities (check_in_id, sensitivity) \
         SELECT $1, x FROM unnest($3::TEXT[]) AS x), \
         factors AS (INSERT INTO check_in_factors (check_in_id, factor) \
         SELECT $1, x FROM unnest($4::TEXT[]) AS x) \
         INSERT INTO check_in_done (check_in_id, position, period_id, amount) \
         SELECT $1, x.n - 1, x.period_id, x.amount \
         FROM unnest($5::BIGINT[], $6::TEXT[]) WITH ORDINALITY AS x (period_id, amount, n)",
    )
    .bind(id)
    .bind(&lists.regions)
    .bind(&lists.sensitivities)
    .bind(&lists.factors)
    .bind(&lists.done_periods)
    .bind(&lists.done_amounts)
    .execute(&mut *conn)
    .await
    .conflict("done_today")?;
    Ok(())
}

// ----- New days, written together ------------------------------------------------------------

/// Most new days one statement writes; a longer queue waits for the next statement.
const MAX_NEW_DAYS: usize = 64;

/// New days waiting for a writer; past this, callers wait to queue (back-pressure).
const NEW_DAY_QUEUE: usize = 1024;

/// Writes the new diary days of concurrent calls in one statement: PostgreSQL's group commit.
///
/// **Why.** Each new day on its own is one `INSERT` and one commit, and a check-in's insert costs
/// the server half as much again as a raw insert into a bare table (the foreign-key check locks
/// the patient's account row; ten `CHECK` rules are evaluated). The server is CPU-bound on the
/// bench machine, and one statement of eight days costs it less than a third of eight statements
/// of one: pgbench measured 11 660 one-day inserts a second from 16 clients, and 42 700 days a
/// second in statements of eight from 4 clients. painpath-bench measured check-ins at 39 % of raw
/// inserts before this and 58 % to 60 % after (docs/performance.md). Sharing the commit's flush
/// matters less: PostgreSQL already shares flushes between concurrent commits.
///
/// **How.** As in the SQLite backend's `GroupWriter`: a writer takes the first new day queued and
/// every other already waiting (up to [`MAX_NEW_DAYS`]), writes them with their lists in one
/// statement (`INSERT … SELECT … FROM unnest(…) ON CONFLICT DO NOTHING`), and answers each caller
/// only when that statement, and so its commit, has returned: every day answered as written is
/// durable. The writer never waits to fill a group; a day that finds it idle is written at once,
/// alone. Each day is still all-or-nothing: its row and its lists are in the one statement.
/// A day that is already there is left alone by the statement and answered "exists", and its
/// caller replaces it in a transaction of its own (as does a second call for the same day in the
/// same group). If the statement fails as a whole (a rule broken by one day), each day of the
/// group is written again on its own, so that the failing day fails alone with its own error.
///
/// Only the usual new day takes this way: a patient's own day (so no audit entry) that ticks no
/// treatment period (so no ownership to check). Any other day is written by its own statement.
#[derive(Clone, Debug)]
struct NewDays {
    queue: mpsc::Sender<NewDay>,
}

/// One new day waiting for a writer, with the channel its caller waits on: `Some(Created)` when
/// written, `None` when the day was already there.
struct NewDay {
    patient: UserId,
    columns: CheckInColumns,
    regions: Vec<&'static str>,
    sensitivities: Vec<&'static str>,
    factors: Vec<String>,
    reply: oneshot::Sender<StoreResult<Option<Saved>>>,
}

impl NewDay {
    fn lists(&self) -> CheckInLists<'_> {
        CheckInLists {
            regions: self.regions.clone(),
            sensitivities: self.sensitivities.clone(),
            factors: self.factors.iter().map(String::as_str).collect(),
            done_periods: Vec::new(),
            done_amounts: Vec::new(),
        }
    }
}

impl NewDays {
    /// Starts the writer on the current tokio runtime. It ends when the last clone of the store
    /// is dropped, after writing what was queued.
    fn start(lane: Arc<Lane>) -> NewDays {
        let (queue, days) = mpsc::channel(NEW_DAY_QUEUE);
        tokio::spawn(write_new_days(lane, days));
        NewDays { queue }
    }

    /// Queues a new day (no lists of periods) and waits until it is written and committed.
    async fn write(&self, patient: UserId, check_in: &CheckIn) -> StoreResult<Option<Saved>> {
        let (reply, answer) = oneshot::channel();
        let day = NewDay {
            patient,
            columns: CheckInColumns::of(check_in),
            regions: check_in.pain_regions.iter().map(|r| r.code()).collect(),
            sensitivities: check_in.sensitivities.iter().map(|s| s.code()).collect(),
            factors: check_in
                .factors
                .iter()
                .map(|f| f.as_str().to_owned())
                .collect(),
            reply,
        };
        self.queue.send(day).await.map_err(|_| writers_gone())?;
        answer.await.map_err(|_| writers_gone())?
    }
}

fn writers_gone() -> StoreError {
    StoreError::Unavailable("the PostgreSQL new-day writer has stopped".into())
}

/// The writer: one group of new days after another until every sender is gone.
///
/// Each group is written by a task of its own, awaited before the next begins, so that groups
/// never overlap and a panic fails only its own callers (their reply channels close:
/// `Unavailable`) while the writer goes on. One writer, not several: with two or three, each
/// taking what was queued as soon as it was free, groups were smaller and painpath-bench measured
/// fewer check-ins a second (docs/performance.md).
async fn write_new_days(lane: Arc<Lane>, mut days: mpsc::Receiver<NewDay>) {
    while let Some(first) = days.recv().await {
        let mut group = Vec::with_capacity(MAX_NEW_DAYS);
        group.push(first);
        while group.len() < MAX_NEW_DAYS {
            match days.try_recv() {
                Ok(day) => group.push(day),
                Err(_) => break,
            }
        }
        let _ = tokio::spawn(write_group(Arc::clone(&lane), group)).await;
    }
}

/// Writes one group of new days and answers each caller.
async fn write_group(lane: Arc<Lane>, group: Vec<NewDay>) {
    let mut conn = match lane.conn().await {
        Ok(conn) => conn,
        Err(error) => {
            // Only ever `Unavailable`: no connection came.
            let text = match error {
                StoreError::Unavailable(text) => text,
                other => other.to_string(),
            };
            for day in group {
                let _ = day.reply.send(Err(StoreError::Unavailable(text.clone())));
            }
            return;
        }
    };
    // A second call for a day already in the group waits out the group and is then answered
    // "exists", so that its caller replaces the first one's day.
    let mut seen = HashSet::with_capacity(group.len());
    let (first, again): (Vec<NewDay>, Vec<NewDay>) = group
        .into_iter()
        .partition(|d| seen.insert((d.patient, d.columns.day.clone())));
    let answers = match insert_days(&mut conn, &first).await {
        Ok(written) => {
            conn.park();
            written
                .into_iter()
                .map(|w| Ok(w.then_some(Saved::Created)))
                .collect()
        }
        Err(_) => {
            // One day broke a rule and the statement wrote nothing: each day again on its own,
            // so that only the day at fault fails, with its own error.
            let mut answers = Vec::with_capacity(first.len());
            for day in &first {
                answers.push(insert_day(&mut conn, day.patient, &day.columns, &day.lists()).await);
            }
            answers
        }
    };
    for (day, answer) in first.into_iter().zip(answers) {
        let _ = day.reply.send(answer);
    }
    for day in again {
        let _ = day.reply.send(Ok(None));
    }
}

/// Writes new days (no two for the same patient and day) with their lists in one statement,
/// leaving alone each day that is already there: for each day, whether it was written. The rows
/// go in (patient, day) order, so that the groups of two servers sharing the database take their
/// index entries in the same order and cannot deadlock.
async fn insert_days(conn: &mut PgConnection, days: &[NewDay]) -> Result<Vec<bool>, sqlx::Error> {
    let mut patients = Vec::with_capacity(days.len());
    let mut day_texts = Vec::with_capacity(days.len());
    let (mut pain, mut fatigue, mut fog, mut sleep_quality, mut sleep_tenths) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut bed_time, mut wake_time) = (Vec::new(), Vec::new());
    let (mut mood, mut stress, mut sensitivity, mut activity) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut flare, mut note) = (Vec::new(), Vec::new());
    // Each list item with the position (from 1) of its day in the group.
    let (mut region_of, mut regions) = (Vec::new(), Vec::new());
    let (mut sensitivity_of, mut sensitivities) = (Vec::new(), Vec::new());
    let (mut factor_of, mut factors) = (Vec::new(), Vec::new());
    for (n, d) in (1_i64..).zip(days) {
        let c = &d.columns;
        patients.push(d.patient.0);
        day_texts.push(c.day.as_str());
        pain.push(c.pain);
        fatigue.push(c.fatigue);
        fog.push(c.fog);
        sleep_quality.push(c.sleep_quality);
        sleep_tenths.push(c.sleep_tenths);
        bed_time.push(c.bed_time.as_deref());
        wake_time.push(c.wake_time.as_deref());
        mood.push(c.mood);
        stress.push(c.stress);
        sensitivity.push(c.sensitivity);
        activity.push(c.activity_minutes);
        flare.push(c.flare);
        note.push(c.note.as_deref());
        for r in &d.regions {
            region_of.push(n);
            regions.push(*r);
        }
        for x in &d.sensitivities {
            sensitivity_of.push(n);
            sensitivities.push(*x);
        }
        for f in &d.factors {
            factor_of.push(n);
            factors.push(f.as_str());
        }
    }
    let written: Vec<i64> = sqlx::query_scalar(
        "WITH input AS (SELECT * FROM unnest($1::BIGINT[], $2::TEXT[], $3::BIGINT[], \
         $4::BIGINT[], $5::BIGINT[], $6::BIGINT[], $7::BIGINT[], $8::TEXT[], $9::TEXT[], \
         $10::BIGINT[], $11::BIGINT[], $12::BIGINT[], $13::BIGINT[], $14::BOOLEAN[], \
         $15::TEXT[]) WITH ORDINALITY AS i (patient_id, day, pain, fatigue, fog, \
         sleep_quality, sleep_tenths, bed_time, wake_time, mood, stress, sensitivity, \
         activity_minutes, flare, note, n)), \
         saved AS (INSERT INTO check_ins (patient_id, day, pain, fatigue, fog, sleep_quality, \
         sleep_tenths, bed_time, wake_time, mood, stress, sensitivity, activity_minutes, \
         flare, note, saved_at) \
         SELECT patient_id, day, pain, fatigue, fog, sleep_quality, sleep_tenths, bed_time, \
         wake_time, mood, stress, sensitivity, activity_minutes, flare, note, $16 \
         FROM input ORDER BY patient_id, day \
         ON CONFLICT (patient_id, day) DO NOTHING RETURNING id, patient_id, day), \
         written AS (SELECT s.id, i.n FROM saved s \
         JOIN input i ON i.patient_id = s.patient_id AND i.day = s.day), \
         regions AS (INSERT INTO check_in_regions (check_in_id, region) \
         SELECT w.id, x.v FROM unnest($17::BIGINT[], $18::TEXT[]) AS x (n, v) \
         JOIN written w ON w.n = x.n), \
         sensitivities AS (INSERT INTO check_in_sensitivities (check_in_id, sensitivity) \
         SELECT w.id, x.v FROM unnest($19::BIGINT[], $20::TEXT[]) AS x (n, v) \
         JOIN written w ON w.n = x.n), \
         factors AS (INSERT INTO check_in_factors (check_in_id, factor) \
         SELECT w.id, x.v FROM unnest($21::BIGINT[], $22::TEXT[]) AS x (n, v) \
         JOIN written w ON w.n = x.n) \
         SELECT n FROM written",
    )
    .bind(&patients)
    .bind(&day_texts)
    .bind(&pain)
    .bind(&fatigue)
    .bind(&fog)
    .bind(&sleep_quality)
    .bind(&sleep_tenths)
    .bind(&bed_time)
    .bind(&wake_time)
    .bind(&mood)
    .bind(&stress)
    .bind(&sensitivity)
    .bind(&activity)
    .bind(&flare)
    .bind(&note)
    .bind(millis(rows::now()))
    .bind(&region_of)
    .bind(&regions)
    .bind(&sensitivity_of)
    .bind(&sensitivities)
    .bind(&factor_of)
    .bind(&factors)
    .fetch_all(conn)
    .await?;
    let written: HashSet<i64> = written.into_iter().collect();
    Ok((1_i64..)
        .take(days.len())
        .map(|n| written.contains(&n))
        .collect())
}

// ----- Questionnaires and alerts ----------------------------------------------------------------

/// Every alert read selects these columns, with the patient's and the acknowledger's names; a
/// macro rather than a constant so that each query stays one static string (`concat!`).
macro_rules! alert_select {
    () => {
        "SELECT al.id, al.patient_id, p.display_name AS patient_name, al.kind, al.raised_at, \
         al.response_id, al.item9_latest, al.item9_latest_at, al.item9_worst, al.item9_worst_at, \
         al.acknowledged_by, k.display_name AS acknowledged_by_name, al.acknowledged_at, \
         al.acknowledgement_note \
         FROM alerts al \
         JOIN accounts p ON p.id = al.patient_id \
         LEFT JOIN accounts k ON k.id = al.acknowledged_by "
    };
}

/// Whether an active clinician has a live care-team link to the patient. Only active clinicians
/// count: a deactivated clinician's link gives the patient nobody who will see an alert.
async fn has_active_clinician(conn: &mut PgConnection, patient: UserId) -> StoreResult<bool> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM care_links l JOIN accounts c ON c.id = l.clinician_id \
         WHERE l.patient_id = $1 AND l.revoked_at IS NULL AND c.active \
         AND c.role = 'clinician')",
    )
    .bind(patient.0)
    .fetch_one(conn)
    .await
    .db()
}

async fn clinic_settings_on(conn: &mut PgConnection) -> StoreResult<ClinicSettings> {
    let days: Option<i64> = sqlx::query_scalar(
        "SELECT alert_escalation_working_days FROM clinic_settings WHERE id = 1",
    )
    .fetch_optional(conn)
    .await
    .db()?;
    rows::clinic_settings(days)
}

/// Records that an alert went to the duty list, once per reason.
async fn escalate(
    conn: &mut PgConnection,
    alert: i64,
    reason: EscalationReason,
    at: Timestamp,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO alert_escalations (alert_id, at, reason) VALUES ($1, $2, $3) \
         ON CONFLICT (alert_id, reason) DO NOTHING",
    )
    .bind(alert)
    .bind(millis(at))
    .bind(reason.code())
    .execute(conn)
    .await
    .db()?;
    Ok(())
}

/// Sends the patient's open alerts to the duty list when they have no active clinician; answers
/// whether any open alert went there.
async fn escalate_if_nobody(
    conn: &mut PgConnection,
    patient: UserId,
    at: Timestamp,
) -> StoreResult<bool> {
    if has_active_clinician(&mut *conn, patient).await? {
        return Ok(false);
    }
    let open: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM alerts WHERE patient_id = $1 AND acknowledged_at IS NULL",
    )
    .bind(patient.0)
    .fetch_all(&mut *conn)
    .await
    .db()?;
    for alert in &open {
        escalate(&mut *conn, *alert, EscalationReason::NoActiveClinician, at).await?;
    }
    Ok(!open.is_empty())
}

/// Loads the alerts a query found with their answers and escalations.
async fn with_children(conn: &mut PgConnection, found: Vec<AlertRow>) -> StoreResult<Vec<Alert>> {
    let mut answers = Vec::new();
    let mut escalations = Vec::new();
    for row in &found {
        let a: Vec<AlertAnswerRow> = sqlx::query_as(
            "SELECT alert_id, item, value FROM alert_answers WHERE alert_id = $1 ORDER BY position",
        )
        .bind(row.id)
        .fetch_all(&mut *conn)
        .await
        .db()?;
        answers.extend(a);
        let e: Vec<EscalationRow> = sqlx::query_as(
            "SELECT alert_id, reason, at FROM alert_escalations WHERE alert_id = $1 ORDER BY at, id",
        )
        .bind(row.id)
        .fetch_all(&mut *conn)
        .await
        .db()?;
        escalations.extend(e);
    }
    rows::assemble_alerts(found, answers, escalations)
}

/// Every open alert, each with whether its patient has an active clinician, oldest first.
async fn open_alerts_with_cover(conn: &mut PgConnection) -> StoreResult<Vec<(Alert, bool)>> {
    let found: Vec<AlertRow> = sqlx::query_as(concat!(
        alert_select!(),
        "WHERE al.acknowledged_at IS NULL ORDER BY al.raised_at, al.id"
    ))
    .fetch_all(&mut *conn)
    .await
    .db()?;
    // Four statements however many alerts are open: every clinician page asks for this count.
    let answers: Vec<AlertAnswerRow> = sqlx::query_as(
        "SELECT x.alert_id, x.item, x.value FROM alert_answers x \
         JOIN alerts al ON al.id = x.alert_id WHERE al.acknowledged_at IS NULL \
         ORDER BY x.alert_id, x.position",
    )
    .fetch_all(&mut *conn)
    .await
    .db()?;
    let escalations: Vec<EscalationRow> = sqlx::query_as(
        "SELECT e.alert_id, e.reason, e.at FROM alert_escalations e \
         JOIN alerts al ON al.id = e.alert_id WHERE al.acknowledged_at IS NULL \
         ORDER BY e.alert_id, e.at, e.id",
    )
    .fetch_all(&mut *conn)
    .await
    .db()?;
    let covered: BTreeSet<i64> = sqlx::query_scalar(
        "SELECT DISTINCT l.patient_id FROM care_links l JOIN accounts c ON c.id = l.clinician_id \
         WHERE l.revoked_at IS NULL AND c.active AND c.role = 'clinician' \
         AND l.patient_id IN (SELECT patient_id FROM alerts WHERE acknowledged_at IS NULL)",
    )
    .fetch_all(&mut *conn)
    .await
    .db()?
    .into_iter()
    .collect();
    Ok(rows::assemble_alerts(found, answers, escalations)?
        .into_iter()
        .map(|a| {
            let has_cover = covered.contains(&a.patient.0);
            (a, has_cover)
        })
        .collect())
}

/// The open alerts on the duty list at `now`, with why each is there.
async fn duty_alerts(
    conn: &mut PgConnection,
    now: Timestamp,
) -> StoreResult<Vec<(Alert, Vec<EscalationReason>)>> {
    let delay = clinic_settings_on(&mut *conn).await?.escalation_delay;
    Ok(open_alerts_with_cover(conn)
        .await?
        .into_iter()
        .filter_map(|(alert, covered)| {
            let reasons = rules::duty_reasons(&alert, now, delay, covered);
            (!reasons.is_empty()).then_some((alert, reasons))
        })
        .collect())
}

/// Whether the patient has withdrawn this clinician: a link between them was revoked and none
/// is live. Such a clinician is kept off that patient's duty-list entry: the duty list is for
/// alerts that would otherwise land with nobody, not a way back into a record the patient
/// closed to them.
async fn withdrawn_from(conn: &mut PgConnection, by: &Actor, patient: UserId) -> StoreResult<bool> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM care_links \
         WHERE patient_id = $1 AND clinician_id = $2 AND revoked_at IS NOT NULL) \
         AND NOT EXISTS (SELECT 1 FROM care_links \
         WHERE patient_id = $1 AND clinician_id = $2 AND revoked_at IS NULL)",
    )
    .bind(patient.0)
    .bind(by.user.0)
    .fetch_one(conn)
    .await
    .db()
}

/// The duty list as `by` sees it: without the patients who withdrew them.
async fn duty_alerts_for(
    conn: &mut PgConnection,
    by: &Actor,
    now: Timestamp,
) -> StoreResult<Vec<(Alert, Vec<EscalationReason>)>> {
    // The patients with an open alert who withdrew this clinician, in one statement.
    let withdrawn: BTreeSet<i64> = sqlx::query_scalar(
        "SELECT DISTINCT r.patient_id FROM care_links r \
         WHERE r.clinician_id = $1 AND r.revoked_at IS NOT NULL \
         AND r.patient_id IN (SELECT patient_id FROM alerts WHERE acknowledged_at IS NULL) \
         AND NOT EXISTS (SELECT 1 FROM care_links l WHERE l.patient_id = r.patient_id \
         AND l.clinician_id = $1 AND l.revoked_at IS NULL)",
    )
    .bind(by.user.0)
    .fetch_all(&mut *conn)
    .await
    .db()?
    .into_iter()
    .collect();
    Ok(duty_alerts(&mut *conn, now)
        .await?
        .into_iter()
        .filter(|(alert, _)| !withdrawn.contains(&alert.patient.0))
        .collect())
}

/// Applies PHQ-9 item 9 as just answered to the patient's self-harm alert ([`Item9Signal`]): opens
/// one for a risk when none is open (straight onto the duty list when the patient has no active
/// clinician), or brings the open one up to date, linking it to `response` if it has none.
///
/// Two signals at once for one patient: the partial unique index `alerts_open` lets only one
/// `INSERT` open an alert (`ON CONFLICT` waits for the other transaction, then does nothing), and
/// `FOR UPDATE` makes the updates of the open alert take turns, so neither is lost.
async fn signal_alert(
    conn: &mut PgConnection,
    patient: UserId,
    response: Option<i64>,
    signal: &Item9Signal,
) -> StoreResult<()> {
    lock_care_teams(&mut *conn).await?;
    let now = rows::now();
    let value = i64::from(signal.value);
    let opened: Option<i64> = if signal.is_risk() {
        sqlx::query_scalar(
            "INSERT INTO alerts (patient_id, kind, raised_at, response_id, item9_latest, \
             item9_latest_at, item9_worst, item9_worst_at) \
             VALUES ($1, $2, $3, $4, $5, $3, $5, $3) \
             ON CONFLICT (patient_id, kind) WHERE acknowledged_at IS NULL DO NOTHING \
             RETURNING id",
        )
        .bind(patient.0)
        .bind(AlertKind::SelfHarm.code())
        .bind(millis(now))
        .bind(response)
        .bind(value)
        .fetch_optional(&mut *conn)
        .await
        .db()?
    } else {
        None
    };
    // The answers kept are those given with the worst answer so far, so that "worst 3" is shown
    // beside the questionnaire that said 3, not beside a later, calmer one.
    let (id, refresh_answers) = match opened {
        Some(id) => {
            if !has_active_clinician(&mut *conn, patient).await? {
                escalate(&mut *conn, id, EscalationReason::NoActiveClinician, now).await?;
            }
            (id, true)
        }
        None => {
            let open: Option<(i64, Option<i64>, Option<i64>)> = sqlx::query_as(
                "SELECT id, item9_latest, item9_worst FROM alerts \
                 WHERE patient_id = $1 AND kind = $2 AND acknowledged_at IS NULL FOR UPDATE",
            )
            .bind(patient.0)
            .bind(AlertKind::SelfHarm.code())
            .fetch_optional(&mut *conn)
            .await
            .db()?;
            let Some((id, latest, worst)) = open else {
                return Ok(());
            };
            let (new_latest, new_worst) = rules::item9_update(latest, worst, value);
            if new_latest {
                sqlx::query(
                    "UPDATE alerts SET item9_latest = $1, item9_latest_at = $2 WHERE id = $3",
                )
                .bind(value)
                .bind(millis(now))
                .bind(id)
                .execute(&mut *conn)
                .await
                .db()?;
            }
            if new_worst {
                sqlx::query(
                    "UPDATE alerts SET item9_worst = $1, item9_worst_at = $2 WHERE id = $3",
                )
                .bind(value)
                .bind(millis(now))
                .bind(id)
                .execute(&mut *conn)
                .await
                .db()?;
            }
            if let Some(response) = response {
                sqlx::query(
                    "UPDATE alerts SET response_id = $1 WHERE id = $2 AND response_id IS NULL",
                )
                .bind(response)
                .bind(id)
                .execute(&mut *conn)
                .await
                .db()?;
            }
            (id, new_worst || worst.is_none_or(|w| w == value))
        }
    };
    if !refresh_answers {
        return Ok(());
    }
    sqlx::query("DELETE FROM alert_answers WHERE alert_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await
        .db()?;
    for (position, (item, value)) in (0_i64..).zip(&signal.answers) {
        sqlx::query(
            "INSERT INTO alert_answers (alert_id, position, item, value) VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(position)
        .bind(item)
        .bind(*value)
        .execute(&mut *conn)
        .await
        .db()?;
    }
    Ok(())
}

/// Stores a completed questionnaire: the body of [`Store::save_questionnaire`].
async fn save_questionnaire_on(
    conn: &mut PgConnection,
    by: &Actor,
    patient: UserId,
    q: &NewQuestionnaire,
) -> StoreResult<i64> {
    let live = live_link(&mut *conn, by, patient).await?;
    let audit = rules::record_questionnaire(by, patient, live)?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO questionnaire_responses \
         (patient_id, instrument, day, completed_at, recorded_by) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(patient.0)
    .bind(q.instrument.code())
    .bind(rows::date_text(q.date))
    .bind(millis(rows::now()))
    .bind(by.user.0)
    .fetch_one(&mut *conn)
    .await
    .conflict("questionnaire")?;
    for (position, a) in (0_i64..).zip(&q.answers) {
        sqlx::query(
            "INSERT INTO questionnaire_answers \
             (response_id, position, item, value, code, loinc, answer_loinc) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(position)
        .bind(&a.item)
        .bind(a.value)
        .bind(a.code.as_deref())
        .bind(a.loinc.as_deref())
        .bind(a.answer_loinc.as_deref())
        .execute(&mut *conn)
        .await
        .conflict("answer")?;
    }
    sqlx::query("DELETE FROM questionnaire_drafts WHERE patient_id = $1 AND instrument = $2")
        .bind(patient.0)
        .bind(q.instrument.code())
        .execute(&mut *conn)
        .await
        .db()?;
    if let Some(signal) = &q.item9 {
        signal_alert(&mut *conn, patient, Some(id), signal).await?;
    }
    write_audit(&mut *conn, by, audit).await?;
    Ok(id)
}

/// Keeps a draft: the body of [`Store::save_questionnaire_draft`].
async fn save_questionnaire_draft_on(
    conn: &mut PgConnection,
    by: &Actor,
    patient: UserId,
    instrument: Instrument,
    fields: &str,
    item9: Option<&Item9Signal>,
) -> StoreResult<()> {
    rules::own_draft(by, patient)?;
    sqlx::query(
        "INSERT INTO questionnaire_drafts (patient_id, instrument, fields, updated_at) \
         VALUES ($1, $2, $3, $4) \
         ON CONFLICT (patient_id, instrument) DO UPDATE SET \
         fields = excluded.fields, updated_at = excluded.updated_at",
    )
    .bind(patient.0)
    .bind(instrument.code())
    .bind(fields)
    .bind(millis(rows::now()))
    .execute(&mut *conn)
    .await
    .conflict("draft")?;
    if let Some(signal) = item9 {
        signal_alert(&mut *conn, patient, None, signal).await?;
    }
    Ok(())
}

/// Acknowledges an alert: the body of [`Store::acknowledge_alert`]. Two clinicians at once: the
/// second `UPDATE` waits for the first to commit, then finds the alert acknowledged.
async fn acknowledge_alert_on(
    conn: &mut PgConnection,
    by: &Actor,
    alert: i64,
    at: Timestamp,
    note: &str,
    seen: Option<Timestamp>,
) -> StoreResult<()> {
    let found: Option<AlertRow> = sqlx::query_as(concat!(alert_select!(), "WHERE al.id = $1"))
        .bind(alert)
        .fetch_optional(&mut *conn)
        .await
        .db()?;
    let Some(found) = found else {
        return Err(StoreError::NotFound);
    };
    let patient = UserId(found.patient_id);
    let acknowledged = found.acknowledged_at.is_some();
    let latest_at = found.item9_latest_at;
    let live = live_link(&mut *conn, by, patient).await?;
    // Whether the alert is on the duty list decides whether a clinician outside the care team
    // may act on it; only a clinician's standing can depend on it, so only then is it worked out.
    let on_duty = if rules::link_matters(by)
        && !live
        && !acknowledged
        && !withdrawn_from(&mut *conn, by, patient).await?
    {
        let delay = clinic_settings_on(&mut *conn).await?.escalation_delay;
        let covered = has_active_clinician(&mut *conn, patient).await?;
        let alert = with_children(&mut *conn, vec![found]).await?;
        alert
            .first()
            .is_some_and(|a| !rules::duty_reasons(a, at, delay, covered).is_empty())
    } else {
        false
    };
    // Access first, so that only someone who may act on it learns whether it was acknowledged.
    let audit = rules::acknowledge_alert(by, patient, live, on_duty)?;
    if acknowledged {
        return Err(StoreError::Conflict("alert_acknowledged"));
    }
    if let Some(seen) = seen
        && latest_at.is_some_and(|l| l > millis(seen))
    {
        return Err(StoreError::Conflict("alert_changed"));
    }
    let done = sqlx::query(
        "UPDATE alerts SET acknowledged_by = $1, acknowledged_at = $2, acknowledgement_note = $3 \
         WHERE id = $4 AND acknowledged_at IS NULL",
    )
    .bind(by.user.0)
    .bind(millis(at))
    .bind(note)
    .bind(alert)
    .execute(&mut *conn)
    .await
    .db()?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict("alert_acknowledged"));
    }
    write_audit(&mut *conn, by, Some(audit)).await
}

/// One patient's questionnaires, of one instrument or all, oldest first, with their answers.
async fn load_questionnaires(
    conn: &mut PgConnection,
    patient: UserId,
    instrument: Option<Instrument>,
) -> StoreResult<Vec<QuestionnaireResponse>> {
    let code = instrument.map(Instrument::code);
    let responses: Vec<QuestionnaireRow> = sqlx::query_as(
        "SELECT id, patient_id, instrument, day, completed_at, recorded_by \
         FROM questionnaire_responses \
         WHERE patient_id = $1 AND ($2::TEXT IS NULL OR instrument = $2) ORDER BY day, id",
    )
    .bind(patient.0)
    .bind(code)
    .fetch_all(&mut *conn)
    .await
    .db()?;
    if responses.is_empty() {
        return Ok(Vec::new());
    }
    let answers: Vec<AnswerRow> = sqlx::query_as(
        "SELECT x.response_id, x.item, x.value, x.code, x.loinc, x.answer_loinc \
         FROM questionnaire_answers x \
         JOIN questionnaire_responses r ON r.id = x.response_id \
         WHERE r.patient_id = $1 AND ($2::TEXT IS NULL OR r.instrument = $2) \
         ORDER BY x.response_id, x.position",
    )
    .bind(patient.0)
    .bind(code)
    .fetch_all(&mut *conn)
    .await
    .db()?;
    rows::assemble_questionnaires(responses, answers)
}

/// Reads audit entries (joined with their patients) for the given filter, newest first.
async fn audit_entries(
    conn: &mut PgConnection,
    query: sqlx::query::QueryAs<'static, Postgres, AuditRow, sqlx::postgres::PgArguments>,
) -> StoreResult<Vec<AuditEntry>> {
    let rows: Vec<AuditRow> = query.fetch_all(conn).await.db()?;
    rows::fold_audit(rows)
}

#[async_trait::async_trait]
impl Store for PostgresStore {
    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await.db()?;
        Ok(())
    }

    // ----- Accounts -----------------------------------------------------------------------

    async fn count_accounts(&self) -> StoreResult<u64> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM accounts")
            .fetch_one(&self.pool)
            .await
            .db()?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    async fn create_account(&self, by: Option<&Actor>, new: &NewAccount) -> StoreResult<UserId> {
        if let Some(by) = by {
            rules::admin_only(by)?;
        }
        let mut tx = self.begin().await?;
        let id = insert_account(&mut tx, new, new.role).await?;
        if let Some(by) = by {
            let audit = Audit::of_account("account.create", id, new.role);
            write_audit(&mut tx, by, Some(audit)).await?;
        }
        tx.commit().await.db()?;
        Ok(id)
    }

    async fn credentials(&self, username: &Username) -> StoreResult<Option<Credentials>> {
        let row: Option<CredentialsRow> = sqlx::query_as(
            "SELECT id, username, display_name, role, active, created_at, password_hash \
             FROM accounts WHERE username = $1",
        )
        .bind(username.as_str())
        .fetch_optional(&self.pool)
        .await
        .db()?;
        row.map(|r| {
            Ok(Credentials {
                account: r.account.into_account()?,
                password_hash: r.password_hash,
            })
        })
        .transpose()
    }

    async fn account(&self, by: &Actor, id: UserId) -> StoreResult<Account> {
        let mut tx = self.begin().await?;
        let row = account_row(&mut tx, id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let role = rows::role(&row.role)?;
        let live = live_link(&mut tx, by, id).await?;
        let audit = rules::read_account(by, id, role, live)?;
        write_audit(&mut tx, by, audit).await?;
        tx.commit().await.db()?;
        row.into_account()
    }

    async fn accounts(&self, by: &Actor) -> StoreResult<Vec<Account>> {
        rules::admin_only(by)?;
        let rows: Vec<AccountRow> = sqlx::query_as(
            "SELECT id, username, display_name, role, active, created_at FROM accounts ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await
        .db()?;
        rows.into_iter().map(AccountRow::into_account).collect()
    }

    async fn set_account_active(&self, by: &Actor, id: UserId, active: bool) -> StoreResult<u32> {
        rules::admin_only(by)?;
        let mut tx = self.begin().await?;
        lock_care_teams(&mut tx).await?;
        let role = role_of(&mut tx, id).await?;
        sqlx::query("UPDATE accounts SET active = $1 WHERE id = $2")
            .bind(active)
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .db()?;
        end_sessions_of(&mut tx, id).await?;
        // A clinician who leaves takes nobody's alerts with them: every patient they leave with
        // no active clinician has their open alerts sent to the duty list now.
        let mut orphaned = 0_u32;
        if !active && role == Role::Clinician {
            let patients: Vec<i64> = sqlx::query_scalar(
                "SELECT DISTINCT patient_id FROM care_links \
                 WHERE clinician_id = $1 AND revoked_at IS NULL ORDER BY patient_id",
            )
            .bind(id.0)
            .fetch_all(&mut *tx)
            .await
            .db()?;
            let now = rows::now();
            for patient in patients {
                if !has_active_clinician(&mut tx, UserId(patient)).await? {
                    orphaned += 1;
                    escalate_if_nobody(&mut tx, UserId(patient), now).await?;
                }
            }
        }
        let action = if active {
            "account.reactivate"
        } else {
            "account.deactivate"
        };
        write_audit(&mut tx, by, Some(Audit::of_account(action, id, role))).await?;
        tx.commit().await.db()?;
        Ok(orphaned)
    }

    async fn change_own_password(
        &self,
        by: &Actor,
        password_hash: &str,
        keep_session: Option<&str>,
    ) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        let done = sqlx::query("UPDATE accounts SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(by.user.0)
            .execute(&mut *tx)
            .await
            .db()?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        match keep_session {
            Some(keep) => {
                sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
                    .bind(by.user.0)
                    .bind(keep)
                    .execute(&mut *tx)
                    .await
                    .db()?;
            }
            None => end_sessions_of(&mut tx, by.user).await?,
        }
        revoke_tokens_of(&mut tx, by.user, rows::now()).await?;
        tx.commit().await.db()
    }

    // ----- One-time links -----------------------------------------------------------------

    async fn create_link(
        &self,
        by: Option<&Actor>,
        token_hash: &str,
        purpose: LinkPurpose,
        expires_at: Timestamp,
        reason: Option<&str>,
    ) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        let audit = match (by, purpose) {
            (None, LinkPurpose::FirstAdmin) => None,
            // The command line (`painpath user add`) is trusted as `create_account` trusts it,
            // but the account the link names must still be what the link says it is.
            (None, LinkPurpose::PasswordReset { user }) => {
                role_of(&mut tx, user).await?;
                None
            }
            (None, LinkPurpose::PatientInvitation { clinician }) => {
                if role_of(&mut tx, clinician).await? != Role::Clinician {
                    return Err(StoreError::NotFound);
                }
                None
            }
            (Some(_), LinkPurpose::FirstAdmin) => return Err(StoreError::Forbidden),
            (Some(by), LinkPurpose::PatientInvitation { clinician }) => {
                if by.role != Role::Clinician || by.user != clinician {
                    return Err(StoreError::Forbidden);
                }
                Some(Audit {
                    action: "link.create",
                    patients: Vec::new(),
                    subject: None,
                })
            }
            (Some(by), LinkPurpose::PasswordReset { user }) => {
                let role = role_of(&mut tx, user).await?;
                let live = live_link(&mut tx, by, user).await?;
                Some(rules::issue_reset(by, user, role, live, reason)?)
            }
        };
        let (kind, subject) = rows::purpose_columns(purpose);
        sqlx::query(
            "INSERT INTO one_time_links \
             (token_hash, purpose, subject_id, created_by, created_at, expires_at, reason) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(token_hash)
        .bind(kind)
        .bind(subject)
        .bind(by.map(|b| b.user.0))
        .bind(millis(rows::now()))
        .bind(millis(expires_at))
        .bind(reason.filter(|_| matches!(purpose, LinkPurpose::PasswordReset { .. })))
        .execute(&mut *tx)
        .await
        .conflict("token")?;
        if let Some(by) = by {
            write_audit(&mut tx, by, audit).await?;
        }
        tx.commit().await.db()
    }

    async fn link(&self, token_hash: &str) -> StoreResult<Option<OneTimeLink>> {
        let mut conn = self.pool.acquire().await.db()?;
        link_row(&mut conn, token_hash)
            .await?
            .map(LinkRow::into_link)
            .transpose()
    }

    async fn redeem_account_link(
        &self,
        token_hash: &str,
        now: Timestamp,
        new: &NewAccount,
    ) -> StoreResult<UserId> {
        let mut tx = self.begin().await?;
        let link = link_row(&mut tx, token_hash)
            .await?
            .ok_or(StoreError::NotFound)?;
        let purpose = link.purpose()?;
        // The link decides the role, whatever `new.role` says, so that an invitation can never
        // be turned into a staff account.
        let role = match purpose {
            LinkPurpose::FirstAdmin => Role::Admin,
            LinkPurpose::PatientInvitation { .. } => Role::Patient,
            LinkPurpose::PasswordReset { .. } => return Err(StoreError::NotFound),
        };
        if !link.is_live(now) {
            return Err(StoreError::LinkUsed);
        }
        match purpose {
            LinkPurpose::FirstAdmin => {
                // Two first-admin links redeemed at once would each see no admin under READ
                // COMMITTED; this lock, held until commit, makes the second wait and then see
                // the first's admin. (SQLite's write lock already does this.)
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(FIRST_ADMIN_LOCK)
                    .execute(&mut *tx)
                    .await
                    .db()?;
                let admin_exists: bool = sqlx::query_scalar(
                    "SELECT EXISTS (SELECT 1 FROM accounts WHERE role = 'admin')",
                )
                .fetch_one(&mut *tx)
                .await
                .db()?;
                if admin_exists {
                    return Err(StoreError::LinkUsed);
                }
            }
            LinkPurpose::PatientInvitation { clinician } => {
                // An invitation from a clinician who has since left lapses with their account.
                let inviter = account_row(&mut tx, clinician).await?;
                if !inviter.is_some_and(|a| a.active && a.role == Role::Clinician.code()) {
                    return Err(StoreError::LinkUsed);
                }
            }
            LinkPurpose::PasswordReset { .. } => {}
        }
        claim_link(&mut tx, token_hash, now).await?;
        // A taken username fails here and the whole transaction, the claim included, rolls back.
        let id = insert_account(&mut tx, new, role).await?;
        if let LinkPurpose::PatientInvitation { clinician } = purpose {
            sqlx::query(
                "INSERT INTO care_links (patient_id, clinician_id, granted_by, granted_at) \
                 VALUES ($1, $2, $2, $3)",
            )
            .bind(id.0)
            .bind(clinician.0)
            .bind(millis(now))
            .execute(&mut *tx)
            .await
            .conflict("care_link")?;
        }
        tx.commit().await.db()?;
        Ok(id)
    }

    async fn redeem_password_reset(
        &self,
        by: Option<&Actor>,
        token_hash: &str,
        now: Timestamp,
        password_hash: &str,
    ) -> StoreResult<UserId> {
        let mut tx = self.begin().await?;
        let link = link_row(&mut tx, token_hash)
            .await?
            .ok_or(StoreError::NotFound)?;
        let LinkPurpose::PasswordReset { user } = link.purpose()? else {
            return Err(StoreError::NotFound);
        };
        rules::redeem_reset(by, link.subject_role()?)?;
        if !link.is_live(now) {
            return Err(StoreError::LinkUsed);
        }
        claim_link(&mut tx, token_hash, now).await?;
        let done = sqlx::query("UPDATE accounts SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(user.0)
            .execute(&mut *tx)
            .await
            .db()?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        end_sessions_of(&mut tx, user).await?;
        revoke_tokens_of(&mut tx, user, now).await?;
        clear_failures_of(&mut tx, user).await?;
        tx.commit().await.db()?;
        Ok(user)
    }

    async fn staff_resets(&self, by: &Actor, since: Timestamp) -> StoreResult<Vec<StaffReset>> {
        let found: Vec<StaffResetRow> = sqlx::query_as(
            "SELECT k.display_name AS issued_by_name, k.role AS issued_by_role, \
             l.created_at AS issued_at, l.used_at, l.reason \
             FROM one_time_links l JOIN accounts k ON k.id = l.created_by \
             WHERE l.purpose = 'password_reset' AND l.subject_id = $1 \
             AND l.used_at IS NOT NULL AND l.used_at >= $2 \
             ORDER BY l.used_at DESC",
        )
        .bind(by.user.0)
        .bind(millis(since))
        .fetch_all(&self.pool)
        .await
        .db()?;
        found.into_iter().map(StaffResetRow::into_reset).collect()
    }

    // ----- Recovery codes -----------------------------------------------------------------

    async fn replace_recovery_codes(&self, by: &Actor, code_hashes: &[String]) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL")
            .bind(by.user.0)
            .execute(&mut *tx)
            .await
            .db()?;
        insert_recovery_codes(&mut tx, by.user, code_hashes).await?;
        tx.commit().await.db()
    }

    async fn recovery_codes_left(&self, by: &Actor) -> StoreResult<(u32, Option<Timestamp>)> {
        let (n, made): (i64, Option<i64>) = sqlx::query_as(
            "SELECT COUNT(*), MAX(created_at) FROM recovery_codes \
             WHERE user_id = $1 AND used_at IS NULL",
        )
        .bind(by.user.0)
        .fetch_one(&self.pool)
        .await
        .db()?;
        Ok((u32::try_from(n).unwrap_or(0), rows::instant_opt(made)?))
    }

    async fn redeem_recovery_code(
        &self,
        username: &Username,
        code_hash: &str,
        now: Timestamp,
        password_hash: &str,
    ) -> StoreResult<UserId> {
        let mut tx = self.begin().await?;
        // The code is claimed by the same statement that checks it, so two uses at once cannot
        // both succeed: the second finds it used.
        let user: Option<i64> = sqlx::query_scalar(
            "UPDATE recovery_codes SET used_at = $1 \
             WHERE code_hash = $2 AND used_at IS NULL AND user_id = \
             (SELECT id FROM accounts WHERE username = $3 AND active) \
             RETURNING user_id",
        )
        .bind(millis(now))
        .bind(code_hash)
        .bind(username.as_str())
        .fetch_optional(&mut *tx)
        .await
        .db()?;
        let user = UserId(user.ok_or(StoreError::NotFound)?);
        sqlx::query("UPDATE accounts SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(user.0)
            .execute(&mut *tx)
            .await
            .db()?;
        end_sessions_of(&mut tx, user).await?;
        revoke_tokens_of(&mut tx, user, now).await?;
        clear_failures_of(&mut tx, user).await?;
        tx.commit().await.db()?;
        Ok(user)
    }

    // ----- Sessions, sign-in attempts, API tokens -----------------------------------------

    async fn create_session(&self, session: &NewSession) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO sessions \
             (token_hash, user_id, created_at, expires_at, idle_seconds, last_seen_at, csrf_token) \
             VALUES ($1, $2, $3, $4, $5, $3, $6)",
        )
        .bind(&session.token_hash)
        .bind(session.user.0)
        .bind(millis(session.created_at))
        .bind(millis(session.expires_at))
        .bind(session.idle_seconds)
        .bind(&session.csrf_token)
        .execute(&self.pool)
        .await
        .conflict("session")?;
        Ok(())
    }

    async fn session(&self, token_hash: &str, now: Timestamp) -> StoreResult<Option<Session>> {
        // No transaction: one read, and at most one write that is whole on its own.
        let query = sqlx::query_as(
            "SELECT s.expires_at, s.idle_seconds, s.last_seen_at, s.csrf_token, \
             a.id, a.username, a.display_name, a.role, a.active, a.created_at \
             FROM sessions s JOIN accounts a ON a.id = s.user_id WHERE s.token_hash = $1",
        );
        let row: Option<SessionRow> = on_lane!(self, |conn| query
            .bind(token_hash)
            .fetch_optional(conn)
            .await
            .db())?;
        let Some(row) = row else {
            return Ok(None);
        };
        if !row.is_live(now) {
            // A dead session is never coming back; removing it keeps the table small.
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                .bind(token_hash)
                .execute(&self.pool)
                .await
                .db()?;
            return Ok(None);
        }
        // Only when more than a minute old (`rules::LAST_USE_LAG_MS` says what that does to the
        // idle timeout), and never backwards, should requests arrive out of order.
        if rules::last_use_is_stale(Some(row.last_seen_at), millis(now)) {
            sqlx::query(
                "UPDATE sessions SET last_seen_at = $1 \
                 WHERE token_hash = $2 AND last_seen_at < $1",
            )
            .bind(millis(now))
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .db()?;
        }
        Ok(Some(Session {
            account: row.account.into_account()?,
            csrf_token: row.csrf_token,
            expires_at: rows::instant(row.expires_at)?,
        }))
    }

    async fn end_session(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .db()?;
        Ok(())
    }

    async fn reserve_sign_in(
        &self,
        keys: &[(&str, u32)],
        since: Timestamp,
        at: Timestamp,
    ) -> StoreResult<Option<Vec<i64>>> {
        // Under READ COMMITTED two transactions could both count four and both insert a fifth;
        // a transaction-scoped advisory lock per key makes concurrent attempts on one key, from
        // any server, count and record one at a time. Keys are locked in sorted order, so two
        // attempts sharing both keys cannot deadlock.
        let mut tx = self.begin().await?;
        let mut sorted: Vec<&str> = keys.iter().map(|(k, _)| *k).collect();
        sorted.sort_unstable();
        sorted.dedup();
        for key in &sorted {
            sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
                .bind(*key)
                .execute(&mut *tx)
                .await
                .db()?;
        }
        for (key, limit) in keys {
            let n: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM sign_in_failures WHERE attempt_key = $1 AND at >= $2",
            )
            .bind(*key)
            .bind(millis(since))
            .fetch_one(&mut *tx)
            .await
            .db()?;
            if n >= i64::from(*limit) {
                return Ok(None);
            }
        }
        let mut ids = Vec::with_capacity(keys.len());
        for (key, _) in keys {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO sign_in_failures (attempt_key, at) VALUES ($1, $2) RETURNING id",
            )
            .bind(*key)
            .bind(millis(at))
            .fetch_one(&mut *tx)
            .await
            .db()?;
            ids.push(id);
        }
        tx.commit().await.db()?;
        Ok(Some(ids))
    }

    async fn release_sign_in(&self, reserved: &[i64]) -> StoreResult<()> {
        sqlx::query("DELETE FROM sign_in_failures WHERE id = ANY($1)")
            .bind(reserved)
            .execute(&self.pool)
            .await
            .db()?;
        Ok(())
    }

    async fn clear_failed_sign_ins(&self, key: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sign_in_failures WHERE attempt_key = $1")
            .bind(key)
            .execute(&self.pool)
            .await
            .db()?;
        Ok(())
    }

    async fn create_api_token(
        &self,
        by: &Actor,
        token_hash: &str,
        name: &str,
        expires_at: Option<Timestamp>,
    ) -> StoreResult<i64> {
        sqlx::query_scalar(
            "INSERT INTO api_tokens (user_id, token_hash, name, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(by.user.0)
        .bind(token_hash)
        .bind(name)
        .bind(millis(rows::now()))
        .bind(expires_at.map(millis))
        .fetch_one(&self.pool)
        .await
        .conflict("token")
    }

    async fn api_token_account(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> StoreResult<Option<Account>> {
        // No transaction: one read, and at most one write that is whole on its own.
        let query = sqlx::query_as(
            "SELECT t.expires_at AS token_expires_at, t.revoked_at AS token_revoked_at, \
             t.last_used_at AS token_last_used_at, \
             a.id, a.username, a.display_name, a.role, a.active, a.created_at \
             FROM api_tokens t JOIN accounts a ON a.id = t.user_id WHERE t.token_hash = $1",
        );
        let row: Option<ApiTokenAccountRow> = on_lane!(self, |conn| query
            .bind(token_hash)
            .fetch_optional(conn)
            .await
            .db())?;
        let Some(row) = row.filter(|r| r.is_live(now)) else {
            return Ok(None);
        };
        // Only when more than a minute old (`rules::LAST_USE_LAG_MS`), and never backwards.
        if rules::last_use_is_stale(row.token_last_used_at, millis(now)) {
            sqlx::query(
                "UPDATE api_tokens SET last_used_at = $1 \
                 WHERE token_hash = $2 AND (last_used_at IS NULL OR last_used_at < $1)",
            )
            .bind(millis(now))
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .db()?;
        }
        row.account.into_account().map(Some)
    }

    async fn api_tokens(&self, by: &Actor) -> StoreResult<Vec<ApiToken>> {
        let rows: Vec<ApiTokenRow> = sqlx::query_as(
            "SELECT id, name, created_at, expires_at, revoked_at, last_used_at \
             FROM api_tokens WHERE user_id = $1 ORDER BY id",
        )
        .bind(by.user.0)
        .fetch_all(&self.pool)
        .await
        .db()?;
        rows.into_iter().map(ApiTokenRow::into_token).collect()
    }

    async fn revoke_api_token(&self, by: &Actor, id: i64, at: Timestamp) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $1) \
             WHERE id = $2 AND user_id = $3",
        )
        .bind(millis(at))
        .bind(id)
        .bind(by.user.0)
        .execute(&self.pool)
        .await
        .db()?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    // ----- Care team ----------------------------------------------------------------------

    async fn link_care_team(
        &self,
        by: &Actor,
        patient: UserId,
        clinician: UserId,
    ) -> StoreResult<i64> {
        rules::admin_only(by)?;
        let mut tx = self.begin().await?;
        if role_of(&mut tx, patient).await? != Role::Patient
            || role_of(&mut tx, clinician).await? != Role::Clinician
        {
            return Err(StoreError::NotFound);
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO care_links (patient_id, clinician_id, granted_by, granted_at) \
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(patient.0)
        .bind(clinician.0)
        .bind(by.user.0)
        .bind(millis(rows::now()))
        .fetch_one(&mut *tx)
        .await
        .conflict("care_link")?;
        let audit = Audit::of_patient("care_link.create", patient).about(clinician);
        write_audit(&mut tx, by, Some(audit)).await?;
        tx.commit().await.db()?;
        Ok(id)
    }

    async fn care_links(&self, by: &Actor, patient: UserId) -> StoreResult<Vec<CareLink>> {
        let mut tx = self.begin().await?;
        let audit = match by.role {
            Role::Patient if by.user == patient => None,
            // An admin manages links (design.md 3), so may list them to revoke one.
            Role::Admin => {
                if role_of(&mut tx, patient).await? != Role::Patient {
                    return Err(StoreError::NotFound);
                }
                Some(Audit::of_patient("care_links.read", patient))
            }
            _ => return Err(StoreError::NotFound),
        };
        let rows: Vec<CareLinkRow> = sqlx::query_as(
            "SELECT l.id, l.patient_id, p.display_name AS patient_name, l.clinician_id, \
             c.display_name AS clinician_name, l.granted_by, l.granted_at, l.revoked_at, \
             c.active AS clinician_active \
             FROM care_links l \
             JOIN accounts p ON p.id = l.patient_id \
             JOIN accounts c ON c.id = l.clinician_id \
             WHERE l.patient_id = $1 ORDER BY l.id",
        )
        .bind(patient.0)
        .fetch_all(&mut *tx)
        .await
        .db()?;
        write_audit(&mut tx, by, audit).await?;
        tx.commit().await.db()?;
        rows.into_iter().map(CareLinkRow::into_link).collect()
    }

    async fn revoke_care_link(&self, by: &Actor, link: i64, at: Timestamp) -> StoreResult<Revoked> {
        let mut tx = self.begin().await?;
        lock_care_teams(&mut tx).await?;
        let found: Option<(i64, i64)> =
            sqlx::query_as("SELECT patient_id, clinician_id FROM care_links WHERE id = $1")
                .bind(link)
                .fetch_optional(&mut *tx)
                .await
                .db()?;
        let Some((patient, clinician)) = found else {
            return Err(StoreError::NotFound);
        };
        let (patient, clinician) = (UserId(patient), UserId(clinician));
        let own = by.role == Role::Patient && by.user == patient;
        if !own && by.role != Role::Admin {
            return Err(StoreError::NotFound);
        }
        let done = sqlx::query(
            "UPDATE care_links SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
        )
        .bind(millis(at))
        .bind(link)
        .execute(&mut *tx)
        .await
        .db()?;
        // Revoking twice changes nothing, so only the first revocation is audited.
        if done.rows_affected() == 1 && !own {
            let audit = Audit::of_patient("care_link.revoke", patient).about(clinician);
            write_audit(&mut tx, by, Some(audit)).await?;
        }
        let open_alert_moved = escalate_if_nobody(&mut tx, patient, at).await?;
        // Where it went, truthfully: the duty list is seen only by active clinicians the patient
        // has not removed. An admin is told nothing of alerts (no health data).
        let seers: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM accounts c WHERE c.role = 'clinician' AND c.active \
             AND NOT EXISTS (SELECT 1 FROM care_links r WHERE r.patient_id = $1 \
             AND r.clinician_id = c.id AND r.revoked_at IS NOT NULL)",
        )
        .bind(patient.0)
        .fetch_one(&mut *tx)
        .await
        .db()?;
        tx.commit().await.db()?;
        if !own {
            return Ok(Revoked::default());
        }
        Ok(Revoked {
            alert_to_duty_list: open_alert_moved && seers > 0,
            alert_seen_by_nobody: open_alert_moved && seers == 0,
        })
    }

    async fn my_patients(&self, by: &Actor) -> StoreResult<Vec<PatientSummary>> {
        if by.role != Role::Clinician {
            return Err(StoreError::Forbidden);
        }
        let mut tx = self.begin().await?;
        let rows: Vec<PatientSummaryRow> = sqlx::query_as(
            "SELECT a.id, a.display_name, d.date_of_birth, \
             (SELECT MAX(c.day) FROM check_ins c WHERE c.patient_id = a.id) AS last_check_in, \
             (SELECT COUNT(*) FROM alerts al \
              WHERE al.patient_id = a.id AND al.acknowledged_at IS NULL) AS open_alerts \
             FROM care_links l \
             JOIN accounts a ON a.id = l.patient_id \
             LEFT JOIN patient_details d ON d.patient_id = a.id \
             WHERE l.clinician_id = $1 AND l.revoked_at IS NULL \
             ORDER BY a.display_name, a.id",
        )
        .bind(by.user.0)
        .fetch_all(&mut *tx)
        .await
        .db()?;
        let audit = Audit {
            action: "patients.list",
            patients: rows.iter().map(|r| UserId(r.id)).collect(),
            subject: None,
        };
        write_audit(&mut tx, by, Some(audit)).await?;
        tx.commit().await.db()?;
        rows.into_iter()
            .map(PatientSummaryRow::into_summary)
            .collect()
    }

    async fn care_team_status(&self, by: &Actor, patient: UserId) -> StoreResult<CareTeamStatus> {
        rules::own_care_team_status(by, patient)?;
        let (active_clinicians, clinic_clinicians): (i64, i64) = sqlx::query_as(
            "SELECT \
             (SELECT COUNT(DISTINCT l.clinician_id) FROM care_links l \
              JOIN accounts c ON c.id = l.clinician_id \
              WHERE l.patient_id = $1 AND l.revoked_at IS NULL AND c.active \
              AND c.role = 'clinician'), \
             (SELECT COUNT(*) FROM accounts c WHERE c.role = 'clinician' AND c.active \
              AND NOT (EXISTS (SELECT 1 FROM care_links r WHERE r.patient_id = $1 \
                AND r.clinician_id = c.id AND r.revoked_at IS NOT NULL) \
              AND NOT EXISTS (SELECT 1 FROM care_links r WHERE r.patient_id = $1 \
                AND r.clinician_id = c.id AND r.revoked_at IS NULL)))",
        )
        .bind(patient.0)
        .fetch_one(&self.pool)
        .await
        .db()?;
        Ok(rows::care_team_status(active_clinicians, clinic_clinicians))
    }

    async fn patients_without_clinician(&self, by: &Actor) -> StoreResult<Vec<(UserId, String)>> {
        rules::admin_only(by)?;
        let found: Vec<(i64, String)> = sqlx::query_as(
            "SELECT a.id, a.display_name FROM accounts a \
             WHERE a.role = 'patient' AND a.active AND NOT EXISTS ( \
               SELECT 1 FROM care_links l JOIN accounts c ON c.id = l.clinician_id \
               WHERE l.patient_id = a.id AND l.revoked_at IS NULL AND c.active) \
             ORDER BY a.display_name, a.id",
        )
        .fetch_all(&self.pool)
        .await
        .db()?;
        Ok(found
            .into_iter()
            .map(|(id, name)| (UserId(id), name))
            .collect())
    }

    // ----- Patient details and preferences ------------------------------------------------

    async fn patient_details(&self, by: &Actor, patient: UserId) -> StoreResult<PatientDetails> {
        let mut tx = self.begin().await?;
        let live = live_link(&mut tx, by, patient).await?;
        let audit = rules::read_record(by, patient, live, "details.read")?;
        let row: Option<DetailsRow> = sqlx::query_as(
            "SELECT date_of_birth, nation, health_number, gp_practice_name, gp_practice_address, \
             contact_phone, emergency_contact_name, emergency_contact_phone \
             FROM patient_details WHERE patient_id = $1",
        )
        .bind(patient.0)
        .fetch_optional(&mut *tx)
        .await
        .db()?;
        write_audit(&mut tx, by, audit).await?;
        tx.commit().await.db()?;
        row.map_or_else(|| Ok(PatientDetails::default()), DetailsRow::into_details)
    }

    async fn save_patient_details(
        &self,
        by: &Actor,
        patient: UserId,
        details: &PatientDetails,
    ) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        let live = live_link(&mut tx, by, patient).await?;
        let audit = rules::change_details(by, patient, live)?;
        let d = DetailsColumns::of(details);
        sqlx::query(
            "INSERT INTO patient_details (patient_id, date_of_birth, nation, health_number, \
             gp_practice_name, gp_practice_address, contact_phone, emergency_contact_name, \
             emergency_contact_phone, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             ON CONFLICT (patient_id) DO UPDATE SET \
             date_of_birth = excluded.date_of_birth, nation = excluded.nation, \
             health_number = excluded.health_number, gp_practice_name = excluded.gp_practice_name, \
             gp_practice_address = excluded.gp_practice_address, \
             contact_phone = excluded.contact_phone, \
             emergency_contact_name = excluded.emergency_contact_name, \
             emergency_contact_phone = excluded.emergency_contact_phone, \
             updated_at = excluded.updated_at",
        )
        .bind(patient.0)
        .bind(d.date_of_birth)
        .bind(d.nation)
        .bind(d.health_number)
        .bind(d.gp_practice_name)
        .bind(d.gp_practice_address)
        .bind(d.contact_phone)
        .bind(d.emergency_contact_name)
        .bind(d.emergency_contact_phone)
        .bind(millis(rows::now()))
        .execute(&mut *tx)
        .await
        .conflict("details")?;
        write_audit(&mut tx, by, audit).await?;
        tx.commit().await.db()
    }

    async fn preferences(&self, by: &Actor) -> StoreResult<Preferences> {
        let query =
            sqlx::query_as("SELECT low_glare, large_text FROM preferences WHERE user_id = $1")
                .bind(by.user.0);
        let row: Option<(bool, bool)> =
            on_lane!(self, |conn| query.fetch_optional(conn).await.db())?;
        Ok(row
            .map(|(low_glare, large_text)| Preferences {
                low_glare,
                large_text,
            })
            .unwrap_or_default())
    }

    async fn save_preferences(&self, by: &Actor, preferences: Preferences) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO preferences (user_id, low_glare, large_text) VALUES ($1, $2, $3) \
             ON CONFLICT (user_id) DO UPDATE SET \
             low_glare = excluded.low_glare, large_text = excluded.large_text",
        )
        .bind(by.user.0)
        .bind(preferences.low_glare)
        .bind(preferences.large_text)
        .execute(&self.pool)
        .await
        .db()?;
        Ok(())
    }

    // ----- Diary --------------------------------------------------------------------------

    async fn save_check_in(
        &self,
        by: &Actor,
        patient: UserId,
        check_in: &CheckIn,
    ) -> StoreResult<Saved> {
        let live = if rules::link_matters(by) {
            let mut conn = self.pool.acquire().await.db()?;
            live_link(&mut conn, by, patient).await?
        } else {
            false
        };
        let audit = rules::write_diary(by, patient, live, "check_in.save")?;
        let c = CheckInColumns::of(check_in);
        let lists = CheckInLists::of(check_in);
        let Some(audit) = audit else {
            // The usual case, a patient writing their own diary, writes no audit entry: a new day
            // is then one statement (shared with other new days when it ticks no periods), and
            // only a day that is already there takes a transaction to replace it.
            let written = if check_in.done_today.is_empty() {
                self.new_days.write(patient, check_in).await?
            } else {
                on_lane!(self, |conn| insert_day(conn, patient, &c, &lists).await)?
            };
            if let Some(saved) = written {
                return Ok(saved);
            }
            let mut tx = self.begin().await?;
            replace_day(&mut tx, patient, &c, &lists).await?;
            tx.commit().await.db()?;
            return Ok(Saved::Replaced);
        };
        let mut tx = self.begin().await?;
        let saved = match insert_day(&mut tx, patient, &c, &lists).await? {
            Some(saved) => saved,
            None => {
                replace_day(&mut tx, patient, &c, &lists).await?;
                Saved::Replaced
            }
        };
        write_audit(&mut tx, by, Some(audit)).await?;
        tx.commit().await.db()?;
        Ok(saved)
    }

    async fn check_in(
        &self,
        by: &Actor,
        patient: UserId,
        date: Date,
    ) -> StoreResult<Option<CheckIn>> {
        let mut tx = self.begin().await?;
        let live = live_link(&mut tx, by, patient).await?;
        let audit = rules::read_record(by, patient, live, "check_in.read")?;
        let found = load_check_ins(&mut tx, patient, date, date).await?;
        write_audit(&mut tx, by, audit).await?;
        tx.commit().await.db()?;
        Ok(found.into_iter().next())
    }

    async fn diary(
        &self,
        by: &Actor,
        patient: UserId,
        from: Date,
        to: Date,
    ) -> StoreResult<Vec<CheckIn>> {
        let mut tx = self.begin().await?;
        let live = live_link(&mut tx, by, patient).await?;
        let audit = rules::read_record(by, patient, live, "diary.read")?;
        let days = load_check_ins(&mut tx, patient, from, to).await?;
        write_audit(&mut tx, by, audit).await?;
        tx.commit().await.db()?;
        Ok(days)
    }

    async fn delete_check_in(&self, by: &Actor, patient: UserId, date: Date) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        let live = live_link(&mut tx, by, patient).await?;
        let audit = rules::write_diary(by, patient, live, "check_in.delete")?;
        // The day's lists go with it (ON DELETE CASCADE).
        let done = sqlx::query("DELETE FROM check_ins WHERE patient_id = $1 AND day = $2")
            .bind(patient.0)
            .bind(rows::date_text(date))
            .execute(&mut *tx)
            .await
            .db()?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        write_audit(&mut tx, by, audit).await?;
        tx.commit().await.db()
    }

    // ----- Treatment periods --------------------------------------------------------------

    async fn treatment_periods(
        &self,
        by: &Actor,
        patient: UserId,
    ) -> StoreResult<Vec<TreatmentPeriod>> {
        let query = sqlx::query_as(
            "SELECT id, patient_id, treatment_code, medication_class, name, start_date, end_date, \
             outcome, recorded_by, source FROM treatment_periods WHERE patient_id = $1 \
             ORDER BY CASE WHEN end_date IS NULL THEN 0 ELSE 1 END, start_date DESC, id DESC",
        )
        .bind(patient.0);
        let rows: Vec<PeriodRow> = if unaudited_read(by, patient, "periods.read")? {
            on_lane!(self, |conn| query.fetch_all(conn).await.db())?
        } else {
            let mut tx = self.begin().await?;
            let live = live_link(&mut tx, by, patient).await?;
            let audit = rules::read_record(by, patient, live, "periods.read")?;
            let rows = query.fetch_all(&mut *tx).await.db()?;
            write_audit(&mut tx, by, audit).await?;
            tx.commit().await.db()?;
            rows
        };
        rows.into_iter().map(PeriodRow::into_period).collect()
    }

    async fn add_treatment_period(
        &self,
        by: &Actor,
        patient: UserId,
        period: &NewPeriod,
        source: PeriodSource,
    ) -> StoreResult<PeriodId> {
        let mut tx = self.begin().await?;
        let live = live_link(&mut tx, by, patient).await?;
        let audit = rules::record_treatment(by, patient, live, Some(source), "period.add")?;
        let (code, class) = rows::therapy_columns(&period.therapy);
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO treatment_periods (patient_id, treatment_code, medication_class, name, \
             start_date, end_date, outcome, recorded_by, source, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(patient.0)
        .bind(code)
        .bind(class)
        .bind(&period.name)
        .bind(rows::date_text(period.start))
        .bind(period.end.map(rows::date_text))
        .bind(period.outcome.map(PeriodOutcome::code))
        .bind(by.user.0)
        .bind(source.code())
        .bind(millis(rows::now()))
        .fetch_one(&mut *tx)
        .await
        .conflict("period")?;
        write_audit(&mut tx, by, audit).await?;
        tx.commit().await.db()?;
        Ok(PeriodId(id))
    }

    async fn end_treatment_period(
        &self,
        by: &Actor,
        patient: UserId,
        period: PeriodId,
        end: Date,
        outcome: PeriodOutcome,
    ) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        let live = live_link(&mut tx, by, patient).await?;
        let audit = rules::record_treatment(by, patient, live, None, "period.end")?;
        let found: Option<(Option<String>,)> = sqlx::query_as(
            "SELECT end_date FROM treatment_periods WHERE id = $1 AND patient_id = $2",
        )
        .bind(period.0)
        .bind(patient.0)
        .fetch_optional(&mut *tx)
        .await
        .db()?;
        match found {
            None => return Err(StoreError::NotFound),
            Some((Some(_),)) => return Err(StoreError::Conflict("period_ended")),
            Some((None,)) => {}
        }
        sqlx::query("UPDATE treatment_periods SET end_date = $1, outcome = $2 WHERE id = $3")
            .bind(rows::date_text(end))
            .bind(outcome.code())
            .bind(period.0)
            .execute(&mut *tx)
            .await
            .conflict("period")?;
        write_audit(&mut tx, by, audit).await?;
        tx.commit().await.db()
    }

    // ----- Questionnaires and alerts -------------------------------------------------------

    async fn save_questionnaire(
        &self,
        by: &Actor,
        patient: UserId,
        q: &NewQuestionnaire,
    ) -> StoreResult<i64> {
        let mut tx = self.begin().await?;
        let id = save_questionnaire_on(&mut tx, by, patient, q).await?;
        tx.commit().await.db()?;
        Ok(id)
    }

    async fn questionnaires(
        &self,
        by: &Actor,
        patient: UserId,
        instrument: Option<Instrument>,
    ) -> StoreResult<Vec<QuestionnaireResponse>> {
        let mut tx = self.begin().await?;
        let live = live_link(&mut tx, by, patient).await?;
        let audit = rules::read_record(by, patient, live, "questionnaires.read")?;
        let found = load_questionnaires(&mut tx, patient, instrument).await?;
        write_audit(&mut tx, by, audit).await?;
        tx.commit().await.db()?;
        Ok(found)
    }

    async fn save_questionnaire_draft(
        &self,
        by: &Actor,
        patient: UserId,
        instrument: Instrument,
        fields: &str,
        item9: Option<&Item9Signal>,
    ) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        save_questionnaire_draft_on(&mut tx, by, patient, instrument, fields, item9).await?;
        tx.commit().await.db()
    }

    async fn questionnaire_draft(
        &self,
        by: &Actor,
        patient: UserId,
        instrument: Instrument,
    ) -> StoreResult<Option<String>> {
        rules::own_draft(by, patient)?;
        sqlx::query_scalar(
            "SELECT fields FROM questionnaire_drafts WHERE patient_id = $1 AND instrument = $2",
        )
        .bind(patient.0)
        .bind(instrument.code())
        .fetch_optional(&self.pool)
        .await
        .db()
    }

    async fn open_alerts(&self, by: &Actor) -> StoreResult<Vec<Alert>> {
        rules::clinician_only(by)?;
        let mut tx = self.begin().await?;
        let rows: Vec<AlertRow> = sqlx::query_as(concat!(
            alert_select!(),
            "JOIN care_links l ON l.patient_id = al.patient_id \
             AND l.clinician_id = $1 AND l.revoked_at IS NULL \
             WHERE al.acknowledged_at IS NULL \
             ORDER BY al.raised_at DESC, al.id DESC"
        ))
        .bind(by.user.0)
        .fetch_all(&mut *tx)
        .await
        .db()?;
        if !rows.is_empty() {
            let audit = Audit {
                action: "alerts.read",
                patients: rows.iter().map(|r| UserId(r.patient_id)).collect(),
                subject: None,
            };
            write_audit(&mut tx, by, Some(audit)).await?;
        }
        let alerts = with_children(&mut tx, rows).await?;
        tx.commit().await.db()?;
        Ok(alerts)
    }

    async fn patient_alerts(&self, by: &Actor, patient: UserId) -> StoreResult<Vec<Alert>> {
        let mut tx = self.begin().await?;
        let live = live_link(&mut tx, by, patient).await?;
        let audit = rules::read_record(by, patient, live, "alerts.read")?;
        let rows: Vec<AlertRow> = sqlx::query_as(concat!(
            alert_select!(),
            "WHERE al.patient_id = $1 ORDER BY al.raised_at DESC, al.id DESC"
        ))
        .bind(patient.0)
        .fetch_all(&mut *tx)
        .await
        .db()?;
        let alerts = with_children(&mut tx, rows).await?;
        write_audit(&mut tx, by, audit).await?;
        tx.commit().await.db()?;
        Ok(alerts)
    }

    async fn acknowledge_alert(
        &self,
        by: &Actor,
        alert: i64,
        at: Timestamp,
        note: &AcknowledgementNote,
        seen: Option<Timestamp>,
    ) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        acknowledge_alert_on(&mut tx, by, alert, at, note.as_str(), seen).await?;
        tx.commit().await.db()
    }

    async fn open_alert_count(&self, by: &Actor) -> StoreResult<u32> {
        rules::clinician_only(by)?;
        // A number names nobody, so it is not audited (the list itself is).
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM alerts al JOIN care_links l ON l.patient_id = al.patient_id \
             AND l.clinician_id = $1 AND l.revoked_at IS NULL WHERE al.acknowledged_at IS NULL",
        )
        .bind(by.user.0)
        .fetch_one(&self.pool)
        .await
        .db()?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    async fn duty_list(&self, by: &Actor, now: Timestamp) -> StoreResult<Vec<DutyAlert>> {
        rules::duty_list(by)?;
        let mut tx = self.begin().await?;
        let delay = clinic_settings_on(&mut tx).await?.escalation_delay;
        let on_duty = duty_alerts_for(&mut tx, by, now).await?;
        let mut out = Vec::with_capacity(on_duty.len());
        for (alert, reasons) in on_duty {
            let details: Option<DetailsRow> = sqlx::query_as(
                "SELECT date_of_birth, nation, health_number, gp_practice_name, \
                 gp_practice_address, contact_phone, emergency_contact_name, \
                 emergency_contact_phone FROM patient_details WHERE patient_id = $1",
            )
            .bind(alert.patient.0)
            .fetch_optional(&mut *tx)
            .await
            .db()?;
            let clinicians: Vec<(String, bool)> = sqlx::query_as(
                "SELECT c.display_name, c.active FROM care_links l \
                 JOIN accounts c ON c.id = l.clinician_id \
                 WHERE l.patient_id = $1 AND l.revoked_at IS NULL ORDER BY c.display_name, c.id",
            )
            .bind(alert.patient.0)
            .fetch_all(&mut *tx)
            .await
            .db()?;
            let viewer_linked = live_link(&mut tx, by, alert.patient).await?;
            out.push(DutyAlert {
                viewer_linked,
                due_at: duty::due_at(alert.raised_at, delay),
                details: details
                    .map_or_else(|| Ok(PatientDetails::default()), DetailsRow::into_details)?,
                clinicians,
                reasons,
                alert,
            });
        }
        if !out.is_empty() {
            let audit = Audit {
                action: "duty_list.read",
                patients: out.iter().map(|d| d.alert.patient).collect(),
                subject: None,
            };
            write_audit(&mut tx, by, Some(audit)).await?;
        }
        tx.commit().await.db()?;
        Ok(out)
    }

    async fn duty_count(&self, by: &Actor, now: Timestamp) -> StoreResult<u32> {
        rules::duty_list(by)?;
        // A count names nobody, so it is not audited.
        let mut tx = self.begin().await?;
        let n = duty_alerts_for(&mut tx, by, now).await?.len();
        tx.commit().await.db()?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    async fn record_overdue_escalations(&self, now: Timestamp) -> StoreResult<u32> {
        // Look first, then write only what is due: most minutes there is nothing to record.
        let mut read = self.begin().await?;
        let delay = clinic_settings_on(&mut read).await?.escalation_delay;
        let due: Vec<(i64, Timestamp)> = open_alerts_with_cover(&mut read)
            .await?
            .into_iter()
            .filter(|(a, _)| {
                duty::is_overdue(a.raised_at, now, delay)
                    && !a
                        .escalations
                        .iter()
                        .any(|e| e.reason == EscalationReason::Overdue)
            })
            .map(|(a, _)| (a.id, duty::due_at(a.raised_at, delay)))
            .collect();
        read.commit().await.db()?;
        if due.is_empty() {
            return Ok(0);
        }
        let mut tx = self.begin().await?;
        let mut recorded = 0_u32;
        for (alert, at) in due {
            // Recorded as of when it fell due, however late the sweep ran; an alert acknowledged
            // in the meantime is left alone.
            let done = sqlx::query(
                "INSERT INTO alert_escalations (alert_id, at, reason) \
                 SELECT id, $2, 'overdue' FROM alerts WHERE id = $1 AND acknowledged_at IS NULL \
                 ON CONFLICT (alert_id, reason) DO NOTHING",
            )
            .bind(alert)
            .bind(millis(at))
            .execute(&mut *tx)
            .await
            .db()?;
            recorded += u32::try_from(done.rows_affected()).unwrap_or(0);
        }
        tx.commit().await.db()?;
        Ok(recorded)
    }

    // ----- The clinic ---------------------------------------------------------------------

    async fn clinic_settings(&self) -> StoreResult<ClinicSettings> {
        let mut conn = self.pool.acquire().await.db()?;
        clinic_settings_on(&mut conn).await
    }

    async fn save_clinic_settings(&self, by: &Actor, settings: ClinicSettings) -> StoreResult<()> {
        rules::admin_only(by)?;
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO clinic_settings (id, alert_escalation_working_days, updated_at) \
             VALUES (1, $1, $2) ON CONFLICT (id) DO UPDATE SET \
             alert_escalation_working_days = excluded.alert_escalation_working_days, \
             updated_at = excluded.updated_at",
        )
        .bind(i64::from(settings.escalation_delay.days()))
        .bind(millis(rows::now()))
        .execute(&mut *tx)
        .await
        .db()?;
        let audit = Audit {
            action: "clinic_settings.save",
            patients: Vec::new(),
            subject: None,
        };
        write_audit(&mut tx, by, Some(audit)).await?;
        tx.commit().await.db()
    }

    // ----- Audit --------------------------------------------------------------------------

    async fn staff_audit(&self, by: &Actor, limit: u32) -> StoreResult<Vec<AuditEntry>> {
        rules::admin_only(by)?;
        let mut conn = self.pool.acquire().await.db()?;
        let query = sqlx::query_as(
            "SELECT a.id, a.at, a.actor_id, ac.display_name AS actor_name, a.actor_role, \
             a.action, a.subject_id, ap.patient_id \
             FROM (SELECT * FROM audit WHERE actor_role IN ('admin', 'clinician') \
                   ORDER BY id DESC LIMIT $1) a \
             JOIN accounts ac ON ac.id = a.actor_id \
             LEFT JOIN audit_patients ap ON ap.audit_id = a.id \
             ORDER BY a.id DESC, ap.patient_id",
        )
        .bind(i64::from(limit));
        audit_entries(&mut conn, query).await
    }

    async fn audit_for_patient(&self, by: &Actor, patient: UserId) -> StoreResult<Vec<AuditEntry>> {
        let mut tx = self.begin().await?;
        let audit = match by.role {
            Role::Patient if by.user == patient => None,
            Role::Admin => {
                if role_of(&mut tx, patient).await? != Role::Patient {
                    return Err(StoreError::NotFound);
                }
                Some(Audit::of_patient("audit.read", patient))
            }
            _ => return Err(StoreError::NotFound),
        };
        let query = sqlx::query_as(
            "SELECT a.id, a.at, a.actor_id, ac.display_name AS actor_name, a.actor_role, \
             a.action, a.subject_id, ap.patient_id \
             FROM audit a \
             JOIN accounts ac ON ac.id = a.actor_id \
             LEFT JOIN audit_patients ap ON ap.audit_id = a.id \
             WHERE a.id IN (SELECT audit_id FROM audit_patients WHERE patient_id = $1) \
             ORDER BY a.id DESC, ap.patient_id",
        )
        .bind(patient.0);
        // Read before this read is itself recorded, so the list is what was there when asked.
        let entries = audit_entries(&mut tx, query).await?;
        write_audit(&mut tx, by, audit).await?;
        tx.commit().await.db()?;
        Ok(entries)
    }
}
