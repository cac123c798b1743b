//! The ledger over `/api/v1`: cases within the caller's jurisdiction, one case, a step on
//! it, filing a clue, one's own clues, undoing a merge, and the ledger as a workbook.

use crate::auth::ApiUser;
use crate::error::WebError;
use crate::forms::{self, Fields};
use crate::i18n::Lang;
use crate::json::{ApiJson, ApiResult, from_value};
use crate::{AppState, export};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use minewatch_core::CaseAction;
use minewatch_store::{Actor, CaseDetail, CaseRow, ClueOutcome, ClueRow, NewClue};
use serde_json::Value;

/// One page of the ledger.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub(crate) struct CasePage {
    /// Cases matching the filters, on all pages.
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
    pub cases: Vec<minewatch_store::CaseRow>,
}

#[utoipa::path(get, path = "/cases", tag = "ledger",
    summary = "The ledger within your jurisdiction",
    params(
        ("township" = Option<i64>, Query, description = "township id"),
        ("village" = Option<i64>, Query, description = "village id"),
        ("status" = Option<minewatch_core::CaseStatus>, Query),
        ("source" = Option<minewatch_core::ClueSource>, Query),
        ("kind" = Option<minewatch_core::ProblemKind>, Query),
        ("severity" = Option<minewatch_core::Severity>, Query),
        ("overdue" = Option<bool>, Query, description = "only cases past their deadline"),
        ("open" = Option<bool>, Query, description = "only cases not yet closed"),
        ("q" = Option<String>, Query, description = "words in the number, address or finding"),
        ("page" = Option<u32>, Query), ("per_page" = Option<u32>, Query, description = "1–500, 50 by default"),
    ),
    responses(
        (status = 200, body = CasePage, description = "one page of cases, newest first"),
        (status = 401, body = crate::json::ErrorBody, description = "not signed in"),
        (status = 422, body = crate::json::ErrorBody, description = "a filter is wrong; `field` names it"),
    ))]
pub(crate) async fn list_cases(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Query(q): Query<Fields>,
) -> ApiResult<Json<CasePage>> {
    let filter = forms::case_filter(&q)?;
    let page = forms::page(&q)?;
    let per_page = q
        .get("per_page")
        .and_then(|p| p.parse::<u32>().ok())
        .unwrap_or(50)
        .clamp(1, 500);
    let (rows, total) = state
        .store
        .list_cases(&actor, &filter, state.clock.today(), page, per_page)
        .await?;
    Ok(Json(CasePage {
        total,
        page,
        per_page,
        cases: rows,
    }))
}

#[utoipa::path(get, path = "/cases/{id}", tag = "ledger",
    summary = "One case with state, clues, timeline and look-backs",
    params(("id" = i64, Path, description = "case id")),
    responses(
        (status = 200, body = minewatch_store::CaseDetail, description = "the case"),
        (status = 401, body = crate::json::ErrorBody, description = "not signed in"),
        (status = 404, body = crate::json::ErrorBody, description = "no such case within your jurisdiction"),
    ))]
pub(crate) async fn case_detail(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<minewatch_store::CaseId>,
) -> ApiResult<Json<CaseDetail>> {
    let d = state
        .store
        .case_detail(&actor, id, state.clock.today())
        .await?;
    Ok(Json(d))
}

#[utoipa::path(post, path = "/cases/{id}/actions", tag = "ledger",
    summary = "Take one step on a case",
    description = "The body is one action, named by `action`, with the fields of that step, and optionally `attachments`: SHA-256 of files uploaded before. A step the case machine refuses answers 422 naming the rule or the field.",
    params(("id" = i64, Path, description = "case id")),
    request_body = minewatch_core::CaseAction,
    responses(
        (status = 200, body = minewatch_store::CaseRow, description = "the case after the step"),
        (status = 401, body = crate::json::ErrorBody, description = "not signed in"),
        (status = 403, body = crate::json::ErrorBody, description = "your role does not take this step"),
        (status = 404, body = crate::json::ErrorBody, description = "no such case within your jurisdiction"),
        (status = 422, body = crate::json::ErrorBody, description = "the step is refused; `field` names what is wrong"),
    ))]
pub(crate) async fn act(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<minewatch_store::CaseId>,
    ApiJson(value): ApiJson<Value>,
) -> ApiResult<Json<CaseRow>> {
    let attachments: Vec<String> = match value.get("attachments") {
        None | Some(Value::Null) => Vec::new(),
        Some(v) => serde_json::from_value(v.clone()).map_err(|_| {
            WebError::field(
                "attachments",
                "应为文件哈希列表",
                "must be a list of SHA-256 strings",
            )
        })?,
    };
    let action: CaseAction = from_value(value, "action")?;
    let row = state
        .store
        .apply_action(&actor, id, &action, &attachments, state.clock.now())
        .await?;
    Ok(Json(row))
}

#[utoipa::path(post, path = "/clues", tag = "ledger",
    summary = "File a clue; it joins the open case at its place or opens a new one",
    request_body = minewatch_store::NewClue,
    responses(
        (status = 201, body = minewatch_store::ClueOutcome, description = "filed: the clue and the case it joined or opened"),
        (status = 401, body = crate::json::ErrorBody, description = "not signed in"),
        (status = 403, body = crate::json::ErrorBody, description = "your role does not file clues"),
        (status = 422, body = crate::json::ErrorBody, description = "a field is missing or wrong; `field` names it"),
    ))]
pub(crate) async fn file_clue(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiJson(clue): ApiJson<NewClue>,
) -> ApiResult<(StatusCode, Json<ClueOutcome>)> {
    let out = state
        .store
        .file_clue(&actor, &clue, state.clock.now())
        .await?;
    Ok((StatusCode::CREATED, Json(out)))
}

#[utoipa::path(get, path = "/clues/mine", tag = "ledger",
    summary = "Clues you filed (the latest 200)",
    responses(
        (status = 200, body = Vec<minewatch_store::ClueRow>, description = "your clues, latest first"),
        (status = 401, body = crate::json::ErrorBody, description = "not signed in"),
    ))]
pub(crate) async fn own_clues(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
) -> ApiResult<Json<Vec<ClueRow>>> {
    Ok(Json(state.store.own_clues(&actor).await?))
}

#[utoipa::path(post, path = "/clues/{id}/split", tag = "ledger",
    summary = "Undo a merge: the clue opens its own case (county office)",
    params(("id" = i64, Path, description = "clue id")),
    responses(
        (status = 200, body = minewatch_store::ClueOutcome, description = "the clue and its new case"),
        (status = 401, body = crate::json::ErrorBody, description = "not signed in"),
        (status = 403, body = crate::json::ErrorBody, description = "only the county office splits"),
        (status = 404, body = crate::json::ErrorBody, description = "no such clue"),
        (status = 422, body = crate::json::ErrorBody, description = "the clue was not merged"),
    ))]
pub(crate) async fn split_clue(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<minewatch_store::ClueId>,
) -> ApiResult<Json<ClueOutcome>> {
    Ok(Json(
        state
            .store
            .split_clue(&actor, id, state.clock.now())
            .await?,
    ))
}

/// The ledger's rows under the given filters as .xlsx; shared by page and API.
pub(crate) async fn xlsx_response(
    state: &AppState,
    actor: &Actor,
    q: &Fields,
    lang: Lang,
) -> Result<Response, WebError> {
    let filter = forms::case_filter(q)?;
    let lines = state
        .store
        .ledger_sheet(actor, &filter, state.clock.today())
        .await?;
    let head = crate::ledger::sheet::head(state, actor, &filter, lang).await?;
    let bytes =
        export::off_thread(move || crate::ledger::sheet::workbook(&lines, &head, lang)).await?;
    let name = format!("ledger-{}.xlsx", state.clock.today());
    Ok(export::xlsx_file(bytes, &name))
}

#[utoipa::path(get, path = "/ledger.xlsx", tag = "ledger",
    summary = "The ledger under the same filters as .xlsx",
    params(
        ("township" = Option<i64>, Query), ("village" = Option<i64>, Query),
        ("status" = Option<minewatch_core::CaseStatus>, Query), ("q" = Option<String>, Query),
    ),
    responses(
        (status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>, description = "the workbook"),
        (status = 401, body = crate::json::ErrorBody, description = "not signed in"),
    ))]
pub(crate) async fn ledger_xlsx(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    lang: Lang,
    Query(q): Query<Fields>,
) -> ApiResult<Response> {
    Ok(xlsx_response(&state, &actor, &q, lang).await?)
}
