//! The `minewatch` binary: serve, build the demo county, audit the record.

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use minewatch_core::deadline::Policy;
use minewatch_core::{Clock, ManualClock, SystemClock};
use minewatch_store::{Store, StoreConfig, demo};
use minewatch_web::AppState;
use std::io::Write;
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "minewatch",
    version,
    about = "Ledger and field work against illegal mining"
)]
struct Cli {
    /// Database: a SQLite file path, or a postgres:// URL.
    #[arg(
        long,
        global = true,
        env = "MINEWATCH_DB",
        default_value = "minewatch.db"
    )]
    db: String,
    /// Directory for attachment bytes (default: beside the SQLite file, or ./blobs).
    #[arg(long, global = true, env = "MINEWATCH_BLOBS")]
    blobs: Option<std::path::PathBuf>,
    /// Fix the clock at this instant (RFC 3339), for demonstrations and tests.
    #[arg(long, global = true, env = "MINEWATCH_NOW")]
    now: Option<String>,
    /// A clue this close (metres) to an open case joins it (R10).
    #[arg(
        long,
        global = true,
        env = "MINEWATCH_MERGE_RADIUS_M",
        default_value_t = 150.0
    )]
    merge_radius_m: f64,
    /// A clue this close (metres) to a closed case is a recurrence (R14).
    #[arg(
        long,
        global = true,
        env = "MINEWATCH_RECURRENCE_RADIUS_M",
        default_value_t = 300.0
    )]
    recurrence_radius_m: f64,
    /// Days a newly registered case has to be verified.
    #[arg(
        long,
        global = true,
        env = "MINEWATCH_VERIFY_DAYS",
        default_value_t = 3
    )]
    verify_days: i64,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the pages and the API.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "MINEWATCH_ADDR", default_value = "127.0.0.1:8080")]
        addr: String,
        /// Build the demo county first (if the database does not have it yet).
        #[arg(long)]
        demo: bool,
        /// Mark cookies Secure (set when served over HTTPS).
        #[arg(long, env = "MINEWATCH_SECURE_COOKIES")]
        secure_cookies: bool,
    },
    /// Build the demo county and print its log-ins.
    Demo,
    /// Check the record.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Issue an API token for a machine client acting as an existing user.
    Token {
        /// The user the client acts as.
        #[arg(long)]
        user: String,
        /// What the token is for (shown in the audit log).
        #[arg(long, default_value = "api client")]
        label: String,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Re-walk the hash chain and re-derive every case; fails naming the first bad record.
    Verify,
}

fn clock(now: Option<&str>) -> Result<Arc<dyn Clock>> {
    Ok(match now {
        Some(t) => {
            let at = chrono::DateTime::parse_from_rfc3339(t)
                .with_context(|| format!("--now '{t}' is not an RFC 3339 time"))?;
            Arc::new(ManualClock::new(at.with_timezone(&chrono::Utc)))
        }
        None => Arc::new(SystemClock),
    })
}

async fn open(cli: &Cli) -> Result<Store> {
    for (name, v) in [
        ("--merge-radius-m", cli.merge_radius_m),
        ("--recurrence-radius-m", cli.recurrence_radius_m),
    ] {
        if !v.is_finite() || !(0.0..=50_000.0).contains(&v) {
            bail!("{name} must be between 0 and 50000 metres, not {v}");
        }
    }
    if !(0..=365).contains(&cli.verify_days) {
        bail!(
            "--verify-days must be between 0 and 365, not {}",
            cli.verify_days
        );
    }
    let mut cfg = StoreConfig::new(cli.db.clone());
    cfg.blob_dir.clone_from(&cli.blobs);
    let place = if cli.db.contains("://") {
        "at the given URL"
    } else {
        cli.db.as_str()
    };
    let store = Store::open(cfg)
        .await
        .with_context(|| format!("opening the database {place}"))?;
    Ok(store.with_policy(Policy {
        verify_days: cli.verify_days,
        merge_radius_m: cli.merge_radius_m,
        recurrence_radius_m: cli.recurrence_radius_m,
        ..Policy::default()
    }))
}

async fn build_demo(store: &Store, clock: &dyn Clock, out: &mut impl Write) -> Result<()> {
    let hash =
        tokio::task::spawn_blocking(|| minewatch_web::auth::hash_password(demo::DEMO_PASSWORD))
            .await?
            .map_err(|e| anyhow::anyhow!("hashing the demo password: {e}"))?;
    let summary = demo::build(store, clock.now(), &hash).await?;
    if summary.already_present {
        writeln!(
            out,
            "Demo county already present ({} townships, {} villages).",
            summary.townships, summary.villages
        )?;
    } else {
        writeln!(
            out,
            "Built the demo county 青岚县: {} townships, {} villages, {} cases.",
            summary.townships, summary.villages, summary.cases
        )?;
    }
    writeln!(
        out,
        "Demo log-ins (password for all: {}):",
        demo::DEMO_PASSWORD
    )?;
    for (user, role, name) in &summary.logins {
        writeln!(out, "  {user:<28} {:<12} {name}", role.code())?;
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
    let cli = Cli::parse();
    let clock = clock(cli.now.as_deref())?;
    let mut out = std::io::stdout();
    match &cli.command {
        Command::Serve {
            addr,
            demo,
            secure_cookies,
        } => {
            let store = open(&cli).await?;
            if *demo {
                build_demo(&store, clock.as_ref(), &mut out).await?;
            }
            let listener = tokio::net::TcpListener::bind(addr)
                .await
                .with_context(|| format!("cannot listen on {addr}"))?;
            let local = listener.local_addr()?;
            writeln!(out, "minewatch serving at http://{local}/")?;
            out.flush()?;
            let state = AppState {
                store,
                clock,
                secure_cookies: *secure_cookies,
            };
            minewatch_web::serve(state, listener, async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await?;
        }
        Command::Demo => {
            let store = open(&cli).await?;
            build_demo(&store, clock.as_ref(), &mut out).await?;
        }
        Command::Audit {
            command: AuditCommand::Verify,
        } => {
            let store = open(&cli).await?;
            match store.audit_verify().await? {
                Ok(report) => writeln!(
                    out,
                    "audit verify: OK — {} events in an unbroken chain, {} cases match their events",
                    report.events, report.cases
                )?,
                Err(failure) => {
                    eprintln!("audit verify: FAILED — {failure}");
                    std::process::exit(1);
                }
            }
        }
        Command::Token { user, label } => {
            let store = open(&cli).await?;
            let Some((actor, _)) = store.login_lookup(user).await? else {
                bail!("no active user '{user}'")
            };
            let token = minewatch_web::auth::new_token();
            store
                .create_api_token(actor.user_id, label, &token, clock.now())
                .await?;
            writeln!(out, "{token}")?;
        }
    }
    Ok(())
}
