//! The case state machine (R11–R13): what may happen to a case, and in what order.
//!
//! A case's state is the fold of its actions. [`CaseState::apply`] is the only way forward:
//! it refuses an illegal step with a [`Refusal`] that names the field or the rule, so the
//! page, the API and the store all give the same answer.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

macro_rules! coded_enum {
    ($(#[$meta:meta])* $name:ident { $( $variant:ident => $code:literal, $zh:literal, $en:literal; )* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $( $variant, )* }

        impl $name {
            pub const ALL: &'static [$name] = &[ $( $name::$variant, )* ];

            #[must_use]
            pub fn code(self) -> &'static str {
                match self { $( $name::$variant => $code, )* }
            }

            #[must_use]
            pub fn from_code(code: &str) -> Option<$name> {
                match code { $( $code => Some($name::$variant), )* _ => None }
            }

            #[must_use]
            pub fn label(self, zh: bool) -> &'static str {
                match self { $( $name::$variant => if zh { $zh } else { $en }, )* }
            }
        }
    };
}

coded_enum! {
    /// Where a case stands in its handling.
    CaseStatus {
        Registered => "registered", "待核查", "Awaiting verification";
        Unfounded => "unfounded", "核查不实(已关闭)", "Unfounded (closed)";
        Verified => "verified", "已核实待处置", "Verified, awaiting decision";
        Rectifying => "rectifying", "整改中", "Rectifying";
        AwaitingAcceptance => "awaiting_acceptance", "待验收", "Awaiting acceptance";
        Accepted => "accepted", "已验收待销号", "Accepted, awaiting closing";
        Closed => "closed", "已销号", "Closed";
    }
}

impl CaseStatus {
    /// Open cases still owe work and can become overdue.
    #[must_use]
    pub fn is_open(self) -> bool {
        !matches!(self, CaseStatus::Unfounded | CaseStatus::Closed)
    }
}

coded_enum! {
    /// The handling decided after verification (R12).
    Decision {
        CloseDown => "close_down", "关闭", "Close down";
        Ban => "ban", "取缔", "Ban";
        Demolish => "demolish", "拆除", "Demolish";
        Rectify => "rectify", "限期整改", "Rectify within a deadline";
    }
}

impl Decision {
    /// Closing, banning and demolishing all require "两断三清" before acceptance.
    #[must_use]
    pub fn requires_cuts_and_clears(self) -> bool {
        !matches!(self, Decision::Rectify)
    }
}

coded_enum! {
    /// "两断三清": cut power and water; clear equipment, stock and site.
    MeasureStep {
        CutPower => "cut_power", "断电", "Power cut";
        CutWater => "cut_water", "断水", "Water cut";
        ClearEquipment => "clear_equipment", "清除设备", "Equipment cleared";
        ClearStock => "clear_stock", "清除物料", "Stock cleared";
        ClearSite => "clear_site", "清理现场", "Site cleared";
    }
}

coded_enum! {
    /// 行刑衔接: the criminal track, from transfer to judgement.
    PoliceStage {
        NotTransferred => "none", "未移送", "Not transferred";
        Transferred => "transferred", "已移送公安", "Transferred to police";
        Filed => "filed", "公安已立案", "Filed by police";
        Prosecuted => "prosecuted", "已移送检察院", "With the procuratorate";
        Judged => "judged", "法院已判决", "Judged";
    }
}

coded_enum! {
    /// Transfer to discipline inspection (纪委监委) for officials' part in the case.
    DisciplineStage {
        NotTransferred => "none", "未移送", "Not transferred";
        Transferred => "transferred", "已移送纪委监委", "Transferred to discipline inspection";
        Concluded => "concluded", "已办结", "Concluded";
    }
}

/// One step of handling, as a user asks for it. Each accepted action becomes one event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum CaseAction {
    /// 核查: founded or not; an unfounded case closes with the note as its reason.
    Verify {
        founded: bool,
        note: String,
    },
    /// 处置决定 with the R11 fields: measure, deadline, responsible unit and person.
    Decide {
        decision: Decision,
        measures: String,
        deadline: NaiveDate,
        responsible_unit: String,
        responsible_person: String,
    },
    /// One step of 两断三清.
    Measure {
        step: MeasureStep,
        note: String,
    },
    /// 查扣作业工具、查封产品.
    Seize {
        items: String,
        note: String,
    },
    /// 行政处罚: fine and confiscation in fen.
    Penalty {
        fine_fen: i64,
        confiscation_fen: i64,
        document_no: String,
    },
    TransferPolice {
        note: String,
    },
    /// The police's filing receipt (立案回执).
    PoliceFiled {
        receipt_no: String,
    },
    Prosecuted {
        note: String,
    },
    CourtJudged {
        result: String,
    },
    TransferDiscipline {
        note: String,
    },
    DisciplineConcluded {
        result: String,
    },
    /// 生态修复 (谁破坏、谁治理).
    Restore {
        note: String,
    },
    /// 整改完成, asks for acceptance.
    ReportRectified {
        note: String,
    },
    /// 验收: pass moves on to closing, fail sends the case back to rectification.
    Accept {
        passed: bool,
        note: String,
    },
    /// 销号.
    Close {
        note: String,
    },
    Note {
        text: String,
    },
    /// Raised by the deadline sweep, never by a person.
    Escalate {
        reason: String,
    },
    /// 回头看 of a closed case.
    LookBack {
        recurrence: bool,
        note: String,
    },
}

impl CaseAction {
    /// The event kind recorded in the log, e.g. `case.verify`.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            CaseAction::Verify { .. } => "verify",
            CaseAction::Decide { .. } => "decide",
            CaseAction::Measure { .. } => "measure",
            CaseAction::Seize { .. } => "seize",
            CaseAction::Penalty { .. } => "penalty",
            CaseAction::TransferPolice { .. } => "transfer_police",
            CaseAction::PoliceFiled { .. } => "police_filed",
            CaseAction::Prosecuted { .. } => "prosecuted",
            CaseAction::CourtJudged { .. } => "court_judged",
            CaseAction::TransferDiscipline { .. } => "transfer_discipline",
            CaseAction::DisciplineConcluded { .. } => "discipline_concluded",
            CaseAction::Restore { .. } => "restore",
            CaseAction::ReportRectified { .. } => "report_rectified",
            CaseAction::Accept { .. } => "accept",
            CaseAction::Close { .. } => "close",
            CaseAction::Note { .. } => "note",
            CaseAction::Escalate { .. } => "escalate",
            CaseAction::LookBack { .. } => "look_back",
        }
    }

    #[must_use]
    pub fn label(&self, zh: bool) -> &'static str {
        action_label(self.code(), zh)
    }
}

/// Label of an action or event kind for the timeline.
#[must_use]
pub fn action_label(code: &str, zh: bool) -> &'static str {
    let (z, e) = match code {
        "verify" => ("核查", "Verification"),
        "decide" => ("处置决定", "Decision"),
        "measure" => ("两断三清", "Cut / clear step"),
        "seize" => ("查扣查封", "Seizure and sealing"),
        "penalty" => ("行政处罚", "Administrative penalty"),
        "transfer_police" => ("移送公安", "Transfer to police"),
        "police_filed" => ("公安立案回执", "Police filing receipt"),
        "prosecuted" => ("移送检察院", "To the procuratorate"),
        "court_judged" => ("法院判决", "Court judgement"),
        "transfer_discipline" => ("移送纪委监委", "Transfer to discipline inspection"),
        "discipline_concluded" => ("纪检办结", "Discipline concluded"),
        "restore" => ("生态修复", "Ecological restoration"),
        "report_rectified" => ("整改完成申请验收", "Rectified, acceptance requested"),
        "accept" => ("验收", "Acceptance"),
        "close" => ("销号", "Closing"),
        "note" => ("备注", "Note"),
        "escalate" => ("逾期升级", "Escalated as overdue"),
        "look_back" => ("回头看", "Look-back"),
        "opened" => ("立案登记", "Opened"),
        "clue_filed" => ("线索登记", "Clue filed"),
        "clue_merged" => ("线索并入", "Clue merged"),
        "clue_split" => ("线索拆分", "Clue split off"),
        "recurrence" => ("死灰复燃", "Recurrence"),
        "reassign" => ("调整责任", "Responsibility changed"),
        _ => ("其他", "Other"),
    };
    if zh { z } else { e }
}

/// The longest text any field of the ledger takes (a note, a finding, measures), in
/// characters; the exports never cut what was stored below it.
pub const MAX_TEXT_CHARS: usize = 5_000;

/// The longest name, number or reference (a person, a unit, a voucher number, a label),
/// in characters.
pub const MAX_NAME_CHARS: usize = 100;

/// A text field over [`MAX_TEXT_CHARS`]: its name and length in characters.
#[must_use]
pub fn too_long(fields: &[(&'static str, &str)]) -> Option<(&'static str, usize)> {
    fields
        .iter()
        .map(|(f, t)| (*f, t.chars().count()))
        .find(|(_, n)| *n > MAX_TEXT_CHARS)
}

impl CaseAction {
    /// The first text field of the action longer than [`MAX_TEXT_CHARS`], by name.
    #[must_use]
    pub fn too_long(&self) -> Option<(String, usize)> {
        let value = serde_json::to_value(self).ok()?;
        value.as_object()?.iter().find_map(|(k, v)| {
            let n = v.as_str()?.chars().count();
            (n > MAX_TEXT_CHARS).then(|| (k.clone(), n))
        })
    }
}

/// The largest single penalty or confiscation minewatch takes, in fen (100亿元): far above
/// any real one, and low enough that a county's sums never overflow.
pub const MAX_AMOUNT_FEN: i64 = 1_000_000_000_000;

/// Why an action was refused. Each names the field or the rule that was broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("'{action}' is not allowed while the case is '{}'", status.code())]
    WrongStatus {
        action: &'static str,
        status: CaseStatus,
    },
    #[error("field '{field}' is required")]
    MissingField { field: &'static str },
    #[error("field '{field}': {reason}")]
    InvalidField {
        field: &'static str,
        reason: &'static str,
    },
    #[error("'{action}' is out of order: {reason}")]
    OutOfOrder {
        action: &'static str,
        reason: &'static str,
    },
    #[error("steps of 两断三清 still missing: {}", .missing.iter().map(|s| s.code()).collect::<Vec<_>>().join(", "))]
    StepsMissing { missing: Vec<MeasureStep> },
    #[error("role may not '{action}'")]
    Forbidden { action: &'static str },
}

impl Refusal {
    /// Stable machine-readable code for API clients.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::WrongStatus { .. } => "wrong_status",
            Refusal::MissingField { .. } => "missing_field",
            Refusal::InvalidField { .. } => "invalid_field",
            Refusal::OutOfOrder { .. } => "out_of_order",
            Refusal::StepsMissing { .. } => "steps_missing",
            Refusal::Forbidden { .. } => "forbidden",
        }
    }

    /// The message in the user's language.
    #[must_use]
    pub fn message(&self, zh: bool) -> String {
        if !zh {
            return self.to_string();
        }
        match self {
            Refusal::WrongStatus { action, status } => format!(
                "案件当前状态为“{}”，不能执行“{}”",
                status.label(true),
                action_label(action, true)
            ),
            Refusal::MissingField { field } => format!("必须填写“{}”", field_label(field)),
            Refusal::InvalidField { field, reason } => {
                format!("“{}”不正确：{}", field_label(field), reason_zh(reason))
            }
            Refusal::OutOfOrder { action, reason } => format!(
                "“{}”顺序不对：{}",
                action_label(action, true),
                reason_zh(reason)
            ),
            Refusal::StepsMissing { missing } => format!(
                "“两断三清”尚未完成：{}",
                missing
                    .iter()
                    .map(|s| s.label(true))
                    .collect::<Vec<_>>()
                    .join("、")
            ),
            Refusal::Forbidden { action } => {
                format!("您的角色无权执行“{}”", action_label(action, true))
            }
        }
    }
}

/// Chinese names of the form fields, for messages.
#[must_use]
pub fn field_label(field: &str) -> &'static str {
    match field {
        "note" => "说明",
        "measures" => "整改措施",
        "deadline" => "整改时限",
        "responsible_unit" => "责任单位",
        "responsible_person" => "责任人",
        "items" => "查扣物品",
        "fine_fen" => "罚款金额",
        "confiscation_fen" => "没收金额",
        "document_no" => "处罚决定书文号",
        "receipt_no" => "立案回执号",
        "result" => "结果",
        "text" => "备注内容",
        "reason" => "原因",
        "township" => "乡镇(街道)",
        "village" => "村(社区)",
        "address" => "地址",
        "description" => "问题描述",
        "source" => "线索来源",
        "kind" | "problem_kind" => "问题类型",
        "lon" | "lat" => "坐标",
        "username" => "用户名",
        "label" => "用途",
        "days" => "有效天数",
        "token_id" => "令牌编号",
        "current" => "当前密码",
        "password" => "密码",
        "repeat" => "确认密码",
        "action" => "操作",
        "payment_ref" => "支付凭证号",
        "answer" => "答复",
        "purpose" => "查看原因",
        "notice" => "放假通知",
        "name" => "名称",
        "code" => "代码",
        "status" => "状态",
        "week" => "调度周",
        "work_done" => "本周工作开展情况",
        "problems" => "存在问题及困难",
        "next_week" => "下周工作打算",
        "overdue_reasons" => "逾期未办结原因",
        "signed_by" => "签字负责人",
        "month" => "通报月份",
        "base" => "基础分",
        "weights" => "计分分值",
        "item" => "计分项",
        "identifier" => "证件号或车牌号",
        "cases" => "相关案件",
        "valid_until" => "期限",
        "department" => "部门",
        "measure" => "惩戒措施",
        "visited_on" => "检查日期",
        "team" => "督导组",
        "places" => "检查地点",
        "summary" => "检查情况",
        _ => "字段",
    }
}

fn reason_zh(reason: &str) -> &'static str {
    match reason {
        "must not be in the past" => "不能早于今天",
        "must not be negative" => "不能为负数",
        "is more than any penalty (at most 10,000,000,000 yuan)" => {
            "超过任何处罚金额（最多100亿元）"
        }
        "already transferred" => "已经移送",
        "not transferred yet" => "尚未移送",
        "police filing receipt not recorded yet" => "尚未登记公安立案回执",
        "prosecution not recorded yet" => "尚未移送检察院",
        "already escalated" => "已经升级过",
        "no deadline is set" => "未设定时限",
        "needs at least one amount" => "至少填写一项金额",
        "step already recorded" => "该步骤已登记",
        _ => "不符合要求",
    }
}

/// The state of a case as derived from its actions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CaseState {
    pub status: CaseStatus,
    pub decision: Option<Decision>,
    pub deadline: Option<NaiveDate>,
    pub steps_done: Vec<MeasureStep>,
    pub police: PoliceStage,
    pub discipline: DisciplineStage,
    pub restored: bool,
    pub seized: bool,
    pub fine_fen: i64,
    pub confiscation_fen: i64,
    pub escalated: bool,
}

fn required(field: &'static str, value: &str) -> Result<(), Refusal> {
    if value.trim().is_empty() {
        Err(Refusal::MissingField { field })
    } else {
        Ok(())
    }
}

impl CaseState {
    /// A newly registered case, due for verification by `verify_by`.
    #[must_use]
    pub fn opened(verify_by: NaiveDate) -> Self {
        CaseState {
            status: CaseStatus::Registered,
            decision: None,
            deadline: Some(verify_by),
            steps_done: Vec::new(),
            police: PoliceStage::NotTransferred,
            discipline: DisciplineStage::NotTransferred,
            restored: false,
            seized: false,
            fine_fen: 0,
            confiscation_fen: 0,
            escalated: false,
        }
    }

    /// Steps of 两断三清 the decision still needs.
    #[must_use]
    pub fn missing_steps(&self) -> Vec<MeasureStep> {
        match self.decision {
            Some(d) if d.requires_cuts_and_clears() => MeasureStep::ALL
                .iter()
                .copied()
                .filter(|s| !self.steps_done.contains(s))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// True when the case is open, has a deadline and `today` is past it.
    #[must_use]
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.status.is_open() && self.deadline.is_some_and(|d| today > d)
    }

    /// Whether `action` may be taken now as far as order goes — status, the police and
    /// discipline tracks, escalation — leaving its fields aside. Pages use it to offer only
    /// the steps that fit; [`CaseState::apply`] checks it first.
    ///
    /// # Errors
    /// The [`Refusal`] naming the rule of order that forbids the step.
    pub fn check_order(&self, action: &CaseAction) -> Result<(), Refusal> {
        use CaseStatus as S;
        let code = action.code();
        let status_in = |allowed: &[S]| {
            if allowed.contains(&self.status) {
                Ok(())
            } else {
                Err(Refusal::WrongStatus {
                    action: code,
                    status: self.status,
                })
            }
        };
        let order = |ok: bool, reason: &'static str| {
            if ok {
                Ok(())
            } else {
                Err(Refusal::OutOfOrder {
                    action: code,
                    reason,
                })
            }
        };
        let verified = [
            S::Verified,
            S::Rectifying,
            S::AwaitingAcceptance,
            S::Accepted,
            S::Closed,
        ];
        match action {
            CaseAction::Verify { .. } => status_in(&[S::Registered]),
            CaseAction::Decide { .. } => status_in(&[S::Verified]),
            CaseAction::Measure { step, .. } => {
                status_in(&[S::Rectifying])?;
                order(!self.steps_done.contains(step), "step already recorded")
            }
            CaseAction::Seize { .. } | CaseAction::ReportRectified { .. } => {
                status_in(&[S::Rectifying])
            }
            CaseAction::Penalty { .. } | CaseAction::Restore { .. } => {
                status_in(&[S::Rectifying, S::AwaitingAcceptance])
            }
            CaseAction::TransferPolice { .. } => {
                status_in(&verified)?;
                order(
                    self.police == PoliceStage::NotTransferred,
                    "already transferred",
                )
            }
            CaseAction::PoliceFiled { .. } => order(
                self.police == PoliceStage::Transferred,
                "not transferred yet",
            ),
            CaseAction::Prosecuted { .. } => order(
                self.police == PoliceStage::Filed,
                "police filing receipt not recorded yet",
            ),
            CaseAction::CourtJudged { .. } => order(
                self.police == PoliceStage::Prosecuted,
                "prosecution not recorded yet",
            ),
            CaseAction::TransferDiscipline { .. } => {
                status_in(&verified)?;
                order(
                    self.discipline == DisciplineStage::NotTransferred,
                    "already transferred",
                )
            }
            CaseAction::DisciplineConcluded { .. } => order(
                self.discipline == DisciplineStage::Transferred,
                "not transferred yet",
            ),
            CaseAction::Accept { .. } => status_in(&[S::AwaitingAcceptance]),
            CaseAction::Close { .. } => {
                status_in(&[S::Accepted])?;
                order(
                    self.police != PoliceStage::Transferred,
                    "police filing receipt not recorded yet",
                )
            }
            CaseAction::Note { .. } => Ok(()),
            CaseAction::Escalate { .. } => {
                if !self.status.is_open() {
                    return Err(Refusal::WrongStatus {
                        action: code,
                        status: self.status,
                    });
                }
                order(self.deadline.is_some(), "no deadline is set")?;
                order(!self.escalated, "already escalated")
            }
            CaseAction::LookBack { .. } => status_in(&[S::Closed]),
        }
    }

    /// Applies one action, or says why it may not happen now.
    ///
    /// # Errors
    /// A [`Refusal`] naming the broken rule; the state is then unchanged.
    pub fn apply(&self, action: &CaseAction, today: NaiveDate) -> Result<CaseState, Refusal> {
        use CaseStatus as S;
        self.check_order(action)?;
        let mut next = self.clone();
        match action {
            CaseAction::Verify { founded, note } => {
                if *founded {
                    next.status = S::Verified;
                } else {
                    required("note", note)?;
                    next.status = S::Unfounded;
                    next.deadline = None;
                }
            }
            CaseAction::Decide {
                decision,
                measures,
                deadline,
                responsible_unit,
                responsible_person,
            } => {
                required("measures", measures)?;
                required("responsible_unit", responsible_unit)?;
                required("responsible_person", responsible_person)?;
                if *deadline < today {
                    return Err(Refusal::InvalidField {
                        field: "deadline",
                        reason: "must not be in the past",
                    });
                }
                next.status = S::Rectifying;
                next.decision = Some(*decision);
                next.deadline = Some(*deadline);
                next.escalated = false;
            }
            CaseAction::Measure { step, .. } => {
                next.steps_done.push(*step);
                next.steps_done.sort();
            }
            CaseAction::Seize { items, .. } => {
                required("items", items)?;
                next.seized = true;
            }
            CaseAction::Penalty {
                fine_fen,
                confiscation_fen,
                document_no,
            } => {
                required("document_no", document_no)?;
                for (field, fen) in [
                    ("fine_fen", *fine_fen),
                    ("confiscation_fen", *confiscation_fen),
                ] {
                    if fen < 0 {
                        return Err(Refusal::InvalidField {
                            field,
                            reason: "must not be negative",
                        });
                    }
                    if fen > MAX_AMOUNT_FEN {
                        return Err(Refusal::InvalidField {
                            field,
                            reason: "is more than any penalty (at most 10,000,000,000 yuan)",
                        });
                    }
                }
                if *fine_fen == 0 && *confiscation_fen == 0 {
                    return Err(Refusal::InvalidField {
                        field: "fine_fen",
                        reason: "needs at least one amount",
                    });
                }
                next.fine_fen = self.fine_fen.saturating_add(*fine_fen);
                next.confiscation_fen = self.confiscation_fen.saturating_add(*confiscation_fen);
            }
            CaseAction::TransferPolice { note } => {
                required("note", note)?;
                next.police = PoliceStage::Transferred;
            }
            CaseAction::PoliceFiled { receipt_no } => {
                required("receipt_no", receipt_no)?;
                next.police = PoliceStage::Filed;
            }
            CaseAction::Prosecuted { .. } => next.police = PoliceStage::Prosecuted,
            CaseAction::CourtJudged { result } => {
                required("result", result)?;
                next.police = PoliceStage::Judged;
            }
            CaseAction::TransferDiscipline { note } => {
                required("note", note)?;
                next.discipline = DisciplineStage::Transferred;
            }
            CaseAction::DisciplineConcluded { result } => {
                required("result", result)?;
                next.discipline = DisciplineStage::Concluded;
            }
            CaseAction::Restore { note } => {
                required("note", note)?;
                next.restored = true;
            }
            CaseAction::ReportRectified { note } => {
                required("note", note)?;
                let missing = self.missing_steps();
                if !missing.is_empty() {
                    return Err(Refusal::StepsMissing { missing });
                }
                next.status = S::AwaitingAcceptance;
            }
            CaseAction::Accept { passed, note } => {
                if *passed {
                    next.status = S::Accepted;
                } else {
                    required("note", note)?;
                    next.status = S::Rectifying;
                }
            }
            CaseAction::Close { .. } => {
                next.status = S::Closed;
                next.deadline = None;
            }
            CaseAction::Note { text } => required("text", text)?,
            CaseAction::Escalate { .. } => next.escalated = true,
            CaseAction::LookBack { note, .. } => required("note", note)?,
        }
        Ok(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }

    fn decide(decision: Decision, deadline: &str) -> CaseAction {
        CaseAction::Decide {
            decision,
            measures: "停止开采，恢复植被".into(),
            deadline: d(deadline),
            responsible_unit: "县自然资源局".into(),
            responsible_person: "王某".into(),
        }
    }

    fn run(actions: &[CaseAction]) -> Result<CaseState, Refusal> {
        let today = d("2026-03-02");
        actions
            .iter()
            .try_fold(CaseState::opened(d("2026-03-05")), |s, a| s.apply(a, today))
    }

    #[test]
    fn full_path_from_tip_to_closing() {
        let mut actions = vec![
            CaseAction::Verify {
                founded: true,
                note: String::new(),
            },
            decide(Decision::Ban, "2026-03-20"),
        ];
        for step in MeasureStep::ALL {
            actions.push(CaseAction::Measure {
                step: *step,
                note: String::new(),
            });
        }
        actions.extend([
            CaseAction::Penalty {
                fine_fen: 5_000_000,
                confiscation_fen: 120_000,
                document_no: "X罚〔2026〕3号".into(),
            },
            CaseAction::TransferPolice {
                note: "涉嫌非法采矿罪".into(),
            },
            CaseAction::PoliceFiled {
                receipt_no: "立字〔2026〕7号".into(),
            },
            CaseAction::ReportRectified {
                note: "已整改".into(),
            },
            CaseAction::Accept {
                passed: true,
                note: String::new(),
            },
            CaseAction::Close {
                note: "逐宗销号".into(),
            },
            CaseAction::Prosecuted {
                note: String::new(),
            },
        ]);
        // A fine past any real penalty is refused before it can overflow a county's sums.
        let mut absurd = actions[..2 + MeasureStep::ALL.len()].to_vec();
        absurd.push(CaseAction::Penalty {
            fine_fen: i64::MAX,
            confiscation_fen: 0,
            document_no: "X罚〔2026〕4号".into(),
        });
        assert!(matches!(
            run(&absurd),
            Err(Refusal::InvalidField {
                field: "fine_fen",
                ..
            })
        ));
        let state = run(&actions).expect("every step in order");
        assert_eq!(state.status, CaseStatus::Closed);
        assert_eq!(state.police, PoliceStage::Prosecuted);
        assert_eq!(state.fine_fen, 5_000_000);
        assert!(state.missing_steps().is_empty());
    }

    #[test]
    fn unfounded_needs_a_reason_and_ends_the_case() {
        let refused = run(&[CaseAction::Verify {
            founded: false,
            note: " ".into(),
        }]);
        assert_eq!(refused, Err(Refusal::MissingField { field: "note" }));
        let state = run(&[CaseAction::Verify {
            founded: false,
            note: "现场为正常施工".into(),
        }])
        .expect("ok");
        assert_eq!(state.status, CaseStatus::Unfounded);
        assert!(!state.status.is_open());
        assert!(!state.is_overdue(d("2027-01-01")));
    }

    #[test]
    fn steps_out_of_order_are_refused() {
        let refused = run(&[decide(Decision::Rectify, "2026-03-20")]);
        assert_eq!(
            refused,
            Err(Refusal::WrongStatus {
                action: "decide",
                status: CaseStatus::Registered
            })
        );
        let refused = run(&[CaseAction::Close {
            note: String::new(),
        }]);
        assert!(matches!(
            refused,
            Err(Refusal::WrongStatus {
                action: "close",
                ..
            })
        ));
        let refused = run(&[
            CaseAction::Verify {
                founded: true,
                note: String::new(),
            },
            CaseAction::PoliceFiled {
                receipt_no: "1".into(),
            },
        ]);
        assert!(matches!(
            refused,
            Err(Refusal::OutOfOrder {
                action: "police_filed",
                ..
            })
        ));
    }

    #[test]
    fn ban_cannot_be_reported_done_before_two_cuts_three_clears() {
        let refused = run(&[
            CaseAction::Verify {
                founded: true,
                note: String::new(),
            },
            decide(Decision::Demolish, "2026-03-20"),
            CaseAction::Measure {
                step: MeasureStep::CutPower,
                note: String::new(),
            },
            CaseAction::ReportRectified {
                note: "done".into(),
            },
        ]);
        match refused {
            Err(Refusal::StepsMissing { missing }) => assert_eq!(missing.len(), 4),
            other => panic!("expected StepsMissing, got {other:?}"),
        }
    }

    #[test]
    fn rectify_decision_needs_no_cuts_and_failed_acceptance_goes_back() {
        let state = run(&[
            CaseAction::Verify {
                founded: true,
                note: String::new(),
            },
            decide(Decision::Rectify, "2026-03-02"),
            CaseAction::ReportRectified {
                note: "立行立改".into(),
            },
            CaseAction::Accept {
                passed: false,
                note: "植被未恢复".into(),
            },
        ])
        .expect("ok");
        assert_eq!(state.status, CaseStatus::Rectifying);
    }

    #[test]
    fn past_deadline_is_refused_and_overdue_is_detected() {
        let refused = run(&[
            CaseAction::Verify {
                founded: true,
                note: String::new(),
            },
            decide(Decision::Rectify, "2026-03-01"),
        ]);
        assert!(matches!(
            refused,
            Err(Refusal::InvalidField {
                field: "deadline",
                ..
            })
        ));
        let state = run(&[]).expect("ok");
        assert!(!state.is_overdue(d("2026-03-05")));
        assert!(state.is_overdue(d("2026-03-06")));
    }

    #[test]
    fn closing_waits_for_the_police_receipt() {
        let refused = run(&[
            CaseAction::Verify {
                founded: true,
                note: String::new(),
            },
            decide(Decision::Rectify, "2026-03-20"),
            CaseAction::TransferPolice {
                note: "涉嫌犯罪".into(),
            },
            CaseAction::ReportRectified {
                note: "done".into(),
            },
            CaseAction::Accept {
                passed: true,
                note: String::new(),
            },
            CaseAction::Close {
                note: String::new(),
            },
        ]);
        assert!(matches!(
            refused,
            Err(Refusal::OutOfOrder {
                action: "close",
                ..
            })
        ));
    }

    #[test]
    fn escalation_happens_once_per_deadline() {
        let state = run(&[CaseAction::Escalate {
            reason: "overdue".into(),
        }])
        .expect("ok");
        assert!(state.escalated);
        let again = state.apply(
            &CaseAction::Escalate {
                reason: "overdue".into(),
            },
            d("2026-03-09"),
        );
        assert!(matches!(again, Err(Refusal::OutOfOrder { .. })));
    }

    #[test]
    fn refusals_speak_chinese() {
        let r = Refusal::MissingField { field: "measures" };
        assert_eq!(r.message(true), "必须填写“整改措施”");
        assert_eq!(r.message(false), "field 'measures' is required");
    }

    #[test]
    fn actions_round_trip_through_json() {
        let a = decide(Decision::CloseDown, "2026-04-01");
        let json = serde_json::to_string(&a).expect("serialise");
        assert!(json.contains("\"action\":\"decide\""));
        let back: CaseAction = serde_json::from_str(&json).expect("parse");
        assert_eq!(back, a);
    }
}
