//! Content-addressed attachment store: bytes on disk under their SHA-256, metadata in SQL.

use crate::events::stamp;
use crate::{Actor, Result, Store, StoreError};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::Row;
use std::path::PathBuf;

/// Directory of attachment bytes, laid out as `ab/abcdef…` by SHA-256.
#[derive(Debug, Clone)]
pub struct BlobStore {
    dir: PathBuf,
}

#[derive(Debug, Clone, Serialize)]
pub struct AttachmentMeta {
    pub sha256: String,
    pub size_bytes: i64,
    pub media_type: String,
    pub file_name: String,
}

impl BlobStore {
    #[must_use]
    pub fn new(dir: PathBuf) -> Self {
        BlobStore { dir }
    }

    /// Where the bytes of `sha256` live; `None` for anything that is not a SHA-256 in hex,
    /// so a crafted name can never reach outside the directory.
    #[must_use]
    pub fn path(&self, sha256: &str) -> Option<PathBuf> {
        if sha256.len() != 64
            || !sha256
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        {
            return None;
        }
        Some(self.dir.join(&sha256[..2]).join(sha256))
    }

    /// Writes the bytes (once) and returns their SHA-256.
    ///
    /// # Errors
    /// When the directory cannot be written.
    pub fn put(&self, bytes: &[u8]) -> Result<String> {
        let sha = hex::encode(Sha256::digest(bytes));
        let path = self
            .path(&sha)
            .ok_or_else(|| StoreError::Corrupt("hash is not hex".into()))?;
        if path.exists() {
            return Ok(sha);
        }
        let dir = path
            .parent()
            .map(PathBuf::from)
            .unwrap_or_else(|| self.dir.clone());
        std::fs::create_dir_all(&dir).map_err(|e| StoreError::Io {
            path: dir.clone(),
            source: e,
        })?;
        // Write beside, then rename: a crash never leaves a half file under a valid name.
        let tmp = dir.join(format!("{sha}.tmp{}", std::process::id()));
        std::fs::write(&tmp, bytes).map_err(|e| StoreError::Io {
            path: tmp.clone(),
            source: e,
        })?;
        std::fs::rename(&tmp, &path).map_err(|e| StoreError::Io {
            path: path.clone(),
            source: e,
        })?;
        Ok(sha)
    }

    /// Reads the bytes of `sha256`.
    ///
    /// # Errors
    /// When the name is not a hash or the file is missing.
    pub fn get(&self, sha256: &str) -> Result<Vec<u8>> {
        let path = self
            .path(sha256)
            .ok_or_else(|| StoreError::not_found("attachment", sha256))?;
        std::fs::read(&path).map_err(|_| StoreError::not_found("attachment", sha256))
    }
}

impl Store {
    /// Stores an uploaded file and records who brought it.
    ///
    /// # Errors
    /// On I/O or database failure.
    pub async fn put_attachment(
        &self,
        actor: &Actor,
        bytes: Vec<u8>,
        file_name: &str,
        media_type: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<AttachmentMeta> {
        let blobs = self.blobs().clone();
        let size =
            i64::try_from(bytes.len()).map_err(|_| StoreError::invalid("file", "too large"))?;
        let is_image = media_type.starts_with("image/");
        let (sha, photo) = tokio::task::spawn_blocking(move || {
            let sha = blobs.put(&bytes)?;
            Ok::<_, StoreError>((sha, is_image.then(|| crate::photo::analyse(&bytes))))
        })
        .await
        .map_err(|e| StoreError::Corrupt(format!("hashing task failed: {e}")))??;
        let name: String = file_name
            .chars()
            .filter(|c| !c.is_control())
            .take(200)
            .collect();
        sqlx::query(
            "INSERT INTO attachment (sha256, size_bytes, media_type, file_name, created_at, created_by) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (sha256) DO NOTHING",
        )
        .bind(sha.clone())
        .bind(size)
        .bind(media_type.to_string())
        .bind(name.clone())
        .bind(stamp(now))
        .bind(actor.user_id)
        .execute(self.pool())
        .await?;
        if let Some(p) = photo {
            sqlx::query(&crate::sql::with_point(
                "INSERT INTO photo_meta (sha256, taken_at, lon, lat, phash) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (sha256) DO NOTHING",
                p.lon.is_some() && p.lat.is_some(),
            ))
            .bind(sha.clone())
            .bind(p.taken_at)
            .bind(p.lon)
            .bind(p.lat)
            .bind(p.phash)
            .execute(self.pool())
            .await?;
        }
        Ok(AttachmentMeta {
            sha256: sha,
            size_bytes: size,
            media_type: media_type.to_string(),
            file_name: name,
        })
    }

    /// Metadata of a stored attachment.
    ///
    /// # Errors
    /// `NotFound` when no such attachment was recorded.
    pub async fn attachment(&self, sha256: &str) -> Result<AttachmentMeta> {
        let row = sqlx::query(
            "SELECT sha256, size_bytes, media_type, file_name FROM attachment WHERE sha256 = $1",
        )
        .bind(sha256.to_string())
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| StoreError::not_found("attachment", sha256))?;
        Ok(AttachmentMeta {
            sha256: row.try_get("sha256")?,
            size_bytes: row.try_get("size_bytes")?,
            media_type: row.try_get("media_type")?,
            file_name: row.try_get("file_name")?,
        })
    }

    /// Checks that every hash names a recorded attachment.
    pub(crate) async fn check_attachments(&self, hashes: &[String]) -> Result<()> {
        for h in hashes {
            if self.attachment(h).await.is_err() {
                return Err(StoreError::invalid(
                    "attachments",
                    format!("unknown attachment {h}"),
                ));
            }
        }
        Ok(())
    }
}
