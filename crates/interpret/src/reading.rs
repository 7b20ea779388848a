//! The interpreter's output: a serialisable reading of one page.

use serde::{Deserialize, Serialize};

use super::geometry::MmRect;
use crate::rules::{MarkState, Presence, Verdict};

/// What the machine concluded about a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// A valid ballot; `vote` says for whom.
    Valid,
    /// An invalid ballot; `reasons` say why.
    Invalid,
    /// Doubtful: waits for the officials with the machine's suggestion.
    Review,
    /// No ballot on the page (duplex back, separator sheet).
    Blank,
    /// Not a readable ballot of this election; listed, never counted.
    Rejected,
    /// A serial seen before (photocopy, re-fed sheet); listed, never counted.
    Duplicate,
}

/// Why a page was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectReason {
    /// Ballot-like page but no readable QR code.
    NoQr,
    /// QR code of another election.
    WrongElection,
    /// QR code fails its MAC.
    Forged,
    /// QR code of a newer format.
    UnsupportedVersion,
    /// Printed at the wrong scale (fit to page).
    Scale,
    /// Corner marks not found or inconsistent.
    Unreadable,
    /// Sheet folded or curled beyond the registration tolerance.
    Registration,
    /// Vertical streaks from dirty scanner glass.
    Streaks,
}

impl RejectReason {
    /// Stable code, as in the JSON output.
    pub fn code(self) -> &'static str {
        match self {
            RejectReason::NoQr => "no_qr",
            RejectReason::WrongElection => "wrong_election",
            RejectReason::Forged => "forged",
            RejectReason::UnsupportedVersion => "unsupported_version",
            RejectReason::Scale => "scale",
            RejectReason::Unreadable => "unreadable",
            RejectReason::Registration => "registration",
            RejectReason::Streaks => "streaks",
        }
    }
}

/// Raw measures of one candidate's name (recorded for audit and tuning).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NameScore {
    /// Machine state.
    pub state: MarkState,
    /// Fraction of the name's width crossed by hand ink within the printed name's height.
    pub coverage: f64,
    /// Same, within the letters' body (cap height to baseline) only.
    pub body_coverage: f64,
    /// Body coverage counting faint ink too (a name is "kept" only if this is low as well).
    pub faint_coverage: f64,
    /// Same, per word of the name.
    pub word_coverage: Vec<f64>,
    /// Longest stretch of the name not crossed, mm.
    pub longest_gap_mm: f64,
    /// Hand ink inside the letters' body, mm².
    pub ink_mm2: f64,
    /// Hand ink near the name but outside the letters' body (underlines, circles), mm².
    pub ink_around_mm2: f64,
    /// Local alignment applied, mm.
    pub shift_mm: (f64, f64),
}

/// Raw measures of the stamp area.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StampScore {
    /// Decision.
    pub state: Presence,
    /// Fraction of the area with red ink (colour scans), else None.
    pub red_fraction: Option<f64>,
    /// Fraction of the area with any ink.
    pub ink_fraction: f64,
    /// Fraction of angular sectors inked near the outer edge of the ink.
    pub ring_sectors: f64,
}

/// One approve box's measure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoxScore {
    /// Marked or not.
    pub state: Presence,
    /// Inked fraction of the box interior.
    pub ink_fraction: f64,
}

/// Unexplained ink found on the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExtraInk {
    /// Where, mm on the page.
    pub rect_mm: MmRect,
    /// How much, mm².
    pub area_mm2: f64,
    /// Writing (Present) or too small to say (Doubtful).
    pub state: Presence,
}

/// Everything the interpreter saw on one page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reading {
    /// Verdict class.
    pub status: Status,
    /// The candidate voted for (valid ballots), else None.
    pub vote: Option<String>,
    /// One-candidate units: approve (true) or disapprove (false) on valid ballots.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approve: Option<bool>,
    /// Candidate ids read as struck.
    pub struck: Vec<String>,
    /// Candidate ids read as kept.
    pub kept: Vec<String>,
    /// Candidate ids the machine is unsure of.
    pub doubtful: Vec<String>,
    /// Invalid, review or reject reasons (stable codes).
    pub reasons: Vec<String>,
    /// Review: what the machine suggests the officials decide.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<Verdict>,
    /// The rules' verdict, when the page is a ballot of this election.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Verdict>,
    /// Ballot serial from the QR code (16 hex digits), when read.
    pub serial: Option<String>,
    /// Raw measures per candidate id.
    pub scores: std::collections::BTreeMap<String, NameScore>,
    /// Stamp measures.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stamp: Option<StampScore>,
    /// Approve boxes (Đồng ý, Không đồng ý).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub boxes: Option<[BoxScore; 2]>,
    /// Unexplained ink, with locations.
    pub extra_writing: Vec<ExtraInk>,
    /// Page rotation found, degrees clockwise (0, 90, 180, 270).
    pub rotation: u16,
    /// Resolution used, dpi, and where it came from.
    pub dpi: f64,
    /// Print scale measured from the corner marks (1.0 = as designed).
    pub scale: f64,
    /// RMS deviation of the corner marks from a flat sheet, mm.
    pub registration_mm: f64,
    /// How certain the machine is, 0-1 (review queue sorts least certain first).
    pub certainty: f64,
}
