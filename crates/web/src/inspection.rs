//! 督导检查 (R26) on the web: the visits to the townships, announced or 四不两直, each with
//! the cases it found; the county office and the inspectors record a visit and file its
//! findings, each a case of the source 上级督察交办; a township reads its own visits.

use axum::Json;
use axum::extract::{Form, Path, Query, State};
use axum::response::IntoResponse;
use chrono::NaiveDate;
use maud::{Markup, html};
use minewatch_core::inspection::InspectionKind;
use minewatch_core::rights::{Right, may};
use minewatch_core::{ClueSource, ProblemKind, Severity};
use minewatch_store::{Actor, ClueOutcome, InspectionRow, NewClue, NewInspection, StoreError};

use crate::AppState;
use crate::auth::{ApiUser, PageUser};
use crate::error::WebError;
use crate::forms::Fields;
use crate::i18n::Lang;
use crate::json::{ApiJson, ApiResult};
use crate::ledger::clue::parse_float;
use crate::pages::{PageResult, layout, notice_redirect};

pub(crate) fn page_routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/inspections", get(page).post(record))
        .route("/inspections/{id}/findings", post(add_finding))
}

pub(crate) fn api_routes() -> utoipa_axum::router::OpenApiRouter<AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(api_list, api_record))
        .routes(routes!(api_finding))
}

fn day(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

fn visit_card(
    v: &InspectionRow,
    villages: &[minewatch_store::VillageRow],
    record: bool,
    lang: Lang,
) -> Markup {
    let zh = lang.is_zh();
    html! {
        section.card.visit id={"v" (v.id)} {
            h2 { (v.township) " · " (v.visited_on) " "
                span.tag.warn[v.kind == InspectionKind::Unannounced] { (v.kind.label(zh)) } }
            dl.fields {
                dt { (lang.t("督导组", "Team")) } dd { (v.team) }
                dt { (lang.t("检查地点", "Places")) } dd { (v.places) }
                dt { (lang.t("检查情况", "What was seen")) } dd.pre { (v.summary) }
                dt { (lang.t("发现问题", "Findings")) } dd {
                    @if v.findings.is_empty() { span.muted { (lang.t("未发现问题", "nothing found")) } }
                    ul { @for c in &v.findings {
                        li { a href={"/cases/" (c.case_id)} { (c.number) } " " (c.finding) " "
                            span.status data-status=(c.status.code()) { (c.status.label(zh)) } }
                    } }
                }
                dt { (lang.t("登记人", "Recorded by")) } dd { (v.recorded_by) }
            }
            @if record {
                details { summary { (lang.t("登记发现的问题（转为案件）", "File a finding (becomes a case)")) }
                    form method="post" action={"/inspections/" (v.id) "/findings"} {
                        label { (lang.t("村(社区)", "Village")) select name="village_id" {
                            option value="" { (lang.t("请选择", "Choose")) }
                            @for x in villages.iter().filter(|x| x.township_id == v.township_id) { option value=(x.id) { (x.name) } }
                        } }
                        label { (lang.t("问题类型", "Kind")) select name="problem_kind" {
                            @for k in ProblemKind::ALL { option value=(k.code()) { (k.label(zh)) } } } }
                        label { (lang.t("问题等级", "Severity")) select name="severity" {
                            @for s in [Severity::General, Severity::Key] { option value=(s.code()) { (s.label(zh)) } } } }
                        label { (lang.t("详细地址", "Address")) input name="address"; }
                        div.row {
                            label { (lang.t("经度", "Longitude")) input name="lon" inputmode="decimal"; }
                            label { (lang.t("纬度", "Latitude")) input name="lat" inputmode="decimal"; }
                        }
                        label { (lang.t("问题描述", "Description")) " *" textarea name="description" rows="2" required {} }
                        button type="submit" { (lang.t("登记为案件", "File as a case")) }
                    }
                }
            }
        }
    }
}

async fn page_markup(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    notice: Option<&str>,
    refused: Option<(&Fields, &str)>,
) -> Result<Markup, WebError> {
    let zh = lang.is_zh();
    let visits = state.store.inspections(actor).await?;
    let record = may(actor.role, Right::RecordInspection);
    let (townships, villages) = if record {
        (
            state.store.townships(actor.county_id).await?,
            state.store.villages(actor.county_id, None).await?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let empty = Fields::default();
    let (typed, error) = refused.map_or((&empty, None), |(f, e)| (f, Some(e)));
    let get = |k: &str| typed.get(k).map_or("", String::as_str);
    let unannounced = visits
        .iter()
        .filter(|v| v.kind == InspectionKind::Unannounced)
        .count();
    let found: usize = visits.iter().map(|v| v.findings.len()).sum();
    let body = html! {
        @if let Some(m) = notice { div.ok role="status" { (m) } }
        h1 { (lang.t("督导检查", "Inspections")) }
        p.muted { (lang.t("“四不两直”：不发通知、不打招呼、不听汇报、不用陪同接待，直奔基层、直插现场。发现的问题转为“上级督察交办”案件，计入月度排名。",
            "Unannounced visits go straight to the site without notice or escort. What they find becomes a case from the source 'superior inspection', which the monthly ranking counts.")) }
        p { (lang.t("检查 ", "Visits: ")) strong { (visits.len()) } (lang.t(" 次，其中四不两直 ", ", unannounced ")) strong { (unannounced) } (lang.t(" 次；发现问题 ", "; cases found ")) strong { (found) } (lang.t(" 件", "")) }
        @if record {
            details.card open[error.is_some()] {
                summary { strong { (lang.t("登记督导检查", "Record a visit")) } }
                form method="post" action="/inspections" {
                    @if let Some(e) = error { div.error role="alert" { (e) } }
                    label { (lang.t("乡镇(街道)", "Township")) " *" select name="township_id" required {
                        option value="" { (lang.t("请选择", "Choose")) }
                        @for t in &townships { option value=(t.id) selected[get("township_id") == t.id.to_string()] { (t.name) } }
                    } }
                    label { (lang.t("方式", "Kind")) select name="kind" {
                        @for k in InspectionKind::ALL { option value=(k.code()) selected[get("kind") == k.code()] { (k.label(zh)) } }
                    } }
                    label { (lang.t("检查日期", "Day")) " *" input type="date" name="visited_on" value=(get("visited_on")) required; }
                    label { (lang.t("督导组及成员", "Team")) " *" input type="text" name="team" value=(get("team")) required; }
                    label { (lang.t("检查地点", "Places")) " *" textarea name="places" rows="2" required { (get("places")) } }
                    label { (lang.t("检查情况", "What was seen")) " *" textarea name="summary" rows="3" required { (get("summary")) } }
                    div.actions { button.primary type="submit" { (lang.t("登记", "Record")) } }
                }
            }
        }
        @if visits.is_empty() { p.muted { (lang.t("暂无督导检查记录。", "No visit recorded yet.")) } }
        @for v in &visits { (visit_card(v, &villages, record, lang)) }
    };
    Ok(layout(
        lang,
        lang.t("督导检查", "Inspections"),
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
    Ok(
        page_markup(&state, &actor, lang, q.get("ok").map(String::as_str), None)
            .await?
            .into_response(),
    )
}

fn refusal_words(e: &StoreError) -> Option<String> {
    let StoreError::Invalid { field, reason } = e else {
        return None;
    };
    Some(match *field {
        "township" => "请选择乡镇".to_string(),
        "visited_on" if reason.contains("not come") => "检查日期不能晚于今天".to_string(),
        "visited_on" => "请填写检查日期".to_string(),
        "team" => "请填写督导组及成员".to_string(),
        "places" => "请填写检查地点".to_string(),
        "summary" => "请填写检查情况".to_string(),
        _ => return None,
    })
}

async fn record(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Form(f): Form<Fields>,
) -> PageResult {
    let get = |k: &str| f.get(k).map_or("", |s| s.trim());
    let visit = NewInspection {
        township_id: get("township_id").parse().unwrap_or(0),
        kind: InspectionKind::from_code(get("kind")).unwrap_or(InspectionKind::Unannounced),
        visited_on: day(get("visited_on")),
        team: get("team").into(),
        places: get("places").into(),
        summary: get("summary").into(),
    };
    match state
        .store
        .record_inspection(&actor, &visit, state.clock.now())
        .await
    {
        Ok(id) => Ok(notice_redirect(
            &format!("/inspections#v{id}"),
            lang.t(
                "已登记。发现的问题请逐条登记为案件。",
                "Recorded. File each finding as a case.",
            ),
        )),
        Err(e) => match refusal_words(&e) {
            Some(words) => {
                let m = page_markup(
                    &state,
                    &actor,
                    lang,
                    None,
                    Some((&f, lang.t(&words, &e.to_string()))),
                )
                .await?;
                Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, m).into_response())
            }
            None => Err(WebError::from(e).into()),
        },
    }
}

fn finding_of(f: &Fields) -> Result<NewClue, WebError> {
    let get = |k: &str| f.get(k).map_or("", |s| s.trim());
    Ok(NewClue {
        source: ClueSource::SuperiorInspection,
        township_id: 0,
        village_id: get("village_id").parse().ok(),
        address: get("address").into(),
        lon: parse_float(f, "lon")?,
        lat: parse_float(f, "lat")?,
        observed_at: None,
        description: get("description").into(),
        problem_kind: ProblemKind::from_code(get("problem_kind"))
            .ok_or_else(|| WebError::field("kind", "必须选择", "is required"))?,
        severity: Severity::from_code(get("severity")).unwrap_or(Severity::General),
        reporter_name: String::new(),
        reporter_phone: String::new(),
        attachments: Vec::new(),
    })
}

async fn add_finding(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> PageResult {
    let clue = finding_of(&f)?;
    let out = state
        .store
        .add_inspection_finding(&actor, id, &clue, state.clock.now())
        .await?;
    Ok(notice_redirect(
        &format!("/inspections#v{id}"),
        &if lang.is_zh() {
            format!("已登记为案件 {}。", out.case_number)
        } else {
            format!("Filed as case {}.", out.case_number)
        },
    ))
}

#[utoipa::path(get, path = "/inspections", tag = "inspections",
    summary = "Inspection visits in sight (a township its own), each with the cases it found",
    responses((status = 200, body = Vec<InspectionRow>), (status = 403, body = crate::json::ErrorBody)))]
async fn api_list(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
) -> ApiResult<Json<Vec<InspectionRow>>> {
    Ok(Json(state.store.inspections(&actor).await?))
}

#[utoipa::path(post, path = "/inspections", tag = "inspections",
    summary = "Record an inspection visit (announced or 四不两直)",
    request_body = NewInspection,
    responses(
        (status = 201, body = crate::json::Created),
        (status = 403, body = crate::json::ErrorBody, description = "not the county office or the inspectors"),
        (status = 422, body = crate::json::ErrorBody, description = "a field missing or wrong"),
    ))]
async fn api_record(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiJson(v): ApiJson<NewInspection>,
) -> ApiResult<(axum::http::StatusCode, Json<crate::json::Created>)> {
    let id = state
        .store
        .record_inspection(&actor, &v, state.clock.now())
        .await?;
    Ok(crate::json::created(id))
}

#[utoipa::path(post, path = "/inspections/{id}/findings", tag = "inspections",
    summary = "File a finding of a visit: a clue of the source superior_inspection in the visit's township",
    params(("id" = i64, Path, description = "inspection id")),
    request_body = NewClue,
    responses(
        (status = 201, body = ClueOutcome),
        (status = 403, body = crate::json::ErrorBody),
        (status = 404, body = crate::json::ErrorBody, description = "no such visit"),
        (status = 422, body = crate::json::ErrorBody, description = "as a clue is refused"),
    ))]
async fn api_finding(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<i64>,
    ApiJson(clue): ApiJson<NewClue>,
) -> ApiResult<(axum::http::StatusCode, Json<ClueOutcome>)> {
    let out = state
        .store
        .add_inspection_finding(&actor, id, &clue, state.clock.now())
        .await?;
    Ok((axum::http::StatusCode::CREATED, Json(out)))
}
