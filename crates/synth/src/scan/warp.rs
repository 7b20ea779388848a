//! Placing the sheet on the glass: one fixed-point bilinear warp of the whole page.

use crate::geom::Affine;
use crate::ink::Raster;

/// What the scanner sees besides the sheet's pixels.
pub(super) struct Look {
    /// Grey level of the background.
    pub(super) bg: f32,
    /// Paper brightness factor (0..1).
    pub(super) paper: f32,
    /// Width of the sheet edge's shadow on a white lid, px (0: none).
    pub(super) shadow_px: f32,
}

/// Fractional bits of the fixed-point sample positions: with incremental stepping the
/// drift over a 600 dpi row (≈ 7000 px) stays below 0.01 px.
const FRAC: u32 = 20;

/// The one warp of the whole page: for each image pixel, the bilinear sample of the sheet
/// under it, or the background. Positions step incrementally in fixed point; the
/// common case (all four neighbours on the sheet) is integer arithmetic only.
pub(super) fn warp<const C: usize>(
    page: &Raster,
    inv: &Affine,
    w: usize,
    h: usize,
    look: &Look,
) -> Vec<u8> {
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
