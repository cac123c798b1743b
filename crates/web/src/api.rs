//! The JSON API under `/api/v1`, for the phone app, other systems and machine clients
//! (API tokens): the session and the signed-in user here, and every capability's routes
//! merged from its own module. Same store calls as the pages; errors are
//! `{code, message, field}`.

use crate::AppState;
use crate::auth::{self, ApiUser};
use crate::error::WebError;
use crate::json::{ApiError, ApiJson, ApiResult};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum_extra::extract::CookieJar;
use minewatch_store::Actor;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Every capability's API routes, each the operation it documents (`#[utoipa::path]`), so
/// the router and the OpenAPI document are one list. Errors answer in the caller's language
/// ([`crate::scope`]).
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login, logout))
        .routes(routes!(me))
        .merge(crate::org::api_routes())
        .merge(crate::attachments::api_routes())
        .merge(crate::dashboard::api_routes())
        .merge(crate::ledger::api_routes())
        .merge(crate::patches::api::routes())
        .merge(crate::patrol::api::routes())
        .merge(crate::leads::api_routes())
        .merge(crate::tips::api::routes())
        .merge(crate::calendar::api_routes())
        .merge(crate::lookbacks::api_routes())
        .merge(crate::todo::api_routes())
        .merge(crate::dispatch::api_routes())
        .merge(crate::bulletin::api_routes())
        .merge(crate::scoreboard::api_routes())
        .merge(crate::acceptance::api_routes())
        .merge(crate::notify::api_routes())
        .merge(crate::seizure::api_routes())
        .merge(crate::blacklist::api_routes())
        .merge(crate::inspection::api_routes())
        .fallback(|| async { ApiError(WebError::NoRoute) })
        .layer(axum::middleware::from_fn(crate::scope::request_scope))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct LoginBody {
    username: String,
    password: String,
}

#[utoipa::path(post, path = "/session", tag = "session",
    summary = "Log in; sets the session cookie",
    description = "Repeated failures from one address or for one user are slowed down: 429 with `Retry-After`.",
    request_body = LoginBody,
    security(()),
    responses(
        (status = 200, body = Actor, description = "signed in; the cookie `mw_session` is set"),
        (status = 422, body = crate::json::ErrorBody, description = "wrong user name or password"),
        (status = 429, body = crate::json::ErrorBody, description = "too many attempts; wait `Retry-After` seconds"),
    ))]
async fn login(
    State(state): State<AppState>,
    axum::Extension(guard): axum::Extension<std::sync::Arc<crate::throttle::LoginGuard>>,
    crate::client::ClientIp(client): crate::client::ClientIp,
    jar: CookieJar,
    ApiJson(b): ApiJson<LoginBody>,
) -> ApiResult<impl IntoResponse> {
    let (actor, cookie) = auth::login(&state, &guard, client, &b.username, &b.password).await?;
    Ok((jar.add(cookie), Json(actor)))
}

#[utoipa::path(delete, path = "/session", tag = "session",
    summary = "Log out",
    security(()),
    responses((status = 204, description = "the session is ended and its cookie removed")))]
async fn logout(State(state): State<AppState>, jar: CookieJar) -> impl IntoResponse {
    if let Some(c) = jar.get(auth::SESSION_COOKIE) {
        let _ = state.store.delete_session(c.value()).await;
    }
    (jar.remove(auth::SESSION_COOKIE), StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/me", tag = "session",
    summary = "The signed-in user, role and jurisdiction",
    responses((status = 200, body = Actor, description = "who you are")))]
async fn me(ApiUser(actor): ApiUser) -> Json<Actor> {
    Json(actor)
}
