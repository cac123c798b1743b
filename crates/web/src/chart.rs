//! Charts drawn on the server as SVG, so they print, open without scripts and go into the
//! documents as they are.

use maud::{Markup, html};

/// One bar: its label, its value, whether to draw it in the warning colour, and where it
/// leads (the cases it counts).
pub(crate) struct Bar<'a> {
    pub label: &'a str,
    pub value: i64,
    pub warn: bool,
    pub href: Option<String>,
}

const ROW: i64 = 24;
/// Fonts named in the drawings, so a chart reads the same in the browser and in the PDF.
const FONTS: &str =
    "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif";
// Narrow enough that on a phone the labels stay readable when the drawing fits the screen.
const WIDTH: i64 = 440;

/// Room for the longest label at 13px (a Chinese character is about as wide as it is tall).
fn label_width(rows: &[Bar<'_>]) -> i64 {
    let chars = rows
        .iter()
        .map(|r| {
            r.label
                .chars()
                .map(|c| if c.is_ascii() { 7 } else { 13 })
                .sum::<i64>()
        })
        .max()
        .unwrap_or(0);
    (chars + 10).clamp(60, 170)
}

/// Horizontal bars from a zero line (or from the smallest value, when every value is far
/// above zero, so that close scores stay told apart), each labelled with its value.
pub(crate) fn bars(title: &str, rows: &[Bar<'_>]) -> Markup {
    let max = rows.iter().map(|r| r.value).max().unwrap_or(0).max(1);
    let min = rows.iter().map(|r| r.value).min().unwrap_or(0);
    // Scores sit near 100: start the axis a little below the lowest, at a round ten.
    let floor = if min > 0 && (max - min) * 3 < max {
        ((min - (max - min).max(5)) / 10 * 10).max(0)
    } else {
        min.min(0)
    };
    let span = (max - floor).max(1);
    let label = label_width(rows);
    let plot = WIDTH - label - 50;
    let x = |v: i64| label + (v - floor) * plot / span;
    let rows_len = i64::try_from(rows.len()).unwrap_or(0);
    let height = rows_len * ROW + 24;
    html! {
        svg.chart xmlns="http://www.w3.org/2000/svg" viewBox={"0 0 " (WIDTH) " " (height)} role="img" aria-label=(title) font-family=(FONTS) {
            title { (title) }
            line x1=(x(floor)) y1="0" x2=(x(floor)) y2=(rows_len * ROW) stroke="#98a2b3" {}
            @for (i, r) in (0_i64..).zip(rows) {
                @let y = i * ROW;
                @let (x0, x1) = (x(floor.max(0).min(r.value)), x(r.value.max(floor.max(0))));
                @let bar = html! {
                    text x=(label - 6) y=(y + 16) text-anchor="end" font-size="13" { (r.label) }
                    rect x=(x0) y=(y + 4) width=((x1 - x0).max(1)) height=(ROW - 8)
                        fill=(if r.warn { "#d92d20" } else { "#2e90fa" }) {}
                    text x=(x1 + 4) y=(y + 16) font-size="12" { (r.value) }
                };
                @match &r.href {
                    Some(h) => a href=(h) { (bar) },
                    None => (bar),
                }
            }
            text x=(x(floor)) y=(rows_len * ROW + 16) font-size="11" fill="#667085" text-anchor="middle" { (floor) }
            text x=(x(max)) y=(rows_len * ROW + 16) font-size="11" fill="#667085" text-anchor="middle" { (max) }
        }
    }
}

/// One column of a stacked chart: its label under the axis, one value per series (in the
/// series' order), and where it leads.
pub(crate) struct Column {
    pub label: String,
    pub values: Vec<i64>,
    pub href: Option<String>,
}

/// Colours told apart in print and by most colour-blind readers (Okabe–Ito).
const SERIES_COLOURS: &[&str] = &[
    "#0072B2", "#E69F00", "#D55E00", "#CC79A7", "#009E73", "#999999",
];

const PLOT_H: i64 = 150;
const AXIS: i64 = 30;

/// Stacked columns with a legend: one column per period, one colour per series.
pub(crate) fn columns(title: &str, series: &[&str], cols: &[Column]) -> Markup {
    let max = cols
        .iter()
        .map(|c| c.values.iter().sum::<i64>())
        .max()
        .unwrap_or(0)
        .max(1);
    let n = i64::try_from(cols.len()).unwrap_or(1).max(1);
    let step = (WIDTH - AXIS - 8) / n;
    let bar_w = (step * 7 / 10).max(2);
    let y = |v: i64| 10 + PLOT_H - v * PLOT_H / max;
    let legend_rows = i64::try_from(series.len().div_ceil(2)).unwrap_or(1);
    let height = 10 + PLOT_H + 22 + legend_rows * 18 + 4;
    // Every label when they fit, else every other one.
    let every = if step >= 34 { 1 } else { 2 };
    html! {
        svg.chart xmlns="http://www.w3.org/2000/svg" viewBox={"0 0 " (WIDTH) " " (height)} role="img" aria-label=(title) font-family=(FONTS) {
            title { (title) }
            line x1=(AXIS) y1=(y(0)) x2=(WIDTH - 4) y2=(y(0)) stroke="#98a2b3" {}
            line x1=(AXIS) y1=(y(max)) x2=(WIDTH - 4) y2=(y(max)) stroke="#eaecf0" {}
            text x=(AXIS - 4) y=(y(max) + 4) font-size="11" fill="#667085" text-anchor="end" { (max) }
            text x=(AXIS - 4) y=(y(0) + 4) font-size="11" fill="#667085" text-anchor="end" { "0" }
            @for (i, c) in (0_i64..).zip(cols) {
                @let x = AXIS + 4 + i * step;
                @let total: i64 = c.values.iter().sum();
                @let segments = {
                    let mut below = 0;
                    let mut out = Vec::new();
                    for (k, v) in c.values.iter().enumerate() {
                        if *v > 0 {
                            out.push((k, y(below + v), y(below) - y(below + v)));
                        }
                        below += v;
                    }
                    out
                };
                @let column = html! {
                    @for (k, top, h) in &segments {
                        rect x=(x) y=(top) width=(bar_w) height=((*h).max(1))
                            fill=(SERIES_COLOURS[k % SERIES_COLOURS.len()]) {
                            title { (series.get(*k).copied().unwrap_or("")) " " (c.values[*k]) }
                        }
                    }
                    @if total > 0 {
                        text x=(x + bar_w / 2) y=(y(total) - 3) font-size="10" text-anchor="middle" { (total) }
                    }
                };
                @match &c.href {
                    Some(h) => a href=(h) { (column) },
                    None => (column),
                }
                @if i % every == 0 {
                    text x=(x + bar_w / 2) y=(y(0) + 14) font-size="10" fill="#475467" text-anchor="middle" { (c.label) }
                }
            }
            @for (k, name) in (0_i64..).zip(series) {
                @let lx = AXIS + (k % 2) * ((WIDTH - AXIS) / 2);
                @let ly = y(0) + 26 + (k / 2) * 18;
                rect x=(lx) y=(ly) width="10" height="10"
                    fill=(SERIES_COLOURS[usize::try_from(k).unwrap_or(0) % SERIES_COLOURS.len()]) {}
                text x=(lx + 14) y=(ly + 9) font-size="11" { (name) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_as_long_as_their_values() {
        let svg = bars(
            "得分",
            &[
                Bar {
                    label: "甲镇",
                    value: 100,
                    warn: false,
                    href: Some("/ledger?township=1".into()),
                },
                Bar {
                    label: "乙镇",
                    value: 90,
                    warn: true,
                    href: None,
                },
            ],
        )
        .into_string();
        assert!(svg.contains("甲镇") && svg.contains(">90<"));
        // The axis starts at 80: 甲 spans 20 points, 乙 10, so 甲's bar is twice as long.
        let widths: Vec<i64> = svg
            .split("width=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next()?.parse().ok())
            .collect();
        assert_eq!(widths.len(), 2);
        assert_eq!(widths[0], 2 * widths[1]);
        assert!(svg.contains("#d92d20"));
        assert!(svg.contains("href=\"/ledger?township=1\""));
    }

    #[test]
    fn stacked_columns_are_as_tall_as_their_totals() {
        let svg = columns(
            "线索",
            &["巡查", "卫片"],
            &[
                Column {
                    label: "05-29".into(),
                    values: vec![3, 1],
                    href: None,
                },
                Column {
                    label: "06-05".into(),
                    values: vec![1, 1],
                    href: Some("/ledger".into()),
                },
            ],
        )
        .into_string();
        // The first column (4) fills the plot, 3 of it in the first series; the second (2)
        // is half as tall.
        let heights: Vec<i64> = svg
            .split("height=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next()?.parse().ok())
            .filter(|h| *h != 10)
            .collect();
        assert_eq!(heights.len(), 4);
        assert_eq!(heights[0] + heights[1], PLOT_H);
        assert_eq!(heights[0], PLOT_H * 3 / 4);
        assert_eq!(heights[2] + heights[3], PLOT_H / 2);
        assert!(svg.contains(">4<") && svg.contains(">2<") && svg.contains("卫片"));
    }
}
