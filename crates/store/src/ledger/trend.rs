//! How many clues came in each reporting week and from where: the dashboard's trend, read
//! in the actor's scope (a clue is seen through the case it opened or joined).

use chrono::{DateTime, Duration, Utc};
use minewatch_core::ClueSource;
use minewatch_core::clock::{local_date, local_day_start};
use minewatch_core::dispatch::{week_ending, week_start};
use serde::Serialize;

use crate::sql::Sql;
use crate::{Actor, Result, Stamp, Store};

/// One reporting week (Saturday to Friday, named by its Friday) of clues by source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ClueWeek {
    pub friday: chrono::NaiveDate,
    /// Only the sources that brought clues this week.
    pub by_source: Vec<(ClueSource, i64)>,
}

impl ClueWeek {
    #[must_use]
    pub fn total(&self) -> i64 {
        self.by_source.iter().map(|(_, n)| n).sum()
    }
}

impl Store {
    /// The last `weeks` reporting weeks up to the one holding `now`, oldest first; a week
    /// without clues is there with none.
    ///
    /// # Errors
    /// On database failure.
    pub async fn clue_trend(
        &self,
        actor: &Actor,
        weeks: u32,
        now: DateTime<Utc>,
    ) -> Result<Vec<ClueWeek>> {
        let last = week_ending(local_date(now));
        let first = last - Duration::weeks(i64::from(weeks.max(1)) - 1);
        let from = Stamp::at(local_day_start(week_start(first)));
        let mut sql = Sql::new(
            "SELECT k.source, k.filed_at FROM clue k JOIN case_file c ON c.id = k.case_id WHERE k.filed_at >= ",
        );
        sql.bind_stamp(&from);
        actor.push_case_scope(&mut sql);
        let rows: Vec<(String, Stamp)> = sql.query().fetch_all_as(self.pool()).await?;
        let mut out: Vec<ClueWeek> = (0..weeks.max(1))
            .map(|i| ClueWeek {
                friday: first + Duration::weeks(i64::from(i)),
                by_source: Vec::new(),
            })
            .collect();
        for (source, at) in rows {
            let (Some(source), Some(at)) = (ClueSource::from_code(&source), at.time()) else {
                continue;
            };
            let friday = week_ending(local_date(at));
            let Some(week) = out.iter_mut().find(|w| w.friday == friday) else {
                continue;
            };
            match week.by_source.iter_mut().find(|(s, _)| *s == source) {
                Some((_, n)) => *n += 1,
                None => week.by_source.push((source, 1)),
            }
        }
        Ok(out)
    }
}
