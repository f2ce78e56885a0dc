//! The 0–10 numeric rating scale (NRS) used for every symptom domain in the diary.
//!
//! Direction differs by domain (design.md 12): for pain, fatigue, fog, stress and sensitivity
//! 0 is none and 10 the worst; for mood and sleep quality 0 is very poor and 10 very good.
//! The scale itself does not know its direction; [`crate::diary::Domain`] does.

use std::fmt;

/// A whole-number rating from 0 to 10. The only way to make one is [`Nrs::new`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Nrs(u8); // Invariant: at most 10.

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("expected a whole number from 0 to 10")]
pub struct NrsError;

impl Nrs {
    pub const MAX: u8 = 10;

    pub fn new(value: i64) -> Result<Nrs, NrsError> {
        u8::try_from(value)
            .ok()
            .filter(|v| *v <= Self::MAX)
            .map(Nrs)
            .ok_or(NrsError)
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

impl fmt::Display for Nrs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_and_ten_are_accepted() {
        assert_eq!(Nrs::new(0).map(Nrs::get), Ok(0));
        assert_eq!(Nrs::new(10).map(Nrs::get), Ok(10));
    }

    #[test]
    fn values_outside_zero_to_ten_are_rejected() {
        assert_eq!(Nrs::new(11), Err(NrsError));
        assert_eq!(Nrs::new(-1), Err(NrsError));
        assert_eq!(Nrs::new(256), Err(NrsError));
    }
}
