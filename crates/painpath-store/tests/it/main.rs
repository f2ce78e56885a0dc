//! painpath-store's one integration-test binary (one binary links once, which matters on two
//! cores). `contract` is the storage contract every backend must pass, `questionnaires` its part
//! about questionnaires, drafts and alerts, `duty` the clinic's duty list, `recovery` getting an account back, and `group_commit`
//! the part about calls made at the same moment; `backends` gives each test its own fresh SQLite file, and its own PostgreSQL
//! database when `PAINPATH_TEST_POSTGRES_URL` is set.

// clippy.toml allows unwrap inside `#[test]` functions only; the suite's shared helpers are test
// code too, and a failed unwrap there is a failed test with its reason printed.
#![allow(clippy::unwrap_used)]

mod backends;
mod contract;
mod duty;
mod group_commit;
mod questionnaires;
mod recovery;
