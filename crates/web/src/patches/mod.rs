//! 卫片图斑 on the web (R5, R20, R21, R29): the registers, the batches of patches with their
//! triage, the field evidence and its truthfulness findings, the county's review — pages,
//! workbooks and the API.

pub(crate) mod api;
pub(crate) mod pages;

pub(crate) use pages::status_label;

use crate::AppState;
use axum::Router;
use axum::routing::{get, post};

/// The patch pages.
pub(crate) fn page_routes() -> Router<AppState> {
    Router::new()
        .route("/patches", get(pages::list))
        .route("/registers", get(pages::registers_page))
        .route("/patches.xlsx", get(pages::xlsx))
        .route("/patches/findings", get(pages::findings))
        .route("/patches/findings.xlsx", get(pages::findings_xlsx))
        .route("/patches/{id}", get(pages::detail))
        .route("/patches/{id}/verify", post(pages::verify))
        .route("/patches/{id}/review", post(pages::review))
}
