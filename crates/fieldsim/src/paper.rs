//! The paper as handled: tone and fibre texture, folds, torn corners, stains, highlighter, and the
//! commune's red round seal.

use crate::canvas::Canvas;
use crate::layout::{Layout, Rect};
use crate::pen::{Hand, Ink, render, sample_stroke};
use crate::rng::{Rand, chance, hash01, uni, value_noise};
use rand::Rng;
use serde::{Deserialize, Serialize};

/// What happened to the sheet between printing and scanning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum PaperVariant {
    /// Flat and clean.
    Clean,
    /// Folded: a shading line and a small shift of the content beyond it.
    Fold,
    /// Folded through the QR code.
    FoldQr,
    /// One corner torn off, its corner mark with it.
    TornCorner,
    /// A coffee-ring stain away from the names.
    Stain,
    /// A yellow highlighter smear in a margin.
    Highlighter,
}

/// The stamp as it reached the paper.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Seal {
    /// A good impression.
    Full,
    /// Rocked: one side barely inked.
    Partial,
    /// Little ink on the pad.
    Faint,
    /// Not stamped.
    Missing,
}

/// A fold: a point on the line (mm), its unit normal, and the shift of the far side in mm.
pub type Fold = ((f64, f64), (f64, f64), f64);

/// Geometric damage the scanner sees (page mm).
#[derive(Debug, Clone, Default)]
pub struct Damage {
    /// Torn-away region (polygon); outside the paper.
    pub tear: Option<Vec<(f64, f64)>>,
    /// Fold: a point on the line, its unit normal and the shift of the far side in mm.
    pub fold: Option<Fold>,
}

/// Paper tone and fibre texture applied to the whole sheet.
pub fn tone_and_texture(c: &mut Canvas, r: &mut Rand) {
    let tone = [
        uni(r, 0.9, 0.97) as f32,
        uni(r, 0.89, 0.96) as f32,
        uni(r, 0.83, 0.93) as f32,
    ];
    let salt: u64 = r.random();
    let cell = 0.6 * c.px_per_mm;
    for y in 0..c.h {
        for x in 0..c.w {
            let f = 1.0
                + 0.03 * (value_noise(x as f64, y as f64, cell, salt) - 0.5)
                + 0.012 * (hash01(x as i64, y as i64, salt) - 0.5);
            let i = (y * c.w + x) * 3;
            for (d, t) in c.data[i..i + 3].iter_mut().zip(tone) {
                *d = (*d * t * f).min(1.0);
            }
        }
    }
}

/// Applies a paper variant; returns the geometric damage for the scanner.
pub fn apply(v: PaperVariant, c: &mut Canvas, layout: &Layout, r: &mut Rand) -> Damage {
    let mut d = Damage::default();
    match v {
        PaperVariant::Clean => {}
        PaperVariant::Fold | PaperVariant::FoldQr => {
            let (px, py) = if v == PaperVariant::FoldQr {
                layout.qr_mm.centre()
            } else {
                (
                    layout.page_mm.width / 2.0,
                    layout.page_mm.height * uni(r, 0.35, 0.65),
                )
            };
            let ang = uni(r, -0.08, 0.08)
                + if chance(r, 0.3) {
                    std::f64::consts::FRAC_PI_2
                } else {
                    0.0
                };
            let n = (-ang.sin(), ang.cos());
            let depth = uni(r, 0.08, 0.3) as f32;
            let sigma = uni(r, 0.4, 1.2);
            let k = c.px_per_mm;
            for y in 0..c.h {
                for x in 0..c.w {
                    let dist = (x as f64 / k - px) * n.0 + (y as f64 / k - py) * n.1;
                    if dist.abs() > 4.0 * sigma {
                        continue;
                    }
                    let g = (-(dist / sigma).powi(2)).exp() as f32;
                    let lit = if dist > 0.0 {
                        0.04 * (-(dist / (2.0 * sigma))).exp() as f32
                    } else {
                        0.0
                    };
                    let f = 1.0 - depth * g + lit;
                    let i = (y * c.w + x) * 3;
                    for ch in 0..3 {
                        c.data[i + ch] = (c.data[i + ch] * f).min(1.0);
                    }
                }
            }
            d.fold = Some(((px, py), n, uni(r, 0.1, 0.5)));
        }
        PaperVariant::TornCorner => d.tear = Some(tear(layout, r)),
        PaperVariant::Stain => {
            if let Some((cx, cy)) = free_spot(layout, 12.0, r) {
                stain(c, cx, cy, uni(r, 5.0, 10.0), r);
            }
        }
        PaperVariant::Highlighter => {
            if let Some((cx, cy)) = free_spot(layout, 14.0, r) {
                let ink = Ink {
                    absorbance: [0.02, 0.05, 0.55],
                    width_mm: 4.0,
                    skip_per_mm: 0.0,
                    skip_len_mm: 0.0,
                    blob_per_mm: 0.0,
                    grain: 0.0,
                };
                let hand = Hand::random(r);
                let s = sample_stroke(
                    &[(cx - 10.0, cy), (cx + 10.0, cy + uni(r, -2.0, 2.0))],
                    &hand,
                    300.0,
                    r,
                );
                render(c, &s, &ink, r);
            }
        }
    }
    d
}

/// A jagged triangle covering one corner mark entirely (not the QR or the stamp area).
fn tear(layout: &Layout, r: &mut Rand) -> Vec<(f64, f64)> {
    let (pw, ph) = (layout.page_mm.width, layout.page_mm.height);
    let start = r.random_range(0..4usize);
    for k in 0..4 {
        let idx = (start + k) % 4;
        let f = layout.fiducials_mm[idx];
        let (cx, cy) = ([0.0, pw, 0.0, pw][idx], [0.0, 0.0, ph, ph][idx]);
        let (sx, sy) = (
            if cx > 0.0 { -1.0 } else { 1.0 },
            if cy > 0.0 { -1.0 } else { 1.0 },
        );
        let far_x = (f.x - cx).abs().max((f.right() - cx).abs());
        let far_y = (f.y - cy).abs().max((f.bottom() - cy).abs());
        let leg = far_x + far_y + uni(r, 1.5, 5.0);
        let mut poly = vec![(cx, cy), (cx + sx * leg, cy)];
        for j in 1..6 {
            let t = j as f64 / 6.0;
            let jag = uni(r, -0.6, 0.6);
            poly.push((cx + sx * (leg * (1.0 - t) + jag), cy + sy * (leg * t + jag)));
        }
        poly.push((cx, cy + sy * leg));
        let hits =
            |rc: &Rect| poly.iter().any(|p| inside_rect(rc, *p)) || inside_poly(&poly, rc.centre());
        if !hits(&layout.qr_mm)
            && !hits(&layout.stamp_mm)
            && layout.candidates.iter().all(|c| !hits(&c.name_mm))
        {
            return poly;
        }
    }
    Vec::new()
}

fn inside_rect(rc: &Rect, (x, y): (f64, f64)) -> bool {
    x >= rc.x && x <= rc.right() && y >= rc.y && y <= rc.bottom()
}

/// Even-odd point-in-polygon test.
pub fn inside_poly(poly: &[(f64, f64)], (x, y): (f64, f64)) -> bool {
    let mut inside = false;
    let n = poly.len();
    for i in 0..n {
        let (a, b) = (poly[i], poly[(i + n - 1) % n]);
        if (a.1 > y) != (b.1 > y) && x < (b.0 - a.0) * (y - a.1) / (b.1 - a.1) + a.0 {
            inside = !inside;
        }
    }
    inside
}

/// A random point whose `size`-mm square keeps clear of names, QR, stamp and corner marks.
fn free_spot(layout: &Layout, size: f64, r: &mut Rand) -> Option<(f64, f64)> {
    let mut busy: Vec<Rect> = vec![layout.qr_mm, layout.stamp_mm];
    busy.extend(layout.fiducials_mm.iter().copied());
    for i in 0..layout.candidates.len() {
        let (t, b) = layout.row_band(i);
        busy.push(Rect {
            x: 0.0,
            y: t,
            w: layout.page_mm.width,
            h: b - t,
        });
    }
    let h = size / 2.0 + 2.0;
    for _ in 0..300 {
        let x = uni(r, h + 4.0, layout.page_mm.width - h - 4.0);
        let y = uni(r, h + 4.0, layout.page_mm.height - h - 4.0);
        let me = Rect {
            x: x - h,
            y: y - h,
            w: 2.0 * h,
            h: 2.0 * h,
        };
        let overlap = |b: &Rect| {
            me.x < b.right() && b.x < me.right() && me.y < b.bottom() && b.y < me.bottom()
        };
        if !busy.iter().any(overlap) {
            return Some((x, y));
        }
    }
    None
}

/// The pixel ranges (x, y) covering a disc of radius `rad` mm around (`cx`, `cy`),
/// with a millimetre to spare, clipped to the canvas.
fn disc_box(c: &Canvas, cx: f64, cy: f64, rad: f64) -> ((usize, usize), (usize, usize)) {
    let k = c.px_per_mm;
    let span = |centre: f64, len: usize| {
        (
            ((centre - rad - 1.0) * k).max(0.0) as usize,
            (((centre + rad + 1.0) * k) as usize).min(len),
        )
    };
    (span(cx, c.w), span(cy, c.h))
}

/// A coffee ring: pale inside, darker at the rim where the liquid dried.
fn stain(c: &mut Canvas, cx: f64, cy: f64, rad: f64, r: &mut Rand) {
    let salt: u64 = r.random();
    let k = c.px_per_mm;
    let brown = [0.1f32, 0.22, 0.42];
    let strength = uni(r, 0.3, 0.8) as f32;
    let ((x0, x1), (y0, y1)) = disc_box(c, cx, cy, rad);
    for y in y0..y1 {
        for x in x0..x1 {
            let (dx, dy) = (x as f64 / k - cx, y as f64 / k - cy);
            let wobble = 0.6 * (value_noise(dx.atan2(dy) * 20.0, 0.0, 3.0, salt) as f64 - 0.5);
            let rho = (dx * dx + dy * dy).sqrt() / (rad + wobble);
            if rho > 1.02 {
                continue;
            }
            let rim = (-((rho - 0.97) / 0.03).powi(2)).exp() as f32;
            c.absorb(x, y, strength * (0.25 + rim), brown);
        }
    }
}

/// Optical density of the seal's red ink per channel.
pub const SEAL_RED: [f32; 3] = [0.05, 0.8, 0.6];

/// Presses the round red seal over the stamp area (dấu treo).
pub fn seal(c: &mut Canvas, area: &Rect, kind: Seal, r: &mut Rand) {
    if kind == Seal::Missing {
        return;
    }
    let rad = area.w.min(area.h) / 2.0 * uni(r, 0.78, 0.95);
    let (cx, cy) = area.centre();
    let (cx, cy) = (cx + uni(r, -0.1, 0.1) * rad, cy + uni(r, -0.1, 0.1) * rad);
    let base = match kind {
        Seal::Faint => uni(r, 0.18, 0.3),
        _ => uni(r, 0.7, 1.0),
    } as f32;
    let tilt_ang = uni(r, 0.0, std::f64::consts::TAU);
    let tilt = if kind == Seal::Partial {
        uni(r, 1.0, 1.6)
    } else {
        uni(r, 0.0, 0.3)
    } as f32;
    let salt: u64 = r.random();
    let red = SEAL_RED;
    let k = c.px_per_mm;
    let ((x0, x1), (y0, y1)) = disc_box(c, cx, cy, rad);
    for y in y0..y1 {
        for x in x0..x1 {
            let (dx, dy) = (x as f64 / k - cx, y as f64 / k - cy);
            let rho = (dx * dx + dy * dy).sqrt() / rad;
            if rho > 1.0 {
                continue;
            }
            let ang = dy.atan2(dx);
            let ink = seal_pattern(rho, ang, dx / rad, dy / rad, salt);
            if ink <= 0.0 {
                continue;
            }
            let side = ((dx * tilt_ang.cos() + dy * tilt_ang.sin()) / rad) as f32;
            let press = (base * (1.0 + tilt * side)).clamp(0.0, 1.2);
            let speckle = 0.6 + 0.8 * value_noise(x as f64, y as f64, 0.15 * k, salt);
            c.absorb(x, y, ink * press * speckle, red);
        }
    }
}

/// Ink of a seal at polar position (radius fraction, angle): two rings, a ring of lettering, a
/// star and a line of lettering in the middle.
fn seal_pattern(rho: f64, ang: f64, u: f64, v: f64, salt: u64) -> f32 {
    if (0.94..=1.0).contains(&rho) || (0.7..=0.73).contains(&rho) {
        return 1.0;
    }
    if (0.76..=0.9).contains(&rho) {
        // Letters: ~40 cells around, strokes inside each.
        let cell = ((ang + std::f64::consts::PI) / std::f64::consts::TAU * 40.0).floor() as i64;
        let sub =
            (((ang + std::f64::consts::PI) / std::f64::consts::TAU * 160.0).floor() as i64) % 4;
        let band = ((rho - 0.76) / 0.035).floor() as i64;
        return if hash01(cell * 4 + sub, band, salt) < 0.45 && cell % 10 != 0 {
            1.0
        } else {
            0.0
        };
    }
    // Five-pointed star in the centre.
    let r = (u * u + v * v).sqrt();
    let a = v.atan2(u) + std::f64::consts::FRAC_PI_2;
    let k = (a * 5.0 / std::f64::consts::TAU).rem_euclid(1.0);
    let lim = 0.22 * (0.45 + 0.55 * (2.0 * (k - 0.5)).abs());
    if r < lim && v < 0.2 {
        return 1.0;
    }
    if (0.3..0.42).contains(&v) && u.abs() < 0.5 {
        let col = ((u + 0.5) * 30.0).floor() as i64;
        return if hash01(col, 7, salt) < 0.55 {
            1.0
        } else {
            0.0
        };
    }
    0.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn point_in_polygon() {
        let sq = [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)];
        assert!(inside_poly(&sq, (5.0, 5.0)));
        assert!(!inside_poly(&sq, (15.0, 5.0)));
    }

    #[test]
    fn seal_has_rings_and_a_star() {
        assert_eq!(seal_pattern(0.97, 0.0, 0.97, 0.0, 1), 1.0);
        assert_eq!(seal_pattern(0.0, 0.0, 0.0, 0.0, 1), 1.0);
        assert_eq!(seal_pattern(0.6, 0.0, 0.6, 0.0, 1), 0.0);
    }
}
