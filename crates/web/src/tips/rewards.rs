//! Rewards for true tips (R4) on the office's pages: the rule table, what each confirmed tip
//! earned, approval by the county office and payment by the reward officer.

use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};
use minewatch_store::Actor;

use crate::AppState;
use crate::auth::PageUser;
use crate::error::WebError;
use crate::forms::Fields;
use crate::i18n::Lang;
use crate::pages::{PageResult, is_office, layout, notice_redirect};

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
            div.tile { strong { (crate::pages::yuan(totals.due_fen)) } span { (lang.t("待核定(元)", "Due (yuan)")) " · " (totals.due) } }
            div.tile { strong { (crate::pages::yuan(totals.approved_fen)) } span { (lang.t("已核定待发放(元)", "Approved (yuan)")) " · " (totals.approved) } }
            div.tile { strong { (crate::pages::yuan(totals.paid_fen)) } span { (lang.t("已发放(元)", "Paid (yuan)")) " · " (totals.paid) } }
        }
        div.scroll { table.rewards {
            thead { tr { th { (lang.t("查询码", "Code")) } th { (lang.t("案件", "Case")) } th { (lang.t("罚没(元)", "Recovered")) } th { (lang.t("奖励(元)", "Reward")) } th { (lang.t("依据", "Basis")) } th { (lang.t("状态", "Status")) } th {} } }
            tbody { @for r in &rows {
                tr data-tip=(r.tracking_code) {
                    td { a href={"/tips/" (r.tip_id)} { (r.tracking_code) } } td { a href={"/cases/" (r.case_id)} { (r.case_number) } }
                    td.num { (crate::pages::yuan(r.recovered_fen)) } td.num { (crate::pages::yuan(r.amount_fen)) } td { (r.basis) }
                    td { (status(r.status)) @if !r.payment_ref.is_empty() { " · " (r.payment_ref) } }
                    td {
                        @if r.status == "due" && is_office(actor) {
                            form.inline method="post" action={"/rewards/" (r.tip_id) "/approve"} { button type="submit" { (lang.t("核定", "Approve")) } }
                        }
                        @if r.status == "approved" && minewatch_core::rights::may(actor.role, minewatch_core::rights::Right::PayReward) {
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
                            input name="base" size="7" value=(crate::pages::yuan(r.base_fen)); " "
                            input name="share" size="4" value=(r.share_permille); " "
                            input name="cap" size="9" value=(crate::pages::yuan(r.cap_fen)); " "
                            button.secondary type="submit" { (lang.t("保存", "Save")) } } }
                    } @else {
                        td.num { (crate::pages::yuan(r.base_fen)) } td.num { (r.share_permille) } td.num { (crate::pages::yuan(r.cap_fen)) }
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

pub async fn page(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    axum::extract::Query(q): axum::extract::Query<Fields>,
) -> PageResult {
    let m = rewards_markup(&state, &actor, lang, &q).await?;
    Ok(m.into_response())
}

pub async fn approve(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    Path(id): Path<i64>,
) -> PageResult {
    state
        .store
        .approve_reward(&actor, id, state.clock.now())
        .await?;
    Ok(Redirect::to("/rewards").into_response())
}

pub async fn pay(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> PageResult {
    let reference = f.get("payment_ref").cloned().unwrap_or_default();
    state
        .store
        .pay_reward(&actor, id, &reference, state.clock.now())
        .await?;
    Ok(Redirect::to("/rewards").into_response())
}

pub async fn save_rule(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Form(f): Form<Fields>,
) -> PageResult {
    let kind = f
        .get("problem_kind")
        .and_then(|k| minewatch_core::ProblemKind::from_code(k))
        .ok_or_else(|| WebError::field("kind", "必须选择", "is required"))?;
    let share = f
        .get("share")
        .and_then(|v| v.trim().parse::<i64>().ok())
        .ok_or_else(|| WebError::field("share", "应为整数（‰）", "must be a whole number of ‰"))?;
    let rule = minewatch_store::RewardRule {
        problem_kind: kind,
        base_fen: crate::forms::yuan_to_fen("base", f.get("base").map_or("", String::as_str))?,
        share_permille: share,
        cap_fen: crate::forms::yuan_to_fen("cap", f.get("cap").map_or("", String::as_str))?,
    };
    state
        .store
        .set_reward_rule(&actor, &rule, state.clock.now())
        .await?;
    Ok(notice_redirect(
        "/rewards",
        lang.t("规则已保存", "Rule saved"),
    ))
}
