//! Accounts: every user's own page (change the password), and the admin's page — users with
//! their unit and state, disable and enable, set a password, issue and revoke API tokens,
//! and the account changes from the chain. Nothing here counts log-ins or time online.

use crate::AppState;
use crate::auth::{PageUser, SESSION_COOKIE};
use crate::error::WebError;
use crate::forms::Fields;
use crate::i18n::Lang;
use crate::pages::{PageResult, layout};
use crate::throttle::LoginGuard;
use axum::extract::{Extension, Form, Query, State};
use axum::response::{IntoResponse, Redirect};
use axum_extra::extract::CookieJar;
use maud::{Markup, html};
use minewatch_core::Jurisdiction;
use minewatch_core::clock::display_stamp;
use minewatch_store::{Actor, DEFAULT_TOKEN_DAYS, IssuedToken, MAX_TOKEN_DAYS};
use std::sync::Arc;

fn field<'a>(f: &'a Fields, name: &str) -> &'a str {
    f.get(name).map_or("", String::as_str)
}

async fn own_markup(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    done: bool,
    error: Option<&str>,
) -> Result<Markup, WebError> {
    let unit = unit_name(state, actor.county_id, actor.jurisdiction, lang).await?;
    let body = html! {
        h1 { (lang.t("我的账号", "My account")) }
        section.card.narrow {
            p { (actor.display_name) " · " (actor.role.label(lang.is_zh())) @if !unit.is_empty() { " · " (unit) } }
            p.muted { (lang.t("用户名", "Username")) "：" (actor.username) }
            @if done { div.ok role="status" { (lang.t("密码已修改，其他设备上的登录已退出。", "Password changed; you were logged out everywhere else.")) } }
            @if let Some(e) = error { div.error role="alert" { (e) } }
            h2 { (lang.t("修改密码", "Change the password")) }
            form method="post" action="/account/password" {
                label { (lang.t("当前密码", "Current password")) input name="current" type="password" autocomplete="current-password" required; }
                label { (lang.t("新密码（至少 8 个字符）", "New password (at least 8 characters)")) input name="password" type="password" autocomplete="new-password" minlength="8" maxlength="128" required; }
                label { (lang.t("再输入一次新密码", "New password again")) input name="repeat" type="password" autocomplete="new-password" minlength="8" maxlength="128" required; }
                button type="submit" { (lang.t("修改密码", "Change the password")) }
            }
        }
    };
    Ok(layout(
        lang,
        lang.t("我的账号", "My account"),
        Some(actor),
        body,
    ))
}

pub async fn own(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Query(q): Query<Fields>,
) -> PageResult {
    let m = own_markup(&state, &actor, lang, q.contains_key("changed"), None).await?;
    Ok(m.into_response())
}

pub async fn change_password(
    State(state): State<AppState>,
    Extension(guard): Extension<Arc<LoginGuard>>,
    crate::client::ClientIp(address): crate::client::ClientIp,
    PageUser(actor): PageUser,
    lang: Lang,
    jar: CookieJar,
    Form(f): Form<Fields>,
) -> PageResult {
    let session = jar.get(SESSION_COOKIE).map(|c| c.value().to_string());
    Ok(
        match crate::auth::change_own_password(
            &state,
            &guard,
            address,
            &actor,
            session.as_deref(),
            field(&f, "current"),
            (field(&f, "password"), field(&f, "repeat")),
        )
        .await
        {
            Ok(()) => Redirect::to("/account?changed=1").into_response(),
            Err(e) => {
                let (status, _, message) = e.parts(lang);
                let m = own_markup(&state, &actor, lang, false, Some(&message)).await?;
                (status, m).into_response()
            }
        },
    )
}

/// The name of a user's township, village or department ("" for the county).
async fn unit_name(
    state: &AppState,
    county_id: i64,
    j: Jurisdiction,
    lang: Lang,
) -> Result<String, WebError> {
    Ok(match j {
        Jurisdiction::County => String::new(),
        Jurisdiction::Township(t) => state
            .store
            .townships(county_id)
            .await?
            .into_iter()
            .find(|x| x.id == t)
            .map(|x| x.name)
            .unwrap_or_default(),
        Jurisdiction::Village(v) => state
            .store
            .villages(county_id, None)
            .await?
            .into_iter()
            .find(|x| x.id == v)
            .map(|x| x.name)
            .unwrap_or_default(),
        Jurisdiction::Department(d) => state
            .store
            .departments(county_id)
            .await?
            .into_iter()
            .find(|x| x.id == d)
            .map_or_else(|| lang.t("部门", "department").to_string(), |x| x.name),
    })
}

fn event_label(kind: &str, lang: Lang) -> &'static str {
    match kind {
        "account.disabled" => lang.t("停用账号", "disabled"),
        "account.enabled" => lang.t("启用账号", "enabled"),
        "account.password_set" => lang.t("设置密码", "password set"),
        "account.token_issued" => lang.t("签发接口令牌", "token issued"),
        "account.token_revoked" => lang.t("吊销接口令牌", "token revoked"),
        _ => lang.t("其他", "other"),
    }
}

async fn admin_markup(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    notice: Option<&str>,
    error: Option<&str>,
    issued: Option<&IssuedToken>,
    query: &str,
) -> Result<Markup, WebError> {
    let zh = lang.is_zh();
    let c = actor.county_id;
    let users = state.store.users(c).await?;
    let townships = state.store.townships(c).await?;
    let villages = state.store.villages(c, None).await?;
    let departments = state.store.departments(c).await?;
    let tokens = state.store.api_tokens(Some(c)).await?;
    let events = state.store.account_events(c, 50).await?;
    let now = state.clock.now();
    let unit = |j: Jurisdiction| match j {
        Jurisdiction::County => lang.t("县级", "county").to_string(),
        Jurisdiction::Township(t) => townships
            .iter()
            .find(|x| x.id == t)
            .map(|x| x.name.clone())
            .unwrap_or_default(),
        Jurisdiction::Village(v) => villages
            .iter()
            .find(|x| x.id == v)
            .map(|x| {
                let t = townships
                    .iter()
                    .find(|t| t.id == x.township_id)
                    .map_or("", |t| t.name.as_str());
                format!("{t} {}", x.name)
            })
            .unwrap_or_default(),
        Jurisdiction::Department(d) => departments
            .iter()
            .find(|x| x.id == d)
            .map(|x| x.name.clone())
            .unwrap_or_default(),
    };
    let listed: Vec<(&minewatch_store::UserRow, String)> = users
        .iter()
        .filter(|u| !u.username.starts_with("__"))
        .map(|u| (u, unit(u.jurisdiction)))
        .collect();
    let needle = query.trim().to_lowercase();
    let shown: Vec<&(&minewatch_store::UserRow, String)> = listed
        .iter()
        .filter(|(u, unit)| {
            needle.is_empty()
                || u.username.to_lowercase().contains(&needle)
                || u.display_name.to_lowercase().contains(&needle)
                || unit.to_lowercase().contains(&needle)
        })
        .collect();
    let body = html! {
        h1 { (lang.t("账号管理", "Accounts")) }
        @if let Some(n) = notice { div.ok role="status" { (n) } }
        @if let Some(e) = error { div.error role="alert" { (e) } }
        @if let Some(t) = issued {
            section.card.issued {
                h2 { (lang.t("新令牌（只显示这一次，请立即复制）", "New token (shown this once: copy it now)")) }
                p { code.token { (t.token) } }
                p.muted { (t.row.token_id) " · " (t.row.username) " · " (t.row.label) " · " (lang.t("有效至 ", "expires ")) (display_stamp(&t.row.expires_at)) }
            }
        }
        section.card.narrow {
            h2 { (lang.t("重设密码", "Set a password")) }
            p.muted { (lang.t("用于忘记密码的同事；其所有登录会退出。本人改密码请到“我的账号”。",
                "For a colleague who forgot theirs; all their sessions end. Your own: on My account.")) }
            form method="post" action="/admin/users" {
                input type="hidden" name="action" value="password";
                label { (lang.t("用户名", "Username"))
                    select name="username" required {
                        option value="" { (lang.t("请选择用户", "choose a user")) }
                        @for u in users.iter().filter(|u| u.active && u.id != actor.user_id && !u.username.starts_with("__")) {
                        option value=(u.username) { (u.username) " · " (u.display_name) }
                    } } }
                label { (lang.t("新密码（至少 8 个字符）", "New password (at least 8 characters)")) input name="password" type="password" autocomplete="new-password" minlength="8" maxlength="128" required; }
                label { (lang.t("再输入一次", "Again")) input name="repeat" type="password" autocomplete="new-password" minlength="8" maxlength="128" required; }
                button type="submit" { (lang.t("设置密码", "Set the password")) }
            }
        }
        section.card {
            h2 { (lang.t("接口令牌", "API tokens")) }
            p.muted { (lang.t("供供电、公安等系统的数据接口使用；令牌按所代表用户的权限访问，到期或吊销后立即失效。",
                "For machine clients (power supply feed, police systems); a token acts with its user's rights and stops when it expires or is revoked.")) }
            form method="post" action="/admin/tokens" {
                input type="hidden" name="action" value="issue";
                div.row {
                    label { (lang.t("代表用户", "Acts as"))
                        select name="username" required {
                            option value="" { (lang.t("请选择用户", "choose a user")) }
                            @for u in users.iter().filter(|u| u.active && !u.username.starts_with("__")) {
                            option value=(u.username) { (u.username) " · " (u.display_name) }
                        } } }
                    label { (lang.t("用途", "What for")) input name="label" maxlength="100" required placeholder=(lang.t("如：供电异常数据接口", "e.g. power feed")); }
                    label { (lang.t("有效天数", "Days valid")) input name="days" type="number" min="1" max=(MAX_TOKEN_DAYS) value=(DEFAULT_TOKEN_DAYS) required; }
                }
                button type="submit" { (lang.t("签发令牌", "Issue a token")) }
            }
            @if !tokens.is_empty() {
                div.scroll { table {
                    thead { tr {
                        th { (lang.t("编号", "Id")) } th { (lang.t("代表用户", "Acts as")) } th { (lang.t("用途", "What for")) }
                        th { (lang.t("签发", "Issued")) } th { (lang.t("有效至", "Expires")) } th { (lang.t("状态", "State")) } th {}
                    } }
                    tbody { @for t in &tokens {
                        tr.disabled[!t.live(now)] {
                            td { code { (t.token_id) } } td { (t.username) } td { (t.label) }
                            td { (display_stamp(&t.created_at)) } td { (display_stamp(&t.expires_at)) }
                            td { @match (&t.revoked_at, t.live(now)) {
                                (Some(r), _) => { span.tag { (lang.t("已吊销 ", "revoked ")) (display_stamp(r)) } }
                                (None, true) => { (lang.t("有效", "live")) }
                                (None, false) => { span.tag { (lang.t("已过期", "expired")) } }
                            } }
                            td { @if t.live(now) {
                                form.inline method="post" action="/admin/tokens" {
                                    input type="hidden" name="action" value="revoke";
                                    input type="hidden" name="token_id" value=(t.token_id);
                                    button.secondary type="submit" { (lang.t("吊销", "Revoke")) }
                                }
                            } }
                        }
                    } }
                } }
            }
        }
        section.card {
            h2 { (lang.t("用户", "Users")) " (" (shown.len()) @if !query.is_empty() { " / " (listed.len()) } ")" }
            p.muted { (lang.t("停用后该用户立即无法登录，已登录的页面和接口令牌同时失效；可随时重新启用。",
                "A disabled user cannot sign in; their open sessions and API tokens stop at once. They can be enabled again.")) }
            form.row method="get" action="/admin/users" {
                input type="search" name="q" value=(query) placeholder=(lang.t("用户名、姓名或单位", "username, name or unit")) aria-label=(lang.t("查找用户", "Find a user"));
                button.secondary type="submit" { (lang.t("查找", "Find")) }
            }
            div.scroll { table.users {
                thead { tr {
                    th { (lang.t("用户名", "Username")) } th { (lang.t("姓名 · 角色 · 单位", "Name · role · unit")) }
                    th { (lang.t("状态", "State")) } th { (lang.t("操作", "Action")) }
                } }
                tbody { @for (u, unit) in &shown {
                    tr.disabled[!u.active] {
                        td { (u.username) }
                        td { (u.display_name) br; span.muted { (u.role.label(zh)) @if !unit.is_empty() { " · " (unit) } } }
                        td { @if u.active { (lang.t("正常", "active")) } @else { span.tag { (lang.t("已停用", "disabled")) } } }
                        td {
                            @if u.id != actor.user_id {
                                form.inline method="post" action="/admin/users" {
                                    input type="hidden" name="username" value=(u.username);
                                    @if u.active {
                                        input type="hidden" name="action" value="disable";
                                        button.secondary type="submit" { (lang.t("停用", "Disable")) }
                                    } @else {
                                        input type="hidden" name="action" value="enable";
                                        button.secondary type="submit" { (lang.t("启用", "Enable")) }
                                    }
                                }
                            } @else { span.muted { (lang.t("本人", "you")) } }
                        }
                    }
                } }
            } }
        }
        section.card {
            h2 { (lang.t("账号变动记录", "Account changes")) }
            p.muted { (lang.t("每一项变动都写入防篡改的事件链。", "Every change is an event in the tamper-evident chain.")) }
            @if events.is_empty() { p { (lang.t("暂无记录", "None yet")) } }
            ul.timeline { @for e in &events {
                li {
                    span.when { (display_stamp(&e.at)) }
                    " " (event_label(&e.kind, lang)) " · " (e.username)
                    @if !e.detail.is_empty() { " · " (e.detail) }
                    " · " (e.by.as_deref().unwrap_or(lang.t("服务器控制台", "the console")))
                }
            } }
        }
    };
    Ok(layout(
        lang,
        lang.t("账号管理", "Accounts"),
        Some(actor),
        body,
    ))
}

fn admin_only(actor: &Actor) -> Result<(), WebError> {
    if minewatch_core::rights::may(actor.role, minewatch_core::rights::Right::ManageAccounts) {
        Ok(())
    } else {
        Err(minewatch_store::StoreError::Forbidden(
            minewatch_core::rights::Right::ManageAccounts.refusal(),
        )
        .into())
    }
}

async fn show(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    outcome: Result<(String, Option<IssuedToken>), WebError>,
) -> PageResult {
    let (notice, error, issued, status) = match outcome {
        Ok((n, t)) => (Some(n), None, t, axum::http::StatusCode::OK),
        Err(e) => {
            let (status, _, message) = e.parts(lang);
            (None, Some(message), None, status)
        }
    };
    let m = admin_markup(
        state,
        actor,
        lang,
        notice.as_deref(),
        error.as_deref(),
        issued.as_ref(),
        "",
    )
    .await?;
    // A page showing a new token is never kept by the browser or a proxy.
    Ok((status, [(axum::http::header::CACHE_CONTROL, "no-store")], m).into_response())
}

pub async fn admin(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Query(q): Query<Fields>,
) -> PageResult {
    admin_only(&actor)?;
    let query = q.get("q").map_or("", String::as_str);
    let m = admin_markup(&state, &actor, lang, None, None, None, query).await?;
    Ok(m.into_response())
}

pub async fn change_user(
    State(state): State<AppState>,
    Extension(guard): Extension<Arc<LoginGuard>>,
    PageUser(actor): PageUser,
    lang: Lang,
    Form(f): Form<Fields>,
) -> PageResult {
    admin_only(&actor)?;
    let username = field(&f, "username");
    let now = state.clock.now();
    let outcome = async {
        match field(&f, "action") {
            "disable" | "enable" => {
                let active = field(&f, "action") == "enable";
                let u = state
                    .store
                    .set_user_active(Some(&actor), username, active, now)
                    .await?;
                Ok((
                    format!(
                        "{} {} {}",
                        u.username,
                        u.display_name,
                        if active {
                            lang.t("已启用", "enabled")
                        } else {
                            lang.t(
                                "已停用，其登录和令牌已失效",
                                "disabled: their sessions and tokens stopped",
                            )
                        }
                    ),
                    None,
                ))
            }
            "password" => {
                let hash = crate::auth::hash_new_password(
                    &guard,
                    "password",
                    field(&f, "password"),
                    field(&f, "repeat"),
                )
                .await?;
                state
                    .store
                    .set_password(Some(&actor), username, &hash, None, now)
                    .await?;
                Ok((
                    format!(
                        "{username} {}",
                        lang.t(
                            "的密码已设置，其登录已退出",
                            ": password set, sessions ended"
                        )
                    ),
                    None,
                ))
            }
            other => Err(WebError::field(
                "action",
                format!("未知操作“{other}”"),
                format!("unknown action '{other}'"),
            )),
        }
    }
    .await;
    show(&state, &actor, lang, outcome).await
}

pub async fn change_token(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Form(f): Form<Fields>,
) -> PageResult {
    admin_only(&actor)?;
    let now = state.clock.now();
    let outcome = async {
        match field(&f, "action") {
            "issue" => {
                let days: i64 = field(&f, "days").trim().parse().map_err(|_| {
                    WebError::field(
                        "days",
                        format!("有效天数应为 1–{MAX_TOKEN_DAYS} 的整数"),
                        format!("days: a whole number 1–{MAX_TOKEN_DAYS}"),
                    )
                })?;
                let token = crate::auth::new_token();
                let issued = state
                    .store
                    .issue_api_token(
                        Some(&actor),
                        field(&f, "username"),
                        field(&f, "label"),
                        &token,
                        days,
                        now,
                    )
                    .await?;
                Ok((
                    format!(
                        "{} {}",
                        lang.t("已签发令牌", "Issued token"),
                        issued.row.token_id
                    ),
                    Some(issued),
                ))
            }
            "revoke" => {
                let t = state
                    .store
                    .revoke_api_token(Some(&actor), field(&f, "token_id"), now)
                    .await?;
                Ok((
                    format!(
                        "{} {} {}",
                        lang.t("已吊销令牌", "Revoked token"),
                        t.token_id,
                        t.label
                    ),
                    None,
                ))
            }
            other => Err(WebError::field(
                "action",
                format!("未知操作“{other}”"),
                format!("unknown action '{other}'"),
            )),
        }
    }
    .await;
    show(&state, &actor, lang, outcome).await
}

/// The account pages.
pub(crate) fn page_routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/account", get(own))
        .route("/account/password", post(change_password))
        .route("/admin/users", get(admin).post(change_user))
        .route("/admin/tokens", post(change_token))
}
