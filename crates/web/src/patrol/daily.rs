//! 每日零报告 (R17) on a phone: one tap for "nothing found", or a finding with photos and
//! position that becomes a clue; late reports for missed days. Townships and the county
//! office see the board: who did not report yesterday, runs of misses escalated.

use axum::extract::{Form, Multipart, Query, State};
use axum::response::{IntoResponse, Redirect};
use chrono::{Duration, NaiveDate};
use maud::{Markup, html};
use minewatch_core::clock::local_date;
use minewatch_core::{ProblemKind, Role, Severity};
use minewatch_store::{Actor, DayMark, GridDays, NewFinding, ReportBoard, ReportBody};

use crate::AppState;
use crate::auth::PageUser;
use crate::error::WebError;
use crate::forms::{Fields, url_encode};
use crate::i18n::Lang;
use crate::pages::{PageResult, layout, notice_redirect};

pub(crate) fn parse_day(f: &Fields, name: &'static str) -> Result<Option<NaiveDate>, WebError> {
    match f.get(name).map_or("", |s| s.trim()) {
        "" => Ok(None),
        t => NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| {
                WebError::field(name, "日期格式应为 年-月-日", "must be a date YYYY-MM-DD")
            }),
    }
}

pub(crate) fn parse_id(f: &Fields, name: &'static str) -> Result<i64, WebError> {
    f.get(name)
        .and_then(|s| s.trim().parse().ok())
        .ok_or_else(|| WebError::field(name, "必须选择", "is required"))
}

fn parse_float(f: &Fields, name: &'static str) -> Result<Option<f64>, WebError> {
    match f.get(name).map_or("", |s| s.trim()) {
        "" => Ok(None),
        t => t
            .parse::<f64>()
            .map(Some)
            .map_err(|_| WebError::field(name, "应为数字（度）", "must be a number of degrees")),
    }
}

/// A short mark for a board cell; the full label goes in its title.
fn symbol(m: DayMark) -> &'static str {
    match m {
        DayMark::NothingFound => "✓",
        DayMark::Findings => "发现",
        DayMark::LateNothingFound => "补",
        DayMark::LateFindings => "补!",
        DayMark::Missing => "✗",
        DayMark::Open => "…",
        DayMark::NotDue => "–",
    }
}

pub(crate) fn board_table(lang: Lang, board: &ReportBoard) -> Markup {
    let zh = lang.is_zh();
    let county = {
        let mut t: Vec<i64> = board.grids.iter().map(|g| g.place.township_id).collect();
        t.dedup();
        t.len() > 1
    };
    html! {
        div.scroll { table.board {
            thead { tr {
                @if county { th { (lang.t("乡镇", "Township")) } } th { (lang.t("村 · 网格", "Village · grid")) }
                @for (d, _) in board.grids.first().map_or(&[][..], |g| g.days.as_slice()) { th.day { (d.format("%m-%d")) } }
                th { (lang.t("连续未报", "Missed in a row")) }
            } }
            tbody { @for g in &board.grids {
                tr.escalated[g.escalated] {
                    @if county { td.unit { (g.place.township) } } td.unit { (g.place.village) br; span.muted { (g.place.grid) } }
                    @for (d, m) in &g.days {
                        td class={"mark mark-" (m.code())} title={(d) " " (m.label(zh))} { (symbol(*m)) }
                    }
                    td.num { (g.missed_in_a_row) @if g.escalated { " " span.tag.warn { (lang.t("已升级", "escalated")) } } }
                }
            } }
        } }
        p.legend-line { @for m in [DayMark::NothingFound, DayMark::Findings, DayMark::LateNothingFound, DayMark::Missing, DayMark::Open] {
            span class={"mark mark-" (m.code())} { (symbol(m)) } " " (m.label(zh)) "　"
        } }
    }
}

fn grid_panel(lang: Lang, g: &GridDays, today: NaiveDate, from: NaiveDate) -> Markup {
    let zh = lang.is_zh();
    let today_mark = g.days.iter().find(|(d, _)| *d == today).map(|(_, m)| *m);
    let missing: Vec<NaiveDate> = g
        .days
        .iter()
        .filter(|(_, m)| *m == DayMark::Missing)
        .map(|(d, _)| *d)
        .collect();
    let gid = g.place.grid_id;
    html! {
        section.card.report data-grid=(gid) {
            h2 { (g.place.grid) " · " (today.format("%Y-%m-%d")) }
            p.muted { (lang.t("直接责任人", "Directly responsible")) "：" (g.place.directly_responsible) "　" (lang.t("包村干部", "Cadre in charge")) "：" (g.place.village_cadre) }
            @match today_mark {
                Some(DayMark::NothingFound) => { div.ok role="status" { (lang.t("今日已报：无发现", "Reported today: nothing found")) } }
                Some(DayMark::Findings) => { div.ok role="status" { (lang.t("今日已报：有发现", "Reported today: findings")) } }
                _ => {
                    form method="post" action="/daily/nothing" {
                        input type="hidden" name="grid_id" value=(gid);
                        input type="hidden" name="date" value=(today);
                        button.big type="submit" { (lang.t("今日无发现 · 一键上报", "Nothing found today · report")) }
                    }
                }
            }
            details.step {
                summary { (lang.t("有发现？登记发现情况", "Found something? Report it")) }
                form method="post" action="/daily/finding" enctype="multipart/form-data" {
                    input type="hidden" name="grid_id" value=(gid);
                    label { (lang.t("日期", "Day")) select name="date" {
                        option value=(today) { (today) " " (lang.t("(今天)", "(today)")) }
                        @for d in missing.iter().rev() { option value=(d) { (d) " " (lang.t("(补报)", "(late)")) } }
                    } }
                    label { (lang.t("问题类型", "Kind")) select name="problem_kind" required {
                        @for k in ProblemKind::ALL { option value=(k.code()) { (k.label(zh)) } } } }
                    label { (lang.t("发现情况", "What was found")) textarea name="description" required {} }
                    label { (lang.t("地点", "Place")) input name="address" placeholder=(lang.t("如：后山沟口", "e.g. mouth of the back-hill gully")); }
                    div.row {
                        label { (lang.t("经度", "Longitude")) input name="lon" id="lon" inputmode="decimal"; }
                        label { (lang.t("纬度", "Latitude")) input name="lat" id="lat" inputmode="decimal"; }
                        button.secondary type="button" id="locate" { (lang.t("使用当前位置", "Use my position")) }
                    }
                    label { (lang.t("现场照片", "Photos")) input type="file" name="photo" multiple accept="image/*" capture="environment"; }
                    button type="submit" { (lang.t("上报发现", "Report finding")) }
                }
            }
            @if !missing.is_empty() {
                div.warn {
                    p { (lang.t("以下日期未报，可补报（标记为补报）：", "Days not reported — file late (marked late):")) }
                    @for d in &missing {
                        form.inline method="post" action="/daily/nothing" {
                            input type="hidden" name="grid_id" value=(gid);
                            input type="hidden" name="date" value=(d);
                            button.secondary type="submit" { (lang.t("补报", "Late report")) " " (d.format("%m-%d")) " " (lang.t("无发现", "nothing found")) }
                        } " "
                    }
                }
            }
            p.muted { (lang.t("近两周：", "Last two weeks: ")) @for (d, m) in g.days.iter().filter(|(d, _)| *d >= from) {
                span class={"mark mark-" (m.code())} title={(d) " " (m.label(zh))} { (symbol(*m)) } } }
        }
    }
}

async fn page_markup(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    q: &Fields,
) -> Result<Markup, WebError> {
    let now = state.clock.now();
    let today = local_date(now);
    let to = parse_day(q, "to")?.unwrap_or(today);
    // A village sees two weeks on its phone; the board of many grids, one.
    let span = if actor.role == Role::Village { 13 } else { 6 };
    let from = parse_day(q, "from")?.unwrap_or(to - Duration::days(span));
    let mut board = state.store.report_board(actor, from, to, now).await?;
    let township: Option<i64> = q.get("township").and_then(|t| t.parse().ok());
    if let Some(t) = township {
        board.grids.retain(|g| g.place.township_id == t);
    }
    let townships = state.store.townships(actor.county_id).await?;
    let yesterday = today - Duration::days(1);
    let missing = board.missing_on(yesterday);
    let escalated: Vec<&GridDays> = board.grids.iter().filter(|g| g.escalated).collect();
    let body = html! {
        h1 { (lang.t("每日零报告", "Daily zero reports")) }
        @if let Some(m) = q.get("ok") { div.ok role="status" { (m) } }
        @if let Some(c) = q.get("case") { div.ok role="status" { (lang.t("发现已登记为线索，案件 ", "The finding was filed as case ")) a href={"/cases/" (c)} { (q.get("number").map_or("", String::as_str)) } } }
        @if actor.role == Role::Village {
            @if board.grids.is_empty() { p { (lang.t("本村没有网格。", "This village has no grid.")) } }
            @for g in &board.grids { (grid_panel(lang, g, today, from)) }
        } @else {
            form.filters method="get" action="/daily" {
                @if minewatch_core::rights::sees_county(actor.role) {
                    label { (lang.t("乡镇", "Township")) select name="township" {
                        option value="" { (lang.t("全部", "All")) }
                        @for t in &townships { option value=(t.id) selected[township == Some(t.id)] { (t.name) } } } }
                }
                label { (lang.t("从", "From")) input type="date" name="from" value=(from); }
                label { (lang.t("到", "To")) input type="date" name="to" value=(to); }
                button type="submit" { (lang.t("查看", "Show")) }
            }
            section.card {
                h2 { (lang.t("昨日未报", "Not reported yesterday")) " (" (yesterday) ") : " (missing.len()) }
                @if missing.is_empty() { p { (lang.t("全部网格均已上报。", "Every grid reported.")) } }
                ul.missing { @for g in &missing {
                    li { (g.place.township) " " (g.place.village) " " (g.place.grid) " · " (lang.t("直接责任人", "directly responsible")) " " (g.place.directly_responsible)
                        @if g.missed_in_a_row > 1 { " · " span.tag.warn { (lang.t("连续", "")) (g.missed_in_a_row) (lang.t("天未报", " days missed")) } } }
                } }
            }
            @if !escalated.is_empty() {
                section.card {
                    h2.warn { (lang.t("连续漏报，已升级至县专班", "Repeated misses, escalated to the county office")) " (≥" (board.escalate_after) (lang.t("天", " days")) ")" }
                    ul.escalated { @for g in &escalated {
                        li { (g.place.township) " " (g.place.village) " " (g.place.grid) " · " (g.missed_in_a_row) (lang.t("天", " days")) " · " (lang.t("第一责任人", "first responsible")) " " (g.place.first_responsible) }
                    } }
                }
            }
            (board_table(lang, &board))
            p { a.button href={"/compliance.xlsx?from=" (from) "&to=" (to)} { (lang.t("导出履职统计 Excel", "Export compliance .xlsx")) } }
        }
        p.muted { (lang.t("零报告自 ", "Reports owed from ")) (board.reports_from) (lang.t(" 起每日应报；次日起补报的标记为补报。", " daily; reports filed after their day are marked late.")) }
    };
    Ok(layout(
        lang,
        lang.t("每日零报告", "Daily reports"),
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

pub async fn nothing(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Form(f): Form<Fields>,
) -> PageResult {
    let grid = parse_id(&f, "grid_id")?;
    let date =
        parse_day(&f, "date")?.ok_or_else(|| WebError::field("date", "必须填写", "is required"))?;
    let note = f.get("note").cloned().unwrap_or_default();
    let out = state
        .store
        .file_zero_report(
            &actor,
            grid,
            date,
            &ReportBody::NothingFound { note },
            state.clock.now(),
        )
        .await?;
    let msg = if out.late {
        lang.t("已补报：无发现", "Filed late: nothing found")
    } else {
        lang.t("已上报：今日无发现", "Reported: nothing found today")
    };
    Ok(notice_redirect("/daily", msg))
}

pub async fn finding(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    mut mp: Multipart,
) -> PageResult {
    let (f, photos) = crate::upload::read_multipart(&mut mp, "photo").await?;
    let grid = parse_id(&f, "grid_id")?;
    let date =
        parse_day(&f, "date")?.ok_or_else(|| WebError::field("date", "必须填写", "is required"))?;
    let problem_kind = f
        .get("problem_kind")
        .and_then(|k| ProblemKind::from_code(k))
        .ok_or_else(|| WebError::field("kind", "必须选择", "is required"))?;
    let get = |k: &str| f.get(k).map_or("", |s| s.trim()).to_string();
    let mut finding = NewFinding {
        description: get("description"),
        problem_kind,
        severity: Severity::General,
        address: get("address"),
        lon: parse_float(&f, "lon")?,
        lat: parse_float(&f, "lat")?,
        photos: Vec::new(),
    };
    if finding.description.is_empty() {
        return Err(WebError::field("description", "请写明发现情况", "say what was found").into());
    }
    // Checked before any photo is stored, so a bad form leaves nothing behind.
    if finding.address.is_empty() && (finding.lon.is_none() || finding.lat.is_none()) {
        return Err(WebError::field(
            "address",
            "请填写地点或使用当前位置",
            "give a place or use the phone's position",
        )
        .into());
    }
    let stored = crate::upload::store_all(&state, &actor, photos).await?;
    finding.photos = stored.hashes();
    let outcome = state
        .store
        .file_zero_report(
            &actor,
            grid,
            date,
            &ReportBody::Finding(finding),
            state.clock.now(),
        )
        .await
        .map_err(WebError::from);
    let out = stored.settle(&state, &actor, outcome).await?;
    Ok(match out.clue {
        Some(c) => Redirect::to(&format!(
            "/daily?case={}&number={}",
            c.case_id,
            url_encode(&c.case_number)
        ))
        .into_response(),
        None => Redirect::to("/daily").into_response(),
    })
}
