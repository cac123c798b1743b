//! 八个一批 (R25): the eight tallies per township for a period, five read from the ledger
//! (each listing the cases it counts) and three from the register of campaign results, which
//! townships keep for themselves and the county office for the county.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use minewatch_core::clock::{local_date, local_day_start};
use minewatch_core::dispatch::CountedCase;
use minewatch_core::ledger::case::MAX_TEXT_CHARS;
use minewatch_core::rights::{Right, may};
use minewatch_core::scoreboard::{
    CountedRecord, ScoreLine, Scoreboard, Tally, TallyCount, concerns_a_firm,
};
use minewatch_core::{Decision, ProblemKind, Role, Scope};
use serde::{Deserialize, Serialize};

use crate::ledger::events::{log, stamp};
use crate::{Actor, Result, Stamp, Store, StoreError};

/// An entry of the register, as the page lists it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct CampaignResultRow {
    pub id: i64,
    /// `typical_cases`, `models` or `rules`.
    pub tally: String,
    pub township_id: Option<i64>,
    /// The township's name; empty for the county's own.
    pub township: String,
    pub title: String,
    pub happened_on: String,
    pub reference: String,
    pub case_id: Option<i64>,
    pub note: String,
    pub recorded_by: String,
    pub recorded_at: Stamp,
    pub withdrawn_reason: Option<String>,
}

/// A new entry of the register.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewCampaignResult {
    /// `typical_cases`, `models` or `rules`.
    pub tally: String,
    /// The township it belongs to; none for the county's own (the county office only).
    /// A township's entries are always its own.
    #[serde(default)]
    pub township_id: Option<i64>,
    pub title: String,
    /// The day it happened: published, promoted, issued.
    pub happened_on: Option<NaiveDate>,
    /// 文号, newspaper and date, or a link.
    #[serde(default)]
    pub reference: String,
    /// For a typical case, the case of the ledger it exposes.
    #[serde(default)]
    pub case_id: Option<i64>,
    #[serde(default)]
    pub note: String,
}

/// `[from, to]` in local days, as moments: from the first day's start to the next day's after
/// the last.
fn moments(from: NaiveDate, to: NaiveDate) -> (Stamp, Stamp) {
    (
        Stamp::at(local_day_start(from)),
        Stamp::at(local_day_start(to + Duration::days(1))),
    )
}

type Found = BTreeMap<i64, BTreeMap<i64, String>>;

fn add(found: &mut Found, rows: Vec<(i64, i64, String)>) {
    for (township, id, number) in rows {
        found.entry(township).or_default().insert(id, number);
    }
}

impl Store {
    async fn cases_with_events(
        &self,
        county_id: i64,
        kinds: &[&str],
        from: &Stamp,
        to: &Stamp,
    ) -> Result<Vec<(i64, i64, String, String, String)>> {
        let list: Vec<String> = kinds.iter().map(|k| format!("'{k}'")).collect();
        // Event times stay text on both engines (the chain hashes them as written).
        Ok(crate::db::query(format!(
            "SELECT c.township_id, c.id, c.number, c.problem_kind, e.payload FROM event e \
             JOIN case_file c ON c.id = e.case_id WHERE c.county_id = $1 AND e.kind IN ({}) \
             AND e.at >= $2 AND e.at < $3 ORDER BY e.seq",
            list.join(", ")
        ))
        .bind(county_id)
        .bind(from.as_str())
        .bind(to.as_str())
        .fetch_all_as(self.pool())
        .await?)
    }

    /// The scoreboard of `[from, to]` (local days): one line per township in the reader's
    /// sight, and for county readers a last line of the county's own register entries.
    ///
    /// # Errors
    /// `Forbidden` for roles that do not read it; `Invalid` when `to` is before `from`.
    pub async fn scoreboard(
        &self,
        actor: &Actor,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Scoreboard> {
        if !may(actor.role, Right::ReadScoreboard) {
            return Err(StoreError::Forbidden(Right::ReadScoreboard.refusal()));
        }
        if to < from {
            return Err(StoreError::invalid(
                "to",
                "the period ends before it begins",
            ));
        }
        let (start, end) = moments(from, to);
        let county = actor.county_id;
        let mut found: BTreeMap<Tally, Found> = BTreeMap::new();

        let key: Vec<(i64, i64, String)> = crate::db::query(
            "SELECT township_id, id, number FROM case_file WHERE county_id = $1 AND severity = 'key' \
             AND status = 'closed' AND closed_at >= $2 AND closed_at < $3",
        )
        .bind(county)
        .bind(&start)
        .bind(&end)
        .fetch_all_as(self.pool())
        .await?;
        add(found.entry(Tally::KeyHazards).or_default(), key);

        let struck = self
            .cases_with_events(
                county,
                &["action.penalty", "action.seize", "action.transfer_police"],
                &start,
                &end,
            )
            .await?;
        add(
            found.entry(Tally::IllegalActs).or_default(),
            struck
                .into_iter()
                .map(|(t, id, n, _, _)| (t, id, n))
                .collect(),
        );

        let decided = self
            .cases_with_events(county, &["action.decide", "action.penalty"], &start, &end)
            .await?;
        let mut firms = Vec::new();
        let mut closures = Vec::new();
        for (t, id, number, kind, payload) in decided {
            if ProblemKind::from_code(&kind).is_some_and(concerns_a_firm) {
                firms.push((t, id, number.clone()));
            }
            let decision = serde_json::from_str::<serde_json::Value>(&payload)
                .ok()
                .and_then(|v| v["decision"].as_str().and_then(Decision::from_code));
            if matches!(decision, Some(Decision::CloseDown | Decision::Ban)) {
                closures.push((t, id, number));
            }
        }
        add(found.entry(Tally::Firms).or_default(), firms);
        add(found.entry(Tally::Closures).or_default(), closures);

        let held: Vec<(i64, i64, String)> = crate::db::query(
            "SELECT c.township_id, c.id, c.number FROM accountability_lead l JOIN case_file c ON c.id = l.case_id \
             WHERE c.county_id = $1 AND l.conclusion = 'accountable' AND l.concluded_at >= $2 AND l.concluded_at < $3",
        )
        .bind(county)
        .bind(&start)
        .bind(&end)
        .fetch_all_as(self.pool())
        .await?;
        let transferred = self
            .cases_with_events(county, &["action.transfer_discipline"], &start, &end)
            .await?;
        let units = found.entry(Tally::UnitsHeld).or_default();
        add(units, held);
        add(
            units,
            transferred
                .into_iter()
                .map(|(t, id, n, _, _)| (t, id, n))
                .collect(),
        );

        let records: Vec<(String, Option<i64>, i64, String, String)> = crate::db::query(
            "SELECT tally, township_id, id, title, happened_on FROM campaign_result \
             WHERE county_id = $1 AND withdrawn_at IS NULL AND happened_on >= $2 AND happened_on <= $3 \
             ORDER BY happened_on, id",
        )
        .bind(county)
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all_as(self.pool())
        .await?;
        let mut registered: BTreeMap<(Option<i64>, Tally), Vec<CountedRecord>> = BTreeMap::new();
        for (tally, township, id, title, on) in records {
            let (Some(tally), Ok(on)) = (
                Tally::from_code(&tally),
                NaiveDate::parse_from_str(&on, "%Y-%m-%d"),
            ) else {
                continue;
            };
            registered
                .entry((township, tally))
                .or_default()
                .push(CountedRecord { id, title, on });
        }

        let line = |township_id: Option<i64>, name: String| ScoreLine {
            township_id,
            name,
            tallies: Tally::ALL
                .iter()
                .map(|&tally| TallyCount {
                    tally,
                    cases: township_id
                        .and_then(|t| found.get(&tally).and_then(|f| f.get(&t)))
                        .map(|cases| {
                            cases
                                .iter()
                                .map(|(id, number)| CountedCase {
                                    id: *id,
                                    number: number.clone(),
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                    records: registered
                        .get(&(township_id, tally))
                        .cloned()
                        .unwrap_or_default(),
                })
                .collect(),
        };
        let mut lines: Vec<ScoreLine> = self
            .townships(county)
            .await?
            .into_iter()
            .filter(|t| actor.role != Role::Township || actor.scope == Scope::Township(t.id))
            .map(|t| line(Some(t.id), t.name))
            .collect();
        if actor.role != Role::Township {
            let (_, name) = self.county(county).await?;
            lines.push(line(None, format!("{name}（县级）")));
        }
        Ok(Scoreboard { from, to, lines })
    }

    /// The register's entries dated within `[from, to]` in the reader's sight, withdrawn ones
    /// included (marked), newest first.
    ///
    /// # Errors
    /// `Forbidden` for roles that do not read the scoreboard.
    pub async fn campaign_results(
        &self,
        actor: &Actor,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<CampaignResultRow>> {
        if !may(actor.role, Right::ReadScoreboard) {
            return Err(StoreError::Forbidden(Right::ReadScoreboard.refusal()));
        }
        let own = match actor.scope {
            Scope::Township(t) if actor.role == Role::Township => Some(t),
            _ => None,
        };
        Ok(crate::db::query(
            "SELECT r.id, r.tally, r.township_id, COALESCE(t.name, '') AS township, r.title, r.happened_on, \
             r.reference, r.case_id, r.note, u.display_name AS recorded_by, r.recorded_at, r.withdrawn_reason \
             FROM campaign_result r LEFT JOIN township t ON t.id = r.township_id JOIN app_user u ON u.id = r.recorded_by \
             WHERE r.county_id = $1 AND r.happened_on >= $2 AND r.happened_on <= $3 \
             AND ($4 = 0 OR r.township_id = $4) ORDER BY r.happened_on DESC, r.id DESC",
        )
        .bind(actor.county_id)
        .bind(from.to_string())
        .bind(to.to_string())
        .bind(own.unwrap_or(0))
        .fetch_all_as(self.pool())
        .await?)
    }

    /// Enters a campaign result; logged as `scoreboard.result`.
    ///
    /// # Errors
    /// `Forbidden` for roles that do not enter results, or a township entering another's or
    /// the county's; `Invalid` naming the field at fault; `NotFound` for a case out of sight.
    pub async fn record_campaign_result(
        &self,
        actor: &Actor,
        r: &NewCampaignResult,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        if !may(actor.role, Right::RecordCampaignResult) {
            return Err(StoreError::Forbidden(Right::RecordCampaignResult.refusal()));
        }
        let tally = Tally::from_code(r.tally.trim())
            .filter(|t| t.registered())
            .ok_or_else(|| {
                StoreError::invalid(
                    "tally",
                    "the register takes typical_cases, models or rules; the other tallies come from the ledger",
                )
            })?;
        let township = if actor.role == Role::Township {
            let Scope::Township(own) = actor.scope else {
                return Err(StoreError::Forbidden(Right::RecordCampaignResult.refusal()));
            };
            if r.township_id.is_some_and(|t| t != own) {
                return Err(StoreError::Forbidden(
                    "a township enters its own results only",
                ));
            }
            Some(own)
        } else {
            r.township_id
        };
        if let Some(t) = township
            && !self
                .townships(actor.county_id)
                .await?
                .iter()
                .any(|x| x.id == t)
        {
            return Err(StoreError::invalid(
                "township",
                "no such township in this county",
            ));
        }
        let title = r.title.trim();
        if title.is_empty() {
            return Err(StoreError::invalid("title", "say what it is"));
        }
        for (field, text) in [
            ("title", title),
            ("reference", r.reference.trim()),
            ("note", r.note.trim()),
        ] {
            if text.chars().count() > MAX_TEXT_CHARS {
                return Err(StoreError::invalid(
                    field,
                    format!("at most {MAX_TEXT_CHARS} characters"),
                ));
            }
        }
        let on = r
            .happened_on
            .ok_or_else(|| StoreError::invalid("happened_on", "give the day it happened"))?;
        if on > local_date(now) {
            return Err(StoreError::invalid(
                "happened_on",
                "the day has not come yet",
            ));
        }
        if let Some(case) = r.case_id {
            let visible = self
                .scoped_case(actor, crate::CaseId(case), local_date(now))
                .await?;
            if township.is_some_and(|t| t != visible.township_id) {
                return Err(StoreError::invalid(
                    "case_id",
                    "the case belongs to another township",
                ));
            }
        }
        let at = stamp(now);
        let mut tx = self.begin_write(at.as_str()).await?;
        let id: i64 = crate::db::query(
            "INSERT INTO campaign_result (county_id, tally, township_id, title, happened_on, reference, case_id, note, recorded_by, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(actor.county_id)
        .bind(tally.code())
        .bind(township)
        .bind(title)
        .bind(on.to_string())
        .bind(r.reference.trim())
        .bind(r.case_id)
        .bind(r.note.trim())
        .bind(actor.user_id)
        .bind(&at)
        .fetch_scalar(&mut *tx)
        .await?;
        // The case's own chain folds its state from its actions: the entry names the case in
        // its payload only.
        log(
            &mut tx,
            actor,
            at.as_str(),
            "scoreboard.result",
            &serde_json::json!({
                "id": id, "tally": tally.code(), "township_id": township, "title": title,
                "case_id": r.case_id,
                "happened_on": on.to_string(), "reference": r.reference.trim(),
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Withdraws an entry entered in error; it stays in the register, marked, with the
    /// reason, and counts no more. Logged as `scoreboard.withdrawn`.
    ///
    /// # Errors
    /// `Forbidden` as for entering; `NotFound` for an entry out of sight; `Invalid` without
    /// a reason or when already withdrawn.
    pub async fn withdraw_campaign_result(
        &self,
        actor: &Actor,
        id: i64,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        if !may(actor.role, Right::RecordCampaignResult) {
            return Err(StoreError::Forbidden(Right::RecordCampaignResult.refusal()));
        }
        let row: Option<(Option<i64>, Option<String>)> = crate::db::query(
            "SELECT township_id, withdrawn_reason FROM campaign_result WHERE id = $1 AND county_id = $2",
        )
        .bind(id)
        .bind(actor.county_id)
        .fetch_optional_as(self.pool())
        .await?;
        let Some((township, withdrawn)) = row else {
            return Err(StoreError::not_found("campaign result", id));
        };
        if actor.role == Role::Township && township.map(Scope::Township) != Some(actor.scope) {
            return Err(StoreError::not_found("campaign result", id));
        }
        if withdrawn.is_some() {
            return Err(StoreError::invalid("id", "already withdrawn"));
        }
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(StoreError::invalid("reason", "say why it is withdrawn"));
        }
        let at = stamp(now);
        let mut tx = self.begin_write(at.as_str()).await?;
        crate::db::query(
            "UPDATE campaign_result SET withdrawn_reason = $1, withdrawn_at = $2 WHERE id = $3",
        )
        .bind(reason)
        .bind(&at)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        log(
            &mut tx,
            actor,
            at.as_str(),
            "scoreboard.withdrawn",
            &serde_json::json!({"id": id, "reason": reason}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
