//! Accounts over HTTP: the admin disables, enables, sets passwords, issues and revokes
//! tokens on the admin page, each stopping access from the next request; a user changes
//! their own password; limits count the client behind a trusted proxy only.

mod common;

use common::{Server, client, json_of, login, login_page, start, start_with};
use minewatch_store::demo;
use reqwest::StatusCode;
use serde_json::json;

async fn me(s: &Server, c: &reqwest::Client) -> StatusCode {
    c.get(format!("{}/api/v1/me", s.base))
        .send()
        .await
        .expect("me")
        .status()
}

async fn me_with_token(s: &Server, token: &str) -> StatusCode {
    client()
        .get(format!("{}/api/v1/me", s.base))
        .bearer_auth(token)
        .send()
        .await
        .expect("me")
        .status()
}

async fn post_form(
    s: &Server,
    c: &reqwest::Client,
    path: &str,
    form: &[(&str, &str)],
) -> (StatusCode, String) {
    let r = c
        .post(format!("{}{path}", s.base))
        .form(form)
        .send()
        .await
        .expect("post");
    let status = r.status();
    (status, r.text().await.expect("body"))
}

async fn account_kinds(s: &Server) -> usize {
    let county = s.store.county_by_code("QL").await.expect("county").0;
    s.store
        .account_events(county, 100)
        .await
        .expect("events")
        .len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_disables_and_enables_and_access_stops_at_once() {
    let s = start().await;
    let admin = login_page(&s, "admin").await;
    let town = login(&s, "town01").await;
    let token = s
        .store
        .issue_api_token(
            None,
            "town01",
            "field tablet",
            "tok-town01",
            30,
            chrono::Utc::now(),
        )
        .await
        .expect("token");
    assert_eq!(token.row.token_id.len(), 12);
    assert_eq!(me(&s, &town).await, StatusCode::OK);
    assert_eq!(me_with_token(&s, "tok-town01").await, StatusCode::OK);

    let page = admin
        .get(format!("{}/admin/users", s.base))
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.expect("html");
    assert!(
        html.contains("town01") && html.contains(&token.row.token_id),
        "lists users and tokens"
    );

    // Only the admin: the county office is refused and nothing changes.
    let office = login_page(&s, "office").await;
    let before = account_kinds(&s).await;
    let (status, _) = post_form(
        &s,
        &office,
        "/admin/users",
        &[("action", "disable"), ("username", "town01")],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        office
            .get(format!("{}/admin/users", s.base))
            .send()
            .await
            .expect("page")
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(me(&s, &town).await, StatusCode::OK);
    assert_eq!(account_kinds(&s).await, before);

    // Disabled: the open session and the token answer 401 from the next request, the
    // pages send to the log-in, and log-in itself is refused.
    let (status, html) = post_form(
        &s,
        &admin,
        "/admin/users",
        &[("action", "disable"), ("username", "town01")],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("已停用"));
    assert_eq!(me(&s, &town).await, StatusCode::UNAUTHORIZED);
    assert_eq!(
        me_with_token(&s, "tok-town01").await,
        StatusCode::UNAUTHORIZED
    );
    let r = client()
        .post(format!("{}/api/v1/session", s.base))
        .json(&json!({"username": "town01", "password": demo::DEMO_PASSWORD}))
        .send()
        .await
        .expect("login");
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // The admin cannot lock themselves out.
    let (status, _) = post_form(
        &s,
        &admin,
        "/admin/users",
        &[("action", "disable"), ("username", "admin")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // Enabled again: the token works again (not expired, not revoked); a new log-in works.
    let (status, _) = post_form(
        &s,
        &admin,
        "/admin/users",
        &[("action", "enable"), ("username", "town01")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me_with_token(&s, "tok-town01").await, StatusCode::OK);
    let town = login(&s, "town01").await;
    assert_eq!(me(&s, &town).await, StatusCode::OK);

    // A password set by the admin ends the user's sessions; the new one works.
    let (status, html) = post_form(
        &s,
        &admin,
        "/admin/users",
        &[
            ("action", "password"),
            ("username", "town01"),
            ("password", "short"),
            ("repeat", "short"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("8–128"), "says why");
    let (status, _) = post_form(
        &s,
        &admin,
        "/admin/users",
        &[
            ("action", "password"),
            ("username", "town01"),
            ("password", "set-by-the-admin"),
            ("repeat", "set-by-the-admin"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me(&s, &town).await, StatusCode::UNAUTHORIZED);
    let r = client()
        .post(format!("{}/api/v1/session", s.base))
        .json(&json!({"username": "town01", "password": "set-by-the-admin"}))
        .send()
        .await
        .expect("login");
    assert_eq!(r.status(), StatusCode::OK);

    // Tokens from the page: shown once, work, and stop when revoked.
    let (status, html) = post_form(
        &s,
        &admin,
        "/admin/tokens",
        &[
            ("action", "issue"),
            ("username", "dept_power_supply"),
            ("label", "供电异常数据接口"),
            ("days", "90"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let shown = html
        .split("<code class=\"token\">")
        .nth(1)
        .and_then(|r| r.split('<').next())
        .expect("the token is shown")
        .to_string();
    assert_eq!(shown.len(), 64);
    assert_eq!(me_with_token(&s, &shown).await, StatusCode::OK);
    let id = minewatch_store::token_id_of(&shown);
    let (status, _) = post_form(
        &s,
        &admin,
        "/admin/tokens",
        &[("action", "revoke"), ("token_id", &id)],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me_with_token(&s, &shown).await, StatusCode::UNAUTHORIZED);
    let (status, _) = post_form(
        &s,
        &admin,
        "/admin/tokens",
        &[("action", "revoke"), ("token_id", &id)],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "revoked already");
    let (status, _) = post_form(
        &s,
        &admin,
        "/admin/tokens",
        &[
            ("action", "issue"),
            ("username", "office"),
            ("label", "x"),
            ("days", "0"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // Every change is in the chain, and the chain holds.
    let county = s.store.county_by_code("QL").await.expect("county").0;
    let kinds: Vec<String> = s
        .store
        .account_events(county, 100)
        .await
        .expect("events")
        .into_iter()
        .rev()
        .map(|e| e.kind)
        .collect();
    assert_eq!(
        kinds,
        [
            "account.token_issued",
            "account.disabled",
            "account.enabled",
            "account.password_set",
            "account.token_issued",
            "account.token_revoked"
        ]
    );
    assert!(s.store.audit_verify().await.expect("audit").is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_changes_their_own_password() {
    let s = start().await;
    let here = login_page(&s, "village01").await;
    let elsewhere = login(&s, "village01").await;
    let (status, html) = post_form(
        &s,
        &here,
        "/account/password",
        &[
            ("current", "wrong-password"),
            ("password", "a-brand-new-one"),
            ("repeat", "a-brand-new-one"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("当前密码不正确"));
    let (status, html) = post_form(
        &s,
        &here,
        "/account/password",
        &[
            ("current", demo::DEMO_PASSWORD),
            ("password", "a-brand-new-one"),
            ("repeat", "a-brand-new-onf"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("不一致"));
    assert_eq!(
        me(&s, &elsewhere).await,
        StatusCode::OK,
        "nothing changed yet"
    );
    let (status, html) = post_form(
        &s,
        &here,
        "/account/password",
        &[
            ("current", demo::DEMO_PASSWORD),
            ("password", "a-brand-new-one"),
            ("repeat", "a-brand-new-one"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("密码已修改"));
    assert_eq!(me(&s, &here).await, StatusCode::OK, "this session goes on");
    assert_eq!(
        me(&s, &elsewhere).await,
        StatusCode::UNAUTHORIZED,
        "others end"
    );
    let r = client()
        .post(format!("{}/api/v1/session", s.base))
        .json(&json!({"username": "village01", "password": "a-brand-new-one"}))
        .send()
        .await
        .expect("login");
    assert_eq!(r.status(), StatusCode::OK);
    // A village user has no admin page.
    assert_eq!(
        here.get(format!("{}/admin/users", s.base))
            .send()
            .await
            .expect("page")
            .status(),
        StatusCode::FORBIDDEN
    );
}

/// Tracking look-ups until the per-address limit answers 429, each claiming `forwarded`.
async fn lookups_until_refused(s: &Server, forwarded: &str) -> usize {
    let c = client();
    for n in 1..=40 {
        let (status, _) = json_of(
            c.post(format!("{}/api/v1/public/tips/track", s.base))
                .header("x-forwarded-for", forwarded)
                .json(&json!({"code": "JB00000000", "secret": "NOPE0000"}))
                .send()
                .await
                .expect("track"),
        )
        .await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            return n;
        }
    }
    0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limits_count_the_client_behind_a_trusted_proxy_only() {
    let per_address = usize::try_from(minewatch_web::tips::desk::LOOKUPS_PER_ADDRESS.0).expect("n");
    // Behind a trusted proxy (here: the loopback the test connects from), each client
    // has its own limit.
    let proxied =
        start_with(minewatch_web::client::parse_trusted(&["127.0.0.1/32".into()]).expect("cidr"))
            .await;
    assert_eq!(
        lookups_until_refused(&proxied, "198.51.100.1").await,
        per_address + 1
    );
    assert_eq!(
        lookups_until_refused(&proxied, "198.51.100.2").await,
        per_address + 1,
        "another citizen behind the same proxy is not refused"
    );
    // Without it the header is ignored: a client cannot buy a fresh limit by writing one.
    let direct = start().await;
    assert_eq!(
        lookups_until_refused(&direct, "198.51.100.1").await,
        per_address + 1
    );
    assert_eq!(lookups_until_refused(&direct, "198.51.100.2").await, 1);
}
