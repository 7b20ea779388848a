//! Complaints (khiếu nại, tố cáo) received during the count, as the biên bản lists them.

use rusqlite::params;
use serde::{Deserialize, Serialize};

use super::{Store, StoreError, audit, now};

/// A complaint received at the count and how the board handled it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Complaint {
    /// Who lodged it (a household representative, a voter, an observer).
    pub lodged_by: String,
    /// What the complaint says.
    pub content: String,
    /// How the counting board handled it.
    pub handling: String,
    /// The board member who recorded it.
    pub recorded_by: String,
    /// When it was recorded (RFC 3339 UTC).
    pub at: String,
}

impl Store {
    /// Records a complaint for a session that is not closed yet; returns it as stored.
    pub fn add_complaint(
        &mut self,
        session: i64,
        lodged_by: &str,
        content: &str,
        handling: &str,
        recorded_by: &str,
    ) -> Result<Complaint, StoreError> {
        let complaint = Complaint {
            lodged_by: lodged_by.to_string(),
            content: content.to_string(),
            handling: handling.to_string(),
            recorded_by: recorded_by.to_string(),
            at: now(),
        };
        self.write(|tx| {
            tx.execute(
                "INSERT INTO complaints (session_id, lodged_by, content, handling, recorded_by, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![session, lodged_by, content, handling, recorded_by, complaint.at],
            )?;
            let detail = serde_json::json!({
                "session": session,
                "lodged_by": lodged_by,
                "content": content,
                "handling": handling,
                "at": complaint.at,
            });
            audit::append_tx(tx, recorded_by, "session.complaint", &detail)
        })?;
        Ok(complaint)
    }

    /// A session's complaints, in the order they were recorded.
    pub fn complaints(&self, session: i64) -> Result<Vec<Complaint>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT lodged_by, content, handling, recorded_by, at FROM complaints WHERE session_id = ?1 ORDER BY id")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![session], |r| {
                Ok(Complaint {
                    lodged_by: r.get(0)?,
                    content: r.get(1)?,
                    handling: r.get(2)?,
                    recorded_by: r.get(3)?,
                    at: r.get(4)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err(e))
    }
}
