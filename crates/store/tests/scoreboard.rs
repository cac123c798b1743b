//! 八个一批 in the store, on SQLite and PostgreSQL: for May, a key case banned, fined and closed
//! in 甲镇 counts once under 重大隐患整改, 违法行为打击, 违规企业查处 (a firm's problem) and 企业关闭;
//! a case in 乙街道 sent to the police and to the discipline inspectors counts under 违法行为打击
//! and 单位问责; what happens in June does not count in May; the register takes the three
//! tallies the ledger does not hold — a township's own only, the county's at the county line —
//! refuses what is not one of them, an empty title or a day to come, and a withdrawn entry
//! counts no more.

use chrono::NaiveDate;
use minewatch_core::ledger::case::MeasureStep;
use minewatch_core::scoreboard::{Scoreboard, Tally};
use minewatch_core::{CaseAction, ClueSource, Decision, ProblemKind, Role, Severity};
use minewatch_store::{NewCampaignResult, NewClue, StoreError};

#[macro_use]
mod common;
use common::{day, on, open_store};

fn clue(
    township_id: i64,
    village_id: i64,
    kind: ProblemKind,
    severity: Severity,
    lat: f64,
) -> NewClue {
    NewClue {
        source: ClueSource::SuperiorInspection,
        township_id,
        village_id: Some(village_id),
        address: "后山沟口".into(),
        lon: Some(112.02),
        lat: Some(lat),
        observed_at: None,
        description: "夜间有挖掘机作业".into(),
        problem_kind: kind,
        severity,
        reporter_name: String::new(),
        reporter_phone: String::new(),
        attachments: Vec::new(),
    }
}

fn ids(board: &Scoreboard, township: Option<i64>, tally: Tally) -> Vec<i64> {
    let line = board
        .lines
        .iter()
        .find(|l| l.township_id == township)
        .expect("line");
    let t = line.tally(tally).expect("tally");
    t.cases
        .iter()
        .map(|c| c.id)
        .chain(t.records.iter().map(|r| r.id))
        .collect()
}

fn decide(decision: Decision) -> CaseAction {
    CaseAction::Decide {
        decision,
        measures: "立即停止违法行为，依法查处".into(),
        deadline: day(6, 28),
        responsible_unit: "甲镇人民政府".into(),
        responsible_person: "张某".into(),
    }
}

fn result(tally: &str, township_id: Option<i64>, title: &str, on: NaiveDate) -> NewCampaignResult {
    NewCampaignResult {
        tally: tally.into(),
        township_id,
        title: title.into(),
        happened_on: Some(on),
        reference: "县融媒体中心 2026-05-10".into(),
        case_id: None,
        note: String::new(),
    }
}

fn field_of<T: std::fmt::Debug>(r: Result<T, StoreError>) -> &'static str {
    match r {
        Err(StoreError::Invalid { field, .. }) => field,
        other => panic!("expected a refusal naming a field, got {other:?}"),
    }
}

async fn a_phase_is_tallied_from_the_ledger_and_the_register(pg: bool) {
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
    let mk = async |name: &str, role: Role, t: Option<i64>, v: Option<i64>| {
        common::user(&store, county, name, role, t, v, None, on(4, 1)).await
    };
    let office = mk("office", Role::CountyOffice, None, None).await;
    let inspector = mk("insp", Role::Inspector, None, None).await;
    let town_jia = mk("tj", Role::Township, Some(t_jia), None).await;
    let town_yi = mk("ty", Role::Township, Some(t_yi), None).await;
    let village = mk("v1", Role::Village, Some(t_jia), Some(v1)).await;
    let act = async |case, action: CaseAction, at| {
        store
            .apply_action(&office, case, &action, &[], at)
            .await
            .unwrap_or_else(|e| panic!("{action:?}: {e}"));
    };

    // 甲镇: a key problem at a licensed mine (越界), banned, fined, cut and cleared, closed.
    let a = store
        .file_clue(
            &office,
            &clue(
                t_jia,
                v1,
                ProblemKind::BoundaryOverstep,
                Severity::Key,
                36.02,
            ),
            on(5, 2),
        )
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
    act(a, decide(Decision::Ban), on(5, 4)).await;
    act(
        a,
        CaseAction::Penalty {
            fine_fen: 5_000_000,
            confiscation_fen: 0,
            document_no: "罚字〔2026〕12号".into(),
        },
        on(5, 6),
    )
    .await;
    for step in MeasureStep::ALL {
        act(
            a,
            CaseAction::Measure {
                step: *step,
                note: String::new(),
            },
            on(5, 8),
        )
        .await;
    }
    act(
        a,
        CaseAction::ReportRectified {
            note: "已拆除".into(),
        },
        on(5, 20),
    )
    .await;
    act(
        a,
        CaseAction::Accept {
            passed: true,
            note: String::new(),
        },
        on(5, 22),
    )
    .await;
    act(
        a,
        CaseAction::Close {
            note: String::new(),
        },
        on(5, 25),
    )
    .await;

    // 乙街道: sent to the police and to the discipline inspectors.
    let b = store
        .file_clue(
            &office,
            &clue(
                t_yi,
                v3,
                ProblemKind::UnlicensedMining,
                Severity::General,
                36.10,
            ),
            on(5, 2),
        )
        .await
        .expect("clue")
        .case_id;
    act(
        b,
        CaseAction::Verify {
            founded: true,
            note: "属实".into(),
        },
        on(5, 3),
    )
    .await;
    act(b, decide(Decision::Rectify), on(5, 5)).await;
    act(
        b,
        CaseAction::TransferDiscipline {
            note: "村干部参与".into(),
        },
        on(5, 7),
    )
    .await;
    act(
        b,
        CaseAction::TransferPolice {
            note: "涉嫌非法采矿罪".into(),
        },
        on(5, 8),
    )
    .await;

    // 甲镇 in June: closed down, which May does not count.
    let c = store
        .file_clue(
            &office,
            &clue(
                t_jia,
                v1,
                ProblemKind::LicensedMineSafety,
                Severity::General,
                36.05,
            ),
            on(5, 30),
        )
        .await
        .expect("clue")
        .case_id;
    act(
        c,
        CaseAction::Verify {
            founded: true,
            note: "属实".into(),
        },
        on(6, 1),
    )
    .await;
    act(c, decide(Decision::CloseDown), on(6, 2)).await;

    // The register: a township its own, the county its own; refusals name the field.
    let typical = store
        .record_campaign_result(
            &town_jia,
            &NewCampaignResult {
                case_id: Some(a.0),
                ..result("typical_cases", None, "甲镇越界开采案公开曝光", day(5, 10))
            },
            on(5, 10),
        )
        .await
        .expect("typical case");
    let rules = store
        .record_campaign_result(
            &office,
            &result("rules", None, "县矿产品运输管理办法", day(5, 15)),
            on(5, 15),
        )
        .await
        .expect("rules");
    let model = store
        .record_campaign_result(
            &office,
            &result("models", Some(t_yi), "乙街道网格巡查经验", day(5, 20)),
            on(5, 20),
        )
        .await
        .expect("model");
    assert!(matches!(
        store
            .record_campaign_result(
                &town_jia,
                &result("models", Some(t_yi), "x", day(5, 20)),
                on(5, 20)
            )
            .await,
        Err(StoreError::Forbidden(_))
    ));
    assert_eq!(
        field_of(
            store
                .record_campaign_result(
                    &office,
                    &result("closures", None, "x", day(5, 20)),
                    on(5, 20)
                )
                .await
        ),
        "tally"
    );
    assert_eq!(
        field_of(
            store
                .record_campaign_result(
                    &office,
                    &result("rules", None, "  ", day(5, 20)),
                    on(5, 20)
                )
                .await
        ),
        "title"
    );
    assert_eq!(
        field_of(
            store
                .record_campaign_result(&office, &result("rules", None, "x", day(5, 21)), on(5, 20))
                .await
        ),
        "happened_on"
    );
    assert!(matches!(
        store
            .record_campaign_result(&village, &result("rules", None, "x", day(5, 20)), on(5, 20))
            .await,
        Err(StoreError::Forbidden(_))
    ));
    // A typical case of another township's case is refused.
    assert_eq!(
        field_of(
            store
                .record_campaign_result(
                    &office,
                    &NewCampaignResult {
                        case_id: Some(b.0),
                        ..result("typical_cases", Some(t_jia), "x", day(5, 20))
                    },
                    on(5, 20),
                )
                .await
        ),
        "case_id"
    );

    let may = store
        .scoreboard(&office, day(5, 1), day(5, 31))
        .await
        .expect("board");
    assert_eq!(may.lines.len(), 3, "two townships and the county line");
    assert_eq!(ids(&may, Some(t_jia), Tally::KeyHazards), [a.0]);
    assert_eq!(ids(&may, Some(t_jia), Tally::IllegalActs), [a.0]);
    assert_eq!(
        ids(&may, Some(t_jia), Tally::Firms),
        [a.0],
        "decided and fined: once"
    );
    assert_eq!(ids(&may, Some(t_jia), Tally::Closures), [a.0]);
    assert_eq!(ids(&may, Some(t_jia), Tally::TypicalCases), [typical]);
    assert!(ids(&may, Some(t_jia), Tally::UnitsHeld).is_empty());
    assert_eq!(ids(&may, Some(t_yi), Tally::IllegalActs), [b.0]);
    assert_eq!(ids(&may, Some(t_yi), Tally::UnitsHeld), [b.0]);
    assert!(
        ids(&may, Some(t_yi), Tally::Firms).is_empty(),
        "无证开采 is no firm's"
    );
    assert!(
        ids(&may, Some(t_yi), Tally::Closures).is_empty(),
        "限期整改 closes nothing"
    );
    assert_eq!(ids(&may, Some(t_yi), Tally::Models), [model]);
    assert_eq!(ids(&may, None, Tally::Rules), [rules]);
    let totals = may.totals();
    let total = |t: Tally| totals.iter().find(|(x, _)| *x == t).map_or(0, |x| x.1);
    assert_eq!(total(Tally::IllegalActs), 2);
    assert_eq!(total(Tally::Rules), 1);

    // June counts June's closure only.
    let june = store
        .scoreboard(&office, day(6, 1), day(6, 30))
        .await
        .expect("june");
    assert_eq!(ids(&june, Some(t_jia), Tally::Closures), [c.0]);
    assert!(ids(&june, Some(t_jia), Tally::KeyHazards).is_empty());

    // A withdrawn entry stays in the register, marked, and counts no more.
    assert!(matches!(
        store
            .withdraw_campaign_result(&town_jia, model, "重复登记", on(5, 21))
            .await,
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(
        field_of(
            store
                .withdraw_campaign_result(&office, model, " ", on(5, 21))
                .await
        ),
        "reason"
    );
    store
        .withdraw_campaign_result(&office, model, "重复登记", on(5, 21))
        .await
        .expect("withdraw");
    assert_eq!(
        field_of(
            store
                .withdraw_campaign_result(&office, model, "again", on(5, 21))
                .await
        ),
        "id"
    );
    let may = store
        .scoreboard(&office, day(5, 1), day(5, 31))
        .await
        .expect("board");
    assert!(ids(&may, Some(t_yi), Tally::Models).is_empty());
    let listed = store
        .campaign_results(&town_yi, day(5, 1), day(5, 31))
        .await
        .expect("register");
    assert_eq!(listed.len(), 1, "乙街道 sees its own entry only");
    assert_eq!(listed[0].withdrawn_reason.as_deref(), Some("重复登记"));

    // Who reads what.
    let own = store
        .scoreboard(&town_jia, day(5, 1), day(5, 31))
        .await
        .expect("own");
    assert_eq!(own.lines.len(), 1);
    assert_eq!(own.lines[0].township_id, Some(t_jia));
    assert_eq!(
        store
            .scoreboard(&inspector, day(5, 1), day(5, 31))
            .await
            .expect("inspector")
            .lines
            .len(),
        3
    );
    assert!(matches!(
        store.scoreboard(&village, day(5, 1), day(5, 31)).await,
        Err(StoreError::Forbidden(_))
    ));
    assert_eq!(
        field_of(store.scoreboard(&office, day(5, 31), day(5, 1)).await),
        "to"
    );
}

on_both!(a_phase_is_tallied_from_the_ledger_and_the_register);
