//! 待办 in the store, on SQLite and PostgreSQL: each role's list holds exactly the steps it
//! takes on the records of its area, overdue first, and an item leaves once its step is taken.

use chrono::{NaiveDate, TimeZone, Utc};
use minewatch_core::patrol::duty::DutySettings;
use minewatch_core::todo::{TodoItem, TodoKind};
use minewatch_core::{CaseAction, ClueSource, ProblemKind, Role, Severity};
use minewatch_store::{Actor, NewClue, NewPatrolRecord, PatchFilter, PatrolStep, ReportBody};

#[macro_use]
mod common;
use common::{at, d, open_store};

/// Kinds of items taken on cases.
const CASE: &[TodoKind] = &[
    TodoKind::VerifyCase,
    TodoKind::DecideCase,
    TodoKind::FinishRectification,
    TodoKind::AcceptCase,
    TodoKind::SuperviseOverdue,
    TodoKind::CloseCase,
    TodoKind::LookBack,
];
/// Kinds of items taken on patrol records.
const PATROL: &[TodoKind] = &[TodoKind::SignPatrol, TodoKind::ConfirmPatrol];

/// The kinds listed for one record of a family (ids count separately per table).
fn kinds_of(items: &[TodoItem], family: &[TodoKind], subject_id: i64) -> Vec<TodoKind> {
    items
        .iter()
        .filter(|i| i.subject_id == subject_id && family.contains(&i.kind))
        .map(|i| i.kind)
        .collect()
}

fn has(items: &[TodoItem], kind: TodoKind) -> Vec<i64> {
    items
        .iter()
        .filter(|i| i.kind == kind)
        .map(|i| i.subject_id)
        .collect()
}

async fn each_role_sees_its_own_next_steps(pg: bool) {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, _) = open_store(pg, &dir).await;
    let common::TestCounty {
        county,
        t_jia,
        t_yi,
        v1,
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
    let head = mk("乙主任(村委会主任)", Role::Village, Some(t_jia), Some(v1)).await;
    let mut settings = DutySettings::starting(d(1));
    settings.proxy_signing = true;
    store
        .set_duty_settings(&office, &settings, at(1))
        .await
        .expect("settings");

    // 10:00 on the 11th: today's daily report is owed by 一村's grid, and only by it.
    let now = at(11);
    let todo = store.todo(&village, now).await.expect("todo");
    assert_eq!(has(&todo, TodoKind::FileZeroReport), [grids[0]]);
    assert_eq!(todo[0].due_on, Some(d(11)));
    // 甲镇 owes only last week's dispatch (reports were owed from the 1st, a Friday).
    let town_todo = store.todo(&town_jia, now).await.expect("todo");
    assert_eq!(has(&town_todo, TodoKind::FileDispatch), [t_jia]);
    assert_eq!(town_todo.len(), 1, "{town_todo:?}");
    assert_eq!(town_todo[0].due_on, Some(d(8)));

    // A clue opens a case in 甲镇: 甲镇 verifies it, by the verification deadline.
    let out = store
        .file_clue(
            &village,
            &NewClue {
                source: ClueSource::Patrol,
                township_id: t_jia,
                village_id: Some(v1),
                address: "后山沟口".into(),
                lon: Some(112.02),
                lat: Some(36.02),
                observed_at: None,
                description: "夜间有挖掘机作业".into(),
                problem_kind: ProblemKind::UnlicensedMining,
                severity: Severity::General,
                reporter_name: String::new(),
                reporter_phone: String::new(),
                attachments: Vec::new(),
            },
            now,
        )
        .await
        .expect("clue");
    let case = out.case_id.0;
    let detail = store
        .case_detail(&town_jia, out.case_id, d(11))
        .await
        .expect("case");
    let verify_by =
        NaiveDate::parse_from_str(detail.case.due_on.as_deref().expect("due"), "%Y-%m-%d")
            .expect("date");
    let todo = store.todo(&town_jia, now).await.expect("todo");
    assert_eq!(kinds_of(&todo, CASE, case), [TodoKind::VerifyCase]);
    let item = todo
        .iter()
        .find(|i| i.subject_id == case && CASE.contains(&i.kind))
        .expect("item");
    assert_eq!(item.subject, detail.case.number);
    assert_eq!(item.due_on, Some(verify_by));
    assert!(kinds_of(&store.todo(&town_yi, now).await.expect("todo"), CASE, case).is_empty());
    let village_todo = store.todo(&village, now).await.expect("todo");
    assert!(
        kinds_of(&village_todo, CASE, case).is_empty(),
        "a village does not verify: {village_todo:?}"
    );
    assert!(
        kinds_of(&store.todo(&office, now).await.expect("todo"), CASE, case).is_empty(),
        "verifying is the township's step until it is overdue"
    );

    // Filed: the report leaves the village's list.
    store
        .file_zero_report(
            &village,
            grids[0],
            d(11),
            &ReportBody::NothingFound {
                note: String::new(),
            },
            now,
        )
        .await
        .expect("report");
    assert!(
        has(
            &store.todo(&village, now).await.expect("todo"),
            TodoKind::FileZeroReport
        )
        .is_empty()
    );

    // Past the deadline the verification is overdue and heads the list; once escalated the
    // county office chases it.
    let late = Utc.from_utc_datetime(
        &verify_by
            .succ_opt()
            .and_then(|x| x.succ_opt())
            .expect("day")
            .and_hms_opt(2, 0, 0)
            .expect("time"),
    );
    let todo = store.todo(&town_jia, late).await.expect("todo");
    assert_eq!(todo[0].kind, TodoKind::VerifyCase);
    assert!(todo[0].overdue(verify_by.succ_opt().expect("day")));
    let escalated = store
        .escalate_overdue(late + chrono::Duration::days(30))
        .await
        .expect("sweep");
    assert_eq!(escalated, 1);
    let todo = store.todo(&office, late).await.expect("todo");
    assert_eq!(kinds_of(&todo, CASE, case), [TodoKind::SuperviseOverdue]);

    // Verified, the case waits for 甲镇's decision.
    store
        .apply_action(
            &town_jia,
            out.case_id,
            &CaseAction::Verify {
                founded: true,
                note: "现场核实属实".into(),
            },
            &[],
            late,
        )
        .await
        .expect("verify");
    assert_eq!(
        kinds_of(
            &store.todo(&town_jia, late).await.expect("todo"),
            CASE,
            case
        ),
        [TodoKind::DecideCase]
    );

    // A patrol record: the village head signs, the township's cadre signs, then the
    // township confirms; each sees only its own step.
    let id = store
        .add_patrol_record(
            &village,
            &NewPatrolRecord {
                village_id: v1,
                patrolled_on: d(11),
                address: "一村后山沟口".into(),
                situation: "沿沟巡查2公里".into(),
                ..NewPatrolRecord::default()
            },
            now,
        )
        .await
        .expect("record");
    let todo = store.todo(&head, now).await.expect("todo");
    assert_eq!(kinds_of(&todo, PATROL, id), [TodoKind::SignPatrol]);
    let item = todo
        .iter()
        .find(|i| i.subject_id == id && i.kind == TodoKind::SignPatrol);
    assert!(
        item.is_some_and(|i| i.subject.ends_with("（乙主任）")),
        "the item names who signs: {item:?}"
    );
    assert_eq!(
        kinds_of(&store.todo(&town_jia, now).await.expect("todo"), PATROL, id),
        [TodoKind::SignPatrol]
    );
    store
        .sign_patrol_record(&head, id, PatrolStep::HeadSigns, now)
        .await
        .expect("head");
    store
        .sign_patrol_record(&town_jia, id, PatrolStep::CadreSigns, now)
        .await
        .expect("cadre");
    assert!(kinds_of(&store.todo(&head, now).await.expect("todo"), PATROL, id).is_empty());
    assert_eq!(
        kinds_of(&store.todo(&town_jia, now).await.expect("todo"), PATROL, id),
        [TodoKind::ConfirmPatrol]
    );
    store
        .sign_patrol_record(&town_jia, id, PatrolStep::TownshipConfirms, now)
        .await
        .expect("confirm");
    assert!(kinds_of(&store.todo(&town_jia, now).await.expect("todo"), PATROL, id).is_empty());
}

/// Over the demo county: what each list holds agrees with the records themselves — every
/// pending patch of a village is on its list, every tip not yet accepted on the office's,
/// every unanswered lead on its township's — and nothing is listed twice.
async fn the_demo_lists_agree_with_the_records(pg: bool) {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, _) = open_store(pg, &dir).await;
    let now = at(20);
    let summary = minewatch_store::demo::build(&store, now, "-")
        .await
        .expect("demo");
    let users = store.users(summary.county_id).await.expect("users");
    let actor_of = async |role: Role| -> Vec<Actor> {
        let mut out = Vec::new();
        for u in users.iter().filter(|u| u.role == role) {
            // Inactive accounts (the public desk) act for no one.
            if let Ok(a) = store.actor(u.id).await {
                out.push(a);
            }
        }
        out
    };
    let today = minewatch_core::clock::local_date(now);
    let mut checked = 0;
    for village in actor_of(Role::Village).await {
        let todo = store.todo(&village, now).await.expect("todo");
        let pending: Vec<i64> = store
            .patches(
                &village,
                &PatchFilter {
                    status: Some("pending".into()),
                    ..PatchFilter::default()
                },
            )
            .await
            .expect("patches")
            .iter()
            .map(|p| p.id.0)
            .collect();
        let mut listed = has(&todo, TodoKind::FileEvidence);
        listed.sort_unstable();
        let mut pending_sorted = pending.clone();
        pending_sorted.sort_unstable();
        assert_eq!(listed, pending_sorted, "{}", village.display_name);
        checked += pending.len();
    }
    assert!(checked > 0, "the demo has patches awaiting field evidence");

    let office = actor_of(Role::CountyOffice).await.remove(0);
    let todo = store.todo(&office, now).await.expect("todo");
    let unaccepted: Vec<i64> = store
        .tips(&office, today)
        .await
        .expect("tips")
        .iter()
        .filter(|t| t.accepted_at.is_none())
        .map(|t| t.id)
        .collect();
    assert!(!unaccepted.is_empty(), "the demo has tips not yet accepted");
    assert_eq!(
        has(&todo, TodoKind::AcceptTip),
        unaccepted_sorted(&todo, &unaccepted)
    );
    let mut seen = std::collections::HashSet::new();
    for i in &todo {
        assert!(seen.insert((i.kind, i.subject_id)), "listed twice: {i:?}");
    }
    // Overdue first, then by the day due.
    let dues: Vec<Option<NaiveDate>> = todo.iter().map(|i| i.due_on).collect();
    let mut sorted = dues.clone();
    sorted.sort_by_key(|d| (d.is_none(), *d));
    assert_eq!(dues, sorted);

    let mut leads_checked = 0;
    for town in actor_of(Role::Township).await {
        let todo = store.todo(&town, now).await.expect("todo");
        let open: Vec<i64> = store
            .leads(&town, None)
            .await
            .expect("leads")
            .iter()
            .filter(|l| l.answer.is_empty() && l.conclusion.is_empty())
            .map(|l| l.id)
            .collect();
        let mut listed = has(&todo, TodoKind::AnswerLead);
        listed.sort_unstable();
        let mut open_sorted = open.clone();
        open_sorted.sort_unstable();
        assert_eq!(listed, open_sorted, "{}", town.display_name);
        leads_checked += open.len();
    }
    assert!(leads_checked > 0, "the demo plants a lead to answer");
}

/// The accept-tip items of `todo` in list order, checked to be exactly `ids`.
fn unaccepted_sorted(todo: &[TodoItem], ids: &[i64]) -> Vec<i64> {
    let listed = has(todo, TodoKind::AcceptTip);
    let mut a = listed.clone();
    a.sort_unstable();
    let mut b = ids.to_vec();
    b.sort_unstable();
    assert_eq!(a, b);
    listed
}

on_both!(
    each_role_sees_its_own_next_steps,
    the_demo_lists_agree_with_the_records
);
