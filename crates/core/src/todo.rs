//! 待办: what a user must do next, and by when. Each kind of item is one step some role
//! takes — verify a case, file a patch's field evidence, sign a patrol record, accept a tip,
//! answer a lead, file today's daily report — found from the record itself, so nothing is
//! listed that the user may not do, and an item leaves the list when its step is taken.

use chrono::NaiveDate;
use serde::Serialize;

use crate::ledger::case::{CaseAction, CaseStatus, Decision};
use crate::org::Role;
use crate::rights::may_act;

macro_rules! todo_kinds {
    ($($variant:ident => $code:literal, $zh:literal, $en:literal;)*) => {
        /// What an item asks for.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum TodoKind { $($variant),* }

        impl TodoKind {
            pub const ALL: &'static [TodoKind] = &[$(TodoKind::$variant),*];

            #[must_use]
            pub fn code(self) -> &'static str {
                match self { $(TodoKind::$variant => $code),* }
            }

            #[must_use]
            pub fn label(self, zh: bool) -> &'static str {
                match self { $(TodoKind::$variant => if zh { $zh } else { $en }),* }
            }
        }
    };
}

todo_kinds! {
    VerifyCase => "verify_case", "问题待核查", "Verify the case";
    DecideCase => "decide_case", "待作出处置决定", "Decide what is done";
    FinishRectification => "finish_rectification", "整改待完成", "Finish the rectification";
    AcceptCase => "accept_case", "整改待验收", "Accept the rectification";
    SuperviseOverdue => "supervise_overdue", "逾期升级待督办", "Escalated as overdue: chase it";
    CloseCase => "close_case", "待销号", "Close the case";
    LookBack => "look_back", "回头看到期", "Look back at the site";
    FileEvidence => "file_evidence", "图斑待举证", "File the patch's field evidence";
    RefileEvidence => "refile_evidence", "举证被退回待重报", "Evidence sent back: file it again";
    ReviewEvidence => "review_evidence", "举证待审核", "Review the field evidence";
    SignPatrol => "sign_patrol", "巡查记录待签字", "Sign the patrol record";
    ConfirmPatrol => "confirm_patrol", "巡查记录待确认", "Confirm the patrol record";
    AcceptTip => "accept_tip", "举报待受理", "Accept the tip";
    AnswerTip => "answer_tip", "举报待答复", "Answer the tipster";
    AnswerLead => "answer_lead", "问责线索待说明", "Answer the accountability lead";
    ConcludeLead => "conclude_lead", "问责线索待认定", "Conclude the accountability lead";
    FileZeroReport => "file_zero_report", "今日报告未报", "File today's daily report";
    FileDispatch => "file_dispatch", "周调度待报送", "Submit the weekly dispatch";
    PriceLot => "price_lot", "查扣物品待价格认定", "Determine the seized lot's price";
    DisposeLot => "dispose_lot", "已认定待处置", "Dispose of the priced lot";
}

/// The to-do of an open case in `status`: the step the case waits for, if `role` takes it.
#[must_use]
pub fn case_step(role: Role, status: CaseStatus) -> Option<TodoKind> {
    // A representative of each awaited step: `may_act` asks only which step it is.
    let (kind, step) = match status {
        CaseStatus::Registered => (
            TodoKind::VerifyCase,
            CaseAction::Verify {
                founded: true,
                note: String::new(),
            },
        ),
        CaseStatus::Verified => (
            TodoKind::DecideCase,
            CaseAction::Decide {
                decision: Decision::Rectify,
                measures: String::new(),
                deadline: NaiveDate::MIN,
                responsible_unit: String::new(),
                responsible_person: String::new(),
            },
        ),
        CaseStatus::Rectifying => (
            TodoKind::FinishRectification,
            CaseAction::ReportRectified {
                note: String::new(),
            },
        ),
        CaseStatus::AwaitingAcceptance => (
            TodoKind::AcceptCase,
            CaseAction::Accept {
                passed: true,
                note: String::new(),
            },
        ),
        CaseStatus::Accepted => (
            TodoKind::CloseCase,
            CaseAction::Close {
                note: String::new(),
            },
        ),
        CaseStatus::Unfounded | CaseStatus::Closed => return None,
    };
    may_act(role, &step).then_some(kind)
}

/// Whether `role` looks back at closed sites (回头看).
#[must_use]
pub fn looks_back(role: Role) -> bool {
    may_act(
        role,
        &CaseAction::LookBack {
            recurrence: false,
            note: String::new(),
        },
    )
}

/// One thing to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct TodoItem {
    pub kind: TodoKind,
    /// The record the step is taken on: a case, patch, patrol record, tip or lead id; the
    /// grid for a daily report.
    pub subject_id: i64,
    /// How people name that record: a case number, a patch number, a grid.
    pub subject: String,
    /// Where: township and village, or the address.
    pub place: String,
    /// The last day the step is on time, where there is one.
    pub due_on: Option<NaiveDate>,
}

impl TodoItem {
    #[must_use]
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.due_on.is_some_and(|d| d < today)
    }
}

/// Overdue first (the longest overdue at the top), then by the day due, then the undated;
/// within a day, in the order of the kinds, then of the records.
pub fn order(items: &mut [TodoItem]) {
    items.sort_by(|a, b| {
        let key = |i: &TodoItem| {
            (
                i.due_on.is_none(),
                i.due_on,
                TodoKind::ALL.iter().position(|k| *k == i.kind),
                i.subject_id,
            )
        };
        key(a).cmp(&key(b))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(kind: TodoKind, id: i64, due: Option<&str>) -> TodoItem {
        TodoItem {
            kind,
            subject_id: id,
            subject: String::new(),
            place: String::new(),
            due_on: due.and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()),
        }
    }

    #[test]
    fn overdue_comes_first_then_by_day_then_undated() {
        let mut items = vec![
            item(TodoKind::FileEvidence, 1, None),
            item(TodoKind::AcceptTip, 2, Some("2026-06-05")),
            item(TodoKind::VerifyCase, 3, Some("2026-05-20")),
            item(TodoKind::VerifyCase, 4, Some("2026-06-05")),
        ];
        order(&mut items);
        let ids: Vec<i64> = items.iter().map(|i| i.subject_id).collect();
        assert_eq!(ids, [3, 4, 2, 1]);
        let today = NaiveDate::from_ymd_opt(2026, 6, 1).expect("date");
        assert!(items[0].overdue(today));
        assert!(!items[1].overdue(today));
        assert!(!items[3].overdue(today));
    }

    #[test]
    fn a_case_step_is_listed_only_for_the_roles_that_take_it() {
        assert_eq!(
            case_step(Role::Township, CaseStatus::Registered),
            Some(TodoKind::VerifyCase)
        );
        assert_eq!(case_step(Role::Village, CaseStatus::Registered), None);
        assert_eq!(
            case_step(Role::Township, CaseStatus::AwaitingAcceptance),
            None
        );
        assert_eq!(
            case_step(Role::CountyOffice, CaseStatus::AwaitingAcceptance),
            Some(TodoKind::AcceptCase)
        );
        assert_eq!(case_step(Role::CountyOffice, CaseStatus::Closed), None);
    }
}
