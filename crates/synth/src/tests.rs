//! Tests of the generator against the real ballot layout.

use std::path::Path;

use image::GrayImage;

use crate::ballot::layout::BallotLayout;
use crate::ballot::raster::render_ballot_gray;
use crate::ballot::{Payload, PayloadError, Serial};
use crate::election::{
    BallotKey, Candidate, EXAMPLE_ELECTION, Election, Fingerprint, Marking, parse_election,
};
use kiemphieu_core::geometry::MmRect;

use super::*;

fn example() -> Election {
    parse_election(EXAMPLE_ELECTION, Path::new("example.toml")).expect("example parses")
}

/// Three candidates with two-, three- and four-word names.
fn three() -> Election {
    let mut e = example();
    e.candidates = [
        ("c1", "Nguyễn Thị Minh Khai"),
        ("c2", "Lê Văn Tám"),
        ("c3", "Đặng Thùy"),
    ]
    .iter()
    .map(|(id, name)| Candidate {
        id: (*id).into(),
        name: (*name).into(),
    })
    .collect();
    e
}

/// One candidate with approve boxes.
fn boxes() -> Election {
    let mut e = example();
    e.candidates.truncate(1);
    e.election.marking = Marking::ApproveBoxes;
    e
}

fn key() -> BallotKey {
    BallotKey::from_bytes([7; 32])
}

fn layout(e: &Election) -> BallotLayout {
    BallotLayout::for_election(e).expect("layout")
}

/// A spec with exact geometry (clean scan), no seal, the given marks.
fn exact(e: &Election, marks: Vec<MarkSpec>, seed: u64) -> BallotSpec {
    BallotSpec {
        marks,
        stamp: StampSpec::Absent,
        ..BallotSpec::clean(e, Serial(0x1234_5678_9ABC_DEF0), 200, seed)
    }
}

/// The voter's ink on a clean scan, found against the printed ballot.
struct Ink {
    /// 1 where the scan is darker than the print by more than 40 levels.
    new: GrayImage,
    /// The print.
    printed: GrayImage,
}

/// Pixels darker than the printed ballot by more than 40 levels: the voter's ink.
fn new_ink(b: &SyntheticBallot, layout: &BallotLayout) -> (Ink, f64) {
    let dpi = b.truth.scan.dpi;
    let printed = render_ballot_gray(layout, b.truth.payload.as_deref(), dpi as f32);
    let img = b.image.to_luma8();
    assert_eq!(
        img.dimensions(),
        printed.dimensions(),
        "clean scans are pixel-aligned"
    );
    let new = GrayImage::from_fn(img.width(), img.height(), |x, y| {
        let d = i32::from(printed.get_pixel(x, y).0[0]) - i32::from(img.get_pixel(x, y).0[0]);
        image::Luma([u8::from(d > 40)])
    });
    (Ink { new, printed }, f64::from(dpi) / 25.4)
}

/// Columns (page px) over `x0..x1` mm with ink between rows `y0..y1` mm. Ink over
/// printed toner cannot show, so a column without new ink still counts when the rows
/// the line occupies in the neighbouring columns are toner in this one.
fn inked_columns(ink: &Ink, k: f64, x0: f64, x1: f64, y0: f64, y1: f64) -> Vec<bool> {
    let (cx0, cx1) = ((x0 * k).ceil() as u32, (x1 * k).floor() as u32);
    let (ry0, ry1) = (
        (y0 * k).floor() as u32,
        ((y1 * k).ceil() as u32).min(ink.new.height()),
    );
    let rows_of = |x: u32| -> Option<(u32, u32)> {
        let rows: Vec<u32> = (ry0..ry1)
            .filter(|&y| ink.new.get_pixel(x, y).0[0] == 1)
            .collect();
        Some((*rows.first()?, *rows.last()?))
    };
    let hidden = |x: u32| {
        let near = (x.saturating_sub(8)..x + 8).filter_map(rows_of);
        let (lo, hi) = near.fold((u32::MAX, 0), |(l, h), (a, b)| (l.min(a), h.max(b)));
        lo <= hi && (lo.saturating_sub(1)..=hi + 1).any(|y| ink.printed.get_pixel(x, y).0[0] < 100)
    };
    (cx0..cx1)
        .map(|x| rows_of(x).is_some() || hidden(x))
        .collect()
}

fn count_in(ink: &Ink, k: f64, r: &MmRect) -> usize {
    let ink = &ink.new;
    let (x0, y0) = (
        (r.x * k).floor().max(0.0) as u32,
        (r.y * k).floor().max(0.0) as u32,
    );
    let (x1, y1) = (
        ((r.right() * k).ceil() as u32).min(ink.width()),
        ((r.bottom() * k).ceil() as u32).min(ink.height()),
    );
    (y0..y1)
        .flat_map(|y| (x0..x1).map(move |x| (x, y)))
        .filter(|&(x, y)| ink.get_pixel(x, y).0[0] == 1)
        .count()
}

fn longest_false_run(v: &[bool]) -> usize {
    let (mut best, mut run) = (0, 0);
    for &b in v {
        run = if b { 0 } else { run + 1 };
        best = best.max(run);
    }
    best
}

#[test]
fn same_seed_same_page_other_seed_other_page() {
    let e = example();
    let l = layout(&e);
    let k = key();
    let g = Generator::new(&e, &l, &k).expect("generator");
    let mix = GeneratorMix::realistic().with_dpi(150);
    let a = g.generate(11, &mix).expect("page");
    let b = g.generate(11, &mix).expect("page");
    let c = g.generate(12, &mix).expect("page");
    assert_eq!(a.encoded, b.encoded);
    assert_eq!(a.truth, b.truth);
    assert_ne!(a.encoded, c.encoded);
    assert_ne!(a.truth.serial, c.truth.serial);
    // The convenience function agrees with the generator.
    let d = generate(&e, &l, &k, 11, &mix).expect("page");
    assert_eq!(d.encoded, a.encoded);
}

#[test]
fn image_size_follows_dpi_page_and_scan_area() {
    let e = example();
    let l = layout(&e);
    let k = key();
    let g = Generator::new(&e, &l, &k).expect("generator");
    let (pw, ph) = e.election.paper.size_mm();
    for (dpi, turns, extra) in [
        (150, 0, (0.0, 0.0)),
        (200, 2, (10.0, 6.0)),
        (300, 1, (-4.0, 12.0)),
        (173, 3, (3.0, 0.0)),
    ] {
        let spec = BallotSpec {
            scan: ScanSpec {
                quarter_turns: turns,
                area_extra_mm: extra,
                background: Background::Dark,
                ..ScanSpec::clean(dpi)
            },
            ..BallotSpec::clean(&e, Serial(1), dpi, 5)
        };
        let b = g.render(&spec).expect("page");
        let (aw, ah) = (pw + extra.0, ph + extra.1);
        let (aw, ah) = if turns % 2 == 1 { (ah, aw) } else { (aw, ah) };
        let px = |mm: f64| (mm * f64::from(dpi) / 25.4 - 1e-4).ceil() as u32;
        assert_eq!(
            (b.image.width(), b.image.height()),
            (px(aw), px(ah)),
            "dpi {dpi} turns {turns}"
        );
        let decoded = image::load_from_memory(&b.encoded).expect("decodes");
        assert_eq!((decoded.width(), decoded.height()), (px(aw), px(ah)));
    }
}

#[test]
fn every_file_format_decodes_with_image() {
    let e = example();
    let l = layout(&e);
    let k = key();
    let g = Generator::new(&e, &l, &k).expect("generator");
    let cases = [
        (ColourMode::Grey, FileFormat::Jpeg { quality: 50 }, "jpg"),
        (ColourMode::Rgb, FileFormat::Jpeg { quality: 95 }, "jpg"),
        (ColourMode::Grey, FileFormat::Png, "png"),
        (ColourMode::Rgb, FileFormat::Png, "png"),
        (
            ColourMode::Bilevel { threshold: 140 },
            FileFormat::Png,
            "png",
        ),
        (ColourMode::Grey, FileFormat::Tiff, "tif"),
        (ColourMode::Rgb, FileFormat::Pnm, "ppm"),
        (ColourMode::Grey, FileFormat::Pnm, "pgm"),
        (
            ColourMode::Bilevel { threshold: 128 },
            FileFormat::Pnm,
            "pbm",
        ),
    ];
    for (colour, format, ext) in cases {
        let spec = BallotSpec {
            scan: ScanSpec {
                colour,
                format,
                skew_deg: 1.0,
                noise_sigma: 3.0,
                ..ScanSpec::clean(150)
            },
            ..g.sample(3, &GeneratorMix::clear_only())
        };
        let b = g.render(&spec).expect("page");
        assert_eq!(b.extension, ext);
        let back = image::load_from_memory(&b.encoded).unwrap_or_else(|err| panic!("{ext}: {err}"));
        assert_eq!(
            (back.width(), back.height()),
            (b.image.width(), b.image.height())
        );
        let grey = back.to_luma8();
        match colour {
            ColourMode::Bilevel { .. } => {
                assert!(
                    grey.pixels().all(|p| p.0[0] == 0 || p.0[0] == 255),
                    "{ext} is bilevel"
                );
                assert_eq!(
                    grey.as_raw(),
                    b.image.to_luma8().as_raw(),
                    "{ext} is lossless"
                );
            }
            ColourMode::Rgb => assert_eq!(b.image.color(), image::ColorType::Rgb8),
            ColourMode::Grey => assert_eq!(b.image.color(), image::ColorType::L8),
        }
    }
}

#[test]
fn invalid_scan_settings_are_typed_errors() {
    let e = example();
    let l = layout(&e);
    let k = key();
    let g = Generator::new(&e, &l, &k).expect("generator");
    let bad = [
        ScanSpec::clean(100),
        ScanSpec {
            skew_deg: 9.0,
            ..ScanSpec::clean(200)
        },
        ScanSpec {
            colour: ColourMode::Bilevel { threshold: 128 },
            format: FileFormat::Jpeg { quality: 80 },
            ..ScanSpec::clean(200)
        },
        ScanSpec {
            scale: f64::NAN,
            ..ScanSpec::clean(200)
        },
    ];
    for scan in bad {
        let spec = BallotSpec {
            scan,
            ..BallotSpec::clean(&e, Serial(1), 200, 1)
        };
        assert!(
            matches!(g.render(&spec), Err(SynthError::InvalidScan { .. })),
            "{scan:?}"
        );
    }
    let wrong_count = BallotSpec {
        marks: vec![MarkSpec::Keep],
        ..BallotSpec::clean(&e, Serial(1), 200, 1)
    };
    assert!(matches!(
        g.render(&wrong_count),
        Err(SynthError::MarkCount {
            marks: 1,
            candidates: 2
        })
    ));
    let other = three();
    let l3 = layout(&other);
    assert!(matches!(
        Generator::new(&e, &l3, &k),
        Err(SynthError::Layout(_))
    ));
}

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
        super::Borderline::AllButLastLetter,
        super::Borderline::UpperPart,
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

        let tricky = super::mix::sample_spec(&e, seed, &GeneratorMix::tricky_only());
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

fn sample_clear(e: &Election, seed: u64) -> BallotSpec {
    super::mix::sample_spec(e, seed, &GeneratorMix::clear_only())
}

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
    let sheet = super::sheet::Sheet::from_layout(&l).expect("sheet");
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
    let sheet = super::sheet::Sheet::from_layout(&l).expect("sheet");
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
                (geom.last_letter_x + r.right()) / 2.0 + 0.3,
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

/// Decodes the QR code from the quiet zone of a clean scan.
fn read_qr(b: &SyntheticBallot, l: &BallotLayout) -> Option<String> {
    let kpx = f64::from(b.truth.scan.dpi) / 25.4;
    let q = l.qr.quiet_mm;
    let crop = image::imageops::crop_imm(
        &b.image.to_luma8(),
        (q.x * kpx) as u32,
        (q.y * kpx) as u32,
        (q.w * kpx) as u32,
        (q.h * kpx) as u32,
    )
    .to_image();
    let mut prepared = rqrr::PreparedImage::prepare(crop);
    let grids = prepared.detect_grids();
    grids
        .first()
        .and_then(|g| g.decode().ok())
        .map(|(_, text)| text)
}

#[test]
fn payloads_are_genuine_foreign_or_forged_as_labelled() {
    let e = example();
    let l = layout(&e);
    let k = key();
    let fp = Fingerprint::of(&e);
    let g = Generator::new(&e, &l, &k).expect("generator");
    let mix = GeneratorMix::clear_only()
        .with_dpi(200)
        .with_format(FileFormat::Png);
    let clean = |b: SyntheticBallot| -> (String, Truth) {
        let text = b.truth.payload.clone().expect("ballot has a payload");
        (text, b.truth)
    };
    let genuine = g.generate(1, &mix).expect("page");
    // The QR actually printed on a (mildly skewed) scan is the recorded payload: check on
    // an exact scan of the same spec.
    let mut spec = g.sample(1, &mix);
    spec.scan = ScanSpec::clean(200);
    let exact_page = g.render(&spec).expect("page");
    assert_eq!(
        read_qr(&exact_page, &l).as_deref(),
        exact_page.truth.payload.as_deref()
    );

    let (text, truth) = clean(genuine);
    let p = Payload::decode(&text).expect("decodes");
    assert_eq!(p.verify(&fp, &k), Ok(()));
    assert_eq!(Some(p.serial), truth.serial);

    let (text, truth) = clean(g.wrong_election(1, &mix).expect("page"));
    assert_eq!(truth.kind, PageKind::WrongElection);
    assert_eq!(
        Payload::decode(&text).and_then(|p| p.verify(&fp, &k)),
        Err(PayloadError::WrongElection)
    );

    let (text, truth) = clean(g.forged(1, &mix).expect("page"));
    assert_eq!(truth.kind, PageKind::Forged);
    assert_eq!(
        Payload::decode(&text).and_then(|p| p.verify(&fp, &k)),
        Err(PayloadError::Forged)
    );

    let (a, b) = g.duplicate_pair(5, &mix).expect("pair");
    assert_eq!(a.truth.serial, b.truth.serial);
    assert_eq!(a.truth.payload, b.truth.payload);
    assert_ne!(a.encoded, b.encoded);
}

#[test]
fn blank_pages_carry_nothing_but_paper() {
    let e = example();
    let l = layout(&e);
    let k = key();
    let g = Generator::new(&e, &l, &k).expect("generator");
    let spec_scan = ScanSpec::clean(150);
    for duplex in [false, true] {
        let mut spec = g.sample(4, &GeneratorMix::clear_only());
        spec.kind = if duplex {
            PageKind::DuplexBack
        } else {
            PageKind::Blank
        };
        spec.scan = spec_scan;
        let b = g.render(&spec).expect("page");
        assert!(b.truth.payload.is_none() && b.truth.serial.is_none());
        assert!(b.truth.candidates.is_empty());
        assert_eq!(b.truth.stamp_expect, Presence::Absent);
        let grey = b.image.to_luma8();
        let min = grey.pixels().map(|p| p.0[0]).min().unwrap_or(0);
        // Show-through is faint: nothing darker than light grey.
        assert!(min >= 225, "darkest pixel {min}");
        if duplex {
            assert!(min < 255, "duplex back shows the front faintly");
        } else {
            assert_eq!(min, 255);
        }
    }
    let b = g.blank(2, &GeneratorMix::realistic(), true).expect("page");
    assert_eq!(b.truth.kind, PageKind::DuplexBack);
}

#[test]
fn a_batch_of_tricky_pages_renders_without_error() {
    for e in [three(), boxes(), example()] {
        let l = layout(&e);
        let k = key();
        let g = Generator::new(&e, &l, &k).expect("generator");
        let mix = GeneratorMix::tricky_only().with_dpi(150);
        for seed in 0..25 {
            let b = g
                .generate(seed, &mix)
                .unwrap_or_else(|err| panic!("seed {seed}: {err}"));
            assert_eq!(b.truth.candidates.len(), e.candidates.len());
            assert!(image::load_from_memory(&b.encoded).is_ok());
        }
    }
}

/// Writes samples to `target/synth-samples/` for a person to look at:
/// `cargo test --lib synth::tests::write_samples -- --ignored`.
#[test]
#[ignore = "writes files for manual inspection"]
fn write_samples() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/synth-samples");
    std::fs::create_dir_all(&dir).expect("sample dir");
    for (name, e) in [("three", three()), ("boxes", boxes()), ("two", example())] {
        let l = layout(&e);
        let k = key();
        let g = Generator::new(&e, &l, &k).expect("generator");
        for seed in 0..6u64 {
            let mix = if seed < 2 {
                GeneratorMix::clear_only()
            } else {
                GeneratorMix::tricky_only()
            }
            .with_dpi(150);
            let b = g.generate(seed, &mix).expect("page");
            let stem = dir.join(format!("{name}-{seed}"));
            // The scanner's file as written, and a PNG of it as decoded, for viewing.
            std::fs::write(
                stem.with_extension(format!("scan.{}", b.extension)),
                &b.encoded,
            )
            .expect("write scan");
            let decoded = image::load_from_memory(&b.encoded).expect("decodes");
            decoded.save(stem.with_extension("png")).expect("write png");
            let truth = serde_json::to_string_pretty(&b.truth).expect("truth json");
            std::fs::write(stem.with_extension("json"), truth).expect("write truth");
        }
    }
    // Scan conditions the first seeds may not draw.
    let e = three();
    let l = layout(&e);
    let k = key();
    let g = Generator::new(&e, &l, &k).expect("generator");
    let showcase = [
        (
            "rgb-jpeg-dark",
            ColourMode::Rgb,
            FileFormat::Jpeg { quality: 60 },
            Background::Dark,
            0,
            None,
        ),
        (
            "bilevel-png",
            ColourMode::Bilevel { threshold: 140 },
            FileFormat::Png,
            Background::White,
            0,
            None,
        ),
        (
            "sideways-streak",
            ColourMode::Grey,
            FileFormat::Png,
            Background::Dark,
            1,
            Some(Streak {
                x_mm: 60.0,
                width_mm: 0.4,
                darkness: 0.6,
            }),
        ),
    ];
    for (i, (label, colour, format, background, quarter_turns, streak)) in
        showcase.into_iter().enumerate()
    {
        let mut spec = g.sample(100 + i as u64, &GeneratorMix::tricky_only());
        spec.scan = ScanSpec {
            colour,
            format,
            background,
            quarter_turns,
            streak,
            skew_deg: 2.5,
            area_extra_mm: (8.0, 6.0),
            noise_sigma: 4.0,
            blur_sigma: 0.6,
            ..ScanSpec::clean(150)
        };
        if spec.scan.is_bilevel() {
            spec.pen = Pen::BLUE;
        }
        let b = g.render(&spec).expect("page");
        let stem = dir.join(format!("scan-{label}"));
        std::fs::write(
            stem.with_extension(format!("scan.{}", b.extension)),
            &b.encoded,
        )
        .expect("write scan");
        let decoded = image::load_from_memory(&b.encoded).expect("decodes");
        decoded.save(stem.with_extension("png")).expect("write png");
        let truth = serde_json::to_string_pretty(&b.truth).expect("truth json");
        std::fs::write(stem.with_extension("json"), truth).expect("write truth");
    }

    // A gallery: every kind of mark at 300 dpi, cropped to the names.
    let mut marks: Vec<MarkSpec> = StrikeStyle::ALL
        .iter()
        .map(|&style| MarkSpec::Strike { style })
        .collect();
    marks.extend([
        MarkSpec::PartialStrike {
            words: NamePart::Surname,
        },
        MarkSpec::PartialStrike {
            words: NamePart::GivenName,
        },
        MarkSpec::PartialStrike {
            words: NamePart::SurnameAndMiddle,
        },
        MarkSpec::Underline,
        MarkSpec::Overline,
        MarkSpec::Circle,
        MarkSpec::Dot,
        MarkSpec::Tick,
        MarkSpec::Borderline {
            kind: super::Borderline::AllButLastLetter,
        },
        MarkSpec::Borderline {
            kind: super::Borderline::UpperPart,
        },
    ]);
    let names = l
        .candidates
        .iter()
        .fold(l.candidates[0].name_mm, |a, c| a.union(&c.name_mm))
        .grow(8.0);
    for (i, mark) in marks.into_iter().enumerate() {
        let spec = BallotSpec {
            pen: Pen {
                colour: InkColour::ALL[i % 4],
                ..Pen::BLUE
            },
            scan: ScanSpec {
                colour: ColourMode::Rgb,
                ..ScanSpec::clean(300)
            },
            ..exact(&e, vec![mark; 3], i as u64)
        };
        let b = g.render(&spec).expect("page");
        let kpx = 300.0 / 25.4;
        let crop = b.image.crop_imm(
            (names.x * kpx) as u32,
            (names.y * kpx) as u32,
            (names.w * kpx) as u32,
            (names.h * kpx) as u32,
        );
        let label = format!("{mark:?}").replace([' ', '{', '}', ':'], "");
        crop.save(dir.join(format!("mark-{i:02}-{label}.png")))
            .expect("write crop");
    }
}

/// CPU time of this thread in ns (Linux), so timings ignore other processes' load;
/// falls back to wall time elsewhere.
fn cpu_ns(start: std::time::Instant) -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|t| {
            t.split_whitespace()
                .next()
                .and_then(|v| v.parse::<f64>().ok())
        })
        .unwrap_or_else(|| start.elapsed().as_secs_f64() * 1e9)
}

/// Times generation of A5 pages at 300 dpi:
/// `cargo test --release --lib synth::tests::timing -- --ignored --nocapture`.
#[test]
#[ignore = "timing, run in release"]
fn timing() {
    let e = example();
    let l = layout(&e);
    let k = key();
    let g = Generator::new(&e, &l, &k).expect("generator");
    let _ = g
        .generate(0, &GeneratorMix::realistic().with_dpi(300))
        .expect("warm-up");
    let n = 20u64;
    let run = |label: &str, spec_of: &dyn Fn(u64) -> BallotSpec| {
        let t = std::time::Instant::now();
        let c = cpu_ns(t);
        for seed in 1..=n {
            let _ = g.render(&spec_of(seed)).expect("page");
        }
        println!(
            "{label}: {:.1} ms CPU ({:.1} ms wall) per page",
            (cpu_ns(t) - c) / 1e6 / n as f64,
            t.elapsed().as_secs_f64() * 1e3 / n as f64
        );
    };
    for format in [
        FileFormat::Png,
        FileFormat::Jpeg { quality: 85 },
        FileFormat::Pnm,
    ] {
        let mix = GeneratorMix::realistic().with_dpi(300).with_format(format);
        run(&format!("realistic mix, {format:?}"), &|seed| {
            g.sample(seed, &mix)
        });
    }
    for colour in [ColourMode::Grey, ColourMode::Rgb] {
        let mix = GeneratorMix::tricky_only()
            .with_dpi(300)
            .with_format(FileFormat::Jpeg { quality: 85 });
        run(&format!("tricky, JPEG, {colour:?}"), &|seed| {
            let mut spec = g.sample(seed, &mix);
            spec.scan.colour = colour;
            spec
        });
    }
}
