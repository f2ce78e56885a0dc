//! The score chart: a questionnaire's totals at the dates they were taken, over its severity
//! bands, with a bracket showing how big a change has to be to matter.
//!
//! It follows the same rules as the line chart (see the crate's documentation): no inline
//! styles, every colour `currentColor` or a class, `role="img"` with a title and description,
//! and the same bytes for the same chart. What differs:
//!
//! - Scores are taken weeks or months apart, so the x axis is a time line from `first_day` to
//!   `last_day`, not a slot per day, and consecutive scores are joined however far apart they
//!   are. Each score has a marker, so a single score is still seen.
//! - Severity bands are shaded rectangles behind the line, each labelled at the right inside its
//!   band, in a column the line does not enter, so the bands can be told apart without colour.
//! - The minimal clinically important difference (MCID), where one is given, is a bracket in the
//!   right margin as tall as that many points, so a reader can hold it against the change
//!   between two scores. Where none is given nothing is drawn; the page says why in words.

use std::fmt::{self, Write};

use jiff::Span;
use painpath_core::Date;

use crate::{
    BOTTOM_PADDING, Escaped, FONT_SIZE, Header, LEGEND_ROW, LEGEND_TOP, LineStyle, Marker, Num,
    PLOT_BOTTOM, PLOT_LEFT, PLOT_RIGHT, Series, TICK_LENGTH, WIDTH, X_LABEL_BASELINE,
    Y_LABEL_BASELINE, scale_max, write_empty_message, write_header, write_legend,
    write_series_group_start, write_y_axis, y_position,
};

/// A range of scores shaded behind the line, such as PHQ-9 "Mild", 5 to 10.
#[derive(Clone, Copy, Debug)]
pub struct ShadedBand<'a> {
    /// The bottom of the band, in score points.
    pub from: f64,
    /// The top of the band, in score points. A band runs from `from` to `to` exactly, so bands
    /// given as 0–5, 5–10, … meet without a gap or an overlap.
    pub to: f64,
    /// Written at the right inside the band, e.g. "Mild".
    pub label: &'a str,
    /// A CSS class that gives the band its shade, e.g. "band-mild". Without any CSS the bands
    /// are light tints of the text colour, alternately lighter and darker.
    pub class: &'a str,
}

/// The minimal clinically important difference: the smallest change in score that a patient
/// would notice as better or worse.
#[derive(Clone, Copy, Debug)]
pub struct Mcid<'a> {
    /// The size of the change, in score points, e.g. 5 for the PHQ-9.
    pub points: f64,
    /// Written above the bracket, e.g. "5-point change".
    pub label: &'a str,
}

/// A chart of questionnaire scores over time, such as a year of PHQ-9 totals.
#[derive(Clone, Copy, Debug)]
pub struct ScoreChart<'a> {
    /// Makes the ids of `<title>` and `<desc>` unique on the page, e.g. "phq9-chart". Use
    /// letters, digits, `-` and `_`; anything else is replaced by `-`.
    pub id: &'a str,
    /// Goes into `<title>`.
    pub title: &'a str,
    /// Goes into `<desc>`.
    pub description: &'a str,
    /// The legend text for the line, e.g. "PHQ-9 total (0 to 27, higher is worse)". The line's
    /// class is `series-score`, so a page colours it with `.series-score { color: … }`.
    pub name: &'a str,
    /// The scores and the days they were taken, in any order; they are drawn in date order.
    /// A score that is not a number is left out, and so is one taken outside
    /// `first_day..=last_day`.
    pub points: &'a [(Date, f64)],
    /// The first day on the x axis.
    pub first_day: Date,
    /// The last day on the x axis, included. If it is before `first_day` the two are swapped.
    pub last_day: Date,
    /// The top of the scale, e.g. 27 for the PHQ-9. Scores above it are drawn at the top and
    /// scores below 0 at the bottom; a scale that is not a positive number is treated as 10.
    pub y_max: f64,
    /// The scale's name, written above the chart, e.g. "PHQ-9 total".
    pub y_label: &'a str,
    /// Drawn in order, behind the line. Parts of a band outside 0..=`y_max` are cut off.
    pub bands: &'a [ShadedBand<'a>],
    /// `None` where no MCID is established for this questionnaire: then no bracket is drawn.
    pub mcid: Option<Mcid<'a>>,
}

/// The message drawn in place of a line when there are no scores at all.
pub const NO_SCORES: &str = "No scores yet";

/// The message drawn in place of a line when there are scores, but none in the chart's period.
pub const NO_SCORES_IN_PERIOD: &str = "No scores in this period";

/// Draws `chart` as a complete `<svg>` element. The same chart always gives the same bytes.
pub fn score_chart(chart: &ScoreChart<'_>) -> String {
    let mut out = String::new();
    write_score_chart(&mut out, chart).expect("writing to a String cannot fail");
    out
}

// The layout, in viewBox units, on top of the line chart's.
/// Band labels are smaller than the axis text, so that the names of bands five PHQ-9 points
/// tall fit inside them.
const BAND_FONT_SIZE: f64 = 12.0;
/// A generous guess at the width of a character of a band label, in ems, for sizing the labels'
/// column. The chart does not know the page's font, so it errs on the wide side.
const CHAR_WIDTH: f64 = 0.55;
/// The same guess for the dates, which are all digits and so a little wider.
const DATE_CHAR_WIDTH: f64 = 0.6;
/// Space either side of a band label.
const BAND_LABEL_PADDING: f64 = 6.0;
/// The widest the band labels' column may be, so that the line keeps most of the width.
const MAX_BAND_LABEL_COLUMN: f64 = 140.0;
/// Keeps the first and last days' markers off the y axis and off the band labels.
const DATA_INSET: f64 = 10.0;
/// The least space between two date labels.
const DATE_GAP: f64 = 12.0;
const BAND_OPACITY: [&str; 2] = ["0.05", "0.12"];
const MCID_X: f64 = PLOT_RIGHT + 10.0;
const MCID_ARM: f64 = 6.0;
const MCID_WIDTH: f64 = 1.5;

/// Where days and scores are drawn.
struct Frame {
    first_day: Date,
    /// Days from `first_day` to the last day; 0 for a chart of one day.
    span: i64,
    left: f64,
    right: f64,
    y_max: f64,
}

impl Frame {
    /// The horizontal position of the day `offset` days after the first. A one-day chart puts
    /// its day in the middle.
    fn x(&self, offset: i64) -> f64 {
        if self.span == 0 {
            (self.left + self.right) / 2.0
        } else {
            self.left + offset as f64 / self.span as f64 * (self.right - self.left)
        }
    }

    fn y(&self, value: f64) -> f64 {
        y_position(value.clamp(0.0, self.y_max), self.y_max)
    }

    /// Days from the first day to `date`, or `None` if `date` is outside the chart.
    fn offset(&self, date: Date) -> Option<i64> {
        Some(days_between(self.first_day, date)).filter(|d| (0..=self.span).contains(d))
    }
}

fn write_score_chart(out: &mut String, chart: &ScoreChart<'_>) -> fmt::Result {
    let y_max = scale_max(chart.y_max);
    let (first_day, last_day) = if chart.last_day < chart.first_day {
        (chart.last_day, chart.first_day)
    } else {
        (chart.first_day, chart.last_day)
    };
    let bands: Vec<Band<'_>> = chart
        .bands
        .iter()
        .filter_map(|band| Band::on_scale(band, y_max))
        .collect();
    let label_column = bands
        .iter()
        .filter(|band| band.labelled())
        .map(|band| label_width(band.label))
        .fold(0.0, f64::max)
        .min(MAX_BAND_LABEL_COLUMN);
    let frame = Frame {
        first_day,
        span: days_between(first_day, last_day),
        left: PLOT_LEFT + DATA_INSET,
        right: PLOT_RIGHT - label_column - DATA_INSET,
        y_max,
    };
    let series = Series {
        name: chart.name,
        values: &[],
        style: LineStyle::Solid,
        class: "series-score",
    };

    write_header(
        out,
        &Header {
            id: chart.id,
            title: chart.title,
            description: chart.description,
            y_label: chart.y_label,
            height: LEGEND_TOP + LEGEND_ROW + BOTTOM_PADDING,
        },
    )?;
    write_bands(out, &bands)?;
    write_y_axis(out, y_max)?;
    write_x_axis(out, &frame, last_day)?;
    if let Some(mcid) = &chart.mcid {
        write_mcid(out, &frame, mcid)?;
    }

    let mut points: Vec<(i64, f64)> = chart
        .points
        .iter()
        .filter(|(_, score)| score.is_finite())
        .filter_map(|(date, score)| frame.offset(*date).map(|offset| (offset, *score)))
        .collect();
    // A stable sort, so two scores on one day keep the caller's order.
    points.sort_by_key(|(offset, _)| *offset);
    if points.is_empty() {
        let any_scores = chart.points.iter().any(|(_, score)| score.is_finite());
        let message = if any_scores {
            NO_SCORES_IN_PERIOD
        } else {
            NO_SCORES
        };
        write_empty_message(out, frame.left, frame.right, message)?;
    } else {
        write_line(out, &frame, &series, &points)?;
    }

    write_legend(out, std::slice::from_ref(&series))?;
    writeln!(out, "</svg>")
}

/// A band cut to the scale, with its edges where they are drawn.
struct Band<'a> {
    /// The top and bottom edges in viewBox units, rounded as they are written, so that bands
    /// that meet in score points meet on the page too.
    top: f64,
    bottom: f64,
    label: &'a str,
    class: &'a str,
}

impl<'a> Band<'a> {
    /// The part of `band` on a scale from 0 to `y_max`, or `None` if no part is (or its ends are
    /// not numbers). A band given upside down is turned the right way up.
    fn on_scale(band: &ShadedBand<'a>, y_max: f64) -> Option<Band<'a>> {
        if !band.from.is_finite() || !band.to.is_finite() {
            return None;
        }
        let from = band.from.min(band.to).max(0.0);
        let to = band.from.max(band.to).min(y_max);
        (from < to).then(|| Band {
            top: as_written(y_position(to, y_max)),
            bottom: as_written(y_position(from, y_max)),
            label: band.label,
            class: band.class,
        })
    }

    /// Whether the band is tall enough to hold its label: in a sliver of a band the label would
    /// be written over its neighbours'.
    fn labelled(&self) -> bool {
        !self.label.trim().is_empty() && self.bottom - self.top >= BAND_FONT_SIZE
    }
}

/// Each band as a rectangle across the plot with its label at the right, behind everything
/// else. Without page CSS the bands alternate between two light tints of the text colour.
fn write_bands(out: &mut String, bands: &[Band<'_>]) -> fmt::Result {
    if bands.is_empty() {
        return Ok(());
    }
    writeln!(out, r#"<g class="chart-bands">"#)?;
    for (index, band) in bands.iter().enumerate() {
        writeln!(
            out,
            r#"<rect class="chart-band {}" x="{}" y="{}" width="{}" height="{}" fill="currentColor" fill-opacity="{}"/>"#,
            Escaped(band.class),
            Num(PLOT_LEFT),
            Num(band.top),
            Num(PLOT_RIGHT - PLOT_LEFT),
            Num(band.bottom - band.top),
            BAND_OPACITY[index % 2],
        )?;
    }
    writeln!(
        out,
        r#"<g class="chart-band-labels" font-size="{}" text-anchor="end">"#,
        Num(BAND_FONT_SIZE)
    )?;
    for band in bands.iter().filter(|band| band.labelled()) {
        writeln!(
            out,
            r#"<text x="{}" y="{}">{}</text>"#,
            Num(PLOT_RIGHT - BAND_LABEL_PADDING),
            Num((band.top + band.bottom) / 2.0 + BAND_FONT_SIZE * 0.35),
            Escaped(band.label),
        )?;
    }
    writeln!(out, "</g>")?;
    writeln!(out, "</g>")
}

/// How far apart the dates on the x axis are: a number of days from the first day, or a number
/// of months on the first of the month.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TickStep {
    Days(i64),
    Months(i32),
}

/// From the finest to the coarsest; the finest whose labels do not overlap is used. Months run
/// up to ten thousand years, more than any date jiff can hold, so one always fits.
const TICK_STEPS: [TickStep; 21] = [
    TickStep::Days(1),
    TickStep::Days(2),
    TickStep::Days(7),
    TickStep::Days(14),
    TickStep::Months(1),
    TickStep::Months(2),
    TickStep::Months(3),
    TickStep::Months(6),
    TickStep::Months(12),
    TickStep::Months(24),
    TickStep::Months(60),
    TickStep::Months(120),
    TickStep::Months(240),
    TickStep::Months(600),
    TickStep::Months(1_200),
    TickStep::Months(2_400),
    TickStep::Months(6_000),
    TickStep::Months(12_000),
    TickStep::Months(24_000),
    TickStep::Months(60_000),
    TickStep::Months(120_000),
];

impl TickStep {
    /// The fewest days between two ticks: a month can be as short as 28 days and a year 365.
    fn min_days(self) -> i64 {
        match self {
            TickStep::Days(days) => days,
            TickStep::Months(months) if months % 12 == 0 => i64::from(months / 12) * 365,
            TickStep::Months(months) => i64::from(months) * 30 - 2,
        }
    }

    /// The width of one date label: dd/mm/yy on a day, mm/yyyy on the first of a month.
    fn label_width(self) -> f64 {
        let chars = match self {
            TickStep::Days(_) => 8.0,
            TickStep::Months(_) => 7.0,
        };
        chars * FONT_SIZE * DATE_CHAR_WIDTH + DATE_GAP
    }

    /// The finest step whose labels, at their closest, are a label's width apart.
    fn for_frame(frame: &Frame) -> TickStep {
        let per_day = if frame.span == 0 {
            f64::INFINITY
        } else {
            (frame.right - frame.left) / frame.span as f64
        };
        TICK_STEPS
            .into_iter()
            .find(|step| step.min_days() as f64 * per_day >= step.label_width())
            .unwrap_or(TickStep::Months(120_000))
    }
}

/// The days to label and how to write them, in UK order: dd/mm/yy every few days or weeks from
/// the first day, or mm/yyyy on the first of every few months on a longer chart.
fn ticks(frame: &Frame, last_day: Date) -> Vec<(Date, String)> {
    match TickStep::for_frame(frame) {
        TickStep::Days(step) => (0..=frame.span)
            .step_by(usize::try_from(step).unwrap_or(1))
            .filter_map(|offset| {
                let span = Span::new().try_days(offset).ok()?;
                let date = frame.first_day.checked_add(span).ok()?;
                let label = format!(
                    "{:02}/{:02}/{:02}",
                    date.day(),
                    date.month(),
                    date.year().rem_euclid(100)
                );
                Some((date, label))
            })
            .collect(),
        TickStep::Months(step) => {
            let month_number =
                |date: Date| i32::from(date.year()) * 12 + i32::from(date.month()) - 1;
            let mut month = month_number(frame.first_day) + i32::from(frame.first_day.day() != 1);
            month += (step - month.rem_euclid(step)) % step;
            let mut ticks = Vec::new();
            while month <= month_number(last_day) {
                let year = i16::try_from(month.div_euclid(12)).ok();
                let in_year = i8::try_from(month.rem_euclid(12) + 1).ok();
                if let Some(date) = year
                    .zip(in_year)
                    .and_then(|(year, in_year)| Date::new(year, in_year, 1).ok())
                {
                    ticks.push((date, format!("{:02}/{:04}", date.month(), date.year())));
                }
                month += step;
            }
            ticks
        }
    }
}

fn write_x_axis(out: &mut String, frame: &Frame, last_day: Date) -> fmt::Result {
    writeln!(
        out,
        r#"<g class="chart-x-ticks" text-anchor="middle" stroke="currentColor" stroke-width="1">"#
    )?;
    for (date, label) in ticks(frame, last_day) {
        let Some(offset) = frame.offset(date) else {
            continue;
        };
        let x = Num(frame.x(offset));
        writeln!(
            out,
            r#"<line x1="{x}" y1="{}" x2="{x}" y2="{}"/>"#,
            Num(PLOT_BOTTOM),
            Num(PLOT_BOTTOM + TICK_LENGTH),
        )?;
        writeln!(
            out,
            r#"<text x="{x}" y="{}" stroke="none">{label}</text>"#,
            Num(X_LABEL_BASELINE),
        )?;
    }
    writeln!(out, "</g>")
}

/// The MCID as a bracket hanging from the top of the scale in the right margin, as tall as the
/// change it stands for (or the whole scale, if the change is bigger), with its label above.
fn write_mcid(out: &mut String, frame: &Frame, mcid: &Mcid<'_>) -> fmt::Result {
    if !mcid.points.is_finite() || mcid.points <= 0.0 {
        return Ok(());
    }
    let top = frame.y(frame.y_max);
    let bottom = frame.y(frame.y_max - mcid.points);
    writeln!(out, r#"<g class="chart-mcid">"#)?;
    writeln!(
        out,
        r#"<polyline points="{arm},{top} {x},{top} {x},{bottom} {arm},{bottom}" fill="none" stroke="currentColor" stroke-width="{}" stroke-linejoin="miter"/>"#,
        Num(MCID_WIDTH),
        arm = Num(MCID_X - MCID_ARM),
        x = Num(MCID_X),
        top = Num(top),
        bottom = Num(bottom),
    )?;
    writeln!(
        out,
        r#"<text x="{}" y="{}" text-anchor="end">{}</text>"#,
        Num(WIDTH - 4.0),
        Num(Y_LABEL_BASELINE),
        Escaped(mcid.label),
    )?;
    writeln!(out, "</g>")
}

/// The scores, joined in date order, with a marker on each.
fn write_line(
    out: &mut String,
    frame: &Frame,
    series: &Series<'_>,
    points: &[(i64, f64)],
) -> fmt::Result {
    let points: Vec<(f64, f64)> = points
        .iter()
        .map(|(offset, score)| (frame.x(*offset), frame.y(*score)))
        .collect();
    write_series_group_start(out, series)?;
    if points.len() > 1 {
        out.push_str(r#"<polyline points=""#);
        for (i, (x, y)) in points.iter().enumerate() {
            let separator = if i == 0 { "" } else { " " };
            write!(out, "{separator}{},{}", Num(*x), Num(*y))?;
        }
        writeln!(out, r#""/>"#)?;
    }
    writeln!(out, r#"<g fill="currentColor" stroke="none">"#)?;
    for (x, y) in &points {
        Marker::Circle.write(out, *x, *y)?;
    }
    writeln!(out, "</g>")?;
    writeln!(out, "</g>")
}

/// The estimated width of the band labels' column for `label`, padding included.
fn label_width(label: &str) -> f64 {
    label.chars().count() as f64 * BAND_FONT_SIZE * CHAR_WIDTH + 2.0 * BAND_LABEL_PADDING
}

/// `value` rounded exactly as [`Num`] writes it.
fn as_written(value: f64) -> f64 {
    Num(value).to_string().parse().unwrap_or(value)
}

/// Days from `from` to `to`, negative if `to` is earlier. Any two dates jiff can hold are fewer
/// than eight million days apart, which a span holds, so the difference cannot fail.
fn days_between(from: Date, to: Date) -> i64 {
    from.until(to).map_or(0, |span| i64::from(span.get_days()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(first: Date, last: Date) -> Frame {
        Frame {
            first_day: first,
            span: days_between(first, last),
            left: 54.0,
            right: 330.0,
            y_max: 27.0,
        }
    }

    fn labels(first: Date, last: Date) -> Vec<String> {
        ticks(&frame(first, last), last)
            .into_iter()
            .map(|(_, label)| label)
            .collect()
    }

    #[test]
    fn a_few_days_are_labelled_one_by_one_day_first() {
        let first = jiff::civil::date(2026, 12, 30);
        let last = jiff::civil::date(2027, 1, 2);
        assert_eq!(
            labels(first, last),
            ["30/12/26", "31/12/26", "01/01/27", "02/01/27"]
        );
    }

    #[test]
    fn a_few_weeks_are_labelled_weekly_or_fortnightly_from_the_first_day() {
        let first = jiff::civil::date(2026, 3, 2);
        let labels = labels(first, jiff::civil::date(2026, 4, 6));
        assert_eq!(labels.first().map(String::as_str), Some("02/03/26"));
        assert!(labels.len() >= 3 && labels.len() <= 6, "{labels:?}");
    }

    #[test]
    fn months_and_years_are_labelled_month_first_on_the_first_of_the_month() {
        let labels = labels(
            jiff::civil::date(2026, 1, 15),
            jiff::civil::date(2026, 12, 31),
        );
        assert!(
            labels.iter().all(|l| l.len() == 7 && l.ends_with("/2026")),
            "{labels:?}"
        );
        assert!(!labels.contains(&"01/2026".to_owned()), "{labels:?}");
        let long = self::labels(jiff::civil::date(2016, 1, 1), jiff::civil::date(2026, 1, 1));
        assert!(long.len() >= 2 && long.len() <= 6, "{long:?}");
        assert!(long.iter().all(|l| l.starts_with("01/")), "{long:?}");
    }

    #[test]
    fn the_widest_range_of_dates_still_has_a_few_labels() {
        let labels = labels(Date::MIN, Date::MAX);
        assert!(!labels.is_empty() && labels.len() <= 6, "{labels:?}");
    }

    #[test]
    fn days_between_counts_whole_days_either_way() {
        let a = jiff::civil::date(2026, 2, 27);
        let b = jiff::civil::date(2026, 3, 2);
        assert_eq!(days_between(a, b), 3);
        assert_eq!(days_between(b, a), -3);
        assert_eq!(days_between(Date::MIN, Date::MAX), 7_304_483);
    }
}
