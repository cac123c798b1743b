//! Persistence for minewatch behind one [`Store`]: SQLite (embedded default) or PostgreSQL,
//! chosen from the URL at start.
//!
//! One code path serves both engines: queries are portable SQL with `$n` placeholders, each
//! run by that engine's own typed sqlx driver (see `db`); only the DDL differs, in `migrations/<engine>/`. Every
//! query that reads or changes the ledger takes the caller's [`Actor`] and filters by its
//! [`minewatch_core::Scope`] here, not in the page.
//!
//! Writes follow one pattern: [`Store::begin_write`] takes the chain-head lock first, the
//! change and its event are written, and the transaction commits — so the ledger and its
//! hash-chained log never disagree and two processes never fork the chain.

mod acceptance;
mod accounts;
mod actor;
mod attachments;
mod blacklist;
mod bulletin;
mod calendar;
pub mod codes;
mod db;
#[cfg(feature = "demo")]
pub mod demo;
mod dispatch;
mod error;
mod hooks;
mod ids;
mod inspection;
mod leads;
mod ledger;
mod list;
mod lookbacks;
mod migrate;
mod notify;
mod org;
mod org_import;
mod patches;
mod patrol;
pub mod photo;
mod scoreboard;
mod secrets;
mod seizure;
mod sql;
mod stamp;
mod tips;
mod todo;
mod users;

pub use acceptance::DecisionForm;
pub use accounts::{
    AccountEvent, DEFAULT_TOKEN_DAYS, IssuedToken, MAX_TOKEN_DAYS, TokenRow, token_id_of,
};
pub use actor::Actor;
pub use attachments::{Analysed, AttachmentMeta, BlobStore, Capture, PhotoReading};
pub use blacklist::{ListedCase, ListingRow, NewListing, PunishmentRow};
pub use bulletin::{BulletinRow, BulletinSummary, CountedCaseNow, FormulaRow, Issue, IssueForm};
pub use calendar::CalendarDay;
pub use dispatch::{DispatchRow, HISTORY_WEEKS};
pub use error::StoreError;
pub use ids::{CaseId, ClueId, PatchId, UserId};
pub use inspection::{InspectionCase, InspectionRow, NewInspection};
pub use leads::{Conclusion, LeadEvidence, LeadReport, LeadRow, LeadTrack, SHOULD_HAVE_FOUND};
pub use ledger::audit::{AuditFailure, AuditReport};
pub use ledger::cases::{
    CaseDetail, CaseFilter, CaseRow, Dashboard, EventView, OverdueRow, TownshipCounts,
};
pub use ledger::clues::{ClueOutcome, ClueRow, NewClue};
pub use ledger::sheet::LedgerLine;
pub use ledger::trend::ClueWeek;
pub(crate) use list::List;
pub use lookbacks::{LookBackRow, TownshipLookBacks};
pub use notify::{ChannelRow, DeliveryJob, DeliveryRow, NewChannel, NotificationRow};
pub use org::{
    CampaignRow, DepartmentRow, GridRow, NewCampaign, NewGrid, NewUser, RoutingRow, TownshipRow,
    VillageRow,
};
pub use org_import::{OrgImportSummary, OrgRow};
pub use patches::registers::{
    RegisterFeature, RegisterImportRow, RegisterImportSummary, RegisterLayer, SHAFT_RADIUS_M,
};
pub use patches::truth::{Finding, FindingKind, PHOTO_MAX_DISTANCE_M, SAME_PICTURE_BITS};
pub use patches::{
    NewVerification, PATCH_STATUSES, PatchDetail, PatchFilter, PatchImages, PatchImportSummary,
    PatchRow, VerificationReason, VerificationRow, determination_label,
};
pub use patrol::GridPlace;
pub use patrol::compliance::{Compliance, UnitCompliance};
pub use patrol::coverage::{CoverageReport, UnitCoverage, ZoneCoverage};
pub use patrol::duty::{CALENDAR_PERIODS, Duty, DutyLine, PeriodCell, PeriodState};
pub use patrol::patrols::{
    NewPatrolRecord, PatrolFilter, PatrolLevel, PatrolRow, PatrolStep, Signature,
};
pub use patrol::reports::{
    DayMark, GridDays, LATE_LIMIT_DAYS, NewFinding, ReportBoard, ReportBody, ZeroReportOutcome,
    ZeroReportRow,
};
pub use patrol::tracks::{MAX_TRACK_POINTS, NewTrack, TrackRow};
pub use scoreboard::{CampaignResultRow, NewCampaignResult};
pub use seizure::{LotRow, MoneyLine, MoneyTotals, NewLot};
pub use stamp::Stamp;
pub use tips::rewards::{RewardRow, RewardRule, RewardTotals};
pub use tips::{
    DUPLICATE_HOURS, MAX_TIP_CHARS, MAX_TIP_PHOTOS, NewTip, TipChannel, TipLapse, TipPolicy,
    TipProgress, TipReceipt, TipRow, TipStep, Tipster, normalise_code,
};
pub use users::UserRow;

use minewatch_core::ledger::deadline::Policy;
use std::path::{Path, PathBuf};
use std::str::FromStr;

pub type Result<T> = std::result::Result<T, StoreError>;

/// Photos decoded and hashed at the same time, county-wide; the rest wait their turn.
pub const PHOTO_ANALYSES: usize = 2;

/// Which engine the store runs on; chosen from the URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The one handle everything above the store uses.
#[derive(Debug, Clone)]
pub struct Store {
    pool: db::Pool,
    backend: Backend,
    blobs: BlobStore,
    policy: Policy,
    /// The one source of randomness (look-back draws, tracking codes, secrets): seeded from
    /// the operating system, or by a test with [`Store::with_seed`] to know the draw.
    rng: std::sync::Arc<std::sync::Mutex<rand::rngs::StdRng>>,
    /// The pseudonym key, read (or made) once.
    secret: std::sync::Arc<tokio::sync::OnceCell<Vec<u8>>>,
    /// Photos analysed at the same time (decoding is the costly part of an upload).
    analysis: std::sync::Arc<tokio::sync::Semaphore>,
}

/// Where and how to open a store.
#[derive(Debug, Clone)]
pub struct StoreConfig {
    /// A file path (SQLite) or a `postgres://` URL.
    pub location: String,
    /// Directory for attachment bytes; defaults beside the SQLite file or `./blobs`.
    pub blob_dir: Option<PathBuf>,
    pub max_connections: u32,
}

impl StoreConfig {
    #[must_use]
    pub fn new(location: impl Into<String>) -> Self {
        StoreConfig {
            location: location.into(),
            blob_dir: None,
            max_connections: 8,
        }
    }
}

impl Store {
    /// Opens (creating if needed) and migrates the store.
    ///
    /// # Errors
    /// When the database cannot be reached or a migration fails.
    pub async fn open(config: StoreConfig) -> Result<Store> {
        let loc = config.location.trim();
        let max = config.max_connections.max(1);
        let connect_err = |e| StoreError::Connect {
            location: redact(loc),
            source: e,
        };
        let (backend, pool, default_blobs) = if loc.starts_with("postgres://")
            || loc.starts_with("postgresql://")
        {
            let options = sqlx::postgres::PgConnectOptions::from_str(loc).map_err(connect_err)?;
            let pool = sqlx::postgres::PgPoolOptions::new()
                .max_connections(max)
                .connect_with(options)
                .await
                .map_err(connect_err)?;
            (
                Backend::Postgres,
                db::Pool::Postgres(pool),
                PathBuf::from("blobs"),
            )
        } else {
            let path = loc.strip_prefix("sqlite://").unwrap_or(loc);
            let p = Path::new(path);
            if let Some(parent) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent).map_err(|e| StoreError::Io {
                    path: parent.to_path_buf(),
                    source: e,
                })?;
            }
            // WAL lets readers work beside the writer; NORMAL keeps every commit across
            // a process kill; the busy timeout makes writers queue, not fail.
            let options = sqlx::sqlite::SqliteConnectOptions::new()
                .filename(p)
                .create_if_missing(true)
                .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sqlx::sqlite::SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(std::time::Duration::from_secs(10));
            let pool = sqlx::sqlite::SqlitePoolOptions::new()
                .max_connections(max)
                .connect_with(options)
                .await
                .map_err(connect_err)?;
            (
                Backend::Sqlite,
                db::Pool::Sqlite(pool),
                p.with_extension("blobs"),
            )
        };
        let blobs = BlobStore::new(config.blob_dir.unwrap_or(default_blobs));
        let store = Store {
            pool,
            backend,
            blobs,
            policy: Policy::default(),
            rng: std::sync::Arc::new(std::sync::Mutex::new(
                <rand::rngs::StdRng as rand::SeedableRng>::from_entropy(),
            )),
            secret: std::sync::Arc::new(tokio::sync::OnceCell::new()),
            analysis: std::sync::Arc::new(tokio::sync::Semaphore::new(PHOTO_ANALYSES)),
        };
        migrate::run(&store).await?;
        Ok(store)
    }

    #[must_use]
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Replaces the county-wide clocks and distances (verification days, merge and
    /// recurrence radii).
    #[must_use]
    pub fn with_policy(mut self, policy: Policy) -> Self {
        self.policy = policy;
        self
    }

    /// Replaces the source of randomness by one seeded with `seed`, so a test knows every
    /// draw. Never for a real county: its tracking codes and secrets would be guessable.
    #[must_use]
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.rng = std::sync::Arc::new(std::sync::Mutex::new(
            <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(seed),
        ));
        self
    }

    /// Draws from the store's source of randomness.
    pub(crate) fn draw<T>(&self, f: impl FnOnce(&mut rand::rngs::StdRng) -> T) -> T {
        // A panic while drawing leaves the generator usable: take it back from the poison.
        let mut rng = self
            .rng
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut rng)
    }

    #[must_use]
    pub fn policy(&self) -> Policy {
        self.policy
    }

    #[must_use]
    pub fn blobs(&self) -> &BlobStore {
        &self.blobs
    }

    pub(crate) fn pool(&self) -> &db::Pool {
        &self.pool
    }

    /// Starts a write transaction holding the chain-head lock.
    pub(crate) async fn begin_write(&self, at: &str) -> Result<crate::db::Tx> {
        let mut tx = self.pool.begin().await?;
        crate::db::query("UPDATE chain_head SET touched_at = $1 WHERE id = 1")
            .bind(at.to_string())
            .execute(&mut *tx)
            .await?;
        Ok(tx)
    }

    /// Closes the pool, waiting for connections to finish.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Hides a password in a database URL before it goes into a message.
fn redact(location: &str) -> String {
    match (location.find("://"), location.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://***{}", &location[..s], &location[at..]),
        _ => location.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn redacts_passwords() {
        assert_eq!(
            super::redact("postgres://u:secret@h/db"),
            "postgres://***@h/db"
        );
        assert_eq!(super::redact("minewatch.db"), "minewatch.db");
    }
}
