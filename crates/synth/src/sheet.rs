//! What the marks aim at: names (with word and letter extents from the layout's
//! glyphs), stamp area, QR, fiducials and boxes, in millimetres.

use crate::ballot::fonts::glyph_ink_em;
use crate::ballot::layout::{BallotLayout, DrawItem};
use kiemphieu_core::geometry::MmRect;

use super::SynthError;

/// A candidate's printed name as the marks need it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NameGeom {
    /// Tight ink box of the printed name (diacritics and descenders included).
    pub(crate) rect: MmRect,
    /// Top and bottom of the x-height band: a strike goes through its middle.
    pub(crate) band: (f64, f64),
    /// Left and right ink edge of each word, left to right.
    pub(crate) words: Vec<(f64, f64)>,
    /// Left ink edge of the last letter.
    pub(crate) last_letter_x: f64,
}

impl NameGeom {
    /// Middle of the text band.
    pub(crate) fn mid(&self) -> f64 {
        f64::midpoint(self.band.0, self.band.1)
    }

    /// Height of the text band.
    pub(crate) fn band_h(&self) -> f64 {
        (self.band.1 - self.band.0).max(0.5)
    }
}

/// Everything printed on the sheet that marks must hit or avoid.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Sheet {
    /// Page width and height, mm.
    pub(crate) page: (f64, f64),
    /// One per candidate, in ballot order.
    pub(crate) names: Vec<NameGeom>,
    /// Where the seal goes.
    pub(crate) stamp: MmRect,
    /// The QR code with its quiet zone.
    pub(crate) qr: MmRect,
    /// Registration marks.
    pub(crate) fiducials: [MmRect; 4],
    /// "Đồng ý" and "Không đồng ý" boxes on approve-box ballots.
    pub(crate) boxes: Option<[MmRect; 2]>,
}

impl Sheet {
    /// Reads the geometry the marks need from the ballot layout.
    pub(crate) fn from_layout(layout: &BallotLayout) -> Result<Sheet, SynthError> {
        let mut names = Vec::with_capacity(layout.candidates.len());
        for cand in &layout.candidates {
            let Some(DrawItem::Text(run)) = layout.items.get(cand.item) else {
                return Err(SynthError::Layout(format!(
                    "candidate `{}` has no text run in the display list",
                    cand.id
                )));
            };
            let mut words = Vec::new();
            let mut word: Option<(f64, f64)> = None;
            let mut last_letter_x = cand.name_mm.right();
            for g in &run.glyphs {
                let blank = run
                    .text
                    .get(g.range.clone())
                    .is_none_or(|c| c.trim().is_empty());
                let ink = glyph_ink_em(run.style, g.id);
                match (blank, ink) {
                    (true, _) => words.extend(word.take()),
                    (false, Some(ink)) => {
                        let x0 = run.glyph_x_mm(g) + ink.x_min * run.size_mm;
                        let x1 = run.glyph_x_mm(g) + ink.x_max * run.size_mm;
                        word = Some(word.map_or((x0, x1), |(a, b)| (a.min(x0), b.max(x1))));
                        last_letter_x = x0;
                    }
                    (false, None) => {}
                }
            }
            words.extend(word);
            if words.is_empty() {
                words.push((cand.name_mm.x, cand.name_mm.right()));
            }
            names.push(NameGeom {
                rect: cand.name_mm,
                band: (cand.x_band_mm.top, cand.x_band_mm.bottom),
                words,
                last_letter_x,
            });
        }
        Ok(Sheet {
            page: (layout.width_mm, layout.height_mm),
            names,
            stamp: layout.stamp_mm,
            qr: layout.qr.quiet_mm,
            fiducials: layout.fiducials_mm,
            boxes: layout.boxes.map(|b| [b.approve, b.disapprove]),
        })
    }

    /// Rectangles that writing and the seal must stay clear of.
    pub(crate) fn keep_clear(&self) -> Vec<MmRect> {
        let mut out: Vec<MmRect> = self.names.iter().map(|n| n.rect.grow(2.5)).collect();
        out.push(self.qr.grow(1.0));
        out.extend(self.fiducials.iter().map(|r| r.grow(2.0)));
        if let Some(b) = &self.boxes {
            out.extend(b.iter().map(|r| r.grow(2.0)));
        }
        out
    }
}
