//! Deadlines, overdue warnings and escalation (R13), and the look-back schedule (R14).

use chrono::{Months, NaiveDate};

/// County-wide settings for clocks and distances; the office may change them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Policy {
    /// Calendar days a registered case has to be verified.
    pub verify_days: i64,
    /// Days past a deadline before the case is escalated to the county office.
    pub escalate_after_days: i64,
    /// A clue this close to an open case joins it (R10).
    pub merge_radius_m: f64,
    /// A clue this close to a closed case is a recurrence (R14).
    pub recurrence_radius_m: f64,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            verify_days: 3,
            escalate_after_days: 0,
            merge_radius_m: 150.0,
            recurrence_radius_m: 300.0,
        }
    }
}

impl Policy {
    /// The day by which a case opened on `opened_on` must be verified.
    #[must_use]
    pub fn verify_by(&self, opened_on: NaiveDate) -> NaiveDate {
        opened_on + chrono::Duration::days(self.verify_days)
    }

    /// Escalate when `today` is more than `escalate_after_days` past `deadline`.
    #[must_use]
    pub fn should_escalate(&self, deadline: NaiveDate, today: NaiveDate) -> bool {
        (today - deadline).num_days() > self.escalate_after_days
    }
}

/// Whole days a deadline has passed (0 when not yet due).
#[must_use]
pub fn days_overdue(deadline: NaiveDate, today: NaiveDate) -> i64 {
    (today - deadline).num_days().max(0)
}

/// Look-back inspections of a closed case: one, three and six months after closing.
#[must_use]
pub fn look_back_dates(closed_on: NaiveDate) -> Vec<NaiveDate> {
    [1u32, 3, 6]
        .into_iter()
        .filter_map(|m| closed_on.checked_add_months(Months::new(m)))
        .collect()
}

/// The share of closed cases drawn at random for an unannounced look-back (R14, "四不两直").
pub const RANDOM_LOOK_BACK_SHARE: f64 = 0.1;

/// The random look-back of a case closed on `closed_on`: drawn when `roll` (uniform in
/// 0..1) falls under `share`, on a day 30–365 days after closing picked by `day_roll`
/// (uniform in 0..1). The caller draws the rolls, so the rule stays testable.
#[must_use]
pub fn random_look_back(
    closed_on: NaiveDate,
    share: f64,
    roll: f64,
    day_roll: f64,
) -> Option<NaiveDate> {
    if roll.is_nan() || roll >= share {
        return None;
    }
    let days = 30 + (day_roll.clamp(0.0, 1.0) * 335.0).round() as i64;
    closed_on.checked_add_signed(chrono::Duration::days(days))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }

    #[test]
    fn escalation_starts_the_day_after_the_deadline() {
        let p = Policy::default();
        assert!(!p.should_escalate(d("2026-03-05"), d("2026-03-05")));
        assert!(p.should_escalate(d("2026-03-05"), d("2026-03-06")));
        assert_eq!(days_overdue(d("2026-03-05"), d("2026-03-08")), 3);
        assert_eq!(days_overdue(d("2026-03-05"), d("2026-03-01")), 0);
    }

    #[test]
    fn a_random_share_is_drawn_within_a_year() {
        let closed = d("2026-03-01");
        assert_eq!(random_look_back(closed, 0.1, 0.5, 0.5), None);
        assert_eq!(
            random_look_back(closed, 0.1, 0.05, 0.0),
            Some(d("2026-03-31"))
        );
        assert_eq!(
            random_look_back(closed, 0.1, 0.05, 1.0),
            Some(d("2027-03-01"))
        );
        assert_eq!(
            random_look_back(closed, 0.0, 0.0, 0.5),
            None,
            "a share of 0 draws none"
        );
    }

    #[test]
    fn look_backs_follow_month_ends() {
        assert_eq!(
            look_back_dates(d("2026-01-31")),
            vec![d("2026-02-28"), d("2026-04-30"), d("2026-07-31")]
        );
    }
}
