//! The printed ballot checked with real tools: poppler (`pdftoppm`,
//! `pdftotext`) and ZBar (`zbarimg`), plus rqrr.
//!
//! Each check skips with a loud message when a tool is missing, never silently.
// Test code: a panic is how it reports, and the pedantic style lints serve the
// product's code; long scenarios still say why they read better whole.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::pedantic)]
#![warn(clippy::too_many_lines)]

use std::path::{Path, PathBuf};
use std::process::Command;

use image::GrayImage;
use kiemphieu_core::ballot::raster::{
    page_size_px, px_per_mm, region_px, render_ballot_gray, render_region_gray,
};
use kiemphieu_core::ballot::{BallotLayout, Payload, Serial, render_ballots_pdf};
use kiemphieu_core::election::{
    BallotKey, Candidate, EXAMPLE_ELECTION, Election, Fingerprint, Marking, Paper, parse_election,
};
use kiemphieu_core::geometry::MmRect;

const DPI: f32 = 300.0;
/// A name given with combining diacritics; it must print (and extract) as NFC.
const DECOMPOSED: &str = "\u{110}o\u{302}\u{303} Thi\u{323} Ngo\u{323}c Die\u{302}\u{323}p";
const DECOMPOSED_NFC: &str = "Đỗ Thị Ngọc Diệp";

fn tool(name: &str) -> bool {
    let found = Command::new(name).arg("-v").output().is_ok();
    let package = if name == "zbarimg" {
        "zbar-tools"
    } else {
        "poppler-utils"
    };
    assert!(
        found,
        "`{name}` is not installed: apt-get install {package} (scripts/test does it)"
    );
    found
}

fn election(paper: Paper, marking: Marking, names: &[&str]) -> Election {
    let mut e = parse_election(EXAMPLE_ELECTION, Path::new("example.toml")).unwrap();
    e.election.paper = paper;
    e.election.marking = marking;
    e.candidates = names
        .iter()
        .enumerate()
        .map(|(i, n)| Candidate {
            id: format!("c{}", i + 1),
            name: (*n).to_string(),
            honorific: None,
        })
        .collect();
    e
}

fn payloads(election: &Election, count: u64) -> Vec<String> {
    let fp = Fingerprint::of(election);
    let key = BallotKey::from_bytes([7; 32]);
    (0..count)
        .map(|i| {
            Payload::sign(
                &fp,
                Serial(0x9E37_79B9_7F4A_7C15u64.wrapping_mul(i + 1)),
                &key,
            )
            .encode()
        })
        .collect()
}

/// Writes the PDF and rasterises every page with pdftoppm at 300 dpi.
fn rasterise(dir: &Path, pdf: &[u8]) -> (PathBuf, Vec<GrayImage>) {
    let file = dir.join("ballots.pdf");
    std::fs::write(&file, pdf).unwrap();
    let status = Command::new("pdftoppm")
        .args(["-r", "300", "-gray"])
        .arg(&file)
        .arg(dir.join("page"))
        .status()
        .unwrap();
    assert!(status.success());
    let mut pages: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pgm"))
        .collect();
    pages.sort();
    let images = pages
        .iter()
        .map(|p| image::open(p).unwrap().to_luma8())
        .collect();
    (file, images)
}

/// Dark-pixel (< 128) bounding box inside `window` (page millimetres), in page pixels, inclusive.
fn dark_box_px(
    img: &GrayImage,
    window: MmRect,
    origin: (u32, u32),
) -> Option<(u32, u32, u32, u32)> {
    let s = px_per_mm(DPI);
    let x0 = ((window.x * s).floor() as u32).max(origin.0);
    let y0 = ((window.y * s).floor() as u32).max(origin.1);
    let x1 = ((window.right() * s).ceil() as u32).min(origin.0 + img.width());
    let y1 = ((window.bottom() * s).ceil() as u32).min(origin.1 + img.height());
    let mut b: Option<(u32, u32, u32, u32)> = None;
    for y in y0..y1 {
        for x in x0..x1 {
            if img.get_pixel(x - origin.0, y - origin.1)[0] < 128 {
                b = Some(match b {
                    None => (x, y, x, y),
                    Some((a, c, d, e)) => (a.min(x), c.min(y), d.max(x), e.max(y)),
                });
            }
        }
    }
    b
}

/// Ink-weighted centroid and total ink inside `window` (debug aid).
fn centroid(img: &GrayImage, window: MmRect) -> (f64, f64, f64) {
    let s = px_per_mm(DPI);
    let (mut sx, mut sy, mut sw) = (0.0, 0.0, 0.0);
    for y in (window.y * s) as u32..(window.bottom() * s) as u32 {
        for x in (window.x * s) as u32..(window.right() * s) as u32 {
            let w = 255.0 - f64::from(img.get_pixel(x, y)[0]);
            sx += w * f64::from(x);
            sy += w * f64::from(y);
            sw += w;
        }
    }
    (sx / sw, sy / sw, sw / 255.0)
}

fn decode_rqrr(img: &GrayImage, quiet: MmRect) -> Vec<String> {
    let s = px_per_mm(DPI);
    let r = quiet.grow(2.0);
    let crop = image::imageops::crop_imm(
        img,
        (r.x * s) as u32,
        (r.y * s) as u32,
        (r.w * s) as u32,
        (r.h * s) as u32,
    )
    .to_image();
    let mut prepared = rqrr::PreparedImage::prepare(crop);
    prepared
        .detect_grids()
        .into_iter()
        .filter_map(|g| g.decode().ok())
        .map(|(meta, text)| {
            // Version 3; format bits 0b11 are error correction level Q.
            assert_eq!(
                (meta.version.0, meta.ecc_level),
                (3, 3),
                "QR version / level"
            );
            text
        })
        .collect()
}

fn decode_zbar(dir: &Path, img: &GrayImage, page: usize) -> String {
    let file = dir.join(format!("zbar-{page}.png"));
    img.save(&file).unwrap();
    let out = Command::new("zbarimg")
        .args(["--raw", "-q"])
        .arg(&file)
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// Runs checks (a)–(d) on one election.
#[allow(clippy::too_many_lines)] // every check of one printed election, in the order of the ballot
fn check_election(e: &Election, pages: u64) {
    if !(tool("pdftoppm") && tool("pdftotext")) {
        return;
    }
    let layout = BallotLayout::for_election(e).unwrap();
    let texts = payloads(e, pages);
    let pdf = render_ballots_pdf(&layout, &texts).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (file, images) = rasterise(dir.path(), &pdf);
    if let Ok(dump) = std::env::var("BALLOT_DUMP") {
        // Debug aid: keep the PDF and a page image for a human to look at.
        let tag = format!(
            "{:?}-{:?}-{}",
            e.election.paper,
            e.election.marking,
            e.candidates.len()
        );
        std::fs::write(Path::new(&dump).join(format!("{tag}.pdf")), &pdf).unwrap();
        images[0]
            .save(Path::new(&dump).join(format!("{tag}-poppler.png")))
            .unwrap();
        render_ballot_gray(&layout, Some(&texts[0]), DPI)
            .save(Path::new(&dump).join(format!("{tag}-ours.png")))
            .unwrap();
    }
    assert_eq!(images.len(), pages as usize);
    let s = px_per_mm(DPI);
    let what = format!("{:?}/{:?}", e.election.paper, e.election.marking);

    // Page size agrees with pdftoppm's.
    let (w, h) = page_size_px(&layout, DPI);
    assert_eq!(
        (w, h),
        images[0].dimensions(),
        "{what}: page size in pixels"
    );

    // (b) text: the title and every name, exactly, on every page.
    let out = Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&file)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let title = format!("PHIẾU BẦU {}", e.election.office.to_uppercase());
    assert_eq!(
        text.matches(&title).count(),
        pages as usize,
        "{what}: title in\n{text}"
    );
    for c in &layout.candidates {
        assert_eq!(
            text.matches(&c.name).count(),
            pages as usize,
            "{what}: {} in\n{text}",
            c.name
        );
    }
    assert!(text.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));

    let zbar = tool("zbarimg");
    for (p, img) in images.iter().enumerate() {
        // (a) every name's ink where name_mm says, within 0.3 mm per side.
        for c in &layout.candidates {
            let window = c.name_mm.grow(3.0);
            let (x0, y0, x1, y1) = dark_box_px(img, window, (0, 0)).expect("name is printed");
            let got = [
                f64::from(x0) / s,
                f64::from(y0) / s,
                f64::from(x1 + 1) / s,
                f64::from(y1 + 1) / s,
            ];
            let want = [
                c.name_mm.x,
                c.name_mm.y,
                c.name_mm.right(),
                c.name_mm.bottom(),
            ];
            if std::env::var("BALLOT_DUMP").is_ok() {
                let d: Vec<String> = got
                    .iter()
                    .zip(want)
                    .map(|(g, w)| format!("{:+.3}", g - w))
                    .collect();
                eprintln!("{what}: {} deviation {d:?}", c.name);
            }
            for (g, w) in got.iter().zip(want) {
                assert!(
                    (g - w).abs() <= 0.3,
                    "{what}: {} printed at {got:?}, layout {want:?}",
                    c.name
                );
            }
        }

        // (c) the QR code decodes to the page's payload.
        assert_eq!(
            decode_rqrr(img, layout.qr.quiet_mm),
            vec![texts[p].clone()],
            "{what}: rqrr page {p}"
        );
        if zbar {
            assert_eq!(
                decode_zbar(dir.path(), img, p),
                texts[p],
                "{what}: zbarimg page {p}"
            );
        }

        // (d) the raster renderer draws the same pixels as poppler, within 1 px.
        let ours = render_ballot_gray(&layout, Some(&texts[p]), DPI);
        assert_eq!(ours.dimensions(), img.dimensions());
        let mut windows: Vec<(String, MmRect)> = layout
            .candidates
            .iter()
            .map(|c| (c.name.clone(), c.name_mm.grow(3.0)))
            .collect();
        windows.push(("QR".into(), layout.qr.quiet_mm));
        windows.push(("stamp".into(), layout.stamp_mm.grow(0.5)));
        for (i, f) in layout.fiducials_mm.iter().enumerate() {
            windows.push((format!("fiducial {i}"), f.grow(1.0)));
        }
        if let Some(b) = layout.boxes {
            windows.push(("approve".into(), b.approve.grow(0.5)));
            windows.push(("disapprove".into(), b.disapprove.grow(0.5)));
        }
        for (name, window) in &windows {
            let a = dark_box_px(img, *window, (0, 0));
            let b = dark_box_px(&ours, *window, (0, 0));
            if name == "stamp" {
                // Light grey: no dark pixels in either.
                assert_eq!((a, b), (None, None), "{what}: stamp frame must stay light");
                continue;
            }
            let (a, b) = (a.unwrap(), b.unwrap());
            let diffs = [
                a.0.abs_diff(b.0),
                a.1.abs_diff(b.1),
                a.2.abs_diff(b.2),
                a.3.abs_diff(b.3),
            ];
            if std::env::var("BALLOT_DUMP").is_ok() {
                let (ca, cb) = (centroid(img, *window), centroid(&ours, *window));
                eprintln!(
                    "{what}: {name}: poppler {a:?} ours {b:?} centroid shift {:+.3} {:+.3} ink {:.0} vs {:.0}",
                    cb.0 - ca.0,
                    cb.1 - ca.1,
                    ca.2,
                    cb.2
                );
            }
            assert!(
                diffs.iter().all(|&d| d <= 1),
                "{what}: {name}: poppler {a:?} ours {b:?}"
            );
        }

        // A rendered region is exactly the same pixels as the full page there.
        if p == 0 {
            let c = &layout.candidates[0];
            let band = MmRect::new(
                c.name_mm.x - 4.0,
                c.x_band_mm.top - 2.0,
                c.name_mm.w + 8.0,
                6.0,
            );
            let region = render_region_gray(&layout, Some(&texts[p]), DPI, band);
            let px = region_px(&layout, DPI, band);
            assert_eq!(region.dimensions(), (px.w, px.h));
            for (x, y, v) in region.enumerate_pixels() {
                let full = ours.get_pixel(px.x + x, px.y + y);
                assert!(
                    full[0].abs_diff(v[0]) <= 1,
                    "{what}: region pixel ({x},{y})"
                );
            }
        }
    }
}

#[test]
fn a5_strike_ballots_print_as_laid_out() {
    let e = election(
        Paper::A5,
        Marking::Strike,
        &[
            "Nguyễn Văn An",
            "Trần Thị Bình",
            "Lê Thị Huỳnh Hoa",
            DECOMPOSED,
        ],
    );
    let layout = BallotLayout::for_election(&e).unwrap();
    assert_eq!(layout.candidates[3].name, DECOMPOSED_NFC);
    check_election(&e, 3);
}

#[test]
fn a6_many_candidates_print_as_laid_out() {
    let names = [
        "Nguyễn Văn An",
        "Trần Thị Bình",
        "Lê Thị Huỳnh Hoa",
        "Phạm Quốc Việt",
        "Hoàng Thị Ngọc Yến",
        "Đặng Văn Dũng",
        "Bùi Thị Xuân Quỳnh",
        "Võ Nguyễn Hoàng Phương",
        "Đỗ Thị Kiều Trinh",
        DECOMPOSED,
    ];
    check_election(&election(Paper::A6, Marking::Strike, &names), 1);
}

#[test]
fn a4_approve_boxes_print_as_laid_out() {
    check_election(
        &election(Paper::A4, Marking::ApproveBoxes, &["Lê Thị Huỳnh Hoa"]),
        1,
    );
}

#[test]
fn a5_single_candidate_strike_prints_as_laid_out() {
    check_election(
        &election(Paper::A5, Marking::Strike, &["Nguyễn Thị Phương Thảo"]),
        2,
    );
}

/// Timing of 1,000 pages: `cargo test --release --test integration ballot_render:: -- --ignored --nocapture`.
#[test]
#[ignore]
fn thousand_pages_timing() {
    let e = election(
        Paper::A5,
        Marking::Strike,
        &["Nguyễn Văn An", "Trần Thị Bình", "Lê Thị Huỳnh Hoa"],
    );
    let layout = BallotLayout::for_election(&e).unwrap();
    let texts = payloads(&e, 1000);
    let t = std::time::Instant::now();
    let pdf = render_ballots_pdf(&layout, &texts).unwrap();
    eprintln!("1000 pages: {:?}, {} bytes", t.elapsed(), pdf.len());
}
