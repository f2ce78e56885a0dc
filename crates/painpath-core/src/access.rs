//! Who may see and change whose record (design.md 1–5).
//!
//! These are pure functions over facts the store looks up (is there a live care-team link?), so
//! the rules can be tested exhaustively here and every backend applies the same ones.

use crate::person::{Role, UserId};

/// The person acting: every store call takes one, and every audit entry names one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Actor {
    pub user: UserId,
    pub role: Role,
}

/// How the actor stands towards the patient whose record is asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    /// The actor is the patient.
    Own,
    /// The actor is a clinician with a live (unrevoked) care-team link to the patient.
    CareTeam,
    /// Anything else: another patient, an admin, a clinician with no live link.
    Unrelated,
}

/// Works out the standing from the facts. `live_link` is whether a live care-team link exists
/// between the actor and the patient.
pub fn standing(actor: &Actor, patient: UserId, live_link: bool) -> Standing {
    if actor.user == patient && actor.role == Role::Patient {
        Standing::Own
    } else if actor.role == Role::Clinician && live_link {
        Standing::CareTeam
    } else {
        Standing::Unrelated
    }
}

/// May the actor read the patient's health record (diary, treatments, details)?
/// Admins never may: they run the installation, not the care (design.md 1).
pub fn may_view_health_record(standing: Standing) -> bool {
    matches!(standing, Standing::Own | Standing::CareTeam)
}

/// May the actor write the patient's diary? Only the patient: a diary is the person's own account
/// of their day, and a clinician's view of it must never be mistaken for it.
pub fn may_write_diary(standing: Standing) -> bool {
    matches!(standing, Standing::Own)
}

/// May the actor record a treatment period for the patient? The patient, or their care team.
pub fn may_record_treatment(standing: Standing) -> bool {
    matches!(standing, Standing::Own | Standing::CareTeam)
}

/// Does this access need an audit entry? Every read or change of a person's record by anyone
/// other than that person does (design.md 5).
pub fn needs_audit(actor: &Actor, patient: UserId) -> bool {
    actor.user != patient
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATIENT: UserId = UserId(1);
    const OTHER_PATIENT: UserId = UserId(2);
    const CLINICIAN: UserId = UserId(3);
    const ADMIN: UserId = UserId(4);

    fn actor(user: UserId, role: Role) -> Actor {
        Actor { user, role }
    }

    #[test]
    fn a_patient_sees_their_own_record() {
        let s = standing(&actor(PATIENT, Role::Patient), PATIENT, false);
        assert_eq!(s, Standing::Own);
        assert!(may_view_health_record(s));
        assert!(may_write_diary(s));
    }

    #[test]
    fn a_patient_never_sees_another_patients_record() {
        // Even a (nonsensical) link row must not let one patient see another.
        for link in [false, true] {
            let s = standing(&actor(OTHER_PATIENT, Role::Patient), PATIENT, link);
            assert!(!may_view_health_record(s));
        }
    }

    #[test]
    fn a_clinician_with_a_live_link_sees_the_record_but_cannot_write_the_diary() {
        let s = standing(&actor(CLINICIAN, Role::Clinician), PATIENT, true);
        assert!(may_view_health_record(s));
        assert!(!may_write_diary(s));
        assert!(may_record_treatment(s));
    }

    #[test]
    fn a_clinician_without_a_live_link_sees_nothing() {
        let s = standing(&actor(CLINICIAN, Role::Clinician), PATIENT, false);
        assert!(!may_view_health_record(s));
        assert!(!may_record_treatment(s));
    }

    #[test]
    fn an_admin_sees_no_health_data_even_with_a_link() {
        for link in [false, true] {
            let s = standing(&actor(ADMIN, Role::Admin), PATIENT, link);
            assert!(!may_view_health_record(s));
            assert!(!may_write_diary(s));
        }
    }

    #[test]
    fn only_access_by_someone_else_is_audited() {
        assert!(!needs_audit(&actor(PATIENT, Role::Patient), PATIENT));
        assert!(needs_audit(&actor(CLINICIAN, Role::Clinician), PATIENT));
    }
}
