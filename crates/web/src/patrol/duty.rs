//! 巡查日历 and compliance (R16, R17, R19): what each unit owes and what is late, the
//! county's duty settings, and the figures per township and village with their export.

use axum::extract::{Form, Query, State};
use axum::response::IntoResponse;
use chrono::Duration;
use maud::{Markup, html};
use minewatch_core::clock::local_date;
use minewatch_core::patrol::duty::{Cycle, DutyCycles, DutySettings};
use minewatch_store::{Actor, Compliance};

use super::daily::parse_day;
use crate::AppState;
use crate::auth::PageUser;
use crate::error::WebError;
use crate::forms::Fields;
use crate::i18n::Lang;
use crate::pages::{PageResult, is_office, layout, notice_redirect};

fn cycle_label(c: Cycle, zh: bool) -> &'static str {
    if zh { c.label_zh() } else { c.code() }
}

const CYCLES: [Cycle; 4] = [
    Cycle::Daily,
    Cycle::Weekly,
    Cycle::Monthly,
    Cycle::Quarterly,
];

pub(crate) fn compliance_table(lang: Lang, c: &Compliance, villages: bool) -> Markup {
    let list = if villages { &c.villages } else { &c.townships };
    let pct = |x: Option<f64>| x.map_or_else(|| "—".to_string(), |v| format!("{:.0}%", v * 100.0));
    html! {
        div.scroll { table.compliance {
            thead { tr {
                th { (lang.t("乡镇", "Township")) } @if villages { th { (lang.t("村", "Village")) } }
                th { (lang.t("应报", "Due")) } th { (lang.t("已报", "Filed")) } th { (lang.t("补报", "Late")) } th { (lang.t("未报", "Missing")) }
                th { (lang.t("本级巡查", "Own patrols")) } @if !villages { th { (lang.t("全域巡查", "Full cover")) } }
                th { (lang.t("区域覆盖", "Coverage")) } th { (lang.t("夜间覆盖", "Night")) }
            } }
            tbody { @for u in list {
                tr.overdue[u.missing > 0 || !u.duty_met()] {
                    td { (u.township) } @if villages { td { (u.village) } }
                    td.num { (u.reports_due) } td.num { (u.filed) } td.num { (u.late) }
                    td.num.warn[u.missing > 0] { (u.missing) }
                    td.num.warn[u.patrol_met < u.patrol_owed] { (u.patrol_met) "/" (u.patrol_owed) }
                    @if !villages { td.num.warn[u.full_cover_met < u.full_cover_owed] { (u.full_cover_met) "/" (u.full_cover_owed) } }
                    td.num { (pct(u.coverage_any)) } td.num { (pct(u.coverage_night)) }
                }
            } }
        } }
    }
}

async fn page_markup(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    q: &Fields,
) -> Result<Markup, WebError> {
    let zh = lang.is_zh();
    let today = local_date(state.clock.now());
    let lines = state.store.duty_calendar(actor, today).await?;
    let settings = state.store.duty_settings(actor.county_id, today).await?;
    let township: Option<i64> = q.get("township").and_then(|t| t.parse().ok());
    let townships = state.store.townships(actor.county_id).await?;
    let shown: Vec<_> = lines
        .iter()
        .filter(|l| township.is_none() || l.township_id.is_none() || l.township_id == township)
        .collect();
    let from = today - Duration::days(27);
    let compliance = state.store.compliance(actor, from, today, today).await?;
    let late_total: usize = lines.iter().map(minewatch_store::DutyLine::late).sum();
    let body = html! {
        h1 { (lang.t("巡查日历", "Patrol duty calendar")) }
        @if let Some(m) = q.get("ok") { div.ok role="status" { (m) } }
        p { (lang.t("县级", "County ")) (cycle_label(settings.cycles.county, zh)) (lang.t("巡查，乡镇", " patrols, townships ")) (cycle_label(settings.cycles.township, zh))
            (lang.t("排查并", " and every village ")) (cycle_label(settings.cycles.township_full_cover, zh)) (lang.t("全域巡查，村级", "; villages ")) (cycle_label(settings.cycles.village, zh))
            (lang.t("排查，网格每日零报告（自 ", "; grids report daily (from ")) (settings.reports_from) (lang.t(" 起）。", ")."))
            " " span.tag.warn[late_total > 0] { (lang.t("未完成期数：", "Periods missed: ")) (late_total) } }
        @if minewatch_core::rights::sees_county(actor.role) {
            form.filters method="get" action="/duty" {
                label { (lang.t("乡镇", "Township")) select name="township" {
                    option value="" { (lang.t("全部", "All")) }
                    @for t in &townships { option value=(t.id) selected[township == Some(t.id)] { (t.name) } } } }
                button type="submit" { (lang.t("查看", "Show")) }
            }
        }
        div.scroll { table.calendar {
            thead { tr { th { (lang.t("单位", "Unit")) } th { (lang.t("职责", "Duty")) }
                th colspan=(minewatch_store::CALENDAR_PERIODS) { (lang.t("各期（本期在前）", "Periods (current first)")) } } }
            tbody { @for l in &shown {
                tr data-duty=(format!("{:?}", l.duty)) {
                    td.unit { (l.unit) } td.unit { (l.duty.label(zh)) br; span.muted { (cycle_label(l.cycle, zh)) } }
                    @for p in l.periods.iter().rev().filter(|p| p.state != minewatch_store::PeriodState::NotDue) {
                        td class={"period period-" (p.state.code())} title={(p.start) " — " (p.end)} {
                            (p.start.format("%m-%d")) br; (p.state.label(zh)) }
                    }
                }
            } }
        } }
        h2 { (lang.t("履职统计（近四周）", "Compliance (last four weeks)")) " " a href={"/compliance.xlsx?from=" (from) "&to=" (today)} { (lang.t("导出 Excel", "Export .xlsx")) } }
        (compliance_table(lang, &compliance, false))
        details.step { summary { (lang.t("各村", "Villages")) } (compliance_table(lang, &compliance, true)) }
        @if is_office(actor) {
            section.card {
                h2 { (lang.t("巡查职责设置", "Duty settings")) }
                form method="post" action="/duty/settings" {
                    @for (name, label, value) in [("county", lang.t("县级巡查", "County patrol"), settings.cycles.county), ("township", lang.t("乡镇排查", "Township patrol"), settings.cycles.township), ("township_full_cover", lang.t("乡镇全域巡查", "Township full cover"), settings.cycles.township_full_cover), ("village", lang.t("村级排查", "Village patrol"), settings.cycles.village)] {
                        label { (label) select name=(name) { @for c in CYCLES { option value=(c.code()) selected[c == value] { (cycle_label(c, zh)) } } } }
                    }
                    label { (lang.t("零报告起始日", "Daily reports owed from")) input type="date" name="reports_from" value=(settings.reports_from); }
                    label { (lang.t("连续未报几天升级", "Escalate after days missed in a row")) input type="number" name="escalate_after" min="1" max="60" value=(settings.escalate_after); }
                    label { (lang.t("覆盖距离(米)", "Coverage distance (m)")) input type="number" name="coverage_m" min="10" max="5000" value=(settings.coverage_m); }
                    label { (lang.t("应发现未发现回溯天数", "Should-have-found look-back (days)")) input type="number" name="lookback_days" min="1" max="90" value=(settings.lookback_days); }
                    label { (lang.t("轨迹经过距离(米)", "Track passing within (m)")) input type="number" name="near_m" min="10" max="5000" value=(settings.near_m); }
                    label.check { input type="checkbox" name="proxy_signing" checked[settings.proxy_signing]; " " (lang.t("允许代签（巡查记录由他人账号代为签字时，记录并显示为“代签”）", "Allow proxy signing (a patrol record signed from another account is recorded and shown as signed on behalf)")) }
                    button type="submit" { (lang.t("保存", "Save")) }
                }
            }
        }
    };
    Ok(layout(
        lang,
        lang.t("巡查日历", "Duty calendar"),
        Some(actor),
        body,
    ))
}

pub async fn page(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Query(q): Query<Fields>,
) -> PageResult {
    Ok(page_markup(&state, &actor, lang, &q).await?.into_response())
}

pub(crate) fn settings_of(f: &Fields) -> Result<DutySettings, WebError> {
    let cycle = |name: &'static str| {
        f.get(name)
            .and_then(|c| Cycle::from_code(c))
            .ok_or_else(|| WebError::field(name, "必须选择", "is required"))
    };
    let num = |name: &'static str| -> Result<f64, WebError> {
        f.get(name)
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|v| v.is_finite() && *v >= 0.0)
            .ok_or_else(|| WebError::field(name, "应为数字", "must be a number"))
    };
    let whole = |name: &'static str| -> Result<u32, WebError> {
        f.get(name)
            .and_then(|v| v.trim().parse::<u32>().ok())
            .ok_or_else(|| WebError::field(name, "应为整数", "must be a whole number"))
    };
    Ok(DutySettings {
        cycles: DutyCycles {
            county: cycle("county")?,
            township: cycle("township")?,
            township_full_cover: cycle("township_full_cover")?,
            village: cycle("village")?,
            grid_report: Cycle::Daily,
        },
        reports_from: parse_day(f, "reports_from")?
            .ok_or_else(|| WebError::field("reports_from", "必须填写", "is required"))?,
        escalate_after: whole("escalate_after")?,
        coverage_m: num("coverage_m")?,
        lookback_days: whole("lookback_days")?,
        near_m: num("near_m")?,
        proxy_signing: f
            .get("proxy_signing")
            .is_some_and(|v| v == "on" || v == "1"),
    })
}

pub async fn save_settings(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Form(f): Form<Fields>,
) -> PageResult {
    let s = settings_of(&f)?;
    state
        .store
        .set_duty_settings(&actor, &s, state.clock.now())
        .await?;
    Ok(notice_redirect("/duty", lang.t("已保存", "Saved")))
}

pub async fn xlsx(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Query(q): Query<Fields>,
) -> PageResult {
    let today = local_date(state.clock.now());
    let to = parse_day(&q, "to")?.unwrap_or(today);
    let from = parse_day(&q, "from")?.unwrap_or(to - Duration::days(6));
    let c = state.store.compliance(&actor, from, to, today).await?;
    let bytes =
        crate::export::off_thread(move || crate::export::compliance_workbook(&c, lang)).await?;
    Ok(crate::export::xlsx_file(
        bytes,
        &format!("compliance-{from}-{to}.xlsx"),
    ))
}
