//! Interpreting one page already in memory, on one core: A5 at 200 and 300
//! dpi, grey and colour (targets: ≤ 5 ms and ≤ 10 ms median).
//!
//! `qr_only_vs_zbarimg`: the same pages as PNG files, read in full by kiemphieu
//! (decode + every check) and by an independent decoder that only finds the QR
//! code (`zbarimg` from zbar-tools, one process per page); the ratio is printed.
// Test code: a panic is how it reports, and the pedantic style lints serve the
// product's code; long scenarios still say why they read better whole.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::pedantic)]
#![warn(clippy::too_many_lines)]
// criterion's macros generate undocumented functions.
#![allow(missing_docs)]

use std::path::Path;
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use image::DynamicImage;
use kiemphieu_core::ballot::raster::render_ballot_gray;
use kiemphieu_core::ballot::{BallotLayout, Payload, Serial};
use kiemphieu_core::election::{BallotKey, EXAMPLE_ELECTION, Fingerprint, parse_election};
use kiemphieu_interpret::{DEFAULT_PIXEL_BUDGET, Interpreter, Page, Profile, Status, decode_pages};

fn bench(c: &mut Criterion) {
    let election =
        parse_election(EXAMPLE_ELECTION, Path::new("example.toml")).expect("example parses");
    let key = BallotKey::from_bytes([3; 32]);
    let interp = Interpreter::new(&election, key.clone(), Profile::default()).expect("interpreter");
    let layout = BallotLayout::for_election(&election).expect("layout");
    let text = Payload::sign(&Fingerprint::of(&election), Serial(42), &key).encode();
    let mut group = c.benchmark_group("interpret_a5");
    for dpi in [200.0f32, 300.0, 600.0] {
        let grey = render_ballot_gray(&layout, Some(&text), dpi);
        let colour = DynamicImage::ImageLuma8(grey.clone()).to_rgb8();
        for (kind, image) in [
            ("grey", DynamicImage::ImageLuma8(grey)),
            ("colour", DynamicImage::ImageRgb8(colour)),
        ] {
            let page = Page {
                image,
                dpi: Some(dpi as f64),
            };
            let check = interp.interpret(&page);
            assert_eq!(
                check.status,
                Status::Review,
                "benchmark page must be read: {check:?}"
            );
            group.bench_function(format!("{}dpi_{kind}", dpi as u32), |b| {
                b.iter(|| interp.interpret(&page))
            });
        }
    }
    group.finish();
}

/// Whether zbarimg (zbar-tools) is here.
fn have_zbarimg() -> bool {
    std::process::Command::new("zbarimg")
        .arg("--version")
        .output()
        .is_ok()
}

fn zbarimg(file: &Path) -> String {
    let o = std::process::Command::new("zbarimg")
        .args(["--raw", "-q"])
        .arg(file)
        .output()
        .expect("run zbarimg");
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn bench_against_zbarimg(c: &mut Criterion) {
    if !have_zbarimg() {
        eprintln!("SKIPPING qr_only_vs_zbarimg: zbarimg (zbar-tools) is not installed");
        return;
    }
    let election =
        parse_election(EXAMPLE_ELECTION, Path::new("example.toml")).expect("example parses");
    let key = BallotKey::from_bytes([3; 32]);
    let interp = Interpreter::new(&election, key.clone(), Profile::default()).expect("interpreter");
    let layout = BallotLayout::for_election(&election).expect("layout");
    let text = Payload::sign(&Fingerprint::of(&election), Serial(42), &key).encode();
    let dir = tempfile::tempdir().expect("temp dir");
    let mut group = c.benchmark_group("qr_only_vs_zbarimg");
    group.sample_size(10);
    let mut ratios = Vec::new();
    for dpi in [200.0f32, 300.0, 600.0] {
        let grey = render_ballot_gray(&layout, Some(&text), dpi);
        let colour = DynamicImage::ImageLuma8(grey.clone()).to_rgb8();
        for (kind, image) in [
            ("grey", DynamicImage::ImageLuma8(grey)),
            ("colour", DynamicImage::ImageRgb8(colour)),
        ] {
            let file = dir.path().join(format!("{}dpi_{kind}.png", dpi as u32));
            image.save(&file).expect("write page");
            assert_eq!(zbarimg(&file), text, "zbarimg reads the page");
            let ours = |file: &Path| {
                let bytes = std::fs::read(file).expect("read page");
                let page = decode_pages(&bytes, DEFAULT_PIXEL_BUDGET)
                    .expect("decode")
                    .remove(0);
                interp.interpret(&page)
            };
            assert!(ours(&file).serial.is_some());
            let name = format!("{}dpi_{kind}", dpi as u32);
            group.bench_function(format!("kiemphieu_file_{name}"), |b| b.iter(|| ours(&file)));
            group.bench_function(format!("zbarimg_{name}"), |b| b.iter(|| zbarimg(&file)));
            // The ratio from the same run, medians of 11.
            let time = |f: &dyn Fn()| {
                median(
                    (0..11)
                        .map(|_| {
                            let t = Instant::now();
                            f();
                            t.elapsed().as_secs_f64() * 1000.0
                        })
                        .collect(),
                )
            };
            let (k, z) = (
                time(&|| {
                    ours(&file);
                }),
                time(&|| {
                    zbarimg(&file);
                }),
            );
            ratios.push(format!(
                "{name}: kiemphieu {k:.1} ms (decode + everything), zbarimg {z:.1} ms (QR only, incl. process start), kiemphieu/zbarimg = {:.2}",
                k / z
            ));
        }
    }
    group.finish();
    for r in ratios {
        eprintln!("{r}");
    }
}

criterion_group!(benches, bench, bench_against_zbarimg);
criterion_main!(benches);
