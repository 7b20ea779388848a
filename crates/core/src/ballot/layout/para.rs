//! Paragraphs fitted to a width: wrapped, shrunk if need be, then stacked.

use super::{ItemRole, LayoutError, TextRun};
use crate::ballot::fonts::{self, FontStyle};
use crate::geometry::MmRect;

/// Text sizes shrink no further than this fraction of nominal.
const MIN_SHRINK: f64 = 0.7;

#[derive(Clone, Copy, PartialEq)]
pub(super) enum Wrap {
    /// One line, never broken (it must be extractable whole).
    None,
    /// Breaks after ", " when too wide; word wrap if that is not enough.
    Comma,
    /// Balanced word wrap.
    Words,
}

#[derive(Clone)]
pub(super) struct Para {
    pub(super) text: String,
    pub(super) style: FontStyle,
    pub(super) size: f64,
    pub(super) wrap: Wrap,
    pub(super) max_lines: usize,
    pub(super) gray: u8,
    pub(super) role: ItemRole,
}

/// A measured but not yet placed line.
pub(super) struct Line {
    pub(super) text: String,
    pub(super) style: FontStyle,
    pub(super) size: f64,
    pub(super) shaped: fonts::ShapedText,
    pub(super) gray: u8,
    pub(super) role: ItemRole,
}

impl Line {
    pub(super) fn new(
        text: &str,
        style: FontStyle,
        size: f64,
        gray: u8,
        role: ItemRole,
    ) -> Result<Line, LayoutError> {
        Ok(Line {
            text: text.to_string(),
            style,
            size,
            shaped: shape(style, text)?,
            gray,
            role,
        })
    }

    pub(super) fn ink_width(&self) -> f64 {
        self.shaped
            .ink_em
            .map_or(0.0, |b| (b.x_max - b.x_min) * self.size)
    }

    /// Extent above the baseline used for stacking lines: at least the cap height.
    pub(super) fn above(&self) -> f64 {
        let ink = self.shaped.ink_em.map_or(0.0, |b| b.y_max);
        ink.max(self.style.cap_height_em()) * self.size
    }

    /// Extent below the baseline.
    pub(super) fn below(&self) -> f64 {
        self.shaped.ink_em.map_or(0.0, |b| (-b.y_min).max(0.0)) * self.size
    }

    /// Places the line centred (by ink) on `cx` with the baseline at `baseline`.
    pub(super) fn place_centred(self, cx: f64, baseline: f64) -> TextRun {
        let ink = self.shaped.ink_em;
        let (x0, x1) = ink.map_or((0.0, 0.0), |b| (b.x_min, b.x_max));
        let x_mm = cx - f64::midpoint(x0, x1) * self.size;
        self.place(x_mm, baseline)
    }

    pub(super) fn place(self, x_mm: f64, baseline: f64) -> TextRun {
        let ink_mm = self
            .shaped
            .ink_em
            .map_or(MmRect::new(x_mm, baseline, 0.0, 0.0), |b| {
                MmRect::new(
                    x_mm + b.x_min * self.size,
                    baseline - b.y_max * self.size,
                    (b.x_max - b.x_min) * self.size,
                    (b.y_max - b.y_min) * self.size,
                )
            });
        TextRun {
            text: self.text,
            style: self.style,
            size_mm: self.size,
            x_mm,
            baseline_mm: baseline,
            glyphs: self.shaped.glyphs,
            ink_mm,
            gray: self.gray,
            role: self.role,
        }
    }
}

fn shape(style: FontStyle, text: &str) -> Result<fonts::ShapedText, LayoutError> {
    fonts::shape(style, text).map_err(|ch| LayoutError::MissingGlyph {
        text: text.to_string(),
        ch,
    })
}

/// Greedy word wrap of `p` at `size` into lines of ink no wider than `width`
/// (a single word wider than `width` stays alone on its line).
fn wrap_words(p: &Para, size: f64, width: f64) -> Result<Vec<String>, LayoutError> {
    crate::text::wrap(&p.text, width, crate::text::LongWords::Keep, |line| {
        Ok(Line::new(line, p.style, size, p.gray, p.role)?.ink_width())
    })
}

/// Word wrap with lines of similar length (no lone last word).
fn balanced_words(p: &Para, size: f64, width: f64) -> Result<Vec<String>, LayoutError> {
    let greedy = wrap_words(p, size, width)?;
    if greedy.len() < 2 || greedy.len() > p.max_lines {
        return Ok(greedy);
    }
    // The narrowest width that still needs no more lines.
    let (mut lo, mut hi) = (0.0, width);
    for _ in 0..14 {
        let mid = f64::midpoint(lo, hi);
        if wrap_words(p, size, mid)?.len() <= greedy.len() {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    wrap_words(p, size, hi)
}

/// Breaks `p` into lines no wider than `width` at the largest size that allows it.
pub(super) fn fit_para(p: &Para, width: f64) -> Result<Option<Vec<Line>>, LayoutError> {
    let steps = 30;
    for i in 0..=steps {
        let size = p.size * (1.0 - (1.0 - MIN_SHRINK) * f64::from(i) / f64::from(steps));
        let pieces: Vec<String> = match p.wrap {
            Wrap::None => vec![p.text.clone()],
            Wrap::Comma => {
                let fits = |t: &str| -> Result<bool, LayoutError> {
                    Ok(Line::new(t, p.style, size, p.gray, p.role)?.ink_width() <= width)
                };
                match p.text.split_once(", ") {
                    _ if fits(&p.text)? => vec![p.text.clone()],
                    Some((a, b)) if fits(&format!("{a},"))? && fits(b)? => {
                        vec![format!("{a},"), b.to_string()]
                    }
                    _ => balanced_words(p, size, width)?,
                }
            }
            Wrap::Words => balanced_words(p, size, width)?,
        };
        if pieces.len() > p.max_lines {
            continue;
        }
        let lines = pieces
            .iter()
            .map(|t| Line::new(t, p.style, size, p.gray, p.role))
            .collect::<Result<Vec<_>, _>>()?;
        if lines.iter().all(|l| l.ink_width() <= width) {
            return Ok(Some(lines));
        }
    }
    Ok(None)
}

/// Stacks paragraphs centred in the column `[x0, x1]` from `top`; returns the
/// runs and the lowest ink, or `None` when a paragraph cannot fit the width.
pub(super) fn stack(
    paras: &[Para],
    x0: f64,
    x1: f64,
    top: f64,
) -> Result<Option<(Vec<TextRun>, f64)>, LayoutError> {
    let mut runs = Vec::new();
    let mut cursor = top;
    let mut bottom = top;
    for (pi, p) in paras.iter().enumerate() {
        let Some(lines) = fit_para(p, x1 - x0)? else {
            return Ok(None);
        };
        if pi > 0 {
            // Paragraph spacing, on top of the line spacing below.
            cursor += 0.35 * p.size;
        }
        for line in lines {
            let baseline = cursor + line.above();
            let below = line.below();
            let size = line.size;
            let run = line.place_centred(f64::midpoint(x0, x1), baseline);
            bottom = bottom.max(run.ink_mm.bottom());
            runs.push(run);
            cursor = baseline + below.max(0.22 * size) + 0.35 * size;
        }
    }
    Ok(Some((runs, bottom)))
}
