//! Confiscated products (R15): lots sealed on a case, priced by the pricing office within two
//! working days, disposed of through the public-resources trading platform; and the county's
//! fines, confiscations and proceeds totalled by township and by month.

use chrono::{DateTime, NaiveDate, Utc};
use minewatch_core::clock::local_date;
use minewatch_core::ledger::case::MAX_NAME_CHARS;
use minewatch_core::rights::{Right, may, may_act};
use minewatch_core::seizure::{LotStanding, PRICING_WORKING_DAYS, parse_quantity};
use minewatch_core::{CaseAction, Role, Scope};
use serde::{Deserialize, Serialize};

use crate::ledger::events::{log, stamp};
use crate::{Actor, CaseId, Result, Stamp, Store, StoreError};

/// A lot as entered when sealed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewLot {
    pub case_id: i64,
    /// 矿种: 砂石, 煤, 铁矿石 …
    pub mineral: String,
    /// As written, up to three decimals: "120.5".
    pub quantity: String,
    /// 吨, 立方米 …
    pub unit: String,
    /// 封存地点.
    pub place: String,
    pub sealed_on: Option<NaiveDate>,
}

/// A lot, as the lists show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LotRow {
    pub id: i64,
    pub case_id: i64,
    pub case_number: String,
    pub township_id: i64,
    pub township: String,
    pub mineral: String,
    pub quantity_milli: i64,
    pub unit: String,
    pub place: String,
    pub sealed_on: NaiveDate,
    pub price_due_on: NaiveDate,
    pub price_fen: Option<i64>,
    pub price_document: String,
    pub priced_on: Option<NaiveDate>,
    pub platform_lot: String,
    pub disposed_on: Option<NaiveDate>,
    pub proceeds_fen: Option<i64>,
    pub standing: LotStanding,
}

/// The county's money three ways: by township, by department (the one that imposed the
/// penalty; the case's lead department where the county office recorded it; proceeds by the
/// case's lead department) and by month.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct MoneyTotals {
    pub by_township: Vec<MoneyLine>,
    pub by_department: Vec<MoneyLine>,
    pub by_month: Vec<MoneyLine>,
}

/// Fines, confiscations and proceeds of one township, department or month.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct MoneyLine {
    /// The township's name, or the month as 2026-05.
    pub name: String,
    pub fine_fen: i64,
    pub confiscation_fen: i64,
    pub proceeds_fen: i64,
}

fn day(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

#[derive(sqlx::FromRow)]
struct Stored {
    id: i64,
    case_id: i64,
    number: String,
    township_id: i64,
    township: String,
    mineral: String,
    quantity_milli: i64,
    unit: String,
    place: String,
    sealed_on: String,
    price_due_on: String,
    price_fen: Option<i64>,
    price_document: String,
    priced_on: Option<String>,
    platform_lot: String,
    disposed_on: Option<String>,
    proceeds_fen: Option<i64>,
}

impl Store {
    /// Is the actor the pricing office (价格认定 is the development-and-reform office's)?
    async fn is_pricing_office(&self, actor: &Actor) -> Result<bool> {
        let Scope::Department(id) = actor.scope else {
            return Ok(false);
        };
        let code: Option<String> =
            crate::db::query("SELECT code FROM department WHERE id = $1 AND county_id = $2")
                .bind(id)
                .bind(actor.county_id)
                .fetch_optional_scalar(self.pool())
                .await?;
        Ok(code.as_deref() == Some("pricing"))
    }

    /// May the actor determine prices (the pricing office among departments)?
    ///
    /// # Errors
    /// On database failure.
    pub async fn may_price_lots(&self, actor: &Actor) -> Result<bool> {
        Ok(may(actor.role, Right::PriceSeizure)
            && (actor.role != Role::Department || self.is_pricing_office(actor).await?))
    }

    /// Seals a lot on a case the actor may seize on; its price falls due two working days on.
    /// Logged as `seizure.sealed`.
    ///
    /// # Errors
    /// `Forbidden` for roles that do not seize; `NotFound` for a case out of sight; `Invalid`
    /// naming the field at fault.
    pub async fn record_lot(&self, actor: &Actor, lot: &NewLot, now: DateTime<Utc>) -> Result<i64> {
        let probe = CaseAction::Seize {
            items: String::new(),
            note: String::new(),
        };
        if !may_act(actor.role, &probe) {
            return Err(StoreError::Forbidden(
                "only those who seize on a case seal its products",
            ));
        }
        let today = local_date(now);
        let case = self.scoped_case(actor, CaseId(lot.case_id), today).await?;
        for (field, text) in [
            ("mineral", &lot.mineral),
            ("unit", &lot.unit),
            ("place", &lot.place),
        ] {
            if text.trim().is_empty() {
                return Err(StoreError::invalid(field, "required"));
            }
            if text.chars().count() > MAX_NAME_CHARS {
                return Err(StoreError::invalid(
                    field,
                    format!("at most {MAX_NAME_CHARS} characters"),
                ));
            }
        }
        let quantity = parse_quantity(&lot.quantity).ok_or_else(|| {
            StoreError::invalid(
                "quantity",
                "a positive number with at most three decimals, as 120.5",
            )
        })?;
        let sealed_on = lot
            .sealed_on
            .ok_or_else(|| StoreError::invalid("sealed_on", "give the day it was sealed"))?;
        if sealed_on > today {
            return Err(StoreError::invalid("sealed_on", "the day has not come yet"));
        }
        let due = self
            .work_calendar(actor.county_id)
            .await?
            .add_working_days(sealed_on, PRICING_WORKING_DAYS);
        let at = stamp(now);
        let mut tx = self.begin_write(at.as_str()).await?;
        let id: i64 = crate::db::query(
            "INSERT INTO seized_lot (county_id, case_id, mineral, quantity_milli, unit, place, sealed_on, price_due_on, recorded_by, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(actor.county_id)
        .bind(case.id.0)
        .bind(lot.mineral.trim())
        .bind(quantity)
        .bind(lot.unit.trim())
        .bind(lot.place.trim())
        .bind(sealed_on.to_string())
        .bind(due.to_string())
        .bind(actor.user_id)
        .bind(&at)
        .fetch_scalar(&mut *tx)
        .await?;
        log(&mut tx, actor, at.as_str(), "seizure.sealed", &serde_json::json!({
            "id": id, "case_id": case.id.0, "mineral": lot.mineral.trim(), "quantity_milli": quantity,
            "unit": lot.unit.trim(), "sealed_on": sealed_on.to_string(), "price_due_on": due.to_string(),
        }))
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The lots in the reader's sight (the pricing office and the county see all), newest first.
    ///
    /// # Errors
    /// On database failure.
    pub async fn lots(&self, actor: &Actor, now: DateTime<Utc>) -> Result<Vec<LotRow>> {
        let today = local_date(now);
        let everyone = matches!(
            actor.role,
            Role::Admin | Role::CountyOffice | Role::Inspector
        ) || self.is_pricing_office(actor).await?;
        let mut sql = crate::sql::Sql::new(
            "SELECT l.id, c.id AS case_id, c.number, c.township_id, t.name AS township, l.mineral, l.quantity_milli, l.unit, l.place, \
             l.sealed_on, l.price_due_on, l.price_fen, l.price_document, l.priced_on, l.platform_lot, l.disposed_on, \
             l.proceeds_fen FROM seized_lot l JOIN case_file c ON c.id = l.case_id JOIN township t ON t.id = c.township_id \
             WHERE 1 = 1",
        );
        if everyone {
            sql.push(" AND c.county_id = ").bind_i64(actor.county_id);
        } else {
            actor.push_case_scope(&mut sql);
        }
        sql.push(" ORDER BY l.id DESC");
        let rows: Vec<Stored> = sql.query().fetch_all_as(self.pool()).await?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                let sealed_on = day(&r.sealed_on)?;
                let price_due_on = day(&r.price_due_on)?;
                let priced_on = r.priced_on.as_deref().and_then(day);
                let disposed_on = r.disposed_on.as_deref().and_then(day);
                Some(LotRow {
                    id: r.id,
                    case_id: r.case_id,
                    case_number: r.number,
                    township_id: r.township_id,
                    township: r.township,
                    mineral: r.mineral,
                    quantity_milli: r.quantity_milli,
                    unit: r.unit,
                    place: r.place,
                    sealed_on,
                    price_due_on,
                    price_fen: r.price_fen,
                    price_document: r.price_document,
                    priced_on,
                    platform_lot: r.platform_lot,
                    disposed_on,
                    proceeds_fen: r.proceeds_fen,
                    standing: LotStanding::of(
                        price_due_on,
                        priced_on.is_some(),
                        disposed_on.is_some(),
                        today,
                    ),
                })
            })
            .collect())
    }

    /// The pricing office's determination: the lot's value and the document. Logged as
    /// `seizure.priced`, with whether it came late.
    ///
    /// # Errors
    /// `Forbidden` for anyone but the pricing office and the county office; `NotFound`;
    /// `Invalid` when priced already or without a document number or a positive value.
    pub async fn price_lot(
        &self,
        actor: &Actor,
        id: i64,
        price_fen: i64,
        document: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        if !self.may_price_lots(actor).await? {
            return Err(StoreError::Forbidden(Right::PriceSeizure.refusal()));
        }
        let row: Option<(String, Option<String>)> = crate::db::query(
            "SELECT price_due_on, priced_on FROM seized_lot WHERE id = $1 AND county_id = $2",
        )
        .bind(id)
        .bind(actor.county_id)
        .fetch_optional_as(self.pool())
        .await?;
        let Some((due, priced)) = row else {
            return Err(StoreError::not_found("seized lot", id));
        };
        if priced.is_some() {
            return Err(StoreError::invalid("id", "already priced"));
        }
        if price_fen <= 0 {
            return Err(StoreError::invalid("price_fen", "a positive value in fen"));
        }
        if document.trim().is_empty() {
            return Err(StoreError::invalid(
                "document",
                "the determination's document number",
            ));
        }
        let today = local_date(now);
        let at = stamp(now);
        let mut tx = self.begin_write(at.as_str()).await?;
        crate::db::query(
            "UPDATE seized_lot SET price_fen = $1, price_document = $2, priced_on = $3, priced_by = $4 WHERE id = $5",
        )
        .bind(price_fen)
        .bind(document.trim())
        .bind(today.to_string())
        .bind(actor.user_id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        log(
            &mut tx,
            actor,
            at.as_str(),
            "seizure.priced",
            &serde_json::json!({
                "id": id, "price_fen": price_fen, "document": document.trim(),
                "late": today.to_string() > due,
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The lot's sale through the public-resources trading platform. Logged as
    /// `seizure.disposed`.
    ///
    /// # Errors
    /// `Forbidden` unless the county office; `NotFound`; `Invalid` before its price, when
    /// disposed of already, or without the platform's lot number, the day or the proceeds.
    pub async fn dispose_lot(
        &self,
        actor: &Actor,
        id: i64,
        platform_lot: &str,
        disposed_on: Option<NaiveDate>,
        proceeds_fen: i64,
        now: DateTime<Utc>,
    ) -> Result<()> {
        if !may(actor.role, Right::DisposeSeizure) {
            return Err(StoreError::Forbidden(Right::DisposeSeizure.refusal()));
        }
        let row: Option<(Option<String>, Option<String>)> = crate::db::query(
            "SELECT priced_on, disposed_on FROM seized_lot WHERE id = $1 AND county_id = $2",
        )
        .bind(id)
        .bind(actor.county_id)
        .fetch_optional_as(self.pool())
        .await?;
        let Some((priced, disposed)) = row else {
            return Err(StoreError::not_found("seized lot", id));
        };
        if priced.is_none() {
            return Err(StoreError::invalid(
                "id",
                "a lot is priced before it is sold",
            ));
        }
        if disposed.is_some() {
            return Err(StoreError::invalid("id", "already disposed of"));
        }
        if platform_lot.trim().is_empty() {
            return Err(StoreError::invalid(
                "platform_lot",
                "the trading platform's lot number",
            ));
        }
        let on = disposed_on.ok_or_else(|| StoreError::invalid("disposed_on", "give the day"))?;
        if on > local_date(now) {
            return Err(StoreError::invalid(
                "disposed_on",
                "the day has not come yet",
            ));
        }
        if proceeds_fen < 0 {
            return Err(StoreError::invalid("proceeds_fen", "not negative"));
        }
        let at = stamp(now);
        let mut tx = self.begin_write(at.as_str()).await?;
        crate::db::query(
            "UPDATE seized_lot SET platform_lot = $1, disposed_on = $2, proceeds_fen = $3, disposed_by = $4 WHERE id = $5",
        )
        .bind(platform_lot.trim())
        .bind(on.to_string())
        .bind(proceeds_fen)
        .bind(actor.user_id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        log(&mut tx, actor, at.as_str(), "seizure.disposed", &serde_json::json!({
            "id": id, "platform_lot": platform_lot.trim(), "disposed_on": on.to_string(), "proceeds_fen": proceeds_fen,
        }))
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Fines and confiscations (by the day each penalty was recorded) and disposal proceeds,
    /// by township and by month, in the reader's sight.
    ///
    /// # Errors
    /// On database failure.
    pub async fn money_totals(&self, actor: &Actor, now: DateTime<Utc>) -> Result<MoneyTotals> {
        let lots = self.lots(actor, now).await?;
        self.money_totals_with(actor, &lots).await
    }

    /// [`Store::money_totals`] with the reader's lots already read (the page lists them too).
    ///
    /// # Errors
    /// On database failure.
    pub async fn money_totals_with(&self, actor: &Actor, lots: &[LotRow]) -> Result<MoneyTotals> {
        // Unattributed money stays visible under a name of its own.
        const NO_DEPARTMENT: &str = "未指明部门";
        let mut sql = crate::sql::Sql::new(
            "SELECT t.name, e.at, e.payload, COALESCE(ud.name, ld.name, '') FROM event e JOIN case_file c ON c.id = e.case_id \
             JOIN township t ON t.id = c.township_id LEFT JOIN app_user u ON u.id = e.actor_user_id \
             LEFT JOIN department ud ON ud.id = u.department_id LEFT JOIN department ld ON ld.id = c.lead_department_id \
             WHERE e.kind = 'action.penalty'",
        );
        actor.push_case_scope(&mut sql);
        let penalties: Vec<(String, String, String, String)> =
            sql.query().fetch_all_as(self.pool()).await?;
        let mut by_township: Vec<MoneyLine> = Vec::new();
        let mut by_department: Vec<MoneyLine> = Vec::new();
        let mut by_month: Vec<MoneyLine> = Vec::new();
        let bump = |lines: &mut Vec<MoneyLine>, name: &str, f: &dyn Fn(&mut MoneyLine)| {
            if let Some(l) = lines.iter_mut().find(|l| l.name == name) {
                f(l);
            } else {
                let mut l = MoneyLine {
                    name: name.to_string(),
                    ..MoneyLine::default()
                };
                f(&mut l);
                lines.push(l);
            }
        };
        for (township, at, payload, department) in penalties {
            let v: serde_json::Value = serde_json::from_str(&payload).unwrap_or_default();
            let fine = v["fine_fen"].as_i64().unwrap_or(0);
            let conf = v["confiscation_fen"].as_i64().unwrap_or(0);
            let month = Stamp::parse(&at)
                .and_then(|s| s.time())
                .map_or_else(String::new, |t| local_date(t).format("%Y-%m").to_string());
            let add = |l: &mut MoneyLine| {
                l.fine_fen += fine;
                l.confiscation_fen += conf;
            };
            bump(&mut by_township, &township, &add);
            bump(
                &mut by_department,
                if department.is_empty() {
                    NO_DEPARTMENT
                } else {
                    &department
                },
                &add,
            );
            bump(&mut by_month, &month, &add);
        }
        let sold: Vec<&LotRow> = lots.iter().filter(|l| l.proceeds_fen.is_some()).collect();
        let mut lead: std::collections::HashMap<i64, String> = std::collections::HashMap::new();
        if !sold.is_empty() {
            let ids: Vec<String> = sold.iter().map(|l| l.case_id.to_string()).collect();
            let mut sql = crate::sql::Sql::new(
                "SELECT c.id, COALESCE(d.name, '') FROM case_file c LEFT JOIN department d ON d.id = c.lead_department_id \
                 WHERE CAST(c.id AS TEXT) IN ",
            );
            sql.push_in(ids.iter().map(String::as_str));
            let rows: Vec<(i64, String)> = sql.query().fetch_all_as(self.pool()).await?;
            lead.extend(rows);
        }
        for lot in sold {
            if let (Some(p), Some(on)) = (lot.proceeds_fen, lot.disposed_on) {
                let add = |l: &mut MoneyLine| l.proceeds_fen += p;
                bump(&mut by_township, &lot.township, &add);
                let department = lead.get(&lot.case_id).map_or("", String::as_str);
                bump(
                    &mut by_department,
                    if department.is_empty() {
                        NO_DEPARTMENT
                    } else {
                        department
                    },
                    &add,
                );
                bump(&mut by_month, &on.format("%Y-%m").to_string(), &add);
            }
        }
        by_month.sort_by(|a, b| b.name.cmp(&a.name));
        Ok(MoneyTotals {
            by_township,
            by_department,
            by_month,
        })
    }
}
