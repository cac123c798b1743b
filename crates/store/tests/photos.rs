//! The photo reader on files written by real tools (piexif, Pillow, exiftool: see
//! `scripts/photo-fixtures.py`), with no EXIF, stripped as chat apps strip it, and damaged;
//! and the perceptual hash on edited copies against unrelated pictures and other viewpoints
//! of one site, with both distance distributions and the margins printed.

use minewatch_store::SAME_PICTURE_BITS;
mod common;

use common::scene;
use minewatch_store::photo::{MediaKind, analyse, distance};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/photos/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn codes(m: &minewatch_store::photo::PhotoMeta) -> Vec<&'static str> {
    m.unread
        .iter()
        .map(minewatch_store::photo::Unread::code)
        .collect()
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-5)
}

#[test]
fn piexif_without_next_ifd_offsets_is_read() {
    let m = analyse(&fixture("piexif.jpg"));
    assert_eq!(m.kind, Some(MediaKind::Jpeg));
    assert_eq!(m.taken_at.as_deref(), Some("2026-05-10T09:15:30"));
    assert_eq!(m.offset.as_deref(), Some("+08:00"));
    assert!(close(m.lat, 36.008_472), "{m:?}");
    assert!(close(m.lon, 112.053_403), "{m:?}");
    assert!(m.analysed() && m.thumbnail.is_some());
    assert!(codes(&m).is_empty(), "nothing lost: {m:?}");
}

#[test]
fn degrees_and_decimal_minutes_as_phones_write_them() {
    let m = analyse(&fixture("piexif_minutes.jpg"));
    assert_eq!(m.taken_at.as_deref(), Some("2026-06-01T17:02:03"));
    assert_eq!(m.offset, None);
    assert!(close(m.lat, 35.0 + 54.123_45 / 60.0), "{m:?}");
    assert!(close(m.lon, 111.5), "{m:?}");
}

#[test]
fn pillow_jpeg_and_webp_are_read_and_hashed() {
    for name in ["pillow.jpg", "pillow.webp"] {
        let m = analyse(&fixture(name));
        assert_eq!(m.taken_at.as_deref(), Some("2026-07-04T11:30:00"), "{name}");
        assert!(
            close(m.lat, 36.0 + 1.0 / 60.0 + 2.5 / 3600.0),
            "{name}: {m:?}"
        );
        assert!(close(m.lon, 112.075), "{name}: {m:?}");
        assert!(m.analysed(), "{name} hashed");
    }
    assert_eq!(analyse(&fixture("pillow.webp")).kind, Some(MediaKind::Webp));
}

#[test]
fn exiftool_southern_western_and_negative_offset() {
    let m = analyse(&fixture("exiftool.jpg"));
    assert_eq!(m.taken_at.as_deref(), Some("2026-08-15T07:45:10"));
    assert_eq!(m.offset.as_deref(), Some("-03:00"));
    assert!(close(m.lat, -23.5), "{m:?}");
    assert!(close(m.lon, -46.625), "{m:?}");
    let t =
        minewatch_store::photo::taken_utc("2026-08-15T07:45:10", m.offset.as_deref()).expect("utc");
    assert_eq!(t.to_rfc3339(), "2026-08-15T10:45:10+00:00");
}

#[test]
fn little_endian_time_without_position_says_so() {
    let m = analyse(&fixture("exiftool_no_gps.jpg"));
    assert_eq!(m.taken_at.as_deref(), Some("2026-09-01T08:00:00"));
    assert_eq!((m.lon, m.lat), (None, None));
    assert_eq!(codes(&m), vec!["no_position"]);
}

#[test]
fn no_exif_and_chat_stripped_are_named_not_skipped() {
    let m = analyse(&fixture("no_exif.jpg"));
    assert_eq!(codes(&m), vec!["no_exif"]);
    assert!(m.analysed(), "still hashed");
    let m = analyse(&fixture("chat_stripped.jpg"));
    assert_eq!(codes(&m), vec!["no_time", "no_position"]);
    assert!(m.analysed());
}

#[test]
fn a_damaged_block_keeps_what_it_can() {
    let m = analyse(&fixture("damaged_exif.jpg"));
    assert_eq!(m.taken_at.as_deref(), Some("2026-05-10T09:15:30"), "{m:?}");
    assert!(m.lat.is_none(), "{m:?}");
    let c = codes(&m);
    assert!(
        c.contains(&"exif_damaged") || c.contains(&"bad_position") || c.contains(&"no_position"),
        "{m:?}"
    );
    assert!(!m.unread.is_empty());
}

fn hash_of(img: &image::RgbImage, quality: u8) -> String {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(img)
        .expect("encode");
    analyse(&out).phash.expect("hashed")
}

fn crop(img: &image::RgbImage, x: u32, y: u32, w: u32, h: u32) -> image::RgbImage {
    image::imageops::crop_imm(img, x, y, w, h).to_image()
}

#[test]
fn edited_copies_are_found_and_other_pictures_are_not() {
    let (w, h) = (800u32, 600u32);
    let mut copies = Vec::new();
    let mut others = Vec::new();
    let n = 12u64;
    let scenes: Vec<image::RgbImage> = (0..n).map(|s| scene(s + 1, w + 400, h + 300)).collect();
    let mut originals = Vec::new();
    for big in &scenes {
        // The photo as taken: one window onto the site.
        let photo = crop(big, 100, 80, w, h);
        let base = hash_of(&photo, 92);
        let edits = [
            ("quality 40", hash_of(&photo, 40)),
            (
                "resized 80%",
                hash_of(
                    &image::imageops::resize(
                        &photo,
                        w * 4 / 5,
                        h * 4 / 5,
                        image::imageops::FilterType::Triangle,
                    ),
                    85,
                ),
            ),
            (
                "cropped 5% right",
                hash_of(&crop(&photo, 0, 0, w * 95 / 100, h), 90),
            ),
            (
                "cropped 5% top",
                hash_of(&crop(&photo, 0, h * 5 / 100, w, h * 95 / 100), 90),
            ),
            (
                "brightened",
                hash_of(&image::imageops::colorops::brighten(&photo, 20), 90),
            ),
        ];
        for (what, hash) in edits {
            let d = distance(&base, &hash).expect("64-bit");
            copies.push((what, d));
        }
        // Another honest photo of the same site: the photographer stood elsewhere.
        let other_view = crop(big, 380, 250, w, h);
        let d = distance(&base, &hash_of(&other_view, 92)).expect("64-bit");
        others.push(("same site, other viewpoint", d));
        originals.push(base);
    }
    for (i, a) in originals.iter().enumerate() {
        for b in &originals[i + 1..] {
            others.push(("unrelated", distance(a, b).expect("64-bit")));
        }
    }
    let worst_copy = copies.iter().map(|c| c.1).max().expect("copies");
    let closest_other = others.iter().map(|c| c.1).min().expect("others");
    let hist = |v: &[(&str, u32)]| {
        let mut counts = [0usize; 65];
        for (_, d) in v {
            counts[*d as usize] += 1;
        }
        counts
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(|(d, c)| format!("{d}:{c}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    eprintln!(
        "pHash distance, edited copies ({}):   {}",
        copies.len(),
        hist(&copies)
    );
    eprintln!(
        "pHash distance, other pictures ({}): {}",
        others.len(),
        hist(&others)
    );
    for what in [
        "quality 40",
        "resized 80%",
        "cropped 5% right",
        "cropped 5% top",
        "brightened",
    ] {
        let worst = copies
            .iter()
            .filter(|c| c.0 == what)
            .map(|c| c.1)
            .max()
            .unwrap_or(0);
        eprintln!("  worst {what}: {worst} bits");
    }
    let viewpoint = others
        .iter()
        .filter(|c| c.0.starts_with("same site"))
        .map(|c| c.1)
        .min()
        .unwrap_or(64);
    eprintln!("  closest other viewpoint of one site: {viewpoint} bits");
    eprintln!(
        "threshold {SAME_PICTURE_BITS} bits: margin {} bits above the worst copy ({worst_copy}), {} bits below the closest other picture ({closest_other})",
        SAME_PICTURE_BITS - worst_copy.min(SAME_PICTURE_BITS),
        closest_other.saturating_sub(SAME_PICTURE_BITS + 1),
    );
    assert!(
        worst_copy <= SAME_PICTURE_BITS,
        "an edited copy was missed: {copies:?}"
    );
    assert!(
        closest_other > SAME_PICTURE_BITS,
        "a different picture matched: {others:?}"
    );
}

#[test]
fn a_picture_bomb_is_measured_not_decoded() {
    let bomb = fixture("bomb_20000.png");
    assert_eq!(
        minewatch_store::photo::dimensions(&bomb),
        Some((20_000, 20_000))
    );
    let started = std::time::Instant::now();
    let m = analyse(&bomb);
    assert!(!m.analysed());
    assert!(
        m.unread
            .iter()
            .any(|u| u.code() == "not_decoded" && u.describe(false).contains("20000×20000")),
        "{m:?}"
    );
    eprintln!(
        "20,000 × 20,000 PNG refused from its header in {:?}",
        started.elapsed()
    );
}
