//! Turning form fields and query strings into domain values, with errors that name the field.

use crate::error::WebError;
use chrono::NaiveDate;
use minewatch_core::{
    CaseAction, CaseStatus, ClueSource, Decision, MeasureStep, ProblemKind, Severity,
};
use minewatch_store::CaseFilter;
use std::collections::HashMap;

pub type Fields = HashMap<String, String>;

fn get<'a>(f: &'a Fields, name: &str) -> &'a str {
    f.get(name).map_or("", |s| s.trim())
}

fn opt_i64(f: &Fields, name: &'static str) -> Result<Option<i64>, WebError> {
    match get(f, name) {
        "" => Ok(None),
        v => v
            .parse()
            .map(Some)
            .map_err(|_| WebError::field(name, "应为数字", "must be a number")),
    }
}

fn coded<T>(
    f: &Fields,
    name: &'static str,
    parse: fn(&str) -> Option<T>,
) -> Result<Option<T>, WebError> {
    match get(f, name) {
        "" => Ok(None),
        v => parse(v).map(Some).ok_or_else(|| {
            WebError::field(
                name,
                format!("未知的取值“{v}”"),
                format!("unknown value '{v}'"),
            )
        }),
    }
}

fn required_coded<T>(
    f: &Fields,
    name: &'static str,
    parse: fn(&str) -> Option<T>,
) -> Result<T, WebError> {
    coded(f, name, parse)?.ok_or_else(|| WebError::field(name, "必须选择", "is required"))
}

/// Percent-encodes for a URL query, keeping unreserved characters and `/` readable.
#[must_use]
pub fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The ledger's filters from a query string.
pub fn case_filter(q: &Fields) -> Result<CaseFilter, WebError> {
    Ok(CaseFilter {
        township_id: opt_i64(q, "township")?,
        village_id: opt_i64(q, "village")?,
        status: coded(q, "status", CaseStatus::from_code)?,
        source: coded(q, "source", ClueSource::from_code)?,
        problem_kind: coded(q, "kind", ProblemKind::from_code)?,
        severity: coded(q, "severity", Severity::from_code)?,
        overdue: matches!(get(q, "overdue"), "1" | "true" | "on"),
        open: matches!(get(q, "open"), "1" | "true" | "on"),
        text: Some(get(q, "q").to_string()).filter(|s| !s.is_empty()),
    })
}

/// Page number from `page`, 1 when absent.
pub fn page(q: &Fields) -> Result<u32, WebError> {
    match get(q, "page") {
        "" => Ok(1),
        v => v.parse::<u32>().ok().filter(|p| *p >= 1).ok_or_else(|| {
            WebError::field("page", "应为正整数", "must be a positive whole number")
        }),
    }
}

/// Yuan with up to two decimals → fen, without floating point.
pub fn yuan_to_fen(field: &'static str, text: &str) -> Result<i64, WebError> {
    let t = text.trim().replace([',', '，'], "");
    if t.is_empty() {
        return Ok(0);
    }
    let bad = || {
        WebError::field(
            field,
            "金额格式不正确（元，最多两位小数）",
            "not an amount in yuan with at most two decimals",
        )
    };
    let (whole, frac) = t.split_once('.').unwrap_or((&t, ""));
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > 2
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    let whole: i64 = whole.parse().map_err(|_| bad())?;
    let frac: i64 = format!("{frac:0<2}").parse().map_err(|_| bad())?;
    whole
        .checked_mul(100)
        .and_then(|w| w.checked_add(frac))
        .ok_or_else(bad)
}

fn date(f: &Fields, name: &'static str) -> Result<NaiveDate, WebError> {
    let v = get(f, name);
    if v.is_empty() {
        return Err(WebError::field(name, "必须填写", "is required"));
    }
    NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .map_err(|_| WebError::field(name, "日期格式应为 年-月-日", "must be a date YYYY-MM-DD"))
}

fn yes(f: &Fields, name: &str) -> bool {
    matches!(get(f, name), "1" | "true" | "on" | "yes")
}

/// The step a case form asks for.
pub fn case_action(f: &Fields) -> Result<CaseAction, WebError> {
    let s = |n: &str| get(f, n).to_string();
    Ok(match get(f, "action") {
        "verify" => CaseAction::Verify {
            founded: yes(f, "founded"),
            note: s("note"),
        },
        "decide" => CaseAction::Decide {
            decision: required_coded(f, "decision", Decision::from_code)?,
            measures: s("measures"),
            deadline: date(f, "deadline")?,
            responsible_unit: s("responsible_unit"),
            responsible_person: s("responsible_person"),
        },
        "measure" => CaseAction::Measure {
            step: required_coded(f, "step", MeasureStep::from_code)?,
            note: s("note"),
        },
        "seize" => CaseAction::Seize {
            items: s("items"),
            note: s("note"),
        },
        "penalty" => CaseAction::Penalty {
            fine_fen: yuan_to_fen("fine_fen", get(f, "fine_yuan"))?,
            confiscation_fen: yuan_to_fen("confiscation_fen", get(f, "confiscation_yuan"))?,
            document_no: s("document_no"),
        },
        "transfer_police" => CaseAction::TransferPolice { note: s("note") },
        "police_filed" => CaseAction::PoliceFiled {
            receipt_no: s("receipt_no"),
        },
        "prosecuted" => CaseAction::Prosecuted { note: s("note") },
        "court_judged" => CaseAction::CourtJudged {
            result: s("result"),
        },
        "transfer_discipline" => CaseAction::TransferDiscipline { note: s("note") },
        "discipline_concluded" => CaseAction::DisciplineConcluded {
            result: s("result"),
        },
        "restore" => CaseAction::Restore { note: s("note") },
        "report_rectified" => CaseAction::ReportRectified { note: s("note") },
        "accept" => CaseAction::Accept {
            passed: yes(f, "passed"),
            note: s("note"),
        },
        "close" => CaseAction::Close { note: s("note") },
        "note" => CaseAction::Note { text: s("text") },
        "look_back" => CaseAction::LookBack {
            recurrence: yes(f, "recurrence"),
            note: s("note"),
        },
        "" => return Err(WebError::field("action", "必须选择操作", "is required")),
        other => {
            return Err(WebError::field(
                "action",
                format!("未知操作“{other}”"),
                format!("unknown action '{other}'"),
            ));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect()
    }

    #[test]
    fn yuan_parses_exactly() {
        assert_eq!(yuan_to_fen("f", "1,234.5").ok(), Some(123_450));
        assert_eq!(yuan_to_fen("f", "0.07").ok(), Some(7));
        assert_eq!(yuan_to_fen("f", "").ok(), Some(0));
        for bad in ["1.234", "-5", "abc", ".5", "1e3", "99999999999999999999"] {
            assert!(yuan_to_fen("f", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn decide_form_names_bad_fields() {
        let missing = case_action(&fields(&[("action", "decide"), ("decision", "ban")]));
        assert!(matches!(missing, Err(WebError::Field { ref field, .. }) if field == "deadline"));
        let bad_date = case_action(&fields(&[
            ("action", "decide"),
            ("decision", "ban"),
            ("deadline", "3/4/2026"),
        ]));
        assert!(matches!(bad_date, Err(WebError::Field { ref field, .. }) if field == "deadline"));
        let unknown = case_action(&fields(&[
            ("action", "decide"),
            ("decision", "burn"),
            ("deadline", "2026-03-04"),
        ]));
        assert!(matches!(unknown, Err(WebError::Field { ref field, .. }) if field == "decision"));
    }

    #[test]
    fn filters_reject_unknown_codes() {
        assert!(
            case_filter(&fields(&[("status", "closed"), ("overdue", "1")]))
                .is_ok_and(|f| f.overdue)
        );
        assert!(
            matches!(case_filter(&fields(&[("status", "bogus")])), Err(WebError::Field { ref field, .. }) if field == "status")
        );
        assert!(
            matches!(case_filter(&fields(&[("township", "x")])), Err(WebError::Field { ref field, .. }) if field == "township")
        );
    }
}
