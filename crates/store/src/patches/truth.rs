//! Truthfulness checks on field evidence (R29, seed 003 §四(四)): one photo for several
//! patches (一图多用), the same picture after edits (re-encoded, resized, cropped,
//! brightened: pHash), photos taken far from the patch or before the image that showed the
//! change, photos that cannot prove a visit (no capture time or position: 证据无法核验),
//! photos whose EXIF disagrees with where and when the phone was as they were attached,
//! different legality for the same place, suspect patches written off as natural or
//! pseudo-change without the county's review, and licensed-mine patches judged legal
//! without a field photo.
//!
//! Findings are derived from the stored evidence each time they are asked for, over the
//! whole county (a reused photo may cross township lines), and shown to each user for the
//! patches they can see.

use std::collections::{BTreeMap, HashMap, HashSet};

use minewatch_spatial::LonLat;
use minewatch_spatial::geo::{BoundingRect, Closest, ClosestPoint, Contains, Intersects, Point};
use minewatch_spatial::text::shape_from_geojson;
use serde::Serialize;

use crate::photo::distance;
use crate::{Actor, PatchFilter, Result, Store};

/// A photo farther than this from its patch is suspect.
pub const PHOTO_MAX_DISTANCE_M: f64 = 500.0;
/// pHashes this close are the same picture. Measured (`tests/photos.rs` prints both
/// distributions): re-encoded, resized and brightened copies within 2 bits, copies cropped
/// by 5 % on a side within 12; unrelated scenes and other viewpoints of one site 20 and more.
pub const SAME_PICTURE_BITS: u32 = 14;
/// A photo whose EXIF time is this much earlier than the moment the phone attached it was
/// taken before, elsewhere or by someone else, and is only being uploaded now.
pub const CAPTURE_MAX_GAP_HOURS: i64 = 24;

/// What is wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    PhotoReused,
    PhotoSimilar,
    PhotoFar,
    PhotoBeforeImage,
    PhotoUnverifiable,
    PhotoCaptureMismatch,
    ConflictingDeterminations,
    WrittenOffWithoutReview,
    LicensedLegalWithoutPhoto,
}

impl FindingKind {
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            FindingKind::PhotoReused => "photo_reused",
            FindingKind::PhotoSimilar => "photo_similar",
            FindingKind::PhotoFar => "photo_far",
            FindingKind::PhotoBeforeImage => "photo_before_image",
            FindingKind::PhotoUnverifiable => "photo_unverifiable",
            FindingKind::PhotoCaptureMismatch => "photo_capture_mismatch",
            FindingKind::ConflictingDeterminations => "conflicting_determinations",
            FindingKind::WrittenOffWithoutReview => "written_off_without_review",
            FindingKind::LicensedLegalWithoutPhoto => "licensed_legal_without_photo",
        }
    }

    #[must_use]
    pub fn label(self, zh: bool) -> &'static str {
        match (self, zh) {
            (FindingKind::PhotoReused, true) => "举证照片一图多用",
            (FindingKind::PhotoReused, false) => "One photo for several patches",
            (FindingKind::PhotoSimilar, true) => "同一照片改存后重复使用",
            (FindingKind::PhotoSimilar, false) => "Same picture re-encoded and reused",
            (FindingKind::PhotoFar, true) => "照片拍摄位置远离图斑",
            (FindingKind::PhotoFar, false) => "Photo taken far from the patch",
            (FindingKind::PhotoBeforeImage, true) => "照片早于后时相影像",
            (FindingKind::PhotoBeforeImage, false) => "Photo older than the later image",
            (FindingKind::PhotoUnverifiable, true) => "证据无法核验",
            (FindingKind::PhotoUnverifiable, false) => "Evidence cannot be verified",
            (FindingKind::PhotoCaptureMismatch, true) => "照片与手机拍摄记录不符",
            (FindingKind::PhotoCaptureMismatch, false) => {
                "Photo does not match the phone's capture record"
            }
            (FindingKind::ConflictingDeterminations, true) => "相同区域合法性判定不一致",
            (FindingKind::ConflictingDeterminations, false) => {
                "Different legality for the same place"
            }
            (FindingKind::WrittenOffWithoutReview, true) => "疑似违法图斑填报为伪变化未经审核",
            (FindingKind::WrittenOffWithoutReview, false) => {
                "Suspect patch written off as pseudo-change without review"
            }
            (FindingKind::LicensedLegalWithoutPhoto, true) => "有证矿山图斑判合法但无实地照片",
            (FindingKind::LicensedLegalWithoutPhoto, false) => {
                "Licensed-mine patch judged legal without a field photo"
            }
        }
    }
}

/// One finding on one patch.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Finding {
    pub patch_id: crate::PatchId,
    pub patch_no: String,
    pub kind: FindingKind,
    pub detail_zh: String,
    pub detail_en: String,
    /// The photos the finding is about (SHA-256), for their thumbnails.
    pub photos: Vec<String>,
    /// The determination it is about.
    pub verification_id: i64,
    /// That determination has since been replaced by a corrected one: the finding stays in
    /// its history.
    pub corrected: bool,
}

impl Finding {
    #[must_use]
    pub fn message(&self, zh: bool) -> String {
        format!(
            "{}：{}",
            self.kind.label(zh),
            if zh { &self.detail_zh } else { &self.detail_en }
        )
    }
}

struct Evidence {
    verification_id: i64,
    /// The patch's latest determination; earlier ones are its history.
    current: bool,
    filed_by: i64,
    patch_id: crate::PatchId,
    patch_no: String,
    class: String,
    later_date: Option<String>,
    shape: minewatch_spatial::geo::MultiPolygon<f64>,
    determination: String,
    reason: String,
    photos: Vec<String>,
    review: String,
}

struct Photo {
    file_name: String,
    taken_at: Option<String>,
    offset: Option<String>,
    point: Option<(f64, f64)>,
    /// Only a hash of the current reader is compared.
    phash: Option<String>,
    unread: Vec<crate::photo::Unread>,
    /// What the filer's phone said when the photo was attached, by uploader id.
    captures: HashMap<i64, crate::Capture>,
}

impl Photo {
    fn name(&self, sha: &str) -> String {
        format!("“{}”（{}）", self.file_name, sha.get(..8).unwrap_or(sha))
    }
}

/// One determination with its patch, as [`Store::latest_evidence`] reads it.
#[derive(sqlx::FromRow)]
struct StoredEvidence {
    patch_id: crate::PatchId,
    patch_no: String,
    class: String,
    later_date: Option<String>,
    geometry: String,
    verification_id: i64,
    determination: String,
    reason: String,
    photos: crate::List<String>,
    review: String,
    filed_by: i64,
    is_current: bool,
}

impl From<StoredEvidence> for Evidence {
    fn from(r: StoredEvidence) -> Self {
        Evidence {
            verification_id: r.verification_id,
            current: r.is_current,
            filed_by: r.filed_by,
            patch_id: r.patch_id,
            patch_no: r.patch_no,
            class: r.class,
            later_date: r.later_date,
            shape: shape_from_geojson(&r.geometry),
            determination: r.determination,
            reason: r.reason,
            photos: r.photos.0,
            review: r.review,
        }
    }
}

/// A photo's stored reading.
#[derive(sqlx::FromRow)]
struct StoredReading {
    sha256: String,
    file_name: String,
    taken_at: Option<String>,
    offset_time: Option<String>,
    lon: Option<f64>,
    lat: Option<f64>,
    phash: Option<String>,
    unread: String,
    reader_version: i64,
}

/// What a phone said when it attached a photo.
#[derive(sqlx::FromRow)]
struct StoredCapture {
    sha256: String,
    user_id: i64,
    device_taken_at: Option<crate::Stamp>,
    device_lon: Option<f64>,
    device_lat: Option<f64>,
    device_accuracy_m: Option<f64>,
}

impl Store {
    /// Findings on the patches the actor can see (one patch when `patch` is given).
    ///
    /// # Errors
    /// Database errors.
    pub async fn truth_findings(
        &self,
        actor: &Actor,
        patch: Option<crate::PatchId>,
    ) -> Result<Vec<Finding>> {
        let visible: HashSet<crate::PatchId> = self
            .patches(actor, &PatchFilter::default())
            .await?
            .into_iter()
            .map(|p| p.id)
            .collect();
        let evidence = self.latest_evidence(actor.county_id).await?;
        let photos = self.photo_meta(&evidence).await?;
        let mut out = Vec::new();
        let mut push = |e: &Evidence, kind, zh: String, en: String, shas: Vec<String>| {
            out.push(Finding {
                patch_id: e.patch_id,
                patch_no: e.patch_no.clone(),
                kind,
                detail_zh: zh,
                detail_en: en,
                photos: shas,
                verification_id: e.verification_id,
                corrected: !e.current,
            });
        };
        let name = |sha: &str| {
            photos
                .get(sha)
                .map_or_else(|| sha.get(..8).unwrap_or(sha).to_string(), |p| p.name(sha))
        };

        // Photos used for several patches: the same bytes, or the same picture.
        let mut users: BTreeMap<&str, Vec<&Evidence>> = BTreeMap::new();
        for e in &evidence {
            for p in &e.photos {
                users.entry(p.as_str()).or_default().push(e);
            }
        }
        for (sha, list) in &users {
            if list.len() < 2 {
                continue;
            }
            for e in list {
                let mut others: Vec<&str> = list
                    .iter()
                    .filter(|o| o.patch_id != e.patch_id)
                    .map(|o| o.patch_no.as_str())
                    .collect();
                others.sort_unstable();
                others.dedup();
                if others.is_empty() {
                    continue;
                }
                push(
                    e,
                    FindingKind::PhotoReused,
                    format!("照片 {} 也用于图斑 {}", name(sha), others.join("、")),
                    format!("photo {} is also used for {}", name(sha), others.join(", ")),
                    vec![(*sha).to_string()],
                );
            }
        }
        let hashed: Vec<(&str, &str)> = users
            .keys()
            .filter_map(|sha| {
                photos
                    .get(*sha)
                    .and_then(|p| p.phash.as_deref())
                    .map(|h| (*sha, h))
            })
            .collect();
        for (i, (sa, ha)) in hashed.iter().enumerate() {
            for (sb, hb) in &hashed[i + 1..] {
                let Some(d) = distance(ha, hb) else {
                    continue;
                };
                if d > SAME_PICTURE_BITS {
                    continue;
                }
                for (mine, theirs) in [(sa, sb), (sb, sa)] {
                    let other_patches: Vec<&str> =
                        users[*theirs].iter().map(|o| o.patch_no.as_str()).collect();
                    for e in &users[*mine] {
                        let mut others: Vec<&str> = other_patches
                            .iter()
                            .copied()
                            .filter(|n| *n != e.patch_no)
                            .collect();
                        others.sort_unstable();
                        others.dedup();
                        if others.is_empty() {
                            continue;
                        }
                        push(
                            e,
                            FindingKind::PhotoSimilar,
                            format!(
                                "照片 {} 与图斑 {} 的照片 {} 是同一画面（相差 {d} 位）",
                                name(mine),
                                others.join("、"),
                                name(theirs)
                            ),
                            format!(
                                "photo {} shows the same picture as photo {} of {} ({d} bits apart)",
                                name(mine),
                                name(theirs),
                                others.join(", ")
                            ),
                            vec![(*mine).to_string(), (*theirs).to_string()],
                        );
                    }
                }
            }
        }

        // Where and when each photo was taken, and whether that can be known at all.
        for e in &evidence {
            for sha in &e.photos {
                let one = || vec![sha.clone()];
                let Some(p) = photos.get(sha) else {
                    push(
                        e,
                        FindingKind::PhotoUnverifiable,
                        format!("照片 {} 未经分析，无法核验拍摄时间和位置", name(sha)),
                        format!(
                            "photo {} was never analysed: its time and place cannot be checked",
                            name(sha)
                        ),
                        one(),
                    );
                    continue;
                };
                let capture = p.captures.get(&e.filed_by).copied();
                let device_point = capture.and_then(|c| c.lon.zip(c.lat));
                let missing: Vec<&crate::photo::Unread> = p
                    .unread
                    .iter()
                    .filter(|u| u.loses_time() || (u.loses_position() && device_point.is_none()))
                    .collect();
                if p.taken_at.is_none() || (p.point.is_none() && device_point.is_none()) {
                    let (zh, en): (Vec<String>, Vec<String>) = if missing.is_empty() {
                        (
                            vec!["缺少拍摄时间或位置".into()],
                            vec!["no capture time or position".into()],
                        )
                    } else {
                        (
                            missing.iter().map(|u| u.describe(true)).collect(),
                            missing.iter().map(|u| u.describe(false)).collect(),
                        )
                    };
                    push(
                        e,
                        FindingKind::PhotoUnverifiable,
                        format!("照片 {} 不能证明到过现场：{}", name(sha), zh.join("；")),
                        format!(
                            "photo {} cannot prove a visit: {}",
                            name(sha),
                            en.join("; ")
                        ),
                        one(),
                    );
                }
                if let Some((lon, lat)) = p.point.or(device_point) {
                    let d = distance_to(&e.shape, lon, lat);
                    if d > PHOTO_MAX_DISTANCE_M {
                        let by_phone = p.point.is_none();
                        push(
                            e,
                            FindingKind::PhotoFar,
                            format!(
                                "照片 {} {}距图斑 {:.0} 米处",
                                name(sha),
                                if by_phone {
                                    "上传时手机位于"
                                } else {
                                    "拍摄于"
                                },
                                d
                            ),
                            format!(
                                "photo {} was {} {:.0} m from the patch",
                                name(sha),
                                if by_phone {
                                    "attached by a phone"
                                } else {
                                    "taken"
                                },
                                d
                            ),
                            one(),
                        );
                    }
                }
                if let (Some(day), Some(later)) = (
                    p.taken_at.as_deref().and_then(|t| t.get(..10)),
                    e.later_date.as_deref(),
                ) && day < later
                {
                    push(
                        e,
                        FindingKind::PhotoBeforeImage,
                        format!("照片 {} 拍摄于 {day}，早于后时相 {later}", name(sha)),
                        format!(
                            "photo {} was taken on {day}, before the later image of {later}",
                            name(sha)
                        ),
                        one(),
                    );
                }
                let Some(c) = capture else { continue };
                if let (Some((x, y)), Some((dx, dy))) = (p.point, device_point)
                    && let (Ok(a), Ok(b)) = (LonLat::new(x, y), LonLat::new(dx, dy))
                {
                    let apart = a.distance_m(b);
                    if apart > PHOTO_MAX_DISTANCE_M {
                        push(
                            e,
                            FindingKind::PhotoCaptureMismatch,
                            format!(
                                "照片 {} 的拍摄位置与上传时手机的位置相距 {:.0} 米",
                                name(sha),
                                apart
                            ),
                            format!(
                                "photo {} was taken {:.0} m from where the phone was when it was attached",
                                name(sha),
                                apart
                            ),
                            one(),
                        );
                    }
                }
                if let (Some(taken), Some(attached)) = (
                    p.taken_at
                        .as_deref()
                        .and_then(|t| crate::photo::taken_utc(t, p.offset.as_deref())),
                    c.taken_at,
                ) {
                    let gap = attached - taken;
                    if gap > chrono::Duration::hours(CAPTURE_MAX_GAP_HOURS) {
                        let hours = gap.num_hours();
                        push(
                            e,
                            FindingKind::PhotoCaptureMismatch,
                            format!(
                                "照片 {} 拍摄于上传前 {} 天 {} 小时，并非现场拍摄",
                                name(sha),
                                hours / 24,
                                hours % 24
                            ),
                            format!(
                                "photo {} was taken {} days {} hours before the phone attached it",
                                name(sha),
                                hours / 24,
                                hours % 24
                            ),
                            one(),
                        );
                    }
                }
            }
        }

        // Overlapping patches judged differently (their current determinations).
        let current: Vec<&Evidence> = evidence.iter().filter(|e| e.current).collect();
        for (i, a) in current.iter().enumerate() {
            for b in &current[i + 1..] {
                if a.determination == b.determination
                    || !boxes_meet(&a.shape, &b.shape)
                    || !a.shape.intersects(&b.shape)
                {
                    continue;
                }
                for (x, y) in [(*a, *b), (*b, *a)] {
                    push(
                        x,
                        FindingKind::ConflictingDeterminations,
                        format!(
                            "判为“{}”，与同一区域的图斑 {} 判为“{}”不一致",
                            crate::determination_label(&x.determination, true),
                            y.patch_no,
                            crate::determination_label(&y.determination, true)
                        ),
                        format!(
                            "judged {} while {} at the same place was judged {}",
                            crate::determination_label(&x.determination, false),
                            y.patch_no,
                            crate::determination_label(&y.determination, false)
                        ),
                        Vec::new(),
                    );
                }
            }
        }

        // Determinations that do not fit what the triage found.
        for e in &evidence {
            let suspect = matches!(
                e.class.as_str(),
                "no_licence" | "protected" | "expired_licence"
            );
            if suspect && e.determination == "pseudo_change" && e.review != "accepted" {
                push(
                    e,
                    FindingKind::WrittenOffWithoutReview,
                    format!(
                        "套合结果为“{}”，却填报为伪变化，县级未审核通过",
                        class_zh(&e.class)
                    ),
                    format!(
                        "triage found {}, evidence says pseudo-change, not accepted on review",
                        e.class.replace('_', " ")
                    ),
                    Vec::new(),
                );
            }
            let licensed = matches!(e.class.as_str(), "inside_licence" | "oversteps_licence");
            if licensed && e.determination == "legal" && e.photos.is_empty() {
                push(
                    e,
                    FindingKind::LicensedLegalWithoutPhoto,
                    format!("依据“{}”判为合法，没有实地照片", reason_zh(&e.reason)),
                    "judged legal with no field photo: overlay alone".to_string(),
                    Vec::new(),
                );
            }
        }

        out.retain(|f| visible.contains(&f.patch_id) && patch.is_none_or(|p| p == f.patch_id));
        out.sort_by(|a, b| {
            (a.corrected, a.patch_no.as_str(), a.verification_id, a.kind).cmp(&(
                b.corrected,
                b.patch_no.as_str(),
                b.verification_id,
                b.kind,
            ))
        });
        out.dedup();
        Ok(out)
    }

    /// Every determination of every patch, county-wide; the latest of each patch current.
    async fn latest_evidence(&self, county_id: i64) -> Result<Vec<Evidence>> {
        let rows = crate::db::query(
            "SELECT p.id AS patch_id, p.patch_no, p.class, p.later_date, p.geometry, v.id AS verification_id, v.determination, v.reason, v.photos, v.review, v.filed_by, \
             (v.id = (SELECT MAX(v2.id) FROM patch_verification v2 WHERE v2.patch_id = p.id)) AS is_current \
             FROM patch p JOIN patch_verification v ON v.patch_id = p.id \
             WHERE p.county_id = $1 ORDER BY p.id, v.id",
        )
        .bind(county_id)
        .fetch_all_as::<StoredEvidence>(self.pool())
        .await?;
        Ok(rows.into_iter().map(Evidence::from).collect())
    }

    /// The readings of every photo the evidence names: two reads for all of them.
    async fn photo_meta(&self, evidence: &[Evidence]) -> Result<HashMap<String, Photo>> {
        let wanted: HashSet<&str> = evidence
            .iter()
            .flat_map(|e| e.photos.iter().map(String::as_str))
            .collect();
        if wanted.is_empty() {
            return Ok(HashMap::new());
        }
        let of_these = |select: &str| {
            let mut sql = crate::sql::Sql::new(select);
            sql.push_in(wanted.iter().copied());
            sql
        };
        let readings: Vec<StoredReading> = of_these(
            "SELECT m.sha256, a.file_name, m.taken_at, m.offset_time, m.lon, m.lat, m.phash, m.unread, m.reader_version \
             FROM photo_meta m JOIN attachment a ON a.sha256 = m.sha256 WHERE m.sha256 IN ",
        )
        .query()
        .fetch_all_as(self.pool())
        .await?;
        let uploads: Vec<StoredCapture> = of_these(
            "SELECT sha256, user_id, device_taken_at, device_lon, device_lat, device_accuracy_m \
             FROM attachment_upload WHERE sha256 IN ",
        )
        .query()
        .fetch_all_as(self.pool())
        .await?;
        let mut out: HashMap<String, Photo> = readings
            .into_iter()
            // A reading by an older reader is stale: the photo counts as not yet read.
            .filter(|r| r.reader_version >= crate::photo::READER_VERSION)
            .map(|r| {
                let photo = Photo {
                    file_name: r.file_name,
                    taken_at: r.taken_at,
                    offset: r.offset_time,
                    point: r.lon.zip(r.lat),
                    phash: r.phash,
                    unread: serde_json::from_str(&r.unread).unwrap_or_default(),
                    captures: HashMap::new(),
                };
                (r.sha256, photo)
            })
            .collect();
        for c in uploads {
            if let Some(p) = out.get_mut(&c.sha256) {
                p.captures.insert(
                    c.user_id,
                    crate::Capture {
                        taken_at: c.device_taken_at.as_ref().and_then(crate::Stamp::time),
                        lon: c.device_lon,
                        lat: c.device_lat,
                        accuracy_m: c.device_accuracy_m,
                    },
                );
            }
        }
        Ok(out)
    }
}

fn boxes_meet(
    a: &minewatch_spatial::geo::MultiPolygon<f64>,
    b: &minewatch_spatial::geo::MultiPolygon<f64>,
) -> bool {
    match (a.bounding_rect(), b.bounding_rect()) {
        (Some(a), Some(b)) => {
            a.min().x <= b.max().x
                && b.min().x <= a.max().x
                && a.min().y <= b.max().y
                && b.min().y <= a.max().y
        }
        _ => false,
    }
}

/// Metres from a point to a patch (0 inside it).
pub(crate) fn distance_to(
    shape: &minewatch_spatial::geo::MultiPolygon<f64>,
    lon: f64,
    lat: f64,
) -> f64 {
    let p = Point::new(lon, lat);
    if shape.contains(&p) {
        return 0.0;
    }
    let nearest = match shape.closest_point(&p) {
        Closest::Intersection(q) | Closest::SinglePoint(q) => q,
        Closest::Indeterminate => return f64::INFINITY,
    };
    match (LonLat::new(lon, lat), LonLat::new(nearest.x(), nearest.y())) {
        (Ok(a), Ok(b)) => a.distance_m(b),
        _ => f64::INFINITY,
    }
}

fn class_zh(code: &str) -> &'static str {
    minewatch_spatial::triage::PatchClass::from_code(code).map_or("未知", |c| c.label_zh())
}

fn reason_zh(code: &str) -> &'static str {
    crate::VerificationReason::from_code(code).map_or("未知", |r| r.label(true))
}
