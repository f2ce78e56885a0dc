//! Broken copies of the knowledge base are refused, with every problem named as
//! `file: field: what was expected`.

use std::fs;
use std::path::Path;

use painpath_kb::load_dir;

use crate::copy_of_kb;

/// Loads a copy of the real knowledge base after `edit`, and gives its problems, one line each.
pub fn problems_after(edit: impl FnOnce(&Path)) -> Vec<String> {
    let dir = copy_of_kb();
    edit(dir.path());
    match load_dir(dir.path()) {
        Ok(_) => panic!("the broken knowledge base was accepted"),
        Err(problems) => {
            let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
            assert_eq!(problems.to_string(), lines.join("\n"));
            lines
        }
    }
}

pub fn write(dir: &Path, path: &str, text: &str) {
    fs::write(dir.join(path), text).expect("write a file");
}

/// Replaces `from` with `to` in one file, failing if `from` is not there (so that a test cannot
/// pass by editing nothing).
pub fn replace(dir: &Path, path: &str, from: &str, to: &str) {
    let text = fs::read_to_string(dir.join(path)).expect("read a file");
    assert!(text.contains(from), "{path} has no {from:?}");
    write(dir, path, &text.replacen(from, to, 1));
}

#[track_caller]
pub fn assert_reported(problems: &[String], file_and_field: &str, words: &str) {
    assert!(
        problems
            .iter()
            .any(|p| p.contains(&format!("/{file_and_field}: ")) && p.contains(words)),
        "expected a problem `{file_and_field}: …{words}…`, got:\n{}",
        problems.join("\n")
    );
}

#[test]
fn a_treatment_without_a_group_is_refused() {
    let problems = problems_after(|dir| {
        write(
            dir,
            "treatments/rtms.toml",
            "code = \"rtms\"\nname = \"rTMS\"\n",
        );
    });
    assert_reported(
        &problems,
        "treatments/rtms.toml: group",
        "missing; expected one of",
    );
    assert_eq!(problems.len(), 1, "{problems:?}");
}

#[test]
fn a_treatment_whose_code_does_not_match_its_file_name_is_refused() {
    let problems = problems_after(|dir| {
        replace(
            dir,
            "treatments/rtms.toml",
            "code = \"rtms\"",
            "code = \"tms\"",
        );
    });
    assert_reported(
        &problems,
        "treatments/rtms.toml: code",
        "`tms` does not match the file name; expected `rtms`",
    );
}

#[test]
fn a_treatment_code_that_is_not_snake_case_is_refused() {
    let problems = problems_after(|dir| {
        replace(
            dir,
            "treatments/rtms.toml",
            "code = \"rtms\"",
            "code = \"rTMS\"",
        );
    });
    assert_reported(
        &problems,
        "treatments/rtms.toml: code",
        "expected a lower-case snake_case code",
    );
}

#[test]
fn a_treatment_with_a_group_outside_the_closed_list_is_refused() {
    let problems = problems_after(|dir| {
        replace(
            dir,
            "treatments/yoga.toml",
            "group = \"physical\"",
            "group = \"exercise\"",
        );
    });
    assert_reported(
        &problems,
        "treatments/yoga.toml: group",
        "`exercise` is not a group; expected one of self_management",
    );
}

#[test]
fn a_treatment_in_a_group_other_than_plans_is_refused() {
    let problems = problems_after(|dir| {
        replace(
            dir,
            "treatments/yoga.toml",
            "group = \"physical\"",
            "group = \"psychological_and_mind_body\"",
        );
    });
    assert_reported(
        &problems,
        "treatments/yoga.toml: group",
        "not plan.md's group for `yoga`; expected `physical`",
    );
}

#[test]
fn a_missing_plan_treatment_code_is_refused() {
    let problems = problems_after(|dir| {
        fs::remove_file(dir.join("treatments/pacing.toml")).expect("remove a file");
    });
    assert_reported(
        &problems,
        "treatments/pacing.toml: (file)",
        "plan.md's treatment table lists `pacing`",
    );
}

#[test]
fn an_unknown_field_in_a_treatment_is_refused_and_named() {
    let problems = problems_after(|dir| {
        replace(
            dir,
            "treatments/rtms.toml",
            "group =",
            "nhs = \"limited\"\ngroup =",
        );
    });
    assert_reported(
        &problems,
        "treatments/rtms.toml: nhs",
        "not a field this file may have (line 3)",
    );
}

#[test]
fn an_unknown_field_in_a_service_is_refused_and_named_with_its_entry() {
    let problems = problems_after(|dir| {
        replace(
            dir,
            "services.toml",
            "code = \"shout\"",
            "code = \"shout\"\nphone = \"85258\"",
        );
    });
    assert_reported(&problems, "services.toml: service[2].phone", "not a field");
}

#[test]
fn a_service_citing_a_source_not_in_sources_toml_is_refused() {
    let problems = problems_after(|dir| {
        replace(
            dir,
            "services.toml",
            "source = \"shout_faq\"",
            "source = \"shout_website\"",
        );
    });
    assert_reported(
        &problems,
        "services.toml: service[2].source",
        "`shout_website` is not an id in sources.toml",
    );
}

#[test]
fn an_unconfirmed_service_without_a_reason_is_refused() {
    let problems = problems_after(|dir| {
        let text = fs::read_to_string(dir.join("services.toml")).expect("read");
        let without: Vec<&str> = text
            .lines()
            .filter(|l| !(l.starts_with("reason = ") && l.contains("March 2020")))
            .collect();
        write(dir, "services.toml", &without.join("\n"));
    });
    assert_reported(
        &problems,
        "services.toml: service[7].reason",
        "missing; expected why the service is unconfirmed",
    );
}

#[test]
fn a_confirmed_service_without_a_source_is_refused() {
    let problems = problems_after(|dir| {
        replace(dir, "services.toml", "source = \"lifeline_site\"\n", "");
    });
    assert_reported(
        &problems,
        "services.toml: service[6].source",
        "missing; expected the id of the source",
    );
}

#[test]
fn an_unconfirmed_crisis_service_is_refused_because_patients_see_help_now() {
    let problems = problems_after(|dir| {
        replace(
            dir,
            "services.toml",
            "crisis = false\nsource = \"call_helpline_listings\"",
            "crisis = true\nsource = \"call_helpline_listings\"",
        );
    });
    assert_reported(
        &problems,
        "services.toml: service[8].crisis",
        "true for an unconfirmed service",
    );
}

#[test]
fn a_service_for_an_unknown_nation_is_refused() {
    let problems = problems_after(|dir| {
        replace(
            dir,
            "services.toml",
            "nations = [\"wales\"]",
            "nations = [\"cymru\"]",
        );
    });
    assert_reported(
        &problems,
        "services.toml: service[5].nations[0]",
        "`cymru` is not a nation",
    );
}

#[test]
fn two_entries_with_one_code_for_the_same_nation_are_refused() {
    let problems = problems_after(|dir| {
        replace(
            dir,
            "services.toml",
            "nations = [\"wales\"]",
            "nations = [\"wales\", \"england\"]",
        );
    });
    assert_reported(
        &problems,
        "services.toml: service[5].nations",
        "service[3] already gives `nhs_111` for england",
    );
}

#[test]
fn a_service_code_outside_the_plan_contract_is_refused() {
    let problems = problems_after(|dir| {
        replace(
            dir,
            "services.toml",
            "code = \"shout\"",
            "code = \"shout_85258\"",
        );
    });
    assert_reported(
        &problems,
        "services.toml: service[2].code",
        "`shout_85258` is not a service code; expected one of plan.md's",
    );
}

#[test]
fn a_number_with_spaces_is_refused_as_a_dial_target() {
    let problems = problems_after(|dir| {
        replace(
            dir,
            "services.toml",
            "dial = \"116123\"",
            "dial = \"116 123\"",
        );
    });
    assert_reported(
        &problems,
        "services.toml: service[1].dial",
        "expected 3 to 15 digits",
    );
}

#[test]
fn a_nation_left_without_a_crisis_line_is_refused() {
    let problems = problems_after(|dir| {
        replace(
            dir,
            "services.toml",
            "nations = [\"northern_ireland\"]\ncrisis = true",
            "nations = [\"northern_ireland\"]\ncrisis = false",
        );
    });
    assert_reported(
        &problems,
        "services.toml: service",
        "no crisis line for northern_ireland",
    );
}

#[test]
fn a_source_that_nothing_cites_is_refused() {
    let mut last = 0;
    let problems = problems_after(|dir| {
        let text = fs::read_to_string(dir.join("sources.toml")).expect("read");
        last = text.matches("\n[[source]]").count();
        write(
            dir,
            "sources.toml",
            &format!("{text}\n[[source]]\nid = \"eular_2016\"\ntitle = \"EULAR 2016\"\n"),
        );
    });
    assert_reported(
        &problems,
        &format!("sources.toml: source[{last}].id"),
        "`eular_2016` is not cited by any entry",
    );
}

#[test]
fn a_file_the_loader_does_not_read_is_refused() {
    let problems = problems_after(|dir| {
        write(dir, "treatments/rtms.txt", "rTMS");
    });
    assert_reported(
        &problems,
        "treatments/rtms.txt: (file)",
        "not a file the knowledge base reads",
    );
}

#[test]
fn a_value_without_quotes_is_refused_naming_its_field_and_line() {
    let problems = problems_after(|dir| {
        write(
            dir,
            "treatments/rtms.toml",
            "code = \"rtms\"\nname = rTMS\n",
        );
    });
    assert_reported(&problems, "treatments/rtms.toml: name", "(line 2)");
}

#[test]
fn a_value_of_the_wrong_type_is_refused_naming_its_entry_and_field() {
    let problems = problems_after(|dir| {
        replace(
            dir,
            "services.toml",
            "crisis = true\nsource = \"nhs_111_mental_health_england\"",
            "crisis = \"yes\"\nsource = \"nhs_111_mental_health_england\"",
        );
    });
    assert_reported(
        &problems,
        "services.toml: service[0].crisis",
        "expected a boolean (line 24)",
    );
}

#[test]
fn a_syntax_error_outside_any_field_is_placed_by_its_line() {
    let problems = problems_after(|dir| {
        write(dir, "treatments/rtms.toml", "code = \"rtms\"\n[evidence\n");
    });
    assert_reported(&problems, "treatments/rtms.toml: line 2", "");
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    let problems = problems_after(|dir| {
        write(dir, "treatments/rtms.toml", "code = \"rtms\"\n");
        replace(
            dir,
            "treatments/yoga.toml",
            "code = \"yoga\"",
            "code = \"joga\"",
        );
        fs::remove_file(dir.join("treatments/pacing.toml")).expect("remove a file");
        replace(
            dir,
            "services.toml",
            "source = \"shout_faq\"",
            "source = \"nope\"",
        );
    });
    assert_reported(&problems, "treatments/rtms.toml: name", "missing");
    assert_reported(&problems, "treatments/rtms.toml: group", "missing");
    assert_reported(&problems, "treatments/yoga.toml: code", "`joga`");
    assert_reported(&problems, "treatments/pacing.toml: (file)", "missing");
    assert_reported(&problems, "services.toml: service[2].source", "`nope`");
}

#[test]
fn a_folder_that_does_not_exist_is_refused_not_a_panic() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let problems = load_dir(&dir.path().join("no-such-kb")).expect_err("refused");
    assert_eq!(problems.len(), 1);
    assert!(
        problems
            .to_string()
            .contains("no-such-kb: (folder): cannot be read")
    );
}

#[test]
fn an_empty_folder_is_refused_with_every_missing_file_named() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let problems: Vec<String> = load_dir(dir.path())
        .expect_err("refused")
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_reported(&problems, "services.toml: (file)", "missing");
    assert_reported(&problems, "sources.toml: (file)", "missing");
    assert_reported(&problems, "instruments/fiqr.toml: (file)", "missing");
    assert_eq!(problems.len(), 2 + 46 + 4);
}
