//! Attachments for pages and API: uploading (the kind read from the bytes), and serving a file
//! only to whoever may see what it is attached to — inline only pictures and PDF, a citizen's
//! photo without its metadata, thumbnails for the photo cards.

use crate::AppState;
use crate::auth::ApiUser;
use crate::auth::PageUser;
use crate::error::WebError;
use crate::json::ApiResult;
use crate::pages::PageResult;
use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use minewatch_store::AttachmentMeta;

/// The attachment routes of the API.
pub(crate) fn api_routes() -> utoipa_axum::router::OpenApiRouter<AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(upload))
        .routes(routes!(download))
        .routes(routes!(download_thumb))
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
    Path(sha): Path<String>,
) -> PageResult {
    Ok(attachment_response(&state, &actor, &sha, false).await?)
}

async fn page_thumb(
    State(state): State<AppState>,
    PageUser(actor): PageUser,
    Path(sha): Path<String>,
) -> PageResult {
    Ok(attachment_response(&state, &actor, &sha, true).await?)
}

/// The upload form: one or more files, and where and when the phone took each.
#[derive(utoipa::ToSchema)]
#[allow(
    dead_code,
    reason = "read as multipart, described for the API document"
)]
pub(crate) struct UploadForm {
    /// The files, 10 MiB each; the kind is read from the bytes, not from the name.
    #[schema(value_type = Vec<String>, format = Binary)]
    file: Vec<Vec<u8>>,
    /// JSON list, one per file: `{taken_at, lon, lat, accuracy_m}`, where and when the phone was.
    file_capture: Option<String>,
}

#[utoipa::path(post, path = "/attachments", tag = "attachments",
    summary = "Upload files",
    description = "Multipart field `file` (10 MiB each) and optionally `file_capture`. Answers each file's SHA-256, media type and whether the picture was analysed; steps and reports name files by their SHA-256.",
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, body = Vec<AttachmentMeta>, description = "stored"),
        (status = 413, body = crate::json::ErrorBody, description = "a file is over 10 MiB"),
        (status = 422, body = crate::json::ErrorBody, description = "no file, or a file of a kind not taken"),
    ))]
async fn upload(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    mut mp: Multipart,
) -> ApiResult<(StatusCode, Json<Vec<AttachmentMeta>>)> {
    let (_, files) = crate::upload::read_multipart(&mut mp, "file").await?;
    if files.is_empty() {
        return Err(WebError::field("file", "没有收到文件", "no file received").into());
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
                .await?,
        );
    }
    Ok((StatusCode::CREATED, Json(out)))
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

#[utoipa::path(get, path = "/attachments/{sha}", tag = "attachments",
    summary = "Download an attachment you may see",
    description = "You uploaded it, or it belongs to a case, patch, patrol record or track in your area. Inline only for pictures and PDF; anything else is a download. A citizen's photo comes without its metadata.",
    params(("sha" = String, Path, description = "SHA-256, hex")),
    responses(
        (status = 200, content_type = "application/octet-stream", body = Vec<u8>, description = "the file"),
        (status = 404, body = crate::json::ErrorBody, description = "no such file that you may see"),
    ))]
async fn download(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(sha): Path<String>,
) -> ApiResult<Response> {
    Ok(attachment_response(&state, &actor, &sha, false).await?)
}

#[utoipa::path(get, path = "/attachments/{sha}/thumb", tag = "attachments",
    summary = "The thumbnail of a picture you may see (JPEG, upright, without metadata)",
    params(("sha" = String, Path, description = "SHA-256, hex")),
    responses(
        (status = 200, content_type = "image/jpeg", body = Vec<u8>, description = "the thumbnail"),
        (status = 404, body = crate::json::ErrorBody, description = "no such picture that you may see"),
    ))]
async fn download_thumb(
    State(state): State<AppState>,
    ApiUser(actor): ApiUser,
    Path(sha): Path<String>,
) -> ApiResult<Response> {
    Ok(attachment_response(&state, &actor, &sha, true).await?)
}
