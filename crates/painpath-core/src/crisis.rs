//! The help-now component: which services to show someone who needs help now (design.md 14),
//! and what to signpost after a questionnaire.
//!
//! Order matters and is a safety rule: 999 or A&E first for immediate danger, with the advice
//! for an overdose and the ways to reach 999 without a voice call beside it, then the UK-wide
//! lines (Samaritans, Shout), then the person's own nation's NHS line (reference/instruments.md
//! section 6, "Recommendation (presentation)"). With no nation known, every nation's line is
//! shown, each labelled with its nation, so that nobody has to guess which one is theirs. The
//! facts themselves live in `kb/services.toml`; this module only chooses and orders entries by
//! their codes.

use crate::instruments::response::Response;
use crate::instruments::{gad7, phq9};
use crate::kb::{Kb, Service};
use crate::person::Nation;

/// Shown inside the 999 entry: advice that also ends in "call 999 or go to A&E".
const WITH_EMERGENCY: [&str; 1] = ["overdose"];

/// Ways to reach 999 for people who cannot use a voice call, in the knowledge base's order.
const WITHOUT_VOICE: [&str; 3] = ["999_bsl", "relay_uk", "emergency_sms"];

/// The non-emergency routes the help page lists under "Not an emergency?".
const NOT_AN_EMERGENCY: [&str; 3] = ["gp", "nhs_111_medical", "gp_out_of_hours"];

/// One service as shown, with the nation it is for when the person's nation is not known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Line<'a> {
    pub service: &'a Service,
    /// "Northern Ireland", "England, Scotland and Wales": given only when the person's nation is
    /// not known and the service is not UK-wide, so that each national line says whose it is.
    pub nation_label: Option<&'static str>,
}

impl<'a> Line<'a> {
    fn new(service: &'a Service, nation: Option<Nation>) -> Line<'a> {
        let nation_label = match (nation, service.nations.as_slice()) {
            (Some(_), _) | (None, []) => None,
            (None, nations) => Some(nations_label(nations)),
        };
        Line {
            service,
            nation_label,
        }
    }

    /// The heading a person reads: the service's name, after its nation when that is needed
    /// ("Northern Ireland: Lifeline").
    pub fn heading(&self) -> String {
        match self.nation_label {
            Some(label) => format!("{label}: {}", self.service.name),
            None => self.service.name.clone(),
        }
    }
}

/// The nations' names joined as a person would say them. Every combination is spelt out, so the
/// result can be `'static` like [`Nation::label`].
fn nations_label(nations: &[Nation]) -> &'static str {
    use Nation::{England as E, NorthernIreland as N, Scotland as S, Wales as W};
    let has = |n: Nation| nations.contains(&n);
    match (has(E), has(S), has(W), has(N)) {
        (true, false, false, false) => "England",
        (false, true, false, false) => "Scotland",
        (false, false, true, false) => "Wales",
        (false, false, false, true) => "Northern Ireland",
        (true, true, false, false) => "England and Scotland",
        (true, false, true, false) => "England and Wales",
        (true, false, false, true) => "England and Northern Ireland",
        (false, true, true, false) => "Scotland and Wales",
        (false, true, false, true) => "Scotland and Northern Ireland",
        (false, false, true, true) => "Wales and Northern Ireland",
        (true, true, true, false) => "England, Scotland and Wales",
        (true, true, false, true) => "England, Scotland and Northern Ireland",
        (true, false, true, true) => "England, Wales and Northern Ireland",
        (false, true, true, true) => "Scotland, Wales and Northern Ireland",
        (true, true, true, true) => "England, Scotland, Wales and Northern Ireland",
        (false, false, false, false) => "the whole UK",
    }
}

/// What the help-now component shows, in its order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HelpNow<'a> {
    /// 999 or A&E: always first.
    pub emergency: Vec<&'a Service>,
    /// Advice shown inside the 999 entry ("If you have taken an overdose ...").
    pub emergency_advice: Vec<&'a Service>,
    /// Ways to reach 999 without a voice call (999 BSL, Relay UK, emergency SMS).
    pub without_voice: Vec<&'a Service>,
    /// The UK-wide lines, then the nation's own line (or every nation's, labelled).
    pub lines: Vec<Line<'a>>,
}

impl<'a> HelpNow<'a> {
    /// Whether there is nothing to show (the questionnaire pages pass an empty one when there is
    /// no sign of risk).
    pub fn is_empty(&self) -> bool {
        self.emergency.is_empty()
            && self.emergency_advice.is_empty()
            && self.without_voice.is_empty()
            && self.lines.is_empty()
    }

    /// When the services shown were last checked, as the pages say it, from the data: "on
    /// 01/11/2026", or "between 01/11/2026 and 03/12/2026" when the dates differ.
    pub fn checked_text(&self) -> Option<String> {
        let dates = self.services().into_iter().map(|s| s.checked);
        let oldest = dates.clone().min()?;
        let newest = dates.max()?;
        let uk = |d: crate::Date| format!("{:02}/{:02}/{:04}", d.day(), d.month(), d.year());
        Some(if oldest == newest {
            format!("on {}", uk(oldest))
        } else {
            format!("between {} and {}", uk(oldest), uk(newest))
        })
    }

    /// Whether any service shown was, on `today`, last checked more than six months ago.
    pub fn any_stale(&self, today: crate::Date) -> bool {
        self.services().iter().any(|s| s.is_stale(today))
    }

    /// Every service in the order shown.
    pub fn services(&self) -> Vec<&'a Service> {
        let mut all: Vec<&'a Service> = Vec::new();
        all.extend(&self.emergency);
        all.extend(&self.emergency_advice);
        all.extend(&self.without_voice);
        all.extend(self.lines.iter().map(|l| l.service));
        all
    }
}

/// The crisis services to show, in order. With no nation known, every nation's line is shown,
/// labelled, so nobody is sent to a service that does not cover them.
pub fn help_now(kb: &Kb, nation: Option<Nation>) -> HelpNow<'_> {
    let mut out = HelpNow::default();
    let mut national: Vec<Line<'_>> = Vec::new();
    // Only confirmed entries: the loader already refuses an unconfirmed crisis entry, and this
    // keeps a hand-built knowledge base to the same rule.
    let crisis = kb
        .services()
        .iter()
        .filter(|s| s.crisis && s.is_confirmed());
    for s in crisis {
        if nation.is_some_and(|n| !s.serves(n)) {
            continue;
        }
        if s.code == "999" {
            out.emergency.push(s);
        } else if WITH_EMERGENCY.contains(&s.code.as_str()) {
            out.emergency_advice.push(s);
        } else if WITHOUT_VOICE.contains(&s.code.as_str()) {
            out.without_voice.push(s);
        } else if s.nations.is_empty() {
            out.lines.push(Line::new(s, nation));
        } else {
            national.push(Line::new(s, nation));
        }
    }
    out.lines.extend(national);
    out
}

/// The services to signpost for any sign of self-harm risk (PHQ-9 item 9 above 0, suicidal
/// thoughts): 999 first, then Samaritans, then the nation's NHS mental health line, which is
/// Lifeline in Northern Ireland (contracts/plan.md, `signposts[]`). With no nation known, every
/// nation's line, labelled, so nobody is sent to a service that does not cover them
/// (reference/instruments.md 6). Callers that follow the contracts' default of England pass it
/// explicitly.
pub fn self_harm_signposts(kb: &Kb, nation: Option<Nation>) -> Vec<Line<'_>> {
    let lines = |n: Nation| {
        if n == Nation::NorthernIreland {
            "lifeline"
        } else {
            "nhs_111"
        }
    };
    let confirmed = || kb.services().iter().filter(|s| s.is_confirmed());
    let first = |code: &str| {
        confirmed()
            .find(|s| s.code == code && s.nations.is_empty())
            .map(|s| Line::new(s, nation))
    };
    let mut out: Vec<Line<'_>> = first("999").into_iter().collect();
    out.extend(first("samaritans"));
    for s in confirmed() {
        let wanted = match nation {
            Some(n) => s.code == lines(n) && s.serves(n),
            None => (s.code == "nhs_111" || s.code == "lifeline") && !s.nations.is_empty(),
        };
        if wanted && !out.iter().any(|o| std::ptr::eq(o.service, s)) {
            out.push(Line::new(s, nation));
        }
    }
    out
}

/// The routes for a health worry that is not an emergency, for the help page: the GP practice,
/// then 111 or the GP out-of-hours service for the nation (every nation's, labelled, when it is
/// not known). Only confirmed entries, because patients read this page.
pub fn not_an_emergency(kb: &Kb, nation: Option<Nation>) -> Vec<Line<'_>> {
    let chosen = kb.services().iter().filter(|s| {
        NOT_AN_EMERGENCY.contains(&s.code.as_str())
            && s.is_confirmed()
            && nation.is_none_or(|n| s.serves(n))
    });
    let (uk_wide, national): (Vec<&Service>, Vec<&Service>) =
        chosen.partition(|s| s.nations.is_empty());
    uk_wide
        .into_iter()
        .chain(national)
        .map(|s| Line::new(s, nation))
        .collect()
}

/// What a questionnaire's result page suggests beyond the score and any crisis support.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AfterScore<'a> {
    /// A severe PHQ-9 or GAD-7 with no sign of self-harm risk: contact the GP in the next few
    /// days. (With a risk, the crisis support comes first and says to contact a service now.)
    pub gp_soon: bool,
    /// A moderate or worse PHQ-9 or GAD-7: NHS Talking Therapies, where the person's nation has
    /// it (England), or labelled with its nation when the nation is not known.
    pub talking_therapies: Option<Line<'a>>,
}

/// Chooses the follow-up for a completed questionnaire. The bands are core's own
/// ([`phq9::Severity`], [`gad7::Severity`]), so no cut-point is written twice.
pub fn after_score<'a>(kb: &'a Kb, response: &Response, nation: Option<Nation>) -> AfterScore<'a> {
    let (severe, moderate_or_worse, self_harm_risk) = match response {
        Response::Phq9(p) => {
            let s = p.score();
            (
                s.severity == phq9::Severity::Severe,
                s.severity >= phq9::Severity::Moderate,
                s.self_harm_risk,
            )
        }
        Response::Gad7(g) => {
            let s = g.score();
            (
                s.severity == gad7::Severity::Severe,
                s.severity >= gad7::Severity::Moderate,
                false,
            )
        }
        Response::Acr2016(_) | Response::Fiqr(_) => (false, false, false),
    };
    let talking_therapies = moderate_or_worse
        .then(|| {
            kb.services().iter().find(|s| {
                s.code == "nhs_talking_therapies"
                    && s.is_confirmed()
                    && nation.is_none_or(|n| s.serves(n))
            })
        })
        .flatten()
        .map(|s| Line::new(s, nation));
    AfterScore {
        gp_soon: severe && !self_harm_risk,
        talking_therapies,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instruments::gad7::Gad7;
    use crate::instruments::phq9::Phq9;

    fn service(code: &str, nations: Vec<Nation>) -> Service {
        Service {
            code: code.into(),
            name: code.into(),
            nations,
            crisis: true,
            sources: vec!["s".into()],
            ..Service::default()
        }
    }

    fn kb() -> Kb {
        let mut talking = service("nhs_talking_therapies", vec![Nation::England]);
        talking.crisis = false;
        let mut gp = service("gp", vec![]);
        gp.crisis = false;
        let mut medical = service("nhs_111_medical", vec![Nation::England, Nation::Wales]);
        medical.crisis = false;
        let mut ooh = service("gp_out_of_hours", vec![Nation::NorthernIreland]);
        ooh.crisis = false;
        let mut unconfirmed = service("breathing_space", vec![Nation::Scotland]);
        unconfirmed.crisis = false;
        unconfirmed.unconfirmed = Some("hours".into());
        Kb::new(
            vec![],
            vec![
                service("samaritans", vec![]),
                service("relay_uk", vec![]),
                service(
                    "nhs_111",
                    vec![Nation::England, Nation::Wales, Nation::Scotland],
                ),
                service("lifeline", vec![Nation::NorthernIreland]),
                service("999", vec![]),
                service("overdose", vec![]),
                service("shout", vec![]),
                service("999_bsl", vec![]),
                talking,
                gp,
                medical,
                ooh,
                unconfirmed,
            ],
            vec![],
        )
    }

    fn codes(list: Vec<&Service>) -> Vec<&str> {
        list.into_iter().map(|s| s.code.as_str()).collect()
    }

    fn line_codes(list: Vec<Line<'_>>) -> Vec<&str> {
        list.into_iter().map(|l| l.service.code.as_str()).collect()
    }

    #[test]
    fn emergency_comes_first_then_uk_wide_then_the_nations_line() {
        let kb = kb();
        let help = help_now(&kb, Some(Nation::England));
        assert_eq!(
            codes(help.services()),
            [
                "999",
                "overdose",
                "relay_uk",
                "999_bsl",
                "samaritans",
                "shout",
                "nhs_111"
            ]
        );
        assert_eq!(codes(help.emergency.clone()), ["999"]);
        assert_eq!(codes(help.emergency_advice.clone()), ["overdose"]);
        assert_eq!(codes(help.without_voice.clone()), ["relay_uk", "999_bsl"]);
    }

    #[test]
    fn the_checked_dates_come_from_the_data() {
        let mut early = service("999", vec![]);
        early.checked = crate::Date::constant(2026, 11, 1);
        let mut late = service("samaritans", vec![]);
        late.checked = crate::Date::constant(2026, 12, 3);
        let kb = Kb::new(vec![], vec![early.clone(), late], vec![]);
        let help = help_now(&kb, None);
        assert_eq!(
            help.checked_text().as_deref(),
            Some("between 01/11/2026 and 03/12/2026")
        );
        assert!(!help.any_stale(crate::Date::constant(2027, 5, 1)));
        assert!(help.any_stale(crate::Date::constant(2027, 5, 2)));
        let one = Kb::new(vec![], vec![early], vec![]);
        assert_eq!(
            help_now(&one, None).checked_text().as_deref(),
            Some("on 01/11/2026")
        );
        assert_eq!(HelpNow::default().checked_text(), None);
    }

    #[test]
    fn northern_ireland_gets_lifeline_not_111() {
        let kb = kb();
        assert_eq!(
            line_codes(help_now(&kb, Some(Nation::NorthernIreland)).lines),
            ["samaritans", "shout", "lifeline"]
        );
    }

    #[test]
    fn with_no_nation_every_nations_line_is_shown() {
        let kb = kb();
        assert_eq!(
            line_codes(help_now(&kb, None).lines),
            ["samaritans", "shout", "nhs_111", "lifeline"]
        );
    }

    #[test]
    fn with_no_nation_every_national_line_is_labelled_and_uk_wide_ones_are_not() {
        let kb = kb();
        let headings: Vec<String> = help_now(&kb, None)
            .lines
            .iter()
            .map(Line::heading)
            .collect();
        assert_eq!(
            headings,
            [
                "samaritans",
                "shout",
                "England, Scotland and Wales: nhs_111",
                "Northern Ireland: lifeline"
            ]
        );
        let known: Vec<String> = help_now(&kb, Some(Nation::Wales))
            .lines
            .iter()
            .map(Line::heading)
            .collect();
        assert_eq!(known, ["samaritans", "shout", "nhs_111"], "no label needed");
    }

    #[test]
    fn every_combination_of_nations_has_a_label() {
        for mask in 1u8..16 {
            let nations: Vec<Nation> = Nation::ALL
                .into_iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(_, n)| n)
                .collect();
            let label = nations_label(&nations);
            for n in &nations {
                assert!(label.contains(n.label()), "{label} for {nations:?}");
            }
            for n in Nation::ALL.iter().filter(|n| !nations.contains(n)) {
                // "England" is not inside "Northern Ireland", and so on: each name is distinct.
                assert!(!label.contains(n.label()), "{label} for {nations:?}");
            }
        }
    }

    #[test]
    fn self_harm_signposts_are_999_then_samaritans_then_the_nations_line() {
        let kb = kb();
        assert_eq!(
            line_codes(self_harm_signposts(&kb, Some(Nation::England))),
            ["999", "samaritans", "nhs_111"]
        );
        let unknown = self_harm_signposts(&kb, None);
        assert_eq!(
            line_codes(unknown.clone()),
            ["999", "samaritans", "nhs_111", "lifeline"],
            "with no nation known, every nation's line"
        );
        assert_eq!(unknown[3].heading(), "Northern Ireland: lifeline");
        assert_eq!(unknown[0].nation_label, None);
        assert_eq!(
            line_codes(self_harm_signposts(&kb, Some(Nation::NorthernIreland))),
            ["999", "samaritans", "lifeline"]
        );
    }

    #[test]
    fn services_that_are_not_for_a_crisis_are_left_out() {
        let kb = kb();
        let shown = codes(help_now(&kb, Some(Nation::England)).services());
        assert!(!shown.contains(&"nhs_talking_therapies"));
        assert!(!shown.contains(&"gp"));
    }

    #[test]
    fn an_unconfirmed_crisis_entry_is_never_shown_even_if_built_by_hand() {
        let mut shout = service("shout", vec![]);
        shout.unconfirmed = Some("not checked".into());
        let kb = Kb::new(vec![], vec![service("999", vec![]), shout], vec![]);
        assert_eq!(codes(help_now(&kb, None).services()), ["999"]);
    }

    #[test]
    fn not_an_emergency_lists_the_gp_then_the_nations_route_and_labels_them_when_unknown() {
        let kb = kb();
        assert_eq!(
            line_codes(not_an_emergency(&kb, Some(Nation::England))),
            ["gp", "nhs_111_medical"]
        );
        assert_eq!(
            line_codes(not_an_emergency(&kb, Some(Nation::NorthernIreland))),
            ["gp", "gp_out_of_hours"]
        );
        let unknown: Vec<String> = not_an_emergency(&kb, None)
            .iter()
            .map(Line::heading)
            .collect();
        assert_eq!(
            unknown,
            [
                "gp",
                "England and Wales: nhs_111_medical",
                "Northern Ireland: gp_out_of_hours"
            ]
        );
        // Scotland has no entry in this knowledge base, and an unconfirmed one is never shown.
        assert_eq!(
            line_codes(not_an_emergency(&kb, Some(Nation::Scotland))),
            ["gp"]
        );
    }

    fn phq9(items: [i64; 9]) -> Response {
        Response::Phq9(Phq9::parse(&items, None).expect("valid PHQ-9"))
    }

    fn gad7(items: [i64; 7]) -> Response {
        Response::Gad7(Gad7::parse(&items).expect("valid GAD-7"))
    }

    #[test]
    fn a_severe_phq9_without_self_harm_says_see_the_gp_soon_from_20_not_19() {
        let kb = kb();
        // 20: the first severe total.
        let at_20 = after_score(&kb, &phq9([3, 3, 3, 3, 3, 3, 1, 1, 0]), None);
        assert!(at_20.gp_soon);
        // 19: moderately severe.
        let at_19 = after_score(&kb, &phq9([3, 3, 3, 3, 3, 3, 1, 0, 0]), None);
        assert!(!at_19.gp_soon);
        // Severe with item 9 above 0: the crisis support leads instead.
        let at_risk = after_score(&kb, &phq9([3, 3, 3, 3, 3, 3, 1, 0, 1]), None);
        assert!(!at_risk.gp_soon);
    }

    #[test]
    fn a_severe_gad7_says_see_the_gp_soon_from_15_not_14() {
        let kb = kb();
        assert!(after_score(&kb, &gad7([3, 3, 3, 3, 3, 0, 0]), None).gp_soon);
        assert!(!after_score(&kb, &gad7([3, 3, 3, 3, 2, 0, 0]), None).gp_soon);
    }

    #[test]
    fn talking_therapies_from_moderate_in_england_or_labelled_when_the_nation_is_unknown() {
        let kb = kb();
        let code = |a: AfterScore<'_>| a.talking_therapies.map(|l| l.service.code.clone());
        // PHQ-9 10 is moderate; 9 is mild.
        let ten = phq9([3, 3, 3, 1, 0, 0, 0, 0, 0]);
        let nine = phq9([3, 3, 3, 0, 0, 0, 0, 0, 0]);
        assert_eq!(
            code(after_score(&kb, &ten, Some(Nation::England))).as_deref(),
            Some("nhs_talking_therapies")
        );
        assert_eq!(code(after_score(&kb, &nine, Some(Nation::England))), None);
        // GAD-7 10 is moderate; 9 is mild.
        let g10 = gad7([3, 3, 3, 1, 0, 0, 0]);
        let g9 = gad7([3, 3, 3, 0, 0, 0, 0]);
        assert!(
            after_score(&kb, &g10, Some(Nation::England))
                .talking_therapies
                .is_some()
        );
        assert!(
            after_score(&kb, &g9, Some(Nation::England))
                .talking_therapies
                .is_none()
        );
        // An England service: not for Wales, Scotland or Northern Ireland.
        for n in [Nation::Wales, Nation::Scotland, Nation::NorthernIreland] {
            assert_eq!(code(after_score(&kb, &ten, Some(n))), None, "{n:?}");
        }
        // Unknown nation: shown, labelled as England's.
        let unknown = after_score(&kb, &ten, None)
            .talking_therapies
            .expect("shown when the nation is not known");
        assert_eq!(unknown.nation_label, Some("England"));
        // A known England needs no label.
        let england = after_score(&kb, &ten, Some(Nation::England))
            .talking_therapies
            .expect("shown in England");
        assert_eq!(england.nation_label, None);
    }
}
