//! What a photo says about itself: the EXIF time and GPS position a phone camera writes, and
//! a perceptual hash (dHash, 64 bits) that stays within a few bits when the same picture is
//! re-encoded, resized or slightly cropped, but differs by 20+ bits between different scenes.

use std::io::Cursor;

use exif::{In, Reader, Tag, Value};
use image_hasher::{HashAlg, HasherConfig};

/// Metadata read from a photo; any part may be missing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PhotoMeta {
    /// Camera-local time, `YYYY-MM-DDTHH:MM:SS` (cameras record no zone).
    pub taken_at: Option<String>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    /// Hex of the 64-bit difference hash.
    pub phash: Option<String>,
}

/// Reads EXIF and hashes the picture. Never fails: a photo without EXIF or that does not
/// decode simply yields less.
#[must_use]
pub fn analyse(bytes: &[u8]) -> PhotoMeta {
    let mut meta = PhotoMeta::default();
    if let Ok(exif) = Reader::new().read_from_container(&mut Cursor::new(bytes)) {
        meta.taken_at = exif
            .get_field(Tag::DateTimeOriginal, In::PRIMARY)
            .or_else(|| exif.get_field(Tag::DateTime, In::PRIMARY))
            .and_then(|f| match &f.value {
                Value::Ascii(v) => v.first().and_then(|s| std::str::from_utf8(s).ok()),
                _ => None,
            })
            .and_then(exif_time);
        let coord = |tag, reference, negative: &str| {
            let f = exif.get_field(tag, In::PRIMARY)?;
            let Value::Rational(parts) = &f.value else {
                return None;
            };
            let [d, m, s] = parts.as_slice() else {
                return None;
            };
            let v = d.to_f64() + m.to_f64() / 60.0 + s.to_f64() / 3600.0;
            let r = exif
                .get_field(reference, In::PRIMARY)
                .map(|r| r.display_value().to_string())
                .unwrap_or_default();
            v.is_finite()
                .then_some(if r.contains(negative) { -v } else { v })
        };
        meta.lat = coord(Tag::GPSLatitude, Tag::GPSLatitudeRef, "S");
        meta.lon = coord(Tag::GPSLongitude, Tag::GPSLongitudeRef, "W");
        if meta.lat.is_none() || meta.lon.is_none() {
            (meta.lat, meta.lon) = (None, None);
        }
    }
    if let Ok(img) = image::load_from_memory(bytes) {
        let hasher = HasherConfig::new()
            .hash_alg(HashAlg::Gradient)
            .hash_size(8, 8)
            .to_hasher();
        meta.phash = Some(hex::encode(hasher.hash_image(&img).as_bytes()));
    }
    meta
}

/// "2026:03:05 14:20:11" → "2026-03-05T14:20:11".
fn exif_time(s: &str) -> Option<String> {
    let s = s.trim();
    let (date, time) = s.split_once(' ')?;
    let date = date.replace(':', "-");
    chrono::NaiveDateTime::parse_from_str(&format!("{date}T{time}"), "%Y-%m-%dT%H:%M:%S")
        .ok()
        .map(|t| t.format("%Y-%m-%dT%H:%M:%S").to_string())
}

/// Bits that differ between two hashes; `None` for hashes of different lengths.
#[must_use]
pub fn distance(a: &str, b: &str) -> Option<u32> {
    let (a, b) = (hex::decode(a).ok()?, hex::decode(b).ok()?);
    (a.len() == b.len()).then(|| a.iter().zip(&b).map(|(x, y)| (x ^ y).count_ones()).sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exif_times_become_iso() {
        assert_eq!(
            exif_time("2026:03:05 14:20:11").as_deref(),
            Some("2026-03-05T14:20:11")
        );
        assert_eq!(exif_time("0000:00:00 00:00:00"), None);
        assert_eq!(distance("ff00", "0f00"), Some(4));
        assert_eq!(distance("ff", "ff00"), None);
    }
}
