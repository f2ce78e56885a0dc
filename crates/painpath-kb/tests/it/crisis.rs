//! The help-now component's order, from the real knowledge base (design.md 14): 999 first, then
//! the UK-wide lines, then the person's own nation's line.

use painpath_core::crisis::help_now;
use painpath_core::person::Nation;
use painpath_kb::load;

fn codes(nation: Option<Nation>) -> Vec<String> {
    let kb = load().unwrap_or_else(|problems| panic!("{problems}"));
    help_now(&kb, nation)
        .into_iter()
        .map(|s| s.code.clone())
        .collect()
}

fn names(nation: Option<Nation>) -> Vec<String> {
    let kb = load().unwrap_or_else(|problems| panic!("{problems}"));
    help_now(&kb, nation)
        .into_iter()
        .map(|s| s.name.clone())
        .collect()
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
