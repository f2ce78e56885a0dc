//! Properties over random inputs: scores stay in range, and rules hold for every answer set.

use painpath_core::body::BodyRegion;
use painpath_core::instruments::acr2016::{Acr2016, Acr2016Draft};
use painpath_core::instruments::fiqr::Fiqr;
use painpath_core::instruments::gad7::{self, Gad7};
use painpath_core::instruments::phq9::{self, Phq9};
use proptest::prelude::*;

fn regions() -> impl Strategy<Value = Vec<String>> {
    proptest::sample::subsequence(BodyRegion::ALL.to_vec(), 0..=19)
        .prop_map(|rs| rs.into_iter().map(|r| r.code().to_owned()).collect())
}

proptest! {
    #[test]
    fn phq9_totals_stay_in_0_to_27_and_item_9_alone_decides_self_harm_risk(items in proptest::collection::vec(0i64..=3, 9)) {
        let s = Phq9::parse(&items, None).unwrap().score();
        prop_assert!(s.total <= phq9::MAX_TOTAL);
        prop_assert_eq!(s.self_harm_risk, items[8] > 0);
        prop_assert_eq!(u32::from(s.total), items.iter().sum::<i64>() as u32);
    }

    #[test]
    fn gad7_totals_stay_in_0_to_21(items in proptest::collection::vec(0i64..=3, 7)) {
        let s = Gad7::parse(&items).unwrap().score();
        prop_assert!(s.total <= gad7::MAX_TOTAL);
    }

    #[test]
    fn phq9_answers_outside_0_to_3_are_always_refused(mut items in proptest::collection::vec(0i64..=3, 9), i in 0usize..9, bad in prop_oneof![-100i64..0, 4i64..100]) {
        items[i] = bad;
        let err = Phq9::parse(&items, None).unwrap_err();
        prop_assert_eq!(err.iter().next().unwrap().field.clone(), format!("items[{i}]"));
    }

    #[test]
    fn fiqr_scores_stay_in_their_ranges(
        function in proptest::collection::vec(0i64..=10, 9),
        overall in proptest::collection::vec(0i64..=10, 2),
        symptoms in proptest::collection::vec(0i64..=10, 10),
    ) {
        let s = Fiqr::parse(&function, &overall, &symptoms).unwrap().score();
        prop_assert!(s.function_tenths() <= 300);
        prop_assert!(s.overall_tenths() <= 200);
        prop_assert!(s.symptoms_tenths() <= 500);
        prop_assert!(s.total_tenths() <= 1000);
        prop_assert!(s.total() >= 0.0 && s.total() <= 100.0);
    }

    #[test]
    fn acr2016_scores_stay_in_range_and_a_positive_result_has_fs_of_at_least_12(
        pain_regions in regions(),
        a in 0i64..=3, b in 0i64..=3, c in 0i64..=3,
        h in any::<bool>(), l in any::<bool>(), d in any::<bool>(), months in any::<bool>(),
    ) {
        let s = Acr2016::parse(&Acr2016Draft {
            pain_regions, fatigue: a, waking_unrefreshed: b, cognitive_symptoms: c,
            headaches: h, lower_abdominal_pain_or_cramps: l, depression: d, symptoms_at_least_3_months: months,
        }).unwrap().score();
        prop_assert!(s.wpi <= 19);
        prop_assert!(s.sss <= 12);
        prop_assert_eq!(s.fs, s.wpi + s.sss);
        prop_assert!(s.fs <= 31);
        prop_assert_eq!(s.meets_criteria, s.unmet.is_empty());
        if s.meets_criteria {
            prop_assert!(s.fs >= 12);
            prop_assert!(s.generalised_pain);
            prop_assert!(months);
        }
        let codes: Vec<_> = s.unmet.iter().map(|u| u.code()).collect();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        prop_assert_eq!(codes, sorted);
    }
}
