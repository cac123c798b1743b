//! 八个一批 over HTTP on the demo county (Monday 1 June 2026, in the 集中整治阶段): every count
//! lists what it counts and the count page lists the same; a township reads its own line and
//! enters its own results from the page (refused with the reason and its text kept while the
//! title is missing), never another's; a withdrawn entry counts no more; the .xlsx carries the
//! same totals; other roles and bad days are refused.

mod common;

use common::{client, json_of, login, login_page, start};
use reqwest::StatusCode;
use serde_json::{Value, json};

const PHASE: &str = "from=2026-03-16&to=2026-10-31";

async fn board(c: &reqwest::Client, s: &common::Server) -> Value {
    let (status, body) = json_of(
        c.get(format!("{}/api/v1/scoreboard?{PHASE}", s.base))
            .send()
            .await
            .expect("board"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

fn counted(line: &Value, tally: &str) -> usize {
    line["tallies"]
        .as_array()
        .expect("tallies")
        .iter()
        .find(|t| t["tally"] == tally)
        .map_or(0, |t| {
            t["cases"].as_array().map_or(0, Vec::len) + t["records"].as_array().map_or(0, Vec::len)
        })
}

fn line_of(board: &Value, township: i64) -> Value {
    board["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .find(|l| l["township_id"] == township)
        .expect("line")
        .clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn townships_are_tallied_and_enter_their_own_results() {
    let s = start().await;
    let office = login(&s, "office").await;
    let town = login(&s, "town01").await;
    let town_page = login_page(&s, "town01").await;
    let (_, me) = json_of(
        town.get(format!("{}/api/v1/me", s.base))
            .send()
            .await
            .expect("me"),
    )
    .await;
    let township = me["scope"]["id"].as_i64().expect("township scope");

    let all = board(&office, &s).await;
    let (_, org) = json_of(
        office
            .get(format!("{}/api/v1/org", s.base))
            .send()
            .await
            .expect("org"),
    )
    .await;
    let lines = all["lines"].as_array().expect("lines");
    assert_eq!(
        lines.len(),
        org["townships"].as_array().expect("townships").len() + 1,
        "each township and the county's own line"
    );
    // 重大隐患整改 counts key problems closed: each one is.
    let mut key_cases = 0;
    for l in lines {
        for c in l["tallies"]
            .as_array()
            .expect("tallies")
            .iter()
            .filter(|t| t["tally"] == "key_hazards")
            .flat_map(|t| t["cases"].as_array().expect("cases").clone())
        {
            key_cases += 1;
            let (_, case) = json_of(
                office
                    .get(format!("{}/api/v1/cases/{}", s.base, c["id"]))
                    .send()
                    .await
                    .expect("case"),
            )
            .await;
            assert_eq!(case["case"]["severity"], "key", "{case}");
            assert_eq!(case["case"]["status"], "closed");
        }
    }
    assert!(key_cases > 0, "the demo closed key problems in the phase");

    // The township reads its own line only, down the page; each count opens the same cases.
    let own = board(&town, &s).await;
    assert_eq!(own["lines"].as_array().expect("lines").len(), 1);
    let mine = line_of(&own, township);
    assert_eq!(mine, line_of(&all, township));
    let struck = mine["tallies"]
        .as_array()
        .expect("tallies")
        .iter()
        .find(|t| t["tally"] == "illegal_acts")
        .expect("tally")
        .clone();
    let page = town_page
        .get(format!(
            "{}/scoreboard/count?{PHASE}&line={township}&tally=illegal_acts",
            s.base
        ))
        .send()
        .await
        .expect("count page")
        .text()
        .await
        .expect("text");
    for c in struck["cases"].as_array().expect("cases") {
        assert!(
            page.contains(c["number"].as_str().expect("number")),
            "{page}"
        );
    }
    let r = town_page
        .get(format!(
            "{}/scoreboard/count?{PHASE}&line=county&tally=rules",
            s.base
        ))
        .send()
        .await
        .expect("county line");
    assert_eq!(
        r.status(),
        StatusCode::NOT_FOUND,
        "a township reads no county line"
    );

    // Entered from the page: no title is refused there, with what was typed kept.
    let (_, cases) = json_of(
        town.get(format!("{}/api/v1/cases?status=closed&per_page=1", s.base))
            .send()
            .await
            .expect("cases"),
    )
    .await;
    let number = cases["cases"][0]["number"]
        .as_str()
        .expect("a closed case of the township")
        .to_string();
    let form = |title: &'static str, case: String| {
        vec![
            ("from", "2026-03-16".to_string()),
            ("to", "2026-10-31".to_string()),
            ("tally", "typical_cases".to_string()),
            ("title", title.to_string()),
            ("happened_on", "2026-05-28".to_string()),
            ("reference", "县电视台《聚焦》栏目".to_string()),
            ("case_number", case),
            ("note", String::new()),
        ]
    };
    let r = town_page
        .post(format!("{}/scoreboard/results", s.base))
        .form(&form("", number.clone()))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.expect("text");
    assert!(
        page.contains("请填写名称") && page.contains("县电视台《聚焦》栏目"),
        "{page}"
    );
    let r = town_page
        .post(format!("{}/scoreboard/results", s.base))
        .form(&form("非法采矿案曝光", number.clone()))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.expect("text").contains("已登记"));
    let after = board(&town, &s).await;
    assert_eq!(
        counted(&line_of(&after, township), "typical_cases"),
        counted(&mine, "typical_cases") + 1
    );
    // Another township's case is out of sight; another township's entry is refused.
    let other_case = {
        let (_, other) = json_of(
            office
                .get(format!("{}/api/v1/cases?per_page=100", s.base))
                .send()
                .await
                .expect("cases"),
        )
        .await;
        let rows = other["cases"].as_array().expect("rows").clone();
        rows.iter()
            .find(|c| c["township_id"] != township)
            .and_then(|c| c["number"].as_str())
            .expect("another township's case")
            .to_string()
    };
    let r = town_page
        .post(format!("{}/scoreboard/results", s.base))
        .form(&form("别人的案件", other_case))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.expect("text").contains("找不到案件"));
    let other_township = org["townships"]
        .as_array()
        .expect("townships")
        .iter()
        .find(|t| t["id"] != township)
        .and_then(|t| t["id"].as_i64())
        .expect("another township");
    let r = town
        .post(format!("{}/api/v1/campaign-results", s.base))
        .json(&json!({"tally": "models", "township_id": other_township, "title": "x", "happened_on": "2026-05-20"}))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Withdrawn: marked in the register, counted no more, not twice.
    let (status, entered) = json_of(
        office
            .post(format!("{}/api/v1/campaign-results", s.base))
            .json(&json!({"tally": "rules", "title": "举报奖励办法", "happened_on": "2026-05-30", "reference": "X政发〔2026〕3号"}))
            .send()
            .await
            .expect("post"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{entered}");
    let id = entered["id"].as_i64().expect("id");
    let county_rules = |b: &Value| {
        b["lines"]
            .as_array()
            .expect("lines")
            .iter()
            .find(|l| l["township_id"].is_null())
            .map_or(0, |l| counted(l, "rules"))
    };
    let with = county_rules(&board(&office, &s).await);
    let r = office
        .post(format!("{}/api/v1/campaign-results/{id}/withdraw", s.base))
        .json(&json!({"reason": "重复登记"}))
        .send()
        .await
        .expect("withdraw");
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let now_board = board(&office, &s).await;
    assert_eq!(county_rules(&now_board), with - 1);
    let r = office
        .post(format!("{}/api/v1/campaign-results/{id}/withdraw", s.base))
        .json(&json!({"reason": "again"}))
        .send()
        .await
        .expect("withdraw");
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (_, register) = json_of(
        office
            .get(format!("{}/api/v1/campaign-results?{PHASE}", s.base))
            .send()
            .await
            .expect("register"),
    )
    .await;
    assert!(
        register
            .as_array()
            .expect("entries")
            .iter()
            .any(|e| e["id"] == id && e["withdrawn_reason"] == "重复登记")
    );

    // The .xlsx: title, the tallies as columns, the same totals.
    let (_, cells) = common::xlsx_sheet(
        &office,
        format!("{}/scoreboard.xlsx?{PHASE}", s.base),
        "八个一批",
    )
    .await;
    assert!(cells[0][0].contains("八个一批"), "{:?}", cells[0]);
    assert!(cells[1][0].contains("集中整治阶段"));
    assert_eq!(cells[3][1], "整改一批重大隐患");
    let total_row = cells.iter().find(|r| r[0] == "合计").expect("totals");
    let lines = now_board["lines"].as_array().expect("lines");
    for (col, tally) in [(1, "key_hazards"), (4, "closures"), (8, "rules")] {
        let sum: usize = lines.iter().map(|l| counted(l, tally)).sum();
        assert_eq!(total_row[col], sum.to_string(), "{tally}");
    }

    // Others, strangers and bad days.
    let village = login(&s, "village01").await;
    let r = village
        .get(format!("{}/api/v1/scoreboard?{PHASE}", s.base))
        .send()
        .await
        .expect("village");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = client()
        .get(format!("{}/api/v1/scoreboard?{PHASE}", s.base))
        .send()
        .await
        .expect("anonymous");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = office
        .get(format!(
            "{}/api/v1/scoreboard?from=2026-10-31&to=2026-03-16",
            s.base
        ))
        .send()
        .await
        .expect("backwards");
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = login_page(&s, "office")
        .await
        .get(format!("{}/scoreboard?from=March&to=2026-10-31", s.base))
        .send()
        .await
        .expect("bad day");
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
