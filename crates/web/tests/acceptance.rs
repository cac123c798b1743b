//! Phase acceptance over HTTP on the demo county (Monday 1 June 2026): the 动员部署阶段 (1–15
//! March) is over, the 集中整治阶段 runs. Every unmet item names cases the ledger shows to be so;
//! the office decides the finished phase from its page (refused with the reason while it is
//! missing), never the running one; a township reads its own checklist with the decision;
//! other roles and backwards periods are refused.

mod common;

use common::{client, json_of, login, login_page, start};
use reqwest::StatusCode;
use serde_json::{Value, json};

const DONE: &str = "from=2026-03-01&to=2026-03-15";
const RUNNING: &str = "from=2026-03-16&to=2026-10-31";

async fn checklist(c: &reqwest::Client, s: &common::Server, q: &str) -> Value {
    let (status, body) = json_of(
        c.get(format!("{}/api/v1/acceptance?{q}", s.base))
            .send()
            .await
            .expect("acceptance"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

fn check<'a>(t: &'a Value, code: &str) -> &'a Value {
    t["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .find(|c| c["check"] == code)
        .expect("check")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_office_decides_a_finished_phase_from_its_checklist() {
    let s = start().await;
    let office = login(&s, "office").await;
    let office_page = login_page(&s, "office").await;
    let town = login(&s, "town01").await;
    let (_, me) = json_of(
        town.get(format!("{}/api/v1/me", s.base))
            .send()
            .await
            .expect("me"),
    )
    .await;
    let township = me["scope"]["id"].as_i64().expect("township scope");

    let done = checklist(&office, &s, DONE).await;
    assert_eq!(done["as_of"], "2026-03-15");
    let towns = done["townships"].as_array().expect("townships");
    assert_eq!(towns.len(), 10);
    // What keeps "every key problem closed" unmet is key problems opened by 15 March and not
    // closed by then: each named case is one.
    let mut named = 0;
    for t in towns {
        for c in check(t, "key_hazards_closed")["cases"]
            .as_array()
            .expect("cases")
        {
            named += 1;
            let (_, case) = json_of(
                office
                    .get(format!("{}/api/v1/cases/{}", s.base, c["id"]))
                    .send()
                    .await
                    .expect("case"),
            )
            .await;
            assert_eq!(case["case"]["severity"], "key");
            assert!(case["case"]["opened_at"].as_str().expect("opened") < "2026-03-16");
            let closed = case["case"]["closed_at"].as_str();
            assert!(closed.is_none_or(|d| d >= "2026-03-15T16:00:00Z"), "{case}");
        }
    }
    assert!(named > 0, "the demo left key problems open in March");

    // The running phase cannot be decided; the finished one can, with a reason to fail.
    let (status, body) = json_of(
        office
            .post(format!("{}/api/v1/acceptance/decide?{RUNNING}", s.base))
            .json(&json!({"township_id": township, "passed": true, "note": "x"}))
            .send()
            .await
            .expect("decide"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["field"], "to");
    let r = office_page
        .post(format!("{}/acceptance/decide", s.base))
        .form(&[
            ("from", "2026-03-01"),
            ("to", "2026-03-15"),
            ("township", &township.to_string()),
            ("passed", "0"),
            ("note", ""),
        ])
        .send()
        .await
        .expect("decide page");
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .expect("text")
            .contains("不通过验收须写明理由")
    );
    let r = office_page
        .post(format!("{}/acceptance/decide", s.base))
        .form(&[
            ("from", "2026-03-01"),
            ("to", "2026-03-15"),
            ("township", &township.to_string()),
            ("passed", "0"),
            ("note", "重点问题未销号，限期整改后复验"),
        ])
        .send()
        .await
        .expect("decide page");
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.expect("text");
    assert!(
        page.contains("验收结论已保存") && page.contains("验收不通过"),
        "{page}"
    );

    // The township reads its own, with the decision; not the others'.
    let own = checklist(&town, &s, DONE).await;
    let mine = own["townships"].as_array().expect("townships");
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["township_id"], township);
    assert_eq!(mine[0]["decision"]["passed"], false);
    assert_eq!(
        mine[0]["decision"]["note"],
        "重点问题未销号，限期整改后复验"
    );
    let page = login_page(&s, "town01")
        .await
        .get(format!("{}/acceptance?{DONE}", s.base))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("text");
    assert!(page.contains("验收不通过") && !page.contains("name=\"passed\""));
    let r = town
        .post(format!("{}/api/v1/acceptance/decide?{DONE}", s.base))
        .json(&json!({"township_id": township, "passed": true, "note": "x"}))
        .send()
        .await
        .expect("town decides");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Others, strangers and backwards periods.
    let village = login(&s, "village01").await;
    let r = village
        .get(format!("{}/api/v1/acceptance?{DONE}", s.base))
        .send()
        .await
        .expect("village");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = client()
        .get(format!("{}/api/v1/acceptance?{DONE}", s.base))
        .send()
        .await
        .expect("anonymous");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = office
        .get(format!(
            "{}/api/v1/acceptance?from=2026-03-15&to=2026-03-01",
            s.base
        ))
        .send()
        .await
        .expect("backwards");
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
