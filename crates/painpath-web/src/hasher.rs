//! Password hashing with a bounded cost: a few worker threads and a short queue.
//!
//! **Why.** argon2id is meant to be expensive: each hash fills 19 MiB and takes tens of
//! milliseconds of one core. painpath used to give every hash its own blocking thread, of which
//! Tokio allows 512, so an unauthenticated burst of sign-ins could run hundreds of hashes at once:
//! measured on the release binary, 64 concurrent wrong-password sign-ins took resident memory
//! from 73 MB to 1.26 GB, and it stayed there (glibc keeps freed blocks in each thread's arena).
//! Here at most [`workers`] hashes run at once (one per core, at most four), each on a thread of
//! its own that lives as long as the process, so memory for hashing is bounded by the worker
//! count, whatever the load. Up to [`QUEUE_PER_WORKER`] more wait their turn per worker; past
//! that a caller is told at once that painpath is busy ([`Busy`]), which the web layer answers
//! with 503 and `Retry-After`, rather than letting a queue grow without end.
//!
//! **The alternative** was a Tokio semaphore in front of `spawn_blocking`: it bounds how many
//! hashes run at once, but not which threads run them, and each new blocking thread brings its own
//! allocator arena that keeps its 19 MiB after the hash is done.

use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use tokio::sync::oneshot;

/// How many hashes may wait per worker before callers are turned away.
pub const QUEUE_PER_WORKER: usize = 4;

/// The most hashing threads, however many cores: four hashes at once already fill 76 MiB.
pub const MAX_WORKERS: usize = 4;

/// The queue was full: too many passwords are being checked at once. Try again shortly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Busy;

type Job = Box<dyn FnOnce() + Send>;

/// A fixed set of hashing threads and their queue.
pub struct Pool {
    jobs: SyncSender<Job>,
}

static POOL: OnceLock<Pool> = OnceLock::new();

/// How many hashing threads run: one per core, at least one, at most [`MAX_WORKERS`].
pub fn workers() -> usize {
    std::thread::available_parallelism()
        .map(usize::from)
        .unwrap_or(1)
        .clamp(1, MAX_WORKERS)
}

/// How many hashes may be running or waiting at once before callers are turned away.
pub fn capacity() -> usize {
    workers() * (1 + QUEUE_PER_WORKER)
}

impl Pool {
    /// Starts `workers` threads with room for `queue` jobs waiting.
    pub fn start(workers: usize, queue: usize) -> Pool {
        let (jobs, waiting) = sync_channel::<Job>(queue);
        let waiting = Arc::new(Mutex::new(waiting));
        for i in 0..workers {
            let waiting = Arc::clone(&waiting);
            // A thread that cannot start leaves fewer workers; if none starts, jobs wait in the
            // queue and callers are soon told painpath is busy, which is the safe failure.
            let _ = std::thread::Builder::new()
                .name(format!("painpath-argon2-{i}"))
                .spawn(move || work(&waiting));
        }
        Pool { jobs }
    }

    /// Hands `f` to the pool, or answers [`Busy`] at once when every worker is taken and the
    /// queue is full; the answer arrives on the returned channel.
    pub fn submit<T, F>(&self, f: F) -> Result<oneshot::Receiver<T>, Busy>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = tx.send(f());
        });
        match self.jobs.try_send(job) {
            Ok(()) => Ok(rx),
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => Err(Busy),
        }
    }

    /// Runs `f` on one of the pool's threads and waits for its answer, or answers [`Busy`] at
    /// once when the queue is full.
    pub async fn run<T, F>(&self, f: F) -> Result<T, Busy>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        // A job that panicked drops its sender: no answer, so treat it as busy.
        self.submit(f)?.await.map_err(|_| Busy)
    }
}

fn work(waiting: &Mutex<Receiver<Job>>) {
    loop {
        // Only the wait for the next job holds the lock; the hash runs without it.
        let next = waiting
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .recv();
        match next {
            Ok(job) => job(),
            Err(_) => return,
        }
    }
}

/// Runs `f` on the process's hashing threads ([`workers`] of them, [`QUEUE_PER_WORKER`] waiting
/// each), or answers [`Busy`] at once when they are all taken and the queue is full.
pub async fn run<T, F>(f: F) -> Result<T, Busy>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    POOL.get_or_init(|| Pool::start(workers(), workers() * QUEUE_PER_WORKER))
        .run(f)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn beyond_the_workers_and_the_queue_a_caller_is_turned_away_and_the_rest_all_finish() {
        let pool = Pool::start(1, 2);
        // Hold the one worker inside a job until the test lets go, so nothing depends on timing.
        let (started_tx, started) = std::sync::mpsc::channel::<()>();
        let (release, held) = std::sync::mpsc::channel::<()>();
        let first = pool
            .submit(move || {
                let _ = started_tx.send(());
                let _ = held.recv();
                1
            })
            .expect("an idle pool takes a job");
        started
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("the worker took the first job");
        // Two more wait in the queue; the fourth is turned away at once, without waiting.
        let second = pool.submit(|| 2).expect("room in the queue");
        let third = pool.submit(|| 3).expect("room in the queue");
        assert!(matches!(pool.submit(|| 4), Err(Busy)));
        assert_eq!(pool.run(|| 4).await, Err(Busy));
        release.send(()).expect("the first job is waiting");
        assert_eq!(first.await, Ok(1));
        assert_eq!(second.await, Ok(2));
        assert_eq!(third.await, Ok(3));
        // Once the queue has drained, callers are let in again.
        assert_eq!(pool.run(|| 5).await, Ok(5));
    }
}
