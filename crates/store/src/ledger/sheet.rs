//! The ledger as the 台账 an office files: every case under the page's filters, with what
//! the page's row leaves out — the case's state (两断三清 done, 行刑衔接 and 纪检 stages,
//! seizure, restoration) and the village's grid officials and 包村干部.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use minewatch_core::CaseState;

use crate::ledger::cases::{CaseFilter, CaseRow, push_filter};
use crate::sql::Sql;
use crate::{Actor, Result, Store};

/// One line of the 台账.
#[derive(Debug, Clone)]
pub struct LedgerLine {
    pub case: CaseRow,
    /// `None` only for a case opened between the two reads of an export.
    pub state: Option<CaseState>,
    /// The 整改时限 as last decided; kept after closing, when the case's own due date is
    /// cleared.
    pub rectify_by: Option<NaiveDate>,
    /// The village's grids' directly responsible officials (网格责任人), in grid order.
    pub grid_officials: Vec<String>,
    /// The village's 包村干部.
    pub village_cadres: Vec<String>,
}

impl Store {
    /// Every case under the filters in the actor's scope, oldest first, as the 台账 lists
    /// them (序号 in order of registration).
    ///
    /// # Errors
    /// On database failure.
    pub async fn ledger_sheet(
        &self,
        actor: &Actor,
        f: &CaseFilter,
        today: NaiveDate,
    ) -> Result<Vec<LedgerLine>> {
        let (mut rows, _) = self.list_cases(actor, f, today, 1, 100_000).await?;
        rows.reverse();

        let mut sql = Sql::new("SELECT c.id, c.state_json FROM case_file c WHERE 1 = 1");
        actor.push_case_scope(&mut sql);
        push_filter(&mut sql, f, today);
        let states: Vec<(i64, String)> = sql.query().fetch_all_as(self.pool()).await?;
        let states: HashMap<i64, CaseState> = states
            .into_iter()
            .filter_map(|(id, json)| Some((id, serde_json::from_str(&json).ok()?)))
            .collect();

        let mut sql = Sql::new(
            "SELECT e.case_id, e.payload FROM event e JOIN case_file c ON c.id = e.case_id \
             WHERE e.kind = 'action.decide'",
        );
        actor.push_case_scope(&mut sql);
        push_filter(&mut sql, f, today);
        sql.push(" ORDER BY e.seq");
        let decisions: Vec<(i64, String)> = sql.query().fetch_all_as(self.pool()).await?;
        let mut rectify_by: HashMap<i64, NaiveDate> = HashMap::new();
        for (case, payload) in decisions {
            let deadline = serde_json::from_str::<serde_json::Value>(&payload)
                .ok()
                .and_then(|v| v["deadline"].as_str().map(str::to_string))
                .and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok());
            if let Some(d) = deadline {
                rectify_by.insert(case, d);
            }
        }

        let grids: Vec<(i64, String, String)> = crate::db::query(
            "SELECT g.village_id, g.directly_responsible, g.village_cadre FROM grid g \
             JOIN village v ON v.id = g.village_id JOIN township t ON t.id = v.township_id \
             WHERE t.county_id = $1 ORDER BY g.id",
        )
        .bind(actor.county_id)
        .fetch_all_as(self.pool())
        .await?;
        let mut officials: HashMap<i64, (Vec<String>, BTreeSet<String>)> = HashMap::new();
        for (village, official, cadre) in grids {
            let entry = officials.entry(village).or_default();
            if !official.is_empty() && !entry.0.contains(&official) {
                entry.0.push(official);
            }
            if !cadre.is_empty() {
                entry.1.insert(cadre);
            }
        }

        Ok(rows
            .into_iter()
            .map(|case| {
                let (grid_officials, village_cadres) = case
                    .village_id
                    .and_then(|v| officials.get(&v))
                    .map(|(o, c)| (o.clone(), c.iter().cloned().collect()))
                    .unwrap_or_default();
                LedgerLine {
                    state: states.get(&case.id.0).cloned(),
                    rectify_by: rectify_by.get(&case.id.0).copied(),
                    case,
                    grid_officials,
                    village_cadres,
                }
            })
            .collect())
    }
}
