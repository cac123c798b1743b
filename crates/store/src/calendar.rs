//! The working-day calendar (the State Council's holiday notice) as the office keeps it.

use chrono::{DateTime, NaiveDate, Utc};
use minewatch_core::calendar::{DayKind, WorkCalendar, parse_notice};
use minewatch_core::rights::may_administer_county;
use serde::Serialize;

use crate::ledger::events::{NewEvent, append, stamp};
use crate::{Actor, Result, Store, StoreError};

/// One entered day.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CalendarDay {
    pub day: NaiveDate,
    pub kind: DayKind,
    pub name: String,
}

pub(crate) async fn work_calendar_in(
    conn: &mut crate::db::Conn,
    county_id: i64,
) -> Result<WorkCalendar> {
    let rows = crate::db::query("SELECT day, kind FROM work_calendar_day WHERE county_id = $1")
        .bind(county_id)
        .fetch_all_as::<(String, String)>(&mut *conn)
        .await?;
    let mut days = Vec::new();
    for (day, kind) in rows {
        let (Ok(d), Some(k)) = (
            NaiveDate::parse_from_str(&day, "%Y-%m-%d"),
            DayKind::from_code(&kind),
        ) else {
            return Err(StoreError::Corrupt(format!(
                "work_calendar_day {day} {kind}"
            )));
        };
        days.push((d, k));
    }
    Ok(WorkCalendar::new(days))
}

impl Store {
    /// The county's working-day calendar.
    ///
    /// # Errors
    /// On database failure.
    pub async fn work_calendar(&self, county_id: i64) -> Result<WorkCalendar> {
        let mut conn = self.pool().acquire().await?;
        work_calendar_in(&mut conn, county_id).await
    }

    /// The entered days, with their names, in order.
    ///
    /// # Errors
    /// On database failure.
    pub async fn calendar_days(&self, county_id: i64) -> Result<Vec<CalendarDay>> {
        let rows = crate::db::query(
            "SELECT day, kind, name FROM work_calendar_day WHERE county_id = $1 ORDER BY day",
        )
        .bind(county_id)
        .fetch_all_as::<(String, String, String)>(self.pool())
        .await?;
        rows.into_iter()
            .map(|(day, kind, name)| {
                Ok(CalendarDay {
                    day: NaiveDate::parse_from_str(&day, "%Y-%m-%d")
                        .map_err(|_| StoreError::Corrupt(format!("work_calendar_day {day}")))?,
                    kind: DayKind::from_code(&kind).ok_or_else(|| {
                        StoreError::Corrupt(format!("work_calendar_day kind {kind}"))
                    })?,
                    name,
                })
            })
            .collect()
    }

    /// Replaces the entered days of every year the notice mentions with the notice's days
    /// (county office only), all or nothing, logged as an event. Returns how many days.
    ///
    /// # Errors
    /// `Forbidden` for other roles; `BadFile` naming every bad line.
    pub async fn import_holiday_notice(
        &self,
        actor: &Actor,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<usize> {
        if !may_administer_county(actor.role) {
            return Err(StoreError::Forbidden(
                "only the county office keeps the holiday calendar",
            ));
        }
        crate::error::check_lengths(&[("notice", text)])?;
        let days = parse_notice(text).map_err(|errors| StoreError::BadFile(errors.join("\n")))?;
        if days.is_empty() {
            return Err(StoreError::BadFile("the notice holds no day".into()));
        }
        let mut years: Vec<i32> = days
            .iter()
            .map(|(d, _, _)| chrono::Datelike::year(d))
            .collect();
        years.sort_unstable();
        years.dedup();
        let at = stamp(now);
        let mut tx = self.begin_write(&at).await?;
        for y in &years {
            crate::db::query(
                "DELETE FROM work_calendar_day WHERE county_id = $1 AND day >= $2 AND day <= $3",
            )
            .bind(actor.county_id)
            .bind(format!("{y:04}-01-01"))
            .bind(format!("{y:04}-12-31"))
            .execute(&mut *tx)
            .await?;
        }
        for (d, k, name) in &days {
            crate::db::query(
                "INSERT INTO work_calendar_day (county_id, day, kind, name, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (county_id, day) DO UPDATE SET kind = excluded.kind, name = excluded.name",
            )
            .bind(actor.county_id)
            .bind(d.to_string())
            .bind(k.code())
            .bind(name.clone())
            .bind(actor.user_id)
            .bind(at.clone())
            .execute(&mut *tx)
            .await?;
        }
        append(
            &mut tx,
            NewEvent {
                at: &at,
                actor: Some(actor.user_id),
                county_id: actor.county_id,
                case_id: None,
                clue_id: None,
                kind: "calendar.notice",
                payload: serde_json::json!({
                    "years": years,
                    "days": days.iter().map(|(d, k, n)| serde_json::json!([d.to_string(), k.code(), n])).collect::<Vec<_>>(),
                })
                .to_string(),
                attachments: &[],
            },
        )
        .await?;
        tx.commit().await?;
        Ok(days.len())
    }
}
