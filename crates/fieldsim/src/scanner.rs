//! Scanners: optics (integration, blur), placement (skew, scale, offset), ADF auto-crop, tone
//! curve and noise, and the output modes real devices offer.

use crate::canvas::Canvas;
use crate::paper::{Damage, inside_poly};
use crate::rng::{Rand, normal};
use serde::{Deserialize, Serialize};

/// Colour handling of the scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// 8-bit grey (luminance).
    Grey,
    /// 24-bit colour.
    Colour,
    /// 8-bit grey under red light: red ink drops out.
    RedDropout,
    /// 1-bit by a global threshold.
    BwThreshold,
    /// 1-bit by an 8×8 ordered (Bayer) dither.
    BwOrdered,
    /// 1-bit by Floyd–Steinberg error diffusion.
    BwDiffusion,
}

impl Mode {
    /// Whether the mode produces one bit per pixel.
    pub fn is_bw(self) -> bool {
        matches!(
            self,
            Mode::BwThreshold | Mode::BwOrdered | Mode::BwDiffusion
        )
    }
}

/// How the ADF cropped the image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Crop {
    /// The paper with a border of the backing around it.
    Bed,
    /// The paper's bounding box.
    Edge,
    /// Inside the paper edge by a few mm (may cut through a corner mark).
    Tight,
}

/// One scan's settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScanSpec {
    /// Output resolution.
    pub dpi: u32,
    /// Skew in degrees.
    pub skew_deg: f64,
    /// Scale error (1.0 = exact).
    pub scale: f64,
    /// ADF feed-speed error: extra scale along the feed (y) direction (1.0 = exact).
    pub feed_stretch: f64,
    /// Crop mode.
    pub crop: Crop,
    /// How much a tight crop cuts per side (mm): left, top, right, bottom.
    pub tight_mm: [f64; 4],
    /// Backing reflectance seen outside the paper.
    pub backing: f32,
    /// Colour mode.
    pub mode: Mode,
    /// Threshold for 1-bit modes (0..255).
    pub threshold: u8,
    /// Gamma of the tone curve.
    pub gamma: f64,
    /// Noise s.d. in 8-bit levels.
    pub noise: f64,
}

/// The pixels a scanner hands over.
pub enum Pixels {
    /// 8-bit grey.
    Grey(Vec<u8>),
    /// 8-bit RGB.
    Rgb(Vec<u8>),
    /// One byte per pixel, 0 = black, 255 = white.
    Bw(Vec<u8>),
}

/// A scanned page.
pub struct Scan {
    /// Width.
    pub w: usize,
    /// Height.
    pub h: usize,
    /// True resolution.
    pub dpi: u32,
    /// Pixels.
    pub px: Pixels,
}

/// Scans a page canvas with its damage.
pub fn scan(
    page: &Canvas,
    dmg: &Damage,
    spec: &ScanSpec,
    page_mm: (f64, f64),
    r: &mut Rand,
) -> Scan {
    let out_k = f64::from(spec.dpi) / 25.4;
    let factor = (page.px_per_mm / out_k).floor() as usize;
    let src = if factor >= 2 {
        page.reduce(factor)
    } else {
        page.clone()
    };
    let th = spec.skew_deg.to_radians();
    let (c, s) = (th.cos(), th.sin());
    // Page mm -> scan mm: q = scale * R p; bounding box of the rotated page.
    let corners = [
        (0.0, 0.0),
        (page_mm.0, 0.0),
        (0.0, page_mm.1),
        (page_mm.0, page_mm.1),
    ];
    let (sx, sy) = (spec.scale, spec.scale * spec.feed_stretch);
    let rot = |(x, y): (f64, f64)| (sx * (c * x - s * y), sy * (s * x + c * y));
    let (mut bx0, mut by0, mut bx1, mut by1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for p in corners.map(rot) {
        bx0 = bx0.min(p.0);
        by0 = by0.min(p.1);
        bx1 = bx1.max(p.0);
        by1 = by1.max(p.1);
    }
    match spec.crop {
        Crop::Bed => {
            bx0 -= 4.0;
            by0 -= 3.0;
            bx1 += 5.0;
            by1 += 6.0;
        }
        Crop::Edge => {}
        Crop::Tight => {
            let t = spec.tight_mm;
            bx0 += t[0];
            by0 += t[1];
            bx1 -= t[2];
            by1 -= t[3];
        }
    }
    let w = ((bx1 - bx0) * out_k).round().max(1.0) as usize;
    let h = ((by1 - by0) * out_k).round().max(1.0) as usize;
    let sk = src.px_per_mm;
    let mut rgb = vec![0f32; w * h * 3];
    for v in 0..h {
        for u in 0..w {
            let (qx, qy) = (
                bx0 + (u as f64 + 0.5) / out_k,
                by0 + (v as f64 + 0.5) / out_k,
            );
            // Inverse rotation and scale back to page mm.
            let (qx, qy) = (qx / sx, qy / sy);
            let (mut px, mut py) = (c * qx + s * qy, -s * qx + c * qy);
            if let Some(((fx, fy), (nx, ny), shift)) = dmg.fold {
                let d = (px - fx) * nx + (py - fy) * ny;
                if d > 0.0 {
                    let k = (d / 2.0).min(1.0);
                    px -= nx * shift * k;
                    py -= ny * shift * k;
                }
            }
            let torn = dmg
                .tear
                .as_ref()
                .is_some_and(|t| !t.is_empty() && inside_poly(t, (px, py)));
            let val = if torn {
                None
            } else {
                src.sample(px * sk - 0.5, py * sk - 0.5)
            };
            let o = (v * w + u) * 3;
            let px3 = val.unwrap_or([spec.backing; 3]);
            rgb[o..o + 3].copy_from_slice(&px3);
        }
    }
    let grey_like = !matches!(spec.mode, Mode::Colour);
    let chans = if grey_like { 1 } else { 3 };
    let mut lin = vec![0f32; w * h * chans];
    for i in 0..w * h {
        let p = &rgb[i * 3..i * 3 + 3];
        match spec.mode {
            Mode::Colour => lin[i * 3..i * 3 + 3].copy_from_slice(p),
            Mode::RedDropout => lin[i] = p[0],
            _ => lin[i] = 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2],
        }
    }
    let blurred = blur(&lin, w, h, chans);
    let mut bytes = Vec::with_capacity(blurred.len());
    for &x in &blurred {
        let t = f64::from(x.max(0.0)).powf(1.0 / spec.gamma);
        let t = (t - 0.15) / 0.8;
        let n = spec.noise * normal(r);
        bytes.push((t * 255.0 + n).round().clamp(0.0, 255.0) as u8);
    }
    let px = match spec.mode {
        Mode::Colour => Pixels::Rgb(bytes),
        Mode::Grey | Mode::RedDropout => Pixels::Grey(bytes),
        Mode::BwThreshold => Pixels::Bw(threshold(&bytes, spec.threshold)),
        Mode::BwOrdered => Pixels::Bw(ordered(&bytes, w)),
        Mode::BwDiffusion => Pixels::Bw(diffuse(&bytes, w, h)),
    };
    Scan {
        w,
        h,
        dpi: spec.dpi,
        px,
    }
}

/// The lens and sensor's point spread: a separable [1 2 1]/4 kernel.
fn blur(img: &[f32], w: usize, h: usize, ch: usize) -> Vec<f32> {
    let mut tmp = vec![0f32; img.len()];
    let at = |x: usize, y: usize, c: usize| (y * w + x) * ch + c;
    for y in 0..h {
        for x in 0..w {
            for c in 0..ch {
                let l = img[at(x.saturating_sub(1), y, c)];
                let r = img[at((x + 1).min(w - 1), y, c)];
                tmp[at(x, y, c)] = 0.25 * l + 0.5 * img[at(x, y, c)] + 0.25 * r;
            }
        }
    }
    let mut out = vec![0f32; img.len()];
    for y in 0..h {
        for x in 0..w {
            for c in 0..ch {
                let u = tmp[at(x, y.saturating_sub(1), c)];
                let d = tmp[at(x, (y + 1).min(h - 1), c)];
                out[at(x, y, c)] = 0.25 * u + 0.5 * tmp[at(x, y, c)] + 0.25 * d;
            }
        }
    }
    out
}

/// Global threshold: darker than `t` is black.
pub fn threshold(grey: &[u8], t: u8) -> Vec<u8> {
    grey.iter().map(|&g| if g < t { 0 } else { 255 }).collect()
}

/// 8×8 Bayer ordered dither.
pub fn ordered(grey: &[u8], w: usize) -> Vec<u8> {
    let bayer = |x: usize, y: usize| -> u32 {
        let mut v = 0u32;
        let (mut xx, mut yy) = (x as u32, y as u32);
        for _ in 0..3 {
            v = (v << 2) | (((xx & 1) ^ (yy & 1)) << 1 | (yy & 1));
            xx >>= 1;
            yy >>= 1;
        }
        v
    };
    grey.iter()
        .enumerate()
        .map(|(i, &g)| {
            let t = (bayer(i % w % 8, i / w % 8) * 4 + 2) as u8;
            if g < t { 0 } else { 255 }
        })
        .collect()
}

/// Floyd–Steinberg error diffusion.
pub fn diffuse(grey: &[u8], w: usize, h: usize) -> Vec<u8> {
    let mut e: Vec<f32> = grey.iter().map(|&g| f32::from(g)).collect();
    let mut out = vec![0u8; grey.len()];
    for y in 0..h {
        for x in 0..w {
            let i = y * w + x;
            let old = e[i];
            let new = if old < 128.0 { 0.0 } else { 255.0 };
            out[i] = new as u8;
            let err = old - new;
            if x + 1 < w {
                e[i + 1] += err * 7.0 / 16.0;
            }
            if y + 1 < h {
                if x > 0 {
                    e[i + w - 1] += err * 3.0 / 16.0;
                }
                e[i + w] += err * 5.0 / 16.0;
                if x + 1 < w {
                    e[i + w + 1] += err / 16.0;
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dithers_keep_the_mean_grey_level() {
        let (w, h) = (64, 64);
        let grey = vec![96u8; w * h];
        for out in [ordered(&grey, w), diffuse(&grey, w, h)] {
            let white = out.iter().filter(|&&b| b == 255).count() as f64 / (w * h) as f64;
            assert!((white - 96.0 / 255.0).abs() < 0.03, "{white}");
        }
        assert_eq!(threshold(&[10, 200], 128), vec![0, 255]);
    }

    #[test]
    fn a_skewed_scan_of_a_white_page_is_white_inside_and_backing_outside() {
        let page = Canvas::from_print(&vec![255; 100 * 140], 100, 140, 1.0, [0.93; 3]);
        let spec = ScanSpec {
            dpi: 50,
            skew_deg: 2.0,
            scale: 1.0,
            feed_stretch: 1.0,
            crop: Crop::Bed,
            tight_mm: [0.0; 4],
            backing: 0.1,
            mode: Mode::Grey,
            threshold: 128,
            gamma: 2.2,
            noise: 0.0,
        };
        let mut r = crate::rng::rand_for(1, "s");
        let s = scan(&page, &Damage::default(), &spec, (100.0, 140.0), &mut r);
        let Pixels::Grey(g) = s.px else {
            panic!("grey expected")
        };
        assert!(g[0] < 80, "backing {}", g[0]);
        assert!(g[(s.h / 2) * s.w + s.w / 2] > 220);
    }
}
