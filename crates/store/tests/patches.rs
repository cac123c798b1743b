//! Registers, patch batches and field evidence in the store, on SQLite and PostgreSQL.

use chrono::{DateTime, TimeZone, Utc};
use minewatch_core::{Role, Severity};
use minewatch_spatial::inputs::Fields;
use minewatch_spatial::read::Layer;
use minewatch_store::{
    Actor, CaseFilter, NewVerification, PatchFilter, RegisterLayer, Store, StoreError,
};

#[macro_use]
mod common;
use common::{layer, open_store, rect};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 4, 1, 2, 0, 0)
        .single()
        .expect("valid")
}

struct Fix {
    store: Store,
    _dir: tempfile::TempDir,
    office: Actor,
    village_1: Actor,
    township_jia: Actor,
    township_yi: Actor,
    v2: i64,
    t_jia: i64,
}

async fn fixture(pg: bool) -> Fix {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, _) = open_store(pg, &dir).await;
    let common::TestCounty {
        county,
        t_jia,
        t_yi,
        v1,
        v2,
        ..
    } = common::test_county(&store).await;
    let mk = async |name: &str, role: Role, township_id, village_id| {
        common::user(
            &store,
            county,
            name,
            role,
            township_id,
            village_id,
            None,
            t0(),
        )
        .await
    };
    Fix {
        office: mk("office", Role::CountyOffice, None, None).await,
        village_1: mk("v1", Role::Village, Some(t_jia), Some(v1)).await,
        township_jia: mk("tj", Role::Township, Some(t_jia), None).await,
        township_yi: mk("ty", Role::Township, Some(t_yi), None).await,
        store,
        _dir: dir,
        v2,
        t_jia,
    }
}

fn grids() -> Layer {
    layer(vec![
        (
            rect(112.00, 36.00, 112.01, 36.01),
            vec![("乡镇", "甲镇"), ("村", "一村"), ("网格", "一村网格")],
        ),
        (
            rect(112.01, 36.00, 112.02, 36.01),
            vec![("乡镇", "甲镇"), ("村", "二村"), ("网格", "二村网格")],
        ),
        (
            rect(112.02, 36.00, 112.03, 36.01),
            vec![("乡镇", "乙街道"), ("村", "三社区")],
        ),
    ])
}

async fn registers(f: &Fix) {
    let s = &f.store;
    let fields = Fields::default();
    s.import_register(&f.office, RegisterLayer::Grid, grids(), &fields, t0())
        .await
        .expect("grids");
    s.import_register(
        &f.office,
        RegisterLayer::Licence,
        layer(vec![(
            rect(112.002, 36.002, 112.006, 36.006),
            vec![
                ("XKZH", "C-1"),
                ("YXQQ", "2020-01-01"),
                ("YXQZ", "2030-12-31"),
            ],
        )]),
        &fields,
        t0(),
    )
    .await
    .expect("licences");
    s.import_register(
        &f.office,
        RegisterLayer::Zone,
        layer(vec![(
            rect(112.021, 36.001, 112.029, 36.009),
            vec![("zone_id", "ZR-1"), ("kind", "自然保护地")],
        )]),
        &fields,
        t0(),
    )
    .await
    .expect("zones");
}

fn batch() -> Layer {
    layer(vec![
        (
            rect(112.003, 36.003, 112.004, 36.004),
            vec![("TBBH", "P1"), ("HSX", "2026-03-01")],
        ),
        (
            rect(112.013, 36.003, 112.014, 36.004),
            vec![("TBBH", "P2"), ("HSX", "2026-03-01")],
        ),
        (
            rect(112.023, 36.003, 112.024, 36.004),
            vec![("TBBH", "P3"), ("HSX", "2026-03-01")],
        ),
    ])
}

async fn patch_batches_are_triaged_and_routed(pg: bool) {
    let f = fixture(pg).await;
    let s = &f.store;

    // A boundary naming a village the roster lacks: the whole layer is refused.
    let bad = layer(vec![
        (
            rect(112.0, 36.0, 112.01, 36.01),
            vec![("乡镇", "甲镇"), ("村", "一村")],
        ),
        (
            rect(112.01, 36.0, 112.02, 36.01),
            vec![("乡镇", "甲镇"), ("村", "九村")],
        ),
    ]);
    let e = s
        .import_register(
            &f.office,
            RegisterLayer::Grid,
            bad,
            &Fields::default(),
            t0(),
        )
        .await
        .expect_err("unknown village");
    assert!(
        e.to_string()
            .contains("feature 2: village 九村 of 甲镇 is not in the roster"),
        "{e}"
    );
    assert!(
        s.register_features(f.office.county_id, None)
            .await
            .expect("q")
            .is_empty()
    );

    // Patches need grid boundaries to be routed.
    let e = s
        .import_patches(&f.office, "Q1", batch(), &Fields::default(), t0())
        .await
        .expect_err("no grids");
    assert!(
        matches!(e, StoreError::Invalid { field: "grids", .. }),
        "{e}"
    );

    registers(&f).await;
    let e = s
        .import_patches(&f.village_1, "Q1", batch(), &Fields::default(), t0())
        .await
        .expect_err("village");
    assert!(matches!(e, StoreError::Forbidden(_)));

    let cases_before = s
        .list_cases(&f.office, &CaseFilter::default(), t0().date_naive(), 1, 10)
        .await
        .expect("cases")
        .1;
    let sum = s
        .import_patches(&f.office, "Q1", batch(), &Fields::default(), t0())
        .await
        .expect("import");
    assert_eq!((sum.patches, sum.suspects), (3, 2));
    let all = s
        .patches(&f.office, &PatchFilter::default())
        .await
        .expect("patches");
    let by_no = |no: &str| {
        all.iter()
            .find(|p| p.patch_no == no)
            .expect("patch")
            .clone()
    };
    assert_eq!(by_no("P1").class, "inside_licence");
    assert_eq!(by_no("P1").status, "cleared");
    assert!(by_no("P1").case_id.is_none());
    let p2 = by_no("P2");
    assert_eq!(
        (p2.class.as_str(), p2.village.as_deref()),
        ("no_licence", Some("二村"))
    );
    let p3 = by_no("P3");
    assert_eq!(
        (p3.class.as_str(), p3.township.as_deref()),
        ("protected", Some("乙街道"))
    );
    let cases_after = s
        .list_cases(&f.office, &CaseFilter::default(), t0().date_naive(), 1, 10)
        .await
        .expect("cases")
        .1;
    assert_eq!(cases_after, cases_before + 2);
    let case = s
        .case_detail(&f.office, p2.case_id.expect("case"), t0().date_naive())
        .await
        .expect("case");
    assert_eq!(case.case.village_id, Some(f.v2));
    assert_eq!(case.case.township_id, f.t_jia);
    assert_eq!(case.case.source, "satellite_patch");
    assert!(case.case.due_on.is_some(), "a verification deadline");
    let case3 = s
        .case_detail(&f.office, p3.case_id.expect("case"), t0().date_naive())
        .await
        .expect("case");
    assert_eq!(case3.case.severity, Severity::Key.code());

    // Each sees its own.
    let seen = |a: &Actor| {
        let s = s.clone();
        let a = a.clone();
        async move {
            let mut v: Vec<String> = s
                .patches(&a, &PatchFilter::default())
                .await
                .expect("patches")
                .into_iter()
                .map(|p| p.patch_no)
                .collect();
            v.sort();
            v
        }
    };
    assert_eq!(seen(&f.village_1).await, vec!["P1"]);
    assert_eq!(seen(&f.township_jia).await, vec!["P1", "P2"]);
    assert_eq!(seen(&f.township_yi).await, vec!["P3"]);
    assert!(matches!(
        s.patch(&f.village_1, p2.id).await,
        Err(StoreError::NotFound { .. })
    ));

    // The same batch name twice, and a batch with a suspect outside every grid.
    let e = s
        .import_patches(&f.office, "Q1", batch(), &Fields::default(), t0())
        .await
        .expect_err("same name");
    assert!(
        matches!(e, StoreError::Invalid { field: "batch", .. }),
        "{e}"
    );
    let outside = layer(vec![(
        rect(113.0, 37.0, 113.001, 37.001),
        vec![("TBBH", "X1")],
    )]);
    let e = s
        .import_patches(&f.office, "Q2", outside, &Fields::default(), t0())
        .await
        .expect_err("outside");
    assert!(
        e.to_string()
            .contains("patch X1: lies outside every grid boundary"),
        "{e}"
    );
    assert_eq!(
        s.patches(&f.office, &PatchFilter::default())
            .await
            .expect("q")
            .len(),
        3
    );

    // Importing licences again retires the old ones.
    let again = s
        .import_register(
            &f.office,
            RegisterLayer::Licence,
            layer(vec![(
                rect(112.0, 36.0, 112.001, 36.001),
                vec![("XKZH", "C-2")],
            )]),
            &Fields::default(),
            t0(),
        )
        .await
        .expect("again");
    assert_eq!(again.retired, 1);
    let licences = s
        .register_features(f.office.county_id, Some(RegisterLayer::Licence))
        .await
        .expect("q");
    assert_eq!(licences.len(), 1);
    assert_eq!(licences[0].external_id, "C-2");
    assert!(s.audit_verify().await.expect("db").is_ok());
}

async fn field_evidence_and_review(pg: bool) {
    let f = fixture(pg).await;
    let s = &f.store;
    registers(&f).await;
    s.import_patches(&f.office, "Q1", batch(), &Fields::default(), t0())
        .await
        .expect("import");
    let all = s
        .patches(&f.office, &PatchFilter::default())
        .await
        .expect("patches");
    let p2 = all.iter().find(|p| p.patch_no == "P2").expect("P2").id;
    let v = |reason: &str, permit: &str, note: &str| NewVerification {
        reason: reason.into(),
        permit_no: permit.into(),
        note: note.into(),
        photos: vec![],
        ..Default::default()
    };
    let e = s
        .verify_patch(&f.township_jia, p2, &v("licensed_mining", "", ""), t0())
        .await;
    assert!(
        matches!(
            e,
            Err(StoreError::Invalid {
                field: "permit_no",
                ..
            })
        ),
        "{e:?}"
    );
    let e = s
        .verify_patch(&f.township_jia, p2, &v("other", "", " "), t0())
        .await;
    assert!(
        matches!(e, Err(StoreError::Invalid { field: "note", .. })),
        "{e:?}"
    );
    let e = s
        .verify_patch(&f.township_jia, p2, &v("no_such", "", ""), t0())
        .await;
    assert!(
        matches!(
            e,
            Err(StoreError::Invalid {
                field: "reason",
                ..
            })
        ),
        "{e:?}"
    );
    let e = s
        .verify_patch(&f.township_yi, p2, &v("unlicensed", "", ""), t0())
        .await;
    assert!(
        matches!(e, Err(StoreError::NotFound { .. })),
        "another township: {e:?}"
    );

    s.verify_patch(
        &f.township_jia,
        p2,
        &v("natural_change", "", "山体滑坡"),
        t0(),
    )
    .await
    .expect("verify");
    let e = s.review_patch(&f.township_jia, p2, true, "", t0()).await;
    assert!(matches!(e, Err(StoreError::Forbidden(_))));
    let e = s.review_patch(&f.office, p2, false, "", t0()).await;
    assert!(matches!(
        e,
        Err(StoreError::Invalid {
            field: "review_note",
            ..
        })
    ));
    s.review_patch(
        &f.office,
        p2,
        false,
        "现场有新鲜挖掘痕迹，不是自然变化",
        t0(),
    )
    .await
    .expect("return");
    assert_eq!(
        s.patch(&f.office, p2).await.expect("p").row.status,
        "returned"
    );
    s.verify_patch(&f.township_jia, p2, &v("unlicensed", "", "已立案"), t0())
        .await
        .expect("verify again");
    s.review_patch(&f.office, p2, true, "", t0())
        .await
        .expect("accept");
    let d = s.patch(&f.office, p2).await.expect("p");
    assert_eq!(d.row.status, "accepted");
    assert_eq!(d.verifications.len(), 2);
    assert_eq!(d.verifications[0].review, "returned");
    assert_eq!(d.verifications[1].determination, "illegal");
    let e = s
        .verify_patch(&f.township_jia, p2, &v("unlicensed", "", ""), t0())
        .await;
    assert!(
        matches!(e, Err(StoreError::Invalid { field: "patch", .. })),
        "{e:?}"
    );
    let timeline = s
        .case_detail(&f.office, d.row.case_id.expect("case"), t0().date_naive())
        .await
        .expect("case");
    assert!(timeline.events.iter().any(|e| e.kind == "patch.returned"));
    assert!(s.audit_verify().await.expect("db").is_ok());
}

/// A picture of smooth random waves (like terrain from above), different per seed.
fn picture(seed: u64) -> image::RgbImage {
    let mut waves = Vec::new();
    let mut s = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    let mut next = || {
        s = s
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (s >> 33) as f64 / f64::from(u32::MAX)
    };
    for _ in 0..6 {
        waves.push((next() * 0.08, next() * 0.08, next() * 6.3, next()));
    }
    image::RgbImage::from_fn(320, 240, |x, y| {
        let v: f64 = waves
            .iter()
            .map(|(fx, fy, p, a)| a * ((f64::from(x) * fx + f64::from(y) * fy + p).sin()))
            .sum();
        let g = (128.0 + v * 40.0).clamp(0.0, 255.0) as u8;
        image::Rgb([g, g / 2 + 60, 255 - g])
    })
}

/// A JPEG with an EXIF block giving the time and GPS position a phone would write.
fn jpeg(img: &image::RgbImage, quality: u8, taken: &str, lon: f64, lat: f64) -> Vec<u8> {
    jpeg_exif(img, quality, Some(taken), Some((lon, lat)))
}

/// A JPEG whose EXIF holds what is given: a time, a position, either or neither (no EXIF).
fn jpeg_exif(
    img: &image::RgbImage,
    quality: u8,
    taken: Option<&str>,
    at: Option<(f64, f64)>,
) -> Vec<u8> {
    use exif::{Field, In, Rational, Tag, Value};
    let mut body = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut body, quality)
        .encode_image(img)
        .expect("encode");
    let dms = |v: f64| {
        let d = v.trunc();
        let m = ((v - d) * 60.0).trunc();
        let s = ((v - d) * 60.0 - m) * 60.0;
        Value::Rational(vec![
            Rational {
                num: d as u32,
                denom: 1,
            },
            Rational {
                num: m as u32,
                denom: 1,
            },
            Rational {
                num: (s * 1000.0).round() as u32,
                denom: 1000,
            },
        ])
    };
    if taken.is_none() && at.is_none() {
        return body;
    }
    let (lon, lat) = at.unwrap_or((0.0, 0.0));
    let mut fields = Vec::new();
    if let Some(taken) = taken {
        fields.push(Field {
            tag: Tag::DateTimeOriginal,
            ifd_num: In::PRIMARY,
            value: Value::Ascii(vec![taken.as_bytes().to_vec()]),
        });
    }
    let gps = [
        Field {
            tag: Tag::GPSLatitudeRef,
            ifd_num: In::PRIMARY,
            value: Value::Ascii(vec![b"N".to_vec()]),
        },
        Field {
            tag: Tag::GPSLatitude,
            ifd_num: In::PRIMARY,
            value: dms(lat),
        },
        Field {
            tag: Tag::GPSLongitudeRef,
            ifd_num: In::PRIMARY,
            value: Value::Ascii(vec![b"E".to_vec()]),
        },
        Field {
            tag: Tag::GPSLongitude,
            ifd_num: In::PRIMARY,
            value: dms(lon),
        },
    ];
    if at.is_some() {
        fields.extend(gps);
    }
    let mut w = exif::experimental::Writer::new();
    for f in &fields {
        w.push_field(f);
    }
    let mut tiff = std::io::Cursor::new(Vec::new());
    w.write(&mut tiff, false).expect("exif");
    let tiff = tiff.into_inner();
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
    let len = u16::try_from(tiff.len() + 8).expect("small");
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(b"Exif\0\0");
    out.extend_from_slice(&tiff);
    out.extend_from_slice(&body[2..]);
    out
}

async fn false_records_are_found(pg: bool) {
    use minewatch_store::FindingKind as K;
    let f = fixture(pg).await;
    let s = &f.store;
    registers(&f).await;
    s.import_patches(&f.office, "Q1", batch(), &Fields::default(), t0())
        .await
        .expect("Q1");
    // The next quarter shows change at the same place as P2, and a new patch in 二村.
    let q2 = layer(vec![
        (
            rect(112.0135, 36.0035, 112.0145, 36.0045),
            vec![("TBBH", "P2b"), ("HSX", "2026-06-01")],
        ),
        (
            rect(112.016, 36.006, 112.017, 36.007),
            vec![("TBBH", "P4"), ("HSX", "2026-06-01")],
        ),
    ]);
    s.import_patches(&f.office, "Q2", q2, &Fields::default(), t0())
        .await
        .expect("Q2");
    let all = s
        .patches(&f.office, &PatchFilter::default())
        .await
        .expect("patches");
    let id = |no: &str| all.iter().find(|p| p.patch_no == no).expect("patch").id;
    let put = |bytes: Vec<u8>, name: &'static str| {
        let s = s.clone();
        let a = f.township_jia.clone();
        async move {
            s.put_attachment(&a, bytes, name, None, t0())
                .await
                .expect("photo")
                .sha256
        }
    };
    let verify = |patch: minewatch_store::PatchId,
                  actor: &Actor,
                  reason: &str,
                  permit: &str,
                  photos: Vec<String>| {
        let s = s.clone();
        let a = actor.clone();
        let v = NewVerification {
            reason: reason.into(),
            permit_no: permit.into(),
            note: "现场核查".into(),
            photos,
            ..Default::default()
        };
        async move { s.verify_patch(&a, patch, &v, t0()).await.expect("verify") }
    };

    // A clean record: P3 in the reserve, photographed there after the image.
    let at_p3 = put(
        jpeg(&picture(3), 90, "2026:03:20 10:00:00", 112.0235, 36.0035),
        "p3.jpg",
    )
    .await;
    verify(id("P3"), &f.township_yi, "protected_area", "", vec![at_p3]).await;
    assert_eq!(
        s.truth_findings(&f.office, None).await.expect("q"),
        vec![],
        "a clean record raises nothing"
    );

    // P2 with a true photo; P2b (same place, next quarter) with the same picture re-encoded
    // smaller, written off as natural change; P4 with P2's very photo.
    let original = picture(2);
    let at_p2 = put(
        jpeg(&original, 92, "2026:03:10 09:00:00", 112.0135, 36.0035),
        "p2.jpg",
    )
    .await;
    let smaller =
        image::imageops::resize(&original, 256, 192, image::imageops::FilterType::Triangle);
    let reencoded = put(
        jpeg(&smaller, 60, "2026:06:10 09:00:00", 112.0140, 36.0040),
        "p2b.jpg",
    )
    .await;
    verify(
        id("P2"),
        &f.township_jia,
        "unlicensed",
        "",
        vec![at_p2.clone()],
    )
    .await;
    verify(
        id("P2b"),
        &f.township_jia,
        "natural_change",
        "",
        vec![reencoded],
    )
    .await;
    verify(id("P4"), &f.township_jia, "unlicensed", "", vec![at_p2]).await;
    // P1 inside the licence: judged legal from the overlay alone, and a photo 3 km away
    // taken before the later image.
    let far = put(
        jpeg(&picture(9), 85, "2026:02:01 08:00:00", 112.0035, 36.0305),
        "far.jpg",
    )
    .await;
    verify(id("P1"), &f.village_1, "licensed_mining", "C-1", vec![]).await;

    let found = s.truth_findings(&f.office, None).await.expect("q");
    let has = |no: &str, kind: K| found.iter().any(|x| x.patch_no == no && x.kind == kind);
    assert!(
        has("P2", K::PhotoReused) && has("P4", K::PhotoReused),
        "{found:#?}"
    );
    assert!(has("P2b", K::PhotoSimilar), "{found:#?}");
    assert!(
        has("P2", K::ConflictingDeterminations) && has("P2b", K::ConflictingDeterminations),
        "{found:#?}"
    );
    assert!(has("P2b", K::WrittenOffWithoutReview), "{found:#?}");
    assert!(has("P1", K::LicensedLegalWithoutPhoto), "{found:#?}");
    assert!(
        !has("P3", K::PhotoSimilar) && !found.iter().any(|x| x.patch_no == "P3"),
        "{found:#?}"
    );

    // Evidence awaiting review cannot be replaced; sent back, P4 is re-filed with a far,
    // early photo.
    let e = s
        .verify_patch(
            &f.township_jia,
            id("P4"),
            &NewVerification {
                reason: "unlicensed".into(),
                permit_no: String::new(),
                note: String::new(),
                photos: vec![],
                ..Default::default()
            },
            t0(),
        )
        .await;
    assert!(
        matches!(e, Err(StoreError::Invalid { field: "patch", .. })),
        "{e:?}"
    );
    s.review_patch(&f.office, id("P4"), false, "照片与图斑不符", t0())
        .await
        .expect("return");
    verify(id("P4"), &f.township_jia, "unlicensed", "", vec![far]).await;
    let found = s
        .truth_findings(&f.office, Some(id("P4")))
        .await
        .expect("q");
    let far_finding = found
        .iter()
        .find(|x| x.kind == K::PhotoFar)
        .expect("far photo found");
    let metres: f64 = far_finding
        .detail_en
        .split_whitespace()
        .find_map(|w| w.parse().ok())
        .expect("a distance");
    assert!((2500.0..3500.0).contains(&metres), "{far_finding:?}");
    assert!(
        found.iter().any(|x| x.kind == K::PhotoBeforeImage),
        "{found:#?}"
    );
    assert!(found.iter().all(|x| x.patch_no == "P4"));

    // Unrelated pictures are far apart in the perceptual hash; the re-encoded copy is close.
    let hash = |img: &image::RgbImage| {
        minewatch_store::photo::analyse(&jpeg(img, 90, "2026:03:01 00:00:00", 112.0, 36.0))
            .phash
            .expect("hash")
    };
    let (h2, h3, h9) = (hash(&original), hash(&picture(3)), hash(&picture(9)));
    let copy = hash(&smaller);
    let d = minewatch_store::photo::distance;
    assert!(d(&h2, &copy).expect("d") <= 4, "re-encoded copy");
    for (a, b) in [(&h2, &h3), (&h2, &h9), (&h3, &h9)] {
        assert!(d(a, b).expect("d") >= 16, "unrelated pictures {a} {b}");
    }

    // A township sees findings only on its own patches.
    let theirs = s.truth_findings(&f.township_yi, None).await.expect("q");
    assert!(theirs.iter().all(|x| x.patch_no == "P3"), "{theirs:#?}");
}

/// A planted set and a clean set, as a county's inspectors would test the checks: edited
/// copies, photos without EXIF, photos whose EXIF disagrees with the phone's record, and a
/// corrected determination — beside honest near-misses that must raise nothing.
async fn planted_records_are_found_and_honest_ones_are_not(pg: bool) {
    use minewatch_store::{Capture, FindingKind as K};
    let f = fixture(pg).await;
    let s = &f.store;
    registers(&f).await;
    let sq = |x: f64, y: f64| rect(x, y, x + 0.0005, y + 0.0005);
    let names = ["A", "B", "C", "D", "E", "F", "G1", "G2"];
    let spots = [
        (112.0110, 36.0010),
        (112.0130, 36.0010),
        (112.0150, 36.0010),
        (112.0170, 36.0010),
        (112.0110, 36.0080),
        (112.0130, 36.0080),
        (112.0150, 36.0080),
        (112.0170, 36.0080),
    ];
    let q3 = layer(
        names
            .iter()
            .zip(spots)
            .map(|(n, (x, y))| {
                let attrs = match *n {
                    "A" => vec![("TBBH", "A"), ("后时相", "2026-06-01")],
                    "B" => vec![("TBBH", "B"), ("后时相", "2026-06-01")],
                    "C" => vec![("TBBH", "C"), ("后时相", "2026-06-01")],
                    "D" => vec![("TBBH", "D"), ("后时相", "2026-06-01")],
                    "E" => vec![("TBBH", "E"), ("后时相", "2026-06-01")],
                    "F" => vec![("TBBH", "F"), ("后时相", "2026-06-01")],
                    "G1" => vec![("TBBH", "G1"), ("后时相", "2026-06-01")],
                    _ => vec![("TBBH", "G2"), ("后时相", "2026-06-01")],
                };
                (sq(x, y), attrs)
            })
            .collect(),
    );
    s.import_patches(&f.office, "Q3", q3, &Fields::default(), t0())
        .await
        .expect("Q3");
    let all = s
        .patches(&f.office, &PatchFilter::default())
        .await
        .expect("patches");
    let id = |no: &str| all.iter().find(|p| p.patch_no == no).expect("patch").id;
    let at = |day: &str, h: u32, m: u32| {
        Utc.with_ymd_and_hms(2026, 6, day.parse().expect("day"), h, m, 0)
            .single()
            .expect("time")
    };
    let put = |bytes: Vec<u8>, name: &'static str, capture: Option<Capture>| {
        let s = s.clone();
        let a = f.township_jia.clone();
        async move {
            s.put_attachment(&a, bytes, name, capture.as_ref(), t0())
                .await
                .expect("photo")
                .sha256
        }
    };
    let file = |patch: &'static str, photos: Vec<String>| {
        let s = s.clone();
        let a = f.township_jia.clone();
        let pid = id(patch);
        async move {
            let v = NewVerification {
                reason: "unlicensed".into(),
                note: "现场核查".into(),
                photos,
                ..Default::default()
            };
            s.verify_patch(&a, pid, &v, t0()).await.expect("verify");
        }
    };
    let phone = |t, lon: f64, lat: f64| Capture {
        taken_at: Some(t),
        lon: Some(lon),
        lat: Some(lat),
        accuracy_m: Some(8.0),
    };
    // One site, seen from two places: two honest photos (A and B's neighbour views).
    let site = common::scene(7, 1200, 900);
    let view = |x: u32, y: u32| image::imageops::crop_imm(&site, x, y, 800, 600).to_image();
    let a_photo = view(100, 80);
    // A: an honest near-miss, 410 m from the patch, the day after the image, attached
    // half an hour later 80 m away.
    let a = put(
        jpeg(&a_photo, 90, "2026:06:02 09:00:00", 112.01125, 36.0052),
        "A现场.jpg",
        Some(phone(at("02", 1, 30), 112.01125, 36.0045)),
    )
    .await;
    file("A", vec![a]).await;
    // B: the same site from elsewhere, honestly at B.
    let b = put(
        jpeg(
            &view(380, 250),
            90,
            "2026:06:02 10:00:00",
            112.01325,
            36.00125,
        ),
        "B现场.jpg",
        Some(phone(at("02", 2, 5), 112.01325, 36.00125)),
    )
    .await;
    file("B", vec![b]).await;
    // C: A's picture cropped by 5 % on one side, brightened and re-encoded, given C's place.
    let edited = image::imageops::colorops::brighten(
        &image::imageops::crop_imm(&a_photo, 0, 0, 760, 600).to_image(),
        12,
    );
    let c = put(
        jpeg(&edited, 70, "2026:06:03 09:00:00", 112.01525, 36.00125),
        "C现场.jpg",
        None,
    )
    .await;
    file("C", vec![c]).await;
    // D: sent through a chat app, EXIF gone.
    let d = put(
        jpeg_exif(&common::scene(11, 640, 480), 80, None, None),
        "D微信.jpg",
        None,
    )
    .await;
    file("D", vec![d.clone()]).await;
    // E: EXIF says E, the phone attaching it was 3 km away.
    let e = put(
        jpeg(
            &common::scene(12, 640, 480),
            85,
            "2026:06:04 09:00:00",
            112.01125,
            36.00825,
        ),
        "E现场.jpg",
        Some(phone(at("04", 1, 10), 112.0112, 36.0350)),
    )
    .await;
    file("E", vec![e]).await;
    // F: taken at F, but a week before the phone attached it.
    let fph = put(
        jpeg(
            &common::scene(13, 640, 480),
            85,
            "2026:06:03 09:00:00",
            112.01325,
            36.00825,
        ),
        "F现场.jpg",
        Some(phone(at("10", 8, 0), 112.01325, 36.00825)),
    )
    .await;
    file("F", vec![fph]).await;
    // G1: a camera with GPS off, attached on site by the page (the phone's fix stands in);
    // G2: the same without the phone's record.
    let g1 = put(
        jpeg_exif(
            &common::scene(14, 640, 480),
            85,
            Some("2026:06:05 09:00:00"),
            None,
        ),
        "G1现场.jpg",
        Some(phone(at("05", 1, 5), 112.01525, 36.00825)),
    )
    .await;
    file("G1", vec![g1]).await;
    let g2 = put(
        jpeg_exif(
            &common::scene(15, 640, 480),
            85,
            Some("2026:06:05 10:00:00"),
            None,
        ),
        "G2现场.jpg",
        None,
    )
    .await;
    file("G2", vec![g2]).await;

    let found = s.truth_findings(&f.office, None).await.expect("q");
    let kinds = |no: &str| -> Vec<K> {
        found
            .iter()
            .filter(|x| x.patch_no == no && !x.corrected)
            .map(|x| x.kind)
            .collect()
    };
    assert_eq!(kinds("A"), vec![K::PhotoSimilar], "{found:#?}");
    assert_eq!(
        kinds("B"),
        vec![],
        "another viewpoint is not a copy: {found:#?}"
    );
    assert_eq!(kinds("C"), vec![K::PhotoSimilar], "{found:#?}");
    assert_eq!(kinds("D"), vec![K::PhotoUnverifiable], "{found:#?}");
    assert_eq!(kinds("E"), vec![K::PhotoCaptureMismatch], "{found:#?}");
    assert_eq!(kinds("F"), vec![K::PhotoCaptureMismatch], "{found:#?}");
    assert_eq!(kinds("G1"), vec![], "{found:#?}");
    assert_eq!(kinds("G2"), vec![K::PhotoUnverifiable], "{found:#?}");
    let unverifiable = found.iter().find(|x| x.patch_no == "D").expect("D");
    assert!(
        unverifiable.detail_zh.contains("D微信.jpg"),
        "named by file: {unverifiable:?}"
    );
    assert!(unverifiable.detail_zh.contains("EXIF"), "{unverifiable:?}");
    assert_eq!(unverifiable.photos, vec![d.clone()]);

    // What was read is in the patch's detail, with the distance to the patch.
    let detail = s.patch(&f.office, id("A")).await.expect("A");
    let r = &detail.verifications[0].readings[0];
    assert_eq!(r.file_name, "A现场.jpg");
    assert_eq!(r.taken_at.as_deref(), Some("2026-06-02T09:00:00"));
    let dist = r.distance_m.expect("distance");
    assert!((380.0..440.0).contains(&dist), "{dist}");
    assert!(r.device.is_some());
    let detail = s.patch(&f.office, id("D")).await.expect("D");
    let codes: Vec<&str> = detail.verifications[0].readings[0]
        .unread
        .iter()
        .map(minewatch_store::photo::Unread::code)
        .collect();
    assert_eq!(codes, vec!["no_exif"]);

    // D is sent back and corrected: the first determination stays, its finding in the
    // history, and the current state is clean.
    s.review_patch(
        &f.office,
        id("D"),
        false,
        "照片无拍摄信息，请现场重拍",
        t0(),
    )
    .await
    .expect("return");
    let fresh = put(
        jpeg(
            &common::scene(16, 640, 480),
            88,
            "2026:06:06 09:00:00",
            112.01725,
            36.00125,
        ),
        "D重拍.jpg",
        Some(phone(at("06", 1, 20), 112.01725, 36.00125)),
    )
    .await;
    s.verify_patch(
        &f.township_jia,
        id("D"),
        &NewVerification {
            reason: "unlicensed".into(),
            note: "现场重拍".into(),
            photos: vec![fresh],
            correction_note: "原照片经微信转发，无拍摄信息".into(),
            ..Default::default()
        },
        t0(),
    )
    .await
    .expect("correct");
    let found = s.truth_findings(&f.office, Some(id("D"))).await.expect("q");
    assert!(found.iter().all(|x| x.corrected), "{found:#?}");
    assert!(
        found.iter().any(|x| x.kind == K::PhotoUnverifiable),
        "the old finding stays in the history: {found:#?}"
    );
    let detail = s.patch(&f.office, id("D")).await.expect("D");
    assert_eq!(detail.verifications.len(), 2);
    assert!(detail.verifications[0].corrected);
    assert_eq!(
        detail.verifications[1].corrects_id,
        Some(detail.verifications[0].id)
    );
    assert_eq!(
        detail.verifications[1].correction_note,
        "原照片经微信转发，无拍摄信息"
    );

    // Photos of an edited copy are shown to whoever may see the patch, not to another
    // township.
    assert!(s.visible_attachment(&f.office, &d).await.is_ok());
    assert!(s.visible_attachment(&f.township_yi, &d).await.is_err());
}

/// A register whose attribute holds a whole document is a damaged or wrong file: refused
/// naming the feature and field, nothing imported.
async fn register_attributes_have_a_limit(pg: bool) {
    let f = fixture(pg).await;
    let long = "文".repeat(minewatch_core::ledger::case::MAX_TEXT_CHARS + 1);
    let e = f
        .store
        .import_register(
            &f.office,
            RegisterLayer::Licence,
            layer(vec![
                (
                    rect(112.002, 36.002, 112.006, 36.006),
                    vec![("XKZH", "C-1"), ("YXQZ", "2030-12-31")],
                ),
                (
                    rect(112.012, 36.002, 112.016, 36.006),
                    vec![("XKZH", "C-2"), ("KSMC", long.as_str())],
                ),
            ]),
            &Fields::default(),
            t0(),
        )
        .await
        .expect_err("refused");
    let text = e.to_string();
    assert!(
        text.contains("test.geojson: feature 2: field KSMC has 5001 characters"),
        "{text}"
    );
    assert!(
        f.store
            .register_imports(f.office.county_id)
            .await
            .expect("imports")
            .is_empty(),
        "nothing imported"
    );
}

on_both!(
    register_attributes_have_a_limit,
    planted_records_are_found_and_honest_ones_are_not,
    patch_batches_are_triaged_and_routed,
    field_evidence_and_review,
    false_records_are_found,
);
