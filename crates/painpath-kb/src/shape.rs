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
    /// One source id, or a list of them.
    pub source: Option<OneOrMany>,
    pub status: Option<String>,
    pub reason: Option<String>,
    /// The day the entry was last checked against its sources: a TOML date (`2026-12-03`).
    /// Kept as a raw value so that a wrong type gets the checker's own message.
    pub checked: Option<toml::Value>,
}

/// A field that takes one value or a list of them (`source = "a"`, `source = ["a", "b"]`).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn values(&self) -> Vec<&str> {
        match self {
            OneOrMany::One(one) => vec![one.as_str()],
            OneOrMany::Many(many) => many.iter().map(String::as_str).collect(),
        }
    }
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
    /// What the source supports, in the reviewer's words.
    pub supports: Option<String>,
    /// The day the reviewer relied on it: a TOML date.
    pub relied_on: Option<toml::Value>,
}

/// `kb/instruments/<code>.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct InstrumentFile {
    pub instrument: Option<String>,
    pub title: Option<String>,
    pub recall: Option<String>,
    pub stem: Option<String>,
    pub wording: Option<String>,
    pub sources: Option<Vec<String>>,
    pub loinc_panel: Option<String>,
    pub loinc_total: Option<String>,
    pub licence: Option<LicenceTable>,
    #[serde(default)]
    pub section: Vec<SectionEntry>,
    #[serde(default)]
    pub answer_set: Vec<AnswerSetEntry>,
    #[serde(default)]
    pub item: Vec<ItemEntry>,
    pub bands: Option<BandsTable>,
    pub mcid: Option<McidTable>,
    pub mcid_note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LicenceTable {
    pub notice: Option<String>,
    pub loinc: Option<String>,
    pub source: Option<String>,
    pub unconfirmed: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SectionEntry {
    pub id: Option<String>,
    pub title: Option<String>,
    pub instructions: Option<String>,
    pub recall: Option<String>,
    pub unconfirmed: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AnswerSetEntry {
    pub id: Option<String>,
    #[serde(default)]
    pub option: Vec<OptionEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OptionEntry {
    pub value: Option<i64>,
    pub label: Option<String>,
    pub loinc: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ItemEntry {
    pub id: Option<String>,
    pub section: Option<String>,
    pub kind: Option<String>,
    pub text: Option<String>,
    pub loinc: Option<String>,
    pub answers: Option<String>,
    pub scale: Option<ScaleTable>,
    pub unconfirmed: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ScaleTable {
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub min_label: Option<String>,
    pub max_label: Option<String>,
    pub unconfirmed: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct BandsTable {
    pub scale: Option<String>,
    pub source: Option<String>,
    pub diagnostic: Option<bool>,
    pub note: Option<String>,
    #[serde(default)]
    pub band: Vec<BandEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct BandEntry {
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub code: Option<String>,
    pub label: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct McidTable {
    pub points: Option<i64>,
    pub source: Option<String>,
}
