//! Printed ballot serials: how many ballots exist, and which — per round, since
//! printed means issued (a verified code whose serial was never printed is not
//! the issued form).

use std::collections::HashSet;

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{Store, StoreError, audit, now};
use crate::ballot::Serial;
use crate::election::Fingerprint;

/// Where a print run's serials come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunOrigin {
    /// Printed by `kiemphieu ballots` into this database.
    Printed,
    /// Printed elsewhere and imported from its signed print-run file.
    Imported,
    /// The simulated feeder's ballots (demo databases only).
    Simulated,
}

impl RunOrigin {
    /// Stable name, as stored.
    pub fn code(self) -> &'static str {
        match self {
            RunOrigin::Printed => "printed",
            RunOrigin::Imported => "imported",
            RunOrigin::Simulated => "simulated",
        }
    }
}

/// One print run of a round, as exported in the bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrintRun {
    /// Run id.
    pub id: i64,
    /// The round printed for.
    pub round: u32,
    /// How many ballots.
    pub count: u64,
    /// Reproducible serials (tests, demos).
    pub seeded: bool,
    /// Where the serials come from (`printed`, `imported`, `simulated`).
    pub origin: String,
    /// SHA-256 of the serials, one per line in order.
    pub serials_sha256: String,
    /// The serials, in order.
    pub serials: Vec<String>,
}

/// SHA-256 over the serials, one `SERIAL\n` line each, in order.
pub fn serials_hash(serials: &[String]) -> String {
    let mut h = Sha256::new();
    for s in serials {
        h.update(s.as_bytes());
        h.update(b"\n");
    }
    hex::encode(h.finalize())
}

impl Store {
    /// Records a print run of `round` and its serials in one transaction; returns
    /// the run id. The same run recorded again (an imported file read twice) is
    /// the run already recorded.
    ///
    /// A serial printed before is refused (the run is not recorded), so two
    /// ballots never share a serial, in any round.
    pub fn record_print_run(
        &mut self,
        fingerprint: &Fingerprint,
        round: u32,
        serials: &[Serial],
        seeded: bool,
        origin: RunOrigin,
    ) -> Result<i64, StoreError> {
        let texts: Vec<String> = serials.iter().map(Serial::to_string).collect();
        let hash = serials_hash(&texts);
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
        let again: Option<i64> = tx
            .query_row(
                "SELECT id FROM print_runs WHERE fingerprint = ?1 AND round = ?2 AND serials_sha256 = ?3",
                params![fingerprint.to_hex(), round, hash],
                |r| r.get(0),
            )
            .optional()
            .map_err(e)?;
        if let Some(run) = again {
            return Ok(run);
        }
        tx.execute(
            "INSERT INTO print_runs (fingerprint, count, seeded, created_at, round, origin, serials_sha256) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![fingerprint.to_hex(), i64::try_from(serials.len()).unwrap_or(i64::MAX), seeded, now(), round, origin.code(), hash],
        )
        .map_err(e)?;
        let run = tx.last_insert_rowid();
        {
            let mut insert = tx
                .prepare("INSERT INTO printed_serials (serial, print_run) VALUES (?1, ?2)")
                .map_err(e)?;
            for serial in &texts {
                insert.execute(params![serial, run]).map_err(|err| {
                    match err.sqlite_error_code() {
                        Some(rusqlite::ErrorCode::ConstraintViolation) => StoreError::State {
                            file: path.clone(),
                            message: format!("serial {serial} was already printed"),
                        },
                        _ => StoreError::sqlite(&path, err),
                    }
                })?;
            }
        }
        audit::append_tx(
            &tx,
            "station",
            "ballots.printed",
            &serde_json::json!({"run": run, "count": serials.len(), "seeded": seeded, "round": round, "origin": origin.code(), "fingerprint": fingerprint.to_hex(), "serials_sha256": hash}),
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

    /// The serials printed for one round of an election: the only codes that are
    /// the issued form of that round.
    pub fn printed_serials(
        &self,
        fingerprint: &Fingerprint,
        round: u32,
    ) -> Result<HashSet<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT p.serial FROM printed_serials p JOIN print_runs r ON r.id = p.print_run
                 WHERE r.fingerprint = ?1 AND r.round = ?2",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![fingerprint.to_hex(), round], |r| {
                r.get::<_, String>(0)
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<HashSet<_>>>()
            .map_err(|e| self.err(e))
    }

    /// The print runs of one round of an election, with their serials, in order.
    pub fn print_runs(
        &self,
        fingerprint: &Fingerprint,
        round: u32,
    ) -> Result<Vec<PrintRun>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, count, seeded, origin, COALESCE(serials_sha256, '') FROM print_runs
                 WHERE fingerprint = ?1 AND round = ?2 ORDER BY id",
            )
            .map_err(|e| self.err(e))?;
        let runs = stmt
            .query_map(params![fingerprint.to_hex(), round], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, bool>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                ))
            })
            .map_err(|e| self.err(e))?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err(e))?;
        let mut out = Vec::with_capacity(runs.len());
        for (id, count, seeded, origin, hash) in runs {
            let mut stmt = self
                .conn
                .prepare("SELECT serial FROM printed_serials WHERE print_run = ?1 ORDER BY rowid")
                .map_err(|e| self.err(e))?;
            let serials = stmt
                .query_map(params![id], |r| r.get::<_, String>(0))
                .map_err(|e| self.err(e))?
                .collect::<rusqlite::Result<Vec<_>>>()
                .map_err(|e| self.err(e))?;
            out.push(PrintRun {
                id,
                round,
                count: count.unsigned_abs(),
                seeded,
                origin,
                serials_sha256: if hash.is_empty() {
                    serials_hash(&serials)
                } else {
                    hash
                },
                serials,
            });
        }
        Ok(out)
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
