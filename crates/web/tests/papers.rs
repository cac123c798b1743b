//! The documents over HTTP on the demo county (Monday 1 June 2026): each case's 交办单, 督办函
//! and 销号审批表, the monthly bulletin, a township's weekly dispatch and a patrol record come
//! as PDFs whose Chinese text reads back as the ledger holds it; the 督办函 is refused for a
//! case within its deadline; papers follow the same jurisdiction as the pages.

mod common;

use common::{json_of, login, login_page, pdf_text, start};
use reqwest::StatusCode;
use serde_json::Value;

async fn api(c: &reqwest::Client, url: String) -> Value {
    let (status, v) = json_of(c.get(url).send().await.expect("get")).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    v
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_case_prints_its_handoff_supervision_and_closing_papers() {
    let s = start().await;
    let office = login(&s, "office").await;
    let office_page = login_page(&s, "office").await;

    let overdue = api(
        &office,
        format!("{}/api/v1/cases?overdue=true&per_page=1", s.base),
    )
    .await;
    let case = &overdue["cases"][0];
    let (id, number) = (
        case["id"].as_i64().expect("id"),
        case["number"].as_str().expect("number"),
    );
    let days = case["days_overdue"].as_i64().expect("days");
    assert!(days > 0);

    let text = pdf_text(&office_page, format!("{}/cases/{id}/handoff.pdf", s.base)).await;
    assert!(text.contains("问题交办单"), "{text}");
    assert!(
        text.contains("青岚县打击非法采矿专项行动领导小组办公室"),
        "{text}"
    );
    assert!(text.contains(number), "{text}");
    assert!(
        text.contains(&squeeze(case["finding"].as_str().expect("finding"))),
        "{text}"
    );
    assert!(
        text.contains(case["township"].as_str().expect("township")),
        "{text}"
    );

    let text = pdf_text(
        &office_page,
        format!("{}/cases/{id}/supervision.pdf", s.base),
    )
    .await;
    assert!(
        text.contains(&format!("关于督促办理{number}号问题的函")),
        "{text}"
    );
    assert!(text.contains(&format!("已超期{days}天")), "{text}");
    assert!(text.contains("附：办理经过"), "{text}");

    // A case within its deadline has nothing to press.
    let open = api(
        &office,
        format!("{}/api/v1/cases?open=true&per_page=500", s.base),
    )
    .await;
    let timely = open["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .find(|c| c["days_overdue"] == 0)
        .expect("an open case within its deadline");
    let r = office_page
        .get(format!("{}/cases/{}/supervision.pdf", s.base, timely["id"]))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.expect("text").contains("未超期"));

    // A closed case's form carries who closed it and when.
    let closed = api(
        &office,
        format!("{}/api/v1/cases?status=closed&per_page=1", s.base),
    )
    .await;
    let cid = closed["cases"][0]["id"].as_i64().expect("closed case");
    let detail = api(&office, format!("{}/api/v1/cases/{cid}", s.base)).await;
    let close = detail["events"]
        .as_array()
        .expect("events")
        .iter()
        .rfind(|e| e["kind"] == "action.close")
        .expect("a close event");
    let text = pdf_text(&office_page, format!("{}/cases/{cid}/closing.pdf", s.base)).await;
    assert!(text.contains("问题整改销号审批表"), "{text}");
    assert!(text.contains("县级销号"), "{text}");
    // The person, before the unit in brackets that may wrap in its cell.
    let closer = close["actor"].as_str().expect("actor");
    let person = closer.split('(').next().unwrap_or(closer);
    assert!(
        text.contains(&format!(
            "县级销号{}",
            squeeze(close["payload"]["note"].as_str().unwrap_or(""))
        )),
        "{text}"
    );
    assert!(text.contains(person), "{text}");

    // The case page offers the papers to the office, not to a village phone.
    let page = office_page
        .get(format!("{}/cases/{id}", s.base))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("text");
    assert!(page.contains(&format!("/cases/{id}/handoff.pdf")));
    assert!(page.contains(&format!("/cases/{id}/supervision.pdf")));

    // Papers keep to jurisdiction: a village sees no other village's case, on paper or not.
    let village = login_page(&s, "village01").await;
    let village_api = login(&s, "village01").await;
    let mine = api(
        &village_api,
        format!("{}/api/v1/cases?per_page=500", s.base),
    )
    .await;
    let own: Vec<i64> = mine["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .filter_map(|c| c["id"].as_i64())
        .collect();
    let all = api(&office, format!("{}/api/v1/cases?per_page=500", s.base)).await;
    let other = all["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .filter_map(|c| c["id"].as_i64())
        .find(|i| !own.contains(i))
        .expect("a case of another village");
    let r = village
        .get(format!("{}/cases/{other}/handoff.pdf", s.base))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // Without a session, the log-in page.
    let r = common::client()
        .get(format!("{}/cases/{id}/handoff.pdf", s.base))
        .send()
        .await
        .expect("get");
    assert!(r.url().path().starts_with("/login"), "{}", r.url());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bulletin_the_dispatch_and_a_patrol_record_print() {
    let s = start().await;
    let office = login(&s, "office").await;
    let office_page = login_page(&s, "office").await;

    // April, issued: its number, its signer, its frozen digest and every township's line.
    let april = api(&office, format!("{}/api/v1/bulletin/2026-04", s.base)).await;
    let text = pdf_text(&office_page, format!("{}/bulletin/2026-04/pdf", s.base)).await;
    assert!(text.contains("青岚县打非办〔2026〕4号"), "{text}");
    assert!(
        text.contains("青岚县打击非法采矿专项行动2026年4月工作通报"),
        "{text}"
    );
    assert!(
        text.contains(april["issue"]["figures_sha256"].as_str().expect("sha")),
        "{text}"
    );
    assert!(
        text.contains(&squeeze(
            april["issue"]["signed_by"].as_str().expect("signer")
        )),
        "{text}"
    );
    for l in april["figures"]["lines"].as_array().expect("lines") {
        assert!(
            text.contains(l["township"].as_str().expect("township")),
            "{text}"
        );
    }
    assert!(
        text.contains("各乡镇得分") && text.contains("排名靠前"),
        "{text}"
    );
    // May is a draft and says so; a township cannot read it before it is issued.
    let text = pdf_text(&office_page, format!("{}/bulletin/2026-05/pdf", s.base)).await;
    assert!(text.contains("草稿"), "{text}");
    let town_page = login_page(&s, "town01").await;
    let r = town_page
        .get(format!("{}/bulletin/2026-05/pdf", s.base))
        .send()
        .await
        .expect("get");
    assert_ne!(r.status(), StatusCode::OK);
    // A bad month is named.
    let r = office_page
        .get(format!("{}/bulletin/2026-13/pdf", s.base))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // A township's dispatch of the last week of May.
    let town = login(&s, "town01").await;
    let me = api(&town, format!("{}/api/v1/me", s.base)).await;
    let township = me["scope"]["id"].as_i64().expect("township");
    let d = api(
        &office,
        format!("{}/api/v1/dispatch/{township}?week=2026-05-29", s.base),
    )
    .await;
    let text = pdf_text(
        &town_page,
        format!("{}/dispatch/{township}/pdf?week=2026-05-29", s.base),
    )
    .await;
    assert!(
        text.contains("青岚县打击非法采矿专项行动周调度表"),
        "{text}"
    );
    assert!(
        text.contains(d["township"].as_str().expect("name")),
        "{text}"
    );
    assert!(text.contains("2026-05-23至2026-05-29"), "{text}");
    let r = town_page
        .get(format!("{}/dispatch/{township}/pdf?week=someday", s.base))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // A patrol record with its signatures.
    let patrols = api(&office, format!("{}/api/v1/patrols", s.base)).await;
    let p = patrols
        .as_array()
        .or_else(|| patrols["records"].as_array())
        .and_then(|a| a.first())
        .expect("a patrol record")
        .clone();
    let text = pdf_text(&office_page, format!("{}/patrols/{}/pdf", s.base, p["id"])).await;
    assert!(text.contains("打击非法采矿网格巡查记录表"), "{text}");
    assert!(
        text.contains(&squeeze(p["address"].as_str().expect("address"))),
        "{text}"
    );
    assert!(
        text.contains(p["village"].as_str().expect("village")),
        "{text}"
    );
}
