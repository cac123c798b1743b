//! The patrol's rules: who is on duty for which grid, and which periods a report covers.

pub mod duty;
