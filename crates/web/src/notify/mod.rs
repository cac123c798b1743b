//! Notifications (提醒/通知, R25) on the web: each unit's notices in the app (`/notifications`),
//! and for the county office the channels it switches on and every delivery with its
//! attempts and last error (`/notify`), as pages and API. The outbox runs in the server
//! (`send::run_once`, every minute).

pub mod send;

use axum::Json;
use axum::extract::{Form, Path, State};
use axum::response::IntoResponse;
use maud::{Markup, html};
use minewatch_core::clock::display_stamp;
use minewatch_core::notify::{ChannelKind, NoticeKind};
use minewatch_store::{Actor, ChannelRow, DeliveryRow, NewChannel, NotificationRow, StoreError};

use crate::AppState;
use crate::auth::{ApiUser, PageUser};
use crate::error::WebError;
use crate::forms::Fields;
use crate::i18n::Lang;
use crate::json::{ApiJson, ApiResult};
use crate::pages::{PageResult, layout, notice_redirect};

pub(crate) fn page_routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/notifications", get(inbox))
        .route("/notifications/read", post(read_all))
        .route("/notify", get(channels_page).post(add_channel))
        .route("/notify/{id}/active", post(toggle))
}

pub(crate) fn api_routes() -> utoipa_axum::router::OpenApiRouter<AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(api_inbox))
        .routes(routes!(api_read))
        .routes(routes!(api_channels, api_add_channel))
        .routes(routes!(api_active))
        .routes(routes!(api_deliveries))
}

const SHOWN: i64 = 200;

async fn inbox(State(state): State<AppState>, PageUser(actor): PageUser, lang: Lang) -> PageResult {
    let zh = lang.is_zh();
    let rows = state.store.notifications(&actor, SHOWN).await?;
    let unread = rows.iter().filter(|n| !n.read).count();
    let body = html! {
        h1 { (lang.t("提醒", "Notifications")) " (" (unread) (lang.t(" 条未读", " unread")) ")" }
        @if unread > 0 {
            form method="post" action="/notifications/read" { button.secondary type="submit" { (lang.t("全部标为已读", "Mark all read")) } }
        }
        @if rows.is_empty() { p.muted { (lang.t("暂无提醒。到期前一天、逾期当天和退回整改时会在这里提醒。", "Nothing yet. You are told here the day before a deadline, when it passes, and when work is sent back.")) } }
        ul.notices { @for n in &rows {
            li.unread[!n.read] {
                span.tag { (NoticeKind::from_code(&n.kind).map_or(n.kind.as_str(), |k| k.label(zh))) }
                " " a href=(n.link) { strong { (n.title) } }
                @if !n.body.is_empty() { br; span.muted { (n.body) } }
                br; span.small.muted { (display_stamp(n.created_at.as_str())) }
            }
        } }
    };
    Ok(layout(lang, lang.t("提醒", "Notifications"), Some(&actor), body).into_response())
}

async fn read_all(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
) -> PageResult {
    state
        .store
        .mark_notifications_read(&actor, state.clock.now())
        .await?;
    Ok(notice_redirect(
        "/notifications",
        lang.t("已全部标为已读。", "All marked read."),
    ))
}

fn channel_table(
    rows: &[ChannelRow],
    townships: &[minewatch_store::TownshipRow],
    lang: Lang,
) -> Markup {
    let zh = lang.is_zh();
    html! {
        div.scroll { table {
            thead { tr {
                th { (lang.t("名称", "Name")) } th { (lang.t("方式", "Kind")) } th { (lang.t("单位", "Unit")) }
                th { (lang.t("地址", "Endpoint")) } th { (lang.t("接收人", "Recipients")) } th { (lang.t("状态", "State")) } th {}
            } }
            tbody { @for c in rows {
                tr {
                    td { (c.name) }
                    td { (ChannelKind::from_code(&c.kind).map_or(c.kind.as_str(), |k| k.label(zh))) }
                    td { (c.township_id.and_then(|t| townships.iter().find(|x| x.id == t)).map_or(lang.t("县办", "County office"), |t| t.name.as_str())) }
                    td.small { (c.endpoint) }
                    td.small { (c.recipients) }
                    td { @if c.active { span.up { (lang.t("启用", "on")) } } @else { span.muted { (lang.t("停用", "off")) } } }
                    td { form.inline method="post" action={"/notify/" (c.id) "/active"} {
                        input type="hidden" name="active" value=(if c.active { "0" } else { "1" });
                        button.secondary type="submit" { @if c.active { (lang.t("停用", "Switch off")) } @else { (lang.t("启用", "Switch on")) } }
                    } }
                }
            } }
        } }
    }
}

fn delivery_table(rows: &[DeliveryRow], lang: Lang) -> Markup {
    html! {
        div.scroll { table {
            thead { tr {
                th { (lang.t("提醒", "Notice")) } th { (lang.t("渠道", "Channel")) } th { (lang.t("状态", "State")) }
                th { (lang.t("尝试次数", "Attempts")) } th { (lang.t("下次尝试", "Next try")) } th { (lang.t("最近错误", "Last error")) }
            } }
            tbody { @for d in rows {
                tr.overdue[d.status == "pending" && d.attempts > 0] {
                    td { (d.title) }
                    td { (d.channel) }
                    td { @if d.status == "sent" { span.up { (lang.t("已送达", "sent")) } " " span.small.muted { (d.sent_at.as_ref().map(|s| display_stamp(s.as_str())).unwrap_or_default()) } }
                         @else { span.down { (lang.t("待发送", "pending")) } } }
                    td.num { (d.attempts) }
                    td.small { @if d.status == "pending" { (display_stamp(d.next_attempt_at.as_str())) } }
                    td.small { (d.last_error) }
                }
            } }
        } }
    }
}

async fn channels_markup(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    notice: Option<&str>,
    refused: Option<(&Fields, &str)>,
) -> Result<Markup, WebError> {
    let zh = lang.is_zh();
    let rows = state.store.notify_channels(actor).await?;
    let deliveries = state.store.deliveries(actor, SHOWN).await?;
    let townships = state.store.townships(actor.county_id).await?;
    let pending = deliveries.iter().filter(|d| d.status == "pending").count();
    let empty = Fields::default();
    let (typed, error) = refused.map_or((&empty, None), |(f, e)| (f, Some(e)));
    let get = |k: &str| typed.get(k).map_or("", String::as_str);
    let body = html! {
        @if let Some(m) = notice { div.ok role="status" { (m) } }
        h1 { (lang.t("提醒渠道", "Notification channels")) }
        p.muted { (lang.t("提醒始终在系统内显示；这里启用的渠道另行推送给对应单位（企业微信、钉钉群机器人，短信网关，邮件）。发送失败会自动重试，不会丢失。", "Notices always show in the app; the channels switched on here also push them to the unit (group robots, SMS gateway, e-mail). A failed send is retried, never lost.")) }
        (channel_table(&rows, &townships, lang))
        details.card open[error.is_some()] {
            summary { strong { (lang.t("添加渠道", "Add a channel")) } }
            form method="post" action="/notify" {
                @if let Some(e) = error { div.error role="alert" { (e) } }
                label { (lang.t("方式", "Kind")) select name="kind" { @for k in ChannelKind::ALL { option value=(k.code()) selected[get("kind") == k.code()] { (k.label(zh)) } } } }
                label { (lang.t("名称", "Name")) " *" input type="text" name="name" value=(get("name")) placeholder=(lang.t("如：东川镇工作群", "e.g. the township's group")); }
                label { (lang.t("推送给", "For")) select name="township" {
                    option value="" { (lang.t("县办", "The county office")) }
                    @for t in &townships { option value=(t.id) selected[get("township") == t.id.to_string()] { (t.name) } }
                } }
                label { (lang.t("地址（机器人或短信网关的 URL；邮件为 SMTP 服务器 主机:端口）", "Endpoint (the robot's or gateway's URL; for e-mail the SMTP relay as host:port)")) " *" input type="text" name="endpoint" value=(get("endpoint")); }
                label { (lang.t("接收人（短信为手机号，邮件为邮箱，逗号分隔）", "Recipients (phones or addresses, comma-separated)")) input type="text" name="recipients" value=(get("recipients")); }
                label { (lang.t("发件人（邮件）", "From (e-mail)")) input type="text" name="sender" value=(get("sender")); }
                div.actions { button.primary type="submit" { (lang.t("启用", "Switch on")) } }
            }
        }
        h2 { (lang.t("发送记录", "Deliveries")) " · " (lang.t("待发送 ", "pending ")) (pending) }
        @if deliveries.is_empty() { p.muted { (lang.t("暂无。", "None yet.")) } } @else { (delivery_table(&deliveries, lang)) }
    };
    Ok(layout(
        lang,
        lang.t("提醒渠道", "Notification channels"),
        Some(actor),
        body,
    ))
}

async fn channels_page(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    axum::extract::Query(q): axum::extract::Query<Fields>,
) -> PageResult {
    Ok(
        channels_markup(&state, &actor, lang, q.get("ok").map(String::as_str), None)
            .await?
            .into_response(),
    )
}

fn channel_of(f: &Fields) -> Result<NewChannel, (String, String)> {
    let get = |k: &str| f.get(k).map_or("", |s| s.trim()).to_string();
    let township_id = match get("township").as_str() {
        "" => None,
        t => Some(
            t.parse::<i64>()
                .map_err(|_| ("请选择单位".to_string(), "choose the unit".to_string()))?,
        ),
    };
    Ok(NewChannel {
        kind: get("kind"),
        name: get("name"),
        township_id,
        endpoint: get("endpoint"),
        recipients: get("recipients"),
        sender: get("sender"),
    })
}

async fn add_channel(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Form(f): Form<Fields>,
) -> PageResult {
    let refused = async |zh: &str, en: &str| -> PageResult {
        let m = channels_markup(&state, &actor, lang, None, Some((&f, lang.t(zh, en)))).await?;
        Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, m).into_response())
    };
    let c = match channel_of(&f) {
        Ok(c) => c,
        Err((zh, en)) => return refused(&zh, &en).await,
    };
    match state
        .store
        .add_notify_channel(&actor, &c, state.clock.now())
        .await
    {
        Ok(_) => Ok(notice_redirect(
            "/notify",
            lang.t("渠道已启用。", "Channel switched on."),
        )),
        Err(StoreError::Invalid { field, reason }) => {
            let zh = match field {
                "name" => "请填写名称".to_string(),
                "endpoint" if c.kind == "email" => {
                    "邮件请填写 SMTP 服务器，如 smtp.example.gov.cn:25".to_string()
                }
                "endpoint" => "请填写以 https:// 开头的地址".to_string(),
                "recipients" => "请填写至少一个接收人".to_string(),
                "sender" => "请填写发件人邮箱".to_string(),
                _ => format!(
                    "{}：{reason}",
                    minewatch_core::ledger::case::field_label(field)
                ),
            };
            refused(&zh, &format!("{field}: {reason}")).await
        }
        Err(e) => Err(WebError::from(e).into()),
    }
}

async fn toggle(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> PageResult {
    let active = f.get("active").is_some_and(|v| v == "1");
    state
        .store
        .set_notify_channel_active(&actor, id, active, state.clock.now())
        .await?;
    Ok(notice_redirect(
        "/notify",
        if active {
            lang.t("已启用。", "Switched on.")
        } else {
            lang.t(
                "已停用，待发送的提醒会保留。",
                "Switched off; its pending notices wait.",
            )
        },
    ))
}

#[utoipa::path(get, path = "/notifications", tag = "notifications",
    summary = "The caller's unit's notifications, newest first, with whether the caller read each",
    responses((status = 200, body = Vec<NotificationRow>)))]
async fn api_inbox(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
) -> ApiResult<Json<Vec<NotificationRow>>> {
    Ok(Json(state.store.notifications(&actor, SHOWN).await?))
}

#[utoipa::path(post, path = "/notifications/read", tag = "notifications",
    summary = "Mark all of the caller's unit's notifications read, for the caller",
    responses((status = 204, description = "marked")))]
async fn api_read(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
) -> ApiResult<axum::http::StatusCode> {
    state
        .store
        .mark_notifications_read(&actor, state.clock.now())
        .await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/notify/channels", tag = "notifications",
    summary = "The county's notification channels (county office)",
    responses(
        (status = 200, body = Vec<ChannelRow>),
        (status = 403, body = crate::json::ErrorBody, description = "only the county office"),
    ))]
async fn api_channels(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
) -> ApiResult<Json<Vec<ChannelRow>>> {
    Ok(Json(state.store.notify_channels(&actor).await?))
}

#[utoipa::path(post, path = "/notify/channels", tag = "notifications",
    summary = "Switch a channel on: a WeChat Work or DingTalk group robot, an SMS gateway, or e-mail through an SMTP relay",
    request_body = NewChannel,
    responses(
        (status = 201, body = crate::json::Created),
        (status = 403, body = crate::json::ErrorBody, description = "only the county office"),
        (status = 422, body = crate::json::ErrorBody, description = "an unknown kind, no URL or host:port, no recipients"),
    ))]
async fn api_add_channel(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiJson(c): ApiJson<NewChannel>,
) -> ApiResult<(axum::http::StatusCode, Json<crate::json::Created>)> {
    let id = state
        .store
        .add_notify_channel(&actor, &c, state.clock.now())
        .await?;
    Ok(crate::json::created(id))
}

/// On or off.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub(crate) struct Active {
    active: bool,
}

#[utoipa::path(post, path = "/notify/channels/{id}/active", tag = "notifications",
    summary = "Switch a channel off or on; its pending deliveries wait while it is off",
    params(("id" = i64, Path, description = "channel id")),
    request_body = Active,
    responses(
        (status = 204, description = "switched"),
        (status = 403, body = crate::json::ErrorBody, description = "only the county office"),
        (status = 404, body = crate::json::ErrorBody, description = "no such channel in this county"),
    ))]
async fn api_active(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<i64>,
    ApiJson(a): ApiJson<Active>,
) -> ApiResult<axum::http::StatusCode> {
    state
        .store
        .set_notify_channel_active(&actor, id, a.active, state.clock.now())
        .await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/notify/deliveries", tag = "notifications",
    summary = "The county's deliveries, pending first, with attempts and the last error",
    responses(
        (status = 200, body = Vec<DeliveryRow>),
        (status = 403, body = crate::json::ErrorBody, description = "only the county office"),
    ))]
async fn api_deliveries(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
) -> ApiResult<Json<Vec<DeliveryRow>>> {
    Ok(Json(state.store.deliveries(&actor, SHOWN).await?))
}
