//! 月通报 (R25): the county's monthly ranking of its townships, counted from the ledger by
//! the published formula. Until issued, the bulletin is the ledger's as it stands (the county
//! office alone reads it); issuing freezes every count with the cases it counted, the scores
//! and the formula, and writes their digest into the hash-chained log, so a case changed
//! afterwards changes next month's bulletin and never the issued one.

use chrono::{DateTime, NaiveDate, Utc};
use minewatch_core::bulletin::{BulletinFigures, ItemCount, Month, RankItem, RankingFormula, rank};
use minewatch_core::clock::{local_date, local_day_start};
use minewatch_core::dispatch::CountedCase;
use minewatch_core::rights::{Right, may};
use minewatch_core::{Role, Scope};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::db::Conn;
use crate::ledger::cases::open_statuses;
use crate::ledger::events::{log, stamp};
use crate::{Actor, Result, Stamp, Store, StoreError};

/// The formula in force, and who set it (none: the default a new county starts with).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FormulaRow {
    pub formula: RankingFormula,
    pub note: String,
    pub edited_by: Option<String>,
    pub edited_at: Option<Stamp>,
}

/// How an issued bulletin was issued.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Issue {
    /// 文号.
    pub number: String,
    /// 签发人.
    pub signed_by: String,
    pub remarks: String,
    pub issued_by: String,
    pub issued_at: Stamp,
    /// SHA-256 of the frozen figures, as written into the log.
    pub figures_sha256: String,
}

/// A month's bulletin: issued (frozen) or, for the county office, as the ledger has it now.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BulletinRow {
    pub figures: BulletinFigures,
    pub issue: Option<Issue>,
}

/// An issued bulletin in the list of them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BulletinSummary {
    #[schema(example = "2026-11")]
    pub month: String,
    pub number: String,
    pub issued_at: Stamp,
}

/// What the county office writes when issuing.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct IssueForm {
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub signed_by: String,
    #[serde(default)]
    pub remarks: String,
}

/// A case a bulletin counted, as it stands in the ledger now.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct CountedCaseNow {
    pub id: i64,
    pub number: String,
    pub finding: String,
    pub status: String,
    pub source: String,
    pub due_on: Option<String>,
}

#[derive(sqlx::FromRow)]
struct StoredBulletin {
    number: String,
    signed_by: String,
    remarks: String,
    figures_json: String,
    issued_by: String,
    issued_at: Stamp,
}

fn digest(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

fn counted(rows: Vec<(i64, String)>) -> Vec<CountedCase> {
    rows.into_iter()
        .map(|(id, number)| CountedCase { id, number })
        .collect()
}

/// The month's bounds as counted on `today`: from its first local midnight to the next
/// month's (or to now, while it runs), and the day deadlines are judged against.
struct Window {
    first_day: NaiveDate,
    from: Stamp,
    to: Stamp,
    as_of: NaiveDate,
    /// A deadline before this day had passed when the month was counted.
    passed_before: NaiveDate,
}

fn window(month: Month, now: DateTime<Utc>) -> Window {
    let today = local_date(now);
    let end = local_day_start(month.next().first_day());
    if today > month.last_day() {
        Window {
            first_day: month.first_day(),
            from: Stamp::at(local_day_start(month.first_day())),
            to: Stamp::at(end),
            as_of: month.last_day(),
            passed_before: month.next().first_day(),
        }
    } else {
        Window {
            first_day: month.first_day(),
            from: Stamp::at(local_day_start(month.first_day())),
            to: Stamp::at(now.min(end)),
            as_of: today,
            passed_before: today,
        }
    }
}

/// A month the bulletin can be asked for: begun, and named as `2026-11`.
fn check_month(month: Month, today: NaiveDate) -> Result<()> {
    if month.first_day() > today {
        return Err(StoreError::invalid(
            "month",
            format!("{month} has not begun; there is no bulletin for it yet"),
        ));
    }
    Ok(())
}

/// Cases of the township opened in the window from one of `sources`, not found unfounded.
async fn found_by(
    conn: &mut Conn,
    township_id: i64,
    item: RankItem,
    w: &Window,
) -> Result<Vec<CountedCase>> {
    let codes: Vec<String> = item
        .sources()
        .iter()
        .map(|s| format!("'{}'", s.code()))
        .collect();
    let rows = crate::db::query(format!(
        "SELECT id, number FROM case_file WHERE township_id = $1 AND opened_at >= $2 AND opened_at < $3 \
         AND status <> 'unfounded' AND source IN ({}) ORDER BY id",
        codes.join(", ")
    ))
    .bind(township_id)
    .bind(&w.from)
    .bind(&w.to)
    .fetch_all_as::<(i64, String)>(&mut *conn)
    .await?;
    Ok(counted(rows))
}

/// Cases still open at the month's end (or closed only after it) whose deadline had passed.
async fn overdue(conn: &mut Conn, township_id: i64, w: &Window) -> Result<Vec<CountedCase>> {
    let rows = crate::db::query(format!(
        "SELECT id, number FROM case_file WHERE township_id = $1 AND opened_at < $2 AND due_on < $3 \
         AND (status IN {} OR (status = 'closed' AND closed_at >= $4)) ORDER BY due_on, id",
        open_statuses()
    ))
    .bind(township_id)
    .bind(&w.to)
    .bind(w.passed_before.to_string())
    .bind(&w.to)
    .fetch_all_as::<(i64, String)>(&mut *conn)
    .await?;
    Ok(counted(rows))
}

async fn recurrences(conn: &mut Conn, township_id: i64, w: &Window) -> Result<Vec<CountedCase>> {
    let rows = crate::db::query(
        "SELECT id, number FROM case_file WHERE township_id = $1 AND opened_at >= $2 AND opened_at < $3 \
         AND recurrence_of IS NOT NULL ORDER BY id",
    )
    .bind(township_id)
    .bind(&w.from)
    .bind(&w.to)
    .fetch_all_as::<(i64, String)>(&mut *conn)
    .await?;
    Ok(counted(rows))
}

/// Cases whose should-have-found lead the inspectors concluded accountable in the window.
async fn held_to_account(
    conn: &mut Conn,
    township_id: i64,
    w: &Window,
) -> Result<Vec<CountedCase>> {
    let rows = crate::db::query(
        "SELECT DISTINCT c.id, c.number FROM accountability_lead l JOIN case_file c ON c.id = l.case_id \
         WHERE l.township_id = $1 AND l.conclusion = 'accountable' AND l.concluded_at >= $2 AND l.concluded_at < $3 \
         ORDER BY c.id",
    )
    .bind(township_id)
    .bind(&w.from)
    .bind(&w.to)
    .fetch_all_as::<(i64, String)>(&mut *conn)
    .await?;
    Ok(counted(rows))
}

type TipClocks = (
    i64,
    String,
    String,
    Option<Stamp>,
    Option<String>,
    Option<Stamp>,
);

/// Was a step due by `by` (a date) done late, or not at all, as of the window?
fn missed(by: Option<&str>, done: Option<&Stamp>, w: &Window) -> bool {
    let Some(by) = by.and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()) else {
        return false;
    };
    if by < w.first_day || by >= w.passed_before {
        return false;
    }
    match done.and_then(Stamp::time) {
        Some(at) => local_date(at) > by,
        None => true,
    }
}

/// Cases whose tip was to be accepted or answered by a day of the month, and was not in time.
async fn tips_late(conn: &mut Conn, township_id: i64, w: &Window) -> Result<Vec<CountedCase>> {
    let first = w.first_day.to_string();
    let rows = crate::db::query(
        "SELECT c.id, c.number, tp.accept_by, tp.accepted_at, tp.answer_by, tp.answered_at \
         FROM tip tp JOIN clue cl ON cl.id = tp.clue_id JOIN case_file c ON c.id = cl.case_id \
         WHERE cl.township_id = $1 AND (tp.accept_by >= $2 OR tp.answer_by >= $2) ORDER BY c.id",
    )
    .bind(township_id)
    .bind(first)
    .fetch_all_as::<TipClocks>(&mut *conn)
    .await?;
    let mut cases: Vec<CountedCase> = Vec::new();
    for (id, number, accept_by, accepted_at, answer_by, answered_at) in rows {
        let late = missed(Some(&accept_by), accepted_at.as_ref(), w)
            || missed(answer_by.as_deref(), answered_at.as_ref(), w);
        if late && !cases.iter().any(|c| c.id == id) {
            cases.push(CountedCase { id, number });
        }
    }
    Ok(cases)
}

async fn item_count(
    conn: &mut Conn,
    township_id: i64,
    item: RankItem,
    w: &Window,
) -> Result<ItemCount> {
    let cases = match item {
        RankItem::SelfFound
        | RankItem::SatelliteFound
        | RankItem::PublicFound
        | RankItem::SuperiorFound => found_by(conn, township_id, item, w).await?,
        RankItem::Overdue => overdue(conn, township_id, w).await?,
        RankItem::Recurrence => recurrences(conn, township_id, w).await?,
        RankItem::Accountability => held_to_account(conn, township_id, w).await?,
        RankItem::TipsLate => tips_late(conn, township_id, w).await?,
    };
    Ok(ItemCount { item, cases })
}

fn parse_figures(month: Month, json: &str) -> Result<BulletinFigures> {
    serde_json::from_str(json)
        .map_err(|e| StoreError::Corrupt(format!("the bulletin for {month}: {e}")))
}

impl Store {
    /// The ranking formula in force in the county.
    ///
    /// # Errors
    /// On database failure or a stored formula that does not read.
    pub async fn ranking_formula(&self, county_id: i64) -> Result<FormulaRow> {
        let row = crate::db::query(
            "SELECT f.formula_json, f.note, u.display_name, f.edited_at FROM ranking_formula f \
             JOIN app_user u ON u.id = f.edited_by WHERE f.county_id = $1 ORDER BY f.id DESC LIMIT 1",
        )
        .bind(county_id)
        .fetch_optional_as::<(String, String, String, Stamp)>(self.pool())
        .await?;
        Ok(match row {
            Some((json, note, by, at)) => FormulaRow {
                formula: serde_json::from_str(&json)
                    .map_err(|e| StoreError::Corrupt(format!("the ranking formula: {e}")))?,
                note,
                edited_by: Some(by),
                edited_at: Some(at),
            },
            None => FormulaRow {
                formula: RankingFormula::default(),
                note: String::new(),
                edited_by: None,
                edited_at: None,
            },
        })
    }

    /// Puts a new formula in force; bulletins already issued keep the one they ranked by.
    ///
    /// # Errors
    /// `Forbidden` unless the county office; `Invalid` naming the base or the weight at fault.
    pub async fn set_ranking_formula(
        &self,
        actor: &Actor,
        formula: &RankingFormula,
        note: &str,
        now: DateTime<Utc>,
    ) -> Result<FormulaRow> {
        if !may(actor.role, Right::IssueBulletin) {
            return Err(StoreError::Forbidden(Right::IssueBulletin.refusal()));
        }
        let formula = formula
            .check()
            .map_err(|(field, reason)| StoreError::invalid(field, reason))?;
        let json = serde_json::to_string(&formula)
            .map_err(|e| StoreError::Corrupt(format!("a ranking formula: {e}")))?;
        let at = stamp(now);
        let mut tx = self.begin_write(at.as_str()).await?;
        crate::db::query(
            "INSERT INTO ranking_formula (county_id, formula_json, note, edited_by, edited_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(actor.county_id)
        .bind(json.as_str())
        .bind(note.trim())
        .bind(actor.user_id)
        .bind(&at)
        .execute(&mut *tx)
        .await?;
        log(
            &mut tx,
            actor,
            at.as_str(),
            "bulletin.formula",
            &serde_json::json!({"formula": formula.text(true), "note": note.trim()}),
        )
        .await?;
        tx.commit().await?;
        self.ranking_formula(actor.county_id).await
    }

    async fn stored_bulletin(
        &self,
        conn: &mut Conn,
        county_id: i64,
        month: Month,
    ) -> Result<Option<BulletinRow>> {
        let stored = crate::db::query(
            "SELECT b.number, b.signed_by, b.remarks, b.figures_json, u.display_name AS issued_by, b.issued_at \
             FROM monthly_bulletin b JOIN app_user u ON u.id = b.issued_by WHERE b.county_id = $1 AND b.month = $2",
        )
        .bind(county_id)
        .bind(month.to_string())
        .fetch_optional_as::<StoredBulletin>(&mut *conn)
        .await?;
        let Some(s) = stored else {
            return Ok(None);
        };
        Ok(Some(BulletinRow {
            figures: parse_figures(month, &s.figures_json)?,
            issue: Some(Issue {
                number: s.number,
                signed_by: s.signed_by,
                remarks: s.remarks,
                issued_by: s.issued_by,
                issued_at: s.issued_at,
                figures_sha256: digest(&s.figures_json),
            }),
        }))
    }

    /// The month as the ledger has it now, ranked by the formula in force; changes of rank
    /// against the previous month's issued bulletin.
    async fn count_month(
        &self,
        conn: &mut Conn,
        county_id: i64,
        month: Month,
        now: DateTime<Utc>,
    ) -> Result<BulletinFigures> {
        let w = window(month, now);
        let formula = self.ranking_formula(county_id).await?.formula;
        let previous = self
            .stored_bulletin(conn, county_id, month.previous())
            .await?
            .map(|b| b.figures);
        let mut townships = Vec::new();
        for t in self.townships(county_id).await? {
            let mut items = Vec::with_capacity(RankItem::ALL.len());
            for &item in RankItem::ALL {
                items.push(item_count(conn, t.id, item, &w).await?);
            }
            townships.push((t.id, t.name, items));
        }
        let lines = rank(&formula, townships, &|id| {
            previous.as_ref().and_then(|p| p.line(id)).map(|l| l.rank)
        });
        Ok(BulletinFigures {
            month,
            as_of: w.as_of,
            formula,
            lines,
        })
    }

    /// A month's bulletin: the issued one, or (for the county office only) the draft the
    /// ledger gives now.
    ///
    /// # Errors
    /// `Forbidden` for a role that reads no bulletins; `Invalid` for a month to come;
    /// `NotFound` for a month not issued, to a reader who may not see drafts.
    pub async fn bulletin(
        &self,
        actor: &Actor,
        month: Month,
        now: DateTime<Utc>,
    ) -> Result<BulletinRow> {
        if !may(actor.role, Right::ReadBulletins) {
            return Err(StoreError::Forbidden(Right::ReadBulletins.refusal()));
        }
        check_month(month, local_date(now))?;
        let mut conn = self.pool().acquire().await?;
        if let Some(b) = self
            .stored_bulletin(&mut conn, actor.county_id, month)
            .await?
        {
            return Ok(b);
        }
        if !may(actor.role, Right::IssueBulletin) {
            // A draft is the office's: to anyone else a month not issued has no bulletin.
            return Err(StoreError::not_found("bulletin", month));
        }
        Ok(BulletinRow {
            figures: self
                .count_month(&mut conn, actor.county_id, month, now)
                .await?,
            issue: None,
        })
    }

    /// Issues the month's bulletin: counts it now, freezes it, and logs its digest.
    ///
    /// # Errors
    /// `Forbidden` unless the county office; `Invalid` for a month not over, one already
    /// issued, or a missing number (文号) or signatory (签发人).
    pub async fn issue_bulletin(
        &self,
        actor: &Actor,
        month: Month,
        form: &IssueForm,
        now: DateTime<Utc>,
    ) -> Result<BulletinRow> {
        if !may(actor.role, Right::IssueBulletin) {
            return Err(StoreError::Forbidden(Right::IssueBulletin.refusal()));
        }
        let today = local_date(now);
        check_month(month, today)?;
        if today <= month.last_day() {
            return Err(StoreError::invalid(
                "month",
                format!(
                    "{month} runs until {}; its bulletin is issued once the month is over",
                    month.last_day()
                ),
            ));
        }
        let number = form.number.trim();
        if number.is_empty() {
            return Err(StoreError::invalid(
                "number",
                "give the bulletin's document number (文号)",
            ));
        }
        let signed_by = form.signed_by.trim();
        if signed_by.is_empty() {
            return Err(StoreError::invalid(
                "signed_by",
                "name the official who signs the bulletin (签发人)",
            ));
        }
        let at = stamp(now);
        let mut tx = self.begin_write(at.as_str()).await?;
        if let Some(b) = self
            .stored_bulletin(&mut tx, actor.county_id, month)
            .await?
        {
            let when = b.issue.map(|i| i.issued_at.to_string()).unwrap_or_default();
            return Err(StoreError::invalid(
                "month",
                format!(
                    "the bulletin for {month} was issued at {}; it is frozen — what changed since counts in the next one",
                    minewatch_core::clock::display_stamp(&when)
                ),
            ));
        }
        let figures = self
            .count_month(&mut tx, actor.county_id, month, now)
            .await?;
        let json = serde_json::to_string(&figures)
            .map_err(|e| StoreError::Corrupt(format!("bulletin figures: {e}")))?;
        crate::db::query(
            "INSERT INTO monthly_bulletin (county_id, month, number, signed_by, remarks, figures_json, issued_by, issued_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(actor.county_id)
        .bind(month.to_string())
        .bind(number)
        .bind(signed_by)
        .bind(form.remarks.trim())
        .bind(json.as_str())
        .bind(actor.user_id)
        .bind(&at)
        .execute(&mut *tx)
        .await?;
        log(
            &mut tx,
            actor,
            at.as_str(),
            "bulletin.issued",
            &serde_json::json!({
                "month": month.to_string(), "number": number, "signed_by": signed_by,
                "figures_sha256": digest(&json),
            }),
        )
        .await?;
        // The bottom of the ranking is told at once, in the same transaction as the issue:
        // the bulletin asks them to answer in writing.
        let (_, bottom) = figures.top_and_bottom(3);
        for l in bottom {
            let m = minewatch_core::notify::Message {
                title: format!("{}通报排名靠后：第{}名", month.label(true), l.rank),
                body: format!(
                    "{}在{}通报（{number}）中排名第{}名、得分{}，请于5个工作日内向县专项行动办公室书面说明原因并提出整改措施。",
                    l.township,
                    month.label(true),
                    l.rank,
                    l.score
                ),
                link: format!("/bulletin/{month}"),
            };
            crate::notify::raise(
                &mut tx,
                actor.county_id,
                Some(l.township_id),
                &format!("ranked_low:{month}:{}", l.township_id),
                minewatch_core::notify::NoticeKind::RankedLow,
                &m,
                &at,
            )
            .await?;
        }
        let row = self
            .stored_bulletin(&mut tx, actor.county_id, month)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("the bulletin for {month} vanished")))?;
        tx.commit().await?;
        Ok(row)
    }

    /// The issued bulletins, latest first.
    ///
    /// # Errors
    /// `Forbidden` for a role that reads no bulletins.
    pub async fn bulletins(&self, actor: &Actor) -> Result<Vec<BulletinSummary>> {
        if !may(actor.role, Right::ReadBulletins) {
            return Err(StoreError::Forbidden(Right::ReadBulletins.refusal()));
        }
        let rows = crate::db::query(
            "SELECT month, number, issued_at FROM monthly_bulletin WHERE county_id = $1 ORDER BY month DESC",
        )
        .bind(actor.county_id)
        .fetch_all_as::<(String, String, Stamp)>(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(month, number, issued_at)| BulletinSummary {
                month,
                number,
                issued_at,
            })
            .collect())
    }

    /// The cases one number of the bulletin counted, as they stand now. A township drills
    /// into its own line only.
    ///
    /// # Errors
    /// As [`Store::bulletin`]; `NotFound` for a township not in it or out of sight.
    pub async fn bulletin_cases(
        &self,
        actor: &Actor,
        month: Month,
        township_id: i64,
        item: RankItem,
        now: DateTime<Utc>,
    ) -> Result<(BulletinRow, Vec<CountedCaseNow>)> {
        if actor.role == Role::Township && actor.scope != Scope::Township(township_id) {
            return Err(StoreError::not_found("township", township_id));
        }
        let b = self.bulletin(actor, month, now).await?;
        let ids: Vec<i64> = b
            .figures
            .line(township_id)
            .ok_or_else(|| StoreError::not_found("township", township_id))?
            .item(item)
            .map(|c| c.cases.iter().map(|c| c.id).collect())
            .unwrap_or_default();
        let mut cases = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let list: Vec<String> = chunk.iter().map(i64::to_string).collect();
            cases.extend(
                crate::db::query(format!(
                    "SELECT id, number, finding, status, source, due_on FROM case_file \
                     WHERE county_id = $1 AND id IN ({}) ORDER BY id",
                    list.join(", ")
                ))
                .bind(actor.county_id)
                .fetch_all_as::<CountedCaseNow>(self.pool())
                .await?,
            );
        }
        Ok((b, cases))
    }
}
