//! LOINC's mod-10 check digit: a mistyped code is refused, in core's type and in the files.

use painpath_core::kb::{LoincCode, LoincError};

use crate::broken::{assert_reported, problems_after, replace};

#[test]
fn the_check_digit_refuses_69689_6_and_accepts_69689_8() {
    assert_eq!(
        LoincCode::parse("69689-6"),
        Err(LoincError::CheckDigit { expected: '8' })
    );
    assert_eq!(
        LoincCode::parse("69689-8").map(|c| c.as_str().to_owned()),
        Ok("69689-8".to_owned())
    );
}

#[test]
fn every_code_in_the_reference_passes_and_a_changed_digit_fails() {
    // reference/instruments.md 3.2 and 3.3: items, totals, panels and answers.
    let codes = [
        "44250-9",
        "44255-8",
        "44259-0",
        "44254-1",
        "44251-7",
        "44258-2",
        "44252-5",
        "44253-3",
        "44260-8",
        "69722-7",
        "44261-6",
        "44249-1",
        "69725-0",
        "68509-9",
        "69733-4",
        "69734-2",
        "69735-9",
        "69689-8",
        "69736-7",
        "70274-6",
        "69737-5",
        "LA6568-5",
        "LA6569-3",
        "LA6570-1",
        "LA6571-9",
        "LA6572-7",
        "LA6573-5",
        "LA6575-0",
        "LA6574-3",
        "LA18938-3",
    ];
    for code in codes {
        assert!(LoincCode::parse(code).is_ok(), "{code}");
        let (body, check) = code.split_once('-').expect("a hyphen");
        let check: u32 = check.parse().expect("a digit");
        let wrong = format!("{body}-{}", (check + 1) % 10);
        assert!(
            matches!(LoincCode::parse(&wrong), Err(LoincError::CheckDigit { .. })),
            "{wrong}"
        );
    }
}

#[test]
fn answer_codes_count_the_la_prefix_as_loinc_does() {
    // Counting only the digits would give LA6568-0; LOINC's variant for codes with letters
    // gives 5.
    assert_eq!(
        LoincCode::parse("LA6568-0"),
        Err(LoincError::CheckDigit { expected: '5' })
    );
    assert!(LoincCode::parse("LA6568-5").is_ok());
}

#[test]
fn malformed_codes_are_refused_as_malformed() {
    for bad in [
        "69689", "69689-", "69689-88", "LP6568-5", "la6568-5", "6968g-8", "LA-5",
    ] {
        assert_eq!(LoincCode::parse(bad), Err(LoincError::Form), "{bad}");
    }
}

#[test]
fn a_gad7_item_with_a_wrong_check_digit_is_refused() {
    let problems = problems_after(|dir| {
        replace(
            dir,
            "instruments/gad7.toml",
            "loinc = \"69689-8\"",
            "loinc = \"69689-6\"",
        );
    });
    assert_reported(
        &problems,
        "instruments/gad7.toml: item[5].loinc",
        "`69689-6`: the check digit is wrong; expected 8 after the hyphen",
    );
    assert_eq!(problems.len(), 1, "{problems:?}");
}

#[test]
fn an_answer_code_with_a_wrong_check_digit_is_refused() {
    let problems = problems_after(|dir| {
        replace(
            dir,
            "instruments/phq9.toml",
            "loinc = \"LA6575-0\"",
            "loinc = \"LA6575-5\"",
        );
    });
    assert_reported(
        &problems,
        "instruments/phq9.toml: answer_set[1].option[2].loinc",
        "`LA6575-5`: the check digit is wrong; expected 0",
    );
}

#[test]
fn a_term_code_where_an_answer_belongs_is_refused() {
    let problems = problems_after(|dir| {
        replace(
            dir,
            "instruments/gad7.toml",
            "loinc = \"LA6568-5\"",
            "loinc = \"44250-9\"",
        );
    });
    assert_reported(
        &problems,
        "instruments/gad7.toml: answer_set[0].option[0].loinc",
        "`44250-9` is the wrong kind of LOINC code; expected a LOINC answer code",
    );
}

#[test]
fn a_panel_code_that_is_not_a_loinc_code_is_refused() {
    let problems = problems_after(|dir| {
        replace(
            dir,
            "instruments/phq9.toml",
            "loinc_panel = \"44249-1\"",
            "loinc_panel = \"PHQ-9\"",
        );
    });
    assert_reported(
        &problems,
        "instruments/phq9.toml: loinc_panel",
        "`PHQ-9`: not a LOINC code",
    );
}
