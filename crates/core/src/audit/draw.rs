//! The public seed and the reproducible draw (Rivest's SHA-256 sampler).
//!
//! Draw k (1, 2, …) picks page `int(SHA-256("SEED,k")) mod N + 1`: the same
//! convention as Rivest's `sampler.py` and the audit tools built on it, so the
//! draw can be recomputed from the bundle and the seed with any SHA-256 tool.
//! Draws are with replacement: a page drawn again is read again and counts again.

use sha2::{Digest, Sha256};
use thiserror::Error;

/// Fewest digits in a seed: twenty rolls of a ten-sided die (≈ 66 bits).
pub const MIN_SEED_DIGITS: usize = 20;

/// Most digits accepted in a seed.
pub const MAX_SEED_DIGITS: usize = 64;

/// Why a seed was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DrawError {
    /// Something other than the digits 0–9 (spaces are allowed and dropped).
    #[error("the seed may hold only the digits 0–9 (found {found:?})")]
    NotDigits {
        /// The first character that is not a digit.
        found: char,
    },
    /// Too few or too many digits.
    #[error(
        "the seed needs {MIN_SEED_DIGITS} to {MAX_SEED_DIGITS} digits (die rolls), not {digits}"
    )]
    Length {
        /// Digits given.
        digits: usize,
    },
    /// Nothing to draw from.
    #[error("there is no page to draw from")]
    NoPages,
}

/// A public random seed made at the table.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Seed(String);

impl Seed {
    /// Parses the digits the witnesses rolled; spaces between them are dropped.
    pub fn parse(text: &str) -> Result<Self, DrawError> {
        let mut digits = String::new();
        for c in text.chars() {
            if c.is_ascii_digit() {
                digits.push(c);
            } else if !c.is_whitespace() {
                return Err(DrawError::NotDigits { found: c });
            }
        }
        if !(MIN_SEED_DIGITS..=MAX_SEED_DIGITS).contains(&digits.len()) {
            return Err(DrawError::Length {
                digits: digits.len(),
            });
        }
        Ok(Seed(digits))
    }

    /// The digits, as printed on the sheet and hashed by the sampler.
    pub fn digits(&self) -> &str {
        &self.0
    }
}

/// Draws `count` page positions (1-based, in `1..=pages`) after the first `done`
/// draws: draw numbers `done + 1 ..= done + count`.
pub fn draw(seed: &Seed, pages: u32, done: u32, count: u32) -> Result<Vec<u32>, DrawError> {
    if pages == 0 {
        return Err(DrawError::NoPages);
    }
    Ok((done + 1..=done.saturating_add(count))
        .map(|k| position(seed, pages, k))
        .collect())
}

/// Draw number `k`'s page: the SHA-256 of "SEED,k" as a big-endian number, mod N, plus one.
fn position(seed: &Seed, pages: u32, k: u32) -> u32 {
    let digest = Sha256::digest(format!("{},{k}", seed.0).as_bytes());
    let n = u64::from(pages);
    // Horner's rule on the 256-bit number, mod n: exact, no big integers.
    let r = digest
        .iter()
        .fold(0u64, |r, &b| (r * 256 + u64::from(b)) % n);
    // r < n = pages ≤ u32::MAX.
    u32::try_from(r).unwrap_or(0) + 1
}
