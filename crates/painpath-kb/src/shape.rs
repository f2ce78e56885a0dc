//! The files' shapes as written, before they are checked.
//!
//! Every field a reviewer must write is an `Option`, so that the checker can report every missing
//! field at once, in its own words, rather than stopping at serde's first "missing field".
//! `deny_unknown_fields` refuses a misspelt or invented field: a fact in a field nobody reads
//! would look reviewed while changing nothing.

use serde::Deserialize;

/// `kb/treatments/<code>.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TreatmentFile {
    pub code: Option<String>,
    pub name: Option<String>,
    pub group: Option<String>,
}

/// `kb/services.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ServicesFile {
    #[serde(default)]
    pub service: Vec<ServiceEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ServiceEntry {
    pub code: Option<String>,
    pub name: Option<String>,
    pub contact: Option<String>,
    pub dial: Option<String>,
    pub dial_kind: Option<String>,
    pub hours: Option<String>,
    pub nations: Option<Vec<String>>,
    pub crisis: Option<bool>,
    pub source: Option<String>,
    pub status: Option<String>,
    pub reason: Option<String>,
}

/// `kb/sources.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SourcesFile {
    #[serde(default)]
    pub source: Vec<SourceEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SourceEntry {
    pub id: Option<String>,
    pub title: Option<String>,
    pub url: Option<String>,
}
