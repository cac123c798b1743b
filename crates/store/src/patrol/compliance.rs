//! Compliance figures per township and village over a period: daily reports due, filed,
//! late and missing (R17); patrol duty met (R16); coverage of the zones (R19).

use chrono::{Duration, NaiveDate};
use minewatch_core::patrol::duty::{Cycle, DutySettings};
use serde::Serialize;

use super::duty_settings_in;
use crate::{Actor, Result, Store, StoreError};

/// A township's or a village's figures.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitCompliance {
    pub township_id: i64,
    pub township: String,
    pub village_id: Option<i64>,
    pub village: String,
    pub grids: usize,
    pub reports_due: i64,
    pub filed: i64,
    pub late: i64,
    pub missing: i64,
    pub nothing_found: i64,
    pub with_findings: i64,
    /// The level's own duty: weekly for a village, monthly for a township.
    pub patrol_owed: usize,
    pub patrol_met: usize,
    /// A township's whole area (every village) patrolled by the township, per week.
    pub full_cover_owed: usize,
    pub full_cover_met: usize,
    /// Area-weighted share of the unit's zones near a track (None: no zones there).
    pub coverage_any: Option<f64>,
    pub coverage_night: Option<f64>,
}

impl UnitCompliance {
    #[must_use]
    pub fn duty_met(&self) -> bool {
        self.patrol_met == self.patrol_owed && self.full_cover_met == self.full_cover_owed
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Compliance {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The last day counted: yesterday at most (today is not over).
    pub counted_to: NaiveDate,
    pub townships: Vec<UnitCompliance>,
    pub villages: Vec<UnitCompliance>,
}

/// A patrol on record: level, township, village, day.
pub(crate) type PatrolDay = (String, i64, i64, NaiveDate);

pub(crate) async fn patrol_days(
    store: &Store,
    county_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<PatrolDay>> {
    let rows = crate::db::query(
        "SELECT level, township_id, village_id, patrolled_on FROM patrol_record WHERE county_id = $1 AND patrolled_on BETWEEN $2 AND $3",
    )
    .bind(county_id)
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_all_as::<(String, i64, i64, String)>(store.pool())
    .await?;
    rows.into_iter()
        .map(|(level, township, village, day)| {
            Ok((
                level,
                township,
                village,
                super::parse_day("patrolled_on", &day)?,
            ))
        })
        .collect()
}

/// Whether `(start, end)` had a patrol at `level` in the unit.
pub(crate) fn patrolled(
    days: &[PatrolDay],
    level: &str,
    township: i64,
    village: Option<i64>,
    start: NaiveDate,
    end: NaiveDate,
) -> bool {
    days.iter().any(|(l, t, v, d)| {
        l == level && *t == township && village.is_none_or(|x| x == *v) && start <= *d && *d <= end
    })
}

/// Whether every village of a township had a township patrol in `(start, end)`.
pub(crate) fn fully_covered(
    days: &[PatrolDay],
    township: i64,
    villages: &[i64],
    start: NaiveDate,
    end: NaiveDate,
) -> bool {
    !villages.is_empty()
        && villages
            .iter()
            .all(|v| patrolled(days, "township", township, Some(*v), start, end))
}

pub(crate) fn periods(
    cycle: Cycle,
    settings: &DutySettings,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<(NaiveDate, NaiveDate)> {
    cycle
        .completed_periods(from.max(settings.reports_from), to)
        .into_iter()
        .filter(|(a, _)| *a >= cycle.period_start(settings.reports_from))
        .collect()
}

impl Store {
    /// Figures for the user's townships and villages from `from` to `to`.
    ///
    /// # Errors
    /// `Invalid` for a span over a year.
    pub async fn compliance(
        &self,
        actor: &Actor,
        from: NaiveDate,
        to: NaiveDate,
        today: NaiveDate,
    ) -> Result<Compliance> {
        if to < from || (to - from).num_days() > 366 {
            return Err(StoreError::invalid("to", "give a span of at most a year"));
        }
        let settings = {
            let mut conn = self.pool().acquire().await?;
            duty_settings_in(&mut conn, actor.county_id, today).await?
        };
        let counted_to = to.min(today - Duration::days(1));
        let first = from.max(settings.reports_from);
        let grids = self.ground_grids(actor).await?;
        let days = patrol_days(self, actor.county_id, from - Duration::days(93), to).await?;
        // (grid, due, filed, late, nothing, findings)
        let rows = crate::db::query(
            "SELECT grid_id, late, nothing_found FROM zero_report WHERE county_id = $1 AND report_date BETWEEN $2 AND $3",
        )
        .bind(actor.county_id)
        .bind(first.to_string())
        .bind(counted_to.to_string())
        .fetch_all_as::<(i64, bool, bool)>(self.pool())
        .await?;
        let mut per_grid: std::collections::HashMap<i64, (i64, i64, i64, i64)> =
            std::collections::HashMap::new();
        for (grid, late, nothing_found) in rows {
            let e = per_grid.entry(grid).or_default();
            e.0 += 1;
            e.1 += i64::from(late);
            let nothing = i64::from(nothing_found);
            e.2 += nothing;
            e.3 += 1 - nothing;
        }
        let due_days = if counted_to >= first {
            (counted_to - first).num_days() + 1
        } else {
            0
        };
        let coverage = if counted_to >= from {
            Some(
                self.coverage_report(actor, from, to.min(from + Duration::days(92)), None, today)
                    .await?,
            )
        } else {
            None
        };
        let cover_of = |t: i64, v: Option<i64>| {
            coverage.as_ref().and_then(|c| {
                let list = if v.is_some() {
                    &c.villages
                } else {
                    &c.townships
                };
                list.iter()
                    .find(|u| u.township_id == t && u.village_id == v && u.zones > 0)
                    .map(|u| (u.any, u.night))
            })
        };
        let village_periods = periods(settings.cycles.village, &settings, from, counted_to);
        let township_periods = periods(settings.cycles.township, &settings, from, counted_to);
        let cover_periods = periods(
            settings.cycles.township_full_cover,
            &settings,
            from,
            counted_to,
        );

        let mut villages: Vec<UnitCompliance> = Vec::new();
        for g in &grids {
            let (filed, late, nothing, findings) =
                per_grid.get(&g.grid_id).copied().unwrap_or_default();
            let pos = villages
                .iter()
                .position(|u| u.village_id == Some(g.village_id));
            let u = if let Some(i) = pos {
                &mut villages[i]
            } else {
                let cover = cover_of(g.township_id, Some(g.village_id));
                villages.push(UnitCompliance {
                    township_id: g.township_id,
                    township: g.township.clone(),
                    village_id: Some(g.village_id),
                    village: g.village.clone(),
                    grids: 0,
                    reports_due: 0,
                    filed: 0,
                    late: 0,
                    missing: 0,
                    nothing_found: 0,
                    with_findings: 0,
                    patrol_owed: village_periods.len(),
                    patrol_met: village_periods
                        .iter()
                        .filter(|(a, b)| {
                            patrolled(&days, "village", g.township_id, Some(g.village_id), *a, *b)
                        })
                        .count(),
                    full_cover_owed: 0,
                    full_cover_met: 0,
                    coverage_any: cover.map(|c| c.0),
                    coverage_night: cover.map(|c| c.1),
                });
                villages
                    .last_mut()
                    .ok_or_else(|| StoreError::Corrupt("empty list".into()))?
            };
            u.grids += 1;
            u.reports_due += due_days;
            u.filed += filed;
            u.late += late;
            u.missing += (due_days - filed).max(0);
            u.nothing_found += nothing;
            u.with_findings += findings;
        }
        let mut townships: Vec<UnitCompliance> = Vec::new();
        for v in &villages {
            if !townships.iter().any(|t| t.township_id == v.township_id) {
                let own: Vec<i64> = villages
                    .iter()
                    .filter(|x| x.township_id == v.township_id)
                    .filter_map(|x| x.village_id)
                    .collect();
                let cover = cover_of(v.township_id, None);
                townships.push(UnitCompliance {
                    township_id: v.township_id,
                    township: v.township.clone(),
                    village_id: None,
                    village: String::new(),
                    grids: 0,
                    reports_due: 0,
                    filed: 0,
                    late: 0,
                    missing: 0,
                    nothing_found: 0,
                    with_findings: 0,
                    patrol_owed: township_periods.len(),
                    patrol_met: township_periods
                        .iter()
                        .filter(|(a, b)| patrolled(&days, "township", v.township_id, None, *a, *b))
                        .count(),
                    full_cover_owed: cover_periods.len(),
                    full_cover_met: cover_periods
                        .iter()
                        .filter(|(a, b)| fully_covered(&days, v.township_id, &own, *a, *b))
                        .count(),
                    coverage_any: cover.map(|c| c.0),
                    coverage_night: cover.map(|c| c.1),
                });
            }
            if let Some(t) = townships
                .iter_mut()
                .find(|t| t.township_id == v.township_id)
            {
                t.grids += v.grids;
                t.reports_due += v.reports_due;
                t.filed += v.filed;
                t.late += v.late;
                t.missing += v.missing;
                t.nothing_found += v.nothing_found;
                t.with_findings += v.with_findings;
            }
        }
        Ok(Compliance {
            from,
            to,
            counted_to,
            townships,
            villages,
        })
    }
}
