//! Acceptance of May in the store, on SQLite and PostgreSQL: 甲镇 leaves a key problem open,
//! overdue and banned without its cuts and clears, a tip never accepted and its Friday
//! dispatch unsent, so each of those items names what keeps it unmet; 乙街道 closed its case,
//! did its look-back on time and sent its dispatch, so all is met. The office decides only
//! once May is over, needs a reason to fail a township or to pass one with items unmet, and a
//! township reads its own checklist only.

use chrono::NaiveDate;
use minewatch_core::acceptance::{Acceptance, Check};
use minewatch_core::dispatch::DispatchText;
use minewatch_core::{CaseAction, ClueSource, Decision, ProblemKind, Role, Severity};
use minewatch_store::{DecisionForm, NewClue, NewTip, StoreError, TipChannel};

#[macro_use]
mod common;
use common::{day, on, open_store};

fn clue(township_id: i64, village_id: i64, severity: Severity, lat: f64) -> NewClue {
    NewClue {
        source: ClueSource::SuperiorInspection,
        township_id,
        village_id: Some(village_id),
        address: "后山沟口".into(),
        lon: Some(112.02),
        lat: Some(lat),
        observed_at: None,
        description: "夜间有挖掘机作业".into(),
        problem_kind: ProblemKind::UnlicensedMining,
        severity,
        reporter_name: String::new(),
        reporter_phone: String::new(),
        attachments: Vec::new(),
    }
}

fn decide(decision: Decision, deadline: NaiveDate) -> CaseAction {
    CaseAction::Decide {
        decision,
        measures: "立即停止违法行为".into(),
        deadline,
        responsible_unit: "镇人民政府".into(),
        responsible_person: "张某".into(),
    }
}

fn unmet(a: &Acceptance, township: i64, check: Check) -> (Vec<i64>, Vec<NaiveDate>) {
    let t = a
        .townships
        .iter()
        .find(|t| t.township_id == township)
        .expect("township");
    let c = t.checks.iter().find(|c| c.check == check).expect("check");
    (c.cases.iter().map(|c| c.id).collect(), c.weeks.clone())
}

async fn a_phase_is_checked_and_decided(pg: bool) {
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
    let mk = async |name: &str, role: Role, t: Option<i64>| {
        common::user(&store, county, name, role, t, None, None, on(3, 1)).await
    };
    let office = mk("office", Role::CountyOffice, None).await;
    let town_jia = mk("tj", Role::Township, Some(t_jia)).await;
    let town_yi = mk("ty", Role::Township, Some(t_yi)).await;
    let act = async |case, action: CaseAction, at| {
        store
            .apply_action(&office, case, &action, &[], at)
            .await
            .unwrap_or_else(|e| panic!("{action:?}: {e}"));
    };

    // 乙街道 closed its case in April; its one-month look-back falls due on 10 May and is done.
    let b = store
        .file_clue(&office, &clue(t_yi, v3, Severity::Key, 36.10), on(4, 1))
        .await
        .expect("clue")
        .case_id;
    act(
        b,
        CaseAction::Verify {
            founded: true,
            note: "属实".into(),
        },
        on(4, 2),
    )
    .await;
    act(b, decide(Decision::Rectify, day(4, 30)), on(4, 3)).await;
    act(
        b,
        CaseAction::ReportRectified {
            note: "已回填".into(),
        },
        on(4, 6),
    )
    .await;
    act(
        b,
        CaseAction::Accept {
            passed: true,
            note: String::new(),
        },
        on(4, 8),
    )
    .await;
    act(
        b,
        CaseAction::Close {
            note: String::new(),
        },
        on(4, 10),
    )
    .await;
    act(
        b,
        CaseAction::LookBack {
            recurrence: false,
            note: "未见复采".into(),
        },
        on(5, 10),
    )
    .await;

    // 甲镇: a key problem banned on 4 May, due 20 May, nothing cut or cleared.
    let a = store
        .file_clue(&office, &clue(t_jia, v1, Severity::Key, 36.02), on(5, 2))
        .await
        .expect("clue")
        .case_id;
    act(
        a,
        CaseAction::Verify {
            founded: true,
            note: "属实".into(),
        },
        on(5, 3),
    )
    .await;
    act(a, decide(Decision::Ban, day(5, 20)), on(5, 4)).await;
    // A citizen's tip in 甲镇, never accepted.
    store
        .submit_tip(
            county,
            None,
            &NewTip {
                channel: TipChannel::Web,
                description: "河滩夜里有人挖沙".into(),
                problem_kind: ProblemKind::RiverSand,
                township_id: Some(t_jia),
                village_id: Some(v1),
                address: "河滩".into(),
                lon: Some(112.05),
                lat: Some(36.30),
                observed_at: None,
                photos: vec![],
                name: String::new(),
                phone: String::new(),
                source_hash: "device-9".into(),
                call_at: None,
            },
            on(5, 12),
        )
        .await
        .expect("tip");
    // 乙街道 sends its dispatch on Friday 29 May; 甲镇 sends none.
    store
        .save_dispatch(
            &town_yi,
            day(5, 29),
            &DispatchText {
                work_done: "夜查两次".into(),
                signed_by: "乙街道主任".into(),
                ..DispatchText::default()
            },
            true,
            on(5, 29),
        )
        .await
        .expect("dispatch");

    let may = store
        .acceptance(&office, day(5, 1), day(5, 31), on(6, 2))
        .await
        .expect("checklist");
    assert_eq!(may.as_of, day(5, 31));
    assert_eq!(unmet(&may, t_jia, Check::KeyHazardsClosed).0, [a.0]);
    assert_eq!(unmet(&may, t_jia, Check::CutsAndClears).0, [a.0]);
    let tip_case = unmet(&may, t_jia, Check::TipsOnTime).0;
    assert_eq!(tip_case.len(), 1);
    // Overdue: the banned case past 20 May, and the tip's case never verified in time.
    let mut overdue = unmet(&may, t_jia, Check::NothingOverdue).0;
    overdue.sort_unstable();
    let mut want = vec![a.0, tip_case[0]];
    want.sort_unstable();
    assert_eq!(overdue, want);
    assert_eq!(unmet(&may, t_jia, Check::DispatchesFiled).1, [day(5, 29)]);
    let yi = may
        .townships
        .iter()
        .find(|t| t.township_id == t_yi)
        .expect("乙");
    assert!(yi.all_met(), "{yi:?}");
    // Read while May ran (on 15 May), the dispatch of 29 May is not yet owed and 20 May's
    // deadline not yet passed.
    let mid = store
        .acceptance(&office, day(5, 1), day(5, 31), on(5, 15))
        .await
        .expect("mid-phase");
    assert_eq!(mid.as_of, day(5, 15));
    assert!(!unmet(&mid, t_jia, Check::NothingOverdue).0.contains(&a.0));
    assert!(unmet(&mid, t_jia, Check::DispatchesFiled).1.is_empty());

    // Deciding: not while May runs; a reason to fail, or to pass with items unmet.
    let form = |township_id, passed, note: &str| DecisionForm {
        township_id,
        passed,
        note: note.into(),
    };
    let field = |r: Result<_, StoreError>| match r {
        Err(StoreError::Invalid { field, .. }) => field,
        other => panic!("expected a refusal naming a field, got {other:?}"),
    };
    assert_eq!(
        field(
            store
                .decide_acceptance(
                    &office,
                    day(5, 1),
                    day(5, 31),
                    &form(t_yi, true, ""),
                    on(5, 31)
                )
                .await
        ),
        "to"
    );
    assert_eq!(
        field(
            store
                .decide_acceptance(
                    &office,
                    day(5, 1),
                    day(5, 31),
                    &form(t_jia, true, ""),
                    on(6, 2)
                )
                .await
        ),
        "note"
    );
    assert_eq!(
        field(
            store
                .decide_acceptance(
                    &office,
                    day(5, 1),
                    day(5, 31),
                    &form(t_jia, false, " "),
                    on(6, 2)
                )
                .await
        ),
        "note"
    );
    let passed = store
        .decide_acceptance(
            &office,
            day(5, 1),
            day(5, 31),
            &form(t_yi, true, ""),
            on(6, 2),
        )
        .await
        .expect("pass 乙");
    assert!(passed.decision.as_ref().is_some_and(|d| d.passed));
    store
        .decide_acceptance(
            &office,
            day(5, 1),
            day(5, 31),
            &form(t_jia, false, "重点问题未销号，取缔不到位"),
            on(6, 2),
        )
        .await
        .expect("fail 甲");
    // Decided again, it replaces the last.
    store
        .decide_acceptance(
            &office,
            day(5, 1),
            day(5, 31),
            &form(t_jia, false, "限6月15日前整改到位后复验"),
            on(6, 3),
        )
        .await
        .expect("again");
    assert!(matches!(
        store
            .decide_acceptance(
                &town_jia,
                day(5, 1),
                day(5, 31),
                &form(t_jia, true, "x"),
                on(6, 2)
            )
            .await,
        Err(StoreError::Forbidden(_))
    ));

    // A township reads its own, with the decision.
    let own = store
        .acceptance(&town_jia, day(5, 1), day(5, 31), on(6, 3))
        .await
        .expect("own");
    assert_eq!(own.townships.len(), 1);
    let d = own.townships[0].decision.as_ref().expect("decided");
    assert!(!d.passed);
    assert_eq!(d.note, "限6月15日前整改到位后复验");
    assert!(matches!(
        store
            .acceptance(&office, day(5, 31), day(5, 1), on(6, 3))
            .await,
        Err(StoreError::Invalid { field: "to", .. })
    ));
}

on_both!(a_phase_is_checked_and_decided);
