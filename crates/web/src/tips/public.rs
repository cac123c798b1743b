//! The citizen's side (R4): a tip page that needs no account, made for a phone, and the
//! tracking page that shows a tip's progress by its code and secret — and nothing else.

use std::sync::Arc;

use axum::extract::{Extension, Form, Multipart, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::Cookie;
use maud::{Markup, html};
use minewatch_core::ProblemKind;
use minewatch_core::clock::display_stamp;
use minewatch_store::{NewTip, TipChannel, TipProgress, TipReceipt};

use super::desk::Desk;
use super::intake::{Sender, refusal_error, take_tip};
use crate::AppState;
use crate::error::WebError;
use crate::forms::Fields;
use crate::i18n::Lang;
use crate::pages::layout;

pub const DEVICE_COOKIE: &str = "mw_device";

/// The kinds a citizen is offered, in plain words; the office re-classifies if needed.
pub const PUBLIC_KINDS: &[(ProblemKind, &str, &str)] = &[
    (
        ProblemKind::UnlicensedMining,
        "私挖滥采、无证开采",
        "Digging or mining without a licence",
    ),
    (
        ProblemKind::RiverSand,
        "河道非法采砂",
        "Sand taken from a river",
    ),
    (
        ProblemKind::HiddenMining,
        "厂房、院落内偷挖",
        "Digging hidden in a yard or plant",
    ),
    (
        ProblemKind::FarmlandDestruction,
        "挖沙取土破坏耕地",
        "Farmland dug up",
    ),
    (
        ProblemKind::IllegalProcessing,
        "非法加工矿产品",
        "Illegal ore processing",
    ),
    (
        ProblemKind::IllegalHaulage,
        "无凭证运输矿产品",
        "Ore hauled without papers",
    ),
    (
        ProblemKind::WasteDumping,
        "乱倒废渣、煤矸石",
        "Waste or gangue dumped",
    ),
    (
        ProblemKind::OfficialProtection,
        "公职人员参与、充当“保护伞”",
        "Officials taking part or protecting",
    ),
];

fn device_of(jar: &CookieJar, headers: &HeaderMap) -> Option<String> {
    headers
        .get("x-device-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| jar.get(DEVICE_COOKIE).map(|c| c.value().to_string()))
        .filter(|d| !d.is_empty() && d.len() <= 100)
}

fn with_device(jar: CookieJar) -> CookieJar {
    if jar.get(DEVICE_COOKIE).is_some() {
        return jar;
    }
    let id = crate::auth::new_token();
    jar.add(
        Cookie::build((DEVICE_COOKIE, id))
            .path("/")
            .http_only(true)
            .same_site(axum_extra::extract::cookie::SameSite::Lax)
            .max_age(time::Duration::days(365))
            .build(),
    )
}

async fn form_markup(
    state: &AppState,
    lang: Lang,
    county: Option<&str>,
    values: &Fields,
    error: Option<&str>,
) -> Markup {
    let zh = lang.is_zh();
    let (county_id, county_name) = state
        .store
        .public_county(county)
        .await
        .unwrap_or((0, String::new()));
    let townships = state.store.townships(county_id).await.unwrap_or_default();
    let villages = state
        .store
        .villages(county_id, None)
        .await
        .unwrap_or_default();
    let v = |k: &str| values.get(k).map_or("", String::as_str);
    let body = html! {
        h1 { (county_name) (lang.t("非法采矿举报", " — report illegal mining")) }
        p.muted { (lang.t("无需注册。可以匿名举报；留下联系方式的，查证属实后可按规定领取奖励。您的身份只有奖励专员可见。", "No account needed. You may stay anonymous; leave a contact to claim a reward if the tip is confirmed. Only the reward officer sees who you are.")) }
        @if let Some(e) = error { div.error role="alert" { (e) } }
        form.card method="post" action="/tip" enctype="multipart/form-data" {
            @if let Some(c) = county { input type="hidden" name="county" value=(c); }
            label { (lang.t("看到了什么", "What did you see")) select name="problem_kind" required {
                @for (k, zh_label, en_label) in PUBLIC_KINDS { option value=(k.code()) selected[v("problem_kind") == k.code()] { (if zh { *zh_label } else { *en_label }) } } } }
            label { (lang.t("具体情况", "Describe it")) textarea name="description" required maxlength="2000" placeholder=(lang.t("如：夜里有挖掘机在后山挖矿，有大车往外拉", "e.g. an excavator digs on the hill at night, lorries carry it away")) { (v("description")) } }
            fieldset {
                legend { (lang.t("在哪里", "Where")) }
                div.row {
                    label { (lang.t("经度", "Longitude")) input name="lon" id="lon" inputmode="decimal" value=(v("lon")); }
                    label { (lang.t("纬度", "Latitude")) input name="lat" id="lat" inputmode="decimal" value=(v("lat")); }
                    button.secondary type="button" id="locate" { (lang.t("用手机定位", "Use my position")) }
                }
                label { (lang.t("乡镇(街道)", "Township")) select name="township_id" id="township" {
                    option value="" { (lang.t("不清楚（按定位确定）", "Not sure (use the position)")) }
                    @for t in &townships { option value=(t.id) selected[v("township_id") == t.id.to_string()] { (t.name) } } } }
                label { (lang.t("村(社区)", "Village")) select name="village_id" id="village" {
                    option value="" { (lang.t("不清楚", "Not sure")) }
                    @for t in &townships { optgroup label=(t.name) data-township=(t.id) {
                        @for x in villages.iter().filter(|x| x.township_id == t.id) { option value=(x.id) selected[v("village_id") == x.id.to_string()] { (x.name) } } } } } }
                label { (lang.t("详细地点", "Place")) input name="address" value=(v("address")) placeholder=(lang.t("如：后山沟口、河滩", "e.g. the gully mouth, the riverbank")); }
            }
            label { (lang.t("什么时候看到的", "When")) input type="datetime-local" name="observed_at" value=(v("observed_at")); }
            label { (lang.t("现场照片（最多5张，每张不超过5MB）", "Photos (up to 5, 5 MB each)")) input type="file" name="photo" multiple accept="image/jpeg,image/png,image/webp" capture="environment"; }
            fieldset {
                legend { (lang.t("联系方式（可不填，用于领取奖励）", "Contact (optional, for the reward)")) }
                label { (lang.t("姓名", "Name")) input name="name" value=(v("name")) maxlength="50" autocomplete="name"; }
                label { (lang.t("电话", "Phone")) input name="phone" type="tel" value=(v("phone")) maxlength="30" autocomplete="tel"; }
            }
            button.big type="submit" { (lang.t("提交举报", "Send the tip")) }
        }
        p { a href="/tip/track" { (lang.t("查询举报办理进度", "Follow a tip you sent")) } }
    };
    layout(lang, lang.t("举报", "Report"), None, body)
}

pub async fn form(
    State(state): State<AppState>,
    lang: Lang,
    jar: CookieJar,
    Query(q): Query<Fields>,
) -> Response {
    let county = q.get("county").cloned();
    (
        with_device(jar),
        form_markup(&state, lang, county.as_deref(), &Fields::new(), None).await,
    )
        .into_response()
}

fn parse_tip(f: &Fields) -> Result<NewTip, WebError> {
    let get = |k: &str| f.get(k).map_or("", |s| s.trim());
    let float = |k: &'static str| -> Result<Option<f64>, WebError> {
        match get(k) {
            "" => Ok(None),
            t => t
                .parse()
                .map(Some)
                .map_err(|_| WebError::field(k, "应为数字（度）", "must be a number of degrees")),
        }
    };
    let id = |k: &'static str| -> Result<Option<i64>, WebError> {
        match get(k) {
            "" => Ok(None),
            t => t
                .parse()
                .map(Some)
                .map_err(|_| WebError::field(k, "选择有误", "is not a choice")),
        }
    };
    let observed_at = match get("observed_at") {
        "" => None,
        t => Some(
            chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M")
                .map_err(|_| WebError::field("observed_at", "时间格式有误", "not a date and time"))?
                .and_utc()
                - chrono::Duration::hours(8),
        ),
    };
    Ok(NewTip {
        channel: TipChannel::Web,
        description: get("description").to_string(),
        problem_kind: ProblemKind::from_code(get("problem_kind"))
            .unwrap_or(ProblemKind::UnlicensedMining),
        township_id: id("township_id")?,
        village_id: id("village_id")?,
        address: get("address").to_string(),
        lon: float("lon")?,
        lat: float("lat")?,
        observed_at,
        photos: Vec::new(),
        name: get("name").to_string(),
        phone: get("phone").to_string(),
        source_hash: String::new(),
        call_at: None,
    })
}

fn receipt_markup(lang: Lang, r: &TipReceipt) -> Markup {
    let body = html! {
        h1 { (lang.t("举报已收到", "Tip received")) }
        section.card.receipt {
            p { (lang.t("请记下查询码和密码，凭此查询办理进度和奖励。密码只显示这一次。", "Write down the code and the secret: with them you can follow the tip and its reward. The secret is shown only this once.")) }
            dl.fields {
                dt { (lang.t("查询码", "Tracking code")) } dd { strong.code data-code=(r.tracking_code) { (r.tracking_code) } }
                dt { (lang.t("密码", "Secret")) } dd { strong.code data-secret=(r.secret) { (r.secret) } }
                dt { (lang.t("受理时限", "To be accepted by")) } dd { (r.accept_by) }
            }
        }
        p { a.button href="/tip/track" { (lang.t("查询办理进度", "Follow this tip")) } " " a href="/tip" { (lang.t("再举报一条", "Report another")) } }
    };
    layout(lang, lang.t("举报已收到", "Tip received"), None, body)
}

pub async fn submit(
    State(state): State<AppState>,
    Extension(desk): Extension<Arc<Desk>>,
    crate::client::ClientIp(client): crate::client::ClientIp,
    lang: Lang,
    jar: CookieJar,
    headers: HeaderMap,
    mut mp: Multipart,
) -> Response {
    let device = device_of(&jar, &headers);
    let (fields, files) = match crate::upload::read_multipart(&mut mp, "photo").await {
        Ok(x) => x,
        Err(e) => {
            return (
                e.parts(lang).0,
                form_markup(&state, lang, None, &Fields::new(), Some(&e.parts(lang).2)).await,
            )
                .into_response();
        }
    };
    let county = fields.get("county").cloned();
    let result = async {
        let tip = parse_tip(&fields)?;
        let from = Sender {
            address: client,
            device: device.as_deref(),
            operator: None,
        };
        take_tip(
            &state,
            &desk,
            county.as_deref(),
            &from,
            tip,
            files.into_iter().map(|f| (f.name, f.bytes)).collect(),
        )
        .await
    }
    .await;
    match result {
        Ok(r) => (with_device(jar), receipt_markup(lang, &r)).into_response(),
        Err(e) => {
            let (status, _, message) = e.parts(lang);
            let mut resp = (
                status,
                form_markup(&state, lang, county.as_deref(), &fields, Some(&message)).await,
            )
                .into_response();
            if let WebError::RateLimited { retry_after_s, .. } = e
                && let Ok(v) = header::HeaderValue::from_str(&retry_after_s.to_string())
            {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
            resp
        }
    }
}

fn step_label(code: &str, zh: bool) -> &'static str {
    match (code, zh) {
        ("received", true) => "已收到",
        ("received", false) => "Received",
        ("accepted", true) => "已受理",
        ("accepted", false) => "Accepted",
        ("verified", true) => "已核查",
        ("verified", false) => "Checked",
        ("answered", true) => "已答复",
        ("answered", false) => "Answered",
        (_, true) => "—",
        (_, false) => "—",
    }
}

pub(crate) fn progress_markup(lang: Lang, p: &TipProgress) -> Markup {
    let zh = lang.is_zh();
    html! {
        section.card.progress {
            h2 { (lang.t("查询码 ", "Tip ")) (p.tracking_code) }
            ol.steps { @for s in &p.steps {
                li.done[s.done_at.is_some()] { (step_label(s.code, zh)) @if let Some(at) = &s.done_at { " · " (display_stamp(at)) } }
            } }
            @if let Some(f) = p.finding {
                p { (lang.t("核查结果：", "Finding: ")) strong { (if f == "founded" { lang.t("情况属实", "confirmed") } else { lang.t("经核查不属实", "not confirmed") }) } }
            }
            @if !p.answer.is_empty() { p.answer { (lang.t("答复：", "Answer: ")) (p.answer) } }
            @match (p.reward_status, p.reward_fen) {
                (Some("paid"), Some(f)) => { p.reward { (lang.t("奖励：已发放 ", "Reward: paid ")) (crate::pages::yuan(f)) (lang.t(" 元", " yuan")) } }
                (Some("approved"), Some(f)) => { p.reward { (lang.t("奖励：已核定 ", "Reward: approved ")) (crate::pages::yuan(f)) (lang.t(" 元，待发放", " yuan, to be paid")) } }
                (Some(_), _) => { p.reward { (lang.t("奖励：核定中", "Reward: being decided")) } }
                _ => {}
            }
        }
    }
}

fn track_markup(lang: Lang, progress: Option<&TipProgress>, error: Option<&str>) -> Markup {
    let body = html! {
        h1 { (lang.t("查询举报办理进度", "Follow a tip")) }
        @if let Some(e) = error { div.error role="alert" { (e) } }
        @if let Some(p) = progress { (progress_markup(lang, p)) }
        form.card method="post" action="/tip/track" {
            label { (lang.t("查询码", "Tracking code")) input name="code" required autocomplete="off" autocapitalize="characters"; }
            label { (lang.t("密码", "Secret")) input name="secret" required autocomplete="off" autocapitalize="characters"; }
            button type="submit" { (lang.t("查询", "Look up")) }
        }
    };
    layout(lang, lang.t("查询进度", "Follow a tip"), None, body)
}

pub async fn track_form(lang: Lang) -> Markup {
    track_markup(lang, None, None)
}

pub async fn track(
    State(state): State<AppState>,
    Extension(desk): Extension<Arc<Desk>>,
    crate::client::ClientIp(client): crate::client::ClientIp,
    lang: Lang,
    Form(f): Form<Fields>,
) -> Response {
    if let Err(r) = desk.admit_lookup(client) {
        let (status, _, message) = refusal_error(r).parts(lang);
        return (status, track_markup(lang, None, Some(&message))).into_response();
    }
    let code = f.get("code").map_or("", String::as_str);
    let secret = f.get("secret").map_or("", String::as_str);
    match state.store.tip_progress(code, secret).await {
        Ok(p) => track_markup(lang, Some(&p), None).into_response(),
        Err(_) => (
            StatusCode::NOT_FOUND,
            track_markup(
                lang,
                None,
                Some(lang.t("查询码或密码不对", "Wrong code or secret")),
            ),
        )
            .into_response(),
    }
}
