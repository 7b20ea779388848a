//! Seeded randomness helpers (normal deviates, choices) on top of ChaCha.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The simulator's random source: reproducible from a seed.
pub type Rand = ChaCha8Rng;

/// A generator for `seed`, salted with a stream label so parts stay independent.
pub fn rand_for(seed: u64, label: &str) -> Rand {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in label.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    ChaCha8Rng::seed_from_u64(seed ^ h.rotate_left(17))
}

/// A standard normal deviate (Box–Muller).
pub fn normal(r: &mut Rand) -> f64 {
    let u1: f64 = r.random_range(1e-12..1.0);
    let u2: f64 = r.random_range(0.0..1.0);
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Uniform in `[lo, hi)`.
pub fn uni(r: &mut Rand, lo: f64, hi: f64) -> f64 {
    if hi <= lo { lo } else { r.random_range(lo..hi) }
}

/// True with probability `p`.
pub fn chance(r: &mut Rand, p: f64) -> bool {
    r.random_range(0.0..1.0) < p
}

/// Picks one item by weight; the slice must not be empty.
pub fn weighted<'a, T>(r: &mut Rand, items: &'a [(T, f64)]) -> &'a T {
    let total: f64 = items.iter().map(|(_, w)| *w).sum();
    let mut x = uni(r, 0.0, total);
    for (item, w) in items {
        if x < *w {
            return item;
        }
        x -= w;
    }
    &items[items.len() - 1].0
}

/// A deterministic hash of a pixel position to `[0, 1)`: texture without storing a field.
pub fn hash01(x: i64, y: i64, salt: u64) -> f32 {
    let mut h = (x as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ (y as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F)
        ^ salt.wrapping_mul(0x1656_67B1_9E37_79F9);
    h ^= h >> 29;
    h = h.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    h ^= h >> 32;
    (h >> 40) as f32 / (1u64 << 24) as f32
}

/// Smooth value noise in `[0, 1)` with cells of `cell` pixels.
pub fn value_noise(x: f64, y: f64, cell: f64, salt: u64) -> f32 {
    let (fx, fy) = (x / cell, y / cell);
    let (ix, iy) = (fx.floor() as i64, fy.floor() as i64);
    let (tx, ty) = ((fx - fx.floor()) as f32, (fy - fy.floor()) as f32);
    let s = |t: f32| t * t * (3.0 - 2.0 * t);
    let (sx, sy) = (s(tx), s(ty));
    let a = hash01(ix, iy, salt);
    let b = hash01(ix + 1, iy, salt);
    let c = hash01(ix, iy + 1, salt);
    let d = hash01(ix + 1, iy + 1, salt);
    let top = a + (b - a) * sx;
    let bot = c + (d - c) * sx;
    top + (bot - top) * sy
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_has_unit_spread() {
        let mut r = rand_for(7, "t");
        let xs: Vec<f64> = (0..20000).map(|_| normal(&mut r)).collect();
        let m = xs.iter().sum::<f64>() / xs.len() as f64;
        let v = xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / xs.len() as f64;
        assert!(m.abs() < 0.03 && (v - 1.0).abs() < 0.05, "{m} {v}");
    }

    #[test]
    fn streams_differ_by_label_and_repeat_by_seed() {
        let a: u64 = rand_for(1, "a").random();
        let b: u64 = rand_for(1, "b").random();
        let a2: u64 = rand_for(1, "a").random();
        assert_ne!(a, b);
        assert_eq!(a, a2);
    }
}

#[cfg(test)]
mod weighted_tests {
    use super::*;

    #[test]
    fn weighted_follows_the_weights() {
        let mut r = rand_for(11, "w");
        let items = [(0usize, 40.0), (1, 35.0), (2, 25.0)];
        let mut n = [0usize; 3];
        for _ in 0..10000 {
            n[*weighted(&mut r, &items)] += 1;
        }
        assert!((n[2] as f64 / 10000.0 - 0.25).abs() < 0.02, "{n:?}");
    }
}
