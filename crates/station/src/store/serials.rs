//! Printed ballot serials: how many ballots exist, and which.

use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError, audit, now};
use crate::ballot::Serial;
use crate::election::Fingerprint;

impl Store {
    /// Records a print run and its serials in one transaction; returns the run id.
    ///
    /// A serial printed before is refused (the run is not recorded), so two
    /// ballots never share a serial.
    pub fn record_print_run(
        &mut self,
        fingerprint: &Fingerprint,
        serials: &[Serial],
        seeded: bool,
    ) -> Result<i64, StoreError> {
        let path = self.path.clone();
        let e = |err| StoreError::sqlite(&path, err);
        let tx = self.conn.transaction().map_err(e)?;
        let bound: Option<String> = tx
            .query_row("SELECT fingerprint FROM election WHERE id = 1", [], |r| {
                r.get(0)
            })
            .optional()
            .map_err(e)?;
        match bound {
            None => return Err(StoreError::NoElection { file: path.clone() }),
            Some(fp) if fp != fingerprint.to_hex() => {
                return Err(StoreError::State {
                    file: path.clone(),
                    message: "ballots are for another election than the one in this database"
                        .into(),
                });
            }
            Some(_) => {}
        }
        tx.execute(
            "INSERT INTO print_runs (fingerprint, count, seeded, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![fingerprint.to_hex(), i64::try_from(serials.len()).unwrap_or(i64::MAX), seeded, now()],
        )
        .map_err(e)?;
        let run = tx.last_insert_rowid();
        {
            let mut insert = tx
                .prepare("INSERT INTO printed_serials (serial, print_run) VALUES (?1, ?2)")
                .map_err(e)?;
            for serial in serials {
                insert
                    .execute(params![serial.to_string(), run])
                    .map_err(|err| match err.sqlite_error_code() {
                        Some(rusqlite::ErrorCode::ConstraintViolation) => StoreError::State {
                            file: path.clone(),
                            message: format!("serial {serial} was already printed"),
                        },
                        _ => StoreError::sqlite(&path, err),
                    })?;
            }
        }
        audit::append_tx(
            &tx,
            "station",
            "ballots.printed",
            &serde_json::json!({"run": run, "count": serials.len(), "seeded": seeded}),
        )
        .map_err(e)?;
        tx.commit().map_err(e)?;
        Ok(run)
    }

    /// Number of ballots printed for this election.
    pub fn printed_count(&self) -> Result<u64, StoreError> {
        self.conn
            .query_row("SELECT COUNT(*) FROM printed_serials", [], |r| {
                r.get::<_, i64>(0)
            })
            .map(i64::unsigned_abs)
            .map_err(|e| self.err(e))
    }

    /// Whether this serial was printed by this station.
    pub fn is_printed(&self, serial: Serial) -> Result<bool, StoreError> {
        self.conn
            .query_row(
                "SELECT 1 FROM printed_serials WHERE serial = ?1",
                params![serial.to_string()],
                |_| Ok(()),
            )
            .optional()
            .map(|r| r.is_some())
            .map_err(|e| self.err(e))
    }
}
