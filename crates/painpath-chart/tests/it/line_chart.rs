//! The line chart as the diary page uses it: a value per day, gaps for missing days, and the
//! accessibility and Content-Security-Policy rules every chart must keep.

use painpath_chart::{LineChart, LineStyle, NO_ENTRIES, Series, line_chart};
use painpath_core::Date;

use crate::snapshot;
use crate::xml::check_well_formed;

fn first_day() -> Date {
    jiff::civil::date(2026, 11, 24)
}

fn chart<'a>(id: &'a str, series: &'a [Series<'a>]) -> LineChart<'a> {
    LineChart {
        id,
        title: "Pain, fatigue and sleep quality",
        description: "Daily ratings from 24/11/2026.",
        first_day: first_day(),
        y_max: 10.0,
        y_label: "Rating (0 to 10)",
        series,
    }
}

fn pain(values: &[Option<f64>]) -> Series<'_> {
    Series {
        name: "Pain (0 none to 10 worst)",
        values,
        style: LineStyle::Solid,
        class: "series-pain",
    }
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

/// The `<g class="series …">` element for `class` in the plot (the first one; the legend's
/// sample comes after the plot), up to its closing tag.
fn plotted<'a>(svg: &'a str, class: &str) -> &'a str {
    let start = svg
        .find(&format!("<g class=\"series {class}\""))
        .unwrap_or_else(|| panic!("no series {class} in\n{svg}"));
    let body = &svg[start..];
    let end = body.find("\n</g>\n").expect("the series group is closed");
    &body[..end]
}

#[test]
fn a_small_chart_matches_its_snapshot() {
    let pain_values = [
        Some(6.0),
        Some(7.0),
        Some(5.0),
        None,
        Some(4.0),
        Some(6.0),
        Some(8.0),
        Some(7.0),
        None,
        None,
        Some(5.0),
        None,
        Some(6.0),
        Some(5.0),
    ];
    let fatigue_values = [
        Some(7.0),
        Some(7.0),
        Some(6.0),
        None,
        Some(6.0),
        Some(7.0),
        Some(9.0),
        Some(8.0),
        None,
        None,
        Some(7.0),
        Some(6.0),
        Some(6.0),
        Some(7.0),
    ];
    let sleep_values = [
        Some(3.0),
        Some(2.0),
        Some(4.0),
        None,
        Some(5.0),
        Some(4.0),
        Some(1.0),
        Some(2.0),
        None,
        None,
        Some(4.5),
        Some(5.0),
        None,
        Some(4.0),
    ];
    let series = [
        pain(&pain_values),
        Series {
            name: "Fatigue (0 none to 10 worst)",
            values: &fatigue_values,
            style: LineStyle::Dashed,
            class: "series-fatigue",
        },
        Series {
            name: "Sleep quality (0 very poor to 10 very good)",
            values: &sleep_values,
            style: LineStyle::Dotted,
            class: "series-sleep",
        },
    ];
    snapshot::check(
        "line_chart.svg",
        &line_chart(&chart("diary-chart", &series)),
    );
}

#[test]
fn a_missing_day_in_the_middle_splits_the_line_into_two_segments() {
    let values = [Some(4.0), Some(5.0), None, Some(6.0), Some(7.0)];
    let series = [pain(&values)];
    let svg = line_chart(&chart("c", &series));
    let plot = plotted(&svg, "series-pain");
    assert_eq!(count(plot, "<polyline "), 2, "{plot}");
    // Four days with values, four markers: the missing day has none and is not drawn at zero.
    assert_eq!(count(plot, "<circle "), 4, "{plot}");
}

#[test]
fn a_day_alone_between_gaps_is_drawn_as_a_small_circle() {
    let values = [Some(4.0), Some(5.0), None, Some(6.0), None];
    let series = [pain(&values)];
    let svg = line_chart(&chart("c", &series));
    let plot = plotted(&svg, "series-pain");
    assert_eq!(count(plot, "<polyline "), 1, "{plot}");
    assert_eq!(count(plot, "<circle "), 3, "{plot}");
}

#[test]
fn a_value_that_is_not_a_number_is_a_gap_not_a_zero() {
    let values = [Some(4.0), Some(f64::NAN), Some(6.0)];
    let series = [pain(&values)];
    let svg = line_chart(&chart("c", &series));
    let plot = plotted(&svg, "series-pain");
    assert_eq!(count(plot, "<polyline "), 0, "{plot}");
    assert_eq!(count(plot, "<circle "), 2, "{plot}");
    assert!(!svg.contains("NaN"), "{svg}");
}

#[test]
fn every_piece_of_text_is_escaped() {
    let values = [Some(1.0)];
    let series = [Series {
        name: "Pain <b>& \"worst\" 'ever'</b>",
        values: &values,
        style: LineStyle::Solid,
        class: "series-pain\" onclick=\"x",
    }];
    let chart = LineChart {
        id: "a\" b",
        title: "Tom & Jerry's <chart>",
        description: "\"quoted\" & <tagged>",
        y_label: "<hours> & 'rest'",
        ..chart("c", &series)
    };
    let svg = line_chart(&chart);
    assert!(svg.contains("Tom &amp; Jerry&#39;s &lt;chart&gt;"), "{svg}");
    assert!(
        svg.contains("&quot;quoted&quot; &amp; &lt;tagged&gt;"),
        "{svg}"
    );
    assert!(svg.contains("&lt;hours&gt; &amp; &#39;rest&#39;"), "{svg}");
    assert!(
        svg.contains("Pain &lt;b&gt;&amp; &quot;worst&quot; &#39;ever&#39;&lt;/b&gt;"),
        "{svg}"
    );
    assert!(
        svg.contains("class=\"series series-pain&quot; onclick=&quot;x\""),
        "{svg}"
    );
    assert!(
        !svg.contains("<b>") && !svg.contains(" onclick=\""),
        "{svg}"
    );
    assert_eq!(check_well_formed(&svg), Ok(()), "{svg}");
}

#[test]
fn a_chart_with_no_entries_says_so() {
    let values = [None; 30];
    let series = [pain(&values)];
    let svg = line_chart(&chart("c", &series));
    assert!(svg.contains(&format!(">{NO_ENTRIES}</text>")), "{svg}");
    assert_eq!(NO_ENTRIES, "No entries in this period");
    // The frame, dates and legend are still there, so the page does not jump about.
    assert!(svg.contains(">24/11</text>"), "{svg}");
    assert!(svg.contains(">Pain (0 none to 10 worst)</text>"), "{svg}");
    let plot = &svg[..svg.find("<g class=\"chart-legend\">").unwrap()];
    assert!(
        !plot.contains("<polyline") && !plot.contains("<circle"),
        "{svg}"
    );
    assert_eq!(check_well_formed(&svg), Ok(()), "{svg}");
}

#[test]
fn a_chart_without_any_series_still_renders_and_says_there_are_no_entries() {
    let svg = line_chart(&chart("c", &[]));
    assert!(svg.contains(NO_ENTRIES), "{svg}");
    assert_eq!(check_well_formed(&svg), Ok(()), "{svg}");
}

#[test]
fn a_chart_with_entries_does_not_say_there_are_none() {
    let values = [Some(3.0)];
    let series = [pain(&values)];
    assert!(!line_chart(&chart("c", &series)).contains(NO_ENTRIES));
}

#[test]
fn the_output_is_well_formed_xml() {
    let long: Vec<Option<f64>> = (0..400)
        .map(|d| (d % 9 != 0).then_some(f64::from(d % 11)))
        .collect();
    let short = [Some(2.0)];
    let odd = [Some(-3.0), Some(f64::INFINITY), Some(99.0), None];
    let series = [
        pain(&long),
        Series {
            name: "A & B",
            values: &short,
            style: LineStyle::Dashed,
            class: "x",
        },
        Series {
            name: "C",
            values: &odd,
            style: LineStyle::Dotted,
            class: "y",
        },
        Series {
            name: "D",
            values: &short,
            style: LineStyle::Solid,
            class: "z",
        },
    ];
    for y_max in [10.0, 12.0, 0.0, -1.0, f64::NAN, 0.3] {
        let svg = line_chart(&LineChart {
            y_max,
            ..chart("c", &series)
        });
        assert_eq!(check_well_formed(&svg), Ok(()), "y_max {y_max}:\n{svg}");
        assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>\n"));
    }
}

#[test]
fn the_chart_is_an_image_labelled_by_its_title_and_description() {
    let values = [Some(3.0)];
    let series = [pain(&values)];
    let svg = line_chart(&chart("diary-chart", &series));
    let root = &svg[..svg.find('>').unwrap()];
    assert!(root.contains(" role=\"img\""), "{root}");
    assert!(
        root.contains(" aria-labelledby=\"diary-chart-title diary-chart-desc\""),
        "{root}"
    );
    assert!(
        svg.contains("<title id=\"diary-chart-title\">Pain, fatigue and sleep quality</title>"),
        "{svg}"
    );
    assert!(
        svg.contains("<desc id=\"diary-chart-desc\">Daily ratings from 24/11/2026.</desc>"),
        "{svg}"
    );
    // The title comes first, where assistive technology and browsers look for it.
    assert!(svg.lines().nth(1).unwrap().starts_with("<title "), "{svg}");
}

#[test]
fn two_charts_on_one_page_have_different_ids() {
    let values = [Some(3.0)];
    let series = [pain(&values)];
    let page = [
        line_chart(&chart("diary", &series)),
        line_chart(&chart("letter", &series)),
    ]
    .concat();
    let ids: Vec<&str> = page
        .split(" id=\"")
        .skip(1)
        .map(|rest| &rest[..rest.find('"').unwrap()])
        .collect();
    assert_eq!(ids.len(), 4, "{page}");
    for (i, id) in ids.iter().enumerate() {
        assert!(!ids[i + 1..].contains(id), "{id} repeats in\n{page}");
    }
}

#[test]
fn the_chart_scales_with_its_column() {
    let values = [Some(3.0)];
    let series = [pain(&values)];
    let svg = line_chart(&chart("c", &series));
    let root = &svg[..svg.find('>').unwrap()];
    assert!(root.contains(" viewBox=\"0 0 480 "), "{root}");
    assert!(root.contains(" width=\"100%\""), "{root}");
    assert!(!root.contains(" height="), "{root}");
    assert!(!svg.contains("px"), "{svg}");
}

#[test]
fn the_chart_has_no_inline_styles_scripts_fonts_or_external_references() {
    let values = [Some(3.0), None, Some(4.0), Some(5.0)];
    let series = [pain(&values)];
    let svg = line_chart(&chart("c", &series));
    for forbidden in [
        "style",
        "<script",
        "on",
        "href",
        "url(",
        "@import",
        "<image",
        "<foreignObject",
    ] {
        let found = match forbidden {
            // "on" would match "none" and "polyline"; only an event-handler attribute matters.
            "on" => svg.contains(" on"),
            other => svg.contains(other),
        };
        assert!(!found, "{forbidden} in\n{svg}");
    }
    for font in svg.split("font-family=\"").skip(1) {
        assert!(font.starts_with("inherit\""), "a named font in\n{svg}");
    }
    // The only address is the SVG namespace, which names the language and is never fetched.
    assert_eq!(count(&svg, "http"), 1, "{svg}");
    assert!(
        svg.contains("xmlns=\"http://www.w3.org/2000/svg\""),
        "{svg}"
    );
}

#[test]
fn colours_come_from_the_page_through_current_color() {
    let values = [Some(3.0), Some(4.0)];
    let series = [pain(&values)];
    let svg = line_chart(&chart("c", &series));
    for attribute in ["fill", "stroke"] {
        for value in svg.split(&format!(" {attribute}=\"")).skip(1) {
            let value = &value[..value.find('"').unwrap()];
            assert!(
                value == "currentColor" || value == "none",
                "{attribute}=\"{value}\" in\n{svg}"
            );
        }
    }
}

#[test]
fn dates_on_the_x_axis_are_weekly_and_written_day_first() {
    let values = [Some(3.0); 30];
    let series = [pain(&values)];
    let svg = line_chart(&chart("c", &series));
    let labels: Vec<&str> = svg
        .lines()
        .filter(|l| l.starts_with("<text ") && l.contains(" stroke=\"none\">"))
        .map(|l| &l[l.find('>').unwrap() + 1..l.find("</text>").unwrap()])
        .collect();
    assert_eq!(labels, ["24/11", "01/12", "08/12", "15/12", "22/12"]);
}

#[test]
fn a_week_long_chart_labels_every_day() {
    let values = [Some(3.0); 7];
    let series = [pain(&values)];
    let svg = line_chart(&chart("c", &series));
    for label in [
        "24/11", "25/11", "26/11", "27/11", "28/11", "29/11", "30/11",
    ] {
        assert!(
            svg.contains(&format!(">{label}</text>")),
            "{label} in\n{svg}"
        );
    }
    assert!(!svg.contains(">01/12</text>"), "{svg}");
}

#[test]
fn gridlines_on_a_rating_chart_are_at_0_5_and_10() {
    let values = [Some(3.0)];
    let series = [pain(&values)];
    let svg = line_chart(&chart("c", &series));
    let ticks = &svg[svg.find("<g class=\"chart-y-ticks\"").unwrap()..];
    let ticks = &ticks[..ticks.find("</g>").unwrap()];
    let labels: Vec<&str> = ticks
        .lines()
        .skip(1)
        .map(|l| &l[l.find('>').unwrap() + 1..l.find("</text>").unwrap()])
        .collect();
    assert_eq!(labels, ["0", "5", "10"]);
}

#[test]
fn each_series_has_its_own_line_style_and_marker_shape() {
    let values = [Some(3.0), Some(4.0)];
    let series = [
        pain(&values),
        Series {
            name: "Fatigue",
            values: &values,
            style: LineStyle::Dashed,
            class: "series-fatigue",
        },
        Series {
            name: "Sleep",
            values: &values,
            style: LineStyle::Dotted,
            class: "series-sleep",
        },
    ];
    let svg = line_chart(&chart("c", &series));
    let pain = plotted(&svg, "series-pain");
    let fatigue = plotted(&svg, "series-fatigue");
    let sleep = plotted(&svg, "series-sleep");
    assert!(!pain.contains("stroke-dasharray"), "{pain}");
    assert!(fatigue.contains("stroke-dasharray=\"8 6\""), "{fatigue}");
    assert!(sleep.contains("stroke-dasharray=\"1 6\""), "{sleep}");
    assert!(pain.contains("<circle "), "{pain}");
    assert!(fatigue.contains("<rect "), "{fatigue}");
    assert!(sleep.contains("<polygon "), "{sleep}");
    // The legend repeats each style and shape beside the series' name.
    let legend = &svg[svg.find("<g class=\"chart-legend\">").unwrap()..];
    for (class, name) in [
        ("series-pain", "Pain (0 none to 10 worst)"),
        ("series-fatigue", "Fatigue"),
        ("series-sleep", "Sleep"),
    ] {
        assert!(
            legend.contains(&format!("class=\"series {class}\"")),
            "{legend}"
        );
        assert!(legend.contains(&format!(">{name}</text>")), "{legend}");
    }
}

#[test]
fn numbers_are_written_with_at_most_one_decimal_place() {
    // Thirds of a slot and a value of 1/3 would print long fractions if they were not rounded.
    let values = [Some(1.0 / 3.0), Some(2.0 / 3.0), Some(7.777)];
    let series = [pain(&values)];
    let svg = line_chart(&LineChart {
        y_max: 9.0,
        ..chart("c", &series)
    });
    let mut rest = svg.as_str();
    while let Some(dot) = rest.find('.') {
        let before = rest[..dot].chars().next_back();
        let decimals = rest[dot + 1..]
            .chars()
            .take_while(char::is_ascii_digit)
            .count();
        if before.is_some_and(|c| c.is_ascii_digit()) {
            assert!(decimals <= 1, "{}", &rest[dot.saturating_sub(10)..]);
        }
        rest = &rest[dot + 1..];
    }
}

#[test]
fn the_same_chart_renders_to_the_same_bytes_every_time() {
    let values = [Some(3.3), None, Some(4.4), Some(5.5)];
    let series = [pain(&values)];
    assert_eq!(
        line_chart(&chart("c", &series)),
        line_chart(&chart("c", &series))
    );
}
