//! Vector PDF of ballots: one page per payload, drawn from a [`BallotLayout`].
//!
//! The static part of the ballot (text, frames, fiducials) is written once as
//! a form XObject and referenced by every page; only the QR code differs per
//! page. Glyphs are placed at the layout's positions with `draw_glyphs`, so
//! the PDF, the raster renderer and `name_mm` agree by construction.

use krilla::color::luma;
use krilla::geom::{PathBuilder, Point, Rect, Transform};
use krilla::graphic::Graphic;
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::surface::Surface;
use krilla::text::{Font, GlyphId, KrillaGlyph};
use krilla::{Data, Document, SerializeSettings};

use crate::ballot::fonts::FontStyle;
use crate::ballot::layout::{BallotLayout, DrawItem};
use crate::ballot::qr::{QrError, QrMatrix};
use crate::geometry::MmRect;

/// PostScript points per millimetre.
const PT_PER_MM: f32 = 72.0 / 25.4;

/// Why a ballot PDF could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// Nothing to print: a PDF needs at least one page.
    #[error("no ballot to render")]
    NoBallots,
    /// A payload cannot be drawn as a QR code.
    #[error(transparent)]
    Qr(#[from] QrError),
    /// The PDF writer rejected a bundled font.
    #[error("the PDF writer rejected the bundled font")]
    Font,
    /// The PDF writer failed.
    #[error("PDF writer: {0}")]
    Pdf(String),
}

/// Renders one ballot page per payload text (the QR content) as a PDF file.
pub fn render_ballots_pdf(
    layout: &BallotLayout,
    payload_texts: &[String],
) -> Result<Vec<u8>, RenderError> {
    if payload_texts.is_empty() {
        return Err(RenderError::NoBallots);
    }
    // Encode every code first so a bad payload fails before any work.
    let codes = payload_texts
        .iter()
        .map(|t| QrMatrix::encode(t))
        .collect::<Result<Vec<_>, _>>()?;

    let fonts = [FontStyle::Regular, FontStyle::Bold]
        .map(|s| Font::new(Data::from(s.data()), 0).ok_or(RenderError::Font));
    let [regular, bold] = fonts;
    let (regular, bold) = (regular?, bold?);
    let font_of = |style: FontStyle| match style {
        FontStyle::Regular => regular.clone(),
        FontStyle::Bold => bold.clone(),
    };

    let settings = SerializeSettings {
        // No XMP packet: it would only repeat the (empty) metadata.
        xmp_metadata: false,
        ..SerializeSettings::default()
    };
    let mut doc = Document::new_with(settings);
    let page_settings = PageSettings::from_wh(
        layout.width_mm as f32 * PT_PER_MM,
        layout.height_mm as f32 * PT_PER_MM,
    )
    .ok_or_else(|| RenderError::Pdf("invalid page size".into()))?;

    let mut statics: Option<Graphic> = None;
    for code in &codes {
        let mut page = doc.start_page_with(page_settings.clone());
        let mut surface = page.surface();
        // Draw in millimetres, y down, like the layout.
        surface.push_transform(&Transform::from_scale(PT_PER_MM, PT_PER_MM));
        let graphic = if let Some(g) = &statics {
            g.clone()
        } else {
            let mut builder = surface.stream_builder();
            let mut inner = builder.surface();
            draw_static(&mut inner, layout, &font_of);
            inner.finish();
            let g = Graphic::new(builder.finish(), false);
            statics = Some(g.clone());
            g
        };
        surface.draw_graphic(graphic);
        draw_qr(&mut surface, layout.qr.symbol_mm, code);
        surface.pop();
        surface.finish();
        page.finish();
    }
    doc.finish().map_err(|e| RenderError::Pdf(format!("{e:?}")))
}

fn gray_fill(gray: u8) -> Fill {
    Fill {
        paint: luma::Color::new(gray).into(),
        ..Fill::default()
    }
}

fn draw_static(
    surface: &mut Surface<'_>,
    layout: &BallotLayout,
    font_of: &dyn Fn(FontStyle) -> Font,
) {
    for item in &layout.items {
        match item {
            DrawItem::Text(run) => {
                let glyphs: Vec<KrillaGlyph> = run
                    .glyphs
                    .iter()
                    .map(|g| {
                        KrillaGlyph::new(
                            GlyphId::new(u32::from(g.id)),
                            g.advance_em as f32,
                            0.0,
                            0.0,
                            0.0,
                            g.range.clone(),
                            None,
                        )
                    })
                    .collect();
                surface.set_fill(Some(gray_fill(run.gray)));
                surface.draw_glyphs(
                    Point::from_xy(run.x_mm as f32, run.baseline_mm as f32),
                    &glyphs,
                    font_of(run.style),
                    &run.text,
                    run.size_mm as f32,
                    false,
                );
            }
            DrawItem::Rects(set) => fill_rects(surface, set.rects.iter().copied(), set.gray),
        }
    }
}

/// Fills disjoint rectangles as one path, so touching edges leave no seam.
fn fill_rects(surface: &mut Surface<'_>, rects: impl Iterator<Item = MmRect>, gray: u8) {
    let mut pb = PathBuilder::new();
    for r in rects {
        if let Some(rect) = Rect::from_xywh(r.x as f32, r.y as f32, r.w as f32, r.h as f32) {
            pb.push_rect(rect);
        }
    }
    if let Some(path) = pb.finish() {
        surface.set_fill(Some(gray_fill(gray)));
        surface.draw_path(&path);
    }
}

fn draw_qr(surface: &mut Surface<'_>, symbol: MmRect, code: &QrMatrix) {
    let module = symbol.w / f64::from(code.width());
    let rects = code.dark_runs().into_iter().map(|(row, col, len)| {
        MmRect::new(
            symbol.x + f64::from(col) * module,
            symbol.y + f64::from(row) * module,
            f64::from(len) * module,
            module,
        )
    });
    fill_rects(surface, rects, 0);
}
