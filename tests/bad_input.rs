//! Bad input through the real binary: damaged, empty, huge and odd image files,
//! pages that are not this election's ballots, oversized election files (bad
//! storage and a second station process: `bad_storage.rs`). Each case ends
//! with a clear error naming the file (and page), and in a session every page
//! fed is accounted for: stored as a sheet, or reported by name.
// Test code: a panic is how it reports, and the pedantic style lints serve the
// product's code; long scenarios still say why they read better whole.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::pedantic)]
#![warn(clippy::too_many_lines)]

use std::io::Cursor;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use image::{DynamicImage, GrayImage, ImageFormat, Luma};
use kiemphieu_core::ballot::{BallotLayout, Serial};
use kiemphieu_core::election::{BallotKey, EXAMPLE_ELECTION, parse_election};
use kiemphieu_station::station::{Destination, NotBallot, Place, Station};
use kiemphieu_synth::{BallotSpec, Generator, GeneratorMix, SyntheticBallot};

use crate::common;
use common::{kp, ok, scan};

pub(crate) fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// The example election in `dir/e.toml` with its key beside it.
pub(crate) fn election_here(dir: &Path) {
    std::fs::write(dir.join("e.toml"), EXAMPLE_ELECTION).unwrap();
    BallotKey::load_or_create(&dir.join("e.toml")).unwrap();
}

/// Ballot pages of the election in `dir/e.toml`.
pub(crate) struct Pages {
    election: kiemphieu_core::election::Election,
    layout: BallotLayout,
    key: BallotKey,
}

impl Pages {
    pub(crate) fn new(dir: &Path) -> Pages {
        let election = parse_election(EXAMPLE_ELECTION, Path::new("e.toml")).unwrap();
        let layout = BallotLayout::for_election(&election).unwrap();
        let key = BallotKey::load(&dir.join("e.toml.key")).unwrap();
        Pages {
            election,
            layout,
            key,
        }
    }

    fn with<T>(&self, f: impl FnOnce(&Generator) -> T) -> T {
        f(&Generator::new(&self.election, &self.layout, &self.key).unwrap())
    }

    /// A clean, unmarked ballot at 150 dpi (both names kept: a definitive reading).
    pub(crate) fn clean(&self, serial: u64) -> SyntheticBallot {
        self.with(|g| {
            g.render(&BallotSpec::clean(
                &self.election,
                Serial(serial),
                150,
                serial,
            ))
            .unwrap()
        })
    }
}

pub(crate) fn png_bytes(img: &DynamicImage) -> Vec<u8> {
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
        .unwrap();
    out
}

/// A 30,000 × 30,000 white 1-bit PNG: 112 MB of pixels in a small file.
pub(crate) fn huge_png() -> Vec<u8> {
    let side = 30_000u32;
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, side, side);
        enc.set_color(png::ColorType::Grayscale);
        enc.set_depth(png::BitDepth::One);
        enc.set_compression(png::Compression::Fast);
        let mut w = enc.write_header().unwrap();
        let mut stream = w.stream_writer().unwrap();
        let row = vec![0xFFu8; side.div_ceil(8) as usize];
        use std::io::Write;
        for _ in 0..side {
            stream.write_all(&row).unwrap();
        }
        stream.finish().unwrap();
    }
    out
}

/// A three-page grey TIFF: ballot, blank white page, ballot.
pub(crate) fn tiff_with_blank_middle(a: &DynamicImage, b: &DynamicImage) -> Vec<u8> {
    use tiff::encoder::{TiffEncoder, colortype};
    let mut out = Cursor::new(Vec::new());
    {
        let mut enc = TiffEncoder::new(&mut out).unwrap();
        let (a, b) = (a.to_luma8(), b.to_luma8());
        let blank = GrayImage::from_pixel(a.width(), a.height(), Luma([250]));
        for page in [&a, &blank, &b] {
            enc.write_image::<colortype::Gray8>(page.width(), page.height(), page.as_raw())
                .unwrap();
        }
    }
    out.into_inner()
}

/// Whether ImageMagick's `convert` is here (CI installs it), to write a CMYK JPEG.
pub(crate) fn have_imagemagick() -> bool {
    let ok = Command::new("convert")
        .arg("-version")
        .stderr(Stdio::null())
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("ImageMagick"));
    assert!(
        ok,
        "ImageMagick is not installed: apt-get install imagemagick (scripts/test does it)"
    );
    ok
}

/// The bad and odd files of the campaign, with the good pages among them, written
/// into `dir`. Returns (file name, pages in it).
pub(crate) fn write_campaign(dir: &Path, pages: &Pages) -> Vec<(&'static str, usize)> {
    let a = pages.clean(0x1111);
    let b = pages.clean(0x2222);
    let c = pages.clean(0x3333);
    let w = |name: &str, bytes: &[u8]| std::fs::write(dir.join(name), bytes).unwrap();
    let mut files = Vec::new();
    w("01-good.png", &a.encoded);
    files.push(("01-good.png", 1));
    w("02-zero.png", &[]);
    files.push(("02-zero.png", 1));
    w("03-truncated.png", &b.encoded[..b.encoded.len() / 2]);
    files.push(("03-truncated.png", 1));
    // Its own ballot: a partial page may still show its code, and must not be
    // taken for the same ballot as the sixteen-bit copy below.
    let t = pages.clean(0x6666);
    let mut jpeg = Vec::new();
    t.image
        .to_rgb8()
        .write_to(&mut Cursor::new(&mut jpeg), ImageFormat::Jpeg)
        .unwrap();
    w("04-truncated.jpg", &jpeg[..jpeg.len() / 3]);
    files.push(("04-truncated.jpg", 1));
    w("05-huge.png", &huge_png());
    files.push(("05-huge.png", 1));
    // A PNM header announcing 900 Mpx: refused from the header, never decoded.
    w("06-huge.pgm", b"P5\n30000 30000\n255\n\xff\xff\xff\xff");
    files.push(("06-huge.pgm", 1));
    w(
        "07-sixteen-bit.png",
        &png_bytes(&DynamicImage::ImageLuma16(c.image.to_luma16())),
    );
    files.push(("07-sixteen-bit.png", 1));
    let d = pages.clean(0x4444);
    let e = pages.clean(0x5555);
    w("08-multi.tif", &tiff_with_blank_middle(&d.image, &e.image));
    files.push(("08-multi.tif", 3));
    w(
        "09-document.png",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
    );
    files.push(("09-document.png", 1));
    let mix = GeneratorMix::clear_only().with_dpi(150);
    let (wrong, forged, (first, copy)) = pages.with(|g| {
        (
            g.wrong_election(21, &mix).unwrap(),
            g.forged(22, &mix).unwrap(),
            g.duplicate_pair(23, &mix).unwrap(),
        )
    });
    w(
        &format!("10-wrong-election.{}", wrong.extension),
        &wrong.encoded,
    );
    w(&format!("11-forged.{}", forged.extension), &forged.encoded);
    w(&format!("12-original.{}", first.extension), &first.encoded);
    w(&format!("13-photocopy.{}", copy.extension), &copy.encoded);
    for (stem, ext) in [
        ("10-wrong-election", wrong.extension),
        ("11-forged", forged.extension),
        ("12-original", first.extension),
        ("13-photocopy", copy.extension),
    ] {
        let name: &'static str = Box::leak(format!("{stem}.{ext}").into_boxed_str());
        files.push((name, 1));
    }
    files
}

pub(crate) fn lines_for<'a>(
    out: &'a [serde_json::Value],
    file: &str,
) -> Vec<&'a serde_json::Value> {
    out.iter()
        .filter(|v| v["file"].as_str() == Some(file))
        .collect()
}

#[test]
pub(crate) fn interpret_names_every_bad_file_and_reads_every_good_page() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    election_here(d);
    let pages = Pages::new(d);
    let files = write_campaign(d, &pages);
    let mut names: Vec<String> = files.iter().map(|(n, _)| n.to_string()).collect();
    let cmyk = have_imagemagick() && {
        let s = Command::new("convert")
            .args(["01-good.png", "-colorspace", "CMYK", "14-cmyk.jpg"])
            .current_dir(d)
            .status()
            .unwrap();
        assert!(s.success());
        names.push("14-cmyk.jpg".into());
        true
    };
    let mut args = vec!["interpret", "--election", "e.toml", "--json"];
    args.extend(names.iter().map(String::as_str));
    let start = Instant::now();
    let o = kp(d, &args);
    let elapsed = start.elapsed();
    let (out, err) = text(&o);
    // Some files could not be read: bad input, exit code 2, after reading all the others.
    assert_eq!(o.status.code(), Some(2), "{out}\n{err}");
    assert!(
        err.contains("file(s) or page(s) could not be read"),
        "{err}"
    );
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // Every page of every file has its line, in input order.
    let expected: usize = files.iter().map(|(_, n)| n).sum::<usize>() + cmyk as usize;
    assert_eq!(lines.len(), expected, "{out}");

    let error_of = |file: &str, contains: &str| {
        let l = lines_for(&lines, file);
        assert_eq!(l.len(), 1, "{file}: {out}");
        assert_eq!(l[0]["status"], "error", "{file}: {}", l[0]);
        assert_eq!(l[0]["page"], 1);
        let message = l[0]["error"].as_str().unwrap();
        assert!(message.contains(contains), "{file}: {message}");
        // The one-line error on stderr names the file and the page.
        assert!(
            err.contains(&format!("error: {file}: page 1: ")),
            "{file} not named in: {err}"
        );
    };
    error_of("02-zero.png", "empty file");
    error_of("03-truncated.png", "damaged or truncated");
    error_of("05-huge.png", "30000×30000 pixels, over the budget");
    error_of("06-huge.pgm", "30000×30000 pixels, over the budget");
    error_of("09-document.png", "a PDF document");
    // A truncated JPEG decodes to a partial page: never a vote.
    let jpeg = lines_for(&lines, "04-truncated.jpg");
    assert_eq!(jpeg.len(), 1);
    assert!(
        ["error", "rejected", "review"].contains(&jpeg[0]["status"].as_str().unwrap()),
        "{}",
        jpeg[0]
    );
    // The 900 Mpx pages are refused from their header, in far less time than decoding takes.
    assert!(elapsed < Duration::from_secs(60), "{elapsed:?}");

    let status = |file: &str| {
        lines_for(&lines, file)[0]["status"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let reasons = |file: &str| lines_for(&lines, file)[0]["reasons"].to_string();
    for good in ["01-good.png", "07-sixteen-bit.png"] {
        assert!(
            ["valid", "invalid"].contains(&status(good).as_str()),
            "{good}: {}",
            lines_for(&lines, good)[0]
        );
    }
    assert_eq!(
        lines_for(&lines, "07-sixteen-bit.png")[0]["serial"],
        format!("{:016X}", 0x3333)
    );
    if cmyk {
        assert_eq!(
            lines_for(&lines, "14-cmyk.jpg")[0]["serial"],
            lines_for(&lines, "01-good.png")[0]["serial"],
            "CMYK JPEG read like its source"
        );
    }
    // The multi-page TIFF: its blank middle page is listed, not lost, not a ballot.
    let tif = lines_for(&lines, "08-multi.tif");
    assert_eq!(
        tif.iter()
            .map(|l| l["page"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        [1, 2, 3]
    );
    assert!(["valid", "invalid"].contains(&tif[0]["status"].as_str().unwrap()));
    assert!(
        ["blank", "rejected"].contains(&tif[1]["status"].as_str().unwrap()),
        "{}",
        tif[1]
    );
    assert!(["valid", "invalid"].contains(&tif[2]["status"].as_str().unwrap()));
    let wrong = files[9].0;
    let forged = files[10].0;
    assert_eq!(status(wrong), "rejected");
    assert!(
        reasons(wrong).contains("wrong_election"),
        "{}",
        reasons(wrong)
    );
    assert_eq!(status(forged), "rejected");
    assert!(reasons(forged).contains("forged"), "{}", reasons(forged));
    let (original, copy) = (files[11].0, files[12].0);
    assert_ne!(status(original), "duplicate");
    assert_eq!(status(copy), "duplicate", "{}", lines_for(&lines, copy)[0]);
    assert_eq!(lines_for(&lines, copy)[0]["duplicate_of"]["file"], original);
}

pub(crate) fn open_session(d: &Path, db: &str) -> Output {
    common::open_session(d, db, "e.toml", 300)
}

/// A demo session: the simulated scanner runs only in a demo database.
pub(crate) fn open_demo(d: &Path, db: &str) -> Output {
    let mut args = vec![
        "session",
        "open",
        "--db",
        db,
        "--election",
        "e.toml",
        "--demo",
    ];
    args.extend(common::BOARD);
    args.extend(common::COUNT_DATE);
    args.extend(["--attendance", "300"]);
    kp(d, &args)
}

pub(crate) fn scan_folder(d: &Path, db: &str, folder: &str) -> Output {
    scan(d, db, &format!("folder:{folder}"), &[])
}

#[test]
pub(crate) fn folder_session_accounts_for_every_page_fed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    election_here(d);
    let pages = Pages::new(d);
    std::fs::create_dir(d.join("scans")).unwrap();
    let files = write_campaign(&d.join("scans"), &pages);
    // Office scanners often write PDF: such a file is named, not silently ignored.
    std::fs::write(d.join("scans/15-scan.pdf"), b"%PDF-1.7\n%%EOF\n").unwrap();
    ok(&open_session(d, "st.db"));
    // The genuine ballots of the campaign were printed for this count.
    let original = pages.with(|g| {
        g.sample(23, &GeneratorMix::clear_only().with_dpi(150))
            .serial
    });
    let printed: Vec<Serial> = [0x1111, 0x2222, 0x3333, 0x4444, 0x5555]
        .into_iter()
        .map(Serial)
        .chain([original])
        .collect();
    common::record_printed(d, "st.db", &printed);
    let o = scan_folder(d, "st.db", "scans");
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}\n{err}");

    // Files the scanner software never completed are reported by name, to scan again.
    let incomplete = [
        "02-zero.png",
        "03-truncated.png",
        "04-truncated.jpg",
        "15-scan.pdf",
    ];
    let skipped: Vec<&str> = incomplete
        .into_iter()
        .filter(|f| err.lines().any(|l| l.contains(f)))
        .collect();
    assert_eq!(skipped, incomplete, "{err}");
    assert!(err.contains("folder:15-scan.pdf: a PDF document"), "{err}");
    let station = Station::open(&d.join("st.db")).unwrap();
    let sheets = station.sheets().unwrap();
    // Every other page is a sheet: stored, read, with its source named.
    let fed: Vec<(String, usize)> = files
        .iter()
        .filter(|(f, _)| !skipped.contains(f))
        .map(|(f, n)| (f.to_string(), *n))
        .collect();
    let expected: usize = fed.iter().map(|(_, n)| n).sum();
    assert_eq!(sheets.len(), expected, "stored sheets = pages fed");
    for (file, n) in &fed {
        let of_file: Vec<_> = sheets
            .iter()
            .filter(|s| s.sheet.source.contains(file.as_str()))
            .collect();
        assert_eq!(of_file.len(), *n, "{file}");
        assert!(of_file.iter().all(|s| s.reading.is_some()), "{file} read");
    }
    let status_of = |file: &str| {
        sheets
            .iter()
            .find(|s| s.sheet.source.contains(file))
            .and_then(|s| s.reading.as_ref())
            .map(|r| kiemphieu_station::station::status_code(r.status).to_string())
            .unwrap()
    };
    for bad in ["05-huge.png", "06-huge.pgm", "09-document.png"] {
        assert_eq!(status_of(bad), "rejected", "{bad}");
    }
    let reading = |file: &str| {
        sheets
            .iter()
            .find(|s| s.sheet.source.contains(file))
            .and_then(|s| s.reading.as_ref())
            .map(|r| r.reasons.join(" "))
            .unwrap()
    };
    assert!(reading("05-huge.png").contains("over the budget"));
    assert!(reading("09-document.png").contains("PDF"));
    assert_eq!(status_of(files[9].0), "rejected");
    // The photocopy: the count takes the first sheet with the serial, lists the other.
    let count = station.count().unwrap();
    let outcome_of = |file: &str| {
        let id = sheets
            .iter()
            .find(|s| s.sheet.source.contains(file))
            .unwrap()
            .sheet
            .id;
        count.sheets[&id].clone()
    };
    assert_eq!(
        outcome_of(files[11].0).destination(),
        Some(Destination::Ballot)
    );
    assert!(matches!(
        outcome_of(files[12].0),
        Place::Awaiting {
            destination: Destination::NotABallot(NotBallot::SecondScan),
            ..
        }
    ));
    // Every page has its place.
    let listed: u32 = count.places.values().sum();
    assert_eq!(listed as usize, expected, "{:?}", count.places);
}

/// The example election with `n` candidates, or with a candidate's name `name_chars` long.
pub(crate) fn oversized_election(candidates: usize, name_chars: usize) -> String {
    let head = EXAMPLE_ELECTION
        .split("[[candidates]]")
        .next()
        .unwrap()
        .to_string();
    let mut s = head;
    for i in 0..candidates {
        let name = if i == 0 && name_chars > 0 {
            "Ă".repeat(name_chars)
        } else {
            format!("Nguyễn Văn {i}")
        };
        s.push_str(&format!(
            "[[candidates]]\nid = \"c{i}\"\nname = \"{name}\"\n\n"
        ));
    }
    s
}

#[test]
pub(crate) fn oversized_election_files_are_refused_quickly_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let many = oversized_election(10_000, 0);
    let long = oversized_election(2, 1_000_000);
    assert!(many.len() > 200_000 && long.len() > 1_000_000);
    std::fs::write(d.join("many.toml"), &many).unwrap();
    std::fs::write(d.join("long.toml"), &long).unwrap();
    for file in ["many.toml", "long.toml"] {
        let start = Instant::now();
        for args in [
            vec!["election", "check", file],
            vec![
                "ballots",
                "--election",
                file,
                "--count",
                "1",
                "--out",
                "out",
            ],
            vec![
                "session",
                "open",
                "--db",
                "st.db",
                "--election",
                file,
                "--leader",
                "A",
                "--witness",
                "B",
                "--witness",
                "C",
                "--attendance",
                "1",
            ],
        ] {
            let o = kp(d, &args);
            let (_, err) = text(&o);
            assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
            assert!(
                err.contains(&format!("{file}:1: (file): file is"))
                    && err.contains("at most 65536 bytes"),
                "{args:?}: {err}"
            );
            assert_eq!(err.trim().lines().count(), 1, "{err}");
        }
        assert!(start.elapsed() < Duration::from_secs(20), "{file}");
    }
    // Below the file limit, the parser itself names the field (no quadratic work).
    let parse = |text: &str| {
        parse_election(text, Path::new("x.toml"))
            .unwrap_err()
            .to_string()
    };
    let start = Instant::now();
    let err = parse(&oversized_election(1_500, 0));
    assert!(
        err.contains("candidates") && err.contains("1500 candidates; a ballot holds at most 10"),
        "{err}"
    );
    let err = parse(&oversized_election(2, 20_000));
    assert!(err.contains("candidates[1].name"), "{err}");
    assert!(start.elapsed() < Duration::from_secs(5));
    // Nothing was created for a refused file.
    assert!(!d.join("st.db").exists() && !d.join("out").exists());
}
