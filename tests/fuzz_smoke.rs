//! Stable-Rust companion of the cargo-fuzz targets in `fuzz/`: each entry point that
//! reads outside data gets a few thousand seeded mutations of real inputs (bit flips,
//! inserted and deleted runs, truncation, spliced tokens) and random bytes, and must
//! return an error or a value, never panic. Runs in CI; `fuzz/run.sh` goes further.
//! Crashes found by the fuzzer are added to `regressions()` below.
// Test code: a panic is how it reports, and the pedantic style lints serve the
// product's code; long scenarios still say why they read better whole.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::pedantic)]
#![warn(clippy::too_many_lines)]

use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use image::{DynamicImage, GrayImage, ImageFormat, Luma};
use kiemphieu_core::ballot::{BallotGeometry, BallotLayout, Payload, Serial};
use kiemphieu_core::election::{BallotKey, EXAMPLE_ELECTION, Fingerprint, parse_election};
use kiemphieu_interpret::{decode_pages, jpeg_dpi, png_dpi};

/// Mutations per target (KIEMPHIEU_FUZZ_CASES to change).
fn cases() -> u64 {
    std::env::var("KIEMPHIEU_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5_000)
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// One mutation of a seed input: 1–4 edits of the kinds a fuzzer makes first.
fn mutate(rng: &mut Rng, seeds: &[Vec<u8>], tokens: &[&[u8]]) -> Vec<u8> {
    let mut data = seeds[rng.below(seeds.len())].clone();
    if rng.below(20) == 0 {
        // Pure noise now and then.
        return (0..rng.below(512)).map(|_| rng.next() as u8).collect();
    }
    for _ in 0..1 + rng.below(4) {
        let len = data.len();
        match rng.below(7) {
            0 if len > 0 => {
                let i = rng.below(len);
                data[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                data[i] = rng.next() as u8;
            }
            2 => {
                let at = rng.below(len + 1);
                let run: Vec<u8> = (0..1 + rng.below(16)).map(|_| rng.next() as u8).collect();
                data.splice(at..at, run);
            }
            3 if len > 0 => {
                let at = rng.below(len);
                let end = (at + 1 + rng.below(64)).min(len);
                data.drain(at..end);
            }
            4 => data.truncate(rng.below(len + 1)),
            5 if !tokens.is_empty() => {
                let at = rng.below(len + 1);
                data.splice(at..at, tokens[rng.below(tokens.len())].iter().copied());
            }
            _ if len > 4 => {
                // Interesting integers where a length or dimension may be.
                let at = rng.below(len - 3);
                let v: [u8; 4] = [
                    [0, 0, 0, 0],
                    [0xFF; 4],
                    [0x7F, 0xFF, 0xFF, 0xFF],
                    [0, 0, 0x75, 0x30],
                ][rng.below(4)];
                data[at..at + 4].copy_from_slice(&v);
            }
            _ => {}
        }
    }
    data
}

/// Feeds `cases()` mutations to `f`; a panic fails with the input that caused it.
fn campaign(name: &str, seed: u64, seeds: &[Vec<u8>], tokens: &[&[u8]], f: impl Fn(&[u8])) {
    let mut rng = Rng(seed);
    for i in 0..cases() {
        let input = mutate(&mut rng, seeds, tokens);
        if catch_unwind(AssertUnwindSafe(|| f(&input))).is_err() {
            let path = std::env::temp_dir().join(format!("kiemphieu-fuzz-{name}-{i}.bin"));
            let _ = std::fs::write(&path, &input);
            panic!(
                "{name}: case {i} panicked; input saved to {} ({} bytes)",
                path.display(),
                input.len()
            );
        }
    }
}

fn payload_entry(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(p) = Payload::decode(&text) {
        let again = Payload::decode(&p.encode()).expect("re-encoded payload decodes");
        assert_eq!(again.encode(), p.encode());
        let _ = p.verify(&Fingerprint([7; 32]), &BallotKey::from_bytes([9; 32]));
    }
}

#[test]
fn payload_decoder_never_panics() {
    let key = BallotKey::from_bytes([9; 32]);
    let seeds: Vec<Vec<u8>> = (0..8u64)
        .map(|i| {
            Payload::sign(&Fingerprint([i as u8; 32]), Serial(i * 0x9E37), &key)
                .encode()
                .into_bytes()
        })
        .chain([b"KP1".to_vec(), b"KP9AAAA".to_vec(), Vec::new()])
        .collect();
    campaign(
        "payload",
        1,
        &seeds,
        &[b"KP", b"KP1", b"=", b"\xc3\xa9", b" "],
        payload_entry,
    );
}

fn election_entry(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(election) = parse_election(text, Path::new("fuzz.toml")) {
        let _ = BallotLayout::for_election(&election);
    }
}

#[test]
fn election_parser_and_layout_never_panic() {
    let seeds = vec![
        EXAMPLE_ELECTION.as_bytes().to_vec(),
        EXAMPLE_ELECTION
            .replace("marking = \"strike\"", "marking = \"approve_boxes\"")
            .replace("[[candidates]]\nid = \"c2\"", "[[x]]\nid = \"c2\"")
            .into_bytes(),
    ];
    campaign(
        "election",
        2,
        &seeds,
        &[
            b"[[candidates]]\nid = \"c9\"\nname = \"A\"\n",
            b"\"\"\"",
            b"households = -1\n",
            b"date = 2024-13-45\n",
            b"paper = \"A6\"\n",
            b"name = \"\xcc\x81\xcc\x81\"\n",
            b"[settings]\n",
            b"\\u0000",
        ],
        election_entry,
    );
}

const BUDGET: u64 = 4_000_000;

fn image_entry(data: &[u8]) {
    let _ = png_dpi(data);
    let _ = jpeg_dpi(data);
    if let Ok(pages) = decode_pages(data, BUDGET) {
        for p in pages {
            assert!(u64::from(p.image.width()) * u64::from(p.image.height()) <= BUDGET);
        }
    }
}

fn small_page() -> DynamicImage {
    DynamicImage::ImageLuma8(GrayImage::from_fn(40, 30, |x, y| {
        Luma([if (x / 5 + y / 5) % 2 == 0 { 20 } else { 235 }])
    }))
}

#[test]
fn image_intake_never_panics_and_keeps_the_budget() {
    let page = small_page();
    let mut seeds = Vec::new();
    for (img, format) in [
        (page.clone(), ImageFormat::Png),
        (page.clone(), ImageFormat::Jpeg),
        (DynamicImage::ImageRgb8(page.to_rgb8()), ImageFormat::Jpeg),
        (
            DynamicImage::ImageLuma16(page.to_luma16()),
            ImageFormat::Png,
        ),
        (page.clone(), ImageFormat::Pnm),
        (page.clone(), ImageFormat::Tiff),
    ] {
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), format).unwrap();
        seeds.push(out);
    }
    // A two-page TIFF.
    {
        use tiff::encoder::{TiffEncoder, colortype};
        let mut out = Cursor::new(Vec::new());
        let mut enc = TiffEncoder::new(&mut out).unwrap();
        let g = page.to_luma8();
        for _ in 0..2 {
            enc.write_image::<colortype::Gray8>(40, 30, g.as_raw())
                .unwrap();
        }
        seeds.push(out.into_inner());
    }
    campaign(
        "image",
        3,
        &seeds,
        &[
            b"\x89PNG\r\n\x1a\n",
            b"IHDR",
            b"pHYs",
            b"\xff\xd8\xff\xe0",
            b"JFIF\0",
            b"II*\0",
            b"MM\0*",
            b"P5\n30000 30000\n255\n",
        ],
        image_entry,
    );
}

fn layout_entry(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(g) = BallotGeometry::from_json(text) {
        let json = serde_json::to_string(&g).expect("geometry serialises");
        let _ = BallotGeometry::from_json(&json).expect("written geometry loads");
    }
}

#[test]
fn layout_loader_never_panics() {
    let election = parse_election(EXAMPLE_ELECTION, Path::new("e.toml")).unwrap();
    let layout = BallotLayout::for_election(&election).unwrap();
    let seeds = vec![
        layout.to_json().into_bytes(),
        serde_json::to_vec(&layout.geometry()).unwrap(),
    ];
    campaign(
        "layout",
        4,
        &seeds,
        &[
            b"1e308",
            b"-0.0",
            b"null",
            b"[]",
            b"{}",
            b"\"\\ud800\"",
            b"18446744073709551616",
        ],
        layout_entry,
    );
}

/// Inputs that once crashed a target (from `fuzz/artifacts/` or the campaigns above),
/// kept as regressions.
fn escpos_entry(data: &[u8]) {
    if let Some((&n, reply)) = data.split_first() {
        if kiemphieu_devices::print::escpos::parse_reply(n, reply).is_ok() {
            assert!(!reply.is_empty(), "an empty reply parsed for n = {n}");
        }
    }
}

#[test]
fn escpos_status_parser_never_panics() {
    let seeds: Vec<Vec<u8>> = vec![
        vec![1, 0x12],
        vec![2, 0x12],
        vec![4, 0x12],
        vec![4, 0x7e],
        vec![1, 0x12, 0x12],
        vec![3],
        vec![],
    ];
    campaign(
        "escpos_status",
        17,
        &seeds,
        &[&[0x10, 0x04], &[0x12], &[0xff]],
        escpos_entry,
    );
}

#[test]
fn regressions() {
    let cases: &[(&str, &[u8])] = &[(
        // tiff 0.10.3 panicked (index out of bounds) on an empty SampleFormat tag.
        "image",
        include_bytes!("data/fuzz/image-tiff-empty-sample-format.tif"),
    )];
    for (target, input) in cases {
        match *target {
            "payload" => payload_entry(input),
            "election" => election_entry(input),
            "image" => image_entry(input),
            "layout" => layout_entry(input),
            _ => unreachable!(),
        }
    }
}
