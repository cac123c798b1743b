//! Domain types and rules of minewatch, free of I/O.
//!
//! Everything that decides *what is allowed* lives here — the organisation and its
//! jurisdictions, the kinds of problems and where they are routed, the case state machine
//! (R11–R13), deadlines and escalation, and the hash chain that makes the record trustworthy.
//! The store and the web layer call into these rules; they never re-implement them.

pub mod case;
pub mod chain;
pub mod clock;
pub mod clue;
pub mod deadline;
pub mod duty;
pub mod kind;
pub mod org;
pub mod rights;
pub mod workdays;

pub use case::{CaseAction, CaseState, CaseStatus, Decision, MeasureStep, Refusal};
pub use clock::{Clock, ManualClock, SystemClock};
pub use clue::ClueSource;
pub use kind::{ProblemCategory, ProblemKind, Severity};
pub use org::{DepartmentCode, Jurisdiction, Role, Scope};
