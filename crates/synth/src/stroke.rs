//! Hand-drawn pen paths in millimetres and their anti-aliased rasterization.

use rand::Rng;

use super::ink::Mask;
use super::rnd::uniform;

/// One sample along a pen path, on the sheet.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct PenPoint {
    pub(crate) x: f64,
    pub(crate) y: f64,
    /// Line width in millimetres.
    pub(crate) width: f64,
    /// 0..1: how much ink the pen leaves here (0 in a pressure gap).
    pub(crate) pressure: f64,
}

/// A continuous pen movement (pen down to pen up).
pub(crate) type PenPath = Vec<PenPoint>;

/// The hand that holds the pen, for one mark.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hand {
    /// Base line width, mm (0.3..1.0).
    pub(crate) width: f64,
    /// Base pressure, 0..1.
    pub(crate) pressure: f64,
    /// Amplitude of the slow sideways tremor, mm.
    pub(crate) wobble: f64,
}

/// Spacing of samples along a path: fine enough that curves look smooth at 600 dpi.
const STEP_MM: f64 = 0.2;

/// Extra shaping of a path.
#[derive(Debug, Clone, Default)]
pub(crate) struct PathOpts {
    /// Length over which ink builds up at the start and fades at the end, mm.
    pub(crate) taper_mm: f64,
    /// Arc-length intervals (mm from the start) where the pen leaves no ink.
    pub(crate) gaps: Vec<(f64, f64)>,
}

/// Samples a centre line `centre(t)`, `t ∈ [0, 1]`, into a pen path with the hand's
/// tremor, width and pressure variation, so no two marks are geometrically identical.
pub(crate) fn hand_path(
    rng: &mut impl Rng,
    hand: &Hand,
    centre: impl Fn(f64) -> (f64, f64),
    opts: &PathOpts,
) -> PenPath {
    // Estimate the length to choose the sampling density.
    let coarse = 64;
    let mut len = 0.0;
    let mut prev = centre(0.0);
    for i in 1..=coarse {
        let p = centre(f64::from(i) / f64::from(coarse));
        len += (p.0 - prev.0).hypot(p.1 - prev.1);
        prev = p;
    }
    let n = ((len / STEP_MM).ceil() as usize).clamp(2, 20_000);
    let pts: Vec<(f64, f64)> = (0..=n).map(|i| centre(i as f64 / n as f64)).collect();

    let mut arc = Vec::with_capacity(pts.len());
    let mut s = 0.0;
    arc.push(0.0);
    for w in pts.windows(2) {
        s += (w[1].0 - w[0].0).hypot(w[1].1 - w[0].1);
        arc.push(s);
    }
    let total = s.max(1e-9);

    // Tremor: a few sinusoids in arc length, slow ones strongest.
    let waves: Vec<(f64, f64, f64)> = [(25.0, 60.0, 1.0), (8.0, 20.0, 0.45), (2.5, 6.0, 0.15)]
        .iter()
        .map(|&(lo, hi, amp)| {
            (
                std::f64::consts::TAU / uniform(rng, lo, hi),
                uniform(rng, 0.0, std::f64::consts::TAU),
                amp * hand.wobble,
            )
        })
        .collect();
    let width_wave = (
        std::f64::consts::TAU / uniform(rng, 6.0, 30.0),
        uniform(rng, 0.0, std::f64::consts::TAU),
        uniform(rng, 0.05, 0.15),
    );
    let press_wave = (
        std::f64::consts::TAU / uniform(rng, 10.0, 40.0),
        uniform(rng, 0.0, std::f64::consts::TAU),
        uniform(rng, 0.03, 0.12),
    );
    let taper = opts.taper_mm.min(total / 3.0);

    let mut out = Vec::with_capacity(pts.len());
    for (i, &(x, y)) in pts.iter().enumerate() {
        let s = arc[i];
        // Normal from the neighbouring samples.
        let (a, b) = (pts[i.saturating_sub(1)], pts[(i + 1).min(pts.len() - 1)]);
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let dl = dx.hypot(dy).max(1e-9);
        let (nx, ny) = (-dy / dl, dx / dl);
        let off: f64 = waves
            .iter()
            .map(|(f, p, amp)| amp * (f * s + p).sin())
            .sum();
        let width = hand.width * (1.0 + width_wave.2 * (width_wave.0 * s + width_wave.1).sin());
        let mut pressure = hand.pressure
            * (1.0 - press_wave.2 * (0.5 + 0.5 * (press_wave.0 * s + press_wave.1).sin()));
        if taper > 0.0 {
            let edge = s.min(total - s);
            if edge < taper {
                pressure *= 0.4 + 0.6 * edge / taper;
            }
        }
        if opts.gaps.iter().any(|&(g0, g1)| s >= g0 && s <= g1) {
            pressure = 0.0;
        }
        out.push(PenPoint {
            x: x + nx * off,
            y: y + ny * off,
            width: width.max(0.05),
            pressure: pressure.clamp(0.0, 1.0),
        });
    }
    out
}

/// Bounding box of a path in millimetres, widened by the line half-width.
pub(crate) fn bounds(path: &[PenPoint]) -> Option<(f64, f64, f64, f64)> {
    let first = path.first()?;
    let mut b = (first.x, first.y, first.x, first.y);
    let mut hw: f64 = 0.0;
    for p in path {
        b.0 = b.0.min(p.x);
        b.1 = b.1.min(p.y);
        b.2 = b.2.max(p.x);
        b.3 = b.3.max(p.y);
        hw = hw.max(p.width / 2.0);
    }
    Some((b.0 - hw, b.1 - hw, b.2 + hw, b.3 + hw))
}

/// Rasterizes one path at `k` pixels per millimetre into a coverage mask clipped to a
/// `rw × rh` raster. Segments are capsules with interpolated width and pressure;
/// coverage is anti-aliased over one pixel.
pub(crate) fn rasterize(path: &[PenPoint], k: f64, rw: usize, rh: usize) -> Option<Mask> {
    let (x0, y0, x1, y1) = bounds(path)?;
    let mut mask = Mask::over(
        x0 * k - 2.0,
        y0 * k - 2.0,
        x1 * k + 2.0,
        y1 * k + 2.0,
        rw,
        rh,
    )?;
    let single;
    let segs: &[PenPoint] = if path.len() == 1 {
        // A dot: one zero-length capsule.
        single = [path[0], path[0]];
        &single
    } else {
        path
    };
    for w in segs.windows(2) {
        let (p, q) = (w[0], w[1]);
        if p.pressure <= 0.0 && q.pressure <= 0.0 {
            continue;
        }
        let (ax, ay, bx, by) = (p.x * k, p.y * k, q.x * k, q.y * k);
        let (hw0, hw1) = (p.width * k / 2.0, q.width * k / 2.0);
        let reach = hw0.max(hw1) + 1.0;
        let (vx, vy) = (bx - ax, by - ay);
        let vv = vx * vx + vy * vy;
        let px0 = (ax.min(bx) - reach).floor() as i64;
        let px1 = (ax.max(bx) + reach).ceil() as i64;
        let py0 = (ay.min(by) - reach).floor() as i64;
        let py1 = (ay.max(by) + reach).ceil() as i64;
        for py in py0.max(mask.y0)..py1.min(mask.y0 + mask.h as i64) {
            let cy = py as f64 + 0.5;
            for px in px0.max(mask.x0)..px1.min(mask.x0 + mask.w as i64) {
                let cx = px as f64 + 0.5;
                let t = if vv > 1e-12 {
                    (((cx - ax) * vx + (cy - ay) * vy) / vv).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                let (ex, ey) = (cx - ax - t * vx, cy - ay - t * vy);
                // sqrt, not hypot: libm's hypot guards against overflow and is slow here.
                let d = (ex * ex + ey * ey).sqrt();
                let hw = hw0 + (hw1 - hw0) * t;
                // Lines thinner than a pixel stay one pixel wide but lighter.
                let cov = if hw >= 0.5 {
                    (hw + 0.5 - d).clamp(0.0, 1.0)
                } else {
                    (1.0 - d).clamp(0.0, 1.0) * 2.0 * hw
                };
                if cov > 0.0 {
                    let pr = p.pressure + (q.pressure - p.pressure) * t;
                    mask.max_at(px, py, (cov * pr) as f32);
                }
            }
        }
    }
    Some(mask)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    fn hand() -> Hand {
        Hand {
            width: 0.6,
            pressure: 1.0,
            wobble: 0.0,
        }
    }

    #[test]
    fn a_horizontal_line_covers_its_length_and_width() {
        let mut rng = StdRng::seed_from_u64(3);
        let path = hand_path(
            &mut rng,
            &hand(),
            |t| (10.0 + 20.0 * t, 5.0),
            &PathOpts::default(),
        );
        let k = 10.0; // 254 dpi
        let m = rasterize(&path, k, 400, 100).expect("on the raster");
        let at = |x: i64, y: i64| {
            let (lx, ly) = (x - m.x0, y - m.y0);
            if lx < 0 || ly < 0 || lx >= m.w as i64 || ly >= m.h as i64 {
                0.0
            } else {
                m.a[ly as usize * m.w + lx as usize]
            }
        };
        // Full ink along the centre row from x = 10 mm to 30 mm.
        for x in 101..299 {
            assert!(at(x, 49) > 0.5, "gap at x={x}");
        }
        // Nothing 1 mm away from the line.
        assert!(at(200, 40) == 0.0 && at(200, 60) == 0.0);
    }

    #[test]
    #[allow(clippy::float_cmp)] // no ink at all is exactly zero coverage
    fn gaps_leave_no_ink() {
        let mut rng = StdRng::seed_from_u64(3);
        let opts = PathOpts {
            taper_mm: 0.0,
            gaps: vec![(9.0, 10.5)],
        };
        let path = hand_path(&mut rng, &hand(), |t| (20.0 * t, 5.0), &opts);
        let m = rasterize(&path, 10.0, 400, 100).expect("on the raster");
        let at = |x: i64, y: i64| {
            let (lx, ly) = (x - m.x0, y - m.y0);
            if lx < 0 || ly < 0 || lx >= m.w as i64 || ly >= m.h as i64 {
                0.0
            } else {
                m.a[ly as usize * m.w + lx as usize]
            }
        };
        // Centre of the gap (9.75 mm) is clean, both sides are inked.
        assert_eq!(at(97, 49), 0.0);
        assert!(at(80, 49) > 0.5 && at(115, 49) > 0.5);
    }
}
