//! Random helpers that never panic on odd ranges, and a cheap per-pixel noise source.

use rand::Rng;

/// Uniform value in `[lo, hi)`; returns `lo` when the range is empty.
pub(crate) fn uniform(rng: &mut impl Rng, lo: f64, hi: f64) -> f64 {
    if hi > lo {
        lo + (hi - lo) * rng.random::<f64>()
    } else {
        lo
    }
}

/// True with probability `p` (clamped to `[0, 1]`).
pub(crate) fn chance(rng: &mut impl Rng, p: f64) -> bool {
    rng.random::<f64>() < p
}

/// A standard normal sample (Box–Muller), truncated to ±4 to keep jitter bounded.
pub(crate) fn normal(rng: &mut impl Rng) -> f64 {
    let u1 = rng.random::<f64>().max(1e-12);
    let u2 = rng.random::<f64>();
    ((-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()).clamp(-4.0, 4.0)
}

/// An index chosen with the given non-negative weights (index 0 if all are zero).
pub(crate) fn weighted(rng: &mut impl Rng, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().filter(|w| w.is_finite() && **w > 0.0).sum();
    if total <= 0.0 {
        return 0;
    }
    let mut r = rng.random::<f64>() * total;
    for (i, w) in weights.iter().enumerate() {
        if w.is_finite() && *w > 0.0 {
            if r < *w {
                return i;
            }
            r -= w;
        }
    }
    weights.len().saturating_sub(1)
}

/// SplitMix64: a few nanoseconds per pixel, where the seeded `StdRng` would cost
/// tens of milliseconds over a whole page. Deterministic from its seed.
#[derive(Debug, Clone)]
pub(crate) struct PixelNoise(u64);

impl PixelNoise {
    /// A generator from a seed.
    pub(crate) fn new(seed: u64) -> Self {
        PixelNoise(seed)
    }

    /// Next 64 random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    pub(crate) fn unit(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }

    /// Two approximately standard-normal samples (Irwin–Hall of four bytes each):
    /// good enough for sensor noise and much cheaper than Box–Muller.
    pub(crate) fn gauss_pair(&mut self) -> (f32, f32) {
        let r = self.next_u64();
        let sum = |v: u64| -> f32 {
            let b = v.to_le_bytes();
            f32::from(b[0]) + f32::from(b[1]) + f32::from(b[2]) + f32::from(b[3])
        };
        // Four uniform bytes: mean 510, standard deviation ≈ 147.8.
        const MEAN: f32 = 510.0;
        const SD: f32 = 147.8;
        ((sum(r) - MEAN) / SD, (sum(r >> 32) - MEAN) / SD)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn helpers_tolerate_degenerate_input() {
        let mut rng = StdRng::seed_from_u64(1);
        assert_eq!(uniform(&mut rng, 3.0, 3.0), 3.0);
        assert_eq!(weighted(&mut rng, &[0.0, 0.0]), 0);
        assert!(!chance(&mut rng, -1.0));
    }

    #[test]
    fn pixel_noise_is_roughly_standard_normal() {
        let mut n = PixelNoise::new(7);
        let (mut s, mut s2) = (0.0f64, 0.0f64);
        for _ in 0..20_000 {
            let (a, b) = n.gauss_pair();
            for v in [a, b] {
                s += f64::from(v);
                s2 += f64::from(v) * f64::from(v);
            }
        }
        let mean = s / 40_000.0;
        let var = s2 / 40_000.0 - mean * mean;
        assert!(mean.abs() < 0.03, "mean {mean}");
        assert!((var - 1.0).abs() < 0.05, "variance {var}");
    }
}
