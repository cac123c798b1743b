//! 群众举报 for the office (R4, R13): every tip with its clocks in working days — accept, check,
//! answer — warnings before a step is due and the late ones marked; the reward officer alone
//! may open who tipped, saying why, and every such view is logged.

use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};
use minewatch_core::clock::{display_stamp, local_date};
use minewatch_store::{Actor, TipChannel, TipRow, Tipster};

use crate::AppState;
use crate::auth::PageUser;
use crate::error::WebError;
use crate::forms::Fields;
use crate::i18n::Lang;
use crate::pages::{PageResult, is_office, layout, notice_redirect};

fn step_name(code: &str, zh: bool) -> &'static str {
    match (code, zh) {
        ("accept", true) => "受理",
        ("accept", false) => "accept",
        ("verify", true) => "核实",
        ("verify", false) => "check",
        ("answer", true) => "答复",
        ("answer", false) => "answer",
        (_, true) => "—",
        (_, false) => "—",
    }
}

fn clocks(lang: Lang, t: &TipRow) -> Markup {
    let zh = lang.is_zh();
    html! {
        @for s in &t.late { span.tag.warn { (step_name(s, zh)) (lang.t("逾期", " overdue")) } " " }
        @for s in &t.due_soon { span.tag.key { (step_name(s, zh)) (lang.t("即将到期", " due soon")) } " " }
    }
}

async fn list_markup(state: &AppState, actor: &Actor, lang: Lang) -> Result<Markup, WebError> {
    let zh = lang.is_zh();
    let today = local_date(state.clock.now());
    let tips = state.store.tips(actor, today).await?;
    let late = tips.iter().filter(|t| !t.late.is_empty()).count();
    let soon = tips.iter().filter(|t| !t.due_soon.is_empty()).count();
    let body = html! {
        h1 { (lang.t("群众举报", "Public tips")) }
        div.tiles {
            div.tile { strong { (tips.len()) } span { (lang.t("举报总数", "Tips")) } }
            div.tile.warn[late > 0] { strong { (late) } span { (lang.t("有步骤逾期", "With a late step")) } }
            div.tile { strong { (soon) } span { (lang.t("即将到期", "Due soon")) } }
        }
        p { a href="/tip" { (lang.t("公众举报页面", "The public tip page")) } " · " a href="/calendar" { (lang.t("工作日历（法定节假日）", "Working-day calendar")) }
            @if minewatch_core::rights::may(actor.role, minewatch_core::rights::Right::ReadRewards) { " · " a href="/rewards" { (lang.t("举报奖励", "Rewards")) } }
            " · " a href="/lookbacks" { (lang.t("回头看", "Look-backs")) }
            @if minewatch_core::rights::may(actor.role, minewatch_core::rights::Right::ReadIdentityLog) { " · " a href="/tips/identity-log" { (lang.t("举报人身份查看记录", "Log of identity views")) } } }
        div.scroll { table.tips {
            thead { tr { th { (lang.t("查询码", "Code")) } th { (lang.t("收到", "Received")) } th { (lang.t("渠道", "Channel")) } th { (lang.t("乡镇/村", "Place")) }
                th { (lang.t("案件", "Case")) } th { (lang.t("受理时限", "Accept by")) } th { (lang.t("核实时限", "Check by")) } th { (lang.t("答复时限", "Answer by")) } th { (lang.t("提醒", "Clocks")) } } }
            tbody { @for t in &tips {
                tr.overdue[!t.late.is_empty()] data-tip=(t.tracking_code) {
                    td { a href={"/tips/" (t.id)} { (t.tracking_code) } }
                    td { (display_stamp(&t.received_at)) }
                    td { (TipChannel::label(&t.channel, zh)) }
                    td { (t.township) " " (t.village) }
                    td { a href={"/cases/" (t.case_id)} { (t.case_number) } }
                    td { (t.accept_by) @if t.accepted_at.is_some() { " ✓" } }
                    td { (t.verify_by.as_deref().unwrap_or("—")) @if t.case_status != "registered" { " ✓" } }
                    td { (t.answer_by.as_deref().unwrap_or("—")) @if t.answered_at.is_some() { " ✓" } }
                    td { (clocks(lang, t)) }
                }
            } }
        } }
        @if tips.is_empty() { p { (lang.t("暂无举报。", "No tips.")) } }
    };
    Ok(layout(
        lang,
        lang.t("群众举报", "Public tips"),
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
    identity: Option<&Tipster>,
) -> Result<Markup, WebError> {
    let zh = lang.is_zh();
    let today = local_date(state.clock.now());
    let t = state.store.tip(actor, id, today).await?;
    let shas = state.store.tip_photos(actor, id, today).await?;
    let photos = crate::pages::photos::readings_near(state, shas.iter(), None).await;
    let may_accept = t.accepted_at.is_none()
        && minewatch_core::rights::may(actor.role, minewatch_core::rights::Right::AcceptTip);
    let may_answer = t.answered_at.is_none() && t.case_status != "registered" && is_office(actor);
    let body = html! {
        h1 { (lang.t("举报 ", "Tip ")) (t.tracking_code) " " (clocks(lang, &t)) }
        dl.fields {
            dt { (lang.t("收到", "Received")) } dd { (display_stamp(&t.received_at)) " · " (TipChannel::label(&t.channel, zh)) @if let Some(op) = &t.operator { " · " (lang.t("接听：", "taken by ")) (op) } }
            dt { (lang.t("内容", "What was seen")) } dd { (t.description) }
            dt { (lang.t("地点", "Place")) } dd { (t.township) " " (t.village) }
            dt { (lang.t("案件", "Case")) } dd { a href={"/cases/" (t.case_id)} { (t.case_number) } }
            dt { (lang.t("受理", "Accepted")) } dd { (lang.t("时限 ", "due ")) (t.accept_by) " · " (t.accepted_at.as_deref().map_or_else(|| lang.t("未受理", "not yet").into(), display_stamp)) }
            dt { (lang.t("核实", "Checked")) } dd { (lang.t("时限 ", "due ")) (t.verify_by.as_deref().unwrap_or("—")) " · " (if t.case_status == "registered" { lang.t("未核实", "not yet") } else { lang.t("已核实", "done") }) }
            dt { (lang.t("答复", "Answered")) } dd { (lang.t("时限 ", "due ")) (t.answer_by.as_deref().unwrap_or("—")) " · " (t.answer) }
            dt { (lang.t("举报人", "Tipster")) } dd { (match t.has_identity { Some(true) => lang.t("留有联系方式", "left a contact"), Some(false) => lang.t("匿名", "anonymous"), None => lang.t("仅奖励专员可见", "for the reward officer only") }) }
        }
        @if !shas.is_empty() {
            h2 { (lang.t("举报照片", "Photos")) }
            (crate::pages::photos::cards(lang, &photos.of(&shas)))
        }
        @if may_accept {
            form method="post" action={"/tips/" (t.id) "/accept"} { button type="submit" { (lang.t("受理", "Accept")) } }
        }
        @if may_answer {
            form.card method="post" action={"/tips/" (t.id) "/answer"} {
                label { (lang.t("答复举报人（举报人凭查询码可见）", "Answer to the tipster (shown by the tracking code)")) textarea name="answer" required {} }
                button type="submit" { (lang.t("答复", "Answer")) }
            }
        }
        @if minewatch_core::rights::may(actor.role, minewatch_core::rights::Right::RevealTipster) && t.has_identity == Some(true) {
            section.card {
                h2 { (lang.t("举报人身份", "Who tipped")) }
                @if let Some(who) = identity {
                    dl.fields.identity { dt { (lang.t("姓名", "Name")) } dd { (who.name) } dt { (lang.t("电话", "Phone")) } dd { (who.phone) } }
                } @else {
                    form method="post" action={"/tips/" (t.id) "/tipster"} {
                        label { (lang.t("查看事由（将被记录）", "Why (this view is logged)")) input name="purpose" required; }
                        button type="submit" { (lang.t("查看", "Show")) }
                    }
                }
            }
        }
    };
    Ok(layout(lang, &t.tracking_code, Some(actor), body))
}

pub async fn detail(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Path(id): Path<i64>,
) -> PageResult {
    let m = detail_markup(&state, &actor, lang, id, None).await?;
    Ok(m.into_response())
}

pub async fn accept(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    Path(id): Path<i64>,
) -> PageResult {
    state
        .store
        .accept_tip(&actor, id, state.clock.now())
        .await?;
    Ok(Redirect::to(&format!("/tips/{id}")).into_response())
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
        .answer_tip(&actor, id, &text, state.clock.now())
        .await?;
    Ok(Redirect::to(&format!("/tips/{id}")).into_response())
}

/// The identity is shown in the answer to this POST only, never at a URL that could be
/// shared or cached.
pub async fn tipster(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> PageResult {
    let purpose = f.get("purpose").cloned().unwrap_or_default();
    let who = state
        .store
        .tipster(&actor, id, &purpose, state.clock.now())
        .await?;
    let m = detail_markup(&state, &actor, lang, id, who.as_ref()).await?;
    Ok(([(axum::http::header::CACHE_CONTROL, "no-store")], m).into_response())
}

pub async fn identity_log(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
) -> PageResult {
    let views = state.store.tipster_views(&actor).await?;

    let body = html! {
        h1 { (lang.t("举报人身份查看记录", "Log of identity views")) }
        div.scroll { table {
            thead { tr { th { (lang.t("举报", "Tip")) } th { (lang.t("查看人", "Viewed by")) } th { (lang.t("时间", "When")) } th { (lang.t("事由", "Why")) } } }
            tbody { @for (tip, who, at, why) in &views { tr { td { a href={"/tips/" (tip)} { "#" (tip) } } td { (who) } td { (display_stamp(at)) } td { (why) } } } }
        } }
    };
    Ok(layout(
        lang,
        lang.t("身份查看记录", "Identity views"),
        Some(&actor),
        body,
    )
    .into_response())
}

pub async fn save_policy(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Form(f): Form<Fields>,
) -> PageResult {
    let days = |name: &'static str| {
        f.get(name)
            .and_then(|v| v.trim().parse::<u32>().ok())
            .ok_or_else(|| {
                WebError::field(name, "应为工作日数", "must be a number of working days")
            })
    };
    let p = minewatch_store::TipPolicy {
        accept_days: days("accept_days")?,
        verify_days: days("verify_days")?,
        answer_days: days("answer_days")?,
    };
    state
        .store
        .set_tip_policy(&actor, &p, state.clock.now())
        .await?;
    Ok(notice_redirect(
        "/calendar",
        lang.t("时限已保存", "Clocks saved"),
    ))
}
