//! Rewards for true tips (R4): the first tip on a case confirmed as founded earns a reward
//! from the county's rule table — a base by problem kind plus a share of what the case
//! recovered (fines and confiscations), up to a cap. The county office approves it (the
//! amount is fixed then, with its basis), the reward officer records the payment, and the
//! tipster sees both by the tracking code.

use chrono::{DateTime, Utc};
use minewatch_core::ProblemKind;
use minewatch_core::rights::may_administer_county;
use minewatch_core::rights::{Right, may};
use serde::{Deserialize, Serialize};

use crate::ledger::events::{NewEvent, append, stamp};
use crate::{Actor, Result, Store, StoreError};

/// One line of the rule table; money in fen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RewardRule {
    pub problem_kind: ProblemKind,
    pub base_fen: i64,
    /// Thousandths of the fines and confiscations the case recovered.
    pub share_permille: i64,
    pub cap_fen: i64,
}

impl RewardRule {
    /// The rule a county starts from until its office sets its own (the seeds set no
    /// amounts): 500 yuan for digging, 200 for the rest, plus 1 % of what was recovered, up
    /// to 20,000 yuan.
    #[must_use]
    pub fn starting(kind: ProblemKind) -> Self {
        RewardRule {
            problem_kind: kind,
            base_fen: if kind.is_digging() { 50_000 } else { 20_000 },
            share_permille: 10,
            cap_fen: 2_000_000,
        }
    }

    /// The amount for a case that recovered `recovered_fen`.
    #[must_use]
    pub fn amount(&self, recovered_fen: i64) -> i64 {
        (self.base_fen + recovered_fen.max(0) * self.share_permille / 1000)
            .min(self.cap_fen)
            .max(0)
    }

    fn check(&self) -> Result<()> {
        if self.base_fen < 0 || self.cap_fen < 0 || !(0..=1000).contains(&self.share_permille) {
            return Err(StoreError::invalid(
                "reward_rule",
                "amounts are not negative and the share is 0–1000 ‰",
            ));
        }
        if self.base_fen > self.cap_fen {
            return Err(StoreError::invalid("cap_fen", "the cap is below the base"));
        }
        Ok(())
    }
}

/// A tip that earns, or may earn, a reward.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RewardRow {
    pub tip_id: i64,
    pub tracking_code: String,
    pub case_id: crate::CaseId,
    pub case_number: String,
    pub problem_kind: String,
    pub recovered_fen: i64,
    /// The amount: fixed at approval, computed from the rule until then.
    pub amount_fen: i64,
    pub basis: String,
    /// "due" (confirmed, not approved), "approved" or "paid".
    pub status: &'static str,
    pub approved_at: Option<crate::Stamp>,
    pub paid_at: Option<crate::Stamp>,
    pub payment_ref: String,
}

/// A first tip with its case and any reward decided, as stored.
#[derive(sqlx::FromRow)]
struct StoredReward {
    id: i64,
    tracking_code: String,
    case_id: crate::CaseId,
    number: String,
    problem_kind: String,
    recovered: i64,
    amount_fen: Option<i64>,
    basis: Option<String>,
    approved_at: Option<crate::Stamp>,
    paid_at: Option<crate::Stamp>,
    payment_ref: Option<String>,
}

/// Sums for the dashboard, in fen.
#[derive(Debug, Clone, Copy, Default, Serialize, utoipa::ToSchema)]
pub struct RewardTotals {
    pub due_fen: i64,
    pub approved_fen: i64,
    pub paid_fen: i64,
    pub due: usize,
    pub approved: usize,
    pub paid: usize,
}

impl Store {
    /// The county's rule for every problem kind (its own, or the starting one).
    ///
    /// # Errors
    /// On database failure.
    pub async fn reward_rules(&self, county_id: i64) -> Result<Vec<RewardRule>> {
        let rows = crate::db::query("SELECT problem_kind, base_fen, share_permille, cap_fen FROM reward_rule WHERE county_id = $1")
            .bind(county_id)
            .fetch_all_as::<(String, i64, i64, i64)>(self.pool())
            .await?;
        let mut out: Vec<RewardRule> = ProblemKind::ALL
            .iter()
            .map(|k| RewardRule::starting(*k))
            .collect();
        for (kind, base_fen, share_permille, cap_fen) in rows {
            // A kind this version no longer knows keeps its row but sets no rule.
            let Some(k) = ProblemKind::from_code(&kind) else {
                continue;
            };
            if let Some(slot) = out.iter_mut().find(|x| x.problem_kind == k) {
                *slot = RewardRule {
                    problem_kind: k,
                    base_fen,
                    share_permille,
                    cap_fen,
                };
            }
        }
        Ok(out)
    }

    /// Sets the rule of one problem kind (county office), logged.
    ///
    /// # Errors
    /// `Forbidden` for other roles; `Invalid` naming the bad amount.
    pub async fn set_reward_rule(
        &self,
        actor: &Actor,
        rule: &RewardRule,
        now: DateTime<Utc>,
    ) -> Result<()> {
        if !may_administer_county(actor.role) {
            return Err(StoreError::Forbidden(
                "only the county office sets reward rules",
            ));
        }
        rule.check()?;
        let at = stamp(now);
        let mut tx = self.begin_write(&at).await?;
        crate::db::query(
            "INSERT INTO reward_rule (county_id, problem_kind, base_fen, share_permille, cap_fen) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (county_id, problem_kind) DO UPDATE SET base_fen = excluded.base_fen, share_permille = excluded.share_permille, cap_fen = excluded.cap_fen",
        )
        .bind(actor.county_id)
        .bind(rule.problem_kind.code())
        .bind(rule.base_fen)
        .bind(rule.share_permille)
        .bind(rule.cap_fen)
        .execute(&mut *tx)
        .await?;
        append(
            &mut tx,
            NewEvent {
                at: &at,
                actor: Some(actor.user_id),
                county_id: actor.county_id,
                case_id: None,
                clue_id: None,
                kind: "reward.rule",
                payload: serde_json::to_string(rule)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                attachments: &[],
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Tips that earn a reward: the first tip on each case checked as founded.
    ///
    /// # Errors
    /// `Forbidden` for roles other than the county office, the reward officer, the inspectors
    /// and the admin.
    pub async fn rewards(&self, actor: &Actor) -> Result<Vec<RewardRow>> {
        if !may(actor.role, Right::ReadRewards) {
            return Err(StoreError::Forbidden(Right::ReadRewards.refusal()));
        }
        let rules = self.reward_rules(actor.county_id).await?;
        let rows = crate::db::query(
            "SELECT t.id, t.tracking_code, c.id AS case_id, c.number, c.problem_kind, c.fine_fen + c.confiscation_fen AS recovered, \
             r.amount_fen, r.basis, r.approved_at, r.paid_at, r.payment_ref \
             FROM tip t JOIN clue cl ON cl.id = t.clue_id JOIN case_file c ON c.id = cl.case_id LEFT JOIN reward r ON r.tip_id = t.id \
             WHERE t.county_id = $1 AND c.status NOT IN ('registered', 'unfounded') \
             AND t.received_at = (SELECT MIN(t2.received_at) FROM tip t2 JOIN clue c2 ON c2.id = t2.clue_id WHERE c2.case_id = c.id) \
             ORDER BY t.received_at",
        )
        .bind(actor.county_id)
        .fetch_all_as::<StoredReward>(self.pool())
        .await?;
        rows.into_iter()
            .map(|r| {
                let rule = ProblemKind::from_code(&r.problem_kind)
                    .and_then(|k| rules.iter().find(|x| x.problem_kind == k).copied())
                    .ok_or_else(|| {
                        StoreError::Corrupt(format!("problem kind {}", r.problem_kind))
                    })?;
                Ok(RewardRow {
                    tip_id: r.id,
                    tracking_code: r.tracking_code,
                    case_id: r.case_id,
                    case_number: r.number,
                    amount_fen: r.amount_fen.unwrap_or_else(|| rule.amount(r.recovered)),
                    basis: r.basis.unwrap_or_else(|| basis(&rule, r.recovered)),
                    problem_kind: r.problem_kind,
                    recovered_fen: r.recovered,
                    status: match (&r.approved_at, &r.paid_at) {
                        (_, Some(_)) => "paid",
                        (Some(_), None) => "approved",
                        _ => "due",
                    },
                    approved_at: r.approved_at,
                    paid_at: r.paid_at,
                    payment_ref: r.payment_ref.unwrap_or_default(),
                })
            })
            .collect()
    }

    /// Totals due, approved and paid.
    ///
    /// # Errors
    /// As [`Store::rewards`].
    pub async fn reward_totals(&self, actor: &Actor) -> Result<RewardTotals> {
        let mut t = RewardTotals::default();
        for r in self.rewards(actor).await? {
            match r.status {
                "paid" => {
                    t.paid += 1;
                    t.paid_fen += r.amount_fen;
                }
                "approved" => {
                    t.approved += 1;
                    t.approved_fen += r.amount_fen;
                }
                _ => {
                    t.due += 1;
                    t.due_fen += r.amount_fen;
                }
            }
        }
        Ok(t)
    }

    /// The county office approves a reward: the amount and its basis are fixed now.
    ///
    /// # Errors
    /// `Forbidden` unless county office; `Invalid` when the tip earns none or it was
    /// approved already.
    pub async fn approve_reward(
        &self,
        actor: &Actor,
        tip_id: i64,
        now: DateTime<Utc>,
    ) -> Result<RewardRow> {
        if !may_administer_county(actor.role) {
            return Err(StoreError::Forbidden("the county office approves rewards"));
        }
        let row = self
            .rewards(actor)
            .await?
            .into_iter()
            .find(|r| r.tip_id == tip_id)
            .ok_or_else(|| {
                StoreError::invalid(
                    "tip",
                    "this tip earns no reward (not confirmed, or not the first on its case)",
                )
            })?;
        if row.status != "due" {
            return Err(StoreError::invalid(
                "tip",
                "the reward was approved already",
            ));
        }
        let at = stamp(now);
        let mut tx = self.begin_write(&at).await?;
        crate::db::query("INSERT INTO reward (tip_id, amount_fen, basis, computed_at, approved_by, approved_at) VALUES ($1, $2, $3, $4, $5, $4)")
            .bind(tip_id)
            .bind(row.amount_fen)
            .bind(row.basis.clone())
            .bind(at.clone())
            .bind(actor.user_id)
            .execute(&mut *tx)
            .await?;
        append(
            &mut tx,
            NewEvent {
                at: &at,
                actor: Some(actor.user_id),
                county_id: actor.county_id,
                case_id: Some(row.case_id),
                clue_id: None,
                kind: "reward.approved",
                payload: serde_json::json!({"tip": tip_id, "amount_fen": row.amount_fen, "basis": row.basis}).to_string(),
                attachments: &[],
            },
        )
        .await?;
        tx.commit().await?;
        self.rewards(actor)
            .await?
            .into_iter()
            .find(|r| r.tip_id == tip_id)
            .ok_or_else(|| StoreError::not_found("reward", tip_id))
    }

    /// The reward officer records the payment of an approved reward.
    ///
    /// # Errors
    /// `Forbidden` unless reward officer; `Invalid` without a payment reference, or when
    /// the reward is not approved or paid already.
    pub async fn pay_reward(
        &self,
        actor: &Actor,
        tip_id: i64,
        payment_ref: &str,
        now: DateTime<Utc>,
    ) -> Result<RewardRow> {
        if !may(actor.role, Right::PayReward) {
            return Err(StoreError::Forbidden(Right::PayReward.refusal()));
        }
        if payment_ref.trim().is_empty() {
            return Err(StoreError::invalid(
                "payment_ref",
                "give the voucher or transfer number",
            ));
        }
        crate::error::check_names(&[("payment_ref", payment_ref)])?;
        let row = self
            .rewards(actor)
            .await?
            .into_iter()
            .find(|r| r.tip_id == tip_id)
            .ok_or_else(|| StoreError::not_found("reward", tip_id))?;
        if row.status != "approved" {
            return Err(StoreError::invalid(
                "tip",
                if row.status == "paid" {
                    "paid already"
                } else {
                    "not approved yet"
                },
            ));
        }
        let at = stamp(now);
        let mut tx = self.begin_write(&at).await?;
        crate::db::query("UPDATE reward SET paid_by = $1, paid_at = $2, payment_ref = $3 WHERE tip_id = $4 AND paid_at IS NULL")
            .bind(actor.user_id)
            .bind(at.clone())
            .bind(payment_ref.trim().to_string())
            .bind(tip_id)
            .execute(&mut *tx)
            .await?;
        append(
            &mut tx,
            NewEvent {
                at: &at,
                actor: Some(actor.user_id),
                county_id: actor.county_id,
                case_id: Some(row.case_id),
                clue_id: None,
                kind: "reward.paid",
                payload: serde_json::json!({"tip": tip_id, "amount_fen": row.amount_fen, "payment_ref": payment_ref.trim()}).to_string(),
                attachments: &[],
            },
        )
        .await?;
        tx.commit().await?;
        self.rewards(actor)
            .await?
            .into_iter()
            .find(|r| r.tip_id == tip_id)
            .ok_or_else(|| StoreError::not_found("reward", tip_id))
    }
}

fn basis(rule: &RewardRule, recovered_fen: i64) -> String {
    format!(
        "基础奖励 {} 元 + 罚没 {} 元 × {}‰，上限 {} 元",
        rule.base_fen / 100,
        recovered_fen / 100,
        rule.share_permille,
        rule.cap_fen / 100
    )
}
