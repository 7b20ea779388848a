//! `fieldsim gallery`: every gesture in every ink on a printed ballot, to look at the models.

use crate::canvas::Canvas;
use crate::encode::{self, Format};
use crate::gesture::{self, Mark};
use crate::layout::Layout;
use crate::make::read_pgm;
use crate::paper::{self, Seal};
use crate::pen::{Hand, Ink, InkKind, render, sample_stroke};
use crate::rng::rand_for;
use crate::scanner::{self, Crop, Mode, ScanSpec};
use anyhow::{Context, Result, bail};
use std::path::Path;
use std::process::Command;

/// Every mark kind, in a fixed order.
pub const ALL_MARKS: [Mark; 17] = [
    Mark::Straight,
    Mark::Slanted,
    Mark::Wavy,
    Mark::ZigZag,
    Mark::Double,
    Mark::Cross,
    Mark::Scribble,
    Mark::ShortEnds,
    Mark::Overshoot,
    Mark::Hooked,
    Mark::Overline,
    Mark::Underline,
    Mark::Circle,
    Mark::Dot,
    Mark::Tick,
    Mark::Partial,
    Mark::WordBeside,
];

/// Renders page 1 of `print/ballots.pdf` with each candidate marked by successive mark kinds and
/// inks, scanned in colour at 200 dpi, one PNG per round, into `out`.
pub fn gallery(print: &Path, out: &Path) -> Result<()> {
    let layout = Layout::load(&print.join("layout.json"))?;
    std::fs::create_dir_all(out)?;
    let prefix = out.join("print");
    let st = Command::new("pdftoppm")
        .args(["-gray", "-r", "300", "-f", "1", "-l", "1", "-singlefile"])
        .arg(print.join("ballots.pdf"))
        .arg(&prefix)
        .status()
        .context("running pdftoppm")?;
    if !st.success() {
        bail!("pdftoppm failed");
    }
    let (w, h, grey) = read_pgm(&std::fs::read(prefix.with_extension("pgm"))?)?;
    let n = layout.candidates.len();
    let inks = [
        InkKind::BallpointBlue,
        InkKind::BallpointBlack,
        InkKind::Gel,
        InkKind::Felt,
        InkKind::Pencil,
        InkKind::DryBallpoint,
        InkKind::RedPen,
    ];
    for (round, chunk) in ALL_MARKS.chunks(n).enumerate() {
        let mut r = rand_for(round as u64, "gallery");
        let mut c = Canvas::from_print(&grey, w, h, 300.0 / 25.4, [1.0; 3]);
        paper::tone_and_texture(&mut c, &mut r);
        paper::seal(&mut c, &layout.stamp_mm, Seal::Full, &mut r);
        for (i, &mark) in chunk.iter().enumerate() {
            let ink = Ink::of(inks[(round * n + i) % inks.len()]);
            let hand = Hand::random(&mut r);
            for s in gesture::strokes(mark, &layout, i, &mut r) {
                let samples = sample_stroke(&s, &hand, 500.0, &mut r);
                render(&mut c, &samples, &ink, &mut r);
            }
        }
        let spec = ScanSpec {
            dpi: 200,
            skew_deg: 0.0,
            scale: 1.0,
            feed_stretch: 1.0,
            crop: Crop::Edge,
            tight_mm: [0.0; 4],
            backing: 0.1,
            mode: Mode::Colour,
            threshold: 128,
            gamma: 2.0,
            noise: 1.0,
        };
        let dims = (layout.page_mm.width, layout.page_mm.height);
        let scan = scanner::scan(&c, &paper::Damage::default(), &spec, dims, &mut r);
        encode::write(
            &scan,
            Format::Png,
            90,
            &out.join(format!("gallery-{round}.png")),
        )?;
    }
    std::fs::remove_file(prefix.with_extension("pgm")).ok();
    Ok(())
}
