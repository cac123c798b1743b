//! 巡查记录 (R18): the form of seed 002's appendix, filed from a phone, signed by the village
//! committee's head and the 包村干部, confirmed by the township, and exported as that form.

use axum::extract::{Form, Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use chrono::Duration;
use maud::{Markup, html};
use minewatch_core::clock::{display_stamp, local_date};
use minewatch_core::{ProblemKind, Scope};
use minewatch_store::{Actor, NewPatrolRecord, PatrolFilter, PatrolLevel, PatrolStep};

use super::daily::{parse_day, parse_id};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::WebError;
use crate::forms::Fields;
use crate::i18n::Lang;
use crate::pages::{PageResult, layout};

fn filter_of(q: &Fields, today: chrono::NaiveDate) -> Result<PatrolFilter, WebError> {
    Ok(PatrolFilter {
        township_id: q.get("township").and_then(|t| t.parse().ok()),
        village_id: q.get("village").and_then(|t| t.parse().ok()),
        from: Some(parse_day(q, "from")?.unwrap_or(today - Duration::days(13))),
        to: Some(parse_day(q, "to")?.unwrap_or(today)),
        level: q.get("level").and_then(|l| PatrolLevel::from_code(l)),
    })
}

fn query_of(f: &PatrolFilter) -> String {
    format!(
        "township={}&village={}&from={}&to={}&level={}",
        f.township_id.map(|v| v.to_string()).unwrap_or_default(),
        f.village_id.map(|v| v.to_string()).unwrap_or_default(),
        f.from.map(|d| d.to_string()).unwrap_or_default(),
        f.to.map(|d| d.to_string()).unwrap_or_default(),
        f.level.map_or("", PatrolLevel::code)
    )
}

fn signature(lang: Lang, s: &minewatch_store::Signature) -> Markup {
    html! {
        (s.name)
        @match (&s.signed_by, &s.signed_at) {
            (Some(by), Some(at)) if s.proxy => { br; span.tag.proxy { (lang.t("代签", "on behalf")) } " " (by) (lang.t(" 代 ", " for ")) (s.name) " " (display_stamp(at)) }
            (Some(_), Some(at)) => { br; span.tag.done { (lang.t("本人已签", "signed")) } " " (display_stamp(at)) }
            _ => { br; span.tag { (lang.t("待签", "to sign")) } }
        }
    }
}

fn confirmation(lang: Lang, s: &minewatch_store::Signature) -> Markup {
    html! {
        (s.name)
        @match (&s.signed_by, &s.signed_at) {
            (Some(by), Some(at)) => { br; span.tag.done { (lang.t("已确认", "confirmed")) } " " (by) " " (display_stamp(at)) }
            _ => { br; span.tag { (lang.t("待确认", "to confirm")) } }
        }
    }
}

async fn list_markup(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    q: &Fields,
) -> Result<Markup, WebError> {
    let zh = lang.is_zh();
    let today = local_date(state.clock.now());
    let filter = filter_of(q, today)?;
    let rows = state.store.patrol_records(actor, &filter).await?;
    let townships = state.store.townships(actor.county_id).await?;
    let body = html! {
        h1 { (lang.t("巡查记录（隐患排查报表）", "Patrol records")) }
        @if let Some(m) = q.get("ok") { div.ok role="status" { (m) } }
        p { @if minewatch_core::rights::may(actor.role, minewatch_core::rights::Right::FilePatrolRecord) { a.button href="/patrols/new" { (lang.t("填写巡查记录", "New patrol record")) } " " }
            a.button.secondary href="/tracks" { (lang.t("巡查轨迹", "Patrol tracks")) } " "
            a.button.secondary href="/duty" { (lang.t("巡查日历", "Duty calendar")) } }
        form.filters method="get" action="/patrols" {
            @if minewatch_core::rights::may(actor.role, minewatch_core::rights::Right::ReadPatrolsCountyWide) {
                label { (lang.t("乡镇", "Township")) select name="township" {
                    option value="" { (lang.t("全部", "All")) }
                    @for t in &townships { option value=(t.id) selected[filter.township_id == Some(t.id)] { (t.name) } } } }
            }
            label { (lang.t("层级", "Level")) select name="level" {
                option value="" { (lang.t("全部", "All")) }
                @for l in [PatrolLevel::County, PatrolLevel::Township, PatrolLevel::Village] {
                    option value=(l.code()) selected[filter.level == Some(l)] { (l.label(zh)) } } } }
            label { (lang.t("从", "From")) input type="date" name="from" value=[filter.from]; }
            label { (lang.t("到", "To")) input type="date" name="to" value=[filter.to]; }
            button type="submit" { (lang.t("筛选", "Filter")) }
            a.button href={"/patrols.xlsx?" (query_of(&filter))} { (lang.t("导出报表 Excel", "Export form .xlsx")) }
        }
        div.scroll { table {
            thead { tr {
                th { (lang.t("日期", "Date")) } th { (lang.t("层级", "Level")) } th { (lang.t("乡镇", "Township")) } th { (lang.t("村", "Village")) }
                th { (lang.t("排查详细地址", "Address")) } th { (lang.t("现场情况", "Situation")) } th { (lang.t("发现隐患", "Hazards")) }
                th { (lang.t("包村干部签字", "Cadre")) } th { (lang.t("村委负责人签字", "Village head")) } th { (lang.t("乡镇确认", "Township")) }
            } }
            tbody { @for p in &rows {
                tr {
                    td { a href={"/patrols/" (p.id)} { (p.patrolled_on) } @if p.night { " " span.tag { (lang.t("夜巡", "night")) } } }
                    td { (PatrolLevel::from_code(&p.level).map_or(p.level.as_str(), |l| l.label(zh))) }
                    td { (p.township) } td { (p.village) } td { (p.address) } td { (p.situation) }
                    td { (p.hazards) @if let Some(n) = &p.case_number { " " span.tag.key { (n) } } }
                    td { (signature(lang, &p.cadre)) } td { (signature(lang, &p.head)) }
                    td { @if p.confirmed.signed_at.is_some() { span.tag.done { (lang.t("已确认", "confirmed")) } } @else { span.tag { (lang.t("待确认", "pending")) } } }
                }
            } }
        } }
        @if rows.is_empty() { p { (lang.t("没有符合条件的巡查记录。", "No patrol records match.")) } }
    };
    Ok(layout(
        lang,
        lang.t("巡查记录", "Patrol records"),
        Some(actor),
        body,
    ))
}

pub async fn list(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Query(q): Query<Fields>,
) -> PageResult {
    let m = list_markup(&state, &actor, lang, &q).await?;
    Ok(m.into_response())
}

async fn form_markup(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    error: Option<&str>,
) -> Result<Markup, WebError> {
    let zh = lang.is_zh();
    let today = local_date(state.clock.now());
    let townships = state.store.townships(actor.county_id).await?;
    let villages = state.store.villages(actor.county_id, None).await?;
    let visible = |t: i64, v: i64| match actor.scope {
        Scope::Township(x) => x == t,
        Scope::Village(x) => x == v,
        _ => true,
    };
    let tracks = state
        .store
        .tracks(
            actor,
            state.clock.now() - Duration::days(7),
            state.clock.now(),
            false,
        )
        .await?;
    let body = html! {
        h1 { (lang.t("填写巡查记录", "New patrol record")) }
        @if let Some(e) = error { div.error role="alert" { (e) } }
        form.card method="post" action="/patrols/new" enctype="multipart/form-data" {
            label { (lang.t("村(社区)", "Village")) select name="village_id" required {
                @for t in &townships { optgroup label=(t.name) {
                    @for v in villages.iter().filter(|v| v.township_id == t.id && visible(t.id, v.id)) { option value=(v.id) { (v.name) } }
                } } } }
            label { (lang.t("排查日期", "Date")) input type="date" name="patrolled_on" value=(today) max=(today) required; }
            label.check { input type="checkbox" name="night" value="1"; (lang.t("夜间巡查", "Night patrol")) }
            label { (lang.t("排查详细地址", "Address")) input name="address" required placeholder=(lang.t("如：后山沟口至河滩", "e.g. from the gully mouth to the riverbank")); }
            label { (lang.t("现场情况", "Situation")) textarea name="situation" required {} }
            label { (lang.t("发现隐患", "Hazards found")) textarea name="hazards" placeholder=(lang.t("无则不填", "leave empty if none")) {} }
            label { (lang.t("作为问题登记入台账（选择类型）", "File the hazard in the ledger as")) select name="problem_kind" {
                option value="" { (lang.t("不登记", "do not file")) }
                @for k in ProblemKind::ALL { option value=(k.code()) { (k.label(zh)) } } } }
            label { (lang.t("整改措施", "Measures")) textarea name="measures" {} }
            label { (lang.t("备注", "Remarks")) input name="remarks"; }
            div.row {
                label { (lang.t("经度", "Longitude")) input name="lon" id="lon" inputmode="decimal"; }
                label { (lang.t("纬度", "Latitude")) input name="lat" id="lat" inputmode="decimal"; }
                button.secondary type="button" id="locate" { (lang.t("使用当前位置", "Use my position")) }
            }
            label { (lang.t("本次巡查轨迹", "Track of this patrol")) select name="track_id" {
                option value="" { (lang.t("无", "none")) }
                @for t in &tracks { option value=(t.id) { (display_stamp(&t.started_at)) " · " (format!("{:.1}", t.length_m / 1000.0)) " km · " (t.user) } } } }
            label { (lang.t("现场照片", "Photos")) input type="file" name="photo" multiple accept="image/*" capture="environment"; }
            button type="submit" { (lang.t("提交", "Submit")) }
        }
    };
    Ok(layout(
        lang,
        lang.t("填写巡查记录", "New patrol record"),
        Some(actor),
        body,
    ))
}

pub async fn form(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
) -> PageResult {
    let m = form_markup(&state, &actor, lang, None).await?;
    Ok(m.into_response())
}

fn record_of(f: &Fields) -> Result<NewPatrolRecord, WebError> {
    let get = |k: &str| f.get(k).map_or("", |s| s.trim()).to_string();
    let float = |k: &'static str| -> Result<Option<f64>, WebError> {
        match f.get(k).map_or("", |s| s.trim()) {
            "" => Ok(None),
            t => t
                .parse()
                .map(Some)
                .map_err(|_| WebError::field(k, "应为数字（度）", "must be a number of degrees")),
        }
    };
    Ok(NewPatrolRecord {
        village_id: parse_id(f, "village_id")?,
        patrolled_on: parse_day(f, "patrolled_on")?
            .ok_or_else(|| WebError::field("patrolled_on", "必须填写", "is required"))?,
        night: f.get("night").is_some_and(|v| v == "1" || v == "on"),
        address: get("address"),
        situation: get("situation"),
        hazards: get("hazards"),
        measures: get("measures"),
        remarks: get("remarks"),
        problem_kind: match get("problem_kind").as_str() {
            "" => None,
            k => Some(
                ProblemKind::from_code(k)
                    .ok_or_else(|| WebError::field("kind", "选择有误", "is not a kind"))?,
            ),
        },
        lon: float("lon")?,
        lat: float("lat")?,
        photos: Vec::new(),
        track_id: match get("track_id").as_str() {
            "" => None,
            t => Some(
                t.parse()
                    .map_err(|_| WebError::field("track", "选择有误", "is not a track"))?,
            ),
        },
    })
}

pub async fn submit(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    mut mp: Multipart,
) -> PageResult {
    let result: Result<i64, WebError> = async {
        let (f, photos) = crate::upload::read_multipart(&mut mp, "photo").await?;
        let mut record = record_of(&f)?;
        if record.address.is_empty() {
            return Err(WebError::field("address", "必须填写", "is required"));
        }
        if record.situation.is_empty() {
            return Err(WebError::field("situation", "必须填写", "is required"));
        }
        let stored = crate::upload::store_all(&state, &actor, photos).await?;
        record.photos = stored.hashes();
        let outcome = state
            .store
            .add_patrol_record(&actor, &record, state.clock.now())
            .await
            .map_err(WebError::from);
        stored.settle(&state, &actor, outcome).await
    }
    .await;
    Ok(match result {
        Ok(id) => Redirect::to(&format!("/patrols/{id}")).into_response(),
        Err(e) => {
            // The form again, with what was entered and what was wrong.
            let (status, _, message) = e.parts(lang);
            (
                status,
                form_markup(&state, &actor, lang, Some(&message)).await?,
            )
                .into_response()
        }
    })
}

fn step_label(step: PatrolStep, zh: bool) -> &'static str {
    match (step, zh) {
        (PatrolStep::HeadSigns, true) => "村委负责人签字",
        (PatrolStep::HeadSigns, false) => "Sign as village committee head",
        (PatrolStep::CadreSigns, true) => "包村干部签字",
        (PatrolStep::CadreSigns, false) => "Sign as 包村干部",
        (PatrolStep::TownshipConfirms, true) => "乡镇确认",
        (PatrolStep::TownshipConfirms, false) => "Confirm for the township",
    }
}

async fn detail_markup(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    id: i64,
) -> Result<Markup, WebError> {
    let zh = lang.is_zh();
    let p = state.store.patrol_record(actor, id).await?;
    let shas = state.store.patrol_photos(actor, id).await?;
    let photos = crate::pages::photos::readings_near(state, shas.iter(), None).await;
    let steps: Vec<PatrolStep> = [
        PatrolStep::HeadSigns,
        PatrolStep::CadreSigns,
        PatrolStep::TownshipConfirms,
    ]
    .into_iter()
    .filter(|s| p.may_take(actor, *s))
    .collect();
    let body = html! {
        h1 { (lang.t("巡查记录", "Patrol record")) " · " (p.patrolled_on) }
        dl.fields {
            dt { (lang.t("层级", "Level")) } dd { (PatrolLevel::from_code(&p.level).map_or(p.level.as_str(), |l| l.label(zh))) @if p.night { " · " (lang.t("夜间巡查", "night patrol")) } }
            dt { (lang.t("乡镇", "Township")) } dd { (p.township) }
            dt { (lang.t("村", "Village")) } dd { (p.village) }
            dt { (lang.t("排查详细地址", "Address")) } dd { (p.address) }
            dt { (lang.t("现场情况", "Situation")) } dd { (p.situation) }
            dt { (lang.t("发现隐患", "Hazards")) } dd { (p.hazards) @if let (Some(n), Some(_)) = (&p.case_number, p.clue_id) { " " span.tag.key { (lang.t("已登记 ", "filed as ")) (n) } } }
            dt { (lang.t("整改措施", "Measures")) } dd { (p.measures) }
            dt { (lang.t("备注", "Remarks")) } dd { (p.remarks) }
            dt { (lang.t("包村干部签字", "包村干部")) } dd { (signature(lang, &p.cadre)) }
            dt { (lang.t("村委负责人签字", "Village committee head")) } dd { (signature(lang, &p.head)) }
            dt { (lang.t("乡镇确认", "Township confirmation")) } dd { (confirmation(lang, &p.confirmed)) }
            dt { (lang.t("填报", "Filed by")) } dd { (p.created_by) " " (display_stamp(&p.created_at)) }
        }
        @if !shas.is_empty() {
            h2 { (lang.t("现场照片", "Photos")) }
            (crate::pages::photos::cards(lang, &photos.of(&shas)))
        }
        @for s in &steps {
            form.inline method="post" action={"/patrols/" (p.id) "/sign"} {
                input type="hidden" name="step" value=(s.code());
                button type="submit" { (step_label(*s, zh)) }
            } " "
        }
        p { a href="/patrols" { (lang.t("返回巡查记录", "Back to patrol records")) }
            " · " a href={"/patrols/" (p.id) "/pdf"} target="_blank" { (lang.t("打印巡查记录表 (PDF)", "Print (PDF)")) } }
    };
    Ok(layout(
        lang,
        lang.t("巡查记录", "Patrol record"),
        Some(actor),
        body,
    ))
}

pub async fn detail(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Path(id): Path<i64>,
) -> PageResult {
    let m = detail_markup(&state, &actor, lang, id).await?;
    Ok(m.into_response())
}

pub async fn sign(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> PageResult {
    let step = f
        .get("step")
        .and_then(|s| PatrolStep::from_code(s))
        .ok_or_else(|| WebError::field("step", "必须选择", "is required"))?;
    state
        .store
        .sign_patrol_record(&actor, id, step, state.clock.now())
        .await?;
    Ok(Redirect::to(&format!("/patrols/{id}")).into_response())
}

pub async fn xlsx(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Query(q): Query<Fields>,
) -> PageResult {
    let today = local_date(state.clock.now());
    let filter = filter_of(&q, today)?;
    let rows = state.store.patrol_records(&actor, &filter).await?;
    let (_, county) = state.store.county(actor.county_id).await?;
    let bytes = crate::export::off_thread(move || {
        crate::export::patrol_form_workbook(&rows, &county, lang)
    })
    .await?;
    let r = crate::export::xlsx_file(bytes, &format!("patrol-records-{today}.xlsx"));
    Ok(r)
}
