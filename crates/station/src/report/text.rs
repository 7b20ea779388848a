//! The serif faces of the biên bản (Noto Serif, bundled) and text measurement.
//!
//! One glyph per character, advanced by `hmtx`, as for the ballot: Noto Serif
//! has a precomposed glyph for every Vietnamese letter, and the PDF places
//! exactly these positions.

use std::sync::LazyLock;

/// Noto Serif Regular, embedded so the sheet never depends on system fonts.
static SERIF_REGULAR: &[u8] = include_bytes!("../../../../assets/fonts/NotoSerif-Regular.ttf");
/// Noto Serif Bold.
static SERIF_BOLD: &[u8] = include_bytes!("../../../../assets/fonts/NotoSerif-Bold.ttf");

/// Regular or bold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Weight {
    /// Noto Serif Regular.
    Regular,
    /// Noto Serif Bold.
    Bold,
}

impl Weight {
    /// The TrueType bytes.
    pub fn data(self) -> &'static [u8] {
        match self {
            Weight::Regular => SERIF_REGULAR,
            Weight::Bold => SERIF_BOLD,
        }
    }

    fn face(self) -> &'static ttf_parser::Face<'static> {
        match self {
            Weight::Regular => &FACES[0],
            Weight::Bold => &FACES[1],
        }
    }
}

#[allow(clippy::expect_used)] // the fonts are compiled in: a failure is a build defect the tests catch
static FACES: LazyLock<[ttf_parser::Face<'static>; 2]> = LazyLock::new(|| {
    // Compiled in: a parse failure is a build defect, caught by the tests.
    [SERIF_REGULAR, SERIF_BOLD].map(|d| ttf_parser::Face::parse(d, 0).expect("bundled font"))
});

/// One placed glyph: id, advance in ems and the byte range of its character.
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    /// Glyph id (0 when the face lacks the character).
    pub id: u16,
    /// Advance in ems.
    pub advance_em: f32,
    /// Byte range in the text.
    pub range: std::ops::Range<usize>,
}

/// Shapes `text`: one glyph per character.
pub fn shape(weight: Weight, text: &str) -> Vec<Glyph> {
    let face = weight.face();
    let upem = f32::from(face.units_per_em());
    text.char_indices()
        .map(|(i, ch)| {
            let gid = face.glyph_index(ch).unwrap_or(ttf_parser::GlyphId(0));
            Glyph {
                id: gid.0,
                advance_em: f32::from(face.glyph_hor_advance(gid).unwrap_or(0)) / upem,
                range: i..i + ch.len_utf8(),
            }
        })
        .collect()
}

/// Width of `text` at `size_mm` (the em size), in millimetres.
pub fn width_mm(weight: Weight, text: &str, size_mm: f32) -> f32 {
    shape(weight, text)
        .iter()
        .map(|g| g.advance_em)
        .sum::<f32>()
        * size_mm
}

/// Splits `text` into lines no wider than `max_mm` (words are never split).
pub fn wrap(weight: Weight, text: &str, size_mm: f32, max_mm: f32) -> Vec<String> {
    let measured = kiemphieu_core::text::wrap(
        text,
        f64::from(max_mm),
        kiemphieu_core::text::LongWords::Keep,
        |line| Ok::<_, std::convert::Infallible>(f64::from(width_mm(weight, line, size_mm))),
    );
    match measured {
        Ok(lines) => lines,
        Err(never) => match never {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_has_glyphs_and_wraps() {
        let text = "BIÊN BẢN KIỂM PHIẾU — Độc lập – Tự do – Hạnh phúc ỹ Ỹ đ Đ ư ơ";
        for w in [Weight::Regular, Weight::Bold] {
            assert!(shape(w, text).iter().all(|g| g.id != 0));
        }
        let lines = wrap(Weight::Regular, "một hai ba bốn năm sáu bảy tám", 3.5, 25.0);
        assert!(lines.len() > 1);
        for l in &lines {
            assert!(width_mm(Weight::Regular, l, 3.5) <= 25.0);
        }
        assert_eq!(lines.join(" "), "một hai ba bốn năm sáu bảy tám");
    }
}
