//! Kinds of zone: the constraint layers where mining is forbidden, and the seven kinds of
//! key zones (七类重点对象和区域) that seed 003 puts under priority patrol.

macro_rules! zone_kinds {
    ($($variant:ident, $code:literal, $zh:literal, $protected:literal, [$($alias:literal),*];)*) => {
        /// A kind of constraint layer or key zone.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum ZoneKind { $($variant),* }

        impl ZoneKind {
            pub const ALL: &'static [ZoneKind] = &[$(ZoneKind::$variant),*];

            #[must_use]
            pub fn code(self) -> &'static str {
                match self { $(ZoneKind::$variant => $code),* }
            }

            #[must_use]
            pub fn label_zh(self) -> &'static str {
                match self { $(ZoneKind::$variant => $zh),* }
            }

            /// Mining inside it is forbidden whatever the licence says.
            #[must_use]
            pub fn is_protected(self) -> bool {
                match self { $(ZoneKind::$variant => $protected),* }
            }

            /// From a code, the Chinese name, or a common alias in county data.
            #[must_use]
            pub fn parse(text: &str) -> Option<ZoneKind> {
                let t = text.trim();
                $(
                    if t.eq_ignore_ascii_case($code) || t == $zh $(|| t.eq_ignore_ascii_case($alias))* {
                        return Some(ZoneKind::$variant);
                    }
                )*
                None
            }
        }
    };
}

zone_kinds! {
    NatureReserve, "nature_reserve", "自然保护地", true, ["自然保护区", "保护区", "protected_area", "reserve", "protected"];
    DrinkingWaterSource, "drinking_water_source", "饮用水水源保护区", true, ["水源保护区", "水源地", "饮用水源保护区", "water_source"];
    ScenicArea, "scenic_area", "风景名胜区", true, ["风景区", "scenic"];
    GeoPark, "geopark", "地质公园", true, ["geo_park"];
    Wetland, "wetland", "湿地", true, ["湿地公园", "湿地保护区", "wetland_park"];
    ForestPark, "forest_park", "森林公园", true, [];
    EcologicalForest, "ecological_forest", "生态公益林", true, ["公益林", "国家级公益林", "public_welfare_forest"];
    RiverNoMining, "river_no_mining", "河道禁采区", true, ["禁采区", "河道禁采", "no_mining_river"];
    HeritageSite, "heritage_site", "文物保护范围", true, ["文物保护单位", "文物保护区", "heritage"];
    EcologicalRedLine, "ecological_red_line", "生态保护红线", true, ["生态红线", "红线", "red_line", "redline", "ecological_redline"];
    BasicFarmland, "basic_farmland", "永久基本农田", true, ["基本农田", "farmland", "permanent_farmland"];
    ForestLand, "forest_land", "林地", true, ["天然林", "forest"];
    IllegalHotspot, "illegal_hotspot", "私挖滥采易发频发区", false, ["易发区"];
    ClosureArea, "closure_area", "整合关闭矿山核定实施区", false, ["关闭矿山区"];
    RetainedMineArea, "retained_mine_area", "有证保留矿山批准设置区", false, ["保留矿山区"];
    ProjectArea, "project_area", "涉矿工程项目施工区", false, ["工程项目区"];
    AbandonedShaftArea, "abandoned_shaft_area", "废弃关闭矿井点位风险区", false, ["废弃矿井区"];
    RectificationArea, "rectification_area", "问题隐患台账整治集中区", false, ["整治集中区"];
    KeyRiskArea, "key_risk_area", "重点风险区域", false, ["重点区域"];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_round_trip() {
        for k in ZoneKind::ALL {
            assert_eq!(ZoneKind::parse(k.code()), Some(*k));
            assert_eq!(ZoneKind::parse(k.label_zh()), Some(*k));
        }
        assert_eq!(ZoneKind::parse("基本农田"), Some(ZoneKind::BasicFarmland));
        assert_eq!(ZoneKind::parse("水库"), None);
        assert_eq!(
            ZoneKind::ALL.iter().filter(|k| !k.is_protected()).count(),
            7
        );
    }
}
