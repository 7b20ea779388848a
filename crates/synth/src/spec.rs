//! What decides one generated page: the page's kind, serial, marks, pen, seal,
//! other writing, scan and seed. Made by hand or sampled from a mix.

use serde::{Deserialize, Serialize};

use crate::ballot::Serial;
use crate::election::Election;

use super::marks::{BoxGlyph, BoxMark, MarkSpec, Pen};
use super::scan::ScanSpec;
use super::stamp::StampSpec;
use super::truth::{BoxSpec, PageKind};
use super::writing::ExtraWriting;

/// Everything that decides one generated page; rendering it is deterministic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BallotSpec {
    /// Kind of page. For `WrongElection` and `Forged` the foreign fingerprint or key is
    /// drawn from `seed`.
    pub kind: PageKind,
    /// Ballot serial in the QR code (unused on blank pages).
    pub serial: Serial,
    /// One mark per candidate in ballot order (ignored on blank pages).
    pub marks: Vec<MarkSpec>,
    /// Marks in the approve boxes; `Some` exactly on approve-box ballots.
    pub boxes: Option<BoxSpec>,
    /// The voter's pen.
    pub pen: Pen,
    /// The seal.
    pub stamp: StampSpec,
    /// Other writing on the ballot.
    pub extra: ExtraWriting,
    /// How the page is scanned.
    pub scan: ScanSpec,
    /// Seed of the hand: stroke shapes, seal placement, noise.
    pub seed: u64,
}

impl BallotSpec {
    /// A genuine ballot with every name kept (boxes unmarked), seal present, no other
    /// writing, a firm blue pen and a perfect grey PNG scan at `dpi`.
    pub fn clean(election: &Election, serial: Serial, dpi: u32, seed: u64) -> Self {
        let boxes_mode = election.election.marking == crate::election::Marking::ApproveBoxes;
        BallotSpec {
            kind: PageKind::Genuine,
            serial,
            marks: vec![MarkSpec::Keep; election.candidates.len()],
            boxes: boxes_mode.then_some(BoxSpec {
                mark: BoxMark::None,
                glyph: BoxGlyph::Cross,
            }),
            pen: Pen::BLUE,
            stamp: StampSpec::Present,
            extra: ExtraWriting::None,
            scan: ScanSpec::clean(dpi),
            seed,
        }
    }
}
