//! Satellite patches over `/api/v1`: the list with filters, one patch with its evidence and
//! readings, the truthfulness findings, filing field evidence, the county's review, and the
//! registers the patches are triaged against.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};

use crate::AppState;
use crate::auth::ApiUser;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::json::OrJson;

type ApiResult = Result<Response, Response>;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/patches", get(list_patches))
        .route("/patches/findings", get(patch_findings))
        .route("/patches/{id}", get(patch_detail))
        .route("/patches/{id}/verification", post(verify_patch))
        .route("/patches/{id}/review", post(review_patch))
        .route("/registers", get(register_list))
}

async fn list_patches(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    lang: Lang,
    Query(filter): Query<minewatch_store::PatchFilter>,
) -> ApiResult {
    let rows = state.store.patches(&actor, &filter).await.or_json(lang)?;
    Ok(Json(rows).into_response())
}

async fn patch_detail(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    lang: Lang,
    Path(id): Path<i64>,
) -> ApiResult {
    let detail = state.store.patch(&actor, id).await.or_json(lang)?;
    let findings = state
        .store
        .truth_findings(&actor, Some(id))
        .await
        .or_json(lang)?;
    Ok(Json(serde_json::json!({"patch": detail, "findings": findings})).into_response())
}

async fn patch_findings(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    lang: Lang,
) -> ApiResult {
    let findings = state
        .store
        .truth_findings(&actor, None)
        .await
        .or_json(lang)?;
    Ok(Json(findings).into_response())
}

async fn verify_patch(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    lang: Lang,
    Path(id): Path<i64>,
    body: Result<Json<minewatch_store::NewVerification>, axum::extract::rejection::JsonRejection>,
) -> ApiResult {
    let Json(v) = body.map_err(|e| {
        WebError::field(
            "body",
            format!("请求内容有误：{e}"),
            format!("bad request body: {e}"),
        )
        .into_json(lang)
    })?;
    state
        .store
        .verify_patch(&actor, id, &v, state.clock.now())
        .await
        .or_json(lang)?;
    let detail = state.store.patch(&actor, id).await.or_json(lang)?;
    let findings = state
        .store
        .truth_findings(&actor, Some(id))
        .await
        .or_json(lang)?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(serde_json::json!({"patch": detail, "findings": findings})),
    )
        .into_response())
}

#[derive(serde::Deserialize)]
struct Review {
    accept: bool,
    #[serde(default)]
    note: String,
}

async fn review_patch(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    lang: Lang,
    Path(id): Path<i64>,
    body: Result<Json<Review>, axum::extract::rejection::JsonRejection>,
) -> ApiResult {
    let Json(r) = body.map_err(|e| {
        WebError::field(
            "body",
            format!("请求内容有误：{e}"),
            format!("bad request body: {e}"),
        )
        .into_json(lang)
    })?;
    state
        .store
        .review_patch(&actor, id, r.accept, &r.note, state.clock.now())
        .await
        .or_json(lang)?;
    let detail = state.store.patch(&actor, id).await.or_json(lang)?;
    Ok(Json(detail).into_response())
}

async fn register_list(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    lang: Lang,
) -> ApiResult {
    let features = state
        .store
        .register_features(actor.county_id, None)
        .await
        .or_json(lang)?;
    Ok(Json(features).into_response())
}
