//! The county's weekly roll-up as the office files it: a titled sheet with the reporting
//! unit, the week and the cut-off, one row per township, the lapses marked, submission
//! times as real dates, totals, and a print set-up that fits one landscape page wide.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use minewatch_core::dispatch::DispatchFigures;
use minewatch_store::DispatchRow;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, XlsxError};

use crate::export::{cell_text, excel_time};
use crate::i18n::Lang;

fn len(v: &[minewatch_core::dispatch::CountedCase]) -> f64 {
    f64::from(u32::try_from(v.len()).unwrap_or(u32::MAX))
}

#[expect(
    clippy::cast_precision_loss,
    reason = "counts and yuan amounts are far below 2^52"
)]
fn numbers(f: &DispatchFigures) -> [f64; 9] {
    [
        f.clues() as f64,
        len(&f.opened),
        len(&f.rectified),
        len(&f.closed),
        len(&f.overdue),
        f.patrol_records as f64,
        f.zero_reports_missing as f64,
        f.tips_received as f64,
        (f.fine_fen + f.confiscation_fen) as f64 / 100.0,
    ]
}

/// The roll-up of the week ending `friday`, as taken at `now`.
///
/// # Errors
/// When the writer fails.
pub(crate) fn rollup(
    rows: &[DispatchRow],
    county: &str,
    friday: NaiveDate,
    now: DateTime<Utc>,
    lang: Lang,
) -> Result<Vec<u8>, XlsxError> {
    let zh = lang.is_zh();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(lang.t("周调度汇总", "Weekly roll-up"))?;
    let title = Format::new()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center);
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_border(FormatBorder::Thin);
    let cell = Format::new().set_border(FormatBorder::Thin);
    let warn = Format::new()
        .set_border(FormatBorder::Thin)
        .set_font_color("#B42318")
        .set_bold();
    let stamp = Format::new()
        .set_border(FormatBorder::Thin)
        .set_num_format("yyyy-mm-dd hh:mm");
    let yuan = Format::new()
        .set_border(FormatBorder::Thin)
        .set_num_format("#,##0.00");
    let headers: [&str; 13] = if zh {
        [
            "乡镇(街道)",
            "报送状态",
            "报送时间",
            "签字负责人",
            "新增线索",
            "新立案件",
            "报告整改",
            "销号",
            "逾期未办结",
            "巡查记录",
            "日报告漏报",
            "群众举报",
            "罚没金额（元）",
        ]
    } else {
        [
            "Township",
            "Status",
            "Submitted",
            "Signed by",
            "New clues",
            "Opened",
            "Rectified",
            "Closed",
            "Overdue",
            "Patrols",
            "Reports missing",
            "Tips",
            "Fines + confiscations (yuan)",
        ]
    };
    let last_col = u16::try_from(headers.len() - 1).unwrap_or(0);
    let heading = if zh {
        format!("{county}打击非法采矿专项行动周调度汇总表")
    } else {
        format!("{county}: weekly dispatch roll-up")
    };
    ws.merge_range(0, 0, 0, last_col, &heading, &title)?;
    let from = friday - Duration::days(6);
    let sub = if zh {
        format!(
            "填报单位：{county}专项行动领导小组办公室　调度周：{from} 至 {friday}　统计截至：{}",
            minewatch_core::clock::local_display(now)
        )
    } else {
        format!(
            "Unit: {county} campaign office · week {from} to {friday} · as of {}",
            minewatch_core::clock::local_display(now)
        )
    };
    ws.merge_range(1, 0, 1, last_col, &sub, &Format::new())?;
    for (col, h) in (0u16..).zip(headers) {
        ws.write_string_with_format(3, col, h, &head)?;
    }
    let mut r = 4u32;
    let mut totals = [0.0_f64; 9];
    for row in rows {
        ws.write_string_with_format(r, 0, cell_text(&row.township), &cell)?;
        let status_format = if row.standing.lapsed() { &warn } else { &cell };
        ws.write_string_with_format(r, 1, row.standing.label(zh), status_format)?;
        match row
            .submitted_at
            .as_ref()
            .and_then(minewatch_store::Stamp::time)
        {
            Some(t) => ws.write_datetime_with_format(r, 2, excel_time(t)?, &stamp)?,
            None => ws.write_blank(r, 2, &cell)?,
        };
        ws.write_string_with_format(r, 3, cell_text(&row.text.signed_by), &cell)?;
        let n = numbers(&row.figures);
        for (i, v) in n.iter().enumerate() {
            let col = 4 + u16::try_from(i).unwrap_or(0);
            let f = if i == 8 { &yuan } else { &cell };
            ws.write_number_with_format(r, col, *v, f)?;
            totals[i] += v;
        }
        r += 1;
    }
    ws.write_string_with_format(r, 0, lang.t("合计", "Total"), &head)?;
    for col in 1..4 {
        ws.write_blank(r, col, &cell)?;
    }
    for (i, v) in totals.iter().enumerate() {
        let col = 4 + u16::try_from(i).unwrap_or(0);
        let f = if i == 8 { &yuan } else { &cell };
        ws.write_number_with_format(r, col, *v, f)?;
    }
    let note = lang.t(
        "说明：已报送的乡镇为报送时封存的数据；未报送的为导出时的台账数据。",
        "Note: submitted townships show the figures frozen at submission; the others the ledger's at export.",
    );
    ws.merge_range(r + 2, 0, r + 2, last_col, note, &Format::new())?;
    ws.set_row_height(3, 32)?;
    ws.set_column_width(0, 14)?;
    ws.set_column_width(1, 10)?;
    ws.set_column_width(2, 17)?;
    ws.set_column_width(3, 12)?;
    ws.set_column_width(12, 16)?;
    ws.set_freeze_panes(4, 1)?;
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(3, 3)?;
    wb.save_to_buffer()
}
