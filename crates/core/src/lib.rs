//! Domain types and rules of minewatch, free of I/O.
//!
//! Everything that decides *what is allowed* lives here — the organisation and its
//! jurisdictions, the kinds of problems and where they are routed, the case state machine
//! (R11–R13), deadlines and escalation, and the hash chain that makes the record trustworthy.
//! The store and the web layer call into these rules; they never re-implement them. Modules
//! carry the capability names the store and the web use (`ledger`, `patrol`, `calendar`, …).

pub mod acceptance;
pub mod blacklist;
pub mod bulletin;
pub mod calendar;
pub mod clock;
pub mod code;
pub mod dispatch;
pub mod inspection;
pub mod ledger;
pub mod notify;
pub mod org;
pub mod patrol;
pub mod rights;
pub mod scoreboard;
pub mod seizure;
pub mod todo;

pub use clock::{Clock, ManualClock, SystemClock};
pub use ledger::case::{CaseAction, CaseState, CaseStatus, Decision, MeasureStep, Refusal};
pub use ledger::clue::{ClueSource, SourceGroup};
pub use ledger::kind::{ProblemCategory, ProblemKind, Severity};
pub use org::{DepartmentCode, Jurisdiction, Role, Scope};
