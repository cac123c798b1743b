//! Errors of the store. Variants carry what a user needs to act (the field, the id); SQL
//! errors are kept as sources for the log and never shown to clients.

use minewatch_core::Refusal;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error("cannot open the database at {location}: {source}")]
    Connect {
        location: String,
        source: sqlx::Error,
    },
    #[error("database error: {0}")]
    Sql(#[from] sqlx::Error),
    #[error("migration {version} ({name}) failed: {source}")]
    Migration {
        version: i64,
        name: String,
        source: sqlx::Error,
    },
    /// A migration applied here differs from the file of the same number now shipped.
    #[error(
        "migration {version} ({name}) differs from the one this database was migrated with: a released migration must never be edited; add a new one"
    )]
    MigrationEdited { version: i64, name: String },
    #[error("file error at {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Not there, or not visible to this user — the two are not told apart.
    #[error("{what} {id} not found")]
    NotFound { what: &'static str, id: String },
    /// Input that names a field and says what is wrong with it.
    #[error("field '{field}': {reason}")]
    Invalid { field: &'static str, reason: String },
    /// A row of an imported file that names its line and field.
    #[error("line {line}, field '{field}': {reason}")]
    InvalidRow {
        line: usize,
        field: &'static str,
        reason: String,
    },
    /// A file that cannot be imported, with every fault and its place.
    #[error("{0}")]
    BadFile(String),
    #[error("not permitted: {0}")]
    Forbidden(&'static str),
    #[error(transparent)]
    Refused(#[from] Refusal),
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
}

impl StoreError {
    pub(crate) fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        StoreError::Invalid {
            field,
            reason: reason.into(),
        }
    }

    pub(crate) fn not_found(what: &'static str, id: impl ToString) -> Self {
        StoreError::NotFound {
            what,
            id: id.to_string(),
        }
    }
}

/// Refuses a name or reference over [`minewatch_core::ledger::case::MAX_NAME_CHARS`], naming it.
pub(crate) fn check_names(fields: &[(&'static str, &str)]) -> crate::Result<()> {
    let limit = minewatch_core::ledger::case::MAX_NAME_CHARS;
    for (field, value) in fields {
        let n = value.chars().count();
        if n > limit {
            return Err(StoreError::invalid(
                field,
                format!("has {n} characters; at most {limit}"),
            ));
        }
    }
    Ok(())
}

/// A text field that must be given, trimmed, at most `max` characters; refused naming it.
pub(crate) fn required_text(field: &'static str, value: &str, max: usize) -> crate::Result<String> {
    let t = value.trim();
    if t.is_empty() {
        return Err(StoreError::invalid(field, "required"));
    }
    if t.chars().count() > max {
        return Err(StoreError::invalid(
            field,
            format!("at most {max} characters"),
        ));
    }
    Ok(t.to_string())
}

/// Refuses a text field over [`minewatch_core::ledger::case::MAX_TEXT_CHARS`], naming it, before
/// anything is stored.
pub(crate) fn check_lengths(fields: &[(&'static str, &str)]) -> crate::Result<()> {
    match minewatch_core::ledger::case::too_long(fields) {
        Some((field, n)) => Err(StoreError::invalid(
            field,
            format!(
                "has {n} characters; at most {}",
                minewatch_core::ledger::case::MAX_TEXT_CHARS
            ),
        )),
        None => Ok(()),
    }
}
