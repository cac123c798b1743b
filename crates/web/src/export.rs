//! What every .xlsx shares (R27): building off the async threads, cells that always fit,
//! typed dates, the download; and the sky's and the ground's workbooks.

use crate::i18n::Lang;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

/// The most characters Excel keeps in one cell.
pub const MAX_CELL_CHARS: usize = 32_767;
const CUT_MARK: &str = "……（超出单元格长度，全文见系统记录 / cut: the full text is in the record）";

/// Builds a workbook off the async threads: a county's ledger or patrol forms take
/// seconds of CPU that would otherwise stall every other request on that thread.
///
/// # Errors
/// When the workbook cannot be built (reported as an internal error, never a panic).
pub(crate) async fn off_thread(
    build: impl FnOnce() -> Result<Vec<u8>, XlsxError> + Send + 'static,
) -> Result<Vec<u8>, crate::WebError> {
    let fail = |e: String| crate::WebError::Store(minewatch_store::StoreError::Corrupt(e));
    tokio::task::spawn_blocking(build)
        .await
        .map_err(|e| fail(format!("building the workbook: {e}")))?
        .map_err(|e| fail(format!("building the workbook: {e}")))
}

/// A cell's text as Excel can hold it: a longer text (a 40,000-character clue) is cut with
/// a mark saying so, so one long record never fails the whole export.
pub(crate) fn cell_text(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().count() <= MAX_CELL_CHARS {
        return std::borrow::Cow::Borrowed(text);
    }
    let keep = MAX_CELL_CHARS - CUT_MARK.chars().count();
    let mut out: String = text.chars().take(keep).collect();
    out.push_str(CUT_MARK);
    std::borrow::Cow::Owned(out)
}

/// Writing text that always fits a cell.
trait CellText {
    fn text(
        &mut self,
        row: u32,
        col: u16,
        text: impl AsRef<str>,
    ) -> Result<&mut Worksheet, XlsxError>;
    fn text_with_format(
        &mut self,
        row: u32,
        col: u16,
        text: impl AsRef<str>,
        format: &Format,
    ) -> Result<&mut Worksheet, XlsxError>;
}

impl CellText for Worksheet {
    fn text(
        &mut self,
        row: u32,
        col: u16,
        text: impl AsRef<str>,
    ) -> Result<&mut Worksheet, XlsxError> {
        self.write_string(row, col, cell_text(text.as_ref()))
    }

    fn text_with_format(
        &mut self,
        row: u32,
        col: u16,
        text: impl AsRef<str>,
        format: &Format,
    ) -> Result<&mut Worksheet, XlsxError> {
        self.write_string_with_format(row, col, cell_text(text.as_ref()), format)
    }
}

/// A moment as an Excel date-time in China's local time.
///
/// # Errors
/// A date Excel cannot hold (before 1900).
pub(crate) fn excel_time(t: chrono::DateTime<chrono::Utc>) -> Result<ExcelDateTime, XlsxError> {
    use chrono::Timelike;
    let local = t
        .with_timezone(&minewatch_core::clock::shanghai())
        .naive_local();
    excel_date(local.date())?.and_hms(
        u16::try_from(local.hour()).unwrap_or(0),
        u8::try_from(local.minute()).unwrap_or(0),
        0,
    )
}

/// A day as an Excel date.
///
/// # Errors
/// A date Excel cannot hold (before 1900).
pub(crate) fn excel_date(d: chrono::NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    use chrono::Datelike;
    ExcelDateTime::from_ymd(
        u16::try_from(d.year()).unwrap_or(1900),
        u8::try_from(d.month()).unwrap_or(1),
        u8::try_from(d.day()).unwrap_or(1),
    )
}

/// Patches as .xlsx: the list the county files with the batch (图斑核查台账).
///
/// # Errors
/// When the writer fails.
pub fn patches_workbook(
    rows: &[minewatch_store::PatchRow],
    lang: Lang,
) -> Result<Vec<u8>, XlsxError> {
    let zh = lang.is_zh();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(lang.t("图斑核查", "Patches"))?;
    let bold = Format::new().set_bold();
    let headers: [&str; 11] = if zh {
        [
            "序号",
            "图斑编号",
            "批次",
            "后时相",
            "面积(亩)",
            "面积(平方米)",
            "乡镇(街道)",
            "村(社区)",
            "初判",
            "核查状态",
            "案件编号",
        ]
    } else {
        [
            "No.",
            "Patch",
            "Batch",
            "Later image",
            "Area (mu)",
            "Area (m²)",
            "Township",
            "Village",
            "Class",
            "Status",
            "Case",
        ]
    };
    for (col, h) in (0u16..).zip(headers) {
        ws.text_with_format(0, col, h, &bold)?;
    }
    for (i, p) in rows.iter().enumerate() {
        let r = u32::try_from(i + 1).unwrap_or(u32::MAX);
        ws.write_number(r, 0, f64::from(r))?;
        ws.text(r, 1, &p.patch_no)?;
        ws.text(r, 2, &p.batch_name)?;
        ws.text(r, 3, p.later_date.as_deref().unwrap_or(""))?;
        ws.write_number(
            r,
            4,
            (minewatch_spatial::area::mu(p.area_m2) * 100.0).round() / 100.0,
        )?;
        ws.write_number(r, 5, p.area_m2.round())?;
        ws.text(r, 6, p.township.as_deref().unwrap_or(""))?;
        ws.text(r, 7, p.village.as_deref().unwrap_or(""))?;
        let class = minewatch_spatial::triage::PatchClass::from_code(&p.class).map_or(
            p.class.clone(),
            |c| {
                if zh {
                    c.label_zh().to_string()
                } else {
                    c.code().to_string()
                }
            },
        );
        ws.text(r, 8, &class)?;
        ws.text(r, 9, crate::pages::status_label(&p.status, zh))?;
        ws.text(r, 10, p.case_number.as_deref().unwrap_or(""))?;
    }
    ws.set_freeze_panes(1, 0)?;
    let last = u32::try_from(rows.len()).unwrap_or(u32::MAX);
    ws.autofilter(0, 0, last, 10)?;
    for (col, width) in [
        (1u16, 18.0),
        (2, 22.0),
        (3, 12.0),
        (6, 12.0),
        (7, 12.0),
        (8, 14.0),
        (9, 12.0),
        (10, 18.0),
    ] {
        ws.set_column_width(col, width)?;
    }
    wb.save_to_buffer()
}

/// Truthfulness findings as .xlsx, one row each.
///
/// # Errors
/// When the writer fails.
pub fn findings_workbook(
    list: &[minewatch_store::Finding],
    photos: &std::collections::HashMap<String, minewatch_store::PhotoReading>,
    lang: Lang,
) -> Result<Vec<u8>, XlsxError> {
    let zh = lang.is_zh();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(lang.t("真实性核查", "Findings"))?;
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    let headers = if zh {
        [
            "序号",
            "图斑编号",
            "问题",
            "详情",
            "状态",
            "照片",
            "拍摄时间",
            "拍摄位置",
            "无法读取",
        ]
    } else {
        [
            "No.",
            "Patch",
            "Finding",
            "Detail",
            "State",
            "Photos",
            "Taken",
            "Position",
            "Could not read",
        ]
    };
    for (col, h) in (0u16..).zip(headers) {
        ws.text_with_format(0, col, h, &bold)?;
    }
    for (i, f) in list.iter().enumerate() {
        let r = u32::try_from(i + 1).unwrap_or(u32::MAX);
        ws.write_number(r, 0, f64::from(r))?;
        ws.text(r, 1, &f.patch_no)?;
        ws.text(r, 2, f.kind.label(zh))?;
        ws.text(r, 3, if zh { &f.detail_zh } else { &f.detail_en })?;
        ws.text(
            r,
            4,
            match (f.corrected, zh) {
                (true, true) => "已更正",
                (true, false) => "corrected",
                (false, true) => "待处理",
                (false, false) => "open",
            },
        )?;
        let readings: Vec<&minewatch_store::PhotoReading> =
            f.photos.iter().filter_map(|s| photos.get(s)).collect();
        let column = |text: &dyn Fn(&minewatch_store::PhotoReading) -> String| {
            readings
                .iter()
                .map(|p| text(p))
                .collect::<Vec<_>>()
                .join("\n")
        };
        ws.text_with_format(r, 5, column(&|p| p.file_name.clone()), &wrap)?;
        ws.text_with_format(
            r,
            6,
            column(&|p| {
                p.taken_at
                    .as_deref()
                    .map_or("—".into(), |t| t.replace('T', " "))
            }),
            &wrap,
        )?;
        ws.text_with_format(
            r,
            7,
            column(&|p| match (p.from_public, p.lon.zip(p.lat)) {
                (true, _) => "—".into(),
                (false, Some((x, y))) => format!("{x:.5}, {y:.5}"),
                (false, None) => "—".into(),
            }),
            &wrap,
        )?;
        ws.text_with_format(
            r,
            8,
            column(&|p| {
                p.unread
                    .iter()
                    .map(|u| u.describe(zh))
                    .collect::<Vec<_>>()
                    .join("；")
            }),
            &wrap,
        )?;
    }
    ws.set_freeze_panes(1, 0)?;
    for (col, width) in [
        (1u16, 18.0),
        (2, 30.0),
        (3, 70.0),
        (4, 10.0),
        (5, 28.0),
        (6, 20.0),
        (7, 22.0),
        (8, 40.0),
    ] {
        ws.set_column_width(col, width)?;
    }
    wb.save_to_buffer()
}

/// Patrol records as seed 002's 隐患排查报表: one sheet per township, its title and stamp
/// line, then 序号, 村, 排查详细地址, 现场情况, 发现隐患, 整改措施, 包村干部签字, 村委负责人签字, 备注.
///
/// # Errors
/// When the writer fails.
pub fn patrol_form_workbook(
    rows: &[minewatch_store::PatrolRow],
    county: &str,
    lang: Lang,
) -> Result<Vec<u8>, XlsxError> {
    let zh = lang.is_zh();
    let mut wb = Workbook::new();
    let title = Format::new()
        .set_bold()
        .set_font_size(14)
        .set_align(rust_xlsxwriter::FormatAlign::Center);
    let bold = Format::new()
        .set_bold()
        .set_border(rust_xlsxwriter::FormatBorder::Thin)
        .set_text_wrap()
        .set_align(rust_xlsxwriter::FormatAlign::Center);
    let cell = Format::new()
        .set_border(rust_xlsxwriter::FormatBorder::Thin)
        .set_text_wrap()
        .set_align(rust_xlsxwriter::FormatAlign::Top);
    let headers: [&str; 9] = if zh {
        [
            "序号",
            "村",
            "排查详细地址",
            "现场情况",
            "发现隐患",
            "整改措施",
            "包村干部签字",
            "村委负责人签字",
            "备注",
        ]
    } else {
        [
            "No.",
            "Village",
            "Address",
            "Situation",
            "Hazards",
            "Measures",
            "包村干部 signature",
            "Village head signature",
            "Remarks",
        ]
    };
    let mut townships: Vec<&str> = Vec::new();
    for r in rows {
        if !townships.contains(&r.township.as_str()) {
            townships.push(&r.township);
        }
    }
    if townships.is_empty() {
        townships.push("");
    }
    let sign = |s: &minewatch_store::Signature| s.words(zh);
    for t in townships {
        let ws = wb.add_worksheet();
        let name: String = if t.is_empty() {
            lang.t("隐患排查报表", "Patrol form").to_string()
        } else {
            t.chars().take(31).collect()
        };
        ws.set_name(&name)?;
        ws.merge_range(
            0,
            0,
            0,
            8,
            &format!(
                "{county}{}",
                lang.t(
                    "严厉打击非法违法采矿等行为专项行动隐患排查报表",
                    " — campaign against illegal mining: patrol and hazard form"
                )
            ),
            &title,
        )?;
        let mine: Vec<&minewatch_store::PatrolRow> =
            rows.iter().filter(|r| r.township == t).collect();
        let (first, last) = (
            mine.first().map_or("", |r| r.patrolled_on.as_str()),
            mine.last().map_or("", |r| r.patrolled_on.as_str()),
        );
        ws.text(
            1,
            0,
            format!(
                "{t}{}",
                lang.t("人民政府（盖章）", " township government (seal)")
            ),
        )?;
        ws.text(
            1,
            6,
            format!("{}{first} — {last}", lang.t("排查日期：", "Dates: ")),
        )?;
        for (col, h) in (0u16..).zip(headers) {
            ws.text_with_format(2, col, h, &bold)?;
        }
        for (i, p) in mine.iter().enumerate() {
            let r = u32::try_from(i + 3).unwrap_or(u32::MAX);
            let mut remarks = vec![
                p.patrolled_on.clone(),
                minewatch_store::PatrolLevel::from_code(&p.level)
                    .map_or(p.level.clone(), |l| l.label(zh).to_string()),
            ];
            if p.night {
                remarks.push(lang.t("夜间巡查", "night").into());
            }
            remarks.push(
                if p.confirmed.signed_at.is_some() {
                    lang.t("乡镇已确认", "confirmed by the township")
                } else {
                    lang.t("乡镇未确认", "not yet confirmed")
                }
                .into(),
            );
            if let Some(n) = &p.case_number {
                remarks.push(format!("{}{n}", lang.t("已登记案件 ", "case ")));
            }
            if !p.remarks.is_empty() {
                remarks.push(p.remarks.clone());
            }
            let values = [
                (i + 1).to_string(),
                p.village.clone(),
                p.address.clone(),
                p.situation.clone(),
                p.hazards.clone(),
                p.measures.clone(),
                sign(&p.cadre),
                sign(&p.head),
                remarks.join("；"),
            ];
            for (col, v) in (0u16..).zip(values) {
                ws.text_with_format(r, col, &v, &cell)?;
            }
        }
        for (col, width) in [
            (0u16, 6.0),
            (1, 12.0),
            (2, 22.0),
            (3, 28.0),
            (4, 22.0),
            (5, 22.0),
            (6, 18.0),
            (7, 18.0),
            (8, 26.0),
        ] {
            ws.set_column_width(col, width)?;
        }
        ws.set_freeze_panes(3, 0)?;
        ws.set_landscape();
    }
    wb.save_to_buffer()
}

/// Compliance figures (R16, R17, R19): a sheet of townships and a sheet of villages.
///
/// # Errors
/// When the writer fails.
pub fn compliance_workbook(
    c: &minewatch_store::Compliance,
    lang: Lang,
) -> Result<Vec<u8>, XlsxError> {
    let zh = lang.is_zh();
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold().set_text_wrap();
    let pct = Format::new().set_num_format("0.0%");
    let headers: [&str; 16] = if zh {
        [
            "乡镇(街道)",
            "村(社区)",
            "网格数",
            "应报(网格·天)",
            "已报",
            "其中补报",
            "未报",
            "无发现",
            "有发现",
            "本级巡查应完成(期)",
            "已完成",
            "全域巡查应完成(周)",
            "已完成",
            "履职达标",
            "区域覆盖率",
            "夜间覆盖率",
        ]
    } else {
        [
            "Township",
            "Village",
            "Grids",
            "Reports due",
            "Filed",
            "Late",
            "Missing",
            "Nothing found",
            "Findings",
            "Patrols owed",
            "Done",
            "Full cover owed",
            "Done",
            "Duty met",
            "Coverage",
            "Night coverage",
        ]
    };
    for (sheet, list) in [
        (lang.t("乡镇", "Townships"), &c.townships),
        (lang.t("村", "Villages"), &c.villages),
    ] {
        let ws = wb.add_worksheet();
        ws.set_name(sheet)?;
        ws.text(
            0,
            0,
            format!(
                "{}{} — {}（{}{}）",
                lang.t("统计期间：", "Period: "),
                c.from,
                c.to,
                lang.t("计至 ", "counted to "),
                c.counted_to
            ),
        )?;
        for (col, h) in (0u16..).zip(headers) {
            ws.text_with_format(1, col, h, &bold)?;
        }
        for (i, u) in list.iter().enumerate() {
            let r = u32::try_from(i + 2).unwrap_or(u32::MAX);
            ws.text(r, 0, &u.township)?;
            ws.text(r, 1, &u.village)?;
            let nums = [
                u.grids as f64,
                u.reports_due as f64,
                u.filed as f64,
                u.late as f64,
                u.missing as f64,
                u.nothing_found as f64,
                u.with_findings as f64,
                u.patrol_owed as f64,
                u.patrol_met as f64,
                u.full_cover_owed as f64,
                u.full_cover_met as f64,
            ];
            for (col, v) in (2u16..).zip(nums) {
                ws.write_number(r, col, v)?;
            }
            ws.text(
                r,
                13,
                if u.duty_met() {
                    lang.t("是", "yes")
                } else {
                    lang.t("否", "no")
                },
            )?;
            match (u.coverage_any, u.coverage_night) {
                (Some(a), Some(n)) => {
                    ws.write_number_with_format(r, 14, a, &pct)?;
                    ws.write_number_with_format(r, 15, n, &pct)?;
                }
                _ => {
                    ws.text(r, 14, lang.t("无重点区域", "no zones"))?;
                }
            }
        }
        ws.set_freeze_panes(2, 2)?;
        ws.set_column_width(0, 12.0)?;
        ws.set_column_width(1, 12.0)?;
    }
    wb.save_to_buffer()
}

/// A workbook as a download.
pub(crate) fn xlsx_file(bytes: Vec<u8>, name: &str) -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_to_what_a_cell_holds() {
        let long = "矿".repeat(40_000);
        let cut = cell_text(&long);
        assert_eq!(cut.chars().count(), MAX_CELL_CHARS);
        assert!(cut.ends_with("全文见系统记录 / cut: the full text is in the record）"));
        assert_eq!(cell_text("短"), "短");
    }
}
