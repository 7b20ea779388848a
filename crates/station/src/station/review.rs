//! The officials' part: the review queue, decisions and their undo, and the
//! picture of a doubtful sheet.

use super::{Count, SheetOutcome, Station, StationError, count_sheets};
use crate::interpret::{DEFAULT_PIXEL_BUDGET, decode_pages};
use crate::rules::Verdict;
use crate::store::SheetState;

/// The sheets of `states` that wait for the officials in `count`, least certain first.
pub fn review_queue_of<'a>(states: &'a [SheetState], count: &Count) -> Vec<&'a SheetState> {
    let mut queue: Vec<&SheetState> = states
        .iter()
        .filter(|s| s.status.as_deref() == Some("review") && s.human_verdict.is_none())
        .filter(|s| count.sheets.get(&s.sheet.id) == Some(&SheetOutcome::AwaitingReview))
        .collect();
    queue.sort_by(|a, b| {
        a.certainty
            .total_cmp(&b.certainty)
            .then(a.sheet.id.cmp(&b.sheet.id))
    });
    queue
}

impl Station {
    /// Ballots waiting for the officials, least certain first.
    pub fn review_queue(&self) -> Result<Vec<SheetState>, StationError> {
        let states = self.store.sheet_states(self.session)?;
        let count = count_sheets(&self.election, &states);
        Ok(review_queue_of(&states, &count)
            .into_iter()
            .cloned()
            .collect())
    }

    /// Records the officials' decision on a sheet (revisable until confirmation).
    pub fn decide(
        &mut self,
        sheet: i64,
        verdict: &Verdict,
        reason: &str,
        official: &str,
    ) -> Result<(), StationError> {
        self.require_open()?;
        if !verdict.is_decided() {
            return Err(StationError::State(
                "a decision must be valid or invalid, not review".into(),
            ));
        }
        if official.trim().is_empty() {
            return Err(StationError::State(
                "a decision needs the deciding official's name".into(),
            ));
        }
        let known = self
            .store
            .sheet_states(self.session)?
            .iter()
            .any(|s| s.sheet.id == sheet);
        if !known {
            return Err(StationError::State(format!(
                "sheet {sheet} is not in session {}",
                self.session
            )));
        }
        let json =
            serde_json::to_string(verdict).map_err(|e| StationError::State(e.to_string()))?;
        self.store.add_decision(sheet, &json, reason, official)?;
        Ok(())
    }

    /// Withdraws the latest decision still in force (undo, until the count is
    /// reconciled): its sheet waits for review again. Returns that sheet.
    pub fn undo_decision(&mut self, official: &str) -> Result<Option<i64>, StationError> {
        self.require_open()?;
        let Some((sheet, _, _)) = self.store.last_decision(self.session)? else {
            return Ok(None);
        };
        let official = if official.trim().is_empty() {
            "station"
        } else {
            official
        };
        self.store
            .add_decision(sheet, crate::store::WITHDRAWN, "undo", official)?;
        Ok(Some(sheet))
    }

    /// The picture of a sheet as the interpreter sees it (overlay), with the
    /// part to look at closely (doubtful names, stamp…) cut out and enlarged.
    pub fn sheet_picture(
        &self,
        sheet: &SheetState,
    ) -> Result<(image::RgbImage, Option<image::RgbImage>), StationError> {
        let bytes = self
            .images
            .get(&sheet.sheet.image_path, &sheet.sheet.image_sha256)?;
        let pages = decode_pages(&bytes, DEFAULT_PIXEL_BUDGET).map_err(|e| {
            StationError::State(format!("sheet {}: cannot decode: {e}", sheet.sheet.id))
        })?;
        let page = pages.into_iter().next().ok_or_else(|| {
            StationError::State(format!("sheet {}: no page in the image", sheet.sheet.id))
        })?;
        let (reading, trace) = self.interpreter.interpret_traced(&page);
        let template = self.interpreter.template();
        let picture = crate::interpret::overlay::draw(&page.image, &reading, &trace, template);
        let zoom = crate::interpret::overlay::focus(
            (page.image.width(), page.image.height()),
            &reading,
            &trace,
            template,
        )
        .map(|(x, y, w, h)| {
            let crop = image::imageops::crop_imm(&picture, x, y, w, h).to_image();
            let scale = (900.0 / f64::from(w.max(1))).clamp(1.0, 4.0);
            image::imageops::resize(
                &crop,
                (f64::from(w) * scale) as u32,
                (f64::from(h) * scale) as u32,
                image::imageops::FilterType::Triangle,
            )
        });
        Ok((picture, zoom))
    }
}
