//! Notifications out of the real outbox to local sinks (the edge of the world): the county
//! office switches on, for 东川镇, a DingTalk robot and an SMS gateway (local HTTP sinks), an e-mail channel (a
//! local SMTP sink) and a WeChat Work robot whose address is down. One pass of the outbox
//! raises the demo county's due and overdue notices; the robot and the mailbox get them, the
//! down robot's wait as pending with the reason, and arrive on a later pass once it is up.
//! The township reads them in the app; channels are the office's.

mod common;

use std::sync::{Arc, Mutex};

use chrono::TimeZone;
use common::{json_of, login, start};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

type Seen = Arc<Mutex<Vec<Value>>>;

/// An HTTP sink on `listener` that answers like a group robot and keeps what it was sent.
fn robot(listener: tokio::net::TcpListener, seen: Seen) {
    let app = axum::Router::new().route(
        "/{*path}",
        axum::routing::post(move |axum::Json(v): axum::Json<Value>| {
            let seen = seen.clone();
            async move {
                seen.lock().expect("lock").push(v);
                axum::Json(json!({"errcode": 0, "errmsg": "ok"}))
            }
        }),
    );
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
}

/// A minimal SMTP sink: it accepts every message and keeps its text.
fn mailbox(listener: tokio::net::TcpListener, seen: Arc<Mutex<Vec<String>>>) {
    tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else {
                return;
            };
            let seen = seen.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                let _ = write.write_all(b"220 sink ESMTP\r\n").await;
                let mut data = None::<String>;
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(text) = data.as_mut() {
                        if line == "." {
                            seen.lock().expect("lock").push(std::mem::take(text));
                            data = None;
                            let _ = write.write_all(b"250 queued\r\n").await;
                        } else {
                            text.push_str(&line);
                            text.push('\n');
                        }
                        continue;
                    }
                    let verb = line
                        .split_whitespace()
                        .next()
                        .unwrap_or("")
                        .to_ascii_uppercase();
                    let answer: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250 sink\r\n",
                        "DATA" => {
                            data = Some(String::new());
                            b"354 go on\r\n"
                        }
                        "QUIT" => {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            return;
                        }
                        _ => b"250 ok\r\n",
                    };
                    let _ = write.write_all(answer).await;
                }
            });
        }
    });
}

async fn free_port() -> u16 {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    l.local_addr().expect("addr").port()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notices_reach_robots_and_mailboxes_and_wait_while_a_robot_is_down() {
    let s = start().await;
    let office = login(&s, "office").await;
    let town = login(&s, "town01").await;
    let (_, me) = json_of(
        town.get(format!("{}/api/v1/me", s.base))
            .send()
            .await
            .expect("me"),
    )
    .await;
    let township = me["scope"]["id"].as_i64().expect("township scope");

    let robot_seen: Seen = Arc::default();
    let robot_listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let robot_port = robot_listener.local_addr().expect("addr").port();
    robot(robot_listener, robot_seen.clone());
    let mail_seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let mail_listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let mail_port = mail_listener.local_addr().expect("addr").port();
    mailbox(mail_listener, mail_seen.clone());
    let down_port = free_port().await;
    // The SMS gateway: an HTTP sink like the robot, keeping what it was sent.
    let sms_seen: Seen = Arc::default();
    let sms_listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let sms_port = sms_listener.local_addr().expect("addr").port();
    robot(sms_listener, sms_seen.clone());

    let add = async |body: Value| {
        json_of(
            office
                .post(format!("{}/api/v1/notify/channels", s.base))
                .json(&body)
                .send()
                .await
                .expect("add"),
        )
        .await
    };
    for body in [
        json!({"kind": "dingtalk", "name": "东川镇钉钉群", "township_id": township,
               "endpoint": format!("http://127.0.0.1:{robot_port}/robot/send?access_token=t")}),
        json!({"kind": "email", "name": "东川镇邮箱", "township_id": township,
               "endpoint": format!("127.0.0.1:{mail_port}"), "recipients": "dongchuan@example.cn",
               "sender": "minewatch@example.cn"}),
        json!({"kind": "sms", "name": "东川镇短信", "township_id": township,
               "endpoint": format!("http://127.0.0.1:{sms_port}/sms/send"),
               "recipients": "13800000001，13800000002"}),
        json!({"kind": "wecom", "name": "东川镇企业微信群", "township_id": township,
               "endpoint": format!("http://127.0.0.1:{down_port}/cgi-bin/webhook/send?key=k")}),
    ] {
        let (status, b) = add(body).await;
        assert_eq!(status, StatusCode::CREATED, "{b}");
    }
    let (status, b) = add(json!({"kind": "sms", "name": "x", "endpoint": "http://gw"})).await;
    assert_eq!(
        (status, b["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("recipients"))
    );
    let r = town
        .post(format!("{}/api/v1/notify/channels", s.base))
        .json(&json!({"kind": "wecom", "name": "x", "endpoint": "https://x"}))
        .send()
        .await
        .expect("town adds");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // One pass of the outbox at the demo's moment.
    let now = chrono::Utc
        .with_ymd_and_hms(2026, 6, 1, 2, 0, 0)
        .single()
        .expect("time");
    let sender = minewatch_web::notify::send::Sender::new("https://mw.example.cn").expect("sender");
    let pass = minewatch_web::notify::send::run_once(&s.store, &sender, now)
        .await
        .expect("pass");
    assert!(
        pass.raised > 0,
        "the demo has cases due tomorrow or overdue: {pass:?}"
    );

    // The township reads its notices in the app.
    let (_, inbox) = json_of(
        town.get(format!("{}/api/v1/notifications", s.base))
            .send()
            .await
            .expect("inbox"),
    )
    .await;
    let notices = inbox.as_array().expect("notices");
    assert!(!notices.is_empty());
    let per_channel = notices.len();
    assert!(notices.iter().all(|n| n["read"] == false));
    assert!(
        notices
            .iter()
            .all(|n| n["link"].as_str().is_some_and(|l| l.starts_with("/cases/")))
    );

    // The robot and the mailbox got every one of them; the down robot's are pending.
    let got = robot_seen.lock().expect("lock").clone();
    assert_eq!(got.len(), per_channel, "one robot message per notice");
    assert!(got.iter().all(|m| m["msgtype"] == "text"));
    let first = notices[notices.len() - 1]["title"].as_str().expect("title");
    assert!(
        got.iter().any(|m| m["text"]["content"]
            .as_str()
            .is_some_and(|c| c.contains(first) && c.contains("https://mw.example.cn/cases/"))),
        "{got:?}"
    );
    // The SMS gateway got each notice once, for both phones, with the link in full.
    let texts = sms_seen.lock().expect("lock").clone();
    assert_eq!(texts.len(), per_channel);
    assert!(
        texts
            .iter()
            .all(|m| m["phones"] == json!(["13800000001", "13800000002"]))
    );
    assert!(
        texts.iter().any(|m| m["text"]
            .as_str()
            .is_some_and(|t| t.contains(first) && t.contains("https://mw.example.cn/cases/"))),
        "{texts:?}"
    );
    let mails = mail_seen.lock().expect("lock").clone();
    assert_eq!(mails.len(), per_channel);
    assert!(mails.iter().all(|m| m.contains("dongchuan@example.cn")));
    let (_, deliveries) = json_of(
        office
            .get(format!("{}/api/v1/notify/deliveries", s.base))
            .send()
            .await
            .expect("deliveries"),
    )
    .await;
    let pending: Vec<&Value> = deliveries
        .as_array()
        .expect("deliveries")
        .iter()
        .filter(|d| d["status"] == "pending")
        .collect();
    assert_eq!(pending.len(), per_channel);
    assert!(
        pending
            .iter()
            .all(|d| d["channel"] == "东川镇企业微信群" && d["attempts"] == 1)
    );
    assert!(
        pending
            .iter()
            .all(|d| !d["last_error"].as_str().unwrap_or("").is_empty())
    );
    let page = common::login_page(&s, "office")
        .await
        .get(format!("{}/notify", s.base))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("text");
    assert!(page.contains("待发送") && page.contains("东川镇企业微信群"));

    // The robot comes up; two minutes on, the next pass delivers what waited, and nothing
    // is raised or sent twice.
    let back_seen: Seen = Arc::default();
    robot(
        tokio::net::TcpListener::bind(("127.0.0.1", down_port))
            .await
            .expect("the robot's port again"),
        back_seen.clone(),
    );
    let later = minewatch_web::notify::send::run_once(
        &s.store,
        &sender,
        now + chrono::Duration::minutes(2),
    )
    .await
    .expect("pass");
    assert_eq!(later.raised, 0);
    assert_eq!((later.sent, later.failed), (per_channel, 0));
    assert_eq!(back_seen.lock().expect("lock").len(), per_channel);
    assert_eq!(robot_seen.lock().expect("lock").len(), per_channel);
    let (_, deliveries) = json_of(
        office
            .get(format!("{}/api/v1/notify/deliveries", s.base))
            .send()
            .await
            .expect("deliveries"),
    )
    .await;
    assert!(
        deliveries
            .as_array()
            .expect("deliveries")
            .iter()
            .all(|d| d["status"] == "sent")
    );

    // Read in the app.
    let r = town
        .post(format!("{}/api/v1/notifications/read", s.base))
        .json(&json!({}))
        .send()
        .await
        .expect("read");
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let (_, inbox) = json_of(
        town.get(format!("{}/api/v1/notifications", s.base))
            .send()
            .await
            .expect("inbox"),
    )
    .await;
    assert!(
        inbox
            .as_array()
            .expect("notices")
            .iter()
            .all(|n| n["read"] == true)
    );
}
