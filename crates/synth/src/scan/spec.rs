//! What the simulated scanner is asked for: resolution, placement, optics, file.

use serde::{Deserialize, Serialize};

use crate::SynthError;
use crate::geom::{Affine, px_per_mm};

/// What the scanner sees outside the sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Background {
    /// A white lid or feeder roller: only a faint shadow marks the sheet edge.
    White,
    /// A black backing plate: the sheet stands out.
    Dark,
}

impl Background {
    /// Grey level of the background before lighting and noise.
    pub(super) fn level(self) -> f32 {
        match self {
            Background::White => 238.0,
            Background::Dark => 30.0,
        }
    }
}

/// Pixel format of the scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ColourMode {
    /// 8-bit grey.
    Grey,
    /// 8-bit RGB.
    Rgb,
    /// Black and white, thresholded at `threshold` (PNG or PNM only).
    Bilevel {
        /// Grey levels below this become black.
        threshold: u8,
    },
}

/// File format the scanner writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FileFormat {
    /// PNG (1-bit for bilevel scans).
    Png,
    /// Baseline JPEG at a quality 1–100.
    Jpeg {
        /// Encoder quality.
        quality: u8,
    },
    /// Uncompressed TIFF.
    Tiff,
    /// Binary PGM / PPM / PBM.
    Pnm,
}

/// A dirty-glass streak: a vertical dark line along the feed direction.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Streak {
    /// Distance of the streak's left edge from the image's left edge, mm.
    pub x_mm: f64,
    /// Width, mm.
    pub width_mm: f64,
    /// 0..1: fraction of light the dirt absorbs.
    pub darkness: f64,
}

/// Uneven lamp: brightness falls off linearly across the image.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Lighting {
    /// 0..0.3: relative darkening at the dim side.
    pub falloff: f64,
    /// Direction towards the dim side, degrees (0 = right, 90 = down).
    pub angle_deg: f64,
}

/// How the sheet was scanned.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ScanSpec {
    /// Resolution, 150–600 dpi.
    pub dpi: u32,
    /// Skew of the sheet on the glass, degrees (clockwise positive), within ±5°.
    pub skew_deg: f64,
    /// Extra quarter turns clockwise (0–3): 2 is upside down, 1 and 3 sideways.
    pub quarter_turns: u8,
    /// Offset of the sheet from the centre of the scan area, mm, within ±5.
    pub shift_mm: (f64, f64),
    /// Scale of the printed page (printer and scanner error), within 0.98–1.02.
    pub scale: f64,
    /// Scan area minus sheet size, mm, across and along the sheet: positive shows
    /// background around the sheet, negative crops it. Within −6..+20.
    pub area_extra_mm: (f64, f64),
    /// What shows around the sheet.
    pub background: Background,
    /// Paper brightness, 200–255.
    pub paper_level: u8,
    /// Optical blur, pixels (σ of a gaussian, at most 1.2).
    pub blur_sigma: f64,
    /// Sensor noise, grey levels (σ, at most 20).
    pub noise_sigma: f64,
    /// Uneven lamp.
    pub lighting: Lighting,
    /// Pixel format.
    pub colour: ColourMode,
    /// File format.
    pub format: FileFormat,
    /// Dirty glass, for scanner health tests.
    pub streak: Option<Streak>,
}

impl ScanSpec {
    /// A perfect grey PNG scan at `dpi`: no skew, blur, noise or background.
    pub fn clean(dpi: u32) -> Self {
        ScanSpec {
            dpi,
            skew_deg: 0.0,
            quarter_turns: 0,
            shift_mm: (0.0, 0.0),
            scale: 1.0,
            area_extra_mm: (0.0, 0.0),
            background: Background::White,
            paper_level: 255,
            blur_sigma: 0.0,
            noise_sigma: 0.0,
            lighting: Lighting {
                falloff: 0.0,
                angle_deg: 0.0,
            },
            colour: ColourMode::Grey,
            format: FileFormat::Png,
            streak: None,
        }
    }

    /// Checks every setting is in its documented range.
    pub fn validate(&self) -> Result<(), SynthError> {
        let bad =
            |field: &'static str, reason: String| Err(SynthError::InvalidScan { field, reason });
        if !(150..=600).contains(&self.dpi) {
            return bad("dpi", format!("{} is outside 150–600", self.dpi));
        }
        if !(self.skew_deg.is_finite() && self.skew_deg.abs() <= 5.0) {
            return bad("skew_deg", format!("{} is outside ±5°", self.skew_deg));
        }
        if self.quarter_turns > 3 {
            return bad(
                "quarter_turns",
                format!("{} is not 0–3", self.quarter_turns),
            );
        }
        let (sx, sy) = self.shift_mm;
        if !(sx.is_finite() && sy.is_finite() && sx.abs() <= 5.0 && sy.abs() <= 5.0) {
            return bad("shift_mm", format!("({sx}, {sy}) is outside ±5 mm"));
        }
        if !(self.scale.is_finite() && (0.98..=1.02).contains(&self.scale)) {
            return bad("scale", format!("{} is outside 0.98–1.02", self.scale));
        }
        let (ex, ey) = self.area_extra_mm;
        if !(ex.is_finite()
            && ey.is_finite()
            && (-6.0..=20.0).contains(&ex)
            && (-6.0..=20.0).contains(&ey))
        {
            return bad(
                "area_extra_mm",
                format!("({ex}, {ey}) is outside −6..20 mm"),
            );
        }
        if self.paper_level < 200 {
            return bad("paper_level", format!("{} is below 200", self.paper_level));
        }
        if !(self.blur_sigma.is_finite() && (0.0..=1.2).contains(&self.blur_sigma)) {
            return bad(
                "blur_sigma",
                format!("{} is outside 0–1.2 px", self.blur_sigma),
            );
        }
        if !(self.noise_sigma.is_finite() && (0.0..=20.0).contains(&self.noise_sigma)) {
            return bad(
                "noise_sigma",
                format!("{} is outside 0–20", self.noise_sigma),
            );
        }
        let l = self.lighting;
        if !(l.falloff.is_finite() && l.angle_deg.is_finite() && (0.0..=0.3).contains(&l.falloff)) {
            return bad(
                "lighting",
                format!("falloff {} is outside 0–0.3", l.falloff),
            );
        }
        match (self.colour, self.format) {
            (ColourMode::Bilevel { .. }, FileFormat::Jpeg { .. } | FileFormat::Tiff) => {
                return bad("colour", "bilevel scans are written as PNG or PBM".into());
            }
            (_, FileFormat::Jpeg { quality }) if !(1..=100).contains(&quality) => {
                return bad("format", format!("JPEG quality {quality} is outside 1–100"));
            }
            _ => {}
        }
        if let Some(s) = self.streak
            && !(s.x_mm.is_finite()
                && s.width_mm.is_finite()
                && s.width_mm > 0.0
                && (0.0..=1.0).contains(&s.darkness))
        {
            return bad("streak", format!("{s:?} is not a streak"));
        }
        Ok(())
    }

    /// Size of the scan area in mm for a sheet of `page` mm, in image orientation.
    pub fn area_mm(&self, page: (f64, f64)) -> (f64, f64) {
        let (w, h) = (page.0 + self.area_extra_mm.0, page.1 + self.area_extra_mm.1);
        if self.quarter_turns % 2 == 1 {
            (h, w)
        } else {
            (w, h)
        }
    }

    /// Image size in pixels for a sheet of `page` mm: whole pixels covering the scan
    /// area, rounded like the ballot renderer (and pdftoppm), so a clean scan of a
    /// sheet has exactly the printed page's size.
    pub fn image_size(&self, page: (f64, f64)) -> (u32, u32) {
        let k = px_per_mm(self.dpi);
        let (w, h) = self.area_mm(page);
        let px = |mm: f64| (mm * k - 1e-4).ceil().max(1.0) as u32;
        (px(w), px(h))
    }

    /// Map from sheet millimetres to image pixel coordinates (pixel centres at +0.5).
    pub fn page_to_image(&self, page: (f64, f64)) -> Affine {
        let k = px_per_mm(self.dpi);
        let (aw, ah) = self.area_mm(page);
        let turn = f64::from(self.quarter_turns) * std::f64::consts::FRAC_PI_2;
        Affine::translate(-page.0 / 2.0, -page.1 / 2.0)
            .then(&Affine::scale(self.scale))
            .then(&Affine::rotate(self.skew_deg.to_radians() + turn))
            .then(&Affine::translate(
                aw / 2.0 + self.shift_mm.0,
                ah / 2.0 + self.shift_mm.1,
            ))
            .then(&Affine::scale(k))
    }

    /// True for a black-and-white scan.
    pub fn is_bilevel(&self) -> bool {
        matches!(self.colour, ColourMode::Bilevel { .. })
    }
}
