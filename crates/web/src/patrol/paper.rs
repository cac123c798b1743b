//! One patrol record as the 巡查记录表 the village files: the fields of the seed's form, the
//! track where one was kept, and the three signatures as they stand in the system.

use axum::extract::{Path, State};
use axum::response::Response;
use chrono::{Duration, NaiveDate};
use minewatch_core::clock::{display_stamp, local_day_start};
use minewatch_paper::{Paper, Patrol, Picture};
use minewatch_spatial::svg::{Line, Map};
use minewatch_store::{PatrolLevel, Signature};

use crate::AppState;
use crate::auth::PageUser;
use crate::pages::PageResult;
use crate::print::{pdf, trace};

fn signed(s: &Signature) -> String {
    match (&s.signed_by, &s.signed_at) {
        (Some(by), Some(at)) if s.proxy => format!("{by} 代 {}（{}）", s.name, display_stamp(at)),
        (Some(_), Some(at)) => format!("{}（本人已签，{}）", s.name, display_stamp(at)),
        _ => format!("{}（待签）", s.name),
    }
}

pub(super) async fn record_pdf(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    Path(id): Path<i64>,
) -> PageResult<Response> {
    let p = state.store.patrol_record(&actor, id).await?;
    let today = state.clock.today();
    // The track of the record, looked up on its day.
    let track = match (
        p.track_id,
        NaiveDate::parse_from_str(&p.patrolled_on, "%Y-%m-%d"),
    ) {
        (Some(track_id), Ok(day)) => state
            .store
            .tracks(
                &actor,
                local_day_start(day),
                local_day_start(day + Duration::days(1)),
                false,
            )
            .await?
            .into_iter()
            .find(|t| t.id == track_id),
        _ => None,
    };
    let level = PatrolLevel::from_code(&p.level).map_or(p.level.as_str(), |l| l.label(true));
    let mut fields = vec![
        (
            "巡查日期".to_string(),
            format!(
                "{}{}",
                p.patrolled_on,
                if p.night { "（夜间巡查）" } else { "" }
            ),
        ),
        ("巡查层级".into(), level.to_string()),
        ("乡镇、村".into(), format!("{}{}", p.township, p.village)),
        ("排查详细地址".into(), p.address.clone()),
        ("现场情况".into(), p.situation.clone()),
        (
            "发现隐患".into(),
            match &p.case_number {
                Some(n) => format!("{}（已登记为问题 {n}）", p.hazards),
                None => p.hazards.clone(),
            },
        ),
        ("整改措施".into(), p.measures.clone()),
        ("备注".into(), p.remarks.clone()),
        ("包村干部".into(), signed(&p.cadre)),
        ("村委负责人".into(), signed(&p.head)),
        (
            "乡镇确认".into(),
            match (&p.confirmed.signed_by, &p.confirmed.signed_at) {
                (Some(by), Some(at)) => format!("{by}（{}）", display_stamp(at)),
                _ => "待确认".into(),
            },
        ),
    ];
    if let Some(t) = &track {
        fields.push((
            "巡查轨迹".into(),
            format!(
                "{}，{:.1} 公里，{} 个定位点",
                t.user,
                t.length_m / 1000.0,
                t.point_count
            ),
        ));
    }
    let paper = Paper::new(&Patrol {
        title: "打击非法采矿网格巡查记录表".into(),
        grid: format!("{}{}", p.township, p.village),
        number: p.id.to_string(),
        fields,
        track: track.is_some(),
        patroller: p.created_by.clone(),
        date: p.patrolled_on.clone(),
        trace: trace(&format!("巡查记录 {}", p.id), today),
    });
    let paper = match &track {
        Some(t) => paper.with_picture(
            Picture::Track,
            Map {
                lines: vec![Line {
                    points: t.line(),
                    stroke: if t.night_share >= 0.5 {
                        "#5b21b6"
                    } else {
                        "#d92d20"
                    },
                    stroke_width: 2.0,
                    dashed: false,
                    title: t.name.clone(),
                }],
                width: 600.0,
                caption: "巡查轨迹".into(),
                ..Map::default()
            }
            .render(),
        ),
        None => paper,
    };
    Ok(pdf(paper, &format!("patrol-{id}.pdf")).await?)
}
