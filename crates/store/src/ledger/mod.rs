//! The ledger (R6–R15): clues, the cases they open or join, every step on a case as an
//! event in one hash-chained log, and the audit that re-walks it.

pub(crate) mod audit;
pub(crate) mod cases;
pub(crate) mod clues;
pub(crate) mod events;
pub(crate) mod sheet;
pub(crate) mod trend;
