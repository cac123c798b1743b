//! Organisation registers (R1–R3): county, townships, villages, grids, departments,
//! campaigns and the routing table.

use crate::ledger::events::{NewEvent, append, stamp};
use crate::{Actor, Result, Store, StoreError};
use minewatch_core::ProblemKind;
use minewatch_core::org::DepartmentCode;
use minewatch_core::rights::may_administer_county;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct TownshipRow {
    pub id: i64,
    pub name: String,
    pub kind: String,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct VillageRow {
    pub id: i64,
    pub township_id: i64,
    pub name: String,
    pub kind: String,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct GridRow {
    pub id: i64,
    pub village_id: i64,
    pub name: String,
    pub first_responsible: String,
    pub directly_responsible: String,
    pub village_cadre: String,
    pub contact_phone: String,
}

#[derive(Debug, Clone)]
pub struct NewGrid {
    pub village_id: i64,
    pub name: String,
    pub first_responsible: String,
    pub directly_responsible: String,
    pub village_cadre: String,
    pub contact_phone: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DepartmentRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub duties: Vec<String>,
    pub liaison_name: String,
    pub liaison_phone: String,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct RoutingRow {
    pub problem_kind: String,
    pub department_id: i64,
    pub department_name: String,
}

#[derive(Debug, Clone)]
pub struct NewCampaign {
    pub name: String,
    pub starts_on: String,
    pub ends_on: String,
    /// (name, starts_on, ends_on) of each phase in order.
    pub phases: Vec<(String, String, String)>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CampaignRow {
    pub id: i64,
    pub name: String,
    pub starts_on: String,
    pub ends_on: String,
    pub phases: Vec<(String, String, String)>,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub county_id: i64,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: minewatch_core::Role,
    pub township_id: Option<i64>,
    pub village_id: Option<i64>,
    pub department_id: Option<i64>,
}

async fn insert_returning_id(store: &Store, q: crate::db::Query<'_>) -> Result<i64> {
    Ok(q.fetch_scalar(store.pool()).await?)
}

impl Store {
    /// Creates a county; `code` prefixes its case numbers.
    ///
    /// # Errors
    /// When the code is taken or the database fails.
    pub async fn create_county(&self, code: &str, name: &str) -> Result<i64> {
        insert_returning_id(
            self,
            crate::db::query("INSERT INTO county (code, name) VALUES ($1, $2) RETURNING id")
                .bind(code.to_string())
                .bind(name.to_string()),
        )
        .await
    }

    /// The county's id by its code.
    ///
    /// # Errors
    /// `NotFound` when there is none.
    pub async fn county_by_code(&self, code: &str) -> Result<(i64, String)> {
        let row = crate::db::query("SELECT id, name FROM county WHERE code = $1")
            .bind(code.to_string())
            .fetch_optional_as(self.pool())
            .await?
            .ok_or_else(|| StoreError::not_found("county", code))?;
        Ok(row)
    }

    /// The county's code and name.
    ///
    /// # Errors
    /// `NotFound` when there is none.
    pub async fn county(&self, id: i64) -> Result<(String, String)> {
        let row = crate::db::query("SELECT code, name FROM county WHERE id = $1")
            .bind(id)
            .fetch_optional_as(self.pool())
            .await?
            .ok_or_else(|| StoreError::not_found("county", id))?;
        Ok(row)
    }

    /// # Errors
    /// On a duplicate name or database failure.
    pub async fn create_township(&self, county_id: i64, name: &str, kind: &str) -> Result<i64> {
        insert_returning_id(
            self,
            crate::db::query(
                "INSERT INTO township (county_id, name, kind) VALUES ($1, $2, $3) RETURNING id",
            )
            .bind(county_id)
            .bind(name.to_string())
            .bind(kind.to_string()),
        )
        .await
    }

    /// # Errors
    /// On a duplicate name or database failure.
    pub async fn create_village(&self, township_id: i64, name: &str, kind: &str) -> Result<i64> {
        insert_returning_id(
            self,
            crate::db::query(
                "INSERT INTO village (township_id, name, kind) VALUES ($1, $2, $3) RETURNING id",
            )
            .bind(township_id)
            .bind(name.to_string())
            .bind(kind.to_string()),
        )
        .await
    }

    /// # Errors
    /// On database failure.
    pub async fn create_grid(&self, g: &NewGrid) -> Result<i64> {
        insert_returning_id(
            self,
            crate::db::query(
                "INSERT INTO grid (village_id, name, first_responsible, directly_responsible, village_cadre, contact_phone) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(g.village_id)
            .bind(g.name.clone())
            .bind(g.first_responsible.clone())
            .bind(g.directly_responsible.clone())
            .bind(g.village_cadre.clone())
            .bind(g.contact_phone.clone()),
        )
        .await
    }

    /// # Errors
    /// On a duplicate code or database failure.
    pub async fn create_department(
        &self,
        county_id: i64,
        code: DepartmentCode,
        liaison: (&str, &str),
    ) -> Result<i64> {
        insert_returning_id(
            self,
            crate::db::query(
                "INSERT INTO department (county_id, code, name, duties, liaison_name, liaison_phone) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(county_id)
            .bind(code.code())
            .bind(code.default_name())
            .bind(code.default_duties().join("\n"))
            .bind(liaison.0.to_string())
            .bind(liaison.1.to_string()),
        )
        .await
    }

    /// Sets every problem kind's lead department to the seeds' default. Departments must
    /// exist already.
    ///
    /// # Errors
    /// When a default department is missing.
    pub async fn install_default_routing(&self, county_id: i64) -> Result<()> {
        let departments = self.departments(county_id).await?;
        let mut tx = self.pool().begin().await?;
        for &kind in ProblemKind::ALL {
            let code = kind.default_lead().code();
            let dept = departments.iter().find(|d| d.code == code).ok_or_else(|| {
                StoreError::invalid("department", format!("no department '{code}' for routing"))
            })?;
            crate::db::query("INSERT INTO routing_rule (county_id, problem_kind, department_id) VALUES ($1, $2, $3)")
                .bind(county_id)
                .bind(kind.code())
                .bind(dept.id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Re-routes one problem kind (R3). County office only; recorded in the event log.
    ///
    /// # Errors
    /// `Forbidden` for other roles; `Invalid` for an unknown kind or department.
    pub async fn set_routing(
        &self,
        actor: &Actor,
        kind: ProblemKind,
        department_id: i64,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<()> {
        if !may_administer_county(actor.role) {
            return Err(StoreError::Forbidden(
                "only the county office edits routing",
            ));
        }
        let at = stamp(now);
        let mut tx = self.begin_write(&at).await?;
        let known: i64 = crate::db::query(
            "SELECT COUNT(*) AS n FROM department WHERE id = $1 AND county_id = $2",
        )
        .bind(department_id)
        .bind(actor.county_id)
        .fetch_scalar(&mut *tx)
        .await?;
        if known == 0 {
            return Err(StoreError::invalid(
                "department_id",
                format!("no department {department_id} in this county"),
            ));
        }
        crate::db::query("DELETE FROM routing_rule WHERE county_id = $1 AND problem_kind = $2")
            .bind(actor.county_id)
            .bind(kind.code())
            .execute(&mut *tx)
            .await?;
        crate::db::query(
            "INSERT INTO routing_rule (county_id, problem_kind, department_id) VALUES ($1, $2, $3)",
        )
        .bind(actor.county_id)
        .bind(kind.code())
        .bind(department_id)
        .execute(&mut *tx)
        .await?;
        append(
            &mut tx,
            NewEvent {
                at: &at,
                actor: Some(actor.user_id),
                county_id: actor.county_id,
                case_id: None,
                clue_id: None,
                kind: "routing.set",
                payload:
                    serde_json::json!({"problem_kind": kind.code(), "department_id": department_id})
                        .to_string(),
                attachments: &[],
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The routing table of a county.
    ///
    /// # Errors
    /// On database failure.
    pub async fn routing(&self, county_id: i64) -> Result<Vec<RoutingRow>> {
        Ok(crate::db::query(
            "SELECT r.problem_kind, r.department_id, d.name AS department_name \
             FROM routing_rule r JOIN department d ON d.id = r.department_id \
             WHERE r.county_id = $1 ORDER BY r.problem_kind",
        )
        .bind(county_id)
        .fetch_all_as(self.pool())
        .await?)
    }

    /// # Errors
    /// On database failure.
    pub async fn create_campaign(&self, county_id: i64, c: &NewCampaign) -> Result<i64> {
        // The campaign and its phases land together or not at all.
        let mut tx = self.pool().begin().await?;
        let id: i64 = crate::db::query("INSERT INTO campaign (county_id, name, starts_on, ends_on) VALUES ($1, $2, $3, $4) RETURNING id")
            .bind(county_id)
            .bind(c.name.clone())
            .bind(c.starts_on.clone())
            .bind(c.ends_on.clone())
            .fetch_scalar(&mut *tx)
            .await?;
        for (seq, (name, from, to)) in (1i64..).zip(&c.phases) {
            crate::db::query("INSERT INTO campaign_phase (campaign_id, seq, name, starts_on, ends_on) VALUES ($1, $2, $3, $4, $5)")
                .bind(id)
                .bind(seq)
                .bind(name.clone())
                .bind(from.clone())
                .bind(to.clone())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// # Errors
    /// On database failure.
    pub async fn campaigns(&self, county_id: i64) -> Result<Vec<CampaignRow>> {
        #[derive(sqlx::FromRow)]
        struct Line {
            id: i64,
            name: String,
            starts_on: String,
            ends_on: String,
            phase: Option<String>,
            phase_starts_on: Option<String>,
            phase_ends_on: Option<String>,
        }
        let lines: Vec<Line> = crate::db::query(
            "SELECT c.id, c.name, c.starts_on, c.ends_on, p.name AS phase, p.starts_on AS phase_starts_on, \
             p.ends_on AS phase_ends_on FROM campaign c LEFT JOIN campaign_phase p ON p.campaign_id = c.id \
             WHERE c.county_id = $1 ORDER BY c.starts_on, c.id, p.seq",
        )
        .bind(county_id)
        .fetch_all_as(self.pool())
        .await?;
        let mut out: Vec<CampaignRow> = Vec::new();
        for l in lines {
            if out.last().is_none_or(|c| c.id != l.id) {
                out.push(CampaignRow {
                    id: l.id,
                    name: l.name,
                    starts_on: l.starts_on,
                    ends_on: l.ends_on,
                    phases: Vec::new(),
                });
            }
            if let (Some(c), Some(name), Some(from), Some(to)) =
                (out.last_mut(), l.phase, l.phase_starts_on, l.phase_ends_on)
            {
                c.phases.push((name, from, to));
            }
        }
        Ok(out)
    }

    /// # Errors
    /// On database failure.
    pub async fn townships(&self, county_id: i64) -> Result<Vec<TownshipRow>> {
        Ok(
            crate::db::query(
                "SELECT id, name, kind FROM township WHERE county_id = $1 ORDER BY id",
            )
            .bind(county_id)
            .fetch_all_as(self.pool())
            .await?,
        )
    }

    /// Villages of the county, optionally of one township.
    ///
    /// # Errors
    /// On database failure.
    pub async fn villages(
        &self,
        county_id: i64,
        township_id: Option<i64>,
    ) -> Result<Vec<VillageRow>> {
        Ok(crate::db::query(
            "SELECT v.id, v.township_id, v.name, v.kind FROM village v JOIN township t ON t.id = v.township_id \
             WHERE t.county_id = $1 AND ($2 IS NULL OR v.township_id = $2) ORDER BY v.township_id, v.id",
        )
        .bind(county_id)
        .bind(township_id)
        .fetch_all_as(self.pool())
        .await?)
    }

    /// Grids of one village with their named officials.
    ///
    /// # Errors
    /// On database failure.
    pub async fn grids(&self, village_id: i64) -> Result<Vec<GridRow>> {
        let rows: Vec<GridRow> = crate::db::query(
            "SELECT id, village_id, name, first_responsible, directly_responsible, village_cadre, contact_phone \
             FROM grid WHERE village_id = $1 ORDER BY id",
        )
        .bind(village_id)
        .fetch_all_as(self.pool())
        .await?;
        Ok(rows)
    }

    /// # Errors
    /// On database failure.
    pub async fn departments(&self, county_id: i64) -> Result<Vec<DepartmentRow>> {
        #[derive(sqlx::FromRow)]
        struct Stored {
            id: i64,
            code: String,
            name: String,
            duties: String,
            liaison_name: String,
            liaison_phone: String,
        }
        let rows: Vec<Stored> = crate::db::query(
            "SELECT id, code, name, duties, liaison_name, liaison_phone FROM department WHERE county_id = $1 ORDER BY id",
        )
        .bind(county_id)
        .fetch_all_as(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| DepartmentRow {
                id: r.id,
                code: r.code,
                name: r.name,
                duties: r.duties.lines().map(str::to_string).collect(),
                liaison_name: r.liaison_name,
                liaison_phone: r.liaison_phone,
            })
            .collect())
    }
}
