//! The JSON API under `/api/v1`, for the phone app, other systems and machine clients
//! (API tokens). Same store calls as the pages; errors are `{code, message, field}`.

use crate::auth::{self, ApiUser};
use crate::error::WebError;
use crate::forms::{self, Fields};
use crate::i18n::Lang;
use crate::json::{OrJson, json_error, parse_body};
use crate::{AppState, export};
use axum::body::Bytes;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use axum_extra::extract::CookieJar;
use minewatch_core::CaseAction;
use minewatch_store::{Actor, NewClue};
use serde::Deserialize;
use serde_json::{Value, json};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/session", post(login).delete(logout))
        .route("/me", get(me))
        .merge(crate::org::api_routes())
        .route("/cases", get(list_cases))
        .route("/cases/{id}", get(case_detail))
        .route("/cases/{id}/actions", post(act))
        .route("/clues", post(file_clue))
        .route("/clues/mine", get(own_clues))
        .route("/clues/{id}/split", post(split_clue))
        .route("/attachments", post(upload))
        .route("/attachments/{sha}", get(download))
        .route("/attachments/{sha}/thumb", get(download_thumb))
        .route("/dashboard", get(dashboard))
        .route("/ledger.xlsx", get(ledger_xlsx))
        .merge(crate::patches::api::routes())
        .merge(crate::patrol::api::routes())
        .merge(crate::leads::api_routes())
        .merge(crate::tips::api::routes())
        .merge(crate::calendar::api_routes())
        .merge(crate::lookbacks::api_routes())
        .fallback(|lang: Lang| async move {
            (StatusCode::NOT_FOUND, Json(json!({"code": "no_route", "message": lang.t("没有这个接口", "no such endpoint")}))).into_response()
        })
}

type ApiResult = Result<Response, Response>;

#[derive(Deserialize)]
struct LoginBody {
    username: String,
    password: String,
}

async fn login(
    State(state): State<AppState>,
    axum::Extension(guard): axum::Extension<std::sync::Arc<crate::throttle::LoginGuard>>,
    crate::client::ClientIp(client): crate::client::ClientIp,
    lang: Lang,
    jar: CookieJar,
    body: Bytes,
) -> ApiResult {
    let b: LoginBody = parse_body(&body).or_json(lang)?;
    let (actor, cookie) = auth::login(&state, &guard, client, &b.username, &b.password)
        .await
        .or_json(lang)?;
    Ok((jar.add(cookie), Json(actor)).into_response())
}

async fn logout(State(state): State<AppState>, jar: CookieJar) -> Response {
    if let Some(c) = jar.get(auth::SESSION_COOKIE) {
        let _ = state.store.delete_session(c.value()).await;
    }
    (jar.remove(auth::SESSION_COOKIE), StatusCode::NO_CONTENT).into_response()
}

async fn me(ApiUser(actor): ApiUser) -> Json<Actor> {
    Json(actor)
}

async fn list_cases(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    lang: Lang,
    Query(q): Query<Fields>,
) -> ApiResult {
    let filter = forms::case_filter(&q).or_json(lang)?;
    let page = forms::page(&q).or_json(lang)?;
    let per_page = q
        .get("per_page")
        .and_then(|p| p.parse::<u32>().ok())
        .unwrap_or(50)
        .clamp(1, 500);
    let (rows, total) = state
        .store
        .list_cases(&actor, &filter, state.clock.today(), page, per_page)
        .await
        .or_json(lang)?;
    Ok(
        Json(json!({"total": total, "page": page, "per_page": per_page, "cases": rows}))
            .into_response(),
    )
}

async fn case_detail(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    lang: Lang,
    Path(id): Path<i64>,
) -> ApiResult {
    let d = state
        .store
        .case_detail(&actor, id, state.clock.today())
        .await
        .or_json(lang)?;
    Ok(Json(d).into_response())
}

async fn act(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    lang: Lang,
    Path(id): Path<i64>,
    body: Bytes,
) -> ApiResult {
    let value: Value = parse_body(&body).or_json(lang)?;
    let attachments: Vec<String> = match value.get("attachments") {
        None | Some(Value::Null) => Vec::new(),
        Some(v) => serde_json::from_value(v.clone())
            .map_err(|_| {
                WebError::field(
                    "attachments",
                    "应为文件哈希列表",
                    "must be a list of SHA-256 strings",
                )
            })
            .or_json(lang)?,
    };
    let action: CaseAction = serde_json::from_value(value)
        .map_err(|e| json_error(&e, "action"))
        .or_json(lang)?;

    let row = state
        .store
        .apply_action(&actor, id, &action, &attachments, state.clock.now())
        .await
        .or_json(lang)?;
    Ok(Json(row).into_response())
}

async fn file_clue(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    lang: Lang,
    body: Bytes,
) -> ApiResult {
    let clue: NewClue = parse_body(&body).or_json(lang)?;
    let out = state
        .store
        .file_clue(&actor, &clue, state.clock.now())
        .await
        .or_json(lang)?;
    Ok((StatusCode::CREATED, Json(out)).into_response())
}

async fn own_clues(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    lang: Lang,
) -> ApiResult {
    let rows = state.store.own_clues(&actor).await.or_json(lang)?;
    Ok(Json(rows).into_response())
}

async fn split_clue(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    lang: Lang,
    Path(id): Path<i64>,
) -> ApiResult {
    let out = state
        .store
        .split_clue(&actor, id, state.clock.now())
        .await
        .or_json(lang)?;
    Ok(Json(out).into_response())
}

async fn upload(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    lang: Lang,
    mut mp: Multipart,
) -> ApiResult {
    let (_, files) = crate::upload::read_multipart(&mut mp, "file")
        .await
        .or_json(lang)?;
    if files.is_empty() {
        return Err(WebError::field("file", "没有收到文件", "no file received").into_json(lang));
    }
    let mut out = Vec::new();
    for f in files {
        out.push(
            state
                .store
                .put_attachment(
                    &actor,
                    f.bytes,
                    &f.name,
                    f.capture.as_ref(),
                    state.clock.now(),
                )
                .await
                .or_json(lang)?,
        );
    }
    Ok((StatusCode::CREATED, Json(out)).into_response())
}

/// An attachment, to a user who may see what it is attached to. Only pictures a browser
/// shows and PDF are served inline; anything else (a page, an SVG, a script) is a download,
/// so an upload never runs in the page of whoever opens it. `thumb` serves the small JPEG
/// made on upload: upright, without any metadata.
pub(crate) async fn attachment_response(
    state: &AppState,
    actor: &minewatch_store::Actor,
    sha: &str,
    thumb: bool,
) -> Result<Response, WebError> {
    let meta = state.store.visible_attachment(actor, sha).await?;
    let blobs = state.store.blobs().clone();
    let key = meta.sha256.clone();
    // A citizen's photo is served without its metadata (where they stood, their camera).
    let clean = !thumb && meta.from_public && meta.analysed;
    let bytes = tokio::task::spawn_blocking(move || {
        if thumb {
            blobs.thumb(&key)
        } else if clean {
            blobs.clean(&key)
        } else {
            blobs.get(&key)
        }
    })
    .await
    .map_err(|_| {
        WebError::Store(minewatch_store::StoreError::NotFound {
            what: "attachment",
            id: sha.to_string(),
        })
    })??;
    let inline = thumb || minewatch_store::photo::MediaKind::inline(&meta.media_type);
    let media = if thumb || clean {
        "image/jpeg".to_string()
    } else if inline {
        meta.media_type.clone()
    } else {
        "application/octet-stream".into()
    };
    let disposition = content_disposition(inline, &meta.file_name);
    Ok((
        [
            (header::CONTENT_TYPE, media),
            (header::CONTENT_DISPOSITION, disposition),
            (
                header::CACHE_CONTROL,
                "private, max-age=31536000, immutable".into(),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// `inline` or `attachment` with the file's name: an ASCII fallback and the UTF-8 name
/// percent-encoded (RFC 6266), so no stored name can break or inject a header.
fn content_disposition(inline: bool, file_name: &str) -> String {
    let kind = if inline { "inline" } else { "attachment" };
    let ascii: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._- ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = file_name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b".-_".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

async fn download(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    lang: Lang,
    Path(sha): Path<String>,
) -> ApiResult {
    attachment_response(&state, &actor, &sha, false)
        .await
        .or_json(lang)
}

async fn download_thumb(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    lang: Lang,
    Path(sha): Path<String>,
) -> ApiResult {
    attachment_response(&state, &actor, &sha, true)
        .await
        .or_json(lang)
}

async fn dashboard(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    lang: Lang,
) -> ApiResult {
    let d = state
        .store
        .dashboard(&actor, state.clock.today())
        .await
        .or_json(lang)?;
    Ok(Json(d).into_response())
}

/// The ledger's rows under the given filters as .xlsx; shared by page and API.
pub(crate) async fn xlsx_response(
    state: &AppState,
    actor: &Actor,
    q: &Fields,
    lang: Lang,
) -> Result<Response, WebError> {
    let filter = forms::case_filter(q)?;
    let (rows, _) = state
        .store
        .list_cases(actor, &filter, state.clock.today(), 1, 100_000)
        .await?;
    let bytes = export::off_thread(move || export::ledger_xlsx(&rows, lang)).await?;
    let name = format!("ledger-{}.xlsx", state.clock.today());
    Ok(xlsx_file(bytes, &name))
}

/// A workbook as a download.
pub(crate) fn xlsx_file(bytes: Vec<u8>, name: &str) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

async fn ledger_xlsx(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    lang: Lang,
    Query(q): Query<Fields>,
) -> ApiResult {
    xlsx_response(&state, &actor, &q, lang).await.or_json(lang)
}
