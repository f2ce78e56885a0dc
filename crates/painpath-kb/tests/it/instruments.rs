//! The real questionnaire files: they load, hold exactly the questions core's scoring reads, and
//! their bands cover every total once and agree with core's bands.

use painpath_core::instruments::acr2016::{Acr2016, Acr2016Draft, FsCategory};
use painpath_core::instruments::fiqr::Fiqr;
use painpath_core::instruments::gad7::{self, Gad7};
use painpath_core::instruments::phq9::{self, Phq9};
use painpath_core::instruments::{Instrument, fiqr};
use painpath_core::kb::{Answers, BandSet, InstrumentText, Kb, LoincKind, Wording};
use painpath_kb::{load, load_dir};

use crate::kb_dir;

fn kb() -> Kb {
    load().unwrap_or_else(|problems| panic!("{problems}"))
}

fn text(kb: &Kb, instrument: Instrument) -> &InstrumentText {
    kb.instrument(instrument)
        .unwrap_or_else(|| panic!("{instrument} is missing"))
}

/// How many bands hold the exact score `numerator / denominator`, by the rule of
/// `painpath_core::kb::Band`: `from` included, `to` excluded, except the last band's `to`.
fn bands_holding(set: &BandSet, numerator: u32, denominator: u32) -> usize {
    let last = set.bands.len() - 1;
    set.bands
        .iter()
        .enumerate()
        .filter(|(i, b)| {
            let n = numerator;
            b.from * denominator <= n
                && (n < b.to * denominator || (*i == last && n == b.to * denominator))
        })
        .count()
}

#[test]
fn the_four_instruments_load_with_their_wording_status() {
    let kb = kb();
    let wording: Vec<(Instrument, Wording)> = Instrument::ALL
        .into_iter()
        .map(|i| (i, text(&kb, i).wording))
        .collect();
    assert_eq!(
        wording,
        [
            (Instrument::Acr2016, Wording::Paraphrased),
            (Instrument::Phq9, Wording::Verbatim),
            (Instrument::Gad7, Wording::Verbatim),
            (Instrument::Fiqr, Wording::PermissionRequired),
        ]
    );
    assert_eq!(kb.instruments().count(), 4);
    for i in Instrument::ALL {
        assert_eq!(text(&kb, i).instrument, i);
    }
}

#[test]
fn the_folder_on_disk_loads_the_same_instruments_as_the_embedded_copy() {
    let embedded = kb();
    let on_disk = load_dir(&kb_dir()).unwrap_or_else(|problems| panic!("{problems}"));
    for i in Instrument::ALL {
        assert_eq!(embedded.instrument(i), on_disk.instrument(i), "{i}");
    }
}

#[test]
fn phq9_holds_the_nine_items_core_scores_and_an_unscored_difficulty_question() {
    let kb = kb();
    let phq9 = text(&kb, Instrument::Phq9);
    let scored: Vec<&str> = phq9.scored_items().map(|i| i.id.as_str()).collect();
    assert_eq!(
        scored,
        [
            "phq9_1", "phq9_2", "phq9_3", "phq9_4", "phq9_5", "phq9_6", "phq9_7", "phq9_8",
            "phq9_9"
        ]
    );
    assert!(Phq9::parse(&vec![3; scored.len()], None).is_ok());
    let difficulty = phq9
        .item("phq9_difficulty")
        .expect("the difficulty question");
    assert!(!difficulty.scored);
    assert_eq!(
        difficulty.loinc.as_ref().map(|c| c.as_str()),
        Some("69722-7")
    );
    assert!(Phq9::parse(&[0; 9], Some(3)).is_ok());
}

#[test]
fn gad7_holds_the_seven_items_core_scores_and_no_difficulty_question() {
    let kb = kb();
    let gad7 = text(&kb, Instrument::Gad7);
    assert_eq!(gad7.items.len(), 7);
    assert_eq!(gad7.scored_items().count(), 7);
    assert!(Gad7::parse(&vec![3; gad7.items.len()]).is_ok());
}

#[test]
fn fiqr_holds_9_function_2_overall_and_10_symptom_items_each_0_to_10() {
    let kb = kb();
    let fiqr = text(&kb, Instrument::Fiqr);
    let count = |section: &str| fiqr.items.iter().filter(|i| i.section == section).count();
    let (f, o, s) = (count("function"), count("overall"), count("symptoms"));
    assert_eq!((f, o, s), (9, 2, 10));
    assert!(Fiqr::parse(&vec![10; f], &vec![10; o], &vec![10; s]).is_ok());
    for item in &fiqr.items {
        match &item.answers {
            Answers::Scale(scale) => assert_eq!((scale.min, scale.max), (0, 10), "{}", item.id),
            other => panic!("{} is not a 0–10 scale: {other:?}", item.id),
        }
        assert!(item.scored, "{}", item.id);
    }
}

#[test]
fn the_acr_survey_has_one_pain_map_and_the_scorings_seven_other_answers() {
    let kb = kb();
    let acr = text(&kb, Instrument::Acr2016);
    let ids: Vec<&str> = acr.items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "acr_pain_map",
            "acr_fatigue",
            "acr_waking_unrefreshed",
            "acr_cognitive_symptoms",
            "acr_headaches",
            "acr_lower_abdominal_pain_or_cramps",
            "acr_depression",
            "acr_symptoms_at_least_3_months",
        ]
    );
    // The 19 body areas are answers to the pain map, never items of their own.
    assert_eq!(acr.items[0].answers, Answers::BodyMap);
    // The other ids are core's field names: setting each to its top answer scores as expected.
    let top = |id: &str| match &acr.item(id).expect(id).answers {
        Answers::Choice(options) => i64::from(options.last().expect("an option").value),
        other => panic!("{id} is not a choice: {other:?}"),
    };
    let draft = Acr2016Draft {
        pain_regions: vec![],
        fatigue: top("acr_fatigue"),
        waking_unrefreshed: top("acr_waking_unrefreshed"),
        cognitive_symptoms: top("acr_cognitive_symptoms"),
        headaches: top("acr_headaches") == 1,
        lower_abdominal_pain_or_cramps: top("acr_lower_abdominal_pain_or_cramps") == 1,
        depression: top("acr_depression") == 1,
        symptoms_at_least_3_months: top("acr_symptoms_at_least_3_months") == 1,
    };
    let score = Acr2016::parse(&draft)
        .expect("the top answers parse")
        .score();
    assert_eq!(score.sss, 12);
    assert!(score.unmet.iter().all(|u| u.code() != "duration"));
}

#[test]
fn phq9_bands_match_core_for_every_total_with_no_gap_or_overlap() {
    let kb = kb();
    let bands = &text(&kb, Instrument::Phq9).bands;
    for total in 0..=phq9::MAX_TOTAL {
        let core = phq9::Severity::of(total);
        let band = bands.of(u32::from(total)).expect("a band");
        assert_eq!(band.code, core.code(), "total {total}");
        assert_eq!(band.label, core.label(), "total {total}");
        assert_eq!(
            bands_holding(bands, u32::from(total), 1),
            1,
            "total {total}"
        );
    }
    assert_eq!(bands.of(28), None);
    assert_eq!(bands.source, "kroenke_2001");
}

#[test]
fn gad7_bands_match_core_for_every_total_with_no_gap_or_overlap() {
    let kb = kb();
    let bands = &text(&kb, Instrument::Gad7).bands;
    for total in 0..=gad7::MAX_TOTAL {
        let core = gad7::Severity::of(total);
        let band = bands.of(u32::from(total)).expect("a band");
        assert_eq!(band.code, core.code(), "total {total}");
        assert_eq!(band.label, core.label(), "total {total}");
        assert_eq!(
            bands_holding(bands, u32::from(total), 1),
            1,
            "total {total}"
        );
    }
    assert_eq!(bands.source, "spitzer_2006");
}

#[test]
fn fs_bands_match_core_for_every_score_with_no_gap_or_overlap() {
    let kb = kb();
    let bands = &text(&kb, Instrument::Acr2016).bands;
    for fs in 0..=31u8 {
        let core = FsCategory::of(fs);
        let band = bands.of(u32::from(fs)).expect("a band");
        assert_eq!(band.code, core.code(), "fs {fs}");
        assert_eq!(band.label, core.label(), "fs {fs}");
        assert_eq!(bands_holding(bands, u32::from(fs), 1), 1, "fs {fs}");
    }
    assert_eq!(bands.source, "wolfe_2015");
}

#[test]
fn fiqr_bands_are_salaffis_as_half_open_intervals_covering_every_exact_total_once() {
    let kb = kb();
    let bands = &text(&kb, Instrument::Fiqr).bands;
    assert_eq!(bands.source, "salaffi_2021");
    assert!(!bands.diagnostic);
    let limits: Vec<(u32, u32, &str)> = bands
        .bands
        .iter()
        .map(|b| (b.from, b.to, b.code.as_str()))
        .collect();
    assert_eq!(
        limits,
        [
            (0, 24, "remission"),
            (24, 41, "mild"),
            (41, 64, "moderate"),
            (64, 83, "severe"),
            (83, 100, "very_severe"),
        ]
    );
    // FIQR totals are exact in sixths of a point (core's FiqrScore::total_sixths).
    for sixths in 0..=600 {
        assert_eq!(bands_holding(bands, sixths, 6), 1, "{sixths}/6");
        assert!(bands.of_ratio(sixths, 6).is_some(), "{sixths}/6");
    }
    let code = |sixths| bands.of_ratio(sixths, 6).map(|b| b.code.as_str());
    assert_eq!(code(23 * 6 + 5), Some("remission")); // 23.83
    assert_eq!(code(24 * 6), Some("mild"));
    assert_eq!(code(40 * 6 + 3), Some("mild")); // 40.5, in the published gap
    assert_eq!(code(82 * 6 + 3), Some("severe")); // 82.5, in the published gap
    assert_eq!(code(600), Some("very_severe"));
    // The contract's example total, 45.5, scored by core.
    let example = Fiqr {
        function: [3, 3, 3, 3, 3, 3, 3, 3, 6],
        overall: [4, 4],
        symptoms: [5, 5, 5, 5, 5, 6, 6, 6, 4, 8],
    }
    .score();
    assert_eq!(fiqr::tenths_text(example.total_tenths()), "45.5");
    assert_eq!(code(example.total_sixths()), Some("moderate"));
}

#[test]
fn no_band_set_is_diagnostic() {
    let kb = kb();
    for i in Instrument::ALL {
        assert!(!text(&kb, i).bands.diagnostic, "{i}");
    }
}

#[test]
fn every_loinc_code_is_of_the_right_kind_and_only_phq9_and_gad7_have_any() {
    let kb = kb();
    for i in Instrument::ALL {
        let t = text(&kb, i);
        let mut terms = Vec::new();
        let mut answers = Vec::new();
        terms.extend(t.loinc_panel.iter().chain(&t.loinc_total));
        for item in &t.items {
            terms.extend(&item.loinc);
            if let Answers::Choice(options) = &item.answers {
                answers.extend(options.iter().filter_map(|o| o.loinc.as_ref()));
            }
        }
        assert!(terms.iter().all(|c| c.kind() == LoincKind::Term), "{i}");
        assert!(answers.iter().all(|c| c.kind() == LoincKind::Answer), "{i}");
        match i {
            Instrument::Phq9 | Instrument::Gad7 => {
                assert!(t.items.iter().all(|item| item.loinc.is_some()), "{i}");
                assert!(t.licence.loinc.is_some(), "{i}");
            }
            Instrument::Acr2016 | Instrument::Fiqr => {
                assert!(terms.is_empty() && answers.is_empty(), "{i}");
                assert!(t.licence.loinc.is_none(), "{i}");
            }
        }
    }
    let phq9 = text(&kb, Instrument::Phq9);
    assert_eq!(
        phq9.loinc_panel.as_ref().map(|c| c.as_str()),
        Some("44249-1")
    );
    assert_eq!(
        phq9.loinc_total.as_ref().map(|c| c.as_str()),
        Some("44261-6")
    );
    let gad7 = text(&kb, Instrument::Gad7);
    assert_eq!(
        gad7.loinc_panel.as_ref().map(|c| c.as_str()),
        Some("69737-5")
    );
    assert_eq!(
        gad7.loinc_total.as_ref().map(|c| c.as_str()),
        Some("70274-6")
    );
    assert_eq!(
        gad7.item("gad7_6")
            .and_then(|i| i.loinc.as_ref())
            .map(|c| c.as_str()),
        Some("69689-8")
    );
}

#[test]
fn the_phq9_difficulty_answers_keep_loincs_order_for_the_last_two() {
    let kb = kb();
    let item = text(&kb, Instrument::Phq9)
        .item("phq9_difficulty")
        .expect("the difficulty question");
    let Answers::Choice(options) = &item.answers else {
        panic!("not a choice");
    };
    let codes: Vec<(u8, &str, &str)> = options
        .iter()
        .map(|o| {
            (
                o.value,
                o.label.as_str(),
                o.loinc.as_ref().map_or("", |c| c.as_str()),
            )
        })
        .collect();
    assert_eq!(
        codes,
        [
            (0, "Not difficult at all", "LA6572-7"),
            (1, "Somewhat difficult", "LA6573-5"),
            (2, "Very difficult", "LA6575-0"),
            (3, "Extremely difficult", "LA6574-3"),
        ]
    );
}

#[test]
fn phq9_and_gad7_carry_pfizers_statement_and_loincs_licence_line() {
    let kb = kb();
    for i in [Instrument::Phq9, Instrument::Gad7] {
        let licence = &text(&kb, i).licence;
        assert!(
            licence.notice.ends_with(
                "No permission required to reproduce, translate, display or distribute."
            ),
            "{i}"
        );
        assert!(licence.notice.starts_with("Copyright © Pfizer Inc."), "{i}");
        let loinc = licence.loinc.as_deref().unwrap_or_default();
        assert!(loinc.contains("Regenstrief Institute"), "{i}");
        assert!(loinc.contains("https://loinc.org/license/"), "{i}");
        assert_eq!(licence.unconfirmed, None, "{i}");
    }
}

#[test]
fn the_acr_and_fiqr_licences_say_what_is_unconfirmed() {
    let kb = kb();
    for i in [Instrument::Acr2016, Instrument::Fiqr] {
        let reason = text(&kb, i).licence.unconfirmed.clone().unwrap_or_default();
        assert!(!reason.is_empty(), "{i}");
    }
}

#[test]
fn the_mcids_are_cores_and_the_fiqr_has_none_with_a_note_about_the_fiq() {
    let kb = kb();
    let points = |i| text(&kb, i).mcid.as_ref().map(|m| m.points);
    assert_eq!(points(Instrument::Phq9), Some(u32::from(phq9::MCID)));
    assert_eq!(points(Instrument::Gad7), Some(u32::from(gad7::MCID)));
    assert_eq!(points(Instrument::Fiqr), None);
    assert_eq!(points(Instrument::Acr2016), None);
    let fiqr = text(&kb, Instrument::Fiqr);
    let note = fiqr.mcid_note.as_deref().unwrap_or_default();
    assert!(note.contains("14 %") && note.contains("older FIQ, not the FIQR"));
    assert!(fiqr.sources.iter().any(|s| s == "bennett_2009_fiq_mcid"));
}

#[test]
fn the_fiqr_end_labels_the_reference_leaves_unconfirmed_are_flagged() {
    let kb = kb();
    let fiqr = text(&kb, Instrument::Fiqr);
    for item in &fiqr.items {
        let Answers::Scale(scale) = &item.answers else {
            panic!("{} is not a scale", item.id);
        };
        let confirmed = item.section == "function" || item.id == "fiqr_o1";
        assert_eq!(scale.unconfirmed.is_none(), confirmed, "{}", item.id);
    }
    let symptoms = fiqr.section("symptoms").expect("the symptoms section");
    assert!(symptoms.unconfirmed.is_some());
}

#[test]
fn every_source_an_instrument_cites_is_in_sources_toml() {
    let kb = kb();
    for i in Instrument::ALL {
        let t = text(&kb, i);
        let cited = t
            .sources
            .iter()
            .chain([&t.licence.source, &t.bands.source])
            .chain(t.mcid.iter().map(|m| &m.source));
        for id in cited {
            assert!(kb.source(id).is_some(), "{i}: {id}");
            assert!(
                t.sources.contains(id),
                "{i}: {id} is missing from `sources`"
            );
        }
    }
}
