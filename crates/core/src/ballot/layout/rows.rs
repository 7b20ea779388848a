//! The candidates' rows: the names' size and spacing, the names themselves and,
//! on an `approve_boxes` ballot, the two boxes under the single name.

use super::para::Line;
use super::spec::Spec;
use super::{
    APPROVE_LABEL, ApproveBoxes, BOX_STROKE_MM, CandidateLayout, DISAPPROVE_LABEL, DrawItem,
    ItemRole, LayoutError, MmBand, NAME_CLEARANCE_MM, RectSet, rect_frame,
};
use crate::ballot::fonts::FontStyle;
use crate::election::Candidate;
use crate::geometry::MmRect;

/// Where the candidates' rows go, for one arrangement of the top of the page.
pub(super) struct NamesFit {
    /// The names' font size.
    pub(super) size: f64,
    lines: Vec<Line>,
    /// Extent of the tallest name above its baseline.
    top_ext: f64,
    row_h: f64,
    /// Clear space above each row.
    pub(super) gap: f64,
}

/// The largest name size whose rows fit the region `[top, bottom]` (the page's
/// foot) with their clearance; `None` when even the smallest does not.
pub(super) fn fit_names(
    names: &[String],
    spec: &Spec,
    content_w: f64,
    (top, h): (f64, f64),
    boxes_mode: bool,
) -> Result<Option<NamesFit>, LayoutError> {
    let steps = ((spec.name_max - spec.name_min) / 0.05).round() as i32;
    for i in 0..=steps {
        let size = spec.name_max - f64::from(i) * 0.05;
        let lines = names
            .iter()
            .enumerate()
            .map(|(k, t)| Line::new(t, FontStyle::Regular, size, 0, ItemRole::Name(k)))
            .collect::<Result<Vec<_>, _>>()?;
        if lines.iter().any(|l| l.ink_width() > content_w) {
            continue;
        }
        let top_ext = lines.iter().map(Line::above).fold(0.0, f64::max);
        let bot_ext = lines.iter().map(Line::below).fold(0.0, f64::max);
        let row_h = top_ext + bot_ext;
        let rows = names.len() as f64;
        // Clear space above each row and below the last one (the
        // bottom margin counts: it is blank paper); approval boxes
        // add their row and one more gap.
        let (extra, slots) = if boxes_mode {
            (spec.box_side, rows + 2.0)
        } else {
            (0.0, rows + 1.0)
        };
        let free = h - top - rows * row_h - extra;
        if free >= slots * NAME_CLEARANCE_MM {
            let gap = (free / slots).min(spec.gap_max);
            return Ok(Some(NamesFit {
                size,
                lines,
                top_ext,
                row_h,
                gap,
            }));
        }
    }
    Ok(None)
}

/// Places the names centred on `cx` from `names_top`; returns the candidates
/// as printed and the lowest ink.
pub(super) fn names(
    candidates: &[Candidate],
    fit: NamesFit,
    names_top: f64,
    cx: f64,
    items: &mut Vec<DrawItem>,
) -> (Vec<CandidateLayout>, f64) {
    let mut placed = Vec::with_capacity(candidates.len());
    let mut baseline = names_top + fit.gap + fit.top_ext;
    let mut last_bottom = names_top;
    for (k, (line, cand)) in fit.lines.into_iter().zip(candidates).enumerate() {
        let x_height = line.style.x_height_em() * line.size;
        let run = line.place_centred(cx, baseline);
        last_bottom = last_bottom.max(run.ink_mm.bottom());
        placed.push(CandidateLayout {
            id: cand.id.clone(),
            name: run.text.clone(),
            name_mm: run.ink_mm,
            baseline_mm: baseline,
            x_band_mm: MmBand {
                top: baseline - x_height,
                bottom: baseline,
            },
            item: items.len(),
        });
        debug_assert_eq!(run.role, ItemRole::Name(k));
        items.push(DrawItem::Text(run));
        baseline += fit.row_h + fit.gap;
    }
    (placed, last_bottom)
}

/// Approval boxes under the single name: [box] Đồng ý     [box] Không đồng ý
pub(super) fn approve_boxes(
    spec: &Spec,
    (name_size, gap): (f64, f64),
    last_bottom: f64,
    cx: f64,
    items: &mut Vec<DrawItem>,
) -> Result<ApproveBoxes, LayoutError> {
    let side = spec.box_side;
    let box_top = last_bottom + gap;
    let label_size = spec.info.max(name_size * 0.7);
    let la = Line::new(
        APPROVE_LABEL,
        FontStyle::Regular,
        label_size,
        0,
        ItemRole::BoxLabel,
    )?;
    let ld = Line::new(
        DISAPPROVE_LABEL,
        FontStyle::Regular,
        label_size,
        0,
        ItemRole::BoxLabel,
    )?;
    let pad = 0.6 * side;
    let between = 2.0 * side;
    let total = 2.0 * (side + pad) + la.ink_width() + between + ld.ink_width();
    let x0 = cx - total / 2.0;
    let approve = MmRect::new(x0, box_top, side, side);
    let disapprove = MmRect::new(
        x0 + side + pad + la.ink_width() + between,
        box_top,
        side,
        side,
    );
    // Labels sit on the boxes' vertical centre (cap-height centred).
    let label_base = box_top + side / 2.0 + FontStyle::Regular.cap_height_em() * label_size / 2.0;
    for (frame, label) in [(approve, la), (disapprove, ld)] {
        items.push(DrawItem::Rects(RectSet {
            rects: rect_frame(frame, BOX_STROKE_MM),
            gray: 0,
            role: ItemRole::ApproveBox,
        }));
        let x_ink = label.shaped.ink_em.map_or(0.0, |b| b.x_min) * label.size;
        let run = label.place(frame.right() + pad - x_ink, label_base);
        items.push(DrawItem::Text(run));
    }
    Ok(ApproveBoxes {
        approve,
        disapprove,
    })
}
