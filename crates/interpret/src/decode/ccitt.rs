//! CCITT bilevel codings of TIFF files: Modified Huffman (TIFF compression 2),
//! Group 3 one- and two-dimensional (T.4, compression 3) and Group 4 (T.6,
//! compression 4). Office scanners write Group 4 in black-and-white mode, fax
//! software Group 3. The code tables are the `fax` crate's; the line decoding
//! is here, one implementation for every variant, so they agree.
//!
//! A decoded row is its list of changing elements (positions where the colour
//! changes, starting from white), as in the standard; `0` bits are "white"
//! runs. What a `0` bit looks like is the photometric tag's business, not the
//! coding's.

// Reads data from outside the program: no unchecked numeric conversion.
#![warn(clippy::as_conversions)]

use fax::maps::{Mode, black, mode, white};

/// Which CCITT coding a strip uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    /// Modified Huffman runs, each row byte-aligned, no end-of-line codes (compression 2).
    ModifiedHuffman,
    /// T.4 with end-of-line codes; `two_d`: rows may be coded against the previous one.
    Group3 {
        /// T4Options bit 0.
        two_d: bool,
    },
    /// T.6: every row two-dimensional, no end-of-line codes.
    Group4,
}

/// MSB-first bit reader over a byte slice; reads past the end as zeros (bounded by the caller).
struct Bits<'a> {
    data: &'a [u8],
    /// Position in bits.
    pos: usize,
}

impl Bits<'_> {
    fn exhausted(&self) -> bool {
        self.pos >= self.data.len().saturating_mul(8)
    }

    fn bit(&self, at: usize) -> u16 {
        self.data
            .get(at / 8)
            .map_or(0, |b| u16::from((b >> (7 - at % 8)) & 1))
    }

    fn align(&mut self) {
        self.pos = self.pos.div_ceil(8) * 8;
    }

    /// Consumes an end-of-line code (eleven or more zeros, then a one) if one is next.
    fn eol(&mut self) -> bool {
        let mut zeros = 0;
        while zeros < 64 && self.bit(self.pos + zeros) == 0 && !self.past(self.pos + zeros) {
            zeros += 1;
        }
        if zeros >= 11 && self.bit(self.pos + zeros) == 1 {
            self.pos += zeros + 1;
            true
        } else {
            false
        }
    }

    fn past(&self, at: usize) -> bool {
        at >= self.data.len().saturating_mul(8)
    }
}

impl fax::BitReader for Bits<'_> {
    type Error = ();

    fn peek(&self, bits: u8) -> Option<u16> {
        if self.exhausted() {
            return None;
        }
        let mut v = 0u16;
        for k in 0..usize::from(bits) {
            v = (v << 1) | self.bit(self.pos + k);
        }
        Some(v)
    }

    fn consume(&mut self, bits: u8) -> Result<(), ()> {
        self.pos += usize::from(bits);
        Ok(())
    }

    fn bits_to_byte_boundary(&self) -> u8 {
        u8::try_from((8 - self.pos % 8) % 8).unwrap_or(0)
    }
}

/// One run of `white` (true) or black pixels: terminating code after any make-up codes.
fn run(bits: &mut Bits<'_>, is_white: bool) -> Option<u32> {
    let mut sum = 0u32;
    loop {
        let n = if is_white {
            white::decode(bits)?
        } else {
            black::decode(bits)?
        };
        sum = sum.checked_add(u32::from(n))?;
        if n < 64 {
            return Some(sum);
        }
    }
}

/// A one-dimensional row: alternating runs from white until the row is full.
fn row_1d(bits: &mut Bits<'_>, width: u32, out: &mut Vec<u32>) -> Option<()> {
    out.clear();
    let (mut a0, mut is_white) = (0u32, true);
    while a0 < width {
        a0 = a0.checked_add(run(bits, is_white)?)?.min(width);
        if a0 < width {
            out.push(a0);
        }
        is_white = !is_white;
    }
    Some(())
}

/// `b1` and `b2` on the reference row: the first changing element right of `a0`
/// whose colour is the opposite of the current one (`is_white`), and the next.
fn b1_b2(reference: &[u32], a0: Option<u32>, is_white: bool, width: u32) -> (u32, u32) {
    // Element k changes to black when k is even (rows start white).
    let start = usize::from(!is_white);
    let mut k = start;
    while k < reference.len() {
        let p = reference[k];
        if a0.is_none_or(|a| p > a) {
            let b2 = reference.get(k + 1).copied().unwrap_or(width);
            return (p, b2);
        }
        k += 2;
    }
    (width, width)
}

/// A two-dimensional row coded against `reference`.
fn row_2d(bits: &mut Bits<'_>, width: u32, reference: &[u32], out: &mut Vec<u32>) -> Option<()> {
    out.clear();
    let mut a0: Option<u32> = None;
    let mut is_white = true;
    loop {
        let at = a0.unwrap_or(0);
        if a0.is_some() && at >= width {
            return Some(());
        }
        let (b1, b2) = b1_b2(reference, a0, is_white, width);
        match mode::decode(bits)? {
            Mode::Pass => a0 = Some(b2),
            Mode::Horizontal => {
                let a1 = at.checked_add(run(bits, is_white)?)?.min(width);
                let a2 = a1.checked_add(run(bits, !is_white)?)?.min(width);
                for p in [a1, a2] {
                    if p < width {
                        out.push(p);
                    }
                }
                a0 = Some(a2);
            }
            Mode::Vertical(d) => {
                let a1 = i64::from(b1) + i64::from(d);
                let a1 = u32::try_from(a1.clamp(0, i64::from(width))).ok()?;
                if a1 < width {
                    out.push(a1);
                }
                a0 = Some(a1);
                is_white = !is_white;
            }
            Mode::Extension | Mode::EOF => return None,
        }
        if a0.is_some_and(|a| a >= width) {
            return Some(());
        }
    }
}

/// Decodes `rows` rows of `width` pixels into packed MSB-first rows (bit 1 = a
/// "black" run), `ceil(width / 8)` bytes each. None when the data is damaged.
pub fn decode(data: &[u8], width: u32, rows: u32, coding: Coding) -> Option<Vec<u8>> {
    let stride = usize::try_from(width.div_ceil(8)).ok()?;
    let mut out = vec![0u8; stride.checked_mul(usize::try_from(rows).ok()?)?];
    let mut bits = Bits { data, pos: 0 };
    let mut reference: Vec<u32> = Vec::new();
    let mut current: Vec<u32> = Vec::new();
    for (y, line) in out.chunks_mut(stride).enumerate() {
        let ok = match coding {
            Coding::ModifiedHuffman => {
                if y > 0 {
                    bits.align();
                }
                row_1d(&mut bits, width, &mut current)
            }
            Coding::Group3 { two_d } => {
                bits.eol();
                // A two-dimensional file tags each row: 1 = one-dimensional.
                let one_d = !two_d || {
                    let tag = bits.bit(bits.pos) == 1;
                    bits.pos += 1;
                    tag
                };
                if one_d {
                    row_1d(&mut bits, width, &mut current)
                } else {
                    row_2d(&mut bits, width, &reference, &mut current)
                }
            }
            Coding::Group4 => row_2d(&mut bits, width, &reference, &mut current),
        };
        if ok.is_none() {
            // Some encoders stop before trailing white rows: keep them white.
            if bits.exhausted() {
                break;
            }
            return None;
        }
        fill_row(line, &current, width);
        std::mem::swap(&mut reference, &mut current);
    }
    Some(out)
}

/// Sets the bits of the black runs of one row from its changing elements.
fn fill_row(line: &mut [u8], changes: &[u32], width: u32) {
    for pair in changes.chunks(2) {
        let from = pair[0];
        let to = pair.get(1).copied().unwrap_or(width).min(width);
        for x in from..to {
            if let (Ok(i), Ok(shift)) = (usize::try_from(x / 8), u8::try_from(x % 8)) {
                if let Some(b) = line.get_mut(i) {
                    *b |= 0x80 >> shift;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Group 4 from the `fax` crate's encoder decodes back to the same rows here.
    #[test]
    fn group4_round_trips_through_an_independent_encoder() {
        let (w, h) = (37u16, 9usize);
        let px = |x: usize, y: usize| (x * 7 + y * 3) % 11 < 4 || (y == 4 && x > 20);
        let mut enc = fax::encoder::Encoder::new(fax::VecWriter::new());
        for y in 0..h {
            let row = (0..usize::from(w)).map(|x| {
                if px(x, y) {
                    fax::Color::Black
                } else {
                    fax::Color::White
                }
            });
            enc.encode_line(row, w).unwrap();
        }
        let data = enc.finish().unwrap().finish();
        let out = decode(
            &data,
            u32::from(w),
            u32::try_from(h).unwrap(),
            Coding::Group4,
        )
        .unwrap();
        let stride = usize::from(w).div_ceil(8);
        for y in 0..h {
            for x in 0..usize::from(w) {
                let bit = out[y * stride + x / 8] >> (7 - x % 8) & 1 == 1;
                assert_eq!(bit, px(x, y), "({x}, {y})");
            }
        }
    }

    #[test]
    fn damaged_data_is_none_not_a_panic() {
        for data in [&[0xFFu8; 40][..], &[0x00; 3][..], &[0x12, 0x34, 0x56][..]] {
            for coding in [
                Coding::ModifiedHuffman,
                Coding::Group3 { two_d: true },
                Coding::Group4,
            ] {
                let _ = decode(data, 100, 20, coding);
            }
        }
    }
}
