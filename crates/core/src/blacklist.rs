//! 黑名单 and 联合惩戒 (R24, seed 003 §(五)): firms, persons and vehicles listed for taking
//! part in illegal mining, each for the cases that put them there, with the measures each
//! department applies; and the one check other screens call (a checkpoint reading a plate, a
//! holder applying). Identifiers are compared in one written form, so "晋A·12345" at a
//! checkpoint finds "晋a12345" on the list.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Who is listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    /// 企业, by its 统一社会信用代码.
    Firm,
    /// 个人, by the ID card number.
    Person,
    /// 车辆, by its plate.
    Vehicle,
}

impl SubjectKind {
    pub const ALL: &'static [SubjectKind] =
        &[SubjectKind::Firm, SubjectKind::Person, SubjectKind::Vehicle];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            SubjectKind::Firm => "firm",
            SubjectKind::Person => "person",
            SubjectKind::Vehicle => "vehicle",
        }
    }

    #[must_use]
    pub fn from_code(code: &str) -> Option<SubjectKind> {
        SubjectKind::ALL.iter().copied().find(|k| k.code() == code)
    }

    #[must_use]
    pub fn label(self, zh: bool) -> &'static str {
        match (self, zh) {
            (SubjectKind::Firm, true) => "企业",
            (SubjectKind::Firm, false) => "Firm",
            (SubjectKind::Person, true) => "个人",
            (SubjectKind::Person, false) => "Person",
            (SubjectKind::Vehicle, true) => "车辆",
            (SubjectKind::Vehicle, false) => "Vehicle",
        }
    }

    /// What the identifier is called on the forms.
    #[must_use]
    pub fn identifier_label(self, zh: bool) -> &'static str {
        match (self, zh) {
            (SubjectKind::Firm, true) => "统一社会信用代码",
            (SubjectKind::Firm, false) => "Unified social credit code",
            (SubjectKind::Person, true) => "身份证号",
            (SubjectKind::Person, false) => "ID card number",
            (SubjectKind::Vehicle, true) => "车牌号",
            (SubjectKind::Vehicle, false) => "Plate",
        }
    }
}

/// An identifier in the one form the list compares: ASCII letters upper-cased, spaces, dots
/// and dashes dropped (plates are written "晋A·12345", "晋A 12345", "晋a-12345").
#[must_use]
pub fn normalize(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '·' | '•' | '.' | '-' | '－' | '—' | '　'))
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// A name as compared when no identifier is known: without spaces.
#[must_use]
pub fn normalize_name(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Why an identifier is not one of its kind, in words for the form; `None` when it is.
/// The empty identifier is allowed for firms and persons (some are known by name only) and
/// refused for vehicles, which a checkpoint knows only by plate.
#[must_use]
pub fn identifier_fault(kind: SubjectKind, normalized: &str) -> Option<&'static str> {
    let chars: Vec<char> = normalized.chars().collect();
    match kind {
        SubjectKind::Firm | SubjectKind::Person if chars.is_empty() => None,
        SubjectKind::Firm => (chars.len() != 18 || !chars.iter().all(char::is_ascii_alphanumeric))
            .then_some("18 letters and digits (统一社会信用代码)"),
        SubjectKind::Person => {
            let body_ok = chars.len() == 18
                && chars[..17].iter().all(char::is_ascii_digit)
                && (chars[17].is_ascii_digit() || chars[17] == 'X');
            (!body_ok).then_some("18 characters: 17 digits and a digit or X (身份证号)")
        }
        SubjectKind::Vehicle => {
            let ok = (7..=8).contains(&chars.len())
                && !chars[0].is_ascii()
                && chars[1].is_ascii_uppercase()
                && chars[2..]
                    .iter()
                    .all(|c| c.is_ascii_alphanumeric() || *c == '挂' || *c == '学');
            (!ok).then_some("a plate such as 晋A12345 (province, letter, 5–6 letters or digits)")
        }
    }
}

/// An identifier as shown to those who need not read it whole: an ID card number keeps its
/// first six and last four characters.
#[must_use]
pub fn masked(kind: SubjectKind, normalized: &str) -> String {
    let chars: Vec<char> = normalized.chars().collect();
    match kind {
        SubjectKind::Person if chars.len() > 10 => {
            let head: String = chars[..6].iter().collect();
            let tail: String = chars[chars.len() - 4..].iter().collect();
            format!("{head}{}{tail}", "*".repeat(chars.len() - 10))
        }
        _ => normalized.to_string(),
    }
}

/// Is an entry in force on `day`: not lifted and not past its term?
#[must_use]
pub fn in_force(
    lifted_on: Option<NaiveDate>,
    valid_until: Option<NaiveDate>,
    day: NaiveDate,
) -> bool {
    lifted_on.is_none_or(|l| l > day) && valid_until.is_none_or(|v| v >= day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plates_compare_however_they_are_written() {
        assert_eq!(normalize("晋a·12345"), "晋A12345");
        assert_eq!(normalize(" 晋A 12345 "), "晋A12345");
        assert_eq!(normalize("晋A-D1234"), "晋AD1234");
        assert_eq!(identifier_fault(SubjectKind::Vehicle, "晋A12345"), None);
        assert_eq!(identifier_fault(SubjectKind::Vehicle, "晋AD12345"), None);
        assert!(identifier_fault(SubjectKind::Vehicle, "A12345").is_some());
        assert!(identifier_fault(SubjectKind::Vehicle, "").is_some());
    }

    #[test]
    fn credit_codes_and_id_numbers_are_checked_and_masked() {
        assert_eq!(
            identifier_fault(SubjectKind::Firm, "91140100MA0K7XXX1A"),
            None
        );
        assert!(identifier_fault(SubjectKind::Firm, "91140100").is_some());
        assert_eq!(identifier_fault(SubjectKind::Firm, ""), None);
        assert_eq!(
            identifier_fault(SubjectKind::Person, "14010219800101123X"),
            None
        );
        assert!(identifier_fault(SubjectKind::Person, "1401021980010112").is_some());
        assert_eq!(
            masked(SubjectKind::Person, "14010219800101123X"),
            "140102********123X"
        );
        assert_eq!(masked(SubjectKind::Vehicle, "晋A12345"), "晋A12345");
    }

    #[test]
    fn an_entry_is_in_force_until_lifted_or_past_its_term() {
        let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap_or_default();
        assert!(in_force(None, None, d(6, 1)));
        assert!(in_force(None, Some(d(6, 1)), d(6, 1)));
        assert!(!in_force(None, Some(d(5, 31)), d(6, 1)));
        assert!(!in_force(Some(d(6, 1)), None, d(6, 1)));
        assert!(in_force(Some(d(6, 2)), None, d(6, 1)));
    }
}
