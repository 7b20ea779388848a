//! Turning scanner files into page images: PNG, JPEG, TIFF (multi-page), PNM;
//! 1-bit, 8-bit grey, 16-bit, colour. Refuses decompression bombs before
//! allocating, and reads the resolution from the file where it is recorded.

// Reads data from outside the program: no unchecked numeric conversion.
#![warn(clippy::as_conversions)]

use std::io::Cursor;

mod ccitt;
#[cfg(test)]
mod formats;
mod tiff_pages;

use image::{DynamicImage, ImageFormat};

/// Largest page accepted, in pixels: an A4 page at 600 dpi is 35 Mpx.
pub const DEFAULT_PIXEL_BUDGET: u64 = 50_000_000;

/// One page as decoded.
#[derive(Debug, Clone)]
pub struct Page {
    /// The pixels, as 8-bit grey or 8-bit RGB.
    pub image: DynamicImage,
    /// Resolution recorded in the file, dots per inch, if any.
    pub dpi: Option<f64>,
}

/// Why a file cannot be turned into pages.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// Zero bytes.
    #[error("empty file")]
    Empty,
    /// Not an image format scanners produce.
    #[error("not a supported image ({0}); expected PNG, JPEG, TIFF or PNM")]
    Unsupported(String),
    /// Over the pixel budget.
    #[error("page {page} is {width}×{height} pixels, over the budget of {budget} pixels")]
    TooLarge {
        /// 1-based page.
        page: usize,
        /// Width.
        width: u64,
        /// Height.
        height: u64,
        /// Budget.
        budget: u64,
    },
    /// The data is damaged or truncated.
    #[error("page {page}: damaged or truncated image: {message}")]
    Damaged {
        /// 1-based page.
        page: usize,
        /// Decoder message.
        message: String,
    },
}

/// Decodes every page of an image file held in memory.
pub fn decode_pages(bytes: &[u8], budget: u64) -> Result<Vec<Page>, DecodeError> {
    // The decoders are other crates fed with outside data; one of them panicking
    // (tiff 0.10.3 indexes an empty SampleFormat tag, found by fuzzing) must cost
    // one page, not the station.
    std::panic::catch_unwind(|| decode_pages_unguarded(bytes, budget)).unwrap_or_else(|panic| {
        let why = panic
            .downcast_ref::<&str>()
            .map(std::string::ToString::to_string)
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(DecodeError::Damaged {
            page: 1,
            message: format!("malformed file, the decoder gave up ({why})"),
        })
    })
}

fn decode_pages_unguarded(bytes: &[u8], budget: u64) -> Result<Vec<Page>, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    let format = image::guess_format(bytes).map_err(|_| DecodeError::Unsupported(sniff(bytes)))?;
    match format {
        ImageFormat::Tiff => tiff_pages::decode_tiff(bytes, budget),
        ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::Pnm => {
            let dpi = match format {
                ImageFormat::Png => png_dpi(bytes),
                ImageFormat::Jpeg => jpeg_dpi(bytes),
                _ => None,
            };
            let image = decode_single(bytes, format, budget)?;
            Ok(vec![Page { image, dpi }])
        }
        other => Err(DecodeError::Unsupported(format!("{other:?}"))),
    }
}

/// Names what a non-image file looks like, for the error message.
fn sniff(bytes: &[u8]) -> String {
    if bytes.starts_with(b"%PDF") {
        "a PDF document; scan to an image or rasterise it first".into()
    } else {
        "unknown format".into()
    }
}

fn decode_single(
    bytes: &[u8],
    format: ImageFormat,
    budget: u64,
) -> Result<DynamicImage, DecodeError> {
    let mut reader = image::ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    // Side limit lets the decoder refuse a bomb from its header, before allocating.
    let side = u32::try_from(budget).unwrap_or(u32::MAX);
    limits.max_image_width = Some(side);
    limits.max_image_height = Some(side);
    limits.max_alloc = Some(budget * 8);
    reader.limits(limits);
    let (w, h) = reader.into_dimensions().map_err(|e| DecodeError::Damaged {
        page: 1,
        message: e.to_string(),
    })?;
    check_budget(1, u64::from(w), u64::from(h), budget)?;
    let mut reader = image::ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(budget * 8);
    reader.limits(limits);
    let img = reader.decode().map_err(|e| DecodeError::Damaged {
        page: 1,
        message: e.to_string(),
    })?;
    // A PAM BLACKANDWHITE page comes out as samples 0 and 1: stretch them to 0 and 255.
    let img = match img {
        DynamicImage::ImageLuma8(mut g) if format == ImageFormat::Pnm && pam_bilevel(bytes) => {
            g.iter_mut().for_each(|v| *v = v.saturating_mul(255));
            DynamicImage::ImageLuma8(g)
        }
        other => other,
    };
    Ok(normalise(img))
}

/// A PAM (P7) header declaring a black-and-white tuple type.
fn pam_bilevel(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(512)];
    head.starts_with(b"P7") && head.windows(13).any(|w| w == b"BLACKANDWHITE")
}

fn check_budget(page: usize, width: u64, height: u64, budget: u64) -> Result<(), DecodeError> {
    if width.saturating_mul(height) > budget || width == 0 || height == 0 {
        return Err(DecodeError::TooLarge {
            page,
            width,
            height,
            budget,
        });
    }
    Ok(())
}

/// Reduces every pixel format to 8-bit grey or 8-bit RGB, the two the interpreter reads.
pub fn normalise(img: DynamicImage) -> DynamicImage {
    match img {
        DynamicImage::ImageLuma8(_) | DynamicImage::ImageRgb8(_) => img,
        DynamicImage::ImageLuma16(_)
        | DynamicImage::ImageLumaA8(_)
        | DynamicImage::ImageLumaA16(_) => DynamicImage::ImageLuma8(img.to_luma8()),
        other => DynamicImage::ImageRgb8(other.to_rgb8()),
    }
}

/// Only resolutions a document scanner can produce are believed.
fn plausible_dpi(dpi: f64) -> Option<f64> {
    (50.0..=2400.0).contains(&dpi).then_some(dpi)
}

/// Resolution from a PNG `pHYs` chunk (pixels per metre).
pub fn png_dpi(bytes: &[u8]) -> Option<f64> {
    let mut pos = 8;
    while pos + 8 <= bytes.len() {
        let len = usize::try_from(u32::from_be_bytes(bytes[pos..pos + 4].try_into().ok()?)).ok()?;
        let kind = &bytes[pos + 4..pos + 8];
        if kind == b"pHYs" && len >= 9 && pos + 8 + 9 <= bytes.len() {
            let d = &bytes[pos + 8..pos + 17];
            let x = f64::from(u32::from_be_bytes(d[0..4].try_into().ok()?));
            return if d[8] == 1 {
                plausible_dpi(x * 0.0254)
            } else {
                None
            };
        }
        if kind == b"IDAT" || kind == b"IEND" {
            return None;
        }
        pos = pos.checked_add(12)?.checked_add(len)?;
    }
    None
}

/// Resolution from a JPEG JFIF APP0 segment.
pub fn jpeg_dpi(bytes: &[u8]) -> Option<f64> {
    let mut pos = 2;
    while pos + 4 <= bytes.len() && bytes[pos] == 0xFF {
        let marker = bytes[pos + 1];
        let len = usize::from(u16::from_be_bytes([bytes[pos + 2], bytes[pos + 3]]));
        if marker == 0xE0 && pos + 4 + 12 <= bytes.len() && &bytes[pos + 4..pos + 9] == b"JFIF\0" {
            let units = bytes[pos + 11];
            let x = f64::from(u16::from_be_bytes([bytes[pos + 12], bytes[pos + 13]]));
            return match units {
                1 => plausible_dpi(x),
                2 => plausible_dpi(x * 2.54),
                _ => None,
            };
        }
        if marker == 0xDA {
            return None;
        }
        pos += 2 + len;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{GrayImage, ImageBuffer, Luma};

    fn png_bytes(img: &DynamicImage) -> Vec<u8> {
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn empty_pdf_and_garbage_are_named() {
        assert_eq!(
            decode_pages(&[], DEFAULT_PIXEL_BUDGET).unwrap_err(),
            DecodeError::Empty
        );
        let err = decode_pages(b"%PDF-1.7\n...", DEFAULT_PIXEL_BUDGET).unwrap_err();
        assert!(err.to_string().contains("PDF"), "{err}");
        assert!(matches!(
            decode_pages(b"hello world", DEFAULT_PIXEL_BUDGET),
            Err(DecodeError::Unsupported(_))
        ));
    }

    #[test]
    fn truncated_png_is_damaged_not_a_panic() {
        let img = DynamicImage::ImageLuma8(GrayImage::from_pixel(64, 64, Luma([200])));
        let bytes = png_bytes(&img);
        for cut in [10, 40, bytes.len() / 2, bytes.len() - 5] {
            let r = decode_pages(&bytes[..cut], DEFAULT_PIXEL_BUDGET);
            assert!(r.is_err(), "cut at {cut}");
        }
    }

    #[test]
    fn over_budget_is_refused_before_decoding() {
        let img = DynamicImage::ImageLuma8(GrayImage::from_pixel(300, 300, Luma([255])));
        let err = decode_pages(&png_bytes(&img), 10_000).unwrap_err();
        assert!(
            matches!(
                err,
                DecodeError::TooLarge {
                    width: 300,
                    height: 300,
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn sixteen_bit_and_rgba_become_eight_bit() {
        let img16 = DynamicImage::ImageLuma16(ImageBuffer::from_pixel(8, 8, Luma([40000u16])));
        let pages = decode_pages(&png_bytes(&img16), DEFAULT_PIXEL_BUDGET).unwrap();
        assert!(matches!(pages[0].image, DynamicImage::ImageLuma8(_)));
        assert_eq!(
            pages[0].image.to_luma8().get_pixel(0, 0)[0],
            156 // 40000 × 255 / 65535 = 155.6, rounded
        );
        let rgba = DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(
            8,
            8,
            image::Rgba([10, 20, 30, 255]),
        ));
        let pages = decode_pages(&png_bytes(&rgba), DEFAULT_PIXEL_BUDGET).unwrap();
        assert!(matches!(pages[0].image, DynamicImage::ImageRgb8(_)));
    }

    #[test]
    fn jfif_density_is_read() {
        let img = DynamicImage::ImageLuma8(GrayImage::from_pixel(16, 16, Luma([128])));
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), ImageFormat::Jpeg)
            .unwrap();
        // The encoder writes JFIF with density 1:1 aspect (units 0) by default: no dpi.
        assert_eq!(jpeg_dpi(&out), None);
        // Patch units=1, 300 dpi.
        let at = out.windows(5).position(|w| w == b"JFIF\0").unwrap();
        out[at + 7] = 1;
        out[at + 8..at + 10].copy_from_slice(&300u16.to_be_bytes());
        assert_eq!(jpeg_dpi(&out), Some(300.0));
        assert_eq!(
            decode_pages(&out, DEFAULT_PIXEL_BUDGET).unwrap()[0].dpi,
            Some(300.0)
        );
    }

    #[test]
    fn multi_page_tiff_gives_every_page_with_its_resolution() {
        use tiff::encoder::{TiffEncoder, colortype};
        let mut out = Cursor::new(Vec::new());
        {
            let mut enc = TiffEncoder::new(&mut out).unwrap();
            for shade in [10u8, 255, 90] {
                let data = vec![shade; 20 * 10];
                let mut page = enc.new_image::<colortype::Gray8>(20, 10).unwrap();
                page.resolution(
                    tiff::tags::ResolutionUnit::Inch,
                    tiff::encoder::Rational { n: 200, d: 1 },
                );
                page.write_data(&data).unwrap();
            }
        }
        let pages = decode_pages(out.get_ref(), DEFAULT_PIXEL_BUDGET).unwrap();
        assert_eq!(pages.len(), 3);
        assert_eq!(
            pages[1].image.to_luma8().get_pixel(3, 3)[0],
            255,
            "blank middle page kept"
        );
        assert_eq!(pages[2].image.to_luma8().get_pixel(3, 3)[0], 90);
        assert_eq!(pages[0].dpi, Some(200.0));
    }
}
