//! Geometry as GeoJSON text, the form the store keeps it in.

use geo::{BoundingRect, Geometry, MultiPolygon};

/// A geometry as a GeoJSON geometry object.
#[must_use]
pub fn to_geojson(g: &Geometry<f64>) -> String {
    geojson::Geometry::from(g).to_string()
}

/// A stored area back as an oriented multipolygon.
///
/// # Errors
/// When the text is not a GeoJSON polygon (the store holds only what import checked, so
/// this means a damaged row).
pub fn area_from_geojson(text: &str) -> Result<MultiPolygon<f64>, String> {
    let g: geojson::Geometry = text.parse().map_err(|e| format!("stored geometry: {e}"))?;
    let g = Geometry::<f64>::try_from(&g.value).map_err(|e| format!("stored geometry: {e}"))?;
    crate::area::to_area(g, crate::area::Invalid::Repair)
}

/// (min lon, min lat, max lon, max lat) of a geometry.
#[must_use]
pub fn bbox(g: &MultiPolygon<f64>) -> (f64, f64, f64, f64) {
    g.bounding_rect().map_or((0.0, 0.0, 0.0, 0.0), |r| {
        (r.min().x, r.min().y, r.max().x, r.max().y)
    })
}

/// A point inside the shape (for pins and for merging clues by distance).
#[must_use]
pub fn inner_point(g: &MultiPolygon<f64>) -> (f64, f64) {
    use geo::InteriorPoint;
    g.interior_point().map_or((0.0, 0.0), |p| (p.x(), p.y()))
}

/// A stored area for drawing: no checks, a damaged row just draws nothing.
#[must_use]
pub fn shape_from_geojson(text: &str) -> MultiPolygon<f64> {
    let Ok(g) = text.parse::<geojson::Geometry>() else {
        return MultiPolygon(vec![]);
    };
    match Geometry::<f64>::try_from(&g.value) {
        Ok(Geometry::Polygon(p)) => MultiPolygon(vec![p]),
        Ok(Geometry::MultiPolygon(m)) => m,
        _ => MultiPolygon(vec![]),
    }
}
