//! How geographic files are read, as both `triage` and `import` take it on the command line.

use anyhow::{Result, anyhow};
use clap::Args;
use minewatch_spatial::area::Invalid;
use minewatch_spatial::crs::Crs;
use minewatch_spatial::read::ReadOptions;

#[derive(Args)]
pub struct FileOptions {
    /// Coordinate system of every input, overriding .prj files and guessing
    /// (EPSG:NNNN, GCJ02, BD09).
    #[arg(long)]
    pub crs: Option<String>,
    /// Attribute encoding of Shapefiles without a .cpg (default: detected; GBK, UTF-8).
    #[arg(long)]
    pub encoding: Option<String>,
    /// Accept attribute bytes that are not valid in the encoding (kept as the replacement
    /// character) instead of refusing the record.
    #[arg(long)]
    pub lossy: bool,
    /// Repair invalid polygons (as GEOS MakeValid) instead of refusing the file.
    #[arg(long)]
    pub repair: bool,
}

impl FileOptions {
    pub fn read_options(&self) -> Result<ReadOptions> {
        Ok(ReadOptions {
            crs: self.crs.as_deref().map(Crs::parse).transpose()?,
            encoding: match &self.encoding {
                Some(label) => Some(
                    encoding_rs::Encoding::for_label(label.as_bytes())
                        .ok_or_else(|| anyhow!("unknown encoding '{label}'"))?,
                ),
                None => None,
            },
            lossy: self.lossy,
        })
    }

    pub fn invalid(&self) -> Invalid {
        if self.repair {
            Invalid::Repair
        } else {
            Invalid::Refuse
        }
    }
}
