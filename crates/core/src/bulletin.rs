//! 月通报 (R25): every month the county ranks its townships (seed 001 §(三): "区专项行动领导
//! 小组要每月通报各镇（街）工作开展情况"). The ranking scores outcomes only — who found the
//! problems on its own ground, and what others had to find for it, what stayed overdue, what
//! came back, who was held to account, which tipsters waited — by a formula the county office
//! publishes and edits. Log-ins, uploads, track length and photo counts are never scored: the
//! State Council's 2026 rule against 指尖上的形式主义 forbids ranking app activity, and nothing
//! here can express it.

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::dispatch::CountedCase;
use crate::ledger::clue::ClueSource;

/// A month of the campaign, as `2026-11`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    #[must_use]
    pub fn of(day: NaiveDate) -> Self {
        Month {
            year: day.year(),
            month: day.month(),
        }
    }

    /// Parses `2026-11`; `None` for anything else.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let (y, m) = text.trim().split_once('-')?;
        if y.len() != 4 || m.len() != 2 {
            return None;
        }
        let year: i32 = y.parse().ok()?;
        let month: u32 = m.parse().ok()?;
        NaiveDate::from_ymd_opt(year, month, 1).map(|_| Month { year, month })
    }

    #[must_use]
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }

    #[must_use]
    pub fn next(self) -> Self {
        if self.month == 12 {
            Month {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Month {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    #[must_use]
    pub fn previous(self) -> Self {
        if self.month == 1 {
            Month {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Month {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    #[must_use]
    pub fn last_day(self) -> NaiveDate {
        self.next().first_day() - Duration::days(1)
    }

    /// `2026年11月`.
    #[must_use]
    pub fn label(self, zh: bool) -> String {
        if zh {
            format!("{}年{}月", self.year, self.month)
        } else {
            self.to_string()
        }
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

macro_rules! rank_items {
    ($( $variant:ident => $code:literal, $weight:literal, $zh:literal, $en:literal, $zh_rule:literal; )*) => {
        /// What the monthly ranking counts, per township and month. Each is a list of cases,
        /// so every number in the bulletin drills down to exactly the cases it counted.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum RankItem { $( $variant, )* }

        impl RankItem {
            pub const ALL: &'static [RankItem] = &[ $( RankItem::$variant, )* ];

            #[must_use]
            pub fn code(self) -> &'static str {
                match self { $( RankItem::$variant => $code, )* }
            }

            #[must_use]
            pub fn from_code(code: &str) -> Option<RankItem> {
                match code { $( $code => Some(RankItem::$variant), )* _ => None }
            }

            /// The weight a new county starts with.
            #[must_use]
            pub fn default_weight(self) -> i64 {
                match self { $( RankItem::$variant => $weight, )* }
            }

            #[must_use]
            pub fn label(self, zh: bool) -> &'static str {
                match self { $( RankItem::$variant => if zh { $zh } else { $en }, )* }
            }

            /// What is counted, as the bulletin publishes it.
            #[must_use]
            pub fn rule(self) -> &'static str {
                match self { $( RankItem::$variant => $zh_rule, )* }
            }
        }
    };
}

rank_items! {
    SelfFound => "self_found", 2, "自主发现", "Found by the township",
        "本月立案、来源为巡查发现且未经核查不实的问题";
    SatelliteFound => "satellite_found", -2, "卫片发现", "Found by satellite",
        "本月立案、来源为卫片执法图斑且未经核查不实的问题";
    PublicFound => "public_found", -2, "群众举报及舆情发现", "Found by citizens or the media",
        "本月立案、来源为群众举报、媒体报道或网络舆情且未经核查不实的问题";
    SuperiorFound => "superior_found", -3, "上级交办", "Found by superiors",
        "本月立案、来源为上级督察交办或领导批办且未经核查不实的问题";
    Overdue => "overdue", -2, "逾期未办结", "Overdue at month end",
        "月末仍未办结且已超过办理时限的案件";
    Recurrence => "recurrence", -3, "反弹复发", "Recurrences",
        "本月立案、属已销号问题复发的案件";
    Accountability => "accountability", -5, "被问责", "Held to account",
        "本月经纪检监察认定移交问责的应发现未发现线索（按案件计）";
    TipsLate => "tips_late", -2, "举报办理超时", "Tips handled late",
        "受理或答复时限在本月届满而未按时受理、答复的群众举报（按案件计）";
}

impl RankItem {
    /// The clue sources an item of the "found by" kind counts; empty for the others.
    #[must_use]
    pub fn sources(self) -> &'static [ClueSource] {
        match self {
            RankItem::SelfFound => &[ClueSource::Patrol],
            RankItem::SatelliteFound => &[ClueSource::SatellitePatch],
            RankItem::PublicFound => &[
                ClueSource::Tip,
                ClueSource::Media,
                ClueSource::OnlineOpinion,
            ],
            RankItem::SuperiorFound => {
                &[ClueSource::SuperiorInspection, ClueSource::LeaderReferral]
            }
            _ => &[],
        }
    }
}

/// The published formula: score = base + Σ weight × count. Weights are whole points, so a
/// hand calculation gives exactly the published score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RankingFormula {
    pub base: i64,
    /// One weight per item, in [`RankItem::ALL`]'s order; items missing count 0.
    pub weights: Vec<Weight>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Weight {
    pub item: RankItem,
    pub weight: i64,
}

/// The largest weight (either sign) a formula may carry: a typo of 2000 for 2 would let one
/// case decide the whole ranking.
pub const MAX_WEIGHT: i64 = 100;

impl Default for RankingFormula {
    fn default() -> Self {
        RankingFormula {
            base: 100,
            weights: RankItem::ALL
                .iter()
                .map(|&item| Weight {
                    item,
                    weight: item.default_weight(),
                })
                .collect(),
        }
    }
}

impl RankingFormula {
    #[must_use]
    pub fn weight(&self, item: RankItem) -> i64 {
        self.weights
            .iter()
            .find(|w| w.item == item)
            .map_or(0, |w| w.weight)
    }

    /// Every item once, in the published order, weights within ±[`MAX_WEIGHT`].
    ///
    /// # Errors
    /// The field and the reason.
    pub fn check(&self) -> Result<RankingFormula, (&'static str, String)> {
        if !(0..=10_000).contains(&self.base) {
            return Err((
                "base",
                format!(
                    "the base score must lie between 0 and 10000, not {}",
                    self.base
                ),
            ));
        }
        let mut weights = Vec::with_capacity(RankItem::ALL.len());
        for &item in RankItem::ALL {
            let mut given = self.weights.iter().filter(|w| w.item == item);
            let w = given.next().map_or(0, |w| w.weight);
            if given.next().is_some() {
                return Err((
                    "weights",
                    format!("the weight of “{}” is given twice", item.label(true)),
                ));
            }
            if w.abs() > MAX_WEIGHT {
                return Err((
                    "weights",
                    format!(
                        "the weight of “{}” is {w}; weights lie between -{MAX_WEIGHT} and {MAX_WEIGHT}",
                        item.label(true)
                    ),
                ));
            }
            weights.push(Weight { item, weight: w });
        }
        Ok(RankingFormula {
            base: self.base,
            weights,
        })
    }

    /// The formula as the bulletin prints it: `得分 = 100 + 2×自主发现 − 2×卫片发现 …`.
    #[must_use]
    pub fn text(&self, zh: bool) -> String {
        use std::fmt::Write as _;
        let mut out = format!("{} = {}", if zh { "得分" } else { "Score" }, self.base);
        for w in &self.weights {
            if w.weight == 0 {
                continue;
            }
            let sign = if w.weight < 0 { '−' } else { '+' };
            let _ = write!(out, " {sign} {}×{}", w.weight.abs(), w.item.label(zh));
        }
        out
    }

    /// The score of a township's counts.
    #[must_use]
    pub fn score(&self, counts: &[ItemCount]) -> i64 {
        self.base
            + counts
                .iter()
                .map(|c| self.weight(c.item) * c.count())
                .sum::<i64>()
    }
}

/// One item of one township: the cases it counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ItemCount {
    pub item: RankItem,
    pub cases: Vec<CountedCase>,
}

impl ItemCount {
    #[must_use]
    pub fn count(&self) -> i64 {
        i64::try_from(self.cases.len()).unwrap_or(i64::MAX)
    }
}

/// A township's line in the bulletin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RankedTownship {
    pub township_id: i64,
    pub township: String,
    pub items: Vec<ItemCount>,
    pub score: i64,
    /// 1 is best; equal scores share a rank (1, 2, 2, 4).
    pub rank: usize,
    /// Its rank in the previous month's issued bulletin, if there is one.
    pub previous_rank: Option<usize>,
}

impl RankedTownship {
    /// Places gained since last month (negative: lost).
    #[must_use]
    pub fn change(&self) -> Option<i64> {
        let prev = i64::try_from(self.previous_rank?).ok()?;
        let now = i64::try_from(self.rank).ok()?;
        Some(prev - now)
    }

    #[must_use]
    pub fn item(&self, item: RankItem) -> Option<&ItemCount> {
        self.items.iter().find(|c| c.item == item)
    }

    /// The items that cost it most, worst first (those that cost nothing left out).
    #[must_use]
    pub fn worst(&self, formula: &RankingFormula, n: usize) -> Vec<(RankItem, i64)> {
        let mut costs: Vec<(RankItem, i64)> = self
            .items
            .iter()
            .map(|c| (c.item, formula.weight(c.item) * c.count()))
            .filter(|&(_, cost)| cost < 0)
            .collect();
        costs.sort_by_key(|&(item, cost)| {
            (
                cost,
                RankItem::ALL.iter().position(|&i| i == item).unwrap_or(0),
            )
        });
        costs.truncate(n);
        costs
    }
}

/// Scores and ranks the townships (given in roster order, which breaks no tie: equal scores
/// share the rank and keep roster order).
#[must_use]
pub fn rank(
    formula: &RankingFormula,
    townships: Vec<(i64, String, Vec<ItemCount>)>,
    previous: &dyn Fn(i64) -> Option<usize>,
) -> Vec<RankedTownship> {
    let mut lines: Vec<RankedTownship> = townships
        .into_iter()
        .map(|(township_id, township, items)| RankedTownship {
            score: formula.score(&items),
            previous_rank: previous(township_id),
            township_id,
            township,
            items,
            rank: 0,
        })
        .collect();
    // A stable sort keeps roster order among equals.
    lines.sort_by_key(|l| std::cmp::Reverse(l.score));
    let mut last: Option<(i64, usize)> = None;
    for (i, l) in lines.iter_mut().enumerate() {
        l.rank = match last {
            Some((score, rank)) if score == l.score => rank,
            _ => i + 1,
        };
        last = Some((l.score, l.rank));
    }
    lines
}

/// What the bulletin holds once issued: frozen, so a case changed afterwards changes the
/// next month's bulletin and never this one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BulletinFigures {
    #[schema(value_type = String, example = "2026-11")]
    #[serde(with = "month_text")]
    pub month: Month,
    /// The last day counted (the month's last day; today, for a draft of the running month).
    pub as_of: NaiveDate,
    pub formula: RankingFormula,
    pub lines: Vec<RankedTownship>,
}

impl BulletinFigures {
    /// The townships ranked in the top `n` places and those in the bottom `n`, as the
    /// bulletin names them (a tie at the edge names all who share the place).
    #[must_use]
    pub fn top_and_bottom(&self, n: usize) -> (Vec<&RankedTownship>, Vec<&RankedTownship>) {
        let count = self.lines.len();
        if count == 0 {
            return (Vec::new(), Vec::new());
        }
        let n = n.min(count / 2).max(1);
        let top: Vec<_> = self.lines.iter().filter(|l| l.rank <= n).collect();
        let floor = self.lines.get(count - n).map_or(usize::MAX, |l| l.rank);
        let bottom: Vec<_> = self
            .lines
            .iter()
            .filter(|l| l.rank >= floor && !top.iter().any(|t| t.township_id == l.township_id))
            .collect();
        (top, bottom)
    }

    #[must_use]
    pub fn line(&self, township_id: i64) -> Option<&RankedTownship> {
        self.lines.iter().find(|l| l.township_id == township_id)
    }
}

mod month_text {
    use super::Month;
    use serde::{Deserialize, Deserializer, Serializer};

    #[expect(
        clippy::trivially_copy_pass_by_ref,
        reason = "serde's `with` passes a reference"
    )]
    pub fn serialize<S: Serializer>(m: &Month, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(m)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Month, D::Error> {
        let text = String::deserialize(d)?;
        Month::parse(&text).ok_or_else(|| serde::de::Error::custom(format!("not a month: {text}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cases(n: usize) -> Vec<CountedCase> {
        (0..n)
            .map(|i| CountedCase {
                id: i64::try_from(i).unwrap_or(0),
                number: format!("C{i}"),
            })
            .collect()
    }

    fn counts(pairs: &[(RankItem, usize)]) -> Vec<ItemCount> {
        pairs
            .iter()
            .map(|&(item, n)| ItemCount {
                item,
                cases: cases(n),
            })
            .collect()
    }

    #[test]
    fn months_parse_and_step() {
        let m = Month::parse("2026-12").expect("month");
        assert_eq!(m.next().to_string(), "2027-01");
        assert_eq!(m.previous().to_string(), "2026-11");
        assert_eq!(
            m.last_day(),
            NaiveDate::from_ymd_opt(2026, 12, 31).expect("d")
        );
        assert_eq!(
            Month::parse("2026-02").expect("feb").last_day().to_string(),
            "2026-02-28"
        );
        for bad in ["2026-13", "2026-1", "26-01", "abc", "2026-00", ""] {
            assert_eq!(Month::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn scores_as_a_hand_calculation_says_and_ties_share_a_rank() {
        let f = RankingFormula::default();
        // 100 + 2×3 − 2×1 − 5×1 = 99
        let a = counts(&[
            (RankItem::SelfFound, 3),
            (RankItem::SatelliteFound, 1),
            (RankItem::Accountability, 1),
        ]);
        // 100 − 2×2 = 96
        let b = counts(&[(RankItem::Overdue, 2)]);
        // 100 + 2×2 − 2×1 − 2×1 = 100
        let c = counts(&[
            (RankItem::SelfFound, 2),
            (RankItem::PublicFound, 1),
            (RankItem::TipsLate, 1),
        ]);
        let d = counts(&[(RankItem::Overdue, 2)]);
        let lines = rank(
            &f,
            vec![
                (1, "甲".into(), a),
                (2, "乙".into(), b),
                (3, "丙".into(), c),
                (4, "丁".into(), d),
            ],
            &|id| (id == 2).then_some(4),
        );
        let got: Vec<(i64, i64, usize)> = lines
            .iter()
            .map(|l| (l.township_id, l.score, l.rank))
            .collect();
        assert_eq!(got, vec![(3, 100, 1), (1, 99, 2), (2, 96, 3), (4, 96, 3)]);
        assert_eq!(lines[2].change(), Some(1));
        assert_eq!(lines[0].change(), None);
        assert_eq!(
            lines[1].worst(&f, 2),
            vec![
                (RankItem::Accountability, -5),
                (RankItem::SatelliteFound, -2)
            ]
        );
    }

    #[test]
    fn an_edited_formula_reorders_the_ranking() {
        let mut f = RankingFormula::default();
        let a = counts(&[(RankItem::SelfFound, 3), (RankItem::Overdue, 1)]);
        let b = counts(&[]);
        let order = |f: &RankingFormula| {
            rank(
                f,
                vec![(1, "甲".into(), a.clone()), (2, "乙".into(), b.clone())],
                &|_| None,
            )
            .iter()
            .map(|l| l.township_id)
            .collect::<Vec<_>>()
        };
        assert_eq!(order(&f), vec![1, 2]); // 104 against 100
        for w in &mut f.weights {
            if w.item == RankItem::Overdue {
                w.weight = -10;
            }
        }
        assert_eq!(order(&f), vec![2, 1]); // 96 against 100
    }

    #[test]
    fn formula_checks_and_prints() {
        let f = RankingFormula::default();
        assert_eq!(f.check().expect("default"), f);
        assert!(
            f.text(true)
                .starts_with("得分 = 100 + 2×自主发现 − 2×卫片发现")
        );
        let mut twice = f.clone();
        twice.weights.push(Weight {
            item: RankItem::Overdue,
            weight: 1,
        });
        assert_eq!(twice.check().map_err(|e| e.0), Err("weights"));
        let huge = RankingFormula {
            base: 100,
            weights: vec![Weight {
                item: RankItem::Overdue,
                weight: -2000,
            }],
        };
        assert!(huge.check().is_err());
        // Items left out weigh nothing, and come back in the published order.
        let partial = RankingFormula {
            base: 50,
            weights: vec![Weight {
                item: RankItem::TipsLate,
                weight: -1,
            }],
        }
        .check()
        .expect("partial");
        assert_eq!(partial.weights.len(), RankItem::ALL.len());
        assert_eq!(partial.weight(RankItem::SelfFound), 0);
    }

    #[test]
    fn top_and_bottom_name_the_edges() {
        let f = RankingFormula::default();
        let lines = rank(
            &f,
            (1..=6)
                .map(|i| {
                    (
                        i,
                        format!("T{i}"),
                        counts(&[(RankItem::Overdue, usize::try_from(i).unwrap_or(0))]),
                    )
                })
                .collect(),
            &|_| None,
        );
        let b = BulletinFigures {
            month: Month::parse("2026-11").expect("m"),
            as_of: NaiveDate::from_ymd_opt(2026, 11, 30).expect("d"),
            formula: f,
            lines,
        };
        let (top, bottom) = b.top_and_bottom(2);
        assert_eq!(
            top.iter().map(|l| l.township_id).collect::<Vec<_>>(),
            vec![1, 2]
        );
        assert_eq!(
            bottom.iter().map(|l| l.township_id).collect::<Vec<_>>(),
            vec![5, 6]
        );
        let json = serde_json::to_string(&b).expect("json");
        assert!(json.contains("\"month\":\"2026-11\""));
        let back: BulletinFigures = serde_json::from_str(&json).expect("back");
        assert_eq!(back, b);
    }
}
