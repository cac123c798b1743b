//! The real server on a free port over a temporary SQLite database with the demo county,
//! driven over HTTP as the phone app and other systems would.

mod common;

use calamine::Reader;
use chrono::TimeZone;
use common::{client, json_of, login, login_page, org_ids, start};
use minewatch_store::demo;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::fmt::Write as _;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authentication_rejects_forgeries_and_wrong_passwords() {
    let s = start().await;
    let c = client();
    let (status, body) = json_of(
        c.get(format!("{}/api/v1/me", s.base))
            .send()
            .await
            .expect("me"),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unauthenticated"))
    );
    let forged = c
        .get(format!("{}/api/v1/me", s.base))
        .header("cookie", format!("mw_session={}", "ab".repeat(32)))
        .send()
        .await
        .expect("me");
    assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);
    let bearer = c
        .get(format!("{}/api/v1/cases", s.base))
        .bearer_auth("not-a-token")
        .send()
        .await
        .expect("cases");
    assert_eq!(bearer.status(), StatusCode::UNAUTHORIZED);
    let (status, body) = json_of(
        c.post(format!("{}/api/v1/session", s.base))
            .json(&json!({"username": "office", "password": "wrong"}))
            .send()
            .await
            .expect("login"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["field"], "password");
    // A page without a session sends people to log in.
    let page = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("c")
        .get(format!("{}/ledger", s.base))
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), StatusCode::SEE_OTHER);
    assert_eq!(page.headers()["location"], "/login?next=/ledger");
    // An issued API token works for machine clients.
    s.store
        .issue_api_token(
            None,
            "dept_power_supply",
            "power feed",
            "tok-123",
            30,
            chrono::Utc::now(),
        )
        .await
        .expect("token");
    let r = c
        .get(format!("{}/api/v1/me", s.base))
        .bearer_auth("tok-123")
        .send()
        .await
        .expect("me");
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_case_from_tip_to_closing_and_into_the_export() {
    let s = start().await;
    let office = login(&s, "office").await;
    let (t1, _, v1) = org_ids(&office, &s).await;
    let (status, out) = json_of(
        office
            .post(format!("{}/api/v1/clues", s.base))
            .json(&json!({"source": "tip", "township_id": t1, "village_id": v1, "address": "北山废弃矿井旁",
                          "lon": 111.5, "lat": 35.5, "description": "夜里有人用三轮车拉矿石", "problem_kind": "unlicensed_mining"}))
            .send()
            .await
            .expect("clue"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{out}");
    let id = out["case_id"].as_i64().expect("case id");
    let number = out["case_number"].as_str().expect("number").to_string();
    let act = async |c: &reqwest::Client, body: Value| {
        json_of(
            c.post(format!("{}/api/v1/cases/{id}/actions", s.base))
                .json(&body)
                .send()
                .await
                .expect("act"),
        )
        .await
    };

    let town = login(&s, "town01").await;
    let (st, body) = act(
        &town,
        json!({"action": "verify", "founded": true, "note": "现场属实"}),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    // A step out of order is refused with the reason, and changes nothing.
    let (st, body) = act(&office, json!({"action": "close", "note": ""})).await;
    assert_eq!(
        (st, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("wrong_status"))
    );
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("已核实待处置")),
        "{body}"
    );
    let (st, body) = act(&town, json!({"action": "close", "note": ""})).await;
    assert_eq!(
        (st, body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden"))
    );
    let dept = login(&s, "dept_natural_resources").await;
    let (st, body) = act(&dept, json!({"action": "decide", "decision": "rectify", "measures": "封堵井口，恢复植被", "deadline": "2026-06-20",
                                      "responsible_unit": "东川镇人民政府", "responsible_person": "周某"})).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let (st, body) = act(
        &dept,
        json!({"action": "report_rectified", "note": "井口已封堵"}),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let (st, body) = act(
        &dept,
        json!({"action": "accept", "passed": true, "note": ""}),
    )
    .await;
    assert_eq!(
        (st, body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden")),
        "department may not accept"
    );
    assert_eq!(
        act(
            &office,
            json!({"action": "accept", "passed": true, "note": "合格"})
        )
        .await
        .0,
        StatusCode::OK
    );
    let (st, body) = act(&office, json!({"action": "close", "note": "销号"})).await;
    assert_eq!(
        (st, body["status"].as_str()),
        (StatusCode::OK, Some("closed"))
    );

    // Township 2 cannot see it; the department that led it can.
    let town2 = login(&s, "town02").await;
    assert_eq!(
        town2
            .get(format!("{}/api/v1/cases/{id}", s.base))
            .send()
            .await
            .expect("get")
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        dept.get(format!("{}/api/v1/cases/{id}", s.base))
            .send()
            .await
            .expect("get")
            .status(),
        StatusCode::OK
    );

    // The ledger export under a filter holds exactly that row.
    let r = office
        .get(format!("{}/ledger.xlsx?q={number}", s.base))
        .send()
        .await
        .expect("xlsx");
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.expect("bytes");
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).expect("a real xlsx");
    let sheet = wb.worksheet_range("台账").expect("sheet");
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(ToString::to_string).collect())
        .collect();
    // Title, the line naming the unit, cut-off and filter, then the header row.
    assert!(rows[0][0].contains("问题整改台账"), "{:?}", rows[0]);
    assert!(
        rows[1][0].contains("填报单位：青岚县专项行动领导小组办公室")
            && rows[1][0].contains("统计截至：2026-06-01")
            && rows[1][0].contains(&format!("“{number}”")),
        "{:?}",
        rows[1]
    );
    let header = rows
        .iter()
        .position(|r| r[0] == "序号")
        .expect("header row");
    let col = |name: &str| {
        rows[header]
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("column {name}"))
    };
    for name in ["两断三清", "行刑衔接", "纪检移送", "网格责任人", "包村干部"]
    {
        col(name);
    }
    let line = &rows[header + 1];
    assert_eq!(line[col("案件编号")], number);
    assert_eq!(line[col("办理状态")], "已销号");
    assert_eq!(line[col("责任单位")], "东川镇人民政府");
    assert_eq!(rows[header + 2][1], "合计", "one case, then the totals");
    // Dates are dates, not text.
    let at = |c: usize| {
        sheet.get_value((
            u32::try_from(header + 1).expect("row"),
            u32::try_from(c).expect("col"),
        ))
    };
    assert!(matches!(
        at(col("立案时间")),
        Some(calamine::Data::DateTime(_))
    ));
    assert!(matches!(
        at(col("销号时间")),
        Some(calamine::Data::DateTime(_))
    ));
    assert!(matches!(
        at(col("整改时限")),
        Some(calamine::Data::DateTime(_))
    ));

    // The print page holds the same case under the same filter, headed the same way.
    let r = office
        .get(format!("{}/ledger/print?q={number}", s.base))
        .send()
        .await
        .expect("print");
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.expect("page");
    assert!(page.contains("问题整改台账") && page.contains(&*number) && page.contains("合计 1 宗"));
    let report = s
        .store
        .audit_verify()
        .await
        .expect("db")
        .expect("chain intact");
    assert!(report.events > 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_named_and_stores_nothing() {
    let s = start().await;
    let office = login(&s, "office").await;
    let (t1, t2, v1) = org_ids(&office, &s).await;
    let total = async || -> i64 {
        let (_, b) = json_of(
            office
                .get(format!("{}/api/v1/cases?per_page=1", s.base))
                .send()
                .await
                .expect("list"),
        )
        .await;
        b["total"].as_i64().expect("total")
    };
    let before = total().await;
    let post = async |body: Value| {
        json_of(
            office
                .post(format!("{}/api/v1/clues", s.base))
                .json(&body)
                .send()
                .await
                .expect("post"),
        )
        .await
    };
    let (st, b) = post(json!({"source": "tip", "township_id": t1, "address": "x", "problem_kind": "unlicensed_mining"})).await;
    assert_eq!(
        (st, b["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("description"))
    );
    let (st, b) = post(json!({"source": "tip", "township_id": 999_999, "address": "x", "description": "d", "problem_kind": "unlicensed_mining"})).await;
    assert_eq!(
        (st, b["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("township"))
    );
    let (st, b) = post(json!({"source": "tip", "township_id": t2, "village_id": v1, "address": "x", "description": "d", "problem_kind": "unlicensed_mining"})).await;
    assert_eq!(
        (st, b["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("village"))
    );
    let (st, b) = post(json!({"source": "rumour", "township_id": t1, "address": "x", "description": "d", "problem_kind": "unlicensed_mining"})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    // A 40,000-character clue is refused before anything is stored, naming the field.
    let (st, b) = post(json!({"source": "tip", "township_id": t1, "address": "x", "description": "挖".repeat(40_000), "problem_kind": "unlicensed_mining"})).await;
    assert_eq!(
        (st, b["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("description")),
        "{b}"
    );
    // The longest text taken still exports: the ledger never fails on what it stored.
    let (st, b) = post(json!({"source": "tip", "township_id": t1, "address": "x", "description": "挖".repeat(5_000), "problem_kind": "unlicensed_mining"})).await;
    assert_eq!(st, StatusCode::CREATED, "{b}");
    let long_case = b["case_id"].as_i64().expect("case");
    let r = office
        .get(format!("{}/ledger.xlsx", s.base))
        .send()
        .await
        .expect("xlsx");
    assert_eq!(r.status(), StatusCode::OK);
    // A note past the limit on a step is refused naming the field.
    let (st, b) = json_of(
        office
            .post(format!("{}/api/v1/cases/{long_case}/actions", s.base))
            .json(&json!({"action": "note", "note": "长".repeat(6_000)}))
            .send()
            .await
            .expect("note"),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let r = office
        .get(format!("{}/api/v1/dashboard", s.base))
        .send()
        .await
        .expect("dashboard");
    assert_eq!(r.status(), StatusCode::OK);
    let r = office
        .post(format!("{}/api/v1/clues", s.base))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        total().await,
        before + 1,
        "nothing stored but the one accepted clue"
    );

    // Uploads over the limit are refused with the limit named.
    let big = vec![0u8; minewatch_web::MAX_ATTACHMENT_BYTES + 1];
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(big).file_name("big.jpg"),
    );
    let (st, b) = json_of(
        office
            .post(format!("{}/api/v1/attachments", s.base))
            .multipart(form)
            .send()
            .await
            .expect("upload"),
    )
    .await;
    assert_eq!(
        (st, b["code"].as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("too_large"))
    );
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(b"jpeg".to_vec())
            .file_name("ok.jpg")
            .mime_str("image/jpeg")
            .expect("mime"),
    );
    let (st, b) = json_of(
        office
            .post(format!("{}/api/v1/attachments", s.base))
            .multipart(form)
            .send()
            .await
            .expect("upload"),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED);
    let sha = b[0]["sha256"].as_str().expect("sha");
    let got = office
        .get(format!("{}/api/v1/attachments/{sha}", s.base))
        .send()
        .await
        .expect("get");
    // Four bytes called a JPEG are not one: the type comes from the bytes, and what is not a
    // picture or a PDF is a download.
    assert_eq!(got.headers()["content-type"], "application/octet-stream");
    assert!(
        got.headers()["content-disposition"]
            .to_str()
            .expect("ascii")
            .starts_with("attachment;")
    );
    assert_eq!(got.headers()["x-content-type-options"], "nosniff");
    assert!(
        got.headers()["content-security-policy"]
            .to_str()
            .expect("ascii")
            .contains("frame-ancestors 'none'")
    );
    assert_eq!(got.bytes().await.expect("bytes").as_ref(), b"jpeg");
    // A page or an SVG uploaded as an "image" never runs in whoever opens it.
    for (name, declared, bytes) in [
        (
            "evil.html",
            "text/html",
            &b"<html><script>alert(document.cookie)</script>"[..],
        ),
        (
            "evil.svg",
            "image/svg+xml",
            &b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"[..],
        ),
    ] {
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(bytes.to_vec())
                .file_name(name)
                .mime_str(declared)
                .expect("mime"),
        );
        let (st, b) = json_of(
            office
                .post(format!("{}/api/v1/attachments", s.base))
                .multipart(form)
                .send()
                .await
                .expect("upload"),
        )
        .await;
        assert_eq!(st, StatusCode::CREATED);
        assert_eq!(b[0]["media_type"], "application/octet-stream", "{name}");
        assert_eq!(b[0]["analysed"], false, "{name}");
        let sha = b[0]["sha256"].as_str().expect("sha");
        for path in [
            format!("/api/v1/attachments/{sha}"),
            format!("/attachments/{sha}"),
        ] {
            let got = office
                .get(format!("{}{path}", s.base))
                .send()
                .await
                .expect("get");
            assert_eq!(got.status(), StatusCode::OK, "{path}");
            assert_eq!(got.headers()["content-type"], "application/octet-stream");
            assert!(
                got.headers()["content-disposition"]
                    .to_str()
                    .expect("ascii")
                    .starts_with("attachment;"),
                "{name} is a download"
            );
        }
    }
    let traversal = office
        .get(format!(
            "{}/api/v1/attachments/..%2F..%2Fetc%2Fpasswd",
            s.base
        ))
        .send()
        .await
        .expect("get");
    assert_eq!(traversal.status(), StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_documented_operation_is_served() {
    let s = start().await;
    let spec: Value = client()
        .get(format!("{}/api/openapi.json", s.base))
        .send()
        .await
        .expect("spec")
        .json()
        .await
        .expect("json");
    assert_eq!(spec["openapi"], "3.1.0");
    // The limits the server enforces are stated, as figures a client can read.
    assert_eq!(
        spec["info"]["x-limits"]["free_text_chars"],
        minewatch_core::ledger::case::MAX_TEXT_CHARS
    );
    assert_eq!(
        spec["info"]["x-limits"]["name_chars"],
        minewatch_core::ledger::case::MAX_NAME_CHARS
    );
    let c = login(&s, "office").await;
    let mut checked = 0;
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("ops").keys() {
            if path.ends_with("/session") {
                continue; // would log us out
            }
            let url = format!(
                "{}{}",
                s.base,
                path.replace("{id}", "1")
                    .replace("{tip_id}", "1")
                    .replace("{kind}", "explosives")
                    .replace("{sha}", &"0".repeat(64))
            );
            let m = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
            let r = c
                .request(m, &url)
                .header("content-type", "application/json")
                .body("{}")
                .send()
                .await
                .expect("send");
            assert_ne!(
                r.status(),
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path}"
            );
            if r.status() == StatusCode::NOT_FOUND {
                let b: Value = r.json().await.unwrap_or(Value::Null);
                assert_ne!(
                    b["code"], "no_route",
                    "{method} {path} is documented but not routed"
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 14, "checked {checked}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patch_verified_in_the_field_and_reviewed_by_the_county() {
    let s = start().await;
    let office = login(&s, "office").await;
    let (st, all) = json_of(
        office
            .get(format!("{}/api/v1/patches", s.base))
            .send()
            .await
            .expect("list"),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    let all = all.as_array().expect("array").clone();
    assert_eq!(
        all.len(),
        49,
        "the quarterly batch of 48 and the planted monthly patch"
    );

    // The first township with a patch awaiting evidence.
    let mut found = None;
    for n in 1..=10 {
        let user = format!("town{n:02}");
        let c = login(&s, &user).await;
        let (_, mine) = json_of(
            c.get(format!("{}/api/v1/patches?status=pending", s.base))
                .send()
                .await
                .expect("list"),
        )
        .await;
        if let Some(p) = mine.as_array().and_then(|a| a.first()).cloned() {
            found = Some((user, c, p));
            break;
        }
    }
    let (user, town, patch) = found.expect("a township with a pending patch");
    let id = patch["id"].as_i64().expect("id");
    let url = format!("{}/api/v1/patches/{id}", s.base);

    // Another township cannot see it.
    let other = login(&s, if user == "town01" { "town02" } else { "town01" }).await;
    let (st, _) = json_of(other.get(&url).send().await.expect("get")).await;
    assert_eq!(st, StatusCode::NOT_FOUND);

    // Evidence with a photo; bad evidence first.
    let (st, b) = json_of(
        town.post(format!("{url}/verification"))
            .json(&json!({"reason": "licensed_mining"}))
            .send()
            .await
            .expect("verify"),
    )
    .await;
    assert_eq!(
        (st, b["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("permit_no"))
    );
    let (st, b) = json_of(
        town.post(format!("{url}/verification"))
            .header("content-type", "application/json")
            .body("{\"reason\": ")
            .send()
            .await
            .expect("verify"),
    )
    .await;
    assert_eq!(
        (st, b["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("body"))
    );
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(b"not really a jpeg".to_vec())
            .file_name("site.jpg")
            .mime_str("image/jpeg")
            .expect("mime"),
    );
    let (st, b) = json_of(
        town.post(format!("{}/api/v1/attachments", s.base))
            .multipart(form)
            .send()
            .await
            .expect("upload"),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED);
    let fake = b[0]["sha256"].as_str().expect("sha").to_string();
    let (st, b) = json_of(
        town.post(format!("{url}/verification"))
            .json(&json!({"reason": "unlicensed", "note": "现场", "photos": [fake]}))
            .send()
            .await
            .expect("verify"),
    )
    .await;
    assert_eq!(
        (st, b["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("photos")),
        "evidence must be a picture that was analysed: {b}"
    );
    // A real photo, sent without any part Content-Type: still read from its bytes.
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(
            include_bytes!("../../store/tests/fixtures/photos/piexif.jpg").to_vec(),
        )
        .file_name("site.jpg"),
    );
    let (st, b) = json_of(
        town.post(format!("{}/api/v1/attachments", s.base))
            .multipart(form)
            .send()
            .await
            .expect("upload"),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED);
    let sha = b[0]["sha256"].as_str().expect("sha").to_string();
    let (st, b) = json_of(
        town.post(format!("{url}/verification"))
            .json(&json!({"reason": "unlicensed", "note": "现场有新鲜采挖痕迹", "photos": [sha]}))
            .send()
            .await
            .expect("verify"),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{b}");
    assert_eq!(b["patch"]["row"]["status"], "submitted");
    assert_eq!(b["patch"]["verifications"][0]["determination"], "illegal");

    // The photo is served to those who may see the patch, and to nobody else by its id.
    let other = if user == "town01" { "town02" } else { "town01" };
    let stranger = login(&s, other).await;
    for path in [
        format!("/api/v1/attachments/{sha}"),
        format!("/api/v1/attachments/{sha}/thumb"),
    ] {
        let r = stranger
            .get(format!("{}{path}", s.base))
            .send()
            .await
            .expect("get");
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{other} {path}");
        let r = office
            .get(format!("{}{path}", s.base))
            .send()
            .await
            .expect("get");
        assert_eq!(r.status(), StatusCode::OK, "office {path}");
        assert_eq!(r.headers()["content-type"], "image/jpeg");
        assert!(
            r.headers()["content-disposition"]
                .to_str()
                .expect("ascii")
                .starts_with("inline;")
        );
    }

    // Only the county reviews.
    let (st, _) = json_of(
        town.post(format!("{url}/review"))
            .json(&json!({"accept": true}))
            .send()
            .await
            .expect("review"),
    )
    .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, b) = json_of(
        office
            .post(format!("{url}/review"))
            .json(&json!({"accept": true}))
            .send()
            .await
            .expect("review"),
    )
    .await;
    assert_eq!(
        (st, b["row"]["status"].as_str()),
        (StatusCode::OK, Some("accepted"))
    );

    // The pages and the export show it.
    let page = login_page(&s, "office").await;
    let html = page
        .get(format!("{}/patches/{id}", s.base))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(
        html.contains(patch["patch_no"].as_str().expect("no"))
            && html.contains("<svg")
            && html.contains("审核通过")
    );
    for path in ["/patches", "/patches/findings", "/registers"] {
        let r = page
            .get(format!("{}{path}", s.base))
            .send()
            .await
            .expect("page");
        assert_eq!(r.status(), StatusCode::OK, "{path}");
    }
    // The batch carried earlier and later images for its first patches.
    let first = all
        .iter()
        .find(|p| p["patch_no"] == "QL2026Q1-001")
        .and_then(|p| p["id"].as_i64())
        .expect("QL2026Q1-001");
    let html = page
        .get(format!("{}/patches/{first}", s.base))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(
        html.contains("前时相") && html.contains("后时相影像"),
        "images shown"
    );
    let src = html
        .split("img src=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("an image");
    let img = page
        .get(format!("{}{src}", s.base))
        .send()
        .await
        .expect("image");
    assert_eq!(img.status(), StatusCode::OK);
    let png = img.bytes().await.expect("bytes");
    assert!(png.starts_with(b"\x89PNG"), "a real PNG");

    let bytes = page
        .get(format!("{}/patches.xlsx", s.base))
        .send()
        .await
        .expect("xlsx")
        .bytes()
        .await
        .expect("bytes");
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).expect("a real xlsx");
    let sheet = wb.worksheet_range("图斑核查").expect("sheet");
    assert_eq!(sheet.rows().count(), 50, "header and 49 patches");
    let accepted: Vec<_> = sheet
        .rows()
        .filter(|r| r.iter().any(|c| *c == "审核通过"))
        .collect();
    assert_eq!(
        accepted.len(),
        2,
        "the one reviewed here and the demo's planted patch"
    );
}

/// A GPX file of one track: a ring of `n` fixes `r_m` metres round (lon, lat), a minute
/// apart from `start` (RFC 3339).
fn gpx_ring(
    lon: f64,
    lat: f64,
    r_m: f64,
    n: usize,
    start: chrono::DateTime<chrono::Utc>,
) -> String {
    let kx = 111_320.0 * lat.to_radians().cos();
    let mut pts = String::new();
    for i in 0..=n {
        let a = std::f64::consts::TAU * i as f64 / n as f64;
        let t = start + chrono::Duration::minutes(i as i64);
        let _ = write!(
            pts,
            r#"<trkpt lat="{:.7}" lon="{:.7}"><time>{}</time></trkpt>"#,
            lat + r_m * a.sin() / 110_574.0,
            lon + r_m * a.cos() / kx,
            t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        );
    }
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1"><trk><name>环线</name><trkseg>{pts}</trkseg></trk></gpx>"#
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ground_over_http() {
    let s = start().await;
    let village = login(&s, "village01").await;

    // The day's report: the board shows it open, one tap files it, a second is refused.
    let (st, board) = json_of(
        village
            .get(format!("{}/api/v1/zero-reports", s.base))
            .send()
            .await
            .expect("board"),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    let grid = &board["grids"][0];
    let grid_id = grid["place"]["grid_id"].as_i64().expect("grid");
    assert_eq!(
        grid["days"]
            .as_array()
            .expect("days")
            .last()
            .expect("today")[1],
        "open"
    );
    let post = || {
        village
            .post(format!("{}/api/v1/zero-reports", s.base))
            .json(&json!({"grid_id": grid_id}))
    };
    let (st, out) = json_of(post().send().await.expect("report")).await;
    assert_eq!(st, StatusCode::CREATED, "{out}");
    assert_eq!(out["late"], false);
    let (st, err) = json_of(post().send().await.expect("again")).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["field"], "date");

    // The phone's queue posts a track; the retry after a lost answer is the same track.
    let now_ms = 1_780_279_200_000.0; // 2026-06-01T02:00:00Z
    let track = json!({"client_ref": "phone-abc", "points": [[112.01, 36.41, now_ms], [112.011, 36.411, now_ms + 60_000.0]]});
    let (st, a) = json_of(
        village
            .post(format!("{}/api/v1/tracks", s.base))
            .json(&track)
            .send()
            .await
            .expect("track"),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{a}");
    let (_, b) = json_of(
        village
            .post(format!("{}/api/v1/tracks", s.base))
            .json(&track)
            .send()
            .await
            .expect("retry"),
    )
    .await;
    assert_eq!(a["id"], b["id"]);
    let (st, err) = json_of(
        village
            .post(format!("{}/api/v1/tracks", s.base))
            .json(&json!({"points": [[112.01, 36.41, -5.0], [112.0, 36.4, now_ms]]}))
            .send()
            .await
            .expect("bad time"),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["field"], "points");

    // A GPX loop round a key zone, walked at night, uploaded by the county office for the
    // township that holds it: all of the zone is within 5 km, little within 100 m.
    let office = login(&s, "office").await;
    let (_, zones) = json_of(
        office
            .get(format!(
                "{}/api/v1/coverage?from=2026-05-31&to=2026-06-01",
                s.base
            ))
            .send()
            .await
            .expect("coverage"),
    )
    .await;
    let zone = zones["zones"]
        .as_array()
        .expect("zones")
        .iter()
        .find(|z| z["kind_label"] == "私挖滥采易发频发区")
        .expect("the demo's hot-spot zone")
        .clone();
    let (_, registers) = json_of(
        office
            .get(format!("{}/api/v1/registers", s.base))
            .send()
            .await
            .expect("registers"),
    )
    .await;
    let feature = registers
        .as_array()
        .expect("features")
        .iter()
        .find(|f| f["id"] == zone["id"])
        .expect("zone feature");
    let geometry: Value =
        serde_json::from_str(feature["geometry"].as_str().expect("geojson")).expect("json");
    let outer = if geometry["type"] == "MultiPolygon" {
        &geometry["coordinates"][0][0]
    } else {
        &geometry["coordinates"][0]
    };
    let ring = outer.as_array().expect("ring");
    let (n, sx, sy) = ring.iter().fold((0.0, 0.0, 0.0), |(n, x, y), p| {
        (
            n + 1.0,
            x + p[0].as_f64().expect("x"),
            y + p[1].as_f64().expect("y"),
        )
    });
    let night = chrono::Utc
        .with_ymd_and_hms(2026, 5, 31, 13, 0, 0)
        .single()
        .expect("t"); // 21:00 Beijing
    let gpx = gpx_ring(sx / n, sy / n, 1800.0, 72, night);
    let page = login_page(&s, "office").await;
    let upload = |bytes: Vec<u8>, name: &str| {
        let form = reqwest::multipart::Form::new()
            .text("township_id", zone["township_id"].to_string())
            .part(
                "gpx",
                reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
            );
        page.post(format!("{}/tracks/gpx", s.base))
            .multipart(form)
            .send()
    };
    let r = upload(gpx.into_bytes(), "loop.gpx").await.expect("upload");
    assert!(
        r.status().is_success() || r.status().is_redirection(),
        "{}",
        r.status()
    );
    let zone_id = zone["id"].clone();
    let cover = |d: u32| {
        let office = office.clone();
        let base = s.base.clone();
        let zone_id = zone_id.clone();
        async move {
            let (_, c) = json_of(
                office
                    .get(format!(
                        "{base}/api/v1/coverage?from=2026-05-31&to=2026-06-01&distance={d}"
                    ))
                    .send()
                    .await
                    .expect("coverage"),
            )
            .await;
            c["zones"]
                .as_array()
                .expect("zones")
                .iter()
                .find(|z| z["id"] == zone_id)
                .expect("zone")
                .clone()
        }
    };
    let wide = cover(5000).await;
    assert!(wide["any"].as_f64().expect("any") > 0.999, "{wide}");
    assert!(
        (wide["night"].as_f64().expect("night") - wide["any"].as_f64().expect("any")).abs() < 1e-9,
        "walked at night"
    );
    let narrow = cover(100).await;
    assert!(narrow["any"].as_f64().expect("any") < 0.5, "{narrow}");
    // A malformed GPX is refused naming the file, and stores no track.
    let (_, before) = json_of(
        office
            .get(format!("{}/api/v1/tracks", s.base))
            .send()
            .await
            .expect("tracks"),
    )
    .await;
    let r = upload(b"<gpx><trk><trkseg><trkpt lat=\"x\"".to_vec(), "broken.gpx")
        .await
        .expect("upload");
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = r.text().await.expect("page");
    assert!(
        text.contains("broken.gpx") && text.contains("GPX"),
        "{text}"
    );
    // A file of two tracks, the second without times: refused whole, the good one not kept.
    let good = gpx_ring(sx / n, sy / n, 900.0, 12, night);
    let timeless = "<trk><name>无时间</name><trkseg><trkpt lat=\"36.4\" lon=\"112.0\"></trkpt><trkpt lat=\"36.41\" lon=\"112.01\"></trkpt></trkseg></trk></gpx>";
    let two = good.replacen("</gpx>", timeless, 1);
    let r = upload(two.into_bytes(), "two.gpx").await.expect("upload");
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = r.text().await.expect("page");
    assert!(
        text.contains("two.gpx") && text.contains("第 2 条轨迹"),
        "{text}"
    );
    let (_, after) = json_of(
        office
            .get(format!("{}/api/v1/tracks", s.base))
            .send()
            .await
            .expect("tracks"),
    )
    .await;
    assert_eq!(
        before.as_array().map(Vec::len),
        after.as_array().map(Vec::len)
    );

    // The patrol form as the seed lays it out.
    let town = login_page(&s, "town01").await;
    let bytes = town
        .get(format!(
            "{}/patrols.xlsx?from=2026-05-18&to=2026-06-01",
            s.base
        ))
        .send()
        .await
        .expect("xlsx")
        .bytes()
        .await
        .expect("bytes");
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).expect("a real xlsx");
    assert_eq!(
        wb.sheet_names(),
        ["东川镇"],
        "a township sees its own sheet"
    );
    let sheet = wb.worksheet_range("东川镇").expect("sheet");
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(ToString::to_string).collect())
        .collect();
    assert!(rows[0][0].contains("隐患排查报表"), "{:?}", rows[0]);
    assert!(rows[1][0].starts_with("东川镇人民政府（盖章）"));
    assert_eq!(
        rows[2],
        [
            "序号",
            "村",
            "排查详细地址",
            "现场情况",
            "发现隐患",
            "整改措施",
            "包村干部签字",
            "村委负责人签字",
            "备注"
        ]
    );
    assert!(rows.len() > 10, "two weeks of the township's patrols");

    // Leads: the planted one is 西岭镇's; others see none or may not look.
    let (st, _) = json_of(
        village
            .get(format!("{}/api/v1/leads", s.base))
            .send()
            .await
            .expect("leads"),
    )
    .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (_, mine) = json_of(
        login(&s, "town01")
            .await
            .get(format!("{}/api/v1/leads", s.base))
            .send()
            .await
            .expect("leads"),
    )
    .await;
    assert_eq!(mine.as_array().map(Vec::len), Some(0));
    let west = login(&s, "town02").await;
    let (_, leads) = json_of(
        west.get(format!("{}/api/v1/leads", s.base))
            .send()
            .await
            .expect("leads"),
    )
    .await;
    let lead_id = leads[0]["id"].as_i64().expect("the planted lead");
    assert_eq!(
        leads[0]["evidence"]["reports"].as_array().map(Vec::len),
        Some(7)
    );
    let (st, answered) = json_of(
        west.post(format!("{}/api/v1/leads/{lead_id}/answer", s.base))
            .json(&json!({"answer": "网格员未深入沟内"}))
            .send()
            .await
            .expect("answer"),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{answered}");
    let inspector = login(&s, "inspector").await;
    let (st, done) = json_of(
        inspector
            .post(format!("{}/api/v1/leads/{lead_id}/conclusion", s.base))
            .json(&json!({"conclusion": "accountable", "note": "巡查流于形式"}))
            .send()
            .await
            .expect("conclude"),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{done}");
    assert_eq!(done["conclusion"], "accountable");
    // The case page tells the inspectors, and not the lead department, about the lead.
    let case_id = leads[0]["case_id"].as_i64().expect("case");
    let page = login_page(&s, "inspector")
        .await
        .get(format!("{}/cases/{case_id}", s.base))
        .send()
        .await
        .expect("case")
        .text()
        .await
        .expect("html");
    assert!(
        page.contains(&format!("/leads/{lead_id}")),
        "the inspector sees the lead"
    );
    let page = login_page(&s, "dept_natural_resources")
        .await
        .get(format!("{}/cases/{case_id}", s.base))
        .send()
        .await
        .expect("case")
        .text()
        .await
        .expect("html");
    assert!(
        page.contains("QL202605-001") && !page.contains("/leads/"),
        "the department sees the case, not the lead"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_public_tip_is_followed_and_its_tipster_seen_by_the_reward_officer_only() {
    let s = start().await;
    let phone = "13811112222";
    let citizen = client();
    let tip = json!({
        "channel": "wechat", "description": "后山夜里有人用挖掘机挖矿", "problem_kind": "unlicensed_mining",
        "lon": 112.0123, "lat": 36.4123, "address": "后山", "name": "李某", "phone": phone,
        "photos": [{"name": "site.png", "data": "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg=="}]
    });
    let (st, receipt) = json_of(
        citizen
            .post(format!("{}/api/v1/public/tips", s.base))
            .header("x-device-id", "wx-device-1")
            .json(&tip)
            .send()
            .await
            .expect("tip"),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{receipt}");
    let code = receipt["tracking_code"].as_str().expect("code").to_string();
    let secret = receipt["secret"].as_str().expect("secret").to_string();
    // A file that is not a picture is refused by its bytes, whatever its name.
    let (st, err) = json_of(
        citizen
            .post(format!("{}/api/v1/public/tips", s.base))
            .header("x-device-id", "wx-device-2")
            .json(&json!({"description": "另一处", "lon": 112.02, "lat": 36.42, "photos": [{"name": "x.jpg", "data": "aGVsbG8="}]}))
            .send()
            .await
            .expect("tip"),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["field"], "photo");
    // A phone photo with the tipster's GPS position in its EXIF: kept as sent, served to the
    // office without any metadata.
    let elsewhere = reqwest::Client::builder()
        .local_address(std::net::IpAddr::from([127, 0, 0, 5]))
        .build()
        .expect("client");
    let with_gps = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(include_bytes!(
            "../../store/tests/fixtures/photos/piexif.jpg"
        ))
    };
    let (st, r) = json_of(
        elsewhere
            .post(format!("{}/api/v1/public/tips", s.base))
            .header("x-device-id", "wx-device-gps")
            .json(
                &json!({"description": "河滩上有人连夜挖沙", "lon": 112.03, "lat": 36.43,
                "photos": [{"name": "me.jpg", "data": with_gps}]}),
            )
            .send()
            .await
            .expect("tip"),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{r}");
    let office = login(&s, "office").await;
    let (_, tips) = json_of(
        office
            .get(format!("{}/api/v1/tips", s.base))
            .send()
            .await
            .expect("tips"),
    )
    .await;
    let case_id = tips
        .as_array()
        .and_then(|a| a.iter().find(|t| t["description"] == "河滩上有人连夜挖沙"))
        .and_then(|t| t["case_id"].as_i64())
        .expect("the tip's case");
    let (_, case) = json_of(
        office
            .get(format!("{}/api/v1/cases/{case_id}", s.base))
            .send()
            .await
            .expect("case"),
    )
    .await;
    let sha = case["clues"][0]["attachments"][0]
        .as_str()
        .expect("the photo")
        .to_string();
    let served = office
        .get(format!("{}/api/v1/attachments/{sha}", s.base))
        .send()
        .await
        .expect("photo")
        .bytes()
        .await
        .expect("bytes");
    let read = minewatch_store::photo::analyse(&served);
    assert!(read.analysed(), "still a picture");
    assert_eq!(
        (read.lat, read.lon, read.taken_at.as_deref()),
        (None, None, None)
    );
    assert!(
        read.unread.iter().any(|u| u.code() == "no_exif"),
        "served without EXIF: {read:?}"
    );
    // Picture bombs — 83-byte PNGs claiming 20,000 × 20,000 pixels each — are measured from
    // their headers and refused at once, before any is decoded or a write slot is taken.
    let bomb = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(include_bytes!(
            "../../store/tests/fixtures/photos/bomb_20000.png"
        ))
    };
    let started = std::time::Instant::now();
    let (st, err) = json_of(
        citizen
            .post(format!("{}/api/v1/public/tips", s.base))
            .header("x-device-id", "wx-device-3")
            .json(&json!({"description": "炸弹", "lon": 112.02, "lat": 36.42,
                "photos": [{"name": "a.png", "data": bomb}, {"name": "b.png", "data": bomb}]}))
            .send()
            .await
            .expect("tip"),
    )
    .await;
    assert_eq!(
        (st, err["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("photo")),
        "{err}"
    );
    eprintln!("two picture bombs refused in {:?}", started.elapsed());
    // The tipster follows it with the code and the secret; a wrong secret learns nothing.
    let (st, progress) = json_of(
        citizen
            .post(format!("{}/api/v1/public/tips/track", s.base))
            .json(&json!({"code": code, "secret": secret}))
            .send()
            .await
            .expect("track"),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(progress["steps"][0]["code"], "received");
    assert!(
        !progress.to_string().contains("QL-2026"),
        "no case number for the public"
    );
    let (st, _) = json_of(
        citizen
            .post(format!("{}/api/v1/public/tips/track", s.base))
            .json(&json!({"code": code, "secret": "WRONGSEC"}))
            .send()
            .await
            .expect("track"),
    )
    .await;
    assert_eq!(st, StatusCode::NOT_FOUND);

    // The office sees it routed with its clock; the phone number is nowhere but with the
    // reward officer — not in the tips list, the case, the ledger export or the pages.
    let office = login(&s, "office").await;
    let (_, tips) = json_of(
        office
            .get(format!("{}/api/v1/tips", s.base))
            .send()
            .await
            .expect("tips"),
    )
    .await;
    let row = tips
        .as_array()
        .expect("tips")
        .iter()
        .find(|t| t["tracking_code"] == code.as_str())
        .expect("the tip")
        .clone();
    let (tip_id, case_id) = (
        row["id"].as_i64().expect("id"),
        row["case_id"].as_i64().expect("case"),
    );
    assert_eq!(
        row["accept_by"], "2026-06-02",
        "Monday 1 June: the next working day"
    );
    for user in [
        "office",
        "town01",
        "inspector",
        "dept_natural_resources",
        "admin",
    ] {
        let c = login(&s, user).await;
        for path in [
            "/api/v1/tips".to_string(),
            format!("/api/v1/cases/{case_id}"),
            "/api/v1/cases?per_page=500".to_string(),
        ] {
            let text = c
                .get(format!("{}{path}", s.base))
                .send()
                .await
                .expect("get")
                .text()
                .await
                .expect("text");
            assert!(!text.contains(phone), "{user} {path}");
        }
        let page = login_page(&s, user).await;
        for path in [
            format!("/tips/{tip_id}"),
            format!("/cases/{case_id}"),
            "/tips".to_string(),
        ] {
            let text = page
                .get(format!("{}{path}", s.base))
                .send()
                .await
                .expect("page")
                .text()
                .await
                .expect("html");
            assert!(!text.contains(phone), "{user} {path}");
        }
        let (st, _) = json_of(
            c.post(format!("{}/api/v1/tips/{tip_id}/tipster", s.base))
                .json(&json!({"purpose": "看看"}))
                .send()
                .await
                .expect("tipster"),
        )
        .await;
        assert_eq!(st, StatusCode::FORBIDDEN, "{user}");
    }
    let reward = login(&s, "reward").await;
    let (st, who) = json_of(
        reward
            .post(format!("{}/api/v1/tips/{tip_id}/tipster", s.base))
            .json(&json!({"purpose": "核定奖励"}))
            .send()
            .await
            .expect("tipster"),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(who["phone"], phone);
    let inspector = login_page(&s, "inspector").await;
    let log = inspector
        .get(format!("{}/tips/identity-log", s.base))
        .send()
        .await
        .expect("log")
        .text()
        .await
        .expect("html");
    assert!(
        log.contains("核定奖励") && log.contains("举报奖励专员"),
        "the view is logged with its purpose"
    );

    // A flood from one address is answered clearly, with when to retry.
    let mut limited = None;
    for n in 0..10 {
        let r = citizen
            .post(format!("{}/api/v1/public/tips", s.base))
            .header("x-device-id", format!("flood-{n}"))
            .json(&json!({"description": format!("第{n}条"), "lon": 112.0123, "lat": 36.4123}))
            .send()
            .await
            .expect("tip");
        if r.status() == StatusCode::TOO_MANY_REQUESTS {
            let retry: u64 = r.headers()["retry-after"]
                .to_str()
                .expect("header")
                .parse()
                .expect("seconds");
            let body: Value = r.json().await.expect("json");
            limited = Some((n, retry, body));
            break;
        }
    }
    let (n, retry, body) = limited.expect("the address limit is reached");
    assert_eq!(
        n, 2,
        "five attempts from one address (the three above counted), then refused"
    );
    assert!(retry >= 1);
    assert_eq!(body["code"], "rate_limited");
    assert!(
        body["message"]
            .as_str()
            .expect("message")
            .contains("秒后再试")
    );

    // Look-backs are a township's tasks; its recurrences are counted on the same page.
    let town = login_page(&s, "town01").await;
    let r = town
        .get(format!("{}/lookbacks", s.base))
        .send()
        .await
        .expect("page");
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.expect("html");
    assert!(html.contains("死灰复燃") && html.contains("东川镇"));
    let (st, lb) = json_of(
        login(&s, "town01")
            .await
            .get(format!("{}/api/v1/lookbacks", s.base))
            .send()
            .await
            .expect("api"),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        lb["by_township"].as_array().is_some_and(|t| t.len() == 1),
        "a township sees its own record"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_cross_site_request_changes_nothing() {
    let s = start().await;
    let page = login_page(&s, "office").await;
    let host = s.base.trim_start_matches("http://").to_string();
    let (_, before) = json_of(
        page.get(format!("{}/api/v1/cases?per_page=1", s.base))
            .send()
            .await
            .expect("list"),
    )
    .await;
    let case = before["cases"][0]["id"].as_i64().expect("a case");
    // A form on another site posting into minewatch with the user's cookie.
    let r = page
        .post(format!("{}/cases/{case}/act", s.base))
        .header("origin", "https://evil.example")
        .form(&[("action", "note"), ("note", "forged")])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = page
        .post(format!("{}/cases/{case}/act", s.base))
        .header("sec-fetch-site", "cross-site")
        .form(&[("action", "note"), ("note", "forged")])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // The JSON API takes a cookie request only as JSON: text/plain is what a foreign form
    // could send.
    let r = page
        .post(format!("{}/api/v1/clues", s.base))
        .header("content-type", "text/plain")
        .header("origin", format!("http://{host}"))
        .body(r#"{"source":"tip"}"#)
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let (_, after) = json_of(
        page.get(format!("{}/api/v1/cases/{case}", s.base))
            .send()
            .await
            .expect("case"),
    )
    .await;
    assert!(!after.to_string().contains("forged"), "nothing was written");
    // From its own pages the request passes the guard (whatever the case's rules then say).
    let r = page
        .post(format!("{}/cases/{case}/act", s.base))
        .header("origin", format!("http://{host}"))
        .multipart(
            reqwest::multipart::Form::new()
                .text("action", "note")
                .text("note", "own page"),
        )
        .send()
        .await
        .expect("post");
    assert_ne!(r.status(), StatusCode::FORBIDDEN);
    let html = page.get(format!("{}/", s.base)).send().await.expect("home");
    assert_eq!(html.headers()["x-frame-options"], "DENY");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_in_sends_the_user_only_to_this_site() {
    let s = start().await;
    let c = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    for (next, expected) in [
        ("/\t/evil.example/x", "/"),
        ("/\n", "/"),
        ("//evil.example", "/"),
        ("https://evil.example/", "/"),
        ("/cases?page=2", "/cases?page=2"),
    ] {
        let r = c
            .post(format!("{}/login", s.base))
            .form(&[
                ("username", "office"),
                ("password", demo::DEMO_PASSWORD),
                ("next", next),
            ])
            .send()
            .await
            .expect("login");
        assert!(r.status().is_redirection(), "{next:?}: {}", r.status());
        assert_eq!(r.headers()["location"], expected, "{next:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answer_carries_a_request_id() {
    let s = start().await;
    let r = client()
        .get(format!("{}/healthz", s.base))
        .send()
        .await
        .expect("health");
    let id = r.headers()["x-request-id"]
        .to_str()
        .expect("ascii")
        .to_string();
    assert_eq!(id.len(), 36, "a UUID: {id}");
    // One a proxy set is kept, so both logs name the same request.
    let r = client()
        .get(format!("{}/api/v1/me", s.base))
        .header("x-request-id", "proxy-7f3a")
        .send()
        .await
        .expect("me");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(r.headers()["x-request-id"], "proxy-7f3a");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_to_do_list_opens_the_forms_it_names() {
    let s = start().await;
    let c = login(&s, "town01").await;
    let items: Vec<serde_json::Value> = c
        .get(format!("{}/api/v1/todo", s.base))
        .send()
        .await
        .expect("todo")
        .json()
        .await
        .expect("json");
    assert!(!items.is_empty(), "the demo township has work to do");
    let page = c
        .get(format!("{}/todo", s.base))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("text");
    assert!(page.contains("我的待办"));
    // Every item of the page is a link to a page the township may open.
    let mut opened = 0;
    for item in items.iter().take(12) {
        let id = item["subject_id"].as_i64().expect("id");
        let path = match item["kind"].as_str().expect("kind") {
            "file_zero_report" => "/daily".to_string(),
            "file_dispatch" => format!("/dispatch?week={}", item["due_on"].as_str().expect("due")),
            k if k.ends_with("_case") || k == "look_back" || k == "finish_rectification" => {
                format!("/cases/{id}")
            }
            k if k.ends_with("_evidence") => format!("/patches/{id}"),
            k if k.ends_with("_patrol") => format!("/patrols/{id}"),
            k if k.ends_with("_tip") => format!("/tips/{id}"),
            k if k.ends_with("_lead") => format!("/leads/{id}"),
            k => panic!("unexpected kind {k}"),
        };
        assert!(
            page.contains(&format!("href=\"{path}\"")),
            "{path} on the page"
        );
        let r = c
            .get(format!("{}{path}", s.base))
            .send()
            .await
            .expect("open");
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        opened += 1;
    }
    assert!(opened > 0);
    let home = c
        .get(format!("{}/", s.base))
        .send()
        .await
        .expect("dashboard")
        .text()
        .await
        .expect("text");
    assert!(
        home.contains("我的待办"),
        "the dashboard starts with the to-do"
    );
    // The 未办结 tile opens exactly the open cases it counts.
    assert!(home.contains("href=\"/ledger?open=1\""));
    let dashboard: serde_json::Value = c
        .get(format!("{}/api/v1/dashboard", s.base))
        .send()
        .await
        .expect("dashboard")
        .json()
        .await
        .expect("json");
    let open: serde_json::Value = c
        .get(format!("{}/api/v1/cases?open=1&per_page=500", s.base))
        .send()
        .await
        .expect("open cases")
        .json()
        .await
        .expect("json");
    assert_eq!(open["total"], dashboard["open"]);
    let cases = open["cases"].as_array().expect("cases");
    assert!(!cases.is_empty());
    assert!(
        cases
            .iter()
            .all(|c| !["closed", "unfounded"].contains(&c["status"].as_str().unwrap_or("closed"))),
        "only open cases"
    );
    // An error page is drawn inside the user's own frame, with the user's menu.
    let r = c
        .get(format!("{}/cases/999999", s.base))
        .send()
        .await
        .expect("missing");
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let body = r.text().await.expect("text");
    assert!(
        body.contains("href=\"/ledger\"") && body.contains("role=\"alert\""),
        "{body}"
    );
}
