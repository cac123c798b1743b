//! The demo county's public tips: a few from the web and the hotline in the last days, one
//! answered, one accepted and being checked, one still waiting to be accepted. Invented.

use chrono::{DateTime, Duration, Utc};
use minewatch_core::{CaseAction, ProblemKind};
use rand::Rng;
use rand::rngs::StdRng;

use crate::{Actor, NewTip, Result, Store, TipChannel};

// The two that are checked are not digging, so they raise no "should have found" lead: the
// demo's only lead stays the planted one.
const TIPS: [(&str, ProblemKind); 4] = [
    (
        "村口有个无证碎石加工点，机器整夜响",
        ProblemKind::IllegalProcessing,
    ),
    (
        "每天夜里有大车拉矿石出村，没有任何手续",
        ProblemKind::IllegalHaulage,
    ),
    (
        "河里有抽砂船，晚上作业，白天停在岸边",
        ProblemKind::RiverSand,
    ),
    (
        "养殖场院里天天往外出渣，像是在下面挖煤",
        ProblemKind::HiddenMining,
    ),
];

pub(crate) async fn tips(
    store: &Store,
    county_id: i64,
    township_users: &[Actor],
    villages: &[(i64, i64, f64, f64)],
    rng: &mut StdRng,
    now: DateTime<Utc>,
) -> Result<()> {
    let office = store
        .users(county_id)
        .await?
        .into_iter()
        .find(|u| u.username == "office")
        .map(|u| u.id);
    let office = match office {
        Some(id) => Some(store.actor(id).await?),
        None => None,
    };
    for (i, (text, kind)) in TIPS.iter().enumerate() {
        let Some(&(t, v, x, y)) = villages.get(rng.gen_range(0..villages.len())) else {
            continue;
        };
        let received =
            now - Duration::days(6 - 2 * i64::try_from(i).unwrap_or(0)) - Duration::hours(3);
        let hotline = i == 1;
        let receipt = store
            .submit_tip(
                county_id,
                if hotline { office.as_ref() } else { None },
                &NewTip {
                    channel: if hotline {
                        TipChannel::Hotline
                    } else {
                        TipChannel::Web
                    },
                    description: (*text).to_string(),
                    problem_kind: *kind,
                    township_id: Some(t),
                    village_id: Some(v),
                    address: "村外山坡".into(),
                    // Well inside the village's cell, away from its centre where cases cluster.
                    lon: Some(x + 0.0015 * (i as f64 + 1.0)),
                    lat: Some(y - 0.0012),
                    observed_at: Some(received - Duration::hours(10)),
                    photos: vec![],
                    name: if i % 2 == 0 {
                        "群众（留名）".into()
                    } else {
                        String::new()
                    },
                    phone: if i % 2 == 0 {
                        format!("1370000{:04}", 1000 + i)
                    } else {
                        String::new()
                    },
                    source_hash: format!("demo-{i}"),
                    call_at: hotline.then_some(received - Duration::minutes(7)),
                },
                received,
            )
            .await?;
        let _ = receipt;
        let town = township_users
            .iter()
            .find(|u| u.scope == minewatch_core::Scope::Township(t));
        let (Some(town), Some(office)) = (town, office.as_ref()) else {
            continue;
        };
        // The first is answered, the second accepted and checked, the third only accepted,
        // the last still waits.
        if i < 3 {
            let list = store
                .tips(office, minewatch_core::clock::local_date(now))
                .await?;
            let Some(row) = list.iter().find(|r| r.description == *text) else {
                continue;
            };
            store
                .accept_tip(town, row.id, received + Duration::hours(20))
                .await?;
            if i < 2 && row.case_status == "registered" {
                store
                    .apply_action(
                        town,
                        row.case_id,
                        &CaseAction::Verify {
                            founded: true,
                            note: "经现场核查，举报属实".into(),
                        },
                        &[],
                        received + Duration::days(2),
                    )
                    .await?;
            }
            if i == 0 {
                store
                    .answer_tip(
                        office,
                        row.id,
                        "经核查举报属实，已责令停止开采、立案查处，感谢您的监督。",
                        received + Duration::days(3),
                    )
                    .await?;
            }
        }
    }
    Ok(())
}
