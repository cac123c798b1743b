//! The outbox in the store, on SQLite and PostgreSQL: the sweep tells 甲镇 the day before a
//! case falls due, again the day after it passed, and when its rectification is sent back —
//! each once however often it runs; each notice is queued for 甲镇's own channel and not 乙's;
//! a failed delivery waits and is tried again, a sent one is done; the app shows the unit its
//! notices until read; channels are the county office's and are checked as entered.

use chrono::Duration;
use minewatch_core::{CaseAction, ClueSource, Decision, ProblemKind, Role, Severity};
use minewatch_store::{NewChannel, NewClue, StoreError};

#[macro_use]
mod common;
use common::{day, on, open_store};

fn channel(kind: &str, township_id: Option<i64>, endpoint: &str) -> NewChannel {
    NewChannel {
        kind: kind.into(),
        name: "工作群".into(),
        township_id,
        endpoint: endpoint.into(),
        recipients: String::new(),
        sender: String::new(),
    }
}

async fn the_outbox_tells_each_unit_once_and_keeps_trying(pg: bool) {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, _) = open_store(pg, &dir).await;
    let common::TestCounty {
        county,
        t_jia,
        t_yi,
        v1,
        ..
    } = common::test_county(&store).await;
    let mk = async |name: &str, role: Role, t: Option<i64>| {
        common::user(&store, county, name, role, t, None, None, on(4, 1)).await
    };
    let office = mk("office", Role::CountyOffice, None).await;
    let town_jia = mk("tj", Role::Township, Some(t_jia)).await;
    let town_yi = mk("ty", Role::Township, Some(t_yi)).await;

    // Channels: checked as entered, the office's only.
    let field = |r: Result<i64, StoreError>| match r {
        Err(StoreError::Invalid { field, .. }) => field,
        other => panic!("expected a refusal naming a field, got {other:?}"),
    };
    assert_eq!(
        field(
            store
                .add_notify_channel(&office, &channel("fax", None, "http://x"), on(5, 1))
                .await
        ),
        "kind"
    );
    assert_eq!(
        field(
            store
                .add_notify_channel(&office, &channel("wecom", None, "ftp://x"), on(5, 1))
                .await
        ),
        "endpoint"
    );
    assert_eq!(
        field(
            store
                .add_notify_channel(&office, &channel("sms", None, "http://gw"), on(5, 1))
                .await
        ),
        "recipients"
    );
    assert_eq!(
        field(
            store
                .add_notify_channel(
                    &office,
                    &channel("email", None, "smtp.example.cn"),
                    on(5, 1)
                )
                .await
        ),
        "endpoint"
    );
    assert!(matches!(
        store
            .add_notify_channel(
                &town_jia,
                &channel("wecom", Some(t_jia), "http://robot"),
                on(5, 1)
            )
            .await,
        Err(StoreError::Forbidden(_))
    ));
    let jia_robot = store
        .add_notify_channel(
            &office,
            &channel("wecom", Some(t_jia), "http://127.0.0.1:9/jia"),
            on(5, 1),
        )
        .await
        .expect("甲's robot");
    store
        .add_notify_channel(
            &office,
            &channel("dingtalk", Some(t_yi), "http://127.0.0.1:9/yi"),
            on(5, 1),
        )
        .await
        .expect("乙's robot");

    // 甲镇's case, decided on 1 May, due 10 May.
    let case = store
        .file_clue(
            &office,
            &NewClue {
                source: ClueSource::Patrol,
                township_id: t_jia,
                village_id: Some(v1),
                address: "后山沟口".into(),
                lon: Some(112.02),
                lat: Some(36.02),
                observed_at: None,
                description: "夜间有挖掘机作业".into(),
                problem_kind: ProblemKind::UnlicensedMining,
                severity: Severity::General,
                reporter_name: String::new(),
                reporter_phone: String::new(),
                attachments: Vec::new(),
            },
            on(4, 28),
        )
        .await
        .expect("clue")
        .case_id;
    let act = async |action: CaseAction, at| {
        store
            .apply_action(&office, case, &action, &[], at)
            .await
            .unwrap_or_else(|e| panic!("{action:?}: {e}"));
    };
    act(
        CaseAction::Verify {
            founded: true,
            note: "属实".into(),
        },
        on(4, 29),
    )
    .await;
    act(
        CaseAction::Decide {
            decision: Decision::Rectify,
            measures: "回填复绿".into(),
            deadline: day(5, 10),
            responsible_unit: "甲镇人民政府".into(),
            responsible_person: "张某".into(),
        },
        on(5, 1),
    )
    .await;

    // 9 May: due tomorrow. Told once, however often the sweep runs.
    assert_eq!(store.notify_sweep(on(5, 9)).await.expect("sweep"), 1);
    assert_eq!(
        store
            .notify_sweep(on(5, 9) + Duration::hours(3))
            .await
            .expect("again"),
        0
    );
    let seen = store.notifications(&town_jia, 20).await.expect("notices");
    assert_eq!(seen.len(), 1);
    assert!(seen[0].title.starts_with("明日到期") && seen[0].link == format!("/cases/{}", case.0));
    assert!(!seen[0].read);
    assert!(
        store
            .notifications(&town_yi, 20)
            .await
            .expect("乙")
            .is_empty()
    );
    assert!(
        store
            .notifications(&office, 20)
            .await
            .expect("office")
            .is_empty()
    );

    // Queued for 甲's robot only; a failure waits a minute and is tried again.
    let due = store.due_deliveries(on(5, 9), 10).await.expect("due");
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].channel.id, jia_robot);
    store
        .delivery_done(due[0].id, Err("connection refused".into()), on(5, 9))
        .await
        .expect("failed");
    assert!(
        store
            .due_deliveries(on(5, 9), 10)
            .await
            .expect("due")
            .is_empty()
    );
    let listed = store.deliveries(&office, 10).await.expect("deliveries");
    assert_eq!(
        (listed[0].status.as_str(), listed[0].attempts),
        ("pending", 1)
    );
    assert_eq!(listed[0].last_error, "connection refused");
    let retry = store
        .due_deliveries(on(5, 9) + Duration::minutes(1), 10)
        .await
        .expect("due");
    assert_eq!(retry.len(), 1);
    store
        .delivery_done(retry[0].id, Ok(()), on(5, 9) + Duration::minutes(1))
        .await
        .expect("sent");
    assert!(
        store
            .due_deliveries(on(5, 10), 10)
            .await
            .expect("due")
            .is_empty()
    );
    assert_eq!(
        store.deliveries(&office, 10).await.expect("deliveries")[0].status,
        "sent"
    );

    // 11 May: the deadline passed. Then acceptance fails and the case goes back.
    assert_eq!(store.notify_sweep(on(5, 11)).await.expect("sweep"), 1);
    act(
        CaseAction::ReportRectified {
            note: "已回填".into(),
        },
        on(5, 12),
    )
    .await;
    act(
        CaseAction::Accept {
            passed: false,
            note: "植被未恢复".into(),
        },
        on(5, 13),
    )
    .await;
    assert_eq!(store.notify_sweep(on(5, 13)).await.expect("sweep"), 1);
    assert_eq!(store.notify_sweep(on(5, 13)).await.expect("again"), 0);
    let seen = store.notifications(&town_jia, 20).await.expect("notices");
    let titles: Vec<&str> = seen.iter().map(|n| n.title.as_str()).collect();
    assert_eq!(titles.len(), 3, "{titles:?}");
    assert!(titles[0].starts_with("验收未通过") && seen[0].body == "植被未恢复");
    assert!(titles[1].starts_with("已逾期"));
    assert_eq!(
        store.unread_notifications(&town_jia).await.expect("unread"),
        3
    );
    store
        .mark_notifications_read(&town_jia, on(5, 13))
        .await
        .expect("read");
    assert_eq!(
        store.unread_notifications(&town_jia).await.expect("unread"),
        0
    );

    // Switched off, a channel's deliveries wait; on again, they go.
    store
        .set_notify_channel_active(&office, jia_robot, false, on(5, 13))
        .await
        .expect("off");
    assert!(
        store
            .due_deliveries(on(5, 14), 10)
            .await
            .expect("due")
            .is_empty()
    );
    store
        .set_notify_channel_active(&office, jia_robot, true, on(5, 14))
        .await
        .expect("on");
    assert_eq!(
        store
            .due_deliveries(on(5, 14), 10)
            .await
            .expect("due")
            .len(),
        2
    );
}

on_both!(the_outbox_tells_each_unit_once_and_keeps_trying);
