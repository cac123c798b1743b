//! The JSON API under `/api/v1`, for the phone app, other systems and machine clients
//! (API tokens): the session and the signed-in user here, and every capability's routes
//! merged from its own module. Same store calls as the pages; errors are
//! `{code, message, field}`.

use crate::AppState;
use crate::auth::{self, ApiUser};
use crate::i18n::Lang;
use crate::json::{OrJson, parse_body};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use axum_extra::extract::CookieJar;
use minewatch_store::Actor;
use serde::Deserialize;
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;

/// Every capability's API routes, with the operations documented so far (`#[utoipa::path]`)
/// collected for the OpenAPI document; the others are still described in `openapi.rs`.
pub fn routes() -> OpenApiRouter<AppState> {
    let plain = Router::new()
        .route("/session", post(login).delete(logout))
        .route("/me", get(me))
        .merge(crate::org::api_routes())
        .merge(crate::attachments::api_routes())
        .merge(crate::dashboard::api_routes())
        .merge(crate::patches::api::routes())
        .merge(crate::patrol::api::routes())
        .merge(crate::leads::api_routes())
        .merge(crate::tips::api::routes())
        .merge(crate::calendar::api_routes())
        .merge(crate::lookbacks::api_routes());
    OpenApiRouter::from(plain)
        .merge(crate::ledger::api_routes())
        .fallback(|lang: Lang| async move {
            (StatusCode::NOT_FOUND, Json(json!({"code": "no_route", "message": lang.t("没有这个接口", "no such endpoint")}))).into_response()
        })
}

type ApiResult = Result<Response, Response>;

#[derive(Deserialize)]
struct LoginBody {
    username: String,
    password: String,
}

async fn login(
    State(state): State<AppState>,
    axum::Extension(guard): axum::Extension<std::sync::Arc<crate::throttle::LoginGuard>>,
    crate::client::ClientIp(client): crate::client::ClientIp,
    lang: Lang,
    jar: CookieJar,
    body: Bytes,
) -> ApiResult {
    let b: LoginBody = parse_body(&body).or_json(lang)?;
    let (actor, cookie) = auth::login(&state, &guard, client, &b.username, &b.password)
        .await
        .or_json(lang)?;
    Ok((jar.add(cookie), Json(actor)).into_response())
}

async fn logout(State(state): State<AppState>, jar: CookieJar) -> Response {
    if let Some(c) = jar.get(auth::SESSION_COOKIE) {
        let _ = state.store.delete_session(c.value()).await;
    }
    (jar.remove(auth::SESSION_COOKIE), StatusCode::NO_CONTENT).into_response()
}

async fn me(ApiUser(actor): ApiUser) -> Json<Actor> {
    Json(actor)
}
