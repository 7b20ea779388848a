//! The optics and the sensor: blur, then lamp, streak and noise row by row.

use super::ScanSpec;
use crate::ink::Raster;
use crate::rnd::PixelNoise;

/// Separable gaussian blur with a kernel of radius ≤ 2 (σ ≤ 1.2 px), in fixed point.
pub(super) fn blur(r: &mut Raster, sigma: f64, mut sensor: Option<&mut Sensor>) {
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
    let excess = i64::from(kern.iter().sum::<u32>()) - 4096;
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
pub(super) struct Sensor {
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
    pub(super) fn new(spec: &ScanSpec, w: usize, h: usize, k: f64, seed: u64) -> Option<Sensor> {
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
    pub(super) fn row(&mut self, y: usize, row: &mut [u8], ch: usize) {
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
