//! Same seed, same page; image size; every file format; scan settings checked.

use super::*;

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
