//! The demo's blacklist: a haulage truck and a sand firm listed for a closed case, the
//! transport and market-regulation bureaus' measures on them (recorded by the county office
//! on their behalf), and a plate lifted after its owner's credit repair. All invented.

use chrono::{DateTime, Duration, Utc};
use minewatch_core::blacklist::SubjectKind;
use minewatch_core::clock::local_date;

use crate::{Actor, CaseFilter, NewListing, Result, Store};

pub(super) async fn listings(store: &Store, office: &Actor, now: DateTime<Utc>) -> Result<()> {
    let today = local_date(now);
    let closed = store
        .list_cases(
            office,
            &CaseFilter {
                status: Some(minewatch_core::CaseStatus::Closed),
                ..CaseFilter::default()
            },
            today,
            1,
            2,
        )
        .await?
        .0;
    let Some(case) = closed.first() else {
        return Ok(());
    };
    let department = |code: &str| {
        let code = code.to_string();
        async move {
            Ok::<_, crate::StoreError>(
                store
                    .departments(office.county_id)
                    .await?
                    .into_iter()
                    .find(|d| d.code == code)
                    .map(|d| d.id),
            )
        }
    };
    let at = now - Duration::days(20);
    let plan = [
        (
            SubjectKind::Vehicle,
            "重型自卸货车",
            "晋K·D8836",
            "无合法来源凭证运输河砂，拒不接受检查",
            "transport",
            "列入重点监管车辆，暂停道路运输证年审",
        ),
        (
            SubjectKind::Firm,
            "青岚县鑫盛砂石有限公司",
            "91140000MA0DEMO01X",
            "收购、加工非法开采的河砂",
            "market_regulation",
            "列入严重违法失信名单，限制参加政府采购和招投标",
        ),
        (
            SubjectKind::Vehicle,
            "自卸货车",
            "晋K·C1207",
            "超范围运输矿石",
            "transport",
            "责令整改",
        ),
    ];
    let mut ids = Vec::new();
    for (kind, name, identifier, reason, dept, measure) in plan {
        let id = store
            .list_on_blacklist(
                office,
                &NewListing {
                    kind,
                    name: name.into(),
                    identifier: identifier.into(),
                    reason: reason.into(),
                    cases: vec![case.number.clone()],
                    valid_until: Some(today + Duration::days(3 * 365)),
                },
                at,
            )
            .await?;
        if let Some(d) = department(dept).await? {
            store
                .apply_punishment(office, id, Some(d), measure, at + Duration::days(2))
                .await?;
        }
        ids.push(id);
    }
    if let Some(last) = ids.last() {
        store
            .lift_blacklist(
                office,
                *last,
                "车主已整改，完成信用修复",
                now - Duration::days(3),
            )
            .await?;
    }
    Ok(())
}
