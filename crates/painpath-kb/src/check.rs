//! Checks the knowledge base's files and turns them into core's types.
//!
//! Every check records its problem and carries on, so one run reports everything wrong. A
//! [`Kb`] is built only when nothing at all is wrong: a half-checked knowledge base must never
//! reach a patient's page.

use std::collections::{BTreeMap, BTreeSet};

use painpath_core::Date;
use painpath_core::instruments::Instrument;
use painpath_core::kb::{DialKind, Kb, Service, Source, Treatment, TreatmentGroup};
use painpath_core::person::Nation;
use painpath_core::treatment::TreatmentCode;
use serde::de::DeserializeOwned;

use crate::contract;
use crate::instrument::check_instrument;
use crate::problems::KbProblems;
use crate::shape::{ServiceEntry, ServicesFile, SourceEntry, SourcesFile, TreatmentFile};

/// One file of a knowledge base, wherever it was read from.
pub(crate) struct KbFile {
    /// The file as the reader knows it (`kb/services.toml`, `/tmp/x/services.toml`).
    pub shown: String,
    /// Its path inside the knowledge base's folder, with `/` separators (`treatments/rtms.toml`).
    pub path: String,
    /// Its text, or why it could not be read.
    pub text: Result<String, String>,
}

pub(crate) const WHOLE_FILE: &str = "(file)";
const SERVICES: &str = "services.toml";
const SOURCES: &str = "sources.toml";
const README: &str = "README.md";

/// Checks every file and builds the knowledge base, or gives every problem found. `root` is how
/// the reader knows the folder (`kb`), for naming files that are missing.
pub(crate) fn build(files: &[KbFile], root: &str) -> Result<Kb, KbProblems> {
    let mut problems = KbProblems::new();
    let mut sources_file = None;
    let mut services_file = None;
    let mut treatment_files = Vec::new();
    let mut instrument_files = Vec::new();
    for file in files {
        if file.path == SOURCES {
            sources_file = Some(file);
        } else if file.path == SERVICES {
            services_file = Some(file);
        } else if file.path == README {
            // Documentation for reviewers; nothing in it is data.
        } else if let Some(stem) = stem_in("treatments/", &file.path) {
            treatment_files.push((stem, file));
        } else if let Some(stem) = stem_in("instruments/", &file.path) {
            instrument_files.push((stem, file));
        } else {
            problems.add(
                &file.shown,
                WHOLE_FILE,
                "not a file the knowledge base reads; expected README.md, services.toml, \
                 sources.toml, treatments/<code>.toml or instruments/<code>.toml",
            );
        }
    }

    // Sources come first: every other file is checked against their ids.
    let (sources, ids) = match sources_file {
        Some(file) => check_sources(file, &mut problems),
        None => {
            problems.add(
                format!("{root}/{SOURCES}"),
                WHOLE_FILE,
                "missing; expected the list of every source the knowledge base cites",
            );
            (Vec::new(), Vec::new())
        }
    };
    // Every well-formed id counts as known, even when another field of its entry is wrong, so
    // that one mistake in a source is reported once, not again at every entry citing it.
    let source_ids: BTreeSet<&str> = ids.iter().map(String::as_str).collect();
    let mut cited: BTreeSet<String> = BTreeSet::new();

    let mut treatments: BTreeMap<String, Treatment> = BTreeMap::new();
    let mut treatments_shown: BTreeMap<String, String> = BTreeMap::new();
    for (stem, file) in &treatment_files {
        if let Some(t) = check_treatment(stem, file, &mut problems) {
            let code = t.code.as_str().to_owned();
            if let Some(other) = treatments_shown.get(&code) {
                problems.add(
                    &file.shown,
                    "code",
                    format!("`{code}` is already used by {other}; expected each code once"),
                );
            } else {
                treatments_shown.insert(code.clone(), file.shown.clone());
                treatments.insert(code, t);
            }
        }
    }
    for (code, group) in contract::TREATMENT_CODES {
        let file_exists = treatment_files.iter().any(|(stem, _)| *stem == code);
        if !file_exists {
            problems.add(
                format!("{root}/treatments/{code}.toml"),
                WHOLE_FILE,
                format!(
                    "missing; plan.md's treatment table lists `{code}` (group `{}`), so the \
                     knowledge base needs this file",
                    group.code()
                ),
            );
        }
    }

    let services = match services_file {
        Some(file) => check_services(file, &source_ids, &mut cited, &mut problems),
        None => {
            problems.add(
                format!("{root}/{SERVICES}"),
                WHOLE_FILE,
                "missing; expected the help services painpath signposts",
            );
            None
        }
    };

    let mut instruments = Vec::new();
    let mut all_instruments_parsed = true;
    for (stem, file) in &instrument_files {
        let checked = check_instrument(stem, file, &source_ids, &mut cited, &mut problems);
        all_instruments_parsed &= checked.parsed;
        instruments.extend(checked.text);
    }
    for instrument in Instrument::ALL {
        let code = instrument.code();
        if !instrument_files.iter().any(|(stem, _)| *stem == code) {
            problems.add(
                format!("{root}/instruments/{code}.toml"),
                WHOLE_FILE,
                format!(
                    "missing; painpath scores `{code}`, so the knowledge base needs its wording, \
                     codes and bands"
                ),
            );
        }
    }

    // An unparsed file's citations are unknown, so "not cited" would be guesswork then.
    if let (Some(file), Some(_), true) = (sources_file, &services, all_instruments_parsed) {
        for (i, source) in sources.iter().enumerate() {
            if !cited.contains(&source.id) {
                problems.add(
                    &file.shown,
                    format!("source[{i}].id"),
                    format!(
                        "`{}` is not cited by any entry; expected only sources that an entry \
                         cites (cite it, or remove it)",
                        source.id
                    ),
                );
            }
        }
    }

    if !problems.is_empty() {
        problems.sort();
        return Err(problems);
    }
    Ok(Kb::new(
        treatments.into_values().collect(),
        services.unwrap_or_default(),
        sources,
    )
    .with_instruments(instruments))
}

/// `stem_in("treatments/", "treatments/rtms.toml")` gives `rtms`; anything else, including a
/// file in a subfolder of `treatments/`, gives `None`.
fn stem_in<'a>(folder: &str, path: &'a str) -> Option<&'a str> {
    let name = path.strip_prefix(folder)?.strip_suffix(".toml")?;
    (!name.contains('/')).then_some(name)
}

/// Parses a file into its shape, or records why it cannot be parsed.
pub(crate) fn parse<T: DeserializeOwned>(file: &KbFile, problems: &mut KbProblems) -> Option<T> {
    let text = match &file.text {
        Ok(text) => text,
        Err(why) => {
            problems.add(&file.shown, WHOLE_FILE, format!("cannot be read: {why}"));
            return None;
        }
    };
    match toml::from_str::<T>(text) {
        Ok(value) => Some(value),
        Err(error) => {
            let (field, message) = describe(text, &error);
            problems.add(&file.shown, field, message);
            None
        }
    }
}

/// Turns a TOML or serde error into a field and a message. The field is named when it can be
/// (an unknown field from the message; otherwise the key on the error's line), inside the table
/// it belongs to (`service[2].phone`, `item[4].scale.min`); the line is always given, since that
/// is what a reviewer can find in an editor.
fn describe(text: &str, error: &toml::de::Error) -> (String, String) {
    let message = error.message().trim().to_owned();
    let offset = error.span().map(|s| s.start).unwrap_or(0).min(text.len());
    let before = text.get(..offset).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let table = table_path(before);
    let in_entry = |name: &str| match &table {
        Some(table) => format!("{table}.{name}"),
        None => name.to_owned(),
    };
    if let Some(rest) = message.strip_prefix("unknown field `")
        && let Some((name, expected)) = rest.split_once('`')
    {
        let expected = expected.trim_start_matches(',').trim();
        return (
            in_entry(name),
            format!("not a field this file may have (line {line}); {expected}"),
        );
    }
    let key = text
        .lines()
        .nth(line - 1)
        .and_then(|l| l.split_once('='))
        .map(|(key, _)| key.trim())
        .filter(|key| {
            !key.is_empty()
                && key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        });
    match key {
        Some(key) => (in_entry(key), format!("{message} (line {line})")),
        None => (format!("line {line}"), message),
    }
}

/// The table that the end of `before` is inside, named as the loader names fields: each array
/// of tables with its entry's index (`service[2]`, `answer_set[0].option[3]`, `item[4].scale`),
/// or `None` at the top of the file.
fn table_path(before: &str) -> Option<String> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut current = None;
    for line in before.lines() {
        let line = line.trim();
        if let Some(name) = line.strip_prefix("[[").and_then(|r| r.split_once("]]")) {
            let name = name.0.trim().to_owned();
            // A new entry starts afresh the arrays nested in the one before.
            counts.retain(|key, _| !key.starts_with(&format!("{name}.")));
            *counts.entry(name.clone()).or_insert(0) += 1;
            current = Some(name);
        } else if let Some(name) = line.strip_prefix('[').and_then(|r| r.split_once(']')) {
            current = Some(name.0.trim().to_owned());
        } else {
            continue;
        }
        // Name each array on the path by its latest entry.
        if let Some(name) = &current {
            let mut path = String::new();
            let mut dotted = String::new();
            for part in name.split('.') {
                if !dotted.is_empty() {
                    dotted.push('.');
                    path.push('.');
                }
                dotted.push_str(part);
                path.push_str(part);
                if let Some(n) = counts.get(&dotted) {
                    path.push_str(&format!("[{}]", n - 1));
                }
            }
            current = Some(path);
        }
    }
    current
}

/// A required line of plain text: present, not blank, with no line breaks or padding.
pub(crate) fn text(
    value: &Option<String>,
    file: &KbFile,
    field: &str,
    what: &str,
    problems: &mut KbProblems,
) -> Option<String> {
    let Some(value) = value else {
        problems.add(&file.shown, field, format!("missing; expected {what}"));
        return None;
    };
    let problem = if value.trim().is_empty() {
        Some("empty")
    } else if value.chars().any(char::is_control) {
        Some("has a line break or control character")
    } else if value.trim() != value {
        Some("has spaces at the start or end")
    } else {
        None
    };
    match problem {
        Some(problem) => {
            problems.add(&file.shown, field, format!("{problem}; expected {what}"));
            None
        }
        None => Some(value.clone()),
    }
}

/// An optional calendar date written as a TOML date (`2026-12-03`, no quotes) or, as a reviewer
/// might type it, a quoted ISO date. `Some(None)` when absent; `None` when it is wrong, with the
/// problem recorded.
pub(crate) fn date(
    value: &Option<toml::Value>,
    file: &KbFile,
    field: &str,
    problems: &mut KbProblems,
) -> Option<Option<Date>> {
    const EXPECTED: &str = "expected a date as year-month-day with no quotes, such as 2026-12-03";
    let Some(value) = value else {
        return Some(None);
    };
    let parsed = match value {
        toml::Value::Datetime(dt) => match (dt.date, dt.time, dt.offset) {
            (Some(d), None, None) => Date::new(
                i16::try_from(d.year).unwrap_or(i16::MAX),
                i8::try_from(d.month).unwrap_or(i8::MAX),
                i8::try_from(d.day).unwrap_or(i8::MAX),
            )
            .map_err(|_| format!("`{dt}` is not a day of the calendar; {EXPECTED}")),
            _ => Err(format!("`{dt}` has a time; {EXPECTED}")),
        },
        toml::Value::String(text) => text
            .parse::<Date>()
            .ok()
            .filter(|d| d.to_string() == *text)
            .ok_or_else(|| format!("`{text}` is not a date; {EXPECTED}")),
        other => Err(format!("a {} is not a date; {EXPECTED}", other.type_str())),
    };
    match parsed {
        Ok(d) => Some(Some(d)),
        Err(message) => {
            problems.add(&file.shown, field, message);
            None
        }
    }
}

/// Whether the digits of `dial` appear, in that order and together, in `contact`: in one run of
/// digits that may be split by single spaces or hyphens ("116 123", "0808 808 8000"). A link
/// that dials something the text does not show would send a person in distress to a number they
/// did not choose.
pub(crate) fn contact_shows(contact: &str, dial: &str) -> bool {
    let mut runs: Vec<String> = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = contact.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if c.is_ascii_digit() {
            current.push(*c);
        } else {
            let joins = matches!(c, ' ' | '-')
                && !current.is_empty()
                && chars.get(i + 1).is_some_and(char::is_ascii_digit);
            if !joins && !current.is_empty() {
                runs.push(std::mem::take(&mut current));
            }
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }
    runs.iter().any(|run| run.contains(dial))
}

/// A lower-case snake_case code starting with a letter (`nice_ng193`).
pub(crate) fn is_code(s: &str) -> bool {
    TreatmentCode::parse(s).is_ok()
}

/// The sources that passed every check, and every well-formed id, whichever passed.
fn check_sources(file: &KbFile, problems: &mut KbProblems) -> (Vec<Source>, Vec<String>) {
    let Some(parsed) = parse::<SourcesFile>(file, problems) else {
        return (Vec::new(), Vec::new());
    };
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut sources = Vec::new();
    for (i, entry) in parsed.source.iter().enumerate() {
        if let Some(source) = check_source(i, entry, file, &mut seen, problems) {
            sources.push(source);
        }
    }
    (sources, seen.into_keys().collect())
}

fn check_source(
    i: usize,
    entry: &SourceEntry,
    file: &KbFile,
    seen: &mut BTreeMap<String, usize>,
    problems: &mut KbProblems,
) -> Option<Source> {
    let field = |name: &str| format!("source[{i}].{name}");
    let id = match &entry.id {
        None => {
            problems.add(
                &file.shown,
                field("id"),
                "missing; expected a lower-case snake_case id (`nice_ng193`)",
            );
            None
        }
        Some(id) if !is_code(id) => {
            problems.add(
                &file.shown,
                field("id"),
                format!(
                    "`{id}` is not a lower-case snake_case id; expected one such as `nice_ng193`"
                ),
            );
            None
        }
        Some(id) => match seen.get(id) {
            Some(first) => {
                problems.add(
                    &file.shown,
                    field("id"),
                    format!("`{id}` is already the id of source[{first}]; expected each id once"),
                );
                None
            }
            None => {
                seen.insert(id.clone(), i);
                Some(id.clone())
            }
        },
    };
    let title = text(
        &entry.title,
        file,
        &field("title"),
        "the source's full title, as a reader would look it up",
        problems,
    );
    let url = match &entry.url {
        Some(url) if !url.starts_with("https://") || url.contains(char::is_whitespace) => {
            problems.add(
                &file.shown,
                field("url"),
                format!("`{url}` is not a web address; expected one starting https://"),
            );
            None
        }
        url => Some(url.clone()),
    };
    let supports = match &entry.supports {
        None => Some(None),
        some => text(
            some,
            file,
            &field("supports"),
            "what the source supports, in plain words",
            problems,
        )
        .map(Some),
    };
    let relied_on = date(&entry.relied_on, file, &field("relied_on"), problems);
    Some(Source {
        id: id?,
        title: title?,
        url: url?,
        supports: supports?,
        relied_on: relied_on?,
    })
}

fn check_treatment(stem: &str, file: &KbFile, problems: &mut KbProblems) -> Option<Treatment> {
    let stem_ok = is_code(stem);
    if !stem_ok {
        problems.add(
            &file.shown,
            WHOLE_FILE,
            "the file name is not a treatment code; expected treatments/<code>.toml with a \
             lower-case snake_case code",
        );
    }
    let parsed = parse::<TreatmentFile>(file, problems)?;

    let code = match &parsed.code {
        None => {
            problems.add(
                &file.shown,
                "code",
                format!("missing; expected the treatment's code, `{stem}`, as in the file name"),
            );
            None
        }
        Some(code) => match TreatmentCode::parse(code) {
            Err(error) => {
                problems.add(&file.shown, "code", format!("`{code}`: {error}"));
                None
            }
            Ok(_) if stem_ok && code != stem => {
                problems.add(
                    &file.shown,
                    "code",
                    format!("`{code}` does not match the file name; expected `{stem}`"),
                );
                None
            }
            Ok(code) => Some(code),
        },
    };

    let name = text(
        &parsed.name,
        file,
        "name",
        "the treatment's name in plain English, as a patient would recognise it",
        problems,
    );

    let groups = TreatmentGroup::ALL.map(TreatmentGroup::code).join(", ");
    let group = match &parsed.group {
        None => {
            problems.add(
                &file.shown,
                "group",
                format!("missing; expected one of {groups}"),
            );
            None
        }
        Some(group) => match group.parse::<TreatmentGroup>() {
            Err(_) => {
                problems.add(
                    &file.shown,
                    "group",
                    format!("`{group}` is not a group; expected one of {groups}"),
                );
                None
            }
            Ok(found) => match contract::group_of(stem) {
                Some(expected) if expected != found => {
                    problems.add(
                        &file.shown,
                        "group",
                        format!(
                            "`{group}` is not plan.md's group for `{stem}`; expected `{}`",
                            expected.code()
                        ),
                    );
                    None
                }
                _ => Some(found),
            },
        },
    };

    Some(Treatment {
        code: code?,
        name: name?,
        group: group?,
    })
}

fn check_services(
    file: &KbFile,
    source_ids: &BTreeSet<&str>,
    cited: &mut BTreeSet<String>,
    problems: &mut KbProblems,
) -> Option<Vec<Service>> {
    let parsed = parse::<ServicesFile>(file, problems)?;
    let mut services: Vec<(usize, Service)> = Vec::new();
    for (i, entry) in parsed.service.iter().enumerate() {
        if let Some(service) = check_service(i, entry, file, source_ids, cited, problems) {
            // One entry per code for each nation, so a person is never shown two versions of
            // the same line (111's wording differs by nation, hence one entry per nation).
            for (j, earlier) in &services {
                if earlier.code == service.code
                    && let Some(nation) = Nation::ALL
                        .into_iter()
                        .find(|n| earlier.serves(*n) && service.serves(*n))
                {
                    problems.add(
                        &file.shown,
                        format!("service[{i}].nations"),
                        format!(
                            "service[{j}] already gives `{}` for {}; expected each code at \
                             most once for each nation",
                            service.code,
                            nation.code()
                        ),
                    );
                }
            }
            services.push((i, service));
        }
    }

    // The help-now component must have something to show everyone (design.md 14).
    let emergency = services
        .iter()
        .any(|(_, s)| s.code == "999" && s.crisis && s.nations.is_empty());
    if !emergency {
        problems.add(
            &file.shown,
            "service",
            "no UK-wide crisis entry with code `999`; expected one, which help-now shows first",
        );
    }
    for nation in Nation::ALL {
        let own_line = services
            .iter()
            .any(|(_, s)| s.crisis && !s.nations.is_empty() && s.serves(nation));
        if !own_line {
            problems.add(
                &file.shown,
                "service",
                format!(
                    "no crisis line for {}; expected one, because help-now shows each nation \
                     its own line",
                    nation.code()
                ),
            );
        }
    }
    Some(services.into_iter().map(|(_, s)| s).collect())
}

fn check_service(
    i: usize,
    entry: &ServiceEntry,
    file: &KbFile,
    source_ids: &BTreeSet<&str>,
    cited: &mut BTreeSet<String>,
    problems: &mut KbProblems,
) -> Option<Service> {
    let field = |name: &str| format!("service[{i}].{name}");
    let shown = file.shown.as_str();

    let code = match &entry.code {
        Some(code)
            if contract::SERVICE_CODES.contains(&code.as_str())
                || contract::PAGE_SERVICE_CODES.contains(&code.as_str()) =>
        {
            Some(code.clone())
        }
        found => {
            let what = match found {
                Some(code) => format!("`{code}` is not a service code"),
                None => "missing".to_owned(),
            };
            problems.add(
                shown,
                field("code"),
                format!(
                    "{what}; expected one of plan.md's {}, or painpath's own {}",
                    contract::SERVICE_CODES.join(", "),
                    contract::PAGE_SERVICE_CODES.join(", ")
                ),
            );
            None
        }
    };
    let name = text(
        &entry.name,
        file,
        &field("name"),
        "the service's name",
        problems,
    );
    let contact = text(
        &entry.contact,
        file,
        &field("contact"),
        "how to reach the service, in plain words",
        problems,
    );
    let hours = text(
        &entry.hours,
        file,
        &field("hours"),
        "when the service is open, in plain words",
        problems,
    );

    // A crisis link must dial exactly what is written, so digits only: no spaces, no `+`.
    let dial = match &entry.dial {
        Some(dial)
            if !(3..=15).contains(&dial.len()) || !dial.chars().all(|c| c.is_ascii_digit()) =>
        {
            problems.add(
                shown,
                field("dial"),
                format!("`{dial}` is not a number to dial; expected 3 to 15 digits, no spaces"),
            );
            None
        }
        dial => Some(dial.clone()),
    };
    let dial_kind = match (&entry.dial, &entry.dial_kind) {
        (None, None) => Some(DialKind::default()),
        (None, Some(_)) => {
            problems.add(
                shown,
                field("dial_kind"),
                "given without dial; expected it only beside a dial number",
            );
            None
        }
        (Some(_), None) => {
            problems.add(
                shown,
                field("dial_kind"),
                "missing; expected call or text, so a text-only number never becomes a phone link",
            );
            None
        }
        (Some(_), Some(kind)) => match kind.parse::<DialKind>() {
            Ok(kind) => Some(kind),
            Err(error) => {
                problems.add(shown, field("dial_kind"), format!("`{kind}`: {error}"));
                None
            }
        },
    };
    if let (Some(Some(digits)), Some(contact)) = (&dial, &contact)
        && !contact_shows(contact, digits)
    {
        problems.add(
            shown,
            field("dial"),
            format!(
                "`{digits}` does not appear in contact; expected the same digits as the contact \
                 text shows (spaces between them are fine), so the link dials what the person reads"
            ),
        );
    }

    let nations = match &entry.nations {
        None => {
            problems.add(
                shown,
                field("nations"),
                "missing; expected a list of nation codes, or [] for the whole UK",
            );
            None
        }
        Some(codes) => {
            let mut nations = Vec::new();
            let mut ok = true;
            for (j, code) in codes.iter().enumerate() {
                match code.parse::<Nation>() {
                    Ok(nation) if nations.contains(&nation) => {
                        problems.add(
                            shown,
                            format!("service[{i}].nations[{j}]"),
                            format!("`{code}` is listed twice; expected each nation once"),
                        );
                        ok = false;
                    }
                    Ok(nation) => nations.push(nation),
                    Err(error) => {
                        problems.add(
                            shown,
                            format!("service[{i}].nations[{j}]"),
                            format!("`{code}` is not a nation; {error}"),
                        );
                        ok = false;
                    }
                }
            }
            ok.then_some(nations)
        }
    };

    let crisis = entry.crisis;
    if crisis.is_none() {
        problems.add(
            shown,
            field("crisis"),
            "missing; expected true (shown in the help-now component) or false",
        );
    }

    let sources = match &entry.source {
        None => Some(Vec::new()),
        Some(given) => {
            let ids = given.values();
            let mut ok = true;
            if ids.is_empty() {
                problems.add(
                    shown,
                    field("source"),
                    "an empty list; expected one id in sources.toml, or a list of them",
                );
                ok = false;
            }
            for (j, id) in ids.iter().enumerate() {
                let at = match given {
                    crate::shape::OneOrMany::One(_) => field("source"),
                    crate::shape::OneOrMany::Many(_) => format!("service[{i}].source[{j}]"),
                };
                if source_ids.contains(id) {
                    cited.insert((*id).to_owned());
                } else {
                    problems.add(
                        shown,
                        at,
                        format!("`{id}` is not an id in sources.toml; expected one of its ids"),
                    );
                    ok = false;
                }
            }
            ok.then(|| ids.into_iter().map(str::to_owned).collect())
        }
    };

    // Numbers and hours change: every entry says when someone last checked it, and the date is
    // shown to patients beside it.
    let checked = match date(&entry.checked, file, &field("checked"), problems) {
        Some(Some(day)) => Some(day),
        Some(None) => {
            problems.add(
                shown,
                field("checked"),
                "missing; expected the day the entry was last checked against its sources, \
                 such as 2026-12-03 (no quotes)",
            );
            None
        }
        None => None,
    };

    // Design.md 13: every fact is sourced, or marked unconfirmed with a reason.
    let unconfirmed = match entry.status.as_deref() {
        Some("confirmed") => {
            let mut ok = true;
            if entry.source.is_none() {
                problems.add(
                    shown,
                    field("source"),
                    "missing; expected the id of the source in sources.toml that confirms \
                     these facts (or status = \"unconfirmed\" with a reason)",
                );
                ok = false;
            }
            if entry.reason.is_some() {
                problems.add(
                    shown,
                    field("reason"),
                    "given for a confirmed service; expected a reason only with status = \
                     \"unconfirmed\"",
                );
                ok = false;
            }
            ok.then_some(None)
        }
        Some("unconfirmed") => {
            let reason = text(
                &entry.reason,
                file,
                &field("reason"),
                "why the service is unconfirmed, which clinicians see beside it",
                problems,
            );
            if crisis == Some(true) {
                problems.add(
                    shown,
                    field("crisis"),
                    "true for an unconfirmed service; expected false, because help-now is shown \
                     to patients, who see only confirmed facts",
                );
                None
            } else {
                reason.map(Some)
            }
        }
        found => {
            let what = match found {
                Some(status) => format!("`{status}` is not a status"),
                None => "missing".to_owned(),
            };
            problems.add(
                shown,
                field("status"),
                format!("{what}; expected confirmed or unconfirmed (with a reason)"),
            );
            None
        }
    };

    Some(Service {
        code: code?,
        name: name?,
        contact: contact?,
        dial: dial?,
        dial_kind: dial_kind?,
        hours: hours?,
        nations: nations?,
        crisis: crisis?,
        sources: sources?,
        unconfirmed: unconfirmed?,
        checked: checked?,
    })
}
