//! The hot folder (`folder:DIR`): files written slowly are delivered only when whole,
//! in name order, each once; the batch ends after the idle time.
// Test code: a panic is how it reports, and the pedantic style lints serve the
// product's code; long scenarios still say why they read better whole.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::pedantic)]
#![warn(clippy::too_many_lines)]

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use image::codecs::jpeg::{JpegEncoder, PixelDensity};
use kiemphieu::source::open_source;
use kiemphieu_devices::scanner::{
    FolderScanner, ScanSettings, ScanStatus, ScannedPage, Scanner, Side,
};

const IDLE: Duration = Duration::from_millis(1500);

/// A grey PNG with a gradient and `dpi` in pHYs, big enough to be written in chunks.
fn png(seed: u8, dpi: u32) -> Vec<u8> {
    let (w, h) = (300u32, 200u32);
    let data: Vec<u8> = (0..w * h)
        .map(|i| ((i % w) as u8).wrapping_mul(3) ^ seed ^ ((i / w) as u8))
        .collect();
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_color(png::ColorType::Grayscale);
    enc.set_depth(png::BitDepth::Eight);
    let ppm = (f64::from(dpi) / 0.0254).round() as u32;
    enc.set_pixel_dims(Some(png::PixelDimensions {
        xppu: ppm,
        yppu: ppm,
        unit: png::Unit::Meter,
    }));
    let mut wr = enc.write_header().expect("header");
    wr.write_image_data(&data).expect("data");
    wr.finish().expect("finish");
    out
}

fn jpeg(dpi: u16) -> Vec<u8> {
    let img = image::GrayImage::from_fn(200, 100, |x, y| image::Luma([(x ^ y) as u8]));
    let mut out = Vec::new();
    let mut enc = JpegEncoder::new_with_quality(&mut out, 90);
    enc.set_pixel_density(PixelDensity::dpi(dpi));
    enc.encode_image(&img).expect("jpeg");
    out
}

fn tiff() -> Vec<u8> {
    let img = image::GrayImage::from_fn(120, 80, |x, y| image::Luma([(x + y) as u8]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Tiff)
        .expect("tiff");
    out.into_inner()
}

fn scanner(dir: &Path) -> Box<dyn Scanner> {
    let s = ScanSettings {
        folder_idle: IDLE,
        ..ScanSettings::default()
    };
    let spec = format!("folder:{}", dir.display());
    open_source(&spec, &s, None).expect("open")
}

fn next(sc: &mut dyn Scanner) -> ScannedPage {
    match sc.next_page() {
        Ok(Some(p)) => p,
        other => panic!("expected a page, got {other:?}"),
    }
}

/// Writes `bytes` to `path` in `chunks` pieces, `pause` apart, flushing each.
fn write_slowly(path: &Path, bytes: &[u8], chunks: usize, pause: Duration) {
    let mut f = std::fs::File::create(path).expect("create");
    for part in bytes.chunks(bytes.len().div_ceil(chunks)) {
        f.write_all(part).expect("write");
        f.flush().expect("flush");
        std::thread::sleep(pause);
    }
}

#[test]
fn a_stored_batch_replays_in_name_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let files = [
        ("scan-0003.png", png(3, 300)),
        ("scan-0001.png", png(1, 200)),
        ("scan-0002.JPEG", jpeg(150)),
        ("scan-0004.tif", tiff()),
    ];
    for (name, bytes) in &files {
        std::fs::write(d.join(name), bytes).expect("write");
    }
    // Not pages: other extensions, hidden and temporary files.
    std::fs::write(d.join("notes.txt"), b"hello").expect("write");
    std::fs::write(d.join(".scan-0000.png"), png(0, 300)).expect("write");
    std::fs::write(d.join("scan-0005.png.part"), b"\x89PNG").expect("write");
    std::fs::create_dir(d.join("sub.png")).expect("dir");

    let mut sc = scanner(d);
    assert!(sc.describe().contains(&d.display().to_string()));
    assert!(sc.next_page().is_err(), "next_page before start_batch");
    sc.start_batch().expect("start");
    let want = [
        ("scan-0001.png", "png", Some(200.0)),
        ("scan-0002.JPEG", "jpg", Some(150.0)),
        ("scan-0003.png", "png", Some(300.0)),
        ("scan-0004.tif", "tif", None),
    ];
    for (i, (name, ext, dpi)) in want.iter().enumerate() {
        let p = next(sc.as_mut());
        assert_eq!(p.source, format!("folder:{name}"));
        assert_eq!((p.extension, p.dpi), (*ext, *dpi), "{name}");
        assert_eq!((p.sheet, p.side), (i as u64 + 1, Side::Front));
        let original = &files.iter().find(|(n, _)| n == name).expect("file").1;
        assert_eq!(&p.bytes, original, "{name}: the file's own bytes");
    }
    let t = Instant::now();
    assert!(sc.next_page().expect("idle").is_none());
    let waited = t.elapsed();
    assert!(waited >= IDLE - Duration::from_millis(50), "{waited:?}");
    assert!(sc.next_page().expect("still over").is_none());
}

#[test]
fn files_written_slowly_are_delivered_whole() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path().to_path_buf();
    let a = png(7, 300);
    let b = jpeg(300);
    let c = png(9, 300);
    let (a2, b2, c2) = (a.clone(), b.clone(), c.clone());
    let mut sc = scanner(&d);
    sc.start_batch().expect("start");
    let writer = std::thread::spawn(move || {
        // Chunks 120 ms apart: the size changes at nearly every poll.
        write_slowly(&d.join("p-01.png"), &a2, 10, Duration::from_millis(120));
        // A pause longer than two polls mid-file: only the missing end marker tells
        // the file is not whole yet.
        write_slowly(&d.join("p-02.jpg"), &b2, 2, Duration::from_millis(700));
        // Written elsewhere and renamed in, as some scanner software does.
        write_slowly(&d.join(".p-03.png.tmp"), &c2, 4, Duration::from_millis(50));
        std::fs::rename(d.join(".p-03.png.tmp"), d.join("p-03.png")).expect("rename");
    });
    let got: Vec<ScannedPage> = (0..3).map(|_| next(sc.as_mut())).collect();
    writer.join().expect("writer");
    assert_eq!(got[0].bytes, a);
    assert_eq!(got[1].bytes, b);
    assert_eq!(got[2].bytes, c);
    for p in &got {
        image::load_from_memory(&p.bytes).expect("a whole image");
    }
    assert!(sc.next_page().expect("idle").is_none());
}

#[test]
fn an_abandoned_partial_file_is_reported_once_and_skipped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let whole = png(5, 300);
    std::fs::write(d.join("a.png"), &whole[..whole.len() / 2]).expect("write");
    std::fs::write(d.join("b.png"), &whole).expect("write");
    let mut sc = scanner(d);
    sc.start_batch().expect("start");
    let e = sc.next_page().expect_err("a.png never completes");
    // The scanner software failed on that sheet: scan it again, go on with the next.
    assert_eq!(e.status, Some(ScanStatus::IoError));
    assert_eq!(e.refeed_sheet, Some(1));
    assert!(
        e.message.contains("a.png") && e.message.contains("not a complete"),
        "{e}"
    );
    let p = next(sc.as_mut());
    assert_eq!((p.source.as_str(), p.sheet), ("folder:b.png", 2));
    assert!(sc.next_page().expect("idle").is_none());
}

#[test]
fn duplex_files_alternate_front_and_back_and_each_is_delivered_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    for i in 1..=4 {
        std::fs::write(d.join(format!("s{i}.png")), png(i, 300)).expect("write");
    }
    let mut sc = FolderScanner::new(d, Duration::from_millis(600), true)
        .with_poll(Duration::from_millis(50));
    sc.start_batch().expect("start");
    let got: Vec<(u64, Side)> = (0..4)
        .map(|_| {
            let p = next(&mut sc);
            (p.sheet, p.side)
        })
        .collect();
    assert_eq!(
        got,
        [
            (1, Side::Front),
            (1, Side::Back),
            (2, Side::Front),
            (2, Side::Back)
        ]
    );
    assert!(sc.next_page().expect("idle").is_none());
    // A new batch: old files are not delivered again, new ones are.
    sc.start_batch().expect("again");
    std::fs::write(d.join("s5.png"), png(5, 300)).expect("write");
    let p = next(&mut sc);
    assert_eq!((p.source.as_str(), p.sheet), ("folder:s5.png", 1));
    assert!(sc.next_page().expect("idle").is_none());
}

#[test]
fn a_missing_folder_is_an_error_and_an_empty_one_ends_after_idle() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut missing = scanner(&dir.path().join("nope"));
    let e = missing.start_batch().expect_err("missing folder");
    assert!(e.message.contains("nope"), "{e}");
    let mut sc = scanner(dir.path());
    sc.start_batch().expect("start");
    let t = Instant::now();
    assert!(sc.next_page().expect("idle").is_none());
    let waited = t.elapsed();
    assert!(
        waited >= IDLE && waited < IDLE + Duration::from_secs(1),
        "{waited:?}"
    );
    sc.cancel();
    assert!(sc.next_page().expect("cancelled").is_none());
}
