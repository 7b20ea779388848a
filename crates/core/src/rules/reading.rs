//! What was seen on one ballot, before any legal judgement (rules.md §3).
//!
//! The interpreter fills a reading from the image; an official can fill or
//! correct one by hand. Either way the rules only judge what is written here,
//! so a doubt must be reported as `Doubtful`, never guessed away.

use serde::{Deserialize, Serialize};

/// State of one printed name on a `strike` ballot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MarkState {
    /// A stroke crosses the whole name: the voter removed it.
    Struck,
    /// No stroke, or one that does not cross the whole name (§3: still kept).
    Kept,
    /// Cannot tell (partial stroke, faint ink): the officials decide.
    Doubtful,
}

/// Whether something is on the ballot: the stamp, extra writing, a box mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    /// Clearly there.
    Present,
    /// Clearly not there.
    Absent,
    /// Cannot tell: the officials decide.
    Doubtful,
}

/// What the ballot's QR code says about the form itself (rules.md §4, art. 74 a).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QrStatus {
    /// A ballot issued for this election with a correct MAC.
    Valid,
    /// No readable QR code: not proven to be the issued form.
    Missing,
    /// A ballot of another election (other fingerprint).
    WrongElection,
    /// Right election but a bad MAC: a forged ballot.
    Forged,
}

/// What the interpreter (or an official) saw on one ballot.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BallotReading {
    /// One state per candidate, in ballot order (`strike` marking).
    pub marks: Vec<MarkState>,
    /// `approve_boxes` marking: is (Đồng ý, Không đồng ý) marked?
    pub boxes: Option<(Presence, Presence)>,
    /// The stamp required by art. 74 b.
    pub stamp: Presence,
    /// Any added name, note, signature or other writing (art. 74 đ).
    pub extra_writing: Presence,
    /// What the QR code proves about the form (art. 74 a).
    pub qr: QrStatus,
}

impl BallotReading {
    /// A clean `strike` ballot: stamped, nothing written, genuine form.
    pub fn strike(marks: Vec<MarkState>) -> Self {
        BallotReading {
            marks,
            boxes: None,
            stamp: Presence::Present,
            extra_writing: Presence::Absent,
            qr: QrStatus::Valid,
        }
    }

    /// A clean `approve_boxes` ballot with the given (Đồng ý, Không đồng ý) marks.
    pub fn boxes(agree: Presence, disagree: Presence) -> Self {
        BallotReading {
            marks: Vec::new(),
            boxes: Some((agree, disagree)),
            stamp: Presence::Present,
            extra_writing: Presence::Absent,
            qr: QrStatus::Valid,
        }
    }
}
