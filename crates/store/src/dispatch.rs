//! 周调度 (R25): each township's weekly report, prefilled from the ledger. A draft shows the
//! ledger's figures as they stand; submitting freezes them into the row and writes their
//! digest into the hash-chained log, so a case changed afterwards counts in the next week
//! and never alters what the township signed.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use minewatch_core::clock::{local_date, local_day_start};
use minewatch_core::dispatch::{
    CountedCase, DispatchFigures, DispatchStanding, DispatchText, SourceCount, is_week_name,
    week_ending, week_start,
};
use minewatch_core::rights::{Right, may};
use minewatch_core::{Role, Scope};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::db::Conn;
use crate::ledger::cases::open_statuses;
use crate::ledger::events::{NewEvent, append, stamp};
use crate::{Actor, Result, Stamp, Store, StoreError};

/// How many weeks a township's history lists.
pub const HISTORY_WEEKS: usize = 8;

/// A township's dispatch for one week: stored, or (before anything is saved) the form the
/// ledger prefills.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DispatchRow {
    pub township_id: i64,
    pub township: String,
    /// The Friday that names the week.
    pub week_ending: NaiveDate,
    pub standing: DispatchStanding,
    pub text: DispatchText,
    /// Frozen at submission; until then the ledger's, as of today.
    pub figures: DispatchFigures,
    pub frozen: bool,
    pub saved_by: Option<String>,
    pub saved_at: Option<Stamp>,
    pub submitted_by: Option<String>,
    pub submitted_at: Option<Stamp>,
}

#[derive(sqlx::FromRow)]
struct StoredDispatch {
    work_done: String,
    problems: String,
    next_week: String,
    overdue_reasons: String,
    signed_by: String,
    figures_json: Option<String>,
    saved_by: String,
    saved_at: Stamp,
    submitted_by: Option<String>,
    submitted_at: Option<Stamp>,
}

const STORED: &str = "SELECT wd.work_done, wd.problems, wd.next_week, wd.overdue_reasons, wd.signed_by, \
     wd.figures_json, su.display_name AS saved_by, wd.saved_at, bu.display_name AS submitted_by, wd.submitted_at \
     FROM weekly_dispatch wd JOIN app_user su ON su.id = wd.saved_by LEFT JOIN app_user bu ON bu.id = wd.submitted_by \
     WHERE wd.township_id = $1 AND wd.week_ending = $2";

/// The week named by `friday`, refused when it is not a Friday or lies ahead.
fn check_week(friday: NaiveDate, today: NaiveDate) -> Result<()> {
    if !is_week_name(friday) {
        return Err(StoreError::invalid(
            "week",
            format!("a dispatch week is named by its Friday; {friday} is not one"),
        ));
    }
    if friday > week_ending(today) {
        return Err(StoreError::invalid(
            "week",
            format!("the week ending {friday} has not begun"),
        ));
    }
    Ok(())
}

fn cases(rows: Vec<(i64, String)>) -> Vec<CountedCase> {
    rows.into_iter()
        .map(|(id, number)| CountedCase { id, number })
        .collect()
}

/// Cases of the township with a ledger event of `kind` in `[from, to)`. Event times stay text
/// on both engines (the chain hashes them as written), so the bounds are bound as text.
async fn cases_with_event(
    conn: &mut Conn,
    township_id: i64,
    kind: &str,
    from: &Stamp,
    to: &Stamp,
) -> Result<Vec<CountedCase>> {
    let rows = crate::db::query(
        "SELECT DISTINCT c.id, c.number FROM event e JOIN case_file c ON c.id = e.case_id \
         WHERE c.township_id = $1 AND e.kind = $2 AND e.at >= $3 AND e.at < $4 ORDER BY c.id",
    )
    .bind(township_id)
    .bind(kind)
    .bind(from.as_str())
    .bind(to.as_str())
    .fetch_all_as::<(i64, String)>(&mut *conn)
    .await?;
    Ok(cases(rows))
}

/// The amounts of the penalty decisions recorded in `[from, to)`.
async fn penalties(
    conn: &mut Conn,
    township_id: i64,
    from: &Stamp,
    to: &Stamp,
) -> Result<(i64, i64)> {
    let payloads: Vec<String> = crate::db::query(
        "SELECT e.payload FROM event e JOIN case_file c ON c.id = e.case_id \
         WHERE c.township_id = $1 AND e.kind = 'action.penalty' AND e.at >= $2 AND e.at < $3",
    )
    .bind(township_id)
    .bind(from.as_str())
    .bind(to.as_str())
    .fetch_all_scalar(&mut *conn)
    .await?;
    let (mut fine, mut confiscation) = (0_i64, 0_i64);
    for p in payloads {
        let v: serde_json::Value = serde_json::from_str(&p)
            .map_err(|e| StoreError::Corrupt(format!("a penalty event's payload: {e}")))?;
        fine += v["fine_fen"].as_i64().unwrap_or(0);
        confiscation += v["confiscation_fen"].as_i64().unwrap_or(0);
    }
    Ok((fine, confiscation))
}

/// The township's week as the ledger has it, counted up to `today` when the week is not over.
async fn figures(
    conn: &mut Conn,
    county_id: i64,
    township_id: i64,
    friday: NaiveDate,
    now: DateTime<Utc>,
    reports_from: NaiveDate,
) -> Result<DispatchFigures> {
    let today = local_date(now);
    let from_day = week_start(friday);
    let as_of = today.min(friday);
    let (counted_from, counted_to) = window(conn, township_id, friday, now).await?;
    let (from, to) = (Stamp::at(counted_from), Stamp::at(counted_to));
    let by_source = crate::db::query(
        "SELECT source, COUNT(*) FROM clue WHERE township_id = $1 AND filed_at >= $2 AND filed_at < $3 \
         GROUP BY source ORDER BY source",
    )
    .bind(township_id)
    .bind(&from)
    .bind(&to)
    .fetch_all_as::<(String, i64)>(&mut *conn)
    .await?;
    let opened = crate::db::query(
        "SELECT id, number FROM case_file WHERE township_id = $1 AND opened_at >= $2 AND opened_at < $3 ORDER BY id",
    )
    .bind(township_id)
    .bind(&from)
    .bind(&to)
    .fetch_all_as::<(i64, String)>(&mut *conn)
    .await?;
    let overdue = crate::db::query(format!(
        "SELECT id, number FROM case_file WHERE county_id = $1 AND township_id = $2 AND status IN {} \
         AND due_on < $3 ORDER BY due_on, id",
        open_statuses()
    ))
    .bind(county_id)
    .bind(township_id)
    .bind(local_date(counted_to).to_string())
    .fetch_all_as::<(i64, String)>(&mut *conn)
    .await?;
    let patrol_records: i64 = crate::db::query(
        "SELECT COUNT(*) FROM patrol_record WHERE township_id = $1 AND patrolled_on >= $2 AND patrolled_on <= $3",
    )
    .bind(township_id)
    .bind(from_day.to_string())
    .bind(as_of.to_string())
    .fetch_scalar(&mut *conn)
    .await?;
    let (filed, missing) =
        zero_reports(conn, township_id, from_day, as_of, today, reports_from).await?;
    // One pass over the township's tips: received, and answered, within the window.
    let (tips_received, tips_answered): (Option<i64>, Option<i64>) = crate::db::query(
        "SELECT CAST(SUM(CASE WHEN tp.received_at >= $2 AND tp.received_at < $3 THEN 1 ELSE 0 END) AS BIGINT), \
         CAST(SUM(CASE WHEN tp.answered_at >= $2 AND tp.answered_at < $3 THEN 1 ELSE 0 END) AS BIGINT) \
         FROM tip tp JOIN clue cl ON cl.id = tp.clue_id WHERE cl.township_id = $1",
    )
    .bind(township_id)
    .bind(&from)
    .bind(&to)
    .fetch_one_as(&mut *conn)
    .await?;
    let (tips_received, tips_answered) = (tips_received.unwrap_or(0), tips_answered.unwrap_or(0));
    let seizures: i64 = crate::db::query(
        "SELECT COUNT(*) FROM event e JOIN case_file c ON c.id = e.case_id \
         WHERE c.township_id = $1 AND e.kind = 'action.seize' AND e.at >= $2 AND e.at < $3",
    )
    .bind(township_id)
    .bind(from.as_str())
    .bind(to.as_str())
    .fetch_scalar(&mut *conn)
    .await?;
    let (fine_fen, confiscation_fen) = penalties(conn, township_id, &from, &to).await?;
    Ok(DispatchFigures {
        from: from_day,
        to: friday,
        as_of,
        counted_from,
        counted_to,
        clues_by_source: by_source
            .into_iter()
            .map(|(source, count)| SourceCount { source, count })
            .collect(),
        opened: cases(opened),
        rectified: cases_with_event(conn, township_id, "action.report_rectified", &from, &to)
            .await?,
        closed: cases_with_event(conn, township_id, "action.close", &from, &to).await?,
        overdue: cases(overdue),
        patrol_records,
        zero_reports_filed: filed,
        zero_reports_missing: missing,
        tips_received,
        tips_answered,
        seizures,
        fine_fen,
        confiscation_fen,
    })
}

/// The township's dispatch submitted last before the week ending `friday`.
async fn previous(
    conn: &mut Conn,
    township_id: i64,
    friday: NaiveDate,
) -> Result<Option<(NaiveDate, DispatchFigures)>> {
    let row = crate::db::query(
        "SELECT week_ending, figures_json FROM weekly_dispatch \
         WHERE township_id = $1 AND week_ending < $2 AND figures_json IS NOT NULL \
         ORDER BY week_ending DESC LIMIT 1",
    )
    .bind(township_id)
    .bind(friday.to_string())
    .fetch_optional_as::<(String, String)>(&mut *conn)
    .await?;
    let Some((week, json)) = row else {
        return Ok(None);
    };
    let week = NaiveDate::parse_from_str(&week, "%Y-%m-%d")
        .map_err(|e| StoreError::Corrupt(format!("a dispatch week '{week}': {e}")))?;
    let figures = serde_json::from_str(&json)
        .map_err(|e| StoreError::Corrupt(format!("the dispatch for {week}: {e}")))?;
    Ok(Some((week, figures)))
}

/// Who signed the township's latest dispatch before `friday` ('' for none).
async fn last_signer(conn: &mut Conn, township_id: i64, friday: NaiveDate) -> Result<String> {
    let signer: Option<String> = crate::db::query(
        "SELECT signed_by FROM weekly_dispatch WHERE township_id = $1 AND week_ending < $2 \
         AND figures_json IS NOT NULL ORDER BY week_ending DESC LIMIT 1",
    )
    .bind(township_id)
    .bind(friday.to_string())
    .fetch_optional_scalar(&mut *conn)
    .await?;
    Ok(signer.unwrap_or_default())
}

/// The moments a dispatch for `friday` counts if taken `now`: from where the previous one
/// stopped (or the week's Saturday) to now.
async fn window(
    conn: &mut Conn,
    township_id: i64,
    friday: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(DateTime<Utc>, DateTime<Utc>)> {
    let from = match previous(conn, township_id, friday).await? {
        Some((_, f)) => f.counted_to,
        None => local_day_start(week_start(friday)),
    };
    Ok((from, now.max(from)))
}

/// Weeks are submitted in order, so their windows meet: refused while an earlier week since
/// the last submitted one is missing, or when a later week is already in.
async fn check_order(conn: &mut Conn, township_id: i64, friday: NaiveDate) -> Result<()> {
    if let Some((week, _)) = previous(conn, township_id, friday).await? {
        let next = week + Duration::weeks(1);
        if next < friday {
            return Err(StoreError::invalid(
                "week",
                format!(
                    "submit the dispatch for the week ending {next} first: weeks are reported in order"
                ),
            ));
        }
    }
    let later: Option<String> = crate::db::query(
        "SELECT MIN(week_ending) FROM weekly_dispatch WHERE township_id = $1 AND week_ending > $2 AND figures_json IS NOT NULL",
    )
    .bind(township_id)
    .bind(friday.to_string())
    .fetch_scalar(&mut *conn)
    .await?;
    if let Some(later) = later {
        return Err(StoreError::invalid(
            "week",
            format!(
                "the week ending {later} is already submitted and counts what happened since; this week can no longer be submitted"
            ),
        ));
    }
    Ok(())
}

/// Grid-days reported in the week, and grid-days owed but not reported: every day from the
/// later of Saturday and the first day reports were owed, up to yesterday (today's report
/// may still come).
async fn zero_reports(
    conn: &mut Conn,
    township_id: i64,
    from_day: NaiveDate,
    as_of: NaiveDate,
    today: NaiveDate,
    reports_from: NaiveDate,
) -> Result<(i64, i64)> {
    let filed: i64 = crate::db::query(
        "SELECT COUNT(*) FROM (SELECT DISTINCT grid_id, report_date FROM zero_report \
         WHERE township_id = $1 AND report_date >= $2 AND report_date <= $3) d",
    )
    .bind(township_id)
    .bind(from_day.to_string())
    .bind(as_of.to_string())
    .fetch_scalar(&mut *conn)
    .await?;
    let owed_from = from_day.max(reports_from);
    let owed_to = as_of.min(today - Duration::days(1));
    if owed_to < owed_from {
        return Ok((filed, 0));
    }
    let grids: i64 = crate::db::query(
        "SELECT COUNT(*) FROM grid g JOIN village v ON v.id = g.village_id WHERE v.township_id = $1",
    )
    .bind(township_id)
    .fetch_scalar(&mut *conn)
    .await?;
    let filed_owed: i64 = crate::db::query(
        "SELECT COUNT(*) FROM (SELECT DISTINCT grid_id, report_date FROM zero_report \
         WHERE township_id = $1 AND report_date >= $2 AND report_date <= $3) d",
    )
    .bind(township_id)
    .bind(owed_from.to_string())
    .bind(owed_to.to_string())
    .fetch_scalar(&mut *conn)
    .await?;
    let days = (owed_to - owed_from).num_days() + 1;
    Ok((filed, (grids * days - filed_owed).max(0)))
}

fn digest(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// May `actor` read the dispatches of `township_id`?
fn may_read(actor: &Actor, township_id: i64) -> bool {
    may(actor.role, Right::ReadDispatches)
        || (actor.role == Role::Township && actor.scope == Scope::Township(township_id))
}

impl Store {
    async fn township_name(&self, conn: &mut Conn, county_id: i64, id: i64) -> Result<String> {
        crate::db::query("SELECT name FROM township WHERE county_id = $1 AND id = $2")
            .bind(county_id)
            .bind(id)
            .fetch_optional_scalar(&mut *conn)
            .await?
            .ok_or_else(|| StoreError::not_found("township", id))
    }

    async fn dispatch_in(
        &self,
        conn: &mut Conn,
        county_id: i64,
        township_id: i64,
        friday: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<DispatchRow> {
        let today = local_date(now);
        let township = self.township_name(conn, county_id, township_id).await?;
        let stored = crate::db::query(STORED)
            .bind(township_id)
            .bind(friday.to_string())
            .fetch_optional_as::<StoredDispatch>(&mut *conn)
            .await?;
        let frozen = stored.as_ref().and_then(|s| s.figures_json.as_deref());
        let figures = if let Some(json) = frozen {
            serde_json::from_str(json).map_err(|e| {
                StoreError::Corrupt(format!("the dispatch of {township} for {friday}: {e}"))
            })?
        } else {
            let reports_from = self.duty_settings(county_id, today).await?.reports_from;
            figures(conn, county_id, township_id, friday, now, reports_from).await?
        };
        let submitted_on = stored
            .as_ref()
            .and_then(|s| s.submitted_at.as_ref())
            .and_then(Stamp::time)
            .map(local_date);
        let standing = DispatchStanding::of(friday, today, submitted_on, stored.is_some());
        Ok(match stored {
            Some(s) => DispatchRow {
                township_id,
                township,
                week_ending: friday,
                standing,
                text: DispatchText {
                    work_done: s.work_done,
                    problems: s.problems,
                    next_week: s.next_week,
                    overdue_reasons: s.overdue_reasons,
                    signed_by: s.signed_by,
                },
                figures,
                frozen: s.figures_json.is_some(),
                saved_by: Some(s.saved_by),
                saved_at: Some(s.saved_at),
                submitted_by: s.submitted_by,
                submitted_at: s.submitted_at,
            },
            None => DispatchRow {
                township_id,
                township,
                week_ending: friday,
                standing,
                // The official who signed last time, so the township need not type it again.
                text: DispatchText {
                    signed_by: last_signer(conn, township_id, friday).await?,
                    ..DispatchText::default()
                },
                figures,
                frozen: false,
                saved_by: None,
                saved_at: None,
                submitted_by: None,
                submitted_at: None,
            },
        })
    }

    /// A township's dispatch for the week ending `friday`: as submitted, or as it stands.
    ///
    /// # Errors
    /// `Invalid` for a day that is not a Friday or a week to come; `NotFound` for a township
    /// out of the user's sight.
    pub async fn dispatch(
        &self,
        actor: &Actor,
        township_id: i64,
        friday: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<DispatchRow> {
        check_week(friday, local_date(now))?;
        if !may_read(actor, township_id) {
            return Err(StoreError::not_found("township", township_id));
        }
        let mut conn = self.pool().acquire().await?;
        self.dispatch_in(&mut conn, actor.county_id, township_id, friday, now)
            .await
    }

    /// Saves what the township wrote; with `submit`, also freezes the figures and submits.
    ///
    /// # Errors
    /// `Forbidden` unless the township's own user; `Invalid` naming the field: the week, a
    /// dispatch already submitted, or (to submit) the work done, the reasons for overdue
    /// cases, or the signing official missing.
    pub async fn save_dispatch(
        &self,
        actor: &Actor,
        friday: NaiveDate,
        text: &DispatchText,
        submit: bool,
        now: DateTime<Utc>,
    ) -> Result<DispatchRow> {
        if !may(actor.role, Right::FileDispatch) {
            return Err(StoreError::Forbidden(Right::FileDispatch.refusal()));
        }
        let Scope::Township(township_id) = actor.scope else {
            return Err(StoreError::Forbidden(Right::FileDispatch.refusal()));
        };
        let today = local_date(now);
        check_week(friday, today)?;
        let text = DispatchText {
            work_done: text.work_done.trim().to_string(),
            problems: text.problems.trim().to_string(),
            next_week: text.next_week.trim().to_string(),
            overdue_reasons: text.overdue_reasons.trim().to_string(),
            signed_by: text.signed_by.trim().to_string(),
        };
        let reports_from = self
            .duty_settings(actor.county_id, today)
            .await?
            .reports_from;
        let at = stamp(now);
        let mut tx = self.begin_write(at.as_str()).await?;
        let submitted: Option<Option<Stamp>> = crate::db::query(
            "SELECT submitted_at FROM weekly_dispatch WHERE township_id = $1 AND week_ending = $2",
        )
        .bind(township_id)
        .bind(friday.to_string())
        .fetch_optional_scalar(&mut *tx)
        .await?;
        if let Some(Some(when)) = submitted {
            return Err(StoreError::invalid(
                "week",
                format!(
                    "the dispatch for the week ending {friday} was submitted at {}; it is frozen — write changes into next week's",
                    minewatch_core::clock::display_stamp(when.as_str())
                ),
            ));
        }
        let frozen = if submit {
            check_order(&mut tx, township_id, friday).await?;
            let f = figures(
                &mut tx,
                actor.county_id,
                township_id,
                friday,
                now,
                reports_from,
            )
            .await?;
            text.check_for_submission(&f)
                .map_err(|m| StoreError::invalid(m.field, m.reason))?;
            Some(
                serde_json::to_string(&f)
                    .map_err(|e| StoreError::Corrupt(format!("dispatch figures: {e}")))?,
            )
        } else {
            None
        };
        crate::db::query(
            "INSERT INTO weekly_dispatch (county_id, township_id, week_ending, work_done, problems, next_week, \
             overdue_reasons, signed_by, figures_json, saved_by, saved_at, submitted_by, submitted_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
             ON CONFLICT (township_id, week_ending) DO UPDATE SET work_done = excluded.work_done, \
             problems = excluded.problems, next_week = excluded.next_week, overdue_reasons = excluded.overdue_reasons, \
             signed_by = excluded.signed_by, figures_json = excluded.figures_json, saved_by = excluded.saved_by, \
             saved_at = excluded.saved_at, submitted_by = excluded.submitted_by, submitted_at = excluded.submitted_at",
        )
        .bind(actor.county_id)
        .bind(township_id)
        .bind(friday.to_string())
        .bind(text.work_done.as_str())
        .bind(text.problems.as_str())
        .bind(text.next_week.as_str())
        .bind(text.overdue_reasons.as_str())
        .bind(text.signed_by.as_str())
        .bind(frozen.clone())
        .bind(actor.user_id)
        .bind(&at)
        .bind(submit.then_some(actor.user_id))
        .bind(submit.then(|| at.clone()))
        .execute(&mut *tx)
        .await?;
        if let Some(json) = &frozen {
            append(
                &mut tx,
                NewEvent {
                    at: at.as_str(),
                    actor: Some(actor.user_id),
                    county_id: actor.county_id,
                    case_id: None,
                    clue_id: None,
                    kind: "dispatch.submitted",
                    payload: serde_json::json!({
                        "township_id": township_id, "week_ending": friday.to_string(),
                        "signed_by": text.signed_by, "figures_sha256": digest(json),
                    })
                    .to_string(),
                    attachments: &[],
                },
            )
            .await?;
        }
        let row = self
            .dispatch_in(&mut tx, actor.county_id, township_id, friday, now)
            .await?;
        tx.commit().await?;
        Ok(row)
    }

    /// Every township's dispatch for the week ending `friday`, side by side (the county's
    /// roll-up), in roster order.
    ///
    /// # Errors
    /// `Forbidden` unless the county office or the inspectors; `Invalid` for the week.
    pub async fn dispatch_rollup(
        &self,
        actor: &Actor,
        friday: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Vec<DispatchRow>> {
        if !may(actor.role, Right::ReadDispatches) {
            return Err(StoreError::Forbidden(Right::ReadDispatches.refusal()));
        }
        check_week(friday, local_date(now))?;
        let townships = self.townships(actor.county_id).await?;
        let mut conn = self.pool().acquire().await?;
        let mut rows = Vec::with_capacity(townships.len());
        for t in townships {
            rows.push(
                self.dispatch_in(&mut conn, actor.county_id, t.id, friday, now)
                    .await?,
            );
        }
        Ok(rows)
    }

    /// The week the township owes next: the one after its last submitted; before its first,
    /// last week's (or this week's, in the campaign's first week of daily reports).
    ///
    /// # Errors
    /// On database failure.
    pub async fn owed_dispatch(
        &self,
        county_id: i64,
        township_id: i64,
        today: NaiveDate,
    ) -> Result<NaiveDate> {
        let last: Option<String> = crate::db::query(
            "SELECT MAX(week_ending) FROM weekly_dispatch WHERE township_id = $1 AND figures_json IS NOT NULL",
        )
        .bind(township_id)
        .fetch_scalar(self.pool())
        .await?;
        if let Some(w) = last.and_then(|w| NaiveDate::parse_from_str(&w, "%Y-%m-%d").ok()) {
            return Ok(w + Duration::weeks(1));
        }
        let reports_from = self.duty_settings(county_id, today).await?.reports_from;
        let first = week_ending(reports_from);
        Ok((week_ending(today) - Duration::weeks(1)).max(first))
    }

    /// The township's last [`HISTORY_WEEKS`] weeks, this one first.
    ///
    /// # Errors
    /// As [`Store::dispatch`].
    pub async fn dispatch_history(
        &self,
        actor: &Actor,
        township_id: i64,
        now: DateTime<Utc>,
    ) -> Result<Vec<DispatchRow>> {
        let this_week = week_ending(local_date(now));
        let mut rows = Vec::with_capacity(HISTORY_WEEKS);
        for back in 0..HISTORY_WEEKS {
            let friday = this_week - Duration::weeks(i64::try_from(back).unwrap_or(0));
            rows.push(self.dispatch(actor, township_id, friday, now).await?);
        }
        Ok(rows)
    }
}
