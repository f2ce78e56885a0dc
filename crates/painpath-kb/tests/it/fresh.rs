//! Every service says when it was last checked; `painpath kb check` (`check_dir`, given today)
//! refuses one checked more than six months ago, and every load refuses a `dial` number that
//! the contact text does not show.

use std::fs;
use std::path::Path;

use painpath_core::Date;
use painpath_kb::{check_dir, load, load_dir, stale_services};

use crate::broken::{assert_reported, problems_after, replace, write};
use crate::copy_of_kb;

/// Sets every service's `checked` date in the copy at `dir` to `day` (ISO).
fn check_everything_on(dir: &Path, day: &str) {
    let text = fs::read_to_string(dir.join("services.toml")).expect("read services.toml");
    let lines: Vec<String> = text
        .lines()
        .map(|l| {
            if l.starts_with("checked = ") {
                format!("checked = {day}")
            } else {
                l.to_owned()
            }
        })
        .collect();
    write(dir, "services.toml", &lines.join("\n"));
}

#[test]
fn a_knowledge_base_checked_six_months_ago_passes_and_one_day_more_fails_naming_each_field() {
    let dir = copy_of_kb();
    check_everything_on(dir.path(), "2026-06-03");
    // Exactly six months later: still fresh.
    let fresh = check_dir(dir.path(), Date::constant(2026, 12, 3));
    assert!(fresh.is_ok(), "{:?}", fresh.err().map(|p| p.to_string()));
    // Six months and a day: every entry is stale, each named by file and field.
    let problems =
        check_dir(dir.path(), Date::constant(2026, 12, 4)).expect_err("stale entries are refused");
    let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
    let count = load_dir(dir.path()).expect("loads").services().len();
    assert_eq!(lines.len(), count, "{lines:#?}");
    assert_reported(
        &lines,
        "services.toml: service[0].checked",
        "999 or A&E (999) was last checked on 2026-06-03, more than 6 months before 2026-12-04",
    );
    assert!(lines[0].starts_with(&dir.path().join("services.toml").display().to_string()));
}

#[test]
fn only_the_stale_entry_is_named() {
    let dir = copy_of_kb();
    check_everything_on(dir.path(), "2026-12-01");
    // Samaritans (the second entry) was checked long ago.
    let text = fs::read_to_string(dir.path().join("services.toml")).expect("read");
    let at = text.find("code = \"samaritans\"").expect("samaritans");
    let (head, tail) = text.split_at(at);
    let tail = tail.replacen("checked = 2026-12-01", "checked = 2025-01-31", 1);
    write(dir.path(), "services.toml", &format!("{head}{tail}"));
    let problems = check_dir(dir.path(), Date::constant(2026, 12, 3)).expect_err("refused");
    let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert_reported(&lines, "services.toml: service[1].checked", "Samaritans");
}

#[test]
fn the_server_side_check_names_the_embedded_file_and_lets_a_fresh_knowledge_base_through() {
    let kb = load().unwrap_or_else(|problems| panic!("{problems}"));
    let newest = kb
        .services()
        .iter()
        .map(|s| s.checked)
        .max()
        .expect("services");
    // On the day of the newest check, nothing is stale (and none is checked after it).
    assert!(stale_services(&kb, newest, "kb/services.toml").is_empty());
    // Years later, everything is, named as the embedded file.
    let later = Date::constant(2099, 1, 1);
    let stale = stale_services(&kb, later, "kb/services.toml");
    assert_eq!(stale.len(), kb.services().len());
    assert!(
        stale
            .iter()
            .all(|p| p.file == "kb/services.toml" && p.field.ends_with(".checked"))
    );
}

#[test]
fn a_service_without_a_checked_date_is_refused() {
    let problems = problems_after(|dir| {
        replace(
            dir,
            "services.toml",
            "source = \"samaritans_site\"\nstatus = \"confirmed\"\nchecked = 2026-11-01\n",
            "source = \"samaritans_site\"\nstatus = \"confirmed\"\n",
        );
    });
    assert_reported(
        &problems,
        "services.toml: service[1].checked",
        "missing; expected the day the entry was last checked",
    );
    assert_eq!(problems.len(), 1, "{problems:?}");
}

#[test]
fn a_checked_date_that_is_not_a_plain_date_is_refused_naming_the_field() {
    for (bad, words) in [
        ("2026-13-01", "line"),
        ("\"01/11/2026\"", "`01/11/2026` is not a date"),
        ("2026-11-01T09:00:00", "has a time"),
        ("20261101", "is not a date"),
        ("\"2026-02-30\"", "is not a date"),
    ] {
        let problems = problems_after(|dir| {
            replace(
                dir,
                "services.toml",
                "status = \"confirmed\"\nchecked = 2026-11-01\n",
                &format!("status = \"confirmed\"\nchecked = {bad}\n"),
            );
        });
        assert_reported(&problems, "services.toml: service[0].checked", words);
    }
}

#[test]
fn a_quoted_iso_date_is_read_as_the_same_day() {
    let dir = copy_of_kb();
    replace(
        dir.path(),
        "services.toml",
        "status = \"confirmed\"\nchecked = 2026-11-01\n",
        "status = \"confirmed\"\nchecked = \"2026-11-01\"\n",
    );
    let kb = load_dir(dir.path()).unwrap_or_else(|p| panic!("{p}"));
    assert_eq!(kb.services()[0].checked, Date::constant(2026, 11, 1));
}

#[test]
fn a_dial_number_the_contact_does_not_show_is_refused_naming_the_file_and_field() {
    let problems = problems_after(|dir| {
        replace(
            dir,
            "services.toml",
            "dial = \"116123\"",
            "dial = \"116124\"",
        );
    });
    assert_reported(
        &problems,
        "services.toml: service[1].dial",
        "`116124` does not appear in contact",
    );
    assert_eq!(problems.len(), 1, "{problems:?}");
    // The digits of another number in the same text do not count.
    let problems = problems_after(|dir| {
        replace(
            dir,
            "services.toml",
            "dial = \"08088088000\"",
            "dial = \"08088088001\"",
        );
    });
    assert_reported(
        &problems,
        "services.toml: service[6].dial",
        "does not appear",
    );
}

#[test]
fn a_dial_number_shown_with_spaces_in_the_contact_is_accepted() {
    // The real file writes 0808 808 8000 and 116 123 with spaces and dials them without.
    let kb = load().unwrap_or_else(|problems| panic!("{problems}"));
    let lifeline = kb.services().iter().find(|s| s.code == "lifeline");
    assert_eq!(
        lifeline.and_then(|s| s.dial.clone()).as_deref(),
        Some("08088088000")
    );
    // A number written with hyphens is read the same way.
    let dir = copy_of_kb();
    replace(
        dir.path(),
        "services.toml",
        "Call 116 123, free",
        "Call 116-123, free",
    );
    assert!(load_dir(dir.path()).is_ok());
}

#[test]
fn a_source_list_naming_an_unknown_id_is_refused_at_its_place_in_the_list() {
    let problems = problems_after(|dir| {
        replace(
            dir,
            "services.toml",
            "source = [\"the_mix_overdose\", \"self_injury_support_overdose\"]",
            "source = [\"the_mix_overdose\", \"nhs_overdose\"]",
        );
    });
    assert_reported(
        &problems,
        "services.toml: service[11].source[1]",
        "`nhs_overdose` is not an id in sources.toml",
    );
}

#[test]
fn a_source_relied_on_date_or_summary_that_is_wrong_is_refused_naming_the_field() {
    let problems = problems_after(|dir| {
        replace(
            dir,
            "sources.toml",
            "relied_on = 2026-12-03\n",
            "relied_on = \"last week\"\n",
        );
    });
    assert_reported(
        &problems,
        "sources.toml: source[29].relied_on",
        "`last week` is not a date",
    );
    assert_eq!(problems.len(), 1, "reported once: {problems:#?}");
    let problems = problems_after(|dir| {
        replace(
            dir,
            "sources.toml",
            "supports = \"After",
            "supports = \" After",
        );
    });
    assert_reported(
        &problems,
        "sources.toml: source[29].supports",
        "spaces at the start or end",
    );
}

#[test]
fn a_checked_date_after_today_is_refused_as_a_typo() {
    let dir = copy_of_kb();
    check_everything_on(dir.path(), "2026-12-01");
    replace(
        dir.path(),
        "services.toml",
        "checked = 2026-12-01",
        "checked = 2062-12-01",
    );
    let problems = check_dir(dir.path(), Date::constant(2026, 12, 3)).expect_err("refused");
    let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert_reported(
        &lines,
        "services.toml: service[0].checked",
        "after 2026-12-03",
    );
}
