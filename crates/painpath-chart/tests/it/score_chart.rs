//! The score chart as a questionnaire page uses it: totals at irregular dates over shaded
//! severity bands, with the MCID as a bracket, and the same accessibility and
//! Content-Security-Policy rules as the line chart.

use painpath_chart::{Mcid, NO_SCORES, NO_SCORES_IN_PERIOD, ScoreChart, ShadedBand, score_chart};
use painpath_core::Date;

use crate::snapshot;
use crate::xml::check_well_formed;

fn day(year: i16, month: i8, day: i8) -> Date {
    jiff::civil::date(year, month, day)
}

const PHQ9_BANDS: [ShadedBand<'static>; 5] = [
    ShadedBand {
        from: 0.0,
        to: 5.0,
        label: "None or minimal",
        class: "band-minimal",
    },
    ShadedBand {
        from: 5.0,
        to: 10.0,
        label: "Mild",
        class: "band-mild",
    },
    ShadedBand {
        from: 10.0,
        to: 15.0,
        label: "Moderate",
        class: "band-moderate",
    },
    ShadedBand {
        from: 15.0,
        to: 20.0,
        label: "Moderately severe",
        class: "band-moderately-severe",
    },
    ShadedBand {
        from: 20.0,
        to: 27.0,
        label: "Severe",
        class: "band-severe",
    },
];

const PHQ9_MCID: Mcid<'static> = Mcid {
    points: 5.0,
    label: "5-point change",
};

fn phq9<'a>(points: &'a [(Date, f64)]) -> ScoreChart<'a> {
    ScoreChart {
        id: "phq9-chart",
        title: "PHQ-9 scores",
        description: "PHQ-9 totals from 01/01/2026 to 30/06/2026.",
        name: "PHQ-9 total (0 to 27, higher is worse)",
        points,
        first_day: day(2026, 1, 1),
        last_day: day(2026, 6, 30),
        y_max: 27.0,
        y_label: "PHQ-9 total",
        bands: &PHQ9_BANDS,
        mcid: Some(PHQ9_MCID),
    }
}

fn five_scores() -> [(Date, f64); 5] {
    [
        (day(2026, 1, 12), 18.0),
        (day(2026, 2, 9), 16.0),
        (day(2026, 3, 16), 11.0),
        (day(2026, 5, 4), 12.0),
        (day(2026, 6, 22), 7.0),
    ]
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

/// The value of `attribute` in the first tag in `tag`.
fn attribute(tag: &str, attribute: &str) -> f64 {
    let start = tag
        .find(&format!(" {attribute}=\""))
        .unwrap_or_else(|| panic!("no {attribute} in {tag}"))
        + attribute.len()
        + 3;
    let end = start + tag[start..].find('"').expect("the value is closed");
    tag[start..end]
        .parse()
        .unwrap_or_else(|e| panic!("{attribute} in {tag}: {e}"))
}

/// The lines of the element `<g class="{class}"…>`, up to the first `</g>` after it.
fn group<'a>(svg: &'a str, class: &str) -> &'a str {
    let start = svg
        .find(&format!("<g class=\"{class}\""))
        .unwrap_or_else(|| panic!("no group {class} in\n{svg}"));
    let body = &svg[start..];
    &body[..body.find("</g>").expect("the group is closed")]
}

/// The band rectangles, as (top, bottom) in viewBox units, in order.
fn band_edges(svg: &str) -> Vec<(f64, f64)> {
    svg.lines()
        .filter(|l| l.starts_with("<rect class=\"chart-band "))
        .map(|l| {
            let top = attribute(l, "y");
            (top, top + attribute(l, "height"))
        })
        .collect()
}

/// The y of the gridline (or, for "0", the axis) labelled `level`.
fn level_y(svg: &str, level: &str) -> f64 {
    let tick_y = |level: &str| {
        let ticks = group(svg, "chart-y-ticks");
        let line = ticks
            .lines()
            .find(|l| l.ends_with(&format!(">{level}</text>")))
            .unwrap_or_else(|| panic!("no tick {level} in\n{ticks}"));
        attribute(line, "y")
    };
    // Every tick label is dropped the same distance below its line; the axis gives the distance.
    let axis = &svg[svg.find("<line class=\"chart-axis\"").expect("an axis")..];
    let drop = tick_y("0") - attribute(axis, "y1");
    let y = tick_y(level) - drop;
    let grid = group(svg, "chart-grid");
    assert!(
        level == "0" || grid.lines().any(|l| l.contains(&format!(" y1=\"{y}\" "))),
        "no gridline at {y} for {level} in\n{grid}"
    );
    y
}

/// The MCID bracket's corners, as x1, y1, x2, y2, …
fn bracket(svg: &str) -> Vec<f64> {
    let line = group(svg, "chart-mcid")
        .lines()
        .nth(1)
        .expect("the bracket follows the group's opening tag");
    let points = line.find("points=\"").expect("the bracket has points") + 8;
    line[points..]
        .split('"')
        .next()
        .expect("the points are closed")
        .split([' ', ','])
        .map(|n| n.parse().expect("a number"))
        .collect()
}

/// The plotted line's markers, as (x, y).
fn markers(svg: &str) -> Vec<(f64, f64)> {
    let start = svg
        .find("<g class=\"series series-score\"")
        .unwrap_or_else(|| panic!("no line in\n{svg}"));
    let plot = &plot(svg)[start..];
    plot.lines()
        .filter(|l| l.starts_with("<circle "))
        .map(|l| (attribute(l, "cx"), attribute(l, "cy")))
        .collect()
}

/// Everything before the legend.
fn plot(svg: &str) -> &str {
    &svg[..svg.find("<g class=\"chart-legend\">").expect("a legend")]
}

#[test]
fn a_phq9_chart_with_bands_an_mcid_and_five_scores_matches_its_snapshot() {
    let points = five_scores();
    let svg = score_chart(&phq9(&points));
    snapshot::check("score_chart.svg", &svg);
    assert_eq!(check_well_formed(&svg), Ok(()), "{svg}");
}

#[test]
fn band_rectangles_cover_exactly_their_ranges_and_meet_without_gaps() {
    let bands = [
        ShadedBand {
            from: 0.0,
            to: 5.0,
            label: "A",
            class: "a",
        },
        ShadedBand {
            from: 5.0,
            to: 10.0,
            label: "B",
            class: "b",
        },
        ShadedBand {
            from: 10.0,
            to: 15.0,
            label: "C",
            class: "c",
        },
        ShadedBand {
            from: 15.0,
            to: 20.0,
            label: "D",
            class: "d",
        },
    ];
    let points = five_scores();
    // On a scale to 20 the gridlines are at 0, 5, 10, 15 and 20: each band's edges must lie on
    // them exactly.
    let svg = score_chart(&ScoreChart {
        y_max: 20.0,
        bands: &bands,
        ..phq9(&points)
    });
    let edges = band_edges(&svg);
    let at = |level: &str| level_y(&svg, level);
    assert_eq!(
        edges,
        [
            (at("5"), at("0")),
            (at("10"), at("5")),
            (at("15"), at("10")),
            (at("20"), at("15")),
        ],
        "{svg}"
    );
    for (class, rect) in ["a", "b", "c", "d"].iter().zip(
        svg.lines()
            .filter(|l| l.starts_with("<rect class=\"chart-band ")),
    ) {
        assert!(
            rect.starts_with(&format!("<rect class=\"chart-band {class}\" ")),
            "{rect}"
        );
        assert!(
            rect.contains(" fill=\"currentColor\" fill-opacity=\"0."),
            "{rect}"
        );
    }
    assert_eq!(check_well_formed(&svg), Ok(()), "{svg}");
}

#[test]
fn the_phq9_bands_tile_the_whole_scale_in_proportion() {
    let points = five_scores();
    let svg = score_chart(&phq9(&points));
    let edges = band_edges(&svg);
    assert_eq!(edges.len(), 5, "{svg}");
    for pair in edges.windows(2) {
        assert!(
            (pair[0].0 - pair[1].1).abs() < 1e-9,
            "a gap or overlap: {pair:?}"
        );
    }
    let total = edges[0].1 - edges[4].0;
    // 0–5 is 5/27 of the scale and 20–27 is 7/27, to the 0.1 the numbers are written to.
    assert!(
        ((edges[0].1 - edges[0].0) - total * 5.0 / 27.0).abs() <= 0.1,
        "{edges:?}"
    );
    assert!(
        ((edges[4].1 - edges[4].0) - total * 7.0 / 27.0).abs() <= 0.1,
        "{edges:?}"
    );
}

#[test]
fn a_band_partly_off_the_scale_is_cut_to_it_and_one_wholly_off_it_is_not_drawn() {
    let bands = [
        ShadedBand {
            from: 20.0,
            to: 40.0,
            label: "Cut",
            class: "cut",
        },
        ShadedBand {
            from: 30.0,
            to: 40.0,
            label: "Gone",
            class: "gone",
        },
        ShadedBand {
            from: f64::NAN,
            to: 5.0,
            label: "Not a number",
            class: "nan",
        },
    ];
    let points = five_scores();
    // On a scale to 30 there are gridlines at 20 and 30.
    let svg = score_chart(&ScoreChart {
        bands: &bands,
        y_max: 30.0,
        ..phq9(&points)
    });
    assert_eq!(
        band_edges(&svg),
        [(level_y(&svg, "30"), level_y(&svg, "20"))],
        "{svg}"
    );
    assert!(
        !svg.contains("Gone") && !svg.contains("Not a number"),
        "{svg}"
    );
    assert!(!svg.contains("NaN"), "{svg}");
}

#[test]
fn a_score_above_the_top_of_the_scale_is_drawn_at_the_top() {
    let over = [(day(2026, 3, 1), 40.0)];
    let top = [(day(2026, 3, 1), 27.0)];
    assert_eq!(
        score_chart(&phq9(&over)),
        score_chart(&phq9(&top)),
        "a score of 40 on a scale to 27 should be drawn as 27"
    );
    let under = [(day(2026, 3, 1), -3.0)];
    let zero = [(day(2026, 3, 1), 0.0)];
    assert_eq!(score_chart(&phq9(&under)), score_chart(&phq9(&zero)));
    let svg = score_chart(&phq9(&over));
    let (_, y) = markers(&svg)[0];
    let (top_of_band, _) = band_edges(&svg)[4];
    assert!((y - top_of_band).abs() < 0.05, "{y} {top_of_band}\n{svg}");
}

#[test]
fn band_labels_and_classes_are_escaped() {
    let bands = [ShadedBand {
        from: 0.0,
        to: 27.0,
        label: "Mild <b>& \"worse\" 'still'</b>",
        class: "band\" onclick=\"x",
    }];
    let mcid = Mcid {
        points: 5.0,
        label: "<5> & more",
    };
    let points = five_scores();
    let svg = score_chart(&ScoreChart {
        bands: &bands,
        mcid: Some(mcid),
        name: "A & B",
        ..phq9(&points)
    });
    assert!(
        svg.contains(">Mild &lt;b&gt;&amp; &quot;worse&quot; &#39;still&#39;&lt;/b&gt;</text>"),
        "{svg}"
    );
    assert!(
        svg.contains("class=\"chart-band band&quot; onclick=&quot;x\""),
        "{svg}"
    );
    assert!(svg.contains(">&lt;5&gt; &amp; more</text>"), "{svg}");
    assert!(svg.contains(">A &amp; B</text>"), "{svg}");
    assert!(
        !svg.contains("<b>") && !svg.contains(" onclick=\""),
        "{svg}"
    );
    assert_eq!(check_well_formed(&svg), Ok(()), "{svg}");
}

#[test]
fn each_band_is_labelled_inside_itself_so_bands_differ_without_colour() {
    let points = five_scores();
    let svg = score_chart(&phq9(&points));
    let labels = group(&svg, "chart-band-labels");
    let edges = band_edges(&svg);
    let written: Vec<(f64, &str)> = labels
        .lines()
        .skip(1)
        .map(|l| {
            (
                attribute(l, "y"),
                &l[l.find('>').unwrap() + 1..l.find("</text>").unwrap()],
            )
        })
        .collect();
    let names: Vec<&str> = written.iter().map(|(_, name)| *name).collect();
    assert_eq!(
        names,
        [
            "None or minimal",
            "Mild",
            "Moderate",
            "Moderately severe",
            "Severe"
        ]
    );
    for ((baseline, name), (top, bottom)) in written.iter().zip(&edges) {
        assert!(
            top < baseline && baseline < bottom,
            "{name} at {baseline} is outside {top}..{bottom}"
        );
    }
    assert!(
        labels.starts_with("<g class=\"chart-band-labels\" font-size=\"12\" text-anchor=\"end\">"),
        "{labels}"
    );
}

#[test]
fn the_line_keeps_clear_of_the_band_labels() {
    let points = [(day(2026, 6, 30), 3.0)];
    let svg = score_chart(&phq9(&points));
    let (x, _) = markers(&svg)[0];
    let label_x = attribute(
        group(&svg, "chart-band-labels").lines().nth(1).unwrap(),
        "x",
    );
    // "Moderately severe" is 17 characters of 12-unit text, about 100 units wide at most.
    assert!(
        x + 3.5 < label_x - 100.0,
        "the last day's marker at {x} is under the labels ending at {label_x}"
    );
}

#[test]
fn the_mcid_is_a_bracket_as_tall_as_that_many_points_and_labelled() {
    let points = five_scores();
    let svg = score_chart(&phq9(&points));
    let mcid = group(&svg, "chart-mcid");
    let coords = bracket(&svg);
    assert_eq!(coords.len(), 8, "{mcid}");
    let height = coords[5] - coords[3];
    // Five points, the same height as the 5–10 band.
    let (top, bottom) = band_edges(&svg)[1];
    assert!(
        (height - (bottom - top)).abs() <= 0.1,
        "{height} vs {}\n{svg}",
        bottom - top
    );
    // It stands in the right margin, beyond the bands.
    let band = svg
        .lines()
        .find(|l| l.starts_with("<rect class=\"chart-band "))
        .unwrap();
    assert!(
        coords[0] > attribute(band, "x") + attribute(band, "width"),
        "{mcid}"
    );
    assert!(mcid.contains(">5-point change</text>"), "{mcid}");
}

#[test]
fn an_mcid_bigger_than_the_scale_is_cut_to_the_scale() {
    let points = five_scores();
    let svg = score_chart(&ScoreChart {
        mcid: Some(Mcid {
            points: 100.0,
            label: "100-point change",
        }),
        ..phq9(&points)
    });
    let edges = band_edges(&svg);
    let coords = bracket(&svg);
    // From the top of the highest band to the bottom of the lowest: the whole scale.
    assert_eq!((coords[3], coords[5]), (edges[4].0, edges[0].1), "{svg}");
}

#[test]
fn without_an_mcid_no_bracket_is_drawn() {
    let points = five_scores();
    for mcid in [
        None,
        Some(Mcid {
            points: 0.0,
            label: "0-point change",
        }),
        Some(Mcid {
            points: f64::NAN,
            label: "NaN",
        }),
    ] {
        let svg = score_chart(&ScoreChart {
            mcid,
            ..phq9(&points)
        });
        assert!(!svg.contains("chart-mcid"), "{svg}");
        assert!(
            !svg.contains("-point change") && !svg.contains("NaN"),
            "{svg}"
        );
    }
}

#[test]
fn the_scores_are_joined_in_date_order_with_a_marker_on_each() {
    let mut points = five_scores();
    points.reverse();
    let svg = score_chart(&phq9(&points));
    assert_eq!(svg, score_chart(&phq9(&five_scores())));
    let line = group(&svg, "series series-score");
    assert_eq!(count(line, "<polyline points=\""), 1, "{line}");
    let markers = markers(&svg);
    assert_eq!(markers.len(), 5, "{svg}");
    assert!(markers.windows(2).all(|m| m[0].0 < m[1].0), "{markers:?}");
    // Irregular dates are spaced by time: 28 days, then 35, 49 and 49.
    let gaps: Vec<f64> = markers.windows(2).map(|m| m[1].0 - m[0].0).collect();
    assert!((gaps[2] - gaps[3]).abs() <= 0.1, "{gaps:?}");
    assert!((gaps[0] / gaps[2] - 28.0 / 49.0).abs() < 0.01, "{gaps:?}");
}

#[test]
fn a_single_score_is_drawn_as_a_marker_without_a_line() {
    let points = [(day(2026, 3, 16), 11.0)];
    let svg = score_chart(&phq9(&points));
    let line = group(&svg, "series series-score");
    assert_eq!(count(line, "<polyline"), 0, "{line}");
    assert_eq!(markers(&svg).len(), 1, "{svg}");
    assert!(!svg.contains(NO_SCORES), "{svg}");
    assert_eq!(check_well_formed(&svg), Ok(()), "{svg}");
}

#[test]
fn a_chart_without_scores_says_there_are_none_yet() {
    let svg = score_chart(&phq9(&[]));
    assert_eq!(NO_SCORES, "No scores yet");
    assert!(svg.contains(">No scores yet</text>"), "{svg}");
    // The bands, bracket, dates and legend are still there, so the page does not jump about.
    assert_eq!(band_edges(&svg).len(), 5, "{svg}");
    assert!(svg.contains("class=\"chart-mcid\""), "{svg}");
    assert!(svg.contains(">01/2026</text>"), "{svg}");
    assert!(
        svg.contains(">PHQ-9 total (0 to 27, higher is worse)</text>"),
        "{svg}"
    );
    assert!(!plot(&svg).contains("<circle"), "{svg}");
    assert_eq!(check_well_formed(&svg), Ok(()), "{svg}");
}

#[test]
fn scores_outside_the_period_are_left_off_and_the_chart_says_so() {
    let points = [(day(2025, 12, 31), 9.0), (day(2026, 7, 1), 9.0)];
    let svg = score_chart(&phq9(&points));
    assert!(
        svg.contains(&format!(">{NO_SCORES_IN_PERIOD}</text>")),
        "{svg}"
    );
    assert!(!svg.contains(NO_SCORES), "{svg}");
    let with_one_inside = [points[0], (day(2026, 6, 30), 9.0), points[1]];
    let svg = score_chart(&phq9(&with_one_inside));
    assert_eq!(markers(&svg).len(), 1, "{svg}");
}

#[test]
fn a_score_that_is_not_a_number_is_left_off() {
    let points = [
        (day(2026, 1, 12), 18.0),
        (day(2026, 2, 9), f64::NAN),
        (day(2026, 3, 16), f64::INFINITY),
        (day(2026, 5, 4), 12.0),
    ];
    let svg = score_chart(&phq9(&points));
    assert_eq!(markers(&svg).len(), 2, "{svg}");
    assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
    let none = [(day(2026, 2, 9), f64::NAN)];
    assert!(score_chart(&phq9(&none)).contains(NO_SCORES));
}

#[test]
fn dates_are_written_day_first_or_month_first_on_long_charts() {
    let points = five_scores();
    let short = score_chart(&ScoreChart {
        first_day: day(2026, 3, 2),
        last_day: day(2026, 3, 5),
        ..phq9(&points)
    });
    for label in ["02/03/26", "03/03/26", "04/03/26", "05/03/26"] {
        assert!(
            short.contains(&format!(">{label}</text>")),
            "{label} in\n{short}"
        );
    }
    let long = score_chart(&phq9(&points));
    let labels: Vec<&str> = group(&long, "chart-x-ticks")
        .lines()
        .filter(|l| l.starts_with("<text "))
        .map(|l| &l[l.find('>').unwrap() + 1..l.find("</text>").unwrap()])
        .collect();
    assert!(labels.len() >= 2, "{labels:?}");
    assert!(
        labels.iter().all(|l| l.len() == 7 && l.ends_with("/2026")),
        "{labels:?}"
    );
}

#[test]
fn a_period_given_backwards_is_turned_round_and_a_one_day_period_still_renders() {
    let points = five_scores();
    let chart = phq9(&points);
    assert_eq!(
        score_chart(&ScoreChart {
            first_day: chart.last_day,
            last_day: chart.first_day,
            ..chart
        }),
        score_chart(&chart)
    );
    let one_day = [(day(2026, 3, 16), 11.0)];
    let svg = score_chart(&ScoreChart {
        first_day: day(2026, 3, 16),
        last_day: day(2026, 3, 16),
        ..phq9(&one_day)
    });
    assert_eq!(markers(&svg).len(), 1, "{svg}");
    assert!(svg.contains(">16/03/26</text>"), "{svg}");
    assert_eq!(check_well_formed(&svg), Ok(()), "{svg}");
}

#[test]
fn the_output_is_well_formed_xml() {
    let many: Vec<(Date, f64)> = (0..400)
        .map(|i| {
            let date = day(2020, 1, 1)
                .checked_add(jiff::Span::new().days(i * 5))
                .unwrap();
            (date, f64::from(i % 30))
        })
        .collect();
    let odd_bands = [
        ShadedBand {
            from: 10.0,
            to: 5.0,
            label: "",
            class: "",
        },
        ShadedBand {
            from: 0.0,
            to: 0.5,
            label: "A sliver too thin to label & more",
            class: "x",
        },
    ];
    type Case<'a> = (&'a [(Date, f64)], Date, Date, &'a [ShadedBand<'a>]);
    let cases: [Case<'_>; 4] = [
        (&many, day(2020, 1, 1), day(2025, 6, 1), &PHQ9_BANDS),
        (&many, Date::MIN, Date::MAX, &odd_bands),
        (&[], day(2026, 1, 1), day(2026, 1, 1), &[]),
        (
            &five_scores(),
            day(2026, 6, 30),
            day(2025, 1, 1),
            &PHQ9_BANDS,
        ),
    ];
    for (points, first_day, last_day, bands) in cases {
        for y_max in [27.0, 100.0, 0.0, -1.0, f64::NAN, 0.3] {
            let svg = score_chart(&ScoreChart {
                first_day,
                last_day,
                bands,
                y_max,
                ..phq9(points)
            });
            assert_eq!(check_well_formed(&svg), Ok(()), "y_max {y_max}:\n{svg}");
            assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>\n"));
            assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
        }
    }
}

#[test]
fn a_band_too_thin_for_its_label_is_shaded_but_not_labelled() {
    let bands = [ShadedBand {
        from: 0.0,
        to: 1.0,
        label: "Thin",
        class: "thin",
    }];
    let points = five_scores();
    let svg = score_chart(&ScoreChart {
        bands: &bands,
        ..phq9(&points)
    });
    assert_eq!(band_edges(&svg).len(), 1, "{svg}");
    assert!(!svg.contains(">Thin</text>"), "{svg}");
}

#[test]
fn the_chart_is_an_image_labelled_by_its_title_and_description() {
    let points = five_scores();
    let svg = score_chart(&phq9(&points));
    let root = &svg[..svg.find('>').unwrap()];
    assert!(root.contains(" role=\"img\""), "{root}");
    assert!(
        root.contains(" aria-labelledby=\"phq9-chart-title phq9-chart-desc\""),
        "{root}"
    );
    assert!(
        svg.lines()
            .nth(1)
            .unwrap()
            .starts_with("<title id=\"phq9-chart-title\">PHQ-9 scores</title>"),
        "{svg}"
    );
    assert!(
        svg.contains(
            "<desc id=\"phq9-chart-desc\">PHQ-9 totals from 01/01/2026 to 30/06/2026.</desc>"
        ),
        "{svg}"
    );
    let legend = &svg[svg.find("<g class=\"chart-legend\">").unwrap()..];
    assert!(
        legend.contains(">PHQ-9 total (0 to 27, higher is worse)</text>"),
        "{legend}"
    );
    assert!(legend.contains("<circle "), "{legend}");
}

#[test]
fn the_chart_has_no_inline_styles_and_takes_its_colours_from_the_page() {
    let points = five_scores();
    let svg = score_chart(&phq9(&points));
    for forbidden in [
        "style",
        "<script",
        " on",
        "href",
        "url(",
        "<image",
        "<foreignObject",
        "px",
    ] {
        assert!(!svg.contains(forbidden), "{forbidden} in\n{svg}");
    }
    for attribute in ["fill", "stroke"] {
        for value in svg.split(&format!(" {attribute}=\"")).skip(1) {
            let value = &value[..value.find('"').unwrap()];
            assert!(
                value == "currentColor" || value == "none",
                "{attribute}=\"{value}\" in\n{svg}"
            );
        }
    }
    assert_eq!(count(&svg, "http"), 1, "{svg}");
    assert!(svg.contains(" viewBox=\"0 0 480 "), "{svg}");
}

#[test]
fn the_same_chart_renders_to_the_same_bytes_every_time() {
    let points = five_scores();
    assert_eq!(score_chart(&phq9(&points)), score_chart(&phq9(&points)));
}
