//! The rights table of `minewatch_core::rights` swept against the store: for every right
//! and every role, the store's operation refuses the role exactly when the table says it
//! lacks the right. Each probe names something that is not there, so a role that holds the
//! right passes the role check and is stopped later (not found, invalid) without changing
//! anything, and a role that lacks it is refused first.

#[macro_use]
mod common;

use chrono::{NaiveDate, TimeZone, Utc};
use common::{open_store, user};
use minewatch_core::Role;
use minewatch_core::rights::{RIGHTS, Right, may};
use minewatch_store::{
    Actor, Conclusion, NewTrack, NewVerification, ReportBody, Store, StoreError,
};

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 2, 0, 0)
        .single()
        .expect("time")
}

const MISSING: i64 = 987_654;

/// Calls the store operation that `right` guards, as `actor`.
async fn probe(s: &Store, actor: &Actor, right: Right) -> Option<Result<(), StoreError>> {
    let day = NaiveDate::from_ymd_opt(2026, 6, 1).expect("date");
    Some(match right {
        Right::ReadRewards => s.rewards(actor).await.map(drop),
        Right::PayReward => s.pay_reward(actor, MISSING, "V-1", now()).await.map(drop),
        Right::ReadIdentityLog => s.tipster_views(actor).await.map(drop),
        Right::RevealTipster => s
            .tipster(actor, MISSING, "核实举报内容", now())
            .await
            .map(drop),
        Right::AcceptTip => s.accept_tip(actor, MISSING, now()).await.map(drop),
        Right::AnswerTip => s
            .answer_tip(actor, MISSING, "已核查", now())
            .await
            .map(drop),
        Right::SetTipClocks => {
            let p = s.tip_policy(actor.county_id).await.expect("policy");
            s.set_tip_policy(actor, &p, now()).await
        }
        Right::ReadLeads => s.leads(actor, None).await.map(drop),
        Right::ConcludeLead => s
            .conclude_lead(actor, MISSING, Conclusion::Excused, "", now())
            .await
            .map(drop),
        Right::FileZeroReport => s
            .file_zero_report(
                actor,
                MISSING,
                day,
                &ReportBody::NothingFound {
                    note: String::new(),
                },
                now(),
            )
            .await
            .map(drop),
        Right::RecordTrack => {
            s.check_track(
                actor,
                &NewTrack {
                    township_id: None,
                    village_id: None,
                    source: "phone",
                    track: minewatch_spatial::coverage::Track {
                        name: String::new(),
                        points: Vec::new(),
                    },
                    client_ref: None,
                    file_sha256: None,
                },
            )
            .await
        }
        Right::FileFieldEvidence => s
            .verify_patch(
                actor,
                minewatch_store::PatchId(MISSING),
                &NewVerification {
                    reason: "no_change".into(),
                    permit_no: String::new(),
                    note: String::new(),
                    photos: Vec::new(),
                    correction_note: String::new(),
                },
                now(),
            )
            .await
            .map(drop),
        // A Monday names no dispatch week: a holder is stopped there, after the role check.
        Right::FileDispatch => s
            .save_dispatch(
                actor,
                day,
                &minewatch_core::dispatch::DispatchText::default(),
                true,
                now(),
            )
            .await
            .map(drop),
        Right::ReadDispatches => s.dispatch_rollup(actor, day, now()).await.map(drop),
        Right::ReadBulletins => s.bulletins(actor).await.map(drop),
        Right::ReadScoreboard => s.scoreboard(actor, day, day).await.map(drop),
        Right::ManageNotifications => s.notify_channels(actor).await.map(drop),
        Right::DisposeSeizure => s
            .dispose_lot(actor, MISSING, "L-1", Some(day), 1, now())
            .await
            .map(drop),
        // Among departments only the pricing office prices: the store narrows the role by
        // the department (tests/seizure.rs), which a sweep over roles cannot show.
        Right::PriceSeizure => return None,
        Right::ReadInspections => s.inspections(actor).await.map(drop),
        Right::RecordInspection => s
            .record_inspection(
                actor,
                &minewatch_store::NewInspection {
                    township_id: MISSING,
                    kind: minewatch_core::inspection::InspectionKind::Unannounced,
                    visited_on: Some(day),
                    team: "督导组".into(),
                    places: "河道".into(),
                    summary: "发现采砂痕迹".into(),
                },
                now(),
            )
            .await
            .map(drop),
        Right::ReadBlacklist => s.blacklist(actor, now()).await.map(drop),
        Right::CheckBlacklist => s
            .check_blacklist(
                actor,
                minewatch_core::blacklist::SubjectKind::Vehicle,
                "晋A12345",
                "",
                now(),
            )
            .await
            .map(drop),
        Right::ManageBlacklist => s.lift_blacklist(actor, MISSING, "复核撤销", now()).await,
        Right::ApplyPunishment => {
            s.apply_punishment(actor, MISSING, Some(MISSING), "限制投标", now())
                .await
        }
        Right::ReadAcceptance => s.acceptance(actor, day, day, now()).await.map(drop),
        // A phase still running: a holder is stopped there, after the role check.
        Right::DecideAcceptance => s
            .decide_acceptance(
                actor,
                day,
                day + chrono::Duration::days(30),
                &minewatch_store::DecisionForm::default(),
                now(),
            )
            .await
            .map(drop),
        // No tally: a holder is stopped there, after the role check.
        Right::RecordCampaignResult => s
            .record_campaign_result(actor, &minewatch_store::NewCampaignResult::default(), now())
            .await
            .map(drop),
        // A month to come: a holder is stopped there, after the role check.
        Right::IssueBulletin => s
            .issue_bulletin(
                actor,
                minewatch_core::bulletin::Month::parse("2026-09").expect("month"),
                &minewatch_store::IssueForm::default(),
                now(),
            )
            .await
            .map(drop),
        Right::ManageAccounts => s
            .set_user_active(Some(actor), "village", false, now())
            .await
            .map(drop),
        // Rights that only shape what a read shows, or that the case machine and the
        // ledger tests cover: no single refusing operation to probe here.
        Right::FileClue
        | Right::AdministerCounty
        | Right::ReadCounty
        | Right::ReadReporter
        | Right::ReadZeroReports
        | Right::FilePatrolRecord
        | Right::ReadPatrolsCountyWide
        | Right::TakeHotlineTip => return None,
    })
}

async fn table_holds_in_the_store(pg: bool) {
    let dir = tempfile::tempdir().expect("tempdir");
    let (s, _) = open_store(pg, &dir).await;
    let common::TestCounty {
        county,
        t_jia: t,
        v1: v,
        ..
    } = common::test_county(&s).await;
    let dept = s
        .departments(county)
        .await
        .expect("departments")
        .first()
        .map(|d| d.id);
    let mut actors = Vec::new();
    for role in Role::ALL {
        let (tw, vi, de) = match role {
            Role::Township => (Some(t), None, None),
            Role::Village => (Some(t), Some(v), None),
            Role::Department => (None, None, dept),
            _ => (None, None, None),
        };
        actors.push(user(&s, county, role.code(), role, tw, vi, de, now()).await);
    }
    let mut probed = 0;
    for (right, _, _) in RIGHTS {
        for actor in &actors {
            let Some(result) = probe(&s, actor, *right).await else {
                continue;
            };
            probed += 1;
            let refused = matches!(result, Err(StoreError::Forbidden(_)));
            assert_eq!(
                refused,
                !may(actor.role, *right),
                "{right:?} for {:?}: the store answered {result:?}",
                actor.role
            );
        }
    }
    assert!(probed >= 13 * Role::ALL.len(), "only {probed} probes ran");
}

on_both!(table_holds_in_the_store);
