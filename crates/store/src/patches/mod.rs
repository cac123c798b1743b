//! Satellite change patches in the ledger (R5): a batch is triaged against the county's
//! registers and stored whole; each suspect patch becomes a clue routed to the village that
//! holds it and the lead department of its kind, with the verification deadline. The
//! village or township then files field evidence (举证) and the county reviews it.

pub(crate) mod registers;
pub(crate) mod truth;

use chrono::{DateTime, Utc};
use minewatch_core::rights::may_administer_county;
use minewatch_core::rights::{Right, may};
use minewatch_core::{ClueSource, ProblemKind, Scope, Severity};
use minewatch_spatial::LonLat;
use minewatch_spatial::area::mu;
use minewatch_spatial::inputs::{self, Fields};
use minewatch_spatial::read::Layer;
use minewatch_spatial::text::{bbox, inner_point, to_geojson};
use minewatch_spatial::triage::{PatchClass, Triage};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

use crate::ledger::clues::NewClue;
use crate::ledger::events::{NewEvent, append, stamp};
use crate::sql::Sql;
use crate::{Actor, Result, Store, StoreError};

/// Earlier and later images by patch number (SHA-256 of stored attachments).
pub type PatchImages = std::collections::HashMap<String, (Option<String>, Option<String>)>;

/// What an import did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PatchImportSummary {
    pub batch_id: i64,
    pub patches: usize,
    pub suspects: usize,
    /// Suspect patches that joined an open case at the same place (R10).
    pub merged: usize,
    pub by_class: Vec<(String, usize)>,
    /// Patches without a later-image date: their licences were judged valid or not on the
    /// import day, and their photos cannot be checked against the image.
    pub undated: usize,
}

/// A patch in a list.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct PatchRow {
    pub id: crate::PatchId,
    pub batch_id: i64,
    pub batch_name: String,
    pub patch_no: String,
    pub later_date: Option<String>,
    pub area_m2: f64,
    #[schema(value_type = crate::codes::PatchClassCode)]
    pub class: String,
    #[schema(value_type = crate::codes::PatchStatusCode)]
    pub status: String,
    pub township: Option<String>,
    pub village: Option<String>,
    pub case_id: Option<crate::CaseId>,
    pub case_number: Option<String>,
    pub lon: f64,
    pub lat: f64,
    pub geometry: String,
}

/// Field evidence for a patch as stored.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VerificationRow {
    pub id: i64,
    #[schema(value_type = crate::codes::DeterminationCode)]
    pub determination: String,
    #[schema(value_type = crate::codes::VerificationReasonCode)]
    pub reason: String,
    pub permit_no: String,
    pub note: String,
    pub photos: Vec<String>,
    pub filed_by: String,
    pub filed_at: crate::Stamp,
    #[schema(value_type = crate::codes::ReviewCode)]
    pub review: String,
    pub review_note: String,
    pub reviewed_at: Option<crate::Stamp>,
    /// The earlier determination this one corrects, and why.
    pub corrects_id: Option<i64>,
    pub correction_note: String,
    /// Whether a later determination has replaced this one (it stays in the record).
    pub corrected: bool,
    /// What was read from each photo, with its distance to the patch.
    pub readings: Vec<crate::PhotoReading>,
}

/// A patch with what its own page shows besides the list's columns.
#[derive(sqlx::FromRow)]
struct StoredPatch {
    #[sqlx(flatten)]
    row: PatchRow,
    triage: String,
    grid_id: Option<i64>,
    before_image: Option<String>,
    after_image: Option<String>,
}

/// Field evidence as its row holds it, before the photos are read.
#[derive(sqlx::FromRow)]
struct StoredVerification {
    id: i64,
    determination: String,
    reason: String,
    permit_no: String,
    note: String,
    photos: crate::List<String>,
    display_name: String,
    filed_by: i64,
    filed_at: crate::Stamp,
    review: String,
    review_note: String,
    reviewed_at: Option<crate::Stamp>,
    corrects_id: Option<i64>,
    correction_note: String,
}

/// A patch with its triage and evidence.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PatchDetail {
    pub row: PatchRow,
    pub triage: serde_json::Value,
    pub grid_id: Option<i64>,
    pub before_image: Option<String>,
    pub after_image: Option<String>,
    pub verifications: Vec<VerificationRow>,
}

macro_rules! reasons {
    ($($variant:ident => $code:literal, $det:literal, $permit:literal, $zh:literal, $en:literal;)*) => {
        /// The fixed list of reasons a determination may give.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum VerificationReason { $($variant),* }

        impl VerificationReason {
            pub const ALL: &'static [VerificationReason] = &[$(VerificationReason::$variant),*];

            #[must_use]
            pub fn code(self) -> &'static str { match self { $(VerificationReason::$variant => $code),* } }

            #[must_use]
            pub fn from_code(code: &str) -> Option<Self> {
                match code { $($code => Some(VerificationReason::$variant),)* _ => None }
            }

            /// legal, illegal, pseudo_change or other.
            #[must_use]
            pub fn determination(self) -> &'static str { match self { $(VerificationReason::$variant => $det),* } }

            /// A legal determination on this ground must name the licence or approval.
            #[must_use]
            pub fn needs_permit(self) -> bool { match self { $(VerificationReason::$variant => $permit),* } }

            #[must_use]
            pub fn label(self, zh: bool) -> &'static str {
                match self { $(VerificationReason::$variant => if zh { $zh } else { $en }),* }
            }
        }
    };
}

reasons! {
    LicensedMining => "licensed_mining", "legal", true, "持证开采", "Licensed mining";
    ApprovedProject => "approved_project", "legal", true, "批准的工程建设", "Approved construction";
    ApprovedRestoration => "approved_restoration", "legal", true, "批准的生态修复治理", "Approved restoration";
    Farming => "farming", "legal", false, "农业生产、宅基地等非采矿活动", "Farming or other non-mining use";
    Unlicensed => "unlicensed", "illegal", false, "无证开采", "Mining without a licence";
    Overstep => "overstep", "illegal", false, "越界开采", "Mining beyond the licence";
    Expired => "expired", "illegal", false, "证照过期后开采", "Mining after the licence expired";
    DisguisedAsProject => "disguised", "illegal", false, "以工程建设、修复名义变相采矿", "Mining disguised as a project";
    InProtectedArea => "protected_area", "illegal", false, "在保护区域内开采", "Mining in a protected area";
    NaturalChange => "natural_change", "pseudo_change", false, "自然变化（滑坡、水毁等）", "Natural change (landslide, flood)";
    ImageArtefact => "image_artefact", "pseudo_change", false, "影像误差、季节变化", "Image artefact or seasonal change";
    Other => "other", "other", false, "其他（须写明）", "Other (explain)";
}

/// Determinations and their labels.
#[must_use]
pub fn determination_label(code: &str, zh: bool) -> &'static str {
    match (code, zh) {
        ("legal", true) => "合法",
        ("legal", false) => "Legal",
        ("illegal", true) => "违法",
        ("illegal", false) => "Illegal",
        ("pseudo_change", true) => "伪变化",
        ("pseudo_change", false) => "Pseudo-change",
        (_, true) => "其他",
        (_, false) => "Other",
    }
}

/// Field evidence as filed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewVerification {
    #[schema(value_type = crate::codes::VerificationReasonCode)]
    pub reason: String,
    #[serde(default)]
    pub permit_no: String,
    #[serde(default)]
    pub note: String,
    /// SHA-256 of photos uploaded before.
    #[serde(default)]
    pub photos: Vec<String>,
    /// When it replaces an earlier determination (sent back, or flagged): what was wrong.
    #[serde(default)]
    pub correction_note: String,
}

impl NewVerification {
    /// The reason, once the fields fit it: a legal ground names its licence or approval, and
    /// "other" says what the change is.
    ///
    /// # Errors
    /// `Invalid` naming the field.
    pub fn check(&self) -> Result<VerificationReason> {
        let reason = VerificationReason::from_code(&self.reason)
            .ok_or_else(|| StoreError::invalid("reason", "choose a reason from the list"))?;
        if reason.needs_permit() && self.permit_no.trim().is_empty() {
            return Err(StoreError::invalid(
                "permit_no",
                "a legal determination on this ground must give the licence or approval number",
            ));
        }
        if reason == VerificationReason::Other && self.note.trim().is_empty() {
            return Err(StoreError::invalid("note", "say what the change is"));
        }
        crate::error::check_lengths(&[
            ("note", &self.note),
            ("permit_no", &self.permit_no),
            ("correction_note", &self.correction_note),
        ])?;
        Ok(reason)
    }
}

/// Status a patch may be filtered by.
pub const PATCH_STATUSES: &[&str] = &["pending", "submitted", "returned", "accepted", "cleared"];

/// Filters for the patch list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PatchFilter {
    #[serde(default)]
    pub batch_id: Option<i64>,
    #[serde(default)]
    #[schema(value_type = Option<crate::codes::PatchClassCode>)]
    pub class: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<crate::codes::PatchStatusCode>)]
    pub status: Option<String>,
}

fn kind_of(class: PatchClass) -> ProblemKind {
    match class {
        PatchClass::OverstepsLicence => ProblemKind::BoundaryOverstep,
        _ => ProblemKind::UnlicensedMining,
    }
}

fn triage_json(t: &Triage) -> serde_json::Value {
    serde_json::json!({
        "licences": t.licences.iter().map(|l| serde_json::json!({"id": l.id, "share": l.share, "valid": l.valid})).collect::<Vec<_>>(),
        "zones": t.zones.iter().map(|z| serde_json::json!({"id": z.id, "kind": z.kind.code(), "area_m2": z.area_m2})).collect::<Vec<_>>(),
    })
}

impl Store {
    /// Imports a batch of patches, all or nothing: triaged against the county's registers,
    /// stored with the result, and each suspect patch filed as a clue at its village.
    ///
    /// # Errors
    /// `Forbidden` unless county office; `Invalid` for a batch name already used or a county
    /// without grid boundaries; `BadFile` naming every bad feature and every suspect patch
    /// outside all grid boundaries.
    pub async fn import_patches(
        &self,
        actor: &Actor,
        batch_name: &str,
        data: Layer,
        fields: &Fields,
        now: DateTime<Utc>,
    ) -> Result<PatchImportSummary> {
        self.import_patches_with_images(actor, batch_name, data, fields, &PatchImages::new(), now)
            .await
    }

    /// As [`Store::import_patches`], with the earlier and later images of patches (SHA-256
    /// of attachments stored before) by patch number.
    ///
    /// # Errors
    /// As [`Store::import_patches`]; unknown attachments.
    pub async fn import_patches_with_images(
        &self,
        actor: &Actor,
        batch_name: &str,
        data: Layer,
        fields: &Fields,
        images: &PatchImages,
        now: DateTime<Utc>,
    ) -> Result<PatchImportSummary> {
        let shas: Vec<String> = images
            .values()
            .flat_map(|(a, b)| a.iter().chain(b.iter()).cloned())
            .collect();
        self.check_attachments(&shas).await?;
        if !may_administer_county(actor.role) {
            return Err(StoreError::Forbidden(
                "only the county office imports patches",
            ));
        }
        let batch_name = batch_name.trim();
        if batch_name.is_empty() {
            return Err(StoreError::invalid("batch", "give the batch a name"));
        }
        let source = data.source.clone();
        let crs = data.crs.to_string();
        let patches =
            inputs::patches(data, fields).map_err(|e| StoreError::BadFile(e.to_string()))?;
        let today = minewatch_core::clock::local_date(now);
        let triager = self.triager(actor.county_id, today).await?;
        let results = triager.triage_all(&patches, &|| {});
        let mut triaged = Vec::with_capacity(results.len());
        let mut faults = Vec::new();
        for r in results {
            match r {
                Ok(t) => triaged.push(t),
                Err(e) => faults.push(format!("{source}: {e}")),
            }
        }
        let places = self.grid_places(actor.county_id).await?;
        if places.is_empty() {
            return Err(StoreError::invalid(
                "grids",
                "import the grid boundaries first (minewatch import grid …): patches are routed by them",
            ));
        }
        for t in &triaged {
            if t.class.suspect() && t.grid.is_none() {
                faults.push(format!(
                    "{source}: patch {}: lies outside every grid boundary of the county",
                    t.patch_id
                ));
            }
        }
        if !faults.is_empty() {
            return Err(StoreError::BadFile(faults.join("\n")));
        }

        let at = stamp(now);
        let mut tx = self.begin_write(&at).await?;
        let exists: i64 = crate::db::query(
            "SELECT COUNT(*) AS n FROM patch_batch WHERE county_id = $1 AND name = $2",
        )
        .bind(actor.county_id)
        .bind(batch_name.to_string())
        .fetch_scalar(&mut *tx)
        .await?;
        if exists > 0 {
            return Err(StoreError::invalid(
                "batch",
                format!("a batch named '{batch_name}' was imported before"),
            ));
        }
        let batch_id: i64 = crate::db::query(
            "INSERT INTO patch_batch (county_id, name, source_file, crs, patches, imported_by, imported_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(actor.county_id)
        .bind(batch_name.to_string())
        .bind(source.clone())
        .bind(crs.clone())
        .bind(i64::try_from(patches.len()).unwrap_or(i64::MAX))
        .bind(actor.user_id)
        .bind(at.clone())
        .fetch_scalar(&mut *tx)
        .await?;

        let mut suspects = 0;
        let mut merged = 0;
        let mut by_class = std::collections::BTreeMap::<&'static str, usize>::new();
        for (p, t) in patches.iter().zip(&triaged) {
            *by_class.entry(t.class.code()).or_default() += 1;
            let grid_id: Option<i64> = t.grid.as_ref().and_then(|g| g.2.parse().ok());
            let place = grid_id.and_then(|g| places.get(&g).copied());
            let (lon, lat) = inner_point(&p.shape);
            let (x0, y0, x1, y1) = bbox(&p.shape);
            let (mut clue_id, mut case_id) = (None, None);
            let status = if t.class.suspect() {
                "pending"
            } else {
                "cleared"
            };
            if let (true, Some((township_id, village_id))) = (t.class.suspect(), place) {
                suspects += 1;
                let clue = NewClue {
                    source: ClueSource::SatellitePatch,
                    township_id,
                    village_id: Some(village_id),
                    address: format!("卫片图斑 {}", p.id),
                    lon: Some(lon),
                    lat: Some(lat),
                    observed_at: p
                        .later_date
                        .and_then(|d| crate::Stamp::parse(&format!("{d}T00:00:00Z"))),
                    description: format!(
                        "{batch_name} 图斑 {}：{}，面积 {:.2} 亩（{:.0} m²）",
                        p.id,
                        t.class.label_zh(),
                        mu(t.area_m2),
                        t.area_m2
                    ),
                    problem_kind: kind_of(t.class),
                    severity: if t.class == PatchClass::Protected {
                        Severity::Key
                    } else {
                        Severity::General
                    },
                    reporter_name: String::new(),
                    reporter_phone: String::new(),
                    attachments: Vec::new(),
                };
                let point = LonLat::new(lon, lat)
                    .map_err(|e| StoreError::BadFile(format!("patch {}: {e}", p.id)))?;
                let outcome = self
                    .file_clue_tx(&mut tx, actor, &clue, Some(point), now, &at)
                    .await?;
                merged += usize::from(outcome.merged);
                clue_id = Some(outcome.clue_id);
                case_id = Some(outcome.case_id);
            }
            let patch_row_id: crate::PatchId = crate::db::query(
                "INSERT INTO patch (county_id, batch_id, patch_no, later_date, geometry, min_lon, min_lat, max_lon, max_lat, lon, lat, \
                 area_m2, class, triage, township_id, village_id, grid_id, clue_id, case_id, status, before_image, after_image) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22) RETURNING id",
            )
            .bind(actor.county_id)
            .bind(batch_id)
            .bind(p.id.clone())
            .bind(p.later_date.map(|d| d.to_string()))
            .bind(to_geojson(&geo::Geometry::MultiPolygon(p.shape.clone())))
            .bind(x0)
            .bind(y0)
            .bind(x1)
            .bind(y1)
            .bind(lon)
            .bind(lat)
            .bind(t.area_m2)
            .bind(t.class.code())
            .bind(triage_json(t).to_string())
            .bind(place.map(|p| p.0))
            .bind(place.map(|p| p.1))
            .bind(grid_id)
            .bind(clue_id)
            .bind(case_id)
            .bind(status)
            .bind(images.get(&p.id).and_then(|i| i.0.clone()))
            .bind(images.get(&p.id).and_then(|i| i.1.clone()))
            .fetch_scalar(&mut *tx)
            .await?;
            let shown: Vec<String> = images
                .get(&p.id)
                .map(|i| [i.0.clone(), i.1.clone()].into_iter().flatten().collect())
                .unwrap_or_default();
            crate::attachments::record_use(
                &mut tx,
                actor.county_id,
                crate::attachments::Owner::Patch(patch_row_id),
                &shown,
            )
            .await?;
        }
        append(
            &mut tx,
            NewEvent {
                at: &at,
                actor: Some(actor.user_id),
                county_id: actor.county_id,
                case_id: None,
                clue_id: None,
                kind: "patch.batch_imported",
                payload: serde_json::json!({
                    "batch": batch_name, "source_file": source, "crs": crs,
                    "patches": patches.len(), "suspects": suspects, "by_class": by_class,
                })
                .to_string(),
                attachments: &[],
            },
        )
        .await?;
        tx.commit().await?;
        Ok(PatchImportSummary {
            batch_id,
            undated: patches.iter().filter(|p| p.later_date.is_none()).count(),
            patches: patches.len(),
            suspects,
            merged,
            by_class: by_class
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        })
    }

    /// Grid id → (township id, village id) for the county.
    async fn grid_places(
        &self,
        county_id: i64,
    ) -> Result<std::collections::HashMap<i64, (i64, i64)>> {
        let rows = crate::db::query(
            "SELECT gr.id, t.id AS township_id, v.id AS village_id FROM grid gr \
             JOIN village v ON v.id = gr.village_id JOIN township t ON t.id = v.township_id \
             JOIN register_feature f ON f.grid_id = gr.id AND f.active = TRUE AND f.layer = 'grid' \
             WHERE t.county_id = $1",
        )
        .bind(county_id)
        .fetch_all_as::<(i64, i64, i64)>(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(grid, township, village)| (grid, (township, village)))
            .collect())
    }

    fn push_patch_scope(actor: &Actor, sql: &mut Sql) {
        sql.push(" AND p.county_id = ").bind_i64(actor.county_id);
        match actor.scope {
            Scope::County => {}
            Scope::Township(id) => {
                sql.push(" AND p.township_id = ").bind_i64(id);
            }
            Scope::Village(id) => {
                sql.push(" AND p.village_id = ").bind_i64(id);
            }
            Scope::Department(id) => {
                sql.push(" AND c.lead_department_id = ").bind_i64(id);
            }
            Scope::OwnCluesOnly => {
                sql.push(" AND 1 = 0");
            }
        }
    }

    const PATCH_SELECT: &'static str = "SELECT p.id, p.batch_id, b.name AS batch_name, p.patch_no, p.later_date, p.area_m2, p.class, p.status, \
         t.name AS township, v.name AS village, p.case_id, c.number AS case_number, p.lon, p.lat, p.geometry, p.triage, p.grid_id, \
         p.before_image, p.after_image \
         FROM patch p JOIN patch_batch b ON b.id = p.batch_id \
         LEFT JOIN township t ON t.id = p.township_id LEFT JOIN village v ON v.id = p.village_id \
         LEFT JOIN case_file c ON c.id = p.case_id WHERE 1 = 1";

    /// Whether the actor may see a patch (for its photos and images).
    pub(crate) async fn patch_visible(&self, actor: &Actor, id: crate::PatchId) -> Result<bool> {
        let mut sql = Sql::new(
            "SELECT p.id FROM patch p LEFT JOIN case_file c ON c.id = p.case_id WHERE p.id = ",
        );
        sql.bind_i64(id.0);
        Self::push_patch_scope(actor, &mut sql);
        Ok(sql.query().fetch_optional(self.pool()).await?.is_some())
    }

    /// Patches the actor may see.
    ///
    /// # Errors
    /// Database errors.
    pub async fn patches(&self, actor: &Actor, filter: &PatchFilter) -> Result<Vec<PatchRow>> {
        let mut sql = Sql::new(Self::PATCH_SELECT);
        Self::push_patch_scope(actor, &mut sql);
        if let Some(b) = filter.batch_id {
            sql.push(" AND p.batch_id = ").bind_i64(b);
        }
        if let Some(c) = filter.class.as_deref().filter(|c| !c.is_empty()) {
            sql.push(" AND p.class = ").bind_text(c);
        }
        if let Some(s) = filter.status.as_deref().filter(|s| !s.is_empty()) {
            sql.push(" AND p.status = ").bind_text(s);
        }
        sql.push(" ORDER BY p.batch_id DESC, p.id");
        Ok(sql.query().fetch_all_as(self.pool()).await?)
    }

    /// Batches of the county, newest first: (id, name, patches, imported_at).
    ///
    /// # Errors
    /// Database errors.
    pub async fn patch_batches(
        &self,
        county_id: i64,
    ) -> Result<Vec<(i64, String, i64, crate::Stamp)>> {
        let rows = crate::db::query(
            "SELECT id, name, patches, imported_at FROM patch_batch WHERE county_id = $1 ORDER BY id DESC",
        )
        .bind(county_id)
        .fetch_all_as(self.pool())
        .await?;
        Ok(rows)
    }

    /// One patch with its triage and evidence.
    ///
    /// # Errors
    /// `NotFound` when absent or out of the actor's scope.
    pub async fn patch(&self, actor: &Actor, id: crate::PatchId) -> Result<PatchDetail> {
        let mut sql = Sql::new(Self::PATCH_SELECT);
        Self::push_patch_scope(actor, &mut sql);
        sql.push(" AND p.id = ").bind_i64(id.0);
        let r: StoredPatch = sql
            .query()
            .fetch_optional_as(self.pool())
            .await?
            .ok_or_else(|| StoreError::not_found("patch", id))?;
        let stored: Vec<StoredVerification> = crate::db::query(
            "SELECT pv.id, pv.determination, pv.reason, pv.permit_no, pv.note, pv.photos, u.display_name, pv.filed_by, pv.filed_at, \
             pv.review, pv.review_note, pv.reviewed_at, pv.corrects_id, pv.correction_note \
             FROM patch_verification pv JOIN app_user u ON u.id = pv.filed_by WHERE pv.patch_id = $1 ORDER BY pv.id",
        )
        .bind(id)
        .fetch_all_as(self.pool())
        .await?;
        let shape = minewatch_spatial::text::shape_from_geojson(&r.row.geometry);
        let corrected: HashSet<i64> = stored.iter().filter_map(|v| v.corrects_id).collect();
        let mut verifications = Vec::with_capacity(stored.len());
        for v in stored {
            let photos = v.photos.0;
            let mut readings = self.photo_readings(&photos, Some(v.filed_by)).await?;
            for reading in &mut readings {
                reading.distance_m = reading
                    .position()
                    .map(|(lon, lat)| crate::patches::truth::distance_to(&shape, lon, lat));
            }
            verifications.push(VerificationRow {
                id: v.id,
                determination: v.determination,
                reason: v.reason,
                permit_no: v.permit_no,
                note: v.note,
                photos,
                filed_by: v.display_name,
                filed_at: v.filed_at,
                review: v.review,
                review_note: v.review_note,
                reviewed_at: v.reviewed_at,
                corrects_id: v.corrects_id,
                correction_note: v.correction_note,
                corrected: corrected.contains(&v.id),
                readings,
            });
        }
        Ok(PatchDetail {
            triage: serde_json::from_str(&r.triage)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            row: r.row,
            grid_id: r.grid_id,
            before_image: r.before_image,
            after_image: r.after_image,
            verifications,
        })
    }

    /// Files field evidence for a patch: by its village or township (or the office).
    ///
    /// # Errors
    /// `Forbidden` for other roles; `NotFound` out of scope; `Invalid` naming the field
    /// (unknown reason, a legal ground without its licence number, "other" without a note,
    /// a patch already accepted); unknown photos.
    pub async fn verify_patch(
        &self,
        actor: &Actor,
        id: crate::PatchId,
        v: &NewVerification,
        now: DateTime<Utc>,
    ) -> Result<()> {
        if !may(actor.role, Right::FileFieldEvidence) {
            return Err(StoreError::Forbidden(Right::FileFieldEvidence.refusal()));
        }
        let detail = self.patch(actor, id).await?;
        let reason = v.check()?;
        match detail.row.status.as_str() {
            "accepted" => {
                return Err(StoreError::invalid(
                    "patch",
                    "the county has accepted this patch's evidence",
                ));
            }
            "submitted" => {
                return Err(StoreError::invalid(
                    "patch",
                    "evidence is awaiting the county's review",
                ));
            }
            _ => {}
        }
        self.check_evidence_photos("photos", &v.photos).await?;
        let corrects = detail.verifications.last().map(|p| p.id);
        let at = stamp(now);
        let mut tx = self.begin_write(&at).await?;
        // The status moves first and only from a state that takes evidence: of two filings
        // at the same moment, one is stored and the other told why.
        let moved = crate::db::query(
            "UPDATE patch SET status = 'submitted' WHERE id = $1 AND status IN ('pending', 'returned', 'cleared')",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if moved != 1 {
            return Err(StoreError::invalid(
                "patch",
                "evidence is awaiting the county's review",
            ));
        }
        crate::db::query(
            "INSERT INTO patch_verification (patch_id, county_id, determination, reason, permit_no, note, photos, filed_by, filed_at, corrects_id, correction_note) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(id)
        .bind(actor.county_id)
        .bind(reason.determination())
        .bind(reason.code())
        .bind(v.permit_no.trim().to_string())
        .bind(v.note.trim().to_string())
        .bind(crate::List(v.photos.clone()))
        .bind(actor.user_id)
        .bind(at.clone())
        .bind(corrects)
        .bind(v.correction_note.trim().to_string())
        .execute(&mut *tx)
        .await?;
        crate::attachments::record_use(
            &mut tx,
            actor.county_id,
            crate::attachments::Owner::Patch(id),
            &v.photos,
        )
        .await?;
        append(
            &mut tx,
            NewEvent {
                at: &at,
                actor: Some(actor.user_id),
                county_id: actor.county_id,
                case_id: detail.row.case_id,
                clue_id: None,
                kind: "patch.verified",
                payload: serde_json::json!({
                    "patch": detail.row.patch_no, "batch": detail.row.batch_name,
                    "determination": reason.determination(), "reason": reason.code(),
                    "permit_no": v.permit_no.trim(), "note": v.note.trim(),
                })
                .to_string(),
                attachments: &v.photos,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The county accepts the latest evidence or sends it back with a note.
    ///
    /// # Errors
    /// `Forbidden` unless county office; `Invalid` when there is no evidence awaiting
    /// review, or a return without a note.
    pub async fn review_patch(
        &self,
        actor: &Actor,
        id: crate::PatchId,
        accept: bool,
        note: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        if !may_administer_county(actor.role) {
            return Err(StoreError::Forbidden(
                "only the county office reviews evidence",
            ));
        }
        let detail = self.patch(actor, id).await?;
        // Accepted evidence found false later (a finding) can still be sent back for a
        // corrected determination; the accepted one stays in the record.
        let reopening = detail.row.status == "accepted" && !accept;
        if detail.row.status != "submitted" && !reopening {
            return Err(StoreError::invalid(
                "patch",
                "no evidence is awaiting review",
            ));
        }
        if !accept && note.trim().is_empty() {
            return Err(StoreError::invalid("review_note", "say why it goes back"));
        }
        let Some(latest) = detail.verifications.last() else {
            return Err(StoreError::invalid(
                "patch",
                "no evidence is awaiting review",
            ));
        };
        let at = stamp(now);
        let mut tx = self.begin_write(&at).await?;
        let verdict = if accept { "accepted" } else { "returned" };
        // A reopened determination keeps its acceptance on record; the return is the event.
        if !reopening {
            crate::db::query(
                "UPDATE patch_verification SET review = $1, review_note = $2, reviewed_by = $3, reviewed_at = $4 WHERE id = $5",
            )
            .bind(verdict)
            .bind(note.trim().to_string())
            .bind(actor.user_id)
            .bind(at.clone())
            .bind(latest.id)
            .execute(&mut *tx)
            .await?;
        }
        let moved = crate::db::query("UPDATE patch SET status = $1 WHERE id = $2 AND status = $3")
            .bind(verdict)
            .bind(id)
            .bind(detail.row.status.clone())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if moved != 1 {
            return Err(StoreError::invalid(
                "patch",
                "the evidence was reviewed meanwhile",
            ));
        }
        append(
            &mut tx,
            NewEvent {
                at: &at,
                actor: Some(actor.user_id),
                county_id: actor.county_id,
                case_id: detail.row.case_id,
                clue_id: None,
                kind: if accept {
                    "patch.accepted"
                } else {
                    "patch.returned"
                },
                payload: serde_json::json!({"patch": detail.row.patch_no, "note": note.trim()})
                    .to_string(),
                attachments: &[],
            },
        )
        .await?;
        // Digging confirmed from the sky may show what the grid's patrols missed (R26).
        if accept
            && latest.determination == "illegal"
            && let Some(case_id) = detail.row.case_id
        {
            crate::leads::raise_tx(&mut tx, actor.county_id, case_id, now, &at).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
