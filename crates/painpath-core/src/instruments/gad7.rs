//! GAD-7: seven items, each 0–3 over the last two weeks; total 0–21.
//!
//! Bands: Spitzer, Kroenke, Williams and Löwe, Arch Intern Med 2006;166:1092–1097 (cut-points 5,
//! 10, 15).

use crate::problems::Problems;

use super::answers;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Minimal,
    Mild,
    Moderate,
    Severe,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Minimal,
        Severity::Mild,
        Severity::Moderate,
        Severity::Severe,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Severity::Minimal => "minimal",
            Severity::Mild => "mild",
            Severity::Moderate => "moderate",
            Severity::Severe => "severe",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Severity::Minimal => "Minimal",
            Severity::Mild => "Mild",
            Severity::Moderate => "Moderate",
            Severity::Severe => "Severe",
        }
    }

    pub fn from_total(self) -> u8 {
        match self {
            Severity::Minimal => 0,
            Severity::Mild => 5,
            Severity::Moderate => 10,
            Severity::Severe => 15,
        }
    }

    pub fn of(total: u8) -> Severity {
        match total {
            0..=4 => Severity::Minimal,
            5..=9 => Severity::Mild,
            10..=14 => Severity::Moderate,
            _ => Severity::Severe,
        }
    }
}

pub const MAX_TOTAL: u8 = 21;

/// 4 points, from a trial in chronic depression; the authors ask for confirmation in anxiety
/// (Toussaint et al., J Affect Disord 2020;265:395–401).
pub const MCID: u8 = 4;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gad7 {
    pub items: [u8; 7],
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gad7Score {
    pub total: u8,
    pub severity: Severity,
}

impl Gad7 {
    pub fn parse(items: &[i64]) -> Result<Gad7, Problems> {
        let mut problems = Problems::new();
        match answers::<7>("items", items, 3, &mut problems) {
            Some(items) => Ok(Gad7 { items }),
            None => Err(problems),
        }
    }

    pub fn score(&self) -> Gad7Score {
        let total = self.items.iter().sum();
        Gad7Score {
            total,
            severity: Severity::of(total),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn total(t: u8) -> Gad7 {
        let mut items = [0u8; 7];
        let mut left = t;
        for item in items.iter_mut() {
            let v = left.min(3);
            *item = v;
            left -= v;
        }
        Gad7 { items }
    }

    #[test]
    fn every_band_boundary_falls_where_spitzer_put_it() {
        for (t, band) in [
            (0, Severity::Minimal),
            (4, Severity::Minimal),
            (5, Severity::Mild),
            (9, Severity::Mild),
            (10, Severity::Moderate),
            (14, Severity::Moderate),
            (15, Severity::Severe),
            (21, Severity::Severe),
        ] {
            assert_eq!(total(t).score().severity, band, "total {t}");
            assert_eq!(total(t).score().total, t);
        }
    }

    #[test]
    fn every_item_position_counts_towards_the_total() {
        for i in 0..7 {
            let mut items = [0u8; 7];
            items[i] = 3;
            assert_eq!(Gad7 { items }.score().total, 3, "item {}", i + 1);
        }
    }

    #[test]
    fn wrong_counts_and_out_of_range_answers_are_named() {
        assert_eq!(
            Gad7::parse(&[0; 9])
                .unwrap_err()
                .iter()
                .next()
                .unwrap()
                .field,
            "items"
        );
        assert_eq!(
            Gad7::parse(&[0, 0, 0, 0, 0, 0, 7])
                .unwrap_err()
                .iter()
                .next()
                .unwrap()
                .field,
            "items[6]"
        );
        assert!(Gad7::parse(&[3; 7]).is_ok());
    }
}
