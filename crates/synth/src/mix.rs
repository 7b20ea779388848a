//! How often each kind of difficulty appears, and the sampling of a page spec from a seed.

use rand::Rng;
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde::{Deserialize, Serialize};

use crate::ballot::Serial;
use crate::election::{Election, Marking};

use super::ink::InkColour;
use super::marks::{Borderline, BoxGlyph, BoxMark, MarkSpec, NamePart, Pen, StrikeStyle};
use super::rnd::{chance, uniform, weighted};
use super::scan::{Background, ColourMode, FileFormat, Lighting, ScanSpec, Streak};
use super::spec::BallotSpec;
use super::stamp::StampSpec;
use super::truth::{BoxSpec, PageKind};
use super::writing::ExtraWriting;

/// The mix of clear and tricky ballots a generator draws from.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GeneratorMix {
    /// Fraction (0..1) of clear ballots: clean full strikes and untouched kept names,
    /// seal present, no extra writing, firm pen, mild scan. The rest are tricky.
    pub clear: f64,
    /// Scan at this dpi; `None` draws from 150 / 200 / 300 / 600.
    pub dpi: Option<u32>,
    /// Write this file format; `None` draws PNG, JPEG, TIFF or PNM.
    pub format: Option<FileFormat>,
    /// Let tricky pages lie sideways (90° / 270°) as well as upside down.
    pub sideways: bool,
    /// Probability (0..1) of a dirty-glass streak on a tricky page.
    pub streak: f64,
    /// Weights of the voter's intent with two or more candidates: keep one
    /// name, strike none, strike all (the last two are invalid ballots).
    pub intent: [f64; 3],
    /// A candidate (ballot order) kept with this probability when one name is
    /// kept, the others sharing the rest; `None`: every candidate alike.
    pub favourite: Option<(usize, f64)>,
}

impl GeneratorMix {
    /// Mostly clear ballots with a realistic share of difficulties.
    pub fn realistic() -> Self {
        GeneratorMix {
            clear: 0.6,
            dpi: None,
            format: None,
            sideways: false,
            streak: 0.0,
            intent: [0.85, 0.07, 0.08],
            favourite: None,
        }
    }

    /// A plausible unit's count for `demo`: nearly every ballot clear and
    /// valid, a few invalid, a handful for the officials, and a favourite who
    /// wins (votes × 2 > H when H is not far above the ballots cast).
    pub fn demo() -> Self {
        GeneratorMix {
            clear: 0.94,
            intent: [0.97, 0.015, 0.015],
            favourite: Some((0, 0.66)),
            ..Self::realistic()
        }
    }

    /// Only clear ballots.
    pub fn clear_only() -> Self {
        GeneratorMix {
            clear: 1.0,
            ..Self::realistic()
        }
    }

    /// Only tricky ballots, sideways pages and occasional streaks included.
    pub fn tricky_only() -> Self {
        GeneratorMix {
            clear: 0.0,
            sideways: true,
            streak: 0.05,
            ..Self::realistic()
        }
    }

    /// The same mix at a fixed resolution.
    #[must_use]
    pub fn with_dpi(self, dpi: u32) -> Self {
        GeneratorMix {
            dpi: Some(dpi),
            ..self
        }
    }

    /// The same mix in a fixed file format.
    #[must_use]
    pub fn with_format(self, format: FileFormat) -> Self {
        GeneratorMix {
            format: Some(format),
            ..self
        }
    }
}

impl Default for GeneratorMix {
    fn default() -> Self {
        Self::realistic()
    }
}

/// Draws a complete page spec for a genuine ballot from `seed`.
pub(crate) fn sample_spec(election: &Election, seed: u64, mix: &GeneratorMix) -> BallotSpec {
    let mut rng = StdRng::seed_from_u64(seed);
    let clear = chance(&mut rng, mix.clear);
    let serial = Serial::random(&mut rng);
    let scan = sample_scan(&mut rng, clear, mix, election.election.paper.size_mm());
    let pen = sample_pen(&mut rng, clear, &scan);
    let n = election.candidates.len();
    let word_counts: Vec<usize> = election
        .candidates
        .iter()
        .map(|c| c.name.split_whitespace().count())
        .collect();

    let (marks, boxes) = if election.election.marking == Marking::ApproveBoxes {
        let mark = if clear {
            [BoxMark::Agree, BoxMark::Disagree][weighted(&mut rng, &[0.6, 0.4])]
        } else {
            [
                BoxMark::Agree,
                BoxMark::Disagree,
                BoxMark::None,
                BoxMark::Both,
            ][weighted(&mut rng, &[0.35, 0.3, 0.15, 0.2])]
        };
        let glyph = if chance(&mut rng, 0.6) {
            BoxGlyph::Cross
        } else {
            BoxGlyph::Check
        };
        (vec![MarkSpec::Keep; n], Some(BoxSpec { mark, glyph }))
    } else {
        // Intent first (which names the voter strikes), then how each is drawn.
        let struck: Vec<bool> = if n >= 2 {
            match weighted(&mut rng, &mix.intent) {
                0 => {
                    let keep = match mix.favourite {
                        Some((f, p)) if f < n => {
                            if chance(&mut rng, p) {
                                f
                            } else {
                                // One of the others, alike.
                                let k = rng.random_range(0..n - 1);
                                k + usize::from(k >= f)
                            }
                        }
                        _ => rng.random_range(0..n),
                    };
                    (0..n).map(|i| i != keep).collect()
                }
                1 => vec![false; n],
                _ => vec![true; n],
            }
        } else {
            vec![chance(&mut rng, 0.4)]
        };
        let marks = struck
            .iter()
            .zip(&word_counts)
            .map(|(&s, &words)| {
                if s {
                    MarkSpec::Strike {
                        style: strike_style(&mut rng, clear),
                    }
                } else if clear {
                    MarkSpec::Keep
                } else {
                    kept_mark(&mut rng, words)
                }
            })
            .collect();
        (marks, None)
    };

    let stamp = if clear {
        StampSpec::Present
    } else {
        [StampSpec::Present, StampSpec::Faint, StampSpec::Absent]
            [weighted(&mut rng, &[0.7, 0.15, 0.15])]
    };
    let extra = if clear {
        ExtraWriting::None
    } else {
        [
            ExtraWriting::None,
            ExtraWriting::Note,
            ExtraWriting::Signature,
            ExtraWriting::AddedName,
        ][weighted(&mut rng, &[0.7, 0.1, 0.1, 0.1])]
    };
    BallotSpec {
        kind: PageKind::Genuine,
        serial,
        marks,
        boxes,
        pen,
        stamp,
        extra,
        scan,
        seed: rng.random(),
    }
}

fn strike_style(rng: &mut impl Rng, clear: bool) -> StrikeStyle {
    use StrikeStyle::{Cross, Dashed, Double, Scribble, Slanted, Straight, Wavy};
    if clear {
        [Straight, Slanted, Double, Wavy][weighted(rng, &[0.6, 0.2, 0.1, 0.1])]
    } else {
        [Straight, Slanted, Wavy, Double, Cross, Scribble, Dashed]
            [weighted(rng, &[0.2, 0.15, 0.15, 0.1, 0.15, 0.1, 0.15])]
    }
}

/// A mark that leaves the name kept (or, rarely, doubtful), for tricky ballots.
fn kept_mark(rng: &mut impl Rng, words: usize) -> MarkSpec {
    let partial = if words >= 2 { 0.15 } else { 0.0 };
    match weighted(rng, &[0.5, partial, 0.07, 0.04, 0.08, 0.05, 0.06, 0.05]) {
        0 => MarkSpec::Keep,
        1 => MarkSpec::PartialStrike {
            words: [
                NamePart::Surname,
                NamePart::GivenName,
                NamePart::SurnameAndMiddle,
            ][rng.random_range(0..3)],
        },
        2 => MarkSpec::Underline,
        3 => MarkSpec::Overline,
        4 => MarkSpec::Circle,
        5 => MarkSpec::Dot,
        6 => MarkSpec::Tick,
        _ => MarkSpec::Borderline {
            kind: if chance(rng, 0.5) {
                Borderline::AllButLastLetter
            } else {
                Borderline::UpperPart
            },
        },
    }
}

fn sample_pen(rng: &mut impl Rng, clear: bool, scan: &ScanSpec) -> Pen {
    use InkColour::{Black, Blue, Purple, Red};
    if scan.is_bilevel() {
        // Only pens a black-and-white threshold keeps: the truth stays decidable.
        return Pen {
            colour: [Blue, Black][weighted(rng, &[0.7, 0.3])],
            pressure: uniform(rng, 0.85, 1.0),
            width_mm: uniform(rng, 0.4, 0.9),
        };
    }
    if clear {
        Pen {
            colour: [Blue, Black, Purple][weighted(rng, &[0.7, 0.25, 0.05])],
            pressure: uniform(rng, 0.8, 1.0),
            width_mm: uniform(rng, 0.35, 0.8),
        }
    } else {
        let light = chance(rng, 0.3);
        Pen {
            colour: [Blue, Black, Purple, Red][weighted(rng, &[0.55, 0.2, 0.12, 0.13])],
            pressure: if light {
                uniform(rng, Pen::MIN_PRESSURE, 0.7)
            } else {
                uniform(rng, 0.75, 1.0)
            },
            width_mm: uniform(rng, 0.3, 1.0),
        }
    }
}

fn sample_scan(rng: &mut impl Rng, clear: bool, mix: &GeneratorMix, page: (f64, f64)) -> ScanSpec {
    let dpi = mix
        .dpi
        .unwrap_or_else(|| [150, 200, 300, 600][weighted(rng, &[2.0, 3.0, 4.0, 1.0])]);
    let background = if chance(rng, 0.6) {
        Background::White
    } else {
        Background::Dark
    };
    let mut colour = if clear {
        [ColourMode::Grey, ColourMode::Rgb][weighted(rng, &[0.7, 0.3])]
    } else {
        match weighted(rng, &[0.55, 0.35, 0.1]) {
            0 => ColourMode::Grey,
            1 => ColourMode::Rgb,
            _ => ColourMode::Bilevel {
                threshold: rng.random_range(110..=160),
            },
        }
    };
    let format = match mix.format {
        Some(f) => f,
        None if matches!(colour, ColourMode::Bilevel { .. }) => {
            if chance(rng, 0.8) {
                FileFormat::Png
            } else {
                FileFormat::Pnm
            }
        }
        None => {
            let q_lo = if clear { 75 } else { 50 };
            match weighted(rng, &[0.45, 0.4, 0.07, 0.08]) {
                0 => FileFormat::Jpeg {
                    quality: rng.random_range(q_lo..=95),
                },
                1 => FileFormat::Png,
                2 => FileFormat::Tiff,
                _ => FileFormat::Pnm,
            }
        }
    };
    if matches!(colour, ColourMode::Bilevel { .. })
        && matches!(format, FileFormat::Jpeg { .. } | FileFormat::Tiff)
    {
        colour = ColourMode::Grey;
    }
    if clear {
        ScanSpec {
            dpi,
            skew_deg: uniform(rng, -1.5, 1.5),
            quarter_turns: 0,
            shift_mm: (uniform(rng, -3.0, 3.0), uniform(rng, -3.0, 3.0)),
            scale: uniform(rng, 0.99, 1.01),
            area_extra_mm: (uniform(rng, 0.0, 8.0), uniform(rng, 0.0, 8.0)),
            background,
            paper_level: rng.random_range(240..=255),
            blur_sigma: if chance(rng, 0.5) {
                uniform(rng, 0.3, 0.7)
            } else {
                0.0
            },
            noise_sigma: uniform(rng, 0.0, 3.0),
            lighting: Lighting {
                falloff: uniform(rng, 0.0, 0.06),
                angle_deg: uniform(rng, 0.0, 360.0),
            },
            colour,
            format,
            streak: None,
        }
    } else {
        let quarter_turns = if mix.sideways && chance(rng, 0.1) {
            if chance(rng, 0.5) { 1 } else { 3 }
        } else if chance(rng, 0.15) {
            2
        } else {
            0
        };
        let extra = (uniform(rng, -4.0, 15.0), uniform(rng, -4.0, 15.0));
        let streak = chance(rng, mix.streak).then(|| Streak {
            // Anywhere across the image, whichever way the sheet lies.
            x_mm: uniform(rng, 5.0, page.0.min(page.1) - 5.0),
            width_mm: uniform(rng, 0.1, 0.6),
            darkness: uniform(rng, 0.3, 0.8),
        });
        ScanSpec {
            dpi,
            skew_deg: uniform(rng, -5.0, 5.0),
            quarter_turns,
            shift_mm: (uniform(rng, -5.0, 5.0), uniform(rng, -5.0, 5.0)),
            scale: uniform(rng, 0.98, 1.02),
            area_extra_mm: extra,
            background,
            paper_level: rng.random_range(225..=255),
            blur_sigma: uniform(rng, 0.0, 1.2),
            noise_sigma: uniform(rng, 0.0, 8.0),
            lighting: Lighting {
                falloff: uniform(rng, 0.0, 0.2),
                angle_deg: uniform(rng, 0.0, 360.0),
            },
            colour,
            format,
            streak,
        }
    }
}
