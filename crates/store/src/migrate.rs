//! Numbered migrations, one folder per engine; a released file is never edited.

use crate::{Backend, Result, Store, StoreError};

struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "ledger",
        sqlite: include_str!("../migrations/sqlite/0001_ledger.sql"),
        postgres: include_str!("../migrations/postgres/0001_ledger.sql"),
    },
    Migration {
        version: 2,
        name: "sky",
        sqlite: include_str!("../migrations/sqlite/0002_sky.sql"),
        postgres: include_str!("../migrations/postgres/0002_sky.sql"),
    },
    Migration {
        version: 3,
        name: "ground",
        sqlite: include_str!("../migrations/sqlite/0003_ground.sql"),
        postgres: include_str!("../migrations/postgres/0003_ground.sql"),
    },
    Migration {
        version: 4,
        name: "public",
        sqlite: include_str!("../migrations/sqlite/0004_public.sql"),
        postgres: include_str!("../migrations/postgres/0004_public.sql"),
    },
    Migration {
        version: 5,
        name: "evidence",
        sqlite: include_str!("../migrations/sqlite/0005_evidence.sql"),
        postgres: include_str!("../migrations/postgres/0005_evidence.sql"),
    },
    Migration {
        version: 6,
        name: "accounts",
        sqlite: include_str!("../migrations/sqlite/0006_accounts.sql"),
        postgres: include_str!("../migrations/postgres/0006_accounts.sql"),
    },
];

pub(crate) async fn run(store: &Store) -> Result<()> {
    let pool = store.pool();
    crate::db::run_script(
        pool,
        "CREATE TABLE IF NOT EXISTS schema_migration (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
    )
    .await?;
    for m in MIGRATIONS {
        let mut tx = pool.begin().await?;
        if store.backend() == Backend::Postgres {
            // Several servers may start at once: one migrates, the others wait here.
            crate::db::run_script(&mut tx, "LOCK TABLE schema_migration IN EXCLUSIVE MODE").await?;
        }
        let done: i64 =
            crate::db::query("SELECT COUNT(*) AS n FROM schema_migration WHERE version = $1")
                .bind(m.version)
                .fetch_scalar(&mut *tx)
                .await?;
        if done > 0 {
            tx.commit().await?;
            continue;
        }
        let ddl = match store.backend() {
            Backend::Sqlite => m.sqlite,
            Backend::Postgres => m.postgres,
        };
        crate::db::run_script(&mut tx, ddl)
            .await
            .map_err(|e| StoreError::Migration {
                version: m.version,
                name: m.name,
                source: e,
            })?;
        if m.version == 5 {
            crate::attachments::backfill(&mut tx).await?;
        }
        crate::db::query(
            "INSERT INTO schema_migration (version, name, applied_at) VALUES ($1, $2, $3)",
        )
        .bind(m.version)
        .bind(m.name)
        .bind(chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
    }
    Ok(())
}
