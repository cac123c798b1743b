//! The demo county's registers and a first satellite batch: licences, a nature reserve, an
//! ecological red line, farmland, key zones, every village's grid boundary, and 48 patches
//! of every class. All invented.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use geo::{Geometry, LineString, Polygon};
use minewatch_spatial::crs::Crs;
use minewatch_spatial::inputs::Fields;
use minewatch_spatial::read::{Feature, Layer};
use rand::Rng;
use rand::rngs::StdRng;

use crate::{Actor, RegisterLayer, Result, Store};

/// A village's rectangle in the demo county.
pub(crate) struct VillageCell {
    pub township: String,
    pub village: String,
    pub grid: String,
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

pub(crate) const M_PER_DEG: f64 = 111_000.0;

/// A ring of `n` points around (x, y) with radius `r` metres, wobbling by `wobble`.
pub(crate) fn blob(
    rng: &mut StdRng,
    x: f64,
    y: f64,
    r: f64,
    n: usize,
    wobble: f64,
) -> Polygon<f64> {
    let kx = r / (M_PER_DEG * y.to_radians().cos());
    let ky = r / M_PER_DEG;
    let phase: f64 = rng.gen_range(0.0..std::f64::consts::TAU);
    let mut pts: Vec<(f64, f64)> = (0..n)
        .map(|i| {
            let t = i as f64 / n as f64 * std::f64::consts::TAU;
            let k = 1.0 + wobble * (3.0 * t + phase).sin() * 0.5;
            (x + kx * k * t.cos(), y + ky * k * t.sin())
        })
        .collect();
    pts.push(pts[0]);
    Polygon::new(LineString::from(pts), vec![])
}

pub(crate) fn feature(number: usize, p: Polygon<f64>, attrs: &[(&str, String)]) -> Feature {
    Feature {
        number,
        geometry: Geometry::Polygon(p),
        attributes: attrs
            .iter()
            .map(|(k, v)| ((*k).to_string(), v.clone()))
            .collect::<BTreeMap<_, _>>(),
    }
}

pub(crate) fn layer(name: &str, features: Vec<Feature>) -> Layer {
    Layer {
        source: format!("demo/{name}"),
        crs: Crs::CGCS2000,
        encoding: None,
        features,
    }
}

/// Where the demo put its licences and zones: (lon, lat, radius in metres, kind).
pub(crate) struct Sites {
    pub licences: Vec<(f64, f64, f64)>,
    pub zones: Vec<(f64, f64, f64, &'static str)>,
}

pub(crate) async fn build(
    store: &Store,
    office: &Actor,
    cells: &[VillageCell],
    rng: &mut StdRng,
    now: DateTime<Utc>,
) -> Result<Sites> {
    let fields = Fields::default();
    let grids = cells
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let ring = vec![
                (c.x0, c.y0),
                (c.x1, c.y0),
                (c.x1, c.y1),
                (c.x0, c.y1),
                (c.x0, c.y0),
            ];
            feature(
                i + 1,
                Polygon::new(LineString::from(ring), vec![]),
                &[
                    ("township", c.township.clone()),
                    ("village", c.village.clone()),
                    ("grid", c.grid.clone()),
                ],
            )
        })
        .collect();
    store
        .import_register(
            office,
            RegisterLayer::Grid,
            layer("grids", grids),
            &fields,
            now,
        )
        .await?;

    let centre = |rng: &mut StdRng| {
        let c = &cells[rng.gen_range(0..cells.len())];
        (
            rng.gen_range(c.x0 + 0.004..c.x1 - 0.004),
            rng.gen_range(c.y0 + 0.004..c.y1 - 0.004),
        )
    };
    let mut licence_sites = Vec::new();
    let mut licences = Vec::new();
    for i in 0..24 {
        let (x, y) = centre(rng);
        let r = rng.gen_range(250.0..450.0);
        licence_sites.push((x, y, r, i));
        let (to, status) = match i % 8 {
            0 => ("2024-06-30", "正常"),
            5 => ("2029-12-31", "注销"),
            _ => ("2029-12-31", "正常"),
        };
        licences.push(feature(
            i + 1,
            blob(rng, x, y, r, 8, 0.2),
            &[
                ("licence_id", format!("C1401272019{:06}", 120 + i)),
                ("name", format!("青岚县第{}石料厂", i + 1)),
                ("holder", format!("青岚县第{}石料有限公司", i + 1)),
                (
                    "mineral",
                    ["建筑石料用灰岩", "砖瓦用页岩", "建筑用砂"][i % 3].to_string(),
                ),
                (
                    "elevation",
                    format!("+{}m至+{}m", 900 + 10 * i, 1100 + 10 * i),
                ),
                ("scale", format!("{}万吨/年", 5 + i % 4 * 5)),
                ("valid_from", "2019-07-01".into()),
                ("valid_to", to.into()),
                ("status", status.into()),
            ],
        ));
    }
    store
        .import_register(
            office,
            RegisterLayer::Licence,
            layer("licences", licences),
            &fields,
            now,
        )
        .await?;

    let mut zone_sites = Vec::new();
    let mut zone_sites_kinds = Vec::new();
    let zone_specs = [
        ("ZR-01", "自然保护地", "青岚山省级自然保护区", 1800.0, 900),
        ("HX-01", "生态保护红线", "青岚河水源涵养红线", 1200.0, 400),
        (
            "JBNT-01",
            "永久基本农田",
            "东坪永久基本农田保护片",
            900.0,
            120,
        ),
        (
            "ZD-01",
            "私挖滥采易发频发区",
            "北沟私挖滥采易发区",
            1100.0,
            60,
        ),
        (
            "ZD-02",
            "废弃关闭矿井点位风险区",
            "老煤窑废弃井口风险区",
            700.0,
            40,
        ),
    ];
    let mut zones = Vec::new();
    for (i, (id, kind, name, r, n)) in zone_specs.iter().enumerate() {
        let (x, y) = centre(rng);
        zone_sites.push((x, y, *r));
        zone_sites_kinds.push((x, y, *r, *kind));
        zones.push(feature(
            i + 1,
            blob(rng, x, y, *r, *n, 0.3),
            &[
                ("zone_id", (*id).to_string()),
                ("kind", (*kind).to_string()),
                ("name", (*name).to_string()),
            ],
        ));
    }
    store
        .import_register(
            office,
            RegisterLayer::Zone,
            layer("zones", zones),
            &fields,
            now,
        )
        .await?;

    // 48 patches: inside licences, across their edges, in zones, and anywhere.
    let mut patches = Vec::new();
    for i in 0..48 {
        let (x, y, r) = match i % 6 {
            0 | 1 => {
                let (lx, ly, lr, _) = licence_sites[rng.gen_range(0..licence_sites.len())];
                let off = if i % 6 == 0 { 0.2 } else { 0.9 } * lr / M_PER_DEG;
                let t: f64 = rng.gen_range(0.0..std::f64::consts::TAU);
                (
                    lx + off * t.cos(),
                    ly + off * t.sin(),
                    rng.gen_range(40.0..90.0),
                )
            }
            2 => {
                let (zx, zy, zr) = zone_sites[rng.gen_range(0..zone_sites.len())];
                let t: f64 = rng.gen_range(0.0..std::f64::consts::TAU);
                let d = rng.gen_range(0.1..0.6) * zr / M_PER_DEG;
                (
                    zx + d * t.cos(),
                    zy + d * t.sin(),
                    rng.gen_range(40.0..110.0),
                )
            }
            _ => {
                let (x, y) = centre(rng);
                (x, y, rng.gen_range(30.0..120.0))
            }
        };
        patches.push(feature(
            i + 1,
            blob(rng, x, y, r, 12, 0.4),
            &[
                ("patch_id", format!("QL2026Q1-{:03}", i + 1)),
                ("later_date", format!("2026-03-{:02}", 1 + i % 28)),
            ],
        ));
    }
    // The first six patches carry their earlier and later images, as batches from the
    // provincial platform do: hillside before, a fresh scar after.
    let mut images = crate::PatchImages::new();
    for i in 0..6 {
        let seed = rng.r#gen::<u32>();
        let mut shas = [None, None];
        for (k, scarred) in [(0, false), (1, true)] {
            let png = terrain_png(seed, scarred);
            let name = format!(
                "QL2026Q1-{:03}-{}.png",
                i + 1,
                if scarred { "after" } else { "before" }
            );
            shas[k] = Some(
                store
                    .put_attachment(office, png, &name, None, now)
                    .await?
                    .sha256,
            );
        }
        let [before, after] = shas;
        images.insert(format!("QL2026Q1-{:03}", i + 1), (before, after));
    }
    store
        .import_patches_with_images(
            office,
            "2026年第一季度卫片",
            layer("patches", patches),
            &fields,
            &images,
            now,
        )
        .await?;
    Ok(Sites {
        licences: licence_sites
            .iter()
            .map(|&(x, y, r, _)| (x, y, r))
            .collect(),
        zones: zone_sites_kinds,
    })
}

/// A 240×160 picture of green hillside from above; with `scarred`, bare earth dug out in
/// the middle.
fn terrain_png(seed: u32, scarred: bool) -> Vec<u8> {
    let f = f64::from(seed % 1000) / 1000.0;
    let img = image::RgbImage::from_fn(240, 160, |x, y| {
        let (x, y) = (f64::from(x), f64::from(y));
        let shade = ((x * 0.05 + f * 6.0).sin() + (y * 0.07 + f * 3.0).cos()) * 18.0;
        let dx = (x - 120.0) / 55.0;
        let dy = (y - 80.0) / 35.0;
        if scarred && dx * dx + dy * dy < 1.0 + 0.2 * (x * 0.3).sin() {
            let v = (170.0 + shade) as u8;
            image::Rgb([v, (f64::from(v) * 0.8) as u8, (f64::from(v) * 0.6) as u8])
        } else {
            image::Rgb([
                (60.0 + shade) as u8,
                (120.0 + shade) as u8,
                (50.0 + shade / 2.0) as u8,
            ])
        }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    // Writing a PNG into memory only fails on a broken encoder; the demo then simply has
    // no images.
    if img.write_to(&mut out, image::ImageFormat::Png).is_err() {
        return Vec::new();
    }
    out.into_inner()
}
