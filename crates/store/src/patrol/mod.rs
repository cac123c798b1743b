//! Patrol (R2, R16–R19, R26): what each unit owes (duty settings and the duty calendar), the
//! grids' daily zero reports, patrol records with their sign-offs, GPS tracks and the
//! coverage of the zones, and the compliance figures. The "should have found" leads they
//! feed are their own capability (`crate::leads`).

pub(crate) mod compliance;
pub(crate) mod coverage;
pub(crate) mod duty;
pub(crate) mod patrols;
pub(crate) mod reports;
pub(crate) mod tracks;

use chrono::{DateTime, NaiveDate, Utc};
use minewatch_core::patrol::duty::DutySettings;
use minewatch_core::rights::may_administer_county;
use minewatch_core::{Role, Scope};
use serde::Serialize;

use crate::ledger::events::{NewEvent, append, stamp};
use crate::{Actor, Result, Store, StoreError};

/// A grid with the village and township it belongs to.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct GridPlace {
    pub grid_id: i64,
    pub grid: String,
    pub village_id: i64,
    pub village: String,
    pub township_id: i64,
    pub township: String,
    pub first_responsible: String,
    pub directly_responsible: String,
    pub village_cadre: String,
}

const GRID_PLACE: &str = "SELECT gr.id AS grid_id, gr.name AS grid, v.id AS village_id, v.name AS village, \
     t.id AS township_id, t.name AS township, gr.first_responsible, gr.directly_responsible, gr.village_cadre \
     FROM grid gr JOIN village v ON v.id = gr.village_id JOIN township t ON t.id = v.township_id \
     WHERE t.county_id = $1";

/// Which part of the county a user answers for on the ground: the county roles all of it,
/// a township or village its own, others nothing.
pub(crate) fn ground_scope(actor: &Actor) -> Option<(Option<i64>, Option<i64>)> {
    match (actor.role, actor.scope) {
        (Role::Admin | Role::CountyOffice | Role::Inspector, _) => Some((None, None)),
        (Role::Township, Scope::Township(t)) => Some((Some(t), None)),
        (Role::Village, Scope::Village(v)) => Some((None, Some(v))),
        _ => None,
    }
}

pub(crate) fn in_scope(actor: &Actor, township_id: i64, village_id: Option<i64>) -> bool {
    match ground_scope(actor) {
        Some((None, None)) => true,
        Some((Some(t), _)) => t == township_id,
        Some((None, Some(v))) => village_id == Some(v),
        None => false,
    }
}

impl Store {
    /// Every grid in the user's part of the county, in roster order.
    ///
    /// # Errors
    /// On database failure.
    pub async fn ground_grids(&self, actor: &Actor) -> Result<Vec<GridPlace>> {
        let Some((t, v)) = ground_scope(actor) else {
            return Ok(Vec::new());
        };
        let rows = crate::db::query(format!(
            "{GRID_PLACE} AND ($2 IS NULL OR t.id = $2) AND ($3 IS NULL OR v.id = $3) ORDER BY t.id, v.id, gr.id"
        ))
        .bind(actor.county_id)
        .bind(t)
        .bind(v)
        .fetch_all_as(self.pool())
        .await?;
        Ok(rows)
    }

    /// The township and village a user belongs to, if any.
    pub(crate) async fn own_place(&self, actor: &Actor) -> Result<(Option<i64>, Option<i64>)> {
        match actor.scope {
            Scope::Township(t) => Ok((Some(t), None)),
            Scope::Village(v) => {
                let t: i64 = crate::db::query("SELECT township_id FROM village WHERE id = $1")
                    .bind(v)
                    .fetch_scalar(self.pool())
                    .await?;
                Ok((Some(t), Some(v)))
            }
            _ => Ok((None, None)),
        }
    }

    pub(crate) async fn grid_place(&self, county_id: i64, grid_id: i64) -> Result<GridPlace> {
        crate::db::query(format!("{GRID_PLACE} AND gr.id = $2"))
            .bind(county_id)
            .bind(grid_id)
            .fetch_optional_as(self.pool())
            .await?
            .ok_or_else(|| StoreError::not_found("grid", grid_id))
    }

    /// The county's duty settings; until the office saves its own, the seeds' defaults
    /// with reports owed from the start of the first campaign (or from `today`).
    ///
    /// # Errors
    /// On database failure or a corrupt stored row.
    pub async fn duty_settings(&self, county_id: i64, today: NaiveDate) -> Result<DutySettings> {
        let mut conn = self.pool().acquire().await?;
        duty_settings_in(&mut conn, county_id, today).await
    }

    /// Saves the county's duty settings (county office only), logged as an event.
    ///
    /// # Errors
    /// `Forbidden` for other roles; `Invalid` naming the bad setting.
    pub async fn set_duty_settings(
        &self,
        actor: &Actor,
        settings: &DutySettings,
        now: DateTime<Utc>,
    ) -> Result<()> {
        if !may_administer_county(actor.role) {
            return Err(StoreError::Forbidden(
                "only the county office sets patrol duty",
            ));
        }
        settings
            .check()
            .map_err(|(field, reason)| StoreError::invalid(field, reason))?;
        let cycles = serde_json::to_string(&settings.cycles)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let at = stamp(now);
        let mut tx = self.begin_write(&at).await?;
        crate::db::query("DELETE FROM duty_setting WHERE county_id = $1")
            .bind(actor.county_id)
            .execute(&mut *tx)
            .await?;
        crate::db::query(
            "INSERT INTO duty_setting (county_id, cycles, reports_from, escalate_after, coverage_m, lookback_days, near_m, updated_by, updated_at, proxy_signing) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(actor.county_id)
        .bind(cycles)
        .bind(settings.reports_from.to_string())
        .bind(i64::from(settings.escalate_after))
        .bind(settings.coverage_m)
        .bind(i64::from(settings.lookback_days))
        .bind(settings.near_m)
        .bind(actor.user_id)
        .bind(at.clone())
        .bind(settings.proxy_signing)
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
                kind: "duty.settings",
                payload: serde_json::to_string(settings)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                attachments: &[],
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

pub(crate) async fn duty_settings_in(
    conn: &mut crate::db::Conn,
    county_id: i64,
    today: NaiveDate,
) -> Result<DutySettings> {
    let row = crate::db::query(
        "SELECT cycles, reports_from, escalate_after, coverage_m, lookback_days, near_m, proxy_signing FROM duty_setting WHERE county_id = $1",
    )
    .bind(county_id)
    .fetch_optional_as::<StoredDuty>(&mut *conn)
    .await?;
    let Some(r) = row else {
        let first: Option<String> =
            crate::db::query("SELECT MIN(starts_on) AS d FROM campaign WHERE county_id = $1")
                .bind(county_id)
                .fetch_scalar(&mut *conn)
                .await?;
        let from = first
            .and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
            .unwrap_or(today);
        return Ok(DutySettings::starting(from));
    };
    let corrupt = |what: &str| StoreError::Corrupt(format!("duty_setting {county_id}: {what}"));
    Ok(DutySettings {
        cycles: serde_json::from_str(&r.cycles).map_err(|_| corrupt("cycles"))?,
        reports_from: NaiveDate::parse_from_str(&r.reports_from, "%Y-%m-%d")
            .map_err(|_| corrupt("reports_from"))?,
        escalate_after: u32::try_from(r.escalate_after).map_err(|_| corrupt("escalate_after"))?,
        coverage_m: r.coverage_m,
        lookback_days: u32::try_from(r.lookback_days).map_err(|_| corrupt("lookback_days"))?,
        near_m: r.near_m,
        proxy_signing: r.proxy_signing,
    })
}

/// A county's duty settings as stored.
#[derive(sqlx::FromRow)]
struct StoredDuty {
    cycles: String,
    reports_from: String,
    escalate_after: i64,
    coverage_m: f64,
    lookback_days: i64,
    near_m: f64,
    proxy_signing: bool,
}

pub(crate) fn parse_day(field: &'static str, text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| StoreError::invalid(field, format!("'{text}' is not a date (YYYY-MM-DD)")))
}
