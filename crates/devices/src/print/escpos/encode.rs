//! Writing a job: the tape image as `GS v 0` raster bands, then feed and cut.

use image::GrayImage;

use super::{BAND_ROWS, FEED_LINES, INIT};

/// Encodes a print job: ESC @, the image as `GS v 0` bands (dark pixels print), feed, cut.
///
/// The image width is padded to whole bytes with white.
pub fn encode_job(image: &GrayImage) -> Vec<u8> {
    let (w, h) = image.dimensions();
    let bytes_per_row = w.div_ceil(8);
    let mut out = Vec::with_capacity((bytes_per_row * h + 16 * (h / BAND_ROWS + 2)) as usize);
    out.extend_from_slice(&INIT);
    let mut y0 = 0;
    while y0 < h {
        let rows = BAND_ROWS.min(h - y0);
        // GS v 0 m xL xH yL yH, m = 0 (normal density).
        out.extend_from_slice(&[0x1d, 0x76, 0x30, 0x00]);
        out.extend_from_slice(&(bytes_per_row as u16).to_le_bytes());
        out.extend_from_slice(&(rows as u16).to_le_bytes());
        for y in y0..y0 + rows {
            for bx in 0..bytes_per_row {
                let mut byte = 0u8;
                for bit in 0..8 {
                    let x = bx * 8 + bit;
                    if x < w && image.get_pixel(x, y).0[0] < 128 {
                        byte |= 0x80 >> bit;
                    }
                }
                out.push(byte);
            }
        }
        y0 += rows;
    }
    // ESC d n: print and feed n lines; GS V 66 0: feed to the cutter and cut partially.
    out.extend_from_slice(&[0x1b, 0x64, FEED_LINES]);
    out.extend_from_slice(&[0x1d, 0x56, 0x42, 0x00]);
    out
}
