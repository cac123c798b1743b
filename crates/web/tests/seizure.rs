//! Confiscated products over HTTP on the demo county (Monday 1 June 2026): a township seals a
//! lot from its page (refused with the reason and its text kept while the quantity is not a
//! number); the pricing office prices it, another department may not; the county office
//! records its sale; the money is totalled by township in fen and shown in 万元.

mod common;

use common::{json_of, login, login_page, start};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn lots(c: &reqwest::Client, s: &common::Server) -> Vec<Value> {
    let (status, body) = json_of(
        c.get(format!("{}/api/v1/seizures", s.base))
            .send()
            .await
            .expect("lots"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body.as_array().expect("lots").clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lot_is_sealed_priced_and_sold_over_http() {
    let s = start().await;
    let office = login(&s, "office").await;
    let town = login(&s, "town01").await;
    let town_page = login_page(&s, "town01").await;
    let pricing = login(&s, "dept_pricing").await;
    let other = login(&s, "dept_natural_resources").await;
    let (_, cases) = json_of(
        town.get(format!(
            "{}/api/v1/cases?status=rectifying&per_page=1",
            s.base
        ))
        .send()
        .await
        .expect("cases"),
    )
    .await;
    let number = cases["cases"][0]["number"]
        .as_str()
        .expect("a rectifying case of the township")
        .to_string();
    let before = lots(&office, &s).await.len();

    let form = |quantity: &'static str| {
        vec![
            ("case_number", number.clone()),
            ("mineral", "河砂".to_string()),
            ("quantity", quantity.to_string()),
            ("unit", "吨".to_string()),
            ("place", "村委会院内".to_string()),
            ("sealed_on", "2026-05-29".to_string()),
        ]
    };
    let r = town_page
        .post(format!("{}/seizures", s.base))
        .form(&form("一百吨"))
        .send()
        .await
        .expect("seal");
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.expect("text");
    assert!(
        page.contains("数量应为正数") && page.contains("村委会院内"),
        "{page}"
    );
    let r = town_page
        .post(format!("{}/seizures", s.base))
        .form(&form("88.5"))
        .send()
        .await
        .expect("seal");
    assert_eq!(r.status(), StatusCode::OK);
    let all = lots(&office, &s).await;
    assert_eq!(all.len(), before + 1);
    let lot = all
        .iter()
        .find(|l| l["case_number"] == number.as_str() && l["quantity_milli"] == 88_500)
        .expect("the new lot");
    let id = lot["id"].as_i64().expect("id");
    // Sealed Friday 29 May: two working days on is Tuesday 2 June.
    assert_eq!(lot["price_due_on"], "2026-06-02");
    assert_eq!(lot["standing"], "awaiting_price");

    let price = async |c: &reqwest::Client| {
        c.post(format!("{}/api/v1/seizures/{id}/price", s.base))
            .json(&json!({"price_fen": 885_000, "document": "发改价认〔2026〕12号"}))
            .send()
            .await
            .expect("price")
            .status()
    };
    assert_eq!(price(&other).await, StatusCode::FORBIDDEN);
    assert_eq!(price(&town).await, StatusCode::FORBIDDEN);
    assert_eq!(price(&pricing).await, StatusCode::NO_CONTENT);
    assert_eq!(
        price(&pricing).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "priced once"
    );

    let sell = |c: &reqwest::Client| {
        c.post(format!("{}/api/v1/seizures/{id}/dispose", s.base))
            .json(&json!({"platform_lot": "GGZY-2026-045", "disposed_on": "2026-06-01", "proceeds_fen": 870_000}))
            .send()
    };
    assert_eq!(
        sell(&town).await.expect("sell").status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        sell(&office).await.expect("sell").status(),
        StatusCode::NO_CONTENT
    );
    let sold = lots(&town, &s).await;
    let sold = sold.iter().find(|l| l["id"] == id).expect("the lot");
    assert_eq!(sold["standing"], "disposed");

    let (_, totals) = json_of(
        town.get(format!("{}/api/v1/seizures/totals", s.base))
            .send()
            .await
            .expect("totals"),
    )
    .await;
    let lines = totals["by_township"].as_array().expect("lines");
    assert_eq!(lines.len(), 1, "a township sees its own money: {totals}");
    assert!(lines[0]["proceeds_fen"].as_i64().expect("proceeds") >= 870_000);
    // The same money by department adds up to the same sums.
    let sum = |key: &str, field: &str| {
        totals[key]
            .as_array()
            .expect("lines")
            .iter()
            .map(|l| l[field].as_i64().unwrap_or(0))
            .sum::<i64>()
    };
    for field in ["fine_fen", "confiscation_fen", "proceeds_fen"] {
        assert_eq!(
            sum("by_department", field),
            sum("by_township", field),
            "{field}: {totals}"
        );
    }
    let page = town_page
        .get(format!("{}/seizures", s.base))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("text");
    assert!(page.contains("GGZY-2026-045") && page.contains("万元"));
    assert!(page.contains("罚没及处置收入（按部门）"), "{page}");
    let village = login(&s, "village01").await;
    let r = village
        .post(format!("{}/api/v1/seizures", s.base))
        .json(&json!({"case_id": 1, "mineral": "x", "quantity": "1", "unit": "吨", "place": "x", "sealed_on": "2026-05-30"}))
        .send()
        .await
        .expect("village");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}
