//! 督导检查 (R26, seeds 001/003): the county's visits to a township, announced (常规督导) or
//! 四不两直 — 不发通知、不打招呼、不听汇报、不用陪同接待，直奔基层、直插现场 — so that what
//! the reports hid is found on the spot. Each finding becomes a case from the source
//! 上级督察交办, which the monthly ranking counts against the township.

use serde::{Deserialize, Serialize};

/// How a visit was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InspectionKind {
    /// 常规督导: announced.
    Announced,
    /// 四不两直: unannounced, straight to the site.
    Unannounced,
}

impl InspectionKind {
    pub const ALL: &'static [InspectionKind] =
        &[InspectionKind::Unannounced, InspectionKind::Announced];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            InspectionKind::Announced => "announced",
            InspectionKind::Unannounced => "unannounced",
        }
    }

    #[must_use]
    pub fn from_code(code: &str) -> Option<InspectionKind> {
        InspectionKind::ALL
            .iter()
            .copied()
            .find(|k| k.code() == code)
    }

    #[must_use]
    pub fn label(self, zh: bool) -> &'static str {
        match (self, zh) {
            (InspectionKind::Announced, true) => "常规督导",
            (InspectionKind::Announced, false) => "Announced visit",
            (InspectionKind::Unannounced, true) => "四不两直",
            (InspectionKind::Unannounced, false) => "Unannounced visit",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for k in InspectionKind::ALL {
            assert_eq!(InspectionKind::from_code(k.code()), Some(*k));
        }
        assert_eq!(InspectionKind::from_code("surprise"), None);
    }
}
