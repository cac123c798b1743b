//! The working-day calendar (R13): the State Council's holiday notice as the county office
//! enters it, on a page and over the API. Every clock in working days (tips, rectification)
//! counts on it.

use axum::extract::{Form, State};
use axum::response::IntoResponse;
use maud::html;

use crate::AppState;
use crate::auth::{ApiUser, PageUser};
use crate::forms::Fields;
use crate::i18n::Lang;
use crate::json::{ApiJson, ApiResult};
use crate::pages::{PageResult, is_office, layout, notice_redirect};
use axum::Json;
use axum::routing::get;
use minewatch_store::CalendarDay;
use serde::Deserialize;

pub(crate) fn page_routes() -> axum::Router<AppState> {
    axum::Router::new().route("/calendar", get(page).post(save))
}

pub(crate) fn api_routes() -> utoipa_axum::router::OpenApiRouter<AppState> {
    utoipa_axum::router::OpenApiRouter::new().routes(utoipa_axum::routes!(days, set_days))
}

pub async fn page(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    axum::extract::Query(q): axum::extract::Query<Fields>,
) -> PageResult {
    let policy = state.store.tip_policy(actor.county_id).await?;
    let days = state.store.calendar_days(actor.county_id).await?;
    let zh = lang.is_zh();
    let body = html! {
        h1 { (lang.t("工作日历（法定节假日与调休）", "Working-day calendar")) }
        @if let Some(m) = q.get("ok") { div.ok role="status" { (m) } }
        p.muted { (lang.t("举报受理、核实、答复的时限按工作日计算。请按国务院办公厅当年发布的放假安排录入：放假的工作日，以及调休上班的周末。", "Tip clocks count working days. Enter each year's State Council notice: weekdays off, and weekend days worked.")) }
        div.scroll { table.calendar-days {
            thead { tr { th { (lang.t("日期", "Date")) } th { (lang.t("类别", "Kind")) } th { (lang.t("名称", "Name")) } } }
            tbody { @for d in &days { tr { td { (d.day) " " (d.day.format("%a")) } td { (d.kind.label(zh)) } td { (d.name) } } } }
        } }
        @if days.is_empty() { div.warn { (lang.t("尚未录入放假安排：时限只按周一至周五计算。", "No notice entered: clocks count Monday to Friday only.")) } }
        section.card {
            h2 { (lang.t("举报办理时限（工作日）", "Tip clocks (working days)")) }
            form method="post" action="/calendar/policy" {
                div.row {
                    label { (lang.t("受理", "Accept within")) input type="number" name="accept_days" min="1" max="60" value=(policy.accept_days) disabled[!is_office(&actor)]; }
                    label { (lang.t("核实（受理后）", "Check within (after accepting)")) input type="number" name="verify_days" min="1" max="60" value=(policy.verify_days) disabled[!is_office(&actor)]; }
                    label { (lang.t("答复（核实后）", "Answer within (after checking)")) input type="number" name="answer_days" min="1" max="60" value=(policy.answer_days) disabled[!is_office(&actor)]; }
                }
                @if is_office(&actor) { button type="submit" { (lang.t("保存", "Save")) } }
            }
        }
        @if is_office(&actor) {
            form.card method="post" action="/calendar" {
                label { (lang.t("录入放假安排（每行：日期,放假/上班,名称；同一年份整体替换）", "Enter a notice (one line each: date,holiday/workday,name; replaces those years)"))
                    textarea name="notice" rows="10" placeholder="2027-10-01,放假,国庆节\n2027-10-09,上班,调休" {} }
                button type="submit" { (lang.t("保存", "Save")) }
            }
        }
    };
    Ok(layout(lang, lang.t("工作日历", "Calendar"), Some(&actor), body).into_response())
}

pub async fn save(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Form(f): Form<Fields>,
) -> PageResult {
    let text = f.get("notice").cloned().unwrap_or_default();
    let n = state
        .store
        .import_holiday_notice(&actor, &text, state.clock.now())
        .await?;
    Ok(notice_redirect(
        "/calendar",
        &format!("{}{n}", lang.t("已保存天数：", "Days saved: ")),
    ))
}

#[utoipa::path(get, path = "/calendar", tag = "calendar",
    summary = "Holidays and adjusted working days entered for the county",
    responses((status = 200, body = Vec<CalendarDay>)))]
async fn days(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
) -> ApiResult<Json<Vec<CalendarDay>>> {
    Ok(Json(state.store.calendar_days(actor.county_id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct NoticeBody {
    /// The State Council's holiday notice, its text as published.
    notice: String,
}

/// How many days the notice set.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub(crate) struct DaysSaved {
    days: usize,
}

#[utoipa::path(put, path = "/calendar", tag = "calendar",
    summary = "Enter the year's holiday notice (county office)",
    request_body = NoticeBody,
    responses(
        (status = 200, body = DaysSaved, description = "the days the notice set"),
        (status = 403, body = crate::json::ErrorBody, description = "only the county office enters the calendar"),
        (status = 422, body = crate::json::ErrorBody, description = "nothing saved: the message names every line that could not be read"),
    ))]
async fn set_days(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiJson(n): ApiJson<NoticeBody>,
) -> ApiResult<Json<DaysSaved>> {
    let days = state
        .store
        .import_holiday_notice(&actor, &n.notice, state.clock.now())
        .await?;
    Ok(Json(DaysSaved { days }))
}
