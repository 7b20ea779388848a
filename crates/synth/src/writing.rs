//! Handwriting-like writing that makes a ballot doubtful (art. 74 đ): notes,
//! signatures and names added below the list. Cursive is built from a few letter
//! shapes joined by a Catmull–Rom spline, slanted and jittered per letter.

use rand::Rng;
use serde::{Deserialize, Serialize};

use super::rnd::{chance, normal, uniform};
use super::stroke::{Hand, PathOpts, PenPath, hand_path};
use kiemphieu_core::geometry::MmRect;

/// Writing on the ballot other than the marks on names and boxes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExtraWriting {
    /// Nothing else written.
    None,
    /// A few scribbled words somewhere away from the names and the seal.
    Note,
    /// A signature.
    Signature,
    /// A name written below the printed candidate list.
    AddedName,
}

/// One letter shape in x-height units: y up from the baseline, entry near (0, 0.1),
/// exit at (advance, ~0.15) so letters join.
struct Letter {
    pts: &'static [(f64, f64)],
    advance: f64,
    /// Takes a Vietnamese diacritic above (vowels).
    vowel: bool,
}

const LETTERS: &[Letter] = &[
    Letter {
        pts: &[
            (0.0, 0.15),
            (0.45, 0.5),
            (0.5, 0.8),
            (0.3, 0.95),
            (0.12, 0.7),
            (0.15, 0.25),
            (0.4, 0.0),
            (0.7, 0.15),
        ],
        advance: 0.7,
        vowel: true,
    },
    Letter {
        pts: &[
            (0.0, 0.15),
            (0.35, 1.1),
            (0.5, 1.8),
            (0.35, 2.05),
            (0.2, 1.8),
            (0.22, 0.6),
            (0.32, 0.05),
            (0.6, 0.15),
        ],
        advance: 0.6,
        vowel: false,
    },
    Letter {
        pts: &[
            (0.0, 0.1),
            (0.12, 0.85),
            (0.14, 0.0),
            (0.25, 0.65),
            (0.45, 0.95),
            (0.62, 0.7),
            (0.62, 0.05),
            (0.85, 0.15),
        ],
        advance: 0.85,
        vowel: false,
    },
    Letter {
        pts: &[
            (0.0, 0.15),
            (0.3, 0.85),
            (0.12, 0.8),
            (0.05, 0.35),
            (0.25, 0.0),
            (0.5, 0.3),
            (0.4, 0.85),
            (0.6, 0.75),
            (0.8, 0.7),
        ],
        advance: 0.8,
        vowel: true,
    },
    Letter {
        pts: &[
            (0.0, 0.15),
            (0.45, 0.85),
            (0.2, 0.9),
            (0.05, 0.4),
            (0.25, 0.0),
            (0.5, 0.5),
            (0.55, 0.9),
            (0.5, 0.1),
            (0.75, 0.15),
        ],
        advance: 0.75,
        vowel: true,
    },
    Letter {
        pts: &[
            (0.0, 0.2),
            (0.45, 0.88),
            (0.2, 0.88),
            (0.08, 0.45),
            (0.3, 0.3),
            (0.52, 0.85),
            (0.5, -0.5),
            (0.3, -0.95),
            (0.12, -0.65),
            (0.45, -0.15),
            (0.8, 0.2),
        ],
        advance: 0.8,
        vowel: false,
    },
    Letter {
        pts: &[(0.0, 0.1), (0.2, 0.9), (0.22, 0.05), (0.45, 0.15)],
        advance: 0.45,
        vowel: true,
    },
    Letter {
        pts: &[
            (0.0, 0.1),
            (0.1, 0.9),
            (0.12, 0.1),
            (0.35, 0.0),
            (0.52, 0.9),
            (0.52, 0.05),
            (0.75, 0.15),
        ],
        advance: 0.75,
        vowel: true,
    },
    Letter {
        pts: &[
            (0.0, 0.15),
            (0.3, 1.3),
            (0.38, 1.95),
            (0.22, 1.95),
            (0.15, 1.3),
            (0.12, 0.0),
            (0.25, 0.65),
            (0.45, 0.95),
            (0.6, 0.6),
            (0.6, 0.05),
            (0.85, 0.15),
        ],
        advance: 0.85,
        vowel: false,
    },
    Letter {
        pts: &[(0.0, 0.1), (0.25, 1.5), (0.25, 0.1), (0.5, 0.15)],
        advance: 0.5,
        vowel: false,
    },
    Letter {
        pts: &[
            (0.0, 0.1),
            (0.1, 0.8),
            (0.12, 0.0),
            (0.2, 0.7),
            (0.35, 0.9),
            (0.45, 0.6),
            (0.45, 0.0),
            (0.55, 0.7),
            (0.7, 0.9),
            (0.82, 0.6),
            (0.82, 0.05),
            (1.05, 0.15),
        ],
        advance: 1.05,
        vowel: false,
    },
];

/// A Catmull–Rom spline through control points, sampled densely.
fn spline(ctrl: &[(f64, f64)], per_seg: usize) -> Vec<(f64, f64)> {
    if ctrl.len() < 2 {
        return ctrl.to_vec();
    }
    let at = |i: isize| ctrl[i.clamp(0, ctrl.len() as isize - 1) as usize];
    let mut out = Vec::with_capacity(ctrl.len() * per_seg + 1);
    for i in 0..ctrl.len() as isize - 1 {
        let (p0, p1, p2, p3) = (at(i - 1), at(i), at(i + 1), at(i + 2));
        for s in 0..per_seg {
            let t = s as f64 / per_seg as f64;
            let (t2, t3) = (t * t, t * t * t);
            let f = |a: f64, b: f64, c: f64, d: f64| {
                0.5 * (2.0 * b
                    + (-a + c) * t
                    + (2.0 * a - 5.0 * b + 4.0 * c - d) * t2
                    + (-a + 3.0 * b - 3.0 * c + d) * t3)
            };
            out.push((f(p0.0, p1.0, p2.0, p3.0), f(p0.1, p1.1, p2.1, p3.1)));
        }
    }
    out.push(ctrl[ctrl.len() - 1]);
    out
}

/// A pen path following a dense polyline.
fn follow(rng: &mut impl Rng, hand: &Hand, pts: Vec<(f64, f64)>) -> PenPath {
    let n = pts.len().max(1);
    let opts = PathOpts {
        taper_mm: 0.3,
        gaps: Vec::new(),
    };
    hand_path(
        rng,
        hand,
        move |t| {
            let f = t * (n - 1) as f64;
            let i = (f.floor() as usize).min(n.saturating_sub(2));
            let u = f - i as f64;
            match (pts.get(i), pts.get(i + 1)) {
                (Some(a), Some(b)) => (a.0 + (b.0 - a.0) * u, a.1 + (b.1 - a.1) * u),
                (Some(a), None) => *a,
                _ => (0.0, 0.0),
            }
        },
        &opts,
    )
}

/// Style of one writer: x-height, slant and how carelessly the letters are formed.
#[derive(Debug, Clone, Copy)]
struct Script {
    xh: f64,
    slant: f64,
    jitter: f64,
    stretch: f64,
}

/// Writes one cursive word with its baseline starting at (x, y) (mm); returns the paths
/// and the x where the word ends.
fn word(
    rng: &mut impl Rng,
    hand: &Hand,
    sc: &Script,
    x: f64,
    y: f64,
    letters: usize,
) -> (Vec<PenPath>, f64) {
    let mut ctrl = Vec::new();
    let mut accents = Vec::new();
    let mut cx = x;
    for _ in 0..letters.max(1) {
        let l = &LETTERS[rng.random_range(0..LETTERS.len())];
        let sx = sc.xh * sc.stretch * uniform(rng, 0.85, 1.15);
        let sy = sc.xh * uniform(rng, 0.9, 1.1);
        for &(lx, ly) in l.pts {
            let jy = ly + normal(rng) * sc.jitter;
            let jx = lx + normal(rng) * sc.jitter;
            ctrl.push((cx + jx * sx + jy * sy * sc.slant, y - jy * sy));
        }
        if l.vowel && chance(rng, 0.4) {
            // A Vietnamese diacritic: a short flick or a small hat above the letter.
            let ax = cx + 0.35 * sx + 1.4 * sy * sc.slant;
            let ay = y - uniform(rng, 1.25, 1.5) * sy;
            let d = 0.25 * sc.xh;
            let mark = match rng.random_range(0..3) {
                0 => vec![(ax - d * 0.3, ay + d * 0.4), (ax + d * 0.4, ay - d * 0.5)],
                1 => vec![
                    (ax - d, ay + d * 0.5),
                    (ax, ay - d * 0.4),
                    (ax + d, ay + d * 0.5),
                ],
                _ => vec![
                    (ax - d, ay),
                    (ax - d * 0.3, ay - d * 0.4),
                    (ax + d * 0.3, ay + d * 0.2),
                    (ax + d, ay - d * 0.2),
                ],
            };
            accents.push(mark);
        }
        cx += l.advance * sx;
    }
    let mut paths = vec![follow(rng, hand, spline(&ctrl, 8))];
    for a in accents {
        paths.push(follow(rng, hand, spline(&a, 6)));
    }
    (paths, cx)
}

/// Rough size (w, h) in mm of writing before it is placed.
pub(crate) fn extent(kind: ExtraWriting, xh: f64, words: usize) -> (f64, f64) {
    match kind {
        ExtraWriting::None => (0.0, 0.0),
        ExtraWriting::Signature => (14.0 * xh, 5.2 * xh),
        ExtraWriting::Note | ExtraWriting::AddedName => (words as f64 * 5.5 * xh, 3.6 * xh),
    }
}

/// Parameters of one piece of writing, chosen before it is placed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct WritingPlan {
    pub(crate) kind: ExtraWriting,
    pub(crate) xh: f64,
    pub(crate) words: usize,
}

impl WritingPlan {
    /// Random size and word count for a kind of writing.
    pub(crate) fn sample(rng: &mut impl Rng, kind: ExtraWriting) -> Self {
        let (xh, words) = match kind {
            ExtraWriting::None => (0.0, 0),
            ExtraWriting::Note => (uniform(rng, 1.8, 3.0), rng.random_range(1..=4)),
            ExtraWriting::Signature => (uniform(rng, 1.8, 3.0), 1),
            ExtraWriting::AddedName => (uniform(rng, 2.0, 3.2), rng.random_range(2..=4)),
        };
        WritingPlan { kind, xh, words }
    }

    /// Rough size in mm.
    pub(crate) fn size(&self) -> (f64, f64) {
        extent(self.kind, self.xh, self.words)
    }
}

/// Pen paths of the writing laid out in `room` (its top-left is the writing's top-left).
pub(crate) fn writing_paths(
    rng: &mut impl Rng,
    plan: &WritingPlan,
    room: &MmRect,
    width_mm: f64,
) -> Vec<PenPath> {
    let hand = Hand {
        width: width_mm.clamp(0.3, 0.8),
        pressure: 1.0,
        wobble: 0.03,
    };
    let sc = Script {
        xh: plan.xh,
        slant: uniform(rng, 0.05, 0.4),
        jitter: uniform(rng, 0.03, 0.08),
        stretch: uniform(rng, 0.8, 1.2),
    };
    let baseline = room.y + 2.2 * plan.xh;
    match plan.kind {
        ExtraWriting::None => Vec::new(),
        ExtraWriting::Note | ExtraWriting::AddedName => {
            let mut paths = Vec::new();
            let mut x = room.x + 0.3 * plan.xh;
            for _ in 0..plan.words {
                let letters = rng.random_range(2..=5);
                let y = baseline + uniform(rng, -0.15, 0.15) * plan.xh;
                let (p, end) = word(rng, &hand, &sc, x, y, letters);
                paths.extend(p);
                x = end + uniform(rng, 0.6, 1.1) * plan.xh;
                if x > room.right() - 2.0 * plan.xh {
                    break;
                }
            }
            paths
        }
        ExtraWriting::Signature => {
            let big = Script {
                xh: plan.xh * 1.3,
                slant: sc.slant + 0.2,
                ..sc
            };
            let x = room.x + plan.xh;
            let baseline = room.y + 3.5 * plan.xh;
            // A capital flourish, then letters, then a swoosh back under them.
            let h = big.xh;
            let cap = [
                (x, baseline),
                (x + 0.4 * h, baseline - 2.4 * h),
                (x + 1.0 * h, baseline - 2.6 * h),
                (x + 0.9 * h, baseline - 1.2 * h),
                (x + 0.2 * h, baseline + 0.2 * h),
                (x + 1.3 * h, baseline - 0.6 * h),
            ];
            let mut paths = vec![follow(rng, &hand, spline(&cap, 8))];
            let letters = rng.random_range(3..=6);
            let (p, end) = word(rng, &hand, &big, x + 1.3 * h, baseline, letters);
            paths.extend(p);
            let swoosh = [
                (end, baseline - 0.2 * h),
                (end + 0.8 * h, baseline + 0.5 * h),
                (f64::midpoint(x, end), baseline + 0.9 * h),
                (x - 0.3 * h, baseline + 0.6 * h),
            ];
            paths.push(follow(rng, &hand, spline(&swoosh, 10)));
            paths
        }
    }
}
