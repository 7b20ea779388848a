//! Draws what happens to each ballot: the voter's marks, pen, seal, paper and scanner.

use crate::encode::Format;
use crate::gesture::Mark;
use crate::layout::Layout;
use crate::paper::SEAL_RED;
use crate::paper::{PaperVariant, Seal};
use crate::pen::{Ink, InkKind};
use crate::rng::{Rand, chance, normal, uni, weighted};
use crate::scanner::{Crop, Mode, ScanSpec};
use rand::Rng;

/// One ballot's plan.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Mark per candidate, in ballot order.
    pub marks: Vec<Mark>,
    /// Scenario family.
    pub scenario: &'static str,
    /// Pen.
    pub ink: InkKind,
    /// Seal.
    pub seal: Seal,
    /// Paper damage.
    pub paper: PaperVariant,
    /// Scanner settings.
    pub scan: ScanSpec,
    /// File format.
    pub format: Format,
    /// JPEG quality.
    pub quality: u8,
    /// Whether the scan keeps the seal visible (red dropout and many 1-bit thresholds lose it).
    pub seal_visible: bool,
}

/// The 8-bit code a scanner gives a layer of ink of `absorbance` at `amount` on white paper.
pub fn scanned_code(absorbance: [f32; 3], amount: f32, mode: Mode, gamma: f64) -> f64 {
    let refl: Vec<f64> = absorbance
        .iter()
        .map(|a| 0.93 * 10f64.powf(-f64::from(a * amount)))
        .collect();
    let lum = match mode {
        Mode::RedDropout => refl[0],
        _ => 0.299 * refl[0] + 0.587 * refl[1] + 0.114 * refl[2],
    };
    255.0 * (lum.powf(1.0 / gamma) - 0.15) / 0.8
}

/// Plain marks: one name kept (usually), others struck with the voter's habitual gesture.
fn plain_marks(n: usize, r: &mut Rand) -> Vec<Mark> {
    let habit = Mark::STRIKES[r.random_range(0..Mark::STRIKES.len())];
    let pick = |r: &mut Rand| {
        if chance(r, 0.75) {
            habit
        } else {
            Mark::STRIKES[r.random_range(0..Mark::STRIKES.len())]
        }
    };
    if n == 1 {
        return vec![if chance(r, 0.5) {
            Mark::Untouched
        } else {
            pick(r)
        }];
    }
    let kind = *weighted(r, &[("one", 0.84), ("none", 0.08), ("all", 0.08)]);
    let keep = r.random_range(0..n);
    (0..n)
        .map(|i| match kind {
            "none" => Mark::Untouched,
            "all" => pick(r),
            _ if i == keep => Mark::Untouched,
            _ => pick(r),
        })
        .collect()
}

/// Draws a ballot's plan for a layout.
pub fn draw(layout: &Layout, r: &mut Rand) -> Plan {
    let n = layout.candidates.len();
    let mut marks = plain_marks(n, r);
    let scenario = *weighted(
        r,
        &[
            ("clear", 0.52),
            ("hard", 0.26),
            ("odd_strike", 0.1),
            ("writing", 0.05),
            ("seal", 0.07),
        ],
    );
    let mut seal = Seal::Full;
    match scenario {
        "hard" => {
            let i = r.random_range(0..n);
            marks[i] = Mark::NOT_STRIKES[r.random_range(0..Mark::NOT_STRIKES.len())];
        }
        "odd_strike" => {
            let struck: Vec<usize> = (0..n).filter(|&i| marks[i].strikes()).collect();
            let i = if struck.is_empty() {
                r.random_range(0..n)
            } else {
                struck[r.random_range(0..struck.len())]
            };
            marks[i] = Mark::ODD_STRIKES[r.random_range(0..Mark::ODD_STRIKES.len())];
        }
        "writing" => {
            let kept: Vec<usize> = (0..n).filter(|&i| !marks[i].strikes()).collect();
            let i = if kept.is_empty() {
                r.random_range(0..n)
            } else {
                kept[r.random_range(0..kept.len())]
            };
            marks[i] = Mark::WordBeside;
        }
        "seal" => {
            seal = *weighted(
                r,
                &[
                    (Seal::Partial, 1.0),
                    (Seal::Faint, 1.0),
                    (Seal::Missing, 1.0),
                ],
            )
        }
        _ => {}
    }
    let ink = *weighted(
        r,
        &[
            (InkKind::BallpointBlue, 30.0),
            (InkKind::BallpointBlack, 15.0),
            (InkKind::Gel, 12.0),
            (InkKind::Felt, 9.0),
            (InkKind::Pencil, 10.0),
            (InkKind::DryBallpoint, 9.0),
            (InkKind::RedPen, 8.0),
        ],
    );
    let paper = *weighted(
        r,
        &[
            (PaperVariant::Clean, 55.0),
            (PaperVariant::Fold, 12.0),
            (PaperVariant::FoldQr, 7.0),
            (PaperVariant::TornCorner, 8.0),
            (PaperVariant::Stain, 9.0),
            (PaperVariant::Highlighter, 7.0),
        ],
    );
    let mut mode = *weighted(
        r,
        &[
            (Mode::Grey, 34.0),
            (Mode::Colour, 26.0),
            (Mode::RedDropout, 6.0),
            (Mode::BwThreshold, 14.0),
            (Mode::BwOrdered, 8.0),
            (Mode::BwDiffusion, 12.0),
        ],
    );
    if ink == InkKind::RedPen && mode == Mode::RedDropout {
        // A red-dropout scanner makes a red pen invisible: no one could read that ballot.
        mode = Mode::Grey;
    }
    let format = pick_format(mode, r);
    let mut scan = draw_scan(layout, mode, r);
    if mode == Mode::BwThreshold {
        // An operator whose pen strokes vanish turns the threshold up until they show.
        let ink_code = scanned_code(Ink::of(ink).absorbance, 0.8, mode, scan.gamma);
        scan.threshold = scan.threshold.max((ink_code + 30.0).min(200.0) as u8);
    }
    let seal_code = scanned_code(SEAL_RED, 0.8, mode, scan.gamma);
    let seal_visible = match mode {
        Mode::RedDropout => false,
        Mode::BwThreshold => seal_code + 15.0 < f64::from(scan.threshold),
        _ => true,
    };
    Plan {
        marks,
        scenario,
        ink,
        seal,
        paper,
        scan,
        format,
        quality: r.random_range(50..=95),
        seal_visible,
    }
}

fn pick_format(mode: Mode, r: &mut Rand) -> Format {
    let opts: &[(Format, f64)] = if mode.is_bw() {
        &[
            (Format::Png, 22.0),
            (Format::TiffG4WhiteIsZero, 28.0),
            (Format::TiffG4BlackIsZero, 22.0),
            (Format::Pnm, 16.0),
            (Format::PngNoDpi, 8.0),
        ]
    } else if mode == Mode::Colour {
        &[
            (Format::Png, 28.0),
            (Format::Jpeg, 35.0),
            (Format::Jpeg72, 15.0),
            (Format::Jpeg96, 15.0),
            (Format::PngNoDpi, 5.0),
        ]
    } else {
        &[
            (Format::Png, 28.0),
            (Format::Jpeg, 25.0),
            (Format::Jpeg72, 14.0),
            (Format::Jpeg96, 14.0),
            (Format::Pnm, 12.0),
            (Format::PngNoDpi, 5.0),
        ]
    };
    *weighted(r, opts)
}

fn draw_scan(layout: &Layout, mode: Mode, r: &mut Rand) -> ScanSpec {
    let dpi = *weighted(
        r,
        &[
            (150u32, 8.0),
            (200, 16.0),
            (240, 6.0),
            (300, 40.0),
            (400, 12.0),
            (600, 10.0),
        ],
    );
    let f = layout.fiducials_mm[0];
    // An over-eager auto-crop may cut up to the middle of a corner mark.
    let deep = (f.x.min(f.y) + 0.5 * f.w).min(8.0);
    let mut tight = [0.0; 4];
    for t in &mut tight {
        *t = if chance(r, 0.25) {
            uni(r, 0.5, deep)
        } else {
            uni(r, 0.3, 2.0)
        };
    }
    ScanSpec {
        dpi,
        skew_deg: (1.2 * normal(r)).clamp(-3.5, 3.5),
        scale: 1.0 + (0.004 * normal(r)).clamp(-0.01, 0.01),
        feed_stretch: 1.0 + (0.003 * normal(r)).clamp(-0.008, 0.008),
        crop: *weighted(
            r,
            &[(Crop::Bed, 40.0), (Crop::Edge, 35.0), (Crop::Tight, 25.0)],
        ),
        tight_mm: tight,
        backing: if chance(r, 0.5) {
            uni(r, 0.8, 0.9) as f32
        } else {
            uni(r, 0.05, 0.15) as f32
        },
        mode,
        threshold: r.random_range(110..=165),
        gamma: uni(r, 1.8, 2.3),
        noise: uni(r, 0.8, 3.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{CandidateBox, PageSize, Rect};
    use crate::rng::rand_for;

    fn layout(n: usize) -> Layout {
        let r = |x, y, w, h| Rect { x, y, w, h };
        Layout {
            page_mm: PageSize {
                width: 148.0,
                height: 210.0,
            },
            fiducials_mm: vec![r(8.0, 8.0, 5.0, 5.0); 4],
            qr_mm: r(100.0, 10.0, 25.0, 25.0),
            stamp_mm: r(10.0, 10.0, 40.0, 40.0),
            candidates: (0..n)
                .map(|i| CandidateBox {
                    id: format!("c{i}"),
                    name: "Trần Văn Hùng".into(),
                    name_mm: r(30.0, 60.0 + 12.0 * i as f64, 40.0, 6.0),
                    baseline_mm: Some(65.0 + 12.0 * i as f64),
                    xheight_band_mm: None,
                })
                .collect(),
        }
    }

    #[test]
    fn plans_cover_the_cases_and_never_make_a_pen_vanish() {
        let l = layout(3);
        let mut r = rand_for(5, "plan");
        let mut scenarios = std::collections::BTreeSet::new();
        for _ in 0..600 {
            let p = draw(&l, &mut r);
            scenarios.insert(p.scenario);
            assert_eq!(p.marks.len(), 3);
            assert!(!(p.ink == InkKind::RedPen && p.scan.mode == Mode::RedDropout));
            if p.scan.mode == Mode::BwThreshold {
                let ink = scanned_code(Ink::of(p.ink).absorbance, 0.8, p.scan.mode, p.scan.gamma);
                assert!(f64::from(p.scan.threshold) > ink, "{:?} vanishes", p.ink);
            }
            assert!(p.scan.skew_deg.abs() <= 3.5 && (p.scan.scale - 1.0).abs() <= 0.01 + 1e-9);
        }
        assert_eq!(scenarios.len(), 5, "{scenarios:?}");
    }

    #[test]
    fn red_seal_drops_out_under_red_light_only() {
        let grey = scanned_code(SEAL_RED, 0.8, Mode::Grey, 2.0);
        let red = scanned_code(SEAL_RED, 0.8, Mode::RedDropout, 2.0);
        assert!(grey < 180.0 && red > 200.0, "{grey} {red}");
    }
}
