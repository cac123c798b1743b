//! Every template lays out a filled form into a PDF whose Chinese text can be read back
//! (pdftotext, as an office's tools would), including text that looks like typst markup.

use std::process::Command;
use std::sync::OnceLock;

use super::*;

fn press() -> &'static Press {
    static PRESS: OnceLock<Press> = OnceLock::new();
    PRESS.get_or_init(|| Press::load(None))
}

/// The text of a PDF as poppler reads it.
fn text_of(pdf: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("paper-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join(format!("{}.pdf", pdf.len()));
    std::fs::write(&file, pdf).expect("write pdf");
    let out = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (Debian's poppler-utils) must be installed for these tests");
    assert!(out.status.success(), "pdftotext failed");
    // pdftotext keeps layout spaces between CJK glyphs of a justified line.
    String::from_utf8_lossy(&out.stdout).replace([' ', '\u{3000}'], "")
}

fn case() -> CaseFields {
    CaseFields {
        number: "2026-0042".into(),
        source: "卫片图斑".into(),
        place: "东河镇西堡村".into(),
        address: "西堡村北沟 #(panic) [link] *粗* _x_ $y$ @ref <lbl> // 注释".into(),
        problem_kind: "无证开采".into(),
        severity: "一般".into(),
        finding: "河道内有挖掘机采砂".into(),
        status: "整改中".into(),
        decision: "责令停止违法行为".into(),
        lead_department: "自然资源局".into(),
        responsible_unit: "东河镇人民政府".into(),
        responsible_person: "王某某".into(),
        measures: "断电、断水，清理现场".into(),
        due_on: "2026年11月20日".into(),
        opened: "2026年11月2日".into(),
    }
}

fn pdf(paper: &Paper) -> String {
    let bytes = press().render(paper).expect("renders");
    assert!(bytes.starts_with(b"%PDF-"), "a PDF");
    // MINEWATCH_PAPER_DUMP=dir keeps the PDFs to look at.
    if let Some(dir) = std::env::var_os("MINEWATCH_PAPER_DUMP") {
        let name = format!("{:?}-{}.pdf", paper.template, bytes.len());
        std::fs::write(std::path::Path::new(&dir).join(name), &bytes).expect("dump");
    }
    text_of(&bytes)
}

#[test]
fn the_machine_has_a_chinese_font() {
    assert!(
        press().has_chinese(),
        "install fonts-noto-cjk: the documents cannot be printed without it"
    );
}

#[test]
fn a_handoff_sheet_carries_the_case_and_markup_is_text() {
    let text = pdf(&Paper::new(&Handoff {
        unit: "示范县打击非法采矿专项行动领导小组办公室".into(),
        number: "示打采交〔2026〕2026-0042号".into(),
        date: "2026年11月3日".into(),
        signer: "县办值班员".into(),
        requirements: "请于收到后5个工作日内核查处置。".into(),
        case: case(),
        receipt: Receipt::default(),
        trace: "minewatch 生成".into(),
    }));
    assert!(text.contains("问题交办单"), "{text}");
    assert!(
        text.contains("示范县打击非法采矿专项行动领导小组办公室"),
        "{text}"
    );
    assert!(text.contains("河道内有挖掘机采砂"), "{text}");
    assert!(
        text.contains("#(panic)[link]*粗*_x_$y$@ref<lbl>//注释"),
        "{text}"
    );
}

#[test]
fn a_supervision_letter_counts_the_days_and_lists_the_steps() {
    let text = pdf(&Paper::new(&Supervision {
        unit: "示范县打击非法采矿专项行动领导小组办公室".into(),
        number: "示打采督〔2026〕2026-0042号".into(),
        title: "关于督促办理2026-0042号问题的函".into(),
        date: "2026年12月1日".into(),
        addressee: "东河镇人民政府".into(),
        opened: "2026年11月2日".into(),
        as_of: "2026年12月1日".into(),
        days_overdue: 11,
        new_due: "2026年12月8日".into(),
        case: case(),
        timeline: vec![TimelineEntry {
            at: "2026-11-02 09:00".into(),
            actor: "县办".into(),
            what: "立案".into(),
        }],
        trace: String::new(),
    }));
    assert!(text.contains("已超期11天"), "{text}");
    assert!(text.contains("2026年12月8日前办结"), "{text}");
    assert!(text.contains("附：办理经过"), "{text}");
}

#[test]
fn a_closing_form_shows_every_sign_off() {
    let text = pdf(&Paper::new(&Closing {
        township: "东河镇".into(),
        case: case(),
        measures: "断电 2026-11-05".into(),
        money: "罚款 3.50万元".into(),
        transfers: "无".into(),
        rectified: "已复绿".into(),
        accepted: "验收通过".into(),
        steps: vec![
            SignStep {
                step: "乡镇申请".into(),
                opinion: "已整改到位".into(),
                signer: "乡镇甲".into(),
                date: "2026-11-18".into(),
            },
            SignStep {
                step: "县级销号".into(),
                opinion: "同意销号".into(),
                signer: "县办乙".into(),
                date: "2026-11-19".into(),
            },
        ],
        trace: String::new(),
    }));
    assert!(text.contains("问题整改销号审批表"), "{text}");
    assert!(text.contains("同意销号"), "{text}");
    assert!(text.contains("县办乙"), "{text}");
}

#[test]
fn a_dispatch_and_a_patrol_record_print() {
    let text = pdf(&Paper::new(&Dispatch {
        title: "示范县打击非法采矿专项行动周调度表".into(),
        township: "东河镇".into(),
        week: "2026-11-21 至 2026-11-27".into(),
        as_of: "2026-11-27".into(),
        figures: vec![("新增线索".into(), "3".into()), ("销号".into(), "1".into())],
        sections: vec![("本周工作".into(), "巡查12次。".into())],
        signer: "乡镇甲".into(),
        submitted: "2026-11-27 16:00".into(),
        trace: String::new(),
    }));
    assert!(text.contains("巡查12次"), "{text}");
    let text = pdf(&Paper::new(&Patrol {
        title: "网格巡查记录表".into(),
        grid: "西堡村网格".into(),
        number: "17".into(),
        fields: vec![("巡查时间".into(), "2026-11-20 08:00—10:30".into())],
        track: true,
        patroller: "村网格员".into(),
        date: "2026-11-20".into(),
        trace: String::new(),
    })
    .with_picture(
        Picture::Track,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="100" height="60"><path d="M5 5 L95 55" stroke="red"/></svg>"#,
    ));
    assert!(text.contains("巡查轨迹"), "{text}");
}

#[test]
fn a_bulletin_prints_its_ranking_and_charts() {
    let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="200" height="80"><rect x="0" y="0" width="120" height="20" fill="steelblue"/><text x="4" y="60">东河镇</text></svg>"#;
    let rows = (1..=12)
        .map(|i| BulletinLine {
            rank: i,
            township: format!("第{i}镇"),
            counts: vec![i64::try_from(i).unwrap_or(0), 0, 1],
            score: 100 - i64::try_from(i).unwrap_or(0),
            change: "—".into(),
        })
        .collect();
    let paper = Paper::new(&Bulletin {
        unit: "示范县打击非法采矿专项行动领导小组办公室".into(),
        number: "2026年第11期".into(),
        title: "示范县打击非法采矿专项行动2026年11月工作通报".into(),
        addressee: "各乡镇人民政府、县直有关单位".into(),
        summary: "现将11月情况通报如下。".into(),
        formula: "得分 = 100 + 自查发现×2 − 超期×3".into(),
        items: vec!["自查".into(), "超期".into(), "复发".into()],
        rows,
        charts: Charts {
            scores: true,
            sources: true,
            overdue: true,
            map: true,
        },
        top: "第1镇居首。".into(),
        bottom: "第12镇排名末位。".into(),
        worst: vec![Worst {
            township: "第12镇".into(),
            text: "超期3件。".into(),
        }],
        map_caption: "示范县".into(),
        closing_heading: "四、工作要求".into(),
        requirements: "请排名靠后的乡镇于5个工作日内报送整改措施。".into(),
        date: "2026年12月2日".into(),
        trace: String::new(),
    })
    .with_picture(Picture::ChartScores, svg)
    .with_picture(Picture::ChartSources, svg)
    .with_picture(Picture::ChartOverdue, svg)
    .with_picture(Picture::Map, svg);
    let text = pdf(&paper);
    assert!(text.contains("第12镇排名末位"), "{text}");
    assert!(text.contains("各乡镇得分"), "{text}");
    assert!(text.contains("附图"), "{text}");
}
