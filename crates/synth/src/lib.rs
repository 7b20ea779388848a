//! Synthetic marked-and-scanned ballots, with ground truth.
//!
//! Used by the interpreter's tests over thousands of pages and by the simulated
//! scanner (`sim:` source). A page is made the way a real one is: the ballot is
//! printed ([`render_ballot_gray`](crate::ballot::raster::render_ballot_gray), at the
//! scan resolution), stamped with a red seal, marked by a voter's pen (strokes drawn
//! directly at that resolution and multiplied into the paper), then scanned (one warp
//! for skew, shift, scale and turns; blur, lamp, streak, noise) and written as a file.
//!
//! Every page records its [`Truth`]: what was drawn and the reading the counting rules
//! (rules.md §3–§4, research-notes §2.4) require, with [`Expect::Either`] where the
//! law leaves the reading to the officials. Everything is deterministic from the seed.
//!
//! Start with [`Generator`]: `Generator::new(&election, &layout, &key)?.generate(seed, &mix)`.

pub mod scanner;

// The earlier stage, under the names the modules use.
use kiemphieu_core::{ballot, election};

mod encode;
mod generate;
mod geom;
mod ink;
mod jpeg;
mod marks;
mod mix;
mod rnd;
mod scan;
mod sheet;
mod spec;
mod stamp;
mod stroke;
mod truth;
mod writing;

#[cfg(test)]
mod tests;

pub use generate::{Generator, generate};
pub use geom::Affine;
pub use ink::InkColour;
pub use marks::{Borderline, BoxGlyph, BoxMark, MarkSpec, NamePart, Pen, StrikeStyle};
pub use mix::GeneratorMix;
pub use scan::{Background, ColourMode, FileFormat, Lighting, ScanSpec, Streak};
pub use spec::BallotSpec;
pub use stamp::StampSpec;
pub use truth::{
    BoxSpec, BoxTruth, CandidateTruth, Expect, PageKind, Presence, Truth, expect_for, extra_expect,
    ink_visible,
};
pub use writing::ExtraWriting;

/// Why a page cannot be generated.
#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    /// A scan setting is outside its documented range.
    #[error("scan setting `{field}`: {reason}")]
    InvalidScan {
        /// The [`ScanSpec`] field.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The spec does not give one mark per candidate.
    #[error("the page spec has {marks} name marks for {candidates} candidates")]
    MarkCount {
        /// Marks in the spec.
        marks: usize,
        /// Candidates in the election.
        candidates: usize,
    },
    /// Box marks given for a ballot without boxes, or missing for one with boxes.
    #[error("box marks do not match the layout (layout has boxes: {layout_has_boxes})")]
    Boxes {
        /// Whether the layout prints approve boxes.
        layout_has_boxes: bool,
    },
    /// A mark that cannot be drawn on this name.
    #[error("candidate `{id}`: {reason}")]
    Mark {
        /// Candidate id.
        id: String,
        /// Why.
        reason: &'static str,
    },
    /// The layout does not describe the election's ballot.
    #[error("layout: {0}")]
    Layout(String),
    /// No free place on the sheet for the requested writing.
    #[error("no free room on the sheet for {0}")]
    NoRoom(&'static str),
    /// The image encoder failed.
    #[error("cannot encode the scan as {format}: {source}")]
    Encode {
        /// File format.
        format: &'static str,
        /// Encoder error.
        source: image::ImageError,
    },
    /// A broken internal invariant (a bug in this module).
    #[error("internal error: {0}")]
    Internal(&'static str),
}

/// A generated page: the scanned image, its file, and the truth.
#[derive(Debug, Clone)]
pub struct SyntheticBallot {
    /// The scan as decoded pixels (grey, RGB, or grey with only 0 / 255 when bilevel).
    pub image: image::DynamicImage,
    /// The file the scanner wrote.
    pub encoded: Vec<u8>,
    /// Its usual extension: "png", "jpg", "tif", "pgm", "ppm" or "pbm".
    pub extension: &'static str,
    /// What is on the page and how it must be read.
    pub truth: Truth,
}
