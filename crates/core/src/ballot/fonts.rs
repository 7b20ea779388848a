//! Bundled fonts and the single text measurement shared by layout, PDF and raster.
//!
//! Text is "shaped" naively: one glyph per character (from `cmap`), advanced by
//! its `hmtx` width, with kerning and ligatures off. Ballot text is NFC, and
//! Noto Sans has a precomposed glyph for every Vietnamese letter, so this is
//! exact for Vietnamese; more importantly the PDF writer, the rasteriser and
//! the ink boxes all use these very positions, so they cannot disagree.

use std::ops::Range;
use std::sync::{LazyLock, OnceLock};

use ab_glyph::{Font as _, FontRef, Outline, OutlineCurve};

/// NotoSans Regular, embedded so the ballot never depends on system fonts.
static REGULAR_TTF: &[u8] = include_bytes!("../../../../assets/fonts/NotoSans-Regular.ttf");
/// NotoSans Bold.
static BOLD_TTF: &[u8] = include_bytes!("../../../../assets/fonts/NotoSans-Bold.ttf");

/// Which bundled face a text run uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FontStyle {
    /// Noto Sans Regular.
    Regular,
    /// Noto Sans Bold.
    Bold,
}

impl FontStyle {
    /// The raw TrueType bytes of this face.
    pub fn data(self) -> &'static [u8] {
        match self {
            FontStyle::Regular => REGULAR_TTF,
            FontStyle::Bold => BOLD_TTF,
        }
    }

    fn loaded(self) -> &'static LoadedFont {
        match self {
            FontStyle::Regular => &FONTS[0],
            FontStyle::Bold => &FONTS[1],
        }
    }

    /// Height of lowercase letters (OS/2 sxHeight) in ems.
    pub fn x_height_em(self) -> f64 {
        self.loaded().x_height_em
    }

    /// Height of capital letters (OS/2 sCapHeight) in ems.
    pub fn cap_height_em(self) -> f64 {
        self.loaded().cap_height_em
    }

    /// Font design units per em.
    pub fn units_per_em(self) -> f64 {
        self.loaded().upem
    }

    /// The unscaled outline of a glyph, in font units with y pointing up.
    pub fn outline(self, glyph: u16) -> Option<Outline> {
        self.loaded().outlines.outline(ab_glyph::GlyphId(glyph))
    }
}

struct LoadedFont {
    face: ttf_parser::Face<'static>,
    outlines: FontRef<'static>,
    upem: f64,
    x_height_em: f64,
    cap_height_em: f64,
    /// Ink boxes computed on first use: layout measures the same glyphs often.
    ink: Vec<OnceLock<Option<EmBox>>>,
}

impl LoadedFont {
    #[allow(clippy::expect_used)] // the fonts are compiled in: a parse failure is a build defect
    fn load(data: &'static [u8]) -> Self {
        let face = ttf_parser::Face::parse(data, 0).expect("bundled font parses");
        let outlines = FontRef::try_from_slice(data).expect("bundled font parses");
        let upem = f64::from(face.units_per_em());
        let x_height_em = face.x_height().map_or(0.536, |v| f64::from(v) / upem);
        let cap_height_em = face.capital_height().map_or(0.714, |v| f64::from(v) / upem);
        let ink = (0..face.number_of_glyphs())
            .map(|_| OnceLock::new())
            .collect();
        LoadedFont {
            face,
            outlines,
            upem,
            x_height_em,
            cap_height_em,
            ink,
        }
    }
}

static FONTS: LazyLock<[LoadedFont; 2]> =
    LazyLock::new(|| [LoadedFont::load(REGULAR_TTF), LoadedFont::load(BOLD_TTF)]);

/// An axis-aligned box in ems, y pointing up from the baseline.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EmBox {
    /// Left edge.
    pub x_min: f64,
    /// Right edge.
    pub x_max: f64,
    /// Lowest point (negative below the baseline).
    pub y_min: f64,
    /// Highest point.
    pub y_max: f64,
}

impl EmBox {
    fn union(self, other: EmBox) -> EmBox {
        EmBox {
            x_min: self.x_min.min(other.x_min),
            x_max: self.x_max.max(other.x_max),
            y_min: self.y_min.min(other.y_min),
            y_max: self.y_max.max(other.y_max),
        }
    }

    fn shifted(self, dx: f64) -> EmBox {
        EmBox {
            x_min: self.x_min + dx,
            x_max: self.x_max + dx,
            ..self
        }
    }
}

/// One glyph of a measured text.
#[derive(Debug, Clone, PartialEq)]
pub struct ShapedGlyph {
    /// Glyph id in the face.
    pub id: u16,
    /// Pen position of the glyph origin, in ems from the text origin.
    pub x_em: f64,
    /// Advance width in ems.
    pub advance_em: f64,
    /// Byte range of the character in the text (for PDF text extraction).
    pub range: Range<usize>,
}

/// A measured single line of text.
#[derive(Debug, Clone, PartialEq)]
pub struct ShapedText {
    /// Glyphs in order.
    pub glyphs: Vec<ShapedGlyph>,
    /// Total advance in ems.
    pub advance_em: f64,
    /// Tight ink box in ems, `None` for blank text.
    pub ink_em: Option<EmBox>,
}

/// Measures `text` in `style`; `Err(c)` names the first character the font lacks.
pub fn shape(style: FontStyle, text: &str) -> Result<ShapedText, char> {
    let font = style.loaded();
    let mut glyphs = Vec::with_capacity(text.len());
    let mut pen = 0.0f64;
    let mut ink: Option<EmBox> = None;
    for (start, ch) in text.char_indices() {
        let gid = font.face.glyph_index(ch).ok_or(ch)?;
        let advance = f64::from(font.face.glyph_hor_advance(gid).unwrap_or(0)) / font.upem;
        if let Some(b) = glyph_ink_em(style, gid.0) {
            let b = b.shifted(pen);
            ink = Some(ink.map_or(b, |i| i.union(b)));
        }
        glyphs.push(ShapedGlyph {
            id: gid.0,
            x_em: pen,
            advance_em: advance,
            range: start..start + ch.len_utf8(),
        });
        pen += advance;
    }
    Ok(ShapedText {
        glyphs,
        advance_em: pen,
        ink_em: ink,
    })
}

/// Tight ink box of one glyph in ems (curve extrema, not control points).
pub fn glyph_ink_em(style: FontStyle, glyph: u16) -> Option<EmBox> {
    match style.loaded().ink.get(usize::from(glyph)) {
        Some(cell) => *cell.get_or_init(|| compute_ink_em(style, glyph)),
        None => None,
    }
}

fn compute_ink_em(style: FontStyle, glyph: u16) -> Option<EmBox> {
    let outline = style.outline(glyph)?;
    let upem = style.units_per_em();
    let mut acc = Acc::default();
    for curve in &outline.curves {
        match *curve {
            OutlineCurve::Line(p0, p1) => {
                acc.add(p0.x, p0.y);
                acc.add(p1.x, p1.y);
            }
            OutlineCurve::Quad(p0, p1, p2) => {
                acc.add(p0.x, p0.y);
                acc.add(p2.x, p2.y);
                for (a, b, c) in [(p0.x, p1.x, p2.x), (p0.y, p1.y, p2.y)] {
                    // The derivative of a quadratic Bézier vanishes once at most.
                    let den = a - 2.0 * b + c;
                    if den.abs() > f32::EPSILON {
                        let t = (a - b) / den;
                        if t > 0.0 && t < 1.0 {
                            let (x, y) = quad_at(p0, p1, p2, t);
                            acc.add(x, y);
                        }
                    }
                }
            }
            OutlineCurve::Cubic(p0, p1, p2, p3) => {
                acc.add(p0.x, p0.y);
                acc.add(p3.x, p3.y);
                for t in cubic_extrema(p0.x, p1.x, p2.x, p3.x)
                    .into_iter()
                    .chain(cubic_extrema(p0.y, p1.y, p2.y, p3.y))
                    .flatten()
                {
                    let (x, y) = cubic_at(p0, p1, p2, p3, t);
                    acc.add(x, y);
                }
            }
        }
    }
    acc.finish().map(|(x0, y0, x1, y1)| EmBox {
        x_min: f64::from(x0) / upem,
        x_max: f64::from(x1) / upem,
        y_min: f64::from(y0) / upem,
        y_max: f64::from(y1) / upem,
    })
}

#[derive(Default)]
struct Acc(Option<(f32, f32, f32, f32)>);

impl Acc {
    fn add(&mut self, x: f32, y: f32) {
        self.0 = Some(match self.0 {
            None => (x, y, x, y),
            Some((x0, y0, x1, y1)) => (x0.min(x), y0.min(y), x1.max(x), y1.max(y)),
        });
    }

    fn finish(self) -> Option<(f32, f32, f32, f32)> {
        self.0
    }
}

fn quad_at(p0: ab_glyph::Point, p1: ab_glyph::Point, p2: ab_glyph::Point, t: f32) -> (f32, f32) {
    let u = 1.0 - t;
    (
        u * u * p0.x + 2.0 * u * t * p1.x + t * t * p2.x,
        u * u * p0.y + 2.0 * u * t * p1.y + t * t * p2.y,
    )
}

fn cubic_at(
    p0: ab_glyph::Point,
    p1: ab_glyph::Point,
    p2: ab_glyph::Point,
    p3: ab_glyph::Point,
    t: f32,
) -> (f32, f32) {
    let u = 1.0 - t;
    let (a, b, c, d) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
    (
        a * p0.x + b * p1.x + c * p2.x + d * p3.x,
        a * p0.y + b * p1.y + c * p2.y + d * p3.y,
    )
}

/// Parameters in (0, 1) where a 1-D cubic Bézier has a zero derivative.
fn cubic_extrema(a: f32, b: f32, c: f32, d: f32) -> [Option<f32>; 2] {
    // B'(t)/3 = qa t² + qb t + qc
    let qa = -a + 3.0 * b - 3.0 * c + d;
    let qb = 2.0 * (a - 2.0 * b + c);
    let qc = b - a;
    let inside = |t: f32| (t > 0.0 && t < 1.0).then_some(t);
    if qa.abs() < f32::EPSILON {
        if qb.abs() < f32::EPSILON {
            return [None, None];
        }
        return [inside(-qc / qb), None];
    }
    let disc = qb * qb - 4.0 * qa * qc;
    if disc < 0.0 {
        return [None, None];
    }
    let s = disc.sqrt();
    [
        inside((-qb + s) / (2.0 * qa)),
        inside((-qb - s) / (2.0 * qa)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_vietnamese_letter_has_a_glyph() {
        let letters = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợ\
                       pqrstuùúủũụưừứửữựvxyỳýỷỹỵ";
        let upper: String = letters.to_uppercase();
        for style in [FontStyle::Regular, FontStyle::Bold] {
            for text in [letters, upper.as_str()] {
                assert!(
                    shape(style, text).is_ok(),
                    "{style:?} misses a glyph of {text}"
                );
            }
        }
    }

    #[test]
    fn stacked_diacritics_reach_above_the_cap_height() {
        let plain = shape(FontStyle::Regular, "E").unwrap().ink_em.unwrap();
        let stacked = shape(FontStyle::Regular, "Ễ").unwrap().ink_em.unwrap();
        assert!(stacked.y_max > plain.y_max + 0.2);
        assert!((plain.y_max - FontStyle::Regular.cap_height_em()).abs() < 0.02);
        let g = shape(FontStyle::Regular, "g").unwrap().ink_em.unwrap();
        assert!(g.y_min < -0.15);
    }

    #[test]
    fn positions_are_cumulative_advances() {
        let t = shape(FontStyle::Bold, "Văn An").unwrap();
        let mut pen = 0.0;
        for g in &t.glyphs {
            assert!((g.x_em - pen).abs() < 1e-12);
            pen += g.advance_em;
        }
        assert!((t.advance_em - pen).abs() < 1e-12);
        // "ă" (U+0103) takes two UTF-8 bytes.
        assert_eq!(t.glyphs[1].range, 1..3);
    }
}
