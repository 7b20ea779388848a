//! Sampling a rectangle of the layout (mm) out of the scan through the
//! homography, on a regular grid — how every fine measurement starts.

use super::geometry::{Homography, MmRect, Point};
use super::view::PageView;

/// A small greyscale raster in layout space: `step` mm per pixel from `origin`.
#[derive(Debug, Clone)]
pub struct Patch {
    /// Top-left corner, mm.
    pub origin: Point,
    /// Millimetres per pixel.
    pub step: f64,
    /// Width in pixels.
    pub w: usize,
    /// Height in pixels.
    pub h: usize,
    /// Row-major luminance.
    pub data: Vec<u8>,
}

impl Patch {
    /// Pixel value, 255 outside.
    #[inline]
    pub fn at(&self, x: isize, y: isize) -> u8 {
        if x < 0 || y < 0 || x as usize >= self.w || y as usize >= self.h {
            255
        } else {
            self.data[y as usize * self.w + x as usize]
        }
    }

    /// Grid size covering `rect` at `step`.
    pub fn size_for(rect: MmRect, step: f64) -> (usize, usize) {
        (
            (rect.w / step).round().max(1.0) as usize,
            (rect.h / step).round().max(1.0) as usize,
        )
    }

    /// The value below which `fraction` of the pixels lie.
    pub fn percentile(&self, fraction: f64) -> u8 {
        super::view::percentile_of(&self.data, fraction)
    }
}

/// Samples the scan's luminance over `rect` (mm) at `step` mm per pixel, bilinear.
pub fn sample_luma(page: &PageView<'_>, h: &Homography, rect: MmRect, step: f64) -> Patch {
    let (w, hgt) = Patch::size_for(rect, step);
    let mut data = Vec::with_capacity(w * hgt);
    for j in 0..hgt {
        let y = rect.y + (j as f64 + 0.5) * step;
        // Map the row's ends and interpolate: the homography is near-affine over a small patch.
        let a = h.map(Point::new(rect.x + 0.5 * step, y));
        let b = h.map(Point::new(rect.x + (w as f64 - 0.5) * step, y));
        let n = (w.max(2) - 1) as f64;
        for i in 0..w {
            let t = i as f64 / n;
            let p = Point::new(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t);
            data.push((page.luma_bilinear(p) + 0.5) as u8);
        }
    }
    Patch {
        origin: Point::new(rect.x, rect.y),
        step,
        w,
        h: hgt,
        data,
    }
}

/// Samples colour (nearest pixel) over `rect`, for red-ink measures.
pub fn sample_rgb(
    page: &PageView<'_>,
    h: &Homography,
    rect: MmRect,
    step: f64,
) -> (usize, usize, Vec<[u8; 3]>) {
    let (w, hgt) = Patch::size_for(rect, step);
    let mut data = Vec::with_capacity(w * hgt);
    for j in 0..hgt {
        for i in 0..w {
            let p = h.map(Point::new(
                rect.x + (i as f64 + 0.5) * step,
                rect.y + (j as f64 + 0.5) * step,
            ));
            data.push(page.rgb(p.x.floor() as i64, p.y.floor() as i64));
        }
    }
    (w, hgt, data)
}

/// Boolean dilation by a square of radius `r` (separable running max).
pub fn dilate(mask: &[bool], w: usize, h: usize, r: usize) -> Vec<bool> {
    if r == 0 {
        return mask.to_vec();
    }
    let mut tmp = vec![false; w * h];
    for y in 0..h {
        let row = &mask[y * w..(y + 1) * w];
        // Prefix counts make each window test O(1).
        let mut prefix = vec![0u32; w + 1];
        for x in 0..w {
            prefix[x + 1] = prefix[x] + u32::from(row[x]);
        }
        for x in 0..w {
            let lo = x.saturating_sub(r);
            let hi = (x + r + 1).min(w);
            tmp[y * w + x] = prefix[hi] > prefix[lo];
        }
    }
    let mut out = vec![false; w * h];
    for x in 0..w {
        let mut prefix = vec![0u32; h + 1];
        for y in 0..h {
            prefix[y + 1] = prefix[y] + u32::from(tmp[y * w + x]);
        }
        for y in 0..h {
            let lo = y.saturating_sub(r);
            let hi = (y + r + 1).min(h);
            out[y * w + x] = prefix[hi] > prefix[lo];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dilation_grows_a_point_into_a_square() {
        let (w, h) = (7, 7);
        let mut m = vec![false; w * h];
        m[3 * w + 3] = true;
        let d = dilate(&m, w, h, 1);
        let count = d.iter().filter(|&&b| b).count();
        assert_eq!(count, 9);
        assert!(d[2 * w + 2] && d[4 * w + 4] && !d[w + 3]);
    }
}
