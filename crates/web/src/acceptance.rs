//! Acceptance of a campaign phase (R25) as pages and API: each township's checklist, each
//! item met or not with the cases or weeks that keep it unmet one click away, and the county
//! office's decision (验收通过 / 不通过) once the phase is over.

use axum::Json;
use axum::extract::{Form, Query, State};
use axum::response::IntoResponse;
use maud::{Markup, html};
use minewatch_core::acceptance::{Acceptance, Check, TownshipAcceptance};
use minewatch_core::clock::display_stamp;
use minewatch_core::rights::{Right, may};
use minewatch_store::{Actor, DecisionForm, StoreError};

use crate::AppState;
use crate::auth::{ApiUser, PageUser};
use crate::error::WebError;
use crate::forms::Fields;
use crate::i18n::Lang;
use crate::json::{ApiJson, ApiResult};
use crate::pages::{PageResult, layout, notice_redirect};
use crate::period::{Period, period_of, period_query, picker};

pub(crate) fn page_routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/acceptance", get(page))
        .route("/acceptance/decide", post(decide))
}

pub(crate) fn api_routes() -> utoipa_axum::router::OpenApiRouter<AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(api_acceptance))
        .routes(routes!(api_decide))
}

fn decision_words(t: &TownshipAcceptance, lang: Lang) -> Markup {
    match &t.decision {
        Some(d) if d.passed => html! { span.up { (lang.t("验收通过", "Accepted")) } },
        Some(_) => html! { span.down { (lang.t("验收不通过", "Not accepted")) } },
        None => html! { span.muted { (lang.t("待验收", "Not decided")) } },
    }
}

fn summary_table(a: &Acceptance, lang: Lang) -> Markup {
    let zh = lang.is_zh();
    html! {
        div.scroll { table.acceptance {
            thead { tr {
                th { (lang.t("乡镇(街道)", "Township")) }
                @for &c in Check::ALL { th title=(c.rule()) { (c.label(zh)) } }
                th { (lang.t("达标", "Met")) }
                th { (lang.t("验收结论", "Decision")) }
            } }
            tbody { @for t in &a.townships {
                tr {
                    td { a href={"#t" (t.township_id)} { (t.township) } }
                    @for c in &t.checks {
                        @if c.met() { td.ok { "✓" } }
                        @else { td.warn { a href={"#t" (t.township_id) "-" (c.check.code())} { "✗ " (c.cases.len() + c.weeks.len()) } } }
                    }
                    td.num { (t.met()) "/" (t.checks.len()) }
                    td { (decision_words(t, lang)) }
                }
            } }
        } }
    }
}

fn decide_form(p: &Period, t: &TownshipAcceptance, error: Option<&str>, lang: Lang) -> Markup {
    let passed = t.decision.as_ref().map_or(t.all_met(), |d| d.passed);
    html! {
        form.decide method="post" action="/acceptance/decide" {
            @if let Some(e) = error { div.error role="alert" { (e) } }
            input type="hidden" name="from" value=(p.from);
            input type="hidden" name="to" value=(p.to);
            input type="hidden" name="township" value=(t.township_id);
            fieldset {
                legend { (lang.t("验收结论", "Decision")) }
                label.check { input type="radio" name="passed" value="1" checked[passed]; (lang.t("通过", "Accepted")) }
                label.check { input type="radio" name="passed" value="0" checked[!passed]; (lang.t("不通过", "Not accepted")) }
            }
            label { (lang.t("验收意见（不通过或有未达标项时必填）", "Remarks (required to fail, or to pass with items unmet)"))
                textarea name="note" rows="2" { @if let Some(d) = &t.decision { (d.note) } } }
            div.actions { button.primary type="submit" { (lang.t("保存结论", "Save the decision")) } }
        }
    }
}

/// How a township's card is shown to this reader.
struct CardView {
    may_decide: bool,
    /// Open at once: the reader's only township.
    open: bool,
    /// The reader is the township: its dispatches are at /dispatch.
    own: bool,
}

fn township_card(
    p: &Period,
    t: &TownshipAcceptance,
    view: &CardView,
    error: Option<&str>,
    lang: Lang,
) -> Markup {
    let zh = lang.is_zh();
    let (may_decide, open, own) = (view.may_decide, view.open, view.own);
    html! {
        details.card.township id={"t" (t.township_id)} open[open || error.is_some()] {
            summary { strong { (t.township) } " · " (lang.t("达标 ", "met ")) (t.met()) "/" (t.checks.len()) " · " (decision_words(t, lang)) }
            @if let Some(d) = &t.decision {
                p.muted { (d.decided_by) " · " (display_stamp(&d.decided_at)) @if !d.note.is_empty() { "：" (d.note) } }
            }
            ul.checklist { @for c in &t.checks {
                li.ok[c.met()].warn[!c.met()] id={"t" (t.township_id) "-" (c.check.code())} {
                    @if c.met() { "✓ " } @else { "✗ " }
                    strong { (c.check.label(zh)) }
                    @if !c.met() {
                        span.muted { " — " (c.check.rule()) "：" }
                        @for (i, case) in c.cases.iter().enumerate() {
                            @if i > 0 { "、" }
                            a href={"/cases/" (case.id)} { (case.number) }
                        }
                        @for (i, w) in c.weeks.iter().enumerate() {
                            @if i > 0 { "、" }
                            @if own { a href={"/dispatch?week=" (w)} { (w) } }
                            @else { a href={"/dispatch/" (t.township_id) "?week=" (w)} { (w) } }
                        }
                    }
                }
            } }
            @if may_decide { (decide_form(p, t, error, lang)) }
        }
    }
}

async fn page_markup(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    q: &Fields,
    notice: Option<&str>,
    refused: Option<(i64, &str)>,
) -> Result<Markup, WebError> {
    let (p, all) = period_of(state, actor, q, lang).await?;
    let a = state
        .store
        .acceptance(actor, p.from, p.to, state.clock.now())
        .await?;
    let over = p.to < state.clock.today();
    let may_decide = over && may(actor.role, Right::DecideAcceptance);
    let body = html! {
        @if let Some(m) = notice { div.ok role="status" { (m) } }
        h1 { (lang.t("阶段验收", "Phase acceptance")) }
        (picker("/acceptance", &p, &all, lang, html! {}))
        p.muted {
            (p.name) "：" (p.from) (lang.t(" 至 ", " to ")) (p.to) "；"
            @if over { (lang.t("按阶段末（", "as at the phase's end (")) (a.as_of) (lang.t("）台账核对。", ").")) }
            @else { (lang.t("阶段进行中，按今日（", "the phase is running; as of today (")) (a.as_of) (lang.t("）核对，阶段结束后方可作出验收结论。", "); it can be decided once the phase is over.")) }
        }
        @if a.townships.len() > 1 { (summary_table(&a, lang)) }
        @let view = CardView { may_decide, open: a.townships.len() == 1, own: actor.role == minewatch_core::Role::Township };
        @for t in &a.townships {
            (township_card(&p, t, &view, refused.filter(|(id, _)| *id == t.township_id).map(|(_, e)| e), lang))
        }
    };
    Ok(layout(
        lang,
        lang.t("阶段验收", "Phase acceptance"),
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

async fn decide(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Form(f): Form<Fields>,
) -> PageResult {
    let (p, _) = period_of(&state, &actor, &f, lang).await?;
    let township: i64 = f
        .get("township")
        .and_then(|t| t.parse().ok())
        .ok_or_else(|| WebError::field("township", "请选择乡镇", "choose the township"))?;
    let form = DecisionForm {
        township_id: township,
        passed: f.get("passed").is_some_and(|v| v == "1"),
        note: f.get("note").cloned().unwrap_or_default(),
    };
    match state
        .store
        .decide_acceptance(&actor, p.from, p.to, &form, state.clock.now())
        .await
    {
        Ok(_) => Ok(notice_redirect(
            &format!("/acceptance?{}#t{township}", period_query(&p)),
            lang.t("验收结论已保存。", "Decision saved."),
        )),
        Err(StoreError::Invalid { field, reason }) => {
            let words = match field {
                "note" if form.passed => "有未达标项，通过验收须写明理由。".to_string(),
                "note" => "不通过验收须写明理由。".to_string(),
                "to" => "阶段尚未结束，结束后方可作出验收结论。".to_string(),
                _ => format!("{field}: {reason}"),
            };
            let m = page_markup(
                &state,
                &actor,
                lang,
                &f,
                None,
                Some((township, lang.t(&words, &reason))),
            )
            .await?;
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, m).into_response())
        }
        Err(e) => Err(WebError::from(e).into()),
    }
}

/// The phase of an API call.
#[derive(serde::Deserialize, utoipa::IntoParams)]
pub(crate) struct PhaseQuery {
    /// First day, as 2026-03-16.
    from: chrono::NaiveDate,
    /// Last day, as 2026-10-31.
    to: chrono::NaiveDate,
}

#[utoipa::path(get, path = "/acceptance", tag = "acceptance",
    summary = "Each township's acceptance checklist for a phase, with what keeps each item unmet and the decision",
    params(PhaseQuery),
    responses(
        (status = 200, body = Acceptance),
        (status = 403, body = crate::json::ErrorBody, description = "this role reads no checklist"),
        (status = 422, body = crate::json::ErrorBody, description = "the period ends before it begins"),
    ))]
async fn api_acceptance(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Query(q): Query<PhaseQuery>,
) -> ApiResult<Json<Acceptance>> {
    Ok(Json(
        state
            .store
            .acceptance(&actor, q.from, q.to, state.clock.now())
            .await?,
    ))
}

#[utoipa::path(post, path = "/acceptance/decide", tag = "acceptance",
    summary = "Decide a township's phase (county office), once the phase is over",
    params(PhaseQuery),
    request_body = DecisionForm,
    responses(
        (status = 200, body = TownshipAcceptance, description = "the checklist with the decision"),
        (status = 403, body = crate::json::ErrorBody, description = "only the county office decides"),
        (status = 422, body = crate::json::ErrorBody, description = "the phase is not over, or a reason is missing"),
    ))]
async fn api_decide(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Query(q): Query<PhaseQuery>,
    ApiJson(form): ApiJson<DecisionForm>,
) -> ApiResult<Json<TownshipAcceptance>> {
    Ok(Json(
        state
            .store
            .decide_acceptance(&actor, q.from, q.to, &form, state.clock.now())
            .await?,
    ))
}
