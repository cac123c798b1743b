//! The ground in the store, on SQLite and PostgreSQL: daily zero reports and their board,
//! patrol records and sign-offs, tracks and coverage, duty calendar, compliance, and the
//! "should have found" leads.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use minewatch_core::patrol::duty::DutySettings;
use minewatch_core::{CaseAction, ClueSource, ProblemKind, Role, Severity};
use minewatch_spatial::coverage::{Track, TrackPoint};
use minewatch_spatial::inputs::Fields;
use minewatch_store::{
    Actor, CaseFilter, Conclusion, DayMark, Duty, NewClue, NewFinding, NewPatrolRecord, NewTrack,
    PatrolFilter, PatrolStep, PeriodState, RegisterLayer, ReportBody, Store, StoreError,
};

#[macro_use]
mod common;
use common::{at, d, layer, open_store, rect};

const KX: f64 = 111_320.0 * 0.809_016_994_374_947_5; // cos 36°
const KY: f64 = 110_574.0;

struct Fix {
    store: Store,
    _dir: tempfile::TempDir,
    office: Actor,
    inspector: Actor,
    village_1: Actor,
    village_2: Actor,
    town_jia: Actor,
    town_yi: Actor,
    department: Actor,
    t_jia: i64,
    v1: i64,
    v2: i64,
    grid_1: i64,
    grid_2: i64,
}

/// 甲镇 (一村, 二村) and 乙街道 (三社区), one grid each, with boundaries: 一村 is the
/// square 112.00–112.05 E, 36.00–36.05 N; a 1 km key zone sits inside it at 112.01 E 36.01 N.
async fn fixture(pg: bool) -> Fix {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, _) = open_store(pg, &dir).await;
    let common::TestCounty {
        county,
        t_jia,
        t_yi,
        v1,
        v2,
        grids: grid_ids,
        ..
    } = common::test_county(&store).await;
    let departments = store.departments(county).await.expect("departments");
    let mk = async |name: &str, role: Role, t: Option<i64>, v: Option<i64>, dep: Option<i64>| {
        common::user(&store, county, name, role, t, v, dep, at(1)).await
    };
    let office = mk("office", Role::CountyOffice, None, None, None).await;
    let fix = Fix {
        inspector: mk("inspector", Role::Inspector, None, None, None).await,
        village_1: mk("v1", Role::Village, Some(t_jia), Some(v1), None).await,
        village_2: mk("v2", Role::Village, Some(t_jia), Some(v2), None).await,
        town_jia: mk("tj", Role::Township, Some(t_jia), None, None).await,
        town_yi: mk("ty", Role::Township, Some(t_yi), None, None).await,
        department: mk(
            "dep",
            Role::Department,
            None,
            None,
            departments.first().map(|x| x.id),
        )
        .await,
        office,
        store,
        _dir: dir,
        t_jia,
        v1,
        v2,
        grid_1: grid_ids[0],
        grid_2: grid_ids[1],
    };
    let fields = Fields::default();
    fix.store
        .import_register(
            &fix.office,
            RegisterLayer::Grid,
            layer(vec![
                (
                    rect(112.00, 36.00, 112.05, 36.05),
                    vec![("乡镇", "甲镇"), ("村", "一村"), ("网格", "一村网格")],
                ),
                (
                    rect(112.05, 36.00, 112.10, 36.05),
                    vec![("乡镇", "甲镇"), ("村", "二村"), ("网格", "二村网格")],
                ),
                (
                    rect(112.10, 36.00, 112.15, 36.05),
                    vec![("乡镇", "乙街道"), ("村", "三社区"), ("网格", "三社区网格")],
                ),
            ]),
            &fields,
            at(1),
        )
        .await
        .expect("grids");
    fix.store
        .import_register(
            &fix.office,
            RegisterLayer::Zone,
            layer(vec![(
                rect(112.01, 36.01, 112.01 + 1000.0 / KX, 36.01 + 1000.0 / KY),
                vec![
                    ("zone_id", "ZD-1"),
                    ("kind", "私挖滥采易发频发区"),
                    ("name", "北沟易发区"),
                ],
            )]),
            &fields,
            at(1),
        )
        .await
        .expect("zone");
    let mut settings = DutySettings::starting(d(1));
    settings.escalate_after = 3;
    fix.store
        .set_duty_settings(&fix.office, &settings, at(1))
        .await
        .expect("settings");
    fix
}

fn nothing() -> ReportBody {
    ReportBody::NothingFound {
        note: String::new(),
    }
}

fn invalid_field<T: std::fmt::Debug>(r: Result<T, StoreError>) -> &'static str {
    match r {
        Err(StoreError::Invalid { field, .. }) => field,
        other => panic!("expected Invalid, got {other:?}"),
    }
}

async fn zero_reports_board_and_escalation(pg: bool) {
    let f = fixture(pg).await;
    let s = &f.store;
    // 一村: nothing found on the 1st and 2nd, a finding on the 3rd, nothing on the 4th,
    // the 5th filed late on the 6th. 二村 never reports.
    for day in [1, 2] {
        let out = s
            .file_zero_report(&f.village_1, f.grid_1, d(day), &nothing(), at(day))
            .await
            .expect("report");
        assert!(!out.late);
        assert!(out.clue.is_none());
    }
    let finding = ReportBody::Finding(NewFinding {
        description: "后山有挖掘机夜间作业".into(),
        problem_kind: ProblemKind::UnlicensedMining,
        severity: Severity::General,
        address: "后山沟口".into(),
        lon: Some(112.02),
        lat: Some(36.02),
        photos: vec![],
    });
    let out = s
        .file_zero_report(&f.village_1, f.grid_1, d(3), &finding, at(3))
        .await
        .expect("finding");
    let clue = out.clue.expect("the finding became a clue");
    let (cases, _) = s
        .list_cases(
            &f.town_jia,
            &CaseFilter {
                source: Some(ClueSource::Patrol),
                ..CaseFilter::default()
            },
            d(3),
            1,
            50,
        )
        .await
        .expect("ledger");
    assert!(
        cases
            .iter()
            .any(|c| c.id == clue.case_id && c.village_id == Some(f.v1))
    );
    // "Nothing found" after a finding the same day, or twice, is refused with the field.
    let e = s
        .file_zero_report(&f.village_1, f.grid_1, d(3), &nothing(), at(3))
        .await;
    assert_eq!(invalid_field(e), "date");
    s.file_zero_report(&f.village_1, f.grid_1, d(4), &nothing(), at(4))
        .await
        .expect("4th");
    let e = s
        .file_zero_report(&f.village_1, f.grid_1, d(4), &nothing(), at(4))
        .await;
    assert_eq!(invalid_field(e), "date");
    let e = s
        .file_zero_report(&f.village_1, f.grid_1, d(7), &nothing(), at(6))
        .await;
    assert_eq!(invalid_field(e), "date", "a day to come");
    // A finding with neither place nor address is refused and stores nothing.
    let bare = ReportBody::Finding(NewFinding {
        description: "有人挖沙".into(),
        problem_kind: ProblemKind::RiverSand,
        severity: Severity::General,
        address: String::new(),
        lon: None,
        lat: None,
        photos: vec![],
    });
    let e = s
        .file_zero_report(&f.village_1, f.grid_1, d(6), &bare, at(6))
        .await;
    assert_eq!(invalid_field(e), "address");
    let late = s
        .file_zero_report(&f.village_1, f.grid_1, d(5), &nothing(), at(6))
        .await
        .expect("late");
    assert!(late.late);
    // Out of place: another village's grid reads as absent; a department may not file.
    assert!(matches!(
        s.file_zero_report(&f.village_2, f.grid_1, d(6), &nothing(), at(6))
            .await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        s.file_zero_report(&f.department, f.grid_1, d(6), &nothing(), at(6))
            .await,
        Err(StoreError::Forbidden(_))
    ));

    // The morning of the 6th, the township's board.
    let board = s
        .report_board(&f.town_jia, d(1), d(6), at(6))
        .await
        .expect("board");
    assert_eq!(board.grids.len(), 2, "甲镇 has two grids");
    let one = board
        .grids
        .iter()
        .find(|g| g.place.grid_id == f.grid_1)
        .expect("一村");
    let marks: Vec<DayMark> = one.days.iter().map(|(_, m)| *m).collect();
    assert_eq!(
        marks,
        [
            DayMark::NothingFound,
            DayMark::NothingFound,
            DayMark::Findings,
            DayMark::NothingFound,
            DayMark::LateNothingFound,
            DayMark::Open
        ]
    );
    assert_eq!(one.missed_in_a_row, 0);
    assert!(!one.escalated);
    let two = board
        .grids
        .iter()
        .find(|g| g.place.grid_id == f.grid_2)
        .expect("二村");
    assert_eq!(two.missed_in_a_row, 5);
    assert!(two.escalated, "five days missed, the limit is three");
    let missing: Vec<i64> = board
        .missing_on(d(5))
        .iter()
        .map(|g| g.place.grid_id)
        .collect();
    assert_eq!(missing, [f.grid_2]);
    // A village sees its own grid only; 乙街道 sees none of 甲镇's.
    let own = s
        .report_board(&f.village_1, d(1), d(6), at(6))
        .await
        .expect("board");
    assert_eq!(own.grids.len(), 1);
    let other = s
        .report_board(&f.town_yi, d(1), d(6), at(6))
        .await
        .expect("board");
    assert!(other.grids.iter().all(|g| g.place.township_id != f.t_jia));

    // Compliance over the 1st–6th counts the five finished days.
    let c = s
        .compliance(&f.town_jia, d(1), d(6), d(6))
        .await
        .expect("compliance");
    let v1 = c
        .villages
        .iter()
        .find(|u| u.village_id == Some(f.v1))
        .expect("一村");
    assert_eq!(
        (v1.reports_due, v1.filed, v1.late, v1.missing),
        (5, 5, 1, 0)
    );
    assert_eq!((v1.nothing_found, v1.with_findings), (4, 1));
    let v2 = c
        .villages
        .iter()
        .find(|u| u.village_id == Some(f.v2))
        .expect("二村");
    assert_eq!((v2.reports_due, v2.filed, v2.missing), (5, 0, 5));
    let t = c
        .townships
        .iter()
        .find(|u| u.township_id == f.t_jia)
        .expect("甲镇");
    assert_eq!((t.reports_due, t.filed, t.missing), (10, 5, 5));
}

async fn patrol_records_are_signed_in_order(pg: bool) {
    let f = fixture(pg).await;
    let s = &f.store;
    let record = NewPatrolRecord {
        village_id: f.v1,
        patrolled_on: d(4),
        address: "一村后山沟口至河滩".into(),
        situation: "沿沟巡查2公里，河滩有新车辙".into(),
        hazards: "河滩疑似夜间采砂".into(),
        measures: "设置警示牌，夜间加密巡查".into(),
        problem_kind: Some(ProblemKind::RiverSand),
        lon: Some(112.02),
        lat: Some(36.02),
        ..NewPatrolRecord::default()
    };
    let e = s
        .add_patrol_record(
            &f.village_1,
            &NewPatrolRecord {
                situation: " ".into(),
                ..record.clone()
            },
            at(5),
        )
        .await;
    assert_eq!(invalid_field(e), "situation");
    let e = s.add_patrol_record(&f.village_2, &record, at(5)).await;
    assert_eq!(invalid_field(e), "village", "二村 does not patrol 一村");
    let id = s
        .add_patrol_record(&f.village_1, &record, at(5))
        .await
        .expect("record");
    let p = s.patrol_record(&f.town_jia, id).await.expect("read");
    assert_eq!(p.level, "village");
    assert_eq!(
        (p.head.name.as_str(), p.cadre.name.as_str()),
        ("乙主任", "丙干部")
    );
    assert!(
        p.case_number.is_some(),
        "the hazard with a kind is in the ledger"
    );
    // Confirmation waits for both signatures; each post signs only its own step.
    let e = s
        .sign_patrol_record(&f.town_jia, id, PatrolStep::TownshipConfirms, at(5))
        .await;
    assert_eq!(invalid_field(e), "step");
    assert!(matches!(
        s.sign_patrol_record(&f.village_1, id, PatrolStep::CadreSigns, at(5))
            .await,
        Err(StoreError::Forbidden(_))
    ));
    assert!(matches!(
        s.sign_patrol_record(&f.town_yi, id, PatrolStep::CadreSigns, at(5))
            .await,
        Err(StoreError::NotFound { .. })
    ));
    // A signature is the named person's own: the village's account "v1" is not 乙主任.
    assert!(matches!(
        s.sign_patrol_record(&f.village_1, id, PatrolStep::HeadSigns, at(5))
            .await,
        Err(StoreError::Forbidden(_))
    ));
    let head = common::user(
        s,
        f.office.county_id,
        "乙主任(村委会主任)",
        Role::Village,
        Some(f.t_jia),
        Some(f.v1),
        None,
        at(1),
    )
    .await;
    s.sign_patrol_record(&head, id, PatrolStep::HeadSigns, at(5))
        .await
        .expect("head");
    let e = s
        .sign_patrol_record(&head, id, PatrolStep::HeadSigns, at(5))
        .await;
    assert_eq!(invalid_field(e), "step");
    // The township's account is not 丙干部 either: refused until the county allows proxy
    // signing, then recorded as signed on his behalf.
    assert!(matches!(
        s.sign_patrol_record(&f.town_jia, id, PatrolStep::CadreSigns, at(5))
            .await,
        Err(StoreError::Forbidden(_))
    ));
    let mut settings = s
        .duty_settings(f.office.county_id, d(5))
        .await
        .expect("settings");
    settings.proxy_signing = true;
    s.set_duty_settings(&f.office, &settings, at(5))
        .await
        .expect("allow proxy");
    s.sign_patrol_record(&f.town_jia, id, PatrolStep::CadreSigns, at(5))
        .await
        .expect("cadre");
    let p = s
        .sign_patrol_record(&f.town_jia, id, PatrolStep::TownshipConfirms, at(6))
        .await
        .expect("confirm");
    assert!(p.open_steps().is_empty());
    assert_eq!(p.confirmed.signed_by.as_deref(), Some("tj"));
    assert_eq!(p.head.signed_by.as_deref(), Some("乙主任(村委会主任)"));
    assert!(!p.head.proxy, "乙主任 signed himself");
    assert!(p.cadre.proxy);
    assert!(
        p.cadre.words(true).starts_with("代签：tj 代 丙干部"),
        "{}",
        p.cadre.words(true)
    );
    assert!(
        p.head.words(true).starts_with("乙主任（已签"),
        "{}",
        p.head.words(true)
    );
    // Listing by place and period.
    let list = s
        .patrol_records(
            &f.town_jia,
            &PatrolFilter {
                from: Some(d(1)),
                to: Some(d(6)),
                ..PatrolFilter::default()
            },
        )
        .await
        .expect("list");
    assert_eq!(list.len(), 1);
    assert!(
        s.patrol_records(&f.town_yi, &PatrolFilter::default())
            .await
            .expect("list")
            .is_empty()
    );

    // The calendar: 一村 patrolled in the week of the 4th (Mon 4 May); 二村 did not.
    let cal = s.duty_calendar(&f.town_jia, d(6)).await.expect("calendar");
    let line = |unit: &str| {
        cal.iter()
            .find(|l| l.duty == Duty::Village && l.unit.ends_with(unit))
            .expect("line")
    };
    let this_week = |l: &minewatch_store::DutyLine| l.periods.last().map(|p| p.state);
    assert_eq!(this_week(line("一村")), Some(PeriodState::Met));
    assert_eq!(this_week(line("二村")), Some(PeriodState::Open));
    // The week of 27 April–3 May ends after duty began on 1 May: owed, and missed.
    let prev = |l: &minewatch_store::DutyLine| l.periods.iter().rev().nth(1).map(|p| p.state);
    assert_eq!(prev(line("二村")), Some(PeriodState::Missed));
    assert!(cal.iter().any(|l| l.duty == Duty::TownshipFullCover));
}

/// A loop `out_m` outside the key zone's square, walked from `start`, a fix a minute.
fn loop_track(start: DateTime<Utc>, out_m: f64, sides: usize) -> Track {
    let (lon, lat, side) = (112.01, 36.01, 1000.0);
    let m = |x: f64, y: f64| (lon + x / KX, lat + y / KY);
    let corners = [
        m(-out_m, -out_m),
        m(side + out_m, -out_m),
        m(side + out_m, side + out_m),
        m(-out_m, side + out_m),
        m(-out_m, -out_m),
    ];
    let mut points = Vec::new();
    for w in corners[..=sides].windows(2) {
        for k in 0..10 {
            let t = f64::from(k) / 10.0;
            points.push((
                w[0].0 + (w[1].0 - w[0].0) * t,
                w[0].1 + (w[1].1 - w[0].1) * t,
            ));
        }
    }
    points.push(corners[sides]);
    Track {
        name: "巡查".into(),
        points: points
            .into_iter()
            .enumerate()
            .map(|(i, (lon, lat))| TrackPoint {
                lon,
                lat,
                time: Some(start + Duration::minutes(i as i64)),
            })
            .collect(),
    }
}

async fn tracks_give_coverage(pg: bool) {
    let f = fixture(pg).await;
    let s = &f.store;
    // 22:00 Beijing on the 3rd: a night patrol.
    let night = Utc
        .with_ymd_and_hms(2026, 5, 3, 14, 0, 0)
        .single()
        .expect("t");
    let new = |track: Track, client_ref: Option<&str>| NewTrack {
        township_id: None,
        village_id: None,
        source: "phone",
        track,
        client_ref: client_ref.map(str::to_string),
        file_sha256: None,
    };
    let id = s
        .add_track(
            &f.village_1,
            &new(loop_track(night, 50.0, 4), Some("phone-1")),
            at(4),
        )
        .await
        .expect("track");
    // The phone retries after a lost answer: stored once.
    let again = s
        .add_track(
            &f.village_1,
            &new(loop_track(night, 50.0, 4), Some("phone-1")),
            at(4),
        )
        .await
        .expect("retry");
    assert_eq!(id, again);
    // Another user's phone with the same reference is another track, never this one.
    let theirs = s
        .add_track(
            &f.village_2,
            &new(loop_track(night, 50.0, 4), Some("phone-1")),
            at(4),
        )
        .await;
    assert!(
        !matches!(theirs, Ok(other) if other == id),
        "a reference is scoped to its user: {theirs:?}"
    );
    let mut one = loop_track(night, 50.0, 4);
    one.points.truncate(1);
    let e = s.add_track(&f.village_1, &new(one, None), at(4)).await;
    assert_eq!(invalid_field(e), "points");
    let mut timeless = loop_track(night, 50.0, 4);
    timeless.points[3].time = None;
    let e = s.add_track(&f.village_1, &new(timeless, None), at(4)).await;
    assert_eq!(invalid_field(e), "points");

    let r = s
        .coverage_report(&f.town_jia, d(1), d(6), Some(200.0), d(6))
        .await
        .expect("coverage");
    assert_eq!(r.zones.len(), 1);
    let z = &r.zones[0];
    assert_eq!(z.village_id, Some(f.v1), "the zone lies in 一村's grid");
    // 200 m from a loop 50 m outside a 1 km square reaches 150 m in: 1 − 0.7² = 51 %.
    assert!((z.any - 0.51).abs() < 0.02, "{}", z.any);
    assert!((z.night - 0.51).abs() < 0.02, "{}", z.night);
    assert!(z.day < 1e-9);
    let v1 = r
        .villages
        .iter()
        .find(|u| u.village_id == Some(f.v1))
        .expect("一村");
    assert_eq!((v1.tracks, v1.night_tracks, v1.zones), (1, 1, 1));
    assert!((v1.km - 4.4).abs() < 0.05, "{}", v1.km);
    // Outside the period the track counts for nothing; a track that stops halfway, less.
    let later = s
        .coverage_report(&f.town_jia, d(5), d(6), Some(200.0), d(6))
        .await
        .expect("coverage");
    assert!(later.zones[0].any < 1e-9);
    let day = Utc
        .with_ymd_and_hms(2026, 5, 5, 2, 0, 0)
        .single()
        .expect("t");
    s.add_track(&f.village_1, &new(loop_track(day, 50.0, 2), None), at(5))
        .await
        .expect("half");
    let half = s
        .coverage_report(&f.town_jia, d(5), d(6), Some(200.0), d(6))
        .await
        .expect("coverage");
    assert!(
        half.zones[0].day > 0.2 && half.zones[0].day < 0.35,
        "{}",
        half.zones[0].day
    );
    assert!(half.zones[0].night < 1e-9);
    // 乙街道 has no zones and sees none.
    let other = s
        .coverage_report(&f.town_yi, d(1), d(6), None, d(6))
        .await
        .expect("coverage");
    assert!(other.zones.is_empty());
    // The hot spot was walked at night in the week ending 3 May; this week only by day.
    let cal = s.duty_calendar(&f.town_jia, d(6)).await.expect("calendar");
    let hot = cal
        .iter()
        .find(|l| l.duty == Duty::HotspotNight)
        .expect("the hot spot's night duty");
    assert!(hot.unit.contains("北沟易发区"), "{}", hot.unit);
    let states: Vec<PeriodState> = hot.periods.iter().rev().take(2).map(|p| p.state).collect();
    assert_eq!(states, [PeriodState::Open, PeriodState::Met]);
    assert!(
        s.duty_calendar(&f.town_yi, d(6))
            .await
            .expect("calendar")
            .iter()
            .all(|l| l.duty != Duty::HotspotNight)
    );
    let c = s
        .compliance(&f.town_jia, d(1), d(6), d(6))
        .await
        .expect("compliance");
    let v1c = c
        .villages
        .iter()
        .find(|u| u.village_id == Some(f.v1))
        .expect("一村");
    assert!(v1c.coverage_any.is_some_and(|x| x > 0.5));
    assert!(
        c.villages
            .iter()
            .find(|u| u.village_id == Some(f.v2))
            .expect("二村")
            .coverage_any
            .is_none()
    );
}

fn tip(
    village: i64,
    township: i64,
    lon: f64,
    lat: f64,
    kind: ProblemKind,
    source: ClueSource,
) -> NewClue {
    NewClue {
        source,
        township_id: township,
        village_id: Some(village),
        address: "后山".into(),
        lon: Some(lon),
        lat: Some(lat),
        observed_at: None,
        description: "群众举报有人夜间挖矿".into(),
        problem_kind: kind,
        severity: Severity::General,
        reporter_name: String::new(),
        reporter_phone: String::new(),
        attachments: vec![],
    }
}

async fn should_have_found_raises_one_lead(pg: bool) {
    let f = fixture(pg).await;
    let s = &f.store;
    // 一村 says "nothing found" every day from the 1st to the 7th and walks past the site
    // on the night of the 3rd; 二村 says nothing at all.
    for day in 1..=7 {
        s.file_zero_report(&f.village_1, f.grid_1, d(day), &nothing(), at(day))
            .await
            .expect("report");
    }
    let night = Utc
        .with_ymd_and_hms(2026, 5, 3, 14, 0, 0)
        .single()
        .expect("t");
    s.add_track(
        &f.village_1,
        &NewTrack {
            township_id: None,
            village_id: None,
            source: "gpx",
            track: loop_track(night, 50.0, 4),
            client_ref: None,
            file_sha256: None,
        },
        at(4),
    )
    .await
    .expect("track");
    let verify = CaseAction::Verify {
        founded: true,
        note: "属实".into(),
    };
    // A tip on the 8th: digging 100 m inside the zone's south edge, in 一村's grid.
    let site = (112.015, 36.01 + 100.0 / KY);
    let o = s
        .file_clue(
            &f.office,
            &tip(
                f.v1,
                f.t_jia,
                site.0,
                site.1,
                ProblemKind::UnlicensedMining,
                ClueSource::Tip,
            ),
            at(8),
        )
        .await
        .expect("tip");
    assert!(
        s.leads(&f.inspector, Some(o.case_id))
            .await
            .expect("leads")
            .is_empty(),
        "not before it is confirmed"
    );
    s.apply_action(
        &f.town_jia,
        o.case_id,
        &verify,
        &[],
        at(8) + Duration::hours(2),
    )
    .await
    .expect("verify");
    let leads = s.leads(&f.inspector, Some(o.case_id)).await.expect("leads");
    assert_eq!(leads.len(), 1, "one lead: one case, one grid");
    let lead = &leads[0];
    assert_eq!(lead.grid_id, f.grid_1);
    assert_eq!(lead.discovered_on, "2026-05-08");
    let days: Vec<&str> = lead
        .evidence
        .reports
        .iter()
        .map(|r| r.date.as_str())
        .collect();
    assert_eq!(
        days,
        [
            "2026-05-01",
            "2026-05-02",
            "2026-05-03",
            "2026-05-04",
            "2026-05-05",
            "2026-05-06",
            "2026-05-07"
        ]
    );
    assert_eq!(lead.evidence.tracks.len(), 1);
    assert!(
        (lead.evidence.tracks[0].distance_m - 150.0).abs() < 2.0,
        "{}",
        lead.evidence.tracks[0].distance_m
    );

    // No lead for: haulage (not digging), a grid that filed nothing, the grid's own finding.
    let haul = s
        .file_clue(
            &f.office,
            &tip(
                f.v1,
                f.t_jia,
                112.04,
                36.04,
                ProblemKind::IllegalHaulage,
                ClueSource::Tip,
            ),
            at(8),
        )
        .await
        .expect("haulage");
    s.apply_action(&f.town_jia, haul.case_id, &verify, &[], at(9))
        .await
        .expect("verify");
    let silent = s
        .file_clue(
            &f.office,
            &tip(
                f.v2,
                f.t_jia,
                112.07,
                36.02,
                ProblemKind::UnlicensedMining,
                ClueSource::Tip,
            ),
            at(8),
        )
        .await
        .expect("二村");
    s.apply_action(&f.town_jia, silent.case_id, &verify, &[], at(9))
        .await
        .expect("verify");
    let own = s
        .file_clue(
            &f.village_1,
            &tip(
                f.v1,
                f.t_jia,
                112.045,
                36.045,
                ProblemKind::UnlicensedMining,
                ClueSource::Patrol,
            ),
            at(8),
        )
        .await
        .expect("own");
    s.apply_action(&f.town_jia, own.case_id, &verify, &[], at(9))
        .await
        .expect("verify");
    assert_eq!(s.leads(&f.inspector, None).await.expect("leads").len(), 1);

    // Who sees it and who acts: the township answers, the inspectors conclude.
    assert!(matches!(
        s.leads(&f.village_1, None).await,
        Err(StoreError::Forbidden(_))
    ));
    assert!(matches!(
        s.leads(&f.department, None).await,
        Err(StoreError::Forbidden(_))
    ));
    assert!(s.leads(&f.town_yi, None).await.expect("leads").is_empty());
    assert!(matches!(
        s.lead(&f.town_yi, lead.id).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        s.answer_lead(&f.office, lead.id, "说明", at(9)).await,
        Err(StoreError::Forbidden(_))
    ));
    let e = s.answer_lead(&f.town_jia, lead.id, "  ", at(9)).await;
    assert_eq!(invalid_field(e), "answer");
    let answered = s
        .answer_lead(&f.town_jia, lead.id, "网格员巡查未到沟内深处", at(9))
        .await
        .expect("answer");
    assert_eq!(answered.answered_by.as_deref(), Some("tj"));
    assert!(matches!(
        s.conclude_lead(&f.office, lead.id, Conclusion::Accountable, "x", at(10))
            .await,
        Err(StoreError::Forbidden(_))
    ));
    let done = s
        .conclude_lead(
            &f.inspector,
            lead.id,
            Conclusion::Accountable,
            "巡查流于形式",
            at(10),
        )
        .await
        .expect("conclude");
    assert_eq!(done.conclusion, "accountable");
    let e = s.answer_lead(&f.town_jia, lead.id, "补充", at(10)).await;
    assert_eq!(invalid_field(e), "answer");
    // Raising, answering and concluding are in the hash chain, which still verifies.
    let report = s.audit_verify().await.expect("audit");
    assert!(report.is_ok(), "{report:?}");
}

async fn demo_plants_exactly_one_lead(pg: bool) {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, _) = open_store(pg, &dir).await;
    let now = Utc
        .with_ymd_and_hms(2026, 6, 1, 2, 0, 0)
        .single()
        .expect("t");
    let summary = minewatch_store::demo::build(&store, now, "-")
        .await
        .expect("demo");
    let planted = summary.planted_case.expect("the demo plants a case");
    let users = store.users(summary.county_id).await.expect("users");
    let id_of = |name: &str| {
        users
            .iter()
            .find(|u| u.username == name)
            .map(|u| u.id)
            .expect(name)
    };
    let inspector = store.actor(id_of("inspector")).await.expect("actor");
    let leads = store.leads(&inspector, Some(planted)).await.expect("leads");
    assert_eq!(leads.len(), 1, "exactly one lead for the planted case");
    let lead = &leads[0];
    assert_eq!(lead.evidence.source, "satellite_patch");
    assert_eq!(
        lead.evidence.reports.len(),
        7,
        "nothing found on each of the seven days before the image"
    );
    assert!(lead.evidence.reports.iter().all(|r| !r.late));
    assert_eq!(
        lead.evidence.tracks.len(),
        1,
        "the night patrol 150 m from the site"
    );
    // The rest of the demo raises none: its cases were confirmed where no grid said otherwise.
    assert_eq!(store.leads(&inspector, None).await.expect("leads").len(), 1);
    // The board shows the lapsed grid escalated, and the diligent township without misses.
    let office = store.actor(id_of("office")).await.expect("actor");
    let today = NaiveDate::from_ymd_opt(2026, 6, 1).expect("d");
    let board = store
        .report_board(&office, today - Duration::days(14), today, now)
        .await
        .expect("board");
    let escalated: Vec<&str> = board
        .grids
        .iter()
        .filter(|g| g.escalated)
        .map(|g| g.place.township.as_str())
        .collect();
    assert_eq!(escalated, ["石门乡"]);
    assert!(
        board
            .grids
            .iter()
            .filter(|g| g.place.township == "西岭镇")
            .all(|g| g.missed_in_a_row == 0)
    );
    let report = store.audit_verify().await.expect("audit");
    assert!(report.is_ok(), "{report:?}");
}

on_both!(
    zero_reports_board_and_escalation,
    patrol_records_are_signed_in_order,
    tracks_give_coverage,
    should_have_found_raises_one_lead,
    demo_plants_exactly_one_lead,
);
