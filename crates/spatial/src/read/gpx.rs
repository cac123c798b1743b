//! GPX tracks from phones and handheld receivers: one feature per track (its segments as a
//! multiline), routes likewise, and lone waypoints as points. GPX is lon/lat by definition.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use geo::{Geometry, MultiLineString};

use super::{Feature, RawLayer};

pub(crate) fn read(path: &Path) -> Result<RawLayer, String> {
    let file = File::open(path).map_err(|e| format!("cannot open: {e}"))?;
    let doc = gpx::read(BufReader::new(file)).map_err(|e| format!("is not valid GPX: {e}"))?;
    let mut features = Vec::new();
    let mut push = |geometry: Geometry<f64>, attributes: BTreeMap<String, String>| {
        let number = features.len() + 1;
        features.push(Ok(Feature {
            number,
            geometry,
            attributes,
        }));
    };
    for track in &doc.tracks {
        let mut attributes = BTreeMap::new();
        if let Some(n) = &track.name {
            attributes.insert("name".to_string(), n.clone());
        }
        let points: Vec<&gpx::Waypoint> = track
            .segments
            .iter()
            .flat_map(|s| s.points.iter())
            .collect();
        let times: Vec<String> = points
            .iter()
            .filter_map(|p| p.time.as_ref().and_then(|t| t.format().ok()))
            .collect();
        if let (Some(first), Some(last)) = (times.first(), times.last()) {
            attributes.insert("start".to_string(), first.clone());
            attributes.insert("end".to_string(), last.clone());
        }
        attributes.insert("points".to_string(), points.len().to_string());
        let lines: MultiLineString<f64> = track.multilinestring();
        push(Geometry::MultiLineString(lines), attributes);
    }
    for route in &doc.routes {
        let mut attributes = BTreeMap::new();
        if let Some(n) = &route.name {
            attributes.insert("name".to_string(), n.clone());
        }
        push(Geometry::LineString(route.linestring()), attributes);
    }
    for w in &doc.waypoints {
        let mut attributes = BTreeMap::new();
        if let Some(n) = &w.name {
            attributes.insert("name".to_string(), n.clone());
        }
        if let Some(t) = w.time.as_ref().and_then(|t| t.format().ok()) {
            attributes.insert("time".to_string(), t);
        }
        push(Geometry::Point(w.point()), attributes);
    }
    if features.is_empty() {
        return Err("holds no track, route or waypoint".into());
    }
    Ok(RawLayer {
        features,
        crs: None,
        encoding: None,
        lonlat_by_definition: true,
    })
}
