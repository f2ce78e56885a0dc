//! Crash safety: a server killed with SIGKILL in the middle of a burst of check-ins loses none
//! that it acknowledged, and leaves a database that passes `PRAGMA integrity_check`.
//!
//! The kill is not timed: it happens when a set number of check-ins have been acknowledged, so
//! the burst is always cut in the middle however fast the machine is.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{RecvTimeoutError, channel};

use jiff::ToSpan;
use jiff::civil::Date;

use crate::http::Request;
use crate::support::{LIMIT, Scratch, Server, admin_clinician_and_patient, integrity_check, today};

/// Check-ins in the burst, one per past day.
const BURST: usize = 300;
/// The server is killed once this many have been acknowledged.
const KILL_AFTER: usize = 150;
/// Clients sending at once.
const CLIENTS: usize = 4;

fn pain_for(i: usize) -> i64 {
    i64::try_from(i % 11).expect("a small number")
}

#[test]
fn acknowledged_check_ins_survive_sigkill_mid_burst_and_the_database_stays_intact() {
    let scratch = Scratch::new();
    let mut server = Server::start(&scratch, &[]);
    let (patient, token) = admin_clinician_and_patient(&mut server);
    let today = today();
    let day = |i: usize| -> Date {
        let back = i64::try_from(i + 1).expect("a small number");
        today.checked_sub(back.days()).expect("a past day")
    };

    let next = AtomicUsize::new(0);
    let acknowledged: Mutex<BTreeMap<Date, i64>> = Mutex::new(BTreeMap::new());
    let refused: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let (tell, told) = channel::<()>();
    let addr = server.addr.clone();
    let outcome = std::thread::scope(|s| {
        for _ in 0..CLIENTS {
            let tell = tell.clone();
            let (next, acknowledged, refused, addr, token) =
                (&next, &acknowledged, &refused, &addr, &token);
            s.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    if i >= BURST {
                        break;
                    }
                    let date = day(i);
                    let body =
                        serde_json::json!({"pain": pain_for(i), "fatigue": 5, "flare": i % 7 == 0});
                    let sent = Request::put(format!("/api/patients/{patient}/check-ins/{date}"))
                        .bearer(token)
                        .json(&body)
                        .send(addr);
                    match sent {
                        Ok(r) if (200..300).contains(&r.status) => {
                            let mut acks = acknowledged.lock().expect("the acknowledgement list");
                            acks.insert(date, pain_for(i));
                            if acks.len() == KILL_AFTER {
                                let _ = tell.send(());
                            }
                        }
                        Ok(r) => refused.lock().expect("the refusal list").push(format!(
                            "{date}: {} {}",
                            r.status,
                            r.text()
                        )),
                        // No whole answer: the server has gone (or is going), so stop.
                        Err(_) => break,
                    }
                }
            });
        }
        drop(tell);
        // Kill from this thread as soon as the clients report enough acknowledgements.
        let outcome = told.recv_timeout(LIMIT);
        server.kill();
        outcome
    });
    let acknowledged = acknowledged.into_inner().expect("the acknowledgement list");
    let refused = refused.into_inner().expect("the refusal list");
    assert!(
        refused.is_empty(),
        "check-ins refused before the kill: {refused:?}"
    );
    match outcome {
        Ok(()) => {}
        Err(RecvTimeoutError::Timeout) => {
            panic!("fewer than {KILL_AFTER} acknowledgements within {LIMIT:?}")
        }
        Err(RecvTimeoutError::Disconnected) => panic!(
            "the clients stopped after {} acknowledgements, before {KILL_AFTER}",
            acknowledged.len()
        ),
    }
    assert!(
        acknowledged.len() < BURST,
        "all {BURST} check-ins were acknowledged before the kill landed, so it tested nothing"
    );

    // The killed server's folder, opened directly: SQLite recovers its journal and finds no damage.
    assert_eq!(integrity_check(&scratch.data()), "ok");

    // Restarted on the same folder, every acknowledged check-in is there with its pain score.
    let server = Server::start(&scratch, &[]);
    let from = day(BURST - 1);
    let to = day(0);
    let stored = Request::get(format!(
        "/api/patients/{patient}/check-ins?from={from}&to={to}"
    ))
    .bearer(&token)
    .expect(&server.addr)
    .assert_status(200)
    .json();
    let stored: BTreeMap<Date, i64> = stored
        .as_array()
        .expect("a list of check-ins")
        .iter()
        .map(|c| {
            let date: Date = c["date"]
                .as_str()
                .and_then(|d| d.parse().ok())
                .unwrap_or_else(|| panic!("no date in {c}"));
            (date, c["pain"].as_i64().unwrap_or(-1))
        })
        .collect();
    let lost: Vec<String> = acknowledged
        .iter()
        .filter(|(date, pain)| stored.get(date) != Some(pain))
        .map(|(date, pain)| format!("{date} (pain {pain}, stored {:?})", stored.get(date)))
        .collect();
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged check-ins were lost or changed: {lost:?}",
        lost.len(),
        acknowledged.len()
    );

    let ended = server.terminate();
    assert_eq!(ended.status.code(), Some(0), "stderr:\n{}", ended.stderr);
    assert_eq!(integrity_check(&scratch.data()), "ok");
}
