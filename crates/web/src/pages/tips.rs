//! 群众举报 for the office (R4, R13): every tip with its clocks in working days — accept, check,
//! answer — warnings before a step is due and the late ones marked; the reward officer alone
//! may open who tipped, saying why, and every such view is logged.

use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use minewatch_core::Role;
use minewatch_core::clock::{display_stamp, local_date};
use minewatch_store::{Actor, TipChannel, TipRow, Tipster};

use super::{error_page, is_office, layout};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::WebError;
use crate::forms::Fields;
use crate::i18n::Lang;

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
            @if matches!(actor.role, Role::Inspector | Role::Admin | Role::CountyOffice | Role::RewardOfficer) { " · " a href="/rewards" { (lang.t("举报奖励", "Rewards")) } }
            " · " a href="/lookbacks" { (lang.t("回头看", "Look-backs")) }
            @if matches!(actor.role, Role::Inspector | Role::Admin | Role::CountyOffice | Role::RewardOfficer) { " · " a href="/tips/identity-log" { (lang.t("举报人身份查看记录", "Log of identity views")) } } }
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
) -> Response {
    match list_markup(&state, &actor, lang).await {
        Ok(m) => m.into_response(),
        Err(e) => error_page(lang, Some(&actor), &e),
    }
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
    let photos = super::photos::readings_near(state, shas.iter(), None).await;
    let may_accept = t.accepted_at.is_none()
        && matches!(
            actor.role,
            Role::CountyOffice | Role::Admin | Role::Township
        );
    let may_answer = t.answered_at.is_none() && t.case_status != "registered" && is_office(actor);
    let body = html! {
        h1 { (lang.t("举报 ", "Tip ")) (t.tracking_code) " " (clocks(lang, &t)) }
        dl.fields {
            dt { (lang.t("收到", "Received")) } dd { (display_stamp(&t.received_at)) " · " (TipChannel::label(&t.channel, zh)) @if let Some(op) = &t.operator { " · " (lang.t("接听：", "taken by ")) (op) } }
            dt { (lang.t("内容", "What was seen")) } dd { (t.description) }
            dt { (lang.t("地点", "Place")) } dd { (t.township) " " (t.village) }
            dt { (lang.t("案件", "Case")) } dd { a href={"/cases/" (t.case_id)} { (t.case_number) } }
            dt { (lang.t("受理", "Accepted")) } dd { (lang.t("时限 ", "due ")) (t.accept_by) " · " (t.accepted_at.as_deref().map(display_stamp).unwrap_or_else(|| lang.t("未受理", "not yet").into())) }
            dt { (lang.t("核实", "Checked")) } dd { (lang.t("时限 ", "due ")) (t.verify_by.as_deref().unwrap_or("—")) " · " (if t.case_status == "registered" { lang.t("未核实", "not yet") } else { lang.t("已核实", "done") }) }
            dt { (lang.t("答复", "Answered")) } dd { (lang.t("时限 ", "due ")) (t.answer_by.as_deref().unwrap_or("—")) " · " (t.answer) }
            dt { (lang.t("举报人", "Tipster")) } dd { (match t.has_identity { Some(true) => lang.t("留有联系方式", "left a contact"), Some(false) => lang.t("匿名", "anonymous"), None => lang.t("仅奖励专员可见", "for the reward officer only") }) }
        }
        @if !shas.is_empty() {
            h2 { (lang.t("举报照片", "Photos")) }
            (super::photos::cards(lang, &photos.of(&shas)))
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
        @if actor.role == Role::RewardOfficer && t.has_identity == Some(true) {
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
) -> Response {
    match detail_markup(&state, &actor, lang, id, None).await {
        Ok(m) => m.into_response(),
        Err(e) => error_page(lang, Some(&actor), &e),
    }
}

pub async fn accept(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Path(id): Path<i64>,
) -> Response {
    match state.store.accept_tip(&actor, id, state.clock.now()).await {
        Ok(_) => Redirect::to(&format!("/tips/{id}")).into_response(),
        Err(e) => error_page(lang, Some(&actor), &e.into()),
    }
}

pub async fn answer(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Response {
    let text = f.get("answer").cloned().unwrap_or_default();
    match state
        .store
        .answer_tip(&actor, id, &text, state.clock.now())
        .await
    {
        Ok(_) => Redirect::to(&format!("/tips/{id}")).into_response(),
        Err(e) => error_page(lang, Some(&actor), &e.into()),
    }
}

/// The identity is shown in the answer to this POST only, never at a URL that could be
/// shared or cached.
pub async fn tipster(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Response {
    let purpose = f.get("purpose").cloned().unwrap_or_default();
    let result: Result<Markup, WebError> = async {
        let who = state
            .store
            .tipster(&actor, id, &purpose, state.clock.now())
            .await?;
        detail_markup(&state, &actor, lang, id, who.as_ref()).await
    }
    .await;
    match result {
        Ok(m) => ([(axum::http::header::CACHE_CONTROL, "no-store")], m).into_response(),
        Err(e) => error_page(lang, Some(&actor), &e),
    }
}

pub async fn identity_log(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
) -> Response {
    match state.store.tipster_views(&actor).await {
        Ok(views) => {
            let body = html! {
                h1 { (lang.t("举报人身份查看记录", "Log of identity views")) }
                div.scroll { table {
                    thead { tr { th { (lang.t("举报", "Tip")) } th { (lang.t("查看人", "Viewed by")) } th { (lang.t("时间", "When")) } th { (lang.t("事由", "Why")) } } }
                    tbody { @for (tip, who, at, why) in &views { tr { td { a href={"/tips/" (tip)} { "#" (tip) } } td { (who) } td { (display_stamp(at)) } td { (why) } } } }
                } }
            };
            layout(
                lang,
                lang.t("身份查看记录", "Identity views"),
                Some(&actor),
                body,
            )
            .into_response()
        }
        Err(e) => error_page(lang, Some(&actor), &e.into()),
    }
}

pub async fn calendar(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    axum::extract::Query(q): axum::extract::Query<Fields>,
) -> Response {
    let policy = match state.store.tip_policy(actor.county_id).await {
        Ok(p) => p,
        Err(e) => return error_page(lang, Some(&actor), &e.into()),
    };
    match state.store.calendar_days(actor.county_id).await {
        Ok(days) => {
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
            layout(lang, lang.t("工作日历", "Calendar"), Some(&actor), body).into_response()
        }
        Err(e) => error_page(lang, Some(&actor), &e.into()),
    }
}

pub async fn save_calendar(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Form(f): Form<Fields>,
) -> Response {
    let text = f.get("notice").cloned().unwrap_or_default();
    match state
        .store
        .import_holiday_notice(&actor, &text, state.clock.now())
        .await
    {
        Ok(n) => Redirect::to(&format!(
            "/calendar?ok={}",
            crate::forms::url_encode(&format!("{}{n}", lang.t("已保存天数：", "Days saved: ")))
        ))
        .into_response(),
        Err(e) => error_page(lang, Some(&actor), &e.into()),
    }
}

async fn rewards_markup(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    q: &Fields,
) -> Result<Markup, WebError> {
    let zh = lang.is_zh();
    let rows = state.store.rewards(actor).await?;
    let totals = state.store.reward_totals(actor).await?;
    let rules = state.store.reward_rules(actor.county_id).await?;
    let status = |s: &str| match (s, zh) {
        ("paid", true) => "已发放",
        ("paid", false) => "paid",
        ("approved", true) => "已核定，待发放",
        ("approved", false) => "approved",
        (_, true) => "待核定",
        (_, false) => "due",
    };
    let body = html! {
        h1 { (lang.t("举报奖励", "Rewards")) }
        @if let Some(m) = q.get("ok") { div.ok role="status" { (m) } }
        div.tiles {
            div.tile { strong { (super::yuan(totals.due_fen)) } span { (lang.t("待核定(元)", "Due (yuan)")) " · " (totals.due) } }
            div.tile { strong { (super::yuan(totals.approved_fen)) } span { (lang.t("已核定待发放(元)", "Approved (yuan)")) " · " (totals.approved) } }
            div.tile { strong { (super::yuan(totals.paid_fen)) } span { (lang.t("已发放(元)", "Paid (yuan)")) " · " (totals.paid) } }
        }
        div.scroll { table.rewards {
            thead { tr { th { (lang.t("查询码", "Code")) } th { (lang.t("案件", "Case")) } th { (lang.t("罚没(元)", "Recovered")) } th { (lang.t("奖励(元)", "Reward")) } th { (lang.t("依据", "Basis")) } th { (lang.t("状态", "Status")) } th {} } }
            tbody { @for r in &rows {
                tr data-tip=(r.tracking_code) {
                    td { a href={"/tips/" (r.tip_id)} { (r.tracking_code) } } td { a href={"/cases/" (r.case_id)} { (r.case_number) } }
                    td.num { (super::yuan(r.recovered_fen)) } td.num { (super::yuan(r.amount_fen)) } td { (r.basis) }
                    td { (status(r.status)) @if !r.payment_ref.is_empty() { " · " (r.payment_ref) } }
                    td {
                        @if r.status == "due" && is_office(actor) {
                            form.inline method="post" action={"/rewards/" (r.tip_id) "/approve"} { button type="submit" { (lang.t("核定", "Approve")) } }
                        }
                        @if r.status == "approved" && actor.role == Role::RewardOfficer {
                            form.inline method="post" action={"/rewards/" (r.tip_id) "/pay"} {
                                input name="payment_ref" required placeholder=(lang.t("付款凭证号", "Voucher no.")); " "
                                button type="submit" { (lang.t("登记发放", "Record payment")) } }
                        }
                    }
                }
            } }
        } }
        @if rows.is_empty() { p { (lang.t("暂无应奖励的举报（核查属实的案件的首位举报人可获奖励）。", "No rewards due (the first tipster of a confirmed case earns one).")) } }
        h2 { (lang.t("奖励规则", "Reward rules")) }
        p.muted { (lang.t("奖励 = 基础金额 + 罚没金额 × 比例（‰），不超过上限。请按本县有奖举报办法设置。", "Reward = base + recovered × share (‰), up to the cap. Set them by the county's reward rules.")) }
        div.scroll { table.rules {
            thead { tr { th { (lang.t("问题类型", "Kind")) } th { (lang.t("基础(元)", "Base")) } th { (lang.t("比例‰", "Share ‰")) } th { (lang.t("上限(元)", "Cap")) } @if is_office(actor) { th {} } } }
            tbody { @for r in &rules {
                tr { td { (r.problem_kind.label(zh)) }
                    @if is_office(actor) {
                        td colspan="4" { form.inline method="post" action="/rewards/rules" {
                            input type="hidden" name="problem_kind" value=(r.problem_kind.code());
                            input name="base" size="7" value=(super::yuan(r.base_fen)); " "
                            input name="share" size="4" value=(r.share_permille); " "
                            input name="cap" size="9" value=(super::yuan(r.cap_fen)); " "
                            button.secondary type="submit" { (lang.t("保存", "Save")) } } }
                    } @else {
                        td.num { (super::yuan(r.base_fen)) } td.num { (r.share_permille) } td.num { (super::yuan(r.cap_fen)) }
                    }
                }
            } }
        } }
    };
    Ok(layout(
        lang,
        lang.t("举报奖励", "Rewards"),
        Some(actor),
        body,
    ))
}

pub async fn rewards(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    axum::extract::Query(q): axum::extract::Query<Fields>,
) -> Response {
    match rewards_markup(&state, &actor, lang, &q).await {
        Ok(m) => m.into_response(),
        Err(e) => error_page(lang, Some(&actor), &e),
    }
}

pub async fn approve_reward(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Path(id): Path<i64>,
) -> Response {
    match state
        .store
        .approve_reward(&actor, id, state.clock.now())
        .await
    {
        Ok(_) => Redirect::to("/rewards").into_response(),
        Err(e) => error_page(lang, Some(&actor), &e.into()),
    }
}

pub async fn pay_reward(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Response {
    let reference = f.get("payment_ref").cloned().unwrap_or_default();
    match state
        .store
        .pay_reward(&actor, id, &reference, state.clock.now())
        .await
    {
        Ok(_) => Redirect::to("/rewards").into_response(),
        Err(e) => error_page(lang, Some(&actor), &e.into()),
    }
}

pub async fn save_rule(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Form(f): Form<Fields>,
) -> Response {
    let result: Result<(), WebError> = async {
        let kind = f
            .get("problem_kind")
            .and_then(|k| minewatch_core::ProblemKind::from_code(k))
            .ok_or_else(|| WebError::field("kind", "必须选择", "is required"))?;
        let share = f
            .get("share")
            .and_then(|v| v.trim().parse::<i64>().ok())
            .ok_or_else(|| {
                WebError::field("share", "应为整数（‰）", "must be a whole number of ‰")
            })?;
        let rule = minewatch_store::RewardRule {
            problem_kind: kind,
            base_fen: crate::forms::yuan_to_fen("base", f.get("base").map_or("", String::as_str))?,
            share_permille: share,
            cap_fen: crate::forms::yuan_to_fen("cap", f.get("cap").map_or("", String::as_str))?,
        };
        Ok(state
            .store
            .set_reward_rule(&actor, &rule, state.clock.now())
            .await?)
    }
    .await;
    match result {
        Ok(()) => Redirect::to(&format!(
            "/rewards?ok={}",
            crate::forms::url_encode(lang.t("规则已保存", "Rule saved"))
        ))
        .into_response(),
        Err(e) => error_page(lang, Some(&actor), &e),
    }
}

pub async fn look_backs(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
) -> Response {
    let today = local_date(state.clock.now());
    let result = async {
        let tasks = state
            .store
            .look_backs(&actor, today, today + chrono::Duration::days(30))
            .await?;
        let record = state.store.look_back_record(&actor, today).await?;
        Ok::<_, minewatch_store::StoreError>((tasks, record))
    }
    .await;
    match result {
        Ok((tasks, record)) => {
            let body = html! {
                h1 { (lang.t("回头看", "Look-backs")) }
                p.muted { (lang.t("销号后1、3、6个月回头看，另随机抽取一成案件不定期回头看；在已销号问题原址发现的新线索按“死灰复燃”计入所在乡镇。", "Closed cases are looked at again after 1, 3 and 6 months, and a tenth at random besides; a new clue at a closed site is a recurrence and counts against its township.")) }
                h2 { (lang.t("应回头看（含今后30天）", "Due (and the next 30 days)")) }
                div.scroll { table.lookbacks {
                    thead { tr { th { (lang.t("到期", "Due")) } th { (lang.t("案件", "Case")) } th { (lang.t("乡镇/村", "Place")) } th { (lang.t("方式", "Drawn")) } th { (lang.t("状态", "Status")) } } }
                    tbody { @for l in &tasks {
                        tr.overdue[l.overdue] { td { (l.due_on) } td { a href={"/cases/" (l.case_id)} { (l.case_number) } } td { (l.township) " " (l.village) " " (l.address) }
                            td { (if l.drawn == "random" { lang.t("随机抽查", "at random") } else { lang.t("按期", "scheduled") }) }
                            td { @if let Some(at) = &l.done_at { span.tag.done { (lang.t("已完成 ", "done ")) (display_stamp(at)) } @if l.recurrence { " " span.tag.warn { (lang.t("发现复采", "recurred")) } } }
                                 @else if l.overdue { span.tag.warn { (lang.t("逾期", "overdue")) } } @else { span.tag { (lang.t("待办", "to do")) } } }
                        }
                    } }
                } }
                h2 { (lang.t("各乡镇", "By township")) }
                div.scroll { table {
                    thead { tr { th { (lang.t("乡镇", "Township")) } th { (lang.t("已销号", "Closed")) } th { (lang.t("应回头看", "Due")) } th { (lang.t("已完成", "Done")) } th { (lang.t("逾期", "Overdue")) } th { (lang.t("死灰复燃", "Recurrences")) } } }
                    tbody { @for r in &record { tr { td { (r.township) } td.num { (r.closed) } td.num { (r.due) } td.num { (r.done) } td.num.warn[r.overdue > 0] { (r.overdue) } td.num.warn[r.recurrences > 0] { (r.recurrences) } } } }
                } }
            };
            layout(lang, lang.t("回头看", "Look-backs"), Some(&actor), body).into_response()
        }
        Err(e) => error_page(lang, Some(&actor), &e.into()),
    }
}

pub async fn save_policy(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Form(f): Form<Fields>,
) -> Response {
    let result: Result<(), WebError> = async {
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
        Ok(state
            .store
            .set_tip_policy(&actor, &p, state.clock.now())
            .await?)
    }
    .await;
    match result {
        Ok(()) => Redirect::to(&format!(
            "/calendar?ok={}",
            crate::forms::url_encode(lang.t("时限已保存", "Clocks saved"))
        ))
        .into_response(),
        Err(e) => error_page(lang, Some(&actor), &e),
    }
}
