//! The one place capabilities follow the ledger: each registers a hook that runs on every
//! step taken on a case, inside the step's transaction, after the case's new state and its
//! event are written. The ledger names no capability; a new one adds a line here.

use crate::{Result, Store};
use chrono::{DateTime, Utc};
use minewatch_core::CaseAction;
use std::future::Future;
use std::pin::Pin;

/// A step just taken on a case, as the hooks see it.
pub(crate) struct Step<'a> {
    pub store: &'a Store,
    pub county_id: i64,
    pub case_id: crate::CaseId,
    pub action: &'a CaseAction,
    /// This step closed the case.
    pub closed: bool,
    pub now: DateTime<Utc>,
    /// `now` as stored.
    pub at: &'a crate::Stamp,
}

pub(crate) type Tx = crate::db::Tx;
pub(crate) type HookFuture<'a> = Pin<Box<dyn Future<Output = Result<()>> + Send + 'a>>;
/// What a capability does after a step; it writes only through `tx`.
pub(crate) type CaseHook = for<'a> fn(&'a mut Tx, &'a Step<'a>) -> HookFuture<'a>;

/// Every capability that follows the ledger, in the order they run.
pub(crate) const CASE_HOOKS: &[(&str, CaseHook)] = &[
    // A closed case is looked at again; a look-back step is recorded against its task.
    ("lookbacks", crate::lookbacks::on_case_step),
    // A founded case may hold a lead: who should have found it first.
    ("leads", crate::leads::on_case_step),
    // A checked case owes its tipsters an answer from now.
    ("tips", crate::tips::on_case_step),
];

/// Runs every hook on `step`; the first failure undoes the whole step.
pub(crate) async fn after_step(tx: &mut Tx, step: &Step<'_>) -> Result<()> {
    for (_, hook) in CASE_HOOKS {
        hook(tx, step).await?;
    }
    Ok(())
}
