//! Patrol on the web (R2, R16–R19): the grids' daily reports, patrol records with their
//! sign-offs and the county's form, GPS tracks and zone coverage, the duty calendar and
//! compliance — pages for the phone and the office, and the API the phone's queue posts to.

pub(crate) mod api;
pub(crate) mod daily;
pub(crate) mod duty;
mod paper;
pub(crate) mod patrols;
pub(crate) mod tracks;

use crate::AppState;
use axum::Router;
use axum::routing::{get, post};

/// The patrol pages.
pub(crate) fn page_routes() -> Router<AppState> {
    Router::new()
        .route("/daily", get(daily::page))
        .route("/daily/nothing", post(daily::nothing))
        .route("/daily/finding", post(daily::finding))
        .route("/patrols", get(patrols::list))
        .route("/patrols.xlsx", get(patrols::xlsx))
        .route("/patrols/new", get(patrols::form).post(patrols::submit))
        .route("/patrols/{id}", get(patrols::detail))
        .route("/patrols/{id}/sign", post(patrols::sign))
        .route("/patrols/{id}/pdf", get(paper::record_pdf))
        .route("/tracks", get(tracks::page))
        .route("/tracks/gpx", post(tracks::upload_gpx))
        .route("/coverage", get(tracks::coverage))
        .route("/duty", get(duty::page))
        .route("/duty/settings", post(duty::save_settings))
        .route("/compliance.xlsx", get(duty::xlsx))
}
