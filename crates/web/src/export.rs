//! The ledger as .xlsx (R27): the same rows and filters as the page, laid out as the
//! rectification ledger offices file (明确责任单位、整改措施、整改时限).

use crate::i18n::Lang;
use minewatch_core::clock::display_stamp;
use minewatch_core::{CaseStatus, ClueSource, Decision, ProblemKind, Severity};
use minewatch_store::CaseRow;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// Column headers, in the order written.
pub fn headers(lang: Lang) -> Vec<&'static str> {
    let zh = [
        "序号",
        "案件编号",
        "乡镇(街道)",
        "村(社区)",
        "地址",
        "问题描述",
        "问题类型",
        "问题等级",
        "线索来源",
        "办理状态",
        "处置决定",
        "牵头部门",
        "责任单位",
        "责任人",
        "整改措施",
        "整改时限",
        "逾期天数",
        "罚款(元)",
        "没收(元)",
        "立案时间",
        "销号时间",
    ];
    let en = [
        "No.",
        "Case number",
        "Township",
        "Village",
        "Address",
        "Finding",
        "Kind",
        "Severity",
        "Source",
        "Status",
        "Decision",
        "Lead department",
        "Responsible unit",
        "Responsible person",
        "Measures",
        "Deadline",
        "Days overdue",
        "Fine (yuan)",
        "Confiscated (yuan)",
        "Opened",
        "Closed",
    ];
    if lang.is_zh() {
        zh.to_vec()
    } else {
        en.to_vec()
    }
}

/// One spreadsheet row of text cells (numbers are written as numbers separately).
pub fn row_cells(c: &CaseRow, lang: Lang) -> Vec<String> {
    let zh = lang.is_zh();
    vec![
        c.number.clone(),
        c.township.clone(),
        c.village.clone(),
        c.address.clone(),
        c.finding.clone(),
        ProblemKind::from_code(&c.problem_kind)
            .map_or(c.problem_kind.clone(), |k| k.label(zh).to_string()),
        Severity::from_code(&c.severity).map_or(c.severity.clone(), |s| s.label(zh).to_string()),
        ClueSource::from_code(&c.source).map_or(c.source.clone(), |s| s.label(zh).to_string()),
        CaseStatus::from_code(&c.status).map_or(c.status.clone(), |s| s.label(zh).to_string()),
        c.decision
            .as_deref()
            .and_then(Decision::from_code)
            .map_or(String::new(), |d| d.label(zh).to_string()),
        c.lead_department.clone(),
        c.responsible_unit.clone(),
        c.responsible_person.clone(),
        c.measures.clone(),
        c.due_on.clone().unwrap_or_default(),
    ]
}

/// Writes the rows into a workbook and returns its bytes.
///
/// # Errors
/// When the writer fails.
pub fn ledger_xlsx(rows: &[CaseRow], lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(lang.t("台账", "Ledger"))?;
    let bold = Format::new().set_bold();
    for (col, h) in (0u16..).zip(headers(lang)) {
        ws.write_string_with_format(0, col, h, &bold)?;
    }
    for (i, c) in rows.iter().enumerate() {
        let r = u32::try_from(i + 1).unwrap_or(u32::MAX);
        ws.write_number(r, 0, f64::from(r))?;
        for (col, text) in (1u16..).zip(row_cells(c, lang)) {
            ws.write_string(r, col, &text)?;
        }
        #[expect(
            clippy::cast_precision_loss,
            reason = "day counts and yuan amounts are far below 2^52"
        )]
        {
            ws.write_number(r, 16, c.days_overdue as f64)?;
            ws.write_number(r, 17, c.fine_fen as f64 / 100.0)?;
            ws.write_number(r, 18, c.confiscation_fen as f64 / 100.0)?;
        }
        ws.write_string(r, 19, display_stamp(&c.opened_at))?;
        ws.write_string(
            r,
            20,
            c.closed_at
                .as_deref()
                .map(display_stamp)
                .unwrap_or_default(),
        )?;
    }
    ws.set_freeze_panes(1, 0)?;
    let last = u32::try_from(rows.len()).unwrap_or(u32::MAX);
    ws.autofilter(0, 0, last, 20)?;
    for (col, width) in [
        (1u16, 16.0),
        (4, 18.0),
        (5, 30.0),
        (6, 22.0),
        (11, 18.0),
        (14, 28.0),
        (19, 17.0),
        (20, 17.0),
    ] {
        ws.set_column_width(col, width)?;
    }
    wb.save_to_buffer()
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
        ws.write_string_with_format(0, col, h, &bold)?;
    }
    for (i, p) in rows.iter().enumerate() {
        let r = u32::try_from(i + 1).unwrap_or(u32::MAX);
        ws.write_number(r, 0, f64::from(r))?;
        ws.write_string(r, 1, &p.patch_no)?;
        ws.write_string(r, 2, &p.batch_name)?;
        ws.write_string(r, 3, p.later_date.as_deref().unwrap_or(""))?;
        ws.write_number(
            r,
            4,
            (minewatch_spatial::area::mu(p.area_m2) * 100.0).round() / 100.0,
        )?;
        ws.write_number(r, 5, p.area_m2.round())?;
        ws.write_string(r, 6, p.township.as_deref().unwrap_or(""))?;
        ws.write_string(r, 7, p.village.as_deref().unwrap_or(""))?;
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
        ws.write_string(r, 8, &class)?;
        ws.write_string(r, 9, crate::pages::status_label(&p.status, zh))?;
        ws.write_string(r, 10, p.case_number.as_deref().unwrap_or(""))?;
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
    lang: Lang,
) -> Result<Vec<u8>, XlsxError> {
    let zh = lang.is_zh();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(lang.t("真实性核查", "Findings"))?;
    let bold = Format::new().set_bold();
    let headers = if zh {
        ["序号", "图斑编号", "问题", "详情"]
    } else {
        ["No.", "Patch", "Finding", "Detail"]
    };
    for (col, h) in (0u16..).zip(headers) {
        ws.write_string_with_format(0, col, h, &bold)?;
    }
    for (i, f) in list.iter().enumerate() {
        let r = u32::try_from(i + 1).unwrap_or(u32::MAX);
        ws.write_number(r, 0, f64::from(r))?;
        ws.write_string(r, 1, &f.patch_no)?;
        ws.write_string(r, 2, f.kind.label(zh))?;
        ws.write_string(r, 3, if zh { &f.detail_zh } else { &f.detail_en })?;
    }
    ws.set_freeze_panes(1, 0)?;
    for (col, width) in [(1u16, 18.0), (2, 30.0), (3, 70.0)] {
        ws.set_column_width(col, width)?;
    }
    wb.save_to_buffer()
}
