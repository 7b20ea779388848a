//! TIFF pages, one or many per file, in every convention scanners write.
//!
//! Bilevel pages (1 bit per pixel: uncompressed, PackBits, CCITT Modified
//! Huffman, Group 3 1-D/2-D, Group 4) are decoded here from the file's own
//! tags, honouring PhotometricInterpretation (WhiteIsZero, the fax and ADF
//! default, or BlackIsZero), FillOrder (bits of each byte reversed) and
//! palettes. Other pages go to the `tiff` crate, which already turns
//! WhiteIsZero into black-is-zero samples; palette pages are read there as
//! their indices and coloured here.

// Reads data from outside the program: no unchecked numeric conversion.
#![warn(clippy::as_conversions)]

use std::io::Cursor;

use image::{DynamicImage, GrayImage, ImageBuffer, RgbImage};

use super::ccitt::{self, Coding};
use super::{DecodeError, Page, check_budget, plausible_dpi};

/// Pages read before a file is taken for a loop of IFDs.
const MAX_PAGES: usize = 10_000;

/// One IFD entry: where its value lies in the file.
#[derive(Debug, Clone, Copy)]
struct Entry {
    tag: u16,
    kind: u16,
    count: u32,
    /// File offset of the entry's 4-byte value field.
    field: usize,
}

/// A TIFF file's byte order and directories, parsed leniently.
struct Tiff<'a> {
    bytes: &'a [u8],
    little: bool,
    ifds: Vec<Vec<Entry>>,
}

impl<'a> Tiff<'a> {
    /// Parses the header and every IFD; None for files the `tiff` crate should judge (BigTIFF, damage).
    fn parse(bytes: &'a [u8]) -> Option<Self> {
        let little = match bytes.get(..4)? {
            b"II*\0" => true,
            b"MM\0*" => false,
            _ => return None,
        };
        let mut t = Tiff {
            bytes,
            little,
            ifds: Vec::new(),
        };
        let mut at = t.u32_at(4)?;
        let mut seen = std::collections::HashSet::new();
        while at != 0 && t.ifds.len() < MAX_PAGES && seen.insert(at) {
            let start = usize::try_from(at).ok()?;
            let n = usize::from(t.u16_at(start)?);
            let mut entries = Vec::with_capacity(n);
            for k in 0..n {
                let e = start.checked_add(2)?.checked_add(k.checked_mul(12)?)?;
                entries.push(Entry {
                    tag: t.u16_at(e)?,
                    kind: t.u16_at(e + 2)?,
                    count: t.u32_at(e + 4)?,
                    field: e + 8,
                });
            }
            t.ifds.push(entries);
            at = t.u32_at(start.checked_add(2)?.checked_add(n.checked_mul(12)?)?)?;
        }
        Some(t)
    }

    fn u16_at(&self, at: usize) -> Option<u16> {
        let b: [u8; 2] = self.bytes.get(at..at.checked_add(2)?)?.try_into().ok()?;
        Some(if self.little {
            u16::from_le_bytes(b)
        } else {
            u16::from_be_bytes(b)
        })
    }

    fn u32_at(&self, at: usize) -> Option<u32> {
        let b: [u8; 4] = self.bytes.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(if self.little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    }

    fn entry(&self, page: usize, tag: u16) -> Option<Entry> {
        self.ifds.get(page)?.iter().find(|e| e.tag == tag).copied()
    }

    /// Unsigned integer values (BYTE, SHORT, LONG) of a tag.
    fn values(&self, page: usize, tag: u16) -> Option<Vec<u64>> {
        let e = self.entry(page, tag)?;
        let size: usize = match e.kind {
            1 => 1,
            3 => 2,
            4 => 4,
            _ => return None,
        };
        let count = usize::try_from(e.count).ok()?;
        let total = size.checked_mul(count)?;
        let base = if total <= 4 {
            e.field
        } else {
            usize::try_from(self.u32_at(e.field)?).ok()?
        };
        if self.bytes.len() < base.checked_add(total)? {
            return None;
        }
        (0..count)
            .map(|k| {
                let at = base + k * size;
                match size {
                    1 => self.bytes.get(at).map(|&b| u64::from(b)),
                    2 => self.u16_at(at).map(u64::from),
                    _ => self.u32_at(at).map(u64::from),
                }
            })
            .collect()
    }

    fn value(&self, page: usize, tag: u16) -> Option<u64> {
        self.values(page, tag)?.first().copied()
    }

    /// A RATIONAL tag's first value.
    fn rational(&self, page: usize, tag: u16) -> Option<f64> {
        let e = self.entry(page, tag)?;
        if e.kind != 5 {
            return self
                .value(page, tag)
                .and_then(|v| u32::try_from(v).ok())
                .map(f64::from);
        }
        let at = usize::try_from(self.u32_at(e.field)?).ok()?;
        let (n, d) = (self.u32_at(at)?, self.u32_at(at.checked_add(4)?)?);
        (d != 0).then(|| f64::from(n) / f64::from(d))
    }

    /// A copy of the file with the bits of every byte of page `page`'s strips reversed (FillOrder 2 to 1).
    fn with_reversed_strips(&self, page: usize) -> Option<Vec<u8>> {
        let offsets = self.values(page, tag::STRIP_OFFSETS)?;
        let counts = self.values(page, tag::STRIP_BYTES)?;
        let mut copy = self.bytes.to_vec();
        for (&off, &len) in offsets.iter().zip(&counts) {
            let from = usize::try_from(off).ok()?;
            let to = from.checked_add(usize::try_from(len).ok()?)?;
            copy.get_mut(from..to)?
                .iter_mut()
                .for_each(|b| *b = b.reverse_bits());
        }
        Some(copy)
    }

    /// Resolution in dots per inch, if the file states a plausible one.
    fn dpi(&self, page: usize) -> Option<f64> {
        let res = self.rational(page, 282)?;
        match self.value(page, 296).unwrap_or(2) {
            2 => plausible_dpi(res),
            3 => plausible_dpi(res * 2.54),
            _ => None,
        }
    }
}

/// Tag numbers used here (TIFF 6.0).
mod tag {
    pub const WIDTH: u16 = 256;
    pub const HEIGHT: u16 = 257;
    pub const BITS: u16 = 258;
    pub const COMPRESSION: u16 = 259;
    pub const PHOTOMETRIC: u16 = 262;
    pub const FILL_ORDER: u16 = 266;
    pub const STRIP_OFFSETS: u16 = 273;
    pub const SAMPLES: u16 = 277;
    pub const ROWS_PER_STRIP: u16 = 278;
    pub const STRIP_BYTES: u16 = 279;
    pub const T4_OPTIONS: u16 = 292;
    pub const COLOR_MAP: u16 = 320;
    pub const TILE_WIDTH: u16 = 322;
}

/// Decodes every page of a TIFF file.
pub(super) fn decode_tiff(bytes: &[u8], budget: u64) -> Result<Vec<Page>, DecodeError> {
    let Some(t) = Tiff::parse(bytes) else {
        return via_crate(bytes, budget, None);
    };
    let mut pages = Vec::with_capacity(t.ifds.len());
    for index in 0..t.ifds.len() {
        let page = index + 1;
        let bits = t.value(index, tag::BITS).unwrap_or(1);
        let samples = t.value(index, tag::SAMPLES).unwrap_or(1);
        let compression = t.value(index, tag::COMPRESSION).unwrap_or(1);
        let tiled = t.entry(index, tag::TILE_WIDTH).is_some();
        let bilevel_coding = matches!(compression, 1 | 2 | 3 | 4 | 32773);
        let photometric = t.value(index, tag::PHOTOMETRIC);
        if bits == 1 && samples == 1 && !tiled && bilevel_coding {
            pages.push(bilevel(&t, index, compression, photometric, budget)?);
        } else if photometric == Some(3) {
            pages.push(palette(&t, index, bits, budget)?);
        } else if t.value(index, tag::FILL_ORDER) == Some(2) {
            // libtiff reverses the bits of every coding's data (LZW, Deflate too); the crate does not.
            let copy = t
                .with_reversed_strips(index)
                .ok_or_else(|| damaged(page, "strip outside the file"))?;
            let mut one = via_crate(&copy, budget, Some(index))?;
            pages.extend(one.pop());
        } else {
            let mut one = via_crate(bytes, budget, Some(index))?;
            if let Some(p) = one.pop() {
                pages.push(p);
            }
        }
        debug_assert_eq!(pages.len(), page);
    }
    if pages.is_empty() {
        return Err(DecodeError::Damaged {
            page: 1,
            message: "TIFF file without any page".into(),
        });
    }
    Ok(pages)
}

fn damaged(page: usize, message: &str) -> DecodeError {
    DecodeError::Damaged {
        page,
        message: message.to_string(),
    }
}

/// A 1-bit page decoded from its strips.
fn bilevel(
    t: &Tiff<'_>,
    index: usize,
    compression: u64,
    photometric: Option<u64>,
    budget: u64,
) -> Result<Page, DecodeError> {
    let page = index + 1;
    let bad = |m: &str| damaged(page, m);
    let w = t
        .value(index, tag::WIDTH)
        .ok_or_else(|| bad("no ImageWidth"))?;
    let h = t
        .value(index, tag::HEIGHT)
        .ok_or_else(|| bad("no ImageLength"))?;
    check_budget(page, w, h, budget)?;
    let (w32, h32) = (
        u32::try_from(w).map_err(|_| bad("width"))?,
        u32::try_from(h).map_err(|_| bad("height"))?,
    );
    let coding = match compression {
        1 | 32773 => None,
        2 => Some(Coding::ModifiedHuffman),
        3 => {
            let opts = t.value(index, tag::T4_OPTIONS).unwrap_or(0);
            if opts & 2 != 0 {
                return Err(DecodeError::Unsupported(format!(
                    "TIFF page {page}: Group 3 with uncompressed mode"
                )));
            }
            Some(Coding::Group3 {
                two_d: opts & 1 != 0,
            })
        }
        _ => Some(Coding::Group4),
    };
    // Fax codings without the tag are fax pages: 0 is white.
    let photometric = photometric.unwrap_or(u64::from(coding.is_none()));
    let reversed = t.value(index, tag::FILL_ORDER) == Some(2);
    let offsets = t
        .values(index, tag::STRIP_OFFSETS)
        .ok_or_else(|| bad("no StripOffsets"))?;
    let counts = t
        .values(index, tag::STRIP_BYTES)
        .ok_or_else(|| bad("no StripByteCounts"))?;
    let rows_per_strip = t.value(index, tag::ROWS_PER_STRIP).unwrap_or(h).clamp(1, h);
    let stride = usize::try_from(w.div_ceil(8)).map_err(|_| bad("width"))?;
    let rows = usize::try_from(h).map_err(|_| bad("height"))?;
    let mut packed = vec![0u8; stride.checked_mul(rows).ok_or_else(|| bad("size"))?];
    let mut y = 0u64;
    for (&off, &len) in offsets.iter().zip(&counts) {
        if y >= h {
            break;
        }
        let strip_rows = rows_per_strip.min(h - y);
        let from = usize::try_from(off).map_err(|_| bad("strip offset"))?;
        let to = from
            .checked_add(usize::try_from(len).map_err(|_| bad("strip size"))?)
            .ok_or_else(|| bad("strip size"))?;
        let raw = t
            .bytes
            .get(from..to.min(t.bytes.len()))
            .ok_or_else(|| bad("strip outside the file"))?;
        let data: Vec<u8> = if reversed {
            raw.iter().map(|b| b.reverse_bits()).collect()
        } else {
            raw.to_vec()
        };
        let strip_rows32 = u32::try_from(strip_rows).map_err(|_| bad("rows"))?;
        let decoded = match coding {
            Some(c) => ccitt::decode(&data, w32, strip_rows32, c)
                .ok_or_else(|| bad("damaged CCITT data"))?,
            None if compression == 32773 => packbits(&data),
            None => data,
        };
        let start = usize::try_from(y).map_err(|_| bad("rows"))? * stride;
        let want = usize::try_from(strip_rows).map_err(|_| bad("rows"))? * stride;
        let n = want.min(decoded.len()).min(packed.len() - start);
        packed[start..start + n].copy_from_slice(&decoded[..n]);
        y += strip_rows;
    }
    // What a 1 bit shows: black (WhiteIsZero), white (BlackIsZero) or a palette colour.
    let shades: [[u8; 3]; 2] = match photometric {
        0 => [[255; 3], [0; 3]],
        3 => {
            let map = color_map(t, index, 1).ok_or_else(|| bad("palette without ColorMap"))?;
            [map[0], map[1]]
        }
        _ => [[0; 3], [255; 3]],
    };
    let unpack = |x: usize, row: &[u8]| usize::from((row[x / 8] >> (7 - x % 8)) & 1);
    let wu = usize::try_from(w).map_err(|_| bad("width"))?;
    let image = if shades.iter().all(|c| c[0] == c[1] && c[1] == c[2]) {
        let mut v = Vec::with_capacity(wu * rows);
        for row in packed.chunks(stride) {
            v.extend((0..wu).map(|x| shades[unpack(x, row)][0]));
        }
        let img: GrayImage = ImageBuffer::from_raw(w32, h32, v).ok_or_else(|| bad("size"))?;
        DynamicImage::ImageLuma8(img)
    } else {
        let mut v = Vec::with_capacity(wu * rows * 3);
        for row in packed.chunks(stride) {
            for x in 0..wu {
                v.extend_from_slice(&shades[unpack(x, row)]);
            }
        }
        let img: RgbImage = ImageBuffer::from_raw(w32, h32, v).ok_or_else(|| bad("size"))?;
        DynamicImage::ImageRgb8(img)
    };
    Ok(Page {
        image,
        dpi: t.dpi(index),
    })
}

/// PackBits (TIFF compression 32773).
fn packbits(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() * 2);
    let mut i = 0;
    while i < data.len() {
        let n = i8::from_ne_bytes([data[i]]);
        i += 1;
        if n >= 0 {
            let len = usize::from(n.unsigned_abs()) + 1;
            let end = (i + len).min(data.len());
            out.extend_from_slice(&data[i..end]);
            i = end;
        } else if n != -128 {
            let len = usize::from(n.unsigned_abs()) + 1;
            if let Some(&b) = data.get(i) {
                out.extend(std::iter::repeat_n(b, len));
            }
            i += 1;
        }
    }
    out
}

/// The palette of a page with `bits` per index, as 8-bit RGB.
fn color_map(t: &Tiff<'_>, index: usize, bits: u64) -> Option<Vec<[u8; 3]>> {
    let n = 1usize << bits.min(16);
    let v = t.values(index, tag::COLOR_MAP)?;
    if v.len() < 3 * n {
        return None;
    }
    let c = |x: u64| u8::try_from(x >> 8).unwrap_or(255);
    Some(
        (0..n)
            .map(|i| [c(v[i]), c(v[n + i]), c(v[2 * n + i])])
            .collect(),
    )
}

/// A palette page: its indices read by the `tiff` crate (told the page is grey), then coloured.
fn palette(t: &Tiff<'_>, index: usize, bits: u64, budget: u64) -> Result<Page, DecodeError> {
    let page = index + 1;
    let map = color_map(t, index, bits).ok_or_else(|| damaged(page, "palette without ColorMap"))?;
    let e = t
        .entry(index, tag::PHOTOMETRIC)
        .ok_or_else(|| damaged(page, "no photometric tag"))?;
    // Rewrite the tag in a copy: PhotometricInterpretation = BlackIsZero (1).
    let mut copy = t.bytes.to_vec();
    let one = if t.little { [1, 0] } else { [0, 1] };
    copy.get_mut(e.field..e.field + 2)
        .ok_or_else(|| damaged(page, "tag outside the file"))?
        .copy_from_slice(&one);
    let mut pages = via_crate(&copy, budget, Some(index))?;
    let p = pages.pop().ok_or_else(|| damaged(page, "no page"))?;
    let grey = p.image.to_luma8();
    let (w, h) = grey.dimensions();
    // `via_crate` scaled the indices to 0-255; undo that to index the palette.
    let levels = (1u32 << bits.min(8)) - 1;
    let mut v = Vec::with_capacity(grey.as_raw().len() * 3);
    for &g in grey.as_raw() {
        let i = usize::try_from((u32::from(g) * levels + 127) / 255).unwrap_or(0);
        v.extend_from_slice(map.get(i).unwrap_or(&[255; 3]));
    }
    let img: RgbImage =
        ImageBuffer::from_raw(w, h, v).ok_or_else(|| damaged(page, "palette size"))?;
    Ok(Page {
        image: DynamicImage::ImageRgb8(img),
        dpi: p.dpi,
    })
}

/// Decodes pages with the `tiff` crate: all of them, or only `only`.
fn via_crate(bytes: &[u8], budget: u64, only: Option<usize>) -> Result<Vec<Page>, DecodeError> {
    use tiff::decoder::Decoder;
    let damaged = |page: usize| {
        move |e: tiff::TiffError| DecodeError::Damaged {
            page,
            message: e.to_string(),
        }
    };
    let mut limits = tiff::decoder::Limits::default();
    let buffer = usize::try_from(budget.saturating_mul(8)).unwrap_or(usize::MAX);
    limits.decoding_buffer_size = buffer;
    limits.intermediate_buffer_size = buffer;
    let mut dec = Decoder::new(Cursor::new(bytes))
        .map_err(damaged(1))?
        .with_limits(limits);
    let mut index = 0usize;
    if let Some(i) = only {
        dec.seek_to_image(i).map_err(damaged(i + 1))?;
        index = i;
    }
    let mut pages = Vec::new();
    loop {
        let page = index + 1;
        let (w, h) = dec.dimensions().map_err(damaged(page))?;
        check_budget(page, u64::from(w), u64::from(h), budget)?;
        let colour = dec.colortype().map_err(damaged(page))?;
        let dpi = crate_dpi(&mut dec);
        let data = dec.read_image().map_err(damaged(page))?;
        let image = to_image(page, w, h, colour, data)?;
        pages.push(Page { image, dpi });
        if only.is_some() || !dec.more_images() {
            break;
        }
        index += 1;
        dec.next_image().map_err(damaged(index + 1))?;
    }
    Ok(pages)
}

/// Samples as the `tiff` crate gives them (black is zero, WhiteIsZero already inverted) to an image.
fn to_image(
    page: usize,
    w: u32,
    h: u32,
    colour: tiff::ColorType,
    data: tiff::decoder::DecodingResult,
) -> Result<DynamicImage, DecodeError> {
    use tiff::decoder::DecodingResult;
    let bad = |what: &str| damaged(page, what);
    let (Ok(wu), Ok(hu)) = (usize::try_from(w), usize::try_from(h)) else {
        return Err(bad("page too large for this computer"));
    };
    let grey = |v: Vec<u8>| -> Result<DynamicImage, DecodeError> {
        let img: GrayImage =
            ImageBuffer::from_raw(w, h, v).ok_or_else(|| bad("short grey data"))?;
        Ok(DynamicImage::ImageLuma8(img))
    };
    match (colour, data) {
        (tiff::ColorType::Gray(b @ (1 | 2 | 4)), DecodingResult::U8(buf)) => {
            // Rows packed MSB first, each starting on a byte.
            let bits = usize::from(b);
            let stride = (wu * bits).div_ceil(8);
            if buf.len() < stride * hu {
                return Err(bad("short packed data"));
            }
            let max = (1u16 << b) - 1;
            let mut v = Vec::with_capacity(wu * hu);
            for row in buf.chunks(stride).take(hu) {
                v.extend((0..wu).map(|x| {
                    let bit = x * bits;
                    let s = u16::from(row[bit / 8] >> (8 - bits - bit % 8)) & max;
                    u8::try_from(s * 255 / max).unwrap_or(255)
                }));
            }
            grey(v)
        }
        (tiff::ColorType::Gray(8), DecodingResult::U8(buf)) => grey(buf),
        (tiff::ColorType::Gray(16), DecodingResult::U16(buf)) => {
            grey(buf.iter().map(|&p| p.to_be_bytes()[0]).collect())
        }
        (tiff::ColorType::RGB(8), DecodingResult::U8(buf)) => {
            let img: RgbImage =
                ImageBuffer::from_raw(w, h, buf).ok_or_else(|| bad("short colour data"))?;
            Ok(DynamicImage::ImageRgb8(img))
        }
        (tiff::ColorType::RGB(16), DecodingResult::U16(buf)) => {
            let v: Vec<u8> = buf.iter().map(|&p| p.to_be_bytes()[0]).collect();
            let img: RgbImage =
                ImageBuffer::from_raw(w, h, v).ok_or_else(|| bad("short colour data"))?;
            Ok(DynamicImage::ImageRgb8(img))
        }
        (tiff::ColorType::RGBA(8), DecodingResult::U8(buf)) => {
            let img =
                image::RgbaImage::from_raw(w, h, buf).ok_or_else(|| bad("short colour data"))?;
            Ok(DynamicImage::ImageRgb8(
                DynamicImage::ImageRgba8(img).to_rgb8(),
            ))
        }
        (other, _) => Err(DecodeError::Unsupported(format!(
            "TIFF page {page} with pixel format {other:?}"
        ))),
    }
}

fn crate_dpi<R: std::io::Read + std::io::Seek>(dec: &mut tiff::decoder::Decoder<R>) -> Option<f64> {
    use tiff::tags::Tag;
    let value = dec.find_tag(Tag::XResolution).ok()??;
    let res = match value {
        tiff::decoder::ifd::Value::Rational(n, d) if d != 0 => f64::from(n) / f64::from(d),
        other => other.into_f64().ok()?,
    };
    let unit: u16 = dec
        .find_tag_unsigned(Tag::ResolutionUnit)
        .ok()
        .flatten()
        .unwrap_or(2);
    match unit {
        3 => plausible_dpi(res * 2.54),
        2 => plausible_dpi(res),
        _ => None,
    }
}
