//! Attachments for pages and API: uploading (the kind read from the bytes), and serving a file
//! only to whoever may see what it is attached to — inline only pictures and PDF, a citizen's
//! photo without its metadata, thumbnails for the photo cards.

use crate::AppState;
use crate::auth::ApiUser;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::json::OrJson;
use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

type ApiResult = Result<Response, Response>;
use crate::auth::PageUser;
use crate::pages::error_page;

/// The attachment routes of the API.
pub(crate) fn api_routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/attachments", post(upload))
        .route("/attachments/{sha}", get(download))
        .route("/attachments/{sha}/thumb", get(download_thumb))
}

/// The attachment routes of the pages.
pub(crate) fn page_routes() -> axum::Router<AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/attachments/{sha}", get(page_file))
        .route("/attachments/{sha}/thumb", get(page_thumb))
}

async fn page_file(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Path(sha): Path<String>,
) -> Response {
    match attachment_response(&state, &actor, &sha, false).await {
        Ok(r) => r,
        Err(e) => error_page(lang, Some(&actor), &e),
    }
}

async fn page_thumb(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    lang: Lang,
    Path(sha): Path<String>,
) -> Response {
    match attachment_response(&state, &actor, &sha, true).await {
        Ok(r) => r,
        Err(e) => error_page(lang, Some(&actor), &e),
    }
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
