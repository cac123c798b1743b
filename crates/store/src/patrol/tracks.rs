//! Patrol tracks (R19): recorded by the phone page or uploaded as GPX, kept with their
//! points so coverage can be computed for any period and distance.

use chrono::{DateTime, Utc};
use minewatch_core::rights::{Right, may};

use minewatch_spatial::LonLat;
use minewatch_spatial::coverage::{Track, TrackPoint, length_m, night_share};
use serde::Serialize;

use super::in_scope;
use crate::ledger::events::{NewEvent, append, stamp};
use crate::{Actor, Result, Store, StoreError};

/// At most this many points in one track (a day at one fix a second).
pub const MAX_TRACK_POINTS: usize = 100_000;

/// A track as handed in.
#[derive(Debug, Clone)]
pub struct NewTrack {
    pub township_id: Option<i64>,
    pub village_id: Option<i64>,
    /// "phone" or "gpx".
    pub source: &'static str,
    pub track: Track,
    /// The phone's own id for the recording, so a retry after a lost answer stores it once.
    pub client_ref: Option<String>,
    pub file_sha256: Option<String>,
}

/// A stored track.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct TrackRow {
    pub id: i64,
    pub township_id: i64,
    pub village_id: Option<i64>,
    #[sqlx(rename = "user_name")]
    pub user: String,
    pub source: String,
    pub name: String,
    pub started_at: crate::Stamp,
    pub ended_at: crate::Stamp,
    pub point_count: i64,
    pub length_m: f64,
    pub night_share: f64,
    /// Decoded from the stored JSON by [`StoredTrack`].
    #[serde(skip)]
    #[sqlx(skip)]
    pub points: Vec<TrackPoint>,
}

impl TrackRow {
    /// Points as [lon, lat] pairs for maps.
    #[must_use]
    pub fn line(&self) -> Vec<(f64, f64)> {
        self.points.iter().map(|p| (p.lon, p.lat)).collect()
    }
}

fn encode(points: &[TrackPoint]) -> String {
    let v: Vec<serde_json::Value> = points
        .iter()
        .map(|p| serde_json::json!([p.lon, p.lat, p.time.map(|t| t.timestamp())]))
        .collect();
    serde_json::Value::Array(v).to_string()
}

fn decode(id: i64, text: &str) -> Result<Vec<TrackPoint>> {
    let corrupt = || StoreError::Corrupt(format!("track {id} points"));
    let v: Vec<(f64, f64, Option<i64>)> = serde_json::from_str(text).map_err(|_| corrupt())?;
    Ok(v.into_iter()
        .map(|(lon, lat, t)| TrackPoint {
            lon,
            lat,
            time: t.and_then(|s| DateTime::from_timestamp(s, 0)),
        })
        .collect())
}

/// A track as [`TRACK_COLUMNS`] reads it, its points still the stored JSON.
#[derive(sqlx::FromRow)]
pub(crate) struct StoredTrack {
    #[sqlx(flatten)]
    row: TrackRow,
    points: String,
}

impl TryFrom<StoredTrack> for TrackRow {
    type Error = StoreError;

    fn try_from(t: StoredTrack) -> Result<Self> {
        Ok(TrackRow {
            points: decode(t.row.id, &t.points)?,
            ..t.row
        })
    }
}

pub(crate) const TRACK_COLUMNS: &str = "tr.id, tr.township_id, tr.village_id, u.display_name AS user_name, tr.source, tr.name, \
     tr.started_at, tr.ended_at, tr.point_count, tr.length_m, tr.night_share, tr.points";

impl Store {
    /// Checks a track as [`Store::add_track`] would, storing nothing: a file of several
    /// tracks is checked whole before any is stored.
    ///
    /// # Errors
    /// As [`Store::add_track`].
    pub async fn check_track(&self, actor: &Actor, t: &NewTrack) -> Result<()> {
        self.checked_track(actor, t).await.map(|_| ())
    }

    async fn checked_track(
        &self,
        actor: &Actor,
        t: &NewTrack,
    ) -> Result<(i64, Option<i64>, DateTime<Utc>, DateTime<Utc>)> {
        if !may(actor.role, Right::RecordTrack) {
            return Err(StoreError::Forbidden(Right::RecordTrack.refusal()));
        }
        let (township_id, village_id) = match self.own_place(actor).await? {
            (Some(tw), v) => (tw, v.or(t.village_id)),
            (None, _) => (
                t.township_id.ok_or_else(|| {
                    StoreError::invalid("township", "say which township was patrolled")
                })?,
                t.village_id,
            ),
        };
        if !may(actor.role, Right::ReadPatrolsCountyWide)
            && !in_scope(actor, township_id, village_id)
        {
            return Err(StoreError::invalid("township", "outside your area"));
        }
        self.check_place(actor, township_id, village_id).await?;
        let pts = &t.track.points;
        if pts.len() < 2 {
            return Err(StoreError::invalid(
                "points",
                "a track needs at least two positions",
            ));
        }
        if pts.len() > MAX_TRACK_POINTS {
            return Err(StoreError::invalid(
                "points",
                format!("at most {MAX_TRACK_POINTS} positions in one track"),
            ));
        }
        for (i, p) in pts.iter().enumerate() {
            LonLat::new(p.lon, p.lat)
                .map_err(|e| StoreError::invalid("points", format!("position {}: {e}", i + 1)))?;
        }
        let times: Vec<DateTime<Utc>> = pts.iter().filter_map(|p| p.time).collect();
        let (Some(start), Some(end)) = (times.iter().min(), times.iter().max()) else {
            return Err(StoreError::invalid(
                "points",
                "the track has no times: coverage needs to know when it was walked",
            ));
        };
        if times.len() < pts.len() {
            return Err(StoreError::invalid(
                "points",
                format!(
                    "{} of {} positions have no time",
                    pts.len() - times.len(),
                    pts.len()
                ),
            ));
        }
        Ok((township_id, village_id, *start, *end))
    }

    /// Stores a patrol track for the user's township or village.
    ///
    /// # Errors
    /// `Forbidden` for roles that do not patrol; `Invalid` naming the field: no township for
    /// a county user, a place outside the user's area, fewer than two points, a point off
    /// the map, a point without time, more than [`MAX_TRACK_POINTS`].
    pub async fn add_track(&self, actor: &Actor, t: &NewTrack, now: DateTime<Utc>) -> Result<i64> {
        let (township_id, village_id, start, end) = self.checked_track(actor, t).await?;
        let pts = &t.track.points;
        let at = stamp(now);
        // A phone's reference is its own: stored under its user, so another user's phone
        // that happens to pick the same one is never taken for a retry of it.
        let client_ref = t
            .client_ref
            .as_ref()
            .map(|r| format!("{}:{r}", actor.user_id));
        let mut tx = self.begin_write(&at).await?;
        if let Some(r) = &client_ref {
            let existing = crate::db::query(
                "SELECT id FROM patrol_track WHERE client_ref = $1 AND county_id = $2",
            )
            .bind(r.clone())
            .bind(actor.county_id)
            .fetch_optional_scalar(&mut *tx)
            .await?;
            if let Some(id) = existing {
                return Ok(id);
            }
        }
        let (x0, y0, x1, y1) = pts.iter().fold(
            (f64::MAX, f64::MAX, f64::MIN, f64::MIN),
            |(a, b, c, d), p| (a.min(p.lon), b.min(p.lat), c.max(p.lon), d.max(p.lat)),
        );
        let length = length_m(pts);
        let id: i64 = crate::db::query(
            "INSERT INTO patrol_track (county_id, township_id, village_id, user_id, source, name, file_sha256, client_ref, started_at, ended_at, \
             point_count, length_m, night_share, points, min_lon, min_lat, max_lon, max_lat, uploaded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) RETURNING id",
        )
        .bind(actor.county_id)
        .bind(township_id)
        .bind(village_id)
        .bind(actor.user_id)
        .bind(t.source)
        .bind(t.track.name.clone())
        .bind(t.file_sha256.clone())
        .bind(client_ref.clone())
        .bind(stamp(start))
        .bind(stamp(end))
        .bind(i64::try_from(pts.len()).unwrap_or(i64::MAX))
        .bind(length)
        .bind(night_share(pts))
        .bind(encode(pts))
        .bind(x0)
        .bind(y0)
        .bind(x1)
        .bind(y1)
        .bind(at.clone())
        .fetch_scalar(&mut *tx)
        .await?;
        append(
            &mut tx,
            NewEvent {
                at: &at,
                actor: Some(actor.user_id),
                county_id: actor.county_id,
                case_id: None,
                clue_id: None,
                kind: "track.added",
                payload: serde_json::json!({
                    "track": id, "source": t.source, "points": pts.len(),
                    "length_m": length.round(), "started_at": stamp(start), "ended_at": stamp(end),
                })
                .to_string(),
                attachments: t.file_sha256.as_slice(),
            },
        )
        .await?;
        crate::attachments::record_use(
            &mut tx,
            actor.county_id,
            crate::attachments::Owner::Track(id),
            t.file_sha256.as_slice(),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Whether the actor may see a track: its walker, or a user whose area holds it.
    pub(crate) async fn track_visible(&self, actor: &Actor, id: i64) -> Result<bool> {
        let Some(r) = crate::db::query(
            "SELECT township_id, village_id, user_id FROM patrol_track WHERE id = $1 AND county_id = $2",
        )
        .bind(id)
        .bind(actor.county_id)
        .fetch_optional_as::<(i64, Option<i64>, crate::UserId)>(self.pool())
        .await?
        else {
            return Ok(false);
        };
        let (township, village, user) = r;
        Ok(user == actor.user_id || super::in_scope(actor, township, village))
    }

    /// Tracks started between two moments: the user's own area, or the whole county for
    /// `county_wide` (coverage counts every patrol, whoever walked it).
    ///
    /// # Errors
    /// On database failure.
    pub async fn tracks(
        &self,
        actor: &Actor,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        county_wide: bool,
    ) -> Result<Vec<TrackRow>> {
        let (t, v) = if county_wide {
            (None, None)
        } else {
            match super::ground_scope(actor) {
                Some(s) => s,
                None if may(actor.role, Right::ReadPatrolsCountyWide) => (None, None),
                None => return Ok(Vec::new()),
            }
        };
        let rows = crate::db::query(format!(
            "SELECT {TRACK_COLUMNS} FROM patrol_track tr JOIN app_user u ON u.id = tr.user_id \
             WHERE tr.county_id = $1 AND tr.started_at < $3 AND tr.ended_at >= $2 \
             AND ($4 IS NULL OR tr.township_id = $4) AND ($5 IS NULL OR tr.village_id = $5) ORDER BY tr.started_at, tr.id"
        ))
        .bind(actor.county_id)
        .bind(stamp(from))
        .bind(stamp(to))
        .bind(t)
        .bind(v)
        .fetch_all_as::<StoredTrack>(self.pool())
        .await?;
        rows.into_iter().map(TrackRow::try_from).collect()
    }
}
