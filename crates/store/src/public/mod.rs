//! The public (R3, R4, R10, R13, R14, R26): the working-day calendar the office keeps, public
//! tips with a tracking code and a secret, their clocks in working days, and the tipster's
//! identity kept apart from the ledger.

pub(crate) mod calendar;
pub(crate) mod rewards;
pub(crate) mod tips;
