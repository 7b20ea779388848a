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
mod pipeline;
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
pub use reading::{
    BoxScore, CodeCheck, ExtraInk, NameScore, Reading, RejectReason, StampScore, Status, Unread,
};
pub use template::Template;
pub use view::PageView;

use pipeline::rejected;

use crate::election::{BallotKey, Election, Fingerprint};
use crate::rules::{MarkState, Presence};

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
    /// The round's ballot key.
    key: BallotKey,
    /// The round counted (the election's).
    round: u32,
    /// Fingerprint prefixes of the election's earlier rounds: their codes are
    /// ballots of another round, not of another election.
    earlier: Vec<[u8; 8]>,
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
            round: election.election.round,
            earlier: Vec::new(),
            profile,
            template,
        })
    }

    /// The same interpreter, told the fingerprints of the election's earlier
    /// rounds, so their ballots read as another round (rules.md §10).
    #[must_use]
    pub fn with_earlier_rounds(mut self, earlier: &[Fingerprint]) -> Self {
        self.earlier = earlier.iter().map(Fingerprint::short).collect();
        self
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
            return (*rejected(RejectReason::Unreadable, 0.0), trace);
        };
        let reading = self.run(&view, page.dpi, &mut trace);
        (reading, trace)
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
        code: CodeCheck::Unreadable,
        round: None,
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
