//! A full strike through a name, in each of the ways people draw one.

use rand::Rng;

use super::lines::{band_line, line, overshoot, strike_wobble, taper};
use super::{Pen, StrikeStyle};
use crate::rnd::{chance, normal, uniform};
use crate::sheet::NameGeom;
use crate::stroke::{PenPath, hand_path};

/// The paths of a full strike.
pub(super) fn strike(
    rng: &mut impl Rng,
    style: StrikeStyle,
    g: &NameGeom,
    pen: &Pen,
) -> Vec<PenPath> {
    let (x0, x1) = (g.rect.x, g.rect.right());
    // Drawn first for every style, so each style's later draws keep their place.
    let os = (overshoot(rng), overshoot(rng));
    match style {
        StrikeStyle::Straight => vec![band_line(rng, pen, g, (x0, x1), os, 0.0)],
        StrikeStyle::Slanted => slanted(rng, g, pen, os),
        StrikeStyle::Wavy => wavy(rng, g, pen, os),
        StrikeStyle::Double => double(rng, g, pen, os),
        StrikeStyle::Cross => cross(rng, g, pen, os),
        StrikeStyle::Scribble => scribble(rng, g, pen, os),
        StrikeStyle::Dashed => dashed(rng, g, pen, os),
    }
}

/// A straight line at a slight angle through the band.
fn slanted(rng: &mut impl Rng, g: &NameGeom, pen: &Pen, (o1, o2): (f64, f64)) -> Vec<PenPath> {
    let r = g.rect;
    let bh = g.band_h();
    let mid = g.mid();
    let (x0, x1) = (r.x, r.right());
    let w = r.w.max(1.0);
    // Up to 7°, but never so steep that the line leaves the first or last letter.
    let max_rise = 1.3 * bh;
    let angle = uniform(rng, 2.0, 7.0)
        .to_radians()
        .min((max_rise / w).atan());
    let rise = angle.tan();
    let sign = if chance(rng, 0.75) { -1.0 } else { 1.0 }; // mostly rising to the right
    let y = mid + uniform(rng, -0.1, 0.1) * bh;
    let cx = f64::midpoint(x0, x1);
    let at = |x: f64| (x, y + sign * rise * (x - cx));
    let hand = pen.hand(rng, strike_wobble(g));
    let opts = taper(rng, o1, o2);
    let bow = uniform(rng, -0.05, 0.05) * bh;
    vec![line(rng, &hand, at(x0 - o1), at(x1 + o2), bow, &opts)]
}

/// A wave along the band whose rhythm drifts as a hand's does.
fn wavy(rng: &mut impl Rng, g: &NameGeom, pen: &Pen, (o1, o2): (f64, f64)) -> Vec<PenPath> {
    let r = g.rect;
    let bh = g.band_h();
    let mid = g.mid();
    let (x0, x1) = (r.x, r.right());
    let amp = uniform(rng, 0.2, 0.4) * bh;
    let period = uniform(rng, 2.5, 7.0);
    let phase = uniform(rng, 0.0, std::f64::consts::TAU);
    let y = mid + uniform(rng, -0.08, 0.08) * bh;
    let (a, b) = (x0 - o1, x1 + o2);
    // A hand does not keep a steady rhythm: amplitude and phase drift slowly.
    let drift = uniform(rng, 2.5, 4.0) * period;
    let drift_phase = uniform(rng, 0.0, std::f64::consts::TAU);
    let hand = pen.hand(rng, strike_wobble(g) * 0.5);
    let opts = taper(rng, o1, o2);
    vec![hand_path(
        rng,
        &hand,
        |t| {
            let x = a + (b - a) * t;
            let tau = std::f64::consts::TAU;
            let slow = (tau * (x - a) / drift + drift_phase).sin();
            let wave = (tau * (x - a) / period + phase + 0.8 * slow).sin();
            (x, y + amp * (1.0 - 0.2 * slow.abs()) * wave)
        },
        &opts,
    )]
}

/// Two parallel lines through the band.
fn double(rng: &mut impl Rng, g: &NameGeom, pen: &Pen, (o1, o2): (f64, f64)) -> Vec<PenPath> {
    let r = g.rect;
    let bh = g.band_h();
    let (x0, x1) = (r.x, r.right());
    let gap = uniform(rng, 0.3, 0.55) * bh;
    let (o3, o4) = (overshoot(rng), overshoot(rng));
    vec![
        band_line(rng, pen, g, (x0, x1), (o1, o2), -gap / 2.0),
        band_line(rng, pen, g, (x0, x1), (o3, o4), gap / 2.0),
    ]
}

/// Two diagonals crossing the whole name.
fn cross(rng: &mut impl Rng, g: &NameGeom, pen: &Pen, (o1, o2): (f64, f64)) -> Vec<PenPath> {
    let r = g.rect;
    let (x0, x1) = (r.x, r.right());
    let hand = pen.hand(rng, 0.15);
    let (o3, o4) = (overshoot(rng), overshoot(rng));
    // Each diagonal is inside the name box at the first and the last letter
    // (so it crosses both), then runs on past the ends by the overshoot.
    let f = |rng: &mut _| uniform(rng, 0.1, 0.3) * r.h;
    let diagonal = |a: (f64, f64), b: (f64, f64), oa: f64, ob: f64| {
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let len = dx.hypot(dy).max(1e-9);
        (
            (a.0 - dx / len * oa, a.1 - dy / len * oa),
            (b.0 + dx / len * ob, b.1 + dy / len * ob),
        )
    };
    let d1 = diagonal((x0, r.bottom() - f(rng)), (x1, r.y + f(rng)), o1, o2);
    let d2 = diagonal((x0, r.y + f(rng)), (x1, r.bottom() - f(rng)), o3, o4);
    let opts1 = taper(rng, o1, o2);
    let opts2 = taper(rng, o3, o4);
    let (bow1, bow2) = (uniform(rng, -0.4, 0.4), uniform(rng, -0.4, 0.4));
    vec![
        line(rng, &hand, d1.0, d1.1, bow1, &opts1),
        line(rng, &hand, d2.0, d2.1, bow2, &opts2),
    ]
}

/// Overlapping loops ("eeee") along the name.
fn scribble(rng: &mut impl Rng, g: &NameGeom, pen: &Pen, (o1, o2): (f64, f64)) -> Vec<PenPath> {
    let r = g.rect;
    let bh = g.band_h();
    let mid = g.mid();
    let (x0, x1) = (r.x, r.right());
    // Overlapping loops ("eeee") moving along the name, covering the band.
    let (a, b) = (x0 - o1.min(2.0), x1 + o2.min(2.0));
    let ry = uniform(rng, 0.55, 0.8) * bh;
    let rx = uniform(rng, 0.8, 1.6);
    let pitch = rx * uniform(rng, 0.6, 1.2);
    let loops = ((b - a) / pitch).max(2.0);
    let y = mid + uniform(rng, -0.08, 0.08) * bh;
    let jitter: Vec<f64> = (0..8).map(|_| normal(rng) * 0.08).collect();
    let hand = pen.hand(rng, 0.05);
    let opts = taper(rng, 0.3, 0.3);
    vec![hand_path(
        rng,
        &hand,
        |t| {
            let th = std::f64::consts::TAU * loops * t;
            let k = jitter[(t * 7.99) as usize];
            (
                a + (b - a) * t - rx * th.cos() + rx,
                y + ry * (1.0 + k) * th.sin(),
            )
        },
        &opts,
    )]
}

/// A straight strike with pressure gaps, as a pen that skips draws.
fn dashed(rng: &mut impl Rng, g: &NameGeom, pen: &Pen, (o1, o2): (f64, f64)) -> Vec<PenPath> {
    let r = g.rect;
    let (x0, x1) = (r.x, r.right());
    let mut p = band_line(rng, pen, g, (x0, x1), (o1, o2), 0.0);
    // Pressure gaps of 0.3–1.5 mm every few millimetres; never at the very ends.
    let len: f64 = p
        .windows(2)
        .map(|s| (s[1].x - s[0].x).hypot(s[1].y - s[0].y))
        .sum();
    let mut gaps = Vec::new();
    let mut s = uniform(rng, 2.0, 6.0);
    while s + 1.5 < len - 1.0 {
        let g_len = uniform(rng, 0.3, 1.5);
        gaps.push((s, s + g_len));
        s += g_len + uniform(rng, 3.0, 10.0);
    }
    let mut acc = 0.0;
    for i in 0..p.len() {
        if i > 0 {
            acc += (p[i].x - p[i - 1].x).hypot(p[i].y - p[i - 1].y);
        }
        if gaps.iter().any(|&(a, b)| acc > a && acc < b) {
            p[i].pressure = 0.0;
        }
    }
    vec![p]
}
