//! Numbered migrations, one folder per engine (`migrations/sqlite`, `migrations/postgres`),
//! embedded by `sqlx::migrate!`: the folder is the list, and each file's SHA-384 is kept
//! when it is applied, so a released file that was edited later is refused at start rather
//! than silently differing between databases.
//!
//! sqlx's own runner is not used to apply them: one migration (5) fills its new tables from
//! the old ones with Rust code, inside the same transaction as its DDL, and sqlx runs nothing
//! between two files. So this runner applies each file itself and records it in
//! `schema_migration`, which older databases already have.

use sqlx::migrate::{Migration, Migrator};

use crate::{Backend, Result, Store, StoreError};

static SQLITE: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES: Migrator = sqlx::migrate!("migrations/postgres");

/// The migrations of one engine, oldest first.
pub(crate) fn migrations(backend: Backend) -> impl Iterator<Item = &'static Migration> {
    match backend {
        Backend::Sqlite => SQLITE.iter(),
        Backend::Postgres => POSTGRES.iter(),
    }
}

/// The migration that back-fills attachment uploads and uses from the rows before it.
const BACKFILL_ATTACHMENTS: i64 = 5;

pub(crate) async fn run(store: &Store) -> Result<()> {
    let pool = store.pool();
    crate::db::run_script(
        pool,
        "CREATE TABLE IF NOT EXISTS schema_migration (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL, checksum TEXT)",
    )
    .await?;
    add_checksum_column(store).await?;
    for m in migrations(store.backend()) {
        let checksum = hex::encode(&m.checksum);
        let mut tx = pool.begin().await?;
        if store.backend() == Backend::Postgres {
            // Several servers may start at once: one migrates, the others wait here.
            crate::db::run_script(&mut tx, "LOCK TABLE schema_migration IN EXCLUSIVE MODE").await?;
        }
        let applied = crate::db::query("SELECT checksum FROM schema_migration WHERE version = $1")
            .bind(m.version)
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(row) = applied {
            match row.try_get::<Option<String>, _>(0)? {
                Some(kept) if kept != checksum => {
                    return Err(StoreError::MigrationEdited {
                        version: m.version,
                        name: m.description.to_string(),
                    });
                }
                Some(_) => {}
                // Applied before checksums were kept: what ran is what was released.
                None => {
                    crate::db::query(
                        "UPDATE schema_migration SET checksum = $1 WHERE version = $2",
                    )
                    .bind(checksum)
                    .bind(m.version)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            tx.commit().await?;
            continue;
        }
        crate::db::run_script(&mut tx, &m.sql)
            .await
            .map_err(|e| StoreError::Migration {
                version: m.version,
                name: m.description.to_string(),
                source: e,
            })?;
        if m.version == BACKFILL_ATTACHMENTS {
            crate::attachments::backfill(&mut tx).await?;
        }
        crate::db::query(
            "INSERT INTO schema_migration (version, name, applied_at, checksum) VALUES ($1, $2, $3, $4)",
        )
        .bind(m.version)
        .bind(m.description.to_string())
        .bind(chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .bind(checksum)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
    }
    Ok(())
}

/// Databases made before checksums were kept lack the column.
async fn add_checksum_column(store: &Store) -> Result<()> {
    let pool = store.pool();
    let (has_column, add) = match store.backend() {
        Backend::Postgres => (
            "SELECT COUNT(*) FROM information_schema.columns WHERE table_name = 'schema_migration' AND column_name = 'checksum'",
            // Another server may add it meanwhile.
            "ALTER TABLE schema_migration ADD COLUMN IF NOT EXISTS checksum TEXT",
        ),
        Backend::Sqlite => (
            "SELECT COUNT(*) FROM pragma_table_info('schema_migration') WHERE name = 'checksum'",
            "ALTER TABLE schema_migration ADD COLUMN checksum TEXT",
        ),
    };
    let has: i64 = crate::db::query(has_column).fetch_scalar(pool).await?;
    if has == 0 {
        crate::db::run_script(pool, add).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_engines_have_the_same_migrations() {
        let names = |b| {
            migrations(b)
                .map(|m| (m.version, m.description.to_string()))
                .collect::<Vec<_>>()
        };
        let sqlite = names(Backend::Sqlite);
        assert_eq!(sqlite, names(Backend::Postgres));
        assert!(sqlite.len() >= 6);
        assert_eq!(sqlite[4], (BACKFILL_ATTACHMENTS, "evidence".to_string()));
    }
}
