//! What the test suites of several crates share. Never a dependency of the product: only
//! `[dev-dependencies]` name it.

/// The URL of a new, empty PostgreSQL database on the server `MINEWATCH_TEST_PG` names, one
/// per test, so tests run side by side without seeing each other's rows. `prefix` says whose
/// it is when someone lists the server's databases (`mw_test_…`, `mw_web_…`).
///
/// # Panics
/// When `MINEWATCH_TEST_PG` is not set or the server cannot be reached: a test asked for
/// PostgreSQL and cannot have it.
pub async fn fresh_postgres(prefix: &str) -> String {
    let base = std::env::var("MINEWATCH_TEST_PG").expect(
        "MINEWATCH_TEST_PG is not set: run scripts/test, or scripts/pg-start and export its URL",
    );
    let name = format!("{prefix}_{}", rand::random::<u64>());
    let admin = sqlx::PgPool::connect(&base)
        .await
        .expect("reach PostgreSQL");
    sqlx::raw_sql(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await
        .expect("create test database");
    admin.close().await;
    let (server, _) = base.rsplit_once('/').expect("URL with a database");
    format!("{server}/{name}")
}
