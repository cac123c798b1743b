//! Where a clue (线索) came from (R4–R9).

use serde::{Deserialize, Serialize};

macro_rules! clue_sources {
    ($( $variant:ident => $code:literal, $zh:literal, $en:literal; )*) => {
        /// Every source of clues the seeds name.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum ClueSource { $( $variant, )* }

        impl ClueSource {
            pub const ALL: &'static [ClueSource] = &[ $( ClueSource::$variant, )* ];

            #[must_use]
            pub fn code(self) -> &'static str {
                match self { $( ClueSource::$variant => $code, )* }
            }

            #[must_use]
            pub fn from_code(code: &str) -> Option<ClueSource> {
                match code { $( $code => Some(ClueSource::$variant), )* _ => None }
            }

            #[must_use]
            pub fn label(self, zh: bool) -> &'static str {
                match self { $( ClueSource::$variant => if zh { $zh } else { $en }, )* }
            }
        }
    };
}

clue_sources! {
    Tip => "tip", "群众举报", "Public tip-off";
    SatellitePatch => "satellite_patch", "卫片执法图斑", "Satellite change patch";
    Patrol => "patrol", "巡查发现", "Patrol finding";
    PowerAnomaly => "power_anomaly", "用电异常", "Power-use anomaly";
    VideoAlert => "video_alert", "视频监控预警", "Video alert";
    DroneAlert => "drone_alert", "无人机巡查", "Drone alert";
    Media => "media", "媒体报道", "Media report";
    OnlineOpinion => "online_opinion", "网络舆情", "Online opinion";
    SuperiorInspection => "superior_inspection", "上级督察交办", "Superior inspection";
    LeaderReferral => "leader_referral", "领导批办", "Leader referral";
    DepartmentTransfer => "department_transfer", "部门移交", "Department transfer";
    Checkpoint => "checkpoint", "卡点查获", "Checkpoint seizure";
}

/// Sources grouped as the county reads its trend: what the township found itself against
/// what others found for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceGroup {
    SelfFound,
    Satellite,
    Public,
    Superior,
    Technical,
    Other,
}

impl SourceGroup {
    pub const ALL: &'static [SourceGroup] = &[
        SourceGroup::SelfFound,
        SourceGroup::Satellite,
        SourceGroup::Public,
        SourceGroup::Superior,
        SourceGroup::Technical,
        SourceGroup::Other,
    ];

    #[must_use]
    pub fn of(source: ClueSource) -> Self {
        use ClueSource as S;
        match source {
            S::Patrol => SourceGroup::SelfFound,
            S::SatellitePatch => SourceGroup::Satellite,
            S::Tip | S::Media | S::OnlineOpinion => SourceGroup::Public,
            S::SuperiorInspection | S::LeaderReferral => SourceGroup::Superior,
            S::PowerAnomaly | S::VideoAlert | S::DroneAlert => SourceGroup::Technical,
            S::DepartmentTransfer | S::Checkpoint => SourceGroup::Other,
        }
    }

    #[must_use]
    pub fn label(self, zh: bool) -> &'static str {
        let (z, e) = match self {
            SourceGroup::SelfFound => ("巡查自主发现", "Own patrols"),
            SourceGroup::Satellite => ("卫片", "Satellite"),
            SourceGroup::Public => ("群众举报及舆情", "Citizens and media"),
            SourceGroup::Superior => ("上级交办", "Superiors"),
            SourceGroup::Technical => ("用电·视频·无人机预警", "Power, video, drone alerts"),
            SourceGroup::Other => ("部门移交及卡点", "Departments and checkpoints"),
        };
        if zh { z } else { e }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_source_has_one_group() {
        for &s in ClueSource::ALL {
            assert!(SourceGroup::ALL.contains(&SourceGroup::of(s)));
        }
        assert_eq!(SourceGroup::of(ClueSource::Patrol), SourceGroup::SelfFound);
    }

    #[test]
    fn sources_round_trip() {
        for &s in ClueSource::ALL {
            assert_eq!(ClueSource::from_code(s.code()), Some(s));
        }
        assert_eq!(ClueSource::from_code("rumour"), None);
    }
}
