//! Counting sessions: one per count; a re-election is a new session linked to the first.

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::{Store, StoreError, audit, now};
use crate::election::Fingerprint;

/// Where a counting session stands (issue: set-up → counting → review →
/// reconciled → confirmed → closed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionState {
    /// Election loaded; board, witnesses and attendance being entered.
    Setup,
    /// Batches being scanned.
    Counting,
    /// Doubtful ballots being decided.
    Review,
    /// Issued/returned entered and checked.
    Reconciled,
    /// Every board member confirmed.
    Confirmed,
    /// Locked; nothing can change.
    Closed,
}

impl SessionState {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            SessionState::Setup => "setup",
            SessionState::Counting => "counting",
            SessionState::Review => "review",
            SessionState::Reconciled => "reconciled",
            SessionState::Confirmed => "confirmed",
            SessionState::Closed => "closed",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "setup" => SessionState::Setup,
            "counting" => SessionState::Counting,
            "review" => SessionState::Review,
            "reconciled" => SessionState::Reconciled,
            "confirmed" => SessionState::Confirmed,
            "closed" => SessionState::Closed,
            _ => return None,
        })
    }
}

/// A session row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionInfo {
    /// Session id.
    pub id: i64,
    /// Current state.
    pub state: SessionState,
    /// The earlier session this one re-runs (re-election), if any.
    pub previous: Option<i64>,
    /// Creation time.
    pub created_at: String,
    /// The round counted (1: first count; 2: the first re-election, …).
    pub round: u32,
    /// Fingerprint of the election counted, 64 hex digits.
    pub fingerprint: String,
}

impl Store {
    /// Creates a counting session for one round of an election (`definition`:
    /// its file's text, kept with the session); `previous` links a re-election.
    pub fn create_session(
        &mut self,
        fingerprint: &Fingerprint,
        round: u32,
        definition: &str,
        previous: Option<i64>,
    ) -> Result<i64, StoreError> {
        let path = self.path.clone();
        let e = |err| StoreError::sqlite(&path, err);
        let tx = self.conn.transaction().map_err(e)?;
        if let Some(prev) = previous {
            let state: Option<String> = tx
                .query_row(
                    "SELECT state FROM sessions WHERE id = ?1",
                    params![prev],
                    |r| r.get(0),
                )
                .optional()
                .map_err(e)?;
            match state.as_deref() {
                None => {
                    return Err(StoreError::State {
                        file: path.clone(),
                        message: format!("session {prev} does not exist"),
                    });
                }
                Some("closed") => {}
                Some(other) => {
                    return Err(StoreError::State {
                        file: path.clone(),
                        message: format!(
                            "session {prev} is {other}; a re-election follows a closed count"
                        ),
                    });
                }
            }
        }
        tx.execute(
            "INSERT INTO sessions (fingerprint, state, previous, created_at, round, definition) VALUES (?1, 'setup', ?2, ?3, ?4, ?5)",
            params![fingerprint.to_hex(), previous, now(), round, definition],
        )
        .map_err(e)?;
        let id = tx.last_insert_rowid();
        audit::append_tx(
            &tx,
            "station",
            "session.created",
            &serde_json::json!({"session": id, "previous": previous, "round": round, "fingerprint": fingerprint.to_hex()}),
        )
        .map_err(e)?;
        tx.commit().map_err(e)?;
        Ok(id)
    }

    /// All sessions, oldest first.
    pub fn sessions(&self) -> Result<Vec<SessionInfo>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, state, previous, created_at, round, fingerprint FROM sessions ORDER BY id",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    (
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, Option<i64>>(2)?,
                    ),
                    (
                        r.get::<_, String>(3)?,
                        r.get::<_, i64>(4)?,
                        r.get::<_, String>(5)?,
                    ),
                ))
            })
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let ((id, state, previous), (created_at, round, fingerprint)) =
                row.map_err(|e| self.err(e))?;
            let round = u32::try_from(round)
                .ok()
                .filter(|r| *r >= 1)
                .ok_or_else(|| StoreError::Corrupt {
                    file: self.path.clone(),
                    message: format!("session {id} has round {round}"),
                })?;
            let state = SessionState::parse(&state).ok_or_else(|| StoreError::Corrupt {
                file: self.path.clone(),
                message: format!("session {id} has unknown state `{state}`"),
            })?;
            out.push(SessionInfo {
                id,
                state,
                previous,
                created_at,
                round,
                fingerprint,
            });
        }
        Ok(out)
    }

    /// Moves a session to a new state (the station module enforces the order).
    pub fn set_session_state(
        &mut self,
        session: i64,
        state: SessionState,
        actor: &str,
    ) -> Result<(), StoreError> {
        self.set_session_states(session, &[state], actor)
    }

    /// Moves a session through several states in one transaction: a crash leaves it
    /// in the first state or the last, never between (confirmed → closed).
    pub fn set_session_states(
        &mut self,
        session: i64,
        states: &[SessionState],
        actor: &str,
    ) -> Result<(), StoreError> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction()
            .map_err(|err| StoreError::sqlite(&path, err))?;
        for &state in states {
            transition(&tx, &path, session, state, actor)?;
        }
        tx.commit().map_err(|err| StoreError::sqlite(&path, err))
    }

    /// Records the issued/returned counts and moves the session to reconciled, in one
    /// transaction (a crash between the two would leave a reconciliation on record
    /// for a session still counting).
    pub fn reconcile_session(
        &mut self,
        session: i64,
        issued: u32,
        returned: u32,
        spoiled: u32,
        note: Option<&str>,
    ) -> Result<(), StoreError> {
        let path = self.path.clone();
        let e = |err| StoreError::sqlite(&path, err);
        let tx = self.conn.transaction().map_err(e)?;
        tx.execute(
            "INSERT INTO reconciliations (session_id, issued, returned, spoiled, note, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![session, issued, returned, spoiled, note, now()],
        )
        .map_err(e)?;
        let detail = serde_json::json!({"session": session, "issued": issued, "returned": returned, "spoiled": spoiled, "note": note});
        audit::append_tx(&tx, "station", "session.reconciled", &detail).map_err(e)?;
        transition(&tx, &path, session, SessionState::Reconciled, "station")?;
        tx.commit().map_err(e)
    }
}

impl Store {
    /// The election a session counts, from the file kept with it.
    pub fn session_election(
        &self,
        session: i64,
    ) -> Result<(crate::election::Election, Fingerprint), StoreError> {
        let text: Option<String> = self
            .conn
            .query_row(
                "SELECT COALESCE(definition, (SELECT definition FROM election WHERE id = 1)) FROM sessions WHERE id = ?1",
                params![session],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))?
            .flatten();
        let text = text.ok_or_else(|| StoreError::Corrupt {
            file: self.path.clone(),
            message: format!("session {session} has no election"),
        })?;
        let label = std::path::PathBuf::from(format!("{}#session-{session}", self.path.display()));
        let election =
            crate::election::parse_election(&text, &label).map_err(|e| StoreError::Corrupt {
                file: self.path.clone(),
                message: e.to_string(),
            })?;
        let fp = Fingerprint::of(&election);
        Ok((election, fp))
    }

    /// The session's election file text, as kept with it.
    pub fn session_definition(&self, session: i64) -> Result<String, StoreError> {
        self.conn
            .query_row(
                "SELECT COALESCE(definition, (SELECT definition FROM election WHERE id = 1)) FROM sessions WHERE id = ?1",
                params![session],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))
    }
}

/// One state change inside a transaction, with its audit entry.
fn transition(
    tx: &rusqlite::Transaction<'_>,
    path: &std::path::Path,
    session: i64,
    state: SessionState,
    actor: &str,
) -> Result<(), StoreError> {
    let e = |err| StoreError::sqlite(path, err);
    let path = path.to_path_buf();
    let old: Option<String> = tx
        .query_row(
            "SELECT state FROM sessions WHERE id = ?1",
            params![session],
            |r| r.get(0),
        )
        .optional()
        .map_err(e)?;
    match old.as_deref() {
        None => {
            return Err(StoreError::State {
                file: path.clone(),
                message: format!("session {session} does not exist"),
            });
        }
        Some("closed") => {
            return Err(StoreError::State {
                file: path.clone(),
                message: format!("session {session} is closed; nothing can change"),
            });
        }
        Some(_) => {}
    }
    tx.execute(
        "UPDATE sessions SET state = ?1 WHERE id = ?2",
        params![state.as_str(), session],
    )
    .map_err(e)?;
    audit::append_tx(
        tx,
        actor,
        "session.state",
        &serde_json::json!({"session": session, "from": old, "to": state.as_str()}),
    )
    .map_err(e)?;
    Ok(())
}
