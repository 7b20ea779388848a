//! The blank ballot as the interpreter needs it: geometry in millimetres and
//! small renderings of the regions it measures, made once per election.

use crate::ballot::layout::{BallotLayout, DrawItem, LayoutError};
use crate::ballot::raster::{px_per_mm, region_px, render_ballot_gray, render_region_gray};
use crate::election::Election;
use kiemphieu_core::geometry::MmRect;

use super::extra::{NameZones, PAGE_STEP_MM, PageTemplate};
use super::geometry::{Homography, Point, affine_residual};
use super::names::{NAME_MARGIN_X_MM, NAME_MARGIN_Y_MM, NAME_STEP_MM, NameTemplate};
use super::profile::Profile;
use super::sample::{Patch, dilate};
use super::stamp::STAMP_STEP_MM;

/// One approve box, ready to measure.
#[derive(Debug, Clone)]
pub struct BoxTemplate {
    /// Interior of the box (inside its printed frame), mm.
    pub interior: MmRect,
    /// Printed pixels within the interior at `NAME_STEP_MM`.
    pub printed: Vec<bool>,
}

/// The prepared blank ballot.
#[derive(Debug, Clone)]
pub struct Template {
    /// The layout it was made from.
    pub layout: BallotLayout,
    /// Page size, mm.
    pub page_mm: (f64, f64),
    /// Corner-mark centres, page order TL, TR, BL, BR.
    pub marks_mm: [Point; 4],
    /// Corner-mark side, mm.
    pub mark_side_mm: f64,
    /// QR code with its quiet zone, mm.
    pub qr_region: MmRect,
    /// QR module size, mm.
    pub qr_module_mm: f64,
    /// The QR symbol itself (no quiet zone), mm.
    pub qr_symbol: MmRect,
    /// Modules per side of the symbol.
    pub qr_modules: usize,
    /// Stamp area, mm.
    pub stamp_mm: MmRect,
    /// Printed pixels (outline, label) of the stamp area at `STAMP_STEP_MM`.
    pub stamp_printed: Vec<bool>,
    /// Names in ballot order.
    pub names: Vec<NameTemplate>,
    /// Approve boxes (Đồng ý, Không đồng ý), for `approve_boxes` ballots.
    pub boxes: Option<[BoxTemplate; 2]>,
    /// The whole page for the extra-writing search.
    pub page: PageTemplate,
}

/// Renders `region` at `step` mm per pixel; the patch's origin is where the pixels really start.
fn render_patch(layout: &BallotLayout, region: MmRect, step: f64) -> Patch {
    let dpi = (25.4 / step) as f32;
    let s = px_per_mm(dpi);
    let px = region_px(layout, dpi, region);
    let img = render_region_gray(layout, None, dpi, region);
    Patch {
        origin: Point::new(f64::from(px.x) / s, f64::from(px.y) / s),
        step: 1.0 / s,
        w: img.width() as usize,
        h: img.height() as usize,
        data: img.into_raw(),
    }
}

impl Template {
    /// Lays out the election's ballot and renders what the stages compare with.
    pub fn new(election: &Election, profile: &Profile) -> Result<Self, LayoutError> {
        let layout = BallotLayout::for_election(election)?;
        let f = layout.fiducials_mm;
        let marks_mm = f.map(kiemphieu_core::geometry::MmRect::centre);
        let qr_region = layout.qr.quiet_mm;
        let qr_modules = layout.geometry().qr_modules as usize;
        let qr_module_mm = layout.qr.symbol_mm.w / qr_modules.max(1) as f64;
        let qr_symbol = layout.qr.symbol_mm;

        let names = layout
            .candidates
            .iter()
            .map(|c| {
                let name_mm = c.name_mm;
                let cap_top = match layout.items.get(c.item) {
                    Some(DrawItem::Text(run)) => {
                        c.baseline_mm - run.style.cap_height_em() * run.size_mm
                    }
                    _ => c.x_band_mm.top,
                };
                let region = MmRect::new(
                    name_mm.x - NAME_MARGIN_X_MM,
                    name_mm.y - NAME_MARGIN_Y_MM,
                    name_mm.w + 2.0 * NAME_MARGIN_X_MM,
                    name_mm.h + 2.0 * NAME_MARGIN_Y_MM,
                );
                let patch = render_patch(&layout, region, NAME_STEP_MM);
                NameTemplate::new(
                    &c.id,
                    name_mm,
                    (cap_top, c.x_band_mm.top, c.baseline_mm),
                    patch,
                    profile,
                )
            })
            .collect();

        let stamp_mm = layout.stamp_mm;
        let stamp_patch = render_patch(&layout, stamp_mm, STAMP_STEP_MM);
        // The measure samples exactly stamp_mm; use the rendering's grid only as a mask source.
        let (sw, sh) = Patch::size_for(stamp_mm, STAMP_STEP_MM);
        let stamp_printed_raw: Vec<bool> = (0..sw * sh)
            .map(|i| {
                let (x, y) = ((i % sw) as f64, (i / sw) as f64);
                let mx = stamp_mm.x + (x + 0.5) * STAMP_STEP_MM;
                let my = stamp_mm.y + (y + 0.5) * STAMP_STEP_MM;
                let px = ((mx - stamp_patch.origin.x) / stamp_patch.step) as isize;
                let py = ((my - stamp_patch.origin.y) / stamp_patch.step) as isize;
                stamp_patch.at(px, py) < 230
            })
            .collect();
        let stamp_printed = dilate(&stamp_printed_raw, sw, sh, 2);

        let boxes = layout.boxes.map(|b| {
            [b.approve, b.disapprove].map(|r| {
                let interior = r.grow(-0.8);
                let patch = render_patch(&layout, interior, NAME_STEP_MM);
                let (bw, bh) = Patch::size_for(interior, NAME_STEP_MM);
                let printed: Vec<bool> = (0..bw * bh)
                    .map(|i| patch.at((i % bw) as isize, (i / bw) as isize) < 200)
                    .collect();
                BoxTemplate {
                    interior,
                    printed: dilate(&printed, bw, bh, 2),
                }
            })
        });

        // Places where marks belong are not "extra writing".
        let (pw, ph) = (layout.width_mm, layout.height_mm);
        let border = 4.0;
        let mut zones = vec![
            MmRect::new(0.0, 0.0, pw, border),
            MmRect::new(0.0, ph - border, pw, border),
            MmRect::new(0.0, 0.0, border, ph),
            MmRect::new(pw - border, 0.0, border, ph),
            qr_region.grow(1.0),
            stamp_mm.grow(8.0),
        ];
        zones.extend(f.iter().map(|r| r.grow(2.0)));
        // Strikes overshoot the name and wander a little above and below it:
        // the row is searched for writing with the strike's ink told apart.
        let name_zones: Vec<NameZones> = layout
            .candidates
            .iter()
            .map(|c| {
                let n = c.name_mm;
                NameZones {
                    name: n.grow(0.5),
                    ring: MmRect::new(
                        n.x - NAME_MARGIN_X_MM,
                        n.y - NAME_MARGIN_Y_MM,
                        n.w + 2.0 * NAME_MARGIN_X_MM,
                        n.h + 2.0 * NAME_MARGIN_Y_MM,
                    ),
                    row: MmRect::new(n.x - 12.0, n.y - 5.0, n.w + 24.0, n.h + 10.0),
                }
            })
            .collect();
        if let Some(b) = layout.boxes {
            zones.push(b.approve.grow(3.0));
            zones.push(b.disapprove.grow(3.0));
        }
        let rendered = render_ballot_gray(&layout, None, (25.4 / PAGE_STEP_MM) as f32);
        let page = PageTemplate::new(&rendered, &zones, &name_zones, border);

        Ok(Template {
            page_mm: (pw, ph),
            marks_mm,
            mark_side_mm: f[0].w,
            qr_region,
            qr_module_mm,
            qr_symbol,
            qr_modules,
            stamp_mm,
            stamp_printed,
            names,
            boxes,
            page,
            layout,
        })
    }

    /// Width and height of the corner marks' rectangle, mm.
    pub fn mark_span_mm(&self) -> (f64, f64) {
        let m = &self.marks_mm;
        (m[0].dist(m[1]), m[0].dist(m[2]))
    }

    /// Image marks (image order TL, TR, BL, BR) matched to layout marks for a rotation.
    fn assign(rotation: u16, m: &[Point; 4]) -> [Point; 4] {
        // For each layout mark (TL, TR, BL, BR), the image corner it lands in.
        let order = match rotation {
            0 => [0, 1, 2, 3],
            180 => [3, 2, 1, 0],
            90 => [1, 3, 0, 2],
            _ => [2, 0, 3, 1],
        };
        order.map(|i| m[i])
    }

    /// Layout (mm) → image (px) under a rotation.
    pub fn homography(&self, rotation: u16, m: &[Point; 4]) -> Option<Homography> {
        Homography::from_points(&self.marks_mm, &Self::assign(rotation, m))
    }

    /// RMS distance (image px) of the marks from the best flat-sheet (affine) fit.
    pub fn registration_error(&self, rotation: u16, m: &[Point; 4]) -> f64 {
        affine_residual(&self.marks_mm, &Self::assign(rotation, m))
    }
}
