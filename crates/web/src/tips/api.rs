//! Tips over `/api/v1`: the public endpoints a WeChat mini-program or the hotline operator's
//! screen calls (no account for citizens; the operator signs in), and the office's own.

use std::sync::Arc;

use axum::extract::{Extension, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use chrono::{DateTime, Utc};
use minewatch_core::ProblemKind;
use minewatch_core::clock::local_date;
use minewatch_store::{NewTip, TipChannel};
use serde::Deserialize;

use super::desk::Desk;
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::json::{body, store_err as fail};

type ApiResult = Result<Response, Response>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/public/tips", post(submit))
        .route("/public/tips/track", post(track))
        .route("/tips", get(list))
        .route("/tips/lapses", get(lapses))
        .route("/tips/{id}/accept", post(accept))
        .route("/tips/{id}/answer", post(answer))
        .route("/tips/{id}/tipster", post(tipster))
        .route("/tips/policy", get(policy).put(set_policy))
        .route("/rewards", get(rewards))
        .route("/rewards/rules", get(rules).put(set_rule))
        .route("/rewards/{tip_id}/approve", post(approve))
        .route("/rewards/{tip_id}/payment", post(pay))
}

#[derive(Deserialize)]
struct Photo {
    name: String,
    /// The bytes, base64.
    data: String,
}

#[derive(Deserialize)]
struct TipBody {
    county: Option<String>,
    #[serde(default = "web")]
    channel: String,
    description: String,
    problem_kind: Option<ProblemKind>,
    township_id: Option<i64>,
    village_id: Option<i64>,
    #[serde(default)]
    address: String,
    lon: Option<f64>,
    lat: Option<f64>,
    observed_at: Option<DateTime<Utc>>,
    #[serde(default)]
    photos: Vec<Photo>,
    #[serde(default)]
    name: String,
    #[serde(default)]
    phone: String,
    /// Hotline only: when the call came in.
    call_at: Option<DateTime<Utc>>,
}

fn web() -> String {
    "web".into()
}

async fn submit(
    State(state): State<AppState>,
    Extension(desk): Extension<Arc<Desk>>,
    crate::client::ClientIp(client): crate::client::ClientIp,
    lang: Lang,
    headers: HeaderMap,
    operator: Option<ApiUser>,
    b: Result<Json<TipBody>, axum::extract::rejection::JsonRejection>,
) -> ApiResult {
    let t = body(lang, b)?;
    let channel = TipChannel::from_code(&t.channel).ok_or_else(|| {
        WebError::field(
            "channel",
            "应为 web、wechat 或 hotline",
            "must be web, wechat or hotline",
        )
        .into_json(lang)
    })?;
    let operator = match (channel, operator) {
        (TipChannel::Hotline, Some(ApiUser(a))) => Some(a),
        (TipChannel::Hotline, None) => return Err(WebError::Unauthenticated.into_json(lang)),
        _ => None,
    };
    let mut photos = Vec::new();
    for p in t.photos {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(p.data.as_bytes())
            .map_err(|_| {
                WebError::field(
                    "photos",
                    format!("“{}”不是 base64", p.name),
                    format!("'{}' is not base64", p.name),
                )
                .into_json(lang)
            })?;
        photos.push((p.name, bytes));
    }
    let device = headers
        .get("x-device-id")
        .and_then(|v| v.to_str().ok())
        .filter(|d| !d.is_empty() && d.len() <= 100);
    let tip = NewTip {
        channel,
        description: t.description,
        problem_kind: t.problem_kind.unwrap_or(ProblemKind::UnlicensedMining),
        township_id: t.township_id,
        village_id: t.village_id,
        address: t.address,
        lon: t.lon,
        lat: t.lat,
        observed_at: t.observed_at,
        photos: Vec::new(),
        name: t.name,
        phone: t.phone,
        source_hash: String::new(),
        call_at: t.call_at,
    };
    let from = super::public::Sender {
        address: client,
        device,
        operator: operator.as_ref(),
    };
    let receipt = super::public::take_tip(&state, &desk, t.county.as_deref(), &from, tip, photos)
        .await
        .map_err(|e| e.into_json(lang))?;
    Ok((StatusCode::CREATED, Json(receipt)).into_response())
}

#[derive(Deserialize)]
struct TrackBody {
    code: String,
    secret: String,
}

async fn track(
    State(state): State<AppState>,
    Extension(desk): Extension<Arc<Desk>>,
    crate::client::ClientIp(client): crate::client::ClientIp,
    lang: Lang,
    b: Result<Json<TrackBody>, axum::extract::rejection::JsonRejection>,
) -> ApiResult {
    desk.admit_lookup(client)
        .map_err(|r| super::public::refusal_error(r).into_json(lang))?;
    let t = body(lang, b)?;
    let p = state
        .store
        .tip_progress(&t.code, &t.secret)
        .await
        .map_err(fail(lang))?;
    Ok(Json(p).into_response())
}

async fn list(State(state): State<AppState>, ApiUser(actor): ApiUser, lang: Lang) -> ApiResult {
    let rows = state
        .store
        .tips(&actor, local_date(state.clock.now()))
        .await
        .map_err(fail(lang))?;
    Ok(Json(rows).into_response())
}

async fn lapses(State(state): State<AppState>, ApiUser(actor): ApiUser, lang: Lang) -> ApiResult {
    let rows = state
        .store
        .tip_lapses(&actor, local_date(state.clock.now()))
        .await
        .map_err(fail(lang))?;
    Ok(Json(rows).into_response())
}

async fn accept(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    lang: Lang,
    Path(id): Path<i64>,
) -> ApiResult {
    let row = state
        .store
        .accept_tip(&actor, id, state.clock.now())
        .await
        .map_err(fail(lang))?;
    Ok(Json(row).into_response())
}

#[derive(Deserialize)]
struct AnswerBody {
    answer: String,
}

async fn answer(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    lang: Lang,
    Path(id): Path<i64>,
    b: Result<Json<AnswerBody>, axum::extract::rejection::JsonRejection>,
) -> ApiResult {
    let a = body(lang, b)?;
    let row = state
        .store
        .answer_tip(&actor, id, &a.answer, state.clock.now())
        .await
        .map_err(fail(lang))?;
    Ok(Json(row).into_response())
}

#[derive(Deserialize)]
struct PurposeBody {
    purpose: String,
}

async fn tipster(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    lang: Lang,
    Path(id): Path<i64>,
    b: Result<Json<PurposeBody>, axum::extract::rejection::JsonRejection>,
) -> ApiResult {
    let p = body(lang, b)?;
    let who = state
        .store
        .tipster(&actor, id, &p.purpose, state.clock.now())
        .await
        .map_err(fail(lang))?;
    Ok(([(axum::http::header::CACHE_CONTROL, "no-store")], Json(who)).into_response())
}

async fn rewards(State(state): State<AppState>, ApiUser(actor): ApiUser, lang: Lang) -> ApiResult {
    let rows = state.store.rewards(&actor).await.map_err(fail(lang))?;
    let totals = state
        .store
        .reward_totals(&actor)
        .await
        .map_err(fail(lang))?;
    Ok(Json(serde_json::json!({"rewards": rows, "totals": totals})).into_response())
}

async fn rules(State(state): State<AppState>, ApiUser(actor): ApiUser, lang: Lang) -> ApiResult {
    let rows = state
        .store
        .reward_rules(actor.county_id)
        .await
        .map_err(fail(lang))?;
    Ok(Json(rows).into_response())
}

async fn set_rule(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    lang: Lang,
    b: Result<Json<minewatch_store::RewardRule>, axum::extract::rejection::JsonRejection>,
) -> ApiResult {
    let r = body(lang, b)?;
    state
        .store
        .set_reward_rule(&actor, &r, state.clock.now())
        .await
        .map_err(fail(lang))?;
    Ok(Json(r).into_response())
}

async fn approve(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    lang: Lang,
    Path(tip_id): Path<i64>,
) -> ApiResult {
    let row = state
        .store
        .approve_reward(&actor, tip_id, state.clock.now())
        .await
        .map_err(fail(lang))?;
    Ok(Json(row).into_response())
}

#[derive(Deserialize)]
struct PaymentBody {
    payment_ref: String,
}

async fn pay(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    lang: Lang,
    Path(tip_id): Path<i64>,
    b: Result<Json<PaymentBody>, axum::extract::rejection::JsonRejection>,
) -> ApiResult {
    let p = body(lang, b)?;
    let row = state
        .store
        .pay_reward(&actor, tip_id, &p.payment_ref, state.clock.now())
        .await
        .map_err(fail(lang))?;
    Ok(Json(row).into_response())
}

async fn policy(State(state): State<AppState>, ApiUser(actor): ApiUser, lang: Lang) -> ApiResult {
    let p = state
        .store
        .tip_policy(actor.county_id)
        .await
        .map_err(fail(lang))?;
    Ok(Json(p).into_response())
}

async fn set_policy(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    lang: Lang,
    b: Result<Json<minewatch_store::TipPolicy>, axum::extract::rejection::JsonRejection>,
) -> ApiResult {
    let p = body(lang, b)?;
    state
        .store
        .set_tip_policy(&actor, &p, state.clock.now())
        .await
        .map_err(fail(lang))?;
    Ok(Json(p).into_response())
}
