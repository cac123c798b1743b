//! The scoreboard as the office files it with its campaign summary: a titled sheet with the
//! period and cut-off, one row per township (and the county's own entries), the eight
//! tallies as numbers, totals, what each counts, and a landscape print set-up.

use chrono::NaiveDate;
use minewatch_core::scoreboard::{Scoreboard, Tally};
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, XlsxError};

use crate::export::cell_text;
use crate::i18n::Lang;

pub(crate) struct Head {
    pub title: String,
    pub period: String,
    pub as_of: NaiveDate,
}

fn n(v: usize) -> f64 {
    f64::from(u32::try_from(v).unwrap_or(u32::MAX))
}

/// # Errors
/// When the writer fails.
pub(crate) fn scoreboard(
    board: &Scoreboard,
    head: &Head,
    lang: Lang,
) -> Result<Vec<u8>, XlsxError> {
    let zh = lang.is_zh();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(lang.t("八个一批", "Eight tallies"))?;
    let title = Format::new()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center);
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_border(FormatBorder::Thin);
    let cell = Format::new().set_border(FormatBorder::Thin);
    let bold = Format::new().set_border(FormatBorder::Thin).set_bold();
    let last_col = u16::try_from(Tally::ALL.len()).unwrap_or(8);

    ws.merge_range(0, 0, 0, last_col, &head.title, &title)?;
    ws.set_row_height(0, 28)?;
    let line = if zh {
        format!(
            "统计期间：{}（{} 至 {}）　统计截至：{}",
            head.period, board.from, board.to, head.as_of
        )
    } else {
        format!(
            "{} ({} to {}) · counted to {}",
            head.period, board.from, board.to, head.as_of
        )
    };
    ws.merge_range(1, 0, 1, last_col, &line, &Format::new())?;
    ws.write_string_with_format(3, 0, lang.t("乡镇(街道)", "Township"), &header)?;
    for (col, &t) in (1u16..).zip(Tally::ALL) {
        ws.write_string_with_format(3, col, t.label(zh), &header)?;
        ws.set_column_width(col, 13)?;
    }
    ws.set_row_height(3, 44)?;
    ws.set_column_width(0, 16)?;
    let mut r = 4u32;
    for l in &board.lines {
        ws.write_string_with_format(r, 0, cell_text(&l.name), &cell)?;
        for (col, &t) in (1u16..).zip(Tally::ALL) {
            ws.write_number_with_format(r, col, n(l.count(t)), &cell)?;
        }
        r += 1;
    }
    ws.write_string_with_format(r, 0, lang.t("合计", "Total"), &bold)?;
    for (col, (_, total)) in (1u16..).zip(board.totals()) {
        ws.write_number_with_format(r, col, n(total), &bold)?;
    }
    r += 2;
    ws.write_string(r, 0, lang.t("统计口径：", "What each counts:"))?;
    for &t in Tally::ALL {
        r += 1;
        ws.merge_range(
            r,
            0,
            r,
            last_col,
            &format!("{}：{}", t.label(zh), t.rule()),
            &Format::new(),
        )?;
    }
    ws.set_freeze_panes(4, 1)?;
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(3, 3)?;
    wb.save_to_buffer()
}
