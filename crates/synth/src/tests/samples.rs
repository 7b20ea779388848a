//! Ignored by default: sample pages for a person to look at, and timings.

use super::*;

/// Writes samples to `target/synth-samples/` for a person to look at:
/// `cargo test -p kiemphieu-synth --lib tests::samples::write_samples -- --ignored`.
#[test]
#[ignore = "writes files for manual inspection"]
fn write_samples() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/synth-samples");
    std::fs::create_dir_all(&dir).expect("sample dir");
    pages_by_seed(&dir);
    // The showcase and the gallery use the three-candidate ballot.
    let e = three();
    let l = layout(&e);
    let k = key();
    let g = Generator::new(&e, &l, &k).expect("generator");
    scan_showcase(&dir, &g);
    mark_gallery(&dir, &g, &e, &l);
}

/// The scanner's file as written, a PNG of it as decoded (for viewing), and its truth.
fn write_page(stem: &Path, b: &SyntheticBallot) {
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

/// The first seeds of each example election, clear then tricky.
fn pages_by_seed(dir: &Path) {
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
            write_page(&dir.join(format!("{name}-{seed}")), &b);
        }
    }
}

/// Scan conditions the first seeds may not draw.
fn scan_showcase(dir: &Path, g: &Generator) {
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
        write_page(&dir.join(format!("scan-{label}")), &b);
    }
}

/// A gallery: every kind of mark at 300 dpi, cropped to the names.
fn mark_gallery(dir: &Path, g: &Generator, e: &Election, l: &BallotLayout) {
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
            kind: crate::Borderline::AllButLastLetter,
        },
        MarkSpec::Borderline {
            kind: crate::Borderline::UpperPart,
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
            ..exact(e, vec![mark; 3], i as u64)
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
/// `cargo test -p kiemphieu-synth --release --lib tests::samples::timing -- --ignored --nocapture`.
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
