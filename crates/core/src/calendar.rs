//! Working days (R13, R26): tip-off clocks run in working days, which follow the State
//! Council's public-holiday notice of each year — holidays off, and the adjusted weekends
//! (调休) worked. The notice is data the county office keeps up to date, never code: this
//! module only reads the days it is given.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// What the notice says of one date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// 放假: a weekday that is not worked.
    Holiday,
    /// 调休上班: a Saturday or Sunday that is worked.
    Workday,
}

impl DayKind {
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            DayKind::Holiday => "holiday",
            DayKind::Workday => "workday",
        }
    }

    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        match code.trim() {
            "holiday" | "放假" | "休" => Some(DayKind::Holiday),
            "workday" | "上班" | "班" | "调休上班" => Some(DayKind::Workday),
            _ => None,
        }
    }

    #[must_use]
    pub fn label(self, zh: bool) -> &'static str {
        match (self, zh) {
            (DayKind::Holiday, true) => "放假",
            (DayKind::Holiday, false) => "Holiday",
            (DayKind::Workday, true) => "调休上班",
            (DayKind::Workday, false) => "Worked weekend day",
        }
    }
}

/// The exceptions to "Monday to Friday" for the years the office has entered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkCalendar {
    days: BTreeMap<NaiveDate, DayKind>,
}

impl WorkCalendar {
    #[must_use]
    pub fn new(days: impl IntoIterator<Item = (NaiveDate, DayKind)>) -> Self {
        WorkCalendar {
            days: days.into_iter().collect(),
        }
    }

    /// Whether offices work on `d`.
    #[must_use]
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        match self.days.get(&d) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::Workday) => true,
            None => !matches!(d.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }

    /// The `n`-th working day after `from` (`n = 0`: `from` itself if worked, else the next
    /// working day). A tip received on a Friday evening before a holiday week is due the
    /// first working day after it.
    #[must_use]
    pub fn add_working_days(&self, from: NaiveDate, n: u32) -> NaiveDate {
        let mut d = from;
        let mut left = n;
        if left == 0 {
            while !self.is_working_day(d) {
                d = d.succ_opt().unwrap_or(d);
            }
            return d;
        }
        // Bounded: a year of holidays cannot stop the count.
        for _ in 0..(3660 + n * 7) {
            d = match d.succ_opt() {
                Some(next) => next,
                None => return d,
            };
            if self.is_working_day(d) {
                left -= 1;
                if left == 0 {
                    return d;
                }
            }
        }
        d
    }

    /// Working days after `from` up to and including `to` (0 when `to` is not later).
    #[must_use]
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        let mut n = 0;
        let mut d = from;
        while d < to {
            d = match d.succ_opt() {
                Some(next) => next,
                None => break,
            };
            if self.is_working_day(d) {
                n += 1;
            }
        }
        n
    }

    /// Years for which the office has entered any day: a clock running into a year
    /// without its notice is flagged to the office.
    #[must_use]
    pub fn years(&self) -> Vec<i32> {
        let mut y: Vec<i32> = self.days.keys().map(Datelike::year).collect();
        y.dedup();
        y
    }

    #[must_use]
    pub fn entries(&self) -> Vec<(NaiveDate, DayKind)> {
        self.days.iter().map(|(d, k)| (*d, *k)).collect()
    }
}

/// Reads the notice as lines of `YYYY-MM-DD,holiday|workday[,name]` (or 放假/上班); blank
/// lines and lines starting with `#` are skipped. Every bad line is named.
///
/// # Errors
/// The list of `line N: reason`.
pub fn parse_notice(text: &str) -> Result<Vec<(NaiveDate, DayKind, String)>, Vec<String>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim().trim_start_matches('\u{feff}');
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut cols = line.split([',', '，', '\t']).map(str::trim);
        let (date, kind, name) = (
            cols.next().unwrap_or(""),
            cols.next().unwrap_or(""),
            cols.next().unwrap_or(""),
        );
        let Ok(d) = NaiveDate::parse_from_str(date, "%Y-%m-%d") else {
            errors.push(format!(
                "line {}: '{date}' is not a date (YYYY-MM-DD)",
                i + 1
            ));
            continue;
        };
        let Some(k) = DayKind::from_code(kind) else {
            errors.push(format!(
                "line {}: '{kind}' is neither holiday (放假) nor workday (上班)",
                i + 1
            ));
            continue;
        };
        let weekend = matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
        if k == DayKind::Workday && !weekend {
            errors.push(format!(
                "line {}: {d} is a weekday; only a Saturday or Sunday can be a worked weekend day",
                i + 1
            ));
            continue;
        }
        out.push((d, k, name.to_string()));
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }

    /// An invented notice (not the State Council's): a Thursday–Sunday holiday after a
    /// worked Sunday.
    fn calendar() -> WorkCalendar {
        WorkCalendar::new([
            (d("2031-04-27"), DayKind::Workday), // Sunday, worked
            (d("2031-05-01"), DayKind::Holiday), // Thursday
            (d("2031-05-02"), DayKind::Holiday), // Friday
        ])
    }

    #[test]
    fn weekends_holidays_and_worked_sundays() {
        let c = calendar();
        assert!(c.is_working_day(d("2031-04-25"))); // Friday
        assert!(!c.is_working_day(d("2031-04-26"))); // Saturday
        assert!(c.is_working_day(d("2031-04-27"))); // worked Sunday
        assert!(!c.is_working_day(d("2031-05-01")));
        assert!(!c.is_working_day(d("2031-05-03"))); // Saturday
        assert!(c.is_working_day(d("2031-05-05"))); // Monday
    }

    #[test]
    fn counting_working_days_across_a_holiday() {
        let c = calendar();
        // Saturday 26 April: the next working day is the worked Sunday.
        assert_eq!(c.add_working_days(d("2031-04-26"), 1), d("2031-04-27"));
        // Wednesday 30 April + 1: Thursday and Friday are off, then the weekend: Monday.
        assert_eq!(c.add_working_days(d("2031-04-30"), 1), d("2031-05-05"));
        assert_eq!(c.add_working_days(d("2031-04-30"), 3), d("2031-05-07"));
        assert_eq!(c.add_working_days(d("2031-05-01"), 0), d("2031-05-05"));
        // The worked Sunday, Monday–Wednesday, and Monday 5 May.
        assert_eq!(c.working_days_between(d("2031-04-25"), d("2031-05-05")), 5);
        assert_eq!(c.working_days_between(d("2031-05-05"), d("2031-05-05")), 0);
        // Without the notice the same dates count as plain weeks.
        assert_eq!(
            WorkCalendar::default().add_working_days(d("2031-04-30"), 1),
            d("2031-05-01")
        );
    }

    #[test]
    fn the_notice_is_read_with_every_bad_line_named() {
        let ok = parse_notice("# 2031\n2031-04-27,上班,劳动节调休\n2031-05-01,holiday,劳动节\n\n")
            .expect("notice");
        assert_eq!(ok.len(), 2);
        assert_eq!(ok[0].1, DayKind::Workday);
        let Err(bad) = parse_notice(
            "2031-05-01,holiday\n2031-13-01,holiday\n2031-05-06,上班\n2031-05-03,maybe",
        ) else {
            panic!("bad lines must be refused");
        };
        assert_eq!(bad.len(), 3, "{bad:?}");
        assert!(bad[0].starts_with("line 2"));
        assert!(bad[1].contains("weekday"));
        assert!(bad[2].contains("maybe"));
    }
}
