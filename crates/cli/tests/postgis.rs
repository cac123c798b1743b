//! `minewatch triage` agrees with PostGIS on the same data: the same licence and zone ids
//! for every patch, and areas within 0.1 %. PostGIS is the server of `MINEWATCH_TEST_PG`
//! (`scripts/test` installs the extension and starts it).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::process::Command;

/// A small deterministic generator, so every run checks the same county.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
    fn range(&mut self, a: f64, b: f64) -> f64 {
        a + (b - a) * self.next()
    }
}

/// A star-shaped ring (simple by construction), counter-clockwise, closed, as GeoJSON.
fn ring(rng: &mut Lcg, cx: f64, cy: f64, r_deg: f64, n: usize, wobble: f64) -> String {
    let phase = rng.range(0.0, 6.0);
    let mut out = String::from("[");
    for i in 0..=n {
        let t = (i % n) as f64 / n as f64 * std::f64::consts::TAU;
        let k = 1.0 + wobble * ((3.0 * t + phase).sin() * 0.25 + (7.0 * t).cos() * 0.1);
        let (x, y) = (cx + r_deg * k * t.cos() / 0.8, cy + r_deg * k * t.sin());
        let _ = write!(out, "{}[{x:.9},{y:.9}]", if i > 0 { "," } else { "" });
    }
    out.push(']');
    out
}

fn feature(props: &str, rings: &[String]) -> String {
    format!(
        r#"{{"type":"Feature","properties":{props},"geometry":{{"type":"Polygon","coordinates":[{}]}}}}"#,
        rings.join(",")
    )
}

fn collection(features: &[String]) -> String {
    format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        features.join(",")
    )
}

fn psql(url: &str, sql: &str) -> String {
    let o = Command::new("psql")
        .arg(url)
        .args([
            "-X",
            "-q",
            "-At",
            "-F",
            "|",
            "-v",
            "ON_ERROR_STOP=1",
            "-c",
            sql,
        ])
        .output()
        .expect("psql (apt-get install postgresql-client)");
    assert!(
        o.status.success(),
        "psql: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= (0.001 * a.abs().max(b.abs())).max(0.01)
}

#[test]
fn triage_agrees_with_postgis() {
    let base = std::env::var("MINEWATCH_TEST_PG").expect(
        "MINEWATCH_TEST_PG is not set: run scripts/test, or scripts/pg-start and export its URL",
    );
    let name = format!("mw_postgis_{}", std::process::id());
    psql(&base, &format!("DROP DATABASE IF EXISTS {name}"));
    psql(&base, &format!("CREATE DATABASE {name}"));
    let (prefix, _) = base.rsplit_once('/').expect("URL with a database");
    let url = format!("{prefix}/{name}");
    psql(&url, "CREATE EXTENSION postgis");

    let mut rng = Lcg(20_261_128);
    let mut zones = Vec::new();
    let mut zone_sites = Vec::new();
    for i in 0..6 {
        let (cx, cy, r) = (
            rng.range(112.05, 112.45),
            rng.range(36.05, 36.45),
            rng.range(0.02, 0.04),
        );
        zone_sites.push((cx, cy, r));
        let mut rings = vec![ring(&mut rng, cx, cy, r, 3000, 1.0)];
        if i % 2 == 0 {
            // A hole, clockwise, well inside the shell.
            let mut hole = ring(&mut rng, cx, cy, r * 0.2, 40, 0.2);
            let pts: Vec<&str> = hole.trim_matches(['[', ']']).split("],[").collect();
            hole = format!(
                "[[{}]]",
                pts.into_iter().rev().collect::<Vec<_>>().join("],[")
            );
            rings.push(hole);
        }
        zones.push(feature(&format!(r#"{{"zone_id":"Z{i}"}}"#), &rings));
    }
    let mut licences = Vec::new();
    let mut licence_sites = Vec::new();
    for i in 0..40 {
        let (cx, cy, r) = (
            rng.range(112.0, 112.5),
            rng.range(36.0, 36.5),
            rng.range(0.003, 0.008),
        );
        licence_sites.push((cx, cy, r));
        licences.push(feature(
            &format!(r#"{{"licence_id":"L{i}","valid_to":"2030-12-31"}}"#),
            &[ring(&mut rng, cx, cy, r, 8, 0.3)],
        ));
    }
    let mut patches = Vec::new();
    for i in 0..400 {
        let (cx, cy) = match i % 3 {
            0 => {
                let (x, y, r) = licence_sites[(rng.next() * 40.0) as usize % 40];
                let t = rng.range(0.0, 6.3);
                (
                    x + r * rng.range(0.0, 1.3) * t.cos(),
                    y + r * rng.range(0.0, 1.3) * t.sin(),
                )
            }
            1 => {
                let (x, y, r) = zone_sites[(rng.next() * 6.0) as usize % 6];
                let t = rng.range(0.0, 6.3);
                (
                    x + r * rng.range(0.5, 1.3) * t.cos(),
                    y + r * rng.range(0.5, 1.3) * t.sin(),
                )
            }
            _ => (rng.range(112.0, 112.5), rng.range(36.0, 36.5)),
        };
        let r = rng.range(0.0003, 0.0015);
        patches.push(feature(
            &format!(r#"{{"patch_id":"P{i:03}","later_date":"2026-05-01"}}"#),
            &[ring(&mut rng, cx, cy, r, 24, 0.8)],
        ));
    }

    let dir = tempfile::tempdir().expect("dir");
    let files = [
        ("patches", &patches),
        ("licences", &licences),
        ("zones", &zones),
    ];
    for (table, features) in &files {
        std::fs::write(
            dir.path().join(format!("{table}.geojson")),
            collection(features),
        )
        .expect("write");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_minewatch"))
        .current_dir(dir.path())
        .args([
            "triage",
            "patches.geojson",
            "--licences",
            "licences.geojson",
            "--zones",
            "zones.geojson",
            "--out",
            "mine.csv",
            "-q",
        ])
        .output()
        .expect("run minewatch");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // The same features into PostGIS, from the same GeoJSON text.
    for (table, features) in &files {
        let key = match *table {
            "patches" => "patch_id",
            "licences" => "licence_id",
            _ => "zone_id",
        };
        let mut sql =
            format!("CREATE TABLE {table} (id text PRIMARY KEY, geom geometry(Polygon, 4326));\n");
        for f in *features {
            let v: serde_json::Value = serde_json::from_str(f).expect("json");
            let _ = writeln!(
                sql,
                "INSERT INTO {table} VALUES ('{}', ST_SetSRID(ST_GeomFromGeoJSON('{}'), 4326));",
                v["properties"][key].as_str().expect("id"),
                v["geometry"]
            );
        }
        let _ = writeln!(sql, "CREATE INDEX ON {table} USING gist (geom);");
        let file = dir.path().join(format!("{table}.sql"));
        std::fs::write(&file, sql).expect("sql");
        let o = Command::new("psql")
            .arg(&url)
            .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-f"])
            .arg(&file)
            .output()
            .expect("psql");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let theirs = |sql: &str| -> BTreeMap<String, BTreeMap<String, f64>> {
        let mut m: BTreeMap<String, BTreeMap<String, f64>> = BTreeMap::new();
        for line in psql(&url, sql).lines() {
            let parts: Vec<&str> = line.split('|').collect();
            m.entry(parts[0].to_string())
                .or_default()
                .insert(parts[1].to_string(), parts[2].parse().expect("area"));
        }
        m
    };
    let areas: BTreeMap<String, f64> =
        psql(&url, "SELECT id, ST_Area(geom::geography) FROM patches")
            .lines()
            .map(|l| {
                let (id, a) = l.split_once('|').expect("row");
                (id.to_string(), a.parse().expect("area"))
            })
            .collect();
    let pg_licences = theirs(
        "SELECT p.id, l.id, ST_Area(ST_Intersection(p.geom, l.geom)::geography) FROM patches p JOIN licences l ON ST_Intersects(p.geom, l.geom)",
    );
    let pg_zones = theirs(
        "SELECT p.id, z.id, ST_Area(ST_Intersection(p.geom, z.geom)::geography) FROM patches p JOIN zones z ON ST_Intersects(p.geom, z.geom)",
    );

    let mut csv = csv::Reader::from_path(dir.path().join("mine.csv")).expect("csv");
    let headers = csv.headers().expect("headers").clone();
    let col = |r: &csv::StringRecord, n: &str| {
        r[headers.iter().position(|h| h == n).expect(n)].to_string()
    };
    let list = |s: String| -> Vec<String> {
        s.split(';')
            .filter(|x| !x.is_empty())
            .map(str::to_string)
            .collect()
    };
    let (mut touched_licences, mut touched_zones) = (0, 0);
    let mut faults = Vec::new();
    for r in csv.records() {
        let r = r.expect("row");
        let id = col(&r, "patch_id");
        let area: f64 = col(&r, "area_m2").parse().expect("area");
        if !close(area, areas[&id]) {
            faults.push(format!("{id}: area {area} vs {}", areas[&id]));
        }
        for (ids, values, pg) in [
            (
                col(&r, "licence_ids"),
                col(&r, "licence_areas_m2"),
                &pg_licences,
            ),
            (col(&r, "zone_ids"), col(&r, "zone_areas_m2"), &pg_zones),
        ] {
            let mine: BTreeMap<String, f64> = list(ids)
                .into_iter()
                .zip(
                    list(values)
                        .into_iter()
                        .map(|v| v.parse::<f64>().expect("area")),
                )
                .collect();
            let empty = BTreeMap::new();
            let other = pg.get(&id).unwrap_or(&empty);
            if mine.keys().collect::<BTreeSet<_>>() != other.keys().collect::<BTreeSet<_>>() {
                faults.push(format!("{id}: {:?} vs {:?}", mine.keys(), other.keys()));
                continue;
            }
            for (k, a) in &mine {
                if !close(*a, other[k]) {
                    faults.push(format!("{id} ∩ {k}: {a} vs {}", other[k]));
                }
            }
        }
        touched_licences += usize::from(!col(&r, "licence_ids").is_empty());
        touched_zones += usize::from(!col(&r, "zone_ids").is_empty());
    }
    psql(&base, &format!("DROP DATABASE IF EXISTS {name}"));
    assert!(
        faults.is_empty(),
        "{} disagreements: {:#?}",
        faults.len(),
        &faults[..faults.len().min(10)]
    );
    // The data must exercise both joins, or agreement would prove nothing.
    assert!(
        touched_licences > 50 && touched_zones > 50,
        "{touched_licences} {touched_zones}"
    );
}
