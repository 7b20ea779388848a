//! Marks that are not strikes (rules.md §3): a line over the name through the
//! diacritics and the tops of the capitals, a line under it, are never read as
//! struck; strikes through the letters, level or slanted, are.

use super::*;
use crate::ballot::layout::DrawItem;

/// Cap top, x-height top and baseline of candidate `i`'s name, mm.
fn bands(layout: &BallotLayout, i: usize) -> (f64, f64, f64) {
    let c = &layout.candidates[i];
    let Some(DrawItem::Text(run)) = layout.items.get(c.item) else {
        panic!("name {i} is not a text item");
    };
    let cap_top = c.baseline_mm - run.style.cap_height_em() * run.size_mm;
    (cap_top, c.x_band_mm.top, c.baseline_mm)
}

/// Reads the example ballot with name 0 marked by a line from `(x0, y0)` to `(x1, y1)`
/// (offsets in mm from the name's left and right ends) and name 1 struck.
fn read_with_line(dpi: f32, y: impl Fn(f64, f64, f64) -> (f64, f64), width: f64) -> Reading {
    read_with_lines(dpi, |cap, xt, base| vec![y(cap, xt, base)], width)
}

/// As `read_with_line`, with every line `ys` gives from (cap top, x-height top, baseline).
fn read_with_lines(dpi: f32, ys: impl Fn(f64, f64, f64) -> Vec<(f64, f64)>, width: f64) -> Reading {
    let (election, key, interp, layout) = setup(EXAMPLE_ELECTION);
    let mut img = printed(&election, &key, &layout, dpi, 77);
    let (cap, xt, base) = bands(&layout, 0);
    let n = layout.candidates[0].name_mm;
    for (ya, yb) in ys(cap, xt, base) {
        stroke(
            &mut img,
            dpi,
            (n.x - 2.5, ya),
            (n.right() + 2.5, yb),
            width,
            [20, 40, 150],
        );
    }
    strike_name(&mut img, dpi, &layout, 1, [20, 40, 150]);
    stamp(&mut img, dpi, &layout);
    interp.interpret(&page(img, f64::from(dpi)))
}

fn state_of_first(r: &Reading) -> MarkState {
    r.scores.get("c1").map_or(MarkState::Doubtful, |s| s.state)
}

#[test]
fn an_overline_through_the_capitals_tops_is_never_struck() {
    for dpi in [200.0f32, 300.0] {
        for (dy, width) in [(0.0, 0.5), (0.25, 0.5), (0.15, 0.9)] {
            let r = read_with_line(dpi, |cap, _, _| (cap + dy, cap + dy), width);
            assert_ne!(
                state_of_first(&r),
                MarkState::Struck,
                "{dpi} dpi, +{dy} mm: {r:#?}"
            );
            assert_ne!(r.status, Status::Invalid, "{dpi} dpi, +{dy} mm: {r:#?}");
        }
    }
}

#[test]
fn an_underline_is_never_struck() {
    for dpi in [200.0f32, 300.0] {
        for dy in [0.1, 0.4] {
            let r = read_with_line(dpi, |_, _, base| (base + dy, base + dy), 0.5);
            assert_ne!(state_of_first(&r), MarkState::Struck, "{dpi} dpi: {r:#?}");
        }
    }
}

#[test]
fn a_double_strike_either_side_of_the_letters_middle_is_struck() {
    // Two lines a quarter em either side of the body's centre: one through the
    // capitals above the lowercase letters, one along their feet — each misses
    // the letters' core, together they cross the name (issue 14, fieldsim).
    for dpi in [200.0f32, 300.0] {
        let r = read_with_lines(
            dpi,
            |cap, xt, b| {
                let upper = f64::midpoint(cap, xt) + 0.2;
                let lower = b - 0.25;
                vec![(upper, upper), (lower, lower)]
            },
            0.4,
        );
        assert_eq!(state_of_first(&r), MarkState::Struck, "{dpi} dpi: {r:#?}");
    }
}

#[test]
fn an_overline_with_an_underline_is_never_struck() {
    for dpi in [200.0f32, 300.0] {
        for (above, below, width) in [(0.1, 0.4, 0.5), (0.0, 0.3, 0.5), (0.25, 0.5, 0.9)] {
            let r = read_with_lines(
                dpi,
                |cap, _, b| vec![(cap - above, cap - above), (b + below, b + below)],
                width,
            );
            let what = format!("{dpi} dpi, {above} mm above, {below} mm below, {width} mm");
            assert_ne!(state_of_first(&r), MarkState::Struck, "{what}: {r:#?}");
            assert_ne!(r.status, Status::Invalid, "{what}: {r:#?}");
        }
    }
}

/// A line's height at the name's two ends from (cap top, x-height top, baseline).
type LineAt = dyn Fn(f64, f64, f64) -> (f64, f64);

#[test]
fn level_and_slanted_strikes_through_the_letters_are_struck() {
    for dpi in [200.0f32, 300.0] {
        // Through the middle of the lowercase letters; high in them; slanted
        // from under the baseline on the left to the capitals' tops on the right.
        let lines: [(&str, Box<LineAt>); 3] = [
            (
                "middle",
                Box::new(|_, xt, b| (f64::midpoint(xt, b), f64::midpoint(xt, b))),
            ),
            ("high", Box::new(|_, xt, _| (xt + 0.35, xt + 0.35))),
            ("slanted", Box::new(|cap, _, b| (b + 0.2, cap))),
        ];
        for (what, y) in lines {
            let r = read_with_line(dpi, y, 0.5);
            assert_eq!(
                state_of_first(&r),
                MarkState::Struck,
                "{what}, {dpi} dpi: {r:#?}"
            );
        }
    }
}

/// Draws a path through `points`, mm, in blue ballpoint.
fn path(img: &mut RgbImage, dpi: f32, points: &[(f64, f64)], width: f64) {
    path_in(img, dpi, points, width, [20, 40, 150]);
}

/// Draws a path through `points`, mm, in `colour`.
fn path_in(img: &mut RgbImage, dpi: f32, points: &[(f64, f64)], width: f64, colour: [u8; 3]) {
    for w in points.windows(2) {
        stroke(img, dpi, w[0], w[1], width, colour);
    }
}

/// A handwritten "giữ" in blue ballpoint with its left edge at `x` and baseline `base`, mm.
fn giu(img: &mut RgbImage, dpi: f32, x: f64, base: f64) {
    giu_in(img, dpi, x, base, [20, 40, 150]);
}

/// A handwritten "giữ" in `colour` with its left edge at `x` and baseline `base`, mm (about 6 × 5 mm).
fn giu_in(img: &mut RgbImage, dpi: f32, x: f64, base: f64, colour: [u8; 3]) {
    let ring: Vec<(f64, f64)> = (0..=12)
        .map(|k| {
            let a = f64::from(k) / 12.0 * std::f64::consts::TAU;
            (x + 1.0 + 0.9 * a.cos(), base - 1.0 + 0.9 * a.sin())
        })
        .collect();
    path_in(img, dpi, &ring, 0.45, colour);
    path_in(
        img,
        dpi,
        &[
            (x + 1.9, base - 2.0),
            (x + 1.9, base + 1.4),
            (x + 1.2, base + 1.9),
            (x + 0.4, base + 1.5),
        ],
        0.45,
        colour,
    );
    path_in(
        img,
        dpi,
        &[(x + 3.0, base - 1.9), (x + 3.0, base)],
        0.45,
        colour,
    );
    path_in(
        img,
        dpi,
        &[(x + 3.0, base - 2.9), (x + 3.1, base - 2.8)],
        0.6,
        colour,
    );
    path_in(
        img,
        dpi,
        &[
            (x + 4.0, base - 1.9),
            (x + 4.1, base - 0.2),
            (x + 4.8, base),
            (x + 5.5, base - 0.4),
            (x + 5.6, base - 1.9),
            (x + 6.2, base - 2.3),
        ],
        0.45,
        colour,
    );
    path_in(
        img,
        dpi,
        &[
            (x + 4.0, base - 2.9),
            (x + 4.5, base - 3.4),
            (x + 5.0, base - 2.9),
            (x + 5.5, base - 3.3),
        ],
        0.45,
        colour,
    );
}

#[test]
fn a_word_written_beside_a_name_in_its_row_is_writing() {
    let (election, key, interp, layout) = setup(EXAMPLE_ELECTION);
    for (dpi, gap) in [(200.0f32, 3.0), (300.0, 6.0)] {
        let mut img = printed(&election, &key, &layout, dpi, 78);
        strike_name(&mut img, dpi, &layout, 0, [20, 40, 150]);
        let c = &layout.candidates[1];
        giu(&mut img, dpi, c.name_mm.right() + gap, c.baseline_mm);
        stamp(&mut img, dpi, &layout);
        let r = interp.interpret(&page(img, f64::from(dpi)));
        assert_ne!(r.status, Status::Valid, "{dpi} dpi, {gap} mm: {r:#?}");
        assert!(
            r.reasons.iter().any(|x| x == "extra_writing"),
            "{dpi} dpi: {r:#?}"
        );
    }
}

#[test]
fn a_light_pencil_word_beside_a_name_is_never_counted_as_nothing() {
    // fieldsim (issue 14): "giữ" in light pencil or a red pen in a grey scan is
    // fainter than the writing threshold; the page must go to the officials.
    let (election, key, interp, layout) = setup(EXAMPLE_ELECTION);
    for dpi in [200.0f32, 300.0] {
        let mut img = printed(&election, &key, &layout, dpi, 78);
        strike_name(&mut img, dpi, &layout, 0, [20, 40, 150]);
        let c = &layout.candidates[1];
        giu_in(
            &mut img,
            dpi,
            c.name_mm.right() + 4.0,
            c.baseline_mm,
            [170, 170, 170],
        );
        stamp(&mut img, dpi, &layout);
        let r = interp.interpret(&page(img, f64::from(dpi)));
        assert_ne!(r.status, Status::Valid, "{dpi} dpi: {r:#?}");
        assert_ne!(
            r.status,
            Status::Invalid,
            "{dpi} dpi, faint: doubtful, not decided: {r:#?}"
        );
    }
}

#[test]
fn a_steep_wavy_strike_through_the_letters_is_struck() {
    // fieldsim (issue 14): a wave from the capitals' tops to the baseline every
    // 3 mm passes behind letters at about 60°; hidden there, it is still one stroke.
    let (election, key, interp, layout) = setup(EXAMPLE_ELECTION);
    for dpi in [200.0f32, 300.0, 400.0] {
        let mut img = printed(&election, &key, &layout, dpi, 81);
        let n = layout.candidates[0].name_mm;
        let (cap, _, base) = bands(&layout, 0);
        let (mid, amp) = (f64::midpoint(cap, base), (base - cap) * 0.75);
        let wave: Vec<(f64, f64)> = (0..=((n.w + 4.0) / 0.25) as usize)
            .map(|k| {
                let x = n.x - 2.0 + k as f64 * 0.25;
                (x, mid + amp * (x / 2.2 * std::f64::consts::TAU).sin())
            })
            .collect();
        path(&mut img, dpi, &wave, 0.35);
        stamp(&mut img, dpi, &layout);
        let r = interp.interpret(&page(img, f64::from(dpi)));
        assert_eq!(state_of_first(&r), MarkState::Struck, "{dpi} dpi: {r:#?}");
    }
}

#[test]
fn a_strike_running_on_into_the_next_row_or_hooked_is_only_a_strike() {
    let (election, key, interp, layout) = setup(EXAMPLE_ELECTION);
    for dpi in [200.0f32, 300.0] {
        let mut img = printed(&election, &key, &layout, dpi, 79);
        let n = layout.candidates[0].name_mm;
        let (_, xt, base) = bands(&layout, 0);
        let y = f64::midpoint(xt, base);
        // Overshoots 10 mm past the name, drifting 7 mm down into the next row, then a hook.
        path(
            &mut img,
            dpi,
            &[
                (n.x - 6.0, y - 1.5),
                (n.right(), y + 0.5),
                (n.right() + 10.0, y + 7.0),
                (n.right() + 11.0, y + 5.5),
            ],
            0.5,
        );
        stamp(&mut img, dpi, &layout);
        let r = interp.interpret(&page(img, f64::from(dpi)));
        assert_eq!(r.status, Status::Valid, "{dpi} dpi: {r:#?}");
        assert_eq!(r.vote.as_deref(), Some("c2"));
    }
}

#[test]
fn a_dotted_stroke_through_a_name_is_not_plainly_kept() {
    // Grainy pencil in a 1-bit scan: specks 0.2 mm wide every 0.5 mm along the name.
    let (election, key, interp, layout) = setup(EXAMPLE_ELECTION);
    for dpi in [200.0f32, 300.0] {
        let mut img = printed(&election, &key, &layout, dpi, 80);
        let n = layout.candidates[0].name_mm;
        let (_, xt, base) = bands(&layout, 0);
        let y = f64::midpoint(xt, base);
        let mut x = n.x - 2.0;
        while x < n.right() + 2.0 {
            stroke(&mut img, dpi, (x, y), (x, y), 0.2, [0, 0, 0]);
            x += 0.5;
        }
        stamp(&mut img, dpi, &layout);
        let r = interp.interpret(&page(img, f64::from(dpi)));
        assert_ne!(state_of_first(&r), MarkState::Kept, "{dpi} dpi: {r:#?}");
        assert_ne!(r.status, Status::Invalid, "{dpi} dpi: {r:#?}");
    }
}

#[test]
fn a_sparse_slanted_dotted_stroke_on_clean_paper_is_not_plainly_kept() {
    // Pencil in a 1-bit threshold scan (fieldsim, issue 14): what survives of a
    // slanted strike is a dot every millimetre or so, running from the letters'
    // core at one end to the baseline at the other, on paper with no specks.
    let (election, key, interp, layout) = setup(EXAMPLE_ELECTION);
    for dpi in [150.0f32, 200.0, 300.0] {
        let mut img = printed(&election, &key, &layout, dpi, 80);
        let n = layout.candidates[0].name_mm;
        let (_, xt, base) = bands(&layout, 0);
        let (y0, y1) = (f64::midpoint(xt, base), base + 0.3);
        let (x0, x1) = (n.x - 1.0, n.right() + 1.0);
        let mut x = x0;
        while x < x1 {
            let y = y0 + (y1 - y0) * (x - x0) / (x1 - x0);
            stroke(&mut img, dpi, (x, y), (x, y), 0.2, [0, 0, 0]);
            x += 1.3;
        }
        stamp(&mut img, dpi, &layout);
        let r = interp.interpret(&page(img, f64::from(dpi)));
        assert_ne!(state_of_first(&r), MarkState::Kept, "{dpi} dpi: {r:#?}");
        assert_ne!(r.status, Status::Invalid, "{dpi} dpi: {r:#?}");
    }
}

#[test]
fn a_circle_a_tick_and_a_strike_of_the_first_word_do_not_strike() {
    let (election, key, interp, layout) = setup(EXAMPLE_ELECTION);
    let dpi = 200.0f32;
    let n = layout.candidates[0].name_mm;
    let (_, xt, base) = bands(&layout, 0);
    let mid = f64::midpoint(xt, base);
    let (cx, cy) = (n.x + n.w / 2.0, n.y + n.h / 2.0);
    let circle: Vec<(f64, f64)> = (0..=36)
        .map(|k| {
            let a = f64::from(k) / 36.0 * std::f64::consts::TAU;
            (
                cx + (n.w / 2.0 + 3.0) * a.cos(),
                cy + (n.h / 2.0 + 1.5) * a.sin(),
            )
        })
        .collect();
    let tick = vec![
        (n.right() + 3.0, mid - 0.5),
        (n.right() + 4.0, mid + 1.0),
        (n.right() + 6.5, mid - 2.5),
    ];
    // The first word of "Nguyễn Văn An" is about 45 % of the name.
    let first_word = vec![(n.x - 2.0, mid), (n.x + 0.4 * n.w, mid)];
    for (what, points) in [
        ("circle", circle),
        ("tick", tick),
        ("first word", first_word),
    ] {
        let mut img = printed(&election, &key, &layout, dpi, 81);
        path(&mut img, dpi, &points, 0.5);
        strike_name(&mut img, dpi, &layout, 1, [20, 40, 150]);
        stamp(&mut img, dpi, &layout);
        let r = interp.interpret(&page(img, f64::from(dpi)));
        assert_ne!(state_of_first(&r), MarkState::Struck, "{what}: {r:#?}");
        assert_ne!(r.status, Status::Invalid, "{what}: {r:#?}");
    }
}

#[test]
fn zig_zag_strikes_across_the_whole_body_are_struck() {
    let (election, key, interp, layout) = setup(EXAMPLE_ELECTION);
    let n = layout.candidates[0].name_mm;
    let (cap, _, base) = bands(&layout, 0);
    for dpi in [200.0f32, 300.0] {
        for (period, over) in [(2.0, 0.3), (3.0, 0.5), (4.0, 1.0)] {
            let mut points = Vec::new();
            let mut x = n.x - 2.0;
            let mut up = true;
            while x < n.right() + 2.0 {
                points.push((x, if up { cap - over } else { base + over }));
                up = !up;
                x += period / 2.0;
            }
            let mut img = printed(&election, &key, &layout, dpi, 82);
            path(&mut img, dpi, &points, 0.5);
            strike_name(&mut img, dpi, &layout, 1, [20, 40, 150]);
            stamp(&mut img, dpi, &layout);
            let r = interp.interpret(&page(img, f64::from(dpi)));
            assert_eq!(
                state_of_first(&r),
                MarkState::Struck,
                "{dpi} dpi, {period} mm: {r:#?}"
            );
        }
    }
}
