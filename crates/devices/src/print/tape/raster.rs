//! The dots: a canvas that grows down the roll as text and rules are drawn.

use ab_glyph::{Glyph, GlyphId, OutlinedGlyph, PxScale, PxScaleFactor, point};

use crate::ballot::fonts::{self, FontStyle};

/// Shapes text, drawing any character the bundled font lacks as '?'.
pub(super) fn shape_lossy(style: FontStyle, s: &str) -> fonts::ShapedText {
    let mut s = s.to_string();
    loop {
        match fonts::shape(style, &s) {
            Ok(t) => return t,
            Err(c) => s = s.replace(c, "?"),
        }
    }
}

/// Grows downwards as lines are drawn; coverage 0..1 per dot.
pub(super) struct Canvas {
    pub(super) w: u32,
    pub(super) cov: Vec<f32>,
    pub(super) y: u32,
    pub(super) text_lines: u32,
}

impl Canvas {
    pub(super) fn ensure(&mut self, rows: u32) {
        let need = (rows * self.w) as usize;
        if self.cov.len() < need {
            self.cov.resize(need, 0.0);
        }
    }

    pub(super) fn add(&mut self, x: i64, y: i64, c: f32) {
        if x < 0 || y < 0 || x >= i64::from(self.w) {
            return;
        }
        self.ensure(y as u32 + 1);
        let i = y as usize * self.w as usize + x as usize;
        self.cov[i] = (self.cov[i] + c).min(1.0);
    }

    pub(super) fn hline(&mut self, x0: u32, x1: u32, y: u32, dotted: bool) {
        for x in x0..x1 {
            if !dotted || (x / 3) % 2 == 0 {
                self.add(i64::from(x), i64::from(y), 1.0);
            }
        }
    }

    /// Draws one line of text at the current row and moves down a line.
    pub(super) fn text_line(&mut self, s: &str, style: FontStyle, px: f32, x: f32) {
        let shaped = shape_lossy(style, s);
        let upem = style.units_per_em() as f32;
        let factor = PxScaleFactor {
            horizontal: px / upem,
            vertical: px / upem,
        };
        let line_h = (px * 1.3).ceil() as u32;
        let baseline = self.y as f32 + px * 1.0;
        self.ensure(self.y + line_h);
        for g in &shaped.glyphs {
            let Some(outline) = style.outline(g.id) else {
                continue;
            };
            let glyph = Glyph {
                id: GlyphId(g.id),
                scale: PxScale::from(px),
                position: point(x + g.x_em as f32 * px, baseline),
            };
            let outlined = OutlinedGlyph::new(glyph, outline, factor);
            let b = outlined.px_bounds();
            let (ox, oy) = (b.min.x as i64, b.min.y as i64);
            outlined.draw(|gx, gy, c| self.add(ox + i64::from(gx), oy + i64::from(gy), c));
        }
        self.y += line_h;
        self.text_lines += 1;
    }
}
