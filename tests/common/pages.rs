//! Test pages made with the simulator's generator, and damaged the ways scanners
//! and voters damage them, written as the files a hot folder receives.

use std::io::Cursor;
use std::path::Path;

use image::{Rgb, RgbImage};
use kiemphieu_core::ballot::{BallotLayout, Serial};
use kiemphieu_core::election::{BallotKey, Election, Fingerprint, parse_election};
use kiemphieu_station::print_run::PrintRunFile;
use kiemphieu_synth::{BallotSpec, FileFormat, Generator, GeneratorMix, SyntheticBallot};

/// An election with its key and layout, to make pages of.
pub struct Maker {
    /// The election.
    pub election: Election,
    /// The round's key.
    pub key: BallotKey,
    /// Its ballot layout.
    pub layout: BallotLayout,
}

/// The mix the test pages are drawn from: clear ballots, grey PNG, 150 dpi.
pub fn mix() -> GeneratorMix {
    GeneratorMix::clear_only()
        .with_dpi(150)
        .with_format(FileFormat::Png)
}

impl Maker {
    /// The election of `file` in `dir`, with the key of its round (made if absent).
    pub fn new(dir: &Path, file: &str) -> Maker {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        let election = parse_election(&text, Path::new(file)).unwrap();
        let key = BallotKey::load_or_create_at(&BallotKey::path_for_round(
            &dir.join(file),
            election.election.round,
        ))
        .unwrap();
        let layout = BallotLayout::for_election(&election).unwrap();
        Maker {
            election,
            key,
            layout,
        }
    }

    /// A generator for this election signed with `key`.
    pub fn with_key<'a>(&'a self, key: &'a BallotKey) -> Generator<'a> {
        Generator::new(&self.election, &self.layout, key).unwrap()
    }

    /// A generator for this election and its own key.
    pub fn generator(&self) -> Generator<'_> {
        self.with_key(&self.key)
    }

    /// A clear ballot with this serial, every name struck but `keep` (ballot order).
    pub fn spec(&self, seed: u64, serial: u64, keep: usize) -> BallotSpec {
        let mut spec = self.generator().sample(seed, &mix());
        spec.serial = Serial(serial);
        let strike = spec
            .marks
            .iter()
            .find(|m| matches!(m, kiemphieu_synth::MarkSpec::Strike { .. }))
            .cloned()
            .unwrap_or(kiemphieu_synth::MarkSpec::Strike {
                style: kiemphieu_synth::StrikeStyle::Straight,
            });
        for (i, m) in spec.marks.iter_mut().enumerate() {
            *m = if i == keep {
                kiemphieu_synth::MarkSpec::Keep
            } else {
                strike
            };
        }
        spec
    }

    /// The page of a spec.
    pub fn render(&self, spec: &BallotSpec) -> SyntheticBallot {
        self.generator().render(spec).unwrap()
    }

    /// A print-run file listing `serials`, signed with the round's key.
    pub fn print_run(&self, path: &Path, serials: &[u64]) {
        let serials: Vec<Serial> = serials.iter().map(|s| Serial(*s)).collect();
        PrintRunFile::new(
            &Fingerprint::of(&self.election),
            self.election.election.round,
            &serials,
            true,
            &self.key,
        )
        .write(path)
        .unwrap();
    }

    /// Image pixels of a point on the sheet (mm), as the page was scanned.
    pub fn px(&self, page: &SyntheticBallot, x_mm: f64, y_mm: f64) -> (i64, i64) {
        let (x, y) = page.truth.page_to_image.apply(x_mm, y_mm);
        (x as i64, y as i64)
    }
}

/// The page as RGB pixels.
pub fn rgb(page: &SyntheticBallot) -> RgbImage {
    page.image.to_rgb8()
}

/// Paints a rectangle of image pixels.
pub fn paint(img: &mut RgbImage, (x0, y0): (i64, i64), (x1, y1): (i64, i64), colour: [u8; 3]) {
    for y in y0.max(0)..y1.min(i64::from(img.height())) {
        for x in x0.max(0)..x1.min(i64::from(img.width())) {
            img.put_pixel(x as u32, y as u32, Rgb(colour));
        }
    }
}

/// A PNG of the pixels, with its resolution in the file (pHYs) when given.
pub fn png(img: &RgbImage, dpi: Option<f64>) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(Cursor::new(&mut out), img.width(), img.height());
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        if let Some(dpi) = dpi {
            let ppm = (dpi / 0.0254).round() as u32;
            enc.set_pixel_dims(Some(png::PixelDimensions {
                xppu: ppm,
                yppu: ppm,
                unit: png::Unit::Meter,
            }));
        }
        let mut w = enc.write_header().unwrap();
        w.write_image_data(img.as_raw()).unwrap();
    }
    out
}
