//! The ids of the things the ledger and its capabilities pass around most: a case, a clue,
//! a satellite patch, a user. Each is its own type, so a patch id cannot be handed where a
//! case id is wanted; on the wire and in the database each is the plain integer.

use std::fmt;

macro_rules! ids {
    ($($(#[doc = $doc:literal])* $name:ident;)*) => {$(
        $(#[doc = $doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize, sqlx::Type, utoipa::ToSchema,
        )]
        #[serde(transparent)]
        #[sqlx(transparent)]
        #[schema(value_type = i64)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map($name)
            }
        }

        impl From<$name> for crate::db::Value {
            fn from(id: $name) -> Self {
                id.0.into()
            }
        }

        impl crate::db::Null<$name> for crate::db::Value {
            fn null() -> Self {
                crate::db::Value::I64(None)
            }
        }
    )*};
}

ids! {
    /// A case in the ledger (`case_file.id`).
    CaseId;
    /// A clue (`clue.id`).
    ClueId;
    /// A satellite change patch (`patch.id`).
    PatchId;
    /// A user account (`app_user.id`).
    UserId;
}
