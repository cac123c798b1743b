//! The OpenAPI document of `/api/v1`, served at `/api/openapi.json`: every operation is its
//! handler's `#[utoipa::path]`, registered with the router that serves it, so routes and
//! documentation are one list, with request and response schemas. A test calls every path
//! the document lists and compares the document with its snapshot.

use serde_json::{Value, json};

/// Adds the refusals every operation of its kind can answer, so that no handler has to
/// repeat them: 401 where a session or token is needed, 413 where there is a body, 500.
fn shared_responses(paths: &mut Value) {
    let error = |description: &str| {
        json!({"description": description,
               "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}})
    };
    let Some(paths) = paths.as_object_mut() else {
        return;
    };
    for op in paths.values_mut().filter_map(Value::as_object_mut) {
        for op in op.values_mut() {
            // An operation open to everyone lists the empty requirement `{}`.
            let open = op["security"].as_array().is_some_and(|s| {
                s.iter()
                    .any(|r| r.as_object().is_some_and(serde_json::Map::is_empty))
            });
            let has_body = op.get("requestBody").is_some();
            let Some(responses) = op["responses"].as_object_mut() else {
                continue;
            };
            if !open {
                responses.entry("401").or_insert_with(|| {
                    error("not signed in, or the token has expired or been revoked")
                });
            }
            if has_body {
                responses
                    .entry("413")
                    .or_insert_with(|| error("the body is over the size limit"));
                responses
                    .entry("422")
                    .or_insert_with(|| error("the body is not JSON of this shape; `field` names the failing field by its path"));
            }
            responses.entry("500").or_insert_with(|| {
                error("the server failed; the request id (`X-Request-Id`) finds it in the log")
            });
        }
    }
}

/// Builds the document from the documented routes.
#[must_use]
pub fn spec(documented: utoipa::openapi::OpenApi) -> Value {
    let mut generated = serde_json::to_value(documented).unwrap_or_default();
    let mut paths = generated["paths"].take();
    shared_responses(&mut paths);
    json!({
        "openapi": "3.1.0",
        "info": {"title": "minewatch API", "version": env!("CARGO_PKG_VERSION"),
                 "description": format!(
                     "Ledger of illegal-mining problems. Authenticate with the session cookie or `Authorization: Bearer <token>` (tokens expire and can be revoked: `minewatch token`). \
                      Limits, each refused with 422 naming the field and nothing stored: free text (notes, findings, descriptions, measures, answers) at most {text} characters; \
                      names, numbers and references (people, units, voucher numbers, labels) at most {name}; a tip's description at most {tip}, the tipster's name 50 and phone 30; \
                      a reason to see a tipster's identity 500; a penalty or confiscation at most 1,000,000,000,000 fen; request bodies 20 MiB, each file 10 MiB. \
                      The same figures are in `x-limits`. Requests with a body are JSON (`Content-Type: application/json`) or multipart where stated.",
                     text = minewatch_core::ledger::case::MAX_TEXT_CHARS,
                     name = minewatch_core::ledger::case::MAX_NAME_CHARS,
                     tip = minewatch_store::MAX_TIP_CHARS,
                 ),
                 "x-limits": {
                     "free_text_chars": minewatch_core::ledger::case::MAX_TEXT_CHARS,
                     "name_chars": minewatch_core::ledger::case::MAX_NAME_CHARS,
                     "username_chars": 64,
                     "tip_description_chars": minewatch_store::MAX_TIP_CHARS,
                     "tipster_name_chars": 50,
                     "tipster_phone_chars": 30,
                     "identity_purpose_chars": 500,
                     "money_fen": minewatch_core::ledger::case::MAX_AMOUNT_FEN,
                     "body_bytes": crate::MAX_BODY_BYTES,
                     "file_bytes": crate::MAX_ATTACHMENT_BYTES,
                 }},
        "paths": paths,
        "components": {
            "schemas": generated["components"]["schemas"].take(),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}, "cookie": {"type": "apiKey", "in": "cookie", "name": "mw_session"}},
        },
        "security": [{"bearer": []}, {"cookie": []}],
    })
}

/// The readable API page at `/api/docs` and its assets: Swagger UI, vendored unmodified by
/// `scripts/vendor`, reading the document above.
pub(crate) fn docs_routes() -> axum::Router<crate::AppState> {
    use axum::http::header;
    use axum::routing::get;
    let asset = |ty: &'static str, body: &'static [u8]| {
        get(move || async move {
            (
                [
                    (header::CONTENT_TYPE, ty),
                    (header::CACHE_CONTROL, "public, max-age=86400"),
                ],
                body,
            )
        })
    };
    axum::Router::new()
        .route(
            "/api/docs",
            get(|| async {
                axum::response::Html(concat!(
                    "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">",
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
                    "<title>minewatch API</title>",
                    "<link rel=\"stylesheet\" href=\"/static/vendor/swagger-ui-dist/swagger-ui.css\">",
                    "</head><body><div id=\"api\"></div>",
                    "<script src=\"/static/vendor/swagger-ui-dist/swagger-ui-bundle.js\"></script>",
                    "<script src=\"/static/api-docs.js\"></script></body></html>"
                ))
            }),
        )
        .route(
            "/static/api-docs.js",
            asset(
                "text/javascript; charset=utf-8",
                include_bytes!("../static/api-docs.js"),
            ),
        )
        .route(
            "/static/vendor/swagger-ui-dist/swagger-ui-bundle.js",
            asset(
                "text/javascript; charset=utf-8",
                include_bytes!("../static/vendor/swagger-ui-dist/swagger-ui-bundle.js"),
            ),
        )
        .route(
            "/static/vendor/swagger-ui-dist/swagger-ui.css",
            asset(
                "text/css; charset=utf-8",
                include_bytes!("../static/vendor/swagger-ui-dist/swagger-ui.css"),
            ),
        )
}
