//! The hand check between reconciliation and confirmation: its steps go to the
//! audit log (see [`crate::hand_check`]), and the check is always replayed
//! from there, so what the station shows is what `verify` will recompute.

use super::{Station, StationError};
use crate::audit::{Audit, AuditPlan, SheetReading};
use crate::hand_check::{
    DRAWN, HandCheckError, READ, STARTED, contest_of, drawn_step, pages_of, read_step, replay,
    started_step,
};
use crate::store::SessionState;

impl Station {
    /// This session's hand check as the log records it (None: not started).
    pub fn hand_check(&self) -> Result<Option<Audit>, StationError> {
        let count = self.count()?;
        let sheets = self.sheets()?;
        let pages = match pages_of(&sheets, &count) {
            Ok(p) => p,
            // Before every page is placed there can be no check in the log.
            Err(HandCheckError::Undecided(_)) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let log = self.store.audit_entries()?;
        Ok(replay(&log, self.session, &pages)?)
    }

    /// Starts the hand check with the witnesses' seed; `by` is the official
    /// who typed it. A session has one check: its seed is never rolled again.
    pub fn start_hand_check(
        &mut self,
        seed: &str,
        risk_limit: f64,
        by: &str,
    ) -> Result<Audit, StationError> {
        self.require_reconciled()?;
        let by = self.official(by)?;
        if self.hand_check()?.is_some() {
            return Err(StationError::State(
                "the hand check of this session has started already; its seed stands".into(),
            ));
        }
        let count = self.count()?;
        let pages = pages_of(&self.sheets()?, &count)?;
        let contest = contest_of(&self.election, &count);
        let audit = Audit::start(seed, risk_limit, contest, pages).map_err(HandCheckError::from)?;
        self.log_step(&by, STARTED, &started_step(self.session, &audit))?;
        Ok(audit)
    }

    /// Records what the paper of draw `draw` says, read by `by`.
    pub fn read_hand_check(
        &mut self,
        draw: u32,
        reading: SheetReading,
        by: &str,
    ) -> Result<Audit, StationError> {
        self.require_reconciled()?;
        let by = self.official(by)?;
        let mut audit = self.started()?;
        audit
            .enter(
                draw,
                &crate::audit::HandReading {
                    reading: reading.clone(),
                    official: by.clone(),
                    at: String::new(),
                },
            )
            .map_err(HandCheckError::from)?;
        self.log_step(&by, READ, &read_step(self.session, draw, reading))?;
        self.started()
    }

    /// Draws the further pages the check asks for.
    pub fn draw_more(&mut self, by: &str) -> Result<Audit, StationError> {
        self.require_reconciled()?;
        let by = self.official(by)?;
        let mut audit = self.started()?;
        let AuditPlan::MoreDraws { next } = audit.measure().plan else {
            return Err(StationError::State(
                "the hand check asks for no further draw".into(),
            ));
        };
        if audit.next_unread().is_some() {
            return Err(StationError::State(
                "read every drawn paper before drawing more".into(),
            ));
        }
        let before = audit.record().draws.len();
        audit.extend(next).map_err(HandCheckError::from)?;
        self.log_step(&by, DRAWN, &drawn_step(self.session, &audit, before))?;
        Ok(audit)
    }

    fn started(&self) -> Result<Audit, StationError> {
        self.hand_check()?.ok_or_else(|| {
            StationError::State("no hand check started (kiemphieu audit start)".into())
        })
    }

    fn require_reconciled(&self) -> Result<(), StationError> {
        if self.state()? == SessionState::Reconciled {
            Ok(())
        } else {
            Err(StationError::State(format!(
                "session {}: the hand check is done after reconciliation (kiemphieu close) and before the count is closed",
                self.session
            )))
        }
    }

    /// The board member or witness named, as the set-up spells them.
    fn official(&self, name: &str) -> Result<String, StationError> {
        let setup = self.setup()?;
        let people: Vec<String> = setup
            .board()
            .into_iter()
            .chain(setup.witnesses.iter().cloned())
            .collect();
        people
            .iter()
            .find(|p| crate::rules::same_name(p, name.trim()))
            .cloned()
            .ok_or_else(|| {
                StationError::State(format!(
                    "`{}` is neither on the counting board nor a witness ({})",
                    name.trim(),
                    people.join(", ")
                ))
            })
    }

    fn log_step(
        &mut self,
        by: &str,
        action: &str,
        step: &crate::hand_check::Step,
    ) -> Result<(), StationError> {
        let detail = serde_json::to_value(step)
            .map_err(|e| StationError::State(format!("hand check: {e}")))?;
        self.store.audit(by, action, &detail)?;
        Ok(())
    }
}
