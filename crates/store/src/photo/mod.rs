//! What a photo says about itself, read on upload and kept beside it: its kind from the
//! bytes, the EXIF time and GPS position, a perceptual hash (pHash) that finds the same
//! picture after edits, a thumbnail to show, and — never silently — what could not be read.

mod exif;
mod hash;
mod media;

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageReader, Limits};
use serde::{Deserialize, Serialize};

pub use hash::{distance, phash};
pub use media::MediaKind;

/// Bumped whenever the reading changes: stored photos analysed by an older reader are read
/// again from their bytes ([`crate::Store::reanalyse_photos`]).
pub const READER_VERSION: i64 = 2;

/// Pictures larger than this are not decoded (a 100-megapixel phone photo still is).
pub const MAX_PIXELS: u64 = 120_000_000;
/// The most memory one decode may take.
const MAX_DECODE_BYTES: u64 = 512 * 1024 * 1024;
/// The longer side of the thumbnail shown in pages.
pub const THUMB_SIDE: u32 = 320;

/// Something that could not be read from a photo, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "code", content = "detail", rename_all = "snake_case")]
pub enum Unread {
    /// The file carries no EXIF block (screenshots, chat apps, editors that strip it).
    NoExif,
    /// Part of the EXIF block is damaged; what could be read was kept.
    ExifDamaged(String),
    NoTime,
    BadTime(String),
    NoPosition,
    BadPosition(String),
    /// Not a picture minewatch can decode (HEIC, a broken file, too large).
    NotDecoded(String),
}

impl Unread {
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Unread::NoExif => "no_exif",
            Unread::ExifDamaged(_) => "exif_damaged",
            Unread::NoTime => "no_time",
            Unread::BadTime(_) => "bad_time",
            Unread::NoPosition => "no_position",
            Unread::BadPosition(_) => "bad_position",
            Unread::NotDecoded(_) => "not_decoded",
        }
    }

    /// Whether the photo's capture time is unknown because of this.
    #[must_use]
    pub fn loses_time(&self) -> bool {
        matches!(self, Unread::NoExif | Unread::NoTime | Unread::BadTime(_))
    }

    /// Whether the photo's position is unknown because of this.
    #[must_use]
    pub fn loses_position(&self) -> bool {
        matches!(
            self,
            Unread::NoExif | Unread::NoPosition | Unread::BadPosition(_)
        )
    }

    /// In words, for the pages and exports.
    #[must_use]
    pub fn describe(&self, zh: bool) -> String {
        match (self, zh) {
            (Unread::NoExif, true) => "没有EXIF信息（截图、经聊天软件转发或被编辑软件清除）".into(),
            (Unread::NoExif, false) => {
                "no EXIF (a screenshot, sent through a chat app or stripped by an editor)".into()
            }
            (Unread::ExifDamaged(d), true) => format!("EXIF部分损坏：{d}"),
            (Unread::ExifDamaged(d), false) => format!("EXIF partly damaged: {d}"),
            (Unread::NoTime, true) => "没有拍摄时间".into(),
            (Unread::NoTime, false) => "no capture time".into(),
            (Unread::BadTime(d), true) => format!("拍摄时间无法识别：{d}"),
            (Unread::BadTime(d), false) => format!("capture time unreadable: {d}"),
            (Unread::NoPosition, true) => "没有GPS位置".into(),
            (Unread::NoPosition, false) => "no GPS position".into(),
            (Unread::BadPosition(d), true) => format!("GPS位置无效：{d}"),
            (Unread::BadPosition(d), false) => format!("GPS position invalid: {d}"),
            (Unread::NotDecoded(d), true) => format!("图像无法解码：{d}"),
            (Unread::NotDecoded(d), false) => format!("picture could not be decoded: {d}"),
        }
    }
}

/// Everything read from one photo.
#[derive(Debug, Clone, Default)]
pub struct PhotoMeta {
    pub kind: Option<MediaKind>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// Camera-local time, `YYYY-MM-DDTHH:MM:SS`.
    pub taken_at: Option<String>,
    /// The camera's UTC offset when it wrote one (`+08:00`).
    pub offset: Option<String>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    /// Hex of the 64-bit pHash.
    pub phash: Option<String>,
    pub unread: Vec<Unread>,
    /// A small JPEG of the picture, upright, without any metadata.
    pub thumbnail: Option<Vec<u8>>,
}

impl PhotoMeta {
    /// Whether the picture was decoded and hashed (what evidence needs).
    #[must_use]
    pub fn analysed(&self) -> bool {
        self.phash.is_some()
    }
}

/// The capture time in UTC: the camera's own offset where it wrote one, else China time
/// (where minewatch's phones are).
#[must_use]
pub fn taken_utc(taken_at: &str, offset: Option<&str>) -> Option<chrono::DateTime<chrono::Utc>> {
    let local = chrono::NaiveDateTime::parse_from_str(taken_at, "%Y-%m-%dT%H:%M:%S").ok()?;
    let offset = offset.unwrap_or("+08:00");
    let sign = if offset.starts_with('-') { -1 } else { 1 };
    let h: i32 = offset.get(1..3)?.parse().ok()?;
    let m: i32 = offset.get(4..6)?.parse().ok()?;
    let fixed = chrono::FixedOffset::east_opt(sign * (h * 3600 + m * 60))?;
    local
        .and_local_timezone(fixed)
        .single()
        .map(|t| t.with_timezone(&chrono::Utc))
}

/// A picture's width and height from its header alone (no decoding), when it is one.
#[must_use]
pub fn dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .ok()?
        .into_dimensions()
        .ok()
}

/// Reads a file as a photo. Never fails: what cannot be read is listed in `unread`.
#[must_use]
pub fn analyse(bytes: &[u8]) -> PhotoMeta {
    let kind = MediaKind::sniff(bytes);
    let mut meta = PhotoMeta {
        kind: Some(kind),
        ..PhotoMeta::default()
    };
    if matches!(kind, MediaKind::Pdf | MediaKind::Other) {
        return meta;
    }
    let reading = exif::read(bytes);
    meta.taken_at = reading.taken_at;
    meta.offset = reading.offset;
    meta.lon = reading.lon;
    meta.lat = reading.lat;
    meta.unread = reading.unread;
    if !kind.is_decodable_image() {
        meta.unread.push(Unread::NotDecoded(
            "HEIC/HEIF 格式 (HEIC/HEIF format)".into(),
        ));
        return meta;
    }
    match decode(bytes) {
        Ok(img) => {
            meta.width = Some(img.width());
            meta.height = Some(img.height());
            meta.phash = Some(format!("{:016x}", phash(&img)));
            meta.thumbnail = thumbnail(&img);
        }
        Err(e) => meta.unread.push(Unread::NotDecoded(e)),
    }
    meta
}

/// Decodes within the pixel and memory budget, measured from the header first, and turns
/// the picture upright as its EXIF orientation says.
fn decode(bytes: &[u8]) -> Result<DynamicImage, String> {
    let reader = || {
        ImageReader::new(Cursor::new(bytes))
            .with_guessed_format()
            .map_err(|e| e.to_string())
    };
    let (w, h) = reader()?.into_dimensions().map_err(|e| e.to_string())?;
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(format!(
            "{w}×{h} 像素，超过 {MAX_PIXELS} 像素上限 ({w}×{h} pixels, over the limit)"
        ));
    }
    let mut r = reader()?;
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    r.limits(limits);
    let mut decoder = r.into_decoder().map_err(|e| e.to_string())?;
    let orientation = decoder.orientation().map_err(|e| e.to_string())?;
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| e.to_string())?;
    img.apply_orientation(orientation);
    Ok(img)
}

/// The picture, upright, re-encoded as JPEG with no metadata at all; `None` when it does
/// not decode within the budget.
#[must_use]
pub fn without_metadata(bytes: &[u8]) -> Option<Vec<u8>> {
    let img = decode(bytes).ok()?.to_rgb8();
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(&img)
        .ok()?;
    Some(out)
}

/// The thumbnail of a picture's bytes, without reading its EXIF or hashing it.
#[must_use]
pub fn thumbnail_of(bytes: &[u8]) -> Option<Vec<u8>> {
    thumbnail(&decode(bytes).ok()?)
}

fn thumbnail(img: &DynamicImage) -> Option<Vec<u8>> {
    let small = img.thumbnail(THUMB_SIDE, THUMB_SIDE).to_rgb8();
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
        .encode_image(&small)
        .ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_from_the_camera_offset_or_china_time() {
        let t = taken_utc("2026-05-10T09:15:30", Some("+08:00")).expect("t");
        assert_eq!(t.to_rfc3339(), "2026-05-10T01:15:30+00:00");
        let t = taken_utc("2026-05-10T09:15:30", Some("-03:00")).expect("t");
        assert_eq!(t.to_rfc3339(), "2026-05-10T12:15:30+00:00");
        let t = taken_utc("2026-05-10T09:15:30", None).expect("t");
        assert_eq!(t.to_rfc3339(), "2026-05-10T01:15:30+00:00");
    }

    #[test]
    fn a_page_is_not_a_photo() {
        let m = analyse(b"<html><script>alert(1)</script>");
        assert_eq!(m.kind, Some(MediaKind::Other));
        assert!(!m.analysed());
    }
}
