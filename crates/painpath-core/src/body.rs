//! The 19 body areas of the ACR 2016 Widespread Pain Index and the five regions they belong to.
//!
//! Codes are those of shared/contracts/score.md. Jaw, chest and abdomen count towards the WPI
//! but not towards generalised pain (Wolfe et al., 2016; reference/instruments.md 1.1).

use std::fmt;
use std::str::FromStr;

/// The five regions of the generalised-pain rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BodyRegionGroup {
    LeftUpper,
    RightUpper,
    LeftLower,
    RightLower,
    Axial,
}

impl BodyRegionGroup {
    pub fn code(self) -> &'static str {
        match self {
            BodyRegionGroup::LeftUpper => "left_upper",
            BodyRegionGroup::RightUpper => "right_upper",
            BodyRegionGroup::LeftLower => "left_lower",
            BodyRegionGroup::RightLower => "right_lower",
            BodyRegionGroup::Axial => "axial",
        }
    }
}

macro_rules! regions {
    ($( $variant:ident => $code:literal, $label:literal, $group:ident, $generalised:literal; )*) => {
        /// One of the 19 areas of the Widespread Pain Index.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum BodyRegion { $($variant),* }

        impl BodyRegion {
            /// Every area, in the order of the ACR 2016 form.
            pub const ALL: [BodyRegion; 19] = [$(BodyRegion::$variant),*];

            /// The contract's code (`left_shoulder_girdle`).
            pub fn code(self) -> &'static str {
                match self { $(BodyRegion::$variant => $code),* }
            }

            /// The area in plain UK English, as shown on pages and read by screen readers.
            pub fn label(self) -> &'static str {
                match self { $(BodyRegion::$variant => $label),* }
            }

            pub fn group(self) -> BodyRegionGroup {
                match self { $(BodyRegion::$variant => BodyRegionGroup::$group),* }
            }

            /// Whether pain here counts towards generalised pain (not jaw, chest or abdomen).
            pub fn counts_for_generalised_pain(self) -> bool {
                match self { $(BodyRegion::$variant => $generalised),* }
            }
        }

        impl FromStr for BodyRegion {
            type Err = UnknownBodyRegion;
            fn from_str(s: &str) -> Result<BodyRegion, UnknownBodyRegion> {
                match s { $($code => Ok(BodyRegion::$variant),)* _ => Err(UnknownBodyRegion) }
            }
        }
    };
}

regions! {
    LeftJaw => "left_jaw", "Left jaw", LeftUpper, false;
    LeftShoulderGirdle => "left_shoulder_girdle", "Left shoulder", LeftUpper, true;
    LeftUpperArm => "left_upper_arm", "Left upper arm", LeftUpper, true;
    LeftLowerArm => "left_lower_arm", "Left lower arm", LeftUpper, true;
    RightJaw => "right_jaw", "Right jaw", RightUpper, false;
    RightShoulderGirdle => "right_shoulder_girdle", "Right shoulder", RightUpper, true;
    RightUpperArm => "right_upper_arm", "Right upper arm", RightUpper, true;
    RightLowerArm => "right_lower_arm", "Right lower arm", RightUpper, true;
    LeftHip => "left_hip", "Left hip or buttock", LeftLower, true;
    LeftUpperLeg => "left_upper_leg", "Left upper leg", LeftLower, true;
    LeftLowerLeg => "left_lower_leg", "Left lower leg", LeftLower, true;
    RightHip => "right_hip", "Right hip or buttock", RightLower, true;
    RightUpperLeg => "right_upper_leg", "Right upper leg", RightLower, true;
    RightLowerLeg => "right_lower_leg", "Right lower leg", RightLower, true;
    Neck => "neck", "Neck", Axial, true;
    UpperBack => "upper_back", "Upper back", Axial, true;
    LowerBack => "lower_back", "Lower back", Axial, true;
    Chest => "chest", "Chest", Axial, false;
    Abdomen => "abdomen", "Abdomen (tummy)", Axial, false;
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("expected one of the 19 body region codes, such as left_shoulder_girdle or lower_back")]
pub struct UnknownBodyRegion;

impl fmt::Display for BodyRegion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_are_nineteen_regions_with_distinct_codes_that_round_trip() {
        let mut codes: Vec<_> = BodyRegion::ALL.iter().map(|r| r.code()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), 19);
        for r in BodyRegion::ALL {
            assert_eq!(r.code().parse::<BodyRegion>(), Ok(r));
        }
    }

    #[test]
    fn jaw_chest_and_abdomen_do_not_count_for_generalised_pain() {
        let excluded: Vec<_> = BodyRegion::ALL
            .iter()
            .filter(|r| !r.counts_for_generalised_pain())
            .map(|r| r.code())
            .collect();
        assert_eq!(excluded, ["left_jaw", "right_jaw", "chest", "abdomen"]);
    }

    #[test]
    fn regions_hold_four_four_three_three_and_five_areas() {
        let count = |g| BodyRegion::ALL.iter().filter(|r| r.group() == g).count();
        assert_eq!(count(BodyRegionGroup::LeftUpper), 4);
        assert_eq!(count(BodyRegionGroup::RightUpper), 4);
        assert_eq!(count(BodyRegionGroup::LeftLower), 3);
        assert_eq!(count(BodyRegionGroup::RightLower), 3);
        assert_eq!(count(BodyRegionGroup::Axial), 5);
    }

    #[test]
    fn an_unknown_code_is_rejected() {
        assert_eq!("left_elbow".parse::<BodyRegion>(), Err(UnknownBodyRegion));
        assert_eq!("Neck".parse::<BodyRegion>(), Err(UnknownBodyRegion));
    }
}
