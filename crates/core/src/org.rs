//! Organisation (R1–R2): roles, jurisdictions and the scope a user may see and change.

use serde::{Deserialize, Serialize};

/// What a user does in the campaign. Rights follow from the role and the jurisdiction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// System administrator of one county installation.
    Admin,
    /// The leadership-group office (领导小组办公室) in the natural-resources bureau.
    CountyOffice,
    /// A member department (成员单位), acting on what is routed to it.
    Department,
    /// Township or street staff (乡镇/街道).
    Township,
    /// Village or grid official (村/网格).
    Village,
    /// Discipline inspection and supervision (纪委监委), reads everything.
    Inspector,
    /// Checkpoint staff (检查卡点): files clues, sees only their own.
    Checkpoint,
    /// The reward officer (举报奖励专员): the only role that sees who tipped (R4), each view
    /// logged; computes, and records payment of, rewards.
    RewardOfficer,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Admin,
        Role::CountyOffice,
        Role::Department,
        Role::Township,
        Role::Village,
        Role::Inspector,
        Role::Checkpoint,
        Role::RewardOfficer,
    ];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::CountyOffice => "county_office",
            Role::Department => "department",
            Role::Township => "township",
            Role::Village => "village",
            Role::Inspector => "inspector",
            Role::Checkpoint => "checkpoint",
            Role::RewardOfficer => "reward_officer",
        }
    }

    #[must_use]
    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    #[must_use]
    pub fn label(self, zh: bool) -> &'static str {
        match (self, zh) {
            (Role::Admin, true) => "系统管理员",
            (Role::Admin, false) => "Administrator",
            (Role::CountyOffice, true) => "领导小组办公室",
            (Role::CountyOffice, false) => "County office",
            (Role::Department, true) => "成员单位",
            (Role::Department, false) => "Department",
            (Role::Township, true) => "乡镇(街道)",
            (Role::Township, false) => "Township",
            (Role::Village, true) => "村(网格)",
            (Role::Village, false) => "Village",
            (Role::Inspector, true) => "纪检监察",
            (Role::Inspector, false) => "Discipline inspector",
            (Role::Checkpoint, true) => "检查卡点",
            (Role::Checkpoint, false) => "Checkpoint",
            (Role::RewardOfficer, true) => "举报奖励专员",
            (Role::RewardOfficer, false) => "Reward officer",
        }
    }
}

/// The part of the county a user answers for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "level", content = "id", rename_all = "snake_case")]
pub enum Jurisdiction {
    County,
    Township(i64),
    Village(i64),
    Department(i64),
}

/// What rows of the ledger a user may see and change. Enforced in the store's queries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "level", content = "id", rename_all = "snake_case")]
pub enum Scope {
    /// Every case of the county.
    County,
    Township(i64),
    Village(i64),
    /// Cases whose lead department this is.
    Department(i64),
    /// No case at all; only the clues the user filed.
    OwnCluesOnly,
}

impl Scope {
    /// The scope that a role acting within a jurisdiction has.
    ///
    /// Roles whose work is county-wide (office, admin, inspector) see the county whatever
    /// their recorded jurisdiction; checkpoint staff never see the ledger.
    #[must_use]
    pub fn of(role: Role, jurisdiction: Jurisdiction) -> Scope {
        match role {
            Role::Admin | Role::CountyOffice | Role::Inspector | Role::RewardOfficer => {
                Scope::County
            }
            Role::Checkpoint => Scope::OwnCluesOnly,
            Role::Department | Role::Township | Role::Village => match jurisdiction {
                Jurisdiction::County => Scope::OwnCluesOnly,
                Jurisdiction::Township(id) => Scope::Township(id),
                Jurisdiction::Village(id) => Scope::Village(id),
                Jurisdiction::Department(id) => Scope::Department(id),
            },
        }
    }
}

/// Stable codes of the member departments the seeds name; the routing table refers to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DepartmentCode {
    NaturalResources,
    PublicSecurity,
    MarketRegulation,
    Transport,
    EmergencyManagement,
    Ecology,
    Forestry,
    Agriculture,
    WaterResources,
    PowerSupply,
    Discipline,
    Procuratorate,
    Court,
    Finance,
    Pricing,
    Media,
}

impl DepartmentCode {
    pub const ALL: [DepartmentCode; 16] = [
        DepartmentCode::NaturalResources,
        DepartmentCode::PublicSecurity,
        DepartmentCode::MarketRegulation,
        DepartmentCode::Transport,
        DepartmentCode::EmergencyManagement,
        DepartmentCode::Ecology,
        DepartmentCode::Forestry,
        DepartmentCode::Agriculture,
        DepartmentCode::WaterResources,
        DepartmentCode::PowerSupply,
        DepartmentCode::Discipline,
        DepartmentCode::Procuratorate,
        DepartmentCode::Court,
        DepartmentCode::Finance,
        DepartmentCode::Pricing,
        DepartmentCode::Media,
    ];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            DepartmentCode::NaturalResources => "natural_resources",
            DepartmentCode::PublicSecurity => "public_security",
            DepartmentCode::MarketRegulation => "market_regulation",
            DepartmentCode::Transport => "transport",
            DepartmentCode::EmergencyManagement => "emergency_management",
            DepartmentCode::Ecology => "ecology",
            DepartmentCode::Forestry => "forestry",
            DepartmentCode::Agriculture => "agriculture",
            DepartmentCode::WaterResources => "water_resources",
            DepartmentCode::PowerSupply => "power_supply",
            DepartmentCode::Discipline => "discipline",
            DepartmentCode::Procuratorate => "procuratorate",
            DepartmentCode::Court => "court",
            DepartmentCode::Finance => "finance",
            DepartmentCode::Pricing => "pricing",
            DepartmentCode::Media => "media",
        }
    }

    #[must_use]
    pub fn from_code(code: &str) -> Option<DepartmentCode> {
        DepartmentCode::ALL.into_iter().find(|d| d.code() == code)
    }

    /// The usual name of the unit in a county government.
    #[must_use]
    pub fn default_name(self) -> &'static str {
        match self {
            DepartmentCode::NaturalResources => "县自然资源局",
            DepartmentCode::PublicSecurity => "县公安局",
            DepartmentCode::MarketRegulation => "县市场监督管理局",
            DepartmentCode::Transport => "县交通运输局",
            DepartmentCode::EmergencyManagement => "县应急管理局",
            DepartmentCode::Ecology => "市生态环境局县分局",
            DepartmentCode::Forestry => "县林业局",
            DepartmentCode::Agriculture => "县农业农村局",
            DepartmentCode::WaterResources => "县水利局",
            DepartmentCode::PowerSupply => "县供电公司",
            DepartmentCode::Discipline => "县纪委监委",
            DepartmentCode::Procuratorate => "县人民检察院",
            DepartmentCode::Court => "县人民法院",
            DepartmentCode::Finance => "县财政局",
            DepartmentCode::Pricing => "县发展和改革局",
            DepartmentCode::Media => "县融媒体中心",
        }
    }

    /// The duty list (职责) the seeds give the unit, one duty per entry.
    #[must_use]
    pub fn default_duties(self) -> &'static [&'static str] {
        match self {
            DepartmentCode::NaturalResources => &[
                "牵头组织对各类非法开采矿产资源、非法占地行为的打击查处",
                "查处持证矿山企业的超层越界及违法占地行为",
                "组织开展巡查检查和突查暗访，对构成犯罪的及时移交公安机关",
            ],
            DepartmentCode::PublicSecurity => &[
                "负责民用爆炸物品公共安全管理，严禁向非法采矿人提供民用爆炸物品",
                "对相关部门移送的涉嫌犯罪案件依法立案侦查",
                "依法处置阻挠执法、暴力抗法行为，查处“矿霸”“沙霸”涉黑涉恶线索",
            ],
            DepartmentCode::MarketRegulation => &[
                "查处涉矿企业无证无照生产行为",
                "依法取缔非法加工矿产品点和非法矿产品转运场所",
                "查处收购、销售非法矿产品的违法行为",
            ],
            DepartmentCode::Transport => &[
                "依法查扣超载超限运输车辆",
                "查验矿产品运输车辆的合法来源凭证",
            ],
            DepartmentCode::EmergencyManagement => {
                &["加强对持证矿山企业的监督检查，发现超层越界、擅自改变开采方式等行为及时通报"]
            }
            DepartmentCode::Ecology => &[
                "开展生态环境保护执法检查，查处未经环评审批等违法行为",
                "制止私挖滥采、非法占地倾倒固体废料行为",
            ],
            DepartmentCode::Forestry => &["查处非法占用、破坏林地行为"],
            DepartmentCode::Agriculture => &[
                "负责农村宅基地非法占地行为的排查及处置",
                "严禁农用机械参与私挖滥采",
            ],
            DepartmentCode::WaterResources => &["查处河道非法采砂行为"],
            DepartmentCode::PowerSupply => &[
                "监测用电异常，对用电量不正常增加、夜晚用电显著多于白天等及时预警",
                "严禁为非法采矿供电，配合终止供电",
            ],
            DepartmentCode::Discipline => &[
                "严肃查处国家工作人员支持参与、通风报信、提供保护等违纪违法行为",
                "对应发现未发现、不受理或不核实举报等失职行为追究责任",
            ],
            DepartmentCode::Procuratorate => &["及时受理公安机关移送的涉嫌犯罪案件，依法提起诉讼"],
            DepartmentCode::Court => &["及时审理自然资源领域违法案件"],
            DepartmentCode::Finance => &["提供罚没票据，拨付专项行动经费，处置没收的矿产品"],
            DepartmentCode::Pricing => {
                &["对非法采矿案件所涉矿产品价格进行认定，两个工作日内出具结论"]
            }
            DepartmentCode::Media => &["宣传报道，曝光典型案例"],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn county_wide_roles_ignore_recorded_jurisdiction() {
        for role in [Role::Admin, Role::CountyOffice, Role::Inspector] {
            assert_eq!(Scope::of(role, Jurisdiction::Township(3)), Scope::County);
        }
    }

    #[test]
    fn local_roles_are_bound_to_their_unit() {
        assert_eq!(
            Scope::of(Role::Township, Jurisdiction::Township(3)),
            Scope::Township(3)
        );
        assert_eq!(
            Scope::of(Role::Village, Jurisdiction::Village(9)),
            Scope::Village(9)
        );
        assert_eq!(
            Scope::of(Role::Department, Jurisdiction::Department(2)),
            Scope::Department(2)
        );
        // A local role recorded without a unit must not fall through to the whole county.
        assert_eq!(
            Scope::of(Role::Township, Jurisdiction::County),
            Scope::OwnCluesOnly
        );
        assert_eq!(
            Scope::of(Role::Checkpoint, Jurisdiction::County),
            Scope::OwnCluesOnly
        );
    }

    #[test]
    fn codes_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::from_code(r.code()), Some(r));
        }
        for d in DepartmentCode::ALL {
            assert_eq!(DepartmentCode::from_code(d.code()), Some(d));
        }
    }
}
