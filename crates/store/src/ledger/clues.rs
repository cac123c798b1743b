//! Clue intake (R4–R10): every clue either joins the open case at its place (one place,
//! one problem) or opens a new case; near a closed case it opens a recurrence (R14).

use crate::ledger::cases::{CaseFields, is_open_code};
use crate::ledger::events::{NewEvent, append, stamp};
use crate::{Actor, Result, Store, StoreError};
use chrono::{DateTime, Utc};
use minewatch_core::rights::{may_administer_county, may_file_clue};
use minewatch_core::{ClueSource, ProblemKind, Scope, Severity};
use minewatch_spatial::LonLat;
use serde::{Deserialize, Serialize};

/// A clue as filed by a person or a machine.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewClue {
    pub source: ClueSource,
    pub township_id: i64,
    #[serde(default)]
    pub village_id: Option<i64>,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub lon: Option<f64>,
    #[serde(default)]
    pub lat: Option<f64>,
    /// When the problem was seen (RFC 3339), if known.
    #[serde(default)]
    pub observed_at: Option<crate::Stamp>,
    pub description: String,
    pub problem_kind: ProblemKind,
    #[serde(default = "general")]
    pub severity: Severity,
    #[serde(default)]
    pub reporter_name: String,
    #[serde(default)]
    pub reporter_phone: String,
    /// SHA-256 of attachments uploaded before.
    #[serde(default)]
    pub attachments: Vec<String>,
}

fn general() -> Severity {
    Severity::General
}

/// What became of a filed clue.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ClueOutcome {
    pub clue_id: crate::ClueId,
    pub case_id: crate::CaseId,
    pub case_number: String,
    /// True when the clue joined a case that was already open.
    pub merged: bool,
    /// The closed case this one recurs at, if any.
    pub recurrence_of: Option<String>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct ClueRow {
    pub id: crate::ClueId,
    pub source: String,
    pub description: String,
    pub address: String,
    pub filed_at: crate::Stamp,
    pub merged: bool,
    #[sqlx(try_from = "crate::List<String>")]
    pub attachments: Vec<String>,
}

/// A case found near a point, with its distance.
struct Nearby {
    id: crate::CaseId,
    number: String,
    open: bool,
    distance_m: f64,
}

pub(crate) fn place(clue: &NewClue) -> Result<Option<LonLat>> {
    match (clue.lon, clue.lat) {
        (Some(lon), Some(lat)) => LonLat::new(lon, lat)
            .map(Some)
            .map_err(|e| StoreError::invalid("lon", e.to_string())),
        (None, None) => Ok(None),
        (Some(_), None) => Err(StoreError::invalid(
            "lat",
            "longitude given without latitude",
        )),
        (None, Some(_)) => Err(StoreError::invalid(
            "lon",
            "latitude given without longitude",
        )),
    }
}

async fn nearby_cases(
    conn: &mut crate::db::Conn,
    county_id: i64,
    at: LonLat,
    radius_m: f64,
) -> Result<Vec<Nearby>> {
    let (x0, y0, x1, y1) = at.bounding_box(radius_m);
    let rows = crate::db::query(
        "SELECT id, number, status, lon, lat FROM case_file \
         WHERE county_id = $1 AND lat BETWEEN $2 AND $3 AND lon BETWEEN $4 AND $5",
    )
    .bind(county_id)
    .bind(y0)
    .bind(y1)
    .bind(x0)
    .bind(x1)
    .fetch_all_as::<(crate::CaseId, String, String, Option<f64>, Option<f64>)>(&mut *conn)
    .await?;
    let mut out = Vec::new();
    for (id, number, status, lon, lat) in rows {
        let (Some(lon), Some(lat)) = (lon, lat) else {
            continue;
        };
        let Ok(p) = LonLat::new(lon, lat) else {
            continue;
        };
        out.push(Nearby {
            id,
            number,
            open: is_open_code(&status),
            distance_m: at.distance_m(p),
        });
    }
    out.sort_by(|a, b| a.distance_m.total_cmp(&b.distance_m));
    Ok(out)
}

/// Whether the actor may see a case, inside the caller's transaction.
async fn visible_in(
    conn: &mut crate::db::Conn,
    actor: &Actor,
    case_id: crate::CaseId,
) -> Result<bool> {
    let mut sql = crate::sql::Sql::new("SELECT c.id FROM case_file c WHERE c.id = ");
    sql.bind_i64(case_id.0);
    actor.push_case_scope(&mut sql);
    Ok(sql.query().fetch_optional(&mut *conn).await?.is_some())
}

async fn same_address_cases(
    conn: &mut crate::db::Conn,
    county_id: i64,
    village_id: i64,
    address: &str,
) -> Result<Vec<Nearby>> {
    let rows = crate::db::query(
        "SELECT id, number, status FROM case_file WHERE county_id = $1 AND village_id = $2 AND address = $3 ORDER BY id DESC",
    )
    .bind(county_id)
    .bind(village_id)
    .bind(address.to_string())
    .fetch_all_as::<(crate::CaseId, String, String)>(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, number, status)| Nearby {
            id,
            number,
            open: is_open_code(&status),
            distance_m: 0.0,
        })
        .collect())
}

impl Store {
    pub(crate) async fn check_place(
        &self,
        actor: &Actor,
        township_id: i64,
        village_id: Option<i64>,
    ) -> Result<()> {
        let n: i64 =
            crate::db::query("SELECT COUNT(*) AS n FROM township WHERE id = $1 AND county_id = $2")
                .bind(township_id)
                .bind(actor.county_id)
                .fetch_scalar(self.pool())
                .await?;
        if n == 0 {
            return Err(StoreError::invalid(
                "township",
                format!("no township {township_id} in this county"),
            ));
        }
        if let Some(v) = village_id {
            let n: i64 = crate::db::query(
                "SELECT COUNT(*) AS n FROM village WHERE id = $1 AND township_id = $2",
            )
            .bind(v)
            .bind(township_id)
            .fetch_scalar(self.pool())
            .await?;
            if n == 0 {
                return Err(StoreError::invalid(
                    "village",
                    format!("village {v} is not in township {township_id}"),
                ));
            }
        }
        match actor.scope {
            Scope::Township(t) if t != township_id => {
                Err(StoreError::invalid("township", "outside your township"))
            }
            Scope::Village(v) if village_id != Some(v) => {
                Err(StoreError::invalid("village", "outside your village"))
            }
            _ => Ok(()),
        }
    }

    /// Files a clue: merges it into the open case at its place or opens a new case.
    ///
    /// # Errors
    /// `Invalid` naming the field for bad input; `Forbidden` for roles that may not file.
    pub async fn file_clue(
        &self,
        actor: &Actor,
        clue: &NewClue,
        now: DateTime<Utc>,
    ) -> Result<ClueOutcome> {
        if !may_file_clue(actor.role) {
            return Err(StoreError::Forbidden("this role does not file clues"));
        }
        let point = self.check_clue(actor, clue).await?;
        let at = stamp(now);
        let mut tx = self.begin_write(&at).await?;
        let outcome = self
            .file_clue_tx(&mut tx, actor, clue, point, now, &at)
            .await?;
        tx.commit().await?;
        Ok(outcome)
    }

    /// The checks of a clue before it is filed: its text, its place within the filer's
    /// jurisdiction, its attachments. Its point, when it has one.
    pub(crate) async fn check_clue(&self, actor: &Actor, clue: &NewClue) -> Result<Option<LonLat>> {
        if clue.description.trim().is_empty() {
            return Err(StoreError::invalid("description", "must not be empty"));
        }
        crate::error::check_lengths(&[
            ("description", &clue.description),
            ("address", &clue.address),
            ("reporter_name", &clue.reporter_name),
            ("reporter_phone", &clue.reporter_phone),
        ])?;
        let point = place(clue)?;
        if point.is_none() && clue.address.trim().is_empty() {
            return Err(StoreError::invalid(
                "address",
                "give an address or a point on the map",
            ));
        }
        if let Some(t) = &clue.observed_at {
            DateTime::parse_from_rfc3339(t)
                .map_err(|_| StoreError::invalid("observed_at", "not an RFC 3339 time"))?;
        }
        self.check_place(actor, clue.township_id, clue.village_id)
            .await?;
        self.check_attachments(&clue.attachments).await?;
        Ok(point)
    }

    /// Files a checked clue inside a write transaction (the caller commits): merges it into
    /// an open case nearby, or opens a case (a recurrence when a closed one is near).
    pub(crate) async fn file_clue_tx(
        &self,
        tx: &mut crate::db::Conn,
        actor: &Actor,
        clue: &NewClue,
        point: Option<LonLat>,
        now: DateTime<Utc>,
        at: &crate::Stamp,
    ) -> Result<ClueOutcome> {
        let policy = self.policy();
        let at = at.clone();

        let candidates = match (point, clue.village_id) {
            (Some(p), _) => {
                nearby_cases(
                    &mut *tx,
                    actor.county_id,
                    p,
                    policy.recurrence_radius_m.max(policy.merge_radius_m),
                )
                .await?
            }
            (None, Some(v)) => {
                same_address_cases(&mut *tx, actor.county_id, v, clue.address.trim()).await?
            }
            (None, None) => Vec::new(),
        };
        // Only a case the filer may see is joined (or counted as the site's recurrence):
        // joining another's hidden case would show where it is and put this clue's text
        // and files where the filer cannot follow them. Such a case is suggested instead,
        // to whoever sees both.
        let mut seen = Vec::new();
        let mut hidden = Vec::new();
        for c in candidates {
            if visible_in(&mut *tx, actor, c.id).await? {
                seen.push(c);
            } else {
                hidden.push(c);
            }
        }
        let open = seen
            .iter()
            .find(|c| c.open && c.distance_m <= policy.merge_radius_m);
        let closed = seen
            .iter()
            .find(|c| !c.open && c.distance_m <= policy.recurrence_radius_m);
        let suggest: Vec<&Nearby> = if open.is_some() {
            Vec::new()
        } else {
            hidden
                .iter()
                .filter(|c| {
                    c.distance_m
                        <= if c.open {
                            policy.merge_radius_m
                        } else {
                            policy.recurrence_radius_m
                        }
                })
                .collect()
        };

        let (case_id, case_number, merged, recurrence_of) = if let Some(o) = open {
            (o.id, o.number.clone(), true, None)
        } else {
            let fields = CaseFields::from_clue(clue);
            let recurrence = closed.map(|c| (c.id, c.number.clone()));
            let (id, number) = self
                .open_case_tx(
                    &mut *tx,
                    actor,
                    &fields,
                    now,
                    recurrence.as_ref().map(|r| r.0),
                )
                .await?;
            if let Some((old_id, old_number)) = &recurrence {
                append(
                    &mut *tx,
                    NewEvent {
                        at: &at,
                        actor: Some(actor.user_id),
                        county_id: actor.county_id,
                        case_id: Some(*old_id),
                        clue_id: None,
                        kind: "case.recurrence",
                        payload: serde_json::json!({"new_case": number, "closed_case": old_number})
                            .to_string(),
                        attachments: &[],
                    },
                )
                .await?;
            }
            for s in &suggest {
                crate::db::query(
                    "INSERT INTO merge_suggestion (new_case_id, existing_case_id, county_id, kind, distance_m, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (new_case_id, existing_case_id) DO NOTHING",
                )
                .bind(id)
                .bind(s.id)
                .bind(actor.county_id)
                .bind(if s.open { "merge" } else { "recurrence" })
                .bind(s.distance_m)
                .bind(at.clone())
                .execute(&mut *tx)
                .await?;
            }
            (id, number, false, recurrence.map(|r| r.1))
        };

        let clue_id: crate::ClueId = crate::db::query(
            "INSERT INTO clue (county_id, source, township_id, village_id, address, lon, lat, observed_at, description, problem_kind, \
             reporter_name, reporter_phone, attachments, filed_by, filed_at, case_id, merged) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id",
        )
        .bind(actor.county_id)
        .bind(clue.source.code())
        .bind(clue.township_id)
        .bind(clue.village_id)
        .bind(clue.address.trim().to_string())
        .bind(point.map(|p| p.lon))
        .bind(point.map(|p| p.lat))
        .bind(clue.observed_at.clone())
        .bind(clue.description.trim().to_string())
        .bind(clue.problem_kind.code())
        .bind(clue.reporter_name.clone())
        .bind(clue.reporter_phone.clone())
        .bind(crate::List(clue.attachments.clone()))
        .bind(actor.user_id)
        .bind(at.clone())
        .bind(case_id)
        .bind(merged)
        .fetch_scalar(&mut *tx)
        .await?;

        append(
            &mut *tx,
            NewEvent {
                at: &at,
                actor: Some(actor.user_id),
                county_id: actor.county_id,
                case_id: Some(case_id),
                clue_id: Some(clue_id),
                kind: if merged { "clue.merged" } else { "clue.filed" },
                payload: serde_json::json!({
                    "source": clue.source.code(),
                    "description": clue.description.trim(),
                    "address": clue.address.trim(),
                    "lon": point.map(|p| p.lon),
                    "lat": point.map(|p| p.lat),
                    "observed_at": clue.observed_at,
                    "problem_kind": clue.problem_kind.code(),
                })
                .to_string(),
                attachments: &clue.attachments,
            },
        )
        .await?;
        Ok(ClueOutcome {
            clue_id,
            case_id,
            case_number,
            merged,
            recurrence_of,
        })
    }

    /// Cases suggested as possibly the same problem as this one (a clue filed beside a case
    /// its filer could not see), each shown only to a user who may see both: (case id,
    /// number, "merge" or "recurrence", metres apart).
    ///
    /// # Errors
    /// `NotFound` when the case is out of the actor's scope; database errors.
    pub async fn merge_suggestions(
        &self,
        actor: &Actor,
        case_id: crate::CaseId,
    ) -> Result<Vec<(crate::CaseId, String, String, f64)>> {
        let today = minewatch_core::clock::local_date(Utc::now());
        self.scoped_case(actor, case_id, today).await?;
        let rows = crate::db::query(
            "SELECT s.new_case_id AS a, s.existing_case_id AS b, s.kind, s.distance_m FROM merge_suggestion s \
             WHERE s.county_id = $1 AND (s.new_case_id = $2 OR s.existing_case_id = $2) ORDER BY s.created_at",
        )
        .bind(actor.county_id)
        .bind(case_id)
        .fetch_all_as::<(crate::CaseId, crate::CaseId, String, f64)>(self.pool())
        .await?;
        let mut out = Vec::new();
        for (a, b, kind, distance_m) in rows {
            let other = if a == case_id { b } else { a };
            if let Ok(c) = self.scoped_case(actor, other, today).await {
                out.push((other, c.number, kind, distance_m));
            }
        }
        Ok(out)
    }

    /// Undoes a merge (R10): the clue leaves the case it joined and opens its own.
    /// County office only.
    ///
    /// # Errors
    /// `Forbidden`, `NotFound`, or `Invalid` when the clue was not merged.
    pub async fn split_clue(
        &self,
        actor: &Actor,
        clue_id: crate::ClueId,
        now: DateTime<Utc>,
    ) -> Result<ClueOutcome> {
        if !may_administer_county(actor.role) {
            return Err(StoreError::Forbidden(
                "only the county office undoes a merge",
            ));
        }
        let at = stamp(now);
        let mut tx = self.begin_write(&at).await?;
        let row = crate::db::query(
            "SELECT source, township_id, village_id, address, lon, lat, description, problem_kind, case_id, merged \
             FROM clue WHERE id = $1 AND county_id = $2",
        )
        .bind(clue_id)
        .bind(actor.county_id)
        .fetch_optional_as::<MergedClue>(&mut *tx)
        .await?
        .ok_or_else(|| StoreError::not_found("clue", clue_id))?;
        if !row.merged {
            return Err(StoreError::invalid(
                "clue",
                "this clue opened its case; there is no merge to undo",
            ));
        }
        let from_case = row.case_id;
        let fields = CaseFields {
            township_id: row.township_id,
            village_id: row.village_id,
            address: row.address,
            lon: row.lon,
            lat: row.lat,
            finding: row.description,
            problem_kind: row.problem_kind,
            severity: Severity::General,
            source: row.source,
        };
        let (case_id, case_number) = self
            .open_case_tx(&mut tx, actor, &fields, now, None)
            .await?;
        crate::db::query("UPDATE clue SET case_id = $1, merged = FALSE WHERE id = $2")
            .bind(case_id)
            .bind(clue_id)
            .execute(&mut *tx)
            .await?;
        for case in [from_case, case_id] {
            append(
                &mut tx,
                NewEvent {
                    at: &at,
                    actor: Some(actor.user_id),
                    county_id: actor.county_id,
                    case_id: Some(case),
                    clue_id: Some(clue_id),
                    kind: "clue.split",
                    payload: serde_json::json!({"from_case": from_case, "to_case": case_id})
                        .to_string(),
                    attachments: &[],
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(ClueOutcome {
            clue_id,
            case_id,
            case_number,
            merged: false,
            recurrence_of: None,
        })
    }

    /// Clues the actor filed (what checkpoint staff see instead of the ledger).
    ///
    /// # Errors
    /// On database failure.
    pub async fn own_clues(&self, actor: &Actor) -> Result<Vec<ClueRow>> {
        let rows = crate::db::query(
            "SELECT id, source, description, address, filed_at, merged, attachments FROM clue WHERE filed_by = $1 ORDER BY id DESC LIMIT 200",
        )
        .bind(actor.user_id)
        .fetch_all_as(self.pool())
        .await?;
        Ok(rows)
    }
}

/// A clue as undoing its merge needs it: what its own case opens with.
#[derive(sqlx::FromRow)]
struct MergedClue {
    #[sqlx(try_from = "String")]
    source: ClueSource,
    township_id: i64,
    village_id: Option<i64>,
    address: String,
    lon: Option<f64>,
    lat: Option<f64>,
    description: String,
    #[sqlx(try_from = "String")]
    problem_kind: ProblemKind,
    case_id: crate::CaseId,
    merged: bool,
}
