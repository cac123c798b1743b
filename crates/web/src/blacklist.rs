//! 黑名单 and 联合惩戒 (R24) on the web: the county's list with the cases behind each entry
//! and each department's measure, the office's listing and lifting, and the one check — a
//! checkpoint's phone page reading a plate, and the API other screens call.

use axum::Json;
use axum::extract::{Form, Path, Query, State};
use axum::response::IntoResponse;
use chrono::NaiveDate;
use maud::{Markup, html};
use minewatch_core::blacklist::SubjectKind;
use minewatch_core::rights::{Right, may};
use minewatch_core::{Role, Scope};
use minewatch_store::{Actor, ListingRow, NewListing, StoreError};
use serde::Deserialize;

use crate::AppState;
use crate::auth::{ApiUser, PageUser};
use crate::error::WebError;
use crate::forms::Fields;
use crate::i18n::Lang;
use crate::json::{ApiJson, ApiQuery, ApiResult};
use crate::pages::{PageResult, layout, notice_redirect};

pub(crate) fn page_routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/blacklist", get(page).post(list_subject))
        .route("/blacklist/check", get(check_page))
        .route("/blacklist/{id}/measure", post(measure))
        .route("/blacklist/{id}/lift", post(lift))
}

pub(crate) fn api_routes() -> utoipa_axum::router::OpenApiRouter<AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(api_list, api_add))
        .routes(routes!(api_check))
        .routes(routes!(api_measure))
        .routes(routes!(api_lift))
}

fn kind_of(text: &str) -> Result<SubjectKind, WebError> {
    SubjectKind::from_code(text.trim()).ok_or_else(|| {
        WebError::field(
            "kind",
            "请选择企业、个人或车辆",
            "choose firm, person or vehicle",
        )
    })
}

/// The case numbers as typed: one a line, or separated by commas or 、.
fn numbers(text: &str) -> Vec<String> {
    text.split(['\n', ',', '，', '、', ';', '；'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn standing(e: &ListingRow, lang: Lang) -> Markup {
    html! {
        @if e.in_force { span.tag.warn { (lang.t("在列", "listed")) } }
        @else if e.lifted_on.is_some() { span.tag { (lang.t("已移出", "lifted")) } }
        @else { span.tag { (lang.t("已到期", "expired")) } }
    }
}

/// One entry; `links` where the reader may open the cases (a checkpoint sees their numbers).
fn entry_card(e: &ListingRow, links: bool, lang: Lang) -> Markup {
    let zh = lang.is_zh();
    html! {
        dl.fields {
            dt { (lang.t("类别", "Kind")) } dd { (e.kind.label(zh)) " " (standing(e, lang)) }
            dt { (lang.t("名称", "Name")) } dd { strong { (e.name) } }
            @if !e.identifier.is_empty() { dt { (e.kind.identifier_label(zh)) } dd { (e.identifier) } }
            dt { (lang.t("列入事由", "Reason")) } dd { (e.reason) }
            dt { (lang.t("相关案件", "Cases")) } dd {
                @for (i, c) in e.cases.iter().enumerate() {
                    @if i > 0 { "、" }
                    @if links { a href={"/cases/" (c.id)} { (c.number) } } @else { (c.number) }
                    " (" (c.township) ")"
                }
            }
            dt { (lang.t("列入日期", "Listed on")) } dd { (e.listed_on) " · " (e.listed_by)
                @if let Some(v) = e.valid_until { " · " (lang.t("期限至 ", "until ")) (v) } }
            dt { (lang.t("联合惩戒措施", "Joint punishment")) } dd {
                @if e.measures.is_empty() { span.muted { (lang.t("尚无部门登记措施", "no department has recorded a measure yet")) } }
                ul { @for m in &e.measures { li { strong { (m.department) } "：" (m.measure) " " span.muted { "(" (m.applied_on) " " (m.applied_by) ")" } } } }
            }
            @if let Some(l) = e.lifted_on { dt { (lang.t("移出", "Lifted")) } dd { (l) " · " (e.lift_reason) } }
        }
    }
}

async fn page_markup(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    notice: Option<&str>,
    refused: Option<(&Fields, &str)>,
) -> Result<Markup, WebError> {
    let zh = lang.is_zh();
    let entries = state.store.blacklist(actor, state.clock.now()).await?;
    let departments = if actor.role == Role::Department {
        Vec::new()
    } else {
        state.store.departments(actor.county_id).await?
    };
    let manage = may(actor.role, Right::ManageBlacklist);
    let punish = may(actor.role, Right::ApplyPunishment);
    let empty = Fields::default();
    let (typed, error) = refused.map_or((&empty, None), |(f, e)| (f, Some(e)));
    let get = |k: &str| typed.get(k).map_or("", String::as_str);
    let in_force = entries.iter().filter(|e| e.in_force).count();
    let body = html! {
        @if let Some(m) = notice { div.ok role="status" { (m) } }
        h1 { (lang.t("黑名单与联合惩戒", "Blacklist and joint punishment")) }
        p.muted { (lang.t("参与非法违法采矿的企业、个人和车辆，凭已核实的案件列入，各部门实施联合惩戒；检查卡点和受理申请时核查。",
            "Firms, persons and vehicles that took part in illegal mining, listed for verified cases, punished jointly by the departments, and checked at checkpoints and on applications.")) }
        p { (lang.t("在列 ", "In force: ")) strong { (in_force) } " · " a href="/blacklist/check" { (lang.t("核查车辆、企业或个人 ›", "Check a vehicle, firm or person ›")) } }
        @if manage {
            details.card open[error.is_some()] {
                summary { strong { (lang.t("列入黑名单", "Put on the list")) } }
                form method="post" action="/blacklist" {
                    @if let Some(e) = error { div.error role="alert" { (e) } }
                    label { (lang.t("类别", "Kind")) " *" select name="kind" {
                        @for k in SubjectKind::ALL { option value=(k.code()) selected[get("kind") == k.code()] { (k.label(zh)) } }
                    } }
                    label { (lang.t("名称（企业名称、姓名或车辆）", "Name (firm, person or vehicle)")) " *" input type="text" name="name" value=(get("name")); }
                    label { (lang.t("统一社会信用代码 / 身份证号 / 车牌号", "Credit code / ID number / plate")) input type="text" name="identifier" value=(get("identifier")) placeholder="晋A12345"; }
                    label { (lang.t("列入事由", "Reason")) " *" textarea name="reason" rows="2" { (get("reason")) } }
                    label { (lang.t("相关案件编号（已核实，可多个）", "Case numbers (verified; several allowed)")) " *" textarea name="cases" rows="2" placeholder="QL-2026-000123" { (get("cases")) } }
                    label { (lang.t("期限至（不填为移出前一直有效）", "Until (empty: until lifted)")) input type="date" name="valid_until" value=(get("valid_until")); }
                    div.actions { button.primary type="submit" { (lang.t("列入", "List")) } }
                }
            }
        }
        @if entries.is_empty() { p.muted { (lang.t("黑名单暂无记录。", "The list is empty.")) } }
        @for e in &entries {
            section.card.listing id={"b" (e.id)} {
                (entry_card(e, true, lang))
                @if e.in_force && punish {
                    details { summary { (lang.t("登记本部门惩戒措施", "Record your department's measure")) }
                        form method="post" action={"/blacklist/" (e.id) "/measure"} {
                            @if !departments.is_empty() {
                                label { (lang.t("部门", "Department")) select name="department" {
                                    @for d in &departments { option value=(d.id) { (d.name) } }
                                } }
                            }
                            label { (lang.t("措施", "Measure")) textarea name="measure" rows="2" placeholder=(lang.t("如：限制参加矿业权竞买、招投标；暂停道路运输证年审", "e.g. barred from mining-right auctions and tenders")) {} }
                            button type="submit" { (lang.t("登记", "Record")) }
                        }
                    }
                }
                @if e.in_force && manage {
                    details { summary { (lang.t("移出黑名单", "Lift")) }
                        form method="post" action={"/blacklist/" (e.id) "/lift"} {
                            label { (lang.t("移出原因", "Reason")) textarea name="reason" rows="2" {} }
                            button type="submit" { (lang.t("移出", "Lift")) }
                        }
                    }
                }
            }
        }
    };
    Ok(layout(
        lang,
        lang.t("黑名单", "Blacklist"),
        Some(actor),
        body,
    ))
}

async fn page(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Query(q): Query<Fields>,
) -> PageResult {
    if !may(actor.role, Right::ReadBlacklist) && may(actor.role, Right::CheckBlacklist) {
        return Ok(axum::response::Redirect::to("/blacklist/check").into_response());
    }
    Ok(
        page_markup(&state, &actor, lang, q.get("ok").map(String::as_str), None)
            .await?
            .into_response(),
    )
}

fn refusal_words(e: &StoreError) -> Option<String> {
    let StoreError::Invalid { field, reason } = e else {
        return None;
    };
    Some(match *field {
        "name" => "请填写名称".to_string(),
        "reason" => "请填写列入事由".to_string(),
        "identifier" if reason.contains("already") => format!("已在黑名单中（{reason}）"),
        "identifier" => format!("证件号或车牌号格式不对：{reason}"),
        "cases" if reason.contains("not founded") => {
            format!("案件尚未核实属实，不能据以列入：{reason}")
        }
        "cases" if reason.contains("no case") => format!("找不到案件：{reason}"),
        "cases" => "请填写据以列入的案件编号".to_string(),
        "valid_until" => "期限已过".to_string(),
        _ => return None,
    })
}

fn day(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

async fn list_subject(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Form(f): Form<Fields>,
) -> PageResult {
    let get = |k: &str| f.get(k).map_or("", String::as_str);
    let listing = NewListing {
        kind: kind_of(get("kind"))?,
        name: get("name").into(),
        identifier: get("identifier").into(),
        reason: get("reason").into(),
        cases: numbers(get("cases")),
        valid_until: day(get("valid_until")),
    };
    match state
        .store
        .list_on_blacklist(&actor, &listing, state.clock.now())
        .await
    {
        Ok(id) => Ok(notice_redirect(
            &format!("/blacklist#b{id}"),
            lang.t("已列入黑名单。", "Listed."),
        )),
        Err(e) => match refusal_words(&e) {
            Some(words) => {
                let m = page_markup(
                    &state,
                    &actor,
                    lang,
                    None,
                    Some((&f, lang.t(&words, &e.to_string()))),
                )
                .await?;
                Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, m).into_response())
            }
            None => Err(WebError::from(e).into()),
        },
    }
}

async fn measure(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> PageResult {
    let department = f
        .get("department")
        .and_then(|d| d.trim().parse::<i64>().ok());
    state
        .store
        .apply_punishment(
            &actor,
            id,
            department,
            f.get("measure").map_or("", String::as_str),
            state.clock.now(),
        )
        .await?;
    Ok(notice_redirect(
        &format!("/blacklist#b{id}"),
        lang.t("惩戒措施已登记。", "Measure recorded."),
    ))
}

async fn lift(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> PageResult {
    state
        .store
        .lift_blacklist(
            &actor,
            id,
            f.get("reason").map_or("", String::as_str),
            state.clock.now(),
        )
        .await?;
    Ok(notice_redirect(
        &format!("/blacklist#b{id}"),
        lang.t("已移出黑名单。", "Lifted."),
    ))
}

/// The checkpoint's page: one subject in, one verdict out.
async fn check_page(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Query(q): Query<Fields>,
) -> PageResult {
    let zh = lang.is_zh();
    let get = |k: &str| q.get(k).map_or("", |s| s.trim());
    let asked = !get("identifier").is_empty() || !get("name").is_empty();
    let kind = if get("kind").is_empty() {
        SubjectKind::Vehicle
    } else {
        kind_of(get("kind"))?
    };
    let (verdict, status) = if asked {
        match state
            .store
            .check_blacklist(
                &actor,
                kind,
                get("identifier"),
                get("name"),
                state.clock.now(),
            )
            .await
        {
            Ok(hits) => (Some(Ok(hits)), axum::http::StatusCode::OK),
            Err(StoreError::Invalid { reason, .. }) => (
                Some(Err(lang
                    .t(&format!("格式不对：{reason}"), &reason)
                    .to_string())),
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            ),
            Err(e) => return Err(WebError::from(e).into()),
        }
    } else if !may(actor.role, Right::CheckBlacklist) {
        return Err(WebError::from(StoreError::Forbidden(Right::CheckBlacklist.refusal())).into());
    } else {
        (None, axum::http::StatusCode::OK)
    };
    let body = html! {
        h1 { (lang.t("黑名单核查", "Blacklist check")) }
        form.check method="get" action="/blacklist/check" {
            label { (lang.t("类别", "Kind")) select name="kind" {
                @for k in SubjectKind::ALL { option value=(k.code()) selected[*k == kind] { (k.label(zh)) } }
            } }
            label { (lang.t("车牌号 / 证件号", "Plate / ID")) input type="text" name="identifier" value=(get("identifier")) autocapitalize="characters" placeholder="晋A12345" autofocus; }
            label { (lang.t("名称或姓名（无证件号时）", "Name (when there is no ID)")) input type="text" name="name" value=(get("name")); }
            button.primary type="submit" { (lang.t("核查", "Check")) }
        }
        @match &verdict {
            None => {}
            Some(Err(e)) => { div.error role="alert" { (e) } }
            Some(Ok(hits)) if hits.is_empty() => {
                div.ok.verdict role="status" { strong { (lang.t("未列入黑名单", "Not on the list")) } }
            }
            Some(Ok(hits)) => {
                div.error.verdict role="alert" { strong { (lang.t("已列入黑名单：请按规定查处并报告", "On the list: act as required and report")) } }
                @for e in hits { section.card { (entry_card(e, may(actor.role, Right::ReadBlacklist), lang)) } }
            }
        }
        @if may(actor.role, Right::ReadBlacklist) { p { a href="/blacklist" { (lang.t("‹ 黑名单", "‹ The list")) } } }
    };
    Ok((
        status,
        layout(
            lang,
            lang.t("黑名单核查", "Blacklist check"),
            Some(&actor),
            body,
        ),
    )
        .into_response())
}

#[utoipa::path(get, path = "/blacklist", tag = "blacklist",
    summary = "The county's blacklist, entries in force first, with their cases and measures",
    responses(
        (status = 200, body = Vec<ListingRow>),
        (status = 403, body = crate::json::ErrorBody, description = "this role checks one subject only"),
    ))]
async fn api_list(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
) -> ApiResult<Json<Vec<ListingRow>>> {
    Ok(Json(
        state.store.blacklist(&actor, state.clock.now()).await?,
    ))
}

#[utoipa::path(post, path = "/blacklist", tag = "blacklist",
    summary = "Put a firm, person or vehicle on the list for its verified cases",
    request_body = NewListing,
    responses(
        (status = 201, body = crate::json::Created),
        (status = 403, body = crate::json::ErrorBody, description = "not the county office"),
        (status = 422, body = crate::json::ErrorBody, description = "a field missing or wrong, a case not verified, or listed already"),
    ))]
async fn api_add(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiJson(l): ApiJson<NewListing>,
) -> ApiResult<(axum::http::StatusCode, Json<crate::json::Created>)> {
    let id = state
        .store
        .list_on_blacklist(&actor, &l, state.clock.now())
        .await?;
    Ok(crate::json::created(id))
}

/// One subject to check.
#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct CheckQuery {
    /// firm, person or vehicle.
    kind: SubjectKind,
    /// Plate, credit code or ID number, however written.
    #[serde(default)]
    identifier: String,
    /// The name, for subjects listed without an identifier.
    #[serde(default)]
    name: String,
}

#[utoipa::path(get, path = "/blacklist/check", tag = "blacklist",
    summary = "Is this one subject on the list in force today? Its entries (empty when not)",
    params(CheckQuery),
    responses(
        (status = 200, body = Vec<ListingRow>),
        (status = 403, body = crate::json::ErrorBody),
        (status = 422, body = crate::json::ErrorBody, description = "no identifier or name, or a plate not written as one"),
    ))]
async fn api_check(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiQuery(q): ApiQuery<CheckQuery>,
) -> ApiResult<Json<Vec<ListingRow>>> {
    Ok(Json(
        state
            .store
            .check_blacklist(&actor, q.kind, &q.identifier, &q.name, state.clock.now())
            .await?,
    ))
}

/// A department's measure on a listed subject.
#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct Punishment {
    /// The department applying it; a department's own user leaves it out.
    #[serde(default)]
    department_id: Option<i64>,
    measure: String,
}

#[utoipa::path(post, path = "/blacklist/{id}/measures", tag = "blacklist",
    summary = "Record the measure a department applies to a listed subject (联合惩戒)",
    params(("id" = i64, Path, description = "entry id")),
    request_body = Punishment,
    responses(
        (status = 204, description = "recorded"),
        (status = 403, body = crate::json::ErrorBody),
        (status = 404, body = crate::json::ErrorBody, description = "no such entry"),
        (status = 422, body = crate::json::ErrorBody, description = "no measure, no department, or the entry is no longer in force"),
    ))]
async fn api_measure(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<i64>,
    ApiJson(p): ApiJson<Punishment>,
) -> ApiResult<axum::http::StatusCode> {
    let department = match actor.scope {
        Scope::Department(own) => Some(own),
        _ => p.department_id,
    };
    state
        .store
        .apply_punishment(&actor, id, department, &p.measure, state.clock.now())
        .await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct Lifting {
    reason: String,
}

#[utoipa::path(post, path = "/blacklist/{id}/lift", tag = "blacklist",
    summary = "Lift an entry with its reason",
    params(("id" = i64, Path, description = "entry id")),
    request_body = Lifting,
    responses(
        (status = 204, description = "lifted"),
        (status = 403, body = crate::json::ErrorBody),
        (status = 404, body = crate::json::ErrorBody),
        (status = 422, body = crate::json::ErrorBody, description = "no reason, or lifted already"),
    ))]
async fn api_lift(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<i64>,
    ApiJson(l): ApiJson<Lifting>,
) -> ApiResult<axum::http::StatusCode> {
    state
        .store
        .lift_blacklist(&actor, id, &l.reason, state.clock.now())
        .await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
