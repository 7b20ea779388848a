//! Placing the lines on the roll: type sizes, wrapping, alignment.

use image::{GrayImage, Luma};

use super::content::{Align, TapeContent, TapeLine};
use super::raster::{Canvas, shape_lossy};
use crate::ballot::fonts::FontStyle;
use crate::print::escpos::TapeWidth;

/// Type size of body text in dots (≈ 2.8 mm at 203 dpi).
pub(super) const BODY_PX: f32 = 22.0;
/// Type size of the title.
const LARGE_PX: f32 = 30.0;
/// Side margin in dots.
const MARGIN: u32 = 6;
/// Room left for a handwritten signature, in dots (≈ 8 mm).
const SIGN_ROOM: u32 = 64;

/// A rendered tape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TapeImage {
    /// The dots: 0 black, 255 white, width = the roll's dots.
    pub image: GrayImage,
    /// Lines of text drawn (after wrapping).
    pub text_lines: u32,
}

pub(super) fn width_px(style: FontStyle, s: &str, px: f32) -> f32 {
    shape_lossy(style, s).advance_em as f32 * px
}

/// Splits text into lines no wider than `max` dots (a word wider than a line is split by characters).
pub(super) fn wrap(style: FontStyle, s: &str, px: f32, max: f32) -> Vec<String> {
    if s.trim().is_empty() {
        return Vec::new();
    }
    let measured = kiemphieu_core::text::wrap(
        s,
        f64::from(max),
        kiemphieu_core::text::LongWords::Split,
        |line| Ok::<_, std::convert::Infallible>(f64::from(width_px(style, line, px))),
    );
    match measured {
        Ok(lines) => lines,
        Err(never) => match never {},
    }
}

/// Draws the tape across `width` (pure: same content, same dots).
pub fn render_tape(content: &TapeContent, width: TapeWidth) -> TapeImage {
    let w = width.dots();
    let mut cv = Canvas {
        w,
        cov: Vec::new(),
        y: 8,
        text_lines: 0,
    };
    let left = MARGIN as f32;
    let avail = (w - 2 * MARGIN) as f32;
    let style_of = |bold: bool| {
        if bold {
            FontStyle::Bold
        } else {
            FontStyle::Regular
        }
    };
    for line in &content.lines {
        match line {
            TapeLine::Text {
                text,
                bold,
                large,
                align,
            } => {
                let px = if *large { LARGE_PX } else { BODY_PX };
                let style = style_of(*bold);
                for part in wrap(style, text, px, avail) {
                    let x = match align {
                        Align::Left => left,
                        Align::Center => {
                            left + ((avail - width_px(style, &part, px)) / 2.0).floor()
                        }
                    };
                    cv.text_line(&part, style, px, x);
                }
            }
            TapeLine::Pair { label, value, bold } => {
                let style = style_of(*bold);
                let vw = width_px(style, value, BODY_PX);
                let gap = BODY_PX * 0.6;
                let mut parts = wrap(style, label, BODY_PX, avail - vw - gap);
                if parts.is_empty() {
                    parts.push(String::new());
                }
                let last = parts.len() - 1;
                for (i, part) in parts.iter().enumerate() {
                    if i == last {
                        // Value on the label's last line, right-aligned.
                        let row = cv.y;
                        cv.text_line(part, style, BODY_PX, left);
                        let saved = cv.y;
                        cv.y = row;
                        cv.text_line(value, style, BODY_PX, left + avail - vw);
                        cv.text_lines -= 1;
                        cv.y = saved;
                    } else {
                        cv.text_line(part, style, BODY_PX, left);
                    }
                }
            }
            TapeLine::Rule => {
                cv.y += 6;
                cv.hline(MARGIN, w - MARGIN, cv.y, false);
                cv.hline(MARGIN, w - MARGIN, cv.y + 1, false);
                cv.y += 8;
            }
            TapeLine::Signature { role, name } => {
                cv.y += 10;
                for part in wrap(FontStyle::Bold, role, BODY_PX, avail) {
                    let x =
                        left + ((avail - width_px(FontStyle::Bold, &part, BODY_PX)) / 2.0).floor();
                    cv.text_line(&part, FontStyle::Bold, BODY_PX, x);
                }
                cv.y += SIGN_ROOM;
                let inset = w / 6;
                cv.hline(inset, w - inset, cv.y, true);
                cv.y += 4;
                for part in wrap(FontStyle::Regular, name, BODY_PX, avail) {
                    let x = left
                        + ((avail - width_px(FontStyle::Regular, &part, BODY_PX)) / 2.0).floor();
                    cv.text_line(&part, FontStyle::Regular, BODY_PX, x);
                }
            }
        }
    }
    let h = cv.y + 16;
    cv.ensure(h);
    let image = GrayImage::from_fn(w, h, |x, y| {
        let c = cv.cov[(y * w + x) as usize];
        Luma([if c >= 0.5 { 0 } else { 255 }])
    });
    TapeImage {
        image,
        text_lines: cv.text_lines,
    }
}
