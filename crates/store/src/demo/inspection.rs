//! The demo's inspections: a 四不两直 visit last week that found a hidden pit the village's
//! daily reports had called "nothing found", and an announced visit that found nothing.

use chrono::{DateTime, Duration, Utc};
use minewatch_core::clock::local_date;
use minewatch_core::inspection::InspectionKind;
use minewatch_core::{ClueSource, ProblemKind, Severity};

use crate::{Actor, NewClue, NewInspection, Result, Store};

pub(super) async fn visits(store: &Store, office: &Actor, now: DateTime<Utc>) -> Result<()> {
    let today = local_date(now);
    let townships = store.townships(office.county_id).await?;
    let (Some(first), Some(second)) = (townships.get(4), townships.get(6)) else {
        return Ok(());
    };
    let village = store
        .villages(office.county_id, Some(first.id))
        .await?
        .into_iter()
        .next();
    let at = now - Duration::days(4);
    let id = store
        .record_inspection(
            office,
            &NewInspection {
                township_id: first.id,
                kind: InspectionKind::Unannounced,
                visited_on: Some(today - Duration::days(4)),
                team: "县专项行动第一督导组（3人）".into(),
                places: format!(
                    "{}河道、旧矿区，随机抽查网格员巡查记录",
                    village.as_ref().map_or("", |v| v.name.as_str())
                ),
                summary:
                    "不打招呼直插现场，发现旧矿区内一处新开挖的坑口，村网格日报告连续报“无发现”。"
                        .into(),
            },
            at,
        )
        .await?;
    store
        .add_inspection_finding(
            office,
            id,
            &NewClue {
                source: ClueSource::SuperiorInspection,
                township_id: first.id,
                village_id: village.map(|v| v.id),
                address: "旧矿区北侧山坳".into(),
                lon: None,
                lat: None,
                observed_at: None,
                description: "旧矿区新开挖坑口一处，有炮眼痕迹".into(),
                problem_kind: ProblemKind::ClosedMineTheft,
                severity: Severity::Key,
                reporter_name: String::new(),
                reporter_phone: String::new(),
                attachments: Vec::new(),
            },
            at + Duration::hours(2),
        )
        .await?;
    store
        .record_inspection(
            office,
            &NewInspection {
                township_id: second.id,
                kind: InspectionKind::Announced,
                visited_on: Some(today - Duration::days(9)),
                team: "县专项行动第二督导组（4人）".into(),
                places: "乡镇台账、两处已销号点位回头看".into(),
                summary: "台账与现场一致，已销号点位未见反弹。".into(),
            },
            now - Duration::days(9),
        )
        .await?;
    Ok(())
}
