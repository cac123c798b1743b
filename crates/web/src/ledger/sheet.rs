//! The ledger as the 台账 an office files and prints (R27): a title, the 填报单位, the cut-off
//! date and the filters, then every case under the filters (not one page of them) with
//! every column the offices keep — 两断三清, 行刑衔接, 纪检移送, 网格责任人 and 包村干部 among
//! them — and a totals line. One column list feeds both the .xlsx (typed dates and amounts,
//! print set-up) and the print page.

use chrono::{DateTime, NaiveDate, Utc};
use minewatch_core::{
    CaseState, CaseStatus, ClueSource, Decision, MeasureStep, ProblemKind, Scope, Severity,
};
use minewatch_store::{CaseFilter, LedgerLine};
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, XlsxError};

use crate::export::{cell_text, excel_date, excel_time};
use crate::i18n::Lang;
use crate::{AppState, WebError};
use minewatch_store::Actor;

/// What the sheet says above its table.
#[derive(Debug, Clone)]
pub(crate) struct SheetHead {
    pub title: String,
    pub unit: String,
    pub as_of: NaiveDate,
    pub filters: String,
}

/// One cell, typed, so the .xlsx holds dates and amounts as such.
pub(crate) enum Cell {
    Text(String),
    Count(i64),
    Fen(i64),
    Date(NaiveDate),
    Time(DateTime<Utc>),
    Blank,
}

impl Cell {
    fn text(text: impl Into<String>) -> Self {
        let t = text.into();
        if t.is_empty() {
            Cell::Blank
        } else {
            Cell::Text(t)
        }
    }

    /// As the print page shows it: a nil amount left blank, as on paper.
    pub(crate) fn printed(&self) -> String {
        match self {
            Cell::Fen(0) => String::new(),
            other => other.shown(),
        }
    }

    fn is_number(&self) -> bool {
        matches!(self, Cell::Count(_) | Cell::Fen(_))
    }

    /// As text.
    pub(crate) fn shown(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Count(n) => n.to_string(),
            Cell::Fen(f) => crate::pages::yuan(*f),
            Cell::Date(d) => d.to_string(),
            Cell::Time(t) => minewatch_core::clock::local_display(*t),
            Cell::Blank => String::new(),
        }
    }
}

/// The .xlsx row of the column headers, under the title, the unit line and a blank row.
const HEADER_ROW: u32 = 3;

/// The columns, in order: header and width in the .xlsx.
const COLUMNS: &[(&str, &str, f64)] = &[
    ("序号", "No.", 5.0),
    ("案件编号", "Case number", 16.0),
    ("乡镇(街道)", "Township", 11.0),
    ("村(社区)", "Village", 11.0),
    ("网格责任人", "Grid officials", 12.0),
    ("包村干部", "Village cadre", 10.0),
    ("问题地址", "Address", 14.0),
    ("问题描述", "Finding", 24.0),
    ("问题类型", "Kind", 16.0),
    ("问题等级", "Severity", 9.0),
    ("线索来源", "Source", 11.0),
    ("立案时间", "Opened", 16.0),
    ("办理状态", "Status", 10.0),
    ("处置决定", "Decision", 9.0),
    ("牵头部门", "Lead department", 14.0),
    ("责任单位", "Responsible unit", 14.0),
    ("责任人", "Responsible person", 9.0),
    ("整改措施", "Measures", 20.0),
    ("整改时限", "Deadline", 11.0),
    ("逾期天数", "Days overdue", 7.0),
    ("两断三清", "Cuts and clears", 20.0),
    ("查扣查封", "Seized", 8.0),
    ("罚款(元)", "Fine (yuan)", 14.0),
    ("没收(元)", "Confiscated (yuan)", 14.0),
    ("行刑衔接", "Criminal track", 12.0),
    ("纪检移送", "Discipline", 12.0),
    ("生态修复", "Restored", 8.0),
    ("销号时间", "Closed", 16.0),
    ("备注", "Remarks", 14.0),
];

/// Each column's share of the printed width, in percent, from the .xlsx widths: the
/// printed table always fits the paper and wraps inside its cells.
fn column_shares() -> Vec<String> {
    let total: f64 = COLUMNS.iter().map(|c| c.2).sum();
    COLUMNS
        .iter()
        .map(|c| format!("{:.2}", c.2 * 100.0 / total))
        .collect()
}

pub(crate) fn headers(lang: Lang) -> Vec<&'static str> {
    COLUMNS
        .iter()
        .map(|(zh, en, _)| if lang.is_zh() { *zh } else { *en })
        .collect()
}

fn cuts_and_clears(decision: Option<Decision>, state: &CaseState, lang: Lang) -> String {
    let zh = lang.is_zh();
    match decision {
        None => String::new(),
        Some(d) if !d.requires_cuts_and_clears() => lang.t("不适用", "n/a").into(),
        Some(_) => {
            let missing: Vec<&str> = MeasureStep::ALL
                .iter()
                .filter(|s| !state.steps_done.contains(s))
                .map(|s| s.label(zh))
                .collect();
            let done = MeasureStep::ALL.len() - missing.len();
            if missing.is_empty() {
                lang.t("已完成", "done").into()
            } else if done == 0 {
                lang.t("未开展", "none yet").into()
            } else if zh {
                format!(
                    "{done}/{}，未：{}",
                    MeasureStep::ALL.len(),
                    missing.join("、")
                )
            } else {
                format!(
                    "{done}/{}, missing: {}",
                    MeasureStep::ALL.len(),
                    missing.join(", ")
                )
            }
        }
    }
}

fn yes(v: bool, lang: Lang) -> Cell {
    if v {
        Cell::Text(lang.t("是", "yes").into())
    } else {
        Cell::Blank
    }
}

/// One line's cells, in the order of [`COLUMNS`].
pub(crate) fn cells(n: usize, l: &LedgerLine, lang: Lang) -> Vec<Cell> {
    let zh = lang.is_zh();
    let c = &l.case;
    let decision = c.decision.as_deref().and_then(Decision::from_code);
    let state = l.state.as_ref();
    let mut remarks = Vec::new();
    if let Some(original) = c.recurrence_of {
        remarks.push(if zh {
            format!("反弹复发（原案 #{original}）")
        } else {
            format!("recurrence of #{original}")
        });
    }
    if c.escalated {
        remarks.push(lang.t("逾期升级", "escalated as overdue").into());
    }
    vec![
        Cell::Count(i64::try_from(n).unwrap_or(i64::MAX)),
        Cell::text(c.number.clone()),
        Cell::text(c.township.clone()),
        Cell::text(c.village.clone()),
        Cell::text(l.grid_officials.join("、")),
        Cell::text(l.village_cadres.join("、")),
        Cell::text(c.address.clone()),
        Cell::text(c.finding.clone()),
        Cell::text(
            ProblemKind::from_code(&c.problem_kind)
                .map_or(c.problem_kind.clone(), |k| k.label(zh).into()),
        ),
        Cell::text(
            Severity::from_code(&c.severity).map_or(c.severity.clone(), |s| s.label(zh).into()),
        ),
        Cell::text(
            ClueSource::from_code(&c.source).map_or(c.source.clone(), |s| s.label(zh).into()),
        ),
        c.opened_at.time().map_or(Cell::Blank, Cell::Time),
        Cell::text(
            CaseStatus::from_code(&c.status).map_or(c.status.clone(), |s| s.label(zh).into()),
        ),
        Cell::text(decision.map_or(String::new(), |d| d.label(zh).into())),
        Cell::text(c.lead_department.clone()),
        Cell::text(c.responsible_unit.clone()),
        Cell::text(c.responsible_person.clone()),
        Cell::text(c.measures.clone()),
        l.rectify_by.map_or(Cell::Blank, Cell::Date),
        if c.days_overdue > 0 {
            Cell::Count(c.days_overdue)
        } else {
            Cell::Blank
        },
        Cell::text(state.map_or(String::new(), |s| cuts_and_clears(decision, s, lang))),
        yes(state.is_some_and(|s| s.seized), lang),
        Cell::Fen(c.fine_fen),
        Cell::Fen(c.confiscation_fen),
        Cell::text(state.map_or(String::new(), |s| {
            if s.police == minewatch_core::ledger::case::PoliceStage::NotTransferred {
                String::new()
            } else {
                s.police.label(zh).into()
            }
        })),
        Cell::text(state.map_or(String::new(), |s| {
            if s.discipline == minewatch_core::ledger::case::DisciplineStage::NotTransferred {
                String::new()
            } else {
                s.discipline.label(zh).into()
            }
        })),
        yes(state.is_some_and(|s| s.restored), lang),
        c.closed_at
            .as_ref()
            .and_then(minewatch_store::Stamp::time)
            .map_or(Cell::Blank, Cell::Time),
        Cell::text(remarks.join(lang.t("；", "; "))),
    ]
}

/// The totals line's words: how many cases, and the fines and confiscations as offices
/// write them (万元 when large).
pub(crate) fn totals(lines: &[LedgerLine], lang: Lang) -> (i64, i64, String) {
    let fine: i64 = lines.iter().map(|l| l.case.fine_fen).sum();
    let confiscated: i64 = lines.iter().map(|l| l.case.confiscation_fen).sum();
    let words = if lang.is_zh() {
        format!(
            "合计 {} 宗；罚款 {}，没收 {}，罚没合计 {}",
            lines.len(),
            crate::pages::money(fine, lang),
            crate::pages::money(confiscated, lang),
            crate::pages::money(fine + confiscated, lang)
        )
    } else {
        format!(
            "Total {} cases; fines {}, confiscated {}, together {}",
            lines.len(),
            crate::pages::money(fine, lang),
            crate::pages::money(confiscated, lang),
            crate::pages::money(fine + confiscated, lang)
        )
    };
    (fine, confiscated, words)
}

/// The heading of the sheet for this reader under these filters.
pub(crate) async fn head(
    state: &AppState,
    actor: &Actor,
    f: &CaseFilter,
    lang: Lang,
) -> Result<SheetHead, WebError> {
    let zh = lang.is_zh();
    let (_, county) = state.store.county(actor.county_id).await?;
    let townships = state.store.townships(actor.county_id).await?;
    let villages = state.store.villages(actor.county_id, None).await?;
    let township_name = |id: i64| {
        townships
            .iter()
            .find(|t| t.id == id)
            .map(|t| t.name.clone())
    };
    let village_name = |id: i64| villages.iter().find(|v| v.id == id).map(|v| v.name.clone());
    let unit = match actor.scope {
        Scope::County | Scope::OwnCluesOnly => {
            if zh {
                format!("{county}专项行动领导小组办公室")
            } else {
                format!("{county} campaign office")
            }
        }
        Scope::Township(t) => township_name(t).unwrap_or_default(),
        Scope::Village(v) => village_name(v).unwrap_or_default(),
        Scope::Department(d) => state
            .store
            .departments(actor.county_id)
            .await?
            .into_iter()
            .find(|x| x.id == d)
            .map(|x| x.name)
            .unwrap_or_default(),
    };
    let mut words: Vec<String> = Vec::new();
    if let Some(t) = f.township_id.and_then(township_name) {
        words.push(t);
    }
    if let Some(v) = f.village_id.and_then(village_name) {
        words.push(v);
    }
    if let Some(s) = f.status {
        words.push(s.label(zh).into());
    }
    if let Some(s) = f.source {
        words.push(format!("{}{}", lang.t("来源：", "source: "), s.label(zh)));
    }
    if let Some(k) = f.problem_kind {
        words.push(k.label(zh).into());
    }
    if let Some(s) = f.severity {
        words.push(s.label(zh).into());
    }
    if f.open {
        words.push(lang.t("仅未办结", "open only").into());
    }
    if f.overdue {
        words.push(lang.t("仅逾期", "overdue only").into());
    }
    if let Some(t) = f.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        words.push(format!("“{t}”"));
    }
    Ok(SheetHead {
        title: if zh {
            format!("{county}打击非法采矿问题整改台账")
        } else {
            format!("{county}: ledger of illegal-mining problems and their rectification")
        },
        unit,
        as_of: state.clock.today(),
        filters: if words.is_empty() {
            lang.t("全部", "all").into()
        } else {
            words.join(lang.t("；", "; "))
        },
    })
}

/// The line under the title.
pub(crate) fn subtitle(head: &SheetHead, count: usize, lang: Lang) -> String {
    if lang.is_zh() {
        format!(
            "填报单位：{}　统计截至：{}　范围：{}　共 {count} 宗",
            head.unit, head.as_of, head.filters
        )
    } else {
        format!(
            "Unit: {} · as of {} · filters: {} · {count} cases",
            head.unit, head.as_of, head.filters
        )
    }
}

/// The 台账 as .xlsx.
///
/// # Errors
/// When the writer fails.
pub(crate) fn workbook(
    lines: &[LedgerLine],
    head: &SheetHead,
    lang: Lang,
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(lang.t("台账", "Ledger"))?;
    let last_col = u16::try_from(COLUMNS.len() - 1).unwrap_or(0);
    let title = Format::new()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center);
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_border(FormatBorder::Thin)
        .set_background_color("#EEF2F6");
    let cell = Format::new()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    let date = cell.clone().set_num_format("yyyy-mm-dd");
    let time = cell.clone().set_num_format("yyyy-mm-dd hh:mm");
    let amount = cell.clone().set_num_format("#,##0.00");
    let bold = Format::new().set_bold();

    ws.merge_range(0, 0, 0, last_col, &head.title, &title)?;
    ws.set_row_height(0, 28)?;
    ws.merge_range(
        1,
        0,
        1,
        last_col,
        &subtitle(head, lines.len(), lang),
        &Format::new(),
    )?;
    for (col, (h, width)) in
        (0u16..).zip(headers(lang).into_iter().zip(COLUMNS.iter().map(|c| c.2)))
    {
        ws.write_string_with_format(HEADER_ROW, col, h, &header)?;
        ws.set_column_width(col, width)?;
    }
    ws.set_row_height(HEADER_ROW, 30)?;
    let mut r = HEADER_ROW + 1;
    for (i, l) in lines.iter().enumerate() {
        for (col, c) in (0u16..).zip(cells(i + 1, l, lang)) {
            match c {
                Cell::Text(t) => ws.write_string_with_format(r, col, cell_text(&t), &cell)?,
                #[expect(clippy::cast_precision_loss, reason = "counts are far below 2^52")]
                Cell::Count(n) => ws.write_number_with_format(r, col, n as f64, &cell)?,
                #[expect(
                    clippy::cast_precision_loss,
                    reason = "yuan amounts are far below 2^52"
                )]
                Cell::Fen(f) => ws.write_number_with_format(r, col, f as f64 / 100.0, &amount)?,
                Cell::Date(d) => ws.write_datetime_with_format(r, col, excel_date(d)?, &date)?,
                Cell::Time(t) => ws.write_datetime_with_format(r, col, excel_time(t)?, &time)?,
                Cell::Blank => ws.write_blank(r, col, &cell)?,
            };
        }
        r += 1;
    }
    let (fine, confiscated, words) = totals(lines, lang);
    let fine_col =
        u16::try_from(COLUMNS.iter().position(|c| c.0 == "罚款(元)").unwrap_or(0)).unwrap_or(0);
    ws.write_string_with_format(r, 1, lang.t("合计", "Total"), &bold)?;
    #[expect(
        clippy::cast_precision_loss,
        reason = "yuan amounts are far below 2^52"
    )]
    {
        ws.write_number_with_format(r, fine_col, fine as f64 / 100.0, &amount.clone().set_bold())?;
        ws.write_number_with_format(
            r,
            fine_col + 1,
            confiscated as f64 / 100.0,
            &amount.clone().set_bold(),
        )?;
    }
    ws.merge_range(r + 1, 0, r + 1, last_col, &words, &Format::new())?;
    ws.merge_range(
        r + 2,
        0,
        r + 2,
        last_col,
        lang.t(
            "填报人：　　　　　　审核人：　　　　　　负责人（签字）：　　　　　　（盖章）",
            "Filled in by:            Checked by:            Responsible (signature):            (seal)",
        ),
        &Format::new(),
    )?;

    ws.autofilter(HEADER_ROW, 0, r.saturating_sub(1).max(HEADER_ROW), last_col)?;
    ws.set_freeze_panes(HEADER_ROW + 1, 2)?;
    ws.set_landscape();
    ws.set_paper_size(8); // A3: 29 columns stay legible one page wide.
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    ws.set_footer(lang.t("&C第 &P 页，共 &N 页", "&CPage &P of &N"));
    wb.save_to_buffer()
}

/// The whole 台账 under the ledger's filters as a page made to print: every case, not a
/// page of them, on landscape paper with the header row repeated.
pub(crate) async fn print_page(
    axum::extract::State(state): axum::extract::State<AppState>,
    crate::auth::PageUser(actor): crate::auth::PageUser,
    lang: Lang,
    axum::extract::Query(q): axum::extract::Query<crate::forms::Fields>,
) -> crate::pages::PageResult {
    use axum::response::IntoResponse;
    let filter = crate::forms::case_filter(&q)?;
    let lines = state
        .store
        .ledger_sheet(&actor, &filter, state.clock.today())
        .await?;
    let head = head(&state, &actor, &filter, lang).await?;
    let (_, _, words) = totals(&lines, lang);
    let body = maud::html! {
        p.noprint {
            a href={"/ledger?" (crate::ledger::list::query_string(&q, None))} { "‹ " (lang.t("返回台账", "Back to the ledger")) }
            " "
            button type="button" data-print hidden { (lang.t("打印", "Print")) }
            span.muted { " " (lang.t("（横向纸张；也可用浏览器的打印命令）", "(landscape; the browser's print command does the same)")) }
        }
        article.sheet {
            h1 { (head.title) }
            p.subtitle { (subtitle(&head, lines.len(), lang)) }
            div.scroll { table.sheet {
                colgroup { @for w in column_shares() { col style={"width:" (w) "%"}; } }
                thead { tr { @for h in headers(lang) { th { (h) } } } }
                tbody { @for (i, l) in lines.iter().enumerate() {
                    tr { @for c in cells(i + 1, l, lang) { td.num[c.is_number()] { (c.printed()) } } }
                } }
            } }
            p { strong { (words) } }
            p.signatures { (lang.t("填报人：　　　　　　审核人：　　　　　　负责人（签字）：　　　　　　（盖章）", "Filled in by: ______  Checked by: ______  Responsible (signature): ______  (seal)")) }
        }
    };
    Ok(crate::pages::layout(
        lang,
        lang.t("台账（打印）", "Ledger (print)"),
        Some(&actor),
        body,
    )
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use minewatch_store::{CaseId, CaseRow, Stamp};

    fn line(decision: Option<&str>, steps: Vec<MeasureStep>) -> LedgerLine {
        let opened = chrono::DateTime::parse_from_rfc3339("2026-05-01T02:00:00Z")
            .expect("time")
            .with_timezone(&Utc);
        let mut state = CaseState::opened(NaiveDate::from_ymd_opt(2026, 5, 8).expect("day"));
        state.steps_done = steps;
        state.police = minewatch_core::ledger::case::PoliceStage::Filed;
        LedgerLine {
            case: CaseRow {
                id: CaseId(7),
                number: "QL-2026-000007".into(),
                township_id: 1,
                township: "东川镇".into(),
                village_id: Some(3),
                village: "石桥村".into(),
                address: "石桥村北沟".into(),
                lon: None,
                lat: None,
                finding: "夜间盗采砂石".into(),
                problem_kind: "unlicensed_mining".into(),
                severity: "key".into(),
                source: "tip".into(),
                status: "rectifying".into(),
                decision: decision.map(Into::into),
                lead_department_id: None,
                lead_department: "自然资源局".into(),
                responsible_unit: "东川镇人民政府".into(),
                responsible_person: "周某".into(),
                measures: "拆除设备".into(),
                due_on: Some("2026-05-20".into()),
                days_overdue: 12,
                escalated: true,
                fine_fen: 1_835_100_000,
                confiscation_fen: 0,
                recurrence_of: Some(3),
                opened_at: Stamp::at(opened),
                closed_at: None,
            },
            state: Some(state),
            rectify_by: NaiveDate::from_ymd_opt(2026, 5, 20),
            grid_officials: vec!["甲".into(), "乙".into()],
            village_cadres: vec!["丙".into()],
        }
    }

    #[test]
    fn a_line_fills_every_column_with_what_the_office_files() {
        let l = line(
            Some("ban"),
            vec![MeasureStep::CutPower, MeasureStep::CutWater],
        );
        let cells = cells(1, &l, Lang::Zh);
        assert_eq!(cells.len(), COLUMNS.len());
        let at = |name: &str| {
            let i = COLUMNS.iter().position(|c| c.0 == name).expect("column");
            cells[i].shown()
        };
        assert_eq!(at("网格责任人"), "甲、乙");
        assert_eq!(at("包村干部"), "丙");
        assert_eq!(at("两断三清"), "2/5，未：清除设备、清除物料、清理现场");
        assert_eq!(at("行刑衔接"), "公安已立案");
        assert_eq!(at("纪检移送"), "");
        assert_eq!(at("逾期天数"), "12");
        assert_eq!(at("立案时间"), "2026-05-01 10:00");
        assert!(matches!(cells[18], Cell::Date(_)), "整改时限 is a date");
        assert!(at("备注").contains("反弹复发") && at("备注").contains("逾期升级"));
        assert_eq!(cells_of(&line(Some("rectify"), vec![])), "不适用");
        assert_eq!(cells_of(&line(Some("close_down"), vec![])), "未开展");
        assert_eq!(cells_of(&line(None, vec![])), "");
        let (_, _, words) = totals(&[l], Lang::Zh);
        assert!(words.contains("1835.10万元"), "{words}");
    }

    fn cells_of(l: &LedgerLine) -> String {
        let i = COLUMNS
            .iter()
            .position(|c| c.0 == "两断三清")
            .expect("column");
        cells(1, l, Lang::Zh)[i].shown()
    }

    #[test]
    fn the_workbook_is_built_for_english_readers_too() {
        let head = SheetHead {
            title: "t".into(),
            unit: "u".into(),
            as_of: NaiveDate::from_ymd_opt(2026, 6, 1).expect("day"),
            filters: "all".into(),
        };
        let bytes = workbook(&[line(None, vec![])], &head, Lang::En).expect("workbook");
        assert!(bytes.starts_with(b"PK"));
    }
}
