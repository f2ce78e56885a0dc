//! The knowledge base as typed values. `painpath-kb` reads the reviewed files in `kb/` and builds
//! a [`Kb`]; everything else receives it as a value, so no page or rule hard-codes a treatment's
//! name or a questionnaire's wording (design.md 13).

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use jiff::ToSpan;
use jiff::civil::Date;

use crate::instruments::Instrument;
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
    /// Where the facts come from (ids in `kb/sources.toml`), in the order cited. Only an
    /// unconfirmed service may have none.
    pub sources: Vec<String>,
    /// Why the entry is not confirmed, when it is not (design.md 13). An unconfirmed service is
    /// shown only on clinician pages, flagged with this reason; `None` means every fact in it is
    /// sourced.
    pub unconfirmed: Option<String>,
    /// The day a person last checked the entry against its sources. Numbers and opening hours
    /// change, so an entry checked more than [`RECHECK_MONTHS`] months ago is stale
    /// ([`Service::is_stale`]).
    pub checked: Date,
}

/// How many months a service's details may go unchecked before they are stale.
pub const RECHECK_MONTHS: i8 = 6;

/// Whether something checked on `checked` is, on `today`, more than [`RECHECK_MONTHS`] months
/// old. Exactly six months is still fresh; six months and a day is stale. A month end with no
/// match six months later counts to the last day of that month (31 August is fresh until
/// 28 or 29 February).
pub fn is_stale(checked: Date, today: Date) -> bool {
    // Adding months to a valid date saturates at the month's end, and only fails past the year
    // 9999, which no checked date reaches; treat that as stale rather than fresh.
    match checked.checked_add(i32::from(RECHECK_MONTHS).months()) {
        Ok(due) => today > due,
        Err(_) => true,
    }
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

    /// Whether, on `today`, the entry was last checked more than [`RECHECK_MONTHS`] months ago.
    pub fn is_stale(&self, today: Date) -> bool {
        is_stale(self.checked, today)
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
    /// What the source supports, in a reviewer's words, when the file says.
    pub supports: Option<String>,
    /// The day the source was relied on, when the file says.
    pub relied_on: Option<Date>,
}

/// The whole knowledge base.
#[derive(Clone, Debug, Default)]
pub struct Kb {
    treatments: BTreeMap<TreatmentCode, Treatment>,
    services: Vec<Service>,
    sources: BTreeMap<String, Source>,
    instruments: BTreeMap<Instrument, InstrumentText>,
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
            instruments: BTreeMap::new(),
        }
    }

    /// The same knowledge base with these questionnaires' texts, already checked by the loader.
    /// A later text for the same instrument replaces an earlier one.
    pub fn with_instruments(mut self, instruments: Vec<InstrumentText>) -> Kb {
        for text in instruments {
            self.instruments.insert(text.instrument, text);
        }
        self
    }

    /// A questionnaire's wording, codes, bands and licence, when the knowledge base holds it.
    pub fn instrument(&self, instrument: Instrument) -> Option<&InstrumentText> {
        self.instruments.get(&instrument)
    }

    /// Every questionnaire the knowledge base holds, in the order of [`Instrument::ALL`].
    pub fn instruments(&self) -> impl Iterator<Item = &InstrumentText> {
        self.instruments.values()
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

/// Whether a questionnaire's wording may be shown, and on what terms (reference/instruments.md
/// 1.5, 2.6 and 3.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Wording {
    /// The instrument's own wording, whose licence allows it to be shown (PHQ-9, GAD-7).
    Verbatim,
    /// painpath's own paraphrase, because the licence of the published wording is unconfirmed
    /// (the ACR 2016 survey).
    Paraphrased,
    /// The instrument's wording, which may be shown only once the clinic has recorded the
    /// authors' permission (FIQR). Scoring never needs it.
    PermissionRequired,
}

impl Wording {
    pub const ALL: [Wording; 3] = [
        Wording::Verbatim,
        Wording::Paraphrased,
        Wording::PermissionRequired,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Wording::Verbatim => "verbatim",
            Wording::Paraphrased => "paraphrased",
            Wording::PermissionRequired => "permission_required",
        }
    }

    /// Whether the form's wording may be shown, given whether the clinic has recorded the
    /// authors' permission (the clinic setting that enables the FIQR form).
    pub fn may_show(self, permission_recorded: bool) -> bool {
        match self {
            Wording::Verbatim | Wording::Paraphrased => true,
            Wording::PermissionRequired => permission_recorded,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("expected verbatim, paraphrased or permission_required")]
pub struct UnknownWording;

impl FromStr for Wording {
    type Err = UnknownWording;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Wording::ALL
            .into_iter()
            .find(|w| w.code() == s)
            .ok_or(UnknownWording)
    }
}

/// Whether a LOINC code names a question or panel (`44250-9`) or an answer (`LA6568-5`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LoincKind {
    /// A LOINC term: digits, a hyphen and a check digit.
    Term,
    /// A LOINC answer: `LA`, digits, a hyphen and a check digit.
    Answer,
}

/// A LOINC code whose form and check digit have been checked. A wrong check digit catches most
/// mistyped codes (69689-6 for 69689-8), but a code that passes may still not exist.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LoincCode(String);

/// Why a LOINC code was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LoincError {
    #[error(
        "not a LOINC code; expected digits, a hyphen and one check digit (44250-9), or LA before the digits for an answer (LA6568-5)"
    )]
    Form,
    #[error("the check digit is wrong; expected {expected} after the hyphen")]
    CheckDigit { expected: char },
}

impl LoincCode {
    /// The only way to make a `LoincCode`: checks its form and its mod-10 check digit.
    pub fn parse(code: &str) -> Result<LoincCode, LoincError> {
        let (body, check) = code.rsplit_once('-').ok_or(LoincError::Form)?;
        let digits = body.strip_prefix("LA").unwrap_or(body);
        let well_formed = (1..=10).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
            && check.len() == 1
            && check.bytes().all(|b| b.is_ascii_digit());
        if !well_formed {
            return Err(LoincError::Form);
        }
        let expected = loinc_check_digit(body);
        if check.starts_with(expected) {
            Ok(LoincCode(code.to_owned()))
        } else {
            Err(LoincError::CheckDigit { expected })
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn kind(&self) -> LoincKind {
        if self.0.starts_with("LA") {
            LoincKind::Answer
        } else {
            LoincKind::Term
        }
    }
}

impl fmt::Display for LoincCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The mod-10 check digit of the part of a LOINC code before its hyphen.
///
/// For a term (digits only) this is the algorithm of the LOINC Users' Guide, section 12 C: from the
/// right, each digit in an odd position is doubled and the digits of the result are added; each
/// digit in an even position is added as it is; the check digit takes the sum up to a multiple
/// of ten. Answer codes carry the letters `LA`, so LOINC uses the variant it points to (the
/// OpenMRS description of Regenstrief's method): every character counts as its ASCII value
/// less 48, so `A` is 17 and `L` is 28, and an odd position adds the digits of twice that value.
/// For digits the two agree. Checked against LA6568-5 … LA6575-0 and LA18938-3.
fn loinc_check_digit(body: &str) -> char {
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let value = u32::from(b.saturating_sub(b'0'));
            if i % 2 == 0 {
                let doubled = 2 * value;
                doubled / 10 + doubled % 10
            } else {
                value
            }
        })
        .sum();
    let check = (10 - sum % 10) % 10;
    char::from_digit(check, 10).unwrap_or('0')
}

/// A questionnaire's text, codes, bands and licence, from `kb/instruments/<code>.toml`.
/// Scoring rules live in [`crate::instruments`]; this is only what is shown and cited.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstrumentText {
    pub instrument: Instrument,
    pub title: String,
    /// The period the questions ask about ("the last 2 weeks"); a section may have its own.
    pub recall: String,
    /// The lead-in shown above the questions.
    pub stem: String,
    pub wording: Wording,
    pub licence: Licence,
    /// The LOINC code of the whole questionnaire (panel), when LOINC has one.
    pub loinc_panel: Option<LoincCode>,
    /// The LOINC code of the total score, when LOINC has one.
    pub loinc_total: Option<LoincCode>,
    pub sections: Vec<Section>,
    /// Every question, in the order of the form; each names its section.
    pub items: Vec<ItemText>,
    pub bands: BandSet,
    /// The smallest change that matters to one person, when one is confirmed.
    pub mcid: Option<Mcid>,
    /// What to say beside a chart about change: how the MCID was found, or why there is none.
    pub mcid_note: Option<String>,
    /// Every source the file cites, each once, in the order first cited.
    pub sources: Vec<String>,
}

impl InstrumentText {
    /// The questions the scoring reads, in order (the PHQ-9's difficulty question is not one).
    pub fn scored_items(&self) -> impl Iterator<Item = &ItemText> {
        self.items.iter().filter(|i| i.scored)
    }

    pub fn item(&self, id: &str) -> Option<&ItemText> {
        self.items.iter().find(|i| i.id == id)
    }

    pub fn section(&self, id: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.id == id)
    }
}

/// The terms on which the wording is used, and the notice to show with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Licence {
    /// The copyright or attribution notice shown with the form.
    pub notice: String,
    /// LOINC's own notice, when the file uses LOINC codes.
    pub loinc: Option<String>,
    pub source: String,
    /// What is not confirmed about the terms, when something is.
    pub unconfirmed: Option<String>,
}

/// A part of a form: its heading and instructions, and a recall period of its own if it differs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    pub id: String,
    pub title: Option<String>,
    pub instructions: Option<String>,
    pub recall: Option<String>,
    pub unconfirmed: Option<String>,
}

/// One question of a form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemText {
    /// painpath's identifier (`phq9_1`, `fiqr_f1`, `acr_fatigue`), used as the FHIR `linkId`.
    pub id: String,
    pub section: String,
    pub text: String,
    /// The item's LOINC code, when LOINC has a confirmed one.
    pub loinc: Option<LoincCode>,
    pub answers: Answers,
    /// Whether the scoring reads this answer.
    pub scored: bool,
    pub unconfirmed: Option<String>,
}

/// How a question is answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answers {
    /// One of a list of answers, in the order shown.
    Choice(Vec<AnswerOption>),
    /// A whole number on a numeric scale with labelled ends (the FIQR's 0–10 boxes).
    Scale(Scale),
    /// Ticks on the 19 areas of the Widespread Pain Index ([`crate::body::BodyRegion`]).
    BodyMap,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnswerOption {
    /// The number the scoring uses.
    pub value: u8,
    pub label: String,
    pub loinc: Option<LoincCode>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scale {
    pub min: u8,
    pub max: u8,
    pub min_label: String,
    pub max_label: String,
    /// Why the end labels are not confirmed, when they are not.
    pub unconfirmed: Option<String>,
}

/// Published severity bands for a total.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BandSet {
    /// What is banded, in words ("total, 0 to 27").
    pub scale: String,
    pub source: String,
    /// Whether a band is a diagnosis. painpath's bands never are; pages say so.
    pub diagnostic: bool,
    pub note: Option<String>,
    /// In order; each starts where the one before ends, the first at 0.
    pub bands: Vec<Band>,
}

/// One band: totals from `from` (included) up to `to` (not included), except that the last band
/// includes its `to`, the highest total. So PHQ-9 "mild", 5–9, is `from = 5, to = 10`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Band {
    pub from: u32,
    pub to: u32,
    pub code: String,
    pub label: String,
}

impl BandSet {
    /// The band holding the whole-number total `total`.
    pub fn of(&self, total: u32) -> Option<&Band> {
        self.of_ratio(total, 1)
    }

    /// The band holding the exact score `numerator / denominator`, for totals that are not whole
    /// numbers (the FIQR's, in sixths: `of_ratio(score.total_sixths(), 6)`).
    pub fn of_ratio(&self, numerator: u32, denominator: u32) -> Option<&Band> {
        let last = self.bands.len().checked_sub(1)?;
        self.bands.iter().enumerate().find_map(|(i, band)| {
            let from = u64::from(band.from) * u64::from(denominator);
            let to = u64::from(band.to) * u64::from(denominator);
            let n = u64::from(numerator);
            let inside = from <= n && (n < to || (i == last && n == to));
            inside.then_some(band)
        })
    }
}

/// The minimal clinically important difference for one person, in score points.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mcid {
    pub points: u32,
    pub source: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loinc_terms_and_answers_pass_their_check_digits() {
        for code in [
            "44250-9",
            "44261-6",
            "69689-8",
            "LA6568-5",
            "LA6575-0",
            "LA18938-3",
        ] {
            assert_eq!(
                LoincCode::parse(code).map(|c| c.to_string()),
                Ok(code.to_owned())
            );
        }
        assert_eq!(
            LoincCode::parse("69689-6"),
            Err(LoincError::CheckDigit { expected: '8' })
        );
        assert_eq!(
            LoincCode::parse("LA6568-0"),
            Err(LoincError::CheckDigit { expected: '5' })
        );
        for bad in [
            "", "44250", "44250-", "44250-99", "LB6568-5", "la6568-5", "4425O-9", "-9",
        ] {
            assert_eq!(LoincCode::parse(bad), Err(LoincError::Form), "{bad:?}");
        }
        assert_eq!(
            LoincCode::parse("LA6568-5").map(|c| c.kind()),
            Ok(LoincKind::Answer)
        );
        assert_eq!(
            LoincCode::parse("44249-1").map(|c| c.kind()),
            Ok(LoincKind::Term)
        );
    }

    #[test]
    fn bands_are_half_open_except_the_last() {
        let band = |from, to, code: &str| Band {
            from,
            to,
            code: code.into(),
            label: code.into(),
        };
        let set = BandSet {
            scale: "total".into(),
            source: "s".into(),
            diagnostic: false,
            note: None,
            bands: vec![band(0, 24, "a"), band(24, 41, "b"), band(41, 100, "c")],
        };
        let code = |n, d| set.of_ratio(n, d).map(|b| b.code.as_str());
        assert_eq!(code(0, 1), Some("a"));
        assert_eq!(code(143, 6), Some("a")); // 23.83
        assert_eq!(code(144, 6), Some("b")); // 24
        assert_eq!(code(100, 1), Some("c"));
        assert_eq!(code(101, 1), None);
    }

    #[test]
    fn a_service_checked_six_months_ago_is_fresh_and_a_day_later_stale() {
        let checked = Date::constant(2026, 6, 3);
        assert!(!is_stale(checked, Date::constant(2026, 6, 3)));
        assert!(!is_stale(checked, Date::constant(2026, 12, 3)));
        assert!(is_stale(checked, Date::constant(2026, 12, 4)));
        // A month end: 31 August plus six months is the last day of February.
        let end = Date::constant(2026, 8, 31);
        assert!(!is_stale(end, Date::constant(2027, 2, 28)));
        assert!(is_stale(end, Date::constant(2027, 3, 1)));
        let service = Service {
            checked,
            ..Service::default()
        };
        assert!(!service.is_stale(Date::constant(2026, 12, 3)));
        assert!(service.is_stale(Date::constant(2026, 12, 4)));
    }

    #[test]
    fn only_permission_required_wording_waits_for_the_clinic() {
        assert!(Wording::Verbatim.may_show(false));
        assert!(Wording::Paraphrased.may_show(false));
        assert!(!Wording::PermissionRequired.may_show(false));
        assert!(Wording::PermissionRequired.may_show(true));
        for w in Wording::ALL {
            assert_eq!(w.code().parse::<Wording>(), Ok(w));
        }
    }
}
