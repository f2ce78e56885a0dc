//! The storage contract for getting an account back (issue 6, "Staff cannot become the patient"):
//! recovery codes, staff-issued resets the patient is told about, and a new password that ends
//! every other session and API token. Run against every backend like `contract`.

use painpath_core::access::Actor;
use painpath_core::person::{Role, Username};
use painpath_store::{LinkPurpose, StoreError};

use crate::backends::each_backend;
use crate::contract::{at, is_not_found, link, new_account, people, session};

fn codes() -> Vec<String> {
    ["code-hash-1", "code-hash-2", "code-hash-3"]
        .map(str::to_owned)
        .to_vec()
}

fn name(n: &str) -> Username {
    Username::parse(n).unwrap()
}

#[tokio::test]
async fn a_recovery_code_sets_a_new_password_once_and_ends_every_session_and_token() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let mut new = new_account("robin", Role::Patient);
        new.recovery_codes = codes();
        let user = s.create_account(None, &new).await.unwrap();
        let robin = Actor {
            user,
            role: Role::Patient,
        };
        assert_eq!(s.recovery_codes_left(&robin).await.unwrap().0, 3);
        s.create_session(&session("phone", user, 0, 86_400, 3_600))
            .await
            .unwrap();
        s.create_api_token(&robin, "tok", "script", None)
            .await
            .unwrap();

        // A code that is not theirs, or a name that is not the code's, changes nothing.
        assert!(is_not_found(
            s.redeem_recovery_code(&name("robin"), "no-such-code", at(1), "h1")
                .await
        ));
        let other = s
            .create_account(None, &new_account("other", Role::Patient))
            .await
            .unwrap();
        assert!(is_not_found(
            s.redeem_recovery_code(&name("other"), "code-hash-1", at(1), "h1")
                .await
        ));
        assert!(s.session("phone", at(2)).await.unwrap().is_some());

        // The right code: the new password, the code used, every session and token ended.
        let back = s
            .redeem_recovery_code(&name("robin"), "code-hash-1", at(3), "new-hash")
            .await
            .unwrap();
        assert_eq!(back, user, "{}", b.name);
        let creds = s.credentials(&name("robin")).await.unwrap().unwrap();
        assert_eq!(creds.password_hash, "new-hash");
        assert!(s.session("phone", at(4)).await.unwrap().is_none());
        assert!(s.api_token_account("tok", at(4)).await.unwrap().is_none());
        assert_eq!(s.recovery_codes_left(&robin).await.unwrap().0, 2);
        // The same code never works twice; the next one does.
        assert!(is_not_found(
            s.redeem_recovery_code(&name("robin"), "code-hash-1", at(5), "again")
                .await
        ));
        s.redeem_recovery_code(&name("robin"), "code-hash-2", at(6), "newer")
            .await
            .unwrap();
        // New codes replace the unused ones; used codes stay used.
        s.replace_recovery_codes(&robin, &["fresh-1".to_owned(), "fresh-2".to_owned()])
            .await
            .unwrap();
        assert_eq!(s.recovery_codes_left(&robin).await.unwrap().0, 2);
        assert!(is_not_found(
            s.redeem_recovery_code(&name("robin"), "code-hash-3", at(7), "old")
                .await
        ));
        // A deactivated account cannot be got back this way.
        let admin = crate::contract::add(s, "admin", Role::Admin).await;
        s.set_account_active(&admin, user, false).await.unwrap();
        assert!(is_not_found(
            s.redeem_recovery_code(&name("robin"), "fresh-1", at(8), "x")
                .await
        ));
        assert_eq!(s.recovery_codes_left(&robin).await.unwrap().0, 2);
        let _ = other;
    })
    .await;
}

#[tokio::test]
async fn an_invitation_makes_the_account_with_its_recovery_codes_in_one_go() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        let purpose = LinkPurpose::PatientInvitation {
            clinician: p.clinician.user,
        };
        s.create_link(Some(&p.clinician), "invite", purpose, at(3_600), None)
            .await
            .unwrap();
        let mut new = new_account("sam", Role::Patient);
        new.recovery_codes = codes();
        let sam = s.redeem_account_link("invite", at(1), &new).await.unwrap();
        let me = Actor {
            user: sam,
            role: Role::Patient,
        };
        assert_eq!(s.recovery_codes_left(&me).await.unwrap().0, 3, "{}", b.name);
        // A code hash already in use refuses the whole account, link and all.
        s.create_link(Some(&p.clinician), "invite2", purpose, at(3_600), None)
            .await
            .unwrap();
        let mut clash = new_account("sam2", Role::Patient);
        clash.recovery_codes = vec!["code-hash-1".to_owned()];
        assert!(matches!(
            s.redeem_account_link("invite2", at(2), &clash).await,
            Err(StoreError::Conflict(_))
        ));
        assert!(s.credentials(&name("sam2")).await.unwrap().is_none());
        assert_eq!(s.link("invite2").await.unwrap().unwrap().used_at, None);
    })
    .await;
}

#[tokio::test]
async fn staff_signed_in_never_redeem_a_patients_reset_and_the_patient_is_told_of_each_one() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        link(s, &p).await;
        let reset = LinkPurpose::PasswordReset {
            user: p.patient.user,
        };
        s.create_link(
            Some(&p.clinician),
            "r1",
            reset,
            at(3_600),
            Some("locked out"),
        )
        .await
        .unwrap();
        let link = s.link("r1").await.unwrap().unwrap();
        assert_eq!(link.subject_role, Some(Role::Patient));
        assert_eq!(link.reason.as_deref(), Some("locked out"));
        for staff in [&p.clinician, &p.admin] {
            assert!(matches!(
                s.redeem_password_reset(Some(staff), "r1", at(1), "stolen")
                    .await,
                Err(StoreError::Forbidden)
            ));
        }
        assert_eq!(
            s.link("r1").await.unwrap().unwrap().used_at,
            None,
            "{}",
            b.name
        );
        assert!(s.staff_resets(&p.patient, at(0)).await.unwrap().is_empty());

        // The patient (signed in or not) uses it, and is told who made it and why.
        s.redeem_password_reset(Some(&p.patient), "r1", at(10), "mine")
            .await
            .unwrap();
        let told = s.staff_resets(&p.patient, at(0)).await.unwrap();
        assert_eq!(told.len(), 1);
        assert_eq!(told[0].issued_by_name, "clinician name");
        assert_eq!(told[0].issued_by_role, Role::Clinician);
        assert_eq!(told[0].used_at, at(10));
        assert_eq!(told[0].reason.as_deref(), Some("locked out"));
        // Only for the resets used since the time asked, and only their own.
        assert!(s.staff_resets(&p.patient, at(11)).await.unwrap().is_empty());
        assert!(s.staff_resets(&p.other, at(0)).await.unwrap().is_empty());
        // A reset from the command line names nobody at the clinic, so it is not listed.
        s.create_link(None, "cli", reset, at(3_600), None)
            .await
            .unwrap();
        s.redeem_password_reset(None, "cli", at(20), "cli")
            .await
            .unwrap();
        assert_eq!(s.staff_resets(&p.patient, at(0)).await.unwrap().len(), 1);
        // A staff member may still use a reset of a staff account while signed in.
        let staff_reset = LinkPurpose::PasswordReset {
            user: p.clinician.user,
        };
        s.create_link(Some(&p.admin), "r2", staff_reset, at(3_600), None)
            .await
            .unwrap();
        s.redeem_password_reset(Some(&p.admin), "r2", at(30), "theirs")
            .await
            .unwrap();
    })
    .await;
}

#[tokio::test]
async fn changing_a_password_ends_every_other_session_and_every_api_token() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        let me = p.patient.user;
        for name in ["here", "phone", "laptop"] {
            s.create_session(&session(name, me, 0, 86_400, 3_600))
                .await
                .unwrap();
        }
        s.create_api_token(&p.patient, "tok", "script", None)
            .await
            .unwrap();
        s.create_api_token(&p.other, "theirs", "script", None)
            .await
            .unwrap();
        s.change_own_password(&p.patient, "new", Some("here"))
            .await
            .unwrap();
        assert!(
            s.session("here", at(1)).await.unwrap().is_some(),
            "{}",
            b.name
        );
        assert!(s.session("phone", at(1)).await.unwrap().is_none());
        assert!(s.session("laptop", at(1)).await.unwrap().is_none());
        assert!(s.api_token_account("tok", at(1)).await.unwrap().is_none());
        // Nobody else's tokens are touched.
        assert!(
            s.api_token_account("theirs", at(1))
                .await
                .unwrap()
                .is_some()
        );
    })
    .await;
}

#[tokio::test]
async fn a_new_password_expires_other_reset_links_and_forgets_failed_sign_ins() {
    each_backend(|b| async move {
        let s = b.store.as_ref();
        let p = people(s).await;
        link(s, &p).await;
        let reset = LinkPurpose::PasswordReset {
            user: p.patient.user,
        };
        // Two links outstanding, and someone has been guessing the patient's password.
        for token in ["first", "second"] {
            s.create_link(
                Some(&p.clinician),
                token,
                reset,
                at(3_600),
                Some("locked out"),
            )
            .await
            .unwrap();
        }
        for n in 0..5 {
            s.reserve_sign_in(&[("account:patient", 5)], at(0), at(n))
                .await
                .unwrap()
                .unwrap();
        }
        assert_eq!(
            s.reserve_sign_in(&[("account:patient", 5)], at(0), at(6))
                .await
                .unwrap(),
            None
        );
        s.redeem_password_reset(None, "first", at(10), "new")
            .await
            .unwrap();
        // The other link no longer works, and is not reported as a reset that was used.
        assert!(matches!(
            s.redeem_password_reset(None, "second", at(11), "theirs")
                .await,
            Err(StoreError::LinkUsed)
        ));
        assert_eq!(
            s.staff_resets(&p.patient, at(0)).await.unwrap().len(),
            1,
            "{}",
            b.name
        );
        // The new password can be used at once.
        assert!(
            s.reserve_sign_in(&[("account:patient", 5)], at(0), at(12))
                .await
                .unwrap()
                .is_some()
        );
    })
    .await;
}
