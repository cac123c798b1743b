//! Tips over `/api/v1`: the public endpoints a WeChat mini-program or the hotline operator's
//! screen calls (no account for citizens; the operator signs in), and the office's own.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Extension, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use base64::Engine;
use chrono::{DateTime, Utc};
use minewatch_core::ProblemKind;
use minewatch_core::clock::local_date;
use minewatch_store::{
    NewTip, RewardRow, RewardRule, RewardTotals, TipChannel, TipLapse, TipPolicy, TipProgress,
    TipReceipt, TipRow, Tipster,
};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::desk::Desk;
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::WebError;
use crate::json::{ApiJson, ApiResult, ErrorBody};

pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(submit))
        .routes(routes!(track))
        .routes(routes!(list))
        .routes(routes!(lapses))
        .routes(routes!(accept))
        .routes(routes!(answer))
        .routes(routes!(tipster))
        .routes(routes!(policy, set_policy))
        .routes(routes!(rewards))
        .routes(routes!(rules, set_rule))
        .routes(routes!(approve))
        .routes(routes!(pay))
}

/// A photo sent with a tip.
#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct Photo {
    /// The file name, as the phone gives it.
    name: String,
    /// The bytes, base64.
    data: String,
}

/// A tip as the public sends it.
#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct TipBody {
    /// The county's name, where the server serves more than one.
    county: Option<String>,
    /// `web`, `wechat`, or `hotline` (the operator signs in).
    #[serde(default = "web")]
    #[schema(value_type = Option<TipChannel>)]
    channel: String,
    /// What was seen, at most 2,000 characters.
    description: String,
    /// `unlicensed_mining` by default.
    problem_kind: Option<ProblemKind>,
    township_id: Option<i64>,
    village_id: Option<i64>,
    #[serde(default)]
    address: String,
    lon: Option<f64>,
    lat: Option<f64>,
    /// When it was seen.
    observed_at: Option<DateTime<Utc>>,
    #[serde(default)]
    photos: Vec<Photo>,
    /// The tipster's name, for a reward; kept apart and shown only to the reward officer.
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

#[utoipa::path(post, path = "/public/tips", tag = "tips",
    summary = "A tip from the public, no account (web, wechat; the hotline operator signs in)",
    description = "Limited per address and per device (`X-Device-Id`), and county-wide; a refused tip stores nothing. Answers the tracking code and the secret, shown once.",
    params(("X-Device-Id" = Option<String>, Header, description = "the phone's or browser's own id, at most 100 characters")),
    request_body = TipBody,
    security((), ("bearer" = []), ("cookie" = [])),
    responses(
        (status = 201, body = TipReceipt, description = "taken; keep the code and secret to follow it"),
        (status = 401, body = ErrorBody, description = "a hotline tip without the operator signed in"),
        (status = 413, body = ErrorBody, description = "the body or a photo is too large"),
        (status = 422, body = ErrorBody, description = "a field is missing or wrong, a photo is not a picture, or the place is outside the county; `field` names it"),
        (status = 429, body = ErrorBody, description = "too many tips from this address or device; wait `Retry-After` seconds"),
    ))]
async fn submit(
    State(state): State<AppState>,
    Extension(desk): Extension<Arc<Desk>>,
    crate::client::ClientIp(client): crate::client::ClientIp,
    headers: HeaderMap,
    operator: Option<ApiUser>,
    ApiJson(t): ApiJson<TipBody>,
) -> ApiResult<(StatusCode, Json<TipReceipt>)> {
    let channel = TipChannel::from_code(&t.channel).ok_or_else(|| {
        WebError::field(
            "channel",
            "应为 web、wechat 或 hotline",
            "must be web, wechat or hotline",
        )
    })?;
    let operator = match (channel, operator) {
        (TipChannel::Hotline, Some(ApiUser(a))) => Some(a),
        (TipChannel::Hotline, None) => return Err(WebError::Unauthenticated.into()),
        _ => None,
    };
    let mut photos = Vec::new();
    for (i, p) in t.photos.into_iter().enumerate() {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(p.data.as_bytes())
            .map_err(|_| {
                WebError::field(
                    &format!("photos[{i}].data"),
                    format!("“{}”不是 base64", p.name),
                    format!("'{}' is not base64", p.name),
                )
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
    let from = super::intake::Sender {
        address: client,
        device,
        operator: operator.as_ref(),
    };
    let receipt =
        super::intake::take_tip(&state, &desk, t.county.as_deref(), &from, tip, photos).await?;
    Ok((StatusCode::CREATED, Json(receipt)))
}

/// What the tipster was given when the tip was taken.
#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct TrackBody {
    code: String,
    secret: String,
}

#[utoipa::path(post, path = "/public/tips/track", tag = "tips",
    summary = "A tip's progress by its tracking code and secret: steps, finding, answer, reward",
    request_body = TrackBody,
    security(()),
    responses(
        (status = 200, body = TipProgress),
        (status = 404, body = ErrorBody, description = "no tip with this code and secret"),
        (status = 429, body = ErrorBody, description = "too many look-ups from this address; wait `Retry-After` seconds"),
    ))]
async fn track(
    State(state): State<AppState>,
    Extension(desk): Extension<Arc<Desk>>,
    crate::client::ClientIp(client): crate::client::ClientIp,
    ApiJson(t): ApiJson<TrackBody>,
) -> ApiResult<Json<TipProgress>> {
    desk.admit_lookup(client)
        .map_err(super::intake::refusal_error)?;
    Ok(Json(state.store.tip_progress(&t.code, &t.secret).await?))
}

#[utoipa::path(get, path = "/tips", tag = "tips",
    summary = "Tips in your area with their working-day clocks (late, due soon)",
    responses((status = 200, body = Vec<TipRow>)))]
async fn list(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
) -> ApiResult<Json<Vec<TipRow>>> {
    Ok(Json(
        state
            .store
            .tips(&actor, local_date(state.clock.now()))
            .await?,
    ))
}

#[utoipa::path(get, path = "/tips/lapses", tag = "tips",
    summary = "Tip steps not taken in time (举报不受理、不核实、未答复)",
    responses((status = 200, body = Vec<TipLapse>)))]
async fn lapses(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
) -> ApiResult<Json<Vec<TipLapse>>> {
    Ok(Json(
        state
            .store
            .tip_lapses(&actor, local_date(state.clock.now()))
            .await?,
    ))
}

#[utoipa::path(post, path = "/tips/{id}/accept", tag = "tips",
    summary = "Accept (受理) a tip: township or county office",
    params(("id" = i64, Path, description = "tip id")),
    responses(
        (status = 200, body = TipRow, description = "the accepted tip"),
        (status = 403, body = ErrorBody, description = "your role does not accept tips"),
        (status = 404, body = ErrorBody, description = "no such tip in your area"),
        (status = 422, body = ErrorBody, description = "accepted already"),
    ))]
async fn accept(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<i64>,
) -> ApiResult<Json<TipRow>> {
    Ok(Json(
        state
            .store
            .accept_tip(&actor, id, state.clock.now())
            .await?,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct AnswerBody {
    /// What the tipster is told (答复), shown with the tracking code.
    answer: String,
}

#[utoipa::path(post, path = "/tips/{id}/answer", tag = "tips",
    summary = "Answer the tipster after the case was checked (county office)",
    params(("id" = i64, Path, description = "tip id")),
    request_body = AnswerBody,
    responses(
        (status = 200, body = TipRow, description = "the answered tip"),
        (status = 403, body = ErrorBody, description = "only the county office answers"),
        (status = 404, body = ErrorBody, description = "no such tip"),
        (status = 422, body = ErrorBody, description = "empty answer, or the case is not checked yet"),
    ))]
async fn answer(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<i64>,
    ApiJson(a): ApiJson<AnswerBody>,
) -> ApiResult<Json<TipRow>> {
    Ok(Json(
        state
            .store
            .answer_tip(&actor, id, &a.answer, state.clock.now())
            .await?,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct PurposeBody {
    /// Why the identity is needed (at most 500 characters); logged with the view.
    purpose: String,
}

#[utoipa::path(post, path = "/tips/{id}/tipster", tag = "tips",
    summary = "Who tipped: the reward officer only, with the purpose; each view is logged",
    params(("id" = i64, Path, description = "tip id")),
    request_body = PurposeBody,
    responses(
        (status = 200, body = Option<Tipster>, description = "the tipster, or null for an anonymous tip; not cached"),
        (status = 403, body = ErrorBody, description = "only the reward officer sees who tipped"),
        (status = 404, body = ErrorBody, description = "no such tip"),
        (status = 422, body = ErrorBody, description = "no purpose given"),
    ))]
async fn tipster(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<i64>,
    ApiJson(p): ApiJson<PurposeBody>,
) -> ApiResult<(
    [(header::HeaderName, &'static str); 1],
    Json<Option<Tipster>>,
)> {
    let who = state
        .store
        .tipster(&actor, id, &p.purpose, state.clock.now())
        .await?;
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(who)))
}

/// Rewards with the county's totals.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct RewardsView {
    rewards: Vec<RewardRow>,
    totals: RewardTotals,
}

#[utoipa::path(get, path = "/rewards", tag = "tips",
    summary = "Rewards earned by confirmed tips (the first tip on a case) and the totals due, approved and paid",
    responses((status = 200, body = RewardsView)))]
async fn rewards(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
) -> ApiResult<Json<RewardsView>> {
    Ok(Json(RewardsView {
        rewards: state.store.rewards(&actor).await?,
        totals: state.store.reward_totals(&actor).await?,
    }))
}

#[utoipa::path(get, path = "/rewards/rules", tag = "tips",
    summary = "The reward rule of every problem kind",
    responses((status = 200, body = Vec<RewardRule>)))]
async fn rules(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
) -> ApiResult<Json<Vec<RewardRule>>> {
    Ok(Json(state.store.reward_rules(actor.county_id).await?))
}

#[utoipa::path(put, path = "/rewards/rules", tag = "tips",
    summary = "Set one kind's reward rule (county office); money in fen",
    request_body = RewardRule,
    responses(
        (status = 200, body = RewardRule, description = "the rule now in force"),
        (status = 403, body = ErrorBody, description = "only the county office sets rules"),
        (status = 422, body = ErrorBody, description = "an amount or share out of range; `field` names it"),
    ))]
async fn set_rule(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiJson(r): ApiJson<RewardRule>,
) -> ApiResult<Json<RewardRule>> {
    state
        .store
        .set_reward_rule(&actor, &r, state.clock.now())
        .await?;
    Ok(Json(r))
}

#[utoipa::path(post, path = "/rewards/{tip_id}/approve", tag = "tips",
    summary = "Approve a reward; its amount and basis are fixed (county office)",
    params(("tip_id" = i64, Path, description = "the rewarded tip's id")),
    responses(
        (status = 200, body = RewardRow, description = "the approved reward"),
        (status = 403, body = ErrorBody, description = "only the county office approves"),
        (status = 404, body = ErrorBody, description = "no reward for this tip"),
        (status = 422, body = ErrorBody, description = "approved already"),
    ))]
async fn approve(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(tip_id): Path<i64>,
) -> ApiResult<Json<RewardRow>> {
    Ok(Json(
        state
            .store
            .approve_reward(&actor, tip_id, state.clock.now())
            .await?,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct PaymentBody {
    /// The voucher or transfer number.
    payment_ref: String,
}

#[utoipa::path(post, path = "/rewards/{tip_id}/payment", tag = "tips",
    summary = "Record the payment of an approved reward (reward officer)",
    params(("tip_id" = i64, Path, description = "the rewarded tip's id")),
    request_body = PaymentBody,
    responses(
        (status = 200, body = RewardRow, description = "the paid reward"),
        (status = 403, body = ErrorBody, description = "only the reward officer records payment"),
        (status = 404, body = ErrorBody, description = "no reward for this tip"),
        (status = 422, body = ErrorBody, description = "not approved, paid already, or no reference"),
    ))]
async fn pay(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(tip_id): Path<i64>,
    ApiJson(p): ApiJson<PaymentBody>,
) -> ApiResult<Json<RewardRow>> {
    Ok(Json(
        state
            .store
            .pay_reward(&actor, tip_id, &p.payment_ref, state.clock.now())
            .await?,
    ))
}

#[utoipa::path(get, path = "/tips/policy", tag = "tips",
    summary = "The tip clocks in working days: accept, check, answer",
    responses((status = 200, body = TipPolicy)))]
async fn policy(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
) -> ApiResult<Json<TipPolicy>> {
    Ok(Json(state.store.tip_policy(actor.county_id).await?))
}

#[utoipa::path(put, path = "/tips/policy", tag = "tips",
    summary = "Set the tip clocks (county office); running clocks keep their due days",
    request_body = TipPolicy,
    responses(
        (status = 200, body = TipPolicy, description = "the clocks now in force"),
        (status = 403, body = ErrorBody, description = "only the county office sets the clocks"),
        (status = 422, body = ErrorBody, description = "a clock out of range; `field` names it"),
    ))]
async fn set_policy(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiJson(p): ApiJson<TipPolicy>,
) -> ApiResult<Json<TipPolicy>> {
    state
        .store
        .set_tip_policy(&actor, &p, state.clock.now())
        .await?;
    Ok(Json(p))
}
