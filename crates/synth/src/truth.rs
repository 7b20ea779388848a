//! Ground truth of a generated page: what was drawn and what a correct reading is.
//!
//! Labels follow rules.md §3 and research-notes §2.4 (S9): only a stroke across the
//! whole printed name strikes it; part of the name, underline, overline, circle, dot
//! and tick leave it kept; doubtful strokes are `Either`. A label never claims ink
//! that the scan cannot show: a line that a bilevel threshold erases is `Either`.

use serde::{Deserialize, Serialize};

use crate::ballot::Serial;

use super::geom::Affine;
use super::marks::{BoxGlyph, BoxMark, MarkSpec, Pen};
use super::scan::{ColourMode, ScanSpec};
use super::stamp::StampSpec;
use super::writing::ExtraWriting;

/// The reading a correct interpreter must give for one printed name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Expect {
    /// The name is struck (not chosen).
    Struck,
    /// The name is kept (chosen).
    Kept,
    /// Legitimately doubtful: either reading is acceptable (the officials decide).
    Either,
}

/// Whether a feature (seal, extra writing) must be detected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Presence {
    /// Must be found.
    Present,
    /// Must not be found.
    Absent,
    /// Either answer is acceptable.
    Either,
}

/// What kind of page this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PageKind {
    /// An issued ballot of this election.
    Genuine,
    /// A ballot whose QR is signed for another election (other fingerprint and key).
    WrongElection,
    /// This election's fingerprint with a MAC from the wrong key.
    Forged,
    /// Plain paper.
    Blank,
    /// The back of a ballot in a duplex scan: blank with faint show-through.
    DuplexBack,
}

impl PageKind {
    /// True for pages that carry a ballot (marks, seal, QR).
    pub fn is_ballot(self) -> bool {
        matches!(
            self,
            PageKind::Genuine | PageKind::WrongElection | PageKind::Forged
        )
    }
}

/// Truth for one candidate's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandidateTruth {
    /// Candidate id.
    pub id: String,
    /// What was drawn.
    pub mark: MarkSpec,
    /// The correct reading.
    pub expect: Expect,
}

/// The approve boxes of a one-candidate box ballot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoxSpec {
    /// Which boxes are marked.
    pub mark: BoxMark,
    /// X or ✓.
    pub glyph: BoxGlyph,
}

/// Truth for the approve boxes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoxTruth {
    /// What was drawn.
    pub drawn: BoxSpec,
    /// The correct reading; `None` when the scan cannot show the ink.
    pub expect: Option<BoxMark>,
}

/// Everything known about a generated page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Truth {
    /// Seed the page was generated from.
    pub seed: u64,
    /// Kind of page.
    pub kind: PageKind,
    /// Serial in the QR code (none on blank pages).
    pub serial: Option<Serial>,
    /// QR text printed (none on blank pages).
    pub payload: Option<String>,
    /// One per candidate in ballot order (empty on blank pages).
    pub candidates: Vec<CandidateTruth>,
    /// Approve boxes, on box ballots.
    pub boxes: Option<BoxTruth>,
    /// The seal drawn.
    pub stamp: StampSpec,
    /// Whether a seal must be found.
    pub stamp_expect: Presence,
    /// Extra writing drawn.
    pub extra: ExtraWriting,
    /// Whether extra writing must be found.
    pub extra_expect: Presence,
    /// The voter's pen.
    pub pen: Pen,
    /// How the page was scanned.
    pub scan: ScanSpec,
    /// Sheet millimetres → image pixel coordinates (pixel centres at +0.5).
    pub page_to_image: Affine,
}

impl MarkSpec {
    /// The legal reading of this mark, assuming the ink is visible (rules.md §3).
    pub fn expect(&self) -> Expect {
        match self {
            MarkSpec::Strike { .. } => Expect::Struck,
            MarkSpec::Borderline { .. } => Expect::Either,
            MarkSpec::Keep
            | MarkSpec::PartialStrike { .. }
            | MarkSpec::Underline
            | MarkSpec::Overline
            | MarkSpec::Circle
            | MarkSpec::Dot
            | MarkSpec::Tick => Expect::Kept,
        }
    }
}

impl StampSpec {
    /// Whether a reader must find the seal in a scan made with `scan`.
    pub fn expect(&self, scan: &ScanSpec) -> Presence {
        match (self, scan.colour) {
            (StampSpec::Absent, _) => Presence::Absent,
            // Red seal ink is mid-grey: a black-and-white threshold may drop it.
            (StampSpec::Faint, _) | (StampSpec::Present, ColourMode::Bilevel { .. }) => {
                Presence::Either
            }
            (StampSpec::Present, _) => Presence::Present,
        }
    }
}

/// Margin, in grey levels, by which a pen line must be darker than a bilevel threshold
/// to survive it (ballpoint grain and noise lighten parts of the line).
const BILEVEL_MARGIN: f64 = 30.0;

/// True when lines of this pen show in a scan made with `scan`.
pub fn ink_visible(pen: &Pen, scan: &ScanSpec) -> bool {
    match scan.colour {
        ColourMode::Bilevel { threshold } => {
            pen.grey_level() < f64::from(threshold) - BILEVEL_MARGIN
        }
        ColourMode::Grey | ColourMode::Rgb => true,
    }
}

/// The expected reading of a mark made with `pen` and scanned with `scan`.
pub fn expect_for(mark: &MarkSpec, pen: &Pen, scan: &ScanSpec) -> Expect {
    match mark.expect() {
        Expect::Struck if !ink_visible(pen, scan) => Expect::Either,
        e => e,
    }
}

/// Whether extra writing must be found.
pub fn extra_expect(extra: ExtraWriting, pen: &Pen, scan: &ScanSpec) -> Presence {
    match extra {
        ExtraWriting::None => Presence::Absent,
        _ if !ink_visible(pen, scan) => Presence::Either,
        _ => Presence::Present,
    }
}
