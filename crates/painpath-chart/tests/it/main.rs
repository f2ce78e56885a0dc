//! The integration tests for painpath-chart, in one binary so that there is one link step.
//!
//! - [`line_chart`]: the diary's line chart, from the outside, through its public API.
//! - [`score_chart`]: questionnaire scores over severity bands, with the MCID as a bracket.
//! - [`snapshot`]: golden files compared byte for byte (`UPDATE_SNAPSHOTS=1` rewrites them).
//! - [`xml`]: a small well-formedness check, so the crate needs no XML parser to test its output.

mod line_chart;
mod score_chart;
mod snapshot;
mod xml;
