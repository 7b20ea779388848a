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
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    #[allow(clippy::float_cmp)] // exact by construction: an empty range is its one value
    fn helpers_tolerate_degenerate_input() {
        let mut rng = StdRng::seed_from_u64(1);
        assert_eq!(uniform(&mut rng, 3.0, 3.0), 3.0);
        assert_eq!(weighted(&mut rng, &[0.0, 0.0]), 0);
        assert!(!chance(&mut rng, -1.0));
    }

    #[test]
    #[allow(clippy::float_cmp)] // the same seed must give the very same value
    fn pixel_noise_is_uniform_and_repeatable() {
        let mut n = PixelNoise::new(7);
        let v: Vec<f32> = (0..40_000).map(|_| n.unit()).collect();
        assert!(v.iter().all(|x| (0.0..1.0).contains(x)));
        let mean = v.iter().map(|&x| f64::from(x)).sum::<f64>() / v.len() as f64;
        assert!((mean - 0.5).abs() < 0.01, "mean {mean}");
        let below = v.iter().filter(|&&x| x < 0.25).count() as f64 / v.len() as f64;
        assert!((below - 0.25).abs() < 0.01, "quartile {below}");
        let mut again = PixelNoise::new(7);
        assert_eq!(again.unit(), v[0]);
    }
}
