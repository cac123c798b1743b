//! The demo county: a fictional county with townships, villages, grids, departments, users
//! of every role and a few hundred cases in every state and from every source. Every name
//! is invented; none is a real person's.

mod blacklist;
mod bulletin;
mod dispatch;
mod inspection;
mod patches;
mod patrol;
mod scoreboard;
mod seizure;
mod tips;

use crate::org::{NewCampaign, NewGrid, NewUser};
use crate::{Actor, NewClue, Result, Store, StoreError};
use chrono::{DateTime, Duration, Utc};
use minewatch_core::org::DepartmentCode;
use minewatch_core::{CaseAction, ClueSource, Decision, MeasureStep, ProblemKind, Role, Severity};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

pub const DEMO_COUNTY_CODE: &str = "QL";
pub const DEMO_PASSWORD: &str = "demo1234";

/// What the demo built, for the start-up message.
#[derive(Debug, Clone)]
pub struct DemoSummary {
    pub county_id: i64,
    pub townships: usize,
    pub villages: usize,
    pub cases: usize,
    /// (username, role, display name)
    pub logins: Vec<(String, Role, String)>,
    pub already_present: bool,
    /// The planted "should have found" case (see `demo/ground.rs`).
    pub planted_case: Option<crate::CaseId>,
}

const TOWNSHIPS: [(&str, &str); 10] = [
    ("东川镇", "township"),
    ("西岭镇", "township"),
    ("南沟乡", "township"),
    ("北坪镇", "township"),
    ("石门乡", "township"),
    ("青石镇", "township"),
    ("柳河乡", "township"),
    ("红崖街道", "street"),
    ("龙泉街道", "street"),
    ("松峪乡", "township"),
];
const VILLAGE_HEADS: [&str; 24] = [
    "张家", "李家", "王家", "上", "下", "前", "后", "东", "西", "马家", "杨家", "高家", "黄土",
    "白石", "石板", "河口", "沙", "枣林", "柏树", "杏花", "桃园", "新", "老", "槐树",
];
const VILLAGE_TAILS: [&str; 10] = ["庄", "沟", "坪", "峪", "湾", "岭", "河", "坡", "寨", "堡"];
const SURNAMES: [&str; 20] = [
    "赵", "钱", "孙", "周", "吴", "郑", "冯", "陈", "褚", "卫", "蒋", "沈", "韩", "朱", "秦", "尤",
    "许", "何", "吕", "施",
];
const GIVEN: [&str; 20] = [
    "建国", "志强", "秀英", "海燕", "立新", "春生", "玉兰", "国平", "红梅", "文斌", "晓东", "丽华",
    "永刚", "桂芳", "振华", "淑珍", "德明", "爱民", "小军", "云霞",
];
const PLACES: [&str; 12] = [
    "后山沟口",
    "河滩地",
    "废弃矿井旁",
    "砖厂北侧",
    "养殖场院内",
    "村东荒坡",
    "公路拐弯处",
    "老窑口",
    "石料场南",
    "林地边缘",
    "机耕路尽头",
    "山脚采坑",
];
const FINDINGS: [&str; 10] = [
    "夜间有挖掘机作业，有大车进出",
    "山体新开挖痕迹，堆有矿石",
    "河道内有抽砂船作业",
    "院内有人私挖，用电量异常增加",
    "无证加工点，有破碎机在运转",
    "耕地被挖，取土外运",
    "废弃矿井口有新近出渣",
    "运输车辆无合法来源凭证",
    "倾倒煤矸石占用耕地",
    "以修路名义开采石料",
];

fn invented_name(rng: &mut StdRng) -> String {
    let s = SURNAMES.choose(rng).copied().unwrap_or("赵");
    let g = GIVEN.choose(rng).copied().unwrap_or("建国");
    format!("{s}{g}")
}

fn phone(rng: &mut StdRng) -> String {
    format!("139{:08}", rng.gen_range(0..100_000_000u32))
}

/// Builds the demo county, unless it is already there. `password_hash` is the stored hash
/// of [`DEMO_PASSWORD`], made by the caller (hashing is the web layer's job).
///
/// # Errors
/// On database failure.
#[expect(
    clippy::too_many_lines,
    reason = "a script of the demo county, read top to bottom"
)]
pub async fn build(store: &Store, now: DateTime<Utc>, password_hash: &str) -> Result<DemoSummary> {
    if let Ok((county_id, _)) = store.county_by_code(DEMO_COUNTY_CODE).await {
        let users = store.users(county_id).await?;
        return Ok(DemoSummary {
            county_id,
            townships: store.townships(county_id).await?.len(),
            villages: store.villages(county_id, None).await?.len(),
            cases: 0,
            logins: users
                .into_iter()
                .map(|u| (u.username, u.role, u.display_name))
                .collect(),
            already_present: true,
            planted_case: None,
        });
    }
    let mut rng = StdRng::seed_from_u64(20_260_301);
    let county_id = store
        .init_county(DEMO_COUNTY_CODE, "青岚县", |_| {
            (invented_name(&mut rng), phone(&mut rng))
        })
        .await?;
    store
        .create_campaign(
            county_id,
            &NewCampaign {
                name: "2026年严厉打击非法违法采矿专项行动".into(),
                starts_on: "2026-03-01".into(),
                ends_on: "2026-12-31".into(),
                phases: vec![
                    (
                        "动员部署阶段".into(),
                        "2026-03-01".into(),
                        "2026-03-15".into(),
                    ),
                    (
                        "集中整治阶段".into(),
                        "2026-03-16".into(),
                        "2026-10-31".into(),
                    ),
                    (
                        "巩固提升阶段".into(),
                        "2026-11-01".into(),
                        "2026-12-31".into(),
                    ),
                ],
            },
        )
        .await?;

    // Townships on a 5 × 2 grid of cells 0.1° wide around 112.2°E 36.5°N; villages inside.
    let mut townships = Vec::new();
    let mut villages: Vec<(i64, i64, f64, f64)> = Vec::new();
    let mut cells: Vec<patches::VillageCell> = Vec::new();
    for (i, (name, kind)) in TOWNSHIPS.iter().enumerate() {
        let tid = store.create_township(county_id, name, kind).await?;
        let (cx, cy) = (112.0 + 0.1 * (i % 5) as f64, 36.4 + 0.1 * (i / 5) as f64);
        townships.push((tid, cx, cy));
        let n: usize = rng.gen_range(10..=14);
        let mut used = std::collections::HashSet::new();
        // Villages tile the township's cell: rows of four, the last row stretched to fill.
        let rows = n.div_ceil(4);
        while used.len() < n {
            let head = VILLAGE_HEADS.choose(&mut rng).copied().unwrap_or("新");
            let tail = VILLAGE_TAILS.choose(&mut rng).copied().unwrap_or("庄");
            let suffix = if *kind == "street" { "社区" } else { "村" };
            let vname = format!("{head}{tail}{suffix}");
            if !used.insert(vname.clone()) {
                continue;
            }
            let vid = store
                .create_village(
                    tid,
                    &vname,
                    if *kind == "street" {
                        "community"
                    } else {
                        "village"
                    },
                )
                .await?;
            let j = used.len() - 1;
            let (row, col) = (j / 4, j % 4);
            let in_row = if row + 1 == rows { n - row * 4 } else { 4 };
            let (w, h) = (0.1 / in_row as f64, 0.1 / rows as f64);
            let (x0, y0) = (cx + col as f64 * w, cy + row as f64 * h);
            let (vx, vy) = (
                x0 + rng.gen_range(0.01..0.09) * 10.0 * w,
                y0 + rng.gen_range(0.01..0.09) * 10.0 * h,
            );
            villages.push((tid, vid, vx, vy));
            cells.push(patches::VillageCell {
                township: (*name).to_string(),
                village: vname.clone(),
                grid: format!("{vname}网格"),
                x0,
                y0,
                x1: x0 + w,
                y1: y0 + h,
            });
            store
                .create_grid(&NewGrid {
                    village_id: vid,
                    name: format!("{vname}网格"),
                    first_responsible: invented_name(&mut rng),
                    directly_responsible: invented_name(&mut rng),
                    village_cadre: invented_name(&mut rng),
                    contact_phone: phone(&mut rng),
                })
                .await?;
        }
    }

    let departments = store.departments(county_id).await?;
    let dept_id = |c: DepartmentCode| {
        departments
            .iter()
            .find(|d| d.code == c.code())
            .map(|d| d.id)
    };
    let mut logins = Vec::new();
    let mut add_user = async |username: &str,
                              role: Role,
                              t: Option<i64>,
                              v: Option<i64>,
                              d: Option<i64>,
                              display: String|
           -> Result<Actor> {
        let id = store
            .create_user(
                &NewUser {
                    county_id,
                    username: username.into(),
                    display_name: display.clone(),
                    password_hash: password_hash.into(),
                    role,
                    township_id: t,
                    village_id: v,
                    department_id: d,
                },
                now,
            )
            .await?;
        logins.push((username.to_string(), role, display));
        store.actor(id).await
    };
    let _admin = add_user("admin", Role::Admin, None, None, None, "系统管理员".into()).await?;
    let office = add_user(
        "office",
        Role::CountyOffice,
        None,
        None,
        None,
        format!("{}(县领导小组办公室)", invented_name(&mut rng)),
    )
    .await?;
    let mut township_users = Vec::new();
    for (i, (tid, _, _)) in townships.iter().enumerate() {
        let name = format!("{}({})", invented_name(&mut rng), TOWNSHIPS[i].0);
        township_users.push(
            add_user(
                &format!("town{:02}", i + 1),
                Role::Township,
                Some(*tid),
                None,
                None,
                name,
            )
            .await?,
        );
    }
    let (v_t, v_id, _, _) = villages[0];
    let mut village_users = vec![
        add_user(
            "village01",
            Role::Village,
            Some(v_t),
            Some(v_id),
            None,
            format!("{}(村网格员)", invented_name(&mut rng)),
        )
        .await?,
    ];
    // The ground has its own random stream, so adding it left the rest of the demo as it was.
    let mut ground_rng = StdRng::seed_from_u64(20_260_517);
    for (i, (t, v, _, _)) in villages.iter().enumerate().skip(1) {
        let village = cells.get(i).map_or("", |c| c.village.as_str());
        let name = format!("{}({village}网格员)", invented_name(&mut ground_rng));
        village_users.push(
            add_user(
                &format!("village{:02}", i + 1),
                Role::Village,
                Some(*t),
                Some(*v),
                None,
                name,
            )
            .await?,
        );
    }
    let mut dept_users = std::collections::HashMap::new();
    for code in [
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
        DepartmentCode::Pricing,
    ] {
        let display = format!("{}({})", invented_name(&mut rng), code.default_name());
        let a = add_user(
            &format!("dept_{}", code.code()),
            Role::Department,
            None,
            None,
            dept_id(code),
            display,
        )
        .await?;
        dept_users.insert(code, a);
    }
    let _inspector = add_user(
        "inspector",
        Role::Inspector,
        None,
        None,
        None,
        format!("{}(县纪委监委)", invented_name(&mut rng)),
    )
    .await?;
    let _reward = add_user(
        "reward",
        Role::RewardOfficer,
        None,
        None,
        None,
        format!("{}(举报奖励专员)", invented_name(&mut ground_rng)),
    )
    .await?;
    let _checkpoint = add_user(
        "checkpoint",
        Role::Checkpoint,
        None,
        None,
        None,
        format!("{}(动态检查卡点)", invented_name(&mut rng)),
    )
    .await?;

    let ground = patrol::Ground {
        store,
        office: &office,
        townships: &townships,
        township_users: &township_users,
        villages: &villages,
        village_users: &village_users,
        cells: &cells,
        now,
    };
    patrol::reports(&ground, &mut ground_rng).await?;

    // Cases over the last 120 days, each taken to a randomly drawn stage.
    let mut cases = 0;
    for n in 0..320 {
        let (tid, vid, vx, vy) = *villages
            .choose(&mut rng)
            .ok_or_else(|| StoreError::Corrupt("no villages".into()))?;
        let kind = *ProblemKind::ALL
            .choose(&mut rng)
            .unwrap_or(&ProblemKind::UnlicensedMining);
        let source = *ClueSource::ALL.choose(&mut rng).unwrap_or(&ClueSource::Tip);
        let filed =
            now - Duration::days(rng.gen_range(1..120)) - Duration::minutes(rng.gen_range(0..600));
        let clue = NewClue {
            source,
            township_id: tid,
            village_id: Some(vid),
            address: format!(
                "{}{}",
                PLACES.choose(&mut rng).copied().unwrap_or("后山"),
                n % 7 + 1
            ),
            lon: Some(vx + rng.gen_range(-0.008..0.008)),
            lat: Some(vy + rng.gen_range(-0.008..0.008)),
            observed_at: Some(crate::ledger::events::stamp(
                filed - Duration::hours(rng.gen_range(1..48)),
            )),
            description: FINDINGS
                .choose(&mut rng)
                .copied()
                .unwrap_or("发现疑似非法开采")
                .to_string(),
            problem_kind: kind,
            severity: if rng.gen_bool(0.2) {
                Severity::Key
            } else {
                Severity::General
            },
            reporter_name: String::new(),
            reporter_phone: String::new(),
            attachments: Vec::new(),
        };
        let outcome = store.file_clue(&office, &clue, filed).await?;
        if outcome.merged {
            continue;
        }
        cases += 1;
        let t_idx = townships.iter().position(|t| t.0 == tid).unwrap_or(0);
        let town = &township_users[t_idx];
        let lead = dept_users.get(&kind.default_lead()).unwrap_or(&office);
        let id = outcome.case_id;
        let stage: u32 = rng.gen_range(0..100);
        let mut at = filed + Duration::hours(rng.gen_range(2..40));
        if stage < 14 {
            continue; // awaiting verification; the older ones are overdue
        }
        if stage < 22 {
            store
                .apply_action(
                    town,
                    id,
                    &CaseAction::Verify {
                        founded: false,
                        note: "现场核查为正常施工，非违法行为".into(),
                    },
                    &[],
                    at,
                )
                .await?;
            continue;
        }
        store
            .apply_action(
                town,
                id,
                &CaseAction::Verify {
                    founded: true,
                    note: "经现场核查情况属实".into(),
                },
                &[],
                at,
            )
            .await?;
        if stage < 30 {
            continue;
        }
        at += Duration::hours(rng.gen_range(4..48));
        let decision = *Decision::ALL.choose(&mut rng).unwrap_or(&Decision::Rectify);
        let deadline = (at + Duration::days(rng.gen_range(5..30))).date_naive();
        store
            .apply_action(
                lead,
                id,
                &CaseAction::Decide {
                    decision,
                    measures: "立即停止违法行为，依法查处，恢复原状".into(),
                    deadline,
                    responsible_unit: TOWNSHIPS[t_idx].0.to_string() + "人民政府",
                    responsible_person: invented_name(&mut rng),
                },
                &[],
                at,
            )
            .await?;
        // A case with police but no filing receipt yet cannot close.
        let mut awaiting_receipt = false;
        if matches!(kind, ProblemKind::Explosives | ProblemKind::OrganisedCrime)
            || rng.gen_bool(0.08)
        {
            awaiting_receipt = true;
            store
                .apply_action(
                    &office,
                    id,
                    &CaseAction::TransferPolice {
                        note: "涉嫌非法采矿罪，移送公安机关".into(),
                    },
                    &[],
                    at,
                )
                .await?;
            if rng.gen_bool(0.7) {
                store
                    .apply_action(
                        &office,
                        id,
                        &CaseAction::PoliceFiled {
                            receipt_no: format!("青公立〔2026〕{}号", n + 1),
                        },
                        &[],
                        at,
                    )
                    .await?;
                awaiting_receipt = false;
            }
        }
        if stage < 55 {
            continue;
        }
        if decision.requires_cuts_and_clears() {
            for step in MeasureStep::ALL {
                store
                    .apply_action(
                        lead,
                        id,
                        &CaseAction::Measure {
                            step: *step,
                            note: String::new(),
                        },
                        &[],
                        at,
                    )
                    .await?;
            }
        }
        if rng.gen_bool(0.5) {
            let fine = rng.gen_range(10..500) * 100_000;
            store
                .apply_action(
                    lead,
                    id,
                    &CaseAction::Penalty {
                        fine_fen: fine,
                        confiscation_fen: rng.gen_range(0..50) * 100_000,
                        document_no: format!("青自然资罚〔2026〕{}号", n + 1),
                    },
                    &[],
                    at,
                )
                .await?;
        }
        at += Duration::days(rng.gen_range(1..5));
        if at > now {
            continue;
        }
        store
            .apply_action(
                lead,
                id,
                &CaseAction::ReportRectified {
                    note: "已按要求整改到位".into(),
                },
                &[],
                at,
            )
            .await?;
        if stage < 65 {
            continue;
        }
        store
            .apply_action(
                &office,
                id,
                &CaseAction::Accept {
                    passed: true,
                    note: "验收合格".into(),
                },
                &[],
                at,
            )
            .await?;
        if stage < 72 {
            continue;
        }
        if awaiting_receipt {
            continue;
        }
        store
            .apply_action(
                &office,
                id,
                &CaseAction::Close {
                    note: "整改到位，逐宗销号".into(),
                },
                &[],
                at,
            )
            .await?;
    }
    let sites = patches::build(store, &office, &cells, &mut rng, now).await?;
    patrol::patrols(&ground, &mut ground_rng).await?;
    patrol::tracks(&ground, &sites).await?;
    let planted = patrol::planted_case(&ground, &sites, &mut ground_rng).await?;
    tips::tips(
        store,
        county_id,
        &township_users,
        &villages,
        &mut ground_rng,
        now,
    )
    .await?;
    store.escalate_overdue(now).await?;
    let signers: Vec<String> = township_users
        .iter()
        .map(|_| format!("{}(镇长)", invented_name(&mut ground_rng)))
        .collect();
    dispatch::dispatches(store, &township_users, &signers, &mut ground_rng, now).await?;
    bulletin::bulletins(store, &office, "青岚县", now).await?;
    scoreboard::results(store, &office, &township_users, "青岚县", now).await?;
    seizure::lots(store, &office, now).await?;
    blacklist::listings(store, &office, now).await?;
    inspection::visits(store, &office, now).await?;
    Ok(DemoSummary {
        county_id,
        townships: townships.len(),
        villages: villages.len(),
        cases,
        logins,
        already_present: false,
        planted_case: Some(planted),
    })
}
