//! The physical page as spectral reflectance (RGB in 0..1) at the master resolution.

/// A page: reflectance per pixel and channel, `px_per_mm` pixels per millimetre.
#[derive(Clone)]
pub struct Canvas {
    /// Width in pixels.
    pub w: usize,
    /// Height in pixels.
    pub h: usize,
    /// Resolution.
    pub px_per_mm: f64,
    /// Reflectance, RGB interleaved, row-major.
    pub data: Vec<f32>,
}

impl Canvas {
    /// A page from an 8-bit grey rendering of the printed PDF, on paper of tone `paper`.
    pub fn from_print(grey: &[u8], w: usize, h: usize, px_per_mm: f64, paper: [f32; 3]) -> Canvas {
        let mut data = Vec::with_capacity(w * h * 3);
        for &g in grey {
            // Toner absorbs; what the renderer calls 255 is bare paper.
            let r = (f32::from(g) / 255.0).max(0.04);
            data.extend_from_slice(&[r * paper[0], r * paper[1], r * paper[2]]);
        }
        Canvas {
            w,
            h,
            px_per_mm,
            data,
        }
    }

    /// Multiplies pixel (x, y) by 10^(-amount × absorbance) per channel (Beer–Lambert for a layer of ink).
    #[inline]
    pub fn absorb(&mut self, x: usize, y: usize, amount: f32, absorbance: [f32; 3]) {
        if amount <= 0.0 || x >= self.w || y >= self.h {
            return;
        }
        let i = (y * self.w + x) * 3;
        for (d, a) in self.data[i..i + 3].iter_mut().zip(absorbance) {
            *d *= 10f32.powf(-amount * a);
        }
    }

    /// Bilinear sample of the reflectance at pixel coordinates (clamped), or `None` off the page.
    pub fn sample(&self, x: f64, y: f64) -> Option<[f32; 3]> {
        if x < -0.5 || y < -0.5 || x > self.w as f64 - 0.5 || y > self.h as f64 - 0.5 {
            return None;
        }
        let xf = (x.max(0.0)).min((self.w - 1) as f64);
        let yf = (y.max(0.0)).min((self.h - 1) as f64);
        let (x0, y0) = (xf.floor() as usize, yf.floor() as usize);
        let (x1, y1) = ((x0 + 1).min(self.w - 1), (y0 + 1).min(self.h - 1));
        let (tx, ty) = ((xf - x0 as f64) as f32, (yf - y0 as f64) as f32);
        let mut out = [0f32; 3];
        for (c, o) in out.iter_mut().enumerate() {
            let p = |xx: usize, yy: usize| self.data[(yy * self.w + xx) * 3 + c];
            let top = p(x0, y0) * (1.0 - tx) + p(x1, y0) * tx;
            let bot = p(x0, y1) * (1.0 - tx) + p(x1, y1) * tx;
            *o = top * (1.0 - ty) + bot * ty;
        }
        Some(out)
    }

    /// A box-averaged copy reduced by an integer `factor` (the scanner's optics integrate over its cell).
    pub fn reduce(&self, factor: usize) -> Canvas {
        if factor <= 1 {
            return self.clone();
        }
        let (w, h) = (self.w / factor, self.h / factor);
        let mut data = vec![0f32; w * h * 3];
        let n = (factor * factor) as f32;
        for y in 0..h {
            for x in 0..w {
                let mut acc = [0f32; 3];
                for yy in y * factor..(y + 1) * factor {
                    let row = yy * self.w;
                    for xx in x * factor..(x + 1) * factor {
                        let i = (row + xx) * 3;
                        acc[0] += self.data[i];
                        acc[1] += self.data[i + 1];
                        acc[2] += self.data[i + 2];
                    }
                }
                let o = (y * w + x) * 3;
                data[o] = acc[0] / n;
                data[o + 1] = acc[1] / n;
                data[o + 2] = acc[2] / n;
            }
        }
        Canvas {
            w,
            h,
            px_per_mm: self.px_per_mm / factor as f64,
            data,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absorb_darkens_by_beer_lambert_and_reduce_averages() {
        let mut c = Canvas::from_print(&[255; 16], 4, 4, 1.0, [1.0, 1.0, 1.0]);
        c.absorb(0, 0, 1.0, [1.0, 0.0, 0.0]);
        assert!((c.data[0] - 0.1).abs() < 1e-5 && c.data[1] == 1.0);
        let r = c.reduce(2);
        assert_eq!((r.w, r.h), (2, 2));
        assert!((r.data[0] - (0.1 + 3.0) / 4.0).abs() < 1e-5);
        assert!(c.sample(10.0, 0.0).is_none());
    }
}
