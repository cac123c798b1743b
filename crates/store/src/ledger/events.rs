//! Appending to the hash-chained event log. Only called inside a transaction opened by
//! `Store::begin_write`, which already holds the chain-head lock.

use crate::Result;
use minewatch_core::ledger::chain::EventRecord;

/// An event about to be written; `seq`, `prev_hash` and `hash` are filled in here.
pub(crate) struct NewEvent<'a> {
    pub at: &'a str,
    pub actor: Option<crate::UserId>,
    pub county_id: i64,
    pub case_id: Option<crate::CaseId>,
    pub clue_id: Option<crate::ClueId>,
    pub kind: &'a str,
    pub payload: String,
    pub attachments: &'a [String],
}

/// Logs a step of `actor` that concerns no case or clue (a setting, a report, a decision).
pub(crate) async fn log(
    conn: &mut crate::db::Conn,
    actor: &crate::Actor,
    at: &str,
    kind: &str,
    payload: &serde_json::Value,
) -> Result<i64> {
    append(
        conn,
        NewEvent {
            at,
            actor: Some(actor.user_id),
            county_id: actor.county_id,
            case_id: None,
            clue_id: None,
            kind,
            payload: payload.to_string(),
            attachments: &[],
        },
    )
    .await
}

pub(crate) async fn append(conn: &mut crate::db::Conn, ev: NewEvent<'_>) -> Result<i64> {
    let (prev_seq, prev_hash): (i64, String) =
        crate::db::query("SELECT seq, hash FROM chain_head WHERE id = 1")
            .fetch_one_as(&mut *conn)
            .await?;
    let mut rec = EventRecord {
        seq: prev_seq + 1,
        at: ev.at.to_string(),
        actor_user_id: ev.actor.map(|u| u.0),
        county_id: ev.county_id,
        case_id: ev.case_id.map(|c| c.0),
        clue_id: ev.clue_id.map(|c| c.0),
        kind: ev.kind.to_string(),
        payload: ev.payload,
        attachments: ev.attachments.join(","),
        prev_hash,
        hash: String::new(),
    };
    rec.hash = rec.compute_hash();
    crate::db::query(
        "INSERT INTO event (seq, at, actor_user_id, county_id, case_id, clue_id, kind, payload, attachments, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(rec.seq)
    .bind(rec.at.clone())
    .bind(rec.actor_user_id)
    .bind(rec.county_id)
    .bind(rec.case_id)
    .bind(rec.clue_id)
    .bind(rec.kind.clone())
    .bind(rec.payload.clone())
    .bind(rec.attachments.clone())
    .bind(rec.prev_hash.clone())
    .bind(rec.hash.clone())
    .execute(&mut *conn)
    .await?;
    if let Some(case_id) = ev.case_id {
        crate::attachments::record_use(
            &mut *conn,
            ev.county_id,
            crate::attachments::Owner::Case(case_id),
            ev.attachments,
        )
        .await?;
    }
    crate::db::query("UPDATE chain_head SET seq = $1, hash = $2 WHERE id = 1")
        .bind(rec.seq)
        .bind(rec.hash)
        .execute(&mut *conn)
        .await?;
    Ok(rec.seq)
}

/// A stored event, every column its hash covers.
#[derive(sqlx::FromRow)]
pub(crate) struct EventRow {
    seq: i64,
    at: String,
    actor_user_id: Option<i64>,
    county_id: i64,
    case_id: Option<i64>,
    clue_id: Option<i64>,
    kind: String,
    payload: String,
    attachments: String,
    prev_hash: String,
    hash: String,
}

impl From<EventRow> for EventRecord {
    fn from(r: EventRow) -> Self {
        EventRecord {
            seq: r.seq,
            at: r.at,
            actor_user_id: r.actor_user_id,
            county_id: r.county_id,
            case_id: r.case_id,
            clue_id: r.clue_id,
            kind: r.kind,
            payload: r.payload,
            attachments: r.attachments,
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

/// An event's attachments as the chain hashes them: comma-separated hashes, `''` for none.
/// (Unlike the list columns, this one stays text: the chain covers it as written.)
pub(crate) fn attachment_list(text: &str) -> Vec<String> {
    text.split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// A moment as the store keeps it (see [`crate::Stamp`]).
pub(crate) fn stamp(at: chrono::DateTime<chrono::Utc>) -> crate::Stamp {
    crate::Stamp::at(at)
}
