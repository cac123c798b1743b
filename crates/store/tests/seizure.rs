//! Confiscated products in the store, on SQLite and PostgreSQL: 甲镇 seals 120.5 吨 of sand on
//! Friday 8 May, so its price falls due on Tuesday 12 May (two working days); on Wednesday it
//! shows overdue until the pricing office determines it; the county office then records the
//! sale on the trading platform; the money is totalled by township and month. Others may not
//! price or sell, and nothing is sold before its price.

use minewatch_core::seizure::LotStanding;
use minewatch_core::todo::{TodoItem, TodoKind};
use minewatch_core::{CaseAction, ClueSource, ProblemKind, Role, Severity};
use minewatch_store::{NewClue, NewLot, StoreError};

#[macro_use]
mod common;
use common::{day, on, open_store};

async fn a_lot_is_sealed_priced_and_sold(pg: bool) {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, _) = open_store(pg, &dir).await;
    let common::TestCounty {
        county,
        t_jia,
        t_yi,
        v1,
        ..
    } = common::test_county(&store).await;
    let pricing = store
        .departments(county)
        .await
        .expect("departments")
        .into_iter()
        .find(|d| d.code == "pricing")
        .expect("the pricing office")
        .id;
    let other_dept = store
        .departments(county)
        .await
        .expect("departments")
        .into_iter()
        .find(|d| d.code == "natural_resources")
        .expect("natural resources")
        .id;
    let office = common::user(
        &store,
        county,
        "office",
        Role::CountyOffice,
        None,
        None,
        None,
        on(4, 1),
    )
    .await;
    let town_jia = common::user(
        &store,
        county,
        "tj",
        Role::Township,
        Some(t_jia),
        None,
        None,
        on(4, 1),
    )
    .await;
    let town_yi = common::user(
        &store,
        county,
        "ty",
        Role::Township,
        Some(t_yi),
        None,
        None,
        on(4, 1),
    )
    .await;
    let pricer = common::user(
        &store,
        county,
        "fg",
        Role::Department,
        None,
        None,
        Some(pricing),
        on(4, 1),
    )
    .await;
    let nr = common::user(
        &store,
        county,
        "zr",
        Role::Department,
        None,
        None,
        Some(other_dept),
        on(4, 1),
    )
    .await;

    let case = store
        .file_clue(
            &office,
            &NewClue {
                source: ClueSource::Patrol,
                township_id: t_jia,
                village_id: Some(v1),
                address: "河滩".into(),
                lon: Some(112.02),
                lat: Some(36.02),
                observed_at: None,
                description: "河道非法采砂".into(),
                problem_kind: ProblemKind::RiverSand,
                severity: Severity::General,
                reporter_name: String::new(),
                reporter_phone: String::new(),
                attachments: Vec::new(),
            },
            on(5, 7),
        )
        .await
        .expect("clue")
        .case_id;
    store
        .apply_action(
            &office,
            case,
            &CaseAction::Verify {
                founded: true,
                note: "属实".into(),
            },
            &[],
            on(5, 8),
        )
        .await
        .expect("verify");

    let lot = |q: &str, sealed_on| NewLot {
        case_id: case.0,
        mineral: "河砂".into(),
        quantity: q.into(),
        unit: "吨".into(),
        place: "村委会院内".into(),
        sealed_on,
    };
    let field = |r: Result<i64, StoreError>| match r {
        Err(StoreError::Invalid { field, .. }) => field,
        other => panic!("expected a refusal naming a field, got {other:?}"),
    };
    assert_eq!(
        field(
            store
                .record_lot(&town_jia, &lot("一百吨", Some(day(5, 8))), on(5, 8))
                .await
        ),
        "quantity"
    );
    assert_eq!(
        field(
            store
                .record_lot(&town_jia, &lot("120.5", Some(day(5, 9))), on(5, 8))
                .await
        ),
        "sealed_on"
    );
    assert!(matches!(
        store
            .record_lot(&town_yi, &lot("120.5", Some(day(5, 8))), on(5, 8))
            .await,
        Err(StoreError::NotFound { .. })
    ));
    let id = store
        .record_lot(&town_jia, &lot("120.5", Some(day(5, 8))), on(5, 8))
        .await
        .expect("sealed");
    let lots = store.lots(&pricer, on(5, 12)).await.expect("lots");
    assert_eq!(lots.len(), 1, "the pricing office sees every lot");
    assert_eq!(
        lots[0].price_due_on,
        day(5, 12),
        "Friday + two working days"
    );
    assert_eq!(lots[0].quantity_milli, 120_500);
    assert_eq!(lots[0].standing, LotStanding::AwaitingPrice);
    assert_eq!(
        store.lots(&pricer, on(5, 13)).await.expect("lots")[0].standing,
        LotStanding::PriceOverdue
    );
    // On the pricing office's to-do, due Tuesday; not on another department's.
    let kinds = |items: Vec<TodoItem>| -> Vec<(TodoKind, Option<chrono::NaiveDate>)> {
        items
            .into_iter()
            .filter(|i| {
                i.subject_id == id && matches!(i.kind, TodoKind::PriceLot | TodoKind::DisposeLot)
            })
            .map(|i| (i.kind, i.due_on))
            .collect()
    };
    assert_eq!(
        kinds(store.todo(&pricer, on(5, 13)).await.expect("todo")),
        [(TodoKind::PriceLot, Some(day(5, 12)))]
    );
    assert!(kinds(store.todo(&nr, on(5, 13)).await.expect("todo")).is_empty());
    assert!(
        kinds(store.todo(&office, on(5, 13)).await.expect("todo")).is_empty(),
        "the office does not price"
    );
    assert!(
        store
            .lots(&town_yi, on(5, 13))
            .await
            .expect("lots")
            .is_empty()
    );

    // Only the pricing office (or the county office) prices; nothing is sold before.
    assert!(matches!(
        store
            .dispose_lot(
                &office,
                id,
                "GGZY-2026-031",
                Some(day(5, 13)),
                1_000_000,
                on(5, 13)
            )
            .await,
        Err(StoreError::Invalid { field: "id", .. })
    ));
    assert!(matches!(
        store
            .price_lot(&nr, id, 1_205_000, "发改价认〔2026〕7号", on(5, 13))
            .await,
        Err(StoreError::Forbidden(_))
    ));
    assert!(matches!(
        store
            .price_lot(&pricer, id, 1_205_000, " ", on(5, 13))
            .await,
        Err(StoreError::Invalid {
            field: "document",
            ..
        })
    ));
    store
        .price_lot(&pricer, id, 1_205_000, "发改价认〔2026〕7号", on(5, 13))
        .await
        .expect("priced");
    assert!(matches!(
        store.price_lot(&pricer, id, 1, "again", on(5, 13)).await,
        Err(StoreError::Invalid { field: "id", .. })
    ));
    assert_eq!(
        store.lots(&office, on(5, 14)).await.expect("lots")[0].standing,
        LotStanding::Priced
    );
    assert_eq!(
        kinds(store.todo(&office, on(5, 14)).await.expect("todo")),
        [(TodoKind::DisposeLot, None)]
    );
    assert!(kinds(store.todo(&pricer, on(5, 14)).await.expect("todo")).is_empty());
    assert!(matches!(
        store
            .dispose_lot(
                &town_jia,
                id,
                "GGZY-2026-031",
                Some(day(5, 20)),
                1_180_000,
                on(5, 20)
            )
            .await,
        Err(StoreError::Forbidden(_))
    ));
    store
        .dispose_lot(
            &office,
            id,
            "GGZY-2026-031",
            Some(day(5, 20)),
            1_180_000,
            on(5, 20),
        )
        .await
        .expect("sold");
    let sold = &store.lots(&town_jia, on(5, 21)).await.expect("lots")[0];
    assert_eq!(sold.standing, LotStanding::Disposed);
    assert!(kinds(store.todo(&office, on(5, 21)).await.expect("todo")).is_empty());
    assert_eq!(sold.proceeds_fen, Some(1_180_000));

    // A fine in May, the proceeds in May: totalled by township and by month.
    store
        .apply_action(
            &office,
            case,
            &CaseAction::Decide {
                decision: minewatch_core::Decision::Ban,
                measures: "取缔".into(),
                deadline: day(6, 30),
                responsible_unit: "甲镇人民政府".into(),
                responsible_person: "张某".into(),
            },
            &[],
            on(5, 21),
        )
        .await
        .expect("decide");
    store
        .apply_action(
            &office,
            case,
            &CaseAction::Penalty {
                fine_fen: 5_000_000,
                confiscation_fen: 1_205_000,
                document_no: "罚字12号".into(),
            },
            &[],
            on(5, 22),
        )
        .await
        .expect("penalty");
    let totals = store.money_totals(&office, on(6, 1)).await.expect("totals");
    let (by_township, by_month) = (&totals.by_township, &totals.by_month);
    // By department: the money is all there, under the case's lead department (the county
    // office recorded the penalty), the fine and the proceeds alike.
    let lead = store
        .case_detail(&office, case, day(6, 1))
        .await
        .expect("case")
        .case
        .lead_department;
    let dept = totals
        .by_department
        .iter()
        .find(|l| l.name == lead)
        .expect("the lead department's line");
    assert_eq!(
        (dept.fine_fen, dept.confiscation_fen, dept.proceeds_fen),
        (5_000_000, 1_205_000, 1_180_000)
    );
    assert_eq!(
        totals.by_department.iter().map(|l| l.fine_fen).sum::<i64>(),
        5_000_000
    );
    let jia = by_township.iter().find(|l| l.name == "甲镇").expect("甲镇");
    assert_eq!(
        (jia.fine_fen, jia.confiscation_fen, jia.proceeds_fen),
        (5_000_000, 1_205_000, 1_180_000)
    );
    let may = by_month.iter().find(|l| l.name == "2026-05").expect("May");
    assert_eq!(may.fine_fen, 5_000_000);
    assert_eq!(may.proceeds_fen, 1_180_000);
    let yi_view = store
        .money_totals(&town_yi, on(6, 1))
        .await
        .expect("totals");
    assert!(
        yi_view.by_township.is_empty() && yi_view.by_department.is_empty(),
        "乙街道 sees none of 甲镇's money"
    );
}

on_both!(a_lot_is_sealed_priced_and_sold);
