//! What the voter draws on a name or in a box, and the pen paths that draw it.
//!
//! Geometry follows rules.md §3: a strike crosses the whole printed name through
//! the text band; partial strikes stop short of at least one word; underline,
//! overline, circle, dot and tick stay off the text band.

use rand::Rng;
use serde::{Deserialize, Serialize};

use kiemphieu_core::geometry::MmRect;

use super::geom::centre;
use super::ink::{InkColour, InkLay};
use super::rnd::{chance, normal, uniform};
use super::sheet::NameGeom;
use super::stroke::{Hand, PathOpts, PenPath, hand_path};

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

/// Overshoot beyond the end of a name, 1–6 mm, mostly small as real strikes are.
/// (A strike that stops right at the last letter's edge is a borderline case,
/// drawn by `Borderline::AllButLastLetter` and labelled `Either`.)
fn overshoot(rng: &mut impl Rng) -> f64 {
    let u = rng.random::<f64>();
    1.0 + 5.0 * u * u
}

/// A nearly straight hand line between two points with a slight bow.
fn line(
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
fn taper(rng: &mut impl Rng, o1: f64, o2: f64) -> PathOpts {
    PathOpts {
        taper_mm: uniform(rng, 0.3, 1.0).min(o1.min(o2)),
        gaps: Vec::new(),
    }
}

/// Wobble that keeps a strike inside the text band: the tremor sums to 1.6 × this.
fn strike_wobble(g: &NameGeom) -> f64 {
    (0.08 * g.band_h()).min(0.2)
}

/// A straight strike across `xs = (xa, xb)` through the band, `y_off` below its middle,
/// overshooting by `os = (before, after)`. Centred, it deviates at most 0.4 band heights
/// from the middle; off-centre lines (doubles, upper-part strokes) jitter less.
fn band_line(
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

/// The pen paths of one mark on a name. Fails only for a partial strike of a one-word name.
pub(crate) fn mark_paths(
    rng: &mut impl Rng,
    mark: &MarkSpec,
    g: &NameGeom,
    pen: &Pen,
) -> Result<Vec<PenPath>, &'static str> {
    let r = g.rect;
    let bh = g.band_h();
    let mid = g.mid();
    let (x0, x1) = (r.x, r.right());
    let w = r.w.max(1.0);
    Ok(match *mark {
        MarkSpec::Keep => Vec::new(),
        MarkSpec::Strike { style } => strike(rng, style, g, pen),
        MarkSpec::PartialStrike { words } => {
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
            vec![band_line(rng, pen, g, (a, b), (o_left, o_right), 0.0)]
        }
        MarkSpec::Underline | MarkSpec::Overline => {
            let hand = pen.hand(rng, 0.1);
            let gap = uniform(rng, 0.6, 2.0) + pen.width_mm / 2.0 + 0.3;
            let y = if *mark == MarkSpec::Underline {
                r.bottom() + gap
            } else {
                r.y - gap
            };
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
        MarkSpec::Circle => {
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
        MarkSpec::Dot => {
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
        MarkSpec::Tick => {
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
        MarkSpec::Borderline { kind } => match kind {
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
        },
    })
}

/// The paths of a full strike.
fn strike(rng: &mut impl Rng, style: StrikeStyle, g: &NameGeom, pen: &Pen) -> Vec<PenPath> {
    let r = g.rect;
    let bh = g.band_h();
    let mid = g.mid();
    let (x0, x1) = (r.x, r.right());
    let w = r.w.max(1.0);
    let (o1, o2) = (overshoot(rng), overshoot(rng));
    match style {
        StrikeStyle::Straight => vec![band_line(rng, pen, g, (x0, x1), (o1, o2), 0.0)],
        StrikeStyle::Slanted => {
            // Up to 7°, but never so steep that the line leaves the first or last letter.
            let max_rise = 1.3 * bh;
            let angle = uniform(rng, 2.0, 7.0)
                .to_radians()
                .min((max_rise / w).atan());
            let rise = angle.tan();
            let sign = if chance(rng, 0.75) { -1.0 } else { 1.0 }; // mostly rising to the right
            let y = mid + uniform(rng, -0.1, 0.1) * bh;
            let cx = (x0 + x1) / 2.0;
            let at = |x: f64| (x, y + sign * rise * (x - cx));
            let hand = pen.hand(rng, strike_wobble(g));
            let opts = taper(rng, o1, o2);
            let bow = uniform(rng, -0.05, 0.05) * bh;
            vec![line(rng, &hand, at(x0 - o1), at(x1 + o2), bow, &opts)]
        }
        StrikeStyle::Wavy => {
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
        StrikeStyle::Double => {
            let gap = uniform(rng, 0.3, 0.55) * bh;
            let (o3, o4) = (overshoot(rng), overshoot(rng));
            vec![
                band_line(rng, pen, g, (x0, x1), (o1, o2), -gap / 2.0),
                band_line(rng, pen, g, (x0, x1), (o3, o4), gap / 2.0),
            ]
        }
        StrikeStyle::Cross => {
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
        StrikeStyle::Scribble => {
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
        StrikeStyle::Dashed => {
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
    }
}

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
