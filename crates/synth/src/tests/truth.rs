//! The truth labels follow the law, and sampled specs follow the mix.

use super::*;

#[test]
fn truth_labels_follow_the_legal_definition() {
    use MarkSpec::*;
    let kept = [
        Keep,
        PartialStrike {
            words: NamePart::Surname,
        },
        PartialStrike {
            words: NamePart::GivenName,
        },
        PartialStrike {
            words: NamePart::SurnameAndMiddle,
        },
        Underline,
        Overline,
        Circle,
        Dot,
        Tick,
    ];
    for m in kept {
        assert_eq!(m.expect(), Expect::Kept, "{m:?}");
    }
    for style in StrikeStyle::ALL {
        assert_eq!(Strike { style }.expect(), Expect::Struck);
    }
    for kind in [
        crate::Borderline::AllButLastLetter,
        crate::Borderline::UpperPart,
    ] {
        assert_eq!(Borderline { kind }.expect(), Expect::Either);
    }
    // Ink a bilevel threshold erases is never claimed as a strike.
    let faint_pen = Pen {
        colour: InkColour::Red,
        pressure: 0.5,
        width_mm: 0.5,
    };
    let bilevel = ScanSpec {
        colour: ColourMode::Bilevel { threshold: 128 },
        ..ScanSpec::clean(200)
    };
    let strike = Strike {
        style: StrikeStyle::Straight,
    };
    assert_eq!(expect_for(&strike, &faint_pen, &bilevel), Expect::Either);
    assert_eq!(expect_for(&strike, &Pen::BLUE, &bilevel), Expect::Struck);
    assert_eq!(expect_for(&Underline, &faint_pen, &bilevel), Expect::Kept);
    assert_eq!(
        StampSpec::Faint.expect(&ScanSpec::clean(200)),
        Presence::Either
    );
    assert_eq!(StampSpec::Present.expect(&bilevel), Presence::Either);
    assert_eq!(StampSpec::Absent.expect(&bilevel), Presence::Absent);
    assert_eq!(
        extra_expect(ExtraWriting::Note, &Pen::BLUE, &bilevel),
        Presence::Present
    );
    assert_eq!(
        extra_expect(ExtraWriting::None, &Pen::BLUE, &bilevel),
        Presence::Absent
    );
}

#[test]
fn sampled_specs_respect_the_mix_and_the_rules() {
    let e = three();
    let mut kinds = std::collections::BTreeSet::new();
    for seed in 0..400 {
        let clear = sample_clear(&e, seed);
        for m in &clear.marks {
            assert!(
                matches!(m, MarkSpec::Keep | MarkSpec::Strike { .. }),
                "clear ballot with {m:?}"
            );
        }
        assert_eq!(clear.stamp, StampSpec::Present);
        assert_eq!(clear.extra, ExtraWriting::None);
        assert!(clear.scan.validate().is_ok() && clear.scan.quarter_turns == 0);

        let tricky = crate::mix::sample_spec(&e, seed, &GeneratorMix::tricky_only());
        assert!(tricky.scan.validate().is_ok(), "{:?}", tricky.scan);
        for (m, c) in tricky.marks.iter().zip(&e.candidates) {
            if matches!(m, MarkSpec::PartialStrike { .. }) {
                assert!(c.name.split_whitespace().count() >= 2);
            }
            kinds.insert(
                format!("{m:?}")
                    .split([' ', '{'])
                    .next()
                    .unwrap_or("")
                    .to_string(),
            );
            // Truth never claims a strike the scan cannot show.
            if expect_for(m, &tricky.pen, &tricky.scan) == Expect::Struck {
                assert!(ink_visible(&tricky.pen, &tricky.scan));
            }
        }
    }
    for k in [
        "Keep",
        "Strike",
        "PartialStrike",
        "Underline",
        "Overline",
        "Circle",
        "Dot",
        "Tick",
        "Borderline",
    ] {
        assert!(kinds.contains(k), "tricky mix never drew {k}: {kinds:?}");
    }
}

#[test]
fn the_demo_mix_is_a_plausible_unit_with_a_favourite() {
    let e = three();
    let (mut clear, mut one_kept, mut favourite) = (0usize, 0u32, 0u32);
    for seed in 0..1000 {
        let s = crate::mix::sample_spec(&e, seed, &GeneratorMix::demo());
        clear += usize::from(s.stamp == StampSpec::Present && s.extra == ExtraWriting::None);
        let kept: Vec<usize> = (0..s.marks.len())
            .filter(|&i| !matches!(s.marks[i], MarkSpec::Strike { .. }))
            .collect();
        if kept.len() == 1 {
            one_kept += 1;
            favourite += u32::from(kept[0] == 0);
        }
    }
    // 94 % clear (and most tricky ones seal and write nothing either); 97 % keep one name.
    assert!(clear >= 920, "{clear} of 1000 clear");
    assert!((945..=990).contains(&one_kept), "{one_kept} keep one name");
    // The favourite on two thirds of them: a winner when H is near the ballots cast.
    let share = f64::from(favourite) / f64::from(one_kept);
    assert!((0.6..0.72).contains(&share), "favourite kept on {share:.3}");
}
