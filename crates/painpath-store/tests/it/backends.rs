//! The backends the contract suite runs against, each test in a world of its own.
//!
//! SQLite always runs, in a temporary folder. PostgreSQL runs as well when
//! `PAINPATH_TEST_POSTGRES_URL` names a server (`.ci/postgres.sh` starts one and prints it): each
//! test then creates its own database `painpath_test_…` through that URL, so tests never share
//! state and can run in parallel. If the variable is set and the server cannot be reached, the
//! test fails: a skipped backend is a backend nobody tests.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use painpath_store::{PostgresStore, SqliteStore, Store};
use sqlx::{Connection, Executor};

pub const POSTGRES_URL_VAR: &str = "PAINPATH_TEST_POSTGRES_URL";

/// One backend, with a fresh, empty store.
pub struct Backend {
    pub name: &'static str,
    pub store: Box<dyn Store>,
    place: Place,
}

/// Where the backend's data lives. The temporary folder itself is owned by [`each_backend`], not
/// by the `Backend`: a test that uses only `backend.store` moves just that field into its future,
/// and the folder must outlive the test, not the closure call that builds the future.
enum Place {
    Sqlite(PathBuf),
    Postgres { url: String },
}

impl Backend {
    /// Opens the same database again, as a restarted server would (migrations run again).
    pub async fn reopen(&self) -> Box<dyn Store> {
        match &self.place {
            Place::Sqlite(dir) => Box::new(
                SqliteStore::open(dir)
                    .await
                    .expect("reopening the SQLite store"),
            ),
            Place::Postgres { url } => Box::new(
                PostgresStore::connect(url)
                    .await
                    .expect("reconnecting to the PostgreSQL store"),
            ),
        }
    }

    /// The SQLite store itself, for SQLite-only checks; `None` on PostgreSQL.
    pub async fn sqlite(&self) -> Option<SqliteStore> {
        match &self.place {
            Place::Sqlite(dir) => Some(
                SqliteStore::open(dir)
                    .await
                    .expect("opening the SQLite store"),
            ),
            Place::Postgres { .. } => None,
        }
    }
}

/// Runs `test` against a fresh SQLite store, then against a fresh PostgreSQL database when
/// `PAINPATH_TEST_POSTGRES_URL` is set.
pub async fn each_backend<F, Fut>(test: F)
where
    F: Fn(Backend) -> Fut,
    Fut: Future<Output = ()>,
{
    // Printed output is shown only for a failing test, where it says which backend failed.
    println!("backend: sqlite");
    let dir = tempfile::tempdir().expect("a temporary folder for SQLite");
    test(sqlite(dir.path()).await).await;
    drop(dir);
    if let Some(admin_url) = postgres_admin_url() {
        let (backend, database) = postgres(&admin_url).await;
        println!("backend: postgres ({database})");
        test(backend).await;
        drop_database(&admin_url, &database).await;
    }
}

async fn sqlite(dir: &Path) -> Backend {
    let store = SqliteStore::open(dir)
        .await
        .expect("opening a SQLite store in a temporary folder");
    Backend {
        name: "sqlite",
        store: Box::new(store),
        place: Place::Sqlite(dir.to_owned()),
    }
}

fn postgres_admin_url() -> Option<String> {
    match std::env::var(POSTGRES_URL_VAR) {
        Ok(url) if url.trim().is_empty() => {
            panic!("{POSTGRES_URL_VAR} is set but empty; unset it to test SQLite only")
        }
        Ok(url) => Some(url),
        Err(std::env::VarError::NotPresent) => None,
        Err(e) => panic!("{POSTGRES_URL_VAR} cannot be read: {e}"),
    }
}

/// A database name no other test (in this run or a parallel one) will choose.
fn fresh_database_name() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "painpath_test_{}_{}_{nanos}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

async fn postgres(admin_url: &str) -> (Backend, String) {
    let database = fresh_database_name();
    let mut admin = sqlx::PgConnection::connect(admin_url)
        .await
        .unwrap_or_else(|e| {
            panic!(
                "{POSTGRES_URL_VAR} is set but the server cannot be reached ({e}); \
             start one with `.ci/postgres.sh` or unset the variable"
            )
        });
    admin
        .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {database}")))
        .await
        .unwrap_or_else(|e| panic!("creating the test database {database}: {e}"));
    admin.close().await.expect("closing the admin connection");
    let url = with_database(admin_url, &database);
    let store = PostgresStore::connect(&url)
        .await
        .unwrap_or_else(|e| panic!("connecting to the test database {database}: {e}"));
    let backend = Backend {
        name: "postgres",
        store: Box::new(store),
        place: Place::Postgres { url },
    };
    (backend, database)
}

async fn drop_database(admin_url: &str, database: &str) {
    let mut admin = sqlx::PgConnection::connect(admin_url)
        .await
        .expect("reconnecting to drop the test database");
    // FORCE ends the store's pooled connections, which close in the background. It can still be
    // refused while an autovacuum worker (owned by the superuser) is in the database, so try a
    // few times; a database left behind is only litter on a test server, never a wrong result,
    // so in the end it is reported rather than failing a test that passed.
    let sql = format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)");
    let mut last = None;
    for _ in 0..10 {
        match admin.execute(sqlx::AssertSqlSafe(sql.clone())).await {
            Ok(_) => return,
            Err(e) => last = Some(e),
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    if let Some(e) = last {
        eprintln!("note: the test database {database} was left behind: {e}");
    }
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

#[test]
fn a_database_name_replaces_the_one_in_the_url() {
    assert_eq!(
        with_database("postgres://u:p@127.0.0.1:5432/postgres", "x"),
        "postgres://u:p@127.0.0.1:5432/x"
    );
    assert_eq!(
        with_database("postgres://u:p@host/postgres?sslmode=disable", "x"),
        "postgres://u:p@host/x?sslmode=disable"
    );
    assert_eq!(with_database("postgres://host", "x"), "postgres://host/x");
}
