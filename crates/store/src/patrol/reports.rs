//! 零报告 (R17): every grid reports every day, "nothing found" included. A finding becomes a
//! clue in the ledger; a report for an earlier day is accepted but marked late; the next
//! morning the township sees who did not report, and a run of misses escalates.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use minewatch_core::clock::local_date;
use minewatch_core::rights::{Right, may};
use minewatch_core::{ClueSource, ProblemKind, Severity};
use serde::Serialize;

use super::{GridPlace, duty_settings_in, in_scope};
use crate::ledger::clues::{NewClue, place};
use crate::ledger::events::{NewEvent, append, stamp};
use crate::{Actor, ClueOutcome, Result, Store, StoreError};

/// How far back a late report may still be filed.
pub const LATE_LIMIT_DAYS: i64 = 30;

/// What a grid saw on patrol, filed with its daily report.
#[derive(Debug, Clone)]
pub struct NewFinding {
    pub description: String,
    pub problem_kind: ProblemKind,
    pub severity: Severity,
    pub address: String,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub photos: Vec<String>,
}

/// The day's report: nothing found, or one finding (file again for more).
#[derive(Debug, Clone)]
pub enum ReportBody {
    NothingFound { note: String },
    Finding(NewFinding),
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ZeroReportOutcome {
    pub report_id: i64,
    pub late: bool,
    pub clue: Option<ClueOutcome>,
}

/// A stored daily report.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ZeroReportRow {
    pub id: i64,
    pub grid_id: i64,
    pub report_date: NaiveDate,
    pub nothing_found: bool,
    pub note: String,
    pub clue_ids: Vec<i64>,
    pub late: bool,
    pub filed_by: String,
    pub filed_at: crate::Stamp,
}

/// One grid's day on the board.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DayMark {
    NothingFound,
    Findings,
    /// Filed after its day.
    LateNothingFound,
    LateFindings,
    Missing,
    /// Today, not yet filed (the day is not over).
    Open,
    /// Before reports were owed, or in the future.
    NotDue,
}

impl DayMark {
    #[must_use]
    pub fn label(self, zh: bool) -> &'static str {
        match (self, zh) {
            (DayMark::NothingFound, true) => "无发现",
            (DayMark::NothingFound, false) => "Nothing found",
            (DayMark::Findings, true) => "有发现",
            (DayMark::Findings, false) => "Findings",
            (DayMark::LateNothingFound, true) => "补报·无发现",
            (DayMark::LateNothingFound, false) => "Late · nothing found",
            (DayMark::LateFindings, true) => "补报·有发现",
            (DayMark::LateFindings, false) => "Late · findings",
            (DayMark::Missing, true) => "未报",
            (DayMark::Missing, false) => "Missing",
            (DayMark::Open, true) => "待报",
            (DayMark::Open, false) => "Due today",
            (DayMark::NotDue, true) => "—",
            (DayMark::NotDue, false) => "—",
        }
    }

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            DayMark::NothingFound => "nothing_found",
            DayMark::Findings => "findings",
            DayMark::LateNothingFound => "late_nothing_found",
            DayMark::LateFindings => "late_findings",
            DayMark::Missing => "missing",
            DayMark::Open => "open",
            DayMark::NotDue => "not_due",
        }
    }
}

/// A grid's days between two dates, and its run of misses up to yesterday.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GridDays {
    pub place: GridPlace,
    pub days: Vec<(NaiveDate, DayMark)>,
    pub missed_in_a_row: u32,
    /// The run of misses reached the county's limit: the county office sees it.
    pub escalated: bool,
}

/// The daily-report board of a user's grids.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReportBoard {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub today: NaiveDate,
    pub reports_from: NaiveDate,
    pub escalate_after: u32,
    pub grids: Vec<GridDays>,
}

impl ReportBoard {
    /// Grids that filed nothing for `day` (the township's morning list).
    #[must_use]
    pub fn missing_on(&self, day: NaiveDate) -> Vec<&GridDays> {
        self.grids
            .iter()
            .filter(|g| {
                g.days
                    .iter()
                    .any(|(d, m)| *d == day && *m == DayMark::Missing)
            })
            .collect()
    }
}

/// A daily report as stored, its day still text.
#[derive(sqlx::FromRow)]
struct StoredReport {
    id: i64,
    grid_id: i64,
    report_date: String,
    nothing_found: bool,
    note: String,
    clue_ids: crate::List<i64>,
    late: bool,
    filed_by: String,
    filed_at: crate::Stamp,
}

impl TryFrom<StoredReport> for ZeroReportRow {
    type Error = StoreError;

    fn try_from(r: StoredReport) -> Result<Self> {
        Ok(ZeroReportRow {
            id: r.id,
            grid_id: r.grid_id,
            report_date: super::parse_day("report_date", &r.report_date)?,
            nothing_found: r.nothing_found,
            note: r.note,
            clue_ids: r.clue_ids.0,
            late: r.late,
            filed_by: r.filed_by,
            filed_at: r.filed_at,
        })
    }
}

/// Stores a new report and logs it, inside the caller's write transaction.
#[expect(clippy::too_many_arguments, reason = "a report row is this many facts")]
pub(crate) async fn insert_report_tx(
    conn: &mut crate::db::Conn,
    actor: &Actor,
    grid: &GridPlace,
    date: NaiveDate,
    nothing_found: bool,
    note: &str,
    clue: Option<&ClueOutcome>,
    late: bool,
    at: &crate::Stamp,
) -> Result<i64> {
    let id: i64 = crate::db::query(
        "INSERT INTO zero_report (county_id, township_id, village_id, grid_id, report_date, nothing_found, note, clue_ids, late, filed_by, filed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(actor.county_id)
    .bind(grid.township_id)
    .bind(grid.village_id)
    .bind(grid.grid_id)
    .bind(date.to_string())
    .bind(nothing_found)
    .bind(note.to_string())
    .bind(crate::List(clue.map(|c| c.clue_id.0).into_iter().collect()))
    .bind(late)
    .bind(actor.user_id)
    .bind(at)
    .fetch_scalar(&mut *conn)
    .await?;
    log_report(conn, actor, grid, date, nothing_found, late, clue, at).await?;
    Ok(id)
}

#[expect(clippy::too_many_arguments, reason = "what the event says")]
async fn log_report(
    conn: &mut crate::db::Conn,
    actor: &Actor,
    grid: &GridPlace,
    date: NaiveDate,
    nothing_found: bool,
    late: bool,
    clue: Option<&ClueOutcome>,
    at: &crate::Stamp,
) -> Result<()> {
    append(
        conn,
        NewEvent {
            at,
            actor: Some(actor.user_id),
            county_id: actor.county_id,
            case_id: clue.map(|c| c.case_id),
            clue_id: clue.map(|c| c.clue_id),
            kind: "zero_report.filed",
            payload: serde_json::json!({
                "grid": grid.grid, "village": grid.village, "date": date.to_string(),
                "nothing_found": nothing_found, "late": late,
            })
            .to_string(),
            attachments: &[],
        },
    )
    .await?;
    Ok(())
}

impl Store {
    /// Files a grid's report for `date` (today, or late for an earlier day).
    ///
    /// # Errors
    /// `Forbidden` unless the grid's village, its township or the county office; `NotFound`
    /// for a grid out of scope; `Invalid` naming the field: a day in the future or more than
    /// [`LATE_LIMIT_DAYS`] ago, "nothing found" twice or after a finding that day, a finding
    /// without description or place, unknown photos.
    pub async fn file_zero_report(
        &self,
        actor: &Actor,
        grid_id: i64,
        date: NaiveDate,
        body: &ReportBody,
        now: DateTime<Utc>,
    ) -> Result<ZeroReportOutcome> {
        if !may(actor.role, Right::FileZeroReport) {
            return Err(StoreError::Forbidden(Right::FileZeroReport.refusal()));
        }
        let grid = self.grid_place(actor.county_id, grid_id).await?;
        if !in_scope(actor, grid.township_id, Some(grid.village_id)) {
            return Err(StoreError::not_found("grid", grid_id));
        }
        let today = local_date(now);
        if date > today {
            return Err(StoreError::invalid(
                "date",
                "a report cannot be filed for a day to come",
            ));
        }
        if date < today - Duration::days(LATE_LIMIT_DAYS) {
            return Err(StoreError::invalid(
                "date",
                format!("a late report can be filed up to {LATE_LIMIT_DAYS} days after its day"),
            ));
        }
        let late = date < today;
        let clue = match body {
            ReportBody::NothingFound { .. } => None,
            ReportBody::Finding(f) => {
                let clue = NewClue {
                    source: ClueSource::Patrol,
                    township_id: grid.township_id,
                    village_id: Some(grid.village_id),
                    address: f.address.trim().to_string(),
                    lon: f.lon,
                    lat: f.lat,
                    observed_at: (!late).then(|| stamp(now)),
                    description: f.description.trim().to_string(),
                    problem_kind: f.problem_kind,
                    severity: f.severity,
                    reporter_name: String::new(),
                    reporter_phone: String::new(),
                    attachments: f.photos.clone(),
                };
                if clue.description.is_empty() {
                    return Err(StoreError::invalid("description", "say what was found"));
                }
                let point = place(&clue)?;
                if point.is_none() && clue.address.is_empty() {
                    return Err(StoreError::invalid(
                        "address",
                        "give an address or the phone's position",
                    ));
                }
                self.check_attachments(&clue.attachments).await?;
                Some((clue, point))
            }
        };
        let at = stamp(now);
        let mut tx = self.begin_write(&at).await?;
        let existing = crate::db::query(
            "SELECT id, nothing_found, clue_ids FROM zero_report WHERE grid_id = $1 AND report_date = $2",
        )
        .bind(grid_id)
        .bind(date.to_string())
        .fetch_optional_as::<(i64, bool, crate::List<i64>)>(&mut *tx)
        .await?;
        let outcome_clue = match &clue {
            Some((c, point)) => Some(
                self.file_clue_tx(&mut tx, actor, c, *point, now, &at)
                    .await?,
            ),
            None => None,
        };
        let existing_id = existing.as_ref().map(|(id, _, _)| *id);
        let report_id = match (existing, body) {
            (Some((_, nothing, _)), ReportBody::NothingFound { .. }) => {
                return Err(StoreError::invalid(
                    "date",
                    if nothing {
                        format!("{} already reported {date}", grid.grid)
                    } else {
                        format!("{} reported findings on {date}", grid.grid)
                    },
                ));
            }
            (Some((id, _, crate::List(mut ids))), ReportBody::Finding(_)) => {
                ids.extend(outcome_clue.as_ref().map(|c| c.clue_id.0));
                // A finding later the same day overrides the morning's "nothing found".
                crate::db::query(
                    "UPDATE zero_report SET nothing_found = FALSE, clue_ids = $1 WHERE id = $2",
                )
                .bind(crate::List(ids))
                .bind(id)
                .execute(&mut *tx)
                .await?;
                id
            }
            (None, _) => {
                let (nothing, note) = match body {
                    ReportBody::NothingFound { note } => (true, note.trim()),
                    ReportBody::Finding(_) => (false, ""),
                };
                insert_report_tx(
                    &mut tx,
                    actor,
                    &grid,
                    date,
                    nothing,
                    note,
                    outcome_clue.as_ref(),
                    late,
                    &at,
                )
                .await?
            }
        };
        if existing_id.is_some() {
            log_report(
                &mut tx,
                actor,
                &grid,
                date,
                false,
                late,
                outcome_clue.as_ref(),
                &at,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(ZeroReportOutcome {
            report_id,
            late,
            clue: outcome_clue,
        })
    }

    /// Reports of the user's grids between two days.
    ///
    /// # Errors
    /// On database failure.
    pub async fn zero_reports(
        &self,
        actor: &Actor,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<ZeroReportRow>> {
        let Some((t, v)) = super::ground_scope(actor) else {
            return Ok(Vec::new());
        };
        let rows = crate::db::query(
            "SELECT z.id, z.grid_id, z.report_date, z.nothing_found, z.note, z.clue_ids, z.late, u.display_name AS filed_by, z.filed_at \
             FROM zero_report z JOIN app_user u ON u.id = z.filed_by \
             WHERE z.county_id = $1 AND z.report_date BETWEEN $2 AND $3 AND ($4 IS NULL OR z.township_id = $4) AND ($5 IS NULL OR z.village_id = $5) \
             ORDER BY z.report_date, z.grid_id",
        )
        .bind(actor.county_id)
        .bind(from.to_string())
        .bind(to.to_string())
        .bind(t)
        .bind(v)
        .fetch_all_as::<StoredReport>(self.pool())
        .await?;
        rows.into_iter().map(ZeroReportRow::try_from).collect()
    }

    /// Each of the user's grids, day by day from `from` to `to`, as of `now`.
    ///
    /// # Errors
    /// `Invalid` when `to` is before `from` or the span is over a year.
    pub async fn report_board(
        &self,
        actor: &Actor,
        from: NaiveDate,
        to: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<ReportBoard> {
        if to < from || (to - from).num_days() > 366 {
            return Err(StoreError::invalid("to", "give a span of at most a year"));
        }
        let today = local_date(now);
        let settings = {
            let mut conn = self.pool().acquire().await?;
            duty_settings_in(&mut conn, actor.county_id, today).await?
        };
        let grids = self.ground_grids(actor).await?;
        // The run of misses may reach back before `from`.
        let earliest = (today - Duration::days(i64::from(settings.escalate_after) + 1)).min(from);
        let reports = self.zero_reports(actor, earliest, to.max(today)).await?;
        let mut by_grid: std::collections::HashMap<i64, Vec<&ZeroReportRow>> =
            std::collections::HashMap::new();
        for r in &reports {
            by_grid.entry(r.grid_id).or_default().push(r);
        }
        let mark = |filed: Option<&&ZeroReportRow>, day: NaiveDate| match filed {
            Some(r) => match (r.nothing_found, r.late) {
                (true, false) => DayMark::NothingFound,
                (false, false) => DayMark::Findings,
                (true, true) => DayMark::LateNothingFound,
                (false, true) => DayMark::LateFindings,
            },
            None if day < settings.reports_from || day > today => DayMark::NotDue,
            None if day == today => DayMark::Open,
            None => DayMark::Missing,
        };
        let mut out = Vec::new();
        for g in grids {
            let filed = by_grid.get(&g.grid_id).map_or(&[][..], Vec::as_slice);
            let find = |d: NaiveDate| filed.iter().find(|r| r.report_date == d);
            let days = std::iter::successors(Some(from), chrono::NaiveDate::succ_opt)
                .take_while(|d| *d <= to)
                .map(|d| (d, mark(find(d), d)))
                .collect();
            let mut run = 0;
            let mut day = today - Duration::days(1);
            while day >= settings.reports_from && find(day).is_none() && run < 366 {
                run += 1;
                day -= Duration::days(1);
            }
            out.push(GridDays {
                place: g,
                days,
                missed_in_a_row: run,
                escalated: run >= settings.escalate_after,
            });
        }
        Ok(ReportBoard {
            from,
            to,
            today,
            reports_from: settings.reports_from,
            escalate_after: settings.escalate_after,
            grids: out,
        })
    }
}
