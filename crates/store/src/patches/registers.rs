//! Registers (R20, R21): licences, exploration licences, approved projects, closed mines,
//! constraint and key zones, grid boundaries. A layer is imported whole from a file, in one
//! transaction; importing it again retires the previous features but keeps them.

use chrono::{DateTime, NaiveDate, Utc};
use minewatch_core::rights::may_administer_county;
use minewatch_spatial::area::{area_m2, circle};
use minewatch_spatial::inputs::{self, Fields};
use minewatch_spatial::read::Layer;
use minewatch_spatial::text::{area_from_geojson, bbox, to_geojson};
use minewatch_spatial::triage::{GridArea, Licence, Triager, Zone};
use minewatch_spatial::zone::ZoneKind;
use serde::Serialize;

use crate::ledger::events::{NewEvent, append, stamp};
use crate::{Actor, Result, Store, StoreError};

macro_rules! register_layers {
    ($($variant:ident => $code:literal, $zh:literal, $en:literal;)*) => {
        /// A register layer.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum RegisterLayer { $($variant),* }

        impl RegisterLayer {
            pub const ALL: &'static [RegisterLayer] = &[$(RegisterLayer::$variant),*];

            #[must_use]
            pub fn code(self) -> &'static str {
                match self { $(RegisterLayer::$variant => $code),* }
            }

            #[must_use]
            pub fn from_code(code: &str) -> Option<RegisterLayer> {
                match code { $($code => Some(RegisterLayer::$variant),)* _ => None }
            }

            #[must_use]
            pub fn label(self, zh: bool) -> &'static str {
                match self { $(RegisterLayer::$variant => if zh { $zh } else { $en }),* }
            }
        }
    };
}

register_layers! {
    Licence => "licence", "采矿许可证", "Mining licences";
    Exploration => "exploration", "探矿许可证", "Exploration licences";
    Project => "project", "批准的工程项目", "Approved engineering projects";
    ClosedMine => "closed_mine", "关闭、废弃矿山和井口", "Closed and abandoned mines and shafts";
    Zone => "zone", "保护区域与重点区域", "Constraint and key zones";
    Grid => "grid", "网格边界", "Grid boundaries";
}

/// A closed shaft given as a point guards a circle of this radius (metres).
pub const SHAFT_RADIUS_M: f64 = 50.0;

impl RegisterLayer {
    /// Layers that allow digging where they are valid (a patch inside one is not suspect).
    #[must_use]
    pub fn permits_digging(self) -> bool {
        matches!(
            self,
            RegisterLayer::Licence | RegisterLayer::Exploration | RegisterLayer::Project
        )
    }
}

/// What an import did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RegisterImportSummary {
    pub import_id: i64,
    pub layer: RegisterLayer,
    pub features: usize,
    pub retired: u64,
    pub crs: String,
}

/// One import of a register file, kept with its source and coordinate system.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct RegisterImportRow {
    pub id: i64,
    #[sqlx(try_from = "String")]
    pub layer: RegisterLayer,
    pub source_file: String,
    pub crs: String,
    pub encoding: String,
    pub features: i64,
    /// Whether its features are the layer's current ones.
    pub active: bool,
    pub imported_at: crate::Stamp,
    pub imported_by: String,
}

/// A register feature as stored, its attributes still the stored JSON text.
#[derive(sqlx::FromRow)]
struct StoredFeature {
    id: i64,
    #[sqlx(try_from = "String")]
    layer: RegisterLayer,
    external_id: String,
    name: String,
    kind: String,
    valid_from: Option<String>,
    valid_to: Option<String>,
    withdrawn: bool,
    grid_id: Option<i64>,
    attributes: String,
    geometry: String,
    area_m2: f64,
}

impl From<StoredFeature> for RegisterFeature {
    fn from(f: StoredFeature) -> Self {
        RegisterFeature {
            id: f.id,
            layer: f.layer,
            external_id: f.external_id,
            name: f.name,
            kind: f.kind,
            valid_from: f.valid_from,
            valid_to: f.valid_to,
            withdrawn: f.withdrawn,
            grid_id: f.grid_id,
            // Written by this store from a map of text; unreadable only if edited by hand,
            // and then a feature without attributes still draws and triages.
            attributes: serde_json::from_str(&f.attributes).unwrap_or_default(),
            geometry: f.geometry,
            area_m2: f.area_m2,
        }
    }
}

/// One stored register feature, for maps and lists.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RegisterFeature {
    pub id: i64,
    pub layer: RegisterLayer,
    pub external_id: String,
    pub name: String,
    pub kind: String,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    pub withdrawn: bool,
    /// The grid a boundary feature outlines.
    pub grid_id: Option<i64>,
    /// Every attribute of the source file, as text.
    pub attributes: std::collections::BTreeMap<String, String>,
    pub geometry: String,
    pub area_m2: f64,
}

impl RegisterFeature {
    /// The first of several attribute names present (county files name fields many ways).
    #[must_use]
    pub fn attribute(&self, names: &[&str]) -> Option<&str> {
        names.iter().find_map(|n| {
            self.attributes
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(n))
                .map(|(_, v)| v.as_str())
                .filter(|v| !v.trim().is_empty())
        })
    }
}

/// A row about to be written.
struct Row0 {
    external_id: String,
    name: String,
    kind: String,
    valid_from: Option<NaiveDate>,
    valid_to: Option<NaiveDate>,
    withdrawn: bool,
    grid_id: Option<i64>,
    attributes: String,
    shape: geo::MultiPolygon<f64>,
}

fn attributes_json(f: &minewatch_spatial::read::Feature) -> String {
    serde_json::to_string(&f.attributes).unwrap_or_else(|_| "{}".into())
}

impl Store {
    /// Imports a register layer from a read file, all or nothing.
    ///
    /// # Errors
    /// `Forbidden` unless county office; `BadFile` naming every bad feature (and grid
    /// boundaries whose township, village or grid is not in the roster).
    pub async fn import_register(
        &self,
        actor: &Actor,
        layer: RegisterLayer,
        data: Layer,
        fields: &Fields,
        now: DateTime<Utc>,
    ) -> Result<RegisterImportSummary> {
        if !may_administer_county(actor.role) {
            return Err(StoreError::Forbidden(
                "only the county office imports registers",
            ));
        }
        // Attribute values are kept as read; one past the text limit is a damaged or wrong
        // file (a whole document in a name field), refused with the feature and field.
        let limit = minewatch_core::ledger::case::MAX_TEXT_CHARS;
        let too_long: Vec<String> = data
            .features
            .iter()
            .filter_map(|f| {
                f.attributes
                    .iter()
                    .find(|(_, v)| v.chars().count() > limit)
                    .map(|(k, v)| {
                        format!(
                            "{}: feature {}: field {k} has {} characters; at most {limit}",
                            data.source,
                            f.number,
                            v.chars().count()
                        )
                    })
            })
            .take(20)
            .collect();
        if !too_long.is_empty() {
            return Err(StoreError::BadFile(too_long.join("\n")));
        }
        let source = data.source.clone();
        let crs = data.crs.to_string();
        let encoding = data.encoding.unwrap_or("").to_string();
        let names: Vec<(String, String)> = data
            .features
            .iter()
            .map(|f| {
                (
                    f.get_any(&["name", "名称", "MC", "矿山名称", "holder", "采矿权人"])
                        .unwrap_or("")
                        .to_string(),
                    attributes_json(f),
                )
            })
            .collect();
        let bad = |e: minewatch_spatial::read::ReadErrors| StoreError::BadFile(e.to_string());
        let rows: Vec<Row0> = match layer {
            RegisterLayer::Licence | RegisterLayer::Exploration | RegisterLayer::Project => {
                inputs::licences(data, fields)
                    .map_err(bad)?
                    .into_iter()
                    .zip(names)
                    .map(|(l, (name, attributes))| Row0 {
                        external_id: l.id,
                        name,
                        kind: String::new(),
                        valid_from: l.valid_from,
                        valid_to: l.valid_to,
                        withdrawn: l.withdrawn,
                        grid_id: None,
                        attributes,
                        shape: l.shape,
                    })
                    .collect()
            }
            RegisterLayer::ClosedMine | RegisterLayer::Zone => {
                let mut f = fields.clone();
                let mut data = data;
                if layer == RegisterLayer::ClosedMine {
                    f.default_zone_kind = Some(ZoneKind::AbandonedShaftArea);
                    // Shafts and well heads are surveyed as points: each guards a circle.
                    for feature in &mut data.features {
                        if let geo::Geometry::Point(p) = feature.geometry {
                            feature.geometry =
                                geo::Geometry::Polygon(circle(p.x(), p.y(), SHAFT_RADIUS_M));
                        }
                    }
                }
                inputs::zones(data, &f)
                    .map_err(bad)?
                    .into_iter()
                    .zip(names)
                    .map(|(z, (name, attributes))| Row0 {
                        external_id: z.id,
                        name,
                        kind: z.kind.code().to_string(),
                        valid_from: None,
                        valid_to: None,
                        withdrawn: false,
                        grid_id: None,
                        attributes,
                        shape: z.shape,
                    })
                    .collect()
            }
            RegisterLayer::Grid => {
                let numbers: Vec<usize> = data.features.iter().map(|f| f.number).collect();
                let grids = inputs::grids(data, fields).map_err(bad)?;
                let mut rows = Vec::new();
                let mut faults = Vec::new();
                for ((g, number), (_, attributes)) in grids.into_iter().zip(numbers).zip(names) {
                    match self.grid_by_names(actor.county_id, &g).await? {
                        Ok(grid_id) => rows.push(Row0 {
                            external_id: format!("{}/{}/{}", g.township, g.village, g.grid),
                            name: g.grid.clone(),
                            kind: String::new(),
                            valid_from: None,
                            valid_to: None,
                            withdrawn: false,
                            grid_id: Some(grid_id),
                            attributes,
                            shape: g.shape,
                        }),
                        Err(reason) => faults.push(format!("{source}: feature {number}: {reason}")),
                    }
                }
                if !faults.is_empty() {
                    return Err(StoreError::BadFile(faults.join("\n")));
                }
                rows
            }
        };

        let at = stamp(now);
        let mut tx = self.begin_write(&at).await?;
        let retired = crate::db::query(
            "UPDATE register_feature SET active = FALSE WHERE county_id = $1 AND layer = $2 AND active = TRUE",
        )
        .bind(actor.county_id)
        .bind(layer.code())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let import_id: i64 = crate::db::query(
            "INSERT INTO register_import (county_id, layer, source_file, crs, encoding, features, imported_by, imported_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(actor.county_id)
        .bind(layer.code())
        .bind(source.clone())
        .bind(crs.clone())
        .bind(encoding)
        .bind(i64::try_from(rows.len()).unwrap_or(i64::MAX))
        .bind(actor.user_id)
        .bind(at.clone())
        .fetch_scalar(&mut *tx)
        .await?;
        for r in &rows {
            let (x0, y0, x1, y1) = bbox(&r.shape);
            crate::db::query(
                "INSERT INTO register_feature (county_id, layer, import_id, external_id, name, kind, valid_from, valid_to, withdrawn, \
                 grid_id, attributes, geometry, min_lon, min_lat, max_lon, max_lat, area_m2) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
            )
            .bind(actor.county_id)
            .bind(layer.code())
            .bind(import_id)
            .bind(r.external_id.clone())
            .bind(r.name.clone())
            .bind(r.kind.clone())
            .bind(r.valid_from.map(|d| d.to_string()))
            .bind(r.valid_to.map(|d| d.to_string()))
            .bind(r.withdrawn)
            .bind(r.grid_id)
            .bind(r.attributes.clone())
            .bind(to_geojson(&geo::Geometry::MultiPolygon(r.shape.clone())))
            .bind(x0)
            .bind(y0)
            .bind(x1)
            .bind(y1)
            .bind(area_m2(&r.shape))
            .execute(&mut *tx)
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
                kind: "register.imported",
                payload: serde_json::json!({
                    "layer": layer.code(), "source_file": source, "crs": crs,
                    "features": rows.len(), "retired": retired, "import_id": import_id,
                })
                .to_string(),
                attachments: &[],
            },
        )
        .await?;
        tx.commit().await?;
        Ok(RegisterImportSummary {
            import_id,
            layer,
            features: rows.len(),
            retired,
            crs,
        })
    }

    /// The grid a boundary feature names: township, village, and grid by name, or the
    /// village's only grid when the file names none of its grids.
    async fn grid_by_names(
        &self,
        county_id: i64,
        g: &GridArea,
    ) -> Result<std::result::Result<i64, String>> {
        let rows = crate::db::query(
            "SELECT gr.id, gr.name FROM grid gr JOIN village v ON v.id = gr.village_id \
             JOIN township t ON t.id = v.township_id \
             WHERE t.county_id = $1 AND t.name = $2 AND v.name = $3 ORDER BY gr.id",
        )
        .bind(county_id)
        .bind(g.township.clone())
        .bind(g.village.clone())
        .fetch_all_as::<(i64, String)>(self.pool())
        .await?;
        if rows.is_empty() {
            return Ok(Err(format!(
                "village {} of {} is not in the roster (import the roster first)",
                g.village, g.township
            )));
        }
        let mut ids = Vec::new();
        for (id, name) in rows {
            if name == g.grid {
                return Ok(Ok(id));
            }
            ids.push(id);
        }
        match ids.as_slice() {
            [only] if g.grid == g.village => Ok(Ok(*only)),
            _ => Ok(Err(format!(
                "grid '{}' is not one of the grids of {} {}",
                g.grid, g.township, g.village
            ))),
        }
    }

    /// Every register import of the county, newest first.
    ///
    /// # Errors
    /// Database errors.
    pub async fn register_imports(&self, county_id: i64) -> Result<Vec<RegisterImportRow>> {
        let rows = crate::db::query(
            "SELECT i.id, i.layer, i.source_file, i.crs, i.encoding, i.features, i.imported_at, u.display_name AS imported_by, \
             EXISTS (SELECT 1 FROM register_feature f WHERE f.import_id = i.id AND f.active = TRUE) AS active \
             FROM register_import i JOIN app_user u ON u.id = i.imported_by WHERE i.county_id = $1 ORDER BY i.id DESC",
        )
        .bind(county_id)
        .fetch_all_as(self.pool())
        .await?;
        Ok(rows)
    }

    /// The active features of a layer (every layer when `None`).
    ///
    /// # Errors
    /// Database errors.
    pub async fn register_features(
        &self,
        county_id: i64,
        layer: Option<RegisterLayer>,
    ) -> Result<Vec<RegisterFeature>> {
        self.register_features_in(county_id, layer, None).await
    }

    /// The active features whose box meets `(min_lon, min_lat, max_lon, max_lat)` (every
    /// feature when `None`): a patch's map needs only its surroundings, not the county.
    ///
    /// # Errors
    /// Database errors.
    pub async fn register_features_in(
        &self,
        county_id: i64,
        layer: Option<RegisterLayer>,
        frame: Option<(f64, f64, f64, f64)>,
    ) -> Result<Vec<RegisterFeature>> {
        let (x0, y0, x1, y1) = frame.unwrap_or((-180.0, -90.0, 180.0, 90.0));
        let rows = crate::db::query(
            "SELECT id, layer, external_id, name, kind, valid_from, valid_to, withdrawn, grid_id, attributes, geometry, area_m2 \
             FROM register_feature WHERE county_id = $1 AND active = TRUE AND ($2 IS NULL OR layer = $2) \
             AND max_lon >= $3 AND min_lon <= $4 AND max_lat >= $5 AND min_lat <= $6 ORDER BY id",
        )
        .bind(county_id)
        .bind(layer.map(RegisterLayer::code))
        .bind(x0)
        .bind(x1)
        .bind(y0)
        .bind(y1)
        .fetch_all_as::<StoredFeature>(self.pool())
        .await?;
        Ok(rows.into_iter().map(RegisterFeature::from).collect())
    }

    /// A triager over the county's active registers; its grid areas carry the grid id as
    /// text in their `grid` field.
    ///
    /// # Errors
    /// Database errors; `Corrupt` for a stored geometry that no longer parses.
    pub async fn triager(&self, county_id: i64, default_date: NaiveDate) -> Result<Triager> {
        let features = self.register_features(county_id, None).await?;
        let date = |t: &Option<String>| {
            t.as_deref()
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        };
        let mut licences = Vec::new();
        let mut zones = Vec::new();
        let mut grids = Vec::new();
        for f in features {
            let shape = area_from_geojson(&f.geometry).map_err(StoreError::Corrupt)?;
            if f.layer.permits_digging() {
                licences.push(Licence {
                    id: f.external_id,
                    shape,
                    valid_from: date(&f.valid_from),
                    valid_to: date(&f.valid_to),
                    withdrawn: f.withdrawn,
                });
            } else if f.layer == RegisterLayer::Grid {
                let Some(grid_id) = f.grid_id else {
                    continue;
                };
                grids.push(GridArea {
                    township: String::new(),
                    village: String::new(),
                    grid: grid_id.to_string(),
                    shape,
                });
            } else {
                let kind = ZoneKind::parse(&f.kind)
                    .ok_or_else(|| StoreError::Corrupt(format!("zone kind '{}'", f.kind)))?;
                zones.push(Zone {
                    id: f.external_id,
                    kind,
                    shape,
                });
            }
        }
        Ok(Triager::new(licences, zones, grids, default_date))
    }
}

/// The grid whose boundary holds a point, with its village and township.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(clippy::struct_field_names, reason = "the three ids are what a hit is")]
pub(crate) struct GridHit {
    pub grid_id: i64,
    pub township_id: i64,
    pub village_id: i64,
}

/// Which grid of the county holds (`lon`, `lat`), by the active boundaries: the boxes narrow
/// it in SQL, the shapes decide. On the pool or inside a transaction.
pub(crate) async fn grid_at<E>(
    conn: E,
    county_id: i64,
    lon: f64,
    lat: f64,
) -> Result<Option<GridHit>>
where
    E: crate::db::Executor,
{
    use geo::Contains;
    let rows = crate::db::query(
        "SELECT f.grid_id, f.geometry, v.id AS village_id, v.township_id FROM register_feature f \
         JOIN grid gr ON gr.id = f.grid_id JOIN village v ON v.id = gr.village_id \
         WHERE f.county_id = $1 AND f.layer = 'grid' AND f.active = TRUE \
         AND f.min_lon <= $2 AND f.max_lon >= $2 AND f.min_lat <= $3 AND f.max_lat >= $3 ORDER BY f.id",
    )
    .bind(county_id)
    .bind(lon)
    .bind(lat)
    .fetch_all_as::<(i64, String, i64, i64)>(conn)
    .await?;
    for (grid_id, geometry, village_id, township_id) in rows {
        let shape = minewatch_spatial::text::shape_from_geojson(&geometry);
        if shape.contains(&geo::Point::new(lon, lat)) {
            return Ok(Some(GridHit {
                grid_id,
                township_id,
                village_id,
            }));
        }
    }
    Ok(None)
}
