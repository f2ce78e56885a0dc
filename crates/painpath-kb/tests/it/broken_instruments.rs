//! Broken copies of the questionnaire files are refused, each problem named as
//! `file: field: what was expected`.

use std::fs;

use crate::broken::{assert_reported, problems_after, replace, write};

#[test]
fn an_instrument_whose_code_does_not_match_its_file_name_is_refused() {
    let problems = problems_after(|dir| {
        replace(
            dir,
            "instruments/phq9.toml",
            "instrument = \"phq9\"",
            "instrument = \"gad7\"",
        );
    });
    assert_reported(
        &problems,
        "instruments/phq9.toml: instrument",
        "`gad7` does not match the file name; expected `phq9`",
    );
    assert_eq!(problems.len(), 1, "{problems:?}");
}

#[test]
fn a_file_for_an_instrument_painpath_does_not_score_is_refused() {
    let problems = problems_after(|dir| {
        let text = fs::read_to_string(dir.join("instruments/gad7.toml")).expect("read");
        write(
            dir,
            "instruments/sf36.toml",
            &text.replace("instrument = \"gad7\"", "instrument = \"sf36\""),
        );
    });
    assert_reported(
        &problems,
        "instruments/sf36.toml: (file)",
        "not one of painpath's instruments; expected instruments/<code>.toml with one of \
         acr2016, phq9, gad7, fiqr",
    );
    assert_reported(
        &problems,
        "instruments/sf36.toml: instrument",
        "`sf36` is not one of painpath's instruments",
    );
}

#[test]
fn a_missing_instrument_file_is_refused() {
    let problems = problems_after(|dir| {
        fs::remove_file(dir.join("instruments/gad7.toml")).expect("remove a file");
    });
    assert_reported(
        &problems,
        "instruments/gad7.toml: (file)",
        "missing; painpath scores `gad7`",
    );
    // Its sources are then cited by nothing, and that is reported too.
    assert!(
        problems
            .iter()
            .any(|p| p.contains("sources.toml: source[")
                && p.contains("`spitzer_2006` is not cited")),
        "{problems:?}"
    );
}

#[test]
fn an_acr_survey_with_a_body_area_as_an_item_is_refused() {
    let problems = problems_after(|dir| {
        let text = fs::read_to_string(dir.join("instruments/acr2016.toml")).expect("read");
        let extra = "[[item]]\nid = \"acr_neck\"\nsection = \"pain_map\"\nkind = \"choice\"\n\
                     text = \"Neck\"\nanswers = \"yes_no\"\n\n[[item]]\nid = \"acr_fatigue\"";
        write(
            dir,
            "instruments/acr2016.toml",
            &text.replacen("[[item]]\nid = \"acr_fatigue\"", extra, 1),
        );
    });
    assert_reported(
        &problems,
        "instruments/acr2016.toml: item",
        "9 items; expected 8 in this order, as painpath's scoring reads them: acr_pain_map, \
         acr_fatigue",
    );
}

#[test]
fn a_phq9_with_a_missing_item_is_refused() {
    let problems = problems_after(|dir| {
        let text = fs::read_to_string(dir.join("instruments/phq9.toml")).expect("read");
        let start = text.find("[[item]]\nid = \"phq9_5\"").expect("item 5");
        let end = text.find("[[item]]\nid = \"phq9_6\"").expect("item 6");
        write(
            dir,
            "instruments/phq9.toml",
            &format!("{}{}", &text[..start], &text[end..]),
        );
    });
    assert_reported(
        &problems,
        "instruments/phq9.toml: item",
        "9 items; expected 10 in this order",
    );
}

#[test]
fn the_phq9_difficulty_question_may_be_left_out() {
    let dir = crate::copy_of_kb();
    let path = dir.path().join("instruments/phq9.toml");
    let text = fs::read_to_string(&path).expect("read");
    let start = text
        .find("# Optional and unscored.")
        .expect("the difficulty item");
    let end = text.find("# Bands:").expect("the bands");
    let without = format!("{}{}", &text[..start], &text[end..])
        .replace("[[section]]\nid = \"difficulty\"\n\n", "");
    // Its answer set is then unused, which is refused, so it goes too.
    let set_start = without
        .find("# The answers to the difficulty")
        .expect("the set");
    let set_end = without.find("[[item]]").expect("the first item");
    let without = format!("{}{}", &without[..set_start], &without[set_end..]);
    fs::write(&path, without).expect("write");
    let kb = painpath_kb::load_dir(dir.path()).unwrap_or_else(|problems| panic!("{problems}"));
    let phq9 = kb
        .instrument(painpath_core::instruments::Instrument::Phq9)
        .expect("the PHQ-9");
    assert_eq!(phq9.items.len(), 9);
    assert!(phq9.section("difficulty").is_none());
}

#[test]
fn items_out_of_the_scorings_order_are_refused() {
    let problems = problems_after(|dir| {
        replace(
            dir,
            "instruments/phq9.toml",
            "id = \"phq9_1\"",
            "id = \"phq9_x\"",
        );
        replace(
            dir,
            "instruments/phq9.toml",
            "id = \"phq9_2\"",
            "id = \"phq9_1\"",
        );
        replace(
            dir,
            "instruments/phq9.toml",
            "id = \"phq9_x\"",
            "id = \"phq9_2\"",
        );
    });
    assert_reported(
        &problems,
        "instruments/phq9.toml: item[0].id",
        "`phq9_2` is not the item painpath's scoring reads here; expected `phq9_1`",
    );
    assert_reported(
        &problems,
        "instruments/phq9.toml: item[1].id",
        "expected `phq9_2`",
    );
}

#[test]
fn a_fiqr_item_in_the_wrong_domain_is_refused() {
    let problems = problems_after(|dir| {
        replace(
            dir,
            "instruments/fiqr.toml",
            "id = \"fiqr_o2\"\nsection = \"overall\"",
            "id = \"fiqr_o2\"\nsection = \"symptoms\"",
        );
    });
    assert_reported(
        &problems,
        "instruments/fiqr.toml: item[10].section",
        "`symptoms`; expected `overall` for `fiqr_o2`",
    );
}

#[test]
fn a_fiqr_scale_other_than_0_to_10_is_refused() {
    let problems = problems_after(|dir| {
        replace(dir, "instruments/fiqr.toml", "max = 10", "max = 100");
    });
    assert_reported(
        &problems,
        "instruments/fiqr.toml: item[0].scale",
        "runs from 0 to 100; expected 0 to 10, as painpath's scoring reads `fiqr_f1`",
    );
}

#[test]
fn answers_with_values_other_than_the_scorings_are_refused() {
    let problems = problems_after(|dir| {
        replace(
            dir,
            "instruments/gad7.toml",
            "value = 3\nlabel = \"Nearly every day\"",
            "value = 4\nlabel = \"Nearly every day\"",
        );
    });
    assert_reported(
        &problems,
        "instruments/gad7.toml: item[0].answers",
        "`frequency` gives the values [0, 1, 2, 4]; expected [0, 1, 2, 3]",
    );
}

#[test]
fn a_pain_map_given_as_a_choice_is_refused() {
    let problems = problems_after(|dir| {
        replace(
            dir,
            "instruments/acr2016.toml",
            "kind = \"body_map\"",
            "kind = \"choice\"",
        );
    });
    assert_reported(
        &problems,
        "instruments/acr2016.toml: item[0].kind",
        "`choice`; expected `body_map`",
    );
}

#[test]
fn an_unconfirmed_without_a_reason_is_refused() {
    let problems = problems_after(|dir| {
        replace(
            dir,
            "instruments/fiqr.toml",
            "unconfirmed = \"The printed end labels of this item are unconfirmed; they are assumed \
             to be the same as the item before's.\"",
            "unconfirmed = \"\"",
        );
    });
    assert_reported(
        &problems,
        "instruments/fiqr.toml: item[10].scale.unconfirmed",
        "empty; expected a reason",
    );
    assert_eq!(problems.len(), 1, "{problems:?}");
}

#[test]
fn a_wording_other_than_the_three_is_refused() {
    let problems = problems_after(|dir| {
        replace(
            dir,
            "instruments/acr2016.toml",
            "wording = \"paraphrased\"",
            "wording = \"quoted\"",
        );
    });
    assert_reported(
        &problems,
        "instruments/acr2016.toml: wording",
        "`quoted` is not a wording status; expected verbatim, paraphrased or permission_required",
    );
}

#[test]
fn a_verbatim_form_whose_licence_is_unconfirmed_is_refused() {
    let problems = problems_after(|dir| {
        replace(
            dir,
            "instruments/fiqr.toml",
            "wording = \"permission_required\"",
            "wording = \"verbatim\"",
        );
    });
    assert_reported(
        &problems,
        "instruments/fiqr.toml: licence.unconfirmed",
        "given for a verbatim form; expected a confirmed licence",
    );
}

#[test]
fn loinc_codes_without_loincs_notice_are_refused() {
    let problems = problems_after(|dir| {
        let text = fs::read_to_string(dir.join("instruments/gad7.toml")).expect("read");
        let without: Vec<&str> = text
            .lines()
            .filter(|l| !l.starts_with("loinc = \"LOINC"))
            .collect();
        write(dir, "instruments/gad7.toml", &without.join("\n"));
    });
    assert_reported(
        &problems,
        "instruments/gad7.toml: licence.loinc",
        "missing; expected LOINC's notice, because this file uses LOINC codes",
    );
}

#[test]
fn bands_with_a_gap_are_refused() {
    let problems = problems_after(|dir| {
        replace(
            dir,
            "instruments/fiqr.toml",
            "from = 41\nto = 64",
            "from = 42\nto = 64",
        );
    });
    assert_reported(
        &problems,
        "instruments/fiqr.toml: bands.band[2].from",
        "42: leaves a gap after band[1]; expected 41",
    );
}

#[test]
fn bands_that_overlap_are_refused() {
    let problems = problems_after(|dir| {
        replace(
            dir,
            "instruments/fiqr.toml",
            "from = 41\nto = 64",
            "from = 40\nto = 64",
        );
    });
    assert_reported(
        &problems,
        "instruments/fiqr.toml: bands.band[2].from",
        "40: overlaps band[1]; expected 41",
    );
}

#[test]
fn bands_that_stop_short_of_the_highest_total_are_refused() {
    let problems = problems_after(|dir| {
        replace(
            dir,
            "instruments/gad7.toml",
            "from = 15\nto = 21",
            "from = 15\nto = 20",
        );
    });
    assert_reported(
        &problems,
        "instruments/gad7.toml: bands.band[3].to",
        "20; expected the highest total, 21, which the last band includes",
    );
}

#[test]
fn bands_that_disagree_with_cores_scoring_are_refused() {
    let problems = problems_after(|dir| {
        replace(
            dir,
            "instruments/phq9.toml",
            "from = 5\nto = 10 ",
            "from = 5\nto = 11 ",
        );
        replace(
            dir,
            "instruments/phq9.toml",
            "from = 10\nto = 15",
            "from = 11\nto = 15",
        );
    });
    assert_reported(
        &problems,
        "instruments/phq9.toml: bands.band",
        "disagree with painpath's scoring at totals 10; expected minimal 0–4, mild 5–9, \
         moderate 10–14, moderately_severe 15–19, severe 20–27",
    );
    assert_eq!(problems.len(), 1, "{problems:?}");
}

#[test]
fn an_instrument_citing_an_unknown_source_is_refused() {
    let problems = problems_after(|dir| {
        replace(
            dir,
            "instruments/phq9.toml",
            "source = \"kroenke_2001\"",
            "source = \"kroenke_2002\"",
        );
    });
    assert_reported(
        &problems,
        "instruments/phq9.toml: bands.source",
        "`kroenke_2002` is not an id in sources.toml",
    );
}

#[test]
fn a_file_with_neither_an_mcid_nor_a_note_is_refused() {
    let problems = problems_after(|dir| {
        let text = fs::read_to_string(dir.join("instruments/fiqr.toml")).expect("read");
        let without: Vec<&str> = text
            .lines()
            .filter(|l| !l.starts_with("mcid_note ="))
            .collect();
        write(dir, "instruments/fiqr.toml", &without.join("\n"));
    });
    assert_reported(
        &problems,
        "instruments/fiqr.toml: mcid_note",
        "missing; expected why no MCID is given",
    );
}

#[test]
fn an_unknown_field_is_named_with_its_table_and_entry() {
    let problems = problems_after(|dir| {
        replace(
            dir,
            "instruments/phq9.toml",
            "id = \"phq9_3\"",
            "id = \"phq9_3\"\nhint = \"sleep\"",
        );
        replace(
            dir,
            "instruments/fiqr.toml",
            "min_label = \"Never\"",
            "min_label = \"Never\"\nstep = 1",
        );
        replace(
            dir,
            "instruments/gad7.toml",
            "label = \"Several days\"",
            "label = \"Several days\"\ncode = 1",
        );
    });
    assert_reported(
        &problems,
        "instruments/phq9.toml: item[2].hint",
        "not a field",
    );
    assert_reported(
        &problems,
        "instruments/fiqr.toml: item[9].scale.step",
        "not a field",
    );
    assert_reported(
        &problems,
        "instruments/gad7.toml: answer_set[0].option[1].code",
        "not a field",
    );
}

#[test]
fn a_value_of_the_wrong_type_is_named_with_its_table() {
    let problems = problems_after(|dir| {
        replace(
            dir,
            "instruments/gad7.toml",
            "points = 4",
            "points = \"four\"",
        );
    });
    assert_reported(&problems, "instruments/gad7.toml: mcid.points", "(line");
}

#[test]
fn an_unreadable_instrument_file_does_not_make_its_sources_look_uncited() {
    let problems = problems_after(|dir| {
        write(
            dir,
            "instruments/fiqr.toml",
            "instrument = \"fiqr\"\n[bands\n",
        );
    });
    assert_reported(&problems, "instruments/fiqr.toml: line 2", "");
    assert!(
        problems.iter().all(|p| !p.contains("is not cited")),
        "{problems:?}"
    );
}
