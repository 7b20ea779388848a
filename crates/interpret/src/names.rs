//! Stage 4: is each candidate's name struck, kept or doubtful (rules.md §3)?
//!
//! The scan of the name's region is compared with the blank ballot rendered
//! by the project itself: printed pixels (dilated for misregistration) are
//! masked, so only hand ink remains. A name is struck when hand ink crosses
//! the letters' body — baseline to cap height — along the whole name and
//! through every word; underlines, overlines and circles stay outside the body.
//!
//! "Body" is checked twice. The wide band (cap top to baseline) says whether
//! ink touches the letters at all: enough there and the name is no longer
//! plainly kept. The core band (the lowercase letters' x-height, trimmed at
//! both ends) says whether the stroke went *through* the name: a line drawn
//! through the diacritics and the tops of the capitals, or along the
//! baseline, never enters it, so it can make a name doubtful but not struck.

use super::geometry::{Homography, MmRect};
use super::profile::Profile;
use super::reading::NameScore;
use super::sample::{Patch, dilate, sample_luma};
use super::view::PageView;
use crate::rules::MarkState;

mod doubt;
mod hidden;

use hidden::{close_narrow_gaps, fill_gaps, hidden_course, longest_false_run};

/// Millimetres per pixel of the name measurements (≈ 169 dpi).
pub const NAME_STEP_MM: f64 = 0.15;
/// Local alignment search radius, pixels (± 1.2 mm).
const SHIFT: isize = 8;
/// Margin sampled around the tight name box, mm: strikes overshoot the name.
pub const NAME_MARGIN_X_MM: f64 = 4.0;
/// How far beyond the name's ends a stroke is followed, mm.
const OVERSHOOT_MM: f64 = 3.0;
/// Where a double strike's lines must run, measured from the body band's
/// rows (cap top − 0.3 mm .. baseline + 0.2 mm): the upper line 0.3 mm below
/// cap top (4 rows in), the lower above the baseline (1 row in). A line that
/// only touches the letters' tops or feet is an overline or an underline, and
/// the two together box the name, which is no strike (tests: an overline
/// 0.1 mm above the capitals with an underline 0.4 mm below the baseline).
const DOUBLE_TOP_ROWS: usize = 4;
/// See `DOUBLE_TOP_ROWS`.
const DOUBLE_BOTTOM_ROWS: usize = 1;
/// How much of the name each line of a double strike must cross in its band;
/// the whole crossing must still pass the profile's rules for a strike. Lower
/// than a single strike's coverage: where a line runs behind the letters the
/// band sees only its part between them (fieldsim: the lower lines crossed
/// 0.75–0.9 of their band, the union of both bands all of the name).
const DOUBLE_BAND_COVERAGE: f64 = 0.55;
/// Vertical margin, mm: room to see underlines and circles around the name.
pub const NAME_MARGIN_Y_MM: f64 = 3.0;

/// The blank ballot around one name, prepared once per election.
#[derive(Debug, Clone)]
pub struct NameTemplate {
    /// Candidate id.
    pub id: String,
    /// Tight box of the printed name, mm.
    pub name_mm: MmRect,
    /// The sampled region, mm.
    pub region: MmRect,
    /// Rendered blank ballot over the region.
    pub patch: Patch,
    /// Printed pixels, dilated by the print mask.
    pub mask: Vec<bool>,
    /// Where a stroke may pass unseen: the mask, and the narrow gaps of paper
    /// between two letters, where the ink maps' speck filter removes a thin
    /// stroke (too few neighbours beside the letters) so its absence proves nothing.
    pub hidden: Vec<bool>,
    /// Indices of clearly printed pixels, for local alignment.
    pub dark: Vec<usize>,
    /// Rows of the letters' body (cap top .. baseline), inclusive-exclusive.
    pub body_rows: (usize, usize),
    /// Rows of the letters' core: the x-height band without its top tenth and bottom quarter.
    pub core_rows: (usize, usize),
    /// Rows of the whole printed name (diacritics to descenders), for slanted strokes.
    pub name_rows: (usize, usize),
    /// Columns of the printed name.
    pub name_cols: (usize, usize),
    /// Column ranges of each word.
    pub words: Vec<(usize, usize)>,
}

impl NameTemplate {
    /// Prepares a name from its rendered region; `cap_top`, `x_top` (top of the
    /// lowercase letters) and `baseline` in mm.
    pub fn new(
        id: &str,
        name_mm: MmRect,
        (cap_top, x_top, baseline): (f64, f64, f64),
        patch: Patch,
        profile: &Profile,
    ) -> Self {
        let (w, h) = (patch.w, patch.h);
        let printed: Vec<bool> = patch.data.iter().map(|&v| v < 200).collect();
        let r = (profile.print_mask_mm / NAME_STEP_MM).ceil() as usize;
        let mask = dilate(&printed, w, h, r);
        let hidden = close_narrow_gaps(&mask, w);
        let dark = patch
            .data
            .iter()
            .enumerate()
            .filter(|(_, v)| **v < 128)
            .map(|(i, _)| i)
            .collect();
        let region = MmRect::new(
            patch.origin.x,
            patch.origin.y,
            w as f64 * patch.step,
            h as f64 * patch.step,
        );
        let to_col = |x: f64| (((x - region.x) / NAME_STEP_MM).round().max(0.0) as usize).min(w);
        let to_row = |y: f64| (((y - region.y) / NAME_STEP_MM).round().max(0.0) as usize).min(h);
        // 0.3 mm of slack: strikes through the top of capitals or along the baseline still cross the letters.
        let body_rows = (
            to_row(cap_top - 0.3),
            to_row(baseline + 0.2).max(to_row(cap_top - 0.3) + 1),
        );
        // Inside the x-height, away from where over- and underlines run: the
        // top tenth (an overline drawn low over the capitals) and the bottom
        // quarter (an underline touching the letters' feet) are left out.
        let x_h = (baseline - x_top).max(0.4);
        let core_top = to_row(x_top + 0.1 * x_h);
        let core_rows = (core_top, to_row(baseline - 0.25 * x_h).max(core_top + 1));
        let name_cols = (
            to_col(name_mm.x),
            to_col(name_mm.right()).max(to_col(name_mm.x) + 1),
        );
        let name_rows = (
            to_row(name_mm.y - 0.3),
            to_row(name_mm.bottom() + 0.3).max(to_row(name_mm.y) + 1),
        );
        let words = split_words(&patch, body_rows, name_cols, (baseline - cap_top).max(0.5));
        NameTemplate {
            id: id.to_string(),
            name_mm,
            region,
            patch,
            mask,
            hidden,
            dark,
            body_rows,
            core_rows,
            name_rows,
            name_cols,
            words,
        }
    }
}

/// Word column ranges: printed columns separated by gaps wider than a quarter of the cap height.
fn split_words(
    patch: &Patch,
    rows: (usize, usize),
    cols: (usize, usize),
    cap_mm: f64,
) -> Vec<(usize, usize)> {
    let min_gap = ((0.25 * cap_mm) / NAME_STEP_MM).ceil().max(2.0) as usize;
    let inked: Vec<bool> = (cols.0..cols.1)
        .map(|x| (rows.0..rows.1).any(|y| patch.at(x as isize, y as isize) < 160))
        .collect();
    let mut words = Vec::new();
    let mut start: Option<usize> = None;
    let mut gap = 0;
    for (i, &ink) in inked.iter().enumerate() {
        if ink {
            if start.is_none() {
                start = Some(i);
            }
            gap = 0;
        } else if let Some(s) = start {
            gap += 1;
            if gap == min_gap {
                words.push((cols.0 + s, cols.0 + i + 1 - gap));
                start = None;
            }
        }
    }
    if let Some(s) = start {
        words.push((cols.0 + s, cols.0 + inked.len() - gap));
    }
    if words.is_empty() {
        words.push(cols);
    }
    words
}

/// Local alignment: the shift that puts the most scan darkness under printed
/// pixels; coarse to fine (steps 4, 2, 1 px), the coarse steps on a subsample.
/// `at(x, y, dx, dy)` is the scan's grey under template pixel (x, y) shifted.
fn align(t: &NameTemplate, at: &impl Fn(isize, isize, isize, isize) -> u32) -> (isize, isize) {
    let w = t.patch.w;
    let score = |dx: isize, dy: isize, stride: usize| -> u64 {
        t.dark
            .iter()
            .step_by(stride)
            .map(|&i| 255 - u64::from(at((i % w) as isize, (i / w) as isize, dx, dy)))
            .sum()
    };
    let mut best = (0isize, 0isize, score(0, 0, 3));
    for dy in (-SHIFT..=SHIFT).step_by(4) {
        for dx in (-SHIFT..=SHIFT).step_by(4) {
            let v = score(dx, dy, 3);
            if v > best.2 {
                best = (dx, dy, v);
            }
        }
    }
    for step in [2isize, 1] {
        let (cx, cy) = (best.0, best.1);
        best.2 = score(cx, cy, 1);
        for dy in [cy - step, cy, cy + step] {
            for dx in [cx - step, cx, cx + step] {
                if dx.abs() <= SHIFT && dy.abs() <= SHIFT && (dx, dy) != (cx, cy) {
                    let v = score(dx, dy, 1);
                    if v > best.2 {
                        best = (dx, dy, v);
                    }
                }
            }
        }
    }
    (best.0, best.1)
}

/// Measures one name on a registered scan.
pub fn measure(
    page: &PageView<'_>,
    h: &Homography,
    t: &NameTemplate,
    white: f64,
    profile: &Profile,
) -> NameScore {
    let s = SHIFT as f64 * NAME_STEP_MM;
    let grown = MmRect::new(
        t.region.x - s,
        t.region.y - s,
        t.region.w + 2.0 * s,
        t.region.h + 2.0 * s,
    );
    let scan = sample_luma(page, h, grown, NAME_STEP_MM);
    let (w, hgt) = (t.patch.w, t.patch.h);
    let sw = scan.w as isize;
    let at = |x: isize, y: isize, dx: isize, dy: isize| -> u32 {
        let (sx, sy) = (x + SHIFT + dx, y + SHIFT + dy);
        if sx < 0 || sy < 0 || sx >= sw || sy >= scan.h as isize {
            255
        } else {
            u32::from(scan.data[(sy * sw + sx) as usize])
        }
    };
    let (dx, dy) = align(t, &at);

    // Local paper white: the region is mostly paper; never trust a darker estimate than the page's.
    let local_white = f64::from(scan.percentile(0.9)).max(white * 0.85);
    let pixel = |i: usize| at((i % w) as isize, (i / w) as isize, dx, dy);
    // Firm ink decides "struck"; faint ink (light pressure, pale pens, washed-out
    // scans) only stops a name from being called "kept" without a doubt.
    let strong = ink_map(
        w,
        hgt,
        &t.mask,
        (local_white * profile.ink_fraction_of_white) as u32,
        2,
        (0, hgt),
        pixel,
    );
    // Faint ink only matters where the crossing is measured: the name's rows.
    let faint_threshold = (local_white * profile.faint_ink_fraction_of_white) as u32;
    let faint = ink_map(
        w,
        hgt,
        &t.mask,
        faint_threshold,
        3,
        (
            t.name_rows.0.saturating_sub(1),
            (t.name_rows.1 + 1).min(hgt),
        ),
        pixel,
    );
    // Two bands: the letters' body (cap top to baseline) and the whole printed
    // name (diacritics to descenders). A strike crosses the whole name; a slanted
    // one may leave the body near its ends but still runs through most of it,
    // while underlines and overlines never enter the body at all.
    let (covered, ink_body) = crossing(t, &strong, t.name_rows, w, hgt, profile);
    let (in_body, _) = crossing(t, &strong, t.body_rows, w, hgt, profile);
    let (faint_covered, _) = crossing(t, &faint, t.name_rows, w, hgt, profile);
    let (faint_body, _) = crossing(t, &faint, t.body_rows, w, hgt, profile);
    let (in_core, _) = crossing(t, &strong, t.core_rows, w, hgt, profile);
    let c0 = t.name_cols.0;
    let fraction = |v: &[bool]| v.iter().filter(|&&c| c).count() as f64 / v.len().max(1) as f64;
    let coverage = fraction(&covered);
    let body_coverage = fraction(&in_body);
    let core_coverage = fraction(&in_core);
    let faint_coverage = fraction(&faint_body);
    let total_ink = strong.iter().filter(|&&b| b).count();
    let word_coverage: Vec<f64> = t
        .words
        .iter()
        .map(|&(a, b)| {
            // Firm or faint ink both show the stroke reaching through a word
            // (strokes thin out where the pen lifts at the end).
            let range =
                a.saturating_sub(c0).min(covered.len())..b.saturating_sub(c0).min(covered.len());
            let n = range.len();
            if n == 0 {
                0.0
            } else {
                range.filter(|&k| covered[k] || faint_covered[k]).count() as f64 / n as f64
            }
        })
        .collect();
    // A stretch drawn with less pressure is still the same stroke: gaps count
    // only where neither firm nor faint ink crosses.
    let continuous: Vec<bool> = covered
        .iter()
        .zip(&faint_covered)
        .map(|(a, b)| *a || *b)
        .collect();
    let longest_gap = longest_false_run(&continuous) as f64 * NAME_STEP_MM;
    let min_word = word_coverage.iter().copied().fold(1.0f64, f64::min);

    // Firm ink must cross most of the letters' body; lighter stretches of the
    // same stroke (less pressure) complete the crossing of the whole name.
    let crossed = fraction(&continuous);
    let noisy = doubt::noisy(t, &strong, w, hgt);
    let state = if noisy {
        MarkState::Doubtful
    } else if crossed >= profile.struck_coverage
        && body_coverage >= profile.struck_body_coverage
        && (core_coverage >= profile.struck_core_coverage
            || double_strike(t, &strong, w, hgt, profile))
        && min_word >= profile.struck_word_coverage
        && longest_gap <= profile.struck_max_gap_mm
    {
        MarkState::Struck
    } else if body_coverage <= profile.kept_coverage
        && faint_coverage <= profile.kept_coverage
        && !doubt::dotted(t, w, hgt, &|i| !t.mask[i] && pixel(i) < faint_threshold)
    {
        MarkState::Kept
    } else {
        MarkState::Doubtful
    };
    let px_area = NAME_STEP_MM * NAME_STEP_MM;
    NameScore {
        state,
        coverage: round3(coverage),
        body_coverage: round3(body_coverage),
        faint_coverage: round3(faint_coverage),
        word_coverage: word_coverage.into_iter().map(round3).collect(),
        longest_gap_mm: round3(longest_gap),
        ink_mm2: round3(ink_body as f64 * px_area),
        ink_around_mm2: round3((total_ink - ink_body) as f64 * px_area),
        shift_mm: (
            round3(dx as f64 * NAME_STEP_MM),
            round3(dy as f64 * NAME_STEP_MM),
        ),
    }
}

/// Pixels of `rows` darker than `threshold` and not printed, each with at least
/// `neighbours` such pixels around it (isolated specks are noise or JPEG ringing).
fn ink_map(
    w: usize,
    h: usize,
    mask: &[bool],
    threshold: u32,
    neighbours: u32,
    rows: (usize, usize),
    pixel: impl Fn(usize) -> u32,
) -> Vec<bool> {
    let (r0, r1) = (rows.0 * w, rows.1.min(h) * w);
    let raw: Vec<bool> = (0..w * h)
        .map(|i| i >= r0 && i < r1 && !mask[i] && pixel(i) < threshold)
        .collect();
    (0..w * h)
        .map(|i| {
            if !raw[i] {
                return false;
            }
            let (x, y) = (i % w, i / w);
            let mut n = 0;
            for ny in y.saturating_sub(1)..=(y + 1).min(h - 1) {
                for nx in x.saturating_sub(1)..=(x + 1).min(w - 1) {
                    if (nx, ny) != (x, y) && raw[ny * w + nx] {
                        n += 1;
                    }
                }
            }
            n >= neighbours
        })
        .collect()
}

/// Whether two lines cross the name, one above the letters' core and one
/// below it, each inside the letters (cap top to just above the baseline): a
/// double strike drawn around the middle of the name (issue 14: fieldsim's
/// double strikes, their lines 0.25 em either side of the body's centre, all
/// missed the core and waited for the officials). An overline and an
/// underline hugging the name stay outside these bands, and a circle enters
/// them only near the name's ends.
fn double_strike(t: &NameTemplate, strong: &[bool], w: usize, hgt: usize, p: &Profile) -> bool {
    let inside = |r: usize| r.clamp(t.body_rows.0, t.body_rows.1);
    let upper = (
        inside(t.body_rows.0 + DOUBLE_TOP_ROWS),
        inside(t.core_rows.0),
    );
    let lower = (
        inside(t.core_rows.1),
        inside(t.body_rows.1.saturating_sub(DOUBLE_BOTTOM_ROWS)),
    );
    if upper.0 >= upper.1 || lower.0 >= lower.1 {
        return false;
    }
    let fraction = |v: &[bool]| v.iter().filter(|&&c| c).count() as f64 / v.len().max(1) as f64;
    let (in_upper, _) = crossing(t, strong, upper, w, hgt, p);
    let (in_lower, _) = crossing(t, strong, lower, w, hgt, p);
    fraction(&in_upper).min(fraction(&in_lower)) >= DOUBLE_BAND_COVERAGE
}

/// Which columns of the name hand ink crosses through the letters' body, with
/// hidden stretches bridged; and how many ink pixels lie in the body.
fn crossing(
    t: &NameTemplate,
    ink: &[bool],
    rows: (usize, usize),
    w: usize,
    hgt: usize,
    profile: &Profile,
) -> (Vec<bool>, usize) {
    let (r0, r1) = rows;
    let (c0, c1) = t.name_cols;
    let r1 = r1.min(hgt);
    // Look a little beyond the name: a stroke that overshoots anchors the bridging
    // over the first and last letters' stems, which print hides.
    let ext = (OVERSHOOT_MM / NAME_STEP_MM).round() as usize;
    let (e0, e1) = (c0.saturating_sub(ext), (c1 + ext).min(w));
    let mut covered = vec![false; e1 - e0];
    let mut ink_body = 0usize;
    for (k, x) in (e0..e1).enumerate() {
        let n = (r0..r1).filter(|&y| ink[y * w + x]).count();
        if n > 0 {
            covered[k] = true;
            if (c0..c1).contains(&x) {
                ink_body += n;
            }
        }
    }
    // Where the stroke runs over printed letters it cannot be seen (black on black).
    // A gap is bridged when it is short (a pen lift), or when a stroke leaving the
    // visible ink on one side could run hidden under print all the way to the ink
    // on the other side: a hand-drawn strike wanders up and down (wavy, tremor),
    // so the hidden course may drift by up to one pixel per column (45°), but
    // wherever clean paper blocks every such course the stroke would have been
    // seen, so it is not there.
    let bridge = (profile.stroke_gap_bridge_mm / NAME_STEP_MM).round() as usize;
    let band = (r0.saturating_sub(2), (r1 + 2).min(hgt));
    let ink_rows = |x: usize| (r0..r1).filter(move |&y| ink[y * w + x]);
    fill_gaps(&mut covered, bridge, |from, to, entry, exit| {
        let cols: Vec<usize> = if entry < from {
            (from..to).map(|k| e0 + k).collect()
        } else {
            (from..to).rev().map(|k| e0 + k).collect()
        };
        let exit_rows: Option<Vec<usize>> = exit.map(|k| ink_rows(e0 + k).collect());
        hidden_course(
            &t.hidden,
            w,
            band,
            &cols,
            ink_rows(e0 + entry),
            exit_rows.as_deref(),
        )
    });
    (covered[c0 - e0..c1 - e0].to_vec(), ink_body)
}

/// Rounds to three decimals, for stable JSON.
pub fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}
