//! 问责线索 (R26): "should have found" leads for the inspectors, with the reports and tracks
//! they rest on; the township answers, the inspectors conclude — pages and API.

use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};
use minewatch_core::clock::display_stamp;
use minewatch_core::{ClueSource, Scope};
use minewatch_store::{Actor, Conclusion, LeadRow};

use axum::Json;
use serde::Deserialize;

use crate::AppState;
use crate::auth::{ApiUser, PageUser};
use crate::error::WebError;
use crate::forms::Fields;
use crate::i18n::Lang;
use crate::json::{ApiJson, ApiResult};
use crate::pages::{PageResult, layout};

fn source_label(code: &str, zh: bool) -> &str {
    ClueSource::from_code(code).map_or(code, |s| s.label(zh))
}

fn evidence(lang: Lang, l: &LeadRow) -> Markup {
    let zh = lang.is_zh();
    html! {
        p { (lang.t("发现途径：", "Found by: ")) (source_label(&l.evidence.source, zh))
            @if let Some(p) = &l.evidence.patch_no { " " (p) } " · " (lang.t("发现日期 ", "discovered ")) (l.evidence.discovered_on)
            " · " (lang.t("回溯 ", "looking back ")) (l.evidence.window_from) " — " (l.evidence.window_to) }
        @if !l.evidence.reports.is_empty() {
            p { strong { (lang.t("期间报告“无发现”", "Reported “nothing found”")) " (" (l.evidence.reports.len()) ")" } }
            ul.reports { @for r in &l.evidence.reports { li { (r.date) " · " (r.filed_by) @if r.late { " " span.tag { (lang.t("补报", "late")) } } } } }
        }
        @if !l.evidence.tracks.is_empty() {
            p { strong { (lang.t("期间巡查轨迹经过现场附近", "Patrol tracks passed near the site")) " (" (l.evidence.tracks.len()) ")" } }
            ul.tracks { @for t in &l.evidence.tracks { li { (display_stamp(&t.started_at)) " · " (t.user) " · " (lang.t("距现场 ", "")) (t.distance_m) (lang.t(" 米", " m from the site")) } } }
        }
    }
}

async fn list_markup(state: &AppState, actor: &Actor, lang: Lang) -> Result<Markup, WebError> {
    let zh = lang.is_zh();
    let leads = state.store.leads(actor, None).await?;
    let lapses = state
        .store
        .tip_lapses(actor, minewatch_core::clock::local_date(state.clock.now()))
        .await?;
    let body = html! {
        h1 { (lang.t("问责线索：应发现未发现", "Accountability leads: should have found")) }
        p.muted { (lang.t("卫片或举报核实为非法开挖，而所在网格此前每日报告“无发现”或巡查轨迹经过现场附近的，自动生成问责线索。", "Raised when a patch or tip is confirmed as illegal digging in a grid that reported “nothing found”, or patrolled near the site, in the days before.")) }
        @if leads.is_empty() { p { (lang.t("暂无问责线索。", "No leads.")) } }
        div.scroll { table.leads {
            thead { tr { th { (lang.t("编号", "No.")) } th { (lang.t("案件", "Case")) } th { (lang.t("乡镇", "Township")) } th { (lang.t("村 / 网格", "Village / grid")) }
                th { (lang.t("发现日期", "Discovered")) } th { (lang.t("无发现报告", "Nothing-found reports")) } th { (lang.t("附近轨迹", "Tracks nearby")) } th { (lang.t("说明", "Answer")) } th { (lang.t("结论", "Conclusion")) } } }
            tbody { @for l in &leads {
                tr { td { a href={"/leads/" (l.id)} { "#" (l.id) } } td { a href={"/cases/" (l.case_id)} { (l.case_number) } }
                    td { (l.township) } td { (l.village) " / " (l.grid) } td { (l.discovered_on) }
                    td.num { (l.evidence.reports.len()) } td.num { (l.evidence.tracks.len()) }
                    td { @if l.answer.is_empty() { span.tag.warn { (lang.t("待说明", "awaiting answer")) } } @else { span.tag.done { (lang.t("已说明", "answered")) } } }
                    td { (Conclusion::label(&l.conclusion, zh)) } }
            } }
        } }
    };
    let body = html! {
        (body)
        h2 { (lang.t("举报不受理、不核实、未按时答复", "Tips not accepted, checked or answered in time")) " (" (lapses.len()) ")" }
        div.scroll { table.lapses {
            thead { tr { th { (lang.t("举报", "Tip")) } th { (lang.t("案件", "Case")) } th { (lang.t("乡镇", "Township")) } th { (lang.t("问题", "Lapse")) } th { (lang.t("时限", "Due")) } th { (lang.t("办理", "Done")) } } }
            tbody { @for l in &lapses {
                tr { td { a href={"/tips/" (l.tip_id)} { (l.tracking_code) } } td { a href={"/cases/" (l.case_id)} { (l.case_number) } } td { (l.township) }
                    td { (minewatch_store::TipLapse::label(l.kind, zh)) } td { (l.due_on) } td { (l.done_at.as_deref().map_or_else(|| lang.t("仍未办理", "not yet").into(), display_stamp)) } }
            } }
        } }
    };
    Ok(layout(
        lang,
        lang.t("问责线索", "Accountability leads"),
        Some(actor),
        body,
    ))
}

pub async fn list(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
) -> PageResult {
    let m = list_markup(&state, &actor, lang).await?;
    Ok(m.into_response())
}

async fn detail_markup(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    id: i64,
) -> Result<Markup, WebError> {
    let zh = lang.is_zh();
    let l = state.store.lead(actor, id).await?;
    let may_answer = actor.scope == Scope::Township(l.township_id) && l.conclusion.is_empty();
    let may_conclude =
        minewatch_core::rights::may(actor.role, minewatch_core::rights::Right::ConcludeLead)
            && l.conclusion.is_empty();
    let body = html! {
        h1 { (lang.t("问责线索", "Accountability lead")) " #" (l.id) }
        dl.fields {
            dt { (lang.t("案件", "Case")) } dd { a href={"/cases/" (l.case_id)} { (l.case_number) } " " (l.case_finding) }
            dt { (lang.t("乡镇", "Township")) } dd { (l.township) }
            dt { (lang.t("村 / 网格", "Village / grid")) } dd { (l.village) " / " (l.grid) }
            dt { (lang.t("生成时间", "Raised")) } dd { (display_stamp(&l.raised_at)) }
        }
        section.card { h2 { (lang.t("依据", "Evidence")) } (evidence(lang, &l)) }
        section.card {
            h2 { (lang.t("乡镇说明", "Township's answer")) }
            @if l.answer.is_empty() { p.muted { (lang.t("尚未说明", "Not answered yet")) } }
            @else { p { (l.answer) } p.muted { (l.answered_by.as_deref().unwrap_or("")) " " (l.answered_at.as_deref().map(display_stamp).unwrap_or_default()) } }
            @if may_answer {
                form method="post" action={"/leads/" (l.id) "/answer"} {
                    label { (lang.t("情况说明", "What happened")) textarea name="answer" required { (l.answer) } }
                    button type="submit" { (lang.t("提交说明", "Submit answer")) }
                }
            }
        }
        section.card {
            h2 { (lang.t("纪检监察结论", "Inspectors' conclusion")) }
            @if !l.conclusion.is_empty() { p { strong { (Conclusion::label(&l.conclusion, zh)) } " · " (l.conclusion_note) } p.muted { (l.concluded_by.as_deref().unwrap_or("")) " " (l.concluded_at.as_deref().map(display_stamp).unwrap_or_default()) } }
            @if may_conclude {
                form method="post" action={"/leads/" (l.id) "/conclude"} {
                    label { (lang.t("结论", "Conclusion")) select name="conclusion" {
                        option value="accountable" { (Conclusion::label("accountable", zh)) }
                        option value="excused" { (Conclusion::label("excused", zh)) } } }
                    label { (lang.t("理由", "Reason")) textarea name="note" required {} }
                    button type="submit" { (lang.t("作出结论", "Conclude")) }
                }
            }
        }
        p { a href="/leads" { (lang.t("返回问责线索", "Back to leads")) } }
    };
    Ok(layout(
        lang,
        lang.t("问责线索", "Accountability lead"),
        Some(actor),
        body,
    ))
}

pub async fn detail(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Path(id): Path<i64>,
) -> PageResult {
    let m = detail_markup(&state, &actor, lang, id).await?;
    Ok(m.into_response())
}

pub async fn answer(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> PageResult {
    let text = f.get("answer").cloned().unwrap_or_default();
    state
        .store
        .answer_lead(&actor, id, &text, state.clock.now())
        .await?;
    Ok(Redirect::to(&format!("/leads/{id}")).into_response())
}

pub async fn conclude(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> PageResult {
    let c = f
        .get("conclusion")
        .and_then(|c| Conclusion::from_code(c))
        .ok_or_else(|| WebError::field("conclusion", "必须选择", "is required"))?;
    let note = f.get("note").cloned().unwrap_or_default();
    state
        .store
        .conclude_lead(&actor, id, c, &note, state.clock.now())
        .await?;
    Ok(Redirect::to(&format!("/leads/{id}")).into_response())
}

/// The leads pages.
pub(crate) fn page_routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/leads", get(list))
        .route("/leads/{id}", get(detail))
        .route("/leads/{id}/answer", post(answer))
        .route("/leads/{id}/conclude", post(conclude))
}

/// The leads over `/api/v1`.
pub(crate) fn api_routes() -> utoipa_axum::router::OpenApiRouter<AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(api_list))
        .routes(routes!(api_lead))
        .routes(routes!(api_answer))
        .routes(routes!(api_conclude))
}

#[utoipa::path(get, path = "/leads", tag = "leads",
    summary = "Should-have-found leads (应发现未发现) in your area",
    description = "A problem found by satellite, a tip or the county at a place whose grid had reported nothing there: the township explains, the discipline inspectors conclude.",
    responses((status = 200, body = Vec<LeadRow>)))]
async fn api_list(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
) -> ApiResult<Json<Vec<LeadRow>>> {
    Ok(Json(state.store.leads(&actor, None).await?))
}

#[utoipa::path(get, path = "/leads/{id}", tag = "leads",
    summary = "One lead with its evidence: the grid's reports and patrols before the finding",
    params(("id" = i64, Path, description = "lead id")),
    responses(
        (status = 200, body = LeadRow),
        (status = 404, body = crate::json::ErrorBody, description = "no such lead in your area"),
    ))]
async fn api_lead(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<i64>,
) -> ApiResult<Json<LeadRow>> {
    Ok(Json(state.store.lead(&actor, id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct AnswerBody {
    /// The township's account of why the grid did not find it (说明情况).
    answer: String,
}

#[utoipa::path(post, path = "/leads/{id}/answer", tag = "leads",
    summary = "The township explains (amendable until concluded)",
    params(("id" = i64, Path, description = "lead id")),
    request_body = AnswerBody,
    responses(
        (status = 200, body = LeadRow, description = "the lead with the answer"),
        (status = 403, body = crate::json::ErrorBody, description = "only the lead's township answers"),
        (status = 404, body = crate::json::ErrorBody, description = "no such lead in your area"),
        (status = 422, body = crate::json::ErrorBody, description = "empty answer, or the lead is concluded"),
    ))]
async fn api_answer(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<i64>,
    ApiJson(a): ApiJson<AnswerBody>,
) -> ApiResult<Json<LeadRow>> {
    Ok(Json(
        state
            .store
            .answer_lead(&actor, id, &a.answer, state.clock.now())
            .await?,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct ConclusionBody {
    #[schema(value_type = Conclusion)]
    conclusion: String,
    /// The reason; required when excused.
    #[serde(default)]
    note: String,
}

#[utoipa::path(post, path = "/leads/{id}/conclusion", tag = "leads",
    summary = "The discipline inspectors conclude: hand over for accountability, or excuse with a reason",
    params(("id" = i64, Path, description = "lead id")),
    request_body = ConclusionBody,
    responses(
        (status = 200, body = LeadRow, description = "the concluded lead"),
        (status = 403, body = crate::json::ErrorBody, description = "only the discipline inspectors conclude"),
        (status = 404, body = crate::json::ErrorBody, description = "no such lead"),
        (status = 422, body = crate::json::ErrorBody, description = "unknown conclusion, no reason, or already concluded"),
    ))]
async fn api_conclude(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<i64>,
    ApiJson(c): ApiJson<ConclusionBody>,
) -> ApiResult<Json<LeadRow>> {
    let conclusion = Conclusion::from_code(&c.conclusion).ok_or_else(|| {
        WebError::field(
            "conclusion",
            "应为 accountable 或 excused",
            "must be accountable or excused",
        )
    })?;
    Ok(Json(
        state
            .store
            .conclude_lead(&actor, id, conclusion, &c.note, state.clock.now())
            .await?,
    ))
}
