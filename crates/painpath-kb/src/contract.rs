//! The codes the plan contract (contracts/plan.md) fixes, which the knowledge base must match.
//!
//! They are kept here, as data beside the loader, because the contract is what the files are
//! checked against: a file cannot vouch for itself. When plan.md's tables change, change these
//! lists in the same pull request.

use painpath_core::kb::TreatmentGroup;

/// Every treatment code of plan.md's "Treatment codes" table, with its group, in the table's
/// order. The knowledge base must hold one file for each; it may hold more.
pub const TREATMENT_CODES: [(&str, TreatmentGroup); 46] = {
    use TreatmentGroup::{
        BrainStimulationAndEmerging as Brain, Diet, HandsOn, Medicines, Physical,
        PsychologicalAndMindBody as Psych, SelfManagement, Supplements,
    };
    [
        ("rtms", Brain),
        ("ketamine_infusion", Brain),
        ("prp_injection", Brain),
        ("paracetamol", Medicines),
        ("nsaid", Medicines),
        ("amitriptyline", Medicines),
        ("duloxetine", Medicines),
        ("pregabalin", Medicines),
        ("gabapentin", Medicines),
        ("opioid", Medicines),
        ("physiotherapy", Physical),
        ("osteopathy", Physical),
        ("aerobic_exercise", Physical),
        ("strength_training", Physical),
        ("stretching", Physical),
        ("hydrotherapy", Physical),
        ("yoga", Physical),
        ("tai_chi", Physical),
        ("pilates", Physical),
        ("walking", Physical),
        ("cbt", Psych),
        ("act", Psych),
        ("cbt_insomnia", Psych),
        ("mindfulness", Psych),
        ("breathing_exercises", Psych),
        ("progressive_muscle_relaxation", Psych),
        ("journaling", Psych),
        ("nature_activity", Psych),
        ("acupuncture", HandsOn),
        ("massage_myofascial_release", HandsOn),
        ("massage_swedish", HandsOn),
        ("massage_lymphatic_drainage", HandsOn),
        ("massage_trigger_point", HandsOn),
        ("massage_deep_tissue", HandsOn),
        ("magnesium", Supplements),
        ("curcumin", Supplements),
        ("omega3", Supplements),
        ("coenzyme_q10", Supplements),
        ("vitamin_d", Supplements),
        ("anti_inflammatory_diet", Diet),
        ("elimination_diet", Diet),
        ("gluten_free_diet", Diet),
        ("education", SelfManagement),
        ("pacing", SelfManagement),
        ("sleep_hygiene", SelfManagement),
        ("pain_management_programme", SelfManagement),
    ]
};

/// The service codes of plan.md's `signposts[]`. A service file may use no other.
pub const SERVICE_CODES: [&str; 10] = [
    "999",
    "nhs_111",
    "samaritans",
    "shout",
    "lifeline",
    "breathing_space",
    "call_helpline",
    "gp",
    "nhs_talking_therapies",
    "physiotherapy_self_referral",
];

/// plan.md's group for a contract treatment code, or `None` for a code outside the table.
pub fn group_of(code: &str) -> Option<TreatmentGroup> {
    TREATMENT_CODES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, g)| *g)
}
