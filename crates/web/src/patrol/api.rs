//! Patrol over `/api/v1`: daily reports, patrol records, tracks (the phone's queue posts
//! here), coverage, compliance and duty.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use minewatch_core::clock::local_date;
use minewatch_core::patrol::duty::DutySettings;
use minewatch_core::{ProblemKind, Severity};
use minewatch_spatial::coverage::{Track, TrackPoint};
use minewatch_store::{
    NewFinding, NewPatrolRecord, NewTrack, PatrolFilter, PatrolLevel, PatrolStep, ReportBody,
};
use serde::Deserialize;

use crate::AppState;
use crate::auth::ApiUser;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::json::{body, json_err, store_err};

type ApiResult = Result<Response, Response>;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/zero-reports", get(board).post(file_report))
        .route("/patrols", get(list_patrols).post(add_patrol))
        .route("/patrols/{id}", get(patrol))
        .route("/patrols/{id}/sign", post(sign_patrol))
        .route("/tracks", get(list_tracks).post(add_track))
        .route("/coverage", get(coverage))
        .route("/compliance", get(compliance))
        .route("/duty/calendar", get(calendar))
        .route("/duty/settings", get(settings).put(set_settings))
}

#[derive(Deserialize)]
struct Span {
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    distance: Option<f64>,
}

impl Span {
    fn resolve(&self, today: NaiveDate, days_back: i64) -> (NaiveDate, NaiveDate) {
        let to = self.to.unwrap_or(today);
        (self.from.unwrap_or(to - Duration::days(days_back)), to)
    }
}

async fn board(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    lang: Lang,
    Query(q): Query<Span>,
) -> ApiResult {
    let now = state.clock.now();
    let (from, to) = q.resolve(local_date(now), 6);
    let b = state
        .store
        .report_board(&actor, from, to, now)
        .await
        .map_err(store_err(lang))?;
    Ok(Json(b).into_response())
}

#[derive(Deserialize)]
struct FindingBody {
    description: String,
    problem_kind: ProblemKind,
    #[serde(default)]
    address: String,
    lon: Option<f64>,
    lat: Option<f64>,
    #[serde(default)]
    photos: Vec<String>,
}

#[derive(Deserialize)]
struct ReportBodyJson {
    grid_id: i64,
    date: Option<NaiveDate>,
    #[serde(default)]
    note: String,
    /// Absent: nothing found.
    finding: Option<FindingBody>,
}

async fn file_report(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    lang: Lang,
    b: Result<Json<ReportBodyJson>, axum::extract::rejection::JsonRejection>,
) -> ApiResult {
    let r = body(lang, b)?;
    let now = state.clock.now();
    let report = match r.finding {
        None => ReportBody::NothingFound { note: r.note },
        Some(f) => ReportBody::Finding(NewFinding {
            description: f.description,
            problem_kind: f.problem_kind,
            severity: Severity::General,
            address: f.address,
            lon: f.lon,
            lat: f.lat,
            photos: f.photos,
        }),
    };
    let out = state
        .store
        .file_zero_report(
            &actor,
            r.grid_id,
            r.date.unwrap_or_else(|| local_date(now)),
            &report,
            now,
        )
        .await
        .map_err(store_err(lang))?;
    Ok((StatusCode::CREATED, Json(out)).into_response())
}

#[derive(Deserialize)]
struct PatrolQuery {
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    township: Option<i64>,
    village: Option<i64>,
    level: Option<String>,
}

async fn list_patrols(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    lang: Lang,
    Query(q): Query<PatrolQuery>,
) -> ApiResult {
    let f = PatrolFilter {
        township_id: q.township,
        village_id: q.village,
        from: q.from,
        to: q.to,
        level: match q.level.as_deref() {
            None | Some("") => None,
            Some(l) => Some(PatrolLevel::from_code(l).ok_or_else(|| {
                WebError::field(
                    "level",
                    "应为 county、township 或 village",
                    "must be county, township or village",
                )
                .into_json(lang)
            })?),
        },
    };
    let rows = state
        .store
        .patrol_records(&actor, &f)
        .await
        .map_err(store_err(lang))?;
    Ok(Json(rows).into_response())
}

#[derive(Deserialize)]
struct PatrolBody {
    village_id: i64,
    patrolled_on: NaiveDate,
    #[serde(default)]
    night: bool,
    address: String,
    situation: String,
    #[serde(default)]
    hazards: String,
    #[serde(default)]
    measures: String,
    #[serde(default)]
    remarks: String,
    problem_kind: Option<ProblemKind>,
    lon: Option<f64>,
    lat: Option<f64>,
    #[serde(default)]
    photos: Vec<String>,
    track_id: Option<i64>,
}

async fn add_patrol(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    lang: Lang,
    b: Result<Json<PatrolBody>, axum::extract::rejection::JsonRejection>,
) -> ApiResult {
    let p = body(lang, b)?;
    let record = NewPatrolRecord {
        village_id: p.village_id,
        patrolled_on: p.patrolled_on,
        night: p.night,
        address: p.address,
        situation: p.situation,
        hazards: p.hazards,
        measures: p.measures,
        remarks: p.remarks,
        problem_kind: p.problem_kind,
        lon: p.lon,
        lat: p.lat,
        photos: p.photos,
        track_id: p.track_id,
    };
    let id = state
        .store
        .add_patrol_record(&actor, &record, state.clock.now())
        .await
        .map_err(store_err(lang))?;
    let row = state
        .store
        .patrol_record(&actor, id)
        .await
        .map_err(store_err(lang))?;
    Ok((StatusCode::CREATED, Json(row)).into_response())
}

async fn patrol(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    lang: Lang,
    Path(id): Path<i64>,
) -> ApiResult {
    let row = state
        .store
        .patrol_record(&actor, id)
        .await
        .map_err(store_err(lang))?;
    Ok(Json(row).into_response())
}

#[derive(Deserialize)]
struct SignBody {
    step: String,
}

async fn sign_patrol(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    lang: Lang,
    Path(id): Path<i64>,
    b: Result<Json<SignBody>, axum::extract::rejection::JsonRejection>,
) -> ApiResult {
    let s = body(lang, b)?;
    let step = PatrolStep::from_code(&s.step)
        .ok_or_else(|| {
            WebError::field(
                "step",
                "应为 head、cadre 或 confirm",
                "must be head, cadre or confirm",
            )
        })
        .map_err(json_err(lang))?;
    let row = state
        .store
        .sign_patrol_record(&actor, id, step, state.clock.now())
        .await
        .map_err(store_err(lang))?;
    Ok(Json(row).into_response())
}

async fn list_tracks(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    lang: Lang,
    Query(q): Query<Span>,
) -> ApiResult {
    let (from, to) = q.resolve(local_date(state.clock.now()), 29);
    let (start, end) = (
        from.and_hms_opt(0, 0, 0)
            .map_or_else(DateTime::<Utc>::default, |t| t.and_utc())
            - Duration::hours(8),
        to.and_hms_opt(0, 0, 0)
            .map_or_else(DateTime::<Utc>::default, |t| t.and_utc())
            + Duration::hours(16),
    );
    let rows = state
        .store
        .tracks(&actor, start, end, false)
        .await
        .map_err(store_err(lang))?;
    Ok(Json(rows).into_response())
}

#[derive(Deserialize)]
struct TrackBody {
    township_id: Option<i64>,
    village_id: Option<i64>,
    #[serde(default)]
    name: String,
    client_ref: Option<String>,
    /// [longitude, latitude, milliseconds since 1970-01-01 UTC] as a browser gives them.
    points: Vec<(f64, f64, f64)>,
}

async fn add_track(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    lang: Lang,
    b: Result<Json<TrackBody>, axum::extract::rejection::JsonRejection>,
) -> ApiResult {
    let t = body(lang, b)?;
    if t.client_ref.as_ref().is_some_and(|r| r.len() > 100) {
        return Err(WebError::field("client_ref", "过长", "is too long").into_json(lang));
    }
    let mut points = Vec::with_capacity(t.points.len());
    for (i, &(lon, lat, ms)) in t.points.iter().enumerate() {
        let time = (ms.is_finite() && ms > 0.0)
            .then(|| DateTime::from_timestamp_millis(ms as i64))
            .flatten()
            .ok_or_else(|| {
                WebError::field(
                    "points",
                    format!("第{}个位置点的时间有误", i + 1),
                    format!("position {}: bad time", i + 1),
                )
                .into_json(lang)
            })?;
        points.push(TrackPoint {
            lon,
            lat,
            time: Some(time),
        });
    }
    let new = NewTrack {
        township_id: t.township_id,
        village_id: t.village_id,
        source: "phone",
        track: Track {
            name: t.name,
            points,
        },
        client_ref: t.client_ref,
        file_sha256: None,
    };
    let id = state
        .store
        .add_track(&actor, &new, state.clock.now())
        .await
        .map_err(store_err(lang))?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({"id": id}))).into_response())
}

async fn coverage(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    lang: Lang,
    Query(q): Query<Span>,
) -> ApiResult {
    let today = local_date(state.clock.now());
    let (from, to) = q.resolve(today, 6);
    let r = state
        .store
        .coverage_report(&actor, from, to, q.distance, today)
        .await
        .map_err(store_err(lang))?;
    Ok(Json(r).into_response())
}

async fn compliance(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    lang: Lang,
    Query(q): Query<Span>,
) -> ApiResult {
    let today = local_date(state.clock.now());
    let (from, to) = q.resolve(today, 6);
    let c = state
        .store
        .compliance(&actor, from, to, today)
        .await
        .map_err(store_err(lang))?;
    Ok(Json(c).into_response())
}

async fn calendar(State(state): State<AppState>, ApiUser(actor): ApiUser, lang: Lang) -> ApiResult {
    let lines = state
        .store
        .duty_calendar(&actor, local_date(state.clock.now()))
        .await
        .map_err(store_err(lang))?;
    Ok(Json(lines).into_response())
}

async fn settings(State(state): State<AppState>, ApiUser(actor): ApiUser, lang: Lang) -> ApiResult {
    let s = state
        .store
        .duty_settings(actor.county_id, local_date(state.clock.now()))
        .await
        .map_err(store_err(lang))?;
    Ok(Json(s).into_response())
}

async fn set_settings(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    lang: Lang,
    b: Result<Json<DutySettings>, axum::extract::rejection::JsonRejection>,
) -> ApiResult {
    let s = body(lang, b)?;
    state
        .store
        .set_duty_settings(&actor, &s, state.clock.now())
        .await
        .map_err(store_err(lang))?;
    Ok(Json(s).into_response())
}
