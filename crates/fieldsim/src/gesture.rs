//! What a voter's hand does to one name: via points of pen-down movements in page millimetres.

use crate::layout::{Layout, NameMetrics};
use crate::rng::{Rand, chance, normal, uni};
use serde::{Deserialize, Serialize};

/// The intended mark on one name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    /// Not touched.
    Untouched,
    /// Straight line through the body of the name.
    Straight,
    /// One slanted line across the name.
    Slanted,
    /// A wavy line across.
    Wavy,
    /// A zig-zag across.
    ZigZag,
    /// Two parallel lines.
    Double,
    /// A cross (X) over the whole name.
    Cross,
    /// Scribbled over.
    Scribble,
    /// A strike starting a few mm late and/or stopping early but crossing most of the name.
    ShortEnds,
    /// A strike whose end runs on into the neighbouring row.
    Overshoot,
    /// A strike with hooks at its ends.
    Hooked,
    /// Line through the tops of the capitals and diacritics (does not strike).
    Overline,
    /// Underline (does not strike).
    Underline,
    /// Circle around the name (does not strike).
    Circle,
    /// A dot beside the name (does not strike).
    Dot,
    /// A tick beside the name (does not strike).
    Tick,
    /// Only the first word struck (does not strike the name).
    Partial,
    /// A word ("giữ") written beside the name in its row: extra writing.
    WordBeside,
}

impl Mark {
    /// Plain strikes a voter makes.
    pub const STRIKES: [Mark; 8] = [
        Mark::Straight,
        Mark::Straight,
        Mark::Slanted,
        Mark::Wavy,
        Mark::ZigZag,
        Mark::Double,
        Mark::Cross,
        Mark::Scribble,
    ];
    /// Strikes that are unusual but still strike (the right reading is struck).
    pub const ODD_STRIKES: [Mark; 3] = [Mark::ShortEnds, Mark::Overshoot, Mark::Hooked];
    /// Marks that leave the name kept (rules.md §3).
    pub const NOT_STRIKES: [Mark; 6] = [
        Mark::Overline,
        Mark::Underline,
        Mark::Circle,
        Mark::Dot,
        Mark::Tick,
        Mark::Partial,
    ];

    /// Whether the name counts as struck under rules.md §3.
    pub fn strikes(self) -> bool {
        matches!(
            self,
            Mark::Straight
                | Mark::Slanted
                | Mark::Wavy
                | Mark::ZigZag
                | Mark::Double
                | Mark::Cross
                | Mark::Scribble
                | Mark::ShortEnds
                | Mark::Overshoot
                | Mark::Hooked
        )
    }

    /// Whether the mark is plain: plainly struck or plainly untouched (a clear ballot has only these).
    pub fn plain(self) -> bool {
        matches!(
            self,
            Mark::Untouched
                | Mark::Straight
                | Mark::Slanted
                | Mark::Wavy
                | Mark::ZigZag
                | Mark::Double
                | Mark::Cross
                | Mark::Scribble
                | Mark::Hooked
        )
    }

    /// Whether the mark is writing other than a mark on a name (rules.md §4, art. 74 đ).
    pub fn is_writing(self) -> bool {
        self == Mark::WordBeside
    }
}

/// Pen-down movements (each a list of via points in mm) making `mark` on candidate `i`.
pub fn strokes(mark: Mark, layout: &Layout, i: usize, r: &mut Rand) -> Vec<Vec<(f64, f64)>> {
    let c = &layout.candidates[i];
    let m = NameMetrics::of(c);
    let (x0, x1) = (c.name_mm.x, c.name_mm.right());
    let yb = m.body_centre();
    let em = m.em;
    let line = |xa, xb, ya, yz, r: &mut Rand| line(xa, xb, ya, yz, em, r);
    let jit = |r: &mut Rand| 0.1 * m.x_height() * normal(r);
    let before = |r: &mut Rand| x0 - uni(r, 1.0, 5.0);
    let after = |r: &mut Rand| x1 + uni(r, 1.0, 6.0);
    match mark {
        Mark::Untouched => vec![],
        Mark::Straight => {
            let (a, b) = (before(r), after(r));
            let (ya, yz) = (yb + jit(r), yb + jit(r));
            vec![line(a, b, ya, yz, r)]
        }
        Mark::Slanted => {
            let rise = uni(r, 0.2, 0.55) * em * if chance(r, 0.5) { 1.0 } else { -1.0 };
            let (a, b) = (before(r), after(r));
            vec![line(a, b, yb + rise / 2.0, yb - rise / 2.0, r)]
        }
        Mark::Wavy | Mark::ZigZag | Mark::Scribble => wave(mark, x0, x1, yb, em, r),
        Mark::Double => {
            let gap = uni(r, 0.25, 0.5) * em;
            let (a, b) = (before(r), after(r));
            let l1 = line(a, b, yb - gap / 2.0, yb - gap / 2.0 + jit(r), r);
            let (a, b) = (before(r), after(r));
            vec![l1, line(a, b, yb + gap / 2.0, yb + gap / 2.0 + jit(r), r)]
        }
        Mark::Cross => {
            let (top, bot) = (m.cap_top() - 0.2 * em, m.baseline + 0.2 * em);
            let (a, b) = (before(r), after(r));
            let l1 = line(a, b, top, bot, r);
            let (a, b) = (before(r), after(r));
            vec![l1, line(a, b, bot, top, r)]
        }
        Mark::ShortEnds => {
            let w = c.name_mm.w;
            let budget = (0.08 * w).min(5.0);
            let late = if chance(r, 0.7) {
                uni(r, 0.3, 0.6) * budget
            } else {
                0.0
            };
            let early = if late == 0.0 || chance(r, 0.5) {
                uni(r, 0.3, 0.4) * budget
            } else {
                0.0
            };
            vec![line(x0 + late, x1 - early, yb + jit(r), yb + jit(r), r)]
        }
        Mark::Overshoot => {
            let down = i + 1 < layout.candidates.len() && (i == 0 || chance(r, 0.5));
            let dir = if down { 1.0 } else { -1.0 };
            let end_x = x1 + uni(r, 2.0, 5.0);
            let mut l = line(before(r), end_x, yb + jit(r), yb + jit(r), r);
            let reach = layout.row_pitch() * uni(r, 0.45, 0.7);
            l.push((end_x + reach * 0.5, yb + dir * reach));
            vec![l]
        }
        Mark::Hooked => {
            let (a, b) = (before(r), after(r));
            let y = yb + jit(r);
            let h = 0.5 * em;
            let mut l = vec![(a + 0.8, y + h), (a, y + 0.3 * h)];
            l.extend(line(a, b, y, y + jit(r), r));
            l.push((b + 1.0, y - 0.6 * h));
            l.push((b - 0.3, y - 1.1 * h));
            vec![l]
        }
        _ => not_strike(mark, layout, i, r),
    }
}

/// A hand-drawn line from (xa, ya) to (xb, yz) with a little wobble in between.
fn line(xa: f64, xb: f64, ya: f64, yz: f64, em: f64, r: &mut Rand) -> Vec<(f64, f64)> {
    let n = (((xb - xa) / 8.0).ceil() as usize).max(2);
    (0..=n)
        .map(|k| {
            let t = k as f64 / n as f64;
            let wob = if k == 0 || k == n {
                0.0
            } else {
                0.04 * em * normal(r)
            };
            (xa + (xb - xa) * t, ya + (yz - ya) * t + wob)
        })
        .collect()
}

/// The marks that leave the name kept, and writing beside it.
fn not_strike(mark: Mark, layout: &Layout, i: usize, r: &mut Rand) -> Vec<Vec<(f64, f64)>> {
    let c = &layout.candidates[i];
    let m = NameMetrics::of(c);
    let (x0, x1) = (c.name_mm.x, c.name_mm.right());
    let (yb, em) = (m.body_centre(), m.em);
    let line = |xa, xb, ya, yz, r: &mut Rand| line(xa, xb, ya, yz, em, r);
    let jit = |r: &mut Rand| 0.1 * m.x_height() * normal(r);
    let before = |r: &mut Rand| x0 - uni(r, 1.0, 5.0);
    let after = |r: &mut Rand| x1 + uni(r, 1.0, 6.0);
    match mark {
        Mark::Overline => {
            let y = m.cap_top() - uni(r, 0.0, 0.15) * em;
            vec![line(before(r), after(r), y, y + 0.03 * em * normal(r), r)]
        }
        Mark::Underline => {
            let y = m.baseline + uni(r, 0.1, 0.3) * em;
            vec![line(before(r), after(r), y, y + 0.03 * em * normal(r), r)]
        }
        Mark::Circle => circle(layout, i, &m, r),
        Mark::Dot => {
            let x = beside(layout, i, uni(r, 2.0, 6.0), 0.5);
            let y = yb + jit(r);
            vec![vec![
                (x, y),
                (x + 0.25, y + 0.15),
                (x + 0.05, y + 0.3),
                (x + 0.2, y + 0.05),
            ]]
        }
        Mark::Tick => {
            let s = uni(r, 0.7, 1.1) * em;
            let x = beside(layout, i, uni(r, 3.0, 8.0), s);
            vec![vec![
                (x, yb - 0.1 * s),
                (x + 0.3 * s, yb + 0.35 * s),
                (x + 1.0 * s, yb - 0.7 * s),
            ]]
        }
        Mark::Partial => {
            let first = first_word_fraction(&c.name);
            let end = x0 + first * c.name_mm.w + uni(r, 0.2, 0.8);
            vec![line(
                x0 - uni(r, 0.5, 3.0),
                end,
                yb + jit(r),
                yb + jit(r),
                r,
            )]
        }
        Mark::WordBeside => {
            let xh = uni(r, 1.8, 2.6);
            let width = 2.9 * xh;
            let gap = uni(r, 4.0, 9.0);
            let x = beside(layout, i, gap, width);
            if x < 0.0 {
                // No room either side: under the start of the name, still in its row.
                let (_, bottom) = layout.row_band(i);
                let base = (m.baseline + 0.6 * em + xh).min(bottom - 0.7 * xh);
                giu(x0 + uni(r, 0.0, 10.0), base, xh)
            } else {
                giu(x, m.baseline - 0.1 * em, xh)
            }
        }
        _ => vec![],
    }
}

/// Left edge for a mark `width` mm wide placed `gap` mm beside candidate `i`'s name: right of it
/// when it fits inside the corner marks' columns, else left, else -1.
fn beside(layout: &Layout, i: usize, gap: f64, width: f64) -> f64 {
    let n = &layout.candidates[i].name_mm;
    let f = &layout.fiducials_mm;
    let (left, right) = (f[0].right() + 2.0, f[1].x - 2.0);
    if n.right() + gap + width <= right {
        n.right() + gap
    } else if n.x - gap - width >= left {
        n.x - gap - width
    } else {
        -1.0
    }
}

/// Wavy, zig-zag and scribble strokes across the whole name.
fn wave(mark: Mark, x0: f64, x1: f64, yb: f64, em: f64, r: &mut Rand) -> Vec<Vec<(f64, f64)>> {
    let a = x0 - uni(r, 1.0, 4.0);
    let b = x1 + uni(r, 1.0, 4.0);
    let mut pts = Vec::new();
    match mark {
        Mark::Wavy => {
            let (amp, period) = (uni(r, 0.15, 0.3) * em, uni(r, 3.0, 7.0));
            let phase = uni(r, 0.0, std::f64::consts::TAU);
            let mut x = a;
            while x <= b {
                pts.push((
                    x,
                    yb + amp * ((x - a) / period * std::f64::consts::TAU + phase).sin(),
                ));
                x += period / 6.0;
            }
        }
        Mark::ZigZag => {
            let (amp, step) = (uni(r, 0.25, 0.45) * em, uni(r, 1.5, 3.0));
            let mut x = a;
            let mut s = 1.0;
            while x <= b {
                pts.push((x, yb + s * amp));
                s = -s;
                x += step;
            }
        }
        _ => {
            // Scribble: loops forward and back, then a return pass.
            let amp = uni(r, 0.35, 0.55) * em;
            let mut x = a;
            let mut k = 0;
            while x <= b {
                let y = yb + amp * if k % 2 == 0 { -1.0 } else { 1.0 } + 0.1 * em * normal(r);
                pts.push((x, y));
                x += if k % 3 == 2 { -0.6 } else { uni(r, 0.8, 1.6) };
                k += 1;
            }
            let back: Vec<(f64, f64)> = pts
                .iter()
                .rev()
                .step_by(2)
                .map(|&(x, y)| (x + 0.4, 2.0 * yb - y))
                .collect();
            pts.extend(back);
        }
    }
    pts.push((b, yb));
    vec![pts]
}

/// An ellipse drawn around the name, kept inside its row.
fn circle(layout: &Layout, i: usize, m: &NameMetrics, r: &mut Rand) -> Vec<Vec<(f64, f64)>> {
    let n = &layout.candidates[i].name_mm;
    let (band_top, band_bot) = layout.row_band(i);
    let cx = n.centre().0 + normal(r) * 0.5;
    let cy = (m.cap_top() + m.baseline) / 2.0 + 0.15 * m.em;
    let rx = n.w / 2.0 + uni(r, 2.0, 5.0);
    let ry = (n.h / 2.0 + uni(r, 0.8, 2.0)).min((cy - band_top).min(band_bot - cy) * 0.95);
    let start = uni(r, 0.0, std::f64::consts::TAU);
    let turns = uni(r, 1.02, 1.12);
    let pts = (0..=40)
        .map(|k| {
            let a = start + turns * std::f64::consts::TAU * k as f64 / 40.0;
            (cx + rx * a.cos(), cy + ry * a.sin())
        })
        .collect();
    vec![pts]
}

/// Fraction of the printed name taken by its first word (by characters, a fair guess for a
/// proportional font).
pub fn first_word_fraction(name: &str) -> f64 {
    let total = name.chars().count().max(1) as f64;
    let first = name
        .split_whitespace()
        .next()
        .map_or(0, |w| w.chars().count()) as f64;
    first / total
}

/// The handwritten word "giữ" at (x, baseline) with x-height `xh` mm: four pen-down movements.
pub fn giu(x: f64, base: f64, xh: f64) -> Vec<Vec<(f64, f64)>> {
    let p = |u: f64, v: f64| (x + u * xh, base - xh + v * xh);
    vec![
        vec![
            p(0.95, 0.2),
            p(0.5, 0.0),
            p(0.1, 0.4),
            p(0.4, 0.95),
            p(0.9, 0.7),
            p(0.95, 0.0),
            p(0.95, 1.3),
            p(0.6, 1.6),
            p(0.2, 1.4),
        ],
        vec![p(1.3, 0.1), p(1.3, 1.0), p(1.5, 0.9)],
        vec![p(1.3, -0.45), p(1.33, -0.38)],
        vec![
            p(1.8, 0.0),
            p(1.8, 0.8),
            p(2.2, 1.0),
            p(2.6, 0.7),
            p(2.6, 0.0),
            p(2.6, 0.9),
            p(2.75, 1.0),
        ],
        vec![p(2.6, 0.05), p(2.85, -0.2)],
        vec![p(1.8, -0.5), p(2.0, -0.7), p(2.3, -0.5), p(2.55, -0.7)],
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{CandidateBox, PageSize, Rect};
    use crate::rng::rand_for;

    fn layout() -> Layout {
        let cand = |i: usize| CandidateBox {
            id: format!("c{i}"),
            name: "Nguyễn Thị Ngọc Huyền".into(),
            name_mm: Rect {
                x: 30.0,
                y: 60.0 + 12.0 * i as f64,
                w: 50.0,
                h: 6.0,
            },
            baseline_mm: Some(65.0 + 12.0 * i as f64),
            xheight_band_mm: None,
        };
        Layout {
            page_mm: PageSize {
                width: 148.0,
                height: 210.0,
            },
            fiducials_mm: vec![
                Rect {
                    x: 5.0,
                    y: 5.0,
                    w: 5.0,
                    h: 5.0,
                },
                Rect {
                    x: 138.0,
                    y: 5.0,
                    w: 5.0,
                    h: 5.0,
                },
            ],
            qr_mm: Rect {
                x: 100.0,
                y: 10.0,
                w: 25.0,
                h: 25.0,
            },
            stamp_mm: Rect {
                x: 10.0,
                y: 10.0,
                w: 40.0,
                h: 40.0,
            },
            candidates: (0..3).map(cand).collect(),
        }
    }

    #[test]
    fn strikes_cross_the_whole_name_and_hard_cases_do_not() {
        let l = layout();
        let mut r = rand_for(9, "g");
        for mark in Mark::STRIKES {
            let s = strokes(mark, &l, 1, &mut r);
            let xs = s.iter().flatten().map(|p| p.0);
            let lo = xs.clone().fold(f64::MAX, f64::min);
            let hi = xs.fold(f64::MIN, f64::max);
            assert!(lo <= 30.0 && hi >= 80.0, "{mark:?} {lo}..{hi}");
        }
        let p = strokes(Mark::Partial, &l, 1, &mut r);
        let hi = p.iter().flatten().map(|p| p.0).fold(f64::MIN, f64::max);
        assert!(hi < 30.0 + 0.45 * 50.0, "partial ends at {hi}");
        let o = strokes(Mark::Overline, &l, 1, &mut r);
        let m = NameMetrics::of(&l.candidates[1]);
        assert!(
            o.iter()
                .flatten()
                .all(|p| p.1 < m.body_centre() - m.x_height() / 2.0)
        );
        let u = strokes(Mark::Underline, &l, 1, &mut r);
        assert!(u.iter().flatten().all(|p| p.1 > m.baseline));
    }

    #[test]
    fn circles_stay_in_their_row_and_writing_stays_right_of_the_name() {
        let l = layout();
        let mut r = rand_for(10, "g");
        let (t, b) = l.row_band(1);
        for _ in 0..20 {
            let c = strokes(Mark::Circle, &l, 1, &mut r);
            assert!(c.iter().flatten().all(|p| p.1 > t && p.1 < b));
            let w = strokes(Mark::WordBeside, &l, 1, &mut r);
            assert!(w.iter().flatten().all(|p| p.0 > 80.0));
        }
        assert!(Mark::Straight.strikes() && !Mark::Partial.strikes() && !Mark::ShortEnds.plain());
    }

    #[test]
    fn first_word_fraction_counts_characters() {
        assert!((first_word_fraction("Lê Văn An") - 2.0 / 9.0).abs() < 1e-9);
    }
}
