//! `minewatch import`: register layers and patch batches from files into the ledger.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result, anyhow, bail};
use clap::Args;
use minewatch_spatial::area::Invalid;
use minewatch_spatial::crs::Crs;
use minewatch_spatial::inputs::Fields;
use minewatch_spatial::read::{ReadOptions, read_layer};
use minewatch_spatial::zone::ZoneKind;
use minewatch_store::{RegisterLayer, Store};

#[derive(Args)]
pub struct ImportArgs {
    /// What the file holds: licence, exploration, project, closed_mine, zone, grid, or
    /// patches (a satellite batch).
    pub layer: String,
    /// GeoJSON, Shapefile, KML.
    pub file: PathBuf,
    /// Name of the patch batch, e.g. "2026年第二季度卫片".
    #[arg(long)]
    pub batch: Option<String>,
    /// The county office user the import is recorded under.
    #[arg(long, env = "MINEWATCH_USER", default_value = "admin")]
    pub user: String,
    /// Coordinate system, overriding the .prj (EPSG:NNNN, GCJ02).
    #[arg(long)]
    pub crs: Option<String>,
    /// Attribute encoding of a Shapefile without .cpg (GBK, UTF-8).
    #[arg(long)]
    pub encoding: Option<String>,
    /// Repair invalid polygons instead of refusing the file.
    #[arg(long)]
    pub repair: bool,
    /// Attribute holding the id (licence number, zone id, patch number).
    #[arg(long)]
    pub id_field: Option<String>,
    /// Attribute holding a patch's later image date.
    #[arg(long)]
    pub date_field: Option<String>,
    /// Kind of zones whose features carry none (e.g. ecological_red_line).
    #[arg(long)]
    pub zone_kind: Option<String>,
}

pub async fn run(
    store: &Store,
    args: &ImportArgs,
    now: chrono::DateTime<chrono::Utc>,
    out: &mut impl Write,
) -> Result<()> {
    let Some((actor, _)) = store.login_lookup(&args.user).await? else {
        bail!(
            "no active user '{}' (give --user, a county office user)",
            args.user
        )
    };
    let options = ReadOptions {
        crs: args.crs.as_deref().map(Crs::parse).transpose()?,
        encoding: match &args.encoding {
            Some(label) => Some(
                encoding_rs::Encoding::for_label(label.as_bytes())
                    .ok_or_else(|| anyhow!("unknown encoding '{label}'"))?,
            ),
            None => None,
        },
    };
    let fields = Fields {
        patch_id: args.id_field.clone(),
        later_date: args.date_field.clone(),
        licence_id: args.id_field.clone(),
        zone_id: args.id_field.clone(),
        zone_kind: None,
        default_zone_kind: match &args.zone_kind {
            Some(k) => {
                Some(ZoneKind::parse(k).ok_or_else(|| anyhow!("zone kind '{k}' is unknown"))?)
            }
            None => None,
        },
        invalid: if args.repair {
            Invalid::Repair
        } else {
            Invalid::Refuse
        },
    };
    let path = args.file.clone();
    let layer_data = tokio::task::spawn_blocking(move || read_layer(&path, &options))
        .await?
        .map_err(|e| anyhow!("{e}"))
        .context("nothing was imported")?;
    let encoding = layer_data.encoding.unwrap_or("-");
    let crs = layer_data.crs.to_string();
    if args.layer == "patches" {
        let Some(batch) = &args.batch else {
            bail!("give the batch a name: --batch \"2026年第二季度卫片\"")
        };
        let s = store
            .import_patches(&actor, batch, layer_data, &fields, now)
            .await
            .context("nothing was imported")?;
        let classes: Vec<String> = s.by_class.iter().map(|(c, n)| format!("{c} {n}")).collect();
        writeln!(
            out,
            "Batch {batch} ({crs}, {encoding}): {} patches ({}); {} suspect patches filed as clues ({} joined open cases).",
            s.patches,
            classes.join(", "),
            s.suspects,
            s.merged
        )?;
        return Ok(());
    }
    let layer = RegisterLayer::from_code(&args.layer).ok_or_else(|| {
        let known: Vec<&str> = RegisterLayer::ALL.iter().map(|l| l.code()).collect();
        anyhow!(
            "unknown layer '{}': {} or patches",
            args.layer,
            known.join(", ")
        )
    })?;
    let s = store
        .import_register(&actor, layer, layer_data, &fields, now)
        .await
        .context("nothing was imported")?;
    writeln!(
        out,
        "{} ({crs}, {encoding}): {} features imported as {}; {} earlier ones retired.",
        args.file.display(),
        s.features,
        layer.label(true),
        s.retired
    )?;
    Ok(())
}
