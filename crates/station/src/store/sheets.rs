//! Scanned sheets, machine readings and officials' decisions of a counting
//! session. Everything is appended; the latest reading and decision of a sheet
//! are in force, and they leave SQLite as typed records (`records`).

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::records::{
    Decision, DecisionRecord, SheetRecord, SheetRow, decode_decision, decode_kind,
    decode_machine_verdict, decode_reading,
};
use super::{Store, StoreError, audit, now};
use crate::interpret::Reading;
use crate::scan::SourceKind;

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

/// The columns of a sheet as read, before decoding.
struct RawSheet {
    id: i64,
    batch: String,
    image_sha256: String,
    image_path: String,
    source: String,
    source_kind: String,
    received_at: String,
}

impl RawSheet {
    /// The first seven columns of a query.
    fn of(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawSheet> {
        Ok(RawSheet {
            id: r.get(0)?,
            batch: r.get(1)?,
            image_sha256: r.get(2)?,
            image_path: r.get(3)?,
            source: r.get(4)?,
            source_kind: r.get(5)?,
            received_at: r.get(6)?,
        })
    }

    fn decode(self, db: &std::path::Path) -> Result<SheetRow, StoreError> {
        Ok(SheetRow {
            source_kind: decode_kind(db, self.id, &self.source_kind)?,
            id: self.id,
            batch: self.batch,
            image_sha256: self.image_sha256,
            image_path: self.image_path,
            source: self.source,
            received_at: self.received_at,
        })
    }
}

/// The columns of one sheet with its reading and decision, before decoding.
struct RawRecord {
    sheet: RawSheet,
    status: Option<String>,
    serial: Option<String>,
    reading: Option<String>,
    machine_verdict: Option<String>,
    decision_id: Option<i64>,
    action: Option<String>,
    decision: Option<String>,
    official: Option<String>,
    reason: Option<String>,
    decided_at: Option<String>,
}

const SHEET_COLUMNS: &str =
    "s.id, s.batch, s.image_sha256, s.image_path, s.source, s.source_kind, s.received_at";

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
        kind: SourceKind,
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
            "INSERT INTO sheets (session_id, batch, image_sha256, image_path, source, source_kind, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![session, batch, sha256, path, source, kind.code(), now()],
        )
        .map_err(e)?;
        let id = tx.last_insert_rowid();
        audit::append_tx(
            &tx,
            "station",
            "sheet.received",
            &serde_json::json!({"session": session, "sheet": id, "batch": batch, "sha256": sha256, "source": source, "kind": kind.code()}),
        )
        .map_err(e)?;
        tx.commit().map_err(e)?;
        Ok((id, true))
    }

    /// Appends the machine's reading of a sheet (and its verdict as a machine row).
    pub fn add_reading(&mut self, sheet: i64, reading: &Reading) -> Result<i64, StoreError> {
        let status = serde_json::to_value(reading.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let json = serde_json::to_string(reading).map_err(|e| StoreError::Corrupt {
            file: self.path.clone(),
            message: format!("sheet {sheet}: the reading cannot be written: {e}"),
        })?;
        let verdict = match &reading.verdict {
            Some(v) => Some(serde_json::to_string(v).map_err(|e| StoreError::Corrupt {
                file: self.path.clone(),
                message: format!("sheet {sheet}: the verdict cannot be written: {e}"),
            })?),
            None => None,
        };
        let serial = reading.serial.as_deref();
        let code = reading.code.code();
        self.write(|tx| {
            tx.execute(
                "INSERT INTO readings (sheet_id, serial, status, reading, created_at, certainty) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![sheet, serial, status, json, now(), reading.certainty],
            )?;
            let id = tx.last_insert_rowid();
            if let Some(v) = &verdict {
                tx.execute(
                    "INSERT INTO decisions (sheet_id, reading_id, machine_verdict, decided_at, action) VALUES (?1, ?2, ?3, ?4, 'machine')",
                    params![sheet, id, v, now()],
                )?;
            }
            let detail = serde_json::json!({"sheet": sheet, "reading": id, "status": status, "serial": serial, "code": code});
            audit::append_tx(tx, "station", "sheet.read", &detail)?;
            Ok(id)
        })
    }

    /// Appends officials' decisions (one or, for blank pages confirmed together,
    /// many) in one transaction; earlier decisions stay in the history.
    pub fn add_decisions(
        &mut self,
        decisions: &[(i64, Decision)],
        reason: &str,
        official: &str,
    ) -> Result<Vec<i64>, StoreError> {
        let mut rows = Vec::with_capacity(decisions.len());
        for (sheet, d) in decisions {
            let json = serde_json::to_string(d).map_err(|e| StoreError::Corrupt {
                file: self.path.clone(),
                message: format!("sheet {sheet}: the decision cannot be written: {e}"),
            })?;
            rows.push((*sheet, json));
        }
        self.write(|tx| {
            let mut ids = Vec::with_capacity(rows.len());
            for (sheet, json) in &rows {
                let previous = latest_decision_row(tx, *sheet)?;
                tx.execute(
                    "INSERT INTO decisions (sheet_id, reading_id, machine_verdict, decision, reason, official, decided_at, supersedes, action) VALUES (?1, (SELECT MAX(id) FROM readings WHERE sheet_id = ?1), 'null', ?2, ?3, ?4, ?5, ?6, 'decided')",
                    params![sheet, json, reason, official, now(), previous],
                )?;
                let id = tx.last_insert_rowid();
                let decided: serde_json::Value =
                    serde_json::from_str(json).unwrap_or(serde_json::Value::Null);
                audit::append_tx(
                    tx,
                    official,
                    "sheet.decided",
                    &serde_json::json!({"sheet": sheet, "decision": id, "decided": decided, "reason": reason}),
                )?;
                ids.push(id);
            }
            Ok(ids)
        })
    }

    /// Withdraws the decision in force on a sheet (undo): the sheet waits for
    /// the officials again, and the history keeps both rows.
    pub fn withdraw_decision(&mut self, sheet: i64, official: &str) -> Result<i64, StoreError> {
        self.write(|tx| {
            let previous = latest_decision_row(tx, sheet)?;
            tx.execute(
                "INSERT INTO decisions (sheet_id, reading_id, machine_verdict, reason, official, decided_at, supersedes, action) VALUES (?1, (SELECT MAX(id) FROM readings WHERE sheet_id = ?1), 'null', 'undo', ?2, ?3, ?4, 'withdrawn')",
                params![sheet, official, now(), previous],
            )?;
            let id = tx.last_insert_rowid();
            audit::append_tx(
                tx,
                official,
                "sheet.withdrawn",
                &serde_json::json!({"sheet": sheet, "decision": id, "withdraws": previous}),
            )?;
            Ok(id)
        })
    }

    /// The session's latest officials' decision still in force, with its sheet.
    pub fn last_decision(&self, session: i64) -> Result<Option<(i64, DecisionRecord)>, StoreError> {
        let row: Option<DecisionRow> = self
            .conn
            .query_row(
                "SELECT d.sheet_id, d.id, d.decision, d.official, d.reason, d.decided_at FROM decisions d JOIN sheets s ON s.id = d.sheet_id
                 WHERE s.session_id = ?1 AND d.action = 'decided'
                   AND d.id = (SELECT MAX(id) FROM decisions WHERE sheet_id = d.sheet_id AND action <> 'machine')
                 ORDER BY d.id DESC LIMIT 1",
                params![session],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        let Some((sheet, id, decision, official, reason, at)) = row else {
            return Ok(None);
        };
        Ok(Some((
            sheet,
            DecisionRecord {
                id,
                decision: decode_decision(&self.path, sheet, decision.as_deref())?,
                official: official.unwrap_or_default(),
                reason: reason.unwrap_or_default(),
                at,
            },
        )))
    }

    /// Sheets of a session not interpreted yet (after a crash, or still in the queue).
    pub fn pending_sheets(&self, session: i64) -> Result<Vec<SheetRow>, StoreError> {
        let sql = format!(
            "SELECT {SHEET_COLUMNS} FROM sheets s WHERE session_id = ?1 AND NOT EXISTS (SELECT 1 FROM readings r WHERE r.sheet_id = s.id) ORDER BY id"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![session], RawSheet::of)
            .map_err(|e| self.err(e))?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err(e))?;
        rows.into_iter().map(|r| r.decode(&self.path)).collect()
    }

    /// Every sheet of a session with its reading and the decision in force, in
    /// intake order, decoded; the first row that does not decode is the error.
    pub fn sheet_records(&self, session: i64) -> Result<Vec<SheetRecord>, StoreError> {
        let sql = format!(
            "SELECT {SHEET_COLUMNS},
                    r.status, r.serial, r.reading,
                    (SELECT machine_verdict FROM decisions m WHERE m.sheet_id = s.id AND m.action = 'machine' ORDER BY m.id DESC LIMIT 1),
                    d.id, d.action, d.decision, d.official, d.reason, d.decided_at
             FROM sheets s
             LEFT JOIN readings r ON r.id = (SELECT MAX(id) FROM readings WHERE sheet_id = s.id)
             LEFT JOIN decisions d ON d.id = (SELECT MAX(id) FROM decisions WHERE sheet_id = s.id AND action <> 'machine')
             WHERE s.session_id = ?1 ORDER BY s.id"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let raw = stmt
            .query_map(params![session], |r| {
                Ok(RawRecord {
                    sheet: RawSheet::of(r)?,
                    status: r.get(7)?,
                    serial: r.get(8)?,
                    reading: r.get(9)?,
                    machine_verdict: r.get(10)?,
                    decision_id: r.get(11)?,
                    action: r.get(12)?,
                    decision: r.get(13)?,
                    official: r.get(14)?,
                    reason: r.get(15)?,
                    decided_at: r.get(16)?,
                })
            })
            .map_err(|e| self.err(e))?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err(e))?;
        raw.into_iter().map(|r| self.decode_record(r)).collect()
    }

    fn decode_record(&self, r: RawRecord) -> Result<SheetRecord, StoreError> {
        let db = &self.path;
        let id = r.sheet.id;
        let reading = match (&r.reading, &r.status) {
            (Some(json), Some(status)) => {
                Some(decode_reading(db, id, json, status, r.serial.as_deref())?)
            }
            (None, None) => None,
            _ => {
                return Err(super::records::corrupt(
                    db,
                    id,
                    "the machine's reading",
                    "reading or status missing",
                ));
            }
        };
        if let Some(v) = &r.machine_verdict {
            decode_machine_verdict(db, id, v)?;
        }
        let decision = match (r.decision_id, r.action.as_deref()) {
            (None, _) | (Some(_), Some("withdrawn")) => None,
            (Some(did), Some("decided")) => Some(DecisionRecord {
                id: did,
                decision: decode_decision(db, id, r.decision.as_deref())?,
                official: r.official.unwrap_or_default(),
                reason: r.reason.unwrap_or_default(),
                at: r.decided_at.unwrap_or_default(),
            }),
            (Some(_), other) => {
                return Err(super::records::corrupt(
                    db,
                    id,
                    "the officials' decision",
                    format!("unknown action {other:?}"),
                ));
            }
        };
        Ok(SheetRecord {
            sheet: r.sheet.decode(db)?,
            reading,
            decision,
        })
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

/// The sheet's latest decision row (machine or officials'), for `supersedes`.
fn latest_decision_row(
    tx: &rusqlite::Transaction<'_>,
    sheet: i64,
) -> rusqlite::Result<Option<i64>> {
    tx.query_row(
        "SELECT MAX(id) FROM decisions WHERE sheet_id = ?1",
        params![sheet],
        |r| r.get(0),
    )
}

/// One decision row as read: sheet, id, decision JSON, official, reason, time.
type DecisionRow = (
    i64,
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
);
