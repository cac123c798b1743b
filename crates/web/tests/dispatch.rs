//! 周调度 over HTTP on the demo county (Monday 1 June 2026): the township files last week's
//! missed dispatch (the demo's other townships sent theirs) from its form — refused with the reason and its text kept while the
//! signer is missing, then submitted late and frozen; the county sees it in the roll-up, the
//! .xlsx and the API, and nobody else's township or role reads or writes it.

mod common;

use common::{client, json_of, login, login_page, start, text};
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_township_files_its_dispatch_and_the_county_rolls_it_up() {
    let s = start().await;
    let town = login_page(&s, "town01").await;
    let town_api = login(&s, "town01").await;
    let office = login(&s, "office").await;
    let (_, me) = json_of(
        town_api
            .get(format!("{}/api/v1/me", s.base))
            .send()
            .await
            .expect("me"),
    )
    .await;
    let township = me["scope"]["id"].as_i64().expect("township scope");

    // Last week's is owed: the to-do names it and opens the form.
    let (_, todo) = json_of(
        town_api
            .get(format!("{}/api/v1/todo", s.base))
            .send()
            .await
            .expect("todo"),
    )
    .await;
    let item = todo
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["kind"] == "file_dispatch")
        .expect("the dispatch is on the to-do");
    assert_eq!(item["due_on"], "2026-05-29");
    let (status, page) = text(
        town.get(format!("{}/dispatch?week=2026-05-29", s.base))
            .send()
            .await
            .expect("page"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("2026-05-23 至 2026-05-29"), "{page}");
    assert!(page.contains("新立案件") && page.contains("name=\"work_done\""));
    assert!(page.contains("未报"));

    // No signer: refused on the form itself, with what was written kept.
    let (status, page) = text(
        town.post(format!("{}/dispatch", s.base))
            .form(&[
                ("week", "2026-05-29"),
                ("work_done", "组织夜查两次，核查卫片三宗"),
                ("overdue_reasons", "雨季道路中断，6月10日前完成"),
                ("signed_by", ""),
                ("action", "submit"),
            ])
            .send()
            .await
            .expect("post"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("请填写对本报告负责的签字负责人"), "{page}");
    assert!(
        page.contains("组织夜查两次，核查卫片三宗"),
        "the text was lost"
    );

    // Complete: submitted (late: its Friday has passed) and frozen.
    let r = town
        .post(format!("{}/dispatch", s.base))
        .form(&[
            ("week", "2026-05-29"),
            ("work_done", "组织夜查两次，核查卫片三宗"),
            ("problems", ""),
            ("next_week", "开展河道专项巡查"),
            ("overdue_reasons", "雨季道路中断，6月10日前完成"),
            ("signed_by", "示例镇长"),
            ("action", "submit"),
        ])
        .send()
        .await
        .expect("post");
    let status = r.status();
    let page = r.text().await.expect("text");
    assert_eq!(status, StatusCode::OK, "redirected to the page: {page}");
    assert!(page.contains("已签字报送"), "{page}");
    assert!(page.contains("迟报") && page.contains("示例镇长"));
    assert!(
        !page.contains("name=\"work_done\""),
        "a frozen dispatch has no form"
    );

    // Frozen: the API refuses a change, naming the week.
    let (status, body) = json_of(
        town_api
            .put(format!("{}/api/v1/dispatch/week/2026-05-29", s.base))
            .json(&json!({"work_done": "改写", "signed_by": "示例镇长", "submit": true}))
            .send()
            .await
            .expect("put"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["field"], "week", "{body}");

    // The county's roll-up: this township late; of the others (the demo's), one sent it
    // late on Monday morning and the rest on Friday.
    let (_, rollup) = json_of(
        office
            .get(format!("{}/api/v1/dispatch?week=2026-05-27", s.base))
            .send()
            .await
            .expect("rollup"),
    )
    .await;
    let rows = rollup.as_array().expect("rows");
    assert!(rows.len() > 2);
    let standing = |r: &Value| r["standing"].as_str().unwrap_or("").to_string();
    for r in rows {
        if r["township_id"] == township {
            assert_eq!(standing(r), "late", "{r}");
        } else {
            assert!(["on_time", "late"].contains(&standing(r).as_str()), "{r}");
        }
    }
    assert_eq!(rows.iter().filter(|r| standing(r) == "late").count(), 2);
    let ours: &Value = rows
        .iter()
        .find(|r| r["township_id"] == township)
        .expect("ours");
    assert_eq!(ours["frozen"], true);
    assert_eq!(ours["text"]["signed_by"], "示例镇长");
    let (status, page) = text(
        office
            .get(format!("{}/dispatch?week=2026-05-29", s.base))
            .send()
            .await
            .expect("page"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("全县汇总") && page.contains("迟报") && page.contains("已报"));

    // The .xlsx: title, the week, one row per township with its standing, totals.
    let (sheet, cells) = common::xlsx_sheet(
        &office,
        format!("{}/dispatch.xlsx?week=2026-05-29", s.base),
        "周调度汇总",
    )
    .await;
    assert!(cells[0][0].contains("周调度汇总表"), "{:?}", cells[0]);
    assert!(cells[1][0].contains("2026-05-23 至 2026-05-29"));
    assert_eq!(cells[3][0], "乡镇(街道)");
    let township_rows: Vec<&Vec<String>> =
        cells[4..].iter().take_while(|r| r[0] != "合计").collect();
    assert_eq!(township_rows.len(), rows.len());
    assert_eq!(
        township_rows.iter().filter(|r| r[1] == "迟报").count(),
        2,
        "{township_rows:?}"
    );
    // The submission time is a real date cell, not text.
    let late_row = 4 + township_rows
        .iter()
        .position(|r| r[1] == "迟报")
        .expect("late row");
    let late_row = u32::try_from(late_row).expect("row");
    assert!(matches!(
        sheet.get_value((late_row, 2)),
        Some(calamine::Data::DateTime(_))
    ));

    // Jurisdiction and roles.
    let other = rows
        .iter()
        .find(|r| r["township_id"] != township)
        .and_then(|r| r["township_id"].as_i64())
        .expect("another township");
    let r = town
        .get(format!("{}/dispatch/{other}?week=2026-05-29", s.base))
        .send()
        .await
        .expect("other");
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let village = login(&s, "village01").await;
    let r = village
        .get(format!("{}/api/v1/dispatch", s.base))
        .send()
        .await
        .expect("village");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = village
        .put(format!("{}/api/v1/dispatch/week/2026-06-05", s.base))
        .json(&json!({"work_done": "x", "signed_by": "y", "submit": true}))
        .send()
        .await
        .expect("village put");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = client()
        .get(format!("{}/api/v1/dispatch", s.base))
        .send()
        .await
        .expect("anonymous");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let (status, body) = json_of(
        office
            .get(format!("{}/api/v1/dispatch?week=2026-06-12", s.base))
            .send()
            .await
            .expect("ahead"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
}
