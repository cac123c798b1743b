//! The `minewatch` binary: serve, build the demo county, audit the record.

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use minewatch_core::ledger::deadline::Policy;
use minewatch_core::{Clock, ManualClock, SystemClock};
use minewatch_store::{Store, StoreConfig, demo};
use minewatch_web::AppState;
use std::io::{BufRead, Write};
use std::sync::Arc;

mod files;
mod import;
mod roster;
mod triage;

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
        /// For browser tests only: let `POST /__test/clock` move the clock fixed by `--now`
        /// (to see "the next morning"). Never on a real installation.
        #[arg(long)]
        test_clock: bool,
        /// A reverse proxy (address or CIDR block, repeatable or comma-separated) whose
        /// X-Forwarded-For names the client; without it the header is never read.
        #[arg(
            long = "trusted-proxy",
            env = "MINEWATCH_TRUSTED_PROXY",
            value_delimiter = ','
        )]
        trusted_proxy: Vec<String>,
    },
    /// Build the demo county and print its log-ins.
    Demo,
    /// Set up a real county.
    County {
        #[command(subcommand)]
        command: CountyCommand,
    },
    /// Campaigns and their phases.
    Campaign {
        #[command(subcommand)]
        command: CampaignCommand,
    },
    /// The county's townships, villages and grids.
    Org {
        #[command(subcommand)]
        command: OrgCommand,
    },
    /// People who log in.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Check the record.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Import a register layer (licences, zones, grid boundaries, …) or a patch batch.
    Import(Box<import::ImportArgs>),
    /// Triage satellite change patches against licences, zones and grids, from files to
    /// a CSV or GeoJSON (no database needed).
    Triage(Box<triage::TriageArgs>),
    /// API tokens for machine clients: issue, list, revoke.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Issue a token for a machine client acting as an existing user; prints it once.
    Issue {
        /// The user the client acts as.
        #[arg(long)]
        user: String,
        /// What the token is for (kept with it and in the record).
        #[arg(long, default_value = "api client")]
        label: String,
        /// Days until it expires (at most 730).
        #[arg(long, default_value_t = minewatch_store::DEFAULT_TOKEN_DAYS)]
        days: i64,
    },
    /// List every token: id, user, label, issued, expires, revoked.
    List,
    /// Revoke a token by the id `token list` shows; it stops at once.
    Revoke { token_id: String },
}

#[derive(Subcommand)]
enum CountyCommand {
    /// Create a county with the member departments (names, duty lists) and default routing.
    Init {
        /// Short code that prefixes case numbers, e.g. QL.
        #[arg(long)]
        code: String,
        /// The county's name, e.g. 青岚县.
        #[arg(long)]
        name: String,
        /// The first county office user, created when MINEWATCH_PASSWORD holds its
        /// password (imports are recorded under it: --user or MINEWATCH_USER).
        #[arg(long, default_value = "office")]
        office_user: String,
        /// That user's name as shown on pages and in the record.
        #[arg(long, default_value = "县领导小组办公室")]
        office_name: String,
    },
}

#[derive(Subcommand)]
enum CampaignCommand {
    /// Add a campaign (专项行动) with its phases.
    Add {
        #[arg(long)]
        county: String,
        #[arg(long)]
        name: String,
        /// First day, YYYY-MM-DD.
        #[arg(long)]
        from: String,
        /// Last day, YYYY-MM-DD.
        #[arg(long)]
        to: String,
        /// A phase as NAME:YYYY-MM-DD:YYYY-MM-DD, in order; repeat for each phase.
        #[arg(long = "phase")]
        phases: Vec<String>,
    },
}

#[derive(Subcommand)]
enum OrgCommand {
    /// Add townships, villages and grids with their officials from a CSV roster (UTF-8 or
    /// GBK; columns 乡镇(街道), 村(社区), 网格, 第一责任人, 直接责任人, 包村干部, 联系电话).
    Import {
        /// The county's code.
        #[arg(long)]
        county: String,
        file: std::path::PathBuf,
        /// Accept bytes that are not valid GBK (kept as the replacement character) instead
        /// of refusing the file.
        #[arg(long)]
        lossy: bool,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user; the password is read from MINEWATCH_PASSWORD or the first line of stdin.
    Add {
        #[arg(long)]
        county: String,
        #[arg(long)]
        username: String,
        /// Name shown on pages and in the record.
        #[arg(long)]
        name: String,
        /// admin, county_office, department, township, village, inspector or checkpoint.
        #[arg(long)]
        role: String,
        /// Township name (township and village users).
        #[arg(long)]
        township: Option<String>,
        /// Village name (village users).
        #[arg(long)]
        village: Option<String>,
        /// Department code, e.g. natural_resources (department users).
        #[arg(long)]
        department: Option<String>,
    },
    /// Disable a user: they cannot sign in, their sessions end and tokens stop at once.
    Disable { username: String },
    /// Enable a disabled user again.
    Enable { username: String },
    /// Set a user's password (MINEWATCH_PASSWORD or the first line of stdin); their
    /// sessions end.
    Password { username: String },
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

async fn county_id(store: &Store, code: &str) -> Result<i64> {
    let (id, _) = store
        .county_by_code(code)
        .await
        .with_context(|| format!("no county with code '{code}'"))?;
    Ok(id)
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
    let villages: Vec<&str> = summary
        .logins
        .iter()
        .filter(|(u, role, _)| *role == minewatch_core::Role::Village && u != "village01")
        .map(|(u, _, _)| u.as_str())
        .collect();
    for (user, role, name) in &summary.logins {
        if villages.contains(&user.as_str()) {
            continue;
        }
        writeln!(out, "  {user:<28} {:<12} {name}", role.code())?;
    }
    if let (Some(first), Some(last)) = (villages.first(), villages.last()) {
        writeln!(
            out,
            "  {:<28} {:<12} one grid official per village",
            format!("{first} … {last}"),
            "village"
        )?;
    }
    Ok(())
}

/// Checks a campaign's dates: each a real date, phases in order and inside the campaign.
fn parse_campaign(
    name: &str,
    from: &str,
    to: &str,
    phases: &[String],
) -> Result<minewatch_store::NewCampaign> {
    let date = |flag: &str, v: &str| {
        chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .with_context(|| format!("{flag} '{v}' is not a date YYYY-MM-DD"))
    };
    if name.trim().is_empty() {
        bail!("--name must not be empty");
    }
    let (start, end) = (date("--from", from)?, date("--to", to)?);
    if end < start {
        bail!("--to {to} is before --from {from}");
    }
    let mut parsed = Vec::new();
    let mut previous_start = start;
    for (i, p) in phases.iter().enumerate() {
        let parts: Vec<&str> = p.rsplitn(3, ':').collect();
        let [pto, pfrom, pname] = parts.as_slice() else {
            bail!("--phase #{} '{p}' is not NAME:YYYY-MM-DD:YYYY-MM-DD", i + 1)
        };
        let (a, b) = (date("--phase", pfrom)?, date("--phase", pto)?);
        if pname.trim().is_empty() || b < a || a < previous_start || b > end {
            bail!(
                "--phase #{} '{p}' must be named, end after it starts, follow the phase before and lie within the campaign",
                i + 1
            );
        }
        previous_start = a;
        parsed.push((pname.trim().to_string(), a.to_string(), b.to_string()));
    }
    Ok(minewatch_store::NewCampaign {
        name: name.trim().to_string(),
        starts_on: start.to_string(),
        ends_on: end.to_string(),
        phases: parsed,
    })
}

/// Finds the township, village or department a new user answers for, by name or code.
#[expect(
    clippy::too_many_arguments,
    reason = "mirrors the command's flags one to one"
)]
async fn resolve_user(
    store: &Store,
    county_id: i64,
    role: minewatch_core::Role,
    username: &str,
    name: &str,
    township: Option<&str>,
    village: Option<&str>,
    department: Option<&str>,
) -> Result<minewatch_store::NewUser> {
    use minewatch_core::Role;
    let townships = store.townships(county_id).await?;
    let township_id = match township {
        Some(t) => Some(
            townships
                .iter()
                .find(|x| x.name == t)
                .map(|x| x.id)
                .with_context(|| format!("--township '{t}' is not in this county"))?,
        ),
        None => None,
    };
    let village_id = match village {
        Some(v) => {
            let matches: Vec<_> = store
                .villages(county_id, township_id)
                .await?
                .into_iter()
                .filter(|x| x.name == v)
                .collect();
            match matches.as_slice() {
                [one] => Some(one.id),
                [] => bail!(
                    "--village '{v}' is not in {}",
                    township.unwrap_or("this county")
                ),
                _ => bail!("--village '{v}' is in several townships: give --township"),
            }
        }
        None => None,
    };
    let department_id = match department {
        Some(d) => Some(
            store
                .departments(county_id)
                .await?
                .iter()
                .find(|x| x.code == d)
                .map(|x| x.id)
                .with_context(|| {
                    format!("--department '{d}' is not a department code of this county")
                })?,
        ),
        None => None,
    };
    match role {
        Role::Township if township_id.is_none() => bail!("a township user needs --township"),
        Role::Village if village_id.is_none() => bail!("a village user needs --village"),
        Role::Department if department_id.is_none() => {
            bail!("a department user needs --department")
        }
        _ => {}
    }
    let village_township = match village_id {
        Some(v) => store
            .villages(county_id, None)
            .await?
            .iter()
            .find(|x| x.id == v)
            .map(|x| x.township_id),
        None => None,
    };
    Ok(minewatch_store::NewUser {
        county_id,
        username: username.to_string(),
        display_name: name.to_string(),
        password_hash: String::new(),
        role,
        township_id: township_id
            .or(village_township)
            .filter(|_| matches!(role, Role::Township | Role::Village)),
        village_id: village_id.filter(|_| role == Role::Village),
        department_id: department_id.filter(|_| role == Role::Department),
    })
}

/// A new password from MINEWATCH_PASSWORD or the first line of stdin, hashed.
async fn new_password_hash() -> Result<String> {
    let password = match std::env::var("MINEWATCH_PASSWORD") {
        Ok(p) => p,
        Err(_) => std::io::stdin()
            .lock()
            .lines()
            .next()
            .transpose()?
            .unwrap_or_default(),
    };
    if password.chars().count() < 8 {
        bail!("the password must have at least 8 characters (MINEWATCH_PASSWORD or stdin)");
    }
    tokio::task::spawn_blocking(move || minewatch_web::auth::hash_password(&password))
        .await?
        .map_err(|e| anyhow::anyhow!("hashing the password: {e}"))
}

async fn tokens(
    store: &Store,
    command: &TokenCommand,
    now: chrono::DateTime<chrono::Utc>,
    out: &mut impl Write,
) -> Result<()> {
    match command {
        TokenCommand::Issue { user, label, days } => {
            let token = minewatch_web::auth::new_token();
            let issued = store
                .issue_api_token(None, user, label, &token, *days, now)
                .await
                .with_context(|| format!("issuing a token for '{user}'"))?;
            // The token alone on stdout, so a script can take it; the rest to stderr.
            writeln!(out, "{}", issued.token)?;
            eprintln!(
                "token {} for {} ({}), expires {}; revoke with: minewatch token revoke {}",
                issued.row.token_id,
                issued.row.username,
                issued.row.label,
                issued.row.expires_at,
                issued.row.token_id
            );
        }
        TokenCommand::List => {
            for t in store.api_tokens(None).await? {
                let state = match (&t.revoked_at, t.live(now)) {
                    (Some(r), _) => format!("revoked {r}"),
                    (None, true) => "live".to_string(),
                    (None, false) => "expired".to_string(),
                };
                writeln!(
                    out,
                    "{}  {:<24} {:<24} issued {}  expires {}  {state}",
                    t.token_id, t.username, t.label, t.created_at, t.expires_at
                )?;
            }
        }
        TokenCommand::Revoke { token_id } => {
            let t = store
                .revoke_api_token(None, token_id, now)
                .await
                .with_context(|| format!("token '{token_id}'"))?;
            writeln!(
                out,
                "Token {} of {} ({}) revoked.",
                t.token_id, t.username, t.label
            )?;
        }
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
            test_clock,
            trusted_proxy,
        } => {
            let trusted_proxies =
                minewatch_web::client::parse_trusted(trusted_proxy).map_err(anyhow::Error::msg)?;
            let (clock, clock_control) = match (test_clock, cli.now.as_deref()) {
                (true, Some(t)) => {
                    let at = chrono::DateTime::parse_from_rfc3339(t)
                        .with_context(|| format!("--now '{t}' is not an RFC 3339 time"))?;
                    let manual = ManualClock::new(at.with_timezone(&chrono::Utc));
                    (Arc::new(manual.clone()) as Arc<dyn Clock>, Some(manual))
                }
                (true, None) => bail!("--test-clock needs a fixed clock: give --now"),
                (false, _) => (clock.clone(), None),
            };
            let store = open(&cli).await?;
            if *demo {
                build_demo(&store, clock.as_ref(), &mut out).await?;
            }
            // Photos read by an older reader are read again, beside serving.
            let again = store.clone();
            tokio::spawn(async move {
                match again.reanalyse_photos().await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(photos = n, "photos read again by the current reader"),
                    Err(e) => tracing::warn!(error = %e, "reading stored photos again failed"),
                }
            });
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
                clock_control,
                trusted_proxies,
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
        Command::County {
            command:
                CountyCommand::Init {
                    code,
                    name,
                    office_user,
                    office_name,
                },
        } => {
            let store = open(&cli).await?;
            let id = store
                .init_county(code, name, |_| (String::new(), String::new()))
                .await?;
            writeln!(
                out,
                "Created county {name} ({code}, id {id}) with {} departments and default routing.",
                minewatch_core::org::DepartmentCode::ALL.len()
            )?;
            // A new county must leave a way in: its first office user, or the exact command.
            match std::env::var("MINEWATCH_PASSWORD") {
                Ok(password) if password.chars().count() >= 8 => {
                    let hash = tokio::task::spawn_blocking(move || {
                        minewatch_web::auth::hash_password(&password)
                    })
                    .await?
                    .map_err(|e| anyhow::anyhow!("hashing the password: {e}"))?;
                    store
                        .create_user(
                            &minewatch_store::NewUser {
                                county_id: id,
                                username: office_user.clone(),
                                display_name: office_name.clone(),
                                password_hash: hash,
                                role: minewatch_core::Role::CountyOffice,
                                township_id: None,
                                village_id: None,
                                department_id: None,
                            },
                            clock.now(),
                        )
                        .await?;
                    writeln!(
                        out,
                        "Created the county office user '{office_user}' ({office_name}): sign in with the password from MINEWATCH_PASSWORD; imports run as it with --user {office_user}."
                    )?;
                }
                Ok(_) => bail!(
                    "county {code} was created, but MINEWATCH_PASSWORD is shorter than 8 characters: no user was made; run\n  MINEWATCH_PASSWORD='…' minewatch user add --county {code} --username {office_user} --name '{office_name}' --role county_office"
                ),
                Err(_) => writeln!(
                    out,
                    "No user can sign in yet. Create the county office user (password from MINEWATCH_PASSWORD or the first line of stdin):\n  MINEWATCH_PASSWORD='…' minewatch user add --county {code} --username {office_user} --name '{office_name}' --role county_office\nthen import as it: minewatch import … --user {office_user}"
                )?,
            }
        }
        Command::Campaign {
            command:
                CampaignCommand::Add {
                    county,
                    name,
                    from,
                    to,
                    phases,
                },
        } => {
            let store = open(&cli).await?;
            let county_id = county_id(&store, county).await?;
            let campaign = parse_campaign(name, from, to, phases)?;
            let id = store.create_campaign(county_id, &campaign).await?;
            writeln!(
                out,
                "Added campaign {name} (id {id}) with {} phases.",
                campaign.phases.len()
            )?;
        }
        Command::Org {
            command:
                OrgCommand::Import {
                    county,
                    file,
                    lossy,
                },
        } => {
            let store = open(&cli).await?;
            let county_id = county_id(&store, county).await?;
            let path = file.clone();
            let (rows, encoding) = tokio::task::spawn_blocking({
                let lossy = *lossy;
                move || roster::read(&path, lossy)
            })
            .await??;
            let s = store
                .import_org(county_id, &rows, None, clock.now())
                .await
                .with_context(|| format!("{}: nothing was imported", file.display()))?;
            writeln!(
                out,
                "{} ({encoding}, {} rows): added {} townships, {} villages, {} grids; updated {} grids.",
                file.display(),
                rows.len(),
                s.townships_added,
                s.villages_added,
                s.grids_added,
                s.grids_updated
            )?;
        }
        Command::User {
            command:
                UserCommand::Add {
                    county,
                    username,
                    name,
                    role,
                    township,
                    village,
                    department,
                },
        } => {
            let store = open(&cli).await?;
            let county_id = county_id(&store, county).await?;
            let role = minewatch_core::Role::from_code(role).with_context(|| {
                format!("--role '{role}' is not one of admin, county_office, department, township, village, inspector, checkpoint")
            })?;
            let new = resolve_user(
                &store,
                county_id,
                role,
                username,
                name,
                township.as_deref(),
                village.as_deref(),
                department.as_deref(),
            )
            .await?;
            let hash = new_password_hash().await?;
            let id = store
                .create_user(
                    &minewatch_store::NewUser {
                        password_hash: hash,
                        ..new
                    },
                    clock.now(),
                )
                .await?;
            writeln!(out, "Added user {username} (id {id}, {}).", role.code())?;
        }
        Command::Import(args) => {
            let store = open(&cli).await?;
            import::run(&store, args, clock.now(), &mut out).await?;
        }
        Command::Triage(args) => {
            let today = minewatch_core::clock::local_date(clock.now());
            triage::run(args, today, &mut std::io::stderr())?;
        }
        Command::User {
            command: UserCommand::Disable { username } | UserCommand::Enable { username },
        } => {
            let store = open(&cli).await?;
            let active = matches!(
                &cli.command,
                Command::User {
                    command: UserCommand::Enable { .. }
                }
            );
            let user = store
                .set_user_active(None, username, active, clock.now())
                .await
                .with_context(|| format!("user '{username}'"))?;
            let what = if active {
                "enabled: they can sign in again"
            } else {
                "disabled: their sessions ended and their tokens stopped"
            };
            writeln!(
                out,
                "User {} ({}) {what}.",
                user.username, user.display_name
            )?;
        }
        Command::User {
            command: UserCommand::Password { username },
        } => {
            let store = open(&cli).await?;
            store
                .user_named(username)
                .await
                .with_context(|| format!("user '{username}'"))?;
            let hash = new_password_hash().await?;
            store
                .set_password(None, username, &hash, None, clock.now())
                .await
                .with_context(|| format!("user '{username}'"))?;
            writeln!(out, "Password of {username} set; their sessions ended.")?;
        }
        Command::Token { command } => {
            let store = open(&cli).await?;
            tokens(&store, command, clock.now(), &mut out).await?;
        }
    }
    Ok(())
}
