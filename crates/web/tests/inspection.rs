//! 督导检查 over HTTP on the demo county: the office records a 四不两直 visit from the page (a
//! missing team refused with the text kept), the inspectors file what it found from the page
//! and over the API, each a case of the source 上级督察交办 in the visited township; that
//! township reads the visit, another does not, and a village is refused.

mod common;

use common::{json_of, login, login_page, start, text};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visit_is_recorded_and_its_findings_become_cases() {
    let s = start().await;
    let office_page = login_page(&s, "office").await;
    let town = login(&s, "town01").await;
    let (_, me) = json_of(
        town.get(format!("{}/api/v1/me", s.base))
            .send()
            .await
            .expect("me"),
    )
    .await;
    let township = me["scope"]["id"].as_i64().expect("township");
    let tid = township.to_string();

    let form = |team: &'static str| {
        vec![
            ("township_id", tid.clone()),
            ("kind", "unannounced".to_string()),
            ("visited_on", "2026-05-28".to_string()),
            ("team", team.to_string()),
            ("places", "一村河道、旧矿口".to_string()),
            ("summary", "河道有新鲜采挖痕迹，网格日报告为零".to_string()),
        ]
    };
    let (status, page) = text(
        office_page
            .post(format!("{}/inspections", s.base))
            .form(&form(" "))
            .send()
            .await
            .expect("post"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("请填写督导组及成员") && page.contains("网格日报告为零"),
        "{page}"
    );
    let r = office_page
        .post(format!("{}/inspections", s.base))
        .form(&form("县第二督导组"))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::OK);
    let (_, visits) = json_of(
        town.get(format!("{}/api/v1/inspections", s.base))
            .send()
            .await
            .expect("get"),
    )
    .await;
    let visit = visits
        .as_array()
        .and_then(|v| v.first())
        .expect("the township sees its visit")
        .clone();
    assert_eq!(visit["kind"], "unannounced");
    let id = visit["id"].as_i64().expect("id");

    // The inspectors file a finding from the page; it becomes a case in the visited township.
    let inspector_page = login_page(&s, "inspector").await;
    let r = inspector_page
        .post(format!("{}/inspections/{id}/findings", s.base))
        .form(&[
            ("problem_kind", "river_sand"),
            ("severity", "key"),
            ("address", "一村河道北岸"),
            ("lon", "112.31"),
            ("lat", "36.71"),
            ("description", "夜间有挖掘机作业的履带印"),
        ])
        .send()
        .await
        .expect("post");
    let (status, page) = text(r).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("已登记为案件"), "{page}");
    let inspector = login(&s, "inspector").await;
    let (status, out) = json_of(
        inspector
            .post(format!("{}/api/v1/inspections/{id}/findings", s.base))
            .json(&json!({
                "source": "patrol", "township_id": 0, "address": "旧矿口", "lon": 112.2, "lat": 36.6,
                "description": "封堵的井口被重新打开", "problem_kind": "closed_mine_theft", "severity": "key",
            }))
            .send()
            .await
            .expect("post"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{out}");
    let case_id = out["case_id"].as_i64().expect("case");
    let office = login(&s, "office").await;
    let (_, case) = json_of(
        office
            .get(format!("{}/api/v1/cases/{case_id}", s.base))
            .send()
            .await
            .expect("case"),
    )
    .await;
    assert_eq!(case["case"]["source"], "superior_inspection");
    assert_eq!(case["case"]["township_id"], township);
    let (_, page) = text(
        office_page
            .get(format!("{}/cases/{case_id}", s.base))
            .send()
            .await
            .expect("page"),
    )
    .await;
    assert!(
        page.contains("督导检查发现") && page.contains(&format!("/inspections#v{id}")),
        "{page}"
    );
    let (_, visits) = json_of(
        office
            .get(format!("{}/api/v1/inspections", s.base))
            .send()
            .await
            .expect("get"),
    )
    .await;
    assert_eq!(
        visits[0]["findings"].as_array().map(Vec::len),
        Some(2),
        "{visits}"
    );

    // Another township sees nothing of it; a village may not read visits.
    let other = login(&s, "town02").await;
    let (_, none) = json_of(
        other
            .get(format!("{}/api/v1/inspections", s.base))
            .send()
            .await
            .expect("get"),
    )
    .await;
    assert_eq!(none.as_array().map(Vec::len), Some(0));
    let village = login(&s, "village01").await;
    let (status, _) = json_of(
        village
            .get(format!("{}/api/v1/inspections", s.base))
            .send()
            .await
            .expect("get"),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // A township may not record one.
    let (status, _) = json_of(
        town.post(format!("{}/api/v1/inspections", s.base))
            .json(&json!({"township_id": township, "kind": "announced", "visited_on": "2026-05-28", "team": "自查", "places": "x", "summary": "y"}))
            .send()
            .await
            .expect("post"),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
