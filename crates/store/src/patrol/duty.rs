//! The duty calendar (R16): for every unit in the user's area, the recent periods of each
//! duty — met, missed, or still open — so a unit sees what it owes and what is late.

use chrono::{Duration, NaiveDate};
use minewatch_core::patrol::duty::Cycle;
use serde::Serialize;

use minewatch_spatial::coverage::{Track, coverage, split_by_watch};
use minewatch_spatial::zone::ZoneKind;

use super::compliance::{fully_covered, patrol_days, patrolled};
use super::coverage::day_span_utc;
use super::duty_settings_in;
use crate::{Actor, Result, Store};

/// How many periods of each duty the calendar shows, the current one included.
pub const CALENDAR_PERIODS: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PeriodState {
    Met,
    Missed,
    /// The current period, not yet met.
    Open,
    /// Before the duty began.
    NotDue,
}

impl PeriodState {
    #[must_use]
    pub fn label(self, zh: bool) -> &'static str {
        match (self, zh) {
            (PeriodState::Met, true) => "已完成",
            (PeriodState::Met, false) => "Done",
            (PeriodState::Missed, true) => "未完成",
            (PeriodState::Missed, false) => "Missed",
            (PeriodState::Open, true) => "进行中",
            (PeriodState::Open, false) => "Due",
            (PeriodState::NotDue, true) => "—",
            (PeriodState::NotDue, false) => "—",
        }
    }

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            PeriodState::Met => "met",
            PeriodState::Missed => "missed",
            PeriodState::Open => "open",
            PeriodState::NotDue => "not_due",
        }
    }
}

/// The duties the calendar tracks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Duty {
    County,
    Township,
    TownshipFullCover,
    Village,
    /// A hot spot (私挖滥采易发频发区) walked at night at least weekly (seed 001: 全天候、夜间巡查).
    HotspotNight,
}

impl Duty {
    #[must_use]
    pub fn label(self, zh: bool) -> &'static str {
        match (self, zh) {
            (Duty::County, true) => "县级巡查",
            (Duty::County, false) => "County patrol",
            (Duty::Township, true) => "乡镇排查",
            (Duty::Township, false) => "Township patrol",
            (Duty::TownshipFullCover, true) => "乡镇全域巡查(每个村)",
            (Duty::TownshipFullCover, false) => "Township covers every village",
            (Duty::Village, true) => "村级排查",
            (Duty::Village, false) => "Village patrol",
            (Duty::HotspotNight, true) => "易发区夜间巡查",
            (Duty::HotspotNight, false) => "Hot spot patrolled at night",
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PeriodCell {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub state: PeriodState,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DutyLine {
    pub duty: Duty,
    pub cycle: Cycle,
    pub township_id: Option<i64>,
    pub unit: String,
    pub periods: Vec<PeriodCell>,
}

impl DutyLine {
    #[must_use]
    pub fn late(&self) -> usize {
        self.periods
            .iter()
            .filter(|p| p.state == PeriodState::Missed)
            .count()
    }
}

/// The last `n` periods of a cycle up to the one holding `today`, oldest first.
fn recent(cycle: Cycle, today: NaiveDate, n: usize) -> Vec<(NaiveDate, NaiveDate)> {
    let mut out = Vec::new();
    let mut start = cycle.period_start(today);
    for _ in 0..n {
        let end = cycle.next_start(start) - Duration::days(1);
        out.push((start, end));
        start = cycle.period_start(start - Duration::days(1));
    }
    out.reverse();
    out
}

impl Store {
    /// The duty calendar of the user's area as of `today`.
    ///
    /// # Errors
    /// On database failure.
    pub async fn duty_calendar(&self, actor: &Actor, today: NaiveDate) -> Result<Vec<DutyLine>> {
        let settings = {
            let mut conn = self.pool().acquire().await?;
            duty_settings_in(&mut conn, actor.county_id, today).await?
        };
        let grids = self.ground_grids(actor).await?;
        let c = settings.cycles;
        let earliest = [c.county, c.township, c.township_full_cover, c.village]
            .iter()
            .filter_map(|cy| recent(*cy, today, CALENDAR_PERIODS).first().map(|p| p.0))
            .min()
            .unwrap_or(today);
        let days = patrol_days(self, actor.county_id, earliest, today).await?;
        let line = |duty: Duty,
                    cycle: Cycle,
                    township_id: Option<i64>,
                    unit: String,
                    met: &dyn Fn(NaiveDate, NaiveDate) -> bool| DutyLine {
            duty,
            cycle,
            township_id,
            unit,
            periods: recent(cycle, today, CALENDAR_PERIODS)
                .into_iter()
                .map(|(start, end)| PeriodCell {
                    start,
                    end,
                    state: if end < settings.reports_from {
                        PeriodState::NotDue
                    } else if met(start, end) {
                        PeriodState::Met
                    } else if end >= today {
                        PeriodState::Open
                    } else {
                        PeriodState::Missed
                    },
                })
                .collect(),
        };
        let mut out = Vec::new();
        if super::ground_scope(actor) == Some((None, None)) {
            let (_, county) = self.county(actor.county_id).await?;
            out.push(line(Duty::County, c.county, None, county, &|a, b| {
                days.iter()
                    .any(|(l, _, _, d)| l == "county" && a <= *d && *d <= b)
            }));
        }
        let mut seen_townships = Vec::new();
        for g in &grids {
            if seen_townships.contains(&g.township_id) {
                continue;
            }
            seen_townships.push(g.township_id);
            if actor.scope == minewatch_core::Scope::Village(g.village_id) {
                continue;
            }
            let own: Vec<i64> = grids
                .iter()
                .filter(|x| x.township_id == g.township_id)
                .map(|x| x.village_id)
                .collect();
            let t = g.township_id;
            out.push(line(
                Duty::Township,
                c.township,
                Some(t),
                g.township.clone(),
                &|a, b| patrolled(&days, "township", t, None, a, b),
            ));
            out.push(line(
                Duty::TownshipFullCover,
                c.township_full_cover,
                Some(t),
                g.township.clone(),
                &|a, b| fully_covered(&days, t, &own, a, b),
            ));
        }
        // Hot spots: some of the zone within the coverage distance of a night track, weekly.
        let week_start = recent(Cycle::Weekly, today, CALENDAR_PERIODS)
            .first()
            .map_or(today, |p| p.0);
        let (from, to) = day_span_utc(week_start, today);
        let tracks = self.tracks(actor, from, to, true).await?;
        for (zone, shape, grid) in self.placed_zones(actor).await? {
            let Some(g) = grid else { continue };
            if ZoneKind::parse(&zone.kind) != Some(ZoneKind::IllegalHotspot)
                || !super::in_scope(actor, g.township_id, Some(g.village_id))
            {
                continue;
            }
            let walked_at_night = |a: NaiveDate, b: NaiveDate| {
                let (start, end) = day_span_utc(a, b);
                let within: Vec<Track> = tracks
                    .iter()
                    .map(|t| Track {
                        name: String::new(),
                        points: t
                            .points
                            .iter()
                            .filter(|p| p.time.is_some_and(|at| at >= start && at < end))
                            .copied()
                            .collect(),
                    })
                    .collect();
                coverage(&shape, &split_by_watch(&within, true), settings.coverage_m) > 0.0
            };
            out.push(line(
                Duty::HotspotNight,
                Cycle::Weekly,
                Some(g.township_id),
                format!("{} {} {}", g.township, zone.external_id, zone.name),
                &walked_at_night,
            ));
        }
        let mut seen_villages = Vec::new();
        for g in &grids {
            if seen_villages.contains(&g.village_id) {
                continue;
            }
            seen_villages.push(g.village_id);
            let (t, v) = (g.township_id, g.village_id);
            out.push(line(
                Duty::Village,
                c.village,
                Some(t),
                format!("{} {}", g.township, g.village),
                &|a, b| patrolled(&days, "village", t, Some(v), a, b),
            ));
        }
        Ok(out)
    }
}
