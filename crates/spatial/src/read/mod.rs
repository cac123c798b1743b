//! Readers for the files counties receive: GeoJSON, ESRI Shapefile, KML/KMZ and GPX.
//!
//! Every reader gives the same [`Layer`]: features in lon/lat degrees with their attributes
//! as text, and the coordinate system and encoding it found, so an import can record where
//! each figure came from. A file with bad features is refused whole, with every fault named.

mod geojson;
mod gpx;
mod kml;
mod shp;

pub use kml::MAX_KML_BYTES;

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use geo::Geometry;

use crate::crs::{Crs, ToLonLat};

/// One feature of a file, numbered from 1 in file order.
#[derive(Debug, Clone)]
pub struct Feature {
    pub number: usize,
    pub geometry: Geometry<f64>,
    pub attributes: BTreeMap<String, String>,
}

impl Feature {
    /// An attribute by name, ignoring ASCII case; empty values count as missing.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// The first of several candidate attribute names that is present.
    #[must_use]
    pub fn get_any(&self, names: &[&str]) -> Option<&str> {
        names.iter().find_map(|n| self.get(n))
    }
}

/// A whole file, converted to lon/lat.
#[derive(Debug, Clone)]
pub struct Layer {
    pub source: String,
    pub crs: Crs,
    /// The text encoding of the attributes, where the format has a choice (Shapefile).
    pub encoding: Option<&'static str>,
    pub features: Vec<Feature>,
}

/// A fault in a file, with its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    pub file: String,
    /// 1-based feature number; `None` for faults of the whole file.
    pub feature: Option<usize>,
    pub reason: String,
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.feature {
            Some(n) => write!(f, "{}: feature {n}: {}", self.file, self.reason),
            None => write!(f, "{}: {}", self.file, self.reason),
        }
    }
}

/// All the faults found in one file (at most [`MAX_REPORTED`] listed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadErrors(pub Vec<ReadError>);

/// More faults than this are counted but not listed.
pub const MAX_REPORTED: usize = 50;

impl fmt::Display for ReadErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().take(MAX_REPORTED).enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        if self.0.len() > MAX_REPORTED {
            write!(f, "\n… and {} more", self.0.len() - MAX_REPORTED)?;
        }
        Ok(())
    }
}

impl std::error::Error for ReadErrors {}

/// How to read a file where the file itself does not say.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReadOptions {
    /// Overrides the coordinate system found in the file or guessed from it.
    pub crs: Option<Crs>,
    /// Overrides the attribute encoding of a Shapefile (`.cpg`, else detected).
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// Accept attribute bytes that are not valid in the encoding (kept as U+FFFD) instead
    /// of refusing the feature.
    pub lossy: bool,
}

/// Reads any supported file by its extension.
///
/// # Errors
/// Every faulty feature, or the fault that stopped the file being read at all.
pub fn read_layer(path: &Path, options: &ReadOptions) -> Result<Layer, ReadErrors> {
    let name = path.display().to_string();
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let raw = match ext.as_str() {
        "geojson" | "json" => geojson::read(path),
        "shp" => shp::read(path, options.encoding, options.lossy),
        "kml" | "kmz" => kml::read(path, &ext),
        "gpx" => gpx::read(path),
        _ => Err(format!(
            "unknown file type '.{ext}': give GeoJSON, Shapefile (.shp), KML/KMZ or GPX"
        )),
    }
    .map_err(|reason| {
        ReadErrors(vec![ReadError {
            file: name.clone(),
            feature: None,
            reason,
        }])
    })?;
    finish(name, raw, options)
}

/// What a format reader hands back before conversion to lon/lat.
pub(crate) struct RawLayer {
    pub features: Vec<Result<Feature, (usize, String)>>,
    /// What the file declares (`.prj`); `None` means guess from the coordinates.
    pub crs: Option<Crs>,
    pub encoding: Option<&'static str>,
    /// Formats that are lon/lat by definition (KML, GPX, RFC 7946 GeoJSON) still get a
    /// guess, so projected numbers in a `.geojson` are caught rather than misread.
    pub lonlat_by_definition: bool,
}

fn finish(file: String, raw: RawLayer, options: &ReadOptions) -> Result<Layer, ReadErrors> {
    let mut errors = Vec::new();
    let mut features = Vec::with_capacity(raw.features.len());
    for f in raw.features {
        match f {
            Ok(f) => features.push(f),
            Err((n, reason)) => errors.push(ReadError {
                file: file.clone(),
                feature: Some(n),
                reason,
            }),
        }
    }
    let crs = if let Some(crs) = options.crs.or(raw.crs) {
        crs
    } else {
        let sample: Vec<(f64, f64)> = features
            .iter()
            .filter_map(|f| first_coord(&f.geometry))
            .take(64)
            .collect();
        Crs::guess(&sample).map_err(|e| {
            let reason = if raw.lonlat_by_definition {
                format!("{e} (this format should hold longitude/latitude)")
            } else {
                e.0
            };
            ReadErrors(vec![ReadError {
                file: file.clone(),
                feature: None,
                reason,
            }])
        })?
    };
    let to: ToLonLat = crs.to_lonlat().map_err(|e| {
        ReadErrors(vec![ReadError {
            file: file.clone(),
            feature: None,
            reason: e.0,
        }])
    })?;
    if !matches!(to, ToLonLat::Identity) {
        for f in &mut features {
            if let Err(reason) = to.geometry(&mut f.geometry) {
                errors.push(ReadError {
                    file: file.clone(),
                    feature: Some(f.number),
                    reason,
                });
            }
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.feature);
        return Err(ReadErrors(errors));
    }
    Ok(Layer {
        source: file,
        crs,
        encoding: raw.encoding,
        features,
    })
}

fn first_coord(g: &Geometry<f64>) -> Option<(f64, f64)> {
    use geo::CoordsIter;
    g.coords_iter().next().map(|c| (c.x, c.y))
}

/// Attribute text from a JSON value: strings as they are, numbers and booleans printed,
/// null as missing.
pub(crate) fn json_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}
