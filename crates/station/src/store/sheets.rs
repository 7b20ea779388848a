//! Scanned sheets, machine readings and human decisions of a counting session.
//! Everything is appended; the latest reading and decision of a sheet are in force.

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::{Store, StoreError, audit, now};

/// A sheet as recorded at intake.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetRow {
    /// Sheet id (intake order).
    pub id: i64,
    /// Batch name (ballot box or cluster).
    pub batch: String,
    /// SHA-256 of the image file.
    pub image_sha256: String,
    /// Path of the image file in the image store.
    pub image_path: String,
    /// Where it came from.
    pub source: String,
    /// Intake time.
    pub received_at: String,
}

/// A sheet with its reading and decision in force.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SheetState {
    /// The sheet.
    pub sheet: SheetRow,
    /// Status of the latest reading (None: not interpreted yet).
    pub status: Option<String>,
    /// Serial read from the QR code.
    pub serial: Option<String>,
    /// The reading (interpreter JSON).
    pub reading: Option<String>,
    /// The machine verdict (rules JSON), when the page is a ballot of this election.
    pub machine_verdict: Option<String>,
    /// The officials' latest decision (rules JSON), if any.
    pub human_verdict: Option<String>,
    /// Who decided, and why.
    pub official: Option<String>,
    /// Reason given with the decision.
    pub reason: Option<String>,
    /// Machine certainty, 0-1.
    pub certainty: f64,
    /// The sheet whose serial this one repeats.
    pub duplicate_of: Option<i64>,
}

/// The human verdict of a decision withdrawn by the officials (undo): the
/// sheet is back in the review queue, and the history keeps both records.
pub const WITHDRAWN: &str = "\"withdrawn\"";

/// Issued/returned entered at reconciliation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reconciliation {
    /// Ballots issued.
    pub issued: u32,
    /// Ballots returned.
    pub returned: u32,
    /// Spoiled ballots exchanged at the table.
    pub spoiled: u32,
    /// The board's note when the identities do not hold.
    pub note: Option<String>,
}

/// A sheet from the first six columns of a query (id, batch, sha256, path, source, time).
fn sheet_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SheetRow> {
    Ok(SheetRow {
        id: r.get(0)?,
        batch: r.get(1)?,
        image_sha256: r.get(2)?,
        image_path: r.get(3)?,
        source: r.get(4)?,
        received_at: r.get(5)?,
    })
}

impl Store {
    /// Records a scanned sheet whose image is already safely stored; returns its id
    /// and whether it is new (an identical image in the same session is the same sheet).
    pub fn add_sheet(
        &mut self,
        session: i64,
        batch: &str,
        sha256: &str,
        path: &str,
        source: &str,
    ) -> Result<(i64, bool), StoreError> {
        let file = self.path.clone();
        let e = |err| StoreError::sqlite(&file, err);
        let tx = self.conn.transaction().map_err(e)?;
        let existing: Option<i64> = tx
            .query_row(
                "SELECT id FROM sheets WHERE session_id = ?1 AND image_sha256 = ?2",
                params![session, sha256],
                |r| r.get(0),
            )
            .optional()
            .map_err(e)?;
        if let Some(id) = existing {
            return Ok((id, false));
        }
        tx.execute(
            "INSERT INTO sheets (session_id, batch, image_sha256, image_path, source, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![session, batch, sha256, path, source, now()],
        )
        .map_err(e)?;
        let id = tx.last_insert_rowid();
        audit::append_tx(
            &tx,
            "station",
            "sheet.received",
            &serde_json::json!({"session": session, "sheet": id, "batch": batch, "sha256": sha256, "source": source}),
        )
        .map_err(e)?;
        tx.commit().map_err(e)?;
        Ok((id, true))
    }

    /// Appends the machine's reading of a sheet (and the machine verdict as a decision row).
    #[allow(clippy::too_many_arguments)]
    pub fn add_reading(
        &mut self,
        sheet: i64,
        serial: Option<&str>,
        status: &str,
        reading_json: &str,
        machine_verdict_json: Option<&str>,
        certainty: f64,
        duplicate_of: Option<i64>,
    ) -> Result<i64, StoreError> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO readings (sheet_id, serial, status, reading, created_at, duplicate_of, certainty) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![sheet, serial, status, reading_json, now(), duplicate_of, certainty],
            )?;
            let reading = tx.last_insert_rowid();
            if let Some(v) = machine_verdict_json {
                tx.execute(
                    "INSERT INTO decisions (sheet_id, reading_id, machine_verdict, decided_at) VALUES (?1, ?2, ?3, ?4)",
                    params![sheet, reading, v, now()],
                )?;
            }
            let detail = serde_json::json!({"sheet": sheet, "reading": reading, "status": status, "serial": serial});
            audit::append_tx(tx, "station", "sheet.read", &detail)?;
            Ok(reading)
        })
    }

    /// Appends an official's decision on a sheet; earlier decisions stay in the history.
    pub fn add_decision(
        &mut self,
        sheet: i64,
        human_verdict_json: &str,
        reason: &str,
        official: &str,
    ) -> Result<i64, StoreError> {
        let file = self.path.clone();
        let e = |err| StoreError::sqlite(&file, err);
        let tx = self.conn.transaction().map_err(e)?;
        let (reading, machine, previous): (Option<i64>, Option<String>, Option<i64>) = tx
            .query_row(
                "SELECT reading_id, machine_verdict, id FROM decisions WHERE sheet_id = ?1 ORDER BY id DESC LIMIT 1",
                params![sheet],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(e)?
            .unwrap_or((None, None, None));
        tx.execute(
            "INSERT INTO decisions (sheet_id, reading_id, machine_verdict, human_verdict, reason, official, decided_at, supersedes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![sheet, reading, machine.unwrap_or_else(|| "null".into()), human_verdict_json, reason, official, now(), previous],
        )
        .map_err(e)?;
        let id = tx.last_insert_rowid();
        audit::append_tx(
            &tx,
            official,
            "sheet.decided",
            &serde_json::json!({"sheet": sheet, "decision": id, "verdict": human_verdict_json, "reason": reason}),
        )
        .map_err(e)?;
        tx.commit().map_err(e)?;
        Ok(id)
    }

    /// The session's latest decision still in force: (sheet, verdict JSON, official).
    pub fn last_decision(&self, session: i64) -> Result<Option<(i64, String, String)>, StoreError> {
        self.conn
            .query_row(
                "SELECT d.sheet_id, d.human_verdict, d.official FROM decisions d JOIN sheets s ON s.id = d.sheet_id
                 WHERE s.session_id = ?1 AND d.human_verdict IS NOT NULL AND d.human_verdict <> ?2
                   AND d.id = (SELECT MAX(id) FROM decisions WHERE sheet_id = d.sheet_id AND human_verdict IS NOT NULL)
                 ORDER BY d.id DESC LIMIT 1",
                params![session, WITHDRAWN],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// The earliest sheet before `sheet` whose reading carries `serial` (a ballot, not a rejected page).
    pub fn earlier_sheet_with_serial(
        &self,
        session: i64,
        serial: &str,
        sheet: i64,
    ) -> Result<Option<i64>, StoreError> {
        self.conn
            .query_row(
                "SELECT MIN(s.id) FROM sheets s JOIN readings r ON r.sheet_id = s.id
                 WHERE s.session_id = ?1 AND r.serial = ?2 AND s.id < ?3 AND r.status <> 'rejected'",
                params![session, serial, sheet],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))
    }

    /// Sheets of a session not interpreted yet (after a crash, or still in the queue).
    pub fn pending_sheets(&self, session: i64) -> Result<Vec<SheetRow>, StoreError> {
        self.sheet_rows(
            "SELECT id, batch, image_sha256, image_path, source, received_at FROM sheets s WHERE session_id = ?1 AND NOT EXISTS (SELECT 1 FROM readings r WHERE r.sheet_id = s.id) ORDER BY id",
            session,
        )
    }

    fn sheet_rows(&self, sql: &str, session: i64) -> Result<Vec<SheetRow>, StoreError> {
        let mut stmt = self.conn.prepare(sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![session], sheet_row)
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err(e))
    }

    /// Every sheet of a session with its reading and decision in force, in intake order.
    pub fn sheet_states(&self, session: i64) -> Result<Vec<SheetState>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT s.id, s.batch, s.image_sha256, s.image_path, s.source, s.received_at,
                        r.status, r.serial, r.reading, r.certainty, r.duplicate_of,
                        (SELECT machine_verdict FROM decisions d WHERE d.sheet_id = s.id AND d.human_verdict IS NULL ORDER BY d.id DESC LIMIT 1),
                        d.human_verdict, d.official, d.reason
                 FROM sheets s
                 LEFT JOIN readings r ON r.id = (SELECT MAX(id) FROM readings WHERE sheet_id = s.id)
                 LEFT JOIN decisions d ON d.id = (SELECT MAX(id) FROM decisions WHERE sheet_id = s.id AND human_verdict IS NOT NULL)
                 WHERE s.session_id = ?1 ORDER BY s.id",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![session], |r| {
                let human_verdict: Option<String> = r.get(12)?;
                let withdrawn = human_verdict.as_deref() == Some(WITHDRAWN);
                Ok(SheetState {
                    sheet: sheet_row(r)?,
                    status: r.get(6)?,
                    serial: r.get(7)?,
                    reading: r.get(8)?,
                    certainty: r.get::<_, Option<f64>>(9)?.unwrap_or(0.0),
                    duplicate_of: r.get(10)?,
                    machine_verdict: r.get(11)?,
                    human_verdict: human_verdict.filter(|_| !withdrawn),
                    official: if withdrawn { None } else { r.get(13)? },
                    reason: if withdrawn { None } else { r.get(14)? },
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err(e))
    }

    /// Records the issued/returned counts entered at reconciliation.
    pub fn add_reconciliation(
        &mut self,
        session: i64,
        issued: u32,
        returned: u32,
        spoiled: u32,
        note: Option<&str>,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO reconciliations (session_id, issued, returned, spoiled, note, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![session, issued, returned, spoiled, note, now()],
            )?;
            let detail = serde_json::json!({"session": session, "issued": issued, "returned": returned, "spoiled": spoiled, "note": note});
            audit::append_tx(tx, "station", "session.reconciled", &detail)
        })
    }

    /// The latest reconciliation of a session.
    pub fn reconciliation(&self, session: i64) -> Result<Option<Reconciliation>, StoreError> {
        self.conn
            .query_row(
                "SELECT issued, returned, spoiled, note FROM reconciliations WHERE session_id = ?1 ORDER BY id DESC LIMIT 1",
                params![session],
                |r| {
                    Ok(Reconciliation {
                        issued: r.get(0)?,
                        returned: r.get(1)?,
                        spoiled: r.get(2)?,
                        note: r.get(3)?,
                    })
                },
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Records a board member's confirmation (once per member).
    pub fn add_confirmation(&mut self, session: i64, member: &str) -> Result<(), StoreError> {
        self.write(|tx| {
            let added = tx.execute(
                "INSERT OR IGNORE INTO confirmations (session_id, member, at) VALUES (?1, ?2, ?3)",
                params![session, member, now()],
            )?;
            if added > 0 {
                audit::append_tx(
                    tx,
                    member,
                    "session.confirmed",
                    &serde_json::json!({"session": session}),
                )?;
            }
            Ok(())
        })
    }

    /// Members who confirmed a session, in order.
    pub fn confirmations(&self, session: i64) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT member FROM confirmations WHERE session_id = ?1 ORDER BY id")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![session], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<String>>>()
            .map_err(|e| self.err(e))
    }

    /// Stores the session's set-up (board, witnesses, attendance) as JSON.
    pub fn set_session_setup(
        &mut self,
        session: i64,
        setup: &serde_json::Value,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute(
                "UPDATE sessions SET setup = ?1 WHERE id = ?2 AND state <> 'closed'",
                params![setup.to_string(), session],
            )?;
            let detail = serde_json::json!({"session": session, "setup": setup});
            audit::append_tx(tx, "station", "session.setup", &detail)
        })
    }

    /// The session's set-up JSON.
    pub fn session_setup(&self, session: i64) -> Result<serde_json::Value, StoreError> {
        let text: String = self
            .conn
            .query_row(
                "SELECT setup FROM sessions WHERE id = ?1",
                params![session],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))?;
        serde_json::from_str(&text).map_err(|e| StoreError::Corrupt {
            file: self.path.clone(),
            message: format!("session {session} set-up: {e}"),
        })
    }
}
