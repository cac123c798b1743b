//! 黑名单 and 联合惩戒 (R24): the county office lists a firm, person or vehicle for founded
//! cases; each department records the measure it applies; the office lifts an entry with
//! its reason; and one check answers, for one subject, whether it is listed in force — the
//! call a checkpoint or a screen taking an application makes, which never shows the list.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use minewatch_core::blacklist::{
    SubjectKind, identifier_fault, in_force, masked, normalize, normalize_name,
};
use minewatch_core::clock::local_date;
use minewatch_core::ledger::case::{MAX_NAME_CHARS, MAX_TEXT_CHARS};
use minewatch_core::rights::{Right, may};
use minewatch_core::{CaseStatus, Role, Scope};
use serde::{Deserialize, Serialize};

use crate::ledger::events::{log, stamp};
use crate::{Actor, Result, Store, StoreError};

/// A subject to list, as the office enters it.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewListing {
    pub kind: SubjectKind,
    pub name: String,
    /// 统一社会信用代码, 身份证号 or plate, as written; may be empty for firms and persons.
    #[serde(default)]
    pub identifier: String,
    pub reason: String,
    /// The numbers of the cases that put the subject on the list (one at least, founded).
    pub cases: Vec<String>,
    /// The end of the term; none for "until lifted".
    #[serde(default)]
    pub valid_until: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ListedCase {
    pub id: i64,
    pub number: String,
    pub township: String,
}

/// One department's measure on a listed subject.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PunishmentRow {
    pub department: String,
    pub measure: String,
    pub applied_on: NaiveDate,
    pub applied_by: String,
}

/// An entry of the list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ListingRow {
    pub id: i64,
    pub kind: SubjectKind,
    pub name: String,
    /// In its compared form; an ID card number masked for readers who need not read it whole.
    pub identifier: String,
    pub reason: String,
    pub listed_on: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub listed_by: String,
    pub in_force: bool,
    pub lifted_on: Option<NaiveDate>,
    pub lift_reason: String,
    pub cases: Vec<ListedCase>,
    pub measures: Vec<PunishmentRow>,
}

#[derive(sqlx::FromRow)]
struct Stored {
    id: i64,
    subject_kind: String,
    name: String,
    identifier: String,
    reason: String,
    listed_on: String,
    valid_until: Option<String>,
    listed_by: String,
    lifted_on: Option<String>,
    lift_reason: String,
}

fn day(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// An entry's id, kind, name, valid_until and lifted_on.
type Term = (i64, String, String, Option<String>, Option<String>);

/// The entries' columns, up to the county's value, which the caller binds.
const ENTRY_SELECT: &str = "SELECT b.id, b.subject_kind, b.name, b.identifier, b.reason, b.listed_on, b.valid_until, \
     COALESCE(u.display_name, '') AS listed_by, b.lifted_on, b.lift_reason \
     FROM blacklist_entry b LEFT JOIN app_user u ON u.id = b.listed_by WHERE b.county_id = ";

impl Store {
    /// Puts a subject on the list for its cases. Logged as `blacklist.listed`.
    ///
    /// # Errors
    /// `Forbidden` unless the county office; `Invalid` naming the field: a missing name or
    /// reason, an identifier not of its kind, no case, a case not in the county or not
    /// founded, a term already over, or the subject listed in force already.
    pub async fn list_on_blacklist(
        &self,
        actor: &Actor,
        l: &NewListing,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        if !may(actor.role, Right::ManageBlacklist) {
            return Err(StoreError::Forbidden(Right::ManageBlacklist.refusal()));
        }
        let today = local_date(now);
        let name = crate::error::required_text("name", &l.name, MAX_NAME_CHARS)?;
        let reason = crate::error::required_text("reason", &l.reason, MAX_TEXT_CHARS)?;
        let identifier = normalize(&l.identifier);
        if let Some(fault) = identifier_fault(l.kind, &identifier) {
            return Err(StoreError::invalid("identifier", fault));
        }
        if l.valid_until.is_some_and(|v| v < today) {
            return Err(StoreError::invalid(
                "valid_until",
                "the term is over already",
            ));
        }
        let numbers: Vec<String> = l
            .cases
            .iter()
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty())
            .collect();
        if numbers.is_empty() {
            return Err(StoreError::invalid(
                "cases",
                "name the case (its number) that puts the subject on the list",
            ));
        }
        let mut case_ids = Vec::new();
        for n in &numbers {
            let row: Option<(i64, String)> = crate::db::query(
                "SELECT id, status FROM case_file WHERE county_id = $1 AND number = $2",
            )
            .bind(actor.county_id)
            .bind(n.as_str())
            .fetch_optional_as(self.pool())
            .await?;
            match row.map(|(id, status)| (id, CaseStatus::from_code(&status))) {
                None => {
                    return Err(StoreError::invalid(
                        "cases",
                        format!("no case {n} in the county"),
                    ));
                }
                Some((_, None | Some(CaseStatus::Registered | CaseStatus::Unfounded))) => {
                    return Err(StoreError::invalid(
                        "cases",
                        format!(
                            "case {n} is not founded: only a verified case puts anyone on the list"
                        ),
                    ));
                }
                Some((id, _)) => {
                    if !case_ids.contains(&id) {
                        case_ids.push(id);
                    }
                }
            }
        }
        let same = self
            .listings_matching(actor.county_id, l.kind, &identifier, &name, today)
            .await?;
        if let Some(id) = same.first() {
            return Err(StoreError::invalid(
                "identifier",
                format!("already on the list, in force (entry {id})"),
            ));
        }
        let at = stamp(now);
        let mut tx = self.begin_write(at.as_str()).await?;
        let id: i64 = crate::db::query(
            "INSERT INTO blacklist_entry (county_id, subject_kind, name, identifier, reason, listed_on, valid_until, listed_by, listed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(actor.county_id)
        .bind(l.kind.code())
        .bind(name.as_str())
        .bind(identifier.as_str())
        .bind(reason.as_str())
        .bind(today.to_string())
        .bind(l.valid_until.map(|v| v.to_string()))
        .bind(actor.user_id)
        .bind(&at)
        .fetch_scalar(&mut *tx)
        .await?;
        for case_id in &case_ids {
            crate::db::query("INSERT INTO blacklist_case (entry_id, case_id) VALUES ($1, $2)")
                .bind(id)
                .bind(*case_id)
                .execute(&mut *tx)
                .await?;
        }
        log(&mut tx, actor, at.as_str(), "blacklist.listed", &serde_json::json!({
            "id": id, "kind": l.kind.code(), "name": name, "identifier": identifier,
            "reason": reason, "cases": numbers, "valid_until": l.valid_until.map(|v| v.to_string()),
        }))
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Entries in force on `today` for this subject: by identifier when one is given, else by
    /// name (for firms and persons known by name only).
    async fn listings_matching(
        &self,
        county_id: i64,
        kind: SubjectKind,
        identifier: &str,
        name: &str,
        today: NaiveDate,
    ) -> Result<Vec<i64>> {
        let rows: Vec<(i64, String, Option<String>, Option<String>)> = if identifier.is_empty() {
            crate::db::query(
                "SELECT id, name, valid_until, lifted_on FROM blacklist_entry WHERE county_id = $1 AND subject_kind = $2 AND identifier = ''",
            )
            .bind(county_id)
            .bind(kind.code())
            .fetch_all_as(self.pool())
            .await?
            .into_iter()
            .filter(|(_, n, _, _): &(i64, String, Option<String>, Option<String>)| {
                normalize_name(n) == normalize_name(name)
            })
            .collect()
        } else {
            crate::db::query(
                "SELECT id, name, valid_until, lifted_on FROM blacklist_entry WHERE county_id = $1 AND subject_kind = $2 AND identifier = $3",
            )
            .bind(county_id)
            .bind(kind.code())
            .bind(identifier)
            .fetch_all_as(self.pool())
            .await?
        };
        Ok(rows
            .into_iter()
            .filter(|(_, _, until, lifted)| {
                in_force(
                    lifted.as_deref().and_then(day),
                    until.as_deref().and_then(day),
                    today,
                )
            })
            .map(|(id, ..)| id)
            .collect())
    }

    async fn listing_rows(
        &self,
        actor: &Actor,
        rows: Vec<Stored>,
        today: NaiveDate,
    ) -> Result<Vec<ListingRow>> {
        let ids: Vec<String> = rows.iter().map(|r| r.id.to_string()).collect();
        let mut cases: HashMap<i64, Vec<ListedCase>> = HashMap::new();
        let mut measures: HashMap<i64, Vec<PunishmentRow>> = HashMap::new();
        if !ids.is_empty() {
            let mut sql = crate::sql::Sql::new(
                "SELECT bc.entry_id, c.id, c.number, t.name FROM blacklist_case bc JOIN case_file c ON c.id = bc.case_id \
                 JOIN township t ON t.id = c.township_id WHERE CAST(bc.entry_id AS TEXT) IN ",
            );
            sql.push_in(ids.iter().map(String::as_str))
                .push(" ORDER BY c.id");
            let found: Vec<(i64, i64, String, String)> =
                sql.query().fetch_all_as(self.pool()).await?;
            for (entry, id, number, township) in found {
                cases.entry(entry).or_default().push(ListedCase {
                    id,
                    number,
                    township,
                });
            }
            let mut sql = crate::sql::Sql::new(
                "SELECT m.entry_id, d.name, m.measure, m.applied_on, COALESCE(u.display_name, '') FROM blacklist_measure m \
                 JOIN department d ON d.id = m.department_id LEFT JOIN app_user u ON u.id = m.applied_by \
                 WHERE CAST(m.entry_id AS TEXT) IN ",
            );
            sql.push_in(ids.iter().map(String::as_str))
                .push(" ORDER BY m.id");
            let found: Vec<(i64, String, String, String, String)> =
                sql.query().fetch_all_as(self.pool()).await?;
            for (entry, department, measure, applied_on, applied_by) in found {
                let Some(applied_on) = day(&applied_on) else {
                    continue;
                };
                measures.entry(entry).or_default().push(PunishmentRow {
                    department,
                    measure,
                    applied_on,
                    applied_by,
                });
            }
        }
        // The office and the inspectors read an ID card number whole; others masked.
        let whole = matches!(
            actor.role,
            Role::Admin | Role::CountyOffice | Role::Inspector
        );
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                let kind = SubjectKind::from_code(&r.subject_kind)?;
                let listed_on = day(&r.listed_on)?;
                let valid_until = r.valid_until.as_deref().and_then(day);
                let lifted_on = r.lifted_on.as_deref().and_then(day);
                Some(ListingRow {
                    id: r.id,
                    kind,
                    name: r.name,
                    identifier: if whole {
                        r.identifier
                    } else {
                        masked(kind, &r.identifier)
                    },
                    reason: r.reason,
                    listed_on,
                    valid_until,
                    listed_by: r.listed_by,
                    in_force: in_force(lifted_on, valid_until, today),
                    lifted_on,
                    lift_reason: r.lift_reason,
                    cases: cases.remove(&r.id).unwrap_or_default(),
                    measures: measures.remove(&r.id).unwrap_or_default(),
                })
            })
            .collect())
    }

    /// The entries a case put on the list: (entry id, kind, name, in force), for the case
    /// page of those who read the list.
    ///
    /// # Errors
    /// On database failure.
    pub async fn listings_of_case(
        &self,
        actor: &Actor,
        case_id: i64,
        now: DateTime<Utc>,
    ) -> Result<Vec<(i64, SubjectKind, String, bool)>> {
        if !may(actor.role, Right::ReadBlacklist) {
            return Ok(Vec::new());
        }
        let rows: Vec<Term> = crate::db::query(
            "SELECT b.id, b.subject_kind, b.name, b.valid_until, b.lifted_on FROM blacklist_entry b \
             JOIN blacklist_case bc ON bc.entry_id = b.id WHERE bc.case_id = $1 AND b.county_id = $2 ORDER BY b.id",
        )
        .bind(case_id)
        .bind(actor.county_id)
        .fetch_all_as(self.pool())
        .await?;
        let today = local_date(now);
        Ok(rows
            .into_iter()
            .filter_map(|(id, kind, name, until, lifted)| {
                Some((
                    id,
                    SubjectKind::from_code(&kind)?,
                    name,
                    in_force(
                        lifted.as_deref().and_then(day),
                        until.as_deref().and_then(day),
                        today,
                    ),
                ))
            })
            .collect())
    }

    /// The county's list, newest first, those in force before the lifted and expired.
    ///
    /// # Errors
    /// `Forbidden` for roles that do not read it (a checkpoint checks one subject only).
    pub async fn blacklist(&self, actor: &Actor, now: DateTime<Utc>) -> Result<Vec<ListingRow>> {
        if !may(actor.role, Right::ReadBlacklist) {
            return Err(StoreError::Forbidden(Right::ReadBlacklist.refusal()));
        }
        let mut sql = crate::sql::Sql::new(ENTRY_SELECT);
        sql.bind_i64(actor.county_id).push(" ORDER BY b.id DESC");
        let rows: Vec<Stored> = sql.query().fetch_all_as(self.pool()).await?;
        let mut out = self.listing_rows(actor, rows, local_date(now)).await?;
        out.sort_by_key(|r| !r.in_force);
        Ok(out)
    }

    /// The one check: is this subject listed in force today? Its entries (usually none or
    /// one), with their cases and measures — for this subject only.
    ///
    /// # Errors
    /// `Forbidden` for roles that do not check; `Invalid` with neither identifier nor name,
    /// or a plate not written as one.
    pub async fn check_blacklist(
        &self,
        actor: &Actor,
        kind: SubjectKind,
        identifier: &str,
        name: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<ListingRow>> {
        if !may(actor.role, Right::CheckBlacklist) {
            return Err(StoreError::Forbidden(Right::CheckBlacklist.refusal()));
        }
        let identifier = normalize(identifier);
        if identifier.is_empty() && name.trim().is_empty() {
            return Err(StoreError::invalid(
                "identifier",
                "give the identifier or the name",
            ));
        }
        if let Some(fault) = identifier_fault(kind, &identifier) {
            return Err(StoreError::invalid("identifier", fault));
        }
        let today = local_date(now);
        let mut ids = self
            .listings_matching(actor.county_id, kind, &identifier, name, today)
            .await?;
        // A subject listed by name only is still found when its identifier is given now.
        if !identifier.is_empty() && !name.trim().is_empty() {
            ids.extend(
                self.listings_matching(actor.county_id, kind, "", name, today)
                    .await?,
            );
        }
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let texts: Vec<String> = ids.iter().map(i64::to_string).collect();
        let mut sql = crate::sql::Sql::new(ENTRY_SELECT);
        sql.bind_i64(actor.county_id)
            .push(" AND CAST(b.id AS TEXT) IN ")
            .push_in(texts.iter().map(String::as_str))
            .push(" ORDER BY b.id DESC");
        let rows: Vec<Stored> = sql.query().fetch_all_as(self.pool()).await?;
        self.listing_rows(actor, rows, today).await
    }

    /// A department's measure on a listed subject (联合惩戒). Logged as `blacklist.measure`.
    ///
    /// # Errors
    /// `Forbidden` for roles that do not punish, and for the county office without naming
    /// the department; `NotFound`; `Invalid` when the entry is no longer in force or the
    /// measure is empty.
    pub async fn apply_punishment(
        &self,
        actor: &Actor,
        entry_id: i64,
        department_id: Option<i64>,
        measure: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        if !may(actor.role, Right::ApplyPunishment) {
            return Err(StoreError::Forbidden(Right::ApplyPunishment.refusal()));
        }
        let department = match actor.scope {
            Scope::Department(own) => own,
            _ => department_id.ok_or_else(|| {
                StoreError::invalid("department", "name the department that applies the measure")
            })?,
        };
        if !self
            .departments(actor.county_id)
            .await?
            .iter()
            .any(|d| d.id == department)
        {
            return Err(StoreError::invalid(
                "department",
                "no such department in the county",
            ));
        }
        let measure = crate::error::required_text("measure", measure, MAX_TEXT_CHARS)?;
        let today = local_date(now);
        let row: Option<(Option<String>, Option<String>)> = crate::db::query(
            "SELECT valid_until, lifted_on FROM blacklist_entry WHERE id = $1 AND county_id = $2",
        )
        .bind(entry_id)
        .bind(actor.county_id)
        .fetch_optional_as(self.pool())
        .await?;
        let Some((until, lifted)) = row else {
            return Err(StoreError::not_found("blacklist entry", entry_id));
        };
        if !in_force(
            lifted.as_deref().and_then(day),
            until.as_deref().and_then(day),
            today,
        ) {
            return Err(StoreError::invalid("id", "the entry is no longer in force"));
        }
        let at = stamp(now);
        let mut tx = self.begin_write(at.as_str()).await?;
        crate::db::query(
            "INSERT INTO blacklist_measure (entry_id, department_id, measure, applied_on, applied_by, applied_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(entry_id)
        .bind(department)
        .bind(measure.as_str())
        .bind(today.to_string())
        .bind(actor.user_id)
        .bind(&at)
        .execute(&mut *tx)
        .await?;
        log(
            &mut tx,
            actor,
            at.as_str(),
            "blacklist.measure",
            &serde_json::json!({
                "id": entry_id, "department_id": department, "measure": measure,
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Lifts an entry (信用修复, a decision set aside, …) with its reason. Logged as
    /// `blacklist.lifted`.
    ///
    /// # Errors
    /// `Forbidden` unless the county office; `NotFound`; `Invalid` without a reason or when
    /// lifted already.
    pub async fn lift_blacklist(
        &self,
        actor: &Actor,
        entry_id: i64,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        if !may(actor.role, Right::ManageBlacklist) {
            return Err(StoreError::Forbidden(Right::ManageBlacklist.refusal()));
        }
        let row: Option<Option<String>> = crate::db::query(
            "SELECT lifted_on FROM blacklist_entry WHERE id = $1 AND county_id = $2",
        )
        .bind(entry_id)
        .bind(actor.county_id)
        .fetch_optional_as(self.pool())
        .await?
        .map(|(l,): (Option<String>,)| l);
        let Some(lifted) = row else {
            return Err(StoreError::not_found("blacklist entry", entry_id));
        };
        if lifted.is_some() {
            return Err(StoreError::invalid("id", "lifted already"));
        }
        let reason = crate::error::required_text("reason", reason, MAX_TEXT_CHARS)?;
        let today = local_date(now);
        let at = stamp(now);
        let mut tx = self.begin_write(at.as_str()).await?;
        crate::db::query(
            "UPDATE blacklist_entry SET lifted_on = $1, lifted_by = $2, lift_reason = $3 WHERE id = $4",
        )
        .bind(today.to_string())
        .bind(actor.user_id)
        .bind(reason.as_str())
        .bind(entry_id)
        .execute(&mut *tx)
        .await?;
        log(
            &mut tx,
            actor,
            at.as_str(),
            "blacklist.lifted",
            &serde_json::json!({
                "id": entry_id, "reason": reason,
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
