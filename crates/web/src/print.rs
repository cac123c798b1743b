//! Printing official documents (R27): one press per process, found on first use (fonts of
//! the machine and of MINEWATCH_FONT_DIR, where a county keeps its licensed 公文 fonts), and
//! each render off the async threads, as it is CPU work.

use std::sync::{Arc, OnceLock};

use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use minewatch_paper::{Paper, PaperError, Press};

use crate::WebError;

fn press() -> &'static Press {
    static PRESS: OnceLock<Press> = OnceLock::new();
    PRESS.get_or_init(|| {
        let dir = std::env::var_os("MINEWATCH_FONT_DIR").map(std::path::PathBuf::from);
        let press = Press::load(dir.as_deref());
        if !press.has_chinese() {
            tracing::warn!("no Chinese font found: documents cannot be printed");
        }
        press
    })
}

/// The PDF of `paper`, offered as `name` (opened in the browser, saved under that name).
pub(crate) async fn pdf(paper: Paper, name: &str) -> Result<Response, WebError> {
    let paper = Arc::new(paper);
    let bytes = tokio::task::spawn_blocking(move || press().render(&paper))
        .await
        .map_err(|e| WebError::Print(PaperError::Layout(e.to_string())))?
        .map_err(WebError::Print)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{}\"", ascii_name(name)),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// File names in the header stay ASCII; the Chinese title is inside the document.
fn ascii_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// A date as documents write it: 2026年11月3日.
pub(crate) fn cn_date(day: NaiveDate) -> String {
    format!("{}年{}月{}日", day.year(), day.month(), day.day())
}

/// "2026-11-03" as 2026年11月3日; anything else as it is.
pub(crate) fn cn_date_text(text: &str) -> String {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_or_else(|_| text.to_string(), cn_date)
}

/// The county office that issues the documents.
pub(crate) fn county_office(county: &str) -> String {
    format!("{county}打击非法采矿专项行动领导小组办公室")
}

/// What the foot of a printed document says about where it came from.
pub(crate) fn trace(what: &str, printed: NaiveDate) -> String {
    format!(
        "本件由 minewatch 依{what}生成，打印日期{}；以系统记录为准。",
        cn_date(printed)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_dates() {
        assert_eq!(ascii_name("交办单-2026-0042.pdf"), "----2026-0042.pdf");
        let day = NaiveDate::from_ymd_opt(2026, 11, 3).unwrap_or_default();
        assert_eq!(cn_date(day), "2026年11月3日");
        assert_eq!(cn_date_text("2026-11-03"), "2026年11月3日");
        assert_eq!(cn_date_text("—"), "—");
    }
}
