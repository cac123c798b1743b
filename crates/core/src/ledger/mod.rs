//! The ledger's rules: the case state machine, clue sources, problem kinds and their
//! routing defaults, deadlines and escalation, and the hash chain of events.

pub mod case;
pub mod chain;
pub mod clue;
pub mod deadline;
pub mod kind;
