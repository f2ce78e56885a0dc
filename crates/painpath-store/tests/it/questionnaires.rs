//! The storage contract for questionnaires, their drafts and the alerts they raise (design.md 11),
//! run against every backend like `contract`, whose world (people, a care-team link) it shares.
//!
//! A self-harm alert is a safety rule: it must open the moment the answer is given (a draft
//! counts), exactly once while it is open, reach only the clinicians with a live link to the
//! patient, and stay open until one of them acknowledges it.

use painpath_core::access::Actor;
use painpath_core::body::BodyRegion;
use painpath_core::duty::AcknowledgementNote;
use painpath_core::instruments::Instrument;
use painpath_core::person::Role;
use painpath_store::{
    Alert, AlertKind, Item9Signal, NewQuestionnaire, QuestionnaireResponse, Store, StoreError,
    StoredAnswer,
};

use crate::backends::each_backend;
use crate::contract::{People, actions, add, at, audit_of, day, is_not_found, link, people, race};

// ----- Questionnaires as the web layer hands them over -------------------------------------

/// The LOINC codes of PHQ-9's nine questions (kb/instruments/phq9.toml).
const PHQ9_LOINC: [&str; 9] = [
    "44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3",
    "44260-8",
];

/// The LOINC answer codes of PHQ-9's four choices, 0 to 3.
const PHQ9_ANSWER_LOINC: [&str; 4] = ["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"];

fn number(item: &str, value: i64, loinc: Option<&str>, answer_loinc: Option<&str>) -> StoredAnswer {
    StoredAnswer {
        item: item.to_owned(),
        value: Some(value),
        code: None,
        loinc: loinc.map(str::to_owned),
        answer_loinc: answer_loinc.map(str::to_owned),
    }
}

/// A PHQ-9 with the given nine answers, then the difficulty question (which LOINC codes, but
/// whose answer has no LOINC code here), and the risk flag the core would work out from item 9.
pub(crate) fn phq9(d: i8, items: [i64; 9]) -> NewQuestionnaire {
    let mut answers: Vec<StoredAnswer> = items
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let answer = PHQ9_ANSWER_LOINC[usize::try_from(*v).unwrap()];
            number(
                &format!("phq9_{}", i + 1),
                *v,
                Some(PHQ9_LOINC[i]),
                Some(answer),
            )
        })
        .collect();
    answers.push(number("phq9_difficulty", 1, Some("69722-7"), None));
    let mut so_far: Vec<(String, i64)> = items
        .iter()
        .enumerate()
        .map(|(i, v)| (format!("phq9_{}", i + 1), *v))
        .collect();
    so_far.push(("phq9_difficulty".to_owned(), 1));
    NewQuestionnaire {
        instrument: Instrument::Phq9,
        date: day(d),
        answers,
        item9: Some(Item9Signal {
            value: u8::try_from(items[8]).unwrap(),
            answers: so_far,
        }),
    }
}

/// PHQ-9 item 9 answered `value` on a half-finished form, after the first two items.
pub(crate) fn item9(value: u8) -> Item9Signal {
    Item9Signal {
        value,
        answers: vec![
            ("phq9_1".to_owned(), 2),
            ("phq9_2".to_owned(), 3),
            ("phq9_9".to_owned(), i64::from(value)),
        ],
    }
}

/// A clinician's note of what was done.
pub(crate) fn note() -> AcknowledgementNote {
    AcknowledgementNote::parse("Phoned; safe; plan agreed").unwrap()
}

/// An ACR 2016 survey: pain-map ticks (codes, not numbers, in the order ticked) and the other
/// questions (numbers without LOINC codes).
fn acr(d: i8) -> NewQuestionnaire {
    let mut answers: Vec<StoredAnswer> =
        [BodyRegion::LowerBack, BodyRegion::Neck, BodyRegion::LeftHip]
            .into_iter()
            .map(|r| StoredAnswer {
                item: "acr_pain_map".to_owned(),
                value: None,
                code: Some(r.code().to_owned()),
                loinc: None,
                answer_loinc: None,
            })
            .collect();
    answers.push(number("acr_fatigue", 3, None, None));
    answers.push(number("acr_waking_unrefreshed", 2, None, None));
    answers.push(number("acr_symptoms_at_least_3_months", 1, None, None));
    NewQuestionnaire {
        instrument: Instrument::Acr2016,
        date: day(d),
        answers,
        item9: None,
    }
}

pub(crate) const CALM: [i64; 9] = [1, 0, 2, 1, 0, 0, 1, 0, 0];
pub(crate) const AT_RISK: [i64; 9] = [2, 3, 2, 1, 3, 2, 1, 0, 1];

/// What was handed over, as it should come back.
fn stored(
    id: i64,
    patient: &Actor,
    by: &Actor,
    q: &NewQuestionnaire,
    completed_at: jiff::Timestamp,
) -> QuestionnaireResponse {
    QuestionnaireResponse {
        id,
        patient: patient.user,
        instrument: q.instrument,
        date: q.date,
        completed_at,
        recorded_by: by.user,
        answers: q.answers.clone(),
    }
}

pub(crate) async fn save(s: &dyn Store, by: &Actor, patient: &Actor, q: &NewQuestionnaire) -> i64 {
    s.save_questionnaire(by, patient.user, q).await.unwrap()
}

async fn all_of(s: &dyn Store, patient: &Actor) -> Vec<QuestionnaireResponse> {
    s.questionnaires(patient, patient.user, None).await.unwrap()
}

pub(crate) async fn alerts_of(s: &dyn Store, patient: &Actor) -> Vec<Alert> {
    s.patient_alerts(patient, patient.user).await.unwrap()
}

/// A draft's fields as the web layer keeps them; the store never looks inside.
fn fields(n: u8) -> String {
    format!("{{\"phq9_1\":\"{n}\",\"note\":\"ünïcode ✓ \\\"quoted\\\"\"}}")
}

// ----- Responses --------------------------------------------------------------------------------

#[tokio::test]
async fn a_questionnaire_comes_back_with_every_answer_in_the_order_given() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        let before = jiff::Timestamp::now();
        // Saved out of date order: lists are oldest first by the day completed.
        let later = phq9(20, CALM);
        let later_id = save(s, &p.patient, &p.patient, &later).await;
        let survey = acr(12);
        let survey_id = save(s, &p.patient, &p.patient, &survey).await;
        let earlier = phq9(10, [0, 1, 2, 3, 0, 1, 2, 3, 0]);
        let earlier_id = save(s, &p.patient, &p.patient, &earlier).await;
        let after = jiff::Timestamp::now();

        let all = all_of(s, &p.patient).await;
        assert_eq!(all.len(), 3);
        for r in &all {
            assert!(before.as_millisecond() <= r.completed_at.as_millisecond());
            assert!(r.completed_at <= after);
        }
        assert_eq!(
            all,
            vec![
                stored(
                    earlier_id,
                    &p.patient,
                    &p.patient,
                    &earlier,
                    all[0].completed_at
                ),
                stored(
                    survey_id,
                    &p.patient,
                    &p.patient,
                    &survey,
                    all[1].completed_at
                ),
                stored(
                    later_id,
                    &p.patient,
                    &p.patient,
                    &later,
                    all[2].completed_at
                ),
            ]
        );
        // The region codes, the LOINC codes and the order are all there, field by field.
        assert_eq!(all[1].answers[0].code.as_deref(), Some("lower_back"));
        assert_eq!(all[1].answers[0].value, None);
        assert_eq!(all[0].answers[8].loinc.as_deref(), Some("44260-8"));
        assert_eq!(all[0].answers[3].answer_loinc.as_deref(), Some("LA6571-9"));
        assert_eq!(all[0].answers[9].item, "phq9_difficulty");
        assert_eq!(all[0].answers[9].answer_loinc, None);

        let only_phq9 = s
            .questionnaires(&p.patient, p.patient.user, Some(Instrument::Phq9))
            .await
            .unwrap();
        assert_eq!(
            only_phq9.iter().map(|r| r.id).collect::<Vec<_>>(),
            [earlier_id, later_id]
        );
        let no_gad7 = s
            .questionnaires(&p.patient, p.patient.user, Some(Instrument::Gad7))
            .await
            .unwrap();
        assert!(no_gad7.is_empty());
        // Another patient's list is their own, and empty.
        assert!(all_of(s, &p.other).await.is_empty());
        // The patient's own saves and reads are not audited.
        assert!(audit_of(s, &p.patient).await.is_empty());
    })
    .await;
}

#[tokio::test]
async fn an_answer_that_is_both_or_neither_a_number_and_a_code_stores_nothing() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        s.save_questionnaire_draft(
            &p.patient,
            p.patient.user,
            Instrument::Phq9,
            &fields(1),
            None,
        )
        .await
        .unwrap();
        for broken in [
            StoredAnswer {
                item: "phq9_9".to_owned(),
                value: Some(2),
                code: Some("neck".to_owned()),
                loinc: None,
                answer_loinc: None,
            },
            StoredAnswer {
                item: "phq9_9".to_owned(),
                value: None,
                code: None,
                loinc: None,
                answer_loinc: None,
            },
        ] {
            let mut q = phq9(24, AT_RISK);
            q.answers[8] = broken;
            let result = s.save_questionnaire(&p.patient, p.patient.user, &q).await;
            assert!(
                matches!(result, Err(StoreError::Conflict("answer"))),
                "{}: {result:?}",
                b.name
            );
        }
        // Nothing of the call is kept: no response, the draft is still there, no alert.
        assert!(all_of(s, &p.patient).await.is_empty());
        assert_eq!(
            s.questionnaire_draft(&p.patient, p.patient.user, Instrument::Phq9)
                .await
                .unwrap(),
            Some(fields(1))
        );
        assert!(alerts_of(s, &p.patient).await.is_empty());
    })
    .await;
}

#[tokio::test]
async fn a_clinician_with_a_live_link_reads_and_saves_questionnaires_and_each_is_audited() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        link(s, &p).await;
        let before = audit_of(s, &p.patient).await.len();
        let own = save(s, &p.patient, &p.patient, &phq9(10, CALM)).await;

        // Administered in clinic: the clinician records it, for the patient.
        let in_clinic = phq9(11, CALM);
        let id = save(s, &p.clinician, &p.patient, &in_clinic).await;
        let read = s
            .questionnaires(&p.clinician, p.patient.user, None)
            .await
            .unwrap();
        assert_eq!(read.iter().map(|r| r.id).collect::<Vec<_>>(), [own, id]);
        assert_eq!(read[0].recorded_by, p.patient.user);
        assert_eq!(
            read[1],
            stored(
                id,
                &p.patient,
                &p.clinician,
                &in_clinic,
                read[1].completed_at
            )
        );
        assert_eq!(read[1].patient, p.patient.user);
        s.patient_alerts(&p.clinician, p.patient.user)
            .await
            .unwrap();

        let entries = audit_of(s, &p.patient).await;
        assert_eq!(entries.len(), before + 3, "{entries:?}");
        assert_eq!(
            actions(&entries[..3]),
            ["alerts.read", "questionnaires.read", "questionnaire.save"]
        );
        for e in &entries[..3] {
            assert_eq!(e.actor, p.clinician.user);
            assert_eq!(e.actor_role, Role::Clinician);
            assert_eq!(e.patients, vec![p.patient.user]);
        }
        // The patient sees what the clinician recorded, without an audit entry of their own.
        assert_eq!(all_of(s, &p.patient).await, read);
        assert_eq!(audit_of(s, &p.patient).await.len(), before + 3);
    })
    .await;
}

#[tokio::test]
async fn another_patient_an_unlinked_clinician_and_an_admin_get_nothing_and_nothing_is_kept() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        // A second clinician whose link was revoked is as good as unlinked.
        let former = add(s, "former", Role::Clinician).await;
        let gone = s
            .link_care_team(&p.admin, p.patient.user, former.user)
            .await
            .unwrap();
        s.revoke_care_link(&p.patient, gone, at(1)).await.unwrap();
        let id = save(s, &p.patient, &p.patient, &phq9(10, AT_RISK)).await;
        s.save_questionnaire_draft(&p.patient, p.patient.user, Instrument::Gad7, "{}", None)
            .await
            .unwrap();
        let before = audit_of(s, &p.patient).await.len();
        let staff_before = s.staff_audit(&p.admin, 100).await.unwrap().len();

        let patient = p.patient.user;
        for by in [&p.other, &p.clinician, &former, &p.admin] {
            let who = format!("{}: {:?}", b.name, by.role);
            assert!(
                is_not_found(s.save_questionnaire(by, patient, &phq9(11, AT_RISK)).await),
                "{who}"
            );
            assert!(
                is_not_found(s.questionnaires(by, patient, None).await),
                "{who}"
            );
            assert!(
                is_not_found(s.questionnaires(by, patient, Some(Instrument::Phq9)).await),
                "{who}"
            );
            assert!(
                is_not_found(
                    s.save_questionnaire_draft(
                        by,
                        patient,
                        Instrument::Phq9,
                        "{}",
                        Some(&item9(1))
                    )
                    .await
                ),
                "{who}"
            );
            assert!(
                is_not_found(s.questionnaire_draft(by, patient, Instrument::Gad7).await),
                "{who}"
            );
            assert!(is_not_found(s.patient_alerts(by, patient).await), "{who}");
        }
        for by in [&p.admin, &p.patient, &p.other] {
            assert!(matches!(
                s.open_alerts(by).await,
                Err(StoreError::Forbidden)
            ));
        }
        // An unlinked clinician's own list is empty (and, being empty, not audited).
        assert!(s.open_alerts(&p.clinician).await.unwrap().is_empty());
        assert!(s.open_alerts(&former).await.unwrap().is_empty());

        // Nothing was stored, replaced or opened, and nothing was audited.
        let all = all_of(s, &p.patient).await;
        assert_eq!(all.iter().map(|r| r.id).collect::<Vec<_>>(), [id]);
        assert_eq!(
            s.questionnaire_draft(&p.patient, patient, Instrument::Gad7)
                .await
                .unwrap()
                .as_deref(),
            Some("{}")
        );
        assert_eq!(
            s.questionnaire_draft(&p.patient, patient, Instrument::Phq9)
                .await
                .unwrap(),
            None
        );
        let alerts = alerts_of(s, &p.patient).await;
        assert_eq!(alerts.len(), 1);
        assert_eq!(alerts[0].response, Some(id));
        assert_eq!(audit_of(s, &p.patient).await.len(), before);
        assert_eq!(
            s.staff_audit(&p.admin, 100).await.unwrap().len(),
            staff_before
        );
        assert!(all_of(s, &p.other).await.is_empty());
        assert!(alerts_of(s, &p.other).await.is_empty());
    })
    .await;
}

// ----- Drafts -----------------------------------------------------------------------------------

#[tokio::test]
async fn drafts_are_the_patients_own_replaced_on_save_and_deleted_by_completing() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        link(s, &p).await;
        let patient = p.patient.user;
        let draft = |i| async move { s.questionnaire_draft(&p.patient, patient, i).await.unwrap() };
        assert_eq!(draft(Instrument::Phq9).await, None);

        s.save_questionnaire_draft(&p.patient, patient, Instrument::Phq9, &fields(1), None)
            .await
            .unwrap();
        s.save_questionnaire_draft(&p.patient, patient, Instrument::Fiqr, &fields(7), None)
            .await
            .unwrap();
        assert_eq!(draft(Instrument::Phq9).await, Some(fields(1)));
        s.save_questionnaire_draft(&p.patient, patient, Instrument::Phq9, &fields(2), None)
            .await
            .unwrap();
        assert_eq!(draft(Instrument::Phq9).await, Some(fields(2)));
        assert_eq!(draft(Instrument::Fiqr).await, Some(fields(7)));
        // Each patient's drafts are their own.
        assert_eq!(
            s.questionnaire_draft(&p.other, p.other.user, Instrument::Phq9)
                .await
                .unwrap(),
            None
        );

        // Even the care team never sees or writes a draft, only what was completed.
        assert!(is_not_found(
            s.questionnaire_draft(&p.clinician, patient, Instrument::Phq9)
                .await
        ));
        assert!(is_not_found(
            s.save_questionnaire_draft(&p.clinician, patient, Instrument::Phq9, "{}", None)
                .await
        ));
        assert_eq!(draft(Instrument::Phq9).await, Some(fields(2)));

        // Completing the questionnaire deletes its draft, and only its draft.
        save(s, &p.patient, &p.patient, &phq9(24, CALM)).await;
        assert_eq!(draft(Instrument::Phq9).await, None);
        assert_eq!(draft(Instrument::Fiqr).await, Some(fields(7)));
        // Also when the care team completes it with the patient in clinic.
        s.save_questionnaire_draft(&p.patient, patient, Instrument::Phq9, &fields(3), None)
            .await
            .unwrap();
        save(s, &p.clinician, &p.patient, &phq9(25, CALM)).await;
        assert_eq!(draft(Instrument::Phq9).await, None);
        // Drafts are never audited: only the patient touches them.
        assert_eq!(
            actions(&audit_of(s, &p.patient).await),
            ["questionnaire.save", "care_link.create"]
        );
    })
    .await;
}

// ----- Alerts -----------------------------------------------------------------------------------

#[tokio::test]
async fn a_risky_draft_opens_exactly_one_alert_and_the_completed_phq9_links_it() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        link(s, &p).await;
        let patient = p.patient.user;
        // A draft without item 9, or with item 9 at 0, opens nothing.
        s.save_questionnaire_draft(&p.patient, patient, Instrument::Phq9, &fields(0), None)
            .await
            .unwrap();
        s.save_questionnaire_draft(
            &p.patient,
            patient,
            Instrument::Phq9,
            &fields(0),
            Some(&item9(0)),
        )
        .await
        .unwrap();
        assert!(alerts_of(s, &p.patient).await.is_empty());

        // Item 9 answered above 0 in a draft: the alert opens at once, with no response yet, and
        // carries the value and the answers so far.
        s.save_questionnaire_draft(
            &p.patient,
            patient,
            Instrument::Phq9,
            &fields(1),
            Some(&item9(1)),
        )
        .await
        .unwrap();
        let alerts = alerts_of(s, &p.patient).await;
        assert_eq!(alerts.len(), 1);
        let first = &alerts[0];
        assert_eq!(first.kind, AlertKind::SelfHarm);
        assert_eq!(first.patient, patient);
        assert_eq!(first.patient_name, "patient name");
        assert_eq!(first.response, None);
        assert_eq!(first.acknowledged_by, None);
        assert_eq!(first.acknowledged_by_name, None);
        assert_eq!(first.acknowledged_at, None);
        assert_eq!(first.item9_latest.map(|(v, _)| v), Some(1));
        assert_eq!(first.item9_worst.map(|(v, _)| v), Some(1));
        assert_eq!(first.item9_worst.map(|(_, at)| at), Some(first.raised_at));
        assert_eq!(first.answers, item9(1).answers);
        assert_eq!(s.open_alerts(&p.clinician).await.unwrap(), alerts);

        // A later, worse answer on the draft updates the one open alert: no second alert, the
        // same time raised, and both the worst and the latest value are now 2.
        s.save_questionnaire_draft(
            &p.patient,
            patient,
            Instrument::Phq9,
            &fields(2),
            Some(&item9(2)),
        )
        .await
        .unwrap();
        let worse = alerts_of(s, &p.patient).await;
        assert_eq!(worse.len(), 1);
        assert_eq!(worse[0].id, first.id);
        assert_eq!(worse[0].raised_at, first.raised_at);
        assert_eq!(worse[0].item9_latest.map(|(v, _)| v), Some(2));
        assert_eq!(worse[0].item9_worst.map(|(v, _)| v), Some(2));
        assert_eq!(worse[0].answers, item9(2).answers);

        // The completed PHQ-9 (item 9 at 1) opens no other alert: the open one now names it, its
        // latest value is 1, its worst stays 2, and the answers kept are still those given with
        // the worst answer (the draft's), so "worst 2" is shown beside what said 2.
        let id = save(s, &p.patient, &p.patient, &phq9(24, AT_RISK)).await;
        let linked = alerts_of(s, &p.patient).await;
        assert_eq!(linked.len(), 1);
        assert_eq!(linked[0].id, first.id);
        assert_eq!(linked[0].raised_at, first.raised_at);
        assert_eq!(linked[0].response, Some(id));
        assert_eq!(linked[0].item9_latest.map(|(v, _)| v), Some(1));
        assert_eq!(linked[0].item9_worst.map(|(v, _)| v), Some(2));
        assert_eq!(linked[0].answers, item9(2).answers);

        // A second completed PHQ-9 while it is open keeps the response that first completed it;
        // one with item 9 at 0 does not close it, and the clinician sees "worst 2, latest 0".
        let mut calm_now = CALM;
        calm_now[8] = 0;
        save(s, &p.patient, &p.patient, &phq9(25, calm_now)).await;
        let later = alerts_of(s, &p.patient).await;
        assert_eq!(later.len(), 1);
        assert_eq!(later[0].response, Some(id));
        assert_eq!(later[0].acknowledged_at, None);
        assert_eq!(later[0].item9_latest.map(|(v, _)| v), Some(0));
        assert_eq!(later[0].item9_worst.map(|(v, _)| v), Some(2));
        // A PHQ-9 without the risk never opens one for another patient.
        save(s, &p.other, &p.other, &phq9(25, CALM)).await;
        assert!(alerts_of(s, &p.other).await.is_empty());
    })
    .await;
}

#[tokio::test]
async fn a_completed_phq9_at_risk_opens_an_alert_naming_it() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        link(s, &p).await;
        // A clinician administering it in clinic raises the alert the same way.
        let id = save(s, &p.clinician, &p.patient, &phq9(24, AT_RISK)).await;
        let alerts = alerts_of(s, &p.patient).await;
        assert_eq!(alerts.len(), 1);
        assert_eq!(alerts[0].response, Some(id));
        assert_eq!(alerts[0].acknowledged_at, None);
    })
    .await;
}

#[tokio::test]
async fn an_acknowledged_alert_records_who_and_when_and_a_new_risk_opens_a_new_alert() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        link(s, &p).await;
        let id = save(s, &p.patient, &p.patient, &phq9(20, AT_RISK)).await;
        let alert = alerts_of(s, &p.patient).await[0].id;

        s.acknowledge_alert(&p.clinician, alert, at(100), &note(), None)
            .await
            .unwrap();
        let done = alerts_of(s, &p.patient).await;
        assert_eq!(done.len(), 1);
        assert_eq!(done[0].id, alert);
        assert_eq!(done[0].response, Some(id));
        assert_eq!(done[0].acknowledged_by, Some(p.clinician.user));
        assert_eq!(
            done[0].acknowledged_by_name.as_deref(),
            Some("clinician name")
        );
        assert_eq!(done[0].acknowledged_at, Some(at(100)));
        assert!(s.open_alerts(&p.clinician).await.unwrap().is_empty());
        let newest = &audit_of(s, &p.patient).await[0];
        assert_eq!(newest.action, "alert.acknowledge");
        assert_eq!(newest.actor, p.clinician.user);
        assert_eq!(newest.patients, vec![p.patient.user]);

        // The next answer above 0 is a new signal: a new alert, from a draft this time.
        s.save_questionnaire_draft(
            &p.patient,
            p.patient.user,
            Instrument::Phq9,
            "{}",
            Some(&item9(1)),
        )
        .await
        .unwrap();
        let both = alerts_of(s, &p.patient).await;
        assert_eq!(both.len(), 2);
        assert_ne!(both[0].id, alert);
        assert_eq!(both[0].acknowledged_at, None);
        assert_eq!(both[0].response, None);
        assert_eq!(both[1], done[0]);
        assert!(both[0].raised_at >= both[1].raised_at);
        let open = s.open_alerts(&p.clinician).await.unwrap();
        assert_eq!(open, vec![both[0].clone()]);

        // Completing it links the new alert, never the acknowledged one.
        let second = save(s, &p.patient, &p.patient, &phq9(24, AT_RISK)).await;
        let after = alerts_of(s, &p.patient).await;
        assert_eq!(after[0].response, Some(second));
        assert_eq!(after[1].response, Some(id));
    })
    .await;
}

#[tokio::test]
async fn acknowledging_an_alert_twice_is_a_conflict_and_audited_once() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        link(s, &p).await;
        let second = add(s, "second", Role::Clinician).await;
        s.link_care_team(&p.admin, p.patient.user, second.user)
            .await
            .unwrap();
        save(s, &p.patient, &p.patient, &phq9(20, AT_RISK)).await;
        let alert = alerts_of(s, &p.patient).await[0].id;
        s.acknowledge_alert(&p.clinician, alert, at(100), &note(), None)
            .await
            .unwrap();
        let before = audit_of(s, &p.patient).await.len();

        for by in [&p.clinician, &second] {
            let again = s.acknowledge_alert(by, alert, at(200), &note(), None).await;
            assert!(
                matches!(again, Err(StoreError::Conflict("alert_acknowledged"))),
                "{}: {again:?}",
                b.name
            );
        }
        let kept = &alerts_of(s, &p.patient).await[0];
        assert_eq!(kept.acknowledged_by, Some(p.clinician.user));
        assert_eq!(kept.acknowledged_at, Some(at(100)));
        assert_eq!(audit_of(s, &p.patient).await.len(), before);
    })
    .await;
}

#[tokio::test]
async fn acknowledging_someone_elses_alert_is_not_found_and_changes_nothing() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        // The clinician cares for the other patient, not this one.
        s.link_care_team(&p.admin, p.other.user, p.clinician.user)
            .await
            .unwrap();
        let former = add(s, "former", Role::Clinician).await;
        let gone = s
            .link_care_team(&p.admin, p.patient.user, former.user)
            .await
            .unwrap();
        s.revoke_care_link(&p.patient, gone, at(1)).await.unwrap();
        // The patient has an active clinician, so the alert is theirs, not the duty list's.
        let keeper = add(s, "keeper", Role::Clinician).await;
        s.link_care_team(&p.admin, p.patient.user, keeper.user)
            .await
            .unwrap();
        save(s, &p.patient, &p.patient, &phq9(20, AT_RISK)).await;
        let alert = alerts_of(s, &p.patient).await[0].clone();
        let before = audit_of(s, &p.patient).await.len();

        for by in [&p.clinician, &former, &p.admin, &p.patient, &p.other] {
            assert!(
                is_not_found(
                    s.acknowledge_alert(by, alert.id, at(100), &note(), None)
                        .await
                ),
                "{}: {:?}",
                b.name,
                by.role
            );
        }
        // An alert that does not exist is answered the same way.
        assert!(is_not_found(
            s.acknowledge_alert(&p.clinician, alert.id + 1000, at(100), &note(), None)
                .await
        ));
        assert_eq!(alerts_of(s, &p.patient).await, vec![alert]);
        assert_eq!(audit_of(s, &p.patient).await.len(), before);
        // Once acknowledged by the care team, the refusals stay NotFound, not Conflict, so that
        // nobody outside it learns the alert's state.
        link(s, &p).await;
        let id = alerts_of(s, &p.patient).await[0].id;
        s.acknowledge_alert(&p.clinician, id, at(100), &note(), None)
            .await
            .unwrap();
        for by in [&former, &p.admin, &p.patient, &p.other] {
            assert!(is_not_found(
                s.acknowledge_alert(by, id, at(200), &note(), None).await
            ));
        }
    })
    .await;
}

#[tokio::test]
async fn open_alerts_show_only_live_linked_patients_in_one_audit_entry() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p: People = people(s).await;
        let third = add(s, "third", Role::Patient).await;
        let calm = add(s, "calm", Role::Patient).await;
        let link_id = link(s, &p).await;
        for patient in [&third, &calm] {
            s.link_care_team(&p.admin, patient.user, p.clinician.user)
                .await
                .unwrap();
        }
        // Nothing open yet: an empty list writes no audit entry.
        let staff_before = s.staff_audit(&p.admin, 100).await.unwrap().len();
        assert!(s.open_alerts(&p.clinician).await.unwrap().is_empty());
        assert_eq!(
            s.staff_audit(&p.admin, 100).await.unwrap().len(),
            staff_before
        );

        save(s, &p.patient, &p.patient, &phq9(20, AT_RISK)).await;
        // `other` is at risk too, but not on this clinician's care team.
        save(s, &p.other, &p.other, &phq9(20, AT_RISK)).await;
        s.save_questionnaire_draft(&third, third.user, Instrument::Phq9, "{}", Some(&item9(1)))
            .await
            .unwrap();
        save(s, &calm, &calm, &phq9(20, CALM)).await;

        let open = s.open_alerts(&p.clinician).await.unwrap();
        // Newest first.
        assert_eq!(
            open.iter().map(|a| a.patient).collect::<Vec<_>>(),
            [third.user, p.patient.user]
        );
        assert_eq!(open[0].patient_name, "third name");
        let entry = &s.staff_audit(&p.admin, 1).await.unwrap()[0];
        assert_eq!(entry.action, "alerts.read");
        assert_eq!(entry.actor, p.clinician.user);
        let mut named = vec![p.patient.user, third.user];
        named.sort();
        assert_eq!(entry.patients, named);
        assert!(audit_of(s, &p.other).await.is_empty());
        assert!(
            audit_of(s, &calm)
                .await
                .iter()
                .all(|e| e.action != "alerts.read")
        );

        // Once the patient revokes the link, the clinician sees nothing of their alerts.
        s.revoke_care_link(&p.patient, link_id, at(5))
            .await
            .unwrap();
        let open = s.open_alerts(&p.clinician).await.unwrap();
        assert_eq!(
            open.iter().map(|a| a.patient).collect::<Vec<_>>(),
            [third.user]
        );
        assert!(is_not_found(
            s.patient_alerts(&p.clinician, p.patient.user).await
        ));
        let id = alerts_of(s, &p.patient).await[0].id;
        assert!(is_not_found(
            s.acknowledge_alert(&p.clinician, id, at(10), &note(), None)
                .await
        ));
        // The alert itself stays open for whoever cares for the patient next.
        assert_eq!(alerts_of(s, &p.patient).await[0].acknowledged_at, None);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn risky_drafts_saved_at_once_through_two_servers_open_one_alert() {
    each_backend(|b| async move {
        let p = people(b.store.as_ref()).await;
        let me = p.patient;
        let results = race(&b, move |server, n| async move {
            let instrument = [Instrument::Phq9, Instrument::Gad7][n];
            server
                .save_questionnaire_draft(&me, me.user, instrument, "{}", Some(&item9(1)))
                .await
        })
        .await;
        assert!(results.iter().all(Result::is_ok), "{results:?}");
        assert_eq!(alerts_of(b.store.as_ref(), &me).await.len(), 1);

        // Two completed PHQ-9s at once: both kept, the one alert still alone and linked.
        let results = race(&b, move |server, n| async move {
            server
                .save_questionnaire(&me, me.user, &phq9(20 + i8::try_from(n).unwrap(), AT_RISK))
                .await
        })
        .await;
        let ids: Vec<i64> = results.into_iter().map(Result::unwrap).collect();
        let alerts = alerts_of(b.store.as_ref(), &me).await;
        assert_eq!(alerts.len(), 1);
        assert!(ids.contains(&alerts[0].response.unwrap()));
        assert_eq!(all_of(b.store.as_ref(), &me).await.len(), 2);
    })
    .await;
}

// ----- The database itself ----------------------------------------------------------------------

#[tokio::test]
async fn reopening_runs_the_migrations_again_and_keeps_questionnaires_drafts_and_alerts() {
    each_backend(|b| async move {
        let p = people(b.store.as_ref()).await;
        link(b.store.as_ref(), &p).await;
        let s = b.store.as_ref();
        let id = save(s, &p.patient, &p.patient, &phq9(20, AT_RISK)).await;
        s.save_questionnaire_draft(
            &p.patient,
            p.patient.user,
            Instrument::Gad7,
            &fields(4),
            None,
        )
        .await
        .unwrap();
        let responses = all_of(s, &p.patient).await;
        let alerts = alerts_of(s, &p.patient).await;

        let again = b.reopen().await;
        let twice = b.reopen().await;
        for s in [again.as_ref(), twice.as_ref(), b.store.as_ref()] {
            assert_eq!(all_of(s, &p.patient).await, responses);
            assert_eq!(alerts_of(s, &p.patient).await, alerts);
            assert_eq!(
                s.questionnaire_draft(&p.patient, p.patient.user, Instrument::Gad7)
                    .await
                    .unwrap(),
                Some(fields(4))
            );
        }
        // The reopened store goes on where the first left off, and its partial index still
        // keeps the open alert alone.
        let next = save(again.as_ref(), &p.patient, &p.patient, &phq9(21, AT_RISK)).await;
        assert!(next > id);
        assert_eq!(alerts_of(twice.as_ref(), &p.patient).await, alerts);
        again
            .acknowledge_alert(&p.clinician, alerts[0].id, at(50), &note(), None)
            .await
            .unwrap();
        assert_eq!(
            alerts_of(b.store.as_ref(), &p.patient).await[0].acknowledged_at,
            Some(at(50))
        );
        if let Some(sqlite) = b.sqlite().await {
            assert_eq!(sqlite.integrity_check().await.unwrap(), "ok");
        }
    })
    .await;
}

#[tokio::test]
async fn alerts_are_listed_newest_first_to_the_patient_and_their_care_team() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        link(s, &p).await;
        let mut ids = Vec::new();
        for n in 0..3 {
            s.save_questionnaire_draft(
                &p.patient,
                p.patient.user,
                Instrument::Phq9,
                "{}",
                Some(&item9(1)),
            )
            .await
            .unwrap();
            let open = s.open_alerts(&p.clinician).await.unwrap();
            assert_eq!(open.len(), 1);
            ids.push(open[0].id);
            s.acknowledge_alert(&p.clinician, open[0].id, at(n), &note(), None)
                .await
                .unwrap();
        }
        ids.reverse();
        let mine = alerts_of(s, &p.patient).await;
        assert_eq!(mine.iter().map(|a| a.id).collect::<Vec<_>>(), ids);
        let theirs = s
            .patient_alerts(&p.clinician, p.patient.user)
            .await
            .unwrap();
        assert_eq!(theirs, mine);
        assert_eq!(audit_of(s, &p.patient).await[0].action, "alerts.read");
    })
    .await;
}
