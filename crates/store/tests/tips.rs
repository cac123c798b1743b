//! The public in the store, on SQLite and PostgreSQL: the holiday notice, tips placed,
//! routed and merged, their clocks in working days across a holiday and an adjusted
//! weekend, the tipster's progress by code and secret, and the identity seen only by the
//! reward officer with every view logged.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use geo::{Geometry, LineString, Polygon};
use minewatch_core::{CaseAction, ProblemKind, Role};
use minewatch_spatial::crs::Crs;
use minewatch_spatial::inputs::Fields;
use minewatch_spatial::read::{Feature, Layer};
use minewatch_store::{Actor, NewTip, RegisterLayer, Store, StoreError, TipChannel};

#[macro_use]
mod common;
use common::open_store;

/// `hour`:00 in Beijing on `y-m-d`.
fn bj(y: i32, m: u32, d: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, hour, 0, 0)
        .single()
        .expect("valid")
        - chrono::Duration::hours(8)
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

/// An invented notice for the test (not the State Council's): Sunday 27 September worked,
/// 1–7 October off, Saturday 10 October worked.
const NOTICE: &str = "# 测试用放假安排（虚构）\n2026-09-27,上班,调休\n2026-10-01,放假,国庆\n2026-10-02,放假,国庆\n2026-10-05,放假,国庆\n2026-10-06,放假,国庆\n2026-10-07,放假,国庆\n2026-10-10,上班,调休\n";

struct Fix {
    store: Store,
    _dir: tempfile::TempDir,
    county: i64,
    office: Actor,
    town_jia: Actor,
    town_yi: Actor,
    reward: Actor,
    inspector: Actor,
    department: Actor,
    t_jia: i64,
    v1: i64,
}

fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Geometry<f64> {
    Geometry::Polygon(Polygon::new(
        LineString::from(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]),
        vec![],
    ))
}

async fn fixture(pg: bool) -> Fix {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, _) = open_store(pg, &dir).await;
    let common::TestCounty {
        county,
        t_jia,
        t_yi,
        v1,
        ..
    } = common::test_county(&store).await;
    let departments = store.departments(county).await.expect("departments");
    let nr = departments
        .iter()
        .find(|d| d.code == "natural_resources")
        .map(|d| d.id);
    let at = bj(2026, 9, 1, 9);
    let mk = async |name: &str, role: Role, t: Option<i64>, dep: Option<i64>| {
        common::user(&store, county, name, role, t, None, dep, at).await
    };
    let office = mk("office", Role::CountyOffice, None, None).await;
    let fix = Fix {
        town_jia: mk("tj", Role::Township, Some(t_jia), None).await,
        town_yi: mk("ty", Role::Township, Some(t_yi), None).await,
        reward: mk("reward", Role::RewardOfficer, None, None).await,
        inspector: mk("inspector", Role::Inspector, None, None).await,
        department: mk("dep", Role::Department, None, nr).await,
        office,
        store,
        _dir: dir,
        county,
        t_jia,
        v1,
    };
    let grids = Layer {
        source: "grids.geojson".into(),
        crs: Crs::CGCS2000,
        encoding: None,
        features: [
            (
                rect(112.00, 36.00, 112.05, 36.05),
                [("乡镇", "甲镇"), ("村", "一村"), ("网格", "一村网格")],
            ),
            (
                rect(112.05, 36.00, 112.10, 36.05),
                [("乡镇", "乙街道"), ("村", "三社区"), ("网格", "三社区网格")],
            ),
        ]
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
    };
    fix.store
        .import_register(
            &fix.office,
            RegisterLayer::Grid,
            grids,
            &Fields::default(),
            at,
        )
        .await
        .expect("grid boundaries");
    fix
}

fn tip(lon: Option<f64>, lat: Option<f64>, text: &str) -> NewTip {
    NewTip {
        channel: TipChannel::Web,
        description: text.into(),
        problem_kind: ProblemKind::UnlicensedMining,
        township_id: None,
        village_id: None,
        address: "后山".into(),
        lon,
        lat,
        observed_at: None,
        photos: vec![],
        name: "王某".into(),
        phone: "13900001111".into(),
        source_hash: "device-1".into(),
        call_at: None,
    }
}

fn invalid_field<T: std::fmt::Debug>(r: Result<T, StoreError>) -> &'static str {
    match r {
        Err(StoreError::Invalid { field, .. }) => field,
        other => panic!("expected Invalid, got {other:?}"),
    }
}

async fn notice_and_clocks_across_a_holiday(pg: bool) {
    let f = fixture(pg).await;
    let s = &f.store;
    assert!(matches!(
        s.import_holiday_notice(&f.town_jia, NOTICE, bj(2026, 9, 1, 9))
            .await,
        Err(StoreError::Forbidden(_))
    ));
    match s
        .import_holiday_notice(
            &f.office,
            "2026-10-01,放假\n2026-10-09,上班\n",
            bj(2026, 9, 1, 9),
        )
        .await
    {
        Err(StoreError::BadFile(m)) => {
            assert!(m.contains("line 2") && m.contains("weekday"), "{m}");
        }
        other => panic!("expected BadFile, got {other:?}"),
    }
    assert!(
        s.calendar_days(f.county).await.expect("days").is_empty(),
        "a bad notice stores nothing"
    );
    assert_eq!(
        s.import_holiday_notice(&f.office, NOTICE, bj(2026, 9, 1, 9))
            .await
            .expect("notice"),
        7
    );

    // The office may set the clocks; a township may not, and nonsense is refused.
    let policy = s.tip_policy(f.county).await.expect("policy");
    assert_eq!(
        (policy.accept_days, policy.verify_days, policy.answer_days),
        (1, 10, 5)
    );
    assert!(matches!(
        s.set_tip_policy(&f.town_jia, &policy, bj(2026, 9, 1, 9))
            .await,
        Err(StoreError::Forbidden(_))
    ));
    let zero = minewatch_store::TipPolicy {
        verify_days: 0,
        ..policy
    };
    assert_eq!(
        invalid_field(s.set_tip_policy(&f.office, &zero, bj(2026, 9, 1, 9)).await),
        "verify_days"
    );
    s.set_tip_policy(&f.office, &policy, bj(2026, 9, 1, 9))
        .await
        .expect("same policy, stored");
    // Wednesday 30 September, 20:00: the next working day is Thursday 8 October.
    let receipt = s
        .submit_tip(
            f.county,
            None,
            &tip(Some(112.02), Some(36.02), "后山夜里有挖掘机挖矿"),
            bj(2026, 9, 30, 20),
        )
        .await
        .expect("tip");
    assert_eq!(receipt.accept_by, day("2026-10-08"));
    assert!(receipt.tracking_code.starts_with("JB") && receipt.tracking_code.len() == 10);
    let list = s.tips(&f.town_jia, day("2026-10-08")).await.expect("tips");
    assert_eq!(list.len(), 1, "routed to 甲镇, which holds the point");
    assert_eq!(list[0].village, "一村");
    assert_eq!(list[0].due_soon, ["accept"]);
    assert!(
        s.tips(&f.town_yi, day("2026-10-08"))
            .await
            .expect("tips")
            .is_empty()
    );
    assert_eq!(
        s.tips(&f.department, day("2026-10-08"))
            .await
            .expect("tips")
            .len(),
        1,
        "the lead department of the kind"
    );
    // Friday 9 October it is late, and in the accountability list.
    let late = s.tips(&f.office, day("2026-10-09")).await.expect("tips");
    assert_eq!(late[0].late, ["accept"]);
    let lapses = s
        .tip_lapses(&f.inspector, day("2026-10-09"))
        .await
        .expect("lapses");
    assert_eq!(
        lapses.iter().map(|l| l.kind).collect::<Vec<_>>(),
        ["not_accepted"]
    );
    // Accepted late on the 9th: it stays a lapse, with the day it was done.
    let id = late[0].id;
    let t = s
        .accept_tip(&f.town_jia, id, bj(2026, 10, 9, 10))
        .await
        .expect("accept");
    // Ten working days from Friday 9th, counting the worked Saturday 10th: Thursday 22nd.
    assert_eq!(t.verify_by.as_deref(), Some("2026-10-22"));
    assert_eq!(
        invalid_field(s.accept_tip(&f.office, id, bj(2026, 10, 9, 11)).await),
        "tip"
    );
    let lapses = s
        .tip_lapses(&f.office, day("2026-10-12"))
        .await
        .expect("lapses");
    assert_eq!(lapses.len(), 1);
    assert!(lapses[0].done_at.is_some());
    // Checked on the 12th; the answer is due five working days later, then given.
    assert_eq!(
        invalid_field(
            s.answer_tip(&f.office, id, "已查处", bj(2026, 10, 12, 9))
                .await
        ),
        "answer"
    );
    s.apply_action(
        &f.town_jia,
        t.case_id,
        &CaseAction::Verify {
            founded: true,
            note: "属实".into(),
        },
        &[],
        bj(2026, 10, 12, 10),
    )
    .await
    .expect("verify");
    let t = s.tip(&f.office, id, day("2026-10-12")).await.expect("tip");
    assert_eq!(t.answer_by.as_deref(), Some("2026-10-19"));
    assert!(matches!(
        s.answer_tip(&f.town_jia, id, "x", bj(2026, 10, 13, 9))
            .await,
        Err(StoreError::Forbidden(_))
    ));
    s.answer_tip(
        &f.office,
        id,
        "经核查属实，已责令停止开采并立案查处。",
        bj(2026, 10, 13, 9),
    )
    .await
    .expect("answer");

    // The tipster sees the steps and the answer with the code and the secret — typed sloppily.
    let typed = format!(
        "{}-{}",
        &receipt.tracking_code[..5].to_lowercase(),
        &receipt.tracking_code[5..]
    );
    let p = s
        .tip_progress(&typed, &receipt.secret.to_lowercase())
        .await
        .expect("progress");
    assert_eq!(p.finding, Some("founded"));
    assert!(p.answer.contains("立案查处"));
    assert!(
        p.steps.iter().all(|st| st.done_at.is_some()),
        "{:?}",
        p.steps
    );
    assert!(matches!(
        s.tip_progress(&receipt.tracking_code, "WRONG123").await,
        Err(StoreError::NotFound { .. })
    ));
}

async fn tips_are_placed_merged_and_refused_clearly(pg: bool) {
    let f = fixture(pg).await;
    let s = &f.store;
    let now = bj(2026, 9, 1, 10);
    let first = s
        .submit_tip(
            f.county,
            None,
            &tip(Some(112.03), Some(36.03), "河滩有人挖沙"),
            now,
        )
        .await
        .expect("tip");
    // The same tip again within a day: refused, nothing stored.
    assert_eq!(
        invalid_field(
            s.submit_tip(
                f.county,
                None,
                &tip(Some(112.03), Some(36.03), "河滩有人挖沙"),
                now
            )
            .await
        ),
        "description"
    );
    // Another tip 50 m away joins the open case (one place, one problem).
    let second = s
        .submit_tip(
            f.county,
            None,
            &tip(Some(112.0305), Some(36.0303), "河滩夜里有车拉沙"),
            now,
        )
        .await
        .expect("tip");
    let tips = s.tips(&f.office, day("2026-09-01")).await.expect("tips");
    assert_eq!(tips.len(), 2);
    assert_eq!(
        tips[0].case_id, tips[1].case_id,
        "{} and {}",
        first.tracking_code, second.tracking_code
    );
    // Outside every grid and no township: the place is asked for.
    assert_eq!(
        invalid_field(
            s.submit_tip(
                f.county,
                None,
                &tip(Some(113.5), Some(37.5), "远处挖矿"),
                now
            )
            .await
        ),
        "township"
    );
    assert_eq!(
        invalid_field(
            s.submit_tip(f.county, None, &tip(None, None, "不知道在哪"), now)
                .await
        ),
        "township"
    );
    let mut by_address = tip(None, None, "一村后山有人挖矿");
    by_address.township_id = Some(f.t_jia);
    by_address.village_id = Some(f.v1);
    s.submit_tip(f.county, None, &by_address, now)
        .await
        .expect("by address");
    assert_eq!(
        invalid_field(
            s.submit_tip(f.county, None, &tip(None, None, &"很".repeat(2001)), now)
                .await
        ),
        "description"
    );
    // The hotline needs the office's operator, who is recorded.
    let mut call = tip(Some(112.01), Some(36.01), "电话举报：沟里有人炸石头");
    call.channel = TipChannel::Hotline;
    assert!(matches!(
        s.submit_tip(f.county, None, &call, now).await,
        Err(StoreError::Forbidden(_))
    ));
    assert!(matches!(
        s.submit_tip(f.county, Some(&f.town_jia), &call, now).await,
        Err(StoreError::Forbidden(_))
    ));
    call.call_at = Some(now - chrono::Duration::minutes(5));
    s.submit_tip(f.county, Some(&f.office), &call, now)
        .await
        .expect("hotline");
    let tips = s.tips(&f.office, day("2026-09-01")).await.expect("tips");
    assert!(
        tips.iter()
            .any(|t| t.channel == "hotline" && t.operator.as_deref() == Some("office"))
    );
}

async fn only_the_reward_officer_sees_who_tipped(pg: bool) {
    let f = fixture(pg).await;
    let s = &f.store;
    let now = bj(2026, 9, 1, 10);
    s.submit_tip(
        f.county,
        None,
        &tip(Some(112.02), Some(36.02), "有人私挖"),
        now,
    )
    .await
    .expect("tip");
    let id = s.tips(&f.office, day("2026-09-01")).await.expect("tips")[0].id;
    for who in [&f.office, &f.town_jia, &f.inspector, &f.department] {
        assert!(
            matches!(
                s.tipster(who, id, "核对", now).await,
                Err(StoreError::Forbidden(_))
            ),
            "{}",
            who.username
        );
    }
    assert_eq!(
        invalid_field(s.tipster(&f.reward, id, " ", now).await),
        "purpose"
    );
    let who = s
        .tipster(&f.reward, id, "核定奖励，联系举报人", now)
        .await
        .expect("identity")
        .expect("given");
    assert_eq!(who.phone, "13900001111");
    let views = s.tipster_views(&f.inspector).await.expect("views");
    assert_eq!(views.len(), 1);
    assert_eq!(views[0].1, "reward");
    assert!(views[0].3.contains("核定奖励"));
    // The ledger's own copy of the clue carries no identity.
    let tip = &s.tips(&f.office, day("2026-09-01")).await.expect("tips")[0];
    assert_eq!(
        tip.has_identity, None,
        "whether a name was left is not the office's"
    );
    assert_eq!(
        s.tips(&f.reward, day("2026-09-01")).await.expect("tips")[0].has_identity,
        Some(true)
    );
    let detail = s
        .case_detail(&f.office, tip.case_id, day("2026-09-01"))
        .await
        .expect("case");
    let text = serde_json::to_string(&detail).expect("json");
    assert!(
        !text.contains("13900001111") && !text.contains("王某"),
        "{text}"
    );
    // Why the reward officer looked, and whether a name was left, are not the office's to
    // read; the inspectors see both, and the hash-chained record keeps them.
    assert!(
        !text.contains("核定奖励") && !text.contains("identity_given"),
        "{text}"
    );
    let inspected = s
        .case_detail(&f.inspector, tip.case_id, day("2026-09-01"))
        .await
        .expect("case");
    let text = serde_json::to_string(&inspected).expect("json");
    assert!(
        text.contains("核定奖励") && text.contains("identity_given"),
        "{text}"
    );
    let report = s.audit_verify().await.expect("audit");
    assert!(report.is_ok(), "{report:?}");
}

async fn rewards_follow_the_rule_table(pg: bool) {
    let f = fixture(pg).await;
    let s = &f.store;
    let now = bj(2026, 9, 1, 10);
    let first = s
        .submit_tip(
            f.county,
            None,
            &tip(Some(112.02), Some(36.02), "有人私挖"),
            now,
        )
        .await
        .expect("tip");
    let mut later = tip(Some(112.0201), Some(36.0201), "同一处又有人在挖");
    later.source_hash = "device-2".into();
    s.submit_tip(f.county, None, &later, now + chrono::Duration::hours(1))
        .await
        .expect("second tip");
    assert!(
        s.rewards(&f.office).await.expect("rewards").is_empty(),
        "nothing before the check"
    );
    let case_id = s.tips(&f.office, day("2026-09-01")).await.expect("tips")[0].case_id;
    s.apply_action(
        &f.town_jia,
        case_id,
        &CaseAction::Verify {
            founded: true,
            note: "属实".into(),
        },
        &[],
        now + chrono::Duration::hours(3),
    )
    .await
    .expect("verify");
    let rewards = s.rewards(&f.office).await.expect("rewards");
    assert_eq!(rewards.len(), 1, "the first tip on the case only");
    assert_eq!(rewards[0].tracking_code, first.tracking_code);
    assert_eq!(
        (rewards[0].amount_fen, rewards[0].status),
        (50_000, "due"),
        "500 yuan for digging"
    );
    // The case recovers a fine of 100,000 yuan: 1 % of it is added.
    let at = now + chrono::Duration::days(1);
    s.apply_action(
        &f.office,
        case_id,
        &CaseAction::Decide {
            decision: minewatch_core::Decision::Ban,
            measures: "取缔".into(),
            deadline: day("2026-09-20"),
            responsible_unit: "甲镇".into(),
            responsible_person: "某".into(),
        },
        &[],
        at,
    )
    .await
    .expect("decide");
    s.apply_action(
        &f.office,
        case_id,
        &CaseAction::Penalty {
            fine_fen: 10_000_000,
            confiscation_fen: 0,
            document_no: "罚〔2026〕1号".into(),
        },
        &[],
        at,
    )
    .await
    .expect("penalty");
    assert_eq!(
        s.rewards(&f.reward).await.expect("rewards")[0].amount_fen,
        150_000
    );
    // The office lowers the cap for this kind; a township may not.
    let rule = minewatch_store::RewardRule {
        problem_kind: ProblemKind::UnlicensedMining,
        base_fen: 50_000,
        share_permille: 10,
        cap_fen: 100_000,
    };
    assert!(matches!(
        s.set_reward_rule(&f.town_jia, &rule, at).await,
        Err(StoreError::Forbidden(_))
    ));
    let bad = minewatch_store::RewardRule {
        cap_fen: 10_000,
        ..rule
    };
    assert_eq!(
        invalid_field(s.set_reward_rule(&f.office, &bad, at).await),
        "cap_fen"
    );
    s.set_reward_rule(&f.office, &rule, at).await.expect("rule");
    let tip_id = s.rewards(&f.office).await.expect("rewards")[0].tip_id;
    assert!(matches!(
        s.approve_reward(&f.reward, tip_id, at).await,
        Err(StoreError::Forbidden(_))
    ));
    let approved = s
        .approve_reward(&f.office, tip_id, at)
        .await
        .expect("approve");
    assert_eq!(
        (approved.amount_fen, approved.status),
        (100_000, "approved")
    );
    // Approved amounts stay as approved when the rule changes later.
    s.set_reward_rule(
        &f.office,
        &minewatch_store::RewardRule {
            cap_fen: 2_000_000,
            ..rule
        },
        at,
    )
    .await
    .expect("rule");
    assert_eq!(
        s.rewards(&f.office).await.expect("rewards")[0].amount_fen,
        100_000
    );
    let p = s
        .tip_progress(&first.tracking_code, &first.secret)
        .await
        .expect("progress");
    assert_eq!(
        (p.reward_status, p.reward_fen),
        (Some("approved"), Some(100_000))
    );
    assert!(matches!(
        s.pay_reward(&f.office, tip_id, "凭证1", at).await,
        Err(StoreError::Forbidden(_))
    ));
    assert_eq!(
        invalid_field(s.pay_reward(&f.reward, tip_id, " ", at).await),
        "payment_ref"
    );
    s.pay_reward(&f.reward, tip_id, "财政转账 2026-0901", at)
        .await
        .expect("pay");
    assert_eq!(
        invalid_field(s.pay_reward(&f.reward, tip_id, "again", at).await),
        "tip"
    );
    let p = s
        .tip_progress(&first.tracking_code, &first.secret)
        .await
        .expect("progress");
    assert_eq!(p.reward_status, Some("paid"));
    let totals = s.reward_totals(&f.office).await.expect("totals");
    assert_eq!(
        (totals.paid, totals.paid_fen, totals.due, totals.approved),
        (1, 100_000, 0, 0)
    );
    assert!(matches!(
        s.rewards(&f.town_jia).await,
        Err(StoreError::Forbidden(_))
    ));
}

/// Six accepts of one tip at the same moment: one is stored with one event, the others are
/// told it was accepted already.
async fn one_accept_of_a_tip_under_concurrency(pg: bool) {
    let f = fixture(pg).await;
    let s = &f.store;
    s.submit_tip(
        f.county,
        None,
        &tip(Some(112.03), Some(36.03), "夜里河道有挖掘机"),
        bj(2026, 3, 2, 10),
    )
    .await
    .expect("tip");
    let id = s.tips(&f.office, day("2026-03-02")).await.expect("tips")[0].id;
    let tasks: Vec<_> = (0..6)
        .map(|_| {
            let (s, a) = (s.clone(), f.office.clone());
            tokio::spawn(async move { s.accept_tip(&a, id, bj(2026, 3, 2, 11)).await })
        })
        .collect();
    let mut ok = 0;
    for t in tasks {
        match t.await.expect("task") {
            Ok(_) => ok += 1,
            Err(StoreError::Invalid { field: "tip", .. }) => {}
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!(ok, 1);
    let case_id = s.tips(&f.office, day("2026-03-02")).await.expect("tips")[0].case_id;
    let detail = s
        .case_detail(&f.office, case_id, day("2026-03-02"))
        .await
        .expect("case");
    assert_eq!(
        detail
            .events
            .iter()
            .filter(|e| e.kind == "tip.accepted")
            .count(),
        1
    );
}

/// Four identical tips sent at the same moment (a double tap, a resent form): one is
/// stored, the others are told it is being handled; one clue, one event.
async fn identical_tips_at_the_same_moment_are_stored_once(pg: bool) {
    let f = fixture(pg).await;
    let s = &f.store;
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let s = s.clone();
            let county = f.county;
            tokio::spawn(async move {
                s.submit_tip(
                    county,
                    None,
                    &tip(Some(112.03), Some(36.03), "同一时刻重复提交的举报"),
                    bj(2026, 3, 2, 10),
                )
                .await
            })
        })
        .collect();
    let mut stored = 0;
    for t in tasks {
        match t.await.expect("task") {
            Ok(_) => stored += 1,
            Err(StoreError::Invalid {
                field: "description",
                reason,
            }) => assert!(reason.contains("being handled"), "{reason}"),
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!(stored, 1);
    let tips = s.tips(&f.office, day("2026-03-02")).await.expect("tips");
    assert_eq!(tips.len(), 1);
    let detail = s
        .case_detail(&f.office, tips[0].case_id, day("2026-03-02"))
        .await
        .expect("case");
    assert_eq!(detail.clues.len(), 1);
    assert_eq!(
        detail
            .events
            .iter()
            .filter(|e| e.kind == "tip.received")
            .count(),
        1
    );
}

/// Every text a tip's handling takes has a limit, refused naming the field with nothing
/// stored; names of people and units too.
async fn tip_texts_and_names_have_limits(pg: bool) {
    let f = fixture(pg).await;
    let s = &f.store;
    let now = bj(2026, 9, 1, 10);
    s.submit_tip(
        f.county,
        None,
        &tip(Some(112.02), Some(36.02), "有人私挖"),
        now,
    )
    .await
    .expect("tip");
    let id = s.tips(&f.office, day("2026-09-01")).await.expect("tips")[0].id;
    let long = "长".repeat(minewatch_core::ledger::case::MAX_TEXT_CHARS + 1);
    assert!(matches!(
        s.answer_tip(&f.office, id, &long, now).await,
        Err(StoreError::Invalid {
            field: "answer",
            ..
        })
    ));
    assert!(matches!(
        s.tipster(&f.reward, id, &"因".repeat(501), now).await,
        Err(StoreError::Invalid {
            field: "purpose",
            ..
        })
    ));
    assert!(
        s.tipster_views(&f.reward).await.expect("log").is_empty(),
        "no view logged"
    );
    assert!(matches!(
        s.import_holiday_notice(&f.office, &long, now).await,
        Err(StoreError::Invalid {
            field: "notice",
            ..
        })
    ));
    for (username, name) in [
        ("has space", "某某"),
        ("__public_9", "冒充"),
        ("ok_name", ""),
        ("ok_name", &"名".repeat(101)),
    ] {
        let e = s
            .create_user(
                &minewatch_store::NewUser {
                    county_id: f.county,
                    username: username.to_string(),
                    display_name: name.to_string(),
                    password_hash: "x".into(),
                    role: minewatch_core::Role::CountyOffice,
                    township_id: None,
                    village_id: None,
                    department_id: None,
                },
                now,
            )
            .await
            .expect_err("refused");
        assert!(matches!(e, StoreError::Invalid { .. }), "{username}: {e:?}");
    }
    assert!(matches!(
        s.init_county("LONG", &"县".repeat(101), |_| (
            String::new(),
            String::new()
        ))
        .await,
        Err(StoreError::Invalid { field: "name", .. })
    ));
}

/// Stored hashes of who sent a tip and of its secret are keyed with the server's secret:
/// stable, but not the plain digest anyone could recompute from a guessed address.
async fn pseudonyms_are_keyed_with_the_server_secret(pg: bool) {
    use sha2::{Digest, Sha256};
    let f = fixture(pg).await;
    let s = &f.store;
    let a = s
        .pseudonym("tip-source", "192.0.2.7|phone")
        .await
        .expect("p");
    assert_eq!(
        a,
        s.pseudonym("tip-source", "192.0.2.7|phone")
            .await
            .expect("p")
    );
    assert_ne!(
        a,
        s.pseudonym("tip-source", "192.0.2.8|phone")
            .await
            .expect("p")
    );
    assert_ne!(a, s.pseudonym("other", "192.0.2.7|phone").await.expect("p"));
    let plain = hex::encode(Sha256::digest(b"192.0.2.7|phone"));
    assert!(!a.contains(&plain));
    // A second handle on the same database (another server) uses the same key.
    let again = s.clone().with_seed(99);
    assert_eq!(
        a,
        again
            .pseudonym("tip-source", "192.0.2.7|phone")
            .await
            .expect("p")
    );
    let receipt = s
        .submit_tip(
            f.county,
            None,
            &tip(Some(112.03), Some(36.03), "夜里河道有挖掘机"),
            bj(2026, 3, 2, 10),
        )
        .await
        .expect("tip");
    assert!(
        s.tip_progress(&receipt.tracking_code, &receipt.secret)
            .await
            .is_ok(),
        "the keyed secret still lets the tipster in"
    );
}

async fn look_backs_are_tasks_and_recurrences_count(pg: bool) {
    let f = fixture(pg).await;
    let s = &f.store;
    let now = bj(2026, 3, 2, 10);
    s.submit_tip(
        f.county,
        None,
        &tip(Some(112.03), Some(36.03), "河滩挖沙"),
        now,
    )
    .await
    .expect("tip");
    let case_id = s.tips(&f.office, day("2026-03-02")).await.expect("tips")[0].case_id;
    let steps = [
        CaseAction::Verify {
            founded: true,
            note: "属实".into(),
        },
        CaseAction::Decide {
            decision: minewatch_core::Decision::Rectify,
            measures: "恢复原状".into(),
            deadline: day("2026-03-20"),
            responsible_unit: "甲镇".into(),
            responsible_person: "某".into(),
        },
        CaseAction::ReportRectified {
            note: "已恢复".into(),
        },
        CaseAction::Accept {
            passed: true,
            note: "验收合格".into(),
        },
        CaseAction::Close {
            note: "销号".into(),
        },
    ];
    for a in &steps {
        s.apply_action(&f.office, case_id, a, &[], now)
            .await
            .expect("step");
    }
    // Closed 2 March: look-backs at 1, 3 and 6 months, and perhaps one drawn at random.
    let all = s
        .look_backs(&f.town_jia, day("2026-03-02"), day("2027-12-31"))
        .await
        .expect("look-backs");
    let scheduled: Vec<&str> = all
        .iter()
        .filter(|l| l.drawn == "schedule")
        .map(|l| l.due_on.as_str())
        .collect();
    assert_eq!(scheduled, ["2026-04-02", "2026-06-02", "2026-09-02"]);
    assert!(all.iter().filter(|l| l.drawn == "random").count() <= 1);
    assert!(
        s.look_backs(&f.town_yi, day("2026-03-02"), day("2027-12-31"))
            .await
            .expect("look-backs")
            .is_empty()
    );
    // On 10 April the first is overdue; the township sees it as a task.
    let due = s
        .look_backs(&f.town_jia, day("2026-04-10"), day("2026-04-10"))
        .await
        .expect("due");
    assert!(due.iter().any(|l| l.due_on == "2026-04-02" && l.overdue));
    s.apply_action(
        &f.town_jia,
        case_id,
        &CaseAction::LookBack {
            recurrence: false,
            note: "未见复采".into(),
        },
        &[],
        bj(2026, 4, 10, 10),
    )
    .await
    .expect("look back");
    let due = s
        .look_backs(&f.town_jia, day("2026-04-10"), day("2026-04-10"))
        .await
        .expect("due");
    assert!(
        due.iter()
            .any(|l| l.due_on == "2026-04-02" && l.done_at.is_some() && !l.overdue),
        "the earliest is the one done"
    );
    // A new tip at the closed site is a recurrence and counts against 甲镇.
    s.submit_tip(
        f.county,
        None,
        &tip(Some(112.0302), Some(36.0301), "河滩又有人挖沙"),
        bj(2026, 5, 1, 10),
    )
    .await
    .expect("tip");
    let record = s
        .look_back_record(&f.office, day("2026-05-01"))
        .await
        .expect("record");
    let jia = record.iter().find(|r| r.township == "甲镇").expect("甲镇");
    assert_eq!(
        (jia.closed, jia.recurrences, jia.done, jia.overdue),
        (1, 1, 1, 0)
    );
}

on_both!(
    identical_tips_at_the_same_moment_are_stored_once,
    tip_texts_and_names_have_limits,
    notice_and_clocks_across_a_holiday,
    tips_are_placed_merged_and_refused_clearly,
    only_the_reward_officer_sees_who_tipped,
    rewards_follow_the_rule_table,
    look_backs_are_tasks_and_recurrences_count,
    pseudonyms_are_keyed_with_the_server_secret,
    one_accept_of_a_tip_under_concurrency,
);
