//! Stage 3: reading the ballot's QR code with rqrr.
//!
//! The expected region is rectified through the homography to a small,
//! upright image at a few pixels per module — far cheaper than searching the
//! page, and independent of the scan's resolution and skew. The whole page is
//! searched only when that fails.

// Reads data from outside the program: no unchecked numeric conversion.
#![warn(clippy::as_conversions)]

use image::GrayImage;

use super::geometry::{Homography, MmRect, Point};
use super::sample::sample_luma;
use super::view::PageView;

/// A decoded code and where its corners lie (image pixels, in the code's own order).
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// The text.
    pub text: String,
    /// Corners TL, TR, BR, BL of the code as rqrr reports them.
    pub corners: [Point; 4],
}

/// Reads a code from a small greyscale patch; corners in patch pixels.
fn decode_patch(w: usize, h: usize, data: &[u8]) -> Option<(String, [Point; 4])> {
    // First a global midpoint threshold (the patch is just the code and its quiet zone),
    // then rqrr's own adaptive threshold.
    let (mut lo, mut hi) = (255u8, 0u8);
    for &v in data {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if hi.saturating_sub(lo) < 40 {
        return None;
    }
    let mid = lo + (hi - lo) / 2; // lo ≤ hi: the same as their midpoint rounded down
    let mut img = rqrr::PreparedImage::prepare_from_bitmap(w, h, |x, y| data[y * w + x] < mid);
    for grid in img.detect_grids() {
        if let Ok((_, text)) = grid.decode() {
            return Some((
                text,
                grid.bounds
                    .map(|p| Point::new(f64::from(p.x), f64::from(p.y))),
            ));
        }
    }
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| data[y * w + x]);
    for grid in img.detect_grids() {
        if let Ok((_, text)) = grid.decode() {
            return Some((
                text,
                grid.bounds
                    .map(|p| Point::new(f64::from(p.x), f64::from(p.y))),
            ));
        }
    }
    None
}

/// Reads the code by sampling each module where the layout puts it, and hands
/// the bit grid to rqrr's decoder: no symbol detection, so it costs a few
/// hundred samples. Small shifts absorb residual misregistration.
#[allow(clippy::as_conversions)] // module counts of a QR symbol: at most 177
pub fn read_by_grid(
    page: &PageView<'_>,
    h: &Homography,
    symbol: MmRect,
    modules: usize,
) -> Option<Found> {
    let m = symbol.w / modules as f64;
    for (dx, dy) in [
        (0.0, 0.0),
        (0.3, 0.0),
        (-0.3, 0.0),
        (0.0, 0.3),
        (0.0, -0.3),
        (0.3, 0.3),
        (-0.3, -0.3),
        (0.3, -0.3),
        (-0.3, 0.3),
    ] {
        let mut values = Vec::with_capacity(modules * modules);
        for y in 0..modules {
            for x in 0..modules {
                let c = Point::new(
                    symbol.x + (x as f64 + 0.5 + dx) * m,
                    symbol.y + (y as f64 + 0.5 + dy) * m,
                );
                values.push(page.luma_bilinear(h.map(c)));
            }
        }
        let threshold = otsu(&values);
        let grid = rqrr::SimpleGrid::from_func(modules, |x, y| values[y * modules + x] < threshold);
        if let Ok((_, text)) = rqrr::Grid::new(grid).decode() {
            let corners = [
                Point::new(symbol.x, symbol.y),
                Point::new(symbol.right(), symbol.y),
                Point::new(symbol.right(), symbol.bottom()),
                Point::new(symbol.x, symbol.bottom()),
            ]
            .map(|p| h.map(p));
            return Some(Found { text, corners });
        }
    }
    None
}

/// Otsu's threshold of a set of grey values.
#[allow(clippy::float_cmp)] // pixel counts: whole numbers, exact in f64
#[allow(clippy::as_conversions)] // grey values clamped to 0..=255 and bin indices: no loss
fn otsu(values: &[f32]) -> f32 {
    let mut hist = [0u32; 256];
    for &v in values {
        hist[v.clamp(0.0, 255.0) as usize] += 1;
    }
    let total = values.len() as f64;
    let sum: f64 = hist
        .iter()
        .enumerate()
        .map(|(i, &n)| i as f64 * f64::from(n))
        .sum();
    let (mut w0, mut sum0, mut best, mut best_t) = (0.0, 0.0, 0.0, 128.0);
    for (t, &n) in hist.iter().enumerate() {
        w0 += f64::from(n);
        if w0 == 0.0 || w0 == total {
            continue;
        }
        sum0 += t as f64 * f64::from(n);
        let m0 = sum0 / w0;
        let m1 = (sum - sum0) / (total - w0);
        let between = w0 * (total - w0) * (m0 - m1).powi(2);
        if between > best {
            best = between;
            best_t = t as f32 + 0.5;
        }
    }
    best_t
}

/// Tries the expected region under a homography; `module_mm` is the code's module size.
pub fn read_in_region(
    page: &PageView<'_>,
    h: &Homography,
    region: MmRect,
    module_mm: f64,
) -> Option<Found> {
    // 4 px per module is plenty for rqrr; 6 helps blurred scans.
    for px_per_module in [4.0, 6.0] {
        let step = module_mm / px_per_module;
        let patch = sample_luma(page, h, region, step);
        if let Some((text, corners)) = decode_patch(patch.w, patch.h, &patch.data) {
            let to_image =
                |p: Point| h.map(Point::new(region.x + p.x * step, region.y + p.y * step));
            return Some(Found {
                text,
                corners: corners.map(to_image),
            });
        }
    }
    None
}

/// Searches the whole page (downsampled to about 6 px/mm); slow, for when the region failed.
///
/// The whole page first; then its top and bottom halves (overlapping), where
/// the code lies whichever way up the page is: on a small window rqrr's
/// adaptive threshold and its grouping of finder patterns meet fewer
/// distractors (corner marks, names, a crease), which a whole-page search can
/// lose the code among.
#[allow(clippy::as_conversions)] // dpi checked plausible where read; page sizes fit usize
pub fn read_whole_page(page: &PageView<'_>, dpi: f64) -> Option<Found> {
    let factor = ((dpi / 150.0).round() as u32).max(1);
    let small: GrayImage = page.downsample(factor);
    let (w, h) = (small.width(), small.height());
    let f = f64::from(factor);
    let scaled = |corners: [Point; 4], top: u32| {
        corners.map(|p| Point::new(p.x * f, (p.y + f64::from(top)) * f))
    };
    if let Some((text, corners)) = decode_patch(w as usize, h as usize, small.as_raw()) {
        return Some(Found {
            text,
            corners: scaled(corners, 0),
        });
    }
    let window = h.saturating_mul(3) / 5;
    for top in [0, h - window] {
        let part = image::imageops::crop_imm(&small, 0, top, w, window).to_image();
        if let Some((text, corners)) = decode_patch(w as usize, window as usize, part.as_raw()) {
            return Some(Found {
                text,
                corners: scaled(corners, top),
            });
        }
    }
    None
}
