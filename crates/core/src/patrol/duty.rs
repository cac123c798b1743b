//! Patrol duty (R16, R17): how often each level must patrol, which periods a unit owes, and
//! which days a grid failed to file its daily report. Defaults from seed 002: the county
//! quarterly, a township monthly (and its whole area at least weekly), a village weekly;
//! every grid reports every day, "nothing found" included.

use chrono::{Datelike, Duration, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// How long one patrol duty lasts before the next is owed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Cycle {
    Daily,
    Weekly,
    Monthly,
    Quarterly,
}

impl Cycle {
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Cycle::Daily => "daily",
            Cycle::Weekly => "weekly",
            Cycle::Monthly => "monthly",
            Cycle::Quarterly => "quarterly",
        }
    }

    #[must_use]
    pub fn from_code(code: &str) -> Option<Cycle> {
        [
            Cycle::Daily,
            Cycle::Weekly,
            Cycle::Monthly,
            Cycle::Quarterly,
        ]
        .into_iter()
        .find(|c| c.code() == code)
    }

    #[must_use]
    pub fn label_zh(self) -> &'static str {
        match self {
            Cycle::Daily => "每日",
            Cycle::Weekly => "每周",
            Cycle::Monthly => "每月",
            Cycle::Quarterly => "每季度",
        }
    }

    /// The first day of the period holding `day` (weeks start on Monday).
    #[must_use]
    pub fn period_start(self, day: NaiveDate) -> NaiveDate {
        match self {
            Cycle::Daily => day,
            Cycle::Weekly => day - Duration::days(i64::from(day.weekday().num_days_from_monday())),
            Cycle::Monthly => day.with_day(1).unwrap_or(day),
            Cycle::Quarterly => {
                let first_month = (day.month0() / 3) * 3 + 1;
                NaiveDate::from_ymd_opt(day.year(), first_month, 1).unwrap_or(day)
            }
        }
    }

    /// The first day of the period after the one starting on `start`.
    #[must_use]
    pub fn next_start(self, start: NaiveDate) -> NaiveDate {
        match self {
            Cycle::Daily => start + Duration::days(1),
            Cycle::Weekly => start + Duration::days(7),
            Cycle::Monthly => start.checked_add_months(Months::new(1)).unwrap_or(start),
            Cycle::Quarterly => start.checked_add_months(Months::new(3)).unwrap_or(start),
        }
    }

    /// Every period (its first and last day) that began on or after the period holding
    /// `from` and ended on or before `to`: the duties owed and already due.
    #[must_use]
    pub fn completed_periods(self, from: NaiveDate, to: NaiveDate) -> Vec<(NaiveDate, NaiveDate)> {
        let mut out = Vec::new();
        let mut start = self.period_start(from);
        loop {
            let next = self.next_start(start);
            if next <= start {
                break;
            }
            let last = next - Duration::days(1);
            if last > to {
                break;
            }
            out.push((start, last));
            start = next;
        }
        out
    }
}

/// The duty of each level, editable by the county.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DutyCycles {
    pub county: Cycle,
    pub township: Cycle,
    /// A township must cover its whole area at least this often (seed 002: weekly).
    pub township_full_cover: Cycle,
    pub village: Cycle,
    /// Grids report every day (R17).
    pub grid_report: Cycle,
}

impl Default for DutyCycles {
    fn default() -> Self {
        DutyCycles {
            county: Cycle::Quarterly,
            township: Cycle::Monthly,
            township_full_cover: Cycle::Weekly,
            village: Cycle::Weekly,
            grid_report: Cycle::Daily,
        }
    }
}

/// Everything a county sets about patrol duty; the defaults follow the seeds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DutySettings {
    pub cycles: DutyCycles,
    /// The first day every grid owes a daily report.
    pub reports_from: NaiveDate,
    /// This many missed days in a row escalate a grid to the county office.
    pub escalate_after: u32,
    /// A zone counts as patrolled within this many metres of a track (R19).
    pub coverage_m: f64,
    /// "Should have found" looks back this many days before a discovery (R26).
    pub lookback_days: u32,
    /// A track passing this close to a discovered site counts as having been there.
    pub near_m: f64,
    /// Whether a patrol record's signature may be given by another account than the named
    /// person's own (代签); it is then recorded and shown as such, never as their own.
    #[serde(default)]
    pub proxy_signing: bool,
}

impl DutySettings {
    #[must_use]
    pub fn starting(reports_from: NaiveDate) -> Self {
        DutySettings {
            cycles: DutyCycles::default(),
            reports_from,
            escalate_after: 3,
            coverage_m: 200.0,
            lookback_days: 7,
            near_m: 300.0,
            proxy_signing: false,
        }
    }

    /// Refuses settings that would make the duty meaningless, naming the field.
    ///
    /// # Errors
    /// `(field, reason)` for the first bad value.
    pub fn check(&self) -> Result<(), (&'static str, &'static str)> {
        if self.escalate_after == 0 || self.escalate_after > 60 {
            return Err(("escalate_after", "must be 1–60 days"));
        }
        if !(10.0..=5000.0).contains(&self.coverage_m) {
            return Err(("coverage_m", "must be 10–5000 m"));
        }
        if self.lookback_days == 0 || self.lookback_days > 90 {
            return Err(("lookback_days", "must be 1–90 days"));
        }
        if !(10.0..=5000.0).contains(&self.near_m) {
            return Err(("near_m", "must be 10–5000 m"));
        }
        Ok(())
    }
}

/// Periods in `from..=to` with no patrol on record: `done` are the days a patrol was made.
#[must_use]
pub fn periods_missed(
    cycle: Cycle,
    done: &[NaiveDate],
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<(NaiveDate, NaiveDate)> {
    cycle
        .completed_periods(from, to)
        .into_iter()
        .filter(|(a, b)| !done.iter().any(|d| a <= d && d <= b))
        .collect()
}

/// Days in `from..=to` on which a grid filed no daily report.
#[must_use]
pub fn days_without_report(
    reported: &[NaiveDate],
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<NaiveDate> {
    periods_missed(Cycle::Daily, reported, from, to)
        .into_iter()
        .map(|(d, _)| d)
        .collect()
}

/// The longest run of consecutive days without a report ending on `to` — repeated misses
/// escalate (R17).
#[must_use]
pub fn missed_in_a_row(reported: &[NaiveDate], to: NaiveDate) -> u32 {
    let mut n = 0;
    let mut day = to;
    while !reported.contains(&day) && n < 366 {
        n += 1;
        day -= Duration::days(1);
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }

    #[test]
    fn periods_start_on_mondays_months_and_quarters() {
        // 2026-06-03 is a Wednesday.
        assert_eq!(Cycle::Weekly.period_start(d("2026-06-03")), d("2026-06-01"));
        assert_eq!(
            Cycle::Monthly.period_start(d("2026-06-03")),
            d("2026-06-01")
        );
        assert_eq!(
            Cycle::Quarterly.period_start(d("2026-08-15")),
            d("2026-07-01")
        );
        assert_eq!(
            Cycle::Quarterly.next_start(d("2026-10-01")),
            d("2027-01-01")
        );
        assert_eq!(Cycle::from_code("weekly"), Some(Cycle::Weekly));
    }

    #[test]
    fn only_finished_periods_are_owed() {
        let weeks = Cycle::Weekly.completed_periods(d("2026-06-03"), d("2026-06-20"));
        assert_eq!(
            weeks,
            vec![
                (d("2026-06-01"), d("2026-06-07")),
                (d("2026-06-08"), d("2026-06-14"))
            ]
        );
        let missed = periods_missed(
            Cycle::Weekly,
            &[d("2026-06-09")],
            d("2026-06-01"),
            d("2026-06-21"),
        );
        assert_eq!(
            missed,
            vec![
                (d("2026-06-01"), d("2026-06-07")),
                (d("2026-06-15"), d("2026-06-21"))
            ]
        );
        assert_eq!(DutyCycles::default().village, Cycle::Weekly);
    }

    #[test]
    fn missed_reports_and_runs() {
        let reported = [d("2026-06-01"), d("2026-06-02"), d("2026-06-04")];
        assert_eq!(
            days_without_report(&reported, d("2026-06-01"), d("2026-06-06")),
            vec![d("2026-06-03"), d("2026-06-05"), d("2026-06-06")]
        );
        assert_eq!(missed_in_a_row(&reported, d("2026-06-06")), 2);
        assert_eq!(missed_in_a_row(&reported, d("2026-06-04")), 0);
    }
}
