//! Coordinate systems counties' files come in, and the conversion of each to CGCS2000
//! longitude–latitude (which we treat as WGS84: the two agree to about a metre).
//!
//! Chinese survey data is CGCS2000 Gauss-Krüger in 3° or 6° zones, with or without the zone
//! number in front of the easting; phone map apps give GCJ-02 (and Baidu BD-09) points. The
//! older Xi'an 1980 and Beijing 1954 datums need transformation parameters nobody publishes
//! for a county, so they are refused with a reason rather than converted wrongly.

use std::fmt;

use geo::{Geometry, MapCoordsInPlace};
use proj4rs::proj::Proj;

/// A coordinate system we can read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Crs {
    /// Longitude–latitude in degrees: EPSG:4490 (CGCS2000) or EPSG:4326 (WGS84).
    LonLat { epsg: u16 },
    /// CGCS2000 transverse Mercator (Gauss-Krüger), in metres.
    GaussKruger {
        epsg: Option<u16>,
        central_meridian: f64,
        false_easting: f64,
        false_northing: f64,
        scale: f64,
        latitude_of_origin: f64,
    },
    /// The obfuscated lon/lat of Amap, Tencent and most phone map apps.
    Gcj02,
    /// Baidu's further offset of GCJ-02.
    Bd09,
}

/// Why a coordinate system could not be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct CrsError(pub String);

fn err(msg: impl Into<String>) -> CrsError {
    CrsError(msg.into())
}

impl fmt::Display for Crs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Crs::LonLat { epsg } => write!(f, "EPSG:{epsg}"),
            Crs::GaussKruger {
                epsg: Some(code), ..
            } => write!(f, "EPSG:{code}"),
            Crs::GaussKruger {
                central_meridian,
                false_easting,
                ..
            } => write!(
                f,
                "CGCS2000 Gauss-Krüger CM {central_meridian}E, false easting {false_easting}"
            ),
            Crs::Gcj02 => f.write_str("GCJ-02"),
            Crs::Bd09 => f.write_str("BD-09"),
        }
    }
}

impl Crs {
    pub const CGCS2000: Crs = Crs::LonLat { epsg: 4490 };

    fn gauss_kruger(epsg: Option<u16>, central_meridian: f64, false_easting: f64) -> Crs {
        Crs::GaussKruger {
            epsg,
            central_meridian,
            false_easting,
            false_northing: 0.0,
            scale: 1.0,
            latitude_of_origin: 0.0,
        }
    }

    /// `EPSG:4527`, `4527`, `GCJ02`, `BD09`, as given on a command line or in a form.
    ///
    /// # Errors
    /// When the text names no coordinate system we support.
    pub fn parse(text: &str) -> Result<Crs, CrsError> {
        let t = text.trim().to_ascii_uppercase().replace(['-', '_'], "");
        match t.as_str() {
            "GCJ02" => return Ok(Crs::Gcj02),
            "BD09" => return Ok(Crs::Bd09),
            "WGS84" => return Ok(Crs::LonLat { epsg: 4326 }),
            "CGCS2000" => return Ok(Crs::CGCS2000),
            _ => {}
        }
        let digits = t.strip_prefix("EPSG:").unwrap_or(&t);
        let code: u16 = digits.parse().map_err(|_| {
            err(format!(
                "'{text}' is not a coordinate system: give EPSG:NNNN, GCJ02 or BD09"
            ))
        })?;
        Crs::from_epsg(code)
    }

    /// The CGCS2000 systems by EPSG code, computed from the code ranges the EPSG registry
    /// gives them rather than a table of 64 near-identical entries.
    ///
    /// # Errors
    /// When the code is not CGCS2000/WGS84 lon-lat or a CGCS2000 Gauss-Krüger zone.
    pub fn from_epsg(code: u16) -> Result<Crs, CrsError> {
        let f = f64::from;
        match code {
            4326 | 4490 => Ok(Crs::LonLat { epsg: code }),
            // 6° zones 13–23, zone number in the easting.
            4491..=4501 => {
                let zone = f(code - 4491 + 13);
                Ok(Crs::gauss_kruger(
                    Some(code),
                    zone * 6.0 - 3.0,
                    zone * 1e6 + 5e5,
                ))
            }
            // 6° zones by central meridian 75°E–135°E, no zone number.
            4502..=4512 => Ok(Crs::gauss_kruger(
                Some(code),
                75.0 + f(code - 4502) * 6.0,
                5e5,
            )),
            // 3° zones 25–45, zone number in the easting.
            4513..=4533 => {
                let zone = f(code - 4513 + 25);
                Ok(Crs::gauss_kruger(Some(code), zone * 3.0, zone * 1e6 + 5e5))
            }
            // 3° zones by central meridian 75°E–135°E, no zone number.
            4534..=4554 => Ok(Crs::gauss_kruger(
                Some(code),
                75.0 + f(code - 4534) * 3.0,
                5e5,
            )),
            2327..=2442 | 21413..=21483 => Err(err(format!(
                "EPSG:{code} is a Xi'an 1980 or Beijing 1954 system; convert the file to \
                 CGCS2000 first (no published parameters exist for a safe conversion)"
            ))),
            _ => Err(err(format!(
                "EPSG:{code} is not supported: use CGCS2000 or WGS84 lon-lat (4490, 4326) or \
                 a CGCS2000 Gauss-Krüger zone (4491–4554)"
            ))),
        }
    }

    /// Reads a Shapefile `.prj` (ESRI or OGC WKT).
    ///
    /// # Errors
    /// When the datum is not CGCS2000/WGS84 or the projection is not transverse Mercator.
    pub fn from_wkt(wkt: &str) -> Result<Crs, CrsError> {
        let upper = wkt.to_ascii_uppercase();
        if let Some(Ok(crs)) = authority_code(&upper).map(Crs::from_epsg) {
            return Ok(crs);
        }
        let datum_ok = ["2000", "CGCS", "WGS_1984", "WGS 84", "WGS84"]
            .iter()
            .any(|d| upper.contains(d));
        if !datum_ok {
            let hint = if upper.contains("XIAN") || upper.contains("1980") {
                "Xi'an 1980"
            } else if upper.contains("BEIJING") || upper.contains("1954") {
                "Beijing 1954"
            } else {
                "an unknown datum"
            };
            return Err(err(format!(
                "the .prj is in {hint}; convert the file to CGCS2000 first"
            )));
        }
        let geographic =
            upper.trim_start().starts_with("GEOGCS") || upper.trim_start().starts_with("GEOGCRS");
        if geographic {
            let epsg = if upper.contains("WGS") { 4326 } else { 4490 };
            return Ok(Crs::LonLat { epsg });
        }
        if !(upper.contains("GAUSS") || upper.contains("TRANSVERSE_MERCATOR")) {
            return Err(err(
                "the .prj is a projection other than Gauss-Krüger / transverse Mercator",
            ));
        }
        let central_meridian = parameter(&upper, "CENTRAL_MERIDIAN")
            .or_else(|| parameter(&upper, "LONGITUDE_OF_ORIGIN"))
            .ok_or_else(|| err("the .prj has no central meridian"))?;
        Ok(Crs::GaussKruger {
            epsg: None,
            central_meridian,
            false_easting: parameter(&upper, "FALSE_EASTING").unwrap_or(5e5),
            false_northing: parameter(&upper, "FALSE_NORTHING").unwrap_or(0.0),
            scale: parameter(&upper, "SCALE_FACTOR").unwrap_or(1.0),
            latitude_of_origin: parameter(&upper, "LATITUDE_OF_ORIGIN").unwrap_or(0.0),
        })
    }

    /// A guess from the coordinates themselves, for files without a `.prj`: lon/lat when
    /// every value fits, else a Gauss-Krüger zone when the easting carries its zone number
    /// (zones 13–23 are 6° and 25–45 are 3° over China, so the number alone decides).
    ///
    /// # Errors
    /// When projected coordinates carry no zone number: the zone must then be given.
    pub fn guess(sample: &[(f64, f64)]) -> Result<Crs, CrsError> {
        if sample
            .iter()
            .all(|&(x, y)| (-180.0..=180.0).contains(&x) && (-90.0..=90.0).contains(&y))
        {
            return Ok(Crs::CGCS2000);
        }
        let Some(&(x, _)) = sample.iter().find(|(x, _)| x.abs() > 180.0) else {
            return Ok(Crs::CGCS2000);
        };
        let zone = (x / 1e6).floor();
        match zone as i64 {
            13..=23 => Crs::from_epsg(4491 + (zone as u16 - 13)),
            25..=45 => Crs::from_epsg(4513 + (zone as u16 - 25)),
            _ => Err(err(format!(
                "coordinates such as x={x:.1} are projected but carry no zone number; \
                 give the coordinate system, e.g. --crs EPSG:4547 (3° zone, CM 114°E)"
            ))),
        }
    }

    /// A converter from this system to lon/lat degrees.
    ///
    /// # Errors
    /// When the projection cannot be set up.
    pub fn to_lonlat(self) -> Result<ToLonLat, CrsError> {
        match self {
            Crs::LonLat { .. } => Ok(ToLonLat::Identity),
            Crs::Gcj02 => Ok(ToLonLat::Gcj02),
            Crs::Bd09 => Ok(ToLonLat::Bd09),
            Crs::GaussKruger {
                central_meridian,
                false_easting,
                false_northing,
                scale,
                latitude_of_origin,
                ..
            } => {
                let from = Proj::from_proj_string(&format!(
                    "+proj=tmerc +lat_0={latitude_of_origin} +lon_0={central_meridian} \
                     +k={scale} +x_0={false_easting} +y_0={false_northing} +ellps=GRS80 \
                     +units=m +no_defs"
                ))
                .map_err(|e| err(format!("projection: {e}")))?;
                let to = Proj::from_proj_string("+proj=longlat +ellps=GRS80 +no_defs")
                    .map_err(|e| err(format!("projection: {e}")))?;
                Ok(ToLonLat::Projected(Box::new((from, to))))
            }
        }
    }
}

impl Crs {
    /// Lon/lat degrees into this system (Gauss-Krüger metres; lon/lat unchanged), for
    /// exports to desktop GIS and for writing test files as surveyors would.
    ///
    /// # Errors
    /// For GCJ-02/BD-09 targets (never written) and points outside the projection.
    pub fn project(self, lon: f64, lat: f64) -> Result<(f64, f64), CrsError> {
        match self.to_lonlat()? {
            ToLonLat::Identity => Ok((lon, lat)),
            ToLonLat::Projected(pair) => {
                let mut p = (lon.to_radians(), lat.to_radians(), 0.0);
                proj4rs::transform::transform(&pair.1, &pair.0, &mut p)
                    .map_err(|e| err(format!("({lon}, {lat}) cannot be projected: {e}")))?;
                Ok((p.0, p.1))
            }
            ToLonLat::Gcj02 | ToLonLat::Bd09 => {
                Err(err("coordinates are not written in GCJ-02 or BD-09"))
            }
        }
    }
}

fn authority_code(upper: &str) -> Option<u16> {
    // The last AUTHORITY in WKT1 belongs to the outermost object (the CRS itself).
    let at = upper.rfind("AUTHORITY[\"EPSG\",")?;
    let rest = &upper[at + "AUTHORITY[\"EPSG\",".len()..];
    let digits: String = rest
        .trim_start_matches(['"', ' '])
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

fn parameter(upper: &str, name: &str) -> Option<f64> {
    let key = format!("PARAMETER[\"{name}\",");
    let at = upper.find(&key)?;
    let rest = &upper[at + key.len()..];
    let end = rest.find(']')?;
    rest[..end].trim().parse().ok()
}

/// Converts coordinates to lon/lat degrees.
pub enum ToLonLat {
    Identity,
    Gcj02,
    Bd09,
    Projected(Box<(Proj, Proj)>),
}

impl ToLonLat {
    /// One point.
    ///
    /// # Errors
    /// When the point cannot be converted (outside the projection, outside China for GCJ-02).
    pub fn point(&self, x: f64, y: f64) -> Result<(f64, f64), String> {
        use gcoord::{CoordSystem, Coordinate, transform};
        if !x.is_finite() || !y.is_finite() {
            return Err(format!("coordinate ({x}, {y}) is not a number"));
        }
        let from_offset = |sys| {
            transform(Coordinate::new(x, y), sys, CoordSystem::WGS84)
                .map(|c| (c.lng, c.lat))
                .map_err(|_| format!("({x}, {y}) lies outside China, where {sys:?} is defined"))
        };
        let (lon, lat) = match self {
            ToLonLat::Identity => (x, y),
            ToLonLat::Gcj02 => from_offset(CoordSystem::GCJ02)?,
            ToLonLat::Bd09 => from_offset(CoordSystem::BD09)?,
            ToLonLat::Projected(pair) => {
                let mut p = (x, y, 0.0);
                proj4rs::transform::transform(&pair.0, &pair.1, &mut p)
                    .map_err(|e| format!("({x}, {y}) cannot be unprojected: {e}"))?;
                (p.0.to_degrees(), p.1.to_degrees())
            }
        };
        if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
            return Err(format!(
                "({x}, {y}) is outside the globe in this coordinate system ({lon:.4}, {lat:.4})"
            ));
        }
        Ok((lon, lat))
    }

    /// Every coordinate of a geometry, in place; the first failure is returned.
    ///
    /// # Errors
    /// As [`ToLonLat::point`].
    pub fn geometry(&self, geometry: &mut Geometry<f64>) -> Result<(), String> {
        // Collections recurse through this function rather than geo's generic one, whose
        // closure-over-closure recursion the compiler cannot instantiate.
        let f = |c: geo::Coord<f64>| {
            let (x, y) = self.point(c.x, c.y)?;
            Ok(geo::coord! { x: x, y: y })
        };
        match geometry {
            Geometry::GeometryCollection(gc) => gc.0.iter_mut().try_for_each(|g| self.geometry(g)),
            Geometry::Point(g) => g.try_map_coords_in_place(f),
            Geometry::Line(g) => g.try_map_coords_in_place(f),
            Geometry::LineString(g) => g.try_map_coords_in_place(f),
            Geometry::Polygon(g) => g.try_map_coords_in_place(f),
            Geometry::MultiPoint(g) => g.try_map_coords_in_place(f),
            Geometry::MultiLineString(g) => g.try_map_coords_in_place(f),
            Geometry::MultiPolygon(g) => g.try_map_coords_in_place(f),
            Geometry::Rect(g) => g.try_map_coords_in_place(f),
            Geometry::Triangle(g) => g.try_map_coords_in_place(f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRJ_ZONE_38: &str = r#"PROJCS["CGCS2000_3_Degree_GK_Zone_38",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",38500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",114.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#;

    #[test]
    fn epsg_ranges_give_the_registry_parameters() {
        let Ok(Crs::GaussKruger {
            central_meridian,
            false_easting,
            ..
        }) = Crs::from_epsg(4527)
        else {
            panic!("4527 is a 3° zone");
        };
        assert_eq!((central_meridian, false_easting), (117.0, 39_500_000.0));
        let Ok(Crs::GaussKruger {
            central_meridian,
            false_easting,
            ..
        }) = Crs::from_epsg(4547)
        else {
            panic!("4547 is a 3° CM zone");
        };
        assert_eq!((central_meridian, false_easting), (114.0, 500_000.0));
        let Ok(Crs::GaussKruger {
            central_meridian, ..
        }) = Crs::from_epsg(4498)
        else {
            panic!("4498 is a 6° zone");
        };
        assert_eq!(central_meridian, 117.0);
        assert!(Crs::from_epsg(2383).is_err());
    }

    #[test]
    fn prj_and_guess_agree() {
        let from_prj = Crs::from_wkt(PRJ_ZONE_38).expect("prj");
        let guessed = Crs::guess(&[(38_512_000.0, 4_000_000.0)]).expect("zone number");
        let (a, b) = (
            from_prj.to_lonlat().expect("proj"),
            guessed.to_lonlat().expect("proj"),
        );
        let p = a.point(38_512_000.0, 4_000_000.0).expect("point");
        let q = b.point(38_512_000.0, 4_000_000.0).expect("point");
        assert!((p.0 - q.0).abs() < 1e-12 && (p.1 - q.1).abs() < 1e-12);
        // PostGIS: ST_Transform(ST_SetSRID(ST_MakePoint(38512000,4000000),4526),4490)
        assert!((p.0 - 114.133_310_743_313_8).abs() < 1e-9, "{p:?}");
        assert!((p.1 - 36.130_218_739_092_08).abs() < 1e-9, "{p:?}");
        assert!(Crs::guess(&[(512_000.0, 4_000_000.0)]).is_err());
    }

    #[test]
    fn unprojection_matches_proj() {
        // PostGIS: ST_Transform(ST_SetSRID(ST_MakePoint(500000,4000000),4547),4490)
        let to = Crs::from_epsg(4547)
            .expect("crs")
            .to_lonlat()
            .expect("proj");
        let (lon, lat) = to.point(500_000.0, 4_000_000.0).expect("point");
        assert!((lon - 114.0).abs() < 1e-9);
        assert!((lat - 36.130_292_920_696_08).abs() < 1e-9, "{lat}");
    }

    #[test]
    fn old_datums_are_refused_with_a_reason() {
        let wkt = r#"PROJCS["Xian_1980_3_Degree_GK_Zone_38",GEOGCS["GCS_Xian_1980",DATUM["D_Xian_1980",SPHEROID["Xian_1980",6378140.0,298.257]]],PROJECTION["Gauss_Kruger"],PARAMETER["Central_Meridian",114.0]]"#;
        let e = Crs::from_wkt(wkt).expect_err("xian");
        assert!(e.0.contains("Xi'an 1980"), "{e}");
    }

    #[test]
    fn gcj02_points_move_back_by_hundreds_of_metres() {
        let to = Crs::Gcj02.to_lonlat().expect("gcj");
        // Beijing railway station: WGS84 (116.42079, 39.90105), GCJ-02 (116.42703, 39.90245).
        let (lon, lat) = to.point(116.42703, 39.90245).expect("china");
        assert!((lon - 116.42079).abs() < 2e-4 && (lat - 39.90105).abs() < 2e-4);
        assert!(to.point(2.35, 48.85).is_err());
    }
}
