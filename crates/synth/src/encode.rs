//! The file the scanner writes: PNG (1-bit when bilevel), JPEG, TIFF or PNM.

use std::io::Cursor;

use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::codecs::pnm::{PnmEncoder, PnmSubtype, SampleEncoding};
use image::codecs::tiff::TiffEncoder;
use image::{DynamicImage, ImageEncoder};

use super::SynthError;
use super::jpeg::encode_jpeg;
use super::scan::{ColourMode, FileFormat};

/// Encodes the scan; returns the bytes and the usual file extension.
pub(crate) fn encode(
    img: &DynamicImage,
    colour: ColourMode,
    format: FileFormat,
    dpi: u32,
) -> Result<(Vec<u8>, &'static str), SynthError> {
    let bilevel = matches!(colour, ColourMode::Bilevel { .. });
    let err = |format: &'static str| move |source| SynthError::Encode { format, source };
    let mut out = Vec::new();
    let ext = match format {
        FileFormat::Png if bilevel => {
            let grey = img.to_luma8();
            out = png_1bit(&grey, dpi);
            "png"
        }
        FileFormat::Png => {
            // Fast deflate: the default level costs several times more for a few % of size.
            let enc =
                PngEncoder::new_with_quality(&mut out, CompressionType::Fast, FilterType::Sub);
            enc.write_image(
                img.as_bytes(),
                img.width(),
                img.height(),
                img.color().into(),
            )
            .map_err(err("PNG"))?;
            "png"
        }
        FileFormat::Jpeg { quality } => {
            // Our own encoder: several times faster than `image`'s, and 4:2:0 like scanners.
            out = encode_jpeg(
                img.as_bytes(),
                img.width() as usize,
                img.height() as usize,
                usize::from(img.color().channel_count()),
                quality,
                dpi,
            )
            .map_err(|e| SynthError::Encode {
                format: "JPEG",
                source: image::ImageError::Encoding(image::error::EncodingError::new(
                    image::ImageFormat::Jpeg.into(),
                    e,
                )),
            })?;
            "jpg"
        }
        FileFormat::Tiff => {
            let mut cur = Cursor::new(Vec::new());
            TiffEncoder::new(&mut cur)
                .write_image(
                    img.as_bytes(),
                    img.width(),
                    img.height(),
                    img.color().into(),
                )
                .map_err(err("TIFF"))?;
            out = cur.into_inner();
            "tif"
        }
        FileFormat::Pnm if bilevel => {
            // PBM samples are 0 (black) or 1 (white).
            let bits: Vec<u8> = img
                .to_luma8()
                .as_raw()
                .iter()
                .map(|&v| u8::from(v >= 128))
                .collect();
            PnmEncoder::new(&mut out)
                .with_subtype(PnmSubtype::Bitmap(SampleEncoding::Binary))
                .write_image(
                    &bits,
                    img.width(),
                    img.height(),
                    image::ExtendedColorType::L8,
                )
                .map_err(err("PBM"))?;
            "pbm"
        }
        FileFormat::Pnm => {
            let (sub, ext) = match colour {
                ColourMode::Rgb => (PnmSubtype::Pixmap(SampleEncoding::Binary), "ppm"),
                _ => (PnmSubtype::Graymap(SampleEncoding::Binary), "pgm"),
            };
            PnmEncoder::new(&mut out)
                .with_subtype(sub)
                .write_image(
                    img.as_bytes(),
                    img.width(),
                    img.height(),
                    img.color().into(),
                )
                .map_err(err("PNM"))?;
            ext
        }
    };
    Ok((out, ext))
}

/// A 1-bit greyscale PNG with stored (uncompressed) deflate blocks and the resolution
/// in pHYs. The `image` encoder cannot write 1-bit PNGs, which real scanners produce.
fn png_1bit(img: &image::GrayImage, dpi: u32) -> Vec<u8> {
    let (w, h) = (img.width(), img.height());
    let row_bytes = (w as usize).div_ceil(8);
    let mut raw = Vec::with_capacity((row_bytes + 1) * h as usize);
    for row in img.as_raw().chunks(w as usize) {
        raw.push(0); // filter: none
        for bits in row.chunks(8) {
            let mut byte = 0u8;
            for (i, &v) in bits.iter().enumerate() {
                // In greyscale PNG a set bit is white.
                if v >= 128 {
                    byte |= 0x80 >> i;
                }
            }
            raw.push(byte);
        }
    }
    let mut z = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = raw.chunks(65_535).collect();
    for (i, block) in blocks.iter().enumerate() {
        z.push(u8::from(i + 1 == blocks.len()));
        let len = block.len() as u16;
        z.extend_from_slice(&len.to_le_bytes());
        z.extend_from_slice(&(!len).to_le_bytes());
        z.extend_from_slice(block);
    }
    z.extend_from_slice(&adler32(&raw).to_be_bytes());

    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[1, 0, 0, 0, 0]); // depth 1, greyscale, deflate, no filter, no interlace
    chunk(&mut out, *b"IHDR", &ihdr);
    let ppm = (f64::from(dpi) / 0.0254).round() as u32;
    let mut phys = Vec::with_capacity(9);
    phys.extend_from_slice(&ppm.to_be_bytes());
    phys.extend_from_slice(&ppm.to_be_bytes());
    phys.push(1); // unit: metre
    chunk(&mut out, *b"pHYs", &phys);
    chunk(&mut out, *b"IDAT", &z);
    chunk(&mut out, *b"IEND", &[]);
    out
}

fn chunk(out: &mut Vec<u8>, kind: [u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(&kind);
    out.extend_from_slice(data);
    let mut crc = Crc32::new();
    crc.update(&kind);
    crc.update(data);
    out.extend_from_slice(&crc.finish().to_be_bytes());
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in data.chunks(5552) {
        for &v in chunk {
            a += u32::from(v);
            b += a;
        }
        a %= 65_521;
        b %= 65_521;
    }
    (b << 16) | a
}

/// CRC-32 (IEEE), table-driven.
struct Crc32 {
    table: [u32; 256],
    value: u32,
}

impl Crc32 {
    fn new() -> Self {
        let mut table = [0u32; 256];
        for (n, t) in table.iter_mut().enumerate() {
            let mut c = n as u32;
            for _ in 0..8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
            *t = c;
        }
        Crc32 {
            table,
            value: 0xFFFF_FFFF,
        }
    }

    fn update(&mut self, data: &[u8]) {
        for &b in data {
            self.value =
                self.table[((self.value ^ u32::from(b)) & 0xFF) as usize] ^ (self.value >> 8);
        }
    }

    fn finish(&self) -> u32 {
        self.value ^ 0xFFFF_FFFF
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_and_adler_match_known_values() {
        let mut c = Crc32::new();
        c.update(b"123456789");
        assert_eq!(c.finish(), 0xCBF4_3926);
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
    }

    #[test]
    fn one_bit_png_decodes_to_the_same_pixels() {
        let img = image::GrayImage::from_fn(37, 11, |x, y| {
            image::Luma([if (x + y) % 3 == 0 { 0 } else { 255 }])
        });
        let bytes = png_1bit(&img, 300);
        let back = image::load_from_memory(&bytes).expect("decodes").to_luma8();
        assert_eq!(back.dimensions(), (37, 11));
        assert_eq!(back.as_raw(), img.as_raw());
    }
}
