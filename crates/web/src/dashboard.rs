//! The dashboard: counts by township and status, totals, and the overdue list.

use crate::AppState;
use crate::auth::ApiUser;
use crate::auth::PageUser;
use crate::chart::{Bar, Column, bars, columns};
use crate::i18n::Lang;
use crate::pages::{PageResult, layout, money};
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use maud::html;
use minewatch_core::{CaseStatus, Scope, SourceGroup};

/// How many to-dos the dashboard shows before "all to-dos".
const TODO_ON_DASHBOARD: usize = 8;

/// Reporting weeks in the trend of clues: a quarter.
const TREND_WEEKS: u32 = 12;

/// Clues by source group, week by week.
fn trend_chart(weeks: &[minewatch_store::ClueWeek], lang: Lang) -> maud::Markup {
    let zh = lang.is_zh();
    let series: Vec<&str> = SourceGroup::ALL.iter().map(|g| g.label(zh)).collect();
    let cols: Vec<Column> = weeks
        .iter()
        .map(|w| Column {
            label: w.friday.format("%m-%d").to_string(),
            values: SourceGroup::ALL
                .iter()
                .map(|g| {
                    w.by_source
                        .iter()
                        .filter(|(s, _)| SourceGroup::of(*s) == *g)
                        .map(|(_, n)| n)
                        .sum()
                })
                .collect(),
            href: None,
        })
        .collect();
    columns(
        lang.t(
            "近12周线索来源（按周五结束的调度周）",
            "Clues by source, last 12 weeks (weeks end on Friday)",
        ),
        &series,
        &cols,
    )
}

/// Cases by status, each bar opening the ledger at that status.
fn status_chart(d: &minewatch_store::Dashboard, lang: Lang) -> maud::Markup {
    let zh = lang.is_zh();
    let rows: Vec<Bar<'_>> = CaseStatus::ALL
        .iter()
        .map(|s| Bar {
            label: s.label(zh),
            value: d
                .by_status
                .iter()
                .find(|(c, _)| c == s.code())
                .map_or(0, |(_, n)| *n),
            warn: false,
            href: Some(format!("/ledger?status={}", s.code())),
        })
        .collect();
    bars(lang.t("各状态问题数", "Cases by status"), &rows)
}

/// Overdue cases by township, worst first, each bar opening those cases.
fn overdue_chart(d: &minewatch_store::Dashboard, lang: Lang) -> maud::Markup {
    let mut towns: Vec<&minewatch_store::TownshipCounts> = d.by_township.iter().collect();
    towns.sort_by_key(|t| std::cmp::Reverse(t.overdue));
    let rows: Vec<Bar<'_>> = towns
        .iter()
        .map(|t| Bar {
            label: &t.township,
            value: t.overdue,
            warn: t.overdue > 0,
            href: Some(format!("/ledger?overdue=1&township={}", t.township_id)),
        })
        .collect();
    bars(lang.t("各乡镇逾期未办结", "Overdue by township"), &rows)
}

pub async fn page(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
) -> PageResult {
    if actor.scope == Scope::OwnCluesOnly {
        return Ok(Redirect::to("/clues/mine").into_response());
    }
    let zh = lang.is_zh();
    let d = state.store.dashboard(&actor, state.clock.today()).await?;
    // The ground's figures for the last seven finished days (R16, R17, R19).
    let today = state.clock.today();
    let ground_from = today - chrono::Duration::days(7);
    let compliance = state
        .store
        .compliance(
            &actor,
            ground_from,
            today - chrono::Duration::days(1),
            today,
        )
        .await
        .ok()
        .filter(|c| !c.townships.is_empty());
    let leads_open = state
        .store
        .leads(&actor, None)
        .await
        .map(|l| l.iter().filter(|x| x.conclusion.is_empty()).count())
        .ok();
    // Rewards for those who handle them (R4).
    let rewards = state.store.reward_totals(&actor).await.ok();
    // What the user must do comes before the county's figures.
    let todo = state.store.todo(&actor, state.clock.now()).await?;
    let unread = state.store.unread_notifications(&actor).await?;
    let trend = state
        .store
        .clue_trend(&actor, TREND_WEEKS, state.clock.now())
        .await?;
    let max_open = d
        .by_township
        .iter()
        .map(|t| t.open)
        .max()
        .unwrap_or(1)
        .max(1);
    let body = html! {
        h1 { (lang.t("总览", "Dashboard")) " · " (state.clock.today()) }
        section.card.todo-card {
            h2 { a href="/todo" { (lang.t("我的待办", "My to-do")) } " (" (todo.len()) ")" }
            (crate::todo::list_markup(&todo, today, lang, Some(TODO_ON_DASHBOARD)))
        }
        div.tiles {
            @if unread > 0 {
                a.tile.warn href="/notifications" { strong { (unread) } span { (lang.t("未读提醒", "Unread notices")) } }
            }
            a.tile href="/ledger" { strong { (d.total) } span { (lang.t("问题总数", "Problems")) } }
            a.tile href="/ledger?open=1" { strong { (d.open) } span { (lang.t("未办结", "Open")) } }
            a.tile.warn href="/ledger?overdue=1" { strong { (d.overdue) } span { (lang.t("已逾期", "Overdue")) } }
            a.tile href="/ledger?status=closed" { strong { (d.closed) } span { (lang.t("已销号", "Closed")) } }
            div.tile { strong { (money(d.fine_fen + d.confiscation_fen, lang)) } span { (lang.t("罚没金额", "Fines & confiscations")) } }
            @if let Some(c) = &compliance {
                a.tile.warn[c.townships.iter().any(|t| t.missing > 0)] href="/daily" {
                    strong { (c.townships.iter().map(|t| t.missing).sum::<i64>()) }
                    span { (lang.t("近7天零报告未报(网格·天)", "Daily reports missing, last 7 days")) } }
            }
            @if let Some(r) = rewards {
                a.tile href="/rewards" { strong { (money(r.due_fen, lang)) " / " (money(r.approved_fen, lang)) " / " (money(r.paid_fen, lang)) }
                    span { (lang.t("举报奖励 待核定/已核定/已发放", "Rewards due / approved / paid")) } }
            }
            @if let Some(n) = leads_open {
                a.tile.warn[n > 0] href="/leads" { strong { (n) } span { (lang.t("待结论问责线索", "Open accountability leads")) } }
            }
        }
        section.card.charts {
            h2 { (lang.t("趋势与分布", "Trends")) }
            div.chart-grid {
                figure { (trend_chart(&trend, lang)) figcaption { (lang.t("近12周线索来源", "Clues by source, 12 weeks")) } }
                figure { (status_chart(&d, lang)) figcaption { (lang.t("各状态问题数（点击查看）", "Cases by status (click to open)")) } }
                @if d.by_township.len() > 1 {
                    figure { (overdue_chart(&d, lang)) figcaption { (lang.t("各乡镇逾期未办结（点击查看）", "Overdue by township (click to open)")) } }
                }
            }
        }
        @if let Some(c) = &compliance {
            section.card.ground {
                h2 { (lang.t("巡查履职（近7天）", "Patrol duty (last 7 days)")) " "
                    a href={"/compliance.xlsx?from=" (c.from) "&to=" (c.to)} { (lang.t("导出 Excel", "Export .xlsx")) } " · "
                    a href="/duty" { (lang.t("巡查日历", "Duty calendar")) } " · "
                    a href="/coverage" { (lang.t("覆盖率", "Coverage")) } }
                (crate::patrol::duty::compliance_table(lang, c, false))
            }
        }
        section.card {
            h2 { (lang.t("各乡镇(街道)情况", "By township")) }
            div.scroll { table {
                thead { tr {
                    th { (lang.t("乡镇(街道)", "Township")) }
                    @for s in CaseStatus::ALL { th { (s.label(zh)) } }
                    th { (lang.t("逾期", "Overdue")) }
                    th { (lang.t("未办结", "Open")) }
                } }
                tbody {
                    @for t in &d.by_township {
                        tr {
                            td { a href=(format!("/ledger?township={}", t.township_id)) { (t.township) } }
                            @for s in CaseStatus::ALL {
                                td.num { (t.by_status.iter().find(|(c, _)| c == s.code()).map_or(0, |(_, n)| *n)) }
                            }
                            td.num.warn { (t.overdue) }
                            td { div.bar style=(format!("width:{}%", t.open * 100 / max_open)) { (t.open) } }
                        }
                    }
                }
            } }
        }
        section.card {
            h2 { (lang.t("逾期清单", "Overdue")) }
            @if d.overdue_list.is_empty() { p { (lang.t("没有逾期事项。", "Nothing is overdue.")) } }
            @else {
                div.scroll { table {
                    thead { tr { th { (lang.t("案件编号", "Case")) } th { (lang.t("乡镇(街道)", "Township")) } th { (lang.t("状态", "Status")) } th { (lang.t("时限", "Due")) } th { (lang.t("逾期天数", "Days over")) } th { (lang.t("已升级", "Escalated")) } } }
                    tbody { @for o in &d.overdue_list {
                        tr.overdue {
                            td { a href=(format!("/cases/{}", o.id)) { (o.number) } }
                            td { (o.township) }
                            td { (CaseStatus::from_code(&o.status).map_or(o.status.as_str(), |s| s.label(zh))) }
                            td { (o.due_on) }
                            td.num { (o.days_overdue) }
                            td { @if o.escalated { (lang.t("已升级至县办", "to county office")) } }
                        }
                    } }
                } }
            }
        }
    };
    Ok(layout(lang, lang.t("总览", "Dashboard"), Some(&actor), body).into_response())
}

/// The county overview over `/api/v1`.
pub(crate) fn api_routes() -> utoipa_axum::router::OpenApiRouter<AppState> {
    utoipa_axum::router::OpenApiRouter::new()
        .routes(utoipa_axum::routes!(dashboard))
        .routes(utoipa_axum::routes!(trend))
}

#[utoipa::path(get, path = "/dashboard", tag = "ledger",
    summary = "Counts by township and status, totals, overdue list",
    responses((status = 200, body = minewatch_store::Dashboard)))]
async fn dashboard(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
) -> crate::json::ApiResult<Json<minewatch_store::Dashboard>> {
    Ok(Json(
        state.store.dashboard(&actor, state.clock.today()).await?,
    ))
}

#[utoipa::path(get, path = "/dashboard/trend", tag = "ledger",
    summary = "Clues by source for each of the last 12 reporting weeks (Saturday to Friday), oldest first",
    description = "Read in the caller's scope; a week without clues is listed with none.",
    responses((status = 200, body = Vec<minewatch_store::ClueWeek>)))]
async fn trend(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
) -> crate::json::ApiResult<Json<Vec<minewatch_store::ClueWeek>>> {
    Ok(Json(
        state
            .store
            .clue_trend(&actor, TREND_WEEKS, state.clock.now())
            .await?,
    ))
}
