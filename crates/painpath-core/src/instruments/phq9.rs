//! PHQ-9: nine items, each 0–3 over the last two weeks; total 0–27.
//!
//! Bands: Kroenke, Spitzer and Williams, J Gen Intern Med 2001;16:606–613 (cut-points 5, 10, 15,
//! 20). Item 9 above 0 is a safety signal whatever the total: it shows crisis support at once and
//! opens an alert for the care team (reference/instruments.md 3.2; design.md 11).

use crate::problems::Problems;

use super::answers;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Minimal,
    Mild,
    Moderate,
    ModeratelySevere,
    Severe,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Minimal,
        Severity::Mild,
        Severity::Moderate,
        Severity::ModeratelySevere,
        Severity::Severe,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Severity::Minimal => "minimal",
            Severity::Mild => "mild",
            Severity::Moderate => "moderate",
            Severity::ModeratelySevere => "moderately_severe",
            Severity::Severe => "severe",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Severity::Minimal => "None or minimal",
            Severity::Mild => "Mild",
            Severity::Moderate => "Moderate",
            Severity::ModeratelySevere => "Moderately severe",
            Severity::Severe => "Severe",
        }
    }

    /// The lowest total in the band.
    pub fn from_total(self) -> u8 {
        match self {
            Severity::Minimal => 0,
            Severity::Mild => 5,
            Severity::Moderate => 10,
            Severity::ModeratelySevere => 15,
            Severity::Severe => 20,
        }
    }

    pub fn of(total: u8) -> Severity {
        match total {
            0..=4 => Severity::Minimal,
            5..=9 => Severity::Mild,
            10..=14 => Severity::Moderate,
            15..=19 => Severity::ModeratelySevere,
            _ => Severity::Severe,
        }
    }
}

/// The highest possible total.
pub const MAX_TOTAL: u8 = 27;

/// A change of 5 points is the minimal clinically important difference for an individual
/// (Löwe et al., Med Care 2004;42(12):1194–1201).
pub const MCID: u8 = 5;

/// A completed PHQ-9, checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Phq9 {
    pub items: [u8; 9],
    /// The tenth, unscored question: how difficult the problems made life (0–3).
    pub difficulty: Option<u8>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Phq9Score {
    pub total: u8,
    pub severity: Severity,
    /// Item 9 (thoughts of being better off dead or of self-harm) above 0.
    pub self_harm_risk: bool,
}

impl Phq9 {
    pub fn parse(items: &[i64], difficulty: Option<i64>) -> Result<Phq9, Problems> {
        let mut problems = Problems::new();
        let items = answers::<9>("items", items, 3, &mut problems);
        let difficulty = match difficulty {
            None => None,
            Some(d) if (0..=3).contains(&d) => Some(d as u8),
            Some(_) => {
                problems.add("difficulty", "expected a whole number from 0 to 3");
                None
            }
        };
        match items {
            Some(items) if problems.is_empty() => Ok(Phq9 { items, difficulty }),
            _ => Err(problems),
        }
    }

    pub fn score(&self) -> Phq9Score {
        let total = self.items.iter().sum();
        Phq9Score {
            total,
            severity: Severity::of(total),
            self_harm_risk: self.items[8] > 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn total(t: u8) -> Phq9 {
        // Spread the total over items 1–8, leaving item 9 at 0.
        let mut items = [0u8; 9];
        let mut left = t;
        for item in items.iter_mut().take(8) {
            let v = left.min(3);
            *item = v;
            left -= v;
        }
        Phq9 {
            items,
            difficulty: None,
        }
    }

    #[test]
    fn every_band_boundary_falls_where_kroenke_put_it() {
        for (t, band) in [
            (0, Severity::Minimal),
            (4, Severity::Minimal),
            (5, Severity::Mild),
            (9, Severity::Mild),
            (10, Severity::Moderate),
            (14, Severity::Moderate),
            (15, Severity::ModeratelySevere),
            (19, Severity::ModeratelySevere),
            (20, Severity::Severe),
            (24, Severity::Severe),
        ] {
            assert_eq!(total(t).score().severity, band, "total {t}");
            assert_eq!(total(t).score().total, t);
        }
        assert_eq!(Severity::of(27), Severity::Severe);
    }

    #[test]
    fn item_nine_above_zero_is_a_self_harm_risk_whatever_the_total() {
        let mut items = [0u8; 9];
        items[8] = 1;
        let s = Phq9 {
            items,
            difficulty: None,
        }
        .score();
        assert!(s.self_harm_risk);
        assert_eq!(s.severity, Severity::Minimal);
        assert!(!total(24).score().self_harm_risk);
    }

    #[test]
    fn only_item_nine_signals_self_harm() {
        for i in 0..8 {
            let mut items = [0u8; 9];
            items[i] = 3;
            assert!(
                !Phq9 {
                    items,
                    difficulty: None
                }
                .score()
                .self_harm_risk,
                "item {}",
                i + 1
            );
        }
    }

    #[test]
    fn every_item_position_counts_towards_the_total() {
        for i in 0..9 {
            let mut items = [0u8; 9];
            items[i] = 2;
            assert_eq!(
                Phq9 {
                    items,
                    difficulty: None
                }
                .score()
                .total,
                2,
                "item {}",
                i + 1
            );
        }
    }

    #[test]
    fn wrong_counts_and_out_of_range_answers_are_named() {
        let err = Phq9::parse(&[0; 8], None).unwrap_err();
        assert_eq!(err.iter().next().unwrap().field, "items");
        let err = Phq9::parse(&[0, 0, 0, 4, 0, 0, 0, 0, 0], Some(5)).unwrap_err();
        let fields: Vec<_> = err.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["items[3]", "difficulty"]);
    }

    #[test]
    fn the_difficulty_question_is_kept_but_not_scored() {
        let p = Phq9::parse(&[1; 9], Some(3)).unwrap();
        assert_eq!(p.difficulty, Some(3));
        assert_eq!(p.score().total, 9);
    }
}
