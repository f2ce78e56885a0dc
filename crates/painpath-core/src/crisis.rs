//! The help-now component: which services to show someone who needs help now (design.md 14).
//!
//! Order matters and is a safety rule: 999 or A&E first for immediate danger, then the UK-wide
//! lines (Samaritans, Shout), then the person's own nation's NHS line (reference/instruments.md
//! section 6, "Recommendation (presentation)"). The facts themselves live in `kb/services.toml`.

use crate::kb::{Kb, Service};
use crate::person::Nation;

/// The crisis services to show, in order. With no nation known, every nation's line is shown,
/// so nobody is sent to a service that does not cover them.
pub fn help_now(kb: &Kb, nation: Option<Nation>) -> Vec<&Service> {
    let crisis = kb.services().iter().filter(|s| s.crisis);
    let mut uk_wide: Vec<&Service> = Vec::new();
    let mut national: Vec<&Service> = Vec::new();
    for s in crisis {
        if s.nations.is_empty() {
            uk_wide.push(s);
        } else if nation.is_none_or(|n| s.serves(n)) {
            national.push(s);
        }
    }
    // 999 always leads; the knowledge base's order decides the rest of the UK-wide lines.
    uk_wide.sort_by_key(|s| s.code != "999");
    uk_wide.extend(national);
    uk_wide
}

/// The services to signpost for any sign of self-harm risk (PHQ-9 item 9 above 0, suicidal
/// thoughts): Samaritans, then the nation's NHS mental health line, which is Lifeline in Northern
/// Ireland (contracts/plan.md, `signposts[]`). With no nation known, every nation's line, so
/// nobody is sent to a service that does not cover them (reference/instruments.md 6). Callers
/// that follow the contracts' default of England pass it explicitly.
pub fn self_harm_signposts(kb: &Kb, nation: Option<Nation>) -> Vec<&Service> {
    let lines = |n: Nation| {
        if n == Nation::NorthernIreland {
            "lifeline"
        } else {
            "nhs_111"
        }
    };
    let mut out: Vec<&Service> = kb
        .services()
        .iter()
        .filter(|s| s.code == "samaritans")
        .take(1)
        .collect();
    for s in kb.services() {
        let wanted = match nation {
            Some(n) => s.code == lines(n) && s.serves(n),
            None => (s.code == "nhs_111" || s.code == "lifeline") && !s.nations.is_empty(),
        };
        if wanted && !out.iter().any(|o| std::ptr::eq(*o, s)) {
            out.push(s);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(code: &str, nations: Vec<Nation>) -> Service {
        Service {
            code: code.into(),
            name: code.into(),
            nations,
            crisis: true,
            source: Some("s".into()),
            ..Service::default()
        }
    }

    fn kb() -> Kb {
        let mut talking = service("nhs_talking_therapies", vec![Nation::England]);
        talking.crisis = false;
        Kb::new(
            vec![],
            vec![
                service("samaritans", vec![]),
                service(
                    "nhs_111",
                    vec![Nation::England, Nation::Wales, Nation::Scotland],
                ),
                service("lifeline", vec![Nation::NorthernIreland]),
                service("999", vec![]),
                service("shout", vec![]),
                talking,
            ],
            vec![],
        )
    }

    fn codes(list: Vec<&Service>) -> Vec<&str> {
        list.into_iter().map(|s| s.code.as_str()).collect()
    }

    #[test]
    fn emergency_comes_first_then_uk_wide_then_the_nations_line() {
        let kb = kb();
        assert_eq!(
            codes(help_now(&kb, Some(Nation::England))),
            ["999", "samaritans", "shout", "nhs_111"]
        );
    }

    #[test]
    fn northern_ireland_gets_lifeline_not_111() {
        let kb = kb();
        assert_eq!(
            codes(help_now(&kb, Some(Nation::NorthernIreland))),
            ["999", "samaritans", "shout", "lifeline"]
        );
    }

    #[test]
    fn with_no_nation_every_nations_line_is_shown() {
        let kb = kb();
        assert_eq!(
            codes(help_now(&kb, None)),
            ["999", "samaritans", "shout", "nhs_111", "lifeline"]
        );
    }

    #[test]
    fn self_harm_signposts_are_samaritans_then_the_nations_line() {
        let kb = kb();
        assert_eq!(
            codes(self_harm_signposts(&kb, Some(Nation::England))),
            ["samaritans", "nhs_111"]
        );
        assert_eq!(
            codes(self_harm_signposts(&kb, None)),
            ["samaritans", "nhs_111", "lifeline"],
            "with no nation known, every nation's line"
        );
        assert_eq!(
            codes(self_harm_signposts(&kb, Some(Nation::NorthernIreland))),
            ["samaritans", "lifeline"]
        );
    }

    #[test]
    fn services_that_are_not_for_a_crisis_are_left_out() {
        let kb = kb();
        assert!(!codes(help_now(&kb, Some(Nation::England))).contains(&"nhs_talking_therapies"));
    }
}
