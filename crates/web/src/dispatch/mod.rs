//! 周调度 (R25) pages and API: the township's Friday form, prefilled from the ledger and
//! signed by its responsible official; the county's roll-up of every township side by side,
//! with the late and missing flagged, as a page and as the .xlsx the office files.

use axum::Json;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Response};
use chrono::{Duration, NaiveDate};
use maud::{Markup, html};
use minewatch_core::ClueSource;
use minewatch_core::clock::{display_stamp, local_date, local_display};
use minewatch_core::dispatch::{
    CountedCase, DispatchFigures, DispatchStanding, DispatchText, is_week_name, week_ending,
};
use minewatch_core::rights::{Right, may};
use minewatch_core::{Role, Scope};
use minewatch_store::{Actor, DispatchRow, StoreError};
use serde::Deserialize;

mod pdf;
mod xlsx;

use crate::AppState;
use crate::auth::{ApiUser, PageUser};
use crate::error::WebError;
use crate::forms::Fields;
use crate::i18n::Lang;
use crate::json::{ApiJson, ApiQuery, ApiResult};
use crate::pages::{PageResult, layout, money, notice_redirect};

pub(crate) fn page_routes() -> axum::Router<AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/dispatch", get(page).post(save))
        .route("/dispatch.xlsx", get(rollup_xlsx))
        .route("/dispatch/{township}", get(township_page))
        .route("/dispatch/{township}/pdf", get(pdf::township_pdf))
}

pub(crate) fn api_routes() -> utoipa_axum::router::OpenApiRouter<AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(api_rollup))
        .routes(routes!(api_dispatch))
        .routes(routes!(api_save))
}

/// The week asked for (`week=YYYY-MM-DD`, any day of it), or this week.
fn week_param(q: Option<&String>, today: NaiveDate) -> Result<NaiveDate, WebError> {
    match q.map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => Ok(week_ending(today)),
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(week_ending)
            .map_err(|_| {
                WebError::field(
                    "week",
                    "应为日期，如 2026-12-04",
                    "must be a date such as 2026-12-04",
                )
            }),
    }
}

fn standing_tag(s: DispatchStanding, lang: Lang) -> Markup {
    let class = match s {
        DispatchStanding::OnTime => "tag done",
        DispatchStanding::Late | DispatchStanding::Missing => "tag warn",
        DispatchStanding::Due | DispatchStanding::Draft => "tag",
    };
    html! { span class=(class) { (s.label(lang.is_zh())) } }
}

fn week_words(friday: NaiveDate, lang: Lang) -> String {
    let from = friday - Duration::days(6);
    if lang.is_zh() {
        format!("{from} 至 {friday}（周五报送）")
    } else {
        format!("{from} to {friday} (due Friday)")
    }
}

/// The counted cases, each a link: every figure drills down to exactly its cases.
fn case_links(cases: &[CountedCase]) -> Markup {
    html! {
        @for (i, c) in cases.iter().enumerate() {
            @if i > 0 { "、" }
            a href={"/cases/" (c.id)} { (c.number) }
        }
    }
}

fn count_with_cases(cases: &[CountedCase], lang: Lang) -> Markup {
    html! {
        @if cases.is_empty() { "0" } @else {
            details { summary { (cases.len()) " " span.muted { (lang.t("件，展开", "— show")) } } p { (case_links(cases)) } }
        }
    }
}

fn sources(f: &DispatchFigures, lang: Lang) -> String {
    let zh = lang.is_zh();
    if f.clues_by_source.is_empty() {
        return "0".to_string();
    }
    let parts: Vec<String> = f
        .clues_by_source
        .iter()
        .map(|s| {
            let label = ClueSource::from_code(&s.source).map_or(s.source.as_str(), |c| c.label(zh));
            format!("{label} {}", s.count)
        })
        .collect();
    format!("{}（{}）", f.clues(), parts.join(lang.t("，", ", ")))
}

fn figures_table(f: &DispatchFigures, frozen: bool, lang: Lang) -> Markup {
    html! {
        p.muted {
            @if frozen { (lang.t("报送时封存的台账数据，统计至 ", "Frozen at submission; counted to ")) }
            @else { (lang.t("台账实时数据（报送时封存），统计至 ", "Live from the ledger (frozen when submitted); counted to ")) }
            (local_display(f.counted_to))
            (lang.t("；自上次报送 ", "; since the last submission "))
            (local_display(f.counted_from))
        }
        table.figures {
            tbody {
                tr { th { (lang.t("新增线索（按来源）", "New clues (by source)")) } td { (sources(f, lang)) } }
                tr { th { (lang.t("新立案件", "Cases opened")) } td { (count_with_cases(&f.opened, lang)) } }
                tr { th { (lang.t("报告整改完成", "Rectification reported")) } td { (count_with_cases(&f.rectified, lang)) } }
                tr { th { (lang.t("销号", "Closed")) } td { (count_with_cases(&f.closed, lang)) } }
                tr.overdue[!f.overdue.is_empty()] { th { (lang.t("逾期未办结", "Overdue, still open")) } td { (count_with_cases(&f.overdue, lang)) } }
                tr { th { (lang.t("巡查记录", "Patrol records")) } td { (f.patrol_records) } }
                tr { th { (lang.t("网格日报告（已报 / 漏报）", "Grid daily reports (filed / missing)")) } td { (f.zero_reports_filed) " / " (f.zero_reports_missing) } }
                tr { th { (lang.t("群众举报（收到 / 答复）", "Tips (received / answered)")) } td { (f.tips_received) " / " (f.tips_answered) } }
                tr { th { (lang.t("查扣", "Seizures")) } td { (f.seizures) } }
                tr { th { (lang.t("罚款 / 没收", "Fines / confiscations")) } td { (money(f.fine_fen, lang)) " / " (money(f.confiscation_fen, lang)) } }
            }
        }
    }
}

/// What the store's refusal means to the township, in its words.
fn refusal_words(err: &StoreError, lang: Lang) -> Option<String> {
    let StoreError::Invalid { field, reason } = err else {
        return None;
    };
    let zh = match *field {
        "work_done" => "请填写本周工作开展情况。".to_string(),
        "overdue_reasons" => "有逾期未办结的案件：请说明原因和办结时限。".to_string(),
        "signed_by" => "请填写对本报告负责的签字负责人。".to_string(),
        "week" if reason.contains("frozen") => {
            "本周调度已报送并封存，不能修改；情况变化请写入下周调度。".to_string()
        }
        "week" if reason.contains("first") => {
            format!("周调度按周依次报送：{reason}")
        }
        "week" if reason.contains("already submitted") => {
            "以后一周的调度已经报送并统计了此后的情况，本周不能再报送。".to_string()
        }
        "week" => format!("调度周不正确：{reason}"),
        _ => return None,
    };
    Some(if lang.is_zh() {
        zh
    } else {
        format!("field '{field}': {reason}")
    })
}

fn text_field(name: &str, label: &str, value: &str, rows: u32, required: bool) -> Markup {
    html! {
        label { (label) @if required { " *" }
            textarea name=(name) rows=(rows) required[required] { (value) } }
    }
}

fn form_markup(row: &DispatchRow, lang: Lang, error: Option<&str>) -> Markup {
    let t = &row.text;
    let overdue = !row.figures.overdue.is_empty();
    html! {
        form.dispatch method="post" action="/dispatch" {
            @if let Some(e) = error { div.error role="alert" { (e) } }
            input type="hidden" name="week" value=(row.week_ending);
            (text_field("work_done", lang.t("本周工作开展情况", "What the township did this week"), &t.work_done, 5, true))
            (text_field("problems", lang.t("存在问题及困难", "Problems and difficulties"), &t.problems, 3, false))
            (text_field("next_week", lang.t("下周工作打算", "Plan for next week"), &t.next_week, 3, false))
            @if overdue {
                (text_field("overdue_reasons", lang.t("逾期未办结原因及办结时限", "Why cases are overdue, and by when they will be done"), &t.overdue_reasons, 3, true))
            }
            label { (lang.t("签字负责人（乡镇长或主持工作的负责同志）", "Signed by (the township head or the official standing in)")) " *"
                input type="text" name="signed_by" value=(t.signed_by) autocomplete="name"; }
            p.muted { (lang.t("数字由台账自动生成，不需填写；报送后封存，不能再改。", "The figures come from the ledger; nothing to type. Once submitted, the dispatch is frozen.")) }
            div.actions {
                button type="submit" name="action" value="save" { (lang.t("保存草稿", "Save draft")) }
                button.primary type="submit" name="action" value="submit" { (lang.t("签字报送", "Sign and submit")) }
            }
        }
    }
}

fn submitted_text(row: &DispatchRow, lang: Lang) -> Markup {
    let t = &row.text;
    html! {
        dl.fields {
            dt { (lang.t("本周工作开展情况", "What was done")) } dd.pre { (t.work_done) }
            @if !t.problems.is_empty() { dt { (lang.t("存在问题及困难", "Problems")) } dd.pre { (t.problems) } }
            @if !t.next_week.is_empty() { dt { (lang.t("下周工作打算", "Next week")) } dd.pre { (t.next_week) } }
            @if !t.overdue_reasons.is_empty() { dt { (lang.t("逾期未办结原因", "Why overdue")) } dd.pre { (t.overdue_reasons) } }
            dt { (lang.t("签字负责人", "Signed by")) } dd { (t.signed_by) }
            dt { (lang.t("报送", "Submitted")) } dd {
                (row.submitted_by.as_deref().unwrap_or("")) " · "
                (row.submitted_at.as_ref().map(|s| display_stamp(s.as_str())).unwrap_or_default())
            }
        }
    }
}

fn history_markup(history: &[DispatchRow], current: NaiveDate, base: &str, lang: Lang) -> Markup {
    html! {
        h2 { (lang.t("近期各周", "Recent weeks")) }
        ul.weeks {
            @for h in history {
                li.current[h.week_ending == current] {
                    a href={(base) "?week=" (h.week_ending)} { (week_words(h.week_ending, lang)) }
                    " " (standing_tag(h.standing, lang))
                }
            }
        }
    }
}

async fn one_markup(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    township_id: i64,
    friday: NaiveDate,
    notice: Option<&str>,
    draft: Option<(&DispatchText, &str)>,
) -> Result<Markup, WebError> {
    let now = state.clock.now();
    let mut row = state
        .store
        .dispatch(actor, township_id, friday, now)
        .await?;
    let error = draft.map(|(text, e)| {
        row.text = text.clone();
        e
    });
    let own = actor.role == Role::Township && actor.scope == Scope::Township(township_id);
    let writable = own && may(actor.role, Right::FileDispatch) && !row.frozen;
    let history = state
        .store
        .dispatch_history(actor, township_id, now)
        .await?;
    let base = if own {
        "/dispatch".to_string()
    } else {
        format!("/dispatch/{township_id}")
    };
    // Weeks go in order: a township looking at a later week is sent to the one it owes.
    let owed = if own && !row.frozen {
        let owed = state
            .store
            .owed_dispatch(actor.county_id, township_id, local_date(now))
            .await?;
        (owed < friday).then_some(owed)
    } else {
        None
    };
    let body = html! {
        h1 { (lang.t("周调度", "Weekly dispatch")) " · " (row.township) }
        @if let Some(m) = notice { div.ok role="status" { (m) } }
        p { (week_words(friday, lang)) " " (standing_tag(row.standing, lang))
            " · " a href={"/dispatch/" (township_id) "/pdf?week=" (friday)} target="_blank" { (lang.t("打印周调度表 (PDF)", "Print (PDF)")) } }
        @if let Some(o) = owed {
            p.error role="alert" { (lang.t("周调度按周依次报送，请先报送：", "Dispatches go in order; first submit ")) a href={"/dispatch?week=" (o)} { (week_words(o, lang)) } }
        }
        section.card { h2 { (lang.t("台账数据", "From the ledger")) } (figures_table(&row.figures, row.frozen, lang)) }
        section.card {
            h2 { (lang.t("乡镇填报", "Written by the township")) }
            @if writable { (form_markup(&row, lang, error)) }
            @else if row.frozen || row.saved_at.is_some() { (submitted_text(&row, lang)) }
            @else { p.muted { (lang.t("尚未填报。", "Nothing written yet.")) } }
        }
        @if may(actor.role, Right::ReadDispatches) {
            p { a href={"/dispatch?week=" (friday)} { (lang.t("‹ 全县汇总", "‹ County roll-up")) } }
        }
        (history_markup(&history, friday, &base, lang))
    };
    Ok(layout(
        lang,
        lang.t("周调度", "Weekly dispatch"),
        Some(actor),
        body,
    ))
}

fn rollup_markup(
    rows: &[DispatchRow],
    friday: NaiveDate,
    this_week: NaiveDate,
    actor: &Actor,
    lang: Lang,
) -> Markup {
    let lapsed = rows.iter().filter(|r| r.standing.lapsed()).count();
    let sum = |f: &dyn Fn(&DispatchFigures) -> i64| rows.iter().map(|r| f(&r.figures)).sum::<i64>();
    html! {
        h1 { (lang.t("周调度 · 全县汇总", "Weekly dispatch · county roll-up")) }
        p {
            a href={"/dispatch?week=" (friday - Duration::weeks(1))} { (lang.t("‹ 上一周", "‹ Previous week")) }
            " · " strong { (week_words(friday, lang)) }
            @if friday < this_week { " · " a href={"/dispatch?week=" (friday + Duration::weeks(1))} { (lang.t("下一周 ›", "Next week ›")) } }
            " · " a href={"/dispatch.xlsx?week=" (friday)} { (lang.t("导出 Excel", "Export .xlsx")) }
        }
        @if lapsed > 0 { p { span.tag.warn { (lang.t("迟报或未报 ", "Late or missing: ")) (lapsed) } } }
        p.muted { (lang.t("已报送的为报送时封存的数据；未报送的为台账实时数据（灰色）。", "Submitted rows show the figures as frozen; the others the ledger's as they stand (grey).")) }
        div.scroll { table.rollup {
            thead { tr {
                th { (lang.t("乡镇(街道)", "Township")) } th { (lang.t("状态", "Status")) } th { (lang.t("报送时间", "Submitted")) } th { (lang.t("签字负责人", "Signed by")) }
                th { (lang.t("新增线索", "New clues")) } th { (lang.t("新立案件", "Opened")) } th { (lang.t("报告整改", "Rectified")) } th { (lang.t("销号", "Closed")) }
                th { (lang.t("逾期", "Overdue")) } th { (lang.t("巡查记录", "Patrols")) } th { (lang.t("日报告漏报", "Reports missing")) }
                th { (lang.t("举报", "Tips")) } th { (lang.t("罚没", "Fines + confiscations")) }
            } }
            tbody {
                @for r in rows {
                    @let f = &r.figures;
                    tr.live[!r.frozen] {
                        td { a href={"/dispatch/" (r.township_id) "?week=" (friday)} { (r.township) } }
                        td { (standing_tag(r.standing, lang)) }
                        td { (r.submitted_at.as_ref().map(|s| display_stamp(s.as_str())).unwrap_or_default()) }
                        td { (r.text.signed_by) }
                        td.num { (f.clues()) } td.num { (f.opened.len()) } td.num { (f.rectified.len()) } td.num { (f.closed.len()) }
                        td.num.warn[!f.overdue.is_empty()] { (f.overdue.len()) } td.num { (f.patrol_records) } td.num { (f.zero_reports_missing) }
                        td.num { (f.tips_received) } td.num { (money(f.fine_fen + f.confiscation_fen, lang)) }
                    }
                }
            }
            tfoot { tr {
                th { (lang.t("合计", "Total")) } td {} td {} td {}
                td.num { (sum(&DispatchFigures::clues)) } td.num { (sum(&|f| i64::try_from(f.opened.len()).unwrap_or(0))) }
                td.num { (sum(&|f| i64::try_from(f.rectified.len()).unwrap_or(0))) } td.num { (sum(&|f| i64::try_from(f.closed.len()).unwrap_or(0))) }
                td.num { (sum(&|f| i64::try_from(f.overdue.len()).unwrap_or(0))) } td.num { (sum(&|f| f.patrol_records)) } td.num { (sum(&|f| f.zero_reports_missing)) }
                td.num { (sum(&|f| f.tips_received)) } td.num { (money(sum(&|f| f.fine_fen + f.confiscation_fen), lang)) }
            } }
        } }
        @if actor.role == Role::Inspector { p.muted { (lang.t("纪检监察只读。", "Read-only for the inspectors.")) } }
    }
}

async fn page(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Query(q): Query<Fields>,
) -> PageResult {
    let today = state.clock.today();
    let friday = week_param(q.get("week"), today)?;
    let notice = q.get("ok").map(String::as_str);
    if let (Role::Township, Scope::Township(t)) = (actor.role, actor.scope) {
        // Without a week asked for, the one it owes (a missed one before this week's).
        let friday = if q.contains_key("week") {
            friday
        } else {
            state
                .store
                .owed_dispatch(actor.county_id, t, today)
                .await?
                .min(friday)
        };
        let m = one_markup(&state, &actor, lang, t, friday, notice, None).await?;
        return Ok(m.into_response());
    }
    // The county reads last week's until this week's falls due on Friday.
    let friday = if !q.contains_key("week") && !is_week_name(today) {
        friday - Duration::weeks(1)
    } else {
        friday
    };
    let rows = state
        .store
        .dispatch_rollup(&actor, friday, state.clock.now())
        .await?;
    let body = rollup_markup(&rows, friday, week_ending(today), &actor, lang);
    Ok(layout(
        lang,
        lang.t("周调度", "Weekly dispatch"),
        Some(&actor),
        body,
    )
    .into_response())
}

async fn township_page(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Path(township): Path<i64>,
    Query(q): Query<Fields>,
) -> PageResult {
    let friday = week_param(q.get("week"), state.clock.today())?;
    let m = one_markup(&state, &actor, lang, township, friday, None, None).await?;
    Ok(m.into_response())
}

fn text_of(f: &Fields) -> DispatchText {
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    DispatchText {
        work_done: get("work_done"),
        problems: get("problems"),
        next_week: get("next_week"),
        overdue_reasons: get("overdue_reasons"),
        signed_by: get("signed_by"),
    }
}

async fn save(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Form(f): Form<Fields>,
) -> PageResult {
    let now = state.clock.now();
    let friday = week_param(f.get("week"), local_date(now))?;
    let submit = f.get("action").map(String::as_str) == Some("submit");
    let text = text_of(&f);
    match state
        .store
        .save_dispatch(&actor, friday, &text, submit, now)
        .await
    {
        Ok(_) => Ok(notice_redirect(
            &format!("/dispatch?week={friday}"),
            if submit {
                lang.t(
                    "已签字报送，数据已封存。",
                    "Signed and submitted; the figures are frozen.",
                )
            } else {
                lang.t("草稿已保存。", "Draft saved.")
            },
        )),
        // The township keeps what it wrote, with the reason beside it.
        Err(e) => match (refusal_words(&e, lang), actor.scope) {
            (Some(words), Scope::Township(t)) => {
                let m = one_markup(&state, &actor, lang, t, friday, None, Some((&text, &words)))
                    .await?;
                Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, m).into_response())
            }
            _ => Err(e.into()),
        },
    }
}

async fn rollup_xlsx(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Query(q): Query<Fields>,
) -> PageResult {
    Ok(xlsx_response(&state, &actor, q.get("week"), lang).await?)
}

async fn xlsx_response(
    state: &AppState,
    actor: &Actor,
    week: Option<&String>,
    lang: Lang,
) -> Result<Response, WebError> {
    let friday = week_param(week, state.clock.today())?;
    let now = state.clock.now();
    let rows = state.store.dispatch_rollup(actor, friday, now).await?;
    let (_, county) = state.store.county(actor.county_id).await?;
    let bytes =
        crate::export::off_thread(move || xlsx::rollup(&rows, &county, friday, now, lang)).await?;
    Ok(crate::export::xlsx_file(
        bytes,
        &format!("dispatch-{friday}.xlsx"),
    ))
}

/// The week of an API call: any day of it, this week by default.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct WeekQuery {
    /// Any day of the week (YYYY-MM-DD); the week runs Saturday to Friday. This week by default.
    week: Option<NaiveDate>,
}

fn api_week(q: &WeekQuery, today: NaiveDate) -> NaiveDate {
    week_ending(q.week.unwrap_or(today))
}

#[utoipa::path(get, path = "/dispatch", tag = "dispatch",
    summary = "Every township's weekly dispatch for a week, side by side (county office, inspectors)",
    description = "Submitted dispatches carry the figures frozen at submission; the others the ledger's as they stand. `standing` flags late and missing ones.",
    params(WeekQuery),
    responses(
        (status = 200, body = Vec<DispatchRow>),
        (status = 403, body = crate::json::ErrorBody, description = "only the county office and the inspectors read the roll-up"),
        (status = 422, body = crate::json::ErrorBody, description = "a week to come"),
    ))]
async fn api_rollup(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiQuery(q): ApiQuery<WeekQuery>,
) -> ApiResult<Json<Vec<DispatchRow>>> {
    let friday = api_week(&q, state.clock.today());
    Ok(Json(
        state
            .store
            .dispatch_rollup(&actor, friday, state.clock.now())
            .await?,
    ))
}

#[utoipa::path(get, path = "/dispatch/{township}", tag = "dispatch",
    summary = "One township's dispatch for a week: as submitted, or as the ledger prefills it",
    params(("township" = i64, Path, description = "township id"), WeekQuery),
    responses(
        (status = 200, body = DispatchRow),
        (status = 404, body = crate::json::ErrorBody, description = "no such township in your sight"),
        (status = 422, body = crate::json::ErrorBody, description = "a week to come"),
    ))]
async fn api_dispatch(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(township): Path<i64>,
    ApiQuery(q): ApiQuery<WeekQuery>,
) -> ApiResult<Json<DispatchRow>> {
    let friday = api_week(&q, state.clock.today());
    Ok(Json(
        state
            .store
            .dispatch(&actor, township, friday, state.clock.now())
            .await?,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct DispatchBody {
    #[serde(flatten)]
    text: DispatchText,
    /// Submit (sign and freeze) rather than save a draft.
    #[serde(default)]
    submit: bool,
}

#[utoipa::path(put, path = "/dispatch/week/{week}", tag = "dispatch",
    summary = "Save or submit your township's dispatch for the week ending on this Friday",
    params(("week" = NaiveDate, Path, description = "the Friday that ends the week")),
    request_body = DispatchBody,
    responses(
        (status = 200, body = DispatchRow, description = "the dispatch as saved"),
        (status = 403, body = crate::json::ErrorBody, description = "only a township's own users write its dispatch"),
        (status = 422, body = crate::json::ErrorBody, description = "not a Friday, already submitted, out of order, or a required text missing (work_done, overdue_reasons, signed_by)"),
    ))]
async fn api_save(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(week): Path<NaiveDate>,
    ApiJson(b): ApiJson<DispatchBody>,
) -> ApiResult<Json<DispatchRow>> {
    Ok(Json(
        state
            .store
            .save_dispatch(&actor, week, &b.text, b.submit, state.clock.now())
            .await?,
    ))
}
