//! FIQR, the Revised Fibromyalgia Impact Questionnaire: 21 items, each 0–10 over the past 7 days,
//! in three domains; total 0–100 (Bennett et al., Arthritis Res Ther 2009;11(4):R120).
//!
//! Function = sum of 9 items / 3; overall impact = sum of 2 items; symptoms = sum of 10 items / 2;
//! total = the three added. The published rule that prorates one missing function item is not
//! supported: every answer is required (contracts/score.md).
//!
//! Scores are held exactly, in sixths of a point, because function scores are thirds; they are
//! rounded only for output, half away from zero.

use crate::problems::Problems;

use super::{answers, round_ratio};

/// A completed FIQR, checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fiqr {
    pub function: [u8; 9],
    pub overall: [u8; 2],
    pub symptoms: [u8; 10],
}

/// The three domain scores and the total, exact.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FiqrScore {
    function_sum: u32,
    overall_sum: u32,
    symptoms_sum: u32,
}

impl FiqrScore {
    /// The total in sixths of a point (0 to 600), for exact comparison with band limits.
    pub fn total_sixths(&self) -> u32 {
        2 * self.function_sum + 6 * self.overall_sum + 3 * self.symptoms_sum
    }

    /// Each score in tenths, rounded half away from zero, for output with one decimal place.
    pub fn function_tenths(&self) -> u32 {
        round_ratio(self.function_sum * 10, 3)
    }
    pub fn overall_tenths(&self) -> u32 {
        self.overall_sum * 10
    }
    pub fn symptoms_tenths(&self) -> u32 {
        self.symptoms_sum * 5
    }
    pub fn total_tenths(&self) -> u32 {
        round_ratio(self.total_sixths() * 10, 6)
    }

    /// The unrounded total, for charts.
    pub fn total(&self) -> f64 {
        f64::from(self.total_sixths()) / 6.0
    }
}

impl Fiqr {
    pub fn parse(function: &[i64], overall: &[i64], symptoms: &[i64]) -> Result<Fiqr, Problems> {
        let mut problems = Problems::new();
        let function = answers::<9>("function", function, 10, &mut problems);
        let overall = answers::<2>("overall", overall, 10, &mut problems);
        let symptoms = answers::<10>("symptoms", symptoms, 10, &mut problems);
        match (function, overall, symptoms) {
            (Some(function), Some(overall), Some(symptoms)) => Ok(Fiqr {
                function,
                overall,
                symptoms,
            }),
            _ => Err(problems),
        }
    }

    pub fn score(&self) -> FiqrScore {
        let sum = |xs: &[u8]| xs.iter().map(|x| u32::from(*x)).sum();
        FiqrScore {
            function_sum: sum(&self.function),
            overall_sum: sum(&self.overall),
            symptoms_sum: sum(&self.symptoms),
        }
    }
}

/// Shows tenths as a number with one decimal place (`455` → `45.5`).
pub fn tenths_text(tenths: u32) -> String {
    format!("{}.{}", tenths / 10, tenths % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_contract_example_scores_as_published() {
        // score.md: function 10.0, overall 8.0, symptoms 27.5, total 45.5.
        let f = Fiqr {
            function: [3, 3, 3, 3, 3, 3, 3, 3, 6],
            overall: [4, 4],
            symptoms: [5, 5, 5, 5, 5, 6, 6, 6, 4, 8],
        };
        let s = f.score();
        assert_eq!(tenths_text(s.function_tenths()), "10.0");
        assert_eq!(tenths_text(s.overall_tenths()), "8.0");
        assert_eq!(tenths_text(s.symptoms_tenths()), "27.5");
        assert_eq!(tenths_text(s.total_tenths()), "45.5");
    }

    #[test]
    fn thirds_are_rounded_half_away_from_zero_only_for_output() {
        let f = Fiqr {
            function: [1, 0, 0, 0, 0, 0, 0, 0, 0],
            overall: [0, 0],
            symptoms: [0; 10],
        };
        assert_eq!(tenths_text(f.score().function_tenths()), "0.3");
        let f = Fiqr {
            function: [2, 0, 0, 0, 0, 0, 0, 0, 0],
            overall: [0, 0],
            symptoms: [0; 10],
        };
        assert_eq!(tenths_text(f.score().function_tenths()), "0.7");
        // 2/3 + 1/2 = 7/6 = 1.1666…: the total is rounded from the exact sum, not from rounded parts.
        let f = Fiqr {
            function: [2, 0, 0, 0, 0, 0, 0, 0, 0],
            overall: [0, 0],
            symptoms: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        };
        assert_eq!(tenths_text(f.score().total_tenths()), "1.2");
        assert_eq!(f.score().total_sixths(), 7);
    }

    #[test]
    fn the_extremes_are_0_and_100() {
        let low = Fiqr {
            function: [0; 9],
            overall: [0; 2],
            symptoms: [0; 10],
        };
        assert_eq!(low.score().total_tenths(), 0);
        let high = Fiqr {
            function: [10; 9],
            overall: [10; 2],
            symptoms: [10; 10],
        };
        let s = high.score();
        assert_eq!(tenths_text(s.function_tenths()), "30.0");
        assert_eq!(tenths_text(s.overall_tenths()), "20.0");
        assert_eq!(tenths_text(s.symptoms_tenths()), "50.0");
        assert_eq!(tenths_text(s.total_tenths()), "100.0");
    }

    #[test]
    fn every_item_position_counts_in_its_own_domain() {
        for i in 0..9 {
            let mut function = [0u8; 9];
            function[i] = 3;
            let s = Fiqr {
                function,
                overall: [0; 2],
                symptoms: [0; 10],
            }
            .score();
            assert_eq!(s.function_tenths(), 10, "function item {}", i + 1);
        }
        for i in 0..2 {
            let mut overall = [0u8; 2];
            overall[i] = 1;
            assert_eq!(
                Fiqr {
                    function: [0; 9],
                    overall,
                    symptoms: [0; 10]
                }
                .score()
                .overall_tenths(),
                10
            );
        }
        for i in 0..10 {
            let mut symptoms = [0u8; 10];
            symptoms[i] = 1;
            assert_eq!(
                Fiqr {
                    function: [0; 9],
                    overall: [0; 2],
                    symptoms
                }
                .score()
                .symptoms_tenths(),
                5
            );
        }
    }

    #[test]
    fn a_missing_answer_is_refused_not_prorated() {
        let err = Fiqr::parse(&[1; 8], &[1; 2], &[1; 10]).unwrap_err();
        assert_eq!(err.iter().next().unwrap().field, "function");
        let err = Fiqr::parse(&[1; 9], &[1, 11], &[1; 10]).unwrap_err();
        assert_eq!(err.iter().next().unwrap().field, "overall[1]");
    }
}
