//! Patrol over `/api/v1`: daily reports, patrol records, tracks (the phone's queue posts
//! here), coverage, compliance and duty.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use minewatch_core::clock::local_date;
use minewatch_core::patrol::duty::DutySettings;
use minewatch_core::{ProblemKind, Severity};
use minewatch_spatial::coverage::{Track, TrackPoint};
use minewatch_store::{
    Compliance, CoverageReport, DutyLine, NewFinding, NewPatrolRecord, NewTrack, PatrolFilter,
    PatrolLevel, PatrolRow, PatrolStep, ReportBoard, ReportBody, TrackRow, ZeroReportOutcome,
};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::ApiUser;
use crate::error::WebError;
use crate::json::{ApiJson, ApiQuery, ApiResult, ErrorBody};

pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(board, file_report))
        .routes(routes!(list_patrols, add_patrol))
        .routes(routes!(patrol))
        .routes(routes!(sign_patrol))
        .routes(routes!(list_tracks, add_track))
        .routes(routes!(coverage))
        .routes(routes!(compliance))
        .routes(routes!(calendar))
        .routes(routes!(settings, set_settings))
}

/// A span of days; both ends included, in the county's time.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct Span {
    /// First day (YYYY-MM-DD); by default a week (tracks: 30 days) before `to`.
    from: Option<NaiveDate>,
    /// Last day; today by default.
    to: Option<NaiveDate>,
}

impl Span {
    fn resolve(&self, today: NaiveDate, days_back: i64) -> (NaiveDate, NaiveDate) {
        let to = self.to.unwrap_or(today);
        (self.from.unwrap_or(to - Duration::days(days_back)), to)
    }
}

#[utoipa::path(get, path = "/zero-reports", tag = "patrol",
    summary = "Daily reports board of your grids: each day's mark, runs of misses, escalation",
    params(Span),
    responses(
        (status = 200, body = ReportBoard),
        (status = 422, body = ErrorBody, description = "a date is wrong; `field` names it"),
    ))]
async fn board(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiQuery(q): ApiQuery<Span>,
) -> ApiResult<Json<ReportBoard>> {
    let now = state.clock.now();
    let (from, to) = q.resolve(local_date(now), 6);
    Ok(Json(state.store.report_board(&actor, from, to, now).await?))
}

/// What the grid found: it becomes a clue in the ledger.
#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct FindingBody {
    description: String,
    problem_kind: ProblemKind,
    #[serde(default)]
    address: String,
    lon: Option<f64>,
    lat: Option<f64>,
    /// SHA-256 of photos uploaded before.
    #[serde(default)]
    photos: Vec<String>,
}

/// A grid's daily report (零报告).
#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct ReportBodyJson {
    grid_id: i64,
    /// The day reported on; today by default, an earlier day is filed late (补报).
    date: Option<NaiveDate>,
    #[serde(default)]
    note: String,
    /// Absent: nothing found.
    finding: Option<FindingBody>,
}

#[utoipa::path(post, path = "/zero-reports", tag = "patrol",
    summary = "File a grid's daily report: nothing found, or one finding that becomes a clue",
    request_body = ReportBodyJson,
    responses(
        (status = 201, body = ZeroReportOutcome, description = "filed"),
        (status = 403, body = ErrorBody, description = "not your grid"),
        (status = 422, body = ErrorBody, description = "a field is wrong, the day is in the future or before reporting began, or the day is already filed"),
    ))]
async fn file_report(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiJson(r): ApiJson<ReportBodyJson>,
) -> ApiResult<(StatusCode, Json<ZeroReportOutcome>)> {
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
        .await?;
    Ok((StatusCode::CREATED, Json(out)))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct PatrolQuery {
    /// First day patrolled (YYYY-MM-DD).
    from: Option<NaiveDate>,
    /// Last day patrolled.
    to: Option<NaiveDate>,
    /// Township id.
    township: Option<i64>,
    /// Village id.
    village: Option<i64>,
    /// The level patrolled at.
    #[param(value_type = Option<PatrolLevel>)]
    level: Option<String>,
}

#[utoipa::path(get, path = "/patrols", tag = "patrol",
    summary = "Patrol records (隐患排查报表 lines) of your area",
    params(PatrolQuery),
    responses(
        (status = 200, body = Vec<PatrolRow>),
        (status = 422, body = ErrorBody, description = "a filter is wrong; `field` names it"),
    ))]
async fn list_patrols(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiQuery(q): ApiQuery<PatrolQuery>,
) -> ApiResult<Json<Vec<PatrolRow>>> {
    let level = match q.level.as_deref() {
        None | Some("") => None,
        Some(l) => Some(PatrolLevel::from_code(l).ok_or_else(|| {
            WebError::field(
                "level",
                "应为 county、township 或 village",
                "must be county, township or village",
            )
        })?),
    };
    let f = PatrolFilter {
        township_id: q.township,
        village_id: q.village,
        from: q.from,
        to: q.to,
        level,
    };
    Ok(Json(state.store.patrol_records(&actor, &f).await?))
}

/// A patrol record as filed; the level is yours.
#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct PatrolBody {
    village_id: i64,
    patrolled_on: NaiveDate,
    /// A night patrol.
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
    /// A hazard with a kind is filed as a clue.
    problem_kind: Option<ProblemKind>,
    lon: Option<f64>,
    lat: Option<f64>,
    /// SHA-256 of photos uploaded before.
    #[serde(default)]
    photos: Vec<String>,
    /// The track recorded on this patrol.
    track_id: Option<i64>,
}

#[utoipa::path(post, path = "/patrols", tag = "patrol",
    summary = "File a patrol record at your level; a hazard with a problem_kind is filed as a clue",
    request_body = PatrolBody,
    responses(
        (status = 201, body = PatrolRow, description = "filed"),
        (status = 403, body = ErrorBody, description = "the village is outside your area"),
        (status = 422, body = ErrorBody, description = "a field is missing or wrong; `field` names it"),
    ))]
async fn add_patrol(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiJson(p): ApiJson<PatrolBody>,
) -> ApiResult<(StatusCode, Json<PatrolRow>)> {
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
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(state.store.patrol_record(&actor, id).await?),
    ))
}

#[utoipa::path(get, path = "/patrols/{id}", tag = "patrol",
    summary = "One patrol record with its signatures",
    params(("id" = i64, Path, description = "patrol record id")),
    responses(
        (status = 200, body = PatrolRow),
        (status = 404, body = ErrorBody, description = "no such record in your area"),
    ))]
async fn patrol(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<i64>,
) -> ApiResult<Json<PatrolRow>> {
    Ok(Json(state.store.patrol_record(&actor, id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct SignBody {
    /// `head`: the village committee head signs; `cadre`: the village's township cadre
    /// (包村干部) signs; `confirm`: the township confirms.
    step: String,
}

#[utoipa::path(post, path = "/patrols/{id}/sign", tag = "patrol",
    summary = "Sign (head, cadre) or confirm (township) a patrol record",
    params(("id" = i64, Path, description = "patrol record id")),
    request_body = SignBody,
    responses(
        (status = 200, body = PatrolRow, description = "the record with the signature"),
        (status = 403, body = ErrorBody, description = "not yours to sign"),
        (status = 404, body = ErrorBody, description = "no such record in your area"),
        (status = 422, body = ErrorBody, description = "unknown step, or signed already"),
    ))]
async fn sign_patrol(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(id): Path<i64>,
    ApiJson(s): ApiJson<SignBody>,
) -> ApiResult<Json<PatrolRow>> {
    let step = PatrolStep::from_code(&s.step).ok_or_else(|| {
        WebError::field(
            "step",
            "应为 head、cadre 或 confirm",
            "must be head, cadre or confirm",
        )
    })?;
    Ok(Json(
        state
            .store
            .sign_patrol_record(&actor, id, step, state.clock.now())
            .await?,
    ))
}

#[utoipa::path(get, path = "/tracks", tag = "patrol",
    summary = "Patrol tracks of your area",
    params(Span),
    responses(
        (status = 200, body = Vec<TrackRow>),
        (status = 422, body = ErrorBody, description = "a date is wrong; `field` names it"),
    ))]
async fn list_tracks(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiQuery(q): ApiQuery<Span>,
) -> ApiResult<Json<Vec<TrackRow>>> {
    let (from, to) = q.resolve(local_date(state.clock.now()), 29);
    // The county's days run from 16:00 UTC the day before (UTC+8).
    let (start, end) = (
        from.and_hms_opt(0, 0, 0)
            .map_or_else(DateTime::<Utc>::default, |t| t.and_utc())
            - Duration::hours(8),
        to.and_hms_opt(0, 0, 0)
            .map_or_else(DateTime::<Utc>::default, |t| t.and_utc())
            + Duration::hours(16),
    );
    Ok(Json(state.store.tracks(&actor, start, end, false).await?))
}

/// A track recorded on the phone.
#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct TrackBody {
    township_id: Option<i64>,
    village_id: Option<i64>,
    #[serde(default)]
    name: String,
    /// The phone's own id for the track (at most 100 characters): sending it again
    /// returns the stored track instead of a second one.
    client_ref: Option<String>,
    /// [longitude, latitude, milliseconds since 1970-01-01 UTC] as a browser gives them.
    #[schema(value_type = Vec<Vec<f64>>)]
    points: Vec<(f64, f64, f64)>,
}

/// The stored track.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct TrackId {
    id: i64,
}

#[utoipa::path(post, path = "/tracks", tag = "patrol",
    summary = "Store a recorded track; a repeated client_ref returns the stored one",
    request_body = TrackBody,
    responses(
        (status = 201, body = TrackId, description = "stored"),
        (status = 422, body = ErrorBody, description = "a point is off the map or has a bad time, too many points, or `client_ref` too long"),
    ))]
async fn add_track(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiJson(t): ApiJson<TrackBody>,
) -> ApiResult<(StatusCode, Json<TrackId>)> {
    if t.client_ref.as_ref().is_some_and(|r| r.len() > 100) {
        return Err(WebError::field("client_ref", "过长", "is too long").into());
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
        .await?;
    Ok((StatusCode::CREATED, Json(TrackId { id })))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct CoverageQuery {
    /// First day (YYYY-MM-DD); a week before `to` by default.
    from: Option<NaiveDate>,
    /// Last day; today by default.
    to: Option<NaiveDate>,
    /// How near a track must pass to cover, in metres; the county's setting by default.
    distance: Option<f64>,
}

#[utoipa::path(get, path = "/coverage", tag = "patrol",
    summary = "Coverage of each zone by tracks, day and night, per township and village",
    params(CoverageQuery),
    responses(
        (status = 200, body = CoverageReport),
        (status = 422, body = ErrorBody, description = "a date or the distance is wrong; `field` names it"),
    ))]
async fn coverage(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiQuery(q): ApiQuery<CoverageQuery>,
) -> ApiResult<Json<CoverageReport>> {
    let today = local_date(state.clock.now());
    let span = Span {
        from: q.from,
        to: q.to,
    };
    let (from, to) = span.resolve(today, 6);
    Ok(Json(
        state
            .store
            .coverage_report(&actor, from, to, q.distance, today)
            .await?,
    ))
}

#[utoipa::path(get, path = "/compliance", tag = "patrol",
    summary = "Reports due, filed, late and missing, patrol duty met, coverage per township and village",
    params(Span),
    responses(
        (status = 200, body = Compliance),
        (status = 422, body = ErrorBody, description = "a date is wrong; `field` names it"),
    ))]
async fn compliance(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiQuery(q): ApiQuery<Span>,
) -> ApiResult<Json<Compliance>> {
    let today = local_date(state.clock.now());
    let (from, to) = q.resolve(today, 6);
    Ok(Json(state.store.compliance(&actor, from, to, today).await?))
}

#[utoipa::path(get, path = "/duty/calendar", tag = "patrol",
    summary = "Each unit's recent duty periods: met, missed or open",
    responses((status = 200, body = Vec<DutyLine>)))]
async fn calendar(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
) -> ApiResult<Json<Vec<DutyLine>>> {
    Ok(Json(
        state
            .store
            .duty_calendar(&actor, local_date(state.clock.now()))
            .await?,
    ))
}

#[utoipa::path(get, path = "/duty/settings", tag = "patrol",
    summary = "The county's duty cycles and limits",
    responses((status = 200, body = DutySettings)))]
async fn settings(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
) -> ApiResult<Json<DutySettings>> {
    Ok(Json(
        state
            .store
            .duty_settings(actor.county_id, local_date(state.clock.now()))
            .await?,
    ))
}

#[utoipa::path(put, path = "/duty/settings", tag = "patrol",
    summary = "Set duty cycles and limits (county office)",
    request_body = DutySettings,
    responses(
        (status = 200, body = DutySettings, description = "the settings now in force"),
        (status = 403, body = ErrorBody, description = "only the county office sets duty"),
        (status = 422, body = ErrorBody, description = "a cycle or limit out of range; `field` names it"),
    ))]
async fn set_settings(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    ApiJson(s): ApiJson<DutySettings>,
) -> ApiResult<Json<DutySettings>> {
    state
        .store
        .set_duty_settings(&actor, &s, state.clock.now())
        .await?;
    Ok(Json(s))
}
