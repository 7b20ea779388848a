//! A SANE frame as a PNG file, pixels unchanged, with the resolution in pHYs (the
//! interpreter reads the dpi from there).

use super::frame::RawImage;

/// Encodes the frame: 1-bit grey stays 1-bit, 8/16-bit grey and RGB keep their depth,
/// 1-bit RGB becomes 8-bit RGB (PNG has no 1-bit colour).
pub(crate) fn to_png(img: &RawImage, dpi: Option<f64>) -> Result<Vec<u8>, String> {
    let (w, h) = (img.width as usize, img.height as usize);
    let (colour, depth, rows) = match (img.rgb, img.depth) {
        (false, 1) => (png::ColorType::Grayscale, png::BitDepth::One, gray1(img)),
        (false, 8) => (
            png::ColorType::Grayscale,
            png::BitDepth::Eight,
            copy(img, w),
        ),
        (false, _) => (
            png::ColorType::Grayscale,
            png::BitDepth::Sixteen,
            swap16(img, w),
        ),
        (true, 1) => (png::ColorType::Rgb, png::BitDepth::Eight, rgb1(img)),
        (true, 8) => (png::ColorType::Rgb, png::BitDepth::Eight, copy(img, 3 * w)),
        (true, _) => (
            png::ColorType::Rgb,
            png::BitDepth::Sixteen,
            swap16(img, 3 * w),
        ),
    };
    let mut out = Vec::with_capacity(rows.len() / 2 + 1024);
    let mut enc = png::Encoder::new(&mut out, img.width, img.height);
    enc.set_color(colour);
    enc.set_depth(depth);
    // Fast deflate: scans are large and stored once; the default level costs several
    // times the time for a few per cent of size.
    enc.set_compression(png::Compression::Fast);
    if let Some(dpi) = dpi.filter(|d| d.is_finite() && *d > 0.0) {
        let ppm = (dpi / 0.0254).round() as u32;
        enc.set_pixel_dims(Some(png::PixelDimensions {
            xppu: ppm,
            yppu: ppm,
            unit: png::Unit::Meter,
        }));
    }
    let mut writer = enc.write_header().map_err(|e| e.to_string())?;
    debug_assert_eq!(rows.len() % h.max(1), 0);
    writer.write_image_data(&rows).map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    Ok(out)
}

/// Each row without its padding.
fn rows(img: &RawImage) -> impl Iterator<Item = &[u8]> {
    img.data
        .chunks_exact(img.row_bytes)
        .take(img.height as usize)
}

fn copy(img: &RawImage, row: usize) -> Vec<u8> {
    rows(img).flat_map(|r| &r[..row]).copied().collect()
}

/// SANE sends 16-bit samples in host order; PNG stores them big-endian.
fn swap16(img: &RawImage, samples: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(samples * 2 * img.height as usize);
    for r in rows(img) {
        for s in r[..samples * 2].chunks_exact(2) {
            out.extend_from_slice(&u16::from_ne_bytes([s[0], s[1]]).to_be_bytes());
        }
    }
    out
}

/// In SANE 1-bit grey a set bit is black; in PNG a set bit is white.
fn gray1(img: &RawImage) -> Vec<u8> {
    let row = (img.width as usize).div_ceil(8);
    rows(img)
        .flat_map(|r| r[..row].iter().map(|b| !b))
        .collect()
}

/// 1-bit colour: a set bit is a lit channel (full intensity).
fn rgb1(img: &RawImage) -> Vec<u8> {
    let w = img.width as usize;
    let mut out = Vec::with_capacity(3 * w * img.height as usize);
    for r in rows(img) {
        for bit in 0..3 * w {
            let on = r[bit / 8] & (0x80 >> (bit % 8)) != 0;
            out.push(if on { 255 } else { 0 });
        }
    }
    out
}
