//! Registers, patch batches and field evidence in the store, on SQLite and PostgreSQL.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeZone, Utc};
use geo::{Geometry, LineString, Polygon};
use minewatch_core::org::DepartmentCode;
use minewatch_core::{Role, Severity};
use minewatch_spatial::crs::Crs;
use minewatch_spatial::inputs::Fields;
use minewatch_spatial::read::{Feature, Layer};
use minewatch_store::{
    Actor, CaseFilter, NewGrid, NewUser, NewVerification, PatchFilter, RegisterLayer, Store,
    StoreError,
};

mod common;
use common::open_store;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 4, 1, 2, 0, 0)
        .single()
        .expect("valid")
}

fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Geometry<f64> {
    Geometry::Polygon(Polygon::new(
        LineString::from(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]),
        vec![],
    ))
}

fn layer(features: Vec<(Geometry<f64>, &[(&str, &str)])>) -> Layer {
    Layer {
        source: "test.geojson".into(),
        crs: Crs::CGCS2000,
        encoding: None,
        features: features
            .into_iter()
            .enumerate()
            .map(|(i, (geometry, attrs))| Feature {
                number: i + 1,
                geometry,
                attributes: attrs
                    .iter()
                    .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
                    .collect::<BTreeMap<_, _>>(),
            })
            .collect(),
    }
}

struct Fix {
    store: Store,
    _dir: tempfile::TempDir,
    office: Actor,
    village_1: Actor,
    township_jia: Actor,
    township_yi: Actor,
    v2: i64,
    t_jia: i64,
}

async fn fixture(pg: bool) -> Fix {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, _) = open_store(pg, &dir).await;
    let county = store.create_county("TS", "测试县").await.expect("county");
    let t_jia = store
        .create_township(county, "甲镇", "township")
        .await
        .expect("t");
    let t_yi = store
        .create_township(county, "乙街道", "street")
        .await
        .expect("t");
    let v1 = store
        .create_village(t_jia, "一村", "village")
        .await
        .expect("v");
    let v2 = store
        .create_village(t_jia, "二村", "village")
        .await
        .expect("v");
    let v3 = store
        .create_village(t_yi, "三社区", "community")
        .await
        .expect("v");
    for (village_id, name) in [(v1, "一村网格"), (v2, "二村网格"), (v3, "三社区网格")]
    {
        store
            .create_grid(&NewGrid {
                village_id,
                name: name.into(),
                first_responsible: "甲".into(),
                directly_responsible: "乙".into(),
                village_cadre: "丙".into(),
                contact_phone: String::new(),
            })
            .await
            .expect("grid");
    }
    for code in DepartmentCode::ALL {
        store
            .create_department(county, code, ("联络员", "0000"))
            .await
            .expect("dept");
    }
    store
        .install_default_routing(county)
        .await
        .expect("routing");
    let mk = async |name: &str, role: Role, township_id, village_id| {
        let id = store
            .create_user(
                &NewUser {
                    county_id: county,
                    username: name.into(),
                    display_name: name.into(),
                    password_hash: "-".into(),
                    role,
                    township_id,
                    village_id,
                    department_id: None,
                },
                t0(),
            )
            .await
            .expect("user");
        store.actor(id).await.expect("actor")
    };
    Fix {
        office: mk("office", Role::CountyOffice, None, None).await,
        village_1: mk("v1", Role::Village, Some(t_jia), Some(v1)).await,
        township_jia: mk("tj", Role::Township, Some(t_jia), None).await,
        township_yi: mk("ty", Role::Township, Some(t_yi), None).await,
        store,
        _dir: dir,
        v2,
        t_jia,
    }
}

fn grids() -> Layer {
    layer(vec![
        (
            rect(112.00, 36.00, 112.01, 36.01),
            &[("乡镇", "甲镇"), ("村", "一村"), ("网格", "一村网格")],
        ),
        (
            rect(112.01, 36.00, 112.02, 36.01),
            &[("乡镇", "甲镇"), ("村", "二村"), ("网格", "二村网格")],
        ),
        (
            rect(112.02, 36.00, 112.03, 36.01),
            &[("乡镇", "乙街道"), ("村", "三社区")],
        ),
    ])
}

async fn registers(f: &Fix) {
    let s = &f.store;
    let fields = Fields::default();
    s.import_register(&f.office, RegisterLayer::Grid, grids(), &fields, t0())
        .await
        .expect("grids");
    s.import_register(
        &f.office,
        RegisterLayer::Licence,
        layer(vec![(
            rect(112.002, 36.002, 112.006, 36.006),
            &[
                ("XKZH", "C-1"),
                ("YXQQ", "2020-01-01"),
                ("YXQZ", "2030-12-31"),
            ],
        )]),
        &fields,
        t0(),
    )
    .await
    .expect("licences");
    s.import_register(
        &f.office,
        RegisterLayer::Zone,
        layer(vec![(
            rect(112.021, 36.001, 112.029, 36.009),
            &[("zone_id", "ZR-1"), ("kind", "自然保护地")],
        )]),
        &fields,
        t0(),
    )
    .await
    .expect("zones");
}

fn batch() -> Layer {
    layer(vec![
        (
            rect(112.003, 36.003, 112.004, 36.004),
            &[("TBBH", "P1"), ("HSX", "2026-03-01")],
        ),
        (
            rect(112.013, 36.003, 112.014, 36.004),
            &[("TBBH", "P2"), ("HSX", "2026-03-01")],
        ),
        (
            rect(112.023, 36.003, 112.024, 36.004),
            &[("TBBH", "P3"), ("HSX", "2026-03-01")],
        ),
    ])
}

async fn patch_batches_are_triaged_and_routed(pg: bool) {
    let f = fixture(pg).await;
    let s = &f.store;

    // A boundary naming a village the roster lacks: the whole layer is refused.
    let bad = layer(vec![
        (
            rect(112.0, 36.0, 112.01, 36.01),
            &[("乡镇", "甲镇"), ("村", "一村")],
        ),
        (
            rect(112.01, 36.0, 112.02, 36.01),
            &[("乡镇", "甲镇"), ("村", "九村")],
        ),
    ]);
    let e = s
        .import_register(
            &f.office,
            RegisterLayer::Grid,
            bad,
            &Fields::default(),
            t0(),
        )
        .await
        .expect_err("unknown village");
    assert!(
        e.to_string()
            .contains("feature 2: village 九村 of 甲镇 is not in the roster"),
        "{e}"
    );
    assert!(
        s.register_features(f.office.county_id, None)
            .await
            .expect("q")
            .is_empty()
    );

    // Patches need grid boundaries to be routed.
    let e = s
        .import_patches(&f.office, "Q1", batch(), &Fields::default(), t0())
        .await
        .expect_err("no grids");
    assert!(
        matches!(e, StoreError::Invalid { field: "grids", .. }),
        "{e}"
    );

    registers(&f).await;
    let e = s
        .import_patches(&f.village_1, "Q1", batch(), &Fields::default(), t0())
        .await
        .expect_err("village");
    assert!(matches!(e, StoreError::Forbidden(_)));

    let cases_before = s
        .list_cases(&f.office, &CaseFilter::default(), t0().date_naive(), 1, 10)
        .await
        .expect("cases")
        .1;
    let sum = s
        .import_patches(&f.office, "Q1", batch(), &Fields::default(), t0())
        .await
        .expect("import");
    assert_eq!((sum.patches, sum.suspects), (3, 2));
    let all = s
        .patches(&f.office, &PatchFilter::default())
        .await
        .expect("patches");
    let by_no = |no: &str| {
        all.iter()
            .find(|p| p.patch_no == no)
            .expect("patch")
            .clone()
    };
    assert_eq!(by_no("P1").class, "inside_licence");
    assert_eq!(by_no("P1").status, "cleared");
    assert!(by_no("P1").case_id.is_none());
    let p2 = by_no("P2");
    assert_eq!(
        (p2.class.as_str(), p2.village.as_deref()),
        ("no_licence", Some("二村"))
    );
    let p3 = by_no("P3");
    assert_eq!(
        (p3.class.as_str(), p3.township.as_deref()),
        ("protected", Some("乙街道"))
    );
    let cases_after = s
        .list_cases(&f.office, &CaseFilter::default(), t0().date_naive(), 1, 10)
        .await
        .expect("cases")
        .1;
    assert_eq!(cases_after, cases_before + 2);
    let case = s
        .case_detail(&f.office, p2.case_id.expect("case"), t0().date_naive())
        .await
        .expect("case");
    assert_eq!(case.case.village_id, Some(f.v2));
    assert_eq!(case.case.township_id, f.t_jia);
    assert_eq!(case.case.source, "satellite_patch");
    assert!(case.case.due_on.is_some(), "a verification deadline");
    let case3 = s
        .case_detail(&f.office, p3.case_id.expect("case"), t0().date_naive())
        .await
        .expect("case");
    assert_eq!(case3.case.severity, Severity::Key.code());

    // Each sees its own.
    let seen = |a: &Actor| {
        let s = s.clone();
        let a = a.clone();
        async move {
            let mut v: Vec<String> = s
                .patches(&a, &PatchFilter::default())
                .await
                .expect("patches")
                .into_iter()
                .map(|p| p.patch_no)
                .collect();
            v.sort();
            v
        }
    };
    assert_eq!(seen(&f.village_1).await, vec!["P1"]);
    assert_eq!(seen(&f.township_jia).await, vec!["P1", "P2"]);
    assert_eq!(seen(&f.township_yi).await, vec!["P3"]);
    assert!(matches!(
        s.patch(&f.village_1, p2.id).await,
        Err(StoreError::NotFound { .. })
    ));

    // The same batch name twice, and a batch with a suspect outside every grid.
    let e = s
        .import_patches(&f.office, "Q1", batch(), &Fields::default(), t0())
        .await
        .expect_err("same name");
    assert!(
        matches!(e, StoreError::Invalid { field: "batch", .. }),
        "{e}"
    );
    let outside = layer(vec![(
        rect(113.0, 37.0, 113.001, 37.001),
        &[("TBBH", "X1")],
    )]);
    let e = s
        .import_patches(&f.office, "Q2", outside, &Fields::default(), t0())
        .await
        .expect_err("outside");
    assert!(
        e.to_string()
            .contains("patch X1: lies outside every grid boundary"),
        "{e}"
    );
    assert_eq!(
        s.patches(&f.office, &PatchFilter::default())
            .await
            .expect("q")
            .len(),
        3
    );

    // Importing licences again retires the old ones.
    let again = s
        .import_register(
            &f.office,
            RegisterLayer::Licence,
            layer(vec![(
                rect(112.0, 36.0, 112.001, 36.001),
                &[("XKZH", "C-2")],
            )]),
            &Fields::default(),
            t0(),
        )
        .await
        .expect("again");
    assert_eq!(again.retired, 1);
    let licences = s
        .register_features(f.office.county_id, Some(RegisterLayer::Licence))
        .await
        .expect("q");
    assert_eq!(licences.len(), 1);
    assert_eq!(licences[0].external_id, "C-2");
    assert!(s.audit_verify().await.expect("db").is_ok());
}

async fn field_evidence_and_review(pg: bool) {
    let f = fixture(pg).await;
    let s = &f.store;
    registers(&f).await;
    s.import_patches(&f.office, "Q1", batch(), &Fields::default(), t0())
        .await
        .expect("import");
    let all = s
        .patches(&f.office, &PatchFilter::default())
        .await
        .expect("patches");
    let p2 = all.iter().find(|p| p.patch_no == "P2").expect("P2").id;
    let v = |reason: &str, permit: &str, note: &str| NewVerification {
        reason: reason.into(),
        permit_no: permit.into(),
        note: note.into(),
        photos: vec![],
    };
    let e = s
        .verify_patch(&f.township_jia, p2, &v("licensed_mining", "", ""), t0())
        .await;
    assert!(
        matches!(
            e,
            Err(StoreError::Invalid {
                field: "permit_no",
                ..
            })
        ),
        "{e:?}"
    );
    let e = s
        .verify_patch(&f.township_jia, p2, &v("other", "", " "), t0())
        .await;
    assert!(
        matches!(e, Err(StoreError::Invalid { field: "note", .. })),
        "{e:?}"
    );
    let e = s
        .verify_patch(&f.township_jia, p2, &v("no_such", "", ""), t0())
        .await;
    assert!(
        matches!(
            e,
            Err(StoreError::Invalid {
                field: "reason",
                ..
            })
        ),
        "{e:?}"
    );
    let e = s
        .verify_patch(&f.township_yi, p2, &v("unlicensed", "", ""), t0())
        .await;
    assert!(
        matches!(e, Err(StoreError::NotFound { .. })),
        "another township: {e:?}"
    );

    s.verify_patch(
        &f.township_jia,
        p2,
        &v("natural_change", "", "山体滑坡"),
        t0(),
    )
    .await
    .expect("verify");
    let e = s.review_patch(&f.township_jia, p2, true, "", t0()).await;
    assert!(matches!(e, Err(StoreError::Forbidden(_))));
    let e = s.review_patch(&f.office, p2, false, "", t0()).await;
    assert!(matches!(
        e,
        Err(StoreError::Invalid {
            field: "review_note",
            ..
        })
    ));
    s.review_patch(
        &f.office,
        p2,
        false,
        "现场有新鲜挖掘痕迹，不是自然变化",
        t0(),
    )
    .await
    .expect("return");
    assert_eq!(
        s.patch(&f.office, p2).await.expect("p").row.status,
        "returned"
    );
    s.verify_patch(&f.township_jia, p2, &v("unlicensed", "", "已立案"), t0())
        .await
        .expect("verify again");
    s.review_patch(&f.office, p2, true, "", t0())
        .await
        .expect("accept");
    let d = s.patch(&f.office, p2).await.expect("p");
    assert_eq!(d.row.status, "accepted");
    assert_eq!(d.verifications.len(), 2);
    assert_eq!(d.verifications[0].review, "returned");
    assert_eq!(d.verifications[1].determination, "illegal");
    let e = s
        .verify_patch(&f.township_jia, p2, &v("unlicensed", "", ""), t0())
        .await;
    assert!(
        matches!(e, Err(StoreError::Invalid { field: "patch", .. })),
        "{e:?}"
    );
    let timeline = s
        .case_detail(&f.office, d.row.case_id.expect("case"), t0().date_naive())
        .await
        .expect("case");
    assert!(timeline.events.iter().any(|e| e.kind == "patch.returned"));
    assert!(s.audit_verify().await.expect("db").is_ok());
}

macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() { super::$name(false).await } )*
        }
        mod postgres {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() { super::$name(true).await } )*
        }
    };
}

on_both!(
    patch_batches_are_triaged_and_routed,
    field_evidence_and_review
);
