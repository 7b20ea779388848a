//! The station database: one SQLite file per election, in WAL mode with
//! `synchronous=FULL`, foreign keys on, schema versioned by migrations.
//!
//! Records are appended, never overwritten: readings, decisions and the audit
//! log are protected by triggers, and each audit row carries the hash of the
//! previous one.

// Rows are decoded from a file on disk: no unchecked casts.
#![warn(clippy::as_conversions)]

mod audit;
mod complaints;
mod error;
pub mod records;
mod schema;
mod serials;
mod sessions;
mod sheets;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};

pub use audit::{AuditEntry, ChainCheck, check_chain};
pub use complaints::Complaint;
pub use error::StoreError;
pub use records::{DEMO_MARK, Decision, DecisionRecord, SheetRecord, SheetRow, StationMode};
pub use schema::SCHEMA_VERSION;
pub use serials::{PrintRun, RunOrigin, serials_hash};
pub use sessions::{SessionInfo, SessionState};
pub use sheets::Reconciliation;

use crate::election::{Election, Fingerprint, parse_election};

/// An open station database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

/// Current time as stored: RFC 3339 UTC with milliseconds.
pub(crate) fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

impl Store {
    /// Opens (creating if needed) and migrates the database at `path`.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let sql = |source| StoreError::sqlite(path, source);
        let conn = Connection::open(path).map_err(sql)?;
        // Wait briefly for another writer, then report the lock instead of hanging.
        conn.busy_timeout(Duration::from_secs(3)).map_err(sql)?;
        let mode: String = conn
            .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
            .map_err(sql)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Unsupported {
                file: path.to_path_buf(),
                message: format!("cannot switch to WAL journal (got {mode})"),
            });
        }
        conn.execute_batch("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;")
            .map_err(sql)?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
        schema::migrate(&mut store.conn).map_err(sql)?;
        Ok(store)
    }

    /// Path of the database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The raw connection, for the modules of later stages.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    pub(crate) fn err(&self, source: rusqlite::Error) -> StoreError {
        StoreError::sqlite(&self.path, source)
    }

    /// Runs `f` in one transaction and commits it; any error rolls everything back.
    pub(crate) fn write<T>(
        &mut self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> rusqlite::Result<T>,
    ) -> Result<T, StoreError> {
        let path = self.path.clone();
        let e = |err| StoreError::sqlite(&path, err);
        let tx = self.conn.transaction().map_err(e)?;
        let out = f(&tx).map_err(e)?;
        tx.commit().map_err(e)?;
        Ok(out)
    }

    /// Schema version recorded in the file.
    pub fn schema_version(&self) -> Result<u32, StoreError> {
        self.conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }

    /// Binds the election to this database, or checks it is the one already bound.
    ///
    /// Until the first ballot is printed the definition may change (names added
    /// at the meeting); afterwards any change to printed content is refused.
    /// `source` is the election file's text (kept verbatim for the export);
    /// `file` names it in errors. Returns the parsed election.
    pub fn bind_election(&mut self, source: &str, file: &Path) -> Result<Election, StoreError> {
        let election = parse_election(source, file)?;
        let fingerprint = Fingerprint::of(&election);
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction()
            .map_err(|e| StoreError::sqlite(&path, e))?;
        let existing: Option<String> = tx
            .query_row("SELECT fingerprint FROM election WHERE id = 1", [], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| StoreError::sqlite(&path, e))?;
        match existing {
            Some(old) if old == fingerprint.to_hex() => {
                // Same printed content; non-printed fields (H, date, settings) may be corrected.
                tx.execute(
                    "UPDATE election SET definition = ?1 WHERE id = 1 AND definition <> ?1",
                    params![source],
                )
                .map_err(|e| StoreError::sqlite(&path, e))?;
            }
            Some(old) => {
                // Frozen once ballots of this round were printed; another round
                // (a re-election) may change the candidates (rules.md §10).
                let printed: i64 = tx
                    .query_row(
                        "SELECT COUNT(*) FROM printed_serials p JOIN print_runs r ON r.id = p.print_run WHERE r.round = ?1 AND r.fingerprint = ?2",
                        params![election.election.round, old],
                        |r| r.get(0),
                    )
                    .map_err(|e| StoreError::sqlite(&path, e))?;
                if printed > 0 {
                    return Err(StoreError::ElectionFrozen {
                        file: path,
                        printed: printed.unsigned_abs(),
                    });
                }
                tx.execute(
                    "UPDATE election SET fingerprint = ?1, definition = ?2, bound_at = ?3 WHERE id = 1",
                    params![fingerprint.to_hex(), source, now()],
                )
                .map_err(|e| StoreError::sqlite(&path, e))?;
                audit::append_tx(
                    &tx,
                    "station",
                    "election.changed",
                    &serde_json::json!({"from": old, "to": fingerprint.to_hex()}),
                )
                .map_err(|e| StoreError::sqlite(&path, e))?;
            }
            None => {
                tx.execute(
                    "INSERT INTO election (id, fingerprint, definition, bound_at) VALUES (1, ?1, ?2, ?3)",
                    params![fingerprint.to_hex(), source, now()],
                )
                .map_err(|e| StoreError::sqlite(&path, e))?;
                audit::append_tx(
                    &tx,
                    "station",
                    "election.bound",
                    &serde_json::json!({"fingerprint": fingerprint.to_hex()}),
                )
                .map_err(|e| StoreError::sqlite(&path, e))?;
            }
        }
        tx.commit().map_err(|e| StoreError::sqlite(&path, e))?;
        Ok(election)
    }

    /// Whether this database is a real or a demo station (a database with
    /// nothing recorded yet is real until made otherwise).
    pub fn mode(&self) -> Result<StationMode, StoreError> {
        let code: Option<String> = self
            .conn
            .query_row("SELECT mode FROM station WHERE id = 1", [], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))?;
        match code {
            None => Ok(StationMode::Real),
            Some(c) => StationMode::from_code(&c).ok_or_else(|| StoreError::Corrupt {
                file: self.path.clone(),
                message: format!("station mode `{c}`"),
            }),
        }
    }

    /// Records that this database is real or demo, once and for good; a
    /// database already made the other way is refused.
    pub fn set_mode(&mut self, mode: StationMode) -> Result<(), StoreError> {
        let path = self.path.clone();
        let existing: Option<String> = self
            .conn
            .query_row("SELECT mode FROM station WHERE id = 1", [], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))?;
        let has_data: bool = self
            .conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM sessions) OR EXISTS (SELECT 1 FROM print_runs)",
                [],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))?;
        match existing.as_deref().and_then(StationMode::from_code) {
            Some(m) if m == mode => Ok(()),
            Some(m) => Err(StoreError::WrongMode {
                file: path,
                message: format!(
                    "this is a {} station database and stays one; use a new database for a {}",
                    m.code(),
                    mode.code()
                ),
            }),
            None if has_data && mode == StationMode::Demo => Err(StoreError::WrongMode {
                file: path,
                message: "this database already holds a real count or printed ballots; a demo needs a new database".into(),
            }),
            None => self.write(|tx| {
                tx.execute(
                    "INSERT INTO station (id, mode, created_at) VALUES (1, ?1, ?2)",
                    params![mode.code(), now()],
                )?;
                audit::append_tx(
                    tx,
                    "station",
                    "station.mode",
                    &serde_json::json!({"mode": mode.code()}),
                )
            }),
        }
    }

    /// The election bound to this database, if any.
    pub fn election(&self) -> Result<Option<(Election, Fingerprint)>, StoreError> {
        let row: Option<(String, String)> = self
            .conn
            .query_row(
                "SELECT definition, fingerprint FROM election WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        let Some((source, fingerprint)) = row else {
            return Ok(None);
        };
        let label = PathBuf::from(format!("{}#election", self.path.display()));
        let election = parse_election(&source, &label).map_err(|e| StoreError::Corrupt {
            file: self.path.clone(),
            message: e.to_string(),
        })?;
        let computed = Fingerprint::of(&election);
        if Fingerprint::from_hex(&fingerprint) != Some(computed) {
            return Err(StoreError::Corrupt {
                file: self.path.clone(),
                message: "stored election does not match its fingerprint".into(),
            });
        }
        Ok(Some((election, computed)))
    }
}
