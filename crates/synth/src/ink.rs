//! Ink: pen colours, coverage masks and multiply compositing onto the sheet raster.

use serde::{Deserialize, Serialize};

use super::rnd::PixelNoise;

/// Colour of the voter's pen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InkColour {
    /// Blue ballpoint, by far the most common pen at a polling station.
    Blue,
    /// Black ballpoint or gel pen.
    Black,
    /// Purple (mực tím) school ink.
    Purple,
    /// Red pen.
    Red,
}

impl InkColour {
    /// Every pen colour.
    pub const ALL: [InkColour; 4] = [
        InkColour::Blue,
        InkColour::Black,
        InkColour::Purple,
        InkColour::Red,
    ];

    /// Light transmitted through a full-density line, per RGB channel (0..1),
    /// as measured off typical scans of these inks on white paper.
    pub(crate) fn transmittance(self) -> [f32; 3] {
        match self {
            InkColour::Blue => [0.13, 0.21, 0.58],
            InkColour::Black => [0.11, 0.11, 0.13],
            InkColour::Purple => [0.40, 0.16, 0.55],
            InkColour::Red => [0.80, 0.13, 0.17],
        }
    }
}

/// Transmittance of the red seal ink (mực dấu đỏ).
pub(crate) const STAMP_RED: [f32; 3] = [0.86, 0.20, 0.26];

/// Luma (BT.601) of an RGB transmittance: what a grey scanner sees.
pub(crate) fn luma(t: [f32; 3]) -> f32 {
    0.299 * t[0] + 0.587 * t[1] + 0.114 * t[2]
}

/// An 8-bit raster with 1 (grey) or 3 (RGB) interleaved channels.
#[derive(Debug, Clone)]
pub(crate) struct Raster {
    pub(crate) w: usize,
    pub(crate) h: usize,
    pub(crate) ch: usize,
    pub(crate) data: Vec<u8>,
}

impl Raster {
    /// A raster filled with one value in every channel.
    pub(crate) fn filled(w: usize, h: usize, ch: usize, value: u8) -> Self {
        Raster {
            w,
            h,
            ch,
            data: vec![value; w * h * ch],
        }
    }

    /// A raster from a grey image, widened to `ch` channels.
    pub(crate) fn from_gray(img: &image::GrayImage, ch: usize) -> Self {
        let (w, h) = (img.width() as usize, img.height() as usize);
        let data = if ch == 1 {
            img.as_raw().clone()
        } else {
            let mut data = vec![0u8; w * h * ch];
            for (dst, &v) in data.chunks_exact_mut(ch).zip(img.as_raw()) {
                dst.fill(v);
            }
            data
        };
        Raster { w, h, ch, data }
    }
}

/// Coverage (0..1) of one stroke or seal over a window of the raster, in pixels.
#[derive(Debug, Clone)]
pub(crate) struct Mask {
    pub(crate) x0: i64,
    pub(crate) y0: i64,
    pub(crate) w: usize,
    pub(crate) h: usize,
    pub(crate) a: Vec<f32>,
}

impl Mask {
    /// An empty mask over the pixel window `[x0, x1) × [y0, y1)`, clipped to the raster.
    pub(crate) fn over(x0: f64, y0: f64, x1: f64, y1: f64, rw: usize, rh: usize) -> Option<Mask> {
        let cx0 = (x0.floor() as i64).max(0);
        let cy0 = (y0.floor() as i64).max(0);
        let cx1 = (x1.ceil() as i64).min(rw as i64);
        let cy1 = (y1.ceil() as i64).min(rh as i64);
        if cx1 <= cx0 || cy1 <= cy0 {
            return None;
        }
        let (w, h) = ((cx1 - cx0) as usize, (cy1 - cy0) as usize);
        Some(Mask {
            x0: cx0,
            y0: cy0,
            w,
            h,
            a: vec![0.0; w * h],
        })
    }

    /// Raises the coverage of one pixel (raster coordinates) to at least `v`.
    /// Max, not sum: one pen pass over the same spot does not get darker.
    #[inline]
    pub(crate) fn max_at(&mut self, x: i64, y: i64, v: f32) {
        let (lx, ly) = (x - self.x0, y - self.y0);
        if lx >= 0 && ly >= 0 && (lx as usize) < self.w && (ly as usize) < self.h {
            let i = ly as usize * self.w + lx as usize;
            if v > self.a[i] {
                self.a[i] = v;
            }
        }
    }
}

/// How ink is laid down: colour, overall density, and the grain of the line.
#[derive(Debug, Clone, Copy)]
pub(crate) struct InkLay {
    pub(crate) transmittance: [f32; 3],
    /// 0..1: fraction of full absorbance (light pressure, faint stamp).
    pub(crate) density: f32,
    /// 0..1: per-pixel speckle, the skipping of a ballpoint or a dry stamp pad.
    pub(crate) grain: f32,
}

/// Multiplies the ink into the raster under the mask (ink absorbs, never brightens).
pub(crate) fn composite(r: &mut Raster, mask: &Mask, ink: &InkLay, noise: &mut PixelNoise) {
    let grey = [luma(ink.transmittance)];
    let t: &[f32] = if r.ch == 1 { &grey } else { &ink.transmittance };
    for ly in 0..mask.h {
        let y = mask.y0 as usize + ly;
        let row = &mask.a[ly * mask.w..(ly + 1) * mask.w];
        for (lx, &m) in row.iter().enumerate() {
            if m <= 0.003 {
                continue;
            }
            let x = mask.x0 as usize + lx;
            let speckle = 1.0 - ink.grain * noise.unit();
            let a = (m * ink.density * speckle).clamp(0.0, 1.0);
            let base = (y * r.w + x) * r.ch;
            for (c, &tc) in t.iter().enumerate() {
                let v = &mut r.data[base + c];
                *v = (f32::from(*v) * (1.0 - a * (1.0 - tc))).round() as u8;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multiply_keeps_white_paper_white_outside_the_mask_and_darkens_inside() {
        let mut r = Raster::filled(10, 10, 3, 255);
        let mut m = Mask::over(2.0, 2.0, 5.0, 5.0, 10, 10).expect("inside");
        m.max_at(3, 3, 1.0);
        let ink = InkLay {
            transmittance: InkColour::Blue.transmittance(),
            density: 1.0,
            grain: 0.0,
        };
        composite(&mut r, &m, &ink, &mut PixelNoise::new(1));
        let px = |x: usize, y: usize| &r.data[(y * 10 + x) * 3..(y * 10 + x) * 3 + 3];
        assert_eq!(px(0, 0), &[255, 255, 255]);
        let blue = px(3, 3);
        assert!(blue[2] > blue[0] && blue[0] < 60, "{blue:?}");
    }

    #[test]
    fn masks_clip_to_the_raster() {
        assert!(Mask::over(-5.0, -5.0, -1.0, 3.0, 10, 10).is_none());
        let m = Mask::over(-5.0, -5.0, 3.0, 30.0, 10, 10).expect("overlaps");
        assert_eq!((m.x0, m.y0, m.w, m.h), (0, 0, 3, 10));
    }
}
