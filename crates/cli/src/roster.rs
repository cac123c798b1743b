//! Reads a grid roster (网格化责任人名单) from CSV — UTF-8 or the GBK that Excel writes on
//! Chinese Windows — into rows for `Store::import_org`. Headers may be Chinese or English.

use anyhow::{Context, Result, bail};
use minewatch_store::OrgRow;
use std::path::Path;

/// Accepted header names for each column.
const COLUMNS: [(&str, &[&str]); 7] = [
    (
        "township",
        &["township", "乡镇", "乡镇(街道)", "乡镇（街道）", "街道"],
    ),
    (
        "village",
        &["village", "村", "村(社区)", "村（社区）", "社区"],
    ),
    ("grid", &["grid", "网格"]),
    ("first_responsible", &["first_responsible", "第一责任人"]),
    (
        "directly_responsible",
        &["directly_responsible", "直接责任人"],
    ),
    ("village_cadre", &["village_cadre", "包村干部"]),
    ("contact_phone", &["contact_phone", "联系电话", "电话"]),
];

/// Decodes file bytes: UTF-8 (with or without BOM), else GBK.
fn decode(bytes: &[u8]) -> (String, &'static str) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), "UTF-8"),
        Err(_) => (encoding_rs::GBK.decode(bytes).0.into_owned(), "GBK"),
    }
}

/// Parses the roster; every broken line is reported with its number and reason.
///
/// # Errors
/// An unreadable file, a missing required column, or a malformed line.
/// Invalid bytes for GBK are an error naming the line and column, unless `lossy`.
pub fn read(path: &Path, lossy: bool) -> Result<(Vec<OrgRow>, &'static str)> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let (text, encoding) = decode(&bytes);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .with_context(|| format!("{}: cannot read the header line", path.display()))?
        .clone();
    let mut index = [None; 7];
    for (i, h) in headers.iter().enumerate() {
        let h = h.trim();
        if let Some(c) = COLUMNS.iter().position(|(_, names)| names.contains(&h)) {
            index[c] = Some(i);
        }
    }
    for (c, (name, names)) in COLUMNS.iter().enumerate().take(2) {
        if index[c].is_none() {
            bail!(
                "{}: no '{name}' column (one of: {})",
                path.display(),
                names.join(", ")
            );
        }
    }
    let mut rows = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let line = n + 2;
        let record = record.map_err(|e| anyhow::anyhow!("{} line {line}: {e}", path.display()))?;
        if record.iter().all(str::is_empty) {
            continue;
        }
        // Not UTF-8, and not GBK either where U+FFFD stands: a damaged file or another
        // encoding, never to be stored as a township's name.
        if !lossy && let Some(i) = record.iter().position(|v| v.contains('\u{FFFD}')) {
            bail!(
                "{} line {line}, column {}: bytes that are not valid {encoding}; save the file as UTF-8 or GBK, or give --lossy to import them as \u{FFFD}",
                path.display(),
                headers.get(i).unwrap_or("?")
            );
        }
        let get = |c: usize| {
            index[c]
                .and_then(|i| record.get(i))
                .unwrap_or("")
                .to_string()
        };
        rows.push(OrgRow {
            line,
            township: get(0),
            village: get(1),
            grid: get(2),
            first_responsible: get(3),
            directly_responsible: get(4),
            village_cadre: get(5),
            contact_phone: get(6),
        });
    }
    if rows.is_empty() {
        bail!("{}: no rows below the header", path.display());
    }
    Ok((rows, encoding))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_and_utf8_read_the_same() {
        let text = "乡镇(街道),村(社区),第一责任人\n东川镇,张家庄村,赵某\n";
        let dir = tempfile::tempdir().expect("dir");
        let utf8 = dir.path().join("u.csv");
        std::fs::write(&utf8, text).expect("write");
        let gbk = dir.path().join("g.csv");
        std::fs::write(&gbk, encoding_rs::GBK.encode(text).0).expect("write");
        let (a, ea) = read(&utf8, false).expect("utf8");
        let (b, eb) = read(&gbk, false).expect("gbk");
        assert_eq!((ea, eb), ("UTF-8", "GBK"));
        assert_eq!(a[0].village, "张家庄村");
        assert_eq!(b[0].village, "张家庄村");
        assert_eq!(b[0].first_responsible, "赵某");
        assert_eq!(b[0].line, 2);
    }

    #[test]
    fn invalid_gbk_bytes_name_the_line_and_column() {
        let dir = tempfile::tempdir().expect("dir");
        let p = dir.path().join("damaged.csv");
        let mut bytes = encoding_rs::GBK
            .encode("乡镇(街道),村(社区),第一责任人\n东川镇,张家庄村,赵某\n东川镇,")
            .0
            .into_owned();
        bytes.extend_from_slice(b"\xFF\xFF\xFF,x\n");
        std::fs::write(&p, &bytes).expect("write");
        let err = read(&p, false).expect_err("damaged").to_string();
        assert!(
            err.contains("line 3, column 村(社区): bytes that are not valid GBK"),
            "{err}"
        );
        let (rows, _) = read(&p, true).expect("accepted when asked");
        assert!(rows[1].village.contains('\u{FFFD}'));
    }

    #[test]
    fn broken_lines_and_missing_columns_are_named() {
        let dir = tempfile::tempdir().expect("dir");
        let p = dir.path().join("bad.csv");
        std::fs::write(&p, "township,village\nA,B\nC,D,E\n").expect("write");
        let err = read(&p, false).expect_err("ragged line").to_string();
        assert!(err.contains("line 3"), "{err}");
        std::fs::write(&p, "乡镇,网格\nA,B\n").expect("write");
        let err = read(&p, false).expect_err("no village column").to_string();
        assert!(err.contains("no 'village' column"), "{err}");
    }
}
