//! The pipeline of one page, a function per stage: coarse view and streaks →
//! corner marks → orientation and scale → homography and QR code → the code's
//! checks → names, stamp, boxes and extra writing → the rules' verdict.
//!
//! A stage that ends the reading early returns it as its error.

use std::collections::BTreeMap;

use image::GrayImage;

use super::{
    COARSE_MM, CodeCheck, Homography, Interpreter, Point, Reading, RejectReason, Status, Trace,
    Unread, certainty, complete_marks, empty_reading, extra, fiducials, ink_fraction, measure_box,
    names, qr, round, snap, stamp, streaks, view,
};
use crate::ballot::{Payload, PayloadError};
use crate::rules::{self, BallotReading, MarkState, QrStatus, Verdict, Vote};
use view::PageView;

mod resolution;

/// A stage's outcome: go on with `T`, or the page's final reading.
type Stage<T> = Result<T, Box<Reading>>;

/// The page seen coarsely: what every later stage starts from.
struct Coarse {
    image: GrayImage,
    /// Image pixels per coarse pixel.
    factor: u32,
    /// Paper white (85th percentile of the coarse view).
    white: u8,
    /// The resolution from the file or the profile, if any.
    known_dpi: Option<f64>,
    /// `known_dpi`, else a guess from the page size.
    guess_dpi: f64,
}

/// Which way up the page may be, and its measured scale.
struct Frame {
    rotations: [u16; 2],
    px_per_mm: f64,
    nominal_dpi: f64,
    scale: f64,
}

/// The page registered on the layout.
struct Registered {
    rotation: u16,
    hm: Homography,
    qr: Option<qr::Found>,
}

impl Interpreter {
    /// Reads one page: each stage in turn, until one ends the reading.
    pub(super) fn run(
        &self,
        view: &PageView<'_>,
        file_dpi: Option<f64>,
        trace: &mut Trace,
    ) -> Reading {
        match self.stages(view, file_dpi, trace) {
            Ok(reading) => reading,
            Err(early) => *early,
        }
    }

    fn stages(
        &self,
        view: &PageView<'_>,
        file_dpi: Option<f64>,
        trace: &mut Trace,
    ) -> Stage<Reading> {
        let (coarse, m) = self.locate(view, file_dpi, trace)?;
        let frame = self.orientation(view, &coarse, &m, trace)?;
        let reg = self.register(view, &frame, &m, trace)?;
        let mut reading = empty_reading(Status::Rejected, frame.nominal_dpi);
        reading.rotation = reg.rotation;
        reading.scale = round(frame.scale, 4);
        let registration_mm = self.template.registration_error(reg.rotation, &m) / frame.px_per_mm;
        reading.registration_mm = round(registration_mm, 3);
        let (qr_status, reading) =
            self.check_code(reading, reg.qr.as_ref(), frame.scale, registration_mm)?;
        Ok(self.read_marks(view, &coarse, &reg.hm, qr_status, reading))
    }

    /// The coarse view and paper white at a resolution: `known_dpi` (the
    /// file's or the profile's), else `assumed_dpi`, else the one at which the
    /// sheet fills the scan. Streaks end the reading.
    fn coarse(
        &self,
        view: &PageView<'_>,
        known_dpi: Option<f64>,
        assumed_dpi: Option<f64>,
        trace: &mut Trace,
    ) -> Stage<Coarse> {
        let p = &self.profile;
        let (w, h) = view.dimensions();
        let (pw, ph) = self.template.page_mm;
        let guess_dpi = known_dpi.or(assumed_dpi).unwrap_or_else(|| {
            let long_px = f64::from(w.max(h));
            long_px / (pw.max(ph) / 25.4) * 0.97
        });
        let factor = ((guess_dpi * COARSE_MM / 25.4).round() as u32).max(1);
        let coarse = view.downsample(factor);
        let white = view::percentile(&coarse, 0.85);
        if white < 60 {
            return Err(self.not_located(view, guess_dpi, trace, Unread::UnreadableMarks));
        }

        let streak_cols = streaks::find_streaks(&coarse, white, p.streak_column_fraction);
        if !streak_cols.is_empty() {
            trace.streaks = streak_cols
                .iter()
                .map(|&c| (f64::from(c) + 0.5) * f64::from(factor))
                .collect();
            return Err(self.not_located(view, guess_dpi, trace, Unread::Streaks));
        }
        Ok(Coarse {
            image: coarse,
            factor,
            white,
            known_dpi,
            guess_dpi,
        })
    }

    /// The four corner marks (a missing one completed from the other three);
    /// fewer than three found: a blank sheet or something else entirely.
    fn corner_marks(
        &self,
        view: &PageView<'_>,
        coarse: &Coarse,
        trace: &mut Trace,
    ) -> Stage<[Point; 4]> {
        let p = &self.profile;
        let coarse_px_per_mm = coarse.guess_dpi / 25.4 / f64::from(coarse.factor);
        let marks = fiducials::find_marks(
            &coarse.image,
            coarse.factor,
            coarse.white,
            self.template.mark_side_mm * coarse_px_per_mm,
            view,
        );
        trace.marks = marks.iter().flatten().map(|m| m.centre).collect();
        let found = marks.iter().filter(|m| m.is_some()).count();
        let ink = ink_fraction(&coarse.image, coarse.white);
        if found < 3 {
            // No ballot geometry: a blank sheet, or something else entirely.
            if ink < p.blank_ink_fraction {
                return Err(Box::new(empty_reading(Status::Blank, coarse.guess_dpi)));
            }
            return Err(self.not_located(view, coarse.guess_dpi, trace, Unread::UnreadableMarks));
        }
        Ok(complete_marks(marks))
    }

    /// Which way up: compare the marks' rectangle with the layout's.
    fn orientation(
        &self,
        view: &PageView<'_>,
        coarse: &Coarse,
        m: &[Point; 4],
        trace: &mut Trace,
    ) -> Stage<Frame> {
        let (fw, fh) = self.template.mark_span_mm();
        let img_w = f64::midpoint(m[0].dist(m[1]), m[2].dist(m[3]));
        let img_h = f64::midpoint(m[0].dist(m[2]), m[1].dist(m[3]));
        let portrait_ratio = (img_h / img_w) / (fh / fw);
        let landscape_ratio = (img_w / img_h) / (fh / fw);
        let (rotations, px_per_mm) = if (portrait_ratio - 1.0).abs() < 0.05 {
            ([0u16, 180], f64::midpoint(img_w / fw, img_h / fh))
        } else if (landscape_ratio - 1.0).abs() < 0.05 {
            ([90u16, 270], f64::midpoint(img_w / fh, img_h / fw))
        } else {
            return Err(self.not_located(view, coarse.guess_dpi, trace, Unread::UnreadableMarks));
        };
        let measured_dpi = px_per_mm * 25.4;
        // A stated resolution far from the marks' spacing is a wrong header
        // (72 or 96 dpi written by scanner software), not a shrunk print.
        let nominal_dpi = coarse
            .known_dpi
            .filter(|&k| resolution::agrees(k, measured_dpi))
            .unwrap_or_else(|| snap(measured_dpi, &self.profile.standard_dpis));
        Ok(Frame {
            rotations,
            px_per_mm,
            nominal_dpi,
            scale: measured_dpi / nominal_dpi,
        })
    }

    /// Tries each orientation: the QR code in its expected place decides.
    fn register(
        &self,
        view: &PageView<'_>,
        frame: &Frame,
        m: &[Point; 4],
        trace: &mut Trace,
    ) -> Stage<Registered> {
        let t = &self.template;
        let rotations = frame.rotations;
        let mut chosen = None;
        for rot in rotations {
            let Some(hm) = t.homography(rot, m) else {
                continue;
            };
            let found = qr::read_by_grid(view, &hm, t.qr_symbol, t.qr_modules)
                .or_else(|| qr::read_in_region(view, &hm, t.qr_region, t.qr_module_mm));
            if let Some(found) = found {
                chosen = Some((rot, hm, Some(found)));
                break;
            }
        }
        if chosen.is_none() {
            if let Some(found) = qr::read_whole_page(view, frame.nominal_dpi) {
                // Pick the orientation that puts the expected QR region where the code is.
                let centre = Point::new(
                    found.corners.iter().map(|c| c.x).sum::<f64>() / 4.0,
                    found.corners.iter().map(|c| c.y).sum::<f64>() / 4.0,
                );
                let best = rotations
                    .iter()
                    .filter_map(|&rot| t.homography(rot, m).map(|hm| (rot, hm)))
                    .min_by(|a, b| {
                        let da = a.1.map(t.qr_region.centre()).dist(centre);
                        let db = b.1.map(t.qr_region.centre()).dist(centre);
                        da.total_cmp(&db)
                    });
                if let Some((rot, hm)) = best {
                    chosen = Some((rot, hm, Some(found)));
                }
            }
        }
        let (rotation, hm, qr) = match chosen {
            Some(c) => c,
            None => match t.homography(rotations[0], m) {
                Some(hm) => (rotations[0], hm, None),
                None => {
                    return Err(self.not_located(
                        view,
                        frame.nominal_dpi,
                        trace,
                        Unread::UnreadableMarks,
                    ));
                }
            },
        };
        trace.homography = Some(hm);
        trace.qr_corners = qr.as_ref().map(|f| f.corners);
        Ok(Registered { rotation, hm, qr })
    }

    /// The code says whose ballot this is; then the scale and registration
    /// must be within the profile's limits — or a genuine ballot waits for the
    /// officials, never rejected.
    fn check_code(
        &self,
        mut reading: Reading,
        qr_found: Option<&qr::Found>,
        scale: f64,
        registration_mm: f64,
    ) -> Stage<(QrStatus, Reading)> {
        let p = &self.profile;
        let Some(found) = qr_found else {
            reading.reasons.push(RejectReason::NoQr.code().into());
            return Err(Box::new(reading));
        };
        let code = self.read_code(&found.text);
        code.apply(&mut reading);
        if let Some(reason) = code.reject_reason() {
            reading.reasons.push(reason.code().into());
            return Err(Box::new(reading));
        }
        if scale < p.scale_min || scale > p.scale_max {
            return Err(unread(reading, Unread::Scale));
        }
        if registration_mm > p.registration_max_mm {
            return Err(unread(reading, Unread::Registration));
        }
        Ok((QrStatus::Valid, reading))
    }

    /// Names, stamp, boxes and extra writing, then the rules' verdict.
    fn read_marks(
        &self,
        view: &PageView<'_>,
        coarse: &Coarse,
        hm: &Homography,
        qr_status: QrStatus,
        mut reading: Reading,
    ) -> Reading {
        let t = &self.template;
        let p = &self.profile;
        let white_f = f64::from(coarse.white);
        let mut marks_read = Vec::with_capacity(t.names.len());
        let mut scores = BTreeMap::new();
        for name in &t.names {
            let score = names::measure(view, hm, name, white_f, p);
            marks_read.push(score.state);
            scores.insert(name.id.clone(), score);
        }
        let stamp = stamp::measure(view, hm, t.stamp_mm, &t.stamp_printed, white_f, p);
        let boxes = t
            .boxes
            .as_ref()
            .map(|bx| [0, 1].map(|i| measure_box(view, hm, &bx[i], white_f, p)));
        let (extra_state, extra) =
            extra::find(&coarse.image, coarse.factor, hm, &t.page, white_f, p);

        let ballot = BallotReading {
            marks: marks_read,
            boxes: boxes.as_ref().map(|b| (b[0].state, b[1].state)),
            stamp: stamp.state,
            extra_writing: extra_state,
            qr: qr_status,
        };
        let verdict = rules::judge(&self.election, &ballot);
        reading.certainty = round(certainty(&scores, &stamp, p), 3);
        for (id, s) in &scores {
            match s.state {
                MarkState::Struck => reading.struck.push(id.clone()),
                MarkState::Kept => reading.kept.push(id.clone()),
                MarkState::Doubtful => reading.doubtful.push(id.clone()),
            }
        }
        // Keep ballot order, not id order, in the lists.
        let order: Vec<&str> = t.names.iter().map(|n| n.id.as_str()).collect();
        for list in [
            &mut reading.struck,
            &mut reading.kept,
            &mut reading.doubtful,
        ] {
            list.sort_by_key(|id| order.iter().position(|o| o == id));
        }
        reading.scores = scores;
        reading.stamp = Some(stamp);
        reading.boxes = boxes;
        reading.extra_writing = extra;
        self.apply_verdict(&mut reading, verdict);
        reading
    }

    /// Fills status, vote and reasons from the rules' verdict.
    fn apply_verdict(&self, reading: &mut Reading, verdict: Verdict) {
        reading.reasons.clear();
        match &verdict {
            Verdict::Valid { vote } => {
                reading.status = Status::Valid;
                let single = self.election.is_single_candidate();
                match vote {
                    Vote::For(id) => reading.vote = Some(id.clone()),
                    Vote::Approve(id) => {
                        reading.vote = Some(id.clone());
                        reading.approve = single.then_some(true);
                    }
                    Vote::Disapprove => {
                        reading.vote = None;
                        reading.approve = single.then_some(false);
                    }
                }
            }
            Verdict::Invalid { reasons } => {
                reading.status = Status::Invalid;
                reading.reasons = reasons.iter().map(|r| r.code().to_string()).collect();
            }
            Verdict::Review {
                reasons,
                suggestion,
            } => {
                reading.status = Status::Review;
                reading.reasons = reasons.iter().map(|r| r.code().to_string()).collect();
                reading.suggestion = Some((**suggestion).clone());
            }
        }
        reading.verdict = Some(verdict);
    }

    /// The page cannot be located on the layout (corner marks, streaks, a dark
    /// scan): still say whose code it is, read from the whole page. A ballot of
    /// this round then waits for the officials with `why`; anything else is
    /// rejected with what its code proved.
    fn not_located(
        &self,
        view: &PageView<'_>,
        dpi: f64,
        trace: &mut Trace,
        why: Unread,
    ) -> Box<Reading> {
        let fallback = match why {
            Unread::Streaks => RejectReason::Streaks,
            _ => RejectReason::Unreadable,
        };
        let Some(found) = qr::read_whole_page(view, dpi) else {
            return rejected(fallback, dpi);
        };
        trace.qr_corners = Some(found.corners);
        let mut reading = empty_reading(Status::Rejected, dpi);
        let code = self.read_code(&found.text);
        code.apply(&mut reading);
        match code.reject_reason() {
            None => unread(reading, why),
            Some(RejectReason::NoQr) => {
                reading.reasons.push(fallback.code().into());
                Box::new(reading)
            }
            Some(reason) => {
                reading.reasons.push(reason.code().into());
                Box::new(reading)
            }
        }
    }

    /// What a decoded QR text proves: this election and round with a good MAC,
    /// another election, another round (this election's, or one of its earlier
    /// rounds' fingerprints), a bad MAC, an unknown format, or nothing readable.
    pub(super) fn read_code(&self, text: &str) -> CodeRead {
        let payload = match Payload::decode(text) {
            Ok(p) => p,
            Err(PayloadError::UnsupportedVersion(_)) => {
                return CodeRead::only(CodeCheck::UnsupportedVersion);
            }
            Err(_) => return CodeRead::only(CodeCheck::Unreadable),
        };
        let ours = payload.fingerprint == self.fingerprint.short();
        let check = if ours && u32::from(payload.round) == self.round {
            if payload.mac_matches(&self.key) {
                CodeCheck::Verified
            } else {
                CodeCheck::BadMac
            }
        } else if ours || self.earlier.contains(&payload.fingerprint) {
            CodeCheck::OtherRound
        } else {
            CodeCheck::OtherElection
        };
        CodeRead {
            check,
            serial: Some(payload.serial.to_string()),
            round: Some(u32::from(payload.round)),
        }
    }
}

/// What a decoded code proved, with the serial and round it carries.
pub(super) struct CodeRead {
    check: CodeCheck,
    serial: Option<String>,
    round: Option<u32>,
}

impl CodeRead {
    fn only(check: CodeCheck) -> Self {
        CodeRead {
            check,
            serial: None,
            round: None,
        }
    }

    /// Writes what the code proved into the reading.
    fn apply(&self, reading: &mut Reading) {
        reading.code = self.check;
        reading.serial.clone_from(&self.serial);
        reading.round = self.round;
    }

    /// Why a page with this code is not a ballot of this round, if it is not.
    fn reject_reason(&self) -> Option<RejectReason> {
        match self.check {
            CodeCheck::Verified => None,
            CodeCheck::OtherElection => Some(RejectReason::WrongElection),
            CodeCheck::OtherRound => Some(RejectReason::OtherRound),
            CodeCheck::BadMac => Some(RejectReason::Forged),
            CodeCheck::UnsupportedVersion => Some(RejectReason::UnsupportedVersion),
            CodeCheck::Unreadable => Some(RejectReason::NoQr),
        }
    }
}

/// A ballot of this round the machine cannot read: it waits for the officials
/// with the reason, and no suggestion (nothing was read to suggest from).
fn unread(mut reading: Reading, why: Unread) -> Box<Reading> {
    reading.status = Status::Review;
    reading.reasons = vec![why.code().to_string()];
    reading.verdict = None;
    reading.suggestion = None;
    reading.certainty = 0.0;
    Box::new(reading)
}

/// A rejected reading.
pub(super) fn rejected(reason: RejectReason, dpi: f64) -> Box<Reading> {
    let mut r = empty_reading(Status::Rejected, dpi);
    r.reasons.push(reason.code().to_string());
    Box::new(r)
}
