//! Scan files as scanner software writes them: PNG (grey, colour, 1-bit), JPEG with right or wrong
//! density headers, TIFF Group 4 with either photometric interpretation, PBM/PGM.

use crate::scanner::{Pixels, Scan};
use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A file format choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// PNG with a pHYs chunk giving the true resolution.
    Png,
    /// PNG without a resolution.
    PngNoDpi,
    /// JPEG with the true density in JFIF.
    Jpeg,
    /// JPEG whose JFIF says 72 dpi.
    Jpeg72,
    /// JPEG whose JFIF says 96 dpi.
    Jpeg96,
    /// TIFF, CCITT Group 4, PhotometricInterpretation WhiteIsZero.
    TiffG4WhiteIsZero,
    /// TIFF, CCITT Group 4, PhotometricInterpretation BlackIsZero.
    TiffG4BlackIsZero,
    /// PBM (1-bit) or PGM (grey), which carry no resolution.
    Pnm,
}

impl Format {
    /// File extension.
    pub fn ext(self) -> &'static str {
        match self {
            Format::Png | Format::PngNoDpi => "png",
            Format::Jpeg | Format::Jpeg72 | Format::Jpeg96 => "jpg",
            Format::TiffG4WhiteIsZero | Format::TiffG4BlackIsZero => "tif",
            Format::Pnm => "pnm",
        }
    }
}

/// Writes `scan` to `path` (extension chosen by the caller) in `fmt`, with JPEG `quality`.
pub fn write(scan: &Scan, fmt: Format, quality: u8, path: &Path) -> Result<()> {
    let bytes = match fmt {
        Format::Png => png_bytes(scan, true)?,
        Format::PngNoDpi => png_bytes(scan, false)?,
        Format::Jpeg => jpeg_bytes(scan, quality, scan.dpi as u16)?,
        Format::Jpeg72 => jpeg_bytes(scan, quality, 72)?,
        Format::Jpeg96 => jpeg_bytes(scan, quality, 96)?,
        Format::Pnm => pnm_bytes(scan),
        Format::TiffG4WhiteIsZero | Format::TiffG4BlackIsZero => {
            let raw = tiff_1bit(scan, fmt == Format::TiffG4WhiteIsZero)?;
            let tmp = path.with_extension("raw.tif");
            std::fs::write(&tmp, raw).with_context(|| format!("writing {}", tmp.display()))?;
            g4(std::slice::from_ref(&tmp), path)?;
            std::fs::remove_file(&tmp).ok();
            return Ok(());
        }
    };
    std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
}

/// Compresses uncompressed TIFF pages into one (multi-page) Group 4 TIFF with libtiff's `tiffcp`.
pub fn g4(inputs: &[PathBuf], out: &Path) -> Result<()> {
    let st = Command::new("tiffcp")
        .arg("-c")
        .arg("g4")
        .args(inputs)
        .arg(out)
        .status()
        .context("running tiffcp (libtiff-tools)")?;
    if !st.success() {
        bail!("tiffcp failed on {}", out.display());
    }
    Ok(())
}

fn pack_bits(bw: &[u8], w: usize, h: usize, one_is_black: bool) -> Vec<u8> {
    let stride = w.div_ceil(8);
    let mut out = vec![0u8; stride * h];
    for y in 0..h {
        for x in 0..w {
            let black = bw[y * w + x] < 128;
            if black == one_is_black {
                out[y * stride + x / 8] |= 0x80 >> (x % 8);
            }
        }
    }
    out
}

/// PNG bytes; 1-bit scans become 1-bit grey PNGs.
pub fn png_bytes(scan: &Scan, dpi: bool) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut buf, scan.w as u32, scan.h as u32);
        let data = match &scan.px {
            Pixels::Grey(g) => {
                enc.set_color(png::ColorType::Grayscale);
                g.clone()
            }
            Pixels::Rgb(c) => {
                enc.set_color(png::ColorType::Rgb);
                c.clone()
            }
            Pixels::Bw(b) => {
                enc.set_color(png::ColorType::Grayscale);
                enc.set_depth(png::BitDepth::One);
                pack_bits(b, scan.w, scan.h, false)
            }
        };
        if dpi {
            let ppm = (f64::from(scan.dpi) / 0.0254).round() as u32;
            enc.set_pixel_dims(Some(png::PixelDimensions {
                xppu: ppm,
                yppu: ppm,
                unit: png::Unit::Meter,
            }));
        }
        let mut w = enc.write_header()?;
        w.write_image_data(&data)?;
    }
    Ok(buf)
}

/// JPEG bytes with `density` dpi in the JFIF header (1-bit scans are written as grey).
pub fn jpeg_bytes(scan: &Scan, quality: u8, density: u16) -> Result<Vec<u8>> {
    use image::ImageEncoder;
    use image::codecs::jpeg::{JpegEncoder, PixelDensity};
    let mut buf = Vec::new();
    let mut enc = JpegEncoder::new_with_quality(&mut buf, quality);
    enc.set_pixel_density(PixelDensity::dpi(density));
    let (data, ty) = match &scan.px {
        Pixels::Grey(g) | Pixels::Bw(g) => (g, image::ExtendedColorType::L8),
        Pixels::Rgb(c) => (c, image::ExtendedColorType::Rgb8),
    };
    enc.write_image(data, scan.w as u32, scan.h as u32, ty)?;
    Ok(buf)
}

/// PBM (P4) for 1-bit, PGM (P5) for grey, PPM (P6) for colour.
pub fn pnm_bytes(scan: &Scan) -> Vec<u8> {
    let mut out = Vec::new();
    match &scan.px {
        Pixels::Bw(b) => {
            let _ = write!(out, "P4\n{} {}\n", scan.w, scan.h);
            out.extend(pack_bits(b, scan.w, scan.h, true));
        }
        Pixels::Grey(g) => {
            let _ = write!(out, "P5\n{} {}\n255\n", scan.w, scan.h);
            out.extend_from_slice(g);
        }
        Pixels::Rgb(c) => {
            let _ = write!(out, "P6\n{} {}\n255\n", scan.w, scan.h);
            out.extend_from_slice(c);
        }
    }
    out
}

/// A baseline uncompressed 1-bit TIFF (little-endian, one strip) with the resolution tags.
pub fn tiff_1bit(scan: &Scan, white_is_zero: bool) -> Result<Vec<u8>> {
    let Pixels::Bw(b) = &scan.px else {
        bail!("a 1-bit TIFF needs a 1-bit scan")
    };
    let data = pack_bits(b, scan.w, scan.h, white_is_zero);
    let entries: [(u16, u16, u32); 12] = [
        (256, 4, scan.w as u32),
        (257, 4, scan.h as u32),
        (258, 3, 1),
        (259, 3, 1),
        (262, 3, if white_is_zero { 0 } else { 1 }),
        (273, 4, 0), // strip offset, patched below
        (277, 3, 1),
        (278, 4, scan.h as u32),
        (279, 4, data.len() as u32),
        (282, 5, 0), // XResolution, rational at offset patched below
        (283, 5, 0),
        (296, 3, 2),
    ];
    let ifd_len = 2 + entries.len() * 12 + 4;
    let rational_at = 8 + ifd_len;
    let data_at = rational_at + 8;
    let mut out = Vec::with_capacity(data_at + data.len());
    out.extend_from_slice(b"II*\0");
    out.extend_from_slice(&8u32.to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    for (tag, ty, val) in entries {
        let val = match tag {
            273 => data_at as u32,
            282 | 283 => rational_at as u32,
            _ => val,
        };
        out.extend_from_slice(&tag.to_le_bytes());
        out.extend_from_slice(&ty.to_le_bytes());
        out.extend_from_slice(&1u32.to_le_bytes());
        if ty == 3 {
            out.extend_from_slice(&(val as u16).to_le_bytes());
            out.extend_from_slice(&[0, 0]);
        } else {
            out.extend_from_slice(&val.to_le_bytes());
        }
    }
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&scan.dpi.to_le_bytes());
    out.extend_from_slice(&1u32.to_le_bytes());
    out.extend(data);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bw_scan() -> Scan {
        let (w, h) = (13, 5);
        let px = (0..w * h)
            .map(|i| if i % 3 == 0 { 0 } else { 255 })
            .collect();
        Scan {
            w,
            h,
            dpi: 300,
            px: Pixels::Bw(px),
        }
    }

    fn grey_scan() -> Scan {
        let (w, h) = (16, 16);
        let px = (0..w * h).map(|i| (i % 256) as u8).collect();
        Scan {
            w,
            h,
            dpi: 200,
            px: Pixels::Grey(px),
        }
    }

    #[test]
    fn one_bit_png_round_trips_with_its_resolution() -> Result<()> {
        let s = bw_scan();
        let bytes = png_bytes(&s, true)?;
        let dec = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = dec.read_info()?;
        let dims = reader.info().pixel_dims.map(|d| d.xppu);
        assert_eq!(dims, Some(11811));
        let mut buf = vec![0; reader.output_buffer_size().unwrap_or(0)];
        reader.next_frame(&mut buf)?;
        let img = image::load_from_memory(&png_bytes(&s, false)?)?.to_luma8();
        let Pixels::Bw(b) = &s.px else { unreachable!() };
        assert_eq!(img.as_raw(), b);
        Ok(())
    }

    #[test]
    fn jpeg_carries_the_density_it_is_told() -> Result<()> {
        let s = grey_scan();
        let bytes = jpeg_bytes(&s, 90, 72)?;
        // JFIF APP0: units at offset 13, Xdensity at 14..16.
        let at = bytes
            .windows(5)
            .position(|w| w == b"JFIF\0")
            .map_or(0, |p| p + 5);
        assert_eq!(bytes[at + 2], 1);
        assert_eq!(u16::from_be_bytes([bytes[at + 3], bytes[at + 4]]), 72);
        let img = image::load_from_memory(&bytes)?.to_luma8();
        assert_eq!((img.width(), img.height()), (16, 16));
        Ok(())
    }

    #[test]
    fn tiff_photometric_and_pnm_round_trip() -> Result<()> {
        let s = bw_scan();
        let Pixels::Bw(b) = &s.px else { unreachable!() };
        for wiz in [false, true] {
            let img = image::load_from_memory(&tiff_1bit(&s, wiz)?)?.to_luma8();
            let got: Vec<bool> = img.as_raw().iter().map(|&v| v < 128).collect();
            let want: Vec<bool> = b.iter().map(|&v| v < 128).collect();
            assert_eq!(got, want, "white_is_zero={wiz}");
        }
        // Whether `image` reads PNM depends on the workspace's features: check the header.
        assert!(pnm_bytes(&grey_scan()).starts_with(b"P5\n"));
        assert!(pnm_bytes(&s).starts_with(b"P4\n13 5\n"));
        Ok(())
    }
}
