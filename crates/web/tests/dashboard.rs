//! The dashboard's charts on the demo county (Monday 1 June 2026): the weekly trend of clues
//! counts a clue filed now in this week under its source, in the township's scope and not
//! another's; the status bars add up to the total and each opens the ledger at its status;
//! the overdue bars open each township's overdue cases.

mod common;

use common::{json_of, login, login_page, start};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn count(week: &Value, source: &str) -> i64 {
    week["by_source"]
        .as_array()
        .expect("sources")
        .iter()
        .find(|p| p[0] == source)
        .and_then(|p| p[1].as_i64())
        .unwrap_or(0)
}

async fn trend(c: &reqwest::Client, s: &common::Server) -> Vec<Value> {
    let (status, body) = json_of(
        c.get(format!("{}/api/v1/dashboard/trend", s.base))
            .send()
            .await
            .expect("trend"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body.as_array().expect("weeks").clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_charts_count_what_the_ledger_holds() {
    let s = start().await;
    let office = login(&s, "office").await;
    let town01 = login(&s, "town01").await;
    let town02 = login(&s, "town02").await;
    let (_, me) = json_of(
        town01
            .get(format!("{}/api/v1/me", s.base))
            .send()
            .await
            .expect("me"),
    )
    .await;
    let t1 = me["scope"]["id"].as_i64().expect("township scope");
    let (_, org) = json_of(
        office
            .get(format!("{}/api/v1/org", s.base))
            .send()
            .await
            .expect("org"),
    )
    .await;
    let v1 = org["villages"]
        .as_array()
        .expect("villages")
        .iter()
        .find(|v| v["township_id"] == t1)
        .and_then(|v| v["id"].as_i64())
        .expect("a village of town01's township");
    let before = trend(&office, &s).await;
    assert_eq!(before.len(), 12);
    assert_eq!(
        before[11]["friday"], "2026-06-05",
        "the week holding Monday 1 June"
    );
    assert_eq!(before[0]["friday"], "2026-03-20");
    let total: i64 = before
        .iter()
        .flat_map(|w| w["by_source"].as_array().expect("sources").clone())
        .map(|p| p[1].as_i64().expect("n"))
        .sum();
    assert!(total > 0, "the demo's quarter has clues");

    // Who sees what: the two townships' weeks add up to no more than the county's.
    let first_town = trend(&town01, &s).await;
    let second_town = trend(&town02, &s).await;
    for i in 0..12 {
        let t = |w: &Value| -> i64 {
            w["by_source"]
                .as_array()
                .expect("sources")
                .iter()
                .map(|p| p[1].as_i64().expect("n"))
                .sum()
        };
        assert!(t(&first_town[i]) + t(&second_town[i]) <= t(&before[i]));
    }

    // A clue filed now counts this week, under its source, for its township only.
    let (status, body) = json_of(
        office
            .post(format!("{}/api/v1/clues", s.base))
            .json(&json!({"source": "patrol", "township_id": t1, "village_id": v1,
                "address": "北沟口", "description": "夜间有挖掘机作业", "problem_kind": "unlicensed_mining"}))
            .send()
            .await
            .expect("clue"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let after = trend(&office, &s).await;
    assert_eq!(
        count(&after[11], "patrol"),
        count(&before[11], "patrol") + 1
    );
    assert_eq!(after[..11], before[..11]);
    let first_after = trend(&town01, &s).await;
    let second_after = trend(&town02, &s).await;
    assert_eq!(
        count(&first_after[11], "patrol"),
        count(&first_town[11], "patrol") + 1
    );
    assert_eq!(second_after, second_town);

    // The page: each status bar opens the ledger at that status, the overdue bars each
    // township's overdue cases, and the status bars add up to the total.
    let page = login_page(&s, "office")
        .await
        .get(format!("{}/", s.base))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("text");
    assert!(page.contains("近12周线索来源"));
    assert!(
        page.contains("href=\"/ledger?status=rectifying\""),
        "{page}"
    );
    assert!(page.contains(&format!("href=\"/ledger?overdue=1&amp;township={t1}\"")));
    let (_, d) = json_of(
        office
            .get(format!("{}/api/v1/dashboard", s.base))
            .send()
            .await
            .expect("dashboard"),
    )
    .await;
    let by_status: i64 = d["by_status"]
        .as_array()
        .expect("statuses")
        .iter()
        .map(|p| p[1].as_i64().expect("n"))
        .sum();
    assert_eq!(by_status, d["total"].as_i64().expect("total"));
}
