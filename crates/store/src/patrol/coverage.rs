//! Coverage of the zones by patrol tracks (R19) over a period: each zone's share within the
//! county's set distance of some track, by day and by night, and the same per township and
//! village (area-weighted over the zones that lie there).

use chrono::{DateTime, Duration, NaiveDate, Utc};
use geo::Contains;
use minewatch_spatial::coverage::{Track, coverage, split_by_watch};
use minewatch_spatial::text::{inner_point, shape_from_geojson};
use minewatch_spatial::zone::ZoneKind;
use rayon::prelude::*;
use serde::Serialize;

use super::tracks::TrackRow;
use super::{duty_settings_in, in_scope};
use crate::patches::registers::{RegisterFeature, RegisterLayer};
use crate::{Actor, Result, Store, StoreError};

/// One zone's coverage.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ZoneCoverage {
    pub id: i64,
    pub external_id: String,
    pub name: String,
    pub kind: String,
    pub kind_label: String,
    pub township_id: Option<i64>,
    pub township: String,
    pub village_id: Option<i64>,
    pub village: String,
    pub area_m2: f64,
    pub day: f64,
    pub night: f64,
    pub any: f64,
    #[serde(skip)]
    pub geometry: String,
}

/// Coverage summed over a township or a village.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitCoverage {
    pub township_id: i64,
    pub township: String,
    pub village_id: Option<i64>,
    pub village: String,
    pub zones: usize,
    pub area_m2: f64,
    pub day: f64,
    pub night: f64,
    pub any: f64,
    pub tracks: usize,
    pub night_tracks: usize,
    pub km: f64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CoverageReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub distance_m: f64,
    pub zones: Vec<ZoneCoverage>,
    pub townships: Vec<UnitCoverage>,
    pub villages: Vec<UnitCoverage>,
    /// The tracks of the period in the user's area, for the map.
    pub tracks: Vec<TrackRow>,
}

/// A zone, its shape, and the grid it lies in (if any).
pub(crate) type PlacedZone = (
    RegisterFeature,
    geo::MultiPolygon<f64>,
    Option<super::GridPlace>,
);

pub(crate) fn day_span_utc(from: NaiveDate, to: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = |d: NaiveDate| {
        d.and_hms_opt(0, 0, 0)
            .map_or_else(DateTime::<Utc>::default, |t| t.and_utc())
            - Duration::hours(8)
    };
    (start(from), start(to) + Duration::days(1))
}

impl Store {
    /// Coverage of every zone in the zone register by the county's tracks from `from` to
    /// `to` (Beijing days); zones are placed in the grid holding a point inside them.
    /// `distance_m` overrides the county's setting.
    ///
    /// # Errors
    /// `Invalid` for a span over 93 days or a distance outside 10–5000 m.
    pub async fn coverage_report(
        &self,
        actor: &Actor,
        from: NaiveDate,
        to: NaiveDate,
        distance_m: Option<f64>,
        today: NaiveDate,
    ) -> Result<CoverageReport> {
        if to < from || (to - from).num_days() > 92 {
            return Err(StoreError::invalid(
                "to",
                "give a span of at most three months",
            ));
        }
        let settings = {
            let mut conn = self.pool().acquire().await?;
            duty_settings_in(&mut conn, actor.county_id, today).await?
        };
        let distance_m = distance_m.unwrap_or(settings.coverage_m);
        if !(10.0..=5000.0).contains(&distance_m) {
            return Err(StoreError::invalid("distance", "must be 10–5000 m"));
        }
        let (start, end) = day_span_utc(from, to);
        let all_tracks = self.tracks(actor, start, end, true).await?;
        let walked: Vec<Track> = all_tracks
            .iter()
            .map(|t| Track {
                name: t.name.clone(),
                points: t
                    .points
                    .iter()
                    .filter(|p| p.time.is_none_or(|at| at >= start && at < end))
                    .copied()
                    .collect(),
            })
            .collect();
        let day_runs = split_by_watch(&walked, false);
        let night_runs = split_by_watch(&walked, true);
        let all_runs: Vec<Vec<(f64, f64)>> = day_runs.iter().chain(&night_runs).cloned().collect();

        let zones = self.placed_zones(actor).await?;
        // Buffering tracks against every zone is seconds of CPU for a county: done on the
        // blocking pool (and its cores), not on the thread serving other requests.
        let mut out: Vec<ZoneCoverage> = tokio::task::spawn_blocking(move || {
            zones
                .par_iter()
                .map(|(z, shape, grid)| {
                    let grid = grid.as_ref();
                    ZoneCoverage {
                        id: z.id,
                        external_id: z.external_id.clone(),
                        name: z.name.clone(),
                        kind: z.kind.clone(),
                        kind_label: ZoneKind::parse(&z.kind)
                            .map_or_else(|| z.kind.clone(), |k| k.label_zh().to_string()),
                        township_id: grid.map(|g| g.township_id),
                        township: grid.map(|g| g.township.clone()).unwrap_or_default(),
                        village_id: grid.map(|g| g.village_id),
                        village: grid.map(|g| g.village.clone()).unwrap_or_default(),
                        area_m2: z.area_m2,
                        day: coverage(shape, &day_runs, distance_m),
                        night: coverage(shape, &night_runs, distance_m),
                        any: coverage(shape, &all_runs, distance_m),
                        geometry: z.geometry.clone(),
                    }
                })
                .collect::<Vec<_>>()
        })
        .await
        .map_err(|e| StoreError::Corrupt(format!("coverage task failed: {e}")))?;
        out.retain(|z| match z.township_id {
            Some(t) => in_scope(actor, t, z.village_id),
            None => super::ground_scope(actor) == Some((None, None)),
        });

        let mine: Vec<TrackRow> = all_tracks
            .into_iter()
            .filter(|t| {
                in_scope(actor, t.township_id, t.village_id)
                    || t.village_id.is_none() && in_scope(actor, t.township_id, None)
            })
            .collect();
        let unit = |township_id: i64, township: &str, village_id: Option<i64>, village: &str| {
            let zs: Vec<&ZoneCoverage> = out
                .iter()
                .filter(|z| {
                    z.township_id == Some(township_id)
                        && (village_id.is_none() || z.village_id == village_id)
                })
                .collect();
            let area: f64 = zs.iter().fold(0.0, |a, z| a + z.area_m2);
            let weigh = |f: fn(&ZoneCoverage) -> f64| {
                if area > 0.0 {
                    zs.iter().fold(0.0, |a, z| a + f(z) * z.area_m2) / area
                } else {
                    0.0
                }
            };
            let ts: Vec<&TrackRow> = mine
                .iter()
                .filter(|t| {
                    t.township_id == township_id
                        && (village_id.is_none() || t.village_id == village_id)
                })
                .collect();
            UnitCoverage {
                township_id,
                township: township.to_string(),
                village_id,
                village: village.to_string(),
                zones: zs.len(),
                area_m2: area,
                day: weigh(|z| z.day),
                night: weigh(|z| z.night),
                any: weigh(|z| z.any),
                tracks: ts.len(),
                night_tracks: ts.iter().filter(|t| t.night_share >= 0.5).count(),
                km: ts.iter().fold(0.0, |a, t| a + t.length_m) / 1000.0,
            }
        };
        let mine_places = self.ground_grids(actor).await?;
        let mut townships: Vec<UnitCoverage> = Vec::new();
        let mut villages: Vec<UnitCoverage> = Vec::new();
        for p in &mine_places {
            if !townships.iter().any(|u| u.township_id == p.township_id) {
                townships.push(unit(p.township_id, &p.township, None, ""));
            }
            if !villages.iter().any(|u| u.village_id == Some(p.village_id)) {
                villages.push(unit(
                    p.township_id,
                    &p.township,
                    Some(p.village_id),
                    &p.village,
                ));
            }
        }
        Ok(CoverageReport {
            from,
            to,
            distance_m,
            zones: out,
            townships,
            villages,
            tracks: mine,
        })
    }

    /// Every zone of the zone register with its shape and the grid holding a point inside it.
    pub(crate) async fn placed_zones(&self, actor: &Actor) -> Result<Vec<PlacedZone>> {
        let grid_shapes: Vec<(i64, geo::MultiPolygon<f64>)> = self
            .register_features(actor.county_id, Some(RegisterLayer::Grid))
            .await?
            .into_iter()
            .filter_map(|f| f.grid_id.map(|g| (g, shape_from_geojson(&f.geometry))))
            .collect();
        let places = self.ground_grids(&Self::county_view(actor)).await?;
        Ok(self
            .register_features(actor.county_id, Some(RegisterLayer::Zone))
            .await?
            .into_iter()
            .map(|z| {
                let shape = shape_from_geojson(&z.geometry);
                let (x, y) = inner_point(&shape);
                let grid = grid_shapes
                    .iter()
                    .find(|(_, s)| s.contains(&geo::Point::new(x, y)))
                    .and_then(|(g, _)| places.iter().find(|p| p.grid_id == *g))
                    .cloned();
                (z, shape, grid)
            })
            .collect())
    }

    /// The same user seeing the whole county: zones and grids are placed county-wide
    /// before the report is cut to the user's area.
    pub(crate) fn county_view(actor: &Actor) -> Actor {
        Actor {
            role: minewatch_core::Role::CountyOffice,
            scope: minewatch_core::Scope::County,
            ..actor.clone()
        }
    }
}
