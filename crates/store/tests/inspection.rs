//! 督导检查 in the store, on SQLite and PostgreSQL: the county office records a 四不两直 visit
//! to 甲镇; the inspectors file what it found, which becomes a case of the source 上级督察交办
//! in 甲镇 (and the ranking counts it against the township); a finding without a place is
//! refused with nothing stored; 甲镇 reads its own visits only and records none.

use minewatch_core::inspection::InspectionKind;
use minewatch_core::{ClueSource, ProblemKind, Role, Severity};
use minewatch_store::{NewClue, NewInspection, StoreError};

#[macro_use]
mod common;
use common::{day, on, open_store};

fn finding(address: &str, lon: Option<f64>) -> NewClue {
    NewClue {
        // Whatever the form says, a visit's finding is the inspectors'.
        source: ClueSource::Patrol,
        township_id: 0,
        village_id: None,
        address: address.into(),
        lon,
        lat: lon.map(|_| 36.02),
        observed_at: None,
        description: "河道内有新鲜采挖痕迹，村报告为零".into(),
        problem_kind: ProblemKind::RiverSand,
        severity: Severity::Key,
        reporter_name: String::new(),
        reporter_phone: String::new(),
        attachments: Vec::new(),
    }
}

async fn a_visit_finds_a_case_the_reports_hid(pg: bool) {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, _) = open_store(pg, &dir).await;
    let common::TestCounty {
        county,
        t_jia,
        t_yi,
        ..
    } = common::test_county(&store).await;
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
    let inspector = common::user(
        &store,
        county,
        "jw",
        Role::Inspector,
        None,
        None,
        None,
        on(4, 1),
    )
    .await;
    let jia = common::user(
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
    let yi = common::user(
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

    let visit = |township_id, visited_on| NewInspection {
        township_id,
        kind: InspectionKind::Unannounced,
        visited_on: Some(visited_on),
        team: "县专项行动第二督导组".into(),
        places: "甲镇一村河道、二村旧矿口".into(),
        summary: "一村河道有新鲜采挖痕迹，网格日报告为零".into(),
    };
    let field = |r: Result<i64, StoreError>| match r {
        Err(StoreError::Invalid { field, .. }) => field,
        other => panic!("expected a refusal naming a field, got {other:?}"),
    };
    assert_eq!(
        field(
            store
                .record_inspection(&office, &visit(t_jia, day(5, 12)), on(5, 11))
                .await
        ),
        "visited_on"
    );
    assert_eq!(
        field(
            store
                .record_inspection(&office, &visit(987_654, day(5, 10)), on(5, 11))
                .await
        ),
        "township"
    );
    assert_eq!(
        field(
            store
                .record_inspection(
                    &office,
                    &NewInspection {
                        team: " ".into(),
                        ..visit(t_jia, day(5, 10))
                    },
                    on(5, 11)
                )
                .await
        ),
        "team"
    );
    assert!(matches!(
        store
            .record_inspection(&jia, &visit(t_jia, day(5, 10)), on(5, 11))
            .await,
        Err(StoreError::Forbidden(_))
    ));
    let id = store
        .record_inspection(&office, &visit(t_jia, day(5, 10)), on(5, 11))
        .await
        .expect("recorded");

    // No place: refused, and the visit found nothing.
    assert!(matches!(
        store
            .add_inspection_finding(&inspector, id, &finding("", None), on(5, 11))
            .await,
        Err(StoreError::Invalid {
            field: "address",
            ..
        })
    ));
    assert!(matches!(
        store
            .add_inspection_finding(
                &inspector,
                987_654,
                &finding("一村河道", Some(112.02)),
                on(5, 11)
            )
            .await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        store
            .add_inspection_finding(&jia, id, &finding("一村河道", Some(112.02)), on(5, 11))
            .await,
        Err(StoreError::Forbidden(_))
    ));
    let before = store.inspections(&office).await.expect("list");
    assert!(before[0].findings.is_empty());

    let out = store
        .add_inspection_finding(
            &inspector,
            id,
            &finding("一村河道", Some(112.02)),
            on(5, 11),
        )
        .await
        .expect("filed");
    let case = store
        .case_detail(&office, out.case_id, day(5, 11))
        .await
        .expect("case");
    assert_eq!(case.case.source, ClueSource::SuperiorInspection.code());
    assert_eq!(case.case.township_id, t_jia);

    let list = store.inspections(&office).await.expect("list");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].kind, InspectionKind::Unannounced);
    assert_eq!(list[0].findings.len(), 1);
    assert_eq!(list[0].findings[0].number, out.case_number);
    // The township visited reads it; another township does not.
    assert_eq!(store.inspections(&jia).await.expect("own").len(), 1);
    assert!(store.inspections(&yi).await.expect("other").is_empty());
}

on_both!(a_visit_finds_a_case_the_reports_hid);
