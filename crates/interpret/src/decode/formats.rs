//! Every pixel convention scanners write, each decoded to the same picture:
//! 1-bit TIFF uncompressed, PackBits, Modified Huffman, Group 3 1-D and 2-D,
//! Group 4, LZW; WhiteIsZero and BlackIsZero; both fill orders; palettes;
//! 2-, 4-, 8- and 16-bit grey; 1-bit PNG, PBM (binary and ASCII) and PAM.
//! Compressed variants are made by libtiff's `tiffcp` (libtiff-tools), an
//! encoder independent of the decoder under test.

// Test pictures are tens of pixels: their sizes and samples fit every type.
#![allow(clippy::as_conversions, clippy::cast_possible_truncation)]

use std::fmt::Write as _;
use std::io::Cursor;
use std::process::Command;

use image::{DynamicImage, GrayImage, ImageFormat, Luma};

use super::*;

const W: u32 = 61;
const H: u32 = 23;

/// The test picture: true where black. Runs of every length, a border, a diagonal.
fn black(x: u32, y: u32) -> bool {
    y == 0 || x == W - 1 || (x + 2 * y) % 13 < 3 || (y == 11 && x > 7) || x * 3 == y * 8
}

/// Grey level of the test picture for a given bit depth (black 0, white max, a grey in between).
fn level(x: u32, y: u32, max: u32) -> u32 {
    if black(x, y) {
        0
    } else if (x + y) % 7 == 0 {
        max / 2
    } else {
        max
    }
}

/// An uncompressed little-endian TIFF: one strip per 7 rows, `samples` already packed per row.
fn tiff_file(bits: u16, photometric: u16, rows: &[Vec<u8>], color_map: Option<&[u16]>) -> Vec<u8> {
    let strip_rows = 7usize;
    let strips: Vec<Vec<u8>> = rows.chunks(strip_rows).map(<[Vec<u8>]>::concat).collect();
    let mut entries: Vec<(u16, u16, Vec<u32>)> = vec![
        (256, 4, vec![W]),
        (257, 4, vec![H]),
        (258, 3, vec![u32::from(bits)]),
        (259, 3, vec![1]),
        (262, 3, vec![u32::from(photometric)]),
        (273, 4, vec![0; strips.len()]),
        (277, 3, vec![1]),
        (278, 4, vec![strip_rows as u32]),
        (279, 4, strips.iter().map(|s| s.len() as u32).collect()),
        (282, 5, vec![0]),
        (296, 3, vec![2]),
    ];
    if let Some(map) = color_map {
        entries.push((320, 3, map.iter().map(|&v| u32::from(v)).collect()));
    }
    entries.sort_by_key(|e| e.0);
    let ifd_len = 2 + entries.len() * 12 + 4;
    // Out-of-line data after the IFD: arrays, the rational, then the strips.
    let mut extra: Vec<u8> = Vec::new();
    let base = 8 + ifd_len;
    let mut fields = Vec::new();
    let size = |kind: u16| if kind == 3 { 2 } else { 4 };
    let data_start = {
        let mut n = 0;
        for (tag, kind, v) in &entries {
            if *tag == 282 {
                n += 8;
            } else if v.len() * size(*kind) > 4 {
                n += v.len() * size(*kind);
            }
        }
        base + n
    };
    let mut strip_at = data_start;
    let mut offsets = Vec::new();
    for s in &strips {
        offsets.push(strip_at as u32);
        strip_at += s.len();
    }
    for (tag, kind, v) in &mut entries {
        if *tag == 273 {
            *v = offsets.clone();
        }
        let mut field = [0u8; 4];
        if *tag == 282 {
            field.copy_from_slice(&((base + extra.len()) as u32).to_le_bytes());
            extra.extend_from_slice(&300u32.to_le_bytes());
            extra.extend_from_slice(&1u32.to_le_bytes());
            fields.push((*tag, 5u16, 1u32, field));
            continue;
        }
        let bytes: Vec<u8> = v
            .iter()
            .flat_map(|&x| {
                if *kind == 3 {
                    (x as u16).to_le_bytes().to_vec()
                } else {
                    x.to_le_bytes().to_vec()
                }
            })
            .collect();
        if bytes.len() <= 4 {
            field[..bytes.len()].copy_from_slice(&bytes);
        } else {
            field.copy_from_slice(&((base + extra.len()) as u32).to_le_bytes());
            extra.extend_from_slice(&bytes);
        }
        fields.push((*tag, *kind, v.len() as u32, field));
    }
    let mut out = b"II*\0".to_vec();
    out.extend_from_slice(&8u32.to_le_bytes());
    out.extend_from_slice(&(fields.len() as u16).to_le_bytes());
    for (tag, kind, count, field) in fields {
        out.extend_from_slice(&tag.to_le_bytes());
        out.extend_from_slice(&kind.to_le_bytes());
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&field);
    }
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend(extra);
    assert_eq!(out.len(), data_start);
    for s in strips {
        out.extend(s);
    }
    out
}

/// Rows of `bits`-bit samples, MSB first, each row starting on a byte.
fn packed_rows(bits: u32, sample: impl Fn(u32, u32) -> u32) -> Vec<Vec<u8>> {
    (0..H)
        .map(|y| {
            let mut row = vec![0u8; (W * bits).div_ceil(8) as usize];
            for x in 0..W {
                let v = sample(x, y);
                for b in 0..bits {
                    if (v >> (bits - 1 - b)) & 1 == 1 {
                        let bit = x * bits + b;
                        row[(bit / 8) as usize] |= 0x80 >> (bit % 8);
                    }
                }
            }
            row
        })
        .collect()
}

/// A 1-bit TIFF in a photometric convention.
fn bilevel_tiff(white_is_zero: bool) -> Vec<u8> {
    let rows = packed_rows(1, |x, y| u32::from(black(x, y) == white_is_zero));
    tiff_file(1, u16::from(!white_is_zero), &rows, None)
}

/// Runs tiffcp over a file with its options.
fn tiffcp(input: &[u8], args: &[&str]) -> Vec<u8> {
    // A folder of its own, removed when done (nothing is left in /tmp).
    let dir = tempfile::tempdir().unwrap();
    let (src, dst) = (dir.path().join("in.tif"), dir.path().join("out.tif"));
    std::fs::write(&src, input).unwrap();
    let status = Command::new("tiffcp")
        .args(args)
        .arg(&src)
        .arg(&dst)
        .status()
        .unwrap_or_else(|e| panic!("tiffcp (install libtiff-tools): {e}"));
    assert!(status.success(), "tiffcp {args:?}");
    std::fs::read(&dst).unwrap()
}

/// Decodes and checks every pixel of the page against the picture.
fn assert_picture(bytes: &[u8], what: &str, expect: impl Fn(u32, u32) -> u8) {
    let pages = decode_pages(bytes, DEFAULT_PIXEL_BUDGET).unwrap_or_else(|e| panic!("{what}: {e}"));
    assert_eq!(pages.len(), 1, "{what}");
    let g = pages[0].image.to_luma8();
    assert_eq!(g.dimensions(), (W, H), "{what}");
    for y in 0..H {
        for x in 0..W {
            let (got, want) = (i32::from(g.get_pixel(x, y)[0]), i32::from(expect(x, y)));
            assert!(
                (got - want).abs() <= 2,
                "{what}: ({x}, {y}) is {got}, not {want}"
            );
        }
    }
}

fn bw(x: u32, y: u32) -> u8 {
    if black(x, y) { 0 } else { 255 }
}

#[test]
fn one_bit_tiff_in_every_coding_photometric_and_fill_order() {
    for white_is_zero in [true, false] {
        let raw = bilevel_tiff(white_is_zero);
        let name = if white_is_zero {
            "WhiteIsZero"
        } else {
            "BlackIsZero"
        };
        assert_picture(&raw, &format!("{name} uncompressed"), bw);
        assert_eq!(
            decode_pages(&raw, DEFAULT_PIXEL_BUDGET).unwrap()[0].dpi,
            Some(300.0)
        );
        for coding in [
            "none", "packbits", "g3", "g3:2d", "g3:fill", "g4", "lzw", "zip",
        ] {
            for fill in ["msb2lsb", "lsb2msb"] {
                let file = tiffcp(&raw, &["-c", coding, "-f", fill, "-r", "5"]);
                assert_picture(&file, &format!("{name} {coding} {fill}"), bw);
            }
        }
    }
}

#[test]
fn multi_page_group4_keeps_each_page_and_its_photometric() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let (a, b) = (dir.join("a.tif"), dir.join("b.tif"));
    std::fs::write(&a, bilevel_tiff(true)).unwrap();
    std::fs::write(&b, bilevel_tiff(false)).unwrap();
    let out = dir.join("ab.tif");
    let ok = Command::new("tiffcp")
        .args(["-c", "g4"])
        .args([&a, &b, &a])
        .arg(&out)
        .status()
        .unwrap_or_else(|e| panic!("tiffcp (install libtiff-tools): {e}"));
    assert!(ok.success());
    let pages = decode_pages(&std::fs::read(&out).unwrap(), DEFAULT_PIXEL_BUDGET).unwrap();
    assert_eq!(pages.len(), 3);
    for p in &pages {
        let g = p.image.to_luma8();
        assert_eq!(g.get_pixel(3, 0)[0], 0, "top row is black on every page");
        assert_eq!(g.get_pixel(1, 5)[0], 255);
    }
}

#[test]
fn grey_tiff_of_every_depth_and_photometric() {
    for bits in [2u32, 4, 8, 16] {
        let max = (1u32 << bits) - 1;
        for white_is_zero in [false, true] {
            let rows = packed_rows(bits, |x, y| {
                let v = level(x, y, max);
                if white_is_zero { max - v } else { v }
            });
            let rows: Vec<Vec<u8>> = if bits == 16 {
                // Little-endian file: swap each sample's bytes.
                rows.into_iter()
                    .map(|r| r.chunks(2).flat_map(|c| [c[1], c[0]]).collect())
                    .collect()
            } else {
                rows
            };
            let raw = tiff_file(bits as u16, u16::from(!white_is_zero), &rows, None);
            let expect = |x, y| (level(x, y, max) * 255 / max) as u8;
            let what = format!("{bits}-bit grey, white_is_zero {white_is_zero}");
            assert_picture(&raw, &what, expect);
            assert_picture(
                &tiffcp(&raw, &["-c", "lzw"]),
                &format!("{what}, LZW"),
                expect,
            );
        }
    }
}

#[test]
fn palette_tiff_1_4_and_8_bit() {
    for bits in [1u32, 4, 8] {
        let n = 1usize << bits;
        // Index 0 white, 1 black, 2 a grey; the rest a colour.
        let mut map = vec![0u16; 3 * n];
        for i in 0..n {
            let (r, g, b) = match i {
                0 => (65535, 65535, 65535),
                1 => (0, 0, 0),
                2 => (32896, 32896, 32896),
                _ => (65535, 0, 0),
            };
            map[i] = r;
            map[n + i] = g;
            map[2 * n + i] = b;
        }
        let rows = packed_rows(bits, |x, y| match level(x, y, 2) {
            0 => 1,
            1 if bits > 1 => 2,
            _ => 0,
        });
        let raw = tiff_file(bits as u16, 3, &rows, Some(&map));
        let expect = |x, y| match level(x, y, 2) {
            0 => 0,
            1 if bits > 1 => 128,
            _ => 255,
        };
        assert_picture(&raw, &format!("{bits}-bit palette"), expect);
    }
}

#[test]
fn one_bit_png_pbm_and_pam_read_black_as_black() {
    let img = GrayImage::from_fn(W, H, |x, y| Luma([bw(x, y)]));
    // 1-bit PNG through the png crate (0 = black in PNG grey).
    let mut png_bytes = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut png_bytes, W, H);
        enc.set_color(png::ColorType::Grayscale);
        enc.set_depth(png::BitDepth::One);
        let mut w = enc.write_header().unwrap();
        let rows = packed_rows(1, |x, y| u32::from(!black(x, y)));
        w.write_image_data(&rows.concat()).unwrap();
    }
    assert_picture(&png_bytes, "1-bit PNG", bw);
    // Binary PBM: 1 = black.
    let mut pbm = format!("P4\n{W} {H}\n").into_bytes();
    pbm.extend(packed_rows(1, |x, y| u32::from(black(x, y))).concat());
    assert_picture(&pbm, "PBM P4", bw);
    // ASCII PBM.
    let mut ascii = format!("P1\n{W} {H}\n");
    for y in 0..H {
        for x in 0..W {
            ascii.push(if black(x, y) { '1' } else { '0' });
            ascii.push(' ');
        }
        ascii.push('\n');
    }
    assert_picture(ascii.as_bytes(), "PBM P1", bw);
    // PAM BLACKANDWHITE: 0 = black, 1 = white.
    let mut pam =
        format!("P7\nWIDTH {W}\nHEIGHT {H}\nDEPTH 1\nMAXVAL 1\nTUPLTYPE BLACKANDWHITE\nENDHDR\n")
            .into_bytes();
    pam.extend(img.as_raw().iter().map(|&v| u8::from(v > 0)));
    assert_picture(&pam, "PAM BLACKANDWHITE", bw);
    // And 8-bit grey PNG as the reference.
    let mut out = Vec::new();
    DynamicImage::ImageLuma8(img)
        .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
        .unwrap();
    assert_picture(&out, "grey PNG", bw);
}

#[test]
fn palette_png_and_16_bit_png_become_eight_bit() {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, W, H);
        enc.set_color(png::ColorType::Indexed);
        enc.set_depth(png::BitDepth::Two);
        enc.set_palette(vec![255, 255, 255, 0, 0, 0, 128, 128, 128, 200, 30, 30]);
        let mut w = enc.write_header().unwrap();
        w.write_image_data(&packed_rows(2, |x, y| u32::from(black(x, y))).concat())
            .unwrap();
    }
    assert_picture(&out, "2-bit palette PNG", bw);
}

#[test]
fn pgm_and_ppm_binary_and_ascii_8_and_16_bit_read_as_grey_levels() {
    let expect = |x, y| (level(x, y, 2) * 255 / 2) as u8;
    for maxval in [255u32, 1023, 65535] {
        let sample = |x, y| level(x, y, 2) * maxval / 2;
        // Binary PGM (P5): one or two bytes a sample, big-endian.
        let mut p5 = format!("P5\n# a scanner's comment\n{W} {H}\n{maxval}\n").into_bytes();
        let mut p6 = format!("P6\n{W} {H}\n{maxval}\n").into_bytes();
        let (mut p2, mut p3) = (
            format!("P2\n{W} {H}\n{maxval}\n"),
            format!("P3\n{W} {H}\n{maxval}\n"),
        );
        for y in 0..H {
            for x in 0..W {
                let v = sample(x, y);
                let bytes: Vec<u8> = if maxval > 255 {
                    (v as u16).to_be_bytes().to_vec()
                } else {
                    vec![v as u8]
                };
                p5.extend(&bytes);
                for _ in 0..3 {
                    p6.extend(&bytes);
                }
                write!(p2, "{v} ").unwrap();
                write!(p3, "{v} {v} {v} ").unwrap();
            }
            p2.push('\n');
            p3.push('\n');
        }
        assert_picture(&p5, &format!("P5 maxval {maxval}"), expect);
        assert_picture(&p6, &format!("P6 maxval {maxval}"), expect);
        assert_picture(p2.as_bytes(), &format!("P2 maxval {maxval}"), expect);
        assert_picture(p3.as_bytes(), &format!("P3 maxval {maxval}"), expect);
    }
}
