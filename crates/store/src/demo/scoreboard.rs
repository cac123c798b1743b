//! The demo's register of campaign results (八个一批): two townships' own entries — a typical
//! case exposed with the case it names, a model promoted — and the county's rules, all dated
//! within the current phase so the scoreboard shows them.

use chrono::{DateTime, Duration, Utc};
use minewatch_core::clock::local_date;

use crate::{Actor, NewCampaignResult, Result, Store};

pub(super) async fn results(
    store: &Store,
    office: &Actor,
    townships: &[Actor],
    county: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let today = local_date(now);
    let (Some(first), Some(second)) = (townships.first(), townships.get(1)) else {
        return Ok(());
    };
    // The first township's oldest closed case is the one it exposed.
    let closed = store
        .list_cases(
            first,
            &crate::CaseFilter {
                status: Some(minewatch_core::CaseStatus::Closed),
                ..crate::CaseFilter::default()
            },
            today,
            1,
            1,
        )
        .await?
        .0;
    let entries = [
        (
            first,
            NewCampaignResult {
                tally: "typical_cases".into(),
                title: "非法采砂案件公开曝光".into(),
                happened_on: Some(today - Duration::days(12)),
                reference: format!("{county}融媒体中心"),
                case_id: closed.first().map(|c| c.id.0),
                ..NewCampaignResult::default()
            },
        ),
        (
            second,
            NewCampaignResult {
                tally: "models".into(),
                title: "“网格+夜查”巡查做法在全县推广".into(),
                happened_on: Some(today - Duration::days(20)),
                reference: format!("{county}打非办简报第3期"),
                ..NewCampaignResult::default()
            },
        ),
        (
            office,
            NewCampaignResult {
                tally: "rules".into(),
                title: "矿产品运输合法来源凭证管理办法（试行）".into(),
                happened_on: Some(today - Duration::days(30)),
                reference: format!("{county}政办发〔2026〕8号"),
                ..NewCampaignResult::default()
            },
        ),
    ];
    for (who, entry) in entries {
        store
            .record_campaign_result(who, &entry, now - Duration::hours(1))
            .await?;
    }
    Ok(())
}
