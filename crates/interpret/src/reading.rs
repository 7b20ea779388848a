//! The interpreter's output: a serialisable reading of one page.

use serde::{Deserialize, Serialize};

use super::geometry::MmRect;
use crate::rules::{MarkState, Presence, Verdict};

/// What the page's QR code proved, whenever one was decoded (rules.md §4, §6, §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CodeCheck {
    /// A code of this election and this round whose MAC verifies with the round's key.
    Verified,
    /// A code of another election (other fingerprint).
    OtherElection,
    /// A code of this election (or of one of its earlier rounds) for another round.
    OtherRound,
    /// This election and round, but the MAC does not verify: forged or altered.
    BadMac,
    /// A kiemphieu code of a format this program does not know.
    UnsupportedVersion,
    /// No code found, or none that can be decoded.
    Unreadable,
}

impl CodeCheck {
    /// Stable code, as in the JSON output.
    pub fn code(self) -> &'static str {
        match self {
            CodeCheck::Verified => "verified",
            CodeCheck::OtherElection => "other_election",
            CodeCheck::OtherRound => "other_round",
            CodeCheck::BadMac => "bad_mac",
            CodeCheck::UnsupportedVersion => "unsupported_version",
            CodeCheck::Unreadable => "unreadable",
        }
    }

    /// The check for a stable code, if it is one.
    pub fn from_code(code: &str) -> Option<CodeCheck> {
        [
            CodeCheck::Verified,
            CodeCheck::OtherElection,
            CodeCheck::OtherRound,
            CodeCheck::BadMac,
            CodeCheck::UnsupportedVersion,
            CodeCheck::Unreadable,
        ]
        .into_iter()
        .find(|c| c.code() == code)
    }
}

/// Why the machine could not read a ballot whose code verifies: it waits for the
/// officials (`review`), never rejected (rules.md §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unread {
    /// The corner marks are missing or unusable (torn corner, cropped scan): the
    /// names and the stamp cannot be located.
    UnreadableMarks,
    /// Folded or curled beyond the registration tolerance.
    Registration,
    /// Printed or scanned at the wrong scale (fit to page, a wrong resolution in the file).
    Scale,
    /// Vertical streaks from dirty scanner glass would fake strokes.
    Streaks,
}

impl Unread {
    /// Stable code, as in `reasons`.
    pub fn code(self) -> &'static str {
        match self {
            Unread::UnreadableMarks => "unreadable_marks",
            Unread::Registration => "registration",
            Unread::Scale => "scale",
            Unread::Streaks => "streaks",
        }
    }

    /// The cause for a stable code, if it is one.
    pub fn from_code(code: &str) -> Option<Unread> {
        [
            Unread::UnreadableMarks,
            Unread::Registration,
            Unread::Scale,
            Unread::Streaks,
        ]
        .into_iter()
        .find(|u| u.code() == code)
    }

    /// What the officials are told, in Vietnamese.
    pub fn label_vi(self) -> &'static str {
        match self {
            Unread::UnreadableMarks => {
                "Máy không tìm được các dấu góc của phiếu (góc rách, ảnh quét bị cắt): Tổ kiểm phiếu đọc phiếu trên ảnh"
            }
            Unread::Registration => {
                "Phiếu bị gấp hoặc cong, máy không đọc chắc chắn: Tổ kiểm phiếu đọc phiếu trên ảnh"
            }
            Unread::Scale => {
                "Ảnh phiếu sai tỷ lệ (in thu nhỏ hoặc tệp quét ghi sai độ phân giải): Tổ kiểm phiếu đọc phiếu trên ảnh"
            }
            Unread::Streaks => {
                "Ảnh quét có vệt dọc (kính máy quét bẩn): Tổ kiểm phiếu đọc phiếu trên ảnh; nên lau kính"
            }
        }
    }

    /// What the officials are told, in English.
    pub fn label_en(self) -> &'static str {
        match self {
            Unread::UnreadableMarks => {
                "The machine cannot find the ballot's corner marks (torn corner, cropped scan): the team reads the ballot on its image"
            }
            Unread::Registration => {
                "The ballot is folded or curled; the machine cannot read it surely: the team reads it on its image"
            }
            Unread::Scale => {
                "The image is at the wrong scale (shrunk print, or a wrong resolution in the scan file): the team reads the ballot on its image"
            }
            Unread::Streaks => {
                "The scan has vertical streaks (dirty scanner glass): the team reads the ballot on its image; clean the glass"
            }
        }
    }
}

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
    /// Not a ballot of this round as far as the machine can tell (another election
    /// or round, a bad MAC, no readable code): the station sends it to the officials.
    /// A page whose code verifies for this round is never rejected.
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
    /// QR code of this election for another round (rules.md §10).
    OtherRound,
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
            RejectReason::OtherRound => "other_round",
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
    /// Ballot serial from the QR code (16 hex digits), whenever a code was decoded.
    pub serial: Option<String>,
    /// What the QR code proved about the form.
    pub code: CodeCheck,
    /// The round the code carries, whenever a code was decoded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub round: Option<u32>,
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
