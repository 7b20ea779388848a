//! Strikes ink what they claim and spare what they must.

use super::*;

#[test]
fn full_strikes_ink_every_column_of_the_name() {
    let e = three();
    let l = layout(&e);
    let k = key();
    let g = Generator::new(&e, &l, &k).expect("generator");
    for (i, style) in StrikeStyle::ALL.into_iter().enumerate() {
        for seed in 0..3u64 {
            let marks = vec![MarkSpec::Strike { style }; 3];
            let b = g
                .render(&exact(&e, marks, seed * 31 + i as u64))
                .expect("page");
            let (ink, kpx) = new_ink(&b, &l);
            for cand in &l.candidates {
                let r = cand.name_mm;
                let cols = inked_columns(&ink, kpx, r.x + 0.2, r.right() - 0.2, r.y, r.bottom());
                let gap_px = longest_false_run(&cols);
                // Dashed strikes may leave pressure gaps of up to 1.5 mm; others none.
                let allowed = if style == StrikeStyle::Dashed {
                    (1.5 * kpx).ceil() as usize
                } else {
                    0
                };
                assert!(
                    gap_px <= allowed,
                    "{style:?} seed {seed} {}: {gap_px} px without ink",
                    cand.id
                );
                if matches!(
                    style,
                    StrikeStyle::Straight | StrikeStyle::Double | StrikeStyle::Dashed
                ) {
                    // Through the text band, not above or below the letters.
                    let band = &cand.x_band_mm;
                    let in_band =
                        inked_columns(&ink, kpx, r.x + 0.2, r.right() - 0.2, band.top, band.bottom);
                    assert!(
                        longest_false_run(&in_band) <= allowed,
                        "{style:?} leaves the band"
                    );
                }
            }
            assert_eq!(
                b.truth
                    .candidates
                    .iter()
                    .filter(|c| c.expect == Expect::Struck)
                    .count(),
                3
            );
        }
    }
}

#[test]
fn kept_and_non_striking_marks_leave_the_name_box_clean() {
    let e = three();
    let l = layout(&e);
    let k = key();
    let g = Generator::new(&e, &l, &k).expect("generator");
    for mark in [
        MarkSpec::Keep,
        MarkSpec::Underline,
        MarkSpec::Overline,
        MarkSpec::Circle,
        MarkSpec::Tick,
    ] {
        for seed in 0..4 {
            let b = g.render(&exact(&e, vec![mark; 3], seed)).expect("page");
            let (ink, kpx) = new_ink(&b, &l);
            for cand in &l.candidates {
                let n = count_in(&ink, kpx, &cand.name_mm);
                assert_eq!(n, 0, "{mark:?} seed {seed} put ink in {}", cand.id);
            }
            if mark == MarkSpec::Keep {
                assert_eq!(
                    ink.new.pixels().filter(|p| p.0[0] == 1).count(),
                    0,
                    "Keep draws nothing"
                );
            } else {
                assert!(
                    ink.new.pixels().filter(|p| p.0[0] == 1).count() > 50,
                    "{mark:?} draws something"
                );
            }
            assert!(b.truth.candidates.iter().all(|c| c.expect == Expect::Kept));
        }
    }
}

#[test]
fn partial_strikes_stop_before_the_other_words() {
    let e = three();
    let l = layout(&e);
    let k = key();
    let g = Generator::new(&e, &l, &k).expect("generator");
    let sheet = crate::sheet::Sheet::from_layout(&l).expect("sheet");
    for part in [
        NamePart::Surname,
        NamePart::GivenName,
        NamePart::SurnameAndMiddle,
    ] {
        for seed in 0..4 {
            let b = g
                .render(&exact(
                    &e,
                    vec![MarkSpec::PartialStrike { words: part }; 3],
                    seed,
                ))
                .expect("page");
            let (ink, kpx) = new_ink(&b, &l);
            for (cand, geom) in l.candidates.iter().zip(&sheet.names) {
                let n = geom.words.len();
                let (struck, clean): (Vec<usize>, Vec<usize>) = match part {
                    NamePart::Surname => (vec![0], (1..n).collect()),
                    NamePart::GivenName => (vec![n - 1], (0..n - 1).collect()),
                    NamePart::SurnameAndMiddle => ((0..n - 1).collect(), vec![n - 1]),
                };
                let r = cand.name_mm;
                for w in struck {
                    let (a, z) = geom.words[w];
                    let cols = inked_columns(&ink, kpx, a + 0.2, z - 0.2, r.y, r.bottom());
                    assert_eq!(
                        longest_false_run(&cols),
                        0,
                        "{part:?}: word {w} of {} not fully struck",
                        cand.id
                    );
                }
                for w in clean {
                    let (a, z) = geom.words[w];
                    let word = MmRect::new(a, r.y, z - a, r.h);
                    assert_eq!(
                        count_in(&ink, kpx, &word),
                        0,
                        "{part:?}: ink on word {w} of {}",
                        cand.id
                    );
                }
            }
            assert!(b.truth.candidates.iter().all(|c| c.expect == Expect::Kept));
        }
    }
}

#[test]
fn all_but_last_letter_spares_the_last_letter_and_is_either() {
    let e = three();
    let l = layout(&e);
    let k = key();
    let g = Generator::new(&e, &l, &k).expect("generator");
    let sheet = crate::sheet::Sheet::from_layout(&l).expect("sheet");
    let mark = MarkSpec::Borderline {
        kind: Borderline::AllButLastLetter,
    };
    for seed in 0..4 {
        let b = g.render(&exact(&e, vec![mark; 3], seed)).expect("page");
        let (ink, kpx) = new_ink(&b, &l);
        for (cand, geom) in l.candidates.iter().zip(&sheet.names) {
            let r = cand.name_mm;
            // The right half of the last letter is untouched; the first letters are struck.
            let last = MmRect::new(
                f64::midpoint(geom.last_letter_x, r.right()) + 0.3,
                r.y,
                r.right(),
                r.h,
            );
            assert_eq!(
                count_in(&ink, kpx, &last),
                0,
                "{}: last letter struck",
                cand.id
            );
            let first = inked_columns(&ink, kpx, r.x + 0.2, geom.words[0].1 - 0.2, r.y, r.bottom());
            assert_eq!(longest_false_run(&first), 0);
        }
        assert!(
            b.truth
                .candidates
                .iter()
                .all(|c| c.expect == Expect::Either)
        );
    }
}
