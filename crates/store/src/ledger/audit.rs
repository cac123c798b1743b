//! `audit verify`: re-walks the event chain and re-derives every case's state from it.

use crate::ledger::events::EventRow;
use crate::{Result, Store, StoreError};
use chrono::DateTime;
use minewatch_core::clock::local_date;
use minewatch_core::ledger::chain::{self, ChainBreak};
use minewatch_core::{CaseAction, CaseState};
use std::collections::BTreeMap;

/// What the audit checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditReport {
    pub events: i64,
    pub cases: usize,
}

/// Why the audit failed, naming the record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuditFailure {
    #[error(transparent)]
    Chain(#[from] ChainBreak),
    #[error("case {number}: stored state does not follow from its events ({detail})")]
    StateMismatch { number: String, detail: String },
}

impl Store {
    /// Verifies the whole log and every case's stored state.
    ///
    /// # Errors
    /// `Ok(Err(failure))` names the first broken record; `Err` is a database failure.
    pub async fn audit_verify(&self) -> Result<std::result::Result<AuditReport, AuditFailure>> {
        let (head_seq, head_hash): (i64, String) =
            crate::db::query("SELECT seq, hash FROM chain_head WHERE id = 1")
                .fetch_one_as(self.pool())
                .await?;
        let rows = crate::db::query(
            "SELECT seq, at, actor_user_id, county_id, case_id, clue_id, kind, payload, attachments, prev_hash, hash FROM event ORDER BY seq",
        )
        .fetch_all_as::<EventRow>(self.pool())
        .await?;
        let records: Vec<chain::EventRecord> =
            rows.into_iter().map(chain::EventRecord::from).collect();
        let count = match chain::verify(records.iter().cloned(), head_seq, &head_hash) {
            Ok(n) => n,
            Err(b) => return Ok(Err(b.into())),
        };

        let mut derived: BTreeMap<i64, std::result::Result<CaseState, String>> = BTreeMap::new();
        for rec in &records {
            let Some(case_id) = rec.case_id else { continue };
            let at = DateTime::parse_from_rfc3339(&rec.at)
                .map_err(|e| StoreError::Corrupt(format!("event #{} time: {e}", rec.seq)))?
                .with_timezone(&chrono::Utc);
            if rec.kind == "case.opened" {
                let payload: serde_json::Value =
                    serde_json::from_str(&rec.payload).unwrap_or_default();
                let verify_by = payload["verify_by"]
                    .as_str()
                    .and_then(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok());
                let state = verify_by
                    .map(CaseState::opened)
                    .ok_or_else(|| format!("event #{} has no verify_by", rec.seq));
                derived.insert(case_id, state);
            } else if rec.kind.starts_with("action.") {
                let entry = derived.entry(case_id).or_insert_with(|| {
                    Err(format!("event #{} before the case was opened", rec.seq))
                });
                if let Ok(state) = entry {
                    let next = serde_json::from_str::<CaseAction>(&rec.payload)
                        .map_err(|e| format!("event #{}: {e}", rec.seq))
                        .and_then(|a| {
                            state
                                .apply(&a, local_date(at))
                                .map_err(|r| format!("event #{}: {r}", rec.seq))
                        });
                    *entry = next;
                }
            }
        }
        let cases = crate::db::query("SELECT id, number, state_json FROM case_file ORDER BY id")
            .fetch_all_as::<(i64, String, String)>(self.pool())
            .await?;
        let case_count = cases.len();
        for (id, number, stored) in cases {
            let stored: Option<CaseState> = serde_json::from_str(&stored).ok();
            match derived.get(&id) {
                Some(Ok(state)) if stored.as_ref() == Some(state) => {}
                Some(Ok(state)) => {
                    return Ok(Err(AuditFailure::StateMismatch {
                        number,
                        detail: format!("events give status '{}'", state.status.code()),
                    }));
                }
                Some(Err(detail)) => {
                    return Ok(Err(AuditFailure::StateMismatch {
                        number,
                        detail: detail.clone(),
                    }));
                }
                None => {
                    return Ok(Err(AuditFailure::StateMismatch {
                        number,
                        detail: "no 'case.opened' event".into(),
                    }));
                }
            }
        }
        Ok(Ok(AuditReport {
            events: count,
            cases: case_count,
        }))
    }
}
