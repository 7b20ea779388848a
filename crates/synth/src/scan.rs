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
    let (wu, hu) = (w as usize, h as usize);
    // Image pixel centre → page pixel index space (samples at integer positions).
    let inv = spec
        .page_to_image(page_mm)
        .invert()
        .ok_or(SynthError::InvalidScan {
            field: "scale",
            reason: "degenerate transform".into(),
        })?
        .then(&Affine::scale(k))
        .then(&Affine::translate(-0.5, -0.5));
    let look = Look {
        bg: spec.background.level(),
        paper: f32::from(spec.paper_level) / 255.0,
        shadow_px: if spec.background == Background::White {
            (0.6 * k) as f32
        } else {
            0.0
        },
    };
    let data = match page.ch {
        1 => warp::<1>(page, &inv, wu, hu, &look),
        3 => warp::<3>(page, &inv, wu, hu, &look),
        _ => return Err(SynthError::Internal("raster must have 1 or 3 channels")),
    };
    let mut img = Raster {
        w: wu,
        h: hu,
        ch: page.ch,
        data,
    };
    // Lamp, streak and noise are applied to each row as the blur finishes it, while the
    // row is in cache, rather than in another pass over the page.
    let mut sensor = Sensor::new(spec, wu, hu, k, seed);
    if spec.blur_sigma >= 0.2 {
        blur(&mut img, spec.blur_sigma, sensor.as_mut());
    } else if let Some(sensor) = sensor.as_mut() {
        for (y, row) in img.data.chunks_exact_mut(wu * page.ch).enumerate() {
            sensor.row(y, row, page.ch);
        }
    }
    let grey = |data| {
        image::GrayImage::from_raw(w, h, data).ok_or(SynthError::Internal("grey buffer size"))
    };
    Ok(match spec.colour {
        ColourMode::Rgb => image::DynamicImage::ImageRgb8(
            image::RgbImage::from_raw(w, h, img.data)
                .ok_or(SynthError::Internal("RGB buffer size"))?,
        ),
        ColourMode::Grey => image::DynamicImage::ImageLuma8(grey(img.data)?),
        ColourMode::Bilevel { threshold } => {
            let data = img
                .data
                .iter()
                .map(|&v| if v < threshold { 0 } else { 255 })
                .collect();
            image::DynamicImage::ImageLuma8(grey(data)?)
        }
    })
}

/// What the scanner sees besides the sheet's pixels.
struct Look {
    /// Grey level of the background.
    bg: f32,
    /// Paper brightness factor (0..1).
    paper: f32,
    /// Width of the sheet edge's shadow on a white lid, px (0: none).
    shadow_px: f32,
}

/// Fractional bits of the fixed-point sample positions: with incremental stepping the
/// drift over a 600 dpi row (≈ 7000 px) stays below 0.01 px.
const FRAC: u32 = 20;

/// The one warp of the whole page: for each image pixel, the bilinear sample of the sheet
/// under it, or the background. Positions step incrementally in fixed point; the
/// common case (all four neighbours on the sheet) is integer arithmetic only.
fn warp<const C: usize>(page: &Raster, inv: &Affine, w: usize, h: usize, look: &Look) -> Vec<u8> {
    let [a, b, c, d, e, f] = inv.0;
    let one = f64::from(1u32 << FRAC);
    let (du, dv) = ((a * one).round() as i64, (d * one).round() as i64);
    let (pw, ph) = (page.w, page.h);
    let stride = pw * C;
    // Paper brightness as an 8.8 fixed-point factor.
    let paper_q = (look.paper * 256.0).round() as u32;
    let mut out = vec![0u8; w * h * C];
    for (j, row) in out.chunks_exact_mut(w * C).enumerate() {
        let yj = j as f64 + 0.5;
        let mut u = ((a * 0.5 + b * yj + c) * one).round() as i64;
        let mut v = ((d * 0.5 + e * yj + f) * one).round() as i64;
        for px in row.chunks_exact_mut(C) {
            let (x0, y0) = (u >> FRAC, v >> FRAC);
            if x0 >= 0 && y0 >= 0 && (x0 as usize) + 1 < pw && (y0 as usize) + 1 < ph {
                let base = y0 as usize * stride + x0 as usize * C;
                let (top, bot) = (
                    &page.data[base..base + 2 * C],
                    &page.data[base + stride..base + stride + 2 * C],
                );
                // Most of a ballot is plain paper: equal neighbours need no interpolation.
                if (0..C).all(|c| top[c] == top[C + c] && top[c] == bot[c] && top[c] == bot[C + c])
                {
                    for (o, &p) in px.iter_mut().zip(top) {
                        *o = ((u32::from(p) * paper_q + 128) >> 8) as u8;
                    }
                } else {
                    // 8-bit weights are plenty for 8-bit pixels.
                    let fx = ((u >> (FRAC - 8)) & 0xFF) as i32;
                    let fy = ((v >> (FRAC - 8)) & 0xFF) as i32;
                    for (ch, o) in px.iter_mut().enumerate() {
                        let (p00, p01) = (i32::from(top[ch]), i32::from(top[C + ch]));
                        let (p10, p11) = (i32::from(bot[ch]), i32::from(bot[C + ch]));
                        let t = (p00 << 8) + (p01 - p00) * fx;
                        let b = (p10 << 8) + (p11 - p10) * fx;
                        // value × 2^16, times paper (× 2^8), rounded, 24 bits dropped.
                        let val = ((t << 8) + (b - t) * fy) as u32;
                        *o = ((u64::from(val) * u64::from(paper_q) + (1 << 23)) >> 24) as u8;
                    }
                }
            } else {
                edge_pixel::<C>(page, u as f64 / one, v as f64 / one, look, px);
            }
            u += du;
            v += dv;
        }
    }
    out
}

/// A pixel at the sheet's edge or off it: missing neighbours are background, which
/// anti-aliases the edge; a white lid shows the edge's thin shadow.
fn edge_pixel<const C: usize>(page: &Raster, u: f64, v: f64, look: &Look, out: &mut [u8]) {
    let (pw, ph) = (page.w as isize, page.h as isize);
    let (x0, y0) = (u.floor() as isize, v.floor() as isize);
    let (fx, fy) = ((u - x0 as f64) as f32, (v - y0 as f64) as f32);
    let far = x0 < -1 || y0 < -1 || x0 >= pw || y0 >= ph;
    let mut dark = 1.0;
    if look.shadow_px > 0.0 {
        let dx = (-u - 0.5).max(u - (pw as f64 - 0.5)).max(0.0);
        let dy = (-v - 0.5).max(v - (ph as f64 - 0.5)).max(0.0);
        let outside_by = dx.max(dy) as f32;
        if outside_by > 0.0 && outside_by < look.shadow_px {
            dark = 1.0 - 0.2 * (1.0 - outside_by / look.shadow_px);
        }
    }
    for (ch, o) in out.iter_mut().enumerate() {
        let value = if far {
            look.bg
        } else {
            let s = |x: isize, y: isize| {
                if x >= 0 && y >= 0 && x < pw && y < ph {
                    f32::from(page.data[(y as usize * page.w + x as usize) * C + ch]) * look.paper
                } else {
                    look.bg
                }
            };
            let top = s(x0, y0) + (s(x0 + 1, y0) - s(x0, y0)) * fx;
            let bot = s(x0, y0 + 1) + (s(x0 + 1, y0 + 1) - s(x0, y0 + 1)) * fx;
            top + (bot - top) * fy
        };
        *o = (value * dark + 0.5) as u8;
    }
}

/// Separable gaussian blur with a kernel of radius ≤ 2 (σ ≤ 1.2 px), in fixed point.
fn blur(r: &mut Raster, sigma: f64, mut sensor: Option<&mut Sensor>) {
    // Radius 1 holds > 99% of the kernel below σ = 0.6.
    let radius = if sigma < 0.6 { 1usize } else { 2 };
    let raw: Vec<f64> = (0..=2 * radius)
        .map(|i| {
            let x = i as f64 - radius as f64;
            (-x * x / (2.0 * sigma * sigma)).exp()
        })
        .collect();
    let sum: f64 = raw.iter().sum();
    // Weights sum to exactly 2^12 so the division is a shift.
    let mut kern: Vec<u32> = raw
        .iter()
        .map(|v| (v / sum * 4096.0).round() as u32)
        .collect();
    let excess = kern.iter().sum::<u32>() as i64 - 4096;
    kern[radius] = (i64::from(kern[radius]) - excess) as u32;
    let mut tmp = vec![0u8; r.data.len()];
    blur_rows(&r.data, &mut tmp, r.w, r.ch, &kern);
    // Vertical pass, a row at a time, accumulating whole rows (vectorises).
    let stride = r.w * r.ch;
    let h = r.h;
    let mut acc = vec![0u32; stride];
    for (y, dst) in r.data.chunks_exact_mut(stride).enumerate() {
        acc.fill(1 << 11);
        for (t, &kv) in kern.iter().enumerate() {
            let yy = (y + t).saturating_sub(radius).min(h - 1);
            for (a, &s) in acc.iter_mut().zip(&tmp[yy * stride..(yy + 1) * stride]) {
                *a += kv * u32::from(s);
            }
        }
        for (o, a) in dst.iter_mut().zip(&acc) {
            *o = (a >> 12) as u8;
        }
        if let Some(sensor) = sensor.as_deref_mut() {
            sensor.row(y, dst, r.ch);
        }
    }
}

/// Horizontal blur pass over every row; borders clamp. Each tap adds a shifted copy of
/// the whole row, which vectorises.
fn blur_rows(src: &[u8], dst: &mut [u8], w: usize, ch: usize, kern: &[u32]) {
    let radius = kern.len() / 2;
    let n = w * ch;
    let mut acc = vec![0u32; n];
    for (s, d) in src.chunks_exact(n).zip(dst.chunks_exact_mut(n)) {
        acc.fill(1 << 11);
        for (t, &kv) in kern.iter().enumerate() {
            // Element i reads element i + off, off = (t − radius) · ch.
            let (back, fwd) = (
                (radius.saturating_sub(t)) * ch,
                (t.saturating_sub(radius)) * ch,
            );
            let (lo, hi) = (back.min(n), n.saturating_sub(fwd));
            if lo < hi {
                for (a, &v) in acc[lo..hi]
                    .iter_mut()
                    .zip(&s[lo - back + fwd..hi - back + fwd])
                {
                    *a += kv * u32::from(v);
                }
            }
            // Off the row: the edge pixel, same channel.
            for (i, a) in acc.iter_mut().enumerate().take(lo.min(n)) {
                *a += kv * u32::from(s[i % ch]);
            }
            for (i, a) in acc.iter_mut().enumerate().skip(hi) {
                *a += kv * u32::from(s[(w - 1) * ch + i % ch]);
            }
        }
        for (o, a) in d.iter_mut().zip(&acc) {
            *o = (a >> 12) as u8;
        }
    }
}

/// Lamp falloff, dirty-glass streak and sensor noise, applied row by row.
struct Sensor {
    /// Gain at pixel (0, 0) and its steps along x and y.
    g0: f32,
    gx: f32,
    gy: f32,
    /// Streak columns `s0..s1` keep this fraction of the light.
    streak: (usize, usize, f32),
    /// Noise scale: σ over the spread of a sum of two random bytes.
    noise_scale: f32,
    noise: PixelNoise,
    /// Per-sample gain and noise of the current row (reused buffers).
    gains: Vec<f32>,
    noises: Vec<f32>,
}

impl Sensor {
    /// The sensor of a `w × h` px scan; `None` when it changes nothing.
    fn new(spec: &ScanSpec, w: usize, h: usize, k: f64, seed: u64) -> Option<Sensor> {
        let l = spec.lighting;
        if l.falloff <= 0.0 && spec.streak.is_none() && spec.noise_sigma <= 0.0 {
            return None;
        }
        let (dx, dy) = (
            l.angle_deg.to_radians().cos(),
            l.angle_deg.to_radians().sin(),
        );
        // Linear ramp along the direction: gain 1 at the bright corner, 1 − falloff at the dim one.
        let (wf, hf) = (w as f64, h as f64);
        let lo = (dx * wf).min(0.0) + (dy * hf).min(0.0);
        let hi = (dx * wf).max(0.0) + (dy * hf).max(0.0);
        let span = (hi - lo).max(1.0);
        let streak = spec.streak.map_or((0, 0, 1.0), |s| {
            let x0 = (s.x_mm * k).max(0.0) as usize;
            let x1 = ((s.x_mm + s.width_mm) * k).ceil().max(0.0) as usize;
            (x0, x1.max(x0 + 1), (1.0 - s.darkness) as f32)
        });
        // Noise is the sum of two random bytes, centred: close enough to gaussian for a
        // sensor, four samples per 64 random bits and no table lookups.
        let noise = PixelNoise::new(seed ^ 0x5CA9_5CA9);
        Some(Sensor {
            g0: (1.0 + l.falloff * lo / span) as f32,
            gx: (-l.falloff * dx / span) as f32,
            gy: (-l.falloff * dy / span) as f32,
            streak,
            noise_scale: spec.noise_sigma as f32 / TWO_BYTE_SD,
            noise,
            gains: Vec::new(),
            noises: Vec::new(),
        })
    }

    /// Applies the sensor to image row `y` (`ch` channels per pixel). Gains and noise
    /// are laid out per sample first so the final loop is plain arithmetic.
    fn row(&mut self, y: usize, row: &mut [u8], ch: usize) {
        let n = row.len();
        self.gains.resize(n, 0.0);
        self.noises.resize(n, 0.0);
        let g_row = self.g0 + self.gy * y as f32;
        for (x, g) in self.gains.chunks_exact_mut(ch).enumerate() {
            g.fill(g_row + self.gx * x as f32);
        }
        let (s0, s1, keep) = self.streak;
        let (s0, s1) = ((s0 * ch).min(n), (s1 * ch).min(n));
        for g in &mut self.gains[s0..s1] {
            *g *= keep;
        }
        for chunk in self.noises.chunks_mut(4) {
            let bits = self.noise.next_u64().to_le_bytes();
            for (v, pair) in chunk.iter_mut().zip(bits.chunks_exact(2)) {
                *v = (f32::from(pair[0]) + f32::from(pair[1]) - 255.0) * self.noise_scale;
            }
        }
        for ((v, &g), &e) in row.iter_mut().zip(&self.gains).zip(&self.noises) {
            // `as u8` saturates; `+ 0.5` rounds (f32::round is a libm call on x86-64).
            *v = (f32::from(*v) * g + e + 0.5) as u8;
        }
    }
}

/// Standard deviation of the sum of two uniform random bytes: √(2 · (256² − 1) / 12).
const TWO_BYTE_SD: f32 = 104.51;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blur_keeps_uniform_areas_and_ink_mass() {
        for (ch, sigma) in [(1, 0.5), (1, 1.0), (3, 0.8)] {
            let mut r = Raster::filled(9, 7, ch, 200);
            blur(&mut r, sigma, None);
            assert!(r.data.iter().all(|&v| v == 200), "uniform stays uniform");
            let mut r = Raster::filled(9, 7, ch, 0);
            let centre = (3 * 9 + 4) * ch;
            r.data[centre] = 255;
            blur(&mut r, sigma, None);
            let mass: u32 = r.data.iter().map(|&v| u32::from(v)).sum();
            assert!((245..=265).contains(&mass), "σ {sigma}: mass {mass}");
            // Symmetric left/right and up/down.
            assert_eq!(r.data[centre - ch], r.data[centre + ch]);
            assert_eq!(r.data[centre - 9 * ch], r.data[centre + 9 * ch]);
            assert!(r.data[centre] < 255 && r.data[centre + ch] > 0);
        }
    }

    #[test]
    fn blur_handles_images_narrower_than_its_kernel() {
        for (w, h) in [(1, 1), (2, 3), (1, 6)] {
            let mut r = Raster::filled(w, h, 3, 90);
            blur(&mut r, 1.1, None);
            assert!(r.data.iter().all(|&v| v == 90));
        }
    }

    #[test]
    fn warp_by_whole_pixels_is_an_exact_shift() {
        let mut page = Raster::filled(40, 30, 1, 255);
        for (i, v) in page.data.iter_mut().enumerate() {
            *v = (i * 7 % 251) as u8;
        }
        let look = Look {
            bg: 30.0,
            paper: 1.0,
            shadow_px: 0.0,
        };
        // Image pixel centre (i + 0.5, j + 0.5) samples page index (i + 3, j − 2).
        let inv = Affine::translate(2.5, -2.5);
        let out = warp::<1>(&page, &inv, 40, 30, &look);
        for j in 2..29 {
            for i in 0..36 {
                assert_eq!(
                    out[j * 40 + i],
                    page.data[(j - 2) * 40 + i + 3],
                    "({i}, {j})"
                );
            }
        }
        // Off the sheet: background.
        assert_eq!(out[39], 30);
    }

    #[test]
    fn upside_down_maps_corners_to_opposite_corners() {
        let spec = ScanSpec {
            quarter_turns: 2,
            ..ScanSpec::clean(254)
        };
        let m = spec.page_to_image((148.0, 210.0));
        let (x, y) = m.apply(0.0, 0.0);
        assert!((x - 1480.0).abs() < 1e-6 && (y - 2100.0).abs() < 1e-6);
        let sideways = ScanSpec {
            quarter_turns: 1,
            ..ScanSpec::clean(254)
        };
        assert_eq!(sideways.image_size((148.0, 210.0)), (2100, 1480));
        // Turned clockwise: the top-left corner goes to the top-right.
        let (x, y) = sideways.page_to_image((148.0, 210.0)).apply(0.0, 0.0);
        assert!((x - 2100.0).abs() < 1e-6 && y.abs() < 1e-6);
    }

    #[test]
    fn sensor_noise_has_the_requested_spread() {
        let mut r = Raster::filled(200, 100, 1, 128);
        let spec = ScanSpec {
            noise_sigma: 6.0,
            ..ScanSpec::clean(200)
        };
        let mut sensor = Sensor::new(&spec, 200, 100, 8.0, 1).expect("noise is a change");
        for (y, row) in r.data.chunks_exact_mut(200).enumerate() {
            sensor.row(y, row, 1);
        }
        let n = r.data.len() as f64;
        let mean = r.data.iter().map(|&v| f64::from(v)).sum::<f64>() / n;
        let var = r
            .data
            .iter()
            .map(|&v| (f64::from(v) - mean).powi(2))
            .sum::<f64>()
            / n;
        assert!((mean - 128.0).abs() < 0.5, "mean {mean}");
        assert!((var.sqrt() - 6.0).abs() < 0.4, "σ {}", var.sqrt());
    }
}
