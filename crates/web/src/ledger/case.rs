//! A case: its R11 fields, its timeline, and a form for each step the user may take now.

use crate::AppState;
use crate::auth::PageUser;
use crate::error::WebError;
use crate::forms::{self, Fields};
use crate::i18n::Lang;
use crate::pages::{PageResult, is_office, layout, yuan};
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};
use minewatch_core::clock::display_stamp;
use minewatch_core::rights::may_act;
use minewatch_core::{
    CaseAction, CaseStatus, ClueSource, Decision, MeasureStep, ProblemKind, Severity,
};
use minewatch_store::{Actor, CaseDetail};

pub async fn page(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Path(id): Path<minewatch_store::CaseId>,
) -> PageResult {
    render(&state, &actor, lang, id, None).await
}

async fn render(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    id: minewatch_store::CaseId,
    error: Option<(StatusCode, String)>,
) -> PageResult {
    let d = state
        .store
        .case_detail(actor, id, state.clock.today())
        .await?;
    let status = error.as_ref().map_or(StatusCode::OK, |(s, _)| *s);
    // The grid's named officials answer for the place (R2).
    let grids = match d.case.village_id {
        Some(v) => state.store.grids(v).await.unwrap_or_default(),
        None => Vec::new(),
    };
    // Leads on this case, for those who may see them (others get an empty list).
    let leads = state.store.leads(actor, Some(id)).await.unwrap_or_default();
    let suggestions = state
        .store
        .merge_suggestions(actor, id)
        .await
        .unwrap_or_default();
    let listings = state
        .store
        .listings_of_case(actor, id.0, state.clock.now())
        .await?;
    let visits = state.store.inspections_of_case(actor, id.0).await?;
    let photos = crate::pages::photos::readings_near(
        state,
        d.clues
            .iter()
            .flat_map(|c| c.attachments.iter())
            .chain(d.events.iter().flat_map(|e| e.attachments.iter())),
        d.case.lon.zip(d.case.lat),
    )
    .await;
    let body = html! {
        @if let Some((_, msg)) = &error { div.error role="alert" { (msg) } }
        (summary(&d, lang, &photos))
        (papers(&d, actor, lang))
        @for (visit, day, kind) in &visits {
            p.note { (lang.t("督导检查发现：", "Found by an inspection: "))
                a href={"/inspections#v" (visit)} { (day) " " (kind.label(lang.is_zh())) } }
        }
        @if !listings.is_empty() {
            p.note { (lang.t("据本案列入黑名单：", "On the blacklist for this case: "))
                @for (i, (entry, kind, name, in_force)) in listings.iter().enumerate() {
                    @if i > 0 { "、" }
                    a href={"/blacklist#b" (entry)} { (kind.label(lang.is_zh())) " " (name) }
                    @if !in_force { " " span.tag { (lang.t("已不在列", "no longer listed")) } }
                }
            }
        }
        @for (other, number, kind, metres) in &suggestions {
            div.warn {
                (if kind == "merge" { lang.t("可能与在办问题 ", "Possibly the same problem as the open case ") } else { lang.t("可能是已销号问题的复发：", "Possibly a recurrence of the closed case ") })
                a href={"/cases/" (other)} { (number) }
                (lang.t(" 为同一问题", "")) " (" (format!("{metres:.0}")) " m) — "
                (lang.t("线索提交人看不到该案件，故未并入；请核对后办理。", "the clue's filer cannot see that case, so it was not joined; check both."))
            }
        }
        @for l in &leads {
            div.warn.lead { (lang.t("应发现未发现：", "Should have found: ")) (l.village) " " (l.grid)
                (lang.t(" 在发现前报告“无发现” ", " reported “nothing found” ")) (l.evidence.reports.len()) (lang.t(" 次、附近巡查轨迹 ", " times, tracks nearby: ")) (l.evidence.tracks.len())
                " · " a href={"/leads/" (l.id)} { (lang.t("问责线索 #", "lead #")) (l.id) } }
        }
        @if !grids.is_empty() {
            section.card {
                h2 { (lang.t("网格责任人", "Grid officials")) }
                div.scroll { table {
                    thead { tr { th { (lang.t("网格", "Grid")) } th { (lang.t("第一责任人", "First responsible")) } th { (lang.t("直接责任人", "Directly responsible")) } th { (lang.t("包村干部", "Cadre in charge")) } th { (lang.t("联系电话", "Phone")) } } }
                    tbody { @for g in &grids { tr { td { (g.name) } td { (g.first_responsible) } td { (g.directly_responsible) } td { (g.village_cadre) } td { (g.contact_phone) } } } }
                } }
            }
        }
        (forms_for(&d, actor, lang, state.clock.today()))
        (timeline(&d, lang, &photos))
    };
    Ok((status, layout(lang, &d.case.number, Some(actor), body)).into_response())
}

fn summary(d: &CaseDetail, lang: Lang, photos: &crate::pages::photos::Readings) -> Markup {
    let zh = lang.is_zh();
    let c = &d.case;
    let status = CaseStatus::from_code(&c.status).map_or(c.status.as_str(), |s| s.label(zh));
    html! {
        section.card {
            h1 { (c.number) " " span.status data-status=(c.status) { (status) }
                @if c.days_overdue > 0 { " " span.tag.warn { (lang.t("逾期", "overdue ")) (c.days_overdue) (lang.t("天", " days")) } }
                @if c.escalated { " " span.tag.warn { (lang.t("已升级至县办", "escalated")) } } }
            dl.fields {
                dt { (lang.t("乡镇(街道)/村", "Township / village")) } dd { (c.township) " " (c.village) }
                dt { (lang.t("地址", "Address")) } dd { (c.address) @if let (Some(lon), Some(lat)) = (c.lon, c.lat) { " (" (format!("{lon:.5}, {lat:.5}")) ")" } }
                dt { (lang.t("发现问题", "Finding")) } dd { (c.finding) }
                dt { (lang.t("问题类型", "Kind")) } dd { (ProblemKind::from_code(&c.problem_kind).map_or(c.problem_kind.as_str(), |k| k.label(zh))) }
                dt { (lang.t("问题等级", "Severity")) } dd { (Severity::from_code(&c.severity).map_or(c.severity.as_str(), |s| s.label(zh))) }
                dt { (lang.t("线索来源", "Source")) } dd { (ClueSource::from_code(&c.source).map_or(c.source.as_str(), |s| s.label(zh))) }
                dt { (lang.t("牵头部门", "Lead department")) } dd { (c.lead_department) }
                dt { (lang.t("处置决定", "Decision")) } dd { (c.decision.as_deref().and_then(Decision::from_code).map_or("—", |x| x.label(zh))) }
                dt { (lang.t("责任单位/责任人", "Responsible unit / person")) } dd { (c.responsible_unit) " " (c.responsible_person) }
                dt { (lang.t("整改措施", "Measures")) } dd { (c.measures) }
                dt { (lang.t("时限", "Deadline")) } dd { (c.due_on.as_deref().unwrap_or("—")) }
                dt { (lang.t("两断三清", "Cuts and clears")) } dd {
                    @for s in MeasureStep::ALL { span.tag.done[d.state.steps_done.contains(s)] { (s.label(zh)) } " " }
                }
                dt { (lang.t("行刑衔接", "Criminal track")) } dd { (d.state.police.label(zh)) }
                dt { (lang.t("纪检移送", "Discipline")) } dd { (d.state.discipline.label(zh)) }
                dt { (lang.t("罚款/没收(元)", "Fine / confiscated (yuan)")) } dd { (yuan(c.fine_fen)) " / " (yuan(c.confiscation_fen)) }
                @if !d.look_backs.is_empty() {
                    dt { (lang.t("回头看", "Look-backs")) } dd { @for (due, done) in &d.look_backs { span.tag.done[done.is_some()] { (due) } " " } }
                }
            }
            h2 { (lang.t("线索", "Clues")) " (" (d.clues.len()) ")" }
            ul.clues { @for cl in &d.clues {
                li { (ClueSource::from_code(&cl.source).map_or(cl.source.as_str(), |s| s.label(zh))) " · " (display_stamp(&cl.filed_at)) " · " (cl.description)
                    @if cl.merged { " " span.tag { (lang.t("已并入", "merged")) } }
                    (crate::pages::photos::cards(lang, &photos.of(&cl.attachments))) }
            } }
        }
    }
}

/// The case's documents to print, for the offices that file them (not for village phones).
fn papers(d: &CaseDetail, actor: &Actor, lang: Lang) -> Markup {
    if matches!(actor.scope, minewatch_core::Scope::Village(_)) {
        return html! {};
    }
    let id = d.case.id;
    html! {
        p.papers { (lang.t("打印文书：", "Print: "))
            a href={"/cases/" (id) "/handoff.pdf"} target="_blank" { (lang.t("问题交办单", "hand-off sheet")) } " · "
            @if d.case.days_overdue > 0 {
                a href={"/cases/" (id) "/supervision.pdf"} target="_blank" { (lang.t("督办函", "supervision letter")) } " · "
            }
            a href={"/cases/" (id) "/closing.pdf"} target="_blank" { (lang.t("销号审批表", "closing approval form")) }
            " (PDF)"
        }
    }
}

fn timeline(d: &CaseDetail, lang: Lang, photos: &crate::pages::photos::Readings) -> Markup {
    html! {
        section.card {
            h2 { (lang.t("办理记录", "Timeline")) }
            ol.timeline { @for e in &d.events {
                li {
                    span.when { (display_stamp(&e.at)) }
                    strong { (if lang.is_zh() { &e.label_zh } else { &e.label_en }) }
                    span.who { (e.actor) }
                    @if let Some(text) = payload_text(&e.payload) { div.what { (text) } }
                    (crate::pages::photos::cards(lang, &photos.of(&e.attachments)))
                    span.hash title=(lang.t("记录序号（哈希链）", "record number (hash chain)")) { "#" (e.seq) }
                }
            } }
        }
    }
}

pub(crate) fn payload_text(p: &serde_json::Value) -> Option<String> {
    let parts: Vec<String> = [
        "note",
        "text",
        "measures",
        "result",
        "receipt_no",
        "document_no",
        "items",
        "reason",
        "deadline",
        "description",
        "new_case",
    ]
    .iter()
    .filter_map(|k| {
        p.get(*k)
            .and_then(|v| v.as_str())
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    })
    .collect();
    (!parts.is_empty()).then(|| parts.join(" · "))
}

fn allowed(actor: &Actor, a: &CaseAction) -> bool {
    may_act(actor.role, a)
}

/// One form per step the user may take now; each posts to `/cases/{id}/act`.
fn forms_for(d: &CaseDetail, actor: &Actor, lang: Lang, today: chrono::NaiveDate) -> Markup {
    let zh = lang.is_zh();
    let e = String::new;
    // Offer a step when the role may take it and the case is at the point where it fits;
    // its fields are checked on submit.
    let probe = |a: CaseAction| allowed(actor, &a) && d.state.check_order(&a).is_ok();
    let id = d.case.id;
    let photo = html! { label { (lang.t("照片/材料", "Photos / documents")) input type="file" name="photo" multiple accept="image/*,application/pdf"; } };
    let form = |action: &str, title: &str, inner: Markup| {
        html! {
            details.step {
                summary { (title) }
                form method="post" action=(format!("/cases/{id}/act")) enctype="multipart/form-data" {
                    input type="hidden" name="action" value=(action);
                    (inner)
                    (photo)
                    button type="submit" { (title) }
                }
            }
        }
    };
    html! {
        section.card.actions {
            h2 { (lang.t("下一步", "Next steps")) }
            @if probe(CaseAction::Verify { founded: true, note: e() }) {
                (form("verify", lang.t("核查", "Verify"), html! {
                    fieldset { legend { (lang.t("核查结论", "Finding")) }
                        label.check { input type="radio" name="founded" value="1" checked; (lang.t("情况属实", "Founded")) }
                        label.check { input type="radio" name="founded" value="0"; (lang.t("核查不实（关闭，须写明理由）", "Unfounded (closes; give the reason)")) } }
                    label { (lang.t("核查说明", "Note")) textarea name="note" {} }
                }))
            }
            @if probe(CaseAction::Decide { decision: Decision::Rectify, measures: e(), deadline: today, responsible_unit: e(), responsible_person: e() }) {
                (form("decide", lang.t("处置决定", "Decide"), html! {
                    label { (lang.t("处置方式", "Decision"))
                        select name="decision" required { @for x in Decision::ALL { option value=(x.code()) { (x.label(zh)) } } } }
                    label { (lang.t("整改措施", "Measures")) textarea name="measures" required {} }
                    label { (lang.t("整改时限", "Deadline")) input type="date" name="deadline" required min=(today.to_string()); }
                    label { (lang.t("责任单位", "Responsible unit")) input name="responsible_unit" required value=(d.case.lead_department); }
                    label { (lang.t("责任人", "Responsible person")) input name="responsible_person" required; }
                }))
            }
            @let missing: Vec<&MeasureStep> = MeasureStep::ALL.iter().filter(|x| !d.state.steps_done.contains(x)).collect();
            @if let Some(first) = missing.first() {
                @if probe(CaseAction::Measure { step: **first, note: e() }) {
                    (form("measure", lang.t("两断三清", "Cut / clear step"), html! {
                        label { (lang.t("步骤", "Step")) select name="step" { @for x in &missing { option value=(x.code()) { (x.label(zh)) } } } }
                        label { (lang.t("说明", "Note")) input name="note"; }
                    }))
                }
            }
            @if probe(CaseAction::Seize { items: e(), note: e() }) {
                (form("seize", lang.t("查扣查封", "Seize / seal"), html! {
                    label { (lang.t("查扣物品", "Items")) input name="items" required; }
                    label { (lang.t("说明", "Note")) input name="note"; }
                }))
            }
            @if probe(CaseAction::Penalty { fine_fen: 1, confiscation_fen: 0, document_no: "x".into() }) {
                (form("penalty", lang.t("行政处罚", "Penalty"), html! {
                    label { (lang.t("罚款(元)", "Fine (yuan)")) input name="fine_yuan" inputmode="decimal"; }
                    label { (lang.t("没收违法所得(元)", "Confiscated (yuan)")) input name="confiscation_yuan" inputmode="decimal"; }
                    label { (lang.t("处罚决定书文号", "Decision document no.")) input name="document_no" required; }
                }))
            }
            @if probe(CaseAction::Restore { note: e() }) {
                (form("restore", lang.t("生态修复", "Restoration"), html! { label { (lang.t("修复情况", "What was restored")) textarea name="note" required {} } }))
            }
            @if probe(CaseAction::ReportRectified { note: e() }) {
                (form("report_rectified", lang.t("整改完成，申请验收", "Report rectified"), html! { label { (lang.t("整改情况", "What was done")) textarea name="note" required {} } }))
            }
            @if probe(CaseAction::Accept { passed: true, note: e() }) {
                (form("accept", lang.t("验收", "Acceptance"), html! {
                    label.check { input type="radio" name="passed" value="1" checked; (lang.t("验收通过", "Passed")) }
                    label.check { input type="radio" name="passed" value="0"; (lang.t("不通过，退回整改", "Failed, back to rectification")) }
                    label { (lang.t("验收意见", "Note")) textarea name="note" {} }
                }))
            }
            @if probe(CaseAction::Close { note: e() }) {
                (form("close", lang.t("销号", "Close"), html! { label { (lang.t("销号说明", "Note")) input name="note"; } }))
            }
            @if probe(CaseAction::TransferPolice { note: e() }) {
                (form("transfer_police", lang.t("移送公安", "Transfer to police"), html! { label { (lang.t("移送理由", "Reason")) textarea name="note" required {} } }))
            }
            @if probe(CaseAction::PoliceFiled { receipt_no: e() }) {
                (form("police_filed", lang.t("登记公安立案回执", "Police filing receipt"), html! { label { (lang.t("回执号", "Receipt no.")) input name="receipt_no" required; } }))
            }
            @if probe(CaseAction::Prosecuted { note: e() }) {
                (form("prosecuted", lang.t("移送检察院", "To the procuratorate"), html! { label { (lang.t("说明", "Note")) input name="note"; } }))
            }
            @if probe(CaseAction::CourtJudged { result: e() }) {
                (form("court_judged", lang.t("登记判决结果", "Court judgement"), html! { label { (lang.t("判决结果", "Judgement")) textarea name="result" required {} } }))
            }
            @if probe(CaseAction::TransferDiscipline { note: e() }) {
                (form("transfer_discipline", lang.t("移送纪委监委", "Transfer to discipline inspection"), html! { label { (lang.t("移送理由", "Reason")) textarea name="note" required {} } }))
            }
            @if probe(CaseAction::DisciplineConcluded { result: e() }) {
                (form("discipline_concluded", lang.t("纪检办结", "Discipline concluded"), html! { label { (lang.t("处理结果", "Result")) textarea name="result" required {} } }))
            }
            @if probe(CaseAction::LookBack { recurrence: false, note: e() }) {
                (form("look_back", lang.t("回头看", "Look-back"), html! {
                    label.check { input type="checkbox" name="recurrence" value="1"; (lang.t("发现死灰复燃", "Found a recurrence")) }
                    label { (lang.t("检查情况", "Findings")) textarea name="note" required {} }
                }))
            }
            @if allowed(actor, &CaseAction::Note { text: e() }) {
                (form("note", lang.t("添加备注", "Add a note"), html! { label { (lang.t("备注", "Note")) textarea name="text" required {} } }))
            }
            @if is_office(actor) {
                @for cl in d.clues.iter().filter(|c| c.merged) {
                    form.inline method="post" action=(format!("/cases/{id}/act")) enctype="multipart/form-data" {
                        input type="hidden" name="action" value="split_clue";
                        input type="hidden" name="clue_id" value=(cl.id);
                        button.secondary type="submit" { (lang.t("撤销并入：线索", "Undo merge of clue ")) (cl.id) }
                    }
                }
            }
        }
    }
}

/// Reads a multipart case form and stores its photos.
async fn read_form(
    state: &AppState,
    actor: &Actor,
    mut mp: Multipart,
) -> Result<(Fields, crate::upload::Stored), WebError> {
    let (fields, files) = crate::upload::read_multipart(&mut mp, "photo").await?;
    let stored = crate::upload::store_all(state, actor, files).await?;
    Ok((fields, stored))
}

/// One step on a case from its form; `Some(case)` sends the user to another case (after
/// undoing a merge).
async fn act_on(
    state: &AppState,
    actor: &Actor,
    id: minewatch_store::CaseId,
    fields: &Fields,
    hashes: &[String],
) -> Result<Option<minewatch_store::CaseId>, WebError> {
    if fields.get("action").map(String::as_str) == Some("split_clue") {
        let clue_id = fields
            .get("clue_id")
            .and_then(|c| c.parse().ok())
            .ok_or_else(|| WebError::field("clue_id", "缺少线索编号", "missing clue id"))?;
        let out = state
            .store
            .split_clue(actor, clue_id, state.clock.now())
            .await?;
        return Ok(Some(out.case_id));
    }
    let action = forms::case_action(fields)?;
    state
        .store
        .apply_action(actor, id, &action, hashes, state.clock.now())
        .await?;
    Ok(None)
}

pub async fn act(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Path(id): Path<minewatch_store::CaseId>,
    mp: Multipart,
) -> PageResult {
    let result: Result<Option<minewatch_store::CaseId>, WebError> = async {
        let (fields, stored) = read_form(&state, &actor, mp).await?;
        let outcome = act_on(&state, &actor, id, &fields, &stored.hashes()).await;
        stored.settle(&state, &actor, outcome).await
    }
    .await;
    match result {
        Ok(next) => Ok(Redirect::to(&format!("/cases/{}", next.unwrap_or(id))).into_response()),
        Err(e @ WebError::Store(minewatch_store::StoreError::NotFound { .. })) => Err(e.into()),
        Err(e) => {
            let (status, _, message) = e.parts(lang);
            render(&state, &actor, lang, id, Some((status, message))).await
        }
    }
}
