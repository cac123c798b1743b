//! What the store contract tests share: a store on SQLite or on a fresh PostgreSQL database.

#![allow(dead_code, reason = "each test file uses a different part")]

use chrono::{DateTime, Utc};
use minewatch_core::Role;
use minewatch_store::{Actor, NewUser, Store, StoreConfig};

/// Every test store draws from this seed, so its look-back draws and codes are known.
pub const TEST_SEED: u64 = 20_261_201;

/// The look-back a store seeded with `seed` draws at the first closing it sees.
pub fn first_random_look_back(
    seed: u64,
    closed_on: chrono::NaiveDate,
) -> Option<chrono::NaiveDate> {
    use rand::{Rng, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let (roll, day_roll): (f64, f64) = (rng.r#gen(), rng.r#gen());
    minewatch_core::ledger::deadline::random_look_back(
        closed_on,
        minewatch_core::ledger::deadline::RANDOM_LOOK_BACK_SHARE,
        roll,
        day_roll,
    )
}

pub async fn open_store(pg: bool, dir: &tempfile::TempDir) -> (Store, String) {
    open_store_seeded(pg, dir, TEST_SEED).await
}

pub async fn open_store_seeded(pg: bool, dir: &tempfile::TempDir, seed: u64) -> (Store, String) {
    let location = if pg {
        minewatch_testkit::fresh_postgres("mw_test").await
    } else {
        dir.path().join("ledger.db").to_string_lossy().into_owned()
    };
    let mut cfg = StoreConfig::new(location.clone());
    cfg.blob_dir = Some(dir.path().join("blobs"));
    let url = if pg {
        location
    } else {
        format!("sqlite://{location}")
    };
    (
        Store::open(cfg).await.expect("open store").with_seed(seed),
        url,
    )
}

/// Changes rows behind the store's back, as someone with database access could.
pub async fn tamper(url: &str, sql: &str) {
    if url.starts_with("postgres") {
        let pool = sqlx::PgPool::connect(url).await.expect("connect");
        sqlx::raw_sql(sql).execute(&pool).await.expect("tamper");
        pool.close().await;
    } else {
        let pool = sqlx::SqlitePool::connect(url).await.expect("connect");
        sqlx::raw_sql(sql).execute(&pool).await.expect("tamper");
        pool.close().await;
    }
}

/// A user of the county and the actor they act as.
#[expect(clippy::too_many_arguments, reason = "a user row is this many facts")]
pub async fn user(
    store: &Store,
    county_id: i64,
    name: &str,
    role: Role,
    township_id: Option<i64>,
    village_id: Option<i64>,
    department_id: Option<i64>,
    at: DateTime<Utc>,
) -> Actor {
    let id = store
        .create_user(
            &NewUser {
                county_id,
                username: name.into(),
                display_name: name.into(),
                password_hash: "-".into(),
                role,
                township_id,
                village_id,
                department_id,
            },
            at,
        )
        .await
        .expect("user");
    store.actor(id).await.expect("actor")
}

/// A scene of terrain from above: several octaves of smooth value noise, coloured, with a
/// few pits and a track, different per seed; big enough to crop viewpoints from.
pub fn scene(seed: u64, w: u32, h: u32) -> image::RgbImage {
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    let octaves: Vec<(f64, Vec<f64>)> = [8usize, 16, 32, 64]
        .iter()
        .map(|&n| (n as f64, (0..(n + 1) * (n + 1)).map(|_| next()).collect()))
        .collect();
    let pits: Vec<(f64, f64, f64)> = (0..5)
        .map(|_| (next(), next(), 0.03 + next() * 0.06))
        .collect();
    let track = (next(), next() - 0.5);
    image::RgbImage::from_fn(w, h, |x, y| {
        let (u, v) = (f64::from(x) / f64::from(w), f64::from(y) / f64::from(h));
        let mut val = 0.0;
        let mut amp = 1.0;
        for (n, grid) in &octaves {
            let (gx, gy) = (u * n, v * n);
            let (ix, iy) = (gx.floor() as usize, gy.floor() as usize);
            let (fx, fy) = (gx - gx.floor(), gy - gy.floor());
            let side = *n as usize + 1;
            let at = |i: usize, j: usize| grid[(j.min(side - 1)) * side + i.min(side - 1)];
            let smooth = |t: f64| t * t * (3.0 - 2.0 * t);
            let (sx, sy) = (smooth(fx), smooth(fy));
            let top = at(ix, iy) * (1.0 - sx) + at(ix + 1, iy) * sx;
            let bottom = at(ix, iy + 1) * (1.0 - sx) + at(ix + 1, iy + 1) * sx;
            val += amp * (top * (1.0 - sy) + bottom * sy);
            amp *= 0.5;
        }
        val /= 1.875;
        for (px, py, r) in &pits {
            if (u - px).hypot(v - py) < *r {
                val = 0.85;
            }
        }
        if (v - (track.0 + track.1 * u)).abs() < 0.012 {
            val = 0.95;
        }
        let g = (val * 255.0).clamp(0.0, 255.0) as u8;
        image::Rgb([
            g,
            (f64::from(g) * 0.8 + 30.0) as u8,
            (255.0 - f64::from(g) * 0.7) as u8,
        ])
    })
}

/// Runs each named `async fn name(pg: bool)` as two tests: `sqlite::name` and `postgres::name`.
#[allow(unused_macros, reason = "not every test file runs on both engines")]
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() { super::$name(false).await } )*
        }
        mod postgres {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() { super::$name(true).await } )*
        }
    };
}

/// The county every store test starts from: 甲镇 (一村, 二村) and 乙街道 (三社区), one grid
/// per village with its three named officials, every department and the default routing.
pub struct TestCounty {
    pub county: i64,
    pub t_jia: i64,
    pub t_yi: i64,
    pub v1: i64,
    pub v2: i64,
    pub v3: i64,
    /// The grids of 一村, 二村 and 三社区, in that order.
    pub grids: [i64; 3],
}

pub async fn test_county(store: &Store) -> TestCounty {
    let county = store.create_county("TS", "测试县").await.expect("county");
    let t_jia = store
        .create_township(county, "甲镇", "township")
        .await
        .expect("township");
    let t_yi = store
        .create_township(county, "乙街道", "street")
        .await
        .expect("township");
    let mut villages = Vec::new();
    for (township, name, kind) in [
        (t_jia, "一村", "village"),
        (t_jia, "二村", "village"),
        (t_yi, "三社区", "community"),
    ] {
        villages.push(
            store
                .create_village(township, name, kind)
                .await
                .expect("village"),
        );
    }
    let mut grids = [0; 3];
    for (i, name) in ["一村网格", "二村网格", "三社区网格"]
        .into_iter()
        .enumerate()
    {
        grids[i] = store
            .create_grid(&minewatch_store::NewGrid {
                village_id: villages[i],
                name: name.into(),
                first_responsible: "甲书记".into(),
                directly_responsible: "乙主任".into(),
                village_cadre: "丙干部".into(),
                contact_phone: String::new(),
            })
            .await
            .expect("grid");
    }
    for code in minewatch_core::org::DepartmentCode::ALL {
        store
            .create_department(county, code, ("联络员", "0000"))
            .await
            .expect("department");
    }
    store
        .install_default_routing(county)
        .await
        .expect("routing");
    TestCounty {
        county,
        t_jia,
        t_yi,
        v1: villages[0],
        v2: villages[1],
        v3: villages[2],
        grids,
    }
}

/// A rectangle in degrees.
pub fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> geo::Geometry<f64> {
    geo::Geometry::Polygon(geo::Polygon::new(
        geo::LineString::from(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]),
        vec![],
    ))
}

/// A feature's shape and its attributes (name, value).
pub type Item<'a> = (geo::Geometry<f64>, Vec<(&'a str, &'a str)>);

/// A register layer as read from a file.
pub fn layer(features: Vec<Item<'_>>) -> minewatch_spatial::read::Layer {
    minewatch_spatial::read::Layer {
        source: "test.geojson".into(),
        crs: minewatch_spatial::crs::Crs::CGCS2000,
        encoding: None,
        features: features
            .into_iter()
            .enumerate()
            .map(|(i, (geometry, attrs))| minewatch_spatial::read::Feature {
                number: i + 1,
                geometry,
                attributes: attrs
                    .iter()
                    .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
                    .collect(),
            })
            .collect(),
    }
}

/// 10:00 in Beijing on 2026-05-`day`.
pub fn at(day: u32) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    chrono::Utc
        .with_ymd_and_hms(2026, 5, day, 2, 0, 0)
        .single()
        .expect("valid")
}

/// 2026-05-`day`.
pub fn d(day: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 5, day).expect("date")
}

/// 10:00 in the county on a day of 2026.
pub fn on(month: u32, day: u32) -> DateTime<Utc> {
    use chrono::TimeZone;
    Utc.with_ymd_and_hms(2026, month, day, 2, 0, 0)
        .single()
        .expect("time")
}

/// A day of 2026.
pub fn day(month: u32, d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, month, d).expect("date")
}
