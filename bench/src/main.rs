//! `painpath-bench`: painpath's speed, measured in one run on one machine, each figure beside its
//! ceiling from the same run (house style, sections 3 and 4: speed is measured, not asserted).
//!
//! ```text
//! cargo build --release -p painpath-cli -p painpath-bench
//! cargo run --release -p painpath-bench -- [--postgres URL] [--requests N]
//! ```
//!
//! One run does, in order:
//!
//! 1. the write ceiling: raw single-row autocommit inserts into a SQLite file in WAL mode with
//!    `synchronous=FULL` (painpath's own settings), from the same number of concurrent writers as
//!    the HTTP load;
//! 2. starts the real `painpath` release binary on an empty temporary data folder, reads its
//!    resident memory idle, and seeds an administrator, a clinician and an invited patient through
//!    the server's own pages and API;
//! 3. writes check-ins through `PUT /api/patients/{id}/check-ins/{date}` from K keep-alive
//!    connections, one distinct date per request, and reads resident memory at the end;
//! 4. fills the patient's diary to ten years (3650 days), checks every acknowledged day is
//!    there, then times `GET /diary` (a signed-in page) beside a bare axum handler;
//! 5. counts the bytes on the wire of `GET /check-in` for the signed-in patient (warm cache: the
//!    page alone), brotli and gzip beside uncompressed, and of the stylesheet (cold cache);
//! 6. sends a burst of concurrent sign-ins (`--sign-ins`, mostly wrong passwords) and reads
//!    resident memory a second after the last answer;
//! 7. with `--postgres URL`, the same write figures and sign-in burst against `painpath serve
//!    --database` in a fresh database, beside raw PostgreSQL single-row inserts (only these with
//!    `--skip-sqlite`).
//!
//! The load is bounded twice: a fixed number of requests, and an overall time limit after which
//! every phase stops early (the table then says so). It only ever talks to loopback addresses.
//! This crate has no tests and `cargo test` never runs it: timings belong here, not in tests.

mod burst;
mod hello;
mod http;
mod load;
mod raw;
mod seed;
mod server;
mod weight;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, ensure};
use clap::Parser;
use jiff::civil::Date;
use serde_json::json;

use crate::http::{Body, Conn};
use crate::load::Run;
use crate::seed::{Patient, bearer};
use crate::server::{Server, Storage};

/// Ten years of daily check-ins, the diary the page is timed against.
const TEN_YEARS: usize = 3650;

/// Requests before the timed diary requests, so that caches and the allocator settle first.
const WARM_UP: usize = 50;

/// painpath's SQLite pool size (`MAX_CONNECTIONS` in painpath-store's `sqlite.rs`).
const PAINPATH_SQLITE_CONNECTIONS: u32 = 8;

/// Measures painpath's write rate, diary latency and memory beside their ceilings.
#[derive(Parser, Debug)]
#[command(name = "painpath-bench", version, about)]
struct Args {
    /// The painpath binary [default: $CARGO_TARGET_DIR/release/painpath, else target/release/painpath].
    #[arg(long)]
    painpath: Option<PathBuf>,
    /// Also measure writes on PostgreSQL: an admin URL on this machine whose role may CREATE
    /// DATABASE (postgres://painpath:painpath@127.0.0.1:5432/postgres). Each run makes and drops
    /// its own `painpath_bench_…` databases.
    #[arg(long)]
    postgres: Option<String>,
    /// Check-ins written in each round of the write comparison (and raw inserts in each ceiling).
    #[arg(long, default_value_t = 5000)]
    requests: usize,
    /// Rounds of the write comparison, each a raw ceiling then painpath a moment later; the
    /// table gives the median round, so one disturbed second does not decide the figure.
    #[arg(long, default_value_t = 3)]
    rounds: usize,
    /// Concurrent keep-alive connections (and raw writers) in each write measurement.
    #[arg(long, default_value_t = 16)]
    connections: usize,
    /// Timed, sequential requests of the diary page and of the bare handler.
    #[arg(long, default_value_t = 1000)]
    diary_requests: usize,
    /// Concurrent sign-ins in the burst that resident memory is read after (each on its own
    /// connection, one in ten with the right password).
    #[arg(long, default_value_t = 200)]
    sign_ins: usize,
    /// Measure PostgreSQL only (needs --postgres): no SQLite rounds, diary page or SQLite memory
    /// figures. For working on the PostgreSQL backend; the figures of record come from a full run.
    #[arg(long)]
    skip_sqlite: bool,
    /// The whole run stops within this many seconds (plus one request's timeout); phases cut
    /// short are marked in the table.
    #[arg(long, default_value_t = 600)]
    time_limit: u64,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("painpath-bench: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The time left of `--time-limit`.
struct Budget {
    end: Instant,
}

impl Budget {
    fn left(&self) -> Duration {
        self.end.saturating_duration_since(Instant::now())
    }
}

fn step(text: &str) {
    eprintln!("painpath-bench: {text}");
}

async fn run(args: Args) -> anyhow::Result<()> {
    ensure!(args.requests > 0, "--requests must be at least 1");
    ensure!(args.connections > 0, "--connections must be at least 1");
    ensure!(args.rounds > 0, "--rounds must be at least 1");
    ensure!(
        args.diary_requests > 0,
        "--diary-requests must be at least 1"
    );
    ensure!(args.sign_ins > 0, "--sign-ins must be at least 1");
    if let Some(url) = &args.postgres {
        let host = raw::postgres_host(url)
            .context("--postgres: expected postgres://USER:PASSWORD@HOST:PORT/DATABASE")?;
        ensure!(
            ["127.0.0.1", "localhost", "::1"].contains(&host.as_str()),
            "--postgres: the load stays on this machine, so HOST must be 127.0.0.1, localhost or ::1 (got {host})"
        );
    }
    ensure!(
        !args.skip_sqlite || args.postgres.is_some(),
        "--skip-sqlite leaves nothing to measure without --postgres"
    );
    let binary = args.painpath.clone().unwrap_or_else(default_binary);
    ensure!(
        binary.is_file(),
        "no painpath binary at {}; build it with `cargo build --release -p painpath-cli` or pass --painpath",
        binary.display()
    );
    let budget = Budget {
        end: Instant::now() + Duration::from_secs(args.time_limit),
    };
    let scratch = tempfile::tempdir().context("making a temporary folder")?;
    let mut report = Report::new(&args, &binary).await;

    // ----- SQLite -------------------------------------------------------------------------
    if !args.skip_sqlite {
        let data = scratch.path().join("painpath-data");
        let log = scratch.path().join("painpath-sqlite.log");
        let ceiling = Ceiling::Sqlite(scratch.path());
        let sqlite = painpath_phase(
            &args,
            &binary,
            Storage::Sqlite(&data),
            &ceiling,
            &log,
            &budget,
            true,
        )
        .await
        .with_context(|| {
            format!(
                "painpath on SQLite; the server's log ends:\n{}",
                log_tail(&log)
            )
        })?;
        report.writes("SQLite", &sqlite.rounds);
        if let Some(diary) = &sqlite.diary {
            report.diary(diary);
        }
        if let Some(weights) = &sqlite.weights {
            report.weights(weights);
        }
        report.memory("SQLite", &sqlite);
        report.burst("SQLite", &sqlite.burst);
        report.server_errors("SQLite", &log);
    }

    // ----- PostgreSQL ---------------------------------------------------------------------
    if let Some(admin_url) = &args.postgres {
        report.postgres_version = raw::postgres_version(admin_url).await.ok();
        let raw_db = raw::ScratchDatabase::create(admin_url, "_raw").await?;
        raw::create_postgres_table(&raw_db.url).await?;
        let db = raw::ScratchDatabase::create(admin_url, "").await?;
        step(&format!(
            "painpath on PostgreSQL in {}, raw inserts in {}",
            db.name, raw_db.name
        ));
        let log = scratch.path().join("painpath-postgres.log");
        let ceiling = Ceiling::Postgres(&raw_db.url);
        let pg = painpath_phase(
            &args,
            &binary,
            Storage::Postgres(&db.url),
            &ceiling,
            &log,
            &budget,
            false,
        )
        .await
        .with_context(|| {
            format!(
                "painpath on PostgreSQL; the server's log ends:\n{}",
                log_tail(&log)
            )
        });
        let dropped = (db.drop_now().await, raw_db.drop_now().await);
        let pg = pg?;
        dropped.0?;
        dropped.1?;
        report.writes("PostgreSQL", &pg.rounds);
        report.memory("PostgreSQL", &pg);
        report.burst("PostgreSQL", &pg.burst);
        report.server_errors("PostgreSQL", &log);
    }

    print!("{}", report.render());
    Ok(())
}

/// Where the raw inserts of the write ceiling go.
enum Ceiling<'a> {
    /// New SQLite files in this folder.
    Sqlite(&'a Path),
    /// The `bench_check_ins` table of this PostgreSQL database.
    Postgres(&'a str),
}

/// One round of the write comparison: the raw ceiling(s), then painpath, a moment apart.
struct Round {
    /// Each raw variant measured in this round, by name.
    ceilings: Vec<(String, Run)>,
    writes: Run,
}

impl Round {
    /// The fastest raw variant of the round: the ceiling painpath is held to.
    fn ceiling(&self) -> Option<&(String, Run)> {
        self.ceilings
            .iter()
            .max_by(|a, b| a.1.per_second().total_cmp(&b.1.per_second()))
    }
}

/// The raw inserts of one round: for SQLite with one pooled connection (writers queue in the
/// pool) and with painpath's pool size (writers queue on SQLite's lock); for PostgreSQL with one
/// connection per writer.
async fn raw_ceilings(
    ceiling: &Ceiling<'_>,
    round: usize,
    args: &Args,
    budget: &Budget,
) -> anyhow::Result<Vec<(String, Run)>> {
    let mut runs = Vec::new();
    let first = round * args.requests;
    match ceiling {
        Ceiling::Sqlite(dir) => {
            for connections in [1, PAINPATH_SQLITE_CONNECTIONS] {
                let name = format!(
                    "raw SQLite inserts, {connections} connection{}",
                    if connections == 1 { "" } else { "s" }
                );
                step(&format!("round {}: {name}", round + 1));
                let file = dir.join(format!("raw-{round}-{connections}.sqlite3"));
                let run = raw::sqlite_inserts(
                    &file,
                    args.requests,
                    args.connections,
                    connections,
                    budget.left(),
                )
                .await?;
                runs.push((name, run));
            }
        }
        Ceiling::Postgres(url) => {
            let name = format!("raw PostgreSQL inserts, {} connections", args.connections);
            step(&format!("round {}: {name}", round + 1));
            let run =
                raw::postgres_inserts(url, first, args.requests, args.connections, budget.left())
                    .await?;
            runs.push((name, run));
        }
    }
    Ok(runs)
}

/// `$CARGO_TARGET_DIR/release/painpath` when that is set, else the workspace's `target/`.
fn default_binary() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir).join("release/painpath"),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/release/painpath"),
    }
}

/// What one server run measured.
struct ServerFigures {
    rounds: Vec<Round>,
    idle_rss: u64,
    /// After seeding: three passwords hashed and checked with argon2 (19 MiB each).
    seeded_rss: u64,
    loaded_rss: u64,
    peak_rss: u64,
    diary: Option<DiaryFigures>,
    weights: Option<weight::PageWeights>,
    burst: BurstFigures,
}

/// The sign-in burst and the memory around it.
struct BurstFigures {
    burst: burst::Burst,
    /// Resident just before the burst.
    before_rss: u64,
    /// Resident `burst::SETTLE` after the last answer.
    after_rss: u64,
    /// The most resident during the burst, or over the server's life when the peak could not be
    /// started again (`peak_is_the_burst` false).
    peak_rss: u64,
    peak_is_the_burst: bool,
}

struct DiaryFigures {
    entries: usize,
    /// Uncompressed (no `Accept-Encoding`).
    page: Run,
    /// Brotli, as a browser asks for it.
    page_br: Run,
    hello: Run,
}

/// Starts painpath, seeds it, writes check-ins, and (when `diary`) fills ten years and times the
/// diary page.
async fn painpath_phase(
    args: &Args,
    binary: &Path,
    storage: Storage<'_>,
    ceiling: &Ceiling<'_>,
    log: &Path,
    budget: &Budget,
    diary: bool,
) -> anyhow::Result<ServerFigures> {
    step("starting painpath");
    let server = Server::start(binary, storage, log).await?;
    // Idle: started, migrated, listening, nothing asked of it yet.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle_rss = server.resident_bytes()?;
    step("seeding an admin, a clinician and one invited patient per round");
    let patients: Vec<Arc<Patient>> =
        seed::seed(server.addr, &server.first_admin_link, args.rounds)
            .await?
            .into_iter()
            .map(Arc::new)
            .collect();
    let seeded_rss = server.resident_bytes()?;

    // Each round writes to its own patient, so every request of a round has its own date and no
    // round replaces another's days.
    let dates = Arc::new(past_days(args.requests.max(TEN_YEARS))?);
    let mut rounds = Vec::with_capacity(args.rounds);
    for (round, patient) in patients.iter().enumerate() {
        let ceilings = raw_ceilings(ceiling, round, args, budget).await?;
        step(&format!(
            "round {}: painpath, {} check-ins from {} connections",
            round + 1,
            args.requests,
            args.connections
        ));
        let writes = http_writes(
            server.addr,
            patient,
            &dates,
            0..args.requests,
            args.connections,
            budget.left(),
        )
        .await?;
        rounds.push(Round { ceilings, writes });
    }
    let loaded_rss = server.resident_bytes()?;
    let peak_rss = server.peak_resident_bytes()?;

    let diary = if diary {
        let mut complete = !rounds.iter().any(|r| r.writes.cut_short());
        let patient = patients.first().context("no patient was seeded")?;
        if args.requests < TEN_YEARS {
            step("filling the diary to ten years");
            let fill = http_writes(
                server.addr,
                patient,
                &dates,
                args.requests..TEN_YEARS,
                args.connections,
                budget.left(),
            )
            .await?;
            complete &= !fill.cut_short();
        }
        // Every write was acknowledged only once durable, so every one must be there.
        let entries = count_entries(server.addr, patient, &dates).await?;
        ensure!(
            !complete || entries == TEN_YEARS,
            "{TEN_YEARS} days were acknowledged but {entries} are stored"
        );
        step(&format!("timing the diary page with {entries} days stored"));
        let page = page_latency(
            server.addr,
            "/diary",
            true,
            None,
            args.diary_requests,
            budget.left(),
        )
        .await?;
        step("timing the diary page compressed, as a browser asks for it");
        let page_br = page_latency(
            server.addr,
            "/diary",
            true,
            Some(weight::BROWSER_ENCODINGS),
            args.diary_requests,
            budget.left(),
        )
        .await?;
        let hello_addr = hello::serve().await?;
        step("timing the bare axum handler");
        let hello = page_latency(
            hello_addr,
            "/",
            false,
            None,
            args.diary_requests,
            budget.left(),
        )
        .await?;
        Some(DiaryFigures {
            entries,
            page,
            page_br,
            hello,
        })
    } else {
        None
    };
    // The page weighs the same on either backend, so it is measured once, with the diary.
    let weights = if diary.is_some() {
        step(&format!(
            "counting the bytes of {} on the wire",
            weight::PAGE
        ));
        Some(weight::measure(server.addr).await?)
    } else {
        None
    };
    // Last: afterwards this address may be refused sign-ins for the limit's window.
    let accounts = seed::usernames(args.rounds);
    step(&format!(
        "a burst of {} concurrent sign-ins over {} accounts",
        args.sign_ins,
        accounts.len()
    ));
    let before_rss = server.resident_bytes()?;
    let peak_is_the_burst = server.reset_peak();
    let burst = burst::sign_ins(server.addr, &accounts, args.sign_ins, budget.left()).await?;
    tokio::time::sleep(burst::SETTLE).await;
    let burst = BurstFigures {
        after_rss: server.resident_bytes()?,
        peak_rss: server.peak_resident_bytes()?,
        before_rss,
        peak_is_the_burst,
        burst,
    };
    server.stop().await?;
    Ok(ServerFigures {
        rounds,
        idle_rss,
        seeded_rss,
        loaded_rss,
        peak_rss,
        diary,
        weights,
        burst,
    })
}

/// Yesterday and the `count - 1` days before it, newest first. Yesterday in UTC is never in the
/// future for the server, whatever its time zone.
fn past_days(count: usize) -> anyhow::Result<Vec<Date>> {
    let yesterday = jiff::Timestamp::now().in_tz("UTC")?.date().yesterday()?;
    let mut days = Vec::with_capacity(count);
    let mut d = yesterday;
    for _ in 0..count {
        // painpath refuses diary days before 1990 (a typing mistake, not a diary).
        ensure!(
            d >= jiff::civil::date(1990, 1, 1),
            "{count} distinct days would go back before 1990; lower --requests"
        );
        days.push(d);
        d = d.yesterday()?;
    }
    Ok(days)
}

/// PUTs one check-in for each of `dates[range]`, from `connections` keep-alive connections.
async fn http_writes(
    addr: SocketAddr,
    patient: &Arc<Patient>,
    dates: &Arc<Vec<Date>>,
    range: std::ops::Range<usize>,
    connections: usize,
    limit: Duration,
) -> anyhow::Result<Run> {
    let mut conns = Vec::with_capacity(connections);
    for _ in 0..connections {
        conns.push(Conn::connect(addr).await?);
    }
    let (patient, dates) = (Arc::clone(patient), Arc::clone(dates));
    let first = range.start;
    load::run(range.len(), conns, limit, move |mut conn, i| {
        let (patient, dates) = (Arc::clone(&patient), Arc::clone(&dates));
        async move {
            let i = first + i;
            let path = format!("/api/patients/{}/check-ins/{}", patient.id, dates[i]);
            let body = json!({
                "pain": i % 11,
                "fatigue": (i + 3) % 11,
                "sleep_hours": 7.5,
                "note": "bench",
            })
            .to_string();
            let auth = bearer(&patient.token);
            let result = conn
                .send(
                    "PUT",
                    &path,
                    &[("Authorization", &auth)],
                    Some(Body {
                        content_type: "application/json",
                        bytes: body.as_bytes(),
                    }),
                )
                .await
                .and_then(|r| match r.status {
                    200 | 201 => Ok(()),
                    s => Err(anyhow!("PUT {path}: HTTP {s} {}", r.text())),
                });
            (conn, result)
        }
    })
    .await
}

/// How many days of the ten years the API gives back: every acknowledged write must be there.
async fn count_entries(
    addr: SocketAddr,
    patient: &Patient,
    dates: &[Date],
) -> anyhow::Result<usize> {
    let newest = dates.first().context("no dates")?;
    let oldest = dates[..TEN_YEARS.min(dates.len())]
        .last()
        .context("no dates")?;
    let mut conn = Conn::connect(addr).await?;
    let list = conn
        .send(
            "GET",
            &format!(
                "/api/patients/{}/check-ins?from={oldest}&to={newest}",
                patient.id
            ),
            &[("Authorization", &bearer(&patient.token))],
            None,
        )
        .await?
        .expect(200, "listing ten years of check-ins")?
        .json()?;
    list.as_array()
        .map(Vec::len)
        .context("the check-in list is not an array")
}

/// Times `count` sequential GETs of `path` on one keep-alive connection, after a warm-up; signs
/// the patient in first when `signed_in`, and asks for `accept` encodings when given.
async fn page_latency(
    addr: SocketAddr,
    path: &'static str,
    signed_in: bool,
    accept: Option<&'static str>,
    count: usize,
    limit: Duration,
) -> anyhow::Result<Run> {
    let mut conn = Conn::connect(addr).await?;
    let cookie = if signed_in {
        seed::sign_in(&mut conn).await?
    } else {
        String::new()
    };
    for _ in 0..WARM_UP {
        get(&mut conn, path, &cookie, accept).await?;
    }
    let cookie = Arc::new(cookie);
    load::run(count, vec![conn], limit, move |mut conn, _| {
        let cookie = Arc::clone(&cookie);
        async move {
            let result = get(&mut conn, path, &cookie, accept).await;
            (conn, result)
        }
    })
    .await
}

/// One GET that must answer 200, with the session cookie when there is one, and compressed as
/// `accept` asks (the client only counts the bytes, it does not decode them here).
async fn get(
    conn: &mut Conn,
    path: &str,
    cookie: &str,
    accept: Option<&str>,
) -> anyhow::Result<()> {
    let mut headers = Vec::new();
    if !cookie.is_empty() {
        headers.push(("Cookie", cookie));
    }
    if let Some(a) = accept {
        headers.push(("Accept-Encoding", a));
    }
    let r = conn
        .send("GET", path, &headers, None)
        .await?
        .expect(200, path)?;
    ensure!(
        accept.is_none() || r.header("content-encoding").is_some(),
        "{path} was not compressed when asked"
    );
    Ok(())
}

fn log_tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

// ----- The report ---------------------------------------------------------------------------

struct Report {
    header: Vec<String>,
    rows: Vec<[String; 6]>,
    details: Vec<String>,
    postgres_version: Option<String>,
    args: String,
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

/// A byte count with a space every three digits, as the docs write them.
fn bytes(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    format!("{out} B")
}

/// "not measured" when the time limit cut the figure short, else whether the goal is met.
fn verdict(cut: bool, met: bool) -> String {
    if cut {
        "not measured (cut short)".into()
    } else {
        yes_no(met)
    }
}

fn yes_no(met: bool) -> String {
    if met { "yes".into() } else { "**no**".into() }
}

/// painpath's rate as a share of its ceiling's.
fn ratio(painpath: &Run, ceiling: &Run) -> f64 {
    if ceiling.per_second() > 0.0 {
        painpath.per_second() / ceiling.per_second()
    } else {
        0.0
    }
}

fn short_mark(run: &Run) -> &'static str {
    if run.cut_short() {
        " (cut short by --time-limit)"
    } else {
        ""
    }
}

impl Report {
    async fn new(args: &Args, binary: &Path) -> Report {
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0);
        let memory = std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|m| {
                m.lines()
                    .find_map(|l| l.strip_prefix("MemTotal:"))
                    .map(|v| v.trim().to_owned())
            })
            .unwrap_or_else(|| "unknown".into());
        let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
            .map(|k| k.trim().to_owned())
            .unwrap_or_else(|_| "unknown".into());
        let rustc = tokio::process::Command::new("rustc")
            .arg("--version")
            .output()
            .await
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| "unknown".into());
        let sqlite = raw::sqlite_version()
            .await
            .unwrap_or_else(|_| "unknown".into());
        Report {
            header: vec![
                format!("cores (nproc): {cores}"),
                format!("memory: {memory}"),
                format!("kernel (uname -r): {kernel}"),
                format!("rustc: {rustc}"),
                format!("SQLite: {sqlite}"),
                format!("painpath: {}", binary.display()),
            ],
            rows: Vec::new(),
            details: Vec::new(),
            postgres_version: None,
            args: format!(
                "--requests {} --rounds {} --connections {} --diary-requests {} --sign-ins {} --time-limit {}{}{}",
                args.requests,
                args.rounds,
                args.connections,
                args.diary_requests,
                args.sign_ins,
                args.time_limit,
                if args.postgres.is_some() {
                    " --postgres URL"
                } else {
                    ""
                },
                if args.skip_sqlite {
                    " --skip-sqlite"
                } else {
                    ""
                }
            ),
        }
    }

    /// The write rows: the median round (by painpath ÷ ceiling, the lower one of an even count),
    /// then every round in the details.
    fn writes(&mut self, backend: &str, rounds: &[Round]) {
        let mut scored: Vec<(f64, &Round, &(String, Run))> = rounds
            .iter()
            .filter_map(|r| r.ceiling().map(|c| (ratio(&r.writes, &c.1), r, c)))
            .collect();
        scored.sort_by(|a, b| a.0.total_cmp(&b.0));
        let Some(&(share, round, (ceiling_name, ceiling))) =
            scored.get(scored.len().saturating_sub(1) / 2)
        else {
            return;
        };
        let painpath = &round.writes;
        let cut = rounds
            .iter()
            .any(|r| r.writes.cut_short() || r.ceilings.iter().any(|c| c.1.cut_short()));
        self.rows.push([
            format!(
                "Check-ins written per second, {backend} (HTTP PUT, median of {} rounds){}",
                rounds.len(),
                if cut {
                    " (cut short by --time-limit)"
                } else {
                    ""
                }
            ),
            format!("{:.0} /s", painpath.per_second()),
            format!(
                "{:.0} /s {ceiling_name} (single-row autocommit)",
                ceiling.per_second()
            ),
            format!("{:.0} %", share * 100.0),
            "≥ 50 % of the ceiling".into(),
            verdict(cut, share >= 0.5),
        ]);
        self.rows.push([
            format!("Check-in write latency p50 / p99, {backend} (same round)"),
            format!(
                "{} / {}",
                ms(painpath.percentile(50.0)),
                ms(painpath.percentile(99.0))
            ),
            format!(
                "{} / {}",
                ms(ceiling.percentile(50.0)),
                ms(ceiling.percentile(99.0))
            ),
            String::new(),
            String::new(),
            String::new(),
        ]);
        for (i, r) in rounds.iter().enumerate() {
            let mut line = format!(
                "{backend} round {}: painpath {:.0} /s ({} of {} in {:.2} s, p50 {}, p99 {})",
                i + 1,
                r.writes.per_second(),
                r.writes.done,
                r.writes.wanted,
                r.writes.elapsed.as_secs_f64(),
                ms(r.writes.percentile(50.0)),
                ms(r.writes.percentile(99.0)),
            );
            for (name, run) in &r.ceilings {
                line.push_str(&format!(
                    "; {name} {:.0} /s (p50 {}, p99 {}){}",
                    run.per_second(),
                    ms(run.percentile(50.0)),
                    ms(run.percentile(99.0)),
                    short_mark(run)
                ));
            }
            if let Some((_, c)) = r.ceiling() {
                line.push_str(&format!(" → {:.0} %", ratio(&r.writes, c) * 100.0));
            }
            self.details.push(line);
        }
    }

    fn diary(&mut self, d: &DiaryFigures) {
        self.rows.push([
            format!(
                "Diary page p50, {} days stored (GET /diary){}",
                d.entries,
                short_mark(&d.page)
            ),
            ms(d.page.percentile(50.0)),
            format!("{} bare axum handler", ms(d.hello.percentile(50.0))),
            String::new(),
            String::new(),
            String::new(),
        ]);
        self.rows.push([
            "Diary page p99".into(),
            ms(d.page.percentile(99.0)),
            format!("{} bare axum handler", ms(d.hello.percentile(99.0))),
            String::new(),
            "< 10 ms".into(),
            verdict(
                d.page.cut_short(),
                d.page.percentile(99.0) < Duration::from_millis(10),
            ),
        ]);
        self.rows.push([
            format!(
                "Diary page p50 / p99 compressed, as a browser asks (brotli){}",
                short_mark(&d.page_br)
            ),
            format!(
                "{} / {}",
                ms(d.page_br.percentile(50.0)),
                ms(d.page_br.percentile(99.0))
            ),
            format!(
                "{} / {} uncompressed (above)",
                ms(d.page.percentile(50.0)),
                ms(d.page.percentile(99.0))
            ),
            String::new(),
            "< 10 ms (p99)".into(),
            verdict(
                d.page_br.cut_short(),
                d.page_br.percentile(99.0) < Duration::from_millis(10),
            ),
        ]);
        self.details.push(format!(
            "diary page: {} requests, max {} ({} compressed); bare handler max {}",
            d.page.done,
            ms(d.page.max()),
            ms(d.page_br.max()),
            ms(d.hello.max())
        ));
    }

    fn weights(&mut self, w: &weight::PageWeights) {
        let plain = w.page.iter().find(|x| x.name == "uncompressed");
        for x in &w.page {
            let beside = match plain {
                Some(p) if x.name != p.name => {
                    format!("{} uncompressed (body {})", bytes(p.wire), bytes(p.body))
                }
                _ => String::new(),
            };
            let share = match plain {
                Some(p) if x.name != p.name && p.wire > 0 => {
                    format!("{:.0} %", x.wire as f64 * 100.0 / p.wire as f64)
                }
                _ => String::new(),
            };
            self.rows.push([
                format!(
                    "Check-in page on the wire, warm cache, {} (GET {}: status line, headers and body)",
                    x.name,
                    weight::PAGE
                ),
                format!("{} (body {})", bytes(x.wire), bytes(x.body)),
                beside,
                share,
                format!("≤ {} (14 KiB)", bytes(weight::GOAL_BYTES)),
                yes_no(x.wire <= weight::GOAL_BYTES),
            ]);
        }
        let css = w
            .stylesheet
            .iter()
            .map(|x| format!("{} {}", x.name, bytes(x.wire)))
            .collect::<Vec<_>>()
            .join(", ");
        self.details.push(format!(
            "stylesheet {} on the wire, fetched by a cold cache only (then kept for a year): {css}",
            w.stylesheet_href
        ));
    }

    fn burst(&mut self, backend: &str, b: &BurstFigures) {
        let n = b.burst.sign_ins;
        let cut = if b.burst.cut_short {
            " (cut short by --time-limit)"
        } else {
            ""
        };
        let peak = if b.peak_is_the_burst {
            "peak during the burst"
        } else {
            "peak since start"
        };
        self.rows.push([
            format!(
                "Resident memory {} s after {n} concurrent sign-ins, {backend}{cut}",
                burst::SETTLE.as_secs()
            ),
            format!(
                "{} ({peak} {}; {} before)",
                mb(b.after_rss),
                mb(b.peak_rss),
                mb(b.before_rss)
            ),
            String::new(),
            String::new(),
            "< 100 MB".into(),
            verdict(b.burst.cut_short, b.after_rss < 100_000_000),
        ]);
        self.rows.push([
            format!("Answers to the {n} sign-ins, {backend} (HTTP status: count)"),
            b.burst.statuses_text(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ]);
        self.details.push(format!(
            "{backend} sign-in burst: {n} at once over {} accounts and {} usernames nobody has, {} with the right password, all answered in {:.2} s",
            b.burst.accounts,
            burst::UNKNOWN.len(),
            b.burst.right_passwords,
            b.burst.elapsed.as_secs_f64()
        ));
    }

    /// How many errors the server logged (each 500 is logged once, where it becomes a response),
    /// and the first, so that a failed request in the load can be traced.
    fn server_errors(&mut self, backend: &str, log: &Path) {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        let errors: Vec<&str> = text.lines().filter(|l| l.contains(" ERROR ")).collect();
        self.details.push(match errors.first() {
            None => format!("{backend} server log: no errors"),
            Some(first) => format!(
                "{backend} server log: {} errors, the first: `{}`",
                errors.len(),
                first.trim()
            ),
        });
    }

    fn memory(&mut self, backend: &str, s: &ServerFigures) {
        self.rows.push([
            format!("Resident memory idle after start, {backend}"),
            mb(s.idle_rss),
            String::new(),
            String::new(),
            "< 50 MB".into(),
            yes_no(s.idle_rss < 50_000_000),
        ]);
        self.rows.push([
            format!("Resident memory after seeding (argon2 sign-ins), {backend}"),
            mb(s.seeded_rss),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ]);
        self.rows.push([
            format!("Resident memory at the end of the write load, {backend}"),
            format!("{} (peak {})", mb(s.loaded_rss), mb(s.peak_rss)),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ]);
    }

    fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("## painpath-bench\n\n");
        for line in &self.header {
            out.push_str(&format!("- {line}\n"));
        }
        if let Some(v) = &self.postgres_version {
            out.push_str(&format!("- PostgreSQL: {v}\n"));
        }
        out.push_str(&format!("- arguments: {}\n\n", self.args));
        out.push_str(
            "| Measure | painpath | Ceiling (same run) | painpath ÷ ceiling | Goal | Met |\n",
        );
        out.push_str("| --- | ---: | --- | ---: | --- | --- |\n");
        for row in &self.rows {
            out.push_str(&format!("| {} |\n", row.join(" | ")));
        }
        out.push('\n');
        for line in &self.details {
            out.push_str(&format!("- {line}\n"));
        }
        out
    }
}
