//! One township's 周调度表 as a PDF: the figures as frozen at submission (or, before it, as
//! the ledger stands, marked as a draft), what the township wrote, and who signed.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::Duration;
use minewatch_core::ClueSource;
use minewatch_core::clock::{display_stamp, local_display};
use minewatch_paper::{Dispatch, Paper};

use crate::AppState;
use crate::auth::PageUser;
use crate::forms::Fields;
use crate::i18n::Lang;
use crate::pages::{PageResult, money};
use crate::print::{pdf, trace};

pub(super) async fn township_pdf(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    Path(township_id): Path<i64>,
    Query(q): Query<Fields>,
) -> PageResult<Response> {
    let today = state.clock.today();
    let friday = super::week_param(q.get("week"), today)?;
    let row = state
        .store
        .dispatch(&actor, township_id, friday, state.clock.now())
        .await?;
    let (_, county) = state.store.county(actor.county_id).await?;
    let f = &row.figures;
    let by_source = f
        .clues_by_source
        .iter()
        .map(|s| {
            let label =
                ClueSource::from_code(&s.source).map_or(s.source.as_str(), |c| c.label(true));
            format!("{label}{}", s.count)
        })
        .collect::<Vec<_>>()
        .join("，");
    let count = |n: usize| n.to_string();
    let figures = vec![
        (
            "新增线索".to_string(),
            if by_source.is_empty() {
                "0".into()
            } else {
                format!("{}（{by_source}）", f.clues())
            },
        ),
        ("新立案件".into(), count(f.opened.len())),
        ("报告整改完成".into(), count(f.rectified.len())),
        ("销号".into(), count(f.closed.len())),
        ("逾期未办结".into(), count(f.overdue.len())),
        ("巡查记录".into(), f.patrol_records.to_string()),
        (
            "网格日报告（已报/漏报）".into(),
            format!("{} / {}", f.zero_reports_filed, f.zero_reports_missing),
        ),
        (
            "群众举报（收到/答复）".into(),
            format!("{} / {}", f.tips_received, f.tips_answered),
        ),
        ("查扣".into(), f.seizures.to_string()),
        (
            "罚款 / 没收".into(),
            format!(
                "{} / {}",
                money(f.fine_fen, Lang::Zh),
                money(f.confiscation_fen, Lang::Zh)
            ),
        ),
    ];
    let numbers = |cases: &[minewatch_core::dispatch::CountedCase]| {
        cases
            .iter()
            .map(|c| c.number.as_str())
            .collect::<Vec<_>>()
            .join("、")
    };
    let t = &row.text;
    let mut sections = vec![
        ("一、本周工作开展情况".to_string(), t.work_done.clone()),
        ("二、存在问题及困难".into(), t.problems.clone()),
        ("三、下周工作打算".into(), t.next_week.clone()),
    ];
    if !f.overdue.is_empty() {
        sections.push((
            "四、逾期未办结原因及办结时限".into(),
            format!("{}（逾期案件：{}）", t.overdue_reasons, numbers(&f.overdue)),
        ));
    }
    let as_of = if row.frozen {
        format!("{}，报送时封存", local_display(f.counted_to))
    } else {
        format!(
            "{}（草稿：尚未报送，数字随台账变化）",
            local_display(f.counted_to)
        )
    };
    let paper = Paper::new(&Dispatch {
        title: format!("{county}打击非法采矿专项行动周调度表"),
        township: row.township.clone(),
        week: format!("{} 至 {}", friday - Duration::days(6), friday),
        as_of,
        figures,
        sections,
        signer: t.signed_by.clone(),
        submitted: row.submitted_at.as_ref().map_or_else(
            || row.standing.label(true).to_string(),
            |s| display_stamp(s.as_str()),
        ),
        trace: trace(
            &format!("{}第{}周调度记录", row.township, friday.format("%V")),
            today,
        ),
    });
    Ok(pdf(paper, &format!("dispatch-{township_id}-{friday}.pdf")).await?)
}
