//! The load driver: a fixed number of operations shared out among concurrent workers, stopped early
//! by a time limit, timing each operation. Both painpath and its ceilings go through it, so any
//! cost of the driver itself falls on both sides of each comparison alike.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;

/// What one measured run did.
pub struct Run {
    /// Operations asked for.
    pub wanted: usize,
    /// Operations that completed (fewer than `wanted` only when the time limit stopped the run).
    pub done: usize,
    pub elapsed: Duration,
    /// Each completed operation's time, sorted.
    latencies: Vec<Duration>,
}

impl Run {
    pub fn per_second(&self) -> f64 {
        let seconds = self.elapsed.as_secs_f64();
        if seconds > 0.0 {
            self.done as f64 / seconds
        } else {
            0.0
        }
    }

    /// The latency at or below which `p` per cent of operations finished (nearest rank).
    pub fn percentile(&self, p: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let rank = ((p / 100.0) * self.latencies.len() as f64).ceil() as usize;
        self.latencies[rank.clamp(1, self.latencies.len()) - 1]
    }

    pub fn max(&self) -> Duration {
        self.latencies.last().copied().unwrap_or_default()
    }

    /// Whether the time limit cut the run short.
    pub fn cut_short(&self) -> bool {
        self.done < self.wanted
    }
}

/// Runs operations `0..count` on `workers` (each worker's state moves through its operations in
/// turn), at most until `limit` has passed. The clock starts once every worker is ready, so
/// connecting is not counted. The first failed operation fails the run.
pub async fn run<S, F, Fut>(
    count: usize,
    workers: Vec<S>,
    limit: Duration,
    op: F,
) -> anyhow::Result<Run>
where
    S: Send + 'static,
    F: Fn(S, usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = (S, anyhow::Result<()>)> + Send + 'static,
{
    let next = Arc::new(AtomicUsize::new(0));
    let op = Arc::new(op);
    let start = Instant::now();
    let stop_at = start + limit;
    let mut tasks = Vec::with_capacity(workers.len());
    for mut state in workers {
        let next = Arc::clone(&next);
        let op = Arc::clone(&op);
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            loop {
                if Instant::now() >= stop_at {
                    break;
                }
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= count {
                    break;
                }
                let began = Instant::now();
                let (back, result) = op(state, i).await;
                state = back;
                result.with_context(|| format!("operation {i}"))?;
                latencies.push(began.elapsed());
            }
            anyhow::Ok(latencies)
        }));
    }
    let mut latencies = Vec::with_capacity(count);
    for task in tasks {
        latencies.extend(task.await.context("a load worker panicked")??);
    }
    let elapsed = start.elapsed();
    latencies.sort_unstable();
    Ok(Run {
        wanted: count,
        done: latencies.len(),
        elapsed,
        latencies,
    })
}
