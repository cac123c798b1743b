//! The monthly ranking as the office files it: a titled sheet with the document number or
//! the draft mark, the month and cut-off, the formula, one row per township in rank order
//! with every count, the score and the main deductions, and a landscape print set-up.

use minewatch_core::bulletin::RankItem;
use minewatch_store::BulletinRow;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, XlsxError};

use crate::export::cell_text;
use crate::i18n::Lang;

/// # Errors
/// When the writer fails.
pub(crate) fn bulletin(row: &BulletinRow, title: &str, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let zh = lang.is_zh();
    let f = &row.figures;
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(lang.t("月通报排名", "Monthly ranking"))?;
    let title_format = Format::new()
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
    let wrap = Format::new().set_border(FormatBorder::Thin).set_text_wrap();
    let bold = Format::new().set_border(FormatBorder::Thin).set_bold();

    let mut headers: Vec<String> = vec![
        lang.t("名次", "Rank").into(),
        lang.t("较上月", "Change").into(),
        lang.t("乡镇(街道)", "Township").into(),
    ];
    for &item in RankItem::ALL {
        headers.push(format!("{}（{}）", item.label(zh), f.formula.weight(item)));
    }
    headers.push(lang.t("得分", "Score").into());
    headers.push(lang.t("主要扣分", "Main deductions").into());
    let last_col = u16::try_from(headers.len() - 1).unwrap_or(0);

    ws.merge_range(0, 0, 0, last_col, title, &title_format)?;
    let issued = match &row.issue {
        Some(i) => {
            if zh {
                format!(
                    "{}　签发人：{}　签发时间：{}",
                    i.number,
                    i.signed_by,
                    minewatch_core::clock::display_stamp(i.issued_at.as_str())
                )
            } else {
                format!(
                    "{} · signed by {} · {}",
                    i.number,
                    i.signed_by,
                    minewatch_core::clock::display_stamp(i.issued_at.as_str())
                )
            }
        }
        None => lang
            .t(
                "草稿（未签发，台账实时数据）",
                "Draft (not issued; live from the ledger)",
            )
            .to_string(),
    };
    ws.merge_range(1, 0, 1, last_col, &issued, &Format::new())?;
    let period = if zh {
        format!(
            "通报月份：{}　统计截至：{}　计分办法：{}",
            f.month.label(true),
            f.as_of,
            f.formula.text(true)
        )
    } else {
        format!(
            "Month {} · counted to {} · {}",
            f.month,
            f.as_of,
            f.formula.text(false)
        )
    };
    ws.merge_range(2, 0, 2, last_col, &period, &Format::new())?;
    for (col, h) in (0u16..).zip(&headers) {
        ws.write_string_with_format(4, col, h, &head)?;
    }
    let mut r = 5u32;
    for l in &f.lines {
        ws.write_number_with_format(r, 0, f64::from(u32::try_from(l.rank).unwrap_or(0)), &cell)?;
        match l.change() {
            Some(c) => {
                ws.write_number_with_format(r, 1, f64::from(i32::try_from(c).unwrap_or(0)), &cell)?
            }
            None => ws.write_blank(r, 1, &cell)?,
        };
        ws.write_string_with_format(r, 2, cell_text(&l.township), &cell)?;
        for (i, &item) in RankItem::ALL.iter().enumerate() {
            let n = l
                .item(item)
                .map_or(0, minewatch_core::bulletin::ItemCount::count);
            let col = 3 + u16::try_from(i).unwrap_or(0);
            ws.write_number_with_format(
                r,
                col,
                f64::from(i32::try_from(n).unwrap_or(i32::MAX)),
                &cell,
            )?;
        }
        let col = 3 + u16::try_from(RankItem::ALL.len()).unwrap_or(0);
        ws.write_number_with_format(
            r,
            col,
            f64::from(i32::try_from(l.score).unwrap_or(0)),
            &bold,
        )?;
        let worst: Vec<String> = l
            .worst(&f.formula, 3)
            .iter()
            .map(|(item, cost)| format!("{} {cost}", item.label(zh)))
            .collect();
        ws.write_string_with_format(r, col + 1, worst.join(lang.t("；", "; ")), &wrap)?;
        r += 1;
    }
    let note = lang.t(
        "说明：各项为件数，括号内为每件分值；得分 = 基础分 + Σ 分值 × 件数。只计工作成效，不计登录、上传、轨迹或照片数量。",
        "Note: counts of cases, points each in brackets; score = base + Σ points × count. Outcomes only; no app activity is scored.",
    );
    ws.merge_range(
        r + 1,
        0,
        r + 1,
        last_col,
        note,
        &Format::new().set_text_wrap(),
    )?;
    ws.set_row_height(r + 1, 32)?;
    ws.set_row_height(4, 44)?;
    ws.set_column_width(0, 6)?;
    ws.set_column_width(1, 7)?;
    ws.set_column_width(2, 14)?;
    for i in 0..RankItem::ALL.len() {
        ws.set_column_width(3 + u16::try_from(i).unwrap_or(0), 10)?;
    }
    ws.set_column_width(last_col, 30)?;
    ws.set_freeze_panes(5, 3)?;
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(4, 4)?;
    wb.save_to_buffer()
}
