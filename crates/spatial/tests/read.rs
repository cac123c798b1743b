//! The readers on real files written to disk: a GBK Shapefile in a Gauss-Krüger zone, broken
//! files, GeoJSON with a bad feature, KML with ExtendedData, GPX tracks.

use std::path::Path;

use chrono::NaiveDate;
use geo::polygon;
use minewatch_spatial::area::Invalid;
use minewatch_spatial::crs::Crs;
use minewatch_spatial::inputs::{self, Fields};
use minewatch_spatial::read::{ReadOptions, read_layer};
use minewatch_spatial::triage::{Patch, Triager};
use shapefile::dbase::{self, FieldValue};
use shapefile::{Point, Polygon, PolygonRing};

const PRJ_ZONE_39: &str = r#"PROJCS["CGCS2000_3_Degree_GK_Zone_39",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",39500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",117.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#;

/// lon/lat → CGCS2000 3° zone 39 with the zone number in the easting.
fn to_zone_39(lon: f64, lat: f64) -> (f64, f64) {
    Crs::from_epsg(4527)
        .and_then(|c| c.project(lon, lat))
        .expect("forward")
}

/// A square village of ±0.01° around (lon, lat), clockwise as Shapefiles want.
fn village_square(lon: f64, lat: f64) -> Polygon {
    let corners = [
        (lon - 0.01, lat - 0.01),
        (lon - 0.01, lat + 0.01),
        (lon + 0.01, lat + 0.01),
        (lon + 0.01, lat - 0.01),
        (lon - 0.01, lat - 0.01),
    ];
    let points = corners
        .iter()
        .map(|&(x, y)| {
            let (e, n) = to_zone_39(x, y);
            Point::new(e, n)
        })
        .collect();
    Polygon::new(PolygonRing::Outer(points))
}

fn write_gbk_villages(path: &Path, with_prj: bool) {
    let table = dbase::TableWriterBuilder::with_encoding(dbase::encoding::EncodingRs::from(
        encoding_rs::GBK,
    ))
    .add_character_field("XZMC".try_into().expect("name"), 40)
    .add_character_field("CMC".try_into().expect("name"), 40);
    let mut w = shapefile::Writer::from_path(path, table).expect("writer");
    for (lon, town, village) in [(117.05, "东岭镇", "上河村"), (117.07, "东岭镇", "下河村")]
    {
        let mut record = dbase::Record::default();
        record.insert("XZMC".into(), FieldValue::Character(Some(town.into())));
        record.insert("CMC".into(), FieldValue::Character(Some(village.into())));
        w.write_shape_and_record(&village_square(lon, 36.2), &record)
            .expect("write");
    }
    drop(w);
    if with_prj {
        std::fs::write(path.with_extension("prj"), PRJ_ZONE_39).expect("prj");
    }
}

#[test]
fn gbk_shapefile_in_a_gauss_kruger_zone_lands_on_the_right_village() {
    let dir = tempfile::tempdir().expect("tempdir");
    for with_prj in [true, false] {
        let path = dir.path().join(format!("villages-{with_prj}.shp"));
        write_gbk_villages(&path, with_prj);
        let layer = read_layer(&path, &ReadOptions::default()).expect("readable");
        assert_eq!(layer.encoding, Some("GBK"), "detected from the .dbf bytes");
        let Crs::GaussKruger {
            central_meridian,
            false_easting,
            ..
        } = layer.crs
        else {
            panic!("not Gauss-Krüger: {}", layer.crs);
        };
        assert_eq!((central_meridian, false_easting), (117.0, 39_500_000.0));
        assert_eq!(layer.features[0].get("CMC"), Some("上河村"));
        let first = minewatch_spatial::geo::CoordsIter::coords_iter(&layer.features[0].geometry)
            .next()
            .expect("coords");
        assert!(
            (first.x - 117.04).abs() < 1e-8 && (first.y - 36.19).abs() < 1e-8,
            "{first:?}"
        );

        let grids = inputs::grids(layer, &Fields::default()).expect("grids");
        let patch_shape = minewatch_spatial::area::to_area(
            polygon![(x: 117.072, y: 36.201), (x: 117.074, y: 36.201), (x: 117.074, y: 36.203)]
                .into(),
            Invalid::Refuse,
        )
        .expect("patch");
        let date = NaiveDate::from_ymd_opt(2026, 6, 1).expect("date");
        let t = Triager::new(vec![], vec![], grids, date);
        let r = t
            .triage(&Patch {
                id: "P1".into(),
                shape: patch_shape,
                later_date: None,
            })
            .expect("triage");
        let (town, village, _) = r.grid.expect("in a grid");
        assert_eq!((town.as_str(), village.as_str()), ("东岭镇", "下河村"));
    }
}

#[test]
fn broken_shapefiles_are_refused_with_the_reason() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("v.shp");
    write_gbk_villages(&path, true);

    let bytes = std::fs::read(&path).expect("shp");
    std::fs::write(&path, &bytes[..bytes.len() - 30]).expect("truncate");
    let e = read_layer(&path, &ReadOptions::default()).expect_err("truncated");
    let text = e.to_string();
    assert!(text.contains("v.shp"), "{text}");
    assert!(
        text.contains("feature 2") || text.contains("not a readable"),
        "{text}"
    );

    std::fs::remove_file(path.with_extension("dbf")).expect("rm");
    let e = read_layer(&path, &ReadOptions::default()).expect_err("no dbf");
    assert!(e.to_string().contains("has no .dbf"), "{e}");

    let xian = dir.path().join("x.shp");
    write_gbk_villages(&xian, false);
    std::fs::write(
        xian.with_extension("prj"),
        r#"PROJCS["Xian_1980_3_Degree_GK_Zone_39",GEOGCS["GCS_Xian_1980",DATUM["D_Xian_1980",SPHEROID["Xian_1980",6378140.0,298.257]]],PROJECTION["Gauss_Kruger"],PARAMETER["Central_Meridian",117.0]]"#,
    )
    .expect("prj");
    let e = read_layer(&xian, &ReadOptions::default()).expect_err("xian");
    assert!(e.to_string().contains("Xi'an 1980"), "{e}");
}

#[test]
fn a_cpg_or_a_flag_names_the_encoding() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("v.shp");
    write_gbk_villages(&path, true);
    std::fs::write(path.with_extension("cpg"), "936").expect("cpg");
    let layer = read_layer(&path, &ReadOptions::default()).expect("read");
    assert_eq!(layer.features[1].get("CMC"), Some("下河村"));
    // The flag wins: GBK bytes read as UTF-8 are not valid, and the record says so...
    let forced = ReadOptions {
        encoding: Some(encoding_rs::UTF_8),
        ..ReadOptions::default()
    };
    let e = read_layer(&path, &forced).expect_err("not UTF-8");
    assert!(
        e.to_string()
            .contains("feature 1: field CMC: bytes that are not valid UTF-8 (as given)"),
        "{e}"
    );
    // ...unless the user accepts the loss.
    let lossy = ReadOptions {
        lossy: true,
        ..forced
    };
    let wrong = read_layer(&path, &lossy).expect("read");
    assert_ne!(wrong.features[1].get("CMC"), Some("下河村"));
}

#[test]
fn invalid_bytes_in_a_gbk_table_name_the_record_and_field() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("v.shp");
    write_gbk_villages(&path, true);
    // Damage the second village's name: 0xFF starts no GBK character.
    let dbf = path.with_extension("dbf");
    let mut bytes = std::fs::read(&dbf).expect("dbf");
    let name = encoding_rs::GBK.encode("下河村").0.into_owned();
    let at = bytes
        .windows(name.len())
        .position(|w| w == name.as_slice())
        .expect("the name in the table");
    bytes[at] = 0xFF;
    bytes[at + 1] = 0xFF;
    std::fs::write(&dbf, bytes).expect("write");
    let e = read_layer(&path, &ReadOptions::default()).expect_err("damaged");
    let text = e.to_string();
    assert!(text.contains("v.shp"), "names the file: {text}");
    assert!(
        text.contains("feature 2: field CMC: bytes that are not valid GBK (as detected)"),
        "names the record and field: {text}"
    );
    assert_eq!(e.0.len(), 1, "the good record is not blamed: {text}");
    let lossy = ReadOptions {
        lossy: true,
        ..ReadOptions::default()
    };
    let layer = read_layer(&path, &lossy).expect("accepted when asked");
    assert!(
        layer.features[1]
            .get("CMC")
            .is_some_and(|v| v.contains('\u{FFFD}'))
    );
}

#[test]
fn geojson_faults_name_every_bad_feature() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("patches.geojson");
    std::fs::write(
        &path,
        r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"patch_id":"A"},"geometry":{"type":"Polygon","coordinates":[[[112,36],[112.01,36],[112.01,36.01],[112,36]]]}},
          {"type":"Feature","properties":{"patch_id":"B"},"geometry":{"type":"Polygon","coordinates":[[["x",36],[112.01,36],[112.01,36.01],[112,36]]]}},
          {"type":"Feature","properties":{"patch_id":"C"},"geometry":null}
        ]}"#,
    )
    .expect("write");
    let e = read_layer(&path, &ReadOptions::default()).expect_err("bad features");
    assert_eq!(e.0.len(), 2, "{e}");
    assert_eq!(e.0[0].feature, Some(2));
    assert_eq!(e.0[1].feature, Some(3));
    assert!(e.0[1].reason.contains("no geometry"), "{e}");

    std::fs::write(&path, "{not json").expect("write");
    let e = read_layer(&path, &ReadOptions::default()).expect_err("not json");
    assert!(e.to_string().contains("line 1"), "{e}");
}

#[test]
fn patches_without_ids_or_with_bad_dates_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("patches.geojson");
    std::fs::write(
        &path,
        r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"TBBH":"A","HSX":"2026/5/1"},"geometry":{"type":"Polygon","coordinates":[[[112,36],[112.01,36],[112.01,36.01],[112,36]]]}},
          {"type":"Feature","properties":{"TBBH":"B","HSX":"soon"},"geometry":{"type":"Polygon","coordinates":[[[112,36],[112.01,36],[112.01,36.01],[112,36]]]}},
          {"type":"Feature","properties":{"name":"C"},"geometry":{"type":"Polygon","coordinates":[[[112,36],[112.01,36],[112.01,36.01],[112,36]]]}},
          {"type":"Feature","properties":{"TBBH":"A"},"geometry":{"type":"Polygon","coordinates":[[[112,36],[112.01,36],[112.01,36.01],[112,36]]]}}
        ]}"#,
    )
    .expect("write");
    let layer = read_layer(&path, &ReadOptions::default()).expect("readable");
    let e = inputs::patches(layer, &Fields::default()).expect_err("faults");
    let text = e.to_string();
    assert!(
        text.contains("feature 2: later image date 'soon'"),
        "{text}"
    );
    assert!(text.contains("feature 3: has no patch id"), "{text}");
    assert!(
        text.contains("feature 4: id 'A' is already used by feature 1"),
        "{text}"
    );
}

#[test]
fn kml_placemarks_keep_their_extended_data() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("zones.kml");
    std::fs::write(
        &path,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Folder><name>保护区</name>
<Placemark><name>青岚山自然保护区</name>
  <ExtendedData><Data name="kind"><value>自然保护地</value></Data></ExtendedData>
  <Polygon><outerBoundaryIs><LinearRing><coordinates>112,36 112.1,36 112.1,36.1 112,36.1 112,36</coordinates></LinearRing></outerBoundaryIs></Polygon>
</Placemark></Folder></Document></kml>"#,
    )
    .expect("write");
    let layer = read_layer(&path, &ReadOptions::default()).expect("kml");
    let f = &layer.features[0];
    assert_eq!(f.get("name"), Some("青岚山自然保护区"));
    assert_eq!(f.get("kind"), Some("自然保护地"));
    let fields = Fields {
        zone_id: Some("name".into()),
        ..Fields::default()
    };
    let zones = inputs::zones(layer, &fields).expect("zones");
    assert_eq!(
        zones[0].kind,
        minewatch_spatial::zone::ZoneKind::NatureReserve
    );
}

/// A KMZ as Google Earth writes it: `doc.kml` deflated inside a zip.
fn write_kmz(path: &Path, chunks: impl Iterator<Item = Vec<u8>>) {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).expect("create"));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    zip.start_file("doc.kml", options).expect("entry");
    for c in chunks {
        zip.write_all(&c).expect("write");
    }
    zip.finish().expect("finish");
}

#[test]
fn a_kmz_is_read_and_a_kmz_bomb_refused_before_it_fills_memory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ok = dir.path().join("zones.kmz");
    let kml = r#"<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document>
<Placemark><name>北山采区</name>
  <Polygon><outerBoundaryIs><LinearRing><coordinates>112,36 112.1,36 112.1,36.1 112,36.1 112,36</coordinates></LinearRing></outerBoundaryIs></Polygon>
</Placemark></Document></kml>"#;
    write_kmz(&ok, std::iter::once(kml.as_bytes().to_vec()));
    let layer = read_layer(&ok, &ReadOptions::default()).expect("kmz");
    assert_eq!(layer.features[0].get("name"), Some("北山采区"));

    // 65 MiB of blanks deflate to a few hundred KiB: refused at the limit, named.
    let bomb = dir.path().join("bomb.kmz");
    let mib = minewatch_spatial::read::MAX_KML_BYTES / (1024 * 1024);
    let chunks =
        std::iter::once(b"<kml>".to_vec()).chain((0..=mib).map(|_| vec![b' '; 1024 * 1024]));
    write_kmz(&bomb, chunks);
    assert!(std::fs::metadata(&bomb).expect("size").len() < 1024 * 1024);
    let e = read_layer(&bomb, &ReadOptions::default()).expect_err("bomb");
    assert!(
        e.to_string()
            .contains("unpacks (doc.kml) to larger than 64 MiB"),
        "{e}"
    );
}

#[test]
fn gpx_tracks_and_malformed_gpx() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("patrol.gpx");
    std::fs::write(
        &path,
        r#"<?xml version="1.0"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">
<trk><name>上河村巡查</name><trkseg>
<trkpt lat="36.20" lon="117.05"><time>2026-06-01T01:00:00Z</time></trkpt>
<trkpt lat="36.21" lon="117.05"><time>2026-06-01T01:10:00Z</time></trkpt>
<trkpt lat="36.21" lon="117.06"><time>2026-06-01T01:20:00Z</time></trkpt>
</trkseg></trk></gpx>"#,
    )
    .expect("write");
    let layer = read_layer(&path, &ReadOptions::default()).expect("gpx");
    let f = &layer.features[0];
    assert_eq!(f.get("name"), Some("上河村巡查"));
    assert_eq!(f.get("points"), Some("3"));
    assert!(
        f.get("start")
            .is_some_and(|s| s.starts_with("2026-06-01T01:00"))
    );

    std::fs::write(&path, "<gpx><trk><trkseg><trkpt lat=\"x\"").expect("write");
    let e = read_layer(&path, &ReadOptions::default()).expect_err("malformed");
    assert!(e.to_string().contains("is not valid GPX"), "{e}");
}

#[test]
fn phone_points_in_gcj02_are_moved_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("points.geojson");
    std::fs::write(
        &path,
        r#"{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[116.42703,39.90245]}}"#,
    )
    .expect("write");
    let options = ReadOptions {
        crs: Some(Crs::Gcj02),
        ..ReadOptions::default()
    };
    let layer = read_layer(&path, &options).expect("read");
    let geo::Geometry::Point(p) = layer.features[0].geometry else {
        panic!("a point");
    };
    assert!((p.x() - 116.42079).abs() < 2e-4 && (p.y() - 39.90105).abs() < 2e-4);
}
