//! 回头看 as tasks (R14): every look-back due in the user's part of the county — scheduled at
//! 1, 3 and 6 months after closing, or drawn at random — with the overdue ones marked, and
//! per township the recurrences (死灰复燃) that count against it.

use chrono::NaiveDate;
use serde::Serialize;

use crate::sql::Sql;
use crate::{Actor, Result, Store};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LookBackRow {
    pub case_id: crate::CaseId,
    pub case_number: String,
    pub township: String,
    pub village: String,
    pub address: String,
    pub due_on: String,
    /// "schedule" or "random".
    pub drawn: String,
    pub done_at: Option<crate::Stamp>,
    pub recurrence: bool,
    pub overdue: bool,
}

/// A look-back with its case, as stored.
#[derive(sqlx::FromRow)]
struct StoredLookBack {
    id: crate::CaseId,
    number: String,
    township: String,
    village: String,
    address: String,
    due_on: String,
    drawn: String,
    done_at: Option<crate::Stamp>,
    recurrence: Option<i64>,
}

/// A township's look-back record.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TownshipLookBacks {
    pub township: String,
    pub closed: i64,
    pub due: i64,
    pub done: i64,
    pub overdue: i64,
    /// New cases opened at a closed case's place: they count against the township.
    pub recurrences: i64,
}

impl Store {
    /// Look-backs of closed cases in the user's scope due up to `until` (all done ones too).
    ///
    /// # Errors
    /// On database failure.
    pub async fn look_backs(
        &self,
        actor: &Actor,
        today: NaiveDate,
        until: NaiveDate,
    ) -> Result<Vec<LookBackRow>> {
        let mut sql = Sql::new(
            "SELECT c.id, c.number, t.name AS township, COALESCE(v.name, '') AS village, c.address, l.due_on, l.drawn, l.done_at, l.recurrence \
             FROM look_back l JOIN case_file c ON c.id = l.case_id JOIN township t ON t.id = c.township_id \
             LEFT JOIN village v ON v.id = c.village_id WHERE 1 = 1",
        );
        actor.push_case_scope(&mut sql);
        sql.push(" AND l.due_on <= ").bind_text(until.to_string());
        sql.push(" ORDER BY l.due_on, c.id");
        let rows: Vec<StoredLookBack> = sql.query().fetch_all_as(self.pool()).await?;
        Ok(rows
            .into_iter()
            .map(|r| LookBackRow {
                overdue: r.done_at.is_none()
                    && NaiveDate::parse_from_str(&r.due_on, "%Y-%m-%d").is_ok_and(|d| d < today),
                case_id: r.id,
                case_number: r.number,
                township: r.township,
                village: r.village,
                address: r.address,
                due_on: r.due_on,
                drawn: r.drawn,
                done_at: r.done_at,
                recurrence: r.recurrence.unwrap_or(0) != 0,
            })
            .collect())
    }

    /// Per township: closed cases, look-backs due by `today`, done, overdue, recurrences.
    ///
    /// # Errors
    /// On database failure.
    pub async fn look_back_record(
        &self,
        actor: &Actor,
        today: NaiveDate,
    ) -> Result<Vec<TownshipLookBacks>> {
        let mut sql = Sql::new(
            "SELECT t.name AS township, \
             SUM(CASE WHEN c.status = 'closed' THEN 1 ELSE 0 END) AS closed, \
             SUM(CASE WHEN c.recurrence_of IS NOT NULL THEN 1 ELSE 0 END) AS recurrences \
             FROM case_file c JOIN township t ON t.id = c.township_id WHERE 1 = 1",
        );
        actor.push_case_scope(&mut sql);
        sql.push(" GROUP BY t.id, t.name ORDER BY t.id");
        let rows: Vec<(String, i64, i64)> = sql.query().fetch_all_as(self.pool()).await?;
        let tasks = self.look_backs(actor, today, today).await?;
        let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        Ok(rows
            .into_iter()
            .map(|(township, closed, recurrences)| {
                let mine: Vec<&LookBackRow> =
                    tasks.iter().filter(|l| l.township == township).collect();
                TownshipLookBacks {
                    closed,
                    recurrences,
                    due: count(mine.len()),
                    done: count(mine.iter().filter(|l| l.done_at.is_some()).count()),
                    overdue: count(mine.iter().filter(|l| l.overdue).count()),
                    township,
                }
            })
            .collect())
    }
}

/// After a step on a case: a case just closed gets its look-backs (the scheduled ones and,
/// by a draw, a random one); a look-back step is recorded against the earliest open task.
pub(crate) fn on_case_step<'a>(
    tx: &'a mut crate::hooks::Tx,
    step: &'a crate::hooks::Step<'a>,
) -> crate::hooks::HookFuture<'a> {
    Box::pin(async move {
        if step.closed {
            let today = minewatch_core::clock::local_date(step.now);
            let (roll, day_roll): (f64, f64) = step.store.draw(|rng| {
                use rand::Rng;
                (rng.r#gen(), rng.r#gen())
            });
            let random = minewatch_core::ledger::deadline::random_look_back(
                today,
                minewatch_core::ledger::deadline::RANDOM_LOOK_BACK_SHARE,
                roll,
                day_roll,
            );
            let scheduled = minewatch_core::ledger::deadline::look_back_dates(today)
                .into_iter()
                .map(|d| (d, "schedule"));
            for (due, drawn) in scheduled.chain(random.map(|d| (d, "random"))) {
                crate::db::query(
                    "INSERT INTO look_back (case_id, due_on, drawn) VALUES ($1, $2, $3)",
                )
                .bind(step.case_id)
                .bind(due.to_string())
                .bind(drawn)
                .execute(&mut **tx)
                .await?;
            }
        }
        if let minewatch_core::CaseAction::LookBack { recurrence, note } = step.action {
            crate::db::query(
                "UPDATE look_back SET done_at = $1, recurrence = $2, note = $3 WHERE id = \
                 (SELECT id FROM look_back WHERE case_id = $4 AND done_at IS NULL ORDER BY due_on, id LIMIT 1)",
            )
            .bind(step.at)
            .bind(i64::from(*recurrence))
            .bind(note.clone())
            .bind(step.case_id)
            .execute(&mut **tx)
            .await?;
        }
        Ok(())
    })
}
