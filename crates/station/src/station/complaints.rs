//! Complaints received at the count, recorded until the board confirms.

use super::{Station, StationError};
use crate::store::{Complaint, SessionState};

/// Longest text of one complaint field that the biên bản prints.
pub const MAX_COMPLAINT_CHARS: usize = 500;

impl Station {
    /// Records a complaint received at the count and how the board handled it.
    /// Only until the first board member confirms: a confirmation covers the
    /// whole biên bản, complaints included.
    pub fn record_complaint(
        &mut self,
        lodged_by: &str,
        content: &str,
        handling: &str,
        recorded_by: &str,
    ) -> Result<Complaint, StationError> {
        let state = self.state()?;
        if matches!(state, SessionState::Confirmed | SessionState::Closed)
            || !self.store.confirmations(self.session)?.is_empty()
        {
            return Err(StationError::State(format!(
                "session {}: the board has begun to confirm the count; a complaint can no longer be added",
                self.session
            )));
        }
        let field = |name: &str, text: &str| -> Result<String, StationError> {
            let text = text.trim();
            if text.is_empty() {
                return Err(StationError::State(format!("a complaint needs {name}")));
            }
            // The biên bản prints it whole; a longer text belongs in an annex.
            if text.chars().count() > MAX_COMPLAINT_CHARS {
                return Err(StationError::State(format!(
                    "{name}: at most {MAX_COMPLAINT_CHARS} characters (attach longer texts to the biên bản on paper)"
                )));
            }
            Ok(unicode_normalization::UnicodeNormalization::nfc(text).collect())
        };
        let lodged_by = field("who lodged it", lodged_by)?;
        let content = field("its content", content)?;
        let handling = field("how the board handled it", handling)?;
        let recorded_by = recorded_by.trim();
        let setup = self.setup()?;
        let board = setup.board();
        let Some(member) = board
            .iter()
            .find(|b| crate::rules::same_name(b, recorded_by))
        else {
            return Err(StationError::State(format!(
                "`{recorded_by}` is not on the counting board ({}); a board member records the complaint",
                board.join(", ")
            )));
        };
        Ok(self
            .store
            .add_complaint(self.session, &lodged_by, &content, &handling, member)?)
    }

    /// The session's complaints, in the order they were recorded.
    pub fn complaints(&self) -> Result<Vec<Complaint>, StationError> {
        Ok(self.store.complaints(self.session)?)
    }
}
