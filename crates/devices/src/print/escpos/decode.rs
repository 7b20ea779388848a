//! Reading a job back as a printer would (for tests and checks).

// The bytes come from outside (a test's capture, a fuzzer): no silent numeric casts.
#![warn(clippy::as_conversions)]

use image::{GrayImage, Luma};

/// What a printer made of a byte stream (for tests and checks).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedJob {
    /// The printed dots: 0 black, 255 white; width = bytes per row × 8.
    pub image: GrayImage,
    /// Rows of each `GS v 0` band, in order.
    pub bands: Vec<u32>,
    /// Number of ESC @ seen.
    pub inits: u32,
    /// Lines fed with ESC d.
    pub fed_lines: u32,
    /// Number of cuts (GS V).
    pub cuts: u32,
    /// The `n` of each DLE EOT status query, in order.
    pub status_queries: Vec<u8>,
}

/// Why a byte stream is not one this module writes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The stream ends inside a command.
    #[error("ESC/POS stream ends inside a command at byte {0}")]
    Truncated(usize),
    /// A command this decoder does not know.
    #[error("unknown ESC/POS command {0:02x?} at byte {1}")]
    Unknown(Vec<u8>, usize),
    /// Raster bands of different widths.
    #[error("raster band at byte {at} is {got} bytes wide, earlier ones {want}")]
    WidthChanged {
        /// Offset of the band.
        at: usize,
        /// Its width in bytes.
        got: u16,
        /// The earlier width.
        want: u16,
    },
}

/// Decodes the commands [`encode_job`](super::encode_job) writes, plus DLE EOT queries, into the printed image.
pub fn decode_job(bytes: &[u8]) -> Result<DecodedJob, DecodeError> {
    let mut i = 0usize;
    let mut width: Option<u16> = None;
    let mut rows: Vec<Vec<u8>> = Vec::new();
    let mut job = DecodedJob {
        image: GrayImage::new(0, 0),
        bands: Vec::new(),
        inits: 0,
        fed_lines: 0,
        cuts: 0,
        status_queries: Vec::new(),
    };
    let need = |i: usize, n: usize| {
        if i + n <= bytes.len() {
            Ok(())
        } else {
            Err(DecodeError::Truncated(i))
        }
    };
    while i < bytes.len() {
        match bytes[i] {
            0x1b => {
                need(i, 2)?;
                match bytes[i + 1] {
                    0x40 => {
                        job.inits += 1;
                        i += 2;
                    }
                    0x64 => {
                        need(i, 3)?;
                        job.fed_lines += u32::from(bytes[i + 2]);
                        i += 3;
                    }
                    _ => return Err(DecodeError::Unknown(bytes[i..i + 2].to_vec(), i)),
                }
            }
            0x1d => {
                need(i, 2)?;
                match bytes[i + 1] {
                    0x76 => {
                        need(i, 8)?;
                        if bytes[i + 2] != 0x30 {
                            return Err(DecodeError::Unknown(bytes[i..i + 3].to_vec(), i));
                        }
                        let x = u16::from_le_bytes([bytes[i + 4], bytes[i + 5]]);
                        let y = u16::from_le_bytes([bytes[i + 6], bytes[i + 7]]);
                        if let Some(w) = width.filter(|w| *w != x) {
                            return Err(DecodeError::WidthChanged {
                                at: i,
                                got: x,
                                want: w,
                            });
                        }
                        width = Some(x);
                        let len = usize::from(x) * usize::from(y);
                        need(i + 8, len)?;
                        for r in 0..usize::from(y) {
                            let s = i + 8 + r * usize::from(x);
                            rows.push(bytes[s..s + usize::from(x)].to_vec());
                        }
                        job.bands.push(u32::from(y));
                        i += 8 + len;
                    }
                    0x56 => {
                        need(i, 3)?;
                        // GS V m (m = 0, 1, 48, 49) or GS V m n (m = 65, 66).
                        let n = if matches!(bytes[i + 2], 65 | 66) {
                            4
                        } else {
                            3
                        };
                        need(i, n)?;
                        job.cuts += 1;
                        i += n;
                    }
                    _ => return Err(DecodeError::Unknown(bytes[i..i + 2].to_vec(), i)),
                }
            }
            0x10 => {
                need(i, 3)?;
                if bytes[i + 1] != 0x04 {
                    return Err(DecodeError::Unknown(bytes[i..i + 2].to_vec(), i));
                }
                job.status_queries.push(bytes[i + 2]);
                i += 3;
            }
            // LF prints the (empty) line buffer: one line feed.
            0x0a => {
                job.fed_lines += 1;
                i += 1;
            }
            b => return Err(DecodeError::Unknown(vec![b], i)),
        }
    }
    let w = u32::from(width.unwrap_or(0)) * 8;
    // Rows beyond u32 would not fit in memory long before.
    let height = u32::try_from(rows.len()).unwrap_or(u32::MAX);
    let mut image = GrayImage::from_pixel(w, height, Luma([255]));
    for (y, row) in (0..height).zip(&rows) {
        // A row is at most u16::MAX bytes.
        for (bx, byte) in (0u32..).zip(row) {
            for bit in 0..8 {
                if byte & (0x80 >> bit) != 0 {
                    image.put_pixel(bx * 8 + bit, y, Luma([0]));
                }
            }
        }
    }
    job.image = image;
    Ok(job)
}
