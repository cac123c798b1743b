//! Reading a photo's EXIF as phones, apps and libraries really write it: blocks whose Exif
//! and GPS sub-IFDs lack the next-IFD offset (piexif, several phone apps), both byte orders,
//! partly damaged blocks (what can be read is kept), `DateTimeOriginal` with
//! `OffsetTimeOriginal`, and GPS positions as degrees/minutes/seconds, degrees and decimal
//! minutes, or decimal degrees, with their N/S/E/W references.

use std::io::Cursor;

use exif::{Exif, Field, In, Reader, Tag, Value};

use super::Unread;

/// What the EXIF block says about where and when.
#[derive(Debug, Default)]
pub(super) struct ExifReading {
    pub taken_at: Option<String>,
    pub offset: Option<String>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub unread: Vec<Unread>,
}

pub(super) fn read(bytes: &[u8]) -> ExifReading {
    let mut out = ExifReading::default();
    let exif = match Reader::new()
        .continue_on_error(true)
        .read_from_container(&mut Cursor::new(bytes))
    {
        Ok(exif) => exif,
        Err(exif::Error::PartialResult(partial)) => {
            let (exif, errors) = partial.into_inner();
            // A missing next-IFD offset loses nothing; anything else lost some fields.
            let lost: Vec<String> = errors
                .iter()
                .map(ToString::to_string)
                .filter(|e| !e.contains("next IFD"))
                .collect();
            if !lost.is_empty() {
                out.unread.push(Unread::ExifDamaged(lost.join("; ")));
            }
            exif
        }
        Err(exif::Error::NotFound(_)) => {
            out.unread.push(Unread::NoExif);
            return out;
        }
        Err(e) => {
            out.unread.push(Unread::ExifDamaged(e.to_string()));
            return out;
        }
    };
    read_time(&exif, &mut out);
    read_position(&exif, &mut out);
    out
}

fn ascii(f: &Field) -> Option<String> {
    match &f.value {
        Value::Ascii(v) => v
            .first()
            .and_then(|s| std::str::from_utf8(s).ok())
            .map(|s| {
                s.trim_matches(|c: char| c == '\0' || c.is_whitespace())
                    .to_string()
            })
            .filter(|s| !s.is_empty()),
        _ => None,
    }
}

fn field(exif: &Exif, tag: Tag) -> Option<&Field> {
    exif.get_field(tag, In::PRIMARY)
}

fn read_time(exif: &Exif, out: &mut ExifReading) {
    // The original's time; the digitised time is the same on a camera; the file's change
    // time (DateTime) is what editors rewrite, so it is never taken for the capture.
    let pairs = [
        (Tag::DateTimeOriginal, Tag::OffsetTimeOriginal),
        (Tag::DateTimeDigitized, Tag::OffsetTimeDigitized),
    ];
    for (time_tag, offset_tag) in pairs {
        let Some(raw) = field(exif, time_tag).and_then(ascii) else {
            continue;
        };
        if let Some(t) = exif_time(&raw) {
            out.taken_at = Some(t);
            out.offset = field(exif, offset_tag)
                .and_then(ascii)
                .and_then(|o| offset(&o));
            return;
        }
        out.unread.push(Unread::BadTime(raw));
        return;
    }
    out.unread.push(Unread::NoTime);
}

/// "2026:03:05 14:20:11" (also with '-' or 'T', or sub-seconds) → "2026-03-05T14:20:11".
pub(super) fn exif_time(s: &str) -> Option<String> {
    let s = s.trim();
    if s.len() < 19 {
        return None;
    }
    let (date, time) = (s.get(..10)?, s.get(11..19)?);
    let date = date.replace(':', "-");
    chrono::NaiveDateTime::parse_from_str(&format!("{date}T{time}"), "%Y-%m-%dT%H:%M:%S")
        .ok()
        .map(|t| t.format("%Y-%m-%dT%H:%M:%S").to_string())
}

/// "+08:00" / "-0300" → "+08:00"; anything else is dropped.
fn offset(s: &str) -> Option<String> {
    let s = s.trim();
    let sign = s.chars().next().filter(|c| *c == '+' || *c == '-')?;
    let digits: String = s[1..].chars().filter(char::is_ascii_digit).collect();
    if digits.len() != 4 {
        return None;
    }
    let (h, m): (u32, u32) = (digits[..2].parse().ok()?, digits[2..].parse().ok()?);
    (h <= 14 && m < 60).then(|| format!("{sign}{h:02}:{m:02}"))
}

fn read_position(exif: &Exif, out: &mut ExifReading) {
    let lat = field(exif, Tag::GPSLatitude);
    let lon = field(exif, Tag::GPSLongitude);
    let (Some(lat), Some(lon)) = (lat, lon) else {
        out.unread.push(Unread::NoPosition);
        return;
    };
    let reference = |tag| {
        field(exif, tag)
            .and_then(ascii)
            .map(|r| r.to_ascii_uppercase())
    };
    let signed = |f: &Field, tag, negative: &str, max: f64| -> Result<f64, String> {
        let v = degrees(&f.value).ok_or_else(|| format!("{}: {}", f.tag, f.display_value()))?;
        let v = if reference(tag).as_deref() == Some(negative) {
            -v
        } else {
            v
        };
        if v.abs() > max {
            return Err(format!("{}: {v}", f.tag));
        }
        Ok(v)
    };
    match (
        signed(lat, Tag::GPSLatitudeRef, "S", 90.0),
        signed(lon, Tag::GPSLongitudeRef, "W", 180.0),
    ) {
        // A phone without a fix writes zeros: that is no position, not the Gulf of Guinea.
        (Ok(y), Ok(x)) if y == 0.0 && x == 0.0 => {
            out.unread.push(Unread::BadPosition("0, 0".into()));
        }
        (Ok(y), Ok(x)) => {
            out.lat = Some(y);
            out.lon = Some(x);
        }
        (Err(e), _) | (_, Err(e)) => out.unread.push(Unread::BadPosition(e)),
    }
}

/// Degrees from one, two or three rationals (d, m, s — any of them fractional).
fn degrees(value: &Value) -> Option<f64> {
    let parts: Vec<f64> = match value {
        Value::Rational(v) => v
            .iter()
            .map(|r| (r.denom != 0).then(|| f64::from(r.num) / f64::from(r.denom)))
            .collect::<Option<_>>()?,
        Value::SRational(v) => v
            .iter()
            .map(|r| (r.denom != 0).then(|| f64::from(r.num) / f64::from(r.denom)))
            .collect::<Option<_>>()?,
        _ => return None,
    };
    let v = match parts.as_slice() {
        [d] => *d,
        [d, m] => d + m / 60.0,
        [d, m, s, ..] => d + m / 60.0 + s / 3600.0,
        [] => return None,
    };
    v.is_finite().then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_offsets_as_cameras_write_them() {
        assert_eq!(
            exif_time("2026:03:05 14:20:11").as_deref(),
            Some("2026-03-05T14:20:11")
        );
        assert_eq!(
            exif_time("2026:03:05 14:20:11.123").as_deref(),
            Some("2026-03-05T14:20:11")
        );
        assert_eq!(exif_time("0000:00:00 00:00:00"), None);
        assert_eq!(exif_time("    :  :     :  :  "), None);
        assert_eq!(offset("+08:00").as_deref(), Some("+08:00"));
        assert_eq!(offset("-0300").as_deref(), Some("-03:00"));
        assert_eq!(offset("   :  "), None);
    }

    #[test]
    fn no_exif_is_said() {
        let r = read(b"\xFF\xD8\xFF\xD9");
        assert!(
            r.unread.iter().any(|u| matches!(u, Unread::NoExif)),
            "{r:?}"
        );
    }
}
