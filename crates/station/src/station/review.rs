//! The officials' part: the pages waiting for them (every destination), their
//! decisions and the undo, blank pages confirmed together, and the picture of
//! a page.

use super::{Count, Destination, NotBallot, Place, Station, StationError, ballot_allowed};
use crate::interpret::{DEFAULT_PIXEL_BUDGET, decode_pages};
use crate::store::{Decision, SheetRecord};

/// The sheets of `states` that wait for the officials in `count`: ballots of
/// this round least certain first, then the other pages in intake order.
pub fn review_queue_of<'a>(states: &'a [SheetRecord], count: &Count) -> Vec<&'a SheetRecord> {
    let mut queue: Vec<&SheetRecord> = states
        .iter()
        .filter(|s| {
            count
                .sheets
                .get(&s.sheet.id)
                .is_some_and(Place::is_awaiting)
        })
        .collect();
    let rank = |s: &SheetRecord| match count.sheets.get(&s.sheet.id).and_then(Place::destination) {
        Some(Destination::Ballot) => 0,
        Some(Destination::NotIssuedForm(_)) => 1,
        Some(Destination::NotABallot(NotBallot::SecondScan)) => 2,
        _ => 3,
    };
    queue.sort_by(|a, b| {
        rank(a)
            .cmp(&rank(b))
            .then(a.certainty().total_cmp(&b.certainty()))
            .then(a.sheet.id.cmp(&b.sheet.id))
    });
    queue
}

impl Station {
    /// Pages waiting for the officials, in the order `review_queue_of` gives.
    pub fn review_queue(&self) -> Result<Vec<SheetRecord>, StationError> {
        let states = self.sheets()?;
        let count = self.count_of(&states)?;
        Ok(review_queue_of(&states, &count)
            .into_iter()
            .cloned()
            .collect())
    }

    /// Records the officials' decision on a page (revisable until the count is
    /// reconciled). A paper whose code proves it is not this round's issued form,
    /// or a second paper with a serial already counted, is never counted as a ballot.
    pub fn decide(
        &mut self,
        sheet: i64,
        decision: &Decision,
        reason: &str,
        official: &str,
    ) -> Result<(), StationError> {
        self.require_open()?;
        if official.trim().is_empty() {
            return Err(StationError::State(
                "a decision needs the deciding official's name".into(),
            ));
        }
        let states = self.sheets()?;
        let count = self.count_of(&states)?;
        let Some(place) = count.sheets.get(&sheet) else {
            return Err(StationError::State(format!(
                "sheet {sheet} is not in session {}",
                self.session
            )));
        };
        if let Decision::Ballot(v) = decision {
            if !v.is_decided() {
                return Err(StationError::State(
                    "a decision must be valid or invalid, not review".into(),
                ));
            }
            if let Some(id) = v_candidate(v).filter(|id| self.election.candidate(id).is_none()) {
                return Err(StationError::State(format!(
                    "`{id}` is not a candidate of this election"
                )));
            }
            // Judge against where the machine puts the page, not a decision made before.
            let record = states.iter().find(|s| s.sheet.id == sheet);
            let machine = record
                .and_then(|r| r.reading.as_ref())
                .map(|reading| self.machine_place_of(reading, &states, sheet))
                .transpose()?;
            let destination = machine
                .as_ref()
                .and_then(Place::destination)
                .or_else(|| place.destination());
            match destination {
                None => {
                    return Err(StationError::State(format!(
                        "sheet {sheet} is not read yet"
                    )));
                }
                Some(d) if !ballot_allowed(d) => {
                    return Err(StationError::State(format!(
                        "sheet {sheet} cannot be counted as a ballot of this round: {}",
                        machine.unwrap_or(place.clone()).words(true)
                    )));
                }
                Some(_) => {}
            }
        }
        self.store
            .add_decisions(&[(sheet, decision.clone())], reason, official)?;
        Ok(())
    }

    /// Where the machine puts a page, given the sheets before it.
    fn machine_place_of(
        &self,
        reading: &crate::interpret::Reading,
        states: &[SheetRecord],
        sheet: i64,
    ) -> Result<Place, StationError> {
        let before: Vec<SheetRecord> = states
            .iter()
            .filter(|s| s.sheet.id < sheet)
            .cloned()
            .collect();
        let count = self.count_of(&before)?;
        let taken = before
            .iter()
            .filter(|s| {
                count.sheets.get(&s.sheet.id).and_then(Place::destination)
                    == Some(Destination::Ballot)
            })
            .filter_map(|s| s.serial().map(|serial| (serial.to_string(), s.sheet.id)))
            .fold(std::collections::HashMap::new(), |mut m, (k, v)| {
                m.entry(k).or_insert(v);
                m
            });
        Ok(super::machine_place(reading, &self.printed()?, &taken))
    }

    /// Confirms every blank page waiting as not a ballot, in one decision each
    /// and one transaction (rules.md §6: in bulk for blank pages). Returns how many.
    pub fn confirm_blank_pages(&mut self, official: &str) -> Result<usize, StationError> {
        self.require_open()?;
        if official.trim().is_empty() {
            return Err(StationError::State(
                "a decision needs the deciding official's name".into(),
            ));
        }
        let count = self.count()?;
        let blanks: Vec<(i64, Decision)> = count
            .sheets
            .iter()
            .filter(|(_, p)| {
                matches!(
                    p,
                    Place::Awaiting {
                        destination: Destination::NotABallot(NotBallot::Blank),
                        ..
                    }
                )
            })
            .map(|(id, _)| (*id, Decision::NotABallot))
            .collect();
        if !blanks.is_empty() {
            self.store
                .add_decisions(&blanks, "blank pages confirmed together", official)?;
        }
        Ok(blanks.len())
    }

    /// Withdraws the latest decision still in force (undo, until the count is
    /// reconciled): its sheet waits for review again. Returns that sheet.
    pub fn undo_decision(&mut self, official: &str) -> Result<Option<i64>, StationError> {
        self.require_open()?;
        let Some((sheet, _)) = self.store.last_decision(self.session)? else {
            return Ok(None);
        };
        let official = if official.trim().is_empty() {
            "station"
        } else {
            official
        };
        self.store.withdraw_decision(sheet, official)?;
        Ok(Some(sheet))
    }

    /// The picture of a sheet as the interpreter sees it (overlay), with the
    /// part to look at closely (doubtful names, stamp…) cut out and enlarged.
    pub fn sheet_picture(
        &self,
        sheet: &SheetRecord,
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

/// The candidate a verdict votes for, if any.
fn v_candidate(v: &crate::rules::Verdict) -> Option<&str> {
    match v {
        crate::rules::Verdict::Valid { vote } => vote.candidate(),
        _ => None,
    }
}
