//! The seal, extra writing and box marks land where they belong.

use super::*;

#[test]
fn seal_is_red_over_the_stamp_area_and_absent_when_absent() {
    let e = example();
    let l = layout(&e);
    let k = key();
    let g = Generator::new(&e, &l, &k).expect("generator");
    let red_in_stamp = |stamp: StampSpec, seed: u64| {
        let spec = BallotSpec {
            stamp,
            scan: ScanSpec {
                colour: ColourMode::Rgb,
                ..ScanSpec::clean(150)
            },
            ..BallotSpec::clean(&e, Serial(9), 150, seed)
        };
        let b = g.render(&spec).expect("page");
        let rgb = b.image.to_rgb8();
        let kpx = 150.0 / 25.4;
        let s = l.stamp_mm;
        let mut red = 0usize;
        for y in (s.y * kpx) as u32..(s.bottom() * kpx) as u32 {
            for x in (s.x * kpx) as u32..(s.right() * kpx) as u32 {
                let [r, gg, bb] = rgb.get_pixel(x, y).0;
                if i32::from(r) - i32::from(gg) > 60 && i32::from(r) - i32::from(bb) > 50 {
                    red += 1;
                }
            }
        }
        (red, b.truth)
    };
    for seed in 0..3 {
        let (present, truth) = red_in_stamp(StampSpec::Present, seed);
        assert!(present > 800, "seal has {present} red pixels");
        assert_eq!(truth.stamp_expect, Presence::Present);
        let (absent, truth) = red_in_stamp(StampSpec::Absent, seed);
        assert_eq!(absent, 0);
        assert_eq!(truth.stamp_expect, Presence::Absent);
        let (faint, truth) = red_in_stamp(StampSpec::Faint, seed);
        assert!(faint < present, "faint {faint} vs {present}");
        assert_eq!(truth.stamp_expect, Presence::Either);
    }
}

#[test]
fn extra_writing_lands_away_from_names_and_seal() {
    let e = three();
    let l = layout(&e);
    let k = key();
    let g = Generator::new(&e, &l, &k).expect("generator");
    for extra in [
        ExtraWriting::Note,
        ExtraWriting::Signature,
        ExtraWriting::AddedName,
    ] {
        for seed in 0..4 {
            let spec = BallotSpec {
                extra,
                ..exact(&e, vec![MarkSpec::Keep; 3], seed)
            };
            let b = g.render(&spec).expect("page");
            let (ink, kpx) = new_ink(&b, &l);
            let total = ink.new.pixels().filter(|p| p.0[0] == 1).count();
            assert!(total > 100, "{extra:?}: {total} ink pixels");
            for cand in &l.candidates {
                assert_eq!(
                    count_in(&ink, kpx, &cand.name_mm),
                    0,
                    "{extra:?} over a name"
                );
            }
            assert_eq!(
                count_in(&ink, kpx, &l.qr.quiet_mm),
                0,
                "{extra:?} over the QR"
            );
            assert_eq!(b.truth.extra_expect, Presence::Present);
            if extra == ExtraWriting::AddedName {
                // Below the last printed name.
                let last = l.candidates.last().map_or(0.0, |c| c.name_mm.bottom());
                let above = MmRect::new(0.0, 0.0, l.width_mm, last);
                assert_eq!(count_in(&ink, kpx, &above), 0, "added name above the list");
            }
        }
    }
}

#[test]
fn box_marks_go_in_their_boxes() {
    let e = boxes();
    let l = layout(&e);
    let k = key();
    let g = Generator::new(&e, &l, &k).expect("generator");
    let b_layout = l.boxes.expect("box layout");
    for (mark, agree, disagree) in [
        (BoxMark::Agree, true, false),
        (BoxMark::Disagree, false, true),
        (BoxMark::Both, true, true),
        (BoxMark::None, false, false),
    ] {
        for glyph in [BoxGlyph::Cross, BoxGlyph::Check] {
            let spec = BallotSpec {
                boxes: Some(BoxSpec { mark, glyph }),
                ..exact(&e, vec![MarkSpec::Keep], 3)
            };
            let b = g.render(&spec).expect("page");
            let (ink, kpx) = new_ink(&b, &l);
            let inside = |r: &MmRect| count_in(&ink, kpx, &r.grow(-0.5)) > 20;
            assert_eq!(inside(&b_layout.approve), agree, "{mark:?} {glyph:?}");
            assert_eq!(inside(&b_layout.disapprove), disagree, "{mark:?} {glyph:?}");
            assert_eq!(b.truth.boxes.map(|t| t.expect), Some(Some(mark)));
        }
    }
    // A strike layout refuses box marks.
    let e2 = example();
    let l2 = layout(&e2);
    let g2 = Generator::new(&e2, &l2, &k).expect("generator");
    let spec = BallotSpec {
        boxes: Some(BoxSpec {
            mark: BoxMark::Agree,
            glyph: BoxGlyph::Cross,
        }),
        ..BallotSpec::clean(&e2, Serial(1), 150, 1)
    };
    assert!(matches!(g2.render(&spec), Err(SynthError::Boxes { .. })));
}
