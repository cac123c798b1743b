//! The ledger over `/api/v1`: cases within the caller's jurisdiction, one case, a step on
//! it, filing a clue, one's own clues, undoing a merge, and the ledger as a workbook.

use crate::auth::ApiUser;
use crate::error::WebError;
use crate::forms::{self, Fields};
use crate::i18n::Lang;
use crate::json::{OrJson, json_error, parse_body};
use crate::{AppState, export};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use minewatch_core::CaseAction;
use minewatch_store::{Actor, NewClue};
use serde_json::{Value, json};

type ApiResult = Result<Response, Response>;

pub(crate) async fn list_cases(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    lang: Lang,
    Query(q): Query<Fields>,
) -> ApiResult {
    let filter = forms::case_filter(&q).or_json(lang)?;
    let page = forms::page(&q).or_json(lang)?;
    let per_page = q
        .get("per_page")
        .and_then(|p| p.parse::<u32>().ok())
        .unwrap_or(50)
        .clamp(1, 500);
    let (rows, total) = state
        .store
        .list_cases(&actor, &filter, state.clock.today(), page, per_page)
        .await
        .or_json(lang)?;
    Ok(
        Json(json!({"total": total, "page": page, "per_page": per_page, "cases": rows}))
            .into_response(),
    )
}

pub(crate) async fn case_detail(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    lang: Lang,
    Path(id): Path<i64>,
) -> ApiResult {
    let d = state
        .store
        .case_detail(&actor, id, state.clock.today())
        .await
        .or_json(lang)?;
    Ok(Json(d).into_response())
}

pub(crate) async fn act(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    lang: Lang,
    Path(id): Path<i64>,
    body: Bytes,
) -> ApiResult {
    let value: Value = parse_body(&body).or_json(lang)?;
    let attachments: Vec<String> = match value.get("attachments") {
        None | Some(Value::Null) => Vec::new(),
        Some(v) => serde_json::from_value(v.clone())
            .map_err(|_| {
                WebError::field(
                    "attachments",
                    "应为文件哈希列表",
                    "must be a list of SHA-256 strings",
                )
            })
            .or_json(lang)?,
    };
    let action: CaseAction = serde_json::from_value(value)
        .map_err(|e| json_error(&e, "action"))
        .or_json(lang)?;

    let row = state
        .store
        .apply_action(&actor, id, &action, &attachments, state.clock.now())
        .await
        .or_json(lang)?;
    Ok(Json(row).into_response())
}

pub(crate) async fn file_clue(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    lang: Lang,
    body: Bytes,
) -> ApiResult {
    let clue: NewClue = parse_body(&body).or_json(lang)?;
    let out = state
        .store
        .file_clue(&actor, &clue, state.clock.now())
        .await
        .or_json(lang)?;
    Ok((StatusCode::CREATED, Json(out)).into_response())
}

pub(crate) async fn own_clues(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    lang: Lang,
) -> ApiResult {
    let rows = state.store.own_clues(&actor).await.or_json(lang)?;
    Ok(Json(rows).into_response())
}

pub(crate) async fn split_clue(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    lang: Lang,
    Path(id): Path<i64>,
) -> ApiResult {
    let out = state
        .store
        .split_clue(&actor, id, state.clock.now())
        .await
        .or_json(lang)?;
    Ok(Json(out).into_response())
}

/// The ledger's rows under the given filters as .xlsx; shared by page and API.
pub(crate) async fn xlsx_response(
    state: &AppState,
    actor: &Actor,
    q: &Fields,
    lang: Lang,
) -> Result<Response, WebError> {
    let filter = forms::case_filter(q)?;
    let (rows, _) = state
        .store
        .list_cases(actor, &filter, state.clock.today(), 1, 100_000)
        .await?;
    let bytes = export::off_thread(move || export::ledger_xlsx(&rows, lang)).await?;
    let name = format!("ledger-{}.xlsx", state.clock.today());
    Ok(export::xlsx_file(bytes, &name))
}

pub(crate) async fn ledger_xlsx(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    lang: Lang,
    Query(q): Query<Fields>,
) -> ApiResult {
    xlsx_response(&state, &actor, &q, lang).await.or_json(lang)
}
