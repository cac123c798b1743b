//! Server-rendered pages (zh-CN by default, English selectable), made for a phone first.

pub(crate) mod photos;

pub(crate) use crate::patches::status_label;

use crate::AppState;
use crate::auth;
use crate::error::WebError;
use crate::forms::Fields;
use crate::i18n::Lang;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::Cookie;
use maud::{DOCTYPE, Markup, html};
use minewatch_core::rights::may_administer_county;
use minewatch_store::Actor;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(crate::dashboard::page))
        .route("/login", get(login_page).post(login_submit))
        .route("/logout", post(logout))
        .route("/lang/{code}", get(set_lang))
        .merge(crate::accounts::page_routes())
        .merge(crate::ledger::page_routes())
        .merge(crate::org::page_routes())
        .merge(crate::patches::page_routes())
        .merge(crate::patrol::page_routes())
        .merge(crate::tips::page_routes())
        .merge(crate::calendar::page_routes())
        .merge(crate::lookbacks::page_routes())
        .merge(crate::leads::page_routes())
        .merge(crate::attachments::page_routes())
        .merge(crate::todo::page_routes())
        .merge(crate::dispatch::page_routes())
        .merge(crate::bulletin::page_routes())
        .merge(crate::scoreboard::page_routes())
        .merge(crate::acceptance::page_routes())
        .merge(crate::notify::page_routes())
        .merge(crate::seizure::page_routes())
        .merge(crate::blacklist::page_routes())
        .merge(crate::inspection::page_routes())
        .route(
            "/static/app.css",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
                    include_str!("../../static/app.css"),
                )
            }),
        )
        .route(
            "/static/app.js",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
                    include_str!("../../static/app.js"),
                )
            }),
        )
        .route("/healthz", get(|| async { "ok" }))
        .layer(axum::middleware::from_fn(crate::scope::request_scope))
}

/// The frame around every signed-in page.
pub(crate) fn layout(lang: Lang, title: &str, actor: Option<&Actor>, body: Markup) -> Markup {
    let zh = lang.is_zh();
    html! {
        (DOCTYPE)
        html lang=(lang.html_code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · minewatch" }
                link rel="stylesheet" href="/static/app.css";
                script src="/static/app.js" defer {}
            }
            body {
                header.top {
                    a.brand href="/" { (lang.t("矿产执法台账", "minewatch")) }
                    @if let Some(a) = actor {
                        nav {
                            @if a.scope != minewatch_core::Scope::OwnCluesOnly {
                                a href="/" { (lang.t("总览", "Dashboard")) }
                                a href="/ledger" { (lang.t("台账", "Ledger")) }
                                a href="/patches" { (lang.t("卫片图斑", "Patches")) }
                                a href="/registers" { (lang.t("登记簿", "Registers")) }
                                a href="/org" { (lang.t("组织分工", "Organisation")) }
                            }
                            @if minewatch_core::rights::may(a.role, minewatch_core::rights::Right::ReadZeroReports) {
                                a href="/daily" { (lang.t("每日报告", "Daily reports")) }
                            }
                            @if a.scope != minewatch_core::Scope::OwnCluesOnly {
                                a href="/patrols" { (lang.t("巡查", "Patrols")) }
                            }
                            @if minewatch_core::rights::may(a.role, minewatch_core::rights::Right::FileDispatch) || minewatch_core::rights::may(a.role, minewatch_core::rights::Right::ReadDispatches) {
                                a href="/dispatch" { (lang.t("周调度", "Weekly dispatch")) }
                            }
                            @if minewatch_core::rights::may(a.role, minewatch_core::rights::Right::ReadBulletins) {
                                a href="/bulletin" { (lang.t("月通报", "Monthly bulletin")) }
                            }
                            @if minewatch_core::rights::may(a.role, minewatch_core::rights::Right::ReadScoreboard) {
                                a href="/scoreboard" { (lang.t("八个一批", "Eight tallies")) }
                            }
                            @if matches!(a.role, minewatch_core::Role::Admin | minewatch_core::Role::CountyOffice | minewatch_core::Role::Inspector | minewatch_core::Role::Township | minewatch_core::Role::Department) {
                                a href="/seizures" { (lang.t("罚没处置", "Seizures")) }
                            }
                            @if minewatch_core::rights::may(a.role, minewatch_core::rights::Right::ReadBlacklist) && a.role != minewatch_core::Role::Township {
                                a href="/blacklist" { (lang.t("黑名单", "Blacklist")) }
                            } @else if a.role == minewatch_core::Role::Checkpoint {
                                a href="/blacklist/check" { (lang.t("黑名单核查", "Blacklist check")) }
                            }
                            @if minewatch_core::rights::may(a.role, minewatch_core::rights::Right::ReadAcceptance) {
                                a href="/acceptance" { (lang.t("阶段验收", "Acceptance")) }
                            }
                            @if minewatch_core::rights::may(a.role, minewatch_core::rights::Right::RecordInspection) {
                                a href="/inspections" { (lang.t("督导检查", "Inspections")) }
                            }
                            @if minewatch_core::rights::may(a.role, minewatch_core::rights::Right::ReadLeads) {
                                a href="/leads" { (lang.t("问责线索", "Leads")) }
                            }
                            @if a.scope != minewatch_core::Scope::OwnCluesOnly {
                                a href="/tips" { (lang.t("群众举报", "Tips")) }
                            }
                            @if minewatch_core::rights::may_file_clue(a.role) {
                                a href="/clues/new" { (lang.t("登记线索", "New clue")) }
                            }
                            a href="/clues/mine" { (lang.t("我报的线索", "My clues")) }
                            @if matches!(a.role, minewatch_core::Role::Township | minewatch_core::Role::CountyOffice | minewatch_core::Role::Admin) {
                                a href="/notifications" { (lang.t("提醒", "Notices")) }
                            }
                            @if minewatch_core::rights::may(a.role, minewatch_core::rights::Right::ManageNotifications) {
                                a href="/notify" { (lang.t("提醒渠道", "Channels")) }
                            }
                        }
                        @if minewatch_core::rights::may(a.role, minewatch_core::rights::Right::ManageAccounts) { a href="/admin/users" { (lang.t("账号管理", "Accounts")) } }
                        a.who href="/account" title=(lang.t("我的账号", "My account")) { (a.display_name) " · " (a.role.label(zh)) }
                        form.inline method="post" action="/logout" { button.link type="submit" { (lang.t("退出", "Log out")) } }
                    }
                    a.lang href=(if zh { "/lang/en" } else { "/lang/zh" }) { (if zh { "English" } else { "中文" }) }
                }
                main { (body) }
            }
        }
    }
}

/// A page that could not be shown. Any store or web error becomes one with `?`; it answers
/// as the error page, in the user's language and inside their frame, both known to the
/// request scope ([`crate::scope`]) rather than handed to every error.
#[derive(Debug)]
pub(crate) struct PageError(pub WebError);

impl From<WebError> for PageError {
    fn from(e: WebError) -> Self {
        PageError(e)
    }
}

impl From<minewatch_store::StoreError> for PageError {
    fn from(e: minewatch_store::StoreError) -> Self {
        PageError(WebError::Store(e))
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        error_page(
            crate::scope::lang(),
            crate::scope::actor().as_ref(),
            &self.0,
        )
    }
}

/// Back to a page after a change, with a notice at its top ("已保存").
pub(crate) fn notice_redirect(path: &str, notice: &str) -> Response {
    // The notice goes in the query, before any fragment (`…?from=…&ok=…#t3`).
    let (path, fragment) = path.split_once('#').map_or((path, ""), |(p, f)| (p, f));
    let join = if path.contains('?') { '&' } else { '?' };
    let hash = if fragment.is_empty() { "" } else { "#" };
    Redirect::to(&format!(
        "{path}{join}ok={}{hash}{fragment}",
        crate::forms::url_encode(notice)
    ))
    .into_response()
}

/// What a page handler returns.
pub(crate) type PageResult<T = Response> = Result<T, PageError>;

/// A whole page for an error, in the user's language.
pub(crate) fn error_page(lang: Lang, actor: Option<&Actor>, err: &WebError) -> Response {
    let (status, _, message) = err.parts(lang);
    if status == StatusCode::UNAUTHORIZED {
        return Redirect::to("/login").into_response();
    }
    let body = html! { div.error role="alert" { (message) } p { a href="/" { (lang.t("返回首页", "Home")) } } };
    (status, layout(lang, lang.t("出错了", "Error"), actor, body)).into_response()
}

fn login_markup(lang: Lang, next: &str, error: Option<&str>) -> Markup {
    layout(
        lang,
        lang.t("登录", "Log in"),
        None,
        html! {
            section.card.narrow {
                h1 { (lang.t("登录", "Log in")) }
                @if let Some(e) = error { div.error role="alert" { (e) } }
                form method="post" action="/login" {
                    input type="hidden" name="next" value=(next);
                    label { (lang.t("用户名", "Username")) input name="username" autocomplete="username" required autofocus; }
                    label { (lang.t("密码", "Password")) input name="password" type="password" autocomplete="current-password" required; }
                    button type="submit" { (lang.t("登录", "Log in")) }
                }
            }
        },
    )
}

async fn login_page(lang: Lang, Query(q): Query<Fields>) -> Markup {
    login_markup(
        lang,
        &auth::safe_next(q.get("next").map(String::as_str)),
        None,
    )
}

async fn login_submit(
    State(state): State<AppState>,
    axum::Extension(guard): axum::Extension<std::sync::Arc<crate::throttle::LoginGuard>>,
    crate::client::ClientIp(client): crate::client::ClientIp,
    lang: Lang,
    jar: CookieJar,
    Form(f): Form<Fields>,
) -> Response {
    let next = auth::safe_next(f.get("next").map(String::as_str));
    let user = f.get("username").map_or("", String::as_str);
    let pass = f.get("password").map_or("", String::as_str);
    match auth::login(&state, &guard, client, user, pass).await {
        Ok((_, cookie)) => (jar.add(cookie), Redirect::to(&next)).into_response(),
        Err(e) => {
            let (status, _, message) = e.parts(lang);
            (status, login_markup(lang, &next, Some(&message))).into_response()
        }
    }
}

async fn logout(State(state): State<AppState>, jar: CookieJar) -> Response {
    if let Some(c) = jar.get(auth::SESSION_COOKIE) {
        let _ = state.store.delete_session(c.value()).await;
    }
    (
        jar.remove(Cookie::build(auth::SESSION_COOKIE).path("/")),
        Redirect::to("/login"),
    )
        .into_response()
}

async fn set_lang(
    jar: CookieJar,
    Path(code): Path<String>,
    headers: axum::http::HeaderMap,
) -> Response {
    let value = if code == "en" { "en" } else { "zh" };
    let back = headers
        .get(header::REFERER)
        .and_then(|r| r.to_str().ok())
        .and_then(|r| {
            r.find("://")
                .and_then(|i| r[i + 3..].find('/').map(|j| r[i + 3 + j..].to_string()))
        })
        .unwrap_or_else(|| "/".into());
    let cookie = Cookie::build(("lang", value))
        .path("/")
        .max_age(time::Duration::days(365))
        .build();
    (jar.add(cookie), Redirect::to(&auth::safe_next(Some(&back)))).into_response()
}

/// Yuan for display from fen.
pub(crate) fn yuan(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, (fen % 100).abs())
}

/// An amount as offices write it: 万元 from ten thousand yuan up (197.10万元), yuan below
/// (3250.00元); in English yuan with thousands separated.
pub(crate) fn money(fen: i64, lang: Lang) -> String {
    if !lang.is_zh() {
        let whole = (fen / 100).abs().to_string();
        let mut grouped = String::new();
        for (i, c) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        let sign = if fen < 0 { "-" } else { "" };
        return format!("{sign}{grouped}.{:02} yuan", (fen % 100).abs());
    }
    if fen.abs() >= 1_000_000 {
        // Whole fen to 万元 with two decimals, rounded half up, without floating point.
        let hundredths = (fen.abs() + 5_000) / 10_000;
        let sign = if fen < 0 { "-" } else { "" };
        format!("{sign}{}.{:02}万元", hundredths / 100, hundredths % 100)
    } else {
        format!("{}元", yuan(fen))
    }
}

pub(crate) fn is_office(a: &Actor) -> bool {
    may_administer_county(a.role)
}

#[cfg(test)]
mod money_tests {
    use super::*;

    #[test]
    fn large_amounts_read_in_wan_yuan() {
        assert_eq!(money(197_100_000, Lang::Zh), "197.10万元");
        assert_eq!(money(1_835_100_000, Lang::Zh), "1835.10万元");
        assert_eq!(money(325_000, Lang::Zh), "3250.00元");
        assert_eq!(money(123_456_789, Lang::En), "1,234,567.89 yuan");
        assert_eq!(money(5, Lang::En), "0.05 yuan");
    }
}
