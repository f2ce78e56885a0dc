//! The embedded backend: one SQLite file, `painpath.sqlite3`, in the data folder.
//!
//! The file is opened in WAL mode with `synchronous=FULL`, so a call that has returned survives a
//! power cut, and readers never wait for the writer. Every call that writes anything (an audit
//! entry counts) runs in a `BEGIN IMMEDIATE` transaction: it takes the write lock at the start
//! rather than upgrading a read lock halfway, which SQLite would refuse with `SQLITE_BUSY` at
//! once instead of waiting out the busy timeout. Writers therefore queue for up to five seconds,
//! which at one clinic's scale is never noticed.
//!
//! The busiest writes do not take a transaction of their own: saving a check-in or a
//! questionnaire (or its draft, which the questionnaire pages save at every step), acknowledging
//! an alert, and the note of a session's or API token's last use (which a signed-in request
//! makes when the last note is over a minute old, [`rules::LAST_USE_LAG_MS`]), are handed to the
//! [`GroupWriter`]. It commits the calls that arrive together in one transaction, each in its own
//! savepoint, and answers none of them before that commit is durable (see its comment for why and
//! what was measured). A patient reading their own record writes nothing, so that read takes no
//! write lock at all ([`SqliteStore::begin_record_read`]).
//!
//! The SQL here has a PostgreSQL twin in `postgres.rs`. They are written twice on purpose rather
//! than abstracted over dialects; the contract suite keeps them in step. The decisions about
//! access and audit are not written twice: both backends ask [`crate::rules`].

use std::collections::BTreeSet;
use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::time::Duration;

use jiff::Timestamp;
use jiff::civil::Date;
use painpath_core::access::Actor;
use painpath_core::diary::CheckIn;
use painpath_core::duty::{self, AcknowledgementNote, EscalationReason};
use painpath_core::instruments::Instrument;
use painpath_core::person::{PatientDetails, Role, UserId, Username};
use painpath_core::treatment::{NewPeriod, PeriodId, PeriodOutcome, PeriodSource, TreatmentPeriod};
use sqlx::migrate::Migrator;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteSynchronous,
};
use sqlx::{Sqlite, SqliteExecutor, Transaction};
use tokio::sync::{mpsc, oneshot};

use crate::failure::{self, Db};
use crate::rows::{
    self, AccountRow, AlertAnswerRow, AlertRow, AnswerRow, ApiTokenAccountRow, ApiTokenRow,
    AuditRow, CareLinkRow, CheckInChildren, CheckInColumns, CheckInRow, CredentialsRow,
    DetailsColumns, DetailsRow, EscalationRow, LinkRow, PatientSummaryRow, PeriodRow,
    QuestionnaireRow, SessionRow, StaffResetRow, millis,
};
use crate::rules::{self, Audit};
use crate::{
    Account, Alert, AlertKind, ApiToken, AuditEntry, CareLink, CareTeamStatus, ClinicSettings,
    Credentials, DutyAlert, Item9Signal, LinkPurpose, NewAccount, NewQuestionnaire, NewSession,
    OneTimeLink, PatientSummary, Preferences, QuestionnaireResponse, Revoked, Saved, Session,
    StaffReset, Store, StoreError, StoreResult,
};

static MIGRATOR: Migrator = sqlx::migrate!("./migrations/sqlite");

/// The database file's name inside the data folder.
const FILE_NAME: &str = "painpath.sqlite3";

/// How long a call waits for another's write lock before giving up as `Unavailable`.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Enough connections for concurrent readers; writers take turns whatever the number.
const MAX_CONNECTIONS: u32 = 8;

/// painpath's store in a SQLite file. Cheap to clone: clones share one connection pool and one
/// group-commit writer.
#[derive(Clone, Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
    writer: GroupWriter,
}

impl SqliteStore {
    /// Opens (creating if need be) `painpath.sqlite3` in `data_dir`, creating the folder too, and
    /// brings its schema up to date. Opening an existing file again keeps its data.
    pub async fn open(data_dir: &Path) -> StoreResult<SqliteStore> {
        // Blocking, but once at start-up, before the server takes requests.
        std::fs::create_dir_all(data_dir).map_err(|e| {
            StoreError::Unavailable(format!(
                "cannot create the data folder {}: {e}",
                data_dir.display()
            ))
        })?;
        let options = SqliteConnectOptions::new()
            .filename(data_dir.join(FILE_NAME))
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        let pool = SqlitePoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .connect_with(options)
            .await
            .db()?;
        MIGRATOR.run(&pool).await.map_err(failure::migration)?;
        let writer = GroupWriter::start(pool.clone());
        Ok(SqliteStore { pool, writer })
    }

    /// The result of `PRAGMA integrity_check`: `ok` when the file is sound, otherwise SQLite's
    /// list of problems, one a line.
    pub async fn integrity_check(&self) -> StoreResult<String> {
        let lines: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_all(&self.pool)
            .await
            .db()?;
        Ok(lines.join("\n"))
    }

    /// A transaction holding the write lock from its first statement (see the module comment).
    async fn begin(&self) -> StoreResult<Transaction<'static, Sqlite>> {
        self.pool.begin_with("BEGIN IMMEDIATE").await.db()
    }

    /// The transaction for reading a patient's record, and the audit entry the read needs.
    ///
    /// A read that will write no audit entry (a patient reading their own record) needs no write
    /// lock, so it takes a plain read transaction: in WAL mode it sees one consistent snapshot and
    /// never waits for a writer, not even for a group commit's flush. Whether a read is audited
    /// depends on the database only for a clinician (a care-team link), and a clinician's allowed
    /// read is always audited, so the choice can be made before the transaction starts. A read
    /// that will be audited takes the write lock from the start, as every write does.
    async fn begin_record_read(
        &self,
        by: &Actor,
        patient: UserId,
        action: &'static str,
    ) -> StoreResult<(Transaction<'static, Sqlite>, Option<Audit>)> {
        if !rules::link_matters(by) && rules::read_record(by, patient, false, action)?.is_none() {
            return Ok((self.pool.begin().await.db()?, None));
        }
        let mut tx = self.begin().await?;
        let live = live_link(&mut tx, by, patient).await?;
        let audit = rules::read_record(by, patient, live, action)?;
        Ok((tx, audit))
    }
}

// ----- Group commit -----------------------------------------------------------------------------

/// Most calls a group commits at once; a longer queue waits for the next commit.
const MAX_GROUP: usize = 64;

/// Calls waiting for the writer; past this, callers wait to queue (back-pressure).
const QUEUE_DEPTH: usize = 1024;

/// A boxed future borrowing the group's connection, as sqlx's `Connection::transaction` takes.
type BoxFuture<'c, T> = Pin<Box<dyn Future<Output = T> + Send + 'c>>;

/// Commits concurrent calls together: one transaction, one savepoint per call, one durable commit.
///
/// **Why.** With `synchronous=FULL` every commit waits for the disk (an `fsync` of the WAL), and
/// SQLite lets one writer in at a time. Each `save_check_in` in its own `BEGIN IMMEDIATE`
/// transaction therefore paid for one flush of its own, and concurrent callers queued on
/// SQLite's lock through its busy handler, which sleeps in steps of up to 100 ms. painpath-bench
/// measured check-ins through the HTTP API at 32 % of raw single-row autocommit inserts on the
/// same disk, with a p99 of 135 ms (docs/performance.md). Here the calls that arrive while a
/// commit is under way wait in a queue instead, and the next commit carries all of them, so the
/// cost of a flush is shared and nobody sleeps on the lock. The same queue carries the other write
/// every request makes, noting an API token's or a session's last use: with only `save_check_in`
/// grouped, that note still cost each request a flush of its own on its own lock, and the bench
/// measured 53 % with a p99 of 113 ms; with both grouped, 95 % and 16 ms. (That note is now
/// written at most once a minute per session or token, so most requests skip the queue.)
///
/// **How.** One task owns the queue. It takes the first call waiting, and every other call already
/// queued (up to [`MAX_GROUP`]), opens one `BEGIN IMMEDIATE` transaction, and runs each call inside
/// `SAVEPOINT call … RELEASE call`. A call that fails is rolled back to its savepoint and gets its
/// own error; the others are unaffected. Only when `COMMIT` has returned, and so the group is on
/// disk, is each caller answered through its oneshot channel. If the commit fails, every caller in
/// the group gets the failure and none of them is told its work was kept. Each call is still
/// atomic on its own, with its audit entry inside its savepoint, as the [`Store`] contract asks.
/// The writer never waits to fill a group: a call that finds the writer idle is committed at once,
/// alone, so an unloaded server answers as fast as before.
///
/// **The alternative** was to relax durability: `synchronous=NORMAL` in WAL mode makes commits
/// cheap but lets the last commits before a power cut vanish after the caller was told they were
/// saved. A diary entry a person was told is saved must be saved, so durability stays and the
/// cost of each flush is shared instead. Writing through one connection with no group (a plain
/// queue) would have removed the lock sleeps but kept one flush per call.
///
/// Other servers on the same file (or `painpath` commands run beside the server) still take
/// SQLite's lock in the ordinary way; the group is one transaction to them.
#[derive(Clone, Debug)]
struct GroupWriter {
    queue: mpsc::Sender<Box<dyn Queued>>,
}

/// One call waiting for the writer.
trait Queued: Send {
    /// Runs the call's statements on the group's connection, inside its savepoint.
    fn run<'c>(self: Box<Self>, conn: &'c mut SqliteConnection) -> BoxFuture<'c, Ran>;

    /// Answers the caller without running the call: the group could not go ahead.
    fn refuse(self: Box<Self>, error: &StoreError);
}

/// How to answer a call that has run, once its group's commit is known: `None` when it committed,
/// else the error that stopped the group.
type Answer = Box<dyn FnOnce(Option<&StoreError>) + Send>;

/// A call that has run: whether its savepoint is kept, and how to answer it.
struct Ran {
    kept: bool,
    answer: Answer,
}

/// A [`Queued`] call made from a closure and the channel its caller waits on.
struct Call<T, F> {
    work: F,
    reply: oneshot::Sender<StoreResult<T>>,
}

impl<T, F> Queued for Call<T, F>
where
    T: Send + 'static,
    F: for<'c> FnOnce(&'c mut SqliteConnection) -> BoxFuture<'c, StoreResult<T>> + Send + 'static,
{
    fn run<'c>(self: Box<Self>, conn: &'c mut SqliteConnection) -> BoxFuture<'c, Ran> {
        let Call { work, reply } = *self;
        Box::pin(async move {
            let result = work(conn).await;
            let kept = result.is_ok();
            let answer = move |commit: Option<&StoreError>| {
                let answer = match (result, commit) {
                    (Ok(value), None) => Ok(value),
                    (Ok(_), Some(error)) => Err(same_error(error)),
                    (Err(error), _) => Err(error),
                };
                // A caller that stopped waiting (its request was cancelled) needs no answer;
                // its work is committed all the same, as it would be without the group.
                let _ = reply.send(answer);
            };
            Ran {
                kept,
                answer: Box::new(answer),
            }
        })
    }

    fn refuse(self: Box<Self>, error: &StoreError) {
        let _ = self.reply.send(Err(same_error(error)));
    }
}

/// The same error again, for each caller of a group that failed as a whole.
fn same_error(error: &StoreError) -> StoreError {
    match error {
        StoreError::NotFound => StoreError::NotFound,
        StoreError::Forbidden => StoreError::Forbidden,
        StoreError::Conflict(name) => StoreError::Conflict(name),
        StoreError::LinkUsed => StoreError::LinkUsed,
        StoreError::Unavailable(text) => StoreError::Unavailable(text.clone()),
    }
}

impl GroupWriter {
    /// Starts the writer task on the current tokio runtime. It ends when the last clone of the
    /// store is dropped, after committing what was queued.
    fn start(pool: SqlitePool) -> GroupWriter {
        let (queue, calls) = mpsc::channel(QUEUE_DEPTH);
        tokio::spawn(write_groups(pool, calls));
        GroupWriter { queue }
    }

    /// Queues `work` for the next group and waits until its group's commit is durable (or it,
    /// or the commit, has failed).
    async fn run<T, F>(&self, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut SqliteConnection) -> BoxFuture<'c, StoreResult<T>>
            + Send
            + 'static,
    {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send(Box::new(Call { work, reply }))
            .await
            .map_err(|_| writer_gone())?;
        answer.await.map_err(|_| writer_gone())?
    }
}

fn writer_gone() -> StoreError {
    StoreError::Unavailable("the SQLite writer task has stopped".into())
}

/// The writer task: one group after another until every sender is gone.
///
/// Each group runs as a task of its own, awaited before the next begins, so groups never overlap;
/// should a call ever panic, only its group fails (its callers see their reply channel close and
/// get `Unavailable`), and the writer goes on with the next.
async fn write_groups(pool: SqlitePool, mut calls: mpsc::Receiver<Box<dyn Queued>>) {
    while let Some(first) = calls.recv().await {
        let mut group = Vec::with_capacity(MAX_GROUP);
        group.push(first);
        while group.len() < MAX_GROUP {
            match calls.try_recv() {
                Ok(call) => group.push(call),
                Err(_) => break,
            }
        }
        // Every caller of the group has its answer by now; a panic closed their reply channels.
        let _ = tokio::spawn(commit_group(pool.clone(), group)).await;
    }
}

/// Runs every call of `group` in its own savepoint of one transaction, commits, then answers each.
async fn commit_group(pool: SqlitePool, group: Vec<Box<dyn Queued>>) {
    let mut tx = match pool.begin_with("BEGIN IMMEDIATE").await.db() {
        Ok(tx) => tx,
        Err(error) => {
            for call in group {
                call.refuse(&error);
            }
            return;
        }
    };
    let mut answers = Vec::with_capacity(group.len());
    let mut calls = group.into_iter();
    while let Some(call) = calls.next() {
        let ran = match sqlx::query("SAVEPOINT call").execute(&mut *tx).await.db() {
            Ok(_) => call.run(&mut tx).await,
            Err(error) => {
                call.refuse(&error);
                abandon(answers, calls, &error);
                return;
            }
        };
        let end: &[&str] = if ran.kept {
            &["RELEASE call"]
        } else {
            &["ROLLBACK TO call", "RELEASE call"]
        };
        let mut ended = Ok(());
        for statement in end {
            if let Err(error) = sqlx::query(*statement).execute(&mut *tx).await.db() {
                ended = Err(error);
                break;
            }
        }
        answers.push(ran.answer);
        if let Err(error) = ended {
            // The transaction is in a state nobody can vouch for: give up the whole group (the
            // transaction rolls back when dropped) and tell every caller.
            abandon(answers, calls, &error);
            return;
        }
    }
    drop(calls);
    match tx.commit().await.db() {
        Ok(()) => answers.into_iter().for_each(|answer| answer(None)),
        Err(error) => answers.into_iter().for_each(|answer| answer(Some(&error))),
    }
}

/// Fails a group that cannot be committed: the calls that ran and the calls still waiting.
fn abandon(
    answers: Vec<Answer>,
    waiting: impl Iterator<Item = Box<dyn Queued>>,
    error: &StoreError,
) {
    for answer in answers {
        answer(Some(error));
    }
    for call in waiting {
        call.refuse(error);
    }
}

// ----- Facts and writes shared by several calls -----------------------------------------------

/// Whether a live care-team link joins the actor to the patient; only looked up when the actor's
/// standing can depend on it.
async fn live_link(conn: &mut SqliteConnection, by: &Actor, patient: UserId) -> StoreResult<bool> {
    if !rules::link_matters(by) {
        return Ok(false);
    }
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM care_links \
         WHERE patient_id = ?1 AND clinician_id = ?2 AND revoked_at IS NULL)",
    )
    .bind(patient.0)
    .bind(by.user.0)
    .fetch_one(conn)
    .await
    .db()
}

async fn write_audit(
    conn: &mut SqliteConnection,
    by: &Actor,
    audit: Option<Audit>,
) -> StoreResult<()> {
    let Some(audit) = audit else {
        return Ok(());
    };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO audit (at, actor_id, actor_role, action, subject_id) \
         VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
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
        sqlx::query("INSERT INTO audit_patients (audit_id, patient_id) VALUES (?1, ?2)")
            .bind(id)
            .bind(patient.0)
            .execute(&mut *conn)
            .await
            .db()?;
    }
    Ok(())
}

async fn account_row(conn: &mut SqliteConnection, id: UserId) -> StoreResult<Option<AccountRow>> {
    sqlx::query_as(
        "SELECT id, username, display_name, role, active, created_at FROM accounts WHERE id = ?1",
    )
    .bind(id.0)
    .fetch_optional(conn)
    .await
    .db()
}

/// An account's role, or `NotFound` when there is no such account.
async fn role_of(conn: &mut SqliteConnection, id: UserId) -> StoreResult<Role> {
    let row = account_row(conn, id).await?.ok_or(StoreError::NotFound)?;
    rows::role(&row.role)
}

async fn insert_account(
    conn: &mut SqliteConnection,
    new: &NewAccount,
    role: Role,
) -> StoreResult<UserId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO accounts (username, display_name, role, password_hash, active, created_at) \
         VALUES (?1, ?2, ?3, ?4, 1, ?5) RETURNING id",
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
    conn: &mut SqliteConnection,
    user: UserId,
    code_hashes: &[String],
) -> StoreResult<()> {
    for hash in code_hashes {
        sqlx::query(
            "INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES (?1, ?2, ?3)",
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
async fn revoke_tokens_of(
    conn: &mut SqliteConnection,
    user: UserId,
    at: Timestamp,
) -> StoreResult<()> {
    sqlx::query("UPDATE api_tokens SET revoked_at = ?1 WHERE user_id = ?2 AND revoked_at IS NULL")
        .bind(millis(at))
        .bind(user.0)
        .execute(&mut *conn)
        .await
        .db()?;
    // Any other reset link for the account stops working too: whoever holds one cannot undo
    // the new password. It is expired, not marked used, so it is never reported as a reset.
    sqlx::query(
        "UPDATE one_time_links SET expires_at = ?1 WHERE purpose = 'password_reset' \
         AND subject_id = ?2 AND used_at IS NULL AND expires_at > ?1",
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
async fn clear_failures_of(conn: &mut SqliteConnection, user: UserId) -> StoreResult<()> {
    sqlx::query(
        "DELETE FROM sign_in_failures WHERE attempt_key = \
         (SELECT ?1 || username FROM accounts WHERE id = ?2)",
    )
    .bind(crate::ACCOUNT_ATTEMPT_KEY)
    .bind(user.0)
    .execute(conn)
    .await
    .db()?;
    Ok(())
}

async fn end_sessions_of(conn: &mut SqliteConnection, user: UserId) -> StoreResult<()> {
    sqlx::query("DELETE FROM sessions WHERE user_id = ?1")
        .bind(user.0)
        .execute(conn)
        .await
        .db()?;
    Ok(())
}

async fn link_row(conn: &mut SqliteConnection, token_hash: &str) -> StoreResult<Option<LinkRow>> {
    sqlx::query_as(
        "SELECT l.purpose, l.subject_id, l.created_by, l.created_at, l.expires_at, l.used_at, \
         l.reason, s.role AS subject_role \
         FROM one_time_links l LEFT JOIN accounts s ON s.id = l.subject_id \
         AND l.purpose = 'password_reset' \
         WHERE l.token_hash = ?1",
    )
    .bind(token_hash)
    .fetch_optional(conn)
    .await
    .db()
}

/// Marks a link used, unless another call got there first; `LinkUsed` then.
async fn claim_link(
    conn: &mut SqliteConnection,
    token_hash: &str,
    now: Timestamp,
) -> StoreResult<()> {
    let done = sqlx::query(
        "UPDATE one_time_links SET used_at = ?1 WHERE token_hash = ?2 AND used_at IS NULL",
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
    conn: &mut SqliteConnection,
    patient: UserId,
    from: Date,
    to: Date,
) -> StoreResult<Vec<CheckIn>> {
    let (from, to) = (rows::date_text(from), rows::date_text(to));
    let days: Vec<CheckInRow> = sqlx::query_as(
        "SELECT id, day, pain, fatigue, fog, sleep_quality, sleep_tenths, bed_time, wake_time, \
         mood, stress, sensitivity, activity_minutes, flare, note \
         FROM check_ins WHERE patient_id = ?1 AND day BETWEEN ?2 AND ?3 ORDER BY day",
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
         WHERE c.patient_id = ?1 AND c.day BETWEEN ?2 AND ?3",
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
         WHERE c.patient_id = ?1 AND c.day BETWEEN ?2 AND ?3",
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
         WHERE c.patient_id = ?1 AND c.day BETWEEN ?2 AND ?3",
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
         WHERE c.patient_id = ?1 AND c.day BETWEEN ?2 AND ?3 \
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

/// A session joined with its account, read through `conn` (the pool, or the writer's
/// transaction).
async fn session_row<'e>(
    conn: impl SqliteExecutor<'e>,
    token_hash: &str,
) -> StoreResult<Option<SessionRow>> {
    sqlx::query_as(
        "SELECT s.expires_at, s.idle_seconds, s.last_seen_at, s.csrf_token, \
         a.id, a.username, a.display_name, a.role, a.active, a.created_at \
         FROM sessions s JOIN accounts a ON a.id = s.user_id WHERE s.token_hash = ?1",
    )
    .bind(token_hash)
    .fetch_optional(conn)
    .await
    .db()
}

fn live_session(row: SessionRow) -> StoreResult<Session> {
    Ok(Session {
        account: row.account.into_account()?,
        csrf_token: row.csrf_token,
        expires_at: rows::instant(row.expires_at)?,
    })
}

/// Finds a live session and records its use: the writing half of [`Store::session`], which the
/// [`GroupWriter`] runs for a session that is dead (to remove it) or whose recorded last use is
/// stale (see [`rules::LAST_USE_LAG_MS`]).
async fn session_on(
    conn: &mut SqliteConnection,
    token_hash: &str,
    now: Timestamp,
) -> StoreResult<Option<Session>> {
    let Some(row) = session_row(&mut *conn, token_hash).await? else {
        return Ok(None);
    };
    if !row.is_live(now) {
        // A dead session is never coming back; removing it keeps the table small.
        sqlx::query("DELETE FROM sessions WHERE token_hash = ?1")
            .bind(token_hash)
            .execute(&mut *conn)
            .await
            .db()?;
        return Ok(None);
    }
    // Never moves backwards, should requests arrive out of order.
    if rules::last_use_is_stale(Some(row.last_seen_at), millis(now)) {
        sqlx::query(
            "UPDATE sessions SET last_seen_at = ?1 WHERE token_hash = ?2 AND last_seen_at < ?1",
        )
        .bind(millis(now))
        .bind(token_hash)
        .execute(&mut *conn)
        .await
        .db()?;
    }
    live_session(row).map(Some)
}

/// An API token joined with the account it acts for, read through `conn`.
async fn api_token_row<'e>(
    conn: impl SqliteExecutor<'e>,
    token_hash: &str,
) -> StoreResult<Option<ApiTokenAccountRow>> {
    sqlx::query_as(
        "SELECT t.expires_at AS token_expires_at, t.revoked_at AS token_revoked_at, \
         t.last_used_at AS token_last_used_at, \
         a.id, a.username, a.display_name, a.role, a.active, a.created_at \
         FROM api_tokens t JOIN accounts a ON a.id = t.user_id WHERE t.token_hash = ?1",
    )
    .bind(token_hash)
    .fetch_optional(conn)
    .await
    .db()
}

/// Finds the account of a live API token and records the token's use: the writing half of
/// [`Store::api_token_account`], which the [`GroupWriter`] runs for a token whose recorded last
/// use is stale.
async fn api_token_account_on(
    conn: &mut SqliteConnection,
    token_hash: &str,
    now: Timestamp,
) -> StoreResult<Option<Account>> {
    let row = api_token_row(&mut *conn, token_hash).await?;
    let Some(row) = row.filter(|r| r.is_live(now)) else {
        return Ok(None);
    };
    if rules::last_use_is_stale(row.token_last_used_at, millis(now)) {
        sqlx::query(
            "UPDATE api_tokens SET last_used_at = ?1 \
             WHERE token_hash = ?2 AND (last_used_at IS NULL OR last_used_at < ?1)",
        )
        .bind(millis(now))
        .bind(token_hash)
        .execute(&mut *conn)
        .await
        .db()?;
    }
    row.account.into_account().map(Some)
}

/// Saves one check-in on the given connection, inside the caller's transaction or savepoint: the
/// body of [`Store::save_check_in`], which the [`GroupWriter`] runs.
async fn save_check_in_on(
    conn: &mut SqliteConnection,
    by: &Actor,
    patient: UserId,
    check_in: &CheckIn,
) -> StoreResult<Saved> {
    let live = live_link(&mut *conn, by, patient).await?;
    let audit = rules::write_diary(by, patient, live, "check_in.save")?;
    if !check_in.done_today.is_empty() {
        let own: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM treatment_periods WHERE patient_id = ?1")
                .bind(patient.0)
                .fetch_all(&mut *conn)
                .await
                .db()?;
        // Someone else's period is answered as missing, so its existence is not confirmed.
        if check_in
            .done_today
            .iter()
            .any(|d| !own.contains(&d.period.0))
        {
            return Err(StoreError::NotFound);
        }
    }
    let c = CheckInColumns::of(check_in);
    let existed: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM check_ins WHERE patient_id = ?1 AND day = ?2)",
    )
    .bind(patient.0)
    .bind(&c.day)
    .fetch_one(&mut *conn)
    .await
    .db()?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO check_ins (patient_id, day, pain, fatigue, fog, sleep_quality, \
         sleep_tenths, bed_time, wake_time, mood, stress, sensitivity, activity_minutes, \
         flare, note, saved_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16) \
         ON CONFLICT (patient_id, day) DO UPDATE SET \
         pain = excluded.pain, fatigue = excluded.fatigue, fog = excluded.fog, \
         sleep_quality = excluded.sleep_quality, sleep_tenths = excluded.sleep_tenths, \
         bed_time = excluded.bed_time, wake_time = excluded.wake_time, \
         mood = excluded.mood, stress = excluded.stress, sensitivity = excluded.sensitivity, \
         activity_minutes = excluded.activity_minutes, flare = excluded.flare, \
         note = excluded.note, saved_at = excluded.saved_at \
         RETURNING id",
    )
    .bind(patient.0)
    .bind(&c.day)
    .bind(c.pain)
    .bind(c.fatigue)
    .bind(c.fog)
    .bind(c.sleep_quality)
    .bind(c.sleep_tenths)
    .bind(c.bed_time)
    .bind(c.wake_time)
    .bind(c.mood)
    .bind(c.stress)
    .bind(c.sensitivity)
    .bind(c.activity_minutes)
    .bind(c.flare)
    .bind(c.note)
    .bind(millis(rows::now()))
    .fetch_one(&mut *conn)
    .await
    .conflict("check_in")?;
    // The day's lists are replaced whole, together with the day row.
    for table in [
        "DELETE FROM check_in_regions WHERE check_in_id = ?1",
        "DELETE FROM check_in_sensitivities WHERE check_in_id = ?1",
        "DELETE FROM check_in_factors WHERE check_in_id = ?1",
        "DELETE FROM check_in_done WHERE check_in_id = ?1",
    ] {
        sqlx::query(table).bind(id).execute(&mut *conn).await.db()?;
    }
    for region in &check_in.pain_regions {
        sqlx::query("INSERT INTO check_in_regions (check_in_id, region) VALUES (?1, ?2)")
            .bind(id)
            .bind(region.code())
            .execute(&mut *conn)
            .await
            .db()?;
    }
    for sensitivity in &check_in.sensitivities {
        sqlx::query(
            "INSERT INTO check_in_sensitivities (check_in_id, sensitivity) VALUES (?1, ?2)",
        )
        .bind(id)
        .bind(sensitivity.code())
        .execute(&mut *conn)
        .await
        .db()?;
    }
    for factor in &check_in.factors {
        sqlx::query("INSERT INTO check_in_factors (check_in_id, factor) VALUES (?1, ?2)")
            .bind(id)
            .bind(factor.as_str())
            .execute(&mut *conn)
            .await
            .db()?;
    }
    for (position, done) in (0_i64..).zip(&check_in.done_today) {
        sqlx::query(
            "INSERT INTO check_in_done (check_in_id, position, period_id, amount) \
             VALUES (?1, ?2, ?3, ?4)",
        )
        .bind(id)
        .bind(position)
        .bind(done.period.0)
        .bind(done.amount.as_deref())
        .execute(&mut *conn)
        .await
        .conflict("done_today")?;
    }
    write_audit(&mut *conn, by, audit).await?;
    Ok(if existed {
        Saved::Replaced
    } else {
        Saved::Created
    })
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
async fn has_active_clinician(conn: &mut SqliteConnection, patient: UserId) -> StoreResult<bool> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM care_links l JOIN accounts c ON c.id = l.clinician_id \
         WHERE l.patient_id = ?1 AND l.revoked_at IS NULL AND c.active = 1 \
         AND c.role = 'clinician')",
    )
    .bind(patient.0)
    .fetch_one(conn)
    .await
    .db()
}

async fn clinic_settings_on(conn: &mut SqliteConnection) -> StoreResult<ClinicSettings> {
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
    conn: &mut SqliteConnection,
    alert: i64,
    reason: EscalationReason,
    at: Timestamp,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO alert_escalations (alert_id, at, reason) VALUES (?1, ?2, ?3) \
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
    conn: &mut SqliteConnection,
    patient: UserId,
    at: Timestamp,
) -> StoreResult<bool> {
    if has_active_clinician(&mut *conn, patient).await? {
        return Ok(false);
    }
    let open: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM alerts WHERE patient_id = ?1 AND acknowledged_at IS NULL",
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
async fn with_children(
    conn: &mut SqliteConnection,
    found: Vec<AlertRow>,
) -> StoreResult<Vec<Alert>> {
    let mut answers = Vec::new();
    let mut escalations = Vec::new();
    for row in &found {
        let a: Vec<AlertAnswerRow> = sqlx::query_as(
            "SELECT alert_id, item, value FROM alert_answers WHERE alert_id = ?1 ORDER BY position",
        )
        .bind(row.id)
        .fetch_all(&mut *conn)
        .await
        .db()?;
        answers.extend(a);
        let e: Vec<EscalationRow> = sqlx::query_as(
            "SELECT alert_id, reason, at FROM alert_escalations WHERE alert_id = ?1 ORDER BY at, id",
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
async fn open_alerts_with_cover(conn: &mut SqliteConnection) -> StoreResult<Vec<(Alert, bool)>> {
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
         WHERE l.revoked_at IS NULL AND c.active = 1 AND c.role = 'clinician' \
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
    conn: &mut SqliteConnection,
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
async fn withdrawn_from(
    conn: &mut SqliteConnection,
    by: &Actor,
    patient: UserId,
) -> StoreResult<bool> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM care_links \
         WHERE patient_id = ?1 AND clinician_id = ?2 AND revoked_at IS NOT NULL) \
         AND NOT EXISTS (SELECT 1 FROM care_links \
         WHERE patient_id = ?1 AND clinician_id = ?2 AND revoked_at IS NULL)",
    )
    .bind(patient.0)
    .bind(by.user.0)
    .fetch_one(conn)
    .await
    .db()
}

/// The duty list as `by` sees it: without the patients who withdrew them.
async fn duty_alerts_for(
    conn: &mut SqliteConnection,
    by: &Actor,
    now: Timestamp,
) -> StoreResult<Vec<(Alert, Vec<EscalationReason>)>> {
    // The patients with an open alert who withdrew this clinician, in one statement.
    let withdrawn: BTreeSet<i64> = sqlx::query_scalar(
        "SELECT DISTINCT r.patient_id FROM care_links r \
         WHERE r.clinician_id = ?1 AND r.revoked_at IS NOT NULL \
         AND r.patient_id IN (SELECT patient_id FROM alerts WHERE acknowledged_at IS NULL) \
         AND NOT EXISTS (SELECT 1 FROM care_links l WHERE l.patient_id = r.patient_id \
         AND l.clinician_id = ?1 AND l.revoked_at IS NULL)",
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
async fn signal_alert(
    conn: &mut SqliteConnection,
    patient: UserId,
    response: Option<i64>,
    signal: &Item9Signal,
) -> StoreResult<()> {
    let now = rows::now();
    let value = i64::from(signal.value);
    let open: Option<(i64, Option<i64>, Option<i64>)> = sqlx::query_as(
        "SELECT id, item9_latest, item9_worst FROM alerts \
         WHERE patient_id = ?1 AND kind = ?2 AND acknowledged_at IS NULL",
    )
    .bind(patient.0)
    .bind(AlertKind::SelfHarm.code())
    .fetch_optional(&mut *conn)
    .await
    .db()?;
    // The answers kept are those given with the worst answer so far, so that "worst 3" is shown
    // beside the questionnaire that said 3, not beside a later, calmer one.
    let (id, refresh_answers) = match open {
        None if !signal.is_risk() => return Ok(()),
        None => {
            // Two signals at once cannot both open one: the partial unique index `alerts_open`
            // refuses the second, and the writer runs calls one at a time in any case.
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO alerts (patient_id, kind, raised_at, response_id, item9_latest, \
                 item9_latest_at, item9_worst, item9_worst_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?3, ?5, ?3) RETURNING id",
            )
            .bind(patient.0)
            .bind(AlertKind::SelfHarm.code())
            .bind(millis(now))
            .bind(response)
            .bind(value)
            .fetch_one(&mut *conn)
            .await
            .conflict("alert")?;
            if !has_active_clinician(&mut *conn, patient).await? {
                escalate(&mut *conn, id, EscalationReason::NoActiveClinician, now).await?;
            }
            (id, true)
        }
        Some((id, latest, worst)) => {
            let (new_latest, new_worst) = rules::item9_update(latest, worst, value);
            if new_latest {
                sqlx::query(
                    "UPDATE alerts SET item9_latest = ?1, item9_latest_at = ?2 WHERE id = ?3",
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
                    "UPDATE alerts SET item9_worst = ?1, item9_worst_at = ?2 WHERE id = ?3",
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
                    "UPDATE alerts SET response_id = ?1 WHERE id = ?2 AND response_id IS NULL",
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
    sqlx::query("DELETE FROM alert_answers WHERE alert_id = ?1")
        .bind(id)
        .execute(&mut *conn)
        .await
        .db()?;
    for (position, (item, value)) in (0_i64..).zip(&signal.answers) {
        sqlx::query(
            "INSERT INTO alert_answers (alert_id, position, item, value) VALUES (?1, ?2, ?3, ?4)",
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

/// Stores a completed questionnaire: the body of [`Store::save_questionnaire`], which the
/// [`GroupWriter`] runs.
async fn save_questionnaire_on(
    conn: &mut SqliteConnection,
    by: &Actor,
    patient: UserId,
    q: &NewQuestionnaire,
) -> StoreResult<i64> {
    let live = live_link(&mut *conn, by, patient).await?;
    let audit = rules::record_questionnaire(by, patient, live)?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO questionnaire_responses \
         (patient_id, instrument, day, completed_at, recorded_by) \
         VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
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
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
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
    sqlx::query("DELETE FROM questionnaire_drafts WHERE patient_id = ?1 AND instrument = ?2")
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

/// Keeps a draft: the body of [`Store::save_questionnaire_draft`], which the [`GroupWriter`] runs.
async fn save_questionnaire_draft_on(
    conn: &mut SqliteConnection,
    by: &Actor,
    patient: UserId,
    instrument: Instrument,
    fields: &str,
    item9: Option<&Item9Signal>,
) -> StoreResult<()> {
    rules::own_draft(by, patient)?;
    sqlx::query(
        "INSERT INTO questionnaire_drafts (patient_id, instrument, fields, updated_at) \
         VALUES (?1, ?2, ?3, ?4) \
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

/// Acknowledges an alert: the body of [`Store::acknowledge_alert`], which the [`GroupWriter`]
/// runs.
async fn acknowledge_alert_on(
    conn: &mut SqliteConnection,
    by: &Actor,
    alert: i64,
    at: Timestamp,
    note: &str,
    seen: Option<Timestamp>,
) -> StoreResult<()> {
    let found: Option<AlertRow> = sqlx::query_as(concat!(alert_select!(), "WHERE al.id = ?1"))
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
        "UPDATE alerts SET acknowledged_by = ?1, acknowledged_at = ?2, acknowledgement_note = ?3 \
         WHERE id = ?4 AND acknowledged_at IS NULL",
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
    conn: &mut SqliteConnection,
    patient: UserId,
    instrument: Option<Instrument>,
) -> StoreResult<Vec<QuestionnaireResponse>> {
    let code = instrument.map(Instrument::code);
    let responses: Vec<QuestionnaireRow> = sqlx::query_as(
        "SELECT id, patient_id, instrument, day, completed_at, recorded_by \
         FROM questionnaire_responses \
         WHERE patient_id = ?1 AND (?2 IS NULL OR instrument = ?2) ORDER BY day, id",
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
         WHERE r.patient_id = ?1 AND (?2 IS NULL OR r.instrument = ?2) \
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
    conn: &mut SqliteConnection,
    query: sqlx::query::QueryAs<'static, Sqlite, AuditRow, sqlx::sqlite::SqliteArguments>,
) -> StoreResult<Vec<AuditEntry>> {
    let rows: Vec<AuditRow> = query.fetch_all(conn).await.db()?;
    rows::fold_audit(rows)
}

#[async_trait::async_trait]
impl Store for SqliteStore {
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
             FROM accounts WHERE username = ?1",
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
        let role = role_of(&mut tx, id).await?;
        sqlx::query("UPDATE accounts SET active = ?1 WHERE id = ?2")
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
                 WHERE clinician_id = ?1 AND revoked_at IS NULL ORDER BY patient_id",
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
        let done = sqlx::query("UPDATE accounts SET password_hash = ?1 WHERE id = ?2")
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
                sqlx::query("DELETE FROM sessions WHERE user_id = ?1 AND token_hash <> ?2")
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
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
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
                 VALUES (?1, ?2, ?2, ?3)",
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
        let done = sqlx::query("UPDATE accounts SET password_hash = ?1 WHERE id = ?2")
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
             WHERE l.purpose = 'password_reset' AND l.subject_id = ?1 \
             AND l.used_at IS NOT NULL AND l.used_at >= ?2 \
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
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = ?1 AND used_at IS NULL")
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
             WHERE user_id = ?1 AND used_at IS NULL",
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
            "UPDATE recovery_codes SET used_at = ?1 \
             WHERE code_hash = ?2 AND used_at IS NULL AND user_id = \
             (SELECT id FROM accounts WHERE username = ?3 AND active = 1) \
             RETURNING user_id",
        )
        .bind(millis(now))
        .bind(code_hash)
        .bind(username.as_str())
        .fetch_optional(&mut *tx)
        .await
        .db()?;
        let user = UserId(user.ok_or(StoreError::NotFound)?);
        sqlx::query("UPDATE accounts SET password_hash = ?1 WHERE id = ?2")
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
             VALUES (?1, ?2, ?3, ?4, ?5, ?3, ?6)",
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
        // Most requests find a live session used less than a minute ago and write nothing: they
        // read without the writer (WAL readers never wait). The rest go through it.
        match session_row(&self.pool, token_hash).await? {
            None => return Ok(None),
            Some(row)
                if row.is_live(now)
                    && !rules::last_use_is_stale(Some(row.last_seen_at), millis(now)) =>
            {
                return live_session(row).map(Some);
            }
            Some(_) => {}
        }
        let token_hash = token_hash.to_owned();
        self.writer
            .run(move |conn| Box::pin(async move { session_on(conn, &token_hash, now).await }))
            .await
    }

    async fn end_session(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = ?1")
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
        // BEGIN IMMEDIATE takes the write lock before counting, so concurrent attempts (from
        // this server or another on the same file) count and record one at a time: a burst can
        // never get more attempts judged than the limit.
        let mut tx = self.begin().await?;
        for (key, limit) in keys {
            let n: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM sign_in_failures WHERE attempt_key = ?1 AND at >= ?2",
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
                "INSERT INTO sign_in_failures (attempt_key, at) VALUES (?1, ?2) RETURNING id",
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
        let mut tx = self.begin().await?;
        for id in reserved {
            sqlx::query("DELETE FROM sign_in_failures WHERE id = ?1")
                .bind(*id)
                .execute(&mut *tx)
                .await
                .db()?;
        }
        tx.commit().await.db()
    }

    async fn clear_failed_sign_ins(&self, key: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sign_in_failures WHERE attempt_key = ?1")
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
             VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
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
        // As for sessions: only a token whose recorded use is stale goes through the writer.
        let Some(row) = api_token_row(&self.pool, token_hash).await? else {
            return Ok(None);
        };
        if !row.is_live(now) {
            return Ok(None);
        }
        if !rules::last_use_is_stale(row.token_last_used_at, millis(now)) {
            return row.account.into_account().map(Some);
        }
        let token_hash = token_hash.to_owned();
        self.writer
            .run(move |conn| {
                Box::pin(async move { api_token_account_on(conn, &token_hash, now).await })
            })
            .await
    }

    async fn api_tokens(&self, by: &Actor) -> StoreResult<Vec<ApiToken>> {
        let rows: Vec<ApiTokenRow> = sqlx::query_as(
            "SELECT id, name, created_at, expires_at, revoked_at, last_used_at \
             FROM api_tokens WHERE user_id = ?1 ORDER BY id",
        )
        .bind(by.user.0)
        .fetch_all(&self.pool)
        .await
        .db()?;
        rows.into_iter().map(ApiTokenRow::into_token).collect()
    }

    async fn revoke_api_token(&self, by: &Actor, id: i64, at: Timestamp) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?1) \
             WHERE id = ?2 AND user_id = ?3",
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
             VALUES (?1, ?2, ?3, ?4) RETURNING id",
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
             WHERE l.patient_id = ?1 ORDER BY l.id",
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
        let found: Option<(i64, i64)> =
            sqlx::query_as("SELECT patient_id, clinician_id FROM care_links WHERE id = ?1")
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
            "UPDATE care_links SET revoked_at = ?1 WHERE id = ?2 AND revoked_at IS NULL",
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
            "SELECT COUNT(*) FROM accounts c WHERE c.role = 'clinician' AND c.active = 1 \
             AND NOT EXISTS (SELECT 1 FROM care_links r WHERE r.patient_id = ?1 \
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
             WHERE l.clinician_id = ?1 AND l.revoked_at IS NULL \
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
              WHERE l.patient_id = ?1 AND l.revoked_at IS NULL AND c.active = 1 \
              AND c.role = 'clinician'), \
             (SELECT COUNT(*) FROM accounts c WHERE c.role = 'clinician' AND c.active = 1 \
              AND NOT (EXISTS (SELECT 1 FROM care_links r WHERE r.patient_id = ?1 \
                AND r.clinician_id = c.id AND r.revoked_at IS NOT NULL) \
              AND NOT EXISTS (SELECT 1 FROM care_links r WHERE r.patient_id = ?1 \
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
             WHERE a.role = 'patient' AND a.active = 1 AND NOT EXISTS ( \
               SELECT 1 FROM care_links l JOIN accounts c ON c.id = l.clinician_id \
               WHERE l.patient_id = a.id AND l.revoked_at IS NULL AND c.active = 1) \
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
        let (mut tx, audit) = self.begin_record_read(by, patient, "details.read").await?;
        let row: Option<DetailsRow> = sqlx::query_as(
            "SELECT date_of_birth, nation, health_number, gp_practice_name, gp_practice_address, \
             contact_phone, emergency_contact_name, emergency_contact_phone \
             FROM patient_details WHERE patient_id = ?1",
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
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) \
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
        let row: Option<(bool, bool)> =
            sqlx::query_as("SELECT low_glare, large_text FROM preferences WHERE user_id = ?1")
                .bind(by.user.0)
                .fetch_optional(&self.pool)
                .await
                .db()?;
        Ok(row
            .map(|(low_glare, large_text)| Preferences {
                low_glare,
                large_text,
            })
            .unwrap_or_default())
    }

    async fn save_preferences(&self, by: &Actor, preferences: Preferences) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO preferences (user_id, low_glare, large_text) VALUES (?1, ?2, ?3) \
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
        // Owned copies travel to the writer task; a check-in is a few hundred bytes.
        let (by, check_in) = (*by, check_in.clone());
        self.writer
            .run(move |conn| {
                Box::pin(async move { save_check_in_on(conn, &by, patient, &check_in).await })
            })
            .await
    }

    async fn check_in(
        &self,
        by: &Actor,
        patient: UserId,
        date: Date,
    ) -> StoreResult<Option<CheckIn>> {
        let (mut tx, audit) = self.begin_record_read(by, patient, "check_in.read").await?;
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
        let (mut tx, audit) = self.begin_record_read(by, patient, "diary.read").await?;
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
        let done = sqlx::query("DELETE FROM check_ins WHERE patient_id = ?1 AND day = ?2")
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
        let (mut tx, audit) = self.begin_record_read(by, patient, "periods.read").await?;
        let rows: Vec<PeriodRow> = sqlx::query_as(
            "SELECT id, patient_id, treatment_code, medication_class, name, start_date, end_date, \
             outcome, recorded_by, source FROM treatment_periods WHERE patient_id = ?1 \
             ORDER BY CASE WHEN end_date IS NULL THEN 0 ELSE 1 END, start_date DESC, id DESC",
        )
        .bind(patient.0)
        .fetch_all(&mut *tx)
        .await
        .db()?;
        write_audit(&mut tx, by, audit).await?;
        tx.commit().await.db()?;
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
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id",
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
            "SELECT end_date FROM treatment_periods WHERE id = ?1 AND patient_id = ?2",
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
        sqlx::query("UPDATE treatment_periods SET end_date = ?1, outcome = ?2 WHERE id = ?3")
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
        let (by, q) = (*by, q.clone());
        self.writer
            .run(move |conn| {
                Box::pin(async move { save_questionnaire_on(conn, &by, patient, &q).await })
            })
            .await
    }

    async fn questionnaires(
        &self,
        by: &Actor,
        patient: UserId,
        instrument: Option<Instrument>,
    ) -> StoreResult<Vec<QuestionnaireResponse>> {
        let (mut tx, audit) = self
            .begin_record_read(by, patient, "questionnaires.read")
            .await?;
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
        // Refused before queueing: a refusal needs no write lock.
        rules::own_draft(by, patient)?;
        let (by, fields, item9) = (*by, fields.to_owned(), item9.cloned());
        self.writer
            .run(move |conn| {
                Box::pin(async move {
                    save_questionnaire_draft_on(
                        conn,
                        &by,
                        patient,
                        instrument,
                        &fields,
                        item9.as_ref(),
                    )
                    .await
                })
            })
            .await
    }

    async fn questionnaire_draft(
        &self,
        by: &Actor,
        patient: UserId,
        instrument: Instrument,
    ) -> StoreResult<Option<String>> {
        rules::own_draft(by, patient)?;
        sqlx::query_scalar(
            "SELECT fields FROM questionnaire_drafts WHERE patient_id = ?1 AND instrument = ?2",
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
             AND l.clinician_id = ?1 AND l.revoked_at IS NULL \
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
        let (mut tx, audit) = self.begin_record_read(by, patient, "alerts.read").await?;
        let rows: Vec<AlertRow> = sqlx::query_as(concat!(
            alert_select!(),
            "WHERE al.patient_id = ?1 ORDER BY al.raised_at DESC, al.id DESC"
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
        let (by, note) = (*by, note.as_str().to_owned());
        self.writer
            .run(move |conn| {
                Box::pin(
                    async move { acknowledge_alert_on(conn, &by, alert, at, &note, seen).await },
                )
            })
            .await
    }

    async fn open_alert_count(&self, by: &Actor) -> StoreResult<u32> {
        rules::clinician_only(by)?;
        // A number names nobody, so it is not audited (the list itself is).
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM alerts al JOIN care_links l ON l.patient_id = al.patient_id \
             AND l.clinician_id = ?1 AND l.revoked_at IS NULL WHERE al.acknowledged_at IS NULL",
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
                 emergency_contact_phone FROM patient_details WHERE patient_id = ?1",
            )
            .bind(alert.patient.0)
            .fetch_optional(&mut *tx)
            .await
            .db()?;
            let clinicians: Vec<(String, bool)> = sqlx::query_as(
                "SELECT c.display_name, c.active FROM care_links l \
                 JOIN accounts c ON c.id = l.clinician_id \
                 WHERE l.patient_id = ?1 AND l.revoked_at IS NULL ORDER BY c.display_name, c.id",
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
        // A plain read transaction: a count names nobody, so it is not audited and needs no
        // write lock.
        let mut tx = self.pool.begin().await.db()?;
        let n = duty_alerts_for(&mut tx, by, now).await?.len();
        tx.commit().await.db()?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    async fn record_overdue_escalations(&self, now: Timestamp) -> StoreResult<u32> {
        // Look first without the write lock: most minutes there is nothing to record.
        let mut read = self.pool.begin().await.db()?;
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
                 SELECT id, ?2, 'overdue' FROM alerts WHERE id = ?1 AND acknowledged_at IS NULL \
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
             VALUES (1, ?1, ?2) ON CONFLICT (id) DO UPDATE SET \
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
                   ORDER BY id DESC LIMIT ?1) a \
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
             WHERE a.id IN (SELECT audit_id FROM audit_patients WHERE patient_id = ?1) \
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
