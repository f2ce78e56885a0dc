//! The storage contract for the clinic's duty list (issue 6): a self-harm alert never lands with
//! nobody. Run against every backend like `contract`.
//!
//! An open alert goes to the duty list when its patient has no active clinician (none linked, the
//! last link revoked, or the clinician deactivated), or when nobody acknowledges it within the
//! clinic's delay; every clinician sees the duty list except one the patient withdrew; the move
//! is recorded; and any clinician may acknowledge a duty-list alert, with a note.

use jiff::{SignedDuration, Timestamp};
use painpath_core::duty::{EscalationDelay, EscalationReason};
use painpath_core::instruments::Instrument;
use painpath_core::person::{EmergencyContact, Nation, PatientDetails, PhoneNumber, Role};
use painpath_store::{AlertAudience, ClinicSettings, StoreError};

use crate::backends::each_backend;
use crate::contract::{add, audit_of, is_not_found, link, people};
use crate::questionnaires::{AT_RISK, alerts_of, item9, note, phq9, save};

/// Well past any one working day after `from`, weekend or not (Friday evening to Monday evening
/// is three days).
fn days_later(from: Timestamp, days: i64) -> Timestamp {
    from.checked_add(SignedDuration::from_hours(24 * days))
        .unwrap()
}

fn reasons(list: &[painpath_store::DutyAlert]) -> Vec<Vec<EscalationReason>> {
    list.iter().map(|d| d.reasons.clone()).collect()
}

#[tokio::test]
async fn a_deactivated_clinicians_patients_alerts_go_to_the_duty_list_and_the_admin_learns_how_many()
 {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        let duty = add(s, "duty", Role::Clinician).await;
        link(s, &p).await;
        // `other` has two clinicians: losing one leaves them cared for.
        s.link_care_team(&p.admin, p.other.user, p.clinician.user)
            .await
            .unwrap();
        s.link_care_team(&p.admin, p.other.user, duty.user)
            .await
            .unwrap();
        save(s, &p.patient, &p.patient, &phq9(20, AT_RISK)).await;
        save(s, &p.other, &p.other, &phq9(20, AT_RISK)).await;
        let now = Timestamp::now();
        // Before: both alerts are with their care teams, none on the duty list.
        assert!(s.duty_list(&duty, now).await.unwrap().is_empty());
        assert_eq!(s.duty_count(&duty, now).await.unwrap(), 0);
        assert_eq!(
            s.care_team_status(&p.patient, p.patient.user)
                .await
                .unwrap()
                .audience(),
            AlertAudience::CareTeam
        );

        let orphaned = s
            .set_account_active(&p.admin, p.clinician.user, false)
            .await
            .unwrap();
        assert_eq!(
            orphaned, 1,
            "{}: only `patient` lost their only clinician",
            b.name
        );

        // The alert nobody could see is now on the duty list, for every clinician still active.
        let list = s.duty_list(&duty, now).await.unwrap();
        assert_eq!(
            list.iter().map(|d| d.alert.patient).collect::<Vec<_>>(),
            [p.patient.user]
        );
        assert_eq!(reasons(&list), [vec![EscalationReason::NoActiveClinician]]);
        assert_eq!(list[0].clinicians, [("clinician name".to_owned(), false)]);
        let escalations = &alerts_of(s, &p.patient).await[0].escalations;
        assert_eq!(escalations.len(), 1);
        assert_eq!(escalations[0].reason, EscalationReason::NoActiveClinician);
        assert_eq!(s.duty_count(&duty, now).await.unwrap(), 1);
        // Only active clinicians count in what the patient is told.
        let status = s
            .care_team_status(&p.patient, p.patient.user)
            .await
            .unwrap();
        assert_eq!(status.active_clinicians, 0);
        assert_eq!(status.audience(), AlertAudience::DutyList);
        // The admin can see whom to link (names only).
        let unlinked = s.patients_without_clinician(&p.admin).await.unwrap();
        assert_eq!(
            unlinked,
            [(p.patient.user, "patient name".to_owned())],
            "{}",
            b.name
        );
        // Deactivating someone who is not a clinician leaves nobody without one.
        let other_admin = add(s, "admin2", Role::Admin).await;
        assert_eq!(
            s.set_account_active(&p.admin, other_admin.user, false)
                .await
                .unwrap(),
            0
        );
        // Reactivating brings the clinician back, but an escalated alert stays on the duty
        // list until someone acknowledges it: the returning clinician may not know of it.
        s.set_account_active(&p.admin, p.clinician.user, true)
            .await
            .unwrap();
        assert_eq!(
            reasons(&s.duty_list(&duty, now).await.unwrap()),
            [vec![EscalationReason::NoActiveClinician]]
        );
    })
    .await;
}

#[tokio::test]
async fn an_alert_raised_with_no_active_clinician_is_on_the_duty_list_at_once() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        let now = Timestamp::now();
        // With no clinician at all in the clinic, painpath can tell nobody, and says so.
        let lonely = add(s, "lonely", Role::Patient).await;
        assert_eq!(
            s.care_team_status(&lonely, lonely.user)
                .await
                .unwrap()
                .audience(),
            AlertAudience::DutyList,
            "people() made a clinician, so the clinic has one"
        );
        s.set_account_active(&p.admin, p.clinician.user, false)
            .await
            .unwrap();
        assert_eq!(
            s.care_team_status(&lonely, lonely.user)
                .await
                .unwrap()
                .audience(),
            AlertAudience::Nobody
        );
        s.set_account_active(&p.admin, p.clinician.user, true)
            .await
            .unwrap();

        // A draft with item 9 above 0, from a patient nobody is linked to.
        s.save_questionnaire_draft(
            &p.patient,
            p.patient.user,
            Instrument::Phq9,
            "{}",
            Some(&item9(3)),
        )
        .await
        .unwrap();
        let list = s.duty_list(&p.clinician, now).await.unwrap();
        assert_eq!(list.len(), 1, "{}", b.name);
        assert_eq!(list[0].alert.patient, p.patient.user);
        assert_eq!(list[0].alert.item9_worst.map(|(v, _)| v), Some(3));
        assert_eq!(list[0].alert.answers, item9(3).answers);
        assert_eq!(
            list[0].alert.escalations[0].reason,
            EscalationReason::NoActiveClinician
        );
        // The duty list carries how to reach the patient.
        let details = PatientDetails {
            nation: Some(Nation::Wales),
            contact_phone: Some(PhoneNumber::parse("07700 900123").unwrap()),
            emergency_contact: Some(EmergencyContact {
                name: "Sam (partner)".into(),
                phone: PhoneNumber::parse("07700 900124").unwrap(),
            }),
            ..PatientDetails::default()
        };
        s.save_patient_details(&p.patient, p.patient.user, &details)
            .await
            .unwrap();
        assert_eq!(
            s.duty_list(&p.clinician, now).await.unwrap()[0].details,
            details
        );
        // Reading the list is an audited access to each patient on it; the count is not.
        let entry = &audit_of(s, &p.patient).await[0];
        assert_eq!(entry.action, "duty_list.read");
        assert_eq!(entry.actor, p.clinician.user);
        let before = audit_of(s, &p.patient).await.len();
        assert_eq!(s.duty_count(&p.clinician, now).await.unwrap(), 1);
        assert_eq!(audit_of(s, &p.patient).await.len(), before);
    })
    .await;
}

#[tokio::test]
async fn an_alert_nobody_acknowledges_in_time_goes_to_the_duty_list_and_is_recorded_once() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        let duty = add(s, "duty", Role::Clinician).await;
        link(s, &p).await;
        save(s, &p.patient, &p.patient, &phq9(20, AT_RISK)).await;
        let raised = alerts_of(s, &p.patient).await[0].raised_at;
        let soon = raised.checked_add(SignedDuration::from_mins(5)).unwrap();
        let late = days_later(raised, 4);

        // Within the working day it is the care team's; the other clinician sees nothing.
        assert!(s.duty_list(&duty, soon).await.unwrap().is_empty());
        assert_eq!(s.record_overdue_escalations(soon).await.unwrap(), 0);
        // Four days on it is overdue, whatever the weekday it was raised.
        let list = s.duty_list(&duty, late).await.unwrap();
        assert_eq!(
            reasons(&list),
            [vec![EscalationReason::Overdue]],
            "{}",
            b.name
        );
        assert!(list[0].due_at > raised && list[0].due_at <= late);
        // Each reader is told whether the patient is theirs (and so whether they may open the
        // record); the care team's own clinician sees the overdue alert too.
        assert!(!list[0].viewer_linked);
        let theirs = s.duty_list(&p.clinician, late).await.unwrap();
        assert!(theirs[0].viewer_linked);
        // The sweep records it once, as of when it fell due.
        assert_eq!(s.record_overdue_escalations(late).await.unwrap(), 1);
        assert_eq!(s.record_overdue_escalations(late).await.unwrap(), 0);
        let escalations = &alerts_of(s, &p.patient).await[0].escalations;
        assert_eq!(escalations.len(), 1);
        assert_eq!(escalations[0].reason, EscalationReason::Overdue);
        assert_eq!(escalations[0].at, list[0].due_at);

        // A clinic that allows longer: ten working days is two weeks.
        s.save_clinic_settings(
            &p.admin,
            ClinicSettings {
                escalation_delay: EscalationDelay::working_days(10).unwrap(),
            },
        )
        .await
        .unwrap();
        let second = add(s, "second", Role::Patient).await;
        s.link_care_team(&p.admin, second.user, p.clinician.user)
            .await
            .unwrap();
        save(s, &second, &second, &phq9(21, AT_RISK)).await;
        let raised2 = alerts_of(s, &second).await[0].raised_at;
        let on_list =
            |l: Vec<painpath_store::DutyAlert>| l.iter().any(|d| d.alert.patient == second.user);
        assert!(!on_list(
            s.duty_list(&duty, days_later(raised2, 4)).await.unwrap()
        ));
        assert!(on_list(
            s.duty_list(&duty, days_later(raised2, 15)).await.unwrap()
        ));
    })
    .await;
}

#[tokio::test]
async fn any_clinician_acknowledges_a_duty_alert_with_a_note_but_a_withdrawn_one_does_not_see_it() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        let duty = add(s, "duty", Role::Clinician).await;
        let gone = link(s, &p).await;
        save(s, &p.patient, &p.patient, &phq9(20, AT_RISK)).await;
        let alert = alerts_of(s, &p.patient).await[0].id;
        let now = Timestamp::now();

        // The patient removes their only clinician: the alert goes to the duty list, and the
        // answer says so.
        let revoked = s
            .revoke_care_link(&p.patient, gone, Timestamp::now())
            .await
            .unwrap();
        assert!(revoked.alert_to_duty_list, "{}", b.name);
        // The removed clinician does not see this patient there, nor may they act on it.
        assert!(s.duty_list(&p.clinician, now).await.unwrap().is_empty());
        assert_eq!(s.duty_count(&p.clinician, now).await.unwrap(), 0);
        assert!(is_not_found(
            s.acknowledge_alert(&p.clinician, alert, now, &note(), None)
                .await
        ));
        // What the patient is told counts only the clinicians who will see it.
        let status = s
            .care_team_status(&p.patient, p.patient.user)
            .await
            .unwrap();
        assert_eq!(status.clinic_clinicians, 1);
        // Admins and patients never see the duty list or act on it.
        for by in [&p.admin, &p.patient, &p.other] {
            assert!(matches!(
                s.duty_list(by, now).await,
                Err(StoreError::Forbidden)
            ));
            assert!(matches!(
                s.duty_count(by, now).await,
                Err(StoreError::Forbidden)
            ));
            assert!(is_not_found(
                s.acknowledge_alert(by, alert, now, &note(), None).await
            ));
        }

        // Another clinician, never linked, sees it and acknowledges it with a note.
        assert_eq!(s.duty_list(&duty, now).await.unwrap().len(), 1);
        s.acknowledge_alert(&duty, alert, now, &note(), None)
            .await
            .unwrap();
        let done = &alerts_of(s, &p.patient).await[0];
        assert_eq!(done.acknowledged_by, Some(duty.user));
        assert_eq!(
            done.acknowledgement_note.as_deref(),
            Some("Phoned; safe; plan agreed")
        );
        let entry = &audit_of(s, &p.patient).await[0];
        assert_eq!(entry.action, "alert.acknowledge");
        assert_eq!(entry.actor, duty.user);
        // Acknowledged, it leaves the duty list; acknowledging again is a conflict.
        assert!(s.duty_list(&duty, now).await.unwrap().is_empty());
        assert!(
            s.acknowledge_alert(&duty, alert, now, &note(), None)
                .await
                .is_err()
        );

        // Revoking a link when there is no open alert sends nothing anywhere.
        let again = link(s, &p).await;
        let quiet = s
            .revoke_care_link(&p.patient, again, Timestamp::now())
            .await
            .unwrap();
        assert!(!quiet.alert_to_duty_list);
    })
    .await;
}

#[tokio::test]
async fn a_clinician_outside_the_care_team_cannot_acknowledge_an_alert_that_is_not_on_the_duty_list()
 {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        let outsider = add(s, "outsider", Role::Clinician).await;
        link(s, &p).await;
        save(s, &p.patient, &p.patient, &phq9(20, AT_RISK)).await;
        let alert = alerts_of(s, &p.patient).await[0].clone();
        let now = alert.raised_at;
        assert!(
            is_not_found(
                s.acknowledge_alert(&outsider, alert.id, now, &note(), None)
                    .await
            ),
            "{}",
            b.name
        );
        // Once overdue, it is the outsider's to pick up too.
        s.acknowledge_alert(&outsider, alert.id, days_later(now, 4), &note(), None)
            .await
            .unwrap();
    })
    .await;
}

#[tokio::test]
async fn the_clinic_escalates_after_one_working_day_unless_an_admin_says_otherwise() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        assert_eq!(
            s.clinic_settings().await.unwrap().escalation_delay,
            EscalationDelay::DEFAULT
        );
        let three = ClinicSettings {
            escalation_delay: EscalationDelay::working_days(3).unwrap(),
        };
        for by in [&p.clinician, &p.patient] {
            assert!(matches!(
                s.save_clinic_settings(by, three).await,
                Err(StoreError::Forbidden)
            ));
        }
        assert_eq!(
            s.clinic_settings().await.unwrap().escalation_delay,
            EscalationDelay::DEFAULT
        );
        s.save_clinic_settings(&p.admin, three).await.unwrap();
        assert_eq!(s.clinic_settings().await.unwrap(), three, "{}", b.name);
        assert!(matches!(
            s.patients_without_clinician(&p.clinician).await,
            Err(StoreError::Forbidden)
        ));
        let entry = &s.staff_audit(&p.admin, 1).await.unwrap()[0];
        assert_eq!(entry.action, "clinic_settings.save");
        assert!(entry.patients.is_empty());
    })
    .await;
}

#[tokio::test]
async fn removing_the_only_clinician_who_could_see_an_alert_says_nobody_will() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        // The clinic's only clinician, linked to the patient.
        let only = link(s, &p).await;
        save(s, &p.patient, &p.patient, &phq9(20, AT_RISK)).await;
        let revoked = s
            .revoke_care_link(&p.patient, only, Timestamp::now())
            .await
            .unwrap();
        assert!(revoked.alert_seen_by_nobody, "{}: {revoked:?}", b.name);
        assert!(!revoked.alert_to_duty_list);
        let status = s
            .care_team_status(&p.patient, p.patient.user)
            .await
            .unwrap();
        assert_eq!(status.audience(), AlertAudience::Nobody);
        assert!(
            s.duty_list(&p.clinician, Timestamp::now())
                .await
                .unwrap()
                .is_empty()
        );
        // An admin revoking a link is told nothing of any alert (no health data).
        let other_clinician = add(s, "second", Role::Clinician).await;
        let again = s
            .link_care_team(&p.admin, p.other.user, other_clinician.user)
            .await
            .unwrap();
        save(s, &p.other, &p.other, &phq9(20, AT_RISK)).await;
        let by_admin = s
            .revoke_care_link(&p.admin, again, Timestamp::now())
            .await
            .unwrap();
        assert_eq!(by_admin, painpath_store::Revoked::default());
        // The patient's list says the deactivated clinician can see nothing.
        let third = add(s, "third", Role::Clinician).await;
        s.link_care_team(&p.admin, p.patient.user, third.user)
            .await
            .unwrap();
        s.set_account_active(&p.admin, third.user, false)
            .await
            .unwrap();
        let links = s.care_links(&p.patient, p.patient.user).await.unwrap();
        let live: Vec<bool> = links
            .iter()
            .filter(|l| l.revoked_at.is_none())
            .map(|l| l.clinician_active)
            .collect();
        assert_eq!(live, [false]);
    })
    .await;
}

#[tokio::test]
async fn an_alert_that_changed_since_the_clinician_looked_is_not_closed_unseen() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        link(s, &p).await;
        s.save_questionnaire_draft(
            &p.patient,
            p.patient.user,
            Instrument::Phq9,
            "{}",
            Some(&item9(1)),
        )
        .await
        .unwrap();
        let seen = alerts_of(s, &p.patient).await[0].clone();
        let seen_at = seen.item9_latest.map(|(_, at)| at);
        // A worse answer arrives while the clinician reads.
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        s.save_questionnaire_draft(
            &p.patient,
            p.patient.user,
            Instrument::Phq9,
            "{}",
            Some(&item9(3)),
        )
        .await
        .unwrap();
        let stale = s
            .acknowledge_alert(&p.clinician, seen.id, Timestamp::now(), &note(), seen_at)
            .await;
        assert!(
            matches!(stale, Err(StoreError::Conflict("alert_changed"))),
            "{}: {stale:?}",
            b.name
        );
        assert_eq!(alerts_of(s, &p.patient).await[0].acknowledged_at, None);
        // Acknowledging what is there now works.
        let now_seen = alerts_of(s, &p.patient).await[0]
            .item9_latest
            .map(|(_, at)| at);
        s.acknowledge_alert(&p.clinician, seen.id, Timestamp::now(), &note(), now_seen)
            .await
            .unwrap();
    })
    .await;
}

#[tokio::test]
async fn the_answers_kept_are_those_given_with_the_worst_answer() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        link(s, &p).await;
        let mut worst = AT_RISK;
        worst[8] = 3;
        save(s, &p.patient, &p.patient, &phq9(20, worst)).await;
        let mut calmer = AT_RISK;
        calmer[8] = 0;
        calmer[0] = 0;
        save(s, &p.patient, &p.patient, &phq9(21, calmer)).await;
        let alert = &alerts_of(s, &p.patient).await[0];
        assert_eq!(alert.item9_latest.map(|(v, _)| v), Some(0), "{}", b.name);
        assert_eq!(alert.item9_worst.map(|(v, _)| v), Some(3));
        assert_eq!(
            alert.answers[8],
            ("phq9_9".to_owned(), 3),
            "the worst one's answers"
        );
        assert_eq!(alert.answers[0], ("phq9_1".to_owned(), AT_RISK[0]));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_clinicians_deactivated_at_once_still_send_their_shared_patients_alert_to_the_duty_list()
 {
    each_backend(|b| async move {
        for round in 0..5 {
            let s = b.store.as_ref();
            let admin = add(s, &format!("admin{round}"), Role::Admin).await;
            let one = add(s, &format!("one{round}"), Role::Clinician).await;
            let two = add(s, &format!("two{round}"), Role::Clinician).await;
            let patient = add(s, &format!("pat{round}"), Role::Patient).await;
            for c in [&one, &two] {
                s.link_care_team(&admin, patient.user, c.user)
                    .await
                    .unwrap();
            }
            save(s, &patient, &patient, &phq9(20, AT_RISK)).await;
            let results = crate::contract::race(&b, move |server, n| async move {
                let c = if n == 0 { one } else { two };
                server.set_account_active(&admin, c.user, false).await
            })
            .await;
            let orphaned: u32 = results.into_iter().map(Result::unwrap).sum();
            assert_eq!(
                orphaned, 1,
                "{} round {round}: exactly one of them left the patient alone",
                b.name
            );
            let alert = &alerts_of(s, &patient).await[0];
            assert_eq!(
                alert
                    .escalations
                    .iter()
                    .map(|e| e.reason)
                    .collect::<Vec<_>>(),
                [EscalationReason::NoActiveClinician],
                "{} round {round}",
                b.name
            );
        }
    })
    .await;
}
