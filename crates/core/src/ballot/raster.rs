//! Grey raster of a ballot, drawn from the same [`BallotLayout`] as the PDF.
//!
//! Pixel `(i, j)` of a page image covers `[i, i+1) × [j, j+1)` in page pixels,
//! where one millimetre is `dpi / 25.4` pixels from the page's top-left, the
//! convention of pdftoppm. Glyphs are anti-aliased from the bundled outlines
//! (ab_glyph), rectangles by exact area coverage.
//!
//! Glyphs are drawn at their exact positions. Poppler snaps each glyph's origin
//! down to a whole pixel, so its text sits up to one pixel left of and above
//! ours (about half a pixel on average); rectangles and the QR agree exactly.

use ab_glyph::{Glyph, GlyphId, OutlinedGlyph, PxScale, PxScaleFactor, point};
use image::GrayImage;

use crate::ballot::fonts;
use crate::ballot::layout::{BallotLayout, DrawItem, TextRun};
use crate::ballot::qr::QrMatrix;
use crate::geometry::MmRect;

/// A rectangle of page pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PxRect {
    /// Left column.
    pub x: u32,
    /// Top row.
    pub y: u32,
    /// Width in pixels.
    pub w: u32,
    /// Height in pixels.
    pub h: u32,
}

/// Pixels per millimetre at `dpi`.
pub fn px_per_mm(dpi: f32) -> f64 {
    f64::from(dpi) / 25.4
}

/// Size of the whole page image at `dpi` (rounded up, like pdftoppm).
pub fn page_size_px(layout: &BallotLayout, dpi: f32) -> (u32, u32) {
    let s = px_per_mm(dpi);
    // The tolerance absorbs float noise on sizes that are whole pixels.
    let px = |mm: f64| (mm * s - 1e-4).ceil() as u32;
    (px(layout.width_mm), px(layout.height_mm))
}

/// The page pixels covering `region_mm` (grown outwards to whole pixels, clipped to the page).
pub fn region_px(layout: &BallotLayout, dpi: f32, region_mm: MmRect) -> PxRect {
    let s = px_per_mm(dpi);
    let (pw, ph) = page_size_px(layout, dpi);
    let clamp = |v: f64, max: u32| (v.max(0.0) as u32).min(max);
    let x0 = clamp((region_mm.x * s).floor(), pw);
    let y0 = clamp((region_mm.y * s).floor(), ph);
    let x1 = clamp((region_mm.right() * s).ceil(), pw);
    let y1 = clamp((region_mm.bottom() * s).ceil(), ph);
    PxRect {
        x: x0,
        y: y0,
        w: x1.saturating_sub(x0),
        h: y1.saturating_sub(y0),
    }
}

/// Renders the whole ballot page; `payload_text` is the QR content, `None`
/// for the blank template (no QR). A payload that cannot be encoded draws no QR.
pub fn render_ballot_gray(
    layout: &BallotLayout,
    payload_text: Option<&str>,
    dpi: f32,
) -> GrayImage {
    let (w, h) = page_size_px(layout, dpi);
    render_px(layout, payload_text, dpi, PxRect { x: 0, y: 0, w, h })
}

/// Renders only the page pixels [`region_px`] gives for `region_mm`: pixel
/// `(0, 0)` of the result is page pixel `(region.x, region.y)`.
pub fn render_region_gray(
    layout: &BallotLayout,
    payload_text: Option<&str>,
    dpi: f32,
    region_mm: MmRect,
) -> GrayImage {
    render_px(layout, payload_text, dpi, region_px(layout, dpi, region_mm))
}

fn render_px(
    layout: &BallotLayout,
    payload_text: Option<&str>,
    dpi: f32,
    region: PxRect,
) -> GrayImage {
    let mut canvas = Canvas {
        s: px_per_mm(dpi),
        x0: f64::from(region.x),
        y0: f64::from(region.y),
        w: region.w as usize,
        h: region.h as usize,
        v: vec![255.0; region.w as usize * region.h as usize],
        scratch: Vec::new(),
    };
    for item in &layout.items {
        if !canvas.touches(&item.bounds()) {
            continue;
        }
        match item {
            DrawItem::Text(run) => canvas.text(run),
            DrawItem::Rects(set) => canvas.rects(&set.rects, set.gray),
        }
    }
    let symbol = layout.qr.symbol_mm;
    // Regions away from the code (name bands) skip encoding it.
    let code = payload_text
        .filter(|_| canvas.touches(&symbol))
        .and_then(|t| QrMatrix::encode(t).ok());
    if let Some(code) = code {
        {
            let module = symbol.w / f64::from(code.width());
            let rects: Vec<MmRect> = code
                .dark_runs()
                .into_iter()
                .map(|(row, col, len)| {
                    MmRect::new(
                        symbol.x + f64::from(col) * module,
                        symbol.y + f64::from(row) * module,
                        f64::from(len) * module,
                        module,
                    )
                })
                .collect();
            canvas.rects(&rects, 0);
        }
    }
    let pixels = canvas
        .v
        .iter()
        .map(|v| v.round().clamp(0.0, 255.0) as u8)
        .collect();
    #[allow(clippy::expect_used)] // `pixels` has one value per pixel of `region`
    GrayImage::from_raw(region.w, region.h, pixels).expect("buffer matches the region")
}

struct Canvas {
    /// Pixels per millimetre.
    s: f64,
    /// Page pixel of the canvas's top-left.
    x0: f64,
    y0: f64,
    w: usize,
    h: usize,
    /// Grey values, 255 white.
    v: Vec<f32>,
    scratch: Vec<f32>,
}

impl Canvas {
    /// Canvas-pixel coordinates of a page point in millimetres.
    fn px(&self, x_mm: f64, y_mm: f64) -> (f64, f64) {
        (x_mm * self.s - self.x0, y_mm * self.s - self.y0)
    }

    fn touches(&self, r: &MmRect) -> bool {
        let (x0, y0) = self.px(r.x, r.y);
        let (x1, y1) = self.px(r.right(), r.bottom());
        // One pixel of slack: anti-aliasing bleeds past the exact edges.
        x1 > -1.0 && y1 > -1.0 && x0 < self.w as f64 + 1.0 && y0 < self.h as f64 + 1.0
    }

    fn paint(&mut self, x: usize, y: usize, coverage: f32, gray: u8) {
        let c = coverage.clamp(0.0, 1.0);
        let p = &mut self.v[y * self.w + x];
        *p += (f32::from(gray) - *p) * c;
    }

    /// Fills disjoint rectangles with their union's exact area coverage.
    fn rects(&mut self, rects: &[MmRect], gray: u8) {
        let Some(first) = rects.first() else {
            return;
        };
        let bounds = rects.iter().fold(*first, MmRect::union);
        let (bx0, by0) = self.px(bounds.x, bounds.y);
        let (bx1, by1) = self.px(bounds.right(), bounds.bottom());
        let ix0 = bx0.floor().max(0.0) as usize;
        let iy0 = by0.floor().max(0.0) as usize;
        let ix1 = (bx1.ceil().max(0.0) as usize).min(self.w);
        let iy1 = (by1.ceil().max(0.0) as usize).min(self.h);
        if ix0 >= ix1 || iy0 >= iy1 {
            return;
        }
        let sw = ix1 - ix0;
        self.scratch.clear();
        self.scratch.resize(sw * (iy1 - iy0), 0.0);
        for r in rects {
            let (x0, y0) = self.px(r.x, r.y);
            let (x1, y1) = self.px(r.right(), r.bottom());
            let cx0 = (x0.floor().max(ix0 as f64)) as usize;
            let cy0 = (y0.floor().max(iy0 as f64)) as usize;
            let cx1 = (x1.ceil() as usize).min(ix1);
            let cy1 = (y1.ceil() as usize).min(iy1);
            for py in cy0..cy1 {
                let fy = (y1.min(py as f64 + 1.0) - y0.max(py as f64)).max(0.0);
                for px in cx0..cx1 {
                    let fx = (x1.min(px as f64 + 1.0) - x0.max(px as f64)).max(0.0);
                    self.scratch[(py - iy0) * sw + (px - ix0)] += (fx * fy) as f32;
                }
            }
        }
        let scratch = std::mem::take(&mut self.scratch);
        for (i, c) in scratch.iter().enumerate() {
            if *c > 0.0 {
                self.paint(ix0 + i % sw, iy0 + i / sw, *c, gray);
            }
        }
        self.scratch = scratch;
    }

    fn text(&mut self, run: &TextRun) {
        let upem = run.style.units_per_em();
        let px_per_unit = (run.size_mm * self.s / upem) as f32;
        let factor = PxScaleFactor {
            horizontal: px_per_unit,
            vertical: px_per_unit,
        };
        let (_, base_y) = self.px(0.0, run.baseline_mm);
        for g in &run.glyphs {
            let x_mm = run.glyph_x_mm(g);
            // Skip glyphs without ink or outside the canvas before loading outlines.
            let Some(ink) = fonts::glyph_ink_em(run.style, g.id) else {
                continue;
            };
            let ink_mm = MmRect::new(
                x_mm + ink.x_min * run.size_mm,
                run.baseline_mm - ink.y_max * run.size_mm,
                (ink.x_max - ink.x_min) * run.size_mm,
                (ink.y_max - ink.y_min) * run.size_mm,
            );
            if !self.touches(&ink_mm) {
                continue;
            }
            let Some(outline) = run.style.outline(g.id) else {
                continue;
            };
            let (gx, _) = self.px(x_mm, 0.0);
            let glyph = Glyph {
                id: GlyphId(g.id),
                // The scale factor above is what draws; this only labels the glyph.
                scale: PxScale::from((run.size_mm * self.s) as f32),
                position: point(gx as f32, base_y as f32),
            };
            let outlined = OutlinedGlyph::new(glyph, outline, factor);
            let b = outlined.px_bounds();
            if b.max.x < 0.0 || b.max.y < 0.0 || b.min.x > self.w as f32 || b.min.y > self.h as f32
            {
                continue;
            }
            let (ox, oy) = (b.min.x as i64, b.min.y as i64);
            let (w, h) = (self.w as i64, self.h as i64);
            outlined.draw(|x, y, c| {
                let (px, py) = (ox + i64::from(x), oy + i64::from(y));
                if px >= 0 && py >= 0 && px < w && py < h && c > 0.0 {
                    self.paint(px as usize, py as usize, c, run.gray);
                }
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::election::{EXAMPLE_ELECTION, parse_election};

    fn layout() -> BallotLayout {
        let e = parse_election(EXAMPLE_ELECTION, std::path::Path::new("e.toml")).unwrap();
        BallotLayout::for_election(&e).unwrap()
    }

    fn dark_box(img: &GrayImage) -> Option<(u32, u32, u32, u32)> {
        let mut b: Option<(u32, u32, u32, u32)> = None;
        for (x, y, p) in img.enumerate_pixels() {
            if p[0] < 128 {
                b = Some(b.map_or((x, y, x, y), |(a, c, d, e)| {
                    (a.min(x), c.min(y), d.max(x), e.max(y))
                }));
            }
        }
        b
    }

    #[test]
    fn geometry_holds_from_100_to_600_dpi() {
        let l = layout();
        for dpi in [100.0, 150.0, 300.0, 600.0] {
            let s = px_per_mm(dpi);
            let page = render_ballot_gray(&l, Some("KP1TEST"), dpi);
            assert_eq!(page.dimensions(), page_size_px(&l, dpi));
            for c in &l.candidates {
                let window = c.name_mm.grow(2.0);
                let px = region_px(&l, dpi, window);
                let crop = image::imageops::crop_imm(&page, px.x, px.y, px.w, px.h).to_image();
                let (x0, y0, x1, y1) = dark_box(&crop).unwrap();
                let got = [
                    f64::from(px.x + x0) / s,
                    f64::from(px.y + y0) / s,
                    f64::from(px.x + x1 + 1) / s,
                    f64::from(px.y + y1 + 1) / s,
                ];
                let want = [
                    c.name_mm.x,
                    c.name_mm.y,
                    c.name_mm.right(),
                    c.name_mm.bottom(),
                ];
                for (g, w) in got.iter().zip(want) {
                    // Within a pixel and a half: anti-aliased edges at 50 % grey.
                    assert!((g - w).abs() <= 1.5 / s, "{dpi} dpi: {got:?} vs {want:?}");
                }
            }
        }
    }

    #[test]
    fn blank_template_has_no_code_and_regions_are_cheap_crops() {
        let l = layout();
        let quiet = l.qr.quiet_mm;
        let blank = render_region_gray(&l, None, 200.0, quiet);
        assert!(blank.pixels().all(|p| p[0] == 255));
        let code = render_region_gray(&l, Some("KP1TEST"), 200.0, quiet);
        assert!(code.pixels().any(|p| p[0] == 0));
        // A region outside the page is empty, not a panic.
        let none = render_region_gray(&l, None, 200.0, MmRect::new(500.0, 500.0, 10.0, 10.0));
        assert_eq!(none.dimensions(), (0, 0));
    }
}
