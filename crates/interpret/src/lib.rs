//! The ballot interpreter: from a scanned page to a reading and a verdict.
//!
//! Pure: image + election + calibration profile in, serialisable [`Reading`]
//! out; no files, no database, no UI. Stages, each in its own file:
//! decode → coarse view → streaks → corner marks → homography, scale and
//! orientation → QR code → names → stamp → boxes → extra writing → rules.
//! Only the coarse view touches every pixel; every other stage samples small
//! regions of the layout through the homography.

pub mod calibrate;
mod decode;
mod extra;
mod fiducials;
pub mod geometry;
mod names;
pub mod overlay;
mod profile;
mod qr;
mod reading;
mod sample;
mod stamp;
mod streaks;
mod template;
#[cfg(test)]
mod tests;
mod view;

// The earlier stage, under the names the modules use.
use kiemphieu_core::{ballot, election, rules};

use std::collections::BTreeMap;

use image::DynamicImage;

pub use decode::{
    DEFAULT_PIXEL_BUDGET, DecodeError, Page, decode_pages, jpeg_dpi, normalise, png_dpi,
};
pub use geometry::{Homography, MmRect, Point};
pub use profile::{DEFAULT_PROFILE_TOML, Profile};
pub use reading::{BoxScore, ExtraInk, NameScore, Reading, RejectReason, StampScore, Status};
pub use template::Template;
pub use view::PageView;

use crate::ballot::{Payload, PayloadError};
use crate::election::{BallotKey, Election, Fingerprint};
use crate::rules::{BallotReading, MarkState, Presence, QrStatus, Verdict, Vote};

/// What the interpreter found on the way, for the overlay.
#[derive(Debug, Clone, Default)]
pub struct Trace {
    /// Corner marks found, image pixels (TL, TR, BL, BR of the image).
    pub marks: Vec<Point>,
    /// Layout → image map, when registration succeeded.
    pub homography: Option<Homography>,
    /// QR code corners, image pixels.
    pub qr_corners: Option<[Point; 4]>,
    /// Streak columns, image pixels.
    pub streaks: Vec<f64>,
}

/// An interpreter prepared for one election: templates are rendered once.
pub struct Interpreter {
    election: Election,
    fingerprint: Fingerprint,
    key: BallotKey,
    profile: Profile,
    template: Template,
}

/// Coarse cell size aimed for, mm: fine enough for corner marks and writing, cheap to make.
const COARSE_MM: f64 = 0.5;

impl Interpreter {
    /// Prepares the interpreter: lays out and renders the blank ballot of this election.
    pub fn new(
        election: &Election,
        key: BallotKey,
        profile: Profile,
    ) -> Result<Self, crate::ballot::LayoutError> {
        let template = Template::new(election, &profile)?;
        Ok(Interpreter {
            election: election.clone(),
            fingerprint: Fingerprint::of(election),
            key,
            profile,
            template,
        })
    }

    /// The calibration profile in use.
    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// The prepared template (layout geometry).
    pub fn template(&self) -> &Template {
        &self.template
    }

    /// Interprets one page.
    pub fn interpret(&self, page: &Page) -> Reading {
        self.interpret_traced(page).0
    }

    /// Interprets one page and returns what was found on the way, for overlays.
    pub fn interpret_traced(&self, page: &Page) -> (Reading, Trace) {
        let mut trace = Trace::default();
        let normalised;
        let image = match &page.image {
            DynamicImage::ImageLuma8(_) | DynamicImage::ImageRgb8(_) => &page.image,
            other => {
                normalised = normalise(other.clone());
                &normalised
            }
        };
        let Some(view) = PageView::new(image) else {
            return (self.rejected(RejectReason::Unreadable, 0.0), trace);
        };
        let reading = self.run(&view, page.dpi, &mut trace);
        (reading, trace)
    }

    fn rejected(&self, reason: RejectReason, dpi: f64) -> Reading {
        let mut r = empty_reading(Status::Rejected, dpi);
        r.reasons.push(reason.code().to_string());
        r
    }

    fn run(&self, view: &PageView<'_>, file_dpi: Option<f64>, trace: &mut Trace) -> Reading {
        let t = &self.template;
        let p = &self.profile;
        let (w, h) = view.dimensions();
        let (pw, ph) = t.page_mm;
        // Resolution: the file's, else the profile's, else assume the sheet fills the scan.
        let known_dpi = file_dpi.or(p.scanner_dpi);
        let guess_dpi = known_dpi.unwrap_or_else(|| {
            let long_px = f64::from(w.max(h));
            long_px / (pw.max(ph) / 25.4) * 0.97
        });
        let factor = ((guess_dpi * COARSE_MM / 25.4).round() as u32).max(1);
        let coarse = view.downsample(factor);
        let white = view::percentile(&coarse, 0.85);
        if white < 60 {
            return self.rejected(RejectReason::Unreadable, guess_dpi);
        }

        let streak_cols = streaks::find_streaks(&coarse, white, p.streak_column_fraction);
        if !streak_cols.is_empty() {
            trace.streaks = streak_cols
                .iter()
                .map(|&c| (f64::from(c) + 0.5) * f64::from(factor))
                .collect();
            return self.rejected(RejectReason::Streaks, guess_dpi);
        }

        let coarse_px_per_mm = guess_dpi / 25.4 / f64::from(factor);
        let marks = fiducials::find_marks(
            &coarse,
            factor,
            white,
            t.mark_side_mm * coarse_px_per_mm,
            view,
        );
        trace.marks = marks.iter().flatten().map(|m| m.centre).collect();
        let found = marks.iter().filter(|m| m.is_some()).count();
        let ink = ink_fraction(&coarse, white);
        if found < 3 {
            // No ballot geometry: a blank sheet, or something else entirely.
            if ink < p.blank_ink_fraction {
                return empty_reading(Status::Blank, guess_dpi);
            }
            return self.without_registration(view, guess_dpi, trace);
        }
        let m = complete_marks(marks);

        // Which way up: compare the marks' rectangle with the layout's.
        let (fw, fh) = t.mark_span_mm();
        let img_w = f64::midpoint(m[0].dist(m[1]), m[2].dist(m[3]));
        let img_h = f64::midpoint(m[0].dist(m[2]), m[1].dist(m[3]));
        let portrait_ratio = (img_h / img_w) / (fh / fw);
        let landscape_ratio = (img_w / img_h) / (fh / fw);
        let (rotations, px_per_mm) = if (portrait_ratio - 1.0).abs() < 0.05 {
            ([0u16, 180], f64::midpoint(img_w / fw, img_h / fh))
        } else if (landscape_ratio - 1.0).abs() < 0.05 {
            ([90u16, 270], f64::midpoint(img_w / fh, img_h / fw))
        } else {
            return self.without_registration(view, guess_dpi, trace);
        };
        let measured_dpi = px_per_mm * 25.4;
        let nominal = known_dpi.unwrap_or_else(|| snap(measured_dpi, &p.standard_dpis));
        let scale = measured_dpi / nominal;

        // Try each orientation: the QR code in its expected place decides.
        let mut chosen = None;
        for rot in rotations {
            let Some(hm) = t.homography(rot, &m) else {
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
            if let Some(found) = qr::read_whole_page(view, nominal) {
                // Pick the orientation that puts the expected QR region where the code is.
                let centre = Point::new(
                    found.corners.iter().map(|c| c.x).sum::<f64>() / 4.0,
                    found.corners.iter().map(|c| c.y).sum::<f64>() / 4.0,
                );
                let best = rotations
                    .iter()
                    .filter_map(|&rot| t.homography(rot, &m).map(|hm| (rot, hm)))
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
        let (rotation, hm, qr_found) = match chosen {
            Some(c) => c,
            None => match t.homography(rotations[0], &m) {
                Some(hm) => (rotations[0], hm, None),
                None => return self.rejected(RejectReason::Unreadable, nominal),
            },
        };
        trace.homography = Some(hm);
        trace.qr_corners = qr_found.as_ref().map(|f| f.corners);
        let registration_mm = t.registration_error(rotation, &m) / px_per_mm;

        let mut reading = empty_reading(Status::Rejected, nominal);
        reading.rotation = rotation;
        reading.scale = round(scale, 4);
        reading.registration_mm = round(registration_mm, 3);

        // The code says whose ballot this is.
        let qr_status = match &qr_found {
            None => {
                reading.reasons.push(RejectReason::NoQr.code().into());
                return reading;
            }
            Some(f) => match Payload::decode(&f.text) {
                Err(PayloadError::UnsupportedVersion(_)) => Err(RejectReason::UnsupportedVersion),
                Err(_) => Err(RejectReason::NoQr),
                Ok(payload) => {
                    reading.serial = Some(payload.serial.to_string());
                    match payload.verify(&self.fingerprint, &self.key) {
                        Ok(()) => Ok(QrStatus::Valid),
                        Err(PayloadError::WrongElection) => Err(RejectReason::WrongElection),
                        Err(_) => Err(RejectReason::Forged),
                    }
                }
            },
        };
        let qr_status = match qr_status {
            Ok(s) => s,
            Err(reason) => {
                reading.reasons.push(reason.code().into());
                return reading;
            }
        };
        if scale < p.scale_min || scale > p.scale_max {
            reading.reasons.push(RejectReason::Scale.code().into());
            return reading;
        }
        if registration_mm > p.registration_max_mm {
            reading
                .reasons
                .push(RejectReason::Registration.code().into());
            return reading;
        }

        // Marks.
        let white_f = f64::from(white);
        let mut marks_read = Vec::with_capacity(t.names.len());
        let mut scores = BTreeMap::new();
        for name in &t.names {
            let score = names::measure(view, &hm, name, white_f, p);
            marks_read.push(score.state);
            scores.insert(name.id.clone(), score);
        }
        let stamp = stamp::measure(view, &hm, t.stamp_mm, &t.stamp_printed, white_f, p);
        let boxes = t
            .boxes
            .as_ref()
            .map(|bx| [0, 1].map(|i| measure_box(view, &hm, &bx[i], white_f, p)));
        let (extra_state, extra) = extra::find(&coarse, factor, &hm, &t.page, white_f, p);

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

    /// No usable corner marks: still say whose code it is, if one can be read.
    fn without_registration(&self, view: &PageView<'_>, dpi: f64, trace: &mut Trace) -> Reading {
        let Some(found) = qr::read_whole_page(view, dpi) else {
            return self.rejected(RejectReason::Unreadable, dpi);
        };
        trace.qr_corners = Some(found.corners);
        let mut reading = self.rejected(RejectReason::Unreadable, dpi);
        if let Ok(payload) = Payload::decode(&found.text) {
            reading.serial = Some(payload.serial.to_string());
            let reason = match payload.verify(&self.fingerprint, &self.key) {
                Ok(()) => RejectReason::Unreadable,
                Err(PayloadError::WrongElection) => RejectReason::WrongElection,
                Err(_) => RejectReason::Forged,
            };
            reading.reasons = vec![reason.code().to_string()];
        }
        reading
    }
}

fn measure_box(
    view: &PageView<'_>,
    h: &Homography,
    b: &template::BoxTemplate,
    white: f64,
    p: &Profile,
) -> BoxScore {
    let patch = sample::sample_luma(view, h, b.interior, names::NAME_STEP_MM);
    let threshold = white * p.ink_fraction_of_white;
    let mut inked = 0usize;
    let mut usable = 0usize;
    for (i, &v) in patch.data.iter().enumerate() {
        if b.printed.get(i).copied().unwrap_or(false) {
            continue;
        }
        usable += 1;
        if f64::from(v) < threshold {
            inked += 1;
        }
    }
    let fraction = inked as f64 / usable.max(1) as f64;
    let state = if fraction >= p.box_marked {
        Presence::Present
    } else if fraction <= p.box_empty {
        Presence::Absent
    } else {
        Presence::Doubtful
    };
    BoxScore {
        state,
        ink_fraction: names::round3(fraction),
    }
}

/// Fraction of the coarse page that is thin dark structure on paper (not background).
fn ink_fraction(coarse: &image::GrayImage, white: u8) -> f64 {
    let threshold = (u32::from(white) * 60 / 100) as u8;
    let (w, h) = coarse.dimensions();
    let max_run = 24; // ~10 mm: longer dark runs are scanner background, not ink.
    let mut ink = 0u64;
    let mut paper = 0u64;
    for y in 0..h {
        let row = &coarse.as_raw()[(y * w) as usize..((y + 1) * w) as usize];
        let mut x = 0usize;
        while x < row.len() {
            if row[x] >= threshold {
                paper += 1;
                x += 1;
                continue;
            }
            let start = x;
            while x < row.len() && row[x] < threshold {
                x += 1;
            }
            let run = x - start;
            if run <= max_run && start > 0 && x < row.len() {
                ink += run as u64;
            }
        }
    }
    ink as f64 / (ink + paper).max(1) as f64
}

/// Completes three corner marks into four (a flat sheet is a parallelogram).
fn complete_marks(marks: [Option<fiducials::FoundMark>; 4]) -> [Point; 4] {
    let p = marks.map(|m| m.map(|m| m.centre));
    let get = |i: usize| p[i].unwrap_or_default();
    match (p[0], p[1], p[2], p[3]) {
        (None, ..) => {
            let (b, c, d) = (get(1), get(2), get(3));
            [Point::new(b.x + c.x - d.x, b.y + c.y - d.y), b, c, d]
        }
        (_, None, ..) => {
            let (a, c, d) = (get(0), get(2), get(3));
            [a, Point::new(a.x + d.x - c.x, a.y + d.y - c.y), c, d]
        }
        (_, _, None, _) => {
            let (a, b, d) = (get(0), get(1), get(3));
            [a, b, Point::new(a.x + d.x - b.x, a.y + d.y - b.y), d]
        }
        (_, _, _, None) => {
            let (a, b, c) = (get(0), get(1), get(2));
            [a, b, c, Point::new(b.x + c.x - a.x, b.y + c.y - a.y)]
        }
        _ => [get(0), get(1), get(2), get(3)],
    }
}

/// The standard resolution nearest to a measured one.
fn snap(measured: f64, standards: &[f64]) -> f64 {
    standards
        .iter()
        .copied()
        .min_by(|a, b| (a - measured).abs().total_cmp(&(b - measured).abs()))
        .unwrap_or(measured)
}

/// How far the least certain measure is from its decision boundary, 0-1.
fn certainty(scores: &BTreeMap<String, NameScore>, stamp: &StampScore, p: &Profile) -> f64 {
    let mut c: f64 = 1.0;
    for s in scores.values() {
        let margin = match s.state {
            MarkState::Struck => {
                (s.coverage - p.struck_coverage) / (1.0 - p.struck_coverage).max(1e-6) * 0.5 + 0.5
            }
            MarkState::Kept => {
                (p.kept_coverage - s.coverage) / p.kept_coverage.max(1e-6) * 0.5 + 0.5
            }
            MarkState::Doubtful => {
                let span = (p.struck_coverage - p.kept_coverage).max(1e-6);
                let d = (s.coverage - p.kept_coverage)
                    .min(p.struck_coverage - s.coverage)
                    .max(0.0);
                0.5 * (1.0 - d / (span / 2.0))
            }
        };
        c = c.min(margin.clamp(0.0, 1.0));
    }
    if stamp.state == Presence::Doubtful {
        c = c.min(0.3);
    }
    c
}

fn round(v: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (v * f).round() / f
}

fn empty_reading(status: Status, dpi: f64) -> Reading {
    Reading {
        status,
        vote: None,
        approve: None,
        struck: Vec::new(),
        kept: Vec::new(),
        doubtful: Vec::new(),
        reasons: Vec::new(),
        suggestion: None,
        verdict: None,
        serial: None,
        scores: BTreeMap::new(),
        stamp: None,
        boxes: None,
        extra_writing: Vec::new(),
        rotation: 0,
        dpi: round(dpi, 1),
        scale: 1.0,
        registration_mm: 0.0,
        certainty: if status == Status::Blank { 1.0 } else { 0.0 },
    }
}
