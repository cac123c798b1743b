//! 黑名单 in the store, on SQLite and PostgreSQL: the county office lists a haulage firm and
//! its truck for a founded case (a registered one is refused, as is a plate not written as
//! one); a checkpoint finds the truck however its plate is written, and only that truck; the
//! transport bureau records its measure; lifted, the truck is found no more. Townships read
//! the list with ID numbers masked; checkpoints cannot read it at all.

use minewatch_core::blacklist::SubjectKind;
use minewatch_core::{CaseAction, ClueSource, ProblemKind, Role, Severity};
use minewatch_store::{NewClue, NewListing, StoreError};

#[macro_use]
mod common;
use common::{on, open_store};

fn clue(township_id: i64, village_id: i64, lon: f64) -> NewClue {
    NewClue {
        source: ClueSource::Checkpoint,
        township_id,
        village_id: Some(village_id),
        address: "检查站".into(),
        lon: Some(lon),
        lat: Some(36.02),
        observed_at: None,
        description: "无凭证运输矿石".into(),
        problem_kind: ProblemKind::RiverSand,
        severity: Severity::General,
        reporter_name: String::new(),
        reporter_phone: String::new(),
        attachments: Vec::new(),
    }
}

async fn a_truck_is_listed_checked_punished_and_lifted(pg: bool) {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, _) = open_store(pg, &dir).await;
    let common::TestCounty {
        county,
        t_jia,
        t_yi,
        v1,
        v3,
        ..
    } = common::test_county(&store).await;
    let departments = store.departments(county).await.expect("departments");
    let transport = departments
        .iter()
        .find(|d| d.code == "transport")
        .expect("transport")
        .id;
    let mk = |name: &'static str, role, t, d| {
        let store = store.clone();
        async move { common::user(&store, county, name, role, t, None, d, on(4, 1)).await }
    };
    let office = mk("office", Role::CountyOffice, None, None).await;
    let town = mk("town", Role::Township, Some(t_jia), None).await;
    let gate = mk("gate", Role::Checkpoint, None, None).await;
    let jt = mk("jt", Role::Department, None, Some(transport)).await;

    let founded = store
        .file_clue(&office, &clue(t_jia, v1, 112.02), on(5, 7))
        .await
        .expect("clue")
        .case_id;
    store
        .apply_action(
            &office,
            founded,
            &CaseAction::Verify {
                founded: true,
                note: "属实".into(),
            },
            &[],
            on(5, 8),
        )
        .await
        .expect("verify");
    let registered = store
        .file_clue(&office, &clue(t_yi, v3, 112.5), on(5, 8))
        .await
        .expect("clue")
        .case_id;
    let number = |id| {
        let store = store.clone();
        let office = office.clone();
        async move {
            store
                .case_detail(&office, id, common::day(5, 9))
                .await
                .expect("case")
                .case
                .number
        }
    };
    let (founded_no, registered_no) = (number(founded).await, number(registered).await);

    let truck = |plate: &str, cases: Vec<String>| NewListing {
        kind: SubjectKind::Vehicle,
        name: "重型自卸货车".into(),
        identifier: plate.into(),
        reason: "无合法来源凭证运输矿石".into(),
        cases,
        valid_until: None,
    };
    let field = |r: Result<i64, StoreError>| match r {
        Err(StoreError::Invalid { field, reason }) => (field, reason),
        other => panic!("expected a refusal naming a field, got {other:?}"),
    };
    // Refused, with the reason, and nothing listed.
    let (f, why) = field(
        store
            .list_on_blacklist(
                &office,
                &truck("晋A·12345", vec![registered_no.clone()]),
                on(5, 9),
            )
            .await,
    );
    assert_eq!(f, "cases");
    assert!(why.contains("not founded"), "{why}");
    assert_eq!(
        field(
            store
                .list_on_blacklist(
                    &office,
                    &truck("晋A·12345", vec!["QL-NONE".into()]),
                    on(5, 9)
                )
                .await
        )
        .0,
        "cases"
    );
    assert_eq!(
        field(
            store
                .list_on_blacklist(
                    &office,
                    &truck("A12345", vec![founded_no.clone()]),
                    on(5, 9)
                )
                .await
        )
        .0,
        "identifier"
    );
    assert_eq!(
        field(
            store
                .list_on_blacklist(&office, &truck("晋A12345", vec![]), on(5, 9))
                .await
        )
        .0,
        "cases"
    );
    assert!(matches!(
        store
            .list_on_blacklist(
                &town,
                &truck("晋A12345", vec![founded_no.clone()]),
                on(5, 9)
            )
            .await,
        Err(StoreError::Forbidden(_))
    ));
    assert!(
        store
            .blacklist(&office, on(5, 9))
            .await
            .expect("list")
            .is_empty()
    );

    let id = store
        .list_on_blacklist(
            &office,
            &truck("晋A·12345", vec![founded_no.clone()]),
            on(5, 9),
        )
        .await
        .expect("listed");
    // Listed once: the same plate again is refused while in force.
    assert_eq!(
        field(
            store
                .list_on_blacklist(
                    &office,
                    &truck("晋a12345", vec![founded_no.clone()]),
                    on(5, 9)
                )
                .await
        )
        .0,
        "identifier"
    );
    let person = store
        .list_on_blacklist(
            &office,
            &NewListing {
                kind: SubjectKind::Person,
                name: "王某".into(),
                identifier: "14010219800101123x".into(),
                reason: "组织非法采砂".into(),
                cases: vec![founded_no.clone()],
                valid_until: Some(common::day(12, 31)),
            },
            on(5, 9),
        )
        .await
        .expect("person listed");

    // The checkpoint finds the truck however the plate is written, and nothing else.
    for written in ["晋A12345", "晋a 12345", "晋A-12345"] {
        let hits = store
            .check_blacklist(&gate, SubjectKind::Vehicle, written, "", on(5, 10))
            .await
            .expect("check");
        assert_eq!(hits.len(), 1, "{written}");
        assert_eq!(hits[0].id, id);
        assert_eq!(hits[0].cases[0].number, founded_no);
    }
    assert!(
        store
            .check_blacklist(&gate, SubjectKind::Vehicle, "晋A12346", "", on(5, 10))
            .await
            .expect("check")
            .is_empty()
    );
    assert_eq!(
        match store
            .check_blacklist(&gate, SubjectKind::Vehicle, "12345", "", on(5, 10))
            .await
        {
            Err(StoreError::Invalid { field, .. }) => field,
            other => panic!("{other:?}"),
        },
        "identifier"
    );
    // It checks one subject; it does not read the list.
    assert!(matches!(
        store.blacklist(&gate, on(5, 10)).await,
        Err(StoreError::Forbidden(_))
    ));

    // The transport bureau records its measure, for itself; a township may not.
    store
        .apply_punishment(
            &jt,
            id,
            None,
            "列入重点监管车辆，暂停道路运输证年审",
            on(5, 11),
        )
        .await
        .expect("measure");
    assert!(matches!(
        store
            .apply_punishment(&town, id, Some(transport), "x", on(5, 11))
            .await,
        Err(StoreError::Forbidden(_))
    ));
    assert!(matches!(
        store
            .apply_punishment(&office, id, None, "x", on(5, 11))
            .await,
        Err(StoreError::Invalid {
            field: "department",
            ..
        })
    ));

    // The township reads the list, the ID number masked; the office reads it whole.
    let town_list = store.blacklist(&town, on(5, 11)).await.expect("list");
    let p = town_list.iter().find(|e| e.id == person).expect("person");
    assert_eq!(p.identifier, "140102********123X");
    let office_list = store.blacklist(&office, on(5, 11)).await.expect("list");
    let p = office_list.iter().find(|e| e.id == person).expect("person");
    assert_eq!(p.identifier, "14010219800101123X");
    let t = office_list.iter().find(|e| e.id == id).expect("truck");
    assert_eq!(t.measures.len(), 1);
    assert_eq!(
        t.measures[0].department,
        departments
            .iter()
            .find(|d| d.id == transport)
            .expect("d")
            .name
    );
    assert!(t.in_force);

    // Lifted with its reason: no longer found, shown as lifted, measures refused.
    assert!(matches!(
        store.lift_blacklist(&office, id, " ", on(5, 12)).await,
        Err(StoreError::Invalid {
            field: "reason",
            ..
        })
    ));
    store
        .lift_blacklist(&office, id, "车主已整改并完成信用修复", on(5, 12))
        .await
        .expect("lift");
    assert!(
        store
            .check_blacklist(&gate, SubjectKind::Vehicle, "晋A12345", "", on(5, 12))
            .await
            .expect("check")
            .is_empty()
    );
    let t = store
        .blacklist(&office, on(5, 12))
        .await
        .expect("list")
        .into_iter()
        .find(|e| e.id == id)
        .expect("truck");
    assert!(!t.in_force && t.lifted_on == Some(common::day(5, 12)));
    assert!(matches!(
        store.apply_punishment(&jt, id, None, "x", on(5, 12)).await,
        Err(StoreError::Invalid { .. })
    ));
    // Past its term, the person is found no more either.
    assert_eq!(
        store
            .check_blacklist(
                &gate,
                SubjectKind::Person,
                "14010219800101123X",
                "",
                on(12, 31)
            )
            .await
            .expect("check")
            .len(),
        1
    );
    assert!(
        store
            .check_blacklist(
                &gate,
                SubjectKind::Person,
                "14010219800101123X",
                "",
                on(12, 31) + chrono::Duration::days(1)
            )
            .await
            .expect("check")
            .is_empty()
    );
}

on_both!(a_truck_is_listed_checked_punished_and_lifted);
