//! The body map: the 19 areas of the ACR 2016 Widespread Pain Index drawn on a front and a back
//! view of a plain figure, to tap, click or reach with the keyboard. Rendered by the partial
//! `templates/body_map.html`, which reads a [`BodyMap`] from a variable called `map`.
//!
//! It needs no JavaScript. The 19 real checkboxes form an ordinary list in the order of the ACR
//! form (left upper, right upper, left lower, right lower, axial), so with styles off, and for a
//! screen reader, the map is a plain list of labelled checkboxes. With styles on, each checkbox
//! sits, invisible, on its area of the front view (upper and lower back: the back view), and each
//! area's shape is a `<label for>` that toggles it; `app.css` draws the chosen and focused areas
//! with `:has()`. Left and right are always the person's own: on the front view their left is on
//! the viewer's right.
//!
//! The drawing is hand-written on a 160 × 400 grid ([`VIEW_BOX`]). Paired areas are drawn once,
//! on the viewer's left of the front view, and mirrored about x = 100 for the other side.

use std::collections::BTreeSet;

use painpath_core::body::{BodyRegion, BodyRegionGroup};

/// The coordinate system shared by the outline and every area, on both views.
pub const VIEW_BOX: &str = "20 0 160 400";

/// What the legend says unless the including page chooses otherwise.
pub const DEFAULT_LEGEND: &str = "Where did it hurt? Choose every area that applies";

type Points = &'static [(i16, i16)];

// Areas on the viewer's left of the front view, which is the person's right side.
const JAW: Points = &[(98, 38), (78, 38), (80, 46), (85, 53), (90, 57), (98, 60)];
#[rustfmt::skip]
const SHOULDER: Points = &[
    (85, 84), (66, 85), (52, 90), (45, 100), (43, 115), (63, 117), (66, 101), (86, 97),
];
const UPPER_ARM: Points = &[(44, 119), (63, 121), (57, 190), (37, 186)];
const LOWER_ARM: Points = &[(37, 190), (57, 194), (48, 264), (28, 260)];
const HIP: Points = &[(69, 214), (98, 214), (98, 242), (62, 242), (63, 226)];
const UPPER_LEG: Points = &[(62, 246), (98, 246), (95, 318), (70, 318)];
const LOWER_LEG: Points = &[(70, 322), (95, 322), (92, 382), (76, 382)];

// Areas across the middle of the body.
const NECK: Points = &[(89, 63), (111, 63), (113, 80), (87, 80)];
/// The chest on the front view, the upper back on the back view.
#[rustfmt::skip]
const UPPER_TRUNK: Points = &[
    (69, 103), (88, 100), (112, 100), (131, 103), (133, 160), (67, 160),
];
/// The abdomen on the front view, the lower back on the back view.
const LOWER_TRUNK: Points = &[(67, 164), (133, 164), (131, 210), (69, 210)];

/// The left half of the body's outline, from the neck down to the crotch; mirrored for the
/// right half. The head is an ellipse in the template.
#[rustfmt::skip]
const OUTLINE_HALF: Points = &[
    // Neck and shoulder, down the outside of the arm.
    (88, 58), (86, 82), (64, 83), (50, 88), (42, 99), (40, 116), (34, 188), (25, 261),
    // Hand, then up the inside of the arm to the armpit.
    (22, 280), (25, 294), (34, 300), (44, 297), (49, 284), (50, 266), (60, 195), (65, 124),
    // Side of the trunk, down the outside of the leg.
    (64, 160), (66, 211), (59, 226), (59, 244), (67, 320), (73, 384),
    // Foot, then up the inside of the leg.
    (68, 392), (71, 398), (97, 398), (97, 384), (98, 322), (100, 250),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Facing {
    Front,
    Back,
}

enum Side {
    Left,
    Right,
    Middle,
}

fn side(region: BodyRegion) -> Side {
    match region.group() {
        BodyRegionGroup::LeftUpper | BodyRegionGroup::LeftLower => Side::Left,
        BodyRegionGroup::RightUpper | BodyRegionGroup::RightLower => Side::Right,
        BodyRegionGroup::Axial => Side::Middle,
    }
}

/// The shape of an area on one view, or `None` when that view does not show it.
fn points(region: BodyRegion, facing: Facing) -> Option<Vec<(i16, i16)>> {
    use BodyRegion::*;
    let base = match (region, facing) {
        (LeftJaw | RightJaw | Chest | Abdomen, Facing::Back) => return None,
        (UpperBack | LowerBack, Facing::Front) => return None,
        (LeftJaw | RightJaw, _) => JAW,
        (LeftShoulderGirdle | RightShoulderGirdle, _) => SHOULDER,
        (LeftUpperArm | RightUpperArm, _) => UPPER_ARM,
        (LeftLowerArm | RightLowerArm, _) => LOWER_ARM,
        (LeftHip | RightHip, _) => HIP,
        (LeftUpperLeg | RightUpperLeg, _) => UPPER_LEG,
        (LeftLowerLeg | RightLowerLeg, _) => LOWER_LEG,
        (Neck, _) => NECK,
        (UpperBack | Chest, _) => UPPER_TRUNK,
        (LowerBack | Abdomen, _) => LOWER_TRUNK,
    };
    // The drawn copy is the person's right on the front view and their left on the back view.
    let mirrored = matches!(
        (side(region), facing),
        (Side::Left, Facing::Front) | (Side::Right, Facing::Back)
    );
    Some(
        base.iter()
            .map(|&(x, y)| if mirrored { (200 - x, y) } else { (x, y) })
            .collect(),
    )
}

/// Points as SVG path data: `M98 38 78 38 80 46Z`.
fn path_data(points: &[(i16, i16)]) -> String {
    let pairs: Vec<String> = points.iter().map(|(x, y)| format!("{x} {y}")).collect();
    format!("M{}Z", pairs.join(" "))
}

/// One area as a checkbox.
#[derive(Clone, Debug)]
pub struct MapArea {
    /// The contract's code, which is also the checkbox's value.
    pub code: &'static str,
    /// The plain name, which is the checkbox's label ("Left shoulder").
    pub label: &'static str,
    /// The checkbox's id: the map's prefix, a hyphen and the code (`region-neck`).
    pub id: String,
    pub checked: bool,
}

/// One area's shape on one view: a `<label for>` the checkbox with `id`.
#[derive(Clone, Debug)]
pub struct MapShape {
    pub code: &'static str,
    pub id: String,
    /// SVG path data in `VIEW_BOX` coordinates.
    pub d: String,
}

/// The front or the back of the figure.
#[derive(Clone, Debug)]
pub struct MapView {
    /// "Front" or "Back", shown above the figure.
    pub name: &'static str,
    /// `front` or `back`, for the stylesheet.
    pub class: &'static str,
    /// Whose side is on the viewer's left and right: "Your right" and "Your left" on the front.
    pub viewer_left: &'static str,
    pub viewer_right: &'static str,
    pub shapes: Vec<MapShape>,
    /// The checkboxes that sit on this view (upper and lower back on the back, all else on
    /// the front), in the order of the ACR form.
    pub inputs: Vec<MapArea>,
}

/// Everything the `body_map.html` partial needs.
#[derive(Clone, Debug)]
pub struct BodyMap {
    /// The form field every checkbox submits (`pain_regions`); also the fieldset's id, so an
    /// error summary can link to it.
    pub field: &'static str,
    /// The question; [`DEFAULT_LEGEND`] unless the page sets another.
    pub legend: &'static str,
    /// A problem with the field to show under the legend, or empty.
    pub problem: String,
    /// All 19 areas in the order of the ACR form.
    pub areas: Vec<MapArea>,
    pub views: Vec<MapView>,
}

impl BodyMap {
    /// A map whose checkboxes submit `field`, have ids `{id_prefix}-{code}`, and are ticked for
    /// each code in `chosen`. Codes that are not body areas are ignored.
    pub fn new(field: &'static str, id_prefix: &str, chosen: &[String]) -> BodyMap {
        let chosen: BTreeSet<BodyRegion> = chosen.iter().filter_map(|c| c.parse().ok()).collect();
        let areas: Vec<MapArea> = BodyRegion::ALL
            .iter()
            .map(|&r| MapArea {
                code: r.code(),
                label: r.label(),
                id: format!("{id_prefix}-{}", r.code()),
                checked: chosen.contains(&r),
            })
            .collect();
        let view = |facing: Facing| {
            // A checkbox sits on the front view unless the front does not show its area.
            let hosts =
                |r: &BodyRegion| points(*r, Facing::Front).is_some() == (facing == Facing::Front);
            let shapes = BodyRegion::ALL
                .iter()
                .zip(&areas)
                .filter_map(|(r, a)| {
                    Some(MapShape {
                        code: a.code,
                        id: a.id.clone(),
                        d: path_data(&points(*r, facing)?),
                    })
                })
                .collect();
            let inputs = BodyRegion::ALL
                .iter()
                .zip(&areas)
                .filter(|(r, _)| hosts(r))
                .map(|(_, a)| a.clone())
                .collect();
            let (name, class, viewer_left, viewer_right) = match facing {
                Facing::Front => ("Front", "front", "Your right", "Your left"),
                Facing::Back => ("Back", "back", "Your left", "Your right"),
            };
            MapView {
                name,
                class,
                viewer_left,
                viewer_right,
                shapes,
                inputs,
            }
        };
        let views = vec![view(Facing::Front), view(Facing::Back)];
        BodyMap {
            field,
            legend: DEFAULT_LEGEND,
            problem: String::new(),
            areas,
            views,
        }
    }

    /// The same map showing a problem with its field.
    pub fn with_problem(mut self, problem: &str) -> BodyMap {
        problem.clone_into(&mut self.problem);
        self
    }

    pub fn view_box(&self) -> &'static str {
        VIEW_BOX
    }

    /// The body's outline below the head, as SVG path data.
    pub fn outline(&self) -> String {
        let right_half = OUTLINE_HALF
            .iter()
            .rev()
            .skip(1)
            .map(|&(x, y)| (200 - x, y));
        let whole: Vec<(i16, i16)> = OUTLINE_HALF.iter().copied().chain(right_half).collect();
        path_data(&whole)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chosen(codes: &[&str]) -> Vec<String> {
        codes.iter().map(|c| (*c).to_owned()).collect()
    }

    /// Whether a point is inside a polygon (even-odd rule).
    fn inside(p: (f64, f64), poly: &[(i16, i16)]) -> bool {
        let mut result = false;
        let mut j = poly.len() - 1;
        for i in 0..poly.len() {
            let (xi, yi) = (f64::from(poly[i].0), f64::from(poly[i].1));
            let (xj, yj) = (f64::from(poly[j].0), f64::from(poly[j].1));
            if (yi > p.1) != (yj > p.1) && p.0 < (xj - xi) * (p.1 - yi) / (yj - yi) + xi {
                result = !result;
            }
            j = i;
        }
        result
    }

    #[test]
    fn the_checkboxes_come_in_the_order_of_the_acr_form_with_the_chosen_ones_ticked() {
        let map = BodyMap::new(
            "pain_regions",
            "region",
            &chosen(&["neck", "left_hip", "elbow"]),
        );
        let order: Vec<_> = map.areas.iter().map(|a| a.code).collect();
        let expected: Vec<_> = BodyRegion::ALL.iter().map(|r| r.code()).collect();
        assert_eq!(order, expected);
        let ticked: Vec<_> = map
            .areas
            .iter()
            .filter(|a| a.checked)
            .map(|a| a.id.as_str())
            .collect();
        assert_eq!(ticked, ["region-left_hip", "region-neck"]);
        assert_eq!(map.areas[1].label, "Left shoulder");
        assert_eq!(map.legend, DEFAULT_LEGEND);
    }

    #[test]
    fn every_checkbox_sits_on_exactly_one_view_and_the_lists_keep_the_form_order() {
        let map = BodyMap::new("pain_regions", "region", &[]);
        let front: Vec<_> = map.views[0].inputs.iter().map(|a| a.code).collect();
        let back: Vec<_> = map.views[1].inputs.iter().map(|a| a.code).collect();
        assert_eq!(front.len(), 17);
        assert_eq!(back, ["upper_back", "lower_back"]);
        let together: Vec<_> = front.iter().chain(&back).collect();
        let mut sorted = together.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 19);
        // Left upper, right upper, left lower, right lower, then the middle of the body.
        assert_eq!(
            &front[..4],
            [
                "left_jaw",
                "left_shoulder_girdle",
                "left_upper_arm",
                "left_lower_arm"
            ]
        );
        assert_eq!(&front[14..], ["neck", "chest", "abdomen"]);
    }

    #[test]
    fn the_views_show_the_right_areas() {
        let map = BodyMap::new("pain_regions", "region", &[]);
        let codes = |v: &MapView| v.shapes.iter().map(|s| s.code).collect::<Vec<_>>();
        let front = codes(&map.views[0]);
        let back = codes(&map.views[1]);
        assert_eq!(front.len(), 17);
        assert_eq!(back.len(), 15);
        for only_front in ["left_jaw", "right_jaw", "chest", "abdomen"] {
            assert!(
                front.contains(&only_front) && !back.contains(&only_front),
                "{only_front}"
            );
        }
        for only_back in ["upper_back", "lower_back"] {
            assert!(
                back.contains(&only_back) && !front.contains(&only_back),
                "{only_back}"
            );
        }
        let shape = &map.views[1]
            .shapes
            .iter()
            .find(|s| s.code == "neck")
            .map(|s| s.id.as_str());
        assert_eq!(*shape, Some("region-neck"));
    }

    #[test]
    fn left_and_right_are_the_persons_own() {
        let centre_x = |r: BodyRegion, f: Facing| {
            let p = points(r, f)?;
            Some(p.iter().map(|&(x, _)| i32::from(x)).sum::<i32>() / p.len() as i32)
        };
        for r in BodyRegion::ALL {
            let (front, back) = (centre_x(r, Facing::Front), centre_x(r, Facing::Back));
            // Facing us, their left is on our right; from behind, on our left.
            let (front_ok, back_ok) = match side(r) {
                Side::Left => (front > Some(100), back.is_none_or(|x| x < 100)),
                Side::Right => (front.is_some_and(|x| x < 100), back.is_none_or(|x| x > 100)),
                Side::Middle => (true, true),
            };
            assert!(front_ok && back_ok, "{r}: front {front:?}, back {back:?}");
        }
        let map = BodyMap::new("pain_regions", "region", &[]);
        assert_eq!(
            (map.views[0].viewer_left, map.views[0].viewer_right),
            ("Your right", "Your left")
        );
        assert_eq!(
            (map.views[1].viewer_left, map.views[1].viewer_right),
            ("Your left", "Your right")
        );
    }

    #[test]
    fn shapes_on_a_view_do_not_overlap_and_stay_inside_the_outline() {
        // Sample a grid: no point may be in two areas, and every area point is inside the body.
        let mut outline: Vec<(i16, i16)> = OUTLINE_HALF.to_vec();
        outline.extend(
            OUTLINE_HALF
                .iter()
                .rev()
                .skip(1)
                .map(|&(x, y)| (200 - x, y)),
        );
        let head =
            |(x, y): (f64, f64)| ((x - 100.0) / 23.0).powi(2) + ((y - 32.0) / 28.0).powi(2) <= 1.0;
        for facing in [Facing::Front, Facing::Back] {
            let shapes: Vec<_> = BodyRegion::ALL
                .iter()
                .filter_map(|r| Some((*r, points(*r, facing)?)))
                .collect();
            for y in 0..400 {
                for x in 20..180 {
                    let p = (f64::from(x) + 0.5, f64::from(y) + 0.5);
                    let hits: Vec<_> = shapes
                        .iter()
                        .filter(|(_, s)| inside(p, s))
                        .map(|(r, _)| *r)
                        .collect();
                    assert!(hits.len() <= 1, "{p:?} is in {hits:?}");
                    if !hits.is_empty() {
                        assert!(
                            inside(p, &outline) || head(p),
                            "{p:?} of {hits:?} is outside the body"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn every_coordinate_is_on_the_grid() {
        let (x0, width) = (20, 160);
        for r in BodyRegion::ALL {
            for facing in [Facing::Front, Facing::Back] {
                for (x, y) in points(r, facing).unwrap_or_default() {
                    assert!(
                        (x0..=x0 + width).contains(&x) && (0..=400).contains(&y),
                        "{r} {x} {y}"
                    );
                }
            }
        }
        assert_eq!(VIEW_BOX, format!("{x0} 0 {width} 400"));
    }

    /// Each checkbox is placed on its area by a rule in app.css (`[value="neck"] { left: 50%;
    /// top: 19%; }`), so a keyboard user's focus brings that area into view. The rule must
    /// land inside the shape, on the view that holds the checkbox.
    #[test]
    fn the_stylesheet_puts_each_checkbox_on_its_own_area() {
        let css = include_str!("../../static/app.css");
        let map = BodyMap::new("pain_regions", "region", &[]);
        for (view, facing) in map.views.iter().zip([Facing::Front, Facing::Back]) {
            for area in &view.inputs {
                let key = format!("[value=\"{}\"] {{", area.code);
                let rule = css
                    .lines()
                    .find(|l| l.trim_start().starts_with(".bodymap-inputs") && l.contains(&key))
                    .unwrap_or_else(|| panic!("app.css has no position for {}", area.code));
                let percent = |prop: &str| -> f64 {
                    let start = rule.find(&format!("{prop}: ")).map(|i| i + prop.len() + 2);
                    let text = start.map(|s| &rule[s..]).and_then(|t| t.split('%').next());
                    text.and_then(|t| t.parse().ok()).unwrap_or(-1.0)
                };
                let p = (
                    20.0 + 160.0 * percent("left") / 100.0,
                    400.0 * percent("top") / 100.0,
                );
                let region: BodyRegion = area.code.parse().unwrap();
                let shape = points(region, facing).unwrap();
                assert!(
                    inside(p, &shape),
                    "{} sits at {p:?}, outside its area",
                    area.code
                );
                // Off the middle of the shape's box, where a click on the shape is aimed.
                let (xs, ys): (Vec<i16>, Vec<i16>) = shape.iter().copied().unzip();
                let mid =
                    |v: &[i16]| f64::from(v.iter().min().unwrap() + v.iter().max().unwrap()) / 2.0;
                let off = (p.0 - mid(&xs)).hypot(p.1 - mid(&ys));
                assert!(off >= 4.0, "{} sits in the middle of its area", area.code);
            }
        }
    }

    #[test]
    fn path_data_is_a_closed_polygon_of_whole_numbers() {
        assert_eq!(path_data(&[(1, 2), (3, 4), (5, 6)]), "M1 2 3 4 5 6Z");
        let map = BodyMap::new("pain_regions", "region", &[]);
        assert!(map.outline().starts_with("M88 58 86 82"));
        assert!(map.outline().ends_with("114 82 112 58Z"));
    }

    #[test]
    fn a_page_can_change_the_legend_and_show_a_problem() {
        let mut map = BodyMap::new("wpi", "wpi", &[]).with_problem("choose at least one area");
        map.legend = "In the past week, where did it hurt?";
        assert_eq!(map.field, "wpi");
        assert_eq!(map.problem, "choose at least one area");
        assert_eq!(map.areas[0].id, "wpi-left_jaw");
    }
}
