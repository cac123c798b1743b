//! The OpenAPI document as integrators read it: compared with its committed snapshot, so any
//! change to the contract shows in review; and, for the operations documented from their
//! handlers, schemas for every request and answer and the status codes the server really
//! gives.

mod common;

use common::{client, json_of, login, org_ids, start};
use reqwest::StatusCode;
use serde_json::{Value, json};

const SNAPSHOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots/openapi.json");

async fn document(s: &common::Server) -> Value {
    client()
        .get(format!("{}/api/openapi.json", s.base))
        .send()
        .await
        .expect("document")
        .json()
        .await
        .expect("json")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_document_matches_its_snapshot() {
    let s = start().await;
    let doc = document(&s).await;
    let text = serde_json::to_string_pretty(&doc).expect("text") + "\n";
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(SNAPSHOT, &text).expect("write the snapshot");
    }
    let want = std::fs::read_to_string(SNAPSHOT)
        .expect("the snapshot (write it with UPDATE_SNAPSHOTS=1 cargo test --test openapi)");
    assert!(
        text == want,
        "the API document differs from tests/snapshots/openapi.json: review the change, then \
         rerun with UPDATE_SNAPSHOTS=1 to accept it"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_carries_schemas_and_its_real_status_codes() {
    let s = start().await;
    let doc = document(&s).await;
    let paths = doc["paths"].as_object().expect("paths");
    let mut operations = 0;
    for (path, item) in paths {
        for (method, op) in item.as_object().expect("path item") {
            operations += 1;
            let responses = op["responses"].as_object().expect("responses");
            let (code, ok) = responses
                .iter()
                .find(|(code, _)| code.starts_with('2'))
                .unwrap_or_else(|| panic!("{method} {path} documents no success"));
            assert!(
                code == "204" || ok["content"].as_object().is_some_and(|c| !c.is_empty()),
                "{method} {path}: the success answer has no schema"
            );
            let open = op["security"]
                .as_array()
                .is_some_and(|r| r.iter().any(|r| r == &json!({})));
            if !open {
                assert_eq!(
                    responses["401"]["content"]["application/json"]["schema"]["$ref"],
                    "#/components/schemas/ErrorBody",
                    "{method} {path}: refusals carry the error body"
                );
            }
            assert!(responses.contains_key("500"), "{method} {path}: 500");
            if let Some(body) = op.get("requestBody") {
                let content = body["content"].as_object().expect("content");
                assert!(
                    content.values().all(|m| m["schema"].is_object()),
                    "{method} {path}: the request body has a schema"
                );
                assert!(responses.contains_key("422"), "{method} {path}: 422");
            } else {
                assert!(
                    !matches!(method.as_str(), "put"),
                    "{method} {path}: a PUT without a documented body"
                );
            }
        }
    }
    assert!(operations >= 57, "only {operations} operations documented");

    // Every enum's codes are listed: the problem kinds a clue may name, the statuses.
    let schemas = &doc["components"]["schemas"];
    let kinds = schemas["ProblemKind"]["enum"].as_array().expect("kinds");
    for k in minewatch_core::ProblemKind::ALL {
        assert!(kinds.contains(&json!(k.code())), "{} not listed", k.code());
    }
    let statuses = schemas["CaseStatus"]["enum"].as_array().expect("statuses");
    assert_eq!(statuses.len(), minewatch_core::CaseStatus::ALL.len());
    // Codes that rows carry as strings are listed too, from the lists the store checks.
    let reasons = schemas["VerificationReasonCode"]["enum"]
        .as_array()
        .expect("reasons");
    for r in minewatch_store::VerificationReason::ALL {
        assert!(
            reasons.contains(&json!(r.code())),
            "{} not listed",
            r.code()
        );
    }
    let classes = schemas["PatchClassCode"]["enum"]
        .as_array()
        .expect("classes");
    for c in minewatch_spatial::triage::PatchClass::ALL {
        assert!(
            classes.contains(&json!(c.code())),
            "{} not listed",
            c.code()
        );
    }
    assert_eq!(
        schemas["PatchRow"]["properties"]["class"]["$ref"],
        "#/components/schemas/PatchClassCode"
    );
    assert!(
        schemas["CaseAction"]["oneOf"]
            .as_array()
            .is_some_and(|v| v.len() > 10)
    );

    // The documented code is the one the server answers with.
    for path in [
        "/api/v1/clues",
        "/api/v1/zero-reports",
        "/api/v1/patrols",
        "/api/v1/tracks",
        "/api/v1/public/tips",
    ] {
        assert!(
            paths[path]["post"]["responses"]["201"].is_object(),
            "{path}"
        );
    }
    let office = login(&s, "office").await;
    let (t1, _, v1) = org_ids(&office, &s).await;
    let (status, out) = json_of(
        office
            .post(format!("{}/api/v1/clues", s.base))
            .json(
                &json!({"source": "tip", "township_id": t1, "village_id": v1, "address": "北沟",
                          "description": "夜间有车辆进出", "problem_kind": "unlicensed_mining"}),
            )
            .send()
            .await
            .expect("clue"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{out}");
    // A moment that is not RFC 3339 is refused by name, not stored as text.
    let (status, err) = json_of(
        office
            .post(format!("{}/api/v1/clues", s.base))
            .json(
                &json!({"source": "tip", "township_id": t1, "village_id": v1, "address": "北沟",
                          "description": "夜间有车辆进出", "problem_kind": "unlicensed_mining",
                          "observed_at": "昨晚十点"}),
            )
            .send()
            .await
            .expect("clue"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["field"], "observed_at");
    for key in ["clue_id", "case_id", "case_number", "merged"] {
        assert!(
            schemas["ClueOutcome"]["properties"][key].is_object(),
            "{key} is documented"
        );
        assert!(!out[key].is_null(), "{key} is answered");
    }
    let (status, page) = json_of(
        office
            .get(format!("{}/api/v1/cases?per_page=2", s.base))
            .send()
            .await
            .expect("cases"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    // A query parameter that does not parse is named like a body field.
    let (status, err) = json_of(
        office
            .get(format!("{}/api/v1/patrols?from=yesterday", s.base))
            .send()
            .await
            .expect("patrols"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["field"], "from");
    assert_eq!(err["code"], "invalid_field");
    for key in ["total", "page", "per_page", "cases"] {
        assert!(
            schemas["CasePage"]["properties"][key].is_object(),
            "{key} is documented"
        );
        assert!(!page[key].is_null(), "{key} is answered");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_page_serves_swagger_ui_from_minewatch_itself() {
    let s = start().await;
    let page = client()
        .get(format!("{}/api/docs", s.base))
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.expect("html");
    // Every asset the page loads is one of ours: no CDN, nothing fetched from outside.
    let assets: Vec<&str> = html
        .split(['"', '\''])
        .filter(|a| {
            std::path::Path::new(a)
                .extension()
                .is_some_and(|e| e == "js" || e == "css")
        })
        .collect();
    assert_eq!(assets.len(), 3, "{html}");
    for a in assets {
        assert!(a.starts_with("/static/"), "{a} is not served by minewatch");
        let r = client()
            .get(format!("{}{a}", s.base))
            .send()
            .await
            .expect("asset");
        assert_eq!(r.status(), StatusCode::OK, "{a}");
        let ty = r.headers()["content-type"]
            .to_str()
            .expect("type")
            .to_string();
        assert!(
            ty.starts_with(if a.ends_with("css") {
                "text/css"
            } else {
                "text/javascript"
            }),
            "{a}: {ty}"
        );
        assert!(!r.bytes().await.expect("body").is_empty(), "{a} is empty");
    }
    assert!(html.contains("id=\"api\""));
}
