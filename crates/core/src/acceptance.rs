//! Acceptance of a campaign phase (R25; seed 003 §(四) 全面总结验收, seed 001 §四(一) "排查不到位、
//! 查处不到位、取缔不到位"): for each township a checklist, each item met or not with the cases
//! (or weeks) that keep it from being met, read from the ledger as of the phase's end; and the
//! county office's decision, which needs the phase to be over.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::dispatch::CountedCase;

macro_rules! checks {
    ($( $variant:ident => $code:literal, $zh:literal, $en:literal, $rule:literal; )*) => {
        /// One item of the checklist.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum Check { $( $variant, )* }

        impl Check {
            pub const ALL: &'static [Check] = &[ $( Check::$variant, )* ];

            #[must_use]
            pub fn code(self) -> &'static str {
                match self { $( Check::$variant => $code, )* }
            }

            #[must_use]
            pub fn label(self, zh: bool) -> &'static str {
                match self { $( Check::$variant => if zh { $zh } else { $en }, )* }
            }

            /// What keeps the item from being met.
            #[must_use]
            pub fn rule(self) -> &'static str {
                match self { $( Check::$variant => $rule, )* }
            }
        }
    };
}

checks! {
    KeyHazardsClosed => "key_hazards_closed", "重大隐患全部销号", "Every key problem closed",
        "阶段末仍未销号的重点问题";
    NothingOverdue => "nothing_overdue", "无逾期未办结问题", "Nothing overdue",
        "阶段末已过办理时限仍未办结的问题";
    CutsAndClears => "cuts_and_clears", "关闭取缔做到“两断三清”", "Closures cut and cleared",
        "决定关闭、取缔或拆除，但“两断三清”尚未做完的问题";
    TipsOnTime => "tips_on_time", "群众举报按时受理答复", "Tips handled in time",
        "受理或答复时限在阶段内而未按时办理的举报";
    LeadsAnswered => "leads_answered", "问责线索均已说明", "Accountability leads answered",
        "阶段末仍未作出说明的应发现未发现线索";
    LookBacksDone => "look_backs_done", "回头看按期完成", "Look-backs done on time",
        "阶段内到期而未按期完成的回头看";
    DispatchesFiled => "dispatches_filed", "周调度按时报送", "Weekly dispatches filed on time",
        "阶段内未报送或迟报的周调度（按周五计）";
}

/// One item for one township.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CheckResult {
    pub check: Check,
    /// The cases that keep the item from being met.
    pub cases: Vec<CountedCase>,
    /// The weeks (named by their Friday) not filed, or filed late.
    pub weeks: Vec<NaiveDate>,
}

impl CheckResult {
    #[must_use]
    pub fn met(&self) -> bool {
        self.cases.is_empty() && self.weeks.is_empty()
    }
}

/// The office's decision on a township's phase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Decision {
    pub passed: bool,
    pub note: String,
    pub decided_by: String,
    /// RFC 3339.
    pub decided_at: String,
}

/// A township's checklist for a phase, and the decision once taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TownshipAcceptance {
    pub township_id: i64,
    pub township: String,
    pub checks: Vec<CheckResult>,
    pub decision: Option<Decision>,
}

impl TownshipAcceptance {
    #[must_use]
    pub fn met(&self) -> usize {
        self.checks.iter().filter(|c| c.met()).count()
    }

    #[must_use]
    pub fn all_met(&self) -> bool {
        self.checks.iter().all(CheckResult::met)
    }
}

/// The checklist of a phase for the townships in sight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Acceptance {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The day the checklist is read as of: the phase's last day, or today while it runs.
    pub as_of: NaiveDate,
    pub townships: Vec<TownshipAcceptance>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_item_is_met_when_nothing_keeps_it_from_being_met() {
        let ok = CheckResult {
            check: Check::NothingOverdue,
            cases: Vec::new(),
            weeks: Vec::new(),
        };
        let late = CheckResult {
            check: Check::DispatchesFiled,
            cases: Vec::new(),
            weeks: vec![NaiveDate::from_ymd_opt(2026, 5, 29).unwrap_or_default()],
        };
        assert!(ok.met() && !late.met());
        let t = TownshipAcceptance {
            township_id: 1,
            township: "甲镇".into(),
            checks: vec![ok, late],
            decision: None,
        };
        assert_eq!(t.met(), 1);
        assert!(!t.all_met());
        assert_eq!(Check::ALL.len(), 7);
    }
}
