//! `painpath kb check DIR`: the repository's knowledge base passes; a broken copy exits 2 with
//! a line naming the file and the field.

use std::path::{Path, PathBuf};

use crate::support::{painpath, run};

/// The repository's `kb/` folder.
fn repository_kb() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../kb")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("making the copy's folder");
    for entry in std::fs::read_dir(from).expect("reading the knowledge base") {
        let entry = entry.expect("reading the knowledge base");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copying a knowledge-base file");
        }
    }
}

/// Checked as of the newest `checked` date in it, not the real date: a test that failed on a
/// calendar date, with no change to the code, would turn every engineer's unrelated change red
/// on that day and invite bumping dates without re-checking. The real-date check is a release
/// step (`painpath kb check kb/`, kb/README.md), and the server logs overdue entries at start.
#[test]
fn kb_check_of_the_repository_knowledge_base_exits_0() {
    let kb = painpath_kb::load().unwrap_or_else(|problems| panic!("{problems}"));
    let newest = kb
        .services()
        .iter()
        .map(|s| s.checked)
        .max()
        .expect("services");
    let mut cmd = painpath();
    cmd.args(["kb", "check"])
        .arg(repository_kb())
        .args(["--today", &newest.to_string()]);
    let out = run(cmd);
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn kb_check_of_a_treatment_with_an_unknown_group_exits_2_naming_the_file_and_field() {
    let copy = tempfile::tempdir().expect("making a temporary folder");
    let kb = copy.path().join("kb");
    copy_dir(&repository_kb(), &kb);
    let file = kb.join("treatments").join("act.toml");
    let text = std::fs::read_to_string(&file).expect("reading act.toml");
    let broken: String = text
        .lines()
        .map(|l| {
            if l.trim_start().starts_with("group") {
                "group = \"not_a_group\"".to_owned()
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert_ne!(
        broken.trim(),
        text.trim(),
        "act.toml has no group line to break"
    );
    std::fs::write(&file, broken).expect("writing the broken act.toml");

    let mut cmd = painpath();
    cmd.args(["kb", "check"]).arg(&kb);
    let out = run(cmd);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr:\n{stderr}");
    assert!(
        out.stdout.is_empty(),
        "stdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        stderr
            .lines()
            .any(|l| l.contains("act.toml") && l.contains("group") && l.contains("not_a_group")),
        "no line names act.toml and its group:\n{stderr}"
    );
}

/// A copy of the repository's knowledge base with every service's `checked` date set to `day`.
fn copy_checked_on(day: &str) -> tempfile::TempDir {
    let copy = tempfile::tempdir().expect("making a temporary folder");
    copy_dir(&repository_kb(), copy.path());
    let file = copy.path().join("services.toml");
    let text = std::fs::read_to_string(&file).expect("reading services.toml");
    let dated: Vec<String> = text
        .lines()
        .map(|l| {
            if l.starts_with("checked = ") {
                format!("checked = {day}")
            } else {
                l.to_owned()
            }
        })
        .collect();
    assert_ne!(dated.join("\n"), text, "services.toml has no checked dates");
    std::fs::write(&file, dated.join("\n")).expect("writing services.toml");
    copy
}

#[test]
fn kb_check_passes_six_months_after_the_check_and_fails_a_day_later_naming_the_field() {
    let copy = copy_checked_on("2026-06-03");
    let check = |today: &str| {
        let mut cmd = painpath();
        cmd.args(["kb", "check"])
            .arg(copy.path())
            .args(["--today", today]);
        run(cmd)
    };
    let fresh = check("2026-12-03");
    assert_eq!(
        fresh.status.code(),
        Some(0),
        "stderr:\n{}",
        String::from_utf8_lossy(&fresh.stderr)
    );
    let stdout = String::from_utf8_lossy(&fresh.stdout);
    assert!(
        stdout.contains("every service checked within 6 months of 2026-12-03"),
        "{stdout}"
    );

    let stale = check("2026-12-04");
    let stderr = String::from_utf8_lossy(&stale.stderr);
    assert_eq!(stale.status.code(), Some(2), "stderr:\n{stderr}");
    assert!(
        stderr
            .lines()
            .any(|l| l.contains("services.toml: service[0].checked: ")
                && l.contains("more than 6 months before 2026-12-04")),
        "no line names services.toml and service[0].checked:\n{stderr}"
    );
}

#[test]
fn kb_check_without_today_uses_the_real_date() {
    // Checked yesterday passes today; checked two years ago fails today. (Yesterday, so that a
    // test run across midnight cannot make the first one look as if it were in the future.)
    let today = painpath_web::Clock::system().today();
    let yesterday = today.yesterday().expect("a yesterday");
    let two_years_ago = today.saturating_sub(jiff::Span::new().years(2));
    for (day, code) in [(yesterday, 0), (two_years_ago, 2)] {
        let copy = copy_checked_on(&day.to_string());
        let mut cmd = painpath();
        cmd.args(["kb", "check"]).arg(copy.path());
        let out = run(cmd);
        assert_eq!(
            out.status.code(),
            Some(code),
            "checked {day}; stderr:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn kb_check_with_a_today_that_is_not_a_date_exits_2_naming_the_flag() {
    let mut cmd = painpath();
    cmd.args(["kb", "check"])
        .arg(repository_kb())
        .args(["--today", "03/12/2026"]);
    let out = run(cmd);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr:\n{stderr}");
    assert!(
        stderr.contains("--today: `03/12/2026` is not a date"),
        "{stderr}"
    );
}

#[test]
fn kb_check_of_a_dial_number_missing_from_its_contact_exits_2_naming_the_file_and_field() {
    let copy = tempfile::tempdir().expect("making a temporary folder");
    copy_dir(&repository_kb(), copy.path());
    let file = copy.path().join("services.toml");
    let text = std::fs::read_to_string(&file).expect("reading services.toml");
    assert!(text.contains("dial = \"85258\""));
    std::fs::write(
        &file,
        text.replacen("dial = \"85258\"", "dial = \"85259\"", 1),
    )
    .expect("writing services.toml");
    let mut cmd = painpath();
    cmd.args(["kb", "check"])
        .arg(copy.path())
        .args(["--today", "2026-12-03"]);
    let out = run(cmd);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr:\n{stderr}");
    assert!(
        stderr
            .lines()
            .any(|l| l
                .contains("services.toml: service[2].dial: `85259` does not appear in contact")),
        "{stderr}"
    );
}
