//! The demo's weekly dispatches: the four weeks before this one, submitted in order on their
//! Fridays by every township — except that 东川镇 (town01) missed last week's, which its
//! to-do then shows, and the third township sent last week's on Monday morning (迟报).

use chrono::{DateTime, Duration, NaiveTime, Utc};
use minewatch_core::clock::{local_date, local_day_start};
use minewatch_core::dispatch::{DispatchText, week_ending};
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use crate::{Actor, Result, Store};

const WORK: &[&str] = &[
    "组织镇村干部对重点区域开展拉网式巡查，夜间巡查两次，核查卫片图斑和群众举报线索。",
    "对辖区河道、废弃矿井开展专项排查，督促整改问题逐一落实责任人和整改时限。",
    "联合自然资源所、派出所开展联合执法，对露天采石点位进行复查，防止死灰复燃。",
];
const PROBLEMS: &[&str] = &[
    "",
    "部分山区点位道路不通，巡查车辆难以到达。",
    "个别村网格员兼职较多，日报告偶有漏报，已约谈提醒。",
];
const NEXT: &[&str] = &[
    "继续开展夜间巡查，重点盯守河道和废弃矿井。",
    "完成逾期问题整改，配合县里开展回头看。",
];

/// Submits the demo's past dispatches.
pub(super) async fn dispatches(
    store: &Store,
    townships: &[Actor],
    signers: &[String],
    rng: &mut StdRng,
    now: DateTime<Utc>,
) -> Result<()> {
    let this_week = week_ending(local_date(now));
    for back in (1..=4).rev() {
        let friday = this_week - Duration::weeks(back);
        for (i, town) in townships.iter().enumerate() {
            if i == 0 && back == 1 {
                continue;
            }
            // Friday 16:00, or for the late one the Monday after at 09:30.
            let (day, time) = if i == 2 && back == 1 {
                (
                    friday + Duration::days(3),
                    NaiveTime::from_hms_opt(9, 30, 0),
                )
            } else {
                (friday, NaiveTime::from_hms_opt(16, 0, 0))
            };
            let at =
                local_day_start(day) + time.map_or(Duration::hours(16), |t| t - NaiveTime::MIN);
            let at = if at > now {
                local_day_start(friday) + Duration::hours(16)
            } else {
                at
            };
            let pick = |list: &[&str], rng: &mut StdRng| -> String {
                list.choose(rng).copied().unwrap_or("").to_string()
            };
            let text = DispatchText {
                work_done: pick(WORK, rng),
                problems: pick(PROBLEMS, rng),
                next_week: pick(NEXT, rng),
                overdue_reasons: if rng.gen_bool(0.5) {
                    "当事人外出未归，已发出限期整改通知，下周复查。".into()
                } else {
                    "整改涉及复绿，受季节影响，已明确月底前完成。".into()
                },
                signed_by: signers.get(i).cloned().unwrap_or_default(),
            };
            store.save_dispatch(town, friday, &text, true, at).await?;
        }
    }
    Ok(())
}
