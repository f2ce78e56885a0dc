//! The minute-by-minute record of alerts that fell overdue (issue 6).
//!
//! Whether an alert is on the duty list never waits for this task: the store works it out from
//! the alert's time and the clinic's delay whenever the list is read. What the task adds is the
//! record, "escalated to the duty list at …, not acknowledged in time", written as of when the
//! alert fell due, so that the alert's history says when it escalated even if nobody looked at
//! the duty list that day. Several servers may run it against one database: each escalation is
//! recorded once (the store's unique index decides).

use std::time::Duration;

use crate::AppState;

/// How often overdue alerts are looked for.
pub const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// Starts the sweep on the current Tokio runtime; it runs until the runtime stops.
pub fn spawn_sweep(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(SWEEP_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match state
                .store
                .record_overdue_escalations(state.clock.now())
                .await
            {
                // A count only: which patients is health data and stays out of the log.
                Ok(0) => {}
                Ok(n) => tracing::info!(escalated = n, "alerts escalated to the duty list"),
                Err(e) => tracing::warn!(error = %e, "could not record overdue escalations"),
            }
        }
    })
}
