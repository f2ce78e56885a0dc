//! Validated questionnaires: how each is checked and scored (shared/contracts/score.md).
//!
//! Scoring rules are algorithms and live here, each constant beside its source; the wording of
//! the questions and their codes are content and live in `kb/instruments/`.

pub mod acr2016;
pub mod fiqr;
pub mod gad7;
pub mod phq9;
pub mod response;

use std::fmt;
use std::str::FromStr;

use crate::problems::Problems;

/// The questionnaires painpath scores.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Instrument {
    Acr2016,
    Phq9,
    Gad7,
    Fiqr,
}

impl Instrument {
    pub const ALL: [Instrument; 4] = [
        Instrument::Acr2016,
        Instrument::Phq9,
        Instrument::Gad7,
        Instrument::Fiqr,
    ];

    /// The contract's code (`acr2016`, `phq9`, `gad7`, `fiqr`).
    pub fn code(self) -> &'static str {
        match self {
            Instrument::Acr2016 => "acr2016",
            Instrument::Phq9 => "phq9",
            Instrument::Gad7 => "gad7",
            Instrument::Fiqr => "fiqr",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Instrument::Acr2016 => "Fibromyalgia survey (ACR 2016 criteria)",
            Instrument::Phq9 => "Mood (PHQ-9)",
            Instrument::Gad7 => "Anxiety (GAD-7)",
            Instrument::Fiqr => "Impact of fibromyalgia (FIQR)",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("expected one of acr2016, phq9, gad7, fiqr")]
pub struct UnknownInstrument;

impl FromStr for Instrument {
    type Err = UnknownInstrument;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Instrument::ALL
            .into_iter()
            .find(|i| i.code() == s)
            .ok_or(UnknownInstrument)
    }
}

impl fmt::Display for Instrument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Checks a list of whole-number answers: the count, and each answer within `0..=max`.
/// `field` is the list's name (`items`); problems name each position (`items[3]`).
pub(crate) fn answers<const N: usize>(
    field: &str,
    raw: &[i64],
    max: u8,
    problems: &mut Problems,
) -> Option<[u8; N]> {
    if raw.len() != N {
        problems.add(field, format!("expected {N} answers, got {}", raw.len()));
        return None;
    }
    let mut out = [0u8; N];
    let mut ok = true;
    for (i, v) in raw.iter().enumerate() {
        match u8::try_from(*v).ok().filter(|v| *v <= max) {
            Some(v) => out[i] = v,
            None => {
                problems.add(
                    format!("{field}[{i}]"),
                    format!("expected a whole number from 0 to {max}"),
                );
                ok = false;
            }
        }
    }
    ok.then_some(out)
}

/// Rounds `numerator / denominator` (both non-negative) to a whole number, half away from zero
/// (contracts/README.md), without going through floating point.
pub fn round_ratio(numerator: u32, denominator: u32) -> u32 {
    let q = numerator / denominator;
    let r = numerator % denominator;
    if r * 2 >= denominator { q + 1 } else { q }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instrument_codes_round_trip_and_unknown_ones_are_refused() {
        for i in Instrument::ALL {
            assert_eq!(i.code().parse::<Instrument>(), Ok(i));
        }
        assert_eq!("phq-9".parse::<Instrument>(), Err(UnknownInstrument));
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(round_ratio(165, 10), 17);
        assert_eq!(round_ratio(164, 10), 16);
        assert_eq!(round_ratio(5, 3), 2);
        assert_eq!(round_ratio(4, 3), 1);
    }

    #[test]
    fn answers_name_every_wrong_position_and_a_wrong_count() {
        let mut p = Problems::new();
        assert_eq!(answers::<3>("items", &[0, 4, -1], 3, &mut p), None);
        let fields: Vec<_> = p.iter().map(|x| x.field.clone()).collect();
        assert_eq!(fields, ["items[1]", "items[2]"]);
        let mut p = Problems::new();
        assert_eq!(answers::<3>("items", &[0, 1], 3, &mut p), None);
        assert_eq!(p.iter().next().unwrap().field, "items");
    }
}
