//! The 月通报 as the office files it: red head, 文号, the ranking table, the charts, the map
//! of the month's counted cases, the best and the worst named, each township's main
//! deductions, and the requirements — the issued bulletin as frozen, a draft marked as one.

use axum::extract::{Path, State};
use axum::response::Response;
use minewatch_core::bulletin::{BulletinFigures, RankItem};
use minewatch_core::clock::local_date;
use minewatch_paper::{Bulletin, BulletinLine, Charts, Paper, Picture, Worst};
use minewatch_spatial::svg::{Dot, Map, Style};
use minewatch_store::BulletinRow;

use crate::AppState;
use crate::auth::PageUser;
use crate::chart::{Bar, bars};
use crate::i18n::Lang;
use crate::pages::PageResult;
use crate::print::{cn_date, county_office, pdf, trace};

fn total(f: &BulletinFigures, item: RankItem) -> i64 {
    f.lines
        .iter()
        .filter_map(|l| l.item(item))
        .map(minewatch_core::bulletin::ItemCount::count)
        .sum()
}

fn change(l: &minewatch_core::bulletin::RankedTownship) -> String {
    match l.change() {
        None => "—".into(),
        Some(0) => "持平".into(),
        Some(n) if n > 0 => format!("↑{n}"),
        Some(n) => format!("↓{}", n.abs()),
    }
}

fn summary(f: &BulletinFigures, month: &str) -> String {
    let found = [
        RankItem::SelfFound,
        RankItem::SatelliteFound,
        RankItem::PublicFound,
        RankItem::SuperiorFound,
    ];
    let all: i64 = found.iter().map(|i| total(f, *i)).sum();
    let parts = found
        .iter()
        .map(|i| format!("{}{}件", i.label(true), total(f, *i)))
        .collect::<Vec<_>>()
        .join("、");
    format!(
        "现将{month}全县打击非法采矿专项行动各乡镇（街道）工作情况通报如下。本月全县新立问题{all}件，其中{parts}；月末逾期未办结{}件，反弹复发{}件，举报办理超时{}件。",
        total(f, RankItem::Overdue),
        total(f, RankItem::Recurrence),
        total(f, RankItem::TipsLate),
    )
}

/// The map of the month's counted cases: green where the township found them itself, red
/// where others had to.
async fn map_svg(
    state: &AppState,
    county_id: i64,
    f: &BulletinFigures,
) -> Result<Option<String>, crate::WebError> {
    let mut colour = std::collections::HashMap::new();
    for l in &f.lines {
        for c in &l.items {
            let fill = match c.item {
                RankItem::SelfFound => "#12b76a",
                RankItem::SatelliteFound | RankItem::PublicFound | RankItem::SuperiorFound => {
                    "#d92d20"
                }
                RankItem::Overdue => "#f79009",
                _ => continue,
            };
            for case in &c.cases {
                colour
                    .entry(case.id)
                    .or_insert((fill, case.number.clone(), l.township.clone()));
            }
        }
    }
    let ids: Vec<i64> = colour.keys().copied().collect();
    let points = state.store.case_positions(county_id, &ids).await?;
    if points.is_empty() {
        return Ok(None);
    }
    // The grids give the dots their place; the frame stays on the cases.
    let grids: Vec<_> = state
        .store
        .register_features(county_id, Some(minewatch_store::RegisterLayer::Grid))
        .await?
        .into_iter()
        .map(|g| minewatch_spatial::text::shape_from_geojson(&g.geometry))
        .collect();
    let shapes = grids
        .iter()
        .map(|g| minewatch_spatial::svg::Shape {
            geometry: g,
            style: Style {
                fill: "none",
                stroke: "#98a2b3",
                fill_opacity: 0.0,
                stroke_width: 0.6,
                dashed: true,
            },
            title: String::new(),
            href: None,
        })
        .collect();
    let dots = points
        .into_iter()
        .filter_map(|(id, lon, lat)| {
            let (fill, number, township) = colour.get(&id)?;
            Some(Dot {
                lon,
                lat,
                fill,
                title: format!("{township} {number}"),
            })
        })
        .collect();
    let style = |fill: &'static str| Style {
        fill,
        stroke: fill,
        fill_opacity: 1.0,
        stroke_width: 1.0,
        dashed: false,
    };
    Ok(Some(
        Map {
            shapes,
            dots,
            legend: vec![
                (style("#12b76a"), "乡镇自主发现".into()),
                (style("#d92d20"), "卫片、群众、上级发现".into()),
                (style("#f79009"), "月末逾期未办结".into()),
            ],
            width: 800.0,
            caption: "本月计分问题分布".into(),
            ..Map::default()
        }
        .render(),
    ))
}

pub(super) async fn month_pdf(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    Path(month): Path<String>,
) -> PageResult<Response> {
    let month = super::month_of(&month)?;
    let now = state.clock.now();
    let BulletinRow { figures: f, issue } = state.store.bulletin(&actor, month, now).await?;
    let (_, county) = state.store.county(actor.county_id).await?;
    let label = month.label(true);
    let (top, bottom) = f.top_and_bottom(3);
    let names = |ls: &[&minewatch_core::bulletin::RankedTownship]| {
        ls.iter()
            .map(|l| l.township.as_str())
            .collect::<Vec<_>>()
            .join("、")
    };
    let score_bars: Vec<Bar<'_>> = f
        .lines
        .iter()
        .map(|l| Bar {
            label: &l.township,
            value: l.score,
            warn: bottom.iter().any(|b| b.township_id == l.township_id),
            href: None,
        })
        .collect();
    let source_items = [
        RankItem::SelfFound,
        RankItem::SatelliteFound,
        RankItem::PublicFound,
        RankItem::SuperiorFound,
    ];
    let source_bars: Vec<Bar<'_>> = source_items
        .iter()
        .map(|i| Bar {
            label: i.label(true),
            value: total(&f, *i),
            warn: *i != RankItem::SelfFound,
            href: None,
        })
        .collect();
    let overdue_bars: Vec<Bar<'_>> = f
        .lines
        .iter()
        .map(|l| Bar {
            label: &l.township,
            value: l
                .item(RankItem::Overdue)
                .map_or(0, minewatch_core::bulletin::ItemCount::count),
            warn: true,
            href: None,
        })
        .collect();
    let map = map_svg(&state, actor.county_id, &f).await?;
    let worst = f
        .lines
        .iter()
        .filter_map(|l| {
            let text = super::worst_words(l, &f.formula, Lang::Zh);
            (!text.is_empty()).then(|| Worst {
                township: format!(
                    "（{}）{}（第{}名，{}分）",
                    l.rank, l.township, l.rank, l.score
                ),
                text: format!("主要扣分：{text}。"),
            })
        })
        .collect();
    let issued_on = issue
        .as_ref()
        .and_then(|i| i.issued_at.time())
        .map(local_date);
    let remarks = issue
        .as_ref()
        .map(|i| i.remarks.trim().to_string())
        .unwrap_or_default();
    let data = Bulletin {
        unit: county_office(&county),
        number: issue
            .as_ref()
            .map_or_else(|| "（草稿，未签发）".to_string(), |i| i.number.clone()),
        title: super::heading(&county, month, Lang::Zh),
        addressee: "各乡镇人民政府、街道办事处，县专项行动领导小组各成员单位".into(),
        summary: summary(&f, &label),
        formula: format!(
            "按公布的计分办法排名：{}。只计工作成效，不计登录次数、上传数量、轨迹长度或照片张数。",
            f.formula.text(true)
        ),
        items: RankItem::ALL
            .iter()
            .map(|i| i.label(true).to_string())
            .collect(),
        rows: f
            .lines
            .iter()
            .map(|l| BulletinLine {
                rank: l.rank,
                township: l.township.clone(),
                counts: RankItem::ALL
                    .iter()
                    .map(|i| {
                        l.item(*i)
                            .map_or(0, minewatch_core::bulletin::ItemCount::count)
                    })
                    .collect(),
                score: l.score,
                change: change(l),
            })
            .collect(),
        charts: Charts {
            scores: !f.lines.is_empty(),
            sources: true,
            overdue: !f.lines.is_empty(),
            map: map.is_some(),
        },
        top: format!("{label}排名靠前的是{}，予以通报表扬。", names(&top)),
        bottom: if bottom.is_empty() {
            String::new()
        } else {
            format!(
                "排名靠后的是{}，请其主要负责同志于通报印发后5个工作日内向县专项行动办公室书面说明原因，提出整改措施。",
                names(&bottom)
            )
        },
        worst,
        map_caption: format!(
            "{label}计分问题分布（绿：乡镇自主发现；红：卫片、群众、上级发现；橙：月末逾期）"
        ),
        closing_heading: "五、工作要求".into(),
        requirements: if remarks.is_empty() {
            "各乡镇（街道）要对照通报问题逐项整改，压实网格责任，提高自主发现能力；对逾期未办结问题明确办结时限，按期销号。".into()
        } else {
            remarks
        },
        date: cn_date(issued_on.unwrap_or_else(|| state.clock.today())),
        trace: match &issue {
            Some(i) => format!(
                "签发人：{}。{}封存数据摘要 SHA-256：{}",
                i.signed_by,
                trace(&format!("{label}通报的封存数据"), state.clock.today()),
                i.figures_sha256
            ),
            None => format!("草稿：{}", trace("台账实时数据", state.clock.today())),
        },
    };
    let mut paper = Paper::new(&data)
        .with_picture(
            Picture::ChartScores,
            bars("各乡镇得分", &score_bars).into_string(),
        )
        .with_picture(
            Picture::ChartSources,
            bars("本月问题来源", &source_bars).into_string(),
        )
        .with_picture(
            Picture::ChartOverdue,
            bars("月末逾期未办结", &overdue_bars).into_string(),
        );
    if let Some(svg) = map {
        paper = paper.with_picture(Picture::Map, svg);
    }
    Ok(pdf(paper, &format!("bulletin-{month}.pdf")).await?)
}
