//! Pens: a stroke is a hand movement sampled in time (speed, pressure, tremor), laid down by an ink
//! with its own texture (ballpoint skips and blobs, pencil grain, felt spread).

use crate::canvas::Canvas;
use crate::rng::{Rand, chance, hash01, normal, uni, value_noise};
use rand::Rng;
use serde::{Deserialize, Serialize};

/// The writing instruments voters bring or find at the booth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum InkKind {
    /// Blue ballpoint.
    BallpointBlue,
    /// Black ballpoint.
    BallpointBlack,
    /// Black gel pen.
    Gel,
    /// Felt-tip marker.
    Felt,
    /// Graphite pencil.
    Pencil,
    /// Almost-dry blue ballpoint: faint and skipping.
    DryBallpoint,
    /// Red ballpoint.
    RedPen,
}

/// Physical parameters of an ink as laid by a pen.
#[derive(Debug, Clone, Copy)]
pub struct Ink {
    /// Optical density per channel (R, G, B) of a full layer.
    pub absorbance: [f32; 3],
    /// Line width in mm at nominal pressure.
    pub width_mm: f64,
    /// Chance per mm of travel of entering a skip (ball runs dry for a moment).
    pub skip_per_mm: f64,
    /// Mean length of a skip in mm.
    pub skip_len_mm: f64,
    /// Chance per mm of a blob of ink.
    pub blob_per_mm: f64,
    /// Fraction of paper tooth that takes no ink (pencil grain, 0 for liquid inks).
    pub grain: f32,
}

impl Ink {
    /// The ink of a kind of pen.
    pub fn of(kind: InkKind) -> Ink {
        let base = Ink {
            absorbance: [1.0, 0.75, 0.2],
            width_mm: 0.35,
            skip_per_mm: 0.01,
            skip_len_mm: 0.6,
            blob_per_mm: 0.01,
            grain: 0.0,
        };
        match kind {
            InkKind::BallpointBlue => base,
            InkKind::BallpointBlack => Ink {
                absorbance: [0.95, 0.95, 0.85],
                ..base
            },
            InkKind::Gel => Ink {
                absorbance: [1.4, 1.4, 1.3],
                width_mm: 0.5,
                skip_per_mm: 0.002,
                blob_per_mm: 0.0,
                ..base
            },
            InkKind::Felt => Ink {
                absorbance: [1.2, 1.1, 0.9],
                width_mm: 0.9,
                skip_per_mm: 0.0,
                blob_per_mm: 0.0,
                ..base
            },
            InkKind::Pencil => Ink {
                absorbance: [0.5, 0.5, 0.48],
                width_mm: 0.5,
                skip_per_mm: 0.0,
                blob_per_mm: 0.0,
                grain: 0.45,
                ..base
            },
            InkKind::DryBallpoint => Ink {
                absorbance: [0.45, 0.33, 0.1],
                width_mm: 0.3,
                skip_per_mm: 0.12,
                skip_len_mm: 0.8,
                blob_per_mm: 0.0,
                ..base
            },
            InkKind::RedPen => Ink {
                absorbance: [0.06, 0.9, 0.7],
                ..base
            },
        }
    }
}

/// One sample of the pen tip: position (mm), time (s), pressure (0..1.5).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    /// x in mm.
    pub x: f64,
    /// y in mm.
    pub y: f64,
    /// Time since pen-down in s.
    pub t: f64,
    /// Normalised pressure.
    pub p: f64,
}

/// How a particular hand moves: speed, tremor and how hard it presses.
#[derive(Debug, Clone, Copy)]
pub struct Hand {
    /// Mean tip speed in mm/s.
    pub speed: f64,
    /// Tremor amplitude (s.d.) in mm.
    pub tremor_mm: f64,
    /// Mean pressure.
    pub pressure: f64,
}

impl Hand {
    /// A random voter's hand.
    pub fn random(r: &mut Rand) -> Hand {
        Hand {
            speed: uni(r, 60.0, 220.0),
            tremor_mm: uni(r, 0.02, 0.15),
            pressure: uni(r, 0.6, 1.1),
        }
    }
}

/// Position along a Catmull–Rom spline through `pts` at parameter `u` in [0, n-1].
fn spline(pts: &[(f64, f64)], u: f64) -> (f64, f64) {
    let n = pts.len();
    let i = (u.floor() as usize).min(n - 2);
    let t = u - i as f64;
    let p = |k: isize| pts[(k.max(0) as usize).min(n - 1)];
    let (p0, p1, p2, p3) = (
        p(i as isize - 1),
        p(i as isize),
        p(i as isize + 1),
        p(i as isize + 2),
    );
    let f = |a: f64, b: f64, c: f64, d: f64| {
        0.5 * (2.0 * b
            + (-a + c) * t
            + (2.0 * a - 5.0 * b + 4.0 * c - d) * t * t
            + (-a + 3.0 * b - 3.0 * c + d) * t * t * t)
    };
    (f(p0.0, p1.0, p2.0, p3.0), f(p0.1, p1.1, p2.1, p3.1))
}

/// Samples one pen-down movement through the via points `pts` (mm) at `hz`: the tip follows a
/// smooth path with a minimum-jerk speed profile, trembles (low-pass noise) and presses harder
/// when slow.
pub fn sample_stroke(pts: &[(f64, f64)], hand: &Hand, hz: f64, r: &mut Rand) -> Vec<Sample> {
    if pts.len() < 2 {
        return pts
            .iter()
            .map(|&(x, y)| Sample {
                x,
                y,
                t: 0.0,
                p: hand.pressure,
            })
            .collect();
    }
    // Dense arc-length table of the spline.
    let steps = (pts.len() - 1) * 64;
    let mut table = Vec::with_capacity(steps + 1);
    let mut len = 0.0;
    let mut prev = pts[0];
    for k in 0..=steps {
        let q = spline(pts, k as f64 / 64.0);
        len += ((q.0 - prev.0).powi(2) + (q.1 - prev.1).powi(2)).sqrt();
        table.push((len, q));
        prev = q;
    }
    let duration = (len / hand.speed).max(0.05);
    let n = ((duration * hz).ceil() as usize).max(2);
    let (mut tx, mut ty) = (0.0, 0.0);
    let alpha = 0.85; // AR(1) tremor: ~8–12 Hz physiological band at 500 Hz sampling.
    let sd = hand.tremor_mm * (1.0f64 - alpha * alpha).sqrt();
    let mut out = Vec::with_capacity(n + 1);
    let mut j = 0;
    for k in 0..=n {
        let tau = k as f64 / n as f64;
        let s = len * (10.0 * tau.powi(3) - 15.0 * tau.powi(4) + 6.0 * tau.powi(5));
        while j + 1 < table.len() && table[j + 1].0 < s {
            j += 1;
        }
        let (x, y) = match table.get(j + 1) {
            Some(&(l1, q1)) if l1 > table[j].0 => {
                let f = ((s - table[j].0) / (l1 - table[j].0)).clamp(0.0, 1.0);
                (
                    table[j].1.0 + f * (q1.0 - table[j].1.0),
                    table[j].1.1 + f * (q1.1 - table[j].1.1),
                )
            }
            _ => table[j].1,
        };
        tx = alpha * tx + sd * normal(r);
        ty = alpha * ty + sd * normal(r);
        // Speed relative to peak (minimum jerk peaks at 1.875 × mean).
        let v = 30.0 * tau * tau * (1.0 - tau).powi(2) / 1.875;
        let landing = (tau / 0.04).min(1.0) * ((1.0 - tau) / 0.03).min(1.0);
        let p = hand.pressure * (1.15 - 0.3 * v) * (0.4 + 0.6 * landing) + 0.03 * normal(r);
        out.push(Sample {
            x: x + tx,
            y: y + ty,
            t: tau * duration,
            p: p.clamp(0.05, 1.5),
        });
    }
    out
}

/// Lays a sampled stroke on the page with the ink's texture.
pub fn render(canvas: &mut Canvas, samples: &[Sample], ink: &Ink, r: &mut Rand) {
    if samples.len() < 2 {
        return;
    }
    let k = canvas.px_per_mm;
    let half = ink.width_mm * 1.6 * k;
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for s in samples {
        x0 = x0.min(s.x * k - half);
        y0 = y0.min(s.y * k - half);
        x1 = x1.max(s.x * k + half);
        y1 = y1.max(s.y * k + half);
    }
    let bx = x0.floor().max(0.0) as usize;
    let by = y0.floor().max(0.0) as usize;
    let ex = (x1.ceil().max(0.0) as usize).min(canvas.w);
    let ey = (y1.ceil().max(0.0) as usize).min(canvas.h);
    if ex <= bx || ey <= by {
        return;
    }
    let bw = ex - bx;
    let mut cov = vec![0f32; bw * (ey - by)];
    let salt: u64 = r.random();
    let mut skipping = 0.0f64; // mm of skip left
    for pair in samples.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let seg = ((b.x - a.x).powi(2) + (b.y - a.y).powi(2)).sqrt();
        let mut deposit = (0.55 + 0.45 * a.p.min(1.2)) as f32;
        if skipping > 0.0 {
            skipping -= seg;
            deposit *= 0.04;
        } else if chance(r, ink.skip_per_mm * seg) {
            skipping = ink.skip_len_mm * uni(r, 0.3, 1.7);
        }
        let mut radius = ink.width_mm / 2.0 * (0.8 + 0.25 * a.p.min(1.3));
        if chance(r, ink.blob_per_mm * seg) {
            radius *= 1.9;
            deposit *= 1.5;
        }
        capsule(&mut cov, bw, (bx, by), (ex, ey), k, (a, b), radius, deposit);
    }
    for y in by..ey {
        for x in bx..ex {
            let mut c = cov[(y - by) * bw + x - bx];
            if c <= 0.0 {
                continue;
            }
            if ink.grain > 0.0 {
                // Graphite catches only on the paper's tooth: fibres ~0.1 mm.
                let tooth = value_noise(x as f64, y as f64, 0.08 * k, salt);
                c *= ((tooth - ink.grain * 0.6) / (1.0 - ink.grain * 0.6)).clamp(0.0, 1.0) * 1.6;
            } else {
                c *= 0.9 + 0.2 * hash01(x as i64, y as i64, salt);
            }
            canvas.absorb(x, y, c, ink.absorbance);
        }
    }
}

/// Max-accumulates a soft-edged capsule (segment a–b, radius in mm) into a coverage buffer.
#[allow(clippy::too_many_arguments)]
fn capsule(
    cov: &mut [f32],
    bw: usize,
    (bx, by): (usize, usize),
    (ex, ey): (usize, usize),
    k: f64,
    (a, b): (Sample, Sample),
    radius: f64,
    deposit: f32,
) {
    let (ax, ay, cx, cy) = (a.x * k, a.y * k, b.x * k, b.y * k);
    let rp = radius * k;
    let lo_x = (ax.min(cx) - rp - 1.0).floor().max(bx as f64) as usize;
    let lo_y = (ay.min(cy) - rp - 1.0).floor().max(by as f64) as usize;
    let hi_x = ((ax.max(cx) + rp + 2.0).ceil() as usize).min(ex);
    let hi_y = ((ay.max(cy) + rp + 2.0).ceil() as usize).min(ey);
    let (dx, dy) = (cx - ax, cy - ay);
    let l2 = (dx * dx + dy * dy).max(1e-9);
    for y in lo_y..hi_y {
        for x in lo_x..hi_x {
            let (px, py) = (x as f64 + 0.5 - ax, y as f64 + 0.5 - ay);
            let t = ((px * dx + py * dy) / l2).clamp(0.0, 1.0);
            let d = ((px - t * dx).powi(2) + (py - t * dy).powi(2)).sqrt();
            let edge = ((rp - d) + 0.5).clamp(0.0, 1.0) as f32;
            let v = edge * deposit;
            let cell = &mut cov[(y - by) * bw + x - bx];
            if v > *cell {
                *cell = v;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::rand_for;

    #[test]
    fn a_stroke_goes_from_start_to_end_in_time_with_slow_ends() {
        let mut r = rand_for(3, "pen");
        let hand = Hand {
            speed: 100.0,
            tremor_mm: 0.0,
            pressure: 1.0,
        };
        let s = sample_stroke(
            &[(0.0, 0.0), (20.0, 0.0), (40.0, 0.0)],
            &hand,
            500.0,
            &mut r,
        );
        assert!(s.first().is_some_and(|a| a.x.abs() < 1e-6));
        assert!(s.last().is_some_and(|a| (a.x - 40.0).abs() < 1e-3));
        assert!(
            s.windows(2)
                .all(|w| w[1].t > w[0].t && w[1].x >= w[0].x - 1e-9)
        );
        let step = |i: usize| s[i + 1].x - s[i].x;
        assert!(
            step(0) < step(s.len() / 2) / 10.0,
            "minimum jerk starts slowly"
        );
        let dur = s.last().map_or(0.0, |a| a.t);
        assert!((dur - 0.4).abs() < 0.01, "{dur}");
    }

    #[test]
    fn tremor_stays_within_a_few_sigma() {
        let mut r = rand_for(4, "pen");
        let hand = Hand {
            speed: 100.0,
            tremor_mm: 0.2,
            pressure: 1.0,
        };
        let s = sample_stroke(&[(0.0, 5.0), (30.0, 5.0)], &hand, 500.0, &mut r);
        let worst = s.iter().map(|a| (a.y - 5.0).abs()).fold(0.0, f64::max);
        assert!(worst > 0.05 && worst < 1.2, "{worst}");
    }

    #[test]
    fn rendering_puts_ink_along_the_path_only() {
        let mut r = rand_for(5, "pen");
        let mut c = Canvas::from_print(&vec![255; 200 * 100], 200, 100, 10.0, [1.0; 3]);
        let hand = Hand {
            speed: 100.0,
            tremor_mm: 0.0,
            pressure: 1.0,
        };
        let s = sample_stroke(&[(2.0, 5.0), (18.0, 5.0)], &hand, 500.0, &mut r);
        render(&mut c, &s, &Ink::of(InkKind::Gel), &mut r);
        let at = |x: usize, y: usize| c.data[(y * 200 + x) * 3];
        assert!(at(100, 50) < 0.3, "{}", at(100, 50));
        assert!(at(100, 80) > 0.99);
    }
}
