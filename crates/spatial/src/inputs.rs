//! Turns read layers into triage inputs: which attribute holds the id, the dates, the kind.
//! County files name these fields many ways (English, pinyin initials such as `TBBH`, or
//! Chinese), so each has a list of usual names, and the caller may name the field outright.

use chrono::NaiveDate;

use crate::area::{Invalid, to_area};
use crate::read::{Feature, Layer, ReadError, ReadErrors};
use crate::triage::{GridArea, Licence, Patch, Zone};
use crate::zone::ZoneKind;

/// Usual names of each field, tried in order when the caller names none.
pub mod usual {
    pub const PATCH_ID: &[&str] = &[
        "patch_id",
        "TBBH",
        "图斑编号",
        "JCBH",
        "监测编号",
        "id",
        "BSM",
    ];
    pub const LATER_DATE: &[&str] = &[
        "later_date",
        "HSX",
        "后时相",
        "HSXRQ",
        "后时相日期",
        "HSXSJ",
        "JCSJ",
        "监测时间",
    ];
    pub const LICENCE_ID: &[&str] = &["licence_id", "license_id", "XKZH", "许可证号", "id"];
    pub const VALID_FROM: &[&str] = &["valid_from", "YXQQ", "有效期起", "YXQSRQ"];
    pub const VALID_TO: &[&str] = &["valid_to", "YXQZ", "有效期止", "YXQZRQ"];
    pub const STATUS: &[&str] = &["status", "ZT", "状态"];
    pub const ZONE_ID: &[&str] = &["zone_id", "id", "BSM", "name", "名称", "MC"];
    pub const ZONE_KIND: &[&str] = &["kind", "type", "类型", "LX"];
    pub const TOWNSHIP: &[&str] = &["township", "乡镇", "XZMC", "乡镇名称"];
    pub const VILLAGE: &[&str] = &["village", "村", "CMC", "村名称", "行政村"];
    pub const GRID: &[&str] = &["grid", "网格", "WGMC", "网格名称", "WGBH"];
}

/// Field names chosen by the caller; `None` means "try the usual names".
#[derive(Debug, Clone, Default)]
pub struct Fields {
    pub patch_id: Option<String>,
    pub later_date: Option<String>,
    /// The later image's date for patches whose features carry none (one date for the
    /// whole batch, as the ministry's letter gives it).
    pub batch_later_date: Option<chrono::NaiveDate>,
    pub licence_id: Option<String>,
    pub zone_id: Option<String>,
    pub zone_kind: Option<String>,
    /// The kind of a zone whose file carries none (e.g. a file of nature reserves).
    pub default_zone_kind: Option<ZoneKind>,
    /// Give zones of a kind we do not know the default kind instead of refusing them
    /// (batch triage of files from elsewhere; imports into the ledger stay strict).
    pub unknown_kind_as_default: bool,
    pub invalid: Invalid,
}

struct Faults {
    file: String,
    list: Vec<ReadError>,
}

impl Faults {
    fn new(layer: &Layer) -> Faults {
        Faults {
            file: layer.source.clone(),
            list: Vec::new(),
        }
    }
    fn push(&mut self, feature: &Feature, reason: impl Into<String>) {
        self.list.push(ReadError {
            file: self.file.clone(),
            feature: Some(feature.number),
            reason: reason.into(),
        });
    }
    fn finish<T>(self, items: Vec<T>) -> Result<Vec<T>, ReadErrors> {
        if self.list.is_empty() {
            Ok(items)
        } else {
            Err(ReadErrors(self.list))
        }
    }
}

/// Every feature's polygon checked and oriented, on all cores: validity checks dominate
/// reading when zones have tens of thousands of vertices.
fn shapes(layer: &Layer, invalid: Invalid) -> Vec<Result<geo::MultiPolygon<f64>, String>> {
    use rayon::prelude::*;
    layer
        .features
        .par_iter()
        .map(|f| to_area(f.geometry.clone(), invalid))
        .collect()
}

fn field<'a>(f: &'a Feature, chosen: Option<&String>, usual: &[&str]) -> Option<&'a str> {
    match chosen {
        Some(name) => f.get(name),
        None => f.get_any(usual),
    }
}

fn describe(chosen: Option<&String>, usual: &[&str]) -> String {
    match chosen {
        Some(name) => format!("'{name}'"),
        None => format!("any of {}", usual.join(", ")),
    }
}

/// A date as county files write it: 2026-05-01, 2026/5/1, 2026.05.01, 20260501, 2026年5月1日,
/// with or without a time after it.
#[must_use]
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    let head = t.split([' ', 'T']).next().unwrap_or(t);
    let head = head.replace(['年', '月', '/', '.'], "-").replace('日', "");
    if let Ok(d) = NaiveDate::parse_from_str(&head, "%Y-%m-%d") {
        return Some(d);
    }
    NaiveDate::parse_from_str(&head, "%Y%m%d").ok()
}

/// Ids must be unique within a file: a triage row must name one feature.
fn check_unique(ids: &[(String, usize)], faults: &mut Faults, layer: &Layer) {
    let mut seen = std::collections::HashMap::new();
    for (id, number) in ids {
        let first = *seen.entry(id.as_str()).or_insert(*number);
        if first != *number
            && let Some(f) = layer.features.iter().find(|f| f.number == *number)
        {
            faults.push(f, format!("id '{id}' is already used by feature {first}"));
        }
    }
}

/// Patches from a layer.
///
/// # Errors
/// Every feature without an id, with a bad date or a bad polygon.
pub fn patches(layer: Layer, fields: &Fields) -> Result<Vec<Patch>, ReadErrors> {
    let mut faults = Faults::new(&layer);
    let shapes = shapes(&layer, fields.invalid);
    let mut out = Vec::new();
    let mut ids = Vec::new();
    for (f, shape) in layer.features.iter().zip(shapes) {
        let Some(id) = field(f, fields.patch_id.as_ref(), usual::PATCH_ID) else {
            faults.push(
                f,
                format!(
                    "has no patch id ({})",
                    describe(fields.patch_id.as_ref(), usual::PATCH_ID)
                ),
            );
            continue;
        };
        let later_date = match field(f, fields.later_date.as_ref(), usual::LATER_DATE) {
            None => fields.batch_later_date,
            Some(t) => {
                if let Some(d) = parse_date(t) {
                    Some(d)
                } else {
                    faults.push(f, format!("later image date '{t}' is not a date"));
                    continue;
                }
            }
        };
        match shape {
            Ok(shape) => {
                ids.push((id.to_string(), f.number));
                out.push(Patch {
                    id: id.to_string(),
                    shape,
                    later_date,
                });
            }
            Err(e) => faults.push(f, e),
        }
    }
    check_unique(&ids, &mut faults, &layer);
    faults.finish(out)
}

/// Licences from a layer. A status of 注销/吊销/关闭/过期 (or English equivalents) marks a
/// licence withdrawn.
///
/// # Errors
/// Every feature without an id, with a bad date or a bad polygon.
pub fn licences(layer: Layer, fields: &Fields) -> Result<Vec<Licence>, ReadErrors> {
    let mut faults = Faults::new(&layer);
    let shapes = shapes(&layer, fields.invalid);
    let mut out = Vec::new();
    let mut ids = Vec::new();
    for (f, shape) in layer.features.iter().zip(shapes) {
        let Some(id) = field(f, fields.licence_id.as_ref(), usual::LICENCE_ID) else {
            faults.push(
                f,
                format!(
                    "has no licence id ({})",
                    describe(fields.licence_id.as_ref(), usual::LICENCE_ID)
                ),
            );
            continue;
        };
        let date = |names: &[&str], what: &str| match f.get_any(names) {
            None => Ok(None),
            Some(t) => parse_date(t)
                .map(Some)
                .ok_or_else(|| format!("{what} '{t}' is not a date")),
        };
        let valid_from = date(usual::VALID_FROM, "valid from");
        let valid_to = date(usual::VALID_TO, "valid to");
        let (valid_from, valid_to) = match (valid_from, valid_to) {
            (Ok(a), Ok(b)) => (a, b),
            (Err(e), _) | (_, Err(e)) => {
                faults.push(f, e);
                continue;
            }
        };
        let withdrawn = f.get_any(usual::STATUS).is_some_and(|s| {
            let s = s.to_lowercase();
            [
                "注销",
                "吊销",
                "关闭",
                "过期",
                "失效",
                "revoked",
                "cancelled",
                "closed",
                "expired",
            ]
            .iter()
            .any(|w| s.contains(w))
        });
        match shape {
            Ok(shape) => {
                ids.push((id.to_string(), f.number));
                out.push(Licence {
                    id: id.to_string(),
                    shape,
                    valid_from,
                    valid_to,
                    withdrawn,
                });
            }
            Err(e) => faults.push(f, e),
        }
    }
    check_unique(&ids, &mut faults, &layer);
    faults.finish(out)
}

/// Zones from a layer.
///
/// # Errors
/// Every feature without an id, of an unknown kind, or with a bad polygon.
pub fn zones(layer: Layer, fields: &Fields) -> Result<Vec<Zone>, ReadErrors> {
    let mut faults = Faults::new(&layer);
    let shapes = shapes(&layer, fields.invalid);
    let mut out = Vec::new();
    let mut ids = Vec::new();
    for (f, shape) in layer.features.iter().zip(shapes) {
        let Some(id) = field(f, fields.zone_id.as_ref(), usual::ZONE_ID) else {
            faults.push(
                f,
                format!(
                    "has no zone id ({})",
                    describe(fields.zone_id.as_ref(), usual::ZONE_ID)
                ),
            );
            continue;
        };
        let kind = match field(f, fields.zone_kind.as_ref(), usual::ZONE_KIND) {
            Some(t) => match (ZoneKind::parse(t), fields.default_zone_kind) {
                (Some(k), _) => k,
                (None, Some(k)) if fields.unknown_kind_as_default => k,
                (None, _) => {
                    let known: Vec<&str> = ZoneKind::ALL.iter().map(|k| k.code()).collect();
                    faults.push(
                        f,
                        format!("zone kind '{t}' is unknown (known: {})", known.join(", ")),
                    );
                    continue;
                }
            },
            None => {
                if let Some(k) = fields.default_zone_kind {
                    k
                } else {
                    faults.push(f, "has no zone kind; name the field or give a default kind");
                    continue;
                }
            }
        };
        match shape {
            Ok(shape) => {
                ids.push((id.to_string(), f.number));
                out.push(Zone {
                    id: id.to_string(),
                    kind,
                    shape,
                });
            }
            Err(e) => faults.push(f, e),
        }
    }
    check_unique(&ids, &mut faults, &layer);
    faults.finish(out)
}

/// Grid areas from a layer; a feature needs a township and a village, the grid name may be
/// missing (a village that is one grid).
///
/// # Errors
/// Every feature without a township or village, or with a bad polygon.
pub fn grids(layer: Layer, fields: &Fields) -> Result<Vec<GridArea>, ReadErrors> {
    let mut faults = Faults::new(&layer);
    let shapes = shapes(&layer, fields.invalid);
    let mut out = Vec::new();
    for (f, shape) in layer.features.iter().zip(shapes) {
        let (Some(township), Some(village)) =
            (f.get_any(usual::TOWNSHIP), f.get_any(usual::VILLAGE))
        else {
            faults.push(
                f,
                format!(
                    "needs a township ({}) and a village ({})",
                    usual::TOWNSHIP.join(", "),
                    usual::VILLAGE.join(", ")
                ),
            );
            continue;
        };
        let grid = f.get_any(usual::GRID).unwrap_or(village);
        match shape {
            Ok(shape) => out.push(GridArea {
                township: township.to_string(),
                village: village.to_string(),
                grid: grid.to_string(),
                shape,
            }),
            Err(e) => faults.push(f, e),
        }
    }
    faults.finish(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn county_date_spellings() {
        let want = NaiveDate::from_ymd_opt(2026, 5, 1);
        for t in [
            "2026-05-01",
            "2026/5/1",
            "2026.05.01",
            "20260501",
            "2026年5月1日",
            "2026-05-01 08:00:00",
            "2026-05-01T08:00:00Z",
        ] {
            assert_eq!(parse_date(t), want, "{t}");
        }
        assert_eq!(parse_date("May 1"), None);
        assert_eq!(parse_date("2026-13-01"), None);
    }
}
