//! The printable ballot as a display list in millimetres (origin at the top-left
//! of the page, y down). Pure: no I/O. Both renderers (PDF and raster) draw
//! exactly this list, so what the interpreter expects is what is printed.
//!
//! One file per step: [`spec`] holds the nominal sizes per paper, [`para`] fits
//! paragraphs to a width, [`header`] places the fiducials and the header,
//! [`top`] arranges the title block beside the stamp and QR row, [`rows`] places
//! the candidates' names and the approval boxes, [`check`] verifies the result
//! and [`json`] writes the public geometry.

mod check;
mod header;
mod items;
mod json;
mod para;
mod rows;
mod spec;
#[cfg(test)]
mod tests;
mod top;

use unicode_normalization::UnicodeNormalization;

use crate::ballot::qr::QR_QUIET_MODULES;
use crate::election::{Election, Marking, Paper};
use crate::geometry::MmRect;

pub use items::{
    ApproveBoxes, CandidateLayout, DrawItem, ItemRole, LayoutError, MmBand, QrBox, RectSet, TextRun,
};
pub use json::{BallotGeometry, CandidateGeometry, PageSize};

/// Format version of the geometry JSON.
pub const GEOMETRY_VERSION: u32 = 1;
/// Nothing is printed closer than this to the paper's edge.
pub const PAGE_MARGIN_MM: f64 = 5.0;
/// Side of each (filled, black, square) corner fiducial.
pub const FIDUCIAL_SIZE_MM: f64 = 5.0;
/// Distance from the paper's edges to each fiducial.
pub const FIDUCIAL_INSET_MM: f64 = 5.0;
/// Side of one QR module.
pub const QR_MODULE_MM: f64 = 0.7;
/// Minimum empty space around each printed name (voters strike by hand).
pub const NAME_CLEARANCE_MM: f64 = 6.0;

/// Free space kept around each fiducial so a detector sees it isolated.
const FIDUCIAL_CLEAR_MM: f64 = 3.0;
/// Left/right limit of full-width text: clear of the fiducial columns.
const TEXT_SIDE_MM: f64 = FIDUCIAL_INSET_MM + FIDUCIAL_SIZE_MM + FIDUCIAL_CLEAR_MM;
/// Left edge of the stamp box and right edge of the QR quiet zone.
const ROW_SIDE_MM: f64 = 7.0;
/// Top of the header's ink.
const HEADER_TOP_MM: f64 = 6.0;
/// Gap between the stamp box or QR quiet zone and text beside them.
const ROW_GAP_MM: f64 = 2.5;
/// Stroke of the stamp box (light grey) and of the approval boxes (black).
const STAMP_STROKE_MM: f64 = 0.3;
const BOX_STROKE_MM: f64 = 0.4;
/// Grey levels (0 black, 255 white).
const STAMP_GRAY: u8 = 160;
const LABEL_GRAY: u8 = 96;

/// Instruction for a strike ballot with several candidates: exactly one name is kept (rules.md §14).
pub const INSTRUCTION_STRIKE: &str =
    "Chỉ giữ lại họ tên 01 người mình chọn; gạch ngang hết họ và tên những người còn lại.";
/// Instruction for a strike ballot with one candidate, when a struck name disapproves.
pub const INSTRUCTION_STRIKE_SINGLE: &str =
    "Đồng ý: giữ nguyên họ và tên. Không đồng ý: gạch ngang hết họ và tên.";
/// Instruction for a strike ballot with one candidate when a struck name makes the
/// ballot invalid (`single_struck = "invalid"`): it never tells voters to strike (rules.md §14).
pub const INSTRUCTION_KEEP_SINGLE: &str = "Đồng ý thì giữ nguyên họ và tên người ứng cử.";
/// Instruction for an approval-box ballot.
pub const INSTRUCTION_BOXES: &str = "Đánh dấu X vào 01 ô";
/// Label of the approval box.
pub const APPROVE_LABEL: &str = "Đồng ý";
/// Label of the disapproval box.
pub const DISAPPROVE_LABEL: &str = "Không đồng ý";
/// Tiny label under the stamp area: the commune's hanging stamp (a Tổ bầu cử has no seal).
pub const STAMP_LABEL: &str = "Dấu treo của UBND cấp xã";
/// Title of the meeting ballot, before the office in capitals.
pub const TITLE_MEETING: &str = "PHIẾU BẦU";
/// Title of the household ballot (Decree 59 art. 4(5)(b): phiếu lấy ý kiến).
pub const TITLE_HOUSEHOLD: &str = "PHIẾU LẤY Ý KIẾN";
/// Lead of the household ballot's collection-deadline line.
pub const DEADLINE_LEAD: &str = "Thời hạn thu phiếu";

/// The laid-out ballot: everything both renderers draw, in millimetres.
#[derive(Debug, Clone, PartialEq)]
pub struct BallotLayout {
    /// Paper size.
    pub paper: Paper,
    /// How the ballot is marked.
    pub marking: Marking,
    /// Page width.
    pub width_mm: f64,
    /// Page height.
    pub height_mm: f64,
    /// The static display list, in painting order (the QR is per ballot, see `qr`).
    pub items: Vec<DrawItem>,
    /// Corner fiducials: top-left, top-right, bottom-left, bottom-right.
    pub fiducials_mm: [MmRect; 4],
    /// QR code placement.
    pub qr: QrBox,
    /// The stamp area (dấu treo): an empty light-grey frame.
    pub stamp_mm: MmRect,
    /// Candidates in ballot order.
    pub candidates: Vec<CandidateLayout>,
    /// Approval boxes (only for `approve_boxes`).
    pub boxes: Option<ApproveBoxes>,
}

impl BallotLayout {
    /// Lays out the ballot of `election` on its paper.
    pub fn for_election(election: &Election) -> Result<BallotLayout, LayoutError> {
        let info = &election.election;
        let n = election.candidates.len();
        if n == 0 {
            return Err(LayoutError::NoCandidates);
        }
        if info.marking == Marking::ApproveBoxes && n != 1 {
            return Err(LayoutError::BoxesNeedOneCandidate(n));
        }
        let paper = info.paper;
        let spec = spec::Spec::of(paper);
        let (w, h) = paper.size_mm();

        let mut items: Vec<DrawItem> = Vec::new();
        let fiducials_mm = header::fiducials(w, h, &mut items);
        let header_bottom = header::header(info, &spec, w, &mut items)?;
        let top = top::arrange(election, &spec, header_bottom)?;
        let stamp_mm = top.row.stamp;
        let qz = f64::from(QR_QUIET_MODULES) * QR_MODULE_MM;
        let qr = QrBox {
            symbol_mm: top.row.quiet.grow(-qz),
            quiet_mm: top.row.quiet,
        };
        top.row.draw(&mut items);
        items.extend(top.runs.into_iter().map(DrawItem::Text));

        // Candidate rows, centred on the page.
        let cx = w / 2.0;
        let (name_size, gap) = (top.fit.size, top.fit.gap);
        let (candidates, last_bottom) = rows::names(
            &election.candidates,
            top.fit,
            top.names_start,
            cx,
            &mut items,
        );
        let boxes = if info.marking == Marking::ApproveBoxes {
            let size_gap = (name_size, gap);
            Some(rows::approve_boxes(
                &spec,
                size_gap,
                last_bottom,
                cx,
                &mut items,
            )?)
        } else {
            None
        };

        let layout = BallotLayout {
            paper,
            marking: info.marking,
            width_mm: w,
            height_mm: h,
            items,
            fiducials_mm,
            qr,
            stamp_mm,
            candidates,
            boxes,
        };
        layout.check().map_err(|what| does_not_fit(paper, &what))?;
        Ok(layout)
    }

    /// The text runs of the display list.
    pub fn text_runs(&self) -> impl Iterator<Item = &TextRun> {
        self.items.iter().filter_map(|i| match i {
            DrawItem::Text(t) => Some(t),
            DrawItem::Rects(_) => None,
        })
    }
}

/// The error for content that does not fit `paper` even at the smallest sizes.
fn does_not_fit(paper: Paper, what: &str) -> LayoutError {
    LayoutError::DoesNotFit {
        paper: paper.as_str(),
        what: what.to_string(),
    }
}

/// Text as printed: NFC, whatever form the election file used.
fn nfc(s: &str) -> String {
    s.nfc().collect()
}

fn rect_frame(outer: MmRect, stroke: f64) -> Vec<MmRect> {
    // Top and bottom span the full width; the sides fit between them, so the
    // four pieces never overlap (overlaps would darken corners in the raster).
    vec![
        MmRect::new(outer.x, outer.y, outer.w, stroke),
        MmRect::new(outer.x, outer.bottom() - stroke, outer.w, stroke),
        MmRect::new(outer.x, outer.y + stroke, stroke, outer.h - 2.0 * stroke),
        MmRect::new(
            outer.right() - stroke,
            outer.y + stroke,
            stroke,
            outer.h - 2.0 * stroke,
        ),
    ]
}
