//! Confiscated products (R15): a lot's quantity as written ("120.5" 吨), the pricing office's
//! clock (two working days from the request, seed 002 "两个工作日内出具认定结论"), and where a
//! lot stands.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Working days the pricing office has to determine a lot's price.
pub const PRICING_WORKING_DAYS: u32 = 2;

/// A quantity written with at most three decimals ("120.5", "3"), in thousandths.
#[must_use]
pub fn parse_quantity(text: &str) -> Option<i64> {
    let t = text.trim();
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    if whole.is_empty()
        || frac.len() > 3
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let frac: i64 = format!("{frac:0<3}").parse().ok()?;
    let milli = whole.checked_mul(1000)?.checked_add(frac)?;
    (milli > 0).then_some(milli)
}

/// Thousandths as written back ("120.5").
#[must_use]
pub fn show_quantity(milli: i64) -> String {
    let (whole, frac) = (milli / 1000, milli % 1000);
    if frac == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{frac:03}")
            .trim_end_matches('0')
            .to_string()
    }
}

/// Where a lot stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LotStanding {
    /// Waiting for its price, within the two working days.
    AwaitingPrice,
    /// Its price is overdue.
    PriceOverdue,
    /// Priced, waiting for disposal.
    Priced,
    /// Sold through the trading platform.
    Disposed,
}

impl LotStanding {
    #[must_use]
    pub fn of(price_due_on: NaiveDate, priced: bool, disposed: bool, today: NaiveDate) -> Self {
        match (priced, disposed) {
            (_, true) => LotStanding::Disposed,
            (true, false) => LotStanding::Priced,
            (false, false) if today > price_due_on => LotStanding::PriceOverdue,
            (false, false) => LotStanding::AwaitingPrice,
        }
    }

    #[must_use]
    pub fn label(self, zh: bool) -> &'static str {
        match (self, zh) {
            (LotStanding::AwaitingPrice, true) => "待价格认定",
            (LotStanding::AwaitingPrice, false) => "Awaiting price",
            (LotStanding::PriceOverdue, true) => "价格认定超时",
            (LotStanding::PriceOverdue, false) => "Price overdue",
            (LotStanding::Priced, true) => "已认定待处置",
            (LotStanding::Priced, false) => "Priced, awaiting disposal",
            (LotStanding::Disposed, true) => "已处置",
            (LotStanding::Disposed, false) => "Disposed of",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_are_read_as_written() {
        assert_eq!(parse_quantity("120.5"), Some(120_500));
        assert_eq!(parse_quantity(" 3 "), Some(3_000));
        assert_eq!(parse_quantity("0.125"), Some(125));
        for bad in ["", "-1", "1.2345", "一百", "1e3", "0", ".5"] {
            assert_eq!(parse_quantity(bad), None, "{bad}");
        }
        assert_eq!(show_quantity(120_500), "120.5");
        assert_eq!(show_quantity(3_000), "3");
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default();
        assert_eq!(
            LotStanding::of(d("2026-05-06"), false, false, d("2026-05-06")),
            LotStanding::AwaitingPrice
        );
        assert_eq!(
            LotStanding::of(d("2026-05-06"), false, false, d("2026-05-07")),
            LotStanding::PriceOverdue
        );
        assert_eq!(
            LotStanding::of(d("2026-05-06"), true, false, d("2026-05-09")),
            LotStanding::Priced
        );
        assert_eq!(
            LotStanding::of(d("2026-05-06"), true, true, d("2026-05-09")),
            LotStanding::Disposed
        );
    }
}
