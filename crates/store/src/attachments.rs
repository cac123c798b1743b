//! Content-addressed attachment store: bytes on disk under their SHA-256, metadata in SQL.
//! The media type comes from the bytes, every picture is analysed on upload (see
//! [`crate::photo`]), each upload is recorded with the phone's own position and time when the
//! page sent them, and what a file is attached to decides who may fetch it.

use crate::ledger::events::stamp;
use crate::{Actor, Result, Store, StoreError};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::path::PathBuf;

/// Directory of attachment bytes, laid out as `ab/abcdef…` by SHA-256.
#[derive(Debug, Clone)]
pub struct BlobStore {
    dir: PathBuf,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AttachmentMeta {
    pub sha256: String,
    pub size_bytes: i64,
    /// From the bytes, never from what the sender declared.
    pub media_type: String,
    pub file_name: String,
    /// Whether the file is a picture that was decoded and hashed (what evidence needs).
    pub analysed: bool,
    /// Sent only by citizens through the public desk: served without its metadata (the
    /// camera's serial, where the tipster stood), the original kept for the record.
    #[serde(skip)]
    pub from_public: bool,
    /// This upload was this user's first of these bytes: a request refused after it may
    /// take it back ([`Store::discard_uploads`]).
    #[serde(skip)]
    pub fresh: bool,
}

/// Where and when the phone was as the photo was taken or chosen in the page: its own
/// clock (also when the photo is sent later, from an offline queue) and its position fix.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Serialize, serde::Deserialize, utoipa::ToSchema,
)]
pub struct Capture {
    pub taken_at: Option<chrono::DateTime<chrono::Utc>>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub accuracy_m: Option<f64>,
}

impl Capture {
    /// Nothing the phone said can be used: no time and no complete position.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.taken_at.is_none() && (self.lon.is_none() || self.lat.is_none())
    }
}

/// What a file is attached to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Owner {
    Case(crate::CaseId),
    Patch(crate::PatchId),
    Patrol(i64),
    Track(i64),
}

impl Owner {
    fn parts(self) -> (&'static str, i64) {
        match self {
            Owner::Case(id) => ("case", id.0),
            Owner::Patch(id) => ("patch", id.0),
            Owner::Patrol(id) => ("patrol", id),
            Owner::Track(id) => ("track", id),
        }
    }
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
        Self::write_file(&path, bytes)?;
        Ok(sha)
    }

    /// Where the thumbnail of `sha256` lives.
    #[must_use]
    pub fn thumb_path(&self, sha256: &str) -> Option<PathBuf> {
        self.derived_path("thumb", sha256)
    }

    /// Removes the bytes of `sha256` and every picture made from them; a file already
    /// gone is not an error.
    pub fn remove(&self, sha256: &str) {
        let paths = [
            self.derived_path("thumb", sha256),
            self.derived_path("clean", sha256),
            self.path(sha256),
        ];
        for p in paths.into_iter().flatten() {
            if let Err(e) = std::fs::remove_file(&p)
                && e.kind() != std::io::ErrorKind::NotFound
            {
                tracing::warn!(path = %p.display(), error = %e, "removing a discarded file failed");
            }
        }
    }

    /// Where a picture made from `sha256` (a thumbnail, a copy without metadata) is kept.
    fn derived_path(&self, folder: &str, sha256: &str) -> Option<PathBuf> {
        self.path(sha256)?;
        Some(
            self.dir
                .join(folder)
                .join(&sha256[..2])
                .join(format!("{sha256}.jpg")),
        )
    }

    /// A picture made from the bytes of `sha256` once and kept beside them.
    fn derived(
        &self,
        folder: &str,
        sha256: &str,
        make: impl FnOnce(&[u8]) -> Option<Vec<u8>>,
    ) -> Result<Vec<u8>> {
        let path = self
            .derived_path(folder, sha256)
            .ok_or_else(|| StoreError::not_found("attachment", sha256))?;
        if let Ok(b) = std::fs::read(&path) {
            return Ok(b);
        }
        let made =
            make(&self.get(sha256)?).ok_or_else(|| StoreError::not_found("picture", sha256))?;
        Self::write_file(&path, &made)?;
        Ok(made)
    }

    fn write_file(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
        let dir = path
            .parent()
            .map(PathBuf::from)
            .ok_or_else(|| StoreError::Corrupt("blob path without a folder".into()))?;
        std::fs::create_dir_all(&dir).map_err(|e| StoreError::Io {
            path: dir.clone(),
            source: e,
        })?;
        // Write beside, then rename: a crash never leaves a half file under a valid name.
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        std::fs::write(&tmp, bytes).map_err(|e| StoreError::Io {
            path: tmp.clone(),
            source: e,
        })?;
        std::fs::rename(&tmp, path).map_err(|e| StoreError::Io {
            path: path.to_path_buf(),
            source: e,
        })
    }

    /// Keeps the thumbnail of a picture.
    ///
    /// # Errors
    /// When the directory cannot be written.
    pub fn put_thumb(&self, sha256: &str, bytes: &[u8]) -> Result<()> {
        let path = self
            .thumb_path(sha256)
            .ok_or_else(|| StoreError::Corrupt("hash is not hex".into()))?;
        Self::write_file(&path, bytes)
    }

    /// The thumbnail of a picture, made from its bytes when it was not kept yet.
    ///
    /// # Errors
    /// `NotFound` when the file is missing or is not a picture that decodes.
    pub fn thumb(&self, sha256: &str) -> Result<Vec<u8>> {
        self.derived("thumb", sha256, crate::photo::thumbnail_of)
    }

    /// The picture re-encoded without any metadata (EXIF, GPS, camera serial), made once
    /// and kept; the original is never changed.
    ///
    /// # Errors
    /// `NotFound` when the file is missing or is not a picture that decodes.
    pub fn clean(&self, sha256: &str) -> Result<Vec<u8>> {
        self.derived("clean", sha256, crate::photo::without_metadata)
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

/// A file read and analysed, not stored yet.
pub struct Analysed {
    bytes: Vec<u8>,
    photo: crate::photo::PhotoMeta,
}

impl Analysed {
    /// What was read from it.
    #[must_use]
    pub fn photo(&self) -> &crate::photo::PhotoMeta {
        &self.photo
    }
}

impl Store {
    /// Reads and analyses a file off the async threads, a few at a time county-wide (a flood
    /// of large pictures queues here instead of taking every core and the memory).
    ///
    /// # Errors
    /// When the analysis task fails.
    pub async fn analyse_upload(&self, bytes: Vec<u8>) -> Result<Analysed> {
        let _permit = self
            .analysis
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| StoreError::Corrupt("photo analysis closed".into()))?;
        tokio::task::spawn_blocking(move || {
            let photo = crate::photo::analyse(&bytes);
            Analysed { bytes, photo }
        })
        .await
        .map_err(|e| StoreError::Corrupt(format!("analysis task failed: {e}")))
    }

    /// Stores an uploaded file, analyses it when it is a picture, and records who brought
    /// it with what the phone said of the moment (`capture`). The media type is read from
    /// the bytes.
    ///
    /// # Errors
    /// On I/O or database failure.
    pub async fn put_attachment(
        &self,
        actor: &Actor,
        bytes: Vec<u8>,
        file_name: &str,
        capture: Option<&Capture>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<AttachmentMeta> {
        let analysed = self.analyse_upload(bytes).await?;
        self.store_analysed(actor, analysed, file_name, capture, now)
            .await
    }

    /// Stores a file analysed before ([`Store::analyse_upload`]).
    ///
    /// # Errors
    /// On I/O or database failure.
    pub async fn store_analysed(
        &self,
        actor: &Actor,
        analysed: Analysed,
        file_name: &str,
        capture: Option<&Capture>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<AttachmentMeta> {
        let blobs = self.blobs().clone();
        let size = i64::try_from(analysed.bytes.len())
            .map_err(|_| StoreError::invalid("file", "too large"))?;
        let (sha, photo) = tokio::task::spawn_blocking(move || {
            let Analysed { bytes, photo } = analysed;
            let sha = blobs.put(&bytes)?;
            if let Some(t) = &photo.thumbnail {
                blobs.put_thumb(&sha, t)?;
            }
            Ok::<_, StoreError>((sha, photo))
        })
        .await
        .map_err(|e| StoreError::Corrupt(format!("storing task failed: {e}")))??;
        let media_type = photo
            .kind
            .unwrap_or(crate::photo::MediaKind::Other)
            .media_type();
        let name: String = file_name
            .chars()
            .filter(|c| !c.is_control())
            .take(200)
            .collect();
        let at = stamp(now);
        let mut tx = self.pool().begin().await?;
        crate::db::query(
            "INSERT INTO attachment (sha256, size_bytes, media_type, file_name, created_at, created_by) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (sha256) DO NOTHING",
        )
        .bind(sha.clone())
        .bind(size)
        .bind(media_type.to_string())
        .bind(name.clone())
        .bind(at.clone())
        .bind(actor.user_id)
        .execute(&mut *tx)
        .await?;
        if media_type.starts_with("image/") {
            save_photo_meta(&mut tx, &sha, &photo, false).await?;
        }
        let c = capture.copied().unwrap_or_default();
        let fresh = crate::db::query(
            "INSERT INTO attachment_upload (sha256, user_id, uploaded_at, device_taken_at, device_lon, device_lat, device_accuracy_m) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (sha256, user_id) DO NOTHING",
        )
        .bind(sha.clone())
        .bind(actor.user_id)
        .bind(at)
        .bind(c.taken_at.map(stamp))
        .bind(c.lon)
        .bind(c.lat)
        .bind(c.accuracy_m)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(AttachmentMeta {
            sha256: sha,
            size_bytes: size,
            media_type: media_type.to_string(),
            file_name: name,
            analysed: photo.analysed(),
            from_public: actor.username.starts_with("__public_"),
            fresh: fresh > 0,
        })
    }

    /// Metadata of a stored attachment.
    ///
    /// # Errors
    /// `NotFound` when no such attachment was recorded.
    pub async fn attachment(&self, sha256: &str) -> Result<AttachmentMeta> {
        #[derive(sqlx::FromRow)]
        struct Stored {
            sha256: String,
            size_bytes: i64,
            media_type: String,
            file_name: String,
            phash: Option<String>,
            reader_version: Option<i64>,
            staff_uploads: i64,
        }
        let row: Stored = crate::db::query(
            "SELECT a.sha256, a.size_bytes, a.media_type, a.file_name, m.phash, m.reader_version, \
             (SELECT COUNT(*) FROM attachment_upload u JOIN app_user au ON au.id = u.user_id \
              WHERE u.sha256 = a.sha256 AND SUBSTR(au.username, 1, 9) <> '__public_') AS staff_uploads \
             FROM attachment a LEFT JOIN photo_meta m ON m.sha256 = a.sha256 WHERE a.sha256 = $1",
        )
        .bind(sha256.to_string())
        .fetch_optional_as(self.pool())
        .await?
        .ok_or_else(|| StoreError::not_found("attachment", sha256))?;
        Ok(AttachmentMeta {
            analysed: row.phash.is_some()
                && row.reader_version.unwrap_or(0) >= crate::photo::READER_VERSION,
            from_public: row.staff_uploads == 0,
            sha256: row.sha256,
            size_bytes: row.size_bytes,
            media_type: row.media_type,
            file_name: row.file_name,
            fresh: false,
        })
    }

    /// The attachment, when the actor may see it: they uploaded it, or it is attached to a
    /// case, patch, patrol record or track in their area. Anything else reads as not found,
    /// so an id tells nothing.
    ///
    /// # Errors
    /// `NotFound` when absent or out of reach.
    pub async fn visible_attachment(&self, actor: &Actor, sha256: &str) -> Result<AttachmentMeta> {
        let meta = self.attachment(sha256).await?;
        let mine: i64 = crate::db::query(
            "SELECT COUNT(*) AS n FROM attachment_upload WHERE sha256 = $1 AND user_id = $2",
        )
        .bind(sha256.to_string())
        .bind(actor.user_id)
        .fetch_scalar(self.pool())
        .await?;
        if mine > 0 {
            return Ok(meta);
        }
        let uses = crate::db::query(
            "SELECT owner, owner_id FROM attachment_use WHERE sha256 = $1 AND county_id = $2",
        )
        .bind(sha256.to_string())
        .bind(actor.county_id)
        .fetch_all_as::<(String, i64)>(self.pool())
        .await?;
        let today = minewatch_core::clock::local_date(chrono::Utc::now());
        for (owner, id) in uses {
            let seen = match owner.as_str() {
                "case" => self
                    .scoped_case(actor, crate::CaseId(id), today)
                    .await
                    .is_ok(),
                "patch" => self.patch_visible(actor, crate::PatchId(id)).await?,
                "patrol" => self.patrol_record(actor, id).await.is_ok(),
                "track" => self.track_visible(actor, id).await?,
                _ => false,
            };
            if seen {
                return Ok(meta);
            }
        }
        Err(StoreError::not_found("attachment", sha256))
    }

    /// Takes back the files a refused request brought, so a refusal stores nothing: each
    /// one this request uploaded first (`fresh`) that nothing is attached to and no one else
    /// uploaded is forgotten, bytes and all. Returns how many were removed.
    ///
    /// # Errors
    /// On database failure (the files then stay, unused, as before).
    pub async fn discard_uploads(&self, actor: &Actor, files: &[AttachmentMeta]) -> Result<usize> {
        let fresh: Vec<&str> = files
            .iter()
            .filter(|f| f.fresh)
            .map(|f| f.sha256.as_str())
            .collect();
        if fresh.is_empty() {
            return Ok(0);
        }
        let at = stamp(chrono::Utc::now());
        // Under the write lock, so a change attaching the same bytes at this moment either
        // came first (and the file stays) or comes after (and finds it gone, as if never sent).
        let mut tx = self.begin_write(&at).await?;
        let mut gone = Vec::new();
        for sha in fresh {
            let used: i64 = crate::db::query(
                "SELECT (SELECT COUNT(*) FROM attachment_use WHERE sha256 = $1) \
                 + (SELECT COUNT(*) FROM attachment_upload WHERE sha256 = $1 AND user_id <> $2) AS n",
            )
            .bind(sha.to_string())
            .bind(actor.user_id)
            .fetch_scalar(&mut *tx)
            .await?;
            if used > 0 {
                continue;
            }
            for table in ["attachment_upload", "photo_meta", "attachment"] {
                crate::db::query(format!("DELETE FROM {table} WHERE sha256 = $1"))
                    .bind(sha.to_string())
                    .execute(&mut *tx)
                    .await?;
            }
            gone.push(sha.to_string());
        }
        tx.commit().await?;
        for sha in &gone {
            self.blobs().remove(sha);
        }
        Ok(gone.len())
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

    /// Checks that every hash names a picture that was decoded and analysed: evidence that
    /// nothing could be read from proves nothing.
    pub(crate) async fn check_evidence_photos(
        &self,
        field: &'static str,
        hashes: &[String],
    ) -> Result<()> {
        for h in hashes {
            let meta = self
                .attachment(h)
                .await
                .map_err(|_| StoreError::invalid(field, format!("unknown photo {h}")))?;
            if !meta.analysed {
                return Err(StoreError::invalid(
                    field,
                    format!(
                        "“{}” is not a picture that could be analysed (JPEG, PNG, WebP or GIF) / “{}”不是可分析的照片",
                        meta.file_name, meta.file_name
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Reads again, from their bytes, the photos an older reader analysed; returns how many.
    ///
    /// # Errors
    /// On database failure; a missing blob is skipped with a warning.
    pub async fn reanalyse_photos(&self) -> Result<usize> {
        let mut done = 0;
        loop {
            let rows = crate::db::query(
                "SELECT a.sha256 FROM attachment a LEFT JOIN photo_meta m ON m.sha256 = a.sha256 \
                 WHERE (m.sha256 IS NOT NULL AND m.reader_version < $1) \
                    OR (m.sha256 IS NULL AND a.media_type NOT IN ('application/pdf', 'application/octet-stream') AND a.media_type LIKE 'image/%') \
                 ORDER BY a.sha256 LIMIT 200",
            )
            .bind(crate::photo::READER_VERSION)
            .fetch_all_scalar::<String>(self.pool())
            .await?;
            if rows.is_empty() {
                return Ok(done);
            }
            for sha in rows {
                let blobs = self.blobs().clone();
                let key = sha.clone();
                let photo = tokio::task::spawn_blocking(move || {
                    let bytes = blobs.get(&key).ok()?;
                    let photo = crate::photo::analyse(&bytes);
                    if let Some(t) = &photo.thumbnail {
                        let _ = blobs.put_thumb(&key, t);
                    }
                    Some(photo)
                })
                .await
                .map_err(|e| StoreError::Corrupt(format!("analysis task failed: {e}")))?;
                let mut tx = self.pool().begin().await?;
                if let Some(p) = photo {
                    let media = p
                        .kind
                        .unwrap_or(crate::photo::MediaKind::Other)
                        .media_type();
                    crate::db::query("UPDATE attachment SET media_type = $1 WHERE sha256 = $2")
                        .bind(media)
                        .bind(sha.clone())
                        .execute(&mut *tx)
                        .await?;
                    save_photo_meta(&mut tx, &sha, &p, true).await?;
                } else {
                    tracing::warn!(sha, "photo bytes missing; recorded as not decoded");
                    let p = crate::photo::PhotoMeta {
                        unread: vec![crate::photo::Unread::NotDecoded("file missing".into())],
                        ..Default::default()
                    };
                    save_photo_meta(&mut tx, &sha, &p, true).await?;
                }
                tx.commit().await?;
                done += 1;
            }
        }
    }
}

async fn save_photo_meta(
    conn: &mut crate::db::Conn,
    sha: &str,
    p: &crate::photo::PhotoMeta,
    replace: bool,
) -> Result<()> {
    if replace {
        crate::db::query("DELETE FROM photo_meta WHERE sha256 = $1")
            .bind(sha.to_string())
            .execute(&mut *conn)
            .await?;
    }
    let unread = serde_json::to_string(&p.unread)
        .map_err(|e| StoreError::Corrupt(format!("unread list: {e}")))?;
    crate::db::query(
        "INSERT INTO photo_meta (sha256, taken_at, lon, lat, phash, offset_time, width_px, height_px, unread, reader_version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (sha256) DO NOTHING",
        )
    .bind(sha.to_string())
    .bind(p.taken_at.clone())
    .bind(p.lon.filter(|_| p.lat.is_some()))
    .bind(p.lat.filter(|_| p.lon.is_some()))
    .bind(p.phash.clone())
    .bind(p.offset.clone())
    .bind(p.width.map(i64::from))
    .bind(p.height.map(i64::from))
    .bind(unread)
    .bind(crate::photo::READER_VERSION)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Records what a file is attached to, inside the change's transaction.
pub(crate) async fn record_use(
    conn: &mut crate::db::Conn,
    county_id: i64,
    owner: Owner,
    hashes: &[String],
) -> Result<()> {
    let (kind, id) = owner.parts();
    for h in hashes {
        crate::db::query(
            "INSERT INTO attachment_use (sha256, county_id, owner, owner_id) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (sha256, owner, owner_id) DO NOTHING",
        )
        .bind(h.clone())
        .bind(county_id)
        .bind(kind)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Fills `attachment_upload` and `attachment_use` for what was stored before they existed
/// (run once, by the migration that made them).
pub(crate) async fn backfill(conn: &mut crate::db::Conn) -> Result<()> {
    crate::db::query(
        "INSERT INTO attachment_upload (sha256, user_id, uploaded_at) \
         SELECT sha256, created_by, created_at FROM attachment WHERE created_by IS NOT NULL",
    )
    .execute(&mut *conn)
    .await?;
    // Before migration 9, lists were comma-separated text, as events' attachments still are.
    let split = crate::ledger::events::attachment_list;
    let events = crate::db::query(
        "SELECT county_id, case_id, kind, payload, attachments FROM event WHERE attachments <> ''",
    )
    .fetch_all_as::<(i64, Option<crate::CaseId>, String, String, String)>(&mut *conn)
    .await?;
    for (county, case, kind, payload, attachments) in events {
        let hashes = split(&attachments);
        if let Some(case) = case {
            record_use(conn, county, Owner::Case(case), &hashes).await?;
        }
        if kind == "patrol.recorded" {
            let payload: serde_json::Value = serde_json::from_str(&payload).unwrap_or_default();
            if let Some(id) = payload.get("patrol").and_then(serde_json::Value::as_i64) {
                record_use(conn, county, Owner::Patrol(id), &hashes).await?;
            }
        }
    }
    let rows = crate::db::query(
        "SELECT patch_id, county_id, photos FROM patch_verification WHERE photos <> ''",
    )
    .fetch_all_as::<(crate::PatchId, i64, String)>(&mut *conn)
    .await?;
    for (patch, county, photos) in rows {
        record_use(conn, county, Owner::Patch(patch), &split(&photos)).await?;
    }
    let rows = crate::db::query(
        "SELECT id, county_id, before_image, after_image FROM patch WHERE before_image IS NOT NULL OR after_image IS NOT NULL",
    )
    .fetch_all_as::<(crate::PatchId, i64, Option<String>, Option<String>)>(&mut *conn)
    .await?;
    for (patch, county, before, after) in rows {
        let hashes: Vec<String> = [before, after].into_iter().flatten().collect();
        record_use(conn, county, Owner::Patch(patch), &hashes).await?;
    }
    let rows = crate::db::query(
        "SELECT id, county_id, file_sha256 FROM patrol_track WHERE file_sha256 IS NOT NULL",
    )
    .fetch_all_as::<(i64, i64, String)>(&mut *conn)
    .await?;
    for (track, county, sha) in rows {
        record_use(conn, county, Owner::Track(track), &[sha]).await?;
    }
    Ok(())
}

/// What was read from one photo, for the pages, the API and the exports.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PhotoReading {
    pub sha256: String,
    pub file_name: String,
    pub media_type: String,
    /// Camera-local capture time from the EXIF.
    pub taken_at: Option<String>,
    pub offset: Option<String>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub width_px: Option<i64>,
    pub height_px: Option<i64>,
    /// What could not be read, and why.
    pub unread: Vec<crate::photo::Unread>,
    /// Where and when the uploader's phone was as the photo was attached in the page.
    pub device: Option<Capture>,
    /// Sent by a citizen: where it was taken is the tipster's own position, never shown.
    pub from_public: bool,
    /// Metres from the photo's position (EXIF, else the phone's) to the site, where the
    /// caller knows the site.
    pub distance_m: Option<f64>,
}

impl PhotoReading {
    /// The position to measure from: the photo's own, else the phone's as it was attached.
    #[must_use]
    pub fn position(&self) -> Option<(f64, f64)> {
        self.lon
            .zip(self.lat)
            .or_else(|| self.device.and_then(|d| d.lon.zip(d.lat)))
    }
}

/// A stored file with what the reader read from it.
#[derive(sqlx::FromRow)]
struct StoredPhoto {
    sha256: String,
    file_name: String,
    media_type: String,
    taken_at: Option<String>,
    offset_time: Option<String>,
    lon: Option<f64>,
    lat: Option<f64>,
    width_px: Option<i64>,
    height_px: Option<i64>,
    unread: Option<String>,
    reader_version: Option<i64>,
}

/// Who uploaded a file, with what their phone said about it.
#[derive(sqlx::FromRow)]
struct StoredUpload {
    sha256: String,
    user_id: i64,
    username: String,
    device_taken_at: Option<crate::Stamp>,
    device_lon: Option<f64>,
    device_lat: Option<f64>,
    device_accuracy_m: Option<f64>,
}

impl Store {
    /// What was read from each photo (in the order given; unknown hashes left out), with the
    /// capture the phone of `uploader` recorded — or the first uploader's when `None`.
    ///
    /// # Errors
    /// On database failure.
    pub async fn photo_readings(
        &self,
        shas: &[String],
        uploader: Option<i64>,
    ) -> Result<Vec<PhotoReading>> {
        if shas.is_empty() {
            return Ok(Vec::new());
        }
        // Two reads for all the photos, not two a photo.
        let of_these = |select: &str, order: &str| {
            let mut sql = crate::sql::Sql::new(select);
            sql.push_in(shas.iter().map(String::as_str)).push(order);
            sql
        };
        let photos: Vec<StoredPhoto> = of_these(
            "SELECT a.sha256, a.file_name, a.media_type, m.taken_at, m.offset_time, m.lon, m.lat, m.width_px, m.height_px, m.unread, m.reader_version \
             FROM attachment a LEFT JOIN photo_meta m ON m.sha256 = a.sha256 WHERE a.sha256 IN ",
            "",
        )
        .query()
        .fetch_all_as(self.pool())
        .await?;
        let uploads: Vec<StoredUpload> = of_these(
            "SELECT u.sha256, u.user_id, au.username, u.device_taken_at, u.device_lon, u.device_lat, u.device_accuracy_m \
             FROM attachment_upload u JOIN app_user au ON au.id = u.user_id WHERE u.sha256 IN ",
            " ORDER BY u.uploaded_at, u.user_id",
        )
        .query()
        .fetch_all_as(self.pool())
        .await?;
        let mut out = Vec::with_capacity(shas.len());
        for sha in shas {
            let Some(r) = photos.iter().find(|p| &p.sha256 == sha) else {
                continue;
            };
            let mut device = None;
            let mine: Vec<&StoredUpload> = uploads.iter().filter(|u| &u.sha256 == sha).collect();
            let from_public =
                !mine.is_empty() && mine.iter().all(|u| u.username.starts_with("__public_"));
            for (i, u) in mine.iter().enumerate() {
                if uploader.map_or(i == 0, |w| w == u.user_id) {
                    let c = Capture {
                        taken_at: u.device_taken_at.as_ref().and_then(crate::Stamp::time),
                        lon: u.device_lon,
                        lat: u.device_lat,
                        accuracy_m: u.device_accuracy_m,
                    };
                    device = (!c.is_empty()).then_some(c);
                }
            }
            let mut unread: Vec<crate::photo::Unread> = r
                .unread
                .as_deref()
                .and_then(|u| serde_json::from_str(u).ok())
                .unwrap_or_default();
            if r.reader_version.unwrap_or(0) < crate::photo::READER_VERSION
                && r.media_type.starts_with("image/")
            {
                unread.push(crate::photo::Unread::NotDecoded(
                    "not analysed yet / 尚未分析".into(),
                ));
            }
            out.push(PhotoReading {
                sha256: r.sha256.clone(),
                file_name: r.file_name.clone(),
                media_type: r.media_type.clone(),
                taken_at: r.taken_at.clone(),
                offset: r.offset_time.clone(),
                lon: r.lon,
                lat: r.lat,
                width_px: r.width_px,
                height_px: r.height_px,
                unread,
                device,
                from_public,
                distance_m: None,
            });
        }
        Ok(out)
    }
}
