//! The blacklist over HTTP on the demo county: the office reads the listed truck and firm
//! with their cases and measures; a checkpoint, which cannot read the list, checks plates
//! however written (listed, lifted, malformed); the office lists a subject from the page
//! (refused for an unverified case, with its text kept) and over the API; a department
//! records its measure and a township may not.

mod common;

use common::{json_of, login, login_page, start, text};
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_list_is_read_checked_added_to_and_punished() {
    let s = start().await;
    let office_page = login_page(&s, "office").await;
    let office = login(&s, "office").await;

    let (status, page) = text(
        office_page
            .get(format!("{}/blacklist", s.base))
            .send()
            .await
            .expect("get"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("晋KD8836") && page.contains("青岚县鑫盛砂石有限公司"),
        "{page}"
    );
    assert!(
        page.contains("列入重点监管车辆") && page.contains("已移出"),
        "{page}"
    );
    let (_, list) = json_of(
        office
            .get(format!("{}/api/v1/blacklist", s.base))
            .send()
            .await
            .expect("get"),
    )
    .await;
    let truck = list
        .as_array()
        .expect("list")
        .iter()
        .find(|e| e["identifier"] == "晋KD8836")
        .expect("the truck")
        .clone();
    // The case that put them there says so.
    let case_id = truck["cases"][0]["id"].as_i64().expect("case id");
    let (_, page) = text(
        office_page
            .get(format!("{}/cases/{case_id}", s.base))
            .send()
            .await
            .expect("case"),
    )
    .await;
    assert!(
        page.contains("据本案列入黑名单") && page.contains("青岚县鑫盛砂石有限公司"),
        "{page}"
    );
    let case_number = truck["cases"][0]["number"]
        .as_str()
        .expect("case")
        .to_string();

    // The checkpoint checks; it does not read the list.
    let gate_page = login_page(&s, "checkpoint").await;
    let gate = login(&s, "checkpoint").await;
    let r = gate_page
        .get(format!("{}/blacklist", s.base))
        .send()
        .await
        .expect("get");
    assert!(r.url().path().ends_with("/blacklist/check"), "{}", r.url());
    let (status, _) = json_of(
        gate.get(format!("{}/api/v1/blacklist", s.base))
            .send()
            .await
            .expect("get"),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let check = |plate: &str| {
        let url = format!(
            "{}/blacklist/check?kind=vehicle&identifier={}",
            s.base,
            common::url_encode(plate)
        );
        let c = gate_page.clone();
        async move { text(c.get(url).send().await.expect("get")).await }
    };
    let (status, page) = check("晋k d8836").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("已列入黑名单") && page.contains(&case_number),
        "{page}"
    );
    let (_, page) = check("晋K·C1207").await;
    assert!(page.contains("未列入黑名单"), "lifted: {page}");
    let (status, page) = check("D8836").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("格式不对"), "{page}");
    let (status, hits) = json_of(
        gate.get(format!(
            "{}/api/v1/blacklist/check?kind=vehicle&identifier=%E6%99%8BKD8836",
            s.base
        ))
        .send()
        .await
        .expect("get"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{hits}");
    assert_eq!(hits.as_array().map(Vec::len), Some(1));

    // Listing from the page: an unverified case is refused with the reason, the text kept.
    let (_, registered) = json_of(
        office
            .get(format!(
                "{}/api/v1/cases?status=registered&per_page=1",
                s.base
            ))
            .send()
            .await
            .expect("get"),
    )
    .await;
    let unverified = registered["cases"][0]["number"]
        .as_str()
        .expect("a registered case");
    let (status, page) = text(
        office_page
            .post(format!("{}/blacklist", s.base))
            .form(&[
                ("kind", "vehicle"),
                ("name", "三轮车"),
                ("identifier", "晋K12399"),
                ("reason", "夜间偷运矿石"),
                ("cases", unverified),
            ])
            .send()
            .await
            .expect("post"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("尚未核实") && page.contains("夜间偷运矿石"),
        "{page}"
    );
    let (status, created) = json_of(
        office
            .post(format!("{}/api/v1/blacklist", s.base))
            .json(&json!({
                "kind": "vehicle", "name": "三轮车", "identifier": "晋K12399",
                "reason": "夜间偷运矿石", "cases": [case_number],
            }))
            .send()
            .await
            .expect("post"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().expect("id");
    let (_, page) = check("晋K12399").await;
    assert!(page.contains("已列入黑名单"), "{page}");

    // The transport bureau records its measure; a township may not.
    let jt = login(&s, "dept_transport").await;
    let r = jt
        .post(format!("{}/api/v1/blacklist/{id}/measures", s.base))
        .json(&json!({"measure": "暂停道路运输证年审"}))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let town = login(&s, "town01").await;
    let (status, _): (StatusCode, Value) = json_of(
        town.post(format!("{}/api/v1/blacklist/{id}/measures", s.base))
            .json(&json!({"measure": "x", "department_id": 1}))
            .send()
            .await
            .expect("post"),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, list) = json_of(
        office
            .get(format!("{}/api/v1/blacklist", s.base))
            .send()
            .await
            .expect("get"),
    )
    .await;
    let new = list
        .as_array()
        .expect("list")
        .iter()
        .find(|e| e["id"] == id)
        .expect("new")
        .clone();
    assert_eq!(new["measures"][0]["measure"], "暂停道路运输证年审");
}
