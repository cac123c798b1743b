//! 周调度 in the store, on SQLite and PostgreSQL: the form is prefilled from the ledger; it
//! is submitted only complete, and frozen once submitted; what happens after a submission
//! counts in the next week, never twice and never lost; the county sees every township.

use chrono::Duration;
use minewatch_core::dispatch::{DispatchStanding, DispatchText};
use minewatch_core::patrol::duty::DutySettings;
use minewatch_core::todo::TodoKind;
use minewatch_core::{CaseAction, ClueSource, ProblemKind, Role, Severity};
use minewatch_store::{Actor, NewClue, ReportBody, Store, StoreError};

#[macro_use]
mod common;
use common::{at, d, open_store};

fn clue(township_id: i64, village_id: i64, what: &str) -> NewClue {
    NewClue {
        source: ClueSource::Patrol,
        township_id,
        village_id: Some(village_id),
        address: "后山沟口".into(),
        lon: Some(112.02),
        lat: Some(36.02),
        observed_at: None,
        description: what.into(),
        problem_kind: ProblemKind::UnlicensedMining,
        severity: Severity::General,
        reporter_name: String::new(),
        reporter_phone: String::new(),
        attachments: Vec::new(),
    }
}

fn numbers(cases: &[minewatch_core::dispatch::CountedCase]) -> Vec<i64> {
    cases.iter().map(|c| c.id).collect()
}

fn complete() -> DispatchText {
    DispatchText {
        work_done: "组织巡查3次，核查线索1条".into(),
        problems: "山区信号差".into(),
        next_week: "夜间巡查".into(),
        overdue_reasons: "核查人员抽调，下周一前完成".into(),
        signed_by: "甲镇长".into(),
    }
}

fn field_of(result: Result<minewatch_store::DispatchRow, StoreError>) -> &'static str {
    match result {
        Err(StoreError::Invalid { field, .. }) => field,
        other => panic!("expected a refusal naming a field, got {other:?}"),
    }
}

async fn a_week_is_prefilled_submitted_and_frozen(pg: bool) {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, _) = open_store(pg, &dir).await;
    let common::TestCounty {
        county,
        t_jia,
        t_yi,
        v1,
        v3,
        grids,
        ..
    } = common::test_county(&store).await;
    let mk = async |name: &str, role: Role, t: Option<i64>, v: Option<i64>| -> Actor {
        common::user(&store, county, name, role, t, v, None, at(1)).await
    };
    let office = mk("office", Role::CountyOffice, None, None).await;
    let town_jia = mk("tj", Role::Township, Some(t_jia), None).await;
    let town_yi = mk("ty", Role::Township, Some(t_yi), None).await;
    let village = mk("v1", Role::Village, Some(t_jia), Some(v1)).await;
    let village3 = mk("v3", Role::Village, Some(t_yi), Some(v3)).await;
    store
        .set_duty_settings(&office, &DutySettings::starting(d(9)), at(1))
        .await
        .expect("settings");
    // Reports are owed from Saturday 9 May; its week ends Friday 15 May 2026.
    let friday = d(15);

    // Monday: a clue opens a case in 甲镇, and 一村's grid files its daily report.
    let first = store
        .file_clue(&village, &clue(t_jia, v1, "夜间有挖掘机作业"), at(11))
        .await
        .expect("clue");
    store
        .file_clue(&village3, &clue(t_yi, v3, "河道采砂"), at(11))
        .await
        .expect("clue");
    store
        .file_zero_report(
            &village,
            grids[0],
            d(11),
            &ReportBody::NothingFound {
                note: String::new(),
            },
            at(11),
        )
        .await
        .expect("report");

    // An hour later (a window ends at its moment: what happens then counts in the next).
    let later = at(11) + Duration::hours(1);
    let row = store
        .dispatch(&town_jia, t_jia, friday, later)
        .await
        .expect("dispatch");
    assert_eq!(row.standing, DispatchStanding::Due);
    assert!(!row.frozen);
    let f = &row.figures;
    assert_eq!((f.from, f.to, f.as_of), (d(9), d(15), d(11)));
    assert_eq!(numbers(&f.opened), [first.case_id.0]);
    assert_eq!(f.clues(), 1);
    assert_eq!(f.clues_by_source[0].source, "patrol");
    assert_eq!(f.zero_reports_filed, 1);
    // Owed from Saturday 9 to Sunday 10 (Monday's may still come): 2 grids × 2 days.
    assert_eq!(f.zero_reports_missing, 4);
    let yi = store
        .dispatch(&town_yi, t_yi, friday, later)
        .await
        .expect("dispatch");
    assert!(!numbers(&yi.figures.opened).contains(&first.case_id.0));
    assert_eq!(yi.figures.opened.len(), 1);

    // Jurisdiction: 乙街道 does not read 甲镇's; a village reads none; not a Friday; ahead.
    assert!(matches!(
        store.dispatch(&town_yi, t_jia, friday, at(11)).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        store.dispatch(&village, t_jia, friday, at(11)).await,
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(
        field_of(store.dispatch(&office, t_jia, d(14), at(11)).await),
        "week"
    );
    assert_eq!(
        field_of(store.dispatch(&office, t_jia, d(22), at(11)).await),
        "week"
    );
    assert!(matches!(
        store
            .save_dispatch(&office, friday, &complete(), true, at(11))
            .await,
        Err(StoreError::Forbidden(_))
    ));

    // Thursday the dispatch is on 甲镇's to-do, due Friday; a draft keeps what was written.
    let todo = store.todo(&town_jia, at(14)).await.expect("todo");
    let item = todo
        .iter()
        .find(|i| i.kind == TodoKind::FileDispatch)
        .expect("dispatch on the to-do");
    assert_eq!(item.due_on, Some(friday));
    let mut text = DispatchText {
        work_done: "组织巡查".into(),
        ..DispatchText::default()
    };
    let row = store
        .save_dispatch(&town_jia, friday, &text, false, at(14))
        .await
        .expect("draft");
    assert_eq!(row.standing, DispatchStanding::Draft);
    assert_eq!(row.text.work_done, "组织巡查");

    // Submitting needs the signing official; a refused submission leaves the draft as it was.
    text.problems = "改过的".into();
    assert_eq!(
        field_of(
            store
                .save_dispatch(&town_jia, friday, &text, true, at(14))
                .await
        ),
        "signed_by"
    );
    let kept = store
        .dispatch(&town_jia, t_jia, friday, at(14))
        .await
        .expect("dispatch");
    assert_eq!(
        kept.text.problems, "",
        "a refused submission changed the draft"
    );
    assert_eq!(kept.standing, DispatchStanding::Draft);

    // Friday 10:00: submitted on time, frozen, its digest in the audited log.
    let submitted = store
        .save_dispatch(&town_jia, friday, &complete(), true, at(15))
        .await
        .expect("submit");
    assert_eq!(submitted.standing, DispatchStanding::OnTime);
    assert!(submitted.frozen);
    assert_eq!(submitted.submitted_by.as_deref(), Some("tj"));
    assert_eq!(numbers(&submitted.figures.opened), [first.case_id.0]);
    assert_eq!(submitted.figures.counted_to, at(15));
    assert!(
        store
            .todo(&town_jia, at(15))
            .await
            .expect("todo")
            .iter()
            .all(|i| i.kind != TodoKind::FileDispatch)
    );
    assert!(store.audit_verify().await.expect("audit").is_ok());

    // Friday afternoon: a case is rectified-reported and another opened. The submitted week
    // stays as signed; the next week counts them.
    let afternoon = at(15) + Duration::hours(5);
    let second = store
        .file_clue(
            &village,
            &NewClue {
                lon: Some(112.3),
                address: "村东河滩".into(),
                ..clue(t_jia, v1, "河滩又发现盗采")
            },
            afternoon,
        )
        .await
        .expect("clue");
    store
        .apply_action(
            &town_jia,
            first.case_id,
            &CaseAction::Verify {
                founded: false,
                note: "现场为正常农业取土".into(),
            },
            &[],
            afternoon,
        )
        .await
        .expect("verify");
    let again = store
        .dispatch(&office, t_jia, friday, at(20))
        .await
        .expect("dispatch");
    assert_eq!(again.figures, submitted.figures, "a submitted week changed");
    assert_eq!(again.standing, DispatchStanding::OnTime);
    assert_eq!(
        field_of(
            store
                .save_dispatch(&town_jia, friday, &complete(), true, at(16))
                .await
        ),
        "week"
    );
    let next = store
        .dispatch(&town_jia, t_jia, d(22), at(20))
        .await
        .expect("next week");
    assert_eq!(
        next.text.signed_by, "甲镇长",
        "the last signer is offered again"
    );
    assert!(next.text.work_done.is_empty());
    assert_eq!(next.figures.counted_from, at(15));
    assert_eq!(numbers(&next.figures.opened), [second.case_id.0]);
    assert_eq!(next.figures.clues(), 1);

    // The county roll-up: every township, 甲镇 submitted and 乙街道 flagged missing once the
    // Friday has passed.
    let rollup = store
        .dispatch_rollup(&office, friday, at(18))
        .await
        .expect("rollup");
    let standing: Vec<(i64, DispatchStanding)> =
        rollup.iter().map(|r| (r.township_id, r.standing)).collect();
    assert_eq!(
        standing,
        [
            (t_jia, DispatchStanding::OnTime),
            (t_yi, DispatchStanding::Missing)
        ]
    );
    assert!(matches!(
        store.dispatch_rollup(&town_jia, friday, at(18)).await,
        Err(StoreError::Forbidden(_))
    ));

    // 乙街道 missed its Friday: on its to-do at once; submitted Monday, it is late. Weeks go in
    // order: the next one is refused until this one is in.
    let todo = store.todo(&town_yi, at(18)).await.expect("todo");
    assert!(
        todo.iter()
            .any(|i| i.kind == TodoKind::FileDispatch && i.due_on == Some(friday)),
        "{todo:?}"
    );
    let late = store
        .save_dispatch(&town_yi, friday, &complete(), true, at(18))
        .await
        .expect("late");
    assert_eq!(late.standing, DispatchStanding::Late);
    assert_eq!(
        field_of(
            store
                .save_dispatch(&town_yi, d(29), &complete(), true, at(29))
                .await
        ),
        "week",
        "the week ending 22 May was skipped"
    );
    // A week before the first submitted one can no longer go in.
    assert_eq!(
        field_of(
            store
                .save_dispatch(&town_yi, d(8), &complete(), true, at(18))
                .await
        ),
        "week"
    );
    history_is_newest_first(&store, &town_jia, t_jia).await;
}

async fn history_is_newest_first(store: &Store, town: &Actor, township: i64) {
    let history = store
        .dispatch_history(town, township, at(20))
        .await
        .expect("history");
    assert_eq!(history.len(), minewatch_store::HISTORY_WEEKS);
    assert_eq!(history[0].week_ending, d(22));
    assert_eq!(history[1].week_ending, d(15));
    assert_eq!(history[1].standing, DispatchStanding::OnTime);
}

async fn overdue_cases_must_be_explained(pg: bool) {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, _) = open_store(pg, &dir).await;
    let common::TestCounty {
        county, t_jia, v1, ..
    } = common::test_county(&store).await;
    let town = common::user(
        &store,
        county,
        "tj",
        Role::Township,
        Some(t_jia),
        None,
        None,
        at(1),
    )
    .await;
    let village = common::user(
        &store,
        county,
        "v1",
        Role::Village,
        Some(t_jia),
        Some(v1),
        None,
        at(1),
    )
    .await;
    let out = store
        .file_clue(&village, &clue(t_jia, v1, "夜间有挖掘机作业"), at(1))
        .await
        .expect("clue");
    // Three weeks on, the verification deadline has passed and the case counts as overdue.
    let friday = d(22);
    let row = store
        .dispatch(&town, t_jia, friday, at(22))
        .await
        .expect("dispatch");
    assert_eq!(numbers(&row.figures.overdue), [out.case_id.0]);
    assert_eq!(
        field_of(
            store
                .save_dispatch(
                    &town,
                    friday,
                    &DispatchText {
                        overdue_reasons: " ".into(),
                        ..complete()
                    },
                    true,
                    at(22)
                )
                .await
        ),
        "overdue_reasons"
    );
    let text = DispatchText {
        overdue_reasons: "当事人外出，已约定下周复查".into(),
        ..complete()
    };
    let row = store
        .save_dispatch(&town, friday, &text, true, at(22))
        .await
        .expect("submit");
    assert_eq!(row.text.overdue_reasons, text.overdue_reasons);
}

on_both!(
    a_week_is_prefilled_submitted_and_frozen,
    overdue_cases_must_be_explained
);
