//! Check-ins saved at the same moment, as a busy server saves them. SQLite commits such calls
//! together (one transaction, a savepoint each); PostgreSQL writes concurrent new days together
//! (one statement for many) and commits anything else on its own. Either way the contract is the
//! same, and these stories hold both to it: every call is atomic on its own, a failing call takes
//! nobody else down with it, two saves of one day leave one of them whole, and a call that was
//! answered "saved" is saved, also after the server restarts.

use std::collections::BTreeSet;
use std::sync::Arc;

use jiff::civil::Date;
use painpath_core::access::Actor;
use painpath_core::body::BodyRegion;
use painpath_core::diary::{CheckIn, DoneToday};
use painpath_core::person::{Role, UserId, Username};
use painpath_core::scale::Nrs;
use painpath_core::treatment::{MedicationClass, NewPeriod, PeriodSource, Therapy};
use painpath_store::{NewAccount, Saved, Store, StoreError};
use tokio::sync::Barrier;

use crate::backends::{Backend, each_backend};

/// More calls than one group takes (64), so that a burst spans several commits.
const BURST: usize = 150;

/// The `n`th day of 2025.
fn nth_day(n: usize) -> Date {
    let days = i32::try_from(n).unwrap();
    Date::constant(2025, 1, 1)
        .checked_add(jiff::Span::new().days(days))
        .unwrap()
}

fn check_in(date: Date, pain: i64) -> CheckIn {
    CheckIn {
        date,
        pain: Some(Nrs::new(pain).unwrap()),
        fatigue: None,
        fog: None,
        sleep_quality: None,
        sleep_tenths: None,
        bed_time: None,
        wake_time: None,
        mood: None,
        stress: None,
        sensitivity: None,
        sensitivities: BTreeSet::new(),
        activity_minutes: None,
        flare: None,
        pain_regions: [BodyRegion::Neck, BodyRegion::LowerBack]
            .into_iter()
            .collect(),
        factors: BTreeSet::new(),
        done_today: Vec::new(),
        note: Some(format!("day {date}")),
    }
}

async fn patient(store: &dyn Store, username: &str) -> Actor {
    let new = NewAccount {
        username: Username::parse(username).unwrap(),
        display_name: format!("{username} name"),
        role: Role::Patient,
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_owned(),
        recovery_codes: Vec::new(),
    };
    let user = store.create_account(None, &new).await.unwrap();
    Actor {
        user,
        role: Role::Patient,
    }
}

/// Saves every check-in at once (each call in its own task, released together) through one
/// server, and gives back each call's answer in the same order.
async fn save_at_once(
    server: Arc<dyn Store>,
    calls: Vec<(Actor, CheckIn)>,
) -> Vec<Result<Saved, StoreError>> {
    let barrier = Arc::new(Barrier::new(calls.len()));
    let mut tasks = Vec::new();
    for (by, check_in) in calls {
        let (server, barrier) = (Arc::clone(&server), Arc::clone(&barrier));
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            server.save_check_in(&by, by.user, &check_in).await
        }));
    }
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.unwrap());
    }
    answers
}

/// The whole diary of a patient over the days these stories use, read through `store`.
async fn diary_of(store: &dyn Store, who: &Actor) -> Vec<CheckIn> {
    store
        .diary(who, who.user, nth_day(0), nth_day(BURST + 10))
        .await
        .unwrap()
}

/// A server of its own on the backend's database, as a second process would be.
async fn server(b: &Backend) -> Arc<dyn Store> {
    Arc::from(b.reopen().await)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_check_ins_saved_at_once_is_stored_whole() {
    each_backend(|b| async move {
        let me = patient(b.store.as_ref(), "burst").await;
        let calls: Vec<_> = (0..BURST)
            .map(|n| (me, check_in(nth_day(n), i64::try_from(n % 11).unwrap())))
            .collect();
        let expected: Vec<CheckIn> = calls.iter().map(|(_, c)| c.clone()).collect();

        let answers = save_at_once(server(&b).await, calls).await;

        for (n, answer) in answers.iter().enumerate() {
            assert!(matches!(answer, Ok(Saved::Created)), "call {n}: {answer:?}");
        }
        assert_eq!(diary_of(b.store.as_ref(), &me).await, expected);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_save_among_concurrent_ones_fails_alone_and_leaves_no_trace() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let me = patient(s, "busy").await;
        let stranger = patient(s, "stranger").await;
        let period = s
            .add_treatment_period(
                &me,
                me.user,
                &NewPeriod {
                    therapy: Therapy::Medication(MedicationClass::Ssri),
                    name: "sertraline".to_owned(),
                    start: nth_day(0),
                    end: None,
                    outcome: None,
                },
                PeriodSource::SelfReported,
            )
            .await
            .unwrap();
        // A day already kept, which a failing call will try to replace.
        let kept = check_in(nth_day(5), 3);
        s.save_check_in(&me, me.user, &kept).await.unwrap();

        // The same period ticked twice breaks a uniqueness rule only after the day's row has
        // been written (and, on day 5, after the old lists were deleted): all of that must go.
        let twice = |date: Date| CheckIn {
            done_today: vec![
                DoneToday {
                    period,
                    amount: None,
                },
                DoneToday {
                    period,
                    amount: Some("again".to_owned()),
                },
            ],
            ..check_in(date, 9)
        };
        let mut calls: Vec<(Actor, CheckIn)> = (10..10 + 40)
            .map(|n| (me, check_in(nth_day(n), 4)))
            .collect();
        calls.insert(7, (me, twice(nth_day(5))));
        calls.insert(20, (me, twice(nth_day(60))));
        // Someone else's diary: refused before anything is written.
        calls.insert(30, (stranger, check_in(nth_day(61), 1)));

        let shared = server(&b).await;
        let barrier = Arc::new(Barrier::new(calls.len()));
        let mut tasks = Vec::new();
        for (n, (by, check_in)) in calls.into_iter().enumerate() {
            let (shared, barrier) = (Arc::clone(&shared), Arc::clone(&barrier));
            // The stranger writes to the patient's diary.
            let target = if n == 30 { me.user } else { by.user };
            tasks.push(tokio::spawn(async move {
                barrier.wait().await;
                shared.save_check_in(&by, target, &check_in).await
            }));
        }
        let mut answers = Vec::new();
        for task in tasks {
            answers.push(task.await.unwrap());
        }

        for (n, answer) in answers.iter().enumerate() {
            match n {
                7 | 20 => assert!(
                    matches!(answer, Err(StoreError::Conflict("done_today"))),
                    "call {n}: {answer:?}"
                ),
                30 => assert!(
                    matches!(answer, Err(StoreError::NotFound)),
                    "call {n}: {answer:?}"
                ),
                _ => assert!(matches!(answer, Ok(Saved::Created)), "call {n}: {answer:?}"),
            }
        }
        let diary = diary_of(s, &me).await;
        let mut expected = vec![kept.clone()];
        expected.extend((10..10 + 40).map(|n| check_in(nth_day(n), 4)));
        assert_eq!(diary, expected, "day 5 as it was, day 60 and 61 absent");
        assert!(diary_of(s, &stranger).await.is_empty());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_save_answered_as_saved_is_there_after_a_restart() {
    each_backend(|b| async move {
        let people = [
            patient(b.store.as_ref(), "first").await,
            patient(b.store.as_ref(), "second").await,
        ];
        // Two patients' days, interleaved, so that each group holds both.
        let mut calls = Vec::new();
        for n in 0..BURST {
            let who = people[n % 2];
            calls.push((
                who,
                check_in(nth_day(n / 2), i64::try_from(n % 11).unwrap()),
            ));
        }
        let answers = {
            let shared = server(&b).await;
            let answers = save_at_once(Arc::clone(&shared), calls.clone()).await;
            // The server goes away: nothing it answered may have been held back in memory.
            drop(shared);
            answers
        };
        assert!(answers.iter().all(Result::is_ok), "{answers:?}");

        let restarted = b.reopen().await;
        for who in people {
            let mut expected: Vec<CheckIn> = calls
                .iter()
                .filter(|(by, _)| *by == who)
                .map(|(_, c)| c.clone())
                .collect();
            expected.sort_by_key(|c| c.date);
            assert_eq!(diary_of(restarted.as_ref(), &who).await, expected);
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_save_the_database_refuses_among_concurrent_new_days_fails_alone() {
    each_backend(|b| async move {
        let me = patient(b.store.as_ref(), "among").await;
        // No such account: the day breaks the foreign key to `accounts` only when it is written,
        // after the access check let it through (the actor is the patient it writes for).
        let ghost = Actor {
            user: UserId(999_999),
            role: Role::Patient,
        };
        let mut calls: Vec<(Actor, CheckIn)> =
            (0..40).map(|n| (me, check_in(nth_day(n), 2))).collect();
        calls.insert(13, (ghost, check_in(nth_day(3), 5)));

        let answers = save_at_once(server(&b).await, calls.clone()).await;

        for (n, answer) in answers.iter().enumerate() {
            if n == 13 {
                assert!(
                    matches!(answer, Err(StoreError::NotFound)),
                    "call {n}: {answer:?}"
                );
            } else {
                assert!(matches!(answer, Ok(Saved::Created)), "call {n}: {answer:?}");
            }
        }
        let expected: Vec<CheckIn> = (0..40).map(|n| check_in(nth_day(n), 2)).collect();
        assert_eq!(diary_of(b.store.as_ref(), &me).await, expected);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_new_day_saved_twice_at_once_is_created_once_and_replaced_once() {
    each_backend(|b| async move {
        let me = patient(b.store.as_ref(), "twice").await;
        // Each of these days saved twice at the same moment, both saves in one burst.
        let days = 0..12;
        let calls: Vec<(Actor, CheckIn)> = days
            .clone()
            .flat_map(|n| [(me, check_in(nth_day(n), 1)), (me, check_in(nth_day(n), 9))])
            .collect();

        let answers = save_at_once(server(&b).await, calls).await;

        for (n, pair) in days.clone().zip(answers.chunks(2)) {
            let mut pair: Vec<String> = pair.iter().map(|a| format!("{a:?}")).collect();
            pair.sort();
            assert_eq!(pair, ["Ok(Created)", "Ok(Replaced)"], "day {n}");
        }
        let diary = diary_of(b.store.as_ref(), &me).await;
        assert_eq!(diary.len(), 12);
        for (n, kept) in days.zip(&diary) {
            assert!(
                [check_in(nth_day(n), 1), check_in(nth_day(n), 9)].contains(kept),
                "day {n}: one of the two saves, whole"
            );
        }
    })
    .await;
}
