//! Who may make each call, and which audit entry it writes, shared by both backends.
//!
//! Each backend looks up the facts (is there a live care-team link?) in its own SQL, then asks
//! these functions, which ask [`painpath_core::access`]. Keeping the decisions here rather than in
//! each backend means the two cannot drift apart: SQLite and PostgreSQL refuse the same calls
//! with the same errors and audit the same ones.
//!
//! Refusals about a person's record are [`StoreError::NotFound`], never `Forbidden`, so that a
//! refusal does not confirm the record exists. `Forbidden` is kept for what a role may never do
//! whoever the record belongs to (a patient listing accounts).

use jiff::Timestamp;
use painpath_core::access::{self, Actor, Standing};
use painpath_core::duty::{self, EscalationDelay, EscalationReason};
use painpath_core::person::{Role, UserId};
use painpath_core::treatment::PeriodSource;

use crate::{Alert, StoreError, StoreResult};

/// One audit entry to write in the same transaction as the access it records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Audit {
    pub action: &'static str,
    /// The patients whose records were touched.
    pub patients: Vec<UserId>,
    /// The account the action was about, for account actions.
    pub subject: Option<UserId>,
}

impl Audit {
    /// An access to one patient's record.
    pub fn of_patient(action: &'static str, patient: UserId) -> Audit {
        Audit {
            action,
            patients: vec![patient],
            subject: None,
        }
    }

    /// An action about an account; when the account is a patient's, it is their record too, so
    /// it shows on their "who looked at my record" page.
    pub fn of_account(action: &'static str, subject: UserId, subject_role: Role) -> Audit {
        Audit {
            action,
            patients: if subject_role == Role::Patient {
                vec![subject]
            } else {
                Vec::new()
            },
            subject: Some(subject),
        }
    }

    pub fn about(mut self, subject: UserId) -> Audit {
        self.subject = Some(subject);
        self
    }
}

/// How far a session's or API token's recorded last use may lag behind its latest request, in
/// milliseconds: a request records itself only when the recorded use is older than this.
///
/// Every signed-in page and API request looks up its session or token; writing its last use each
/// time made every request, reads included, a durable write of its own (a commit that waits for
/// the disk). Now most requests write nothing for it. The cost is precision: the recorded last use
/// may be up to a minute older than the latest request, so a session idles out between
/// `idle_seconds − 60` and `idle_seconds` after its last request rather than at exactly
/// `idle_seconds` (29 to 30 minutes for the web layer's 30-minute idle timeout), never later; and
/// a token's "last used" shown to its owner is right to the minute.
pub(crate) const LAST_USE_LAG_MS: i64 = 60_000;

/// Whether a request at `now` (milliseconds) should record itself as the last use, given the one
/// recorded (`None`: never used). A recorded use later than `now` (requests arriving out of
/// order) is never wound back.
pub(crate) fn last_use_is_stale(recorded: Option<i64>, now: i64) -> bool {
    recorded.is_none_or(|last| now.saturating_sub(last) > LAST_USE_LAG_MS)
}

/// Only a clinician's standing depends on a care-team link, so only then is it looked up.
pub(crate) fn link_matters(by: &Actor) -> bool {
    by.role == Role::Clinician
}

/// The audit entry an allowed access needs, if any: every access by someone other than the
/// patient is audited (design.md 5).
fn audit_if_needed(by: &Actor, patient: UserId, action: &'static str) -> Option<Audit> {
    access::needs_audit(by, patient).then(|| Audit::of_patient(action, patient))
}

/// Reading a patient's health record: diary, check-ins, details, treatment periods.
pub(crate) fn read_record(
    by: &Actor,
    patient: UserId,
    live_link: bool,
    action: &'static str,
) -> StoreResult<Option<Audit>> {
    let standing = access::standing(by, patient, live_link);
    if !access::may_view_health_record(standing) {
        return Err(StoreError::NotFound);
    }
    Ok(audit_if_needed(by, patient, action))
}

/// Changing a patient's details: the patient or their care team, the same people who may read
/// them (design.md 4: letters and referrals need them kept up to date by either).
pub(crate) fn change_details(
    by: &Actor,
    patient: UserId,
    live_link: bool,
) -> StoreResult<Option<Audit>> {
    read_record(by, patient, live_link, "details.save")
}

/// Writing or deleting a diary day: only the patient.
pub(crate) fn write_diary(
    by: &Actor,
    patient: UserId,
    live_link: bool,
    action: &'static str,
) -> StoreResult<Option<Audit>> {
    let standing = access::standing(by, patient, live_link);
    if !access::may_write_diary(standing) {
        return Err(StoreError::NotFound);
    }
    Ok(audit_if_needed(by, patient, action))
}

/// Recording a treatment period, checking that the source matches who records it: a patient
/// records their own (`self`), their care team a clinician's or a course's.
pub(crate) fn record_treatment(
    by: &Actor,
    patient: UserId,
    live_link: bool,
    source: Option<PeriodSource>,
    action: &'static str,
) -> StoreResult<Option<Audit>> {
    let standing = access::standing(by, patient, live_link);
    if !access::may_record_treatment(standing) {
        return Err(StoreError::NotFound);
    }
    let source_fits = match (standing, source) {
        (_, None) => true,
        (Standing::Own, Some(s)) => s == PeriodSource::SelfReported,
        (Standing::CareTeam, Some(s)) => s != PeriodSource::SelfReported,
        (Standing::Unrelated, Some(_)) => false,
    };
    if !source_fits {
        return Err(StoreError::Forbidden);
    }
    Ok(audit_if_needed(by, patient, action))
}

/// Recording a completed questionnaire: the patient (self-report) or their care team
/// (administered in clinic), the same people who may read it.
pub(crate) fn record_questionnaire(
    by: &Actor,
    patient: UserId,
    live_link: bool,
) -> StoreResult<Option<Audit>> {
    read_record(by, patient, live_link, "questionnaire.save")
}

/// A half-finished questionnaire is the patient's own working copy, like their diary: nobody
/// else reads or writes it, not even their care team, who see only what was completed.
pub(crate) fn own_draft(by: &Actor, patient: UserId) -> StoreResult<()> {
    // A live link never gives anyone a draft, so it is not looked up.
    if access::standing(by, patient, false) == Standing::Own {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

/// The alert list across a clinician's patients: clinicians only, whoever the patients are.
pub(crate) fn clinician_only(by: &Actor) -> StoreResult<()> {
    if by.role == Role::Clinician {
        Ok(())
    } else {
        Err(StoreError::Forbidden)
    }
}

/// Acknowledging an alert: a clinician on the patient's care team, or any clinician of the
/// clinic while the alert is on the duty list (that is what the duty list is for: an alert
/// nobody on the care team has picked up); always audited. The patient cannot acknowledge their
/// own alert (it is for the clinic to act on), an admin never can (no health data), and anyone
/// refused is told there is no such alert.
pub(crate) fn acknowledge_alert(
    by: &Actor,
    patient: UserId,
    live_link: bool,
    on_duty_list: bool,
) -> StoreResult<Audit> {
    let care_team = access::standing(by, patient, live_link) == Standing::CareTeam;
    let on_duty = by.role == Role::Clinician && on_duty_list;
    if !care_team && !on_duty {
        return Err(StoreError::NotFound);
    }
    Ok(Audit::of_patient("alert.acknowledge", patient))
}

/// Reading the duty list, or its count: every clinician of the clinic, linked to the patients or
/// not. Reading the list itself is audited as an access to each patient on it.
pub(crate) fn duty_list(by: &Actor) -> StoreResult<()> {
    clinician_only(by)
}

/// Why an open alert is on the duty list at `now` (empty: it is not), from its escalations so
/// far and whether its patient has an active clinician (`covered`).
pub(crate) fn duty_reasons(
    alert: &Alert,
    now: Timestamp,
    delay: EscalationDelay,
    covered: bool,
) -> Vec<EscalationReason> {
    if alert.acknowledged_at.is_some() {
        return Vec::new();
    }
    let earlier: Vec<EscalationReason> = alert.escalations.iter().map(|e| e.reason).collect();
    duty::duty_reasons(alert.raised_at, now, delay, covered, &earlier)
}

/// How a new PHQ-9 item 9 answer changes an open alert: (whether its latest value changes,
/// whether its worst does). The latest changes only when the answer differs, so re-saving a
/// draft does not move "latest" forward; the worst only when this answer is a risk and worse.
pub(crate) fn item9_update(latest: Option<i64>, worst: Option<i64>, value: i64) -> (bool, bool) {
    let new_latest = latest != Some(value);
    let new_worst = value > 0 && worst.is_none_or(|w| value > w);
    (new_latest, new_worst)
}

/// Who sees a patient's alert: asked by the patient, for what they are told after answering.
pub(crate) fn own_care_team_status(by: &Actor, patient: UserId) -> StoreResult<()> {
    if access::standing(by, patient, false) == Standing::Own {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

/// Making a password-reset link (issue 6, "Staff cannot become the patient"). An admin resets
/// staff accounts only: an admin who reset a patient's password could sign in as them and read
/// what design.md 1 keeps from admins. A clinician resets only a patient on their care team,
/// and only with a reason, which the patient is shown. Nobody else resets anyone. Always
/// audited, and for a patient as an access to their record.
pub(crate) fn issue_reset(
    by: &Actor,
    subject: UserId,
    subject_role: Role,
    live_link: bool,
    reason: Option<&str>,
) -> StoreResult<Audit> {
    match (by.role, subject_role) {
        (Role::Admin, Role::Patient) => Err(StoreError::Forbidden),
        (Role::Admin, _) => Ok(()),
        (Role::Clinician, Role::Patient) if live_link => {
            if reason.is_some_and(|r| !r.trim().is_empty()) {
                Ok(())
            } else {
                Err(StoreError::Forbidden)
            }
        }
        // Outside the care team (or not a patient at all): the account is not theirs to know.
        (Role::Clinician, _) => Err(StoreError::NotFound),
        (Role::Patient, _) => Err(StoreError::Forbidden),
    }?;
    Ok(Audit::of_account("link.create", subject, subject_role))
}

/// Redeeming a password reset while signed in: a member of staff never redeems a patient's, so
/// that nobody at the clinic can set a patient's password and then sign in as them.
pub(crate) fn redeem_reset(by: Option<&Actor>, subject_role: Option<Role>) -> StoreResult<()> {
    let staff = by.is_some_and(|b| b.role.is_staff());
    if staff && subject_role == Some(Role::Patient) {
        return Err(StoreError::Forbidden);
    }
    Ok(())
}

/// Calls for admins only (the account list, care-team links, the staff audit).
pub(crate) fn admin_only(by: &Actor) -> StoreResult<()> {
    if by.role == Role::Admin {
        Ok(())
    } else {
        Err(StoreError::Forbidden)
    }
}

/// Reading one account: one's own freely; an admin any (audited); a clinician a patient on
/// their care team (audited); nobody else, and a refusal does not confirm the account exists.
pub(crate) fn read_account(
    by: &Actor,
    id: UserId,
    id_role: Role,
    live_link: bool,
) -> StoreResult<Option<Audit>> {
    if by.user == id {
        return Ok(None);
    }
    let allowed = match by.role {
        Role::Admin => true,
        Role::Clinician => {
            id_role == Role::Patient && access::standing(by, id, live_link) == Standing::CareTeam
        }
        Role::Patient => false,
    };
    if !allowed {
        return Err(StoreError::NotFound);
    }
    Ok(Some(Audit::of_account("account.read", id, id_role)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATIENT: UserId = UserId(1);
    const CLINICIAN: UserId = UserId(2);
    const ADMIN: UserId = UserId(3);

    fn actor(user: UserId, role: Role) -> Actor {
        Actor { user, role }
    }

    #[test]
    fn a_patient_reads_their_own_record_without_an_audit_entry() {
        let by = actor(PATIENT, Role::Patient);
        assert_eq!(
            read_record(&by, PATIENT, false, "diary.read").unwrap(),
            None
        );
    }

    #[test]
    fn a_care_team_read_is_audited_and_an_admin_read_is_not_found() {
        let by = actor(CLINICIAN, Role::Clinician);
        assert_eq!(
            read_record(&by, PATIENT, true, "diary.read").unwrap(),
            Some(Audit::of_patient("diary.read", PATIENT))
        );
        let admin = actor(ADMIN, Role::Admin);
        assert!(matches!(
            read_record(&admin, PATIENT, true, "diary.read"),
            Err(StoreError::NotFound)
        ));
    }

    #[test]
    fn a_period_source_must_match_who_records_it() {
        let patient = actor(PATIENT, Role::Patient);
        let clinician = actor(CLINICIAN, Role::Clinician);
        assert!(
            record_treatment(
                &patient,
                PATIENT,
                false,
                Some(PeriodSource::SelfReported),
                "x"
            )
            .is_ok()
        );
        assert!(matches!(
            record_treatment(&patient, PATIENT, false, Some(PeriodSource::Clinician), "x"),
            Err(StoreError::Forbidden)
        ));
        assert!(matches!(
            record_treatment(
                &clinician,
                PATIENT,
                true,
                Some(PeriodSource::SelfReported),
                "x"
            ),
            Err(StoreError::Forbidden)
        ));
        assert!(matches!(
            record_treatment(
                &clinician,
                PATIENT,
                false,
                Some(PeriodSource::Clinician),
                "x"
            ),
            Err(StoreError::NotFound)
        ));
    }

    #[test]
    fn any_clinician_acknowledges_an_alert_on_the_duty_list_but_never_a_patient_or_admin() {
        let unlinked = actor(CLINICIAN, Role::Clinician);
        assert_eq!(
            acknowledge_alert(&unlinked, PATIENT, false, true).unwrap(),
            Audit::of_patient("alert.acknowledge", PATIENT)
        );
        for by in [actor(PATIENT, Role::Patient), actor(ADMIN, Role::Admin)] {
            assert!(matches!(
                acknowledge_alert(&by, PATIENT, false, true),
                Err(StoreError::NotFound)
            ));
        }
        assert!(duty_list(&unlinked).is_ok());
        assert!(matches!(
            duty_list(&actor(ADMIN, Role::Admin)),
            Err(StoreError::Forbidden)
        ));
        assert!(matches!(
            duty_list(&actor(PATIENT, Role::Patient)),
            Err(StoreError::Forbidden)
        ));
    }

    #[test]
    fn a_later_worse_answer_updates_the_worst_and_a_better_one_only_the_latest() {
        assert_eq!(item9_update(Some(1), Some(1), 3), (true, true));
        assert_eq!(item9_update(Some(3), Some(3), 1), (true, false));
        assert_eq!(item9_update(Some(3), Some(3), 0), (true, false));
        assert_eq!(item9_update(Some(2), Some(3), 2), (false, false));
        // An alert raised before the values were kept learns them from the next answer.
        assert_eq!(item9_update(None, None, 2), (true, true));
        assert_eq!(item9_update(None, None, 0), (true, false));
    }

    #[test]
    fn an_admin_never_resets_a_patient_and_a_clinician_only_their_own_with_a_reason() {
        let admin = actor(ADMIN, Role::Admin);
        let clinician = actor(CLINICIAN, Role::Clinician);
        let why = Some("locked out; rang the clinic");
        assert!(matches!(
            issue_reset(&admin, PATIENT, Role::Patient, true, why),
            Err(StoreError::Forbidden)
        ));
        assert_eq!(
            issue_reset(&admin, CLINICIAN, Role::Clinician, false, None).unwrap(),
            Audit::of_account("link.create", CLINICIAN, Role::Clinician)
        );
        assert_eq!(
            issue_reset(&clinician, PATIENT, Role::Patient, true, why).unwrap(),
            Audit::of_account("link.create", PATIENT, Role::Patient)
        );
        for reason in [None, Some("   ")] {
            assert!(matches!(
                issue_reset(&clinician, PATIENT, Role::Patient, true, reason),
                Err(StoreError::Forbidden)
            ));
        }
        assert!(matches!(
            issue_reset(&clinician, PATIENT, Role::Patient, false, why),
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            issue_reset(
                &actor(PATIENT, Role::Patient),
                PATIENT,
                Role::Patient,
                false,
                why
            ),
            Err(StoreError::Forbidden)
        ));
    }

    #[test]
    fn staff_signed_in_never_redeem_a_patients_reset() {
        for staff in [actor(ADMIN, Role::Admin), actor(CLINICIAN, Role::Clinician)] {
            assert!(matches!(
                redeem_reset(Some(&staff), Some(Role::Patient)),
                Err(StoreError::Forbidden)
            ));
            assert!(redeem_reset(Some(&staff), Some(Role::Clinician)).is_ok());
        }
        assert!(redeem_reset(None, Some(Role::Patient)).is_ok());
        assert!(redeem_reset(Some(&actor(PATIENT, Role::Patient)), Some(Role::Patient)).is_ok());
    }

    #[test]
    fn last_use_is_recorded_only_when_more_than_a_minute_old() {
        assert!(last_use_is_stale(None, 0));
        assert!(!last_use_is_stale(Some(1_000), 1_000));
        assert!(!last_use_is_stale(Some(1_000), 1_000 + LAST_USE_LAG_MS));
        assert!(last_use_is_stale(Some(1_000), 1_001 + LAST_USE_LAG_MS));
        // A late request with an older time never winds the recorded use back.
        assert!(!last_use_is_stale(Some(1_000), 0));
        assert!(!last_use_is_stale(Some(i64::MAX), i64::MIN));
    }

    #[test]
    fn a_draft_is_the_patients_alone() {
        assert!(own_draft(&actor(PATIENT, Role::Patient), PATIENT).is_ok());
        for by in [
            actor(CLINICIAN, Role::Clinician),
            actor(ADMIN, Role::Admin),
            actor(UserId(9), Role::Patient),
        ] {
            assert!(matches!(own_draft(&by, PATIENT), Err(StoreError::NotFound)));
        }
    }

    #[test]
    fn only_a_linked_clinician_acknowledges_an_alert_and_it_is_audited() {
        let clinician = actor(CLINICIAN, Role::Clinician);
        assert_eq!(
            acknowledge_alert(&clinician, PATIENT, true, false).unwrap(),
            Audit::of_patient("alert.acknowledge", PATIENT)
        );
        for (by, link) in [
            (clinician, false),
            (actor(PATIENT, Role::Patient), true),
            (actor(ADMIN, Role::Admin), true),
        ] {
            assert!(matches!(
                acknowledge_alert(&by, PATIENT, link, false),
                Err(StoreError::NotFound)
            ));
        }
        assert!(clinician_only(&clinician).is_ok());
        assert!(matches!(
            clinician_only(&actor(ADMIN, Role::Admin)),
            Err(StoreError::Forbidden)
        ));
    }
}
