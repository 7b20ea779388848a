//! An X or a tick inside an approve box.

use rand::Rng;

use kiemphieu_core::geometry::MmRect;

use super::lines::line;
use super::{BoxGlyph, Pen};
use crate::rnd::uniform;
use crate::stroke::{PathOpts, PenPath, hand_path};

/// The paths of an X or ✓ inside a box.
pub(crate) fn box_paths(
    rng: &mut impl Rng,
    glyph: BoxGlyph,
    b: &MmRect,
    pen: &Pen,
) -> Vec<PenPath> {
    let hand = pen.hand(rng, 0.05);
    let inset = |rng: &mut _| uniform(rng, 0.1, 0.25);
    let (l, t) = (b.x + inset(rng) * b.w, b.y + inset(rng) * b.h);
    let (rr, bt) = (b.right() - inset(rng) * b.w, b.bottom() - inset(rng) * b.h);
    let opts = PathOpts {
        taper_mm: 0.3,
        gaps: Vec::new(),
    };
    match glyph {
        BoxGlyph::Cross => {
            let (bow1, bow2) = (uniform(rng, -0.3, 0.3), uniform(rng, -0.3, 0.3));
            vec![
                line(rng, &hand, (l, t), (rr, bt), bow1, &opts),
                line(rng, &hand, (rr, t), (l, bt), bow2, &opts),
            ]
        }
        BoxGlyph::Check => {
            let knee = (l + 0.35 * (rr - l), bt);
            let start = (l, t + 0.5 * (bt - t));
            let end = (rr, t);
            vec![hand_path(
                rng,
                &hand,
                |s| {
                    let (p, q, u) = if s < 0.3 {
                        (start, knee, s / 0.3)
                    } else {
                        (knee, end, (s - 0.3) / 0.7)
                    };
                    (p.0 + (q.0 - p.0) * u, p.1 + (q.1 - p.1) * u)
                },
                &opts,
            )]
        }
    }
}
