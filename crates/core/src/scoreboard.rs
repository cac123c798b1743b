//! “八个一批” (R25; seed 003 §(四)): the eight tallies a campaign is judged by — 整改一批重大隐患,
//! 打击一批非法违法行为, 查处一批违规违章企业, 关闭一批不具备安全生产条件的企业, 曝光一批典型案例,
//! 问责一批责任措施不落实的单位, 推广一批先进典型, 出台一批制度成果 — per township and campaign
//! phase. Five come from the ledger and list the cases they count; three (exposure of typical
//! cases, models promoted, rules issued) are not ledger events and are kept in a small register
//! of campaign results, each entry with its date and reference.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::dispatch::CountedCase;
use crate::ledger::kind::ProblemKind;

macro_rules! tallies {
    ($( $variant:ident => $code:literal, $zh:literal, $short:literal, $en:literal, $rule:literal; )*) => {
        /// One of the eight.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum Tally { $( $variant, )* }

        impl Tally {
            pub const ALL: &'static [Tally] = &[ $( Tally::$variant, )* ];

            #[must_use]
            pub fn code(self) -> &'static str {
                match self { $( Tally::$variant => $code, )* }
            }

            #[must_use]
            pub fn from_code(code: &str) -> Option<Tally> {
                match code { $( $code => Some(Tally::$variant), )* _ => None }
            }

            /// The seed's words (整改一批重大隐患), or English.
            #[must_use]
            pub fn label(self, zh: bool) -> &'static str {
                match self { $( Tally::$variant => if zh { $zh } else { $en }, )* }
            }

            /// The column heading (重大隐患整改).
            #[must_use]
            pub fn short(self, zh: bool) -> &'static str {
                match self { $( Tally::$variant => if zh { $short } else { $en }, )* }
            }

            /// What is counted, as the scoreboard publishes it.
            #[must_use]
            pub fn rule(self) -> &'static str {
                match self { $( Tally::$variant => $rule, )* }
            }
        }
    };
}

tallies! {
    KeyHazards => "key_hazards", "整改一批重大隐患", "重大隐患整改", "Key hazards rectified",
        "阶段内销号的重点问题";
    IllegalActs => "illegal_acts", "打击一批非法违法行为", "违法行为打击", "Illegal acts struck",
        "阶段内作出行政处罚、查扣查封或移送公安的案件";
    Firms => "firms", "查处一批违规违章企业", "违规企业查处", "Firms dealt with",
        "阶段内作出处置决定或行政处罚的涉企问题（越界、以探代采、持证矿山违规、污染、非法加工、收购销售、运输）";
    Closures => "closures", "关闭一批不具备安全生产条件的企业", "企业关闭", "Closed down",
        "阶段内决定关闭或取缔的案件";
    TypicalCases => "typical_cases", "曝光一批典型案例", "典型案例曝光", "Typical cases exposed",
        "登记的典型案例曝光（日期在阶段内）";
    UnitsHeld => "units_held", "问责一批责任措施不落实的单位", "单位问责", "Units held to account",
        "阶段内问责线索认定应予问责或移送纪委监委的案件";
    Models => "models", "推广一批先进典型", "先进典型推广", "Models promoted",
        "登记的先进典型推广（日期在阶段内）";
    Rules => "rules", "出台一批制度成果", "制度成果出台", "Rules issued",
        "登记的制度成果（日期在阶段内）";
}

impl Tally {
    /// Kept in the register of campaign results, not read from the ledger.
    #[must_use]
    pub fn registered(self) -> bool {
        matches!(self, Tally::TypicalCases | Tally::Models | Tally::Rules)
    }

    /// The tallies the register takes.
    #[must_use]
    pub fn registered_ones() -> Vec<Tally> {
        Tally::ALL
            .iter()
            .copied()
            .filter(|t| t.registered())
            .collect()
    }
}

/// Problems that concern a firm: a licensed mine, a processor, a buyer or a haulier.
#[must_use]
pub fn concerns_a_firm(kind: ProblemKind) -> bool {
    use ProblemKind as K;
    matches!(
        kind,
        K::BoundaryOverstep
            | K::UnlicensedExploration
            | K::LicensedMineSafety
            | K::Pollution
            | K::IllegalProcessing
            | K::IllegalTrading
            | K::IllegalHaulage
    )
}

/// An entry of the register of campaign results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CountedRecord {
    pub id: i64,
    pub title: String,
    pub on: NaiveDate,
}

/// One tally of one township: the cases or register entries it counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TallyCount {
    pub tally: Tally,
    pub cases: Vec<CountedCase>,
    pub records: Vec<CountedRecord>,
}

impl TallyCount {
    #[must_use]
    pub fn count(&self) -> usize {
        self.cases.len() + self.records.len()
    }
}

/// One township's line (or, with no township, the county's own register entries).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ScoreLine {
    pub township_id: Option<i64>,
    pub name: String,
    pub tallies: Vec<TallyCount>,
}

impl ScoreLine {
    #[must_use]
    pub fn tally(&self, t: Tally) -> Option<&TallyCount> {
        self.tallies.iter().find(|c| c.tally == t)
    }

    #[must_use]
    pub fn count(&self, t: Tally) -> usize {
        self.tally(t).map_or(0, TallyCount::count)
    }
}

/// The scoreboard of a period (a campaign phase, or the whole campaign).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Scoreboard {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub lines: Vec<ScoreLine>,
}

impl Scoreboard {
    /// Each tally summed over the lines.
    #[must_use]
    pub fn totals(&self) -> Vec<(Tally, usize)> {
        Tally::ALL
            .iter()
            .map(|&t| (t, self.lines.iter().map(|l| l.count(t)).sum()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eight_tallies_three_of_them_registered() {
        assert_eq!(Tally::ALL.len(), 8);
        assert_eq!(
            Tally::registered_ones(),
            vec![Tally::TypicalCases, Tally::Models, Tally::Rules]
        );
        for &t in Tally::ALL {
            assert_eq!(Tally::from_code(t.code()), Some(t));
            assert!(t.label(true).contains("一批"));
        }
    }

    #[test]
    fn totals_add_the_lines() {
        let line = |n: usize| ScoreLine {
            township_id: Some(1),
            name: "甲".into(),
            tallies: vec![TallyCount {
                tally: Tally::Closures,
                cases: (0..n)
                    .map(|i| CountedCase {
                        id: i64::try_from(i).unwrap_or(0),
                        number: String::new(),
                    })
                    .collect(),
                records: Vec::new(),
            }],
        };
        let board = Scoreboard {
            from: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap_or_default(),
            to: NaiveDate::from_ymd_opt(2026, 3, 31).unwrap_or_default(),
            lines: vec![line(2), line(3)],
        };
        let totals = board.totals();
        assert_eq!(
            totals
                .iter()
                .find(|(t, _)| *t == Tally::Closures)
                .map(|x| x.1),
            Some(5)
        );
        assert_eq!(
            totals.iter().find(|(t, _)| *t == Tally::Rules).map(|x| x.1),
            Some(0)
        );
        assert!(concerns_a_firm(ProblemKind::BoundaryOverstep));
        assert!(!concerns_a_firm(ProblemKind::UnlicensedMining));
    }
}
