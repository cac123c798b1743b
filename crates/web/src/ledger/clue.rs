//! Clue intake from a phone or a desk: place, time, what was seen, photos.

use crate::AppState;
use crate::auth::PageUser;
use crate::error::WebError;
use crate::forms::Fields;
use crate::i18n::Lang;
use crate::pages::{PageResult, layout};
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use minewatch_core::clock::display_stamp;
use minewatch_core::{ClueSource, ProblemKind, Scope, Severity};
use minewatch_store::{Actor, NewClue};

async fn form_markup(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    values: &Fields,
    error: Option<&str>,
) -> Markup {
    let zh = lang.is_zh();
    let townships = state
        .store
        .townships(actor.county_id)
        .await
        .unwrap_or_default();
    let villages = state
        .store
        .villages(actor.county_id, None)
        .await
        .unwrap_or_default();
    let v = |k: &str| values.get(k).map_or("", String::as_str);
    let (own_t, own_v) = match actor.scope {
        Scope::Township(t) => (Some(t), None),
        Scope::Village(vid) => (
            villages.iter().find(|x| x.id == vid).map(|x| x.township_id),
            Some(vid),
        ),
        _ => (None, None),
    };
    let t_selected = |id: i64| {
        v("township_id") == id.to_string() || (v("township_id").is_empty() && own_t == Some(id))
    };
    let v_selected = |id: i64| {
        v("village_id") == id.to_string() || (v("village_id").is_empty() && own_v == Some(id))
    };
    let body = html! {
        h1 { (lang.t("登记线索", "New clue")) }
        @if let Some(e) = error { div.error role="alert" { (e) } }
        form.card method="post" action="/clues/new" enctype="multipart/form-data" {
            label { (lang.t("线索来源", "Source")) select name="source" required {
                @for s in ClueSource::ALL { option value=(s.code()) selected[v("source") == s.code()] { (s.label(zh)) } } } }
            label { (lang.t("问题类型", "Kind")) select name="problem_kind" required {
                @for k in ProblemKind::ALL { option value=(k.code()) selected[v("problem_kind") == k.code()] { (k.label(zh)) } } } }
            label { (lang.t("问题等级", "Severity")) select name="severity" {
                @for s in [Severity::General, Severity::Key] { option value=(s.code()) selected[v("severity") == s.code()] { (s.label(zh)) } } } }
            label { (lang.t("乡镇(街道)", "Township")) select name="township_id" id="township" required {
                option value="" { (lang.t("请选择", "Choose")) }
                @for t in &townships {
                    @if own_t.is_none() || own_t == Some(t.id) { option value=(t.id) selected[t_selected(t.id)] { (t.name) } }
                } } }
            label { (lang.t("村(社区)", "Village")) select name="village_id" id="village" {
                option value="" { (lang.t("请选择", "Choose")) }
                @for t in &townships { optgroup label=(t.name) data-township=(t.id) {
                    @for x in villages.iter().filter(|x| x.township_id == t.id) {
                        @if own_v.is_none() || own_v == Some(x.id) { option value=(x.id) selected[v_selected(x.id)] { (x.name) } }
                    } } } } }
            label { (lang.t("详细地址", "Address")) input name="address" value=(v("address")) placeholder=(lang.t("如：后山沟口", "e.g. mouth of the back-hill gully")); }
            div.row {
                label { (lang.t("经度", "Longitude")) input name="lon" id="lon" inputmode="decimal" value=(v("lon")); }
                label { (lang.t("纬度", "Latitude")) input name="lat" id="lat" inputmode="decimal" value=(v("lat")); }
                button.secondary type="button" id="locate" { (lang.t("使用当前位置", "Use my position")) }
            }
            label { (lang.t("发现时间", "Seen at")) input type="datetime-local" name="observed_at" value=(v("observed_at")); }
            label { (lang.t("问题描述", "What was seen")) textarea name="description" required { (v("description")) } }
            label { (lang.t("举报人姓名(可不填)", "Reporter name (optional)")) input name="reporter_name" value=(v("reporter_name")); }
            label { (lang.t("举报人电话(可不填)", "Reporter phone (optional)")) input name="reporter_phone" type="tel" value=(v("reporter_phone")); }
            label { (lang.t("现场照片", "Photos")) input type="file" name="photo" multiple accept="image/*"; }
            button type="submit" { (lang.t("提交", "Submit")) }
        }
    };
    layout(lang, lang.t("登记线索", "New clue"), Some(actor), body)
}

pub async fn form(State(state): State<AppState>, PageUser(actor): PageUser, lang: Lang) -> Markup {
    form_markup(&state, &actor, lang, &Fields::new(), None).await
}

pub(crate) fn parse_float(fields: &Fields, name: &'static str) -> Result<Option<f64>, WebError> {
    match fields.get(name).map_or("", |s| s.trim()) {
        "" => Ok(None),
        t => t
            .parse::<f64>()
            .map(Some)
            .map_err(|_| WebError::field(name, "应为数字（度）", "must be a number of degrees")),
    }
}

fn clue_from_fields(f: &Fields, attachments: Vec<String>) -> Result<NewClue, WebError> {
    let get = |k: &str| f.get(k).map_or("", |s| s.trim());
    let source = ClueSource::from_code(get("source"))
        .ok_or_else(|| WebError::field("source", "必须选择", "is required"))?;
    let problem_kind = ProblemKind::from_code(get("problem_kind"))
        .ok_or_else(|| WebError::field("kind", "必须选择", "is required"))?;
    let township_id = get("township_id")
        .parse()
        .map_err(|_| WebError::field("township", "必须选择", "is required"))?;
    let village_id = match get("village_id") {
        "" => None,
        v => Some(
            v.parse()
                .map_err(|_| WebError::field("village", "选择有误", "is not a village"))?,
        ),
    };
    let observed_at = match get("observed_at") {
        "" => None,
        t => {
            // The phone's local time is China Standard Time.
            let local =
                chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M").map_err(|_| {
                    WebError::field("observed_at", "时间格式有误", "not a date and time")
                })?;
            let utc = local - chrono::Duration::hours(8);
            Some(minewatch_store::Stamp::at(utc.and_utc()))
        }
    };
    Ok(NewClue {
        source,
        township_id,
        village_id,
        address: get("address").to_string(),
        lon: parse_float(f, "lon")?,
        lat: parse_float(f, "lat")?,
        observed_at,
        description: get("description").to_string(),
        problem_kind,
        severity: Severity::from_code(get("severity")).unwrap_or(Severity::General),
        reporter_name: get("reporter_name").to_string(),
        reporter_phone: get("reporter_phone").to_string(),
        attachments,
    })
}

pub async fn submit(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    mut mp: Multipart,
) -> Response {
    let (fields, photos, read_error) = match crate::upload::read_multipart(&mut mp, "photo").await {
        Ok((f, p)) => (f, p, None),
        Err(e) => (Fields::new(), Vec::new(), Some(e)),
    };
    let outcome: Result<_, WebError> = async {
        if let Some(e) = read_error {
            return Err(e);
        }
        // Validate the fields before storing any photo, so a bad form leaves nothing behind.
        clue_from_fields(&fields, Vec::new())?;
        let stored = crate::upload::store_all(&state, &actor, photos).await?;
        let outcome = match clue_from_fields(&fields, stored.hashes()) {
            Ok(clue) => state
                .store
                .file_clue(&actor, &clue, state.clock.now())
                .await
                .map_err(WebError::from),
            Err(e) => Err(e),
        };
        stored.settle(&state, &actor, outcome).await
    }
    .await;
    match outcome {
        Ok(out) if actor.scope == Scope::OwnCluesOnly => {
            Redirect::to(&format!("/clues/mine?filed={}", out.case_number)).into_response()
        }
        Ok(out) => Redirect::to(&format!("/cases/{}", out.case_id)).into_response(),
        Err(e) => {
            let (status, _, message) = e.parts(lang);
            let status = if status == StatusCode::OK {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                status
            };
            (
                status,
                form_markup(&state, &actor, lang, &fields, Some(&message)).await,
            )
                .into_response()
        }
    }
}

pub async fn mine(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    axum::extract::Query(q): axum::extract::Query<Fields>,
) -> PageResult {
    let zh = lang.is_zh();
    let rows = state.store.own_clues(&actor).await?;
    let body = html! {
        h1 { (lang.t("我报的线索", "My clues")) }
        @if let Some(n) = q.get("filed") { div.ok role="status" { (lang.t("已登记，案件编号 ", "Filed as case ")) (n) } }
        ul.clues { @for c in &rows {
            li { (display_stamp(&c.filed_at)) " · " (ClueSource::from_code(&c.source).map_or(c.source.as_str(), |s| s.label(zh))) " · " (c.address) " · " (c.description)
                @if c.merged { " " span.tag { (lang.t("已并入原有问题", "joined an open case")) } } }
        } }
    };
    Ok(layout(lang, lang.t("我报的线索", "My clues"), Some(&actor), body).into_response())
}
