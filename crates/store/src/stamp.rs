//! A moment as the store keeps it: a PostgreSQL `TIMESTAMPTZ`, and on SQLite (which has no
//! time type) RFC 3339 UTC text with milliseconds, which sorts as text. Rows and the API carry
//! it as that text (`2026-06-01T02:00:00.000Z`), so a reader sees the same thing on both
//! engines.

use std::fmt;
use std::ops::Deref;

use chrono::{DateTime, SecondsFormat, Utc};
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::{PgArgumentBuffer, PgTypeInfo, PgValueRef};
use sqlx::sqlite::{SqliteArgumentValue, SqliteTypeInfo, SqliteValueRef};
use sqlx::{Decode, Encode, Postgres, Sqlite, Type};

/// A stored moment, as its RFC 3339 UTC text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Stamp(String);

impl Stamp {
    /// The moment, in the store's form.
    #[must_use]
    pub fn at(t: DateTime<Utc>) -> Self {
        Stamp(t.to_rfc3339_opts(SecondsFormat::Millis, true))
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The moment itself; `None` only for text that an older version stored unparseable.
    #[must_use]
    pub fn time(&self) -> Option<DateTime<Utc>> {
        DateTime::parse_from_rfc3339(&self.0)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    }

    /// RFC 3339 text with any offset, as the moment it names.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        DateTime::parse_from_rfc3339(text)
            .ok()
            .map(|t| Stamp::at(t.with_timezone(&Utc)))
    }

    fn time_or_err(&self) -> Result<DateTime<Utc>, BoxDynError> {
        self.time()
            .ok_or_else(|| format!("not an RFC 3339 time: '{}'", self.0).into())
    }
}

impl<'de> serde::Deserialize<'de> for Stamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Stamp::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "not an RFC 3339 time (e.g. 2026-06-01T08:30:00+08:00): '{text}'"
            ))
        })
    }
}

impl Deref for Stamp {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Stamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl utoipa::PartialSchema for Stamp {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .format(Some(utoipa::openapi::schema::SchemaFormat::KnownFormat(
                utoipa::openapi::schema::KnownFormat::DateTime,
            )))
            .description(Some("A moment in UTC, RFC 3339 with milliseconds"))
            .into()
    }
}

impl utoipa::ToSchema for Stamp {}

impl Type<Postgres> for Stamp {
    fn type_info() -> PgTypeInfo {
        <DateTime<Utc> as Type<Postgres>>::type_info()
    }
    fn compatible(ty: &PgTypeInfo) -> bool {
        <DateTime<Utc> as Type<Postgres>>::compatible(ty)
    }
}

impl<'r> Decode<'r, Postgres> for Stamp {
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
        Ok(Stamp::at(<DateTime<Utc> as Decode<Postgres>>::decode(
            value,
        )?))
    }
}

impl Encode<'_, Postgres> for Stamp {
    fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        <DateTime<Utc> as Encode<Postgres>>::encode_by_ref(&self.time_or_err()?, buf)
    }
}

impl Type<Sqlite> for Stamp {
    fn type_info() -> SqliteTypeInfo {
        <String as Type<Sqlite>>::type_info()
    }
    fn compatible(ty: &SqliteTypeInfo) -> bool {
        <String as Type<Sqlite>>::compatible(ty)
    }
}

impl<'r> Decode<'r, Sqlite> for Stamp {
    fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
        Ok(Stamp(<String as Decode<Sqlite>>::decode(value)?))
    }
}

impl<'q> Encode<'q, Sqlite> for Stamp {
    fn encode_by_ref(&self, buf: &mut Vec<SqliteArgumentValue<'q>>) -> Result<IsNull, BoxDynError> {
        <String as Encode<'q, Sqlite>>::encode(self.0.clone(), buf)
    }
}

impl From<Stamp> for crate::db::Value {
    fn from(s: Stamp) -> Self {
        crate::db::Value::Stamp(Some(s))
    }
}

impl From<&Stamp> for crate::db::Value {
    fn from(s: &Stamp) -> Self {
        crate::db::Value::Stamp(Some(s.clone()))
    }
}

impl crate::db::Null<Stamp> for crate::db::Value {
    fn null() -> Self {
        crate::db::Value::Stamp(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_round_trips_through_the_moment() {
        let t = DateTime::parse_from_rfc3339("2026-06-01T02:00:00.250Z")
            .map(|t| t.with_timezone(&Utc))
            .ok();
        let s = Stamp::at(t.unwrap_or_default());
        assert_eq!(s.as_str(), "2026-06-01T02:00:00.250Z");
        assert_eq!(s.time(), t);
        assert!(Stamp("yesterday".into()).time_or_err().is_err());
    }
}
