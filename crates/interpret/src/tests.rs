//! End-to-end tests of the interpreter on ballots rendered by the project,
//! marked with simple strokes (the varied corpus is in tests/interpret_corpus.rs).

use std::path::Path;

use image::{DynamicImage, Rgb, RgbImage};

use super::*;
use crate::ballot::raster::render_ballot_gray;
use crate::ballot::{BallotLayout, Payload, Serial};
use crate::election::{EXAMPLE_ELECTION, parse_election};

fn setup(text: &str) -> (Election, BallotKey, Interpreter, BallotLayout) {
    let election = parse_election(text, Path::new("e.toml")).unwrap();
    let key = BallotKey::from_bytes([7; 32]);
    let interp = Interpreter::new(&election, key.clone(), Profile::default()).unwrap();
    let layout = BallotLayout::for_election(&election).unwrap();
    (election, key, interp, layout)
}

fn printed(
    election: &Election,
    key: &BallotKey,
    layout: &BallotLayout,
    dpi: f32,
    serial: u64,
) -> RgbImage {
    let text = Payload::sign(&Fingerprint::of(election), Serial(serial), key).encode();
    DynamicImage::ImageLuma8(render_ballot_gray(layout, Some(&text), dpi)).to_rgb8()
}

#[allow(clippy::needless_range_loop)]
fn stroke(
    img: &mut RgbImage,
    dpi: f32,
    a: (f64, f64),
    b: (f64, f64),
    width_mm: f64,
    colour: [u8; 3],
) {
    let s = f64::from(dpi) / 25.4;
    let (ax, ay, bx, by) = (a.0 * s, a.1 * s, b.0 * s, b.1 * s);
    let r = width_mm * s / 2.0;
    let n = ((bx - ax).hypot(by - ay) * 2.0) as usize + 1;
    for i in 0..=n {
        let t = i as f64 / n as f64;
        let (cx, cy) = (ax + (bx - ax) * t, ay + (by - ay) * t);
        for y in (cy - r).floor() as i64..=(cy + r).ceil() as i64 {
            for x in (cx - r).floor() as i64..=(cx + r).ceil() as i64 {
                if ((x as f64 - cx).powi(2) + (y as f64 - cy).powi(2)).sqrt() <= r
                    && x >= 0
                    && y >= 0
                    && (x as u32) < img.width()
                    && (y as u32) < img.height()
                {
                    let p = img.get_pixel_mut(x as u32, y as u32);
                    for k in 0..3 {
                        p.0[k] = p.0[k].min(colour[k]);
                    }
                }
            }
        }
    }
}

fn strike_name(img: &mut RgbImage, dpi: f32, layout: &BallotLayout, i: usize, colour: [u8; 3]) {
    let c = &layout.candidates[i];
    let y = f64::midpoint(c.x_band_mm.top, c.x_band_mm.bottom);
    stroke(
        img,
        dpi,
        (c.name_mm.x - 3.0, y + 0.6),
        (c.name_mm.right() + 3.0, y - 0.6),
        0.5,
        colour,
    );
}

fn stamp(img: &mut RgbImage, dpi: f32, layout: &BallotLayout) {
    let r = layout.stamp_mm;
    let (cx, cy) = (r.x + r.w / 2.0, r.y + r.h / 2.0);
    let rad = r.w.min(r.h) / 2.0 - 2.0;
    let n = 90;
    for i in 0..n {
        let a0 = f64::from(i) / f64::from(n) * std::f64::consts::TAU;
        let a1 = f64::from(i + 1) / f64::from(n) * std::f64::consts::TAU;
        let red = [215, 40, 45];
        stroke(
            img,
            dpi,
            (cx + rad * a0.cos(), cy + rad * a0.sin()),
            (cx + rad * a1.cos(), cy + rad * a1.sin()),
            1.0,
            red,
        );
        let r2 = rad * 0.7;
        stroke(
            img,
            dpi,
            (cx + r2 * a0.cos(), cy + r2 * a0.sin()),
            (cx + r2 * a1.cos(), cy + r2 * a1.sin()),
            0.5,
            red,
        );
    }
}

fn page(img: RgbImage, dpi: f64) -> Page {
    Page {
        image: DynamicImage::ImageRgb8(img),
        dpi: Some(dpi),
    }
}

#[test]
fn clean_strike_of_one_of_two_names_is_a_valid_vote() {
    let (election, key, interp, layout) = setup(EXAMPLE_ELECTION);
    for dpi in [150.0f32, 200.0, 300.0] {
        let mut img = printed(&election, &key, &layout, dpi, 1234);
        strike_name(&mut img, dpi, &layout, 0, [30, 60, 180]);
        stamp(&mut img, dpi, &layout);
        let r = interp.interpret(&page(img, f64::from(dpi)));
        assert_eq!(r.status, Status::Valid, "{dpi} dpi: {r:#?}");
        assert_eq!(r.vote.as_deref(), Some("c2"));
        assert_eq!(r.struck, vec!["c1"]);
        assert_eq!(r.serial.as_deref(), Some("00000000000004D2"));
    }
}

#[test]
fn upside_down_and_grey_pages_are_read() {
    let (election, key, interp, layout) = setup(EXAMPLE_ELECTION);
    let dpi = 200.0;
    let mut img = printed(&election, &key, &layout, dpi, 99);
    strike_name(&mut img, dpi, &layout, 1, [0, 0, 0]);
    stamp(&mut img, dpi, &layout);
    let flipped = image::imageops::rotate180(&img);
    let grey = DynamicImage::ImageRgb8(flipped).to_luma8();
    let r = interp.interpret(&Page {
        image: DynamicImage::ImageLuma8(grey),
        dpi: None,
    });
    assert_eq!(r.rotation, 180);
    assert_eq!(r.kept, vec!["c1"]);
    assert_eq!(r.struck, vec!["c2"], "{r:#?}");
    assert_eq!(
        r.stamp.as_ref().map(|s| s.state),
        Some(Presence::Present),
        "{r:#?}"
    );
    assert_eq!(r.status, Status::Valid, "{r:#?}");
}

#[test]
fn missing_stamp_and_nothing_struck_go_to_the_officials_or_are_invalid() {
    let (election, key, interp, layout) = setup(EXAMPLE_ELECTION);
    let dpi = 200.0;
    let img = printed(&election, &key, &layout, dpi, 5);
    let r = interp.interpret(&page(img, f64::from(dpi)));
    // Both names kept (invalid, art. 74 c) and no stamp: the officials look at it.
    assert_eq!(r.status, Status::Review, "{r:#?}");
    assert_eq!(r.kept, vec!["c1", "c2"]);
    assert!(
        r.reasons.contains(&"missing_stamp".to_string()),
        "{:?}",
        r.reasons
    );
}

#[test]
fn other_elections_and_forgeries_are_rejected() {
    let (election, _key, interp, layout) = setup(EXAMPLE_ELECTION);
    let dpi = 200.0;
    let forged = printed(&election, &BallotKey::from_bytes([8; 32]), &layout, dpi, 5);
    let r = interp.interpret(&page(forged, f64::from(dpi)));
    assert_eq!(
        (r.status, r.reasons.clone()),
        (Status::Rejected, vec!["forged".to_string()])
    );
    assert_eq!(r.code, CodeCheck::BadMac);
    assert_eq!(
        r.serial.as_deref(),
        Some("0000000000000005"),
        "serial on every status"
    );

    let other = parse_election(
        &EXAMPLE_ELECTION.replace("Đông Sơn", "Tây Sơn"),
        Path::new("o.toml"),
    )
    .unwrap();
    let img = printed(&other, &BallotKey::from_bytes([7; 32]), &layout, dpi, 5);
    let r = interp.interpret(&page(img, f64::from(dpi)));
    assert_eq!(
        (r.status, r.reasons.clone()),
        (Status::Rejected, vec!["wrong_election".to_string()])
    );
    assert_eq!(r.code, CodeCheck::OtherElection);
    assert!(r.serial.is_some());
}

#[test]
fn a_ballot_of_another_round_is_told_apart_from_another_election() {
    let (first, key, _, layout) = setup(EXAMPLE_ELECTION);
    let second_text = EXAMPLE_ELECTION.replace("# round = 2", "round = 2");
    let (second, key2, interp2, layout2) = {
        let e = parse_election(&second_text, Path::new("e2.toml")).unwrap();
        let k = BallotKey::from_bytes([9; 32]);
        let i = Interpreter::new(&e, k.clone(), Profile::default())
            .unwrap()
            .with_earlier_rounds(&[Fingerprint::of(&first)]);
        let l = BallotLayout::for_election(&e).unwrap();
        (e, k, i, l)
    };
    let dpi = 200.0;
    // A first-round ballot found in the second round's box.
    let old = printed(&first, &key, &layout, dpi, 11);
    let r = interp2.interpret(&page(old, f64::from(dpi)));
    assert_eq!(
        (r.status, r.code),
        (Status::Rejected, CodeCheck::OtherRound)
    );
    assert_eq!(
        (r.round, r.reasons.clone()),
        (Some(1), vec!["other_round".to_string()])
    );
    // The second round's own ballot verifies and carries its round.
    let text = Payload::sign_round(&Fingerprint::of(&second), 2, Serial(12), &key2).encode();
    let mut img =
        DynamicImage::ImageLuma8(render_ballot_gray(&layout2, Some(&text), dpi)).to_rgb8();
    strike_name(&mut img, dpi, &layout2, 0, [30, 60, 180]);
    stamp(&mut img, dpi, &layout2);
    let r = interp2.interpret(&page(img, f64::from(dpi)));
    assert_eq!(
        (r.status, r.code, r.round),
        (Status::Valid, CodeCheck::Verified, Some(2))
    );
    // Without the earlier round named, its fingerprint is simply another election's.
    let plain = Interpreter::new(&second, key2, Profile::default()).unwrap();
    let old = printed(&first, &key, &layout, dpi, 11);
    assert_eq!(
        plain.interpret(&page(old, f64::from(dpi))).code,
        CodeCheck::OtherElection
    );
}

#[test]
fn a_genuine_ballot_that_cannot_be_read_waits_for_the_officials() {
    let (election, key, interp, layout) = setup(EXAMPLE_ELECTION);
    let dpi = 200.0;
    // A torn corner: the two left corner marks gone (paper where they were).
    let mut torn = printed(&election, &key, &layout, dpi, 21);
    let s = f64::from(dpi) / 25.4;
    let (w, h) = torn.dimensions();
    for m in [layout.fiducials_mm[0], layout.fiducials_mm[2]] {
        let m = m.grow(2.0);
        for y in (m.y * s) as u32..((m.y + m.h) * s) as u32 {
            for x in (m.x * s) as u32..((m.x + m.w) * s) as u32 {
                if x < w && y < h {
                    torn.put_pixel(x, y, Rgb([252, 252, 250]));
                }
            }
        }
    }
    let r = interp.interpret(&page(torn, f64::from(dpi)));
    assert_eq!(r.status, Status::Review, "{r:#?}");
    assert_eq!(r.code, CodeCheck::Verified);
    assert_eq!(r.reasons, vec![Unread::UnreadableMarks.code().to_string()]);
    assert_eq!(r.serial.as_deref(), Some("0000000000000015"));
    assert!(r.verdict.is_none() && r.suggestion.is_none());
    for u in [
        Unread::UnreadableMarks,
        Unread::Registration,
        Unread::Scale,
        Unread::Streaks,
    ] {
        assert_eq!(Unread::from_code(u.code()), Some(u));
        assert!(!u.label_vi().is_empty() && !u.label_en().is_empty());
    }
}

#[test]
fn blank_sheets_are_blank_and_shrunk_prints_wait_for_the_officials() {
    let (election, key, interp, layout) = setup(EXAMPLE_ELECTION);
    let blank = RgbImage::from_pixel(1166, 1654, Rgb([250, 250, 248]));
    let r = interp.interpret(&page(blank, 200.0));
    assert_eq!(r.status, Status::Blank);

    let dpi = 200.0;
    let img = printed(&election, &key, &layout, dpi, 5);
    let (w, h) = img.dimensions();
    let small = image::imageops::resize(
        &img,
        (f64::from(w) * 0.95) as u32,
        (f64::from(h) * 0.95) as u32,
        image::imageops::FilterType::Triangle,
    );
    let mut sheet = RgbImage::from_pixel(w, h, Rgb([255, 255, 255]));
    image::imageops::overlay(&mut sheet, &small, 20, 20);
    let r = interp.interpret(&page(sheet, f64::from(dpi)));
    assert_eq!(
        (r.status, r.reasons.clone()),
        (Status::Review, vec!["scale".to_string()]),
        "{r:#?}"
    );
    assert_eq!(r.code, CodeCheck::Verified);
}

#[test]
#[ignore = "writes debug pictures to target/interpret-debug"]
fn debug_overlay_pictures() {
    let (election, key, interp, layout) = setup(EXAMPLE_ELECTION);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/interpret-debug");
    std::fs::create_dir_all(&dir).unwrap();
    let dpi = 200.0;
    let mut img = printed(&election, &key, &layout, dpi, 1234);
    strike_name(&mut img, dpi, &layout, 0, [30, 60, 180]);
    stamp(&mut img, dpi, &layout);
    img.save(dir.join("scan.png")).unwrap();
    let p = page(img, f64::from(dpi));
    let (r, trace) = interp.interpret_traced(&p);
    overlay::draw(&p.image, &r, &trace, interp.template())
        .save(dir.join("overlay.png"))
        .unwrap();
    eprintln!("{}", serde_json::to_string_pretty(&r).unwrap());
}

#[test]
fn the_qr_code_is_read_from_its_module_grid_at_every_resolution() {
    let (election, key, interp, layout) = setup(EXAMPLE_ELECTION);
    let t = interp.template();
    for dpi in [150.0f32, 200.0, 300.0, 600.0] {
        let img = DynamicImage::ImageRgb8(printed(&election, &key, &layout, dpi, 77)).to_luma8();
        let s = f64::from(dpi) / 25.4;
        let marks = t.marks_mm.map(|p| Point::new(p.x * s, p.y * s));
        let hm = t.homography(0, &marks).unwrap();
        let view = PageView::Gray(&img);
        let found = qr::read_by_grid(&view, &hm, t.qr_symbol, t.qr_modules);
        assert!(found.is_some(), "{dpi} dpi");
    }
}

mod marks;
mod scans;
