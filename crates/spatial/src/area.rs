//! Areas on the ellipsoid, and the checks that make a polygon safe to measure.

use geo::orient::Direction;
use geo::{GeodesicArea, Geometry, MakeValid, MultiPolygon, Orient, Polygon, RemoveRepeatedPoints};

/// One 亩 is 10000/15 m².
pub const M2_PER_MU: f64 = 10_000.0 / 15.0;

/// Area in m² on the ellipsoid of a lon/lat multipolygon whose rings are oriented (see
/// [`to_area`]); a clockwise shell would make the geodesic formula return the rest of the
/// Earth.
#[must_use]
pub fn area_m2(shape: &MultiPolygon<f64>) -> f64 {
    shape.0.iter().map(polygon_area_m2).sum()
}

/// Polygons smaller than this (degrees of latitude or longitude) are measured on a local
/// equal-area projection; larger ones by geodesic edges.
const LOCAL_EXTENT_DEG: f64 = 0.01;

/// Area of one polygon on the CGCS2000 (GRS80) ellipsoid.
///
/// Patches and their intersections are small: for them a cylindrical equal-area projection
/// about their own latitude gives the ellipsoidal area of the same ring to better than 1e-7 (a
/// straight edge there and a geodesic edge part by micrometres over 100 m), at a tenth of
/// the cost of Karney's geodesic polygon, which stays the method for anything larger.
#[must_use]
pub fn polygon_area_m2(p: &Polygon<f64>) -> f64 {
    use geo::BoundingRect;
    let Some(r) = p.bounding_rect() else {
        return 0.0;
    };
    if r.width() > LOCAL_EXTENT_DEG || r.height() > LOCAL_EXTENT_DEG {
        return p.geodesic_area_unsigned();
    }
    let cea = LocalEqualArea::about(r.center().y);
    let ring = |ls: &geo::LineString<f64>| cea.ring_area(ls).abs();
    let holes: f64 = p.interiors().iter().map(ring).sum();
    (ring(p.exterior()) - holes).max(0.0)
}

/// Lambert cylindrical equal-area on the GRS80 ellipsoid, true scale at one latitude.
struct LocalEqualArea {
    k0: f64,
}

const A: f64 = 6_378_137.0;
const F: f64 = 1.0 / 298.257_222_101;

impl LocalEqualArea {
    fn about(lat_deg: f64) -> LocalEqualArea {
        let e2 = F * (2.0 - F);
        let s = lat_deg.to_radians().sin();
        LocalEqualArea {
            k0: lat_deg.to_radians().cos() / (1.0 - e2 * s * s).sqrt(),
        }
    }

    /// Authalic `q` of a latitude (Snyder, Map Projections, eq. 3-12).
    fn q(lat_deg: f64) -> f64 {
        let e2 = F * (2.0 - F);
        let e = e2.sqrt();
        let s = lat_deg.to_radians().sin();
        (1.0 - e2)
            * (s / (1.0 - e2 * s * s) - (1.0 / (2.0 * e)) * ((1.0 - e * s) / (1.0 + e * s)).ln())
    }

    fn ring_area(&self, ring: &geo::LineString<f64>) -> f64 {
        let pts: Vec<(f64, f64)> = ring
            .0
            .iter()
            .map(|c| {
                (
                    A * self.k0 * c.x.to_radians(),
                    A * Self::q(c.y) / (2.0 * self.k0),
                )
            })
            .collect();
        let Some(&(x0, y0)) = pts.first() else {
            return 0.0;
        };
        // Shoelace about the first point keeps the products small.
        pts.windows(2)
            .map(|w| ((w[0].0 - x0) * (w[1].1 - y0) - (w[1].0 - x0) * (w[0].1 - y0)) / 2.0)
            .sum()
    }
}

/// m² to 亩.
#[must_use]
pub fn mu(m2: f64) -> f64 {
    m2 / M2_PER_MU
}

/// A circle of `radius_m` metres around a point, as a 32-sided polygon: how a shaft or
/// well head recorded as a point gets the area it guards.
#[must_use]
pub fn circle(lon: f64, lat: f64, radius_m: f64) -> Polygon<f64> {
    let ky = radius_m / 110_574.0;
    let kx = radius_m / (111_320.0 * lat.to_radians().cos().max(0.01));
    let ring: Vec<(f64, f64)> = (0..=32)
        .map(|i| {
            let t = f64::from(i % 32) / 32.0 * std::f64::consts::TAU;
            (lon + kx * t.cos(), lat + ky * t.sin())
        })
        .collect();
    Polygon::new(ring.into(), vec![])
}

/// What to do with a polygon that is not valid (a self-crossing ring, a hole outside its
/// shell): refuse it, naming the fault, or repair it the way GEOS's MakeValid would.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Invalid {
    #[default]
    Refuse,
    Repair,
}

/// An area geometry as an oriented multipolygon, or the reason it cannot be one.
///
/// # Errors
/// When the geometry is not a polygon, has a ring of fewer than four points, has no area,
/// or is invalid and `invalid` is [`Invalid::Refuse`].
pub fn to_area(geometry: Geometry<f64>, invalid: Invalid) -> Result<MultiPolygon<f64>, String> {
    let shape = match geometry {
        Geometry::Polygon(p) => MultiPolygon(vec![p]),
        Geometry::MultiPolygon(m) => m,
        Geometry::Rect(r) => MultiPolygon(vec![r.to_polygon()]),
        Geometry::GeometryCollection(c) => {
            let mut polys = Vec::new();
            for g in c {
                match g {
                    Geometry::Polygon(p) => polys.push(p),
                    Geometry::MultiPolygon(m) => polys.extend(m.0),
                    other => return Err(format!("contains a {}, not a polygon", kind(&other))),
                }
            }
            MultiPolygon(polys)
        }
        other => return Err(format!("is a {}, not a polygon", kind(&other))),
    };
    if shape.0.is_empty() {
        return Err("is an empty polygon".into());
    }
    for (i, p) in shape.0.iter().enumerate() {
        check_rings(p).map_err(|e| {
            if shape.0.len() > 1 {
                format!("part {}: {e}", i + 1)
            } else {
                e
            }
        })?;
    }
    let shape = shape.remove_repeated_points();
    let shape = match crate::validity::fault(&shape) {
        None => shape,
        Some(fault) => match invalid {
            Invalid::Refuse => {
                return Err(format!(
                    "is not a valid polygon ({fault}); fix it or import with --repair"
                ));
            }
            Invalid::Repair => shape
                .make_valid()
                .map_err(|e| format!("is not a valid polygon and cannot be repaired: {e}"))?,
        },
    };
    let shape = shape.orient(Direction::Default);
    if area_m2(&shape) <= 0.0 {
        return Err("has no area".into());
    }
    Ok(shape)
}

fn check_rings(p: &Polygon<f64>) -> Result<(), String> {
    for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
        if ring.0.len() < 4 {
            return Err(format!(
                "has a ring of {} points; a ring needs at least four",
                ring.0.len()
            ));
        }
        if let Some(c) = ring.0.iter().find(|c| {
            !c.x.is_finite()
                || !c.y.is_finite()
                || !(-180.0..=180.0).contains(&c.x)
                || !(-90.0..=90.0).contains(&c.y)
        }) {
            return Err(format!(
                "has the point ({}, {}), which is not a longitude/latitude",
                c.x, c.y
            ));
        }
    }
    Ok(())
}

/// A short English name of the geometry type, for error messages.
#[must_use]
pub fn kind(g: &Geometry<f64>) -> &'static str {
    match g {
        Geometry::Point(_) => "point",
        Geometry::Line(_) | Geometry::LineString(_) => "line",
        Geometry::Polygon(_) | Geometry::Rect(_) | Geometry::Triangle(_) => "polygon",
        Geometry::MultiPoint(_) => "multipoint",
        Geometry::MultiLineString(_) => "multiline",
        Geometry::MultiPolygon(_) => "multipolygon",
        Geometry::GeometryCollection(_) => "geometry collection",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    #[test]
    fn clockwise_shells_measure_the_same_as_counter_clockwise() {
        // A 0.01° square near 36°N: about 1000 m × 900 m.
        let ccw = polygon![(x: 112.0, y: 36.0), (x: 112.01, y: 36.0), (x: 112.01, y: 36.01), (x: 112.0, y: 36.01)];
        let cw = polygon![(x: 112.0, y: 36.0), (x: 112.0, y: 36.01), (x: 112.01, y: 36.01), (x: 112.01, y: 36.0)];
        let a = area_m2(&to_area(ccw.into(), Invalid::Refuse).expect("valid"));
        let b = area_m2(&to_area(cw.into(), Invalid::Refuse).expect("valid"));
        assert!((a - b).abs() < 1e-6);
        assert!((a - 1_001_700.0).abs() < 2_000.0, "{a}");
        assert!((mu(a) - a * 0.0015).abs() < 1e-6);
    }

    #[test]
    fn local_equal_area_agrees_with_geodesic_edges() {
        for (lon, lat, size) in [
            (112.0, 36.0, 0.001),
            (112.0, 36.0, 0.004),
            (120.0, 50.0, 0.02),
            (100.0, 20.0, 0.003),
        ] {
            let ring: Vec<(f64, f64)> = (0..40)
                .map(|i| {
                    let t = f64::from(i) / 40.0 * std::f64::consts::TAU;
                    let r = size * (1.0 + 0.3 * (3.0 * t).sin());
                    (lon + r * t.cos(), lat + r * t.sin())
                })
                .collect();
            let p =
                to_area(Polygon::new(ring.into(), vec![]).into(), Invalid::Refuse).expect("valid");
            let local = polygon_area_m2(&p.0[0]);
            let geodesic = p.0[0].geodesic_area_unsigned();
            assert!(
                (local - geodesic).abs() / geodesic < 1e-7,
                "{size}: {local} vs {geodesic}"
            );
        }
    }

    #[test]
    fn a_bow_tie_is_refused_or_repaired() {
        let bow = polygon![(x: 112.0, y: 36.0), (x: 112.01, y: 36.01), (x: 112.01, y: 36.0), (x: 112.0, y: 36.01)];
        let e = to_area(bow.clone().into(), Invalid::Refuse).expect_err("bow tie");
        assert!(e.contains("not a valid polygon"), "{e}");
        let fixed = to_area(bow.into(), Invalid::Repair).expect("repaired");
        assert!(area_m2(&fixed) > 0.0);
    }

    #[test]
    fn points_and_short_rings_are_refused() {
        let e = to_area(geo::Point::new(1.0, 1.0).into(), Invalid::Refuse).expect_err("point");
        assert_eq!(e, "is a point, not a polygon");
        let short = Polygon::new(
            geo::LineString::from(vec![(1.0, 1.0), (2.0, 2.0), (1.0, 1.0)]),
            vec![],
        );
        assert!(to_area(short.into(), Invalid::Refuse).is_err());
    }
}
