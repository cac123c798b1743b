//! Patrol coverage (R19): the share of a zone that lies within a set distance of some patrol
//! track, day and night apart. Tracks come from GPX files (or the phone page) with a time on
//! each point; night is 20:00–06:00 Beijing time, when the seeds want hot spots watched.

use chrono::{DateTime, Timelike, Utc};
use geo::{Area, BooleanOps, Buffer, Coord, LineString, MapCoords, MultiLineString, MultiPolygon};

use crate::read::ReadError;

/// A recorded position; `time` is missing in tracks drawn by hand.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrackPoint {
    pub lon: f64,
    pub lat: f64,
    pub time: Option<DateTime<Utc>>,
}

/// One patrol track.
#[derive(Debug, Clone, PartialEq)]
pub struct Track {
    pub name: String,
    pub points: Vec<TrackPoint>,
}

/// Whether a moment falls in the night watch (20:00–06:00 in Asia/Shanghai).
#[must_use]
pub fn is_night(at: DateTime<Utc>) -> bool {
    let hour = (at.hour() + 8) % 24;
    !(6..20).contains(&hour)
}

/// Reads every track of a GPX file with its times.
///
/// # Errors
/// When the file is not GPX, has no track, or a point is not a longitude/latitude.
pub fn read_tracks(path: &std::path::Path) -> Result<Vec<Track>, ReadError> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| ReadError {
        file: file.clone(),
        feature: None,
        reason: format!("cannot open: {e}"),
    })?;
    parse_tracks(&file, &bytes)
}

/// Reads every track of GPX bytes (an upload); `file` names it in errors.
///
/// # Errors
/// As [`read_tracks`].
pub fn parse_tracks(file: &str, bytes: &[u8]) -> Result<Vec<Track>, ReadError> {
    let fail = |feature, reason: String| ReadError {
        file: file.to_string(),
        feature,
        reason,
    };
    let doc = gpx::read(std::io::Cursor::new(bytes))
        .map_err(|e| fail(None, format!("is not valid GPX: {e}")))?;
    let mut tracks = Vec::new();
    for (i, t) in doc.tracks.iter().enumerate() {
        let mut points = Vec::new();
        for w in t.segments.iter().flat_map(|s| s.points.iter()) {
            let p = w.point();
            crate::LonLat::new(p.x(), p.y()).map_err(|e| fail(Some(i + 1), e.to_string()))?;
            let time = w
                .time
                .and_then(|t| t.format().ok())
                .and_then(|s| DateTime::parse_from_rfc3339(&s).ok())
                .map(|t| t.with_timezone(&Utc));
            points.push(TrackPoint {
                lon: p.x(),
                lat: p.y(),
                time,
            });
        }
        tracks.push(Track {
            name: t.name.clone().unwrap_or_else(|| format!("track {}", i + 1)),
            points,
        });
    }
    if tracks.iter().all(|t| t.points.is_empty()) {
        return Err(fail(None, "holds no track points".into()));
    }
    Ok(tracks)
}

/// Pieces of tracks: runs of consecutive points in the night (`night = true`) or the day.
/// Points without a time count as day.
#[must_use]
pub fn split_by_watch(tracks: &[Track], night: bool) -> Vec<Vec<(f64, f64)>> {
    let mut runs = Vec::new();
    for t in tracks {
        let mut run: Vec<(f64, f64)> = Vec::new();
        for p in &t.points {
            if p.time.is_some_and(is_night) == night {
                run.push((p.lon, p.lat));
            } else if !run.is_empty() {
                runs.push(std::mem::take(&mut run));
            }
        }
        if !run.is_empty() {
            runs.push(run);
        }
    }
    runs
}

/// Metres east and north of an origin: an equirectangular frame true to about 0.1 % across
/// a county, where buffers in metres can be drawn.
struct Local {
    lon0: f64,
    lat0: f64,
    kx: f64,
}

const M_PER_DEG_LAT: f64 = 110_574.0;

impl Local {
    fn about(lon0: f64, lat0: f64) -> Local {
        Local {
            lon0,
            lat0,
            kx: 111_320.0 * lat0.to_radians().cos(),
        }
    }

    fn to(&self, c: Coord<f64>) -> Coord<f64> {
        Coord {
            x: (c.x - self.lon0) * self.kx,
            y: (c.y - self.lat0) * M_PER_DEG_LAT,
        }
    }
}

/// Share (0..=1) of `zone` within `distance_m` of any of the track runs (lon/lat points).
#[must_use]
pub fn coverage(zone: &MultiPolygon<f64>, runs: &[Vec<(f64, f64)>], distance_m: f64) -> f64 {
    use geo::Centroid;
    let Some(c) = zone.centroid() else {
        return 0.0;
    };
    let local = Local::about(c.x(), c.y());
    let zone_m: MultiPolygon<f64> = zone.map_coords(|p| local.to(p));
    let zone_area = zone_m.unsigned_area();
    if zone_area <= 0.0 || distance_m <= 0.0 {
        return 0.0;
    }
    let lines: Vec<LineString<f64>> = runs
        .iter()
        .filter(|r| !r.is_empty())
        .map(|r| {
            let mut pts: Vec<Coord<f64>> =
                r.iter().map(|&(x, y)| local.to(Coord { x, y })).collect();
            // A single fix still covers a disc around it.
            if pts.len() == 1 {
                pts.push(pts[0]);
            }
            LineString(pts)
        })
        .collect();
    if lines.is_empty() {
        return 0.0;
    }
    let reach = MultiLineString(lines).buffer(distance_m);
    let covered = zone_m.intersection(&reach).unsigned_area();
    (covered / zone_area).clamp(0.0, 1.0)
}

/// Length of a track in metres (the sum of its legs on the local frame of each leg).
#[must_use]
pub fn length_m(points: &[TrackPoint]) -> f64 {
    points
        .windows(2)
        .map(|w| {
            let local = Local::about(w[0].lon, w[0].lat);
            let b = local.to(Coord {
                x: w[1].lon,
                y: w[1].lat,
            });
            b.x.hypot(b.y)
        })
        .sum()
}

/// Share of the points that fall in the night watch.
#[must_use]
pub fn night_share(points: &[TrackPoint]) -> f64 {
    if points.is_empty() {
        return 0.0;
    }
    let night = points
        .iter()
        .filter(|p| p.time.is_some_and(is_night))
        .count();
    night as f64 / points.len() as f64
}

/// Shortest distance in metres from a site to a track (to its legs, not just its fixes).
#[must_use]
pub fn distance_to_track_m(lon: f64, lat: f64, points: &[TrackPoint]) -> Option<f64> {
    use geo::{Distance, Euclidean, Point};
    let local = Local::about(lon, lat);
    let site = Point::new(0.0, 0.0);
    let pts: Vec<Coord<f64>> = points
        .iter()
        .map(|p| local.to(Coord { x: p.lon, y: p.lat }))
        .collect();
    match pts.len() {
        0 => None,
        1 => Some(Euclidean.distance(site, Point(pts[0]))),
        _ => Some(Euclidean.distance(&site, &LineString(pts))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::area::{Invalid, to_area};
    use chrono::TimeZone;

    /// A square of `side_m` metres with its south-west corner at (lon, lat).
    fn square_zone(lon: f64, lat: f64, side_m: f64) -> MultiPolygon<f64> {
        let dx = side_m / (111_320.0 * lat.to_radians().cos());
        let dy = side_m / M_PER_DEG_LAT;
        let p = geo::Polygon::new(
            LineString::from(vec![
                (lon, lat),
                (lon + dx, lat),
                (lon + dx, lat + dy),
                (lon, lat + dy),
                (lon, lat),
            ]),
            vec![],
        );
        to_area(p.into(), Invalid::Refuse).expect("square")
    }

    /// A loop `out_m` metres outside the square's edges; `sides` of its four sides walked.
    fn loop_around(lon: f64, lat: f64, side_m: f64, out_m: f64, sides: usize) -> Vec<(f64, f64)> {
        let kx = 111_320.0 * lat.to_radians().cos();
        let m = |x: f64, y: f64| (lon + x / kx, lat + y / M_PER_DEG_LAT);
        let corners = [
            m(-out_m, -out_m),
            m(side_m + out_m, -out_m),
            m(side_m + out_m, side_m + out_m),
            m(-out_m, side_m + out_m),
            m(-out_m, -out_m),
        ];
        corners[..=sides].to_vec()
    }

    #[test]
    fn distances_lengths_and_night_share() {
        let kx = 111_320.0 * 36.5_f64.to_radians().cos();
        let at = |x: f64, y: f64, h: u32| TrackPoint {
            lon: 112.3 + x / kx,
            lat: 36.5 + y / M_PER_DEG_LAT,
            time: Some(
                Utc.with_ymd_and_hms(2026, 5, 1, h, 0, 0)
                    .single()
                    .expect("time"),
            ),
        };
        // 02:00 UTC is 10:00 in Beijing (day); 14:00 UTC is 22:00 (night).
        let track = [at(0.0, 0.0, 2), at(1000.0, 0.0, 2), at(1000.0, 1000.0, 14)];
        assert!((length_m(&track) - 2000.0).abs() < 2.0);
        assert!((night_share(&track) - 1.0 / 3.0).abs() < 1e-9);
        // 300 m north of the middle of the first leg: the leg, not its ends, is nearest.
        let d = distance_to_track_m(112.3 + 500.0 / kx, 36.5 + 300.0 / M_PER_DEG_LAT, &track)
            .expect("distance");
        assert!((d - 300.0).abs() < 1.0, "{d}");
        assert_eq!(distance_to_track_m(112.3, 36.5, &[]), None);
    }

    #[test]
    fn a_loop_covers_a_ring_of_the_zone_and_a_short_track_less() {
        let zone = square_zone(112.3, 36.5, 1000.0);
        let full = loop_around(112.3, 36.5, 1000.0, 50.0, 4);
        // 600 m reaches the middle from every side (550 m): all of it.
        assert!((coverage(&zone, std::slice::from_ref(&full), 600.0) - 1.0).abs() < 0.005);
        // 200 m reaches 150 m in: an untouched square of 700 m remains, 51 % covered.
        let c = coverage(&zone, std::slice::from_ref(&full), 200.0);
        assert!((c - 0.51).abs() < 0.01, "{c}");
        // Walking only the south and east sides covers less.
        let half = loop_around(112.3, 36.5, 1000.0, 50.0, 2);
        let h = coverage(&zone, &[half], 200.0);
        assert!(h < c - 0.2 && h > 0.2, "{h}");
        assert_eq!(coverage(&zone, &[], 200.0), 0.0);
    }

    #[test]
    fn a_gpx_loop_read_from_a_file_covers_its_zone() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("patrol.gpx");
        let pts: String = loop_around(112.3, 36.5, 1000.0, 50.0, 4)
            .iter()
            .enumerate()
            .fold(String::new(), |mut out, (i, (lon, lat))| {
                use std::fmt::Write as _;
                let _ = write!(out, "<trkpt lat=\"{lat}\" lon=\"{lon}\"><time>2026-06-01T13:{:02}:00Z</time></trkpt>", i * 10);
                out
            });
        std::fs::write(
            &path,
            format!("<?xml version=\"1.0\"?><gpx version=\"1.1\" creator=\"t\" xmlns=\"http://www.topografix.com/GPX/1/1\"><trk><name>夜巡</name><trkseg>{pts}</trkseg></trk></gpx>"),
        )
        .expect("write");
        let tracks = read_tracks(&path).expect("tracks");
        assert_eq!(tracks[0].points.len(), 5);
        let zone = square_zone(112.3, 36.5, 1000.0);
        let night = coverage(&zone, &split_by_watch(&tracks, true), 200.0);
        assert!((night - 0.51).abs() < 0.01, "{night}");
        assert_eq!(coverage(&zone, &split_by_watch(&tracks, false), 200.0), 0.0);

        std::fs::write(&path, "<gpx><trk><trkseg><trkpt lat=").expect("write");
        let e = read_tracks(&path).expect_err("malformed");
        assert!(e.reason.contains("is not valid GPX"), "{e}");
    }

    #[test]
    fn night_runs_are_counted_apart() {
        let at = |h: u32| {
            Utc.with_ymd_and_hms(2026, 6, 1, h, 0, 0)
                .single()
                .expect("time")
        };
        // 13:00 UTC is 21:00 in Beijing (night); 02:00 UTC is 10:00 (day).
        assert!(is_night(at(13)) && !is_night(at(2)) && is_night(at(21)));
        let p = |h, lon| TrackPoint {
            lon,
            lat: 36.5,
            time: Some(at(h)),
        };
        let track = Track {
            name: "t".into(),
            points: vec![
                p(2, 112.30),
                p(2, 112.31),
                p(13, 112.32),
                p(14, 112.33),
                p(2, 112.34),
            ],
        };
        assert_eq!(
            split_by_watch(std::slice::from_ref(&track), true),
            vec![vec![(112.32, 36.5), (112.33, 36.5)]]
        );
        assert_eq!(split_by_watch(&[track], false).len(), 2);
    }
}
