//! ESRI Shapefile: `.shp` geometry, `.dbf` attributes, `.prj` coordinate system, `.cpg`
//! attribute encoding. Chinese county data is mostly GBK without a `.cpg`; when neither the
//! caller nor the `.cpg` says, the `.dbf` bytes decide (valid UTF-8 → UTF-8, else GBK).

use std::collections::BTreeMap;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use encoding_rs::{Encoding, GBK, UTF_8};
use geo::{LineString, MultiPolygon, Polygon};
use shapefile::dbase::{self, FieldValue};

use super::{Feature, RawLayer};
use crate::crs::Crs;

pub(crate) fn read(
    path: &Path,
    forced: Option<&'static Encoding>,
    lossy: bool,
) -> Result<RawLayer, String> {
    let dbf = sibling(path, "dbf").ok_or(
        "has no .dbf beside it: a Shapefile comes as .shp, .shx, .dbf (and .prj) together",
    )?;
    let crs = match sibling(path, "prj") {
        Some(prj) => {
            let wkt = std::fs::read(&prj).map_err(|e| format!("cannot read the .prj: {e}"))?;
            let wkt = String::from_utf8_lossy(&wkt);
            Some(Crs::from_wkt(&wkt).map_err(|e| format!("its .prj: {e}"))?)
        }
        None => None,
    };
    let (encoding, said_by) = match forced {
        Some(e) => (e, "as given"),
        None => match sibling(path, "cpg") {
            Some(cpg) => (from_cpg(&cpg)?, "as its .cpg says"),
            None => (detect(&dbf)?, "as detected"),
        },
    };

    let shapes = File::open(path)
        .map(BufReader::new)
        .map_err(|e| format!("cannot open: {e}"))?;
    let shape_reader = match sibling(path, "shx") {
        Some(shx) => {
            let index = File::open(&shx)
                .map(BufReader::new)
                .map_err(|e| format!("cannot open the .shx: {e}"))?;
            shapefile::ShapeReader::with_shx(shapes, index)
        }
        None => shapefile::ShapeReader::new(shapes),
    }
    .map_err(|e| format!("is not a readable .shp: {e}"))?;
    let table = File::open(&dbf)
        .map(BufReader::new)
        .map_err(|e| format!("cannot open the .dbf: {e}"))?;
    let table = dbase::ReaderBuilder::new()
        .with_encoding(dbase::encoding::EncodingRs::from(encoding))
        .build(table)
        .map_err(|e| format!("its .dbf is not readable: {e}"))?;
    let mut reader = shapefile::Reader::new(shape_reader, table);

    let mut features = Vec::new();
    for (i, item) in reader.iter_shapes_and_records().enumerate() {
        let number = i + 1;
        let (shape, record) = match item {
            Ok(pair) => pair,
            Err(e) => {
                // A broken record usually means the rest of the file is unreadable too.
                features.push(Err((number, format!("cannot be read: {e}"))));
                break;
            }
        };
        let attributes: BTreeMap<String, String> = record
            .into_iter()
            .filter_map(|(k, v)| text(v).map(|t| (k, t)))
            .collect();
        // The decoder puts U+FFFD where bytes are not valid in the encoding: a wrong
        // encoding or a damaged table, never to be stored silently as if it were the name.
        if !lossy && let Some((field, _)) = attributes.iter().find(|(_, v)| v.contains('\u{FFFD}'))
        {
            features.push(Err((
                number,
                format!(
                    "field {field}: bytes that are not valid {} ({said_by}); give the right --encoding, or --lossy to import them as \u{FFFD}",
                    encoding.name()
                ),
            )));
            continue;
        }
        if matches!(shape, shapefile::Shape::NullShape) {
            features.push(Err((number, "has no geometry (null shape)".into())));
            continue;
        }
        let converted = match shape {
            shapefile::Shape::Polygon(p) => Ok(organise(rings_of(p.into_inner(), |q| (q.x, q.y)))),
            shapefile::Shape::PolygonM(p) => Ok(organise(rings_of(p.into_inner(), |q| (q.x, q.y)))),
            shapefile::Shape::PolygonZ(p) => Ok(organise(rings_of(p.into_inner(), |q| (q.x, q.y)))),
            other => geo::Geometry::<f64>::try_from(other),
        };
        match converted {
            Ok(geometry) => features.push(Ok(Feature {
                number,
                geometry,
                attributes,
            })),
            Err(e) => features.push(Err((number, format!("bad geometry: {e}")))),
        }
    }
    Ok(RawLayer {
        features,
        crs,
        encoding: Some(encoding.name()),
        lonlat_by_definition: false,
    })
}

fn rings_of<P>(
    rings: Vec<shapefile::PolygonRing<P>>,
    xy: impl Fn(&P) -> (f64, f64),
) -> Vec<LineString<f64>> {
    rings
        .into_iter()
        .map(|r| r.into_inner().iter().map(&xy).collect::<Vec<_>>().into())
        .collect()
}

/// Rings into polygons by orientation and containment, as GDAL does: the format says shells
/// run clockwise and holes counter-clockwise, but files in the wild break that, and a
/// counter-clockwise ring inside no shell is a shell, not an error.
fn organise(rings: Vec<LineString<f64>>) -> geo::Geometry<f64> {
    use geo::{Contains, Winding};
    let (mut shells, mut holes): (Vec<LineString<f64>>, Vec<LineString<f64>>) =
        rings.into_iter().partition(|r| !r.is_ccw());
    if shells.is_empty() {
        std::mem::swap(&mut shells, &mut holes);
    }
    let mut polygons: Vec<(Polygon<f64>, Vec<LineString<f64>>)> = shells
        .into_iter()
        .map(|s| (Polygon::new(s, vec![]), Vec::new()))
        .collect();
    for hole in holes {
        let inside = hole.0.first().and_then(|c| {
            polygons
                .iter()
                .position(|(shell, _)| shell.contains(&geo::Point::from(*c)))
        });
        match inside {
            Some(i) => polygons[i].1.push(hole),
            None => polygons.push((Polygon::new(hole, vec![]), Vec::new())),
        }
    }
    let parts: Vec<Polygon<f64>> = polygons
        .into_iter()
        .map(|(shell, holes)| Polygon::new(shell.into_inner().0, holes))
        .collect();
    geo::Geometry::MultiPolygon(MultiPolygon(parts))
}

/// The file with the same stem and another extension, in either case (files from Windows
/// often come as `.SHP`/`.DBF`).
fn sibling(path: &Path, ext: &str) -> Option<PathBuf> {
    [ext.to_string(), ext.to_ascii_uppercase()]
        .into_iter()
        .map(|e| path.with_extension(e))
        .find(|p| p.is_file())
}

fn from_cpg(cpg: &Path) -> Result<&'static Encoding, String> {
    let label = std::fs::read_to_string(cpg).map_err(|e| format!("cannot read the .cpg: {e}"))?;
    let label = label.trim();
    let label = match label {
        "936" | "CP936" | "cp936" => "GBK",
        "65001" => "UTF-8",
        other => other,
    };
    Encoding::for_label(label.as_bytes())
        .ok_or_else(|| format!("its .cpg names an unknown encoding '{label}'"))
}

fn detect(dbf: &Path) -> Result<&'static Encoding, String> {
    let bytes = std::fs::read(dbf).map_err(|e| format!("cannot read the .dbf: {e}"))?;
    // Byte 29 is the language driver: 0x4D is GB2312 (code page 936) as ArcGIS writes it.
    if bytes.get(29) == Some(&0x4D) {
        return Ok(GBK);
    }
    let header_len = match (bytes.get(8), bytes.get(9)) {
        (Some(&lo), Some(&hi)) => usize::from(u16::from_le_bytes([lo, hi])),
        _ => return Err("its .dbf is too short to be a dBase table".into()),
    };
    let records = bytes.get(header_len.min(bytes.len())..).unwrap_or(&[]);
    Ok(if std::str::from_utf8(records).is_ok() {
        UTF_8
    } else {
        GBK
    })
}

fn text(v: FieldValue) -> Option<String> {
    let number = |x: f64| {
        if x.fract() == 0.0 && x.abs() < 1e15 {
            format!("{}", x as i64)
        } else {
            x.to_string()
        }
    };
    match v {
        FieldValue::Character(s) => s.map(|s| s.trim().to_string()),
        FieldValue::Memo(s) => Some(s.trim().to_string()),
        FieldValue::Numeric(x) => x.map(number),
        FieldValue::Float(x) => x.map(|x| number(f64::from(x))),
        FieldValue::Double(x) | FieldValue::Currency(x) => Some(number(x)),
        FieldValue::Integer(x) => Some(x.to_string()),
        FieldValue::Logical(b) => b.map(|b| b.to_string()),
        FieldValue::Date(d) => {
            d.map(|d| format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()))
        }
        FieldValue::DateTime(t) => {
            let d = t.date();
            Some(format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()))
        }
    }
    .filter(|s| !s.is_empty())
}
