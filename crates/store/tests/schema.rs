//! The two engines' migrations must build the same schema: the same tables, the same
//! columns with corresponding types and nullability, and the same indexes. The DDL is the
//! one place the engines differ, so a column added to one folder and forgotten in the other
//! fails here rather than on a county's server.

#[macro_use]
mod common;

use sqlx::Row;
use std::collections::BTreeMap;

/// table → column → (type class, not null)
type Columns = BTreeMap<String, BTreeMap<String, (String, bool)>>;
/// index name → (table, columns in order, unique)
type Indexes = BTreeMap<String, (String, Vec<String>, bool)>;

fn class(engine_type: &str) -> String {
    match engine_type.to_ascii_lowercase().as_str() {
        "integer" | "bigint" => "integer".into(),
        // SQLite has no boolean type: its flags are INTEGER 0/1, PostgreSQL's are BOOLEAN
        // (migration 7); sqlx reads both as bool.
        "boolean" => "integer".into(),
        // Nor a time type: moments are RFC 3339 UTC text there, TIMESTAMPTZ here (migration 8).
        "timestamp with time zone" => "text".into(),
        // Nor arrays: lists are JSON arrays in text there, arrays here (migration 9).
        "array" => "text".into(),
        "real" | "double precision" => "float".into(),
        "text" => "text".into(),
        "blob" | "bytea" => "bytes".into(),
        other => format!("unexpected:{other}"),
    }
}

async fn sqlite_schema(url: &str) -> (Columns, Indexes) {
    let pool = sqlx::SqlitePool::connect(url).await.expect("open SQLite");
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .fetch_all(&pool)
    .await
    .expect("tables");
    let mut columns = Columns::new();
    let mut indexes = Indexes::new();
    for t in &tables {
        let rows = sqlx::query("SELECT name, type, \"notnull\", pk FROM pragma_table_info($1)")
            .bind(t)
            .fetch_all(&pool)
            .await
            .expect("columns");
        let cols = columns.entry(t.clone()).or_default();
        for r in rows {
            let not_null = r.get::<i64, _>("notnull") == 1 || r.get::<i64, _>("pk") > 0;
            cols.insert(
                r.get("name"),
                (class(&r.get::<String, _>("type")), not_null),
            );
        }
        let list = sqlx::query("SELECT name, \"unique\", origin FROM pragma_index_list($1)")
            .bind(t)
            .fetch_all(&pool)
            .await
            .expect("indexes");
        for ix in list {
            // Only indexes made by CREATE INDEX: those behind UNIQUE and PRIMARY KEY
            // constraints are named by each engine in its own way.
            if ix.get::<String, _>("origin") != "c" {
                continue;
            }
            let name: String = ix.get("name");
            let cols: Vec<String> =
                sqlx::query_scalar("SELECT name FROM pragma_index_info($1) ORDER BY seqno")
                    .bind(&name)
                    .fetch_all(&pool)
                    .await
                    .expect("index columns");
            indexes.insert(name, (t.clone(), cols, ix.get::<i64, _>("unique") == 1));
        }
    }
    pool.close().await;
    (columns, indexes)
}

async fn postgres_schema(url: &str) -> (Columns, Indexes) {
    let pool = sqlx::PgPool::connect(url).await.expect("open PostgreSQL");
    let rows = sqlx::query(
        "SELECT table_name::text AS t, column_name::text AS c, data_type::text AS ty, is_nullable::text AS n \
         FROM information_schema.columns WHERE table_schema = 'public'",
    )
    .fetch_all(&pool)
    .await
    .expect("columns");
    let mut columns = Columns::new();
    for r in rows {
        columns.entry(r.get("t")).or_default().insert(
            r.get("c"),
            (
                class(&r.get::<String, _>("ty")),
                r.get::<String, _>("n") == "NO",
            ),
        );
    }
    let rows = sqlx::query(
        "SELECT i.relname::text AS name, t.relname::text AS tbl, x.indisunique AS uniq, \
                ARRAY(SELECT a.attname::text FROM unnest(x.indkey) WITH ORDINALITY AS k(attnum, ord) \
                      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord) AS cols \
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace \
         WHERE n.nspname = 'public' AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
    )
    .fetch_all(&pool)
    .await
    .expect("indexes");
    let mut indexes = Indexes::new();
    for r in rows {
        indexes.insert(r.get("name"), (r.get("tbl"), r.get("cols"), r.get("uniq")));
    }
    pool.close().await;
    (columns, indexes)
}

#[tokio::test]
async fn both_engines_build_the_same_schema() {
    let dir_s = tempfile::tempdir().expect("temp dir");
    let dir_p = tempfile::tempdir().expect("temp dir");
    let (sqlite, sqlite_url) = common::open_store(false, &dir_s).await;
    let (pg, pg_url) = common::open_store(true, &dir_p).await;
    sqlite.close().await;
    pg.close().await;
    let (s_cols, s_idx) = sqlite_schema(&sqlite_url).await;
    let (p_cols, p_idx) = postgres_schema(&pg_url).await;

    assert!(
        s_cols.len() > 20,
        "the SQLite schema has its tables: {s_cols:?}"
    );
    let s_tables: Vec<_> = s_cols.keys().collect();
    let p_tables: Vec<_> = p_cols.keys().collect();
    assert_eq!(s_tables, p_tables, "the same tables on both engines");
    for (table, cols) in &s_cols {
        assert_eq!(
            Some(cols),
            p_cols.get(table),
            "table {table}: columns (type class, not null) differ between SQLite and PostgreSQL"
        );
    }
    assert!(!s_idx.is_empty(), "the schema has indexes");
    assert_eq!(s_idx, p_idx, "the same indexes on both engines");
}

/// Each applied migration's checksum is kept: a database migrated before checksums were kept
/// gets them on its next start, and one whose shipped file was edited after release is
/// refused with the migration named, its data untouched.
async fn an_edited_migration_is_refused(pg: bool) {
    let dir = tempfile::tempdir().expect("temp dir");
    let (store, url) = common::open_store(pg, &dir).await;
    store.close().await;
    let location = |url: &str| {
        url.strip_prefix("sqlite://")
            .map_or_else(|| url.to_string(), str::to_string)
    };
    let blobs = dir.path().join("blobs");
    let reopen = |url: String| {
        let mut cfg = minewatch_store::StoreConfig::new(location(&url));
        cfg.blob_dir = Some(blobs.clone());
        minewatch_store::Store::open(cfg)
    };

    // As a database made before checksums were kept: no such column.
    common::tamper(&url, "ALTER TABLE schema_migration DROP COLUMN checksum").await;
    reopen(url.clone())
        .await
        .expect("an older database opens")
        .close()
        .await;
    let kept: Vec<Option<String>> = if pg {
        let pool = sqlx::PgPool::connect(&url).await.expect("connect");
        sqlx::query_scalar("SELECT checksum FROM schema_migration ORDER BY version")
            .fetch_all(&pool)
            .await
            .expect("checksums")
    } else {
        let pool = sqlx::SqlitePool::connect(&url).await.expect("connect");
        sqlx::query_scalar("SELECT checksum FROM schema_migration ORDER BY version")
            .fetch_all(&pool)
            .await
            .expect("checksums")
    };
    assert!(kept.len() >= 6);
    assert!(
        kept.iter()
            .all(|c| c.as_ref().is_some_and(|c| c.len() == 96)),
        "each migration's SHA-384 is kept: {kept:?}"
    );

    common::tamper(
        &url,
        "UPDATE schema_migration SET checksum = 'ab' WHERE version = 3",
    )
    .await;
    match reopen(url.clone()).await {
        Err(e @ minewatch_store::StoreError::MigrationEdited { version: 3, .. }) => {
            assert!(e.to_string().contains("never be edited"), "{e}");
        }
        Err(e) => panic!("expected the edited migration named, got {e}"),
        Ok(_) => panic!("a database migrated with another file opened"),
    }
}

/// Lists were comma-separated text before migration 9: a database written then reads them
/// back as arrays on PostgreSQL and as JSON arrays on SQLite, every item kept in order.
async fn comma_lists_become_lists(pg: bool) {
    use chrono::TimeZone;
    let dir = tempfile::tempdir().expect("temp dir");
    let (store, url) = common::open_store(pg, &dir).await;
    let now = chrono::Utc
        .with_ymd_and_hms(2026, 6, 1, 2, 0, 0)
        .single()
        .expect("time");
    minewatch_store::demo::build(&store, now, "-")
        .await
        .expect("demo");
    store.close().await;
    // Back to the text lists migration 9 found, with some items of our own.
    let undo = if pg {
        "ALTER TABLE clue ALTER COLUMN attachments DROP DEFAULT, ALTER COLUMN attachments TYPE TEXT USING array_to_string(attachments, ','), ALTER COLUMN attachments SET DEFAULT '';
         ALTER TABLE patch_verification ALTER COLUMN photos DROP DEFAULT, ALTER COLUMN photos TYPE TEXT USING array_to_string(photos, ','), ALTER COLUMN photos SET DEFAULT '';
         ALTER TABLE zero_report ALTER COLUMN clue_ids DROP DEFAULT, ALTER COLUMN clue_ids TYPE TEXT USING array_to_string(clue_ids, ','), ALTER COLUMN clue_ids SET DEFAULT '';"
    } else {
        "UPDATE clue SET attachments = COALESCE((SELECT group_concat(value, ',') FROM json_each(clue.attachments)), '');
         UPDATE patch_verification SET photos = COALESCE((SELECT group_concat(value, ',') FROM json_each(patch_verification.photos)), '');
         UPDATE zero_report SET clue_ids = COALESCE((SELECT group_concat(value, ',') FROM json_each(zero_report.clue_ids)), '');"
    };
    common::tamper(&url, undo).await;
    common::tamper(
        &url,
        "UPDATE clue SET attachments = 'aa11,bb22' WHERE id = (SELECT MIN(id) FROM clue);
         UPDATE clue SET attachments = '' WHERE id = (SELECT MAX(id) FROM clue);
         UPDATE zero_report SET clue_ids = '7,9' WHERE id = (SELECT MIN(id) FROM zero_report);
         DELETE FROM schema_migration WHERE version = 9;",
    )
    .await;

    let mut cfg = minewatch_store::StoreConfig::new(
        url.strip_prefix("sqlite://")
            .map_or_else(|| url.clone(), str::to_string),
    );
    cfg.blob_dir = Some(dir.path().join("blobs"));
    minewatch_store::Store::open(cfg)
        .await
        .expect("migration 9 runs again")
        .close()
        .await;

    let read = |sql_pg: &'static str, sql_lite: &'static str| {
        let url = url.clone();
        async move {
            if pg {
                let pool = sqlx::PgPool::connect(&url).await.expect("connect");
                let v: String = sqlx::query_scalar(sql_pg)
                    .fetch_one(&pool)
                    .await
                    .expect("read");
                v
            } else {
                let pool = sqlx::SqlitePool::connect(&url).await.expect("connect");
                let v: String = sqlx::query_scalar(sql_lite)
                    .fetch_one(&pool)
                    .await
                    .expect("read");
                v
            }
        }
    };
    let first_clue = read(
        "SELECT array_to_string(attachments, '|') || '/' || array_length(attachments, 1) FROM clue ORDER BY id LIMIT 1",
        "SELECT attachments FROM clue ORDER BY id LIMIT 1",
    )
    .await;
    let last_clue = read(
        "SELECT COALESCE(array_length(attachments, 1), 0)::TEXT FROM clue ORDER BY id DESC LIMIT 1",
        "SELECT attachments FROM clue ORDER BY id DESC LIMIT 1",
    )
    .await;
    let report = read(
        "SELECT array_to_string(clue_ids, '|') || '/' || pg_typeof(clue_ids)::TEXT FROM zero_report ORDER BY id LIMIT 1",
        "SELECT clue_ids FROM zero_report ORDER BY id LIMIT 1",
    )
    .await;
    if pg {
        assert_eq!(first_clue, "aa11|bb22/2");
        assert_eq!(last_clue, "0");
        assert_eq!(report, "7|9/bigint[]");
    } else {
        assert_eq!(first_clue, r#"["aa11","bb22"]"#);
        assert_eq!(last_clue, "[]");
        assert_eq!(report, "[7,9]");
    }
}

on_both!(an_edited_migration_is_refused, comma_lists_become_lists);
