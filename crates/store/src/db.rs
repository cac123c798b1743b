//! The two engines behind one query interface, each driven by its own typed sqlx driver
//! (`SqlitePool`, `PgPool`).
//!
//! A statement is written once, in the portable SQL both engines accept with `$n`
//! placeholders; its values are kept as [`Value`]s and bound with each engine's own types
//! when it runs, so a missing float reaches PostgreSQL as a `float8` NULL and a number as
//! `int8`, never as whatever a lowest-common-denominator driver guesses. Rows decode either
//! into a `#[derive(sqlx::FromRow)]` struct ([`Query::fetch_all_as`]) — checked against
//! both engines' types at compile time — or column by column ([`Row::try_get`]).

use sqlx::postgres::{PgConnection, PgPool, PgRow};
use sqlx::sqlite::{SqliteConnection, SqlitePool, SqliteRow};
use sqlx::{Arguments, ColumnIndex, Decode, FromRow, Postgres, Sqlite, Type};
use std::borrow::Cow;

/// A pool on one of the two engines.
#[derive(Debug, Clone)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A connection taken from the pool: a transaction, or one held for a run of reads.
#[derive(Debug)]
pub(crate) enum Conn {
    SqliteTx(sqlx::Transaction<'static, Sqlite>),
    PostgresTx(sqlx::Transaction<'static, Postgres>),
    Sqlite(sqlx::pool::PoolConnection<Sqlite>),
    Postgres(sqlx::pool::PoolConnection<Postgres>),
}

/// A transaction; it derefs to the [`Conn`] the store's helpers take, and ends only by
/// [`Tx::commit`] (dropping it rolls back).
#[derive(Debug)]
pub(crate) struct Tx(Conn);

impl std::ops::Deref for Tx {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        &self.0
    }
}

impl std::ops::DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut Conn {
        &mut self.0
    }
}

impl Tx {
    pub(crate) async fn commit(self) -> Result<(), sqlx::Error> {
        match self.0 {
            Conn::SqliteTx(t) => t.commit().await,
            Conn::PostgresTx(t) => t.commit().await,
            // A Tx is made only by Pool::begin, which always holds a transaction.
            Conn::Sqlite(_) | Conn::Postgres(_) => Ok(()),
        }
    }
}

impl Pool {
    pub(crate) async fn begin(&self) -> Result<Tx, sqlx::Error> {
        Ok(Tx(match self {
            Pool::Sqlite(p) => Conn::SqliteTx(p.begin().await?),
            Pool::Postgres(p) => Conn::PostgresTx(p.begin().await?),
        }))
    }

    pub(crate) async fn acquire(&self) -> Result<Conn, sqlx::Error> {
        Ok(match self {
            Pool::Sqlite(p) => Conn::Sqlite(p.acquire().await?),
            Pool::Postgres(p) => Conn::Postgres(p.acquire().await?),
        })
    }

    pub(crate) async fn close(&self) {
        match self {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
    }
}

/// Where a statement runs, borrowed for one call.
pub(crate) enum Target<'a> {
    SqlitePool(&'a SqlitePool),
    PostgresPool(&'a PgPool),
    Sqlite(&'a mut SqliteConnection),
    Postgres(&'a mut PgConnection),
}

/// Anything a statement can run on: the pool, a held connection or a transaction.
pub(crate) trait Executor: Send {
    fn target(&mut self) -> Target<'_>;
}

impl Executor for &Pool {
    fn target(&mut self) -> Target<'_> {
        match self {
            Pool::Sqlite(p) => Target::SqlitePool(p),
            Pool::Postgres(p) => Target::PostgresPool(p),
        }
    }
}

impl Conn {
    fn target(&mut self) -> Target<'_> {
        match self {
            Conn::SqliteTx(t) => Target::Sqlite(t),
            Conn::PostgresTx(t) => Target::Postgres(t),
            Conn::Sqlite(c) => Target::Sqlite(c),
            Conn::Postgres(c) => Target::Postgres(c),
        }
    }
}

impl Executor for &mut Conn {
    fn target(&mut self) -> Target<'_> {
        Conn::target(self)
    }
}

impl Executor for &mut Tx {
    fn target(&mut self) -> Target<'_> {
        self.0.target()
    }
}

/// One bound value, typed; `None` is a NULL of that type.
#[derive(Debug, Clone)]
pub(crate) enum Value {
    I64(Option<i64>),
    Bool(Option<bool>),
    F64(Option<f64>),
    Text(Option<String>),
    Bytes(Option<Vec<u8>>),
    Stamp(Option<crate::Stamp>),
    /// A list column's items (never NULL: an empty list is none).
    Texts(Vec<String>),
    Ids(Vec<i64>),
}

macro_rules! value_from {
    ($variant:ident: $($t:ty => $conv:expr),* $(,)?) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Value {
                #[allow(clippy::redundant_closure_call)]
                Value::$variant(Some(($conv)(v)))
            }
        }
    )*};
}

value_from!(I64: i64 => |v| v, i32 => i64::from, u32 => i64::from);
value_from!(F64: f64 => |v| v);
value_from!(Text: String => |v| v, &str => str::to_string, &String => String::clone);
value_from!(Bytes: Vec<u8> => |v| v, &[u8] => <[u8]>::to_vec);

value_from!(Bool: bool => |v| v);

impl<T> From<Option<T>> for Value
where
    T: Into<Value>,
    Value: Null<T>,
{
    fn from(v: Option<T>) -> Value {
        match v {
            Some(v) => v.into(),
            None => <Value as Null<T>>::null(),
        }
    }
}

/// The typed NULL for a Rust type.
pub(crate) trait Null<T> {
    fn null() -> Value;
}

macro_rules! null_of {
    ($variant:ident: $($t:ty),*) => {$(
        impl Null<$t> for Value {
            fn null() -> Value {
                Value::$variant(None)
            }
        }
    )*};
}

null_of!(I64: i64, i32, u32);
null_of!(Bool: bool);
null_of!(F64: f64);
null_of!(Text: String, &str, &String);
null_of!(Bytes: Vec<u8>, &[u8]);

/// One statement with its values.
#[derive(Debug, Clone)]
pub(crate) struct Query<'q> {
    sql: Cow<'q, str>,
    values: Vec<Value>,
}

/// A statement's text; it runs on either engine.
pub(crate) fn query<'q>(sql: impl Into<Cow<'q, str>>) -> Query<'q> {
    Query {
        sql: sql.into(),
        values: Vec::new(),
    }
}

fn encode(e: sqlx::error::BoxDynError) -> sqlx::Error {
    sqlx::Error::Encode(e)
}

/// What a statement changed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Done {
    rows: u64,
}

impl Done {
    pub(crate) fn rows_affected(self) -> u64 {
        self.rows
    }
}

/// A row from either engine.
pub(crate) enum Row {
    Sqlite(SqliteRow),
    Postgres(PgRow),
}

/// A type both engines decode.
pub(crate) trait Column:
    for<'r> Decode<'r, Sqlite> + Type<Sqlite> + for<'r> Decode<'r, Postgres> + Type<Postgres>
{
}

impl<T> Column for T where
    T: for<'r> Decode<'r, Sqlite> + Type<Sqlite> + for<'r> Decode<'r, Postgres> + Type<Postgres>
{
}

/// A row type both engines decode into.
pub(crate) trait Record:
    for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

impl<T> Record for T where
    T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

impl Row {
    pub(crate) fn try_get<T, I>(&self, index: I) -> Result<T, sqlx::Error>
    where
        T: Column,
        I: ColumnIndex<SqliteRow> + ColumnIndex<PgRow>,
    {
        match self {
            Row::Sqlite(r) => sqlx::Row::try_get(r, index),
            Row::Postgres(r) => sqlx::Row::try_get(r, index),
        }
    }

    pub(crate) fn decode<T: Record>(&self) -> Result<T, sqlx::Error> {
        match self {
            Row::Sqlite(r) => T::from_row(r),
            Row::Postgres(r) => T::from_row(r),
        }
    }
}

/// Runs `$body` on whichever engine `$target` is, with that engine's arguments for the
/// query and the constructor that wraps its rows: one text of each call for four targets.
macro_rules! on_engine {
    ($target:expr, $query:ident, |$exec:ident, $args:ident, $row:ident| $body:expr) => {
        match $target {
            Target::SqlitePool($exec) => {
                let $args = $query.arguments::<Sqlite>()?;
                let $row = Row::Sqlite;
                $body
            }
            Target::Sqlite($exec) => {
                let $args = $query.arguments::<Sqlite>()?;
                let $row = Row::Sqlite;
                $body
            }
            Target::PostgresPool($exec) => {
                let $args = $query.arguments::<Postgres>()?;
                let $row = Row::Postgres;
                $body
            }
            Target::Postgres($exec) => {
                let $args = $query.arguments::<Postgres>()?;
                let $row = Row::Postgres;
                $body
            }
        }
    };
}

impl Query<'_> {
    pub(crate) fn bind(mut self, value: impl Into<Value>) -> Self {
        self.values.push(value.into());
        self
    }

    pub(crate) fn push_value(&mut self, value: Value) {
        self.values.push(value);
    }

    /// The values as one engine's arguments, each with that engine's own type.
    fn arguments<'a, DB>(&self) -> Result<<DB as sqlx::Database>::Arguments<'a>, sqlx::Error>
    where
        DB: sqlx::Database,
        Option<i64>: sqlx::Encode<'a, DB> + Type<DB>,
        Option<bool>: sqlx::Encode<'a, DB> + Type<DB>,
        Option<f64>: sqlx::Encode<'a, DB> + Type<DB>,
        Option<String>: sqlx::Encode<'a, DB> + Type<DB>,
        Option<Vec<u8>>: sqlx::Encode<'a, DB> + Type<DB>,
        Option<crate::Stamp>: sqlx::Encode<'a, DB> + Type<DB>,
        crate::List<String>: sqlx::Encode<'a, DB> + Type<DB>,
        crate::List<i64>: sqlx::Encode<'a, DB> + Type<DB>,
    {
        let mut args = <DB as sqlx::Database>::Arguments::<'a>::default();
        for v in &self.values {
            match v {
                Value::I64(x) => args.add(*x),
                Value::Bool(x) => args.add(*x),
                Value::F64(x) => args.add(*x),
                Value::Text(x) => args.add(x.clone()),
                Value::Bytes(x) => args.add(x.clone()),
                Value::Stamp(x) => args.add(x.clone()),
                Value::Texts(x) => args.add(crate::List(x.clone())),
                Value::Ids(x) => args.add(crate::List(x.clone())),
            }
            .map_err(encode)?;
        }
        Ok(args)
    }

    pub(crate) async fn fetch_all(&self, mut on: impl Executor) -> Result<Vec<Row>, sqlx::Error> {
        let sql = self.sql.as_ref();
        Ok(on_engine!(on.target(), self, |exec, args, row| {
            sqlx::query_with(sql, args)
                .fetch_all(exec)
                .await?
                .into_iter()
                .map(row)
                .collect()
        }))
    }

    pub(crate) async fn fetch_optional(
        &self,
        mut on: impl Executor,
    ) -> Result<Option<Row>, sqlx::Error> {
        let sql = self.sql.as_ref();
        Ok(on_engine!(on.target(), self, |exec, args, row| {
            sqlx::query_with(sql, args)
                .fetch_optional(exec)
                .await?
                .map(row)
        }))
    }

    pub(crate) async fn fetch_one(&self, on: impl Executor) -> Result<Row, sqlx::Error> {
        self.fetch_optional(on)
            .await?
            .ok_or(sqlx::Error::RowNotFound)
    }

    pub(crate) async fn execute(&self, mut on: impl Executor) -> Result<Done, sqlx::Error> {
        let sql = self.sql.as_ref();
        let rows = on_engine!(on.target(), self, |exec, args, _row| sqlx::query_with(
            sql, args
        )
        .execute(exec)
        .await?
        .rows_affected());
        Ok(Done { rows })
    }

    /// Every row decoded into `T`.
    pub(crate) async fn fetch_all_as<T: Record>(
        &self,
        on: impl Executor,
    ) -> Result<Vec<T>, sqlx::Error> {
        self.fetch_all(on).await?.iter().map(Row::decode).collect()
    }

    /// The one row, decoded into `T`.
    pub(crate) async fn fetch_one_as<T: Record>(
        &self,
        on: impl Executor,
    ) -> Result<T, sqlx::Error> {
        self.fetch_one(on).await?.decode()
    }

    /// The row, if there is one, decoded into `T`.
    pub(crate) async fn fetch_optional_as<T: Record>(
        &self,
        on: impl Executor,
    ) -> Result<Option<T>, sqlx::Error> {
        self.fetch_optional(on)
            .await?
            .as_ref()
            .map(Row::decode)
            .transpose()
    }

    /// The first column of the one row.
    pub(crate) async fn fetch_scalar<T: Column>(
        &self,
        on: impl Executor,
    ) -> Result<T, sqlx::Error> {
        self.fetch_one(on).await?.try_get(0)
    }

    /// The first column of the row, if there is one.
    pub(crate) async fn fetch_optional_scalar<T: Column>(
        &self,
        on: impl Executor,
    ) -> Result<Option<T>, sqlx::Error> {
        self.fetch_optional(on)
            .await?
            .map(|r| r.try_get(0))
            .transpose()
    }

    /// The first column of every row.
    pub(crate) async fn fetch_all_scalar<T: Column>(
        &self,
        on: impl Executor,
    ) -> Result<Vec<T>, sqlx::Error> {
        self.fetch_all(on)
            .await?
            .iter()
            .map(|r| r.try_get(0))
            .collect()
    }
}

/// Runs a script of several statements without values (migrations, pragmas).
pub(crate) async fn run_script(mut on: impl Executor, script: &str) -> Result<(), sqlx::Error> {
    match on.target() {
        Target::SqlitePool(p) => sqlx::raw_sql(script).execute(p).await.map(|_| ()),
        Target::Sqlite(c) => sqlx::raw_sql(script).execute(c).await.map(|_| ()),
        Target::PostgresPool(p) => sqlx::raw_sql(script).execute(p).await.map(|_| ()),
        Target::Postgres(c) => sqlx::raw_sql(script).execute(c).await.map(|_| ()),
    }
}
