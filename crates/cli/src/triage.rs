//! `minewatch triage`: patches against licences, zones and grids, straight from files to a
//! CSV or GeoJSON, without a database — for batch work and for the benchmarks.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, anyhow, bail};
use chrono::NaiveDate;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use minewatch_spatial::area::mu;
use minewatch_spatial::inputs::{self, Fields};
use minewatch_spatial::read::read_layer;
use minewatch_spatial::triage::{LicenceTouch, PatchClass, Triage, Triager, ZoneTouch};
use minewatch_spatial::zone::ZoneKind;

#[derive(Args)]
pub struct TriageArgs {
    /// The patch file (GeoJSON, Shapefile, KML).
    pub patches: PathBuf,
    /// Licence files (mining and exploration); repeat for several.
    #[arg(long = "licences")]
    pub licences: Vec<PathBuf>,
    /// Constraint or key-zone files; `KIND=FILE` gives the kind of every zone in a file
    /// that has no kind attribute (e.g. `ecological_red_line=redline.shp`). Repeatable.
    #[arg(long = "zones")]
    pub zones: Vec<String>,
    /// Grid boundaries with township and village attributes.
    #[arg(long)]
    pub grids: Option<PathBuf>,
    /// Where to write: `.csv` or `.geojson`.
    #[arg(long)]
    pub out: PathBuf,
    /// Attribute holding the patch id (default: patch_id, TBBH, 图斑编号, id, …).
    #[arg(long)]
    pub patch_id_field: Option<String>,
    /// Attribute holding the later image date (default: later_date, HSX, 后时相, …).
    #[arg(long)]
    pub patch_date_field: Option<String>,
    /// Attribute holding the licence number (default: licence_id, XKZH, 许可证号, id).
    #[arg(long)]
    pub licence_id_field: Option<String>,
    /// Attribute holding the zone id (default: zone_id, id, BSM, name, 名称).
    #[arg(long)]
    pub zone_id_field: Option<String>,
    /// Attribute holding the zone kind (default: kind, type, 类型).
    #[arg(long)]
    pub zone_kind_field: Option<String>,
    /// Kind of zones that carry none, or one not in our list, and whose file names none
    /// (default: nature_reserve).
    #[arg(long, default_value = "nature_reserve")]
    pub zone_kind: String,
    /// Judge licence validity on this date where a patch has no later image date
    /// (default: today).
    #[arg(long)]
    pub date: Option<String>,
    #[command(flatten)]
    pub files: crate::files::FileOptions,
    /// No progress bar or summary.
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn run(args: &TriageArgs, today: NaiveDate, err: &mut impl Write) -> Result<()> {
    let started = Instant::now();
    let format = OutFormat::of(&args.out)?;
    let options = args.files.read_options()?;
    let default_kind = parse_kind(&args.zone_kind)?;
    let fields = Fields {
        patch_id: args.patch_id_field.clone(),
        later_date: args.patch_date_field.clone(),
        licence_id: args.licence_id_field.clone(),
        zone_id: args.zone_id_field.clone(),
        zone_kind: args.zone_kind_field.clone(),
        default_zone_kind: Some(default_kind),
        unknown_kind_as_default: true,
        invalid: args.files.invalid(),
        // `--date` stands for every patch without one, in the triage itself.
        batch_later_date: None,
    };
    let date = match &args.date {
        Some(d) => inputs::parse_date(d).ok_or_else(|| anyhow!("--date '{d}' is not a date"))?,
        None => today,
    };
    let zone_files: Vec<(PathBuf, ZoneKind)> = args
        .zones
        .iter()
        .map(|z| zone_file(z, default_kind))
        .collect::<Result<_>>()?;

    // Files are read side by side: the big constraint layers take as long as the patches.
    let (patches, licences, zones, grids) = std::thread::scope(|s| {
        let patches = s.spawn(|| {
            let layer = read_layer(&args.patches, &options)?;
            inputs::patches(layer, &fields)
        });
        let licences = s.spawn(|| {
            let mut all = Vec::new();
            for f in &args.licences {
                all.extend(inputs::licences(read_layer(f, &options)?, &fields)?);
            }
            Ok(all)
        });
        let zones = s.spawn(|| {
            let mut all = Vec::new();
            for (f, kind) in &zone_files {
                let fields = Fields {
                    default_zone_kind: Some(*kind),
                    ..fields.clone()
                };
                all.extend(inputs::zones(read_layer(f, &options)?, &fields)?);
            }
            Ok(all)
        });
        let grids = s.spawn(|| match &args.grids {
            Some(f) => inputs::grids(read_layer(f, &options)?, &fields),
            None => Ok(Vec::new()),
        });
        (join(patches), join(licences), join(zones), join(grids))
    });
    let (patches, licences, zones, grids) = (patches?, licences?, zones?, grids?);
    let read_s = started.elapsed().as_secs_f64();

    let triager = Triager::new(licences, zones, grids, date);
    let bar = if args.quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(patches.len() as u64)
    };
    bar.set_style(
        ProgressStyle::with_template("triage {bar:40} {pos}/{len} patches {per_sec} eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let results = triager.triage_all(&patches, &|| bar.inc(1));
    bar.finish_and_clear();

    let mut rows = Vec::with_capacity(results.len());
    let mut failures = Vec::new();
    for r in results {
        match r {
            Ok(t) => rows.push(t),
            Err(e) => failures.push(e.to_string()),
        }
    }
    if !failures.is_empty() {
        bail!(
            "{} patches could not be triaged, nothing written:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
    match format {
        OutFormat::Csv => write_atomically(&args.out, |w| write_csv(w, &rows))?,
        OutFormat::GeoJson => {
            write_atomically(&args.out, |w| write_geojson(w, &rows, &patches))?;
        }
    }
    if !args.quiet {
        let mut counts: BTreeMap<PatchClass, usize> = BTreeMap::new();
        for r in &rows {
            *counts.entry(r.class).or_default() += 1;
        }
        let summary: Vec<String> = counts
            .iter()
            .map(|(c, n)| format!("{} {n}", c.code()))
            .collect();
        writeln!(
            err,
            "triaged {} patches in {:.2} s (reading {:.2} s): {}; written to {}",
            rows.len(),
            started.elapsed().as_secs_f64(),
            read_s,
            summary.join(", "),
            args.out.display()
        )?;
    }
    Ok(())
}

fn join<T>(
    h: std::thread::ScopedJoinHandle<'_, Result<T, minewatch_spatial::read::ReadErrors>>,
) -> Result<T> {
    match h.join() {
        Ok(r) => r.map_err(|e| anyhow!("{e}")),
        Err(_) => Err(anyhow!("a reader thread failed")),
    }
}

fn parse_kind(text: &str) -> Result<ZoneKind> {
    ZoneKind::parse(text).ok_or_else(|| {
        let known: Vec<&str> = ZoneKind::ALL.iter().map(|k| k.code()).collect();
        anyhow!(
            "zone kind '{text}' is unknown (known: {})",
            known.join(", ")
        )
    })
}

fn zone_file(arg: &str, default: ZoneKind) -> Result<(PathBuf, ZoneKind)> {
    if let Some((kind, path)) = arg.split_once('=') {
        if let Some(k) = ZoneKind::parse(kind) {
            return Ok((PathBuf::from(path), k));
        }
        if !Path::new(arg).exists() {
            return parse_kind(kind).map(|k| (PathBuf::from(path), k));
        }
    }
    Ok((PathBuf::from(arg), default))
}

enum OutFormat {
    Csv,
    GeoJson,
}

impl OutFormat {
    fn of(path: &Path) -> Result<OutFormat> {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("csv") => Ok(OutFormat::Csv),
            Some("geojson" | "json") => Ok(OutFormat::GeoJson),
            _ => bail!("--out must end in .csv or .geojson"),
        }
    }
}

/// Writes beside the target and renames, so a failed run never leaves half a file.
fn write_atomically(
    path: &Path,
    body: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> Result<()>,
) -> Result<()> {
    let tmp = path.with_extension("partial");
    let file =
        std::fs::File::create(&tmp).with_context(|| format!("cannot write {}", tmp.display()))?;
    let mut w = std::io::BufWriter::new(file);
    body(&mut w)?;
    w.flush()?;
    drop(w);
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

pub const CSV_HEADER: [&str; 15] = [
    "patch_id",
    "area_m2",
    "area_mu",
    "township",
    "village",
    "grid",
    "licence_ids",
    "licence_shares",
    "licence_areas_m2",
    "licence_valid",
    "zone_ids",
    "zone_kinds",
    "zone_areas_m2",
    "class",
    "class_zh",
];

fn csv_row(t: &Triage) -> [String; 15] {
    let (township, village, grid) = t.grid.clone().unwrap_or_default();
    let licences = |f: &dyn Fn(&LicenceTouch) -> String| {
        t.licences.iter().map(f).collect::<Vec<_>>().join(";")
    };
    let zones =
        |f: &dyn Fn(&ZoneTouch) -> String| t.zones.iter().map(f).collect::<Vec<_>>().join(";");
    [
        t.patch_id.clone(),
        format!("{:.2}", t.area_m2),
        format!("{:.4}", mu(t.area_m2)),
        township,
        village,
        grid,
        licences(&|l| l.id.clone()),
        licences(&|l| format!("{:.6}", l.share)),
        licences(&|l| format!("{:.3}", l.share * t.area_m2)),
        licences(&|l| l.valid.to_string()),
        zones(&|z| z.id.clone()),
        zones(&|z| z.kind.code().to_string()),
        zones(&|z| format!("{:.3}", z.area_m2)),
        t.class.code().to_string(),
        t.class.label_zh().to_string(),
    ]
}

fn write_csv(w: &mut impl Write, rows: &[Triage]) -> Result<()> {
    let mut csv = csv::Writer::from_writer(w);
    csv.write_record(CSV_HEADER)?;
    for t in rows {
        csv.write_record(csv_row(t))?;
    }
    csv.flush()?;
    Ok(())
}

fn write_geojson(
    w: &mut impl Write,
    rows: &[Triage],
    patches: &[minewatch_spatial::triage::Patch],
) -> Result<()> {
    use serde_json::{Map, Value, json};
    let features: Vec<Value> = rows
        .iter()
        .zip(patches)
        .map(|(t, p)| {
            let mut props = Map::new();
            for (k, v) in CSV_HEADER.iter().zip(csv_row(t)) {
                props.insert((*k).to_string(), Value::String(v));
            }
            props.insert("area_m2".into(), json!(t.area_m2));
            props.insert(
                "licence_ids".into(),
                json!(t.licences.iter().map(|l| &l.id).collect::<Vec<_>>()),
            );
            props.insert(
                "licence_shares".into(),
                json!(t.licences.iter().map(|l| l.share).collect::<Vec<_>>()),
            );
            props.insert(
                "zone_ids".into(),
                json!(t.zones.iter().map(|z| &z.id).collect::<Vec<_>>()),
            );
            props.insert(
                "zone_areas_m2".into(),
                json!(t.zones.iter().map(|z| z.area_m2).collect::<Vec<_>>()),
            );
            let geometry = geojson::Geometry::from(
                &minewatch_spatial::geo::Geometry::MultiPolygon(p.shape.clone()),
            );
            json!({"type": "Feature", "properties": props, "geometry": geometry})
        })
        .collect();
    serde_json::to_writer(
        w,
        &json!({"type": "FeatureCollection", "features": features}),
    )?;
    Ok(())
}
