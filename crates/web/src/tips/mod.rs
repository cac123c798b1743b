//! 群众举报 on the web (R4, R13, R26): the citizens' pages (a tip without an account, its
//! progress by code and secret), the public desk's guards, the office's pages (every tip with
//! its clocks, the tipster's identity for the reward officer only), rewards, and the API.

pub(crate) mod api;
pub mod desk;
pub(crate) mod intake;
pub(crate) mod pages;
pub(crate) mod public;
pub(crate) mod rewards;

use crate::AppState;
use axum::Router;
use axum::routing::{get, post};

/// The tip pages, for citizens and for the office.
pub(crate) fn page_routes() -> Router<AppState> {
    Router::new()
        .route("/tip", get(public::form).post(public::submit))
        .route("/tip/track", get(public::track_form).post(public::track))
        .route("/tips", get(pages::list))
        .route("/tips/identity-log", get(pages::identity_log))
        .route("/tips/{id}", get(pages::detail))
        .route("/tips/{id}/accept", post(pages::accept))
        .route("/tips/{id}/answer", post(pages::answer))
        .route("/tips/{id}/tipster", post(pages::tipster))
        .route("/calendar/policy", post(pages::save_policy))
        .route("/rewards", get(rewards::page))
        .route("/rewards/rules", post(rewards::save_rule))
        .route("/rewards/{id}/approve", post(rewards::approve))
        .route("/rewards/{id}/pay", post(rewards::pay))
}
