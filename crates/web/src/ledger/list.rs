//! The ledger page: filters, paging, and the same rows as .xlsx.

use crate::AppState;
use crate::auth::PageUser;
use crate::forms::{self, Fields, url_encode};
use crate::i18n::Lang;
use crate::pages::{PageResult, layout};
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use maud::html;
use minewatch_core::{CaseStatus, ClueSource, ProblemKind, Severity};

const PER_PAGE: u32 = 50;

pub(crate) fn query_string(q: &Fields, page: Option<u32>) -> String {
    let mut pairs: Vec<(String, String)> = q
        .iter()
        .filter(|(k, v)| *k != "page" && !v.is_empty())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    pairs.sort();
    if let Some(p) = page {
        pairs.push(("page".into(), p.to_string()));
    }
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", url_encode(k), url_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

pub async fn page(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Query(q): Query<Fields>,
) -> PageResult {
    let zh = lang.is_zh();
    let filter = forms::case_filter(&q)?;
    let page = forms::page(&q)?;
    let today = state.clock.today();
    let (rows, total) = state
        .store
        .list_cases(&actor, &filter, today, page, PER_PAGE)
        .await?;
    let townships = state
        .store
        .townships(actor.county_id)
        .await
        .unwrap_or_default();
    let villages = state
        .store
        .villages(actor.county_id, filter.township_id)
        .await
        .unwrap_or_default();
    let pages = u32::try_from((total + i64::from(PER_PAGE) - 1) / i64::from(PER_PAGE))
        .unwrap_or(1)
        .max(1);
    let sel = |name: &str, value: &str| q.get(name).is_some_and(|v| v == value);
    let body = html! {
        h1 { (lang.t("问题台账", "Ledger")) }
        form.filters method="get" action="/ledger" {
            select name="township" aria-label=(lang.t("乡镇(街道)", "Township")) {
                option value="" { (lang.t("全部乡镇", "All townships")) }
                @for t in &townships { option value=(t.id) selected[sel("township", &t.id.to_string())] { (t.name) } }
            }
            select name="village" aria-label=(lang.t("村(社区)", "Village")) {
                option value="" { (lang.t("全部村", "All villages")) }
                @for v in &villages { option value=(v.id) selected[sel("village", &v.id.to_string())] { (v.name) } }
            }
            select name="status" aria-label=(lang.t("状态", "Status")) {
                option value="" { (lang.t("全部状态", "All statuses")) }
                @for s in CaseStatus::ALL { option value=(s.code()) selected[sel("status", s.code())] { (s.label(zh)) } }
            }
            select name="source" aria-label=(lang.t("来源", "Source")) {
                option value="" { (lang.t("全部来源", "All sources")) }
                @for s in ClueSource::ALL { option value=(s.code()) selected[sel("source", s.code())] { (s.label(zh)) } }
            }
            select name="kind" aria-label=(lang.t("问题类型", "Kind")) {
                option value="" { (lang.t("全部类型", "All kinds")) }
                @for k in ProblemKind::ALL { option value=(k.code()) selected[sel("kind", k.code())] { (k.label(zh)) } }
            }
            select name="severity" aria-label=(lang.t("等级", "Severity")) {
                option value="" { (lang.t("全部等级", "All")) }
                @for s in [Severity::Key, Severity::General] { option value=(s.code()) selected[sel("severity", s.code())] { (s.label(zh)) } }
            }
            label.check { input type="checkbox" name="open" value="1" checked[filter.open]; (lang.t("仅未办结", "Open only")) }
            label.check { input type="checkbox" name="overdue" value="1" checked[filter.overdue]; (lang.t("仅逾期", "Overdue only")) }
            input type="search" name="q" value=(q.get("q").map_or("", String::as_str)) placeholder=(lang.t("编号/地址/描述", "Number / address / finding"));
            button type="submit" { (lang.t("筛选", "Filter")) }
            a.button.secondary id="export" href=(format!("/ledger.xlsx?{}", query_string(&q, None))) { (lang.t("导出Excel", "Export .xlsx")) }
            a.button.secondary id="print" href=(format!("/ledger/print?{}", query_string(&q, None))) { (lang.t("打印台账", "Print the ledger")) }
        }
        p.count { (lang.t("共", "")) (total) (lang.t(" 条", " cases")) }
        div.scroll { table.ledger {
            thead { tr {
                th { (lang.t("案件编号", "Case")) } th { (lang.t("乡镇/村", "Township / village")) } th { (lang.t("地址", "Address")) }
                th { (lang.t("问题类型", "Kind")) } th { (lang.t("来源", "Source")) } th { (lang.t("状态", "Status")) }
                th { (lang.t("牵头部门", "Lead")) } th { (lang.t("时限", "Due")) }
            } }
            tbody { @for c in &rows {
                tr.overdue[c.days_overdue > 0] {
                    td { a href=(format!("/cases/{}", c.id)) { (c.number) } @if c.severity == "key" { " " span.tag.key { (lang.t("重点", "key")) } } }
                    td { (c.township) " " (c.village) }
                    td { (c.address) }
                    td { (ProblemKind::from_code(&c.problem_kind).map_or(c.problem_kind.as_str(), |k| k.label(zh))) }
                    td { (ClueSource::from_code(&c.source).map_or(c.source.as_str(), |s| s.label(zh))) }
                    td { span.status { (CaseStatus::from_code(&c.status).map_or(c.status.as_str(), |s| s.label(zh))) } }
                    td { (c.lead_department) }
                    td { (c.due_on.as_deref().unwrap_or("")) @if c.days_overdue > 0 { " " span.tag.warn { (lang.t("逾期", "overdue ")) (c.days_overdue) (lang.t("天", "d")) } } }
                }
            } }
        } }
        @if pages > 1 {
            nav.pager {
                @if page > 1 { a href=(format!("/ledger?{}", query_string(&q, Some(page - 1)))) { "‹ " (lang.t("上一页", "Previous")) } }
                span { (page) " / " (pages) }
                @if page < pages { a href=(format!("/ledger?{}", query_string(&q, Some(page + 1)))) { (lang.t("下一页", "Next")) " ›" } }
            }
        }
    };
    Ok(layout(lang, lang.t("台账", "Ledger"), Some(&actor), body).into_response())
}

pub async fn xlsx(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Query(q): Query<Fields>,
) -> PageResult {
    let r = crate::ledger::api::xlsx_response(&state, &actor, &q, lang).await?;
    Ok(r)
}
