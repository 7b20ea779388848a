//! The display list's items and the layout's public parts.

use serde::{Deserialize, Serialize};

use crate::ballot::fonts::{FontStyle, ShapedGlyph};
use crate::geometry::MmRect;

/// A horizontal band between two heights, in millimetres from the page top.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MmBand {
    /// Upper edge.
    pub top: f64,
    /// Lower edge.
    pub bottom: f64,
}

/// What a display-list item is, for renderers and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemRole {
    /// Header lines (committee and national motto).
    Header,
    /// "PHIẾU BẦU …".
    Title,
    /// Term and unit lines.
    Info,
    /// The instruction line(s).
    Instruction,
    /// A candidate's full name; the index into [`BallotLayout::candidates`](super::BallotLayout::candidates).
    Name(usize),
    /// Label of an approval box.
    BoxLabel,
    /// The stamp area's frame.
    Stamp,
    /// The stamp area's label.
    StampLabel,
    /// A corner fiducial.
    Fiducial,
    /// The frame of an approval box.
    ApproveBox,
}

/// One line of text with its glyphs already positioned.
#[derive(Debug, Clone, PartialEq)]
pub struct TextRun {
    /// The printed text (NFC).
    pub text: String,
    /// Face.
    pub style: FontStyle,
    /// Font size: one em in millimetres.
    pub size_mm: f64,
    /// Pen origin: left end of the baseline.
    pub x_mm: f64,
    /// Baseline height from the page top.
    pub baseline_mm: f64,
    /// Glyphs with pen positions in ems from `x_mm`.
    pub glyphs: Vec<ShapedGlyph>,
    /// Tight ink box of the whole run.
    pub ink_mm: MmRect,
    /// Grey level of the ink.
    pub gray: u8,
    /// What the run is.
    pub role: ItemRole,
}

impl TextRun {
    /// Page x of a glyph's origin.
    pub fn glyph_x_mm(&self, glyph: &ShapedGlyph) -> f64 {
        self.x_mm + glyph.x_em * self.size_mm
    }
}

/// Disjoint filled rectangles painted as one shape (no seams where they touch).
#[derive(Debug, Clone, PartialEq)]
pub struct RectSet {
    /// The rectangles; they never overlap.
    pub rects: Vec<MmRect>,
    /// Grey level of the fill.
    pub gray: u8,
    /// What the shape is.
    pub role: ItemRole,
}

impl RectSet {
    /// Bounding box of all rectangles.
    pub fn bounds(&self) -> MmRect {
        self.rects.iter().skip(1).fold(self.rects[0], MmRect::union)
    }
}

/// An element of the display list.
#[derive(Debug, Clone, PartialEq)]
pub enum DrawItem {
    /// A line of text.
    Text(TextRun),
    /// Filled rectangles.
    Rects(RectSet),
}

impl DrawItem {
    /// Bounding box of the ink.
    pub fn bounds(&self) -> MmRect {
        match self {
            DrawItem::Text(t) => t.ink_mm,
            DrawItem::Rects(r) => r.bounds(),
        }
    }

    /// The item's role.
    pub fn role(&self) -> ItemRole {
        match self {
            DrawItem::Text(t) => t.role,
            DrawItem::Rects(r) => r.role,
        }
    }
}

/// Where the QR code goes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QrBox {
    /// The symbol itself (29 × 29 modules for the ballot payload).
    pub symbol_mm: MmRect,
    /// The symbol plus its 4-module quiet zone, kept free of anything.
    pub quiet_mm: MmRect,
}

/// The two approval boxes of an `approve_boxes` ballot (outer edges of the frames).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ApproveBoxes {
    /// "Đồng ý".
    pub approve: MmRect,
    /// "Không đồng ý".
    pub disapprove: MmRect,
}

/// A candidate as printed.
#[derive(Debug, Clone, PartialEq)]
pub struct CandidateLayout {
    /// Candidate id, e.g. "c1".
    pub id: String,
    /// Full name as printed (NFC).
    pub name: String,
    /// Tight ink box of the printed full name.
    pub name_mm: MmRect,
    /// Baseline of the name.
    pub baseline_mm: f64,
    /// From the x-height line down to the baseline: where strikes cross the text.
    pub x_band_mm: MmBand,
    /// Index of the name's [`TextRun`] in [`BallotLayout::items`](super::BallotLayout::items).
    pub item: usize,
}

/// Why a ballot cannot be laid out.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LayoutError {
    /// The election has no candidate.
    #[error("the election has no candidate")]
    NoCandidates,
    /// Approval boxes are for one-candidate units only.
    #[error("approval boxes need exactly one candidate, the election has {0}")]
    BoxesNeedOneCandidate(usize),
    /// The bundled font cannot print a character.
    #[error("the ballot font has no glyph for {ch:?} in {text:?}")]
    MissingGlyph {
        /// The text containing it.
        text: String,
        /// The character.
        ch: char,
    },
    /// The content does not fit the paper even at the smallest sizes.
    #[error("ballot does not fit {paper}: {what}")]
    DoesNotFit {
        /// Paper name.
        paper: &'static str,
        /// What overflowed.
        what: String,
    },
}
