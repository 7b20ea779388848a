//! The simulated scanner: places the marked sheet on the glass (skew, shift, scale,
//! turns), then optics and sensor (blur, uneven lamp, dirty-glass streak, noise),
//! then the file the scanner writes.

use serde::{Deserialize, Serialize};

use super::SynthError;
use super::geom::{Affine, px_per_mm};
use super::ink::Raster;
use super::rnd::PixelNoise;

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
    fn level(self) -> f32 {
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

/// Scans the marked sheet (rendered at the scan dpi): one inverse-mapped bilinear warp
/// onto the scan area, then blur, lamp, streak and noise. Returns the image.
pub(crate) fn scan(
    page: &Raster,
    page_mm: (f64, f64),
    spec: &ScanSpec,
    seed: u64,
) -> Result<image::DynamicImage, SynthError> {
    spec.validate()?;
    let k = px_per_mm(spec.dpi);
    let (w, h) = spec.image_size(page_mm);
    let (w, h) = (w as usize, h as usize);
    let ch = page.ch;
    // Image pixel centre → page pixel index space (sample positions at integer + 0).
    let inv = spec
        .page_to_image(page_mm)
        .invert()
        .ok_or(SynthError::InvalidScan {
            field: "scale",
            reason: "degenerate transform".into(),
        })?
        .then(&Affine::scale(k))
        .then(&Affine::translate(-0.5, -0.5));
    let [a, b, c, d, e, f] = inv.0;
    let bg = spec.background.level();
    let paper = f32::from(spec.paper_level) / 255.0;
    let shadow = spec.background == Background::White;
    let shadow_px = (0.6 * k) as f32;
    let (pw, ph) = (page.w as isize, page.h as isize);
    let mut out = vec![0u8; w * h * ch];
    let mut px = [0f32; 3];
    for j in 0..h {
        let yj = j as f64 + 0.5;
        let row = &mut out[j * w * ch..(j + 1) * w * ch];
        for i in 0..w {
            let xi = i as f64 + 0.5;
            let u = a * xi + b * yj + c;
            let v = d * xi + e * yj + f;
            let (x0, y0) = (u.floor() as isize, v.floor() as isize);
            let (fx, fy) = ((u - x0 as f64) as f32, (v - y0 as f64) as f32);
            let inside = x0 >= 0 && y0 >= 0 && x0 + 1 < pw && y0 + 1 < ph;
            if inside {
                let base = (y0 as usize * page.w + x0 as usize) * ch;
                let down = page.w * ch;
                for (cc, p) in px.iter_mut().enumerate().take(ch) {
                    let s = |o: usize| f32::from(page.data[base + o + cc]);
                    let top = s(0) + (s(ch) - s(0)) * fx;
                    let bot = s(down) + (s(down + ch) - s(down)) * fx;
                    *p = (top + (bot - top) * fy) * paper;
                }
            } else {
                // Edge or outside: treat missing neighbours as background, which
                // anti-aliases the sheet edge.
                let mut outside_by = 0f32;
                for (cc, p) in px.iter_mut().enumerate().take(ch) {
                    let s = |x: isize, y: isize| {
                        if x >= 0 && y >= 0 && x < pw && y < ph {
                            f32::from(page.data[(y as usize * page.w + x as usize) * ch + cc])
                                * paper
                        } else {
                            bg
                        }
                    };
                    let top = s(x0, y0) + (s(x0 + 1, y0) - s(x0, y0)) * fx;
                    let bot = s(x0, y0 + 1) + (s(x0 + 1, y0 + 1) - s(x0, y0 + 1)) * fx;
                    *p = top + (bot - top) * fy;
                }
                if shadow {
                    let dx = (-u - 0.5).max(u - (pw as f64 - 0.5)).max(0.0);
                    let dy = (-v - 0.5).max(v - (ph as f64 - 0.5)).max(0.0);
                    outside_by = dx.max(dy) as f32;
                }
                if outside_by > 0.0 && outside_by < shadow_px {
                    // The sheet's edge casts a thin shadow on a white lid.
                    let dark = 1.0 - 0.2 * (1.0 - outside_by / shadow_px);
                    for p in px.iter_mut().take(ch) {
                        *p *= dark;
                    }
                }
            }
            for (cc, p) in px.iter().enumerate().take(ch) {
                row[i * ch + cc] = p.round().clamp(0.0, 255.0) as u8;
            }
        }
    }
    let mut img = Raster {
        w,
        h,
        ch,
        data: out,
    };
    if spec.blur_sigma >= 0.2 {
        blur(&mut img, spec.blur_sigma);
    }
    sensor(&mut img, spec, k, seed);
    Ok(match spec.colour {
        ColourMode::Rgb => image::DynamicImage::ImageRgb8(
            image::RgbImage::from_raw(w as u32, h as u32, img.data)
                .ok_or(SynthError::Internal("RGB buffer size"))?,
        ),
        ColourMode::Grey => image::DynamicImage::ImageLuma8(
            image::GrayImage::from_raw(w as u32, h as u32, img.data)
                .ok_or(SynthError::Internal("grey buffer size"))?,
        ),
        ColourMode::Bilevel { threshold } => {
            let data = img
                .data
                .iter()
                .map(|&v| if v < threshold { 0 } else { 255 })
                .collect();
            image::DynamicImage::ImageLuma8(
                image::GrayImage::from_raw(w as u32, h as u32, data)
                    .ok_or(SynthError::Internal("bilevel buffer size"))?,
            )
        }
    })
}

/// Separable gaussian blur with a kernel of radius ≤ 2 (σ ≤ 1.2 px), in fixed point.
fn blur(r: &mut Raster, sigma: f64) {
    let radius = 2usize;
    let raw: Vec<f64> = (0..=2 * radius)
        .map(|i| {
            let x = i as f64 - radius as f64;
            (-x * x / (2.0 * sigma * sigma)).exp()
        })
        .collect();
    let sum: f64 = raw.iter().sum();
    let kern: Vec<u32> = raw
        .iter()
        .map(|v| (v / sum * 4096.0).round() as u32)
        .collect();
    let norm: u32 = kern.iter().sum();
    let (w, h, ch) = (r.w, r.h, r.ch);
    let mut tmp = vec![0u8; r.data.len()];
    // Horizontal pass, clamping at the borders.
    for y in 0..h {
        let row = &r.data[y * w * ch..(y + 1) * w * ch];
        let out = &mut tmp[y * w * ch..(y + 1) * w * ch];
        for x in 0..w {
            for c in 0..ch {
                let mut acc = 0u32;
                for (t, &kv) in kern.iter().enumerate() {
                    let xx = (x + t).saturating_sub(radius).min(w - 1);
                    acc += kv * u32::from(row[xx * ch + c]);
                }
                out[x * ch + c] = ((acc + norm / 2) / norm) as u8;
            }
        }
    }
    // Vertical pass.
    let stride = w * ch;
    for y in 0..h {
        let rows: Vec<usize> = (0..=2 * radius)
            .map(|t| (y + t).saturating_sub(radius).min(h - 1) * stride)
            .collect();
        let out = &mut r.data[y * stride..(y + 1) * stride];
        for (i, o) in out.iter_mut().enumerate() {
            let mut acc = 0u32;
            for (t, &kv) in kern.iter().enumerate() {
                acc += kv * u32::from(tmp[rows[t] + i]);
            }
            *o = ((acc + norm / 2) / norm) as u8;
        }
    }
}

/// Lamp falloff, dirty-glass streak and sensor noise, in one pass.
fn sensor(r: &mut Raster, spec: &ScanSpec, k: f64, seed: u64) {
    let (w, h, ch) = (r.w, r.h, r.ch);
    let l = spec.lighting;
    let (dx, dy) = (
        l.angle_deg.to_radians().cos(),
        l.angle_deg.to_radians().sin(),
    );
    // Linear ramp along the direction: 0 at the bright corner, 1 at the dim one.
    let (wf, hf) = (w as f64, h as f64);
    let lo = [0.0, dx * wf].iter().fold(0.0f64, |m, v| m.min(*v))
        + [0.0, dy * hf].iter().fold(0.0f64, |m, v| m.min(*v));
    let hi = [0.0, dx * wf].iter().fold(0.0f64, |m, v| m.max(*v))
        + [0.0, dy * hf].iter().fold(0.0f64, |m, v| m.max(*v));
    let span = (hi - lo).max(1.0);
    let streak = spec.streak.map(|s| {
        let x0 = (s.x_mm * k).max(0.0) as usize;
        let x1 = ((s.x_mm + s.width_mm) * k).ceil().max(0.0) as usize;
        (x0, x1.max(x0 + 1), (1.0 - s.darkness) as f32)
    });
    let sigma = spec.noise_sigma as f32;
    let mut noise = PixelNoise::new(seed ^ 0x5CA9_5CA9);
    let mut pending: Option<f32> = None;
    let mut gauss = || match pending.take() {
        Some(v) => v,
        None => {
            let (a, b) = noise.gauss_pair();
            pending = Some(b);
            a
        }
    };
    for y in 0..h {
        let row = &mut r.data[y * w * ch..(y + 1) * w * ch];
        for x in 0..w {
            let mut gain = 1.0 - (l.falloff * ((dx * x as f64 + dy * y as f64 - lo) / span)) as f32;
            if let Some((s0, s1, keep)) = streak
                && x >= s0
                && x < s1
            {
                gain *= keep;
            }
            for c in 0..ch {
                let v = &mut row[x * ch + c];
                let mut val = f32::from(*v) * gain;
                if sigma > 0.0 {
                    val += sigma * gauss();
                }
                *v = val.round().clamp(0.0, 255.0) as u8;
            }
        }
    }
}
