//! 应发现未发现 (R26): when a satellite patch or a public tip confirms digging inside a grid
//! whose daily reports said "nothing found" in the days before, or whose patrol tracks
//! passed near the site, the inspectors get an accountability lead with that evidence. The
//! township answers it; the inspectors conclude.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use minewatch_core::clock::local_date;
use minewatch_core::rights::{Right, may};
use minewatch_core::{ClueSource, ProblemKind, Scope};
use minewatch_spatial::LonLat;
use minewatch_spatial::coverage::distance_to_track_m;
use serde::{Deserialize, Serialize};

use crate::ledger::events::{NewEvent, append, stamp};
use crate::patrol::coverage::day_span_utc;
use crate::patrol::duty_settings_in;
use crate::patrol::tracks::{StoredTrack, TRACK_COLUMNS, TrackRow};
use crate::{Actor, Result, Store, StoreError};

pub const SHOULD_HAVE_FOUND: &str = "should_have_found";

/// A "nothing found" report in the days before the discovery.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct LeadReport {
    pub date: String,
    pub filed_by: String,
    pub late: bool,
}

/// A patrol track that passed near the site in the days before.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LeadTrack {
    pub track_id: i64,
    pub started_at: crate::Stamp,
    pub user: String,
    pub distance_m: f64,
}

/// What the lead rests on.
// Stored as JSON, as it stood when the lead was raised.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LeadEvidence {
    pub discovered_on: String,
    pub window_from: String,
    pub window_to: String,
    pub source: String,
    pub patch_no: Option<String>,
    pub reports: Vec<LeadReport>,
    pub tracks: Vec<LeadTrack>,
}

/// A lead as listed.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct LeadRow {
    pub id: i64,
    pub kind: String,
    pub case_id: crate::CaseId,
    pub case_number: String,
    pub case_finding: String,
    pub grid_id: i64,
    pub grid: String,
    pub township_id: i64,
    pub township: String,
    pub village: String,
    pub discovered_on: String,
    #[sqlx(try_from = "String")]
    pub evidence: LeadEvidence,
    pub raised_at: crate::Stamp,
    pub answer: String,
    pub answered_by: Option<String>,
    pub answered_at: Option<crate::Stamp>,
    pub conclusion: String,
    pub conclusion_note: String,
    pub concluded_by: Option<String>,
    pub concluded_at: Option<crate::Stamp>,
}

/// How the inspectors conclude a lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, utoipa::ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum Conclusion {
    /// 移交问责
    Accountable,
    /// 不予问责 (with the reason)
    Excused,
}

impl Conclusion {
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Conclusion::Accountable => "accountable",
            Conclusion::Excused => "excused",
        }
    }

    #[must_use]
    pub fn from_code(c: &str) -> Option<Self> {
        match c {
            "accountable" => Some(Conclusion::Accountable),
            "excused" => Some(Conclusion::Excused),
            _ => None,
        }
    }

    #[must_use]
    pub fn label(code: &str, zh: bool) -> &'static str {
        match (code, zh) {
            ("accountable", true) => "移交问责",
            ("accountable", false) => "Referred for accountability",
            ("excused", true) => "不予问责",
            ("excused", false) => "Not held to account",
            (_, true) => "待结论",
            (_, false) => "Open",
        }
    }
}

/// Raises the leads a newly confirmed case calls for, inside the caller's transaction.
/// Returns the ids raised (none when the case is not digging found from outside, has no
/// grid, or its grid neither reported nor patrolled there in the window).
/// After a step on a case: a case found founded raises the leads it holds.
pub(crate) fn on_case_step<'a>(
    tx: &'a mut crate::hooks::Tx,
    step: &'a crate::hooks::Step<'a>,
) -> crate::hooks::HookFuture<'a> {
    Box::pin(async move {
        if matches!(
            step.action,
            minewatch_core::CaseAction::Verify { founded: true, .. }
        ) {
            raise_tx(tx, step.county_id, step.case_id, step.now, step.at).await?;
        }
        Ok(())
    })
}

pub(crate) async fn raise_tx(
    conn: &mut crate::db::Conn,
    county_id: i64,
    case_id: crate::CaseId,
    now: DateTime<Utc>,
    at: &crate::Stamp,
) -> Result<Vec<i64>> {
    let case = crate::db::query(
        "SELECT number, source, problem_kind, lon, lat, village_id, opened_at FROM case_file WHERE id = $1 AND county_id = $2",
    )
    .bind(case_id)
    .bind(county_id)
    .fetch_optional_as::<CaseFound>(&mut *conn)
    .await?
    .ok_or_else(|| StoreError::not_found("case", case_id))?;
    let found_from_outside =
        [ClueSource::SatellitePatch.code(), ClueSource::Tip.code()].contains(&case.source.as_str());
    if !found_from_outside
        || !ProblemKind::from_code(&case.problem_kind).is_some_and(ProblemKind::is_digging)
    {
        return Ok(Vec::new());
    }
    let number = case.number;
    let point = match (case.lon, case.lat) {
        (Some(x), Some(y)) => LonLat::new(x, y).ok(),
        _ => None,
    };
    let village_id = case.village_id;
    let source = case.source;

    // When the digging was there to be seen: the later image of the patch, or when the
    // tipster saw it, or when the case opened.
    let patch =
        crate::db::query("SELECT patch_no, later_date FROM patch WHERE case_id = $1 ORDER BY id")
            .bind(case_id)
            .fetch_optional_as::<(String, Option<String>)>(&mut *conn)
            .await?;
    let (patch_no, later) = match patch {
        Some((no, later)) => (Some(no), later),
        None => (None, None),
    };
    let observed: Option<crate::Stamp> = crate::db::query(
        "SELECT MIN(COALESCE(observed_at, filed_at)) AS t FROM clue WHERE case_id = $1",
    )
    .bind(case_id)
    .fetch_scalar(&mut *conn)
    .await?;
    let stamp_day = |s: &str| {
        DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|t| local_date(t.with_timezone(&Utc)))
    };
    let discovered = later
        .as_deref()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .or_else(|| observed.as_deref().and_then(stamp_day))
        .or_else(|| stamp_day(&case.opened_at))
        .unwrap_or_else(|| local_date(now));

    let settings = duty_settings_in(conn, county_id, local_date(now)).await?;
    let window_from = discovered - Duration::days(i64::from(settings.lookback_days));
    let window_to = discovered - Duration::days(1);

    // The grid that holds the site: by its boundary, else the village's grids.
    let mut grids: Vec<i64> = Vec::new();
    if let Some(p) = point
        && let Some(hit) =
            crate::patches::registers::grid_at(&mut *conn, county_id, p.lon, p.lat).await?
    {
        grids.push(hit.grid_id);
    }
    if grids.is_empty()
        && let Some(v) = village_id
    {
        grids = crate::db::query("SELECT id FROM grid WHERE village_id = $1 ORDER BY id")
            .bind(v)
            .fetch_all_scalar(&mut *conn)
            .await?;
    }

    let mut raised = Vec::new();
    for grid_id in grids {
        let place = crate::db::query(
            "SELECT v.id AS village_id, v.township_id FROM grid gr JOIN village v ON v.id = gr.village_id WHERE gr.id = $1",
        )
        .bind(grid_id)
        .fetch_one_as(&mut *conn)
        .await?;
        let (gv, gt): (i64, i64) = place;
        let reports: Vec<LeadReport> = crate::db::query(
            "SELECT z.report_date AS date, u.display_name AS filed_by, z.late FROM zero_report z JOIN app_user u ON u.id = z.filed_by \
             WHERE z.grid_id = $1 AND z.nothing_found = TRUE AND z.report_date BETWEEN $2 AND $3 ORDER BY z.report_date",
        )
        .bind(grid_id)
        .bind(window_from.to_string())
        .bind(window_to.to_string())
        .fetch_all_as(&mut *conn)
        .await?;
        let mut tracks = Vec::new();
        if let Some(p) = point {
            let (x0, y0, x1, y1) = p.bounding_box(settings.near_m);
            let rows = crate::db::query(format!(
                "SELECT {TRACK_COLUMNS} FROM patrol_track tr JOIN app_user u ON u.id = tr.user_id \
                 WHERE tr.county_id = $1 AND tr.township_id = $2 AND (tr.village_id = $3 OR tr.village_id IS NULL) \
                 AND tr.started_at < $4 AND tr.ended_at >= $5 \
                 AND tr.min_lon <= $6 AND tr.max_lon >= $7 AND tr.min_lat <= $8 AND tr.max_lat >= $9 ORDER BY tr.started_at, tr.id"
            ))
            .bind(county_id)
            .bind(gt)
            .bind(gv)
            .bind(stamp(day_span_utc(discovered, discovered).0))
            .bind(stamp(day_span_utc(window_from, window_to).0))
            .bind(x1)
            .bind(x0)
            .bind(y1)
            .bind(y0)
            .fetch_all_as::<StoredTrack>(&mut *conn)
            .await?;
            for r in rows {
                let t = TrackRow::try_from(r)?;
                if let Some(d) = distance_to_track_m(p.lon, p.lat, &t.points)
                    && d <= settings.near_m
                {
                    tracks.push(LeadTrack {
                        track_id: t.id,
                        started_at: t.started_at.clone(),
                        user: t.user.clone(),
                        distance_m: d.round(),
                    });
                }
            }
        }
        if reports.is_empty() && tracks.is_empty() {
            continue;
        }
        let evidence = LeadEvidence {
            discovered_on: discovered.to_string(),
            window_from: window_from.to_string(),
            window_to: window_to.to_string(),
            source: source.clone(),
            patch_no: patch_no.clone(),
            reports,
            tracks,
        };
        let evidence_json =
            serde_json::to_string(&evidence).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let inserted = crate::db::query(
            "INSERT INTO accountability_lead (county_id, kind, case_id, grid_id, township_id, village_id, discovered_on, evidence, raised_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (kind, case_id, grid_id) DO NOTHING RETURNING id",
        )
        .bind(county_id)
        .bind(SHOULD_HAVE_FOUND)
        .bind(case_id)
        .bind(grid_id)
        .bind(gt)
        .bind(gv)
        .bind(discovered.to_string())
        .bind(evidence_json.clone())
        .bind(at)
        .fetch_optional_scalar::<i64>(&mut *conn)
        .await?;
        let Some(id) = inserted else { continue };
        append(
            &mut *conn,
            NewEvent {
                at,
                actor: None,
                county_id,
                case_id: Some(case_id),
                clue_id: None,
                kind: "lead.raised",
                payload: serde_json::json!({"lead": id, "kind": SHOULD_HAVE_FOUND, "grid": grid_id, "case": number, "evidence": evidence})
                    .to_string(),
                attachments: &[],
            },
        )
        .await?;
        raised.push(id);
    }
    Ok(raised)
}

const LEAD_SELECT: &str = "SELECT l.id, l.kind, l.case_id, c.number AS case_number, c.finding AS case_finding, l.grid_id, gr.name AS grid, \
     l.township_id, t.name AS township, v.name AS village, l.discovered_on, l.evidence, l.raised_at, l.answer, au.display_name AS answered_by, \
     l.answered_at, l.conclusion, l.conclusion_note, cu.display_name AS concluded_by, l.concluded_at \
     FROM accountability_lead l JOIN case_file c ON c.id = l.case_id JOIN grid gr ON gr.id = l.grid_id \
     JOIN township t ON t.id = l.township_id JOIN village v ON v.id = l.village_id \
     LEFT JOIN app_user au ON au.id = l.answered_by LEFT JOIN app_user cu ON cu.id = l.concluded_by \
     WHERE l.county_id = $1";

/// What raising leads needs to know of a case.
#[derive(sqlx::FromRow)]
struct CaseFound {
    number: String,
    source: String,
    problem_kind: String,
    lon: Option<f64>,
    lat: Option<f64>,
    village_id: Option<i64>,
    opened_at: crate::Stamp,
}

impl TryFrom<String> for LeadEvidence {
    type Error = serde_json::Error;

    fn try_from(stored: String) -> std::result::Result<Self, Self::Error> {
        serde_json::from_str(&stored)
    }
}

fn lead_scope(actor: &Actor) -> Result<Option<i64>> {
    match actor.scope {
        _ if !may(actor.role, Right::ReadLeads) => {
            Err(StoreError::Forbidden(Right::ReadLeads.refusal()))
        }
        Scope::County => Ok(None),
        Scope::Township(t) => Ok(Some(t)),
        _ => Err(StoreError::Forbidden(Right::ReadLeads.refusal())),
    }
}

impl Store {
    /// Accountability leads: all for the county roles, a township's own for the township.
    ///
    /// # Errors
    /// `Forbidden` for other roles.
    pub async fn leads(
        &self,
        actor: &Actor,
        case_id: Option<crate::CaseId>,
    ) -> Result<Vec<LeadRow>> {
        let t = lead_scope(actor)?;
        let rows = crate::db::query(format!(
            "{LEAD_SELECT} AND ($2 IS NULL OR l.township_id = $2) AND ($3 IS NULL OR l.case_id = $3) ORDER BY l.id DESC"
        ))
        .bind(actor.county_id)
        .bind(t)
        .bind(case_id)
        .fetch_all_as(self.pool())
        .await?;
        Ok(rows)
    }

    /// One lead.
    ///
    /// # Errors
    /// `Forbidden` for other roles; `NotFound` when absent or another township's.
    pub async fn lead(&self, actor: &Actor, id: i64) -> Result<LeadRow> {
        let t = lead_scope(actor)?;
        crate::db::query(format!(
            "{LEAD_SELECT} AND l.id = $2 AND ($3 IS NULL OR l.township_id = $3)"
        ))
        .bind(actor.county_id)
        .bind(id)
        .bind(t)
        .fetch_optional_as(self.pool())
        .await?
        .ok_or_else(|| StoreError::not_found("lead", id))
    }

    /// The township answers a lead (说明情况); it may amend the answer until concluded.
    ///
    /// # Errors
    /// `Forbidden` unless the lead's township; `Invalid` for an empty answer or a lead
    /// already concluded.
    pub async fn answer_lead(
        &self,
        actor: &Actor,
        id: i64,
        answer: &str,
        now: DateTime<Utc>,
    ) -> Result<LeadRow> {
        let lead = self.lead(actor, id).await?;
        if actor.scope != Scope::Township(lead.township_id) {
            return Err(StoreError::Forbidden(
                "the township concerned answers the lead",
            ));
        }
        if answer.trim().is_empty() {
            return Err(StoreError::invalid("answer", "say what happened"));
        }
        crate::error::check_lengths(&[("answer", answer)])?;
        if !lead.conclusion.is_empty() {
            return Err(StoreError::invalid(
                "answer",
                "the inspectors have concluded this lead",
            ));
        }
        let at = stamp(now);
        let mut tx = self.begin_write(&at).await?;
        crate::db::query(
            "UPDATE accountability_lead SET answer = $1, answered_by = $2, answered_at = $3 WHERE id = $4",
        )
        .bind(answer.trim().to_string())
        .bind(actor.user_id)
        .bind(at.clone())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        log_lead(
            &mut tx,
            actor,
            lead.case_id,
            "lead.answered",
            serde_json::json!({"lead": id, "answer": answer.trim()}),
            &at,
        )
        .await?;
        tx.commit().await?;
        self.lead(actor, id).await
    }

    /// The inspectors conclude a lead.
    ///
    /// # Errors
    /// `Forbidden` unless inspector or admin; `Invalid` without a reason or when concluded.
    pub async fn conclude_lead(
        &self,
        actor: &Actor,
        id: i64,
        conclusion: Conclusion,
        note: &str,
        now: DateTime<Utc>,
    ) -> Result<LeadRow> {
        if !may(actor.role, Right::ConcludeLead) {
            return Err(StoreError::Forbidden(Right::ConcludeLead.refusal()));
        }
        crate::error::check_lengths(&[("note", note)])?;
        let lead = self.lead(actor, id).await?;
        if !lead.conclusion.is_empty() {
            return Err(StoreError::invalid(
                "conclusion",
                "this lead is concluded already",
            ));
        }
        if note.trim().is_empty() {
            return Err(StoreError::invalid("note", "give the reason"));
        }
        let at = stamp(now);
        let mut tx = self.begin_write(&at).await?;
        crate::db::query(
            "UPDATE accountability_lead SET conclusion = $1, conclusion_note = $2, concluded_by = $3, concluded_at = $4 WHERE id = $5",
        )
        .bind(conclusion.code())
        .bind(note.trim().to_string())
        .bind(actor.user_id)
        .bind(at.clone())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        log_lead(
            &mut tx,
            actor,
            lead.case_id,
            "lead.concluded",
            serde_json::json!({"lead": id, "conclusion": conclusion.code(), "note": note.trim()}),
            &at,
        )
        .await?;
        tx.commit().await?;
        self.lead(actor, id).await
    }
}

async fn log_lead(
    conn: &mut crate::db::Conn,
    actor: &Actor,
    case_id: crate::CaseId,
    kind: &str,
    payload: serde_json::Value,
    at: &crate::Stamp,
) -> Result<()> {
    append(
        conn,
        NewEvent {
            at,
            actor: Some(actor.user_id),
            county_id: actor.county_id,
            case_id: Some(case_id),
            clue_id: None,
            kind,
            payload: payload.to_string(),
            attachments: &[],
        },
    )
    .await?;
    Ok(())
}
