//! Strokes that run unseen behind the printed letters (black on black): where
//! a stroke could pass hidden, and the bridging of a crossing's gaps through it.

/// Rows a stroke hidden under print may climb or fall per column: 2 (about 63°)
/// lets the steep flanks of a wavy or zig-zag strike pass behind a letter,
/// which at 1 (45°) left 2–3 mm "gaps" in plain strikes (issue 14, fieldsim).
const HIDDEN_DRIFT: usize = 2;

/// Widest run of paper between two masked pixels of a row that a stroke may
/// cross unseen, px (0.3 mm): the ink map keeps a pixel only with two inked
/// neighbours, which a thin stroke through a 1–2 px gap lacks (issue 14:
/// fieldsim strikes left 2.85 mm "gaps" where a one-column gap separated "ề"
/// from "n" in "Huyền").
const NARROW_GAP_PX: usize = 2;

/// `mask` with every horizontal run of unmasked pixels of at most
/// `NARROW_GAP_PX` between two masked pixels filled.
pub(super) fn close_narrow_gaps(mask: &[bool], w: usize) -> Vec<bool> {
    let mut out = mask.to_vec();
    for row in out.chunks_mut(w.max(1)) {
        let mut last_masked: Option<usize> = None;
        for x in 0..row.len() {
            // Only pixels behind `x` are filled, so `row[x]` is still the mask's.
            if row[x] {
                if let Some(l) = last_masked {
                    if x > l + 1 && x - l - 1 <= NARROW_GAP_PX {
                        row[l + 1..x].iter_mut().for_each(|v| *v = true);
                    }
                }
                last_masked = Some(x);
            }
        }
    }
    out
}

/// Whether a stroke could run hidden under print (`mask`) through the columns
/// `cols`, in order: it enters from the ink rows `entry` of the column before,
/// moves at most one row per column within the rows `band`, and, when `exit`
/// is given, ends next to one of those ink rows of the column after.
pub(super) fn hidden_course(
    mask: &[bool],
    w: usize,
    band: (usize, usize),
    cols: &[usize],
    entry: impl Iterator<Item = usize>,
    exit: Option<&[usize]>,
) -> bool {
    let (b0, b1) = band;
    if b1 <= b0 {
        return false;
    }
    let n = b1 - b0;
    // Rows within 2 px (0.3 mm) of visible ink connect to it: stroke width and blur.
    let mut reach = vec![false; n];
    for y in entry {
        for yy in y.saturating_sub(2)..=(y + 2) {
            if (b0..b1).contains(&yy) {
                reach[yy - b0] = true;
            }
        }
    }
    let mut next = vec![false; n];
    for &x in cols {
        let mut any = false;
        for (r, slot) in next.iter_mut().enumerate() {
            let from =
                (r.saturating_sub(HIDDEN_DRIFT)..=(r + HIDDEN_DRIFT).min(n - 1)).any(|q| reach[q]);
            *slot = from && mask[(b0 + r) * w + x];
            any |= *slot;
        }
        if !any {
            return false;
        }
        std::mem::swap(&mut reach, &mut next);
    }
    match exit {
        None => true,
        Some(rows) => rows.iter().any(|&y| {
            (y.saturating_sub(3)..=y + 3).any(|yy| (b0..b1).contains(&yy) && reach[yy - b0])
        }),
    }
}

/// Fills runs of `false` that have `true` on both sides when they are no longer
/// than `max`, or when `hidden(from, to, entry, Some(exit))` says the stroke
/// could run unseen from column `entry` through `from..to` to column `exit`;
/// and runs at either end no longer than `max` for which `hidden(from, to,
/// inner, None)` holds (`inner`: the ink column next to the run).
pub fn fill_gaps(
    v: &mut [bool],
    max: usize,
    hidden: impl Fn(usize, usize, usize, Option<usize>) -> bool,
) {
    let mut i = 0;
    while i < v.len() {
        if v[i] {
            i += 1;
            continue;
        }
        let start = i;
        while i < v.len() && !v[i] {
            i += 1;
        }
        if start == 0 || i >= v.len() {
            // A stroke may end exactly at the name's edge, where the first or last
            // letter's stem hides it: bridge a short edge run that print hides all along.
            let inner = if start == 0 { i } else { start - 1 };
            let short = i - start <= max;
            if short && inner < v.len() && v[inner] && hidden(start, i, inner, None) {
                v[start..i].iter_mut().for_each(|b| *b = true);
            }
            continue;
        }
        let short = i - start <= max;
        if short || hidden(start, i, start - 1, Some(i)) {
            v[start..i].iter_mut().for_each(|b| *b = true);
        }
    }
}

pub(super) fn longest_false_run(v: &[bool]) -> usize {
    let (mut best, mut run) = (0, 0);
    for &b in v {
        run = if b { 0 } else { run + 1 };
        best = best.max(run);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrow_paper_between_letters_may_hide_a_stroke() {
        // Gaps of 1 and 2 px between masked pixels close; 3 px and the row's ends stay paper.
        let row = [
            false, true, false, true, false, false, true, false, false, false, true, false,
        ];
        let closed = close_narrow_gaps(&row, row.len());
        let want = [
            false, true, true, true, true, true, true, false, false, false, true, false,
        ];
        assert_eq!(closed, want);
    }

    #[test]
    fn bridging_fills_only_short_inner_gaps() {
        let mut v = vec![
            false, true, false, false, true, false, false, false, true, false,
        ];
        fill_gaps(&mut v, 2, |_, _, _, _| false);
        assert_eq!(
            v,
            vec![
                false, true, true, true, true, false, false, false, true, false
            ]
        );
        assert_eq!(longest_false_run(&v), 3);
        // A long gap is bridged where the stroke could run hidden; not elsewhere.
        let mut v = vec![true, false, false, false, false, true];
        fill_gaps(&mut v, 1, |from, to, entry, exit| {
            (from, to, entry, exit) == (1, 5, 0, Some(5))
        });
        assert!(v.iter().all(|&b| b));
        let mut v = vec![true, false, false, false, false, true];
        fill_gaps(&mut v, 1, |_, _, _, _| false);
        assert_eq!(v, vec![true, false, false, false, false, true]);
    }

    /// A 10 × 6 mask: a hidden course must follow masked pixels, drifting at most one row per column.
    #[test]
    fn hidden_course_follows_print_with_bounded_drift() {
        let w = 10;
        let mut mask = vec![false; w * 12];
        // A diagonal band of print from row 2 (column 1) down to row 6 (column 5).
        for (x, y) in [(1, 2), (2, 3), (3, 4), (4, 5), (5, 6)] {
            mask[y * w + x] = true;
        }
        let cols = [1, 2, 3, 4, 5];
        assert!(hidden_course(
            &mask,
            w,
            (0, 12),
            &cols,
            [2].into_iter(),
            Some(&[7])
        ));
        // Far from the exit ink: no.
        assert!(!hidden_course(
            &mask,
            w,
            (0, 12),
            &cols,
            [2].into_iter(),
            Some(&[11])
        ));
        // Entering far from the print: no.
        assert!(!hidden_course(
            &mask,
            w,
            (0, 12),
            &cols,
            [9].into_iter(),
            None
        ));
        // A jump of two rows in one column is too steep.
        mask[3 * w + 2] = false;
        mask[5 * w + 2] = true;
        mask[4 * w + 3] = false;
        mask[7 * w + 3] = true;
        assert!(!hidden_course(
            &mask,
            w,
            (0, 12),
            &cols,
            [2].into_iter(),
            None
        ));
    }
}
