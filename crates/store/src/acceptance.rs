//! Acceptance of a campaign phase (R25): each township's checklist read from the ledger as of
//! the phase's end (or today while it runs), and the county office's decision once it is over.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use minewatch_core::acceptance::{Acceptance, Check, CheckResult, Decision, TownshipAcceptance};
use minewatch_core::clock::{local_date, local_day_start};
use minewatch_core::dispatch::{CountedCase, is_week_name, week_ending};
use minewatch_core::ledger::case::MeasureStep;
use minewatch_core::rights::{Right, may};
use minewatch_core::{CaseState, Role, Scope};

use crate::db::Conn;
use crate::ledger::cases::open_statuses;
use crate::ledger::events::{log, stamp};
use crate::{Actor, Result, Stamp, Store, StoreError};

/// The moments and days a checklist is read with.
struct Cut {
    from: NaiveDate,
    as_of: NaiveDate,
    today: NaiveDate,
    /// The start of the day after `as_of`.
    end: Stamp,
}

fn counted(rows: Vec<(i64, String)>) -> Vec<CountedCase> {
    let mut seen = std::collections::BTreeSet::new();
    rows.into_iter()
        .filter(|(id, _)| seen.insert(*id))
        .map(|(id, number)| CountedCase { id, number })
        .collect()
}

async fn key_hazards_open(conn: &mut Conn, township: i64, c: &Cut) -> Result<Vec<CountedCase>> {
    let rows = crate::db::query(
        "SELECT id, number FROM case_file WHERE township_id = $1 AND severity = 'key' \
         AND status <> 'unfounded' AND opened_at < $2 AND (closed_at IS NULL OR closed_at >= $2) ORDER BY id",
    )
    .bind(township)
    .bind(&c.end)
    .fetch_all_as::<(i64, String)>(&mut *conn)
    .await?;
    Ok(counted(rows))
}

async fn overdue(conn: &mut Conn, township: i64, c: &Cut) -> Result<Vec<CountedCase>> {
    let rows = crate::db::query(format!(
        "SELECT id, number FROM case_file WHERE township_id = $1 AND opened_at < $2 AND due_on < $3 \
         AND (status IN {} OR (status = 'closed' AND closed_at >= $4)) ORDER BY due_on, id",
        open_statuses()
    ))
    .bind(township)
    .bind(&c.end)
    .bind((c.as_of + Duration::days(1)).to_string())
    .bind(&c.end)
    .fetch_all_as::<(i64, String)>(&mut *conn)
    .await?;
    Ok(counted(rows))
}

async fn cuts_and_clears(conn: &mut Conn, township: i64, c: &Cut) -> Result<Vec<CountedCase>> {
    let rows = crate::db::query(
        "SELECT id, number, state_json FROM case_file WHERE township_id = $1 AND opened_at < $2 \
         AND decision IN ('close_down', 'ban', 'demolish') AND status <> 'unfounded' ORDER BY id",
    )
    .bind(township)
    .bind(&c.end)
    .fetch_all_as::<(i64, String, String)>(&mut *conn)
    .await?;
    Ok(counted(
        rows.into_iter()
            .filter(|(_, _, json)| {
                serde_json::from_str::<CaseState>(json)
                    .map_or(true, |s| s.steps_done.len() < MeasureStep::ALL.len())
            })
            .map(|(id, number, _)| (id, number))
            .collect(),
    ))
}

/// Was a step due on `by` (a day in the checked span) done late, or not at all by the cut?
fn missed(by: Option<&str>, done: Option<&Stamp>, c: &Cut) -> bool {
    let Some(by) = by.and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()) else {
        return false;
    };
    if by < c.from || by > c.as_of || by >= c.today {
        return false;
    }
    match done.and_then(Stamp::time) {
        Some(at) => local_date(at) > by,
        None => true,
    }
}

async fn tips_late(conn: &mut Conn, township: i64, c: &Cut) -> Result<Vec<CountedCase>> {
    type Clocks = (
        i64,
        String,
        String,
        Option<Stamp>,
        Option<String>,
        Option<Stamp>,
    );
    let rows = crate::db::query(
        "SELECT c.id, c.number, tp.accept_by, tp.accepted_at, tp.answer_by, tp.answered_at \
         FROM tip tp JOIN clue cl ON cl.id = tp.clue_id JOIN case_file c ON c.id = cl.case_id \
         WHERE cl.township_id = $1 AND (tp.accept_by >= $2 OR tp.answer_by >= $2) ORDER BY c.id",
    )
    .bind(township)
    .bind(c.from.to_string())
    .fetch_all_as::<Clocks>(&mut *conn)
    .await?;
    Ok(counted(
        rows.into_iter()
            .filter(|(_, _, accept_by, accepted, answer_by, answered)| {
                missed(Some(accept_by), accepted.as_ref(), c)
                    || missed(answer_by.as_deref(), answered.as_ref(), c)
            })
            .map(|(id, number, ..)| (id, number))
            .collect(),
    ))
}

async fn leads_unanswered(conn: &mut Conn, township: i64, c: &Cut) -> Result<Vec<CountedCase>> {
    let rows = crate::db::query(
        "SELECT c.id, c.number FROM accountability_lead l JOIN case_file c ON c.id = l.case_id \
         WHERE l.township_id = $1 AND l.raised_at < $2 AND (l.answered_at IS NULL OR l.answered_at >= $2) \
         ORDER BY c.id",
    )
    .bind(township)
    .bind(&c.end)
    .fetch_all_as::<(i64, String)>(&mut *conn)
    .await?;
    Ok(counted(rows))
}

async fn look_backs_late(conn: &mut Conn, township: i64, c: &Cut) -> Result<Vec<CountedCase>> {
    let rows = crate::db::query(
        "SELECT c.id, c.number, lb.due_on, lb.done_at FROM look_back lb JOIN case_file c ON c.id = lb.case_id \
         WHERE c.township_id = $1 AND lb.due_on >= $2 AND lb.due_on <= $3 ORDER BY c.id",
    )
    .bind(township)
    .bind(c.from.to_string())
    .bind(c.as_of.to_string())
    .fetch_all_as::<(i64, String, String, Option<Stamp>)>(&mut *conn)
    .await?;
    Ok(counted(
        rows.into_iter()
            .filter(|(_, _, due, done)| missed(Some(due), done.as_ref(), c))
            .map(|(id, number, ..)| (id, number))
            .collect(),
    ))
}

/// The Fridays of the span a township owed a dispatch for and missed or filed late. Weeks
/// before the county's first dispatch in minewatch are not asked for.
async fn dispatches_lapsed(
    conn: &mut Conn,
    county: i64,
    township: i64,
    c: &Cut,
) -> Result<Vec<NaiveDate>> {
    let first: Option<String> = crate::db::query(
        "SELECT MIN(week_ending) FROM weekly_dispatch WHERE county_id = $1 AND submitted_at IS NOT NULL",
    )
    .bind(county)
    .fetch_optional_scalar(&mut *conn)
    .await?;
    let Some(first) = first.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()) else {
        return Ok(Vec::new());
    };
    let filed: Vec<(String, Option<Stamp>)> = crate::db::query(
        "SELECT week_ending, submitted_at FROM weekly_dispatch WHERE township_id = $1 AND week_ending >= $2",
    )
    .bind(township)
    .bind(c.from.to_string())
    .fetch_all_as(&mut *conn)
    .await?;
    let mut out = Vec::new();
    let mut friday = week_ending(c.from.max(first));
    while friday <= c.as_of && friday < c.today {
        debug_assert!(is_week_name(friday));
        let submitted = filed
            .iter()
            .find(|(w, _)| *w == friday.to_string())
            .and_then(|(_, at)| at.as_ref().and_then(Stamp::time))
            .map(local_date);
        if submitted.is_none_or(|d| d > friday) {
            out.push(friday);
        }
        friday += Duration::weeks(1);
    }
    Ok(out)
}

/// The office's decision, as it is asked for.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct DecisionForm {
    pub township_id: i64,
    pub passed: bool,
    /// Required to fail a township, or to pass one with items not met.
    #[serde(default)]
    pub note: String,
}

impl Store {
    /// The checklist of `[from, to]` for the townships in sight, with the decisions taken.
    ///
    /// # Errors
    /// `Forbidden` for roles that do not read it; `Invalid` when `to` is before `from`.
    pub async fn acceptance(
        &self,
        actor: &Actor,
        from: NaiveDate,
        to: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Acceptance> {
        self.acceptance_of(actor, from, to, now, None).await
    }

    /// The checklist for the townships in sight, or for `only` that one.
    async fn acceptance_of(
        &self,
        actor: &Actor,
        from: NaiveDate,
        to: NaiveDate,
        now: DateTime<Utc>,
        only: Option<i64>,
    ) -> Result<Acceptance> {
        if !may(actor.role, Right::ReadAcceptance) {
            return Err(StoreError::Forbidden(Right::ReadAcceptance.refusal()));
        }
        if to < from {
            return Err(StoreError::invalid(
                "to",
                "the period ends before it begins",
            ));
        }
        let today = local_date(now);
        let as_of = to.min(today);
        let cut = Cut {
            from,
            as_of,
            today,
            end: Stamp::at(local_day_start(as_of + Duration::days(1))),
        };
        let decisions: Vec<(i64, bool, String, String, Stamp)> = crate::db::query(
            "SELECT a.township_id, a.passed, a.note, u.display_name, a.decided_at FROM phase_acceptance a \
             JOIN app_user u ON u.id = a.decided_by WHERE a.county_id = $1 AND a.from_day = $2 AND a.to_day = $3",
        )
        .bind(actor.county_id)
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all_as(self.pool())
        .await?;
        let mut conn = self.pool().acquire().await?;
        let mut townships = Vec::new();
        for t in self.townships(actor.county_id).await? {
            if (actor.role == Role::Township && actor.scope != Scope::Township(t.id))
                || only.is_some_and(|o| o != t.id)
            {
                continue;
            }
            let conn = &mut conn;
            let cases = |check, cases| CheckResult {
                check,
                cases,
                weeks: Vec::new(),
            };
            let checks = vec![
                cases(
                    Check::KeyHazardsClosed,
                    key_hazards_open(conn, t.id, &cut).await?,
                ),
                cases(Check::NothingOverdue, overdue(conn, t.id, &cut).await?),
                cases(
                    Check::CutsAndClears,
                    cuts_and_clears(conn, t.id, &cut).await?,
                ),
                cases(Check::TipsOnTime, tips_late(conn, t.id, &cut).await?),
                cases(
                    Check::LeadsAnswered,
                    leads_unanswered(conn, t.id, &cut).await?,
                ),
                cases(
                    Check::LookBacksDone,
                    look_backs_late(conn, t.id, &cut).await?,
                ),
                CheckResult {
                    check: Check::DispatchesFiled,
                    cases: Vec::new(),
                    weeks: dispatches_lapsed(conn, actor.county_id, t.id, &cut).await?,
                },
            ];
            let decision =
                decisions
                    .iter()
                    .find(|d| d.0 == t.id)
                    .map(|(_, passed, note, by, at)| Decision {
                        passed: *passed,
                        note: note.clone(),
                        decided_by: by.clone(),
                        decided_at: at.as_str().to_string(),
                    });
            townships.push(TownshipAcceptance {
                township_id: t.id,
                township: t.name,
                checks,
                decision,
            });
        }
        Ok(Acceptance {
            from,
            to,
            as_of,
            townships,
        })
    }

    /// The county office's decision on a township's phase; taken again, it replaces the last.
    /// Logged as `acceptance.decided` with the checklist's standing at the time.
    ///
    /// # Errors
    /// `Forbidden` unless the county office; `Invalid` while the phase runs, without a note
    /// when passing a township whose checklist is not all met or failing one, or for a
    /// township not in the county.
    pub async fn decide_acceptance(
        &self,
        actor: &Actor,
        from: NaiveDate,
        to: NaiveDate,
        form: &DecisionForm,
        now: DateTime<Utc>,
    ) -> Result<TownshipAcceptance> {
        let (township_id, passed) = (form.township_id, form.passed);
        if !may(actor.role, Right::DecideAcceptance) {
            return Err(StoreError::Forbidden(Right::DecideAcceptance.refusal()));
        }
        if to >= local_date(now) {
            return Err(StoreError::invalid(
                "to",
                format!("the phase runs to {to}; it is accepted once it is over"),
            ));
        }
        let board = self
            .acceptance_of(actor, from, to, now, Some(township_id))
            .await?;
        let Some(line) = board
            .townships
            .into_iter()
            .find(|t| t.township_id == township_id)
        else {
            return Err(StoreError::invalid(
                "township",
                "no such township in this county",
            ));
        };
        let note = form.note.trim();
        if note.is_empty() && (!passed || !line.all_met()) {
            return Err(StoreError::invalid(
                "note",
                if passed {
                    "passing a township with items not met needs the reason"
                } else {
                    "say why the township is not accepted"
                },
            ));
        }
        let at = stamp(now);
        let mut tx = self.begin_write(at.as_str()).await?;
        crate::db::query(
            "DELETE FROM phase_acceptance WHERE county_id = $1 AND from_day = $2 AND to_day = $3 AND township_id = $4",
        )
        .bind(actor.county_id)
        .bind(from.to_string())
        .bind(to.to_string())
        .bind(township_id)
        .execute(&mut *tx)
        .await?;
        crate::db::query(
            "INSERT INTO phase_acceptance (county_id, from_day, to_day, township_id, passed, note, decided_by, decided_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(actor.county_id)
        .bind(from.to_string())
        .bind(to.to_string())
        .bind(township_id)
        .bind(passed)
        .bind(note)
        .bind(actor.user_id)
        .bind(&at)
        .execute(&mut *tx)
        .await?;
        let unmet: Vec<&str> = line
            .checks
            .iter()
            .filter(|c| !c.met())
            .map(|c| c.check.code())
            .collect();
        log(
            &mut tx,
            actor,
            at.as_str(),
            "acceptance.decided",
            &serde_json::json!({
                "from": from.to_string(), "to": to.to_string(), "township_id": township_id,
                "passed": passed, "note": note, "unmet": unmet,
            }),
        )
        .await?;
        tx.commit().await?;
        // The checklist does not change with the decision: the line read above, decided.
        Ok(TownshipAcceptance {
            decision: Some(Decision {
                passed,
                note: note.to_string(),
                decided_by: actor.display_name.clone(),
                decided_at: at.as_str().to_string(),
            }),
            ..line
        })
    }
}
