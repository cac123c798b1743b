//! Reading a stored code back into its type: every code enum turns a `String` into itself
//! through its own `from_code`, so a row type can declare the column as the enum (the store
//! does, with `#[sqlx(try_from = "String")]`) and a code no version wrote is an error that
//! names it rather than a silent default.

/// A code that names no value of its type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownCode {
    pub what: &'static str,
    pub code: String,
}

impl std::fmt::Display for UnknownCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown {} code '{}'", self.what, self.code)
    }
}

impl std::error::Error for UnknownCode {}

/// `TryFrom<String>` through the type's `from_code`, naming the kind of code it refuses.
#[macro_export]
macro_rules! code_from_text {
    ($($ty:ty => $what:literal),* $(,)?) => {
        $(impl TryFrom<String> for $ty {
            type Error = $crate::code::UnknownCode;

            fn try_from(code: String) -> Result<Self, Self::Error> {
                <$ty>::from_code(&code).ok_or($crate::code::UnknownCode { what: $what, code })
            }
        })*
    };
}

code_from_text! {
    crate::Role => "role",
    crate::DepartmentCode => "department",
    crate::ProblemKind => "problem kind",
    crate::Severity => "severity",
    crate::ClueSource => "clue source",
    crate::CaseStatus => "case status",
    crate::calendar::DayKind => "calendar day",
    crate::patrol::duty::Cycle => "duty cycle",
}

#[cfg(test)]
mod tests {
    use crate::ProblemKind;

    #[test]
    fn a_code_reads_back_and_an_unknown_one_is_named() {
        let k = ProblemKind::ALL[0];
        assert_eq!(ProblemKind::try_from(k.code().to_string()), Ok(k));
        let e = ProblemKind::try_from("gold_panning_by_moonlight".to_string())
            .expect_err("no such kind");
        assert_eq!(
            e.to_string(),
            "unknown problem kind code 'gold_panning_by_moonlight'"
        );
    }
}
