//! 周调度 (R25): every township reports its week to the county office each Friday (seed 001
//! §(三): "各镇（街）每周五将本周工作情况报…办公室"). A dispatch week runs Saturday to Friday,
//! so the weeks meet without a gap and the week a Friday report covers ends that very day.
//! The figures come from the ledger; the township writes only what the ledger cannot know —
//! what it did, what stands in its way, what it plans, and why overdue cases are overdue.
//!
//! What happens at a moment (a clue filed, a case opened, rectified or closed, a tip, a
//! seizure, a fine) counts in the dispatch whose window holds it: from the moment the
//! township's previous dispatch was submitted (or its week's Saturday, for the first) to the
//! moment this one is. The windows meet, so nothing done after one Friday's report is lost
//! or counted twice. What belongs to a day (a patrol record, a daily report) counts in its
//! day's week.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use serde::{Deserialize, Serialize};

/// The reporting week that `day` falls in, named by its Friday.
#[must_use]
pub fn week_ending(day: NaiveDate) -> NaiveDate {
    // Saturday starts a week: Saturday is 6 days before its Friday, Friday 0.
    let ahead =
        (Weekday::Fri.num_days_from_monday() + 7 - day.weekday().num_days_from_monday()) % 7;
    day + Duration::days(i64::from(ahead))
}

/// Is `day` a Friday, the name a dispatch week goes by?
#[must_use]
pub fn is_week_name(day: NaiveDate) -> bool {
    day.weekday() == Weekday::Fri
}

/// The first day (Saturday) of the week ending on `friday`.
#[must_use]
pub fn week_start(friday: NaiveDate) -> NaiveDate {
    friday - Duration::days(6)
}

/// Where a township's dispatch for a week stands, as of a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DispatchStanding {
    /// The week is not over and nothing was submitted yet.
    Due,
    /// Saved, not submitted, and the week is not over.
    Draft,
    /// Submitted on or before its Friday.
    OnTime,
    /// Submitted after its Friday (迟报).
    Late,
    /// Its Friday has passed with nothing submitted (未报).
    Missing,
}

impl DispatchStanding {
    /// `submitted_on`: the local date of submission, if any; `has_draft`: something saved.
    #[must_use]
    pub fn of(
        friday: NaiveDate,
        today: NaiveDate,
        submitted_on: Option<NaiveDate>,
        has_draft: bool,
    ) -> Self {
        match submitted_on {
            Some(d) if d <= friday => DispatchStanding::OnTime,
            Some(_) => DispatchStanding::Late,
            None if today > friday => DispatchStanding::Missing,
            None if has_draft => DispatchStanding::Draft,
            None => DispatchStanding::Due,
        }
    }

    #[must_use]
    pub fn label(self, zh: bool) -> &'static str {
        match (self, zh) {
            (DispatchStanding::Due, true) => "待报",
            (DispatchStanding::Due, false) => "Due",
            (DispatchStanding::Draft, true) => "草稿未报",
            (DispatchStanding::Draft, false) => "Draft, not submitted",
            (DispatchStanding::OnTime, true) => "已报",
            (DispatchStanding::OnTime, false) => "Submitted",
            (DispatchStanding::Late, true) => "迟报",
            (DispatchStanding::Late, false) => "Submitted late",
            (DispatchStanding::Missing, true) => "未报",
            (DispatchStanding::Missing, false) => "Missing",
        }
    }

    /// Is this standing a lapse the county office sees flagged?
    #[must_use]
    pub fn lapsed(self) -> bool {
        matches!(self, DispatchStanding::Late | DispatchStanding::Missing)
    }
}

/// A case counted in a figure, named as the ledger names it, so the count drills down.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CountedCase {
    pub id: i64,
    pub number: String,
}

/// Clues filed in the week, by source code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SourceCount {
    pub source: String,
    pub count: i64,
}

/// The week as the ledger saw it. Frozen into the dispatch when it is submitted, so a later
/// change to a case changes the next week's dispatch and never a submitted one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DispatchFigures {
    /// Saturday.
    pub from: NaiveDate,
    /// Friday.
    pub to: NaiveDate,
    /// The last day whose patrols and daily reports count (Friday, or today if earlier).
    pub as_of: NaiveDate,
    /// The moments counted: from the previous dispatch's submission (or Saturday 00:00) to
    /// this one's (or now, for a draft).
    pub counted_from: DateTime<Utc>,
    pub counted_to: DateTime<Utc>,
    pub clues_by_source: Vec<SourceCount>,
    pub opened: Vec<CountedCase>,
    pub rectified: Vec<CountedCase>,
    pub closed: Vec<CountedCase>,
    /// Open at `as_of` with the deadline passed before it.
    pub overdue: Vec<CountedCase>,
    pub patrol_records: i64,
    /// Grid-days reported, and grid-days owed but not reported, up to `as_of`'s eve.
    pub zero_reports_filed: i64,
    pub zero_reports_missing: i64,
    pub tips_received: i64,
    pub tips_answered: i64,
    pub seizures: i64,
    pub fine_fen: i64,
    pub confiscation_fen: i64,
}

impl DispatchFigures {
    #[must_use]
    pub fn clues(&self) -> i64 {
        self.clues_by_source.iter().map(|s| s.count).sum()
    }
}

/// What only the township can write. `overdue_reasons` is required while cases are overdue.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct DispatchText {
    /// 本周工作开展情况.
    pub work_done: String,
    /// 存在问题及困难.
    pub problems: String,
    /// 下周工作打算.
    pub next_week: String,
    /// 逾期未办结原因.
    pub overdue_reasons: String,
    /// 负责人 who answers for the report (the township's head or the one standing in).
    pub signed_by: String,
}

/// A field a submission lacks, by its form name, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingText {
    pub field: &'static str,
    pub reason: &'static str,
}

impl DispatchText {
    /// What must be written before the dispatch can be submitted.
    ///
    /// # Errors
    /// The first field missing, in the form's order.
    pub fn check_for_submission(&self, figures: &DispatchFigures) -> Result<(), MissingText> {
        if self.work_done.trim().is_empty() {
            return Err(MissingText {
                field: "work_done",
                reason: "say what the township did this week",
            });
        }
        if !figures.overdue.is_empty() && self.overdue_reasons.trim().is_empty() {
            return Err(MissingText {
                field: "overdue_reasons",
                reason: "cases are overdue: say why, and by when they will be done",
            });
        }
        if self.signed_by.trim().is_empty() {
            return Err(MissingText {
                field: "signed_by",
                reason: "name the official who answers for the report",
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn a_week_runs_saturday_to_friday() {
        // 2026-12-04 is a Friday.
        assert_eq!(week_ending(d("2026-11-28")), d("2026-12-04"));
        assert_eq!(week_ending(d("2026-12-01")), d("2026-12-04"));
        assert_eq!(week_ending(d("2026-12-04")), d("2026-12-04"));
        assert_eq!(week_ending(d("2026-12-05")), d("2026-12-11"));
        assert_eq!(week_start(d("2026-12-04")), d("2026-11-28"));
        assert!(is_week_name(d("2026-12-04")));
        assert!(!is_week_name(d("2026-12-05")));
    }

    #[test]
    fn standing_follows_the_friday() {
        let fri = d("2026-12-04");
        let s = DispatchStanding::of;
        assert_eq!(s(fri, d("2026-12-02"), None, false), DispatchStanding::Due);
        assert_eq!(s(fri, d("2026-12-04"), None, true), DispatchStanding::Draft);
        assert_eq!(
            s(fri, d("2026-12-05"), None, true),
            DispatchStanding::Missing
        );
        assert_eq!(
            s(fri, d("2026-12-09"), Some(d("2026-12-04")), false),
            DispatchStanding::OnTime
        );
        assert_eq!(
            s(fri, d("2026-12-09"), Some(d("2026-12-07")), false),
            DispatchStanding::Late
        );
        assert!(DispatchStanding::Late.lapsed() && !DispatchStanding::OnTime.lapsed());
    }

    #[test]
    fn overdue_cases_must_be_explained() {
        let mut f = DispatchFigures {
            from: d("2026-11-28"),
            to: d("2026-12-04"),
            as_of: d("2026-12-04"),
            counted_from: DateTime::default(),
            counted_to: DateTime::default(),
            clues_by_source: vec![],
            opened: vec![],
            rectified: vec![],
            closed: vec![],
            overdue: vec![],
            patrol_records: 0,
            zero_reports_filed: 0,
            zero_reports_missing: 0,
            tips_received: 0,
            tips_answered: 0,
            seizures: 0,
            fine_fen: 0,
            confiscation_fen: 0,
        };
        let mut t = DispatchText {
            work_done: "巡查三次".into(),
            signed_by: "镇长甲".into(),
            ..DispatchText::default()
        };
        assert_eq!(t.check_for_submission(&f), Ok(()));
        f.overdue.push(CountedCase {
            id: 1,
            number: "QY-2026-000001".into(),
        });
        assert_eq!(
            t.check_for_submission(&f).map_err(|m| m.field),
            Err("overdue_reasons")
        );
        t.overdue_reasons = "雨天无法进场".into();
        t.signed_by = "  ".into();
        assert_eq!(
            t.check_for_submission(&f).map_err(|m| m.field),
            Err("signed_by")
        );
    }
}
