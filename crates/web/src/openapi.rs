//! The OpenAPI document of `/api/v1`, served at `/api/openapi.json`: the operations whose
//! handlers carry `#[utoipa::path]` (routes and documentation are one list, with request and
//! response schemas), and, until every capability is written that way, the others from the
//! table below. A test calls every path the document lists, so it cannot name a route the
//! server lacks, and compares the document with its snapshot.

use serde_json::{Value, json};

/// (method, path, summary, request body description or "")
pub const OPERATIONS: &[(&str, &str, &str, &str)] = &[
    (
        "get",
        "/api/v1/patches",
        "Satellite patches within your jurisdiction with their triage class and status; filters batch_id, class, status",
        "",
    ),
    (
        "get",
        "/api/v1/patches/findings",
        "Truthfulness findings on field evidence (R29) for the patches you can see",
        "",
    ),
    (
        "get",
        "/api/v1/patches/{id}",
        "One patch: geometry, triage (licences and zones touched), evidence, findings",
        "",
    ),
    (
        "post",
        "/api/v1/patches/{id}/verification",
        "File field evidence (village, township, county office); reasons as in the form",
        "{reason, permit_no, note, photos: [sha256]}",
    ),
    (
        "post",
        "/api/v1/patches/{id}/review",
        "Accept the evidence or send it back with a note (county office)",
        "{accept, note}",
    ),
    (
        "get",
        "/api/v1/registers",
        "The county's active register features: licences, projects, closed mines, zones, grid boundaries (GeoJSON geometry)",
        "",
    ),
    (
        "get",
        "/api/v1/zero-reports",
        "Daily reports board of your grids: each day's mark, runs of misses, escalation; from, to",
        "",
    ),
    (
        "post",
        "/api/v1/zero-reports",
        "File a grid's daily report: nothing found, or one finding that becomes a clue; an earlier date is filed late",
        "{grid_id, date?, note?, finding?: {description, problem_kind, address?, lon?, lat?, photos?}}",
    ),
    (
        "get",
        "/api/v1/patrols",
        "Patrol records (隐患排查报表 lines); from, to, township, village, level",
        "",
    ),
    (
        "post",
        "/api/v1/patrols",
        "File a patrol record at your level; a hazard with a problem_kind is filed as a clue",
        "{village_id, patrolled_on, night?, address, situation, hazards?, measures?, remarks?, problem_kind?, lon?, lat?, photos?, track_id?}",
    ),
    (
        "get",
        "/api/v1/patrols/{id}",
        "One patrol record with its signatures",
        "",
    ),
    (
        "post",
        "/api/v1/patrols/{id}/sign",
        "Sign (head: village committee head; cadre: 包村干部) or confirm (township)",
        "{step: head|cadre|confirm}",
    ),
    (
        "get",
        "/api/v1/tracks",
        "Patrol tracks of your area; from, to",
        "",
    ),
    (
        "post",
        "/api/v1/tracks",
        "Store a recorded track; a repeated client_ref returns the stored one",
        "{township_id?, village_id?, name?, client_ref?, points: [[lon, lat, epoch_ms]]}",
    ),
    (
        "get",
        "/api/v1/coverage",
        "Coverage of each zone by tracks, day and night, per township and village; from, to, distance",
        "",
    ),
    (
        "get",
        "/api/v1/compliance",
        "Reports due/filed/late/missing, patrol duty met, coverage per township and village; from, to",
        "",
    ),
    (
        "get",
        "/api/v1/duty/calendar",
        "Each unit's recent duty periods: met, missed or open",
        "",
    ),
    (
        "get",
        "/api/v1/duty/settings",
        "The county's duty cycles and limits",
        "",
    ),
    (
        "put",
        "/api/v1/duty/settings",
        "Set duty cycles and limits (county office)",
        "{cycles: {county, township, township_full_cover, village, grid_report}, reports_from, escalate_after, coverage_m, lookback_days, near_m}",
    ),
    (
        "post",
        "/api/v1/public/tips",
        "A tip from the public, no account (web, wechat; hotline signed in as the office's operator); limited per address and device (X-Device-Id); answers the tracking code and the secret",
        "{county?, channel?, description, problem_kind?, township_id?, village_id?, address?, lon?, lat?, observed_at?, photos?: [{name, data (base64)}], name?, phone?, call_at?}",
    ),
    (
        "post",
        "/api/v1/public/tips/track",
        "A tip's progress by its tracking code and secret: steps, finding, answer, reward",
        "{code, secret}",
    ),
    (
        "get",
        "/api/v1/tips",
        "Tips in your area with their working-day clocks (late, due soon)",
        "",
    ),
    (
        "get",
        "/api/v1/tips/lapses",
        "Tip steps not taken in time (举报不受理/不核实/未答复)",
        "",
    ),
    (
        "post",
        "/api/v1/tips/{id}/accept",
        "Accept (受理) a tip: township or county office",
        "",
    ),
    (
        "post",
        "/api/v1/tips/{id}/answer",
        "Answer the tipster after the case was checked (county office)",
        "{answer}",
    ),
    (
        "post",
        "/api/v1/tips/{id}/tipster",
        "Who tipped: the reward officer only, with the purpose; each view is logged",
        "{purpose}",
    ),
    (
        "get",
        "/api/v1/rewards",
        "Rewards earned by confirmed tips (the first tip on a case) and the totals due, approved and paid",
        "",
    ),
    (
        "get",
        "/api/v1/rewards/rules",
        "The reward rule of every problem kind",
        "",
    ),
    (
        "put",
        "/api/v1/rewards/rules",
        "Set one kind's reward rule (county office); money in fen",
        "{problem_kind, base_fen, share_permille, cap_fen}",
    ),
    (
        "post",
        "/api/v1/rewards/{tip_id}/approve",
        "Approve a reward; its amount and basis are fixed (county office)",
        "",
    ),
    (
        "post",
        "/api/v1/rewards/{tip_id}/payment",
        "Record the payment of an approved reward (reward officer)",
        "{payment_ref}",
    ),
    (
        "get",
        "/api/v1/tips/policy",
        "The tip clocks in working days: accept, check, answer",
        "",
    ),
    (
        "put",
        "/api/v1/tips/policy",
        "Set the tip clocks (county office); running clocks keep their due days",
        "{accept_days, verify_days, answer_days}",
    ),
];

fn operation(summary: &str, body: &str, path: &str) -> Value {
    let mut op = json!({
        "summary": summary,
        "responses": {
            "200": {"description": "OK"},
            "401": {"description": "Not signed in", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}},
            "422": {"description": "A field is missing or wrong; `field` names it", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}},
        },
    });
    let params: Vec<Value> = path
        .split('/')
        .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
        .collect();
    if !params.is_empty() {
        op["parameters"] = Value::Array(params);
    }
    if !body.is_empty() {
        let media = if body.starts_with("multipart") {
            "multipart/form-data"
        } else {
            "application/json"
        };
        op["requestBody"] = json!({"description": body, "required": true, "content": {media: {"schema": {"type": "object"}}}});
    }
    op
}

/// Builds the document from the documented routes and the table.
#[must_use]
pub fn spec(documented: utoipa::openapi::OpenApi) -> Value {
    let mut generated = serde_json::to_value(documented).unwrap_or_default();
    let mut paths = match generated["paths"].take() {
        Value::Object(p) => p,
        _ => serde_json::Map::new(),
    };
    for (method, path, summary, body) in OPERATIONS {
        let entry = paths
            .entry((*path).to_string())
            .or_insert_with(|| json!({}));
        entry[*method] = operation(summary, body, path);
    }
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
