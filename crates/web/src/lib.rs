//! HTTP for minewatch: server-rendered pages for people and a JSON API (`/api/v1`) for
//! machines, both over the same store calls, so a rule holds whichever way it is reached.
//!
//! Error policy: handlers return [`WebError`]; it logs internal causes once and shows the
//! client a stable `{code, message}` (JSON) or a page, in the user's language, never SQL.

mod acceptance;
mod accounts;
mod api;
mod attachments;
pub mod auth;
mod blacklist;
mod bulletin;
mod calendar;
mod chart;
pub mod client;
mod csrf;
mod dashboard;
mod dispatch;
mod error;
mod export;
mod forms;
mod i18n;
mod inspection;
mod json;
mod leads;
mod ledger;
mod lookbacks;
pub mod notify;
mod openapi;
mod org;
mod pages;
mod patches;
mod patrol;
mod period;
mod print;
mod scope;
mod scoreboard;
mod seizure;
pub mod throttle;
pub mod tips;
mod todo;
mod upload;

pub use error::WebError;
pub use i18n::Lang;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::header;
use minewatch_core::Clock;
use minewatch_store::Store;
use std::sync::Arc;

/// Largest request body accepted (uploads included): 20 MiB.
pub const MAX_BODY_BYTES: usize = 20 * 1024 * 1024;
/// Largest single attachment: 10 MiB.
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    /// Mark the session cookie `Secure` (behind HTTPS).
    pub secure_cookies: bool,
    /// Browser tests move the clock through `POST /__test/clock`; `None` everywhere else.
    pub clock_control: Option<minewatch_core::ManualClock>,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`--trusted-proxy`).
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

/// `/api/v1` and its OpenAPI document at `/api/openapi.json`, built from the same routes.
fn api_with_document() -> Router<AppState> {
    let (api, documented) = utoipa_axum::router::OpenApiRouter::new()
        .nest("/api/v1", api::routes())
        .split_for_parts();
    // Written once at start: each request sends the same bytes.
    let document = axum::body::Bytes::from(openapi::spec(documented).to_string());
    api.route(
        "/api/openapi.json",
        axum::routing::get(move || {
            let document = document.clone();
            async move { ([(header::CONTENT_TYPE, "application/json")], document) }
        }),
    )
}

/// The whole application as one router.
pub fn router(state: AppState) -> Router {
    let test_clock = if state.clock_control.is_some() {
        Router::new().route("/__test/clock", axum::routing::post(set_test_clock))
    } else {
        Router::new()
    };
    Router::new()
        .merge(pages::routes())
        .merge(test_clock)
        .merge(api_with_document())
        .merge(openapi::docs_routes())
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::Extension(public_desk()))
        .layer(axum::Extension(std::sync::Arc::new(
            throttle::LoginGuard::default(),
        )))
        .layer(axum::middleware::from_fn(csrf::guard))
        .layer(always(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(always(
            header::CONTENT_SECURITY_POLICY,
            CONTENT_SECURITY_POLICY,
        ))
        .layer(always(header::X_FRAME_OPTIONS, "DENY"))
        .layer(always(header::REFERRER_POLICY, "same-origin"))
        // Outermost last: every request gets an id (kept if a proxy set one), is traced in
        // a span carrying it, answers with it, and is cut off after REQUEST_TIMEOUT.
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(tower_http::request_id::PropagateRequestIdLayer::x_request_id())
        .layer(
            tower_http::trace::TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_failure(tower_http::trace::DefaultOnFailure::new().level(tracing::Level::WARN)),
        )
        .layer(tower_http::request_id::SetRequestIdLayer::x_request_id(
            tower_http::request_id::MakeRequestUuid,
        ))
        .with_state(state)
}

/// The longest a request may take, body included: a 20 MiB upload over a slow phone
/// connection fits; a stuck one is answered 408 instead of holding its resources.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_mins(2);

/// The span a request is logged in: method, path and request id — never the query string
/// or a citizen's address.
fn request_span(request: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    let id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!(
        "request",
        method = %request.method(),
        path = %request.uri().path(),
        id = %id,
    )
}

/// The policy every response carries: no sniffing a download into a page, scripts and
/// styles only from minewatch itself (no inline script), never framed by another site.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; object-src 'none'; \
     base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// Sets a header on every response that did not set it itself.
fn always(
    name: axum::http::HeaderName,
    value: &'static str,
) -> tower_http::set_header::SetResponseHeaderLayer<axum::http::HeaderValue> {
    tower_http::set_header::SetResponseHeaderLayer::if_not_present(
        name,
        axum::http::HeaderValue::from_static(value),
    )
}

/// The public desk's limits, tidied every ten minutes so idle addresses are forgotten.
fn public_desk() -> std::sync::Arc<tips::desk::Desk> {
    let desk = std::sync::Arc::new(tips::desk::Desk::default());
    if let Ok(rt) = tokio::runtime::Handle::try_current() {
        let weak = std::sync::Arc::downgrade(&desk);
        rt.spawn(async move {
            loop {
                tokio::time::sleep(std::time::Duration::from_mins(10)).await;
                match weak.upgrade() {
                    Some(d) => d.tidy(),
                    None => break,
                }
            }
        });
    }
    desk
}

/// Moves the test clock to `now` (RFC 3339); routed only when the server was started for
/// browser tests with a fixed clock.
async fn set_test_clock(
    axum::extract::State(state): axum::extract::State<AppState>,
    axum::extract::Form(f): axum::extract::Form<std::collections::HashMap<String, String>>,
) -> (axum::http::StatusCode, String) {
    let Some(control) = &state.clock_control else {
        return (axum::http::StatusCode::NOT_FOUND, String::new());
    };
    match f
        .get("now")
        .map(|t| chrono::DateTime::parse_from_rfc3339(t))
    {
        Some(Ok(at)) => {
            control.set(at.with_timezone(&chrono::Utc));
            (axum::http::StatusCode::OK, at.to_rfc3339())
        }
        _ => (
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "now: an RFC 3339 time".into(),
        ),
    }
}

/// Serves until the listener fails or `shutdown` resolves; runs the overdue sweep hourly
/// and the notification outbox every minute.
///
/// # Errors
/// When serving fails.
pub async fn serve(
    state: AppState,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(state, listener, shutdown, true).await
}

/// [`serve`], with the outbox's own loop on or off: tests that drive the outbox pass by pass
/// (`notify::send::run_once`) turn it off, so that no pass runs behind their back.
///
/// # Errors
/// When serving fails.
pub async fn serve_with(
    state: AppState,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    outbox: bool,
) -> std::io::Result<()> {
    let sweeper = {
        let store = state.store.clone();
        let clock = state.clock.clone();
        tokio::spawn(async move {
            loop {
                match store.escalate_overdue(clock.now()).await {
                    Ok(n) if n > 0 => tracing::info!(escalated = n, "overdue sweep"),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "overdue sweep failed"),
                }
                tokio::time::sleep(std::time::Duration::from_hours(1)).await;
            }
        })
    };
    // The outbox: raise what is due and try every delivery due, each minute. Links in the
    // messages point at MINEWATCH_PUBLIC_URL when it is set.
    let outbox = {
        let store = state.store.clone();
        let clock = state.clock.clone();
        let base = std::env::var("MINEWATCH_PUBLIC_URL").unwrap_or_default();
        tokio::spawn(async move {
            if !outbox {
                return;
            }
            let sender = match notify::send::Sender::new(&base) {
                Ok(s) => s,
                Err(e) => {
                    tracing::error!(error = %e, "notifications cannot be sent");
                    return;
                }
            };
            loop {
                match notify::send::run_once(&store, &sender, clock.now()).await {
                    Ok(p) if p.raised + p.sent + p.failed > 0 => {
                        tracing::info!(
                            raised = p.raised,
                            sent = p.sent,
                            failed = p.failed,
                            "outbox"
                        );
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "outbox pass failed"),
                }
                tokio::time::sleep(std::time::Duration::from_mins(1)).await;
            }
        })
    };
    let result = axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await;
    sweeper.abort();
    outbox.abort();
    result
}
