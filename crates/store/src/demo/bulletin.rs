//! The demo's monthly bulletins: the month before last issued on the third of last month,
//! so last month's draft, which the county office has still to issue, shows each
//! township's change of rank.

use chrono::{DateTime, Duration, Utc};
use minewatch_core::bulletin::Month;
use minewatch_core::clock::{local_date, local_day_start};

use crate::{Actor, IssueForm, Result, Store};

pub(super) async fn bulletins(
    store: &Store,
    office: &Actor,
    county: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let last = Month::of(local_date(now)).previous();
    let before = last.previous();
    let issued_at = local_day_start(last.first_day() + Duration::days(2)) + Duration::hours(10);
    store
        .issue_bulletin(
            office,
            before,
            &IssueForm {
                number: format!("{county}打非办〔{}〕{}号", before.year, before.month),
                signed_by: "县打非办主任".into(),
                remarks: "各乡镇（街道）要对照排名查找差距，逾期问题务必于下月底前整改到位。"
                    .into(),
            },
            issued_at.min(now),
        )
        .await?;
    Ok(())
}
