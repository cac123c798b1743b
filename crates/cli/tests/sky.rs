//! A real county's registers from the files it receives: grid boundaries as a GBK Shapefile
//! in a Gauss-Krüger zone, licences as GeoJSON, then a patch batch that lands on the right
//! village; a broken file imports nothing.

use std::path::Path;
use std::process::{Command, Output};

use minewatch_spatial::crs::Crs;
use shapefile::dbase::{self, FieldValue};
use shapefile::{Point, Polygon, PolygonRing};

fn minewatch(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_minewatch"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("RUST_BACKTRACE")
        .env("MINEWATCH_PASSWORD", "office-pass-1")
        .output()
        .expect("run minewatch")
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn sql(db: &Path, query: &str) -> String {
    let o = Command::new("sqlite3")
        .arg(db)
        .arg(query)
        .output()
        .expect("sqlite3 (apt-get install sqlite3)");
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

const ROSTER: &str = "乡镇(街道),村(社区),网格,第一责任人,直接责任人,包村干部,联系电话\n\
甲镇,一村,,赵甲,钱乙,孙丙,13900000001\n\
甲镇,二村,,赵甲,李丁,孙丙,13900000002\n\
乙街道,三社区,,周戊,吴己,郑庚,13900000003\n";

/// Villages as squares of 0.01° side from 117.00°E, 36.20°N eastwards, in CGCS2000 3° zone
/// 39 (EPSG:4527, zone number in the easting), attributes in GBK as ArcGIS writes them.
fn write_villages(path: &Path) {
    let zone = Crs::from_epsg(4527).expect("crs");
    let table = dbase::TableWriterBuilder::with_encoding(dbase::encoding::EncodingRs::from(
        encoding_rs::GBK,
    ))
    .add_character_field("XZMC".try_into().expect("name"), 40)
    .add_character_field("CMC".try_into().expect("name"), 40);
    let mut w = shapefile::Writer::from_path(path, table).expect("writer");
    for (i, (town, village)) in [("甲镇", "一村"), ("甲镇", "二村"), ("乙街道", "三社区")]
        .iter()
        .enumerate()
    {
        let x0 = 117.0 + 0.01 * i as f64;
        let corners = [
            (x0, 36.2),
            (x0, 36.21),
            (x0 + 0.01, 36.21),
            (x0 + 0.01, 36.2),
            (x0, 36.2),
        ];
        let ring = corners
            .iter()
            .map(|&(lon, lat)| {
                let (e, n) = zone.project(lon, lat).expect("project");
                Point::new(e, n)
            })
            .collect();
        let mut record = dbase::Record::default();
        record.insert("XZMC".into(), FieldValue::Character(Some((*town).into())));
        record.insert("CMC".into(), FieldValue::Character(Some((*village).into())));
        w.write_shape_and_record(&Polygon::new(PolygonRing::Outer(ring)), &record)
            .expect("write");
    }
}

#[test]
fn registers_and_a_batch_from_county_files() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("county.db");
    let out = ok(&minewatch(
        &db,
        &["county", "init", "--code", "JS", "--name", "金山县"],
    ));
    assert!(out.contains("county office user 'office'"), "{out}");
    let roster = dir.path().join("roster.csv");
    std::fs::write(&roster, ROSTER).expect("roster");
    ok(&minewatch(
        &db,
        &[
            "org",
            "import",
            "--county",
            "JS",
            roster.to_str().expect("path"),
        ],
    ));
    // `county init` made the office user from MINEWATCH_PASSWORD.

    let shp = dir.path().join("villages.shp");
    write_villages(&shp);
    let out = ok(&minewatch(
        &db,
        &[
            "import",
            "grid",
            shp.to_str().expect("path"),
            "--user",
            "office",
        ],
    ));
    assert!(
        out.contains("EPSG:4527") && out.contains("GBK") && out.contains("3 features"),
        "{out}"
    );
    assert_eq!(
        sql(
            &db,
            "SELECT v.name FROM register_feature f JOIN grid g ON g.id = f.grid_id JOIN village v ON v.id = g.village_id WHERE f.active = 1 ORDER BY f.id"
        ),
        "一村\n二村\n三社区"
    );

    // A truncated copy: refused with the file named, nothing changed.
    let broken = dir.path().join("broken.shp");
    for ext in ["shp", "shx", "dbf"] {
        std::fs::copy(shp.with_extension(ext), broken.with_extension(ext)).expect("copy");
    }
    let bytes = std::fs::read(&broken).expect("read");
    std::fs::write(&broken, &bytes[..bytes.len() - 40]).expect("truncate");
    let o = minewatch(
        &db,
        &[
            "import",
            "grid",
            broken.to_str().expect("path"),
            "--user",
            "office",
        ],
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(
        err.contains("broken.shp") && err.contains("nothing was imported"),
        "{err}"
    );
    assert_eq!(
        sql(
            &db,
            "SELECT COUNT(*) FROM register_feature WHERE active = 1"
        ),
        "3"
    );
    assert_eq!(sql(&db, "SELECT COUNT(*) FROM register_import"), "1");

    let licences = dir.path().join("licences.geojson");
    std::fs::write(
        &licences,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"许可证号":"C140000001","有效期止":"2030-12-31"},
        "geometry":{"type":"Polygon","coordinates":[[[117.001,36.201],[117.005,36.201],[117.005,36.205],[117.001,36.205],[117.001,36.201]]]}}]}"#,
    )
    .expect("licences");
    ok(&minewatch(
        &db,
        &[
            "import",
            "licence",
            licences.to_str().expect("path"),
            "--user",
            "office",
        ],
    ));

    // Closed shafts surveyed as points guard a circle each.
    let shafts = dir.path().join("shafts.geojson");
    std::fs::write(
        &shafts,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"JK-01","name":"老煤窑井口"},
        "geometry":{"type":"Point","coordinates":[117.025,36.205]}}]}"#,
    )
    .expect("shafts");
    let out = ok(&minewatch(
        &db,
        &[
            "import",
            "closed_mine",
            shafts.to_str().expect("path"),
            "--user",
            "office",
        ],
    ));
    assert!(out.contains("1 features"), "{out}");
    let area: f64 = sql(
        &db,
        "SELECT area_m2 FROM register_feature WHERE layer = 'closed_mine'",
    )
    .parse()
    .expect("area");
    assert!(
        (area - std::f64::consts::PI * 2500.0).abs() < 100.0,
        "a 50 m circle: {area}"
    );

    // A batch naming an image that is not there stops before anything is stored.
    let missing = dir.path().join("q0.geojson");
    std::fs::write(
        &missing,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"图斑编号":"JS-000","后时相影像":"nowhere.png"},
        "geometry":{"type":"Polygon","coordinates":[[[117.002,36.202],[117.003,36.202],[117.003,36.203],[117.002,36.202]]]}}]}"#,
    )
    .expect("batch");
    let o = minewatch(
        &db,
        &[
            "import",
            "patches",
            missing.to_str().expect("path"),
            "--batch",
            "Q0",
            "--user",
            "office",
        ],
    );
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("feature 1: image nowhere.png"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(sql(&db, "SELECT COUNT(*) FROM patch_batch"), "0");

    std::fs::write(
        dir.path().join("JS-002-before.png"),
        b"\x89PNG\r\n\x1a\n not really",
    )
    .expect("image");
    std::fs::write(
        dir.path().join("JS-002-after.png"),
        b"\x89PNG\r\n\x1a\n still not",
    )
    .expect("image");
    let patches = dir.path().join("q1.geojson");
    std::fs::write(
        &patches,
        r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"图斑编号":"JS-001","后时相":"2026-03-01"},"geometry":{"type":"Polygon","coordinates":[[[117.002,36.202],[117.003,36.202],[117.003,36.203],[117.002,36.202]]]}},
        {"type":"Feature","properties":{"图斑编号":"JS-002","后时相":"2026-03-01","前时相影像":"JS-002-before.png","后时相影像":"JS-002-after.png"},"geometry":{"type":"Polygon","coordinates":[[[117.014,36.204],[117.015,36.204],[117.015,36.205],[117.014,36.204]]]}}]}"#,
    )
    .expect("patches");
    let out = ok(&minewatch(
        &db,
        &[
            "import",
            "patches",
            patches.to_str().expect("path"),
            "--batch",
            "2026年第一季度",
            "--user",
            "office",
        ],
    ));
    assert!(
        out.contains("2 patches") && out.contains("1 suspect patches filed"),
        "{out}"
    );
    assert_eq!(
        sql(
            &db,
            "SELECT p.patch_no || ':' || p.class || ':' || COALESCE(v.name, '-') FROM patch p LEFT JOIN village v ON v.id = p.village_id ORDER BY p.id"
        ),
        "JS-001:inside_licence:一村\nJS-002:no_licence:二村"
    );
    assert_eq!(
        sql(
            &db,
            "SELECT c.source || ':' || v.name FROM case_file c JOIN village v ON v.id = c.village_id"
        ),
        "satellite_patch:二村"
    );
    assert_eq!(
        sql(
            &db,
            "SELECT COUNT(*) FROM patch p JOIN attachment a ON a.sha256 = p.after_image WHERE p.patch_no = 'JS-002' AND a.file_name = 'JS-002-after.png'"
        ),
        "1"
    );

    // A batch whose features carry no later-image date imports with a warning naming the
    // day its licences were judged on; given --later-date, every patch takes it.
    let undated = dir.path().join("q2.geojson");
    std::fs::write(
        &undated,
        r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"图斑编号":"JS-101"},"geometry":{"type":"Polygon","coordinates":[[[117.0021,36.2021],[117.0029,36.2021],[117.0029,36.2029],[117.0021,36.2021]]]}}]}"#,
    )
    .expect("patches");
    let out = ok(&minewatch(
        &db,
        &[
            "import",
            "patches",
            undated.to_str().expect("path"),
            "--batch",
            "Q2",
            "--user",
            "office",
        ],
    ));
    assert!(
        out.contains("warning: 1 of 1 patches carry no later-image date")
            && out.contains("--later-date"),
        "{out}"
    );
    let out = ok(&minewatch(
        &db,
        &[
            "import",
            "patches",
            undated.to_str().expect("path"),
            "--batch",
            "Q2b",
            "--user",
            "office",
            "--later-date",
            "2026-05-20",
        ],
    ));
    assert!(!out.contains("warning"), "{out}");
    assert_eq!(
        sql(
            &db,
            "SELECT p.later_date FROM patch p JOIN patch_batch b ON b.id = p.batch_id WHERE b.name = 'Q2b'"
        ),
        "2026-05-20"
    );

    // A constraint layer whose kind attribute minewatch does not know takes --zone-kind.
    let water = dir.path().join("water.geojson");
    std::fs::write(
        &water,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"zone_id":"SY-1","kind":"一级保护区"},
        "geometry":{"type":"Polygon","coordinates":[[[117.03,36.21],[117.04,36.21],[117.04,36.22],[117.03,36.22],[117.03,36.21]]]}}]}"#,
    )
    .expect("zones");
    let o = minewatch(
        &db,
        &[
            "import",
            "zone",
            water.to_str().expect("path"),
            "--user",
            "office",
        ],
    );
    assert!(
        !o.status.success(),
        "an unknown kind is refused without --zone-kind"
    );
    ok(&minewatch(
        &db,
        &[
            "import",
            "zone",
            water.to_str().expect("path"),
            "--user",
            "office",
            "--zone-kind",
            "饮用水水源保护区",
        ],
    ));
    assert_eq!(
        sql(
            &db,
            "SELECT kind FROM register_feature WHERE layer = 'zone' AND active = 1"
        ),
        "drinking_water_source"
    );

    let o = minewatch(&db, &["audit", "verify"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}
