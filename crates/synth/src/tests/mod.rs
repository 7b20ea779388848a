//! Tests of the generator against the real ballot layout, by topic; the shared
//! elections and ink measurements are here.

mod boxes_seal_writing;
mod payloads;
mod samples;
mod scan_files;
mod strikes;
mod truth;

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
        honorific: None,
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

/// A clear page's spec, as the mix samples it.
fn sample_clear(e: &Election, seed: u64) -> BallotSpec {
    crate::mix::sample_spec(e, seed, &GeneratorMix::clear_only())
}
