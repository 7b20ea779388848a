//! Closing a session: reconciliation of the figures, then each board member's
//! confirmation.

use super::{Station, StationError, WriterLock};
use crate::store::SessionState;

impl Station {
    /// Enters issued/returned and checks the identities of rules.md §6; when they
    /// hold (or a note explains why not) the session is reconciled and waits for
    /// each board member's confirmation.
    pub fn close(
        &mut self,
        issued: u32,
        returned: u32,
        spoiled: u32,
        note: Option<&str>,
    ) -> Result<Vec<crate::rules::Check>, StationError> {
        self.require_open()?;
        // No scan may add a sheet between the count checked here and the reconciliation.
        let _lock = WriterLock::take(self.store.path())?;
        let count = self.count()?;
        if count.awaiting_review > 0 {
            return Err(StationError::State(format!(
                "{} pages still wait for the officials' decision (kiemphieu review): every page must reach its place first",
                count.awaiting_review
            )));
        }
        if count.pending > 0 {
            return Err(StationError::State(format!(
                "{} pages are not interpreted yet",
                count.pending
            )));
        }
        // The count rests on the stored images: every one must still be whole.
        let damaged = self.damaged_images()?;
        if !damaged.is_empty() {
            return Err(StationError::State(format!(
                "{} stored images are damaged; scan those ballots again: {}",
                damaged.len(),
                damaged.join("; ")
            )));
        }
        let setup = self.setup()?;
        let counts = crate::rules::Counts {
            households: self.election.election.households,
            attendance: setup.attendance,
            issued,
            returned,
            spoiled,
        };
        let checks = crate::rules::reconcile(&self.election, &counts, &count.tally);
        let broken: Vec<_> = checks.iter().filter(|c| !c.holds).collect();
        if !broken.is_empty() && note.is_none_or(|n| n.trim().is_empty()) {
            return Err(StationError::State(format!(
                "the counts do not reconcile: {}; correct them or explain with --note",
                broken
                    .iter()
                    .map(|c| c.text_en.clone())
                    .collect::<Vec<_>>()
                    .join("; ")
            )));
        }
        self.store
            .reconcile_session(self.session, issued, returned, spoiled, note)?;
        Ok(checks)
    }

    /// A member of the counting board confirms the reconciled count; when the
    /// leader and every member have confirmed, the session is closed for good.
    /// Returns the board members still to confirm.
    pub fn confirm(&mut self, member: &str) -> Result<Vec<String>, StationError> {
        if self.state()? != SessionState::Reconciled {
            return Err(StationError::State(format!(
                "session {} is not reconciled (kiemphieu close first) or already closed",
                self.session
            )));
        }
        let setup = self.setup()?;
        let board = setup.board();
        let member = member.trim();
        if !board.iter().any(|b| crate::rules::same_name(b, member)) {
            return Err(StationError::State(format!(
                "`{member}` is not on the counting board ({})",
                board.join(", ")
            )));
        }
        self.store.add_confirmation(self.session, member)?;
        let done = self.store.confirmations(self.session)?;
        let missing: Vec<String> = board
            .into_iter()
            .filter(|b| !done.iter().any(|d| crate::rules::same_name(b, d)))
            .collect();
        if missing.is_empty() {
            // One transaction: a crash between the two would leave the session
            // confirmed but never closed, and no command could finish it.
            self.store.set_session_states(
                self.session,
                &[SessionState::Confirmed, SessionState::Closed],
                member,
            )?;
        }
        Ok(missing)
    }
}
