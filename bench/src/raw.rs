//! The write ceilings: single-row autocommit inserts straight through sqlx, into a table shaped like
//! painpath's `check_ins`, with the durability painpath itself uses. Nothing painpath does per
//! check-in (access check, audit entry, HTTP, JSON) happens here, so this is the rate to beat.

use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Connection, Executor};

use crate::load::{self, Run};

/// The same settings as `SqliteStore::open`: WAL, `synchronous=FULL`, a five-second busy wait.
fn sqlite_options(file: &Path) -> SqliteConnectOptions {
    SqliteConnectOptions::new()
        .filename(file)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5))
}

const SQLITE_TABLE: &str = "CREATE TABLE check_ins (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    patient_id INTEGER NOT NULL,
    day TEXT NOT NULL,
    pain INTEGER, fatigue INTEGER, sleep_tenths INTEGER, note TEXT,
    saved_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX check_ins_patient_day ON check_ins (patient_id, day);";

const POSTGRES_TABLE: &str = "CREATE TABLE bench_check_ins (
    id BIGSERIAL PRIMARY KEY,
    patient_id BIGINT NOT NULL,
    day TEXT NOT NULL,
    pain BIGINT, fatigue BIGINT, sleep_tenths BIGINT, note TEXT,
    saved_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX bench_check_ins_patient_day ON bench_check_ins (patient_id, day)";

/// `count` single-row inserts from `writers` concurrent tasks sharing a pool of `connections`,
/// each insert its own autocommit transaction, into the new file `file`.
pub async fn sqlite_inserts(
    file: &Path,
    count: usize,
    writers: usize,
    connections: u32,
    limit: Duration,
) -> anyhow::Result<Run> {
    let pool = SqlitePoolOptions::new()
        .max_connections(connections)
        .min_connections(connections)
        .connect_with(sqlite_options(file))
        .await
        .context("opening the raw SQLite file")?;
    pool.execute(SQLITE_TABLE)
        .await
        .context("creating the raw table")?;
    let workers = vec![pool.clone(); writers];
    let run = load::run(count, workers, limit, |pool, i| async move {
        let result = sqlx::query(
            "INSERT INTO check_ins (patient_id, day, pain, fatigue, sleep_tenths, note, saved_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )
        .bind(1_i64)
        .bind(day_text(i))
        .bind(i64::try_from(i % 11).unwrap_or(0))
        .bind(i64::try_from((i + 3) % 11).unwrap_or(0))
        .bind(75_i64)
        .bind("bench")
        .bind(now_millis())
        .execute(&pool)
        .await;
        (pool, result.map(|_| ()).context("a raw SQLite insert"))
    })
    .await?;
    pool.close().await;
    Ok(run)
}

/// Creates the raw table in the PostgreSQL database at `url`.
pub async fn create_postgres_table(url: &str) -> anyhow::Result<()> {
    let mut conn = sqlx::PgConnection::connect(url)
        .await
        .context("connecting to the raw PostgreSQL database")?;
    conn.execute(POSTGRES_TABLE)
        .await
        .context("creating the raw table")?;
    conn.close().await.ok();
    Ok(())
}

/// The same inserts into the raw table of the PostgreSQL database at `url` (made by
/// [`create_postgres_table`]), one connection per writer; days start at `first` so that rounds
/// never collide. The writers share an sqlx pool with sqlx's defaults, so each insert also pays
/// the pool's pings as a connection is handed out and given back; painpath's own hot statements
/// avoid them, which docs/performance.md weighs ("How the ceiling is measured matters here").
pub async fn postgres_inserts(
    url: &str,
    first: usize,
    count: usize,
    writers: usize,
    limit: Duration,
) -> anyhow::Result<Run> {
    let connections = u32::try_from(writers).unwrap_or(u32::MAX);
    let pool = PgPoolOptions::new()
        .max_connections(connections)
        .min_connections(connections)
        .connect(url)
        .await
        .context("connecting for the raw PostgreSQL inserts")?;
    let workers = vec![pool.clone(); writers];
    let run = load::run(count, workers, limit, move |pool, i| async move {
        let i = first + i;
        let result = sqlx::query(
            "INSERT INTO bench_check_ins (patient_id, day, pain, fatigue, sleep_tenths, note, saved_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(1_i64)
        .bind(day_text(i))
        .bind(i64::try_from(i % 11).unwrap_or(0))
        .bind(i64::try_from((i + 3) % 11).unwrap_or(0))
        .bind(75_i64)
        .bind("bench")
        .bind(now_millis())
        .execute(&pool)
        .await;
        (pool, result.map(|_| ()).context("a raw PostgreSQL insert"))
    })
    .await?;
    pool.close().await;
    Ok(run)
}

/// A distinct day for each insert, as the HTTP load uses a distinct date for each check-in.
fn day_text(i: usize) -> String {
    let base = jiff::civil::date(2000, 1, 1);
    let days = i32::try_from(i).unwrap_or(i32::MAX);
    base.checked_add(jiff::Span::new().days(days))
        .map(|d| d.to_string())
        .unwrap_or_else(|_| format!("n{i}"))
}

fn now_millis() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

/// A PostgreSQL database made for one run and dropped afterwards.
pub struct ScratchDatabase {
    admin_url: String,
    pub name: String,
    pub url: String,
}

impl ScratchDatabase {
    /// Creates `painpath_bench_<random>` through the admin URL (a role with CREATEDB).
    pub async fn create(admin_url: &str, suffix: &str) -> anyhow::Result<ScratchDatabase> {
        let name = format!("painpath_bench_{}{suffix}", random_hex());
        let mut admin = sqlx::PgConnection::connect(admin_url)
            .await
            .context("connecting to PostgreSQL with --postgres")?;
        admin
            .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .await
            .with_context(|| format!("creating the database {name}"))?;
        admin.close().await.ok();
        Ok(ScratchDatabase {
            admin_url: admin_url.to_owned(),
            url: with_database(admin_url, &name),
            name,
        })
    }

    /// Drops the database, ending any connection still open to it.
    pub async fn drop_now(self) -> anyhow::Result<()> {
        let mut admin = sqlx::PgConnection::connect(&self.admin_url).await?;
        admin
            .execute(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            )))
            .await
            .with_context(|| format!("dropping the database {}", self.name))?;
        admin.close().await.ok();
        Ok(())
    }
}

/// The server's version, for the report.
pub async fn postgres_version(admin_url: &str) -> anyhow::Result<String> {
    let mut admin = sqlx::PgConnection::connect(admin_url).await?;
    let version: String = sqlx::query_scalar("SHOW server_version")
        .fetch_one(&mut admin)
        .await?;
    admin.close().await.ok();
    Ok(version)
}

/// SQLite's version as linked into sqlx (and so into painpath).
pub async fn sqlite_version() -> anyhow::Result<String> {
    let mut conn = sqlx::SqliteConnection::connect("sqlite::memory:").await?;
    let version: String = sqlx::query_scalar("SELECT sqlite_version()")
        .fetch_one(&mut conn)
        .await?;
    conn.close().await.ok();
    Ok(version)
}

/// Sixteen hex digits, different on every run: the clock's nanoseconds and the process id, mixed.
fn random_hex() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let mut x = (nanos as u64) ^ (u64::from(std::process::id()) << 32);
    // splitmix64's finaliser, so that neighbouring runs get unrelated names.
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^= x >> 31;
    format!("{x:016x}")
}

/// The same server URL with another database in its path, keeping any `?options`.
fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[authority_start..]
        .find('/')
        .map_or(base.len(), |i| authority_start + i);
    let mut out = format!("{}/{database}", &base[..path_start]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

/// The host part of a PostgreSQL URL, to keep the load on this machine.
pub fn postgres_host(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next()?.to_owned()
    } else {
        host_port.split(':').next()?.to_owned()
    };
    Some(host)
}
