//! The demo's confiscated products: three lots on rectifying cases — one sold through the
//! trading platform, one priced and waiting for sale, one whose price is overdue.

use chrono::{DateTime, Duration, Utc};
use minewatch_core::clock::local_date;

use crate::{Actor, CaseFilter, NewLot, Result, Store};

pub(super) async fn lots(store: &Store, office: &Actor, now: DateTime<Utc>) -> Result<()> {
    let today = local_date(now);
    let cases = store
        .list_cases(
            office,
            &CaseFilter {
                status: Some(minewatch_core::CaseStatus::Rectifying),
                ..CaseFilter::default()
            },
            today,
            1,
            3,
        )
        .await?
        .0;
    let plan = [
        (
            "河砂",
            "120.5",
            12,
            Some(("发改价认〔2026〕7号", 1_205_000_i64)),
            Some(("GGZY-2026-031", 1_180_000_i64)),
        ),
        (
            "煤",
            "36",
            8,
            Some(("发改价认〔2026〕9号", 2_160_000)),
            None,
        ),
        ("石料", "80", 6, None, None),
    ];
    for (case, (mineral, quantity, days_ago, price, sale)) in cases.iter().zip(plan) {
        let sealed_on = today - Duration::days(days_ago);
        let at = now - Duration::days(days_ago);
        let id = store
            .record_lot(
                office,
                &NewLot {
                    case_id: case.id.0,
                    mineral: mineral.into(),
                    quantity: quantity.into(),
                    unit: "吨".into(),
                    place: format!("{}村委会院内", case.village),
                    sealed_on: Some(sealed_on),
                },
                at,
            )
            .await?;
        if let Some((document, fen)) = price {
            store
                .price_lot(office, id, fen, document, at + Duration::days(1))
                .await?;
        }
        if let Some((lot, fen)) = sale {
            store
                .dispose_lot(
                    office,
                    id,
                    lot,
                    Some(sealed_on + Duration::days(5)),
                    fen,
                    at + Duration::days(5),
                )
                .await?;
        }
    }
    Ok(())
}
