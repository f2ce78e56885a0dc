//! Accessible SVG charts, written by hand from core values, for the diary page and for letters.
//!
//! There are two charts:
//!
//! - [`line_chart`]: values per day, such as the diary's pain, fatigue and sleep.
//! - [`score_chart`]: questionnaire scores at irregular dates, drawn over shaded severity bands
//!   with, where one is known, a bracket the size of the minimal clinically important difference.
//!
//! The output is a complete `<svg>` element that a page can place inline and a letter can embed.
//! It is built to pass a strict Content-Security-Policy and to follow the page's theme:
//!
//! - No inline `style=`, no script, no font names and no external references. Everything is a
//!   presentation attribute (`stroke-dasharray`, `fill="none"`) or a `class`.
//! - Every colour is `currentColor`. A page colours a series by setting `color` on its class
//!   (`.series-pain { color: … }`), and everything else takes the surrounding text colour, so the
//!   low-glare and high-contrast themes work without the chart knowing about them. Without any
//!   CSS (in a letter, say) the chart is drawn in the text colour, and is still readable because
//!   no series depends on colour: each has its caller's line style and its own marker shape.
//! - The chart is `role="img"`, labelled by its `<title>` and `<desc>`. A screen reader hears
//!   those, not the axis labels, so the page should put a data table beside it.
//! - Sizes are in `viewBox` units and the width is `100%`, so the chart scales with its column.
//!
//! A day without a value is a gap in the line, never a zero: a gap in the diary is not a
//! pain-free day.

use std::fmt::{self, Write};

use jiff::Span;
use painpath_core::Date;

mod score;

pub use score::{Mcid, NO_SCORES, NO_SCORES_IN_PERIOD, ScoreChart, ShadedBand, score_chart};

/// How a series' line is drawn, so that series can be told apart without colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineStyle {
    Solid,
    Dashed,
    Dotted,
}

/// One line on a [`LineChart`]: a value per day, starting on the chart's `first_day`.
#[derive(Clone, Copy, Debug)]
pub struct Series<'a> {
    /// The legend text, with its scale, e.g. "Pain (0 none to 10 worst)".
    pub name: &'a str,
    /// One per day from `first_day`; `None` is a day without an entry, drawn as a gap.
    pub values: &'a [Option<f64>],
    pub style: LineStyle,
    /// A CSS class that gives the series its colour, e.g. "series-pain".
    pub class: &'a str,
}

/// A chart of daily values, such as the diary's 30 days of pain, fatigue and sleep.
#[derive(Clone, Copy, Debug)]
pub struct LineChart<'a> {
    /// Makes the ids of `<title>` and `<desc>` unique on the page, e.g. "diary-chart". Use
    /// letters, digits, `-` and `_`; anything else is replaced by `-`.
    pub id: &'a str,
    /// Goes into `<title>`.
    pub title: &'a str,
    /// Goes into `<desc>`.
    pub description: &'a str,
    pub first_day: Date,
    /// The top of the scale, e.g. 10 for ratings or 12 for hours of sleep. Values above it are
    /// drawn at the top; a scale that is not a positive number is treated as 10.
    pub y_max: f64,
    /// The scale's name, written above the chart, e.g. "Rating".
    pub y_label: &'a str,
    pub series: &'a [Series<'a>],
}

/// The message drawn in place of lines when no series has a value on any day.
pub const NO_ENTRIES: &str = "No entries in this period";

/// Draws `chart` as a complete `<svg>` element. The same chart always gives the same bytes.
pub fn line_chart(chart: &LineChart<'_>) -> String {
    let mut out = String::new();
    write_line_chart(&mut out, chart).expect("writing to a String cannot fail");
    out
}

// The layout, in viewBox units. Text scales with the chart, so the viewBox is kept narrow: on a
// 360-pixel phone 14-unit text is drawn at about 10 pixels, where a wider viewBox would shrink it
// out of reach. The page caps the chart's width in CSS so that text does not grow too large on a
// wide screen. The height grows by one legend row per series.
const WIDTH: f64 = 480.0;
const FONT_SIZE: f64 = 14.0;
const PLOT_LEFT: f64 = 44.0;
const PLOT_RIGHT: f64 = 460.0;
const PLOT_TOP: f64 = 32.0;
const PLOT_BOTTOM: f64 = 232.0;
const Y_LABEL_BASELINE: f64 = 18.0;
const X_LABEL_BASELINE: f64 = 252.0;
const TICK_LENGTH: f64 = 5.0;
const LEGEND_TOP: f64 = 266.0;
const LEGEND_ROW: f64 = 24.0;
const LEGEND_SAMPLE: f64 = 36.0;
const BOTTOM_PADDING: f64 = 8.0;
// Text is positioned by its baseline; this drops it so that it looks centred on a line.
const TEXT_DROP: f64 = 5.0;
const LINE_WIDTH: f64 = 2.5;

/// The mapping from days and values to viewBox coordinates.
struct Frame {
    days: usize,
    y_max: f64,
}

impl Frame {
    /// Each day sits in the middle of its own slot, so a one-day chart is drawn as well as a
    /// thirty-day one and the first and last points are not on the frame.
    fn x(&self, day: usize) -> f64 {
        let slot = (PLOT_RIGHT - PLOT_LEFT) / self.days.max(1) as f64;
        PLOT_LEFT + (day as f64 + 0.5) * slot
    }

    fn y(&self, value: f64) -> f64 {
        y_position(value, self.y_max)
    }

    /// The value to draw, or `None` for a gap. A value that is not a number cannot be drawn
    /// honestly, so it is a gap like a missing day; one outside the scale is drawn at its edge
    /// rather than over the labels.
    fn value(&self, value: Option<f64>) -> Option<f64> {
        value
            .filter(|v| v.is_finite())
            .map(|v| v.clamp(0.0, self.y_max))
    }
}

/// The vertical position of `value` on a scale from 0 to `y_max`.
fn y_position(value: f64, y_max: f64) -> f64 {
    PLOT_BOTTOM - value / y_max * (PLOT_BOTTOM - PLOT_TOP)
}

/// The top of a scale as given, or 10 for one that is zero, negative or not a number: that would
/// divide by zero or turn the chart upside down, and every rating in painpath is out of 10, so
/// that is the safe reading.
fn scale_max(y_max: f64) -> f64 {
    if y_max.is_finite() && y_max > 0.0 {
        y_max
    } else {
        10.0
    }
}

/// What every chart opens with: the `<svg>` element, its title and description, and the scale's
/// name above the plot.
struct Header<'a> {
    id: &'a str,
    title: &'a str,
    description: &'a str,
    y_label: &'a str,
    height: f64,
}

fn write_header(out: &mut String, header: &Header<'_>) -> fmt::Result {
    let id = id_token(header.id);
    writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {w} {h}" width="100%" role="img" aria-labelledby="{id}-title {id}-desc" font-family="inherit" font-size="{fs}" fill="currentColor">"#,
        w = Num(WIDTH),
        h = Num(header.height),
        fs = Num(FONT_SIZE),
    )?;
    writeln!(
        out,
        r#"<title id="{id}-title">{}</title>"#,
        Escaped(header.title)
    )?;
    writeln!(
        out,
        r#"<desc id="{id}-desc">{}</desc>"#,
        Escaped(header.description)
    )?;
    writeln!(
        out,
        r#"<text class="chart-y-label" x="{}" y="{}">{}</text>"#,
        Num(PLOT_LEFT),
        Num(Y_LABEL_BASELINE),
        Escaped(header.y_label),
    )
}

/// The message drawn in the middle of an empty plot, between `left` and `right`.
fn write_empty_message(out: &mut String, left: f64, right: f64, message: &str) -> fmt::Result {
    writeln!(
        out,
        r#"<text class="chart-empty" x="{}" y="{}" text-anchor="middle">{}</text>"#,
        Num((left + right) / 2.0),
        Num((PLOT_TOP + PLOT_BOTTOM) / 2.0 + TEXT_DROP),
        Escaped(message),
    )
}

fn write_line_chart(out: &mut String, chart: &LineChart<'_>) -> fmt::Result {
    let days = chart
        .series
        .iter()
        .map(|s| s.values.len())
        .max()
        .unwrap_or(0);
    let y_max = scale_max(chart.y_max);
    let frame = Frame { days, y_max };
    let height = LEGEND_TOP + chart.series.len() as f64 * LEGEND_ROW + BOTTOM_PADDING;

    write_header(
        out,
        &Header {
            id: chart.id,
            title: chart.title,
            description: chart.description,
            y_label: chart.y_label,
            height,
        },
    )?;
    write_y_axis(out, y_max)?;
    write_x_axis(out, &frame, chart.first_day)?;

    let any_entries = chart
        .series
        .iter()
        .any(|s| s.values.iter().any(|v| frame.value(*v).is_some()));
    if any_entries {
        for (index, series) in chart.series.iter().enumerate() {
            write_series(out, &frame, index, series)?;
        }
    } else {
        write_empty_message(out, PLOT_LEFT, PLOT_RIGHT, NO_ENTRIES)?;
    }

    write_legend(out, chart.series)?;
    writeln!(out, "</svg>")
}

/// Gridlines at round numbers (0, 5, 10 on a rating), with the zero line drawn as the axis.
fn write_y_axis(out: &mut String, y_max: f64) -> fmt::Result {
    let step = grid_step(y_max);
    // Counting in whole steps, rather than adding, keeps 0.1 + 0.2 errors out of the labels.
    let levels: Vec<f64> = (0u32..)
        .map(|k| f64::from(k) * step)
        .take_while(|v| *v <= y_max * (1.0 + 1e-9))
        .collect();

    writeln!(
        out,
        r#"<g class="chart-grid" stroke="currentColor" stroke-opacity="0.3" stroke-width="1">"#
    )?;
    for level in levels.iter().skip(1) {
        let y = Num(y_position(*level, y_max));
        writeln!(
            out,
            r#"<line x1="{}" y1="{y}" x2="{}" y2="{y}"/>"#,
            Num(PLOT_LEFT),
            Num(PLOT_RIGHT),
        )?;
    }
    writeln!(out, "</g>")?;
    let y = Num(y_position(0.0, y_max));
    writeln!(
        out,
        r#"<line class="chart-axis" x1="{}" y1="{y}" x2="{}" y2="{y}" stroke="currentColor" stroke-width="1"/>"#,
        Num(PLOT_LEFT),
        Num(PLOT_RIGHT),
    )?;

    writeln!(out, r#"<g class="chart-y-ticks" text-anchor="end">"#)?;
    for level in &levels {
        writeln!(
            out,
            r#"<text x="{}" y="{}">{}</text>"#,
            Num(PLOT_LEFT - 6.0),
            Num(y_position(*level, y_max) + TEXT_DROP),
            Num(*level),
        )?;
    }
    writeln!(out, "</g>")
}

/// Dates as dd/mm, the way they are written in the UK, under a tick every week from the first
/// day (every day on a chart of ten days or fewer).
fn write_x_axis(out: &mut String, frame: &Frame, first_day: Date) -> fmt::Result {
    let interval = tick_interval(frame.days);
    writeln!(
        out,
        r#"<g class="chart-x-ticks" text-anchor="middle" stroke="currentColor" stroke-width="1">"#
    )?;
    for day in (0..frame.days).step_by(interval) {
        // Only a chart running past the year 9999 could fail here; its label is left off
        // rather than guessed.
        let Some(date) = i64::try_from(day)
            .ok()
            .and_then(|d| Span::new().try_days(d).ok())
            .and_then(|span| first_day.checked_add(span).ok())
        else {
            continue;
        };
        let x = Num(frame.x(day));
        writeln!(
            out,
            r#"<line x1="{x}" y1="{}" x2="{x}" y2="{}"/>"#,
            Num(PLOT_BOTTOM),
            Num(PLOT_BOTTOM + TICK_LENGTH),
        )?;
        writeln!(
            out,
            r#"<text x="{x}" y="{}" stroke="none">{:02}/{:02}</text>"#,
            Num(X_LABEL_BASELINE),
            date.day(),
            date.month(),
        )?;
    }
    writeln!(out, "</g>")
}

/// One series: a polyline for each run of consecutive days, and a marker on every day with a
/// value, so that a day standing alone between gaps is still seen.
fn write_series(out: &mut String, frame: &Frame, index: usize, series: &Series<'_>) -> fmt::Result {
    let points: Vec<Option<(f64, f64)>> = series
        .values
        .iter()
        .enumerate()
        .map(|(day, v)| frame.value(*v).map(|v| (frame.x(day), frame.y(v))))
        .collect();

    write_series_group_start(out, series)?;
    for run in points.split(|p| p.is_none()) {
        if run.len() < 2 {
            continue;
        }
        out.push_str(r#"<polyline points=""#);
        for (i, (x, y)) in run.iter().flatten().enumerate() {
            let separator = if i == 0 { "" } else { " " };
            write!(out, "{separator}{},{}", Num(*x), Num(*y))?;
        }
        writeln!(out, r#""/>"#)?;
    }
    let marker = Marker::for_series(index);
    if points.iter().any(Option::is_some) {
        writeln!(out, r#"<g fill="currentColor" stroke="none">"#)?;
        for (x, y) in points.iter().flatten() {
            marker.write(out, *x, *y)?;
        }
        writeln!(out, "</g>")?;
    }
    writeln!(out, "</g>")
}

/// The opening `<g>` that gives a series its class (and so its colour) and its line style.
fn write_series_group_start(out: &mut String, series: &Series<'_>) -> fmt::Result {
    write!(
        out,
        r#"<g class="series {}" fill="none" stroke="currentColor" stroke-width="{}" stroke-linejoin="round" stroke-linecap="round""#,
        Escaped(series.class),
        Num(LINE_WIDTH),
    )?;
    // Dash lengths allow for the round caps, which add half the line width at each end; without
    // that allowance the dots would run together into a line.
    match series.style {
        LineStyle::Solid => {}
        LineStyle::Dashed => out.push_str(r#" stroke-dasharray="8 6""#),
        LineStyle::Dotted => out.push_str(r#" stroke-dasharray="1 6""#),
    }
    writeln!(out, ">")
}

/// A legend row per series: a short sample of its line with its marker, then its name.
fn write_legend(out: &mut String, series: &[Series<'_>]) -> fmt::Result {
    writeln!(out, r#"<g class="chart-legend">"#)?;
    for (index, series) in series.iter().enumerate() {
        let y = LEGEND_TOP + (index as f64 + 0.5) * LEGEND_ROW;
        write_series_group_start(out, series)?;
        writeln!(
            out,
            r#"<line x1="{}" y1="{y}" x2="{}" y2="{y}"/>"#,
            Num(PLOT_LEFT),
            Num(PLOT_LEFT + LEGEND_SAMPLE),
            y = Num(y),
        )?;
        writeln!(out, r#"<g fill="currentColor" stroke="none">"#)?;
        Marker::for_series(index).write(out, PLOT_LEFT + LEGEND_SAMPLE / 2.0, y)?;
        writeln!(out, "</g>")?;
        writeln!(out, "</g>")?;
        writeln!(
            out,
            r#"<text x="{}" y="{}">{}</text>"#,
            Num(PLOT_LEFT + LEGEND_SAMPLE + 10.0),
            Num(y + TEXT_DROP),
            Escaped(series.name),
        )?;
    }
    writeln!(out, "</g>")
}

/// A marker shape per series, in order, so that two series with the same line style can still be
/// told apart without colour. The first series gets a small circle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Marker {
    Circle,
    Square,
    Triangle,
    Diamond,
}

impl Marker {
    fn for_series(index: usize) -> Marker {
        match index % 4 {
            0 => Marker::Circle,
            1 => Marker::Square,
            2 => Marker::Triangle,
            _ => Marker::Diamond,
        }
    }

    fn write(self, out: &mut String, x: f64, y: f64) -> fmt::Result {
        // The sizes differ so that the shapes look about the same size; a triangle or diamond
        // with the circle's width looks smaller.
        match self {
            Marker::Circle => writeln!(out, r#"<circle cx="{}" cy="{}" r="3.5"/>"#, Num(x), Num(y)),
            Marker::Square => writeln!(
                out,
                r#"<rect x="{}" y="{}" width="7" height="7"/>"#,
                Num(x - 3.5),
                Num(y - 3.5),
            ),
            Marker::Triangle => writeln!(
                out,
                r#"<polygon points="{},{} {},{} {},{}"/>"#,
                Num(x),
                Num(y - 5.0),
                Num(x + 4.5),
                Num(y + 3.5),
                Num(x - 4.5),
                Num(y + 3.5),
            ),
            Marker::Diamond => writeln!(
                out,
                r#"<polygon points="{},{} {},{} {},{} {},{}"/>"#,
                Num(x),
                Num(y - 5.0),
                Num(x + 5.0),
                Num(y),
                Num(x),
                Num(y + 5.0),
                Num(x - 5.0),
                Num(y),
            ),
        }
    }
}

/// The distance between gridlines: the smallest of 1, 2 or 5 times a power of ten that gives at
/// most four intervals, so a rating out of 10 has lines at 0, 5 and 10.
fn grid_step(y_max: f64) -> f64 {
    let rough = y_max / 4.0;
    let power = 10f64.powi(rough.log10().floor() as i32);
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|step| *step >= rough * (1.0 - 1e-9))
        .unwrap_or(10.0 * power);
    // Labels show at most one decimal place, so finer steps would repeat a label.
    step.max(0.1)
}

/// Days between x-axis labels: every day on a short chart, otherwise whole weeks, widened on
/// long charts so that about a dozen dates fit without overlapping.
fn tick_interval(days: usize) -> usize {
    if days <= 10 { 1 } else { 7 * days.div_ceil(91) }
}

/// The chart's id as an HTML id token: `aria-labelledby` is a space-separated list, so a space in
/// an id would silently point it at the wrong elements.
fn id_token(raw: &str) -> String {
    let token: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if token.is_empty() {
        "chart".to_owned()
    } else {
        token
    }
}

/// A number rounded to one decimal place, without a trailing ".0" or a "-0", so that the output
/// is stable and small.
struct Num(f64);

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = format!("{:.1}", self.0);
        let text = text.strip_suffix(".0").unwrap_or(&text);
        if text == "-0" {
            f.write_str("0")
        } else {
            f.write_str(text)
        }
    }
}

/// Text escaped for use in XML content and in quoted attributes. Characters that XML 1.0 does not
/// allow at all (most control characters) are dropped, because no escape makes them legal.
struct Escaped<'a>(&'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            match c {
                '&' => f.write_str("&amp;")?,
                '<' => f.write_str("&lt;")?,
                '>' => f.write_str("&gt;")?,
                '"' => f.write_str("&quot;")?,
                '\'' => f.write_str("&#39;")?,
                '\t' | '\n' | '\r' => f.write_char(c)?,
                c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
                c => f.write_char(c)?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_rounded_to_one_decimal_place_without_trailing_zeros() {
        assert_eq!(Num(52.933).to_string(), "52.9");
        assert_eq!(Num(232.0).to_string(), "232");
        assert_eq!(Num(4.96).to_string(), "5");
        assert_eq!(Num(-0.01).to_string(), "0");
        assert_eq!(Num(-3.25).to_string(), "-3.2");
    }

    #[test]
    fn gridlines_fall_on_round_numbers() {
        assert_eq!(grid_step(10.0), 5.0);
        assert_eq!(grid_step(12.0), 5.0);
        assert_eq!(grid_step(7.0), 2.0);
        assert_eq!(grid_step(4.0), 1.0);
        assert_eq!(grid_step(100.0), 50.0);
        assert_eq!(grid_step(0.01), 0.1);
    }

    #[test]
    fn dates_are_labelled_daily_on_short_charts_and_weekly_on_long_ones() {
        assert_eq!(tick_interval(7), 1);
        assert_eq!(tick_interval(30), 7);
        assert_eq!(tick_interval(91), 7);
        assert_eq!(tick_interval(365), 35);
    }

    #[test]
    fn an_id_with_spaces_or_markup_becomes_a_single_token() {
        assert_eq!(id_token("diary chart"), "diary-chart");
        assert_eq!(id_token("a\"b<c"), "a-b-c");
        assert_eq!(id_token(""), "chart");
    }

    #[test]
    fn control_characters_that_xml_forbids_are_dropped() {
        assert_eq!(Escaped("a\u{0}b\u{1b}c\nd").to_string(), "abc\nd");
    }
}
