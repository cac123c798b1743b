//! Satellite patches over `/api/v1`: the list with filters, one patch with its evidence and
//! readings, the truthfulness findings, filing field evidence, the county's review, and the
//! registers the patches are triaged against.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use minewatch_store::{
    Finding, NewVerification, PatchDetail, PatchFilter, PatchRow, RegisterFeature,
};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::ApiUser;
use crate::json::{ApiJson, ApiQuery, ApiResult, ErrorBody};

pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_patches))
        .routes(routes!(patch_findings))
        .routes(routes!(patch_detail))
        .routes(routes!(verify_patch))
        .routes(routes!(review_patch))
        .routes(routes!(register_list))
}

/// One patch with what the truthfulness checks found on its evidence.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct PatchWithFindings {
    pub patch: PatchDetail,
    pub findings: Vec<Finding>,
}

#[utoipa::path(get, path = "/patches", tag = "patches",
    summary = "Satellite patches within your jurisdiction with their triage class and status",
    params(
        ("batch_id" = Option<i64>, Query, description = "one import batch"),
        ("class" = Option<minewatch_store::codes::PatchClassCode>, Query),
        ("status" = Option<minewatch_store::codes::PatchStatusCode>, Query),
    ),
    responses(
        (status = 200, body = Vec<PatchRow>),
        (status = 422, body = ErrorBody, description = "a filter is wrong; `field` names it"),
    ))]
async fn list_patches(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiQuery(filter): ApiQuery<PatchFilter>,
) -> ApiResult<Json<Vec<PatchRow>>> {
    Ok(Json(state.store.patches(&actor, &filter).await?))
}

#[utoipa::path(get, path = "/patches/{id}", tag = "patches",
    summary = "One patch: geometry, triage (licences and zones touched), evidence with what was read from each photo, and the truthfulness findings",
    params(("id" = i64, Path, description = "patch id")),
    responses(
        (status = 200, body = PatchWithFindings),
        (status = 404, body = ErrorBody, description = "no such patch in your area"),
    ))]
async fn patch_detail(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<minewatch_store::PatchId>,
) -> ApiResult<Json<PatchWithFindings>> {
    Ok(Json(with_findings(&state, &actor, id).await?))
}

async fn with_findings(
    state: &AppState,
    actor: &minewatch_store::Actor,
    id: minewatch_store::PatchId,
) -> Result<PatchWithFindings, minewatch_store::StoreError> {
    Ok(PatchWithFindings {
        patch: state.store.patch(actor, id).await?,
        findings: state.store.truth_findings(actor, Some(id)).await?,
    })
}

#[utoipa::path(get, path = "/patches/findings", tag = "patches",
    summary = "Truthfulness findings on field evidence (R29) for the patches you can see",
    description = "Photos taken far from the patch or before the later image, the same picture filed for different patches, pseudo-changes on suspect patches, and the like.",
    responses((status = 200, body = Vec<Finding>)))]
async fn patch_findings(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
) -> ApiResult<Json<Vec<Finding>>> {
    Ok(Json(state.store.truth_findings(&actor, None).await?))
}

#[utoipa::path(post, path = "/patches/{id}/verification", tag = "patches",
    summary = "File field evidence for a patch (village, township, county office)",
    description = "Photos are the SHA-256 of attachments uploaded before (`POST /attachments`). A determination that replaces an earlier one says what was wrong (`correction_note`).",
    params(("id" = i64, Path, description = "patch id")),
    request_body = NewVerification,
    responses(
        (status = 201, body = PatchWithFindings, description = "filed; the patch with its evidence and findings"),
        (status = 403, body = ErrorBody, description = "your role does not file evidence"),
        (status = 404, body = ErrorBody, description = "no such patch in your area, or a photo not uploaded"),
        (status = 422, body = ErrorBody, description = "unknown reason, no licence number for a legal ground, no note for `other`; `field` names it"),
    ))]
async fn verify_patch(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<minewatch_store::PatchId>,
    ApiJson(v): ApiJson<NewVerification>,
) -> ApiResult<(StatusCode, Json<PatchWithFindings>)> {
    state
        .store
        .verify_patch(&actor, id, &v, state.clock.now())
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(with_findings(&state, &actor, id).await?),
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct Review {
    /// Accept the evidence, or send it back.
    accept: bool,
    /// What is wrong, when sending it back.
    #[serde(default)]
    note: String,
}

#[utoipa::path(post, path = "/patches/{id}/review", tag = "patches",
    summary = "Accept the evidence or send it back with a note (county office)",
    params(("id" = i64, Path, description = "patch id")),
    request_body = Review,
    responses(
        (status = 200, body = PatchDetail, description = "the patch after the review"),
        (status = 403, body = ErrorBody, description = "only the county office reviews"),
        (status = 404, body = ErrorBody, description = "no such patch"),
        (status = 422, body = ErrorBody, description = "nothing to review, or no note when sending back"),
    ))]
async fn review_patch(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<minewatch_store::PatchId>,
    ApiJson(r): ApiJson<Review>,
) -> ApiResult<Json<PatchDetail>> {
    state
        .store
        .review_patch(&actor, id, r.accept, &r.note, state.clock.now())
        .await?;
    Ok(Json(state.store.patch(&actor, id).await?))
}

#[utoipa::path(get, path = "/registers", tag = "patches",
    summary = "The county's active register features: licences, projects, closed mines, zones, grid boundaries (GeoJSON geometry)",
    responses((status = 200, body = Vec<RegisterFeature>)))]
async fn register_list(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
) -> ApiResult<Json<Vec<RegisterFeature>>> {
    Ok(Json(
        state.store.register_features(actor.county_id, None).await?,
    ))
}
