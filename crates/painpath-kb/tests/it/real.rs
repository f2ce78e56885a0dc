//! The real knowledge base: it loads, holds the plan contract's codes, and keeps its safety
//! wording.

use painpath_core::person::Nation;
use painpath_kb::{
    PAGE_SERVICE_CODES, SERVICE_CODES, TREATMENT_CODES, load, load_dir, version, version_of_dir,
};

use crate::kb_dir;

#[test]
fn the_real_knowledge_base_loads_with_46_treatments() {
    let kb = load().unwrap_or_else(|problems| panic!("{problems}"));
    assert_eq!(kb.treatments().len(), 46);
}

#[test]
fn every_plan_treatment_code_is_in_the_knowledge_base_in_plans_group() {
    let kb = load().unwrap_or_else(|problems| panic!("{problems}"));
    for (code, group) in TREATMENT_CODES {
        let treatment = kb
            .treatment(code)
            .unwrap_or_else(|| panic!("{code} is missing"));
        assert_eq!(treatment.group, group, "{code}");
        assert!(!treatment.name.is_empty(), "{code}");
    }
}

#[test]
fn the_folder_on_disk_loads_to_the_same_knowledge_base_as_the_embedded_copy() {
    let embedded = load().unwrap_or_else(|problems| panic!("{problems}"));
    let on_disk = load_dir(&kb_dir()).unwrap_or_else(|problems| panic!("{problems}"));
    assert_eq!(embedded.treatments(), on_disk.treatments());
    assert_eq!(embedded.services(), on_disk.services());
}

#[test]
fn the_version_is_a_sha256_in_hex_and_matches_the_folder_on_disk() {
    let version = version();
    assert_eq!(version.len(), 64);
    assert!(version.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f')));
    let on_disk = version_of_dir(&kb_dir()).unwrap_or_else(|problems| panic!("{problems}"));
    assert_eq!(
        version, on_disk,
        "rebuild: kb/ changed since this binary was built"
    );
}

#[test]
fn every_service_cites_a_known_source_or_is_unconfirmed_with_a_reason() {
    let kb = load().unwrap_or_else(|problems| panic!("{problems}"));
    for service in kb.services() {
        let code = service.code.as_str();
        assert!(SERVICE_CODES.contains(&code) || PAGE_SERVICE_CODES.contains(&code));
        match (service.sources.as_slice(), &service.unconfirmed) {
            (_, Some(reason)) => assert!(!reason.is_empty(), "{}", service.code),
            ([], None) => panic!("{} is neither sourced nor unconfirmed", service.code),
            (sources, None) => {
                for source in sources {
                    assert!(kb.source(source).is_some(), "{}", service.code);
                }
            }
        }
    }
}

#[test]
fn every_crisis_service_is_confirmed() {
    let kb = load().unwrap_or_else(|problems| panic!("{problems}"));
    for service in kb.services().iter().filter(|s| s.crisis) {
        assert!(service.is_confirmed(), "{}", service.code);
    }
}

#[test]
fn england_is_told_to_choose_the_mental_health_option_never_to_press_2() {
    let kb = load().unwrap_or_else(|problems| panic!("{problems}"));
    let england = kb
        .services()
        .iter()
        .find(|s| s.code == "nhs_111" && s.nations == [Nation::England])
        .expect("an nhs_111 entry for England");
    assert!(england.contact.contains("choose the mental health option"));
    assert!(!england.contact.to_lowercase().contains("press 2"));
    let wales = kb
        .services()
        .iter()
        .find(|s| s.code == "nhs_111" && s.nations == [Nation::Wales])
        .expect("an nhs_111 entry for Wales");
    assert!(wales.contact.contains("press 2"));
}

#[test]
fn shouts_number_is_a_text_link_and_samaritans_is_a_phone_link() {
    let kb = load().unwrap_or_else(|problems| panic!("{problems}"));
    let href = |code: &str| {
        kb.services()
            .iter()
            .find(|s| s.code == code)
            .and_then(|s| s.href())
    };
    assert_eq!(href("shout").as_deref(), Some("sms:85258"));
    assert_eq!(href("samaritans").as_deref(), Some("tel:116123"));
    assert_eq!(href("999").as_deref(), Some("tel:999"));
}
