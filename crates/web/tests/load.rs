//! A bounded flood of public tips on loopback (R4 abuse): 200 network addresses (127.0.1.x,
//! 127.0.2.x: Linux answers the whole of 127/8) each send 8 tips at once, 64 at a time,
//! while the county office reloads its ledger page. Checked: every tip the desk answered
//! 201 is in the database with its tracking code, every other answer is a clear 429 with
//! Retry-After, nothing fails. Printed, not asserted (machines are noisy): throughput and
//! the ledger page's latency before and during the flood. Run:
//! `cargo test --release -p minewatch-web --test load -- --nocapture`.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::TimeZone;
use minewatch_core::ManualClock;
use minewatch_store::{Store, StoreConfig, demo};
use minewatch_web::AppState;
use reqwest::StatusCode;
use serde_json::{Value, json};

const ADDRESSES: u32 = 200;
const TIPS_EACH: u32 = 8;
const AT_ONCE: usize = 64;

/// The real server on a free loopback port over a fresh demo county; sending on the
/// returned channel stops it.
async fn start_demo() -> (
    tempfile::TempDir,
    Store,
    String,
    tokio::sync::oneshot::Sender<()>,
) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cfg = StoreConfig::new(dir.path().join("mw.db").to_string_lossy().into_owned());
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
    let port = listener.local_addr().expect("addr").port();
    let base = format!("http://127.0.0.1:{port}");
    let state = AppState {
        store: store.clone(),
        clock: Arc::new(ManualClock::new(now)),
        secure_cookies: false,
        trusted_proxies: Vec::new(),
        clock_control: None,
    };
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(minewatch_web::serve(state, listener, async move {
        let _ = rx.await;
    }));
    (dir, store, base, tx)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

async fn ledger_latencies(client: &reqwest::Client, base: &str, n: usize) -> Vec<Duration> {
    let mut out = Vec::new();
    for _ in 0..n {
        let t = Instant::now();
        let r = client
            .get(format!("{base}/ledger"))
            .send()
            .await
            .expect("ledger");
        assert_eq!(r.status(), StatusCode::OK);
        let _ = r.bytes().await.expect("body");
        out.push(t.elapsed());
    }
    out.sort();
    out
}

#[expect(clippy::print_stdout, reason = "the figures are this test's report")]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_flood_of_tips_is_limited_clearly_and_loses_nothing() {
    let (_dir, _store, base, tx) = start_demo().await;

    let office = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    let r = office
        .post(format!("{base}/api/v1/session"))
        .json(&json!({"username": "office", "password": demo::DEMO_PASSWORD}))
        .send()
        .await
        .expect("login");
    assert_eq!(r.status(), StatusCode::OK);
    let before_tips = store_tips(&office, &base).await;
    let idle = ledger_latencies(&office, &base, 30).await;

    // The flood, and the office reloading its ledger meanwhile.
    let start = Instant::now();
    let sem = Arc::new(tokio::sync::Semaphore::new(AT_ONCE));
    let mut tasks = Vec::new();
    for a in 0..ADDRESSES {
        let ip = IpAddr::V4(Ipv4Addr::new(
            127,
            0,
            1 + u8::try_from(a / 250).expect("octet"),
            1 + u8::try_from(a % 250).expect("octet"),
        ));
        let client = reqwest::Client::builder()
            .local_address(ip)
            .build()
            .expect("client");
        for n in 0..TIPS_EACH {
            let (client, base, sem) = (client.clone(), base.clone(), sem.clone());
            tasks.push(tokio::spawn(async move {
                let _permit = sem.acquire().await.expect("permit");
                let r = client
                    .post(format!("{base}/api/v1/public/tips"))
                    .header("x-device-id", format!("load-{a}-{n}"))
                    .json(&json!({
                        "description": format!("压力测试举报 {a}-{n}：山坡有人挖矿"),
                        // Inside the demo's grids wherever the tip lands: which tips the
                        // county-wide allowance lets through depends on timing.
                        "lon": 112.01 + f64::from(a % 5) * 0.0004, "lat": 36.41 + f64::from(n) * 0.0004,
                    }))
                    .send()
                    .await
                    .expect("send");
                let status = r.status();
                let retry = r
                    .headers()
                    .get("retry-after")
                    .map(|v| v.to_str().unwrap_or("").to_string());
                let body: Value = r.json().await.expect("json");
                (status, retry, body)
            }));
        }
    }
    let during = {
        let office = office.clone();
        let base = base.clone();
        tokio::spawn(async move { ledger_latencies(&office, &base, 30).await })
    };
    let mut accepted = Vec::new();
    let mut limited = 0;
    for t in tasks {
        let (status, retry, body) = t.await.expect("task");
        match status {
            StatusCode::CREATED => {
                accepted.push(body["tracking_code"].as_str().expect("code").to_string());
            }
            StatusCode::TOO_MANY_REQUESTS => {
                limited += 1;
                assert!(
                    retry.is_some_and(|r| r.parse::<u64>().is_ok_and(|s| s >= 1)),
                    "Retry-After"
                );
                assert_eq!(body["code"], "rate_limited");
                assert!(
                    body["message"]
                        .as_str()
                        .is_some_and(|m| m.contains("秒后再试")),
                    "{body}"
                );
            }
            other => panic!("unexpected answer {other}: {body}"),
        }
    }
    let flood = start.elapsed();
    let during = during.await.expect("ledger");

    // Nothing accepted is lost: every code is in the store, and nothing else was added.
    let after_tips = store_tips(&office, &base).await;
    assert_eq!(after_tips.len(), before_tips.len() + accepted.len());
    for code in &accepted {
        assert!(after_tips.contains(code), "{code} lost");
    }
    let total = ADDRESSES * TIPS_EACH;
    assert_eq!(accepted.len() + limited, total as usize);
    println!(
        "load: {total} tips from {ADDRESSES} addresses ({AT_ONCE} at once) in {:.2} s ({:.0}/s): {} accepted, {limited} refused with 429",
        flood.as_secs_f64(),
        f64::from(total) / flood.as_secs_f64(),
        accepted.len()
    );
    println!(
        "load: ledger page p50/p95 idle {:.1}/{:.1} ms, during the flood {:.1}/{:.1} ms",
        percentile(&idle, 0.5).as_secs_f64() * 1e3,
        percentile(&idle, 0.95).as_secs_f64() * 1e3,
        percentile(&during, 0.5).as_secs_f64() * 1e3,
        percentile(&during, 0.95).as_secs_f64() * 1e3
    );
    let _ = tx.send(());
}

async fn store_tips(office: &reqwest::Client, base: &str) -> Vec<String> {
    let v: Value = office
        .get(format!("{base}/api/v1/tips"))
        .send()
        .await
        .expect("tips")
        .json()
        .await
        .expect("json");
    v.as_array()
        .expect("array")
        .iter()
        .filter_map(|t| t["tracking_code"].as_str().map(str::to_string))
        .collect()
}

/// This process's resident memory, in MiB (Linux).
fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Twice 400 wrong log-ins for the office, 32 at once from 40 loopback addresses: every answer is
/// a clear 422 or 429 (never a 500 or a hang), the office's account waits, another account
/// still signs in, and the server's memory stays flat (printed: hashing runs on a small
/// bounded pool, the rest queue and are told to retry).
#[expect(clippy::print_stdout, reason = "the figures are this test's report")]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_flood_of_wrong_log_ins_is_throttled_with_flat_memory() {
    let (_dir, _store, base, tx) = start_demo().await;
    // One client per address, made before measuring, so the figures are the server's.
    let clients: Vec<reqwest::Client> = (0..40u8)
        .map(|n| {
            reqwest::Client::builder()
                .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 3, 1 + n)))
                .build()
                .expect("client")
        })
        .collect();
    let before = rss_mib();
    let mut after = Vec::new();
    let mut by_status = std::collections::BTreeMap::new();
    let started = Instant::now();
    for round in 0..2u32 {
        let sem = Arc::new(tokio::sync::Semaphore::new(32));
        let mut tasks = Vec::new();
        for n in 0..400u32 {
            let client = clients[(n % 40) as usize].clone();
            let (base, sem) = (base.clone(), sem.clone());
            tasks.push(tokio::spawn(async move {
                let _permit = sem.acquire().await.expect("permit");
                client
                    .post(format!("{base}/api/v1/session"))
                    .json(&json!({"username": "office", "password": format!("guess-{round}-{n}")}))
                    .send()
                    .await
                    .expect("send")
                    .status()
            }));
        }
        for t in tasks {
            *by_status
                .entry(t.await.expect("task").as_u16())
                .or_insert(0u32) += 1;
        }
        after.push(rss_mib());
    }
    println!(
        "2 × 400 wrong log-ins, 32 at once, in {:.1} s: answers {by_status:?}; memory {before:.0} MiB before, {:.0} MiB after the first 400, {:.0} MiB after the second",
        started.elapsed().as_secs_f64(),
        after[0],
        after[1]
    );
    assert!(
        by_status.keys().all(|s| *s == 422 || *s == 429),
        "only clear refusals: {by_status:?}"
    );
    assert!(
        by_status.get(&429).copied().unwrap_or(0) > 700,
        "most were throttled: {by_status:?}"
    );
    // The office's account is waiting now, even with the right password …
    let c = reqwest::Client::new();
    let r = c
        .post(format!("{base}/api/v1/session"))
        .json(&json!({"username": "office", "password": demo::DEMO_PASSWORD}))
        .send()
        .await
        .expect("login");
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().contains_key("retry-after"));
    // … while another account signs in as usual.
    let r = c
        .post(format!("{base}/api/v1/session"))
        .json(&json!({"username": "town01", "password": demo::DEMO_PASSWORD}))
        .send()
        .await
        .expect("login");
    assert_eq!(r.status(), StatusCode::OK);
    let _ = tx.send(());
}

/// Picture bombs from 40 addresses (two tips each, two 20,000 × 20,000 PNGs of 83 bytes
/// per tip) while 15 citizens send honest tips with a real photo: every bomb is refused
/// from its header with a 422, every honest tip is taken (201) — the bombs use neither the
/// write slots nor the county-wide allowance. Printed: the time for all of it.
#[expect(clippy::print_stdout, reason = "the figures are this test's report")]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn honest_tips_are_taken_while_picture_bombs_arrive() {
    use base64::Engine as _;
    let (_dir, _store, base, tx) = start_demo().await;
    let encode = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    let bomb = encode(include_bytes!(
        "../../store/tests/fixtures/photos/bomb_20000.png"
    ));
    let photo = include_bytes!("../../store/tests/fixtures/photos/pillow.jpg");
    let started = Instant::now();
    let mut tasks = Vec::new();
    for a in 0..55u8 {
        let client = reqwest::Client::builder()
            .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 4, 1 + a)))
            .build()
            .expect("client");
        let honest = a >= 40;
        let tips = if honest { 1 } else { 2 };
        for n in 0..tips {
            let (client, base) = (client.clone(), base.clone());
            let body = if honest {
                // Each its own photo (bytes after the JPEG's end change its digest).
                let mut bytes = photo.to_vec();
                bytes.extend_from_slice(&[a, n]);
                json!({"description": format!("诚实举报 {a}：河边有人挖沙"),
                       "lon": 112.01 + f64::from(a) * 0.0005, "lat": 36.41,
                       "photos": [{"name": "现场.jpg", "data": encode(&bytes)}]})
            } else {
                json!({"description": format!("炸弹 {a}-{n}"), "lon": 112.02, "lat": 36.42,
                       "photos": [{"name": "a.png", "data": bomb}, {"name": "b.png", "data": bomb}]})
            };
            tasks.push(tokio::spawn(async move {
                let r = client
                    .post(format!("{base}/api/v1/public/tips"))
                    .header("x-device-id", format!("bomb-test-{a}-{n}"))
                    .json(&body)
                    .send()
                    .await
                    .expect("send");
                (honest, r.status())
            }));
        }
    }
    let (mut taken, mut bombs_refused) = (0, 0);
    for t in tasks {
        match t.await.expect("task") {
            (true, StatusCode::CREATED) => taken += 1,
            (false, StatusCode::UNPROCESSABLE_ENTITY) => bombs_refused += 1,
            (honest, other) => panic!("honest {honest}: unexpected {other}"),
        }
    }
    println!(
        "80 picture-bomb tips and 15 honest tips at once in {:.2} s: {bombs_refused} bombs refused (422), {taken} honest tips taken (201)",
        started.elapsed().as_secs_f64()
    );
    assert_eq!((taken, bombs_refused), (15, 80));
    let _ = tx.send(());
}
