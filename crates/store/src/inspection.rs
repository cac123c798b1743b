//! 督导检查 (R26): visits to a township, announced or 四不两直, each finding filed as a case
//! of the source 上级督察交办 in the same transaction as the finding's row, so the visit lists
//! exactly the cases it found and the ranking counts them.

use chrono::{DateTime, NaiveDate, Utc};
use minewatch_core::ClueSource;
use minewatch_core::clock::local_date;
use minewatch_core::inspection::InspectionKind;
use minewatch_core::ledger::case::{MAX_NAME_CHARS, MAX_TEXT_CHARS};
use minewatch_core::rights::{Right, may};
use minewatch_core::{CaseStatus, Role, Scope};
use serde::{Deserialize, Serialize};

use crate::ledger::events::{log, stamp};
use crate::{Actor, ClueOutcome, NewClue, Result, Store, StoreError};

/// A visit as recorded after it.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewInspection {
    pub township_id: i64,
    pub kind: InspectionKind,
    pub visited_on: Option<NaiveDate>,
    /// Who went: 督导组 and its members.
    pub team: String,
    /// Where the team went.
    pub places: String,
    /// What it saw, in a few lines.
    pub summary: String,
}

/// A case a visit found.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct InspectionCase {
    pub case_id: i64,
    pub number: String,
    pub finding: String,
    pub status: CaseStatus,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct InspectionRow {
    pub id: i64,
    pub township_id: i64,
    pub township: String,
    pub kind: InspectionKind,
    pub visited_on: NaiveDate,
    pub team: String,
    pub places: String,
    pub summary: String,
    pub recorded_by: String,
    pub findings: Vec<InspectionCase>,
}

#[derive(sqlx::FromRow)]
struct Stored {
    id: i64,
    township_id: i64,
    township: String,
    kind: String,
    visited_on: String,
    team: String,
    places: String,
    summary: String,
    recorded_by: String,
}

impl Store {
    /// Records a visit. Logged as `inspection.recorded`.
    ///
    /// # Errors
    /// `Forbidden` unless the county office or the inspectors; `Invalid` naming the field:
    /// a township not in the county, a day to come, or a team, places or summary missing.
    pub async fn record_inspection(
        &self,
        actor: &Actor,
        v: &NewInspection,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        if !may(actor.role, Right::RecordInspection) {
            return Err(StoreError::Forbidden(Right::RecordInspection.refusal()));
        }
        if !self
            .townships(actor.county_id)
            .await?
            .iter()
            .any(|t| t.id == v.township_id)
        {
            return Err(StoreError::invalid(
                "township",
                "no such township in the county",
            ));
        }
        let today = local_date(now);
        let visited_on = v
            .visited_on
            .ok_or_else(|| StoreError::invalid("visited_on", "give the day of the visit"))?;
        if visited_on > today {
            return Err(StoreError::invalid(
                "visited_on",
                "the day has not come yet",
            ));
        }
        let team = crate::error::required_text("team", &v.team, MAX_NAME_CHARS)?;
        let places = crate::error::required_text("places", &v.places, MAX_TEXT_CHARS)?;
        let summary = crate::error::required_text("summary", &v.summary, MAX_TEXT_CHARS)?;
        let at = stamp(now);
        let mut tx = self.begin_write(at.as_str()).await?;
        let id: i64 = crate::db::query(
            "INSERT INTO inspection (county_id, township_id, kind, visited_on, team, places, summary, recorded_by, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(actor.county_id)
        .bind(v.township_id)
        .bind(v.kind.code())
        .bind(visited_on.to_string())
        .bind(team.as_str())
        .bind(places.as_str())
        .bind(summary.as_str())
        .bind(actor.user_id)
        .bind(&at)
        .fetch_scalar(&mut *tx)
        .await?;
        log(
            &mut tx,
            actor,
            at.as_str(),
            "inspection.recorded",
            &serde_json::json!({
                "id": id, "township_id": v.township_id, "kind": v.kind.code(),
                "visited_on": visited_on.to_string(), "team": team,
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A finding of a visit, filed as a clue of the source 上级督察交办 in the visit's
    /// township (merged into an open case at the place, as any clue). Logged as
    /// `inspection.finding`, and the clue as every clue is.
    ///
    /// # Errors
    /// `Forbidden` unless the county office or the inspectors; `NotFound` for a visit not in
    /// the county; `Invalid` as a clue is refused (no description, no place, a village of
    /// another township).
    pub async fn add_inspection_finding(
        &self,
        actor: &Actor,
        inspection_id: i64,
        clue: &NewClue,
        now: DateTime<Utc>,
    ) -> Result<ClueOutcome> {
        if !may(actor.role, Right::RecordInspection) {
            return Err(StoreError::Forbidden(Right::RecordInspection.refusal()));
        }
        let township: Option<i64> =
            crate::db::query("SELECT township_id FROM inspection WHERE id = $1 AND county_id = $2")
                .bind(inspection_id)
                .bind(actor.county_id)
                .fetch_optional_scalar(self.pool())
                .await?;
        let Some(township_id) = township else {
            return Err(StoreError::not_found("inspection", inspection_id));
        };
        let clue = NewClue {
            source: ClueSource::SuperiorInspection,
            township_id,
            ..clue.clone()
        };
        let point = self.check_clue(actor, &clue).await?;
        let at = stamp(now);
        let mut tx = self.begin_write(at.as_str()).await?;
        let outcome = self
            .file_clue_tx(&mut tx, actor, &clue, point, now, &at)
            .await?;
        crate::db::query(
            "INSERT INTO inspection_finding (inspection_id, clue_id, case_id, recorded_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(inspection_id)
        .bind(outcome.clue_id.0)
        .bind(outcome.case_id.0)
        .bind(&at)
        .execute(&mut *tx)
        .await?;
        log(
            &mut tx,
            actor,
            at.as_str(),
            "inspection.finding",
            &serde_json::json!({
                "id": inspection_id, "clue_id": outcome.clue_id.0, "case": outcome.case_number,
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(outcome)
    }

    /// The visits that found this case: (visit id, day, kind), for the case page of those
    /// who read visits.
    ///
    /// # Errors
    /// On database failure.
    pub async fn inspections_of_case(
        &self,
        actor: &Actor,
        case_id: i64,
    ) -> Result<Vec<(i64, NaiveDate, InspectionKind)>> {
        if !may(actor.role, Right::ReadInspections) {
            return Ok(Vec::new());
        }
        let rows: Vec<(i64, String, String)> = crate::db::query(
            "SELECT DISTINCT i.id, i.visited_on, i.kind FROM inspection i JOIN inspection_finding f ON f.inspection_id = i.id \
             WHERE f.case_id = $1 AND i.county_id = $2 ORDER BY i.id",
        )
        .bind(case_id)
        .bind(actor.county_id)
        .fetch_all_as(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(id, day, kind)| {
                Some((
                    id,
                    NaiveDate::parse_from_str(&day, "%Y-%m-%d").ok()?,
                    InspectionKind::from_code(&kind)?,
                ))
            })
            .collect())
    }

    /// The visits in sight (a township its own), newest first, each with the cases it found
    /// as they stand now.
    ///
    /// # Errors
    /// `Forbidden` for roles that do not read them.
    pub async fn inspections(&self, actor: &Actor) -> Result<Vec<InspectionRow>> {
        if !may(actor.role, Right::ReadInspections) {
            return Err(StoreError::Forbidden(Right::ReadInspections.refusal()));
        }
        let mut sql = crate::sql::Sql::new(
            "SELECT i.id, i.township_id, t.name AS township, i.kind, i.visited_on, i.team, i.places, i.summary, \
             COALESCE(u.display_name, '') AS recorded_by FROM inspection i JOIN township t ON t.id = i.township_id \
             LEFT JOIN app_user u ON u.id = i.recorded_by WHERE i.county_id = ",
        );
        sql.bind_i64(actor.county_id);
        if let (Role::Township, Scope::Township(t)) = (actor.role, actor.scope) {
            sql.push(" AND i.township_id = ").bind_i64(t);
        }
        sql.push(" ORDER BY i.visited_on DESC, i.id DESC");
        let rows: Vec<Stored> = sql.query().fetch_all_as(self.pool()).await?;
        let ids: Vec<String> = rows.iter().map(|r| r.id.to_string()).collect();
        let mut found: std::collections::HashMap<i64, Vec<InspectionCase>> =
            std::collections::HashMap::new();
        if !ids.is_empty() {
            let mut sql = crate::sql::Sql::new(
                "SELECT f.inspection_id, c.id, c.number, c.finding, c.status FROM inspection_finding f \
                 JOIN case_file c ON c.id = f.case_id WHERE CAST(f.inspection_id AS TEXT) IN ",
            );
            sql.push_in(ids.iter().map(String::as_str))
                .push(" ORDER BY f.id");
            let cases: Vec<(i64, i64, String, String, String)> =
                sql.query().fetch_all_as(self.pool()).await?;
            for (inspection, case_id, number, finding, status) in cases {
                let Some(status) = CaseStatus::from_code(&status) else {
                    continue;
                };
                let list = found.entry(inspection).or_default();
                // Two findings merged into one case list it once.
                if !list.iter().any(|c| c.case_id == case_id) {
                    list.push(InspectionCase {
                        case_id,
                        number,
                        finding,
                        status,
                    });
                }
            }
        }
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                Some(InspectionRow {
                    id: r.id,
                    township_id: r.township_id,
                    township: r.township,
                    kind: InspectionKind::from_code(&r.kind)?,
                    visited_on: NaiveDate::parse_from_str(&r.visited_on, "%Y-%m-%d").ok()?,
                    team: r.team,
                    places: r.places,
                    summary: r.summary,
                    recorded_by: r.recorded_by,
                    findings: found.remove(&r.id).unwrap_or_default(),
                })
            })
            .collect())
    }
}
