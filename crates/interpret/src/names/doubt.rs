//! Two ways a name's measure cannot be trusted, which make it doubtful:
//! isolated specks lining the letters (a dotted stroke: grainy pencil or a
//! skipping pen in a 1-bit scan, which the ink maps' speck filter removes),
//! and paper around the name as inked as a strike (a scan too noisy to read).

use super::NameTemplate;

/// Half-window for dotted strokes, columns (± 0.9 mm): dots of a grainy pencil or
/// a skipping pen in a 1-bit scan lie closer than this along the path.
const DOT_WINDOW: usize = 6;
/// A name with dots along this fraction of its width, and that much more than
/// the paper around it shows, is not plainly kept (issue 14: dotted pencil read
/// as kept; a pencil strike in a 1-bit scan showed dots along 40 % of the name
/// where the paper showed none).
const DOTTED_COVERAGE: f64 = 0.2;
/// How much more of the name than of the paper around it the dots must line.
const DOTTED_MARGIN: f64 = 0.15;
/// On paper that shows no specks at all (a 1-bit threshold scan, a clean grey
/// one), dots along this little of a name are already a hand's trace: untouched
/// names measured 0.000 there on both test worlds, while faint pencil strikes
/// in 1-bit scans left 0.03–0.18 (issue 14, fieldsim seeds 31 and 41).
const DOTTED_ON_CLEAN_PAPER: f64 = 0.02;
/// Paper with specks along less than this fraction of the width counts as clean.
const CLEAN_PAPER: f64 = 0.01;
/// Firm "ink" across this fraction of the name's width both above and below it
/// is the scan's noise, not a hand's: the name is doubtful, never struck.
const NOISY_COVERAGE: f64 = 0.5;

/// Whether firm ink (`strong`) crosses most of the name's width both above and below it.
pub(super) fn noisy(t: &NameTemplate, strong: &[bool], w: usize, hgt: usize) -> bool {
    let (c0, c1) = t.name_cols;
    let band = |(r0, r1): (usize, usize)| {
        let hit = (c0..c1)
            .filter(|&x| (r0..r1.min(hgt)).any(|y| strong[y * w + x]))
            .count();
        hit as f64 / (c1 - c0).max(1) as f64
    };
    let above = band((0, t.name_rows.0.saturating_sub(3)));
    let below = band(((t.name_rows.1 + 3).min(hgt), hgt));
    above.min(below) >= NOISY_COVERAGE
}

/// Whether isolated specks of ink (`ink`, no neighbour test) line the letters'
/// core along the name: a dotted stroke, which the ink maps' speck filter
/// removes. Compared with as many rows of paper above and below the name, so
/// scanner noise and dithering, which fall there too, do not count.
pub(super) fn dotted(t: &NameTemplate, w: usize, hgt: usize, ink: &impl Fn(usize) -> bool) -> bool {
    let (c0, c1) = t.name_cols;
    // The whole printed name's rows, not only the letters' core: a slanted
    // stroke runs from the core at one end to the baseline at the other
    // (issue 14: slanted pencil in a 1-bit scan read as kept).
    let rows = t.name_rows.1.saturating_sub(t.name_rows.0);
    let top = t.name_rows.0.saturating_sub(3);
    let coverage = |(r0, r1): (usize, usize)| -> f64 {
        let hit: Vec<bool> = (c0..c1)
            .map(|x| (r0..r1.min(hgt)).any(|y| ink(y * w + x)))
            .collect();
        let n = hit.len();
        let dotted = (0..n)
            .filter(|&k| {
                let window = k.saturating_sub(DOT_WINDOW)..(k + DOT_WINDOW + 1).min(n);
                hit[window].iter().filter(|&&b| b).count() >= 2
            })
            .count();
        dotted as f64 / n.max(1) as f64
    };
    let on_name = coverage(t.name_rows);
    let below = (t.name_rows.1 + 3).min(hgt);
    // The speckier of the paper above and below: dithering is patchy, and an
    // untouched name beside a patch must not be doubted for it (measured on
    // both test worlds: the cleaner side doubted five times more untouched names
    // and caught no more strikes).
    let paper = coverage((top.saturating_sub(rows), top)).max(coverage((below, below + rows)));
    (paper < CLEAN_PAPER && on_name >= DOTTED_ON_CLEAN_PAPER)
        || (on_name >= DOTTED_COVERAGE && on_name >= paper + DOTTED_MARGIN)
}
