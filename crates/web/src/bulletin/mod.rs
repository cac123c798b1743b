//! 月通报 (R25) pages and API: the month's ranking of the townships by the published formula,
//! each number a link to exactly the cases it counted; the office edits the formula, reads
//! the draft and issues (signs) the bulletin, which is then frozen; townships and the
//! inspectors read the issued ones. As a page, as the .xlsx the office files, and as JSON.

use axum::Json;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use minewatch_core::CaseStatus;
use minewatch_core::ClueSource;
use minewatch_core::bulletin::{
    BulletinFigures, MAX_WEIGHT, Month, RankItem, RankedTownship, RankingFormula, Weight,
};
use minewatch_core::clock::display_stamp;
use minewatch_core::rights::{Right, may};
use minewatch_core::{Role, Scope};
use minewatch_store::{
    Actor, BulletinRow, BulletinSummary, CountedCaseNow, FormulaRow, IssueForm, StoreError,
};
use serde::{Deserialize, Serialize};

mod pdf;
mod xlsx;

use crate::AppState;
use crate::auth::{ApiUser, PageUser};
use crate::chart::{Bar, bars};
use crate::error::WebError;
use crate::forms::Fields;
use crate::i18n::Lang;
use crate::json::{ApiJson, ApiResult};
use crate::pages::{PageResult, layout, notice_redirect};

pub(crate) fn page_routes() -> axum::Router<AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/bulletin", get(index))
        .route("/bulletin/formula", get(formula_page).post(formula_save))
        .route("/bulletin/{month}", get(month_page).post(issue))
        .route("/bulletin/{month}/xlsx", get(month_xlsx))
        .route("/bulletin/{month}/pdf", get(pdf::month_pdf))
        .route("/bulletin/{month}/{township}/{item}", get(drill_page))
}

pub(crate) fn api_routes() -> utoipa_axum::router::OpenApiRouter<AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(api_list))
        .routes(routes!(api_formula, api_set_formula))
        .routes(routes!(api_bulletin))
        .routes(routes!(api_issue))
        .routes(routes!(api_drill))
}

fn month_of(text: &str) -> Result<Month, WebError> {
    Month::parse(text).ok_or_else(|| {
        WebError::field(
            "month",
            format!("通报月份应写作 2026-11，而不是“{text}”"),
            format!("a month is written 2026-11, not '{text}'"),
        )
    })
}

fn item_of(text: &str) -> Result<RankItem, WebError> {
    RankItem::from_code(text).ok_or_else(|| {
        WebError::field(
            "item",
            format!("没有“{text}”这一计分项"),
            format!("no ranking item '{text}'"),
        )
    })
}

/// The month a reader lands on: the office the one it issues next (last month); the others
/// the latest issued.
async fn default_month(state: &AppState, actor: &Actor) -> Result<Option<Month>, WebError> {
    let last = Month::of(state.clock.today()).previous();
    if may(actor.role, Right::IssueBulletin) {
        return Ok(Some(last));
    }
    Ok(state
        .store
        .bulletins(actor)
        .await?
        .first()
        .and_then(|b| Month::parse(&b.month)))
}

fn heading(county: &str, month: Month, lang: Lang) -> String {
    if lang.is_zh() {
        format!("{county}打击非法采矿专项行动{}工作通报", month.label(true))
    } else {
        format!("{county}: campaign bulletin for {month}")
    }
}

fn change_words(line: &RankedTownship, lang: Lang) -> Markup {
    match line.change() {
        None => html! { span.muted { "—" } },
        Some(0) => html! { span.muted { (lang.t("持平", "same")) } },
        Some(n) if n > 0 => html! { span.up { "↑" (n) } },
        Some(n) => html! { span.down { "↓" (n.abs()) } },
    }
}

fn drill_href(month: Month, township_id: i64, item: RankItem) -> String {
    format!("/bulletin/{month}/{township_id}/{}", item.code())
}

/// May this reader drill into this township's line? (A township into its own only.)
fn may_drill(actor: &Actor, township_id: i64) -> bool {
    actor.role != Role::Township || actor.scope == Scope::Township(township_id)
}

fn worst_words(line: &RankedTownship, formula: &RankingFormula, lang: Lang) -> String {
    let worst = line.worst(formula, 2);
    if worst.is_empty() {
        return String::new();
    }
    worst
        .iter()
        .map(|(item, cost)| {
            let n = line
                .item(*item)
                .map_or(0, minewatch_core::bulletin::ItemCount::count);
            if lang.is_zh() {
                format!("{}{n}件（{cost}分）", item.label(true))
            } else {
                format!("{} {n} ({cost})", item.label(false))
            }
        })
        .collect::<Vec<_>>()
        .join(lang.t("；", "; "))
}

fn names(lines: &[&RankedTownship], lang: Lang) -> String {
    lines
        .iter()
        .map(|l| l.township.as_str())
        .collect::<Vec<_>>()
        .join(lang.t("、", ", "))
}

fn summary_markup(f: &BulletinFigures, lang: Lang) -> Markup {
    let (top, bottom) = f.top_and_bottom(3);
    html! {
        p.summary {
            (lang.t("排名靠前：", "Top: ")) strong { (names(&top, lang)) }
            @if !bottom.is_empty() {
                (lang.t("。排名靠后：", ". Bottom: ")) strong.down { (names(&bottom, lang)) }
            }
            (lang.t("。", "."))
        }
    }
}

fn ranking_table(f: &BulletinFigures, actor: &Actor, lang: Lang) -> Markup {
    let zh = lang.is_zh();
    html! {
        div.scroll { table.ranking {
            thead { tr {
                th { (lang.t("名次", "Rank")) } th { (lang.t("较上月", "Change")) } th { (lang.t("乡镇(街道)", "Township")) }
                @for &item in RankItem::ALL {
                    th.item title=(item.rule()) { (item.label(zh)) br; span.muted.weight { (signed(f.formula.weight(item))) } }
                }
                th { (lang.t("得分", "Score")) } th { (lang.t("主要扣分", "Main deductions")) }
            } }
            tbody {
                @for l in &f.lines {
                    tr.mine[actor.scope == Scope::Township(l.township_id)] {
                        td.num { (l.rank) } td { (change_words(l, lang)) } td { (l.township) }
                        @for c in &l.items {
                            td.num.item.warn[c.count() > 0 && f.formula.weight(c.item) < 0] {
                                @if c.count() > 0 && may_drill(actor, l.township_id) {
                                    a href=(drill_href(f.month, l.township_id, c.item)) { (c.count()) }
                                } @else { (c.count()) }
                            }
                        }
                        td.num { strong { (l.score) } }
                        td { (worst_words(l, &f.formula, lang)) }
                    }
                }
            }
        } }
    }
}

/// A township's own line first, each count a link to its cases: on a phone the table shows
/// only ranks and scores.
fn own_line(f: &BulletinFigures, actor: &Actor, lang: Lang) -> Markup {
    let Scope::Township(id) = actor.scope else {
        return html! {};
    };
    let Some(l) = f.line(id) else {
        return html! {};
    };
    let zh = lang.is_zh();
    html! {
        section.card.own {
            h2 { (lang.t("本乡镇：", "Your township: ")) (l.township) }
            p {
                (lang.t("第", "Rank ")) strong { (l.rank) } (lang.t("名", ""))
                " （" (lang.t("较上月 ", "change ")) (change_words(l, lang)) "） · "
                (lang.t("得分 ", "score ")) strong { (l.score) }
            }
            ul { @for c in l.items.iter().filter(|c| c.count() > 0) {
                li {
                    a href=(drill_href(f.month, l.township_id, c.item)) {
                        (c.item.label(zh)) " " (c.count()) (lang.t("件", ""))
                    }
                    " " span.muted { "(" (signed(f.formula.weight(c.item) * c.count())) (lang.t("分", "")) ")" }
                }
            } }
        }
    }
}

fn signed(w: i64) -> String {
    match w.cmp(&0) {
        std::cmp::Ordering::Greater => format!("+{w}"),
        std::cmp::Ordering::Less => format!("−{}", w.abs()),
        std::cmp::Ordering::Equal => "0".into(),
    }
}

fn rules_markup(f: &RankingFormula, lang: Lang) -> Markup {
    html! {
        details.rules {
            summary { (lang.t("计分办法", "How the score is counted")) }
            p { code { (f.text(lang.is_zh())) } }
            ul { @for &item in RankItem::ALL {
                li { strong { (item.label(lang.is_zh())) " " (signed(f.weight(item))) } "：" (item.rule()) }
            } }
            p.muted { (lang.t(
                "只计工作成效，不计登录次数、上传数量、轨迹长度或照片张数（防止“指尖上的形式主义”）。",
                "Outcomes only: log-ins, uploads, track length and photo counts are never scored."
            )) }
        }
    }
}

fn issue_form(month: Month, form: &IssueForm, error: Option<&str>, lang: Lang) -> Markup {
    html! {
        section.card {
            h2 { (lang.t("签发通报", "Issue the bulletin")) }
            p.muted { (lang.t("签发时按当时台账封存全部数字及其案件；签发后不能修改，此后的变化计入下月通报。",
                "Issuing freezes every number with its cases as the ledger has them; afterwards nothing changes it, and later changes count in next month's.")) }
            form method="post" action={"/bulletin/" (month)} {
                @if let Some(e) = error { div.error role="alert" { (e) } }
                label { (lang.t("文号", "Document number")) " *" input type="text" name="number" value=(form.number) placeholder="X打非办〔2026〕11号"; }
                label { (lang.t("签发人", "Signed by")) " *" input type="text" name="signed_by" value=(form.signed_by) autocomplete="name"; }
                label { (lang.t("通报意见（可选）", "Remarks (optional)")) textarea name="remarks" rows="4" { (form.remarks) } }
                div.actions { button.primary type="submit" { (lang.t("签发并封存", "Sign and issue")) } }
            }
        }
    }
}

fn month_nav(month: Month, today_month: Month, issued: &[BulletinSummary], lang: Lang) -> Markup {
    html! {
        p {
            a href={"/bulletin/" (month.previous())} { (lang.t("‹ 上月", "‹ Previous month")) }
            " · " strong { (month.label(lang.is_zh())) }
            @if month < today_month { " · " a href={"/bulletin/" (month.next())} { (lang.t("下月 ›", "Next month ›")) } }
            " · " a href={"/bulletin/" (month) "/xlsx"} { (lang.t("导出 Excel", "Export .xlsx")) }
            " · " a href={"/bulletin/" (month) "/pdf"} target="_blank" { (lang.t("打印通报 (PDF)", "Print (PDF)")) }
        }
        @if !issued.is_empty() {
            p.muted { (lang.t("已签发：", "Issued: "))
                @for (i, b) in issued.iter().enumerate() {
                    @if i > 0 { "、" }
                    a href={"/bulletin/" (b.month)} { (b.month) }
                }
            }
        }
    }
}

async fn bulletin_markup(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    month: Month,
    notice: Option<&str>,
    draft_form: Option<(&IssueForm, &str)>,
) -> Result<Markup, WebError> {
    let now = state.clock.now();
    let row = state.store.bulletin(actor, month, now).await?;
    let (_, county) = state.store.county(actor.county_id).await?;
    let issued = state.store.bulletins(actor).await?;
    let f = &row.figures;
    let chart: Vec<Bar<'_>> = f
        .lines
        .iter()
        .map(|l| Bar {
            label: &l.township,
            value: l.score,
            warn: f
                .top_and_bottom(3)
                .1
                .iter()
                .any(|b| b.township_id == l.township_id),
            href: None,
        })
        .collect();
    let month_over = state.clock.today() > month.last_day();
    let body = html! {
        @if let Some(m) = notice { div.ok role="status" { (m) } }
        (month_nav(month, Month::of(state.clock.today()), &issued, lang))
        article.bulletin {
            h1 { (heading(&county, month, lang)) }
            @match &row.issue {
                Some(i) => p.docno { (i.number) " · " (lang.t("签发人：", "Signed by ")) (i.signed_by) " · " (display_stamp(i.issued_at.as_str())) }
                None => p.draft role="note" {
                    strong { (lang.t("草稿", "Draft")) } " · "
                    (lang.t("台账实时数据，统计至 ", "live from the ledger, counted to ")) (f.as_of)
                    (lang.t("；签发后封存。乡镇在签发后才能看到。", "; frozen when issued. Townships see it once issued."))
                }
            }
            (summary_markup(f, lang))
            (own_line(f, actor, lang))
            @if let Some(i) = &row.issue { @if !i.remarks.is_empty() { p.pre { (i.remarks) } } }
            (bars(lang.t("各乡镇得分", "Score by township"), &chart))
            (ranking_table(f, actor, lang))
            (rules_markup(&f.formula, lang))
            @if let Some(i) = &row.issue {
                p.muted.small { (lang.t("封存数据摘要 SHA-256：", "Digest of the frozen figures, SHA-256: ")) code { (i.figures_sha256) } }
            }
        }
        @if row.issue.is_none() && may(actor.role, Right::IssueBulletin) {
            p { a href="/bulletin/formula" { (lang.t("调整计分办法", "Edit the ranking formula")) } }
            @if month_over {
                @let empty = IssueForm::default();
                @let (form, error) = draft_form.map_or((&empty, None), |(f, e)| (f, Some(e)));
                (issue_form(month, form, error, lang))
            } @else {
                p.muted { (lang.t("本月尚未结束，月末后可签发。", "The month is not over; it can be issued after its last day.")) }
            }
        }
    };
    Ok(layout(
        lang,
        lang.t("月通报", "Monthly bulletin"),
        Some(actor),
        body,
    ))
}

async fn index(State(state): State<AppState>, PageUser(actor): PageUser, lang: Lang) -> PageResult {
    if let Some(m) = default_month(&state, &actor).await? {
        return Ok(axum::response::Redirect::to(&format!("/bulletin/{m}")).into_response());
    }
    let body = html! {
        h1 { (lang.t("月通报", "Monthly bulletin")) }
        p.muted { (lang.t("县专项行动办公室尚未签发月通报。", "The county office has not issued a bulletin yet.")) }
    };
    Ok(layout(
        lang,
        lang.t("月通报", "Monthly bulletin"),
        Some(&actor),
        body,
    )
    .into_response())
}

async fn month_page(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Path(month): Path<String>,
    Query(q): Query<Fields>,
) -> PageResult {
    let month = month_of(&month)?;
    let m = bulletin_markup(
        &state,
        &actor,
        lang,
        month,
        q.get("ok").map(String::as_str),
        None,
    )
    .await?;
    Ok(m.into_response())
}

fn issue_refusal(err: &StoreError, lang: Lang) -> Option<String> {
    let StoreError::Invalid { field, reason } = err else {
        return None;
    };
    let zh = match *field {
        "number" => "请填写通报文号。".to_string(),
        "signed_by" => "请填写签发人。".to_string(),
        "month" if reason.contains("frozen") => "本月通报已签发并封存，不能再签发。".to_string(),
        "month" => format!("本月尚未结束，不能签发：{reason}"),
        _ => return None,
    };
    Some(if lang.is_zh() {
        zh
    } else {
        format!("field '{field}': {reason}")
    })
}

async fn issue(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Path(month): Path<String>,
    Form(f): Form<Fields>,
) -> PageResult {
    let month = month_of(&month)?;
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    let form = IssueForm {
        number: get("number"),
        signed_by: get("signed_by"),
        remarks: get("remarks"),
    };
    match state
        .store
        .issue_bulletin(&actor, month, &form, state.clock.now())
        .await
    {
        Ok(_) => Ok(notice_redirect(
            &format!("/bulletin/{month}"),
            lang.t("已签发，数据已封存。", "Issued; the figures are frozen."),
        )),
        Err(e) => match issue_refusal(&e, lang) {
            Some(words) => {
                let m = bulletin_markup(&state, &actor, lang, month, None, Some((&form, &words)))
                    .await?;
                Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, m).into_response())
            }
            None => Err(WebError::from(e).into()),
        },
    }
}

async fn drill_page(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Path((month, township, item)): Path<(String, String, String)>,
) -> PageResult {
    let month = month_of(&month)?;
    let item = item_of(&item)?;
    let township: i64 = township.parse().map_err(|_| WebError::NoRoute)?;
    let (row, cases) = state
        .store
        .bulletin_cases(&actor, month, township, item, state.clock.now())
        .await?;
    let zh = lang.is_zh();
    let name = row
        .figures
        .line(township)
        .map_or(String::new(), |l| l.township.clone());
    let body = html! {
        p { a href={"/bulletin/" (month)} { "‹ " (month.label(zh)) (lang.t("通报", " bulletin")) } }
        h1 { (name) " · " (item.label(zh)) " · " (cases.len()) (lang.t("件", "")) }
        p.muted { (item.rule()) "。"
            @if row.issue.is_some() { (lang.t("通报签发时统计的案件；状态为现在的状态。", "The cases counted when the bulletin was issued; their status is today's.")) }
            @else { (lang.t("草稿：台账实时统计。", "Draft: counted live from the ledger.")) }
        }
        div.scroll { table {
            thead { tr { th { (lang.t("案件编号", "Case")) } th { (lang.t("问题", "Finding")) } th { (lang.t("来源", "Source")) } th { (lang.t("现状态", "Status now")) } th { (lang.t("办理时限", "Due")) } } }
            tbody { @for c in &cases {
                tr {
                    td { a href={"/cases/" (c.id)} { (c.number) } }
                    td { (c.finding) }
                    td { (ClueSource::from_code(&c.source).map_or(c.source.as_str(), |s| s.label(zh))) }
                    td { (CaseStatus::from_code(&c.status).map_or(c.status.as_str(), |s| s.label(zh))) }
                    td { (c.due_on.as_deref().unwrap_or("")) }
                }
            } }
        } }
    };
    Ok(layout(
        lang,
        lang.t("月通报", "Monthly bulletin"),
        Some(&actor),
        body,
    )
    .into_response())
}

fn formula_markup(
    row: &FormulaRow,
    actor: &Actor,
    lang: Lang,
    error: Option<&str>,
    notice: Option<&str>,
) -> Markup {
    let zh = lang.is_zh();
    let f = &row.formula;
    let editable = may(actor.role, Right::IssueBulletin);
    html! {
        h1 { (lang.t("月通报计分办法", "Monthly ranking formula")) }
        @if let Some(m) = notice { div.ok role="status" { (m) } }
        p { code { (f.text(zh)) } }
        p.muted {
            @match (&row.edited_by, &row.edited_at) {
                (Some(by), Some(at)) => { (lang.t("最近调整：", "Last changed by ")) (by) " · " (display_stamp(at.as_str())) @if !row.note.is_empty() { " · " (row.note) } }
                _ => { (lang.t("默认办法，尚未调整。", "The default formula; never changed.")) }
            }
        }
        @if editable {
            form.formula method="post" action="/bulletin/formula" {
                @if let Some(e) = error { div.error role="alert" { (e) } }
                label { (lang.t("基础分", "Base score")) input type="number" name="base" value=(f.base) min="0" max="10000" required; }
                table {
                    thead { tr { th { (lang.t("计分项", "Item")) } th { (lang.t("每件分值", "Points each")) } th { (lang.t("统计口径", "What is counted")) } } }
                    tbody { @for &item in RankItem::ALL {
                        tr {
                            td { (item.label(zh)) }
                            td { input type="number" name={"w_" (item.code())} value=(f.weight(item)) min=(-MAX_WEIGHT) max=(MAX_WEIGHT) required; }
                            td.muted { (item.rule()) }
                        }
                    } }
                }
                label { (lang.t("调整说明", "Why it changed")) input type="text" name="note"; }
                p.muted { (lang.t("新办法用于此后计算和签发的通报；已签发的通报保留当时的办法。", "The new formula counts in bulletins drafted and issued from now on; issued ones keep theirs.")) }
                div.actions { button.primary type="submit" { (lang.t("保存计分办法", "Save the formula")) } }
            }
        } @else {
            ul { @for &item in RankItem::ALL { li { strong { (item.label(zh)) " " (signed(f.weight(item))) } "：" (item.rule()) } } }
        }
    }
}

async fn formula_page(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Query(q): Query<Fields>,
) -> PageResult {
    if !may(actor.role, Right::ReadBulletins) {
        return Err(WebError::from(StoreError::Forbidden(Right::ReadBulletins.refusal())).into());
    }
    let row = state.store.ranking_formula(actor.county_id).await?;
    let body = formula_markup(&row, &actor, lang, None, q.get("ok").map(String::as_str));
    Ok(layout(
        lang,
        lang.t("月通报", "Monthly bulletin"),
        Some(&actor),
        body,
    )
    .into_response())
}

/// The formula as the form sent it; a weight that is not a whole number is named.
fn formula_of(f: &Fields) -> Result<RankingFormula, (String, String)> {
    let number = |key: &str, label: &str| -> Result<i64, (String, String)> {
        let raw = f.get(key).map_or("", |s| s.trim());
        raw.parse::<i64>().map_err(|_| {
            (
                format!("“{label}”应为整数，而不是“{raw}”"),
                format!("'{label}' must be a whole number, not '{raw}'"),
            )
        })
    };
    let base = number("base", "基础分")?;
    let mut weights = Vec::with_capacity(RankItem::ALL.len());
    for &item in RankItem::ALL {
        weights.push(Weight {
            item,
            weight: number(&format!("w_{}", item.code()), item.label(true))?,
        });
    }
    Ok(RankingFormula { base, weights })
}

/// The form again with what was typed and the reason it was refused.
async fn formula_refused(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    formula: RankingFormula,
    zh: &str,
    en: &str,
) -> Result<Response, WebError> {
    let mut row = state.store.ranking_formula(actor.county_id).await?;
    row.formula = formula;
    let body = formula_markup(&row, actor, lang, Some(lang.t(zh, en)), None);
    let page = layout(
        lang,
        lang.t("月通报", "Monthly bulletin"),
        Some(actor),
        body,
    );
    Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

async fn formula_save(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Form(f): Form<Fields>,
) -> PageResult {
    let formula = match formula_of(&f) {
        Ok(formula) => formula,
        Err((zh, en)) => {
            let current = state.store.ranking_formula(actor.county_id).await?.formula;
            return Ok(formula_refused(&state, &actor, lang, current, &zh, &en).await?);
        }
    };
    let note = f.get("note").map_or("", String::as_str);
    match state
        .store
        .set_ranking_formula(&actor, &formula, note, state.clock.now())
        .await
    {
        Ok(_) => Ok(notice_redirect(
            "/bulletin/formula",
            lang.t("计分办法已保存。", "Formula saved."),
        )),
        Err(StoreError::Invalid { reason, .. }) => Ok(formula_refused(
            &state,
            &actor,
            lang,
            formula,
            &format!("计分办法不正确：{reason}"),
            &reason,
        )
        .await?),
        Err(e) => Err(WebError::from(e).into()),
    }
}

async fn month_xlsx(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Path(month): Path<String>,
) -> PageResult {
    let month = month_of(&month)?;
    let row = state
        .store
        .bulletin(&actor, month, state.clock.now())
        .await?;
    let (_, county) = state.store.county(actor.county_id).await?;
    let title = heading(&county, month, lang);
    let bytes = crate::export::off_thread(move || xlsx::bulletin(&row, &title, lang)).await?;
    Ok(crate::export::xlsx_file(
        bytes,
        &format!("bulletin-{month}.xlsx"),
    ))
}

#[utoipa::path(get, path = "/bulletins", tag = "bulletin",
    summary = "The issued monthly bulletins, latest first",
    responses(
        (status = 200, body = Vec<BulletinSummary>),
        (status = 403, body = crate::json::ErrorBody, description = "this role reads no bulletins"),
    ))]
async fn api_list(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
) -> ApiResult<Json<Vec<BulletinSummary>>> {
    Ok(Json(state.store.bulletins(&actor).await?))
}

#[utoipa::path(get, path = "/bulletin-formula", tag = "bulletin",
    summary = "The ranking formula in force",
    responses((status = 200, body = FormulaRow)))]
async fn api_formula(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
) -> ApiResult<Json<FormulaRow>> {
    if !may(actor.role, Right::ReadBulletins) {
        return Err(StoreError::Forbidden(Right::ReadBulletins.refusal()).into());
    }
    Ok(Json(state.store.ranking_formula(actor.county_id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct FormulaBody {
    #[serde(flatten)]
    formula: RankingFormula,
    /// Why it changed, for the record.
    #[serde(default)]
    note: String,
}

#[utoipa::path(put, path = "/bulletin-formula", tag = "bulletin",
    summary = "Put a new ranking formula in force (county office)",
    description = "Score = base + Σ weight × count. Items left out weigh 0; weights lie within ±100. Issued bulletins keep the formula they ranked by.",
    request_body = FormulaBody,
    responses(
        (status = 200, body = FormulaRow),
        (status = 403, body = crate::json::ErrorBody, description = "only the county office sets the formula"),
        (status = 422, body = crate::json::ErrorBody, description = "a weight out of range or given twice, or a base out of range"),
    ))]
async fn api_set_formula(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiJson(b): ApiJson<FormulaBody>,
) -> ApiResult<Json<FormulaRow>> {
    Ok(Json(
        state
            .store
            .set_ranking_formula(&actor, &b.formula, &b.note, state.clock.now())
            .await?,
    ))
}

#[utoipa::path(get, path = "/bulletin/{month}", tag = "bulletin",
    summary = "A month's bulletin: issued (frozen), or for the county office the draft the ledger gives now",
    description = "Every count lists the cases it counted (`lines[].items[].cases`).",
    params(("month" = String, Path, description = "the month, as 2026-11")),
    responses(
        (status = 200, body = BulletinRow),
        (status = 404, body = crate::json::ErrorBody, description = "not issued yet (drafts are the county office's)"),
        (status = 422, body = crate::json::ErrorBody, description = "not a month, or a month to come"),
    ))]
async fn api_bulletin(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(month): Path<String>,
) -> ApiResult<Json<BulletinRow>> {
    let month = month_of(&month)?;
    Ok(Json(
        state
            .store
            .bulletin(&actor, month, state.clock.now())
            .await?,
    ))
}

#[utoipa::path(post, path = "/bulletin/{month}/issue", tag = "bulletin",
    summary = "Issue (sign and freeze) a month's bulletin once the month is over (county office)",
    params(("month" = String, Path, description = "the month, as 2026-11")),
    request_body = IssueForm,
    responses(
        (status = 200, body = BulletinRow, description = "the bulletin as issued"),
        (status = 403, body = crate::json::ErrorBody, description = "only the county office issues"),
        (status = 422, body = crate::json::ErrorBody, description = "the month is not over, already issued, or the number or signatory missing"),
    ))]
async fn api_issue(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(month): Path<String>,
    ApiJson(form): ApiJson<IssueForm>,
) -> ApiResult<Json<BulletinRow>> {
    let month = month_of(&month)?;
    Ok(Json(
        state
            .store
            .issue_bulletin(&actor, month, &form, state.clock.now())
            .await?,
    ))
}

/// The cases behind one number of a bulletin.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct DrillDown {
    #[schema(example = "2026-11")]
    month: String,
    township_id: i64,
    item: RankItem,
    /// Counted when issued (or live, for a draft).
    issued: bool,
    cases: Vec<CountedCaseNow>,
}

#[utoipa::path(get, path = "/bulletin/{month}/{township}/{item}", tag = "bulletin",
    summary = "The cases one number of the bulletin counted, as they stand now",
    params(
        ("month" = String, Path, description = "the month, as 2026-11"),
        ("township" = i64, Path, description = "township id"),
        ("item" = RankItem, Path, description = "the ranking item"),
    ),
    responses(
        (status = 200, body = DrillDown),
        (status = 404, body = crate::json::ErrorBody, description = "not issued, or a township out of your sight"),
    ))]
async fn api_drill(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path((month, township, item)): Path<(String, i64, String)>,
) -> ApiResult<Json<DrillDown>> {
    let month = month_of(&month)?;
    let item = item_of(&item)?;
    let (row, cases) = state
        .store
        .bulletin_cases(&actor, month, township, item, state.clock.now())
        .await?;
    Ok(Json(DrillDown {
        month: month.to_string(),
        township_id: township,
        item,
        issued: row.issue.is_some(),
        cases,
    }))
}
