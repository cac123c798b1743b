//! The ledger (台账): opening cases, taking them through the state machine, listing,
//! dashboards and the overdue sweep (R11–R14). Every read and write is scoped by the actor.

use crate::ledger::clues::{ClueRow, NewClue};
use crate::ledger::events::{NewEvent, append, stamp};
use crate::sql::Sql;
use crate::{Actor, Result, Store, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use minewatch_core::clock::local_date;
use minewatch_core::ledger::case::action_label;
use minewatch_core::ledger::deadline::days_overdue;
use minewatch_core::rights::may_act;
use minewatch_core::{
    CaseAction, CaseState, CaseStatus, ClueSource, ProblemKind, Refusal, Severity,
};
use serde::Serialize;

/// The R11 fields a case is opened with.
#[derive(Debug, Clone)]
pub(crate) struct CaseFields {
    pub township_id: i64,
    pub village_id: Option<i64>,
    pub address: String,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub finding: String,
    pub problem_kind: ProblemKind,
    pub severity: Severity,
    pub source: ClueSource,
}

impl CaseFields {
    pub(crate) fn from_clue(c: &NewClue) -> Self {
        CaseFields {
            township_id: c.township_id,
            village_id: c.village_id,
            address: c.address.trim().to_string(),
            lon: c.lon,
            lat: c.lat,
            finding: c.description.trim().to_string(),
            problem_kind: c.problem_kind,
            severity: c.severity,
            source: c.source,
        }
    }
}

/// Filters of the ledger page and API; all optional.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub township_id: Option<i64>,
    pub village_id: Option<i64>,
    pub status: Option<CaseStatus>,
    pub source: Option<ClueSource>,
    pub problem_kind: Option<ProblemKind>,
    pub severity: Option<Severity>,
    pub overdue: bool,
    /// Only cases not yet closed (every status but 已销号 and 核查不实).
    pub open: bool,
    /// Matches the case number, address or finding.
    pub text: Option<String>,
}

/// One line of the ledger.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct CaseRow {
    pub id: crate::CaseId,
    pub number: String,
    pub township_id: i64,
    pub township: String,
    pub village_id: Option<i64>,
    pub village: String,
    pub address: String,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub finding: String,
    pub problem_kind: String,
    pub severity: String,
    pub source: String,
    pub status: String,
    pub decision: Option<String>,
    pub lead_department_id: Option<i64>,
    pub lead_department: String,
    pub responsible_unit: String,
    pub responsible_person: String,
    pub measures: String,
    pub due_on: Option<String>,
    /// Working out from `due_on` and the day asked about, not stored.
    #[sqlx(skip)]
    pub days_overdue: i64,
    pub escalated: bool,
    pub fine_fen: i64,
    pub confiscation_fen: i64,
    pub recurrence_of: Option<i64>,
    pub opened_at: crate::Stamp,
    pub closed_at: Option<crate::Stamp>,
}

/// One entry of a case's timeline.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EventView {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub kind: String,
    pub label_zh: String,
    pub label_en: String,
    pub payload: serde_json::Value,
    pub attachments: Vec<String>,
}

/// A ledger event as the case page reads it.
#[derive(sqlx::FromRow)]
struct StoredEvent {
    seq: i64,
    at: String,
    kind: String,
    payload: String,
    attachments: String,
    actor_name: String,
}

/// One township's cases in one status, with their sums (the dashboard's grouping).
#[derive(sqlx::FromRow)]
struct StatusCount {
    township_id: i64,
    township_name: String,
    status: String,
    n: i64,
    fines: Option<i64>,
    confiscations: Option<i64>,
    overdue: Option<i64>,
}

/// A case with its derived state, clues and timeline.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CaseDetail {
    pub case: CaseRow,
    pub state: CaseState,
    pub clues: Vec<ClueRow>,
    pub events: Vec<EventView>,
    pub look_backs: Vec<(String, Option<crate::Stamp>)>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TownshipCounts {
    pub township_id: i64,
    pub township: String,
    /// (status code, count)
    pub by_status: Vec<(String, i64)>,
    pub open: i64,
    pub overdue: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OverdueRow {
    pub id: crate::CaseId,
    pub number: String,
    pub township: String,
    pub status: String,
    pub due_on: String,
    pub days_overdue: i64,
    pub escalated: bool,
}

/// Figures of the dashboard, within the actor's scope.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Dashboard {
    pub total: i64,
    pub open: i64,
    pub overdue: i64,
    pub closed: i64,
    pub fine_fen: i64,
    pub confiscation_fen: i64,
    pub by_township: Vec<TownshipCounts>,
    pub by_status: Vec<(String, i64)>,
    pub overdue_list: Vec<OverdueRow>,
}

const CASE_SELECT: &str = "SELECT c.id, c.number, c.township_id, t.name AS township, c.village_id, \
     COALESCE(v.name, '') AS village, c.address, c.lon, c.lat, c.finding, c.problem_kind, c.severity, c.source, \
     c.status, c.decision, c.lead_department_id, COALESCE(d.name, '') AS lead_department, c.responsible_unit, \
     c.responsible_person, c.measures, c.due_on, c.escalated, c.fine_fen, \
     c.confiscation_fen, c.recurrence_of, \
     c.opened_at, c.closed_at \
     FROM case_file c JOIN township t ON t.id = c.township_id \
     LEFT JOIN village v ON v.id = c.village_id LEFT JOIN department d ON d.id = c.lead_department_id WHERE 1 = 1";

/// `('registered', …)`: the statuses core counts as open, for `status IN …`.
pub(crate) fn open_statuses() -> String {
    let codes: Vec<String> = CaseStatus::ALL
        .iter()
        .filter(|s| s.is_open())
        .map(|s| format!("'{}'", s.code()))
        .collect();
    format!("({})", codes.join(", "))
}

/// Whether a stored status code is an open one.
pub(crate) fn is_open_code(code: &str) -> bool {
    CaseStatus::from_code(code).is_some_and(CaseStatus::is_open)
}

/// The row with its days overdue as of `today` (stored rows carry none: it changes daily).
fn as_of(mut row: CaseRow, today: NaiveDate) -> CaseRow {
    if is_open_code(&row.status) {
        row.days_overdue = row
            .due_on
            .as_deref()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .map_or(0, |d| days_overdue(d, today));
    }
    row
}

pub(crate) fn push_filter(sql: &mut Sql, f: &CaseFilter, today: NaiveDate) {
    if let Some(t) = f.township_id {
        sql.push(" AND c.township_id = ").bind_i64(t);
    }
    if let Some(v) = f.village_id {
        sql.push(" AND c.village_id = ").bind_i64(v);
    }
    if let Some(s) = f.status {
        sql.push(" AND c.status = ").bind_text(s.code());
    }
    if let Some(s) = f.source {
        sql.push(" AND c.source = ").bind_text(s.code());
    }
    if let Some(k) = f.problem_kind {
        sql.push(" AND c.problem_kind = ").bind_text(k.code());
    }
    if let Some(s) = f.severity {
        sql.push(" AND c.severity = ").bind_text(s.code());
    }
    if f.open {
        sql.push(" AND c.status IN ").push(&open_statuses());
    }
    if f.overdue {
        sql.push(" AND c.status IN ")
            .push(&open_statuses())
            .push(" AND c.due_on < ")
            .bind_text(today.to_string());
    }
    if let Some(text) = f.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        // LIKE metacharacters in the user's text are matched literally.
        let escaped = text
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let pattern = format!("%{escaped}%");
        sql.push(" AND (c.number LIKE ")
            .bind_text(pattern.clone())
            .push(" ESCAPE '\\' OR c.address LIKE ");
        sql.bind_text(pattern.clone())
            .push(" ESCAPE '\\' OR c.finding LIKE ")
            .bind_text(pattern)
            .push(" ESCAPE '\\')");
    }
}

fn action_payload(action: &CaseAction) -> Result<String> {
    serde_json::to_string(action)
        .map_err(|e| StoreError::Corrupt(format!("cannot encode action: {e}")))
}

impl Store {
    /// Opens a case inside a write transaction and logs `case.opened`.
    pub(crate) async fn open_case_tx(
        &self,
        conn: &mut crate::db::Conn,
        actor: &Actor,
        f: &CaseFields,
        now: DateTime<Utc>,
        recurrence_of: Option<crate::CaseId>,
    ) -> Result<(crate::CaseId, String)> {
        let at = stamp(now);
        let today = local_date(now);
        let year = i64::from(chrono::Datelike::year(&today));
        let county_code: String = crate::db::query("SELECT code FROM county WHERE id = $1")
            .bind(actor.county_id)
            .fetch_scalar(&mut *conn)
            .await?;
        let seq: i64 = crate::db::query(
            "INSERT INTO case_number_counter (county_id, year, last_seq) VALUES ($1, $2, 1) \
             ON CONFLICT (county_id, year) DO UPDATE SET last_seq = case_number_counter.last_seq + 1 RETURNING last_seq",
        )
        .bind(actor.county_id)
        .bind(year)
        .fetch_scalar(&mut *conn)
        .await?;
        let number = format!("{county_code}-{year}-{seq:06}");
        let lead: Option<i64> = crate::db::query(
            "SELECT department_id FROM routing_rule WHERE county_id = $1 AND problem_kind = $2",
        )
        .bind(actor.county_id)
        .bind(f.problem_kind.code())
        .fetch_optional_scalar(&mut *conn)
        .await?;
        let verify_by = self.policy().verify_by(today);
        let state = CaseState::opened(verify_by);
        let state_json =
            serde_json::to_string(&state).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let id: crate::CaseId = crate::db::query(
            "INSERT INTO case_file (county_id, number, township_id, village_id, address, lon, lat, finding, problem_kind, severity, \
             source, lead_department_id, status, due_on, state_json, recurrence_of, opened_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) RETURNING id",
        )
        .bind(actor.county_id)
        .bind(number.clone())
        .bind(f.township_id)
        .bind(f.village_id)
        .bind(f.address.clone())
        .bind(f.lon)
        .bind(f.lat)
        .bind(f.finding.clone())
        .bind(f.problem_kind.code())
        .bind(f.severity.code())
        .bind(f.source.code())
        .bind(lead)
        .bind(state.status.code())
        .bind(verify_by.to_string())
        .bind(state_json)
        .bind(recurrence_of)
        .bind(at.clone())
        .fetch_scalar(&mut *conn)
        .await?;
        append(
            conn,
            NewEvent {
                at: &at,
                actor: Some(actor.user_id),
                county_id: actor.county_id,
                case_id: Some(id),
                clue_id: None,
                kind: "case.opened",
                payload: serde_json::json!({
                    "number": number,
                    "verify_by": verify_by.to_string(),
                    "problem_kind": f.problem_kind.code(),
                    "severity": f.severity.code(),
                    "township_id": f.township_id,
                    "village_id": f.village_id,
                    "lead_department_id": lead,
                    "recurrence_of": recurrence_of,
                })
                .to_string(),
                attachments: &[],
            },
        )
        .await?;
        Ok((id, number))
    }

    /// A page of the ledger within the actor's scope, and the total that matched.
    ///
    /// # Errors
    /// On database failure.
    pub async fn list_cases(
        &self,
        actor: &Actor,
        f: &CaseFilter,
        today: NaiveDate,
        page: u32,
        per_page: u32,
    ) -> Result<(Vec<CaseRow>, i64)> {
        let mut count = Sql::new("SELECT COUNT(*) AS n FROM case_file c WHERE 1 = 1");
        actor.push_case_scope(&mut count);
        push_filter(&mut count, f, today);
        let total: i64 = count.query().fetch_scalar(self.pool()).await?;

        let mut sql = Sql::new(CASE_SELECT);
        actor.push_case_scope(&mut sql);
        push_filter(&mut sql, f, today);
        let per_page = i64::from(per_page.clamp(1, 100_000));
        let offset = i64::from(page.max(1) - 1) * per_page;
        sql.push(" ORDER BY c.id DESC LIMIT ")
            .bind_i64(per_page)
            .push(" OFFSET ")
            .bind_i64(offset);
        let rows: Vec<CaseRow> = sql.query().fetch_all_as(self.pool()).await?;
        let cases = rows.into_iter().map(|r| as_of(r, today)).collect();
        Ok((cases, total))
    }

    /// Where each of these cases of the county lies (those without a position are left
    /// out): the points of a county-wide paper such as the monthly bulletin's map.
    ///
    /// # Errors
    /// On database failure.
    pub async fn case_positions(
        &self,
        county_id: i64,
        ids: &[i64],
    ) -> Result<Vec<(i64, f64, f64)>> {
        let mut out = Vec::new();
        for chunk in ids.chunks(500) {
            let mut sql = Sql::new(
                "SELECT id, lon, lat FROM case_file WHERE lon IS NOT NULL AND lat IS NOT NULL AND county_id = ",
            );
            sql.bind_i64(county_id).push(" AND id IN (");
            for (i, id) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                sql.bind_i64(*id);
            }
            sql.push(")");
            let rows: Vec<(i64, f64, f64)> = sql.query().fetch_all_as(self.pool()).await?;
            out.extend(rows);
        }
        Ok(out)
    }

    /// Every open case in the actor's scope, the earliest due first.
    pub(crate) async fn open_cases(&self, actor: &Actor, today: NaiveDate) -> Result<Vec<CaseRow>> {
        let mut sql = Sql::new(CASE_SELECT);
        actor.push_case_scope(&mut sql);
        sql.push(" AND c.status IN ")
            .push(&open_statuses())
            .push(" ORDER BY c.due_on, c.id");
        let rows: Vec<CaseRow> = sql.query().fetch_all_as(self.pool()).await?;
        Ok(rows.into_iter().map(|r| as_of(r, today)).collect())
    }

    pub(crate) async fn scoped_case(
        &self,
        actor: &Actor,
        id: crate::CaseId,
        today: NaiveDate,
    ) -> Result<CaseRow> {
        let mut sql = Sql::new(CASE_SELECT);
        sql.push(" AND c.id = ").bind_i64(id.0);
        actor.push_case_scope(&mut sql);
        let row = sql
            .query()
            .fetch_optional_as(self.pool())
            .await?
            .ok_or_else(|| StoreError::not_found("case", id))?;
        Ok(as_of(row, today))
    }

    /// Finds a case id by its human number, within scope.
    ///
    /// # Errors
    /// `NotFound` when absent or out of scope.
    pub async fn case_id_by_number(&self, actor: &Actor, number: &str) -> Result<crate::CaseId> {
        let mut sql = Sql::new("SELECT c.id FROM case_file c WHERE c.number = ");
        sql.bind_text(number);
        actor.push_case_scope(&mut sql);
        sql.query()
            .fetch_optional_scalar(self.pool())
            .await?
            .ok_or_else(|| StoreError::not_found("case", number))
    }

    /// A case with its state, clues, timeline and look-backs, if the actor may see it.
    ///
    /// # Errors
    /// `NotFound` when absent or out of scope.
    pub async fn case_detail(
        &self,
        actor: &Actor,
        id: crate::CaseId,
        today: NaiveDate,
    ) -> Result<CaseDetail> {
        let case = self.scoped_case(actor, id, today).await?;
        let state_json: String = crate::db::query("SELECT state_json FROM case_file WHERE id = $1")
            .bind(id)
            .fetch_scalar(self.pool())
            .await?;
        let state: CaseState = serde_json::from_str(&state_json)
            .map_err(|e| StoreError::Corrupt(format!("case {id} state: {e}")))?;
        let clues = crate::db::query(
            "SELECT id, source, description, address, filed_at, merged, attachments FROM clue WHERE case_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all_as(self.pool())
        .await?;
        let events = crate::db::query(
            "SELECT e.seq, e.at, e.kind, e.payload, e.attachments, COALESCE(u.display_name, '系统') AS actor_name \
             FROM event e LEFT JOIN app_user u ON u.id = e.actor_user_id WHERE e.case_id = $1 ORDER BY e.seq",
        )
        .bind(id)
        .fetch_all_as::<StoredEvent>(self.pool())
        .await?
        .into_iter()
        .map(|e| {
            let code = e.kind.split_once('.').map_or(e.kind.as_str(), |(_, c)| c);
            let code = match e.kind.as_str() {
                "clue.filed" => "clue_filed",
                "clue.merged" => "clue_merged",
                "clue.split" => "clue_split",
                _ => code,
            };
            EventView {
                seq: e.seq,
                at: e.at,
                actor: e.actor_name,
                label_zh: action_label(code, true).to_string(),
                label_en: action_label(code, false).to_string(),
                payload: redact(
                    &e.kind,
                    serde_json::from_str(&e.payload).unwrap_or(serde_json::Value::Null),
                    actor.role,
                ),
                attachments: crate::ledger::events::attachment_list(&e.attachments),
                kind: e.kind,
            }
        })
        .collect();
        let look_backs = crate::db::query(
            "SELECT due_on, done_at FROM look_back WHERE case_id = $1 ORDER BY due_on",
        )
        .bind(id)
        .fetch_all_as(self.pool())
        .await?;
        Ok(CaseDetail {
            case,
            state,
            clues,
            events,
            look_backs,
        })
    }

    /// Takes one step on a case: checks role and scope, applies the state machine, writes
    /// the new state and its event in one transaction.
    ///
    /// # Errors
    /// `NotFound` out of scope; `Refused` when the rules say no; `Invalid` attachments.
    pub async fn apply_action(
        &self,
        actor: &Actor,
        case_id: crate::CaseId,
        action: &CaseAction,
        attachments: &[String],
        now: DateTime<Utc>,
    ) -> Result<CaseRow> {
        let today = local_date(now);
        // Visibility first, so a case outside scope reads as absent, not as forbidden.
        self.scoped_case(actor, case_id, today).await?;
        if !may_act(actor.role, action) {
            return Err(Refusal::Forbidden {
                action: action.code(),
            }
            .into());
        }
        if let Some((field, n)) = action.too_long() {
            return Err(StoreError::invalid(
                "text",
                format!(
                    "'{field}' has {n} characters; at most {} / “{field}”超过{}字",
                    minewatch_core::ledger::case::MAX_TEXT_CHARS,
                    minewatch_core::ledger::case::MAX_TEXT_CHARS
                ),
            ));
        }
        self.check_attachments(attachments).await?;
        self.apply_in_tx(
            Some(actor.user_id),
            actor.county_id,
            case_id,
            action,
            attachments,
            now,
        )
        .await?;
        self.scoped_case(actor, case_id, today).await
    }

    async fn apply_in_tx(
        &self,
        actor_id: Option<crate::UserId>,
        county_id: i64,
        case_id: crate::CaseId,
        action: &CaseAction,
        attachments: &[String],
        now: DateTime<Utc>,
    ) -> Result<CaseState> {
        let at = stamp(now);
        let today = local_date(now);
        let mut tx = self.begin_write(&at).await?;
        let state_json: String =
            crate::db::query("SELECT state_json FROM case_file WHERE id = $1 AND county_id = $2")
                .bind(case_id)
                .bind(county_id)
                .fetch_optional_scalar(&mut *tx)
                .await?
                .ok_or_else(|| StoreError::not_found("case", case_id))?;
        let state: CaseState = serde_json::from_str(&state_json)
            .map_err(|e| StoreError::Corrupt(format!("case {case_id} state: {e}")))?;
        let next = state.apply(action, today)?;
        let next_json =
            serde_json::to_string(&next).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let closed_at = (next.status == CaseStatus::Closed && state.status != CaseStatus::Closed)
            .then(|| at.clone());
        crate::db::query(
            "UPDATE case_file SET status = $1, decision = $2, due_on = $3, escalated = $4, fine_fen = $5, confiscation_fen = $6, \
             state_json = $7, updated_at = $8, closed_at = COALESCE($9, closed_at) WHERE id = $10",
        )
        .bind(next.status.code())
        .bind(next.decision.map(minewatch_core::Decision::code))
        .bind(next.deadline.map(|d| d.to_string()))
        .bind(next.escalated)
        .bind(next.fine_fen)
        .bind(next.confiscation_fen)
        .bind(next_json)
        .bind(at.clone())
        .bind(closed_at.clone())
        .bind(case_id)
        .execute(&mut *tx)
        .await?;
        if let CaseAction::Decide {
            measures,
            responsible_unit,
            responsible_person,
            ..
        } = action
        {
            crate::db::query("UPDATE case_file SET measures = $1, responsible_unit = $2, responsible_person = $3 WHERE id = $4")
                .bind(measures.trim().to_string())
                .bind(responsible_unit.trim().to_string())
                .bind(responsible_person.trim().to_string())
                .bind(case_id)
                .execute(&mut *tx)
                .await?;
        }
        append(
            &mut tx,
            NewEvent {
                at: &at,
                actor: actor_id,
                county_id,
                case_id: Some(case_id),
                clue_id: None,
                kind: &format!("action.{}", action.code()),
                payload: action_payload(action)?,
                attachments,
            },
        )
        .await?;
        crate::hooks::after_step(
            &mut tx,
            &crate::hooks::Step {
                store: self,
                county_id,
                case_id,
                action,
                closed: closed_at.is_some(),
                now,
                at: &at,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(next)
    }

    /// Escalates every open case whose deadline passed (R13), once per deadline, as the
    /// system. Returns how many were escalated.
    ///
    /// # Errors
    /// On database failure.
    pub async fn escalate_overdue(&self, now: DateTime<Utc>) -> Result<usize> {
        let today = local_date(now);
        let policy = self.policy();
        let cutoff = today - chrono::Duration::days(policy.escalate_after_days);
        let rows = crate::db::query(format!(
            "SELECT id, county_id, due_on FROM case_file WHERE status IN {} AND escalated = FALSE AND due_on < $1 ORDER BY id",
            open_statuses()
        ))
        .bind(cutoff.to_string())
        .fetch_all_as::<(crate::CaseId, i64, String)>(self.pool())
        .await?;
        let mut n = 0;
        for (id, county, due) in rows {
            let action = CaseAction::Escalate {
                reason: format!("deadline {due} passed; escalated to the county office"),
            };
            match self.apply_in_tx(None, county, id, &action, &[], now).await {
                Ok(_) => n += 1,
                // Another server escalated it meanwhile: nothing to do.
                Err(StoreError::Refused(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(n)
    }

    /// Counts by township and status, totals and the overdue list, within scope.
    ///
    /// # Errors
    /// On database failure.
    pub async fn dashboard(&self, actor: &Actor, today: NaiveDate) -> Result<Dashboard> {
        let mut sql = Sql::new(
            "SELECT c.township_id, t.name AS township_name, c.status, COUNT(*) AS n, \
             CAST(SUM(c.fine_fen) AS BIGINT) AS fines, CAST(SUM(c.confiscation_fen) AS BIGINT) AS confiscations, \
             CAST(SUM(CASE WHEN c.status IN ",
        );
        sql.push(&open_statuses())
            .push(" AND c.due_on < ")
            .bind_text(today.to_string());
        sql.push(
            " THEN 1 ELSE 0 END) AS BIGINT) AS overdue FROM case_file c JOIN township t ON t.id = c.township_id WHERE 1 = 1",
        );
        actor.push_case_scope(&mut sql);
        sql.push(" GROUP BY c.township_id, t.name, c.status ORDER BY c.township_id");
        let rows: Vec<StatusCount> = sql.query().fetch_all_as(self.pool()).await?;
        let mut d = Dashboard {
            total: 0,
            open: 0,
            overdue: 0,
            closed: 0,
            fine_fen: 0,
            confiscation_fen: 0,
            by_township: Vec::new(),
            by_status: CaseStatus::ALL
                .iter()
                .map(|s| (s.code().to_string(), 0))
                .collect(),
            overdue_list: Vec::new(),
        };
        for r in rows {
            let (tid, status, n) = (r.township_id, r.status, r.n);
            let overdue = r.overdue.unwrap_or(0);
            d.fine_fen += r.fines.unwrap_or(0);
            d.confiscation_fen += r.confiscations.unwrap_or(0);
            let open = is_open_code(&status);
            d.total += n;
            d.overdue += overdue;
            if open {
                d.open += n;
            } else if status == "closed" {
                d.closed += n;
            }
            if let Some(entry) = d.by_status.iter_mut().find(|(s, _)| *s == status) {
                entry.1 += n;
            }
            if d.by_township.last().is_none_or(|t| t.township_id != tid) {
                d.by_township.push(TownshipCounts {
                    township_id: tid,
                    township: r.township_name,
                    by_status: Vec::new(),
                    open: 0,
                    overdue: 0,
                });
            }
            if let Some(t) = d.by_township.last_mut() {
                t.by_status.push((status, n));
                if open {
                    t.open += n;
                }
                t.overdue += overdue;
            }
        }
        let filter = CaseFilter {
            overdue: true,
            ..CaseFilter::default()
        };
        let mut sql = Sql::new(CASE_SELECT);
        actor.push_case_scope(&mut sql);
        push_filter(&mut sql, &filter, today);
        sql.push(" ORDER BY c.due_on, c.id LIMIT 50");
        for r in sql.query().fetch_all_as::<CaseRow>(self.pool()).await? {
            let c = as_of(r, today);
            d.overdue_list.push(OverdueRow {
                id: c.id,
                number: c.number,
                township: c.township,
                status: c.status,
                due_on: c.due_on.unwrap_or_default(),
                days_overdue: c.days_overdue,
                escalated: c.escalated,
            });
        }
        Ok(d)
    }
}

/// What of a tipster a case's viewer may read in its timeline: whether they left a name
/// and why the reward officer looked them up are for the reward officer and the
/// inspectors only (R4). The stored, hash-chained record keeps everything.
fn redact(
    kind: &str,
    mut payload: serde_json::Value,
    role: minewatch_core::Role,
) -> serde_json::Value {
    if minewatch_core::rights::may(role, minewatch_core::rights::Right::ReadReporter) {
        return payload;
    }
    if let Some(o) = payload.as_object_mut() {
        match kind {
            "tip.identity_viewed" => {
                o.remove("purpose");
            }
            "tip.received" => {
                o.remove("identity_given");
            }
            _ => {}
        }
    }
    payload
}
