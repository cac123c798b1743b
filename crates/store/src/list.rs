//! A list column — the photos of a determination, the attachments of a clue, the clues a
//! daily report filed: a PostgreSQL array (`TEXT[]`, `BIGINT[]`), and on SQLite, which has
//! no arrays, a JSON array in text (`["ab12…","cd34…"]`, `[17,18]`), which `json_each`
//! can open. Rows read it, and statements bind it, as a `Vec` on both engines.

use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::{PgArgumentBuffer, PgHasArrayType, PgTypeInfo, PgValueRef};
use sqlx::sqlite::{SqliteArgumentValue, SqliteTypeInfo, SqliteValueRef};
use sqlx::{Decode, Encode, Postgres, Sqlite, Type};

/// The items of a list column.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct List<T>(pub Vec<T>);

impl<T> From<List<T>> for Vec<T> {
    fn from(l: List<T>) -> Self {
        l.0
    }
}

impl<T: PgHasArrayType> Type<Postgres> for List<T> {
    fn type_info() -> PgTypeInfo {
        T::array_type_info()
    }
    fn compatible(ty: &PgTypeInfo) -> bool {
        T::array_compatible(ty)
    }
}

impl<'r, T> Decode<'r, Postgres> for List<T>
where
    T: PgHasArrayType + for<'a> Decode<'a, Postgres> + Type<Postgres>,
{
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
        Ok(List(<Vec<T> as Decode<Postgres>>::decode(value)?))
    }
}

impl<T> Encode<'_, Postgres> for List<T>
where
    T: PgHasArrayType + for<'a> Encode<'a, Postgres> + Type<Postgres>,
{
    fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        <Vec<T> as Encode<Postgres>>::encode_by_ref(&self.0, buf)
    }
}

impl<T> Type<Sqlite> for List<T> {
    fn type_info() -> SqliteTypeInfo {
        <String as Type<Sqlite>>::type_info()
    }
    fn compatible(ty: &SqliteTypeInfo) -> bool {
        <String as Type<Sqlite>>::compatible(ty)
    }
}

impl<'r, T: DeserializeOwned> Decode<'r, Sqlite> for List<T> {
    fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
        let text = <&str as Decode<Sqlite>>::decode(value)?;
        // '' is the columns' declared default, which SQLite cannot change in place.
        if text.is_empty() {
            return Ok(List(Vec::new()));
        }
        Ok(List(serde_json::from_str(text)?))
    }
}

impl<'q, T: Serialize> Encode<'q, Sqlite> for List<T> {
    fn encode_by_ref(&self, buf: &mut Vec<SqliteArgumentValue<'q>>) -> Result<IsNull, BoxDynError> {
        <String as Encode<'q, Sqlite>>::encode(serde_json::to_string(&self.0)?, buf)
    }
}

impl From<List<String>> for crate::db::Value {
    fn from(l: List<String>) -> Self {
        crate::db::Value::Texts(l.0)
    }
}

impl From<List<i64>> for crate::db::Value {
    fn from(l: List<i64>) -> Self {
        crate::db::Value::Ids(l.0)
    }
}
