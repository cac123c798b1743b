//! The one clock every rule reads, so tests set the date instead of sleeping.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use std::sync::{Arc, RwLock};

/// Source of "now" for deadlines, overdue warnings and duty cycles.
pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> DateTime<Utc>;

    /// Today's date in China Standard Time, the date officials see on their calendars.
    fn today(&self) -> NaiveDate {
        local_date(self.now())
    }
}

/// China Standard Time: UTC+8 all year, no daylight saving since 1991.
///
/// # Panics
/// Never: UTC+8 lies within chrono's offset range.
#[must_use]
pub fn shanghai() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 lies within the valid offset range")
}

/// The calendar date in Asia/Shanghai of a UTC instant.
#[must_use]
pub fn local_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&shanghai()).date_naive()
}

/// The UTC instant at which `day` begins in Asia/Shanghai: the lower bound of a day's
/// moments, so "filed on that day" is a range over stored UTC stamps.
#[must_use]
pub fn local_day_start(day: NaiveDate) -> DateTime<Utc> {
    // UTC+8 has no gaps or folds, so local midnight is one instant.
    (day.and_time(chrono::NaiveTime::MIN) - chrono::Duration::hours(8)).and_utc()
}

/// Formats a UTC instant for people, in Asia/Shanghai.
#[must_use]
pub fn local_display(at: DateTime<Utc>) -> String {
    at.with_timezone(&shanghai())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// Formats a stored RFC 3339 stamp for people, in Asia/Shanghai; anything else as it is.
#[must_use]
pub fn display_stamp(stamp: &str) -> String {
    DateTime::parse_from_rfc3339(stamp).map_or_else(
        |_| stamp.to_string(),
        |t| local_display(t.with_timezone(&Utc)),
    )
}

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until told to move; shared between a test and the server.
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<RwLock<DateTime<Utc>>>);

impl ManualClock {
    #[must_use]
    pub fn new(at: DateTime<Utc>) -> Self {
        Self(Arc::new(RwLock::new(at)))
    }

    pub fn set(&self, at: DateTime<Utc>) {
        if let Ok(mut guard) = self.0.write() {
            *guard = at;
        }
    }

    pub fn advance(&self, by: chrono::Duration) {
        if let Ok(mut guard) = self.0.write() {
            *guard += by;
        }
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        self.0.read().map_or_else(|p| *p.into_inner(), |g| *g)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn shanghai_date_rolls_over_at_16_utc() {
        let before = Utc
            .with_ymd_and_hms(2026, 3, 1, 15, 59, 0)
            .single()
            .expect("valid");
        let after = Utc
            .with_ymd_and_hms(2026, 3, 1, 16, 0, 0)
            .single()
            .expect("valid");
        assert_eq!(local_date(before).to_string(), "2026-03-01");
        assert_eq!(local_date(after).to_string(), "2026-03-02");
    }

    #[test]
    fn manual_clock_moves_only_when_told() {
        let start = Utc
            .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
            .single()
            .expect("valid");
        let clock = ManualClock::new(start);
        assert_eq!(clock.now(), start);
        clock.advance(chrono::Duration::days(2));
        assert_eq!(clock.today().to_string(), "2026-01-03");
    }
}
