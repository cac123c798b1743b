//! The ledger on the web (R6–R15): the ledger with its filters and workbook, one case with
//! its timeline and a form for each step the user may take, clue intake on the phone and
//! one's own clues — pages and API.

pub(crate) mod api;
pub(crate) mod case;
pub(crate) mod clue;
pub(crate) mod list;

use crate::AppState;
use axum::Router;
use axum::routing::{get, post};

/// The ledger pages.
pub(crate) fn page_routes() -> Router<AppState> {
    Router::new()
        .route("/ledger", get(list::page))
        .route("/ledger.xlsx", get(list::xlsx))
        .route("/cases/{id}", get(case::page))
        .route("/cases/{id}/act", post(case::act))
        .route("/clues/new", get(clue::form).post(clue::submit))
        .route("/clues/mine", get(clue::mine))
}

/// The ledger over `/api/v1`.
pub(crate) fn api_routes() -> Router<AppState> {
    Router::new()
        .route("/cases", get(api::list_cases))
        .route("/cases/{id}", get(api::case_detail))
        .route("/cases/{id}/actions", post(api::act))
        .route("/clues", post(api::file_clue))
        .route("/clues/mine", get(api::own_clues))
        .route("/clues/{id}/split", post(api::split_clue))
        .route("/ledger.xlsx", get(api::ledger_xlsx))
}
