//! painpath's knowledge base: the reviewed files in `kb/`, embedded in the binary, checked and
//! turned into core's [`Kb`] (design.md 13; house-style.md, "The knowledge base as data"): the
//! treatments, the help services, and the questionnaires' wording, codes and bands
//! (`kb/instruments/`, checked against core's scoring).
//!
//! [`load`] reads the embedded copy, which is what painpath runs on. [`load_dir`] reads a folder
//! on disk with exactly the same checks, so that a clinical reviewer can check an edit with
//! `painpath kb check DIR` before it is merged, without reading Rust. Both give either a whole,
//! checked [`Kb`] or [`KbProblems`], every problem in the form `file: field: what was expected`.
//! [`version`] names the embedded content, so that a shared decision can record which knowledge
//! base it used.

mod check;
mod contract;
mod embedded;
mod instrument;
mod problems;
mod shape;

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::sync::OnceLock;

use painpath_core::Date;
use painpath_core::kb::{Kb, RECHECK_MONTHS};
use sha2::{Digest, Sha256};

use crate::check::KbFile;
pub use crate::contract::{PAGE_SERVICE_CODES, SERVICE_CODES, TREATMENT_CODES};
pub use crate::embedded::FILES;
pub use crate::problems::{KbProblem, KbProblems};

/// The knowledge base built into this binary.
pub fn load() -> Result<Kb, KbProblems> {
    let files: Vec<KbFile> = FILES
        .iter()
        .map(|(path, text)| KbFile {
            shown: format!("kb/{path}"),
            path: (*path).to_owned(),
            text: Ok((*text).to_owned()),
        })
        .collect();
    check::build(&files, "kb")
}

/// The knowledge base in a folder laid out like `kb/`, checked exactly as [`load`] checks the
/// embedded one.
pub fn load_dir(dir: &Path) -> Result<Kb, KbProblems> {
    let files = read_dir(dir)?;
    check::build(&files, &dir.display().to_string())
}

/// The knowledge base in `dir`, checked as [`load_dir`] checks it and, because `today` is
/// given, also for freshness: every service must have been checked within the last
/// [`RECHECK_MONTHS`] months ([`stale_services`]). This is what `painpath kb check` runs, with
/// today's date in the UK; the loader itself reads no clock.
pub fn check_dir(dir: &Path, today: Date) -> Result<Kb, KbProblems> {
    let kb = load_dir(dir)?;
    let stale = stale_services(&kb, today, &dir.join("services.toml").display().to_string());
    if stale.is_empty() { Ok(kb) } else { Err(stale) }
}

/// A problem for every service that, on `today`, was last checked more than
/// [`RECHECK_MONTHS`] months ago (or says it was checked after `today`), naming `services_file` and the entry's `checked` field. The
/// server logs these at start and keeps running: a number that may have changed is still
/// better than no number for someone in crisis, and the date is shown beside it.
pub fn stale_services(kb: &Kb, today: Date, services_file: &str) -> KbProblems {
    let mut problems = KbProblems::new();
    // A loaded knowledge base keeps every entry of services.toml in order, so the index is the
    // entry's place in the file.
    for (i, service) in kb.services().iter().enumerate() {
        if service.checked > today {
            // A date nobody can have checked on yet is a typo (2062 for 2026), and would keep
            // the entry "fresh" for decades.
            problems.add(
                services_file,
                format!("service[{i}].checked"),
                format!(
                    "{} ({}) says it was checked on {}, after {today}; expected the day it was \
                     really checked, no later than today",
                    service.name, service.code, service.checked
                ),
            );
        } else if service.is_stale(today) {
            problems.add(
                services_file,
                format!("service[{i}].checked"),
                format!(
                    "{} ({}) was last checked on {}, more than {RECHECK_MONTHS} months before \
                     {today}; expected a check within the last {RECHECK_MONTHS} months: check it \
                     against its sources and update the date",
                    service.name, service.code, service.checked
                ),
            );
        }
    }
    problems
}

/// A hex SHA-256 of the embedded data files: their paths and bytes, in path order. It changes
/// whenever any fact changes, and not when only `kb/README.md` does.
pub fn version() -> &'static str {
    static VERSION: OnceLock<String> = OnceLock::new();
    VERSION.get_or_init(|| content_hash(FILES.iter().map(|(p, t)| (*p, t.as_bytes()))))
}

/// The [`version`] the data files in `dir` would have once embedded, so that `painpath kb check`
/// can say which version an edit makes.
pub fn version_of_dir(dir: &Path) -> Result<String, KbProblems> {
    let files = read_dir(dir)?;
    let mut problems = KbProblems::new();
    let mut data = Vec::new();
    for file in &files {
        match &file.text {
            Ok(text) => data.push((file.path.as_str(), text.as_bytes())),
            Err(why) => problems.add(&file.shown, "(file)", format!("cannot be read: {why}")),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(content_hash(data.into_iter()))
}

fn content_hash<'a>(files: impl Iterator<Item = (&'a str, &'a [u8])>) -> String {
    let mut files: Vec<(&str, &[u8])> = files.filter(|(path, _)| *path != "README.md").collect();
    // Sorted, so the order of the embedded list cannot change the version.
    files.sort_by(|a, b| a.0.cmp(b.0));
    let mut hasher = Sha256::new();
    for (path, bytes) in files {
        // Lengths frame each part, so that no two different sets of files hash alike.
        hasher.update((path.len() as u64).to_le_bytes());
        hasher.update(path.as_bytes());
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    }
    let mut hex = String::with_capacity(64);
    for byte in hasher.finalize().iter() {
        // Writing to a String cannot fail.
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// Every file under `dir`, with its path relative to `dir`. Hidden files (an editor's swap file,
/// `.DS_Store`) are skipped: they are not part of any review.
fn read_dir(dir: &Path) -> Result<Vec<KbFile>, KbProblems> {
    let mut files = Vec::new();
    let mut problems = KbProblems::new();
    walk(dir, "", &mut files, &mut problems);
    if problems.is_empty() {
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(files)
    } else {
        Err(problems)
    }
}

fn walk(dir: &Path, prefix: &str, files: &mut Vec<KbFile>, problems: &mut KbProblems) {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) => {
            problems.add(
                dir.display().to_string(),
                "(folder)",
                format!("cannot be read: {error}"),
            );
            return;
        }
    };
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                problems.add(
                    dir.display().to_string(),
                    "(folder)",
                    format!("cannot be listed: {error}"),
                );
                continue;
            }
        };
        let full = entry.path();
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            problems.add(
                full.display().to_string(),
                "(file)",
                "the name is not UTF-8; expected a plain file name",
            );
            continue;
        };
        if name.starts_with('.') {
            continue;
        }
        let path = format!("{prefix}{name}");
        // `metadata` follows symbolic links, so a linked file is read like any other.
        if fs::metadata(&full).is_ok_and(|m| m.is_dir()) {
            walk(&full, &format!("{path}/"), files, problems);
        } else {
            let text = fs::read_to_string(&full).map_err(|e| e.to_string());
            files.push(KbFile {
                shown: full.display().to_string(),
                path,
                text,
            });
        }
    }
}
