//! How sqlx's errors become [`StoreError`], shared by both backends.
//!
//! A broken rule of the schema is something the caller can act on, so it never becomes
//! `Unavailable`: a uniqueness or check rule is a `Conflict` naming what clashed, and a missing
//! row that another refers to is `NotFound`. Everything else (the server is down, the disk is
//! full) is `Unavailable`, whose text is for the log only. sqlx's messages carry table and
//! constraint names, never the values bound to a query, so no health data reaches that text.

use sqlx::error::ErrorKind;

use crate::{StoreError, StoreResult};

/// Maps sqlx errors onto [`StoreError`] with `?`-friendly methods.
pub(crate) trait Db<T> {
    /// Any failure: a schema rule becomes `Conflict` (or `NotFound`), the rest `Unavailable`.
    fn db(self) -> StoreResult<T>;
    /// As [`Db::db`], but a uniqueness or check rule is reported as `Conflict(name)`.
    fn conflict(self, name: &'static str) -> StoreResult<T>;
}

impl<T> Db<T> for Result<T, sqlx::Error> {
    fn db(self) -> StoreResult<T> {
        self.map_err(|e| translate(e, None))
    }

    fn conflict(self, name: &'static str) -> StoreResult<T> {
        self.map_err(|e| translate(e, Some(name)))
    }
}

fn translate(error: sqlx::Error, name: Option<&'static str>) -> StoreError {
    if let sqlx::Error::Database(db) = &error {
        match db.kind() {
            ErrorKind::UniqueViolation => return StoreError::Conflict(name.unwrap_or("unique")),
            ErrorKind::CheckViolation | ErrorKind::ExclusionViolation => {
                return StoreError::Conflict(name.unwrap_or("check"));
            }
            ErrorKind::NotNullViolation => return StoreError::Conflict(name.unwrap_or("missing")),
            ErrorKind::ForeignKeyViolation => return StoreError::NotFound,
            _ => {}
        }
    }
    StoreError::Unavailable(error.to_string())
}

/// A migration that could not be applied stops start-up; its text names the migration.
pub(crate) fn migration(error: sqlx::migrate::MigrateError) -> StoreError {
    StoreError::Unavailable(format!("migration failed: {error}"))
}

/// A stored value that no longer parses: the database was changed behind painpath's back.
/// Only the column is named, never the value, which may be health data.
pub(crate) fn corrupt(column: &str) -> StoreError {
    StoreError::Unavailable(format!("a stored {column} cannot be read"))
}
