//! The store contract, run against SQLite and PostgreSQL alike.
//!
//! PostgreSQL comes from `MINEWATCH_TEST_PG` (a server URL; each test creates its own
//! database). `scripts/test` starts one; without it the PostgreSQL half fails and says so.

use chrono::{DateTime, TimeZone, Utc};
use minewatch_core::org::DepartmentCode;
use minewatch_core::{CaseAction, ClueSource, Decision, MeasureStep, ProblemKind, Role, Severity};
use minewatch_store::{Actor, CaseFilter, NewClue, Store, StoreError};

#[macro_use]
mod common;
use common::{TEST_SEED, first_random_look_back, open_store_seeded, tamper};

struct Fix {
    store: Store,
    url: String,
    _dir: tempfile::TempDir,
    office: Actor,
    township_a: Actor,
    township_b: Actor,
    village_a1: Actor,
    dept_nr: Actor,
    dept_police: Actor,
    inspector: Actor,
    checkpoint: Actor,
    admin: Actor,
    t_a: i64,
    t_b: i64,
    v_a1: i64,
    v_a2: i64,
    v_b1: i64,
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0)
        .single()
        .expect("valid")
}

async fn fixture(pg: bool) -> Fix {
    fixture_seeded(pg, TEST_SEED).await
}

async fn fixture_seeded(pg: bool, seed: u64) -> Fix {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, url) = open_store_seeded(pg, &dir, seed).await;
    let common::TestCounty {
        county,
        t_jia: t_a,
        t_yi: t_b,
        v1: v_a1,
        v2: v_a2,
        v3: v_b1,
        ..
    } = common::test_county(&store).await;
    let depts = store.departments(county).await.expect("depts");
    let dept = |c: DepartmentCode| depts.iter().find(|d| d.code == c.code()).map(|d| d.id);
    let mk = async |name: &str, role: Role, township_id, village_id, department_id| {
        common::user(
            &store,
            county,
            name,
            role,
            township_id,
            village_id,
            department_id,
            t0(),
        )
        .await
    };
    Fix {
        office: mk("office", Role::CountyOffice, None, None, None).await,
        township_a: mk("ta", Role::Township, Some(t_a), None, None).await,
        township_b: mk("tb", Role::Township, Some(t_b), None, None).await,
        village_a1: mk("va1", Role::Village, Some(t_a), Some(v_a1), None).await,
        dept_nr: mk(
            "nr",
            Role::Department,
            None,
            None,
            dept(DepartmentCode::NaturalResources),
        )
        .await,
        dept_police: mk(
            "police",
            Role::Department,
            None,
            None,
            dept(DepartmentCode::PublicSecurity),
        )
        .await,
        inspector: mk("insp", Role::Inspector, None, None, None).await,
        checkpoint: mk("cp", Role::Checkpoint, None, None, None).await,
        admin: mk("admin", Role::Admin, None, None, None).await,
        store,
        url,
        _dir: dir,
        t_a,
        t_b,
        v_a1,
        v_a2,
        v_b1,
    }
}

fn clue(township_id: i64, village_id: i64, lon: f64, lat: f64, kind: ProblemKind) -> NewClue {
    NewClue {
        source: ClueSource::Tip,
        township_id,
        village_id: Some(village_id),
        address: "后山沟口".into(),
        lon: Some(lon),
        lat: Some(lat),
        observed_at: None,
        description: "夜间有挖掘机作业".into(),
        problem_kind: kind,
        severity: Severity::General,
        reporter_name: String::new(),
        reporter_phone: String::new(),
        attachments: Vec::new(),
    }
}

async fn event_count(f: &Fix) -> i64 {
    f.store
        .audit_verify()
        .await
        .expect("db")
        .expect("chain intact")
        .events
}

/// Takes a case from verification to closing as three users would.
async fn walk_to_closed(f: &Fix, case_id: minewatch_store::CaseId, now: DateTime<Utc>) {
    let s = &f.store;
    s.apply_action(
        &f.township_a,
        case_id,
        &CaseAction::Verify {
            founded: true,
            note: "属实".into(),
        },
        &[],
        now,
    )
    .await
    .expect("verify");
    let decide = CaseAction::Decide {
        decision: Decision::Rectify,
        measures: "停止开采，回填复绿".into(),
        deadline: chrono::NaiveDate::from_ymd_opt(2026, 3, 20).expect("date"),
        responsible_unit: "甲镇人民政府".into(),
        responsible_person: "张某".into(),
    };
    s.apply_action(&f.dept_nr, case_id, &decide, &[], now)
        .await
        .expect("decide");
    s.apply_action(
        &f.dept_nr,
        case_id,
        &CaseAction::ReportRectified {
            note: "已回填".into(),
        },
        &[],
        now,
    )
    .await
    .expect("report");
    s.apply_action(
        &f.office,
        case_id,
        &CaseAction::Accept {
            passed: true,
            note: String::new(),
        },
        &[],
        now,
    )
    .await
    .expect("accept");
    s.apply_action(
        &f.office,
        case_id,
        &CaseAction::Close {
            note: "销号".into(),
        },
        &[],
        now,
    )
    .await
    .expect("close");
}

async fn clue_merging_and_recurrence(pg: bool) {
    let f = fixture(pg).await;
    let s = &f.store;
    let first = s
        .file_clue(
            &f.village_a1,
            &clue(f.t_a, f.v_a1, 112.0, 36.0, ProblemKind::UnlicensedMining),
            t0(),
        )
        .await
        .expect("file");
    assert!(!first.merged);
    assert_eq!(first.case_number, format!("TS-2026-{:06}", 1));
    // ~55 m away: the same place, the same problem.
    let second = s
        .file_clue(
            &f.office,
            &clue(f.t_a, f.v_a1, 112.0, 36.0005, ProblemKind::UnlicensedMining),
            t0(),
        )
        .await
        .expect("file");
    assert!(second.merged);
    assert_eq!(second.case_id, first.case_id);
    // ~1.1 km away: another place.
    let third = s
        .file_clue(
            &f.office,
            &clue(f.t_a, f.v_a2, 112.0, 36.01, ProblemKind::UnlicensedMining),
            t0(),
        )
        .await
        .expect("file");
    assert!(!third.merged);
    assert_eq!(third.case_number, "TS-2026-000002");
    let detail = s
        .case_detail(&f.office, first.case_id, t0().date_naive())
        .await
        .expect("detail");
    assert_eq!(detail.clues.len(), 2, "both clues on one case");
    let (_, total) = s
        .list_cases(&f.office, &CaseFilter::default(), t0().date_naive(), 1, 50)
        .await
        .expect("list");
    assert_eq!(total, 2, "merged clue is not counted twice");

    // Undo the merge: the second clue gets its own case.
    let split = s
        .split_clue(&f.office, second.clue_id, t0())
        .await
        .expect("split");
    assert_ne!(split.case_id, first.case_id);
    assert!(matches!(
        s.split_clue(&f.township_a, first.clue_id, t0()).await,
        Err(StoreError::Forbidden(_))
    ));

    // Close the first case, then a new clue 180 m away (and 188 m from the split-off open
    // case, beyond the merge radius) is a recurrence.
    walk_to_closed(&f, first.case_id, t0()).await;
    let again = s
        .file_clue(
            &f.office,
            &clue(f.t_a, f.v_a1, 111.998, 36.0, ProblemKind::UnlicensedMining),
            t0(),
        )
        .await
        .expect("file");
    assert!(!again.merged);
    assert_eq!(
        again.recurrence_of.as_deref(),
        Some(first.case_number.as_str())
    );
    let detail = s
        .case_detail(&f.office, first.case_id, t0().date_naive())
        .await
        .expect("detail");
    // Closing was this store's first draw: its seed says whether a fourth was drawn.
    let random = first_random_look_back(TEST_SEED, t0().date_naive());
    assert_eq!(
        detail.look_backs.len(),
        3 + usize::from(random.is_some()),
        "look-backs scheduled at closing"
    );
    assert!(detail.events.iter().any(|e| e.kind == "case.recurrence"));
    event_count(&f).await;
}

/// Closing draws a tenth of cases for a look-back at random: with the store's seed known,
/// the test knows the draw — one seed that draws, one that does not.
async fn the_random_look_back_is_the_seeded_draw(pg: bool) {
    let closed_on = t0().date_naive();
    let seed_of = |want: bool| {
        (1..10_000u64)
            .find(|s| first_random_look_back(*s, closed_on).is_some() == want)
            .expect("a seed")
    };
    for seed in [seed_of(true), seed_of(false)] {
        let f = fixture_seeded(pg, seed).await;
        let s = &f.store;
        let filed = s
            .file_clue(
                &f.township_a,
                &clue(f.t_a, f.v_a1, 112.0, 36.0, ProblemKind::UnlicensedMining),
                t0(),
            )
            .await
            .expect("file");
        walk_to_closed(&f, filed.case_id, t0()).await;
        let far = chrono::NaiveDate::from_ymd_opt(2027, 12, 31).expect("date");
        let mut drawn: Vec<(String, String)> = s
            .look_backs(&f.office, closed_on, far)
            .await
            .expect("look-backs")
            .iter()
            .filter(|l| l.case_id == filed.case_id)
            .map(|l| (l.drawn.clone(), l.due_on.clone()))
            .collect();
        drawn.sort();
        let mut expected = vec![
            ("schedule".to_string(), "2026-04-02".to_string()),
            ("schedule".to_string(), "2026-06-02".to_string()),
            ("schedule".to_string(), "2026-09-02".to_string()),
        ];
        if let Some(d) = first_random_look_back(seed, closed_on) {
            expected.push(("random".to_string(), d.to_string()));
        }
        expected.sort();
        assert_eq!(drawn, expected, "seed {seed}");
    }
}

/// A clue at the point of a case its filer may not see opens its own case — joining would
/// reveal where the hidden case is and put the clue where its filer cannot follow it — and
/// the two are suggested as one problem only to those who see both.
async fn a_clue_joins_only_a_case_its_filer_may_see(pg: bool) {
    let f = fixture(pg).await;
    let s = &f.store;
    let a = s
        .file_clue(
            &f.township_a,
            &clue(f.t_a, f.v_a1, 112.05, 36.05, ProblemKind::UnlicensedMining),
            t0(),
        )
        .await
        .expect("a");
    // 乙街道 files at the same point (a border site): its own case, not a merge.
    let b = s
        .file_clue(
            &f.township_b,
            &clue(
                f.t_b,
                f.v_b1,
                112.0501,
                36.0501,
                ProblemKind::UnlicensedMining,
            ),
            t0(),
        )
        .await
        .expect("b");
    assert!(!b.merged, "{b:?}");
    assert_ne!(b.case_id, a.case_id);
    assert!(
        s.case_detail(&f.township_b, a.case_id, t0().date_naive())
            .await
            .is_err()
    );
    // The checkpoint sees only its own clues: the same.
    let c = s
        .file_clue(
            &f.checkpoint,
            &clue(
                f.t_a,
                f.v_a1,
                112.0502,
                36.0502,
                ProblemKind::IllegalHaulage,
            ),
            t0(),
        )
        .await
        .expect("c");
    assert!(!c.merged);
    // The office sees both and is told; 乙街道 and 甲镇 are not told of a case they cannot see.
    let told = s
        .merge_suggestions(&f.office, a.case_id)
        .await
        .expect("office");
    let numbers: Vec<&str> = told.iter().map(|t| t.1.as_str()).collect();
    assert!(numbers.contains(&b.case_number.as_str()), "{told:?}");
    assert!(
        told.iter().all(|t| t.2 == "merge" && t.3 < 50.0),
        "{told:?}"
    );
    assert!(
        s.merge_suggestions(&f.township_b, b.case_id)
            .await
            .expect("b")
            .is_empty()
    );
    assert!(
        s.merge_suggestions(&f.township_a, a.case_id)
            .await
            .expect("a")
            .iter()
            .all(|t| t.1 != b.case_number)
    );
    // 甲镇's own village still joins a case of its village (甲镇's or the checkpoint's).
    let d = s
        .file_clue(
            &f.village_a1,
            &clue(
                f.t_a,
                f.v_a1,
                112.0501,
                36.0501,
                ProblemKind::UnlicensedMining,
            ),
            t0(),
        )
        .await
        .expect("d");
    assert!(d.merged);
    assert!(
        d.case_id == a.case_id || d.case_id == c.case_id,
        "joined a case of its own village, never 乙街道's"
    );
}

async fn refused_steps_change_nothing(pg: bool) {
    let f = fixture(pg).await;
    let s = &f.store;
    let c = s
        .file_clue(
            &f.office,
            &clue(f.t_a, f.v_a1, 112.0, 36.0, ProblemKind::UnlicensedMining),
            t0(),
        )
        .await
        .expect("file");
    let before = event_count(&f).await;
    let close = s
        .apply_action(
            &f.office,
            c.case_id,
            &CaseAction::Close {
                note: String::new(),
            },
            &[],
            t0(),
        )
        .await;
    assert!(
        matches!(
            close,
            Err(StoreError::Refused(
                minewatch_core::Refusal::WrongStatus { .. }
            ))
        ),
        "{close:?}"
    );
    let bad = s
        .apply_action(
            &f.township_a,
            c.case_id,
            &CaseAction::Verify {
                founded: false,
                note: String::new(),
            },
            &[],
            t0(),
        )
        .await;
    assert!(matches!(
        bad,
        Err(StoreError::Refused(minewatch_core::Refusal::MissingField {
            field: "note"
        }))
    ));
    let unknown_attachment = s
        .apply_action(
            &f.office,
            c.case_id,
            &CaseAction::Note { text: "x".into() },
            &["ab".repeat(32)],
            t0(),
        )
        .await;
    assert!(matches!(
        unknown_attachment,
        Err(StoreError::Invalid {
            field: "attachments",
            ..
        })
    ));
    assert_eq!(
        event_count(&f).await,
        before,
        "nothing written by refused steps"
    );
    let detail = s
        .case_detail(&f.office, c.case_id, t0().date_naive())
        .await
        .expect("detail");
    assert_eq!(detail.case.status, "registered");

    // Bad clues name their field and store nothing.
    let mut no_desc = clue(f.t_a, f.v_a1, 112.0, 36.0, ProblemKind::UnlicensedMining);
    no_desc.description = "  ".into();
    assert!(matches!(
        s.file_clue(&f.office, &no_desc, t0()).await,
        Err(StoreError::Invalid {
            field: "description",
            ..
        })
    ));
    let wrong_village = clue(f.t_a, f.v_b1, 112.0, 36.0, ProblemKind::UnlicensedMining);
    assert!(matches!(
        s.file_clue(&f.office, &wrong_village, t0()).await,
        Err(StoreError::Invalid {
            field: "village",
            ..
        })
    ));
    let unknown_township = clue(9999, f.v_a1, 112.0, 36.0, ProblemKind::UnlicensedMining);
    assert!(matches!(
        s.file_clue(&f.office, &unknown_township, t0()).await,
        Err(StoreError::Invalid {
            field: "township",
            ..
        })
    ));
    let mut bad_point = clue(f.t_a, f.v_a1, 512.0, 36.0, ProblemKind::UnlicensedMining);
    bad_point.lat = Some(36.0);
    assert!(matches!(
        s.file_clue(&f.office, &bad_point, t0()).await,
        Err(StoreError::Invalid { field: "lon", .. })
    ));
    assert_eq!(event_count(&f).await, before);
}

async fn rights_matrix(pg: bool) {
    let f = fixture(pg).await;
    let s = &f.store;
    let today = t0().date_naive();
    // Case 1: township A, village A1, natural resources. Case 2: township B, public security.
    let c1 = s
        .file_clue(
            &f.office,
            &clue(f.t_a, f.v_a1, 112.0, 36.0, ProblemKind::UnlicensedMining),
            t0(),
        )
        .await
        .expect("c1");
    let c2 = s
        .file_clue(
            &f.office,
            &clue(f.t_b, f.v_b1, 113.0, 37.0, ProblemKind::Explosives),
            t0(),
        )
        .await
        .expect("c2");
    let c3 = s
        .file_clue(
            &f.office,
            &clue(f.t_a, f.v_a2, 112.5, 36.5, ProblemKind::Explosives),
            t0(),
        )
        .await
        .expect("c3");

    let visible = async |a: &Actor| -> Vec<minewatch_store::CaseId> {
        let (rows, total) = s
            .list_cases(a, &CaseFilter::default(), today, 1, 100)
            .await
            .expect("list");
        assert_eq!(total as usize, rows.len());
        let mut ids: Vec<minewatch_store::CaseId> = rows.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        ids
    };
    let all = vec![c1.case_id, c2.case_id, c3.case_id];
    assert_eq!(visible(&f.office).await, all);
    assert_eq!(visible(&f.admin).await, all);
    assert_eq!(visible(&f.inspector).await, all);
    assert_eq!(visible(&f.township_a).await, vec![c1.case_id, c3.case_id]);
    assert_eq!(visible(&f.township_b).await, vec![c2.case_id]);
    assert_eq!(visible(&f.village_a1).await, vec![c1.case_id]);
    assert_eq!(visible(&f.dept_nr).await, vec![c1.case_id]);
    assert_eq!(visible(&f.dept_police).await, vec![c2.case_id, c3.case_id]);
    assert!(visible(&f.checkpoint).await.is_empty());

    // Out of scope reads and writes look like absence, and change nothing.
    let verify = CaseAction::Verify {
        founded: true,
        note: String::new(),
    };
    for (actor, case) in [
        (&f.township_b, c1.case_id),
        (&f.village_a1, c3.case_id),
        (&f.dept_nr, c2.case_id),
        (&f.checkpoint, c1.case_id),
    ] {
        assert!(
            matches!(
                s.case_detail(actor, case, today).await,
                Err(StoreError::NotFound { .. })
            ),
            "{} read",
            actor.username
        );
        assert!(
            matches!(
                s.apply_action(actor, case, &verify, &[], t0()).await,
                Err(StoreError::NotFound { .. })
            ),
            "{} wrote",
            actor.username
        );
    }
    // In scope but not the role's step.
    for actor in [&f.village_a1, &f.inspector] {
        let r = s.apply_action(actor, c1.case_id, &verify, &[], t0()).await;
        assert!(
            matches!(
                r,
                Err(StoreError::Refused(
                    minewatch_core::Refusal::Forbidden { .. }
                ))
            ),
            "{} verified",
            actor.username
        );
    }
    // And both ways: each in-scope role that may verify, can.
    s.apply_action(&f.township_a, c1.case_id, &verify, &[], t0())
        .await
        .expect("township verifies its own");
    s.apply_action(&f.dept_police, c2.case_id, &verify, &[], t0())
        .await
        .expect("police verify theirs");

    // Filing clues is bound to the unit as well.
    assert!(matches!(
        s.file_clue(
            &f.township_b,
            &clue(f.t_a, f.v_a1, 110.0, 30.0, ProblemKind::UnlicensedMining),
            t0()
        )
        .await,
        Err(StoreError::Invalid {
            field: "township",
            ..
        })
    ));
    assert!(matches!(
        s.file_clue(
            &f.village_a1,
            &clue(f.t_a, f.v_a2, 110.0, 30.0, ProblemKind::UnlicensedMining),
            t0()
        )
        .await,
        Err(StoreError::Invalid {
            field: "village",
            ..
        })
    ));
    assert!(matches!(
        s.file_clue(
            &f.inspector,
            &clue(f.t_a, f.v_a2, 110.0, 30.0, ProblemKind::UnlicensedMining),
            t0()
        )
        .await,
        Err(StoreError::Forbidden(_))
    ));
    let own = s
        .file_clue(
            &f.checkpoint,
            &clue(f.t_b, f.v_b1, 111.0, 31.0, ProblemKind::IllegalHaulage),
            t0(),
        )
        .await
        .expect("checkpoint files");
    assert_eq!(s.own_clues(&f.checkpoint).await.expect("own").len(), 1);
    assert!(matches!(
        s.case_detail(&f.checkpoint, own.case_id, today).await,
        Err(StoreError::NotFound { .. })
    ));

    // Routing is the office's to change, and re-routes new cases.
    let depts = s.departments(f.office.county_id).await.expect("depts");
    let market = depts
        .iter()
        .find(|d| d.code == "market_regulation")
        .expect("dept")
        .id;
    assert!(matches!(
        s.set_routing(&f.township_a, ProblemKind::Explosives, market, t0())
            .await,
        Err(StoreError::Forbidden(_))
    ));
    s.set_routing(&f.office, ProblemKind::Explosives, market, t0())
        .await
        .expect("office routes");
    let c4 = s
        .file_clue(
            &f.office,
            &clue(f.t_a, f.v_a1, 114.0, 38.0, ProblemKind::Explosives),
            t0(),
        )
        .await
        .expect("c4");
    let d = s
        .case_detail(&f.office, c4.case_id, today)
        .await
        .expect("detail");
    assert_eq!(d.case.lead_department_id, Some(market));
}

async fn overdue_escalates_once(pg: bool) {
    let f = fixture(pg).await;
    let s = &f.store;
    let c = s
        .file_clue(
            &f.office,
            &clue(f.t_a, f.v_a1, 112.0, 36.0, ProblemKind::UnlicensedMining),
            t0(),
        )
        .await
        .expect("file");
    // Verification is due three days after opening.
    assert_eq!(
        s.escalate_overdue(t0() + chrono::Duration::days(3))
            .await
            .expect("sweep"),
        0
    );
    let late = t0() + chrono::Duration::days(5);
    let dash = s
        .dashboard(&f.township_a, late.date_naive())
        .await
        .expect("dash");
    assert_eq!(dash.overdue, 1);
    assert_eq!(dash.overdue_list[0].days_overdue, 2);
    assert_eq!(s.escalate_overdue(late).await.expect("sweep"), 1);
    assert_eq!(
        s.escalate_overdue(late).await.expect("sweep"),
        0,
        "once per deadline"
    );
    let (rows, _) = s
        .list_cases(
            &f.office,
            &CaseFilter {
                overdue: true,
                ..CaseFilter::default()
            },
            late.date_naive(),
            1,
            10,
        )
        .await
        .expect("list");
    assert_eq!(rows.len(), 1);
    assert!(rows[0].escalated);
    let detail = s
        .case_detail(&f.office, c.case_id, late.date_naive())
        .await
        .expect("detail");
    assert!(
        detail
            .events
            .iter()
            .any(|e| e.kind == "action.escalate" && e.actor == "系统")
    );
}

async fn chain_survives_concurrent_writers(pg: bool) {
    let f = fixture(pg).await;
    let mut tasks = Vec::new();
    for i in 0..24 {
        let s = f.store.clone();
        let actor = f.office.clone();
        let c = clue(
            f.t_a,
            f.v_a1,
            112.0 + f64::from(i) * 0.05,
            36.0,
            ProblemKind::UnlicensedMining,
        );
        tasks.push(tokio::spawn(
            async move { s.file_clue(&actor, &c, t0()).await },
        ));
    }
    let mut numbers = Vec::new();
    for t in tasks {
        numbers.push(t.await.expect("join").expect("file").case_number);
    }
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), 24, "every case got its own number");
    let report = f
        .store
        .audit_verify()
        .await
        .expect("db")
        .expect("chain intact");
    assert_eq!(report.cases, 24);
}

async fn tampering_is_detected(pg: bool) {
    let f = fixture(pg).await;
    let c = f
        .store
        .file_clue(
            &f.office,
            &clue(f.t_a, f.v_a1, 112.0, 36.0, ProblemKind::UnlicensedMining),
            t0(),
        )
        .await
        .expect("file");
    f.store
        .apply_action(
            &f.township_a,
            c.case_id,
            &CaseAction::Verify {
                founded: true,
                note: String::new(),
            },
            &[],
            t0(),
        )
        .await
        .expect("verify");
    f.store.audit_verify().await.expect("db").expect("intact");
    tamper(&f.url, "UPDATE event SET payload = '{\"action\":\"verify\",\"founded\":false,\"note\":\"x\"}' WHERE seq = 3").await;
    let failure = f
        .store
        .audit_verify()
        .await
        .expect("db")
        .expect_err("tampering found");
    assert_eq!(
        failure.to_string(),
        "event #3 was altered: its content no longer matches its hash"
    );
}

async fn state_tampering_is_detected(pg: bool) {
    let f = fixture(pg).await;
    let c = f
        .store
        .file_clue(
            &f.office,
            &clue(f.t_a, f.v_a1, 112.0, 36.0, ProblemKind::UnlicensedMining),
            t0(),
        )
        .await
        .expect("file");
    tamper(
        &f.url,
        &format!(
            "UPDATE case_file SET status = 'closed', state_json = REPLACE(state_json, 'registered', 'closed') WHERE id = {}",
            c.case_id
        ),
    )
    .await;
    let failure = f
        .store
        .audit_verify()
        .await
        .expect("db")
        .expect_err("tampering found");
    assert!(failure.to_string().contains(&c.case_number), "{failure}");
}

async fn full_handling_with_measures(pg: bool) {
    let f = fixture(pg).await;
    let s = &f.store;
    let c = s
        .file_clue(
            &f.office,
            &clue(f.t_a, f.v_a1, 112.0, 36.0, ProblemKind::UnlicensedMining),
            t0(),
        )
        .await
        .expect("file");
    let id = c.case_id;
    let now = t0();
    s.apply_action(
        &f.dept_nr,
        id,
        &CaseAction::Verify {
            founded: true,
            note: String::new(),
        },
        &[],
        now,
    )
    .await
    .expect("v");
    let decide = CaseAction::Decide {
        decision: Decision::Ban,
        measures: "取缔并两断三清".into(),
        deadline: chrono::NaiveDate::from_ymd_opt(2026, 3, 10).expect("date"),
        responsible_unit: "县自然资源局".into(),
        responsible_person: "李某".into(),
    };
    s.apply_action(&f.dept_nr, id, &decide, &[], now)
        .await
        .expect("decide");
    let early = s
        .apply_action(
            &f.dept_nr,
            id,
            &CaseAction::ReportRectified {
                note: "完成".into(),
            },
            &[],
            now,
        )
        .await;
    assert!(matches!(
        early,
        Err(StoreError::Refused(
            minewatch_core::Refusal::StepsMissing { .. }
        ))
    ));
    let photo = s
        .put_attachment(&f.dept_nr, b"photo-bytes".to_vec(), "现场.jpg", None, now)
        .await
        .expect("photo");
    for step in MeasureStep::ALL {
        s.apply_action(
            &f.dept_nr,
            id,
            &CaseAction::Measure {
                step: *step,
                note: String::new(),
            },
            std::slice::from_ref(&photo.sha256),
            now,
        )
        .await
        .expect("step");
    }
    s.apply_action(
        &f.dept_nr,
        id,
        &CaseAction::Penalty {
            fine_fen: 2_000_000,
            confiscation_fen: 50_000,
            document_no: "罚字1号".into(),
        },
        &[],
        now,
    )
    .await
    .expect("penalty");
    s.apply_action(
        &f.dept_nr,
        id,
        &CaseAction::TransferPolice {
            note: "涉嫌非法采矿罪".into(),
        },
        &[],
        now,
    )
    .await
    .expect("transfer");
    s.apply_action(
        &f.dept_nr,
        id,
        &CaseAction::ReportRectified {
            note: "完成".into(),
        },
        &[],
        now,
    )
    .await
    .expect("report");
    s.apply_action(
        &f.office,
        id,
        &CaseAction::Accept {
            passed: true,
            note: String::new(),
        },
        &[],
        now,
    )
    .await
    .expect("accept");
    let early_close = s
        .apply_action(
            &f.office,
            id,
            &CaseAction::Close {
                note: String::new(),
            },
            &[],
            now,
        )
        .await;
    assert!(matches!(
        early_close,
        Err(StoreError::Refused(
            minewatch_core::Refusal::OutOfOrder { .. }
        ))
    ));
    s.apply_action(
        &f.dept_police,
        id,
        &CaseAction::PoliceFiled {
            receipt_no: "立1号".into(),
        },
        &[],
        now,
    )
    .await
    .expect_err("police dept cannot see an NR case");
    s.apply_action(
        &f.office,
        id,
        &CaseAction::PoliceFiled {
            receipt_no: "立1号".into(),
        },
        &[],
        now,
    )
    .await
    .expect("receipt");
    let row = s
        .apply_action(
            &f.office,
            id,
            &CaseAction::Close {
                note: "销号".into(),
            },
            &[],
            now,
        )
        .await
        .expect("close");
    assert_eq!(row.status, "closed");
    assert_eq!(row.fine_fen, 2_000_000);
    let dash = s
        .dashboard(&f.office, now.date_naive())
        .await
        .expect("dash");
    assert_eq!(
        (dash.closed, dash.fine_fen, dash.confiscation_fen),
        (1, 2_000_000, 50_000)
    );
    assert_eq!(s.blobs().get(&photo.sha256).expect("bytes"), b"photo-bytes");
    let detail = s
        .case_detail(&f.office, id, now.date_naive())
        .await
        .expect("detail");
    assert!(
        detail
            .events
            .iter()
            .any(|e| e.attachments == vec![photo.sha256.clone()])
    );
    event_count(&f).await;
}

on_both!(
    clue_merging_and_recurrence,
    the_random_look_back_is_the_seeded_draw,
    a_clue_joins_only_a_case_its_filer_may_see,
    refused_steps_change_nothing,
    rights_matrix,
    overdue_escalates_once,
    chain_survives_concurrent_writers,
    tampering_is_detected,
    state_tampering_is_detected,
    full_handling_with_measures,
);
