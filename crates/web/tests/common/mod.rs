//! The real server on a free port over a temporary database with the demo county: SQLite, or
//! a fresh PostgreSQL database of `MINEWATCH_TEST_PG` when `MINEWATCH_WEB_TEST_ENGINE` is
//! `postgres` (scripts/test runs the server tests both ways).
#![allow(dead_code, reason = "each test file uses its own part")]

use chrono::TimeZone;
use minewatch_core::ManualClock;
use minewatch_store::{Store, StoreConfig, demo};
use minewatch_web::AppState;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::sync::Arc;

pub struct Server {
    pub base: String,
    pub store: Store,
    _dir: tempfile::TempDir,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

pub async fn start() -> Server {
    start_with(Vec::new()).await
}

/// The server, reading `X-Forwarded-For` from these proxies.
pub async fn start_with(trusted_proxies: Vec<ipnet::IpNet>) -> Server {
    let dir = tempfile::tempdir().expect("tempdir");
    let location = if std::env::var("MINEWATCH_WEB_TEST_ENGINE").as_deref() == Ok("postgres") {
        minewatch_testkit::fresh_postgres("mw_web").await
    } else {
        dir.path().join("mw.db").to_string_lossy().into_owned()
    };
    let mut cfg = StoreConfig::new(location);
    cfg.blob_dir = Some(dir.path().join("blobs"));
    let store = Store::open(cfg).await.expect("store");
    let now = chrono::Utc
        .with_ymd_and_hms(2026, 6, 1, 2, 0, 0)
        .single()
        .expect("time");
    let hash = minewatch_web::auth::hash_password(demo::DEMO_PASSWORD).expect("hash");
    demo::build(&store, now, &hash).await.expect("demo");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let state = AppState {
        store: store.clone(),
        clock: Arc::new(ManualClock::new(now)),
        secure_cookies: false,
        trusted_proxies,
        clock_control: None,
    };
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    // The outbox is driven pass by pass by the tests that look at it.
    tokio::spawn(minewatch_web::serve_with(
        state,
        listener,
        async move {
            let _ = rx.await;
        },
        false,
    ));
    Server {
        base,
        store,
        _dir: dir,
        shutdown: Some(tx),
    }
}

/// A new, empty database on the test PostgreSQL server.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client")
}

pub async fn login(s: &Server, user: &str) -> reqwest::Client {
    let c = client();
    let r = c
        .post(format!("{}/api/v1/session", s.base))
        .json(&json!({"username": user, "password": demo::DEMO_PASSWORD}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK, "login {user}");
    c
}

pub async fn json_of(r: reqwest::Response) -> (StatusCode, Value) {
    let status = r.status();
    (status, r.json().await.expect("json body"))
}

pub async fn org_ids(c: &reqwest::Client, s: &Server) -> (i64, i64, i64) {
    let (_, org) = json_of(
        c.get(format!("{}/api/v1/org", s.base))
            .send()
            .await
            .expect("org"),
    )
    .await;
    let t1 = org["townships"][0]["id"].as_i64().expect("township");
    let t2 = org["townships"][1]["id"].as_i64().expect("township");
    let v1 = org["villages"]
        .as_array()
        .expect("villages")
        .iter()
        .find(|v| v["township_id"] == t1)
        .expect("village")["id"]
        .as_i64()
        .expect("id");
    (t1, t2, v1)
}

/// A browser-like client signed in through the log-in form.
pub async fn login_page(s: &Server, user: &str) -> reqwest::Client {
    let c = client();
    let r = c
        .post(format!("{}/login", s.base))
        .form(&[
            ("username", user),
            ("password", demo::DEMO_PASSWORD),
            ("next", "/"),
        ])
        .send()
        .await
        .expect("login");
    assert!(r.status().is_success() || r.status().is_redirection());
    c
}

/// A downloaded .xlsx (the answer must be 200): one sheet, for its typed cells, and its cells
/// as text, row by row.
pub async fn xlsx_sheet(
    c: &reqwest::Client,
    url: String,
    sheet: &str,
) -> (calamine::Range<calamine::Data>, Vec<Vec<String>>) {
    use calamine::Reader;
    let r = c.get(url).send().await.expect("xlsx");
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.expect("bytes");
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).expect("a real xlsx");
    let range = wb.worksheet_range(sheet).expect("sheet");
    let cells = range
        .rows()
        .map(|r| r.iter().map(ToString::to_string).collect())
        .collect();
    (range, cells)
}

/// A downloaded PDF (the answer must be 200 and a PDF) as poppler's pdftotext reads it, with
/// the layout's spaces and line breaks taken out so wrapped Chinese text reads as one line.
pub async fn pdf_text(c: &reqwest::Client, url: String) -> String {
    let r = c.get(&url).send().await.expect("pdf");
    assert_eq!(r.status(), StatusCode::OK, "{url}");
    assert_eq!(
        r.headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok()),
        Some("application/pdf"),
        "{url}"
    );
    let bytes = r.bytes().await.expect("bytes");
    assert!(bytes.starts_with(b"%PDF-"), "{url}");
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("doc.pdf");
    std::fs::write(&file, &bytes).expect("write");
    let out = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (Debian's poppler-utils) must be installed for these tests");
    assert!(out.status.success(), "pdftotext failed on {url}");
    String::from_utf8_lossy(&out.stdout)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// A query value percent-encoded (Chinese plates, spaces).
pub fn url_encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// An answer's status and body text.
pub async fn text(r: reqwest::Response) -> (StatusCode, String) {
    let status = r.status();
    (status, r.text().await.expect("text"))
}
