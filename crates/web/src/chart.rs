//! Charts drawn on the server as SVG, so they print, open without scripts and go into the
//! documents as they are.

use maud::{Markup, html};

/// One bar: its label, its value, and whether to draw it in the warning colour.
pub(crate) struct Bar<'a> {
    pub label: &'a str,
    pub value: i64,
    pub warn: bool,
}

const ROW: i64 = 24;
// Narrow enough that on a phone the labels stay readable when the drawing fits the screen.
const LABEL: i64 = 96;
const WIDTH: i64 = 440;

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
    let plot = WIDTH - LABEL - 50;
    let x = |v: i64| LABEL + (v - floor) * plot / span;
    let rows_len = i64::try_from(rows.len()).unwrap_or(0);
    let height = rows_len * ROW + 24;
    html! {
        svg.chart xmlns="http://www.w3.org/2000/svg" viewBox={"0 0 " (WIDTH) " " (height)} role="img" aria-label=(title) {
            title { (title) }
            line x1=(x(floor)) y1="0" x2=(x(floor)) y2=(rows_len * ROW) stroke="#98a2b3" {}
            @for (i, r) in (0_i64..).zip(rows) {
                @let y = i * ROW;
                @let (x0, x1) = (x(floor.max(0).min(r.value)), x(r.value.max(floor.max(0))));
                text x=(LABEL - 6) y=(y + 16) text-anchor="end" font-size="13" { (r.label) }
                rect x=(x0) y=(y + 4) width=((x1 - x0).max(1)) height=(ROW - 8)
                    fill=(if r.warn { "#d92d20" } else { "#2e90fa" }) {}
                text x=(x1 + 4) y=(y + 16) font-size="12" { (r.value) }
            }
            text x=(x(floor)) y=(rows_len * ROW + 16) font-size="11" fill="#667085" text-anchor="middle" { (floor) }
            text x=(x(max)) y=(rows_len * ROW + 16) font-size="11" fill="#667085" text-anchor="middle" { (max) }
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
                },
                Bar {
                    label: "乙镇",
                    value: 90,
                    warn: true,
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
    }
}
