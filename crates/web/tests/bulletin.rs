//! 月通报 over HTTP on the demo county (Monday 1 June 2026): April was issued on 3 May; May
//! is the county office's draft. The office re-weighs the formula and sees the ranking move,
//! issues May from its page (refused with the reason and its text kept while the signer is
//! missing), and from then on the townships read it, each drilling into its own line only;
//! the .xlsx carries the same numbers; other roles and bad months are refused.

mod common;

use common::{client, json_of, login, login_page, start, text};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Base + Σ weight × count, worked out here from the counts and the formula the answer carries.
fn expected_score(line: &Value, formula: &Value) -> i64 {
    let weight = |item: &str| {
        formula["weights"]
            .as_array()
            .expect("weights")
            .iter()
            .find(|w| w["item"] == item)
            .and_then(|w| w["weight"].as_i64())
            .unwrap_or(0)
    };
    let base = formula["base"].as_i64().expect("base");
    line["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| {
            let n = i64::try_from(i["cases"].as_array().expect("cases").len()).expect("n");
            weight(i["item"].as_str().expect("item")) * n
        })
        .sum::<i64>()
        + base
}

fn count(line: &Value, item: &str) -> usize {
    line["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["item"] == item)
        .map_or(0, |i| i["cases"].as_array().expect("cases").len())
}

async fn api(c: &reqwest::Client, url: String) -> (StatusCode, Value) {
    json_of(c.get(url).send().await.expect("get")).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_office_ranks_issues_and_the_townships_read_their_lines() {
    let s = start().await;
    let office_page = login_page(&s, "office").await;
    let office = login(&s, "office").await;
    let town = login(&s, "town01").await;
    let town_page = login_page(&s, "town01").await;
    let (_, me) = api(&town, format!("{}/api/v1/me", s.base)).await;
    let township = me["scope"]["id"].as_i64().expect("township scope");

    // The office lands on May's draft.
    let r = office_page
        .get(format!("{}/bulletin", s.base))
        .send()
        .await
        .expect("index");
    assert!(r.url().path().ends_with("/bulletin/2026-05"), "{}", r.url());
    let (status, page) = text(r).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("青岚县打击非法采矿专项行动2026年5月工作通报"),
        "{page}"
    );
    assert!(page.contains("草稿") && page.contains("name=\"signed_by\""));

    // Every score is the published formula applied to the counts, every count lists its
    // cases, and the ranks follow the scores.
    let (status, may) = api(&office, format!("{}/api/v1/bulletin/2026-05", s.base)).await;
    assert_eq!(status, StatusCode::OK, "{may}");
    assert!(may["issue"].is_null());
    let lines = may["figures"]["lines"].as_array().expect("lines").clone();
    let (_, org) = api(&office, format!("{}/api/v1/org", s.base)).await;
    assert_eq!(lines.len(), org["townships"].as_array().expect("t").len());
    for l in &lines {
        assert_eq!(
            l["score"].as_i64(),
            Some(expected_score(l, &may["figures"]["formula"])),
            "{l}"
        );
    }
    for pair in lines.windows(2) {
        assert!(pair[0]["score"].as_i64() >= pair[1]["score"].as_i64());
        assert!(pair[0]["rank"].as_u64() <= pair[1]["rank"].as_u64());
    }
    // April was issued, so May shows each township's rank then.
    let (status, april) = api(&office, format!("{}/api/v1/bulletin/2026-04", s.base)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(april["issue"]["number"], "青岚县打非办〔2026〕4号");
    for l in &lines {
        let then = april["figures"]["lines"]
            .as_array()
            .expect("lines")
            .iter()
            .find(|a| a["township_id"] == l["township_id"])
            .expect("same township in April");
        assert_eq!(l["previous_rank"], then["rank"]);
    }
    let counted: usize = lines
        .iter()
        .map(|l| {
            ["satellite_found", "public_found", "overdue", "self_found"]
                .iter()
                .map(|i| count(l, i))
                .sum::<usize>()
        })
        .sum();
    assert!(counted > 0, "the demo's May counts something: {may}");

    // A heavier weight on overdue cases moves the scores exactly as the formula says.
    let heaviest = lines
        .iter()
        .max_by_key(|l| count(l, "overdue"))
        .expect("a line");
    let overdue = i64::try_from(count(heaviest, "overdue")).expect("n");
    let before = heaviest["score"].as_i64().expect("score");
    let mut formula = may["figures"]["formula"].clone();
    for w in formula["weights"].as_array_mut().expect("weights") {
        if w["item"] == "overdue" {
            w["weight"] = json!(-10);
        }
    }
    formula["note"] = json!("逾期加重扣分");
    let (status, saved) = json_of(
        office
            .put(format!("{}/api/v1/bulletin-formula", s.base))
            .json(&formula)
            .send()
            .await
            .expect("put"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["note"], "逾期加重扣分");
    assert!(
        saved["edited_by"]
            .as_str()
            .is_some_and(|n| n.contains("县领导小组办公室"))
    );
    let (_, reweighed) = api(&office, format!("{}/api/v1/bulletin/2026-05", s.base)).await;
    let after = reweighed["figures"]["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .find(|l| l["township_id"] == heaviest["township_id"])
        .expect("same line")["score"]
        .as_i64()
        .expect("score");
    assert_eq!(after, before - 8 * overdue);
    // April, issued, keeps the formula it was ranked by.
    let (_, april_again) = api(&office, format!("{}/api/v1/bulletin/2026-04", s.base)).await;
    assert_eq!(april_again["figures"], april["figures"]);
    // A weight out of range, or not a number on the form, is refused and nothing changes.
    let mut wild = formula.clone();
    wild["weights"][0]["weight"] = json!(1000);
    let (status, body) = json_of(
        office
            .put(format!("{}/api/v1/bulletin-formula", s.base))
            .json(&wild)
            .send()
            .await
            .expect("put"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let mut fields: Vec<(String, String)> = vec![("base".into(), "100".into())];
    for w in formula["weights"].as_array().expect("weights") {
        fields.push((
            format!("w_{}", w["item"].as_str().expect("item")),
            w["weight"].to_string(),
        ));
    }
    fields[1].1 = "两分".into();
    let (status, page) = text(
        office_page
            .post(format!("{}/bulletin/formula", s.base))
            .form(&fields)
            .send()
            .await
            .expect("post"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("应为整数") && page.contains("两分"), "{page}");
    let (_, still) = api(&office, format!("{}/api/v1/bulletin-formula", s.base)).await;
    assert_eq!(still["formula"]["weights"], formula["weights"]);

    // Townships see no draft.
    let (status, _) = api(&town, format!("{}/api/v1/bulletin/2026-05", s.base)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let r = town_page
        .get(format!("{}/bulletin", s.base))
        .send()
        .await
        .expect("index");
    assert!(r.url().path().ends_with("/bulletin/2026-04"), "{}", r.url());

    // Issued from the page: no signer is refused there, with the number kept.
    let (status, page) = text(
        office_page
            .post(format!("{}/bulletin/2026-05", s.base))
            .form(&[
                ("number", "青岚县打非办〔2026〕5号"),
                ("signed_by", ""),
                ("remarks", ""),
            ])
            .send()
            .await
            .expect("issue"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("请填写签发人"), "{page}");
    assert!(page.contains("青岚县打非办〔2026〕5号"));
    let (status, page) = text(
        office_page
            .post(format!("{}/bulletin/2026-05", s.base))
            .form(&[
                ("number", "青岚县打非办〔2026〕5号"),
                ("signed_by", "县打非办主任"),
                ("remarks", "逾期问题月底前整改到位。"),
            ])
            .send()
            .await
            .expect("issue"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("已签发") && page.contains("签发人：县打非办主任"),
        "{page}"
    );
    assert!(!page.contains("name=\"signed_by\""));
    let (status, body) = json_of(
        office
            .post(format!("{}/api/v1/bulletin/2026-05/issue", s.base))
            .json(&json!({"number": "again", "signed_by": "x"}))
            .send()
            .await
            .expect("again"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    // The township now reads May, and drills into its own counts only.
    let (status, issued) = api(&town, format!("{}/api/v1/bulletin/2026-05", s.base)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(issued["figures"], reweighed["figures"]);
    let (_, list) = api(&town, format!("{}/api/v1/bulletins", s.base)).await;
    assert_eq!(list[0]["month"], "2026-05");
    let own = issued["figures"]["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .find(|l| l["township_id"] == township)
        .expect("own line")
        .clone();
    let item = own["items"]
        .as_array()
        .expect("items")
        .iter()
        .max_by_key(|i| i["cases"].as_array().map_or(0, Vec::len))
        .expect("an item");
    let code = item["item"].as_str().expect("code");
    let (status, drill) = api(
        &town,
        format!("{}/api/v1/bulletin/2026-05/{township}/{code}", s.base),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{drill}");
    let ids = |v: &Value| {
        let mut ids: Vec<i64> = v
            .as_array()
            .expect("cases")
            .iter()
            .filter_map(|c| c["id"].as_i64())
            .collect();
        ids.sort_unstable();
        ids
    };
    assert_eq!(ids(&drill["cases"]), ids(&item["cases"]));
    assert!(!ids(&item["cases"]).is_empty());
    let (status, page) = text(
        town_page
            .get(format!("{}/bulletin/2026-05/{township}/{code}", s.base))
            .send()
            .await
            .expect("drill page"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    if let Some(first) = drill["cases"][0]["number"].as_str() {
        assert!(page.contains(first), "{page}");
    }
    let other = issued["figures"]["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .find(|l| l["township_id"] != township)
        .and_then(|l| l["township_id"].as_i64())
        .expect("another township");
    let r = town
        .get(format!(
            "{}/api/v1/bulletin/2026-05/{other}/overdue",
            s.base
        ))
        .send()
        .await
        .expect("other");
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = town_page
        .get(format!("{}/bulletin/2026-05/{other}/overdue", s.base))
        .send()
        .await
        .expect("other page");
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // The .xlsx: the title, the document number, one row per township with the same scores.
    let (_, cells) = common::xlsx_sheet(
        &office,
        format!("{}/bulletin/2026-05/xlsx", s.base),
        "月通报排名",
    )
    .await;
    assert!(cells[0][0].contains("2026年5月工作通报"), "{:?}", cells[0]);
    assert!(cells[1][0].contains("青岚县打非办〔2026〕5号"));
    assert!(cells[2][0].contains("逾期未办结"), "{:?}", cells[2]);
    assert_eq!(cells[4][0], "名次");
    let score_col = cells[4]
        .iter()
        .position(|h| h == "得分")
        .expect("score column");
    let lines = issued["figures"]["lines"].as_array().expect("lines");
    for (row, l) in cells[5..5 + lines.len()].iter().zip(lines) {
        assert_eq!(row[2], l["township"].as_str().expect("name"));
        assert_eq!(row[score_col], l["score"].to_string());
    }

    // Other roles, strangers and bad months.
    let village = login(&s, "village01").await;
    let (status, _) = api(&village, format!("{}/api/v1/bulletins", s.base)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let r = town
        .put(format!("{}/api/v1/bulletin-formula", s.base))
        .json(&formula)
        .send()
        .await
        .expect("town put");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = client()
        .get(format!("{}/api/v1/bulletins", s.base))
        .send()
        .await
        .expect("anonymous");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    for month in ["2026-13", "May", "2026-07"] {
        let (status, body) = api(&office, format!("{}/api/v1/bulletin/{month}", s.base)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{month}: {body}");
    }
    let (status, body) = api(
        &office,
        format!("{}/api/v1/bulletin/2026-05/{township}/bribes", s.base),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
}
