//! The help-now component's order, from the real knowledge base (design.md 14): 999 first, with
//! the overdose advice and the ways to reach 999 without a voice call, then the UK-wide lines,
//! then the person's own nation's line, labelled with its nation when the nation is not known.

use painpath_core::crisis::{Line, help_now, not_an_emergency, self_harm_signposts};
use painpath_core::person::Nation;
use painpath_kb::load;

/// The codes of the lines after 999 (the UK-wide ones, then the nation's).
fn codes(nation: Option<Nation>) -> Vec<String> {
    let kb = load().unwrap_or_else(|problems| panic!("{problems}"));
    let help = help_now(&kb, nation);
    let mut all: Vec<String> = help.emergency.iter().map(|s| s.code.clone()).collect();
    all.extend(help.lines.iter().map(|l| l.service.code.clone()));
    all
}

fn names(nation: Option<Nation>) -> Vec<String> {
    let kb = load().unwrap_or_else(|problems| panic!("{problems}"));
    let help = help_now(&kb, nation);
    let mut all: Vec<String> = help.emergency.iter().map(|s| s.name.clone()).collect();
    all.extend(help.lines.iter().map(|l| l.service.name.clone()));
    all
}

fn headings(lines: Vec<Line<'_>>) -> Vec<String> {
    lines.iter().map(Line::heading).collect()
}

#[test]
fn the_999_entry_carries_the_overdose_advice_and_the_routes_without_a_voice_call() {
    let kb = load().unwrap_or_else(|problems| panic!("{problems}"));
    for nation in [None, Some(Nation::England), Some(Nation::NorthernIreland)] {
        let help = help_now(&kb, nation);
        let codes = |list: &[&painpath_core::kb::Service]| -> Vec<String> {
            list.iter().map(|s| s.code.clone()).collect()
        };
        assert_eq!(codes(&help.emergency), ["999"]);
        assert_eq!(codes(&help.emergency_advice), ["overdose"]);
        assert_eq!(
            codes(&help.without_voice),
            ["999_bsl", "relay_uk", "emergency_sms"]
        );
        assert_eq!(help.services()[0].code, "999", "999 leads");
    }
    let help = help_now(&kb, None);
    assert_eq!(
        help.emergency_advice[0].contact,
        "If you have taken an overdose, even if you feel well, call 999 or go to A&E."
    );
    let relay = help.without_voice.iter().find(|s| s.code == "relay_uk");
    assert_eq!(relay.and_then(|s| s.href()).as_deref(), Some("tel:18000"));
    let sms = help
        .without_voice
        .iter()
        .find(|s| s.code == "emergency_sms");
    assert_eq!(sms.and_then(|s| s.href()).as_deref(), Some("sms:999"));
    assert!(sms.is_some_and(|s| s.contact.contains("text the word register to 999")));
}

#[test]
fn with_no_nation_known_every_national_line_is_labelled_with_its_nation() {
    let kb = load().unwrap_or_else(|problems| panic!("{problems}"));
    assert_eq!(
        headings(help_now(&kb, None).lines),
        [
            "Samaritans",
            "Shout",
            "England: NHS 111 mental health option",
            "Scotland: NHS 24 Mental Health Hub",
            "Wales: NHS 111 Wales mental health support",
            "Northern Ireland: Lifeline",
        ]
    );
    assert_eq!(
        headings(self_harm_signposts(&kb, None)),
        [
            "999 or A&E",
            "Samaritans",
            "England: NHS 111 mental health option",
            "Scotland: NHS 24 Mental Health Hub",
            "Wales: NHS 111 Wales mental health support",
            "Northern Ireland: Lifeline",
        ]
    );
    assert_eq!(
        headings(not_an_emergency(&kb, None)),
        [
            "Your GP practice",
            "England: NHS 111",
            "Scotland: NHS 24 on 111",
            "Wales: NHS 111 Wales",
            "Northern Ireland: GP Out-of-Hours",
        ]
    );
}

#[test]
fn with_a_nation_known_no_line_carries_a_label() {
    let kb = load().unwrap_or_else(|problems| panic!("{problems}"));
    for nation in Nation::ALL {
        let lines = help_now(&kb, Some(nation)).lines;
        assert!(lines.iter().all(|l| l.nation_label.is_none()), "{nation:?}");
        assert!(
            not_an_emergency(&kb, Some(nation))
                .iter()
                .all(|l| l.nation_label.is_none())
        );
    }
    assert_eq!(
        headings(not_an_emergency(&kb, Some(Nation::NorthernIreland))),
        ["Your GP practice", "GP Out-of-Hours"],
        "Northern Ireland has no 111"
    );
}

#[test]
fn england_gets_999_then_samaritans_and_shout_then_nhs_111() {
    assert_eq!(
        codes(Some(Nation::England)),
        ["999", "samaritans", "shout", "nhs_111"]
    );
}

#[test]
fn northern_ireland_gets_lifeline_and_not_nhs_111() {
    assert_eq!(
        codes(Some(Nation::NorthernIreland)),
        ["999", "samaritans", "shout", "lifeline"]
    );
}

#[test]
fn scotland_and_wales_each_get_their_own_111_line() {
    assert_eq!(
        codes(Some(Nation::Scotland)),
        ["999", "samaritans", "shout", "nhs_111"]
    );
    assert_eq!(names(Some(Nation::Scotland))[3], "NHS 24 Mental Health Hub");
    assert_eq!(
        codes(Some(Nation::Wales)),
        ["999", "samaritans", "shout", "nhs_111"]
    );
    assert_eq!(
        names(Some(Nation::Wales))[3],
        "NHS 111 Wales mental health support"
    );
}

#[test]
fn with_no_nation_known_every_nations_line_is_shown_after_the_uk_wide_ones() {
    let codes = codes(None);
    assert_eq!(codes[..3], ["999", "samaritans", "shout"]);
    assert_eq!(codes.iter().filter(|c| *c == "nhs_111").count(), 3);
    assert!(codes.contains(&"lifeline".to_owned()));
}
