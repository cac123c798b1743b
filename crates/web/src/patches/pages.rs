//! Satellite patches (卫片图斑): the county map and list, one patch with its map, triage,
//! field evidence (举证) and the county's review.

use axum::extract::{Form, Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, PreEscaped, html};
use minewatch_core::clock::display_stamp;
use minewatch_spatial::area::mu;
use minewatch_spatial::geo::{BoundingRect, Coord, MultiPolygon, Rect};
use minewatch_spatial::svg::{Map, Shape, Style, extent};
use minewatch_spatial::text::shape_from_geojson;
use minewatch_spatial::triage::PatchClass;
use minewatch_spatial::zone::ZoneKind;
use minewatch_store::{
    Actor, NewVerification, PATCH_STATUSES, PatchDetail, PatchFilter, PatchRow, RegisterFeature,
    RegisterLayer, VerificationReason, determination_label,
};

use crate::AppState;
use crate::auth::PageUser;
use crate::error::WebError;
use crate::forms::Fields;
use crate::i18n::Lang;
use crate::pages::{PageResult, is_office, layout};

pub(crate) fn class_style(class: &str) -> Style {
    let (fill, stroke) = match PatchClass::from_code(class) {
        Some(PatchClass::Protected) => ("#8e0152", "#50002e"),
        Some(PatchClass::NoLicence) => ("#d73027", "#7f0000"),
        Some(PatchClass::ExpiredLicence) => ("#fc8d59", "#a04000"),
        Some(PatchClass::OverstepsLicence) => ("#fee08b", "#8a6d00"),
        _ => ("#1a9850", "#0b4d27"),
    };
    Style {
        fill,
        stroke,
        fill_opacity: 0.85,
        stroke_width: 3.0,
        dashed: false,
    }
}

fn register_style(f: &RegisterFeature) -> Style {
    match f.layer {
        RegisterLayer::Grid => Style {
            fill: "none",
            stroke: "#888",
            fill_opacity: 0.0,
            stroke_width: 0.8,
            dashed: true,
        },
        RegisterLayer::Zone | RegisterLayer::ClosedMine => {
            let protected = ZoneKind::parse(&f.kind).is_some_and(ZoneKind::is_protected);
            Style {
                fill: if protected { "#5aae61" } else { "#6baed6" },
                stroke: if protected { "#1b7837" } else { "#2171b5" },
                fill_opacity: 0.2,
                stroke_width: 1.0,
                dashed: false,
            }
        }
        _ => Style {
            fill: "#9ecae1",
            stroke: "#08519c",
            fill_opacity: 0.25,
            stroke_width: 1.2,
            dashed: false,
        },
    }
}

fn class_label(code: &str, zh: bool) -> String {
    PatchClass::from_code(code).map_or_else(
        || code.to_string(),
        |c| {
            if zh {
                c.label_zh().to_string()
            } else {
                c.code().replace('_', " ")
            }
        },
    )
}

pub(crate) fn status_label(code: &str, zh: bool) -> &'static str {
    match (code, zh) {
        ("pending", true) => "待举证",
        ("pending", false) => "Awaiting evidence",
        ("submitted", true) => "待县级审核",
        ("submitted", false) => "Awaiting review",
        ("returned", true) => "退回重报",
        ("returned", false) => "Sent back",
        ("accepted", true) => "审核通过",
        ("accepted", false) => "Accepted",
        ("cleared", true) => "持证范围内",
        ("cleared", false) => "Inside a licence",
        (_, true) => "未知",
        (_, false) => "Unknown",
    }
}

fn layer_label(f: &RegisterFeature, zh: bool) -> String {
    let what = match ZoneKind::parse(&f.kind) {
        Some(k) if zh => k.label_zh().to_string(),
        Some(k) => k.code().replace('_', " "),
        None => f.layer.label(zh).to_string(),
    };
    if f.name.is_empty() {
        format!("{what} {}", f.external_id)
    } else {
        format!("{what} {} {}", f.external_id, f.name)
    }
}

fn legend(zh: bool) -> Vec<(Style, String)> {
    let mut l: Vec<(Style, String)> = PatchClass::ALL
        .iter()
        .map(|c| (class_style(c.code()), class_label(c.code(), zh)))
        .collect();
    let licence = RegisterFeature {
        id: 0,
        layer: RegisterLayer::Licence,
        external_id: String::new(),
        name: String::new(),
        kind: String::new(),
        valid_from: None,
        valid_to: None,
        withdrawn: false,
        grid_id: None,
        attributes: std::collections::BTreeMap::new(),
        geometry: String::new(),
        area_m2: 0.0,
    };
    l.push((
        register_style(&licence),
        if zh { "采矿权范围" } else { "Licence" }.into(),
    ));
    let reserve = RegisterFeature {
        layer: RegisterLayer::Zone,
        kind: "nature_reserve".into(),
        ..licence.clone()
    };
    l.push((
        register_style(&reserve),
        if zh {
            "保护区域"
        } else {
            "Protected layer"
        }
        .into(),
    ));
    let key = RegisterFeature {
        layer: RegisterLayer::Zone,
        kind: "illegal_hotspot".into(),
        ..licence
    };
    l.push((
        register_style(&key),
        if zh { "重点区域" } else { "Key zone" }.into(),
    ));
    l
}

/// The legend as HTML under the map: readable on a phone, where text inside a scaled-down
/// SVG would be a few pixels high.
fn legend_html(zh: bool) -> Markup {
    html! {
        ul.legend { @for (style, text) in legend(zh) {
            li { span.swatch style={"background:" (style.fill) ";border-color:" (style.stroke)} {} " " (text) }
        } }
    }
}

fn overlaps(a: Rect<f64>, b: Option<Rect<f64>>) -> bool {
    b.is_some_and(|b| {
        a.min().x <= b.max().x
            && b.min().x <= a.max().x
            && a.min().y <= b.max().y
            && b.min().y <= a.max().y
    })
}

/// The map of registers and patches, limited to `frame` when given.
fn map_svg(
    lang: Lang,
    registers: &[(RegisterFeature, MultiPolygon<f64>)],
    patches: &[(PatchRow, MultiPolygon<f64>)],
    highlight: Option<minewatch_store::PatchId>,
    frame: Option<Rect<f64>>,
    caption: &str,
) -> String {
    let zh = lang.is_zh();
    let mut shapes = Vec::new();
    for (f, shape) in registers {
        if frame.is_some_and(|fr| !overlaps(fr, shape.bounding_rect())) {
            continue;
        }
        shapes.push(Shape {
            geometry: shape,
            style: register_style(f),
            title: layer_label(f, zh),
            href: None,
        });
    }
    for (p, shape) in patches {
        if frame.is_some_and(|fr| !overlaps(fr, shape.bounding_rect())) {
            continue;
        }
        let mut style = class_style(&p.class);
        if highlight == Some(p.id) {
            style.stroke = "#000";
            style.stroke_width = 4.0;
        }
        shapes.push(Shape {
            geometry: shape,
            style,
            title: format!(
                "{} · {} · {:.2} {}",
                p.patch_no,
                class_label(&p.class, zh),
                mu(p.area_m2),
                lang.t("亩", "mu")
            ),
            href: Some(format!("/patches/{}", p.id)),
        });
    }
    Map {
        shapes,
        lines: Vec::new(),
        dots: Vec::new(),
        legend: Vec::new(),
        frame,
        width: 800.0,
        caption: caption.to_string(),
    }
    .render()
}

async fn registers(
    state: &AppState,
    county_id: i64,
    frame: Option<Rect<f64>>,
) -> Result<Vec<(RegisterFeature, MultiPolygon<f64>)>, WebError> {
    let frame = frame.map(|r| (r.min().x, r.min().y, r.max().x, r.max().y));
    Ok(state
        .store
        .register_features_in(county_id, None, frame)
        .await?
        .into_iter()
        .map(|f| {
            let shape = shape_from_geojson(&f.geometry);
            (f, shape)
        })
        .collect())
}

fn filter_of(q: &Fields) -> PatchFilter {
    PatchFilter {
        batch_id: q.get("batch").and_then(|b| b.parse().ok()),
        class: q.get("class").cloned().filter(|c| !c.is_empty()),
        status: q.get("status").cloned().filter(|s| !s.is_empty()),
    }
}

pub async fn list(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Query(q): Query<Fields>,
) -> PageResult {
    let m = list_markup(&state, &actor, lang, &q).await?;
    Ok(m.into_response())
}

async fn list_markup(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    q: &Fields,
) -> Result<Markup, WebError> {
    let zh = lang.is_zh();
    let filter = filter_of(q);
    let rows = state.store.patches(actor, &filter).await?;
    let batches = state.store.patch_batches(actor.county_id).await?;
    let regs = registers(state, actor.county_id, None).await?;
    let shapes: Vec<(PatchRow, MultiPolygon<f64>)> = rows
        .iter()
        .map(|p| (p.clone(), shape_from_geojson(&p.geometry)))
        .collect();
    // A township or village sees its own part of the map.
    let frame = if is_office(actor) || actor.role == minewatch_core::Role::Inspector {
        None
    } else {
        extent(shapes.iter().filter_map(|(_, s)| s.bounding_rect()))
    };
    let svg = map_svg(
        lang,
        &regs,
        &shapes,
        None,
        frame,
        lang.t("卫片图斑分布图", "Patch map"),
    );
    let sel = |name: &str, v: &str| q.get(name).is_some_and(|x| x == v);
    let export = format!(
        "/patches.xlsx?batch={}&class={}&status={}",
        q.get("batch").map_or("", String::as_str),
        crate::forms::url_encode(q.get("class").map_or("", String::as_str)),
        crate::forms::url_encode(q.get("status").map_or("", String::as_str))
    );
    let body = html! {
        h1 { (lang.t("卫片图斑", "Satellite patches")) }
        form.filters method="get" action="/patches" {
            label { (lang.t("批次", "Batch"))
                select name="batch" { option value="" { (lang.t("全部", "All")) }
                    @for (id, name, n, _) in &batches { option value=(id) selected[sel("batch", &id.to_string())] { (name) " (" (n) ")" } } } }
            label { (lang.t("初判", "Class"))
                select name="class" { option value="" { (lang.t("全部", "All")) }
                    @for c in PatchClass::ALL { option value=(c.code()) selected[sel("class", c.code())] { (class_label(c.code(), zh)) } } } }
            label { (lang.t("状态", "Status"))
                select name="status" { option value="" { (lang.t("全部", "All")) }
                    @for s in PATCH_STATUSES { option value=(s) selected[sel("status", s)] { (status_label(s, zh)) } } } }
            button type="submit" { (lang.t("筛选", "Filter")) }
            a.button href=(export) { (lang.t("导出 Excel", "Export .xlsx")) }
            a href="/patches/findings" { (lang.t("举证真实性核查", "Truthfulness checks")) }
        }
        figure.map-frame {
            (PreEscaped(svg))
            (legend_html(zh))
            figcaption { (lang.t("滚轮或双指缩放，拖动平移，双击复原；点击图斑查看详情。", "Wheel or pinch to zoom, drag to pan, double-click to reset; click a patch for its page.")) }
        }
        p { (rows.len()) " " (lang.t("个图斑", "patches")) }
        div.scroll { table.ledger {
            thead { tr {
                th { (lang.t("图斑编号", "Patch")) } th { (lang.t("批次", "Batch")) } th { (lang.t("后时相", "Later image")) }
                th { (lang.t("面积(亩)", "Area (mu)")) } th { (lang.t("乡镇", "Township")) } th { (lang.t("村", "Village")) }
                th { (lang.t("初判", "Class")) } th { (lang.t("状态", "Status")) } th { (lang.t("案件", "Case")) }
            } }
            tbody { @for p in &rows { tr {
                td { a href={"/patches/" (p.id)} { (p.patch_no) } }
                td { (p.batch_name) }
                td { (p.later_date.as_deref().unwrap_or("—")) }
                td.num { (format!("{:.2}", mu(p.area_m2))) }
                td { (p.township.as_deref().unwrap_or("—")) }
                td { (p.village.as_deref().unwrap_or("—")) }
                td { span.swatch style={"background:" (class_style(&p.class).fill)} {} " " (class_label(&p.class, zh)) }
                td { (status_label(&p.status, zh)) }
                td { @if let (Some(id), Some(n)) = (p.case_id, &p.case_number) { a href={"/cases/" (id)} { (n) } } @else { "—" } }
            } } }
        } }
    };
    Ok(layout(
        lang,
        lang.t("卫片图斑", "Satellite patches"),
        Some(actor),
        body,
    ))
}

pub async fn detail(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Path(id): Path<minewatch_store::PatchId>,
) -> PageResult {
    let m = detail_markup(&state, &actor, lang, id, None).await?;
    Ok(m.into_response())
}

fn may_verify(a: &Actor) -> bool {
    minewatch_core::rights::may(a.role, minewatch_core::rights::Right::FileFieldEvidence)
}

async fn detail_markup(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    id: minewatch_store::PatchId,
    error: Option<&str>,
) -> Result<Markup, WebError> {
    let zh = lang.is_zh();
    let d: PatchDetail = state.store.patch(actor, id).await?;
    let shape = shape_from_geojson(&d.row.geometry);
    let frame = shape.bounding_rect().map(|r| {
        // Landscape, about 1.5 : 1 on the ground, with room around the patch.
        let h = r.height().max(r.width()).max(0.003) * 3.0;
        let w = h * 1.5 / r.center().y.to_radians().cos();
        let c = r.center();
        Rect::new(
            Coord {
                x: c.x - w / 2.0,
                y: c.y - h / 2.0,
            },
            Coord {
                x: c.x + w / 2.0,
                y: c.y + h / 2.0,
            },
        )
    });
    let regs = registers(state, actor.county_id, frame).await?;
    // Neighbours near the frame only: parsing every patch of the county would be wasted
    // on a phone's page.
    let near = |p: &PatchRow| {
        frame.is_none_or(|f| {
            p.lon >= f.min().x - 0.01
                && p.lon <= f.max().x + 0.01
                && p.lat >= f.min().y - 0.01
                && p.lat <= f.max().y + 0.01
        })
    };
    let others: Vec<(PatchRow, MultiPolygon<f64>)> = state
        .store
        .patches(actor, &PatchFilter::default())
        .await?
        .into_iter()
        .filter(|p| p.id == id || near(p))
        .map(|p| {
            let s = shape_from_geojson(&p.geometry);
            (p, s)
        })
        .collect();
    let svg = map_svg(lang, &regs, &others, Some(id), frame, &d.row.patch_no);
    let findings = state.store.truth_findings(actor, Some(id)).await?;
    let licences = d.triage["licences"].as_array().cloned().unwrap_or_default();
    let zones = d.triage["zones"].as_array().cloned().unwrap_or_default();
    let awaiting = d.row.status == "submitted";
    let body = html! {
        p { a href="/patches" { "← " (lang.t("卫片图斑", "Satellite patches")) } }
        h1 { (lang.t("图斑 ", "Patch ")) (d.row.patch_no) }
        @if let Some(e) = error { div.error role="alert" { (e) } }
        @if findings.iter().any(|f| !f.corrected) {
            div.warn role="alert" {
                strong { (lang.t("真实性核查发现问题：", "Truthfulness checks found:")) }
                ul { @for f in findings.iter().filter(|f| !f.corrected) { li { (f.message(zh)) } } }
            }
        }
        dl.facts {
            dt { (lang.t("批次", "Batch")) } dd { (d.row.batch_name) }
            dt { (lang.t("后时相", "Later image")) } dd { (d.row.later_date.as_deref().unwrap_or("—")) }
            dt { (lang.t("面积", "Area")) } dd { (format!("{:.2}", mu(d.row.area_m2))) " " (lang.t("亩", "mu")) " (" (format!("{:.0}", d.row.area_m2)) " m²)" }
            dt { (lang.t("位置", "Place")) } dd { (d.row.township.as_deref().unwrap_or("—")) " " (d.row.village.as_deref().unwrap_or("")) " · " (format!("{:.5}, {:.5}", d.row.lon, d.row.lat)) }
            dt { (lang.t("初判", "Class")) } dd { span.swatch style={"background:" (class_style(&d.row.class).fill)} {} " " (class_label(&d.row.class, zh)) }
            dt { (lang.t("状态", "Status")) } dd { (status_label(&d.row.status, zh)) }
            dt { (lang.t("案件", "Case")) } dd { @if let (Some(cid), Some(n)) = (d.row.case_id, &d.row.case_number) { a href={"/cases/" (cid)} { (n) } } @else { "—" } }
        }
        figure.map-frame { (PreEscaped(svg)) (legend_html(zh)) }
        @if d.before_image.is_some() || d.after_image.is_some() {
            div.pair {
                @if let Some(b) = &d.before_image { figure { img src={"/attachments/" (b)} alt=(lang.t("前时相影像", "Earlier image")); figcaption { (lang.t("前时相", "Earlier image")) } } }
                @if let Some(a) = &d.after_image { figure { img src={"/attachments/" (a)} alt=(lang.t("后时相影像", "Later image")); figcaption { (lang.t("后时相", "Later image")) } } }
            }
        }
        h2 { (lang.t("套合结果", "Triage")) }
        div.scroll { table.ledger {
            thead { tr { th { (lang.t("涉及", "Touches")) } th { (lang.t("编号", "Id")) } th { (lang.t("占图斑面积", "Share of patch")) } th { (lang.t("有效", "Valid")) } } }
            tbody {
                @for l in &licences { tr {
                    td { (lang.t("许可证", "Licence")) } td { (l["id"].as_str().unwrap_or("")) }
                    td.num { (format!("{:.1}%", l["share"].as_f64().unwrap_or(0.0) * 100.0)) }
                    td { @if l["valid"].as_bool() == Some(true) { (lang.t("有效", "valid")) } @else { (lang.t("失效", "not valid")) } }
                } }
                @for z in &zones { tr {
                    td { (ZoneKind::parse(z["kind"].as_str().unwrap_or("")).map_or("", |k| if zh { k.label_zh() } else { k.code() })) }
                    td { (z["id"].as_str().unwrap_or("")) }
                    td.num { (format!("{:.0} m²", z["area_m2"].as_f64().unwrap_or(0.0))) }
                    td { "—" }
                } }
                @if licences.is_empty() && zones.is_empty() { tr { td colspan="4" { (lang.t("不涉及任何许可证或保护区域", "No licence or zone")) } } }
            }
        } }
        h2 { (lang.t("举证与审核", "Evidence and review")) }
        @if d.verifications.is_empty() { p { (lang.t("尚未举证。", "No evidence yet.")) } }
        @for v in &d.verifications {
            article.evidence.corrected[v.corrected] {
                @if v.corrected { p { span.tag { (lang.t("已更正", "corrected")) } " " span.muted { (lang.t("此判定已被后来的更正取代，保留在记录中。", "Replaced by a later, corrected determination; kept in the record.")) } } }
                @if v.corrects_id.is_some() { p { span.tag.done { (lang.t("更正", "correction")) } @if !v.correction_note.is_empty() { " " (v.correction_note) } } }
                p {
                    strong { (determination_label(&v.determination, zh)) }
                    " · " (VerificationReason::from_code(&v.reason).map_or(v.reason.as_str(), |r| r.label(zh)))
                    @if !v.permit_no.is_empty() { " · " (lang.t("证号 ", "No. ")) (v.permit_no) }
                    " · " (v.filed_by) " · " (display_stamp(&v.filed_at))
                }
                @if !v.note.is_empty() { p { (v.note) } }
                (crate::pages::photos::cards(lang, &v.readings))
                @let history: Vec<&minewatch_store::Finding> = findings.iter().filter(|f| f.verification_id == v.id && f.corrected).collect();
                @if !history.is_empty() {
                    details { summary { (lang.t("更正前的核查发现", "Findings before the correction")) " (" (history.len()) ")" }
                        ul { @for f in history { li { (f.message(zh)) } } } }
                }
                @if !v.review.is_empty() {
                    p.review { (if v.review == "accepted" { lang.t("县级审核：通过", "County review: accepted") } else { lang.t("县级审核：退回", "County review: sent back") })
                        @if !v.review_note.is_empty() { " — " (v.review_note) } }
                }
            }
        }
        @if may_verify(actor) && matches!(d.row.status.as_str(), "pending" | "returned") {
            form.card method="post" action={"/patches/" (id) "/verify"} enctype="multipart/form-data" {
                h3 { (lang.t("实地举证", "Field evidence")) }
                label { (lang.t("判定及理由", "Determination and reason"))
                    select name="reason" required {
                        option value="" { "—" }
                        @for r in VerificationReason::ALL {
                            option value=(r.code()) { (determination_label(r.determination(), zh)) " · " (r.label(zh)) }
                        }
                    }
                }
                label { (lang.t("许可证或批准文号（合法时必填）", "Licence or approval number (required for legal)")) input name="permit_no"; }
                label { (lang.t("说明", "Note")) textarea name="note" rows="3" {} }
                @if !d.verifications.is_empty() {
                    label { (lang.t("更正说明（原判定哪里不对）", "Correction (what was wrong with the earlier determination)")) textarea name="correction_note" rows="2" {} }
                }
                label { (lang.t("现场照片（在现场用手机拍摄，记录拍摄时间和位置）", "Field photos (taken on site with the phone: time and position are recorded)")) input type="file" name="photo" accept="image/*" capture="environment" multiple; }
                button type="submit" { (lang.t("提交举证", "Submit evidence")) }
            }
        }
        @if awaiting && is_office(actor) || (d.row.status == "accepted" && is_office(actor) && findings.iter().any(|f| !f.corrected)) {
            form.card method="post" action={"/patches/" (id) "/review"} {
                h3 { (lang.t("县级审核", "County review")) }
                label { (lang.t("审核意见（退回时必填）", "Note (required to send back)")) textarea name="note" rows="2" {} }
                @if awaiting {
                    button type="submit" name="verdict" value="accept" { (lang.t("审核通过", "Accept")) }
                    " "
                    button.secondary type="submit" name="verdict" value="return" { (lang.t("退回重报", "Send back")) }
                } @else {
                    p.muted { (lang.t("已通过的举证被核查发现问题：可退回，由乡村重新举证更正。", "Accepted evidence with findings: send it back for a corrected determination.")) }
                    button.secondary type="submit" name="verdict" value="return" { (lang.t("退回更正", "Send back for correction")) }
                }
            }
        }
    };
    Ok(layout(lang, &d.row.patch_no, Some(actor), body))
}

pub async fn verify(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Path(id): Path<minewatch_store::PatchId>,
    mut mp: Multipart,
) -> PageResult {
    let result: Result<(), WebError> = async {
        let (fields, photos) = crate::upload::read_multipart(&mut mp, "photo").await?;
        let get = |k: &str| fields.get(k).cloned().unwrap_or_default();
        let mut v = NewVerification {
            reason: get("reason"),
            permit_no: get("permit_no"),
            note: get("note"),
            photos: Vec::new(),
            correction_note: get("correction_note"),
        };
        // Check the form before storing any photo, so a bad form leaves nothing behind.
        v.check()?;
        if let Some(bad) = photos.iter().find(|f| !f.is_image()) {
            return Err(WebError::field(
                "photo",
                format!(
                    "“{}”不是可分析的照片（须为 JPEG、PNG、WebP 或 GIF）",
                    bad.name
                ),
                format!(
                    "'{}' is not a photo that can be analysed (JPEG, PNG, WebP or GIF)",
                    bad.name
                ),
            ));
        }
        let stored = crate::upload::store_all(&state, &actor, photos).await?;
        v.photos = stored.hashes();
        let outcome = state
            .store
            .verify_patch(&actor, id, &v, state.clock.now())
            .await
            .map_err(WebError::from);
        stored.settle(&state, &actor, outcome).await?;
        Ok(())
    }
    .await;
    Ok(match result {
        Ok(()) => Redirect::to(&format!("/patches/{id}")).into_response(),
        Err(e) => {
            // The patch again, with what was wrong above its form.
            let (status, _, message) = e.parts(lang);
            (
                status,
                detail_markup(&state, &actor, lang, id, Some(&message)).await?,
            )
                .into_response()
        }
    })
}

pub async fn review(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Path(id): Path<minewatch_store::PatchId>,
    Form(f): Form<Fields>,
) -> PageResult {
    let accept = f.get("verdict").map(String::as_str) == Some("accept");
    let note = f.get("note").map_or("", String::as_str);
    Ok(
        match state
            .store
            .review_patch(&actor, id, accept, note, state.clock.now())
            .await
        {
            Ok(()) => Redirect::to(&format!("/patches/{id}")).into_response(),
            Err(e) => {
                let (status, _, message) = WebError::from(e).parts(lang);
                (
                    status,
                    detail_markup(&state, &actor, lang, id, Some(&message)).await?,
                )
                    .into_response()
            }
        },
    )
}

pub async fn xlsx(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Query(q): Query<Fields>,
) -> PageResult {
    let rows = state.store.patches(&actor, &filter_of(&q)).await?;
    let bytes =
        crate::export::off_thread(move || crate::export::patches_workbook(&rows, lang)).await?;
    let r = crate::export::xlsx_file(bytes, "patches.xlsx");
    Ok(r)
}

/// What was read from every photo the findings name, by SHA-256.
pub(crate) async fn finding_photos(
    state: &AppState,
    list: &[minewatch_store::Finding],
) -> Result<std::collections::HashMap<String, minewatch_store::PhotoReading>, WebError> {
    let mut shas: Vec<String> = list.iter().flat_map(|f| f.photos.clone()).collect();
    shas.sort();
    shas.dedup();
    Ok(state
        .store
        .photo_readings(&shas, None)
        .await?
        .into_iter()
        .map(|p| (p.sha256.clone(), p))
        .collect())
}

pub async fn findings(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
) -> PageResult {
    let zh = lang.is_zh();
    let list = state.store.truth_findings(&actor, None).await?;
    let photos = finding_photos(&state, &list).await?;
    let body = html! {
        p { a href="/patches" { "← " (lang.t("卫片图斑", "Satellite patches")) } }
        h1 { (lang.t("举证真实性核查", "Truthfulness of field evidence")) }
        p { (lang.t("核查一图多用、同一画面改存或裁剪后重复使用、照片位置远离图斑（超过 500 米）、照片早于后时相、照片无拍摄时间或位置（证据无法核验）、照片与上传时手机的位置和时间不符、相同区域判定不一致、疑似违法图斑填报为伪变化未经审核、有证矿山图斑判合法无实地照片。已更正的判定保留其核查记录。",
                    "Checks one photo for several patches, the same picture re-encoded, resized or cropped, photos taken over 500 m from the patch or before the later image, photos without a capture time or position (cannot be verified), photos that disagree with where and when the phone attached them, different legality for the same place, suspect patches written off as pseudo-change without review, licensed-mine patches judged legal without a field photo. Corrected determinations keep their findings on record.")) }
        p { a.button href="/patches/findings.xlsx" { (lang.t("导出 Excel", "Export .xlsx")) } }
        @if list.is_empty() { div.ok role="status" { (lang.t("未发现问题。", "No findings.")) } }
        @else {
            div.scroll { table.ledger {
                thead { tr { th { (lang.t("图斑", "Patch")) } th { (lang.t("问题", "Finding")) } th { (lang.t("详情", "Detail")) } th { (lang.t("照片", "Photos")) } } }
                tbody { @for f in &list { tr.corrected[f.corrected] {
                    td { a href={"/patches/" (f.patch_id)} { (f.patch_no) } }
                    td { (f.kind.label(zh)) @if f.corrected { " " span.tag { (lang.t("已更正", "corrected")) } } }
                    td { (if zh { &f.detail_zh } else { &f.detail_en }) }
                    td { div.thumbs { @for s in &f.photos { @if let Some(p) = photos.get(s) {
                        a href={"/attachments/" (s)} title=(p.file_name) { img src={"/attachments/" (s) "/thumb"} alt=(p.file_name) loading="lazy"; }
                    } } } }
                } } }
            } }
        }
    };
    Ok(layout(
        lang,
        lang.t("举证真实性核查", "Truthfulness checks"),
        Some(&actor),
        body,
    )
    .into_response())
}

pub async fn findings_xlsx(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
) -> PageResult {
    let list = state.store.truth_findings(&actor, None).await?;
    let photos = finding_photos(&state, &list).await?;
    let bytes =
        crate::export::off_thread(move || crate::export::findings_workbook(&list, &photos, lang))
            .await?;
    let r = crate::export::xlsx_file(bytes, "findings.xlsx");
    Ok(r)
}

pub async fn registers_page(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
) -> PageResult {
    let zh = lang.is_zh();
    let imports = state.store.register_imports(actor.county_id).await?;
    let regs = registers(&state, actor.county_id, None).await?;
    let svg = map_svg(
        lang,
        &regs,
        &[],
        None,
        None,
        lang.t("登记簿分布图", "Registers map"),
    );
    let mut counts = std::collections::BTreeMap::<&'static str, usize>::new();
    for (f, _) in &regs {
        *counts.entry(f.layer.label(zh)).or_default() += 1;
    }
    let body = html! {
        h1 { (lang.t("登记簿", "Registers")) }
        p { (lang.t("采矿、探矿许可证，批准的工程项目，关闭废弃矿山和井口，保护区域和重点区域，网格边界。用 minewatch import 导入；每次导入保留源文件名和坐标系。",
                    "Mining and exploration licences, approved projects, closed mines and shafts, protected and key zones, grid boundaries. Imported with minewatch import; each import keeps its source file and coordinate system.")) }
        p { @for (layer, n) in &counts { span.tag { (layer) " " (n) } " " } }
        figure.map-frame { (PreEscaped(svg)) (legend_html(zh)) }
        h2 { (lang.t("许可证和批准项目", "Licences and approved projects")) }
        div.scroll { table.ledger {
            thead { tr {
                th { (lang.t("类别", "Layer")) } th { (lang.t("证号", "Number")) } th { (lang.t("名称", "Name")) }
                th { (lang.t("权利人", "Holder")) } th { (lang.t("矿种", "Mineral")) } th { (lang.t("开采标高", "Elevation")) }
                th { (lang.t("生产规模", "Scale")) } th { (lang.t("有效期", "Valid")) } th { (lang.t("状态", "Status")) }
                th { (lang.t("面积(亩)", "Area (mu)")) }
            } }
            tbody { @for (f, _) in regs.iter().filter(|(f, _)| f.layer.permits_digging()) { tr {
                td { (f.layer.label(zh)) } td { (f.external_id) } td { (f.name) }
                td { (f.attribute(&["holder", "采矿权人", "探矿权人", "KCQR", "建设单位"]).unwrap_or("—")) }
                td { (f.attribute(&["mineral", "开采矿种", "矿种", "KZ"]).unwrap_or("—")) }
                td { (f.attribute(&["elevation", "开采标高", "开采深度", "KCBG"]).unwrap_or("—")) }
                td { (f.attribute(&["scale", "生产规模", "SCGM"]).unwrap_or("—")) }
                td { (f.valid_from.as_deref().unwrap_or("…")) " — " (f.valid_to.as_deref().unwrap_or("…")) }
                td { @if f.withdrawn { (lang.t("已注销/吊销", "withdrawn")) } @else { (f.attribute(&["status", "状态", "ZT"]).unwrap_or("—")) } }
                td.num { (format!("{:.2}", mu(f.area_m2))) }
            } } }
        } }
        h2 { (lang.t("导入记录", "Imports")) }
        div.scroll { table.ledger {
            thead { tr {
                th { (lang.t("图层", "Layer")) } th { (lang.t("源文件", "Source file")) } th { (lang.t("坐标系", "CRS")) }
                th { (lang.t("编码", "Encoding")) } th { (lang.t("要素数", "Features")) } th { (lang.t("导入时间", "Imported")) }
                th { (lang.t("导入人", "By")) } th { (lang.t("现行", "Current")) }
            } }
            tbody { @for i in &imports { tr {
                td { (i.layer.label(zh)) } td { (i.source_file) } td { (i.crs) } td { (i.encoding) }
                td.num { (i.features) } td { (display_stamp(&i.imported_at)) } td { (i.imported_by) }
                td { @if i.active { (lang.t("现行", "current")) } @else { (lang.t("已被替换", "replaced")) } }
            } } }
        } }
    };
    Ok(layout(lang, lang.t("登记簿", "Registers"), Some(&actor), body).into_response())
}
