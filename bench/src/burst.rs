//! A flood of sign-ins: N concurrent `POST /sign-in`, mostly wrong passwords spread over every
//! seeded account and some right ones, all in flight at once, each on its own connection; then
//! the server's resident memory a moment after the last answer.
//!
//! Every argon2 check takes 19 MiB for its memory-hard work, so what bounds the memory of a flood
//! is how many checks the server lets run at once, and whether it keeps their memory after.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use tokio::sync::Barrier;

use crate::http::{Body, Conn, form};
use crate::seed;

/// One in this many sign-ins uses the right password (of a seeded account).
const RIGHT_EVERY: usize = 10;

/// Usernames nobody has, among the wrong guesses, as in a list of leaked credentials.
pub const UNKNOWN: [&str; 2] = ["nobody-here", "not-an-account"];

/// How long after the last answer resident memory is read: long enough for the server to finish
/// what it was doing when it answered, short enough to show what it kept.
pub const SETTLE: Duration = Duration::from_secs(1);

/// What the burst got back.
pub struct Burst {
    pub sign_ins: usize,
    /// Seeded accounts tried (usernames nobody has are tried too, `UNKNOWN`).
    pub accounts: usize,
    pub right_passwords: usize,
    /// How many answers of each HTTP status.
    pub statuses: BTreeMap<u16, usize>,
    /// Requests that got no answer (a connection refused or reset, or no answer within the
    /// client's request timeout).
    pub failed: usize,
    /// Whether `--time-limit` came before the last answer.
    pub cut_short: bool,
    /// From the moment every request was released to the last answer.
    pub elapsed: Duration,
}

/// Sends `count` sign-ins at once, one connection each, all released together: every
/// `RIGHT_EVERY`th is a seeded account with its right password, the others wrong passwords for
/// the seeded `accounts` and for usernames nobody has. Stops waiting at `limit`.
pub async fn sign_ins(
    addr: SocketAddr,
    accounts: &[String],
    count: usize,
    limit: Duration,
) -> anyhow::Result<Burst> {
    let mut conns = Vec::with_capacity(count);
    for _ in 0..count {
        conns.push(Conn::connect(addr).await?);
    }
    let barrier = Arc::new(Barrier::new(count + 1));
    let mut tasks = Vec::with_capacity(count);
    for (i, mut conn) in conns.into_iter().enumerate() {
        let barrier = Arc::clone(&barrier);
        let right = i % RIGHT_EVERY == 0;
        let guessed = accounts.len() + UNKNOWN.len();
        let username = if right {
            accounts[(i / RIGHT_EVERY) % accounts.len()].clone()
        } else if i % guessed < accounts.len() {
            accounts[i % guessed].clone()
        } else {
            UNKNOWN[i % guessed - accounts.len()].to_owned()
        };
        tasks.push(tokio::spawn(async move {
            let password = if right {
                seed::PASSWORD.to_owned()
            } else {
                format!("wrong password {i}")
            };
            let body = form(&[
                ("username", username.as_str()),
                ("password", password.as_str()),
                ("next", "/"),
            ]);
            let origin = conn.origin();
            barrier.wait().await;
            conn.send(
                "POST",
                "/sign-in",
                &[("Origin", &origin)],
                Some(Body {
                    content_type: "application/x-www-form-urlencoded",
                    bytes: &body,
                }),
            )
            .await
            .map(|r| r.status)
        }));
    }
    barrier.wait().await;
    let start = Instant::now();
    let deadline = tokio::time::Instant::now() + limit;
    let mut statuses = BTreeMap::new();
    let (mut failed, mut cut_short) = (0, false);
    for task in tasks {
        // A request still unanswered at the deadline ends by itself within the client's own
        // request timeout.
        match tokio::time::timeout_at(deadline, task).await {
            Ok(answer) => match answer.context("a sign-in task panicked")? {
                Ok(status) => *statuses.entry(status).or_insert(0) += 1,
                Err(_) => failed += 1,
            },
            Err(_) => {
                cut_short = true;
                failed += 1;
            }
        }
    }
    Ok(Burst {
        sign_ins: count,
        accounts: accounts.len(),
        right_passwords: count.div_ceil(RIGHT_EVERY),
        statuses,
        failed,
        cut_short,
        elapsed: start.elapsed(),
    })
}

impl Burst {
    /// "303: 20, 401: 150, 429: 30" and any failures.
    pub fn statuses_text(&self) -> String {
        let mut parts: Vec<String> = self
            .statuses
            .iter()
            .map(|(status, n)| format!("{status}: {n}"))
            .collect();
        if self.failed > 0 {
            parts.push(format!("no answer: {}", self.failed));
        }
        parts.join(", ")
    }
}
