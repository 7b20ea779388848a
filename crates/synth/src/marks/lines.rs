//! The strokes marks are made of: a line by hand, its tapering ends, and the
//! line along a name's text band.

use rand::Rng;

use super::Pen;
use crate::rnd::{chance, uniform};
use crate::sheet::NameGeom;
use crate::stroke::{Hand, PathOpts, PenPath, hand_path};

/// Overshoot beyond the end of a name, 1–6 mm, mostly small as real strikes are.
/// (A strike that stops right at the last letter's edge is a borderline case,
/// drawn by `Borderline::AllButLastLetter` and labelled `Either`.)
pub(super) fn overshoot(rng: &mut impl Rng) -> f64 {
    let u = rng.random::<f64>();
    1.0 + 5.0 * u * u
}

/// A nearly straight hand line between two points with a slight bow.
pub(super) fn line(
    rng: &mut impl Rng,
    hand: &Hand,
    a: (f64, f64),
    b: (f64, f64),
    bow: f64,
    opts: &PathOpts,
) -> PenPath {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len = dx.hypot(dy).max(1e-9);
    let (nx, ny) = (-dy / len, dx / len);
    hand_path(
        rng,
        hand,
        |t| {
            let bulge = bow * 4.0 * t * (1.0 - t);
            (a.0 + dx * t + nx * bulge, a.1 + dy * t + ny * bulge)
        },
        opts,
    )
}

/// Taper that stays inside the overshoot, so the name's ends get full ink.
pub(super) fn taper(rng: &mut impl Rng, o1: f64, o2: f64) -> PathOpts {
    PathOpts {
        taper_mm: uniform(rng, 0.3, 1.0).min(o1.min(o2)),
        gaps: Vec::new(),
    }
}

/// Wobble that keeps a strike inside the text band: the tremor sums to 1.6 × this.
pub(super) fn strike_wobble(g: &NameGeom) -> f64 {
    (0.08 * g.band_h()).min(0.2)
}

/// A straight strike across `xs = (xa, xb)` through the band, `y_off` below its middle,
/// overshooting by `os = (before, after)`. Centred, it deviates at most 0.4 band heights
/// from the middle; off-centre lines (doubles, upper-part strokes) jitter less.
pub(super) fn band_line(
    rng: &mut impl Rng,
    pen: &Pen,
    g: &NameGeom,
    xs: (f64, f64),
    os: (f64, f64),
    y_off: f64,
) -> PenPath {
    let ((xa, xb), (o1, o2)) = (xs, os);
    let bh = g.band_h();
    let jitter = (0.15 * (1.0 - 2.0 * y_off.abs() / bh)).max(0.03);
    let y = g.mid() + y_off + uniform(rng, -jitter, jitter) * bh;
    let slope = uniform(rng, -0.12, 0.12) * bh / (xb - xa).max(1.0);
    let hand = pen.hand(rng, strike_wobble(g));
    let opts = taper(rng, o1, o2);
    let (a, b) = (
        (xa - o1, y - slope * o1),
        (xb + o2, y + slope * ((xb - xa) + o2)),
    );
    let bow = uniform(rng, -0.05, 0.05) * bh;
    let mut p = line(rng, &hand, a, b, bow, &opts);
    if chance(rng, 0.5) {
        p.reverse();
    }
    p
}
