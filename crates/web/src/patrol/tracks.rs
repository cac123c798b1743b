//! 巡查轨迹 and 覆盖率 (R19): a phone records its track (kept on the phone while offline,
//! sent when back online), or a GPX file is uploaded; the coverage page shows, for a period,
//! how much of each zone lay within the set distance of some track, day and night apart.

use axum::extract::{Multipart, Query, State};
use axum::response::IntoResponse;
use chrono::Duration;
use maud::{Markup, PreEscaped, html};
use minewatch_core::Role;
use minewatch_core::clock::{display_stamp, local_date};
use minewatch_spatial::coverage::parse_tracks;
use minewatch_spatial::svg::{Line, Map, Shape, Style};
use minewatch_spatial::text::shape_from_geojson;
use minewatch_store::{Actor, CoverageReport, NewTrack, RegisterLayer, UnitCoverage};

use super::daily::parse_day;
use crate::AppState;
use crate::auth::PageUser;
use crate::error::WebError;
use crate::forms::Fields;
use crate::i18n::Lang;
use crate::pages::{PageResult, layout, notice_redirect};

/// Largest GPX file accepted (a day of fixes every second is about 5 MiB).
pub const MAX_GPX_BYTES: usize = 10 * 1024 * 1024;

fn patrols(actor: &Actor) -> bool {
    minewatch_core::rights::may(actor.role, minewatch_core::rights::Right::RecordTrack)
}

async fn page_markup(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    q: &Fields,
) -> Result<Markup, WebError> {
    let now = state.clock.now();
    let tracks = state
        .store
        .tracks(
            actor,
            now - Duration::days(30),
            now + Duration::days(1),
            false,
        )
        .await?;
    let townships = state.store.townships(actor.county_id).await?;
    let needs_township = !matches!(actor.role, Role::Village | Role::Township);
    let body = html! {
        h1 { (lang.t("巡查轨迹", "Patrol tracks")) }
        @if let Some(m) = q.get("ok") { div.ok role="status" { (m) } }
        @if patrols(actor) {
            section.card #track-recorder
                data-idle=(lang.t("未在记录", "Not recording"))
                data-recording=(lang.t("正在记录，已记录位置点：", "Recording; positions so far:"))
                data-pending=(lang.t("待上传轨迹：", "Tracks waiting to upload:"))
                data-sent=(lang.t("轨迹已上传", "Track uploaded"))
                data-failed=(lang.t("轨迹未被接受：", "Track refused:"))
                data-error=(lang.t("无法获取位置：", "No position:")) {
                h2 { (lang.t("手机记录轨迹", "Record on this phone")) }
                p.muted { (lang.t("开始后请保持本页打开；无网络时轨迹保存在手机上，恢复网络后自动上传。", "Keep this page open while recording; offline, the track stays on the phone and is sent when back online.")) }
                @if needs_township {
                    label { (lang.t("巡查乡镇", "Township patrolled")) select #track-township {
                        @for t in &townships { option value=(t.id) { (t.name) } } } }
                }
                p { strong data-status="1" { (lang.t("未在记录", "Not recording")) } }
                p.warn data-queue="1" {}
                button.big type="button" data-start="1" { (lang.t("开始记录轨迹", "Start recording")) }
                button.big.secondary type="button" data-stop="1" hidden { (lang.t("结束并上传", "Stop and upload")) }
            }
            section.card {
                h2 { (lang.t("上传 GPX 轨迹文件", "Upload a GPX file")) }
                form method="post" action="/tracks/gpx" enctype="multipart/form-data" {
                    @if needs_township {
                        label { (lang.t("巡查乡镇", "Township patrolled")) select name="township_id" required {
                            @for t in &townships { option value=(t.id) { (t.name) } } } }
                    }
                    label { (lang.t("GPX 文件（带时间的轨迹点）", "GPX file (track points with times)")) input type="file" name="gpx" accept=".gpx,application/gpx+xml" required; }
                    button type="submit" { (lang.t("上传", "Upload")) }
                }
            }
        }
        p { a.button href="/coverage" { (lang.t("重点区域巡查覆盖率", "Coverage of the zones")) } }
        h2 { (lang.t("近30天轨迹", "Tracks of the last 30 days")) " (" (tracks.len()) ")" }
        div.scroll { table.tracks {
            thead { tr { th { (lang.t("开始", "Start")) } th { (lang.t("结束", "End")) } th { (lang.t("巡查人", "By")) } th { (lang.t("来源", "Source")) }
                th { (lang.t("里程(km)", "km")) } th { (lang.t("夜间占比", "Night share")) } th { (lang.t("位置点", "Points")) } } }
            tbody { @for t in tracks.iter().rev() {
                tr { td { (display_stamp(&t.started_at)) } td { (display_stamp(&t.ended_at)) } td { (t.user) }
                    td { (if t.source == "gpx" { "GPX" } else { lang.t("手机", "phone") }) }
                    td.num { (format!("{:.1}", t.length_m / 1000.0)) } td.num { (format!("{:.0}%", t.night_share * 100.0)) } td.num { (t.point_count) } }
            } }
        } }
    };
    Ok(layout(
        lang,
        lang.t("巡查轨迹", "Patrol tracks"),
        Some(actor),
        body,
    ))
}

pub async fn page(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Query(q): Query<Fields>,
) -> PageResult {
    let m = page_markup(&state, &actor, lang, &q).await?;
    Ok(m.into_response())
}

pub async fn upload_gpx(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    mut mp: Multipart,
) -> PageResult {
    let (f, files) = crate::upload::read_multipart(&mut mp, "gpx").await?;
    let Some(file) = files.into_iter().next() else {
        return Err(WebError::field("gpx", "请选择 GPX 文件", "choose a GPX file").into());
    };
    if file.bytes.len() > MAX_GPX_BYTES {
        return Err(WebError::TooLarge {
            field: "gpx".into(),
            limit_bytes: MAX_GPX_BYTES,
        }
        .into());
    }
    let name = file.name.clone();
    let tracks = parse_tracks(&name, &file.bytes)
        .map_err(|e| WebError::field("gpx", e.to_string(), e.to_string()))?;
    let township_id = f.get("township_id").and_then(|t| t.parse().ok());
    let mut tracks: Vec<NewTrack> = tracks
        .into_iter()
        .filter(|t| t.points.len() >= 2)
        .map(|t| NewTrack {
            township_id,
            village_id: None,
            source: "gpx",
            track: t,
            client_ref: None,
            file_sha256: None,
        })
        .collect();
    if tracks.is_empty() {
        return Err(WebError::field(
            "gpx",
            "文件中没有两个以上位置点的轨迹",
            "the file has no track of two or more points",
        )
        .into());
    }
    // The file is taken whole or not at all: every track is checked before the file
    // or any track is stored.
    for (i, t) in tracks.iter().enumerate() {
        state.store.check_track(&actor, t).await.map_err(|e| {
            let (_, _, message) = WebError::from(e).parts(lang);
            WebError::field(
                "gpx",
                format!("{name}：第 {} 条轨迹：{message}", i + 1),
                format!("{name}: track {}: {message}", i + 1),
            )
        })?;
    }
    let stored = crate::upload::store_all(&state, &actor, vec![file]).await?;
    let sha = stored.hashes().pop();
    let n = tracks.len();
    let mut outcome = Ok(n);
    for t in &mut tracks {
        t.file_sha256.clone_from(&sha);
        if let Err(e) = state.store.add_track(&actor, t, state.clock.now()).await {
            outcome = Err(WebError::from(e));
            break;
        }
    }
    let n = stored.settle(&state, &actor, outcome).await?;
    Ok(notice_redirect(
        "/tracks",
        &format!("{}{n}", lang.t("已上传轨迹：", "Tracks uploaded: ")),
    ))
}

fn coverage_style(share: f64) -> Style {
    let (fill, stroke) = if share >= 0.8 {
        ("#1a9850", "#0b4d27")
    } else if share >= 0.5 {
        ("#a6d96a", "#3f7a1f")
    } else if share >= 0.2 {
        ("#fdae61", "#a04000")
    } else {
        ("#d73027", "#7f0000")
    };
    Style {
        fill,
        stroke,
        fill_opacity: 0.55,
        stroke_width: 1.5,
        dashed: false,
    }
}

fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

fn unit_table(lang: Lang, units: &[UnitCoverage], villages: bool) -> Markup {
    html! {
        div.scroll { table {
            thead { tr { th { (lang.t("乡镇", "Township")) } @if villages { th { (lang.t("村", "Village")) } }
                th { (lang.t("区域数", "Zones")) } th { (lang.t("覆盖率", "Covered")) } th { (lang.t("白天", "Day")) } th { (lang.t("夜间", "Night")) }
                th { (lang.t("轨迹", "Tracks")) } th { (lang.t("夜巡", "Night")) } th { (lang.t("里程(km)", "km")) } } }
            tbody { @for u in units {
                tr { td { (u.township) } @if villages { td { (u.village) } }
                    td.num { (u.zones) }
                    @if u.zones > 0 { td.num { (pct(u.any)) } td.num { (pct(u.day)) } td.num { (pct(u.night)) } }
                    @else { td.muted colspan="3" { (lang.t("辖区内无重点区域", "no zones here")) } }
                    td.num { (u.tracks) } td.num { (u.night_tracks) } td.num { (format!("{:.1}", u.km)) } }
            } }
        } }
    }
}

async fn coverage_markup(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    q: &Fields,
) -> Result<Markup, WebError> {
    let today = local_date(state.clock.now());
    let to = parse_day(q, "to")?.unwrap_or(today);
    let from = parse_day(q, "from")?.unwrap_or(to - Duration::days(6));
    let distance = match q.get("distance").map_or("", |s| s.trim()) {
        "" => None,
        d => Some(
            d.parse::<f64>()
                .map_err(|_| WebError::field("distance", "应为米数", "must be metres"))?,
        ),
    };
    let r: CoverageReport = state
        .store
        .coverage_report(actor, from, to, distance, today)
        .await?;
    let zone_shapes: Vec<_> = r
        .zones
        .iter()
        .map(|z| (z, shape_from_geojson(&z.geometry)))
        .collect();
    let grids: Vec<_> = state
        .store
        .register_features(actor.county_id, Some(RegisterLayer::Grid))
        .await?
        .into_iter()
        .map(|g| shape_from_geojson(&g.geometry))
        .collect();
    let frame = minewatch_spatial::svg::extent(
        zone_shapes
            .iter()
            .filter_map(|(_, s)| minewatch_spatial::geo::BoundingRect::bounding_rect(s))
            .chain(r.tracks.iter().filter_map(|t| {
                minewatch_spatial::geo::BoundingRect::bounding_rect(
                    &minewatch_spatial::geo::LineString::from(t.line()),
                )
            })),
    );
    let mut shapes: Vec<Shape<'_>> = grids
        .iter()
        .map(|g| Shape {
            geometry: g,
            style: Style {
                fill: "none",
                stroke: "#999",
                fill_opacity: 0.0,
                stroke_width: 0.6,
                dashed: true,
            },
            title: String::new(),
            href: None,
        })
        .collect();
    for (z, s) in &zone_shapes {
        shapes.push(Shape {
            geometry: s,
            style: coverage_style(z.any),
            title: format!(
                "{} {} · {} {}",
                z.kind_label,
                z.name,
                lang.t("覆盖", "covered"),
                pct(z.any)
            ),
            href: None,
        });
    }
    let lines = r
        .tracks
        .iter()
        .map(|t| Line {
            points: t.line(),
            stroke: if t.night_share >= 0.5 {
                "#08306b"
            } else {
                "#e6550d"
            },
            stroke_width: 2.0,
            dashed: t.night_share >= 0.5,
            title: format!(
                "{} · {} · {:.1} km",
                display_stamp(&t.started_at),
                t.user,
                t.length_m / 1000.0
            ),
        })
        .collect();
    let svg = Map {
        shapes,
        lines,
        dots: Vec::new(),
        legend: Vec::new(),
        frame,
        width: 800.0,
        caption: lang.t("重点区域巡查覆盖图", "Coverage map").into(),
    }
    .render();
    let export = format!("/compliance.xlsx?from={from}&to={to}");
    let body = html! {
        h1 { (lang.t("重点区域巡查覆盖率", "Coverage of the zones")) }
        form.filters method="get" action="/coverage" {
            label { (lang.t("从", "From")) input type="date" name="from" value=(from); }
            label { (lang.t("到", "To")) input type="date" name="to" value=(to); }
            label { (lang.t("距轨迹(米)", "Within (m)")) input type="number" name="distance" min="10" max="5000" value=(r.distance_m); }
            button type="submit" { (lang.t("计算", "Compute")) }
            a.button href=(export) { (lang.t("导出履职统计 Excel", "Export compliance .xlsx")) }
        }
        p.muted { (lang.t("覆盖率：区域内距某条巡查轨迹不超过所设距离的面积占比；夜间指北京时间20:00至次日06:00。", "Coverage: the share of a zone's area within the set distance of some track; night is 20:00–06:00 Beijing time.")) }
        figure.map-frame {
            (PreEscaped(svg))
            ul.legend {
                @for (s, t) in [(coverage_style(0.9), "≥80%"), (coverage_style(0.6), "50–80%"), (coverage_style(0.3), "20–50%"), (coverage_style(0.0), "<20%")] {
                    li { span.swatch style={"background:" (s.fill) ";border-color:" (s.stroke)} {} " " (t) } }
                li { span.swatch style="background:#e6550d" {} " " (lang.t("白天轨迹", "day track")) }
                li { span.swatch style="background:#08306b" {} " " (lang.t("夜间轨迹", "night track")) }
            }
        }
        h2 { (lang.t("各区域", "Zones")) }
        div.scroll { table.zones {
            thead { tr { th { (lang.t("区域", "Zone")) } th { (lang.t("类型", "Kind")) } th { (lang.t("乡镇", "Township")) } th { (lang.t("村", "Village")) }
                th { (lang.t("面积(亩)", "Area (mu)")) } th { (lang.t("覆盖率", "Covered")) } th { (lang.t("白天", "Day")) } th { (lang.t("夜间", "Night")) } } }
            tbody { @for z in &r.zones {
                tr { td { (z.external_id) " " (z.name) } td { (z.kind_label) } td { (z.township) } td { (z.village) }
                    td.num { (format!("{:.1}", minewatch_spatial::area::mu(z.area_m2))) }
                    td.num data-any=(format!("{:.3}", z.any)) { (pct(z.any)) } td.num { (pct(z.day)) } td.num { (pct(z.night)) } }
            } }
        } }
        h2 { (lang.t("各乡镇", "Townships")) }
        (unit_table(lang, &r.townships, false))
        h2 { (lang.t("各村（有重点区域或巡查轨迹的）", "Villages (with zones or tracks)")) }
        (unit_table(lang, &r.villages.iter().filter(|u| u.zones > 0 || u.tracks > 0).cloned().collect::<Vec<_>>(), true))
    };
    Ok(layout(
        lang,
        lang.t("巡查覆盖率", "Coverage"),
        Some(actor),
        body,
    ))
}

pub async fn coverage(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Query(q): Query<Fields>,
) -> PageResult {
    let m = coverage_markup(&state, &actor, lang, &q).await?;
    Ok(m.into_response())
}
