//! What the voter draws on a name or in a box, and the pen paths that draw it.
//!
//! Geometry follows rules.md §3: a strike crosses the whole printed name through
//! the text band; partial strikes stop short of at least one word; underline,
//! overline, circle, dot and tick stay off the text band.

mod boxes;
mod lines;
mod name;
mod strike;

pub(crate) use boxes::box_paths;
pub(crate) use name::mark_paths;

use rand::Rng;
use serde::{Deserialize, Serialize};

use super::ink::{InkColour, InkLay};
use super::rnd::uniform;
use super::stroke::Hand;

/// What the voter does to one printed name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MarkSpec {
    /// Leaves the name untouched.
    Keep,
    /// Strikes the whole name (expected reading: struck).
    Strike {
        /// How the line is drawn.
        style: StrikeStyle,
    },
    /// Strikes only some of the words (expected reading: kept).
    PartialStrike {
        /// Which words.
        words: NamePart,
    },
    /// A line under the name, clear of the text (kept).
    Underline,
    /// A line over the name, clear of the text (kept).
    Overline,
    /// An oval around the name (kept).
    Circle,
    /// A dot beside or on the name (kept).
    Dot,
    /// A tick beside the name (kept).
    Tick,
    /// A stroke that a careful official could read either way (expected reading: either).
    Borderline {
        /// Which doubtful stroke.
        kind: Borderline,
    },
}

/// How a full strike is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StrikeStyle {
    /// Nearly horizontal line through the text band.
    Straight,
    /// Line at 2–7° to the text, entering low and leaving high (or the reverse).
    Slanted,
    /// Wave through the text band.
    Wavy,
    /// Two parallel lines.
    Double,
    /// An X whose two diagonals each span the whole name.
    Cross,
    /// Looping scribble over the whole name.
    Scribble,
    /// Straight line with pressure gaps of at most 1.5 mm.
    Dashed,
}

impl StrikeStyle {
    /// Every style.
    pub const ALL: [StrikeStyle; 7] = [
        StrikeStyle::Straight,
        StrikeStyle::Slanted,
        StrikeStyle::Wavy,
        StrikeStyle::Double,
        StrikeStyle::Cross,
        StrikeStyle::Scribble,
        StrikeStyle::Dashed,
    ];
}

/// Which words a partial strike covers; never all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NamePart {
    /// Only the surname (họ), the first word.
    Surname,
    /// Only the given name (tên), the last word.
    GivenName,
    /// Every word but the given name (họ + tên đệm).
    SurnameAndMiddle,
}

/// Doubtful strokes, labelled [`super::Expect::Either`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Borderline {
    /// A strike from the start of the name that stops inside its last letter.
    AllButLastLetter,
    /// A full-width line through the upper part of the letters only.
    UpperPart,
}

/// A mark in the approve boxes of a one-candidate ballot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BoxMark {
    /// Neither box marked.
    None,
    /// "Đồng ý" marked.
    Agree,
    /// "Không đồng ý" marked.
    Disagree,
    /// Both boxes marked.
    Both,
}

/// The shape drawn in a box.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BoxGlyph {
    /// An X.
    Cross,
    /// A ✓.
    Check,
}

/// The voter's pen for one ballot.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Pen {
    /// Ink colour.
    pub colour: InkColour,
    /// 0.45..1: how hard the voter presses; below 0.7 is a light line.
    pub pressure: f64,
    /// Line width in millimetres (0.3..1.0).
    pub width_mm: f64,
}

impl Pen {
    /// A firm blue ballpoint, the common case.
    pub const BLUE: Pen = Pen {
        colour: InkColour::Blue,
        pressure: 0.95,
        width_mm: 0.5,
    };

    /// Lightest pressure the generator uses: still clearly darker than paper in grey.
    pub const MIN_PRESSURE: f64 = 0.45;

    /// Grey level (0..255) of a full line of this pen on white paper, as a grey scanner sees it.
    pub fn grey_level(&self) -> f64 {
        let t = f64::from(super::ink::luma(self.colour.transmittance()));
        255.0 * (1.0 - self.pressure.clamp(0.0, 1.0) * (1.0 - t))
    }

    /// How ink from this pen is laid down.
    pub(crate) fn lay(&self) -> InkLay {
        InkLay {
            transmittance: self.colour.transmittance(),
            density: self.pressure.clamp(0.0, 1.0) as f32,
            // Ballpoints skip a little; more so when pressed lightly.
            grain: (0.1 + 0.25 * (1.0 - self.pressure.clamp(0.0, 1.0))) as f32,
        }
    }

    /// The hand for one mark: the same pen, drawn slightly differently each time.
    fn hand(&self, rng: &mut impl Rng, wobble: f64) -> Hand {
        Hand {
            width: (self.width_mm * uniform(rng, 0.9, 1.1)).clamp(0.3, 1.0),
            pressure: 1.0,
            wobble,
        }
    }
}
