//! What a request's errors need to answer well — the caller's language, and for a page the
//! signed-in user whose frame it is drawn in — kept for the request's task by one layer
//! ([`request_scope`]), so that an [`crate::json::ApiError`] or a [`crate::pages::PageError`]
//! returned with `?` anywhere below renders itself without being handed either.

use std::sync::Mutex;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use minewatch_store::Actor;

use crate::i18n::Lang;

struct RequestScope {
    lang: Lang,
    /// Set by the `PageUser` extractor once it knows who is signed in.
    actor: Mutex<Option<Actor>>,
}

tokio::task_local! {
    static SCOPE: RequestScope;
}

/// Keeps the caller's language (and, once known, the user) for the rest of the request.
pub(crate) async fn request_scope(lang: Lang, req: Request, next: Next) -> Response {
    let scope = RequestScope {
        lang,
        actor: Mutex::new(None),
    };
    SCOPE.scope(scope, next.run(req)).await
}

/// The caller's language; the default outside a request scope.
pub(crate) fn lang() -> Lang {
    SCOPE.try_with(|s| s.lang).unwrap_or_default()
}

/// The signed-in user, when a page's extractor has found one.
pub(crate) fn actor() -> Option<Actor> {
    SCOPE
        .try_with(|s| s.actor.lock().ok().and_then(|a| a.clone()))
        .ok()
        .flatten()
}

/// Records who is signed in, for an error page drawn later in this request.
pub(crate) fn set_actor(actor: &Actor) {
    let _ = SCOPE.try_with(|s| {
        if let Ok(mut slot) = s.actor.lock() {
            *slot = Some(actor.clone());
        }
    });
}
