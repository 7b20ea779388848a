//! The red round seal (con dấu) of the commune People's Committee, stamped over the
//! ballot's stamp area: thick outer ring, thin inner ring, capital lettering between
//! them, a star in the middle, with uneven ink.

use ab_glyph::{Font, FontRef, PxScale, point};
use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::ballot::fonts::FontStyle;
use kiemphieu_core::geometry::MmRect;

use super::geom::centre;
use super::ink::{InkLay, Mask, Raster, STAMP_RED, composite};
use super::rnd::{PixelNoise, uniform};

/// Whether the ballot carries the seal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StampSpec {
    /// A normal seal (expected: present).
    Present,
    /// A very light or half-inked seal (expected: either).
    Faint,
    /// No seal (expected: absent).
    Absent,
}

/// Where a seal landed, so extra writing can avoid it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Seal {
    /// Centre on the sheet, mm.
    pub(crate) centre: (f64, f64),
    /// Radius, mm.
    pub(crate) radius: f64,
}

impl Seal {
    /// Bounding box of the seal.
    pub(crate) fn rect(&self) -> MmRect {
        MmRect::new(
            self.centre.0 - self.radius,
            self.centre.1 - self.radius,
            2.0 * self.radius,
            2.0 * self.radius,
        )
    }
}

/// Chooses where the seal lands: over the stamp area with a few millimetres of hand
/// placement error (it may spill outside the area), on the page and clear of `avoid`
/// (names, QR, fiducials) when it can.
pub(crate) fn place_seal(
    rng: &mut impl Rng,
    area: &MmRect,
    avoid: &[MmRect],
    page: &MmRect,
) -> Seal {
    let radius = uniform(rng, 15.0, 18.0);
    let c = centre(area);
    for _ in 0..16 {
        let centre = (c.0 + uniform(rng, -4.0, 4.0), c.1 + uniform(rng, -4.0, 4.0));
        let seal = Seal { centre, radius };
        let r = seal.rect();
        if page.contains(&r) && !avoid.iter().any(|a| a.intersects(&r)) {
            return seal;
        }
    }
    Seal { centre: c, radius }
}

/// Stamps the seal onto the raster at `k` px/mm. `ring_text` is lettered clockwise
/// around the top.
pub(crate) fn draw_seal(
    r: &mut Raster,
    k: f64,
    seal: &Seal,
    faint: bool,
    ring_text: &str,
    rng: &mut impl Rng,
    noise: &mut PixelNoise,
) {
    /// Cells across the seal over which the ink's density varies.
    const GRID: usize = 7;
    let rad = seal.radius * k;
    let (cx, cy) = (seal.centre.0 * k, seal.centre.1 * k);
    let Some(mut mask) = Mask::over(
        cx - rad - 2.0,
        cy - rad - 2.0,
        cx + rad + 2.0,
        cy + rad + 2.0,
        r.w,
        r.h,
    ) else {
        return;
    };
    // A seal pressed at a slight tilt prints a little oval.
    let squash = uniform(rng, 0.96, 1.0);
    let turn = uniform(rng, 0.0, std::f64::consts::TAU);
    let outer_w = uniform(rng, 0.9, 1.3) * k;
    let inner_r = rad - uniform(rng, 5.0, 5.8) * k;
    let inner_w = uniform(rng, 0.3, 0.45) * k;
    let star_r = uniform(rng, 0.25, 0.3) * rad;

    // Rings and star, by distance.
    let star = star_polygon(star_r, turn.sin() * 0.15 - std::f64::consts::FRAC_PI_2);
    for ly in 0..mask.h {
        let py = (mask.y0 + ly as i64) as f64 + 0.5 - cy;
        for lx in 0..mask.w {
            let px = ((mask.x0 + lx as i64) as f64 + 0.5 - cx) / squash;
            let d = (px * px + py * py).sqrt();
            let mut v = ring(d, rad - outer_w / 2.0, outer_w).max(ring(d, inner_r, inner_w));
            if d < star_r + 1.0 {
                v = v.max(polygon_coverage(&star, px, py));
            }
            if v > 0.0 {
                mask.a[ly * mask.w + lx] = v as f32;
            }
        }
    }

    letter_ring(
        &mut mask,
        cx,
        cy,
        rad - outer_w,
        inner_r + inner_w,
        ring_text,
        turn * 0.1,
    );

    // Ink: uneven pressure across the seal, blotches from the pad, grain.
    let density = if faint {
        uniform(rng, 0.12, 0.3)
    } else {
        uniform(rng, 0.7, 0.95)
    };
    let tilt = uniform(rng, 0.0, std::f64::consts::TAU);
    let (tx, ty) = (tilt.cos(), tilt.sin());
    let uneven = uniform(rng, 0.0, 0.35);
    // Faint seals are often only half printed: cut along a soft line.
    let cut = if faint && rng.random::<f64>() < 0.6 {
        Some(uniform(rng, -0.4, 0.3))
    } else {
        None
    };
    let blotch: Vec<f64> = (0..GRID * GRID).map(|_| uniform(rng, 0.65, 1.0)).collect();
    for ly in 0..mask.h {
        let ny = ((mask.y0 + ly as i64) as f64 + 0.5 - cy) / rad;
        for lx in 0..mask.w {
            let i = ly * mask.w + lx;
            if mask.a[i] <= 0.0 {
                continue;
            }
            let nx = ((mask.x0 + lx as i64) as f64 + 0.5 - cx) / rad;
            let along = nx * tx + ny * ty;
            let mut f = 1.0 - uneven * (0.5 + 0.5 * along);
            if let Some(c) = cut {
                f *= ((along - c) * 6.0).clamp(0.0, 1.0);
            }
            // Bilinear value noise on a coarse grid over the seal.
            let gx =
                (f64::midpoint(nx, 1.0) * (GRID - 1) as f64).clamp(0.0, (GRID - 1) as f64 - 1e-9);
            let gy =
                (f64::midpoint(ny, 1.0) * (GRID - 1) as f64).clamp(0.0, (GRID - 1) as f64 - 1e-9);
            let (ix, iy) = (gx as usize, gy as usize);
            let (fx, fy) = (gx - ix as f64, gy - iy as f64);
            let b = |x: usize, y: usize| blotch[y * GRID + x];
            let bl = b(ix, iy) * (1.0 - fx) * (1.0 - fy)
                + b(ix + 1, iy) * fx * (1.0 - fy)
                + b(ix, iy + 1) * (1.0 - fx) * fy
                + b(ix + 1, iy + 1) * fx * fy;
            mask.a[i] *= (f * bl) as f32;
        }
    }
    let lay = InkLay {
        transmittance: STAMP_RED,
        density: density as f32,
        grain: 0.3,
    };
    composite(r, &mask, &lay, noise);
}

/// Anti-aliased coverage of a ring of radius `r` and width `w` at distance `d`.
fn ring(d: f64, r: f64, w: f64) -> f64 {
    (w / 2.0 + 0.5 - (d - r).abs()).clamp(0.0, 1.0)
}

/// Vertices of a five-pointed star centred on the origin.
fn star_polygon(r: f64, rot: f64) -> Vec<(f64, f64)> {
    (0..10)
        .map(|i| {
            let a = rot + std::f64::consts::PI * f64::from(i) / 5.0;
            let rr = if i % 2 == 0 { r } else { r * 0.4 };
            (rr * a.cos(), rr * a.sin())
        })
        .collect()
}

/// Anti-aliased coverage of a polygon at a point: signed distance to its edges.
fn polygon_coverage(poly: &[(f64, f64)], x: f64, y: f64) -> f64 {
    let mut inside = false;
    let mut dmin = f64::INFINITY;
    for i in 0..poly.len() {
        let (a, b) = (poly[i], poly[(i + 1) % poly.len()]);
        if (a.1 > y) != (b.1 > y) && x < a.0 + (y - a.1) * (b.0 - a.0) / (b.1 - a.1) {
            inside = !inside;
        }
        let (vx, vy) = (b.0 - a.0, b.1 - a.1);
        let t = (((x - a.0) * vx + (y - a.1) * vy) / (vx * vx + vy * vy)).clamp(0.0, 1.0);
        let (ex, ey) = (x - a.0 - t * vx, y - a.1 - t * vy);
        dmin = dmin.min((ex * ex + ey * ey).sqrt());
    }
    let sd = if inside { -dmin } else { dmin };
    (0.5 - sd).clamp(0.0, 1.0)
}

/// Letters the text clockwise between two radii, centred on the top of the seal.
fn letter_ring(mask: &mut Mask, cx: f64, cy: f64, r_out: f64, r_in: f64, text: &str, rot: f64) {
    let Ok(font) = FontRef::try_from_slice(FontStyle::Bold.data()) else {
        return; // The bundled font always parses; a seal without letters is still a seal.
    };
    let band = (r_out - r_in).max(1.0);
    let cap_target = 0.62 * band;
    // Cap height of this font relative to its pixel scale, measured on 'H'.
    let probe = font
        .glyph_id('H')
        .with_scale_and_position(PxScale::from(100.0), point(0.0, 0.0));
    let cap_ratio = font
        .outline_glyph(probe)
        .map_or(0.52, |g| f64::from(g.px_bounds().height()) / 100.0);
    let baseline_r = r_in + (band - cap_target) / 2.0;
    let chars: Vec<char> = text.chars().collect();
    let mut size = cap_target / cap_ratio;
    let advance_of = |c: char, size: f64| {
        let id = font.glyph_id(c);
        f64::from(font.h_advance_unscaled(id)) / f64::from(font.height_unscaled()) * size
    };
    // Shrink the lettering until it fits in 340° of the ring.
    let mut total: f64 = chars.iter().map(|&c| advance_of(c, size)).sum();
    let max_arc = 340f64.to_radians() * baseline_r;
    if total > max_arc {
        size *= max_arc / total;
        total = max_arc;
    }
    let mut s = -total / 2.0;
    for &c in &chars {
        let adv = advance_of(c, size);
        let phi = -std::f64::consts::FRAC_PI_2 + rot + (s + adv / 2.0) / baseline_r;
        s += adv;
        if c.is_whitespace() {
            continue;
        }
        let glyph = font
            .glyph_id(c)
            .with_scale_and_position(PxScale::from(size as f32), point(0.0, 0.0));
        let Some(outlined) = font.outline_glyph(glyph) else {
            continue;
        };
        let bb = outlined.px_bounds();
        let (bw, bh) = (bb.width() as usize, bb.height() as usize);
        if bw == 0 || bh == 0 {
            continue;
        }
        let mut bitmap = vec![0f32; bw * bh];
        outlined.draw(|x, y, v| {
            if let Some(p) = bitmap.get_mut(y as usize * bw + x as usize) {
                *p = v.min(1.0);
            }
        });
        // Glyph frame: u along the baseline (tangent), v down towards the centre.
        let (n_x, n_y) = (phi.cos(), phi.sin());
        let (t_x, t_y) = (-n_y, n_x);
        let (ox, oy) = (cx + n_x * baseline_r, cy + n_y * baseline_r);
        let reach = f64::from(bb.width().max(bb.height())) + size * 0.2 + 2.0;
        let (x0, x1) = ((ox - reach).floor() as i64, (ox + reach).ceil() as i64);
        let (y0, y1) = ((oy - reach).floor() as i64, (oy + reach).ceil() as i64);
        for py in y0..y1 {
            for px in x0..x1 {
                let (dx, dy) = (px as f64 + 0.5 - ox, py as f64 + 0.5 - oy);
                let u = dx * t_x + dy * t_y + adv / 2.0 - f64::from(bb.min.x) - 0.5;
                let v = -(dx * n_x + dy * n_y) - f64::from(bb.min.y) - 0.5;
                let cov = bilinear(&bitmap, bw, bh, u, v);
                if cov > 0.0 {
                    mask.max_at(px, py, cov);
                }
            }
        }
    }
}

/// Bilinear sample of a coverage bitmap; zero outside.
fn bilinear(b: &[f32], w: usize, h: usize, x: f64, y: f64) -> f32 {
    if x < -1.0 || y < -1.0 || x >= w as f64 || y >= h as f64 {
        return 0.0;
    }
    let (ix, iy) = (x.floor() as i64, y.floor() as i64);
    let (fx, fy) = ((x - ix as f64) as f32, (y - iy as f64) as f32);
    let at = |x: i64, y: i64| {
        if x < 0 || y < 0 || x >= w as i64 || y >= h as i64 {
            0.0
        } else {
            b[y as usize * w + x as usize]
        }
    };
    at(ix, iy) * (1.0 - fx) * (1.0 - fy)
        + at(ix + 1, iy) * fx * (1.0 - fy)
        + at(ix, iy + 1) * (1.0 - fx) * fy
        + at(ix + 1, iy + 1) * fx * fy
}
