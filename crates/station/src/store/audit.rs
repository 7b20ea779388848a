//! The append-only audit log: each row carries the hash of the previous one.

use rusqlite::{Transaction, params};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{Store, StoreError, now};

/// Hash that precedes the first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One audit row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// Time, RFC 3339 UTC.
    pub at: String,
    /// Who acted: an official's name, "station", or "script" in the demo.
    pub actor: String,
    /// What happened, dotted, e.g. `ballots.printed`.
    pub action: String,
    /// Details (JSON text).
    pub detail: String,
    /// Hash of the previous row.
    pub prev_hash: String,
    /// Hash of this row.
    pub hash: String,
}

/// Result of checking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainCheck {
    /// Every row links to the previous one; holds the number of rows and the head hash.
    Intact {
        /// Number of rows.
        rows: u64,
        /// Hash of the last row (or the genesis hash).
        head: String,
    },
    /// The first row whose hash or link is wrong.
    Broken {
        /// Its sequence number.
        seq: i64,
    },
}

/// Hash of one row: SHA-256 over its fields, length-prefixed so no two rows collide.
pub fn row_hash(prev: &str, seq: i64, at: &str, actor: &str, action: &str, detail: &str) -> String {
    let mut h = Sha256::new();
    for part in [prev, &seq.to_string(), at, actor, action, detail] {
        // A usize always fits a u64 on the targets kiemphieu builds for.
        h.update(u64::try_from(part.len()).unwrap_or(u64::MAX).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Appends a row inside an open transaction.
pub(crate) fn append_tx(
    tx: &Transaction<'_>,
    actor: &str,
    action: &str,
    detail: &serde_json::Value,
) -> rusqlite::Result<()> {
    let (seq, prev): (i64, String) = tx.query_row(
        "SELECT COALESCE(MAX(seq), 0), COALESCE((SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1), ?1) FROM audit_log",
        params![GENESIS],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let seq = seq + 1;
    let at = now();
    let detail = detail.to_string();
    let hash = row_hash(&prev, seq, &at, actor, action, &detail);
    tx.execute(
        "INSERT INTO audit_log (seq, at, actor, action, detail, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![seq, at, actor, action, detail, prev, hash],
    )?;
    Ok(())
}

impl Store {
    /// Appends one audit row in its own transaction.
    pub fn audit(
        &mut self,
        actor: &str,
        action: &str,
        detail: &serde_json::Value,
    ) -> Result<(), StoreError> {
        self.write(|tx| append_tx(tx, actor, action, detail))
    }

    /// All audit rows in order.
    pub fn audit_entries(&self) -> Result<Vec<AuditEntry>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT seq, at, actor, action, detail, prev_hash, hash FROM audit_log ORDER BY seq")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(AuditEntry {
                    seq: r.get(0)?,
                    at: r.get(1)?,
                    actor: r.get(2)?,
                    action: r.get(3)?,
                    detail: r.get(4)?,
                    prev_hash: r.get(5)?,
                    hash: r.get(6)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err(e))
    }

    /// Re-computes every hash of the chain.
    pub fn check_audit_chain(&self) -> Result<ChainCheck, StoreError> {
        Ok(check_chain(&self.audit_entries()?))
    }
}

/// Checks a list of audit rows (from the database or an export bundle).
pub fn check_chain(entries: &[AuditEntry]) -> ChainCheck {
    let mut prev = GENESIS.to_string();
    for (i, e) in entries.iter().enumerate() {
        let expected = row_hash(&prev, e.seq, &e.at, &e.actor, &e.action, &e.detail);
        if i64::try_from(i + 1).ok() != Some(e.seq) || e.prev_hash != prev || e.hash != expected {
            return ChainCheck::Broken { seq: e.seq };
        }
        prev.clone_from(&e.hash);
    }
    ChainCheck::Intact {
        rows: u64::try_from(entries.len()).unwrap_or(u64::MAX),
        head: prev,
    }
}
