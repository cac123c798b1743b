//! 八个一批 (R25) pages and API: the eight tallies per township for a campaign phase (or any
//! period), each count a link to exactly the cases or entries it counts; the register of the
//! three results the ledger does not hold, entered by each township for itself and by the
//! county office; the .xlsx the office files with its campaign summary.

use axum::Json;
use axum::extract::{Form, Path, Query, State};
use axum::response::IntoResponse;
use chrono::NaiveDate;
use maud::{Markup, html};
use minewatch_core::rights::{Right, may};
use minewatch_core::scoreboard::{ScoreLine, Scoreboard, Tally};
use minewatch_core::{Role, Scope};
use minewatch_store::{Actor, CampaignResultRow, NewCampaignResult, StoreError};
use serde::Deserialize;

mod xlsx;

use crate::AppState;
use crate::auth::{ApiUser, PageUser};
use crate::error::WebError;
use crate::forms::Fields;
use crate::i18n::Lang;
use crate::json::{ApiJson, ApiResult};
use crate::pages::{PageResult, layout, notice_redirect};
use crate::period::{Period, day, period_of, period_query, picker};

pub(crate) fn page_routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/scoreboard", get(page))
        .route("/scoreboard.xlsx", get(workbook))
        .route("/scoreboard/count", get(count_page))
        .route("/scoreboard/results", post(record))
        .route("/scoreboard/results/{id}/withdraw", post(withdraw))
}

pub(crate) fn api_routes() -> utoipa_axum::router::OpenApiRouter<AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(api_scoreboard))
        .routes(routes!(api_results, api_record))
        .routes(routes!(api_withdraw))
}

fn line_key(l: &ScoreLine) -> String {
    l.township_id
        .map_or_else(|| "county".to_string(), |t| t.to_string())
}

fn count_href(p: &Period, l: &ScoreLine, t: Tally) -> String {
    format!(
        "/scoreboard/count?{}&line={}&tally={}",
        period_query(p),
        line_key(l),
        t.code()
    )
}

fn board_table(p: &Period, board: &Scoreboard, lang: Lang) -> Markup {
    let zh = lang.is_zh();
    let totals = board.totals();
    // A township reads its own line: down the page, which a phone shows without scrolling.
    if let [line] = board.lines.as_slice() {
        return html! {
            h2 { (line.name) }
            table.scoreboard.single {
                tbody { @for &t in Tally::ALL {
                    @let n = line.count(t);
                    tr {
                        th title=(t.rule()) { (t.label(zh)) @if t.registered() { sup { "*" } } }
                        td.num { @if n > 0 { a href=(count_href(p, line, t)) { (n) } } @else { span.muted { "0" } } }
                    }
                } }
            }
            p.muted.small { "* " (lang.t("不在台账中，由本乡镇在下方登记。", "Not in the ledger: entered below.")) }
            details.rules {
                summary { (lang.t("统计口径", "What each counts")) }
                ul { @for &t in Tally::ALL { li { strong { (t.label(zh)) } "：" (t.rule()) } } }
            }
        };
    }
    html! {
        div.scroll { table.scoreboard {
            thead { tr {
                th { (lang.t("乡镇(街道)", "Township")) }
                @for &t in Tally::ALL { th title=(t.rule()) { (t.short(zh)) @if t.registered() { sup { "*" } } } }
            } }
            tbody {
                @for l in &board.lines {
                    tr.county[l.township_id.is_none()] {
                        td { (l.name) }
                        @for &t in Tally::ALL {
                            @let n = l.count(t);
                            td.num {
                                @if n > 0 { a href=(count_href(p, l, t)) { (n) } } @else { span.muted { "0" } }
                            }
                        }
                    }
                }
            }
            @if board.lines.len() > 1 {
                tfoot { tr {
                    th { (lang.t("合计", "Total")) }
                    @for (_, n) in &totals { th.num { (n) } }
                } }
            }
        } }
        p.muted.small { "* " (lang.t("不在台账中，由乡镇和县办在下方登记。", "Not in the ledger: entered below by the townships and the county office.")) }
        details.rules {
            summary { (lang.t("统计口径", "What each counts")) }
            ul { @for &t in Tally::ALL { li { strong { (t.label(zh)) } "：" (t.rule()) } } }
        }
    }
}

fn register_form(
    actor: &Actor,
    townships: &[minewatch_store::TownshipRow],
    p: &Period,
    typed: &Fields,
    error: Option<&str>,
    lang: Lang,
) -> Markup {
    let zh = lang.is_zh();
    let get = |k: &str| typed.get(k).map_or("", String::as_str);
    html! {
        details.card.register open[error.is_some()] {
            summary { strong { (lang.t("登记成果（典型案例曝光、先进典型推广、制度成果出台）", "Enter a result (typical case exposed, model promoted, rules issued)")) } }
            form method="post" action="/scoreboard/results" {
                @if let Some(e) = error { div.error role="alert" { (e) } }
                input type="hidden" name="from" value=(p.from);
                input type="hidden" name="to" value=(p.to);
                label { (lang.t("类别", "Kind")) " *"
                    select name="tally" {
                        @for t in Tally::registered_ones() {
                            option value=(t.code()) selected[get("tally") == t.code()] { (t.label(zh)) }
                        }
                    }
                }
                @if actor.role != Role::Township {
                    label { (lang.t("所属单位", "Belongs to"))
                        select name="township" {
                            option value="" { (lang.t("县级", "The county")) }
                            @for t in townships { option value=(t.id) selected[get("township") == t.id.to_string()] { (t.name) } }
                        }
                    }
                }
                label { (lang.t("名称", "Title")) " *" input type="text" name="title" value=(get("title")) placeholder=(lang.t("如：关于印发《矿产品运输管理办法》的通知", "e.g. the rules on ore haulage")); }
                label { (lang.t("日期（曝光、推广或印发之日）", "Day (published, promoted or issued)")) " *" input type="date" name="happened_on" value=(get("happened_on")); }
                label { (lang.t("文号、媒体或链接", "Number, outlet or link")) input type="text" name="reference" value=(get("reference")); }
                label { (lang.t("曝光的案件编号（典型案例）", "Case number exposed (typical cases)")) input type="text" name="case_number" value=(get("case_number")) placeholder="QL-2026-000123"; }
                label { (lang.t("备注", "Note")) textarea name="note" rows="2" { (get("note")) } }
                div.actions { button.primary type="submit" { (lang.t("登记", "Enter")) } }
            }
        }
    }
}

fn register_list(actor: &Actor, rows: &[CampaignResultRow], p: &Period, lang: Lang) -> Markup {
    let zh = lang.is_zh();
    let may_enter = may(actor.role, Right::RecordCampaignResult);
    html! {
        section.card {
            h2 { (lang.t("登记的成果", "Entered results")) " (" (rows.len()) ")" }
            @if rows.is_empty() { p.muted { (lang.t("本期间尚无登记。", "Nothing entered for this period.")) } }
            @else {
                div.scroll { table {
                    thead { tr {
                        th { (lang.t("日期", "Day")) } th { (lang.t("类别", "Kind")) } th { (lang.t("单位", "Unit")) }
                        th { (lang.t("名称", "Title")) } th { (lang.t("文号/出处", "Reference")) } th { (lang.t("登记人", "Entered by")) } th {}
                    } }
                    tbody { @for r in rows {
                        tr.withdrawn[r.withdrawn_reason.is_some()] {
                            td { (r.happened_on) }
                            td { (Tally::from_code(&r.tally).map_or(r.tally.as_str(), |t| t.short(zh))) }
                            td { @if r.township.is_empty() { (lang.t("县级", "County")) } @else { (r.township) } }
                            td { (r.title) @if let Some(c) = r.case_id { " " a href={"/cases/" (c)} { (lang.t("案件", "case")) } } }
                            td { (r.reference) }
                            td { (r.recorded_by) }
                            td {
                                @if let Some(why) = &r.withdrawn_reason {
                                    span.muted { (lang.t("已撤回：", "Withdrawn: ")) (why) }
                                } @else if may_enter && (actor.role != Role::Township || r.township_id.map(Scope::Township) == Some(actor.scope)) {
                                    form.inline method="post" action={"/scoreboard/results/" (r.id) "/withdraw"} {
                                        input type="hidden" name="from" value=(p.from);
                                        input type="hidden" name="to" value=(p.to);
                                        input type="text" name="reason" required placeholder=(lang.t("撤回原因", "Why withdraw")) aria-label=(lang.t("撤回原因", "Why withdraw"));
                                        button.secondary type="submit" { (lang.t("撤回", "Withdraw")) }
                                    }
                                }
                            }
                        }
                    } }
                } }
            }
        }
    }
}

async fn page_markup(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    q: &Fields,
    notice: Option<&str>,
    form_error: Option<(&Fields, &str)>,
) -> Result<Markup, WebError> {
    let (p, all) = period_of(state, actor, q, lang).await?;
    let board = state.store.scoreboard(actor, p.from, p.to).await?;
    let rows = state.store.campaign_results(actor, p.from, p.to).await?;
    let townships = state.store.townships(actor.county_id).await?;
    let empty = Fields::default();
    let (typed, error) = form_error.map_or((&empty, None), |(f, e)| (f, Some(e)));
    let body = html! {
        @if let Some(m) = notice { div.ok role="status" { (m) } }
        h1 { (lang.t("“八个一批”工作成效", "The eight tallies (八个一批)")) }
        (picker("/scoreboard", &p, &all, lang, html! {
            a.button.secondary href={"/scoreboard.xlsx?" (period_query(&p))} { (lang.t("导出Excel", "Export .xlsx")) }
        }))
        p.muted { (p.name) "：" (p.from) (lang.t(" 至 ", " to ")) (p.to) (lang.t("；统计截至 ", "; counted to ")) (state.clock.today()) }
        (board_table(&p, &board, lang))
        @if may(actor.role, Right::RecordCampaignResult) {
            (register_form(actor, &townships, &p, typed, error, lang))
        }
        (register_list(actor, &rows, &p, lang))
    };
    Ok(layout(
        lang,
        lang.t("八个一批", "Eight tallies"),
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
    let notice = q.get("ok").cloned();
    Ok(
        page_markup(&state, &actor, lang, &q, notice.as_deref(), None)
            .await?
            .into_response(),
    )
}

/// The cases or entries behind one count.
async fn count_page(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Query(q): Query<Fields>,
) -> PageResult {
    let zh = lang.is_zh();
    let (p, _) = period_of(&state, &actor, &q, lang).await?;
    let tally = q
        .get("tally")
        .and_then(|t| Tally::from_code(t))
        .ok_or_else(|| WebError::field("tally", "没有这一项", "no such tally"))?;
    let board = state.store.scoreboard(&actor, p.from, p.to).await?;
    let key = q.get("line").map_or("", String::as_str);
    let line = board
        .lines
        .iter()
        .find(|l| line_key(l) == key)
        .ok_or(WebError::NoRoute)?;
    let counted = line.tally(tally).ok_or(WebError::NoRoute)?;
    let body = html! {
        p { a href={"/scoreboard?" (period_query(&p))} { "‹ " (lang.t("八个一批", "Eight tallies")) } }
        h1 { (line.name) " · " (tally.short(zh)) " · " (counted.count()) }
        p.muted { (tally.rule()) "。" (p.from) (lang.t(" 至 ", " to ")) (p.to) }
        @if !counted.cases.is_empty() {
            ul { @for c in &counted.cases { li { a href={"/cases/" (c.id)} { (c.number) } } } }
        }
        @if !counted.records.is_empty() {
            ul { @for r in &counted.records { li { (r.on) " " (r.title) } } }
        }
    };
    Ok(layout(
        lang,
        lang.t("八个一批", "Eight tallies"),
        Some(&actor),
        body,
    )
    .into_response())
}

/// The form's fields as a new entry; a case number is looked up in the reader's sight.
async fn new_result(
    state: &AppState,
    actor: &Actor,
    f: &Fields,
) -> Result<NewCampaignResult, (String, String)> {
    let get = |k: &str| f.get(k).map_or("", |s| s.trim());
    let happened_on = if get("happened_on").is_empty() {
        None
    } else {
        Some(day(get("happened_on")).ok_or_else(|| {
            (
                format!("日期应写作 2026-05-10，而不是“{}”", get("happened_on")),
                format!("a day is written 2026-05-10, not '{}'", get("happened_on")),
            )
        })?)
    };
    let township_id = if get("township").is_empty() {
        None
    } else {
        Some(
            get("township")
                .parse::<i64>()
                .map_err(|_| ("请选择所属单位".to_string(), "choose the unit".to_string()))?,
        )
    };
    let case_id = if get("case_number").is_empty() {
        None
    } else {
        Some(
            state
                .store
                .case_id_by_number(actor, get("case_number"))
                .await
                .map_err(|_| {
                    (
                        format!("找不到案件“{}”（或不在本单位辖区）", get("case_number")),
                        format!("no case '{}' in your sight", get("case_number")),
                    )
                })?
                .0,
        )
    };
    Ok(NewCampaignResult {
        tally: get("tally").to_string(),
        township_id,
        title: get("title").to_string(),
        happened_on,
        reference: get("reference").to_string(),
        case_id,
        note: get("note").to_string(),
    })
}

fn refusal_words(e: &StoreError) -> Option<(String, String)> {
    let StoreError::Invalid { field, reason } = e else {
        return None;
    };
    let zh = match *field {
        "tally" => "请选择类别：典型案例曝光、先进典型推广或制度成果出台".to_string(),
        "title" => "请填写名称".to_string(),
        "happened_on" if reason.contains("not come") => "日期不能晚于今天".to_string(),
        "happened_on" => "请填写日期".to_string(),
        "case_id" => "该案件属于其他乡镇".to_string(),
        "township" => "没有这个乡镇".to_string(),
        _ => format!(
            "“{}”不符合要求：{reason}",
            minewatch_core::ledger::case::field_label(field)
        ),
    };
    Some((zh, format!("field '{field}': {reason}")))
}

async fn record(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Form(f): Form<Fields>,
) -> PageResult {
    let refused = async |zh: &str, en: &str| -> PageResult {
        let m = page_markup(&state, &actor, lang, &f, None, Some((&f, lang.t(zh, en)))).await?;
        Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, m).into_response())
    };
    let r = match new_result(&state, &actor, &f).await {
        Ok(r) => r,
        Err((zh, en)) => return refused(&zh, &en).await,
    };
    match state
        .store
        .record_campaign_result(&actor, &r, state.clock.now())
        .await
    {
        Ok(_) => Ok(notice_redirect(
            &format!(
                "/scoreboard?from={}&to={}",
                f.get("from").map_or("", String::as_str),
                f.get("to").map_or("", String::as_str)
            ),
            lang.t("已登记。", "Entered."),
        )),
        Err(e) => match refusal_words(&e) {
            Some((zh, en)) => refused(&zh, &en).await,
            None => Err(WebError::from(e).into()),
        },
    }
}

async fn withdraw(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> PageResult {
    let back = format!(
        "/scoreboard?from={}&to={}",
        f.get("from").map_or("", String::as_str),
        f.get("to").map_or("", String::as_str)
    );
    match state
        .store
        .withdraw_campaign_result(
            &actor,
            id,
            f.get("reason").map_or("", String::as_str),
            state.clock.now(),
        )
        .await
    {
        Ok(()) => Ok(notice_redirect(&back, lang.t("已撤回。", "Withdrawn."))),
        Err(StoreError::Invalid {
            field: "reason", ..
        }) => Ok(notice_redirect(
            &back,
            lang.t("撤回需填写原因。", "Say why it is withdrawn."),
        )),
        Err(e) => Err(WebError::from(e).into()),
    }
}

async fn workbook(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Query(q): Query<Fields>,
) -> PageResult {
    let (p, _) = period_of(&state, &actor, &q, lang).await?;
    let board = state.store.scoreboard(&actor, p.from, p.to).await?;
    let (_, county) = state.store.county(actor.county_id).await?;
    let head = xlsx::Head {
        title: if lang.is_zh() {
            format!("{county}打击非法采矿专项行动“八个一批”统计表")
        } else {
            format!("{county}: the eight tallies of the campaign")
        },
        period: p.name.clone(),
        as_of: state.clock.today(),
    };
    let bytes = crate::export::off_thread(move || xlsx::scoreboard(&board, &head, lang)).await?;
    Ok(crate::export::xlsx_file(
        bytes,
        &format!("scoreboard-{}-{}.xlsx", p.from, p.to),
    ))
}

/// The period of an API call.
#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct PeriodQuery {
    /// First day, as 2026-03-16.
    from: NaiveDate,
    /// Last day, as 2026-10-31.
    to: NaiveDate,
}

#[utoipa::path(get, path = "/scoreboard", tag = "scoreboard",
    summary = "The eight tallies (八个一批) per township for a period, each with the cases or register entries it counts",
    params(PeriodQuery),
    responses(
        (status = 200, body = Scoreboard),
        (status = 403, body = crate::json::ErrorBody, description = "this role reads no scoreboard"),
        (status = 422, body = crate::json::ErrorBody, description = "a day not written as 2026-03-16, or the period ends before it begins"),
    ))]
async fn api_scoreboard(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Query(q): Query<PeriodQuery>,
) -> ApiResult<Json<Scoreboard>> {
    Ok(Json(state.store.scoreboard(&actor, q.from, q.to).await?))
}

#[utoipa::path(get, path = "/campaign-results", tag = "scoreboard",
    summary = "The register of campaign results dated in a period, withdrawn ones marked",
    params(PeriodQuery),
    responses((status = 200, body = Vec<CampaignResultRow>)))]
async fn api_results(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Query(q): Query<PeriodQuery>,
) -> ApiResult<Json<Vec<CampaignResultRow>>> {
    Ok(Json(
        state.store.campaign_results(&actor, q.from, q.to).await?,
    ))
}

#[utoipa::path(post, path = "/campaign-results", tag = "scoreboard",
    summary = "Enter a typical case exposed, a model promoted or rules issued",
    request_body = NewCampaignResult,
    responses(
        (status = 201, body = crate::json::Created),
        (status = 403, body = crate::json::ErrorBody, description = "this role enters no results, or not for that township"),
        (status = 404, body = crate::json::ErrorBody, description = "the case is out of sight"),
        (status = 422, body = crate::json::ErrorBody, description = "not one of the three, no title, no day or a day to come"),
    ))]
async fn api_record(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiJson(r): ApiJson<NewCampaignResult>,
) -> ApiResult<(axum::http::StatusCode, Json<crate::json::Created>)> {
    let id = state
        .store
        .record_campaign_result(&actor, &r, state.clock.now())
        .await?;
    Ok(crate::json::created(id))
}

/// Why an entry is withdrawn.
#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct Withdrawal {
    reason: String,
}

#[utoipa::path(post, path = "/campaign-results/{id}/withdraw", tag = "scoreboard",
    summary = "Withdraw an entry made in error; it stays, marked, and counts no more",
    params(("id" = i64, Path, description = "entry id")),
    request_body = Withdrawal,
    responses(
        (status = 204, description = "withdrawn"),
        (status = 403, body = crate::json::ErrorBody, description = "this role enters no results"),
        (status = 404, body = crate::json::ErrorBody, description = "no such entry in your sight"),
        (status = 422, body = crate::json::ErrorBody, description = "no reason, or already withdrawn"),
    ))]
async fn api_withdraw(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<i64>,
    ApiJson(w): ApiJson<Withdrawal>,
) -> ApiResult<axum::http::StatusCode> {
    state
        .store
        .withdraw_campaign_result(&actor, id, &w.reason, state.clock.now())
        .await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
