//! Times the monthly bulletin: a county of N townships (ranking table, three charts, a map
//! of 400 dots, each township's deductions), rendered cold (fonts found and parsed) and then
//! warm, as a server renders it. With `--html FILE` it also writes the same bulletin as an
//! HTML page, for the peer in `bench/paper` (headless Chromium printing it to PDF).
//!
//! cargo run --release -p minewatch-paper --example bulletin -- 30 [--html out.html] [--pdf out.pdf]

use std::fmt::Write as _;
use std::time::Instant;

use minewatch_paper::{Bulletin, BulletinLine, Charts, Paper, Picture, Press, Worst};

const ITEMS: [&str; 8] = [
    "自主发现",
    "卫片发现",
    "群众举报及舆情发现",
    "上级交办",
    "逾期未办结",
    "反弹复发",
    "被问责",
    "举报办理超时",
];

fn bars(title: &str, rows: &[(String, i64)]) -> String {
    let max = rows.iter().map(|r| r.1).max().unwrap_or(1).max(1);
    let h = rows.len() * 24 + 24;
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 440 {h}" font-family="Noto Sans CJK SC, sans-serif"><title>{title}</title>"#
    );
    for (i, (label, v)) in rows.iter().enumerate() {
        let y = i * 24;
        let w = v * 250 / max;
        let _ = write!(
            s,
            r##"<text x="114" y="{}" text-anchor="end" font-size="13">{label}</text><rect x="120" y="{}" width="{w}" height="16" fill="#2e90fa"/><text x="{}" y="{}" font-size="12">{v}</text>"##,
            y + 16,
            y + 4,
            124 + w,
            y + 16
        );
    }
    s.push_str("</svg>");
    s
}

fn map(dots: usize) -> String {
    let mut s = String::from(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 800 500"><rect width="800" height="500" fill="#f7f5ef"/>"##,
    );
    for i in 0..dots {
        let (x, y) = ((i * 7919) % 780 + 10, (i * 104_729) % 480 + 10);
        let _ = write!(
            s,
            r##"<circle cx="{x}" cy="{y}" r="4" fill="#d92d20" stroke="#fff"/>"##
        );
    }
    s.push_str("</svg>");
    s
}

fn bulletin(n: usize) -> Bulletin {
    let count = |i: usize, k: usize| i64::try_from((i * 31 + k * 17) % 9).unwrap_or(0);
    let rows: Vec<BulletinLine> = (0..n)
        .map(|i| BulletinLine {
            rank: i + 1,
            township: format!("第{}镇", i + 1),
            counts: (0..ITEMS.len()).map(|k| count(i, k)).collect(),
            score: 100 - i64::try_from(i).unwrap_or(0),
            change: if i % 3 == 0 {
                "↑1".into()
            } else {
                "持平".into()
            },
        })
        .collect();
    Bulletin {
        unit: "示范县打击非法采矿专项行动领导小组办公室".into(),
        number: "示打非办〔2026〕11号".into(),
        title: "示范县打击非法采矿专项行动2026年11月工作通报".into(),
        addressee: "各乡镇人民政府、街道办事处，县专项行动领导小组各成员单位".into(),
        summary: "现将2026年11月全县打击非法采矿专项行动各乡镇（街道）工作情况通报如下。".repeat(3),
        formula: "按公布的计分办法排名：得分 = 100 + 2×自主发现 − 2×卫片发现 − 2×群众举报及舆情发现 − 3×上级交办 − 2×逾期未办结 − 3×反弹复发 − 5×被问责 − 2×举报办理超时。".into(),
        items: ITEMS.iter().map(|s| (*s).to_string()).collect(),
        worst: rows
            .iter()
            .map(|r| Worst {
                township: format!("（{}）{}（第{}名，{}分）", r.rank, r.township, r.rank, r.score),
                text: "主要扣分：逾期未办结13件（−26分）；上级交办1件（−3分）。".into(),
            })
            .collect(),
        rows,
        charts: Charts { scores: true, sources: true, overdue: true, map: true },
        top: "排名靠前的是第1镇、第2镇、第3镇，予以通报表扬。".into(),
        bottom: "排名靠后的是后三名，请其主要负责同志于通报印发后5个工作日内书面说明原因。".into(),
        map_caption: "本月计分问题分布".into(),
        closing_heading: "五、工作要求".into(),
        requirements: "各乡镇（街道）要对照通报问题逐项整改，压实网格责任。".repeat(4),
        date: "2026年12月2日".into(),
        trace: "本件由 minewatch 生成。".into(),
    }
}

fn paper(b: &Bulletin) -> Paper {
    let scores: Vec<(String, i64)> = b
        .rows
        .iter()
        .map(|r| (r.township.clone(), r.score))
        .collect();
    let overdue: Vec<(String, i64)> = b
        .rows
        .iter()
        .map(|r| (r.township.clone(), r.counts[4]))
        .collect();
    let sources: Vec<(String, i64)> = ITEMS[..4].iter().map(|s| ((*s).to_string(), 7)).collect();
    Paper::new(b)
        .with_picture(Picture::ChartScores, bars("各乡镇得分", &scores))
        .with_picture(Picture::ChartSources, bars("本月问题来源", &sources))
        .with_picture(Picture::ChartOverdue, bars("月末逾期未办结", &overdue))
        .with_picture(Picture::Map, map(400))
}

/// The same bulletin as an HTML page, for Chromium to print.
fn html(b: &Bulletin, p: &Paper) -> String {
    let mut s = String::from(
        "<!doctype html><html lang=zh-CN><meta charset=utf-8><style>@page{size:A4;margin:37mm 26mm 35mm 28mm}body{font-family:'Noto Serif CJK SC';font-size:16pt}h1{color:#d0021b;text-align:center}table{border-collapse:collapse;width:100%;font-size:10pt}td,th{border:0.5pt solid #000;padding:2px}svg{width:100%}</style><body>",
    );
    let _ = write!(
        s,
        "<h1>{}</h1><p style=text-align:center>{}</p><hr><h2 style=text-align:center>{}</h2><p>{}：</p><p>{}</p><h3>一、排名情况</h3><p>{}</p><table><tr><th>名次<th>乡镇",
        b.unit, b.number, b.title, b.addressee, b.summary, b.formula
    );
    for i in &b.items {
        let _ = write!(s, "<th>{i}");
    }
    s.push_str("<th>得分<th>较上月");
    for r in &b.rows {
        let _ = write!(s, "<tr><td>{}<td>{}", r.rank, r.township);
        for c in &r.counts {
            let _ = write!(s, "<td>{c}");
        }
        let _ = write!(s, "<td>{}<td>{}", r.score, r.change);
    }
    s.push_str("</table>");
    for (_, svg) in &p.images {
        s.push_str(&String::from_utf8_lossy(svg));
    }
    let _ = write!(
        s,
        "<h3>二、先进与后进</h3><p>{}</p><p>{}</p><h3>三、各乡镇主要问题</h3>",
        b.top, b.bottom
    );
    for w in &b.worst {
        let _ = write!(s, "<h4>{}</h4><p>{}</p>", w.township, w.text);
    }
    let _ = write!(
        s,
        "<h3>{}</h3><p>{}</p><p style=text-align:right>{}<br>{}</p></body></html>",
        b.closing_heading, b.requirements, b.unit, b.date
    );
    s
}

#[allow(clippy::print_stdout)] // the bench reads this line
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(30);
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
    };
    let b = bulletin(n);
    let p = paper(&b);
    if let Some(path) = flag("--html") {
        std::fs::write(path, html(&b, &p)).expect("write html");
    }
    let t = Instant::now();
    let press = Press::load(None);
    let first = press.print(&p).expect("renders");
    let cold = t.elapsed().as_secs_f64();
    // Each warm render from scratch: nothing laid out before is reused.
    let mut warm = Vec::new();
    for _ in 0..10 {
        press.forget_layouts();
        let t = Instant::now();
        press.print(&p).expect("renders");
        warm.push(t.elapsed().as_secs_f64());
    }
    warm.sort_by(f64::total_cmp);
    if let Some(path) = flag("--pdf") {
        std::fs::write(path, &first.pdf).expect("write pdf");
    }
    println!(
        "townships={n} pages={} bytes={} cold_s={cold:.3} warm_p50_s={:.3} warm_max_s={:.3}",
        first.pages,
        first.pdf.len(),
        warm[warm.len() / 2],
        warm[warm.len() - 1]
    );
}
