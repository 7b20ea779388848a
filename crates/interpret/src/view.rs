//! Read access to a page's pixels: luminance and colour, bilinear, and a
//! coarse box-downsampled copy for the whole-page stages.

use image::{DynamicImage, GrayImage, RgbImage};

use super::geometry::Point;

/// A page as the interpreter reads it: 8-bit grey or 8-bit RGB.
pub enum PageView<'a> {
    /// Grey scan.
    Gray(&'a GrayImage),
    /// Colour scan.
    Rgb(&'a RgbImage),
}

impl<'a> PageView<'a> {
    /// A view of a normalised image (see `decode::normalise`); None for other formats.
    pub fn new(image: &'a DynamicImage) -> Option<Self> {
        match image {
            DynamicImage::ImageLuma8(g) => Some(PageView::Gray(g)),
            DynamicImage::ImageRgb8(c) => Some(PageView::Rgb(c)),
            _ => None,
        }
    }

    /// Width and height in pixels.
    pub fn dimensions(&self) -> (u32, u32) {
        match self {
            PageView::Gray(g) => g.dimensions(),
            PageView::Rgb(c) => c.dimensions(),
        }
    }

    /// True for colour scans.
    pub fn is_colour(&self) -> bool {
        matches!(self, PageView::Rgb(_))
    }

    /// Luminance of a pixel (ITU-R BT.601 weights, integer maths); 255 outside the page.
    #[inline]
    pub fn luma(&self, x: i64, y: i64) -> u8 {
        let (w, h) = self.dimensions();
        if x < 0 || y < 0 || x >= i64::from(w) || y >= i64::from(h) {
            return 255;
        }
        match self {
            PageView::Gray(g) => g.as_raw()[y as usize * w as usize + x as usize],
            PageView::Rgb(c) => {
                let i = (y as usize * w as usize + x as usize) * 3;
                let p = &c.as_raw()[i..i + 3];
                ((299 * u32::from(p[0]) + 587 * u32::from(p[1]) + 114 * u32::from(p[2])) / 1000)
                    as u8
            }
        }
    }

    /// Colour of a pixel; grey scans give equal channels; white outside.
    #[inline]
    pub fn rgb(&self, x: i64, y: i64) -> [u8; 3] {
        let (w, h) = self.dimensions();
        if x < 0 || y < 0 || x >= i64::from(w) || y >= i64::from(h) {
            return [255; 3];
        }
        match self {
            PageView::Gray(g) => {
                let v = g.as_raw()[y as usize * w as usize + x as usize];
                [v; 3]
            }
            PageView::Rgb(c) => {
                let i = (y as usize * w as usize + x as usize) * 3;
                let p = &c.as_raw()[i..i + 3];
                [p[0], p[1], p[2]]
            }
        }
    }

    /// Bilinear luminance at a sub-pixel position (pixel centres at integer + 0.5).
    #[inline]
    #[allow(clippy::float_cmp)] // exact on purpose: is `fx` a whole number?
    pub fn luma_bilinear(&self, p: Point) -> f32 {
        // Truncation toward zero is floor for x ≥ 0; correct it below zero.
        // (f64::floor is a libm call on baseline x86-64, too slow here.)
        let fx = p.x - 0.5;
        let fy = p.y - 0.5;
        let x0 = fx as i64 - i64::from(fx < 0.0 && fx != (fx as i64) as f64);
        let y0 = fy as i64 - i64::from(fy < 0.0 && fy != (fy as i64) as f64);
        let ax = (fx - x0 as f64) as f32;
        let ay = (fy - y0 as f64) as f32;
        let (w, h) = self.dimensions();
        let (a, b, c, d) = if x0 >= 0 && y0 >= 0 && x0 + 1 < i64::from(w) && y0 + 1 < i64::from(h) {
            // Fast path: the 2×2 block is inside the page.
            let i = y0 as usize * w as usize + x0 as usize;
            let wu = w as usize;
            match self {
                PageView::Gray(g) => {
                    let r = g.as_raw();
                    (
                        f32::from(r[i]),
                        f32::from(r[i + 1]),
                        f32::from(r[i + wu]),
                        f32::from(r[i + wu + 1]),
                    )
                }
                PageView::Rgb(_) => (
                    f32::from(self.luma(x0, y0)),
                    f32::from(self.luma(x0 + 1, y0)),
                    f32::from(self.luma(x0, y0 + 1)),
                    f32::from(self.luma(x0 + 1, y0 + 1)),
                ),
            }
        } else {
            (
                f32::from(self.luma(x0, y0)),
                f32::from(self.luma(x0 + 1, y0)),
                f32::from(self.luma(x0, y0 + 1)),
                f32::from(self.luma(x0 + 1, y0 + 1)),
            )
        };
        (a * (1.0 - ax) + b * ax) * (1.0 - ay) + (c * (1.0 - ax) + d * ax) * ay
    }

    /// Box-downsampled luminance, `factor` × `factor` pixels per cell.
    ///
    /// The one pass over every pixel the interpreter makes; everything
    /// else samples small regions.
    pub fn downsample(&self, factor: u32) -> GrayImage {
        let factor = factor.max(1);
        let (w, h) = self.dimensions();
        let (cw, ch) = (w.div_ceil(factor), h.div_ceil(factor));
        // Sum `factor` rows per pixel column (a vectorisable add), then collapse
        // each cell's columns once per cell row.
        let f = factor as usize;
        let mut acc = vec![0u32; w as usize];
        let mut out = GrayImage::new(cw, ch);
        for cy in 0..ch {
            acc.fill(0);
            let y_end = ((cy + 1) * factor).min(h);
            for y in cy * factor..y_end {
                match self {
                    PageView::Gray(g) => {
                        let row = &g.as_raw()[(y * w) as usize..((y + 1) * w) as usize];
                        for (a, &v) in acc.iter_mut().zip(row) {
                            *a += u32::from(v);
                        }
                    }
                    PageView::Rgb(c) => {
                        let row = &c.as_raw()[(y * w * 3) as usize..((y + 1) * w * 3) as usize];
                        for (a, p) in acc.iter_mut().zip(row.chunks_exact(3)) {
                            // BT.601 weights scaled to 1024: a shift instead of a division.
                            *a += (306 * u32::from(p[0])
                                + 601 * u32::from(p[1])
                                + 117 * u32::from(p[2]))
                                >> 10;
                        }
                    }
                }
            }
            let rows = y_end - cy * factor;
            let out_row = &mut out.as_mut()[(cy * cw) as usize..((cy + 1) * cw) as usize];
            for (cell, o) in acc.chunks(f).zip(out_row.iter_mut()) {
                let n = (cell.len() as u32 * rows).max(1);
                *o = (cell.iter().sum::<u32>() / n) as u8;
            }
        }
        out
    }
}

/// The value below which `fraction` of the pixels lie.
pub fn percentile(img: &GrayImage, fraction: f64) -> u8 {
    percentile_of(img.as_raw(), fraction)
}

/// The value below which `fraction` of the values lie (histogram, one pass).
pub fn percentile_of(data: &[u8], fraction: f64) -> u8 {
    let mut hist = [0usize; 256];
    for &v in data {
        hist[v as usize] += 1;
    }
    let target = (data.len() as f64 * fraction) as usize;
    let mut acc = 0;
    for (v, &n) in hist.iter().enumerate() {
        acc += n;
        if acc > target {
            return v as u8;
        }
    }
    255
}
