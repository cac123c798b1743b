//! Confiscated products (R15) on the web: each lot sealed on a case with its pricing clock
//! (two working days, overdue flagged), the pricing office's determination, the sale through
//! the public-resources trading platform, and the county's fines, confiscations and proceeds by
//! township and month in 万元 — as a page and API.

use axum::Json;
use axum::extract::{Form, Path, Query, State};
use axum::response::IntoResponse;
use chrono::NaiveDate;
use maud::{Markup, html};
use minewatch_core::CaseAction;
use minewatch_core::rights::{Right, may};
use minewatch_core::seizure::{LotStanding, show_quantity};
use minewatch_store::{Actor, LotRow, MoneyLine, MoneyTotals, NewLot, StoreError};
use serde::Deserialize;

use crate::AppState;
use crate::auth::{ApiUser, PageUser};
use crate::error::WebError;
use crate::forms::{Fields, yuan_to_fen};
use crate::i18n::Lang;
use crate::json::{ApiJson, ApiResult};
use crate::pages::{PageResult, layout, money, notice_redirect};

pub(crate) fn page_routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/seizures", get(page).post(seal))
        .route("/seizures/{id}/price", post(price))
        .route("/seizures/{id}/dispose", post(dispose))
}

pub(crate) fn api_routes() -> utoipa_axum::router::OpenApiRouter<AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(api_lots, api_seal))
        .routes(routes!(api_price))
        .routes(routes!(api_dispose))
        .routes(routes!(api_totals))
}

fn may_seal(actor: &Actor) -> bool {
    minewatch_core::rights::may_act(
        actor.role,
        &CaseAction::Seize {
            items: String::new(),
            note: String::new(),
        },
    )
}

fn day(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

fn lot_table(lots: &[LotRow], actor: &Actor, may_price: bool, lang: Lang) -> Markup {
    let zh = lang.is_zh();
    let may_dispose = may(actor.role, Right::DisposeSeizure);
    html! {
        div.scroll { table.lots {
            thead { tr {
                th { (lang.t("案件", "Case")) } th { (lang.t("乡镇", "Township")) } th { (lang.t("矿种", "Mineral")) }
                th { (lang.t("数量", "Quantity")) } th { (lang.t("封存地点", "Sealed at")) } th { (lang.t("封存日期", "Sealed on")) }
                th { (lang.t("认定时限", "Price due")) } th { (lang.t("认定价格", "Price")) } th { (lang.t("处置", "Disposal")) } th { (lang.t("状态", "State")) }
            } }
            tbody { @for l in lots {
                tr.overdue[l.standing == LotStanding::PriceOverdue] id={"lot" (l.id)} {
                    td { a href={"/cases/" (l.case_id)} { (l.case_number) } }
                    td { (l.township) }
                    td { (l.mineral) }
                    td.num { (show_quantity(l.quantity_milli)) " " (l.unit) }
                    td { (l.place) }
                    td { (l.sealed_on) }
                    td { (l.price_due_on) }
                    td {
                        @if let Some(p) = l.price_fen { (money(p, lang)) br; span.small.muted { (l.price_document) " · " (l.priced_on.map(|d| d.to_string()).unwrap_or_default()) } }
                        @else if may_price {
                            form.inline method="post" action={"/seizures/" (l.id) "/price"} {
                                input type="text" name="price" inputmode="decimal" required placeholder=(lang.t("价值（元）", "Value (yuan)")) aria-label=(lang.t("认定价值（元）", "Value (yuan)"));
                                input type="text" name="document" required placeholder=(lang.t("认定文书号", "Document no.")) aria-label=(lang.t("认定文书号", "Document no."));
                                button.secondary type="submit" { (lang.t("认定", "Price")) }
                            }
                        }
                    }
                    td {
                        @if let (Some(p), Some(on)) = (l.proceeds_fen, l.disposed_on) { (money(p, lang)) br; span.small.muted { (l.platform_lot) " · " (on) } }
                        @else if may_dispose && l.price_fen.is_some() {
                            form.inline method="post" action={"/seizures/" (l.id) "/dispose"} {
                                input type="text" name="platform_lot" required placeholder=(lang.t("交易平台编号", "Platform lot")) aria-label=(lang.t("交易平台编号", "Platform lot"));
                                input type="date" name="disposed_on" required aria-label=(lang.t("成交日期", "Day sold"));
                                input type="text" name="proceeds" inputmode="decimal" required placeholder=(lang.t("成交金额（元）", "Proceeds (yuan)")) aria-label=(lang.t("成交金额（元）", "Proceeds (yuan)"));
                                button.secondary type="submit" { (lang.t("登记处置", "Record")) }
                            }
                        }
                    }
                    td { @if l.standing == LotStanding::PriceOverdue { span.down { (l.standing.label(zh)) } } @else { (l.standing.label(zh)) } }
                }
            } }
        } }
    }
}

fn money_table(title: &str, first: &str, lines: &[MoneyLine], lang: Lang) -> Markup {
    let total = lines.iter().fold(MoneyLine::default(), |mut t, l| {
        t.fine_fen += l.fine_fen;
        t.confiscation_fen += l.confiscation_fen;
        t.proceeds_fen += l.proceeds_fen;
        t
    });
    html! {
        section.card {
            h2 { (title) }
            div.scroll { table {
                thead { tr { th { (first) } th { (lang.t("罚款", "Fines")) } th { (lang.t("没收", "Confiscated")) } th { (lang.t("处置收入", "Proceeds")) } th { (lang.t("合计", "Total")) } } }
                tbody { @for l in lines {
                    tr { td { (l.name) } td.num { (money(l.fine_fen, lang)) } td.num { (money(l.confiscation_fen, lang)) } td.num { (money(l.proceeds_fen, lang)) } td.num { strong { (money(l.fine_fen + l.confiscation_fen + l.proceeds_fen, lang)) } } }
                } }
                tfoot { tr { th { (lang.t("合计", "Total")) } th.num { (money(total.fine_fen, lang)) } th.num { (money(total.confiscation_fen, lang)) } th.num { (money(total.proceeds_fen, lang)) } th.num { (money(total.fine_fen + total.confiscation_fen + total.proceeds_fen, lang)) } } }
            } }
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
    let now = state.clock.now();
    let lots = state.store.lots(actor, now).await?;
    let totals = state.store.money_totals_with(actor, &lots).await?;
    let may_price = state.store.may_price_lots(actor).await?;
    let overdue = lots
        .iter()
        .filter(|l| l.standing == LotStanding::PriceOverdue)
        .count();
    let empty = Fields::default();
    let (typed, error) = refused.map_or((&empty, None), |(f, e)| (f, Some(e)));
    let get = |k: &str| typed.get(k).map_or("", String::as_str);
    let body = html! {
        @if let Some(m) = notice { div.ok role="status" { (m) } }
        h1 { (lang.t("查扣物品与罚没", "Seizures, fines and confiscations")) }
        p.muted { (lang.t("非法开采的矿产品就地封存，由县发改部门两个工作日内出具价格认定结论，纳入公共资源交易平台统一处置。", "Illegally mined products are sealed on the spot, priced by the pricing office within two working days, and sold through the public-resources trading platform.")) }
        @if overdue > 0 { p { span.tag.warn { (lang.t("价格认定超时 ", "price overdue ")) (overdue) } } }
        @if may_seal(actor) {
            details.card open[error.is_some()] {
                summary { strong { (lang.t("登记封存物品", "Record a sealed lot")) } }
                form method="post" action="/seizures" {
                    @if let Some(e) = error { div.error role="alert" { (e) } }
                    label { (lang.t("案件编号", "Case number")) " *" input type="text" name="case_number" value=(get("case_number")) placeholder="QL-2026-000123"; }
                    label { (lang.t("矿种", "Mineral")) " *" input type="text" name="mineral" value=(get("mineral")) placeholder=(lang.t("如：河砂、煤、铁矿石", "e.g. river sand, coal")); }
                    label { (lang.t("数量", "Quantity")) " *" input type="text" name="quantity" inputmode="decimal" value=(get("quantity")) placeholder="120.5"; }
                    label { (lang.t("单位", "Unit")) " *" input type="text" name="unit" value=(if get("unit").is_empty() { "吨" } else { get("unit") }); }
                    label { (lang.t("封存地点", "Sealed at")) " *" input type="text" name="place" value=(get("place")); }
                    label { (lang.t("封存日期", "Sealed on")) " *" input type="date" name="sealed_on" value=(get("sealed_on")); }
                    div.actions { button.primary type="submit" { (lang.t("登记", "Record")) } }
                }
            }
        }
        @if lots.is_empty() { p.muted { (lang.t("暂无封存物品。", "No lot sealed yet.")) } }
        @else { (lot_table(&lots, actor, may_price, lang)) }
        (money_table(lang.t("罚没及处置收入（按乡镇）", "Fines, confiscations and proceeds by township"), lang.t("乡镇(街道)", "Township"), &totals.by_township, lang))
        (money_table(lang.t("罚没及处置收入（按部门）", "By department"), lang.t("部门", "Department"), &totals.by_department, lang))
        (money_table(lang.t("罚没及处置收入（按月）", "By month"), lang.t("月份", "Month"), &totals.by_month, lang))
    };
    Ok(layout(
        lang,
        lang.t("罚没处置", "Seizures"),
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
        "quantity" => "数量应为正数，最多三位小数，如 120.5".to_string(),
        "sealed_on" if reason.contains("not come") => "封存日期不能晚于今天".to_string(),
        "sealed_on" => "请填写封存日期".to_string(),
        "mineral" => "请填写矿种".to_string(),
        "unit" => "请填写单位".to_string(),
        "place" => "请填写封存地点".to_string(),
        _ => format!("{field}: {reason}"),
    })
}

async fn seal(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Form(f): Form<Fields>,
) -> PageResult {
    let refused = async |words: &str| -> PageResult {
        let m = page_markup(&state, &actor, lang, None, Some((&f, words))).await?;
        Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, m).into_response())
    };
    let get = |k: &str| f.get(k).map_or("", |s| s.trim()).to_string();
    let Ok(case) = state
        .store
        .case_id_by_number(&actor, &get("case_number"))
        .await
    else {
        return refused(&format!(
            "找不到案件“{}”（或不在本单位辖区）",
            get("case_number")
        ))
        .await;
    };
    let lot = NewLot {
        case_id: case.0,
        mineral: get("mineral"),
        quantity: get("quantity"),
        unit: get("unit"),
        place: get("place"),
        sealed_on: day(&get("sealed_on")),
    };
    match state
        .store
        .record_lot(&actor, &lot, state.clock.now())
        .await
    {
        Ok(_) => Ok(notice_redirect(
            "/seizures",
            lang.t("已登记，等待价格认定。", "Recorded; awaiting its price."),
        )),
        Err(e) => match refusal_words(&e) {
            Some(w) => refused(lang.t(&w, &e.to_string())).await,
            None => Err(WebError::from(e).into()),
        },
    }
}

async fn price(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> PageResult {
    let fen = yuan_to_fen("price", f.get("price").map_or("", String::as_str))?;
    state
        .store
        .price_lot(
            &actor,
            id,
            fen,
            f.get("document").map_or("", String::as_str),
            state.clock.now(),
        )
        .await?;
    Ok(notice_redirect(
        "/seizures",
        lang.t("价格已认定。", "Priced."),
    ))
}

async fn dispose(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> PageResult {
    let fen = yuan_to_fen("proceeds", f.get("proceeds").map_or("", String::as_str))?;
    state
        .store
        .dispose_lot(
            &actor,
            id,
            f.get("platform_lot").map_or("", String::as_str),
            f.get("disposed_on").and_then(|d| day(d)),
            fen,
            state.clock.now(),
        )
        .await?;
    Ok(notice_redirect(
        "/seizures",
        lang.t("处置已登记。", "Disposal recorded."),
    ))
}

#[utoipa::path(get, path = "/seizures", tag = "seizures",
    summary = "The sealed lots in the caller's sight, with their pricing clock and disposal",
    responses((status = 200, body = Vec<LotRow>)))]
async fn api_lots(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
) -> ApiResult<Json<Vec<LotRow>>> {
    Ok(Json(state.store.lots(&actor, state.clock.now()).await?))
}

#[utoipa::path(post, path = "/seizures", tag = "seizures",
    summary = "Record a lot sealed on a case; its price falls due two working days on",
    request_body = NewLot,
    responses(
        (status = 201, body = crate::json::Created),
        (status = 403, body = crate::json::ErrorBody, description = "this role does not seize"),
        (status = 404, body = crate::json::ErrorBody, description = "the case is out of sight"),
        (status = 422, body = crate::json::ErrorBody, description = "a quantity, unit, place or day missing or wrong"),
    ))]
async fn api_seal(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiJson(lot): ApiJson<NewLot>,
) -> ApiResult<(axum::http::StatusCode, Json<crate::json::Created>)> {
    let id = state
        .store
        .record_lot(&actor, &lot, state.clock.now())
        .await?;
    Ok(crate::json::created(id))
}

/// The pricing office's determination.
#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct Pricing {
    /// The lot's value, in fen.
    price_fen: i64,
    /// 认定文书号.
    document: String,
}

#[utoipa::path(post, path = "/seizures/{id}/price", tag = "seizures",
    summary = "Determine a lot's price (the pricing office, or the county office)",
    params(("id" = i64, Path, description = "lot id")),
    request_body = Pricing,
    responses(
        (status = 204, description = "priced"),
        (status = 403, body = crate::json::ErrorBody, description = "not the pricing office"),
        (status = 404, body = crate::json::ErrorBody, description = "no such lot"),
        (status = 422, body = crate::json::ErrorBody, description = "priced already, no document, or no value"),
    ))]
async fn api_price(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<i64>,
    ApiJson(p): ApiJson<Pricing>,
) -> ApiResult<axum::http::StatusCode> {
    state
        .store
        .price_lot(&actor, id, p.price_fen, &p.document, state.clock.now())
        .await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// A sale through the trading platform.
#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct Disposal {
    platform_lot: String,
    disposed_on: NaiveDate,
    /// In fen.
    proceeds_fen: i64,
}

#[utoipa::path(post, path = "/seizures/{id}/dispose", tag = "seizures",
    summary = "Record a lot's sale through the public-resources trading platform (county office)",
    params(("id" = i64, Path, description = "lot id")),
    request_body = Disposal,
    responses(
        (status = 204, description = "recorded"),
        (status = 403, body = crate::json::ErrorBody, description = "only the county office"),
        (status = 404, body = crate::json::ErrorBody, description = "no such lot"),
        (status = 422, body = crate::json::ErrorBody, description = "not priced yet, sold already, or a field missing"),
    ))]
async fn api_dispose(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<i64>,
    ApiJson(d): ApiJson<Disposal>,
) -> ApiResult<axum::http::StatusCode> {
    state
        .store
        .dispose_lot(
            &actor,
            id,
            &d.platform_lot,
            Some(d.disposed_on),
            d.proceeds_fen,
            state.clock.now(),
        )
        .await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/seizures/totals", tag = "seizures",
    summary = "Fines and confiscations (by the day each penalty was recorded) and disposal proceeds, by township, department and month, in fen",
    responses((status = 200, body = MoneyTotals)))]
async fn api_totals(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
) -> ApiResult<Json<MoneyTotals>> {
    Ok(Json(
        state.store.money_totals(&actor, state.clock.now()).await?,
    ))
}
