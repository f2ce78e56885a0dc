//! The knowledge base as typed values. `painpath-kb` reads the reviewed files in `kb/` and builds
//! a [`Kb`]; everything else receives it as a value, so no page or rule hard-codes a treatment's
//! name (design.md 13).

use std::collections::BTreeMap;
use std::str::FromStr;

use crate::person::Nation;
use crate::treatment::TreatmentCode;

/// The groups of plan.md's treatment table, in the order pages list them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TreatmentGroup {
    SelfManagement,
    Physical,
    PsychologicalAndMindBody,
    Medicines,
    HandsOn,
    Supplements,
    Diet,
    BrainStimulationAndEmerging,
}

impl TreatmentGroup {
    pub const ALL: [TreatmentGroup; 8] = [
        TreatmentGroup::SelfManagement,
        TreatmentGroup::Physical,
        TreatmentGroup::PsychologicalAndMindBody,
        TreatmentGroup::Medicines,
        TreatmentGroup::HandsOn,
        TreatmentGroup::Supplements,
        TreatmentGroup::Diet,
        TreatmentGroup::BrainStimulationAndEmerging,
    ];

    pub fn code(self) -> &'static str {
        match self {
            TreatmentGroup::SelfManagement => "self_management",
            TreatmentGroup::Physical => "physical",
            TreatmentGroup::PsychologicalAndMindBody => "psychological_and_mind_body",
            TreatmentGroup::Medicines => "medicines",
            TreatmentGroup::HandsOn => "hands_on",
            TreatmentGroup::Supplements => "supplements",
            TreatmentGroup::Diet => "diet",
            TreatmentGroup::BrainStimulationAndEmerging => "brain_stimulation_and_emerging",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TreatmentGroup::SelfManagement => "Self-management",
            TreatmentGroup::Physical => "Physical activity and therapy",
            TreatmentGroup::PsychologicalAndMindBody => "Psychological and mind-body",
            TreatmentGroup::Medicines => "Medicines",
            TreatmentGroup::HandsOn => "Hands-on therapies",
            TreatmentGroup::Supplements => "Supplements",
            TreatmentGroup::Diet => "Diet",
            TreatmentGroup::BrainStimulationAndEmerging => "Brain stimulation and emerging",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("expected one of the treatment group codes of plan.md")]
pub struct UnknownGroup;

impl FromStr for TreatmentGroup {
    type Err = UnknownGroup;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TreatmentGroup::ALL
            .into_iter()
            .find(|g| g.code() == s)
            .ok_or(UnknownGroup)
    }
}

/// One treatment of the knowledge base. Later issues add its evidence, exclusions and cautions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Treatment {
    pub code: TreatmentCode,
    pub name: String,
    pub group: TreatmentGroup,
}

/// A help service that painpath signposts (reference/instruments.md section 6).
///
/// `Default` exists so that tests can build one with `..Service::default()`; real services come
/// only from the loader, which checks every field.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Service {
    /// The plan contract's service code (`samaritans`, `nhs_111`, `999`).
    pub code: String,
    pub name: String,
    /// How to reach it, in plain words ("Call 116 123").
    pub contact: String,
    /// A `tel:` or `sms:` link target, digits only, when it has one.
    pub dial: Option<String>,
    /// Whether `dial` is called or texted: a text-only number (Shout's 85258) must never become a
    /// `tel:` link.
    pub dial_kind: DialKind,
    pub hours: String,
    /// The nations it serves; empty means the whole UK.
    pub nations: Vec<Nation>,
    /// Whether it is for a crisis (shown in the help-now component) or for ongoing support.
    pub crisis: bool,
    /// Where the facts come from (an id in `kb/sources.toml`). Only an unconfirmed service may
    /// lack one.
    pub source: Option<String>,
    /// Why the entry is not confirmed, when it is not (design.md 13). An unconfirmed service is
    /// shown only on clinician pages, flagged with this reason; `None` means every fact in it is
    /// sourced.
    pub unconfirmed: Option<String>,
}

/// How a service's number is used.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum DialKind {
    /// A phone number (`tel:`).
    #[default]
    Call,
    /// A number that takes text messages only (`sms:`).
    Text,
}

impl DialKind {
    pub const ALL: [DialKind; 2] = [DialKind::Call, DialKind::Text];

    pub fn code(self) -> &'static str {
        match self {
            DialKind::Call => "call",
            DialKind::Text => "text",
        }
    }

    /// The URI scheme of a link to the number.
    pub fn scheme(self) -> &'static str {
        match self {
            DialKind::Call => "tel",
            DialKind::Text => "sms",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("expected call or text")]
pub struct UnknownDialKind;

impl FromStr for DialKind {
    type Err = UnknownDialKind;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DialKind::ALL
            .into_iter()
            .find(|k| k.code() == s)
            .ok_or(UnknownDialKind)
    }
}

impl Service {
    pub fn serves(&self, nation: Nation) -> bool {
        self.nations.is_empty() || self.nations.contains(&nation)
    }

    /// Whether every fact in the entry is sourced, so it may be shown to patients.
    pub fn is_confirmed(&self) -> bool {
        self.unconfirmed.is_none()
    }

    /// The `tel:` or `sms:` link to the service, when it has a number.
    pub fn href(&self) -> Option<String> {
        self.dial
            .as_ref()
            .map(|digits| format!("{}:{digits}", self.dial_kind.scheme()))
    }
}

/// A cited source, by id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    pub id: String,
    pub title: String,
    pub url: Option<String>,
}

/// The whole knowledge base.
#[derive(Clone, Debug, Default)]
pub struct Kb {
    treatments: BTreeMap<TreatmentCode, Treatment>,
    services: Vec<Service>,
    sources: BTreeMap<String, Source>,
}

impl Kb {
    /// Builds a knowledge base from values already checked by the loader. Services keep their
    /// order: it is the order the crisis component shows them in.
    pub fn new(treatments: Vec<Treatment>, services: Vec<Service>, sources: Vec<Source>) -> Kb {
        Kb {
            treatments: treatments
                .into_iter()
                .map(|t| (t.code.clone(), t))
                .collect(),
            services,
            sources: sources.into_iter().map(|s| (s.id.clone(), s)).collect(),
        }
    }

    pub fn treatment(&self, code: &str) -> Option<&Treatment> {
        TreatmentCode::parse(code)
            .ok()
            .and_then(|c| self.treatments.get(&c))
    }

    /// Every treatment, by group (in the order of [`TreatmentGroup::ALL`]) then by name.
    pub fn treatments(&self) -> Vec<&Treatment> {
        let mut all: Vec<&Treatment> = self.treatments.values().collect();
        all.sort_by(|a, b| a.group.cmp(&b.group).then_with(|| a.name.cmp(&b.name)));
        all
    }

    pub fn services(&self) -> &[Service] {
        &self.services
    }

    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.get(id)
    }
}
