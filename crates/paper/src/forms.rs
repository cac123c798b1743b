//! What each template reads, as typed records: the web fills them from the ledger, the
//! templates lay them out. Every text is plain text; dates are already written the Chinese
//! way ("2026年11月30日") by the caller, which knows the county's clock.

use serde::Serialize;

use crate::Template;

/// A filled form of one template.
pub trait Form: Serialize {
    const TEMPLATE: Template;
}

/// The R11 fields of a case as documents print them.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CaseFields {
    pub number: String,
    pub source: String,
    /// Township and village.
    pub place: String,
    pub address: String,
    pub problem_kind: String,
    pub severity: String,
    pub finding: String,
    pub status: String,
    pub decision: String,
    pub lead_department: String,
    pub responsible_unit: String,
    pub responsible_person: String,
    pub measures: String,
    pub due_on: String,
    pub opened: String,
}

/// Who received a paper and when; blank lines to sign by hand where nobody has yet.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Receipt {
    pub signer: String,
    pub date: String,
}

/// 问题交办单.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Handoff {
    pub unit: String,
    pub number: String,
    pub date: String,
    pub signer: String,
    pub requirements: String,
    pub case: CaseFields,
    pub receipt: Receipt,
    /// Where the paper came from: the system, the record and when it was printed.
    pub trace: String,
}

impl Form for Handoff {
    const TEMPLATE: Template = Template::Handoff;
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct TimelineEntry {
    pub at: String,
    pub actor: String,
    pub what: String,
}

/// 督办函.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Supervision {
    pub unit: String,
    pub number: String,
    pub title: String,
    pub date: String,
    pub addressee: String,
    pub opened: String,
    pub as_of: String,
    pub days_overdue: i64,
    pub new_due: String,
    pub case: CaseFields,
    pub timeline: Vec<TimelineEntry>,
    pub trace: String,
}

impl Form for Supervision {
    const TEMPLATE: Template = Template::Supervision;
}

/// One sign-off of a chain: the step, the opinion, who signed and when.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SignStep {
    pub step: String,
    pub opinion: String,
    pub signer: String,
    pub date: String,
}

/// 问题整改销号审批表.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Closing {
    pub township: String,
    pub case: CaseFields,
    /// 两断三清 steps taken, one line each.
    pub measures: String,
    pub money: String,
    pub transfers: String,
    pub rectified: String,
    pub accepted: String,
    pub steps: Vec<SignStep>,
    pub trace: String,
}

impl Form for Closing {
    const TEMPLATE: Template = Template::Closing;
}

/// 周调度表 of one township.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Dispatch {
    pub title: String,
    pub township: String,
    pub week: String,
    pub as_of: String,
    /// (label, value) pairs, laid out two to a row.
    pub figures: Vec<(String, String)>,
    /// (heading, text) of what the township wrote.
    pub sections: Vec<(String, String)>,
    pub signer: String,
    pub submitted: String,
    pub trace: String,
}

impl Form for Dispatch {
    const TEMPLATE: Template = Template::Dispatch;
}

/// One township's line of the ranking.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BulletinLine {
    pub rank: usize,
    pub township: String,
    /// One count per item of the formula, in the order of `Bulletin::items`.
    pub counts: Vec<i64>,
    pub score: i64,
    /// "↑2", "↓1", "—", "新".
    pub change: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Worst {
    pub township: String,
    pub text: String,
}

/// Which pictures the bulletin carries.
#[derive(Debug, Clone, Copy, Default, Serialize)]
#[allow(clippy::struct_excessive_bools)] // one switch per picture, read by the template
pub struct Charts {
    pub scores: bool,
    pub sources: bool,
    pub overdue: bool,
    pub map: bool,
}

/// 月通报.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Bulletin {
    pub unit: String,
    pub number: String,
    pub title: String,
    pub addressee: String,
    pub summary: String,
    pub formula: String,
    pub items: Vec<String>,
    pub rows: Vec<BulletinLine>,
    pub charts: Charts,
    pub top: String,
    pub bottom: String,
    pub worst: Vec<Worst>,
    pub map_caption: String,
    pub closing_heading: String,
    pub requirements: String,
    pub date: String,
    pub trace: String,
}

impl Form for Bulletin {
    const TEMPLATE: Template = Template::Bulletin;
}

/// 巡查记录表.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Patrol {
    pub title: String,
    pub grid: String,
    pub number: String,
    pub fields: Vec<(String, String)>,
    /// Whether a track picture is attached.
    pub track: bool,
    pub patroller: String,
    pub date: String,
    pub trace: String,
}

impl Form for Patrol {
    const TEMPLATE: Template = Template::Patrol;
}
