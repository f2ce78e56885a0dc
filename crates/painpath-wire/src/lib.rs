//! The JSON shapes of painpath's API (`/api/`) and, later, of the command-line contracts.
//!
//! Core types never derive `Serialize`: what crosses a process boundary is defined here, so a
//! field renamed in core can never silently rename a field on the wire. Inputs refuse unknown
//! fields (a typo must never silently change a clinical record) and are converted into core
//! values with every problem named by its field path.

pub mod account;
pub mod diary;
pub mod error;
pub mod json;
pub mod questionnaire;
pub mod score;
pub mod treatment;

pub use error::{ErrorBody, FieldProblem};
