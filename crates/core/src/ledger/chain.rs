//! The hash chain over the event log: each record's hash covers its content and the hash
//! of the record before it, so editing, deleting or reordering any record is detectable.

use sha2::{Digest, Sha256};

/// `prev_hash` of the first record.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One event as stored; the fields covered by its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRecord {
    pub seq: i64,
    pub at: String,
    pub actor_user_id: Option<i64>,
    pub county_id: i64,
    pub case_id: Option<i64>,
    pub clue_id: Option<i64>,
    pub kind: String,
    pub payload: String,
    pub attachments: String,
    pub prev_hash: String,
    pub hash: String,
}

fn put(hasher: &mut Sha256, bytes: &[u8]) {
    // Length-prefixing keeps "ab"+"c" and "a"+"bc" apart.
    hasher.update((bytes.len() as u64).to_le_bytes());
    hasher.update(bytes);
}

fn put_opt(hasher: &mut Sha256, value: Option<i64>) {
    match value {
        Some(v) => put(hasher, v.to_string().as_bytes()),
        None => put(hasher, b"-"),
    }
}

impl EventRecord {
    /// The hash this record must carry, computed from its content and `prev_hash`.
    #[must_use]
    pub fn compute_hash(&self) -> String {
        let mut h = Sha256::new();
        put(&mut h, b"minewatch-event-v1");
        put(&mut h, self.seq.to_string().as_bytes());
        put(&mut h, self.at.as_bytes());
        put_opt(&mut h, self.actor_user_id);
        put(&mut h, self.county_id.to_string().as_bytes());
        put_opt(&mut h, self.case_id);
        put_opt(&mut h, self.clue_id);
        put(&mut h, self.kind.as_bytes());
        put(&mut h, self.payload.as_bytes());
        put(&mut h, self.attachments.as_bytes());
        put(&mut h, self.prev_hash.as_bytes());
        hex::encode(h.finalize())
    }
}

/// What `audit verify` found wrong, naming the record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error("event #{seq} was altered: its content no longer matches its hash")]
    Altered { seq: i64 },
    #[error("event #{seq} does not link to event #{}: the record before it was altered or replaced", seq - 1)]
    BrokenLink { seq: i64 },
    #[error("events #{} to #{} are missing: deleted from the log", expected, found - 1)]
    Missing { expected: i64, found: i64 },
    #[error(
        "the log ends at event #{last} but the chain head records #{head}: later events were deleted"
    )]
    Truncated { last: i64, head: i64 },
    #[error("the chain head hash does not match event #{seq}")]
    HeadMismatch { seq: i64 },
}

/// Walks records in `seq` order and checks each link, then the head.
///
/// # Errors
/// The first [`ChainBreak`] found.
pub fn verify<I>(records: I, head_seq: i64, head_hash: &str) -> Result<i64, ChainBreak>
where
    I: IntoIterator<Item = EventRecord>,
{
    let mut expected_seq = 1;
    let mut prev_hash = GENESIS_HASH.to_string();
    for rec in records {
        if rec.seq != expected_seq {
            return Err(ChainBreak::Missing {
                expected: expected_seq,
                found: rec.seq,
            });
        }
        if rec.compute_hash() != rec.hash {
            return Err(ChainBreak::Altered { seq: rec.seq });
        }
        if rec.prev_hash != prev_hash {
            return Err(ChainBreak::BrokenLink { seq: rec.seq });
        }
        prev_hash = rec.hash;
        expected_seq += 1;
    }
    let last = expected_seq - 1;
    if last < head_seq {
        return Err(ChainBreak::Truncated {
            last,
            head: head_seq,
        });
    }
    if last > 0 && head_hash != prev_hash {
        return Err(ChainBreak::HeadMismatch { seq: last });
    }
    Ok(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<EventRecord> {
        let mut prev = GENESIS_HASH.to_string();
        (1..=n)
            .map(|seq| {
                let mut r = EventRecord {
                    seq,
                    at: format!("2026-03-0{seq}T00:00:00Z"),
                    actor_user_id: Some(1),
                    county_id: 1,
                    case_id: Some(seq),
                    clue_id: None,
                    kind: "case.note".into(),
                    payload: format!("{{\"n\":{seq}}}"),
                    attachments: String::new(),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                r.hash = r.compute_hash();
                prev = r.hash.clone();
                r
            })
            .collect()
    }

    #[test]
    fn intact_chain_verifies() {
        let c = chain(4);
        let head = c[3].hash.clone();
        assert_eq!(verify(c, 4, &head), Ok(4));
        assert_eq!(verify(Vec::new(), 0, GENESIS_HASH), Ok(0));
    }

    #[test]
    fn each_kind_of_tampering_is_named() {
        let c = chain(4);
        let head = c[3].hash.clone();

        let mut edited = c.clone();
        edited[1].payload = "{\"n\":99}".into();
        assert_eq!(
            verify(edited, 4, &head),
            Err(ChainBreak::Altered { seq: 2 })
        );

        let mut rehashed = c.clone();
        rehashed[1].payload = "{\"n\":99}".into();
        rehashed[1].hash = rehashed[1].compute_hash();
        assert_eq!(
            verify(rehashed, 4, &head),
            Err(ChainBreak::BrokenLink { seq: 3 })
        );

        let mut deleted = c.clone();
        deleted.remove(2);
        assert_eq!(
            verify(deleted, 4, &head),
            Err(ChainBreak::Missing {
                expected: 3,
                found: 4
            })
        );

        let mut truncated = c.clone();
        truncated.pop();
        assert_eq!(
            verify(truncated, 4, &head),
            Err(ChainBreak::Truncated { last: 3, head: 4 })
        );
    }
}
