//! Kinds of problem (R3, R11) with the lead department each is routed to by default.

use crate::org::DepartmentCode;
use serde::{Deserialize, Serialize};

/// Mining problems and land-occupation problems are kept in one ledger (R11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProblemCategory {
    Mining,
    Land,
    Officials,
}

/// Key problems (重点问题) are listed by the county office; the rest are general (一般问题).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Key,
    General,
}

impl Severity {
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Severity::Key => "key",
            Severity::General => "general",
        }
    }

    #[must_use]
    pub fn from_code(code: &str) -> Option<Severity> {
        match code {
            "key" => Some(Severity::Key),
            "general" => Some(Severity::General),
            _ => None,
        }
    }

    #[must_use]
    pub fn label(self, zh: bool) -> &'static str {
        match (self, zh) {
            (Severity::Key, true) => "重点问题",
            (Severity::Key, false) => "Key",
            (Severity::General, true) => "一般问题",
            (Severity::General, false) => "General",
        }
    }
}

macro_rules! problem_kinds {
    ($( $variant:ident => $code:literal, $cat:ident, $dept:ident, $zh:literal, $en:literal; )*) => {
        /// The kinds of illegal mining and illegal land occupation the seeds name.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum ProblemKind { $( $variant, )* }

        impl ProblemKind {
            pub const ALL: &'static [ProblemKind] = &[ $( ProblemKind::$variant, )* ];

            #[must_use]
            pub fn code(self) -> &'static str {
                match self { $( ProblemKind::$variant => $code, )* }
            }

            #[must_use]
            pub fn from_code(code: &str) -> Option<ProblemKind> {
                match code { $( $code => Some(ProblemKind::$variant), )* _ => None }
            }

            #[must_use]
            pub fn category(self) -> ProblemCategory {
                match self { $( ProblemKind::$variant => ProblemCategory::$cat, )* }
            }

            /// The department the seeds make responsible; the county office may re-route.
            #[must_use]
            pub fn default_lead(self) -> DepartmentCode {
                match self { $( ProblemKind::$variant => DepartmentCode::$dept, )* }
            }

            #[must_use]
            pub fn label(self, zh: bool) -> &'static str {
                match self { $( ProblemKind::$variant => if zh { $zh } else { $en }, )* }
            }

            /// Digging in the ground that a grid patrolling its area should have seen (R26):
            /// mining of every sort and farmland dug up, not trade, haulage or paperwork.
            #[must_use]
            pub fn is_digging(self) -> bool {
                matches!(
                    self,
                    ProblemKind::UnlicensedMining
                        | ProblemKind::BoundaryOverstep
                        | ProblemKind::UnlicensedExploration
                        | ProblemKind::DisguisedMining
                        | ProblemKind::HiddenMining
                        | ProblemKind::ClosedMineTheft
                        | ProblemKind::RiverSand
                        | ProblemKind::FarmlandDestruction
                )
            }
        }
    };
}

problem_kinds! {
    UnlicensedMining => "unlicensed_mining", Mining, NaturalResources, "无证开采", "Mining without a licence";
    BoundaryOverstep => "boundary_overstep", Mining, NaturalResources, "超越批准矿区范围开采(越界)", "Mining beyond the licensed boundary";
    UnlicensedExploration => "unlicensed_exploration", Mining, NaturalResources, "无证勘查、以探代采", "Exploration without a licence / mining under exploration";
    DisguisedMining => "disguised_mining", Mining, NaturalResources, "以工程建设、生态修复等名义变相采矿", "Mining disguised as construction or restoration";
    HiddenMining => "hidden_mining", Mining, NaturalResources, "以厂房、养殖场、院落为掩护秘密盗采", "Covert mining behind plants, farms or yards";
    ClosedMineTheft => "closed_mine_theft", Mining, NaturalResources, "关闭矿井、废弃矿井盗采", "Theft from closed or abandoned mines";
    RiverSand => "river_sand", Mining, WaterResources, "河道非法采砂", "Illegal river-sand mining";
    Explosives => "explosives", Mining, PublicSecurity, "非法买卖、运输、使用民用爆炸物品", "Illegal trade or use of civil explosives";
    OrganisedCrime => "organised_crime", Mining, PublicSecurity, "“矿霸”“沙霸”、暴力抗法", "Mining gangs, violent obstruction";
    IllegalProcessing => "illegal_processing", Mining, MarketRegulation, "非法加工矿产品点", "Illegal processing site";
    IllegalTrading => "illegal_trading", Mining, MarketRegulation, "非法收购、销售、转运矿产品", "Illegal buying, selling or transfer of ore";
    IllegalHaulage => "illegal_haulage", Mining, Transport, "无合法来源凭证运输、超载超限", "Haulage without certificate / overload";
    LicensedMineSafety => "licensed_mine_safety", Mining, EmergencyManagement, "持证矿山擅自改变开采方式、安全隐患", "Licensed-mine safety violation";
    Pollution => "pollution", Mining, Ecology, "采矿超标排放、未落实水土保持", "Mining pollution / no soil protection";
    IllegalPowerSupply => "illegal_power_supply", Mining, PowerSupply, "为非法采矿供电", "Power supplied to illegal mining";
    HomesteadOnFarmland => "homestead_on_farmland", Land, Agriculture, "农村乱占耕地建房、一户多宅", "Houses built on farmland / several homesteads";
    FacilityFarmland => "facility_farmland", Land, Agriculture, "以种养殖名义占用耕地(大棚房)", "Farmland taken under a farming pretext";
    WasteDumping => "waste_dumping", Land, Ecology, "违规倾倒固体废料、废渣、煤矸石", "Dumping of solid waste or gangue";
    FarmlandDestruction => "farmland_destruction", Land, NaturalResources, "挖沙、取土、采石破坏耕地", "Farmland destroyed by digging";
    ForestLand => "forest_land", Land, Forestry, "非法占用林地", "Forest land occupied";
    OfficialProtection => "official_protection", Officials, Discipline, "公职人员参与、充当“保护伞”", "Officials taking part or protecting";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips_and_has_a_lead() {
        for &k in ProblemKind::ALL {
            assert_eq!(ProblemKind::from_code(k.code()), Some(k));
            assert!(!k.label(true).is_empty());
        }
        assert_eq!(
            ProblemKind::Explosives.default_lead(),
            DepartmentCode::PublicSecurity
        );
        assert_eq!(
            ProblemKind::IllegalProcessing.default_lead(),
            DepartmentCode::MarketRegulation
        );
        assert_eq!(
            ProblemKind::HomesteadOnFarmland.category(),
            ProblemCategory::Land
        );
    }
}
