//! Reading multipart forms with their files, within the upload limit. The declared
//! Content-Type of a part is ignored: the store reads the kind from the bytes. Beside the
//! files, the phone page sends `<field>_capture`, a JSON list (one entry per file, in order)
//! of where and when the phone was as each photo was taken or chosen.

use minewatch_store::Capture;

use crate::error::WebError;
use crate::forms::Fields;

/// A file from a form.
pub(crate) struct Upload {
    pub name: String,
    pub bytes: Vec<u8>,
    /// What the phone said of the moment, when the page sent it.
    pub capture: Option<Capture>,
}

impl Upload {
    /// Whether the bytes are a picture kind minewatch decodes.
    pub(crate) fn is_image(&self) -> bool {
        minewatch_store::photo::MediaKind::sniff(&self.bytes).is_decodable_image()
    }
}

/// Reads a multipart form: its text fields, and the files of `file_field`, each refused once
/// it passes [`crate::MAX_ATTACHMENT_BYTES`].
pub(crate) async fn read_multipart(
    mp: &mut axum::extract::Multipart,
    file_field: &str,
) -> Result<(Fields, Vec<Upload>), WebError> {
    let broken = |e: axum::extract::multipart::MultipartError| {
        WebError::field(
            file_field,
            format!("上传中断：{e}"),
            format!("upload failed: {e}"),
        )
    };
    let mut fields = Fields::new();
    let mut files = Vec::new();
    while let Some(mut field) = mp.next_field().await.map_err(broken)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == file_field {
            let file_name = field.file_name().unwrap_or(file_field).to_string();
            let mut bytes = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(broken)? {
                if bytes.len() + chunk.len() > crate::MAX_ATTACHMENT_BYTES {
                    return Err(WebError::TooLarge {
                        field: file_field.to_string(),
                        limit_bytes: crate::MAX_ATTACHMENT_BYTES,
                    });
                }
                bytes.extend_from_slice(&chunk);
            }
            if !bytes.is_empty() {
                files.push(Upload {
                    name: file_name,
                    bytes,
                    capture: None,
                });
            }
        } else {
            fields.insert(
                name,
                field
                    .text()
                    .await
                    .map_err(|_| WebError::field("form", "表单内容有误", "malformed form"))?,
            );
        }
    }
    let capture_field = format!("{file_field}_capture");
    if let Some(raw) = fields.get(&capture_field).filter(|s| !s.trim().is_empty()) {
        let list: Vec<Option<Capture>> = serde_json::from_str(raw).map_err(|e| {
            WebError::field(
                &capture_field,
                format!("拍摄位置和时间格式有误：{e}"),
                format!("photo capture data is malformed: {e}"),
            )
        })?;
        for (file, c) in files.iter_mut().zip(list) {
            file.capture = c.filter(|c| !c.is_empty() && plausible(c));
        }
    }
    Ok((fields, files))
}

/// A position fix that is on the Earth; anything else is dropped, not stored.
fn plausible(c: &Capture) -> bool {
    let ok = |v: Option<f64>, max: f64| v.is_none_or(|v| v.is_finite() && v.abs() <= max);
    ok(c.lat, 90.0) && ok(c.lon, 180.0) && ok(c.accuracy_m, 1.0e7)
}

/// The files of a form once stored; taken back if the form is then refused, so a refused
/// request leaves nothing behind.
pub(crate) struct Stored {
    files: Vec<minewatch_store::AttachmentMeta>,
}

impl Stored {
    pub(crate) fn hashes(&self) -> Vec<String> {
        self.files.iter().map(|f| f.sha256.clone()).collect()
    }

    /// Passes `result` on; when it is a refusal, first forgets the files this request
    /// brought (those nothing else uses).
    pub(crate) async fn settle<T>(
        self,
        state: &crate::AppState,
        actor: &minewatch_store::Actor,
        result: Result<T, WebError>,
    ) -> Result<T, WebError> {
        if result.is_err()
            && let Err(e) = state.store.discard_uploads(actor, &self.files).await
        {
            tracing::warn!(error = %e, "taking back the files of a refused form failed");
        }
        result
    }
}

/// Stores the files of a form (each analysed when a picture); if one fails, those stored
/// before it are taken back.
pub(crate) async fn store_all(
    state: &crate::AppState,
    actor: &minewatch_store::Actor,
    files: Vec<Upload>,
) -> Result<Stored, WebError> {
    let mut stored = Stored { files: Vec::new() };
    for f in files {
        let put = state
            .store
            .put_attachment(
                actor,
                f.bytes,
                &f.name,
                f.capture.as_ref(),
                state.clock.now(),
            )
            .await;
        match put {
            Ok(meta) => stored.files.push(meta),
            Err(e) => return stored.settle(state, actor, Err(e.into())).await,
        }
    }
    Ok(stored)
}

/// Files already stored by the caller (the public desk stores what it analysed first).
pub(crate) fn stored(files: Vec<minewatch_store::AttachmentMeta>) -> Stored {
    Stored { files }
}
