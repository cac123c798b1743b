//! `minewatch import`: register layers and patch batches from files into the ledger.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result, anyhow, bail};
use clap::Args;
use minewatch_spatial::inputs::Fields;
use minewatch_spatial::read::read_layer;
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
    #[command(flatten)]
    pub files: crate::files::FileOptions,
    /// Attribute holding the id (licence number, zone id, patch number).
    #[arg(long)]
    pub id_field: Option<String>,
    /// Attribute holding a patch's later image date (default: later_date, HSX, 后时相, …).
    #[arg(long)]
    pub date_field: Option<String>,
    /// The later image's date for patches that carry none, YYYY-MM-DD.
    #[arg(long)]
    pub later_date: Option<String>,
    /// Kind of the zones in the file (e.g. ecological_red_line, drinking_water_source): for
    /// features with no kind attribute and for those whose kind is not one minewatch knows.
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
    let options = args.files.read_options()?;
    let fields = Fields {
        patch_id: args.id_field.clone(),
        later_date: args.date_field.clone(),
        licence_id: args.id_field.clone(),
        zone_id: args.id_field.clone(),
        zone_kind: None,
        batch_later_date: match &args.later_date {
            Some(d) => Some(
                minewatch_spatial::inputs::parse_date(d)
                    .ok_or_else(|| anyhow!("--later-date '{d}' is not a date YYYY-MM-DD"))?,
            ),
            None => None,
        },
        // The office said what the file holds: a kind we do not know takes it.
        unknown_kind_as_default: args.zone_kind.is_some(),
        default_zone_kind: match &args.zone_kind {
            Some(k) => {
                Some(ZoneKind::parse(k).ok_or_else(|| anyhow!("zone kind '{k}' is unknown"))?)
            }
            None => None,
        },
        invalid: args.files.invalid(),
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
        let images = store_images(store, &actor, &args.file, &layer_data, &fields, now).await?;
        let s = store
            .import_patches_with_images(&actor, batch, layer_data, &fields, &images, now)
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
        if s.undated > 0 {
            writeln!(
                out,
                "warning: {} of {} patches carry no later-image date (后时相/HSX; --date-field names another attribute): \
                 their licences were judged valid or not on the import day {}, and their photos cannot be checked against the image. \
                 Give the date with --later-date YYYY-MM-DD and import the batch again under a new name.",
                s.undated,
                s.patches,
                minewatch_core::clock::local_date(now)
            )?;
        }
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

/// Usual attribute names of a patch's earlier and later image files (paths relative to the
/// batch file).
const BEFORE_IMAGE: &[&str] = &["before_image", "QSXYX", "前时相影像"];
const AFTER_IMAGE: &[&str] = &["after_image", "HSXYX", "后时相影像"];
/// Image files larger than this are refused.
const MAX_IMAGE_BYTES: u64 = 20 * 1024 * 1024;

/// Reads every image the batch names, all before storing any, so a missing file stops the
/// import with its name and the patch it belongs to.
async fn store_images(
    store: &Store,
    actor: &minewatch_store::Actor,
    batch_file: &std::path::Path,
    layer: &minewatch_spatial::read::Layer,
    fields: &Fields,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<minewatch_store::PatchImages> {
    let dir = batch_file.parent().unwrap_or(std::path::Path::new("."));
    let mut wanted = Vec::new();
    let mut faults = Vec::new();
    for f in &layer.features {
        let id = match &fields.patch_id {
            Some(name) => f.get(name),
            None => f.get_any(minewatch_spatial::inputs::usual::PATCH_ID),
        };
        let Some(id) = id else { continue };
        for (slot, names) in [(0, BEFORE_IMAGE), (1, AFTER_IMAGE)] {
            let Some(name) = f.get_any(names) else {
                continue;
            };
            let path = dir.join(name);
            match std::fs::metadata(&path) {
                Ok(m) if m.len() > MAX_IMAGE_BYTES => faults.push(format!(
                    "{}: feature {}: image {name} is larger than 20 MB",
                    layer.source, f.number
                )),
                Ok(_) => wanted.push((id.to_string(), slot, path)),
                Err(e) => faults.push(format!(
                    "{}: feature {}: image {name}: {e}",
                    layer.source, f.number
                )),
            }
        }
    }
    if !faults.is_empty() {
        bail!("nothing was imported:\n{}", faults.join("\n"));
    }
    let mut images = minewatch_store::PatchImages::new();
    for (id, slot, path) in wanted {
        let bytes = tokio::fs::read(&path)
            .await
            .with_context(|| format!("reading {}", path.display()))?;
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("image");
        let sha = store
            .put_attachment(actor, bytes, name, None, now)
            .await?
            .sha256;
        let entry = images.entry(id).or_default();
        if slot == 0 {
            entry.0 = Some(sha);
        } else {
            entry.1 = Some(sha);
        }
    }
    Ok(images)
}
