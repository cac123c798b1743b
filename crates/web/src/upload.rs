//! Reading multipart forms with their files, within the upload limit.

use crate::error::WebError;
use crate::forms::Fields;

/// A file from a form: name, media type, bytes.
pub(crate) type Upload = (String, String, Vec<u8>);

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
            let media = field
                .content_type()
                .unwrap_or("application/octet-stream")
                .to_string();
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
                files.push((file_name, media, bytes));
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
    Ok((fields, files))
}
