//! The ledger on the web (R6–R15): the ledger with its filters and workbook, one case with
//! its timeline and a form for each step the user may take, clue intake on the phone and
//! one's own clues — pages and API.

pub(crate) mod api;
pub(crate) mod case;
pub(crate) mod clue;
pub(crate) mod list;
pub(crate) mod papers;
pub(crate) mod sheet;

use crate::AppState;
use axum::Router;
use axum::routing::{get, post};

/// The ledger pages.
pub(crate) fn page_routes() -> Router<AppState> {
    Router::new()
        .route("/ledger", get(list::page))
        .route("/ledger.xlsx", get(list::xlsx))
        .route("/ledger/print", get(sheet::print_page))
        .route("/cases/{id}", get(case::page))
        .route("/cases/{id}/act", post(case::act))
        .route("/cases/{id}/handoff.pdf", get(papers::handoff))
        .route("/cases/{id}/supervision.pdf", get(papers::supervision))
        .route("/cases/{id}/closing.pdf", get(papers::closing))
        .route("/clues/new", get(clue::form).post(clue::submit))
        .route("/clues/mine", get(clue::mine))
}

/// The ledger over `/api/v1`.
/// The ledger's API: each route is its documented operation (`#[utoipa::path]`), so the
/// router and the OpenAPI document are one list.
pub(crate) fn api_routes() -> utoipa_axum::router::OpenApiRouter<AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(api::list_cases))
        .routes(routes!(api::case_detail))
        .routes(routes!(api::act))
        .routes(routes!(api::file_clue))
        .routes(routes!(api::own_clues))
        .routes(routes!(api::split_clue))
        .routes(routes!(api::ledger_xlsx))
}
