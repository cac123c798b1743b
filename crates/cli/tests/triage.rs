//! `minewatch triage` from files to CSV and GeoJSON: the classes, shares and areas a county
//! checks by hand today, and bad input refused with nothing written.

use std::path::Path;
use std::process::{Command, Output};

fn triage(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_minewatch"))
        .current_dir(dir)
        .arg("triage")
        .args(args)
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("run minewatch")
}

fn square(x: f64, y: f64, size: f64) -> String {
    format!(
        "[[[{x},{y}],[{x2},{y}],[{x2},{y2}],[{x},{y2}],[{x},{y}]]]",
        x2 = x + size,
        y2 = y + size
    )
}

fn collection(features: &[(String, String)]) -> String {
    let items: Vec<String> = features
        .iter()
        .map(|(props, coords)| {
            format!(
                r#"{{"type":"Feature","properties":{props},"geometry":{{"type":"Polygon","coordinates":{coords}}}}}"#
            )
        })
        .collect();
    format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        items.join(",")
    )
}

fn write_county(dir: &Path) {
    let patches = collection(&[
        (
            r#"{"TBBH":"P-inside","HSX":"2026-05-01"}"#.into(),
            square(112.202, 36.202, 0.002),
        ),
        (
            r#"{"TBBH":"P-half","HSX":"2026-05-01"}"#.into(),
            square(112.209, 36.205, 0.002),
        ),
        (
            r#"{"TBBH":"P-expired","HSX":"2026-05-01"}"#.into(),
            square(112.402, 36.402, 0.002),
        ),
        (
            r#"{"TBBH":"P-none","HSX":"2026-05-01"}"#.into(),
            square(112.602, 36.602, 0.002),
        ),
        (
            r#"{"TBBH":"P-reserve","HSX":"2026-05-01"}"#.into(),
            square(112.802, 36.802, 0.002),
        ),
    ]);
    let licences = collection(&[
        (
            r#"{"XKZH":"C-valid","YXQQ":"2020-01-01","YXQZ":"2030-12-31"}"#.into(),
            square(112.2, 36.2, 0.01),
        ),
        (
            r#"{"XKZH":"C-old","YXQQ":"2015-01-01","YXQZ":"2021-12-31"}"#.into(),
            square(112.4, 36.4, 0.01),
        ),
    ]);
    let reserves = collection(&[(
        r#"{"名称":"青岚山保护区"}"#.into(),
        square(112.8, 36.8, 0.01),
    )]);
    let grids = collection(&[
        (
            r#"{"乡镇":"东岭镇","村":"上河村"}"#.into(),
            square(112.0, 36.0, 0.5),
        ),
        (
            r#"{"乡镇":"西河乡","村":"下河村"}"#.into(),
            square(112.5, 36.5, 0.5),
        ),
    ]);
    for (name, body) in [
        ("patches.geojson", patches),
        ("licences.geojson", licences),
        ("reserves.geojson", reserves),
        ("grids.geojson", grids),
    ] {
        std::fs::write(dir.join(name), body).expect("write");
    }
}

#[test]
fn triage_writes_classes_shares_and_places() {
    let dir = tempfile::tempdir().expect("dir");
    write_county(dir.path());
    let out = triage(
        dir.path(),
        &[
            "patches.geojson",
            "--licences",
            "licences.geojson",
            "--zones",
            "nature_reserve=reserves.geojson",
            "--grids",
            "grids.geojson",
            "--out",
            "result.csv",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("triaged 5 patches"), "{stderr}");

    let mut csv = csv::Reader::from_path(dir.path().join("result.csv")).expect("csv");
    let headers = csv.headers().expect("headers").clone();
    for column in [
        "patch_id",
        "area_m2",
        "township",
        "village",
        "licence_ids",
        "licence_shares",
        "zone_ids",
        "zone_areas_m2",
        "class",
    ] {
        assert!(headers.iter().any(|h| h == column), "missing {column}");
    }
    let rows: Vec<csv::StringRecord> = csv.records().map(|r| r.expect("row")).collect();
    let col = |row: &csv::StringRecord, name: &str| -> String {
        let i = headers.iter().position(|h| h == name).expect("column");
        row[i].to_string()
    };
    let by_id = |id: &str| {
        rows.iter()
            .find(|r| col(r, "patch_id") == id)
            .unwrap_or_else(|| panic!("no row {id}"))
            .clone()
    };
    let expect = [
        ("P-inside", "inside_licence", "上河村"),
        ("P-half", "oversteps_licence", "上河村"),
        ("P-expired", "expired_licence", "上河村"),
        ("P-none", "no_licence", "下河村"),
        ("P-reserve", "protected", "下河村"),
    ];
    for (id, class, village) in expect {
        let row = by_id(id);
        assert_eq!(col(&row, "class"), class, "{id}");
        assert_eq!(col(&row, "village"), village, "{id}");
    }
    let half = by_id("P-half");
    assert_eq!(col(&half, "licence_ids"), "C-valid");
    let share: f64 = col(&half, "licence_shares").parse().expect("share");
    assert!((share - 0.5).abs() < 0.005, "{share}");
    let reserve = by_id("P-reserve");
    assert_eq!(col(&reserve, "zone_ids"), "青岚山保护区");
    let area: f64 = col(&reserve, "area_m2").parse().expect("area");
    let inside: f64 = col(&reserve, "zone_areas_m2").parse().expect("zone area");
    // A 0.002° square at 36.8°N: about 222 m × 178 m.
    assert!((area - 39_600.0).abs() < 400.0, "{area}");
    assert!((inside - area).abs() < 0.01, "{inside} vs {area}");

    // A zone of a kind not in our list counts as the default kind (here, protected).
    std::fs::write(
        dir.path().join("wetland.geojson"),
        collection(&[(
            r#"{"名称":"青岚湿地","kind":"湿地公园"}"#.into(),
            square(112.8, 36.8, 0.01),
        )]),
    )
    .expect("write");
    let out = triage(
        dir.path(),
        &[
            "patches.geojson",
            "--zones",
            "wetland.geojson",
            "--out",
            "w.csv",
            "-q",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(dir.path().join("w.csv")).expect("csv");
    assert!(
        text.lines().any(|l| l.starts_with("P-reserve,")
            && l.contains("青岚湿地")
            && l.contains(",protected,")),
        "{text}"
    );

    let out = triage(
        dir.path(),
        &[
            "patches.geojson",
            "--licences",
            "licences.geojson",
            "--out",
            "result.geojson",
            "-q",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("result.geojson")).expect("geojson"))
            .expect("json");
    let features = doc["features"].as_array().expect("features");
    assert_eq!(features.len(), 5);
    assert_eq!(features[0]["properties"]["licence_ids"][0], "C-valid");
    assert!(features[0]["geometry"]["coordinates"].is_array());
}

#[test]
fn bad_input_is_named_and_nothing_is_written() {
    let dir = tempfile::tempdir().expect("dir");
    write_county(dir.path());
    let bad = collection(&[
        (r#"{"TBBH":"A"}"#.into(), square(112.0, 36.0, 0.001)),
        (
            r#"{"TBBH":"B"}"#.into(),
            "[[[112,36],[112.01,36.01],[112.01,36],[112,36.01],[112,36]]]".into(),
        ),
    ]);
    std::fs::write(dir.path().join("bad.geojson"), bad).expect("write");
    let out = triage(
        dir.path(),
        &[
            "bad.geojson",
            "--licences",
            "licences.geojson",
            "--out",
            "r.csv",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("bad.geojson: feature 2: is not a valid polygon (ring 1 crosses itself"),
        "{stderr}"
    );
    assert!(!dir.path().join("r.csv").exists());

    let out = triage(
        dir.path(),
        &["bad.geojson", "--repair", "--out", "r.csv", "-q"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let out = triage(dir.path(), &["patches.geojson", "--out", "r.txt"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains(".csv or .geojson"));
    let out = triage(
        dir.path(),
        &[
            "patches.geojson",
            "--zones",
            "volcano=reserves.geojson",
            "--out",
            "z.csv",
        ],
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("zone kind 'volcano' is unknown"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
