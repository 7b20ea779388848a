//! Draws laid-out pages with krilla: serif text, ruled lines, the QR code and
//! the draft watermark.

use krilla::color::luma;
use krilla::geom::{PathBuilder, Point, Rect, Transform};
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::surface::Surface;
use krilla::text::{Font, GlyphId, KrillaGlyph};
use krilla::{Data, Document, SerializeSettings};

use super::ReportError;
use super::flow::Item;
use super::text::{Weight, shape, width_mm};
use crate::ballot::qr::QrMatrix;

const PT_PER_MM: f32 = 72.0 / 25.4;
/// A4 in millimetres.
pub const A4_MM: (f32, f32) = (210.0, 297.0);

fn fill(gray: u8) -> Fill {
    Fill {
        paint: luma::Color::new(gray).into(),
        ..Fill::default()
    }
}

/// Renders pages of items to a PDF; `watermark` is drawn diagonally under each page.
pub fn render_pages(pages: &[Vec<Item>], watermark: Option<&str>) -> Result<Vec<u8>, ReportError> {
    let regular = Font::new(Data::from(Weight::Regular.data()), 0).ok_or(ReportError::Font)?;
    let bold = Font::new(Data::from(Weight::Bold.data()), 0).ok_or(ReportError::Font)?;
    let font = |w: Weight| match w {
        Weight::Regular => regular.clone(),
        Weight::Bold => bold.clone(),
    };
    let mut doc = Document::new_with(SerializeSettings {
        xmp_metadata: false,
        ..SerializeSettings::default()
    });
    let settings = PageSettings::from_wh(A4_MM.0 * PT_PER_MM, A4_MM.1 * PT_PER_MM)
        .ok_or_else(|| ReportError::Pdf("invalid page size".into()))?;
    for items in pages {
        let mut page = doc.start_page_with(settings.clone());
        let mut s = page.surface();
        s.push_transform(&Transform::from_scale(PT_PER_MM, PT_PER_MM));
        if let Some(mark) = watermark {
            let size = 15.0;
            let w = width_mm(Weight::Bold, mark, size);
            let (cx, cy) = (A4_MM.0 / 2.0, A4_MM.1 / 2.0);
            s.push_transform(&Transform::from_rotate_at(-54.0, cx, cy));
            // Drawn as outlines, not text: the mark must not mix into the extracted text.
            draw_glyph_run(
                &mut s,
                &font,
                Weight::Bold,
                mark,
                (cx - w / 2.0, cy + size * 0.35),
                size,
                215,
                true,
            );
            s.pop();
        }
        for item in items {
            match item {
                Item::Text {
                    x,
                    y,
                    size,
                    weight,
                    text,
                    gray,
                } => draw_glyph_run(&mut s, &font, *weight, text, (*x, *y), *size, *gray, false),
                Item::Rect { x, y, w, h } => {
                    let mut pb = PathBuilder::new();
                    if let Some(r) = Rect::from_xywh(*x, *y, *w, *h) {
                        pb.push_rect(r);
                    }
                    if let Some(path) = pb.finish() {
                        s.set_fill(Some(fill(0)));
                        s.draw_path(&path);
                    }
                }
                Item::Qr { x, y, size, text } => {
                    let code = QrMatrix::encode(text)
                        .map_err(|e| ReportError::Pdf(format!("QR code: {e}")))?;
                    // The quiet zone is part of the square, so the code reads from a page scan.
                    let module = size / (code.width() + 8) as f32;
                    let mut pb = PathBuilder::new();
                    for (row, col, len) in code.dark_runs() {
                        if let Some(r) = Rect::from_xywh(
                            x + (col + 4) as f32 * module,
                            y + (row + 4) as f32 * module,
                            len as f32 * module,
                            module,
                        ) {
                            pb.push_rect(r);
                        }
                    }
                    if let Some(path) = pb.finish() {
                        s.set_fill(Some(fill(0)));
                        s.draw_path(&path);
                    }
                }
            }
        }
        s.pop();
        s.finish();
        page.finish();
    }
    doc.finish().map_err(|e| ReportError::Pdf(format!("{e:?}")))
}

#[allow(clippy::too_many_arguments)]
fn draw_glyph_run(
    s: &mut Surface<'_>,
    font: &dyn Fn(Weight) -> Font,
    weight: Weight,
    text: &str,
    (x, y): (f32, f32),
    size: f32,
    gray: u8,
    outlined: bool,
) {
    let glyphs: Vec<KrillaGlyph> = shape(weight, text)
        .into_iter()
        .map(|g| {
            KrillaGlyph::new(
                GlyphId::new(u32::from(g.id)),
                g.advance_em,
                0.0,
                0.0,
                0.0,
                g.range,
                None,
            )
        })
        .collect();
    s.set_fill(Some(fill(gray)));
    s.draw_glyphs(
        Point::from_xy(x, y),
        &glyphs,
        font(weight),
        text,
        size,
        outlined,
    );
}
