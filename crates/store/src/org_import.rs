//! Setting up a real county: its departments and routing, and its townships, villages and
//! grids from the office's own roster, in one transaction.

use crate::ledger::events::{NewEvent, append, stamp};
use crate::{Result, Store, StoreError};
use chrono::{DateTime, Utc};
use minewatch_core::org::DepartmentCode;
use serde::Serialize;

/// One line of a grid roster: where the grid lies and who answers for it (R2).
#[derive(Debug, Clone, Default)]
pub struct OrgRow {
    /// Line in the source file, for messages.
    pub line: usize,
    pub township: String,
    pub village: String,
    /// Empty: the village's own grid, named after it.
    pub grid: String,
    pub first_responsible: String,
    pub directly_responsible: String,
    pub village_cadre: String,
    pub contact_phone: String,
}

/// What an import added or updated.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct OrgImportSummary {
    pub townships_added: usize,
    pub villages_added: usize,
    pub grids_added: usize,
    pub grids_updated: usize,
}

use minewatch_core::ledger::case::MAX_NAME_CHARS;

fn check_name(row: &OrgRow, field: &'static str, value: &str, required: bool) -> Result<()> {
    let n = value.trim().chars().count();
    if required && n == 0 {
        return Err(StoreError::InvalidRow {
            line: row.line,
            field,
            reason: "must not be empty".into(),
        });
    }
    if n > MAX_NAME_CHARS {
        return Err(StoreError::InvalidRow {
            line: row.line,
            field,
            reason: format!("longer than {MAX_NAME_CHARS} characters"),
        });
    }
    Ok(())
}

/// Streets (街道) and communities (社区) are named so; everything else is a township or village.
fn township_kind(name: &str) -> &'static str {
    if name.ends_with("街道") {
        "street"
    } else {
        "township"
    }
}

fn village_kind(name: &str) -> &'static str {
    if name.ends_with("社区") {
        "community"
    } else {
        "village"
    }
}

async fn find_or_insert(
    conn: &mut crate::db::Conn,
    select: &str,
    insert: &str,
    parent: i64,
    name: &str,
    kind: &str,
) -> Result<(i64, bool)> {
    if let Some(row) = crate::db::query(select)
        .bind(parent)
        .bind(name.to_string())
        .fetch_optional_scalar(&mut *conn)
        .await?
    {
        return Ok((row, false));
    }
    let id = crate::db::query(insert)
        .bind(parent)
        .bind(name.to_string())
        .bind(kind.to_string())
        .fetch_scalar(&mut *conn)
        .await?;
    Ok((id, true))
}

impl Store {
    /// Creates a county with the seeds' member departments (names and duty lists) and the
    /// default routing. `liaison` gives each department's liaison person and phone.
    ///
    /// # Errors
    /// When the code is taken or the database fails.
    pub async fn init_county(
        &self,
        code: &str,
        name: &str,
        mut liaison: impl FnMut(DepartmentCode) -> (String, String),
    ) -> Result<i64> {
        if code.trim().is_empty() || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(StoreError::invalid(
                "code",
                "letters and digits only, e.g. QL",
            ));
        }
        if name.trim().is_empty() {
            return Err(StoreError::invalid("name", "must not be empty"));
        }
        if code.len() > 16 {
            return Err(StoreError::invalid("code", "at most 16 letters and digits"));
        }
        crate::error::check_names(&[("name", name)])?;
        if self.county_by_code(code).await.is_ok() {
            return Err(StoreError::invalid(
                "code",
                format!("county '{code}' exists already"),
            ));
        }
        let county_id = self.create_county(code, name.trim()).await?;
        for dept in DepartmentCode::ALL {
            let (person, phone) = liaison(dept);
            self.create_department(county_id, dept, (&person, &phone))
                .await?;
        }
        self.install_default_routing(county_id).await?;
        Ok(county_id)
    }

    /// Adds the townships, villages and grids of a roster; grids already there get their
    /// officials updated. Checks every row first; writes all or nothing.
    ///
    /// # Errors
    /// `InvalidRow` naming the line and field; nothing is then stored.
    pub async fn import_org(
        &self,
        county_id: i64,
        rows: &[OrgRow],
        actor_user_id: Option<crate::UserId>,
        now: DateTime<Utc>,
    ) -> Result<OrgImportSummary> {
        for row in rows {
            check_name(row, "township", &row.township, true)?;
            check_name(row, "village", &row.village, true)?;
            for (field, value) in [
                ("grid", &row.grid),
                ("first_responsible", &row.first_responsible),
                ("directly_responsible", &row.directly_responsible),
                ("village_cadre", &row.village_cadre),
                ("contact_phone", &row.contact_phone),
            ] {
                check_name(row, field, value, false)?;
            }
        }
        let at = stamp(now);
        let mut tx = self.begin_write(&at).await?;
        let mut summary = OrgImportSummary::default();
        for row in rows {
            let (township_id, new_t) = find_or_insert(
                &mut tx,
                "SELECT id FROM township WHERE county_id = $1 AND name = $2",
                "INSERT INTO township (county_id, name, kind) VALUES ($1, $2, $3) RETURNING id",
                county_id,
                row.township.trim(),
                township_kind(row.township.trim()),
            )
            .await?;
            let (village_id, new_v) = find_or_insert(
                &mut tx,
                "SELECT id FROM village WHERE township_id = $1 AND name = $2",
                "INSERT INTO village (township_id, name, kind) VALUES ($1, $2, $3) RETURNING id",
                township_id,
                row.village.trim(),
                village_kind(row.village.trim()),
            )
            .await?;
            summary.townships_added += usize::from(new_t);
            summary.villages_added += usize::from(new_v);
            let grid = if row.grid.trim().is_empty() {
                format!("{}网格", row.village.trim())
            } else {
                row.grid.trim().to_string()
            };
            let existing =
                crate::db::query("SELECT id FROM grid WHERE village_id = $1 AND name = $2")
                    .bind(village_id)
                    .bind(grid.clone())
                    .fetch_optional_scalar::<i64>(&mut *tx)
                    .await?;
            let officials = [
                row.first_responsible.trim(),
                row.directly_responsible.trim(),
                row.village_cadre.trim(),
                row.contact_phone.trim(),
            ];
            if let Some(id) = existing {
                crate::db::query("UPDATE grid SET first_responsible = $1, directly_responsible = $2, village_cadre = $3, contact_phone = $4 WHERE id = $5")
                    .bind(officials[0].to_string())
                    .bind(officials[1].to_string())
                    .bind(officials[2].to_string())
                    .bind(officials[3].to_string())
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                summary.grids_updated += 1;
            } else {
                crate::db::query(
                    "INSERT INTO grid (village_id, name, first_responsible, directly_responsible, village_cadre, contact_phone) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(village_id)
                .bind(grid)
                .bind(officials[0].to_string())
                .bind(officials[1].to_string())
                .bind(officials[2].to_string())
                .bind(officials[3].to_string())
                .execute(&mut *tx)
                .await?;
                summary.grids_added += 1;
            }
        }
        append(
            &mut tx,
            NewEvent {
                at: &at,
                actor: actor_user_id,
                county_id,
                case_id: None,
                clue_id: None,
                kind: "org.import",
                payload: serde_json::to_string(&summary)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                attachments: &[],
            },
        )
        .await?;
        tx.commit().await?;
        Ok(summary)
    }
}
