//! painpath's domain core: the clinical concepts and rules, given values and returning values.
//!
//! Nothing here reads a file, a clock or the network, and nothing here knows SQL, HTTP or JSON.
//! "Today" is always an argument, so every function is deterministic and testable with exact
//! vignettes. Read the modules in this order:
//!
//! - [`problems`]: how every input problem is reported, with its field path.
//! - [`scale`]: the 0–10 numeric rating scale every symptom domain uses.
//! - [`body`]: the 19 body regions of the ACR 2016 map.
//! - [`person`]: roles, patient details, NHS numbers.
//! - [`access`]: who may see whose record.
//! - [`treatment`]: treatment codes, medication classes and treatment periods.
//! - [`kb`]: the knowledge base as typed values (loaded by `painpath-kb`).
//! - [`diary`]: the daily check-in.
//! - [`day`]: which diary day a person is logging, worked out from a local time.
//! - [`crisis`]: the help-now signposts, by nation.
//! - [`duty`]: when a care-team alert goes to the clinic's duty list.
//! - [`instruments`]: the questionnaires (ACR 2016, PHQ-9, GAD-7, FIQR) and how each is scored.

pub mod access;
pub mod body;
pub mod crisis;
pub mod day;
pub mod diary;
pub mod duty;
pub mod instruments;
pub mod kb;
pub mod person;
pub mod problems;
pub mod scale;
pub mod treatment;

pub use jiff::civil::{Date, Time};
