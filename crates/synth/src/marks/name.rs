//! The marks on a name other than a full strike: part of it struck, lines above
//! or below, a circle, a dot, a tick, and the borderline cases.

use rand::Rng;

use super::lines::{band_line, line, overshoot, taper};
use super::strike::strike;
use super::{Borderline, MarkSpec, NamePart, Pen};
use crate::geom::centre;
use crate::rnd::{chance, uniform};
use crate::sheet::NameGeom;
use crate::stroke::{Hand, PathOpts, PenPath, hand_path};

/// The pen paths of one mark on a name. Fails only for a partial strike of a one-word name.
pub(crate) fn mark_paths(
    rng: &mut impl Rng,
    mark: MarkSpec,
    g: &NameGeom,
    pen: &Pen,
) -> Result<Vec<PenPath>, &'static str> {
    Ok(match mark {
        MarkSpec::Keep => Vec::new(),
        MarkSpec::Strike { style } => strike(rng, style, g, pen),
        MarkSpec::PartialStrike { words } => return partial_strike(rng, words, g, pen),
        MarkSpec::Underline | MarkSpec::Overline => {
            edge_line(rng, mark == MarkSpec::Underline, g, pen)
        }
        MarkSpec::Circle => circle(rng, g, pen),
        MarkSpec::Dot => dot(rng, g),
        MarkSpec::Tick => tick(rng, g, pen),
        MarkSpec::Borderline { kind } => borderline(rng, kind, g, pen),
    })
}

/// A strike through some words of the name only (surname, given name, or all but the given name).
fn partial_strike(
    rng: &mut impl Rng,
    words: NamePart,
    g: &NameGeom,
    pen: &Pen,
) -> Result<Vec<PenPath>, &'static str> {
    let n = g.words.len();
    if n < 2 {
        return Err("a one-word name cannot be struck in part");
    }
    let (first, last) = match words {
        NamePart::Surname => (0, 0),
        NamePart::GivenName => (n - 1, n - 1),
        NamePart::SurnameAndMiddle => (0, n - 2),
    };
    let (a, b) = (g.words[first].0, g.words[last].1);
    // Overshoot freely past the name's outer end, but stop well inside the
    // space before the neighbouring word (ink edge included).
    let hw = pen.width_mm * 0.6 + 0.3;
    let o_left = if first == 0 {
        overshoot(rng).min(3.0)
    } else {
        let space = a - g.words[first - 1].1;
        (uniform(rng, 0.0, 0.3) * space - hw).max(-0.2)
    };
    let o_right = if last == n - 1 {
        overshoot(rng).min(3.0)
    } else {
        let space = g.words[last + 1].0 - b;
        (uniform(rng, 0.0, 0.3) * space - hw).max(-0.2)
    };
    Ok(vec![band_line(rng, pen, g, (a, b), (o_left, o_right), 0.0)])
}

/// A line under (or over) the name, clear of the text.
fn edge_line(rng: &mut impl Rng, under: bool, g: &NameGeom, pen: &Pen) -> Vec<PenPath> {
    let r = g.rect;
    let (x0, x1) = (r.x, r.right());
    let hand = pen.hand(rng, 0.1);
    let gap = uniform(rng, 0.6, 2.0) + pen.width_mm / 2.0 + 0.3;
    let y = if under { r.bottom() + gap } else { r.y - gap };
    let (o1, o2) = (uniform(rng, -1.5, 4.0), uniform(rng, -1.5, 4.0));
    let tilt = uniform(rng, -0.12, 0.12);
    let opts = taper(rng, 0.5, 0.5);
    let bow = uniform(rng, -0.1, 0.1);
    vec![line(
        rng,
        &hand,
        (x0 - o1, y - tilt),
        (x1 + o2, y + tilt),
        bow,
        &opts,
    )]
}

/// An oval around the name, clear of its corners.
fn circle(rng: &mut impl Rng, g: &NameGeom, pen: &Pen) -> Vec<PenPath> {
    let r = g.rect;
    let w = r.w.max(1.0);
    // A rounded-rectangle-like oval (superellipse) that clears the name's corners.
    let e = uniform(rng, 3.0, 4.0);
    let mut a = w / 2.0 + uniform(rng, 2.0, 5.0);
    let mut b = r.h / 2.0 + uniform(rng, 1.5, 3.5);
    // Worst case inwards: the spiral closes 4%, the tremor sums to 1.6 × 0.15 mm,
    // plus half the line and a little air. The name's corners must stay outside.
    let inward = 0.24 + pen.width_mm * 0.55 + 0.2;
    let clear = |a: f64, b: f64| {
        let (ia, ib) = (0.96 * a - inward, 0.96 * b - inward);
        ia > 0.0 && ib > 0.0 && (w / 2.0 / ia).powf(e) + (r.h / 2.0 / ib).powf(e) <= 1.0
    };
    while !clear(a, b) {
        a *= 1.03;
        b *= 1.03;
    }
    let (mx, my) = centre(&r);
    let (cx, cy) = (mx + uniform(rng, -1.0, 1.0), my + uniform(rng, -0.3, 0.3));
    let start = uniform(rng, 0.0, std::f64::consts::TAU);
    let sweep = std::f64::consts::TAU + uniform(rng, 0.15, 0.6);
    let spiral = uniform(rng, -0.04, 0.06);
    let hand = pen.hand(rng, 0.15);
    let opts = taper(rng, 1.0, 1.0);
    vec![hand_path(
        rng,
        &hand,
        |t| {
            let th = start + sweep * t;
            let grow = 1.0 + spiral * t;
            let (s, co) = th.sin_cos();
            let sx = co.signum() * co.abs().powf(2.0 / e);
            let sy = s.signum() * s.abs().powf(2.0 / e);
            (cx + a * grow * sx, cy + b * grow * sy)
        },
        &opts,
    )]
}

/// A dot before, after or on the name.
fn dot(rng: &mut impl Rng, g: &NameGeom) -> Vec<PenPath> {
    let r = g.rect;
    let bh = g.band_h();
    let mid = g.mid();
    let (x0, x1) = (r.x, r.right());
    let w = r.w.max(1.0);
    let (x, y) = match rng.random_range(0..3) {
        0 => (x0 - uniform(rng, 2.5, 6.0), mid),
        1 => (x1 + uniform(rng, 2.5, 6.0), mid),
        _ => (
            uniform(rng, x0 + 0.2 * w, x1 - 0.2 * w),
            mid + uniform(rng, -0.2, 0.2) * bh,
        ),
    };
    let radius = uniform(rng, 0.15, 0.45);
    let hand = Hand {
        width: uniform(rng, 0.7, 1.1),
        pressure: 1.0,
        wobble: 0.0,
    };
    let turns = uniform(rng, 1.0, 2.0);
    vec![hand_path(
        rng,
        &hand,
        |t| {
            let th = std::f64::consts::TAU * turns * t;
            (x + radius * t * th.cos(), y + radius * t * th.sin())
        },
        &PathOpts::default(),
    )]
}

/// A tick beside the name.
fn tick(rng: &mut impl Rng, g: &NameGeom, pen: &Pen) -> Vec<PenPath> {
    let r = g.rect;
    let (x0, x1) = (r.x, r.right());
    let s = uniform(rng, 3.0, 5.5);
    let left = chance(rng, 0.5);
    let bx = if left {
        x0 - s - uniform(rng, 1.5, 4.0)
    } else {
        x1 + uniform(rng, 1.5, 4.0)
    };
    let by = r.bottom() + uniform(rng, -0.5, 0.5);
    let knee = (bx + 0.3 * s, by);
    let start = (bx, by - 0.45 * s);
    let end = (bx + s, by - s * uniform(rng, 1.0, 1.3));
    let hand = pen.hand(rng, 0.08);
    let opts = taper(rng, 0.4, 0.4);
    vec![hand_path(
        rng,
        &hand,
        |t| {
            // Quadratic through the knee: short down-stroke, long up-stroke.
            let (p, q) = if t < 0.3 { (start, knee) } else { (knee, end) };
            let u = if t < 0.3 { t / 0.3 } else { (t - 0.3) / 0.7 };
            (p.0 + (q.0 - p.0) * u, p.1 + (q.1 - p.1) * u)
        },
        &opts,
    )]
}

/// The cases the law leaves to the officials: all but the last letter struck, or a
/// line through the top of the letters only.
fn borderline(rng: &mut impl Rng, kind: Borderline, g: &NameGeom, pen: &Pen) -> Vec<PenPath> {
    let r = g.rect;
    let bh = g.band_h();
    let (x0, x1) = (r.x, r.right());
    match kind {
        Borderline::AllButLastLetter => {
            let o1 = overshoot(rng).min(3.0);
            let letter = (x1 - g.last_letter_x).max(0.5);
            let end = g.last_letter_x + uniform(rng, -0.1, 0.35) * letter;
            vec![band_line(rng, pen, g, (x0, end), (o1, 0.0), 0.0)]
        }
        Borderline::UpperPart => {
            // Centre the line a little above the top of the text band: it cuts
            // capitals, ascenders and diacritics, and at most grazes the rest.
            let y_off = -0.5 * bh + uniform(rng, -0.15, 0.05) * bh;
            let (o1, o2) = (overshoot(rng), overshoot(rng));
            vec![band_line(rng, pen, g, (x0, x1), (o1, o2), y_off)]
        }
    }
}
