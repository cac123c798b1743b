//! Geometry for minewatch. Coordinates are CGCS2000 / WGS84 longitude–latitude in degrees
//! (the two agree to about a metre); distances are on the ellipsoid, in metres.

pub use geo;

pub mod area;
pub mod clip;
pub mod coverage;
pub mod crs;
pub mod inputs;
pub mod read;
pub mod svg;
pub mod text;
pub mod triage;
pub mod validity;
pub mod zone;

use geo::{Distance, Geodesic, Point};

/// A point given as longitude and latitude in degrees (EPSG:4490 / EPSG:4326).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LonLat {
    pub lon: f64,
    pub lat: f64,
}

/// Why a coordinate was rejected.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CoordError {
    #[error("longitude {0} is outside -180..180")]
    Longitude(f64),
    #[error("latitude {0} is outside -90..90")]
    Latitude(f64),
}

impl LonLat {
    /// A checked point.
    ///
    /// # Errors
    /// When either value is not a finite degree in range.
    pub fn new(lon: f64, lat: f64) -> Result<Self, CoordError> {
        if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
            return Err(CoordError::Longitude(lon));
        }
        if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
            return Err(CoordError::Latitude(lat));
        }
        Ok(LonLat { lon, lat })
    }

    /// Geodesic distance in metres on the WGS84 ellipsoid.
    #[must_use]
    pub fn distance_m(self, other: LonLat) -> f64 {
        Geodesic.distance(
            Point::new(self.lon, self.lat),
            Point::new(other.lon, other.lat),
        )
    }

    /// A lon/lat box that contains every point within `radius_m` of this one, for an index
    /// or SQL prefilter before the exact distance.
    #[must_use]
    pub fn bounding_box(self, radius_m: f64) -> (f64, f64, f64, f64) {
        const M_PER_DEG_LAT: f64 = 110_574.0;
        let dlat = radius_m / M_PER_DEG_LAT * 1.01;
        let cos = self.lat.to_radians().cos().max(0.01);
        let dlon = radius_m / (111_320.0 * cos) * 1.01;
        (
            self.lon - dlon,
            self.lat - dlat,
            self.lon + dlon,
            self.lat + dlat,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_matches_known_value() {
        // One minute of latitude near 36°N is about 1849 m on the ellipsoid.
        let a = LonLat::new(112.0, 36.0).expect("valid");
        let b = LonLat::new(112.0, 36.0 + 1.0 / 60.0).expect("valid");
        let d = a.distance_m(b);
        assert!((d - 1849.4).abs() < 1.0, "got {d}");
    }

    #[test]
    fn box_contains_the_radius() {
        let a = LonLat::new(112.3, 36.7).expect("valid");
        let (x0, y0, x1, y1) = a.bounding_box(500.0);
        for (lon, lat) in [(x0, a.lat), (x1, a.lat), (a.lon, y0), (a.lon, y1)] {
            let d = a.distance_m(LonLat::new(lon, lat).expect("valid"));
            assert!(d >= 500.0, "edge at {d} m is inside the radius");
        }
    }

    #[test]
    fn out_of_range_is_refused() {
        assert_eq!(LonLat::new(200.0, 0.0), Err(CoordError::Longitude(200.0)));
        assert!(LonLat::new(0.0, f64::NAN).is_err());
    }
}
