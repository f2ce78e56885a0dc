//! The storage contract: what every backend of [`Store`] must do, run against each of them.
//!
//! Each test is a story told through the trait alone, against a fresh store (see `backends`), so
//! the same story proves SQLite and PostgreSQL behave alike. The access rules are tested from
//! both sides: what a person may do, and that what they may not do is refused with `NotFound`,
//! stores nothing and writes no audit entry.
//!
//! The world each story starts from (people, a care-team link, instants and days) is shared with
//! the other contract modules (`questionnaires`).

use std::collections::BTreeSet;
use std::sync::Arc;

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use painpath_core::access::Actor;
use painpath_core::body::BodyRegion;
use painpath_core::diary::{CheckIn, DoneToday, Factor, Sensitivity};
use painpath_core::person::{
    EmergencyContact, HealthNumber, Nation, PatientDetails, PhoneNumber, Role, UserId, Username,
};
use painpath_core::scale::Nrs;
use painpath_core::treatment::{
    MedicationClass, NewPeriod, PeriodId, PeriodOutcome, PeriodSource, Therapy, TreatmentCode,
};
use painpath_store::{
    AuditEntry, LinkPurpose, NewAccount, NewSession, Preferences, Saved, Store, StoreError,
};

use crate::backends::each_backend;

// ----- The world each story starts from ------------------------------------------------------

/// An instant, `seconds` after a fixed moment in November 2026.
pub(crate) fn at(seconds: i64) -> Timestamp {
    Timestamp::from_second(1_795_000_000 + seconds).unwrap()
}

pub(crate) fn day(d: i8) -> Date {
    Date::constant(2026, 11, d)
}

fn nrs(v: i64) -> Option<Nrs> {
    Some(Nrs::new(v).unwrap())
}

/// A password hash as the web layer would make it; the store never looks inside.
const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA";

pub(crate) fn new_account(username: &str, role: Role) -> NewAccount {
    NewAccount {
        username: Username::parse(username).unwrap(),
        display_name: format!("{username} name"),
        role,
        password_hash: HASH.to_owned(),
        recovery_codes: Vec::new(),
    }
}

pub(crate) async fn add(store: &dyn Store, username: &str, role: Role) -> Actor {
    let user = store
        .create_account(None, &new_account(username, role))
        .await
        .unwrap();
    Actor { user, role }
}

pub(crate) struct People {
    pub admin: Actor,
    pub clinician: Actor,
    pub patient: Actor,
    pub other: Actor,
}

pub(crate) async fn people(store: &dyn Store) -> People {
    People {
        admin: add(store, "admin", Role::Admin).await,
        clinician: add(store, "clinician", Role::Clinician).await,
        patient: add(store, "patient", Role::Patient).await,
        other: add(store, "other", Role::Patient).await,
    }
}

/// Links the patient to the clinician's care team, as an admin would.
pub(crate) async fn link(store: &dyn Store, p: &People) -> i64 {
    store
        .link_care_team(&p.admin, p.patient.user, p.clinician.user)
        .await
        .unwrap()
}

fn pain_only(date: Date, pain: i64) -> CheckIn {
    CheckIn {
        date,
        pain: nrs(pain),
        fatigue: None,
        fog: None,
        sleep_quality: None,
        sleep_tenths: None,
        bed_time: None,
        wake_time: None,
        mood: None,
        stress: None,
        sensitivity: None,
        sensitivities: BTreeSet::new(),
        activity_minutes: None,
        flare: None,
        pain_regions: BTreeSet::new(),
        factors: BTreeSet::new(),
        done_today: Vec::new(),
        note: None,
    }
}

fn medication(name: &str, class: MedicationClass, start: Date) -> NewPeriod {
    NewPeriod {
        therapy: Therapy::Medication(class),
        name: name.to_owned(),
        start,
        end: None,
        outcome: None,
    }
}

fn treatment(code: &str, start: Date) -> NewPeriod {
    NewPeriod {
        therapy: Therapy::Treatment(TreatmentCode::parse(code).unwrap()),
        name: code.replace('_', " "),
        start,
        end: None,
        outcome: None,
    }
}

async fn own_period(store: &dyn Store, patient: &Actor, period: NewPeriod) -> PeriodId {
    store
        .add_treatment_period(patient, patient.user, &period, PeriodSource::SelfReported)
        .await
        .unwrap()
}

/// The patient's own view of who touched their record.
pub(crate) async fn audit_of(store: &dyn Store, patient: &Actor) -> Vec<AuditEntry> {
    store
        .audit_for_patient(patient, patient.user)
        .await
        .unwrap()
}

pub(crate) fn actions(entries: &[AuditEntry]) -> Vec<&str> {
    entries.iter().map(|e| e.action.as_str()).collect()
}

pub(crate) fn session(
    token_hash: &str,
    user: UserId,
    created: i64,
    expires: i64,
    idle: i64,
) -> NewSession {
    NewSession {
        token_hash: token_hash.to_owned(),
        user,
        created_at: at(created),
        expires_at: at(expires),
        idle_seconds: idle,
        csrf_token: format!("csrf-{token_hash}"),
    }
}

pub(crate) fn is_not_found<T: std::fmt::Debug>(result: Result<T, StoreError>) -> bool {
    matches!(result, Err(StoreError::NotFound))
}

// ----- Diary ----------------------------------------------------------------------------------

#[tokio::test]
async fn a_check_in_with_every_field_comes_back_exactly_as_saved() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        let sertraline = own_period(
            s,
            &p.patient,
            medication("sertraline", MedicationClass::Ssri, day(1)),
        )
        .await;
        let walking = own_period(s, &p.patient, treatment("graded_exercise", day(2))).await;
        let full = CheckIn {
            date: day(24),
            pain: nrs(0),
            fatigue: nrs(10),
            fog: nrs(3),
            sleep_quality: nrs(7),
            sleep_tenths: Some(75),
            bed_time: Some(Time::constant(23, 30, 0, 0)),
            wake_time: Some(Time::constant(7, 5, 0, 0)),
            mood: nrs(6),
            stress: nrs(2),
            sensitivity: nrs(4),
            sensitivities: Sensitivity::ALL.into_iter().collect(),
            activity_minutes: Some(45),
            flare: Some(false),
            pain_regions: [BodyRegion::Neck, BodyRegion::LowerBack, BodyRegion::LeftHip]
                .into_iter()
                .collect(),
            factors: ["poor sleep", "food: dairy"]
                .into_iter()
                .map(|f| Factor::parse(f).unwrap())
                .collect(),
            // Not in id order, to show the order given is the order kept.
            done_today: vec![
                DoneToday {
                    period: walking,
                    amount: Some("20 minutes".to_owned()),
                },
                DoneToday {
                    period: sertraline,
                    amount: None,
                },
            ],
            note: Some(
                "Rough night; \"quotes\", 'apostrophes' and ünïcode ✓\nsecond line".to_owned(),
            ),
        };
        let saved = s
            .save_check_in(&p.patient, p.patient.user, &full)
            .await
            .unwrap();
        assert_eq!(saved, Saved::Created);
        let read = s
            .check_in(&p.patient, p.patient.user, day(24))
            .await
            .unwrap();
        assert_eq!(read, Some(full.clone()));
        let diary = s
            .diary(&p.patient, p.patient.user, day(24), day(24))
            .await
            .unwrap();
        assert_eq!(diary, vec![full]);

        // A day with a single answer comes back with everything else absent, never zero.
        let sparse = CheckIn {
            flare: Some(true),
            ..pain_only(day(25), 8)
        };
        s.save_check_in(&p.patient, p.patient.user, &sparse)
            .await
            .unwrap();
        let read = s
            .check_in(&p.patient, p.patient.user, day(25))
            .await
            .unwrap();
        assert_eq!(read, Some(sparse));
    })
    .await;
}

#[tokio::test]
async fn a_second_check_in_for_a_day_replaces_the_first() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        let period = own_period(s, &p.patient, treatment("pacing", day(1))).await;
        let first = CheckIn {
            pain_regions: [BodyRegion::Neck, BodyRegion::Chest].into_iter().collect(),
            sensitivities: [Sensitivity::Noise].into_iter().collect(),
            factors: [Factor::parse("stress").unwrap()].into_iter().collect(),
            done_today: vec![DoneToday {
                period,
                amount: Some("3 rests".to_owned()),
            }],
            note: Some("first".to_owned()),
            ..pain_only(day(24), 7)
        };
        let second = CheckIn {
            pain_regions: [BodyRegion::LowerBack].into_iter().collect(),
            ..pain_only(day(24), 3)
        };
        assert_eq!(
            s.save_check_in(&p.patient, p.patient.user, &first)
                .await
                .unwrap(),
            Saved::Created
        );
        assert_eq!(
            s.save_check_in(&p.patient, p.patient.user, &second)
                .await
                .unwrap(),
            Saved::Replaced
        );
        let diary = s
            .diary(&p.patient, p.patient.user, day(1), day(30))
            .await
            .unwrap();
        assert_eq!(diary, vec![second]);
    })
    .await;
}

#[tokio::test]
async fn a_deleted_check_in_is_gone_and_deleting_it_again_is_not_found() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        let day_24 = CheckIn {
            pain_regions: [BodyRegion::Neck].into_iter().collect(),
            ..pain_only(day(24), 6)
        };
        s.save_check_in(&p.patient, p.patient.user, &day_24)
            .await
            .unwrap();
        s.save_check_in(&p.patient, p.patient.user, &pain_only(day(25), 4))
            .await
            .unwrap();

        s.delete_check_in(&p.patient, p.patient.user, day(24))
            .await
            .unwrap();
        assert_eq!(
            s.check_in(&p.patient, p.patient.user, day(24))
                .await
                .unwrap(),
            None
        );
        assert!(is_not_found(
            s.delete_check_in(&p.patient, p.patient.user, day(24)).await
        ));
        let diary = s
            .diary(&p.patient, p.patient.user, day(1), day(30))
            .await
            .unwrap();
        assert_eq!(diary, vec![pain_only(day(25), 4)]);

        // The day can be filled in afresh, without the deleted day's lists.
        s.save_check_in(&p.patient, p.patient.user, &pain_only(day(24), 2))
            .await
            .unwrap();
        let read = s
            .check_in(&p.patient, p.patient.user, day(24))
            .await
            .unwrap();
        assert_eq!(read, Some(pain_only(day(24), 2)));
    })
    .await;
}

#[tokio::test]
async fn the_diary_gives_the_days_in_a_range_oldest_first_and_only_the_patients_own() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        for (d, pain) in [(26, 1), (20, 2), (24, 3), (22, 4)] {
            s.save_check_in(&p.patient, p.patient.user, &pain_only(day(d), pain))
                .await
                .unwrap();
        }
        s.save_check_in(&p.other, p.other.user, &pain_only(day(23), 9))
            .await
            .unwrap();

        let middle = s
            .diary(&p.patient, p.patient.user, day(21), day(25))
            .await
            .unwrap();
        assert_eq!(middle, vec![pain_only(day(22), 4), pain_only(day(24), 3)]);
        let all = s
            .diary(&p.patient, p.patient.user, day(20), day(26))
            .await
            .unwrap();
        let dates: Vec<Date> = all.iter().map(|c| c.date).collect();
        assert_eq!(dates, [day(20), day(22), day(24), day(26)]);
        let none = s
            .diary(&p.patient, p.patient.user, day(27), day(30))
            .await
            .unwrap();
        assert!(none.is_empty());
        // A range across a month's end compares as dates, not as text of different lengths.
        let wide = s
            .diary(
                &p.patient,
                p.patient.user,
                Date::constant(2026, 10, 31),
                Date::constant(2026, 12, 1),
            )
            .await
            .unwrap();
        assert_eq!(wide.len(), 4);
    })
    .await;
}

// ----- Who may see a diary ---------------------------------------------------------------------

#[tokio::test]
async fn another_patient_gets_not_found_and_nothing_is_stored() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        s.save_check_in(&p.patient, p.patient.user, &pain_only(day(24), 5))
            .await
            .unwrap();
        let period = own_period(s, &p.patient, treatment("pacing", day(1))).await;

        let (other, patient) = (&p.other, p.patient.user);
        assert!(is_not_found(s.diary(other, patient, day(1), day(30)).await));
        assert!(is_not_found(s.check_in(other, patient, day(24)).await));
        assert!(is_not_found(
            s.save_check_in(other, patient, &pain_only(day(23), 9))
                .await
        ));
        assert!(is_not_found(
            s.delete_check_in(other, patient, day(24)).await
        ));
        assert!(is_not_found(s.patient_details(other, patient).await));
        assert!(is_not_found(
            s.save_patient_details(other, patient, &PatientDetails::default())
                .await
        ));
        assert!(is_not_found(s.treatment_periods(other, patient).await));
        assert!(is_not_found(
            s.add_treatment_period(
                other,
                patient,
                &treatment("tai_chi", day(2)),
                PeriodSource::SelfReported
            )
            .await
        ));
        assert!(is_not_found(
            s.end_treatment_period(other, patient, period, day(3), PeriodOutcome::Helped)
                .await
        ));
        assert!(is_not_found(s.account(other, patient).await));
        assert!(is_not_found(s.care_links(other, patient).await));
        assert!(is_not_found(s.audit_for_patient(other, patient).await));

        let diary = s.diary(&p.patient, patient, day(1), day(30)).await.unwrap();
        assert_eq!(diary, vec![pain_only(day(24), 5)]);
        assert_eq!(
            s.treatment_periods(&p.patient, patient)
                .await
                .unwrap()
                .len(),
            1
        );
        assert!(s.treatment_periods(&p.patient, patient).await.unwrap()[0].is_open());
        assert_eq!(
            s.patient_details(&p.patient, patient).await.unwrap(),
            PatientDetails::default()
        );
        assert!(audit_of(s, &p.patient).await.is_empty());
    })
    .await;
}

#[tokio::test]
async fn a_clinician_without_a_live_link_gets_not_found() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        s.save_check_in(&p.patient, p.patient.user, &pain_only(day(24), 5))
            .await
            .unwrap();
        let (c, patient) = (&p.clinician, p.patient.user);
        assert!(is_not_found(s.diary(c, patient, day(1), day(30)).await));
        assert!(is_not_found(s.check_in(c, patient, day(24)).await));
        assert!(is_not_found(s.patient_details(c, patient).await));
        assert!(is_not_found(s.treatment_periods(c, patient).await));
        assert!(is_not_found(
            s.add_treatment_period(
                c,
                patient,
                &treatment("pacing", day(2)),
                PeriodSource::Clinician
            )
            .await
        ));
        assert!(is_not_found(s.account(c, patient).await));
        assert!(s.my_patients(c).await.unwrap().is_empty());
        assert!(audit_of(s, &p.patient).await.is_empty());
    })
    .await;
}

#[tokio::test]
async fn a_clinician_with_a_live_link_reads_the_diary_and_one_audit_entry_names_the_patient() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        link(s, &p).await;
        let before = audit_of(s, &p.patient).await.len();
        s.save_check_in(&p.patient, p.patient.user, &pain_only(day(24), 5))
            .await
            .unwrap();

        let diary = s
            .diary(&p.clinician, p.patient.user, day(1), day(30))
            .await
            .unwrap();
        assert_eq!(diary, vec![pain_only(day(24), 5)]);

        let entries = audit_of(s, &p.patient).await;
        assert_eq!(
            entries.len(),
            before + 1,
            "one entry for one read: {entries:?}"
        );
        let newest = &entries[0];
        assert_eq!(newest.action, "diary.read");
        assert_eq!(newest.actor, p.clinician.user);
        assert_eq!(newest.actor_role, Role::Clinician);
        assert_eq!(newest.actor_name, "clinician name");
        assert_eq!(newest.patients, vec![p.patient.user]);

        // Each kind of read and change by the care team is recorded under its own action.
        s.check_in(&p.clinician, p.patient.user, day(24))
            .await
            .unwrap();
        s.patient_details(&p.clinician, p.patient.user)
            .await
            .unwrap();
        s.save_patient_details(&p.clinician, p.patient.user, &PatientDetails::default())
            .await
            .unwrap();
        s.treatment_periods(&p.clinician, p.patient.user)
            .await
            .unwrap();
        let period = s
            .add_treatment_period(
                &p.clinician,
                p.patient.user,
                &treatment("cbt", day(2)),
                PeriodSource::Clinician,
            )
            .await
            .unwrap();
        s.end_treatment_period(
            &p.clinician,
            p.patient.user,
            period,
            day(20),
            PeriodOutcome::Helped,
        )
        .await
        .unwrap();
        s.account(&p.clinician, p.patient.user).await.unwrap();
        let entries = audit_of(s, &p.patient).await;
        assert_eq!(
            actions(&entries[..8]),
            [
                "account.read",
                "period.end",
                "period.add",
                "periods.read",
                "details.save",
                "details.read",
                "check_in.read",
                "diary.read"
            ]
        );
        assert!(entries[..8].iter().all(|e| e.actor == p.clinician.user));
    })
    .await;
}

#[tokio::test]
async fn a_revoked_link_hides_the_record_again() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        let link_id = link(s, &p).await;
        s.diary(&p.clinician, p.patient.user, day(1), day(30))
            .await
            .unwrap();

        s.revoke_care_link(&p.patient, link_id, at(100))
            .await
            .unwrap();
        assert!(is_not_found(
            s.diary(&p.clinician, p.patient.user, day(1), day(30)).await
        ));
        assert!(is_not_found(
            s.patient_details(&p.clinician, p.patient.user).await
        ));
        assert!(s.my_patients(&p.clinician).await.unwrap().is_empty());

        let links = s.care_links(&p.patient, p.patient.user).await.unwrap();
        assert_eq!(links.len(), 1);
        assert_eq!(links[0].revoked_at, Some(at(100)));
        // Revoking twice is not an error, and the first revocation's time stands.
        s.revoke_care_link(&p.patient, link_id, at(200))
            .await
            .unwrap();
        let links = s.care_links(&p.patient, p.patient.user).await.unwrap();
        assert_eq!(links[0].revoked_at, Some(at(100)));
    })
    .await;
}

#[tokio::test]
async fn an_admin_never_reads_or_writes_health_data() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        link(s, &p).await;
        s.save_check_in(&p.patient, p.patient.user, &pain_only(day(24), 5))
            .await
            .unwrap();
        let period = own_period(s, &p.patient, treatment("pacing", day(1))).await;
        let (a, patient) = (&p.admin, p.patient.user);
        assert!(is_not_found(s.diary(a, patient, day(1), day(30)).await));
        assert!(is_not_found(s.check_in(a, patient, day(24)).await));
        assert!(is_not_found(
            s.save_check_in(a, patient, &pain_only(day(23), 1)).await
        ));
        assert!(is_not_found(s.delete_check_in(a, patient, day(24)).await));
        assert!(is_not_found(s.patient_details(a, patient).await));
        assert!(is_not_found(
            s.save_patient_details(a, patient, &PatientDetails::default())
                .await
        ));
        assert!(is_not_found(s.treatment_periods(a, patient).await));
        assert!(is_not_found(
            s.add_treatment_period(
                a,
                patient,
                &treatment("cbt", day(2)),
                PeriodSource::Clinician
            )
            .await
        ));
        assert!(is_not_found(
            s.end_treatment_period(a, patient, period, day(3), PeriodOutcome::Helped)
                .await
        ));
        assert!(matches!(s.my_patients(a).await, Err(StoreError::Forbidden)));
    })
    .await;
}

#[tokio::test]
async fn only_the_patient_writes_their_diary_even_with_a_care_team_link() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        link(s, &p).await;
        s.save_check_in(&p.patient, p.patient.user, &pain_only(day(24), 5))
            .await
            .unwrap();
        let before = audit_of(s, &p.patient).await;
        assert!(is_not_found(
            s.save_check_in(&p.clinician, p.patient.user, &pain_only(day(24), 9))
                .await
        ));
        assert!(is_not_found(
            s.delete_check_in(&p.clinician, p.patient.user, day(24))
                .await
        ));
        let read = s
            .check_in(&p.patient, p.patient.user, day(24))
            .await
            .unwrap();
        assert_eq!(read, Some(pain_only(day(24), 5)));
        assert_eq!(audit_of(s, &p.patient).await, before);
    })
    .await;
}

// ----- Audit ----------------------------------------------------------------------------------

#[tokio::test]
async fn a_refused_or_failed_call_writes_no_audit_entry() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        // Refused: no link yet.
        assert!(is_not_found(
            s.diary(&p.clinician, p.patient.user, day(1), day(30)).await
        ));
        assert!(audit_of(s, &p.patient).await.is_empty());

        link(s, &p).await;
        let period = s
            .add_treatment_period(
                &p.clinician,
                p.patient.user,
                &treatment("cbt", day(2)),
                PeriodSource::Clinician,
            )
            .await
            .unwrap();
        s.end_treatment_period(
            &p.clinician,
            p.patient.user,
            period,
            day(20),
            PeriodOutcome::Helped,
        )
        .await
        .unwrap();
        let before = audit_of(s, &p.patient).await;

        // Allowed, but the change itself fails: its audit entry must roll back with it.
        let again = s
            .end_treatment_period(
                &p.clinician,
                p.patient.user,
                period,
                day(21),
                PeriodOutcome::NoBenefit,
            )
            .await;
        assert!(
            matches!(again, Err(StoreError::Conflict("period_ended"))),
            "{again:?}"
        );
        let wrong_source = s
            .add_treatment_period(
                &p.clinician,
                p.patient.user,
                &treatment("cbt", day(2)),
                PeriodSource::SelfReported,
            )
            .await;
        assert!(
            matches!(wrong_source, Err(StoreError::Forbidden)),
            "{wrong_source:?}"
        );
        assert_eq!(audit_of(s, &p.patient).await, before);
    })
    .await;
}

#[tokio::test]
async fn a_patients_own_reads_and_changes_are_not_audited() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        let me = &p.patient;
        s.save_check_in(me, me.user, &pain_only(day(24), 5))
            .await
            .unwrap();
        s.diary(me, me.user, day(1), day(30)).await.unwrap();
        s.check_in(me, me.user, day(24)).await.unwrap();
        s.delete_check_in(me, me.user, day(24)).await.unwrap();
        s.patient_details(me, me.user).await.unwrap();
        s.save_patient_details(me, me.user, &PatientDetails::default())
            .await
            .unwrap();
        own_period(s, me, treatment("pacing", day(1))).await;
        s.treatment_periods(me, me.user).await.unwrap();
        s.account(me, me.user).await.unwrap();
        assert!(audit_of(s, me).await.is_empty());
    })
    .await;
}

#[tokio::test]
async fn the_staff_audit_lists_staff_actions_newest_first_for_admins_only() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        link(s, &p).await;
        s.diary(&p.clinician, p.patient.user, day(1), day(30))
            .await
            .unwrap();
        s.create_account(
            Some(&p.admin),
            &new_account("newclinician", Role::Clinician),
        )
        .await
        .unwrap();

        let entries = s.staff_audit(&p.admin, 10).await.unwrap();
        assert_eq!(
            actions(&entries),
            ["account.create", "diary.read", "care_link.create"]
        );
        assert_eq!(entries[2].patients, vec![p.patient.user]);
        assert_eq!(entries[2].subject, Some(p.clinician.user));
        assert!(entries.windows(2).all(|w| w[0].id > w[1].id));
        assert_eq!(s.staff_audit(&p.admin, 1).await.unwrap().len(), 1);

        for not_admin in [&p.clinician, &p.patient] {
            assert!(matches!(
                s.staff_audit(not_admin, 10).await,
                Err(StoreError::Forbidden)
            ));
        }
    })
    .await;
}

#[tokio::test]
async fn an_admin_reading_a_patients_audit_is_itself_audited() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        link(s, &p).await;
        let seen = s.audit_for_patient(&p.admin, p.patient.user).await.unwrap();
        assert_eq!(actions(&seen), ["care_link.create"]);
        assert_eq!(
            actions(&audit_of(s, &p.patient).await),
            ["audit.read", "care_link.create"]
        );
        // Only patients have such a list.
        assert!(is_not_found(
            s.audit_for_patient(&p.admin, p.clinician.user).await
        ));
        assert!(is_not_found(
            s.audit_for_patient(&p.clinician, p.patient.user).await
        ));
    })
    .await;
}

// ----- Accounts ---------------------------------------------------------------------------------

#[tokio::test]
async fn a_username_can_be_taken_only_once() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        assert_eq!(s.count_accounts().await.unwrap(), 0);
        s.create_account(None, &new_account("alex", Role::Patient))
            .await
            .unwrap();
        // Usernames are lower-cased when parsed, so "Alex" is the same name.
        let again = s
            .create_account(None, &new_account("Alex", Role::Clinician))
            .await;
        assert!(
            matches!(again, Err(StoreError::Conflict("username"))),
            "{again:?}"
        );
        assert_eq!(s.count_accounts().await.unwrap(), 1);
        s.ping().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn only_an_admin_creates_accounts_and_each_creation_is_audited() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        for not_admin in [&p.clinician, &p.patient] {
            let refused = s
                .create_account(Some(not_admin), &new_account("sneaky", Role::Admin))
                .await;
            assert!(matches!(refused, Err(StoreError::Forbidden)), "{refused:?}");
        }
        assert!(
            s.credentials(&Username::parse("sneaky").unwrap())
                .await
                .unwrap()
                .is_none()
        );

        let id = s
            .create_account(Some(&p.admin), &new_account("dr.jones", Role::Clinician))
            .await
            .unwrap();
        let entries = s.staff_audit(&p.admin, 10).await.unwrap();
        assert_eq!(entries[0].action, "account.create");
        assert_eq!(entries[0].subject, Some(id));
        assert!(entries[0].patients.is_empty());

        let creds = s
            .credentials(&Username::parse("dr.jones").unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(creds.account.id, id);
        assert_eq!(creds.account.role, Role::Clinician);
        assert!(creds.account.active);
        assert_eq!(creds.password_hash, HASH);
    })
    .await;
}

#[tokio::test]
async fn accounts_are_listed_to_admins_only_and_each_is_seen_by_the_right_people() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        let all = s.accounts(&p.admin).await.unwrap();
        let names: Vec<&str> = all.iter().map(|a| a.username.as_str()).collect();
        assert_eq!(names, ["admin", "clinician", "patient", "other"]);
        for not_admin in [&p.clinician, &p.patient] {
            assert!(matches!(
                s.accounts(not_admin).await,
                Err(StoreError::Forbidden)
            ));
        }

        assert_eq!(
            s.account(&p.patient, p.patient.user).await.unwrap().role,
            Role::Patient
        );
        assert_eq!(s.account(&p.admin, p.patient.user).await.unwrap(), all[2]);
        assert!(is_not_found(s.account(&p.admin, UserId(999_999)).await));
        assert!(is_not_found(s.account(&p.patient, p.clinician.user).await));
        assert!(is_not_found(s.account(&p.clinician, p.admin.user).await));
        link(s, &p).await;
        assert_eq!(
            s.account(&p.clinician, p.patient.user).await.unwrap(),
            all[2]
        );
    })
    .await;
}

#[tokio::test]
async fn a_deactivated_account_loses_its_sessions_and_tokens_until_reactivated() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        s.create_session(&session("s1", p.patient.user, 0, 86_400, 3_600))
            .await
            .unwrap();
        s.create_api_token(&p.patient, "tok", "laptop", None)
            .await
            .unwrap();
        assert!(s.session("s1", at(10)).await.unwrap().is_some());

        assert!(matches!(
            s.set_account_active(&p.clinician, p.patient.user, false)
                .await,
            Err(StoreError::Forbidden)
        ));
        s.set_account_active(&p.admin, p.patient.user, false)
            .await
            .unwrap();
        assert!(s.session("s1", at(20)).await.unwrap().is_none());
        assert!(s.api_token_account("tok", at(20)).await.unwrap().is_none());
        let creds = s
            .credentials(&Username::parse("patient").unwrap())
            .await
            .unwrap()
            .unwrap();
        assert!(!creds.account.active);
        assert_eq!(
            s.staff_audit(&p.admin, 1).await.unwrap()[0].action,
            "account.deactivate"
        );

        s.set_account_active(&p.admin, p.patient.user, true)
            .await
            .unwrap();
        // The old session stays ended; the token works again, as it was never revoked.
        assert!(s.session("s1", at(30)).await.unwrap().is_none());
        assert!(s.api_token_account("tok", at(30)).await.unwrap().is_some());
        assert!(is_not_found(
            s.set_account_active(&p.admin, UserId(999_999), false).await
        ));
    })
    .await;
}

#[tokio::test]
async fn changing_ones_own_password_ends_every_other_session() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        s.create_session(&session("here", p.patient.user, 0, 86_400, 3_600))
            .await
            .unwrap();
        s.create_session(&session("there", p.patient.user, 0, 86_400, 3_600))
            .await
            .unwrap();
        s.create_session(&session("theirs", p.other.user, 0, 86_400, 3_600))
            .await
            .unwrap();
        s.change_own_password(&p.patient, "new-hash", Some("here"))
            .await
            .unwrap();
        assert!(s.session("here", at(10)).await.unwrap().is_some());
        assert!(s.session("there", at(10)).await.unwrap().is_none());
        assert!(s.session("theirs", at(10)).await.unwrap().is_some());
        let creds = s
            .credentials(&Username::parse("patient").unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(creds.password_hash, "new-hash");

        s.change_own_password(&p.patient, "newer-hash", None)
            .await
            .unwrap();
        assert!(s.session("here", at(20)).await.unwrap().is_none());
    })
    .await;
}

// ----- One-time links -----------------------------------------------------------------------

#[tokio::test]
async fn an_invitation_creates_a_patient_linked_to_the_inviting_clinician() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        let purpose = LinkPurpose::PatientInvitation {
            clinician: p.clinician.user,
        };
        s.create_link(Some(&p.clinician), "invite", purpose, at(3_600), None)
            .await
            .unwrap();
        let stored = s.link("invite").await.unwrap().unwrap();
        assert_eq!(stored.purpose, purpose);
        assert_eq!(stored.created_by, Some(p.clinician.user));
        assert_eq!(stored.expires_at, at(3_600));
        assert_eq!(stored.used_at, None);
        assert_eq!(s.link("no-such-link").await.unwrap(), None);

        // The link decides the role: asking for an admin account still makes a patient.
        let sam = s
            .redeem_account_link("invite", at(60), &new_account("sam", Role::Admin))
            .await
            .unwrap();
        let account = s.account(&p.admin, sam).await.unwrap();
        assert_eq!(account.role, Role::Patient);
        assert_eq!(account.username.as_str(), "sam");
        assert_eq!(
            s.link("invite").await.unwrap().unwrap().used_at,
            Some(at(60))
        );

        let sam_actor = Actor {
            user: sam,
            role: Role::Patient,
        };
        let links = s.care_links(&sam_actor, sam).await.unwrap();
        assert_eq!(links.len(), 1);
        assert_eq!(links[0].clinician, p.clinician.user);
        assert_eq!(links[0].clinician_name, "clinician name");
        assert_eq!(links[0].patient_name, "sam name");
        assert_eq!(links[0].granted_by, p.clinician.user);
        assert_eq!(links[0].granted_at, at(60));
        assert_eq!(links[0].revoked_at, None);
        assert!(
            s.diary(&p.clinician, sam, day(1), day(30))
                .await
                .unwrap()
                .is_empty()
        );
        let mine = s.my_patients(&p.clinician).await.unwrap();
        assert_eq!(mine.iter().map(|m| m.id).collect::<Vec<_>>(), vec![sam]);
    })
    .await;
}

#[tokio::test]
async fn a_used_or_expired_link_is_refused_and_nothing_is_half_created() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        let purpose = LinkPurpose::PatientInvitation {
            clinician: p.clinician.user,
        };
        s.create_link(Some(&p.clinician), "once", purpose, at(3_600), None)
            .await
            .unwrap();
        s.create_link(Some(&p.clinician), "short", purpose, at(10), None)
            .await
            .unwrap();
        s.redeem_account_link("once", at(5), &new_account("first", Role::Patient))
            .await
            .unwrap();
        let count = s.count_accounts().await.unwrap();

        let used = s
            .redeem_account_link("once", at(6), &new_account("second", Role::Patient))
            .await;
        assert!(matches!(used, Err(StoreError::LinkUsed)), "{used:?}");
        let expired = s
            .redeem_account_link("short", at(10), &new_account("late", Role::Patient))
            .await;
        assert!(matches!(expired, Err(StoreError::LinkUsed)), "{expired:?}");
        let unknown = s
            .redeem_account_link("nope", at(5), &new_account("ghost", Role::Patient))
            .await;
        assert!(is_not_found(unknown));

        assert_eq!(s.count_accounts().await.unwrap(), count);
        for name in ["second", "late", "ghost"] {
            assert!(
                s.credentials(&Username::parse(name).unwrap())
                    .await
                    .unwrap()
                    .is_none()
            );
        }
        assert_eq!(s.link("short").await.unwrap().unwrap().used_at, None);
        assert_eq!(s.my_patients(&p.clinician).await.unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_taken_username_leaves_the_invitation_unused() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        let purpose = LinkPurpose::PatientInvitation {
            clinician: p.clinician.user,
        };
        s.create_link(Some(&p.clinician), "invite", purpose, at(3_600), None)
            .await
            .unwrap();
        let taken = s
            .redeem_account_link("invite", at(5), &new_account("other", Role::Patient))
            .await;
        assert!(
            matches!(taken, Err(StoreError::Conflict("username"))),
            "{taken:?}"
        );
        assert_eq!(s.link("invite").await.unwrap().unwrap().used_at, None);
        assert!(s.my_patients(&p.clinician).await.unwrap().is_empty());

        s.redeem_account_link("invite", at(6), &new_account("fresh", Role::Patient))
            .await
            .unwrap();
        assert_eq!(s.my_patients(&p.clinician).await.unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn the_first_admin_link_works_once_and_never_after_an_admin_exists() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        s.create_link(None, "first", LinkPurpose::FirstAdmin, at(3_600), None)
            .await
            .unwrap();
        s.create_link(None, "spare", LinkPurpose::FirstAdmin, at(3_600), None)
            .await
            .unwrap();
        let admin = s
            .redeem_account_link("first", at(1), &new_account("boss", Role::Patient))
            .await
            .unwrap();
        let boss = Actor {
            user: admin,
            role: Role::Admin,
        };
        assert_eq!(s.account(&boss, admin).await.unwrap().role, Role::Admin);
        let spare = s
            .redeem_account_link("spare", at(2), &new_account("boss2", Role::Admin))
            .await;
        assert!(matches!(spare, Err(StoreError::LinkUsed)), "{spare:?}");
        assert_eq!(s.count_accounts().await.unwrap(), 1);

        // A first-admin link comes only from the command line, never from someone signed in.
        let by_admin = s
            .create_link(
                Some(&boss),
                "more",
                LinkPurpose::FirstAdmin,
                at(3_600),
                None,
            )
            .await;
        assert!(
            matches!(by_admin, Err(StoreError::Forbidden)),
            "{by_admin:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn the_command_line_makes_links_for_accounts_that_exist() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        // `painpath user add` makes the account, then a reset link to set its password.
        let reset = LinkPurpose::PasswordReset {
            user: p.clinician.user,
        };
        s.create_link(None, "cli-reset", reset, at(3_600), None)
            .await
            .unwrap();
        assert_eq!(s.link("cli-reset").await.unwrap().unwrap().created_by, None);
        let user = s
            .redeem_password_reset(None, "cli-reset", at(1), "chosen-hash")
            .await
            .unwrap();
        assert_eq!(user, p.clinician.user);
        // Nothing is audited without someone signed in to name.
        assert!(s.staff_audit(&p.admin, 10).await.unwrap().is_empty());

        let nobody = LinkPurpose::PasswordReset {
            user: UserId(999_999),
        };
        assert!(is_not_found(
            s.create_link(None, "x1", nobody, at(60), None).await
        ));
        let not_a_clinician = LinkPurpose::PatientInvitation {
            clinician: p.patient.user,
        };
        assert!(is_not_found(
            s.create_link(None, "x2", not_a_clinician, at(60), None)
                .await
        ));
        assert_eq!(s.link("x1").await.unwrap(), None);
    })
    .await;
}

#[tokio::test]
async fn links_are_made_only_by_the_people_allowed_to_make_them() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        let second = add(s, "second.clinician", Role::Clinician).await;
        let invitation = LinkPurpose::PatientInvitation {
            clinician: p.clinician.user,
        };
        assert!(matches!(
            s.create_link(Some(&p.patient), "a", invitation, at(60), None)
                .await,
            Err(StoreError::Forbidden)
        ));
        assert!(matches!(
            s.create_link(Some(&second), "b", invitation, at(60), None)
                .await,
            Err(StoreError::Forbidden)
        ));
        assert!(matches!(
            s.create_link(Some(&p.admin), "c", invitation, at(60), None)
                .await,
            Err(StoreError::Forbidden)
        ));

        let reset = LinkPurpose::PasswordReset {
            user: p.patient.user,
        };
        assert!(is_not_found(
            s.create_link(Some(&p.clinician), "d", reset, at(60), None)
                .await
        ));
        assert!(matches!(
            s.create_link(Some(&p.other), "e", reset, at(60), None)
                .await,
            Err(StoreError::Forbidden)
        ));
        link(s, &p).await;
        // A clinician's reset of their patient needs a reason, which the patient is shown.
        assert!(matches!(
            s.create_link(Some(&p.clinician), "f0", reset, at(60), None)
                .await,
            Err(StoreError::Forbidden)
        ));
        s.create_link(
            Some(&p.clinician),
            "f",
            reset,
            at(60),
            Some("rang, locked out"),
        )
        .await
        .unwrap();
        assert_eq!(
            s.link("f").await.unwrap().unwrap().reason.as_deref(),
            Some("rang, locked out")
        );
        // An admin never resets a patient's password, even with a reason (issue 6).
        assert!(matches!(
            s.create_link(Some(&p.admin), "g", reset, at(60), Some("asked to"))
                .await,
            Err(StoreError::Forbidden)
        ));
        let clinician_reset = LinkPurpose::PasswordReset { user: second.user };
        s.create_link(Some(&p.admin), "h", clinician_reset, at(60), None)
            .await
            .unwrap();
        let twice = s
            .create_link(Some(&p.admin), "h", clinician_reset, at(60), None)
            .await;
        assert!(
            matches!(twice, Err(StoreError::Conflict("token"))),
            "{twice:?}"
        );

        for token in ["a", "b", "c", "d", "e", "f0", "g"] {
            assert_eq!(s.link(token).await.unwrap(), None);
        }
        let entries = audit_of(s, &p.patient).await;
        assert_eq!(actions(&entries[..2]), ["link.create", "care_link.create"]);
        assert_eq!(entries[0].subject, Some(p.patient.user));
        assert_eq!(entries[0].actor, p.clinician.user);
    })
    .await;
}

#[tokio::test]
async fn a_password_reset_sets_the_password_and_ends_every_session() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        s.create_session(&session("phone", p.patient.user, 0, 86_400, 3_600))
            .await
            .unwrap();
        s.create_session(&session("laptop", p.patient.user, 0, 86_400, 3_600))
            .await
            .unwrap();
        let reset = LinkPurpose::PasswordReset {
            user: p.patient.user,
        };
        link(s, &p).await;
        s.create_link(
            Some(&p.clinician),
            "reset",
            reset,
            at(3_600),
            Some("locked out"),
        )
        .await
        .unwrap();

        // A reset link cannot make an account, nor an invitation reset a password.
        assert!(is_not_found(
            s.redeem_account_link("reset", at(5), &new_account("x.y", Role::Patient))
                .await
        ));
        let invitation = LinkPurpose::PatientInvitation {
            clinician: p.clinician.user,
        };
        s.create_link(Some(&p.clinician), "invite", invitation, at(3_600), None)
            .await
            .unwrap();
        assert!(is_not_found(
            s.redeem_password_reset(None, "invite", at(5), "hash").await
        ));

        let user = s
            .redeem_password_reset(None, "reset", at(10), "reset-hash")
            .await
            .unwrap();
        assert_eq!(user, p.patient.user);
        let creds = s
            .credentials(&Username::parse("patient").unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(creds.password_hash, "reset-hash");
        assert!(s.session("phone", at(11)).await.unwrap().is_none());
        assert!(s.session("laptop", at(11)).await.unwrap().is_none());
        assert_eq!(
            s.link("reset").await.unwrap().unwrap().used_at,
            Some(at(10))
        );

        let again = s
            .redeem_password_reset(None, "reset", at(12), "other-hash")
            .await;
        assert!(matches!(again, Err(StoreError::LinkUsed)), "{again:?}");
        let creds = s
            .credentials(&Username::parse("patient").unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(creds.password_hash, "reset-hash");

        s.create_link(
            Some(&p.clinician),
            "stale",
            reset,
            at(20),
            Some("locked out"),
        )
        .await
        .unwrap();
        let stale = s
            .redeem_password_reset(None, "stale", at(21), "stale-hash")
            .await;
        assert!(matches!(stale, Err(StoreError::LinkUsed)), "{stale:?}");
    })
    .await;
}

// ----- Sessions, sign-in failures, API tokens ---------------------------------------------------

#[tokio::test]
async fn a_session_idles_out_after_its_idle_time_without_a_request() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        s.create_session(&session("tok", p.patient.user, 0, 86_400, 600))
            .await
            .unwrap();
        let live = s.session("tok", at(100)).await.unwrap().unwrap();
        assert_eq!(live.account.id, p.patient.user);
        assert_eq!(live.csrf_token, "csrf-tok");
        assert_eq!(live.expires_at, at(86_400));
        // 650 s after creation but 550 s after the last request: still live.
        assert!(s.session("tok", at(650)).await.unwrap().is_some());
        // A request that arrives late with an older time does not wind the clock back.
        assert!(s.session("tok", at(640)).await.unwrap().is_some());
        assert!(s.session("tok", at(1_250)).await.unwrap().is_some());
        // 601 s without a request: gone, and it stays gone.
        assert!(s.session("tok", at(1_851)).await.unwrap().is_none());
        assert!(s.session("tok", at(1_852)).await.unwrap().is_none());
        assert!(s.session("never-made", at(1)).await.unwrap().is_none());
    })
    .await;
}

#[tokio::test]
async fn a_session_or_token_notes_its_use_only_when_the_last_note_is_over_a_minute_old() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        // A request within a minute of the noted use notes nothing, so the session idles out
        // its idle time after the noted use: here 541 s after its last request, not 600.
        s.create_session(&session("quiet", p.patient.user, 0, 86_400, 600))
            .await
            .unwrap();
        assert!(s.session("quiet", at(100)).await.unwrap().is_some());
        assert!(s.session("quiet", at(160)).await.unwrap().is_some());
        assert!(s.session("quiet", at(701)).await.unwrap().is_none());
        // A request more than a minute after the noted use is noted.
        s.create_session(&session("noted", p.patient.user, 0, 86_400, 600))
            .await
            .unwrap();
        assert!(s.session("noted", at(100)).await.unwrap().is_some());
        assert!(s.session("noted", at(161)).await.unwrap().is_some());
        assert!(s.session("noted", at(761)).await.unwrap().is_some());
        assert!(s.session("noted", at(1_362)).await.unwrap().is_none());

        // The same for an API token's last use, as its owner sees it.
        s.create_api_token(&p.patient, "tk", "laptop", None)
            .await
            .unwrap();
        let last_used = || async { s.api_tokens(&p.patient).await.unwrap()[0].last_used_at };
        assert_eq!(last_used().await, None);
        s.api_token_account("tk", at(50)).await.unwrap().unwrap();
        assert_eq!(last_used().await, Some(at(50)));
        s.api_token_account("tk", at(110)).await.unwrap().unwrap();
        assert_eq!(last_used().await, Some(at(50)));
        s.api_token_account("tk", at(111)).await.unwrap().unwrap();
        assert_eq!(last_used().await, Some(at(111)));
        // A late request with an older time never winds it back.
        s.api_token_account("tk", at(20)).await.unwrap().unwrap();
        assert_eq!(last_used().await, Some(at(111)));
    })
    .await;
}

#[tokio::test]
async fn a_session_ends_at_its_expiry_however_busy_and_on_sign_out() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        s.create_session(&session("busy", p.patient.user, 0, 3_600, 600))
            .await
            .unwrap();
        for t in (500..3_600).step_by(500) {
            assert!(s.session("busy", at(t)).await.unwrap().is_some(), "at {t}");
        }
        assert!(s.session("busy", at(3_600)).await.unwrap().is_none());

        s.create_session(&session("short", p.patient.user, 0, 3_600, 600))
            .await
            .unwrap();
        let twice = s
            .create_session(&session("short", p.patient.user, 0, 3_600, 600))
            .await;
        assert!(
            matches!(twice, Err(StoreError::Conflict("session"))),
            "{twice:?}"
        );
        s.end_session("short").await.unwrap();
        assert!(s.session("short", at(1)).await.unwrap().is_none());
        s.end_session("short").await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn failed_sign_ins_are_counted_per_key_since_a_time_and_cleared() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let (account, address) = ("account:alex", "address:192.0.2.1");
        let both = [(account, 3), (address, 4)];
        // Each reservation records one attempt against each key, until a key reaches its limit.
        let first = s.reserve_sign_in(&both, at(0), at(0)).await.unwrap();
        assert_eq!(first.as_ref().map(Vec::len), Some(2), "{}", b.name);
        assert!(
            s.reserve_sign_in(&both, at(0), at(10))
                .await
                .unwrap()
                .is_some()
        );
        assert!(
            s.reserve_sign_in(&[(address, 4)], at(0), at(20))
                .await
                .unwrap()
                .is_some()
        );
        // The account has had 2, the address 3: one more for both, then the account is full.
        assert!(
            s.reserve_sign_in(&both, at(0), at(25))
                .await
                .unwrap()
                .is_some()
        );
        assert_eq!(s.reserve_sign_in(&both, at(0), at(26)).await.unwrap(), None);
        // A refusal records nothing: the address alone still has room for one.
        assert!(
            s.reserve_sign_in(&[(address, 5)], at(0), at(27))
                .await
                .unwrap()
                .is_some()
        );
        // Only attempts since the window's start count.
        assert!(
            s.reserve_sign_in(&both, at(26), at(28))
                .await
                .unwrap()
                .is_some()
        );
        // Releasing takes back exactly the reserved rows; clearing forgets a key's attempts.
        s.release_sign_in(&first.unwrap()).await.unwrap();
        s.clear_failed_sign_ins(account).await.unwrap();
        assert!(
            s.reserve_sign_in(&[(account, 1)], at(0), at(30))
                .await
                .unwrap()
                .is_some()
        );
        assert_eq!(
            s.reserve_sign_in(&[(account, 1)], at(0), at(31))
                .await
                .unwrap(),
            None
        );
        s.release_sign_in(&[]).await.unwrap();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_sign_in_attempts_through_two_servers_reserves_no_more_than_the_limit() {
    each_backend(|b| async move {
        // 24 attempts at once, twelve through each of two servers on one database: exactly five
        // reservations are granted, whatever the interleaving.
        let servers: [Arc<dyn Store>; 2] =
            [Arc::from(b.reopen().await), Arc::from(b.reopen().await)];
        let barrier = Arc::new(tokio::sync::Barrier::new(24));
        let mut tasks = Vec::new();
        for n in 0..24 {
            let server = Arc::clone(&servers[n % 2]);
            let barrier = Arc::clone(&barrier);
            tasks.push(tokio::spawn(async move {
                barrier.wait().await;
                server
                    .reserve_sign_in(
                        &[("account:alex", 5), ("address:198.51.100.7", 30)],
                        at(0),
                        at(1),
                    )
                    .await
            }));
        }
        let mut granted = 0;
        for t in tasks {
            if t.await.unwrap().unwrap().is_some() {
                granted += 1;
            }
        }
        assert_eq!(granted, 5, "{}", b.name);
    })
    .await;
}

#[tokio::test]
async fn an_api_token_acts_for_its_owner_until_it_is_revoked_or_expires() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        let forever = s
            .create_api_token(&p.patient, "t1", "laptop", None)
            .await
            .unwrap();
        let brief = s
            .create_api_token(&p.patient, "t2", "script", Some(at(100)))
            .await
            .unwrap();
        s.create_api_token(&p.other, "t3", "theirs", None)
            .await
            .unwrap();
        let twice = s.create_api_token(&p.other, "t3", "again", None).await;
        assert!(
            matches!(twice, Err(StoreError::Conflict("token"))),
            "{twice:?}"
        );

        let who = s.api_token_account("t1", at(50)).await.unwrap().unwrap();
        assert_eq!(who.id, p.patient.user);
        assert!(s.api_token_account("t2", at(99)).await.unwrap().is_some());
        assert!(s.api_token_account("t2", at(100)).await.unwrap().is_none());
        assert!(s.api_token_account("none", at(1)).await.unwrap().is_none());

        let mine = s.api_tokens(&p.patient).await.unwrap();
        assert_eq!(
            mine.iter().map(|t| t.id).collect::<Vec<_>>(),
            [forever, brief]
        );
        assert_eq!(mine[0].name, "laptop");
        assert_eq!(mine[0].last_used_at, Some(at(50)));
        assert_eq!(mine[1].expires_at, Some(at(100)));
        assert_eq!(mine[1].last_used_at, Some(at(99)));

        assert!(is_not_found(
            s.revoke_api_token(&p.other, forever, at(60)).await
        ));
        assert!(s.api_token_account("t1", at(61)).await.unwrap().is_some());
        s.revoke_api_token(&p.patient, forever, at(70))
            .await
            .unwrap();
        assert!(s.api_token_account("t1", at(71)).await.unwrap().is_none());
        s.revoke_api_token(&p.patient, forever, at(80))
            .await
            .unwrap();
        assert_eq!(
            s.api_tokens(&p.patient).await.unwrap()[0].revoked_at,
            Some(at(70))
        );
        assert_eq!(s.api_tokens(&p.other).await.unwrap().len(), 1);
    })
    .await;
}

// ----- Care team ------------------------------------------------------------------------------

#[tokio::test]
async fn a_care_team_link_is_made_by_an_admin_once_and_revoked_by_the_patient_or_an_admin() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        assert!(matches!(
            s.link_care_team(&p.clinician, p.patient.user, p.clinician.user)
                .await,
            Err(StoreError::Forbidden)
        ));
        // Only a patient and a clinician can be linked, in that order.
        assert!(is_not_found(
            s.link_care_team(&p.admin, p.clinician.user, p.patient.user)
                .await
        ));
        assert!(is_not_found(
            s.link_care_team(&p.admin, p.patient.user, UserId(999_999))
                .await
        ));

        let first = link(s, &p).await;
        let twice = s
            .link_care_team(&p.admin, p.patient.user, p.clinician.user)
            .await;
        assert!(
            matches!(twice, Err(StoreError::Conflict("care_link"))),
            "{twice:?}"
        );

        assert!(is_not_found(
            s.revoke_care_link(&p.other, first, at(10)).await
        ));
        assert!(is_not_found(
            s.revoke_care_link(&p.clinician, first, at(10)).await
        ));
        assert!(is_not_found(
            s.revoke_care_link(&p.patient, 999_999, at(10)).await
        ));
        assert!(is_not_found(
            s.care_links(&p.clinician, p.patient.user).await
        ));

        s.revoke_care_link(&p.admin, first, at(10)).await.unwrap();
        assert_eq!(audit_of(s, &p.patient).await[0].action, "care_link.revoke");
        // Once revoked, the pair may be linked again; the old link stays on record.
        let second = link(s, &p).await;
        let seen = s.care_links(&p.admin, p.patient.user).await.unwrap();
        assert_eq!(
            seen.iter().map(|l| l.id).collect::<Vec<_>>(),
            [first, second]
        );
        assert_eq!(seen[0].revoked_at, Some(at(10)));
        assert_eq!(seen[1].revoked_at, None);
        assert_eq!(seen[1].granted_by, p.admin.user);
    })
    .await;
}

#[tokio::test]
async fn a_clinicians_patient_list_shows_live_links_only_in_one_audit_entry() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        let third = add(s, "third", Role::Patient).await;
        link(s, &p).await;
        let gone = s
            .link_care_team(&p.admin, p.other.user, p.clinician.user)
            .await
            .unwrap();
        s.link_care_team(&p.admin, third.user, p.clinician.user)
            .await
            .unwrap();
        s.revoke_care_link(&p.other, gone, at(5)).await.unwrap();
        let details = PatientDetails {
            date_of_birth: Some(Date::constant(1979, 3, 2)),
            ..PatientDetails::default()
        };
        s.save_patient_details(&p.patient, p.patient.user, &details)
            .await
            .unwrap();
        s.save_check_in(&p.patient, p.patient.user, &pain_only(day(20), 4))
            .await
            .unwrap();
        s.save_check_in(&p.patient, p.patient.user, &pain_only(day(23), 4))
            .await
            .unwrap();

        let list = s.my_patients(&p.clinician).await.unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].id, p.patient.user);
        assert_eq!(list[0].display_name, "patient name");
        assert_eq!(list[0].date_of_birth, Some(Date::constant(1979, 3, 2)));
        assert_eq!(list[0].last_check_in, Some(day(23)));
        assert_eq!(list[1].id, third.user);
        assert_eq!(list[1].date_of_birth, None);
        assert_eq!(list[1].last_check_in, None);

        let entry = &s.staff_audit(&p.admin, 1).await.unwrap()[0];
        assert_eq!(entry.action, "patients.list");
        assert_eq!(entry.patients, vec![p.patient.user, third.user]);
        assert!(
            audit_of(s, &p.other)
                .await
                .iter()
                .all(|e| e.action != "patients.list")
        );
        assert!(matches!(
            s.my_patients(&p.patient).await,
            Err(StoreError::Forbidden)
        ));
    })
    .await;
}

// ----- Patient details and preferences --------------------------------------------------------

#[tokio::test]
async fn patient_details_start_empty_and_come_back_as_saved() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        let empty = s.patient_details(&p.patient, p.patient.user).await.unwrap();
        assert_eq!(empty, PatientDetails::default());
        let details = PatientDetails {
            date_of_birth: Some(Date::constant(1979, 3, 2)),
            nation: Some(Nation::Scotland),
            health_number: Some(HealthNumber::parse("943 476 5919").unwrap()),
            gp_practice_name: Some("Riverside Surgery".to_owned()),
            gp_practice_address: Some("1 High Street\nDundee".to_owned()),
            contact_phone: Some(PhoneNumber::parse("07700 900123").unwrap()),
            emergency_contact: Some(EmergencyContact {
                name: "Sam Jones (partner)".to_owned(),
                phone: PhoneNumber::parse("+44 20 7946 0000").unwrap(),
            }),
        };
        s.save_patient_details(&p.patient, p.patient.user, &details)
            .await
            .unwrap();
        assert_eq!(
            s.patient_details(&p.patient, p.patient.user).await.unwrap(),
            details
        );
        let changed = PatientDetails {
            health_number: None,
            nation: Some(Nation::NorthernIreland),
            ..details
        };
        link(s, &p).await;
        s.save_patient_details(&p.clinician, p.patient.user, &changed)
            .await
            .unwrap();
        assert_eq!(
            s.patient_details(&p.patient, p.patient.user).await.unwrap(),
            changed
        );
        assert_eq!(audit_of(s, &p.patient).await[0].action, "details.save");
    })
    .await;
}

#[tokio::test]
async fn preferences_are_each_persons_own() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        assert_eq!(
            s.preferences(&p.patient).await.unwrap(),
            Preferences::default()
        );
        let dark = Preferences {
            low_glare: true,
            large_text: false,
        };
        s.save_preferences(&p.patient, dark).await.unwrap();
        assert_eq!(s.preferences(&p.patient).await.unwrap(), dark);
        assert_eq!(
            s.preferences(&p.other).await.unwrap(),
            Preferences::default()
        );
        let both = Preferences {
            low_glare: true,
            large_text: true,
        };
        s.save_preferences(&p.patient, both).await.unwrap();
        assert_eq!(s.preferences(&p.patient).await.unwrap(), both);
    })
    .await;
}

// ----- Treatment periods ----------------------------------------------------------------------

#[tokio::test]
async fn treatment_periods_are_listed_open_first_then_newest_and_end_once() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        let sertraline = own_period(
            s,
            &p.patient,
            medication("sertraline", MedicationClass::Ssri, day(1)),
        )
        .await;
        let past = NewPeriod {
            end: Some(Date::constant(2026, 10, 20)),
            outcome: Some(PeriodOutcome::Helped),
            ..treatment("pacing", Date::constant(2026, 10, 1))
        };
        let pacing = own_period(s, &p.patient, past).await;
        let walking = own_period(s, &p.patient, treatment("graded_exercise", day(10))).await;

        let list = s
            .treatment_periods(&p.patient, p.patient.user)
            .await
            .unwrap();
        assert_eq!(
            list.iter().map(|t| t.id).collect::<Vec<_>>(),
            [walking, sertraline, pacing]
        );
        let first = &list[1];
        assert_eq!(first.patient, p.patient.user);
        assert_eq!(first.therapy, Therapy::Medication(MedicationClass::Ssri));
        assert_eq!(first.name, "sertraline");
        assert_eq!(first.start, day(1));
        assert_eq!(first.end, None);
        assert_eq!(first.outcome, None);
        assert_eq!(first.recorded_by, p.patient.user);
        assert_eq!(first.source, PeriodSource::SelfReported);
        assert_eq!(list[2].outcome, Some(PeriodOutcome::Helped));
        assert_eq!(
            list[2].therapy,
            Therapy::Treatment(TreatmentCode::parse("pacing").unwrap())
        );

        s.end_treatment_period(
            &p.patient,
            p.patient.user,
            sertraline,
            day(20),
            PeriodOutcome::NotTolerated,
        )
        .await
        .unwrap();
        let again = s
            .end_treatment_period(
                &p.patient,
                p.patient.user,
                sertraline,
                day(21),
                PeriodOutcome::Helped,
            )
            .await;
        assert!(
            matches!(again, Err(StoreError::Conflict("period_ended"))),
            "{again:?}"
        );
        let list = s
            .treatment_periods(&p.patient, p.patient.user)
            .await
            .unwrap();
        assert_eq!(
            list.iter().map(|t| t.id).collect::<Vec<_>>(),
            [walking, sertraline, pacing]
        );
        assert_eq!(list[1].end, Some(day(20)));
        assert_eq!(list[1].outcome, Some(PeriodOutcome::NotTolerated));

        // An end before the start breaks a rule of the record, and changes nothing.
        let backwards = s
            .end_treatment_period(
                &p.patient,
                p.patient.user,
                walking,
                day(9),
                PeriodOutcome::Helped,
            )
            .await;
        assert!(
            matches!(backwards, Err(StoreError::Conflict("period"))),
            "{backwards:?}"
        );
        assert!(
            s.treatment_periods(&p.patient, p.patient.user)
                .await
                .unwrap()[0]
                .is_open()
        );
    })
    .await;
}

#[tokio::test]
async fn a_period_is_recorded_by_the_patient_as_self_or_by_their_care_team_as_clinician() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        let as_clinician = s
            .add_treatment_period(
                &p.patient,
                p.patient.user,
                &treatment("cbt", day(1)),
                PeriodSource::Clinician,
            )
            .await;
        assert!(
            matches!(as_clinician, Err(StoreError::Forbidden)),
            "{as_clinician:?}"
        );
        link(s, &p).await;
        let id = s
            .add_treatment_period(
                &p.clinician,
                p.patient.user,
                &treatment("cbt", day(1)),
                PeriodSource::Clinician,
            )
            .await
            .unwrap();
        let list = s
            .treatment_periods(&p.patient, p.patient.user)
            .await
            .unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].id, id);
        assert_eq!(list[0].recorded_by, p.clinician.user);
        assert_eq!(list[0].source, PeriodSource::Clinician);

        // Someone else's period is not found, whoever asks to end it.
        let theirs = own_period(s, &p.other, treatment("tai_chi", day(1))).await;
        assert!(is_not_found(
            s.end_treatment_period(
                &p.patient,
                p.patient.user,
                theirs,
                day(2),
                PeriodOutcome::Helped
            )
            .await
        ));
        assert!(is_not_found(
            s.end_treatment_period(
                &p.clinician,
                p.patient.user,
                theirs,
                day(2),
                PeriodOutcome::Helped
            )
            .await
        ));
        assert!(s.treatment_periods(&p.other, p.other.user).await.unwrap()[0].is_open());
    })
    .await;
}

#[tokio::test]
async fn done_today_naming_another_patients_period_is_refused_and_nothing_is_stored() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        let mine = own_period(s, &p.patient, treatment("pacing", day(1))).await;
        let theirs = own_period(s, &p.other, treatment("tai_chi", day(1))).await;
        let first = CheckIn {
            done_today: vec![DoneToday {
                period: mine,
                amount: None,
            }],
            ..pain_only(day(24), 5)
        };
        s.save_check_in(&p.patient, p.patient.user, &first)
            .await
            .unwrap();

        for date in [day(24), day(25)] {
            let foreign = CheckIn {
                done_today: vec![
                    DoneToday {
                        period: mine,
                        amount: None,
                    },
                    DoneToday {
                        period: theirs,
                        amount: Some("1 hour".to_owned()),
                    },
                ],
                note: Some("should not be kept".to_owned()),
                ..pain_only(date, 9)
            };
            let refused = s.save_check_in(&p.patient, p.patient.user, &foreign).await;
            assert!(is_not_found(refused));
        }
        let unknown = CheckIn {
            done_today: vec![DoneToday {
                period: PeriodId(999_999),
                amount: None,
            }],
            ..pain_only(day(26), 1)
        };
        assert!(is_not_found(
            s.save_check_in(&p.patient, p.patient.user, &unknown).await
        ));

        let diary = s
            .diary(&p.patient, p.patient.user, day(1), day(30))
            .await
            .unwrap();
        assert_eq!(diary, vec![first]);
    })
    .await;
}

// ----- The database itself --------------------------------------------------------------------

#[tokio::test]
async fn reopening_runs_the_migrations_again_without_losing_data() {
    each_backend(|b| async move {
        let p = people(b.store.as_ref()).await;
        b.store
            .save_check_in(&p.patient, p.patient.user, &pain_only(day(24), 5))
            .await
            .unwrap();
        let again = b.reopen().await;
        let twice = b.reopen().await;
        for s in [again.as_ref(), twice.as_ref(), b.store.as_ref()] {
            assert_eq!(s.count_accounts().await.unwrap(), 4);
            let diary = s
                .diary(&p.patient, p.patient.user, day(1), day(30))
                .await
                .unwrap();
            assert_eq!(diary, vec![pain_only(day(24), 5)]);
        }
        // The reopened store goes on where the first left off.
        again
            .save_check_in(&p.patient, p.patient.user, &pain_only(day(25), 3))
            .await
            .unwrap();
        assert_eq!(
            b.store
                .diary(&p.patient, p.patient.user, day(1), day(30))
                .await
                .unwrap()
                .len(),
            2
        );
    })
    .await;
}

#[tokio::test]
async fn a_sqlite_file_passes_its_integrity_check_after_use() {
    each_backend(|b| async move {
        let p = people(b.store.as_ref()).await;
        b.store
            .save_check_in(&p.patient, p.patient.user, &pain_only(day(24), 5))
            .await
            .unwrap();
        b.store
            .delete_check_in(&p.patient, p.patient.user, day(24))
            .await
            .unwrap();
        if let Some(sqlite) = b.sqlite().await {
            assert_eq!(sqlite.integrity_check().await.unwrap(), "ok", "{}", b.name);
        }
    })
    .await;
}

// ----- Several servers at once ------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_ins_saved_at_once_through_two_servers_all_land() {
    each_backend(|b| async move {
        let p = people(b.store.as_ref()).await;
        let servers: [Arc<dyn Store>; 2] =
            [Arc::from(b.reopen().await), Arc::from(b.reopen().await)];
        let mut tasks = Vec::new();
        for d in 1..=20_i8 {
            let server = Arc::clone(&servers[usize::from(d % 2 == 0)]);
            let patient = p.patient;
            tasks.push(tokio::spawn(async move {
                let check_in = pain_only(day(d), i64::from(d % 11));
                server
                    .save_check_in(&patient, patient.user, &check_in)
                    .await
            }));
        }
        for task in tasks {
            assert_eq!(task.await.unwrap().unwrap(), Saved::Created);
        }
        let diary = b
            .store
            .diary(&p.patient, p.patient.user, day(1), day(30))
            .await
            .unwrap();
        assert_eq!(diary.len(), 20);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_redeemed_twice_at_once_makes_exactly_one_account() {
    each_backend(|b| async move {
        let p = people(b.store.as_ref()).await;
        let purpose = LinkPurpose::PatientInvitation {
            clinician: p.clinician.user,
        };
        b.store
            .create_link(Some(&p.clinician), "invite", purpose, at(3_600), None)
            .await
            .unwrap();
        let results = race(&b, |server, n| async move {
            let name = format!("racer{n}");
            server
                .redeem_account_link("invite", at(1), &new_account(&name, Role::Patient))
                .await
        })
        .await;
        assert_eq!(
            results.iter().filter(|r| r.is_ok()).count(),
            1,
            "{results:?}"
        );
        assert!(
            results
                .iter()
                .any(|r| matches!(r, Err(StoreError::LinkUsed))),
            "{results:?}"
        );
        assert_eq!(b.store.count_accounts().await.unwrap(), 5);
        assert_eq!(b.store.my_patients(&p.clinician).await.unwrap().len(), 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_first_admin_links_redeemed_at_once_make_one_admin() {
    each_backend(|b| async move {
        for token in ["first0", "first1"] {
            b.store
                .create_link(None, token, LinkPurpose::FirstAdmin, at(3_600), None)
                .await
                .unwrap();
        }
        let results = race(&b, |server, n| async move {
            let name = format!("admin{n}");
            server
                .redeem_account_link(
                    &format!("first{n}"),
                    at(1),
                    &new_account(&name, Role::Admin),
                )
                .await
        })
        .await;
        assert_eq!(
            results.iter().filter(|r| r.is_ok()).count(),
            1,
            "{results:?}"
        );
        assert!(
            results
                .iter()
                .any(|r| matches!(r, Err(StoreError::LinkUsed))),
            "{results:?}"
        );
        assert_eq!(b.store.count_accounts().await.unwrap(), 1);
    })
    .await;
}

/// Runs `call` twice at the same moment, through two servers sharing the backend's database.
pub(crate) async fn race<F, Fut, T>(
    b: &crate::backends::Backend,
    call: F,
) -> Vec<Result<T, StoreError>>
where
    F: Fn(Arc<dyn Store>, usize) -> Fut,
    Fut: std::future::Future<Output = Result<T, StoreError>> + Send + 'static,
    T: Send + 'static,
{
    let servers: [Arc<dyn Store>; 2] = [Arc::from(b.reopen().await), Arc::from(b.reopen().await)];
    let barrier = Arc::new(tokio::sync::Barrier::new(2));
    let mut tasks = Vec::new();
    for (n, server) in servers.into_iter().enumerate() {
        let barrier = Arc::clone(&barrier);
        let call = call(server, n);
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            call.await
        }));
    }
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.unwrap());
    }
    results
}

#[tokio::test]
async fn a_password_reset_revokes_the_accounts_api_tokens() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        s.create_api_token(&p.patient, "old-token", "phone app", None)
            .await
            .unwrap();
        assert!(
            s.api_token_account("old-token", at(5))
                .await
                .unwrap()
                .is_some()
        );
        let reset = LinkPurpose::PasswordReset {
            user: p.patient.user,
        };
        link(s, &p).await;
        s.create_link(
            Some(&p.clinician),
            "reset-2",
            reset,
            at(3_600),
            Some("locked out"),
        )
        .await
        .unwrap();
        s.redeem_password_reset(None, "reset-2", at(10), "new-hash")
            .await
            .unwrap();
        assert!(
            s.api_token_account("old-token", at(20))
                .await
                .unwrap()
                .is_none(),
            "a token made before the reset no longer works"
        );
    })
    .await;
}
