//! GeoJSON: a FeatureCollection, a single Feature or a bare geometry. RFC 7946 says lon/lat,
//! but files exported from desktop GIS in China often carry projected metres and the old
//! `crs` member, which is honoured.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use super::{Feature, RawLayer, json_text};
use crate::crs::Crs;

pub(crate) fn read(path: &Path) -> Result<RawLayer, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read: {e}"))?;
    let root: Value = serde_json::from_str(&text).map_err(|e| {
        format!(
            "is not JSON (line {}, column {}): {e}",
            e.line(),
            e.column()
        )
    })?;
    let crs = match legacy_crs(&root) {
        Some(name) => Some(Crs::parse(&name).map_err(|e| format!("its crs member: {e}"))?),
        None => None,
    };
    let kind = root.get("type").and_then(Value::as_str).unwrap_or("");
    let items: Vec<Value> = match kind {
        "FeatureCollection" => match root.get("features") {
            Some(Value::Array(items)) => items.clone(),
            _ => return Err("is a FeatureCollection without a features array".into()),
        },
        "Feature" => vec![root.clone()],
        "" => return Err("is JSON but not GeoJSON (no \"type\")".into()),
        _ => vec![serde_json::json!({"type": "Feature", "properties": {}, "geometry": root})],
    };
    let features = items
        .into_iter()
        .enumerate()
        .map(|(i, v)| feature(i + 1, v).map_err(|e| (i + 1, e)))
        .collect();
    Ok(RawLayer {
        features,
        crs,
        encoding: None,
        lonlat_by_definition: crs.is_none(),
    })
}

fn feature(number: usize, v: Value) -> Result<Feature, String> {
    let mut attributes = BTreeMap::new();
    if let Some(Value::Object(props)) = v.get("properties") {
        for (k, val) in props {
            if let Some(t) = json_text(val) {
                attributes.insert(k.clone(), t);
            }
        }
    }
    if let Some(id) = v.get("id").and_then(json_text) {
        attributes.entry("id".to_string()).or_insert(id);
    }
    let Some(g) = v.get("geometry").filter(|g| !g.is_null()) else {
        return Err("has no geometry".into());
    };
    let g: geojson::Geometry =
        serde_json::from_value(g.clone()).map_err(|e| format!("bad geometry: {e}"))?;
    let geometry =
        geo::Geometry::<f64>::try_from(&g.value).map_err(|e| format!("bad geometry: {e}"))?;
    Ok(Feature {
        number,
        geometry,
        attributes,
    })
}

fn legacy_crs(root: &Value) -> Option<String> {
    let name = root.get("crs")?.get("properties")?.get("name")?.as_str()?;
    // "urn:ogc:def:crs:EPSG::4527", "EPSG:4527", "urn:ogc:def:crs:OGC:1.3:CRS84"
    if name.contains("CRS84") {
        return Some("EPSG:4326".into());
    }
    let digits: String = name
        .rsplit(':')
        .next()
        .unwrap_or("")
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    (!digits.is_empty()).then(|| format!("EPSG:{digits}"))
}
