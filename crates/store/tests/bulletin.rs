//! 月通报 in the store, on SQLite and PostgreSQL: a month's townships ranked by the published
//! formula exactly as a hand calculation says; every count names the cases it counted; an
//! edited formula re-ranks the draft; an issued bulletin is frozen against later changes to
//! cases and to the formula; townships read only issued bulletins and drill into their own.

use minewatch_core::bulletin::{Month, RankItem, RankingFormula};
use minewatch_core::patrol::duty::DutySettings;
use minewatch_core::{CaseAction, ClueSource, Decision, ProblemKind, Role, Severity};
use minewatch_store::{
    Actor, BulletinRow, Conclusion, IssueForm, NewClue, NewTip, ReportBody, StoreError, TipChannel,
};

#[macro_use]
mod common;
use common::{day, on, open_store};

fn clue(source: ClueSource, township_id: i64, village_id: i64, lat: f64) -> NewClue {
    NewClue {
        source,
        township_id,
        village_id: Some(village_id),
        address: "后山沟口".into(),
        lon: Some(112.02),
        lat: Some(lat),
        observed_at: None,
        description: "夜间有挖掘机作业".into(),
        problem_kind: ProblemKind::UnlicensedMining,
        severity: Severity::General,
        reporter_name: String::new(),
        reporter_phone: String::new(),
        attachments: Vec::new(),
    }
}

fn ids(row: &BulletinRow, township_id: i64, item: RankItem) -> Vec<i64> {
    row.figures
        .line(township_id)
        .and_then(|l| l.item(item))
        .map(|c| c.cases.iter().map(|c| c.id).collect())
        .unwrap_or_default()
}

fn ranks(row: &BulletinRow) -> Vec<(i64, i64, usize)> {
    row.figures
        .lines
        .iter()
        .map(|l| (l.township_id, l.score, l.rank))
        .collect()
}

fn field_of<T: std::fmt::Debug>(result: Result<T, StoreError>) -> &'static str {
    match result {
        Err(StoreError::Invalid { field, .. }) => field,
        other => panic!("expected a refusal naming a field, got {other:?}"),
    }
}

fn verify(founded: bool) -> CaseAction {
    CaseAction::Verify {
        founded,
        note: "现场核查".into(),
    }
}

async fn a_month_is_ranked_issued_and_frozen(pg: bool) {
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
        common::user(&store, county, name, role, t, v, None, on(4, 1)).await
    };
    let office = mk("office", Role::CountyOffice, None, None).await;
    let inspector = mk("insp", Role::Inspector, None, None).await;
    let town_jia = mk("tj", Role::Township, Some(t_jia), None).await;
    let town_yi = mk("ty", Role::Township, Some(t_yi), None).await;
    let village = mk("v1", Role::Village, Some(t_jia), Some(v1)).await;
    let village3 = mk("v3", Role::Village, Some(t_yi), Some(v3)).await;
    store
        .set_duty_settings(&office, &DutySettings::starting(day(5, 1)), on(5, 1))
        .await
        .expect("settings");

    // 3 May: 一村's grid says it found nothing.
    store
        .file_zero_report(
            &village,
            grids[0],
            day(5, 3),
            &ReportBody::NothingFound {
                note: String::new(),
            },
            on(5, 3),
        )
        .await
        .expect("report");
    // 4 May, 甲镇: two patrol findings (one turns out unfounded) and a citizen's tip at a
    // third place, never accepted.
    let a = store
        .file_clue(
            &village,
            &clue(ClueSource::Patrol, t_jia, v1, 36.02),
            on(5, 4),
        )
        .await
        .expect("clue")
        .case_id;
    let b = store
        .file_clue(
            &village,
            &clue(ClueSource::Patrol, t_jia, v1, 36.03),
            on(5, 4),
        )
        .await
        .expect("clue")
        .case_id;
    let tip = store
        .submit_tip(
            county,
            None,
            &NewTip {
                channel: TipChannel::Web,
                description: "后山夜里有挖掘机挖矿".into(),
                problem_kind: ProblemKind::UnlicensedMining,
                township_id: Some(t_jia),
                village_id: Some(v1),
                address: "后山".into(),
                lon: Some(112.02),
                lat: Some(36.04),
                observed_at: None,
                photos: vec![],
                name: String::new(),
                phone: String::new(),
                source_hash: "device-1".into(),
                call_at: None,
            },
            on(5, 4),
        )
        .await
        .expect("tip");
    let t = store
        .tips(&town_jia, day(5, 4))
        .await
        .expect("tips")
        .into_iter()
        .find(|r| r.tracking_code == tip.tracking_code)
        .map(|r| r.case_id)
        .expect("the tip's case");
    for (case, founded) in [(a, true), (b, false), (t, true)] {
        store
            .apply_action(&town_jia, case, &verify(founded), &[], on(5, 5))
            .await
            .expect("verify");
    }
    // The founded tip in a grid that said "nothing": the inspectors hold it to account.
    let lead = store
        .leads(&inspector, Some(t))
        .await
        .expect("leads")
        .first()
        .map(|l| l.id)
        .expect("a should-have-found lead");
    store
        .answer_lead(&town_jia, lead, "网格员当日未到后山", on(5, 12))
        .await
        .expect("answer");
    store
        .conclude_lead(
            &inspector,
            lead,
            Conclusion::Accountable,
            "当日未巡查到位",
            on(5, 20),
        )
        .await
        .expect("conclude");
    // 6 May, 乙街道: a superior inspection hands over a problem.
    let y = store
        .file_clue(
            &office,
            &clue(ClueSource::SuperiorInspection, t_yi, v3, 36.10),
            on(5, 6),
        )
        .await
        .expect("clue")
        .case_id;
    let _ = &village3;

    let may = Month::parse("2026-05").expect("month");
    let draft = store.bulletin(&office, may, on(6, 2)).await.expect("draft");
    assert!(draft.issue.is_none());
    assert_eq!(draft.figures.as_of, day(5, 31));
    assert_eq!(ids(&draft, t_jia, RankItem::SelfFound), [a.0]);
    assert_eq!(ids(&draft, t_jia, RankItem::PublicFound), [t.0]);
    assert_eq!(ids(&draft, t_jia, RankItem::TipsLate), [t.0]);
    assert_eq!(ids(&draft, t_jia, RankItem::Accountability), [t.0]);
    let mut overdue = ids(&draft, t_jia, RankItem::Overdue);
    overdue.sort_unstable();
    assert_eq!(overdue, [a.0, t.0], "verified, never decided: past due");
    assert_eq!(ids(&draft, t_yi, RankItem::SuperiorFound), [y.0]);
    assert_eq!(ids(&draft, t_yi, RankItem::Overdue), [y.0]);
    // By hand: 甲 100 + 2×1 − 2×1 − 2×2 − 5×1 − 2×1 = 89; 乙 100 − 3×1 − 2×1 = 95.
    assert_eq!(ranks(&draft), [(t_yi, 95, 1), (t_jia, 89, 2)]);
    assert_eq!(draft.figures.lines[0].previous_rank, None);

    // Drafts are the office's; the month runs until its last day; a month ahead is refused.
    assert!(matches!(
        store.bulletin(&town_jia, may, on(6, 2)).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        store.bulletin(&village, may, on(6, 2)).await,
        Err(StoreError::Forbidden(_))
    ));
    let form = IssueForm {
        number: "测打非办〔2026〕5号".into(),
        signed_by: "县打非办主任".into(),
        remarks: String::new(),
    };
    assert_eq!(
        field_of(store.issue_bulletin(&office, may, &form, on(5, 31)).await),
        "month"
    );
    assert_eq!(
        field_of(
            store
                .bulletin(&office, Month::parse("2026-07").expect("m"), on(6, 2))
                .await
        ),
        "month"
    );
    assert!(matches!(
        store.issue_bulletin(&town_jia, may, &form, on(6, 2)).await,
        Err(StoreError::Forbidden(_))
    ));

    // The office makes overdue cases free and superiors' findings dear: by hand, 甲
    // 100 + 2 − 2 − 5 − 2 = 93 and 乙 100 − 20 = 80, so 甲 now leads.
    let mut formula = RankingFormula::default();
    for w in &mut formula.weights {
        match w.item {
            RankItem::Overdue => w.weight = 0,
            RankItem::SuperiorFound => w.weight = -20,
            _ => {}
        }
    }
    let mut huge = formula.clone();
    huge.weights[0].weight = 500;
    assert_eq!(
        field_of(
            store
                .set_ranking_formula(&office, &huge, "", on(6, 2))
                .await
        ),
        "weights"
    );
    assert!(matches!(
        store
            .set_ranking_formula(&town_jia, &formula, "", on(6, 2))
            .await,
        Err(StoreError::Forbidden(_))
    ));
    let set = store
        .set_ranking_formula(&office, &formula, "加大上级交办扣分", on(6, 2))
        .await
        .expect("formula");
    assert_eq!(set.edited_by.as_deref(), Some("office"));
    let draft = store.bulletin(&office, may, on(6, 2)).await.expect("draft");
    assert_eq!(ranks(&draft), [(t_jia, 93, 1), (t_yi, 80, 2)]);

    // Issued: complete only, once, frozen, its digest in the log.
    assert_eq!(
        field_of(
            store
                .issue_bulletin(
                    &office,
                    may,
                    &IssueForm {
                        signed_by: " ".into(),
                        ..form.clone()
                    },
                    on(6, 2)
                )
                .await
        ),
        "signed_by"
    );
    let issued = store
        .issue_bulletin(&office, may, &form, on(6, 2))
        .await
        .expect("issue");
    let issue = issued.issue.clone().expect("issued");
    assert_eq!(issue.number, form.number);
    assert_eq!(ranks(&issued), ranks(&draft));
    assert_eq!(
        field_of(store.issue_bulletin(&office, may, &form, on(6, 3)).await),
        "month"
    );
    // The bottom of the ranking is told with the issue; the top is not.
    let (top, bottom) = issued.figures.top_and_bottom(3);
    assert!(!bottom.is_empty());
    let ranked_low = |actor| {
        let store = store.clone();
        async move {
            store
                .notifications(&actor, 50)
                .await
                .expect("notices")
                .into_iter()
                .filter(|n| n.kind == "ranked_low")
                .collect::<Vec<_>>()
        }
    };
    let actor_of = |t: i64| {
        if t == t_jia {
            town_jia.clone()
        } else {
            town_yi.clone()
        }
    };
    for l in &bottom {
        let told = ranked_low(actor_of(l.township_id)).await;
        assert_eq!(told.len(), 1, "{}", l.township);
        assert!(told[0].body.contains(&form.number) && told[0].link == format!("/bulletin/{may}"));
    }
    for l in &top {
        assert!(ranked_low(actor_of(l.township_id)).await.is_empty());
    }
    let audit = store
        .audit_verify()
        .await
        .expect("db")
        .expect("chain intact");
    assert!(audit.events > 0);

    // Later: the formula goes back and case A gets a deadline in July. A recount would
    // differ; the issued bulletin does not.
    store
        .set_ranking_formula(&office, &RankingFormula::default(), "恢复默认", on(6, 3))
        .await
        .expect("formula");
    store
        .apply_action(
            &town_jia,
            a,
            &CaseAction::Decide {
                decision: Decision::Ban,
                measures: "拆除设备，恢复植被".into(),
                deadline: day(7, 15),
                responsible_unit: "甲镇".into(),
                responsible_person: "甲镇长".into(),
            },
            &[],
            on(6, 3),
        )
        .await
        .expect("decide");
    let again = store
        .bulletin(&town_jia, may, on(6, 4))
        .await
        .expect("issued, for the township");
    assert_eq!(ranks(&again), [(t_jia, 93, 1), (t_yi, 80, 2)]);
    let mut overdue = ids(&again, t_jia, RankItem::Overdue);
    overdue.sort_unstable();
    assert_eq!(overdue, [a.0, t.0]);
    assert_eq!(
        again.issue.expect("issue").figures_sha256,
        issue.figures_sha256
    );

    // June counts by the formula in force now and shows each township's change of rank.
    let june = store
        .bulletin(&office, Month::parse("2026-06").expect("m"), on(6, 4))
        .await
        .expect("june");
    assert_eq!(june.figures.as_of, day(6, 4));
    assert_eq!(june.figures.formula, RankingFormula::default());
    assert_eq!(
        ids(&june, t_jia, RankItem::Overdue),
        [t.0],
        "A is due in July"
    );
    assert_eq!(
        june.figures.line(t_jia).and_then(|l| l.previous_rank),
        Some(1)
    );
    assert_eq!(
        june.figures.line(t_yi).and_then(|l| l.previous_rank),
        Some(2)
    );
    // By hand: 甲 100 − 2 = 98, 乙 100 − 2 = 98: they share the first place.
    assert_eq!(ranks(&june), [(t_jia, 98, 1), (t_yi, 98, 1)]);

    // Drill-down: exactly the cases counted; a township into its own line only.
    let (_, cases) = store
        .bulletin_cases(&town_jia, may, t_jia, RankItem::Overdue, on(6, 4))
        .await
        .expect("drill");
    let mut got: Vec<i64> = cases.iter().map(|c| c.id).collect();
    got.sort_unstable();
    assert_eq!(got, [a.0, t.0]);
    assert!(matches!(
        store
            .bulletin_cases(&town_yi, may, t_jia, RankItem::Overdue, on(6, 4))
            .await,
        Err(StoreError::NotFound { .. })
    ));
    let list = store.bulletins(&town_yi).await.expect("list");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].month, "2026-05");
}

on_both!(a_month_is_ranked_issued_and_frozen);
