//! The demo county on the ground: two weeks of daily reports (a township that never misses,
//! a grid that stopped reporting four days ago), patrol records at every level with their
//! sign-offs, night and day tracks around the zones, and one planted case: a satellite
//! patch confirmed as illegal digging in a grid that reported "nothing found" all the week
//! before and patrolled past the site — it raises exactly one accountability lead.

use chrono::{DateTime, Duration, NaiveDate, Timelike, Utc};
use minewatch_core::clock::local_date;
use minewatch_core::patrol::duty::DutySettings;
use minewatch_spatial::coverage::{Track, TrackPoint};
use minewatch_spatial::inputs::Fields;
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use super::patches::{M_PER_DEG, Sites, VillageCell, blob, feature, layer};
use crate::ledger::events::stamp;
use crate::patrol::reports::insert_report_tx;
use crate::{
    Actor, CaseFilter, NewPatrolRecord, NewTrack, NewVerification, PatchFilter, PatrolStep, Result,
    Store, StoreError,
};

/// The township whose grids never miss a day (西岭镇), where the planted case lies.
pub(crate) const DILIGENT_TOWNSHIP: usize = 1;
/// The township with a grid that stopped reporting (石门乡).
pub(crate) const LAPSED_TOWNSHIP: usize = 4;

const SITUATIONS: [&str; 6] = [
    "沿沟道、河滩巡查，未发现私挖滥采",
    "检查废弃矿井口封堵完好，无新近开挖痕迹",
    "检查村内养殖场、院落，无异常用电和出渣",
    "夜间巡查主要路口，无运输矿石车辆",
    "检查石料场，未越界开采，来源凭证齐全",
    "巡查山坡林地，无新开挖痕迹",
];

/// The people and places the ground needs.
pub(crate) struct Ground<'a> {
    pub store: &'a Store,
    pub office: &'a Actor,
    /// (township id, …) in roster order, with the township's user beside it.
    pub townships: &'a [(i64, f64, f64)],
    pub township_users: &'a [Actor],
    /// (township id, village id, x, y) in roster order, with the village's user beside it.
    pub villages: &'a [(i64, i64, f64, f64)],
    pub village_users: &'a [Actor],
    pub cells: &'a [VillageCell],
    pub now: DateTime<Utc>,
}

/// Beijing time `hour:minute` on `day`.
fn local(day: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    day.and_hms_opt(hour, minute, 0)
        .map_or_else(DateTime::<Utc>::default, |t| t.and_utc())
        - Duration::hours(8)
}

impl Ground<'_> {
    fn today(&self) -> NaiveDate {
        local_date(self.now)
    }

    fn village_user(&self, village_id: i64) -> Result<&Actor> {
        self.villages
            .iter()
            .position(|v| v.1 == village_id)
            .and_then(|i| self.village_users.get(i))
            .ok_or_else(|| StoreError::Corrupt(format!("no demo user for village {village_id}")))
    }

    fn township_index(&self, township_id: i64) -> usize {
        self.townships
            .iter()
            .position(|t| t.0 == township_id)
            .unwrap_or(0)
    }

    fn lapsed_village(&self) -> Option<i64> {
        let t = self.townships.get(LAPSED_TOWNSHIP)?.0;
        self.villages.iter().find(|v| v.0 == t).map(|v| v.1)
    }
}

/// Duty from two weeks ago, and every grid's daily reports since.
pub(crate) async fn reports(g: &Ground<'_>, rng: &mut StdRng) -> Result<()> {
    let today = g.today();
    let from = today - Duration::days(14);
    // The demo's township and village accounts sign for the roster's people: the county
    // allows it, and every such signature shows as 代签.
    let settings = DutySettings {
        proxy_signing: true,
        ..DutySettings::starting(from)
    };
    g.store
        .set_duty_settings(g.office, &settings, g.now)
        .await?;
    let grids = g.store.ground_grids(g.office).await?;
    let lapsed = g.lapsed_village();
    let first_village = g.villages.first().map(|v| v.1);
    let local_hour = (g.now + Duration::hours(8)).hour();
    for grid in &grids {
        let user = g.village_user(grid.village_id)?;
        let diligent = g.township_index(grid.township_id) == DILIGENT_TOWNSHIP;
        let mut tx = g.store.begin_write(&stamp(g.now)).await?;
        for k in (1..=14).rev() {
            let day = today - Duration::days(k);
            if Some(grid.village_id) == lapsed && k <= 4 {
                continue;
            }
            let r: f64 = rng.r#gen();
            if !diligent && r < 0.03 {
                continue;
            }
            let late = !diligent && r < 0.06;
            let filed = if late {
                local(day + Duration::days(1), 9, rng.gen_range(0..59))
            } else {
                local(day, rng.gen_range(17..22), rng.gen_range(0..59))
            };
            insert_report_tx(
                &mut tx,
                user,
                grid,
                day,
                true,
                "",
                None,
                late,
                &stamp(filed),
            )
            .await?;
        }
        // By mid-morning some grids have reported today; 村01 has not yet.
        if local_hour >= 9 && Some(grid.village_id) != first_village && rng.gen_bool(0.4) {
            let filed = g.now - Duration::minutes(rng.gen_range(1..50));
            insert_report_tx(
                &mut tx,
                user,
                grid,
                today,
                true,
                "",
                None,
                false,
                &stamp(filed),
            )
            .await?;
        }
        tx.commit().await?;
    }
    Ok(())
}

async fn patrol(
    g: &Ground<'_>,
    by: &Actor,
    village_id: i64,
    day: NaiveDate,
    rng: &mut StdRng,
) -> Result<()> {
    let at = local(day, rng.gen_range(15..18), rng.gen_range(0..59));
    let record = NewPatrolRecord {
        village_id,
        patrolled_on: day,
        address: format!(
            "{}至{}",
            super::PLACES.choose(rng).copied().unwrap_or("后山"),
            super::PLACES.choose(rng).copied().unwrap_or("河滩")
        ),
        situation: SITUATIONS
            .choose(rng)
            .copied()
            .unwrap_or("未发现异常")
            .to_string(),
        measures: "继续加强巡查，做好政策宣传".into(),
        ..NewPatrolRecord::default()
    };
    let id = g.store.add_patrol_record(by, &record, at).await?;
    let township = g.township_users.get(
        g.township_index(
            g.villages
                .iter()
                .find(|v| v.1 == village_id)
                .map_or(0, |v| v.0),
        ),
    );
    let head = rng.gen_bool(0.9);
    let cadre = rng.gen_bool(0.8);
    if head {
        g.store
            .sign_patrol_record(
                g.village_user(village_id)?,
                id,
                PatrolStep::HeadSigns,
                at + Duration::hours(1),
            )
            .await?;
    }
    if let Some(t) = township
        && cadre
    {
        g.store
            .sign_patrol_record(t, id, PatrolStep::CadreSigns, at + Duration::hours(20))
            .await?;
        if head && rng.gen_bool(0.9) {
            g.store
                .sign_patrol_record(
                    t,
                    id,
                    PatrolStep::TownshipConfirms,
                    at + Duration::hours(22),
                )
                .await?;
        }
    }
    Ok(())
}

/// Two weeks of patrol records: villages weekly, townships across their villages (some
/// every village, some not), the county once this quarter.
pub(crate) async fn patrols(g: &Ground<'_>, rng: &mut StdRng) -> Result<()> {
    let today = g.today();
    for k in [2_i64, 1] {
        let week = today - Duration::days(7 * k);
        let day_in_week = |rng: &mut StdRng| week + Duration::days(rng.gen_range(0..7));
        for v in g.villages {
            if rng.gen_bool(0.85) {
                let d = day_in_week(rng);
                patrol(g, g.village_user(v.1)?, v.1, d, rng).await?;
            }
        }
        for (i, t) in g.townships.iter().enumerate() {
            let Some(user) = g.township_users.get(i) else {
                continue;
            };
            let full = rng.gen_bool(0.6);
            for v in g.villages.iter().filter(|v| v.0 == t.0) {
                if full || rng.gen_bool(0.5) {
                    let d = day_in_week(rng);
                    patrol(g, user, v.1, d, rng).await?;
                }
            }
        }
    }
    if let Some(v) = g.villages.choose(rng) {
        patrol(g, g.office, v.1, today - Duration::days(10), rng).await?;
    }
    Ok(())
}

/// A track of `n` fixes a minute apart along `points` (lon, lat), from `start`.
fn track(name: &str, start: DateTime<Utc>, points: &[(f64, f64)]) -> Track {
    Track {
        name: name.into(),
        points: points
            .iter()
            .enumerate()
            .map(|(i, &(lon, lat))| TrackPoint {
                lon,
                lat,
                time: Some(start + Duration::minutes(i64::try_from(i).unwrap_or(0))),
            })
            .collect(),
    }
}

fn ring(x: f64, y: f64, r_m: f64, n: usize, share: f64) -> Vec<(f64, f64)> {
    let kx = M_PER_DEG * y.to_radians().cos();
    (0..=n)
        .map(|i| {
            let a = std::f64::consts::TAU * share * i as f64 / n as f64;
            (x + r_m * a.cos() / kx, y + r_m * a.sin() / M_PER_DEG)
        })
        .collect()
}

fn cell_of(cells: &[VillageCell], x: f64, y: f64) -> Option<usize> {
    cells
        .iter()
        .position(|c| c.x0 <= x && x < c.x1 && c.y0 <= y && y < c.y1)
}

/// Tracks around the zones: key zones walked at night, protected ones half-walked by day.
pub(crate) async fn tracks(g: &Ground<'_>, sites: &Sites) -> Result<()> {
    let today = g.today();
    for (n, &(x, y, r, kind)) in sites.zones.iter().enumerate() {
        let Some(i) = cell_of(g.cells, x, y) else {
            continue;
        };
        let (Some(v), Some(user)) = (g.villages.get(i), g.village_users.get(i)) else {
            continue;
        };
        let key = kind.contains("私挖") || kind.contains("矿井");
        let (start, share) = if key {
            (local(today - Duration::days(3), 21, 10), 1.0)
        } else {
            (local(today - Duration::days(5), 9, 30), 0.5)
        };
        let new = NewTrack {
            township_id: Some(v.0),
            village_id: Some(v.1),
            source: "gpx",
            track: track(
                &format!("巡查轨迹{}", n + 1),
                start,
                &ring(x, y, r * 0.8, 60, share),
            ),
            client_ref: None,
            file_sha256: None,
        };
        g.store
            .add_track(user, &new, start + Duration::hours(2))
            .await?;
    }
    Ok(())
}

/// The planted case: a patch in a diligent grid, well away from every licence, zone and
/// case, confirmed illegal two days after the image; the grid said "nothing found" every
/// day before and walked past the site at night. Returns the case id.
pub(crate) async fn planted_case(
    g: &Ground<'_>,
    sites: &Sites,
    rng: &mut StdRng,
) -> Result<crate::CaseId> {
    let today = g.today();
    let diligent = g
        .townships
        .get(DILIGENT_TOWNSHIP)
        .ok_or_else(|| StoreError::Corrupt("no diligent township".into()))?
        .0;
    let (cases, _) = g
        .store
        .list_cases(
            g.office,
            &CaseFilter {
                township_id: Some(diligent),
                ..CaseFilter::default()
            },
            today,
            1,
            10_000,
        )
        .await?;
    let far = |x: f64, y: f64| {
        let kx = M_PER_DEG * y.to_radians().cos();
        let dist = |a: f64, b: f64| ((a - x) * kx).hypot((b - y) * M_PER_DEG);
        sites
            .licences
            .iter()
            .all(|&(a, b, r)| dist(a, b) > r + 400.0)
            && sites
                .zones
                .iter()
                .all(|&(a, b, r, _)| dist(a, b) > r * 1.5 + 400.0)
            && cases.iter().all(|c| match (c.lon, c.lat) {
                (Some(a), Some(b)) => dist(a, b) > 500.0,
                _ => true,
            })
    };
    let mut spot = None;
    'search: for (i, _) in g
        .villages
        .iter()
        .enumerate()
        .filter(|(_, v)| v.0 == diligent)
    {
        let Some(c) = g.cells.get(i) else { continue };
        for a in 1..6 {
            for b in 1..6 {
                let x = c.x0 + (c.x1 - c.x0) * f64::from(a) / 6.0;
                let y = c.y0 + (c.y1 - c.y0) * f64::from(b) / 6.0;
                if far(x, y) {
                    spot = Some((i, x, y));
                    break 'search;
                }
            }
        }
    }
    let (i, x, y) =
        spot.ok_or_else(|| StoreError::Corrupt("no free place for the planted case".into()))?;
    let user = g
        .village_users
        .get(i)
        .ok_or_else(|| StoreError::Corrupt("no user for the planted village".into()))?;
    // The night patrol of four days ago passed 150 m north of the site.
    let kx = M_PER_DEG * y.to_radians().cos();
    let line: Vec<(f64, f64)> = (0..=40)
        .map(|k| {
            (
                x + (f64::from(k) * 50.0 - 1000.0) / kx,
                y + 150.0 / M_PER_DEG,
            )
        })
        .collect();
    let night = local(today - Duration::days(4), 22, 5);
    g.store
        .add_track(
            user,
            &NewTrack {
                township_id: None,
                village_id: None,
                source: "phone",
                track: track("夜间巡查", night, &line),
                client_ref: None,
                file_sha256: None,
            },
            night + Duration::hours(1),
        )
        .await?;
    let image_day = today - Duration::days(2);
    let batch = format!(
        "{}年{}月卫片监测",
        image_day.format("%Y"),
        image_day.format("%-m")
    );
    let number = format!("QL{}-001", image_day.format("%Y%m"));
    let patches = layer(
        "patches",
        vec![feature(
            1,
            blob(rng, x, y, 70.0, 12, 0.3),
            &[
                ("patch_id", number.clone()),
                ("later_date", image_day.to_string()),
            ],
        )],
    );
    let imported = g.now - Duration::hours(26);
    let summary = g
        .store
        .import_patches_with_images(
            g.office,
            &batch,
            patches,
            &Fields::default(),
            &crate::PatchImages::new(),
            imported,
        )
        .await?;
    let patch = g
        .store
        .patches(
            g.office,
            &PatchFilter {
                batch_id: Some(summary.batch_id),
                ..PatchFilter::default()
            },
        )
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| StoreError::Corrupt("planted patch not stored".into()))?;
    g.store
        .verify_patch(
            user,
            patch.id,
            &NewVerification {
                reason: "unlicensed".into(),
                permit_no: String::new(),
                note: "现场有新近开挖的采坑和运输车辙，无采矿许可证".into(),
                photos: vec![],
                ..Default::default()
            },
            imported + Duration::hours(6),
        )
        .await?;
    g.store
        .review_patch(g.office, patch.id, true, "", g.now - Duration::hours(2))
        .await?;
    patch
        .case_id
        .ok_or_else(|| StoreError::Corrupt("planted patch opened no case".into()))
}
