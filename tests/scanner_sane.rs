//! The `sane:` driver against real libsane: SANE's own `test` backend (an ADF that
//! empties after 10 pages, and a `read-return-value` option that makes `sane_read`
//! fail with any status) and the `pnm` backend (feeds our own ballot images through
//! libsane, with status switches).
//!
//! A private SANE config dir (`SANE_CONFIG_DIR`, `dll.conf` listing `test` and `pnm`)
//! keeps /etc untouched. Without libsane1 the tests are skipped with a loud message
//! (`apt-get install libsane1`; `.ci/run` installs it).
// Test code: a panic is how it reports, and the pedantic style lints serve the
// product's code; long scenarios still say why they read better whole.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::pedantic)]
#![warn(clippy::too_many_lines)]

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, Once};

use image::GenericImageView;
use kiemphieu::source::open_source;
use kiemphieu_core::ballot::BallotLayout;
use kiemphieu_core::election::{BallotKey, EXAMPLE_ELECTION, parse_election};
use kiemphieu_devices::scanner::sane::{OptionValue, SaneScanner};
use kiemphieu_devices::scanner::{
    PaperSource, ScanColour, ScanError, ScanSettings, ScanStatus, ScannedPage, Scanner,
    list_devices,
};
use kiemphieu_synth::{ColourMode, FileFormat, Generator, GeneratorMix};

/// SANE is process-global and the test devices can be opened once: one test at a time.
static SERIAL: Mutex<()> = Mutex::new(());

/// The private SANE configuration, under the build's own scratch folder
/// (`target/tmp`), so no run leaves a folder behind in /tmp.
fn config_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("sane-test-{}", std::process::id()))
}

/// Sets up the private SANE config; `None` (after a loud message) if libsane is missing.
fn sane() -> Option<MutexGuard<'static, ()>> {
    static SETUP: Once = Once::new();
    let guard = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    SETUP.call_once(|| {
        let dir = config_dir();
        std::fs::create_dir_all(&dir).expect("config dir");
        std::fs::write(dir.join("dll.conf"), "test\npnm\n").expect("dll.conf");
        // SAFETY: set once, before libsane is first initialised (it reads the variable
        // in sane_init, under the SERIAL lock we hold); no other code in this test
        // binary reads the environment from C concurrently.
        unsafe { std::env::set_var("SANE_CONFIG_DIR", &dir) };
    });
    match kiemphieu_devices::scanner::sane::version() {
        Ok(_) => Some(guard),
        Err(e) => panic!(
            "libsane cannot be loaded ({e}): apt-get install libsane1 sane-utils (scripts/test does it)"
        ),
    }
}

fn settings(colour: ScanColour, dpi: u32) -> ScanSettings {
    ScanSettings {
        source: PaperSource::Adf,
        duplex: false,
        dpi,
        colour,
        ..ScanSettings::default()
    }
}

fn open(device: &str, s: &ScanSettings) -> SaneScanner {
    SaneScanner::open(device, s).unwrap_or_else(|e| panic!("open {device}: {e}"))
}

fn set(sc: &mut SaneScanner, name: &str, value: OptionValue) {
    sc.set_option(name, value.clone())
        .unwrap_or_else(|e| panic!("set {name} = {value:?}: {e}"));
}

fn page(sc: &mut SaneScanner) -> ScannedPage {
    match sc.next_page() {
        Ok(Some(p)) => p,
        other => panic!("expected a page, got {other:?}"),
    }
}

fn fault(sc: &mut SaneScanner) -> ScanError {
    match sc.next_page() {
        Err(e) => e,
        Ok(p) => panic!("expected a fault, got {:?}", p.map(|p| (p.source, p.sheet))),
    }
}

fn decode(p: &ScannedPage) -> image::DynamicImage {
    assert_eq!(p.extension, "png");
    image::load_from_memory_with_format(&p.bytes, image::ImageFormat::Png).expect("PNG decodes")
}

/// The resolution recorded in a PNG's pHYs chunk.
fn png_dpi(bytes: &[u8]) -> Option<f64> {
    let at = bytes.windows(4).position(|w| w == b"pHYs")?;
    let ppm = u32::from_be_bytes(bytes[at + 4..at + 8].try_into().ok()?);
    Some(f64::from(ppm) * 0.0254)
}

#[test]
fn lists_the_test_and_pnm_devices() {
    let Some(_g) = sane() else { return };
    let devices = list_devices().expect("list");
    let specs: Vec<&str> = devices.iter().map(|d| d.spec.as_str()).collect();
    for want in ["sane:test:0", "sane:test:1", "sane:pnm:0"] {
        assert!(specs.contains(&want), "{want} not in {specs:?}");
    }
    let t = devices.iter().find(|d| d.name == "test:0").expect("test:0");
    assert_eq!(t.model, "frontend-tester");
}

#[test]
fn a_missing_device_is_disconnected() {
    let Some(_g) = sane() else { return };
    let e = SaneScanner::open("test:9", &ScanSettings::default()).expect_err("no test:9");
    assert_eq!(e.status, Some(ScanStatus::Disconnected), "{e}");
    assert!(e.message.contains("test:9"), "{e}");
}

#[test]
fn the_feeder_batch_ends_after_ten_sheets_and_restarts() {
    let Some(_g) = sane() else { return };
    let mut sc = open("test:0", &settings(ScanColour::Grey, 50));
    assert_eq!(sc.dpi(), Some(50.0));
    assert_eq!(
        sc.get_option("source").expect("source"),
        OptionValue::String("Automatic Document Feeder".into())
    );
    set(&mut sc, "test-picture", OptionValue::String("Grid".into()));
    assert!(sc.next_page().is_err(), "next_page before start_batch");
    for batch in 0..2 {
        sc.start_batch().expect("start");
        let mut pages = Vec::new();
        while let Some(p) = sc.next_page().expect("page") {
            pages.push(p);
        }
        assert_eq!(
            pages.len(),
            10,
            "batch {batch}: the test ADF holds 10 sheets"
        );
        for (i, p) in pages.iter().enumerate() {
            let n = i as u64 + 1;
            assert_eq!(p.sheet, n);
            assert_eq!(p.source, format!("sane:test:0 sheet {n} front"));
            assert_eq!(p.dpi, Some(50.0));
            let dpi = png_dpi(&p.bytes).expect("pHYs");
            assert!((dpi - 50.0).abs() < 0.1, "pHYs {dpi}");
            let img = decode(p);
            // Whole scan area: 200 × 200 mm at 50 dpi.
            assert_eq!(img.dimensions(), (393, 393));
            assert_eq!(img.color(), image::ColorType::L8);
            let grey = img.to_luma8();
            assert!(grey.pixels().any(|p| p.0[0] == 0) && grey.pixels().any(|p| p.0[0] == 255));
        }
        assert!(sc.next_page().expect("after the end").is_none());
    }
}

#[test]
fn an_empty_feeder_at_the_start_is_no_paper_then_the_batch_goes_on() {
    let Some(_g) = sane() else { return };
    let mut sc = open("test:0", &settings(ScanColour::Grey, 25));
    sc.start_batch().expect("start");
    for n in 1..=10 {
        assert_eq!(page(&mut sc).sheet, n);
    }
    // Stop before the 11th sane_start, which the test ADF answers with NO_DOCS.
    sc.cancel();
    assert!(sc.next_page().expect("cancelled").is_none());
    sc.start_batch().expect("start again");
    let e = fault(&mut sc);
    assert_eq!(e.status, Some(ScanStatus::NoPaper), "{e}");
    assert_eq!(e.refeed_sheet, None, "no sheet was pulled in");
    assert!(
        e.instruction_vi().contains("Khay nạp giấy trống"),
        "{}",
        e.instruction_vi()
    );
    // The operator loads paper (the test ADF refills): sheet 1 comes — asked no sooner
    // than a second after the fault, so a caller retrying at once does not hammer it.
    let t = std::time::Instant::now();
    let p = page(&mut sc);
    assert!(t.elapsed() >= std::time::Duration::from_millis(900));
    assert_eq!(
        (p.sheet, p.source.as_str()),
        (1, "sane:test:0 sheet 1 front")
    );
}

/// Each fault `sane_read` can report surfaces as its status, names the sheet to
/// re-feed, and the next sheet scans.
#[test]
fn each_read_fault_is_surfaced_and_the_next_sheet_scans() {
    let Some(_g) = sane() else { return };
    let cases = [
        ("SANE_STATUS_JAMMED", ScanStatus::Jammed),
        ("SANE_STATUS_COVER_OPEN", ScanStatus::CoverOpen),
        ("SANE_STATUS_DEVICE_BUSY", ScanStatus::DeviceBusy),
        ("SANE_STATUS_IO_ERROR", ScanStatus::IoError),
        ("SANE_STATUS_NO_MEM", ScanStatus::IoError),
        ("SANE_STATUS_ACCESS_DENIED", ScanStatus::IoError),
        ("SANE_STATUS_CANCELLED", ScanStatus::IoError),
        ("SANE_STATUS_INVAL", ScanStatus::IoError),
        // EOF before any data: a truncated frame, never a page.
        ("SANE_STATUS_EOF", ScanStatus::IoError),
    ];
    for (value, status) in cases {
        let mut sc = open("test:0", &settings(ScanColour::Colour, 25));
        sc.start_batch().expect("start");
        let first = page(&mut sc);
        assert_eq!(first.sheet, 1);
        set(
            &mut sc,
            "read-return-value",
            OptionValue::String(value.into()),
        );
        let e = fault(&mut sc);
        assert_eq!(e.status, Some(status), "{value}: {e}");
        assert_eq!(e.refeed_sheet, Some(2), "{value}: {e}");
        assert!(e.message.contains("sheet 2"), "{e}");
        assert!(e.instruction_en().contains("Sheet 2 was not scanned"));
        assert!(e.instruction_vi().contains("Tờ số 2"));
        set(
            &mut sc,
            "read-return-value",
            OptionValue::String("Default".into()),
        );
        let next = page(&mut sc);
        assert_eq!(
            next.sheet, 3,
            "{value}: the batch goes on with the next sheet"
        );
        assert_eq!(next.source, "sane:test:0 sheet 3 front");
        assert_eq!(decode(&next).dimensions(), decode(&first).dimensions());
        assert_eq!(
            next.dpi,
            Some(25.0),
            "{value}: settings kept after recovery"
        );
    }
}

#[test]
fn no_docs_before_any_data_ends_the_batch_normally() {
    let Some(_g) = sane() else { return };
    let mut sc = open("test:0", &settings(ScanColour::Grey, 25));
    // On the first sheet it means the tray is empty.
    set(
        &mut sc,
        "read-return-value",
        OptionValue::String("SANE_STATUS_NO_DOCS".into()),
    );
    sc.start_batch().expect("start");
    let e = fault(&mut sc);
    assert_eq!(e.status, Some(ScanStatus::NoPaper), "{e}");
    assert_eq!(e.refeed_sheet, None);
    set(
        &mut sc,
        "read-return-value",
        OptionValue::String("Default".into()),
    );
    assert_eq!(page(&mut sc).sheet, 1);
    assert_eq!(page(&mut sc).sheet, 2);
    // After sheets came, it is the end of the batch.
    set(
        &mut sc,
        "read-return-value",
        OptionValue::String("SANE_STATUS_NO_DOCS".into()),
    );
    assert!(sc.next_page().expect("end").is_none());
    assert!(sc.next_page().expect("still the end").is_none());
}

#[test]
fn a_flatbed_batch_is_one_sheet() {
    let Some(_g) = sane() else { return };
    let s = ScanSettings {
        source: PaperSource::Flatbed,
        ..settings(ScanColour::Grey, 25)
    };
    let mut sc = open("test:0", &s);
    assert_eq!(
        sc.get_option("source").expect("source"),
        OptionValue::String("Flatbed".into())
    );
    sc.start_batch().expect("start");
    assert_eq!(page(&mut sc).sheet, 1);
    assert!(sc.next_page().expect("end").is_none());
}

#[test]
fn duplex_is_refused_by_a_simplex_device() {
    let Some(_g) = sane() else { return };
    let s = ScanSettings {
        duplex: true,
        ..settings(ScanColour::Grey, 25)
    };
    let e = SaneScanner::open("test:0", &s).expect_err("test backend has no duplex");
    assert!(e.message.contains("both sides"), "{e}");
}

/// Grey and colour at depth 1, 8 and 16, three-pass colour, padded lines and unknown
/// height all come out as the same picture.
#[test]
fn frame_formats_convert_to_the_same_pixels() {
    let Some(_g) = sane() else { return };
    let scan = |colour, tweaks: &[(&str, OptionValue)]| -> image::DynamicImage {
        let mut sc = open("test:0", &settings(colour, 30));
        set(
            &mut sc,
            "test-picture",
            OptionValue::String("Color pattern".into()),
        );
        for (name, v) in tweaks {
            set(&mut sc, name, v.clone());
        }
        sc.start_batch().expect("start");
        let p = page(&mut sc);
        decode(&p)
    };
    let rgb8 = scan(ScanColour::Colour, &[]);
    assert_eq!(rgb8.color(), image::ColorType::Rgb8);
    let three_pass = scan(
        ScanColour::Colour,
        &[("three-pass", OptionValue::Bool(true))],
    );
    assert_eq!(
        three_pass.to_rgb8(),
        rgb8.to_rgb8(),
        "three-pass = one-pass colour"
    );
    let rgb16 = scan(ScanColour::Colour, &[("depth", OptionValue::Int(16))]);
    assert_eq!(rgb16.color(), image::ColorType::Rgb16);
    assert_eq!(rgb16.dimensions(), rgb8.dimensions());
    let grey8 = scan(ScanColour::Grey, &[]);
    let grey16 = scan(ScanColour::Grey, &[("depth", OptionValue::Int(16))]);
    assert_eq!(grey16.color(), image::ColorType::L16);
    assert_eq!(grey16.dimensions(), grey8.dimensions());
    // The 16-bit pattern has ramps rising by 256 per pixel (46, 302, 558, …); with the
    // bytes swapped they would rise by 1 (0x2E00, 0x2E01, …).
    let g16 = grey16.to_luma16();
    let rises_by = |step: i32| {
        g16.rows().any(|row| {
            let v: Vec<i32> = row.map(|p| i32::from(p.0[0])).collect();
            v.windows(17)
                .any(|w| w.windows(2).all(|d| d[1] - d[0] == step))
        })
    };
    assert!(
        rises_by(256) && !rises_by(1),
        "16-bit samples in the right byte order"
    );
    // Padded lines: the backend wastes pixels at the end of each line.
    let lossy = scan(ScanColour::Grey, &[("ppl-loss", OptionValue::Int(7))]);
    assert_eq!(lossy.width(), grey8.width() - 7);
    assert_eq!(lossy.height(), grey8.height());
    // Unknown height (lines = -1): read to EOF, whole lines.
    let hand = scan(
        ScanColour::Grey,
        &[("hand-scanner", OptionValue::Bool(true))],
    );
    assert_eq!(hand.dimensions(), (129, 200), "110 × 170 mm at 30 dpi");

    // 1-bit: solid black and white stay black and white, grey and colour.
    for (picture, level) in [("Solid black", 0u8), ("Solid white", 255u8)] {
        for colour in [ScanColour::Grey, ScanColour::Colour] {
            let img = scan(
                colour,
                &[
                    ("depth", OptionValue::Int(1)),
                    ("test-picture", OptionValue::String(picture.into())),
                ],
            );
            let rgb = img.to_rgb8();
            assert!(
                rgb.pixels().all(|p| p.0 == [level; 3]),
                "{picture} {colour:?} depth 1 is {level}"
            );
        }
    }
}

#[test]
fn open_source_opens_a_sane_device_by_spec() {
    let Some(_g) = sane() else { return };
    let mut sc = open_source("sane:test:1", &settings(ScanColour::Grey, 25), None).expect("open");
    assert!(sc.describe().contains("test:1"), "{}", sc.describe());
    sc.start_batch().expect("start");
    let p = sc.next_page().expect("page").expect("a page");
    assert_eq!(p.source, "sane:test:1 sheet 1 front");
}

/// Real ballots, written as PGM / PPM, through real libsane with the pnm backend: the
/// pages come out with identical pixels; its status switches surface as faults.
#[test]
fn ballots_pass_through_the_pnm_backend_unchanged() {
    let Some(_g) = sane() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let election = parse_election(EXAMPLE_ELECTION, Path::new("example.toml")).expect("parse");
    let layout = BallotLayout::for_election(&election).expect("layout");
    let key = BallotKey::from_bytes([9; 32]);
    let generator = Generator::new(&election, &layout, &key).expect("generator");
    let mix = GeneratorMix::realistic().with_dpi(200);
    let mut ballots = Vec::new();
    for (i, colour) in [ColourMode::Grey, ColourMode::Rgb, ColourMode::Grey]
        .into_iter()
        .enumerate()
    {
        let mut spec = generator.sample(100 + i as u64, &mix);
        spec.scan.colour = colour;
        spec.scan.format = FileFormat::Png;
        let image = generator.render(&spec).expect("render").image;
        // The pnm backend wants the usual three-line header (`image` writes two).
        let (magic, ext) = match colour {
            ColourMode::Rgb => ("P6", "ppm"),
            _ => ("P5", "pgm"),
        };
        let mut file = format!("{magic}\n{} {}\n255\n", image.width(), image.height()).into_bytes();
        file.extend_from_slice(image.as_bytes());
        let path = dir.path().join(format!("ballot-{i}.{ext}"));
        std::fs::write(&path, file).expect("write");
        ballots.push((path, image));
    }

    // The pnm device reports colour for PPM and grey for PGM whatever the mode.
    let mut sc = open("pnm:0", &settings(ScanColour::Colour, 600));
    assert_eq!(
        sc.dpi(),
        Some(300.0),
        "600 dpi snaps to the pnm backend's best"
    );
    sc.start_batch().expect("start");
    for (n, (file, original)) in ballots.iter().enumerate() {
        let name = file.to_str().expect("utf-8 path").to_string();
        set(&mut sc, "filename", OptionValue::String(name));
        let p = page(&mut sc);
        assert_eq!(p.sheet, n as u64 + 1);
        let got = decode(&p);
        assert_eq!(got.color(), original.color(), "sheet {}", n + 1);
        assert_eq!(got.dimensions(), original.dimensions());
        assert!(
            got.as_bytes() == original.as_bytes(),
            "sheet {}: pixels differ",
            n + 1
        );
    }

    // A jam on the next sheet, then the batch goes on.
    set(&mut sc, "status-jammed", OptionValue::Bool(true));
    let e = fault(&mut sc);
    assert_eq!(e.status, Some(ScanStatus::Jammed), "{e}");
    assert_eq!(e.refeed_sheet, Some(4));
    set(&mut sc, "status-jammed", OptionValue::Bool(false));
    set(&mut sc, "status-coveropen", OptionValue::Bool(true));
    let e = fault(&mut sc);
    assert_eq!(e.status, Some(ScanStatus::CoverOpen), "{e}");
    assert_eq!(e.refeed_sheet, Some(5));
    set(&mut sc, "status-coveropen", OptionValue::Bool(false));
    set(&mut sc, "status-ioerror", OptionValue::Bool(true));
    let e = fault(&mut sc);
    assert_eq!(e.status, Some(ScanStatus::IoError), "{e}");
    assert_eq!(e.refeed_sheet, Some(6));
    set(&mut sc, "status-ioerror", OptionValue::Bool(false));
    let p = page(&mut sc);
    assert_eq!(p.sheet, 7);
    assert!(decode(&p).as_bytes() == ballots[2].1.as_bytes());
    // The feeder runs out: the end of the batch.
    set(&mut sc, "status-nodocs", OptionValue::Bool(true));
    assert!(sc.next_page().expect("end").is_none());
}

/// A frame shorter than its parameters announced — here the pnm backend misreading a
/// two-line PGM header and so losing the start of the data — is a fault naming the
/// sheet, never a page.
#[test]
fn a_frame_that_ends_early_is_a_fault_not_a_page() {
    let Some(_g) = sane() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let (w, h) = (40usize, 30usize);
    let mut data = vec![0x80u8; w * h];
    data[100] = b'\n';
    let mut file = format!("P5\n{w} {h} 255\n").into_bytes();
    file.extend_from_slice(&data);
    let short = dir.path().join("short.pgm");
    std::fs::write(&short, file).expect("write");
    let mut whole = format!("P5\n{w} {h}\n255\n").into_bytes();
    whole.extend_from_slice(&vec![0x80u8; w * h]);
    let good = dir.path().join("good.pgm");
    std::fs::write(&good, whole).expect("write");

    let mut sc = open("pnm:0", &settings(ScanColour::Grey, 300));
    sc.start_batch().expect("start");
    set(
        &mut sc,
        "filename",
        OptionValue::String(short.display().to_string()),
    );
    let e = fault(&mut sc);
    assert_eq!(e.status, Some(ScanStatus::IoError), "{e}");
    assert_eq!(e.refeed_sheet, Some(1));
    assert!(e.message.contains("1099 of 1200 bytes"), "{e}");
    set(
        &mut sc,
        "filename",
        OptionValue::String(good.display().to_string()),
    );
    let p = page(&mut sc);
    assert_eq!(p.sheet, 2);
    assert_eq!(decode(&p).dimensions(), (40, 30));
}
